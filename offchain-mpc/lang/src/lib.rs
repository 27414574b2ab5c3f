//! Enigma's secret-contract language (whitepaper 5.5-5.7).
//!
//! Contracts are public code over private data. Syntax is close to Rust; the `private` keyword
//! marks secret values and the compiler rejects every flow of a private value into a public one
//! that does not go through `reveal(...)`. An entry point compiles, for given public arguments,
//! to the MPC engine's layered circuit, a [`Manifest`] of its inputs and outputs, and the exact
//! operation counts gas is priced from.
//!
//! ```
//! let source = "contract Millionaires {
//!     pub fn richer(a: private u64 @ 0, b: private u64 @ 1) {
//!         output(reveal(a > b));
//!     }
//! }";
//! let compiled = enigma_lang::compile(source, "richer", &Default::default(), 2).unwrap();
//! assert_eq!(compiled.manifest.inputs.len(), 2);
//! assert!(compiled.manifest.gas.unwrap().muls > 0);
//! ```

pub mod ast;
pub mod compiler;
pub mod diagnostics;
pub mod lexer;
pub mod manifest;
pub mod parser;
pub mod run;

pub use compiler::{ChainFacts, PublicArg};
pub use diagnostics::Diagnostic;
pub use manifest::{Gas, Manifest, Prices};

use blake2::{digest::consts::U32, Blake2b, Digest};
use enigma_mpc::circuit::Circuit;
pub use enigma_mpc::circuit::DEFAULT_COMMITTEE;
use std::collections::BTreeMap;

/// A compiled entry point.
#[derive(Clone, Debug)]
pub struct Compiled {
	pub circuit: Circuit,
	pub manifest: Manifest,
}

/// Parse a contract.
pub fn parse(source: &str) -> Result<ast::Contract, Diagnostic> {
	let tokens = lexer::lex(source)?;
	parser::Parser::new(tokens).contract()
}

/// Check every entry point: types and privacy rules. Public arguments are bound to zero for
/// the check, so a `require` that zeros fail does not count against the contract.
pub fn check(source: &str) -> Result<ast::Contract, Diagnostic> {
	let contract = parse(source)?;
	for f in contract.functions.iter().filter(|f| f.public) {
		let zeros = f
			.params
			.iter()
			.filter(|p| !p.ty.private)
			.map(|p| (p.name.clone(), p.ty.len.map_or(PublicArg::Int(0), |n| PublicArg::List(vec![0; n]))))
			.collect();
		match compiler::Compiler::compile(&contract, &f.name, &zeros, 1, Some(ChainFacts::default())) {
			Err(d) if !d.message.contains("requirement fails") => return Err(d),
			_ => {},
		}
	}
	Ok(contract)
}

/// Compile `entry` with its public arguments, for at least `min_parties` parties, priced with
/// the default gas prices.
pub fn compile(source: &str, entry: &str, public: &BTreeMap<String, PublicArg>, min_parties: usize) -> Result<Compiled, Diagnostic> {
	compile_with_prices(source, entry, public, min_parties, &Prices::default())
}

pub fn compile_with_prices(
	source: &str,
	entry: &str,
	public: &BTreeMap<String, PublicArg>,
	min_parties: usize,
	prices: &Prices,
) -> Result<Compiled, Diagnostic> {
	compile_with(source, entry, public, min_parties, None, prices)
}

/// Compile `entry` as a task runs it: with the chain's facts about the task (`now()`,
/// `submitter()`), the chain's prices and the size of the committee that runs it (the gas
/// depends on it). Workers and clients compile tasks with this.
pub fn compile_task(
	source: &str,
	entry: &str,
	public: &BTreeMap<String, PublicArg>,
	facts: ChainFacts,
	prices: &Prices,
	committee: usize,
) -> Result<Compiled, Diagnostic> {
	compile_for(source, entry, public, 1, Some(facts), prices, committee)
}

/// At least `min_parties` parties, the chain's facts if known, priced for a committee of
/// [`DEFAULT_COMMITTEE`] members.
pub fn compile_with(
	source: &str,
	entry: &str,
	public: &BTreeMap<String, PublicArg>,
	min_parties: usize,
	facts: Option<ChainFacts>,
	prices: &Prices,
) -> Result<Compiled, Diagnostic> {
	compile_for(source, entry, public, min_parties, facts, prices, DEFAULT_COMMITTEE)
}

/// The general form: gas for a committee of `committee` members.
pub fn compile_for(
	source: &str,
	entry: &str,
	public: &BTreeMap<String, PublicArg>,
	min_parties: usize,
	facts: Option<ChainFacts>,
	prices: &Prices,
	committee: usize,
) -> Result<Compiled, Diagnostic> {
	let contract = parse(source)?;
	let (circuit, mut manifest) = compiler::Compiler::compile(&contract, entry, public, min_parties, facts)?;
	let private_outputs = circuit.outputs.iter().filter(|o| o.to != enigma_mpc::circuit::Recipient::Everyone).count() as u64;
	manifest.gas = Some(Gas::price(circuit.cost_for(committee), private_outputs, prices, manifest.security));
	manifest.code_hash = code_hash(source);
	Ok(Compiled { circuit, manifest })
}

/// `0x` + blake2-256 of the source text: how the chain names a contract.
pub fn code_hash(source: &str) -> String {
	let digest = Blake2b::<U32>::digest(source.as_bytes());
	format!("0x{}", digest.iter().map(|b| format!("{b:02x}")).collect::<String>())
}
