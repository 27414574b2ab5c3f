use crate::{mock::*, Changed, Error, Event, Validators};
use frame_support::{assert_noop, assert_ok};
use pallet_session::SessionManager;
use sp_runtime::{DispatchError, Perbill};
use sp_staking::offence::{OffenceDetails, OnOffenceHandler};

#[test]
fn governance_adds_and_removes_validators_at_session_boundaries() {
	new_test_ext().execute_with(|| {
		assert_eq!(<ValidatorSet as SessionManager<u64>>::new_session_genesis(0), Some(vec![1, 2, 3]));
		assert_eq!(<ValidatorSet as SessionManager<u64>>::new_session(1), None, "unchanged: the session keeps its set");
		assert_noop!(ValidatorSet::add_validator(RuntimeOrigin::signed(1), 4), DispatchError::BadOrigin);
		assert_ok!(ValidatorSet::add_validator(RuntimeOrigin::root(), 4));
		System::assert_last_event(Event::ValidatorAdded { validator: 4 }.into());
		assert_noop!(ValidatorSet::add_validator(RuntimeOrigin::root(), 4), Error::<Test>::AlreadyValidator);
		assert_eq!(<ValidatorSet as SessionManager<u64>>::new_session(2), Some(vec![1, 2, 3, 4]));
		assert!(!Changed::<Test>::get());
		assert_ok!(ValidatorSet::remove_validator(RuntimeOrigin::root(), 1));
		assert_ok!(ValidatorSet::remove_validator(RuntimeOrigin::root(), 2));
		assert_noop!(ValidatorSet::remove_validator(RuntimeOrigin::root(), 3), Error::<Test>::TooFewValidators);
		assert_noop!(ValidatorSet::remove_validator(RuntimeOrigin::root(), 9), Error::<Test>::NotValidator);
		assert_eq!(<ValidatorSet as SessionManager<u64>>::new_session(3), Some(vec![3, 4]));
	});
}

#[test]
fn an_equivocating_validator_loses_its_seat() {
	new_test_ext().execute_with(|| {
		let offence = [OffenceDetails { offender: (2u64, ()), reporters: vec![1u64] }];
		<ValidatorSet as OnOffenceHandler<u64, (u64, ()), frame_support::weights::Weight>>::on_offence(&offence, &[Perbill::one()], 7);
		System::assert_last_event(Event::ValidatorPunished { validator: 2, session: 7 }.into());
		assert_eq!(Validators::<Test>::get().into_inner(), vec![1, 3]);
		// Never below the minimum.
		let again = [OffenceDetails { offender: (1u64, ()), reporters: vec![] }];
		<ValidatorSet as OnOffenceHandler<u64, (u64, ()), frame_support::weights::Weight>>::on_offence(&again, &[Perbill::one()], 8);
		assert_eq!(Validators::<Test>::get().into_inner(), vec![1, 3]);
	});
}

#[test]
fn only_validators_with_session_keys_join_or_count_towards_the_minimum() {
	new_test_ext().execute_with(|| {
		// 4 and 5 have no keys: pallet-session would leave them out of consensus, so the set
		// [4, 5] that removing 1, 2 and 3 would leave behind has no one to author blocks.
		Keyless::set(vec![4, 5]);
		assert_noop!(ValidatorSet::add_validator(RuntimeOrigin::root(), 4), Error::<Test>::NoSessionKeys);
		// 3 purges its keys after joining: the minimum of 2 counts 1 and 2 only.
		Keyless::set(vec![3, 4, 5]);
		assert_noop!(ValidatorSet::remove_validator(RuntimeOrigin::root(), 1), Error::<Test>::TooFewValidators);
		// Its own removal leaves two with keys.
		assert_ok!(ValidatorSet::remove_validator(RuntimeOrigin::root(), 3));
		Keyless::set(vec![5]);
		assert_ok!(ValidatorSet::add_validator(RuntimeOrigin::root(), 4));
		assert_ok!(ValidatorSet::remove_validator(RuntimeOrigin::root(), 1));
		assert_eq!(Validators::<Test>::get().into_inner(), vec![2, 4]);
		// An equivocation report cannot take the set below the minimum either.
		Keyless::set(vec![4]);
		let offence = [OffenceDetails { offender: (2u64, ()), reporters: vec![] }];
		<ValidatorSet as OnOffenceHandler<u64, (u64, ()), frame_support::weights::Weight>>::on_offence(&offence, &[Perbill::one()], 9);
		assert_eq!(Validators::<Test>::get().into_inner(), vec![2, 4]);
	});
}
