//! Adaptive circuits (whitepaper 5.4): `shrink(k)` hands the rest of a run to k members.

use enigma_lang::{
	compile, compile_for, compile_task,
	run::{self, Inputs, Protocol},
	ChainFacts, Prices,
};
use std::collections::BTreeMap;

/// Five incomes summed by the five members; the average and the threshold test, on the sum
/// alone, by three of them.
const CENSUS: &str = "
contract Census {
    pub fn survey(incomes: private [u32; 5] @ each) {
        let mut total: private u64 = 0;
        for i in 0..5 {
            total = total + incomes[i];
        }
        shrink(3);
        output(reveal(total / 5));
        output_to(4, total > 250000);
        output_to(1, total / 1000);
    }
}
";

fn incomes(values: &[u128]) -> Inputs {
	[("incomes".to_string(), values.to_vec())].into_iter().collect()
}

#[test]
fn a_contract_that_shrinks_computes_what_it_would_whole() {
	let compiled = compile(CENSUS, "survey", &BTreeMap::new(), 2).unwrap_or_else(|d| panic!("{}", d.render("census", CENSUS)));
	assert!(compiled.circuit.shrink.is_some());
	for given in [[50_000u128, 72_000, 61_000, 45_000, 90_000], [1, 2, 3, 4, 5]] {
		let clear = run::plaintext(&compiled, &incomes(&given)).unwrap();
		let total: u128 = given.iter().sum();
		assert_eq!(clear.iter().map(|o| o.value).collect::<Vec<_>>(), vec![total / 5, (total > 250_000) as u128, total / 1000]);
		for protocol in [Protocol::SemiHonest, Protocol::Malicious] {
			assert_eq!(run::mpc(&compiled, &incomes(&given), protocol).unwrap(), clear, "{protocol:?}");
		}
	}
}

#[test]
fn a_shrunk_run_is_priced_as_it_runs() {
	// Public outputs, which reach the members that left the same way in enigma-lang's run and
	// a committee's (private ones go back to the committee there: `adaptive::cost`).
	let public_only = CENSUS.replace("output_to(4, total > 250000);", "").replace("output_to(1, total / 1000);", "");
	let compiled = compile(&public_only, "survey", &BTreeMap::new(), 2).unwrap();
	let (_, stats) = run::mpc_with_stats(&compiled, &incomes(&[1, 2, 3, 4, 5]), Protocol::SemiHonest).unwrap();
	let cost = compiled.circuit.cost_for(5);
	assert_eq!(stats.rounds, cost.rounds, "party 0 takes the rounds the quote counts");
	let at = |members| compile_for(&public_only, "survey", &BTreeMap::new(), 2, None, &Prices::default(), members).unwrap().manifest.gas.unwrap().total;
	// Five members hand over (more rounds in all); three run it whole.
	assert_ne!(at(5), at(3));
	assert_eq!(compiled.circuit.cost_for(3), compiled.circuit.cost_at(1));
}

#[test]
fn committees_shrink_tasks_and_shrink_is_checked() {
	let facts = ChainFacts { block: 1, submitter: 0, ..Default::default() };
	let task = compile_task(CENSUS, "survey", &BTreeMap::new(), facts.clone(), &Prices::default(), 5).unwrap();
	assert!(task.circuit.shrinks(5).is_some());
	let whole = compile_task(CENSUS, "survey", &BTreeMap::new(), facts, &Prices::default(), 3).unwrap();
	assert_ne!(task.manifest.gas.unwrap().total, whole.manifest.gas.unwrap().total, "three members run it whole");
	let spdz = CENSUS.replace("contract Census {", "contract Census: dishonest_majority {");
	assert!(compile(&spdz, "survey", &BTreeMap::new(), 2).unwrap_err().message.contains("dishonest-majority"));
	for (bad, why) in [("shrink(2);", "3 members or more"), ("shrink(3); shrink(3);", "once"), ("if incomes[0] > 5 { shrink(3); }", "private condition"),
		("shrink(3); output(reveal(incomes[2]));", "an input is used after"),
		("shrink(3); output(reveal(MPC[7]));", "an input read after")
	] {
		let source = CENSUS.replace("shrink(3);", bad);
		let e = compile(&source, "survey", &BTreeMap::new(), 2).unwrap_err();
		assert!(e.message.contains(why) || e.notes.iter().any(|n| n.contains(why)), "{bad}: {}", e.message);
	}
}

#[test]
fn the_census_example_shrinks_nine_members_to_three() {
	let root = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string());
	let source = std::fs::read_to_string(format!("{root}/../../examples/contracts/census.enigma")).unwrap();
	let compiled = compile(&source, "survey", &BTreeMap::new(), 2).unwrap_or_else(|d| panic!("{}", d.render("census", &source)));
	let given = [120_000u128, 90_000, 45_000, 300_000, 62_000, 81_000, 150_000, 99_000, 70_000];
	let clear = run::plaintext(&compiled, &incomes(&given)).unwrap();
	assert_eq!(clear.iter().map(|o| o.value).collect::<Vec<_>>(), vec![10, 113_000]);
	assert_eq!(run::mpc(&compiled, &incomes(&given), Protocol::Malicious).unwrap(), clear);
	assert!(run::mpc(&compiled, &incomes(&given), Protocol::Spdz).unwrap_err().contains("honest-majority"));
}
