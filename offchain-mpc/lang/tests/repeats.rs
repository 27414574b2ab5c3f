//! What the compiler leaves out of a contract's circuit: a value computed twice is computed
//! once (`Circuit::without_repeats`), and a chain of products or `&&` is multiplied as a tree
//! (`Circuit::with_balanced_products`). The same results, fewer operations or rounds, and a
//! quote that counts what runs.

use enigma_lang::{
	compile,
	run::{self, Inputs, Protocol},
};
use enigma_mpc::circuit::Op;
use std::collections::BTreeMap;

/// Who is richer, published and told to each owner, and the product both ways round: written
/// as a contract author would, each expression where it is used.
const TWICE: &str = "
contract Twice {
    pub fn both(alice: private u32 @ 0, bob: private u32 @ 1) {
        output(reveal(alice > bob));
        output_to(0, alice > bob);
        output_to(1, bob < alice);
        output(reveal(alice * bob + 1));
        output_to(1, bob * alice + 1);
        output(reveal(alice == bob));
        output(reveal(bob == alice));
    }
}
";

fn given(alice: u128, bob: u128) -> Inputs {
	[("alice".to_string(), vec![alice]), ("bob".to_string(), vec![bob])].into_iter().collect()
}

#[test]
fn a_contract_computes_a_repeated_expression_once() {
	let compiled = compile(TWICE, "both", &BTreeMap::new(), 2).unwrap_or_else(|d| panic!("{}", d.render("twice", TWICE)));
	let count = |pick: fn(&Op) -> bool| compiled.circuit.gates.iter().filter(|g| pick(g)).count();
	assert_eq!(count(|g| matches!(g, Op::Lt { .. })), 1, "alice > bob and bob < alice are one comparison");
	assert_eq!(count(|g| matches!(g, Op::Eq { .. })), 1, "alice == bob and bob == alice are one");
	assert_eq!(count(|g| matches!(g, Op::Mul(..))), 1, "alice * bob and bob * alice are one product");
	assert_eq!(count(|g| matches!(g, Op::Reveal(_))), 3, "the comparison, the product and the equality, each opened once");
	for (alice, bob) in [(7u128, 3u128), (3, 7), (5, 5), (u32::MAX as u128, 0)] {
		let clear = run::plaintext(&compiled, &given(alice, bob)).unwrap();
		let values: Vec<u128> = clear.iter().map(|o| o.value).collect();
		let richer = (alice > bob) as u128;
		let same = (alice == bob) as u128;
		assert_eq!(values, vec![richer, richer, richer, alice * bob + 1, alice * bob + 1, same, same]);
		for protocol in [Protocol::SemiHonest, Protocol::Malicious] {
			let (outputs, stats) = run::mpc_with_stats(&compiled, &given(alice, bob), protocol).unwrap();
			assert_eq!(outputs, clear, "{protocol:?}");
			if protocol == Protocol::SemiHonest {
				assert_eq!(stats.rounds, compiled.circuit.cost().rounds, "the quote counts the rounds the run takes");
			}
		}
	}
}

/// An eligibility test of six conditions, written as one `&&` chain, and a product of four
/// inputs: each multiplied as a tree.
const ELIGIBLE: &str = "
contract Eligible {
    pub fn check(age: private u32 @ 0, income: private u32 @ 1, debt: private u32 @ 1, years: private u32 @ 2, a: private u32 @ 0, b: private u32 @ 2) {
        let ok = age >= 18 && age < 70 && income > 30000 && debt < 5000 && years >= 2 && income > debt;
        output(reveal(ok));
        output_to(2, a * b * a * b);
    }
}
";

#[test]
fn a_chain_of_conditions_is_multiplied_as_a_tree() {
	let compiled = compile(ELIGIBLE, "check", &BTreeMap::new(), 2).unwrap_or_else(|d| panic!("{}", d.render("eligible", ELIGIBLE)));
	let layers = compiled.circuit.layers();
	let products: Vec<u32> = compiled.circuit.gates.iter().zip(&layers).filter(|(g, _)| matches!(g, Op::Mul(..))).map(|(_, l)| *l).collect();
	assert_eq!(products.len(), 5 + 3, "five `&&` and three products");
	// The six comparisons run side by side in one layer: the five ANDs take three more, not five.
	let comparisons = compiled.circuit.gates.iter().zip(&layers).filter(|(g, _)| matches!(g, Op::Lt { .. } | Op::Le { .. })).map(|(_, l)| *l).max().unwrap();
	assert_eq!(layers[compiled.circuit.outputs[0].wire], comparisons + 3 + 1, "three layers of ANDs after the comparisons, then the opening");
	let people = |age, income, debt, years, a, b| -> Inputs {
		[("age", age), ("income", income), ("debt", debt), ("years", years), ("a", a), ("b", b)].into_iter().map(|(k, v)| (k.to_string(), vec![v])).collect()
	};
	for (age, income, debt, years, a, b) in [(30u128, 40_000u128, 100u128, 3u128, 5u128, 7u128), (17, 40_000, 100, 3, 1, 1), (30, 40_000, 6_000, 3, 0, 9), (69, 30_001, 4_999, 2, 65_535, 65_535)] {
		let ok = (age >= 18 && age < 70 && income > 30_000 && debt < 5_000 && years >= 2 && income > debt) as u128;
		let given = people(age, income, debt, years, a, b);
		let clear = run::plaintext(&compiled, &given).unwrap();
		assert_eq!(clear.iter().map(|o| o.value).collect::<Vec<_>>(), vec![ok, a * b * a * b]);
		for protocol in [Protocol::SemiHonest, Protocol::Malicious] {
			let (outputs, stats) = run::mpc_with_stats(&compiled, &given, protocol).unwrap();
			assert_eq!(outputs, clear, "{protocol:?}");
			if protocol == Protocol::SemiHonest {
				assert_eq!(stats.rounds, compiled.circuit.cost().rounds, "the quote counts the rounds the run takes");
			}
		}
	}
}
