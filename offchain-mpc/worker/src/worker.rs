//! What the worker's parts share: the chain, the keys, the store, the DHT, and one queue for
//! the extrinsics it signs (nonces must not race).

use crate::{keys::WorkerKeys, metrics::Metrics, store::WorkerStore};
use codec::Decode;
use enigma_chain::{Chain, ChainError, Events};
use enigma_p2p::{DhtHandle, PeerId};
use enigma_runtime::RuntimeCall;
use pallet_secret_compute::runtime_api::SecretView;
use sp_core::{crypto::AccountId32, H256};
use std::sync::{Arc, OnceLock};

pub struct Worker {
	pub chain: Arc<Chain>,
	pub keys: WorkerKeys,
	pub store: WorkerStore,
	pub metrics: Metrics,
	pub dht: OnceLock<DhtHandle>,
	/// Test mode (`--misbehave`): this worker's MPC frames are corrupted, and the shares it
	/// hands back for declassification are false.
	pub misbehave: bool,
	/// Committee members (by index) whose frames this worker could not decode, per task.
	blames: std::sync::Mutex<std::collections::HashMap<H256, std::collections::BTreeSet<usize>>>,
	/// Tasks this worker has started, so catching up with the chain never runs one twice.
	started: std::sync::Mutex<std::collections::HashSet<H256>>,
	/// Acknowledgements under way, so catching up never queues one twice.
	acking: std::sync::Mutex<std::collections::HashSet<H256>>,
	submit_queue: tokio::sync::Mutex<()>,
	/// Whose early MPC frames this worker's node keeps: the chain's active workers and the
	/// members of the tasks it runs (an unbonding member still computes).
	expected: std::sync::Mutex<ExpectedPeers>,
}

const SUBMIT_ATTEMPTS: u32 = 3;

#[derive(Default)]
struct ExpectedPeers {
	active: std::collections::HashSet<PeerId>,
	tasks: std::collections::HashMap<H256, Vec<PeerId>>,
}

/// Keeps a task's members expected while it lives.
pub struct TaskPeers<'a>(&'a Worker, H256);

impl Drop for TaskPeers<'_> {
	fn drop(&mut self) {
		self.0.update_expected(|e| {
			e.tasks.remove(&self.1);
		});
		// If the run never opened here (the task failed before it), the others' frames for it
		// must not hold their share of the early buffer.
		if let Some(dht) = self.0.dht.get() {
			dht.abandon_mpc_session(pallet_secret_compute::run_session(self.1, None));
		}
	}
}

impl Worker {
	pub fn new(chain: Arc<Chain>, keys: WorkerKeys, store: WorkerStore, metrics: Metrics, misbehave: bool) -> Self {
		Self { chain, keys, store, metrics, dht: OnceLock::new(), misbehave, blames: Default::default(), started: Default::default(), acking: Default::default(), submit_queue: tokio::sync::Mutex::new(()), expected: Default::default() }
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
		TaskPeers(self, task)
	}

	fn update_expected(&self, change: impl FnOnce(&mut ExpectedPeers)) {
		let mut expected = self.expected.lock().expect("expected peers lock");
		change(&mut expected);
		if let Some(dht) = self.dht.get() {
			dht.expect_mpc_peers(expected.active.iter().chain(expected.tasks.values().flatten()).copied().collect());
		}
	}

	pub fn blame(&self, task: H256, member: usize) {
		self.blames.lock().expect("blames lock").entry(task).or_default().insert(member);
	}

	pub fn blamed(&self, task: &H256) -> Vec<usize> {
		self.blames.lock().expect("blames lock").get(task).map(|b| b.iter().copied().collect()).unwrap_or_default()
	}

	/// True the first time it is called for `task`.
	pub fn start(&self, task: H256) -> bool {
		self.started.lock().expect("started lock").insert(task)
	}

	pub fn account(&self) -> AccountId32 {
		self.keys.account_id()
	}

	/// Signs and submits `call`, one at a time.
	/// Submits `call` signed by this worker, one submission at a time. A refusal for a passing
	/// reason (the node restarting, its pool behind the chain) is retried, up to
	/// [`SUBMIT_ATTEMPTS`] times 2 s apart: a lost result or acknowledgement costs an honest
	/// worker its pay or the owner its secret. A call that failed on chain is not retried.
	pub async fn submit(&self, call: RuntimeCall) -> Result<Events, ChainError> {
		let _turn = self.submit_queue.lock().await;
		let mut attempt = 1;
		loop {
			match self.chain.submit(&self.keys.account, call.clone()).await {
				Ok((_, events)) => return Ok(events),
				Err(e @ (ChainError::Rejected(_) | ChainError::Rpc { .. } | ChainError::Connect { .. })) if attempt < SUBMIT_ATTEMPTS => {
					tracing::debug!(target: "worker", "submission refused (attempt {attempt}): {e}");
					tokio::time::sleep(std::time::Duration::from_secs(2)).await;
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

	/// The libp2p peer ids of `members`, from their registrations.
	pub async fn peer_ids(&self, members: &[AccountId32]) -> Result<Vec<PeerId>, String> {
		let mut peers = Vec::with_capacity(members.len());
		for member in members {
			let entry = self
				.chain
				.worker(member, None)
				.await
				.map_err(|e| e.to_string())?
				.ok_or_else(|| format!("{member} is not a registered worker"))?;
			peers.push(PeerId::from_bytes(&entry.peer_id).map_err(|e| format!("{member}'s peer id: {e}"))?);
		}
		Ok(peers)
	}

	/// Acknowledges a held share once its secret is registered on chain (idempotent).
	/// Acknowledges `secret` in a background task (failures are logged), unless that is already
	/// under way.
	pub fn acknowledge_in_background(self: &Arc<Self>, secret: H256) {
		if !self.acking.lock().expect("acking lock").insert(secret) {
			return;
		}
		let worker = self.clone();
		tokio::spawn(async move {
			if let Err(e) = worker.acknowledge(secret).await {
				tracing::warn!(target: "worker", "acknowledging {secret:?}: {e}");
			}
			worker.acking.lock().expect("acking lock").remove(&secret);
		});
	}

	pub async fn acknowledge(&self, secret: H256) -> Result<(), String> {
		let Some(mut held) = self.store.share(&secret) else { return Ok(()) };
		if held.acknowledged {
			return Ok(());
		}
		let Some(view) = self.secret(secret).await.map_err(|e| e.to_string())? else {
			return Ok(()); // not registered yet: SecretRegistered will bring us back
		};
		if !view.members.contains(&self.account()) {
			return Err(format!("secret {secret:?} is registered for a committee without this worker"));
		}
		// The owner registered the kind of value it delivered to us, or the secret is not the
		// one we hold a share of: tasks would then read it at a width it does not have.
		if view.kind != held.kind {
			return Err(format!("secret {secret:?} is registered as {:?}, but its share was delivered as {:?}", view.kind, held.kind));
		}
		let call = RuntimeCall::SecretCompute(pallet_secret_compute::Call::ack_secret { secret });
		match self.submit(call).await {
			Ok(_) => {}
			Err(ChainError::Failed(e)) if e.contains("AlreadyAcknowledged") => {}
			Err(e) => return Err(e.to_string()),
		}
		held.acknowledged = true;
		self.store.put_share(&secret, &held).map_err(|e| e.to_string())?;
		tracing::info!(target: "worker", "acknowledged share of secret {secret:?}");
		Ok(())
	}
}

/// Decodes a SCALE value from an event or storage blob, for tests and messages.
pub fn decode<T: Decode>(bytes: &[u8]) -> Option<T> {
	T::decode(&mut &bytes[..]).ok()
}
