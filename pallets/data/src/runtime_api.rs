//! The runtime API DHT nodes and clients use before serving or fetching a record (Alg. 3).

use alloc::vec::Vec;
use codec::{Codec, Decode, Encode};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::Debug;

/// A data pointer as clients see it.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct DataInfo<AccountId, BlockNumber, Balance> {
	pub owner: H256,
	pub payer: AccountId,
	pub size: u32,
	pub paid_until: BlockNumber,
	/// Reads are refused: the rent ran out.
	pub restricted: bool,
	pub auto_renew: bool,
	/// Rent per block.
	pub rate: Balance,
}

sp_api::decl_runtime_apis! {
	pub trait DataRegistryApi<AccountId: Codec, BlockNumber: Codec, Balance: Codec> {
		/// Whether `who` may read the data behind `pointer` now (identity Read permission, read
		/// predicate, paid-up storage). `signers`/`contract` as in the identity check.
		fn can_read(who: AccountId, pointer: H256, signers: Vec<AccountId>, contract: Option<H256>) -> bool;
		fn data_info(pointer: H256) -> Option<DataInfo<AccountId, BlockNumber, Balance>>;
	}
}
