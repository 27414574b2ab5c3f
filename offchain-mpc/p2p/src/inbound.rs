//! Work that peers' requests start, bounded in all and per peer.
//!
//! Every inbound record or application request runs in a task of its own (a permission check
//! on chain, a database read, a proof that hashes a whole record). Unbounded, a peer that sends
//! requests faster than they complete builds a backlog that outlives its streams and takes
//! every core; here a request starts only with a [`Turn`], which it holds until it has answered:
//! at most `per_peer` for one peer and `total` in all. A request beyond them is refused at once
//! as busy, so a flood costs its sender refusals, and other peers still get their turns.

use libp2p::PeerId;
use std::{
	collections::HashMap,
	sync::{Arc, Mutex},
};

/// The turns under way, and their bounds.
pub struct InboundWork {
	total: usize,
	per_peer: usize,
	running: Mutex<(usize, HashMap<PeerId, usize>)>,
}

/// One request's turn, given back when dropped.
pub struct Turn {
	work: Arc<InboundWork>,
	peer: PeerId,
}

impl InboundWork {
	pub fn new(total: usize, per_peer: usize) -> Arc<Self> {
		Arc::new(Self { total, per_peer, running: Mutex::new((0, HashMap::new())) })
	}

	/// A turn for a request of `peer`, unless it or everyone has all theirs.
	pub fn try_start(self: &Arc<Self>, peer: PeerId) -> Option<Turn> {
		let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
		let (all, by_peer) = &mut *running;
		let mine = by_peer.entry(peer).or_default();
		if *all >= self.total || *mine >= self.per_peer {
			if *mine == 0 {
				by_peer.remove(&peer);
			}
			return None;
		}
		*mine += 1;
		*all += 1;
		Some(Turn { work: self.clone(), peer })
	}
}

impl Drop for Turn {
	fn drop(&mut self) {
		let mut running = self.work.running.lock().unwrap_or_else(|e| e.into_inner());
		let (all, by_peer) = &mut *running;
		*all -= 1;
		if let Some(mine) = by_peer.get_mut(&self.peer) {
			*mine -= 1;
			if *mine == 0 {
				by_peer.remove(&self.peer);
			}
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_flooding_peer_gets_its_turns_and_no_more_and_others_still_get_theirs() {
		let work = InboundWork::new(5, 2);
		let (flooder, other) = (PeerId::random(), PeerId::random());
		let held: Vec<Turn> = (0..10).filter_map(|_| work.try_start(flooder)).collect();
		assert_eq!(held.len(), 2, "two at a time for one peer");
		let others: Vec<Turn> = (0..2).filter_map(|_| work.try_start(other)).collect();
		assert_eq!(others.len(), 2, "another peer still gets its turns");
		let third = work.try_start(PeerId::random()).expect("the fifth turn");
		assert!(work.try_start(PeerId::random()).is_none(), "five in all");
		drop(held);
		drop(third);
		assert!(work.try_start(flooder).is_some(), "turns come back when answered");
		assert_eq!(work.running.lock().unwrap().0, 2);
	}
}
