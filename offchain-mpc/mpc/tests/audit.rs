//! Publicly auditable runs (`enigma_mpc::audit`, Baum–Damgård–Orlandi 2014): they compute what
//! the circuit says, every party that opens a wrong value is named by every other, and anyone
//! re-checks a finished run from its transcript, naming the value that was altered.

mod common;

use ark_bls12_381::Fr;
use common::{plan_for, random_program, run_parties};
use enigma_mpc::{
	audit::{audit, AuditError, Auditable, Layout, Transcript},
	circuit::{execute, Circuit, Op, Recipient},
	preprocessing::{trusted_dealer_for_tests, Plan},
	transport::{
		faulty::{Fault, Faulty},
		Net,
	},
	MpcError,
};

/// What `circuit` needs, and this party's shares of twice as many triples (half are sacrificed).
/// The triples come from the test dealer, a fixture: any preprocessing does (their MACs are not
/// used, the sacrifice against the commitments checks them).
fn material(circuit: &Circuit, n: usize, party: usize, corrupt_c: bool) -> (Layout, Vec<[Fr; 3]>) {
	let plan = plan_for(circuit);
	let layout = Layout { triples: plan.triples, randoms: plan.randoms, masks: plan.masks.clone() };
	let store = trusted_dealer_for_tests::store::<Fr>(5, n, party, &Plan { triples: 2 * plan.triples, randoms: 0, masks: vec![0; n] });
	let mut triples: Vec<[Fr; 3]> = store.triples.iter().map(|t| [t[0].value, t[1].value, t[2].value]).collect();
	if corrupt_c {
		triples[2][2] += Fr::from(1u64);
	}
	(layout, triples)
}

fn run(circuit: &Circuit, inputs: &[Vec<Fr>], faults: Vec<(usize, Fault)>) -> Vec<enigma_mpc::Result<(Vec<(String, Option<Fr>)>, Transcript)>> {
	let (c, i, n) = (circuit.clone(), inputs.to_vec(), inputs.len());
	run_parties(n, move |party, t| {
		let mine: Vec<Fault> = faults.iter().filter(|(p, _)| *p == party).map(|(_, f)| f.clone()).collect();
		let (layout, triples) = material(&c, n, party, false);
		let mut mpc = Auditable::setup(Net::new(Faulty::new(t, mine)), layout, &triples)?;
		let outputs = execute(&mut mpc, &c, &i[party])?;
		Ok((outputs, mpc.transcript().clone()))
	})
}

#[test]
fn auditable_runs_match_plaintext_and_pass_their_audit() {
	for n in 2..=4 {
		let (circuit, inputs) = random_program(n, 700 + n as u64, 12);
		let expected = circuit.evaluate(&inputs).unwrap();
		let results: Vec<_> = run(&circuit, &inputs, Vec::new()).into_iter().map(Result::unwrap).collect();
		for (party, (outputs, _)) in results.iter().enumerate() {
			for ((name, got), (out, (_, want))) in outputs.iter().zip(circuit.outputs.iter().zip(&expected)) {
				let entitled = out.to == Recipient::Everyone || out.to == Recipient::Party(party);
				assert_eq!(got.as_ref(), entitled.then_some(want), "n = {n}, party {party}, output {name}");
			}
		}
		// Every party recorded the same transcript, and its audit finds the public outputs.
		let transcript = &results[0].1;
		assert!(results.iter().all(|(_, t)| t == transcript), "n = {n}");
		let audited = audit(&circuit, transcript).unwrap();
		for ((name, got), (out, (_, want))) in audited.iter().zip(circuit.outputs.iter().zip(&expected)) {
			assert_eq!(got.as_ref(), (out.to == Recipient::Everyone).then_some(want), "n = {n}, audited output {name}");
		}
	}
}

/// x·y for three parties, public: x from party 0, y from party 1.
fn product() -> (Circuit, Vec<Vec<Fr>>) {
	let mut c = Circuit::new(3);
	let (x, y) = (c.input(0), c.input(1));
	let p = c.push(Op::Mul(x, y));
	c.output("product", p, Recipient::Everyone);
	(c, vec![vec![Fr::from(1234u64)], vec![Fr::from(5678u64)], vec![]])
}

/// Party 1 flips the lowest bit of the first element of its `nth` frame, to both others: a
/// well-formed, consistent lie (it reports honestly what it saw; a party that also lies in its
/// report is caught as `InconsistentBroadcast`, unnamed, see below). Its frames are, in order: its commitments' hash (0) and
/// commitments (1), the masks for their owners (2), the accounts of what everyone broadcast
/// (3), the sacrifice's two openings (4, 5) and its check (6: accounts again), the circuit's
/// agreement (7), its input (8), the multiplication's opening (9) and check (10), the output's
/// opening (11). Whether it lies in the sacrifice, in a multiplication or in the output, the two
/// others name it, and nobody gets an output.
#[test]
fn a_party_that_opens_a_wrong_value_is_named_by_every_other() {
	let (circuit, inputs) = product();
	let honest = run(&circuit, &inputs, Vec::new());
	assert!(honest.iter().all(|r| r.as_ref().unwrap().0[0].1 == Some(Fr::from(1234u64 * 5678))));
	for nth in [4, 5, 9, 11] {
		let lies = [0, 2].map(|to| (1, Fault::Corrupt { to, nth, byte: 0 })).to_vec();
		let results = run(&circuit, &inputs, lies);
		for party in [0, 2] {
			assert_eq!(results[party].as_ref().err(), Some(&MpcError::CommitmentMismatch { party: 1 }), "lie from frame {nth}, party {party}");
		}
	}
}

/// A party that shows one party other commitments than the others (or lies about what it saw):
/// the parties' accounts differ, and the run stops before anyone is named, since with
/// different views each would take the others' honest openings for lies (the review's attack:
/// an equivocation that got honest parties to name each other).
#[test]
fn an_equivocation_stops_the_run_and_names_nobody() {
	let (circuit, inputs) = product();
	// Frame 1 (the commitments) to party 2 only: it fails the hash party 1 announced, which
	// party 2 pins on party 1 (its own two messages contradict each other).
	let results = run(&circuit, &inputs, vec![(1, Fault::Corrupt { to: 2, nth: 1, byte: 60 })]);
	assert!(matches!(results[2].as_ref().err(), Some(MpcError::Malformed { from: 1, .. })), "{:?}", results[2].as_ref().err());
	// An input difference to party 2 only (frame 8): parties 0 and 2 hold different inputs
	// of party 1, and their accounts tell them so at the multiplication's check.
	let results = run(&circuit, &inputs, vec![(1, Fault::Corrupt { to: 2, nth: 8, byte: 0 })]);
	assert_eq!(results[0].as_ref().err(), Some(&MpcError::InconsistentBroadcast));
	// Every frame from the sacrifice on altered, its accounts included: unnamed, but stopped.
	let lies = [0, 2].map(|to| (1, Fault::Offset { to, from_nth: 4, delta: 3 })).to_vec();
	let results = run(&circuit, &inputs, lies);
	for party in [0, 2] {
		assert_eq!(results[party].as_ref().err(), Some(&MpcError::InconsistentBroadcast), "party {party}");
	}
}

/// A member that hands an input's owner a wrong share of its mask is named by the owner before
/// the owner uses the mask.
#[test]
fn a_wrong_mask_share_is_named_by_its_owner() {
	let (circuit, inputs) = product();
	let results = run(&circuit, &inputs, vec![(2, Fault::Offset { to: 0, from_nth: 2, delta: 1 })]);
	assert_eq!(results[0].as_ref().err(), Some(&MpcError::CommitmentMismatch { party: 2 }));
}

/// A triple whose c is not a·b (one party's share of it off by one) fails the sacrifice at every
/// party, before any input is touched.
#[test]
fn a_bad_triple_fails_the_sacrifice() {
	let (circuit, _) = product();
	let results = run_parties(3, move |party, t| {
		let (layout, triples) = material(&circuit, 3, party, party == 1);
		Auditable::setup(Net::new(t), layout, &triples).map(|_| ())
	});
	assert!(results.iter().all(|r| *r == Err(MpcError::TripleCheckFailed)), "{results:?}");
}

/// An auditor with the transcript alone: a good one passes; one opened value altered, and the
/// audit names the opening, the value and the party; an opening left out, and the transcript
/// does not follow the computation.
#[test]
fn the_audit_names_the_value_that_was_altered() {
	let (circuit, inputs) = random_program(3, 731, 12);
	let transcript = run(&circuit, &inputs, Vec::new()).remove(0).unwrap().1;
	assert!(audit(&circuit, &transcript).is_ok());
	let last = transcript.openings.len() - 1;
	let middle = (last / 2..last).find(|&k| transcript.openings[k].len() >= 2).expect("a multiplication's opening");
	for (opening, value, party) in [(0, 0, 2), (middle, 1, 0), (last, 0, 1)] {
		let mut altered = transcript.clone();
		altered.openings[opening][value][party].0 += Fr::from(1u64);
		assert_eq!(audit(&circuit, &altered), Err(AuditError::Opening { opening, value, party }));
		let mut reblinded = transcript.clone();
		reblinded.openings[opening][value][party].1 += Fr::from(1u64);
		assert_eq!(audit(&circuit, &reblinded), Err(AuditError::Opening { opening, value, party }));
	}
	let mut short = transcript.clone();
	short.openings.pop();
	assert!(matches!(audit(&circuit, &short), Err(AuditError::Malformed(_))));
}
