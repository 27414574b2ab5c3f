//! Benchmarks of the shared-identity calls, at their worst case: `MaxMembers` members, each with
//! a full policy.

use super::*;
use alloc::{vec, vec::Vec};
use crate::predicate::{Grant, Node, MAX_GRANTS, MAX_NODES};
use frame_benchmarking::v2::*;
use frame_support::BoundedVec;
use frame_system::RawOrigin;

fn full_policy<T: Config>() -> PolicyOf<T> {
	// Each grant: a balanced formula of MAX_NODES nodes (Or over And/Until and Member pairs).
	let mut predicate = Vec::new();
	for _ in 0..(MAX_NODES - 1) / 2 {
		predicate.push(Node::Or);
		predicate.push(Node::Until(100u32.into()));
	}
	predicate.push(Node::Member);
	let grant = Grant {
		permissions: BoundedVec::truncate_from(vec![
			Permission::Read,
			Permission::Store,
			Permission::Compute,
			Permission::Declassify,
			Permission::Admin,
		]),
		predicate: BoundedVec::truncate_from(predicate),
	};
	BoundedVec::truncate_from(vec![grant; MAX_GRANTS as usize])
}

/// `m` funded accounts, each with a full policy.
fn members<T: Config>(m: u32) -> MembersOf<T> {
	BoundedVec::truncate_from(
		(0..m)
			.map(|i| {
				let who = account::<T::AccountId>("member", i, 0);
				let _ = T::Currency::set_balance(&who, Pallet::<T>::deposit_for(4 << 20).saturating_mul(4u32.into()));
				(who, full_policy::<T>())
			})
			.collect(),
	)
}

fn approve_all<T: Config>(id: H256, who: impl Iterator<Item = T::AccountId>) {
	let proposal = Pallet::<T>::proposal_hash(&Identities::<T>::get(id).expect("proposed"));
	for a in who {
		Pallet::<T>::approve(RawOrigin::Signed(a).into(), id, proposal).expect("member");
	}
}

fn active<T: Config>(m: u32) -> (H256, T::AccountId, T::AccountId) {
	let list = members::<T>(m);
	let first = list[0].0.clone();
	let last = list[list.len() - 1].0.clone();
	let id = Pallet::<T>::address_of(list.iter().map(|(a, _)| a));
	Pallet::<T>::create(RawOrigin::Signed(first.clone()).into(), list.clone()).expect("valid");
	approve_all::<T>(id, list.iter().skip(1).map(|(a, _)| a.clone()));
	(id, first, last)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn create(m: Linear<1, { T::MaxMembers::get() }>) {
		let list = members::<T>(m);
		let caller = list[0].0.clone();
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), list);
	}

	#[benchmark]
	fn approve(m: Linear<2, { T::MaxMembers::get() }>) {
		let list = members::<T>(m);
		let id = Pallet::<T>::address_of(list.iter().map(|(a, _)| a));
		let first = list[0].0.clone();
		Pallet::<T>::create(RawOrigin::Signed(first).into(), list.clone()).expect("valid");
		approve_all::<T>(id, list.iter().skip(1).take(m as usize - 2).map(|(a, _)| a.clone()));
		let last = list[m as usize - 1].0.clone();
		let proposal = Pallet::<T>::proposal_hash(&Identities::<T>::get(id).expect("proposed"));
		#[extrinsic_call]
		_(RawOrigin::Signed(last), id, proposal);
		assert!(Identities::<T>::get(id).expect("exists").active);
	}

	#[benchmark]
	fn set_policy(m: Linear<2, { T::MaxMembers::get() }>) {
		let (id, admin, last) = active::<T>(m);
		#[extrinsic_call]
		_(RawOrigin::Signed(admin), id, last, full_policy::<T>());
	}

	#[benchmark]
	fn remove_member(m: Linear<2, { T::MaxMembers::get() }>) {
		let (id, admin, last) = active::<T>(m);
		#[extrinsic_call]
		_(RawOrigin::Signed(admin), id, last);
	}

	#[benchmark]
	fn dissolve(m: Linear<1, { T::MaxMembers::get() }>) {
		let (id, admin, _) = active::<T>(m);
		#[extrinsic_call]
		_(RawOrigin::Signed(admin), id);
		assert!(Identities::<T>::get(id).is_none());
	}

	/// The last co-signature an entry takes.
	#[benchmark]
	fn cosign(m: Linear<1, { T::MaxMembers::get() }>) {
		let (id, _, last) = active::<T>(m);
		let list = Identities::<T>::get(id).expect("active").members;
		let request = H256::repeat_byte(1);
		for member in list.iter().take(m as usize - 1) {
			Pallet::<T>::cosign(RawOrigin::Signed(member.account.clone()).into(), id, request).expect("member");
		}
		#[extrinsic_call]
		_(RawOrigin::Signed(last), id, request);
	}

	/// Clearing a lapsed entry every member co-signed (before it lapses, a co-signer withdraws
	/// its own signature only: less work).
	#[benchmark]
	fn clear_cosigns(m: Linear<1, { T::MaxMembers::get() }>) {
		let (id, first, _) = active::<T>(m);
		let request = H256::repeat_byte(1);
		for member in Identities::<T>::get(id).expect("active").members.iter() {
			Pallet::<T>::cosign(RawOrigin::Signed(member.account.clone()).into(), id, request).expect("member");
		}
		let now = frame_system::Pallet::<T>::block_number();
		frame_system::Pallet::<T>::set_block_number(now + T::CosignLifetime::get());
		#[extrinsic_call]
		_(RawOrigin::Signed(first), id, request);
		assert!(CosignedRequests::<T>::get(id, request).is_none());
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
