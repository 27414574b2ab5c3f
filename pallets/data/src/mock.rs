use crate as pallet_data_registry;
use frame_support::{
	derive_impl,
	traits::{ConstU32, ConstU64, Hooks},
	weights::Weight,
};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		SharedIdentity: pallet_shared_identity,
		DataRegistry: pallet_data_registry,
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

// No record deposit unless a test sets one, so that rent figures stay exact elsewhere.
frame_support::parameter_types! {
	pub static DataDepositBase: u64 = 0;
	pub static DataDepositPerByte: u64 = 0;
	/// [`GRACE`] unless a test shortens it (governance can).
	pub static GraceBlocks: u64 = GRACE;
}

/// Rent: 2 per byte per block; periods of 10 blocks; 5 blocks of grace.
pub const RATE_PER_BYTE: u64 = 2;
pub const PERIOD: u64 = 10;
pub const GRACE: u64 = 5;

impl pallet_data_registry::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Identity = SharedIdentity;
	type RentPerByteBlock = ConstU64<RATE_PER_BYTE>;
	type DepositBase = DataDepositBase;
	type DepositPerByte = DataDepositPerByte;
	type GracePeriod = GraceBlocks;
	type RentPeriod = ConstU64<PERIOD>;
	type MaxDataSize = ConstU32<1024>;
	type MaxExpiriesPerBlock = ConstU32<4>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = BenchHelper;
}

#[cfg(feature = "runtime-benchmarks")]
pub struct BenchHelper;
#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<u64> for BenchHelper {
	fn identity_of(who: &u64) -> sp_core::H256 {
		use pallet_shared_identity::predicate::{Grant, Node, Permission};
		let grant = Grant {
			permissions: frame_support::BoundedVec::truncate_from(vec![Permission::Read, Permission::Store, Permission::Admin]),
			predicate: frame_support::BoundedVec::truncate_from(vec![Node::Always]),
		};
		let members = frame_support::BoundedVec::truncate_from(vec![(*who, frame_support::BoundedVec::truncate_from(vec![grant]))]);
		SharedIdentity::create(RuntimeOrigin::signed(*who), members).expect("valid identity");
		pallet_shared_identity::Pallet::<Test>::address_of([*who].iter())
	}
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> { balances: vec![(1, 1_000_000), (2, 1_000_000), (3, 1_000)], ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Advance to block `n`, giving every block's `on_idle` unlimited weight.
pub fn run_to(n: u64) {
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_block_number(next);
		DataRegistry::on_idle(next, Weight::MAX);
	}
}
