use crate::{handover::DealingProof, mock::*, new_secret_id, result_commitment, reveal_hash, running_set, AbortReason, Run, Error, Event, HoldReason, NewSecret, PriceTable, Results, RevealFrom, Secrets, Security, TaskResult, TaskStatus, Tasks, ValueKind};
use frame_support::dispatch::{DispatchResultWithPostInfo as DispatchResult, Pays};
use frame_support::{assert_noop, assert_ok, traits::fungible::InspectHold, weights::WeightToFee, BoundedVec};
use pallet_shared_identity::predicate::{Grant, Node, Permission};
use pallet_workers::Offence;
use sp_core::H256;

const OWNER: u64 = 1;
const POOR: u64 = 2;
const STRANGER: u64 = 3;
const WORKERS: [u64; 4] = [11, 12, 13, 14];
const CODE: &[u8] = b"contract Salary { pub fn survey(...) { ... } }";
const U64: ValueKind = ValueKind::Int { bits: 64 };

type ResultT = crate::ResultOf<Test>;

fn bounded<T, S: frame_support::traits::Get<u32>>(v: Vec<T>) -> BoundedVec<T, S> {
	BoundedVec::truncate_from(v)
}

/// An identity of OWNER (all permissions), four workers, a committee, a contract and a ready
/// secret on it. Returns (identity, contract hash, secret).
/// A task's deposit in the mock (no charge per byte): its record's, and one for each of the
/// `MaxNewSecrets` (4) secrets it may create.
/// A task's deposit: its records, the four secrets it may make, the four ledger keys it may
/// create (each `DEPOSIT_BASE` in the mock).
const TASK_DEPOSIT: u64 = DEPOSIT_BASE * (1 + 4 + 4);

fn setup() -> (H256, H256, H256) {
	let grant = Grant {
		permissions: bounded(vec![Permission::Read, Permission::Store, Permission::Compute, Permission::Declassify, Permission::Admin]),
		predicate: bounded(vec![Node::Always]),
	};
	assert_ok!(SharedIdentity::create(RuntimeOrigin::signed(OWNER), bounded(vec![(OWNER, bounded(vec![grant]))])));
	let identity = pallet_shared_identity::Pallet::<Test>::address_of([OWNER].iter());
	for w in WORKERS {
		assert_ok!({ let (peer, proof) = pallet_workers::test_peer(&w, w as u8, &[w as u8; 32]); Workers::register(RuntimeOrigin::signed(w), peer, [w as u8; 32], STAKE, proof) });
	}
	assert_eq!(committee(4), 0);
	assert_ok!(SecretCompute::register_contract(RuntimeOrigin::signed(OWNER), CODE.to_vec()));
	let contract = H256(sp_io::hashing::blake2_256(CODE));
	let secret = register_secret(identity, H256::repeat_byte(1));
	(identity, contract, secret)
}

fn register_secret(identity: H256, commitment: H256) -> H256 {
	assert_ok!(SecretCompute::register_secret(RuntimeOrigin::signed(OWNER), identity, 0, bounded(vec![Node::Always]), commitment, U64));
	let secret = H256(sp_io::hashing::blake2_256(&codec::Encode::encode(&(identity, 0u32, commitment))));
	for w in WORKERS {
		assert_ok!(SecretCompute::ack_secret(RuntimeOrigin::signed(w), secret));
	}
	secret
}

fn submit(who: u64, contract: H256, inputs: Vec<H256>, gas_limit: u64) -> frame_support::dispatch::DispatchResult {
	SecretCompute::submit_task(RuntimeOrigin::signed(who), contract, b"survey".to_vec(), bounded(inputs), bounded(vec![]), gas_limit)
}

fn last_task() -> H256 {
	System::events()
		.iter()
		.rev()
		.find_map(|r| match r.event {
			RuntimeEvent::SecretCompute(Event::TaskCreated { task, .. }) => Some(task),
			_ => None,
		})
		.expect("a task")
}

fn result(outputs: &[u8], gas_used: u64, writes: Vec<(u64, u128)>, new_secrets: Vec<NewSecret>) -> ResultT {
	TaskResult {
		outputs: bounded(outputs.to_vec()),
		new_secrets: bounded(new_secrets),
		ledger_writes: bounded(writes),
		transcript_root: H256::repeat_byte(7),
		gas_used,
	}
}

/// The salt test member `who` commits with.
fn salt(who: u64) -> [u8; 32] {
	[who as u8; 32]
}

fn commit(who: u64, task: H256, result: &ResultT) -> DispatchResult {
	commit_runs(who, task, result, &[])
}

fn reveal(who: u64, task: H256, result: &ResultT) -> DispatchResult {
	reveal_runs(who, task, result, &[])
}

/// A member that completed several runs commits to its result and the other runs' roots, each
/// run by the whole committee.
fn commit_runs(who: u64, task: H256, result: &ResultT, other_runs: &[H256]) -> DispatchResult {
	commit_to(who, task, result, &with_everyone(task, result, other_runs))
}

fn reveal_runs(who: u64, task: H256, result: &ResultT, other_runs: &[H256]) -> DispatchResult {
	reveal_to(who, task, result, &with_everyone(task, result, other_runs))
}

/// The result's run and `other_runs`, each run by every member of the task's committee (four
/// for a task that is gone).
fn with_everyone(task: H256, result: &ResultT, other_runs: &[H256]) -> Vec<Run> {
	let members = members_of(task).map_or(WORKERS.len(), |m| m.len());
	core::iter::once(result.transcript_root).chain(other_runs.iter().copied()).map(|root| Run { root, running: running_set(0..members) }).collect()
}

/// The task's committee, in its order (a run's running set counts members by it).
fn members_of(task: H256) -> Option<Vec<u64>> {
	use pallet_workers::WorkerRegistry;
	Workers::committee(Tasks::<Test>::get(task)?.committee)
}

/// The running set of `workers` in `task`'s committee.
fn ran_by(task: H256, workers: &[u64]) -> u32 {
	let members = members_of(task).unwrap();
	running_set(workers.iter().map(|w| members.iter().position(|m| m == w).unwrap()))
}

/// A member commits to its result and `runs` (the result's own first).
fn commit_to(who: u64, task: H256, result: &ResultT, runs: &[Run]) -> DispatchResult {
	SecretCompute::commit_result(RuntimeOrigin::signed(who), task, result_commitment(task, &who, reveal_hash(result, runs), &salt(who)))
}

fn reveal_to(who: u64, task: H256, result: &ResultT, runs: &[Run]) -> DispatchResult {
	SecretCompute::submit_result(RuntimeOrigin::signed(who), task, result.clone(), bounded(runs.to_vec()), salt(who))
}

/// `members` commit to `result`, wait for reveals to open (at once when every member answered,
/// `REVEAL_DELAY` blocks after the quorum otherwise) and reveal it until the task completes.
fn answer(task: H256, members: &[u64], result: &ResultT) {
	for w in members {
		assert_ok!(commit(*w, task, result));
	}
	if let Some(from) = RevealFrom::<Test>::get(task).filter(|from| *from > System::block_number()) {
		run_to(from);
	}
	for w in members {
		if Tasks::<Test>::get(task).unwrap().status == TaskStatus::Pending {
			assert_ok!(reveal(*w, task, result));
		}
	}
}

fn staked(w: u64) -> u64 {
	Balances::balance_on_hold(&pallet_workers::HoldReason::WorkerStake.into(), &w)
}

#[test]
fn contracts_are_public_and_known_by_hash() {
	new_test_ext().execute_with(|| {
		assert_ok!(SecretCompute::register_contract(RuntimeOrigin::signed(OWNER), CODE.to_vec()));
		let hash = H256(sp_io::hashing::blake2_256(CODE));
		System::assert_last_event(Event::ContractRegistered { contract: hash, size: CODE.len() as u32 }.into());
		assert_noop!(SecretCompute::register_contract(RuntimeOrigin::signed(OWNER), CODE.to_vec()), Error::<Test>::ContractExists);
		assert_noop!(SecretCompute::register_contract(RuntimeOrigin::signed(OWNER), vec![]), Error::<Test>::InvalidCode);
		assert_noop!(SecretCompute::register_contract(RuntimeOrigin::signed(OWNER), vec![0; 1025]), Error::<Test>::InvalidCode);
	});
}

#[test]
fn a_secret_is_usable_once_every_member_holds_its_share() {
	new_test_ext().execute_with(|| {
		let (identity, _, _) = setup();
		let commitment = H256::repeat_byte(2);
		assert_noop!(
			SecretCompute::register_secret(RuntimeOrigin::signed(STRANGER), identity, 0, bounded(vec![Node::Always]), commitment, U64),
			Error::<Test>::NoPermission
		);
		assert_noop!(
			SecretCompute::register_secret(RuntimeOrigin::signed(OWNER), identity, 9, bounded(vec![Node::Always]), commitment, U64),
			Error::<Test>::UnknownCommittee
		);
		assert_noop!(
			SecretCompute::register_secret(RuntimeOrigin::signed(OWNER), identity, 0, bounded(vec![Node::Not]), commitment, U64),
			Error::<Test>::MalformedPredicate
		);
		assert_ok!(SecretCompute::register_secret(RuntimeOrigin::signed(OWNER), identity, 0, bounded(vec![Node::Always]), commitment, U64));
		let secret = H256(sp_io::hashing::blake2_256(&codec::Encode::encode(&(identity, 0u32, commitment))));
		assert_noop!(SecretCompute::ack_secret(RuntimeOrigin::signed(STRANGER), secret), Error::<Test>::NotInCommittee);
		for w in &WORKERS[..3] {
			assert_ok!(SecretCompute::ack_secret(RuntimeOrigin::signed(*w), secret));
		}
		assert!(!Secrets::<Test>::get(secret).unwrap().ready);
		assert_noop!(SecretCompute::ack_secret(RuntimeOrigin::signed(11), secret), Error::<Test>::AlreadyAcknowledged);
		assert_ok!(SecretCompute::ack_secret(RuntimeOrigin::signed(14), secret));
		System::assert_last_event(Event::SecretReady { secret }.into());
	});
}

#[test]
fn submit_task_checks_everything_with_named_errors() {
	new_test_ext().execute_with(|| {
		let (identity, contract, secret) = setup();
		assert_noop!(submit(POOR, contract, vec![secret], 100), Error::<Test>::BalanceTooLow);
		assert_noop!(submit(OWNER, H256::zero(), vec![secret], 100), Error::<Test>::UnknownContract);
		assert_noop!(submit(OWNER, contract, vec![], 100), Error::<Test>::NoInputs);
		assert_noop!(submit(OWNER, contract, vec![H256::zero()], 100), Error::<Test>::UnknownSecret);
		assert_noop!(submit(STRANGER, contract, vec![secret], 100), Error::<Test>::NoPermission);
		assert_noop!(submit(OWNER, contract, vec![secret], 10_000_000), Error::<Test>::CannotPayGas);
		// A secret registered but not yet acknowledged.
		assert_ok!(SecretCompute::register_secret(RuntimeOrigin::signed(OWNER), identity, 0, bounded(vec![Node::Always]), H256::repeat_byte(9), U64));
		let pending = H256(sp_io::hashing::blake2_256(&codec::Encode::encode(&(identity, 0u32, H256::repeat_byte(9)))));
		assert_noop!(submit(OWNER, contract, vec![pending], 100), Error::<Test>::SecretNotReady);
		// Inputs on two committees.
		assert_eq!(committee(3), 1);
		assert_ok!(SecretCompute::register_secret(RuntimeOrigin::signed(OWNER), identity, 1, bounded(vec![Node::Always]), H256::repeat_byte(3), U64));
		let other = H256(sp_io::hashing::blake2_256(&codec::Encode::encode(&(identity, 1u32, H256::repeat_byte(3)))));
		for w in pallet_workers::Committees::<Test>::get(1).unwrap() {
			assert_ok!(SecretCompute::ack_secret(RuntimeOrigin::signed(w), other));
		}
		assert_noop!(submit(OWNER, contract, vec![secret, other], 100), Error::<Test>::InputsOnDifferentCommittees);
		// A compute predicate narrower than the identity's permission.
		assert_ok!(SecretCompute::register_secret(RuntimeOrigin::signed(OWNER), identity, 0, bounded(vec![Node::Contracts(bounded(vec![H256::repeat_byte(0xee)]))]), H256::repeat_byte(4), U64));
		let narrow = register_secret_acks(identity, H256::repeat_byte(4));
		assert_noop!(submit(OWNER, contract, vec![narrow], 100), Error::<Test>::NoPermission);
	});
}

/// A task takes at most `MaxInputOwners` (two in the mock) identities' secrets, and any number
/// of one owner's, repeats included: each owner's record is read and checked once per task, so
/// the owners, not the inputs, bound that cost.
#[test]
fn a_task_takes_many_secrets_of_few_owners() {
	new_test_ext().execute_with(|| {
		let (_, contract, secret) = setup();
		assert_ok!(submit(OWNER, contract, vec![secret; 8], 10_000));
		let all = Grant {
			permissions: bounded(vec![Permission::Store, Permission::Compute]),
			predicate: bounded(vec![Node::Always]),
		};
		let mut inputs = vec![secret];
		for (member, byte) in [(STRANGER, 0x41u8), (4u64, 0x42u8)] {
			assert_ok!(SharedIdentity::create(RuntimeOrigin::signed(OWNER), bounded(vec![(OWNER, bounded(vec![all.clone()])), (member, bounded(vec![]))])));
			let identity = pallet_shared_identity::Pallet::<Test>::address_of([OWNER, member].iter());
			let proposal = pallet_shared_identity::Pallet::<Test>::proposal_hash(&pallet_shared_identity::Identities::<Test>::get(identity).unwrap());
			assert_ok!(SharedIdentity::approve(RuntimeOrigin::signed(member), identity, proposal));
			inputs.push(register_secret(identity, H256::repeat_byte(byte)));
		}
		assert_ok!(submit(OWNER, contract, inputs[..2].to_vec(), 10_000));
		assert_noop!(submit(OWNER, contract, inputs.clone(), 10_000), Error::<Test>::TooManyInputOwners);
	});
}

fn register_secret_acks(identity: H256, commitment: H256) -> H256 {
	let secret = H256(sp_io::hashing::blake2_256(&codec::Encode::encode(&(identity, 0u32, commitment))));
	for w in WORKERS {
		assert_ok!(SecretCompute::ack_secret(RuntimeOrigin::signed(w), secret));
	}
	secret
}

#[test]
fn a_quorum_completes_the_task_pays_the_workers_and_slashes_the_dissenter() {
	new_test_ext().execute_with(|| {
		let (_, contract, secret) = setup();
		let before = Balances::free_balance(OWNER);
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		assert_eq!(Balances::balance_on_hold(&HoldReason::TaskGas.into(), &OWNER), 10_000);
		assert_eq!(SecretCompute::assignments(&11), vec![task]);
		let created = Tasks::<Test>::get(task).unwrap().created;
		assert_eq!(created, System::block_number(), "a task records the block that created it (L.get reads as of it)");
		let good = result(b"avg=63600", 900, vec![(1, 42)], vec![NewSecret { key: 5, owner_input: 0, kind: U64 }]);
		let bad = result(b"avg=1", 900, vec![], vec![]);
		assert_ok!(commit(14, task, &bad));
		assert_noop!(reveal(14, task, &bad), Error::<Test>::RevealNotOpen);
		for w in [11, 12, 13] {
			assert_ok!(commit(w, task, &good));
		}
		System::assert_has_event(Event::ResultCommitted { task, worker: 13 }.into());
		assert_noop!(commit(11, task, &good), Error::<Test>::AlreadySubmitted);
		// Every member answered: reveals open at once.
		assert_ok!(reveal(14, task, &bad));
		assert_ok!(reveal(11, task, &good));
		assert_noop!(reveal(11, task, &good), Error::<Test>::AlreadySubmitted);
		assert_noop!(reveal(STRANGER, task, &good), Error::<Test>::NotInCommittee);
		assert_noop!(reveal(12, task, &bad), Error::<Test>::CommitmentMismatch);
		assert_noop!(SecretCompute::submit_result(RuntimeOrigin::signed(12), task, good.clone(), bounded(vec![]), salt(11)), Error::<Test>::CommitmentMismatch);
		assert_ok!(reveal(12, task, &good));
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Pending, "two of four is no majority");
		assert_ok!(reveal(13, task, &good));
		System::assert_has_event(
			Event::TaskCompleted { task, outputs: b"avg=63600".to_vec(), new_secrets: vec![new_secret_id(task, 5)], gas_used: 900 }.into(),
		);
		assert_eq!(Results::<Test>::get(task), Some(good));
		// The requester paid 900 and got the rest of its hold back; of the task's deposit, one
		// secret's part became the new secret's, the rest waits for pruning.
		assert_eq!(Balances::free_balance(OWNER), before - 900 - TASK_DEPOSIT);
		assert_eq!(Balances::balance_on_hold(&HoldReason::TaskGas.into(), &OWNER), 0);
		// 300 each to the agreeing workers, plus a third of the dissenter's 1_000 slash.
		for w in [11, 12, 13] {
			assert_eq!(Balances::free_balance(w), 100_000 - STAKE + 300 + 333);
		}
		assert_eq!(staked(14), STAKE - 1_000);
		System::assert_has_event(pallet_workers::Event::Slashed { task, worker: 14, offence: Offence::ResultMismatch, amount: 1_000 }.into());
		// L and the new secret.
		assert_eq!(SecretCompute::ledger_get(contract, 1, created), Some(42));
		assert_eq!(SecretCompute::ledger_get(contract, 1, created - 1), None);
		let created = Secrets::<Test>::get(new_secret_id(task, 5)).unwrap();
		assert!(created.ready);
		assert_eq!((created.owner, created.kind, created.origin), (Secrets::<Test>::get(secret).unwrap().owner, U64, Some((contract, 5))));
		// Only the contract that created it may compute on it.
		assert_eq!(created.compute_predicate.into_inner(), vec![Node::Contracts(bounded(vec![contract]))]);
		assert_noop!(reveal(14, task, &result(b"late", 1, vec![], vec![])), Error::<Test>::TaskNotPending);
		assert!(SecretCompute::assignments(&11).is_empty());
		// The dissenter cannot be reported twice; a baseless report costs the reporter.
		assert_noop!(Workers::report(RuntimeOrigin::signed(STRANGER), task, 14, Offence::ResultMismatch, vec![]), pallet_workers::Error::<Test>::AlreadySlashed);
		let stranger = Balances::free_balance(STRANGER);
		assert_ok!(Workers::report(RuntimeOrigin::signed(STRANGER), task, 11, Offence::ResultMismatch, vec![]));
		assert_eq!(Balances::free_balance(STRANGER), stranger - 50);
	});
}

#[test]
fn past_the_deadline_the_requester_is_refunded_and_the_silent_are_slashed() {
	new_test_ext().execute_with(|| {
		let (_, contract, secret) = setup();
		let before = Balances::free_balance(OWNER);
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		// One commitment is no quorum: reveals never open, so 11 is not late.
		assert_ok!(commit(11, task, &result(b"r", 10, vec![], vec![])));
		let deadline = Tasks::<Test>::get(task).unwrap().deadline;
		assert_eq!(deadline, System::block_number() + DEADLINE);
		run_to(deadline - 1);
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Pending);
		run_to(deadline);
		System::assert_has_event(Event::TaskFailed { task }.into());
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Failed);
		// The gas is back; the task's deposit stays until its records are pruned.
		assert_eq!(Balances::free_balance(OWNER), before - TASK_DEPOSIT);
		run_to(deadline + RETENTION);
		assert_eq!(Balances::free_balance(OWNER), before);
		for late in [12, 13, 14] {
			assert_eq!(staked(late), STAKE - 1_000);
			System::assert_has_event(pallet_workers::Event::Slashed { task, worker: late, offence: Offence::Timeout, amount: 1_000 }.into());
		}
		// The one who answered gets all three slashes.
		assert_eq!(Balances::free_balance(11), 100_000 - STAKE + 3_000);
		assert_eq!(staked(11), STAKE);
		assert_noop!(reveal(12, task, &result(b"r", 10, vec![], vec![])), Error::<Test>::UnknownTask);
	});
}

#[test]
fn the_ledger_keeps_a_bounded_history_readable_by_block() {
	new_test_ext().execute_with(|| {
		let (_, contract, secret) = setup();
		// (The committee was drawn at block 3.)
		for (block, value) in [(3u64, 10u128), (4, 20), (5, 30), (6, 40)] {
			run_to(block);
			assert_ok!(submit(OWNER, contract, vec![secret], 100));
			let task = last_task();
			answer(task, &WORKERS, &result(b"", 1, vec![(7, value)], vec![]));
		}
		assert_eq!(SecretCompute::ledger_get(contract, 7, 6), Some(40));
		assert_eq!(SecretCompute::ledger_get(contract, 7, 5), Some(30));
		assert_eq!(SecretCompute::ledger_get(contract, 7, 4), Some(20));
		// Three values are kept: the one of block 3 is gone.
		assert_eq!(SecretCompute::ledger_get(contract, 7, 3), None);
	});
}

#[test]
fn declassify_needs_the_permission_and_the_price_table_is_public() {
	new_test_ext().execute_with(|| {
		let (_, _, secret) = setup();
		assert_noop!(SecretCompute::declassify(RuntimeOrigin::signed(STRANGER), secret), Error::<Test>::NoPermission);
		assert_noop!(SecretCompute::declassify(RuntimeOrigin::signed(OWNER), H256::zero()), Error::<Test>::UnknownSecret);
		assert_ok!(SecretCompute::declassify(RuntimeOrigin::signed(OWNER), secret));
		System::assert_last_event(Event::DeclassifyRequested { secret, requester: OWNER, committee: 0 }.into());
		let prices = SecretCompute::price_table();
		assert_eq!((prices.add, prices.mul, prices.open, prices.input, prices.round), (1, 100, 100, 200, 1_000));
	});
}

/// Issue #19: the members give up on a run none of them can blame on anyone. The task fails as
/// soon as no result can reach a majority, the requester is refunded, and every worker keeps
/// its stake, its status and its reputation; reporting them for Timeout afterwards is refused.
#[test]
fn an_unattributable_abort_fails_the_task_without_slashing_anyone() {
	new_test_ext().execute_with(|| {
		let (_, contract, secret) = setup();
		let before = Balances::free_balance(OWNER);
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		let workers_before: Vec<_> = WORKERS.iter().map(|w| pallet_workers::Workers::<Test>::get(w).unwrap()).collect();
		assert_noop!(SecretCompute::abort_task(RuntimeOrigin::signed(STRANGER), task, AbortReason::Unattributed), Error::<Test>::NotInCommittee);
		assert_noop!(SecretCompute::abort_task(RuntimeOrigin::signed(11), H256::zero(), AbortReason::Unattributed), Error::<Test>::UnknownTask);
		assert_ok!(SecretCompute::abort_task(RuntimeOrigin::signed(11), task, AbortReason::Unattributed));
		System::assert_last_event(Event::TaskAborted { task, worker: 11, reason: AbortReason::Unattributed }.into());
		assert_noop!(SecretCompute::abort_task(RuntimeOrigin::signed(11), task, AbortReason::Unattributed), Error::<Test>::AlreadySubmitted);
		assert_noop!(commit(11, task, &result(b"r", 1, vec![], vec![])), Error::<Test>::AlreadySubmitted);
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Pending, "three members could still agree");
		// The second abort leaves two undecided members: three votes are out of reach.
		assert_ok!(SecretCompute::abort_task(RuntimeOrigin::signed(12), task, AbortReason::Unattributed));
		System::assert_has_event(Event::TaskFailed { task }.into());
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Failed);
		assert_eq!(Balances::free_balance(OWNER), before - TASK_DEPOSIT, "the gas is back (the task's deposit waits for pruning)");
		assert_eq!(Balances::balance_on_hold(&HoldReason::TaskGas.into(), &OWNER), 0);
		assert_noop!(SecretCompute::abort_task(RuntimeOrigin::signed(13), task, AbortReason::Unattributed), Error::<Test>::TaskNotPending);
		// Nobody lost anything, nobody is busy, and the deadline changes nothing.
		run_to(System::block_number() + DEADLINE);
		for (w, was) in WORKERS.iter().zip(&workers_before) {
			let now = pallet_workers::Workers::<Test>::get(w).unwrap();
			assert_eq!((now.stake, now.status, now.reputation, now.active_tasks), (was.stake, was.status, was.reputation, 0));
			assert_eq!(staked(*w), STAKE);
		}
		assert!(!System::events().iter().any(|r| matches!(r.event, RuntimeEvent::Workers(pallet_workers::Event::Slashed { .. }))));
		let stranger = Balances::free_balance(STRANGER);
		assert_ok!(Workers::report(RuntimeOrigin::signed(STRANGER), task, 11, Offence::Timeout, vec![]));
		assert_eq!(Balances::free_balance(STRANGER), stranger - 50, "an aborting member is not late");
		assert_eq!(staked(11), STAKE);
	});
}

/// Two results two votes each: no majority is possible, so the task fails at once, and nobody is
/// slashed for a mismatch nobody can settle.
#[test]
fn a_split_committee_fails_the_task_at_once() {
	new_test_ext().execute_with(|| {
		let (_, contract, secret) = setup();
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		let (a, b) = (result(b"a", 1, vec![], vec![]), result(b"b", 1, vec![], vec![]));
		for (w, r) in [(11, &a), (12, &a), (13, &b), (14, &b)] {
			assert_ok!(commit(w, task, r));
		}
		assert_ok!(reveal(11, task, &a));
		assert_ok!(reveal(12, task, &a));
		assert_ok!(reveal(13, task, &b));
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Pending);
		assert_ok!(reveal(14, task, &b));
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Failed);
		for w in WORKERS {
			assert_eq!(staked(w), STAKE);
		}
	});
}

/// A member that aborts is not slashed at the deadline; one that says nothing is.
#[test]
fn at_the_deadline_only_the_silent_are_slashed() {
	new_test_ext().execute_with(|| {
		let (_, contract, secret) = setup();
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		assert_ok!(commit(11, task, &result(b"r", 1, vec![], vec![])));
		assert_ok!(SecretCompute::abort_task(RuntimeOrigin::signed(12), task, AbortReason::InvalidTask));
		run_to(System::block_number() + DEADLINE);
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Failed);
		assert_eq!((staked(11), staked(12)), (STAKE, STAKE));
		assert_eq!((staked(13), staked(14)), (STAKE - 1_000, STAKE - 1_000));
	});
}

/// Issue #12/#13: a result's new secrets cannot overwrite a secret (the chain derives their ids),
/// repeat a key, or name an owner that is not among the task's inputs.
#[test]
fn new_secrets_cannot_overwrite_or_be_given_away() {
	new_test_ext().execute_with(|| {
		let (identity, contract, secret) = setup();
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		let new = |key, owner_input| NewSecret { key, owner_input, kind: U64 };
		let twice = result(b"", 1, vec![], vec![new(1, 0), new(1, 0)]);
		let stranger = result(b"", 1, vec![], vec![new(1, 1)]);
		let bad_kind = result(b"", 1, vec![], vec![NewSecret { key: 1, owner_input: 0, kind: ValueKind::Int { bits: 0 } }]);
		// The id a result would create already exists: refused, whatever the submitter claims.
		let before = Secrets::<Test>::get(secret).unwrap();
		let taken = new_secret_id(task, 9);
		Secrets::<Test>::insert(taken, before.clone());
		let overwriting = result(b"", 1, vec![], vec![new(9, 0)]);
		let answers = [(11, &twice), (12, &stranger), (13, &bad_kind), (14, &overwriting)];
		for (w, r) in answers {
			assert_ok!(commit(w, task, r));
		}
		for (w, r) in answers {
			assert_noop!(reveal(w, task, r), Error::<Test>::InvalidResult);
		}
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		answer(task, &[11, 12, 13], &result(b"", 1, vec![], vec![new(2, 0)]));
		let created = Secrets::<Test>::get(new_secret_id(task, 2)).unwrap();
		assert_eq!(created.owner, identity);
		assert_eq!(Secrets::<Test>::get(secret), Some(before));
		// The owner's input goes before the quorum agrees: no secret is made for it, and the
		// completion names none.
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		assert_ok!(SecretCompute::remove_secret(RuntimeOrigin::signed(OWNER), secret));
		answer(task, &[11, 12, 13], &result(b"", 1, vec![], vec![new(3, 0)]));
		assert!(Secrets::<Test>::get(new_secret_id(task, 3)).is_none());
		let named = System::events().into_iter().find_map(|r| match r.event {
			RuntimeEvent::SecretCompute(Event::TaskCompleted { task: t, new_secrets, .. }) if t == task => Some(new_secrets),
			_ => None,
		});
		assert_eq!(named, Some(vec![]));
		assert_noop!(
			SecretCompute::register_secret(RuntimeOrigin::signed(OWNER), identity, 0, bounded(vec![Node::Always]), H256::repeat_byte(3), ValueKind::Int { bits: 129 }),
			Error::<Test>::InvalidKind
		);
	});
}

/// Issue #12: t + 1 members of the committee (so at least one honest one) find an input out of
/// its declared range; the secret is rejected (its owner named), the task fails, and no worker
/// loses anything. One member alone cannot get a secret rejected.
#[test]
fn a_bad_input_named_by_t_plus_one_members_is_rejected() {
	new_test_ext().execute_with(|| {
		let (identity, contract, secret) = setup();
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		assert_noop!(SecretCompute::abort_task(RuntimeOrigin::signed(11), task, AbortReason::BadInput(1)), Error::<Test>::InvalidResult);
		assert_ok!(SecretCompute::abort_task(RuntimeOrigin::signed(11), task, AbortReason::BadInput(0)));
		assert!(Secrets::<Test>::contains_key(secret), "one member's word is not enough");
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Pending);
		assert_ok!(SecretCompute::abort_task(RuntimeOrigin::signed(12), task, AbortReason::BadInput(0)));
		System::assert_has_event(Event::SecretRejected { secret, owner: identity }.into());
		assert!(!Secrets::<Test>::contains_key(secret));
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Failed);
		assert_noop!(submit(OWNER, contract, vec![secret], 100), Error::<Test>::UnknownSecret);
		for w in WORKERS {
			assert_eq!(staked(w), STAKE);
		}
		// Two members blaming different inputs, or one blaming and one giving up otherwise,
		// reject nothing.
		let other = register_secret(identity, H256::repeat_byte(0x42));
		assert_ok!(submit(OWNER, contract, vec![other], 10_000));
		let task = last_task();
		assert_ok!(SecretCompute::abort_task(RuntimeOrigin::signed(11), task, AbortReason::BadInput(0)));
		assert_ok!(SecretCompute::abort_task(RuntimeOrigin::signed(12), task, AbortReason::Unattributed));
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Failed);
		assert!(Secrets::<Test>::contains_key(other));
	});
}

/// Issue #13: a task a quorum completed cannot tell its slowest member from a dead one, so a
/// Timeout report afterwards is refused (the reporter pays); a task that failed at its deadline
/// can. Workers that withdrew cannot submit; free calls are refused to the poor; gas must be
/// more than zero.
#[test]
fn timeouts_only_for_failed_tasks_and_other_guards() {
	new_test_ext().execute_with(|| {
		let (identity, contract, secret) = setup();
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		answer(task, &[11, 12, 13], &result(b"r", 1, vec![], vec![]));
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Completed);
		run_to(System::block_number() + DEADLINE);
		let reporter = Balances::free_balance(STRANGER);
		assert_ok!(Workers::report(RuntimeOrigin::signed(STRANGER), task, 14, Offence::Timeout, vec![]));
		assert_eq!(Balances::free_balance(STRANGER), reporter - 50, "the slowest member of a completed task is not late");
		assert_eq!(staked(14), STAKE);

		assert_noop!(submit(OWNER, contract, vec![secret], 0), Error::<Test>::GasLimitTooLow);
		assert_noop!(SecretCompute::register_contract(RuntimeOrigin::signed(POOR), b"other code".to_vec()), Error::<Test>::BalanceTooLow);
		assert_noop!(
			SecretCompute::register_secret(RuntimeOrigin::signed(POOR), identity, 0, bounded(vec![Node::Always]), H256::repeat_byte(8), U64),
			Error::<Test>::BalanceTooLow
		);
		assert_noop!(SecretCompute::declassify(RuntimeOrigin::signed(POOR), secret), Error::<Test>::BalanceTooLow);
	});
}

/// Issue #13: a worker that withdrew its stake (so can no longer be slashed) cannot submit, nor
/// acknowledge shares.
#[test]
fn a_withdrawn_worker_cannot_submit() {
	new_test_ext().execute_with(|| {
		let (identity, contract, secret) = setup();
		// While the committee holds the secret, its members hold its shares.
		assert_eq!(pallet_workers::Workers::<Test>::get(14).unwrap().secrets, 1);
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		// Forcibly gone (as a worker that left before the rules did): its result is refused.
		pallet_workers::Workers::<Test>::remove(14);
		assert_noop!(commit(14, task, &result(b"r", 1, vec![], vec![])), Error::<Test>::NotRegistered);
		assert_noop!(SecretCompute::abort_task(RuntimeOrigin::signed(14), task, AbortReason::Unattributed), Error::<Test>::NotRegistered);
		// Nor acknowledge a share: there is no stake left to count it against (it could later
		// clear the count of shares it holds as a worker again).
		assert_ok!(SecretCompute::register_secret(RuntimeOrigin::signed(OWNER), identity, 0, bounded(vec![Node::Always]), H256::repeat_byte(0x44), U64));
		let fresh = H256(sp_io::hashing::blake2_256(&codec::Encode::encode(&(identity, 0u32, H256::repeat_byte(0x44)))));
		assert_noop!(SecretCompute::ack_secret(RuntimeOrigin::signed(14), fresh), Error::<Test>::NotRegistered);
		assert_noop!(SecretCompute::ack_secrets(RuntimeOrigin::signed(14), bounded(vec![fresh])), Error::<Test>::NotRegistered);
	});
}

/// The owner removes a secret: members are free of it (they can leave again).
#[test]
fn removing_a_secret_frees_its_committee() {
	new_test_ext().execute_with(|| {
		let (_, _, secret) = setup();
		assert_eq!(pallet_workers::Workers::<Test>::get(11).unwrap().secrets, 1);
		assert_noop!(SecretCompute::remove_secret(RuntimeOrigin::signed(STRANGER), secret), Error::<Test>::NoPermission);
		assert_ok!(SecretCompute::remove_secret(RuntimeOrigin::signed(OWNER), secret));
		System::assert_last_event(Event::SecretRemoved { secret }.into());
		assert!(!Secrets::<Test>::contains_key(secret));
		assert_eq!(pallet_workers::Workers::<Test>::get(11).unwrap().secrets, 0);
		assert_ok!(Workers::unbond(RuntimeOrigin::signed(11)));
	});
}

/// Issue #13: a 2-of-3 Compute grant can pass on chain: another member co-signs the very task
/// (its content hash and its requester) and the requester submits it. Attacks on the consent:
/// another member of the grant cannot use it for the same task, the requester cannot use it
/// twice, and a later co-signature does not keep an earlier one alive.
#[test]
fn a_k_of_n_compute_grant_passes_with_a_cosigned_task() {
	new_test_ext().execute_with(|| {
		let (_, contract, _) = setup();
		let (a, b, c) = (OWNER, STRANGER, 4u64);
		let two_of_three = Grant {
			permissions: bounded(vec![Permission::Compute, Permission::Declassify]),
			predicate: bounded(vec![Node::Threshold { k: 2, keys: bounded(vec![a, b, c]) }]),
		};
		let store = Grant { permissions: bounded(vec![Permission::Store]), predicate: bounded(vec![Node::Always]) };
		assert_ok!(SharedIdentity::create(
			RuntimeOrigin::signed(a),
			bounded(vec![(a, bounded(vec![two_of_three.clone(), store])), (b, bounded(vec![])), (c, bounded(vec![two_of_three]))])
		));
		let _ = <Balances as frame_support::traits::fungible::Mutate<u64>>::set_balance(&c, 1_000_000_000);
		let identity = pallet_shared_identity::Pallet::<Test>::address_of([a, b, c].iter());
		let proposal = pallet_shared_identity::Pallet::<Test>::proposal_hash(&pallet_shared_identity::Identities::<Test>::get(identity).unwrap());
		for m in [b, c] {
			assert_ok!(SharedIdentity::approve(RuntimeOrigin::signed(m), identity, proposal));
		}
		let secret = register_secret(identity, H256::repeat_byte(0x31));
		assert_noop!(submit(a, contract, vec![secret], 10_000), Error::<Test>::NoPermission);
		let request = SecretCompute::task_request(&a, contract, b"survey", &[secret], &[]);
		assert_ok!(SharedIdentity::cosign(RuntimeOrigin::signed(b), identity, request));
		// b consented to a's task: c, also in the grant, cannot run the same task with it.
		assert_noop!(submit(c, contract, vec![secret], 10_000), Error::<Test>::NoPermission);
		assert_ok!(submit(a, contract, vec![secret], 10_000));
		// Used up: the same task again needs new consent.
		assert_noop!(submit(a, contract, vec![secret], 10_000), Error::<Test>::NoPermission);
		// The co-signature covers that task only.
		let other = SecretCompute::task_request(&a, contract, b"other", &[secret], &[]);
		assert_ne!(request, other);

		// Declassification likewise: consent to a's request is not c's.
		let declassify = SecretCompute::declassify_request(&a, secret);
		assert_ok!(SharedIdentity::cosign(RuntimeOrigin::signed(b), identity, declassify));
		assert_noop!(SecretCompute::declassify(RuntimeOrigin::signed(c), secret), Error::<Test>::NoPermission);
		assert_ok!(SecretCompute::declassify(RuntimeOrigin::signed(a), secret));
		assert_noop!(SecretCompute::declassify(RuntimeOrigin::signed(a), secret), Error::<Test>::NoPermission);

		// b co-signs a task of c's; a co-signs it nine blocks later (the lifetime is ten). At the
		// tenth block b's consent has lapsed and a's does not keep it alive: c alone is refused.
		let late = SecretCompute::task_request(&c, contract, b"survey", &[secret], &[]);
		let start = System::block_number();
		assert_ok!(SharedIdentity::cosign(RuntimeOrigin::signed(b), identity, late));
		run_to(start + 9);
		assert_ok!(SharedIdentity::cosign(RuntimeOrigin::signed(a), identity, late));
		run_to(start + 10);
		assert_noop!(submit(c, contract, vec![secret], 10_000), Error::<Test>::NoPermission);
		// Consent given after the lapse starts afresh, and counts.
		assert_ok!(SharedIdentity::cosign(RuntimeOrigin::signed(a), identity, late));
		assert_ok!(submit(c, contract, vec![secret], 10_000));
	});
}

/// Issue #13: every record a user makes holds a deposit from it, released when the record goes:
/// a contract (removable by its deployer once no task of it is pending), a secret (removable by
/// its owner), a task (pruned `TaskRetention` blocks after its deadline, result and submissions
/// with it). A rejected secret's deposit goes to the members that named it. Assignments are an
/// index, not a scan.
#[test]
fn records_hold_deposits_until_they_go() {
	new_test_ext().execute_with(|| {
		let held = |who| Balances::balance_on_hold(&HoldReason::StateDeposit.into(), &who);
		let (identity, contract, secret) = setup();
		// The contract and the secret of `setup`.
		assert_eq!(held(OWNER), 2 * DEPOSIT_BASE);
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		assert_eq!(held(OWNER), 2 * DEPOSIT_BASE + TASK_DEPOSIT);
		assert_eq!(SecretCompute::assignments(&11), vec![task]);
		assert_noop!(SecretCompute::remove_contract(RuntimeOrigin::signed(STRANGER), contract), Error::<Test>::NotDeployer);
		assert_noop!(SecretCompute::remove_contract(RuntimeOrigin::signed(OWNER), contract), Error::<Test>::ContractInUse);
		answer(task, &[11, 12, 13], &result(b"r", 1, vec![], vec![]));
		assert!(SecretCompute::assignments(&11).is_empty());
		let deadline = Tasks::<Test>::get(task).unwrap().deadline;
		run_to(deadline + RETENTION - 1);
		assert!(Results::<Test>::get(task).is_some(), "readable during the retention");
		run_to(deadline + RETENTION);
		System::assert_has_event(Event::TaskPruned { task }.into());
		assert!(Tasks::<Test>::get(task).is_none() && Results::<Test>::get(task).is_none());
		assert_eq!(held(OWNER), 2 * DEPOSIT_BASE);
		assert_ok!(SecretCompute::remove_contract(RuntimeOrigin::signed(OWNER), contract));
		assert_ok!(SecretCompute::remove_secret(RuntimeOrigin::signed(OWNER), secret));
		assert_eq!(held(OWNER), 0);
		// A poor registrant cannot leave a record behind unpaid.
		assert_ok!(SecretCompute::register_contract(RuntimeOrigin::signed(OWNER), CODE.to_vec()));
		let bad = register_secret(identity, H256::repeat_byte(0x44));
		assert_ok!(submit(OWNER, H256(sp_io::hashing::blake2_256(CODE)), vec![bad], 10_000));
		let task = last_task();
		let before = Balances::free_balance(11);
		for w in [11, 12] {
			assert_ok!(SecretCompute::abort_task(RuntimeOrigin::signed(w), task, AbortReason::BadInput(0)));
		}
		// The rejected secret's deposit went to the two members that named it (7 / 2 = 3 each).
		assert_eq!(Balances::free_balance(11), before + DEPOSIT_BASE / 2);
	});
}

/// Issue #14: a member that signed a frame no honest member sends is slashed on that proof alone,
/// in favour of the others; a proof that does not hold (a well-formed frame, another signer,
/// another recipient or run) costs the reporter.
#[test]
fn a_signed_malformed_frame_proves_misbehaviour() {
	use crate::MisbehaviourProof;
	use codec::{Decode, Encode};
	use sp_core::{ed25519, Pair};
	new_test_ext().execute_with(|| {
		let (_, contract, secret) = setup();
		// Members with real libp2p (ed25519) peer ids.
		let keys: Vec<ed25519::Pair> = (0..4u8).map(|i| ed25519::Pair::from_seed(&[i + 1; 32])).collect();
		let peer_id = |k: &ed25519::Pair| {
			let mut id = vec![0x00, 0x24, 0x08, 0x01, 0x12, 0x20];
			id.extend(k.public().0);
			id
		};
		for (w, k) in WORKERS.iter().zip(&keys) {
			pallet_workers::Workers::<Test>::mutate(w, |r| r.as_mut().unwrap().peer_id = frame_support::BoundedVec::truncate_from(peer_id(k)));
		}
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		let members = pallet_workers::Committees::<Test>::get(0).unwrap().into_inner();
		let index = |w: u64| members.iter().position(|m| *m == w).unwrap();
		let key_of = |w: u64| &keys[WORKERS.iter().position(|x| *x == w).unwrap()];
		let frame = |signer: u64, to: u64, payload: Vec<u8>, running: Option<Vec<u32>>| {
			let session = crate::run_session(task, running.as_deref());
			let digest = enigma_primitives::mpc_frame_digest(&session, 3, &peer_id(key_of(to)), &payload);
			MisbehaviourProof::MalformedFrame { running, recipient: index(to) as u32, seq: 3, payload, signature: key_of(signer).sign(&digest).0 }
				.encode()
		};
		let report = |offender: u64, proof: Vec<u8>| Workers::report(RuntimeOrigin::signed(STRANGER), task, offender, Offence::Misbehaviour, proof);
		let reporter = Balances::free_balance(STRANGER);
		// Not proofs: a whole-word frame; one signed by another member; one "to" the signer itself.
		assert_ok!(report(13, frame(13, 11, vec![0; 8 + 32], None)));
		assert_ok!(report(13, frame(12, 11, vec![0; 8 + 31], None)));
		assert_ok!(report(13, frame(13, 13, vec![0; 8 + 31], None)));
		assert_ok!(report(13, vec![1, 2, 3]));
		// A frame of the rerun without 14 shown as one of the first run (another session).
		let running: Vec<u32> = [11, 12, 13].iter().map(|w| index(*w) as u32).collect();
		let mut replayed = MisbehaviourProof::decode(&mut &frame(13, 11, vec![0; 8 + 31], Some(running.clone()))[..]).unwrap();
		let MisbehaviourProof::MalformedFrame { running: claimed, .. } = &mut replayed;
		*claimed = None;
		assert_ok!(report(13, replayed.encode()));
		assert_eq!(Balances::free_balance(STRANGER), reporter - 5 * 50);
		assert_eq!(staked(13), STAKE);
		// The proof: a truncated frame 13 signed for 11 in the rerun without 14.
		assert_ok!(report(13, frame(13, 11, vec![0; 8 + 31], Some(running))));
		System::assert_has_event(pallet_workers::Event::Slashed { task, worker: 13, offence: Offence::Misbehaviour, amount: 1_000 }.into());
		assert_eq!(staked(13), STAKE - 1_000);
		for honest in [11, 12, 14] {
			assert_eq!(staked(honest), STAKE);
		}
	});
}

/// Issue #14: a member that did not compute cannot be paid for a copied result. Results stay
/// hidden until commitments close: a copied commitment does not open for the copier (its account
/// is inside), and once reveals show the result nobody can commit any more. The late member says
/// so (`TooLate`) and is neither paid nor slashed; one that committed and then did not reveal,
/// although reveals were open long enough before the deadline, is slashed.
#[test]
fn a_member_cannot_copy_a_result_it_did_not_compute() {
	new_test_ext().execute_with(|| {
		let (_, contract, secret) = setup();
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		let good = result(b"avg=63600", 900, vec![], vec![]);
		for w in [11, 12, 13] {
			assert_ok!(commit(w, task, &good));
		}
		// A quorum committed: reveals open `REVEAL_DELAY` blocks later, so the slower can commit.
		let from = System::block_number() + REVEAL_DELAY;
		assert_eq!(RevealFrom::<Test>::get(task), Some(from));
		assert_noop!(reveal(11, task, &good), Error::<Test>::RevealNotOpen);
		// The lazy 14 copies 11's commitment (it is on chain) while commitments are open...
		let copied = crate::Commitments::<Test>::get(task, 11).unwrap();
		assert_ok!(SecretCompute::commit_result(RuntimeOrigin::signed(14), task, copied));
		run_to(from);
		assert_ok!(reveal(11, task, &good));
		// ...and cannot open it, not even with 11's salt, which 11's reveal made public.
		assert_noop!(SecretCompute::submit_result(RuntimeOrigin::signed(14), task, good.clone(), bounded(vec![]), salt(11)), Error::<Test>::CommitmentMismatch);
		assert_noop!(reveal(14, task, &good), Error::<Test>::CommitmentMismatch);
		let free14 = Balances::free_balance(14);
		assert_ok!(reveal(12, task, &good));
		assert_ok!(reveal(13, task, &good));
		// A quorum agrees; 14 committed and has not revealed, so the task waits for it until
		// the reveal window ends.
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Pending);
		run_to(from + REVEAL_WINDOW);
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Completed);
		for w in [11, 12, 13] {
			assert_eq!(Balances::free_balance(w), 100_000 - STAKE + 300);
		}
		assert_eq!((Balances::free_balance(14), staked(14)), (free14, STAKE), "the copier is not paid");

		// 14 now waits for a reveal to learn the result: by then commitments are closed.
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		for w in [11, 12, 13] {
			assert_ok!(commit(w, task, &good));
		}
		run_to(RevealFrom::<Test>::get(task).unwrap());
		assert_ok!(reveal(11, task, &good));
		assert_noop!(commit(14, task, &good), Error::<Test>::CommitmentsClosed);
		assert_noop!(reveal(14, task, &good), Error::<Test>::NotCommitted);
		assert_ok!(SecretCompute::abort_task(RuntimeOrigin::signed(14), task, AbortReason::TooLate));
		// 13 committed and could reveal for `REVEAL_DELAY` blocks before the deadline, but does not.
		assert_ok!(reveal(12, task, &good));
		run_to(Tasks::<Test>::get(task).unwrap().deadline);
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Failed);
		assert_eq!((staked(11), staked(12), staked(14)), (STAKE, STAKE, STAKE));
		assert_eq!(staked(13), STAKE - 1_000);
		System::assert_has_event(pallet_workers::Event::Slashed { task, worker: 13, offence: Offence::Timeout, amount: 1_000 }.into());
	});
}

/// A member that completed another run of the task than the quorum's (its first run completed
/// while the others' failed and they ran without each member) reveals the same outcome with
/// another transcript: it is not paid, and not slashed as a dissenter.
#[test]
fn the_same_outcome_from_another_run_is_neither_paid_nor_slashed() {
	new_test_ext().execute_with(|| {
		let (_, contract, secret) = setup();
		// 14 completed the first run; the others, whose first run a liar made fail, completed a
		// rerun without it: the same outputs with another transcript.
		let rerun = result(b"avg=63600", 900, vec![], vec![]);
		let first_run = ResultT { transcript_root: H256::repeat_byte(8), ..rerun.clone() };
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		for w in [11, 12, 13] {
			assert_ok!(commit(w, task, &rerun));
		}
		assert_ok!(commit(14, task, &first_run));
		run_to(RevealFrom::<Test>::get(task).unwrap());
		assert_ok!(reveal(14, task, &first_run));
		for w in [11, 12, 13] {
			assert_ok!(reveal(w, task, &rerun));
		}
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Completed);
		for w in [11, 12, 13] {
			assert_eq!(Balances::free_balance(w), 100_000 - STAKE + 300, "{w} is paid a third of the gas");
		}
		assert_eq!((Balances::free_balance(14), staked(14)), (100_000 - STAKE, STAKE), "14: not paid, not slashed");
		assert!(!System::events().iter().any(|r| matches!(r.event, RuntimeEvent::Workers(pallet_workers::Event::Slashed { .. }))));
		// Nothing is left to call it a dissent: a report of it costs the reporter.
		let stranger = Balances::free_balance(STRANGER);
		assert_ok!(Workers::report(RuntimeOrigin::signed(STRANGER), task, 14, Offence::ResultMismatch, vec![]));
		assert_eq!(Balances::free_balance(STRANGER), stranger - 50);
		assert_eq!(staked(14), STAKE);

		// Other outputs are a dissent, whatever the transcript.
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		let wrong = ResultT { outputs: bounded(b"avg=1".to_vec()), ..first_run };
		for w in [11, 12, 13] {
			assert_ok!(commit(w, task, &rerun));
		}
		assert_ok!(commit(14, task, &wrong));
		run_to(RevealFrom::<Test>::get(task).unwrap());
		assert_ok!(reveal(14, task, &wrong));
		for w in [11, 12, 13] {
			assert_ok!(reveal(w, task, &rerun));
		}
		System::assert_has_event(pallet_workers::Event::Slashed { task, worker: 14, offence: Offence::ResultMismatch, amount: 1_000 }.into());
	});
}

/// After a run with everyone failed, a liar (14) that lets the reruns it sits in complete for
/// some members and not others can no longer split the honest members' votes: each votes for
/// every run it completed, and the run without the liar has all three votes. Under the old
/// count (one vote per member, for its own result) the three honest members picked three runs
/// and the task failed.
#[test]
fn a_liar_cannot_split_the_honest_votes_among_runs() {
	new_test_ext().execute_with(|| {
		let (_, contract, secret) = setup();
		let outcome = result(b"avg=63600", 900, vec![], vec![]);
		let run = |root: u8| ResultT { transcript_root: H256::repeat_byte(root), ..outcome.clone() };
		// The runs without 14 (A, honest), without 12 (B) and without 11 (C).
		let (a, b, c) = (run(0xA), run(0xB), run(0xC));
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		let votes: [(u64, &ResultT, Vec<H256>); 4] = [
			(11, &b, vec![a.transcript_root]),
			(12, &c, vec![a.transcript_root]),
			(13, &a, vec![]),
			(14, &b, vec![c.transcript_root]),
		];
		for (w, result, others) in &votes {
			assert_ok!(commit_runs(*w, task, result, others));
		}
		run_to(RevealFrom::<Test>::get(task).unwrap());
		// A member reveals exactly the runs it committed to.
		assert_noop!(reveal_runs(11, task, &b, &[]), Error::<Test>::CommitmentMismatch);
		for (w, result, others) in &votes {
			assert_ok!(reveal_runs(*w, task, result, others));
		}
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Completed);
		assert_eq!(Results::<Test>::get(task).unwrap().transcript_root, a.transcript_root, "the run every honest member completed");
		for w in [11, 12, 13] {
			assert_eq!(Balances::free_balance(w), 100_000 - STAKE + 300, "{w} voted for the agreed run and is paid a third");
		}
		assert_eq!((Balances::free_balance(14), staked(14)), (100_000 - STAKE, STAKE), "14: not in the agreed run, not paid, not slashed");
		assert!(!System::events().iter().any(|r| matches!(r.event, RuntimeEvent::Workers(pallet_workers::Event::Slashed { .. }))));
	});
}

/// When every run without one member completes, each run has the votes of its three members:
/// the tie goes to the run most members kept (listed first), whatever order the block author
/// includes the reveals in. Members 11-13 keep the run without 14, and 14 the run without 13.
#[test]
fn the_agreed_run_does_not_depend_on_the_reveal_order() {
	new_test_ext().execute_with(|| {
		let (_, contract, secret) = setup();
		let outcome = result(b"avg=63600", 900, vec![], vec![]);
		// The run without member `k`, by its transcript root.
		let without = |k: u8| H256::repeat_byte(k);
		let runs_of = |w: u64| -> Vec<H256> { [14u8, 13, 12, 11].into_iter().filter(|k| u64::from(*k) != w).map(without).collect() };
		for order in [[11u64, 12, 13, 14], [14, 13, 12, 11]] {
			assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
			let task = last_task();
			let before: Vec<u64> = [11, 12, 13, 14].iter().map(|w| Balances::free_balance(w)).collect();
			for w in order {
				let runs = runs_of(w);
				let kept = ResultT { transcript_root: runs[0], ..outcome.clone() };
				assert_ok!(commit_runs(w, task, &kept, &runs[1..]));
			}
			run_to(RevealFrom::<Test>::get(task).unwrap());
			for w in order {
				let runs = runs_of(w);
				let kept = ResultT { transcript_root: runs[0], ..outcome.clone() };
				assert_ok!(reveal_runs(w, task, &kept, &runs[1..]));
			}
			assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Completed);
			assert_eq!(Results::<Test>::get(task).unwrap().transcript_root, without(14), "reveal order {order:?}");
			let gained: Vec<u64> = [11, 12, 13, 14].iter().zip(&before).map(|(w, b)| Balances::free_balance(w) - b).collect();
			assert_eq!(gained, vec![300, 300, 300, 0], "reveal order {order:?}");
		}
	});
}

/// Governance changes a price while a task runs: the task keeps the prices it was created at,
/// which its members price its circuit at, so members that read them before and after the
/// change still agree on its gas. A task created after the change has the new prices.
#[test]
fn a_task_keeps_the_prices_it_was_created_at() {
	new_test_ext().execute_with(|| {
		let (_, contract, secret) = setup();
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		assert_eq!(Tasks::<Test>::get(task).unwrap().prices.mul, 100);
		GasPriceMul::set(&250);
		assert_eq!(SecretCompute::price_table().mul, 250);
		assert_eq!(Tasks::<Test>::get(task).unwrap().prices, PriceTable { mul: 100, ..SecretCompute::price_table() });
		System::set_block_number(System::block_number() + 1);
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		assert_eq!(Tasks::<Test>::get(last_task()).unwrap().prices, SecretCompute::price_table());
	});
}

/// Issue #14: a member that sat a run out (it stalled the run with everyone, say) cannot vote
/// for that run with the root a colluder inside handed it, and be paid with the members that
/// ran it. A vote names who ran the run and must list the voter; a run claimed with the voter
/// added is another run, which the members that ran it do not vote for.
#[test]
fn a_member_is_not_paid_for_a_run_it_sat_out() {
	new_test_ext().execute_with(|| {
		let (_, contract, secret) = setup();
		let outcome = result(b"avg=63600", 900, vec![], vec![]);
		for task_no in 0..2 {
			assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
			let task = last_task();
			// The run without 14, which 11, 12 and 13 ran; the same run claimed with 14 in it.
			let ran = Run { root: outcome.transcript_root, running: ran_by(task, &[11, 12, 13]) };
			let claim = if task_no == 0 { ran } else { Run { running: ran_by(task, &WORKERS), ..ran } };
			let before: Vec<u64> = WORKERS.iter().map(|w| Balances::free_balance(w)).collect();
			for w in [11, 12, 13] {
				assert_ok!(commit_to(w, task, &outcome, &[ran]));
			}
			assert_ok!(commit_to(14, task, &outcome, &[claim]));
			run_to(RevealFrom::<Test>::get(task).unwrap());
			if task_no == 0 {
				assert_noop!(reveal_to(14, task, &outcome, &[ran]), Error::<Test>::NotInRun);
			} else {
				assert_ok!(reveal_to(14, task, &outcome, &[claim]));
			}
			for w in [11, 12, 13] {
				assert_ok!(reveal_to(w, task, &outcome, &[ran]));
			}
			// The reveal window ends (14's refused reveal is waited for until then).
			run_to(System::block_number() + REVEAL_WINDOW);
			assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Completed);
			let gained: Vec<u64> = WORKERS.iter().zip(&before).map(|(w, b)| Balances::free_balance(w) - b).collect();
			assert_eq!(gained, vec![300, 300, 300, 0], "only the members that ran it are paid ({claim:?})");
			assert_eq!(staked(14), STAKE, "14 revealed the agreed outcome: not slashed");
		}
		// A run must list only members the committee has, and the first must be the result's.
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		let ran = Run { root: outcome.transcript_root, running: ran_by(task, &WORKERS) };
		let beyond = Run { running: ran.running | 1 << 4, ..ran };
		let another = Run { root: H256::repeat_byte(0xEE), ..ran };
		assert_ok!(commit_to(11, task, &outcome, &[beyond]));
		assert_ok!(commit_to(12, task, &outcome, &[another, ran]));
		assert_ok!(commit_to(13, task, &outcome, &[ran]));
		run_to(RevealFrom::<Test>::get(task).unwrap());
		assert_noop!(reveal_to(11, task, &outcome, &[beyond]), Error::<Test>::NotInRun);
		assert_noop!(reveal_to(12, task, &outcome, &[another, ran]), Error::<Test>::NotInRun);
	});
}

/// A member votes for each run once, and for no more runs than the committee has members.
#[test]
fn repeated_or_too_many_runs_are_refused() {
	new_test_ext().execute_with(|| {
		let (_, contract, secret) = setup();
		let good = result(b"avg=63600", 900, vec![], vec![]);
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		let twice = vec![H256::repeat_byte(1), H256::repeat_byte(1)];
		let own = vec![good.transcript_root];
		let five: Vec<H256> = (1..=4).map(H256::repeat_byte).collect();
		assert_ok!(commit_runs(11, task, &good, &twice));
		assert_ok!(commit_runs(12, task, &good, &own));
		assert_ok!(commit_runs(13, task, &good, &five));
		assert_ok!(commit(14, task, &good));
		run_to(RevealFrom::<Test>::get(task).unwrap());
		assert_noop!(reveal_runs(11, task, &good, &twice), Error::<Test>::InvalidResult);
		assert_noop!(reveal_runs(12, task, &good, &own), Error::<Test>::InvalidResult);
		assert_noop!(reveal_runs(13, task, &good, &five), Error::<Test>::InvalidResult);
		assert_ok!(reveal(14, task, &good));
	});
}

/// A quorum of identical reveals does not end the task while members that committed have yet to
/// reveal: they have until the end of the reveal window, so every honest reveal is paid and a
/// block author cannot choose whose is (by including three reveals and holding back the fourth).
/// With everyone revealed the task completes at once; a member that never reveals delays it
/// only to the window's end, and a window cut short by the deadline still completes the task.
#[test]
fn every_member_that_reveals_the_agreed_result_in_its_window_is_paid() {
	new_test_ext().execute_with(|| {
		let (_, contract, secret) = setup();
		let good = result(b"avg=63600", 900, vec![], vec![]);
		// All four commit; three reveals make a quorum, the fourth comes a block later.
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		for w in [11, 12, 13, 14] {
			assert_ok!(commit(w, task, &good));
		}
		let from = RevealFrom::<Test>::get(task).unwrap();
		run_to(from);
		for w in [11, 12, 13] {
			assert_ok!(reveal(w, task, &good));
		}
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Pending, "14 may still reveal");
		assert_eq!(crate::Settles::<Test>::get(from + REVEAL_WINDOW).to_vec(), vec![task]);
		run_to(from + 1);
		assert_ok!(reveal(14, task, &good));
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Completed, "the last reveal completes it");
		for w in [11, 12, 13, 14] {
			assert_eq!(Balances::free_balance(w), 100_000 - STAKE + 225, "{w} is paid a quarter of the gas");
		}
		// The settlement finds the task done and leaves it so.
		run_to(from + REVEAL_WINDOW);
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Completed);

		// 14 commits and never reveals: the quorum completes the task when the window ends.
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		for w in [11, 12, 13, 14] {
			assert_ok!(commit(w, task, &good));
		}
		let from = RevealFrom::<Test>::get(task).unwrap();
		run_to(from);
		for w in [11, 12, 13] {
			assert_ok!(reveal(w, task, &good));
		}
		run_to(from + REVEAL_WINDOW - 1);
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Pending);
		run_to(from + REVEAL_WINDOW);
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Completed);
		for w in [11, 12, 13] {
			assert_eq!(Balances::free_balance(w), 100_000 - STAKE + 225 + 300);
		}
		assert_eq!((Balances::free_balance(14), staked(14)), (100_000 - STAKE + 225, STAKE), "14: not paid, not slashed");

		// Reveals open one block before the deadline: the window ends at the deadline, and the
		// task completes there rather than failing.
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		let deadline = Tasks::<Test>::get(task).unwrap().deadline;
		run_to(deadline - 1);
		for w in [11, 12, 13, 14] {
			assert_ok!(commit(w, task, &good));
		}
		for w in [11, 12, 13] {
			assert_ok!(reveal(w, task, &good));
		}
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Pending);
		assert_eq!(crate::Settles::<Test>::get(deadline).to_vec(), vec![task], "the window ends at the deadline");
		run_to(deadline);
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Completed);
		assert_eq!((staked(11), staked(12), staked(13)), (STAKE, STAKE, STAKE));
	});
}

/// A quorum the schedule could not take (its block ends as many tasks as a block may, by
/// settlement or deadline) is not lost: the deadline completes the task and pays the agreeing
/// members instead of failing it and slashing the member that had yet to reveal.
#[test]
fn a_quorum_left_unscheduled_is_completed_at_the_deadline() {
	for settlements in [4u8, 1] {
		new_test_ext().execute_with(|| quorum_left_unscheduled(settlements));
	}
}

fn quorum_left_unscheduled(settlements: u8) {
	{
		let (_, contract, secret) = setup();
		let good = result(b"r", 900, vec![], vec![]);
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		for w in [11, 12, 13, 14] {
			assert_ok!(commit(w, task, &good));
		}
		let from = RevealFrom::<Test>::get(task).unwrap();
		// The block's four (`MaxTasksPerBlock`) ends: settlements, and deadlines for the rest.
		let ends: Vec<H256> = (0..4u8).map(|i| H256::repeat_byte(0xe0 + i)).collect();
		let (settled, due) = ends.split_at(settlements as usize);
		crate::Settles::<Test>::insert(from + REVEAL_WINDOW, BoundedVec::try_from(settled.to_vec()).unwrap());
		crate::Deadlines::<Test>::insert(from + REVEAL_WINDOW, BoundedVec::try_from(due.to_vec()).unwrap());
		run_to(from);
		for w in [11, 12, 13] {
			assert_ok!(reveal(w, task, &good));
		}
		run_to(from + REVEAL_WINDOW);
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Pending, "not scheduled: waits");
		run_to(Tasks::<Test>::get(task).unwrap().deadline);
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Completed);
		for w in [11, 12, 13] {
			assert_eq!(Balances::free_balance(w), 100_000 - STAKE + 300);
		}
		assert_eq!(staked(14), STAKE, "completed, not expired: nobody is slashed");
	}
}

/// A deadline goes to the first block in which fewer than `MaxTasksPerBlock` tasks end, counting
/// the settlements scheduled there: a block's hook completes at most that many tasks.
#[test]
fn settlements_and_deadlines_share_a_block() {
	new_test_ext().execute_with(|| {
		let (_, contract, secret) = setup();
		let due = System::block_number() + DEADLINE;
		let ends: Vec<H256> = (0..3u8).map(|i| H256::repeat_byte(0xe0 + i)).collect();
		crate::Settles::<Test>::insert(due, BoundedVec::try_from(ends[..2].to_vec()).unwrap());
		crate::Deadlines::<Test>::insert(due, BoundedVec::try_from(ends[2..].to_vec()).unwrap());
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		assert_eq!(Tasks::<Test>::get(last_task()).unwrap().deadline, due, "three of four: room for one");
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		assert_eq!(Tasks::<Test>::get(last_task()).unwrap().deadline, due + 1, "two settlements and two deadlines fill it");
	});
}

/// A member that committed is late only if it had `RevealWindow` blocks to reveal before the
/// deadline: commitments that reach a quorum just before the deadline leave nobody late but the
/// silent. The worker is told to reveal a block early (`reveal_due`), which is safe: a
/// commitment sent after seeing that reveal lands where commitments are closed.
#[test]
fn a_member_that_could_not_reveal_in_time_is_not_late() {
	new_test_ext().execute_with(|| {
		let (_, contract, secret) = setup();
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		let deadline = Tasks::<Test>::get(task).unwrap().deadline;
		run_to(deadline - 2);
		let good = result(b"r", 1, vec![], vec![]);
		for w in [11, 12, 13] {
			assert_ok!(commit(w, task, &good));
		}
		let from = RevealFrom::<Test>::get(task).unwrap();
		assert_eq!(from, deadline, "a quorum at deadline - 2 opens reveals at the deadline");
		assert!(!SecretCompute::reveal_due(&task) && SecretCompute::commitments_open(&task));
		run_to(from - 1);
		assert!(SecretCompute::reveal_due(&task) && SecretCompute::commitments_open(&task), "due one block before they open");
		run_to(deadline);
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Failed);
		assert_eq!((staked(11), staked(12), staked(13)), (STAKE, STAKE, STAKE), "no reveal window: not late");
		assert_eq!(staked(14), STAKE - 1_000, "the silent member is");
	});
}

/// Issue #17: many secrets in one registration and one acknowledgement per member, all or none
/// for the owner, and a member's batch not lost to a secret removed meanwhile; nobody
/// acknowledges for a committee it is not in.
#[test]
fn secrets_are_registered_and_acknowledged_in_batches() {
	new_test_ext().execute_with(|| {
		let held = |who| Balances::balance_on_hold(&HoldReason::StateDeposit.into(), &who);
		let (identity, _, _) = setup();
		let id = |c: u8| H256(sp_io::hashing::blake2_256(&codec::Encode::encode(&(identity, 0u32, H256::repeat_byte(c)))));
		let batch = |cs: &[u8]| bounded(cs.iter().map(|c| (H256::repeat_byte(*c), U64)).collect());
		let register = |who, cs: &[u8]| SecretCompute::register_secrets(RuntimeOrigin::signed(who), identity, 0, bounded(vec![Node::Always]), batch(cs), Security::HonestMajority);
		assert_noop!(register(OWNER, &[]), Error::<Test>::EmptyBatch);
		assert_noop!(register(STRANGER, &[0x20]), Error::<Test>::NoPermission);
		// One value already registered, or twice in the batch: nothing of the batch is.
		assert_noop!(register(OWNER, &[0x20, 1]), Error::<Test>::SecretExists);
		assert_noop!(register(OWNER, &[0x20, 0x21, 0x20]), Error::<Test>::SecretExists);
		let bad_kind = bounded(vec![(H256::repeat_byte(0x20), U64), (H256::repeat_byte(0x21), ValueKind::Int { bits: 0 })]);
		assert_noop!(
			SecretCompute::register_secrets(RuntimeOrigin::signed(OWNER), identity, 0, bounded(vec![Node::Always]), bad_kind, Security::HonestMajority),
			Error::<Test>::InvalidKind
		);
		let before = held(OWNER);
		assert_ok!(register(OWNER, &[0x20, 0x21, 0x22]));
		assert_eq!(held(OWNER), before + 3 * DEPOSIT_BASE, "a deposit per record");
		for c in [0x20, 0x21, 0x22] {
			System::assert_has_event(Event::SecretRegistered { secret: id(c), owner: identity, committee: 0 }.into());
		}
		assert_eq!(pallet_workers::Workers::<Test>::get(11).unwrap().secrets, 1, "the setup's secret: the batch counts once acknowledged");
		let committee_count = || pallet_workers::CommitteeInfo::<Test>::get(0).unwrap().secrets;
		assert_eq!(committee_count(), 1);

		// The owner removes one before the members acknowledge: their batches still count.
		assert_ok!(SecretCompute::remove_secret(RuntimeOrigin::signed(OWNER), id(0x22)));
		let acks = bounded(vec![id(0x20), id(0x21), id(0x22), H256::repeat_byte(0x99)]);
		assert_noop!(SecretCompute::ack_secrets(RuntimeOrigin::signed(STRANGER), acks.clone()), Error::<Test>::NotRegistered);
		for w in &WORKERS[..3] {
			// A batch with entries that were not the member's to acknowledge pays its fee.
			assert_eq!(SecretCompute::ack_secrets(RuntimeOrigin::signed(*w), acks.clone()).unwrap().pays_fee, Pays::Yes);
			System::assert_last_event(Event::SecretsAcknowledged { worker: *w, count: 2 }.into());
		}
		assert_noop!(SecretCompute::ack_secrets(RuntimeOrigin::signed(11), acks.clone()), Error::<Test>::NothingToAcknowledge);
		assert!(!Secrets::<Test>::get(id(0x20)).unwrap().ready);
		// Each member counts the shares it acknowledged; the committee, its ready secrets.
		assert_eq!(pallet_workers::Workers::<Test>::get(11).unwrap().secrets, 3);
		assert_eq!((pallet_workers::Workers::<Test>::get(14).unwrap().secrets, committee_count()), (1, 1));
		// The last member's acknowledgement of one of them, alone, then of the other.
		// An accepted acknowledgement is free.
		assert_eq!(SecretCompute::ack_secret(RuntimeOrigin::signed(14), id(0x21)).unwrap().pays_fee, Pays::No);
		assert_eq!((pallet_workers::Workers::<Test>::get(14).unwrap().secrets, committee_count()), (2, 2), "ready: counted");
		assert_eq!(SecretCompute::ack_secrets(RuntimeOrigin::signed(14), bounded(vec![id(0x20)])).unwrap().pays_fee, Pays::No);
		System::assert_has_event(Event::SecretReady { secret: id(0x20) }.into());
		System::assert_last_event(Event::SecretsAcknowledged { worker: 14, count: 1 }.into());
		assert!(Secrets::<Test>::get(id(0x20)).unwrap().ready && Secrets::<Test>::get(id(0x21)).unwrap().ready);
		assert_eq!(Secrets::<Test>::get(id(0x20)).unwrap().acks.len(), 4);
		assert_eq!((pallet_workers::Workers::<Test>::get(14).unwrap().secrets, committee_count()), (3, 3));
	});
}

/// `setup`'s committee, its secret removed, and an identity of STRANGER's own (which may store).
fn stranger_on_an_empty_committee() -> H256 {
	let (_, _, secret) = setup();
	assert_ok!(SecretCompute::remove_secret(RuntimeOrigin::signed(OWNER), secret));
	let grant = Grant { permissions: bounded(vec![Permission::Store]), predicate: bounded(vec![Node::Always]) };
	assert_ok!(SharedIdentity::create(RuntimeOrigin::signed(STRANGER), bounded(vec![(STRANGER, bounded(vec![grant]))])));
	pallet_shared_identity::Pallet::<Test>::address_of([STRANGER].iter())
}

/// A stranger registers a secret on someone else's committee and never sends the shares (or
/// sends them to all members but one): a member's stake is held only by the shares it
/// acknowledged, and the committee's requester not at all. Before, registering alone counted it
/// against every member, and nobody but its owner could remove it.
#[test]
fn a_secret_never_shared_locks_no_stake() {
	new_test_ext().execute_with(|| {
		let own = stranger_on_an_empty_committee();
		let junk = |c: u8| SecretCompute::register_secret(RuntimeOrigin::signed(STRANGER), own, 0, bounded(vec![Node::Always]), H256::repeat_byte(c), U64);
		assert_ok!(junk(0x40));
		assert_ok!(junk(0x41));
		let partly = H256(sp_io::hashing::blake2_256(&codec::Encode::encode(&(own, 0u32, H256::repeat_byte(0x41)))));
		for w in &WORKERS[..3] {
			assert_ok!(SecretCompute::ack_secret(RuntimeOrigin::signed(*w), partly));
		}
		// The committee holds no ready secret; a member counts only the shares it acknowledged
		// (its stake stays until they go).
		assert_eq!(pallet_workers::CommitteeInfo::<Test>::get(0).unwrap().secrets, 0);
		let shares = |w: u64| pallet_workers::Workers::<Test>::get(w).unwrap().secrets;
		assert_eq!((shares(11), shares(12), shares(13), shares(14)), (1, 1, 1, 0));
		// Removing an unready secret releases exactly the shares acknowledged.
		assert_ok!(SecretCompute::remove_secret(RuntimeOrigin::signed(STRANGER), partly));
		assert_eq!(pallet_workers::CommitteeInfo::<Test>::get(0).unwrap().secrets, 0);
		assert_eq!((shares(11), shares(12), shares(13)), (0, 0, 0));
		assert_ok!(Workers::unbond(RuntimeOrigin::signed(11)));
	});
}

/// A task that creates as many secrets as it may held a deposit for each: what their records say
/// they hold is what the requester has on hold once the task is pruned, and removing them
/// releases exactly that (before, four secrets claimed four deposits out of the task's one, and
/// their removal took the difference out of the holds of the requester's other records).
#[test]
fn a_tasks_new_secrets_hold_what_their_records_say() {
	new_test_ext().execute_with(|| {
		let held = || Balances::balance_on_hold(&HoldReason::StateDeposit.into(), &OWNER);
		let (_, contract, secret) = setup();
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		let made: Vec<NewSecret> = (0..4).map(|key| NewSecret { key, owner_input: 0, kind: U64 }).collect();
		answer(task, &[11, 12, 13], &result(b"r", 1, vec![], made));
		let created: Vec<H256> = (0..4).map(|key| new_secret_id(task, key)).collect();
		let recorded: u64 = created.iter().map(|id| Secrets::<Test>::get(id).unwrap().deposit).sum();
		assert_eq!(recorded, 4 * DEPOSIT_BASE, "each a record's deposit");
		let deadline = Tasks::<Test>::get(task).unwrap().deadline;
		run_to(deadline + RETENTION);
		assert!(Tasks::<Test>::get(task).is_none());
		assert_eq!(held(), 2 * DEPOSIT_BASE + recorded, "the contract, the secret and the four made");
		for id in created {
			assert_ok!(SecretCompute::remove_secret(RuntimeOrigin::signed(OWNER), id));
		}
		assert_eq!(held(), 2 * DEPOSIT_BASE, "the contract's and the secret's deposits untouched");
	});
}

/// A registrant that never completes a sharing (a member never gets its share) and never
/// removes the secret cannot keep the members that acknowledged theirs from leaving: a leaving
/// member lets go of its share, and withdraws.
#[test]
fn a_sharing_never_completed_does_not_hold_a_leaving_members_stake() {
	new_test_ext().execute_with(|| {
		let own = stranger_on_an_empty_committee();
		assert_ok!(SecretCompute::register_secret(RuntimeOrigin::signed(STRANGER), own, 0, bounded(vec![Node::Always]), H256::repeat_byte(0x41), U64));
		let partly = H256(sp_io::hashing::blake2_256(&codec::Encode::encode(&(own, 0u32, H256::repeat_byte(0x41)))));
		for w in &WORKERS[..3] {
			assert_ok!(SecretCompute::ack_secret(RuntimeOrigin::signed(*w), partly));
		}
		let shares = |w: u64| pallet_workers::Workers::<Test>::get(w).unwrap().secrets;
		assert_eq!(shares(11), 1);
		// Only a member past its unbonding period lets go (a sharing under way has that long to
		// complete), and only of a share it acknowledged.
		assert_noop!(SecretCompute::release_unready_share(RuntimeOrigin::signed(11), partly), Error::<Test>::StillUnbonding);
		assert_ok!(Workers::unbond(RuntimeOrigin::signed(11)));
		assert_ok!(Workers::unbond(RuntimeOrigin::signed(14)));
		assert_noop!(SecretCompute::release_unready_share(RuntimeOrigin::signed(11), partly), Error::<Test>::StillUnbonding);
		System::set_block_number(System::block_number() + 1_000);
		assert_noop!(SecretCompute::release_unready_share(RuntimeOrigin::signed(14), partly), Error::<Test>::NotAcknowledged);
		assert_noop!(Workers::withdraw(RuntimeOrigin::signed(11)), pallet_workers::Error::<Test>::HoldsSecrets);
		assert_ok!(SecretCompute::release_unready_share(RuntimeOrigin::signed(11), partly));
		System::assert_last_event(Event::UnreadyShareReleased { secret: partly, worker: 11 }.into());
		assert_eq!(shares(11), 0);
		assert_eq!(Secrets::<Test>::get(partly).unwrap().acks.to_vec(), vec![12, 13]);
		assert_noop!(SecretCompute::release_unready_share(RuntimeOrigin::signed(11), partly), Error::<Test>::NotAcknowledged);
		// The registrant delivers the released share again: 11 may not acknowledge it (counted
		// again, it held 11's stake again, release after release).
		assert_noop!(SecretCompute::ack_secret(RuntimeOrigin::signed(11), partly), Error::<Test>::UnbondingOver);
		assert_noop!(SecretCompute::ack_secrets(RuntimeOrigin::signed(11), bounded(vec![partly])), Error::<Test>::UnbondingOver);
		assert_ok!(Workers::withdraw(RuntimeOrigin::signed(11)));
		// The others still hold theirs; the secret can no longer become ready without 11.
		assert_eq!((shares(12), shares(13)), (1, 1));
		assert!(!Secrets::<Test>::get(partly).unwrap().ready);
	});
}

/// A ready secret is not released: a handover moves it (its members' stakes stay until then).
#[test]
fn a_ready_secret_is_not_released() {
	new_test_ext().execute_with(|| {
		let (_, _, secret) = setup();
		assert_ok!(Workers::unbond(RuntimeOrigin::signed(11)));
		System::set_block_number(System::block_number() + 1_000);
		assert_noop!(SecretCompute::release_unready_share(RuntimeOrigin::signed(11), secret), Error::<Test>::SecretIsReady);
	});
}

/// An owner whose secret cannot move (shared for a dishonest majority, or made by a task) and who
/// never removes it cannot hold a leaving member's stake for ever: once its unbonding period is
/// over, the member lets go of its share, and the secret is no longer ready (no task can use it).
/// A secret a handover can move is not released: a rotation moves it.
#[test]
fn a_secret_that_cannot_move_does_not_hold_a_leaving_members_stake() {
	new_test_ext().execute_with(|| {
		let (contract, secret, _, movable) = setup_dishonest();
		let shares = |w: u64| pallet_workers::Workers::<Test>::get(w).unwrap().secrets;
		let ready_on_committee = || pallet_workers::CommitteeInfo::<Test>::get(0).unwrap().secrets;
		assert_eq!((shares(11), ready_on_committee()), (2, 2));
		assert_noop!(SecretCompute::release_stranded_share(RuntimeOrigin::signed(11), secret), Error::<Test>::StillUnbonding);
		assert_ok!(Workers::unbond(RuntimeOrigin::signed(11)));
		assert_noop!(SecretCompute::release_stranded_share(RuntimeOrigin::signed(11), secret), Error::<Test>::StillUnbonding);
		System::set_block_number(System::block_number() + 1_000);
		assert_noop!(SecretCompute::release_stranded_share(RuntimeOrigin::signed(11), movable), Error::<Test>::SecretMovable);
		assert_noop!(SecretCompute::release_stranded_share(RuntimeOrigin::signed(11), H256::repeat_byte(9)), Error::<Test>::UnknownSecret);
		assert_ok!(SecretCompute::release_stranded_share(RuntimeOrigin::signed(11), secret));
		System::assert_last_event(Event::StrandedShareReleased { secret, worker: 11 }.into());
		assert_eq!((shares(11), shares(12), ready_on_committee()), (1, 2, 1));
		let info = Secrets::<Test>::get(secret).unwrap();
		assert!(!info.ready && !info.acks.contains(&11));
		assert_noop!(SecretCompute::release_stranded_share(RuntimeOrigin::signed(11), secret), Error::<Test>::SecretNotReady);
		assert_noop!(SecretCompute::ack_secret(RuntimeOrigin::signed(11), secret), Error::<Test>::UnbondingOver);
		assert_noop!(submit(OWNER, contract, vec![secret], 10_000), Error::<Test>::SecretNotReady);
		// Its owner removes it: the other members' shares go, the deposit comes back.
		assert_ok!(SecretCompute::remove_secret(RuntimeOrigin::signed(OWNER), secret));
		assert_eq!((shares(11), shares(12), ready_on_committee()), (1, 1, 1));
	});
}

/// A requester's junk task (here one its members give up on, and one they answer) costs the
/// members no fee: every accepted answer is free, a refused one pays.
#[test]
fn members_answer_for_free_and_refused_answers_pay() {
	new_test_ext().execute_with(|| {
		let (_, contract, secret) = setup();
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let junk = last_task();
		// Two of four give up: no quorum is possible any more, the task fails.
		for w in &WORKERS[..2] {
			let answer = SecretCompute::abort_task(RuntimeOrigin::signed(*w), junk, AbortReason::Unattributed).unwrap();
			assert_eq!(answer.pays_fee, Pays::No);
		}
		assert_eq!(Tasks::<Test>::get(junk).unwrap().status, TaskStatus::Failed);
		let refused = SecretCompute::abort_task(RuntimeOrigin::signed(13), junk, AbortReason::Unattributed).unwrap_err();
		assert_eq!((refused.error, refused.post_info.pays_fee), (Error::<Test>::TaskNotPending.into(), Pays::Yes));

		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		let r = result(b"r", 1, vec![], vec![]);
		for w in WORKERS {
			assert_eq!(commit(w, task, &r).unwrap().pays_fee, Pays::No);
		}
		assert_eq!(commit(11, task, &r).unwrap_err().post_info.pays_fee, Pays::Yes);
		for w in &WORKERS[..3] {
			assert_eq!(reveal(*w, task, &r).unwrap().pays_fee, Pays::No);
		}
	});
}

/// One account fills the list of tasks that end in a block (four in the mock): the next task is
/// not refused, its deadline is the next block with room.
#[test]
fn a_full_block_of_deadlines_delays_a_task_it_does_not_refuse_it() {
	new_test_ext().execute_with(|| {
		let (_, contract, secret) = setup();
		let due = System::block_number() + DEADLINE;
		for _ in 0..4 {
			assert_ok!(submit(OWNER, contract, vec![secret], 1_000));
			assert_eq!(Tasks::<Test>::get(last_task()).unwrap().deadline, due);
		}
		assert_ok!(submit(OWNER, contract, vec![secret], 1_000));
		let late = last_task();
		assert_eq!(Tasks::<Test>::get(late).unwrap().deadline, due + 1);
		System::assert_last_event(Event::TaskCreated { task: late, contract, committee: 0, deadline: due + 1 }.into());
		assert_eq!(crate::Prunes::<Test>::get(due + 1 + RETENTION).to_vec(), vec![late]);
		// And the deadline it got is kept: the task fails there, not before.
		run_to(due);
		assert_eq!(Tasks::<Test>::get(late).unwrap().status, TaskStatus::Pending);
		run_to(due + 1);
		assert_eq!(Tasks::<Test>::get(late).unwrap().status, TaskStatus::Failed);
	});
}

/// An owner removes a task's input and registers the same value again (the same id, not ready
/// now) before t + 1 members name it as a bad input: rejecting it releases only what it holds.
/// Before, the rejection took a secret off the counts it was never on, and counts reaching zero
/// with other secrets live would have let members leave with their shares.
#[test]
fn rejecting_a_re_registered_input_releases_only_what_it_holds() {
	new_test_ext().execute_with(|| {
		let (identity, contract, secret) = setup();
		let _live = register_secret(identity, H256::repeat_byte(0x43));
		let shares = |w: u64| pallet_workers::Workers::<Test>::get(w).unwrap().secrets;
		let committee_count = || pallet_workers::CommitteeInfo::<Test>::get(0).unwrap().secrets;
		assert_eq!((shares(11), committee_count()), (2, 2));
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		assert_ok!(SecretCompute::remove_secret(RuntimeOrigin::signed(OWNER), secret));
		assert_ok!(SecretCompute::register_secret(RuntimeOrigin::signed(OWNER), identity, 0, bounded(vec![Node::Always]), H256::repeat_byte(1), U64));
		assert!(!Secrets::<Test>::get(secret).unwrap().ready);
		assert_eq!((shares(11), committee_count()), (1, 1), "the live secret");
		for w in [11, 12] {
			assert_ok!(SecretCompute::abort_task(RuntimeOrigin::signed(w), task, AbortReason::BadInput(0)));
		}
		System::assert_has_event(Event::SecretRejected { secret, owner: identity }.into());
		assert_eq!((shares(11), shares(14), committee_count()), (1, 1, 1), "the live secret still holds them");
	});
}

/// The attacker's amplification: members answer for free, so one paid `submitTask` (or
/// registration) used to bring a committee's worth of free transactions into blocks. The
/// requester and the registrant now burn the fee of every member's answers; whoever cannot
/// pay it is refused with nothing held.
#[test]
fn the_members_free_answers_are_prepaid_by_the_requester_and_the_registrant() {
	new_test_ext().execute_with(|| {
		let (identity, contract, secret) = setup();
		FeePerMicro::set(1);
		let issuance = || Balances::total_issuance();
		let free = || Balances::free_balance(OWNER);

		// A registration: the deposit held, four acknowledgements' fee burned.
		let acks_fee = crate::Pallet::<Test>::acks_fee(4, 1);
		assert!(acks_fee > MockWeightToFee::weight_to_fee(&crate::Pallet::<Test>::ack_weight().saturating_mul(4)), "and each transaction's base weight");
		assert_eq!(crate::Pallet::<Test>::acks_fee(4, 3), 3 * acks_fee, "a batch prepays each member's acknowledgement of each secret");
		assert!(acks_fee > 0, "the mock charges the acknowledgements");
		let (before, supply) = (free(), issuance());
		assert_ok!(SecretCompute::register_secret(RuntimeOrigin::signed(OWNER), identity, 0, bounded(vec![Node::Always]), H256::repeat_byte(0x51), U64));
		assert_eq!(before - free(), DEPOSIT_BASE + acks_fee);
		assert_eq!(supply - issuance(), acks_fee, "burned, not paid to anyone");

		// A task: the gas and the deposit held, four commitments and reveals' fee burned.
		let answers_fee = crate::Pallet::<Test>::answers_fee(4);
		assert!(answers_fee > 2 * acks_fee, "a commitment and a reveal cost more than an acknowledgement");
		let (before, supply) = (free(), issuance());
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		assert_eq!(before - free(), 10_000 + TASK_DEPOSIT + answers_fee);
		assert_eq!(supply - issuance(), answers_fee);

		// Members still answer for free, and weigh what a committee of four does (the calls
		// declare the largest committee's weight), which is what was prepaid.
		let task = last_task();
		let r = result(b"r", 1, vec![], vec![]);
		let answered = commit(11, task, &r).unwrap();
		assert_eq!(answered.pays_fee, Pays::No);
		assert_eq!(answered.actual_weight, Some(crate::Pallet::<Test>::answer_weight(4)));
		assert!(crate::Pallet::<Test>::answer_weight(4).all_lt(crate::Pallet::<Test>::answer_weight(8)));
		// (Only the reveal that completes the task slashes its dissenters.)
		let reveals = crate::Pallet::<Test>::reveal_weight(4).saturating_mul(4).saturating_sub(crate::Pallet::<Test>::dissent_weight(4).saturating_mul(3));
		assert!(answers_fee > MockWeightToFee::weight_to_fee(&crate::Pallet::<Test>::answer_weight(4).saturating_mul(4).saturating_add(reveals)));
		for w in [12, 13, 14] {
			assert_ok!(commit(w, task, &r));
		}
		run_to(RevealFrom::<Test>::get(task).unwrap());
		let waiting = crate::Pallet::<Test>::reveal_weight(4).saturating_sub(crate::Pallet::<Test>::dissent_weight(4));
		for w in [11, 12, 13] {
			assert_eq!(reveal(w, task, &r).unwrap().actual_weight, Some(waiting), "a reveal that does not complete the task slashes nobody");
		}
		assert_eq!(reveal(14, task, &r).unwrap().actual_weight, Some(crate::Pallet::<Test>::reveal_weight(4)), "the last one completes it");
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Completed);

		// At a rate the requester cannot afford, nothing is held or burned.
		FeePerMicro::set(1_000_000);
		assert_noop!(submit(OWNER, contract, vec![secret], 10_000), Error::<Test>::CannotPayAnswers);
		assert_noop!(
			SecretCompute::register_secret(RuntimeOrigin::signed(OWNER), identity, 0, bounded(vec![Node::Always]), H256::repeat_byte(0x52), U64),
			Error::<Test>::CannotPayAnswers
		);
	});
}

const RICHER: &[u8] = b"// who is richer, nothing else\ncontract Richer:\n    dishonest_majority {\n    pub fn richer(a: private u64 @ 0, b: private u64 @ 1) { output(reveal(a > b)); }\n}\n";

#[test]
fn a_contracts_header_says_whom_its_privacy_holds_against() {
	use crate::contract_security as security;
	assert_eq!(security(RICHER), Security::DishonestMajority);
	assert_eq!(security(b"contract A:dishonest_majority{}"), Security::DishonestMajority);
	assert_eq!(security(b"  // a\n// b\ncontract A : dishonest_majority {"), Security::DishonestMajority);
	assert_eq!(security(CODE), Security::HonestMajority);
	assert_eq!(security(b"contract A: honest_majority {"), Security::HonestMajority);
	assert_eq!(security(b"contract A: dishonest_majority_not {"), Security::HonestMajority);
	assert_eq!(security(b"contractA: dishonest_majority {"), Security::HonestMajority);
	assert_eq!(security(b"// contract A: dishonest_majority\ncontract B {"), Security::HonestMajority);
	for cut in 0..RICHER.len() {
		let _ = security(&RICHER[..cut]); // never panics, whatever is cut off
	}
	assert_eq!(security(b"contract"), Security::HonestMajority);
	assert_eq!(security(b""), Security::HonestMajority);
}

/// A dishonest-majority contract and a secret of OWNER shared for one, on the committee of
/// [`setup`] (the secret `setup` registers is shared for an honest majority).
fn setup_dishonest() -> (H256, H256, H256, H256) {
	let (identity, honest_contract, honest_secret) = setup();
	assert_ok!(SecretCompute::register_contract(RuntimeOrigin::signed(OWNER), RICHER.to_vec()));
	let contract = H256(sp_io::hashing::blake2_256(RICHER));
	let commitment = H256::repeat_byte(0xd1);
	assert_ok!(SecretCompute::register_secrets(RuntimeOrigin::signed(OWNER), identity, 0, bounded(vec![Node::Always]), bounded(vec![(commitment, U64)]), Security::DishonestMajority));
	let secret = H256(sp_io::hashing::blake2_256(&codec::Encode::encode(&(identity, 0u32, commitment))));
	assert_ok!(SecretCompute::ack_secrets(RuntimeOrigin::signed(11), bounded(vec![secret])));
	for w in WORKERS {
		if w != 11 {
			assert_ok!(SecretCompute::ack_secret(RuntimeOrigin::signed(w), secret));
		}
	}
	assert_eq!(SecretCompute::secret_view(secret).unwrap().security, Security::DishonestMajority);
	assert_eq!(SecretCompute::secret_view(honest_secret).unwrap().security, Security::HonestMajority);
	(contract, secret, honest_contract, honest_secret)
}

#[test]
fn under_a_dishonest_majority_colluders_cannot_outvote_the_honest_member() {
	new_test_ext().execute_with(|| {
		let (contract, secret, honest_contract, honest_secret) = setup_dishonest();
		let stakes: Vec<u64> = WORKERS.iter().map(|w| staked(*w)).collect();
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		assert_eq!(SecretCompute::task_security(&task), Security::DishonestMajority);
		// 12, 13 and 14 collude: three of four are a quorum under an honest majority, so
		// they would complete the task with their result and have 11 slashed for dissent.
		let (truth, forged) = (result(b"1", 10, vec![], vec![]), result(b"0", 10, vec![], vec![]));
		assert_ok!(commit(11, task, &truth));
		for w in [12, 13, 14] {
			assert_ok!(commit(w, task, &forged));
		}
		assert_ok!(reveal(12, task, &forged));
		assert_ok!(reveal(13, task, &forged));
		assert_ok!(reveal(14, task, &forged));
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Pending, "three of four are not all of them");
		assert_ok!(reveal(11, task, &truth));
		// No result can have everyone now: the task fails, nobody is paid or slashed, and
		// nothing the colluders claimed is on record.
		System::assert_has_event(Event::TaskFailed { task }.into());
		assert!(Results::<Test>::get(task).is_none());
		assert_eq!(WORKERS.iter().map(|w| staked(*w)).collect::<Vec<_>>(), stakes);

		// When every member agrees, the task completes.
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let agreed = last_task();
		answer(agreed, &WORKERS, &truth);
		assert_eq!(Tasks::<Test>::get(agreed).unwrap().status, TaskStatus::Completed);

		// An honest-majority task keeps its majority quorum.
		assert_ok!(submit(OWNER, honest_contract, vec![honest_secret], 10_000));
		let honest = last_task();
		assert_eq!(SecretCompute::task_security(&honest), Security::HonestMajority);
		answer(honest, &[11, 12, 13], &truth);
		assert_eq!(Tasks::<Test>::get(honest).unwrap().status, TaskStatus::Completed);
	});
}

/// Issue #15: a secret a dishonest-majority task keeps (`MPC.set`) is recorded as one, so that
/// later tasks take its members' shares with their MAC and its owner gets every member's share;
/// an honest-majority task's is not.
#[test]
fn a_secret_a_dishonest_majority_task_keeps_is_recorded_as_one() {
	new_test_ext().execute_with(|| {
		let (contract, secret, honest_contract, honest_secret) = setup_dishonest();
		let kept = result(b"", 1, vec![], vec![NewSecret { key: 1, owner_input: 0, kind: U64 }]);
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		answer(task, &WORKERS, &kept);
		let made = new_secret_id(task, 1);
		assert_eq!(SecretCompute::secret_view(made).unwrap().security, Security::DishonestMajority);
		assert_ok!(submit(OWNER, honest_contract, vec![honest_secret], 10_000));
		let honest = last_task();
		answer(honest, &[11, 12, 13], &kept);
		assert_eq!(SecretCompute::secret_view(new_secret_id(honest, 1)).unwrap().security, Security::HonestMajority);
		// Removed, it leaves no mark behind.
		assert_ok!(SecretCompute::remove_secret(RuntimeOrigin::signed(OWNER), made));
		assert!(!crate::DishonestSecrets::<Test>::contains_key(made));
	});
}

#[test]
fn colluders_cannot_have_a_secret_shared_for_a_dishonest_majority_rejected() {
	new_test_ext().execute_with(|| {
		let (contract, secret, honest_contract, _) = setup_dishonest();
		// In its own kind of task it would take every member's word; but the first abort
		// leaves no result everyone can agree on, so the task fails there and then: under a
		// dishonest majority nobody's word rejects an input (the owner's out-of-range value
		// fails the tasks that read it, and nobody is paid its deposit).
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		assert_ok!(SecretCompute::abort_task(RuntimeOrigin::signed(12), task, AbortReason::BadInput(0)));
		System::assert_has_event(Event::TaskFailed { task }.into());
		assert_noop!(SecretCompute::abort_task(RuntimeOrigin::signed(13), task, AbortReason::BadInput(0)), Error::<Test>::TaskNotPending);
		assert!(Secrets::<Test>::contains_key(secret));
		assert!(crate::DishonestSecrets::<Test>::contains_key(secret));

		// In an honest-majority task that reads such a secret (which honest members refuse to
		// run): t + 1 = 2 members' word is not enough either.
		let again = {
			let commitment = H256::repeat_byte(0xd2);
			let identity = Secrets::<Test>::iter_values().next().unwrap().owner;
			assert_ok!(SecretCompute::register_secrets(RuntimeOrigin::signed(OWNER), identity, 0, bounded(vec![Node::Always]), bounded(vec![(commitment, U64)]), Security::DishonestMajority));
			let id = H256(sp_io::hashing::blake2_256(&codec::Encode::encode(&(identity, 0u32, commitment))));
			for w in WORKERS {
				assert_ok!(SecretCompute::ack_secret(RuntimeOrigin::signed(w), id));
			}
			id
		};
		assert_ok!(submit(OWNER, honest_contract, vec![again], 10_000));
		let task = last_task();
		for w in [13, 14] {
			assert_ok!(SecretCompute::abort_task(RuntimeOrigin::signed(w), task, AbortReason::BadInput(0)));
		}
		assert!(Secrets::<Test>::contains_key(again));
	});
}

#[test]
fn a_committee_of_two_serves_a_dishonest_majority_only() {
	new_test_ext().execute_with(|| {
		let (contract, _, honest_contract, _) = setup_dishonest();
		let identity = Secrets::<Test>::iter_values().next().unwrap().owner;
		let pair = committee(2);
		let members = pallet_workers::Committees::<Test>::get(pair).unwrap().into_inner();
		assert_eq!(members.len(), 2);
		let register = |commitment: H256, security| {
			SecretCompute::register_secrets(RuntimeOrigin::signed(OWNER), identity, pair, bounded(vec![Node::Always]), bounded(vec![(commitment, U64)]), security)
		};
		// Shamir's degree-1 shares on two members: either member and a friend would be the
		// majority that learns the value, so the chain refuses the registration.
		assert_noop!(register(H256::repeat_byte(0xe0), Security::HonestMajority), Error::<Test>::CommitteeTooSmallForHonestMajority);
		assert_noop!(
			SecretCompute::register_secret(RuntimeOrigin::signed(OWNER), identity, pair, bounded(vec![Node::Always]), H256::repeat_byte(0xe0), U64),
			Error::<Test>::CommitteeTooSmallForHonestMajority
		);
		// Shared for a dishonest majority (degree 1 = n - 1), it is kept.
		assert_ok!(register(H256::repeat_byte(0xe1), Security::DishonestMajority));
		let secret = H256(sp_io::hashing::blake2_256(&codec::Encode::encode(&(identity, pair, H256::repeat_byte(0xe1)))));
		for w in &members {
			assert_ok!(SecretCompute::ack_secret(RuntimeOrigin::signed(*w), secret));
		}
		// A contract asking for an honest majority cannot run on the pair (its quorum would be
		// one member's word); a dishonest-majority one runs and takes both votes.
		assert_noop!(submit(OWNER, honest_contract, vec![secret], 10_000), Error::<Test>::CommitteeTooSmallForHonestMajority);
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		let truth = result(b"1", 10, vec![], vec![]);
		for w in &members {
			assert_ok!(commit(*w, task, &truth));
		}
		if let Some(from) = RevealFrom::<Test>::get(task).filter(|from| *from > System::block_number()) {
			run_to(from);
		}
		assert_ok!(reveal(members[0], task, &truth));
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Pending, "one vote of two decides nothing");
		assert_ok!(reveal(members[1], task, &truth));
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Completed);
	});
}

/// A pruned task leaves no record of who was slashed in it behind (reports about it cannot be
/// proven any more: the task is gone), so slashes do not grow storage for ever.
#[test]
fn a_pruned_task_takes_its_slashing_records_with_it() {
	new_test_ext().execute_with(|| {
		let (_, contract, secret) = setup();
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		let deadline = Tasks::<Test>::get(task).unwrap().deadline;
		run_to(deadline);
		assert_eq!(pallet_workers::Slashed::<Test>::iter_prefix(task).count(), 4, "every silent member slashed for Timeout");
		run_to(deadline + RETENTION);
		System::assert_has_event(Event::TaskPruned { task }.into());
		assert_eq!(pallet_workers::Slashed::<Test>::iter_prefix(task).count(), 0);
	});
}

/// Writes of one block to a key are one entry of its history: a result that writes a key many
/// times cannot push out the value a pending task reads with `L.get(k, created)`.
#[test]
fn a_result_cannot_erase_the_value_a_pending_task_reads() {
	new_test_ext().execute_with(|| {
		let (_, contract, secret) = setup();
		run_to(3);
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		answer(last_task(), &WORKERS, &result(b"", 1, vec![(7, 10)], vec![]));
		run_to(4);
		let created = System::block_number();
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		run_to(5);
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		// As many writes as a result may make (4), more than the history keeps (3).
		let writes: Vec<(u64, u128)> = (1..=4).map(|v| (7, v)).collect();
		answer(last_task(), &WORKERS, &result(b"", 1, writes, vec![]));
		assert_eq!(SecretCompute::ledger_get(contract, 7, created), Some(10));
		assert_eq!(SecretCompute::ledger_get(contract, 7, 5), Some(4), "the last write of the block wins");
	});
}

/// A secret's depositor can remove it once its identity is dissolved (nobody has Store on it
/// then, and its members would be bound to it for ever); while the identity lives, Store decides:
/// a depositor removed from the identity may not.
#[test]
fn a_secret_whose_identity_is_gone_can_still_be_removed_by_its_depositor() {
	new_test_ext().execute_with(|| {
		setup();
		let grant = |permissions: Vec<Permission>| Grant { permissions: bounded(permissions), predicate: bounded(vec![Node::Always]) };
		let members = bounded(vec![(OWNER, bounded(vec![grant(vec![Permission::Store, Permission::Admin])])), (STRANGER, bounded(vec![grant(vec![Permission::Store])]))]);
		assert_ok!(SharedIdentity::create(RuntimeOrigin::signed(OWNER), members));
		let shared = pallet_shared_identity::Pallet::<Test>::address_of([OWNER, STRANGER].iter());
		let proposal = pallet_shared_identity::Pallet::<Test>::proposal_hash(&pallet_shared_identity::Identities::<Test>::get(shared).unwrap());
		assert_ok!(SharedIdentity::approve(RuntimeOrigin::signed(STRANGER), shared, proposal));
		assert_ok!(SecretCompute::register_secret(RuntimeOrigin::signed(STRANGER), shared, 0, bounded(vec![Node::Always]), H256::repeat_byte(0x55), U64));
		let secret = H256(sp_io::hashing::blake2_256(&codec::Encode::encode(&(shared, 0u32, H256::repeat_byte(0x55)))));
		for w in WORKERS {
			assert_ok!(SecretCompute::ack_secret(RuntimeOrigin::signed(w), secret));
		}
		assert_ok!(SharedIdentity::remove_member(RuntimeOrigin::signed(OWNER), shared, STRANGER));
		assert_noop!(SecretCompute::remove_secret(RuntimeOrigin::signed(STRANGER), secret), Error::<Test>::NoPermission);
		assert_ok!(SharedIdentity::dissolve(RuntimeOrigin::signed(OWNER), shared));
		assert_ok!(SecretCompute::remove_secret(RuntimeOrigin::signed(STRANGER), secret));
		assert_eq!(pallet_workers::Workers::<Test>::get(11).unwrap().secrets, 1, "its members are free of it (the setup's secret stays)");
	});
}

/// A committee with an unbonding member takes no new secret: anyone could otherwise keep that
/// member holding shares, and its stake, for ever.
#[test]
fn a_committee_with_a_leaving_member_takes_no_new_secret() {
	new_test_ext().execute_with(|| {
		let (identity, _, _) = setup();
		assert_ok!(Workers::unbond(RuntimeOrigin::signed(14)));
		assert_noop!(
			SecretCompute::register_secret(RuntimeOrigin::signed(OWNER), identity, 0, bounded(vec![Node::Always]), H256::repeat_byte(0x66), U64),
			Error::<Test>::CommitteeMemberLeaving
		);
	});
}

/// Workers 15, 16 and 17 register, for a second committee.
fn register_more_workers() {
	for w in [15, 16, 17] {
		assert_ok!({ let (peer, proof) = pallet_workers::test_peer(&w, w as u8, &[w as u8; 32]); Workers::register(RuntimeOrigin::signed(w), peer, [w as u8; 32], STAKE, proof) });
	}
}

/// Issue #16, proactive resharing on chain: the owner hands a secret from committee 0 to another
/// committee. The attacks: a stranger cannot move it, a non-member cannot deal, a new member
/// cannot take before t + 1 dealings are named, a refusal only swaps the refused dealer for the
/// next, a member that posts another sharing keeps the secret where it is. Then the move: the old
/// members are free of it (an unbonding one withdraws its stake only now), the new ones hold it.
#[test]
fn a_secret_is_handed_to_another_committee_and_its_old_members_go_free() {
	use crate::Handovers;
	new_test_ext().execute_with(|| {
		let (identity, contract, secret) = setup();
		register_more_workers();
		// 14 leaves: it is drawn into no new committee, and withdraws only once free of the secret.
		assert_ok!(Workers::unbond(RuntimeOrigin::signed(14)));
		let to = committee(3);
		let new = pallet_workers::Committees::<Test>::get(to).unwrap().into_inner();
		assert!(!new.contains(&14));
		run_to(System::block_number() + 11);
		assert_noop!(Workers::withdraw(RuntimeOrigin::signed(14)), pallet_workers::Error::<Test>::HoldsSecrets);

		let hand = |who: u64, to| SecretCompute::hand_over_secrets(RuntimeOrigin::signed(who), identity, bounded(vec![secret]), to);
		assert_noop!(hand(STRANGER, to), Error::<Test>::NoPermission);
		// Store alone is not enough: whoever picks the committee may pick its own.
		let store_only = Grant { permissions: bounded(vec![Permission::Store]), predicate: bounded(vec![Node::Always]) };
		let mut record = pallet_shared_identity::Identities::<Test>::get(identity).unwrap();
		record.members.try_push(pallet_shared_identity::Member { account: STRANGER, policy: bounded(vec![store_only]), pending: None, approved: true }).unwrap();
		pallet_shared_identity::Identities::<Test>::insert(identity, record);
		assert_noop!(hand(STRANGER, to), Error::<Test>::NoPermission);
		assert_noop!(hand(OWNER, 0), Error::<Test>::CommitteeMemberLeaving);
		let held = Balances::balance_on_hold(&HoldReason::StateDeposit.into(), &OWNER);
		assert_ok!(hand(OWNER, to));
		System::assert_has_event(Event::HandoverRequested { secret, from: 0, to }.into());
		assert!(Balances::balance_on_hold(&HoldReason::StateDeposit.into(), &OWNER) > held);
		assert_noop!(hand(OWNER, to), Error::<Test>::HandoverPending);
		// No task starts on a secret on its way (its old members drop their shares once it moves).
		assert_noop!(submit(OWNER, contract, vec![secret], 1_000), Error::<Test>::HandoverPending);

		let deal = |who: u64, byte: u8| SecretCompute::deal_handovers(RuntimeOrigin::signed(who), bounded(vec![(secret, H256::repeat_byte(byte))]));
		let take_in = |who: u64, round: u32, commitment: H256| SecretCompute::take_handovers(RuntimeOrigin::signed(who), bounded(vec![(secret, round, commitment)]));
		let take = |who: u64, commitment: H256| take_in(who, Handovers::<Test>::get(secret).map_or(0, |h| h.round), commitment);
		let refuse = |who: u64, round: u32, dealer: u32| SecretCompute::refuse_handover(RuntimeOrigin::signed(who), secret, round, dealer);
		// The old members that stay (14 is leaving but could deal too), and their positions.
		let old = pallet_workers::Committees::<Test>::get(0).unwrap().into_inner();
		let (a, b, c) = (11, 12, 13);
		let at = |w: u64| old.iter().position(|m| *m == w).unwrap() as u32;
		assert_noop!(deal(STRANGER, 1), Error::<Test>::NothingToRecord);
		// t = 1, so two dealings make the set.
		assert_ok!(deal(b, 1));
		assert_noop!(deal(b, 9), Error::<Test>::NothingToRecord);
		assert_noop!(take(new[0], H256::repeat_byte(7)), Error::<Test>::NothingToRecord);
		// What a worker that missed the events resumes from: a is still to deal, b is not; the
		// new members have nothing to take before t + 1 dealt.
		let listed = |w: u64| SecretCompute::handovers_of(&w).into_iter().map(|h| (h.secret, h.to_deal, h.to_take)).collect::<Vec<_>>();
		assert_eq!(listed(a), vec![(secret, true, false)]);
		assert!(listed(b).is_empty() || new.contains(&b));
		assert!(listed(STRANGER).is_empty());
		let dealt = deal(a, 2).unwrap();
		assert_eq!(dealt.pays_fee, Pays::No);
		let view = SecretCompute::handovers_of(&new[0]).pop().unwrap();
		assert_eq!((view.secret, view.from, view.to, view.round, view.dealers, view.to_take), (secret, 0, to, 0, Some(vec![at(b), at(a)]), true));
		System::assert_last_event(Event::HandoverDealt { secret, to, round: 0, dealers: vec![at(b), at(a)] }.into());
		assert_ok!(deal(c, 3));

		// A new member refuses b: the set becomes a and c in round 1, and what was taken is
		// forgotten; a sharing of round 0 that comes late is refused (it could split the members).
		assert_ok!(take(new[1], H256::repeat_byte(7)));
		assert_noop!(refuse(new[0], 0, at(c)), Error::<Test>::NotADealer);
		assert_noop!(refuse(STRANGER, 0, at(b)), Error::<Test>::NotInCommittee);
		let refused = refuse(new[0], 0, at(b)).unwrap();
		assert_eq!(refused.pays_fee, Pays::No, "a refusal that counts is prepaid");
		System::assert_last_event(Event::HandoverDealt { secret, to, round: 1, dealers: vec![at(a), at(c)] }.into());
		assert!(Handovers::<Test>::get(secret).unwrap().taken.is_empty());
		assert_noop!(refuse(new[1], 0, at(a)), Error::<Test>::StaleRound);
		assert_noop!(take_in(new[2], 0, H256::repeat_byte(7)), Error::<Test>::NothingToRecord);

		// One member posts another sharing: the secret stays.
		let sharing = H256::repeat_byte(8);
		assert_ok!(take(new[0], sharing));
		assert_ok!(take(new[1], sharing));
		assert_ok!(take(new[2], H256::repeat_byte(9)));
		assert_eq!(Secrets::<Test>::get(secret).unwrap().committee, 0);
		assert_noop!(Workers::withdraw(RuntimeOrigin::signed(14)), pallet_workers::Error::<Test>::HoldsSecrets);

		// Cancelled, then handed over again: every new member posts the same sharing.
		assert_ok!(SecretCompute::cancel_handover(RuntimeOrigin::signed(OWNER), secret));
		System::assert_last_event(Event::HandoverCancelled { secret }.into());
		assert_eq!(Balances::balance_on_hold(&HoldReason::StateDeposit.into(), &OWNER), held);
		assert_ok!(hand(OWNER, to));
		for (w, byte) in [(c, 3), (a, 2)] {
			assert_ok!(deal(w, byte));
		}
		for m in &new {
			assert_ok!(take(*m, sharing));
		}
		System::assert_last_event(Event::SecretHandedOver { secret, from: 0, to, commitment: sharing }.into());
		let info = Secrets::<Test>::get(secret).unwrap();
		let deposit = info.deposit;
		assert_eq!((info.committee, info.commitment, info.ready, info.acks.into_inner(), info.depositor), (to, sharing, true, new.clone(), OWNER));
		assert!(!Handovers::<Test>::contains_key(secret));
		for w in [11, 12, 13, 15, 16, 17] {
			assert_eq!(pallet_workers::Workers::<Test>::get(w).unwrap().secrets, u32::from(new.contains(&w)), "worker {w}");
		}
		// The leaving member is free now; its stake comes back whole.
		assert_ok!(Workers::withdraw(RuntimeOrigin::signed(14)));
		assert_eq!(staked(14), 0);
		assert_eq!(Balances::free_balance(14), 100_000);
		// The record's deposit is the owner's still; removing the secret releases everything.
		let before = Balances::balance_on_hold(&HoldReason::StateDeposit.into(), &OWNER);
		assert!(before <= held, "the handover's own deposit came back");
		assert_ok!(SecretCompute::remove_secret(RuntimeOrigin::signed(OWNER), secret));
		assert_eq!(Balances::balance_on_hold(&HoldReason::StateDeposit.into(), &OWNER), before - deposit);
	});
}

#[test]
fn only_a_ready_secret_a_client_dealt_for_an_honest_majority_is_handed_over() {
	new_test_ext().execute_with(|| {
		let (identity, _, _) = setup();
		register_more_workers();
		let to = committee(3);
		assert_ok!(SecretCompute::register_secret(RuntimeOrigin::signed(OWNER), identity, 0, bounded(vec![Node::Always]), H256::repeat_byte(0x42), U64));
		let waiting = H256(sp_io::hashing::blake2_256(&codec::Encode::encode(&(identity, 0u32, H256::repeat_byte(0x42)))));
		assert_noop!(SecretCompute::hand_over_secrets(RuntimeOrigin::signed(OWNER), identity, bounded(vec![waiting]), to), Error::<Test>::SecretNotReady);
		let mut made = Secrets::<Test>::get(waiting).unwrap();
		made.ready = true;
		made.origin = Some((H256::zero(), 1));
		Secrets::<Test>::insert(waiting, made);
		assert_noop!(SecretCompute::hand_over_secrets(RuntimeOrigin::signed(OWNER), identity, bounded(vec![waiting]), to), Error::<Test>::NotResharable);
		assert_noop!(SecretCompute::hand_over_secrets(RuntimeOrigin::signed(OWNER), identity, bounded(vec![]), to), Error::<Test>::EmptyBatch);
		assert_noop!(SecretCompute::hand_over_secrets(RuntimeOrigin::signed(OWNER), identity, bounded(vec![waiting]), 9), Error::<Test>::UnknownCommittee);
		let (_, _, ready) = (0, 0, Secrets::<Test>::iter_keys().find(|s| *s != waiting).unwrap());
		assert_noop!(SecretCompute::hand_over_secrets(RuntimeOrigin::signed(OWNER), identity, bounded(vec![ready]), 0), Error::<Test>::SameCommittee);
	});
}

/// Issue #16, rotation: a committee with a member leaving goes to a committee the chain draws
/// for it, handed over by the leaving member without the owners. Nobody rotates a committee whose
/// members all serve, a committee is rotated once (a second draw would let whoever rotates draw
/// until a committee it controls came up: the committee drawn cannot be dissolved), and the
/// secrets go only to the committee drawn, while it serves whole.
#[test]
fn a_committee_losing_a_member_is_rotated_to_one_the_chain_draws() {
	use crate::{Handovers, Rotations};
	new_test_ext().execute_with(|| {
		let (identity, _, secret) = setup();
		register_more_workers();
		assert_ok!(SecretCompute::register_secret(RuntimeOrigin::signed(OWNER), identity, 0, bounded(vec![Node::Always]), H256::repeat_byte(0x42), U64));
		let waiting = H256(sp_io::hashing::blake2_256(&codec::Encode::encode(&(identity, 0u32, H256::repeat_byte(0x42)))));
		let rotate = |who: u64, committee| SecretCompute::rotate_committee(RuntimeOrigin::signed(who), committee);
		let hand = |who: u64, committee, secrets: Vec<H256>| SecretCompute::hand_over_rotated(RuntimeOrigin::signed(who), committee, bounded(secrets));
		assert_noop!(rotate(STRANGER, 0), Error::<Test>::CommitteeServing);
		assert_noop!(hand(14, 0, vec![secret]), Error::<Test>::NotRotated);

		// 14 leaves and rotates its committee; nobody rotates it again.
		assert_ok!(Workers::unbond(RuntimeOrigin::signed(14)));
		assert_noop!(rotate(14, 9), Error::<Test>::UnknownCommittee);
		assert_ok!(rotate(14, 0));
		let to = Rotations::<Test>::get(0).unwrap().to;
		System::assert_has_event(Event::CommitteeRotating { from: 0, to, requester: 14 }.into());
		assert_noop!(rotate(STRANGER, 0), Error::<Test>::AlreadyRotated);
		// Not drawn yet: nothing can go to it.
		assert_noop!(hand(14, 0, vec![secret]), Error::<Test>::UnknownCommittee);
		run_to(pallet_workers::PendingCommittees::<Test>::get(to).unwrap().draw_at);
		let new = pallet_workers::Committees::<Test>::get(to).unwrap().into_inner();
		assert_eq!(new.len(), 4);
		assert!(!new.contains(&14));

		// Anyone may hand the committee's secrets over (the leaving member here); a secret that
		// cannot move (not ready) stays, and a batch with nothing to move fails.
		assert_noop!(hand(14, 0, vec![waiting]), Error::<Test>::NothingToRecord);
		assert_noop!(hand(14, 0, vec![]), Error::<Test>::EmptyBatch);
		// The committee drawn is pinned: its requester cannot dissolve it to draw again.
		assert_noop!(Workers::dissolve_committee(RuntimeOrigin::signed(14), to), pallet_workers::Error::<Test>::CommitteeInUse);
		// A member of the committee drawn that leaves blocks the rotation (no new draw follows:
		// its members would choose when to draw again); it serves again once it is back.
		let gone = new[0];
		pallet_workers::Workers::<Test>::mutate(gone, |w| w.as_mut().unwrap().status = pallet_workers::Status::Unbonding { until: 1_000 });
		assert_noop!(hand(14, 0, vec![secret]), Error::<Test>::CommitteeMemberLeaving);
		pallet_workers::Workers::<Test>::mutate(gone, |w| w.as_mut().unwrap().status = pallet_workers::Status::Active);
		// Nor while a task runs on the committee rotated (one submitted after the draw, when its
		// member that does not serve is not leaving but inactive): its inputs would move under it.
		<pallet_workers::Pallet<Test> as pallet_workers::WorkerRegistry<u64>>::note_task(0, true);
		assert_noop!(hand(14, 0, vec![secret]), Error::<Test>::CommitteeRunsTasks);
		<pallet_workers::Pallet<Test> as pallet_workers::WorkerRegistry<u64>>::note_task(0, false);
		assert_ok!(hand(14, 0, vec![secret, waiting]));
		System::assert_has_event(Event::HandoverRequested { secret, from: 0, to }.into());
		assert!(!Handovers::<Test>::contains_key(waiting));
		assert_eq!(Handovers::<Test>::get(secret).unwrap().requester, 14);
		assert_noop!(hand(STRANGER, 0, vec![secret]), Error::<Test>::NothingToRecord);

		// The handover runs as an owner's would; the leaving member then goes with its stake.
		for (w, byte) in [(11, 1), (12, 2)] {
			assert_ok!(SecretCompute::deal_handovers(RuntimeOrigin::signed(w), bounded(vec![(secret, H256::repeat_byte(byte))])));
		}
		let sharing = H256::repeat_byte(8);
		for m in &new {
			assert_ok!(SecretCompute::take_handovers(RuntimeOrigin::signed(*m), bounded(vec![(secret, 0, sharing)])));
		}
		System::assert_last_event(Event::SecretHandedOver { secret, from: 0, to, commitment: sharing }.into());
		// A member of the committee drawn leaves in turn: no new draw follows (one colluder per
		// committee drawn could otherwise redraw the secret's committee until its colluders
		// held a majority of one).
		assert_ok!(Workers::unbond(RuntimeOrigin::signed(new[0])));
		assert_noop!(rotate(STRANGER, to), Error::<Test>::DrawnForRotation);
		pallet_workers::Workers::<Test>::mutate(new[0], |w| w.as_mut().unwrap().status = pallet_workers::Status::Active);
		pallet_workers::ActiveWorkers::<Test>::mutate(|l| l.try_push(new[0]).unwrap());
		// The owner's deposit still stands for the record (the owner stays liable for it); the
		// leaving member's came back.
		assert_eq!(Secrets::<Test>::get(secret).unwrap().depositor, OWNER);
		assert_eq!(Balances::balance_on_hold(&HoldReason::StateDeposit.into(), &14), 0);
		run_to(System::block_number() + 11);
		assert_ok!(Workers::withdraw(RuntimeOrigin::signed(14)));
		assert_eq!(staked(14), 0);
		assert_ok!(SecretCompute::remove_secret(RuntimeOrigin::signed(OWNER), secret));
		// Once every secret is gone and the committee rotated is dissolved, the one drawn is
		// unpinned.
		assert_ok!(SecretCompute::remove_secret(RuntimeOrigin::signed(OWNER), waiting));
		assert_ok!(Workers::dissolve_committee(RuntimeOrigin::signed(1), 0));
		assert_ok!(Workers::dissolve_committee(RuntimeOrigin::signed(14), to));
	});
}

/// A rotation whose draw failed is requested again (nobody saw a committee: nothing to grind);
/// a committee whose members all serve again is not moved from.
#[test]
fn a_failed_rotation_draw_is_retried_and_a_whole_committee_stays() {
	use crate::Rotations;
	new_test_ext().execute_with(|| {
		let (_, _, secret) = setup();
		register_more_workers();
		let set_status = |w: u64, status| pallet_workers::Workers::<Test>::mutate(w, |r| r.as_mut().unwrap().status = status);
		assert_ok!(Workers::unbond(RuntimeOrigin::signed(14)));
		assert_ok!(SecretCompute::rotate_committee(RuntimeOrigin::signed(14), 0));
		let first = Rotations::<Test>::get(0).unwrap().to;
		// Too few workers are left at the draw: it fails, and the rotation can be asked again.
		for w in [15, 16, 17] {
			assert_ok!(Workers::unbond(RuntimeOrigin::signed(w)));
		}
		run_to(pallet_workers::PendingCommittees::<Test>::get(first).unwrap().draw_at);
		assert!(pallet_workers::Committees::<Test>::get(first).is_none());
		for w in [15, 16, 17] {
			set_status(w, pallet_workers::Status::Active);
			pallet_workers::ActiveWorkers::<Test>::mutate(|l| l.try_push(w).unwrap());
		}
		assert_ok!(SecretCompute::rotate_committee(RuntimeOrigin::signed(14), 0));
		let to = Rotations::<Test>::get(0).unwrap().to;
		assert_ne!(to, first);
		run_to(pallet_workers::PendingCommittees::<Test>::get(to).unwrap().draw_at);
		assert_noop!(SecretCompute::rotate_committee(RuntimeOrigin::signed(STRANGER), 0), Error::<Test>::AlreadyRotated);
		// 14 serves again: its committee is whole, and nobody moves its secrets.
		set_status(14, pallet_workers::Status::Active);
		assert_noop!(SecretCompute::hand_over_rotated(RuntimeOrigin::signed(STRANGER), 0, bounded(vec![secret])), Error::<Test>::CommitteeServing);
	});
}

/// Issue #16 (and #14's proofs the chain checks): a dealing false on its face is proven on
/// chain. The old sharing is s(x) = 3 + 5x (commitments 3G, 5G): an old member at point p
/// deals C'_0 = s(p)·G. Only a new member proves; the proof must be the secret's commitments
/// and the dealing the dealer posted; an honest dealing proves nothing. The liar is slashed,
/// the prover paid, and the set formed again without the liar.
#[test]
fn a_dealing_of_another_value_is_proven_false_and_its_dealer_slashed() {
	use crate::Handovers;
	use ark_bls12_381::{Fr, G1Projective};
	use ark_ec::{CurveGroup, PrimeGroup};
	use ark_serialize::CanonicalSerialize;
	use enigma_primitives::pedersen::FalseDealing;
	let points = |scalars: &[u64]| {
		let mut out = Vec::new();
		for s in scalars {
			(G1Projective::generator() * Fr::from(*s)).into_affine().serialize_compressed(&mut out).unwrap();
		}
		out
	};
	new_test_ext().execute_with(|| {
		let (identity, _, _) = setup();
		register_more_workers();
		let old_commitments = points(&[3, 5]);
		let share_hashes = vec![H256::repeat_byte(7); 4];
		let raw: Vec<[u8; 32]> = share_hashes.iter().map(|h| h.0).collect();
		let secret = register_secret(identity, H256(enigma_primitives::sharing_commitment(&old_commitments, &raw)));
		let to = committee(3);
		let new = pallet_workers::Committees::<Test>::get(to).unwrap().into_inner();
		assert_ok!(SecretCompute::hand_over_secrets(RuntimeOrigin::signed(OWNER), identity, bounded(vec![secret]), to));
		let old = pallet_workers::Committees::<Test>::get(0).unwrap().into_inner();
		let at = |w: u64| old.iter().position(|m| *m == w).unwrap() as u32;
		let (honest, liar, third) = (11, 12, 13);
		// C'_0 = s(p)·G for the dealer at point p, C'_1 = 9G (t' = 1 for three new members).
		let true_dealing = |w: u64| points(&[3 + 5 * (u64::from(at(w)) + 1), 9]);
		let false_dealing = points(&[1_000, 9]);
		let post = |w: u64, dealing: &[u8]| SecretCompute::deal_handovers(RuntimeOrigin::signed(w), bounded(vec![(secret, H256(enigma_primitives::dealing_hash(dealing)))]));
		assert_ok!(post(honest, &true_dealing(honest)));
		assert_ok!(post(liar, &false_dealing));
		let prove = |who: u64, dealer: u64, old: &[u8], dealing: &[u8]| {
			let proof = DealingProof::Dealing { old_commitments: bounded(old.to_vec()), old_share_hashes: bounded(share_hashes.clone()), dealing: bounded(dealing.to_vec()) };
			SecretCompute::prove_false_dealing(RuntimeOrigin::signed(who), secret, at(dealer), proof)
		};
		let prover = new[0];
		assert_noop!(prove(STRANGER, liar, &old_commitments, &false_dealing).map_err(|e| e.error), Error::<Test>::NotInCommittee);
		assert_noop!(prove(prover, honest, &old_commitments, &true_dealing(honest)).map_err(|e| e.error), Error::<Test>::DealingHolds);
		assert_noop!(prove(prover, liar, &old_commitments, &true_dealing(liar)).map_err(|e| e.error), Error::<Test>::NotThePostedDealing);
		assert_noop!(prove(prover, liar, &points(&[3, 6]), &false_dealing).map_err(|e| e.error), Error::<Test>::NotTheSecretsCommitments);
		assert_noop!(prove(prover, third, &old_commitments, &false_dealing).map_err(|e| e.error), Error::<Test>::NotADealer);

		let (liar_stake, issuance) = (staked(liar), Balances::total_issuance());
		let proven = prove(prover, liar, &old_commitments, &false_dealing).unwrap();
		assert_eq!(proven.pays_fee, Pays::No);
		System::assert_has_event(Event::DealingProvenFalse { secret, dealer: at(liar), fault: FalseDealing::NotItsShare, by: prover }.into());
		System::assert_has_event(pallet_workers::Event::Slashed { task: secret, worker: liar, offence: Offence::Misbehaviour, amount: liar_stake - staked(liar) }.into());
		assert!(staked(liar) < liar_stake);
		// Burned, not paid to the prover (a prover in collusion would free the liar's stake).
		assert_eq!(Balances::total_issuance(), issuance - (liar_stake - staked(liar)));
		for w in [11, 13, 14, 15, 16, 17] {
			assert_eq!(staked(w), STAKE, "worker {w} keeps its stake");
		}
		// The liar's dealing is out: with the third dealing, the set is the honest two in round 1.
		let handover = Handovers::<Test>::get(secret).unwrap();
		assert_eq!((handover.round, handover.refused.into_inner()), (1, vec![at(liar)]));
		assert_ok!(post(third, &true_dealing(third)));
		System::assert_last_event(Event::HandoverDealt { secret, to, round: 1, dealers: vec![at(honest), at(third)] }.into());
		// Proving it again fails before the curve arithmetic, and weighs only its reads; a wrong
		// degree is proven too.
		let again = prove(new[1], liar, &old_commitments, &false_dealing).unwrap_err();
		assert_eq!(again.error, Error::<Test>::AlreadyProven.into());
		assert!(again.post_info.actual_weight.unwrap().ref_time() < SecretCompute::prove_false_weight().ref_time() / 100);

		let wide = points(&[3 + 5 * (u64::from(at(14)) + 1), 9, 9]);
		assert_ok!(post(14, &wide));
		assert_ok!(prove(new[1], 14, &old_commitments, &wide));
		System::assert_has_event(Event::DealingProvenFalse { secret, dealer: at(14), fault: FalseDealing::WrongDegree, by: new[1] }.into());

		// The third dealer's dealing is true, but the share it signed for new[2] is off it. Its
		// registered peer id carries the ed25519 key it signs with.
		use sp_core::Pair;
		let key = sp_core::ed25519::Pair::from_seed(&[13; 32]);
		let mut peer = vec![0x00, 0x24, 0x08, 0x01, 0x12, 0x20];
		peer.extend_from_slice(key.public().as_ref());
		pallet_workers::Workers::<Test>::mutate(third, |w| w.as_mut().unwrap().peer_id = bounded(peer));
		// Two new members that are not the dealer itself (a dealer cannot prove its own dealing).
		let mut others = (0..new.len() as u32).filter(|&m| new[m as usize] != third);
		let (member, other) = (others.next().unwrap(), others.next().unwrap());
		let x = u64::from(member) + 1;
		let share_of = |value: u64| -> Vec<u8> { [Fr::from(value), Fr::from(0u64)].iter().flat_map(|e| e.0 .0.iter().flat_map(|l| l.to_le_bytes())).collect() };
		let dealing = true_dealing(third);
		let posted = enigma_primitives::dealing_hash(&dealing);
		let signed = |share: &[u8], to_member: u32| -> [u8; 64] {
			let signature: sp_core::ed25519::Signature = key.sign(&enigma_primitives::handover_share_digest(&secret.0, to, to_member, at(third), &posted, share));
			signature.0
		};
		let prove_share = |who: u64, share: &[u8], signature: [u8; 64]| {
			let proof = DealingProof::Share { dealing: bounded(dealing.clone()), share: bounded(share.to_vec()), signature };
			SecretCompute::prove_false_dealing(RuntimeOrigin::signed(who), secret, at(third), proof)
		};
		let good = share_of(3 + 5 * (u64::from(at(third)) + 1) + 9 * x);
		let off = share_of(3 + 5 * (u64::from(at(third)) + 1) + 9 * x + 1);
		let (prover, bystander) = (new[member as usize], new[other as usize]);
		assert_noop!(prove_share(prover, &good, signed(&good, member)).map_err(|e| e.error), Error::<Test>::DealingHolds);
		assert_noop!(prove_share(prover, &off, signed(&off, other)).map_err(|e| e.error), Error::<Test>::NotSignedByTheDealer);
		assert_noop!(prove_share(bystander, &off, signed(&off, member)).map_err(|e| e.error), Error::<Test>::NotSignedByTheDealer);
		let before = staked(third);
		let proven = prove_share(prover, &off, signed(&off, member)).unwrap();
		System::assert_has_event(Event::DealingProvenFalse { secret, dealer: at(third), fault: FalseDealing::ShareOffDealing, by: prover }.into());
		// Its weight is refunded down to the share's two elements.
		assert_eq!(proven.actual_weight, Some(SecretCompute::prove_false_weight_for(2)));
		assert!(SecretCompute::prove_false_weight_for(2).ref_time() < SecretCompute::prove_false_weight().ref_time() / 4);
		assert!(staked(third) < before);
	});
}

/// A ledger key stays for good: the task that first writes it pays for it, burnt from its
/// deposit (before, every key's deposit came back at pruning, so keys piled up for fees alone);
/// writing an existing key again costs nothing more.
#[test]
fn a_new_ledger_key_is_paid_for_once_by_the_task_that_writes_it() {
	new_test_ext().execute_with(|| {
		let (_, contract, secret) = setup();
		let held = || Balances::balance_on_hold(&HoldReason::StateDeposit.into(), &OWNER);
		let fee = SecretCompute::ledger_key_fee();
		assert!(fee > 0);
		let before = held();
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let first = last_task();
		assert_eq!(held(), before + TASK_DEPOSIT);
		answer(first, &[11, 12, 13], &result(b"", 1, vec![(7, 1), (8, 2)], vec![]));
		assert_eq!(held(), before + TASK_DEPOSIT - 2 * fee, "two new keys");
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let second = last_task();
		answer(second, &[11, 12, 13], &result(b"", 1, vec![(7, 3), (9, 4)], vec![]));
		assert_eq!(held(), before + 2 * TASK_DEPOSIT - 3 * fee, "one more: key 7 was paid for");
		// Pruned, the tasks give back what is left of their deposits; the keys stay.
		run_to(Tasks::<Test>::get(second).unwrap().deadline + RETENTION);
		assert!(Tasks::<Test>::get(first).is_none() && Tasks::<Test>::get(second).is_none());
		assert_eq!(held(), before);
		let created = System::block_number();
		assert_eq!(SecretCompute::ledger_get(contract, 9, created), Some(4));
	});
}

/// A task evaluates every input's compute predicate: one larger than `MAX_COMPUTE_PREDICATE`
/// is refused at registration (10,240 inputs of the largest a grant may hold did not fit a
/// block's weight).
#[test]
fn a_compute_predicate_over_the_limit_is_refused() {
	new_test_ext().execute_with(|| {
		let (identity, _, _) = setup();
		// Or(AnyOf(16 keys), Or(AnyOf(16 keys), ..)) with `leaves` leaves.
		let predicate = |leaves: usize| {
			let any_of = Node::AnyOf(bounded((0..16u64).collect()));
			let nodes: Vec<Node<u64, u64>> = (1..leaves).flat_map(|_| [Node::Or, any_of.clone()]).chain([any_of.clone()]).collect();
			bounded(nodes)
		};
		let register = |p| SecretCompute::register_secret(RuntimeOrigin::signed(OWNER), identity, 0, p, H256::repeat_byte(0x51), U64);
		assert!(codec::Encode::encoded_size(&predicate(8)) > crate::MAX_COMPUTE_PREDICATE);
		assert_noop!(register(predicate(8)), Error::<Test>::ComputePredicateTooLarge);
		assert!(codec::Encode::encoded_size(&predicate(7)) <= crate::MAX_COMPUTE_PREDICATE);
		assert_ok!(register(predicate(7)));
	});
}

/// A member that unbonds takes no new duty: no task is submitted to its committee (a task's
/// secrets would each hold the member's stake until their owner removed them, a way around
/// `UnbondingOver` for anyone with a secret there). A task pending does not stop it unbonding
/// (attacker review: a requester that submitted one before the last ended kept it from leaving
/// for ever); it finishes that task, whose secrets it then holds, and withdraws once free.
#[test]
fn a_leaving_member_takes_no_task() {
	new_test_ext().execute_with(|| {
		let (_, contract, secret) = setup();
		assert_ok!(submit(OWNER, contract, vec![secret], 10_000));
		let task = last_task();
		assert_ok!(Workers::unbond(RuntimeOrigin::signed(14)));
		assert_eq!(pallet_workers::Workers::<Test>::get(14).unwrap().status, pallet_workers::Status::Leaving);
		assert_noop!(submit(OWNER, contract, vec![secret], 10_000), Error::<Test>::CommitteeMemberLeaving);
		// Nobody rotates its committee while the task runs: that would move the task's input.
		assert_noop!(SecretCompute::rotate_committee(RuntimeOrigin::signed(STRANGER), 0), Error::<Test>::CommitteeRunsTasks);
		answer(task, &WORKERS, &result(b"", 1, vec![], vec![NewSecret { key: 4, owner_input: 0, kind: U64 }]));
		assert_eq!(Tasks::<Test>::get(task).unwrap().status, TaskStatus::Completed);
		assert!(matches!(pallet_workers::Workers::<Test>::get(14).unwrap().status, pallet_workers::Status::Unbonding { .. }), "unbonding once its task ended");
		assert_noop!(submit(OWNER, contract, vec![secret], 10_000), Error::<Test>::CommitteeMemberLeaving);
	});
}
