//! Weights of `pallet_validator_set`, measured by `scripts/benchmark-weights.sh` (frame-omni-bencher,
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
	fn add_validator(v: u32, ) -> Weight;
	fn remove_validator(v: u32, ) -> Weight;
}

/// The measured weights, with the runtime's database costs.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// `v` in `[1, 32]`.
	fn add_validator(_v: u32, ) -> Weight {
		Weight::from_parts(12_668_450, 2510)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	/// `v` in `[1, 32]`.
	fn remove_validator(_v: u32, ) -> Weight {
		Weight::from_parts(12_823_453, 2510)
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(2))
	}
}

/// The same weights with RocksDB's database costs, for tests and mocks.
impl WeightInfo for () {
	fn add_validator(_v: u32, ) -> Weight {
		Weight::from_parts(12_668_450, 2510)
			.saturating_add(RocksDbWeight::get().reads(1))
			.saturating_add(RocksDbWeight::get().writes(2))
	}
	fn remove_validator(_v: u32, ) -> Weight {
		Weight::from_parts(12_823_453, 2510)
			.saturating_add(RocksDbWeight::get().reads(1))
			.saturating_add(RocksDbWeight::get().writes(2))
	}
}
