//! The runtime API clients, DHT nodes and workers use for the permission check (Alg. 2).

use crate::predicate::Permission;
use alloc::vec::Vec;
use codec::{Codec, Decode, Encode};
use scale_info::TypeInfo;
use sp_core::H256;

/// A shared identity's members (with whether each approved) and whether it is active.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct IdentityView<AccountId> {
	pub members: Vec<(AccountId, bool)>,
	pub active: bool,
	/// What a member approving it names: the hash of its members and policies as proposed.
	pub proposal: H256,
}

sp_api::decl_runtime_apis! {
	pub trait SharedIdentityApi<AccountId: Codec> {
		/// Whether `who` may do `permission` on the identity's data at this block. `signers`
		/// are the other keys whose signatures over the request the caller verified (for
		/// k-of-n predicates); `contract` the secret contract the request comes through.
		fn check_permission(who: AccountId, identity: H256, permission: Permission, signers: Vec<AccountId>, contract: Option<H256>) -> bool;
		/// The identity, if it exists.
		fn identity(identity: H256) -> Option<IdentityView<AccountId>>;
	}
}
