//! Enigma's governance parameters.
//!
//! Prices, deposits and committee sizes live in `pallet-parameters` so that root (sudo on dev
//! chains) or a council majority can tune them with `parameters.set_parameter` without a runtime
//! upgrade. The values below are the defaults used until governance sets one. Pallets read them
//! through `Get` types, e.g. `dynamic_params::storage::RentPerByteBlock`.

use crate::{Balance, BlockNumber, Runtime, MICRO_UNIT, MILLI_UNIT, UNIT};
use frame_support::dynamic_params::{dynamic_pallet_params, dynamic_params};
use sp_runtime::Perbill;

#[dynamic_params(RuntimeParameters, pallet_parameters::Parameters::<Runtime>)]
pub mod dynamic_params {
	use super::*;

	/// Storage rent for data pointers (whitepaper 7.3).
	#[dynamic_pallet_params]
	#[codec(index = 0)]
	pub mod storage {
		/// Rent per byte of stored ciphertext per block.
		#[codec(index = 0)]
		pub static RentPerByteBlock: Balance = 10;
		/// Blocks a lapsed data pointer stays (restricted) before it is deleted.
		#[codec(index = 1)]
		pub static GracePeriod: BlockNumber = 100;
		/// Deposit held for every record a user makes (identity, contract, secret, committee,
		/// task, co-signature) while it exists...
		#[codec(index = 2)]
		pub static StateDepositBase: Balance = 10 * MILLI_UNIT;
		/// ...plus this much per byte of it.
		#[codec(index = 3)]
		pub static StateDepositPerByte: Balance = 10 * MICRO_UNIT;
	}

	/// Gas prices of secret computation (whitepaper 7.2), per operation of the compiled circuit.
	#[dynamic_pallet_params]
	#[codec(index = 1)]
	pub mod compute {
		/// Price of a local (linear) operation: add, subtract, multiply by a constant.
		#[codec(index = 0)]
		pub static GasPriceAdd: Balance = 1;
		/// Price of a secret multiplication (it needs communication).
		#[codec(index = 1)]
		pub static GasPriceMul: Balance = 100;
		/// Price of opening a shared value.
		#[codec(index = 2)]
		pub static GasPriceOpen: Balance = 100;
		/// Price of a secret input.
		#[codec(index = 3)]
		pub static GasPriceInput: Balance = 200;
		/// Price of a communication round.
		#[codec(index = 4)]
		pub static GasPriceRound: Balance = 10 * MICRO_UNIT;
		/// Accounts with less free balance than this cannot request computation.
		#[codec(index = 5)]
		pub static MinRequesterBalance: Balance = 10 * MILLI_UNIT;
	}

	/// The worker network: deposits, committees and slashing (whitepaper 5.3, 7.1).
	#[dynamic_pallet_params]
	#[codec(index = 2)]
	pub mod workers {
		/// The least a worker must stake to be assigned work.
		#[codec(index = 0)]
		pub static MinWorkerStake: Balance = 1_000 * UNIT;
		/// The smallest committee a data owner may request.
		#[codec(index = 1)]
		pub static CommitteeSize: u32 = 4;
		/// Corrupted members every committee tolerates (t of the (t+1, n) sharing; at least 1
		/// whatever it is set to): committees have at least 2t + 1 members.
		#[codec(index = 2)]
		pub static CorruptionThreshold: u32 = 1;
		/// Blocks between `unbond` and `withdraw`.
		#[codec(index = 3)]
		pub static UnbondingPeriod: BlockNumber = 100;
		/// Share of an offender's stake slashed per proven fault.
		#[codec(index = 4)]
		pub static SlashFraction: Perbill = Perbill::from_percent(10);
		// Index 5 was `MaxConcurrentTasks`: committee draws no longer look at a worker's load.
		/// Blocks a committee has to submit a task's result.
		#[codec(index = 6)]
		pub static TaskDeadline: BlockNumber = 20;
	}
}

/// The parameters as the pallets read them: a value governance sets outside its bounds counts
/// as the nearest bound, so no setting can switch a guarantee off (a deadline of 0 blocks would
/// leave tasks pending forever; a committee threshold of 0 would share secrets in the clear; a
/// price of 0 would make state or computation free to spam).
pub mod bounded {
	use super::{dynamic_params::*, Balance, BlockNumber, Perbill, MILLI_UNIT, UNIT};
	use core::marker::PhantomData;
	use frame_support::traits::{ConstU128, ConstU32, Get};

	/// `P` read within `[Min, Max]`.
	pub struct Bounded<P, Min, Max>(PhantomData<(P, Min, Max)>);

	impl<T: Ord, P: Get<T>, Min: Get<T>, Max: Get<T>> Get<T> for Bounded<P, Min, Max> {
		fn get() -> T {
			P::get().clamp(Min::get(), Max::get())
		}
	}

	frame_support::parameter_types! {
		pub const OnePercent: Perbill = Perbill::from_percent(1);
		pub const All: Perbill = Perbill::one();
	}

	type Plancks<const MIN: Balance, const MAX: Balance> = (ConstU128<MIN>, ConstU128<MAX>);
	type Blocks<const MIN: BlockNumber, const MAX: BlockNumber> = (ConstU32<MIN>, ConstU32<MAX>);

	/// `Bounded` with its bounds as a pair.
	pub type Within<P, B> = Bounded<P, <B as Pair>::Min, <B as Pair>::Max>;
	pub trait Pair {
		type Min;
		type Max;
	}
	impl<A, B> Pair for (A, B) {
		type Min = A;
		type Max = B;
	}

	pub type RentPerByteBlock = Within<storage::RentPerByteBlock, Plancks<1, UNIT>>;
	pub type GracePeriod = Within<storage::GracePeriod, Blocks<1, 1_000_000>>;
	pub type StateDepositBase = Within<storage::StateDepositBase, Plancks<1, { 1_000 * UNIT }>>;
	pub type StateDepositPerByte = Within<storage::StateDepositPerByte, Plancks<1, UNIT>>;
	pub type GasPriceAdd = Within<compute::GasPriceAdd, Plancks<1, UNIT>>;
	pub type GasPriceMul = Within<compute::GasPriceMul, Plancks<1, UNIT>>;
	pub type GasPriceOpen = Within<compute::GasPriceOpen, Plancks<1, UNIT>>;
	pub type GasPriceInput = Within<compute::GasPriceInput, Plancks<1, UNIT>>;
	pub type GasPriceRound = Within<compute::GasPriceRound, Plancks<1, UNIT>>;
	pub type MinRequesterBalance = Within<compute::MinRequesterBalance, Plancks<MILLI_UNIT, { 1_000 * UNIT }>>;
	pub type MinWorkerStake = Within<workers::MinWorkerStake, Plancks<UNIT, { 1_000_000 * UNIT }>>;
	pub type CommitteeSize = Within<workers::CommitteeSize, (ConstU32<3>, ConstU32<32>)>;
	pub type CorruptionThreshold = Within<workers::CorruptionThreshold, (ConstU32<1>, ConstU32<15>)>;
	pub type UnbondingPeriod = Within<workers::UnbondingPeriod, Blocks<10, 1_000_000>>;
	pub type SlashFraction = Bounded<workers::SlashFraction, OnePercent, All>;
	pub type TaskDeadline = Within<workers::TaskDeadline, Blocks<5, 100_000>>;
}

#[cfg(test)]
mod tests {
	use super::{bounded, dynamic_params::workers, RuntimeParameters};
	use crate::{Runtime, RuntimeOrigin};
	use frame_support::traits::Get;

	/// Issue #13: governance can set any value, but the pallets read it within bounds.
	#[test]
	fn parameters_set_out_of_bounds_read_as_the_nearest_bound() {
		sp_io::TestExternalities::default().execute_with(|| {
			let set = |p: RuntimeParameters| pallet_parameters::Pallet::<Runtime>::set_parameter(RuntimeOrigin::root(), p).unwrap();
			set(RuntimeParameters::Workers(workers::Parameters::TaskDeadline(workers::TaskDeadline, Some(0))));
			set(RuntimeParameters::Workers(workers::Parameters::CorruptionThreshold(workers::CorruptionThreshold, Some(0))));
			set(RuntimeParameters::Workers(workers::Parameters::CommitteeSize(workers::CommitteeSize, Some(1))));
			assert_eq!(workers::TaskDeadline::get(), 0, "stored as set");
			assert_eq!(<bounded::TaskDeadline as Get<u32>>::get(), 5, "read within bounds");
			assert_eq!(<bounded::CorruptionThreshold as Get<u32>>::get(), 1);
			assert_eq!(<bounded::CommitteeSize as Get<u32>>::get(), 3);
			set(RuntimeParameters::Workers(workers::Parameters::TaskDeadline(workers::TaskDeadline, Some(40))));
			assert_eq!(<bounded::TaskDeadline as Get<u32>>::get(), 40, "a value within bounds is read as set");
		});
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl Default for RuntimeParameters {
	fn default() -> Self {
		RuntimeParameters::Storage(dynamic_params::storage::Parameters::RentPerByteBlock(
			dynamic_params::storage::RentPerByteBlock,
			Some(1),
		))
	}
}
