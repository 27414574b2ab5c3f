//! The node's RPC extensions beyond Substrate's defaults: account nonces (`system_accountNextIndex`)
//! and fee queries (`payment_queryInfo`), which polkadot-js uses to build transactions, and
//! GRANDPA's justifications and finality proofs (`grandpa_subscribeJustifications`,
//! `grandpa_proveFinality`), which the `enigma` client checks the node's answers against.

use enigma_runtime::{opaque::Block, AccountId, Balance, Nonce};
use jsonrpsee::RpcModule;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};
use std::sync::Arc;

type FullBackend = sc_service::TFullBackend<Block>;

/// What GRANDPA's RPC needs (a node running GRANDPA).
#[derive(Clone)]
pub struct GrandpaDeps {
	pub shared_voter_state: sc_consensus_grandpa::SharedVoterState,
	pub shared_authority_set: sc_consensus_grandpa::SharedAuthoritySet<<Block as sp_runtime::traits::Block>::Hash, enigma_runtime::BlockNumber>,
	pub justification_stream: sc_consensus_grandpa::GrandpaJustificationStream<Block>,
	pub finality_provider: Arc<sc_consensus_grandpa::FinalityProofProvider<FullBackend, Block>>,
}

/// What the RPC extensions need.
pub struct FullDeps<C, P> {
	pub client: Arc<C>,
	pub pool: Arc<P>,
	pub grandpa: Option<GrandpaDeps>,
	pub subscription_executor: sc_rpc::SubscriptionTaskExecutor,
}

/// All RPC extensions of a full node.
pub fn create_full<C, P>(
	deps: FullDeps<C, P>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ Send
		+ Sync
		+ 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>
		+ pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>
		+ BlockBuilder<Block>,
	P: TransactionPool + 'static,
{
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	let FullDeps { client, pool, grandpa, subscription_executor } = deps;
	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client).into_rpc())?;
	if let Some(GrandpaDeps { shared_voter_state, shared_authority_set, justification_stream, finality_provider }) = grandpa {
		use sc_consensus_grandpa_rpc::{Grandpa, GrandpaApiServer};
		module.merge(Grandpa::new(subscription_executor, shared_authority_set, shared_voter_state, justification_stream, finality_provider).into_rpc())?;
	}
	Ok(module)
}
