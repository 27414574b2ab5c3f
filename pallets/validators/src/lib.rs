//! # Validator set
//!
//! Who validates the Enigma chain is a governance decision: root or a council majority adds
//! ([`Pallet::add_validator`]) and removes ([`Pallet::remove_validator`]) validators, and
//! `pallet-session` applies the change at the next session boundary (a validator queued in
//! session n validates from session n + 2, with the keys it registered with `session.set_keys`,
//! which it can rotate the same way). As the `SessionManager` this pallet hands the set to the
//! session pallet.
//!
//! A validator proven to have equivocated (GRANDPA reports through `pallet-offences`) is removed
//! from the set at the next session: in a proof-of-authority set the stake at risk is the seat.
//! The set never drops below [`Config::MinValidators`] validators with session keys:
//! pallet-session leaves a validator without keys out of the set it hands to consensus, so a
//! validator is added only once it registered keys, and only validators with keys count
//! towards the minimum (a set of keyless accounts would halt the chain).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub mod weights;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

use alloc::vec::Vec;
use frame_support::{pallet_prelude::*, BoundedVec};
use frame_system::pallet_prelude::*;
use sp_runtime::Perbill;
use sp_staking::{
	offence::{OffenceDetails, OnOffenceHandler},
	SessionIndex,
};
pub use weights::WeightInfo;

#[frame_support::pallet]
pub mod pallet {
	use super::*;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;
		/// Who may add and remove validators (root or a council majority).
		type AddRemoveOrigin: EnsureOrigin<Self::RuntimeOrigin>;
		/// The set never shrinks below this.
		#[pallet::constant]
		type MinValidators: Get<u32>;
		#[pallet::constant]
		type MaxValidators: Get<u32>;
		/// Who registered session keys (`session.set_keys`).
		type Keys: SessionKeys<Self::AccountId>;
		type WeightInfo: WeightInfo;
	}

	/// The validators of the next session the session pallet asks for.
	#[pallet::storage]
	pub type Validators<T: Config> = StorageValue<_, BoundedVec<T::AccountId, T::MaxValidators>, ValueQuery>;

	/// Whether the set changed since the session pallet last took it.
	#[pallet::storage]
	pub type Changed<T: Config> = StorageValue<_, bool, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		pub validators: Vec<T::AccountId>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			Validators::<T>::put(BoundedVec::truncate_from(self.validators.clone()));
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// Validates from the session after the next one.
		ValidatorAdded { validator: T::AccountId },
		/// Leaves the set from the session after the next one.
		ValidatorRemoved { validator: T::AccountId },
		/// Removed for a proven offence (an equivocation) in `session`.
		ValidatorPunished { validator: T::AccountId, session: SessionIndex },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// Already a validator.
		AlreadyValidator,
		/// Not a validator.
		NotValidator,
		/// The set would shrink below `MinValidators` validators with session keys.
		TooFewValidators,
		/// The account has not registered session keys: it could not validate.
		NoSessionKeys,
		/// The set is full.
		TooManyValidators,
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Add a validator that registered its session keys (`session.set_keys`); it validates
		/// from the session after the next one.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::add_validator(T::MaxValidators::get()).saturating_add(T::DbWeight::get().reads(1)))]
		pub fn add_validator(origin: OriginFor<T>, validator: T::AccountId) -> DispatchResult {
			T::AddRemoveOrigin::ensure_origin(origin)?;
			ensure!(T::Keys::registered(&validator), Error::<T>::NoSessionKeys);
			Validators::<T>::try_mutate(|set| -> DispatchResult {
				ensure!(!set.contains(&validator), Error::<T>::AlreadyValidator);
				set.try_push(validator.clone()).map_err(|_| Error::<T>::TooManyValidators)?;
				Ok(())
			})?;
			Changed::<T>::put(true);
			Self::deposit_event(Event::ValidatorAdded { validator });
			Ok(())
		}

		/// Remove a validator; it stops validating from the session after the next one.
		#[pallet::call_index(1)]
		#[pallet::weight(Pallet::<T>::remove_weight())]
		pub fn remove_validator(origin: OriginFor<T>, validator: T::AccountId) -> DispatchResult {
			T::AddRemoveOrigin::ensure_origin(origin)?;
			Self::take_out(&validator)?;
			Self::deposit_event(Event::ValidatorRemoved { validator });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// A removal at its worst: the measured call plus a read of every validator's keys,
		/// which the weights measured on 2026-12-02 predate (as `add_validator`'s one read).
		pub(crate) fn remove_weight() -> Weight {
			T::WeightInfo::remove_validator(T::MaxValidators::get()).saturating_add(T::DbWeight::get().reads(T::MaxValidators::get().into()))
		}

		pub(crate) fn take_out(validator: &T::AccountId) -> DispatchResult {
			Validators::<T>::try_mutate(|set| -> DispatchResult {
				let at = set.iter().position(|v| v == validator).ok_or(Error::<T>::NotValidator)?;
				// Only the validators that would still validate count: those with keys.
				let remaining = set.iter().filter(|v| *v != validator && T::Keys::registered(v)).count();
				ensure!(remaining as u32 >= T::MinValidators::get(), Error::<T>::TooFewValidators);
				set.remove(at);
				Ok(())
			})?;
			Changed::<T>::put(true);
			Ok(())
		}
	}
}

/// Whether an account registered session keys: the runtime reads pallet-session's `NextKeys`.
pub trait SessionKeys<AccountId> {
	fn registered(who: &AccountId) -> bool;
	/// Registers some keys for `who` (benchmarks: a validator to add must have keys).
	#[cfg(feature = "runtime-benchmarks")]
	fn register(who: &AccountId);
}

impl<T: Config> pallet_session::SessionManager<T::AccountId> for Pallet<T> {
	/// The new set when it changed, else `None` (the session pallet keeps the current one).
	fn new_session(_: SessionIndex) -> Option<Vec<T::AccountId>> {
		Changed::<T>::take().then(|| Validators::<T>::get().into_inner())
	}

	fn new_session_genesis(_: SessionIndex) -> Option<Vec<T::AccountId>> {
		Some(Validators::<T>::get().into_inner())
	}

	fn end_session(_: SessionIndex) {}
	fn start_session(_: SessionIndex) {}
}

/// For `pallet_session::historical`: validators carry no further identification (no exposure).
impl<T: Config> pallet_session::historical::SessionManager<T::AccountId, ()> for Pallet<T> {
	fn new_session(index: SessionIndex) -> Option<Vec<(T::AccountId, ())>> {
		<Self as pallet_session::SessionManager<_>>::new_session(index).map(|set| set.into_iter().map(|v| (v, ())).collect())
	}

	fn new_session_genesis(index: SessionIndex) -> Option<Vec<(T::AccountId, ())>> {
		<Self as pallet_session::SessionManager<_>>::new_session_genesis(index).map(|set| set.into_iter().map(|v| (v, ())).collect())
	}

	fn end_session(_: SessionIndex) {}
	fn start_session(_: SessionIndex) {}
}

/// Offences (GRANDPA equivocations, through `pallet-offences`) remove the offender from the set
/// at the next session, as long as `MinValidators` remain.
impl<T: Config, Reporter> OnOffenceHandler<Reporter, (T::AccountId, ()), Weight> for Pallet<T> {
	fn on_offence(offenders: &[OffenceDetails<Reporter, (T::AccountId, ())>], _: &[Perbill], session: SessionIndex) -> Weight {
		let mut weight = Weight::zero();
		for details in offenders {
			let validator = details.offender.0.clone();
			weight = weight.saturating_add(Pallet::<T>::remove_weight());
			if Pallet::<T>::take_out(&validator).is_ok() {
				Pallet::<T>::deposit_event(Event::ValidatorPunished { validator, session });
			}
		}
		weight
	}
}
