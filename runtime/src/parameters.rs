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
		/// Tasks a worker may run at once before it is skipped by committee sampling.
		#[codec(index = 5)]
		pub static MaxConcurrentTasks: u32 = 8;
		/// Blocks a committee has to submit a task's result.
		#[codec(index = 6)]
		pub static TaskDeadline: BlockNumber = 20;
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
