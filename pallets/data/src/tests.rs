use crate::{mock::*, Entries, Error, Event, HoldReason, Looks, OverdueRange, Queued, Schedule, SweepCursor};
use codec::Encode;
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::InspectHold, ConstU32, Hooks},
	weights::Weight,
	BoundedVec,
};
use pallet_shared_identity::predicate::{Grant, Node, Permission};
use sp_core::H256;

type N = Node<u64, u64>;
const USER: u64 = 1;
const SERVICE: u64 = 2;
const POOR: u64 = 3;
const EVE: u64 = 9;

fn bounded<T, const M: u32>(v: Vec<T>) -> BoundedVec<T, ConstU32<M>> {
	BoundedVec::truncate_from(v)
}

fn grant(permissions: Vec<Permission>) -> Grant<u64, u64> {
	Grant { permissions: bounded(permissions), predicate: bounded(vec![N::Always]) }
}

/// The seed 004 pair: the user stores and administers, the service reads.
fn user_and_service() -> H256 {
	let members = BoundedVec::truncate_from(vec![
		(USER, bounded(vec![grant(vec![Permission::Read, Permission::Store, Permission::Admin])])),
		(SERVICE, bounded(vec![grant(vec![Permission::Read])])),
		(POOR, bounded(vec![grant(vec![Permission::Store])])),
	]);
	assert_ok!(SharedIdentity::create(RuntimeOrigin::signed(USER), members));
	let id = pallet_shared_identity::Pallet::<Test>::address_of([USER, SERVICE, POOR].iter());
	let proposal = pallet_shared_identity::Pallet::<Test>::proposal_hash(&pallet_shared_identity::Identities::<Test>::get(id).unwrap());
	assert_ok!(SharedIdentity::approve(RuntimeOrigin::signed(SERVICE), id, proposal));
	assert_ok!(SharedIdentity::approve(RuntimeOrigin::signed(POOR), id, proposal));
	id
}

fn pointer(n: u8) -> H256 {
	H256::repeat_byte(n)
}

fn always() -> crate::PredicateOf<Test> {
	bounded(vec![N::Always])
}

fn held(who: u64) -> u64 {
	Balances::balance_on_hold(&HoldReason::StorageRent.into(), &who)
}

fn store(who: u64, id: H256, p: H256, size: u32, periods: u32, auto_renew: bool) -> frame_support::dispatch::DispatchResult {
	DataRegistry::store(RuntimeOrigin::signed(who), id, p, size, always(), periods, auto_renew)
}

#[test]
fn storing_holds_the_rent_and_the_service_can_read() {
	new_test_ext().execute_with(|| {
		let id = user_and_service();
		assert_ok!(store(USER, id, pointer(1), 100, 2, false));
		let paid_until = 1 + 2 * PERIOD;
		System::assert_last_event(Event::Stored { pointer: pointer(1), owner: id, size: 100, paid_until }.into());
		assert_eq!(held(USER), 100 * RATE_PER_BYTE * 2 * PERIOD);
		assert!(DataRegistry::can_read(&SERVICE, &pointer(1), &[], None));
		assert!(DataRegistry::can_read(&USER, &pointer(1), &[], None));
		assert!(!DataRegistry::can_read(&EVE, &pointer(1), &[], None));
		assert!(!DataRegistry::can_read(&SERVICE, &pointer(2), &[], None));
		let info = DataRegistry::data_info(&pointer(1)).unwrap();
		assert_eq!((info.owner, info.size, info.paid_until, info.restricted), (id, 100, paid_until, false));
	});
}

#[test]
fn store_rejects_bad_requests_with_named_errors() {
	new_test_ext().execute_with(|| {
		let id = user_and_service();
		assert_noop!(store(SERVICE, id, pointer(1), 10, 1, false), Error::<Test>::NoPermission);
		assert_noop!(store(EVE, id, pointer(1), 10, 1, false), Error::<Test>::NoPermission);
		assert_noop!(store(USER, H256::zero(), pointer(1), 10, 1, false), Error::<Test>::NoPermission);
		assert_noop!(store(USER, id, pointer(1), 0, 1, false), Error::<Test>::InvalidSize);
		assert_noop!(store(USER, id, pointer(1), 1025, 1, false), Error::<Test>::InvalidSize);
		assert_noop!(store(USER, id, pointer(1), 10, 0, false), Error::<Test>::ZeroPeriods);
		assert_noop!(store(POOR, id, pointer(1), 1000, 1, false), Error::<Test>::CannotPayRent);
		assert_noop!(
			DataRegistry::store(RuntimeOrigin::signed(USER), id, pointer(1), 10, bounded(vec![N::And, N::Always]), 1, false),
			Error::<Test>::MalformedPredicate
		);
		assert_ok!(store(USER, id, pointer(1), 10, 1, false));
		assert_noop!(store(USER, id, pointer(1), 10, 1, false), Error::<Test>::PointerExists);
	});
}

#[test]
fn revoking_the_services_policy_stops_its_reads_from_the_next_block() {
	new_test_ext().execute_with(|| {
		let id = user_and_service();
		assert_ok!(store(USER, id, pointer(1), 10, 5, false));
		assert!(DataRegistry::can_read(&SERVICE, &pointer(1), &[], None));
		assert_ok!(SharedIdentity::set_policy(RuntimeOrigin::signed(USER), id, SERVICE, bounded(vec![])));
		assert!(DataRegistry::can_read(&SERVICE, &pointer(1), &[], None));
		run_to(2);
		assert!(!DataRegistry::can_read(&SERVICE, &pointer(1), &[], None), "data stored before is revoked too");
		assert!(DataRegistry::can_read(&USER, &pointer(1), &[], None));
	});
}

#[test]
fn the_read_predicate_narrows_who_reads() {
	new_test_ext().execute_with(|| {
		let id = user_and_service();
		assert_ok!(store(USER, id, pointer(1), 10, 5, false));
		assert_ok!(DataRegistry::set_read_predicate(RuntimeOrigin::signed(USER), pointer(1), bounded(vec![N::AnyOf(bounded(vec![USER]))])));
		System::assert_last_event(Event::ReadPredicateChanged { pointer: pointer(1) }.into());
		assert!(!DataRegistry::can_read(&SERVICE, &pointer(1), &[], None));
		assert!(DataRegistry::can_read(&USER, &pointer(1), &[], None));
		assert_noop!(DataRegistry::set_read_predicate(RuntimeOrigin::signed(SERVICE), pointer(1), always()), Error::<Test>::NoPermission);
		assert_noop!(DataRegistry::set_read_predicate(RuntimeOrigin::signed(USER), pointer(7), always()), Error::<Test>::UnknownPointer);
		let deep: Vec<N> = core::iter::repeat(N::Not).take(9).chain([N::Always]).collect();
		assert_noop!(DataRegistry::set_read_predicate(RuntimeOrigin::signed(USER), pointer(1), bounded(deep)), Error::<Test>::PredicateTooDeep);
	});
}

/// Two holders of Store revoke one reader each, each having read the predicate first: replacing
/// it lets the first revoked reader back in; narrowing it keeps both out.
#[test]
fn concurrent_revocations_by_narrowing_are_both_kept() {
	new_test_ext().execute_with(|| {
		let id = user_and_service();
		assert_ok!(store(USER, id, pointer(1), 10, 5, false));
		let without = |reader: u64| -> Vec<N> { vec![N::Not, N::AnyOf(bounded(vec![reader]))] };
		let replacing = |reader: u64| -> crate::PredicateOf<Test> { bounded([vec![N::And, N::Always], without(reader)].concat()) };
		// The attack: both computed from [Always]; the second write undoes the first.
		assert_ok!(DataRegistry::set_read_predicate(RuntimeOrigin::signed(USER), pointer(1), replacing(SERVICE)));
		assert_ok!(DataRegistry::set_read_predicate(RuntimeOrigin::signed(POOR), pointer(1), replacing(USER)));
		assert!(DataRegistry::can_read(&SERVICE, &pointer(1), &[], None), "the service's revocation was lost");
		// Narrowing instead: each revocation stays.
		assert_ok!(DataRegistry::set_read_predicate(RuntimeOrigin::signed(USER), pointer(1), always()));
		assert_ok!(DataRegistry::restrict_read(RuntimeOrigin::signed(USER), pointer(1), bounded(without(SERVICE))));
		System::assert_last_event(Event::ReadPredicateChanged { pointer: pointer(1) }.into());
		assert_ok!(DataRegistry::restrict_read(RuntimeOrigin::signed(POOR), pointer(1), bounded(without(USER))));
		assert!(!DataRegistry::can_read(&SERVICE, &pointer(1), &[], None));
		assert!(!DataRegistry::can_read(&USER, &pointer(1), &[], None));
		assert_eq!(Entries::<Test>::get(pointer(1)).unwrap().read_predicate.len(), 7, "And And Always Not AnyOf Not AnyOf");
		// Named errors, nothing changed.
		assert_noop!(DataRegistry::restrict_read(RuntimeOrigin::signed(SERVICE), pointer(1), bounded(without(EVE))), Error::<Test>::NoPermission);
		assert_noop!(DataRegistry::restrict_read(RuntimeOrigin::signed(USER), pointer(7), bounded(without(EVE))), Error::<Test>::UnknownPointer);
		assert_noop!(DataRegistry::restrict_read(RuntimeOrigin::signed(USER), pointer(1), bounded(vec![N::Not])), Error::<Test>::MalformedPredicate);
		for _ in 0..3 {
			assert_ok!(DataRegistry::restrict_read(RuntimeOrigin::signed(USER), pointer(1), bounded(without(EVE))));
		}
		assert_noop!(DataRegistry::restrict_read(RuntimeOrigin::signed(USER), pointer(1), bounded(without(EVE))), Error::<Test>::PredicateTooLarge);
	});
}

#[test]
fn rent_lapses_restricts_reads_then_expires_after_the_grace_period() {
	new_test_ext().execute_with(|| {
		let id = user_and_service();
		let free_before = Balances::free_balance(USER);
		assert_ok!(store(USER, id, pointer(1), 10, 1, false));
		let paid_until = 1 + PERIOD;
		run_to(paid_until - 1);
		assert!(DataRegistry::can_read(&SERVICE, &pointer(1), &[], None));
		run_to(paid_until);
		System::assert_last_event(Event::Restricted { pointer: pointer(1), delete_at: paid_until + GRACE }.into());
		assert!(!DataRegistry::can_read(&SERVICE, &pointer(1), &[], None), "reads are refused once the rent ran out");
		assert!(DataRegistry::data_info(&pointer(1)).unwrap().restricted);
		// All the rent was consumed (burned), nothing is held any more.
		assert_eq!(held(USER), 0);
		assert_eq!(Balances::free_balance(USER), free_before - 10 * RATE_PER_BYTE * PERIOD);
		run_to(paid_until + GRACE - 1);
		assert!(Entries::<Test>::contains_key(pointer(1)));
		run_to(paid_until + GRACE);
		System::assert_last_event(Event::Expired { pointer: pointer(1) }.into());
		assert!(!Entries::<Test>::contains_key(pointer(1)));
	});
}

#[test]
fn auto_renew_pays_while_the_balance_lasts() {
	new_test_ext().execute_with(|| {
		let id = user_and_service();
		// POOR has 1_000 and 10 bytes cost 200 per period: the first period and three renewals
		// (blocks 11, 21, 31) are paid; at block 41 the hold would eat the last free funds.
		assert_ok!(store(POOR, id, pointer(1), 10, 1, true));
		run_to(1 + PERIOD);
		System::assert_last_event(Event::Renewed { pointer: pointer(1), paid_until: 1 + 2 * PERIOD, automatic: true }.into());
		assert!(DataRegistry::can_read(&SERVICE, &pointer(1), &[], None));
		run_to(1 + 4 * PERIOD - 1);
		assert!(DataRegistry::can_read(&SERVICE, &pointer(1), &[], None));
		assert_eq!(Balances::free_balance(POOR), 200);
		run_to(1 + 4 * PERIOD);
		System::assert_last_event(Event::Restricted { pointer: pointer(1), delete_at: 1 + 4 * PERIOD + GRACE }.into());
		assert!(!DataRegistry::can_read(&SERVICE, &pointer(1), &[], None));
		assert_eq!(Balances::free_balance(POOR), 200, "a failed renewal takes nothing");
		assert_eq!(held(POOR), 0);
	});
}

#[test]
fn renewing_extends_and_revives() {
	new_test_ext().execute_with(|| {
		let id = user_and_service();
		assert_ok!(store(USER, id, pointer(1), 10, 1, false));
		assert_noop!(DataRegistry::renew(RuntimeOrigin::signed(POOR), pointer(1), 1), Error::<Test>::NotPayer);
		assert_noop!(DataRegistry::renew(RuntimeOrigin::signed(USER), pointer(9), 1), Error::<Test>::UnknownPointer);
		assert_noop!(DataRegistry::renew(RuntimeOrigin::signed(USER), pointer(1), 0), Error::<Test>::ZeroPeriods);
		assert_ok!(DataRegistry::renew(RuntimeOrigin::signed(USER), pointer(1), 1));
		System::assert_last_event(Event::Renewed { pointer: pointer(1), paid_until: 1 + 2 * PERIOD, automatic: false }.into());
		// Let it lapse, then revive it during the grace period: paid from its lapse (the grace
		// blocks included: its data was kept), so the rent burned is every block it was kept.
		let burned_before = 1_000_000 - Balances::free_balance(USER) - held(USER);
		run_to(1 + 2 * PERIOD + 4);
		assert!(!DataRegistry::can_read(&USER, &pointer(1), &[], None));
		assert_ok!(DataRegistry::renew(RuntimeOrigin::signed(USER), pointer(1), 1));
		assert!(DataRegistry::can_read(&USER, &pointer(1), &[], None));
		assert_eq!(DataRegistry::data_info(&pointer(1)).unwrap().paid_until, 1 + 3 * PERIOD);
		run_to(1 + 2 * PERIOD + GRACE + 1);
		assert!(Entries::<Test>::contains_key(pointer(1)), "a revived entry is not deleted by its old grace period");
		assert_ok!(DataRegistry::remove(RuntimeOrigin::signed(USER), pointer(1)));
		let burned = 1_000_000 - Balances::free_balance(USER) - held(USER) - burned_before;
		assert_eq!(burned, 10 * RATE_PER_BYTE * (System::block_number() - 1), "rent for every block from the store to the removal");
		// Renewing a lapsed entry by periods that end before now is refused (a grace period
		// longer than a rent period, as governance may set).
		GraceBlocks::set(5 * PERIOD);
		assert_ok!(store(USER, id, pointer(2), 10, 1, false));
		run_to(System::block_number() + 3 * PERIOD);
		assert!(Entries::<Test>::contains_key(pointer(2)), "lapsed, within its grace");
		assert_noop!(DataRegistry::renew(RuntimeOrigin::signed(USER), pointer(2), 1), Error::<Test>::TooFewPeriods);
		assert_ok!(DataRegistry::renew(RuntimeOrigin::signed(USER), pointer(2), 3));
	});
}

#[test]
fn removing_returns_the_unused_rent() {
	new_test_ext().execute_with(|| {
		let id = user_and_service();
		let before = Balances::free_balance(USER);
		assert_ok!(store(USER, id, pointer(1), 10, 2, false));
		run_to(4);
		assert_noop!(DataRegistry::remove(RuntimeOrigin::signed(SERVICE), pointer(1)), Error::<Test>::NoPermission);
		assert_ok!(DataRegistry::remove(RuntimeOrigin::signed(USER), pointer(1)));
		System::assert_last_event(Event::Removed { pointer: pointer(1) }.into());
		assert_eq!(held(USER), 0);
		// Three blocks (1 to 4) of rent were consumed.
		assert_eq!(Balances::free_balance(USER), before - 3 * 10 * RATE_PER_BYTE);
		assert!(!DataRegistry::can_read(&USER, &pointer(1), &[], None));
	});
}

#[test]
fn the_sweep_stops_when_the_block_has_no_weight_left() {
	new_test_ext().execute_with(|| {
		let id = user_and_service();
		for n in 1..=6u8 {
			assert_ok!(store(USER, id, pointer(n), 10, 1, false));
		}
		// Four fit in the block where they lapse, the others in the next block.
		assert_eq!(Schedule::<Test>::get(1 + PERIOD).len(), 4);
		assert_eq!(Schedule::<Test>::get(2 + PERIOD).len(), 2);
		System::set_block_number(1 + PERIOD + 5);
		SweepCursor::<Test>::put(1 + PERIOD);
		// No weight: nothing is processed, the cursor stays.
		DataRegistry::on_idle(1 + PERIOD + 5, Weight::zero());
		assert_eq!(SweepCursor::<Test>::get(), Some(1 + PERIOD));
		assert_eq!(Schedule::<Test>::get(1 + PERIOD).len(), 4);
		// Enough for one scheduled block: the cursor moves by one.
		// (Per look: its deposit released and the payer's Store checked before a renewal.)
		let per_look = DataRegistry::deposit_weight().saturating_add(<SharedIdentity as pallet_shared_identity::PermissionCheck<u64, u64>>::check_weight());
		let one_block = <() as crate::WeightInfo>::sweep_block(4)
			.saturating_add(per_look.saturating_mul(4))
			.saturating_add(frame_support::weights::constants::RocksDbWeight::get().reads_writes(1, 1));
		DataRegistry::on_idle(1 + PERIOD + 5, one_block);
		assert_eq!(SweepCursor::<Test>::get(), Some(2 + PERIOD));
		assert!((1..=4u8).all(|n| Entries::<Test>::get(pointer(n)).unwrap().restricted));
		assert!(!Entries::<Test>::get(pointer(5)).unwrap().restricted);
	});
}

/// A pointer's record holds a deposit for its size (a large read predicate for one byte of rent
/// is no longer nearly free), from whoever wrote it last, released when it goes, removed or
/// expired.
#[test]
fn a_pointer_record_holds_a_deposit_for_its_size_until_it_goes() {
	new_test_ext().execute_with(|| {
		DataDepositBase::set(7);
		DataDepositPerByte::set(1);
		let deposit = |who: u64| Balances::balance_on_hold(&HoldReason::StateDeposit.into(), &who);
		let id = user_and_service();
		assert_ok!(store(USER, id, pointer(1), 1, 1, false));
		let small = Entries::<Test>::get(pointer(1)).unwrap().encoded_size() as u64;
		assert_eq!(deposit(USER), 7 + small);
		// A predicate naming sixteen keys: the record grows, and so does the deposit; POOR (who
		// may store) wrote it, so POOR holds it now and USER's is back.
		let keys: Vec<u64> = (100..116).collect();
		let large: crate::PredicateOf<Test> = bounded(vec![N::AnyOf(bounded(keys))]);
		assert_ok!(DataRegistry::set_read_predicate(RuntimeOrigin::signed(POOR), pointer(1), large.clone()));
		let size = Entries::<Test>::get(pointer(1)).unwrap().encoded_size() as u64;
		assert!(size > small + 16 * 8);
		assert_eq!((deposit(USER), deposit(POOR)), (0, 7 + size));
		// One who cannot pay for the record is refused and nothing changes.
		DataDepositBase::set(10_000);
		assert_noop!(DataRegistry::store(RuntimeOrigin::signed(POOR), id, pointer(2), 1, large, 1, false), Error::<Test>::CannotPayDeposit);
		DataDepositBase::set(7);
		assert_ok!(DataRegistry::remove(RuntimeOrigin::signed(USER), pointer(1)));
		assert_eq!(deposit(POOR), 0);
		// Expiry releases it too.
		assert_ok!(store(USER, id, pointer(3), 1, 1, false));
		assert_eq!(deposit(USER), 7 + small);
		run_to(1 + PERIOD + GRACE);
		assert!(!Entries::<Test>::contains_key(pointer(3)));
		assert_eq!(deposit(USER), 0);
	});
}

/// A member that pays a pointer's rent and then loses Store (removed from the identity) stops
/// paying: its auto-renewal stops and the entry lapses; it cannot delete the identity's data.
/// Once the identity is dissolved (nobody has Store any more), the payer may remove its entries.
#[test]
fn a_payer_that_lost_store_stops_paying() {
	new_test_ext().execute_with(|| {
		let id = user_and_service();
		assert_ok!(store(POOR, id, pointer(1), 1, 1, true));
		assert_ok!(store(POOR, id, pointer(2), 1, 1, true));
		assert_ok!(SharedIdentity::remove_member(RuntimeOrigin::signed(USER), id, POOR));
		assert_noop!(DataRegistry::remove(RuntimeOrigin::signed(POOR), pointer(1)), Error::<Test>::NoPermission);
		// Both lapse instead of renewing from the removed member's balance.
		let before = Balances::free_balance(POOR);
		run_to(1 + PERIOD);
		System::assert_last_event(Event::Restricted { pointer: pointer(2), delete_at: 1 + PERIOD + GRACE }.into());
		assert_eq!(Balances::free_balance(POOR), before, "no renewal was taken");
		assert_eq!(held(POOR), 0, "the paid period was spent, nothing more is held");
		// The identity dissolved: its payer may remove what is left, nobody else.
		assert_ok!(SharedIdentity::dissolve(RuntimeOrigin::signed(USER), id));
		assert_noop!(DataRegistry::remove(RuntimeOrigin::signed(EVE), pointer(1)), Error::<Test>::NoPermission);
		assert_ok!(DataRegistry::remove(RuntimeOrigin::signed(POOR), pointer(1)));
	});
}

/// A lapse looked at later than its block (the schedule was full there) with a grace period
/// shorter than the delay is still deleted, not scheduled into a block the sweep has passed.
#[test]
fn a_short_grace_period_never_schedules_into_the_past() {
	new_test_ext().execute_with(|| {
		GraceBlocks::set(1);
		let id = user_and_service();
		for n in 1..=5u8 {
			assert_ok!(store(USER, id, pointer(n), 1, 1, false));
		}
		// Four looks fit block 1 + PERIOD; the fifth goes to the next block, after its grace.
		assert_eq!(Schedule::<Test>::get(1 + PERIOD).len(), 4);
		run_to(1 + PERIOD + 10);
		for n in 1..=5u8 {
			assert!(!Entries::<Test>::contains_key(pointer(n)), "pointer {n} expired");
		}
	});
}

/// Where `p`'s looks are: every block of the schedule that lists it.
fn looks_of(p: H256) -> Vec<u64> {
	(0..400u64).filter(|b| Schedule::<Test>::get(b).contains(&p)).collect()
}

/// Attacker review: a pointer removed, or renewed, left its look in the schedule. A store and a
/// remove in one block took a slot for fees alone (rent and deposit came back), and a few
/// thousand filled the blocks a victim's auto-renewal needed: renewed, it was then restricted and
/// deleted. Now a pointer has one look, dropped with it.
#[test]
fn removed_and_renewed_pointers_leave_no_look_behind() {
	new_test_ext().execute_with(|| {
		let id = user_and_service();
		assert_ok!(store(USER, id, pointer(1), 10, 2, false));
		assert_eq!(looks_of(pointer(1)), vec![1 + 2 * PERIOD]);
		assert_ok!(DataRegistry::renew(RuntimeOrigin::signed(USER), pointer(1), 1));
		assert_ok!(DataRegistry::renew(RuntimeOrigin::signed(USER), pointer(1), 1));
		assert_eq!(looks_of(pointer(1)), vec![1 + 4 * PERIOD], "one look, at the last renewal's lapse");
		assert_ok!(DataRegistry::remove(RuntimeOrigin::signed(USER), pointer(1)));
		assert!(looks_of(pointer(1)).is_empty());
		assert!(Looks::<Test>::get(pointer(1)).is_none());
		// A window's worth of store-and-remove (4 a block, 64 blocks) leaves every slot free.
		for n in 0..=255u8 {
			assert_ok!(store(USER, id, H256::from_low_u64_be(10_000 + n as u64), 1, 1, false));
			assert_ok!(DataRegistry::remove(RuntimeOrigin::signed(USER), H256::from_low_u64_be(10_000 + n as u64)));
		}
		assert!((0..400u64).all(|b| Schedule::<Test>::get(b).is_empty()));
	});
}

/// When the blocks around an auto-renewing entry's lapse are full, its renewal takes no rent it
/// cannot keep a look for (it took a period's rent, then restricted the entry anyway), and it
/// is looked at again soon instead of never.
#[test]
fn an_auto_renewal_without_room_at_the_lapse_takes_nothing_and_looks_again_soon() {
	new_test_ext().execute_with(|| {
		let id = user_and_service();
		assert_ok!(store(USER, id, pointer(1), 10, 1, true));
		// Live entries (their rent paid) fill the 64 blocks from the renewal's lapse, 21..84.
		let mut n = 0u32;
		for now in 1..=10u64 {
			System::set_block_number(now);
			for periods in 2..=8u32 {
				if now + PERIOD * periods as u64 > 84 {
					continue;
				}
				for _ in 0..4 {
					n += 1;
					assert_ok!(store(USER, id, H256::from_low_u64_be(1_000 + n as u64), 1, periods, false));
				}
			}
		}
		assert!((21..=84u64).all(|b| Schedule::<Test>::get(b).len() == 4));
		let before = held(USER);
		run_to(1 + PERIOD);
		// Renewed, with its next look right after this block (not restricted for want of room).
		System::assert_has_event(Event::Renewed { pointer: pointer(1), paid_until: 1 + 2 * PERIOD, automatic: true }.into());
		assert_eq!(held(USER), before, "the first period burned, the next held");
		let look = Looks::<Test>::get(pointer(1)).expect("a look");
		assert!(look > 1 + PERIOD && look < 21, "looked at again soon: block {look}");
		assert!(DataRegistry::can_read(&SERVICE, &pointer(1), &[], None));
	});
}

/// When every block a look could go to is full (those it is due in, and those after the current
/// one: 8,192 cheap stores fill them on the chain's parameters), it waits in the overdue queue
/// instead of being dropped (a dropped look left its entry with no renewal and no expiry, or
/// deleted a renewable entry when the grace period differs from the rent period); however late
/// it comes, an auto-renewing entry is renewed for the periods it missed, and its payer may renew
/// meanwhile. A queued look whose entry went, or that was queued again, is passed over.
#[test]
fn a_look_without_room_anywhere_waits_its_turn_and_is_not_lost() {
	new_test_ext().execute_with(|| {
		let id = user_and_service();
		assert_ok!(store(USER, id, pointer(1), 10, 1, true));
		assert_ok!(store(USER, id, pointer(2), 10, 1, false));
		assert_ok!(store(USER, id, pointer(3), 10, 1, false));
		// Junk fills blocks 12 to 84: the renewal's window (21..84), the restriction's (16..79),
		// and the 64 blocks after the lapse.
		let fill = |from: u64, to: u64| {
			for b in from..=to {
				let junk: Vec<H256> = (0..4u64).map(|i| H256::from_low_u64_be(10_000 + 4 * b + i)).collect();
				Schedule::<Test>::insert(b, bounded::<H256, 4>(junk));
			}
		};
		fill(12, 84);
		run_to(1 + PERIOD);
		System::assert_has_event(Event::Renewed { pointer: pointer(1), paid_until: 1 + 2 * PERIOD, automatic: true }.into());
		assert!(Entries::<Test>::get(pointer(2)).unwrap().restricted);
		assert_eq!((Queued::<Test>::get(pointer(1)), Queued::<Test>::get(pointer(2)), Queued::<Test>::get(pointer(3))), (Some(0), Some(1), Some(2)));
		assert_eq!(Looks::<Test>::get(pointer(1)), None);
		// Still no room a block later: each waits again, at the back.
		run_to(2 + PERIOD);
		assert_eq!(OverdueRange::<Test>::get(), (3, 6));
		// Its payer renews pointer 3 by hand although the schedule is full; pointer 2 is removed.
		assert_ok!(DataRegistry::renew(RuntimeOrigin::signed(USER), pointer(3), 2));
		assert_eq!(Queued::<Test>::get(pointer(3)), None, "its look found room from its new lapse");
		assert_ok!(DataRegistry::remove(RuntimeOrigin::signed(USER), pointer(2)));
		assert_eq!(Queued::<Test>::get(pointer(2)), None);
		// The sweep gets no weight for twenty blocks (full blocks): the queue comes round to
		// pointer 1 only a whole period after its renewal lapsed. It is renewed for the period
		// it missed too, not restricted.
		for b in 13..=33u64 {
			System::set_block_number(b);
			DataRegistry::on_idle(b, Weight::zero());
		}
		assert_eq!(Queued::<Test>::get(pointer(1)), Some(3), "still waiting");
		for b in 0..=200u64 {
			Schedule::<Test>::remove(b);
		}
		DataRegistry::on_idle(33, Weight::MAX);
		System::assert_has_event(Event::Renewed { pointer: pointer(1), paid_until: 1 + 4 * PERIOD, automatic: true }.into());
		let entry = Entries::<Test>::get(pointer(1)).unwrap();
		assert!(!entry.restricted && entry.paid_until == 1 + 4 * PERIOD);
		assert_eq!(Looks::<Test>::get(pointer(1)), Some(1 + 4 * PERIOD));
		assert!(DataRegistry::can_read(&SERVICE, &pointer(1), &[], None));
		// Every stale place was passed over.
		assert_eq!(Queued::<Test>::iter().count(), 0);
		assert_eq!(OverdueRange::<Test>::get(), (6, 6));
	});
}
