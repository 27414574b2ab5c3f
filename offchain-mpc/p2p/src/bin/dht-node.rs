//! Runs one DHT node by hand, or puts and gets a record through a running network.
//!
//! ```text
//! dht-node run --data-dir /tmp/a --listen /ip4/127.0.0.1/tcp/4001
//! dht-node run --data-dir /tmp/b --listen /ip4/127.0.0.1/tcp/4002 --bootstrap /ip4/127.0.0.1/tcp/4001/p2p/<id>
//! echo hello | dht-node put --bootstrap /ip4/127.0.0.1/tcp/4001/p2p/<id> --seed 01
//! dht-node get <pointer> --bootstrap /ip4/127.0.0.1/tcp/4002/p2p/<id> --seed 01
//! ```

use clap::{Args, Parser, Subcommand};
use enigma_p2p::{AccessControl, ClientNode, Config, DhtNode, FixedTable, Multiaddr, Open, Record, SignedPut, Signer, Uniform};
use std::{io::Read, path::PathBuf, process::ExitCode, sync::Arc};

#[derive(Parser)]
#[command(name = "dht-node", version, about = "Run an Enigma DHT node, or put and get records through one")]
struct Cli {
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Run a node until Ctrl-C; prints its bootstrap address.
	Run {
		#[command(flatten)]
		net: NetArgs,
		/// Where the node keeps its identity key and records.
		#[arg(long)]
		data_dir: PathBuf,
		/// Serve only the readers and writers in this file (lines `store <account hex>` and
		/// `read <account hex> <pointer hex>`). Without it every signed request passes.
		#[arg(long)]
		acl: Option<PathBuf>,
	},
	/// Encrypted bytes from stdin (or --file) go on k nodes; prints the pointer.
	Put {
		#[command(flatten)]
		net: NetArgs,
		#[command(flatten)]
		key: KeyArgs,
		#[arg(long)]
		file: Option<PathBuf>,
		/// The owner identity addr_P (hex); defaults to the signer's account.
		#[arg(long)]
		owner: Option<String>,
		/// Unix time after which holders drop the record (0 = never).
		#[arg(long, default_value_t = 0)]
		expires_at: u64,
	},
	/// Fetches a record by pointer and writes its ciphertext to stdout.
	Get {
		/// The pointer (hex) that `put` printed.
		pointer: String,
		#[command(flatten)]
		net: NetArgs,
		#[command(flatten)]
		key: KeyArgs,
	},
}

#[derive(Args)]
struct NetArgs {
	/// Address to listen on.
	#[arg(long, default_value = "/ip4/127.0.0.1/tcp/0")]
	listen: Multiaddr,
	/// A node to join through: a multiaddr ending in /p2p/<peer id>. Repeatable.
	#[arg(long)]
	bootstrap: Vec<Multiaddr>,
	/// How many nodes hold each record.
	#[arg(long, default_value_t = 3)]
	replication: usize,
	/// Largest record accepted, in bytes.
	#[arg(long, default_value_t = 4 << 20)]
	max_record_size: usize,
}

#[derive(Args)]
struct KeyArgs {
	/// The sr25519 seed (hex, up to 32 bytes, zero-padded) of the account that signs.
	#[arg(long)]
	seed: String,
}

impl KeyArgs {
	fn signer(&self) -> Result<Signer, String> {
		let bytes = hex::decode(self.seed.trim_start_matches("0x")).map_err(|e| format!("--seed: {e}"))?;
		if bytes.len() > 32 {
			return Err("--seed: at most 32 bytes".into());
		}
		let mut seed = [0u8; 32];
		seed[..bytes.len()].copy_from_slice(&bytes);
		Ok(Signer::from_seed(&seed))
	}
}

fn parse_hex32(what: &str, s: &str) -> Result<[u8; 32], String> {
	hex::decode(s.trim_start_matches("0x")).ok().and_then(|b| b.try_into().ok()).ok_or_else(|| format!("{what}: expected 32 bytes of hex"))
}

fn load_acl(path: &PathBuf) -> Result<FixedTable, String> {
	let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
	let table = FixedTable::new();
	for (n, line) in text.lines().enumerate() {
		let words: Vec<&str> = line.split_whitespace().collect();
		let at = |what| format!("{}:{}: {what}", path.display(), n + 1);
		match words.as_slice() {
			[] => {}
			[w, ..] if w.starts_with('#') => {}
			["store", account] => {
				table.allow_store(parse_hex32("account", account).map_err(&at)?);
			}
			["read", account, pointer] => {
				table.allow_read(parse_hex32("account", account).map_err(&at)?, parse_hex32("pointer", pointer).map_err(&at)?);
			}
			_ => return Err(at("expected `store <account>` or `read <account> <pointer>`".into())),
		}
	}
	Ok(table)
}

async fn start(net: &NetArgs, data_dir: PathBuf, access: Arc<dyn AccessControl>) -> Result<DhtNode, String> {
	let mut config = Config::new(data_dir);
	config.listen = vec![net.listen.clone()];
	config.bootstrap = net.bootstrap.clone();
	config.replication = net.replication;
	config.max_record_size = net.max_record_size;
	DhtNode::start(config, access, Arc::new(Uniform)).await.map_err(|e| e.to_string())
}

async fn run(cli: Cli) -> Result<(), String> {
	match cli.command {
		Command::Run { net, data_dir, acl } => {
			let access: Arc<dyn AccessControl> = match acl {
				Some(path) => Arc::new(load_acl(&path)?),
				None => Arc::new(Open),
			};
			let node = start(&net, data_dir, access).await?;
			println!("{}", node.address());
			tracing::info!("serving {} records; Ctrl-C stops", node.held().len());
			tokio::signal::ctrl_c().await.map_err(|e| e.to_string())?;
			node.shutdown().await;
			Ok(())
		}
		Command::Put { net, key, file, owner, expires_at } => {
			let signer = key.signer()?;
			let mut ciphertext = Vec::new();
			match file {
				Some(path) => ciphertext = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?,
				None => {
					std::io::stdin().read_to_end(&mut ciphertext).map_err(|e| e.to_string())?;
				}
			}
			let owner = match owner {
				Some(o) => parse_hex32("--owner", &o)?,
				None => signer.account(),
			};
			let node = ClientNode::start(net.bootstrap.clone(), net.max_record_size).await.map_err(|e| e.to_string())?;
			let put = SignedPut::new(Record { owner, ciphertext, expires_at }, &signer);
			let result = node.put(&put).await;
			node.shutdown().await;
			let receipt = result.map_err(|e| e.to_string())?;
			println!("{}", hex::encode(put.record.pointer()));
			eprintln!("stored on {} node(s): {:?}", receipt.holders.len(), receipt.holders);
			for (peer, reason) in receipt.failed {
				eprintln!("not stored on {peer}: {reason}");
			}
			Ok(())
		}
		Command::Get { pointer, net, key } => {
			let signer = key.signer()?;
			let pointer = parse_hex32("pointer", &pointer)?;
			let node = ClientNode::start(net.bootstrap.clone(), net.max_record_size).await.map_err(|e| e.to_string())?;
			let result = node.get(&pointer, &signer).await;
			node.shutdown().await;
			let put = result.map_err(|e| e.to_string())?;
			use std::io::Write;
			std::io::stdout().write_all(&put.record.ciphertext).map_err(|e| e.to_string())
		}
	}
}

fn main() -> ExitCode {
	let cli = Cli::parse();
	enigma_p2p::cli::run_main("info,libp2p=warn,libp2p_kad=error", run(cli))
}
