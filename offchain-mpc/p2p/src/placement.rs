//! Where a record goes: the whitepaper's modified Kademlia distance (section 4).
//!
//! Plain Kademlia stores a record on the k peers closest to its key by XOR. Enigma changes the
//! metric so that registered, well-reputed workers are preferred as holders:
//!
//! 1. take the candidates Kademlia returns as closest to the key (up to 20), plus this node, and
//!    rank them by XOR distance: rank 1 is the closest;
//! 2. give each a weight w in [0, 1] from the [`Placement`] hook (the worker derives it from the
//!    chain: 0 for a peer that is not a registered, active worker, otherwise its reputation
//!    scaled by its stake relative to the largest);
//! 3. the modified distance is `rank / w`; a weight of 0 is an infinite distance;
//! 4. the record goes to the k candidates with the smallest modified distance (ties: the smaller
//!    rank); peers of weight 0 are used only when fewer than k candidates have a positive weight.
//!
//! So a fully trusted worker at rank 4 beats a half-trusted one at rank 3 (4 < 6), and distance
//! still spreads records evenly across the workers. Readers do not need to know the weights:
//! holders announce themselves as Kademlia providers of the key.

use libp2p::PeerId;
use std::{collections::HashMap, sync::RwLock};

pub trait Placement: Send + Sync + 'static {
	/// How much `peer` is preferred as a holder, in [0, 1].
	fn weight(&self, peer: &PeerId) -> f64;

	/// Whether `peer` is a registered worker, which may use the incoming connection slots kept
	/// for workers ([`crate::admission`]). Nobody is, by default.
	fn is_worker(&self, peer: &PeerId) -> bool {
		let _ = peer;
		false
	}

	/// Whether any peer is a registered worker: only then are workers' provider records
	/// preferred and room kept for them ([`crate::store::PersistentStore`]).
	fn knows_workers(&self) -> bool {
		false
	}

	/// Whether `peer` is not a worker where the registry names some: its provider records and
	/// possession probes come after the workers'.
	fn is_outsider(&self, peer: &PeerId) -> bool {
		self.knows_workers() && !self.is_worker(peer)
	}
}

/// Every peer weighs 1: plain Kademlia placement.
pub struct Uniform;

impl Placement for Uniform {
	fn weight(&self, _: &PeerId) -> f64 {
		1.0
	}
}

/// Weights from a table, 0 for peers not in it. The test implementation of the hook.
#[derive(Default)]
pub struct FixedWeights(RwLock<HashMap<PeerId, f64>>);

impl FixedWeights {
	pub fn new() -> Self {
		Self::default()
	}

	pub fn set(&self, peer: PeerId, weight: f64) {
		self.0.write().expect("lock").insert(peer, weight.clamp(0.0, 1.0));
	}
}

impl Placement for FixedWeights {
	fn weight(&self, peer: &PeerId) -> f64 {
		self.0.read().expect("lock").get(peer).copied().unwrap_or(0.0)
	}

	/// Every peer in the table, whatever its weight.
	fn is_worker(&self, peer: &PeerId) -> bool {
		self.0.read().expect("lock").contains_key(peer)
	}

	fn knows_workers(&self) -> bool {
		!self.0.read().expect("lock").is_empty()
	}
}

/// The `k` holders for a record among `by_distance` (candidates, closest first), by modified
/// distance.
pub fn choose_holders(by_distance: &[PeerId], k: usize, placement: &dyn Placement) -> Vec<PeerId> {
	let mut scored: Vec<(f64, usize, PeerId)> = by_distance
		.iter()
		.enumerate()
		.map(|(i, peer)| {
			let rank = (i + 1) as f64;
			let weight = placement.weight(peer);
			let distance = if weight > 0.0 { rank / weight } else { f64::INFINITY };
			(distance, i, *peer)
		})
		.collect();
	scored.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
	scored.into_iter().take(k).map(|(_, _, peer)| peer).collect()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn uniform_weights_keep_kademlia_order() {
		let peers: Vec<PeerId> = (0..6).map(|_| PeerId::random()).collect();
		assert_eq!(choose_holders(&peers, 3, &Uniform), peers[..3].to_vec());
	}

	#[test]
	fn well_reputed_workers_are_preferred_and_unregistered_peers_come_last() {
		let peers: Vec<PeerId> = (0..6).map(|_| PeerId::random()).collect();
		let weights = FixedWeights::new();
		// peers[0] is not registered; peers[1] half-trusted; the rest fully trusted.
		weights.set(peers[1], 0.5);
		for p in &peers[2..] {
			weights.set(*p, 1.0);
		}
		// Modified distances: p0 inf, p1 4, p2 3, p3 4, p4 5, p5 6.
		assert_eq!(choose_holders(&peers, 3, &weights), vec![peers[2], peers[1], peers[3]]);
		// With only unregistered candidates left, they still fill the k slots.
		let all_unknown = FixedWeights::new();
		assert_eq!(choose_holders(&peers, 2, &all_unknown), peers[..2].to_vec());
	}
}
