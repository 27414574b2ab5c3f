//! Random programs give the same outputs under MPC as in the clear, for every protocol and
//! n = 2..7; the cost model matches what a run actually does.

mod common;

use common::{random_program, run_parties};
use enigma_mpc::{
	circuit::{execute, Circuit, Op, Recipient},
	field::Fr,
	honest::{Malicious, Multiplication, SemiHonest, ShamirCore},
	preprocessing::{honest_majority, trusted_dealer_for_tests, Plan},
	spdz::Spdz,
	transport::Net,
	Mpc,
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

fn plan_for(circuit: &Circuit) -> Plan {
	let cost = circuit.cost();
	let n = circuit.parties();
	Plan {
		triples: 2 * cost.muls as usize + 16,
		randoms: cost.muls as usize + 16,
		masks: (0..n).map(|p| circuit.inputs_per_party[p] + circuit.outputs.len() + 4).collect(),
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
			let mut mpc = Malicious::<Fr, _>::new(t, (n - 1) / 2).unwrap();
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
fn cost_model_counts_the_rounds_a_semi_honest_run_takes() {
	let n = 3;
	let mut c = Circuit::new(n);
	let (x, y) = (c.input(0), c.input(1));
	let p = c.push(Op::Mul(x, y));
	let lt = c.push(Op::Lt { a: x, b: y, bits: 16 });
	let s = c.push(Op::Select { cond: lt, then: x, otherwise: y });
	let q = c.push(Op::DivConst { a: p, divisor: 10, bits: 32 });
	c.output("q", q, Recipient::Everyone);
	c.output("s", s, Recipient::Party(2));
	let expected = c.cost();
	let cc = c.clone();
	let stats = run_parties(n, move |party, t| {
		let mut mpc = SemiHonest::<Fr, _>::new(t, 1, Multiplication::Bgw).unwrap();
		let inputs = match party { 0 => vec![Fr::from(300u64)], 1 => vec![Fr::from(7u64)], _ => vec![] };
		execute(&mut mpc, &cc, &inputs).unwrap();
		mpc.stats()
	});
	assert_eq!(expected.inputs, 2);
	assert_eq!(expected.adds, 0);
	assert_eq!(stats[0].rounds, expected.rounds, "cost model rounds vs measured");
	assert!(stats.iter().all(|s| s.rounds == stats[0].rounds));
}

#[test]
fn bit_decomposition_and_64_bit_comparisons_are_exact() {
	use enigma_mpc::nonlinear;
	let values: Vec<u64> = vec![0, 1, 2, 0xdead_beef, u64::MAX, u64::MAX - 1, 1 << 63, 12345678901234567];
	let others: Vec<u64> = vec![1, 1, 0, 0xdead_beef, u64::MAX - 1, u64::MAX, (1 << 63) - 1, 12345678901234568];
	let (v, o) = (values.clone(), others.clone());
	let results = run_parties(3, move |party, t| {
		let mut mpc = Malicious::<Fr, _>::new(t, 1).unwrap();
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

#[test]
fn comparisons_refuse_a_field_too_small_for_them() {
	use enigma_mpc::{field::F64, nonlinear, MpcError};
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
		circuit::{execute_held, HeldOutput},
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
			held[member][person].push(share);
		}
	}
	let circuit = c.clone();
	let results = run_parties(n, move |member, transport| {
		let mut mpc = Malicious::<Fr, _>::new(transport, t).unwrap();
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
				HeldOutput::Held { to, share } if *to == person => *share,
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
	let mut c = Circuit::new(2);
	let (a, b) = (c.input(0), c.input(1));
	let product = c.push(Op::Mul(a, b));
	let below = c.push(Op::Lt { a, b, bits: 32 });
	c.output("product", product, Recipient::Everyone);
	c.output("a_below_b", below, Recipient::Everyone);
	let scheme = Shamir::<Fr>::new(4, 1).unwrap();
	let mut rng = rand::thread_rng();
	let (sa, sb) = (scheme.share(Fr::from(1234u64), 1, &mut rng), scheme.share(Fr::from(5678u64), 1, &mut rng));
	// Member #2 (point 3) is gone; members #0, #1, #3 keep points 1, 2, 4.
	let survivors = [0usize, 1, 3];
	let points: Vec<u64> = survivors.iter().map(|m| *m as u64 + 1).collect();
	let held: Vec<Vec<Vec<Fr>>> = survivors.iter().map(|m| vec![vec![sa[*m]], vec![sb[*m]]]).collect();
	let circuit = c.clone();
	let results = run_parties(3, move |party, transport| {
		let mut mpc = Malicious::<Fr, _>::with_points(transport, 1, &points).unwrap();
		execute_held(&mut mpc, &circuit, &held[party]).unwrap()
	});
	for outputs in results {
		assert_eq!(outputs[0].1, HeldOutput::Public(Fr::from(1234u64 * 5678)));
		assert_eq!(outputs[1].1, HeldOutput::Public(Fr::from(1u64)));
	}
	assert!(Shamir::<Fr>::with_points(&[1, 2, 2], 1).is_err());
	assert!(Shamir::<Fr>::with_points(&[0, 2, 3], 1).is_err());
}
