//! Weights of `pallet_workers`, measured by `scripts/benchmark-weights.sh` (frame-omni-bencher,
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
	fn register() -> Weight;
	fn add_stake() -> Weight;
	fn unbond() -> Weight;
	fn withdraw() -> Weight;
	fn request_committee(w: u32, s: u32, ) -> Weight;
	fn dissolve_committee(s: u32, ) -> Weight;
	fn report(c: u32, ) -> Weight;
}

/// The measured weights, with the runtime's database costs.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	fn register() -> Weight {
		// One read and one write more than measured, by hand: the peer id index.
		Weight::from_parts(73_069_000, 9679)
			.saturating_add(T::DbWeight::get().reads(6))
			.saturating_add(T::DbWeight::get().writes(5))
	}
	fn add_stake() -> Weight {
		// One read more than measured, by hand: the peer id index.
		Weight::from_parts(71_005_000, 3676)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	fn unbond() -> Weight {
		Weight::from_parts(23_304_000, 9679)
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	fn withdraw() -> Weight {
		// One read and one write more than measured, by hand: the peer id index.
		Weight::from_parts(46_990_000, 3676)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	/// `w` in `[1, 256]`.
	/// `s` in `[1, 32]`.
	fn request_committee(w: u32, _s: u32, ) -> Weight {
		Weight::from_parts(275_851_000, 33689)
			.saturating_add(Weight::from_parts(5_778_737, 0).saturating_mul(w.into()))
			.saturating_add(Weight::from_parts(0, 2538).saturating_mul(w.into()))
			.saturating_add(T::DbWeight::get().reads(24))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(w.into())))
			.saturating_add(T::DbWeight::get().writes(7))
	}
	/// `s` in `[1, 32]`.
	fn dissolve_committee(s: u32, ) -> Weight {
		Weight::from_parts(49_898_562, 3676)
			.saturating_add(Weight::from_parts(581_027, 0).saturating_mul(s.into()))
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(4))
	}
	/// `c` in `[1, 32]`.
	fn report(c: u32, ) -> Weight {
		Weight::from_parts(37_387_350, 6012)
			.saturating_add(Weight::from_parts(40_325_039, 0).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(0, 2603).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(c.into())))
			.saturating_add(T::DbWeight::get().writes(4))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(c.into())))
	}
}

/// The same weights with RocksDB's database costs, for tests and mocks.
impl WeightInfo for () {
	fn register() -> Weight {
		// One read and one write more than measured, by hand: the peer id index.
		Weight::from_parts(73_069_000, 9679)
			.saturating_add(RocksDbWeight::get().reads(6))
			.saturating_add(RocksDbWeight::get().writes(5))
	}
	fn add_stake() -> Weight {
		// One read more than measured, by hand: the peer id index.
		Weight::from_parts(71_005_000, 3676)
			.saturating_add(RocksDbWeight::get().reads(4))
			.saturating_add(RocksDbWeight::get().writes(3))
	}
	fn unbond() -> Weight {
		Weight::from_parts(23_304_000, 9679)
			.saturating_add(RocksDbWeight::get().reads(3))
			.saturating_add(RocksDbWeight::get().writes(2))
	}
	fn withdraw() -> Weight {
		// One read and one write more than measured, by hand: the peer id index.
		Weight::from_parts(46_990_000, 3676)
			.saturating_add(RocksDbWeight::get().reads(4))
			.saturating_add(RocksDbWeight::get().writes(4))
	}
	fn request_committee(w: u32, _s: u32, ) -> Weight {
		Weight::from_parts(275_851_000, 33689)
			.saturating_add(Weight::from_parts(5_778_737, 0).saturating_mul(w.into()))
			.saturating_add(Weight::from_parts(0, 2538).saturating_mul(w.into()))
			.saturating_add(RocksDbWeight::get().reads(24))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(w.into())))
			.saturating_add(RocksDbWeight::get().writes(7))
	}
	fn dissolve_committee(s: u32, ) -> Weight {
		Weight::from_parts(49_898_562, 3676)
			.saturating_add(Weight::from_parts(581_027, 0).saturating_mul(s.into()))
			.saturating_add(RocksDbWeight::get().reads(4))
			.saturating_add(RocksDbWeight::get().writes(4))
	}
	fn report(c: u32, ) -> Weight {
		Weight::from_parts(37_387_350, 6012)
			.saturating_add(Weight::from_parts(40_325_039, 0).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(0, 2603).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads(5))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(c.into())))
			.saturating_add(RocksDbWeight::get().writes(4))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(c.into())))
	}
}
