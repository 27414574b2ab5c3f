//! Weights of `pallet_data_registry`, measured by `scripts/benchmark-weights.sh` (frame-omni-bencher,
//! benchmarking CLI 64.0.0: 20 steps, 5 repeats, on AMD EPYC, 2026-12-02) from the
//! benchmarks in `benchmarking.rs`, each at its worst case. Regenerate after changing a call;
//! do not edit by hand.

#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(clippy::unnecessary_cast)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// What each call (and each per-block hook) of the pallet weighs.
pub trait WeightInfo {
	fn store() -> Weight;
	fn renew() -> Weight;
	fn set_read_predicate() -> Weight;
	fn remove() -> Weight;
	fn sweep_block(n: u32, ) -> Weight;
}

/// The measured weights, with the runtime's database costs.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn store() -> Weight {
		Weight::from_parts(67_130_000, 2127727)
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	fn renew() -> Weight {
		Weight::from_parts(81_832_000, 2127727)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	fn set_read_predicate() -> Weight {
		Weight::from_parts(18_768_000, 2127727)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	fn remove() -> Weight {
		Weight::from_parts(95_202_000, 2127727)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	/// `n` in `[1, 64]`.
	fn sweep_block(n: u32, ) -> Weight {
		Weight::from_parts(73_439_000, 10064)
			.saturating_add(Weight::from_parts(70_405_177, 0).saturating_mul(n.into()))
			.saturating_add(Weight::from_parts(0, 10890).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(4))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(n.into())))
	}
}

/// The same weights with RocksDB's database costs, for tests and mocks.
impl WeightInfo for () {
	fn store() -> Weight {
		Weight::from_parts(67_130_000, 2127727)
			.saturating_add(RocksDbWeight::get().reads(5))
			.saturating_add(RocksDbWeight::get().writes(3))
	}
	fn renew() -> Weight {
		Weight::from_parts(81_832_000, 2127727)
			.saturating_add(RocksDbWeight::get().reads(4))
			.saturating_add(RocksDbWeight::get().writes(3))
	}
	fn set_read_predicate() -> Weight {
		Weight::from_parts(18_768_000, 2127727)
			.saturating_add(RocksDbWeight::get().reads(2))
			.saturating_add(RocksDbWeight::get().writes(1))
	}
	fn remove() -> Weight {
		Weight::from_parts(95_202_000, 2127727)
			.saturating_add(RocksDbWeight::get().reads(3))
			.saturating_add(RocksDbWeight::get().writes(2))
	}
	fn sweep_block(n: u32, ) -> Weight {
		Weight::from_parts(73_439_000, 10064)
			.saturating_add(Weight::from_parts(70_405_177, 0).saturating_mul(n.into()))
			.saturating_add(Weight::from_parts(0, 10890).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(4))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes(4))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(n.into())))
	}
}
