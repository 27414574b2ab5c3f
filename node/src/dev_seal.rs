//! Block production for the development chain: a block for every transaction that enters the
//! pool, an empty one every `--dev-block-time` milliseconds, each finalized at once. Tests then
//! see their transactions included and finalized within milliseconds instead of waiting on slots.

use enigma_runtime::opaque::Block;
use futures::{stream, StreamExt};
use sc_consensus_manual_seal::EngineCommand;
use sc_transaction_pool_api::TransactionPool;
use sp_consensus_aura::SlotDuration;
use std::{
	sync::{
		atomic::{AtomicU64, Ordering},
		Arc,
	},
	time::{Duration, SystemTime, UNIX_EPOCH},
};

type Hash = <Block as sp_runtime::traits::Block>::Hash;

/// The commands that drive manual seal: one per imported transaction, one per tick.
pub fn seal_commands<P>(
	pool: Arc<P>,
	block_time: Duration,
) -> impl futures::Stream<Item = EngineCommand<Hash>> + Send + Unpin + 'static
where
	P: TransactionPool + 'static,
{
	let on_transaction = pool.import_notification_stream().map(|_| EngineCommand::SealNewBlock {
		create_empty: false,
		finalize: true,
		parent_hash: None,
		sender: None,
	});
	let ticks = futures::stream::unfold((), move |()| async move {
		tokio::time::sleep(block_time).await;
		Some((
			EngineCommand::SealNewBlock {
				create_empty: true,
				finalize: true,
				parent_hash: None,
				sender: None,
			},
			(),
		))
	});
	stream::select(on_transaction, Box::pin(ticks))
}

/// Timestamps for sealed blocks. Aura requires every block to be in a later slot than its
/// parent, but sealing on demand can produce several blocks per slot. So the clock hands out
/// wall-clock time, advanced to the next slot whenever the previous block already used this one.
pub struct DevClock {
	last: AtomicU64,
	slot_millis: u64,
}

impl DevClock {
	/// A clock whose first timestamp lies in a slot after `parent_slot`.
	pub fn new(slot_duration: SlotDuration, parent_slot: u64) -> Self {
		let slot_millis = slot_duration.as_millis();
		Self { last: AtomicU64::new(parent_slot.saturating_mul(slot_millis)), slot_millis }
	}

	/// The timestamp of the next block.
	pub fn next(&self) -> u64 {
		let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_millis() as u64;
		let mut previous = self.last.load(Ordering::SeqCst);
		loop {
			let next = now.max(previous / self.slot_millis * self.slot_millis + self.slot_millis);
			match self.last.compare_exchange(previous, next, Ordering::SeqCst, Ordering::SeqCst) {
				Ok(_) => return next,
				Err(seen) => previous = seen,
			}
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn every_timestamp_is_in_a_later_slot() {
		let clock = DevClock::new(SlotDuration::from_millis(3000), 0);
		let slots: Vec<u64> = (0..50).map(|_| clock.next() / 3000).collect();
		assert!(slots.windows(2).all(|w| w[1] > w[0]), "slots must strictly increase: {slots:?}");
	}

	#[test]
	fn a_clock_behind_the_chain_starts_after_the_parent_slot() {
		let far_future_slot = u64::MAX / 3000 / 2;
		let clock = DevClock::new(SlotDuration::from_millis(3000), far_future_slot);
		assert_eq!(clock.next() / 3000, far_future_slot + 1);
	}
}
