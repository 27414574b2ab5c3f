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
