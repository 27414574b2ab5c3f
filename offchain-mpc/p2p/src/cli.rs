//! What the off-chain command lines (`dht-node`, `enigma-worker`, `enigma`) share: logs to
//! stderr (colour only on a terminal, `RUST_LOG` to change the level), a tokio runtime, and
//! "error: ..." with exit code 1 on failure.

use std::{future::Future, process::ExitCode, time::Duration};

pub fn run_main(default_log: &str, work: impl Future<Output = Result<(), String>>) -> ExitCode {
	tracing_subscriber::fmt()
		.with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| default_log.into()))
		.with_writer(std::io::stderr)
		.with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
		.init();
	let runtime = tokio::runtime::Runtime::new().expect("tokio runtime");
	let result = runtime.block_on(work);
	// Give the swarm's background tasks a moment to close connections, then leave.
	runtime.shutdown_timeout(Duration::from_secs(1));
	match result {
		Ok(()) => ExitCode::SUCCESS,
		Err(e) => {
			eprintln!("error: {e}");
			ExitCode::FAILURE
		}
	}
}
