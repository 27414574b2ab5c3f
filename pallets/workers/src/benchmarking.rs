//! Benchmarks of the worker-registry calls at their worst cases.

use super::*;
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::traits::Hooks;
use frame_system::RawOrigin;

fn stake<T: Config>() -> BalanceOf<T> {
	T::MinWorkerStake::get().max(1u32.into()).saturating_mul(2u32.into())
}

fn funded<T: Config>(index: u32) -> T::AccountId {
	let who: T::AccountId = account("worker", index, 0);
	let _ = T::Currency::set_balance(&who, stake::<T>().saturating_mul(100u32.into()));
	who
}

fn registered<T: Config>(index: u32) -> T::AccountId {
	let who = funded::<T>(index);
	let (peer, proof) = crate::benchmark_peer(&who, &[7; 32]);
	Pallet::<T>::register(RawOrigin::Signed(who.clone()).into(), peer, [7; 32], stake::<T>(), proof).expect("funded");
	who
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register() {
		let who = funded::<T>(0);
		let (peer, proof) = crate::benchmark_peer(&who, &[7; 32]);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), peer, [7; 32], stake::<T>(), proof);
		assert!(Workers::<T>::contains_key(&who));
	}

	#[benchmark]
	fn add_stake() {
		let who = registered::<T>(0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), stake::<T>());
	}

	#[benchmark]
	fn unbond() {
		let who = registered::<T>(0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who));
	}

	#[benchmark]
	fn withdraw() {
		let who = registered::<T>(0);
		Pallet::<T>::unbond(RawOrigin::Signed(who.clone()).into()).expect("registered");
		frame_system::Pallet::<T>::set_block_number(frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get()));
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(!Workers::<T>::contains_key(&who));
	}

	/// The request and its draw `DrawDelay` blocks later (the request pays for both).
	#[benchmark]
	fn request_committee(w: Linear<1, { T::MaxWorkers::get() }>, s: Linear<1, { T::MaxCommitteeSize::get() }>) {
		let s = s.max(Pallet::<T>::min_committee_size());
		for i in 0..w.max(s) {
			registered::<T>(i);
		}
		let caller = funded::<T>(u32::MAX);
		#[block]
		{
			Pallet::<T>::request_committee(RawOrigin::Signed(caller).into(), s).expect("enough workers");
			let draw_at = PendingCommittees::<T>::get(0).expect("requested").draw_at;
			Pallet::<T>::on_initialize(draw_at);
		}
		assert!(Committees::<T>::contains_key(0));
	}

	#[benchmark]
	fn dissolve_committee(s: Linear<1, { T::MaxCommitteeSize::get() }>) {
		let s = s.max(Pallet::<T>::min_committee_size());
		for i in 0..s {
			registered::<T>(i);
		}
		let caller = funded::<T>(u32::MAX);
		Pallet::<T>::request_committee(RawOrigin::Signed(caller.clone()).into(), s).expect("enough workers");
		let draw_at = PendingCommittees::<T>::get(0).expect("requested").draw_at;
		Pallet::<T>::on_initialize(draw_at);
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), 0);
		assert!(!Committees::<T>::contains_key(0));
	}

	/// The slashing path of `report`, shared among `c` honest members.
	#[benchmark]
	fn report(c: Linear<1, { T::MaxCommitteeSize::get() }>) {
		let offender = registered::<T>(0);
		let honest: Vec<T::AccountId> = (1..=c).map(registered::<T>).collect();
		let task = H256::repeat_byte(1);
		#[block]
		{
			Pallet::<T>::do_slash(&task, core::slice::from_ref(&offender), Offence::Timeout, &honest);
		}
		assert!(Slashed::<T>::contains_key(task, &offender));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
