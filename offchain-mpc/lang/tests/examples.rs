//! Every example contract runs in the clear and as an MPC with the same, known results.

use enigma_lang::{
	compile, compile_for, compile_with,
	run::{self, Inputs, Protocol},
	ChainFacts, Prices, PublicArg,
};
use enigma_mpc::circuit::Op;
use std::collections::BTreeMap;

fn source(name: &str) -> String {
	// The directory cargo runs the test from, not the one it was built in: a build shared
	// between checkouts (one target directory) may run a binary another checkout compiled.
	let root = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string());
	let path = format!("{root}/../../examples/contracts/{name}.enigma");
	std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn inputs(pairs: &[(&str, &[u128])]) -> Inputs {
	pairs.iter().map(|(k, v)| (k.to_string(), v.to_vec())).collect()
}

fn public(pairs: &[(&str, u128)]) -> BTreeMap<String, PublicArg> {
	pairs.iter().map(|(k, v)| (k.to_string(), PublicArg::Int(*v))).collect()
}

/// Compile, run both ways, check they agree, and return the values in output order.
fn run_both(contract: &str, entry: &str, public_args: &[(&str, u128)], given: &[(&str, &[u128])], protocol: Protocol) -> Vec<u128> {
	run_both_at(None, contract, entry, public_args, given, protocol)
}

/// [`run_both`] for a task created at block `block` (what `now()` returns).
fn run_both_at(block: Option<u64>, contract: &str, entry: &str, public_args: &[(&str, u128)], given: &[(&str, &[u128])], protocol: Protocol) -> Vec<u128> {
	let facts = block.map(|block| ChainFacts { block, submitter: 0, ..Default::default() });
	let compiled = compile_with(&source(contract), entry, &public(public_args), 2, facts, &Prices::default())
		.unwrap_or_else(|d| panic!("{}", d.render(contract, &source(contract))));
	let clear = run::plaintext(&compiled, &inputs(given)).unwrap();
	let mpc = run::mpc(&compiled, &inputs(given), protocol).unwrap();
	assert_eq!(clear, mpc, "plaintext and MPC disagree for {contract}::{entry}");
	// Every example runs over SPDZ too, on preprocessing the parties make themselves.
	let spdz = run::mpc(&compiled, &inputs(given), Protocol::Spdz).unwrap();
	assert_eq!(clear, spdz, "plaintext and SPDZ disagree for {contract}::{entry}");
	clear.into_iter().map(|o| o.value).collect()
}

#[test]
fn salary_average_and_private_ranks() {
	let salaries: &[u128] = &[50_000, 72_000, 61_000, 45_000, 90_000];
	let out = run_both("salary", "survey", &[], &[("salaries", salaries)], Protocol::SemiHonest);
	// Average, then each person's rank (1 = highest), each delivered only to that person.
	assert_eq!(out, vec![63_600, 4, 2, 3, 5, 1]);
}

#[test]
fn millionaires() {
	assert_eq!(run_both("millionaires", "richer", &[], &[("alice", &[3_000_000]), ("bob", &[2_999_999])], Protocol::Malicious), vec![1]);
	assert_eq!(run_both("millionaires", "richer", &[], &[("alice", &[5]), ("bob", &[5])], Protocol::Malicious), vec![0]);
}

/// Issue #17: the millionaires' problem in at most 10 rounds (semi-honest, measured at party 0
/// of a 3-party run), exactly what the gas quote counts; the malicious run is only measured.
#[test]
fn millionaires_takes_ten_rounds() {
	let compiled = compile(&source("millionaires"), "richer", &BTreeMap::new(), 3).unwrap_or_else(|d| panic!("{}", d.message));
	let given = inputs(&[("alice", &[5_000_000]), ("bob", &[7_000_000])]);
	let (out, stats) = run::mpc_with_stats(&compiled, &given, Protocol::SemiHonest).unwrap();
	assert_eq!(out[0].value, 0);
	assert_eq!(stats.rounds, compiled.circuit.cost().rounds, "the quote counts the rounds the run takes");
	assert!(stats.rounds <= 10, "{} rounds", stats.rounds);
	let (out, malicious) = run::mpc_with_stats(&compiled, &given, Protocol::Malicious).unwrap();
	assert_eq!(out[0].value, 0);
	assert!(malicious.rounds > stats.rounds);
}

#[test]
fn voting_reveals_tallies_or_only_the_winner_after_the_deadline() {
	let votes: &[u128] = &[2, 0, 2, 1, 2];
	assert_eq!(run_both_at(Some(120), "voting", "tally", &[], &[("votes", votes)], Protocol::SemiHonest), vec![1, 1, 3]);
	assert_eq!(run_both_at(Some(100), "voting", "winner", &[], &[("votes", votes)], Protocol::SemiHonest), vec![2]);
	// Before the deadline block the contract does not even compile into a circuit, and the clock
	// is the chain's: there is no argument to pass another one.
	let facts = |block| Some(ChainFacts { block, submitter: 0, ..Default::default() });
	let early = compile_with(&source("voting"), "tally", &BTreeMap::new(), 2, facts(99), &Prices::default()).unwrap_err();
	assert!(early.message.contains("requirement fails"), "{}", early.message);
	let forged = compile_with(&source("voting"), "tally", &public(&[("now", 120)]), 2, facts(99), &Prices::default()).unwrap_err();
	assert!(forged.message.contains("requirement fails"), "{}", forged.message);
	let unknown = compile(&source("voting"), "tally", &BTreeMap::new(), 2).unwrap_err();
	assert!(unknown.message.contains("`now()` is a fact of the task on chain"), "{}", unknown.message);
}

#[test]
fn ballot_publishes_counts_and_hands_each_voter_a_receipt() {
	let out = run_both("ballot", "tally", &[], &[("votes", &[2, 0, 2])], Protocol::Malicious);
	// The counts of candidates 0, 1 and 2, then each voter's own ballot (to that voter only).
	assert_eq!(out, vec![1, 0, 2, 2, 0, 2]);
}

#[test]
fn savings_pot_carries_a_secret_between_tasks() {
	// `open` keeps the first deposit as MPC[1] and counts it in L[0].
	assert_eq!(run_both("savings", "open", &[], &[("first", &[250])], Protocol::Malicious), vec![250, 1]);
	// `deposit` reads MPC[1] and L[0] as inputs and writes both back, plus a public flag.
	let out = run_both("savings", "deposit", &[], &[("amount", &[40]), ("MPC[1]", &[250]), ("L[0]@4294967295", &[1])], Protocol::Malicious);
	assert_eq!(out, vec![290, 2, 0]);
	// The pot is recorded as a u64 (so the next deposit can read it as MPC[1]) and belongs to
	// party 0, whose input MPC[1] is: the depositor (party 1) does not become its owner.
	let compiled = compile(&source("savings"), "deposit", &BTreeMap::new(), 2).unwrap();
	let pot = compiled.manifest.outputs.iter().find(|o| o.name == "MPC[1]").unwrap();
	assert_eq!(pot.target, enigma_lang::manifest::OutputTarget::Secret { key: 1, owner: 0, bits: Some(64) });
	let full = run_both("savings", "deposit", &[], &[("amount", &[40]), ("MPC[1]", &[u64::MAX as u128 - 10]), ("L[0]@4294967295", &[1])], Protocol::Malicious);
	assert_eq!(full[0], u64::MAX as u128);
}

#[test]
fn sealed_bid_auction() {
	let bids: &[u128] = &[310, 450, 449, 450];
	assert_eq!(run_both("auction", "sealed_bid", &[], &[("bids", bids)], Protocol::Malicious), vec![1, 450]);
}

/// Issue #17: `max`, `argmax`, `min` and `argmin` of an array play a balanced tournament, and
/// `max` and `argmax` of the same array share it: the auction of four compares in two layers and
/// three comparisons, where its running maximum took four of each in a row.
#[test]
fn reductions_are_balanced_tournaments() {
	let auction = compile(&source("auction"), "sealed_bid", &BTreeMap::new(), 4).unwrap();
	assert_eq!(auction.circuit.comparison_layers(), 2);
	assert_eq!(auction.circuit.gates.iter().filter(|g| matches!(g, Op::Lt { .. })).count(), 3);
	let running = "contract R { pub fn f(bids: private [u32; 4] @ each) {
		let mut best: private u32 = 0; let mut winner: private u8 = 0;
		for i in 0..4 { if bids[i] > best { best = bids[i]; winner = i; } }
		output(reveal(winner)); output(reveal(best)); } }";
	let running = compile(running, "f", &BTreeMap::new(), 4).unwrap();
	assert_eq!(running.circuit.comparison_layers(), 4);
	assert!(auction.circuit.cost().rounds < running.circuit.cost().rounds);

	// Ties go to the lowest index, as with a running maximum; an odd count waits a round.
	let source = "contract M { pub fn f(xs: private [u32; 5] @ 0) {
		output(reveal(argmin(xs))); output(reveal(min(xs))); output(reveal(argmax(xs))); output(reveal(max(xs))); } }";
	let compiled = compile(source, "f", &BTreeMap::new(), 2).unwrap();
	assert_eq!(compiled.circuit.comparison_layers(), 3);
	for xs in [[7u128, 3, 9, 3, 9], [5, 5, 5, 5, 5], [0, 1, 2, 3, 4], [4, 3, 2, 1, 0]] {
		let (lo, hi) = (*xs.iter().min().unwrap(), *xs.iter().max().unwrap());
		let first = |v: u128| xs.iter().position(|x| *x == v).unwrap() as u128;
		let clear = run::plaintext(&compiled, &inputs(&[("xs", &xs[..])])).unwrap();
		assert_eq!(clear.iter().map(|o| o.value).collect::<Vec<_>>(), vec![first(lo), lo, first(hi), hi], "{xs:?}");
		assert_eq!(run::mpc(&compiled, &inputs(&[("xs", &xs[..])]), Protocol::SemiHonest).unwrap(), clear);
	}
	// Of public values (revealed ones), the winner and its index are public, as max(a, b) is.
	let public = "contract P { pub fn f(xs: private [u32; 3] @ 0) {
		let ys = [reveal(xs[0]), reveal(xs[1]), reveal(xs[2])]; output(max(ys)); output(argmax(ys)); output(max(ys[0], ys[1])); } }";
	let public = compile(public, "f", &BTreeMap::new(), 2).unwrap();
	let clear = run::plaintext(&public, &inputs(&[("xs", &[4, 9, 2][..])])).unwrap();
	assert_eq!(clear.iter().map(|o| o.value).collect::<Vec<_>>(), vec![9, 1, 9]);
	let scalar = compile("contract E { pub fn f(x: private u32 @ 0) { output(reveal(max(x))); } }", "f", &BTreeMap::new(), 2).unwrap_err();
	assert!(scalar.message.contains("takes a non-empty array"), "{}", scalar.message);
}

#[test]
fn data_marketplace_query() {
	let ages: &[u128] = &[25, 41, 37, 62];
	let incomes: &[u128] = &[30_000, 85_000, 52_000, 40_000];
	let out = run_both("marketplace", "query", &[], &[("ages", ages), ("incomes", incomes), ("min_age", &[37])], Protocol::SemiHonest);
	assert_eq!(out, vec![3, 177_000]);
}

#[test]
fn n_factor_authentication() {
	let template: &[u128] = &[120, 64, 200, 18];
	let close: &[u128] = &[118, 66, 199, 18];
	let far: &[u128] = &[100, 64, 230, 18];
	let t = [("threshold", 20u128)];
	assert_eq!(run_both("auth", "matches", &t, &[("template", template), ("probe", close)], Protocol::Malicious), vec![1]);
	assert_eq!(run_both("auth", "matches", &t, &[("template", template), ("probe", far)], Protocol::Malicious), vec![0]);
}

#[test]
fn outputs_reach_only_their_recipients_in_the_manifest() {
	let compiled = compile(&source("salary"), "survey", &BTreeMap::new(), 2).unwrap();
	use enigma_lang::manifest::OutputTarget;
	let targets: Vec<OutputTarget> = compiled.manifest.outputs.iter().map(|o| o.target.clone()).collect();
	assert_eq!(targets[0], OutputTarget::Everyone);
	assert_eq!(&targets[1..], &(0..5).map(OutputTarget::Party).collect::<Vec<_>>()[..]);
	assert_eq!(compiled.manifest.inputs.len(), 5);
}

/// A running sum of 100 u32 values stays within 39 bits (the compiler tracks value bounds, not
/// just a bit per addition), so dividing it is allowed and sized to 39 bits.
#[test]
fn a_long_running_sum_keeps_a_tight_bound() {
	let source = "contract Average100 {
    pub fn average(xs: private [u32; 100] @ 0) {
        let mut total: private u64 = 0;
        for i in 0..100 {
            total = total + xs[i];
        }
        output(reveal(total / 100));
    }
}";
	let compiled = compile(source, "average", &BTreeMap::new(), 1).unwrap_or_else(|d| panic!("{}", d.render("average", source)));
	let division = compiled.circuit.gates.iter().find_map(|g| match g {
		enigma_mpc::circuit::Op::DivConst { bits, .. } => Some(*bits),
		_ => None,
	});
	assert_eq!(division, Some(39));
	let values: Vec<u128> = (0..100).map(|i| 4_000_000_000 - i * 7).collect();
	let out = run::plaintext(&compiled, &inputs(&[("xs", &values)])).unwrap();
	assert_eq!(out[0].value, values.iter().sum::<u128>() / 100);
}

/// Committee members compile a contract independently and batch its gates in order, so every
/// compilation must give the same circuit, gate for gate. (Merging the variables of two private
/// branches used to follow a hash map's order, which differs from one map to the next: in the
/// auction, `best` and `winner` were selected in either order, the members' batches no longer
/// lined up, and honest runs aborted with inconsistent shares.)
#[test]
fn every_compilation_of_a_contract_gives_the_same_circuit() {
	let entries: &[(&str, &str, &[(&str, u128)])] = &[
		("auction", "sealed_bid", &[]),
		("marketplace", "query", &[]),
		("voting", "winner", &[]),
		("voting", "tally", &[]),
		("salary", "survey", &[]),
		("savings", "deposit", &[]),
		("auth", "matches", &[("threshold", 20)]),
		("millionaires", "richer", &[]),
	];
	let facts = Some(ChainFacts { block: 500, submitter: 7, ..Default::default() });
	for (contract, entry, args) in entries {
		let first = compile_with(&source(contract), entry, &public(args), 1, facts.clone(), &Prices::default()).unwrap();
		for _ in 0..32 {
			let again = compile_with(&source(contract), entry, &public(args), 1, facts.clone(), &Prices::default()).unwrap();
			assert_eq!(again.circuit.digest(), first.circuit.digest(), "{contract}::{entry} compiled to another circuit");
		}
	}
}

/// A task's gas depends on its committee: t + 1 members deal each random bit, so a committee of
/// 5 to 7 (t = 2, 3) pays one more dealing round and one more multiplication per bit than one of
/// 3 or 4 (t = 1), and a committee of 2 (t = 0, one dealer) pays no XOR at all. (A comparison
/// of two inputs takes no random bits: it runs on their bits.)
#[test]
fn the_quote_follows_the_committee_size() {
	let prices = Prices::default();
	let over = "contract Over {\n    pub fn over(alice: private u32 @ 0, bob: private u32 @ 1) {\n        output(reveal(alice + bob > bob));\n    }\n}\n";
	let gas = |committee| compile_for(over, "over", &BTreeMap::new(), 2, None, &prices, committee).unwrap().manifest.gas.unwrap();
	let (three, four, five, seven) = (gas(3), gas(4), gas(5), gas(7));
	assert_eq!(three.total, four.total);
	assert_eq!(three.bits, 33 + 1 + 40, "a 33-bit comparison's mask");
	assert_eq!((five.rounds, five.muls), (three.rounds + 1, three.muls + three.bits));
	assert_eq!(five.total, three.total + prices.round + three.bits as u128 * prices.mul);
	assert_eq!((seven.rounds, seven.muls), (five.rounds, five.muls + three.bits));
	let two = gas(2);
	assert_eq!((two.rounds, two.muls), (three.rounds - 1, three.muls - three.bits));
	assert_eq!(compile_with(over, "over", &BTreeMap::new(), 2, None, &prices).unwrap().manifest.gas.unwrap().total, three.total);
	// The millionaires compare their inputs: on the bits they shared, whatever the committee.
	let richer = |committee| compile_for(&source("millionaires"), "richer", &BTreeMap::new(), 2, None, &prices, committee).unwrap().manifest.gas.unwrap();
	assert_eq!((richer(2).bits, richer(3).total, richer(5).total), (0, richer(2).total, richer(2).total));
}

#[test]
fn a_contract_states_the_security_it_needs() {
	use enigma_lang::manifest::Security;
	let millionaires = |header: &str| format!("contract Millionaires{header} {{\n    pub fn richer(alice: private u64 @ 0, bob: private u64 @ 1) {{\n        output(reveal(alice > bob));\n    }}\n}}\n");
	let security = |header: &str| compile(&millionaires(header), "richer", &BTreeMap::new(), 2).map(|c| c.manifest.security);
	assert_eq!(security("").unwrap(), Security::HonestMajority, "honest majority unless it says otherwise");
	assert_eq!(security(": honest_majority").unwrap(), Security::HonestMajority);
	let compiled = compile(&millionaires(": dishonest_majority"), "richer", &BTreeMap::new(), 2).unwrap();
	assert_eq!(compiled.manifest.security, Security::DishonestMajority);
	assert!(serde_json::to_string(&compiled.manifest).unwrap().contains("\"security\":\"dishonest_majority\""));
	let given = inputs(&[("alice", &[3_000_000]), ("bob", &[2_999_999])]);
	assert_eq!(run::mpc(&compiled, &given, Protocol::Spdz).unwrap()[0].value, 1);
	// Its quote prices the preprocessing the members make for it.
	let honest = compile(&millionaires(""), "richer", &BTreeMap::new(), 2).unwrap().manifest.gas.unwrap();
	let dishonest = compiled.manifest.gas.unwrap();
	assert_eq!(honest.triples, 0);
	assert_eq!(dishonest.private_outputs, 0);
	assert_eq!(dishonest.triples, 2 * (dishonest.muls + 2 * dishonest.bits + dishonest.inputs), "half of them sacrificed");
	assert_eq!(dishonest.total - honest.total, dishonest.triples as u128 * Prices::default().mul * enigma_lang::manifest::TRIPLE_PRICE);
	let unknown = security(": fair").unwrap_err();
	assert!(unknown.message.contains("unknown security `fair`"), "{}", unknown.message);

	// A secret kept for later tasks is a private output for the committee; under a dishonest
	// majority twice, each with its check: one its owner sees, one the tasks that read it check.
	let keeps = "contract Pot: dishonest_majority {\n    pub fn keep(x: private u32 @ 0) {\n        MPC.set(1, x, 0);\n    }\n}\n";
	let kept = compile(keeps, "keep", &BTreeMap::new(), 1).unwrap();
	let targets: Vec<_> = kept.manifest.outputs.iter().map(|o| o.target.clone()).collect();
	use enigma_lang::manifest::OutputTarget;
	assert_eq!(targets, vec![OutputTarget::Secret { key: 1, owner: 0, bits: Some(32) }, OutputTarget::Mac(1)]);
	assert_eq!(kept.circuit.outputs[0].wire, kept.circuit.outputs[1].wire);
	// Its quote prices both checks: each a random key and two products (two triples).
	let gas = kept.manifest.gas.unwrap();
	assert_eq!(gas.private_outputs, 2);
	assert_eq!(gas.triples, 2 * (gas.muls + 2 * gas.bits + gas.inputs + 2 * 2));
	let honest = compile(&keeps.replace(": dishonest_majority", ""), "keep", &BTreeMap::new(), 1).unwrap();
	assert_eq!(honest.manifest.outputs.len(), 1);
	assert_eq!(honest.manifest.gas.unwrap().triples, 0);
}

/// A dishonest-majority run takes no input without its owner's MAC, so a task's members compile
/// the ledger values its contract reads in as constants (`ChainFacts::ledger`, read from the
/// chain): the circuit's digest, which they agree on and an auditor recompiles, binds them.
/// Without the values the compiler names the reads to make.
#[test]
fn a_ledger_value_is_a_constant_of_the_circuit_once_the_chain_gives_it() {
	let source = "contract Count: dishonest_majority {\n    pub fn bump(x: private u64 @ 0) {\n        L[0] = L.get(0, 4294967295) + 1;\n        output(reveal(x >= L.get(1, 7)));\n    }\n}\n";
	let compiled = |ledger: Option<&[((u64, u64), u128)]>| {
		let facts = ChainFacts { block: 10, submitter: 0, ledger: ledger.map(|values| values.iter().copied().collect()) };
		compile_with(source, "bump", &BTreeMap::new(), 2, Some(facts), &Prices::default())
	};
	let unread = compiled(None).unwrap();
	assert_eq!(unread.manifest.ledger_reads(), vec![(0, 4_294_967_295), (1, 7)]);
	let read = compiled(Some(&[((0, 4_294_967_295), 41), ((1, 7), 100)])).unwrap();
	assert!(read.manifest.ledger_reads().is_empty(), "no ledger input left");
	assert_eq!(read.circuit.inputs_per_party, vec![1, 0], "x alone");
	// A requester's client quotes the task before its block exists, with the reads as inputs:
	// the members' quote, with constants, is no higher than the gas limit it sets.
	assert!(read.manifest.gas.unwrap().total <= unread.manifest.gas.unwrap().total);
	for (x, above) in [(150, 1), (99, 0)] {
		let given = inputs(&[("x", &[x])]);
		let values = |protocol| run::mpc(&read, &given, protocol).unwrap().into_iter().map(|o| o.value).collect::<Vec<_>>();
		assert_eq!(values(Protocol::Auditable), vec![42, above], "L[0] = 41 + 1, then x >= 100");
		assert_eq!(run::plaintext(&read, &given).unwrap().into_iter().map(|o| o.value).collect::<Vec<_>>(), vec![42, above]);
	}
	// Another value read, another circuit: members that read different values disagree before
	// the run, and an auditor that reads the chain's value checks the run against it.
	let other = compiled(Some(&[((0, 4_294_967_295), 41), ((1, 7), 101)])).unwrap();
	assert_ne!(other.circuit.digest(), read.circuit.digest());
	// A value the chain did not give is an error, not a zero; so is one wider than L.get reads.
	let missing = compiled(Some(&[((0, 4_294_967_295), 41)])).unwrap_err();
	assert!(missing.message.contains("L[1]@7 was not read from the chain"), "{}", missing.message);
	let wide = compiled(Some(&[((0, 4_294_967_295), 1 << 64), ((1, 7), 100)])).unwrap_err();
	assert!(wide.message.contains("wider than the 64 bits"), "{}", wide.message);
}
