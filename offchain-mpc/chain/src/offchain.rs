//! The messages between clients and workers ([`enigma_protocol::messages`]), with what only
//! the chain's own types give.

pub use enigma_protocol::{messages::*, ValueKind};
/// The id of the secret a task creates with `MPC.set(key, ..)`, as the chain derives it.
pub use pallet_secret_compute::new_secret_id;

use sp_core::crypto::AccountId32;

/// [`enigma_protocol::messages::submitter_value`] of a chain account (this one, not the glob's).
pub fn submitter_value(account: &AccountId32) -> u128 {
	enigma_protocol::messages::submitter_value(account.as_ref())
}
