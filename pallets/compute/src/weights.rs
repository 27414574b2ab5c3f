//! Weights of `pallet_secret_compute`, measured by `scripts/benchmark-weights.sh` (frame-omni-bencher,
//! benchmarking CLI 64.0.0: 20 steps, 5 repeats, on AMD EPYC, 2026-12-03) from the
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
	fn register_secrets(n: u32, ) -> Weight;
	fn ack_secrets(n: u32, ) -> Weight;
	fn submit_task(i: u32, ) -> Weight;
	fn commit_result(c: u32, ) -> Weight;
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
		Weight::from_parts(42_394_093, 69037)
			.saturating_add(Weight::from_parts(3_710, 0).saturating_mul(b.into()))
			.saturating_add(T::DbWeight::get().reads(5))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	fn register_secret() -> Weight {
		Weight::from_parts(252_326_000, 2127727)
			.saturating_add(T::DbWeight::get().reads(40))
			.saturating_add(T::DbWeight::get().writes(35))
	}
	fn ack_secret() -> Weight {
		Weight::from_parts(27_410_000, 12971)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(1))
	}
	/// `n` in `[1, 1024]`.
	fn register_secrets(n: u32, ) -> Weight {
		Weight::from_parts(245_806_000, 2127727)
			.saturating_add(Weight::from_parts(11_328_804, 0).saturating_mul(n.into()))
			.saturating_add(Weight::from_parts(0, 11981).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(39))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(34))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(n.into())))
	}
	/// `n` in `[1, 1024]`.
	fn ack_secrets(n: u32, ) -> Weight {
		Weight::from_parts(35_583_000, 4502)
			.saturating_add(Weight::from_parts(16_559_701, 0).saturating_mul(n.into()))
			.saturating_add(Weight::from_parts(0, 11981).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(1))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes(0))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(n.into())))
	}
	/// `i` in `[1, 1024]`.
	fn submit_task(i: u32, ) -> Weight {
		Weight::from_parts(165_897_000, 2127727)
			.saturating_add(Weight::from_parts(15_627_530, 0).saturating_mul(i.into()))
			.saturating_add(Weight::from_parts(0, 11981).saturating_mul(i.into()))
			.saturating_add(T::DbWeight::get().reads(18))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(i.into())))
			.saturating_add(T::DbWeight::get().writes(15))
	}
	/// `c` in `[1, 32]`.
	fn commit_result(c: u32, ) -> Weight {
		Weight::from_parts(58_820_221, 37468)
			.saturating_add(Weight::from_parts(13_027_309, 0).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(0, 2480).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads(9))
			.saturating_add(T::DbWeight::get().reads((3_u64).saturating_mul(c.into())))
			.saturating_add(T::DbWeight::get().writes(2))
	}
	/// `c` in `[1, 32]`.
	fn submit_result(c: u32, ) -> Weight {
		Weight::from_parts(490_660_497, 204667)
			.saturating_add(Weight::from_parts(85_124_793, 0).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(0, 2545).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads(47))
			.saturating_add(T::DbWeight::get().reads((4_u64).saturating_mul(c.into())))
			.saturating_add(T::DbWeight::get().writes(47))
			.saturating_add(T::DbWeight::get().writes((2_u64).saturating_mul(c.into())))
	}
	/// `c` in `[1, 32]`.
	fn abort_task(c: u32, ) -> Weight {
		Weight::from_parts(120_846_799, 37468)
			.saturating_add(Weight::from_parts(18_411_921, 0).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(0, 2545).saturating_mul(c.into()))
			.saturating_add(T::DbWeight::get().reads(13))
			.saturating_add(T::DbWeight::get().reads((4_u64).saturating_mul(c.into())))
			.saturating_add(T::DbWeight::get().writes(7))
			.saturating_add(T::DbWeight::get().writes((2_u64).saturating_mul(c.into())))
	}
	fn remove_secret() -> Weight {
		Weight::from_parts(233_919_000, 2127727)
			.saturating_add(T::DbWeight::get().reads(37))
			.saturating_add(T::DbWeight::get().writes(35))
	}
	fn declassify() -> Weight {
		Weight::from_parts(25_348_000, 2127727)
			.saturating_add(T::DbWeight::get().reads(4))
			.saturating_add(T::DbWeight::get().writes(0))
	}
	fn remove_contract() -> Weight {
		Weight::from_parts(43_094_000, 3676)
			.saturating_add(T::DbWeight::get().reads(2))
			.saturating_add(T::DbWeight::get().writes(3))
	}
	/// `t` in `[0, 16]`.
	/// `c` in `[1, 32]`.
	fn prune_tasks(t: u32, c: u32, ) -> Weight {
		Weight::from_parts(6_920_000, 83774)
			.saturating_add(Weight::from_parts(54_981_533, 0).saturating_mul(t.into()))
			.saturating_add(Weight::from_parts(25_137_201, 0).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(0, 14388).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(0, 36478).saturating_mul(t.into()))
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().reads((26_u64).saturating_mul(t.into())))
			.saturating_add(T::DbWeight::get().reads((10_u64).saturating_mul(c.into())))
			.saturating_add(T::DbWeight::get().writes(0))
			.saturating_add(T::DbWeight::get().writes((28_u64).saturating_mul(t.into())))
			.saturating_add(T::DbWeight::get().writes((10_u64).saturating_mul(c.into())))
	}
	/// `t` in `[0, 16]`.
	/// `c` in `[1, 32]`.
	fn expire_tasks(t: u32, c: u32, ) -> Weight {
		Weight::from_parts(7_301_000, 83774)
			.saturating_add(Weight::from_parts(659_145_123, 0).saturating_mul(t.into()))
			.saturating_add(Weight::from_parts(294_265_764, 0).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(0, 14604).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(0, 36478).saturating_mul(t.into()))
			.saturating_add(T::DbWeight::get().reads(3))
			.saturating_add(T::DbWeight::get().reads((49_u64).saturating_mul(t.into())))
			.saturating_add(T::DbWeight::get().reads((25_u64).saturating_mul(c.into())))
			.saturating_add(T::DbWeight::get().writes(0))
			.saturating_add(T::DbWeight::get().writes((25_u64).saturating_mul(t.into())))
			.saturating_add(T::DbWeight::get().writes((14_u64).saturating_mul(c.into())))
	}
}

/// The same weights with RocksDB's database costs, for tests and mocks.
impl WeightInfo for () {
	fn register_contract(b: u32, ) -> Weight {
		Weight::from_parts(42_394_093, 69037)
			.saturating_add(Weight::from_parts(3_710, 0).saturating_mul(b.into()))
			.saturating_add(RocksDbWeight::get().reads(5))
			.saturating_add(RocksDbWeight::get().writes(3))
	}
	fn register_secret() -> Weight {
		Weight::from_parts(252_326_000, 2127727)
			.saturating_add(RocksDbWeight::get().reads(40))
			.saturating_add(RocksDbWeight::get().writes(35))
	}
	fn ack_secret() -> Weight {
		Weight::from_parts(27_410_000, 12971)
			.saturating_add(RocksDbWeight::get().reads(2))
			.saturating_add(RocksDbWeight::get().writes(1))
	}
	fn register_secrets(n: u32, ) -> Weight {
		Weight::from_parts(245_806_000, 2127727)
			.saturating_add(Weight::from_parts(11_328_804, 0).saturating_mul(n.into()))
			.saturating_add(Weight::from_parts(0, 11981).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(39))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes(34))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(n.into())))
	}
	fn ack_secrets(n: u32, ) -> Weight {
		Weight::from_parts(35_583_000, 4502)
			.saturating_add(Weight::from_parts(16_559_701, 0).saturating_mul(n.into()))
			.saturating_add(Weight::from_parts(0, 11981).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(1))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes(0))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(n.into())))
	}
	fn submit_task(i: u32, ) -> Weight {
		Weight::from_parts(165_897_000, 2127727)
			.saturating_add(Weight::from_parts(15_627_530, 0).saturating_mul(i.into()))
			.saturating_add(Weight::from_parts(0, 11981).saturating_mul(i.into()))
			.saturating_add(RocksDbWeight::get().reads(18))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(i.into())))
			.saturating_add(RocksDbWeight::get().writes(15))
	}
	fn commit_result(c: u32, ) -> Weight {
		Weight::from_parts(58_820_221, 37468)
			.saturating_add(Weight::from_parts(13_027_309, 0).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(0, 2480).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads(9))
			.saturating_add(RocksDbWeight::get().reads((3_u64).saturating_mul(c.into())))
			.saturating_add(RocksDbWeight::get().writes(2))
	}
	fn submit_result(c: u32, ) -> Weight {
		Weight::from_parts(490_660_497, 204667)
			.saturating_add(Weight::from_parts(85_124_793, 0).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(0, 2545).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads(47))
			.saturating_add(RocksDbWeight::get().reads((4_u64).saturating_mul(c.into())))
			.saturating_add(RocksDbWeight::get().writes(47))
			.saturating_add(RocksDbWeight::get().writes((2_u64).saturating_mul(c.into())))
	}
	fn abort_task(c: u32, ) -> Weight {
		Weight::from_parts(120_846_799, 37468)
			.saturating_add(Weight::from_parts(18_411_921, 0).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(0, 2545).saturating_mul(c.into()))
			.saturating_add(RocksDbWeight::get().reads(13))
			.saturating_add(RocksDbWeight::get().reads((4_u64).saturating_mul(c.into())))
			.saturating_add(RocksDbWeight::get().writes(7))
			.saturating_add(RocksDbWeight::get().writes((2_u64).saturating_mul(c.into())))
	}
	fn remove_secret() -> Weight {
		Weight::from_parts(233_919_000, 2127727)
			.saturating_add(RocksDbWeight::get().reads(37))
			.saturating_add(RocksDbWeight::get().writes(35))
	}
	fn declassify() -> Weight {
		Weight::from_parts(25_348_000, 2127727)
			.saturating_add(RocksDbWeight::get().reads(4))
			.saturating_add(RocksDbWeight::get().writes(0))
	}
	fn remove_contract() -> Weight {
		Weight::from_parts(43_094_000, 3676)
			.saturating_add(RocksDbWeight::get().reads(2))
			.saturating_add(RocksDbWeight::get().writes(3))
	}
	fn prune_tasks(t: u32, c: u32, ) -> Weight {
		Weight::from_parts(6_920_000, 83774)
			.saturating_add(Weight::from_parts(54_981_533, 0).saturating_mul(t.into()))
			.saturating_add(Weight::from_parts(25_137_201, 0).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(0, 14388).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(0, 36478).saturating_mul(t.into()))
			.saturating_add(RocksDbWeight::get().reads(3))
			.saturating_add(RocksDbWeight::get().reads((26_u64).saturating_mul(t.into())))
			.saturating_add(RocksDbWeight::get().reads((10_u64).saturating_mul(c.into())))
			.saturating_add(RocksDbWeight::get().writes(0))
			.saturating_add(RocksDbWeight::get().writes((28_u64).saturating_mul(t.into())))
			.saturating_add(RocksDbWeight::get().writes((10_u64).saturating_mul(c.into())))
	}
	fn expire_tasks(t: u32, c: u32, ) -> Weight {
		Weight::from_parts(7_301_000, 83774)
			.saturating_add(Weight::from_parts(659_145_123, 0).saturating_mul(t.into()))
			.saturating_add(Weight::from_parts(294_265_764, 0).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(0, 14604).saturating_mul(c.into()))
			.saturating_add(Weight::from_parts(0, 36478).saturating_mul(t.into()))
			.saturating_add(RocksDbWeight::get().reads(3))
			.saturating_add(RocksDbWeight::get().reads((49_u64).saturating_mul(t.into())))
			.saturating_add(RocksDbWeight::get().reads((25_u64).saturating_mul(c.into())))
			.saturating_add(RocksDbWeight::get().writes(0))
			.saturating_add(RocksDbWeight::get().writes((25_u64).saturating_mul(t.into())))
			.saturating_add(RocksDbWeight::get().writes((14_u64).saturating_mul(c.into())))
	}
}
