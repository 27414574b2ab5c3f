//! `enigma-worker`: a worker ("secret node") of the Enigma network.

mod chain_policy;
mod daemon;
mod follow;
mod gateway;
mod handover;
mod keys;
mod metrics;
mod service;
mod spdz_run;
mod store;
mod tasks;
mod worker;

use clap::{Parser, Subcommand};
use enigma_p2p::Multiaddr;
use std::{net::SocketAddr, path::PathBuf, process::ExitCode};

#[derive(Parser)]
#[command(name = "enigma-worker", version, about = "An Enigma worker: stakes on chain, holds secret shares, runs tasks over MPC with its committee, serves the DHT")]
struct Cli {
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Manage the worker's keys.
	Key {
		#[command(subcommand)]
		command: KeyCommand,
	},
	/// Register (on first start), serve the DHT and follow the chain until Ctrl-C.
	Run {
		/// The key directory `key generate` made.
		#[arg(long)]
		key_dir: PathBuf,
		/// Where the worker keeps its database.
		#[arg(long)]
		data_dir: PathBuf,
		/// The node's WebSocket RPC endpoint.
		#[arg(long, default_value = "ws://127.0.0.1:9944")]
		rpc: String,
		/// The DHT's listen address.
		#[arg(long, default_value = "/ip4/127.0.0.1/tcp/0")]
		listen: Multiaddr,
		/// A DHT node to join through (multiaddr ending in /p2p/<peer id>). Repeatable.
		#[arg(long)]
		bootstrap: Vec<Multiaddr>,
		/// Stake to register with, in whole ENG (at least the chain's MinWorkerStake).
		#[arg(long, default_value_t = 1_000)]
		stake: u128,
		/// Serve Prometheus metrics on this port (127.0.0.1).
		#[arg(long)]
		prometheus_port: Option<u16>,
		/// Serve the metrics on every interface (0.0.0.0), e.g. in a container.
		#[arg(long, requires = "prometheus_port")]
		prometheus_external: bool,
		/// Answer clients over HTTP on this address too (`POST /app`), for browsers and the
		/// JavaScript SDK, e.g. 127.0.0.1:9950.
		#[arg(long)]
		http_gateway: Option<SocketAddr>,
		/// Test only: deviate from the protocol (frames nobody can decode, well-formed wrong
		/// values, silence in every run, or nothing but the next) to exercise blame, reruns and
		/// slashing; in every mode, hand owners false shares (declassified secrets, private
		/// outputs).
		#[arg(long, hide = true, value_enum, num_args = 0..=1, default_missing_value = "malformed-frames")]
		misbehave: Option<worker::Misbehaviour>,
		/// Drop a delivered share whose secret is not registered on chain within this many
		/// seconds (anyone can deal to the published keys; unregistered shares are nobody's).
		#[arg(long, default_value_t = worker::UNREGISTERED_TTL.as_secs())]
		unregistered_share_ttl: u64,
		/// Keep at most this many delivered shares of one identity waiting for registration
		/// (beyond it, the member takes only shares of secrets registered already).
		#[arg(long, default_value_t = worker::MAX_UNREGISTERED_PER_IDENTITY)]
		unregistered_shares_per_identity: usize,
		/// When this worker leaves (unbonds), do not rotate its committees: their owners hand
		/// the secrets over themselves, and the stake stays bound until they do. By default a
		/// leaving worker rotates each committee it holds secrets of (holding the new
		/// committee's deposit, and each handover's until the secret moved).
		#[arg(long)]
		no_rotation: bool,
	},
	/// Start leaving: no new committee is drawn with this worker. Its running daemon rotates the
	/// committees it holds secrets of (unless run with --no-rotation); `withdraw` releases the
	/// stake once the unbonding period passed and no share of a live secret is left.
	Unbond {
		#[arg(long)]
		key_dir: PathBuf,
		/// The node's WebSocket RPC endpoint.
		#[arg(long, default_value = "ws://127.0.0.1:9944")]
		rpc: String,
	},
	/// Leave: release the whole stake (after `unbond` and its period, holding no share).
	Withdraw {
		#[arg(long)]
		key_dir: PathBuf,
		/// The node's WebSocket RPC endpoint.
		#[arg(long, default_value = "ws://127.0.0.1:9944")]
		rpc: String,
	},
}

#[derive(Subcommand)]
enum KeyCommand {
	/// Create the account, libp2p and x25519 keys (files of mode 0600).
	Generate {
		#[arg(long)]
		key_dir: PathBuf,
		/// Derive the account from a secret URI such as //Alice instead of a random seed.
		#[arg(long)]
		account: Option<String>,
	},
	/// Print the account, peer id and encryption key.
	Show {
		#[arg(long)]
		key_dir: PathBuf,
	},
}

async fn run(cli: Cli) -> Result<(), String> {
	match cli.command {
		Command::Key { command: KeyCommand::Generate { key_dir, account } } => {
			let keys = keys::WorkerKeys::generate(&key_dir, account.as_deref()).map_err(|e| e.to_string())?;
			println!("{}", keys.describe());
			Ok(())
		}
		Command::Key { command: KeyCommand::Show { key_dir } } => {
			let keys = keys::WorkerKeys::load(&key_dir).map_err(|e| e.to_string())?;
			println!("{}", keys.describe());
			Ok(())
		}
		Command::Run { key_dir, data_dir, rpc, listen, bootstrap, stake, prometheus_port, prometheus_external, http_gateway, misbehave, unregistered_share_ttl, unregistered_shares_per_identity, no_rotation } => {
			let keys = keys::WorkerKeys::load(&key_dir).map_err(|e| e.to_string())?;
			let host = if prometheus_external { [0, 0, 0, 0] } else { [127, 0, 0, 1] };
			let prometheus = prometheus_port.map(|port| SocketAddr::from((host, port)));
			let unregistered_ttl = std::time::Duration::from_secs(unregistered_share_ttl);
			daemon::run(daemon::RunConfig { keys, data_dir, rpc, listen, bootstrap, stake, prometheus, http_gateway, misbehave, unregistered_ttl, unregistered_per_identity: unregistered_shares_per_identity, rotate_on_leaving: !no_rotation }).await.map_err(|e| e.to_string())
		}
		Command::Unbond { key_dir, rpc } => leave(&key_dir, &rpc, pallet_workers::Call::unbond {}).await,
		Command::Withdraw { key_dir, rpc } => leave(&key_dir, &rpc, pallet_workers::Call::withdraw {}).await,
	}
}

/// Sends `unbond` or `withdraw` signed by the worker's account, and says what the chain did.
async fn leave(key_dir: &std::path::Path, rpc: &str, call: pallet_workers::Call<enigma_runtime::Runtime>) -> Result<(), String> {
	let keys = keys::WorkerKeys::load(key_dir).map_err(|e| e.to_string())?;
	let chain = enigma_chain::Chain::connect(rpc, std::time::Duration::from_secs(30)).await.map_err(|e| e.to_string())?;
	let (_, events) = chain.submit(&keys.account, enigma_runtime::RuntimeCall::Workers(call)).await.map_err(|e| e.to_string())?;
	for record in events {
		match record.event {
			enigma_runtime::RuntimeEvent::Workers(pallet_workers::Event::Unbonding { until, .. }) => {
				println!("unbonding until block #{until}; the running worker hands its committees' secrets over, then `enigma-worker withdraw`");
			}
			enigma_runtime::RuntimeEvent::Workers(pallet_workers::Event::Leaving { tasks, .. }) => {
				println!("leaving: the running worker finishes its {tasks} task(s) first; its unbonding period starts once they end");
			}
			enigma_runtime::RuntimeEvent::Workers(pallet_workers::Event::Withdrawn { stake, .. }) => println!("withdrawn: {} ENG", stake / enigma_runtime::UNIT),
			_ => {}
		}
	}
	Ok(())
}

fn main() -> ExitCode {
	let cli = Cli::parse();
	enigma_p2p::cli::run_main("info,libp2p=warn,libp2p_kad=error", run(cli))
}
