//! Weights of the secret-compute calls and of expiring tasks, estimated from their storage
//! access plus measured execution of similar FRAME calls.

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, RuntimeDbWeight, Weight},
};

pub trait WeightInfo {
	fn register_contract(bytes: u32) -> Weight;
	fn register_secret() -> Weight;
	fn ack_secret() -> Weight;
	fn submit_task(inputs: u32) -> Weight;
	/// The worst case: the submission that completes the task and pays the committee.
	fn submit_result(committee: u32) -> Weight;
	fn declassify() -> Weight;
	fn remove_secret() -> Weight;
	fn remove_contract() -> Weight;
	fn prune_tasks(tasks: u32, committee: u32) -> Weight;
	/// The worst case: the abort that fails the task and releases the committee.
	fn abort_task(committee: u32) -> Weight;
	fn expire_tasks(tasks: u32, committee: u32) -> Weight;
}

pub struct SubstrateWeight<T>(PhantomData<T>);

fn register_contract(bytes: u32, db: RuntimeDbWeight) -> Weight {
	Weight::from_parts(20_000_000 + 2_000 * bytes as u64, 1_000 + bytes as u64).saturating_add(db.reads_writes(1, 1))
}
fn simple(db: RuntimeDbWeight, reads: u64, writes: u64) -> Weight {
	Weight::from_parts(40_000_000, 20_000).saturating_add(db.reads_writes(reads, writes))
}
fn submit_task(inputs: u32, db: RuntimeDbWeight) -> Weight {
	Weight::from_parts(60_000_000 + 25_000_000 * inputs as u64, 30_000 + 10_000 * inputs as u64)
		.saturating_add(db.reads_writes(8 + 2 * inputs as u64, 6))
}
fn submit_result(committee: u32, db: RuntimeDbWeight) -> Weight {
	Weight::from_parts(80_000_000 + 40_000_000 * committee as u64, 40_000 + 5_000 * committee as u64)
		.saturating_add(db.reads_writes(8 + 6 * committee as u64, 8 + 6 * committee as u64))
}
fn abort_task(committee: u32, db: RuntimeDbWeight) -> Weight {
	Weight::from_parts(50_000_000 + 20_000_000 * committee as u64, 20_000 + 3_000 * committee as u64)
		.saturating_add(db.reads_writes(6 + 4 * committee as u64, 4 + 2 * committee as u64))
}
fn prune_tasks(tasks: u32, committee: u32, db: RuntimeDbWeight) -> Weight {
	let per_task = Weight::from_parts(30_000_000 + 5_000_000 * committee as u64, 10_000).saturating_add(db.reads_writes(3, 4 + 3 * committee as u64));
	Weight::from_parts(2_000_000, 500).saturating_add(db.reads_writes(1, 1)).saturating_add(per_task.saturating_mul(tasks as u64))
}
fn expire_tasks(tasks: u32, committee: u32, db: RuntimeDbWeight) -> Weight {
	let per_task = Weight::from_parts(50_000_000 + 40_000_000 * committee as u64, 20_000)
		.saturating_add(db.reads_writes(4 + 6 * committee as u64, 4 + 6 * committee as u64));
	Weight::from_parts(5_000_000, 1_000).saturating_add(db.reads_writes(1, 1)).saturating_add(per_task.saturating_mul(tasks as u64))
}

impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register_contract(bytes: u32) -> Weight {
		register_contract(bytes, T::DbWeight::get())
	}
	fn register_secret() -> Weight {
		simple(T::DbWeight::get(), 3, 1)
	}
	fn ack_secret() -> Weight {
		simple(T::DbWeight::get(), 2, 1)
	}
	fn submit_task(inputs: u32) -> Weight {
		submit_task(inputs, T::DbWeight::get())
	}
	fn submit_result(committee: u32) -> Weight {
		submit_result(committee, T::DbWeight::get())
	}
	fn declassify() -> Weight {
		simple(T::DbWeight::get(), 2, 0)
	}
	fn remove_secret() -> Weight {
		simple(T::DbWeight::get(), 3 + 32, 1 + 32)
	}
	fn remove_contract() -> Weight {
		simple(T::DbWeight::get(), 2, 3)
	}
	fn prune_tasks(tasks: u32, committee: u32) -> Weight {
		prune_tasks(tasks, committee, T::DbWeight::get())
	}
	fn abort_task(committee: u32) -> Weight {
		abort_task(committee, T::DbWeight::get())
	}
	fn expire_tasks(tasks: u32, committee: u32) -> Weight {
		expire_tasks(tasks, committee, T::DbWeight::get())
	}
}

impl WeightInfo for () {
	fn register_contract(bytes: u32) -> Weight {
		register_contract(bytes, RocksDbWeight::get())
	}
	fn register_secret() -> Weight {
		simple(RocksDbWeight::get(), 3, 1)
	}
	fn ack_secret() -> Weight {
		simple(RocksDbWeight::get(), 2, 1)
	}
	fn submit_task(inputs: u32) -> Weight {
		submit_task(inputs, RocksDbWeight::get())
	}
	fn submit_result(committee: u32) -> Weight {
		submit_result(committee, RocksDbWeight::get())
	}
	fn declassify() -> Weight {
		simple(RocksDbWeight::get(), 2, 0)
	}
	fn remove_secret() -> Weight {
		simple(RocksDbWeight::get(), 3 + 32, 1 + 32)
	}
	fn remove_contract() -> Weight {
		simple(RocksDbWeight::get(), 2, 3)
	}
	fn prune_tasks(tasks: u32, committee: u32) -> Weight {
		prune_tasks(tasks, committee, RocksDbWeight::get())
	}
	fn abort_task(committee: u32) -> Weight {
		abort_task(committee, RocksDbWeight::get())
	}
	fn expire_tasks(tasks: u32, committee: u32) -> Weight {
		expire_tasks(tasks, committee, RocksDbWeight::get())
	}
}
