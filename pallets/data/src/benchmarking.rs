//! Benchmarks of the data-registry calls and of sweeping a full schedule slot.

use super::*;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::traits::fungible::Mutate;
use frame_system::RawOrigin;

fn funded<T: Config>() -> (T::AccountId, H256) {
	let who: T::AccountId = whitelisted_caller();
	let _ = T::Currency::set_balance(&who, BalanceOf::<T>::from(u32::MAX).saturating_mul(1_000_000u32.into()));
	let identity = T::BenchmarkHelper::identity_of(&who);
	(who, identity)
}

fn full_predicate<T: Config>() -> PredicateOf<T> {
	use pallet_shared_identity::predicate::{Node, MAX_NODES};
	let mut nodes = Vec::new();
	for _ in 0..(MAX_NODES - 1) / 2 {
		nodes.push(Node::Or);
		nodes.push(Node::Until(1_000u32.into()));
	}
	nodes.push(Node::Member);
	BoundedVec::truncate_from(nodes)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn store() {
		let (who, identity) = funded::<T>();
		#[extrinsic_call]
		_(RawOrigin::Signed(who), identity, H256::repeat_byte(1), T::MaxDataSize::get(), full_predicate::<T>(), 1, true);
		assert!(Entries::<T>::contains_key(H256::repeat_byte(1)));
	}

	#[benchmark]
	fn renew() {
		let (who, identity) = funded::<T>();
		Pallet::<T>::store(RawOrigin::Signed(who.clone()).into(), identity, H256::repeat_byte(1), 1024, full_predicate::<T>(), 1, true)
			.expect("stored");
		#[extrinsic_call]
		_(RawOrigin::Signed(who), H256::repeat_byte(1), 1);
	}

	#[benchmark]
	fn set_read_predicate() {
		let (who, identity) = funded::<T>();
		Pallet::<T>::store(RawOrigin::Signed(who.clone()).into(), identity, H256::repeat_byte(1), 1024, full_predicate::<T>(), 1, true)
			.expect("stored");
		#[extrinsic_call]
		_(RawOrigin::Signed(who), H256::repeat_byte(1), full_predicate::<T>());
	}

	#[benchmark]
	fn remove() {
		let (who, identity) = funded::<T>();
		Pallet::<T>::store(RawOrigin::Signed(who.clone()).into(), identity, H256::repeat_byte(1), 1024, full_predicate::<T>(), 1, true)
			.expect("stored");
		#[extrinsic_call]
		_(RawOrigin::Signed(who), H256::repeat_byte(1));
		assert!(!Entries::<T>::contains_key(H256::repeat_byte(1)));
	}

	/// A schedule slot full of lapsing, auto-renewing entries.
	#[benchmark]
	fn sweep_block(n: Linear<1, { T::MaxExpiriesPerBlock::get() }>) {
		let (who, identity) = funded::<T>();
		let now = frame_system::Pallet::<T>::block_number();
		for i in 0..n {
			let mut pointer = [0u8; 32];
			pointer[..4].copy_from_slice(&i.to_le_bytes());
			Pallet::<T>::store(RawOrigin::Signed(who.clone()).into(), identity, H256(pointer), 1024, full_predicate::<T>(), 1, true)
				.expect("stored");
		}
		let due = now.saturating_add(T::RentPeriod::get());
		frame_system::Pallet::<T>::set_block_number(due);
		SweepCursor::<T>::put(due);
		#[block]
		{
			Pallet::<T>::sweep(due, Weight::MAX);
		}
		assert!(Schedule::<T>::get(due).is_empty());
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
