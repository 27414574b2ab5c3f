//! Weights of the data-registry calls and of the sweep.
//!
//! Estimated from each call's storage access (entry, schedule slot, balance hold, identity
//! record) plus execution measured for similar FRAME calls; `src/benchmarking.rs` regenerates
//! them with `frame-omni-bencher` (feature `runtime-benchmarks`).

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, RuntimeDbWeight, Weight},
};

pub trait WeightInfo {
	fn store() -> Weight;
	fn renew() -> Weight;
	fn set_read_predicate() -> Weight;
	fn remove() -> Weight;
	/// Sweeping one scheduled block with `n` entries.
	fn sweep_block(n: u32) -> Weight;
}

pub struct SubstrateWeight<T>(PhantomData<T>);

// Reads/writes: identity record, entry, schedule slot, hold + account.
fn store(db: RuntimeDbWeight) -> Weight {
	Weight::from_parts(60_000_000, 40_000).saturating_add(db.reads_writes(5, 4))
}
fn renew(db: RuntimeDbWeight) -> Weight {
	Weight::from_parts(60_000_000, 40_000).saturating_add(db.reads_writes(5, 4))
}
fn set_read_predicate(db: RuntimeDbWeight) -> Weight {
	Weight::from_parts(30_000_000, 30_000).saturating_add(db.reads_writes(2, 1))
}
fn remove(db: RuntimeDbWeight) -> Weight {
	Weight::from_parts(50_000_000, 30_000).saturating_add(db.reads_writes(4, 3))
}
fn sweep_block(n: u32, db: RuntimeDbWeight) -> Weight {
	// Per entry: entry, hold and account, schedule of the next look.
	Weight::from_parts(10_000_000 + 45_000_000 * n as u64, 5_000 + 3_000 * n as u64)
		.saturating_add(db.reads_writes(1 + 4 * n as u64, 1 + 4 * n as u64))
}

impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn store() -> Weight {
		store(T::DbWeight::get())
	}
	fn renew() -> Weight {
		renew(T::DbWeight::get())
	}
	fn set_read_predicate() -> Weight {
		set_read_predicate(T::DbWeight::get())
	}
	fn remove() -> Weight {
		remove(T::DbWeight::get())
	}
	fn sweep_block(n: u32) -> Weight {
		sweep_block(n, T::DbWeight::get())
	}
}

impl WeightInfo for () {
	fn store() -> Weight {
		store(RocksDbWeight::get())
	}
	fn renew() -> Weight {
		renew(RocksDbWeight::get())
	}
	fn set_read_predicate() -> Weight {
		set_read_predicate(RocksDbWeight::get())
	}
	fn remove() -> Weight {
		remove(RocksDbWeight::get())
	}
	fn sweep_block(n: u32) -> Weight {
		sweep_block(n, RocksDbWeight::get())
	}
}
