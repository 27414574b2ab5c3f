//! Random programs give the same outputs under MPC as in the clear, for every protocol and
//! n = 2..7; the cost model matches what a run actually does.

mod common;

use common::{plan_for, random_program, run_parties, WholeWords};
use enigma_mpc::{
	circuit::{execute, Circuit, Op, Recipient},
	field::Fr,
	honest::{Malicious, Multiplication, SemiHonest, ShamirCore},
	mascot::Mascot,
	preprocessing::{honest_majority, trusted_dealer_for_tests, Plan},
	spdz::Spdz,
	transport::Net,
	Mpc, MpcError,
};

/// Every party's view of the outputs must match the plaintext result where it is entitled to it.
fn assert_matches(circuit: &Circuit, inputs: &[Vec<Fr>], results: Vec<Vec<(String, Option<Fr>)>>) {
	let expected = circuit.evaluate(inputs).unwrap();
	for (party, outputs) in results.iter().enumerate() {
		for ((name, got), (out, (_, want))) in outputs.iter().zip(circuit.outputs.iter().zip(&expected)) {
			let entitled = out.to == Recipient::Everyone || out.to == Recipient::Party(party);
			if entitled {
				assert_eq!(got.as_ref(), Some(want), "party {party}, output {name}");
			} else {
				assert_eq!(*got, None, "party {party} must not learn {name}");
			}
		}
	}
}

#[test]
fn semi_honest_shamir_matches_plaintext() {
	for n in 2..=7 {
		for multiplication in [Multiplication::Bgw, Multiplication::Dn07] {
			let (circuit, inputs) = random_program(n, 100 + n as u64, 30);
			let (c, i) = (circuit.clone(), inputs.clone());
			let results = run_parties(n, move |party, t| {
				let mut mpc = SemiHonest::<Fr, _>::new(t, (n - 1) / 2, multiplication).unwrap();
				execute(&mut mpc, &c, &i[party]).unwrap()
			});
			assert_matches(&circuit, &inputs, results);
		}
	}
}

#[test]
fn malicious_shamir_matches_plaintext() {
	for n in 2..=7 {
		let (circuit, inputs) = random_program(n, 200 + n as u64, 30);
		let (c, i) = (circuit.clone(), inputs.clone());
		let results = run_parties(n, move |party, t| {
			// Every frame is whole words: none could be taken for misbehaviour.
			let mut mpc = Malicious::<Fr, _>::new(WholeWords(t), (n - 1) / 2).unwrap();
			execute(&mut mpc, &c, &i[party]).unwrap()
		});
		assert_matches(&circuit, &inputs, results);
	}
}

#[test]
fn spdz_with_the_test_dealer_matches_plaintext() {
	for n in 2..=7 {
		let (circuit, inputs) = random_program(n, 300 + n as u64, 30);
		let plan = plan_for(&circuit);
		let (c, i) = (circuit.clone(), inputs.clone());
		let results = run_parties(n, move |party, t| {
			let store = trusted_dealer_for_tests::store::<Fr>(9, n, party, &plan);
			let mut mpc = Spdz::new(Net::new(t), store);
			execute(&mut mpc, &c, &i[party]).unwrap()
		});
		assert_matches(&circuit, &inputs, results);
	}
}

#[test]
fn spdz_with_dealer_free_preprocessing_matches_plaintext() {
	for n in 3..=5 {
		let (circuit, inputs) = random_program(n, 400 + n as u64, 25);
		let plan = plan_for(&circuit);
		let (c, i) = (circuit.clone(), inputs.clone());
		let results = run_parties(n, move |party, t| {
			let mut core = ShamirCore::<Fr, _>::new(t, (n - 1) / 2).unwrap();
			let store = honest_majority(&mut core, &plan).unwrap();
			let mut mpc = Spdz::new(core.net, store);
			execute(&mut mpc, &c, &i[party]).unwrap()
		});
		assert_matches(&circuit, &inputs, results);
	}
}

#[test]
fn spdz_with_mascot_preprocessing_matches_plaintext() {
	// No dealer and no honest majority: at n = 2 one party is half the committee.
	for n in 2..=5 {
		let (circuit, inputs) = random_program(n, 500 + n as u64, 20);
		// The plan the product uses.
		let plan = Plan::for_circuit(&circuit);
		let (c, i) = (circuit.clone(), inputs.clone());
		let results = run_parties(n, move |party, t| {
			// Every frame of the preprocessing is whole words too.
			let mut net = Net::new(WholeWords(t));
			let mut mascot = Mascot::<Fr>::setup(&mut net).unwrap();
			let store = mascot.generate(&mut net, &plan).unwrap();
			let mut mpc = Spdz::new(net, store);
			execute(&mut mpc, &c, &i[party]).unwrap()
		});
		assert_matches(&circuit, &inputs, results);
	}
}

#[test]
fn cost_model_counts_the_rounds_a_semi_honest_run_takes() {
	// At n = 5 (t = 2) the random bits take one more round and one more multiplication each than
	// at n = 3 and 4 (t = 1), and the model at t = 2 says so.
	for n in [3, 4, 5] {
		let t = (n - 1) / 2;
		let mut c = Circuit::new(n);
		// Typed inputs: their range check is counted too.
		let (x, y) = (c.typed_input(0, Some(16)), c.typed_input(1, Some(16)));
		let p = c.push(Op::Mul(x, y));
		let lt = c.push(Op::Lt { a: x, b: y, bits: 16 });
		let s = c.push(Op::Select { cond: lt, then: x, otherwise: y });
		let q = c.push(Op::DivConst { a: p, divisor: 10, bits: 32 });
		// A shift past the value's width: the quotient is 0, with no interaction and no bits.
		let z = c.push(Op::DivConst { a: x, divisor: 1 << 20, bits: 16 });
		c.output("q", q, Recipient::Everyone);
		c.output("s", s, Recipient::Party(2));
		c.output("z", z, Recipient::Everyone);
		let expected = c.cost_at(t);
		let cc = c.clone();
		let stats = run_parties(n, move |party, net| {
			let mut mpc = SemiHonest::<Fr, _>::new(net, t, Multiplication::Bgw).unwrap();
			let inputs = match party { 0 => vec![Fr::from(300u64)], 1 => vec![Fr::from(7u64)], _ => vec![] };
			execute(&mut mpc, &cc, &inputs).unwrap();
			mpc.stats()
		});
		assert_eq!(expected.inputs, 2 + 2 * 16, "each typed input brings its bits");
		assert_eq!(expected.adds, 0);
		assert_eq!(stats[0].rounds, expected.rounds, "cost model rounds vs measured at n = {n}");
		assert!(stats.iter().all(|s| s.rounds == stats[0].rounds));
		assert_eq!(c.cost(), c.cost_at(1), "without a committee, t = 1");
		if t == 2 {
			let priced = c.cost();
			assert_eq!((expected.rounds, expected.muls), (priced.rounds + 1, priced.muls + priced.bits));
		}
	}
}

/// A circuit without inputs takes no input round (the quote counts none), under every
/// protocol on Shamir.
#[test]
fn a_circuit_without_inputs_takes_no_input_round() {
	let mut c = Circuit::new(3);
	let (a, b) = (c.push(Op::Const(6)), c.push(Op::Const(7)));
	let p = c.push(Op::Mul(a, b));
	c.output("p", p, Recipient::Everyone);
	let cost = c.cost_at(1);
	let cc = c.clone();
	for (outputs, stats) in run_parties(3, move |_, net| {
		let mut mpc = SemiHonest::<Fr, _>::new(net, 1, Multiplication::Dn07).unwrap();
		(execute(&mut mpc, &cc, &[]).unwrap(), mpc.stats())
	}) {
		assert_eq!(outputs[0].1, Some(Fr::from(42u64)));
		assert_eq!(stats.rounds, cost.rounds, "cost model rounds vs measured");
	}
	for outputs in run_parties(3, move |_, net| {
		let mut mpc = Malicious::<Fr, _>::new(WholeWords(net), 1).unwrap();
		execute(&mut mpc, &c, &[]).unwrap()
	}) {
		assert_eq!(outputs[0].1, Some(Fr::from(42u64)));
	}
}

/// Issue #17: an output that is public already (revealed, a constant, or computed from those)
/// is not opened again: one round and its openings less, the same values at every party, under
/// every protocol; the cost model counts what the run does.
#[test]
fn outputs_that_are_public_already_are_not_opened_again() {
	let circuit = |also_secret: bool| {
		let mut c = Circuit::new(3);
		let (x, y) = (c.typed_input(0, Some(16)), c.typed_input(1, Some(16)));
		let p = c.push(Op::Mul(x, y));
		let revealed = c.push(Op::Reveal(p));
		let shifted = c.push(Op::AddConst(revealed, 5));
		let seven = c.push(Op::Const(7));
		c.output("revealed", revealed, Recipient::Everyone);
		c.output("shifted", shifted, Recipient::Everyone);
		c.output("seven", seven, Recipient::Everyone);
		if also_secret {
			c.output("p", p, Recipient::Everyone);
		}
		c
	};
	let inputs = |party: usize| match party { 0 => vec![Fr::from(300u64)], 1 => vec![Fr::from(7u64)], _ => vec![] };
	let want = |also_secret: bool| {
		let mut v = vec![Some(Fr::from(2100u64)), Some(Fr::from(2105u64)), Some(Fr::from(7u64))];
		if also_secret {
			v.push(Some(Fr::from(2100u64)));
		}
		v
	};
	let mut rounds = Vec::new();
	for also_secret in [false, true] {
		let c = circuit(also_secret);
		let cost = c.cost_at(1);
		let cc = c.clone();
		let results = run_parties(3, move |party, net| {
			let mut mpc = SemiHonest::<Fr, _>::new(net, 1, Multiplication::Dn07).unwrap();
			(execute(&mut mpc, &cc, &inputs(party)).unwrap(), mpc.stats())
		});
		for (outputs, stats) in &results {
			assert_eq!(outputs.iter().map(|(_, v)| *v).collect::<Vec<_>>(), want(also_secret));
			assert_eq!(stats.rounds, cost.rounds, "cost model rounds vs measured");
		}
		rounds.push((cost.rounds, cost.opens));
		let cc = c.clone();
		for outputs in run_parties(3, move |party, net| {
			let mut mpc = Malicious::<Fr, _>::new(WholeWords(net), 1).unwrap();
			execute(&mut mpc, &cc, &inputs(party)).unwrap()
		}) {
			assert_eq!(outputs.iter().map(|(_, v)| *v).collect::<Vec<_>>(), want(also_secret), "malicious");
		}
		let plan = plan_for(&c);
		for outputs in run_parties(3, move |party, net| {
			let mut mpc = Spdz::new(Net::new(net), trusted_dealer_for_tests::store::<Fr>(3, 3, party, &plan));
			execute(&mut mpc, &c, &inputs(party)).unwrap()
		}) {
			assert_eq!(outputs.iter().map(|(_, v)| *v).collect::<Vec<_>>(), want(also_secret), "spdz");
		}
	}
	assert_eq!(rounds[1], (rounds[0].0 + 1, rounds[0].1 + 1), "only a secret output costs the final opening round, and one opening");
}

/// Issue #17: random bits are dealt by t + 1 parties and XORed. A corrupt dealer that deals ½
/// instead of a bit makes every XOR ½ (½ ⊕ b = ½ + b − b = ½), a mask it knows: the check that
/// runs before the bits are used refuses them, and honest dealing passes it.
#[test]
fn a_dealer_of_non_bits_is_caught_before_its_bits_are_used() {
	use enigma_mpc::nonlinear;
	use ark_ff::Field;
	let half = Fr::from(2u64).inverse().unwrap();
	let results = run_parties(3, move |party, net| {
		let mut mpc = Malicious::<Fr, _>::new(WholeWords(net), 1).unwrap();
		// Party 0 deals ½ sixteen times, party 1 deals random bits: the two sharings a run's
		// dealers would deal, each authenticated like a dealt value.
		let cheat = mpc.input(0, (party == 0).then(|| vec![half; 16]).as_deref(), 16).unwrap();
		let honest_bits: Vec<Fr> = (0..16u64).map(|i| Fr::from((i * 7 + 3) % 5 % 2)).collect();
		let honest = mpc.input(1, (party == 1).then_some(&honest_bits[..]), 16).unwrap();
		let combined = nonlinear::xor_all(&mut mpc, vec![cheat, honest.clone()]).unwrap();
		// Without the check, the cheater knows every "random" bit.
		let seen = mpc.open(&combined).unwrap();
		let refused = nonlinear::check_ranges(&mut mpc, &[], &combined);
		let fine = nonlinear::check_ranges(&mut mpc, &[], &honest);
		let dealt = mpc.deal_bits(64).unwrap().unwrap();
		let dealt_ok = nonlinear::check_ranges(&mut mpc, &[], &dealt.0);
		let opened = mpc.open(&dealt.0).unwrap();
		(seen, refused, fine, dealt.1, dealt_ok, opened)
	});
	for (seen, refused, fine, unproven, dealt_ok, opened) in results {
		assert!(seen.iter().all(|v| *v == half), "the cheater's ½ survives every XOR");
		assert_eq!(refused, Err(MpcError::BitCheckFailed));
		assert_eq!(fine, Ok(()));
		assert!(unproven, "the malicious protocol's dealt bits must be proven");
		assert_eq!(dealt_ok, Ok(()));
		assert!(opened.iter().all(|b| *b == Fr::from(0u64) || *b == Fr::from(1u64)));
		assert!(opened.contains(&Fr::from(0u64)) && opened.contains(&Fr::from(1u64)), "64 dealt bits are not all alike");
	}
}

#[test]
fn bit_decomposition_and_64_bit_comparisons_are_exact() {
	use enigma_mpc::nonlinear;
	let values: Vec<u64> = vec![0, 1, 2, 0xdead_beef, u64::MAX, u64::MAX - 1, 1 << 63, 12345678901234567];
	let others: Vec<u64> = vec![1, 1, 0, 0xdead_beef, u64::MAX - 1, u64::MAX, (1 << 63) - 1, 12345678901234568];
	let (v, o) = (values.clone(), others.clone());
	let results = run_parties(3, move |party, t| {
		let mut mpc = Malicious::<Fr, _>::new(WholeWords(t), 1).unwrap();
		let mine = |xs: &Vec<u64>| xs.iter().map(|x| Fr::from(*x)).collect::<Vec<_>>();
		let a = mpc.input(0, (party == 0).then(|| mine(&v)).as_deref(), v.len()).unwrap();
		let b = mpc.input(1, (party == 1).then(|| mine(&o)).as_deref(), o.len()).unwrap();
		let bits = nonlinear::bit_decompose(&mut mpc, &a, 64).unwrap();
		let flat: Vec<_> = bits.into_iter().flatten().collect();
		let lt = nonlinear::lt(&mut mpc, &a, &b, 64).unwrap();
		let eq = nonlinear::eq(&mut mpc, &a, &b, 64).unwrap();
		let div = nonlinear::div_const(&mut mpc, &a, 7, 64).unwrap();
		mpc.check().unwrap();
		(mpc.open(&flat).unwrap(), mpc.open(&lt).unwrap(), mpc.open(&eq).unwrap(), mpc.open(&div).unwrap())
	});
	let (bits, lt, eq, div) = &results[0];
	for (k, (x, y)) in values.iter().zip(&others).enumerate() {
		for i in 0..64 {
			assert_eq!(bits[k * 64 + i], Fr::from((x >> i) & 1), "bit {i} of {x}");
		}
		assert_eq!(lt[k], Fr::from((x < y) as u64), "{x} < {y}");
		assert_eq!(eq[k], Fr::from((x == y) as u64), "{x} == {y}");
		assert_eq!(div[k], Fr::from(x / 7), "{x} / 7");
	}
}

/// Issue #17: comparisons in logarithmic depth. Every pair of 1- to 5-bit values compares right
/// (widths that are no power of two exercise the prefix circuit's ragged edge), so do 128-bit
/// values that differ only in their lowest or highest bit, and a 64-bit comparison takes 9 rounds: random bits (2: dealt, then XORed), the masked
/// opening (1) and ⌈log2 64⌉ = 6 rounds of prefix ORs, where the bit-serial circuit took 68.
#[test]
fn comparisons_take_logarithmic_rounds_and_are_exact_at_every_width() {
	use enigma_mpc::nonlinear;
	let results = run_parties(3, move |party, t| {
		let mut mpc = SemiHonest::<Fr, _>::new(t, 1, Multiplication::Bgw).unwrap();
		let mut answers = Vec::new();
		for bits in [1u32, 2, 3, 4, 5] {
			let pairs: Vec<(u64, u64)> = (0..1u64 << bits).flat_map(|x| (0..1u64 << bits).map(move |y| (x, y))).collect();
			let xs: Vec<Fr> = pairs.iter().map(|(x, _)| Fr::from(*x)).collect();
			let ys: Vec<Fr> = pairs.iter().map(|(_, y)| Fr::from(*y)).collect();
			let a = mpc.input(0, (party == 0).then_some(&xs[..]), xs.len()).unwrap();
			let b = mpc.input(1, (party == 1).then_some(&ys[..]), ys.len()).unwrap();
			let lt = nonlinear::lt(&mut mpc, &a, &b, bits).unwrap();
			answers.push((pairs, mpc.open(&lt).unwrap()));
		}
		let wide: Vec<(u128, u128)> = vec![(u128::MAX - 1, u128::MAX), (u128::MAX, u128::MAX - 1), (1 << 127, (1 << 127) - 1), ((1 << 127) - 1, 1 << 127), (7, 7)];
		let xs: Vec<Fr> = wide.iter().map(|(x, _)| Fr::from(*x)).collect();
		let ys: Vec<Fr> = wide.iter().map(|(_, y)| Fr::from(*y)).collect();
		let a = mpc.input(0, (party == 0).then_some(&xs[..]), xs.len()).unwrap();
		let b = mpc.input(1, (party == 1).then_some(&ys[..]), ys.len()).unwrap();
		let lt = nonlinear::lt(&mut mpc, &a, &b, 128).unwrap();
		let wide_answers: Vec<(u128, u128, Fr)> = wide.iter().zip(mpc.open(&lt).unwrap()).map(|((x, y), got)| (*x, *y, got)).collect();
		let a = mpc.input(0, (party == 0).then(|| vec![Fr::from(u64::MAX - 5)]).as_deref(), 1).unwrap();
		let b = mpc.input(1, (party == 1).then(|| vec![Fr::from(u64::MAX)]).as_deref(), 1).unwrap();
		let before = mpc.stats().rounds;
		let lt = nonlinear::lt(&mut mpc, &a, &b, 64).unwrap();
		let rounds = mpc.stats().rounds - before;
		(answers, wide_answers, mpc.open(&lt).unwrap()[0], rounds)
	});
	let (answers, wide, lt64, rounds) = &results[0];
	for (x, y, got) in wide {
		assert_eq!(*got, Fr::from((x < y) as u64), "{x} < {y} at 128 bits");
	}
	for (pairs, lt) in answers {
		for ((x, y), got) in pairs.iter().zip(lt) {
			assert_eq!(*got, Fr::from((x < y) as u64), "{x} < {y}");
		}
	}
	assert_eq!(*lt64, Fr::from(1u64));
	assert_eq!(*rounds, 9, "rounds of one 64-bit comparison");
}

#[test]
fn comparisons_refuse_a_field_too_small_for_them() {
	use enigma_mpc::{field::F64, nonlinear};
	let results = run_parties(3, |_, t| {
		let mut mpc = SemiHonest::<F64, _>::new(t, 1, Multiplication::Bgw).unwrap();
		let a = vec![mpc.constant(F64::from(1u64))];
		nonlinear::lt(&mut mpc, &a, &a, 32).map(|_| ())
	});
	assert!(results.iter().all(|r| matches!(r, Err(MpcError::InvalidCircuit(_)))));
}

/// Five people Shamir-share their salaries with a committee of four (as the `enigma` client
/// does); the committee runs the salary contract's circuit on the held shares: the average is
/// opened, each person's rank stays shared until that person collects the members' shares.
#[test]
fn a_committee_computes_on_client_shared_inputs_and_hands_out_private_outputs() {
	use enigma_mpc::{
		circuit::{execute_held, HeldInput, HeldOutput},
		shamir::Shamir,
	};
	let salaries = [52_000u64, 61_000, 48_500, 75_250, 61_500];
	let mut c = Circuit::new(5);
	let inputs: Vec<_> = (0..5).map(|p| c.input(p)).collect();
	let mut total = inputs[0];
	for &x in &inputs[1..] {
		total = c.push(Op::Add(total, x));
	}
	let average = c.push(Op::DivConst { a: total, divisor: 5, bits: 40 });
	c.output("average", average, Recipient::Everyone);
	for i in 0..5 {
		let mut rank = c.push(Op::Const(1));
		for j in (0..5).filter(|j| *j != i) {
			let above = c.push(Op::Lt { a: inputs[i], b: inputs[j], bits: 32 });
			rank = c.push(Op::Add(rank, above));
		}
		c.output(format!("rank{i}"), rank, Recipient::Party(i));
	}

	let (n, t) = (4, 1);
	let scheme = Shamir::<Fr>::new(n, t).unwrap();
	let mut rng = rand::thread_rng();
	// held[member][person]: the member's share of that person's salary.
	let mut held = vec![vec![Vec::new(); 5]; n];
	for (person, salary) in salaries.iter().enumerate() {
		for (member, share) in scheme.share(Fr::from(*salary), t, &mut rng).into_iter().enumerate() {
			held[member][person].push(HeldInput::plain(share));
		}
	}
	let circuit = c.clone();
	let results = run_parties(n, move |member, transport| {
		let mut mpc = Malicious::<Fr, _>::new(WholeWords(transport), t).unwrap();
		execute_held(&mut mpc, &circuit, &held[member]).unwrap()
	});
	let expected_average = salaries.iter().sum::<u64>() / 5;
	for outputs in &results {
		assert_eq!(outputs[0], ("average".to_string(), HeldOutput::Public(Fr::from(expected_average))));
	}
	for person in 0..5 {
		let shares: Vec<Fr> = results
			.iter()
			.map(|outputs| match &outputs[1 + person].1 {
				HeldOutput::Held { to, share, check: None } if *to == person => *share,
				other => panic!("expected a held share for {person}, got {other:?}"),
			})
			.collect();
		let rank = 1 + salaries.iter().filter(|s| **s > salaries[person]).count() as u64;
		assert_eq!(scheme.reconstruct_checked(&shares, t).unwrap(), Fr::from(rank), "rank of person {person}");
		// One share alone says nothing; a tampered one is detected with four.
		let mut tampered = shares.clone();
		tampered[2] += Fr::from(1u64);
		assert!(scheme.reconstruct_checked(&tampered, t).is_err());
	}
}

/// A committee of four loses a member: the other three continue at their original Shamir points
/// on the shares they hold, and get the same result.
#[test]
fn three_of_four_members_continue_on_their_original_points() {
	use enigma_mpc::{
		circuit::{execute_held, HeldOutput},
		shamir::Shamir,
	};
	let (circuit, held, expected) = common::four_member_product_and_comparison();
	// Member #2 (point 3) is gone; members #0, #1, #3 keep points 1, 2, 4.
	let survivors = [0usize, 1, 3];
	let points: Vec<u64> = survivors.iter().map(|m| *m as u64 + 1).collect();
	let held: Vec<_> = survivors.iter().map(|m| held[*m].clone()).collect();
	let results = run_parties(3, move |party, transport| {
		let mut mpc = Malicious::<Fr, _>::with_points(transport, 1, &points).unwrap();
		execute_held(&mut mpc, &circuit, &held[party]).unwrap()
	});
	for outputs in results {
		assert_eq!(outputs[0].1, HeldOutput::Public(expected[0]));
		assert_eq!(outputs[1].1, HeldOutput::Public(expected[1]));
	}
	assert!(Shamir::<Fr>::with_points(&[1, 2, 2], 1).is_err());
	assert!(Shamir::<Fr>::with_points(&[0, 2, 3], 1).is_err());
}

/// A member about to run another circuit (a different compiler, a different contract version)
/// is named before any secret is used, instead of surfacing later as inconsistent shares.
#[test]
fn members_with_different_circuits_stop_before_touching_a_secret() {
	use enigma_mpc::circuit::{execute_held, HeldInput};
	let circuit = |swap: bool| {
		let mut c = Circuit::new(2);
		let (a, b) = (c.input(0), c.input(1));
		let (x, y) = (c.push(Op::Mul(a, b)), c.push(Op::Add(a, b)));
		let (first, second) = if swap { (y, x) } else { (x, y) };
		c.output("first", first, Recipient::Everyone);
		c.output("second", second, Recipient::Everyone);
		c
	};
	assert_ne!(circuit(false).digest(), circuit(true).digest());
	let results = run_parties(3, move |member, transport| {
		let mut mpc = Malicious::<Fr, _>::new(transport, 1).unwrap();
		let held = vec![vec![HeldInput::plain(Fr::from(3u64))], vec![HeldInput::plain(Fr::from(4u64))]];
		let outcome = execute_held(&mut mpc, &circuit(member == 2), &held).map(|_| ());
		(outcome, mpc.stats().rounds)
	});
	assert_eq!(results[0].0, Err(MpcError::Disagreement { party: 2 }));
	assert_eq!(results[1].0, Err(MpcError::Disagreement { party: 2 }));
	assert_eq!(results[2].0, Err(MpcError::Disagreement { party: 0 }));
	// Only the generation of r and the agreement itself ran: no input was adopted.
	let agreement_only = results[0].1;
	assert!(results.iter().all(|(_, rounds)| *rounds == agreement_only));
}

/// What a client deals for an integer: its value and `width` bits (bit i being `bit(i)`), each
/// Shamir-shared with degree 1 among 4 members; `result[member]`.
fn client_shares(value: u128, width: u32, bit: impl Fn(u32) -> u128) -> Vec<enigma_mpc::circuit::HeldInput<Fr>> {
	let scheme = enigma_mpc::shamir::Shamir::<Fr>::new(4, 1).unwrap();
	let mut rng = rand::thread_rng();
	let v = scheme.share(Fr::from(value), 1, &mut rng);
	let bits: Vec<Vec<Fr>> = (0..width).map(|i| scheme.share(Fr::from(bit(i) as u64), 1, &mut rng)).collect();
	(0..4).map(|m| enigma_mpc::circuit::HeldInput { value: v[m], bits: bits.iter().map(|b| b[m]).collect(), mac: None, vss: None }).collect()
}

/// An honest client's dealing of `value` with its `width` low bits.
fn honest_shares(value: u128, width: u32) -> Vec<enigma_mpc::circuit::HeldInput<Fr>> {
	client_shares(value, width, |i| (value >> i) & 1)
}

/// `circuit` run by 4 members, maliciously secure, on two owners' held inputs.
fn run_held(circuit: &Circuit, x: Vec<enigma_mpc::circuit::HeldInput<Fr>>, y: Vec<enigma_mpc::circuit::HeldInput<Fr>>) -> Vec<enigma_mpc::Result<Vec<(String, enigma_mpc::circuit::HeldOutput<Fr>)>>> {
	let circuit = circuit.clone();
	run_parties(4, move |member, transport| {
		let mut mpc = Malicious::<Fr, _>::new(transport, 1).unwrap();
		enigma_mpc::circuit::execute_held(&mut mpc, &circuit, &[vec![x[member].clone()], vec![y[member].clone()]])
	})
}

/// Issue #12: a client shares a "u32" bid of 2^40 with a committee. The sealed-bid comparison
/// would open masked values sized for 32 bits and publish a mix of the other bids; instead the
/// range check over the bits the client shared along ends the run before the comparison, naming
/// the input, while honest inputs at the type's extremes pass.
#[test]
fn an_out_of_range_held_input_is_named_before_it_is_used() {
	use enigma_mpc::circuit::HeldOutput;
	let mut c = Circuit::new(2);
	let (a, b) = (c.typed_input(0, Some(32)), c.typed_input(1, Some(32)));
	let below = c.push(Op::Lt { a, b, bits: 32 });
	let best = c.push(Op::Select { cond: below, then: b, otherwise: a });
	c.output("best", best, Recipient::Everyone);
	let max = u32::MAX as u128;
	for outcome in run_held(&c, honest_shares(max, 32), honest_shares(0, 32)) {
		assert_eq!(outcome.unwrap()[0].1, HeldOutput::Public(Fr::from(u32::MAX as u64)));
	}
	// 2^40 with its low bits (all zero): the bits do not make up the value.
	for outcome in run_held(&c, honest_shares(7, 32), honest_shares(1 << 40, 32)) {
		assert_eq!(outcome.unwrap_err(), MpcError::InputOutOfRange { owner: 1, index: 0 });
	}
	// Bits that make up 2^40 >> 8 instead: inconsistent with the value as well.
	let value = 1u128 << 40;
	for outcome in run_held(&c, client_shares(value, 32, |i| (value >> (i + 8)) & 1), honest_shares(7, 32)) {
		assert_eq!(outcome.unwrap_err(), MpcError::InputOutOfRange { owner: 0, index: 0 });
	}
}

/// Issue #17: a client's u16 fills a 64-bit slot: the worker widens its bits with zero shares
/// ([`HeldInput::widened`]), the range check proves the widened bits and the comparison runs on
/// them. Before, the chain and the worker accepted the secret and the run refused it, so every
/// member aborted the task.
#[test]
fn a_narrower_held_integer_fills_a_wider_slot() {
	use enigma_mpc::circuit::{HeldInput, HeldOutput};
	let mut c = Circuit::new(2);
	let (a, b) = (c.typed_input(0, Some(64)), c.typed_input(1, Some(64)));
	for (k, op) in [Op::Lt { a, b, bits: 64 }, Op::Lt { a: b, b: a, bits: 64 }, Op::Eq { a, b, bits: 64 }].into_iter().enumerate() {
		let w = c.push(op);
		c.output(&format!("c{k}"), w, Recipient::Everyone);
	}
	// As brought: 16 bits for a 64-bit slot is refused by name.
	for outcome in run_held(&c, honest_shares(65_535, 16), honest_shares(1 << 40, 64)) {
		assert!(matches!(outcome.unwrap_err(), MpcError::InvalidCircuit(why) if why.contains("16 bits for a Some(64)-bit slot")));
	}
	let widened = |h: Vec<HeldInput<Fr>>| -> Vec<HeldInput<Fr>> { h.into_iter().map(|i| i.widened(64).unwrap()).collect() };
	for (x, y) in [(65_535u128, 1u128 << 40), (65_535, 65_535), (7, 3)] {
		for outcome in run_held(&c, widened(honest_shares(x, 16)), honest_shares(y, 64)) {
			let got: Vec<HeldOutput<Fr>> = outcome.unwrap().into_iter().map(|(_, v)| v).collect();
			let want: Vec<HeldOutput<Fr>> = [x < y, y < x, x == y].into_iter().map(|b| HeldOutput::Public(Fr::from(b as u64))).collect();
			assert_eq!(got, want, "{x} vs {y}");
		}
	}
	// A field slot takes the integer without its bits (they would make the run refuse it).
	let mut f = Circuit::new(2);
	let (fa, fb) = (f.typed_input(0, None), f.typed_input(1, Some(64)));
	let sum = f.push(Op::Add(fa, fb));
	f.output("sum", sum, Recipient::Everyone);
	for outcome in run_held(&f, honest_shares(40_000, 16), honest_shares(2, 64)) {
		assert!(matches!(outcome.unwrap_err(), MpcError::InvalidCircuit(_)), "bits for a field slot, as brought");
	}
	let as_field = |h: Vec<HeldInput<Fr>>| -> Vec<HeldInput<Fr>> { h.into_iter().map(|i| i.as_field().unwrap()).collect() };
	for outcome in run_held(&f, as_field(honest_shares(40_000, 16)), honest_shares(2, 64)) {
		assert_eq!(outcome.unwrap()[0].1, HeldOutput::Public(Fr::from(40_002u64)));
	}
	// Widening keeps the range check honest: bits that do not make up the value still fail.
	for outcome in run_held(&c, widened(honest_shares(1 << 20, 16)), honest_shares(7, 64)) {
		assert_eq!(outcome.unwrap_err(), MpcError::InputOutOfRange { owner: 0, index: 0 });
	}
}

/// The semi-honest protocols open the range check's coin with the squares and its check values
/// with the comparison's first level (issue #17's merged rounds): an owner's out-of-range input,
/// or "bits" that add up to its value but are not bits (a 2 makes a comparison on bits reveal the
/// other owner's bit), still ends the run, naming it, before anything is opened from them.
#[test]
fn semi_honest_merged_rounds_still_refuse_out_of_range_inputs() {
	let mut c = Circuit::new(2);
	let (a, b) = (c.typed_input(0, Some(32)), c.typed_input(1, Some(32)));
	let below = c.push(Op::Lt { a, b, bits: 32 });
	c.output("below", below, Recipient::Everyone);
	for multiplication in [Multiplication::Dn07, Multiplication::Bgw] {
		let run = |x: Vec<enigma_mpc::circuit::HeldInput<Fr>>, y: Vec<enigma_mpc::circuit::HeldInput<Fr>>| {
			let circuit = c.clone();
			run_parties(4, move |member, transport| {
				let mut mpc = SemiHonest::<Fr, _>::new(transport, 1, multiplication).unwrap();
				enigma_mpc::circuit::execute_held(&mut mpc, &circuit, &[vec![x[member].clone()], vec![y[member].clone()]]).map(|out| out[0].1.clone())
			})
		};
		for outcome in run(honest_shares(7, 32), honest_shares(9, 32)) {
			assert_eq!(outcome, Ok(enigma_mpc::circuit::HeldOutput::Public(Fr::from(1u64))));
		}
		for outcome in run(honest_shares(7, 32), honest_shares(1 << 40, 32)) {
			assert_eq!(outcome, Err(MpcError::InputOutOfRange { owner: 1, index: 0 }), "{multiplication:?}");
		}
		for outcome in run(client_shares(2, 32, |i| if i == 0 { 2 } else { 0 }), honest_shares(9, 32)) {
			assert_eq!(outcome, Err(MpcError::InputOutOfRange { owner: 0, index: 0 }), "{multiplication:?}");
		}
	}
}

/// The same check with live inputs: a party that supplies a value its declared type cannot hold
/// is named, whatever bits it sends along.
#[test]
fn an_out_of_range_live_input_is_named() {
	let mut c = Circuit::new(3);
	let (a, b) = (c.typed_input(0, Some(8)), c.typed_input(2, Some(1)));
	let p = c.push(Op::Mul(a, b));
	c.output("p", p, Recipient::Everyone);
	let results = run_parties(3, move |party, transport| {
		let mut mpc = Malicious::<Fr, _>::new(transport, 1).unwrap();
		let mine = match party { 0 => vec![Fr::from(300u64)], 2 => vec![Fr::from(1u64)], _ => vec![] };
		execute(&mut mpc, &c, &mine).map(|_| ())
	});
	for outcome in results {
		assert_eq!(outcome, Err(MpcError::InputOutOfRange { owner: 0, index: 0 }));
	}
}

/// Issue #14: the digest of a run's openings is the same at every party of the run and new at
/// every run, even when the inputs and the output are the same: a member that did not take part
/// cannot know it, so a result that carries it (the worker's transcript root) was computed.
#[test]
fn a_runs_opened_digest_is_shared_by_its_parties_and_new_each_run() {
	let mut c = Circuit::new(3);
	let (x, y) = (c.typed_input(0, Some(16)), c.typed_input(1, Some(16)));
	let lt = c.push(Op::Lt { a: x, b: y, bits: 16 });
	c.output("lt", lt, Recipient::Party(2));
	let run = |c: Circuit| {
		run_parties(3, move |party, t| {
			let mut mpc = Malicious::<Fr, _>::new(WholeWords(t), 1).unwrap();
			let inputs = match party { 0 => vec![Fr::from(300u64)], 1 => vec![Fr::from(7u64)], _ => vec![] };
			execute(&mut mpc, &c, &inputs).unwrap();
			mpc.opened_digest().expect("the Shamir protocols keep one")
		})
	};
	let (first, second) = (run(c.clone()), run(c));
	assert!(first.iter().all(|d| *d == first[0]), "every party of a run has the same digest");
	assert!(second.iter().all(|d| *d == second[0]));
	assert_ne!(first[0], second[0], "the same computation run again opens fresh masks");
}

/// Issue #17: a comparison of two checked inputs runs on the bits their owners shared (already
/// proven by the range check): no random bits, nothing opened, ⌈log2 w⌉ + 1 rounds. The values
/// meet at every kind of edge (equal, differing in the lowest or the highest bit, 0 and the
/// maximum), the results match the clear, and the cost model counts what the run does.
#[test]
fn comparisons_of_inputs_run_on_their_bits() {
	for width in [1u32, 2, 3, 8, 33, 64] {
		let max = if width == 64 { u64::MAX } else { (1u64 << width) - 1 };
		let pairs = [(0, 0), (0, max), (max, 0), (max, max), (max / 2, max / 2 + 1), (max - 1, max), (5.min(max), 5.min(max))];
		for (x, y) in pairs {
			let mut c = Circuit::new(3);
			let (a, b) = (c.typed_input(0, Some(width)), c.typed_input(1, Some(width)));
			let ops = [Op::Lt { a, b, bits: width }, Op::Lt { a: b, b: a, bits: width }, Op::Le { a, b, bits: width }, Op::Eq { a, b, bits: width }];
			for (k, op) in ops.into_iter().enumerate() {
				let w = c.push(op);
				c.output(&format!("c{k}"), w, Recipient::Everyone);
			}
			let cost = c.cost_at(1);
			assert_eq!(cost.bits, 0, "no random bits");
			let inputs = vec![vec![Fr::from(x)], vec![Fr::from(y)], vec![]];
			for malicious in [false, true] {
				let (cc, i) = (c.clone(), inputs.clone());
				let results = run_parties(3, move |party, net| {
					let mine = i.get(party).cloned().unwrap_or_default();
					if malicious {
						let mut mpc = Malicious::<Fr, _>::new(WholeWords(net), 1).unwrap();
						(execute(&mut mpc, &cc, &mine).unwrap(), mpc.stats())
					} else {
						let mut mpc = SemiHonest::<Fr, _>::new(net, 1, Multiplication::Dn07).unwrap();
						(execute(&mut mpc, &cc, &mine).unwrap(), mpc.stats())
					}
				});
				let want = [x < y, y < x, x <= y, x == y].map(|b| Some(Fr::from(b as u64)));
				for (outputs, stats) in &results {
					let got: Vec<Option<Fr>> = outputs.iter().map(|(_, v)| *v).collect();
					assert_eq!(got, want, "width {width}: {x} vs {y}");
					if !malicious {
						assert_eq!(stats.rounds, cost.rounds, "cost model rounds vs measured, width {width}");
					}
				}
			}
		}
	}
}
