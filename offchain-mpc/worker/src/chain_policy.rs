//! The chain as the DHT's permission check and placement weighting.
//!
//! - reads: the chain's `DataRegistryApi::can_read(reader, pointer)` (identity Read permission,
//!   the pointer's read predicate, paid-up rent), asked at the best block for every request, so
//!   a revocation applies from the next block;
//! - writes: the pointer must be registered on chain (`data_info`), paid by the writer, not
//!   restricted, and the record must have the registered size;
//! - placement: an active registered worker weighs reputation/1000 × stake/largest stake; any
//!   other peer weighs 0 (see `enigma_p2p::placement`), and only active workers may take the
//!   incoming connection slots kept for workers. Refreshed on every finalized block.

use enigma_chain::Chain;
use enigma_p2p::{AccessControl, AccountId, PeerId, Placement, Pointer};
use enigma_runtime::{Balance, BlockNumber, Runtime};
use pallet_data_registry::runtime_api::DataInfo;
use pallet_workers::{Status, WorkerOf, MAX_REPUTATION};
use sp_core::{crypto::AccountId32, H256};
use std::{
	collections::HashMap,
	sync::{Arc, RwLock},
};

pub struct ChainAccess {
	pub chain: Arc<Chain>,
}

#[async_trait::async_trait]
impl AccessControl for ChainAccess {
	async fn may_read(&self, reader: &AccountId, key: &Pointer) -> bool {
		let args = (AccountId32::from(*reader), H256(*key), Vec::<AccountId32>::new(), None::<H256>);
		match self.chain.runtime_api::<bool>("DataRegistryApi_can_read", args, None).await {
			Ok(allowed) => allowed,
			Err(e) => {
				tracing::warn!(target: "worker", "can_read failed, refusing: {e}");
				false
			}
		}
	}

	async fn may_store(&self, writer: &AccountId, key: &Pointer, size: u64) -> bool {
		let info = self
			.chain
			.runtime_api::<Option<DataInfo<AccountId32, BlockNumber, Balance>>>("DataRegistryApi_data_info", H256(*key), None)
			.await;
		match info {
			Ok(Some(info)) => info.payer == AccountId32::from(*writer) && !info.restricted && info.size as u64 == size,
			Ok(None) => false,
			Err(e) => {
				tracing::warn!(target: "worker", "data_info failed, refusing: {e}");
				false
			}
		}
	}

	async fn keep(&self, key: &Pointer) -> bool {
		// Dropping is final, so only on the finalized state of a node that is not syncing (whose
		// state may predate the pointer); not knowing is no reason to lose a record.
		if !matches!(self.chain.is_syncing().await, Ok(false)) {
			return true;
		}
		let Ok(finalized) = self.chain.finalized_hash().await else { return true };
		match self.chain.runtime_api::<Option<DataInfo<AccountId32, BlockNumber, Balance>>>("DataRegistryApi_data_info", H256(*key), Some(finalized)).await {
			Ok(info) => info.is_some(),
			Err(_) => true,
		}
	}
}

/// Placement weights from the worker registry.
#[derive(Default)]
pub struct ChainPlacement {
	weights: RwLock<HashMap<PeerId, f64>>,
}

impl ChainPlacement {
	/// Recomputes the weights from the registry entries of the active workers.
	pub fn update(&self, workers: &[(AccountId32, WorkerOf<Runtime>)]) {
		let largest = workers.iter().map(|(_, w)| w.stake).max().unwrap_or(1).max(1);
		let weights = workers
			.iter()
			.filter(|(_, w)| matches!(w.status, Status::Active))
			.filter_map(|(_, w)| {
				let peer = PeerId::from_bytes(&w.peer_id).ok()?;
				let reputation = w.reputation.min(MAX_REPUTATION) as f64 / MAX_REPUTATION as f64;
				Some((peer, reputation * (w.stake as f64 / largest as f64)))
			})
			.collect();
		*self.weights.write().expect("weights lock") = weights;
	}

	pub fn known(&self) -> usize {
		self.weights.read().expect("weights lock").len()
	}
}

impl Placement for ChainPlacement {
	fn weight(&self, peer: &PeerId) -> f64 {
		self.weights.read().expect("weights lock").get(peer).copied().unwrap_or(0.0)
	}

	/// Every active registered worker, whatever its reputation: it may use the incoming
	/// connection slots kept for workers.
	fn is_worker(&self, peer: &PeerId) -> bool {
		self.weights.read().expect("weights lock").contains_key(peer)
	}
}

/// The registry entries of the active workers at `at`.
pub async fn active_workers(chain: &Chain, at: Option<H256>) -> enigma_chain::Result<Vec<(AccountId32, WorkerOf<Runtime>)>> {
	let accounts: Vec<AccountId32> =
		chain.storage("Workers.ActiveWorkers", pallet_workers::ActiveWorkers::<Runtime>::hashed_key().to_vec(), at).await?.unwrap_or_default();
	let mut out = Vec::with_capacity(accounts.len());
	for account in accounts {
		if let Some(worker) = chain.worker(&account, at).await? {
			out.push((account, worker));
		}
	}
	Ok(out)
}

#[cfg(test)]
mod tests {
	use super::*;
	use pallet_workers::Worker;

	fn worker(peer: PeerId, stake: Balance, reputation: u32, status: Status<BlockNumber>) -> WorkerOf<Runtime> {
		Worker { peer_id: peer.to_bytes().try_into().unwrap(), encryption_key: [0; 32], stake, reputation, active_tasks: 0, secrets: 0, status }
	}

	#[test]
	fn weights_follow_stake_and_reputation_and_skip_inactive_workers() {
		let (a, b, c, stranger) = (PeerId::random(), PeerId::random(), PeerId::random(), PeerId::random());
		let placement = ChainPlacement::default();
		placement.update(&[
			(AccountId32::new([1; 32]), worker(a, 2_000, 1_000, Status::Active)),
			(AccountId32::new([2; 32]), worker(b, 1_000, 500, Status::Active)),
			(AccountId32::new([3; 32]), worker(c, 5_000, 1_000, Status::Inactive)),
		]);
		// The largest stake (5,000, inactive) still scales the others: stake is relative.
		assert!((placement.weight(&a) - 0.4).abs() < 1e-9);
		assert!((placement.weight(&b) - 0.1).abs() < 1e-9);
		assert_eq!(placement.weight(&c), 0.0);
		assert_eq!(placement.weight(&stranger), 0.0);
		assert_eq!(placement.known(), 2);
	}
}
