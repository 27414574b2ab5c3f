//! Running a task this worker's committee was assigned (whitepaper Alg. 4, compute):
//! contract from the chain → compile → this member's input shares → MPC with the committee over
//! the p2p channels (honest-majority Shamir with the Chida et al. check) → result on chain.

use crate::{
	spdz_run,
	store::HeldShare,
	worker::{Readiness, Worker},
};
use codec::{Decode, Encode};
use enigma_chain::offchain::{ledger_key, ledger_value_in, new_secret_id, share_bits, share_width, submitter_value, ValueKind, WorkerRequest, WorkerResponse};
use enigma_lang::{
	manifest::{InputSlot, InputSource, OutputSlot, OutputTarget, Prices, Security},
	ChainFacts, PublicArg,
};
use enigma_mpc::{
	adaptive,
	circuit::{HeldInput, HeldOutput},
	committed_input,
	field::{decode_all, to_bytes, to_u128, Fr},
	honest::Malicious,
	transport::{faulty::Faulty, stoppable::Stoppable, Transport},
	MpcError,
};
use enigma_p2p::PeerId;
use enigma_runtime::{AccountId, Balance, BlockNumber, Runtime, RuntimeCall};
use pallet_secret_compute::{
	runtime_api::{SecretView, TaskView},
	running_set, AbortReason, NewSecret, Run, TaskResult, TaskStatus,
};
use sp_core::H256;
use std::{sync::Arc, time::Duration};

/// How long a member waits for a committee peer's message before the first run aborts, and
/// in a run without the members found dead (longer: the others may still be noticing).
const FIRST_RUN_TIMEOUT: Duration = Duration::from_secs(10);
const RETRY_TIMEOUT: Duration = Duration::from_secs(30);
/// Blocks before a task's deadline at which a member whose runs have not completed gives up and
/// says so: its abort must land before the deadline, where a member without an answer is late.
/// Blocks are a clock only on a chain with slots: where every transaction seals a block (the
/// development chain), the members' own aborts each take one, so the margin leaves room for a
/// whole committee's aborts and a tick besides.
const DEADLINE_MARGIN: BlockNumber = 6;
/// How often the deadline's guard asks for the best block: well under a block, so the guard
/// does not lose one of its margin to the asking.
const DEADLINE_POLL: Duration = Duration::from_millis(200);
/// How long a member waits for a peer's message in the runs without one member each: a member
/// that gives up on a run says so (the p2p layer's goodbye), so the members join these runs
/// within moments of each other, and a liar that stalls the runs it is in holds up the pick for
/// this long.
const SUSPECT_RUN_TIMEOUT: Duration = Duration::from_secs(20);
/// How long a member waits for a peer's answer to a liveness probe.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);
/// How often a member ready to run asks the others how far they are with the task, and how
/// long it waits for an answer: together well under the first run's timeout, so that a member
/// that stalls its answers cannot hold one honest member back from the others' run for long.
const READY_POLL: Duration = Duration::from_millis(500);
const READY_PROBE_TIMEOUT: Duration = Duration::from_secs(2);
/// The longest a member ready to run waits for others still preparing the task (a restart of
/// their node takes seconds, and they try again every few).
const READY_WAIT: Duration = Duration::from_secs(30);
/// Blocks left, at the least, between the end of the wait for members preparing and the
/// deadline's guard: the first run's timeout, the probes, and the rerun without the silent or
/// the runs without each member (their computing comes on top: a member that says it prepares
/// until then and stalls the runs after can make a long task miss its deadline, which a longer
/// `TaskDeadline` prevents).
const RUNS_BLOCKS: BlockNumber = ((FIRST_RUN_TIMEOUT.as_millis() + PROBE_TIMEOUT.as_millis() + max_ms(RETRY_TIMEOUT, SUSPECT_RUN_TIMEOUT)) /
	enigma_runtime::MILLI_SECS_PER_BLOCK as u128 +
	1) as BlockNumber;

const fn max_ms(a: Duration, b: Duration) -> u128 {
	if a.as_millis() > b.as_millis() {
		a.as_millis()
	} else {
		b.as_millis()
	}
}
/// How often a member that committed asks the chain whether reveals are open, and how many
/// failed asks in a row (a minute's worth) it takes before it gives up. Well under a block: the
/// reveal window is counted in blocks, and where every transaction seals one (the development
/// chain) the committee's own reveals use it up within a second or two.
const REVEAL_POLL: Duration = Duration::from_millis(100);
const REVEAL_POLL_FAILURES: u32 = 600;

/// Why this member could not produce a result.
#[derive(Debug)]
pub enum TaskError {
	/// The task cannot run as submitted (inputs, contract, shares): the requester's doing.
	Invalid(String),
	/// The task's input at this position does not fit its declared type (the committee's range
	/// check failed after every integrity check passed): its owner's doing.
	BadInput(u32),
	/// The MPC run stopped on a check this member cannot blame on anyone.
	Aborted(String),
	/// This member's result came after the committee's commitments closed: it cannot count.
	TooLate,
	/// Something on this worker's side (the chain connection, the database).
	Local(String),
}

impl std::fmt::Display for TaskError {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			TaskError::Invalid(e) => write!(f, "the task cannot run: {e}"),
			TaskError::BadInput(k) => write!(f, "input #{k} does not fit its declared type: its owner shared an out-of-range value"),
			TaskError::Aborted(e) => write!(f, "MPC aborted: {e}"),
			TaskError::TooLate => write!(f, "the result came after the committee's commitments closed"),
			TaskError::Local(e) => write!(f, "{e}"),
		}
	}
}

impl From<String> for TaskError {
	fn from(e: String) -> Self {
		TaskError::Invalid(e)
	}
}

impl From<&str> for TaskError {
	fn from(e: &str) -> Self {
		TaskError::Invalid(e.to_string())
	}
}

/// Runs `task` as this worker and submits its result, or, when it cannot, tells the chain that
/// it gives up and why (an abort is an answer: the member is not late, and once no majority can
/// agree the task fails and the requester is refunded at once).
pub async fn run_task(worker: Arc<Worker>, task: H256) -> Result<(), TaskError> {
	let outcome = compute(worker.clone(), task).await;
	let reason = match &outcome {
		Ok(()) | Err(TaskError::Local(_)) => return outcome,
		Err(TaskError::Invalid(_)) => AbortReason::InvalidTask,
		Err(TaskError::BadInput(k)) => AbortReason::BadInput(*k),
		Err(TaskError::Aborted(_)) => AbortReason::Unattributed,
		Err(TaskError::TooLate) => AbortReason::TooLate,
	};
	// Given up: nobody need wait for this member while its abort goes in.
	worker.ready(task, Readiness::Going);
	let call = RuntimeCall::SecretCompute(pallet_secret_compute::Call::abort_task { task, reason });
	match worker.submit(call).await {
		Ok(_) => tracing::warn!(target: "worker", "task {task:?}: gave up ({reason:?})"),
		Err(e) => tracing::warn!(target: "worker", "task {task:?}: telling the chain it gave up: {e}"),
	}
	outcome
}

async fn compute(worker: Arc<Worker>, task: H256) -> Result<(), TaskError> {
	let chain = &worker.chain;
	let local = |e: enigma_chain::ChainError| TaskError::Local(e.to_string());
	let view = chain
		.runtime_api::<Option<TaskView<AccountId, Balance, BlockNumber>>>("SecretComputeApi_task", task, None)
		.await
		.map_err(local)?
		.ok_or(TaskError::Local("unknown task".into()))?;
	if view.status != TaskStatus::Pending {
		let _ = worker.store.remove_result(&task);
		return Ok(());
	}
	let me = view.members.iter().position(|m| *m == worker.account()).ok_or(TaskError::Local("not in this task's committee".into()))?;
	let stored = worker.store.result(&task, view.created, &worker.keys.encryption);
	if let Some(answer) = stored.and_then(|bytes| Answer::decode(&mut &bytes[..]).ok()) {
		// Computed before a restart, perhaps committed already: reveal it, do not recompute (the
		// others have moved on, and a run without them cannot happen).
		tracing::info!(target: "worker", "task {task:?}: resuming with the result computed before a restart");
		worker.ready(task, Readiness::Going);
		return finish(&worker, task, answer, view.created).await;
	}
	// From now on, the other members' frames may arrive before this worker opens the run.
	// A member whose registration cannot be used (garbage for a peer id, or another member's)
	// stops every member alike: the members abort, which slashes none of them.
	let peers = worker.peer_ids(&view.members).await.map_err(|e| match e {
		crate::worker::PeersError::Chain(e) => TaskError::Local(e),
		crate::worker::PeersError::Unusable(e) => TaskError::Invalid(e),
	})?;
	let _expected = worker.expect_task_peers(task, &peers);
	let code: Vec<u8> = chain
		.runtime_api::<Option<Vec<u8>>>("SecretComputeApi_contract", view.contract, None)
		.await
		.map_err(local)?
		.ok_or("contract not found")?;
	let source = String::from_utf8(code).map_err(|_| "contract code is not UTF-8 source")?;
	// The prices the task was created at: a change since (governance) must not make members
	// that compile before and after it disagree on the gas.
	let table = view.prices;
	let prices = Prices { add: table.add, mul: table.mul, open: table.open, input: table.input, round: table.round };
	let entry = String::from_utf8(view.entry.clone()).map_err(|_| "entry point is not UTF-8")?;
	let args = PublicArg::parse_json(std::str::from_utf8(&view.public_args).map_err(|_| "public args are not UTF-8")?)?;
	// `now()` and `submitter()` come from the chain's record of the task, not from arguments.
	let facts = ChainFacts { block: view.created.into(), submitter: submitter_value(&view.requester), ..Default::default() };
	// Whatever the task asks for, this member answers before the deadline: a member still
	// running then would count as late, and be slashed to the others. (Governance may give tasks
	// as few blocks as the margin: then half of them, so that a quick run still has its chance.)
	let margin = DEADLINE_MARGIN.min(view.deadline.saturating_sub(view.created) / 2);
	// Compiling (a contract may unroll long loops) and gathering the inputs come under that rule
	// too: a requester must not get an honest committee slashed with a task too big to prepare
	// in time. The compiler runs on a blocking thread, so the guard can fire while it works.
	let members = view.members.len();
	let prepare = async {
		let started = std::time::Instant::now();
		let compile = |facts: ChainFacts| {
			let (source, entry, args, compiling) = (source.clone(), entry.clone(), args.clone(), worker.compiling.clone());
			async move {
				let permit = compiling.acquire_owned().await.map_err(|e| TaskError::Local(format!("compiling: {e}")))?;
				tokio::task::spawn_blocking(move || {
					let _permit = permit;
					enigma_lang::compile_task(&source, &entry, &args, facts, &prices, members)
				})
					.await
					// A compiler that panics on the contract's text fails on every member alike: the
					// task's fault, which the members abort on, not this worker's (unanswered, the
					// deadline would slash every member for it).
					.map_err(|e| if e.is_panic() { TaskError::Invalid(format!("the compiler failed on the contract: {e}")) } else { TaskError::Local(format!("the compiler stopped: {e}")) })?
					.map_err(|d| TaskError::Invalid(format!("contract does not compile: {}", d.message)))
			}
		};
		let mut compiled = compile(facts.clone()).await?;
		// Under a dishonest majority every input needs its owner's MAC, which a public ledger
		// value has none of: the members read the values the contract reads (each the same, in
		// the task's block) and compile them in as constants, which the circuit's digest binds
		// (a member that read another value disagrees before the run) and an auditor reads too.
		let reads = compiled.manifest.ledger_reads();
		if compiled.manifest.security == Security::DishonestMajority && !reads.is_empty() {
			let mut ledger = std::collections::BTreeMap::new();
			for (key, at) in reads {
				ledger.insert((key, at), ledger_value(&worker, &view, key, at).await?);
			}
			compiled = compile(ChainFacts { ledger: Some(ledger), ..facts }).await?;
		}
		let (circuit, manifest) = (compiled.circuit, compiled.manifest);
		// The requester pays the exact quote or the committee does no work at all.
		let quote = manifest.gas.map(|g| g.total).unwrap_or(0);
		if view.gas_limit < quote {
			return Err(TaskError::Invalid(format!("the gas limit {} is below the quote {quote}", view.gas_limit)));
		}
		if let Some(slot) = manifest.outputs.iter().find(|o| matches!(o.target, OutputTarget::Data { .. })) {
			return Err(format!("output {}: DHT writes from a contract are not supported; keep the value secret-shared with MPC.set", slot.name).into());
		}
		fits_a_result(&manifest.outputs)?;
		inputs_match(&manifest.inputs, &view)?;
		// The chain decides the result by the security it read from the contract's header (every
		// member's vote for a dishonest majority): the compiler must have read the same.
		let on_chain = match view.security {
			pallet_secret_compute::Security::HonestMajority => Security::HonestMajority,
			pallet_secret_compute::Security::DishonestMajority => Security::DishonestMajority,
		};
		if manifest.security != on_chain {
			return Err(TaskError::Invalid(format!("the contract asks for {:?}, the chain registered it for {on_chain:?}", manifest.security)));
		}
		// A dishonest-majority run keeps every member's commitments to its material in memory
		// and its transcript on disk: one larger than members keep of all their transcripts
		// is refused before anything is made for it (a requester cannot have members run out of
		// memory for a task whose gas it gets back when the task fails).
		if manifest.security == Security::DishonestMajority {
			let most = enigma_mpc::audit::max_transcript_len(&circuit, view.members.len());
			if most > crate::store::TRANSCRIPT_BYTES {
				return Err(TaskError::Invalid(format!("a run of this task by {} members may make a transcript of {most} bytes, more than members keep ({})", view.members.len(), crate::store::TRANSCRIPT_BYTES)));
			}
		}
		let compiling = started.elapsed();
		let inputs = gather_inputs(&worker, &view, &manifest.inputs, circuit.parties(), me).await?;
		inputs.fit(manifest.security)?;
		let timing = format!("compiled in {:.1} s, {} inputs gathered in {:.1} s", compiling.as_secs_f64(), view.inputs.len(), (started.elapsed() - compiling).as_secs_f64());
		Ok((circuit, manifest, quote, inputs, timing))
	};
	let (circuit, manifest, quote, inputs, timing) = tokio::select! {
		prepared = prepare => prepared?,
		() = deadline_near(&worker, view.deadline, margin) => {
			return Err(TaskError::Aborted(format!("not ready to run by block #{}, {margin} blocks before the deadline", view.deadline.saturating_sub(margin))));
		},
	};
	let entry = String::from_utf8_lossy(&view.entry).into_owned();
	let held = inputs.held.clone();
	let spdz = manifest.security == Security::DishonestMajority;
	let held = match worker.misbehave {
		Some(mode) => mode.entered(held, spdz),
		None => held,
	};

	let dht = worker.dht.get().ok_or(TaskError::Local("the DHT is not running".into()))?.clone();
	// Ready. A member still preparing (its node restarting, say) is waited for: the run with
	// everyone would time out on it and go on without it, or fail short of 2t + 1 members. Once
	// any member goes ahead, the others follow at once (a member that told some it prepares and
	// others not cannot split the honest ones). A member that does not answer is not waited for
	// (the run's timeout deals with a dead one), nor one that prepares past READY_WAIT or past
	// the block that leaves the runs their time before the deadline's guard.
	// (A deadline without room for the wait, as the default one, has none.)
	let wait_until = view.deadline.saturating_sub(margin.saturating_add(RUNS_BLOCKS));
	if wait_until > view.created {
		worker.ready(task, Readiness::Waiting);
		let others: Vec<usize> = (0..peers.len()).filter(|m| *m != me).collect();
		let asked = std::time::Instant::now();
		tokio::select! {
			waited = wait_for_preparing(&others, READY_POLL, |m| readiness_of(&dht, peers[m], task)) => if !waited.is_empty() {
				tracing::info!(target: "worker", "task {task:?}: waited {:.1} s for members {waited:?} to prepare it", asked.elapsed().as_secs_f64());
			},
			() = tokio::time::sleep(READY_WAIT) => tracing::warn!(target: "worker", "task {task:?}: members still prepare it after {} s: running without waiting longer", READY_WAIT.as_secs()),
			() = deadline_near(&worker, view.deadline, margin.saturating_add(RUNS_BLOCKS)) => tracing::warn!(target: "worker", "task {task:?}: members still prepare it at block #{wait_until}: running without waiting longer"),
		}
	}
	worker.ready(task, Readiness::Going);
	let n = view.members.len();
	let t = (n - 1) / 2;
	let protocol = if spdz { "SPDZ".to_string() } else { format!("Shamir, t = {t}") };
	tracing::info!(target: "worker", "task {task:?}: running {entry} with {n} members ({protocol}), {} gates ({timing})", circuit.gates.len());
	// However this computation ends, runs still going stop at their next frame (a SPDZ run
	// that answered goes on to make the committee's next batch).
	let mut give_up = GiveUpOnDrop(Some(Arc::default()));
	let given_up = give_up.0.clone().unwrap_or_default();
	let runs = Runs { worker: worker.clone(), dht, task, circuit: Arc::new(circuit), held: Arc::new(held), peers: peers.clone(), accounts: view.members.clone(), me, t, spdz, committee: view.committee, given_up };
	// The runs without each member that completed so far, should the deadline come first.
	let completed = Completed::default();

	// First with everyone. If members are unreachable (or blamed for frames nobody can decode),
	// once more with those that answer, at their original Shamir points, as long as they are
	// 2t + 1. If everyone answers and nobody is to blame but the run failed anyway, a member sent
	// well-formed wrong values, which the checks catch without saying who: then once without each
	// member, all at the same time (a committee spares at most one member for t = (n - 1) / 2):
	// with one liar, the run without it completes, and every honest member votes for it.
	let runs_done = async {
		let everyone: Vec<usize> = (0..n).collect();
		Ok(match runs.run(&everyone, FIRST_RUN_TIMEOUT).await? {
			Ok(done) => vec![(done, everyone)],
			Err(e @ MpcError::InputOutOfRange { .. }) => return Err(inputs.failure(e)),
			// Shared with degree n − 1, the inputs need every member: SPDZ stops at the first
			// failure (security with abort).
			Err(e) if spdz => return Err(inputs.failure(e)),
			Err(e) => {
				let continuing = continuing_after(&worker, task, &e, &peers, me).await;
				if continuing.len() < 2 * t + 1 {
					return Err(TaskError::Aborted(format!("{e}; {} of {n} members can continue, so no run without the others", continuing.len())));
				}
				if continuing.len() < n {
					match runs.run(&continuing, RETRY_TIMEOUT).await? {
						Ok(done) => vec![(done, continuing)],
						Err(e) => return Err(inputs.failure(e)),
					}
				} else if n < 2 * t + 2 {
					return Err(TaskError::Aborted(format!("{e}; every member answers, and a run needs all {n} (t = {t})")));
				} else {
					tracing::warn!(target: "worker", "task {task:?}: {e}; every member answers: running without each member at once");
					runs.without_each(&inputs, &completed).await?
				}
			},
		})
	};
	// The same guard for the runs: runs without each member still going at the margin, it
	// answers with those that completed. (Biased: a run that completed as the margin came is
	// taken, not given up, which would also stop the committee's next batch under way.)
	let done = tokio::select! {
		biased;
		done = runs_done => done?,
		() = deadline_near(&worker, view.deadline, margin) => {
			let so_far = completed.take();
			if so_far.is_empty() {
				return Err(TaskError::Aborted(format!("no run completed by block #{}, {margin} blocks before the deadline", view.deadline.saturating_sub(margin))));
			}
			tracing::warn!(target: "worker", "task {task:?}: the deadline is near: answering with the {} runs completed so far", so_far.len());
			so_far
		},
	};
	if spdz {
		give_up.0 = None;
	}
	// The first run in the order is this member's result: it keeps that run's shares. It votes
	// for the others that reached the same outcome.
	let mut done = done.into_iter();
	let ((outputs, stats, opened), running) = done.next().ok_or(TaskError::Aborted("no run completed".into()))?;
	// Each run is voted for with who ran it: the chain pays only the members a run lists.
	let own_running = running_set(running.iter().copied());
	if running.len() < n {
		// The chain cannot tell a dead member from a slow one once a quorum completes the task,
		// so nobody is reported: the missing get no pay (and, if the task fails, the chain
		// slashes the silent at its deadline).
		let missing: Vec<usize> = (0..n).filter(|m| !running.contains(m)).collect();
		tracing::warn!(target: "worker", "task {task:?}: completed without members {missing:?}");
	}
	worker.metrics.mpc_rounds.inc_by(stats.rounds);
	worker.metrics.mpc_bytes_sent.inc_by(stats.bytes_sent);

	let gas_used = quote;
	let result_of = |outputs, opened| -> Result<(TaskResult<Runtime>, Settled), String> {
		let settled = settle_outputs(&worker, task, &view, &manifest.outputs, outputs, &inputs, me)?;
		Ok((task_result(task, view.contract, &settled, gas_used, opened)?, settled))
	};
	// (What the run produced decides this, alike at every member: the task is at fault, not
	// this member, which must answer rather than be slashed for silence.)
	let (result, settled) = result_of(outputs, opened).map_err(TaskError::Invalid)?;
	worker.store.put_revealed_run(&task, result.transcript_root, &settled.shares, &settled.outputs).map_err(|e| TaskError::Local(e.to_string()))?;
	let public = settled.public.len();
	let (written, created) = (result.ledger_writes.len(), result.new_secrets.len());
	// The other runs: voted for if they came to the same outcome, their shares kept apart.
	let mut runs = vec![Run { root: result.transcript_root, running: own_running }];
	for ((outputs, other, opened), running) in done {
		worker.metrics.mpc_rounds.inc_by(other.rounds);
		worker.metrics.mpc_bytes_sent.inc_by(other.bytes_sent);
		match result_of(outputs, opened) {
			Ok((theirs, settled)) if theirs.outcome() == result.outcome() => {
				worker.store.put_run(&task, result.transcript_root, theirs.transcript_root, &settled.shares, &settled.outputs).map_err(|e| TaskError::Local(e.to_string()))?;
				runs.push(Run { root: theirs.transcript_root, running: running_set(running.iter().copied()) });
			},
			Ok(_) => tracing::warn!(target: "worker", "task {task:?}: the run of members {running:?} came to another outcome: no vote for it"),
			Err(e) => tracing::warn!(target: "worker", "task {task:?}: the run of members {running:?}: {e}"),
		}
	}
	let answer = Answer { result, runs };
	// Kept until the task ends, so a restart after the commitment can still reveal it. Not
	// being able to keep it is no reason not to answer now.
	if let Err(e) = worker.store.put_result(&task, view.created, &worker.keys.encryption_public(), &answer.encode()) {
		tracing::warn!(target: "worker", "task {task:?}: storing the result: {e}; a restart before the reveal would lose it");
	}
	let votes = answer.runs.len();
	finish(&worker, task, answer, view.created).await?;
	tracing::info!(
		target: "worker",
		"task {task:?}: result submitted ({public} public outputs, {written} ledger writes, {created} new secrets, {} rounds, {} bytes sent, {votes} runs voted for)",
		stats.rounds,
		stats.bytes_sent
	);
	Ok(())
}

/// What a member reveals: its result, and the runs it completed with the same outcome (transcript
/// roots and who ran them, its result's first), which it votes for.
#[derive(Encode, Decode)]
struct Answer {
	result: TaskResult<Runtime>,
	runs: Vec<Run>,
}

/// Whether a run of a contract with these outputs makes a result the chain takes: no more
/// ledger writes, new secrets or public outputs than it keeps per task. (A requester whose task
/// made more would otherwise have every member run it and then find no result to submit.)
fn fits_a_result(outputs: &[OutputSlot]) -> Result<(), String> {
	use pallet_secret_compute::Config;
	use sp_core::Get;
	let ledger = outputs.iter().filter(|o| matches!(o.target, OutputTarget::Ledger(_))).count();
	// A key set twice is one secret (the last value).
	let keys: std::collections::BTreeSet<u64> = outputs.iter().filter_map(|o| if let OutputTarget::Secret { key, .. } = o.target { Some(key) } else { None }).collect();
	let secrets = keys.len();
	// Each public output a u128, after the count's compact prefix (at most 5 bytes).
	let public = outputs.iter().filter(|o| o.target == OutputTarget::Everyone).count();
	let (max_ledger, max_secrets, max_bytes) = (
		<<Runtime as Config>::MaxLedgerWrites as Get<u32>>::get() as usize,
		<<Runtime as Config>::MaxNewSecrets as Get<u32>>::get() as usize,
		<<Runtime as Config>::MaxOutputs as Get<u32>>::get() as usize,
	);
	if ledger > max_ledger || secrets > max_secrets || 5 + 16 * public > max_bytes {
		return Err(format!(
			"the contract makes {ledger} ledger writes, {secrets} new secrets and {public} public outputs; a task's result holds at most {max_ledger}, {max_secrets} and {} public outputs",
			(max_bytes - 5) / 16
		));
	}
	Ok(())
}

/// A run's result as the chain takes it, from what the run settled.
fn task_result(task: H256, contract: H256, settled: &Settled, gas_used: Balance, opened: [u8; 32]) -> Result<TaskResult<Runtime>, String> {
	let outputs = settled.public.encode();
	Ok(TaskResult::<Runtime> {
		// With the digest of every value the run opened: only its members know it, so a member
		// that sat the run out cannot commit to the result even where the rest is predictable.
		transcript_root: enigma_chain::offchain::result_root(task, contract, &outputs, &settled.ledger_writes, &settled.new_secrets, gas_used, opened),
		outputs: outputs.try_into().map_err(|_| "public outputs exceed the chain's limit")?,
		new_secrets: settled.new_secrets.clone().try_into().map_err(|_| "more new secrets than the chain takes per task")?,
		ledger_writes: settled.ledger_writes.clone().try_into().map_err(|_| "more ledger writes than the chain takes per task")?,
		gas_used,
	})
}

/// Commits to and reveals the stored `result` of the task created at block `created`; forgets
/// it once the task no longer needs it.
async fn finish(worker: &Worker, task: H256, answer: Answer, created: BlockNumber) -> Result<(), TaskError> {
	let outcome = commit_and_reveal(worker, task, answer).await;
	// Kept only after a passing failure (the node unreachable) while the task is pending: the
	// next attempt reveals it. Revealed, too late, or the task over: it has no use left.
	if !matches!(outcome, Err(TaskError::Local(_))) || !still_to_reveal(worker, task, created).await {
		let _ = worker.store.remove_result(&task);
	}
	if outcome.is_ok() {
		worker.metrics.tasks_completed.inc();
	}
	outcome
}

/// Whether `task` (created at `created`) is pending and this worker may still reveal its result
/// (when the chain cannot be asked: yes).
async fn still_to_reveal(worker: &Worker, task: H256, created: BlockNumber) -> bool {
	match worker.chain.runtime_api::<Option<TaskView<AccountId, Balance, BlockNumber>>>("SecretComputeApi_task", task, None).await {
		Ok(Some(view)) => view.status == TaskStatus::Pending && view.created == created,
		Ok(None) => false,
		Err(_) => true,
	}
}

/// At start: forgets stored results of tasks that are no longer pending (they ended while the
/// worker was down, or their reveal failed for good), as [`sweeps`] says; `forget` whether the
/// node may be asked what is gone ([`Worker::may_forget`]).
pub async fn sweep_results(worker: &Worker, forget: bool) {
	for task in worker.store.stored_results() {
		let read = worker.chain.runtime_api::<Option<TaskView<AccountId, Balance, BlockNumber>>>("SecretComputeApi_task", task, None).await;
		if sweeps(&read, forget) {
			let _ = worker.store.remove_result(&task);
		}
	}
}

/// Whether a stored result goes, given what the node answered about its task: once the task
/// ended; once it is gone, only when the node may be asked what is gone (`forget`,
/// [`crate::worker::may_forget_at`]). A failed read keeps it: the result is what a member that
/// committed reveals, and without it the member could neither reveal nor abort.
pub fn sweeps<E>(read: &Result<Option<TaskView<AccountId, Balance, BlockNumber>>, E>, forget: bool) -> bool {
	match read {
		Ok(Some(view)) => view.status != TaskStatus::Pending,
		Ok(None) => forget,
		Err(_) => false,
	}
}

/// Commits to `answer`, waits until the committee's commitments close, then reveals it: a
/// member that did not compute finds nothing on chain to copy before it has committed.
async fn commit_and_reveal(worker: &Worker, task: H256, answer: Answer) -> Result<(), TaskError> {
	let local = |e: enigma_chain::ChainError| TaskError::Local(e.to_string());
	let salt = worker.keys.result_salt(task);
	let Answer { result, runs } = answer;
	let runs: pallet_secret_compute::RunsOf<Runtime> = runs.try_into().map_err(|_| TaskError::Local("more runs than a committee has members".into()))?;
	let hash = pallet_secret_compute::reveal_hash(&result, &runs);
	let commitment = pallet_secret_compute::result_commitment(task, &worker.account(), hash, &salt);
	match worker.submit(RuntimeCall::SecretCompute(pallet_secret_compute::Call::commit_result { task, commitment })).await {
		Ok(_) => tracing::info!(target: "worker", "task {task:?}: committed to its result"),
		Err(enigma_chain::ChainError::Failed(e)) if e.contains("CommitmentsClosed") => return Err(TaskError::TooLate),
		// Committed before a restart (an abort would also answer; the reveal then says so).
		Err(enigma_chain::ChainError::Failed(e)) if e.contains("AlreadySubmitted") => {},
		Err(e) => return Err(local(e)),
	}
	// A passing RPC error must not cost the reveal (the member would be late): keep asking for
	// as long as a task may live.
	let mut failures = 0;
	loop {
		match worker.chain.runtime_api::<Option<TaskView<AccountId, Balance, BlockNumber>>>("SecretComputeApi_task", task, None).await {
			Ok(None) => return Err(TaskError::Local("the task is gone".into())),
			Ok(Some(view)) if view.status != TaskStatus::Pending => return finished_before_reveal(task, view.status),
			Ok(Some(view)) if view.reveal_open => break,
			Ok(Some(_)) => failures = 0,
			Err(e) if failures < REVEAL_POLL_FAILURES => {
				failures += 1;
				tracing::debug!(target: "worker", "task {task:?}: asking whether reveals are open: {e}");
			},
			Err(e) => return Err(local(e)),
		}
		tokio::time::sleep(REVEAL_POLL).await;
	}
	match worker.submit(RuntimeCall::SecretCompute(pallet_secret_compute::Call::submit_result { task, result, runs, salt })).await {
		Ok(_) => Ok(()),
		// The others' reveals completed it first (a quorum needs no more): not this worker's fault.
		Err(enigma_chain::ChainError::Failed(e)) if e.contains("TaskNotPending") => {
			tracing::info!(target: "worker", "task {task:?}: ended before this member's reveal landed");
			Ok(())
		},
		// Refused by the chain (not committed, say, after an abort): it would be refused again.
		Err(e @ enigma_chain::ChainError::Failed(_)) => {
			let _ = worker.store.remove_result(&task);
			Err(local(e))
		},
		Err(e) => Err(local(e)),
	}
}

fn finished_before_reveal(task: H256, status: TaskStatus) -> Result<(), TaskError> {
	match status {
		TaskStatus::Completed => {
			tracing::info!(target: "worker", "task {task:?}: completed by the others' reveals before this member's");
			Ok(())
		},
		status => Err(TaskError::Local(format!("the task ended ({status:?}) before this member revealed its result"))),
	}
}

/// Proves on chain that `offender` (a member's account and peer id) sent this member, `me`, a
/// frame no honest member sends in the run `session` (the first run, or the rerun of the
/// members in `rerun`): the p2p layer kept the frame with its sender's signature. The offender
/// is slashed to the other members; when several members report it, the first report counts
/// and the others fail with `AlreadySlashed`.
async fn report_malformed_frame(worker: Arc<Worker>, task: H256, session: [u8; 32], rerun: Option<Vec<u32>>, offender: (AccountId, PeerId, usize), me: usize) {
	let Some(dht) = worker.dht.get() else { return };
	// The frame may have failed to decode for another reason (an element not below the modulus):
	// then there is no evidence the chain can check, and nothing is reported.
	let offender_index = offender.2;
	let Some(frame) = dht.take_evidence(&session, &offender.1).into_iter().next() else {
		tracing::warn!(target: "worker", "task {task:?}: {} sent a frame that does not decode, with no evidence the chain can check", offender.0);
		return;
	};
	let Ok(signature) = <[u8; 64]>::try_from(frame.signature.as_slice()) else { return };
	let proof = pallet_secret_compute::MisbehaviourProof::MalformedFrame { running: rerun, recipient: me as u32, seq: frame.seq, payload: frame.payload, signature };
	// The other members ask whom this one blames: the proof is what makes them believe it (one
	// the chain would refuse as too long convinces nobody, and would swell the answer).
	let encoded = proof.encode();
	if encoded.len() <= pallet_workers::MAX_PROOF_LEN as usize {
		worker.keep_blame_proof(task, offender_index, encoded);
	}
	let offender = offender.0;
	let call = RuntimeCall::Workers(pallet_workers::Call::report { task, offender: offender.clone(), offence: pallet_workers::Offence::Misbehaviour, proof: proof.encode() });
	match worker.submit(call).await {
		Ok(_) => tracing::warn!(target: "worker", "task {task:?}: reported {offender} for a malformed signed frame"),
		// (Another member's report may have come first: AlreadySlashed. A worker with no free
		// balance to cover a false report's penalty cannot report at all: say so louder.)
		Err(e) if e.to_string().contains("CannotCoverPenalty") => {
			tracing::warn!(target: "worker", "task {task:?}: cannot report {offender}: this account's free balance does not cover the false-report penalty")
		},
		Err(e) => tracing::info!(target: "worker", "task {task:?}: reporting {offender}: {e}"),
	}
}

/// What a member needs to run a task's circuit with some of its committee.
struct Runs {
	worker: Arc<Worker>,
	dht: enigma_p2p::DhtHandle,
	task: H256,
	circuit: Arc<enigma_mpc::circuit::Circuit>,
	held: Arc<Vec<Vec<HeldInput<Fr>>>>,
	/// Every committee member's peer id and account, by index.
	peers: Vec<PeerId>,
	accounts: Vec<AccountId>,
	me: usize,
	t: usize,
	/// The contract asks for a dishonest majority: auditable SPDZ, on preprocessing from the
	/// committee's stock or made first ([`spdz_run`]), instead of maliciously secure Shamir.
	spdz: bool,
	committee: u32,
	/// Set once the task's computation is over or given up ([`GiveUpOnDrop`]).
	given_up: Arc<std::sync::atomic::AtomicBool>,
}

/// Sets its flag when dropped, unless taken: a task's runs stop ([`until_given_up`]) once the
/// member is done with the task, or gave up on it at the deadline's guard.
struct GiveUpOnDrop(Option<Arc<std::sync::atomic::AtomicBool>>);

impl Drop for GiveUpOnDrop {
	fn drop(&mut self) {
		if let Some(flag) = &self.0 {
			flag.store(true, std::sync::atomic::Ordering::SeqCst);
		}
	}
}

/// A run's transport that fails its next frame once the task is given up. The run's blocking
/// thread cannot be stopped otherwise: nobody waiting for its outcome any more, it would go on
/// to its end (a long circuit, MASCOT for a large one), taking a core and its memory from the
/// tasks after it. (A requester could pile such runs up with tasks that fail, their gas back.)
fn until_given_up<T: Transport>(inner: T, given_up: Arc<std::sync::atomic::AtomicBool>) -> impl Transport {
	let party = inner.party();
	Stoppable::new(inner, move || {
		given_up.load(std::sync::atomic::Ordering::SeqCst).then(|| MpcError::Disconnected { peer: party, reason: "the task was given up".into() })
	})
}

/// A run's outputs, its statistics and the digest of every value it opened (a SPDZ run's:
/// its transcript's root).
type Done = spdz_run::Done;

impl Runs {
	/// One run with the committee members `running` (indices, at their original Shamir points):
	/// the first run with everyone, or a rerun with the members listed. A frame that does not
	/// decode is reported on chain in the background (the next run must not wait a block for it),
	/// even when nobody waits for this run's outcome any more (another run was taken).
	async fn run(&self, running: &[usize], timeout: Duration) -> Result<Result<Done, MpcError>, TaskError> {
		let n = self.peers.len();
		let first = running.len() == n;
		let members: Vec<u32> = running.iter().map(|m| *m as u32).collect();
		let session = session_of(self.task, running, n);
		let run_peers = running.iter().map(|m| self.peers[*m]).collect();
		let points: Vec<u64> = running.iter().map(|m| *m as u64 + 1).collect();
		let mut channel = self.dht.mpc_channel(session, run_peers, timeout).map_err(|e| TaskError::Local(e.to_string()))?;
		if self.worker.misbehave == Some(crate::worker::Misbehaviour::MalformedFrames) {
			channel.sign_malformed_frames();
		}
		let position = running.iter().position(|m| *m == self.me).unwrap_or_default();
		let faults = self.worker.misbehave.map(|mode| mode.faults(position, running.len(), first, self.spdz)).unwrap_or_default();
		let transport = Faulty::new(until_given_up(channel, self.given_up.clone()), faults);
		let (mut circuit, held, t, spdz, committee) = (self.circuit.clone(), self.held.clone(), self.t, self.spdz, self.committee);
		// A run without some members does not shrink: who would finish it would depend on who
		// was left out, and a liar that forces reruns could pick a set of the first members it
		// holds a majority of. The committee's order (the chain's draw) fixes those of the first run.
		if !first && circuit.shrink.is_some() {
			circuit = Arc::new(enigma_mpc::circuit::Circuit { shrink: None, ..(*circuit).clone() });
		}
		let (worker, task, me, running) = (self.worker.clone(), self.task, self.me, running.to_vec());
		let accused = |m: usize| (self.accounts[m].clone(), self.peers[m], m);
		let suspects: Vec<_> = running.iter().map(|m| accused(*m)).collect();
		// Spawned, so that dropping this future (another run was taken) drops neither the run
		// nor the report of a frame it could not decode.
		let outcome = tokio::spawn(async move {
			let outcome = if spdz {
				// Only ever with every member, at points 1..n (SPDZ's adoption); the thread goes
				// on to make the committee's next batch once it has handed over the outcome.
				let (sent, outcome) = tokio::sync::oneshot::channel();
				let stock = spdz_run::Stock { store: worker.store.clone(), committee, public: worker.keys.encryption_public(), secret: worker.keys.encryption.clone() };
				tokio::task::spawn_blocking(move || spdz_run::run(transport, n, task, circuit, held, stock, sent));
				outcome.await.map_err(|_| TaskError::Local("the MPC thread stopped".into()))?
			} else {
				// An adaptive circuit (whitepaper 5.4) hands its second part to the first members
				// of the run; the others deal their shares to them and wait for the outputs.
				if let Some(shrink) = circuit.shrinks(running.len()) {
					let stays = running.iter().position(|m| *m == me).is_some_and(|p| p < shrink.members);
					tracing::info!(target: "worker", "task {task:?}: the run shrinks to {} of its {} members at gate {} (this member {})", shrink.members, running.len(), shrink.at, if stays { "stays" } else { "hands over and leaves" });
				}
				tokio::task::spawn_blocking(move || {
					adaptive::run_held(transport, t, &points, |transport, t, points| Malicious::<Fr, _>::with_points(transport, t, points), &circuit, &held)
				})
				.await
				.map_err(|e| TaskError::Local(format!("MPC thread: {e}")))?
			};
			// Errors name parties by their place in the run; the rest of the worker by committee index.
			// A frame that does not decode can only come from its sender: the channels are
			// authenticated and honest members encode correctly. Blamed, and reported once.
			Ok::<_, TaskError>(outcome.map_err(|e| match e {
				MpcError::Malformed { from, reason } => {
					if worker.blame(task, running[from]) {
						let rerun = (!first).then(|| members.clone());
						tokio::spawn(report_malformed_frame(worker, task, session, rerun, suspects[from].clone(), me));
					}
					MpcError::Malformed { from: running[from], reason }
				},
				e => e,
			}))
		});
		outcome.await.map_err(|e| TaskError::Local(format!("MPC task: {e}")))?
	}

	/// After a run with every member failed although all answer: a run without each other
	/// member, all at once (the one without this member is the others' to run). Every run that
	/// completes is returned, in the order every member uses (without the last member first):
	/// the member keeps the first one's shares and votes for all of them on chain, so a liar that
	/// lets the runs it sits in complete for some members and not others cannot split the honest
	/// votes: the run without it completes for every honest member. A liar that stalls the runs
	/// it is in delays the answer until they time out, or the deadline's guard takes the runs
	/// in `completed` so far.
	async fn without_each(&self, inputs: &Inputs, completed: &Completed) -> Result<Vec<(Done, Vec<usize>)>, TaskError> {
		use futures::StreamExt;
		let n = self.peers.len();
		let subsets: Vec<Vec<usize>> = (0..n).rev().filter(|k| *k != self.me).map(|k| without(n, k)).collect();
		let mut pending: futures::stream::FuturesUnordered<_> =
			subsets.iter().enumerate().map(|(i, running)| async move { (i, self.run(running, SUSPECT_RUN_TIMEOUT).await) }).collect();
		let mut errors = Vec::new();
		while let Some((i, outcome)) = pending.next().await {
			// A local failure in one run (its thread) costs that run only.
			let outcome = match outcome {
				Ok(outcome) => outcome,
				Err(e) => {
					tracing::warn!(target: "worker", "task {:?}: a run without one member: {e}", self.task);
					continue;
				},
			};
			match outcome {
				Ok(done) => completed.add(i, done, subsets[i].clone()),
				Err(e) => {
					let left_out: Vec<usize> = (0..n).filter(|m| !subsets[i].contains(m)).collect();
					tracing::warn!(target: "worker", "task {:?}: the run without member {left_out:?} failed: {e}", self.task);
					errors.push(e);
				},
			}
		}
		let done = completed.take();
		if !done.is_empty() {
			return Ok(done);
		}
		// Every run failed. An input out of range is its owner's doing, whichever run found it.
		let failure = errors.into_iter().reduce(|kept, e| if matches!(e, MpcError::InputOutOfRange { .. }) { e } else { kept });
		Err(failure.map_or(TaskError::Aborted("no run without one member completed".into()), |e| inputs.failure(e)))
	}
}

/// The runs without each member that completed, with their place in the order the members use.
#[derive(Default)]
struct Completed(std::sync::Mutex<Vec<(usize, Done, Vec<usize>)>>);

impl Completed {
	fn add(&self, place: usize, done: Done, running: Vec<usize>) {
		self.0.lock().unwrap_or_else(|e| e.into_inner()).push((place, done, running));
	}

	/// The runs completed so far, in order, taken out.
	fn take(&self) -> Vec<(Done, Vec<usize>)> {
		let mut done = std::mem::take(&mut *self.0.lock().unwrap_or_else(|e| e.into_inner()));
		done.sort_by_key(|(place, ..)| *place);
		done.into_iter().map(|(_, done, running)| (done, running)).collect()
	}
}

/// The members of a committee of `n` but member `k`, ascending: the order that names the run's
/// session ([`session_of`]), so that every member, and a member abandoning the session, name the
/// same one.
pub(crate) fn without(n: usize, k: usize) -> Vec<usize> {
	(0..n).filter(|m| *m != k).collect()
}

/// The p2p session of the task's run with the committee members `running` (ascending indices
/// into a committee of `n`): the task id for the run with everyone, the chain's hash of the
/// members otherwise (a report of a frame of the run names it the same way).
pub(crate) fn session_of(task: H256, running: &[usize], n: usize) -> [u8; 32] {
	let members: Vec<u32> = running.iter().map(|m| *m as u32).collect();
	pallet_secret_compute::run_session(task, (running.len() < n).then_some(&members[..]))
}

/// This member's view of a task's inputs.
struct Inputs {
	/// Its shares, arranged by the circuit's parties (`held[p]`, in order).
	held: Vec<Vec<HeldInput<Fr>>>,
	/// Each party's identity: the owner of all its inputs, for private outputs and new secrets.
	owners: Vec<Option<H256>>,
	/// Where each party's inputs are among the task's inputs (`None`: a public ledger value).
	positions: Vec<Vec<Option<u32>>>,
}

impl Inputs {
	/// Whether the inputs were shared for the security the contract asks for: with degree n − 1
	/// and their owners' MACs for a dishonest majority (SPDZ), with degree t otherwise. Public
	/// values (`L.get`) enter SPDZ without a MAC, which it does not take yet.
	fn fit(&self, security: Security) -> Result<(), TaskError> {
		let dishonest = security == Security::DishonestMajority;
		for (party, held) in self.held.iter().enumerate() {
			for (index, input) in held.iter().enumerate() {
				match (dishonest, input.mac.is_some(), self.positions[party][index]) {
					(true, false, None) => return Err(TaskError::Invalid("a value the committee holds carries no owner's MAC; a dishonest-majority run cannot take it".into())),
					(true, false, Some(k)) => return Err(TaskError::Invalid(format!("input #{k} was shared for an honest majority; the contract asks for a dishonest majority (share it with --security dishonest-majority)"))),
					(false, true, k) => return Err(TaskError::Invalid(format!("input #{} was shared for a dishonest majority; the contract runs with an honest majority", k.unwrap_or_default()))),
					_ => {},
				}
			}
		}
		Ok(())
	}

	/// Why a run failed, as the chain hears it: a range check that failed after every integrity
	/// check passed is the owner's doing if the value is one of the task's inputs.
	fn failure(&self, e: MpcError) -> TaskError {
		match e {
			MpcError::InputOutOfRange { owner, index } => match self.positions.get(owner).and_then(|p| p.get(index)).copied().flatten() {
				Some(k) => TaskError::BadInput(k),
				None => TaskError::Aborted(format!("the range check of a value the committee holds failed (party {owner}, input {index})")),
			},
			e => TaskError::Aborted(e.to_string()),
		}
	}
}

/// Input records asked for in one runtime call (a few hundred KB of answer).
const SECRET_FETCHES: usize = 1024;

/// This member's shares of the circuit's inputs, each checked against the slot it fills: a
/// secret of a kind the slot cannot hold, a stored secret (`MPC[k]`) of another contract or key,
/// or a party whose inputs belong to different identities make the task invalid. An integer
/// brings its bits' shares, which the run uses to prove its range; a secret a task computed
/// brings none (the chain recorded its width). `L.get` values are public: every member's share
/// of a public value is the value itself.
/// Whether the task names as many inputs as the entry point takes: checked before anything is
/// sized by the inputs (a transcript's bound, the records read).
fn inputs_match(slots: &[InputSlot], view: &TaskView<AccountId, Balance, BlockNumber>) -> Result<(), TaskError> {
	let secret_slots = slots.iter().filter(|s| matches!(s.source, InputSource::Party(_) | InputSource::Secret(_))).count();
	if secret_slots != view.inputs.len() {
		return Err(format!("the entry point takes {secret_slots} secret inputs, the task names {}", view.inputs.len()).into());
	}
	Ok(())
}

async fn gather_inputs(
	worker: &Worker,
	view: &TaskView<AccountId, Balance, BlockNumber>,
	slots: &[InputSlot],
	parties: usize,
	me: usize,
) -> Result<Inputs, TaskError> {
	inputs_match(slots, view)?;
	// Every input's record, a thousand per runtime call: one call per input, ten thousand
	// inputs took longer than a task's deadline on the development chain.
	let mut infos: Vec<Option<SecretView<AccountId>>> = Vec::with_capacity(view.inputs.len());
	for chunk in view.inputs.chunks(SECRET_FETCHES) {
		// (The node unreachable is this member's passing trouble, not the task's: it tries again.)
		let views: Vec<Option<SecretView<AccountId>>> = worker.secrets(chunk).await.map_err(|e| TaskError::Local(e.to_string()))?;
		if views.len() != chunk.len() {
			return Err(format!("the node answered {} input records for {}", views.len(), chunk.len()).into());
		}
		infos.extend(views);
	}
	let mut infos = infos.into_iter();
	let mut inputs = Inputs { held: vec![Vec::new(); parties], owners: vec![None; parties], positions: vec![Vec::new(); parties] };
	let mut secrets = view.inputs.iter().enumerate();
	for slot in slots {
		let owner = match slot.source {
			InputSource::Party(p) => p,
			InputSource::Secret(_) | InputSource::Ledger { .. } => 0,
			InputSource::Data(key) => {
				return Err(format!("input DHT[{key}]: DHT data is encrypted to its owner; share it with `enigma secret share` to compute on it").into())
			},
		};
		if owner >= parties {
			return Err(format!("input {} belongs to party {owner} of {parties}", slot.name).into());
		}
		let (input, position) = match slot.source {
			InputSource::Ledger { key, at } => (HeldInput::plain(Fr::from(ledger_value(worker, view, key, at).await?)), None),
			_ => {
				let (k, secret) = secrets.next().ok_or("inputs ran out")?;
				let info = infos.next().flatten().ok_or_else(|| format!("input {secret:?} is not a registered secret"))?;
				check_slot(slot, view.contract, secret, &info)?;
				match inputs.owners[owner] {
					Some(identity) if identity != info.owner =>
						return Err(format!("party {owner}'s inputs belong to different identities ({identity:?}, {:?})", info.owner).into()),
					_ => inputs.owners[owner] = Some(info.owner),
				}
				let held = held_share(worker, secret, &info, me)?;
				// A narrower integer fills a wider slot with zero bits on top, and a field slot
				// without its bits (`check_slot`).
				let held = if slot.bits <= 128 { held.widened(slot.bits) } else { held.as_field() };
				let held = held.map_err(|e| format!("{}: {e}", slot.name))?;
				(held, Some(k as u32))
			},
		};
		inputs.held[owner].push(input);
		inputs.positions[owner].push(position);
	}
	Ok(inputs)
}

/// Whether `secret` may fill `slot`: a `MPC[key]` slot takes only what this contract stored
/// under that key; a typed slot takes an integer no wider than its type (a field slot takes
/// anything).
fn check_slot(slot: &InputSlot, contract: H256, secret: &H256, info: &SecretView<AccountId>) -> Result<(), String> {
	if let InputSource::Secret(key) = slot.source {
		if info.origin != Some((contract, key)) {
			return Err(format!("{}: {secret:?} is not what this contract stored under MPC[{key}] (it comes from {:?})", slot.name, info.origin));
		}
	}
	let field_slot = slot.bits > 128;
	match info.kind {
		_ if field_slot => Ok(()),
		ValueKind::Int { bits } if u32::from(bits) <= slot.bits => Ok(()),
		kind => Err(format!("{}: {secret:?} is a {kind:?}, which does not fit this {}-bit slot", slot.name, slot.bits)),
	}
}

/// This member's share of `secret` from its store: the value and, for a client-shared integer,
/// its bits. A client's share is its [`share_width`] values then the Pedersen blind; a share
/// a task made is the value alone (with its MAC under a dishonest majority), from the run the
/// chain agreed on (its commitment is that run's transcript root). A member that did not
/// complete that run still brings the share it has: it is another sharing, so the run's checks
/// fail and the committee completes the rerun without this member, as it would if it refused.
fn held_share(worker: &Worker, secret: &H256, info: &SecretView<AccountId>, me: usize) -> Result<HeldInput<Fr>, String> {
	let share = worker.store.share_for_run(secret, &info.commitment).or_else(|| worker.store.share(secret));
	let share = share.ok_or_else(|| format!("no share of input {secret:?}"))?;
	let plain = share.open(&worker.keys.encryption).ok_or("a stored share no longer opens")?;
	let elements = decode_all::<Fr>(&plain, me).map_err(|e| e.to_string())?;
	if info.origin.is_some() && info.security == pallet_secret_compute::Security::DishonestMajority {
		// A value a dishonest-majority task kept, with its MAC.
		return committed_input::held_kept(&elements, me, info.members.len()).map_err(|e| format!("the stored share of {secret:?}: {e}"));
	}
	let dealt_for_dishonest = committed_input::dealt_for_dishonest_majority(&share.pedersen, info.members.len());
	if dealt_for_dishonest != (info.security == pallet_secret_compute::Security::DishonestMajority) {
		return Err(format!("input {secret:?} is registered for {:?}, but its share was dealt for the other", info.security));
	}
	if dealt_for_dishonest {
		return committed_input::held_tagged(share_bits(share.kind), &elements, &share.pedersen).map_err(|e| format!("the stored share of {secret:?}: {e}"));
	}
	let value = *elements.first().ok_or_else(|| format!("the stored share of {secret:?} is empty"))?;
	let bits = elements.get(1..share_width(share.kind)).map(<[Fr]>::to_vec).unwrap_or_default();
	Ok(HeldInput { value, bits, mac: None, vss: None })
}

/// What `L.get(key, at)` reads in this task, by the rule every member and auditor follows
/// ([`ledger_value_in`]), on the key's history in the state of the (finalized) block that
/// created the task, which later writes cannot change; where this member's node pruned that
/// state, in its best block. A value pushed out of the history there is beyond this member's
/// reach: it says the task cannot run.
async fn ledger_value(worker: &Worker, view: &TaskView<AccountId, Balance, BlockNumber>, key: u64, at: u64) -> Result<u128, TaskError> {
	let local = |e: enigma_chain::ChainError| TaskError::Local(format!("reading L[{key}]: {e}"));
	let read = |at| worker.chain.storage_raw(ledger_key(view.contract, key), at);
	let created = worker.chain.block_hash(view.created).await.map_err(local)?;
	let history = match created {
		Some(hash) => match read(Some(hash)).await {
			Ok(history) => history,
			Err(e) => {
				tracing::warn!(target: "worker", "reading L[{key}] in block #{}: {e}; reading it at the best block", view.created);
				read(None).await.map_err(local)?
			},
		},
		None => read(None).await.map_err(local)?,
	};
	ledger_value_in(history.as_deref(), key, at, view.created).map_err(TaskError::Invalid)
}

/// What a run produced, sorted by where it goes.
struct Settled {
	public: Vec<u128>,
	ledger_writes: Vec<(u64, u128)>,
	new_secrets: Vec<NewSecret>,
	/// This member's shares of the new secrets, under the ids the chain derives.
	shares: Vec<(H256, HeldShare)>,
	/// This member's shares of the outputs for a party, by output index.
	outputs: Vec<(u32, crate::store::HeldOutput)>,
}

/// Public outputs and ledger writes go on chain; outputs for a party are to be kept (sealed)
/// for that party to collect; new secrets (`MPC.set`) are to be stored like delivered shares,
/// sealed to this worker's key, under the ids the chain derives, and are reported with the input
/// that names their owner and their width. Nothing is stored here: the caller keeps the shares
/// of the run whose result it reveals, and another run's apart.
fn settle_outputs(
	worker: &Worker,
	task: H256,
	view: &TaskView<AccountId, Balance, BlockNumber>,
	slots: &[OutputSlot],
	outputs: Vec<(String, HeldOutput<Fr>)>,
	inputs: &Inputs,
	me: usize,
) -> Result<Settled, String> {
	let mut settled = Settled { public: Vec::new(), ledger_writes: Vec::new(), new_secrets: Vec::new(), shares: Vec::new(), outputs: Vec::new() };
	let public_key = worker.keys.encryption_public();
	// New secrets, sealed once complete: (id, owner, kind, this member's elements).
	let mut kept: Vec<(H256, H256, ValueKind, Vec<Fr>)> = Vec::new();
	for (index, ((name, output), slot)) in outputs.into_iter().zip(slots).enumerate() {
		match (output, &slot.target) {
			(HeldOutput::Public(v), OutputTarget::Ledger(key)) => {
				settled.ledger_writes.push((*key, to_u128(v).ok_or_else(|| format!("{name} does not fit in 128 bits"))?))
			},
			(HeldOutput::Public(v), _) => settled.public.push(to_u128(v).ok_or_else(|| format!("output {name} does not fit in 128 bits"))?),
			(HeldOutput::Held { share, check, .. }, OutputTarget::Secret { key, owner, bits }) => {
				let identity = inputs.owners.get(*owner).copied().flatten().ok_or_else(|| format!("{name} is for party {owner}, who has no input"))?;
				let owner_input = inputs.positions[*owner].iter().flatten().next().copied().ok_or_else(|| format!("party {owner} gave no secret input"))?;
				let kind = match bits {
					Some(bits) => ValueKind::Int { bits: u8::try_from(*bits).map_err(|_| format!("{name}: {bits} bits"))? },
					None => ValueKind::Field,
				};
				// Under SPDZ the share comes with its output check (r, r·y, r·r), which its owner
				// checks it by, and the `Mac` output after it adds the second one.
				let elements: Vec<Fr> = std::iter::once(share).chain(check.into_iter().flatten()).collect();
				let id = new_secret_id(task, *key);
				kept.retain(|(s, ..)| *s != id);
				kept.push((id, identity, kind, elements));
				settled.new_secrets.retain(|s| s.key != *key);
				settled.new_secrets.push(NewSecret { key: *key, owner_input, kind });
			},
			(HeldOutput::Held { check: Some(check), .. }, OutputTarget::Mac(key)) => {
				// The check (s, s·y, s·s) by which the tasks that read MPC[key] check it.
				let id = new_secret_id(task, *key);
				match kept.iter_mut().find(|(s, ..)| *s == id) {
					Some((.., elements)) if elements.len() == 4 => elements.extend(check),
					_ => return Err(format!("{name}: a MAC for no value kept just before it")),
				}
			},
			(_, OutputTarget::Mac(_)) => return Err(format!("{name}: a MAC without its check (only a dishonest majority's run makes one)")),
			(HeldOutput::Held { to, share, check }, _) => {
				let recipient = inputs.owners.get(to).copied().flatten().ok_or_else(|| format!("output {name} is for party {to}, who has no input"))?;
				// Under SPDZ the share comes with the recipient's check values (r, r·y, r·r).
				let elements: Vec<Fr> = std::iter::once(share).chain(check.into_iter().flatten()).collect();
				settled.outputs.push((index as u32, crate::store::HeldOutput::seal(&public_key, &task, index as u32, recipient, &to_bytes(&elements))));
			},
		}
	}
	for (id, identity, kind, elements) in kept {
		// One element under Shamir; under SPDZ the value and both checks.
		if elements.len() != 1 && elements.len() != committed_input::KEPT_ELEMENTS {
			return Err(format!("new secret {id:?}: kept without the check the tasks that read it need"));
		}
		settled.shares.push((id, HeldShare::seal(&public_key, identity, view.committee, me as u32, kind, &to_bytes(&elements))));
	}
	Ok(settled)
}

/// Resolves once the chain's best block is within `margin` blocks of `deadline` (asked every
/// [`DEADLINE_POLL`]; a passing RPC error is asked again).
async fn deadline_near(worker: &Worker, deadline: BlockNumber, margin: BlockNumber) {
	loop {
		if let Ok(best) = worker.chain.best_number().await {
			if best.saturating_add(margin) >= deadline {
				return;
			}
		}
		tokio::time::sleep(DEADLINE_POLL).await;
	}
}

/// Asks the other members (`others`, by committee index) every `poll` how far they are with the
/// task, until none prepares it or one has gone ahead; returns those it waited for. A member
/// that does not answer (`ask` gives `None`) is not waited for; one that says it prepares
/// forever is the caller's to bound. A member gone ahead is followed as soon as it says so,
/// without waiting for the others' answers to that round (a member that holds its answer back
/// cannot hold this one back with it).
async fn wait_for_preparing<F, Fut>(others: &[usize], poll: Duration, ask: F) -> Vec<usize>
where
	F: Fn(usize) -> Fut,
	Fut: std::future::Future<Output = Option<Readiness>>,
{
	use futures::StreamExt;
	let mut waited = Vec::new();
	loop {
		let ask = &ask;
		let mut answers: futures::stream::FuturesUnordered<_> = others.iter().map(|m| async move { (*m, ask(*m).await) }).collect();
		let mut preparing = Vec::new();
		while let Some((m, answer)) = answers.next().await {
			match answer {
				Some(Readiness::Going) => return waited,
				Some(Readiness::Preparing) => preparing.push(m),
				_ => {},
			}
		}
		if preparing.is_empty() {
			return waited;
		}
		preparing.sort();
		for m in preparing {
			if !waited.contains(&m) {
				waited.push(m);
			}
		}
		tokio::time::sleep(poll).await;
	}
}

/// How far `peer` says it is with `task`; `None` if it does not answer in time (or answers
/// something else: a worker of an older version refuses the question).
async fn readiness_of(dht: &enigma_p2p::DhtHandle, peer: PeerId, task: H256) -> Option<Readiness> {
	let ask = dht.app_request(peer, WorkerRequest::Readiness { task }.encode());
	match tokio::time::timeout(READY_PROBE_TIMEOUT, ask).await {
		Ok(Ok(answer)) => match WorkerResponse::decode(&mut &answer[..]) {
			Ok(WorkerResponse::Readiness(readiness)) => Some(readiness),
			_ => None,
		},
		_ => None,
	}
}

/// The members (indices) that can go on after the run with everyone failed with `e`: when
/// members did not answer in time or sent frames nobody can decode, those that answer and are
/// not blamed; otherwise (a check failed) everyone.
async fn continuing_after(worker: &Worker, task: H256, e: &MpcError, peers: &[PeerId], me: usize) -> Vec<usize> {
	let n = peers.len();
	if !matches!(e, MpcError::Timeout { .. } | MpcError::Disconnected { .. } | MpcError::Malformed { .. }) {
		return (0..n).collect();
	}
	// (A member that sent a frame nobody can decode is blamed already, by `Runs::run`.)
	let (live, blamed) = live_and_blamed(worker, task, peers, me).await;
	let continuing: Vec<usize> = live.iter().copied().filter(|m| !blamed.contains(m)).collect();
	if continuing.len() < n {
		let excluded: Vec<usize> = (0..n).filter(|m| !continuing.contains(m)).collect();
		let silent: Vec<usize> = (0..n).filter(|m| !live.contains(m)).collect();
		tracing::warn!(target: "worker", "task {task:?}: {e}; continuing without members {excluded:?} (silent: {silent:?}, blamed: {blamed:?})");
	}
	continuing
}

/// Committee members (indices) that answer within a few seconds, this one included, and the
/// members blamed for undecodable frames: by this worker, or by an answering member that proves
/// it ([`proven_blames`]), so a cheater cannot get an honest member excluded.
async fn live_and_blamed(worker: &Worker, task: H256, peers: &[PeerId], me: usize) -> (Vec<usize>, Vec<usize>) {
	let mine = worker.blamed(&task);
	let Some(dht) = worker.dht.get() else { return (vec![me], mine) };
	let probes = peers.iter().enumerate().map(|(i, peer)| async move {
		if i == me {
			return Some((i, Vec::new()));
		}
		let ask = dht.app_request(*peer, WorkerRequest::Blame { task }.encode());
		match tokio::time::timeout(PROBE_TIMEOUT, ask).await {
			Ok(Ok(answer)) => match WorkerResponse::decode(&mut &answer[..]) {
				Ok(WorkerResponse::Blamed(list)) => Some((i, list)),
				_ => Some((i, Vec::new())),
			},
			_ => None,
		}
	});
	let answers: Vec<(usize, Vec<(u32, Vec<u8>)>)> = futures::future::join_all(probes).await.into_iter().flatten().collect();
	let blamed = proven_blames(task, peers, me, mine, &answers);
	(answers.into_iter().map(|(i, _)| i).collect(), blamed)
}

/// The members to leave out: those this worker blames itself (it received their undecodable
/// frames), and those another member accuses with a proof that shows, as the chain would check
/// it, a frame the accused signed for the accuser and no honest member sends. A bare accusation
/// counts for nothing here: a cheater could otherwise name an honest member and split the
/// honest members' reruns.
fn proven_blames(task: H256, peers: &[PeerId], me: usize, mine: Vec<usize>, answers: &[(usize, Vec<(u32, Vec<u8>)>)]) -> Vec<usize> {
	let registered: Vec<Vec<u8>> = peers.iter().map(|peer| peer.to_bytes()).collect();
	let mut blamed = mine;
	for (accuser, accusations) in answers {
		for (accused, proof) in accusations {
			let accused = *accused as usize;
			if accused >= peers.len() || accused == me || accused == *accuser {
				continue;
			}
			let proven = pallet_secret_compute::MisbehaviourProof::decode(&mut &proof[..]).is_ok_and(|proof| proof.proves(task, accused, &registered));
			if proven {
				blamed.push(accused);
			}
		}
	}
	blamed.sort_unstable();
	blamed.dedup();
	blamed
}

#[cfg(test)]
mod tests {
	/// Attacker review: a run's thread nothing waits for any more (the task given up at its
	/// deadline's guard) stops at its next frame instead of running to its end; a SPDZ run that
	/// answered keeps its transport for the committee's next batch.
	#[test]
	fn a_given_up_tasks_runs_stop_at_their_next_frame() {
		let mut parties = enigma_mpc::transport::mem::network(2).into_iter();
		let guard = GiveUpOnDrop(Some(Arc::default()));
		let given_up = guard.0.clone().unwrap();
		let mut run = until_given_up(parties.next().unwrap(), given_up.clone());
		let mut other = parties.next().unwrap();
		run.send(1, vec![1]).unwrap();
		assert_eq!(other.recv(0).unwrap(), vec![1]);
		drop(guard);
		assert!(matches!(run.send(1, vec![2]), Err(MpcError::Disconnected { .. })));
		assert!(matches!(run.recv(1), Err(MpcError::Disconnected { .. })));
		// Taken (a SPDZ run that answered): nothing is given up.
		let mut kept = GiveUpOnDrop(Some(Arc::default()));
		let flag = kept.0.clone().unwrap();
		kept.0 = None;
		drop(kept);
		assert!(!flag.load(std::sync::atomic::Ordering::SeqCst));
	}

	use super::*;
	use enigma_p2p::identity::Keypair;

	/// Attacker review: the sweep at start forgot a committed member's stored result whenever
	/// the node could not be asked (an error, a node behind), and then the member could neither
	/// reveal it nor abort: unpaid, and slashed at the deadline if no quorum formed without it.
	#[test]
	fn a_stored_result_goes_only_once_its_task_is_known_to_have_ended() {
		let view = |status| TaskView::<AccountId, Balance, BlockNumber> {
			requester: AccountId::new([1; 32]),
			contract: H256::zero(),
			entry: Vec::new(),
			inputs: Vec::new(),
			public_args: Vec::new(),
			committee: 0,
			members: Vec::new(),
			gas_limit: 0,
			created: 5,
			deadline: 25,
			status,
			reveal_open: false,
			result_root: None,
			prices: pallet_secret_compute::PriceTable { add: 0, mul: 0, open: 0, input: 0, round: 0 },
			security: pallet_secret_compute::Security::HonestMajority,
		};
		for forget in [true, false] {
			assert!(!sweeps::<()>(&Ok(Some(view(TaskStatus::Pending))), forget));
			assert!(sweeps::<()>(&Ok(Some(view(TaskStatus::Completed))), forget));
			assert!(sweeps::<()>(&Ok(Some(view(TaskStatus::Failed))), forget));
			assert!(!sweeps::<()>(&Err(()), forget), "a failed read keeps it");
		}
		assert!(sweeps::<()>(&Ok(None), true), "gone from a node not behind: pruned");
		assert!(!sweeps::<()>(&Ok(None), false), "gone from a node behind: maybe not created yet there");
	}

	/// A member ready to run waits for one that says it is still preparing (its node came back
	/// late), and for nobody else: not for one that waits too, nor for one that does not answer.
	/// Once another member has gone ahead it follows at once, whatever a third says: a liar that
	/// tells it "preparing" and tells the others not cannot keep it out of their run.
	#[tokio::test]
	async fn a_member_ready_to_run_waits_for_one_still_preparing_and_follows_one_gone_ahead() {
		use std::sync::atomic::{AtomicUsize, Ordering};
		use Readiness::*;
		let asked = [AtomicUsize::new(0), AtomicUsize::new(0), AtomicUsize::new(0), AtomicUsize::new(0)];
		// Member 1 prepares for its first three answers; member 2 waits; member 3 is silent.
		let ask = |m: usize| {
			let times = asked[m].fetch_add(1, Ordering::SeqCst);
			async move {
				match m {
					1 if times < 3 => Some(Preparing),
					1 | 2 => Some(Waiting),
					_ => None,
				}
			}
		};
		let waited = wait_for_preparing(&[1, 2, 3], Duration::from_millis(1), ask).await;
		assert_eq!(waited, vec![1]);
		assert_eq!(asked[1].load(Ordering::SeqCst), 4, "asked until it was ready, then no more");
		assert_eq!(asked[0].load(Ordering::SeqCst), 0, "a member does not ask itself");
		// Member 1 says it prepares forever; member 2 goes ahead at its second answer.
		let asked = AtomicUsize::new(0);
		let liar = |m: usize| {
			let round = if m == 2 { asked.fetch_add(1, Ordering::SeqCst) } else { 0 };
			async move { if m == 1 { Some(Preparing) } else if round < 1 { Some(Waiting) } else { Some(Going) } }
		};
		assert_eq!(wait_for_preparing(&[1, 2], Duration::from_millis(1), liar).await, vec![1]);
		assert_eq!(asked.load(Ordering::SeqCst), 2, "followed member 2 as soon as it went");
		// Member 1 holds its answer back: member 2's going ahead is followed without it.
		let stalled = |m: usize| async move {
			if m == 1 {
				std::future::pending::<()>().await;
			}
			Some(Going)
		};
		let followed = tokio::time::timeout(Duration::from_secs(5), wait_for_preparing(&[1, 2], Duration::from_millis(1), stalled)).await;
		assert_eq!(followed.expect("not held back by the stalled answer"), Vec::<usize>::new());
		// Nobody preparing: one round of questions, nobody waited for.
		let ready = |_: usize| async { Some(Waiting) };
		assert!(wait_for_preparing(&[0, 2], Duration::from_secs(3600), ready).await.is_empty());
	}

	/// A requester's contract that writes more than a result holds is refused before any member
	/// runs it (and would be an invalid task, not a silence, after a run): every member aborts
	/// rather than retry in vain and be slashed for Timeout.
	#[test]
	fn a_contract_that_writes_more_than_a_result_holds_is_refused_up_front() {
		let writes = |n: usize| (0..n as u64).map(|k| OutputSlot { name: format!("L[{k}]"), target: OutputTarget::Ledger(k) }).collect::<Vec<_>>();
		let source = |n: usize| format!("contract W {{\n    pub fn w() {{\n{}    }}\n}}\n", (0..n).map(|k| format!("        L[{k}] = 1;\n")).collect::<String>());
		for (n, fits) in [(16, true), (17, false)] {
			assert_eq!(fits_a_result(&writes(n)).is_ok(), fits, "{n} ledger writes");
			let compiled = enigma_lang::compile(&source(n), "w", &Default::default(), 1).unwrap();
			assert_eq!(fits_a_result(&compiled.manifest.outputs).is_ok(), fits, "{n} writes compiled");
		}
		let secrets = |n: u64| (0..n).map(|key| OutputSlot { name: format!("MPC[{key}]"), target: OutputTarget::Secret { key, owner: 0, bits: None } }).collect::<Vec<_>>();
		assert!(fits_a_result(&secrets(16)).is_ok());
		assert!(fits_a_result(&secrets(17)).unwrap_err().contains("17 new secrets"));
		// The same key set twice is one secret.
		assert!(fits_a_result(&[secrets(16), secrets(16)].concat()).is_ok());
		let public = |n: usize| vec![OutputSlot { name: "out".into(), target: OutputTarget::Everyone }; n];
		assert!(fits_a_result(&public(255)).is_ok());
		assert!(fits_a_result(&public(256)).is_err());
	}

	/// Issue #14 (a forged accusation): a member that names an honest one without proof gets
	/// nobody left out; an accusation with a frame the accused signed, which no honest member
	/// sends, leaves the accused out, as the chain would slash it.
	#[test]
	fn only_proven_accusations_leave_a_member_out() {
		let keys: Vec<Keypair> = (0..4).map(|_| Keypair::generate_ed25519()).collect();
		let peers: Vec<PeerId> = keys.iter().map(|k| k.public().to_peer_id()).collect();
		let task = H256::repeat_byte(7);
		// Member 2 signed, for member 1, a frame no honest member sends.
		let payload = vec![0u8; enigma_primitives::FRAME_HEADER + 5];
		let digest = enigma_primitives::mpc_frame_digest(&pallet_secret_compute::run_session(task, None), 3, &peers[1].to_bytes(), &payload);
		let signature: [u8; 64] = keys[2].sign(&digest).unwrap().try_into().unwrap();
		let proof = |payload: Vec<u8>| pallet_secret_compute::MisbehaviourProof::MalformedFrame { running: None, recipient: 1, seq: 3, payload, signature }.encode();
		// Member 3 (a cheater) names member 0's peer... and member 2, with nothing to show.
		let bare = vec![(3, vec![(0, Vec::new()), (2, Vec::new())])];
		assert_eq!(proven_blames(task, &peers, 0, Vec::new(), &bare), Vec::<usize>::new());
		// A proof for another frame, or another task, proves nothing.
		let forged = vec![(1, vec![(2, proof(vec![1u8; enigma_primitives::FRAME_HEADER + 5]))])];
		assert_eq!(proven_blames(task, &peers, 0, Vec::new(), &forged), Vec::<usize>::new());
		assert_eq!(proven_blames(H256::repeat_byte(8), &peers, 0, Vec::new(), &[(1, vec![(2, proof(payload.clone()))])]), Vec::<usize>::new());
		// Member 1's proof leaves member 2 out, at every honest member; this member's own blame
		// stands without one.
		let proven = vec![(1, vec![(2, proof(payload.clone()))]), (3, vec![(0, Vec::new())])];
		assert_eq!(proven_blames(task, &peers, 0, Vec::new(), &proven), vec![2]);
		assert_eq!(proven_blames(task, &peers, 0, vec![3], &proven), vec![2, 3]);
	}
}
