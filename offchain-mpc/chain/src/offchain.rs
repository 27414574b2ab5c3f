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

/// The root a member puts in its result (`TaskResult::transcript_root`): the hash of the task,
/// its contract, what the result records, and `opened`, the digest of every value the run
/// opened (a dishonest-majority run's: its audit transcript's root,
/// `enigma_mpc::audit::root_of`). Only the run's members know `opened` before the task
/// completes, so a member that sat the run out cannot commit to the result; whoever holds the
/// transcript checks that the chain's result was decided on it.
pub fn result_root(
	task: sp_core::H256,
	contract: sp_core::H256,
	outputs: &[u8],
	ledger_writes: &[(u64, u128)],
	new_secrets: &[pallet_secret_compute::NewSecret],
	gas_used: enigma_runtime::Balance,
	opened: [u8; 32],
) -> sp_core::H256 {
	use codec::Encode;
	sp_core::H256(sp_crypto_hashing::blake2_256(&(task, contract, outputs, ledger_writes, new_secrets, gas_used, opened).encode()))
}
