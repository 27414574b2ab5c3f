//! Weights of `pallet_secret_compute`, measured by `scripts/benchmark-weights.sh` (frame-omni-bencher,
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
	fn register_contract(b: u32, ) -> Weight;
	fn register_secret() -> Weight;
	fn ack_secret() -> Weight;
	fn submit_task(i: u32, ) -> Weight;
	fn submit_result(c: u32, ) -> Weight;
	fn abort_task(c: u32, ) -> Weight;
	fn remove_secret() -> Weight;
	fn declassify() -> Weight;
	fn remove_contract() -> Weight;
	fn prune_tasks(t: u32, c: u32, ) -> Weight;
	fn expire_tasks(t: u32, c: u32, ) -> Weight;
}

/// The measured weights, with the runtime's database costs.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// `b` in `[1, 65536]`.
	fn register_contract(b: u32, ) -> Weight {
		Weight::from_parts(56_579_860, 69037)
			.saturating_add(Weight::from_parts(4_198, 0).saturating_mul(b.into()))
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	fn register_secret() -> Weight {
		Weight::from_parts(354_659_000, 2127727)
			.saturating_add(T::DbWeight::get().reads(40))
			.saturating_add(T::DbWeight::get().writes(35))
	}
	fn ack_secret() -> Weight {
		Weight::from_parts(48_432_000, 12971)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// `i` in `[1, 1024]`.
	fn submit_task(i: u32, ) -> Weight {
		Weight::from_parts(239_708_000, 2127727)
			.saturating_add(Weight::from_parts(16_548_108, 0).saturating_mul(i.into()))
			.saturating_add(Weight::from_parts(0, 11981).saturating_mul(i.into()))
			.saturating_add(T::DbWeight::get().reads(18))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(i.into())))
			.saturating_add(T::DbWeight::get().writes(15))
	}
	/// `c` in `[1, 32]`.
	fn submit_result(c: u32, ) -> Weight {
		Weight::from_parts(720_728_675, 204667)
			.saturating_add(Weight::from_parts(76_691_772, 0).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(0, 2545).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads(46))
			.saturating_add(T::DbWeight::get().reads((2_u64).saturating_mul(c.into())))
			.saturating_add(T::DbWeight::get().writes(47))
			.saturating_add(T::DbWeight::get().writes((2_u64).saturating_mul(c.into())))
	}
	/// `c` in `[1, 32]`.
	fn abort_task(c: u32, ) -> Weight {
		Weight::from_parts(146_065_782, 37468)
			.saturating_add(Weight::from_parts(14_490_265, 0).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(0, 2545).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads(12))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(c.into())))
			.saturating_add(T::DbWeight::get().writes(7))
			.saturating_add(T::DbWeight::get().writes((2_u64).saturating_mul(c.into())))
	}
	fn remove_secret() -> Weight {
		Weight::from_parts(342_971_000, 2127727)
			.saturating_add(T::DbWeight::get().reads(37))
			.saturating_add(T::DbWeight::get().writes(35))
	}
	fn declassify() -> Weight {
		Weight::from_parts(39_789_000, 2127727)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(0))
	}
	fn remove_contract() -> Weight {
		Weight::from_parts(59_709_000, 3676)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// `t` in `[0, 16]`.
	/// `c` in `[1, 32]`.
	fn prune_tasks(t: u32, c: u32, ) -> Weight {
		Weight::from_parts(11_567_000, 44969)
			.saturating_add(Weight::from_parts(34_289_175, 0).saturating_mul(t.into()))
			.saturating_add(Weight::from_parts(6_451_328, 0).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(0, 7265).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(0, 36478).saturating_mul(t.into()))
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().reads((8_u64).saturating_mul(t.into())))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(c.into())))
			.saturating_add(T::DbWeight::get().writes(0))
			.saturating_add(T::DbWeight::get().writes((9_u64).saturating_mul(t.into())))
			.saturating_add(T::DbWeight::get().writes((3_u64).saturating_mul(c.into())))
	}
	/// `t` in `[0, 16]`.
	/// `c` in `[1, 32]`.
	fn expire_tasks(t: u32, c: u32, ) -> Weight {
		Weight::from_parts(9_394_000, 83774)
			.saturating_add(Weight::from_parts(778_866_556, 0).saturating_mul(t.into()))
			.saturating_add(Weight::from_parts(336_401_040, 0).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(0, 14604).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(0, 36478).saturating_mul(t.into()))
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().reads((36_u64).saturating_mul(t.into())))
			.saturating_add(T::DbWeight::get().reads((20_u64).saturating_mul(c.into())))
			.saturating_add(T::DbWeight::get().writes(0))
			.saturating_add(T::DbWeight::get().writes((25_u64).saturating_mul(t.into())))
			.saturating_add(T::DbWeight::get().writes((14_u64).saturating_mul(c.into())))
	}
}

/// The same weights with RocksDB's database costs, for tests and mocks.
impl WeightInfo for () {
	fn register_contract(b: u32, ) -> Weight {
		Weight::from_parts(56_579_860, 69037)
			.saturating_add(Weight::from_parts(4_198, 0).saturating_mul(b.into()))
			.saturating_add(RocksDbWeight::get().reads(5))
			.saturating_add(RocksDbWeight::get().writes(3))
	}
	fn register_secret() -> Weight {
		Weight::from_parts(354_659_000, 2127727)
			.saturating_add(RocksDbWeight::get().reads(40))
			.saturating_add(RocksDbWeight::get().writes(35))
	}
	fn ack_secret() -> Weight {
		Weight::from_parts(48_432_000, 12971)
			.saturating_add(RocksDbWeight::get().reads(2))
			.saturating_add(RocksDbWeight::get().writes(1))
	}
	fn submit_task(i: u32, ) -> Weight {
		Weight::from_parts(239_708_000, 2127727)
			.saturating_add(Weight::from_parts(16_548_108, 0).saturating_mul(i.into()))
			.saturating_add(Weight::from_parts(0, 11981).saturating_mul(i.into()))
			.saturating_add(RocksDbWeight::get().reads(18))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(i.into())))
			.saturating_add(RocksDbWeight::get().writes(15))
	}
	fn submit_result(c: u32, ) -> Weight {
		Weight::from_parts(720_728_675, 204667)
			.saturating_add(Weight::from_parts(76_691_772, 0).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(0, 2545).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads(46))
			.saturating_add(RocksDbWeight::get().reads((2_u64).saturating_mul(c.into())))
			.saturating_add(RocksDbWeight::get().writes(47))
			.saturating_add(RocksDbWeight::get().writes((2_u64).saturating_mul(c.into())))
	}
	fn abort_task(c: u32, ) -> Weight {
		Weight::from_parts(146_065_782, 37468)
			.saturating_add(Weight::from_parts(14_490_265, 0).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(0, 2545).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads(12))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(c.into())))
			.saturating_add(RocksDbWeight::get().writes(7))
			.saturating_add(RocksDbWeight::get().writes((2_u64).saturating_mul(c.into())))
	}
	fn remove_secret() -> Weight {
		Weight::from_parts(342_971_000, 2127727)
			.saturating_add(RocksDbWeight::get().reads(37))
			.saturating_add(RocksDbWeight::get().writes(35))
	}
	fn declassify() -> Weight {
		Weight::from_parts(39_789_000, 2127727)
			.saturating_add(RocksDbWeight::get().reads(4))
			.saturating_add(RocksDbWeight::get().writes(0))
	}
	fn remove_contract() -> Weight {
		Weight::from_parts(59_709_000, 3676)
			.saturating_add(RocksDbWeight::get().reads(2))
			.saturating_add(RocksDbWeight::get().writes(3))
	}
	fn prune_tasks(t: u32, c: u32, ) -> Weight {
		Weight::from_parts(11_567_000, 44969)
			.saturating_add(Weight::from_parts(34_289_175, 0).saturating_mul(t.into()))
			.saturating_add(Weight::from_parts(6_451_328, 0).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(0, 7265).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(0, 36478).saturating_mul(t.into()))
			.saturating_add(RocksDbWeight::get().reads(2))
			.saturating_add(RocksDbWeight::get().reads((8_u64).saturating_mul(t.into())))
			.saturating_add(RocksDbWeight::get().reads((3_u64).saturating_mul(c.into())))
			.saturating_add(RocksDbWeight::get().writes(0))
			.saturating_add(RocksDbWeight::get().writes((9_u64).saturating_mul(t.into())))
			.saturating_add(RocksDbWeight::get().writes((3_u64).saturating_mul(c.into())))
	}
	fn expire_tasks(t: u32, c: u32, ) -> Weight {
		Weight::from_parts(9_394_000, 83774)
			.saturating_add(Weight::from_parts(778_866_556, 0).saturating_mul(t.into()))
			.saturating_add(Weight::from_parts(336_401_040, 0).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(0, 14604).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(0, 36478).saturating_mul(t.into()))
			.saturating_add(RocksDbWeight::get().reads(2))
			.saturating_add(RocksDbWeight::get().reads((36_u64).saturating_mul(t.into())))
			.saturating_add(RocksDbWeight::get().reads((20_u64).saturating_mul(c.into())))
			.saturating_add(RocksDbWeight::get().writes(0))
			.saturating_add(RocksDbWeight::get().writes((25_u64).saturating_mul(t.into())))
			.saturating_add(RocksDbWeight::get().writes((14_u64).saturating_mul(c.into())))
	}
}
