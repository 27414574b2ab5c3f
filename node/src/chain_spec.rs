//! Chain specifications: built from the runtime's genesis presets, or loaded from a file.

use enigma_runtime::WASM_BINARY;
use sc_service::ChainType;
use sp_genesis_builder::{DEV_RUNTIME_PRESET as DEV, LOCAL_TESTNET_RUNTIME_PRESET as LOCAL_TESTNET};

/// The chain spec of an Enigma chain.
pub type ChainSpec = sc_service::GenericChainSpec;

/// Token metadata wallets such as polkadot-js Apps show.
fn properties() -> sc_service::Properties {
	let mut properties = sc_service::Properties::new();
	properties.insert("tokenSymbol".into(), "ENG".into());
	properties.insert("tokenDecimals".into(), 12.into());
	properties.insert("ss58Format".into(), 42.into());
	properties
}

fn wasm() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| "The runtime wasm is not available: build without SKIP_WASM_BUILD.".into())
}

/// `--dev`: Alice alone, blocks sealed by the node on demand.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("Enigma Development")
		.with_id("enigma_dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(DEV)
		.with_properties(properties())
		.build())
}

/// `--chain local`: Alice, Bob, Charlie and Dave validating with Aura + GRANDPA.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("Enigma Local Testnet")
		.with_id("enigma_local")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name(LOCAL_TESTNET)
		.with_properties(properties())
		.build())
}
