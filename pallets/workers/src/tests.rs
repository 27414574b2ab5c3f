use crate::{mock::*, ActiveWorkers, Committees, Error, Event, HoldReason, Offence, PendingCommittees, Status, WorkerRegistry};

/// The registry storage (the runtime names the pallet `Workers` too).
type Records = crate::Workers<Test>;
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold};
use sp_core::H256;

/// Worker `who`'s own peer id (its key from seed `who`).
fn peer(who: u64) -> Vec<u8> {
	crate::test_peer(&who, who as u8, &[who as u8; 32]).0
}

/// `who` registers the peer key of seed `key` with encryption key `[who; 32]`, proving it holds it.
fn register_key(who: u64, key: u8, stake: u64) -> frame_support::dispatch::DispatchResult {
	let (peer, proof) = crate::test_peer(&who, key, &[who as u8; 32]);
	Workers::register(RuntimeOrigin::signed(who), peer, [who as u8; 32], stake, proof)
}

fn register(who: u64, stake: u64) -> frame_support::dispatch::DispatchResult {
	register_key(who, who as u8, stake)
}

fn staked(who: u64) -> u64 {
	Balances::balance_on_hold(&HoldReason::WorkerStake.into(), &who)
}

#[test]
fn registering_holds_the_stake() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(1, 2_000));
		System::assert_last_event(Event::Registered { worker: 1, stake: 2_000 }.into());
		assert_eq!(staked(1), 2_000);
		assert_eq!(Balances::free_balance(1), 8_000);
		assert_eq!(ActiveWorkers::<Test>::get().to_vec(), vec![1]);
		let w = Records::get(1).unwrap();
		assert_eq!((w.encryption_key, w.status), ([1; 32], Status::Active));
		assert_noop!(register(1, 2_000), Error::<Test>::AlreadyRegistered);
		assert_noop!(register(2, MIN_STAKE - 1), Error::<Test>::StakeTooLow);
		assert_noop!(register(2, 20_000), Error::<Test>::InsufficientBalance);
		assert_noop!(Workers::register(RuntimeOrigin::signed(2), vec![], [0; 32], 2_000, [0; 64]), Error::<Test>::InvalidPeerId);
		assert_noop!(Workers::register(RuntimeOrigin::signed(2), vec![1; 65], [0; 32], 2_000, [0; 64]), Error::<Test>::InvalidPeerId);
	});
}

/// A key of small order would have clients refuse to deal to every committee drawn with its
/// worker (what is sealed to it, anyone opens): every encoding of the eight points of order
/// dividing 8 is refused at registration, with its peer key proven and the stake at hand, and
/// nothing is held; keys of large order, a real one among them, are taken.
#[test]
fn an_encryption_key_of_small_order_is_refused() {
	use curve25519_dalek::{constants::EIGHT_TORSION, montgomery::MontgomeryPoint};
	// The curve's points of order dividing 8 (u = 0, 1 and two of order 8: a point and its
	// negative share u), the twist's of order 4 (u = p − 1), then u + p where it fits in 255
	// bits (u = 0, 1), then each with the top bit set, which x25519 ignores.
	let mut small: Vec<[u8; 32]> = EIGHT_TORSION.iter().map(|t| t.to_montgomery().to_bytes()).collect();
	let mut p = [0xff; 32];
	(p[0], p[31]) = (0xed, 0x7f);
	small.extend([{ p[0] = 0xec; p }, { p[0] = 0xed; p }, { p[0] = 0xee; p }]);
	small.extend(small.clone().into_iter().map(|mut k| { k[31] |= 0x80; k }));
	small.sort();
	small.dedup();
	assert_eq!(small.len(), 14, "u = 0, 1, p − 1 and the two of order 8, with p and p + 1, each with the top bit or not");
	new_test_ext().execute_with(|| {
		for key in &small {
			assert!(crate::small_order_x25519(key), "{key:?}");
			let (peer, proof) = crate::test_peer(&2u64, 2, key);
			assert_noop!(Workers::register(RuntimeOrigin::signed(2), peer, *key, 2_000, proof), Error::<Test>::EncryptionKeyOfSmallOrder);
		}
		assert_eq!(staked(2), 0);
		let real = MontgomeryPoint::mul_base_clamped([5; 32]).to_bytes();
		for key in [real, [2; 32], [0xff; 32]] {
			assert!(!crate::small_order_x25519(&key), "{key:?}");
		}
		let (peer, proof) = crate::test_peer(&2u64, 2, &real);
		assert_ok!(Workers::register(RuntimeOrigin::signed(2), peer, real, 2_000, proof));
	});
}

/// A member nobody can dial, or whose frames nobody can check, stops every task of its
/// committees, and so does one with another member's peer id (the channel cannot tell them
/// apart): the registry takes only libp2p ids of ed25519 keys the caller proves it holds, each
/// once, free again when its worker leaves. Nobody can squat an honest node's id, public on the
/// DHT and in its registering transaction, before that node registers it.
#[test]
fn a_peer_id_is_an_ed25519_key_its_worker_holds_registered_once() {
	new_test_ext().execute_with(|| {
		let (_, proof) = crate::test_peer(&2u64, 2, &[2; 32]);
		assert_noop!(Workers::register(RuntimeOrigin::signed(2), b"12D3KooWpeer".to_vec(), [2; 32], 2_000, proof), Error::<Test>::InvalidPeerId);
		let mut secp256k1 = peer(2);
		secp256k1[3] = 0x02;
		assert_noop!(Workers::register(RuntimeOrigin::signed(2), secp256k1, [2; 32], 2_000, proof), Error::<Test>::InvalidPeerId);
		// Worker 1's id, without worker 1's key: a squatter's proof is its own key's, or a copy
		// of the proof worker 1 sent (which binds worker 1's account and encryption key).
		let (squatter_peer, squatter_proof) = crate::test_peer(&2u64, 2, &[2; 32]);
		assert_noop!(Workers::register(RuntimeOrigin::signed(2), peer(1), [2; 32], 2_000, squatter_proof), Error::<Test>::PeerKeyNotProven);
		let (_, ones) = crate::test_peer(&1u64, 1, &[1; 32]);
		assert_noop!(Workers::register(RuntimeOrigin::signed(2), peer(1), [1; 32], 2_000, ones), Error::<Test>::PeerKeyNotProven);
		assert_noop!(Workers::register(RuntimeOrigin::signed(2), squatter_peer, [3; 32], 2_000, squatter_proof), Error::<Test>::PeerKeyNotProven);
		assert_ok!(register(1, 2_000));
		assert_eq!(crate::PeerIds::<Test>::get(frame_support::BoundedVec::truncate_from(peer(1))), Some(1));
		// Even its holder registers a key once: two members on one node cannot both be reached.
		assert_noop!(register_key(2, 1, 2_000), Error::<Test>::PeerIdTaken);
		assert_eq!(staked(2), 0);
		assert_ok!(register(2, 2_000));
		// Once worker 1 has left, its peer id is free.
		assert_ok!(Workers::unbond(RuntimeOrigin::signed(1)));
		System::set_block_number(11);
		assert_ok!(Workers::withdraw(RuntimeOrigin::signed(1)));
		assert_eq!(crate::PeerIds::<Test>::get(frame_support::BoundedVec::truncate_from(peer(1))), None);
		assert_ok!(register_key(3, 1, 2_000));
	});
}

/// The upgrade to version 1 indexes the workers registered before it (a newcomer cannot take
/// their peer ids), takes records with an unusable or copied peer id out of the draws for good,
/// and brings farmed reputations down to the most.
#[test]
fn the_upgrade_indexes_peer_ids_and_deactivates_unusable_ones() {
	use frame_support::traits::{GetStorageVersion, Hooks, StorageVersion};
	new_test_ext().execute_with(|| {
		for who in [1, 2, 3] {
			assert_ok!(register(who, 2_000));
		}
		// Two records as version 0 took them: garbage for a peer id, and worker 1's.
		assert_ok!(register(4, 2_000));
		assert_ok!(register(5, 2_000));
		Records::mutate(4, |w| w.as_mut().unwrap().peer_id = frame_support::BoundedVec::truncate_from(b"12D3KooWpeer".to_vec()));
		Records::mutate(5, |w| w.as_mut().unwrap().peer_id = frame_support::BoundedVec::truncate_from(peer(1)));
		Records::mutate(2, |w| w.as_mut().unwrap().reputation = 900);
		let _ = crate::PeerIds::<Test>::clear(u32::MAX, None);
		StorageVersion::new(0).put::<Workers>();
		<Workers as Hooks<u64>>::on_runtime_upgrade();
		assert_eq!(Workers::on_chain_storage_version(), 1);
		for who in [2, 3] {
			assert_eq!(crate::PeerIds::<Test>::get(frame_support::BoundedVec::truncate_from(peer(who))), Some(who));
		}
		assert_noop!(register_key(6, 2, 2_000), Error::<Test>::PeerIdTaken);
		// Worker 1's id is shared with 5: nobody proved which holds its key, so neither keeps it.
		let active = ActiveWorkers::<Test>::get().to_vec();
		assert_eq!(active, vec![2, 3]);
		assert_eq!((Records::get(1).unwrap().status, Records::get(5).unwrap().status), (Status::Inactive, Status::Inactive));
		assert_eq!(crate::PeerIds::<Test>::get(frame_support::BoundedVec::truncate_from(peer(1))), None);
		assert_eq!(Records::get(2).unwrap().reputation, crate::MAX_REPUTATION);
		// More stake does not bring an unusable record back into the draws.
		assert_ok!(Workers::add_stake(RuntimeOrigin::signed(4), 100));
		assert_eq!(Records::get(4).unwrap().status, Status::Inactive);
	});
}

#[test]
fn unbonding_then_withdrawing_after_the_period() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(1, 2_000));
		assert_noop!(Workers::withdraw(RuntimeOrigin::signed(1)), Error::<Test>::NotUnbonding);
		assert_ok!(Workers::unbond(RuntimeOrigin::signed(1)));
		System::assert_last_event(Event::Unbonding { worker: 1, until: 11 }.into());
		assert!(ActiveWorkers::<Test>::get().is_empty(), "no new assignments");
		assert_noop!(Workers::unbond(RuntimeOrigin::signed(1)), Error::<Test>::AlreadyUnbonding);
		assert_noop!(Workers::withdraw(RuntimeOrigin::signed(1)), Error::<Test>::StillUnbonding);
		System::set_block_number(11);
		assert_ok!(Workers::withdraw(RuntimeOrigin::signed(1)));
		System::assert_last_event(Event::Withdrawn { worker: 1, stake: 2_000 }.into());
		assert_eq!(Balances::free_balance(1), 10_000);
		assert!(Records::get(1).is_none());
	});
}

#[test]
fn committees_are_sampled_from_eligible_workers_only() {
	new_test_ext().execute_with(|| {
		for w in 1..=5 {
			assert_ok!(register(w, 1_000 * w));
		}
		// Workers 4 and 5 are leaving: neither may be drawn.
		assert_ok!(Workers::unbond(RuntimeOrigin::signed(4)));
		assert_ok!(Workers::unbond(RuntimeOrigin::signed(5)));
		assert_noop!(Workers::request_committee(RuntimeOrigin::signed(9), 4), Error::<Test>::NotEnoughWorkers);
		// Issue #12: a committee of one would hold its secrets in the clear. (One of two serves a
		// dishonest majority only: the compute pallet's tests show it refusing the rest.)
		for tiny in [0, 1] {
			assert_noop!(Workers::request_committee(RuntimeOrigin::signed(9), tiny), Error::<Test>::CommitteeTooSmall);
		}
		assert_eq!(Workers::min_committee_size(), 3, "an honest majority needs 2t + 1 members");
		assert_noop!(Workers::request_committee(RuntimeOrigin::signed(9), 5), Error::<Test>::InvalidCommitteeSize);
		assert_ok!(Workers::request_committee(RuntimeOrigin::signed(9), 3));
		System::assert_last_event(Event::CommitteeRequested { id: 0, requester: 9, size: 3, draw_at: 3 }.into());
		assert!(Committees::<Test>::get(0).is_none(), "drawn later, from a hash nobody knows yet");
		run_to(3);
		let mut members = Committees::<Test>::get(0).unwrap().to_vec();
		members.sort();
		assert_eq!(members, vec![1, 2, 3]);
		assert_eq!(Workers::committee(0).unwrap().len(), 3);
	});
}

/// A worker's load does not keep it out of a draw: anyone can load the honest workers with
/// tasks on their committees just before a draw, and a draw that skipped busy workers would then
/// seat the loader's own workers, who could pool the shares they are given.
#[test]
fn a_draw_does_not_skip_busy_workers() {
	new_test_ext().execute_with(|| {
		for w in 1..=4 {
			assert_ok!(register(w, 1_000 * w));
		}
		for busy in 1..=3 {
			for _ in 0..10 {
				Workers::note_assigned(&busy);
			}
		}
		assert_ok!(Workers::request_committee(RuntimeOrigin::signed(9), 4));
		run_to(3);
		let mut members = Committees::<Test>::get(0).expect("drawn").to_vec();
		members.sort();
		assert_eq!(members, vec![1, 2, 3, 4]);
	});
}

#[test]
fn sampling_favours_stake() {
	new_test_ext().execute_with(|| {
		// Worker 1 stakes the minimum, worker 2 nine times as much: over many draws of one
		// member, worker 2 should win about 90% of the time.
		assert_ok!(register(1, 1_000));
		assert_ok!(register(2, 9_000));
		let mut wins = 0;
		for block in 0..400u64 {
			let chosen = Workers::sample(1, sp_io::hashing::blake2_256(&block.to_le_bytes())).unwrap();
			wins += (chosen[0] == 2) as u32;
		}
		assert!((320..=390).contains(&wins), "worker 2 won {wins} of 400");
	});
}

#[test]
fn a_task_s_slashes_are_pooled_and_shared() {
	new_test_ext().execute_with(|| {
		for w in 1..=5 {
			assert_ok!(register(w, 1_500 + 100 * w));
		}
		let issuance = Balances::total_issuance();
		// Workers 4 and 5 (stakes 1,900 and 2,000) are slashed 190 and 200; the 390 go to 1, 2
		// and 3, 130 each.
		<Workers as WorkerRegistry<u64>>::slash(&TASK, &[4, 5, 4], Offence::Timeout, &[1, 2, 3]);
		assert_eq!((staked(4), staked(5)), (1_710, 1_800));
		for honest in 1..=3 {
			assert_eq!(Balances::free_balance(honest), 10_000 - (1_500 + 100 * honest) + 130);
		}
		assert_eq!(Balances::total_issuance(), issuance);
		System::assert_has_event(Event::Slashed { task: TASK, worker: 5, offence: Offence::Timeout, amount: 200 }.into());
		// Once per task and offender: a second call (or a repeat in the list) takes nothing.
		<Workers as WorkerRegistry<u64>>::slash(&TASK, &[5], Offence::ResultMismatch, &[1]);
		assert_eq!(staked(5), 1_800);
		assert_eq!(Balances::free_balance(1), 10_000 - 1_600 + 130);
		// With nobody to pay, a slash is burned; what does not divide too.
		<Workers as WorkerRegistry<u64>>::slash(&H256::repeat_byte(7), &[1], Offence::Timeout, &[]);
		<Workers as WorkerRegistry<u64>>::slash(&H256::repeat_byte(8), &[2], Offence::Timeout, &[1, 3, 4]);
		// Worker 1 loses 160, burned; worker 2 loses 170, three shares of 56 and 2 burned.
		assert_eq!(Balances::total_issuance(), issuance - 160 - 2);
	});
}

#[test]
fn a_supported_report_slashes_and_pays_the_honest_members() {
	new_test_ext().execute_with(|| {
		for w in 1..=4 {
			assert_ok!(register(w, 1_050));
		}
		assert_ok!(Workers::report(RuntimeOrigin::signed(9), TASK, LATE, Offence::Timeout, vec![]));
		// 10% of 1_050 = 105, split three ways: 35 each.
		System::assert_has_event(Event::Slashed { task: TASK, worker: LATE, offence: Offence::Timeout, amount: 105 }.into());
		assert_eq!(staked(LATE), 945);
		for honest in 1..=3 {
			assert_eq!(Balances::free_balance(honest), 10_000 - 1_050 + 35);
		}
		let w = Records::get(LATE).unwrap();
		assert_eq!(w.reputation, crate::INITIAL_REPUTATION - crate::OFFENCE_PENALTY);
		// Below the minimum stake: deactivated.
		assert_eq!(w.status, Status::Inactive);
		System::assert_has_event(Event::Deactivated { worker: LATE }.into());
		assert!(!ActiveWorkers::<Test>::get().contains(&LATE));
		// Once per task.
		assert_noop!(Workers::report(RuntimeOrigin::signed(9), TASK, LATE, Offence::Timeout, vec![]), Error::<Test>::AlreadySlashed);
		// Topping the stake up reactivates it.
		assert_ok!(Workers::add_stake(RuntimeOrigin::signed(LATE), 100));
		assert_eq!(Records::get(LATE).unwrap().status, Status::Active);
	});
}

#[test]
fn a_false_report_costs_the_reporter() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(1, 2_000));
		assert_ok!(Workers::report(RuntimeOrigin::signed(9), TASK, 1, Offence::Timeout, vec![]));
		System::assert_last_event(Event::FalseReport { reporter: 9, task: TASK, accused: 1 }.into());
		assert_eq!(Balances::free_balance(9), 10_000 - 50);
		assert_eq!(staked(1), 2_000);
		// An account that could not pay the penalty cannot accuse (its false reports were free,
		// and their event said it had paid).
		let poor = 42u64;
		assert_ok!(<Balances as frame_support::traits::fungible::Mutate<u64>>::mint_into(&poor, 40));
		assert_noop!(Workers::report(RuntimeOrigin::signed(poor), TASK, 1, Offence::Timeout, vec![]), Error::<Test>::CannotCoverPenalty);
		assert_eq!(Balances::free_balance(poor), 40);
	});
}

#[test]
fn an_oversized_proof_is_refused_before_anything_is_read_or_burnt() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(1, 2_000));
		let proof = vec![0u8; crate::MAX_PROOF_LEN as usize + 1];
		assert_noop!(Workers::report(RuntimeOrigin::signed(9), TASK, 1, Offence::Misbehaviour, proof), Error::<Test>::ProofTooLarge);
		assert_eq!(Balances::free_balance(9), 10_000);
	});
}

/// Issue #13: a committee is drawn from the hash of a block built after the request, so the
/// requester, and a front-runner who requests committees before it, cannot know the draw; the
/// draw depends on that later hash alone (and the committee's id).
#[test]
fn a_front_running_requester_cannot_predict_or_steer_a_draw() {
	new_test_ext().execute_with(|| {
		for w in 1..=8 {
			assert_ok!(register(w, 1_000));
		}
		// The attacker (9) front-runs the victim (8... any account) with requests of its own.
		assert_ok!(Workers::request_committee(RuntimeOrigin::signed(9), 3));
		assert_ok!(Workers::request_committee(RuntimeOrigin::signed(9), 3));
		assert_ok!(Workers::request_committee(RuntimeOrigin::signed(7), 3));
		let victim = 2;
		let pending = PendingCommittees::<Test>::get(victim).unwrap();
		assert_eq!(pending.draw_at, 3);
		// Whatever the attacker computes at request time from what it knows (the current parent
		// hash), the draw uses the parent hash of block 3, i.e. the hash of block 2, built after
		// the request: two possible block-2 hashes give two different committees.
		let draw_with = |parent: u64| {
			frame_support::storage::transactional::with_transaction(|| {
				System::set_block_number(2);
				System::set_parent_hash(H256::from_low_u64_be(parent));
				System::set_block_number(3);
				<Workers as frame_support::traits::Hooks<u64>>::on_initialize(3);
				let drawn = Committees::<Test>::get(victim).unwrap().to_vec();
				sp_runtime::TransactionOutcome::Rollback(Ok::<_, sp_runtime::DispatchError>(drawn))
			})
			.unwrap()
		};
		let outcomes: std::collections::BTreeSet<Vec<u64>> = (0..20).map(draw_with).collect();
		assert!(outcomes.len() > 1, "the victim's committee depends on a hash unknown at request time");
		// The same later hash gives the same committee however many requests came before.
		assert_eq!(draw_with(5), draw_with(5));
		run_to(3);
		assert_eq!(Committees::<Test>::get(victim).unwrap().len(), 3);
		for id in 0..3 {
			assert!(Committees::<Test>::contains_key(id));
		}
	});
}

/// Issue #13: a worker holding shares of live secrets, or running a task, keeps its stake at
/// risk: it cannot withdraw until those duties end. It may unbond while it holds shares or runs
/// a task (no new committee is drawn with it, no new task comes: neither a secret's owner nor a
/// requester that submits a task before the last one ends can keep it from leaving); running
/// one, it is `Leaving` and its unbonding period starts once the task ends.
#[test]
fn stake_follows_duty() {
	new_test_ext().execute_with(|| {
		for w in 1..=3 {
			assert_ok!(register(w, 2_000));
		}
		assert_ok!(Workers::request_committee(RuntimeOrigin::signed(9), 3));
		run_to(3);
		Workers::note_shares(&[1, 2], 1, true);
		assert_eq!(Records::get(1).unwrap().secrets, 1);
		assert_eq!(Records::get(3).unwrap().secrets, 0, "3 has not acknowledged its share");
		Workers::note_assigned(&1);
		assert_ok!(Workers::unbond(RuntimeOrigin::signed(1)));
		System::assert_last_event(Event::Leaving { worker: 1, tasks: 1 }.into());
		assert_eq!(Records::get(1).unwrap().status, Status::Leaving);
		assert!(!crate::ActiveWorkers::<Test>::get().contains(&1), "drawn into no new committee");
		assert!(Workers::is_leaving(&1) && !Workers::is_active(&1));
		assert_noop!(Workers::unbond(RuntimeOrigin::signed(1)), Error::<Test>::AlreadyUnbonding);
		run_to(20);
		assert_noop!(Workers::withdraw(RuntimeOrigin::signed(1)), Error::<Test>::NotUnbonding);
		// Its task ends: its unbonding period starts now.
		Workers::note_finished(&1, true);
		let until = 20 + <<Test as crate::Config>::UnbondingPeriod as frame_support::traits::Get<u64>>::get();
		System::assert_last_event(Event::Unbonding { worker: 1, until }.into());
		assert_eq!(Records::get(1).unwrap().status, Status::Unbonding { until });
		// A share acknowledged while unbonding (its committee was drawn before) holds it too.
		Workers::note_shares(&[1], 1, true);
		run_to(until);
		assert_noop!(Workers::withdraw(RuntimeOrigin::signed(1)), Error::<Test>::HoldsSecrets);
		Workers::note_shares(&[1], 2, false);
		assert_ok!(Workers::withdraw(RuntimeOrigin::signed(1)));
		assert!(!Workers::is_registered(&1));
	});
}

/// Issue #13: a committee record holds a deposit from its requester, back when the requester
/// dissolves it (never while it holds secrets or runs tasks) or when its draw fails.
#[test]
fn committees_hold_deposits_until_dissolved() {
	new_test_ext().execute_with(|| {
		use crate::HoldReason;
		let held = |who| Balances::balance_on_hold(&HoldReason::StateDeposit.into(), &who);
		for w in 1..=3 {
			assert_ok!(register(w, 2_000));
		}
		assert_ok!(Workers::request_committee(RuntimeOrigin::signed(9), 3));
		assert_eq!(held(9), 5);
		run_to(3);
		Workers::note_committee_secrets(0, 1, true);
		assert_noop!(Workers::dissolve_committee(RuntimeOrigin::signed(8), 0), Error::<Test>::NotRequester);
		assert_noop!(Workers::dissolve_committee(RuntimeOrigin::signed(9), 0), Error::<Test>::CommitteeInUse);
		Workers::note_committee_secrets(0, 1, false);
		Workers::note_task(0, true);
		assert_noop!(Workers::dissolve_committee(RuntimeOrigin::signed(9), 0), Error::<Test>::CommitteeInUse);
		Workers::note_task(0, false);
		assert_ok!(Workers::dissolve_committee(RuntimeOrigin::signed(9), 0));
		assert_eq!(held(9), 0);
		assert!(Committees::<Test>::get(0).is_none());
		// A draw that finds too few workers gives the deposit back.
		assert_ok!(Workers::request_committee(RuntimeOrigin::signed(9), 3));
		assert_ok!(Workers::unbond(RuntimeOrigin::signed(1)));
		run_to(5);
		System::assert_has_event(Event::CommitteeFailed { id: 1 }.into());
		assert_eq!(held(9), 0);
	});
}

/// One account (here four, one per request) fills the draws of a block (four in the mock): the
/// next request is not refused but drawn in the next block with room.
#[test]
fn a_full_block_of_draws_delays_a_request_it_does_not_refuse_it() {
	new_test_ext().execute_with(|| {
		for w in 1..=4 {
			assert_ok!(register(w, 1_000 * w));
		}
		for requester in 5..=8 {
			assert_ok!(Workers::request_committee(RuntimeOrigin::signed(requester), 3));
			assert_eq!(PendingCommittees::<Test>::get(requester as u32 - 5).unwrap().draw_at, 3);
		}
		assert_ok!(Workers::request_committee(RuntimeOrigin::signed(9), 3));
		System::assert_last_event(Event::CommitteeRequested { id: 4, requester: 9, size: 3, draw_at: 4 }.into());
		run_to(3);
		assert!(Committees::<Test>::get(3).is_some() && Committees::<Test>::get(4).is_none());
		run_to(4);
		assert_eq!(Committees::<Test>::get(4).unwrap().len(), 3);
	});
}

/// Finished tasks are no way to more seats: a worker can finish as many as it pays for, on a
/// committee of its own workers agreeing on any result. Offences still lower its chance.
#[test]
fn farmed_reputation_buys_no_seats() {
	new_test_ext().execute_with(|| {
		for who in [1, 2, 3] {
			assert_ok!(register(who, 2_000));
		}
		for _ in 0..10 * crate::MAX_REPUTATION {
			<Workers as WorkerRegistry<u64>>::note_assigned(&1);
			<Workers as WorkerRegistry<u64>>::note_finished(&1, true);
		}
		assert_eq!(Records::get(1).unwrap().reputation, crate::MAX_REPUTATION);
		Records::mutate(3, |w| w.as_mut().unwrap().reputation = crate::INITIAL_REPUTATION - crate::OFFENCE_PENALTY);
		let weights: std::collections::BTreeMap<u64, u128> = Workers::eligible().into_iter().collect();
		assert_eq!(weights[&1], weights[&2], "as much as an untouched worker with the same stake");
		assert!(weights[&3] < weights[&2], "an offender weighs less");
	});
}

