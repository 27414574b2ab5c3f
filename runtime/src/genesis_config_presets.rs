//! Genesis presets: `development` (one validator, instant seal in the node) and `local_testnet`
//! (Alice, Bob, Charlie and Dave validating with Aura + GRANDPA).
//!
//! Both endow the well-known development accounts, make Alice the sudo key and Alice, Bob and
//! Charlie the council. Enigma parameters start at their defaults in [`crate::parameters`].

use crate::{
	opaque::SessionKeys, AccountId, Balance, BalancesConfig, CouncilConfig, RuntimeGenesisConfig, SessionConfig, SudoConfig,
	ValidatorSetConfig, UNIT,
};
use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{PresetId, DEV_RUNTIME_PRESET, LOCAL_TESTNET_RUNTIME_PRESET};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// What every pre-funded development account starts with.
pub const ENDOWMENT: Balance = 1_000_000 * UNIT;

/// A validator's Aura (sr25519) and GRANDPA (ed25519) keys, derived from the same dev seed.
type Validator = (Sr25519Keyring, Ed25519Keyring);

/// The validators are the session pallet's: their accounts form the validator set, their keys
/// are registered as session keys, and the session pallet hands the keys to Aura and GRANDPA
/// (whose own genesis authorities stay empty).
fn enigma_genesis(validators: &[Validator], root: AccountId, council: Vec<AccountId>) -> Value {
	let endowed = Sr25519Keyring::well_known().map(|k| (k.to_account_id(), ENDOWMENT));
	let keys: Vec<(AccountId, AccountId, SessionKeys)> = validators
		.iter()
		.map(|(aura, grandpa)| {
			let keys = SessionKeys { aura: AuraId::from(aura.public()), grandpa: GrandpaId::from(grandpa.public()) };
			(aura.to_account_id(), aura.to_account_id(), keys)
		})
		.collect();
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig { balances: endowed.collect() },
		validator_set: ValidatorSetConfig { validators: validators.iter().map(|(aura, _)| aura.to_account_id()).collect() },
		session: SessionConfig { keys, non_authority_keys: vec![] },
		sudo: SudoConfig { key: Some(root) },
		council: CouncilConfig { members: council },
	})
}

fn council() -> Vec<AccountId> {
	[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie]
		.map(|k| k.to_account_id())
		.to_vec()
}

/// One validator (Alice); the node seals blocks itself for this chain.
pub fn development_config_genesis() -> Value {
	enigma_genesis(
		&[(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		Sr25519Keyring::Alice.to_account_id(),
		council(),
	)
}

/// Four validators on loopback, for a real Aura + GRANDPA network.
pub fn local_config_genesis() -> Value {
	enigma_genesis(
		&[
			(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
			(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
		],
		Sr25519Keyring::Alice.to_account_id(),
		council(),
	)
}

/// The JSON patch of the preset `id`, if there is one.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		DEV_RUNTIME_PRESET => development_config_genesis(),
		LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("serialization to json is expected to work. qed.")
			.into_bytes(),
	)
}

/// The names of the presets [`get_preset`] knows.
pub fn preset_names() -> Vec<PresetId> {
	vec![PresetId::from(DEV_RUNTIME_PRESET), PresetId::from(LOCAL_TESTNET_RUNTIME_PRESET)]
}
