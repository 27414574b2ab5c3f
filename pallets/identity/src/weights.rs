//! Weights of `pallet_shared_identity`, measured by `scripts/benchmark-weights.sh` (frame-omni-bencher,
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
	fn create(m: u32, ) -> Weight;
	fn approve(m: u32, ) -> Weight;
	fn set_policy(m: u32, ) -> Weight;
	fn remove_member(m: u32, ) -> Weight;
	fn dissolve(m: u32, ) -> Weight;
	fn cosign(m: u32, ) -> Weight;
	fn clear_cosigns(m: u32, ) -> Weight;
}

/// The measured weights, with the runtime's database costs.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// `m` in `[1, 16]`.
	fn create(m: u32, ) -> Weight {
		Weight::from_parts(68_630_237, 2127727)
			.saturating_add(Weight::from_parts(5_998_071, 0).saturating_mul(m.into()))
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// `m` in `[2, 16]`.
	fn approve(m: u32, ) -> Weight {
		Weight::from_parts(16_368_851, 2127727)
			.saturating_add(Weight::from_parts(5_688_158, 0).saturating_mul(m.into()))
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// `m` in `[2, 16]`.
	fn set_policy(m: u32, ) -> Weight {
		Weight::from_parts(72_843_698, 2127727)
			.saturating_add(Weight::from_parts(5_843_351, 0).saturating_mul(m.into()))
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// `m` in `[2, 16]`.
	fn remove_member(m: u32, ) -> Weight {
		Weight::from_parts(54_154_910, 2127727)
			.saturating_add(Weight::from_parts(6_041_303, 0).saturating_mul(m.into()))
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// `m` in `[1, 16]`.
	fn dissolve(m: u32, ) -> Weight {
		Weight::from_parts(46_754_792, 2127727)
			.saturating_add(Weight::from_parts(4_392_981, 0).saturating_mul(m.into()))
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// `m` in `[1, 16]`.
	fn cosign(m: u32, ) -> Weight {
		Weight::from_parts(66_498_111, 2127727)
			.saturating_add(Weight::from_parts(5_013_358, 0).saturating_mul(m.into()))
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// `m` in `[1, 16]`.
	fn clear_cosigns(m: u32, ) -> Weight {
		Weight::from_parts(10_840_034, 4318)
			.saturating_add(Weight::from_parts(36_240_118, 0).saturating_mul(m.into()))
			.saturating_add(Weight::from_parts(0, 2686).saturating_mul(m.into()))
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(m.into())))
			.saturating_add(T::DbWeight::get().writes(1))
			.saturating_add(T::DbWeight::get().writes((2_u64).saturating_mul(m.into())))
	}
}

/// The same weights with RocksDB's database costs, for tests and mocks.
impl WeightInfo for () {
	fn create(m: u32, ) -> Weight {
		Weight::from_parts(68_630_237, 2127727)
			.saturating_add(Weight::from_parts(5_998_071, 0).saturating_mul(m.into()))
			.saturating_add(RocksDbWeight::get().reads(5))
			.saturating_add(RocksDbWeight::get().writes(3))
	}
	fn approve(m: u32, ) -> Weight {
		Weight::from_parts(16_368_851, 2127727)
			.saturating_add(Weight::from_parts(5_688_158, 0).saturating_mul(m.into()))
			.saturating_add(RocksDbWeight::get().reads(1))
			.saturating_add(RocksDbWeight::get().writes(1))
	}
	fn set_policy(m: u32, ) -> Weight {
		Weight::from_parts(72_843_698, 2127727)
			.saturating_add(Weight::from_parts(5_843_351, 0).saturating_mul(m.into()))
			.saturating_add(RocksDbWeight::get().reads(5))
			.saturating_add(RocksDbWeight::get().writes(3))
	}
	fn remove_member(m: u32, ) -> Weight {
		Weight::from_parts(54_154_910, 2127727)
			.saturating_add(Weight::from_parts(6_041_303, 0).saturating_mul(m.into()))
			.saturating_add(RocksDbWeight::get().reads(5))
			.saturating_add(RocksDbWeight::get().writes(3))
	}
	fn dissolve(m: u32, ) -> Weight {
		Weight::from_parts(46_754_792, 2127727)
			.saturating_add(Weight::from_parts(4_392_981, 0).saturating_mul(m.into()))
			.saturating_add(RocksDbWeight::get().reads(3))
			.saturating_add(RocksDbWeight::get().writes(3))
	}
	fn cosign(m: u32, ) -> Weight {
		Weight::from_parts(66_498_111, 2127727)
			.saturating_add(Weight::from_parts(5_013_358, 0).saturating_mul(m.into()))
			.saturating_add(RocksDbWeight::get().reads(6))
			.saturating_add(RocksDbWeight::get().writes(3))
	}
	fn clear_cosigns(m: u32, ) -> Weight {
		Weight::from_parts(10_840_034, 4318)
			.saturating_add(Weight::from_parts(36_240_118, 0).saturating_mul(m.into()))
			.saturating_add(Weight::from_parts(0, 2686).saturating_mul(m.into()))
			.saturating_add(RocksDbWeight::get().reads(1))
			.saturating_add(RocksDbWeight::get().reads((2_u64).saturating_mul(m.into())))
			.saturating_add(RocksDbWeight::get().writes(1))
			.saturating_add(RocksDbWeight::get().writes((2_u64).saturating_mul(m.into())))
	}
}
