//! Committees, secrets, contracts and tasks (whitepaper Alg. 4).

use crate::{event, parse_h256, signer, Ctx, Dht, Signing};
use clap::Subcommand;
use codec::{Decode, Encode};
use enigma_chain::{
	offchain::{ledger_key, ledger_value_in, new_secret_id, submitter_value},
	Chain,
};
use enigma_protocol::{
	dealing::{committee_fits, deal_one, fits, parse_kind, How},
	messages::{declassify_message, open_answer, output_message, secret_id, ShareDelivery, WorkerRequest, WorkerResponse, MAX_SHARES_PER_REQUEST, REGISTER_FIRST},
	reconstruct::{reconstruct, Dealt, Shared, NOT_A_READER},
	ValueKind,
};
use enigma_lang::{
	manifest::{OutputTarget, Prices},
	ChainFacts, Compiled, PublicArg,
};
use enigma_mpc::{circuit::Recipient, committed_input::Dishonesty};
use enigma_p2p::{ClientNode, PeerId};
use enigma_runtime::{AccountId, Balance, BlockNumber, Runtime, RuntimeCall, RuntimeEvent};
use pallet_shared_identity::predicate::Node;
use pallet_secret_compute::{runtime_api::TaskView, Security, TaskResult, TaskStatus};
use pallet_workers::WorkerOf;
use sp_core::{Pair, H256};
use std::{collections::BTreeMap, path::PathBuf, time::Duration};

#[derive(Subcommand)]
pub enum CommitteeCommand {
	/// Ask the chain for a committee of `size` workers (sampled by stake and reputation) to share
	/// secrets with. Prints its id. A committee smaller than an honest majority needs (four
	/// on the dev chains) takes secrets shared with `--security dishonest-majority` only, and
	/// runs only contracts that ask for it; two members are the least.
	Request {
		#[arg(long)]
		size: u32,
		#[command(flatten)]
		signing: Signing,
	},
	/// A committee's members as the client would seal shares to them: account, libp2p peer id,
	/// x25519 key (JSON lines), read with storage proofs unless `--trust-rpc`.
	Show { id: u32 },
}

#[derive(Subcommand)]
pub enum SecretCommand {
	/// Share values with a committee (Pedersen verifiable secret sharing): each member gets its
	/// share (and, for an integer, its shares of the value's bits, so that tasks can prove the
	/// value fits its type) sealed to its key, checks it against the dealer's commitments, and
	/// the chain gets the hash of the commitments. Waits until every member has acknowledged; prints
	/// one secret id per value, in order.
	Share {
		#[command(flatten)]
		signing: Signing,
		/// The owner identity (needs your Store permission).
		#[arg(long)]
		identity: String,
		#[arg(long)]
		committee: u32,
		/// A file with one value per line (`-`: standard input), so that values never appear
		/// on a command line.
		#[arg(long, conflicts_with = "values")]
		value_file: Option<PathBuf>,
		/// The value, an unsigned integer (visible to other users of this machine in the process
		/// list; prefer --value-file). Repeatable: each becomes a secret of its own.
		#[arg(long = "value")]
		values: Vec<u128>,
		/// What the values are: u8, u16, u32, u64, u128, bool or field. A task whose contract
		/// expects a narrower type refuses the secret; an integer that does not fit its type is
		/// refused by the committee.
		#[arg(long = "type", default_value = "u64", value_parser = parse_kind)]
		kind: ValueKind,
		/// The hash of a contract that may compute on the values (repeatable): the chain refuses
		/// tasks of any other contract. Review a contract before allowing it: it decides what
		/// its outputs reveal.
		#[arg(long = "contract", required_unless_present = "any_contract")]
		contracts: Vec<String>,
		/// Let any contract compute on the values. A contract can publish its inputs, so this is
		/// read access for whoever has Compute permission on the identity.
		#[arg(long, conflicts_with = "contracts")]
		any_contract: bool,
		/// Whom the values' privacy holds against: `honest-majority` (shared with degree t, for
		/// contracts run with maliciously secure Shamir) or `dishonest-majority` (degree n − 1
		/// with the owner's MAC, for `dishonest_majority` contracts run with SPDZ: private while
		/// one member is honest). A task refuses inputs shared for the other.
		#[arg(long, value_enum, default_value = "honest-majority")]
		security: SecurityArg,
		/// Test mode: share values that do not fit --type anyway, as a dishonest owner would,
		/// with a consistent sharing whose lowest "bit" is not 0 or 1: the members accept it and
		/// the range check of the first task that reads it refuses it, naming its owner.
		#[arg(long, hide = true, conflicts_with = "lie_about_bits")]
		lie_about_range: bool,
		/// Test mode: share a value apart from the bits of its low part: every member refuses
		/// its share (Pedersen VSS), and the secret is never registered.
		#[arg(long, hide = true, conflicts_with = "lie_about_mac")]
		lie_about_bits: bool,
		/// Test mode: share for a dishonest majority with the owner's MAC wrong on the lowest
		/// bit: every share lies on the commitments, the MAC's proof does not verify, and every
		/// member refuses its share.
		#[arg(long, hide = true, conflicts_with = "lie_about_range")]
		lie_about_mac: bool,
		#[command(flatten)]
		dht: Dht,
	},
	/// Get a secret's value back (needs Declassify on its identity): asks the chain (the request
	/// is on record), then collects the members' shares and reconstructs. Prints the value.
	Declassify {
		secret: String,
		/// Collect the shares against this account's earlier `declassify` call, taken in the
		/// block with this hash (finalized, at most 100 blocks ago), instead of paying for a new
		/// one: after an interrupted collection, say.
		#[arg(long)]
		at: Option<String>,
		#[command(flatten)]
		signing: Signing,
		#[command(flatten)]
		dht: Dht,
	},
	/// Hand secrets to another committee without reconstructing them (proactive resharing):
	/// each old member re-shares its share to the new members, who check every dealing against
	/// the secret's commitments and combine them into a fresh sharing of the same value; the old
	/// members then delete their shares. For a member that leaves (its stake is released only
	/// once it holds no share), one that died, or a periodic rotation. Needs Store on each
	/// secret's identity; only secrets a client shared for an honest majority. Waits until
	/// every secret has moved and prints each with its new committee.
	HandOver {
		/// The secrets' ids.
		#[arg(required = true)]
		secrets: Vec<String>,
		/// The committee to hand them to (at least an honest majority's size).
		#[arg(long)]
		to: u32,
		/// Give up waiting after this many seconds (the handover goes on; `--timeout 0` does not
		/// wait at all).
		#[arg(long, default_value_t = 300)]
		timeout: u64,
		#[command(flatten)]
		signing: Signing,
	},
}

#[derive(Subcommand)]
pub enum ContractCommand {
	/// Publish a secret contract's source; prints its hash.
	Deploy {
		file: PathBuf,
		#[command(flatten)]
		signing: Signing,
	},
	/// The exact gas of an entry point at the chain's current prices.
	Quote {
		file: PathBuf,
		#[arg(long)]
		entry: String,
		/// Public arguments as a JSON object, e.g. {"n": 5}.
		#[arg(long)]
		args: Option<String>,
		/// Members of the committee that will run it: the gas depends on it (t + 1 of them deal
		/// each random bit the contract uses).
		#[arg(long, default_value_t = enigma_lang::DEFAULT_COMMITTEE)]
		committee_size: usize,
	},
}

#[derive(Subcommand)]
pub enum TaskCommand {
	/// Run an entry point of a deployed contract on registered secrets; prints the task id.
	Submit {
		#[arg(long)]
		contract: String,
		#[arg(long)]
		entry: String,
		/// Secret ids, in the order the entry point's inputs are declared. Repeatable.
		#[arg(long = "input", required = true)]
		inputs: Vec<String>,
		/// Public arguments as a JSON object.
		#[arg(long)]
		args: Option<String>,
		/// Most you pay, in plancks; default: the exact quote.
		#[arg(long)]
		gas_limit: Option<u128>,
		#[command(flatten)]
		signing: Signing,
	},
	/// Wait until the task completes or fails; print its public outputs, and with --suri and
	/// --bootstrap also the private outputs the signer may collect.
	Wait {
		task: String,
		#[arg(long, default_value_t = 120)]
		timeout: u64,
		/// Who collects private outputs (with --bootstrap): a secret URI...
		#[arg(long, conflicts_with = "key_file")]
		suri: Option<String>,
		/// ...or a key file.
		#[arg(long)]
		key_file: Option<PathBuf>,
		#[arg(long)]
		bootstrap: Vec<enigma_p2p::Multiaddr>,
	},
	/// The task's state on chain.
	Show { task: String },
	/// Re-check a completed dishonest-majority task from the chain and its members alone: fetch
	/// the run's transcript, check every opening against the members' commitments and the
	/// triples' sacrifice, that the transcript is the one the chain's result commits to, and that
	/// it proves the result's public outputs. Prints a JSON line if it passes; otherwise fails
	/// saying which check did not hold (the opening, the value and the member for a false one).
	Audit {
		task: String,
		/// A worker to join the DHT through (the task's members answer).
		#[arg(long)]
		bootstrap: Vec<enigma_p2p::Multiaddr>,
		/// Audit this file's transcript instead of fetching one.
		#[arg(long)]
		transcript: Option<PathBuf>,
		/// Write the transcript audited to this file.
		#[arg(long)]
		save: Option<PathBuf>,
	},
}

fn parse_args(args: Option<&str>) -> Result<BTreeMap<String, PublicArg>, String> {
	PublicArg::parse_json(args.unwrap_or_default()).map_err(|e| format!("--args: {e}"))
}

/// The chain's gas prices now: what a task submitted now is quoted at.
async fn prices(chain: &Chain) -> Result<Prices, String> {
	Ok(prices_of(chain.price_table().await.map_err(|e| e.to_string())?))
}

fn prices_of(t: pallet_secret_compute::PriceTable<enigma_runtime::Balance>) -> Prices {
	Prices { add: t.add, mul: t.mul, open: t.open, input: t.input, round: t.round }
}

/// Compiles `entry` as the workers will for a task created at `block` by `submitter` (what
/// `now()` and `submitter()` return), run by a committee of `committee` members, with the ledger
/// values it reads if given ([`ChainFacts::ledger`]).
#[allow(clippy::too_many_arguments)]
fn compile(
	source: &str,
	entry: &str,
	args: &BTreeMap<String, PublicArg>,
	prices: &Prices,
	block: BlockNumber,
	submitter: &AccountId,
	committee: usize,
	ledger: Option<BTreeMap<(u64, u64), u128>>,
) -> Result<Compiled, String> {
	let facts = ChainFacts { block: block.into(), submitter: submitter_value(submitter), ledger };
	enigma_lang::compile_task(source, entry, args, facts, prices, committee).map_err(|d| format!("the contract does not compile: {}", d.message))
}

async fn contract_source(chain: &Chain, hash: H256) -> Result<String, String> {
	let code: Option<Vec<u8>> = chain.runtime_api("SecretComputeApi_contract", hash, None).await.map_err(|e| e.to_string())?;
	let code = code.ok_or_else(|| format!("no contract {hash:?} on chain"))?;
	// A contract is known by its code's hash: no proof needed to tell the node's answer is it.
	if H256(sp_crypto_hashing::blake2_256(&code)) != hash {
		return Err(format!("the RPC node is not to be trusted: it sent code for contract {hash:?} that is not its code"));
	}
	String::from_utf8(code).map_err(|_| "contract code is not UTF-8".into())
}

/// A committee's members and their registry entries (peer ids, x25519 keys): what shares are
/// sealed to and asked from. Read with storage proofs from a block the validators justified,
/// unless the RPC node is trusted ([`Ctx::trusted_head`]).
async fn members_of(ctx: &Ctx, chain: &Chain, committee: u32) -> Result<Vec<(AccountId, WorkerOf<Runtime>)>, String> {
	let members = committee_accounts(ctx, chain, committee).await?;
	let entries = ctx.read_state(chain, members.iter().map(pallet_workers::Workers::<Runtime>::hashed_key_for).collect()).await?;
	members
		.into_iter()
		.zip(entries)
		.map(|(member, entry)| {
			let entry = entry.ok_or_else(|| format!("{member} is not a registered worker"))?;
			let entry = WorkerOf::<Runtime>::decode(&mut &entry[..]).map_err(|e| format!("worker {member}: {e}"))?;
			Ok((member, entry))
		})
		.collect()
}

/// A committee's members, without their registry entries (a member may have left the registry
/// since: its aborts and votes still count).
async fn committee_accounts(ctx: &Ctx, chain: &Chain, committee: u32) -> Result<Vec<AccountId>, String> {
	let key = pallet_workers::Committees::<Runtime>::hashed_key_for(committee);
	let members = ctx.read_state(chain, vec![key]).await?.pop().flatten().ok_or_else(|| format!("no committee {committee}"))?;
	Vec::<AccountId>::decode(&mut &members[..]).map_err(|e| format!("committee {committee}: {e}"))
}

/// A member as a client asks it for shares: its peer, and the x25519 key it seals answers with.
pub(crate) type Holder = (PeerId, [u8; 32]);

fn holders(members: &[(AccountId, WorkerOf<Runtime>)]) -> Result<Vec<Holder>, String> {
	members.iter().map(|(_, e)| Ok((peer_of(e)?, e.encryption_key))).collect()
}

fn peer_of(entry: &WorkerOf<Runtime>) -> Result<PeerId, String> {
	PeerId::from_bytes(&entry.peer_id).map_err(|e| format!("registered peer id: {e}"))
}

pub async fn committee(ctx: &Ctx, command: CommitteeCommand) -> Result<(), String> {
	let (size, signing) = match command {
		CommitteeCommand::Request { size, signing } => (size, signing),
		CommitteeCommand::Show { id } => {
			let chain = ctx.chain().await?;
			for (account, entry) in members_of(ctx, &chain, id).await? {
				let line = serde_json::json!({ "account": account.to_string(), "peer": peer_of(&entry)?.to_string(), "x25519": format!("0x{}", hex::encode(entry.encryption_key)) });
				println!("{line}");
			}
			if let Some(header) = ctx.trusted_head(&chain).await? {
				eprintln!("proven against block #{} {:?}, justified by the validators", header.number, header.hash());
			}
			return Ok(());
		},
	};
	let (pair, _) = signer(&signing)?;
	let chain = ctx.chain().await?;
	let call = RuntimeCall::Workers(pallet_workers::Call::request_committee { size });
	let events = chain.submit(&pair, call).await.map_err(|e| e.to_string())?.1;
	let (id, draw_at) = event(&events, |e| match e {
		RuntimeEvent::Workers(pallet_workers::Event::CommitteeRequested { id, draw_at, .. }) => Some((*id, *draw_at)),
		_ => None,
	})
	.ok_or("no CommitteeRequested event")?;
	// The chain draws it a few blocks later, from a block hash nobody knew at request time.
	eprintln!("committee {id} requested; drawn at block #{draw_at}...");
	let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
	loop {
		let members: Option<Vec<AccountId>> = chain.runtime_api("SecretComputeApi_committee", id, None).await.map_err(|e| e.to_string())?;
		if members.is_some() {
			break;
		}
		let pending = chain
			.storage::<pallet_workers::PendingCommittee<AccountId, BlockNumber>>("Workers.PendingCommittees", pallet_workers::PendingCommittees::<Runtime>::hashed_key_for(id), None)
			.await
			.map_err(|e| e.to_string())?;
		if pending.is_none() {
			// Drawn between the two reads, or failed.
			let members: Option<Vec<AccountId>> = chain.runtime_api("SecretComputeApi_committee", id, None).await.map_err(|e| e.to_string())?;
			if members.is_some() {
				break;
			}
			return Err(format!("committee {id} could not be drawn: too few eligible workers were left (Workers::CommitteeFailed)"));
		}
		if tokio::time::Instant::now() > deadline {
			return Err(format!("committee {id} not drawn after 120 s"));
		}
		tokio::time::sleep(Duration::from_millis(250)).await;
	}
	println!("{id}");
	Ok(())
}

/// `u8`..`u128`, `bool` or `field`.
/// Values from a file (one per line; `-` reads standard input).
fn read_values(path: &std::path::Path) -> Result<Vec<u128>, String> {
	let text = if path.as_os_str() == "-" {
		let mut text = String::new();
		std::io::Read::read_to_string(&mut std::io::stdin(), &mut text).map_err(|e| format!("standard input: {e}"))?;
		text
	} else {
		std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?
	};
	text.lines()
		.map(str::trim)
		.filter(|l| !l.is_empty())
		.map(|l| l.parse::<u128>().map_err(|_| format!("`{l}` is not an unsigned integer")))
		.collect()
}

/// `secret share --security`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum SecurityArg {
	HonestMajority,
	DishonestMajority,
}

pub async fn secret(ctx: &Ctx, command: SecretCommand) -> Result<(), String> {
	let (signing, identity, committee, value_file, values, kind, contracts, how, dht) = match command {
		SecretCommand::Share { signing, identity, committee, value_file, values, kind, contracts, security, lie_about_range, lie_about_bits, lie_about_mac, dht, .. } => {
			let how = match (lie_about_range, lie_about_bits, lie_about_mac, security) {
				(true, ..) => How::Lie(Dishonesty::NonBinaryBit),
				(_, true, ..) => How::Lie(Dishonesty::ValueNotItsBits),
				(_, _, true, _) => How::Lie(Dishonesty::WrongMacTag),
				(.., SecurityArg::HonestMajority) => How::HonestMajority,
				(.., SecurityArg::DishonestMajority) => How::DishonestMajority,
			};
			(signing, identity, committee, value_file, values, kind, contracts, how, dht)
		},
		SecretCommand::Declassify { secret, at, signing, dht } => return declassify(ctx, secret, at, signing, dht).await,
		SecretCommand::HandOver { secrets, to, timeout, signing } => return hand_over(ctx, secrets, to, timeout, signing).await,
	};
	let values = match value_file {
		Some(path) => read_values(&path)?,
		None => values,
	};
	if values.is_empty() {
		return Err("no values to share: give --value or --value-file".into());
	}
	if let Some(bad) = values.iter().find(|v| !fits(**v, kind)).filter(|_| !matches!(how, How::Lie(_))) {
		return Err(format!("{bad} is not a {kind:?}"));
	}
	// Which contracts may compute on the values (none named: any, as --any-contract says).
	let hashes: Vec<H256> = contracts.iter().map(|c| parse_h256("contract", c)).collect::<Result<_, _>>()?;
	let predicate: Vec<Node<AccountId, BlockNumber>> = if hashes.is_empty() {
		vec![Node::Always]
	} else {
		vec![Node::Contracts(hashes.try_into().map_err(|_| "at most 8 contracts per secret")?)]
	};
	let (pair, _) = signer(&signing)?;
	let identity = parse_h256("identity", &identity)?;
	let chain = ctx.chain().await?;
	let members = members_of(ctx, &chain, committee).await?;
	committee_fits(how, committee, members.len())?;
	let node = ClientNode::start(dht.bootstrap, 1 << 20).await.map_err(|e| e.to_string())?;
	eprintln!("sharing {} value(s) with the {} members of committee {committee}...", values.len(), members.len());
	let predicate: Predicate = predicate.try_into().map_err(|_| "the compute predicate is too large")?;
	let started = std::time::Instant::now();
	let progress = crate::progress::bar(values.len() as u64, "dealt, delivered and registered");
	let keys: Vec<[u8; 32]> = members.iter().map(|(_, entry)| entry.encryption_key).collect();
	// A pipeline of batches: while one batch is delivered, the next is dealt, and each delivered
	// batch is registered in one transaction while later ones are on their way; the members
	// acknowledge each batch as soon as it is registered.
	// At most four registrations queued: the members keep the shares waiting for registration
	// within a cap per identity, so delivering must not run far ahead of registering. A batch
	// that a member refuses because that room is full (anyone can fill it) is registered first
	// and delivered again to those members once the registration is in a block.
	let (to_register, mut registrations) = tokio::sync::mpsc::channel::<(Vec<H256>, RuntimeCall, Option<tokio::sync::oneshot::Sender<()>>)>(4);
	let sharing = async {
		// Owned here, so that the registrations end when the sharing does, however it ends.
		let to_register = to_register;
		let mut batches = values.chunks(SECRET_BATCH);
		let mut next = batches.next().map(|b| deal_batch(b.to_vec(), identity, committee, keys.clone(), kind, how));
		while let Some(dealing) = next.take() {
			let deliveries = dealing.await?;
			next = batches.next().map(|b| deal_batch(b.to_vec(), identity, committee, keys.clone(), kind, how));
			let dealt: Vec<(H256, ValueKind)> = deliveries.first().map(|d| d.iter().map(|d| (d.commitment, d.kind)).collect()).unwrap_or_default();
			let ids = dealt.iter().map(|(commitment, _)| secret_id(identity, committee, *commitment)).collect();
			let call = RuntimeCall::SecretCompute(pallet_secret_compute::Call::register_secrets {
				identity,
				committee,
				compute_predicate: predicate.clone(),
				secrets: dealt.try_into().map_err(|_| "a batch larger than the chain's")?,
				security: if how == How::DishonestMajority { Security::DishonestMajority } else { Security::HonestMajority },
			});
			let everyone: Vec<usize> = (0..members.len()).collect();
			let refused = deliver(&node, &members, &deliveries, &everyone).await;
			if refused.is_empty() {
				// The registrations stopped on an error: dealing more would only hand out
				// shares nobody registers.
				if to_register.send((ids, call, None)).await.is_err() {
					break;
				}
				continue;
			}
			if !refused.iter().all(|(_, why)| why.ends_with(REGISTER_FIRST)) {
				return Err(refusals(&members, &refused));
			}
			eprintln!("{} member(s) hold as many unregistered shares of this identity as they keep: registering the batch before delivering it", refused.len());
			let (registered, in_block) = tokio::sync::oneshot::channel();
			if to_register.send((ids, call, Some(registered))).await.is_err() || in_block.await.is_err() {
				break;
			}
			// The members read the registration at their node's best block, which may be a
			// moment behind ours.
			let mut waiting: Vec<usize> = refused.into_iter().map(|(member, _)| member).collect();
			for wait in [0, 1_000, 2_000, 4_000] {
				tokio::time::sleep(Duration::from_millis(wait)).await;
				let refused = deliver(&node, &members, &deliveries, &waiting).await;
				if !refused.iter().all(|(_, why)| why.ends_with(REGISTER_FIRST)) || wait == 4_000 && !refused.is_empty() {
					return Err(refusals(&members, &refused));
				}
				waiting = refused.into_iter().map(|(member, _)| member).collect();
				if waiting.is_empty() {
					break;
				}
			}
		}
		Ok::<(), String>(())
	};
	let registering = async {
		let mut registered = Vec::with_capacity(values.len());
		while let Some((ids, call, in_block)) = registrations.recv().await {
			if let Err(e) = chain.submit(&pair, call).await {
				return (registered, Err(format!("registering shared values: {e}")));
			}
			progress.inc(ids.len() as u64);
			registered.extend(ids);
			if let Some(in_block) = in_block {
				let _ = in_block.send(());
			}
		}
		(registered, Ok(()))
	};
	let (shared, (secrets, registered)) = futures::join!(sharing, registering);
	node.shutdown().await;
	if let Err(e) = shared.and(registered) {
		progress.abandon();
		// What is registered holds the owner's deposits: its ids, to use or remove.
		if !secrets.is_empty() {
			eprintln!("{} value(s) were registered before the error (their ids follow)", secrets.len());
			for secret in &secrets {
				println!("{secret:?}");
			}
		}
		return Err(e);
	}
	progress.finish_and_clear();
	eprintln!("dealt, delivered and registered in {:.1} s", started.elapsed().as_secs_f64());

	eprintln!("waiting for every member to acknowledge its shares...");
	let progress = crate::progress::bar(secrets.len() as u64, "acknowledged");
	let deadline = tokio::time::Instant::now() + Duration::from_secs(120 + secrets.len() as u64 / 10);
	let mut waiting: &[H256] = &secrets;
	while !waiting.is_empty() {
		let batch = &waiting[..waiting.len().min(SECRET_BATCH)];
		let views: Vec<Option<pallet_secret_compute::runtime_api::SecretView<AccountId>>> =
			chain.runtime_api("SecretComputeApi_secrets", batch, None).await.map_err(|e| e.to_string())?;
		let ready = views.iter().take_while(|v| v.as_ref().is_some_and(|v| v.ready)).count();
		progress.inc(ready as u64);
		waiting = &waiting[ready..];
		if ready < batch.len() {
			if tokio::time::Instant::now() > deadline {
				progress.abandon();
				let silent: Vec<String> = views[ready]
					.as_ref()
					.map(|v| v.members.iter().filter(|m| !v.acks.contains(m)).map(|m| m.to_string()).collect())
					.unwrap_or_default();
				return Err(format!(
					"secret {:?} registered, but not every member acknowledged its share in time (still missing: {})",
					waiting[0],
					if silent.is_empty() { "the secret is gone".to_string() } else { silent.join(", ") }
				));
			}
			tokio::time::sleep(Duration::from_millis(250)).await;
		}
	}
	progress.finish_and_clear();
	// So far the node's word (runtime calls have no proofs): a checking client reads every
	// record, proven, at a head the validators justified after the node showed the last
	// acknowledgement, before it says the values are held.
	if let Some(header) = ctx.fresh().trusted_head(&chain).await?.cloned() {
		for batch in secrets.chunks(PROVEN_BATCH) {
			let keys = batch.iter().map(|secret| pallet_secret_compute::Secrets::<Runtime>::hashed_key_for(secret)).collect();
			let records = chain.read_proven(&header, keys).await.map_err(|e| e.to_string())?;
			for (secret, record) in batch.iter().zip(records) {
				let ready = record.and_then(|r| pallet_secret_compute::SecretOf::<Runtime>::decode(&mut &r[..]).ok()).is_some_and(|info| info.ready);
				if !ready {
					return Err(format!("the RPC node said every member acknowledged secret {secret:?}, but the state the validators justified says otherwise: try another node"));
				}
			}
		}
	}
	eprintln!("{} value(s) shared and acknowledged in {:.1} s", secrets.len(), started.elapsed().as_secs_f64());
	for secret in secrets {
		println!("{secret:?}");
	}
	Ok(())
}

/// Values registered per transaction (the runtime's `MaxSecretBatch`).
const SECRET_BATCH: usize = 1024;

/// Records read per storage proof (a secret's record is about a kilobyte).
const PROVEN_BATCH: usize = 256;

type Predicate = pallet_shared_identity::predicate::Predicate<AccountId, BlockNumber>;

/// Deals `values` with Pedersen VSS, every core a part (the commitments are most of the
/// client's work), off the async executor; the deliveries per member, in the values' order.
/// An integer is shared with its bits, least significant first: each member gets
/// [x, b_0, .., b_{w-1}] and a blind.
fn deal_batch(
	values: Vec<u128>,
	identity: H256,
	committee: u32,
	keys: Vec<[u8; 32]>,
	kind: ValueKind,
	how: How,
) -> impl std::future::Future<Output = Result<Vec<Vec<ShareDelivery>>, String>> {
	let dealing = tokio::task::spawn_blocking(move || -> Result<_, String> {
		let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
		let parts: Vec<Result<Vec<Vec<ShareDelivery>>, String>> = std::thread::scope(|scope| {
			let workers: Vec<_> = values
				.chunks(values.len().div_ceil(threads).max(1))
				.map(|part| scope.spawn(|| part.iter().map(|value| deal_one(*value, identity, committee, &keys, kind, how)).collect()))
				.collect();
			workers.into_iter().map(|w| w.join().unwrap_or_else(|_| Err("a dealing thread panicked".into()))).collect()
		});
		// Per value its members' deliveries, regrouped per member.
		let mut per_member: Vec<Vec<ShareDelivery>> = vec![Vec::with_capacity(values.len()); keys.len()];
		for value in parts.into_iter().collect::<Result<Vec<_>, _>>()?.into_iter().flatten() {
			for (mine, delivery) in per_member.iter_mut().zip(value) {
				mine.push(delivery);
			}
		}
		Ok(per_member)
	});
	async move { dealing.await.map_err(|e| format!("dealing: {e}"))? }
}

/// Hands members `to` their sealed shares through the DHT's request protocol,
/// [`MAX_SHARES_PER_REQUEST`] per request, to every member at once; each member checks its own
/// against the commitments. Returns the members that did not take theirs, each with why.
async fn deliver(node: &ClientNode, members: &[(AccountId, WorkerOf<Runtime>)], deliveries: &[Vec<ShareDelivery>], to: &[usize]) -> Vec<(usize, String)> {
	let answers = futures::future::join_all(to.iter().map(|&m| async move {
		let (peer, mine) = (peer_of(&members[m].1)?, &deliveries[m]);
		for chunk in mine.chunks(MAX_SHARES_PER_REQUEST) {
			let request = WorkerRequest::Shares(chunk.to_vec()).encode();
			let mut answer = node.app_request(peer, request.clone()).await.map_err(|e| e.to_string())?;
			// An empty answer: the member is busy with as many requests from this client as it
			// takes at once (other clients' too). Asked again, a few times, waiting longer each.
			for wait in [200, 500, 1_000, 2_000, 4_000] {
				if !answer.is_empty() {
					break;
				}
				tokio::time::sleep(Duration::from_millis(wait)).await;
				answer = node.app_request(peer, request.clone()).await.map_err(|e| e.to_string())?;
			}
			match WorkerResponse::decode(&mut &answer[..]) {
				Ok(WorkerResponse::Shares(each)) if each.len() == chunk.len() => {
					if let Some(reason) = each.into_iter().find_map(Result::err) {
						return Err(reason);
					}
				},
				Ok(WorkerResponse::Refused(reason)) => return Err(reason),
				_ if answer.is_empty() => return Err("busy (it answers nothing while it has too many requests under way)".into()),
				_ => return Err("unexpected answer".into()),
			}
		}
		Ok::<(), String>(())
	}))
	.await;
	to.iter().zip(answers).filter_map(|(&m, answer)| answer.err().map(|why| (m, why))).collect()
}

/// What [`deliver`]'s refusals say, each after its member.
fn refusals(members: &[(AccountId, WorkerOf<Runtime>)], refused: &[(usize, String)]) -> String {
	let each: Vec<String> = refused.iter().map(|(m, why)| format!("{}: {why}", members[*m].0)).collect();
	format!("members did not take their shares: {}", each.join("; "))
}

async fn hand_over(ctx: &Ctx, secrets: Vec<String>, to: u32, timeout: u64, signing: Signing) -> Result<(), String> {
	let (pair, _) = signer(&signing)?;
	let ids = secrets.iter().map(|s| parse_h256("secret", s)).collect::<Result<Vec<H256>, String>>()?;
	let chain = ctx.chain().await?;
	// One call per identity and per `HANDOVER_BATCH` secrets.
	let mut by_owner = std::collections::BTreeMap::<H256, Vec<H256>>::new();
	for secret in &ids {
		by_owner.entry(secret_record(ctx, &chain, *secret).await?.owner).or_default().push(*secret);
	}
	let calls: Vec<(usize, RuntimeCall)> = by_owner
		.iter()
		.flat_map(|(identity, secrets)| secrets.chunks(pallet_secret_compute::handover::HANDOVER_BATCH as usize).map(move |batch| (*identity, batch)))
		.map(|(identity, batch)| {
			let secrets = batch.to_vec().try_into().expect("a chunk fits a batch");
			(batch.len(), RuntimeCall::SecretCompute(pallet_secret_compute::Call::hand_over_secrets { identity, secrets, to }))
		})
		.collect();
	// Sent together (consecutive nonces): about a block for all.
	let (sizes, calls): (Vec<usize>, Vec<RuntimeCall>) = calls.into_iter().unzip();
	for (size, outcome) in sizes.into_iter().zip(chain.submit_all(&pair, calls).await.map_err(|e| e.to_string())?) {
		let (at, _) = outcome.map_err(|e| e.to_string())?;
		eprintln!("handover of {size} secret(s) to committee {to} requested in block {at:?}");
	}
	let started = std::time::Instant::now();
	let mut pending = ids;
	while timeout > 0 {
		// A newer justified head each time: the one the command read from first never changes.
		let now = ctx.fresh();
		let mut still = Vec::new();
		for secret in pending {
			match secret_record(&now, &chain, secret).await {
				Ok(view) if view.committee == to => println!("{secret:?} {to}"),
				Ok(_) => still.push(secret),
				Err(e) => return Err(format!("{secret:?}: {e} (removed meanwhile?)")),
			}
		}
		pending = still;
		if pending.is_empty() {
			return Ok(());
		}
		if started.elapsed().as_secs() >= timeout {
			return Err(format!("{} secret(s) not handed over after {timeout} s; the handover goes on (`cancel_handover` stops it)", pending.len()));
		}
		eprintln!("waiting for committee {to} to take over {} secret(s)...", pending.len());
		tokio::time::sleep(std::time::Duration::from_secs(3)).await;
	}
	Ok(())
}

async fn declassify(ctx: &Ctx, secret: String, at: Option<String>, signing: Signing, dht: Dht) -> Result<(), String> {
	let (pair, _) = signer(&signing)?;
	let secret = parse_h256("secret", &secret)?;
	let chain = ctx.chain().await?;
	let view = secret_record(ctx, &chain, secret).await?;
	// The chain checks the permission (co-signers included) and records the request; members
	// hand out shares against it once its block is final.
	let at = match at {
		Some(at) => {
			let at = parse_h256("--at", &at)?;
			// The members judge the block; this node may lag behind them.
			match chain.header_at(at).await.map_err(|e| e.to_string())? {
				Some(_) => wait_finalized(&chain, at).await?,
				None => eprintln!("block {at:?} is unknown to this node: asking the members anyway"),
			}
			at
		},
		None => {
			let call = RuntimeCall::SecretCompute(pallet_secret_compute::Call::declassify { secret });
			let (at, _) = chain.submit(&pair, call).await.map_err(|e| e.to_string())?;
			eprintln!("declassification requested in block {at:?}");
			wait_finalized(&chain, at).await?;
			at
		},
	};
	let holders = holders(&members_of(ctx, &chain, view.committee).await?)?;
	let node = ClientNode::start(dht.bootstrap, 1 << 20).await.map_err(|e| e.to_string())?;
	let who = pair.public().0;
	// A secret a client dealt comes with Pedersen commitments; one a task made does not, and one
	// a dishonest-majority task made comes as an SPDZ output does (every member's share, with
	// its check r, r·y, r·r).
	let shared = match (view.origin, view.security) {
		(None, _) => Shared::Dealt(Dealt { commitment: view.commitment, kind: view.kind }),
		(Some(_), pallet_secret_compute::Security::DishonestMajority) => Shared::SpdzOutput,
		(Some(_), _) => Shared::Computed,
	};
	let value = reconstruct_from(&node, &holders, shared, |reply_to| {
		let message = declassify_message(secret, at, reply_to);
		(WorkerRequest::Declassify { secret, who, at, reply_to: *reply_to, signature: pair.sign(&message).0 }, message)
	})
	.await;
	node.shutdown().await;
	let value = value?;
	println!("{value}");
	Ok(())
}

/// What a declassification needs of a secret's record: its committee, and the commitment and
/// kind its shares are checked against. Proven like [`members_of`], or else a node could name a
/// committee of its own workers and a commitment that their false shares match.
struct SecretRecord {
	/// The identity that owns it.
	owner: H256,
	committee: u32,
	commitment: H256,
	kind: ValueKind,
	/// A task made it (its shares have no Pedersen commitments).
	origin: Option<(H256, u64)>,
	/// Shared for, or made by a task run with, a dishonest majority.
	security: pallet_secret_compute::Security,
}

async fn secret_record(ctx: &Ctx, chain: &Chain, secret: H256) -> Result<SecretRecord, String> {
	let keys = vec![pallet_secret_compute::Secrets::<Runtime>::hashed_key_for(secret), pallet_secret_compute::DishonestSecrets::<Runtime>::hashed_key_for(secret)];
	let mut read = ctx.read_state(chain, keys).await?.into_iter();
	let record = read.next().flatten().ok_or("unknown secret")?;
	let info = pallet_secret_compute::SecretOf::<Runtime>::decode(&mut &record[..]).map_err(|e| format!("secret {secret:?}: {e}"))?;
	let security = if read.next().flatten().is_some() { pallet_secret_compute::Security::DishonestMajority } else { pallet_secret_compute::Security::HonestMajority };
	Ok(SecretRecord { owner: info.owner, committee: info.committee, commitment: info.commitment, kind: info.kind, origin: info.origin, security })
}

/// Waits (up to two minutes) until block `at` is finalized.
async fn wait_finalized(chain: &Chain, at: H256) -> Result<(), String> {
	let number = chain.header_at(at).await.map_err(|e| e.to_string())?.ok_or("the node lost the block it reported")?.number;
	let started = std::time::Instant::now();
	while chain.finalized_number().await.map_err(|e| e.to_string())? < number {
		if started.elapsed() > Duration::from_secs(120) {
			return Err(format!("block #{number} is not finalized after two minutes"));
		}
		tokio::time::sleep(Duration::from_millis(500)).await;
	}
	Ok(())
}

pub async fn contract(ctx: &Ctx, command: ContractCommand) -> Result<(), String> {
	match command {
		ContractCommand::Deploy { file, signing } => {
			let (pair, _) = signer(&signing)?;
			let source = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
			enigma_lang::check(&source).map_err(|d| format!("{}: {}", file.display(), d.message))?;
			let hash = H256(sp_crypto_hashing::blake2_256(source.as_bytes()));
			let call = RuntimeCall::SecretCompute(pallet_secret_compute::Call::register_contract { code: source.into_bytes() });
			match ctx.chain().await?.submit(&pair, call).await {
				Ok(_) => eprintln!("deployed"),
				Err(enigma_chain::ChainError::Failed(e)) if e.contains("ContractExists") => eprintln!("already deployed"),
				Err(e) => return Err(e.to_string()),
			}
			println!("{hash:?}");
		}
		ContractCommand::Quote { file, entry, args, committee_size } => {
			let source = std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
			let chain = ctx.chain().await?;
			let prices = prices(&chain).await?;
			// As a task created in the next block would run it.
			let next = chain.best_number().await.map_err(|e| e.to_string())? + 1;
			let gas = compile(&source, &entry, &parse_args(args.as_deref())?, &prices, next, &AccountId::from([0u8; 32]), committee_size, None)?
				.manifest
				.gas
				.ok_or("no gas figure")?;
			println!("{}", serde_json::to_string(&gas).map_err(|e| e.to_string())?);
		}
	}
	Ok(())
}

pub async fn task(ctx: &Ctx, command: TaskCommand) -> Result<(), String> {
	let chain = ctx.chain().await?;
	match command {
		TaskCommand::Submit { contract, entry, inputs, args, gas_limit, signing } => {
			let (pair, _) = signer(&signing)?;
			let contract = parse_h256("contract", &contract)?;
			let inputs: Vec<H256> = inputs.iter().map(|i| parse_h256("input", i)).collect::<Result<_, _>>()?;
			let gas_limit = match gas_limit {
				Some(g) => g,
				None => {
					let source = contract_source(&chain, contract).await?;
					let next = chain.best_number().await.map_err(|e| e.to_string())? + 1;
					let me = AccountId::from(pair.public());
					// The committee holding the inputs runs the task (the chain refuses inputs
					// held by different committees).
					let first = inputs.first().ok_or("a task needs at least one input")?;
					let held: pallet_secret_compute::runtime_api::SecretView<AccountId> =
						chain.runtime_api::<Option<_>>("SecretComputeApi_secret", *first, None).await.map_err(|e| e.to_string())?.ok_or("unknown input secret")?;
					let committee = members_of(ctx, &chain, held.committee).await?.len();
					compile(&source, &entry, &parse_args(args.as_deref())?, &prices(&chain).await?, next, &me, committee, None)?.manifest.gas.map(|g| g.total).unwrap_or(0)
				}
			};
			let call = RuntimeCall::SecretCompute(pallet_secret_compute::Call::submit_task {
				contract,
				entry: entry.into_bytes(),
				inputs: inputs.try_into().map_err(|_| "too many inputs")?,
				public_args: args.unwrap_or_default().into_bytes().try_into().map_err(|_| "public args too long")?,
				gas_limit,
			});
			let events = chain.submit(&pair, call).await.map_err(|e| e.to_string())?.1;
			let task = event(&events, |e| match e {
				RuntimeEvent::SecretCompute(pallet_secret_compute::Event::TaskCreated { task, .. }) => Some(*task),
				_ => None,
			})
			.ok_or("no TaskCreated event")?;
			println!("{task:?}");
		}
		TaskCommand::Audit { task, bootstrap, transcript, save } => {
			crate::audit::audit(ctx, &chain, parse_h256("task", &task)?, bootstrap, transcript, save).await?;
		},
		TaskCommand::Show { task } => {
			let task = parse_h256("task", &task)?;
			let (info, security) = task_record(ctx, &chain, task).await?;
			println!(
				"{}",
				serde_json::json!({
					"task": format!("{task:?}"), "status": format!("{:?}", info.status), "contract": format!("{:?}", info.contract),
					"entry": String::from_utf8_lossy(&info.entry), "committee": info.committee, "deadline": info.deadline,
					"gas_limit": info.gas_limit.to_string(),
					"security": match security { Security::HonestMajority => "honest_majority", Security::DishonestMajority => "dishonest_majority" },
				})
			);
			if let Some(header) = ctx.trusted_head(&chain).await? {
				eprintln!("proven against block #{} {:?}, justified by the validators", header.number, header.hash());
			}
		}
		TaskCommand::Wait { task, timeout, suri, key_file, bootstrap } => {
			let task = parse_h256("task", &task)?;
			let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout);
			eprintln!("waiting for task {task:?}...");
			let spinner = crate::progress::spinner("task pending");
			let view = loop {
				let view = task_view(&chain, task).await?;
				if view.status != TaskStatus::Pending {
					break view;
				}
				if tokio::time::Instant::now() > deadline {
					spinner.abandon();
					return Err(format!("task still pending after {timeout} s"));
				}
				if let Ok(now) = chain.best_number().await {
					spinner.set_message(format!("task pending at block #{now}, deadline #{}", view.deadline));
				}
				tokio::time::sleep(Duration::from_millis(500)).await;
			};
			spinner.finish_and_clear();
			if view.status == TaskStatus::Failed {
				// The node's word ended the wait; the failure and its reasons are the chain's.
				let (info, _) = task_record(ctx, &chain, task).await?;
				if info.status != TaskStatus::Failed {
					return Err(format!("the RPC node is not to be trusted: it said task {task:?} failed, the chain says {:?}", info.status));
				}
				let members = committee_accounts(ctx, &chain, info.committee).await?;
				let keys = members.iter().map(|m| pallet_secret_compute::Aborts::<Runtime>::hashed_key_for(task, m)).collect();
				let mut aborts = Vec::new();
				for (member, reason) in members.iter().zip(ctx.read_state(&chain, keys).await?) {
					if let Some(reason) = reason {
						let reason = pallet_secret_compute::AbortReason::decode(&mut &reason[..]).map_err(|e| format!("abort of {member}: {e}"))?;
						aborts.push(format!("{member}: {reason:?}"));
					}
				}
				return Err(if aborts.is_empty() {
					"the task failed: no quorum of the committee agreed on a result before the deadline".into()
				} else {
					format!("the task failed: members gave up on it ({}); the gas was refunded", aborts.join(", "))
				});
			}
			let (view, result, holders) = completed_task(ctx, &chain, task, view).await?;
			let public = Vec::<u128>::decode(&mut &result.outputs[..]).map_err(|e| format!("public outputs: {e}"))?;
			let compiled = compiled_task(ctx, &chain, &view).await?;
			let mut public_iter = public.into_iter();
			let mut public_out = serde_json::Map::new();
			let mut private_out = serde_json::Map::new();
			// Private outputs the signer may read but could not get (members away, or shares
			// that disagree): said, not left out as if they were someone else's.
			let mut unread = serde_json::Map::new();
			let collector = match (suri.is_some() || key_file.is_some(), bootstrap.is_empty()) {
				(true, false) => Some((signer(&Signing { suri, key_file })?.0, ClientNode::start(bootstrap, 1 << 20).await.map_err(|e| e.to_string())?)),
				_ => None,
			};
			for (index, (output, slot)) in compiled.circuit.outputs.iter().zip(&compiled.manifest.outputs).enumerate() {
				match (&output.to, &slot.target) {
					(_, OutputTarget::Ledger(_) | OutputTarget::Secret { .. } | OutputTarget::Mac(_)) => {},
					(Recipient::Everyone, _) => {
						if let Some(v) = public_iter.next() {
							public_out.insert(output.name.clone(), serde_json::json!(v.to_string()));
						}
					},
					(Recipient::Party(_), _) => {
						if let Some((pair, node)) = &collector {
							let spdz = compiled.manifest.security == enigma_lang::manifest::Security::DishonestMajority;
							match collect_output(node, pair, task, index as u32, &holders, spdz).await {
								Ok(Some(v)) => {
									private_out.insert(output.name.clone(), serde_json::json!(v.to_string()));
								},
								Ok(None) => {},
								Err(e) => {
									eprintln!("private output {}: not reconstructed: {e}", output.name);
									unread.insert(output.name.clone(), serde_json::json!(e));
								},
							}
						}
					},
				}
			}
			let ledger: serde_json::Map<String, serde_json::Value> =
				result.ledger_writes.iter().map(|(k, v)| (format!("L[{k}]"), serde_json::json!(v.to_string()))).collect();
			let secrets: serde_json::Map<String, serde_json::Value> = compiled
				.manifest
				.outputs
				.iter()
				.filter_map(|o| match o.target {
					OutputTarget::Secret { key, .. } => Some((o.name.clone(), serde_json::json!(format!("{:?}", new_secret_id(task, key))))),
					_ => None,
				})
				.collect();
			if let Some((_, node)) = collector {
				node.shutdown().await;
			}
			let mut shown = serde_json::json!({
				"task": format!("{task:?}"), "status": "Completed", "gas_used": result.gas_used.to_string(),
				"public": public_out, "private": private_out, "ledger": ledger, "secrets": secrets,
			});
			if !unread.is_empty() {
				shown["unreconstructed"] = unread.into();
			}
			println!("{shown}");
		}
	}
	Ok(())
}

/// A task's entry point compiled as its members compiled it: the contract's code (proven by its
/// hash), the task's arguments, its own prices, block, requester and committee size, and for a
/// dishonest-majority task the ledger values it reads, as they read them ([`ledger_values`]).
pub(crate) async fn compiled_task(ctx: &Ctx, chain: &Chain, view: &TaskView<AccountId, Balance, BlockNumber>) -> Result<Compiled, String> {
	let source = contract_source(chain, view.contract).await?;
	let entry = String::from_utf8_lossy(&view.entry).to_string();
	let args = parse_args(std::str::from_utf8(&view.public_args).ok().filter(|s| !s.is_empty()))?;
	let with_ledger = |ledger| compile(&source, &entry, &args, &prices_of(view.prices), view.created, &view.requester, view.members.len(), ledger);
	let compiled = with_ledger(None)?;
	let reads = compiled.manifest.ledger_reads();
	if compiled.manifest.security != enigma_lang::manifest::Security::DishonestMajority || reads.is_empty() {
		return Ok(compiled);
	}
	with_ledger(Some(ledger_values(ctx, chain, view, &reads).await?))
}

/// The public ledger values `reads` ((key, at) pairs) of the task's contract as its members read
/// them ([`ledger_value_in`]), from each key's history read with a storage proof unless the RPC
/// node is trusted: a node that could show another value could make a false audit pass.
async fn ledger_values(ctx: &Ctx, chain: &Chain, view: &TaskView<AccountId, Balance, BlockNumber>, reads: &[(u64, u64)]) -> Result<BTreeMap<(u64, u64), u128>, String> {
	let keys: Vec<Vec<u8>> = reads.iter().map(|(key, _)| ledger_key(view.contract, *key)).collect();
	let histories = ctx.read_state(chain, keys).await?;
	reads.iter().zip(histories).map(|((key, at), history)| Ok(((*key, *at), ledger_value_in(history.as_deref(), *key, *at, view.created)?))).collect()
}

/// A task's record and security as the chain holds them, read with a storage proof unless the
/// RPC node is trusted ([`Ctx::read_state`]). What the client reports or acts on: the runtime
/// call [`task_view`] is the node's word, to poll with.
async fn task_record(ctx: &Ctx, chain: &Chain, task: H256) -> Result<(pallet_secret_compute::TaskOf<Runtime>, Security), String> {
	let keys = vec![pallet_secret_compute::Tasks::<Runtime>::hashed_key_for(task), pallet_secret_compute::DishonestTasks::<Runtime>::hashed_key_for(task)];
	let mut read = ctx.read_state(chain, keys).await?.into_iter();
	let info = read.next().flatten().ok_or_else(|| format!("no task {task:?} (or its records were pruned)"))?;
	let info = pallet_secret_compute::TaskOf::<Runtime>::decode(&mut &info[..]).map_err(|e| format!("task {task:?}: {e}"))?;
	let security = if read.next().flatten().is_some() { Security::DishonestMajority } else { Security::HonestMajority };
	Ok((info, security))
}

pub(crate) async fn task_view(chain: &Chain, task: H256) -> Result<TaskView<AccountId, Balance, BlockNumber>, String> {
	chain
		.runtime_api::<Option<TaskView<AccountId, Balance, BlockNumber>>>("SecretComputeApi_task", task, None)
		.await
		.map_err(|e| e.to_string())?
		.ok_or_else(|| format!("no task {task:?}"))
}

/// A completed task's record, its result and its members (peers and keys). Proven like [`members_of`]
/// (the view's fields the client uses are replaced by the proven record's), or else a node
/// could show its client a public result of its own.
pub(crate) async fn completed_task(
	ctx: &Ctx,
	chain: &Chain,
	task: H256,
	mut view: TaskView<AccountId, Balance, BlockNumber>,
) -> Result<(TaskView<AccountId, Balance, BlockNumber>, TaskResult<Runtime>, Vec<Holder>), String> {
	let (info, security) = task_record(ctx, chain, task).await?;
	let result = ctx.read_state(chain, vec![pallet_secret_compute::Results::<Runtime>::hashed_key_for(task)]).await?.pop().flatten();
	let result = pallet_secret_compute::ResultOf::<Runtime>::decode(&mut &result.ok_or("completed but no result stored")?[..]).map_err(|e| format!("result of {task:?}: {e}"))?;
	if info.status != TaskStatus::Completed {
		return Err(format!("the RPC node is not to be trusted: it said task {task:?} completed, the chain says {:?}", info.status));
	}
	view.requester = info.requester;
	view.contract = info.contract;
	view.entry = info.entry.into_inner();
	view.public_args = info.public_args.into_inner();
	view.committee = info.committee;
	view.created = info.created;
	view.prices = info.prices;
	view.status = info.status;
	view.security = security;
	let members = members_of(ctx, chain, info.committee).await?;
	let holders = holders(&members)?;
	view.members = members.into_iter().map(|(m, _)| m).collect();
	Ok((view, result, holders))
}

/// Each member's share of a private output, and the value reconstructed from them (a false
/// share corrected or detected). `Ok(None)` when the output is someone else's: more members
/// refused the signer as not a reader than could be lying (honest members that hold a share
/// all refuse a non-reader, before anything else). Any other failure is an error to report,
/// not an output to leave out silently.
async fn collect_output(node: &ClientNode, pair: &sp_core::sr25519::Pair, task: H256, output: u32, members: &[Holder], spdz: bool) -> Result<Option<u128>, String> {
	let who = pair.public().0;
	let shared = if spdz { Shared::SpdzOutput } else { Shared::Computed };
	let answers = ask_members(node, members, |reply_to| {
		let message = output_message(task, output, reply_to);
		(WorkerRequest::Output { task, output, who, reply_to: *reply_to, signature: pair.sign(&message).0 }, message)
	})
	.await;
	// More refusals than could be lies: t + 1 of an honest-majority committee, all of a
	// dishonest-majority one (a single honest member may be all there is).
	let not_a_reader = answers.iter().filter(|a| matches!(a, Ok(WorkerResponse::Refused(reason)) if reason == NOT_A_READER)).count();
	let enough = if spdz { members.len() } else { members.len().saturating_sub(1) / 2 + 1 };
	if not_a_reader >= enough.max(1) {
		return Ok(None);
	}
	reconstruct_answers(members, answers, shared).map(Some)
}

/// Asks every member for its share (the request made by `request` for a reply key, and the
/// message it signs, which binds the sealed answer) and reconstructs the value from the answers
/// ([`reconstruct`]); members whose shares were false are named.
async fn reconstruct_from(node: &ClientNode, members: &[Holder], shared: Shared, request: impl Fn(&[u8; 32]) -> (WorkerRequest, Vec<u8>)) -> Result<u128, String> {
	let answers = ask_members(node, members, request).await;
	reconstruct_answers(members, answers, shared)
}

/// Every member's answer to `request`, opened (member `i`'s at `i`).
async fn ask_members(node: &ClientNode, members: &[Holder], request: impl Fn(&[u8; 32]) -> (WorkerRequest, Vec<u8>)) -> Vec<Result<WorkerResponse, String>> {
	let reply_secret = x25519_dalek::StaticSecret::random_from_rng(rand::rngs::OsRng);
	let (request, signed) = request(x25519_dalek::PublicKey::from(&reply_secret).as_bytes());
	let request = request.encode();
	let mut answers = Vec::with_capacity(members.len());
	for (peer, key) in members {
		let answer = node.app_request(*peer, request.clone()).await.map_err(|e| e.to_string());
		let answer = answer.and_then(|a| WorkerResponse::decode(&mut &a[..]).map_err(|e| format!("a malformed answer: {e}")));
		answers.push(answer.and_then(|a| open_answer(&reply_secret.to_bytes(), key, &signed, a)));
	}
	answers
}

fn reconstruct_answers(members: &[Holder], answers: Vec<Result<WorkerResponse, String>>, shared: Shared) -> Result<u128, String> {
	let names: Vec<String> = members.iter().map(|(peer, _)| peer.to_string()).collect();
	let reconstructed = reconstruct(answers, shared, &names)?;
	for (member, why) in reconstructed.left_out {
		eprintln!("member #{member} ({}) handed {why}, left out", names[member]);
	}
	Ok(reconstructed.value)
}
