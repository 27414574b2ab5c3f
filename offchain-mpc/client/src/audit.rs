//! `enigma task audit`: re-checks a completed dishonest-majority task from the chain and the
//! transcript its members keep, trusting neither them nor the RPC node beyond what the chain
//! proves (issue #14).
//!
//! The members ran publicly auditable SPDZ (`enigma_mpc::audit`): each committed to its shares
//! of the material and opened every value with the blind that opens its commitment. The audit
//! takes the task, its contract and its result from the chain (with storage proofs unless
//! `--trust-rpc`), compiles the contract as the members did, fetches the transcript from any
//! member and checks, in order:
//!
//! 1. **the transcript**: the triples pass their sacrifice, every opening opens the summed
//!    commitments, every broadcast is where the computation puts it
//!    ([`enigma_mpc::audit::audit`]); a failure names the opening, the value and the party;
//! 2. **that it is the task's**: its root, with the result's outputs, ledger writes, new secrets
//!    and gas, hashes to the root in the chain's result
//!    ([`enigma_chain::offchain::result_root`]), so it is the run every member voted for;
//! 3. **the result**: the public outputs and ledger writes the transcript proves are the
//!    chain's, and the new secrets are the contract's.
//!
//! What a pass proves: the chain's public result is what the contract computes on the inputs
//! the members committed to, even if every member colluded; that those inputs are the owners'
//! rests on the owners' MACs, so on one member keeping its key shares (the engine's module doc).

use crate::compute::{compile, completed_task, contract_source, parse_args, prices_of, task_view, Holder};
use codec::{Decode, Encode};
use enigma_chain::{
	offchain::{result_root, WorkerRequest, WorkerResponse, TRANSCRIPT_CHUNK},
	Chain,
};
use enigma_lang::{manifest::OutputTarget, Compiled};
use enigma_mpc::audit::{root_of, Transcript};
use enigma_p2p::{ClientNode, Multiaddr};
use enigma_runtime::Runtime;
use pallet_secret_compute::{Security, TaskResult, TaskStatus};
use sp_core::H256;
use std::path::PathBuf;

/// The largest transcript fetched: what a member keeps of all its tasks' transcripts.
const MAX_TRANSCRIPT: u64 = 512 << 20;

/// Audits `task`, with the transcript in `given` or fetched from its members through
/// `bootstrap`; writes the transcript to `save` if asked. Prints a JSON line when it passes.
pub async fn audit(ctx: &crate::Ctx, chain: &Chain, task: H256, bootstrap: Vec<Multiaddr>, given: Option<PathBuf>, save: Option<PathBuf>) -> Result<(), String> {
	let view = task_view(chain, task).await?;
	if view.status != TaskStatus::Completed {
		return Err(format!("task {task:?} is {:?}: only a completed task has a result to audit", view.status));
	}
	if view.security != Security::DishonestMajority {
		return Err(format!("task {task:?} ran with honest-majority Shamir, which keeps no transcript: only dishonest-majority tasks are auditable"));
	}
	let (view, result, holders) = completed_task(ctx, chain, task, view).await?;
	let source = contract_source(chain, view.contract).await?;
	let entry = String::from_utf8_lossy(&view.entry).to_string();
	let args = parse_args(std::str::from_utf8(&view.public_args).ok().filter(|s| !s.is_empty()))?;
	let compiled = compile(&source, &entry, &args, &prices_of(view.prices), view.created, &view.requester, view.members.len())?;
	let claimed = Claimed { task, contract: view.contract, result: &result };
	let bytes = match given {
		Some(path) => std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?,
		None => {
			if bootstrap.is_empty() {
				return Err("--bootstrap (a worker's address) is needed to fetch the transcript, or --transcript FILE".into());
			}
			let node = ClientNode::start(bootstrap, 1 << 20).await.map_err(|e| e.to_string())?;
			let fetched = fetch(&node, &holders, &claimed).await;
			node.shutdown().await;
			fetched?
		},
	};
	if let Some(path) = save {
		std::fs::write(&path, &bytes).map_err(|e| format!("{}: {e}", path.display()))?;
	}
	let audited = check(&compiled, &claimed, &bytes)?;
	println!(
		"{}",
		serde_json::json!({
			"task": format!("{task:?}"), "audit": "passed", "transcript_bytes": bytes.len(),
			"transcript_root": format!("0x{}", hex::encode(root_of(&bytes))), "result_root": format!("{:?}", result.transcript_root),
			"openings": audited.openings, "public": audited.public.iter().map(u128::to_string).collect::<Vec<_>>(),
			"ledger": audited.ledger.iter().map(|(k, v)| (format!("L[{k}]"), v.to_string())).collect::<std::collections::BTreeMap<_, _>>(),
		})
	);
	Ok(())
}

/// What the chain says a task's run produced.
pub struct Claimed<'a> {
	pub task: H256,
	pub contract: H256,
	pub result: &'a TaskResult<Runtime>,
}

impl Claimed<'_> {
	/// Whether `transcript` is the one the result was decided on.
	fn roots(&self, transcript: &[u8]) -> bool {
		let r = self.result;
		result_root(self.task, self.contract, &r.outputs, &r.ledger_writes, &r.new_secrets, r.gas_used, root_of(transcript)) == r.transcript_root
	}
}

/// What a transcript that passes proves: the public outputs and ledger writes, and how many
/// openings it checked.
#[derive(Debug, PartialEq)]
pub struct Audited {
	pub public: Vec<u128>,
	pub ledger: Vec<(u64, u128)>,
	pub openings: usize,
}

/// Checks `bytes` as the transcript of the run of `compiled` whose result the chain holds
/// (the steps in the module doc); the error says which check failed.
pub fn check(compiled: &Compiled, claimed: &Claimed, bytes: &[u8]) -> Result<Audited, String> {
	let transcript = Transcript::from_bytes(bytes).ok_or("the transcript does not decode")?;
	let outputs = enigma_lang::run::audit(compiled, &transcript).map_err(|e| format!("the transcript fails its audit: {e}"))?;
	if !claimed.roots(bytes) {
		return Err(format!("the transcript passes its audit but is not the one the chain's result commits to ({:?})", claimed.result.transcript_root));
	}
	let mut audited = Audited { public: Vec::new(), ledger: Vec::new(), openings: transcript.openings.len() };
	for output in outputs {
		match output.target {
			OutputTarget::Ledger(key) => audited.ledger.push((key, output.value)),
			_ => audited.public.push(output.value),
		}
	}
	let on_chain = Vec::<u128>::decode(&mut &claimed.result.outputs[..]).map_err(|e| format!("the chain's public outputs do not decode: {e}"))?;
	if audited.public != on_chain {
		return Err(format!("the chain's public outputs {on_chain:?} are not the transcript's {:?}", audited.public));
	}
	if audited.ledger != claimed.result.ledger_writes.to_vec() {
		return Err(format!("the chain's ledger writes {:?} are not the transcript's {:?}", claimed.result.ledger_writes.to_vec(), audited.ledger));
	}
	let mut made: Vec<u64> = compiled.manifest.outputs.iter().filter_map(|o| if let OutputTarget::Secret { key, .. } = o.target { Some(key) } else { None }).collect();
	let mut recorded: Vec<u64> = claimed.result.new_secrets.iter().map(|s| s.key).collect();
	made.sort_unstable();
	made.dedup();
	recorded.sort_unstable();
	if made != recorded {
		return Err(format!("the chain records new secrets {recorded:?}; the contract makes {made:?}"));
	}
	Ok(audited)
}

/// The transcript from the first member whose copy is the one the result commits to (a member
/// may not keep it, or hand out another); otherwise the first copy any member gave, for
/// [`check`] to say what is wrong with it.
async fn fetch(node: &ClientNode, holders: &[Holder], claimed: &Claimed<'_>) -> Result<Vec<u8>, String> {
	let mut first = None;
	let mut refusals = Vec::new();
	for (peer, _) in holders {
		match fetch_from(node, *peer, claimed.task).await {
			Ok(bytes) if claimed.roots(&bytes) => return Ok(bytes),
			Ok(bytes) => {
				refusals.push(format!("{peer}: a transcript with another root"));
				first.get_or_insert(bytes);
			},
			Err(e) => refusals.push(format!("{peer}: {e}")),
		}
	}
	for refusal in &refusals {
		eprintln!("{refusal}");
	}
	first.ok_or_else(|| format!("no member handed out the transcript of task {:?}", claimed.task))
}

/// One member's copy of the transcript, chunk by chunk, with progress.
async fn fetch_from(node: &ClientNode, peer: enigma_p2p::PeerId, task: H256) -> Result<Vec<u8>, String> {
	let mut bytes: Vec<u8> = Vec::new();
	let mut total = None;
	let bar = crate::progress::bar(0, "fetching the transcript");
	loop {
		let request = WorkerRequest::Transcript { task, from: bytes.len() as u64 }.encode();
		let answer = node.app_request(peer, request).await.map_err(|e| e.to_string())?;
		let (size, chunk) = match WorkerResponse::decode(&mut &answer[..]) {
			Ok(WorkerResponse::Transcript { total, chunk }) => (total, chunk),
			Ok(WorkerResponse::Refused(reason)) => return Err(reason),
			_ => return Err("a malformed answer".into()),
		};
		if size > MAX_TRANSCRIPT || total.is_some_and(|t| t != size) || chunk.len() > TRANSCRIPT_CHUNK || (chunk.is_empty() && (bytes.len() as u64) < size) {
			return Err("a transcript answer out of bounds".into());
		}
		total = Some(size);
		bar.set_length(size);
		bytes.extend_from_slice(&chunk);
		bar.set_position(bytes.len() as u64);
		if bytes.len() as u64 >= size {
			bar.finish_and_clear();
			return (bytes.len() as u64 == size).then_some(bytes).ok_or_else(|| "more transcript than its size".into());
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use enigma_lang::run::{self, Inputs};

	/// The millionaires' contract, run auditably on (alice, bob), and the result a committee
	/// would put on chain for that run.
	fn ran(alice: u128, bob: u128) -> (Compiled, Vec<u8>, TaskResult<Runtime>) {
		let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/contracts/millionaires.enigma")).unwrap();
		let compiled = enigma_lang::compile(&source, "richer", &Default::default(), 2).unwrap();
		let given: Inputs = [("alice".to_string(), vec![alice]), ("bob".to_string(), vec![bob])].into_iter().collect();
		let (outputs, _, transcript) = run::mpc_audited(&compiled, &given).unwrap();
		let public: Vec<u128> = outputs.iter().map(|o| o.value).collect();
		let bytes = transcript.to_bytes();
		let result = result_for(&public, &bytes);
		(compiled, bytes, result)
	}

	const TASK: H256 = H256::repeat_byte(1);
	const CONTRACT: H256 = H256::repeat_byte(2);

	fn result_for(public: &[u128], transcript: &[u8]) -> TaskResult<Runtime> {
		let outputs = public.to_vec().encode();
		TaskResult {
			transcript_root: result_root(TASK, CONTRACT, &outputs, &[], &[], 7, root_of(transcript)),
			outputs: outputs.try_into().unwrap(),
			new_secrets: Default::default(),
			ledger_writes: Default::default(),
			gas_used: 7,
		}
	}

	/// Issue #14: `enigma task audit` passes a good task and, on a transcript with one value
	/// altered, fails naming the check; a transcript of another run, or a result that says other
	/// than its transcript proves, is refused too.
	#[test]
	fn the_audit_passes_the_tasks_transcript_and_names_what_is_wrong_with_any_other() {
		let (compiled, bytes, result) = ran(9, 2);
		let claimed = Claimed { task: TASK, contract: CONTRACT, result: &result };
		let audited = check(&compiled, &claimed, &bytes).unwrap();
		assert_eq!(audited.public, vec![1], "alice is richer");
		assert!(audited.openings > 0);

		// One member's share in the last opening (the result's) altered.
		let mut altered = Transcript::from_bytes(&bytes).unwrap();
		let last = altered.openings.len() - 1;
		altered.openings[last][0][1].0 += enigma_mpc::field::Fr::from(1u64);
		let failed = check(&compiled, &claimed, &altered.to_bytes()).unwrap_err();
		assert!(failed.contains(&format!("opening #{last}, value 0: party 1's share and blind do not open its commitment")), "{failed}");

		// A sound transcript of another run (bob richer): not the one the result commits to.
		let (_, other, _) = ran(2, 9);
		let failed = check(&compiled, &claimed, &other).unwrap_err();
		assert!(failed.contains("not the one the chain's result commits to"), "{failed}");

		// A result that commits to this transcript but publishes another outcome.
		let forged = result_for(&[0], &bytes);
		let failed = check(&compiled, &Claimed { task: TASK, contract: CONTRACT, result: &forged }, &bytes).unwrap_err();
		assert!(failed.contains("public outputs [0] are not the transcript's [1]"), "{failed}");

		// The same transcript claimed for another task: its root does not match.
		let failed = check(&compiled, &Claimed { task: H256::repeat_byte(9), contract: CONTRACT, result: &result }, &bytes).unwrap_err();
		assert!(failed.contains("not the one"), "{failed}");

		// Bytes that are not a transcript.
		assert_eq!(check(&compiled, &claimed, &bytes[..bytes.len() - 1]).unwrap_err(), "the transcript does not decode");
	}
}
