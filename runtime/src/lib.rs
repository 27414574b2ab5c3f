//! The Enigma runtime.
//!
//! Standard FRAME pallets (balances, fees, sudo, Aura + GRANDPA) plus the governance layer every
//! Enigma pallet reads its prices and limits from: `pallet-parameters` holding the typed
//! [`parameters::dynamic_params`], changeable by root or by a majority of the `Council`.
//!
//! Validators: `pallet-validator-set` (governance adds and removes them) feeds `pallet-session`,
//! which rotates their Aura and GRANDPA keys every [`SESSION_PERIOD`] blocks; GRANDPA
//! equivocations are reported through `pallet-offences` with key-ownership proofs from
//! `pallet-session`'s historical roots, and cost the equivocator its seat; block authors
//! (`pallet-authorship`) receive 80% of transaction fees and all tips, the rest is burned.

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime` and `impl_runtime_apis` expand to a lot of code.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

pub mod apis;
pub mod genesis_config_presets;
pub mod parameters;
#[cfg(test)]
mod tests;

use alloc::vec::Vec;
use frame_support::{
	derive_impl, parameter_types,
	traits::{
		fungible::{Balanced, Credit},
		AsEnsureOriginWithArg, ConstBool, ConstU128, ConstU32, ConstU64, ConstU8, EitherOfDiverse, Imbalance,
		OnUnbalanced, VariantCountOf,
	},
	weights::{
		constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		IdentityFee, Weight,
	},
};
use frame_system::EnsureRoot;
use pallet_transaction_payment::{ConstFeeMultiplier, FungibleAdapter, Multiplier};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_core::H256;
use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, One, Verify},
	MultiAddress, MultiSignature, Perbill,
};
use sp_version::RuntimeVersion;

pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
#[cfg(feature = "std")]
pub use sp_runtime::BuildStorage;

/// An index to a block.
pub type BlockNumber = u32;
/// Transaction signature: sr25519, ed25519 or ecdsa.
pub type Signature = MultiSignature;
/// An account is identified by the public key of its signing scheme.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// Balance of an account, in plancks (10^-12 ENG).
pub type Balance = u128;
/// Index of a transaction in the chain.
pub type Nonce = u32;
/// A hash of some data used by the chain.
pub type Hash = H256;

/// One ENG: the chain's token has 12 decimals.
pub const UNIT: Balance = 1_000_000_000_000;
pub const MILLI_UNIT: Balance = UNIT / 1_000;
pub const MICRO_UNIT: Balance = UNIT / 1_000_000;
/// An account holding less than this is reaped.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;

/// Target block time. Three seconds keeps the local testnet's tests short while leaving room for
/// four validators on a two-core machine.
pub const MILLI_SECS_PER_BLOCK: u64 = 3000;
/// Aura's slot length; it cannot change once the chain has started.
pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;
pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
/// Blocks per session: a validator set change takes effect two sessions (a minute) later.
pub const SESSION_PERIOD: BlockNumber = 10;
pub const HOURS: BlockNumber = MINUTES * 60;
pub const DAYS: BlockNumber = HOURS * 24;

/// Opaque types, so that the node needs no knowledge of the runtime's extrinsic format.
pub mod opaque {
	use super::*;
	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	pub type BlockId = generic::BlockId<Block>;

	impl_opaque_keys! {
		pub struct SessionKeys {
			pub aura: Aura,
			pub grandpa: Grandpa,
		}
	}
}

#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("enigma"),
	impl_name: alloc::borrow::Cow::Borrowed("enigma"),
	authoring_version: 1,
	// Bump on every change of runtime logic; `system.apply_authorized_upgrade` requires it.
	spec_version: 131,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	// Bump when a call's arguments change (6: `submit_result` takes runs with who ran them).
	transaction_version: 6,
	system_version: 1,
};

const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

parameter_types! {
	pub const BlockHashCount: BlockNumber = 2400;
	pub const Version: RuntimeVersion = VERSION;
	/// A third of the block time for compute.
	pub RuntimeBlockWeights: frame_system::limits::BlockWeights =
		frame_system::limits::BlockWeights::with_sensible_defaults(
			Weight::from_parts(WEIGHT_REF_TIME_PER_SECOND, u64::MAX),
			NORMAL_DISPATCH_RATIO,
		);
	pub RuntimeBlockLength: frame_system::limits::BlockLength =
		frame_system::limits::BlockLength::builder()
			.max_length(5 * 1024 * 1024)
			.modify_max_length_for_class(frame_support::dispatch::DispatchClass::Normal, |max| {
				*max = NORMAL_DISPATCH_RATIO * *max
			})
			.build();
	pub const SS58Prefix: u8 = 42;
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	// The node stores state in ParityDb only.
	type DbWeight = ParityDbWeight;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = Session;
	type MaxAuthorities = ConstU32<32>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

parameter_types! {
	/// An equivocation report stays valid for six sessions.
	pub const ReportLongevity: u64 = 6 * SESSION_PERIOD as u64;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<32>;
	type MaxNominators = ConstU32<0>;
	/// Set ids are remembered per session for as long as reports are valid.
	type MaxSetIdSessionEntries = ConstU64<6>;
	type KeyOwnerProof = sp_session::MembershipProof;
	type EquivocationReportSystem = pallet_grandpa::EquivocationReportSystem<Self, Offences, Historical, ReportLongevity>;
}

impl pallet_authorship::Config for Runtime {
	type FindAuthor = pallet_session::FindAccountFromAuthorIndex<Self, Aura>;
	type EventHandler = ();
}

/// Sessions whose validator sets stay provable: as long as an equivocation report is valid
/// (`ReportLongevity` is six sessions of blocks), and one more.
pub const HISTORICAL_SESSIONS: u32 = 7;

/// The validator set's sessions, each noted in the historical pallet (what equivocation
/// reports prove membership against), and the notes older than [`HISTORICAL_SESSIONS`]
/// pruned: kept for ever, one a session, they grew the state without a bound or a deposit.
pub struct PrunedHistory;

impl pallet_session::SessionManager<AccountId> for PrunedHistory {
	fn new_session(index: u32) -> Option<Vec<AccountId>> {
		<pallet_session::historical::NoteHistoricalRoot<Runtime, ValidatorSet> as pallet_session::SessionManager<AccountId>>::new_session(index)
	}
	fn new_session_genesis(index: u32) -> Option<Vec<AccountId>> {
		<pallet_session::historical::NoteHistoricalRoot<Runtime, ValidatorSet> as pallet_session::SessionManager<AccountId>>::new_session_genesis(index)
	}
	fn end_session(index: u32) {
		<pallet_session::historical::NoteHistoricalRoot<Runtime, ValidatorSet> as pallet_session::SessionManager<AccountId>>::end_session(index)
	}
	fn start_session(index: u32) {
		<pallet_session::historical::NoteHistoricalRoot<Runtime, ValidatorSet> as pallet_session::SessionManager<AccountId>>::start_session(index);
		// At most 16 a session: a chain upgraded to this runtime catches up over a few sessions,
		// not in one block.
		let first = pallet_session::historical::StoredRange::<Runtime>::get().map_or(0, |(first, _)| first);
		Historical::prune_up_to(index.saturating_sub(HISTORICAL_SESSIONS).min(first.saturating_add(16)));
	}
}

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	type ValidatorIdOf = sp_runtime::traits::ConvertInto;
	type ShouldEndSession = pallet_session::PeriodicSessions<ConstU32<SESSION_PERIOD>, ConstU32<0>>;
	type NextSessionRotation = pallet_session::PeriodicSessions<ConstU32<SESSION_PERIOD>, ConstU32<0>>;
	type SessionManager = PrunedHistory;
	type SessionHandler = <opaque::SessionKeys as sp_runtime::traits::OpaqueKeys>::KeyTypeIdProviders;
	type Keys = opaque::SessionKeys;
	type DisablingStrategy = pallet_session::disabling::UpToLimitWithReEnablingDisablingStrategy;
	type WeightInfo = ();
	type Currency = Balances;
	/// Registered session keys are a record like any other: they hold a deposit.
	type KeyDeposit = ConstU128<{ 10 * MILLI_UNIT }>;
}

/// Validators carry no further identification into offence reports.
pub struct NoIdentification;
impl sp_runtime::traits::Convert<AccountId, Option<()>> for NoIdentification {
	fn convert(_: AccountId) -> Option<()> {
		Some(())
	}
}

impl pallet_session::historical::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type FullIdentification = ();
	type FullIdentificationOf = NoIdentification;
}

impl pallet_offences::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type IdentificationTuple = pallet_session::historical::IdentificationTuple<Self>;
	type OnOffenceHandler = ValidatorSet;
}

impl pallet_validator_set::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type AddRemoveOrigin = RootOrCouncilMajority;
	type MinValidators = ConstU32<1>;
	type MaxValidators = ConstU32<32>;
	type Keys = RegisteredKeys;
	type WeightInfo = pallet_validator_set::weights::SubstrateWeight<Runtime>;
}

/// Validators' session keys as pallet-session holds them (the keys of the next session).
pub struct RegisteredKeys;
impl pallet_validator_set::SessionKeys<AccountId> for RegisteredKeys {
	fn registered(who: &AccountId) -> bool {
		pallet_session::NextKeys::<Runtime>::contains_key(who)
	}
	#[cfg(feature = "runtime-benchmarks")]
	fn register(who: &AccountId) {
		let seed = sp_core::blake2_256(&codec::Encode::encode(who));
		let keys = opaque::SessionKeys {
			aura: sp_core::sr25519::Public::from_raw(seed).into(),
			grandpa: sp_core::ed25519::Public::from_raw(seed).into(),
		};
		pallet_session::NextKeys::<Runtime>::insert(who, keys);
	}
}

/// Unsigned transactions the runtime creates itself (GRANDPA equivocation reports).
impl<LocalCall> frame_system::offchain::CreateTransactionBase<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	type Extrinsic = UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<LocalCall> frame_system::offchain::CreateBare<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	fn create_bare(call: RuntimeCall) -> UncheckedExtrinsic {
		UncheckedExtrinsic::new_bare(call)
	}
}

/// Transaction fees: 80% to the block's author, 20% burned; tips all to the author.
pub struct DealWithFees;
impl OnUnbalanced<Credit<AccountId, Balances>> for DealWithFees {
	fn on_unbalanceds(mut fees_then_tips: impl Iterator<Item = Credit<AccountId, Balances>>) {
		let Some(fees) = fees_then_tips.next() else { return };
		let (mut to_author, _burned) = fees.ration(80, 20);
		if let Some(tips) = fees_then_tips.next() {
			to_author.subsume(tips);
		}
		if let Some(author) = Authorship::author() {
			let _ = <Balances as Balanced<AccountId>>::resolve(&author, to_author);
		}
	}
}

impl pallet_timestamp::Config for Runtime {
	/// Milliseconds since the Unix epoch.
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = ();
}

impl pallet_balances::Config for Runtime {
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ();
	type ReserveIdentifier = [u8; 8];
	type Balance = Balance;
	type RuntimeEvent = RuntimeEvent;
	type DustRemoval = ();
	type ExistentialDeposit = frame_support::traits::ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type DoneSlashHandler = ();
}

parameter_types! {
	pub FeeMultiplier: Multiplier = Multiplier::one();
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OnChargeTransaction = FungibleAdapter<Balances, DealWithFees>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightToFee = IdentityFee<Balance>;
	type LengthToFee = IdentityFee<Balance>;
	type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	pub const CouncilMotionDuration: BlockNumber = 5 * MINUTES;
	pub const CouncilMaxProposals: u32 = 100;
	pub const CouncilMaxMembers: u32 = 32;
	pub MaxProposalWeight: Weight = Perbill::from_percent(50) * RuntimeBlockWeights::get().max_block;
}

/// The council: a `pallet-collective` instance whose majority may change Enigma parameters.
pub type CouncilCollective = pallet_collective::Instance1;

impl pallet_collective::Config<CouncilCollective> for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type MotionDuration = CouncilMotionDuration;
	type MaxProposals = CouncilMaxProposals;
	type MaxMembers = CouncilMaxMembers;
	type DefaultVote = pallet_collective::PrimeDefaultVote;
	type WeightInfo = pallet_collective::weights::SubstrateWeight<Runtime>;
	type SetMembersOrigin = EnsureRoot<AccountId>;
	type MaxProposalWeight = MaxProposalWeight;
	type DisapproveOrigin = EnsureRoot<AccountId>;
	type KillOrigin = EnsureRoot<AccountId>;
	type Consideration = ();
}

/// Root, or more than half of the council.
pub type RootOrCouncilMajority = EitherOfDiverse<
	EnsureRoot<AccountId>,
	pallet_collective::EnsureProportionMoreThan<AccountId, CouncilCollective, 1, 2>,
>;

impl pallet_parameters::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeParameters = parameters::RuntimeParameters;
	type AdminOrigin = AsEnsureOriginWithArg<RootOrCouncilMajority>;
	type WeightInfo = ();
}

impl pallet_shared_identity::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type DepositBase = parameters::bounded::StateDepositBase;
	type DepositPerByte = parameters::bounded::StateDepositPerByte;
	/// An hour of six-second blocks.
	type CosignLifetime = ConstU32<600>;
	type MaxMembers = ConstU32<16>;
	// Sixteen members whose policies name a few keys each, changing all at once.
	type MaxRecordSize = ConstU32<{ 32 * 1024 }>;
	type WeightInfo = pallet_shared_identity::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// A rent period: 100 blocks, five minutes.
	pub const RentPeriod: BlockNumber = 100;
}

impl pallet_data_registry::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Identity = SharedIdentity;
	type RentPerByteBlock = parameters::bounded::RentPerByteBlock;
	type DepositBase = parameters::bounded::StateDepositBase;
	type DepositPerByte = parameters::bounded::StateDepositPerByte;
	type GracePeriod = parameters::bounded::GracePeriod;
	type RentPeriod = RentPeriod;
	type MaxDataSize = ConstU32<{ 64 * 1024 * 1024 }>;
	type MaxExpiriesPerBlock = ConstU32<64>;
	type WeightInfo = pallet_data_registry::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = benches::DataBenchmarkHelper;
}

impl pallet_workers::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type MinWorkerStake = parameters::bounded::MinWorkerStake;
	type UnbondingPeriod = parameters::bounded::UnbondingPeriod;
	type SlashFraction = parameters::bounded::SlashFraction;
	type DrawDelay = ConstU32<2>;
	type MaxDrawsPerBlock = ConstU32<16>;
	type DepositBase = parameters::bounded::StateDepositBase;
	type DepositPerByte = parameters::bounded::StateDepositPerByte;
	type MinCommitteeSize = parameters::bounded::CommitteeSize;
	type CorruptionThreshold = parameters::bounded::CorruptionThreshold;
	type FalseReportPenalty = frame_support::traits::ConstU128<{ 10 * UNIT }>;
	type Evidence = SecretCompute;
	type Pinned = SecretCompute;
	type MaxWorkers = ConstU32<256>;
	type MaxCommitteeSize = ConstU32<32>;
	type WeightInfo = pallet_workers::weights::SubstrateWeight<Runtime>;
}

impl pallet_secret_compute::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Identity = SharedIdentity;
	type Workers = Workers;
	type GasPriceAdd = parameters::bounded::GasPriceAdd;
	type GasPriceMul = parameters::bounded::GasPriceMul;
	type GasPriceOpen = parameters::bounded::GasPriceOpen;
	type GasPriceInput = parameters::bounded::GasPriceInput;
	type GasPriceRound = parameters::bounded::GasPriceRound;
	type MinRequesterBalance = parameters::bounded::MinRequesterBalance;
	// The members' free answers are prepaid at the transaction fee's rate.
	type WeightToFee = IdentityFee<Balance>;
	type TaskDeadline = parameters::bounded::TaskDeadline;
	type RevealDelay = ConstU32<4>;
	type RevealWindow = ConstU32<5>;
	type DepositBase = parameters::bounded::StateDepositBase;
	type DepositPerByte = parameters::bounded::StateDepositPerByte;
	/// A day of six-second blocks.
	type TaskRetention = ConstU32<14_400>;
	type MaxCodeSize = ConstU32<{ 64 * 1024 }>;
	/// Ten thousand salaries in one task: at its measured 16 µs and one read per input, the
	/// largest `submit_task` takes about a third of a block's normal weight.
	type MaxInputs = ConstU32<10_240>;
	type MaxInputOwners = ConstU32<1024>;
	type MaxPublicArgs = ConstU32<1024>;
	type MaxOutputs = ConstU32<4096>;
	type MaxNewSecrets = ConstU32<16>;
	type MaxSecretBatch = ConstU32<1024>;
	type MaxLedgerWrites = ConstU32<16>;
	type MaxHistory = ConstU32<16>;
	// Expiring a task of a 32-member committee costs ~10 ms, settling or pruning one more: with
	// 15 per block the hooks stay under half a block at the measured weights (16 went 2% over
	// it in the 2026-12-03 measurement; `tests::worst_case_weights_fit_in_a_block`).
	type MaxTasksPerBlock = ConstU32<15>;
	type MaxCommitteeSize = ConstU32<32>;
	type WeightInfo = pallet_secret_compute::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = benches::ComputeBenchmarkHelper;
}

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;
	#[runtime::pallet_index(2)]
	pub type Aura = pallet_aura;
	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;
	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;
	#[runtime::pallet_index(6)]
	pub type Sudo = pallet_sudo;
	#[runtime::pallet_index(7)]
	pub type Parameters = pallet_parameters;
	#[runtime::pallet_index(8)]
	pub type Council = pallet_collective<Instance1>;
	// Enigma's own pallets from index 10 on.
	#[runtime::pallet_index(10)]
	pub type SharedIdentity = pallet_shared_identity;
	#[runtime::pallet_index(11)]
	pub type DataRegistry = pallet_data_registry;
	#[runtime::pallet_index(12)]
	pub type Workers = pallet_workers;
	#[runtime::pallet_index(13)]
	pub type SecretCompute = pallet_secret_compute;
	// The validator set and what it takes: authorship, sessions, offences.
	#[runtime::pallet_index(20)]
	pub type Authorship = pallet_authorship;
	#[runtime::pallet_index(21)]
	pub type ValidatorSet = pallet_validator_set;
	#[runtime::pallet_index(22)]
	pub type Session = pallet_session;
	#[runtime::pallet_index(23)]
	pub type Historical = pallet_session::historical;
	#[runtime::pallet_index(24)]
	pub type Offences = pallet_offences;
}

/// The address format for describing accounts.
pub type Address = MultiAddress<AccountId, ()>;
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
/// The checks every signed transaction goes through. All of them are known to polkadot-js.
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
);
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Migrations to run on the next runtime upgrade, besides the pallets' own (each checks the
/// pallet's storage version, so it runs once).
type Migrations = (
	pallet_secret_compute::migrations::TasksRecordPrices<Runtime>,
	pallet_secret_compute::migrations::UnreadySecretsUncounted<Runtime>,
	pallet_secret_compute::migrations::DishonestContractsRecorded<Runtime>,
);

pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[cfg(feature = "runtime-benchmarks")]
mod benches {
	use super::*;

	/// Benchmarks of the data registry need an identity whose member may store.
	pub struct DataBenchmarkHelper;
	impl pallet_data_registry::BenchmarkHelper<AccountId> for DataBenchmarkHelper {
		fn identity_of(who: &AccountId) -> H256 {
			use pallet_shared_identity::predicate::{Grant, Node, Permission};
			let grant = Grant {
				permissions: frame_support::BoundedVec::truncate_from(alloc::vec![Permission::Read, Permission::Store, Permission::Compute, Permission::Declassify, Permission::Admin]),
				predicate: frame_support::BoundedVec::truncate_from(alloc::vec![Node::Always]),
			};
			let policy = frame_support::BoundedVec::truncate_from(alloc::vec![grant]);
			let members = frame_support::BoundedVec::truncate_from(alloc::vec![(who.clone(), policy)]);
			let _ = SharedIdentity::create(RuntimeOrigin::signed(who.clone()), members);
			pallet_shared_identity::Pallet::<Runtime>::address_of([who.clone()].iter())
		}
	}

	/// Benchmarks of secret compute need identities, workers and committees.
	pub struct ComputeBenchmarkHelper;
	impl pallet_secret_compute::BenchmarkHelper<AccountId> for ComputeBenchmarkHelper {
		fn identity_of(who: &AccountId) -> H256 {
			use frame_support::traits::fungible::Mutate;
			let _ = Balances::set_balance(who, 1_000_000 * UNIT);
			<DataBenchmarkHelper as pallet_data_registry::BenchmarkHelper<AccountId>>::identity_of(who)
		}

		fn committee_of(size: u32) -> pallet_workers::CommitteeId {
			use frame_support::traits::{fungible::Mutate, Get};
			let size = size.max(Workers::min_committee_size());
			let stake = 2 * <parameters::bounded::MinWorkerStake as Get<Balance>>::get();
			for i in 0..size {
				let worker: AccountId = frame_benchmarking::account("worker", i, pallet_workers::NextCommitteeId::<Runtime>::get());
				let _ = Balances::set_balance(&worker, 10 * stake);
				let (peer, proof) = pallet_workers::benchmark_peer(&worker, &[1; 32]);
				let _ = Workers::register(RuntimeOrigin::signed(worker), peer, [1; 32], stake, proof);
			}
			let caller: AccountId = frame_benchmarking::account("requester", 0, 0);
			let _ = Balances::set_balance(&caller, 1_000_000 * UNIT);
			let _ = Workers::request_committee(RuntimeOrigin::signed(caller), size);
			let id = pallet_workers::NextCommitteeId::<Runtime>::get().saturating_sub(1);
			if let Some(pending) = pallet_workers::PendingCommittees::<Runtime>::get(id) {
				<Workers as frame_support::traits::Hooks<BlockNumber>>::on_initialize(pending.draw_at);
			}
			id
		}
	}

	frame_benchmarking::define_benchmarks!(
		[frame_benchmarking, BaselineBench::<Runtime>]
		[frame_system, SystemBench::<Runtime>]
		[pallet_balances, Balances]
		[pallet_timestamp, Timestamp]
		[pallet_sudo, Sudo]
		[pallet_collective, Council]
		[pallet_parameters, Parameters]
		[pallet_shared_identity, SharedIdentity]
		[pallet_data_registry, DataRegistry]
		[pallet_workers, Workers]
		[pallet_secret_compute, SecretCompute]
		[pallet_validator_set, ValidatorSet]
	);
}
