//! reshare-bench: what a committee's handover of its secrets costs each member ([`enigma_mpc::reshare`]).
//!
//! Deals `--secrets` committed integers of `--bits` bits (the value's bits, as clients share
//! them) to `--from` members, then times one old member handing all of them over to `--to`
//! members and one new member checking every handover it takes and combining them. Every member
//! does the same work in parallel, so these are the handover's wall-clock times on one core per
//! member. Prints one JSON line.
//!
//! Example: reshare-bench --secrets 1000 --from 4 --to 4 --bits 32 --batch 256

use clap::Parser;
use enigma_mpc::{
	reshare::{check_many, hand_over, take_over, Handover, Received, ToCheck},
	vss::{self, POINT_BYTES},
};
use ark_bls12_381::Fr;
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;
use std::time::Instant;

#[derive(Parser, Debug)]
#[command(about = "Time a committee's handover of its committed secrets (proactive resharing); prints one JSON line")]
struct Args {
	/// Secrets the committee holds.
	#[arg(long, default_value_t = 1000)]
	secrets: usize,
	/// Members of the old committee (degree (n - 1) / 2).
	#[arg(long, default_value_t = 4)]
	from: usize,
	/// Members of the new committee (degree (n - 1) / 2).
	#[arg(long, default_value_t = 4)]
	to: usize,
	/// Width of each secret integer (1 to 128; its bits are the committed vector).
	#[arg(long, default_value_t = 32)]
	bits: usize,
	/// Secrets whose handovers a new member checks at once.
	#[arg(long, default_value_t = 256)]
	batch: usize,
}

fn fail(reason: String) -> ! {
	eprintln!("reshare-bench: {reason}");
	std::process::exit(1);
}

fn points(n: usize) -> Vec<Fr> {
	(1..=n as u64).map(Fr::from).collect()
}

fn main() {
	let args = Args::parse();
	if args.from < 2 || args.to < 2 || args.secrets == 0 || !(1..=vss::MAX_VECTOR).contains(&args.bits) {
		eprintln!("reshare-bench: --from and --to must be at least 2, --secrets at least 1, --bits 1 to {}", vss::MAX_VECTOR);
		std::process::exit(2);
	}
	let (old_t, new_t) = ((args.from - 1) / 2, (args.to - 1) / 2);
	let (old_xs, new_xs) = (points(args.from), points(args.to));
	let mut rng = ChaCha20Rng::seed_from_u64(1);
	eprintln!("reshare-bench: dealing {} secrets of {} bits to {} members", args.secrets, args.bits, args.from);
	let dealt: Vec<vss::Dealing> = (0..args.secrets)
		.map(|s| {
			let bits: Vec<Fr> = (0..args.bits).map(|k| Fr::from(((s as u64).wrapping_mul(2_654_435_761) >> (k % 64)) & 1)).collect();
			vss::deal(&bits, old_t, &old_xs, &mut rng)
		})
		.collect();

	// The old members at t + 1 points hand over (the rest need not); each times alike, so one is timed.
	let dealers: Vec<usize> = (0..=old_t).collect();
	eprintln!("reshare-bench: {} old members hand over to {} new members", dealers.len(), args.to);
	let start = Instant::now();
	let mut handovers: Vec<Vec<Handover>> = vec![dealt.iter().map(|d| hand_over(&d.commitments, old_xs[dealers[0]], &d.shares[dealers[0]], new_t, &new_xs, &mut rng)).collect()];
	let hand_over_secs = start.elapsed().as_secs_f64();
	for d in &dealers[1..] {
		handovers.push(dealt.iter().map(|dealing| hand_over(&dealing.commitments, old_xs[*d], &dealing.shares[*d], new_t, &new_xs, &mut rng)).collect());
	}

	// New member 0 checks the handovers of `--batch` secrets at a time (two multi-scalar
	// multiplications), then combines each secret's.
	let start = Instant::now();
	let received = |s: usize| -> Vec<Received> {
		dealers.iter().zip(&handovers).map(|(d, h)| Received { from: old_xs[*d], commitments: &h[s].commitments, share: &h[s].shares[0] }).collect()
	};
	for chunk in (0..args.secrets).collect::<Vec<_>>().chunks(args.batch.max(1)) {
		let items: Vec<ToCheck> = chunk
			.iter()
			.flat_map(|s| received(*s).into_iter().enumerate().map(|(i, r)| ToCheck { old: &dealt[*s].commitments, width: args.bits, dealer: i, received: r }))
			.collect();
		if let Some(Err(e)) = check_many(&items, new_t, new_xs[0], &mut rng).into_iter().find(Result::is_err) {
			fail(format!("{e}"));
		}
		for s in chunk {
			match take_over(old_t, &received(*s)) {
				Ok((_, commitments)) if commitments.0[0] == dealt[*s].commitments.0[0] => {},
				Ok(_) => fail(format!("secret {s}: the new commitment names another secret")),
				Err(e) => fail(format!("secret {s}: {e}")),
			}
		}
	}
	let take_over_secs = start.elapsed().as_secs_f64();

	// What one old member sends: its commitments to every new member, and each its share.
	let share_bytes = (args.bits + 1) * 32;
	let sent_per_old_member = args.secrets * args.to * ((new_t + 1) * POINT_BYTES + share_bytes);
	println!(
		"{}",
		serde_json::json!({
			"secrets": args.secrets, "bits": args.bits, "from": args.from, "to": args.to,
			"old_degree": old_t, "new_degree": new_t,
			"hand_over_secs_per_old_member": (hand_over_secs * 1000.0).round() / 1000.0,
			"check_and_take_over_secs_per_new_member": (take_over_secs * 1000.0).round() / 1000.0,
			"bytes_sent_per_old_member": sent_per_old_member,
		})
	);
}
