//! Auditable runs of contracts (`--protocol auditable`): the results the other protocols give,
//! and a transcript from which anyone re-checks the run, naming what was altered.

use enigma_lang::{
	compile,
	run::{self, Inputs},
};
use enigma_mpc::audit::{AuditError, Transcript};
use std::collections::BTreeMap;

fn source(name: &str) -> String {
	let root = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| env!("CARGO_MANIFEST_DIR").to_string());
	std::fs::read_to_string(format!("{root}/../../examples/contracts/{name}.enigma")).unwrap()
}

#[test]
fn a_contract_runs_auditably_and_anyone_checks_its_transcript() {
	let compiled = compile(&source("millionaires"), "richer", &BTreeMap::new(), 2).unwrap();
	for (alice, bob) in [(5_000_000u128, 7_000_000u128), (9, 2)] {
		let given: Inputs = [("alice".to_string(), vec![alice]), ("bob".to_string(), vec![bob])].into_iter().collect();
		let clear = run::plaintext(&compiled, &given).unwrap();
		let (outputs, _, transcript) = run::mpc_audited(&compiled, &given).unwrap();
		assert_eq!(outputs, clear);
		// What `run --transcript` writes and `audit` reads.
		let read = Transcript::from_bytes(&transcript.to_bytes()).unwrap();
		assert_eq!(run::audit(&compiled, &read).unwrap(), clear, "the audit proves the published result");
		// One party's share in the last opening (the result's) altered: named, with its place.
		let mut altered = read.clone();
		let last = altered.openings.len() - 1;
		altered.openings[last][0][1].0 += enigma_mpc::field::Fr::from(1u64);
		assert_eq!(run::audit(&compiled, &altered), Err(AuditError::Opening { opening: last, value: 0, party: 1 }));
		// The transcript of another contract's run does not pass as this one's.
		let other = compile(&source("millionaires").replace("alice > bob", "alice < bob"), "richer", &BTreeMap::new(), 2).unwrap();
		assert!(matches!(run::audit(&other, &read), Err(AuditError::Malformed(_))));
	}
}
