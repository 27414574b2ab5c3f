//! Work that peers' requests start, bounded in all, per peer and per network.
//!
//! Every inbound record or application request runs in a task of its own (a permission check
//! on chain, a database read, a proof that hashes a whole record). Unbounded, a peer that sends
//! requests faster than they complete builds a backlog that outlives its streams and takes
//! every core; here a request starts only with a [`Turn`], which it holds until its answer is
//! written to the stream (or the stream failed: a peer that never reads its answers holds its
//! turns, not the answers' memory, which the turns bound):
//! at most `per_peer` for one peer, `per_source` for the peers connected from one network
//! ([`crate::admission::network_of`]: an IPv4 address, an IPv6 /64) and `total` in all. A
//! request beyond them is refused at once as busy, so a flood costs its sender refusals, and
//! other peers still get their turns: peer ids cost nothing, so without the bound per network one
//! host with eight ids would hold every turn.

use libp2p::PeerId;
use std::{
	collections::HashMap,
	net::IpAddr,
	sync::{Arc, Mutex},
};

/// The turns under way, and their bounds.
pub struct InboundWork {
	total: usize,
	per_peer: usize,
	per_source: usize,
	running: Mutex<Running>,
}

#[derive(Default)]
struct Running {
	all: usize,
	by_peer: HashMap<PeerId, usize>,
	by_source: HashMap<IpAddr, usize>,
}

/// One request's turn, given back when dropped.
pub struct Turn {
	work: Arc<InboundWork>,
	peer: PeerId,
	source: Option<IpAddr>,
}

/// One less of `key`'s count, forgotten at zero.
fn release<K: std::hash::Hash + Eq>(counts: &mut HashMap<K, usize>, key: &K) {
	if let Some(count) = counts.get_mut(key) {
		*count -= 1;
		if *count == 0 {
			counts.remove(key);
		}
	}
}

impl InboundWork {
	pub fn new(total: usize, per_peer: usize, per_source: usize) -> Arc<Self> {
		Arc::new(Self { total, per_peer, per_source, running: Mutex::new(Running::default()) })
	}

	/// A turn for a request of `peer`, connected from network `source` (`None`: one this node
	/// does not count, such as loopback on a devnet, or a peer it dialed itself), unless it, its
	/// network or everyone has all theirs.
	pub fn try_start(self: &Arc<Self>, peer: PeerId, source: Option<IpAddr>) -> Option<Turn> {
		let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
		let mine = running.by_peer.get(&peer).copied().unwrap_or(0);
		let from_source = source.and_then(|s| running.by_source.get(&s).copied()).unwrap_or(0);
		if running.all >= self.total || mine >= self.per_peer || from_source >= self.per_source {
			return None;
		}
		running.all += 1;
		*running.by_peer.entry(peer).or_default() += 1;
		if let Some(source) = source {
			*running.by_source.entry(source).or_default() += 1;
		}
		Some(Turn { work: self.clone(), peer, source })
	}
}

impl Drop for Turn {
	fn drop(&mut self) {
		let mut running = self.work.running.lock().unwrap_or_else(|e| e.into_inner());
		running.all -= 1;
		release(&mut running.by_peer, &self.peer);
		if let Some(source) = &self.source {
			release(&mut running.by_source, source);
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_flooding_peer_gets_its_turns_and_no_more_and_others_still_get_theirs() {
		let work = InboundWork::new(5, 2, 4);
		let (flooder, other) = (PeerId::random(), PeerId::random());
		let held: Vec<Turn> = (0..10).filter_map(|_| work.try_start(flooder, None)).collect();
		assert_eq!(held.len(), 2, "two at a time for one peer");
		let others: Vec<Turn> = (0..2).filter_map(|_| work.try_start(other, None)).collect();
		assert_eq!(others.len(), 2, "another peer still gets its turns");
		let third = work.try_start(PeerId::random(), None).expect("the fifth turn");
		assert!(work.try_start(PeerId::random(), None).is_none(), "five in all");
		drop(held);
		drop(third);
		assert!(work.try_start(flooder, None).is_some(), "turns come back when answered");
		assert_eq!(work.running.lock().unwrap().all, 2);
	}

	/// Peer ids cost nothing: one host that makes many gets its network's turns, no more, and a
	/// peer from elsewhere still gets its own.
	#[test]
	fn many_peer_ids_from_one_network_share_its_turns() {
		let work = InboundWork::new(64, 8, 16);
		let host: IpAddr = "203.0.113.7".parse().unwrap();
		let held: Vec<Turn> = (0..8).flat_map(|_| {
			let sybil = PeerId::random();
			(0..8).filter_map(|_| work.try_start(sybil, Some(host))).collect::<Vec<_>>()
		}).collect();
		assert_eq!(held.len(), 16, "sixteen for the whole host, not 8 x 8");
		let elsewhere: IpAddr = "198.51.100.1".parse().unwrap();
		let honest: Vec<Turn> = (0..8).filter_map(|_| work.try_start(PeerId::random(), Some(elsewhere))).collect();
		assert_eq!(honest.len(), 8, "another network still gets a peer's turns");
		drop(held);
		assert!(work.running.lock().unwrap().by_source.get(&host).is_none(), "forgotten once answered");
		assert!(work.try_start(PeerId::random(), Some(host)).is_some());
	}
}
