//! `enigma-worker run`: register on chain, serve the DHT and clients, follow finalized blocks,
//! acknowledge shares and run tasks.

use crate::{
	chain_policy::ChainAccess,
	follow,
	keys::WorkerKeys,
	metrics::Metrics,
	service::WorkerService,
	store::WorkerStore,
	tasks::run_task,
	worker::Worker,
};
use enigma_chain::{
	placement::{active_workers, ChainPlacement},
	Chain, ChainError, Subscription,
};
use enigma_p2p::{Config as DhtConfig, DhtNode, Multiaddr};
use enigma_runtime::{Header, Runtime, RuntimeCall, RuntimeEvent, UNIT};
use pallet_workers::WorkerOf;
use sp_core::crypto::Ss58Codec;
use std::{net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};

pub struct RunConfig {
	pub keys: WorkerKeys,
	pub data_dir: PathBuf,
	pub rpc: String,
	pub listen: Multiaddr,
	pub bootstrap: Vec<Multiaddr>,
	/// Stake to register with, in whole ENG.
	pub stake: u128,
	pub prometheus: Option<SocketAddr>,
	/// Where to answer clients over HTTP (browsers), if anywhere.
	pub http_gateway: Option<SocketAddr>,
	/// Test mode: deviate from the protocol this way.
	pub misbehave: Option<crate::worker::Misbehaviour>,
	/// How long a delivered share may wait for its secret's registration before it is dropped.
	pub unregistered_ttl: Duration,
	/// How many shares of one identity may wait for registration.
	pub unregistered_per_identity: usize,
	/// Whether, leaving, this worker rotates the committees it holds secrets of.
	pub rotate_on_leaving: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
	#[error(transparent)]
	Chain(#[from] ChainError),
	#[error("DHT: {0}")]
	Dht(#[from] enigma_p2p::DhtError),
	#[error("metrics: {0}")]
	Metrics(String),
	#[error("database: {0}")]
	Store(String),
	#[error("registered on chain with peer id or encryption key other than this key directory's; unbond that registration or use its keys")]
	KeyMismatch,
}

/// Registers the worker with `stake` unless it is registered already.
async fn ensure_registered(chain: &Chain, keys: &WorkerKeys, stake: u128) -> Result<WorkerOf<Runtime>, DaemonError> {
	let account = keys.account_id();
	if let Some(worker) = chain.worker(&account, None).await? {
		if worker.peer_id.as_slice() != keys.peer_id().to_bytes().as_slice() || worker.encryption_key != keys.encryption_public() {
			return Err(DaemonError::KeyMismatch);
		}
		tracing::info!(target: "worker", "already registered: stake {} ENG, reputation {}, {:?}", worker.stake / UNIT, worker.reputation, worker.status);
		return Ok(worker);
	}
	tracing::info!(target: "worker", "registering {} with a stake of {stake} ENG...", account.to_ss58check());
	// The node key signs that this account registers it, with this encryption key.
	let binding = enigma_primitives::peer_binding(&codec::Encode::encode(&account), &keys.encryption_public());
	let peer_signature: [u8; 64] = keys
		.node
		.sign(&binding)
		.ok()
		.and_then(|s| s.try_into().ok())
		.ok_or_else(|| DaemonError::Chain(ChainError::Failed("the node key is not an ed25519 key".into())))?;
	let call = RuntimeCall::Workers(pallet_workers::Call::register {
		peer_id: keys.peer_id().to_bytes(),
		encryption_key: keys.encryption_public(),
		stake: stake.saturating_mul(UNIT),
		peer_signature,
	});
	let (block, _) = chain.submit(&keys.account, call).await?;
	tracing::info!(target: "worker", "registered in block {block:?}");
	chain
		.worker(&account, Some(block))
		.await?
		.ok_or_else(|| DaemonError::Chain(ChainError::Failed("registration not found after inclusion".into())))
}

pub async fn run(config: RunConfig) -> Result<(), DaemonError> {
	let chain = Arc::new(Chain::connect(&config.rpc, Duration::from_secs(60)).await?);
	let keys = &config.keys;
	tracing::info!(target: "worker", "account {} · peer {} · node {}", keys.account_id().to_ss58check(), keys.peer_id(), config.rpc);
	let me = ensure_registered(&chain, keys, config.stake).await?;

	let registry = substrate_prometheus_endpoint::Registry::new();
	let metrics = Metrics::register(&registry).map_err(|e| DaemonError::Metrics(e.to_string()))?;
	metrics.stake.set((me.stake / UNIT) as u64);
	if let Some(address) = config.prometheus {
		tokio::spawn(async move {
			if let Err(e) = substrate_prometheus_endpoint::init_prometheus(address, registry).await {
				tracing::error!(target: "worker", "Prometheus endpoint: {e}");
			}
		});
		tracing::info!(target: "worker", "Prometheus metrics on http://{address}/metrics");
	}

	let store = WorkerStore::open_beside_keys(&config.data_dir.join("shares"), &config.keys.dir).map_err(|e| DaemonError::Store(e.to_string()))?;
	let RunConfig { keys, data_dir, listen, bootstrap, misbehave, unregistered_ttl, unregistered_per_identity, http_gateway, rotate_on_leaving, .. } = config;
	if let Some(mode) = misbehave {
		let owners = if mode.lies_to_owners() { " and hands back false shares" } else { "" };
		tracing::warn!(target: "worker", "--misbehave {mode:?}: this worker deviates from the protocol{owners} (a test mode)");
	}
	let mut worker = Worker::new(chain.clone(), keys, store, metrics.clone(), misbehave);
	worker.unregistered_ttl = unregistered_ttl;
	worker.rotate_on_leaving = rotate_on_leaving;
	worker.cap_unregistered_per_identity(unregistered_per_identity);
	let worker = Arc::new(worker);
	let keys = &worker.keys;

	let placement = Arc::new(ChainPlacement::default());
	let workers = active_workers(&chain, None).await?;
	placement.update(&workers);
	tracing::info!(target: "worker", "placement: {} active registered workers", placement.known());
	let mut dht_config = DhtConfig::new(data_dir.join("dht"));
	dht_config.key_file = Some(keys.node_key_file());
	dht_config.listen = vec![listen];
	dht_config.bootstrap = bootstrap;
	// From the start: the chain's active workers' early frames are kept, nobody else's.
	dht_config.mpc_peers = Some(active_peer_ids(&workers));
	let service = Arc::new(WorkerService(worker.clone()));
	if let Some(address) = http_gateway {
		let service = service.clone();
		tokio::spawn(async move {
			if let Err(e) = crate::gateway::serve(address, service).await {
				tracing::error!(target: "worker", "HTTP gateway on {address}: {e}");
			}
		});
	}
	let dht = DhtNode::start_with_app(dht_config, Arc::new(ChainAccess { chain: chain.clone() }), placement.clone(), Some(service)).await?;
	let _ = worker.dht.set(dht.handle());
	// (The same list, as the worker's own from now on: its tasks' members join it.)
	note_active_peers(&worker, &workers);
	tracing::info!(target: "worker", "DHT node at {}", dht.address());
	// Tests and scripts read the address from stdout.
	println!("{}", dht.address());

	// The last finalized block handled: the blocks between it and the next announced one are
	// read by their parent hashes. Catching up covers everything until now.
	let mut last = chain.header_at(chain.finalized_hash().await?).await?.map(|h| h.number);
	// Whether catching up left what the chain no longer shows to a node not behind this worker
	// (`Worker::may_forget`): it catches up again every `RETRY_FORGET` blocks until it could.
	let mut kept_back = !catch_up(&worker).await?;
	let mut blocks_since_catch_up = 0u32;
	let mut heads = chain.finalized_heads().await?;
	let mut skipped = 0u32;
	let outcome = loop {
		tokio::select! {
			head = heads.next() => {
				let header = match head {
					Some(Ok(header)) => header,
					lost => {
						let reason = lost.and_then(Result::err).map_or("the node closed the subscription".into(), |e| e.to_string());
						tracing::warn!(target: "worker", "lost the node's finalized heads ({reason}); reconnecting");
						match resubscribe(&chain).await {
							Some(fresh) => heads = fresh,
							None => break Ok(()),
						}
						// What happened meanwhile is read from the blocks or the chain's state.
						skipped += 1;
						continue;
					}
				};
				match chain.check_runtime().await {
					Err(e @ ChainError::RuntimeChanged { .. }) => break Err(e.into()),
					Err(e) => {
						tracing::warn!(target: "worker", "finalized #{}: {e}", header.number);
						continue;
					}
					Ok(()) => {}
				}
				// Far behind the chain (a burst of blocks), old blocks are skipped rather than read
				// one by one, and a block the worker cannot read (its state pruned) is not fatal:
				// once near the head again, what their events said is read from the chain's state.
				let head = chain.best_number().await.unwrap_or(header.number);
				if head.saturating_sub(header.number) > LAG_LIMIT {
					skipped += 1;
					continue;
				}
				let blocks = match last {
					None => Ok(vec![header.clone()]),
					Some(last) => follow::blocks_since(&*chain, last, header.clone(), LAG_LIMIT)
						.await
						.and_then(|blocks| blocks.ok_or_else(|| format!("{} blocks since #{last}", header.number - last))),
				};
				let outcome = match blocks {
					Ok(blocks) => {
						let mut outcome = Ok(());
						for block in &blocks {
							outcome = on_finalized(&worker, &chain, &placement, &dht, block).await;
							if let Err(e) = &outcome {
								tracing::warn!(target: "worker", "finalized #{}: {e}", block.number);
								break;
							}
							// Only what was handled: a block that failed is read again next time.
							last = Some(block.number);
							mark_finalized(&worker, block.number);
						}
						outcome
					},
					Err(e) => {
						// Too far or unreadable: the chain's state says what those blocks did.
						tracing::debug!(target: "worker", "not reading the blocks before #{}: {e}", header.number);
						skipped += 1;
						last = Some(header.number);
						mark_finalized(&worker, header.number);
						Ok(())
					},
				};
				blocks_since_catch_up += 1;
				let caught_up = if outcome.is_err() || skipped > 0 {
					tracing::debug!(target: "worker", "catching up at #{} from the chain's state ({skipped} blocks skipped)", header.number);
					skipped = 0;
					Some(catch_up(&worker).await)
				} else if kept_back && blocks_since_catch_up >= RETRY_FORGET {
					Some(settle_what_is_gone(&worker).await)
				} else {
					None
				};
				match caught_up {
					Some(Ok(complete)) => (kept_back, blocks_since_catch_up) = (!complete, 0),
					Some(Err(e)) => {
						blocks_since_catch_up = 0;
						tracing::warn!(target: "worker", "catching up: {e}");
					},
					None => {},
				}
			}
			_ = tokio::signal::ctrl_c() => break Ok(()),
		}
	};
	tracing::info!(target: "worker", "stopping");
	dht.shutdown().await;
	outcome
}

/// Keeps `number` as the highest finalized block this worker has handled (see
/// [`Worker::may_forget`]).
fn mark_finalized(worker: &Worker, number: u32) {
	if let Err(e) = worker.store.raise_finalized_mark(number) {
		tracing::warn!(target: "worker", "keeping #{number} as the last finalized block handled: {e}");
	}
}

/// Subscribes to finalized heads again, with backoff (1 s doubling to a block) while the node is
/// away; `None` on Ctrl-C.
async fn resubscribe(chain: &Chain) -> Option<Subscription<Header>> {
	let mut backoff = Duration::from_secs(1);
	loop {
		tokio::select! {
			_ = tokio::time::sleep(backoff) => {}
			_ = tokio::signal::ctrl_c() => return None,
		}
		match chain.finalized_heads().await {
			Ok(heads) => {
				tracing::info!(target: "worker", "following finalized heads again");
				return Some(heads);
			}
			Err(e) => tracing::warn!(target: "worker", "the node is still away ({e}); next try in {}s", (backoff * 2).min(MAX_BACKOFF).as_secs()),
		}
		backoff = (backoff * 2).min(MAX_BACKOFF);
	}
}

/// A block: the worker's own node is cheap to ask, and each block it does not see brings its
/// tasks' deadlines nearer unseen (at 30 s, a worker whose node restarted saw a task only once
/// its deadline's guard had fired, and the task failed).
const MAX_BACKOFF: Duration = Duration::from_millis(enigma_runtime::MILLI_SECS_PER_BLOCK);

/// How many blocks behind the chain's head the worker may fall before it skips blocks.
const LAG_LIMIT: u32 = 32;

/// Blocks between two catch-ups while one kept back what the chain no longer shows (its node
/// was behind this worker): every minute at six seconds a block.
const RETRY_FORGET: u32 = 10;

/// Acknowledges the shares held but not yet acknowledged, settles what the chain no longer
/// shows ([`settle_what_is_gone`]), resumes handovers and leaving, and starts the tasks assigned
/// to this worker that it has not started: at start, and whenever blocks were missed. `false`
/// when it kept back what the chain no longer shows, its node being behind
/// ([`Worker::may_forget`]): that part alone runs again a little later.
async fn catch_up(worker: &Arc<Worker>) -> Result<bool, DaemonError> {
	let forgot = settle_what_is_gone(worker).await?;
	let finalized = worker.chain.finalized_hash().await?;
	// Handovers whose events this worker missed: it deals its shares or takes the named set now
	// (else one member behind would stall the move, which needs every new member).
	let handovers: Vec<pallet_secret_compute::runtime_api::HandoverView> = worker.chain.runtime_api("SecretComputeApi_handovers", worker.account(), Some(finalized)).await?;
	let mut to_deal = std::collections::BTreeMap::<(u32, u32), Vec<sp_core::H256>>::new();
	let mut to_take = Vec::new();
	for h in handovers {
		if h.to_deal && worker.store.share(&h.secret).is_some_and(|held| held.committee == h.from) {
			to_deal.entry((h.from, h.to)).or_default().push(h.secret);
		}
		if let Some(dealers) = h.dealers.filter(|_| h.to_take) {
			to_take.push((h.secret, h.to, h.round, dealers));
		}
	}
	if !to_deal.is_empty() || !to_take.is_empty() {
		tracing::info!(target: "worker", "resuming handovers: {} to deal, {} to take", to_deal.values().map(Vec::len).sum::<usize>(), to_take.len());
	}
	for ((from, to), secrets) in to_deal {
		tokio::spawn(crate::handover::deal(worker.clone(), secrets, from, to));
	}
	if !to_take.is_empty() {
		tokio::spawn(crate::handover::take(worker.clone(), to_take));
	}
	let unacknowledged = worker.store.unacknowledged();
	worker.note_unregistered(unacknowledged.iter().filter_map(|secret| worker.store.share(secret).map(|held| (*secret, held.identity))));
	for secret in unacknowledged {
		worker.acknowledge_in_background(secret);
	}
	// Leaving while this worker was down, or with secrets not moved yet: move them.
	let leaving = match worker.chain.worker(&worker.account(), Some(finalized)).await?.map(|w| w.status) {
		Some(pallet_workers::Status::Unbonding { until }) => Some(until),
		_ => None,
	};
	if let Some(until) = leaving {
		if worker.rotate_on_leaving {
			tokio::spawn(crate::handover::rotate_away(worker.clone()));
		}
		tokio::spawn(crate::handover::release_unmovable_once_unbonded(worker.clone(), until));
	}
	let assigned: Vec<sp_core::H256> = worker.chain.runtime_api("SecretComputeApi_assignments", worker.account(), None).await?;
	for task in assigned {
		spawn_task(worker, task);
	}
	Ok(forgot)
}

/// Drops the shares of secrets removed, the takeovers of handovers cancelled, the stock of
/// committees dissolved and the results of tasks ended while this worker was not looking, and
/// settles the handovers that completed meanwhile. What the chain no longer shows goes only if
/// the node is not behind this worker ([`Worker::may_forget`]): `false` when it was, and that
/// was kept back (this alone runs again every [`RETRY_FORGET`] blocks then: it sends nothing).
async fn settle_what_is_gone(worker: &Arc<Worker>) -> Result<bool, DaemonError> {
	let forget = worker.may_forget().await;
	// A `SecretRemoved` in a block this worker skipped (or missed while it was down): the
	// secret is gone from the finalized chain, so nobody may compute on the share any more.
	// Only shares a client dealt (with its commitments): a task's new secrets exist on chain
	// only once the task completes, and their shares are kept before that.
	let delivered: Vec<sp_core::H256> = worker.store.acknowledged().into_iter().filter(|s| worker.store.share(s).is_some_and(|h| !h.pedersen.is_empty())).collect();
	let finalized = worker.chain.finalized_hash().await?;
	for batch in delivered.chunks(1024) {
		let views = worker.secrets_at(batch, Some(finalized)).await?;
		let mut missing = Vec::new();
		for (secret, view) in batch.iter().zip(views) {
			// A handover completed meanwhile: the share taken over replaces this one, or this
			// old member's share goes.
			if let Some(view) = view {
				if worker.store.share(secret).is_some_and(|held| held.committee != view.committee) {
					crate::handover::finish(worker, *secret, Some(view.commitment));
				}
				continue;
			}
			missing.push(*secret);
		}
		if missing.is_empty() || !forget {
			continue;
		}
		// Shares are acknowledged once their secret's registration is in a block, not once it
		// is final: one registered in a block finality has not reached yet is not in the
		// finalized state either, and is kept. Gone from the best block too, it was removed.
		let at_best = worker.secrets_at(&missing, None).await?;
		for (secret, _) in missing.iter().zip(at_best).filter(|(_, view)| view.is_none()) {
			worker.forget_unregistered(secret);
			match worker.store.remove_share(secret) {
				Ok(()) => tracing::info!(target: "worker", "dropped the share of {secret:?}, removed from the chain while this worker was not following it"),
				Err(e) => tracing::warn!(target: "worker", "dropping the share of {secret:?}: {e}"),
			}
		}
	}
	// A handover that ended while this worker was not following: the share it took over
	// replaces its own if the secret moved, and goes if the handover was cancelled (or the
	// secret removed).
	for secret in worker.store.pending_takeovers() {
		let Some(taken) = worker.store.taken(&secret).pop() else { continue };
		let view = worker.secrets_at(&[secret], Some(finalized)).await?.pop().flatten();
		let pending: Option<pallet_secret_compute::handover::Handover<enigma_runtime::Runtime>> = worker
			.chain
			.storage("SecretCompute.Handovers", pallet_secret_compute::Handovers::<enigma_runtime::Runtime>::hashed_key_for(secret), Some(finalized))
			.await?;
		match view {
			Some(view) if view.committee == taken.committee => crate::handover::finish(worker, secret, Some(view.commitment)),
			_ if pending.is_none() && forget => crate::handover::finish(worker, secret, None),
			_ => {},
		}
	}
	// A `CommitteeDissolved` missed the same way: the stock kept for that committee would stay
	// on disk for good.
	for committee in worker.store.stocked_committees() {
		let members: Option<Vec<sp_core::crypto::AccountId32>> = worker.chain.runtime_api("SecretComputeApi_committee", committee, Some(finalized)).await?;
		if members.is_none() && forget {
			match worker.store.drop_stock(committee) {
				Ok(()) => tracing::info!(target: "worker", "dropped the preprocessing kept for committee {committee}, dissolved while this worker was not following the chain"),
				Err(e) => tracing::warn!(target: "worker", "dropping the preprocessing of committee {committee}: {e}"),
			}
		}
	}
	crate::tasks::sweep_results(worker, forget).await;
	Ok(forget)
}

/// Early MPC frames are kept only from workers with stake at risk (and this worker's tasks'
/// members): a peer with no stake cannot fill the buffer.
fn note_active_peers(worker: &Worker, workers: &[(sp_core::crypto::AccountId32, WorkerOf<Runtime>)]) {
	worker.set_active_peers(active_peer_ids(workers));
}

fn active_peer_ids(workers: &[(sp_core::crypto::AccountId32, WorkerOf<Runtime>)]) -> std::collections::HashSet<enigma_p2p::PeerId> {
	workers.iter().filter_map(|(_, w)| enigma_p2p::PeerId::from_bytes(&w.peer_id).ok()).collect()
}

/// Acts on one finalized block: placement weights, metrics, and the events that concern this
/// worker (its committees, slashes, tasks and secrets).
async fn on_finalized(worker: &Arc<Worker>, chain: &Chain, placement: &ChainPlacement, dht: &DhtNode, header: &Header) -> Result<(), DaemonError> {
	let metrics = &worker.metrics;
	let account = worker.account();
	let hash = Chain::header_hash(header);
	metrics.finalized_blocks.inc();
	metrics.best_finalized.set(header.number as u64);
	let workers = active_workers(chain, Some(hash)).await?;
	metrics.active_workers.set(workers.len() as u64);
	placement.update(&workers);
	note_active_peers(worker, &workers);
	metrics.dht_records.set(dht.held().len() as u64);
	// Committees with a secret that became ready here: the first such secret of each names
	// the committee's first batch of SPDZ preprocessing, if it needs one.
	let mut first_ready = std::collections::BTreeMap::new();
	// Handovers asked for in this block, by (old committee, new committee): dealt in one batch.
	let mut to_deal = std::collections::BTreeMap::<(u32, u32), Vec<sp_core::H256>>::new();
	// And dealt, for the new committees this worker is in: taken over in one batch.
	let mut to_take = Vec::new();
	let mut member_of = std::collections::HashMap::<u32, bool>::new();
	for record in chain.events(hash).await? {
		match record.event {
			RuntimeEvent::Workers(pallet_workers::Event::Slashed { task, worker, offence, amount }) if worker == account => {
				tracing::warn!(target: "worker", "slashed {} ENG for {offence:?} in task {task:?}", amount / UNIT);
			}
			RuntimeEvent::Workers(pallet_workers::Event::Unbonding { worker: leaving, until }) if leaving == account => {
				if worker.rotate_on_leaving {
					tracing::info!(target: "worker", "leaving: the committees this worker holds secrets of go to committees drawn for them");
					tokio::spawn(crate::handover::rotate_away(worker.clone()));
				}
				tokio::spawn(crate::handover::release_unmovable_once_unbonded(worker.clone(), until));
			}
			// Released for good: the share goes (else catching up would acknowledge it again).
			RuntimeEvent::SecretCompute(
				pallet_secret_compute::Event::UnreadyShareReleased { secret, worker: released }
				| pallet_secret_compute::Event::StrandedShareReleased { secret, worker: released },
			) if released == account => {
				if let Err(e) = worker.store.release_share(&secret) {
					tracing::warn!(target: "worker", "dropping the released share of {secret:?}: {e}");
				}
			}
			RuntimeEvent::Workers(pallet_workers::Event::CommitteeFormed { id, members }) if members.contains(&account) => {
				tracing::info!(target: "worker", "member of committee {id} ({} workers)", members.len());
			}
			// Its records are gone and no report about it can be proven any more: what this
			// worker kept in memory about the task goes too.
			RuntimeEvent::SecretCompute(pallet_secret_compute::Event::TaskPruned { task }) => worker.forget_task(&task),
			RuntimeEvent::SecretCompute(pallet_secret_compute::Event::TaskCreated { task, committee, .. }) => {
				let members: Option<Vec<sp_core::crypto::AccountId32>> =
					chain.storage("Workers.Committees", pallet_workers::Committees::<Runtime>::hashed_key_for(committee), Some(hash)).await?;
				if members.is_some_and(|m| m.contains(&account)) {
					metrics.tasks_assigned.inc();
					tracing::info!(target: "worker", "task {task:?} assigned to committee {committee}");
					spawn_task(worker, task);
				}
			}
			RuntimeEvent::SecretCompute(
				pallet_secret_compute::Event::SecretRemoved { secret } | pallet_secret_compute::Event::SecretRejected { secret, .. },
			) if worker.store.share(&secret).is_some() => {
				// Nobody may compute on it any more: the share goes.
				worker.forget_unregistered(&secret);
				match worker.store.remove_share(&secret) {
					Ok(()) => tracing::info!(target: "worker", "dropped the share of removed secret {secret:?}"),
					Err(e) => tracing::warn!(target: "worker", "dropping the share of {secret:?}: {e}"),
				}
			}
			RuntimeEvent::DataRegistry(pallet_data_registry::Event::Removed { pointer } | pallet_data_registry::Event::Expired { pointer }) => {
				// The record's lifetime is its pointer's: holders drop it with the pointer.
				if dht.forget(&pointer.0).unwrap_or(false) {
					tracing::info!(target: "worker", "dropped the DHT record of removed pointer {pointer:?}");
				}
			}
			RuntimeEvent::SecretCompute(pallet_secret_compute::Event::SecretRegistered { secret, .. }) if worker.store.share(&secret).is_some() => {
				worker.acknowledge_in_background(secret);
			}
			RuntimeEvent::SecretCompute(pallet_secret_compute::Event::SecretReady { secret }) => {
				// Shared for a dishonest majority, as far as this member's share says (the chain's
				// record decides, in `stock_first_batch`); its holders are the committee's members.
				let share = worker.store.share(&secret);
				if let Some(share) = share.filter(|s| enigma_mpc::committed_input::dealt_for_dishonest_majority(&s.pedersen, s.share_hashes.len())) {
					first_ready.entry(share.committee).or_insert(secret);
				}
			}
			RuntimeEvent::SecretCompute(pallet_secret_compute::Event::HandoverRequested { secret, from, to })
				if worker.store.share(&secret).is_some_and(|held| held.committee == from) =>
			{
				to_deal.entry((from, to)).or_default().push(secret);
			}
			RuntimeEvent::SecretCompute(pallet_secret_compute::Event::HandoverDealt { secret, to, round, dealers }) => {
				if let std::collections::hash_map::Entry::Vacant(e) = member_of.entry(to) {
					e.insert(worker.committee(to).await?.is_some_and(|m| m.contains(&account)));
				}
				if member_of[&to] {
					to_take.push((secret, to, round, dealers));
				}
			}
			RuntimeEvent::SecretCompute(pallet_secret_compute::Event::SecretHandedOver { secret, commitment, .. }) => {
				crate::handover::finish(worker, secret, Some(commitment));
			}
			RuntimeEvent::SecretCompute(pallet_secret_compute::Event::HandoverCancelled { secret }) => {
				crate::handover::finish(worker, secret, None);
			}
			RuntimeEvent::Workers(pallet_workers::Event::CommitteeDissolved { id }) if !worker.store.stock(id).is_empty() => {
				match worker.store.drop_stock(id) {
					Ok(()) => tracing::info!(target: "worker", "dropped the preprocessing kept for dissolved committee {id}"),
					Err(e) => tracing::warn!(target: "worker", "dropping the preprocessing of committee {id}: {e}"),
				}
			}
			_ => {}
		}
	}
	for ((from, to), secrets) in to_deal {
		tokio::spawn(crate::handover::deal(worker.clone(), secrets, from, to));
	}
	if !to_take.is_empty() {
		tokio::spawn(crate::handover::take(worker.clone(), to_take));
	}
	for secret in first_ready.into_values() {
		tokio::spawn(crate::spdz_run::stock_first_batch(worker.clone(), secret));
	}
	if let Err(e) = worker.drop_unregistered().await {
		tracing::warn!(target: "worker", "dropping unregistered shares: {e}");
	}
	tracing::debug!(target: "worker", "finalized #{} · {} active workers · {} records held", header.number, workers.len(), dht.held().len());
	Ok(())
}

/// How often, and how far apart, a task that failed here for a reason of this worker's own (its
/// node unreachable, say) is tried again: a node restarted mid-task must not get an honest member
/// slashed for Timeout. A second try resumes from the result stored before the failure, if any.
const LOCAL_RETRIES: u32 = 20;
const LOCAL_RETRY_WAIT: Duration = Duration::from_secs(3);

/// Runs a task in the background; a failure is logged and counted (the chain fails the task at
/// its deadline if no quorum of the committee completes it), after the retries of a local one.
fn spawn_task(worker: &Arc<Worker>, task: sp_core::H256) {
	if !worker.start(task) {
		return;
	}
	let worker = worker.clone();
	tokio::spawn(async move {
		let mut attempt = 0;
		loop {
			match run_task(worker.clone(), task).await {
				Ok(()) => break,
				Err(crate::tasks::TaskError::Local(e)) if attempt < LOCAL_RETRIES => {
					attempt += 1;
					tracing::warn!(target: "worker", "task {task:?}: {e}; trying again in {} s", LOCAL_RETRY_WAIT.as_secs());
					tokio::time::sleep(LOCAL_RETRY_WAIT).await;
				},
				Err(e) => {
					worker.metrics.tasks_failed.inc();
					tracing::error!(target: "worker", "task {task:?} failed here: {e}");
					break;
				},
			}
		}
		// Done with it either way: the others need not wait for this member to prepare it.
		worker.ready(task, crate::worker::Readiness::Going);
	});
}
