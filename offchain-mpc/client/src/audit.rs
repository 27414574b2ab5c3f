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
//! 3. **the result**: the run is one on inputs the committee held (with the owners' MAC check)
//!    by as many parties as the committee has members; the public outputs and ledger writes the
//!    transcript proves are the chain's, the gas is the contract's quote, and the new secrets
//!    are the contract's.
//!
//! A fetched copy whose root is not the result's is passed over before anything heavier is done
//! with it; a copy given with `--transcript` is audited first, so that an altered one says
//! what was altered.
//!
//! What a pass proves: the chain's public result is what the contract computes on the inputs
//! the members committed to, even if every member colluded; that those inputs are the owners'
//! rests on the owners' MACs, so on one member keeping its key shares (the engine's module doc).

use crate::compute::{compiled_task, completed_task, task_view, Holder};
use codec::{Decode, Encode};
use enigma_chain::{
	offchain::{result_root, WorkerRequest, WorkerResponse, TRANSCRIPT_CHUNK},
	Chain,
};
use enigma_lang::{manifest::OutputTarget, Compiled};
use enigma_mpc::audit::{max_transcript_len, root_of, Transcript};
use enigma_p2p::{ClientNode, Multiaddr};
use enigma_runtime::Runtime;
use pallet_secret_compute::{TaskResult, TaskStatus};
use sp_core::H256;
use std::path::PathBuf;

/// The largest transcript fetched, whatever the task: what a member keeps of all its tasks'
/// transcripts.
const MAX_TRANSCRIPT: u64 = 512 << 20;

/// Audits `task`, with the transcript in `given` or fetched from its members through
/// `bootstrap`; writes the transcript to `save` if asked. Prints a JSON line when it passes.
pub async fn audit(ctx: &crate::Ctx, chain: &Chain, task: H256, bootstrap: Vec<Multiaddr>, given: Option<PathBuf>, save: Option<PathBuf>) -> Result<(), String> {
	let view = task_view(chain, task).await?;
	if view.status != TaskStatus::Completed {
		return Err(format!("task {task:?} is {:?}: only a completed task has a result to audit", view.status));
	}
	let (view, result, holders) = completed_task(ctx, chain, task, view).await?;
	let compiled = compiled_task(ctx, chain, &view).await?;
	// (Read from the contract's own header, which its hash proves, not from the node's word.)
	if compiled.manifest.security != enigma_lang::manifest::Security::DishonestMajority {
		return Err(format!("task {task:?} ran with honest-majority Shamir, which keeps no transcript: only dishonest-majority tasks are auditable"));
	}
	let claimed = Claimed { task, contract: view.contract, members: view.members.len(), result: &result };
	let bytes = match given {
		Some(path) => std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?,
		None => {
			if bootstrap.is_empty() {
				return Err("--bootstrap (a worker's address) is needed to fetch the transcript, or --transcript FILE".into());
			}
			let node = ClientNode::start(bootstrap, 1 << 20).await.map_err(|e| e.to_string())?;
			let most = max_transcript_len(&compiled.circuit, claimed.members).min(MAX_TRANSCRIPT);
			let fetched = fetch(&node, &holders, &claimed, most).await;
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

/// What the chain says a task's run produced, and by how many members.
pub struct Claimed<'a> {
	pub task: H256,
	pub contract: H256,
	pub members: usize,
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
	let most = max_transcript_len(&compiled.circuit, claimed.members);
	if bytes.len() as u64 > most {
		return Err(format!("the transcript takes {} bytes, more than a run of this task by {} members can ({most})", bytes.len(), claimed.members));
	}
	let transcript = Transcript::from_bytes(bytes).ok_or("the transcript does not decode")?;
	// A run on fresh inputs, or by another number of parties, proves nothing about the inputs
	// the committee held: it skipped their owners' MAC check. (Read before the replay: cheap.)
	if transcript.held.is_none() || transcript.parties != claimed.members {
		return Err(format!("the transcript is of a run by {} parties on {} inputs, not the committee's {} members on the inputs they held", transcript.parties, if transcript.held.is_some() { "held" } else { "fresh" }, claimed.members));
	}
	let outputs = enigma_lang::run::audit(compiled, &transcript).map_err(|e| format!("the transcript fails its audit: {e}"))?;
	if !claimed.roots(bytes) {
		return Err(format!("the transcript passes its audit but is not the one the chain's result commits to ({:?})", claimed.result.transcript_root));
	}
	let quote = compiled.manifest.gas.as_ref().map_or(0, |g| g.total);
	if claimed.result.gas_used != quote {
		return Err(format!("the chain's result charges {} gas; the contract's quote is {quote}", claimed.result.gas_used));
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
/// may not keep it, hand out another, or stall: see [`fetch_from`]). No copy of more than `most`
/// bytes is taken: what a run of the task can make ([`max_transcript_len`]), so a member cannot
/// have the client buffer more before the root is compared.
async fn fetch(node: &ClientNode, holders: &[Holder], claimed: &Claimed<'_>, most: u64) -> Result<Vec<u8>, String> {
	let mut refusals = Vec::new();
	for (peer, _) in holders {
		match fetch_from(node, *peer, claimed.task, most).await {
			Ok(bytes) if claimed.roots(&bytes) => return Ok(bytes),
			Ok(_) => refusals.push(format!("{peer}: a transcript that is not the one the chain's result commits to")),
			Err(e) => refusals.push(format!("{peer}: {e}")),
		}
	}
	Err(format!("no member handed out the transcript of task {:?} the chain's result commits to ({})", claimed.task, refusals.join("; ")))
}

/// How long a member may take to hand out a transcript: a minute, and ten seconds per piece.
fn fetch_time(size: u64) -> std::time::Duration {
	std::time::Duration::from_secs(60 + 10 * size.div_ceil(TRANSCRIPT_CHUNK as u64))
}

/// One member's copy of the transcript, a piece at a time, with progress: each answer must
/// carry a whole piece (or the rest), so a member cannot drip it, and the whole must come
/// within [`fetch_time`] of its size.
async fn fetch_from(node: &ClientNode, peer: enigma_p2p::PeerId, task: H256, most: u64) -> Result<Vec<u8>, String> {
	let started = tokio::time::Instant::now();
	let mut bytes: Vec<u8> = Vec::new();
	let mut total = None;
	let bar = crate::progress::bar(0, "fetching the transcript");
	loop {
		let request = WorkerRequest::Transcript { task, from: bytes.len() as u64 }.encode();
		let deadline = started + fetch_time(total.unwrap_or(0));
		let answer = tokio::time::timeout_at(deadline, node.app_request(peer, request)).await.map_err(|_| "too slow".to_string())?.map_err(|e| e.to_string())?;
		let (size, chunk) = match WorkerResponse::decode(&mut &answer[..]) {
			Ok(WorkerResponse::Transcript { total, chunk }) => (total, chunk),
			Ok(WorkerResponse::Refused(reason)) => return Err(reason),
			_ => return Err("a malformed answer".into()),
		};
		let expected = size.saturating_sub(bytes.len() as u64).min(TRANSCRIPT_CHUNK as u64);
		if size > most {
			return Err(format!("a transcript of {size} bytes, more than a run of this task makes ({most})"));
		}
		if total.is_some_and(|t| t != size) || chunk.len() as u64 != expected {
			return Err("a transcript answer out of bounds".into());
		}
		total = Some(size);
		bar.set_length(size);
		bytes.extend_from_slice(&chunk);
		bar.set_position(bytes.len() as u64);
		if bytes.len() as u64 == size {
			bar.finish_and_clear();
			return Ok(bytes);
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	/// The millionaires' contract run as a committee of two runs a dishonest-majority task:
	/// auditably, on alice's and bob's u64s dealt to it with their MACs (the triples from the test
	/// dealer, a fixture); with the result the committee would put on chain for that run.
	fn ran(alice: u128, bob: u128) -> (Compiled, Vec<u8>, TaskResult<Runtime>) {
		use enigma_mpc::{
			audit::{triple_shares, Auditable, Layout},
			circuit::{execute_held, HeldInput, HeldOutput},
			committed_input,
			field::{to_u128, Fr},
			preprocessing::trusted_dealer_for_tests,
			transport::{mem, Net},
		};
		let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/contracts/millionaires.enigma")).unwrap();
		let compiled = enigma_lang::compile(&source, "richer", &Default::default(), 2).unwrap();
		let dealt: Vec<_> = [alice, bob].into_iter().map(|v| committed_input::deal_tagged(v, Some(64), 2, &mut rand::thread_rng()).unwrap()).collect();
		let members: Vec<_> = mem::network(2)
			.into_iter()
			.enumerate()
			.map(|(member, transport)| {
				let held: Vec<Vec<HeldInput<Fr>>> = dealt.iter().map(|d| vec![committed_input::held_tagged(Some(64), &d.shares[member], &d.commitments).unwrap()]).collect();
				let circuit = compiled.circuit.clone();
				std::thread::spawn(move || {
					let layout = Layout::for_held(&circuit, 2, &held.iter().flatten().collect::<Vec<_>>());
					let store = trusted_dealer_for_tests::store::<Fr>(3, 2, member, &layout.preprocessing());
					let mut mpc = Auditable::setup(Net::new(transport), layout, &triple_shares(&store)).unwrap();
					let outputs = execute_held(&mut mpc, &circuit, &held).unwrap();
					(outputs, mpc.transcript().to_bytes())
				})
			})
			.collect();
		let mut runs = members.into_iter().map(|m| m.join().unwrap());
		let (outputs, bytes) = runs.next().unwrap();
		assert!(runs.all(|(_, other)| other == bytes), "every member keeps the same transcript");
		let public: Vec<u128> = outputs.iter().map(|(_, out)| if let HeldOutput::Public(v) = out { to_u128(*v).unwrap() } else { panic!("a public output") }).collect();
		let result = result_for(&public, &bytes, quote(&compiled));
		(compiled, bytes, result)
	}

	fn quote(compiled: &Compiled) -> u128 {
		compiled.manifest.gas.as_ref().map_or(0, |g| g.total)
	}

	const TASK: H256 = H256::repeat_byte(1);
	const CONTRACT: H256 = H256::repeat_byte(2);

	fn result_for(public: &[u128], transcript: &[u8], gas: u128) -> TaskResult<Runtime> {
		let outputs = public.to_vec().encode();
		TaskResult {
			transcript_root: result_root(TASK, CONTRACT, &outputs, &[], &[], gas, root_of(transcript)),
			outputs: outputs.try_into().unwrap(),
			new_secrets: Default::default(),
			ledger_writes: Default::default(),
			gas_used: gas,
		}
	}

	/// Issue #14: `enigma task audit` passes a good task and, on a transcript with one value
	/// altered, fails naming the check; a transcript of another run, or a result that says other
	/// than its transcript proves, is refused too.
	#[test]
	fn the_audit_passes_the_tasks_transcript_and_names_what_is_wrong_with_any_other() {
		let (compiled, bytes, result) = ran(9, 2);
		let claimed = Claimed { task: TASK, contract: CONTRACT, members: 2, result: &result };
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
		let forged = result_for(&[0], &bytes, quote(&compiled));
		let failed = check(&compiled, &Claimed { task: TASK, contract: CONTRACT, members: 2, result: &forged }, &bytes).unwrap_err();
		assert!(failed.contains("public outputs [0] are not the transcript's [1]"), "{failed}");

		// The same transcript claimed for another task: its root does not match.
		let failed = check(&compiled, &Claimed { task: H256::repeat_byte(9), contract: CONTRACT, members: 2, result: &result }, &bytes).unwrap_err();
		assert!(failed.contains("not the one"), "{failed}");

		// A run of the same contract on fresh inputs (no owners' MAC check), even committed to
		// by its result, proves nothing about the inputs the committee held.
		let given: enigma_lang::run::Inputs = [("alice".to_string(), vec![9]), ("bob".to_string(), vec![2])].into_iter().collect();
		let fresh = enigma_lang::run::mpc_audited(&compiled, &given).unwrap().2.to_bytes();
		let fresh_result = result_for(&[1], &fresh, quote(&compiled));
		let failed = check(&compiled, &Claimed { task: TASK, contract: CONTRACT, members: 2, result: &fresh_result }, &fresh).unwrap_err();
		assert!(failed.contains("on fresh inputs"), "{failed}");
		// Nor a run by another number of parties.
		assert!(check(&compiled, &Claimed { members: 3, ..Claimed { task: TASK, contract: CONTRACT, members: 2, result: &result } }, &bytes).unwrap_err().contains("not the committee's 3 members"));
		// A result that commits to the transcript but charges more than the quote.
		let gas = quote(&compiled);
		let greedy = result_for(&[1], &bytes, gas + 1);
		let failed = check(&compiled, &Claimed { task: TASK, contract: CONTRACT, members: 2, result: &greedy }, &bytes).unwrap_err();
		assert!(failed.contains(&format!("charges {} gas; the contract's quote is {gas}", gas + 1)), "{failed}");

		// Bytes that are not a transcript.
		assert_eq!(check(&compiled, &claimed, &bytes[..bytes.len() - 1]).unwrap_err(), "the transcript does not decode");
		// Nor more bytes than a run of the task makes (refused before they are read): the
		// bound is a few times the honest size, and what fetching stops at.
		let most = max_transcript_len(&compiled.circuit, 2);
		assert!(bytes.len() as u64 <= most && most < 8 * bytes.len() as u64, "{} bytes, bound {most}", bytes.len());
		let padded = [bytes.clone(), vec![0; most as usize + 1 - bytes.len()]].concat();
		assert!(check(&compiled, &claimed, &padded).unwrap_err().contains("more than a run of this task by 2 members can"));
	}
}
