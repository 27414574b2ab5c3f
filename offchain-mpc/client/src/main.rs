//! `enigma`: the command line for users and dApps.
//!
//! ```text
//! enigma identity create --suri //Alice --member 5FHneW46...=read
//! enigma identity approve 0x<identity> --suri //Bob
//! enigma data put --suri //Alice --identity 0x<identity> --file location.txt --bootstrap <worker>
//! enigma data get 0x<pointer> --key 0x<key> --suri //Bob --bootstrap <worker>
//! enigma data revoke 0x<pointer> --reader 5FHneW46... --suri //Alice
//! enigma account new --key-file ~/.enigma/me.key     # then --key-file instead of --suri
//! ```
//! Results go to stdout (identities and pointers as 0x-hex, `data put` as one JSON line),
//! progress and errors to stderr; the exit code is 0 on success, 1 on any error.

mod audit;
mod compute;
mod progress;
mod signing;

use clap::{Args, Parser, Subcommand};
use codec::Decode;
use enigma_chain::{
	placement::{active_workers, ChainPlacement},
	Chain, Events,
};
pub(crate) use signing::{signer, Signing};
use enigma_p2p::{ClientNode, Multiaddr, Record, SignedPut};
use enigma_runtime::{AccountId, Runtime, RuntimeCall, RuntimeEvent};
use pallet_shared_identity::predicate::{Grant, Node, Permission};
use sp_core::{crypto::Ss58Codec, H256};
use std::{io::Read, path::PathBuf, process::ExitCode, sync::Arc, time::Duration};

#[derive(Parser)]
#[command(name = "enigma", version, about = "Enigma for users and dApps: shared identities, private data, secrets, contracts and tasks")]
struct Cli {
	/// The node's WebSocket RPC endpoint.
	#[arg(long, global = true, default_value = "ws://127.0.0.1:9944")]
	rpc: String,
	/// Take the RPC node's answers as they come, without checking them against finality proofs:
	/// only for a node you run yourself, or a development chain (`--dev`), which has no GRANDPA
	/// to prove finality with. Also set by ENIGMA_TRUST_RPC=1. Otherwise the committees and worker
	/// keys that shares are sealed to are read with storage proofs from a block the validators
	/// justified.
	#[arg(long, global = true)]
	trust_rpc: bool,
	/// Where the validator sets the client trusts are kept, one file per chain (pinned on first
	/// use; compare what is printed then with the chain spec). [default: ~/.enigma/checkpoints]
	#[arg(long, global = true)]
	checkpoints: Option<PathBuf>,
	/// Pin the chain this node serves although another chain is pinned already (compare what
	/// is printed with the new chain's spec): without it, a node claiming a new chain is refused.
	#[arg(long, global = true)]
	new_chain: bool,
	/// Pin the chain from this raw chain spec (its genesis block and validators, e.g.
	/// chain-specs/local-testnet.raw.json) instead of trusting the first node on first use: a
	/// node that serves another chain is refused. The client then follows the validators'
	/// handovers from genesis, which needs a node that kept every set's last justification.
	#[arg(long, global = true, value_name = "FILE", conflicts_with = "new_chain")]
	chain_spec: Option<PathBuf>,
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Shared identities (whitepaper Alg. 1): create, approve, change policies, show.
	Identity {
		#[command(subcommand)]
		command: IdentityCommand,
	},
	/// Private data (Alg. 3): encrypted here, stored in the DHT, its pointer and rent on chain.
	Data {
		#[command(subcommand)]
		command: DataCommand,
	},
	/// Committees of workers to share secrets with.
	Committee {
		#[command(subcommand)]
		command: compute::CommitteeCommand,
	},
	/// Secret-shared values (Alg. 4, share).
	Secret {
		#[command(subcommand)]
		command: compute::SecretCommand,
	},
	/// Secret contracts: deploy and quote.
	Contract {
		#[command(subcommand)]
		command: compute::ContractCommand,
	},
	/// Tasks (Alg. 4, compute): submit, wait, show, audit.
	Task {
		#[command(subcommand)]
		command: compute::TaskCommand,
	},
	/// Signing accounts kept in key files: new, show.
	Account {
		#[command(subcommand)]
		command: signing::AccountCommand,
	},
}

#[derive(Args)]
pub(crate) struct Dht {
	/// A DHT node (a worker) to join through: a multiaddr ending in /p2p/<peer id>. Repeatable.
	#[arg(long, required = true)]
	pub(crate) bootstrap: Vec<Multiaddr>,
}

#[derive(Subcommand)]
enum IdentityCommand {
	/// Propose an identity of the signer (with every permission) and the given members; active
	/// once every member approved. Prints its address.
	Create {
		#[command(flatten)]
		signing: Signing,
		/// ACCOUNT=PERMISSIONS, e.g. 5FHneW46...=read,compute (permissions: read, store,
		/// compute, declassify, admin). Repeatable.
		#[arg(long, value_parser = parse_member)]
		member: Vec<(AccountId, Vec<Permission>)>,
	},
	/// Consent to an identity you are a member of. The approval names the proposal (its members
	/// and policies) by hash: give the `proposal` that `identity show` printed when you reviewed
	/// it, or the one on chain now is approved (read with its proof, and printed).
	Approve {
		identity: String,
		#[arg(long)]
		proposal: Option<String>,
		#[command(flatten)]
		signing: Signing,
	},
	/// Set a member's permissions (needs Admin); `ACCOUNT=` with nothing after revokes them all.
	/// Takes effect from the next block.
	Policy {
		identity: String,
		#[arg(long, value_parser = parse_member)]
		member: (AccountId, Vec<Permission>),
		#[command(flatten)]
		signing: Signing,
	},
	/// Members with their consent and policies, whether the identity is active, and the proposal
	/// hash `approve --proposal` takes (computed here from the members and policies shown).
	Show { identity: String },
}

#[derive(Subcommand)]
enum DataCommand {
	/// Encrypt a file (or stdin), pay its rent on chain, store it in the DHT. Prints
	/// {"pointer", "key", "holders"}: give the key to whoever should read the data.
	Put {
		#[command(flatten)]
		signing: Signing,
		/// The owner identity (needs your Store permission).
		#[arg(long)]
		identity: String,
		#[arg(long)]
		file: Option<PathBuf>,
		/// Rent periods to pay for now.
		#[arg(long, default_value_t = 10)]
		periods: u32,
		/// Renew the rent from your balance while it lasts.
		#[arg(long)]
		auto_renew: bool,
		/// Who may read: members of the identity with Read permission, or anyone with Read.
		#[arg(long, value_parser = ["member", "always"], default_value = "member")]
		read: String,
		#[command(flatten)]
		dht: Dht,
	},
	/// Fetch data by pointer (the holders check your permission on chain) and decrypt it.
	Get {
		pointer: String,
		/// The data key `put` printed.
		#[arg(long)]
		key: String,
		#[command(flatten)]
		signing: Signing,
		#[arg(long)]
		out: Option<PathBuf>,
		#[command(flatten)]
		dht: Dht,
	},
	/// Stop serving the data: to one reader (--reader), on top of the earlier revocations, or to
	/// everyone.
	Revoke {
		pointer: String,
		#[arg(long)]
		reader: Option<String>,
		#[command(flatten)]
		signing: Signing,
	},
}

fn parse_account(s: &str) -> Result<AccountId, String> {
	if let Some(hex) = s.strip_prefix("0x") {
		let bytes: [u8; 32] = hex::decode(hex).ok().and_then(|b| b.try_into().ok()).ok_or("account: expected 32 bytes of hex")?;
		return Ok(AccountId::from(bytes));
	}
	AccountId::from_ss58check(s).map_err(|e| format!("account {s}: {e:?}"))
}

fn parse_member(s: &str) -> Result<(AccountId, Vec<Permission>), String> {
	let (account, perms) = s.split_once('=').ok_or("expected ACCOUNT=PERMISSIONS")?;
	let permissions = perms
		.split(',')
		.filter(|p| !p.is_empty())
		.map(|p| match p.trim().to_ascii_lowercase().as_str() {
			"read" => Ok(Permission::Read),
			"store" => Ok(Permission::Store),
			"compute" => Ok(Permission::Compute),
			"declassify" => Ok(Permission::Declassify),
			"admin" => Ok(Permission::Admin),
			other => Err(format!("unknown permission {other:?} (read, store, compute, declassify, admin)")),
		})
		.collect::<Result<_, _>>()?;
	Ok((parse_account(account)?, permissions))
}

pub(crate) fn parse_h256(what: &str, s: &str) -> Result<H256, String> {
	hex::decode(s.trim_start_matches("0x")).ok().and_then(|b| <[u8; 32]>::try_from(b).ok()).map(H256).ok_or_else(|| format!("{what}: expected 32 bytes of hex"))
}

/// A policy granting `permissions` to the member whenever it acts (predicate `Always`).
fn policy(permissions: Vec<Permission>) -> Result<pallet_shared_identity::PolicyOf<Runtime>, String> {
	if permissions.is_empty() {
		return Ok(Default::default());
	}
	let grant = Grant { permissions: permissions.try_into().map_err(|_| "too many permissions")?, predicate: vec![Node::Always].try_into().expect("one node") };
	Ok(vec![grant].try_into().expect("one grant"))
}

pub(crate) fn event<T>(events: &Events, pick: impl Fn(&RuntimeEvent) -> Option<T>) -> Option<T> {
	events.iter().find_map(|r| pick(&r.event))
}

pub(crate) struct Ctx {
	rpc: String,
	/// `None` when the RPC node is trusted; otherwise where the checkpoints are.
	checkpoints: Option<PathBuf>,
	/// How a chain no checkpoint pins yet is pinned.
	pin: enigma_chain::trusted::Pin,
	/// The justified header this command reads from, once it has waited for one.
	trusted: tokio::sync::OnceCell<enigma_runtime::Header>,
}

impl Ctx {
	/// The connection to the RPC node. Unless the node is trusted, its chain must be one the
	/// client pinned (it is pinned on first use here, or refused): the client signs
	/// transactions for the genesis the node reports, and a node that reported another chain's
	/// would get transactions valid there.
	pub(crate) async fn chain(&self) -> Result<Chain, String> {
		let chain = Chain::connect(&self.rpc, Duration::from_secs(10)).await.map_err(|e| e.to_string())?;
		if let Some(dir) = &self.checkpoints {
			if !chain.is_pinned(dir, &self.pin)? {
				// Pinned only: the command's trusted head is taken when it first reads.
				chain.pin(dir, &self.pin).await?;
			}
		}
		Ok(chain)
	}

	/// The same client with no trusted head taken yet: a command that waits for the chain to
	/// move on reads from a newer justified head each time.
	pub(crate) fn fresh(&self) -> Ctx {
		Ctx { rpc: self.rpc.clone(), checkpoints: self.checkpoints.clone(), pin: self.pin.clone(), trusted: Default::default() }
	}

	/// The values under `keys`: proven at [`Self::trusted_head`], or the node's word at its best
	/// block when the node is trusted.
	pub(crate) async fn read_state(&self, chain: &Chain, keys: Vec<Vec<u8>>) -> Result<Vec<Option<Vec<u8>>>, String> {
		match self.trusted_head(chain).await? {
			Some(header) => chain.read_proven(header, keys).await.map_err(|e| e.to_string()),
			None => {
				let mut values = Vec::with_capacity(keys.len());
				for key in keys {
					values.push(chain.storage_raw(key, None).await.map_err(|e| e.to_string())?);
				}
				Ok(values)
			},
		}
	}

	/// A header the chain's validators justified, to read proven state from; `None` when the
	/// RPC node is trusted (`--trust-rpc`). One per command: the first call waits for the
	/// validators to finalize the node's best block of then (so that, from an honest node,
	/// what the user saw before running the command is in it).
	pub(crate) async fn trusted_head(&self, chain: &Chain) -> Result<Option<&enigma_runtime::Header>, String> {
		let Some(dir) = &self.checkpoints else { return Ok(None) };
		let header = self
			.trusted
			.get_or_try_init(|| async {
				let best = chain.best_number().await.map_err(|e| e.to_string())?;
				chain.trusted_head(dir, &self.pin, best).await
			})
			.await?;
		Ok(Some(header))
	}
}

async fn identity(ctx: &Ctx, command: IdentityCommand) -> Result<(), String> {
	let chain = ctx.chain().await?;
	match command {
		IdentityCommand::Create { signing, member } => {
			let (pair, _) = signer(&signing)?;
			let me = AccountId::from(sp_core::Pair::public(&pair));
			let mut members = vec![(me.clone(), policy(vec![Permission::Read, Permission::Store, Permission::Compute, Permission::Declassify, Permission::Admin])?)];
			for (account, permissions) in member {
				if account != me {
					members.push((account, policy(permissions)?));
				}
			}
			let call = RuntimeCall::SharedIdentity(pallet_shared_identity::Call::create {
				members: members.try_into().map_err(|_| "too many members")?,
			});
			let (_, events) = chain.submit(&pair, call).await.map_err(|e| e.to_string())?;
			let id = event(&events, |e| match e {
				RuntimeEvent::SharedIdentity(pallet_shared_identity::Event::Proposed { identity, .. }) => Some(*identity),
				_ => None,
			})
			.ok_or("no Proposed event")?;
			let active = event(&events, |e| matches!(e, RuntimeEvent::SharedIdentity(pallet_shared_identity::Event::Created { .. })).then_some(())).is_some();
			println!("{id:?}");
			eprintln!("{}", if active { "active" } else { "proposed: active once every member has run `enigma identity approve`" });
		}
		IdentityCommand::Approve { identity, proposal, signing } => {
			let (pair, _) = signer(&signing)?;
			let identity = parse_h256("identity", &identity)?;
			let proposal = match proposal {
				Some(p) => parse_h256("proposal", &p)?,
				None => {
					// Read with its proof and hashed here: what is approved is what is printed.
					let record = identity_record(ctx, &chain, identity).await?;
					let shown = describe_identity(identity, &record);
					eprintln!("approving proposal {}: {shown}", shown["proposal"].as_str().unwrap_or_default());
					pallet_shared_identity::Pallet::<Runtime>::proposal_hash(&record)
				},
			};
			let call = RuntimeCall::SharedIdentity(pallet_shared_identity::Call::approve { identity, proposal });
			let (_, events) = chain.submit(&pair, call).await.map_err(|e| e.to_string())?;
			let active = event(&events, |e| matches!(e, RuntimeEvent::SharedIdentity(pallet_shared_identity::Event::Created { .. })).then_some(())).is_some();
			eprintln!("{}", if active { "approved: the identity is active" } else { "approved: waiting for other members" });
		}
		IdentityCommand::Policy { identity, member: (account, permissions), signing } => {
			let (pair, _) = signer(&signing)?;
			let identity = parse_h256("identity", &identity)?;
			let call = RuntimeCall::SharedIdentity(pallet_shared_identity::Call::set_policy { identity, member: account, policy: policy(permissions)? });
			let (_, events) = chain.submit(&pair, call).await.map_err(|e| e.to_string())?;
			if let Some(from) = event(&events, |e| match e {
				RuntimeEvent::SharedIdentity(pallet_shared_identity::Event::PolicyChanged { effective_from, .. }) => Some(*effective_from),
				_ => None,
			}) {
				eprintln!("policy changed, in force from block #{from}");
			}
		}
		IdentityCommand::Show { identity } => {
			let identity = parse_h256("identity", &identity)?;
			let record = identity_record(ctx, &chain, identity).await?;
			println!("{}", describe_identity(identity, &record));
		}
	}
	Ok(())
}

/// The identity's record, proven unless the node is trusted.
async fn identity_record(ctx: &Ctx, chain: &Chain, identity: H256) -> Result<pallet_shared_identity::IdentityOf<Runtime>, String> {
	let key = pallet_shared_identity::Identities::<Runtime>::hashed_key_for(identity);
	let record = ctx.read_state(chain, vec![key]).await?.pop().flatten().ok_or_else(|| format!("no identity {identity:?}"))?;
	pallet_shared_identity::IdentityOf::<Runtime>::decode(&mut &record[..]).map_err(|e| format!("identity {identity:?}: {e}"))
}

/// What a member reviews before approving: every member with its consent and policy (and a
/// policy change pending), and the proposal's hash computed here from them.
fn describe_identity(identity: H256, record: &pallet_shared_identity::IdentityOf<Runtime>) -> serde_json::Value {
	let policy = |policy: &pallet_shared_identity::PolicyOf<Runtime>| -> serde_json::Value {
		policy
			.iter()
			.map(|grant| serde_json::json!({ "permissions": grant.permissions.iter().map(|p| format!("{p:?}")).collect::<Vec<_>>(), "predicate": describe_predicate(&grant.predicate) }))
			.collect()
	};
	let members: Vec<_> = record
		.members
		.iter()
		.map(|m| {
			let mut member = serde_json::json!({ "account": m.account.to_ss58check(), "approved": m.approved, "policy": policy(&m.policy) });
			if let Some((from, pending)) = &m.pending {
				member["pending"] = serde_json::json!({ "from": from, "policy": policy(pending) });
			}
			member
		})
		.collect();
	let proposal = pallet_shared_identity::Pallet::<Runtime>::proposal_hash(record);
	serde_json::json!({ "identity": format!("{identity:?}"), "active": record.active, "members": members, "proposal": format!("{proposal:?}") })
}

/// A predicate written out from its prefix notation: `and(member, not(any_of(5F…)))`.
fn describe_predicate(nodes: &[Node<AccountId, enigma_runtime::BlockNumber>]) -> String {
	fn term(nodes: &mut std::slice::Iter<Node<AccountId, enigma_runtime::BlockNumber>>) -> String {
		let keys = |keys: &[AccountId]| keys.iter().map(|k| k.to_ss58check()).collect::<Vec<_>>().join(", ");
		match nodes.next() {
			None => "?".into(),
			Some(Node::Always) => "always".into(),
			Some(Node::Never) => "never".into(),
			Some(Node::Member) => "member".into(),
			Some(Node::AnyOf(list)) => format!("any_of({})", keys(list)),
			Some(Node::Threshold { k, keys: list }) => format!("threshold({k}, {})", keys(list)),
			Some(Node::Until(block)) => format!("until(#{block})"),
			Some(Node::Contracts(hashes)) => format!("contracts({})", hashes.iter().map(|h| format!("{h:?}")).collect::<Vec<_>>().join(", ")),
			Some(Node::And) => format!("and({}, {})", term(nodes), term(nodes)),
			Some(Node::Or) => format!("or({}, {})", term(nodes), term(nodes)),
			Some(Node::Not) => format!("not({})", term(nodes)),
		}
	}
	term(&mut nodes.iter())
}

async fn data(ctx: &Ctx, command: DataCommand) -> Result<(), String> {
	match command {
		DataCommand::Put { signing, identity, file, periods, auto_renew, read, dht } => {
			let (pair, dht_signer) = signer(&signing)?;
			let owner = parse_h256("identity", &identity)?;
			let mut plaintext = Vec::new();
			match file {
				Some(path) => plaintext = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?,
				None => {
					std::io::stdin().read_to_end(&mut plaintext).map_err(|e| e.to_string())?;
				}
			}
			let (sealed, key) = enigma_protocol::data::seal(&owner.0, &plaintext);
			let pointer = enigma_p2p::pointer(&owner.0, &sealed);
			let read_predicate = vec![if read == "always" { Node::Always } else { Node::Member }].try_into().expect("one node");
			let chain = ctx.chain().await?;
			// The record goes where the workers would put it: the modified distance, weighted by
			// the registry (reputation and stake), so not to unregistered peers while workers are
			// there to hold it. Read before paying, so a failed read costs nothing.
			let placement = ChainPlacement::default();
			placement.update(&active_workers(&chain, None).await.map_err(|e| e.to_string())?);
			eprintln!("paying rent for {} bytes on chain...", sealed.len());
			let call = RuntimeCall::DataRegistry(pallet_data_registry::Call::store {
				owner,
				pointer: H256(pointer),
				size: sealed.len() as u32,
				read_predicate,
				periods,
				auto_renew,
			});
			chain.submit(&pair, call).await.map_err(|e| e.to_string())?;
			eprintln!("storing in the DHT (placement over {} active workers)...", placement.known());
			let node = ClientNode::start_with_placement(dht.bootstrap, sealed.len().max(1024), Arc::new(placement)).await.map_err(|e| e.to_string())?;
			let put = SignedPut::new(Record { owner: owner.0, ciphertext: sealed, expires_at: 0 }, &dht_signer);
			let receipt = node.put(&put).await;
			node.shutdown().await;
			let receipt = receipt.map_err(|e| e.to_string())?;
			let holders: Vec<String> = receipt.holders.iter().map(|p| p.to_string()).collect();
			println!("{}", serde_json::json!({ "pointer": format!("0x{}", hex::encode(pointer)), "key": format!("0x{}", hex::encode(key)), "holders": holders }));
		}
		DataCommand::Get { pointer, key, signing, out, dht } => {
			let (_, dht_signer) = signer(&signing)?;
			let pointer = parse_h256("pointer", &pointer)?;
			let key = parse_h256("key", &key)?;
			let node = ClientNode::start(dht.bootstrap, 64 << 20).await.map_err(|e| e.to_string())?;
			let got = node.get(&pointer.0, &dht_signer).await;
			node.shutdown().await;
			let put = got.map_err(|e| e.to_string())?;
			let plaintext = enigma_protocol::data::open(&put.record.owner, &key.0, &put.record.ciphertext)?;
			match out {
				Some(path) => std::fs::write(&path, plaintext).map_err(|e| format!("{}: {e}", path.display()))?,
				None => {
					use std::io::Write;
					std::io::stdout().write_all(&plaintext).map_err(|e| e.to_string())?;
				}
			}
		}
		DataCommand::Revoke { pointer, reader, signing } => {
			let (pair, _) = signer(&signing)?;
			let pointer = parse_h256("pointer", &pointer)?;
			let chain = ctx.chain().await?;
			// One reader: the chain narrows the predicate it holds to And(it, Not AnyOf [reader]),
			// so a revocation another holder of Store makes meanwhile is kept (reading the predicate
			// and writing it back narrowed would undo it). Everyone: nobody.
			let call = match &reader {
				Some(reader) => RuntimeCall::DataRegistry(pallet_data_registry::Call::restrict_read {
					pointer,
					narrowing: vec![Node::Not, Node::AnyOf(vec![parse_account(reader)?].try_into().expect("one key"))].try_into().expect("two nodes"),
				}),
				None => RuntimeCall::DataRegistry(pallet_data_registry::Call::set_read_predicate { pointer, read_predicate: vec![Node::Never].try_into().expect("one node") }),
			};
			chain.submit(&pair, call).await.map_err(|e| e.to_string())?;
			eprintln!("revoked: holders refuse {} from now on", reader.as_deref().unwrap_or("every reader"));
		}
	}
	Ok(())
}

fn main() -> ExitCode {
	let cli = Cli::parse();
	let trust_rpc = cli.trust_rpc || std::env::var("ENIGMA_TRUST_RPC").is_ok_and(|v| v == "1");
	let checkpoints = (!trust_rpc).then(|| {
		cli.checkpoints.unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").unwrap_or_else(|| ".".into())).join(".enigma").join("checkpoints"))
	});
	let pin = match (&cli.chain_spec, cli.new_chain) {
		(Some(file), _) => match std::fs::read_to_string(file).map_err(|e| e.to_string()).and_then(|json| enigma_chain::trusted::Checkpoint::from_chain_spec(&json)) {
			Ok(spec) => enigma_chain::trusted::Pin::Spec(spec),
			Err(e) => {
				eprintln!("error: {}: {e}", file.display());
				return ExitCode::FAILURE;
			},
		},
		(None, true) => enigma_chain::trusted::Pin::NewChain,
		(None, false) => enigma_chain::trusted::Pin::OnFirstUse,
	};
	let ctx = Ctx { rpc: cli.rpc, checkpoints, pin, trusted: tokio::sync::OnceCell::new() };
	enigma_p2p::cli::run_main("warn,libp2p=error", async move {
		match cli.command {
			Command::Identity { command } => identity(&ctx, command).await,
			Command::Data { command } => data(&ctx, command).await,
			Command::Committee { command } => compute::committee(&ctx, command).await,
			Command::Secret { command } => compute::secret(&ctx, command).await,
			Command::Contract { command } => compute::contract(&ctx, command).await,
			Command::Task { command } => compute::task(&ctx, command).await,
			Command::Account { command } => signing::account(command),
		}
	})
}

#[cfg(test)]
mod tests {
	use super::*;

	/// What `identity show` prints and `identity approve` approves: every member's policy, written
	/// out, and the proposal hash the pallet checks, computed from that record here.
	#[test]
	fn an_identity_is_shown_with_its_policies_and_the_hash_the_chain_checks() {
		let (alice, bob) = (AccountId::from([1; 32]), AccountId::from([2; 32]));
		let predicate = vec![Node::And, Node::Member, Node::Not, Node::AnyOf(vec![bob.clone()].try_into().unwrap())];
		let grant = Grant { permissions: vec![Permission::Read, Permission::Compute].try_into().unwrap(), predicate: predicate.try_into().unwrap() };
		let member = |account: &AccountId, policy: pallet_shared_identity::PolicyOf<Runtime>, approved| pallet_shared_identity::Member { account: account.clone(), policy, pending: None, approved };
		let record = pallet_shared_identity::IdentityOf::<Runtime> {
			members: vec![member(&alice, policy(vec![Permission::Admin]).unwrap(), true), member(&bob, vec![grant].try_into().unwrap(), false)].try_into().unwrap(),
			active: false,
			created: 7,
			depositor: alice.clone(),
			deposit: 1,
		};
		let shown = describe_identity(H256::repeat_byte(1), &record);
		let hash = pallet_shared_identity::Pallet::<Runtime>::proposal_hash(&record);
		assert_eq!(shown["proposal"], format!("{hash:?}"));
		assert_eq!(shown["members"][0]["policy"][0]["predicate"], "always");
		assert_eq!(shown["members"][1]["approved"], false);
		assert_eq!(shown["members"][1]["policy"][0]["permissions"], serde_json::json!(["Read", "Compute"]));
		assert_eq!(shown["members"][1]["policy"][0]["predicate"], format!("and(member, not(any_of({})))", bob.to_ss58check()));
		// What is shown is what is hashed: another policy for Bob is another proposal.
		let mut changed = record.clone();
		changed.members[1].policy = policy(vec![Permission::Read]).unwrap();
		let other = describe_identity(H256::repeat_byte(1), &changed);
		assert_ne!(other["proposal"], shown["proposal"]);
		assert_eq!(other["members"][1]["policy"][0]["permissions"], serde_json::json!(["Read"]));
		// A malformed predicate (the chain refuses them; a trusted node could still serve one) shows its gap.
		assert_eq!(describe_predicate(&[Node::Or, Node::Never]), "or(never, ?)");
	}
}
