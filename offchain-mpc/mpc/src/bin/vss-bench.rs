//! What Pedersen-verifiable input sharing costs ([`enigma_mpc::committed_input`]): the dealer's
//! time per input, each member's check, and checking many shares at once; for a dishonest
//! majority also the check of the owner's MAC proof ([`enigma_mpc::mac_proof`]) and a member's
//! proof that it entered its shares into an auditable run ([`enigma_mpc::entry_proof`]). Prints
//! one JSON line.

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

	let entry = tagged.then(|| {
		eprintln!("member 0 proves it entered its shares of the {} inputs, another member checks...", args.inputs);
		entry_proof_figures(&dealings, args.bits, n, &mut rng)
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
			"entry_proof_bytes_per_input": entry.map(|e| e.0),
			"entry_proof_ms_per_input": entry.map(|e| e.1),
			"entry_proof_check_ms_per_input": entry.map(|e| e.2),
		})
	);
}

/// Member 0's entry proof for its shares of `dealings` (bytes, prove and check milliseconds
/// per input): its entries committed under fresh blinds, as the run's masks would (before the
/// clock starts: the run has them), and the statement folded from those commitments and the
/// dealings' (each side computes both, as in the run).
fn entry_proof_figures(dealings: &[InputDealing], bits: u32, n: usize, rng: &mut ChaCha20Rng) -> (usize, f64, f64) {
	use ark_ff::{UniformRand, Zero};
	use enigma_mpc::{entry_proof, field::Fr, shamir::lagrange_coefficients, vss};
	let points: Vec<Fr> = (1..=n as u64).map(Fr::from).collect();
	let lambda = lagrange_coefficients(&points, Fr::zero())[0];
	let positions = entry_proof::positions(bits as usize, bits as usize);
	// Member 0's share is [x, bits.., key, tags.., blind]: what it enters is λ times all but
	// the first and the last.
	let values: Vec<Vec<Fr>> = dealings.iter().map(|d| d.shares[0][1..d.shares[0].len() - 1].iter().map(|v| lambda * v).collect()).collect();
	let blinds: Vec<Vec<Fr>> = values.iter().map(|v| v.iter().map(|_| Fr::rand(rng)).collect()).collect();
	let entries = enigma_mpc::audit::commit_all(&values.concat(), &blinds.concat());
	let commitments: Vec<vss::Commitments> = dealings.iter().map(|d| vss::Commitments::from_bytes(&d.commitments).expect("the dealer's")).collect();
	let context = [3; 32];
	let weights = entry_proof::Weights::new(&context, &vec![positions.len(); dealings.len()]);
	let folded = || {
		let entries = enigma_mpc::msm::msm(&entries, &weights.chi.concat()).expect("a weight per entry");
		entry_proof::Folded { entries, dealt: commitments.iter().map(|c| c.at(points[0]) * lambda).collect() }
	};
	let start = Instant::now();
	let witnesses: Vec<entry_proof::Witness> = (0..dealings.len())
		.map(|i| entry_proof::Witness { positions: &positions, values: &values[i], blinds: &blinds[i], blind: lambda * dealings[i].shares[0].last().expect("a blind") })
		.collect();
	let proof = entry_proof::prove(&context, &weights, &witnesses, &folded(), rng);
	let prove_ms = start.elapsed().as_secs_f64() * 1e3;
	let start = Instant::now();
	let all = vec![positions.as_slice(); dealings.len()];
	assert!(entry_proof::verify(&context, &weights, &all, &folded(), &proof, rng), "an honest member's proof holds");
	let check_ms = start.elapsed().as_secs_f64() * 1e3;
	let per_input = |ms: f64| (ms / dealings.len() as f64 * 100.0).round() / 100.0;
	(proof.to_bytes().len() / dealings.len(), per_input(prove_ms), per_input(check_ms))
}
