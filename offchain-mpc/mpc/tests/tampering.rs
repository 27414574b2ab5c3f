//! Every kind of tampering is detected: the honest parties abort with an error that names the
//! check that failed, and nobody receives a wrong output.

mod common;

use common::run_parties;
use enigma_mpc::{
	circuit::{execute, Circuit, Op, Recipient},
	field::Fr,
	honest::{Malicious, Multiplication, SemiHonest, ShamirCore},
	mascot::Mascot,
	preprocessing::{honest_majority, trusted_dealer_for_tests, Plan, Store},
	spdz::Spdz,
	transport::{
		faulty::{Fault, Faulty},
		Net,
	},
	MpcError,
};

/// x·y + x, public: two inputs, a multiplication, an opening.
fn product_circuit() -> Circuit {
	let mut c = Circuit::new(3);
	let (x, y) = (c.input(0), c.input(1));
	let p = c.push(Op::Mul(x, y));
	let s = c.push(Op::Add(p, x));
	c.output("result", s, Recipient::Everyone);
	c
}

fn inputs_of(party: usize) -> Vec<Fr> {
	match party {
		0 => vec![Fr::from(6u64)],
		1 => vec![Fr::from(7u64)],
		_ => vec![],
	}
}

fn faults_for(party: usize, cheater: usize, faults: &[Fault]) -> Vec<Fault> {
	if party == cheater { faults.to_vec() } else { vec![] }
}

fn spdz_plan() -> Plan {
	Plan { triples: 8, randoms: 8, masks: vec![4; 3] }
}

/// Run the product circuit under SPDZ with the test dealer, letting `tweak` alter party
/// `cheater`'s material and `faults` its messages.
fn run_spdz(cheater: usize, faults: Vec<Fault>, tweak: fn(&mut Store<Fr>)) -> Vec<Result<Option<Fr>, MpcError>> {
	run_parties(3, move |party, t| {
		let mut store = trusted_dealer_for_tests::store::<Fr>(5, 3, party, &spdz_plan());
		if party == cheater {
			tweak(&mut store);
		}
		let mut mpc = Spdz::new(Net::new(Faulty::new(t, faults_for(party, cheater, &faults))), store);
		execute(&mut mpc, &product_circuit(), &inputs_of(party)).map(|out| out[0].1)
	})
}

#[test]
fn honest_runs_agree_on_the_result() {
	let results = run_spdz(1, vec![], |_| {});
	assert!(results.iter().all(|r| *r == Ok(Some(Fr::from(48u64)))), "{results:?}");
}

#[test]
fn shamir_malicious_detects_a_tampered_share() {
	// Party 1 shifts every share it sends to party 0 (its deal of the random sharings, its input
	// shares, its multiplication messages): no honest party may accept the result.
	let results = run_parties(3, |party, t| {
		// (Frame 0 is its share of the random r, frame 1 the circuit digest everyone agrees on.)
		let faults = faults_for(party, 1, &[Fault::Offset { to: 0, from_nth: 2, delta: 1 }]);
		let mut mpc = Malicious::<Fr, _>::new(Faulty::new(t, faults), 1).unwrap();
		execute(&mut mpc, &product_circuit(), &inputs_of(party)).map(|out| out[0].1)
	});
	// Party 0 sees the inconsistency. Party 2, whose view may be consistent (the shifted values
	// reached party 0 only), detects it too or stops when party 0 does: an abort either way.
	let detected = |r: &Result<Option<Fr>, MpcError>| matches!(r, Err(MpcError::InconsistentShares) | Err(MpcError::MultiplicationCheckFailed));
	assert!(detected(&results[0]), "party 0: {results:?}");
	assert!(
		detected(&results[2]) || matches!(results[2], Err(MpcError::Disconnected { peer: 0, .. }) | Err(MpcError::Timeout { from: 0 })),
		"party 2: {results:?}"
	);
}

#[test]
fn shamir_malicious_detects_a_lying_king() {
	// In DN07 the king opens the masked product and returns it. Party 1's frames to the others:
	// 0 the random sharing of r, 1 the circuit digest, 2 its deal of the run's double sharings
	// (drawn ahead); then per authenticated input the masked share to the king and the king's
	// answer (3-4 for x, 5 its input shares, 6-7 for y). Party 1 is king of the product r·y, so
	// frame 7 is its answer: it lies.
	let results = run_parties(3, |party, t| {
		let lie = [Fault::Corrupt { to: 0, nth: 7, byte: 0 }, Fault::Corrupt { to: 2, nth: 7, byte: 0 }];
		let mut mpc = Malicious::<Fr, _>::new(Faulty::new(t, faults_for(party, 1, &lie)), 1).unwrap();
		execute(&mut mpc, &product_circuit(), &inputs_of(party)).map(|out| out[0].1)
	});
	for honest in [0, 2] {
		assert!(
			matches!(results[honest], Err(MpcError::InconsistentShares) | Err(MpcError::MultiplicationCheckFailed)),
			"party {honest}: {:?}",
			results[honest]
		);
	}
}

#[test]
fn spdz_detects_a_tampered_opened_value() {
	// Party 2's second message to party 0 (after the circuit digest) is its share of the masked
	// values ε, δ of the multiplication; changing it changes what party 0 opens.
	let results = run_spdz(2, vec![Fault::Corrupt { to: 0, nth: 1, byte: 0 }], |_| {});
	assert_eq!(results[0], Err(MpcError::MacCheckFailed));
	assert!(results.iter().all(|r| r.is_err()), "{results:?}");
}

#[test]
fn spdz_detects_a_tampered_mac() {
	let results = run_spdz(1, vec![], |store| store.masks[0][0].mac += Fr::from(1u64));
	assert!(results.iter().all(|r| *r == Err(MpcError::MacCheckFailed)), "{results:?}");
}

#[test]
fn spdz_detects_a_tampered_triple_share() {
	let results = run_spdz(1, vec![], |store| store.triples[0][2].value += Fr::from(1u64));
	assert!(results.iter().all(|r| *r == Err(MpcError::MacCheckFailed)), "{results:?}");
}

#[test]
fn spdz_detects_an_inconsistent_input_broadcast() {
	// Party 1 sends party 0 a different x - r than party 2 gets (frame 0 is the circuit digest).
	let results = run_spdz(1, vec![Fault::Corrupt { to: 0, nth: 1, byte: 0 }], |_| {});
	assert!(results.iter().all(|r| *r == Err(MpcError::InconsistentBroadcast)), "{results:?}");
}

#[test]
fn preprocessing_sacrifice_catches_a_bad_triple() {
	// Party 1's fourth frame to party 0 is its answer as DN07 king for the products c = a·b:
	// corrupting it makes some of party 0's c shares wrong, and the sacrifice check fails.
	let results = run_parties(3, |party, t| {
		let faults = faults_for(party, 1, &[Fault::Corrupt { to: 0, nth: 3, byte: 0 }]);
		let mut core = ShamirCore::<Fr, _>::new(Faulty::new(t, faults), 1).unwrap();
		honest_majority(&mut core, &Plan { triples: 6, randoms: 0, masks: vec![0; 3] }).map(|_| ())
	});
	for honest in [0, 2] {
		assert_eq!(results[honest], Err(MpcError::TripleCheckFailed), "party {honest}");
	}
}

/// MASCOT at n = 3 for four triples, party 1 tampering with its frames to party 0 as `faults`
/// say. Frames to each peer: 0 and 1 base OTs; 2 the plan's digest; 3 the OT extension; 4 and 5
/// a coin; 6 the extension check; 7 the products' d; 8 and 9 the combining coin; 10 COPEe's u;
/// 11 and 12 a coin; 13 y; 14 and 15 the sacrifice's openings; then the MAC check.
fn run_mascot(faults: Vec<Fault>) -> Vec<Result<(), MpcError>> {
	run_parties(3, move |party, t| {
		let mut net = Net::new(Faulty::new(t, faults_for(party, 1, &faults)));
		let mut mascot = Mascot::<Fr>::setup(&mut net)?;
		mascot.generate(&mut net, &Plan { triples: 4, randoms: 0, masks: vec![0; 3] }).map(|_| ())
	})
}

/// Each lie below touches a value only where a secret bit of the victim is 1 (that is the
/// selective failure MASCOT bounds): lying in 40 places is caught but with probability 2^-40.
const LIES: usize = 40;

#[test]
fn mascot_names_a_receiver_whose_ot_choices_disagree_across_columns() {
	// 4 triples: 3·4·255 OTs, padded to 3,328 rows: each column is 416 bytes. One bit flipped in
	// each of 40 columns.
	let results = run_mascot((0..LIES).map(|i| Fault::Corrupt { to: 0, nth: 3, byte: i * 416 }).collect());
	assert_eq!(results[0], Err(MpcError::OtCheckFailed { party: 1 }));
	assert!(results[2].is_err(), "party 2 must not finish with party 0 gone: {:?}", results[2]);
}

#[test]
fn mascot_sacrifice_catches_a_party_that_lies_in_its_products() {
	// 40 of party 1's d values to party 0 off (d = q_0 − q_1 + b, party 1 holding b): party 0's
	// share of c is wrong wherever its bit of a is 1.
	let results = run_mascot((0..LIES).map(|j| Fault::Corrupt { to: 0, nth: 7, byte: 32 * j }).collect());
	for honest in [0, 2] {
		assert_eq!(results[honest], Err(MpcError::TripleCheckFailed), "party {honest}");
	}
}

#[test]
fn mascot_mac_check_catches_an_inconsistent_authentication() {
	// COPEe's u for bit l of party 0's α carries x_0 + e instead of x_0 (21 values each: five
	// per triple, then x_0): x_0's MAC is wrong wherever a bit of α is 1.
	let results = run_mascot((0..LIES).map(|l| Fault::Corrupt { to: 0, nth: 10, byte: 32 * (21 * l + 20) }).collect());
	for honest in [0, 2] {
		assert_eq!(results[honest], Err(MpcError::MacCheckFailed), "party {honest}");
	}
}

#[test]
fn mascot_mac_check_catches_a_wrong_opening_in_the_sacrifice() {
	let results = run_mascot(vec![Fault::Corrupt { to: 0, nth: 14, byte: 0 }]);
	for honest in [0, 2] {
		assert_eq!(results[honest], Err(MpcError::MacCheckFailed), "party {honest}");
	}
}

#[test]
fn mascot_mac_check_catches_a_y_announced_differently_to_different_parties() {
	let results = run_mascot(vec![Fault::Corrupt { to: 0, nth: 13, byte: 0 }]);
	for honest in [0, 2] {
		assert_eq!(results[honest], Err(MpcError::MacCheckFailed), "party {honest}");
	}
}

#[test]
fn a_dropped_message_is_detected() {
	let results = run_parties(3, |party, t| {
		let faults = faults_for(party, 1, &[Fault::Drop { to: 0, nth: 0 }]);
		let mut mpc = SemiHonest::<Fr, _>::new(Faulty::new(t, faults), 1, Multiplication::Bgw).unwrap();
		execute(&mut mpc, &product_circuit(), &inputs_of(party)).map(|out| out[0].1)
	});
	// Party 0 either sees party 1's next frame out of order, or waits for the lost one until it
	// times out; when both wait on each other, party 1's own timeout may end it first, and party 0
	// then sees party 1 gone. Every outcome names party 1 and none is a wrong output.
	assert!(
		matches!(
			results[0],
			Err(MpcError::OutOfOrder { from: 1, expected: 0, got: 1 }) | Err(MpcError::Timeout { from: 1 }) | Err(MpcError::Disconnected { peer: 1, .. })
		),
		"{:?}",
		results[0]
	);
}

#[test]
fn a_replayed_message_is_detected() {
	let results = run_parties(3, |party, t| {
		let faults = faults_for(party, 1, &[Fault::Replay { to: 0, nth: 0 }]);
		let mut mpc = SemiHonest::<Fr, _>::new(Faulty::new(t, faults), 1, Multiplication::Bgw).unwrap();
		execute(&mut mpc, &product_circuit(), &inputs_of(party)).map(|out| out[0].1)
	});
	assert_eq!(results[0], Err(MpcError::OutOfOrder { from: 1, expected: 1, got: 0 }));
}

#[test]
fn a_party_that_lies_about_the_circuit_is_named_at_once() {
	// Party 1's frame 1 (after its share of r) is the digest of the circuit it runs.
	let results = run_parties(3, |party, t| {
		let mut mpc = Malicious::<Fr, _>::new(Faulty::new(t, faults_for(party, 1, &[Fault::Corrupt { to: 0, nth: 1, byte: 3 }])), 1).unwrap();
		execute(&mut mpc, &product_circuit(), &inputs_of(party)).map(|out| out[0].1)
	});
	assert_eq!(results[0], Err(MpcError::Disagreement { party: 1 }));
}

/// A committee of four with one member that shifts every value it sends (well-formed frames, so
/// nothing names it): each run of three that includes it aborts, and the run without
/// it completes with the right result. That is what a worker does when a run with everyone fails
/// although all answer: it runs without each member at once.
#[test]
fn of_the_runs_without_each_member_only_the_one_without_the_liar_completes() {
	use enigma_mpc::circuit::{execute_held, HeldOutput};
	let (circuit, held, expected) = common::four_member_product_and_comparison();
	let liar = 1;
	for left_out in 0..4 {
		let running: Vec<usize> = (0..4).filter(|m| *m != left_out).collect();
		let points: Vec<u64> = running.iter().map(|m| *m as u64 + 1).collect();
		let held: Vec<_> = running.iter().map(|m| held[*m].clone()).collect();
		let (circuit, members) = (circuit.clone(), running.clone());
		let results = run_parties(3, move |party, transport| {
			// As the worker's `--misbehave wrong-values`: from the third frame to each member on.
			let faults = if members[party] == liar { (0..3).filter(|to| *to != party).map(|to| Fault::Offset { to, from_nth: 2, delta: 1 }).collect() } else { vec![] };
			let mut mpc = Malicious::<Fr, _>::with_points(Faulty::new(transport, faults), 1, &points).unwrap();
			execute_held(&mut mpc, &circuit, &held[party])
		});
		for (party, result) in results.iter().enumerate() {
			if left_out == liar {
				let outputs = result.as_ref().expect("the run without the liar completes");
				assert_eq!(outputs[0].1, HeldOutput::Public(expected[0]));
				assert_eq!(outputs[1].1, HeldOutput::Public(expected[1]));
			} else if running[party] != liar {
				// A check fails, or the liar gave up on its own check first: no output either way.
				assert!(result.is_err(), "without member {left_out}, honest member {} accepted {result:?}", running[party]);
			}
		}
	}
}
