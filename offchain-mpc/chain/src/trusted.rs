//! State a client can trust when it does not trust the RPC node it talks to: finality proven by
//! the GRANDPA validators' signatures, storage proven against a finalized state root.
//!
//! A lying RPC node could otherwise answer with a committee of its own, or with its own x25519
//! keys for the real members, and receive every share a client deals (issue #16). Instead:
//!
//! * **Checkpoint.** On first use the client pins the chain (its genesis hash) and the GRANDPA
//!   validator set of the node's finalized head, in a file per chain ([`Checkpoint`]), and prints
//!   them to compare with the chain spec out of band. Once a chain is pinned, a node that serves
//!   another one is refused (unless the user says `--new-chain`), so a node cannot get its own
//!   validators pinned by claiming a new chain.
//! * **Finality** ([`verify_justification`]). A justification is the commit of a GRANDPA round:
//!   precommits signed by validators over (message, round, set id). It finalizes its target when
//!   validators holding at least `W - ⌊(W - 1) / 3⌋` of the set's weight `W` (more than two
//!   thirds) signed precommits for the target or for a descendant of it (the justification's
//!   ancestry headers link them); each validator counts once. The target's header must hash to
//!   the target, so its state root is the validators'.
//! * **Handovers.** pallet-grandpa hands over at a session change with a standard change of delay
//!   0: the block that carries the `ScheduledChange` digest is the outgoing set's last, and that
//!   set justifies it (`grandpa_proveFinality` gives the justification of the last block of the
//!   set a block is in, or the latest one of the current set). So the checkpoint follows the
//!   sets one by one from justified headers alone, which every node keeps (old state is pruned).
//!   A forced change (GRANDPA stalled) is not justified by the outgoing set, a delayed change is
//!   not in the last block's header, and a node without the stored justifications (warp-synced,
//!   or with pruned blocks) cannot prove a handover: the client then cannot verify the new set's
//!   justifications and says so; use another node, or pin anew from a source you trust.
//! * **Freshness.** Every block the client reads from is justified, numbered no lower than any
//!   block it trusted before, and at most [`MAX_HEAD_AGE`] old by its own proven timestamp: a
//!   node that hides a handover can only replay the old set's blocks, which are too old, as long
//!   as the old set's validators keep their keys. Like any light client, a checkpoint is only as
//!   good as the set it pins: once keys holding two thirds of a retired set's weight are in an
//!   attacker's hands, a client still pinned to that set can be shown anything. Keep the
//!   checkpoint current by using the client, or pin anew from a source you trust.
//! * **Storage** ([`Chain::read_proven`]). `state_getReadProof` gives the trie nodes on the path to
//!   each key; [`sp_state_machine::read_proof_check`] recomputes the root from them, so a value
//!   that differs from the chain's by one bit does not check.

use crate::{Chain, ChainError, Result};
use codec::{Decode, Encode};
use enigma_runtime::Header;
use jsonrpsee_core::{
	client::{ClientT, SubscriptionClientT},
	rpc_params,
};
use serde_json::Value;
use sp_consensus_grandpa::{AuthorityId, AuthorityList, ConsensusLog, GrandpaJustification, SetId};
use sp_core::{ByteArray, H256};
use sp_runtime::traits::BlakeTwo256;
use std::{collections::BTreeMap, path::Path, time::Duration};

/// How long to wait for the validators' next justification.
const JUSTIFICATION_TIMEOUT: Duration = Duration::from_secs(60);
/// The most ancestry headers a justification may carry (an honest one carries a few).
const MAX_ANCESTRY: usize = 1024;
/// The oldest a justified block may be, by its timestamp, for the client to read from it.
pub const MAX_HEAD_AGE: Duration = Duration::from_secs(10 * 60);

/// Syncs the directory holding `path`, so that a file created or renamed there survives a power
/// loss (a no-op where directories cannot be opened, as on Windows).
fn sync_dir(path: &Path) -> std::io::Result<()> {
	match path.parent().filter(|d| !d.as_os_str().is_empty()).map(std::fs::File::open) {
		Some(Ok(dir)) => dir.sync_all(),
		_ => Ok(()),
	}
}

/// How a chain that no checkpoint pins yet is pinned.
#[derive(Clone, Debug)]
pub enum Pin {
	/// From the node's finalized head (trust on first use), unless another chain is pinned
	/// already: a node must not get its own validators pinned by claiming a new chain.
	OnFirstUse,
	/// From the node's finalized head although other chains are pinned (`--new-chain`).
	NewChain,
	/// From a raw chain spec ([`Checkpoint::from_chain_spec`]): no trust in any node; a node
	/// that serves another chain is refused.
	Spec(Checkpoint),
}

/// What the client trusts: a chain (its genesis) and a GRANDPA validator set of it, with the last
/// block that set is known to have justified.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Checkpoint {
	pub genesis: H256,
	pub set_id: SetId,
	pub authorities: AuthorityList,
	/// The last block the client trusted: one set `set_id` justified (or the block that set
	/// took over at). Blocks read from later are no lower.
	pub block: u32,
}

impl Checkpoint {
	/// The checkpoint stored at `path` (hex of its SCALE encoding, one line).
	pub fn load(path: &Path) -> std::result::Result<Option<Self>, String> {
		let text = match std::fs::read_to_string(path) {
			Ok(text) => text,
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
			Err(e) => return Err(format!("{}: {e}", path.display())),
		};
		let bytes = hex::decode(text.trim().trim_start_matches("0x")).map_err(|e| format!("{}: {e}", path.display()))?;
		Self::decode(&mut &bytes[..]).map(Some).map_err(|e| format!("{}: not a checkpoint ({e})", path.display()))
	}

	/// Writes the checkpoint to `path` whole or not at all (a temporary file renamed over it),
	/// unless the file already holds a later one (another run of the client moved it on). Runs
	/// of the client that save at once take turns (an exclusive advisory lock on `path.lock`;
	/// on NFS only as far as the mount supports locks): between one's look at the stored
	/// checkpoint and its rename, another's later checkpoint could otherwise be replaced by an
	/// earlier one.
	pub fn save(&self, path: &Path) -> std::result::Result<(), String> {
		if let Some(dir) = path.parent() {
			std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
		}
		let lock_path = path.with_extension("lock");
		let lock = std::fs::OpenOptions::new().create(true).truncate(false).write(true).open(&lock_path).map_err(|e| format!("{}: {e}", lock_path.display()))?;
		lock.lock().map_err(|e| format!("{}: {e}", lock_path.display()))?;
		if let Ok(Some(stored)) = Self::load(path) {
			if stored.genesis == self.genesis && (stored.set_id, stored.block) >= (self.set_id, self.block) {
				return Ok(());
			}
		}
		static SAVES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
		let partial = path.with_extension(format!("partial-{}-{}", std::process::id(), SAVES.fetch_add(1, std::sync::atomic::Ordering::Relaxed)));
		let written = (|| {
			use std::io::Write;
			let mut file = std::fs::File::create(&partial)?;
			file.write_all(format!("0x{}\n", hex::encode(self.encode())).as_bytes())?;
			// On disk before it replaces the old one, and the rename on disk before we go on: a
			// power loss leaves the old checkpoint or the new one, never an empty file.
			file.sync_all()?;
			std::fs::rename(&partial, path)?;
			sync_dir(path)
		})();
		if written.is_err() {
			let _ = std::fs::remove_file(&partial);
		}
		written.map_err(|e| format!("{}: {e}", path.display()))
	}

	/// Moves to `header`, a block the checkpoint's set justified; if its digest hands over to
	/// a new set (a standard change of delay 0, as pallet-grandpa schedules at a session
	/// change: the block is then the set's last), to that set. Returns whether it did. A block
	/// of the set is never kept as the checkpoint's without the handover it carries, or the
	/// next set's justifications would not verify.
	pub fn advance(&mut self, header: &Header) -> std::result::Result<bool, String> {
		self.block = self.block.max(header.number);
		match change_ending_at(header, header.number)? {
			Some(next) => {
				self.authorities = next;
				self.set_id += 1;
				Ok(true)
			},
			None => Ok(false),
		}
	}

	/// What a raw chain spec fixes: its genesis block's hash and the GRANDPA validator set at
	/// genesis (set 0, block 0). The genesis header is built as the node builds it: the trie
	/// root of the genesis storage (state version 1, which the runtime declares), the root of no
	/// extrinsics, number 0, no parent and no digest. Pinned from a spec taken from a source the
	/// user trusts (this repository's `chain-specs/`), this replaces trust on first use; the
	/// checkpoint then follows the validator handovers from genesis, which needs a node that kept
	/// the justifications of every set's last block (an archive or a long-running node).
	pub fn from_chain_spec(json: &str) -> std::result::Result<Self, String> {
		use sp_runtime::traits::{Hash as _, Header as _};
		let spec: Value = serde_json::from_str(json).map_err(|e| format!("not a chain spec: {e}"))?;
		let raw = &spec["genesis"]["raw"];
		let top = raw["top"].as_object().ok_or("not a raw chain spec (no genesis.raw.top): export it with --raw")?;
		if raw["childrenDefault"].as_object().is_some_and(|c| !c.is_empty()) {
			return Err("a genesis with child tries is not supported".into());
		}
		let bytes = |what: &str, hex_text: &Value| -> std::result::Result<Vec<u8>, String> {
			let text = hex_text.as_str().ok_or_else(|| format!("genesis {what} is not a string"))?;
			hex::decode(text.trim_start_matches("0x")).map_err(|e| format!("genesis {what} {text:.20}…: {e}"))
		};
		let mut storage = BTreeMap::new();
		for (key, value) in top {
			storage.insert(bytes("key", &Value::String(key.clone()))?, bytes("value", value)?);
		}
		let state_root = BlakeTwo256::trie_root(storage.iter().map(|(k, v)| (k.clone(), v.clone())).collect(), sp_runtime::StateVersion::V1);
		let extrinsics_root = BlakeTwo256::trie_root(Vec::new(), sp_runtime::StateVersion::V1);
		let genesis = Header::new(0, extrinsics_root, state_root, H256::zero(), Default::default()).hash();
		let authorities = match storage.get(&authorities_key()) {
			Some(raw) => decode_authorities(raw).map_err(|e| e.to_string())?,
			None => Vec::new(),
		};
		if authorities.is_empty() {
			return Err("the chain spec's genesis has no GRANDPA validators".into());
		}
		let set_id = storage.get(&set_id_key()).map_or(Ok(0), |v| u64::decode(&mut &v[..])).map_err(|e| format!("the genesis set id: {e}"))?;
		Ok(Checkpoint { genesis, set_id, authorities, block: 0 })
	}

	/// One line per validator, for a person to compare with the chain spec.
	pub fn describe(&self) -> String {
		let keys: Vec<String> = self.authorities.iter().map(|(id, weight)| format!("{} (weight {weight})", hex::encode(id.as_slice()))).collect();
		format!("chain 0x{}, validator set #{} from block #{}: {}", hex::encode(self.genesis), self.set_id, self.block, keys.join(", "))
	}
}

/// Why a justification does not prove finality.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum JustificationError {
	#[error("the justification does not decode")]
	Malformed,
	#[error("validators with {signed} of the set's weight {total} signed it, {needed} needed")]
	TooFewSignatures { signed: u128, total: u128, needed: u128 },
}

/// Checks `encoded` (a SCALE `GrandpaJustification`) against validator set `set_id` with
/// `authorities`; returns the finalized block's (hash, number). See the module docs.
pub fn verify_justification(encoded: &[u8], set_id: SetId, authorities: &AuthorityList) -> std::result::Result<(H256, u32), JustificationError> {
	let justification = GrandpaJustification::<Header>::decode(&mut &encoded[..]).map_err(|_| JustificationError::Malformed)?;
	let commit = &justification.commit;
	// An honest commit has a precommit per voter (two for an equivocator) and a short ancestry:
	// bound the work a node can make the client do.
	if commit.precommits.len() > 2 * authorities.len() || justification.votes_ancestries.len() > MAX_ANCESTRY {
		return Err(JustificationError::Malformed);
	}
	// The ancestry headers by hash: a precommit for a descendant of the target counts for it.
	let ancestry: BTreeMap<H256, &Header> = justification.votes_ancestries.iter().map(|h| (h.hash(), h)).collect();
	let descends = |mut hash: H256| {
		// At most one step per ancestry header: a cycle cannot loop.
		for _ in 0..=ancestry.len() {
			if hash == commit.target_hash {
				return true;
			}
			match ancestry.get(&hash) {
				Some(header) if header.number > commit.target_number => hash = header.parent_hash,
				_ => return false,
			}
		}
		false
	};
	// (u128: no sum of u64 weights overflows it.)
	let weights: BTreeMap<&AuthorityId, u128> = authorities.iter().map(|(id, w)| (id, *w as u128)).collect();
	let total: u128 = authorities.iter().map(|(_, w)| *w as u128).sum();
	let needed = total - total.saturating_sub(1) / 3;
	let mut counted = std::collections::BTreeSet::new();
	let mut signed = 0u128;
	for vote in &commit.precommits {
		let Some(weight) = weights.get(&vote.id) else { continue };
		if counted.contains(&vote.id) || !descends(vote.precommit.target_hash) {
			continue;
		}
		// (Each voter is counted once, after its signature checks.)
		let message = finality_grandpa::Message::Precommit(vote.precommit.clone());
		if sp_consensus_grandpa::check_message_signature(&message, &vote.id, &vote.signature, justification.round, set_id).is_valid() {
			counted.insert(vote.id.clone());
			signed += weight;
		}
	}
	if signed < needed || total == 0 {
		return Err(JustificationError::TooFewSignatures { signed, total, needed });
	}
	Ok((commit.target_hash, commit.target_number))
}

/// `sc_consensus_grandpa::FinalityProof`, as `grandpa_proveFinality` encodes it.
#[derive(Decode)]
struct FinalityProof {
	block: H256,
	justification: Vec<u8>,
	#[allow(dead_code)]
	unknown_headers: Vec<Header>,
}

/// The storage keys of pallet-grandpa's current set id and validator list (the runtime names the
/// pallet `Grandpa`).
fn set_id_key() -> Vec<u8> {
	frame_support::storage::storage_prefix(b"Grandpa", b"CurrentSetId").to_vec()
}

fn authorities_key() -> Vec<u8> {
	frame_support::storage::storage_prefix(b"Grandpa", b"Authorities").to_vec()
}

/// pallet-timestamp's `Now` (milliseconds), in the runtime's `Timestamp` pallet.
fn timestamp_key() -> Vec<u8> {
	frame_support::storage::storage_prefix(b"Timestamp", b"Now").to_vec()
}

/// Whether `genesis` is a chain the client trusts: the chain spec's (`Pin::Spec`), or one a
/// checkpoint in `dir` pins. A node of another chain is refused by the spec; otherwise it is not
/// pinned yet (the first read pins it, or refuses it, as [`Chain::trusted_head`] says).
pub fn pinned(dir: &Path, pin: &Pin, genesis: H256) -> std::result::Result<bool, String> {
	if let Pin::Spec(spec) = pin {
		return if spec.genesis == genesis {
			Ok(true)
		} else {
			Err(format!(
				"the node serves chain 0x{}, not the chain spec's 0x{}: use a node of the spec's chain (or the spec of this one)",
				hex::encode(genesis),
				hex::encode(spec.genesis)
			))
		};
	}
	Ok(Checkpoint::load(&checkpoint_path(dir, genesis))?.is_some_and(|c| c.genesis == genesis))
}

fn checkpoint_path(dir: &Path, genesis: H256) -> std::path::PathBuf {
	dir.join(format!("{}.checkpoint", hex::encode(genesis)))
}

impl Chain {
	/// Whether the node's chain is one the client trusts ([`pinned`]). The client signs only for
	/// such a chain: a transaction names its chain by the genesis hash the node reported, so a
	/// node that claimed another chain's would get the user's transactions for that chain.
	pub fn is_pinned(&self, dir: &Path, pin: &Pin) -> std::result::Result<bool, String> {
		pinned(dir, pin, self.genesis)
	}

	/// Pins the node's chain in `dir` as [`Self::trusted_head`] would on first use (or refuses
	/// it), without waiting for a justification.
	pub async fn pin(&self, dir: &Path, pin: &Pin) -> std::result::Result<(), String> {
		self.checkpoint(dir, &checkpoint_path(dir, self.genesis), pin).await.map(|_| ())
	}

	/// A header of the chain's finalized state that the client can read proven storage from
	/// ([`Self::read_proven`]), checked as the module docs say: against the checkpoint of this
	/// chain in `dir` (pinned on first use; another chain is refused unless `new_chain`),
	/// numbered `at_least` or later and no lower than any block the checkpoint trusted before,
	/// and no older than [`MAX_HEAD_AGE`] by its own timestamp (so a node that hides a handover
	/// cannot serve the past either).
	pub async fn trusted_head(&self, dir: &Path, pin: &Pin, at_least: u32) -> std::result::Result<Header, String> {
		// First, so that a node with no GRANDPA (a development chain) is told at once.
		let mut justifications: jsonrpsee_core::client::Subscription<String> = self
			.rpc()
			.await
			.map_err(|e| e.to_string())?
			.subscribe("grandpa_subscribeJustifications", rpc_params![], "grandpa_unsubscribeJustifications")
			.await
			.map_err(|e| format!("RPC grandpa_subscribeJustifications: {e} (a development chain has no GRANDPA to prove finality with: for a node you run yourself, pass --trust-rpc)"))?;
		let path = checkpoint_path(dir, self.genesis);
		let mut checkpoint = self.checkpoint(dir, &path, pin).await?;
		let at_least = at_least.max(checkpoint.block);
		let deadline = tokio::time::Instant::now() + JUSTIFICATION_TIMEOUT;
		let mut followed = false;
		let (hash, number) = loop {
			// (Checked here too: a node streaming old justifications never lets the timeout fire.)
			if tokio::time::Instant::now() >= deadline {
				return Err(format!("no justification of block #{at_least} or later within {} s", JUSTIFICATION_TIMEOUT.as_secs()));
			}
			let encoded = match tokio::time::timeout_at(deadline, justifications.next()).await {
				Ok(Some(Ok(encoded))) => encoded,
				Ok(Some(Err(e))) => return Err(format!("RPC grandpa_subscribeJustifications: {e}")),
				Ok(None) | Err(_) => return Err(format!("no justification of block #{at_least} or later within {} s", JUSTIFICATION_TIMEOUT.as_secs())),
			};
			let encoded = crate::parse_hex("justification", &encoded).map_err(|e| e.to_string())?;
			match verify_justification(&encoded, checkpoint.set_id, &checkpoint.authorities) {
				Ok((_, number)) if number < at_least => continue,
				Ok(justified) => break justified,
				// The validators may have handed over since: follow once, then judge again.
				Err(_) if !followed => {
					followed = true;
					self.follow(&path, &mut checkpoint).await?;
					if let Ok(justified @ (_, number)) = verify_justification(&encoded, checkpoint.set_id, &checkpoint.authorities) {
						if number >= at_least {
							break justified;
						}
					}
				},
				Err(e) => {
					return Err(untrusted(format!(
						"a justification that does not hold for validator set #{}: {e} (try another RPC node: a node can make this fail, not make the client take a wrong state)",
						checkpoint.set_id
					))
					.to_string())
				},
			}
		};
		let _ = justifications.unsubscribe().await;
		let header = self.justified_header(hash, number).await.map_err(|e| e.to_string())?;
		let now = self.read_proven(&header, vec![timestamp_key()]).await.map_err(|e| e.to_string())?.pop().flatten();
		let now = now.and_then(|v| u64::decode(&mut &v[..]).ok()).ok_or_else(|| untrusted(format!("no timestamp in block #{number}")).to_string())?;
		let clock = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_err(|_| "this machine's clock is before 1970".to_string())?;
		let age = Duration::from_millis((clock.as_millis() as u64).saturating_sub(now));
		if age > MAX_HEAD_AGE {
			return Err(untrusted(format!("a justified block #{number} from {} s ago: the chain has moved on without the client (a hidden validator handover?)", age.as_secs())).to_string());
		}
		let before = (checkpoint.set_id, checkpoint.block);
		checkpoint.advance(&header)?;
		if (checkpoint.set_id, checkpoint.block) != before {
			checkpoint.save(&path)?;
		}
		Ok(header)
	}

	/// The checkpoint of this chain at `path`, moved to the current validator set; on first use
	/// (no checkpoint in `dir`), pinned as `pin` says.
	async fn checkpoint(&self, dir: &Path, path: &Path, pin: &Pin) -> std::result::Result<Checkpoint, String> {
		pinned(dir, pin, self.genesis)?;
		let mut checkpoint = match (Checkpoint::load(path)?, pin) {
			(Some(c), _) if c.genesis == self.genesis => c,
			(Some(c), _) => return Err(format!("{} holds chain 0x{}'s checkpoint, not this node's 0x{}", path.display(), hex::encode(c.genesis), hex::encode(self.genesis))),
			(None, Pin::Spec(spec)) => {
				spec.save(path)?;
				eprintln!("pinned from the chain spec in {}: {}", path.display(), spec.describe());
				spec.clone()
			},
			(None, _) => {
				// A node must not get itself pinned by claiming another chain.
				let pinned: Vec<String> = match std::fs::read_dir(dir) {
					Ok(entries) => entries.filter_map(|e| e.ok()?.file_name().into_string().ok()?.strip_suffix(".checkpoint").map(str::to_string)).collect(),
					Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
					Err(e) => return Err(format!("{}: {e}", dir.display())),
				};
				if !pinned.is_empty() && !matches!(pin, Pin::NewChain) {
					return Err(format!(
						"the node serves chain 0x{}, which no checkpoint in {} pins (pinned: 0x{}): if you mean to use another chain, pass --new-chain and compare what is pinned with its chain spec",
						hex::encode(self.genesis),
						dir.display(),
						pinned.join(", 0x")
					));
				}
				let checkpoint = self.first_checkpoint().await.map_err(|e| e.to_string())?;
				checkpoint.save(path)?;
				eprintln!("trusting on first use, pinned in {}: {}", path.display(), checkpoint.describe());
				checkpoint
			},
		};
		self.follow(path, &mut checkpoint).await?;
		Ok(checkpoint)
	}

	/// [`Self::follow_handovers`], saving and saying what moved.
	async fn follow(&self, path: &Path, checkpoint: &mut Checkpoint) -> std::result::Result<(), String> {
		let set_before = checkpoint.set_id;
		if self.follow_handovers(checkpoint).await.map_err(|e| e.to_string())? {
			checkpoint.save(path)?;
			if checkpoint.set_id != set_before {
				eprintln!("followed the validators' handover: {}", checkpoint.describe());
			}
		}
		Ok(())
	}

	/// The validator set of the node's finalized head, as the node says it is (trusted on
	/// first use: the state of a recent block, which every node keeps, not genesis's).
	async fn first_checkpoint(&self) -> Result<Checkpoint> {
		let hash = self.finalized_hash().await?;
		let header = self.header_at(hash).await?.filter(|h| h.hash() == hash).ok_or_else(|| untrusted("no header that hashes to its finalized head".into()))?;
		let mut read = self.read_proven(&header, vec![authorities_key(), set_id_key()]).await?.into_iter();
		let (authorities, set_id) = (read.next().flatten(), read.next().flatten());
		let authorities = decode_authorities(&authorities.unwrap_or_default())?;
		let set_id = set_id.map_or(Ok(0), |v| u64::decode(&mut &v[..])).map_err(|e| ChainError::Decode { what: "set id", reason: e.to_string() })?;
		Ok(Checkpoint { genesis: self.genesis, set_id, authorities, block: header.number })
	}

	/// Moves `checkpoint` to the current validator set, one handover at a time, each justified
	/// by the outgoing set, and to the last block that set justified. Returns whether it moved.
	async fn follow_handovers(&self, checkpoint: &mut Checkpoint) -> Result<bool> {
		let mut moved = false;
		loop {
			// The last block the checkpoint's set justified: that set's last block, if it handed
			// over, whose ancestry announced the next set.
			let answer: std::result::Result<Option<String>, _> = self.rpc().await?.request("grandpa_proveFinality", rpc_params![checkpoint.block + 1]).await;
			let proof = match answer {
				Ok(Some(proof)) => proof,
				// No justification stored since, no handover recorded, or nothing finalized past
				// the checkpoint: nothing to follow. (A node that says so falsely only gets its
				// client stuck: the next justification does not verify, or is too old.)
				Ok(None) => return Ok(moved),
				Err(e) if ["not covered by authority set changes", "not yet finalized"].iter().any(|m| e.to_string().contains(m)) => return Ok(moved),
				Err(e) => return Err(crate::rpc_err("grandpa_proveFinality")(e)),
			};
			let proof = FinalityProof::decode(&mut &crate::parse_hex("finality proof", &proof)?[..]).map_err(|e| ChainError::Decode { what: "finality proof", reason: e.to_string() })?;
			let (hash, number) = verify_justification(&proof.justification, checkpoint.set_id, &checkpoint.authorities).map_err(|e| untrusted(format!("a finality proof of set #{}: {e}", checkpoint.set_id)))?;
			if hash != proof.block || number <= checkpoint.block {
				return Err(untrusted(format!("a finality proof of block #{number}, not past the checkpoint's #{}", checkpoint.block)));
			}
			let header = self.justified_header(hash, number).await?;
			let handed_over = checkpoint.advance(&header).map_err(untrusted)?;
			moved = true;
			if !handed_over {
				return Ok(true);
			}
		}
	}

	/// The header of a block whose hash and number a justification (or a justified child) gave;
	/// the node must serve exactly that header.
	async fn justified_header(&self, hash: H256, number: u32) -> Result<Header> {
		let header = self.header_at(hash).await?.ok_or_else(|| untrusted(format!("no header for the justified block {hash:?}")))?;
		if header.hash() != hash || header.number != number {
			return Err(untrusted(format!("a header that is not the justified block #{number} {hash:?}")));
		}
		Ok(header)
	}

	/// The values under `keys` in the state of `header` (a trusted one), proven against its
	/// state root: `None` where the chain holds nothing.
	pub async fn read_proven(&self, header: &Header, keys: Vec<Vec<u8>>) -> Result<Vec<Option<Vec<u8>>>> {
		let hexes: Vec<String> = keys.iter().map(|k| format!("0x{}", hex::encode(k))).collect();
		let answer: Value = self
			.rpc()
			.await?
			.request("state_getReadProof", rpc_params![hexes, format!("{:?}", header.hash())])
			.await
			.map_err(crate::rpc_err("state_getReadProof"))?;
		let nodes = answer["proof"]
			.as_array()
			.ok_or_else(|| ChainError::Decode { what: "read proof", reason: "no proof".into() })?
			.iter()
			.map(|node| crate::parse_hex("proof node", node.as_str().unwrap_or_default()))
			.collect::<Result<Vec<Vec<u8>>>>()?;
		check_read_proof(header.state_root, nodes, keys).map_err(|e| untrusted(format!("a storage proof that does not match block #{}'s state root: {e}", header.number)))
	}
}

/// The values under `keys` in the trie of `root`, from the proof's `nodes`; an error if the
/// nodes do not hash up to `root` or miss a key's path.
pub fn check_read_proof(root: H256, nodes: Vec<Vec<u8>>, keys: Vec<Vec<u8>>) -> std::result::Result<Vec<Option<Vec<u8>>>, String> {
	let proof = sp_state_machine::StorageProof::new(nodes);
	let mut values = sp_state_machine::read_proof_check::<BlakeTwo256, _>(root, proof, keys.iter()).map_err(|e| e.to_string())?;
	Ok(keys.iter().map(|k| values.remove(k).flatten()).collect())
}

/// The next validator set, if `header` announces a standard change that takes effect at block
/// `last`; an error for a forced change.
fn change_ending_at(header: &Header, last: u32) -> std::result::Result<Option<AuthorityList>, String> {
	for log in header.digest.logs() {
		match log.consensus_try_to::<ConsensusLog<u32>>(&sp_consensus_grandpa::GRANDPA_ENGINE_ID) {
			Some(ConsensusLog::ScheduledChange(change)) if header.number.saturating_add(change.delay) == last => return Ok(Some(change.next_authorities)),
			Some(ConsensusLog::ForcedChange(..)) => return Err(format!("a forced validator set change in block #{}, which the outgoing set did not justify", header.number)),
			_ => {},
		}
	}
	Ok(None)
}

fn decode_authorities(raw: &[u8]) -> Result<AuthorityList> {
	// A bounded list encodes as the plain one.
	AuthorityList::decode(&mut &raw[..]).map_err(|e| ChainError::Decode { what: "GRANDPA authorities", reason: e.to_string() })
}

fn untrusted(reason: String) -> ChainError {
	ChainError::Untrusted(reason)
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_consensus_grandpa::AuthoritySignature;
	use sp_core::{ed25519, Pair};
	use sp_runtime::{generic::Digest, traits::Header as _};

	fn header(number: u32, parent: H256) -> Header {
		Header::new(number, H256::repeat_byte(1), H256::repeat_byte(2), parent, Digest::default())
	}

	fn validators(n: u8) -> (Vec<ed25519::Pair>, AuthorityList) {
		let pairs: Vec<ed25519::Pair> = (0..n).map(|i| ed25519::Pair::from_seed(&[i + 1; 32])).collect();
		let list = pairs.iter().map(|p| (AuthorityId::from(p.public()), 1)).collect();
		(pairs, list)
	}

	/// A justification of `target` in round 7 of `set_id`, signed by `signers` for `voted`.
	fn justification(set_id: SetId, target: &Header, voted: &[(&ed25519::Pair, H256, u32)], ancestry: Vec<Header>) -> Vec<u8> {
		let precommits = voted
			.iter()
			.map(|(pair, hash, number)| {
				let precommit = finality_grandpa::Precommit { target_hash: *hash, target_number: *number };
				let payload = sp_consensus_grandpa::localized_payload(7, set_id, &finality_grandpa::Message::<H256, u32>::Precommit(precommit.clone()));
				finality_grandpa::SignedPrecommit { precommit, signature: AuthoritySignature::from(pair.sign(&payload)), id: AuthorityId::from(pair.public()) }
			})
			.collect();
		let commit = finality_grandpa::Commit { target_hash: target.hash(), target_number: target.number, precommits };
		GrandpaJustification::<Header> { round: 7, commit, votes_ancestries: ancestry }.encode()
	}

	#[test]
	fn a_justification_needs_more_than_two_thirds_of_the_set_under_its_id() {
		let (pairs, set) = validators(4);
		let target = header(10, H256::zero());
		let vote = |p| (p, target.hash(), 10);
		// Three of four (the threshold: 4 - ⌊3 / 3⌋ = 3) finalize it.
		let three = justification(3, &target, &[vote(&pairs[0]), vote(&pairs[1]), vote(&pairs[2])], vec![]);
		assert_eq!(verify_justification(&three, 3, &set), Ok((target.hash(), 10)));
		// Two do not, nor one validator counted twice.
		let two = justification(3, &target, &[vote(&pairs[0]), vote(&pairs[1])], vec![]);
		assert_eq!(verify_justification(&two, 3, &set), Err(JustificationError::TooFewSignatures { signed: 2, total: 4, needed: 3 }));
		let twice = justification(3, &target, &[vote(&pairs[0]), vote(&pairs[1]), vote(&pairs[1])], vec![]);
		assert!(verify_justification(&twice, 3, &set).is_err());
		// Signed under another set id (an old set replaying its votes), or by strangers.
		assert!(verify_justification(&three, 4, &set).is_err());
		let (others, _) = validators(8);
		let strangers = justification(3, &target, &[vote(&others[5]), vote(&others[6]), vote(&others[7])], vec![]);
		assert!(verify_justification(&strangers, 3, &set).is_err());
		// A commit that names another target than its signatures cover.
		let mut forged = GrandpaJustification::<Header>::decode(&mut &three[..]).unwrap();
		forged.commit.target_hash = H256::repeat_byte(0xee);
		assert!(verify_justification(&forged.encode(), 3, &set).is_err());
		assert_eq!(verify_justification(b"junk", 3, &set), Err(JustificationError::Malformed));
	}

	#[test]
	fn a_precommit_for_a_descendant_counts_when_the_ancestry_links_it() {
		let (pairs, set) = validators(4);
		let target = header(10, H256::zero());
		let child = header(11, target.hash());
		let grandchild = header(12, child.hash());
		let votes = [(&pairs[0], target.hash(), 10), (&pairs[1], grandchild.hash(), 12), (&pairs[2], child.hash(), 11)];
		let linked = justification(0, &target, &votes, vec![child.clone(), grandchild.clone()]);
		assert_eq!(verify_justification(&linked, 0, &set), Ok((target.hash(), 10)));
		// Without the ancestry, the votes for descendants do not count.
		let unlinked = justification(0, &target, &votes, vec![grandchild]);
		assert!(verify_justification(&unlinked, 0, &set).is_err());
	}

	#[test]
	fn storage_is_read_only_through_a_proof_of_the_state_root() {
		let mut state = sp_state_machine::TestExternalities::<BlakeTwo256>::new_empty();
		state.insert(b"committee".to_vec(), b"bob,charlie,dave".to_vec());
		state.insert(b"key of bob".to_vec(), [7u8; 32].to_vec());
		state.insert(b"unrelated".to_vec(), vec![0; 100]);
		state.commit_all().unwrap();
		let backend = state.as_backend();
		let root = *sp_state_machine::Backend::<BlakeTwo256>::storage_root(&backend, core::iter::empty(), sp_core::storage::StateVersion::V1).0.as_fixed_bytes();
		let root = H256(root);
		let keys = vec![b"committee".to_vec(), b"key of bob".to_vec(), b"absent".to_vec()];
		let proof = sp_state_machine::prove_read(backend, keys.iter()).unwrap();
		let nodes: Vec<Vec<u8>> = proof.into_iter_nodes().collect();
		assert_eq!(
			check_read_proof(root, nodes.clone(), keys.clone()),
			Ok(vec![Some(b"bob,charlie,dave".to_vec()), Some([7u8; 32].to_vec()), None])
		);
		// A lying node swaps bob's key in the proof: the nodes no longer hash to the root.
		let lied: Vec<Vec<u8>> = nodes.iter().map(|n| replace(n, &[7u8; 32], &[6u8; 32])).collect();
		assert_ne!(lied, nodes, "the key is in the proof");
		assert!(check_read_proof(root, lied, keys.clone()).is_err());
		// Or leaves out the node on a key's path.
		assert!(check_read_proof(root, nodes[1..].to_vec(), keys.clone()).is_err() || check_read_proof(root, nodes[..nodes.len() - 1].to_vec(), keys).is_err());
	}

	fn replace(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
		let mut out = haystack.to_vec();
		if let Some(at) = haystack.windows(from.len()).position(|w| w == from) {
			out[at..at + from.len()].copy_from_slice(to);
		}
		out
	}

	#[test]
	fn the_next_set_comes_from_the_change_that_ends_at_the_justified_block() {
		use sp_consensus_grandpa::ScheduledChange;
		use sp_runtime::DigestItem;
		let (_, next) = validators(5);
		let with = |number: u32, log: ConsensusLog<u32>| {
			let mut header = header(number, H256::zero());
			header.digest.push(DigestItem::Consensus(sp_consensus_grandpa::GRANDPA_ENGINE_ID, log.encode()));
			header
		};
		let now = with(40, ConsensusLog::ScheduledChange(ScheduledChange { next_authorities: next.clone(), delay: 0 }));
		assert_eq!(change_ending_at(&now, 40), Ok(Some(next.clone())));
		// Announced two blocks before it takes effect: found from the ancestor, not elsewhere.
		let delayed = with(38, ConsensusLog::ScheduledChange(ScheduledChange { next_authorities: next.clone(), delay: 2 }));
		assert_eq!(change_ending_at(&delayed, 40), Ok(Some(next.clone())));
		assert_eq!(change_ending_at(&delayed, 41), Ok(None));
		assert_eq!(change_ending_at(&header(40, H256::zero()), 40), Ok(None));
		let forced = with(40, ConsensusLog::ForcedChange(35, ScheduledChange { next_authorities: next, delay: 0 }));
		assert!(change_ending_at(&forced, 40).is_err());
	}

	#[test]
	fn a_checkpoint_takes_the_handover_its_set_justified_and_never_goes_back() {
		use sp_consensus_grandpa::ScheduledChange;
		use sp_runtime::DigestItem;
		let (_, old) = validators(4);
		let (_, new) = validators(5);
		let mut checkpoint = Checkpoint { genesis: H256::repeat_byte(9), set_id: 3, authorities: old, block: 10 };
		// A plain block of the set: only the block moves.
		assert_eq!(checkpoint.advance(&header(20, H256::zero())), Ok(false));
		assert_eq!((checkpoint.set_id, checkpoint.block), (3, 20));
		// The set's last block, carrying the change: the next set from it.
		let mut last = header(30, H256::zero());
		last.digest.push(DigestItem::Consensus(sp_consensus_grandpa::GRANDPA_ENGINE_ID, ConsensusLog::<u32>::ScheduledChange(ScheduledChange { next_authorities: new.clone(), delay: 0 }).encode()));
		assert_eq!(checkpoint.advance(&last), Ok(true));
		assert_eq!((checkpoint.set_id, checkpoint.block, checkpoint.authorities.clone()), (4, 30, new));
		// Saved, a stale copy (another run of the client) does not overwrite it.
		let path = std::env::temp_dir().join(format!("enigma-checkpoint-advance-{}", std::process::id()));
		checkpoint.save(&path).unwrap();
		let stale = Checkpoint { set_id: 3, block: 25, ..checkpoint.clone() };
		stale.save(&path).unwrap();
		assert_eq!(Checkpoint::load(&path), Ok(Some(checkpoint)));
		let _ = std::fs::remove_file(path);
	}

	/// Issue #16: runs of the client saving at once never leave an earlier checkpoint over a
	/// later one (each save looks at the stored one, then renames its own over it).
	#[test]
	fn concurrent_saves_keep_the_latest_checkpoint() {
		let (_, set) = validators(2);
		let dir = std::env::temp_dir().join(format!("enigma-checkpoint-race-{}", std::process::id()));
		let path = dir.join("chain");
		let savers: Vec<_> = (0..8u32)
			.map(|k| {
				let (set, path) = (set.clone(), path.clone());
				std::thread::spawn(move || {
					for block in (0..150u32).map(|i| i * 8 + k) {
						Checkpoint { genesis: H256::repeat_byte(9), set_id: 1, authorities: set.clone(), block }.save(&path).unwrap();
					}
				})
			})
			.collect();
		savers.into_iter().for_each(|s| s.join().unwrap());
		assert_eq!(Checkpoint::load(&path).unwrap().map(|c| c.block), Some(149 * 8 + 7));
		let _ = std::fs::remove_dir_all(dir);
	}

	/// Issue #16 (`--chain-spec`): the committed spec gives its four validators at set 0 and a
	/// genesis hash that moves with any byte of the genesis state (the e2e test checks it is the
	/// node's block 0); a spec that is not raw, or has no validators, is refused by name.
	#[test]
	fn a_chain_spec_fixes_the_genesis_and_its_validators() {
		let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../chain-specs/local-testnet.raw.json");
		let json = std::fs::read_to_string(path).unwrap();
		let spec = Checkpoint::from_chain_spec(&json).unwrap();
		assert_eq!((spec.set_id, spec.block, spec.authorities.len()), (0, 0, 4));
		assert!(spec.authorities.iter().all(|(_, weight)| *weight == 1));
		let mut parsed: Value = serde_json::from_str(&json).unwrap();
		let top = parsed["genesis"]["raw"]["top"].as_object_mut().unwrap();
		let (key, value) = top.iter().find(|(k, _)| k.len() > 66).map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string())).unwrap();
		let flipped = format!("{}{}", &value[..value.len() - 1], if value.ends_with('0') { '1' } else { '0' });
		top.insert(key, Value::String(flipped));
		assert_ne!(Checkpoint::from_chain_spec(&parsed.to_string()).unwrap().genesis, spec.genesis, "one byte of state changes the genesis");
		let authorities = format!("0x{}", hex::encode(authorities_key()));
		parsed["genesis"]["raw"]["top"].as_object_mut().unwrap().remove(&authorities);
		assert_eq!(Checkpoint::from_chain_spec(&parsed.to_string()), Err("the chain spec's genesis has no GRANDPA validators".into()));
		assert!(Checkpoint::from_chain_spec(r#"{"genesis":{"runtimeGenesis":{}}}"#).unwrap_err().contains("not a raw chain spec"));
	}

	/// A node that reports another chain's genesis is not signed for: only a chain pinned in the
	/// directory, or the chain spec's, counts; the spec refuses any other by name.
	#[test]
	fn only_a_pinned_chain_is_signed_for() {
		let (_, set) = validators(2);
		let dir = std::env::temp_dir().join(format!("enigma-pinned-{}", std::process::id()));
		let (ours, theirs) = (H256::repeat_byte(1), H256::repeat_byte(2));
		assert_eq!(pinned(&dir, &Pin::OnFirstUse, ours), Ok(false), "nothing pinned yet");
		let checkpoint = Checkpoint { genesis: ours, set_id: 0, authorities: set, block: 0 };
		checkpoint.save(&checkpoint_path(&dir, ours)).unwrap();
		assert_eq!(pinned(&dir, &Pin::OnFirstUse, ours), Ok(true));
		assert_eq!(pinned(&dir, &Pin::OnFirstUse, theirs), Ok(false));
		// A file named for a chain but holding another's checkpoint pins neither.
		std::fs::copy(checkpoint_path(&dir, ours), checkpoint_path(&dir, theirs)).unwrap();
		assert_eq!(pinned(&dir, &Pin::NewChain, theirs), Ok(false));
		let spec = Pin::Spec(checkpoint);
		assert_eq!(pinned(&dir, &spec, ours), Ok(true));
		assert!(pinned(&dir, &spec, theirs).unwrap_err().contains("not the chain spec's"));
		let _ = std::fs::remove_dir_all(dir);
	}

	#[test]
	fn a_checkpoint_survives_a_restart_of_the_client() {
		let (_, set) = validators(2);
		let checkpoint = Checkpoint { genesis: H256::repeat_byte(9), set_id: 2, authorities: set, block: 40 };
		let path = std::env::temp_dir().join(format!("enigma-checkpoint-{}", std::process::id()));
		assert_eq!(Checkpoint::load(&path), Ok(None));
		checkpoint.save(&path).unwrap();
		assert_eq!(Checkpoint::load(&path), Ok(Some(checkpoint.clone())));
		assert!(checkpoint.describe().contains("validator set #2 from block #40"));
		std::fs::write(&path, "0x00").unwrap();
		assert!(Checkpoint::load(&path).is_err());
		let _ = std::fs::remove_file(path);
	}
}
