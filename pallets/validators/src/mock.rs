use crate as pallet_validator_set;
use frame_support::{derive_impl, parameter_types, traits::ConstU32};
use frame_system::EnsureRoot;
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		ValidatorSet: pallet_validator_set,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = u64;
	type Lookup = sp_runtime::traits::IdentityLookup<u64>;
}

impl pallet_validator_set::Config for Test {
	type RuntimeEvent = RuntimeEvent;
	type AddRemoveOrigin = EnsureRoot<u64>;
	type MinValidators = ConstU32<2>;
	type MaxValidators = ConstU32<8>;
	type Keys = Keyed;
	type WeightInfo = ();
}

parameter_types! {
	/// Accounts that have not registered session keys (every other one has).
	pub static Keyless: Vec<u64> = vec![];
}

pub struct Keyed;
impl crate::SessionKeys<u64> for Keyed {
	fn registered(who: &u64) -> bool {
		!Keyless::get().contains(who)
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn register(who: &u64) {
		Keyless::mutate(|keyless| keyless.retain(|k| k != who));
	}
}

/// Validators 1, 2, 3 at genesis.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
	pallet_validator_set::GenesisConfig::<Test> { validators: vec![1, 2, 3] }.assimilate_storage(&mut storage).unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
