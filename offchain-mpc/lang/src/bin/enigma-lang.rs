//! enigma-lang: check, compile and run secret contracts.

use clap::{Parser, Subcommand, ValueEnum};
use enigma_lang::{
	compile_for, compile_with,
	manifest::Security,
	run::{self, Inputs, Protocol},
	ChainFacts, Prices, PublicArg,
};
use std::{collections::BTreeMap, path::PathBuf, process::ExitCode};

#[derive(Parser)]
#[command(version, about = "Check, compile and run Enigma secret contracts")]
struct Cli {
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Parse and check a contract (privacy rules included) without compiling it.
	Check { file: PathBuf },
	/// Compile an entry point and print its circuit, its cost or its manifest.
	Compile {
		file: PathBuf,
		/// The entry point (a `pub fn`); optional when there is only one.
		#[arg(long)]
		entry: Option<String>,
		/// Public arguments, `name=value` or `name=v1,v2,...`.
		#[arg(long = "public", value_name = "NAME=VALUE")]
		public: Vec<String>,
		#[arg(long, value_enum, default_value = "stats")]
		emit: Emit,
		/// Gas prices as JSON (`{"add":1,"mul":100,"open":100,"input":200,"round":10000000}`).
		#[arg(long)]
		prices: Option<PathBuf>,
		#[command(flatten)]
		chain: Chain,
	},
	/// Run an entry point in the clear (reference semantics) or, with --mpc N, as an MPC.
	Run {
		file: PathBuf,
		#[arg(long)]
		entry: Option<String>,
		#[arg(long = "public", value_name = "NAME=VALUE")]
		public: Vec<String>,
		/// Inputs, `name=value` or `name=v1,v2,...` (dictionary inputs by their manifest name).
		#[arg(long = "input", visible_alias = "inputs", value_name = "NAME=VALUE")]
		inputs: Vec<String>,
		/// Run among N in-memory parties instead of in the clear.
		#[arg(long, value_name = "N")]
		mpc: Option<usize>,
		/// The MPC protocol (default: what the contract asks for: `malicious` for an honest
		/// majority, `spdz` for a dishonest majority).
		#[arg(long, value_enum)]
		protocol: Option<ProtocolArg>,
		/// With `--protocol auditable`: write the run's transcript (every commitment and
		/// opening) to this file, for `enigma-lang audit`.
		#[arg(long, value_name = "FILE")]
		transcript: Option<PathBuf>,
		#[command(flatten)]
		chain: Chain,
	},
	/// Check an auditable run from its transcript alone (`run --protocol auditable --transcript
	/// FILE`): every opening against the parties' commitments, the triples' sacrifice, the
	/// contract's computation. Prints the public outputs the transcript proves, or which check
	/// failed (exit status 1).
	Audit {
		file: PathBuf,
		#[arg(long)]
		entry: Option<String>,
		#[arg(long = "public", value_name = "NAME=VALUE")]
		public: Vec<String>,
		/// The transcript to check.
		#[arg(long, value_name = "FILE")]
		transcript: PathBuf,
		#[command(flatten)]
		chain: Chain,
	},
}

/// The chain's facts about a task, for contracts that use `now()` or `submitter()`.
#[derive(clap::Args)]
struct Chain {
	/// The block that created the task: what `now()` returns.
	#[arg(long)]
	block: Option<u64>,
	/// The requester, as `submitter()` returns it (the first 16 bytes of its account id, as an
	/// unsigned integer).
	#[arg(long)]
	submitter: Option<u128>,
	/// Members of the committee that runs the task: the gas depends on it (its random bits are
	/// dealt by t + 1 of them).
	#[arg(long, default_value_t = enigma_lang::DEFAULT_COMMITTEE)]
	committee: usize,
}

impl Chain {
	fn facts(&self) -> Option<ChainFacts> {
		(self.block.is_some() || self.submitter.is_some())
			.then(|| ChainFacts { block: self.block.unwrap_or(0), submitter: self.submitter.unwrap_or(0), ..Default::default() })
	}
}

#[derive(Clone, Copy, ValueEnum)]
enum Emit {
	/// The circuit, one gate per line.
	Ir,
	/// Operation counts and gas.
	Stats,
	/// Inputs, outputs and gas as JSON.
	Manifest,
}

#[derive(Clone, Copy, ValueEnum)]
enum ProtocolArg {
	/// Shamir, semi-honest, honest majority (DN07 multiplication).
	SemiHonest,
	/// Shamir, maliciously secure with an honest majority (Chida et al.).
	Malicious,
	/// SPDZ on MASCOT preprocessing: secure with abort against all parties but one.
	Spdz,
	/// Publicly auditable SPDZ (Baum–Damgård–Orlandi): a party that opens a wrong value is
	/// named, and the transcript lets anyone check the run.
	Auditable,
}

fn parse_values(pairs: &[String]) -> Result<BTreeMap<String, Vec<u128>>, String> {
	pairs
		.iter()
		.map(|pair| {
			let (name, value) = pair.split_once('=').ok_or_else(|| format!("`{pair}` is not NAME=VALUE"))?;
			let values = value
				.split(',')
				.map(|v| v.trim().parse::<u128>().map_err(|_| format!("`{v}` in `{pair}` is not a non-negative integer")))
				.collect::<Result<Vec<_>, _>>()?;
			Ok((name.trim().to_string(), values))
		})
		.collect()
}

fn entry_of(contract: &enigma_lang::ast::Contract, entry: Option<String>) -> Result<String, String> {
	if let Some(e) = entry {
		return Ok(e);
	}
	let entries: Vec<&String> = contract.functions.iter().filter(|f| f.public).map(|f| &f.name).collect();
	match entries.as_slice() {
		[one] => Ok((*one).clone()),
		_ => Err(format!("choose an entry point with --entry: {}", entries.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "))),
	}
}

fn main() -> ExitCode {
	match run_cli() {
		Ok(()) => ExitCode::SUCCESS,
		Err(message) => {
			eprintln!("{message}");
			ExitCode::FAILURE
		},
	}
}

fn run_cli() -> Result<(), String> {
	let cli = Cli::parse();
	let file = match &cli.command {
		Command::Check { file } | Command::Compile { file, .. } | Command::Run { file, .. } | Command::Audit { file, .. } => file.clone(),
	};
	let name = file.display().to_string();
	let source = std::fs::read_to_string(&file).map_err(|e| format!("{name}: {e}"))?;
	let render = |d: enigma_lang::Diagnostic| d.render(&name, &source);
	let contract = enigma_lang::parse(&source).map_err(render)?;
	match cli.command {
		Command::Check { .. } => {
			enigma_lang::check(&source).map_err(render)?;
			println!("{name}: contract {} is well-formed and respects privacy", contract.name);
		},
		Command::Compile { entry, public, emit, prices, chain, .. } => {
			let entry = entry_of(&contract, entry)?;
			let public = public_args(&public)?;
			let prices = match prices {
				Some(p) => serde_json::from_str(&std::fs::read_to_string(&p).map_err(|e| e.to_string())?).map_err(|e| format!("{}: {e}", p.display()))?,
				None => Prices::default(),
			};
			let compiled = compile_for(&source, &entry, &public, 1, chain.facts(), &prices, chain.committee).map_err(render)?;
			match emit {
				Emit::Ir => {
					for (i, gate) in compiled.circuit.gates.iter().enumerate() {
						println!("w{i} = {gate:?}");
					}
					for o in &compiled.circuit.outputs {
						println!("output {} = w{} -> {:?}", o.name, o.wire, o.to);
					}
				},
				Emit::Stats => {
					let gas = compiled.manifest.gas.expect("priced");
					println!(
						"{}::{}: {} parties, {} gates; adds {}, muls {}, opens {}, inputs {}, random bits {}, rounds {}; gas {} plancks",
						contract.name,
						entry,
						compiled.circuit.parties(),
						compiled.circuit.gates.len(),
						gas.adds,
						gas.muls,
						gas.opens,
						gas.inputs,
						gas.bits,
						gas.rounds,
						gas.total
					);
				},
				Emit::Manifest => println!("{}", serde_json::to_string_pretty(&compiled.manifest).map_err(|e| e.to_string())?),
			}
		},
		Command::Run { entry, public, inputs, mpc, protocol, transcript, chain, .. } => {
			let entry = entry_of(&contract, entry)?;
			let public = public_args(&public)?;
			let inputs: Inputs = parse_values(&inputs)?;
			let compiled = compile_with(&source, &entry, &public, mpc.unwrap_or(1), chain.facts(), &Prices::default()).map_err(render)?;
			let outputs = match mpc {
				None => run::plaintext(&compiled, &inputs)?,
				Some(_) => {
					let asked = compiled.manifest.security;
					let protocol = match (protocol, asked) {
						(None, Security::HonestMajority) | (Some(ProtocolArg::Malicious), _) => Protocol::Malicious,
						(None, Security::DishonestMajority) | (Some(ProtocolArg::Spdz), _) => Protocol::Spdz,
						(Some(ProtocolArg::SemiHonest), _) => Protocol::SemiHonest,
						(Some(ProtocolArg::Auditable), _) => Protocol::Auditable,
					};
					if asked == Security::DishonestMajority && !matches!(protocol, Protocol::Spdz | Protocol::Auditable) {
						return Err(format!("`{}` asks for a dishonest majority: run it with --protocol spdz or auditable", compiled.manifest.contract));
					}
					let (outputs, stats) = match (protocol, &transcript) {
						(Protocol::Auditable, Some(path)) => {
							let (outputs, stats, transcript) = run::mpc_audited(&compiled, &inputs)?;
							let bytes = transcript.to_bytes();
							std::fs::write(path, &bytes).map_err(|e| format!("{}: {e}", path.display()))?;
							eprintln!("transcript ({} bytes, root 0x{}) written to {}", bytes.len(), hex(&transcript.root()), path.display());
							(outputs, stats)
						},
						(_, Some(_)) => return Err("--transcript needs --protocol auditable".into()),
						(_, None) => run::mpc_with_stats(&compiled, &inputs, protocol)?,
					};
					eprintln!("party 0 sent {} bytes in {} messages over {} rounds", stats.bytes_sent, stats.messages_sent, stats.rounds);
					outputs
				},
			};
			for o in outputs {
				println!("{} ({:?}) = {}", o.name, o.target, o.value);
			}
		},
		Command::Audit { entry, public, transcript, chain, .. } => {
			let entry = entry_of(&contract, entry)?;
			let public = public_args(&public)?;
			let bytes = std::fs::read(&transcript).map_err(|e| format!("{}: {e}", transcript.display()))?;
			let transcript = enigma_mpc::audit::Transcript::from_bytes(&bytes).ok_or_else(|| format!("{}: not a transcript", transcript.display()))?;
			// Compiled for as many parties as ran it (`run --mpc N`).
			let compiled = compile_with(&source, &entry, &public, transcript.parties, chain.facts(), &Prices::default()).map_err(render)?;
			let outputs = run::audit(&compiled, &transcript).map_err(|e| format!("audit failed: {e}"))?;
			eprintln!("audit passed: transcript root 0x{}, {} parties, {} openings", hex(&transcript.root()), transcript.parties, transcript.openings.len());
			for o in outputs {
				println!("{} ({:?}) = {}", o.name, o.target, o.value);
			}
		},
	}
	Ok(())
}

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn public_args(pairs: &[String]) -> Result<BTreeMap<String, PublicArg>, String> {
	Ok(parse_values(pairs)?
		.into_iter()
		.map(|(k, v)| (k, if v.len() == 1 { PublicArg::Int(v[0]) } else { PublicArg::List(v) }))
		.collect())
}
