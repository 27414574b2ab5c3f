//! The chain as the DHT's permission check and placement weighting.
//!
//! - reads: the chain's `DataRegistryApi::can_read(reader, pointer)` (identity Read permission,
//!   the pointer's read predicate, paid-up rent), asked at the best block for every request, so
//!   a revocation applies from the next block;
//! - writes: the pointer must be registered on chain (`data_info`), paid by the writer, not
//!   restricted, and the record must have the registered size;
//! - placement: [`enigma_chain::placement::ChainPlacement`], refreshed on every finalized block.

use enigma_chain::Chain;
use enigma_p2p::{AccessControl, AccountId, Pointer};
use enigma_runtime::{Balance, BlockNumber};
use pallet_data_registry::runtime_api::DataInfo;
use sp_core::{crypto::AccountId32, H256};
use std::sync::Arc;

pub struct ChainAccess {
	pub chain: Arc<Chain>,
}

#[async_trait::async_trait]
impl AccessControl for ChainAccess {
	async fn may_read(&self, reader: &AccountId, key: &Pointer) -> bool {
		let args = (AccountId32::from(*reader), H256(*key), Vec::<AccountId32>::new(), None::<H256>);
		match crate::service::request_read(self.chain.runtime_api::<bool>("DataRegistryApi_can_read", args, None)).await {
			Ok(allowed) => allowed,
			Err(e) => {
				tracing::warn!(target: "worker", "can_read failed, refusing: {e}");
				false
			}
		}
	}

	async fn may_store(&self, writer: &AccountId, key: &Pointer, size: u64) -> bool {
		let info = crate::service::request_read(self.chain.runtime_api::<Option<DataInfo<AccountId32, BlockNumber, Balance>>>("DataRegistryApi_data_info", H256(*key), None)).await;
		match info {
			Ok(Some(info)) => info.payer == AccountId32::from(*writer) && !info.restricted && info.size as u64 == size,
			Ok(None) => false,
			Err(e) => {
				tracing::warn!(target: "worker", "data_info failed, refusing: {e}");
				false
			}
		}
	}

	async fn keep(&self, key: &Pointer) -> bool {
		// Dropping is final, so only on the finalized state of a node that is not syncing (whose
		// state may predate the pointer); not knowing is no reason to lose a record.
		if !matches!(self.chain.is_syncing().await, Ok(false)) {
			return true;
		}
		let Ok(finalized) = self.chain.finalized_hash().await else { return true };
		match self.chain.runtime_api::<Option<DataInfo<AccountId32, BlockNumber, Balance>>>("DataRegistryApi_data_info", H256(*key), Some(finalized)).await {
			Ok(info) => info.is_some(),
			Err(_) => true,
		}
	}
}
