//! Weights of the worker-registry calls, estimated from their storage access (worker record,
//! active list of up to `MaxWorkers`, balance hold) plus measured execution of similar FRAME
//! calls.

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, RuntimeDbWeight, Weight},
};

pub trait WeightInfo {
	fn register() -> Weight;
	fn add_stake() -> Weight;
	fn unbond() -> Weight;
	fn withdraw() -> Weight;
	fn request_committee(workers: u32, size: u32) -> Weight;
	fn report(committee: u32) -> Weight;
	fn dissolve_committee(size: u32) -> Weight;
}

pub struct SubstrateWeight<T>(PhantomData<T>);

fn weights(db: RuntimeDbWeight) -> [Weight; 4] {
	[
		Weight::from_parts(60_000_000, 20_000).saturating_add(db.reads_writes(4, 4)),
		Weight::from_parts(40_000_000, 10_000).saturating_add(db.reads_writes(3, 3)),
		Weight::from_parts(30_000_000, 20_000).saturating_add(db.reads_writes(2, 2)),
		Weight::from_parts(50_000_000, 10_000).saturating_add(db.reads_writes(3, 3)),
	]
}

fn request_committee(workers: u32, size: u32, db: RuntimeDbWeight) -> Weight {
	Weight::from_parts(20_000_000 + 2_000_000 * workers as u64 * (1 + size as u64 / 8), 5_000 + 200 * workers as u64)
		.saturating_add(db.reads_writes(3 + workers as u64, 2))
}

fn report(committee: u32, db: RuntimeDbWeight) -> Weight {
	Weight::from_parts(60_000_000 + 20_000_000 * committee as u64, 20_000).saturating_add(db.reads_writes(6 + 2 * committee as u64, 4 + 2 * committee as u64))
}

impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register() -> Weight {
		weights(T::DbWeight::get())[0]
	}
	fn add_stake() -> Weight {
		weights(T::DbWeight::get())[1]
	}
	fn unbond() -> Weight {
		weights(T::DbWeight::get())[2]
	}
	fn withdraw() -> Weight {
		weights(T::DbWeight::get())[3]
	}
	fn request_committee(workers: u32, size: u32) -> Weight {
		request_committee(workers, size, T::DbWeight::get())
	}
	fn report(committee: u32) -> Weight {
		report(committee, T::DbWeight::get())
	}
	fn dissolve_committee(size: u32) -> Weight {
		Weight::from_parts(30_000_000 + 500_000 * size as u64, 3_000 + 64 * size as u64).saturating_add(T::DbWeight::get().reads_writes(3, 3))
	}
}

impl WeightInfo for () {
	fn register() -> Weight {
		weights(RocksDbWeight::get())[0]
	}
	fn add_stake() -> Weight {
		weights(RocksDbWeight::get())[1]
	}
	fn unbond() -> Weight {
		weights(RocksDbWeight::get())[2]
	}
	fn withdraw() -> Weight {
		weights(RocksDbWeight::get())[3]
	}
	fn request_committee(workers: u32, size: u32) -> Weight {
		request_committee(workers, size, RocksDbWeight::get())
	}
	fn report(committee: u32) -> Weight {
		report(committee, RocksDbWeight::get())
	}
	fn dissolve_committee(size: u32) -> Weight {
		Weight::from_parts(30_000_000 + 500_000 * size as u64, 3_000 + 64 * size as u64).saturating_add(RocksDbWeight::get().reads_writes(3, 3))
	}
}
