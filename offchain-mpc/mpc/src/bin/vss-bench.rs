//! What Pedersen-verifiable input sharing costs ([`enigma_mpc::committed_input`]): the dealer's
//! time per input, each member's check, and checking many shares at once; for a dishonest
//! majority also the check of the owner's MAC proof ([`enigma_mpc::mac_proof`]). Prints one
//! JSON line.

use clap::Parser;
use enigma_mpc::committed_input::{check_mac_proof, check_mac_proofs, check_many, deal, deal_tagged, InputDealing, ToCheck};
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
	/// Deal for a dishonest majority: degree n − 1 with the owner's MAC and its proof, whose
	/// check is timed too.
	#[arg(long)]
	dishonest_majority: bool,
}

fn main() {
	let args = Args::parse();
	let (n, tagged) = (args.parties, args.dishonest_majority);
	let t = if tagged { n - 1 } else { (n.max(3) - 1) / 2 };
	let mut rng = ChaCha20Rng::seed_from_u64(1);
	let deal_one = |value: usize, rng: &mut ChaCha20Rng| -> InputDealing {
		let value = value as u128 & ((1u128 << args.bits.min(127)) - 1);
		if tagged { deal_tagged(value, Some(args.bits), n, rng) } else { deal(value, Some(args.bits), t, n, rng) }.expect("fits")
	};
	eprintln!("dealing {} inputs of {} bits to {n} members (degree {t})...", args.inputs, args.bits);
	let start = Instant::now();
	let dealings: Vec<_> = (0..args.inputs).map(|i| deal_one(i, &mut rng)).collect();
	let deal_ms = start.elapsed().as_secs_f64() * 1e3 / args.inputs as f64;

	eprintln!("checking member 0's shares...");
	let start = Instant::now();
	for d in &dealings {
		let item = ToCheck { bits: Some(args.bits), tagged, commitments: &d.commitments, share: &d.shares[0] };
		check_many(&[item], t, 0, &mut rng).remove(0).expect("an honest share");
	}
	let check_ms = start.elapsed().as_secs_f64() * 1e3 / args.inputs as f64;
	let mac_proof_ms = tagged.then(|| {
		eprintln!("checking the owners' MAC proofs...");
		let start = Instant::now();
		for d in &dealings {
			check_mac_proof(Some(args.bits), &d.commitments, &d.mac_proof, &mut rng).expect("an honest proof");
		}
		(start.elapsed().as_secs_f64() * 1e3 / args.inputs as f64 * 100.0).round() / 100.0
	});

	eprintln!("checking member 0's shares of {} inputs in one batch...", args.batch);
	let batch: Vec<_> = (0..args.batch).map(|i| deal_one(i, &mut rng)).collect();
	let items: Vec<ToCheck> = batch.iter().map(|d| ToCheck { bits: Some(args.bits), tagged, commitments: &d.commitments, share: &d.shares[0] }).collect();
	let start = Instant::now();
	assert!(check_many(&items, t, 0, &mut rng).iter().all(Result::is_ok));
	let batch_seconds = start.elapsed().as_secs_f64();
	let proofs_per_second = tagged.then(|| {
		eprintln!("checking the owners' MAC proofs of {} inputs in one batch...", args.batch);
		let proofs: Vec<(Option<u32>, &[u8], &[u8])> = batch.iter().map(|d| (Some(args.bits), &d.commitments[..], &d.mac_proof[..])).collect();
		let start = Instant::now();
		assert!(check_mac_proofs(&proofs, &mut rng).iter().all(Result::is_ok));
		(args.batch as f64 / start.elapsed().as_secs_f64()).round()
	});

	println!(
		"{}",
		serde_json::json!({
			"parties": n, "t": t, "bits": args.bits, "dishonest_majority": tagged,
			"commitment_bytes_per_input": dealings[0].commitments.len(),
			"mac_proof_bytes": tagged.then(|| dealings[0].mac_proof.len()),
			"mac_proof_check_ms_per_input": mac_proof_ms,
			"deal_ms_per_input": (deal_ms * 100.0).round() / 100.0,
			"check_ms_per_input": (check_ms * 100.0).round() / 100.0,
			"batch": args.batch,
			"batched_inputs_checked_per_second": (args.batch as f64 / batch_seconds).round(),
			"batched_mac_proofs_checked_per_second": proofs_per_second,
		})
	);
}
