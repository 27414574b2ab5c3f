//! What the worker's parts share: the chain, the keys, the store, the DHT, and one queue for
//! the extrinsics it signs (nonces must not race).

use crate::{
	keys::WorkerKeys,
	metrics::Metrics,
	store::{HeldShare, WorkerStore},
};
use codec::Decode;
use enigma_chain::{Chain, ChainError, Events};
use enigma_mpc::{circuit::HeldInput, field::Fr, transport::faulty::Fault};
use enigma_p2p::{DhtHandle, PeerId};
pub use enigma_protocol::messages::Readiness;

/// Why [`Worker::peer_ids`] has no peers: the chain could not be read (this worker's trouble), or
/// a member's registration cannot be used (none, a peer id that does not parse, or one that
/// another member has too): every member reads the same, so a task of that committee cannot run.
#[derive(Debug)]
pub enum PeersError {
	Chain(String),
	Unusable(String),
}

impl std::fmt::Display for PeersError {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match self {
			PeersError::Chain(e) | PeersError::Unusable(e) => f.write_str(e),
		}
	}
}
use enigma_protocol::messages::REGISTER_FIRST;
use enigma_runtime::RuntimeCall;
use pallet_secret_compute::runtime_api::SecretView;
use sp_core::{crypto::AccountId32, H256};
use std::sync::{Arc, OnceLock};

/// Test modes (`--misbehave`): a worker that deviates on purpose, so the tests can show what the
/// honest members and the chain do about it. In `malformed-frames`, `wrong-values`, `silent` and
/// `false-shares` it also hands owners false shares (a secret's, when they declassify, and a
/// task's private outputs).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Misbehaviour {
	/// MPC frames the committee cannot decode: pinned on the sender and proven on chain.
	MalformedFrames,
	/// Well-formed MPC messages whose values are off by one, from the third frame to each member
	/// on (after the run's random r and the circuit agreement): the committee's checks fail
	/// without saying who lied.
	WrongValues,
	/// [`Misbehaviour::WrongValues`] in the run with every member only, honest in every rerun
	/// and to owners: after the first run fails, every run without one member completes, so
	/// each member completed several and votes for all of them.
	WrongValuesFirst,
	/// Nothing more sent in a run after the circuit agreement, while it still answers the
	/// others' liveness probes: a member that stalls every run it is in.
	Silent,
	/// Honest in every run, lying only to owners: every share it hands out is off by one.
	FalseShares,
	/// Honest in every run and to owners; when its committee hands a secret over, it deals
	/// another value than its share (its share plus one, under commitments consistent with that
	/// value): a new member proves it on chain, which slashes it.
	WrongHandovers,
	/// Honest in every run and to owners; when its committee hands a secret over, it deals its
	/// share truly but hands each new member a share off the dealing (plus one), signed: the
	/// member shows the signed share to the chain, which slashes it.
	WrongHandoverShares,
	/// Honest to owners and in every honest-majority run; in a dishonest-majority run it opens
	/// one false share, the same to every member, in its sixth frame to each (when the run starts
	/// from the committee's stock, the triples' sacrifice: the others check it against its
	/// commitments and name it; otherwise a MASCOT coin's opening, which names it too).
	WrongOpening,
	/// Honest to owners and in every honest-majority run; in a dishonest-majority run it enters
	/// its share of the first input an owner dealt plus one (the lowest bit's and the value's):
	/// the others check its entry proof against the owner's commitments and name it.
	WrongEntry,
}

impl Misbehaviour {
	/// Whether the worker hands owners false shares.
	pub fn lies_to_owners(self) -> bool {
		!matches!(self, Misbehaviour::WrongValuesFirst | Misbehaviour::WrongHandovers | Misbehaviour::WrongHandoverShares | Misbehaviour::WrongOpening | Misbehaviour::WrongEntry)
	}

	/// The faults a member (`me` of the `n` in a run; `first`: the run with every member)
	/// injects into its outgoing frames.
	/// The faults of this mode in a run (`first`: the run with every member) of a task, run with
	/// SPDZ or not (`spdz`).
	pub fn faults(self, me: usize, n: usize, first: bool, spdz: bool) -> Vec<Fault> {
		let wrong_values = || (0..n).filter(|to| *to != me).map(|to| Fault::Offset { to, from_nth: 2, delta: 1 }).collect();
		match self {
			Misbehaviour::MalformedFrames => vec![Fault::Truncate { from_nth: 0 }],
			Misbehaviour::WrongValues => wrong_values(),
			Misbehaviour::WrongValuesFirst if first => wrong_values(),
			Misbehaviour::WrongValuesFirst => vec![],
			Misbehaviour::Silent => vec![Fault::Mute { from_nth: 2 }],
			// Frames 0 to 4: the stock's round, the commitments' hash, the commitments, the
			// owners' mask shares and the accounts of the broadcasts.
			Misbehaviour::WrongOpening if spdz => (0..n).filter(|to| *to != me).map(|to| Fault::Corrupt { to, nth: 5, byte: 0 }).collect(),
			Misbehaviour::WrongOpening => vec![],
			Misbehaviour::FalseShares | Misbehaviour::WrongHandovers | Misbehaviour::WrongHandoverShares | Misbehaviour::WrongEntry => vec![],
		}
	}

	/// The held inputs this member brings into a run of a task (run with SPDZ or not).
	pub fn entered(self, mut held: Vec<Vec<HeldInput<Fr>>>, spdz: bool) -> Vec<Vec<HeldInput<Fr>>> {
		if self == Misbehaviour::WrongEntry && spdz {
			if let Some(input) = held.iter_mut().flatten().find(|input| input.vss.is_some()) {
				input.value += Fr::from(1u64);
				if let Some(bit) = input.bits.first_mut() {
					*bit += Fr::from(1u64);
				}
			}
		}
		held
	}
}

pub struct Worker {
	pub chain: Arc<Chain>,
	pub keys: WorkerKeys,
	pub store: WorkerStore,
	pub metrics: Metrics,
	pub dht: OnceLock<DhtHandle>,
	/// Test mode (`--misbehave`): how this worker deviates from the protocol, if it does.
	pub misbehave: Option<Misbehaviour>,
	/// Committee members (by index) whose frames this worker could not decode, per task.
	/// Per task, the members this worker blames (by index), each with the proof it holds (an
	/// encoded `MisbehaviourProof`), once it has one.
	blames: std::sync::Mutex<std::collections::HashMap<H256, std::collections::BTreeMap<usize, Option<Vec<u8>>>>>,
	/// Tasks this worker has started, so catching up with the chain never runs one twice.
	started: std::sync::Mutex<std::collections::HashSet<H256>>,
	/// How far this worker is with each task it got ready for ([`Worker::readiness`]): what it
	/// answers the members that ask before their run with everyone.
	readiness: std::sync::Mutex<std::collections::HashMap<H256, Readiness>>,
	/// Acknowledgements waiting for the next `ack_secrets`.
	acks: std::sync::Mutex<AckQueue>,
	/// Shares held whose secret was not seen registered yet ([`Unregistered`]).
	unregistered: std::sync::Mutex<Unregistered>,
	pub unregistered_ttl: std::time::Duration,
	submit_queue: tokio::sync::Mutex<()>,
	/// Whose early MPC frames this worker's node keeps: the chain's active workers and the
	/// members of the tasks it runs (an unbonding member still computes).
	expected: std::sync::Mutex<ExpectedPeers>,
	/// Whether this leaving worker is moving its committees' secrets away already
	/// ([`crate::handover::rotate_away`]): catching up starts it again only once it ended.
	pub rotating: std::sync::atomic::AtomicBool,
	/// Whether a wait for the end of this worker's unbonding period is under way
	/// ([`crate::handover::release_unmovable_once_unbonded`]): one is enough.
	pub releasing: std::sync::atomic::AtomicBool,
	/// Whether this worker rotates its committees when it leaves (`--no-rotation` says not).
	pub rotate_on_leaving: bool,
	/// What the gateway read from the chain for declassifications ([`crate::service::ChainLooks`]):
	/// a replayed signed request is answered from here, not with a block's events each time.
	pub(crate) looks: std::sync::Mutex<crate::service::ChainLooks>,
	/// One contract compiles at a time: a compile may take a gigabyte for a circuit at the gate
	/// limit, and a block may bring many tasks. The permit goes with the compiling thread, which
	/// nothing stops once started, not with the task that gave up waiting for it.
	pub compiling: Arc<tokio::sync::Semaphore>,
}

const SUBMIT_ATTEMPTS: u32 = 4;
/// The wait before each retry of a refused submission: the first soon (the pool refuses a nonce
/// the chain used a block ago, and on a chain that seals a block per transaction that costs
/// blocks), the others once the node has had time to come back.
const SUBMIT_RETRY_WAITS: [std::time::Duration; SUBMIT_ATTEMPTS as usize - 1] =
	[std::time::Duration::from_millis(250), std::time::Duration::from_secs(2), std::time::Duration::from_secs(2)];
/// Secrets per `ack_secrets` (the runtime's `MaxSecretBatch`).
const ACK_BATCH: usize = 1024;
/// How long a delivered share waits for its secret's registration by default.
pub const UNREGISTERED_TTL: std::time::Duration = std::time::Duration::from_secs(30 * 60);
/// How long the acknowledging loop gathers shares before it sends a batch.
const ACK_GATHER: std::time::Duration = std::time::Duration::from_millis(300);
/// The proofs a `Blame` answer carries, at most, in bytes (application messages are capped at
/// 16 MiB).
const BLAME_PROOF_BYTES: usize = 8 << 20;
/// Shares held and not yet acknowledged, at most: in all, and of one identity. A client keeps at
/// most a few batches of 1,024 in flight (dealt, delivered, registered, acknowledged; the CLI
/// waits when four registrations are queued), so neither cap slows an honest one; a flood of
/// deliveries nobody registers fills them, not the disk. Deliveries are not signed, so anyone
/// can fill an identity's room: its owner then registers before it delivers
/// ([`enigma_protocol::messages::REGISTER_FIRST`]), and shares of registered secrets need none.
const MAX_UNREGISTERED: usize = 65_536;
pub const MAX_UNREGISTERED_PER_IDENTITY: usize = 16_384;

/// The shares held whose secret was not seen registered yet: since when, and whose. Anyone can
/// deal to the published keys (to an identity that exists on chain, which costs its deposit): a
/// share whose secret is not registered within `unregistered_ttl` is dropped, and the shares
/// waiting are capped in all and per identity, so deliveries nobody pays for cannot fill the
/// disk, and one identity's cannot keep the others' out.
pub struct Unregistered {
	since: std::collections::HashMap<H256, (std::time::Instant, H256)>,
	per_identity: std::collections::HashMap<H256, usize>,
	/// Shares of one identity held at most ([`MAX_UNREGISTERED_PER_IDENTITY`] unless a test
	/// network sets less).
	pub cap_per_identity: usize,
}

impl Default for Unregistered {
	fn default() -> Self {
		Self { since: Default::default(), per_identity: Default::default(), cap_per_identity: MAX_UNREGISTERED_PER_IDENTITY }
	}
}

impl Unregistered {
	/// Whether `incoming` more shares, counted by identity, fit under the caps.
	pub fn admit(&self, incoming: &std::collections::HashMap<H256, usize>) -> Result<(), String> {
		let total: usize = incoming.values().sum();
		if self.since.len() + total > MAX_UNREGISTERED {
			return Err(format!("this worker holds {} shares whose secrets are not registered yet (at most {MAX_UNREGISTERED}): {REGISTER_FIRST}", self.since.len()));
		}
		for (identity, count) in incoming {
			let held = self.per_identity.get(identity).copied().unwrap_or(0);
			if held + count > self.cap_per_identity {
				return Err(format!("this worker holds {held} shares of identity {identity:?} whose secrets are not registered yet (at most {}): {REGISTER_FIRST}", self.cap_per_identity));
			}
		}
		Ok(())
	}

	fn note(&mut self, secret: H256, identity: H256, now: std::time::Instant) {
		if let std::collections::hash_map::Entry::Vacant(entry) = self.since.entry(secret) {
			entry.insert((now, identity));
			*self.per_identity.entry(identity).or_default() += 1;
		}
	}

	fn remove(&mut self, secret: &H256) {
		if let Some((_, identity)) = self.since.remove(secret) {
			if let std::collections::hash_map::Entry::Occupied(mut count) = self.per_identity.entry(identity) {
				*count.get_mut() -= 1;
				if *count.get() == 0 {
					count.remove();
				}
			}
		}
	}

	fn overdue(&self, ttl: std::time::Duration) -> Vec<H256> {
		self.since.iter().filter(|(_, (since, _))| since.elapsed() >= ttl).map(|(s, _)| *s).collect()
	}
}

/// Whether a node that says (`syncing`, `finalized`) may be asked what is gone from the chain,
/// by a worker that handled block `mark` finalized: dropping a share, a takeover, a stock or a
/// result because the chain no longer shows it is final, so only on a node that is not syncing
/// and whose finalized chain reaches `mark`. A node behind (restored from a snapshot,
/// resyncing, a lagging backend of a load-balanced `--rpc`) does not show what was registered
/// after its state; not knowing is no reason to lose anything.
pub fn may_forget_at<E>(mark: u32, syncing: &Result<bool, E>, finalized: &Result<u32, E>) -> bool {
	matches!(syncing, Ok(false)) && matches!(finalized, Ok(number) if *number >= mark)
}

#[derive(Default)]
struct AckQueue {
	queued: std::collections::BTreeSet<H256>,
	/// Whether the loop that sends them is running.
	running: bool,
}

#[derive(Default)]
struct ExpectedPeers {
	active: std::collections::HashSet<PeerId>,
	tasks: std::collections::HashMap<H256, Vec<PeerId>>,
}

/// Keeps a task's members expected while it lives.
pub struct TaskPeers<'a>(&'a Worker, H256, usize);

impl Drop for TaskPeers<'_> {
	fn drop(&mut self) {
		self.0.update_expected(|e| {
			e.tasks.remove(&self.1);
		});
		// Runs that never opened here (the task failed before them, or another run was taken
		// first): the others' frames for them must not hold their share of the early buffer.
		// The first run, and every run of n - 1 members (a committee spares one member at most,
		// for t = (n - 1) / 2, and only when n is even).
		if let Some(dht) = self.0.dht.get() {
			let n = self.2;
			dht.abandon_mpc_session(pallet_secret_compute::run_session(self.1, None));
			if n % 2 == 0 {
				for k in 0..n {
					dht.abandon_mpc_session(crate::tasks::session_of(self.1, &crate::tasks::without(n, k), n));
				}
			}
		}
	}
}

impl Worker {
	pub fn new(chain: Arc<Chain>, keys: WorkerKeys, store: WorkerStore, metrics: Metrics, misbehave: Option<Misbehaviour>) -> Self {
		Self { chain, keys, store, metrics, dht: OnceLock::new(), misbehave, blames: Default::default(), started: Default::default(), readiness: Default::default(), looks: Default::default(), acks: Default::default(), rotating: Default::default(), releasing: Default::default(), rotate_on_leaving: true,
			unregistered: Default::default(),
			unregistered_ttl: UNREGISTERED_TTL, submit_queue: tokio::sync::Mutex::new(()), expected: Default::default(), compiling: Arc::new(tokio::sync::Semaphore::new(1)) }
	}

	/// The chain's active workers changed (each finalized block).
	pub fn set_active_peers(&self, peers: std::collections::HashSet<PeerId>) {
		self.update_expected(|e| e.active = peers);
	}

	/// Expects `task`'s members until the returned guard drops.
	pub fn expect_task_peers(&self, task: H256, peers: &[PeerId]) -> TaskPeers<'_> {
		self.update_expected(|e| {
			e.tasks.insert(task, peers.to_vec());
		});
		TaskPeers(self, task, peers.len())
	}

	fn update_expected(&self, change: impl FnOnce(&mut ExpectedPeers)) {
		let mut expected = self.expected.lock().expect("expected peers lock");
		change(&mut expected);
		if let Some(dht) = self.dht.get() {
			dht.expect_mpc_peers(expected.active.iter().chain(expected.tasks.values().flatten()).copied().collect());
		}
	}

	/// Blames committee member `member` for a frame nobody can decode in `task`; false if it was
	/// blamed already (one report per offender and task is all the chain takes).
	pub fn blame(&self, task: H256, member: usize) -> bool {
		let mut blames = self.blames.lock().expect("blames lock");
		let task = blames.entry(task).or_default();
		let new = !task.contains_key(&member);
		task.entry(member).or_insert(None);
		new
	}

	/// Keeps the proof against a member this worker blames, for the members that ask.
	pub fn keep_blame_proof(&self, task: H256, member: usize, proof: Vec<u8>) {
		self.blames.lock().expect("blames lock").entry(task).or_default().insert(member, Some(proof));
	}

	pub fn blamed(&self, task: &H256) -> Vec<usize> {
		self.blames.lock().expect("blames lock").get(task).map(|b| b.keys().copied().collect()).unwrap_or_default()
	}

	/// The members this worker blames for `task`, with the proofs it holds, up to
	/// [`BLAME_PROOF_BYTES`] of them (the answer must fit a message; each proof is at most the
	/// chain's `MAX_PROOF_LEN`, and one proof suffices to leave a member out).
	pub fn blame_proofs(&self, task: &H256) -> Vec<(u32, Vec<u8>)> {
		let blames = self.blames.lock().expect("blames lock");
		let mut room = BLAME_PROOF_BYTES;
		let mut answer = Vec::new();
		for (member, proof) in blames.get(task).into_iter().flatten() {
			let proof = proof.clone().filter(|p| p.len() <= room).unwrap_or_default();
			room -= proof.len();
			answer.push((*member as u32, proof));
		}
		answer
	}

	/// Forgets what this worker noted about `task` in memory (that it started it, how far it
	/// got, whom it blames), once the chain pruned the task: else each task ever run would stay.
	pub fn forget_task(&self, task: &H256) {
		self.started.lock().expect("started lock").remove(task);
		self.readiness.lock().expect("readiness lock").remove(task);
		self.blames.lock().expect("blames lock").remove(task);
	}

	/// True the first time it is called for `task`.
	pub fn start(&self, task: H256) -> bool {
		self.started.lock().expect("started lock").insert(task)
	}

	/// This worker is now this far with `task`.
	pub fn ready(&self, task: H256, readiness: Readiness) {
		self.readiness.lock().expect("readiness lock").insert(task, readiness);
	}

	/// How far this worker is with `task`: preparing it until it says otherwise (a task not seen
	/// yet included).
	pub fn readiness(&self, task: &H256) -> Readiness {
		self.readiness.lock().expect("readiness lock").get(task).copied().unwrap_or(Readiness::Preparing)
	}

	pub fn account(&self) -> AccountId32 {
		self.keys.account_id()
	}

	/// Signs `calls` with consecutive nonces and sends them together (about one block for all);
	/// a result per call. This worker's turn to submit ends once the pool holds them, so a
	/// task's commitment or reveal never waits behind a batch of acknowledgements.
	pub async fn submit_all(&self, calls: Vec<RuntimeCall>) -> Result<Vec<Result<Events, ChainError>>, ChainError> {
		let sent = {
			let _turn = self.submit_queue.lock().await;
			self.chain.send_all(&self.keys.account, calls).await?
		};
		let chain = &self.chain;
		Ok(futures::future::join_all(sent.into_iter().map(|s| async move { chain.included(s?).await.map(|(_, events)| events) })).await)
	}

	/// Submits `call` signed by this worker and waits for its block: [`Worker::submit_all`] of one
	/// call, so an answer that must land before a deadline (an abort, a reveal) does not wait for
	/// another submission's block. A refusal for
	/// a passing reason (the node restarting, its pool behind the chain, the transaction dropped)
	/// is retried, up to [`SUBMIT_ATTEMPTS`] times ([`SUBMIT_RETRY_WAITS`] apart): a lost result
	/// or acknowledgement costs an honest worker its pay or the owner its secret. A call that
	/// failed on chain is not retried.
	pub async fn submit(&self, call: RuntimeCall) -> Result<Events, ChainError> {
		let mut attempt = 1;
		loop {
			let outcome = self.submit_all(vec![call.clone()]).await.and_then(|mut sent| sent.pop().unwrap_or(Err(ChainError::Rejected("nothing was sent".into()))));
			match outcome {
				Ok(events) => return Ok(events),
				Err(e @ (ChainError::Rejected(_) | ChainError::Rpc { .. } | ChainError::Connect { .. })) if attempt < SUBMIT_ATTEMPTS => {
					tracing::info!(target: "worker", "submission refused (attempt {attempt} of {SUBMIT_ATTEMPTS}), retrying: {e}");
					tokio::time::sleep(SUBMIT_RETRY_WAITS[(attempt - 1) as usize]).await;
					attempt += 1;
				}
				Err(e) => return Err(e),
			}
		}
	}

	pub async fn committee(&self, id: u32) -> Result<Option<Vec<AccountId32>>, ChainError> {
		self.chain.runtime_api("SecretComputeApi_committee", id, None).await
	}

	pub async fn secret(&self, secret: H256) -> Result<Option<SecretView<AccountId32>>, ChainError> {
		self.chain.runtime_api("SecretComputeApi_secret", secret, None).await
	}

	/// Whether the shared identity `identity` exists (active or proposed).
	pub async fn identity_exists(&self, identity: H256) -> Result<bool, ChainError> {
		let view: Option<pallet_shared_identity::runtime_api::IdentityView<AccountId32>> = self.chain.runtime_api("SharedIdentityApi_identity", identity, None).await?;
		Ok(view.is_some())
	}

	/// The records of `secrets`, in their order, in one runtime call.
	pub async fn secrets(&self, secrets: &[H256]) -> Result<Vec<Option<SecretView<AccountId32>>>, ChainError> {
		self.secrets_at(secrets, None).await
	}

	/// [`Self::secrets`] at block `at` (the best block if `None`).
	pub async fn secrets_at(&self, secrets: &[H256], at: Option<H256>) -> Result<Vec<Option<SecretView<AccountId32>>>, ChainError> {
		self.chain.runtime_api("SecretComputeApi_secrets", secrets, at).await
	}

	/// The libp2p peer ids of `members`, from their registrations: each a different peer.
	pub async fn peer_ids(&self, members: &[AccountId32]) -> Result<Vec<PeerId>, PeersError> {
		let mut peers: Vec<PeerId> = Vec::with_capacity(members.len());
		for member in members {
			let entry = self
				.chain
				.worker(member, None)
				.await
				.map_err(|e| PeersError::Chain(e.to_string()))?
				.ok_or_else(|| PeersError::Unusable(format!("{member} is not a registered worker")))?;
			let peer = PeerId::from_bytes(&entry.peer_id).map_err(|e| PeersError::Unusable(format!("{member}'s peer id: {e}")))?;
			if peers.contains(&peer) {
				return Err(PeersError::Unusable(format!("{member}'s peer id {peer} is another member's too")));
			}
			peers.push(peer);
		}
		Ok(peers)
	}

	/// Queues the acknowledgement of a held share of `secret`. One background loop sends what is
	/// queued, up to [`ACK_BATCH`] per `ack_secrets` transaction, so a dataset of thousands of
	/// secrets costs this worker a few transactions, not one per secret.
	pub fn acknowledge_in_background(self: &Arc<Self>, secret: H256) {
		let mut acks = self.acks.lock().expect("acks lock");
		acks.queued.insert(secret);
		if !acks.running {
			acks.running = true;
			tokio::spawn(self.clone().acknowledge_queued());
		}
	}

	/// Starts the registration clock of shares just stored (or found unacknowledged at start),
	/// each with its identity.
	pub fn note_unregistered(&self, secrets: impl IntoIterator<Item = (H256, H256)>) {
		let now = std::time::Instant::now();
		let mut unregistered = self.unregistered.lock().expect("unregistered lock");
		for (secret, identity) in secrets {
			unregistered.note(secret, identity, now);
		}
	}

	/// A share that is gone (its secret removed) no longer waits for its registration.
	pub fn forget_unregistered(&self, secret: &H256) {
		self.unregistered.lock().expect("unregistered lock").remove(secret);
	}

	/// How many shares of one identity wait for registration at most (a test network sets
	/// fewer than [`MAX_UNREGISTERED_PER_IDENTITY`] to exercise the cap).
	pub fn cap_unregistered_per_identity(&mut self, cap: usize) {
		self.unregistered.get_mut().expect("unregistered lock").cap_per_identity = cap;
	}

	/// Whether shares of these identities (how many of each) may be stored now ([`Unregistered`]).
	pub fn admit_unregistered(&self, incoming: &std::collections::HashMap<H256, usize>) -> Result<(), String> {
		self.unregistered.lock().expect("unregistered lock").admit(incoming)
	}

	/// Whether the node may be asked what is gone from the chain ([`may_forget_at`]), logging
	/// why not.
	pub async fn may_forget(&self) -> bool {
		let mark = self.store.finalized_mark();
		let (syncing, finalized) = (self.chain.is_syncing().await.map_err(|e| e.to_string()), self.chain.finalized_number().await.map_err(|e| e.to_string()));
		let forget = may_forget_at(mark, &syncing, &finalized);
		if !forget {
			tracing::warn!(
				target: "worker",
				"keeping what the chain no longer shows: this worker handled block #{mark} finalized, and the node (syncing: {syncing:?}, finalized: {finalized:?}) may be behind it"
			);
		}
		forget
	}

	/// Drops the shares whose secret is still not registered `unregistered_ttl` after they came
	/// (each finalized block; a chain query only when some are overdue).
	pub async fn drop_unregistered(&self) -> Result<(), String> {
		let overdue = self.unregistered.lock().expect("unregistered lock").overdue(self.unregistered_ttl);
		// Asked again at the next block: a node behind does not know registrations after its state.
		if overdue.is_empty() || !self.may_forget().await {
			return Ok(());
		}
		let mut dropped = 0;
		for batch in overdue.chunks(ACK_BATCH) {
			let views = self.secrets(batch).await.map_err(|e| e.to_string())?;
			for (secret, view) in batch.iter().zip(views) {
				self.unregistered.lock().expect("unregistered lock").remove(secret);
				if view.is_none() {
					self.store.remove_share(secret).map_err(|e| e.to_string())?;
					dropped += 1;
				}
			}
		}
		if dropped > 0 {
			tracing::warn!(target: "worker", "dropped {dropped} share(s) whose secret was not registered within {} s", self.unregistered_ttl.as_secs());
		}
		Ok(())
	}

	async fn acknowledge_queued(self: Arc<Self>) {
		loop {
			// Shares of one dataset arrive together: gathering them a moment saves transactions.
			tokio::time::sleep(ACK_GATHER).await;
			let queued: Vec<H256> = {
				let mut acks = self.acks.lock().expect("acks lock");
				if acks.queued.is_empty() {
					acks.running = false;
					return;
				}
				std::mem::take(&mut acks.queued).into_iter().collect()
			};
			if let Err(e) = self.acknowledge(&queued).await {
				// The node away or its pool full: the batch is tried again (the store says which
				// were acknowledged meanwhile).
				tracing::warn!(target: "worker", "acknowledging {} share(s), trying again: {e}", queued.len());
				self.acks.lock().expect("acks lock").queued.extend(queued);
				tokio::time::sleep(std::time::Duration::from_secs(2)).await;
			}
		}
	}

	/// Acknowledges the held shares of `secrets` that are registered on chain as delivered: up to
	/// [`ACK_BATCH`] per transaction, the transactions sent together. Those not registered yet
	/// are left for their `SecretRegistered`.
	async fn acknowledge(&self, secrets: &[H256]) -> Result<(), String> {
		let mut ready = Vec::new();
		for batch in secrets.chunks(ACK_BATCH) {
			ready.extend(self.registered_as_held(batch).await?);
		}
		if ready.is_empty() {
			return Ok(());
		}
		let calls = ready
			.chunks(ACK_BATCH)
			.map(|batch| {
				let secrets = batch.iter().map(|(s, _)| *s).collect::<Vec<_>>().try_into().expect("at most ACK_BATCH");
				RuntimeCall::SecretCompute(pallet_secret_compute::Call::ack_secrets { secrets })
			})
			.collect();
		let mut failure = None;
		for (outcome, batch) in self.submit_all(calls).await.map_err(|e| e.to_string())?.into_iter().zip(ready.chunks(ACK_BATCH)) {
			match outcome {
				Ok(_) => {}
				// Every one was acknowledged already (a restart after the transaction landed).
				Err(ChainError::Failed(e)) if e.contains("NothingToAcknowledge") => {}
				Err(ChainError::Failed(e)) => {
					tracing::warn!(target: "worker", "acknowledging {} share(s) failed on chain: {e}", batch.len());
					continue;
				}
				Err(e) => {
					failure = Some(e.to_string());
					continue;
				}
			}
			// Re-read under the store's lock: a share released or removed while the transaction
			// was on its way stays gone.
			let secrets: Vec<H256> = batch.iter().map(|(s, _)| *s).collect();
			let done = self.store.mark_acknowledged(&secrets).map_err(|e| e.to_string())?;
			let mut unregistered = self.unregistered.lock().expect("unregistered lock");
			secrets.iter().for_each(|secret| unregistered.remove(secret));
			drop(unregistered);
			tracing::info!(target: "worker", "acknowledged {} share(s)", done.len());
		}
		failure.map_or(Ok(()), Err)
	}

	/// The shares of `secrets` held and not yet acknowledged whose secret is registered for a
	/// committee with this worker, as the kind of value delivered.
	async fn registered_as_held(&self, secrets: &[H256]) -> Result<Vec<(H256, HeldShare)>, String> {
		let held: Vec<(H256, HeldShare)> = secrets.iter().filter_map(|s| self.store.share(s).filter(|h| !h.acknowledged).map(|h| (*s, h))).collect();
		if held.is_empty() {
			return Ok(held);
		}
		let ids: Vec<H256> = held.iter().map(|(s, _)| *s).collect();
		let views: Vec<Option<SecretView<AccountId32>>> = self.chain.runtime_api("SecretComputeApi_secrets", &ids, None).await.map_err(|e| e.to_string())?;
		{
			let mut unregistered = self.unregistered.lock().expect("unregistered lock");
			for (secret, _) in ids.iter().zip(&views).filter(|(_, v)| v.is_some()) {
				unregistered.remove(secret);
			}
		}
		Ok(held
			.into_iter()
			.zip(views)
			.filter_map(|((secret, share), view)| {
				let view = view?; // not registered yet
				if !view.members.contains(&self.account()) {
					tracing::warn!(target: "worker", "secret {secret:?} is registered for a committee without this worker");
					return None;
				}
				// The owner registered the kind of value it delivered to us, or the secret is not
				// the one we hold a share of: tasks would then read it at a width it does not have.
				if view.kind != share.kind {
					tracing::warn!(target: "worker", "secret {secret:?} is registered as {:?}, but its share was delivered as {:?}", view.kind, share.kind);
					return None;
				}
				// And for the security it was dealt for: a value registered for a dishonest
				// majority but dealt with degree t would be read by honest-majority tasks and
				// could never be rejected (that takes every member's word), and the converse would
				// let t + 1 members reject it. Without this member's acknowledgement it never
				// becomes ready.
				let dealt_for_dishonest = enigma_mpc::committed_input::dealt_for_dishonest_majority(&share.pedersen, view.members.len());
				if dealt_for_dishonest != (view.security == pallet_secret_compute::Security::DishonestMajority) {
					tracing::warn!(target: "worker", "secret {secret:?} is registered for {:?}, but its share was dealt for the other", view.security);
					return None;
				}
				Some((secret, share))
			})
			.collect())
	}
}

/// Decodes a SCALE value from an event or storage blob, for tests and messages.
pub fn decode<T: Decode>(bytes: &[u8]) -> Option<T> {
	T::decode(&mut &bytes[..]).ok()
}

#[cfg(test)]
mod tests {
	use super::*;

	/// Attacker review: a node behind the chain (restored, resyncing, a lagging backend) does
	/// not show secrets registered after its state, and dropping a share because the chain no
	/// longer shows it is final. Only a node that is not syncing, finalized as far as the worker
	/// has handled, is asked; not knowing (an error) is no reason either.
	#[test]
	fn only_a_node_not_behind_the_worker_says_what_is_gone() {
		let ok = |syncing: bool, finalized: u32| may_forget_at::<()>(100, &Ok(syncing), &Ok(finalized));
		assert!(ok(false, 100) && ok(false, 250));
		assert!(!ok(false, 99), "finalized behind what this worker handled");
		assert!(!ok(true, 250), "syncing");
		assert!(!may_forget_at(100, &Err(()), &Ok(250)));
		assert!(!may_forget_at(100, &Ok(false), &Err(())));
		assert!(may_forget_at::<()>(0, &Ok(false), &Ok(0)), "a worker that handled nothing yet holds nothing the chain showed it");
	}

	/// Deliveries nobody registers fill the caps, not the disk: per identity, then in all; an
	/// acknowledged share makes room again.
	#[test]
	fn shares_waiting_for_registration_are_capped_in_all_and_per_identity() {
		let now = std::time::Instant::now();
		let mut waiting = Unregistered::default();
		let (flooder, honest) = (H256::repeat_byte(1), H256::repeat_byte(2));
		let incoming = |identity: H256, count: usize| std::collections::HashMap::from([(identity, count)]);
		for k in 0..MAX_UNREGISTERED_PER_IDENTITY as u64 {
			waiting.note(H256::from_low_u64_be(k), flooder, now);
		}
		let full = waiting.admit(&incoming(flooder, 1)).unwrap_err();
		// The refusal tells the owner's client to register first (shares of registered secrets
		// need no room: `accept_shares`).
		assert!(full.contains("identity") && full.ends_with(REGISTER_FIRST), "{full}");
		waiting.admit(&incoming(honest, 1024)).expect("another identity still has room");
		// The same secret noted twice counts once.
		waiting.note(H256::from_low_u64_be(0), flooder, now);
		assert_eq!(waiting.per_identity[&flooder], MAX_UNREGISTERED_PER_IDENTITY);
		waiting.remove(&H256::from_low_u64_be(0));
		waiting.admit(&incoming(flooder, 1)).expect("an acknowledged share makes room");
		// Identities together reach the cap in all.
		for identity in 3..(3 + MAX_UNREGISTERED / MAX_UNREGISTERED_PER_IDENTITY) as u8 {
			for k in 0..MAX_UNREGISTERED_PER_IDENTITY as u64 {
				waiting.note(H256::from_low_u64_be(((identity as u64) << 32) + k), H256::repeat_byte(identity), now);
			}
		}
		let full = waiting.admit(&incoming(honest, 1)).unwrap_err();
		assert!(full.contains("not registered yet") && full.ends_with(REGISTER_FIRST), "{full}");
		assert_eq!(waiting.overdue(std::time::Duration::ZERO).len(), waiting.since.len());
	}
}
