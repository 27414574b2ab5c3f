//! Where records go, from the worker registry: the whitepaper's modified Kademlia distance
//! (`enigma_p2p::placement`) weighted as the chain says. An active registered worker weighs
//! reputation/100 (`MAX_REPUTATION`) × stake/largest stake; any other peer weighs 0, and only active workers may
//! take the incoming connection slots kept for workers. Workers refresh it on every finalized
//! block; clients build it once for a put, so their records go where the workers' repairs would
//! put them, and not to unregistered peers while workers are there to take them.

use crate::{Chain, Result};
use enigma_p2p::{PeerId, Placement};
use enigma_runtime::Runtime;
use pallet_workers::{Status, WorkerOf, MAX_REPUTATION};
use sp_core::{crypto::AccountId32, H256};
use std::{collections::HashMap, sync::RwLock};

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

	fn knows_workers(&self) -> bool {
		!self.weights.read().expect("weights lock").is_empty()
	}
}

/// The registry entries of the active workers at `at`.
pub async fn active_workers(chain: &Chain, at: Option<H256>) -> Result<Vec<(AccountId32, WorkerOf<Runtime>)>> {
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
	use enigma_runtime::{Balance, BlockNumber};
	use pallet_workers::Worker;

	fn worker(peer: PeerId, stake: Balance, reputation: u32, status: Status<BlockNumber>) -> WorkerOf<Runtime> {
		Worker { peer_id: peer.to_bytes().try_into().unwrap(), encryption_key: [0; 32], stake, reputation, active_tasks: 0, secrets: 0, status }
	}

	#[test]
	fn weights_follow_stake_and_reputation_and_skip_inactive_workers() {
		let (a, b, c, stranger) = (PeerId::random(), PeerId::random(), PeerId::random(), PeerId::random());
		let placement = ChainPlacement::default();
		placement.update(&[
			(AccountId32::new([1; 32]), worker(a, 2_000, MAX_REPUTATION, Status::Active)),
			(AccountId32::new([2; 32]), worker(b, 1_000, MAX_REPUTATION / 2, Status::Active)),
			(AccountId32::new([3; 32]), worker(c, 5_000, MAX_REPUTATION, Status::Inactive)),
		]);
		// The largest stake (5,000, inactive) still scales the others: stake is relative.
		assert!((placement.weight(&a) - 0.4).abs() < 1e-9);
		assert!((placement.weight(&b) - 0.1).abs() < 1e-9);
		assert_eq!(placement.weight(&c), 0.0);
		assert_eq!(placement.weight(&stranger), 0.0);
		assert_eq!(placement.known(), 2);
	}
}
