//! Storage migrations, each from the storage version before it.

use crate::{contract_security, BalanceOf, Config, Contracts, DishonestContracts, DishonestTasks, Pallet, PriceTable, Secrets, Security, TaskInfo, TaskStatus, Tasks};
use codec::{Decode, Encode};
use frame_support::{
	pallet_prelude::*,
	traits::{OnRuntimeUpgrade, StorageVersion},
};
use frame_system::pallet_prelude::BlockNumberFor;
use pallet_workers::{CommitteeId, WorkerRegistry};
use sp_core::H256;

/// A task as storage version 0 kept it: without its gas prices.
#[derive(Encode, Decode)]
struct TaskInfoV0<T: Config> {
	requester: T::AccountId,
	contract: H256,
	entry: BoundedVec<u8, ConstU32<64>>,
	inputs: BoundedVec<H256, T::MaxInputs>,
	public_args: BoundedVec<u8, T::MaxPublicArgs>,
	committee: CommitteeId,
	gas_limit: BalanceOf<T>,
	created: BlockNumberFor<T>,
	deadline: BlockNumberFor<T>,
	status: TaskStatus,
	deposit: BalanceOf<T>,
}

/// Version 0 → 1: every stored task records the gas prices (`TaskInfo::prices`). A task stored
/// before gets the prices at the upgrade, which its members read until then. Without it no task
/// stored before would decode: pending ones could not complete, and no deposit held for one
/// would come back.
pub struct TasksRecordPrices<T>(core::marker::PhantomData<T>);

impl<T: Config> OnRuntimeUpgrade for TasksRecordPrices<T> {
	fn on_runtime_upgrade() -> Weight {
		if StorageVersion::get::<Pallet<T>>() >= 1 {
			return T::DbWeight::get().reads(1);
		}
		let prices: PriceTable<BalanceOf<T>> = Pallet::<T>::price_table();
		let mut tasks = 0u64;
		Tasks::<T>::translate::<TaskInfoV0<T>, _>(|_, old| {
			tasks += 1;
			Some(TaskInfo {
				requester: old.requester,
				contract: old.contract,
				entry: old.entry,
				inputs: old.inputs,
				public_args: old.public_args,
				committee: old.committee,
				gas_limit: old.gas_limit,
				created: old.created,
				deadline: old.deadline,
				status: old.status,
				deposit: old.deposit,
				prices,
			})
		});
		StorageVersion::new(1).put::<Pallet<T>>();
		T::DbWeight::get().reads_writes(tasks + 1, tasks + 1)
	}
}

/// Version 1 → 2: a secret counted against its committee and each of its members from its
/// registration; now a member counts the shares it acknowledged, and a committee its ready
/// secrets. Each secret stored at the upgrade is uncounted for the members that have not
/// acknowledged it, and for its committee if it is not ready (else they would count twice, or
/// never be released). Reads every secret and its committee, once. It assumes version 1 counted
/// each secret for every member of its committee: a member that was not registered when a
/// secret was registered (version 1 skipped it) and registered again later would be off by one.
/// No network of ours holds such state (the dev and local networks start from genesis); a live
/// network would recompute the counts from the secrets' `acks` instead.
pub struct UnreadySecretsUncounted<T>(core::marker::PhantomData<T>);

impl<T: Config> OnRuntimeUpgrade for UnreadySecretsUncounted<T> {
	fn on_runtime_upgrade() -> Weight {
		if StorageVersion::get::<Pallet<T>>() >= 2 {
			return T::DbWeight::get().reads(1);
		}
		let (mut reads, mut writes) = (1u64, 1u64);
		for info in Secrets::<T>::iter_values() {
			let members = T::Workers::committee(info.committee).unwrap_or_default();
			let silent: alloc::vec::Vec<_> = members.into_iter().filter(|m| !info.acks.contains(m)).collect();
			T::Workers::note_shares(&silent, 1, false);
			reads += 2 + silent.len() as u64;
			writes += silent.len() as u64;
			if !info.ready {
				T::Workers::note_committee_secrets(info.committee, 1, false);
				reads += 1;
				writes += 1;
			}
		}
		StorageVersion::new(2).put::<Pallet<T>>();
		T::DbWeight::get().reads_writes(reads, writes)
	}
}

/// Version 2 → 3: the chain records which contracts ask for a dishonest majority (read from
/// their headers, [`contract_security`]) and which tasks run them, so that such a task is decided
/// by every member's vote. Reads every contract and every task once. Secrets registered before
/// cannot be told apart on chain (their owners chose off chain): they stay honest-majority
/// records, and the members refuse to acknowledge a secret whose dealing says otherwise, so one
/// dealt for a dishonest majority is shared again (no network of ours holds one: the feature
/// came with this version).
pub struct DishonestContractsRecorded<T>(core::marker::PhantomData<T>);

impl<T: Config> OnRuntimeUpgrade for DishonestContractsRecorded<T> {
	fn on_runtime_upgrade() -> Weight {
		if StorageVersion::get::<Pallet<T>>() >= 3 {
			return T::DbWeight::get().reads(1);
		}
		let (mut reads, mut writes) = (1u64, 1u64);
		for (contract, code) in Contracts::<T>::iter() {
			reads += 1;
			if contract_security(&code) == Security::DishonestMajority {
				DishonestContracts::<T>::insert(contract, ());
				writes += 1;
			}
		}
		for (task, info) in Tasks::<T>::iter() {
			reads += 1;
			if info.status == TaskStatus::Pending && DishonestContracts::<T>::contains_key(info.contract) {
				DishonestTasks::<T>::insert(task, ());
				writes += 1;
			}
		}
		StorageVersion::new(3).put::<Pallet<T>>();
		T::DbWeight::get().reads_writes(reads, writes)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::mock::*;

	#[test]
	fn tasks_stored_before_prices_were_recorded_get_the_prices_at_the_upgrade() {
		new_test_ext().execute_with(|| {
			StorageVersion::new(0).put::<Pallet<Test>>();
			let task = H256::repeat_byte(9);
			let old = TaskInfoV0::<Test> {
				requester: 1,
				contract: H256::repeat_byte(1),
				entry: BoundedVec::truncate_from(b"survey".to_vec()),
				inputs: BoundedVec::truncate_from(vec![H256::repeat_byte(2)]),
				public_args: BoundedVec::new(),
				committee: 0,
				gas_limit: 1_000,
				created: 3,
				deadline: 23,
				status: TaskStatus::Pending,
				deposit: 77,
			};
			frame_support::storage::unhashed::put(&Tasks::<Test>::hashed_key_for(task), &old);
			assert!(Tasks::<Test>::get(task).is_none(), "the old layout does not read as the new one");
			TasksRecordPrices::<Test>::on_runtime_upgrade();
			let info = Tasks::<Test>::get(task).expect("migrated");
			assert_eq!((info.requester, info.gas_limit, info.deadline, info.deposit), (1, 1_000, 23, 77));
			assert_eq!(info.prices, Pallet::<Test>::price_table());
			assert_eq!(StorageVersion::get::<Pallet<Test>>(), 1);
			// Once only: a second upgrade reads the version and nothing else.
			let weight = TasksRecordPrices::<Test>::on_runtime_upgrade();
			assert_eq!(weight, <<Test as frame_system::Config>::DbWeight as Get<frame_support::weights::RuntimeDbWeight>>::get().reads(1));
		});
	}

	#[test]
	fn contracts_and_pending_tasks_that_ask_for_a_dishonest_majority_are_recorded_at_the_upgrade() {
		new_test_ext().execute_with(|| {
			let (dishonest, honest) = (H256::repeat_byte(1), H256::repeat_byte(2));
			Contracts::<Test>::insert(dishonest, BoundedVec::truncate_from(b"contract R: dishonest_majority { }".to_vec()));
			Contracts::<Test>::insert(honest, BoundedVec::truncate_from(b"contract S { }".to_vec()));
			let task = |contract: H256, status: TaskStatus| TaskInfo::<Test> {
				requester: 1,
				contract,
				entry: BoundedVec::new(),
				inputs: BoundedVec::new(),
				public_args: BoundedVec::new(),
				committee: 0,
				gas_limit: 1,
				created: 1,
				deadline: 21,
				status,
				deposit: 0,
				prices: Pallet::<Test>::price_table(),
			};
			Tasks::<Test>::insert(H256::repeat_byte(3), task(dishonest, TaskStatus::Pending));
			Tasks::<Test>::insert(H256::repeat_byte(4), task(dishonest, TaskStatus::Completed));
			Tasks::<Test>::insert(H256::repeat_byte(5), task(honest, TaskStatus::Pending));
			StorageVersion::new(2).put::<Pallet<Test>>();
			DishonestContractsRecorded::<Test>::on_runtime_upgrade();
			assert!(DishonestContracts::<Test>::contains_key(dishonest) && !DishonestContracts::<Test>::contains_key(honest));
			let recorded: alloc::vec::Vec<H256> = DishonestTasks::<Test>::iter_keys().collect();
			assert_eq!(recorded, vec![H256::repeat_byte(3)]);
			assert_eq!(Pallet::<Test>::task_security(&H256::repeat_byte(3)), Security::DishonestMajority);
			assert_eq!(StorageVersion::get::<Pallet<Test>>(), 3);
		});
	}

	#[test]
	fn secrets_count_for_the_members_that_acknowledged_them_after_the_upgrade() {
		use crate::{SecretInfo, ValueKind};
		new_test_ext().execute_with(|| {
			for w in 11..=14u64 {
				frame_support::assert_ok!({ let (peer, proof) = pallet_workers::test_peer(&w, w as u8, &[w as u8; 32]); pallet_workers::Pallet::<Test>::register(RuntimeOrigin::signed(w), peer, [w as u8; 32], STAKE, proof) });
			}
			let id = committee(4);
			let record = |ready: bool| SecretInfo::<Test> {
				owner: H256::repeat_byte(1),
				committee: id,
				compute_predicate: BoundedVec::new(),
				kind: ValueKind::Int { bits: 64 },
				origin: None,
				depositor: 1,
				deposit: 0,
				commitment: H256::zero(),
				acks: BoundedVec::new(),
				ready,
			};
			// As version 1 left them: both counted for the committee and every member when
			// registered; one ready since (all acknowledged), one acknowledged by 11 and 12 only.
			let members = pallet_workers::Pallet::<Test>::committee(id).unwrap();
			Secrets::<Test>::insert(H256::repeat_byte(2), SecretInfo { acks: BoundedVec::truncate_from(members.clone()), ..record(true) });
			Secrets::<Test>::insert(H256::repeat_byte(3), SecretInfo { acks: BoundedVec::truncate_from(vec![11, 12]), ..record(false) });
			<Test as crate::Config>::Workers::note_committee_secrets(id, 2, true);
			<Test as crate::Config>::Workers::note_shares(&members, 2, true);
			StorageVersion::new(1).put::<Pallet<Test>>();
			UnreadySecretsUncounted::<Test>::on_runtime_upgrade();
			let shares = |w: u64| pallet_workers::Workers::<Test>::get(w).unwrap().secrets;
			assert_eq!(pallet_workers::CommitteeInfo::<Test>::get(id).unwrap().secrets, 1, "the ready one");
			assert_eq!((shares(11), shares(12), shares(13), shares(14)), (2, 2, 1, 1), "the shares each acknowledged");
			assert_eq!(StorageVersion::get::<Pallet<Test>>(), 2);
			// Once only.
			UnreadySecretsUncounted::<Test>::on_runtime_upgrade();
			assert_eq!((shares(11), shares(13)), (2, 1));
		});
	}
}
