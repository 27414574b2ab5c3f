//! Benchmarks of the secret-compute calls at their worst cases.

use super::*;
use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::traits::fungible::Mutate;
use frame_system::RawOrigin;

fn requester<T: Config>() -> (T::AccountId, H256) {
	let who: T::AccountId = whitelisted_caller();
	let identity = T::BenchmarkHelper::identity_of(&who);
	let _ = T::Currency::set_balance(&who, T::MinRequesterBalance::get().saturating_mul(1_000_000u32.into()).max(1_000_000_000u32.into()));
	(who, identity)
}

fn contract<T: Config>(who: &T::AccountId) -> H256 {
	let code = vec![7u8; 1024];
	Pallet::<T>::register_contract(RawOrigin::Signed(who.clone()).into(), code.clone()).expect("new code");
	H256(sp_io::hashing::blake2_256(&code))
}

/// The largest compute predicate a secret takes ([`crate::MAX_COMPUTE_PREDICATE`]): `Or`s over
/// `AnyOf`s of the most keys, then of fewer, up to the limit.
fn full_predicate<T: Config>() -> Predicate<T::AccountId, BlockNumberFor<T>> {
	use pallet_shared_identity::predicate::{MAX_KEYS, MAX_NODES};
	let keys: Vec<T::AccountId> = (0..MAX_KEYS).map(|i| account("key", i, 0)).collect();
	let any_of = |n: usize| predicate::Node::AnyOf(BoundedVec::truncate_from(keys[..n].to_vec()));
	let mut nodes = alloc::vec![any_of(MAX_KEYS as usize)];
	// Each step puts an `Or` and another leaf in front: the largest leaf that still fits.
	while nodes.len() + 2 <= MAX_NODES as usize {
		let room = crate::MAX_COMPUTE_PREDICATE.saturating_sub(nodes.encoded_size() + 1 + 1 + 1 + 1);
		let n = (room / 32).min(MAX_KEYS as usize);
		if n == 0 {
			break;
		}
		nodes.insert(0, any_of(n));
		nodes.insert(0, predicate::Node::Or);
	}
	BoundedVec::truncate_from(nodes)
}

/// A ready secret number `n` of `identity` on `committee`.
fn ready_secret<T: Config>(who: &T::AccountId, identity: H256, committee: CommitteeId, n: u32) -> H256 {
	let commitment = H256(sp_io::hashing::blake2_256(&n.to_le_bytes()));
	Pallet::<T>::register_secret(RawOrigin::Signed(who.clone()).into(), identity, committee, BoundedVec::truncate_from(vec![predicate::Node::Always]), commitment, ValueKind::Int { bits: 64 })
		.expect("allowed");
	let secret = H256(sp_io::hashing::blake2_256(&(identity, committee, commitment).encode()));
	for m in T::Workers::committee(committee).expect("formed") {
		Pallet::<T>::ack_secret(RawOrigin::Signed(m).into(), secret).expect("member");
	}
	secret
}

fn task_on<T: Config>(c: u32) -> (H256, Vec<T::AccountId>) {
	let (who, identity) = requester::<T>();
	let committee = T::BenchmarkHelper::committee_of(c);
	let code = contract::<T>(&who);
	let secret = ready_secret::<T>(&who, identity, committee, 0);
	Pallet::<T>::submit_task(RawOrigin::Signed(who).into(), code, b"entry".to_vec(), BoundedVec::truncate_from(vec![secret]), BoundedVec::new(), 1_000u32.into())
		.expect("valid task");
	let task = Tasks::<T>::iter_keys().next().expect("created");
	(task, T::Workers::committee(committee).expect("formed"))
}

fn result_of<T: Config>() -> ResultOf<T> {
	TaskResult {
		outputs: BoundedVec::truncate_from(vec![1; T::MaxOutputs::get() as usize]),
		new_secrets: BoundedVec::truncate_from((0..T::MaxNewSecrets::get()).map(|key| NewSecret { key: key as u64, owner_input: 0, kind: ValueKind::Int { bits: 64 } }).collect()),
		ledger_writes: BoundedVec::truncate_from((0..T::MaxLedgerWrites::get()).map(|i| (i as u64, 1u128)).collect()),
		transcript_root: H256::zero(),
		gas_used: 10u32.into(),
	}
}

const SALT: [u8; 32] = [7; 32];

/// The runs member `who` of `task`'s committee votes for at most: its result's, and one per
/// other member, each run by the whole committee. The other runs differ from member to member,
/// so the tally counts the most runs it can (1 + c(c - 1)).
fn runs_of<T: Config>(task: H256, who: &T::AccountId) -> RunsOf<T> {
	let members = Tasks::<T>::get(task).and_then(|info| T::Workers::committee(info.committee)).unwrap_or_default();
	let (c, me) = (members.len().max(1), members.iter().position(|m| m == who).unwrap_or_default() as u64);
	let others = (1..c as u64).map(|k| H256::from_low_u64_be(me * 64 + k));
	let roots = core::iter::once(result_of::<T>().transcript_root).chain(others);
	BoundedVec::truncate_from(roots.map(|root| Run { root, running: running_set(0..c) }).collect())
}

/// Member `who`'s commitment to [`result_of`] and its [`runs_of`] `task`, with [`SALT`].
fn commitment_of<T: Config>(task: H256, who: &T::AccountId) -> H256 {
	result_commitment(task, who, reveal_hash(&result_of::<T>(), &runs_of::<T>(task, who)), &SALT)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_contract(b: Linear<1, { T::MaxCodeSize::get() }>) {
		let (who, _) = requester::<T>();
		#[extrinsic_call]
		_(RawOrigin::Signed(who), vec![1; b as usize]);
	}

	#[benchmark]
	fn register_secret() {
		let (who, identity) = requester::<T>();
		let committee = T::BenchmarkHelper::committee_of(T::MaxCommitteeSize::get());
		#[extrinsic_call]
		_(RawOrigin::Signed(who), identity, committee, full_predicate::<T>(), H256::zero(), ValueKind::Int { bits: 64 });
	}

	#[benchmark]
	fn ack_secret() {
		let (who, identity) = requester::<T>();
		let committee = T::BenchmarkHelper::committee_of(T::MaxCommitteeSize::get());
		Pallet::<T>::register_secret(RawOrigin::Signed(who).into(), identity, committee, BoundedVec::truncate_from(vec![predicate::Node::Always]), H256::zero(), ValueKind::Int { bits: 64 })
			.expect("allowed");
		let secret = Secrets::<T>::iter_keys().next().expect("registered");
		let members = T::Workers::committee(committee).expect("formed");
		for m in &members[..members.len() - 1] {
			Pallet::<T>::ack_secret(RawOrigin::Signed(m.clone()).into(), secret).expect("member");
		}
		let last = members[members.len() - 1].clone();
		#[extrinsic_call]
		_(RawOrigin::Signed(last), secret);
		assert!(Secrets::<T>::get(secret).expect("registered").ready);
	}

	/// A batch of `n` records with the largest predicate, for a committee of the largest size.
	#[benchmark]
	fn register_secrets(n: Linear<1, { T::MaxSecretBatch::get() }>) {
		let (who, identity) = requester::<T>();
		let committee = T::BenchmarkHelper::committee_of(T::MaxCommitteeSize::get());
		let batch: Vec<(H256, ValueKind)> = (0..n).map(|i| (H256(sp_io::hashing::blake2_256(&i.to_le_bytes())), ValueKind::Int { bits: 64 })).collect();
		#[extrinsic_call]
		_(RawOrigin::Signed(who), identity, committee, full_predicate::<T>(), BoundedVec::truncate_from(batch), Security::DishonestMajority);
		assert_eq!(Secrets::<T>::iter_keys().count(), n as usize);
	}

	/// The last member's acknowledgements: every secret of the batch becomes ready.
	#[benchmark]
	fn ack_secrets(n: Linear<1, { T::MaxSecretBatch::get() }>) {
		let (who, identity) = requester::<T>();
		let committee = T::BenchmarkHelper::committee_of(T::MaxCommitteeSize::get());
		let batch: Vec<(H256, ValueKind)> = (0..n).map(|i| (H256(sp_io::hashing::blake2_256(&i.to_le_bytes())), ValueKind::Int { bits: 64 })).collect();
		Pallet::<T>::register_secrets(RawOrigin::Signed(who).into(), identity, committee, BoundedVec::truncate_from(vec![predicate::Node::Always]), BoundedVec::truncate_from(batch), Security::DishonestMajority)
			.expect("allowed");
		let secrets: Vec<H256> = Secrets::<T>::iter_keys().collect();
		let members = T::Workers::committee(committee).expect("formed");
		let (last, others) = members.split_last().expect("a member");
		for m in others {
			Pallet::<T>::ack_secrets(RawOrigin::Signed(m.clone()).into(), BoundedVec::truncate_from(secrets.clone())).expect("member");
		}
		#[extrinsic_call]
		_(RawOrigin::Signed(last.clone()), BoundedVec::truncate_from(secrets.clone()));
		assert!(secrets.iter().all(|s| Secrets::<T>::get(s).is_some_and(|i| i.ready)));
	}

	#[benchmark]
	fn submit_task(i: Linear<1, { T::MaxInputs::get() }>) {
		let (who, identity) = requester::<T>();
		let committee = T::BenchmarkHelper::committee_of(4);
		let code = contract::<T>(&who);
		let inputs: Vec<H256> = (0..i).map(|n| ready_secret::<T>(&who, identity, committee, n)).collect();
		#[extrinsic_call]
		_(RawOrigin::Signed(who), code, b"entry".to_vec(), BoundedVec::truncate_from(inputs), BoundedVec::new(), 1_000u32.into());
	}

	/// The commitment of the last member: every member answered, so reveals open.
	#[benchmark]
	fn commit_result(c: Linear<1, { T::MaxCommitteeSize::get() }>) {
		let (task, members) = task_on::<T>(c);
		let (last, others) = members.split_last().expect("a member");
		for m in others {
			Pallet::<T>::commit_result(RawOrigin::Signed(m.clone()).into(), task, commitment_of::<T>(task, m)).expect("member");
		}
		#[extrinsic_call]
		_(RawOrigin::Signed(last.clone()), task, commitment_of::<T>(task, last));
		assert!(!Pallet::<T>::commitments_open(&task));
	}

	/// The reveal that completes the task: the last member's, so every member is paid (the
	/// settlement at the end of a reveal window does the same work).
	#[benchmark]
	fn submit_result(c: Linear<1, { T::MaxCommitteeSize::get() }>) {
		let (task, members) = task_on::<T>(c);
		for m in &members {
			Pallet::<T>::commit_result(RawOrigin::Signed(m.clone()).into(), task, commitment_of::<T>(task, m)).expect("member");
		}
		for m in &members[..members.len() - 1] {
			Pallet::<T>::submit_result(RawOrigin::Signed(m.clone()).into(), task, result_of::<T>(), runs_of::<T>(task, m), SALT).expect("member");
		}
		let last = members[members.len() - 1].clone();
		let runs = runs_of::<T>(task, &last);
		#[extrinsic_call]
		_(RawOrigin::Signed(last), task, result_of::<T>(), runs, SALT);
		assert_eq!(Tasks::<T>::get(task).expect("exists").status, TaskStatus::Completed);
	}

	/// The abort after which no result can reach a majority: the task fails.
	#[benchmark]
	fn abort_task(c: Linear<1, { T::MaxCommitteeSize::get() }>) {
		let (task, members) = task_on::<T>(c);
		// No quorum is possible once more than n - quorum members gave up.
		let fatal = members.len() - T::Workers::quorum(members.len() as u32) as usize + 1;
		for m in &members[..fatal - 1] {
			Pallet::<T>::abort_task(RawOrigin::Signed(m.clone()).into(), task, AbortReason::Unattributed).expect("member");
		}
		let last = members[fatal - 1].clone();
		#[extrinsic_call]
		_(RawOrigin::Signed(last), task, AbortReason::Unattributed);
		assert_eq!(Tasks::<T>::get(task).expect("exists").status, TaskStatus::Failed);
	}

	/// Removing a secret of the largest committee (every member's count changes).
	#[benchmark]
	fn remove_secret() {
		let (who, identity) = requester::<T>();
		let committee = T::BenchmarkHelper::committee_of(T::MaxCommitteeSize::get());
		let secret = ready_secret::<T>(&who, identity, committee, 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), secret);
		assert!(!Secrets::<T>::contains_key(secret));
	}

	#[benchmark]
	fn declassify() {
		let (who, identity) = requester::<T>();
		let committee = T::BenchmarkHelper::committee_of(4);
		let secret = ready_secret::<T>(&who, identity, committee, 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), secret);
	}

	#[benchmark]
	fn remove_contract() {
		let (who, _) = requester::<T>();
		let code = contract::<T>(&who);
		#[extrinsic_call]
		_(RawOrigin::Signed(who), code);
		assert!(!Contracts::<T>::contains_key(code));
	}

	/// `t` finished tasks of a `c`-member committee, every member having submitted, pruned in
	/// one block.
	#[benchmark]
	fn prune_tasks(t: Linear<0, { T::MaxTasksPerBlock::get() }>, c: Linear<1, { T::MaxCommitteeSize::get() }>) {
		let (who, identity) = requester::<T>();
		let committee = T::BenchmarkHelper::committee_of(c);
		let code = contract::<T>(&who);
		let secret = ready_secret::<T>(&who, identity, committee, 0);
		let members = T::Workers::committee(committee).expect("formed");
		for n in 0..t {
			Pallet::<T>::submit_task(RawOrigin::Signed(who.clone()).into(), code, n.to_le_bytes().to_vec(), BoundedVec::truncate_from(vec![secret]), BoundedVec::new(), 1_000u32.into())
				.expect("valid task");
		}
		for task in Tasks::<T>::iter_keys().collect::<Vec<_>>() {
			for m in &members {
				let _ = Pallet::<T>::commit_result(RawOrigin::Signed(m.clone()).into(), task, commitment_of::<T>(task, m));
			}
			for m in &members {
				let _ = Pallet::<T>::submit_result(RawOrigin::Signed(m.clone()).into(), task, result_of::<T>(), runs_of::<T>(task, m), SALT);
			}
		}
		let at = frame_system::Pallet::<T>::block_number().saturating_add(T::TaskDeadline::get()).saturating_add(T::TaskRetention::get());
		#[block]
		{
			Pallet::<T>::on_initialize(at);
		}
		assert!(Tasks::<T>::iter().next().is_none());
	}

	/// `t` tasks of a `c`-member committee expire in one block, nobody having answered.
	#[benchmark]
	fn expire_tasks(t: Linear<0, { T::MaxTasksPerBlock::get() }>, c: Linear<1, { T::MaxCommitteeSize::get() }>) {
		let (who, identity) = requester::<T>();
		let committee = T::BenchmarkHelper::committee_of(c);
		let code = contract::<T>(&who);
		let secret = ready_secret::<T>(&who, identity, committee, 0);
		for n in 0..t {
			Pallet::<T>::submit_task(RawOrigin::Signed(who.clone()).into(), code, n.to_le_bytes().to_vec(), BoundedVec::truncate_from(vec![secret]), BoundedVec::new(), 1u32.into())
				.expect("valid task");
		}
		let deadline = frame_system::Pallet::<T>::block_number().saturating_add(T::TaskDeadline::get());
		#[block]
		{
			Pallet::<T>::on_initialize(deadline);
		}
		assert!(Tasks::<T>::iter_values().all(|task| task.status == TaskStatus::Failed));
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
