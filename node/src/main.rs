//! enigma-node: the Enigma validator node.

mod chain_spec;
mod cli;
mod command;
mod dev_seal;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
