//! The runtime's validator machinery end to end, in the native runtime: a GRANDPA equivocation
//! reported with a key-ownership proof from the session pallet's historical roots costs the
//! equivocator its seat at the next session.

use crate::{
	genesis_config_presets::local_config_genesis, Grandpa, Historical, Runtime, RuntimeEvent, UNIT, RuntimeGenesisConfig, RuntimeOrigin,
	Session, System,
};
use frame_support::{assert_ok, traits::KeyOwnerProofSystem};
use sp_core::{Pair, H256};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// `patch` merged into `base`, objects key by key, as the node merges a preset into the default
/// genesis config.
fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
			for (key, value) in patch {
				merge(base.entry(key).or_insert(serde_json::Value::Null), value);
			}
		},
		(base, patch) => *base = patch,
	}
}

/// The local testnet's genesis (Alice, Bob, Charlie and Dave validating), built from its preset
/// as the node builds it.
fn local_testnet() -> sp_io::TestExternalities {
	let mut ext = sp_io::TestExternalities::default();
	ext.execute_with(|| {
		let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).expect("JSON");
		merge(&mut config, local_config_genesis());
		frame_support::genesis_builder_helper::build_state::<RuntimeGenesisConfig>(serde_json::to_vec(&config).expect("JSON"))
			.expect("the preset builds");
		System::set_block_number(1);
	});
	ext
}

/// Two prevotes in one round for different blocks, both signed by `keyring`.
fn equivocation(set_id: u64, keyring: Ed25519Keyring) -> sp_consensus_grandpa::EquivocationProof<H256, u32> {
	let vote = |target: H256| {
		let prevote = finality_grandpa::Prevote { target_hash: target, target_number: 10u32 };
		let payload = sp_consensus_grandpa::localized_payload(1, set_id, &finality_grandpa::Message::Prevote(prevote.clone()));
		(prevote, keyring.pair().sign(&payload).into())
	};
	sp_consensus_grandpa::EquivocationProof::new(
		set_id,
		sp_consensus_grandpa::Equivocation::Prevote(finality_grandpa::Equivocation {
			round_number: 1,
			identity: keyring.public().into(),
			first: vote(H256::repeat_byte(1)),
			second: vote(H256::repeat_byte(2)),
		}),
	)
}

#[test]
fn a_grandpa_equivocation_costs_the_validator_its_seat() {
	local_testnet().execute_with(|| {
		assert_eq!(Session::validators().len(), 4);
		let proof = equivocation(Grandpa::current_set_id(), Ed25519Keyring::Bob);
		let owner = Historical::prove((sp_consensus_grandpa::KEY_TYPE, sp_consensus_grandpa::AuthorityId::from(Ed25519Keyring::Bob.public())))
			.expect("Bob's GRANDPA key belongs to a validator of this session");
		assert_ok!(Grandpa::report_equivocation_unsigned(RuntimeOrigin::none(), Box::new(proof), owner));
		let bob = Sr25519Keyring::Bob.to_account_id();
		assert!(System::events().iter().any(|r| matches!(
			&r.event,
			RuntimeEvent::ValidatorSet(pallet_validator_set::Event::ValidatorPunished { validator, .. }) if *validator == bob
		)));
		assert!(!pallet_validator_set::Validators::<Runtime>::get().contains(&bob));
		// Two session boundaries later Bob no longer validates.
		Session::rotate_session();
		Session::rotate_session();
		assert!(!Session::validators().contains(&bob));
		assert_eq!(Session::validators().len(), 3);
	});
}

/// Attacker review: the historical pallet noted a root every session and nothing pruned them,
/// state growing for ever without a deposit. Only the sessions equivocation reports can still
/// prove membership in are kept, and a report within them still works.
#[test]
fn historical_sessions_are_pruned_past_what_reports_need() {
	local_testnet().execute_with(|| {
		for _ in 0..30 {
			Session::rotate_session();
		}
		let (first, end) = pallet_session::historical::StoredRange::<Runtime>::get().expect("sessions noted");
		assert!(end > Session::current_index(), "the current session is noted");
		// From the last one pruned at the current session's start to the next one, noted already.
		assert!(end - first <= crate::HISTORICAL_SESSIONS + 2, "kept sessions {first}..{end}");
		assert!(pallet_session::historical::HistoricalSessions::<Runtime>::get(first.saturating_sub(1)).is_none());
		assert!(pallet_session::historical::HistoricalSessions::<Runtime>::get(0).is_none(), "the genesis session is gone");
		let proof = equivocation(Grandpa::current_set_id(), Ed25519Keyring::Bob);
		let owner = Historical::prove((sp_consensus_grandpa::KEY_TYPE, sp_consensus_grandpa::AuthorityId::from(Ed25519Keyring::Bob.public())))
			.expect("a validator of this session");
		assert_ok!(Grandpa::report_equivocation_unsigned(RuntimeOrigin::none(), Box::new(proof), owner));
	});
}

/// A run's running set has a bit per committee member (`pallet_secret_compute::Run`): the
/// committees the workers pallet draws must fit it, or their 33rd member could never vote.
#[test]
fn committees_fit_a_running_set() {
	use frame_support::traits::Get;
	let drawn: u32 = <Runtime as pallet_workers::Config>::MaxCommitteeSize::get();
	let voting: u32 = <Runtime as pallet_secret_compute::Config>::MaxCommitteeSize::get();
	assert!(drawn <= 32 && voting <= 32, "committees of {drawn} and {voting} members");
}

/// Every call of the Enigma pallets, weighed as it is charged at its largest parameters, fits
/// the normal-dispatch limit of one extrinsic, and the per-block hooks at their worst fit in a
/// block beside it: nobody can submit a call the chain cannot include, and no hook can fill a
/// block.
#[test]
fn worst_case_weights_fit_in_a_block() {
	use frame_support::{dispatch::DispatchClass, traits::Get, weights::Weight};
	use pallet_data_registry::WeightInfo as _;
	use pallet_secret_compute::WeightInfo as _;
	use pallet_shared_identity::WeightInfo as _;
	use pallet_validator_set::WeightInfo as _;
	use pallet_workers::WeightInfo as _;
	type Identity = pallet_shared_identity::weights::SubstrateWeight<Runtime>;
	type Data = pallet_data_registry::weights::SubstrateWeight<Runtime>;
	type Workers = pallet_workers::weights::SubstrateWeight<Runtime>;
	type Compute = pallet_secret_compute::weights::SubstrateWeight<Runtime>;
	type Validators = pallet_validator_set::weights::SubstrateWeight<Runtime>;
	let members = <Runtime as pallet_shared_identity::Config>::MaxMembers::get();
	let committee = <Runtime as pallet_workers::Config>::MaxCommitteeSize::get();
	let tasks = <Runtime as pallet_secret_compute::Config>::MaxTasksPerBlock::get();
	let batch = <Runtime as pallet_secret_compute::Config>::MaxSecretBatch::get();
	let handovers = pallet_secret_compute::handover::HANDOVER_BATCH;
	let calls: [(&str, Weight); 24] = [
		("sharedIdentity.create", Identity::create(members)),
		("sharedIdentity.setPolicy", Identity::set_policy(members)),
		("sharedIdentity.cosign", Identity::cosign(members)),
		("sharedIdentity.clearCosigns", Identity::clear_cosigns(members)),
		("dataRegistry.store", Data::store().saturating_add(pallet_data_registry::Pallet::<Runtime>::deposit_weight()).saturating_add(pallet_data_registry::Pallet::<Runtime>::schedule_weight())),
		("workers.register", Workers::register()),
		(
			"workers.requestCommittee",
			Workers::request_committee(<Runtime as pallet_workers::Config>::MaxWorkers::get(), committee)
				.saturating_add(pallet_workers::schedule_weight::<Runtime>(<Runtime as pallet_workers::Config>::MaxDrawsPerBlock::get(), 4)),
		),
		(
			"workers.report",
			Workers::report(committee).saturating_add(pallet_workers::proof_check_weight::<Runtime>(pallet_workers::MAX_PROOF_LEN as usize)),
		),
		("workers.dissolveCommittee", Workers::dissolve_committee(committee)),
		("secretCompute.registerContract", Compute::register_contract(<Runtime as pallet_secret_compute::Config>::MaxCodeSize::get())),
		("secretCompute.registerSecrets", Compute::register_secrets(batch)),
		("secretCompute.ackSecrets", pallet_secret_compute::Pallet::<Runtime>::acks_weight(batch)),
		(
			"secretCompute.submitTask",
			pallet_secret_compute::Pallet::<Runtime>::submit_task_weight(<Runtime as pallet_secret_compute::Config>::MaxInputs::get()),
		),
		("secretCompute.submitResult", pallet_secret_compute::Pallet::<Runtime>::reveal_weight(committee)),
		("secretCompute.abortTask", Compute::abort_task(committee)),
		("secretCompute.declassify", Compute::declassify()),
		("secretCompute.handOverSecrets", pallet_secret_compute::Pallet::<Runtime>::hand_over_weight(handovers)),
		("secretCompute.dealHandovers", pallet_secret_compute::Pallet::<Runtime>::deal_weight(handovers)),
		("secretCompute.takeHandovers", pallet_secret_compute::Pallet::<Runtime>::handover_step_weight(handovers)),
		("secretCompute.handOverRotated", pallet_secret_compute::Pallet::<Runtime>::hand_over_rotated_weight(handovers)),
		("secretCompute.proveFalseDealing", pallet_secret_compute::Pallet::<Runtime>::prove_false_weight()),
		(
			"secretCompute.rotateCommittee",
			<pallet_workers::Pallet<Runtime> as pallet_workers::WorkerRegistry<crate::AccountId>>::request_committee_weight(<Runtime as pallet_workers::Config>::MaxCommitteeSize::get()),
		),
		("validatorSet.addValidator", Validators::add_validator(<Runtime as pallet_validator_set::Config>::MaxValidators::get())),
		("validatorSet.removeValidator", Validators::remove_validator(<Runtime as pallet_validator_set::Config>::MaxValidators::get())),
	];
	let block = <Runtime as frame_system::Config>::BlockWeights::get();
	let limit = block.get(DispatchClass::Normal).max_extrinsic.expect("normal extrinsics are limited");
	for (call, weight) in calls {
		assert!(weight.all_lte(limit), "{call} weighs {weight:?}, over the limit {limit:?}");
	}
	// As many tasks as a block may end (settled or at their deadline), each with the costliest
	// outcome (a minority of the largest committee slashed, the others paid), and as many old
	// tasks pruned.
	let hooks = (0..=tasks)
		.map(|settled| pallet_secret_compute::Pallet::<Runtime>::hooks_weight(settled, tasks - settled, tasks))
		.fold(Weight::zero(), |worst, w| worst.max(w))
		.saturating_add(Data::sweep_block(<Runtime as pallet_data_registry::Config>::MaxExpiriesPerBlock::get()))
		.saturating_add(Workers::request_committee(<Runtime as pallet_workers::Config>::MaxWorkers::get(), committee).saturating_mul(
			<<Runtime as pallet_workers::Config>::MaxDrawsPerBlock as Get<u32>>::get() as u64,
		));
	assert!(hooks.all_lte(block.max_block / 2), "the hooks weigh {hooks:?} at worst, over half a block ({:?})", block.max_block);
	// The data sweep runs in what a block leaves idle (at least the quarter normal extrinsics
	// cannot take): one scheduled block's looks at their worst fit there, so it keeps up.
	let sweep = pallet_data_registry::Pallet::<Runtime>::sweep_block_weight();
	assert!(sweep.all_lte(block.max_block / 4), "a scheduled block's looks weigh {sweep:?}, over a quarter block ({:?})", block.max_block);
}

/// What a requester prepays for its committee's free answers (commitments, reveals): enough that
/// the answers are not free block space, small beside a task's gas. Printed for the docs with
/// `--nocapture`.
#[test]
fn the_answers_of_a_committee_cost_a_fraction_of_a_unit() {
	for members in [4u32, 32] {
		let fee = pallet_secret_compute::Pallet::<Runtime>::answers_fee(members);
		let acks = pallet_secret_compute::Pallet::<Runtime>::acks_fee(members, 1);
		println!("committee of {members}: answers to a task {fee} ({:.4} ENG), acknowledgements of a secret {acks} ({:.4} ENG)", fee as f64 / UNIT as f64, acks as f64 / UNIT as f64);
		assert!(fee > UNIT / 10_000 && acks > UNIT / 100_000, "a committee's answers are not free block space");
		assert!(fee < UNIT && acks < UNIT / 10, "a committee's answers cost less than a unit");
	}
}
