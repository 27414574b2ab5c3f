//! Benchmarks of the validator-set calls with a full set.

use super::*;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_system::RawOrigin;

/// A set one short of full, every validator with keys (a removal reads them all).
fn full<T: Config>() -> Vec<T::AccountId> {
	let set: Vec<T::AccountId> = (0..T::MaxValidators::get() - 1).map(|i| account("validator", i, 0)).collect();
	set.iter().for_each(T::Keys::register);
	Validators::<T>::put(BoundedVec::truncate_from(set.clone()));
	set
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn add_validator(v: Linear<1, { T::MaxValidators::get() }>) {
		let _ = v;
		full::<T>();
		let new: T::AccountId = account("new", 0, 0);
		T::Keys::register(&new);
		#[extrinsic_call]
		_(RawOrigin::Root, new.clone());
		assert!(Validators::<T>::get().contains(&new));
	}

	#[benchmark]
	fn remove_validator(v: Linear<1, { T::MaxValidators::get() }>) {
		let _ = v;
		let set = full::<T>();
		let last = set[set.len() - 1].clone();
		#[extrinsic_call]
		_(RawOrigin::Root, last.clone());
		assert!(!Validators::<T>::get().contains(&last));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
