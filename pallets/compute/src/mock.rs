use crate as pallet_secret_compute;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64, Hooks},
};
use sp_runtime::{BuildStorage, Perbill};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		SharedIdentity: pallet_shared_identity,
		Workers: pallet_workers,
		SecretCompute: pallet_secret_compute,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = u64;
	type Lookup = sp_runtime::traits::IdentityLookup<u64>;
	type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type RuntimeHoldReason = RuntimeHoldReason;
}

impl pallet_shared_identity::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type DepositBase = ConstU64<1>;
	type DepositPerByte = ConstU64<0>;
	type CosignLifetime = ConstU64<10>;
	type MaxMembers = ConstU32<8>;
	type MaxRecordSize = ConstU32<{ 32 * 1024 }>;
	type WeightInfo = ();
}

parameter_types! {
	/// The price of a multiplication: a storage parameter, so a test can change it mid-task as
	/// governance may.
	pub storage GasPriceMul: u64 = 100;
	pub SlashFraction: Perbill = Perbill::from_percent(10);
	/// Fee units per microsecond of weight: none unless a test sets it, so that the other
	/// tests' arithmetic stays readable.
	pub static FeePerMicro: u64 = 0;
}

/// The transaction fee of a weight, at [`FeePerMicro`].
pub struct MockWeightToFee;
impl frame_support::weights::WeightToFee for MockWeightToFee {
	type Balance = u64;
	fn weight_to_fee(weight: &frame_support::weights::Weight) -> u64 {
		weight.ref_time() / 1_000_000 * FeePerMicro::get()
	}
}

pub const STAKE: u64 = 10_000;

impl pallet_workers::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type MinWorkerStake = ConstU64<5_000>;
	type UnbondingPeriod = ConstU64<10>;
	type SlashFraction = SlashFraction;
	type DrawDelay = ConstU64<2>;
	type MaxDrawsPerBlock = ConstU32<4>;
	type DepositBase = ConstU64<DEPOSIT_BASE>;
	type DepositPerByte = ConstU64<0>;
	type MinCommitteeSize = ConstU32<3>;
	type CorruptionThreshold = ConstU32<1>;
	type FalseReportPenalty = ConstU64<50>;
	type Evidence = SecretCompute;
	type Pinned = SecretCompute;
	type MaxWorkers = ConstU32<16>;
	type MaxCommitteeSize = ConstU32<8>;
	type WeightInfo = ();
}

pub const DEADLINE: u64 = 5;
pub const REVEAL_DELAY: u64 = 2;
pub const REVEAL_WINDOW: u64 = 3;
/// Every record's deposit (per byte: nothing, so the arithmetic of the tests stays readable).
pub const DEPOSIT_BASE: u64 = 7;
/// A task's records are pruned 3 blocks after its deadline.
pub const RETENTION: u64 = 3;

impl pallet_secret_compute::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Identity = SharedIdentity;
	type Workers = Workers;
	type GasPriceAdd = ConstU64<1>;
	type GasPriceMul = GasPriceMul;
	type GasPriceOpen = ConstU64<100>;
	type GasPriceInput = ConstU64<200>;
	type GasPriceRound = ConstU64<1_000>;
	type MinRequesterBalance = ConstU64<1_000>;
	type WeightToFee = MockWeightToFee;
	type TaskDeadline = ConstU64<DEADLINE>;
	type RevealDelay = ConstU64<REVEAL_DELAY>;
	type RevealWindow = ConstU64<REVEAL_WINDOW>;
	type DepositBase = ConstU64<DEPOSIT_BASE>;
	type DepositPerByte = ConstU64<0>;
	type TaskRetention = ConstU64<RETENTION>;
	type MaxCodeSize = ConstU32<1024>;
	type MaxInputs = ConstU32<8>;
	type MaxInputOwners = ConstU32<2>;
	type MaxPublicArgs = ConstU32<64>;
	type MaxOutputs = ConstU32<64>;
	type MaxNewSecrets = ConstU32<4>;
	type MaxSecretBatch = ConstU32<16>;
	type MaxLedgerWrites = ConstU32<4>;
	type MaxHistory = ConstU32<3>;
	type MaxTasksPerBlock = ConstU32<4>;
	type MaxCommitteeSize = ConstU32<8>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchHelper;
}

#[cfg(feature = "runtime-benchmarks")]
pub struct BenchHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<u64> for BenchHelper {
	fn identity_of(who: &u64) -> sp_core::H256 {
		use frame_support::traits::fungible::Mutate;
		use pallet_shared_identity::predicate::{Grant, Node, Permission};
		let _ = Balances::set_balance(who, 1_000_000_000);
		let all = vec![Permission::Read, Permission::Store, Permission::Compute, Permission::Declassify, Permission::Admin];
		let grant = Grant { permissions: frame_support::BoundedVec::truncate_from(all), predicate: frame_support::BoundedVec::truncate_from(vec![Node::Always]) };
		let members = frame_support::BoundedVec::truncate_from(vec![(*who, frame_support::BoundedVec::truncate_from(vec![grant]))]);
		let _ = SharedIdentity::create(RuntimeOrigin::signed(*who), members);
		pallet_shared_identity::Pallet::<Test>::address_of([*who].iter())
	}
	fn committee_of(size: u32) -> pallet_workers::CommitteeId {
		use frame_support::traits::fungible::Mutate;
		let size = size.max(Workers::min_committee_size());
		for i in 0..size as u64 {
			let w = 1_000 + i;
			let _ = Balances::set_balance(&w, 1_000_000);
			let _ = { let (peer, proof) = pallet_workers::test_peer(&w, w as u8, &[1; 32]); Workers::register(RuntimeOrigin::signed(w), peer, [1; 32], STAKE, proof) };
		}
		let _ = Workers::request_committee(RuntimeOrigin::signed(1_000), size);
		let id = pallet_workers::NextCommitteeId::<Test>::get() - 1;
		let draw_at = pallet_workers::PendingCommittees::<Test>::get(id).map(|p| p.draw_at).unwrap_or_default();
		<Workers as frame_support::traits::Hooks<u64>>::on_initialize(draw_at);
		id
	}
}

/// Accounts: 1 the data owner and requester, 2 a poor requester, 11..=17 workers.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	let mut balances = vec![(1, 1_000_000), (2, 500), (3, 1_000_000)];
	balances.extend((11..=17).map(|w| (w, 100_000)));
	pallet_balances::GenesisConfig::<Test> { balances, ..Default::default() }.assimilate_storage(&mut storage).unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

pub fn run_to(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		Workers::on_initialize(next);
		SecretCompute::on_initialize(next);
	}
}

/// Request a committee of `size` and wait for its draw; returns its id.
pub fn committee(size: u32) -> pallet_workers::CommitteeId {
	frame_support::assert_ok!(Workers::request_committee(RuntimeOrigin::signed(1), size));
	let id = pallet_workers::NextCommitteeId::<Test>::get() - 1;
	run_to(pallet_workers::PendingCommittees::<Test>::get(id).expect("requested").draw_at);
	id
}
