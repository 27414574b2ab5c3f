//! Running a task this worker's committee was assigned (whitepaper Alg. 4, compute):
//! contract from the chain → compile → this member's input shares → MPC with the committee over
//! the p2p channels (honest-majority Shamir with the Chida et al. check) → result on chain.

use crate::{store::HeldShare, worker::Worker};
use codec::{Decode, Encode};
use enigma_chain::offchain::new_secret_id;
use enigma_lang::{
	manifest::{InputSlot, InputSource, OutputSlot, OutputTarget, Prices},
	PublicArg,
};
use enigma_chain::offchain::{WorkerRequest, WorkerResponse};
use enigma_mpc::{
	circuit::{execute_held, HeldOutput},
	field::{decode_all, to_bytes, to_u128, Fr},
	honest::Malicious,
	transport::faulty::{Fault, Faulty},
	Mpc, MpcError,
};
use enigma_p2p::PeerId;
use enigma_runtime::{AccountId, Balance, BlockNumber, Runtime, RuntimeCall};
use pallet_secret_compute::{runtime_api::TaskView, TaskResult, TaskStatus};
use sp_core::H256;
use std::{sync::Arc, time::Duration};

/// How long a member waits for a committee peer's message before the first run aborts, and
/// in a run without the members found dead (longer: the others may still be noticing).
const FIRST_RUN_TIMEOUT: Duration = Duration::from_secs(10);
const RETRY_TIMEOUT: Duration = Duration::from_secs(30);

/// Runs `task` as this worker and submits its result. Errors are logged by the caller; the
/// chain fails a task nobody completes at its deadline.
pub async fn run_task(worker: Arc<Worker>, task: H256) -> Result<(), String> {
	let chain = &worker.chain;
	let view = chain
		.runtime_api::<Option<TaskView<AccountId, Balance, BlockNumber>>>("SecretComputeApi_task", task, None)
		.await
		.map_err(|e| e.to_string())?
		.ok_or("unknown task")?;
	if view.status != TaskStatus::Pending {
		return Ok(());
	}
	let me = view.members.iter().position(|m| *m == worker.account()).ok_or("not in this task's committee")?;
	let code: Vec<u8> = chain
		.runtime_api::<Option<Vec<u8>>>("SecretComputeApi_contract", view.contract, None)
		.await
		.map_err(|e| e.to_string())?
		.ok_or("contract not found")?;
	let source = String::from_utf8(code).map_err(|_| "contract code is not UTF-8 source")?;
	let table = chain.price_table().await.map_err(|e| e.to_string())?;
	let prices = Prices { add: table.add, mul: table.mul, open: table.open, input: table.input, round: table.round };
	let entry = String::from_utf8(view.entry.clone()).map_err(|_| "entry point is not UTF-8")?;
	let compiled = enigma_lang::compile_with_prices(&source, &entry, &PublicArg::parse_json(std::str::from_utf8(&view.public_args).map_err(|_| "public args are not UTF-8")?)?, 1, &prices)
		.map_err(|d| format!("contract does not compile: {}", d.message))?;
	let (circuit, manifest) = (compiled.circuit, compiled.manifest);
	if let Some(slot) = manifest.outputs.iter().find(|o| matches!(o.target, OutputTarget::Data { .. })) {
		return Err(format!("output {}: DHT writes from a contract are not supported; keep the value secret-shared with MPC.set", slot.name));
	}
	let (held, owner_identity) = gather_inputs(&worker, &view, &manifest.inputs, circuit.parties(), me).await?;

	let peers = worker.peer_ids(&view.members).await?;
	let dht = worker.dht.get().ok_or("the DHT is not running")?.clone();
	let n = view.members.len();
	let t = (n - 1) / 2;
	tracing::info!(target: "worker", "task {task:?}: running {entry} with {n} members (t = {t}), {} gates", circuit.gates.len());

	// First with everyone; if the run stops because members are unreachable, once more with the
	// members that answer, at their original Shamir points, as long as they are 2t + 1.
	let mut running: Vec<usize> = (0..n).collect();
	let (outputs, stats) = loop {
		let first = running.len() == n;
		let session = if first { task.0 } else { sp_crypto_hashing::blake2_256(&(task, running.iter().map(|m| *m as u32).collect::<Vec<u32>>()).encode()) };
		let run_peers = running.iter().map(|m| peers[*m]).collect();
		let points: Vec<u64> = running.iter().map(|m| *m as u64 + 1).collect();
		let channel = dht.mpc_channel(session, run_peers, if first { FIRST_RUN_TIMEOUT } else { RETRY_TIMEOUT }).map_err(|e| e.to_string())?;
		let faults = if worker.misbehave { vec![Fault::Truncate { from_nth: 0 }] } else { Vec::new() };
		let transport = Faulty::new(channel, faults);
		let (run_circuit, run_held) = (circuit.clone(), held.clone());
		let outcome = tokio::task::spawn_blocking(move || {
			let mut mpc = Malicious::<Fr, _>::with_points(transport, t, &points)?;
			let outputs = execute_held(&mut mpc, &run_circuit, &run_held)?;
			Ok::<_, MpcError>((outputs, mpc.stats()))
		})
		.await
		.map_err(|e| format!("MPC thread: {e}"))?;
		match outcome {
			Ok(done) => break done,
			Err(e @ (MpcError::Timeout { .. } | MpcError::Disconnected { .. } | MpcError::Malformed { .. })) if first => {
				// A frame that does not decode can only come from its sender: the channels are
				// authenticated and honest members encode correctly.
				if let MpcError::Malformed { from, .. } = e {
					worker.blame(task, running[from]);
				}
				let (live, blamed) = live_and_blamed(&worker, task, &peers, me).await;
				let continuing: Vec<usize> = live.iter().copied().filter(|m| !blamed.contains(m)).collect();
				if continuing.len() == n || continuing.len() < 2 * t + 1 {
					return Err(format!("MPC aborted: {e}; {} of {n} members can continue, so no run without the others", continuing.len()));
				}
				let excluded: Vec<usize> = (0..n).filter(|m| !continuing.contains(m)).collect();
				tracing::warn!(target: "worker", "task {task:?}: {e}; continuing without members {excluded:?} (silent: {:?}, blamed: {blamed:?})", (0..n).filter(|m| !live.contains(m)).collect::<Vec<_>>());
				running = continuing;
			}
			Err(e) => return Err(format!("MPC aborted: {e}")),
		}
	};
	if running.len() < n && running.first() == Some(&me) {
		// The first continuing member reports the missing ones once the deadline proves them late.
		let missing: Vec<AccountId> = (0..n).filter(|m| !running.contains(m)).map(|m| view.members[m].clone()).collect();
		tokio::spawn(report_timeouts(worker.clone(), task, view.deadline, missing));
	}
	worker.metrics.mpc_rounds.inc_by(stats.rounds);
	worker.metrics.mpc_bytes_sent.inc_by(stats.bytes_sent);

	let result = settle_outputs(&worker, task, &view, &manifest.outputs, outputs, &owner_identity, me)?;
	let gas_used = manifest.gas.map(|g| g.total).unwrap_or(0).min(view.gas_limit);
	let (public, written, created) = (result.public.len(), result.ledger_writes.len(), result.new_secrets.len());
	let outputs = result.public.encode();
	let result = TaskResult::<Runtime> {
		transcript_root: H256(sp_crypto_hashing::blake2_256(&(task, view.contract, &outputs, &result.ledger_writes, &result.new_secrets, gas_used).encode())),
		outputs: outputs.try_into().map_err(|_| "public outputs exceed the chain's limit")?,
		new_secrets: result.new_secrets.try_into().map_err(|_| "more new secrets than the chain takes per task")?,
		ledger_writes: result.ledger_writes.try_into().map_err(|_| "more ledger writes than the chain takes per task")?,
		gas_used,
	};
	worker.submit(RuntimeCall::SecretCompute(pallet_secret_compute::Call::submit_result { task, result })).await.map_err(|e| e.to_string())?;
	worker.metrics.tasks_completed.inc();
	tracing::info!(
		target: "worker",
		"task {task:?}: result submitted ({public} public outputs, {written} ledger writes, {created} new secrets, {} rounds, {} bytes sent)",
		stats.rounds,
		stats.bytes_sent
	);
	Ok(())
}

/// This member's shares of the circuit's inputs, arranged as its input owners expect them, and
/// who each owner is (the identity owning its first input), for handing out private outputs.
/// `L.get` values are public: every member's share of a public value is the value itself.
async fn gather_inputs(
	worker: &Worker,
	view: &TaskView<AccountId, Balance, BlockNumber>,
	slots: &[InputSlot],
	parties: usize,
	me: usize,
) -> Result<(Vec<Vec<Fr>>, Vec<Option<H256>>), String> {
	let secret_slots = slots.iter().filter(|s| matches!(s.source, InputSource::Party(_) | InputSource::Secret(_))).count();
	if secret_slots != view.inputs.len() {
		return Err(format!("the entry point takes {secret_slots} secret inputs, the task names {}", view.inputs.len()));
	}
	let mut held: Vec<Vec<Fr>> = vec![Vec::new(); parties];
	let mut owner_identity: Vec<Option<H256>> = vec![None; parties];
	let mut secrets = view.inputs.iter();
	for slot in slots {
		let owner = match slot.source {
			InputSource::Party(p) => p,
			InputSource::Secret(_) | InputSource::Ledger { .. } => 0,
			InputSource::Data(key) => {
				return Err(format!("input DHT[{key}]: DHT data is encrypted to its owner; share it with `enigma secret share` to compute on it"))
			},
		};
		if owner >= parties {
			return Err(format!("input {} belongs to party {owner} of {parties}", slot.name));
		}
		let value = match slot.source {
			InputSource::Ledger { key, at } => Fr::from(ledger_value(worker, view, key, at).await?),
			_ => held_share(worker, secrets.next().ok_or("inputs ran out")?, me, &mut owner_identity[owner])?,
		};
		held[owner].push(value);
	}
	Ok((held, owner_identity))
}

/// This member's share of `secret`, opened from its store; notes the secret's identity as its
/// input owner's if none is known yet.
fn held_share(worker: &Worker, secret: &H256, me: usize, owner: &mut Option<H256>) -> Result<Fr, String> {
	let share = worker.store.share(secret).ok_or_else(|| format!("no share of input {secret:?}"))?;
	let plain = share.open(&worker.keys.encryption).ok_or("a stored share no longer opens")?;
	let value = decode_all::<Fr>(&plain, me).map_err(|e| e.to_string())?;
	owner.get_or_insert(share.identity);
	value.first().copied().ok_or_else(|| format!("the stored share of {secret:?} is empty"))
}

/// `L.get(key, at)`: the contract's ledger value at block `at`, but never later than the block
/// that created the task, so members reading at different times agree. Unwritten keys read 0.
async fn ledger_value(worker: &Worker, view: &TaskView<AccountId, Balance, BlockNumber>, key: u64, at: u64) -> Result<u128, String> {
	let at = BlockNumber::try_from(at).unwrap_or(BlockNumber::MAX).min(view.created);
	let value = worker
		.chain
		.runtime_api::<Option<u128>>("SecretComputeApi_ledger_get", (view.contract, key, at), None)
		.await
		.map_err(|e| format!("reading L[{key}]: {e}"))?;
	Ok(value.unwrap_or(0))
}

/// What a run produced, sorted by where it goes.
struct Settled {
	public: Vec<u128>,
	ledger_writes: Vec<(u64, u128)>,
	new_secrets: Vec<H256>,
}

/// Public outputs and ledger writes go on chain; outputs for a party are kept for that party to
/// collect; new secrets (`MPC.set`) are stored like delivered shares, sealed to this worker's
/// key, under ids every member derives alike. The chain registers them to the identity of the
/// task's first input, with the quorum as the members holding them.
fn settle_outputs(
	worker: &Worker,
	task: H256,
	view: &TaskView<AccountId, Balance, BlockNumber>,
	slots: &[OutputSlot],
	outputs: Vec<(String, HeldOutput<Fr>)>,
	owner_identity: &[Option<H256>],
	me: usize,
) -> Result<Settled, String> {
	let mut settled = Settled { public: Vec::new(), ledger_writes: Vec::new(), new_secrets: Vec::new() };
	for (index, ((name, output), slot)) in outputs.into_iter().zip(slots).enumerate() {
		match (output, &slot.target) {
			(HeldOutput::Public(v), OutputTarget::Ledger(key)) => {
				settled.ledger_writes.push((*key, to_u128(v).ok_or_else(|| format!("{name} does not fit in 128 bits"))?))
			},
			(HeldOutput::Public(v), _) => settled.public.push(to_u128(v).ok_or_else(|| format!("output {name} does not fit in 128 bits"))?),
			(HeldOutput::Held { share, .. }, OutputTarget::Secret { key, .. }) => {
				let first = view.inputs.first().ok_or("a task without inputs")?;
				let identity = worker.store.share(first).ok_or("the first input's share is gone")?.identity;
				let held = HeldShare::seal(&worker.keys.encryption_public(), identity, view.committee, me as u32, &to_bytes(&[share]));
				let id = new_secret_id(task, *key);
				worker.store.put_share(&id, &held).map_err(|e| e.to_string())?;
				settled.new_secrets.retain(|s| *s != id);
				settled.new_secrets.push(id);
			},
			(HeldOutput::Held { to, share }, _) => {
				let recipient = owner_identity.get(to).copied().flatten().ok_or_else(|| format!("output {name} is for party {to}, who has no input"))?;
				let held = crate::store::HeldOutput { recipient, share: to_bytes(&[share]) };
				worker.store.put_output(&task, index as u32, &held).map_err(|e| e.to_string())?;
			},
		}
	}
	Ok(settled)
}

/// Committee members (indices) that answer within a few seconds, this one included, and the
/// members blamed for undecodable frames: by this worker, or by an answering member that this
/// worker does not blame itself (so a cheater cannot get an honest member excluded).
async fn live_and_blamed(worker: &Worker, task: H256, peers: &[PeerId], me: usize) -> (Vec<usize>, Vec<usize>) {
	let mine = worker.blamed(&task);
	let Some(dht) = worker.dht.get() else { return (vec![me], mine) };
	let probes = peers.iter().enumerate().map(|(i, peer)| async move {
		if i == me {
			return Some((i, Vec::new()));
		}
		let ask = dht.app_request(*peer, WorkerRequest::Blame { task }.encode());
		match tokio::time::timeout(Duration::from_secs(5), ask).await {
			Ok(Ok(answer)) => match WorkerResponse::decode(&mut &answer[..]) {
				Ok(WorkerResponse::Blamed(list)) => Some((i, list.into_iter().map(|m| m as usize).collect())),
				_ => Some((i, Vec::new())),
			},
			_ => None,
		}
	});
	let answers: Vec<(usize, Vec<usize>)> = futures::future::join_all(probes).await.into_iter().flatten().collect();
	let mut blamed = mine.clone();
	for (member, theirs) in &answers {
		if !mine.contains(member) {
			blamed.extend(theirs.iter().copied().filter(|m| *m < peers.len() && *m != me));
		}
	}
	blamed.sort_unstable();
	blamed.dedup();
	(answers.into_iter().map(|(i, _)| i).collect(), blamed)
}

/// After `deadline`, reports each member that did not submit a result for Timeout; the chain
/// checks that from its own record and slashes them in favour of those who did.
async fn report_timeouts(worker: Arc<Worker>, task: H256, deadline: BlockNumber, missing: Vec<AccountId>) {
	loop {
		match worker.chain.best_number().await {
			Ok(now) if now > deadline => break,
			Ok(_) => tokio::time::sleep(Duration::from_secs(1)).await,
			Err(e) => {
				tracing::warn!(target: "worker", "cannot follow the chain to report timeouts: {e}");
				return;
			}
		}
	}
	for offender in missing {
		let call = RuntimeCall::Workers(pallet_workers::Call::report { task, offender: offender.clone(), offence: pallet_workers::Offence::Timeout, proof: Vec::new() });
		match worker.submit(call).await {
			Ok(_) => tracing::info!(target: "worker", "reported {offender} for Timeout in task {task:?}"),
			Err(e) => tracing::warn!(target: "worker", "reporting {offender} for Timeout: {e}"),
		}
	}
}
