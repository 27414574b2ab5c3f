//! What Pedersen-verifiable input sharing costs ([`enigma_mpc::committed_input`]): the dealer's
//! time per input, each member's check, and checking many shares at once. Prints one JSON line.

use clap::Parser;
use enigma_mpc::{
	committed_input::{check, deal},
	vss::{self, Commitments},
};
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
	/// Shares checked in one batch (one multi-scalar multiplication).
	#[arg(long, default_value_t = 10_000)]
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

	eprintln!("checking {} shares in one batch...", args.batch);
	let points: Vec<_> = (1..=n as u64).map(ark_bls12_381::Fr::from).collect();
	let sharings: Vec<_> = (0..args.batch).map(|i| vss::deal(ark_bls12_381::Fr::from(i as u64), t, &points, &mut rng)).collect();
	let items: Vec<_> = sharings.iter().map(|d| (&d.commitments, d.shares[0])).collect();
	let start = Instant::now();
	assert!(Commitments::verify_batch(points[0], &items, &mut rng));
	let batch_seconds = start.elapsed().as_secs_f64();

	println!(
		"{}",
		serde_json::json!({
			"parties": n, "t": t, "bits": args.bits,
			"commitment_bytes_per_input": dealings[0].commitments.len(),
			"deal_ms_per_input": (deal_ms * 100.0).round() / 100.0,
			"check_ms_per_input": (check_ms * 100.0).round() / 100.0,
			"batch": args.batch,
			"batched_shares_per_second": (args.batch as f64 / batch_seconds).round(),
		})
	);
}
