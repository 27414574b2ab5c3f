//! Storage migrations, each from the storage version before it.

use crate::{BalanceOf, Config, Pallet, PriceTable, TaskInfo, TaskStatus, Tasks};
use codec::{Decode, Encode};
use frame_support::{
	pallet_prelude::*,
	traits::{OnRuntimeUpgrade, StorageVersion},
};
use frame_system::pallet_prelude::BlockNumberFor;
use pallet_workers::CommitteeId;
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
}
