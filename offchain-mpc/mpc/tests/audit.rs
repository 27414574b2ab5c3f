//! Publicly auditable runs (`enigma_mpc::audit`, Baum–Damgård–Orlandi 2014): they compute what
//! the circuit says, every party that opens a wrong value is named by every other, and anyone
//! re-checks a finished run from its transcript, naming the value that was altered.

mod common;

use ark_bls12_381::Fr;
use common::{plan_for, random_program, run_parties, WholeWords};
use enigma_mpc::{
	audit::{audit, triple_shares, AuditError, Auditable, Layout, Transcript},
	circuit::{execute, Circuit, Op, Recipient, Wire},
	preprocessing::trusted_dealer_for_tests,
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
	let store = trusted_dealer_for_tests::store::<Fr>(5, n, party, &layout.preprocessing());
	let mut triples = triple_shares(&store);
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
		// Whole words checked on what the party sends, before its faults are injected.
		let mut mpc = Auditable::setup(Net::new(WholeWords(Faulty::new(t, mine))), layout, &triples)?;
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

/// Owners' inputs held by a committee, dealt for a dishonest majority (degree n − 1, with the
/// owner's MAC): a u32 from each of owners 0 and 1 and a field element from owner 2. a·b and
/// a < b public, a + b to owner 1 and a·c to owner 0.
mod held {
	use super::*;
	use enigma_mpc::{
		circuit::{execute_held, HeldInput, HeldOutput},
		committed_input,
		spdz::reconstruct_output,
	};
	use rand::SeedableRng;

	pub use crate::common::owners::{circuit, A, B, C};

	/// `held[member][owner]`: what each member holds.
	pub fn deal(n: usize, seed: u64) -> Vec<Vec<Vec<HeldInput<Fr>>>> {
		let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(seed);
		let dealings: Vec<_> = [(A, Some(32)), (B, Some(32)), (C, None)]
			.into_iter()
			.map(|(value, bits)| (bits, committed_input::deal_tagged(value, bits, n, &mut rng).unwrap()))
			.collect();
		(0..n).map(|member| dealings.iter().map(|(bits, d)| vec![committed_input::held_tagged(*bits, &d.shares[member], &d.commitments).unwrap()]).collect()).collect()
	}

	pub type Outputs = Vec<(String, HeldOutput<Fr>)>;

	/// Every member runs the circuit auditably on what it holds (triples from the test dealer,
	/// a fixture); returns its outputs and transcript.
	pub fn run(n: usize, held: Vec<Vec<Vec<HeldInput<Fr>>>>) -> Vec<enigma_mpc::Result<(Outputs, Transcript)>> {
		run_circuit(circuit(), n, held)
	}

	pub fn run_circuit(c: Circuit, n: usize, held: Vec<Vec<Vec<HeldInput<Fr>>>>) -> Vec<enigma_mpc::Result<(Outputs, Transcript)>> {
		run_parties(n, move |member, transport| {
			let mine = &held[member];
			let flat: Vec<&HeldInput<Fr>> = mine.iter().flatten().collect();
			let layout = Layout::for_held(&c, n, &flat);
			let store = trusted_dealer_for_tests::store::<Fr>(11, n, member, &layout.preprocessing());
			let mut mpc = Auditable::setup(Net::new(WholeWords(transport)), layout, &triple_shares(&store))?;
			let outputs = execute_held(&mut mpc, &c, mine)?;
			Ok((outputs, mpc.transcript().clone()))
		})
	}

	pub fn collect(results: &[(Outputs, Transcript)], index: usize) -> Vec<(Fr, [Fr; 3])> {
		results
			.iter()
			.map(|(outputs, _)| match &outputs[index].1 {
				HeldOutput::Held { share, check: Some(check), .. } => (*share, *check),
				other => panic!("expected a checked held share, got {other:?}"),
			})
			.collect()
	}

	#[test]
	fn a_committee_computes_auditably_on_inputs_it_holds() {
		for n in 2..=4 {
			let results: Vec<_> = run(n, deal(n, n as u64)).into_iter().map(Result::unwrap).collect();
			for (outputs, _) in &results {
				assert_eq!(outputs[0].1, HeldOutput::Public(Fr::from(A * B)), "n = {n}");
				assert_eq!(outputs[1].1, HeldOutput::Public(Fr::from(1u64)));
			}
			// The owners check their private outputs as under SPDZ.
			assert_eq!(reconstruct_output(&collect(&results, 2)), Ok(Fr::from(A + B)));
			assert_eq!(reconstruct_output(&collect(&results, 3)), Ok(Fr::from(A) * Fr::from(C)));
			// Every member recorded the same transcript; stored and read back, its audit finds
			// the public outputs, and the private ones stay unknown.
			let transcript = &results[0].1;
			assert!(results.iter().all(|(_, t)| t == transcript), "n = {n}");
			assert_eq!(transcript.held, Some(vec![32, 32, 0]));
			let stored = transcript.to_bytes();
			// Within what whoever fetches it to audit it takes (a few times its size).
			let most = enigma_mpc::audit::max_transcript_len(&circuit(), n);
			assert!(stored.len() as u64 <= most && most < 8 * stored.len() as u64, "n = {n}: {} bytes, bound {most}", stored.len());
			let read = Transcript::from_bytes(&stored).expect("a transcript reads back");
			assert_eq!(&read, transcript);
			assert_eq!(read.root(), transcript.root());
			let audited = audit(&circuit(), &read).unwrap();
			let values: Vec<Option<Fr>> = audited.into_iter().map(|(_, v)| v).collect();
			assert_eq!(values, vec![Some(Fr::from(A * B)), Some(Fr::from(1u64)), None, None], "n = {n}");
		}
	}

	/// Issue #15 (`MPC.set` under a dishonest majority): a private value a run keeps for the
	/// committee with two output checks, one (r, r·y, r·r) its owner sees when it declassifies
	/// it and one (s, s·y, s·s) as its MAC, is what a later run takes like an owner's input. A
	/// member that brings another share of it is caught by that MAC, even with the owner's r.
	#[test]
	fn a_value_a_run_keeps_is_taken_by_the_next_run_under_its_mac() {
		let keeping = || {
			let mut c = circuit();
			let scaled = c.outputs[3].wire;
			c.output("scaled#mac", scaled, Recipient::Party(0));
			c
		};
		let next = || {
			let mut c = Circuit::new(1);
			let y = c.typed_input(0, None);
			let sum = c.push(Op::AddConst(y, 1));
			c.output("y+1", sum, Recipient::Everyone);
			c
		};
		for n in [2, 3] {
			let first: Vec<_> = run_circuit(keeping(), n, deal(n, 40 + n as u64)).into_iter().map(Result::unwrap).collect();
			// a·c, kept: each member's additive shares of it and of both checks.
			let stored: Vec<Vec<Fr>> = collect(&first, 3).into_iter().zip(collect(&first, 4)).map(|((y, [r, ry, rr]), (same, [s, sy, ss]))| {
				assert_eq!(y, same);
				vec![y, r, ry, rr, s, sy, ss]
			}).collect();
			let y = Fr::from(A) * Fr::from(C);
			// Its owner's check holds on what the members hand it.
			let owner: Vec<(Fr, [Fr; 3])> = stored.iter().map(|k| committed_input::kept_for_owner(k).unwrap()).map(|k| (k[0], [k[1], k[2], k[3]])).collect();
			assert_eq!(reconstruct_output(&owner), Ok(y));
			let kept: Vec<HeldInput<Fr>> = stored.iter().enumerate().map(|(member, k)| committed_input::held_kept(k, member, n).unwrap()).collect();
			// The next run reads it (no bits: a run made it) and opens it plus one.
			let held = |kept: &[HeldInput<Fr>]| kept.iter().map(|k| vec![vec![k.clone()]]).collect::<Vec<_>>();
			let second: Vec<_> = run_circuit(next(), n, held(&kept)).into_iter().map(Result::unwrap).collect();
			for (outputs, _) in &second {
				assert_eq!(outputs[0].1, HeldOutput::Public(y + Fr::from(1u64)), "n = {n}");
			}
			// Its audit expects no bits for it (the circuit's slot has no width) and passes.
			assert_eq!(audit(&next(), &second[0].1).unwrap(), vec![("y+1".to_string(), Some(y + Fr::from(1u64)))]);
			assert!(committed_input::held_kept(&stored[0][..4], 0, n).is_err());
			assert!(committed_input::held_kept(&stored[0], n, n).is_err());
			// The owner, who learnt r = Σ r_j by declassifying, and the last member shift the
			// value by δ, the member's tag under r by r·δ: the check by s still catches it.
			let r: Fr = stored.iter().map(|k| k[1]).sum();
			let delta = Fr::from(1_000u64);
			let mut shifted = stored.clone();
			shifted[n - 1][0] += delta;
			shifted[n - 1][2] += r * delta;
			let forged: Vec<HeldInput<Fr>> = shifted.iter().enumerate().map(|(member, k)| committed_input::held_kept(k, member, n).unwrap()).collect();
			for (member, outcome) in run_circuit(next(), n, held(&forged)).into_iter().enumerate() {
				assert_eq!(outcome.unwrap_err(), MpcError::ClientMacCheckFailed, "n = {n}, member {member}");
			}
			// Had the members kept the owner's check as the MAC, the shift would pass unseen.
			let by_r: Vec<HeldInput<Fr>> = shifted
				.iter()
				.enumerate()
				.map(|(member, k)| {
					let mut k = k.clone();
					k.copy_within(1..4, 4);
					committed_input::held_kept(&k, member, n).unwrap()
				})
				.collect();
			for outcome in run_circuit(next(), n, held(&by_r)) {
				assert_eq!(outcome.unwrap().0[0].1, HeldOutput::Public(y + delta + Fr::from(1u64)), "n = {n}");
			}
		}
	}

	/// A contract's own openings (reveals) use no material: the bound on a transcript that an
	/// auditor fetches counts them too, or a run of a contract that reveals much could never be
	/// audited.
	#[test]
	fn a_transcript_of_many_reveals_is_within_its_bound() {
		let n = 2;
		let mut c = Circuit::new(1);
		let y = c.typed_input(0, None);
		let mut last = y;
		for i in 0..10_000 {
			let shifted = c.push(Op::AddConst(y, i));
			last = c.push(Op::Reveal(shifted));
		}
		c.output("last", last, Recipient::Everyone);
		let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(5);
		let dealt = committed_input::deal_tagged(7, None, n, &mut rng).unwrap();
		let held: Vec<_> = (0..n).map(|member| vec![vec![committed_input::held_tagged(None, &dealt.shares[member], &dealt.commitments).unwrap()]]).collect();
		let (outputs, transcript) = run_circuit(c.clone(), n, held).remove(0).unwrap();
		assert_eq!(outputs[0].1, HeldOutput::Public(Fr::from(7u64 + 9_999)));
		let bytes = transcript.to_bytes().len() as u64;
		let most = enigma_mpc::audit::max_transcript_len(&c, n);
		assert!(bytes <= most && most < 8 * bytes, "{bytes} bytes, bound {most}");
	}

	/// Each member proves that what it enters is its share of the owners' dealings
	/// (`enigma_mpc::entry_proof`): one that brings another share is named by every other member
	/// as it enters it, where the owners' MAC check would fail without saying who.
	#[test]
	fn a_member_that_brings_another_share_is_named_by_the_others() {
		for (n, liar) in [(2, 0), (3, 1), (4, 3)] {
			let mut held = deal(n, 21 + n as u64);
			// Its share of a's lowest bit plus one (and its value's share with it), or of the
			// field element's tag.
			if n == 3 {
				held[liar][2][0].mac.as_mut().unwrap().tags[0] += Fr::from(1u64);
			} else {
				held[liar][0][0].bits[0] += Fr::from(1u64);
				held[liar][0][0].value += Fr::from(1u64);
			}
			for (member, outcome) in run(n, held).into_iter().enumerate() {
				let error = outcome.unwrap_err();
				if member != liar {
					assert_eq!(error, MpcError::EntryNotProven { party: liar }, "n = {n}, member {member}");
				}
			}
		}
	}

	/// An owner's u16 in a u32 slot enters with zeros the owner never dealt: the members prove
	/// those are zeros too, and the one that enters a 1 there is named.
	#[test]
	fn a_widened_input_enters_proven_and_its_zeros_are_proven_too() {
		let n = 3;
		let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(8);
		let narrow = committed_input::deal_tagged(40_000, Some(16), n, &mut rng).unwrap();
		let mut held = deal(n, 23);
		for member in 0..n {
			held[member][0][0] = committed_input::held_tagged(Some(16), &narrow.shares[member], &narrow.commitments).unwrap().widened(32).unwrap();
		}
		for outcome in run(n, held.clone()) {
			assert_eq!(outcome.unwrap().0[0].1, HeldOutput::Public(Fr::from(40_000 * B)));
		}
		// Member 2 makes a widened bit 1, with the value's share and the bit's tag to match
		// (what the MAC check alone would catch, without a name).
		let lambda = enigma_mpc::shamir::lagrange_coefficients(&[Fr::from(1u64), Fr::from(2u64), Fr::from(3u64)], Fr::from(0u64))[2];
		let delta = Fr::from(1u64) / lambda;
		let input = &mut held[2][0][0];
		input.bits[20] += delta;
		input.value += delta * Fr::from(1u64 << 20);
		for (member, outcome) in run(n, held).into_iter().enumerate().take(2) {
			assert_eq!(outcome.unwrap_err(), MpcError::EntryNotProven { party: 2 }, "member {member}");
		}
	}

	#[test]
	fn the_audit_of_a_run_on_held_inputs_names_what_was_altered() {
		let n = 3;
		let transcript = run(n, deal(n, 31)).remove(0).unwrap().1;
		// A member's entered share altered: the values it opened afterwards no longer open the
		// commitments of the values they were computed from.
		let mut altered = transcript.clone();
		altered.differences[1][0] += Fr::from(1u64);
		assert!(matches!(audit(&circuit(), &altered), Err(AuditError::Opening { .. })), "{:?}", audit(&circuit(), &altered));
		// An opening's share altered: named with its place and its party.
		let mut altered = transcript.clone();
		let last = altered.openings.len() - 1;
		altered.openings[last][0][2].0 += Fr::from(1u64);
		assert_eq!(audit(&circuit(), &altered), Err(AuditError::Opening { opening: last, value: 0, party: 2 }));
		// Another shape of the held inputs, or none (a run on fresh inputs): not what the members
		// agreed to run. A huge one is refused before anything is made for it.
		for shape in [Some(vec![32, 32, 1]), Some(vec![32, 32]), Some(vec![usize::MAX, 32, 0]), None] {
			let mut altered = transcript.clone();
			altered.held = shape.clone();
			assert!(matches!(audit(&circuit(), &altered), Err(AuditError::Malformed(_))), "{shape:?}");
		}
		// Bytes cut short, or with a count larger than what follows, do not read.
		let bytes = transcript.to_bytes();
		assert_eq!(Transcript::from_bytes(&bytes[..bytes.len() - 1]), None);
		let mut lying = bytes.clone();
		let at = b"enigma/audit-transcript/v1".len();
		lying[at..at + 8].copy_from_slice(&u64::MAX.to_le_bytes());
		assert_eq!(Transcript::from_bytes(&lying), None);
	}
}

/// Every party's inputs come in one round, as under SPDZ (and a held run's adoption with them),
/// and the auditor reads them back owner by owner.
#[test]
fn every_partys_inputs_come_in_one_round() {
	use enigma_mpc::Mpc;
	let mut c = Circuit::new(3);
	let inputs: Vec<Wire> = (0..3).flat_map(|p| [c.input(p), c.input(p)]).collect();
	let sum = inputs[1..].iter().fold(inputs[0], |acc, w| c.push(Op::Add(acc, *w)));
	c.output("sum", sum, Recipient::Everyone);
	let given: Vec<Vec<Fr>> = (0..3).map(|p| vec![Fr::from(10 * p as u64 + 1), Fr::from(10 * p as u64 + 2)]).collect();
	let (circuit, values) = (c.clone(), given.clone());
	let results = run_parties(3, move |party, t| {
		let (layout, triples) = material(&circuit, 3, party, false);
		let mut mpc = Auditable::setup(Net::new(t), layout, &triples)?;
		let before = mpc.stats().rounds;
		let shares = mpc.inputs(&values[party], &[2, 2, 2])?;
		let rounds = mpc.stats().rounds - before;
		let opened = mpc.open(&shares.concat())?;
		mpc.check()?;
		Ok::<_, MpcError>((rounds, opened, mpc.transcript().clone()))
	});
	for result in results {
		let (rounds, opened, transcript) = result.unwrap();
		assert_eq!(rounds, 1);
		assert_eq!(opened, given.concat());
		assert_eq!(transcript.differences.len(), 3, "one entry per owner, in order");
	}
}
