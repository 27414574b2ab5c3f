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

/// The storage key of `L[key]`'s history for `contract` (`SecretCompute.Ledger`: the values with
/// the blocks that wrote them, oldest first).
pub fn ledger_key(contract: sp_core::H256, key: u64) -> Vec<u8> {
	pallet_secret_compute::Ledger::<enigma_runtime::Runtime>::hashed_key_for(contract, key)
}

/// What `L.get(key, at)` reads in a task created in block `created`, from the key's history as
/// stored (`bytes`, `None` if never written): the last value written by block min(at, created),
/// 0 if none was. Members and auditors follow this one rule, on the history in whatever block
/// they read it (the value it finds is the same in every block from `created` on); an error if
/// it finds none while the history is full (writes in later blocks may have pushed it out, or
/// the key was not written by then: the history cannot tell).
pub fn ledger_value_in(bytes: Option<&[u8]>, key: u64, at: u64, created: enigma_runtime::BlockNumber) -> Result<u128, String> {
	use codec::Decode;
	use sp_core::Get;
	type Kept = <enigma_runtime::Runtime as pallet_secret_compute::Config>::MaxHistory;
	let history = match bytes {
		Some(mut bytes) => Vec::<(enigma_runtime::BlockNumber, u128)>::decode(&mut bytes).map_err(|e| format!("L[{key}]'s history: {e}"))?,
		None => Vec::new(),
	};
	let by = enigma_runtime::BlockNumber::try_from(at).unwrap_or(enigma_runtime::BlockNumber::MAX).min(created);
	match history.iter().rev().find(|(block, _)| *block <= by) {
		Some((_, value)) => Ok(*value),
		None if history.len() >= <Kept as Get<u32>>::get() as usize => Err(format!("L[{key}] was written {} times since block #{by}: its value then is no longer on chain", history.len())),
		None => Ok(0),
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use codec::Encode;

	/// A task reads the value written by its block (or by `at`, if earlier), whenever the history
	/// is read; 0 for a key never written by then; an error once later writes pushed it out.
	#[test]
	fn a_ledger_read_takes_the_value_written_by_the_tasks_block() {
		let history: Vec<(u32, u128)> = vec![(5, 50), (9, 90), (12, 120)];
		let bytes = history.encode();
		let read = |at: u64, created: u32| ledger_value_in(Some(&bytes[..]), 0, at, created);
		assert_eq!(read(u64::MAX, 10), Ok(90), "the task's block, later writes left out");
		assert_eq!(read(u64::MAX, 9), Ok(90), "a write in the task's own block counts");
		assert_eq!(read(6, 20), Ok(50), "an earlier block asked for");
		assert_eq!(read(u64::MAX, 4), Ok(0), "nothing written by then");
		assert_eq!(ledger_value_in(None, 0, 7, 10), Ok(0), "never written");
		let full: Vec<(u32, u128)> = (0..16).map(|k| (100 + k, k as u128)).collect();
		let pushed = ledger_value_in(Some(&full.encode()[..]), 3, u64::MAX, 50).unwrap_err();
		assert!(pushed.contains("no longer on chain"), "{pushed}");
		assert!(ledger_value_in(Some(&[1u8, 2, 3][..]), 0, 0, 0).is_err(), "malformed history");
	}
}
