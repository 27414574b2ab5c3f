//! What Pedersen-verifiable input sharing costs ([`enigma_mpc::committed_input`]): the dealer's
//! time per input, each member's check, and checking many shares at once. Prints one JSON line.

use clap::Parser;
use enigma_mpc::committed_input::{check, check_many, deal, ToCheck};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::time::Instant;

#[derive(Parser)]
#[command(about = "Benchmark Pedersen-verifiable input sharing (BLS12-381 G1); prints one JSON line")]
struct Args {
	/// Committee size (degree t = (n - 1) / 2).
	#[arg(long, default_value_t = 4)]
	parties: usize,
	/// Bits of each input (its value and bits are dealt).
	#[arg(long, default_value_t = 32)]
	bits: u32,
	/// Inputs dealt and checked.
	#[arg(long, default_value_t = 20)]
	inputs: usize,
	/// Inputs whose shares are checked in one batch (one multi-scalar multiplication), as a
	/// worker checks a request of deliveries.
	#[arg(long, default_value_t = 256)]
	batch: usize,
}

fn main() {
	let args = Args::parse();
	let (n, t) = (args.parties, (args.parties.max(3) - 1) / 2);
	let mut rng = ChaCha20Rng::seed_from_u64(1);
	eprintln!("dealing {} inputs of {} bits to {n} members (t = {t})...", args.inputs, args.bits);
	let start = Instant::now();
	let dealings: Vec<_> = (0..args.inputs).map(|i| deal(i as u128, Some(args.bits), t, n, &mut rng).expect("fits")).collect();
	let deal_ms = start.elapsed().as_secs_f64() * 1e3 / args.inputs as f64;

	eprintln!("checking member 0's shares...");
	let start = Instant::now();
	for d in &dealings {
		check(Some(args.bits), t, 0, &d.commitments, &d.shares[0], &mut rng).expect("an honest share");
	}
	let check_ms = start.elapsed().as_secs_f64() * 1e3 / args.inputs as f64;

	eprintln!("checking member 0's shares of {} inputs in one batch...", args.batch);
	let batch: Vec<_> = (0..args.batch).map(|i| deal(i as u128, Some(args.bits), t, n, &mut rng).expect("fits")).collect();
	let items: Vec<ToCheck> = batch.iter().map(|d| ToCheck { bits: Some(args.bits), tagged: false, commitments: &d.commitments, share: &d.shares[0] }).collect();
	let start = Instant::now();
	assert!(check_many(&items, t, 0, &mut rng).iter().all(Result::is_ok));
	let batch_seconds = start.elapsed().as_secs_f64();

	println!(
		"{}",
		serde_json::json!({
			"parties": n, "t": t, "bits": args.bits,
			"commitment_bytes_per_input": dealings[0].commitments.len(),
			"deal_ms_per_input": (deal_ms * 100.0).round() / 100.0,
			"check_ms_per_input": (check_ms * 100.0).round() / 100.0,
			"batch": args.batch,
			"batched_inputs_checked_per_second": (args.batch as f64 / batch_seconds).round(),
		})
	);
}
