use crate as pallet_workers;
use crate::{Offence, TaskEvidence};
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64},
};
use sp_core::H256;
use sp_runtime::{BuildStorage, Perbill};

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Workers: pallet_workers,
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

pub const MIN_STAKE: u64 = 1_000;
/// The task every test report is about; workers 1..=4 were its committee and 4 timed out.
pub const TASK: H256 = H256::repeat_byte(0xaa);
pub const LATE: u64 = 4;

pub struct Record;
impl TaskEvidence<u64> for Record {
	fn verify(task: &H256, offender: &u64, offence: Offence, _proof: &[u8]) -> Option<Vec<u64>> {
		(*task == TASK && *offender == LATE && offence == Offence::Timeout).then(|| vec![1, 2, 3])
	}
}

parameter_types! {
	pub SlashFraction: Perbill = Perbill::from_percent(10);
}

impl pallet_workers::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type MinWorkerStake = ConstU64<MIN_STAKE>;
	type UnbondingPeriod = ConstU64<10>;
	type SlashFraction = SlashFraction;
	type DrawDelay = ConstU64<2>;
	type MaxDrawsPerBlock = ConstU32<4>;
	type DepositBase = ConstU64<5>;
	type DepositPerByte = ConstU64<0>;
	type MinCommitteeSize = ConstU32<3>;
	type CorruptionThreshold = ConstU32<1>;
	type FalseReportPenalty = ConstU64<50>;
	type Evidence = Record;
	type Pinned = frame_support::traits::Nothing;
	type MaxWorkers = ConstU32<8>;
	type MaxCommitteeSize = ConstU32<4>;
	type WeightInfo = ();
}

pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_balances::GenesisConfig::<Test> { balances: (1..=9).map(|a| (a, 10_000)).collect(), ..Default::default() }
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Advance to block `n`, running the registry's `on_initialize` (committee draws) each block,
/// with a parent hash that depends on the block.
pub fn run_to(n: u64) {
	use frame_support::traits::Hooks;
	while System::block_number() < n {
		let next = System::block_number() + 1;
		System::set_parent_hash(H256::from_low_u64_be(next * 7919));
		System::set_block_number(next);
		Workers::on_initialize(next);
	}
}
