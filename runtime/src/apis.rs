//! The runtime APIs the node, polkadot-js and the Enigma workers call.

use alloc::vec::Vec;
use frame_support::{
	genesis_builder_helper::{build_state, get_preset},
	weights::Weight,
};
use pallet_grandpa::AuthorityId as GrandpaId;
use sp_api::impl_runtime_apis;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_core::{crypto::KeyTypeId, OpaqueMetadata};
use sp_runtime::{
	traits::{Block as BlockT, NumberFor},
	transaction_validity::{TransactionSource, TransactionValidity},
	ApplyExtrinsicResult, ExtrinsicInclusionMode,
};
use sp_session::OpaqueGeneratedSessionKeys;
use sp_version::RuntimeVersion;

use super::{
	genesis_config_presets, opaque::SessionKeys, AccountId, Aura, Balance, Block, BlockNumber,
	DataRegistry, Executive, Grandpa, InherentDataExt, Nonce, Runtime, RuntimeCall,
	RuntimeGenesisConfig, SecretCompute, SharedIdentity, System, TransactionPayment, Workers,
	VERSION,
};
use sp_core::H256;

impl_runtime_apis! {
	impl sp_api::Core<Block> for Runtime {
		fn version() -> RuntimeVersion {
			VERSION
		}

		fn execute_block(block: <Block as BlockT>::LazyBlock) {
			Executive::execute_block(block);
		}

		fn initialize_block(header: &<Block as BlockT>::Header) -> ExtrinsicInclusionMode {
			Executive::initialize_block(header)
		}
	}

	impl sp_api::Metadata<Block> for Runtime {
		fn metadata() -> OpaqueMetadata {
			OpaqueMetadata::new(Runtime::metadata().into())
		}

		fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
			Runtime::metadata_at_version(version)
		}

		fn metadata_versions() -> Vec<u32> {
			Runtime::metadata_versions()
		}
	}

	impl sp_block_builder::BlockBuilder<Block> for Runtime {
		fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
			Executive::apply_extrinsic(extrinsic)
		}

		fn finalize_block() -> <Block as BlockT>::Header {
			Executive::finalize_block()
		}

		fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
			data.create_extrinsics()
		}

		fn check_inherents(
			block: <Block as BlockT>::LazyBlock,
			data: sp_inherents::InherentData,
		) -> sp_inherents::CheckInherentsResult {
			data.check_extrinsics(&block)
		}
	}

	impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
		fn validate_transaction(
			source: TransactionSource,
			tx: <Block as BlockT>::Extrinsic,
			block_hash: <Block as BlockT>::Hash,
		) -> TransactionValidity {
			Executive::validate_transaction(source, tx, block_hash)
		}
	}

	impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
		fn offchain_worker(header: &<Block as BlockT>::Header) {
			Executive::offchain_worker(header)
		}
	}

	impl sp_consensus_aura::AuraApi<Block, AuraId> for Runtime {
		fn slot_duration() -> sp_consensus_aura::SlotDuration {
			sp_consensus_aura::SlotDuration::from_millis(Aura::slot_duration())
		}

		fn authorities() -> Vec<AuraId> {
			pallet_aura::Authorities::<Runtime>::get().into_inner()
		}
	}

	impl sp_session::SessionKeys<Block> for Runtime {
		fn generate_session_keys(owner: Vec<u8>, seed: Option<Vec<u8>>) -> OpaqueGeneratedSessionKeys {
			SessionKeys::generate(&owner, seed).into()
		}

		fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
			SessionKeys::decode_into_raw_public_keys(&encoded)
		}
	}

	impl sp_consensus_grandpa::GrandpaApi<Block> for Runtime {
		fn grandpa_authorities() -> sp_consensus_grandpa::AuthorityList {
			Grandpa::grandpa_authorities()
		}

		fn current_set_id() -> sp_consensus_grandpa::SetId {
			Grandpa::current_set_id()
		}

		fn submit_report_equivocation_unsigned_extrinsic(
			equivocation_proof: sp_consensus_grandpa::EquivocationProof<
				<Block as BlockT>::Hash,
				NumberFor<Block>,
			>,
			key_owner_proof: sp_consensus_grandpa::OpaqueKeyOwnershipProof,
		) -> Option<()> {
			let key_owner_proof = key_owner_proof.decode()?;
			Grandpa::submit_unsigned_equivocation_report(equivocation_proof, key_owner_proof)
		}

		/// A proof, from the session pallet's historical roots, that the key belonged to a
		/// validator of the session: what an equivocation report carries.
		fn generate_key_ownership_proof(
			_set_id: sp_consensus_grandpa::SetId,
			authority_id: GrandpaId,
		) -> Option<sp_consensus_grandpa::OpaqueKeyOwnershipProof> {
			use codec::Encode;
			use frame_support::traits::KeyOwnerProofSystem;
			crate::Historical::prove((sp_consensus_grandpa::KEY_TYPE, authority_id))
				.map(|p| p.encode())
				.map(sp_consensus_grandpa::OpaqueKeyOwnershipProof::new)
		}
	}

	impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
		fn account_nonce(account: AccountId) -> Nonce {
			System::account_nonce(account)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance> for Runtime {
		fn query_info(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment_rpc_runtime_api::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_info(uxt, len)
		}
		fn query_fee_details(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_fee_details(uxt, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<Block, Balance, RuntimeCall>
		for Runtime
	{
		fn query_call_info(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_call_info(call, len)
		}
		fn query_call_fee_details(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_call_fee_details(call, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_shared_identity::runtime_api::SharedIdentityApi<Block, AccountId> for Runtime {
		fn check_permission(
			who: AccountId,
			identity: H256,
			permission: pallet_shared_identity::predicate::Permission,
			signers: Vec<AccountId>,
			contract: Option<H256>,
		) -> bool {
			SharedIdentity::check_permission(&who, &identity, permission, &signers, contract)
		}

		fn identity(identity: H256) -> Option<pallet_shared_identity::runtime_api::IdentityView<AccountId>> {
			SharedIdentity::identity(&identity)
		}
	}

	impl pallet_data_registry::runtime_api::DataRegistryApi<Block, AccountId, BlockNumber, Balance> for Runtime {
		fn can_read(who: AccountId, pointer: H256, signers: Vec<AccountId>, contract: Option<H256>) -> bool {
			DataRegistry::can_read(&who, &pointer, &signers, contract)
		}

		fn data_info(pointer: H256) -> Option<pallet_data_registry::runtime_api::DataInfo<AccountId, BlockNumber, Balance>> {
			DataRegistry::data_info(&pointer)
		}
	}

	impl pallet_secret_compute::runtime_api::SecretComputeApi<Block, AccountId, Balance, BlockNumber> for Runtime {
		fn price_table() -> pallet_secret_compute::PriceTable<Balance> {
			SecretCompute::price_table()
		}

		fn assignments(worker: AccountId) -> Vec<H256> {
			SecretCompute::assignments(&worker)
		}

		fn task(task: H256) -> Option<pallet_secret_compute::runtime_api::TaskView<AccountId, Balance, BlockNumber>> {
			use pallet_workers::WorkerRegistry;
			pallet_secret_compute::Tasks::<Runtime>::get(task).map(|t| pallet_secret_compute::runtime_api::TaskView {
				members: Workers::committee(t.committee).unwrap_or_default(),
				requester: t.requester,
				contract: t.contract,
				entry: t.entry.into_inner(),
				inputs: t.inputs.into_inner(),
				public_args: t.public_args.into_inner(),
				committee: t.committee,
				gas_limit: t.gas_limit,
				created: t.created,
				deadline: t.deadline,
				reveal_open: t.status == pallet_secret_compute::TaskStatus::Pending && SecretCompute::reveal_due(&task),
				status: t.status,
				result_root: pallet_secret_compute::Results::<Runtime>::get(task).map(|r| r.transcript_root),
				prices: t.prices,
				security: SecretCompute::task_security(&task),
			})
		}

		fn secret(secret: H256) -> Option<pallet_secret_compute::runtime_api::SecretView<AccountId>> {
			SecretCompute::secret_view(secret)
		}

		fn secrets(secrets: Vec<H256>) -> Vec<Option<pallet_secret_compute::runtime_api::SecretView<AccountId>>> {
			secrets.into_iter().map(SecretCompute::secret_view).collect()
		}

		fn committee(id: u32) -> Option<Vec<AccountId>> {
			use pallet_workers::WorkerRegistry;
			Workers::committee(id)
		}

		fn contract(hash: H256) -> Option<Vec<u8>> {
			pallet_secret_compute::Contracts::<Runtime>::get(hash).map(|c| c.into_inner())
		}

		fn ledger_get(contract: H256, key: u64, at: BlockNumber) -> Option<u128> {
			SecretCompute::ledger_get(contract, key, at)
		}

		fn handovers(worker: AccountId) -> Vec<pallet_secret_compute::runtime_api::HandoverView> {
			SecretCompute::handovers_of(&worker)
		}

		fn task_request(requester: AccountId, contract: H256, entry: Vec<u8>, inputs: Vec<H256>, public_args: Vec<u8>) -> H256 {
			SecretCompute::task_request(&requester, contract, &entry, &inputs, &public_args)
		}

		fn declassify_request(requester: AccountId, secret: H256) -> H256 {
			SecretCompute::declassify_request(&requester, secret)
		}
	}

	impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
		fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
			build_state::<RuntimeGenesisConfig>(config)
		}

		fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
			get_preset::<RuntimeGenesisConfig>(id, genesis_config_presets::get_preset)
		}

		fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
			genesis_config_presets::preset_names()
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	impl frame_benchmarking::Benchmark<Block> for Runtime {
		fn benchmark_metadata(extra: bool) -> (
			Vec<frame_benchmarking::BenchmarkList>,
			Vec<frame_support::traits::StorageInfo>,
		) {
			use frame_benchmarking::{baseline, BenchmarkList};
			use frame_support::traits::StorageInfoTrait;
			use frame_system_benchmarking::Pallet as SystemBench;
			use baseline::Pallet as BaselineBench;
			use super::*;

			let mut list = Vec::<BenchmarkList>::new();
			list_benchmarks!(list, extra);
			let storage_info = AllPalletsWithSystem::storage_info();
			(list, storage_info)
		}

		fn dispatch_benchmark(
			config: frame_benchmarking::BenchmarkConfig
		) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
			use frame_benchmarking::{baseline, BenchmarkBatch};
			use frame_system_benchmarking::Pallet as SystemBench;
			use baseline::Pallet as BaselineBench;
			use super::*;

			impl frame_system_benchmarking::Config for Runtime {}
			impl baseline::Config for Runtime {}

			use frame_support::traits::WhitelistedStorageKeys;
			let whitelist = AllPalletsWithSystem::whitelisted_storage_keys();

			let mut batches = Vec::<BenchmarkBatch>::new();
			let params = (&config, &whitelist);
			add_benchmarks!(params, batches);
			Ok(batches)
		}
	}

	#[cfg(feature = "try-runtime")]
	impl frame_try_runtime::TryRuntime<Block> for Runtime {
		fn on_runtime_upgrade(checks: frame_try_runtime::UpgradeCheckSelect) -> (Weight, Weight) {
			let weight = Executive::try_runtime_upgrade(checks).unwrap();
			(weight, super::RuntimeBlockWeights::get().max_block)
		}

		fn execute_block(
			block: <Block as BlockT>::LazyBlock,
			state_root_check: bool,
			signature_check: bool,
			select: frame_try_runtime::TryStateSelect
		) -> Weight {
			Executive::try_execute_block(block, state_root_check, signature_check, select)
				.expect("execute-block failed")
		}
	}
}
