//! Weights of the shared-identity calls.
//!
//! Estimated from each call's storage access (one read and one write of an identity record of
//! up to `MaxMembers` members, policies included) plus the measured cost of similar FRAME calls
//! on the reference machine. `src/benchmarking.rs` holds the benchmarks that regenerate this
//! file with `frame-omni-bencher` (feature `runtime-benchmarks`).

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, RuntimeDbWeight, Weight},
};

pub trait WeightInfo {
	fn create(m: u32) -> Weight;
	fn approve(m: u32) -> Weight;
	fn set_policy(m: u32) -> Weight;
	fn remove_member(m: u32) -> Weight;
	fn dissolve(m: u32) -> Weight;
	fn cosign(m: u32) -> Weight;
	fn clear_cosigns(m: u32) -> Weight;
}

/// Weights for a runtime using ParityDb.
pub struct SubstrateWeight<T>(PhantomData<T>);

/// Base execution, per-member work (policy validation, member scan) and proof size per member
/// (an account and a full policy: 8 grants of 16 nodes).
const BASE: u64 = 25_000_000;
const PER_MEMBER: u64 = 3_000_000;
const PROOF_PER_MEMBER: u64 = 9_000;

/// One read and one write of the identity record, with its members.
fn record_access(m: u32, db: RuntimeDbWeight) -> Weight {
	Weight::from_parts(BASE + PER_MEMBER * m as u64, 2_000 + PROOF_PER_MEMBER * m as u64)
		.saturating_add(db.reads_writes(1, 1))
}

impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn create(m: u32) -> Weight {
		record_access(m, T::DbWeight::get())
	}
	fn approve(m: u32) -> Weight {
		record_access(m, T::DbWeight::get())
	}
	fn set_policy(m: u32) -> Weight {
		record_access(m, T::DbWeight::get())
	}
	fn remove_member(m: u32) -> Weight {
		record_access(m, T::DbWeight::get())
	}
	fn dissolve(m: u32) -> Weight {
		record_access(m, T::DbWeight::get())
	}
	fn cosign(m: u32) -> Weight {
		record_access(m, T::DbWeight::get()).saturating_add(T::DbWeight::get().reads_writes(2, 2))
	}
	fn clear_cosigns(m: u32) -> Weight {
		Weight::from_parts(BASE + PER_MEMBER * m as u64, 2_000 + 100 * m as u64).saturating_add(T::DbWeight::get().reads_writes(1 + m as u64, 1 + m as u64))
	}
}

impl WeightInfo for () {
	fn create(m: u32) -> Weight {
		record_access(m, RocksDbWeight::get())
	}
	fn approve(m: u32) -> Weight {
		record_access(m, RocksDbWeight::get())
	}
	fn set_policy(m: u32) -> Weight {
		record_access(m, RocksDbWeight::get())
	}
	fn remove_member(m: u32) -> Weight {
		record_access(m, RocksDbWeight::get())
	}
	fn dissolve(m: u32) -> Weight {
		record_access(m, RocksDbWeight::get())
	}
	fn cosign(m: u32) -> Weight {
		record_access(m, RocksDbWeight::get()).saturating_add(RocksDbWeight::get().reads_writes(2, 2))
	}
	fn clear_cosigns(m: u32) -> Weight {
		Weight::from_parts(BASE + PER_MEMBER * m as u64, 2_000 + 100 * m as u64).saturating_add(RocksDbWeight::get().reads_writes(1 + m as u64, 1 + m as u64))
	}
}
