//! Owners outside an SPDZ committee: inputs dealt with degree n − 1 and a client MAC, held by the
//! members and brought into the computation with the MAC checked; private outputs handed back
//! with a check the recipient runs. Honest runs give the plaintext results; a member that
//! brings a share other than its own, or alters its share of an output, is caught.

mod common;

use common::run_parties;
use enigma_mpc::{
	circuit::{execute_held, HeldInput, HeldOutput},
	committed_input::{self, Dishonesty, InputDealing, ToCheck},
	field::Fr,
	mascot::Mascot,
	preprocessing::{self, trusted_dealer_for_tests, Plan},
	spdz::{reconstruct_output, Spdz},
	transport::Net,
	Mpc, MpcError,
};
use rand::SeedableRng;
use rand_chacha::ChaCha20Rng;

use common::owners::{circuit, A, B, C};

/// What each member holds: `held[member][owner]`, from dealings every member checked.
fn deal(n: usize, rng: &mut ChaCha20Rng) -> Vec<Vec<Vec<HeldInput<Fr>>>> {
	let dealings: Vec<(Option<u32>, InputDealing)> = [(A, Some(32)), (B, Some(32)), (C, None)]
		.into_iter()
		.map(|(value, bits)| (bits, committed_input::deal_tagged(value, bits, n, rng).unwrap()))
		.collect();
	(0..n)
		.map(|member| {
			let items: Vec<ToCheck> = dealings.iter().map(|(bits, d)| ToCheck { bits: *bits, tagged: true, commitments: &d.commitments, share: &d.shares[member] }).collect();
			assert!(committed_input::check_many(&items, n - 1, member, rng).iter().all(Result::is_ok), "member {member} accepts its shares");
			for (bits, d) in &dealings {
				assert_eq!(committed_input::check_mac_proof(*bits, &d.commitments, &d.mac_proof, rng), Ok(()), "and its owner's MAC proof");
			}
			dealings.iter().map(|(bits, d)| vec![committed_input::held_tagged(*bits, &d.shares[member], &d.commitments).unwrap()]).collect()
		})
		.collect()
}

type Outputs = Vec<(String, HeldOutput<Fr>)>;

/// Runs the circuit at every member over SPDZ on the test dealer's material (or MASCOT's).
fn run(n: usize, held: Vec<Vec<Vec<HeldInput<Fr>>>>, mascot: bool) -> Vec<enigma_mpc::Result<Outputs>> {
	run_with_digests(n, held, mascot).into_iter().map(|r| r.map(|(outputs, _)| outputs)).collect()
}

/// [`run`], with the digest of what each member's run opened.
fn run_with_digests(n: usize, held: Vec<Vec<Vec<HeldInput<Fr>>>>, mascot: bool) -> Vec<enigma_mpc::Result<(Outputs, [u8; 32])>> {
	let c = circuit();
	run_parties(n, move |member, transport| {
		let mine = &held[member];
		let flat: Vec<&HeldInput<Fr>> = mine.iter().flatten().collect();
		let plan = Plan::for_held(&c, n, &flat);
		let mut net = Net::new(transport);
		let store = if mascot { Mascot::<Fr>::setup(&mut net)?.generate(&mut net, &plan)? } else { trusted_dealer_for_tests::store(7, n, member, &plan) };
		let mut mpc = Spdz::new(net, store);
		let outputs = execute_held(&mut mpc, &c, mine)?;
		Ok((outputs, mpc.opened_digest().expect("SPDZ keeps a digest of what it opened")))
	})
}

/// Every member's run ended on the client MAC check.
fn refused_by_the_mac_check(outcomes: Vec<enigma_mpc::Result<Outputs>>) {
	for (member, outcome) in outcomes.into_iter().enumerate() {
		assert_eq!(outcome.unwrap_err(), MpcError::ClientMacCheckFailed, "member {member}");
	}
}

/// Owner `to`'s output `index` from every member's share and check values.
fn collect(results: &[Outputs], index: usize) -> Vec<(Fr, [Fr; 3])> {
	results
		.iter()
		.map(|outputs| match &outputs[index].1 {
			HeldOutput::Held { share, check: Some(check), .. } => (*share, *check),
			other => panic!("expected a checked held share, got {other:?}"),
		})
		.collect()
}

#[test]
fn an_spdz_committee_computes_on_inputs_owners_shared_for_a_dishonest_majority() {
	let mut rng = ChaCha20Rng::seed_from_u64(1);
	for n in 2..=4 {
		let results: Vec<_> = run(n, deal(n, &mut rng), false).into_iter().map(Result::unwrap).collect();
		for outputs in &results {
			assert_eq!(outputs[0].1, HeldOutput::Public(Fr::from(A * B)), "n = {n}");
			assert_eq!(outputs[1].1, HeldOutput::Public(Fr::from(1u64)));
		}
		assert_eq!(reconstruct_output(&collect(&results, 2)), Ok(Fr::from(A + B)));
		assert_eq!(reconstruct_output(&collect(&results, 3)), Ok(Fr::from(A) * Fr::from(C)));
	}
}

#[test]
fn the_same_on_dealer_free_preprocessing() {
	let mut rng = ChaCha20Rng::seed_from_u64(2);
	let (results, digests): (Vec<_>, Vec<_>) = run_with_digests(2, deal(2, &mut rng), true).into_iter().map(Result::unwrap).unzip();
	assert_eq!(results[0][0].1, HeldOutput::Public(Fr::from(A * B)));
	// Every member opened the same values (what a result's digest shows it computed).
	assert_eq!(digests[0], digests[1]);
	assert_eq!(reconstruct_output(&collect(&results, 2)), Ok(Fr::from(A + B)));
}

/// Issue #17: an owner's u16 dealt for a dishonest majority fills a u32 slot: its bits widened
/// with zeros (and zero tags) pass the range and MAC checks and compare exactly; a member that
/// sets a widened bit to anything but its share of 0 is caught by the MAC check.
#[test]
fn a_narrower_integer_fills_a_wider_slot_and_its_zero_bits_are_checked() {
	let mut rng = ChaCha20Rng::seed_from_u64(8);
	let n = 3;
	let narrow = committed_input::deal_tagged(40_000, Some(16), n, &mut rng).unwrap();
	let mut held = deal(n, &mut rng);
	for member in 0..n {
		let a = committed_input::held_tagged(Some(16), &narrow.shares[member], &narrow.commitments).unwrap();
		assert!(a.clone().widened(8).is_err(), "a wider input does not fit a narrower slot");
		assert!(a.clone().as_field().is_err(), "its MAC covers its bits: no field slot");
		held[member][0][0] = a.widened(32).unwrap();
		assert_eq!(held[member][0][0].bits.len(), 32);
	}
	let results: Vec<_> = run(n, held.clone(), false).into_iter().map(Result::unwrap).collect();
	for outputs in &results {
		assert_eq!(outputs[0].1, HeldOutput::Public(Fr::from(40_000 * B)));
		assert_eq!(outputs[1].1, HeldOutput::Public(Fr::from(1u64)), "40,000 < B");
	}
	// A member that makes a widened bit 1 (and keeps its value consistent with it).
	let lambda = enigma_mpc::shamir::lagrange_coefficients(&[Fr::from(1u64), Fr::from(2u64), Fr::from(3u64)], Fr::from(0u64))[1];
	let delta = Fr::from(1u64) / lambda;
	let input = &mut held[1][0][0];
	input.bits[20] += delta;
	input.value += delta * Fr::from(1u64 << 20);
	refused_by_the_mac_check(run(n, held, false));
}

#[test]
fn n_minus_one_members_shares_do_not_determine_an_input() {
	// Degree n − 1: any n − 1 shares fit every value (here two sharings of different values
	// agree on n − 1 members' shares once the last point is free), and all n give the value.
	let mut rng = ChaCha20Rng::seed_from_u64(3);
	let n = 4;
	let dealing = committed_input::deal_tagged(A, Some(32), n, &mut rng).unwrap();
	assert_eq!(dealing.commitments.len(), n * enigma_mpc::vss::POINT_BYTES, "n commitments: degree n − 1");
	let points: Vec<Fr> = (1..=n as u64).map(Fr::from).collect();
	let value: Fr = enigma_mpc::shamir::lagrange_coefficients(&points, Fr::from(0u64)).iter().zip(&dealing.shares).map(|(l, s)| *l * s[0]).sum();
	assert_eq!(value, Fr::from(A));
	let some: Vec<Fr> = points[..n - 1].to_vec();
	let with_other_last = |last: Fr| -> Fr {
		let mut xs = some.clone();
		xs.push(points[n - 1]);
		let ys: Vec<Fr> = dealing.shares[..n - 1].iter().map(|s| s[0]).chain(std::iter::once(last)).collect();
		enigma_mpc::shamir::lagrange_coefficients(&xs, Fr::from(0u64)).iter().zip(&ys).map(|(l, y)| *l * y).sum()
	};
	assert_ne!(with_other_last(dealing.shares[n - 1][0] + Fr::from(1u64)), Fr::from(A));
}

#[test]
fn a_member_that_brings_another_share_is_caught_before_any_output() {
	let mut rng = ChaCha20Rng::seed_from_u64(4);
	let n = 3;
	// Member 2 adds 2^20 to its share of a (bit 20 of a's share and a's value), and, guessing
	// at the key, shifts the matching tag by a key of its own choosing.
	let mut held = deal(n, &mut rng);
	let lambda = enigma_mpc::shamir::lagrange_coefficients(&[Fr::from(1u64), Fr::from(2u64), Fr::from(3u64)], Fr::from(0u64))[2];
	let delta = Fr::from(1u64) / lambda;
	let input = &mut held[2][0][0];
	input.bits[20] += delta;
	input.value += delta * Fr::from(1u64 << 20);
	let mac = input.mac.as_mut().unwrap();
	mac.tags[20] += Fr::from(12345u64) * delta;
	refused_by_the_mac_check(run(n, held, false));

	// Its share of the key, then: the check still fails.
	let mut held = deal(n, &mut rng);
	held[1][2][0].mac.as_mut().unwrap().key += Fr::from(1u64);
	refused_by_the_mac_check(run(n, held, false));
}

#[test]
fn an_owner_whose_tags_do_not_match_its_values_is_refused_before_any_member_holds_its_input() {
	let mut rng = ChaCha20Rng::seed_from_u64(5);
	let n = 2;
	// The owner of a deals k·b_0 + 1 as its lowest bit's tag, on polynomials consistent with
	// its commitments.
	let lie = committed_input::deal_dishonestly(Dishonesty::WrongMacTag, A, 32, 0, n, &mut rng);
	let items = |member: usize| [ToCheck { bits: Some(32), tagged: true, commitments: &lie.commitments, share: &lie.shares[member] }];
	for member in 0..n {
		assert_eq!(committed_input::check_many(&items(member), n - 1, member, &mut rng), vec![Ok(())], "member {member}'s share is on the polynomials");
	}
	// Taken on that check alone, the input fails every run's MAC check, and nobody can say
	// whether a member or the owner did it.
	let mut held = deal(n, &mut rng);
	for (member, inputs) in held.iter_mut().enumerate() {
		inputs[0] = vec![committed_input::held_tagged(Some(32), &lie.shares[member], &lie.commitments).unwrap()];
	}
	refused_by_the_mac_check(run(n, held, false));
	// The owner's proof of its MAC does not verify: every member refuses the share at once.
	assert!(matches!(
		committed_input::check_mac_proof(Some(32), &lie.commitments, &lie.mac_proof, &mut rng),
		Err(committed_input::InputShareError::MacNotProven(_))
	));
	// Nor does an honest dealing's proof serve it.
	let honest = committed_input::deal_tagged(A, Some(32), n, &mut rng).unwrap();
	assert!(committed_input::check_mac_proof(Some(32), &lie.commitments, &honest.mac_proof, &mut rng).is_err());
	for bits in [1, 64, 128] {
		let lie = committed_input::deal_dishonestly(Dishonesty::WrongMacTag, 1, bits, 0, 3, &mut rng);
		assert!(committed_input::check_mac_proof(Some(bits), &lie.commitments, &lie.mac_proof, &mut rng).is_err(), "{bits}");
	}
}

#[test]
fn a_recipient_refuses_an_output_share_a_member_altered() {
	let mut rng = ChaCha20Rng::seed_from_u64(6);
	let n = 3;
	let results: Vec<_> = run(n, deal(n, &mut rng), false).into_iter().map(Result::unwrap).collect();
	let honest = collect(&results, 2);
	assert_eq!(reconstruct_output(&honest), Ok(Fr::from(A + B)));
	// Member 1 adds 1 to its share of a + b, and shifts its w by a guess at r.
	let mut altered = honest.clone();
	altered[1].0 += Fr::from(1u64);
	assert_eq!(reconstruct_output(&altered), Err(MpcError::OutputCheckFailed));
	altered[1].1[1] += Fr::from(987654321u64);
	assert_eq!(reconstruct_output(&altered), Err(MpcError::OutputCheckFailed));
}

#[test]
fn inputs_shared_for_one_protocol_are_refused_by_the_other() {
	use enigma_mpc::honest::Malicious;
	let mut rng = ChaCha20Rng::seed_from_u64(7);
	let n = 3;
	let held = deal(n, &mut rng);
	let c = circuit();
	let results = run_parties(n, move |member, transport| execute_held(&mut Malicious::<Fr, _>::new(transport, 1).unwrap(), &c, &held[member]));
	assert!(results.into_iter().all(|r| matches!(r, Err(MpcError::InvalidParameters(_)))));

	// And plain (honest-majority) shares under SPDZ.
	let plain: Vec<Vec<Vec<HeldInput<Fr>>>> = deal(n, &mut rng).into_iter().map(|m| m.into_iter().map(|o| o.into_iter().map(|h| HeldInput { mac: None, vss: None, ..h }).collect()).collect()).collect();
	assert!(run(n, plain, false).into_iter().all(|r| matches!(r, Err(MpcError::InvalidParameters(_)))));
}

#[test]
fn a_member_cannot_test_a_guess_of_an_input_by_shifting_its_key_share() {
	// Member 1 adds δ to its share of c's key and δ·g to its share of c's tag, for a guess g of
	// c: were only k·c − (k·c) checked, the check would pass exactly when the guess is right
	// (whatever χ), and the member would learn c from the run's success.
	let mut rng = ChaCha20Rng::seed_from_u64(8);
	let n = 3;
	let points: Vec<Fr> = (1..=n as u64).map(Fr::from).collect();
	let lambda = enigma_mpc::shamir::lagrange_coefficients(&points, Fr::from(0u64))[1];
	let delta = Fr::from(77u64);
	let mut held = deal(n, &mut rng);
	let mac = held[1][2][0].mac.as_mut().unwrap();
	mac.key += delta / lambda;
	mac.tags[0] += delta * Fr::from(C) / lambda;
	refused_by_the_mac_check(run(n, held, false));
}

#[test]
fn a_recipients_verdict_does_not_depend_on_its_output() {
	// Member 0 adds δ to its share of r and δ·g to its share of r·y for a guess g of y: a check
	// of r·y alone would accept exactly when the guess is right, and the recipient's verdict
	// would tell y.
	let mut rng = ChaCha20Rng::seed_from_u64(9);
	let n = 3;
	let results: Vec<_> = run(n, deal(n, &mut rng), false).into_iter().map(Result::unwrap).collect();
	let mut guessed = collect(&results, 2);
	let delta = Fr::from(5u64);
	guessed[0].1[0] += delta;
	guessed[0].1[1] += delta * Fr::from(A + B);
	assert_eq!(reconstruct_output(&guessed), Err(MpcError::OutputCheckFailed));
}

#[test]
fn an_owners_input_without_bits_cannot_fill_a_typed_slot() {
	// A field element in a u32 slot would skip the range check that comparisons rely on.
	let mut rng = ChaCha20Rng::seed_from_u64(10);
	let n = 2;
	let mut held = deal(n, &mut rng);
	for member in held.iter_mut() {
		member[0] = member[2].clone();
	}
	assert!(run(n, held, false).into_iter().all(|r| matches!(r, Err(MpcError::InvalidCircuit(_)))));
}

#[test]
fn every_width_up_to_u128_can_be_dealt_for_a_dishonest_majority() {
	let mut rng = ChaCha20Rng::seed_from_u64(11);
	for bits in [Some(1), Some(64), Some(128), None] {
		let dealing = committed_input::deal_tagged(u128::MAX >> (128 - bits.unwrap_or(128)), bits, 4, &mut rng).unwrap();
		for member in 0..4 {
			let item = ToCheck { bits, tagged: true, commitments: &dealing.commitments, share: &dealing.shares[member] };
			assert_eq!(committed_input::check_many(&[item], 3, member, &mut rng), vec![Ok(())], "{bits:?}");
		}
	}
}

#[test]
fn preprocessing_kept_as_bytes_runs_a_later_task() {
	// What a worker keeps for its committee's next task: made in one session, written out,
	// read back in another, and used there.
	let mut rng = ChaCha20Rng::seed_from_u64(12);
	let n = 2;
	let held = deal(n, &mut rng);
	let c = circuit();
	let kept: Vec<Vec<u8>> = {
		let held = held.clone();
		let c = c.clone();
		run_parties(n, move |member, transport| {
			let flat: Vec<&HeldInput<Fr>> = held[member].iter().flatten().collect();
			let plan = Plan::for_held(&c, n, &flat);
			let mut net = Net::new(transport);
			let material = Mascot::<Fr>::setup(&mut net).unwrap().generate(&mut net, &plan).unwrap();
			let bytes = material.to_bytes();
			let back = preprocessing::Store::<Fr>::from_bytes(&bytes).expect("reads back");
			assert_eq!(back.to_bytes(), bytes);
			assert!(back.covers(&plan));
			assert!(!back.covers(&Plan { triples: plan.triples + 10_000, ..plan.clone() }));
			assert!(preprocessing::Store::<Fr>::from_bytes(&bytes[..bytes.len() - 1]).is_none(), "cut short");
			assert!(preprocessing::Store::<Fr>::from_bytes(&[bytes.clone(), vec![0]].concat()).is_none(), "trailing bytes");
			bytes
		})
	};
	let results = run_parties(n, move |member, transport| {
		let material = preprocessing::Store::<Fr>::from_bytes(&kept[member]).unwrap();
		execute_held(&mut Spdz::new(Net::new(transport), material), &c, &held[member]).unwrap()
	});
	assert_eq!(results[0][0].1, HeldOutput::Public(Fr::from(A * B)));
	assert_eq!(reconstruct_output(&collect(&results, 2)), Ok(Fr::from(A + B)));
}
