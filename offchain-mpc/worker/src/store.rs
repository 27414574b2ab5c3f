//! The worker's own database (parity-db): the shares it holds and its shares of private task
//! outputs awaiting their recipients, all sealed to its x25519 key (a copy of the database
//! leaks nothing; put back in place of a newer one, its preprocessing is dropped, see
//! [`WorkerStore::open_beside_keys`]). Survives restarts.

use codec::{Decode, Encode};
use enigma_chain::offchain::{share_context, ValueKind};
use enigma_protocol::{messages::commitment, sealed};
use parity_db::{Db, Options};
use sp_core::H256;
use std::{
	path::{Path, PathBuf},
	sync::Arc,
};

const COL_SHARES: u8 = 0;
const COL_OUTPUTS: u8 = 1;

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct HeldShare {
	pub identity: H256,
	pub committee: u32,
	pub index: u32,
	/// What the value is; an integer's share comes with its bits' shares.
	pub kind: ValueKind,
	/// Sealed to this worker's x25519 key: a copy of the database leaks nothing.
	pub sealed: Vec<u8>,
	/// Whether this worker acknowledged it on chain.
	pub acknowledged: bool,
	/// For a share a client dealt: the dealer's Pedersen commitments and the sealed shares'
	/// hashes, which hash to the secret's registered commitment (empty for a task's share).
	pub pedersen: Vec<u8>,
	pub share_hashes: Vec<H256>,
}

/// How a share was stored before the dealer's commitments were kept with it.
#[derive(Decode)]
struct HeldShareV1 {
	identity: H256,
	committee: u32,
	index: u32,
	kind: ValueKind,
	sealed: Vec<u8>,
	acknowledged: bool,
}

impl HeldShare {
	/// A stored share, in the current layout or the one before it (which had no commitments, so
	/// it is handed out unverified, like a task's).
	fn from_stored(bytes: &[u8]) -> Option<Self> {
		if let Ok(share) = Self::decode(&mut &bytes[..]) {
			return Some(share);
		}
		let old = HeldShareV1::decode(&mut &bytes[..]).ok()?;
		Some(Self {
			identity: old.identity,
			committee: old.committee,
			index: old.index,
			kind: old.kind,
			sealed: old.sealed,
			acknowledged: old.acknowledged,
			pedersen: Vec::new(),
			share_hashes: Vec::new(),
		})
	}

	/// A share this worker computed itself (a task's new secret), sealed to its own key under
	/// the same context as a delivered one.
	pub fn seal(public: &[u8; 32], identity: H256, committee: u32, index: u32, kind: ValueKind, plaintext: &[u8]) -> Self {
		let sealed = sealed::seal(public, &share_context(identity, committee, index), plaintext);
		Self { identity, committee, index, kind, sealed, acknowledged: true, pedersen: Vec::new(), share_hashes: Vec::new() }
	}

	/// The share's plaintext, or `None` if it is not sealed to `secret` under its context.
	pub fn open(&self, secret: &x25519_dalek::StaticSecret) -> Option<Vec<u8>> {
		sealed::open(secret, &share_context(self.identity, self.committee, self.index), &self.sealed)
	}
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct HeldOutput {
	/// Whose output it is: members of this identity with Read permission may collect it.
	pub recipient: H256,
	/// This worker's share (a field element as the MPC engine encodes it), sealed to its own key.
	pub sealed: Vec<u8>,
}

/// What a sealed output share is bound to.
fn output_context(task: &H256, output: u32) -> Vec<u8> {
	(b"enigma/output-share/v1", task, output).encode()
}

impl HeldOutput {
	pub fn seal(public: &[u8; 32], task: &H256, output: u32, recipient: H256, share: &[u8]) -> Self {
		Self { recipient, sealed: sealed::seal(public, &output_context(task, output), share) }
	}

	pub fn open(&self, secret: &x25519_dalek::StaticSecret, task: &H256, output: u32) -> Option<Vec<u8>> {
		sealed::open(secret, &output_context(task, output), &self.sealed)
	}
}

/// The runs of a task of which a worker kept shares, by transcript root: the one whose result it
/// revealed (those shares are under their usual keys) and the others it voted for.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct KeptRuns {
	pub revealed: H256,
	pub others: Vec<H256>,
}

/// An old member's dealing of its share of a secret to a new committee (proactive resharing):
/// kept so that it answers every new member from the one dealing whose hash it posted, restarts
/// included. The shares are sealed to their new members (this worker cannot read them back).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct HandoverDealing {
	pub to: u32,
	pub commitments: Vec<u8>,
	pub sealed: Vec<Vec<u8>>,
	/// Per new member, this worker's ed25519 signature on its share
	/// (`enigma_primitives::handover_share_digest`): what makes a share off the dealing provable.
	pub signatures: Vec<[u8; 64]>,
}

#[derive(Clone)]
pub struct WorkerStore {
	db: Arc<Db>,
	/// Held while a preprocessing batch is taken or kept, and while a share is let go of or a
	/// delivered one kept (so a delivery checked meanwhile cannot bring a share back).
	stock_lock: Arc<std::sync::Mutex<()>>,
	spent: Arc<std::sync::Mutex<SpentBatches>>,
	/// Held while the list of kept transcripts changes.
	transcripts_lock: Arc<std::sync::Mutex<()>>,
}

/// The preprocessing batches this worker has used, each `(committee, batch)` appended to a file
/// of its own and synced to disk before the material is used. parity-db commits in the
/// background and offers no flush, so a batch taken out of the stock can come back after a
/// power loss; material used twice leaks (two runs that open x − a and x' − a with the same
/// triple give x − x'), and the other members, who know the batch's name, could name it again.
/// A batch named here is never used again.
///
/// The file is compacted when the worker starts: only a batch still in the stock can be used
/// again, so the entries of batches the database no longer holds (what it shows after opening is
/// on disk: parity-db syncs its log and data) are dropped, and the file stays as small as the
/// stock.
struct SpentBatches {
	file: std::fs::File,
	names: std::collections::HashSet<(u32, H256)>,
	/// How many batches were ever spent, kept beside the log and (see [`WorkerStore::open_beside_keys`])
	/// in the key directory: the counts of both, and the file of each.
	spends: u64,
	counts: Vec<PathBuf>,
}

/// The number in a spend count's file: `None` if there is none, and 0 if it is not 8 bytes (torn).
fn read_count(path: &Path) -> std::io::Result<Option<u64>> {
	match std::fs::read(path) {
		Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
		Err(e) => Err(e),
		Ok(bytes) => Ok(Some(<[u8; 8]>::try_from(bytes.as_slice()).map_or(0, u64::from_le_bytes))),
	}
}

/// Writes a spend count, synced, aside then renamed over the old one.
fn write_count(path: &Path, count: u64) -> std::io::Result<()> {
	let aside = path.with_extension("writing");
	let mut file = std::fs::File::create(&aside)?;
	std::io::Write::write_all(&mut file, &count.to_le_bytes())?;
	file.sync_all()?;
	std::fs::rename(&aside, path)?;
	if let Some(dir) = path.parent() {
		std::fs::File::open(dir)?.sync_all()?;
	}
	Ok(())
}

/// The bytes of one entry of [`SpentBatches`]: the committee (little endian), then the batch.
const SPENT_ENTRY: usize = 4 + 32;

impl SpentBatches {
	/// Opens the log at `path`, keeping the entries of the batches `stocked` still holds.
	fn open(path: &Path, stocked: impl Fn(u32, &H256) -> bool) -> std::io::Result<Self> {
		let bytes = match std::fs::read(path) {
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
			read => read?,
		};
		// A torn last entry (power lost mid-write) was never synced, so never acted on.
		let entries: Vec<(u32, H256)> = bytes
			.chunks_exact(SPENT_ENTRY)
			.map(|e| (u32::from_le_bytes(e[..4].try_into().expect("4 bytes")), H256::from_slice(&e[4..])))
			.collect();
		let names: std::collections::HashSet<(u32, H256)> = entries.iter().filter(|(committee, batch)| stocked(*committee, batch)).copied().collect();
		if names.len() < entries.len() || bytes.len() % SPENT_ENTRY != 0 {
			// Written aside, synced, then renamed over the log: a crash leaves one or the other.
			let aside = path.with_extension("compacting");
			let kept: Vec<u8> = names.iter().flat_map(|(committee, batch)| [&committee.to_le_bytes()[..], batch.as_bytes()].concat()).collect();
			let mut file = std::fs::File::create(&aside)?;
			std::io::Write::write_all(&mut file, &kept)?;
			file.sync_all()?;
			std::fs::rename(&aside, path)?;
		}
		let file = std::fs::OpenOptions::new().create(true).append(true).open(path)?;
		// The file's directory entry on disk too, or a crash could lose the whole log.
		if let Some(dir) = path.parent() {
			std::fs::File::open(dir)?.sync_all()?;
		}
		let spends = read_count(&path.with_extension("count"))?.unwrap_or(0);
		Ok(Self { file, names, spends, counts: vec![path.with_extension("count")] })
	}

	/// Records `batch` as used, on disk, unless it was already: then it must not be used again.
	fn spend(&mut self, committee: u32, batch: H256) -> std::io::Result<()> {
		use std::io::Write;
		if self.names.contains(&(committee, batch)) {
			return Err(std::io::Error::new(std::io::ErrorKind::AlreadyExists, format!("batch {batch:?} was used before")));
		}
		let len = self.file.metadata()?.len();
		if len % SPENT_ENTRY as u64 != 0 {
			// Drop a torn entry, so that the ones after it stay aligned.
			self.file.set_len(len - len % SPENT_ENTRY as u64)?;
		}
		// The witness's count first: a crash before the log's leaves the data directory behind
		// it, and the stock is dropped at the restart, which loses nothing but preprocessing.
		for count in self.counts.iter().rev() {
			write_count(count, self.spends + 1)?;
		}
		self.file.write_all(&[&committee.to_le_bytes()[..], batch.as_bytes()].concat())?;
		self.file.sync_data()?;
		self.spends += 1;
		self.names.insert((committee, batch));
		Ok(())
	}
}

impl WorkerStore {
	pub fn open(dir: &Path) -> Result<Self, parity_db::Error> {
		let mut options = Options::with_columns(dir, 2);
		options.columns[COL_SHARES as usize].btree_index = true;
		let db = Db::open_or_create(&options)?;
		// (A read that fails keeps the entry: only a batch known to be gone is forgotten.)
		let stocked = |committee: u32, batch: &H256| db.get(COL_OUTPUTS, &stock_key(committee, batch)).map_or(true, |found| found.is_some());
		let spent = SpentBatches::open(&dir.join("spent-batches"), stocked).map_err(parity_db::Error::Io)?;
		Ok(Self { db: Arc::new(db), stock_lock: Arc::default(), spent: Arc::new(std::sync::Mutex::new(spent)), transcripts_lock: Arc::default() })
	}

	/// [`Self::open`], with a witness of the batches spent in `key_dir` (the worker's key
	/// directory): a data directory put back from a copy taken before some spends (a backup
	/// restored, a snapshot rolled back) holds their batches again, and its log, from before,
	/// does not name them; the other members, colluding, could name them again, and material
	/// used twice leaks the inputs of the runs that used it. The witness counts the spends: a
	/// data directory whose count is behind it drops its whole stock (and makes anew what its
	/// tasks need).
	pub fn open_beside_keys(dir: &Path, key_dir: &Path) -> Result<Self, parity_db::Error> {
		let store = Self::open(dir)?;
		let witness = key_dir.join("spent-batches.count");
		let seen = read_count(&witness).map_err(parity_db::Error::Io)?.unwrap_or(0);
		let mine = store.spent.lock().unwrap_or_else(|e| e.into_inner()).spends;
		if mine < seen {
			tracing::warn!(target: "worker", "the data directory spent {mine} preprocessing batches, its key directory saw {seen}: it is older than the keys (a copy put back?); dropping its preprocessing stock");
			for committee in store.stocked_committees() {
				store.drop_stock(committee)?;
			}
		}
		let mut spent = store.spent.lock().unwrap_or_else(|e| e.into_inner());
		spent.spends = mine.max(seen);
		spent.counts.push(witness);
		for count in &spent.counts {
			write_count(count, spent.spends).map_err(parity_db::Error::Io)?;
		}
		drop(spent);
		Ok(store)
	}

	/// Marks `committee`'s preprocessing batch `batch` as used, synced to disk, before its
	/// material is used; fails if it was used before (see [`SpentBatches`]).
	pub fn spend_stock(&self, committee: u32, batch: H256) -> std::io::Result<()> {
		self.spent.lock().unwrap_or_else(|e| e.into_inner()).spend(committee, batch)
	}

	pub fn is_spent(&self, committee: u32, batch: &H256) -> bool {
		self.spent.lock().unwrap_or_else(|e| e.into_inner()).names.contains(&(committee, *batch))
	}

	fn get<T: Decode>(&self, col: u8, key: &[u8]) -> Option<T> {
		let bytes = self.db.get(col, key).ok().flatten()?;
		T::decode(&mut &bytes[..]).ok()
	}

	pub fn share(&self, secret: &H256) -> Option<HeldShare> {
		let bytes = self.db.get(COL_SHARES, secret.as_bytes()).ok().flatten()?;
		HeldShare::from_stored(&bytes)
	}

	/// Keeps many shares in one commit.
	pub fn put_shares(&self, shares: &[(H256, HeldShare)]) -> Result<(), parity_db::Error> {
		self.db.commit(shares.iter().map(|(secret, share)| (COL_SHARES, secret.as_bytes().to_vec(), Some(share.encode()))))
	}

	/// Forgets a share, with the shares of other runs of the task that made it, if any.
	pub fn remove_share(&self, secret: &H256) -> Result<(), parity_db::Error> {
		let _turn = self.stock_lock.lock().unwrap_or_else(|e| e.into_inner());
		self.remove_share_locked(secret)
	}

	/// Marks the shares of `secrets` still held acknowledged (one commit): one removed while the
	/// acknowledgement was on its way stays removed.
	pub fn mark_acknowledged(&self, secrets: &[H256]) -> Result<Vec<H256>, parity_db::Error> {
		let _turn = self.stock_lock.lock().unwrap_or_else(|e| e.into_inner());
		let held: Vec<(H256, HeldShare)> = secrets.iter().filter_map(|s| self.share(s).map(|h| (*s, HeldShare { acknowledged: true, ..h }))).collect();
		self.put_shares(&held)?;
		Ok(held.into_iter().map(|(s, _)| s).collect())
	}

	fn remove_share_locked(&self, secret: &H256) -> Result<(), parity_db::Error> {
		let others = self.kept_runs(secret).map(|runs| runs.others).unwrap_or_default();
		let runs = others.into_iter().map(|root| (COL_OUTPUTS, run_share_key(secret, &root), None));
		self.db.commit([(COL_SHARES, secret.as_bytes().to_vec(), None), (COL_OUTPUTS, runs_key(secret), None)].into_iter().chain(runs))
	}

	/// Keeps shares clients delivered, in one commit, except any of a secret this worker let go
	/// of or holds already: checked under the lock a release and a handover's end take, so a
	/// delivery whose checks ran while the share was let go of cannot bring it back (resharing
	/// counts on old shares being gone). Returns the shares kept.
	pub fn put_delivered(&self, shares: Vec<(H256, HeldShare)>) -> Result<Vec<(H256, HeldShare)>, parity_db::Error> {
		let _turn = self.stock_lock.lock().unwrap_or_else(|e| e.into_inner());
		let kept: Vec<(H256, HeldShare)> = shares.into_iter().filter(|(secret, _)| !self.let_go(secret) && self.share(secret).is_none()).collect();
		self.put_shares(&kept)?;
		Ok(kept)
	}

	/// Lets go of a share for good (released on chain as this worker left): it goes, and a
	/// delivery of it again is refused ([`Self::let_go`]).
	pub fn release_share(&self, secret: &H256) -> Result<(), parity_db::Error> {
		let _turn = self.stock_lock.lock().unwrap_or_else(|e| e.into_inner());
		self.db.commit([(COL_OUTPUTS, let_go_key(secret), Some(Vec::new()))])?;
		self.remove_share_locked(secret)
	}

	/// Whether this worker let go of its share of `secret`: released it, or saw the secret
	/// handed to a committee it is not in. Its owner (or anyone who kept the delivery) could
	/// deliver that share again, and it would pass every check: the secret's id binds it.
	pub fn let_go(&self, secret: &H256) -> bool {
		self.db.get(COL_OUTPUTS, &let_go_key(secret)).ok().flatten().is_some()
	}

	/// This worker's dealing of its share of `secret` in a handover, if it dealt one.
	pub fn dealing(&self, secret: &H256) -> Option<HandoverDealing> {
		self.get(COL_OUTPUTS, &dealing_key(secret))
	}

	pub fn put_dealing(&self, secret: &H256, dealing: &HandoverDealing) -> Result<(), parity_db::Error> {
		self.db.commit([(COL_OUTPUTS, dealing_key(secret), Some(dealing.encode()))])
	}

	/// The shares of `secret` this worker took over in a handover not completed yet: one per set
	/// of dealings it combined (a refusal makes the chain name another set), the chain's
	/// commitment says which one counts.
	pub fn taken(&self, secret: &H256) -> Vec<HeldShare> {
		self.get(COL_OUTPUTS, &taken_key(secret)).unwrap_or_default()
	}

	/// Keeps shares taken over, in one commit.
	pub fn put_taken(&self, shares: &[(H256, HeldShare)]) -> Result<(), parity_db::Error> {
		let _turn = self.stock_lock.lock().unwrap_or_else(|e| e.into_inner());
		let mut pending = self.pending_takeovers();
		let known: std::collections::HashSet<H256> = pending.iter().copied().collect();
		pending.extend(shares.iter().map(|(secret, _)| *secret).filter(|secret| !known.contains(secret)));
		let mut versions = std::collections::HashMap::<H256, Vec<HeldShare>>::new();
		for (secret, share) in shares {
			let kept = versions.entry(*secret).or_insert_with(|| self.taken(secret));
			if !kept.iter().any(|k| k.pedersen == share.pedersen) {
				kept.push(share.clone());
			}
		}
		let writes = versions.into_iter().map(|(secret, kept)| (COL_OUTPUTS, taken_key(&secret), Some(kept.encode())));
		self.db.commit(writes.chain(std::iter::once((COL_OUTPUTS, TAKEN_INDEX.to_vec(), Some(pending.encode())))))
	}

	/// The secrets with a share taken over in a handover not seen to end yet (to settle after a
	/// restart).
	pub fn pending_takeovers(&self) -> Vec<H256> {
		self.get(COL_OUTPUTS, TAKEN_INDEX).unwrap_or_default()
	}

	/// A handover of `secret` ended: if it moved to the sharing committed by `moved`, the share
	/// taken over of that sharing (if this worker is in the new committee and combined it)
	/// replaces the old one, which goes otherwise; if it was cancelled, what was taken goes. The
	/// dealing goes either way. One commit: a crash leaves the old state or the new.
	pub fn finish_handover(&self, secret: &H256, moved: Option<H256>) -> Result<(), parity_db::Error> {
		let _turn = self.stock_lock.lock().unwrap_or_else(|e| e.into_inner());
		let mut pending = self.pending_takeovers();
		pending.retain(|s| s != secret);
		let mut changes = vec![(COL_OUTPUTS, dealing_key(secret), None), (COL_OUTPUTS, taken_key(secret), None), (COL_OUTPUTS, TAKEN_INDEX.to_vec(), Some(pending.encode()))];
		if let Some(registered) = moved {
			let share = self.taken(secret).into_iter().find(|t| commitment(&t.pedersen, &[]) == registered).map(|t| t.encode());
			// Not in the new committee, the share goes for good; in it (back in it, say), the
			// share taken over is wanted.
			changes.push((COL_OUTPUTS, let_go_key(secret), share.is_none().then(Vec::new)));
			changes.push((COL_SHARES, secret.as_bytes().to_vec(), share));
		}
		self.db.commit(changes)
	}

	/// Secrets held but not yet acknowledged on chain (to resume after a restart).
	pub fn unacknowledged(&self) -> Vec<H256> {
		self.shares_acknowledged(false)
	}

	/// The secrets whose shares this worker acknowledged on chain.
	pub fn acknowledged(&self) -> Vec<H256> {
		self.shares_acknowledged(true)
	}

	fn shares_acknowledged(&self, acknowledged: bool) -> Vec<H256> {
		let mut out = Vec::new();
		let Ok(mut iter) = self.db.iter(COL_SHARES) else { return out };
		if iter.seek_to_first().is_err() {
			return out;
		}
		while let Ok(Some((key, value))) = iter.next() {
			if let Some(share) = HeldShare::from_stored(&value) {
				if share.acknowledged == acknowledged && key.len() == 32 {
					out.push(H256::from_slice(&key));
				}
			}
		}
		out
	}

	pub fn output(&self, task: &H256, output: u32) -> Option<HeldOutput> {
		self.get(COL_OUTPUTS, &(task, output).encode())
	}

	/// Keeps this member's shares from the run of `task` whose result it reveals (transcript
	/// root `revealed`): its shares of the new secrets and of the private outputs, under their
	/// usual keys, noting that they belong to that run (for the task and each secret), so that
	/// they are not handed out as another run's ([`Self::share_for_run`]).
	pub fn put_revealed_run(&self, task: &H256, revealed: H256, shares: &[(H256, HeldShare)], outputs: &[(u32, HeldOutput)]) -> Result<(), parity_db::Error> {
		let runs = KeptRuns { revealed, others: Vec::new() }.encode();
		let ids = shares.iter().map(|(secret, _)| secret).chain([task]);
		let mut writes: Vec<_> = ids.map(|id| (COL_OUTPUTS, runs_key(id), Some(runs.clone()))).collect();
		writes.extend(shares.iter().map(|(secret, share)| (COL_SHARES, secret.as_bytes().to_vec(), Some(share.encode()))));
		writes.extend(outputs.iter().map(|(output, held)| (COL_OUTPUTS, (task, output).encode(), Some(held.encode()))));
		self.db.commit(writes)
	}

	/// Keeps this member's shares from a run of `task` other than the one whose result it
	/// reveals (`revealed`, whose shares are under their usual keys): the run with transcript
	/// root `root`, which it votes for too. Its shares of the new secrets and of the private
	/// outputs are kept apart: the chain may agree on that run, and then they are the shares
	/// that fit the other members' ([`Self::share_for_run`], [`Self::output_for_run`]).
	pub fn put_run(&self, task: &H256, revealed: H256, root: H256, shares: &[(H256, HeldShare)], outputs: &[(u32, HeldOutput)]) -> Result<(), parity_db::Error> {
		let mut writes = Vec::new();
		for id in shares.iter().map(|(secret, _)| secret).chain([task]) {
			let mut runs = self.kept_runs(id).unwrap_or(KeptRuns { revealed, others: Vec::new() });
			runs.revealed = revealed;
			if !runs.others.contains(&root) {
				runs.others.push(root);
			}
			writes.push((COL_OUTPUTS, runs_key(id), Some(runs.encode())));
		}
		writes.extend(shares.iter().map(|(secret, share)| (COL_OUTPUTS, run_share_key(secret, &root), Some(share.encode()))));
		writes.extend(outputs.iter().map(|(output, held)| (COL_OUTPUTS, run_output_key(task, *output, &root), Some(held.encode()))));
		self.db.commit(writes)
	}

	/// The runs of which this worker kept shares for `id` (a task, or a secret a task made), as
	/// [`Self::put_revealed_run`] and [`Self::put_run`] noted them (none for a client's secret,
	/// or from before runs were noted).
	pub fn kept_runs(&self, id: &H256) -> Option<KeptRuns> {
		self.get(COL_OUTPUTS, &runs_key(id))
	}

	/// This worker's share of `secret` that belongs to the run with transcript root `agreed`:
	/// the usual one if it is that run's (or no run was noted), another run's kept apart, or
	/// none if this worker did not complete that run.
	pub fn share_for_run(&self, secret: &H256, agreed: &H256) -> Option<HeldShare> {
		match self.kept_runs(secret) {
			Some(runs) if runs.revealed != *agreed => runs.others.contains(agreed).then(|| self.get(COL_OUTPUTS, &run_share_key(secret, agreed))).flatten(),
			_ => self.share(secret),
		}
	}

	/// [`Self::share_for_run`] for a private output of `task`.
	pub fn output_for_run(&self, task: &H256, output: u32, agreed: &H256) -> Option<HeldOutput> {
		match self.kept_runs(task) {
			Some(runs) if runs.revealed != *agreed => runs.others.contains(agreed).then(|| self.get(COL_OUTPUTS, &run_output_key(task, output, agreed))).flatten(),
			_ => self.output(task, output),
		}
	}

	/// The result this worker computed for `task` (SCALE-encoded), kept from before its
	/// commitment until the task ends: a restart between commitment and reveal must not cost the
	/// reveal (the member would be late and slashed for a result it had computed). Sealed to the
	/// worker's own key like its shares (a failed task's outputs were never published), and bound
	/// to the block that created the task, so that a chain reset that reuses the id does not
	/// bring back another chain's result.
	pub fn result(&self, task: &H256, created: u32, secret: &x25519_dalek::StaticSecret) -> Option<Vec<u8>> {
		let sealed: Vec<u8> = self.get(COL_OUTPUTS, &result_key(task))?;
		sealed::open(secret, &result_context(task, created), &sealed)
	}

	pub fn put_result(&self, task: &H256, created: u32, public: &[u8; 32], encoded: &[u8]) -> Result<(), parity_db::Error> {
		let mut tasks = self.stored_results();
		if !tasks.contains(task) {
			tasks.push(*task);
		}
		let sealed = sealed::seal(public, &result_context(task, created), encoded);
		self.db.commit([(COL_OUTPUTS, result_key(task), Some(sealed.encode())), (COL_OUTPUTS, RESULTS_INDEX.to_vec(), Some(tasks.encode()))])
	}

	pub fn remove_result(&self, task: &H256) -> Result<(), parity_db::Error> {
		let tasks: Vec<H256> = self.stored_results().into_iter().filter(|t| t != task).collect();
		self.db.commit([(COL_OUTPUTS, result_key(task), None), (COL_OUTPUTS, RESULTS_INDEX.to_vec(), Some(tasks.encode()))])
	}

	/// The tasks whose results are stored (for the sweep at start: those no longer pending go).
	pub fn stored_results(&self) -> Vec<H256> {
		self.get(COL_OUTPUTS, RESULTS_INDEX).unwrap_or_default()
	}

	/// The highest finalized block this worker has handled (0 before the first), kept across
	/// restarts: a node whose finalized state is behind it is not asked what is gone.
	pub fn finalized_mark(&self) -> u32 {
		self.get(COL_OUTPUTS, FINALIZED_MARK).unwrap_or(0)
	}

	/// Raises [`Self::finalized_mark`] to `number` (never lowers it).
	pub fn raise_finalized_mark(&self, number: u32) -> Result<(), parity_db::Error> {
		if number <= self.finalized_mark() {
			return Ok(());
		}
		self.db.commit([(COL_OUTPUTS, FINALIZED_MARK.to_vec(), Some(number.encode()))])
	}

	/// The batches of SPDZ preprocessing kept for `committee`, oldest first.
	pub fn stock(&self, committee: u32) -> Vec<H256> {
		self.get(COL_OUTPUTS, &stock_index_key(committee)).unwrap_or_default()
	}

	/// Keeps a batch of `committee`'s preprocessing (this member's material, with its MAC key
	/// share), sealed to the worker's own key, as the newest, and drops the oldest beyond `keep`.
	/// (A batch taken and not used is dropped, never put back: see `spdz_run::from_stock`.)
	pub fn put_stock(&self, committee: u32, batch: H256, public: &[u8; 32], material: &[u8], keep: usize) -> Result<(), parity_db::Error> {
		let _one_at_a_time = self.stock_lock.lock().unwrap_or_else(|e| e.into_inner());
		let mut batches = self.stock(committee);
		batches.retain(|b| *b != batch);
		batches.push(batch);
		let dropped: Vec<H256> = batches.drain(..batches.len().saturating_sub(keep)).collect();
		let mut changes = vec![(COL_OUTPUTS, stock_index_key(committee), Some(batches.encode()))];
		let mut stocked = self.stocked_committees();
		if !stocked.contains(&committee) {
			stocked.push(committee);
			changes.push((COL_OUTPUTS, STOCKED.to_vec(), Some(stocked.encode())));
		}
		if !dropped.contains(&batch) {
			changes.push((COL_OUTPUTS, stock_key(committee, &batch), Some(sealed::seal(public, &stock_context(committee, &batch), material).encode())));
		}
		changes.extend(dropped.iter().map(|b| (COL_OUTPUTS, stock_key(committee, b), None)));
		self.db.commit(changes)
	}

	/// Takes out of `committee`'s stock the smallest batch `pick` accepts (given the opened
	/// material, it returns what it makes of it), the oldest of equals, with its name: a task
	/// must not spend a large batch a small one covers, and every member holds the same batches,
	/// so the members name the same one. A batch is used once, whatever happens to the run.
	/// Batches passed over keep their places; names whose batch is gone or does not open are
	/// dropped. One take or put at a time, so that two tasks of a committee never take the same
	/// batch.
	pub fn take_stock<T>(&self, committee: u32, secret: &x25519_dalek::StaticSecret, pick: impl Fn(&[u8]) -> Option<T>) -> Option<(H256, T)> {
		let _one_at_a_time = self.stock_lock.lock().unwrap_or_else(|e| e.into_inner());
		let mut alive = Vec::new();
		let mut gone = Vec::new();
		// (size, name, what `pick` made of it)
		let mut found: Option<(usize, H256, T)> = None;
		for batch in self.stock(committee) {
			if self.is_spent(committee, &batch) {
				// Back from before a power loss: used already.
				gone.push(batch);
				continue;
			}
			let sealed: Option<Vec<u8>> = self.get(COL_OUTPUTS, &stock_key(committee, &batch));
			let Some(material) = sealed.and_then(|sealed| sealed::open(secret, &stock_context(committee, &batch), &sealed)) else {
				gone.push(batch);
				continue;
			};
			alive.push(batch);
			if found.as_ref().is_some_and(|(size, ..)| *size <= material.len()) {
				continue;
			}
			if let Some(picked) = pick(&material) {
				found = Some((material.len(), batch, picked));
			}
		}
		let found = found.map(|(_, batch, picked)| (batch, picked));
		let kept: Vec<H256> = alive.into_iter().filter(|b| found.as_ref().is_none_or(|(taken, _)| taken != b)).collect();
		gone.extend(found.as_ref().map(|(batch, _)| *batch));
		if !gone.is_empty() {
			let mut changes: Vec<_> = gone.iter().map(|b| (COL_OUTPUTS, stock_key(committee, b), None)).collect();
			changes.push((COL_OUTPUTS, stock_index_key(committee), Some(kept.encode())));
			self.db.commit(changes).ok()?;
		}
		found
	}

	/// Drops all of `committee`'s stock (the committee was dissolved).
	pub fn drop_stock(&self, committee: u32) -> Result<(), parity_db::Error> {
		let _one_at_a_time = self.stock_lock.lock().unwrap_or_else(|e| e.into_inner());
		let mut changes: Vec<_> = self.stock(committee).iter().map(|b| (COL_OUTPUTS, stock_key(committee, b), None)).collect();
		changes.push((COL_OUTPUTS, stock_index_key(committee), None));
		let stocked: Vec<u32> = self.stocked_committees().into_iter().filter(|c| *c != committee).collect();
		changes.push((COL_OUTPUTS, STOCKED.to_vec(), Some(stocked.encode())));
		self.db.commit(changes)
	}

	/// The committees this worker keeps preprocessing for (since this list was kept: a store
	/// from before it lists none), so that catching up with the chain can drop the stock of a
	/// committee dissolved while the worker was not following.
	pub fn stocked_committees(&self) -> Vec<u32> {
		self.get(COL_OUTPUTS, STOCKED).unwrap_or_default()
	}

	/// Keeps `task`'s audit transcript (public: anyone may audit the task) as the newest, in
	/// chunks of [`TRANSCRIPT_PIECE`] bytes (an answer reads one, not the whole), and drops the
	/// oldest beyond [`TRANSCRIPT_BYTES`] in all (the newest is always kept).
	pub fn put_transcript(&self, task: &H256, transcript: &[u8]) -> Result<(), parity_db::Error> {
		self.put_transcript_within(task, transcript, TRANSCRIPT_BYTES)
	}

	fn put_transcript_within(&self, task: &H256, transcript: &[u8], budget: u64) -> Result<(), parity_db::Error> {
		let _one_at_a_time = self.transcripts_lock.lock().unwrap_or_else(|e| e.into_inner());
		let mut kept = self.transcripts();
		let mut dropped: Vec<(H256, u64)> = kept.iter().filter(|(t, _)| t == task).copied().collect();
		kept.retain(|(t, _)| t != task);
		kept.push((*task, transcript.len() as u64));
		let mut total: u64 = kept.iter().map(|(_, len)| len).sum();
		while total > budget && kept.len() > 1 {
			let oldest = kept.remove(0);
			total -= oldest.1;
			dropped.push(oldest);
		}
		// (A task's own earlier copy loses only the pieces its new one does not overwrite.)
		let keep_from = |t: &H256| if t == task { pieces(transcript.len() as u64) } else { 0 };
		let mut changes: Vec<_> = dropped.iter().flat_map(|(t, len)| (keep_from(t)..pieces(*len)).map(|k| (COL_OUTPUTS, transcript_key(t, k), None))).collect();
		changes.extend(transcript.chunks(TRANSCRIPT_PIECE).enumerate().map(|(k, piece)| (COL_OUTPUTS, transcript_key(task, k as u32), Some(piece.to_vec()))));
		changes.push((COL_OUTPUTS, TRANSCRIPTS_INDEX.to_vec(), Some(kept.encode())));
		self.db.commit(changes)
	}

	/// The size of `task`'s audit transcript, if this worker keeps it.
	pub fn transcript_len(&self, task: &H256) -> Option<u64> {
		self.transcripts().into_iter().find(|(t, _)| t == task).map(|(_, len)| len)
	}

	/// Bytes of `task`'s audit transcript from `from`, at most the rest of the piece `from` is
	/// in (empty at the end, `None` if not kept or past its end).
	pub fn transcript_piece(&self, task: &H256, from: u64) -> Option<Vec<u8>> {
		let len = self.transcript_len(task)?;
		if from >= len {
			return (from == len).then(Vec::new);
		}
		let piece = self.db.get(COL_OUTPUTS, &transcript_key(task, (from / TRANSCRIPT_PIECE as u64) as u32)).ok().flatten()?;
		piece.get((from % TRANSCRIPT_PIECE as u64) as usize..).map(<[u8]>::to_vec)
	}

	/// `task`'s whole audit transcript, if this worker keeps it.
	#[cfg(test)]
	pub fn transcript(&self, task: &H256) -> Option<Vec<u8>> {
		let len = self.transcript_len(task)?;
		let mut bytes = Vec::new();
		while (bytes.len() as u64) < len {
			bytes.extend(self.transcript_piece(task, bytes.len() as u64).filter(|p| !p.is_empty())?);
		}
		Some(bytes)
	}

	/// The tasks whose transcripts are kept, oldest first, with their sizes.
	fn transcripts(&self) -> Vec<(H256, u64)> {
		self.get(COL_OUTPUTS, TRANSCRIPTS_INDEX).unwrap_or_default()
	}
}

/// The audit transcripts a worker keeps, in bytes: a few dozen tasks' worth of the salary
/// survey's at n = 4 (`docs/benchmarks.md`).
pub const TRANSCRIPT_BYTES: u64 = 512 << 20;

/// The list of kept transcripts, in the outputs' column (14 bytes: no other key has that length).
/// Another piece size needs another version.
const TRANSCRIPTS_INDEX: &[u8] = b"transcripts/v2";

/// The pieces a transcript is kept in: one answer to `WorkerRequest::Transcript` each.
const TRANSCRIPT_PIECE: usize = enigma_chain::offchain::TRANSCRIPT_CHUNK;

fn pieces(len: u64) -> u32 {
	len.div_ceil(TRANSCRIPT_PIECE as u64) as u32
}

/// A piece of a task's transcript, in the outputs' column (52 bytes: no other key has that
/// length).
fn transcript_key(task: &H256, piece: u32) -> Vec<u8> {
	(b"transcript-piece", task, piece).encode()
}

/// Preprocessing batches share the outputs' column under keys of their own lengths (43 bytes
/// for a batch, 16 for a committee's list).
fn stock_key(committee: u32, batch: &H256) -> Vec<u8> {
	(b"stock-b", committee, batch).encode()
}

fn stock_index_key(committee: u32) -> Vec<u8> {
	(b"stocks", committee, 0u8, 0u8, 0u8, 0u8, 0u8, 0u8).encode()
}

fn stock_context(committee: u32, batch: &H256) -> Vec<u8> {
	(b"enigma/spdz-stock/v1", committee, batch).encode()
}

/// The list of tasks with a stored result, in the outputs' column (7 bytes: no (task, output)
/// key, 36 bytes, nor result key, 39, encodes to it).
const RESULTS_INDEX: &[u8] = b"results";

/// The committees with a stock, in the outputs' column (21 bytes: no other key has that length).
const STOCKED: &[u8] = b"stocked-committees/v1";

/// The finalized mark, in the outputs' column (17 bytes: no other key has that length).
const FINALIZED_MARK: &[u8] = b"finalized-mark/v1";

/// Other runs' shares share the outputs' column under keys of their own lengths: 41 bytes for
/// the list of runs, 73 for a secret's share, 78 for an output's.
fn runs_key(id: &H256) -> Vec<u8> {
	(b"run-roots", id).encode()
}

fn run_share_key(secret: &H256, root: &H256) -> Vec<u8> {
	(b"run-share", secret, root).encode()
}

fn run_output_key(task: &H256, output: u32, root: &H256) -> Vec<u8> {
	(b"run-output", task, output, root).encode()
}

/// The secrets with a share taken over and not settled, in the outputs' column (18 bytes: no other
/// key has that length).
const TAKEN_INDEX: &[u8] = b"handovers-taken/v1";

/// Handovers share the outputs' column under keys of 46 bytes.
fn dealing_key(secret: &H256) -> Vec<u8> {
	(b"handover-dealt", secret).encode()
}

fn taken_key(secret: &H256) -> Vec<u8> {
	(b"handover-taken", secret).encode()
}

/// Shares let go of ([`WorkerStore::let_go`]) share the outputs' column under keys of 48 bytes.
fn let_go_key(secret: &H256) -> Vec<u8> {
	(b"share-let-go/v1/", secret).encode()
}

fn result_context(task: &H256, created: u32) -> Vec<u8> {
	(b"enigma/task-result/v1", task, created).encode()
}

/// Results share the outputs' column under a key no (task, output) pair encodes to (39 bytes,
/// not 36).
fn result_key(task: &H256) -> Vec<u8> {
	[&b"result/"[..], task.as_bytes()].concat()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn output_shares_are_sealed_at_rest() {
		let secret = x25519_dalek::StaticSecret::from([7u8; 32]);
		let public = x25519_dalek::PublicKey::from(&secret).to_bytes();
		let task = H256::repeat_byte(3);
		let held = HeldOutput::seal(&public, &task, 1, H256::repeat_byte(4), b"share bytes");
		assert!(!held.encode().windows(11).any(|w| w == b"share bytes"), "the share is not in the clear");
		assert_eq!(held.open(&secret, &task, 1).as_deref(), Some(&b"share bytes"[..]));
		assert_eq!(held.open(&secret, &task, 2), None, "bound to its task and output");
	}

	#[test]
	fn the_finalized_mark_only_rises_and_survives_a_restart() {
		let dir = tempfile::tempdir().unwrap();
		{
			let store = WorkerStore::open(dir.path()).unwrap();
			assert_eq!(store.finalized_mark(), 0);
			store.raise_finalized_mark(40).unwrap();
			store.raise_finalized_mark(12).unwrap();
			assert_eq!(store.finalized_mark(), 40);
		}
		assert_eq!(WorkerStore::open(dir.path()).unwrap().finalized_mark(), 40);
	}

	#[test]
	fn a_computed_result_survives_a_restart_sealed_until_it_is_removed() {
		let dir = tempfile::tempdir().unwrap();
		let secret = x25519_dalek::StaticSecret::from([7u8; 32]);
		let public = x25519_dalek::PublicKey::from(&secret).to_bytes();
		let (task, other) = (H256::repeat_byte(5), H256::repeat_byte(6));
		{
			let store = WorkerStore::open(dir.path()).unwrap();
			store.put_result(&task, 40, &public, b"result bytes").unwrap();
			store.put_result(&other, 41, &public, b"other result").unwrap();
			store.put_revealed_run(&task, H256::zero(), &[], &[(0, HeldOutput::seal(&public, &task, 0, H256::zero(), b"x"))]).unwrap();
		}
		let store = WorkerStore::open(dir.path()).unwrap();
		assert_eq!(store.result(&task, 40, &secret).as_deref(), Some(&b"result bytes"[..]));
		assert_eq!(store.result(&task, 39, &secret), None, "a task of that id created at another block is another task");
		let raw = store.db.get(COL_OUTPUTS, &result_key(&task)).unwrap().unwrap();
		assert!(!raw.windows(12).any(|w| w == b"result bytes"), "sealed at rest");
		assert!(store.output(&task, 0).is_some(), "outputs and results do not collide");
		assert_eq!(store.stored_results(), vec![task, other]);
		store.remove_result(&task).unwrap();
		assert_eq!(store.result(&task, 40, &secret), None);
		assert_eq!(store.stored_results(), vec![other]);
	}

	/// Issue #14: a task's audit transcript is kept across restarts, the oldest dropped beyond
	/// the budget (the newest always kept), and nothing else reads it.
	#[test]
	fn transcripts_are_kept_newest_first_within_their_budget() {
		let dir = tempfile::tempdir().unwrap();
		let tasks: Vec<H256> = (1..=4).map(H256::repeat_byte).collect();
		{
			let store = WorkerStore::open(dir.path()).unwrap();
			for (k, task) in tasks[..3].iter().enumerate() {
				store.put_transcript_within(task, &vec![k as u8; 40], 100).unwrap();
			}
		}
		let store = WorkerStore::open(dir.path()).unwrap();
		assert_eq!(store.transcript(&tasks[0]), None, "120 bytes over a budget of 100: the oldest went");
		assert_eq!(store.transcript(&tasks[1]), Some(vec![1; 40]));
		assert_eq!(store.transcript(&tasks[2]), Some(vec![2; 40]));
		store.put_transcript_within(&tasks[3], &[3; 500], 100).unwrap();
		assert_eq!((store.transcript(&tasks[1]), store.transcript(&tasks[2])), (None, None));
		assert_eq!(store.transcript(&tasks[3]), Some(vec![3; 500]), "the newest stays, whatever its size");
		assert!(store.stored_results().is_empty() && store.stock(0).is_empty() && store.unacknowledged().is_empty());
	}

	/// A transcript is read a piece at a time (what one answer carries), from any offset; a
	/// shorter copy of the same task's replaces it whole.
	#[test]
	fn a_transcript_is_read_piece_by_piece() {
		let dir = tempfile::tempdir().unwrap();
		let store = WorkerStore::open(dir.path()).unwrap();
		let task = H256::repeat_byte(1);
		let long: Vec<u8> = (0..2 * TRANSCRIPT_PIECE + 100).map(|k| (k % 251) as u8).collect();
		store.put_transcript(&task, &long).unwrap();
		assert_eq!(store.transcript_len(&task), Some(long.len() as u64));
		assert_eq!(store.transcript_piece(&task, 0).unwrap(), long[..TRANSCRIPT_PIECE]);
		assert_eq!(store.transcript_piece(&task, 10).unwrap(), long[10..TRANSCRIPT_PIECE], "to the end of its piece");
		assert_eq!(store.transcript_piece(&task, 2 * TRANSCRIPT_PIECE as u64 + 1).unwrap(), long[2 * TRANSCRIPT_PIECE + 1..]);
		assert_eq!(store.transcript_piece(&task, long.len() as u64), Some(vec![]), "at the end: nothing more");
		assert_eq!(store.transcript_piece(&task, long.len() as u64 + 1), None);
		assert_eq!(store.transcript(&task).unwrap(), long);
		store.put_transcript(&task, &[7; 10]).unwrap();
		assert_eq!(store.transcript(&task), Some(vec![7; 10]));
		assert_eq!(store.db.get(COL_OUTPUTS, &transcript_key(&task, 1)).unwrap(), None, "the longer copy's other pieces went");
		assert_eq!(store.transcript_piece(&H256::repeat_byte(2), 0), None);
	}

	#[test]
	fn another_runs_shares_are_kept_apart_and_removed_with_the_secret() {
		let dir = tempfile::tempdir().unwrap();
		let (task, secret) = (H256::repeat_byte(1), H256::repeat_byte(2));
		let (revealed, other, unknown) = (H256::repeat_byte(3), H256::repeat_byte(4), H256::repeat_byte(5));
		let own = HeldShare { identity: H256::repeat_byte(4), committee: 3, index: 0, kind: ValueKind::Field, sealed: vec![1; 48], acknowledged: true, pedersen: vec![], share_hashes: vec![] };
		let others = HeldShare { sealed: vec![2; 48], ..own.clone() };
		let (own_output, other_output) = (HeldOutput { recipient: H256::repeat_byte(4), sealed: vec![5; 48] }, HeldOutput { recipient: H256::repeat_byte(4), sealed: vec![6; 48] });
		{
			let store = WorkerStore::open(dir.path()).unwrap();
			// A share with no run noted (a client's) serves whatever run is asked for; a run's
			// shares only that run.
			store.put_shares(&[(secret, own.clone())]).unwrap();
			assert_eq!(store.share_for_run(&secret, &unknown), Some(own.clone()));
			store.put_revealed_run(&task, revealed, &[(secret, own.clone())], &[(0, own_output.clone())]).unwrap();
			assert_eq!(store.share_for_run(&secret, &unknown), None);
			assert_eq!(store.output_for_run(&task, 0, &revealed), Some(own_output.clone()));
			store.put_run(&task, revealed, other, &[(secret, others.clone())], &[(0, other_output.clone())]).unwrap();
		}
		let store = WorkerStore::open(dir.path()).unwrap();
		let kept = KeptRuns { revealed, others: vec![other] };
		assert_eq!((store.kept_runs(&task), store.kept_runs(&secret)), (Some(kept.clone()), Some(kept)));
		assert_eq!(store.share_for_run(&secret, &revealed), Some(own.clone()), "the revealed run's share stays where it was");
		assert_eq!(store.share_for_run(&secret, &other), Some(others));
		assert_eq!(store.share_for_run(&secret, &unknown), None, "a run this member did not complete: no share of it");
		assert_eq!(store.output_for_run(&task, 0, &revealed), Some(own_output));
		assert_eq!(store.output_for_run(&task, 0, &other), Some(other_output));
		assert_eq!(store.output_for_run(&task, 0, &unknown), None);
		assert!(store.unacknowledged().is_empty() && store.stored_results().is_empty(), "no other kind of record reads them");
		store.remove_share(&secret).unwrap();
		assert_eq!((store.share(&secret), store.share_for_run(&secret, &other), store.kept_runs(&secret)), (None, None, None));
	}

	#[test]
	fn a_share_stored_before_commitments_were_kept_still_reads() {
		let dir = tempfile::tempdir().unwrap();
		let store = WorkerStore::open(dir.path()).unwrap();
		let old = (H256::repeat_byte(1), 3u32, 2u32, ValueKind::Int { bits: 8 }, vec![9u8; 80], true).encode();
		store.db.commit([(COL_SHARES, H256::repeat_byte(7).as_bytes().to_vec(), Some(old))]).unwrap();
		let share = store.share(&H256::repeat_byte(7)).expect("the old layout decodes");
		assert_eq!((share.index, share.sealed.len(), share.acknowledged, share.pedersen.len()), (2, 80, true, 0));
	}

	#[test]
	fn shares_and_outputs_survive_reopening() {
		let dir = tempfile::tempdir().unwrap();
		let share = HeldShare { identity: H256::repeat_byte(1), committee: 3, index: 2, kind: ValueKind::Int { bits: 8 }, sealed: vec![9; 80], acknowledged: false, pedersen: vec![1; 96], share_hashes: vec![H256::repeat_byte(2); 4] };
		let output = HeldOutput { recipient: H256::repeat_byte(4), sealed: vec![5; 32] };
		{
			let store = WorkerStore::open(dir.path()).unwrap();
			store.put_shares(&[(H256::repeat_byte(7), share.clone())]).unwrap();
			store.put_revealed_run(&H256::repeat_byte(8), H256::zero(), &[], &[(1, output.clone())]).unwrap();
		}
		let store = WorkerStore::open(dir.path()).unwrap();
		assert_eq!(store.share(&H256::repeat_byte(7)), Some(share.clone()));
		assert_eq!(store.unacknowledged(), vec![H256::repeat_byte(7)]);
		assert_eq!(store.output(&H256::repeat_byte(8), 1), Some(output));
		assert_eq!(store.output(&H256::repeat_byte(8), 2), None);
		store.put_shares(&[(H256::repeat_byte(7), HeldShare { acknowledged: true, ..share })]).unwrap();
		assert!(store.unacknowledged().is_empty());
		store.remove_share(&H256::repeat_byte(7)).unwrap();
		assert_eq!(store.share(&H256::repeat_byte(7)), None);
	}

	#[test]
	fn a_committees_preprocessing_is_kept_sealed_across_restarts_and_taken_once() {
		let dir = tempfile::tempdir().unwrap();
		let secret = x25519_dalek::StaticSecret::random_from_rng(rand::thread_rng());
		let public = x25519_dalek::PublicKey::from(&secret).to_bytes();
		let material = |batch: u8| [b"alpha share and triples".to_vec(), vec![batch]].concat();
		let name = H256::repeat_byte;
		{
			let store = WorkerStore::open(dir.path()).unwrap();
			for batch in [5u8, 3, 9] {
				store.put_stock(7, name(batch), &public, &material(batch), 2).unwrap();
			}
			// The two newest kept, oldest first; another committee's list is its own.
			assert_eq!(store.stock(7), vec![name(3), name(9)]);
			assert!(store.stock(8).is_empty());
		}
		let store = WorkerStore::open(dir.path()).unwrap();
		assert_eq!(store.stock(7), vec![name(3), name(9)], "a restart keeps the stock");
		let raw = store.db.get(COL_OUTPUTS, &stock_key(7, &name(3))).unwrap().unwrap();
		assert!(!raw.windows(material(3).len()).any(|w| w == material(3).as_slice()), "sealed at rest");
		let any = |bytes: &[u8]| Some(bytes.to_vec());
		// Oldest first, each once; a batch this worker's key does not open is dropped.
		assert_eq!(store.take_stock(7, &secret, any), Some((name(3), material(3))));
		let other = x25519_dalek::StaticSecret::random_from_rng(rand::thread_rng());
		assert_eq!(store.take_stock(7, &other, any), None);
		assert!(store.stock(7).is_empty());
		assert_eq!(store.take_stock(7, &secret, any), None);
		// A batch too small for a task stays where it is and does not hide a larger one behind
		// it.
		for batch in [1u8, 2] {
			store.put_stock(7, name(batch), &public, &material(batch), 2).unwrap();
		}
		let large = |bytes: &[u8]| (bytes.last() == Some(&2)).then(|| bytes.to_vec());
		assert_eq!(store.take_stock(7, &secret, large), Some((name(2), material(2))));
		assert_eq!(store.stock(7), vec![name(1)]);
		// Of the batches that cover a task, the smallest goes, though newer: a small task must
		// not spend the batch a large one needs.
		let small = [b"small".to_vec(), vec![6]].concat();
		store.put_stock(7, name(6), &public, &small, 3).unwrap();
		assert_eq!(store.take_stock(7, &secret, any), Some((name(6), small)));
		assert_eq!(store.stock(7), vec![name(1)]);
		store.put_stock(7, name(4), &public, &material(4), 2).unwrap();
		assert_eq!(store.stock(7), vec![name(1), name(4)]);
		// Beyond `keep`, the oldest goes.
		store.put_stock(7, name(5), &public, &material(5), 2).unwrap();
		assert_eq!(store.stock(7), vec![name(4), name(5)]);
		assert!(store.db.get(COL_OUTPUTS, &stock_key(7, &name(1))).unwrap().is_none());
		// A dissolved committee's stock goes whole, and the committee off the list of those
		// with a stock (which catching up with the chain reads).
		store.put_stock(8, name(6), &public, &material(6), 2).unwrap();
		assert_eq!(store.stocked_committees(), vec![7, 8]);
		store.drop_stock(7).unwrap();
		assert!(store.stock(7).is_empty());
		assert_eq!(store.stocked_committees(), vec![8]);
		assert!(store.db.get(COL_OUTPUTS, &stock_key(7, &name(4))).unwrap().is_none());
		// Two takers at once never get the same batch.
		for batch in [1u8, 2] {
			store.put_stock(7, name(batch), &public, &material(batch), 2).unwrap();
		}
		let takers: Vec<_> = (0..4).map(|_| {
			let (store, secret) = (store.clone(), secret.clone());
			std::thread::spawn(move || store.take_stock(7, &secret, |bytes| Some(bytes.to_vec())).map(|(batch, _)| batch))
		}).collect();
		let mut taken: Vec<H256> = takers.into_iter().filter_map(|t| t.join().unwrap()).collect();
		taken.sort();
		assert_eq!(taken, vec![name(1), name(2)]);
	}

	/// Issue #15: a batch a run used is never used again, even when the database brings it back
	/// (parity-db commits in the background: after a power loss the take may be undone), and
	/// even when the other members name it again; the log keeps only the batches that could.
	#[test]
	fn a_spent_batch_is_never_used_again_even_if_it_comes_back() {
		let dir = tempfile::tempdir().unwrap();
		let log_len = || std::fs::metadata(dir.path().join("spent-batches")).unwrap().len();
		let secret = x25519_dalek::StaticSecret::random_from_rng(rand::thread_rng());
		let public = x25519_dalek::PublicKey::from(&secret).to_bytes();
		let any = |bytes: &[u8]| Some(bytes.to_vec());
		let (used, fresh) = (H256::repeat_byte(1), H256::repeat_byte(2));
		{
			let store = WorkerStore::open(dir.path()).unwrap();
			store.put_stock(7, used, &public, b"used", 4).unwrap();
			let (batch, _) = store.take_stock(7, &secret, any).unwrap();
			store.spend_stock(7, batch).unwrap();
			assert_eq!(store.spend_stock(7, batch).unwrap_err().kind(), std::io::ErrorKind::AlreadyExists, "spent once only");
			// Another committee's batch of the same name is its own.
			store.spend_stock(8, batch).unwrap();
			// A power loss undoes the take: what the database shows at the restart has the
			// batch back in the stock.
			store.put_stock(7, used, &public, b"used", 4).unwrap();
		}
		let store = WorkerStore::open(dir.path()).unwrap();
		assert_eq!(log_len(), SPENT_ENTRY as u64, "committee 8 holds no such batch: its entry is dropped, 7's kept");
		store.put_stock(7, fresh, &public, b"fresh", 4).unwrap();
		assert_eq!(store.take_stock(7, &secret, any), Some((fresh, b"fresh".to_vec())), "the spent batch is passed over");
		assert!(store.stock(7).is_empty(), "and dropped");
		assert!(store.spend_stock(7, used).is_err(), "named again by the others, it is still refused");
		store.spend_stock(7, fresh).unwrap();
		// A torn last entry (power lost mid-write) is dropped, the entries before it kept.
		store.put_stock(7, fresh, &public, b"fresh", 4).unwrap();
		drop(store);
		std::fs::OpenOptions::new().append(true).open(dir.path().join("spent-batches")).and_then(|mut f| std::io::Write::write_all(&mut f, &[9; 10])).unwrap();
		let store = WorkerStore::open(dir.path()).unwrap();
		assert_eq!(log_len(), SPENT_ENTRY as u64, "the batch gone from the stock and the torn entry are dropped");
		assert!(store.spend_stock(7, fresh).is_err(), "the batch back in the stock is still refused");
		assert_eq!(store.take_stock(7, &secret, any), None);
	}

	/// Attacker review: the data directory put back from a copy taken before a batch was spent
	/// (a backup restored, a snapshot rolled back) held the batch again and a log that did not
	/// name it, and the other members, colluding, could name it again: material used twice. The
	/// key directory's count of spends says the data directory is behind it, and its stock goes.
	#[test]
	fn a_data_directory_put_back_from_before_a_spend_uses_none_of_its_stock() {
		let (data, keys, backup) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
		let secret = x25519_dalek::StaticSecret::random_from_rng(rand::thread_rng());
		let public = x25519_dalek::PublicKey::from(&secret).to_bytes();
		let any = |bytes: &[u8]| Some(bytes.to_vec());
		let (used, kept) = (H256::repeat_byte(1), H256::repeat_byte(2));
		let copy = |from: &Path, to: &Path| {
			for entry in std::fs::read_dir(from).unwrap() {
				let entry = entry.unwrap();
				std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
			}
		};
		{
			let store = WorkerStore::open_beside_keys(data.path(), keys.path()).unwrap();
			store.put_stock(7, used, &public, b"used", 4).unwrap();
		}
		copy(data.path(), backup.path());
		{
			let store = WorkerStore::open_beside_keys(data.path(), keys.path()).unwrap();
			let (batch, _) = store.take_stock(7, &secret, any).unwrap();
			store.spend_stock(7, batch).unwrap();
			store.put_stock(7, kept, &public, b"kept", 4).unwrap();
		}
		// The directory itself, restarted: the batch it spent is passed over, the other kept.
		let store = WorkerStore::open_beside_keys(data.path(), keys.path()).unwrap();
		assert_eq!(store.stock(7), vec![kept]);
		drop(store);
		// The copy from before the spend: it holds `used`, and its log does not name it.
		assert!(!WorkerStore::open(backup.path()).unwrap().is_spent(7, &used), "the copy alone would use it");
		let restored = WorkerStore::open_beside_keys(backup.path(), keys.path()).unwrap();
		assert_eq!(restored.take_stock(7, &secret, any), None, "its stock is dropped");
		assert!(restored.stock(7).is_empty() && restored.stocked_committees().is_empty());
		// From then on it is in step: what it makes and spends is counted as before.
		restored.put_stock(7, kept, &public, b"kept", 4).unwrap();
		drop(restored);
		let again = WorkerStore::open_beside_keys(backup.path(), keys.path()).unwrap();
		assert_eq!(again.stock(7), vec![kept]);
	}

	#[test]
	fn a_share_taken_over_replaces_the_old_one_only_when_the_secret_moves_and_survives_a_restart() {
		let dir = tempfile::tempdir().unwrap();
		let share = |committee: u32, byte: u8| HeldShare {
			identity: H256::repeat_byte(1),
			committee,
			index: 0,
			kind: ValueKind::Field,
			sealed: vec![byte; 48],
			acknowledged: true,
			pedersen: vec![byte; 96],
			share_hashes: vec![],
		};
		let (moved, cancelled) = (H256::repeat_byte(2), H256::repeat_byte(3));
		{
			let store = WorkerStore::open(dir.path()).unwrap();
			store.put_shares(&[(moved, share(0, 1)), (cancelled, share(0, 1))]).unwrap();
			store.put_dealing(&moved, &HandoverDealing { to: 5, commitments: vec![7; 96], sealed: vec![vec![8; 80]; 3], signatures: vec![[9; 64]; 3] }).unwrap();
			// Two sets of dealings combined (the chain named another after a refusal), the
			// second written again.
			store.put_taken(&[(moved, share(5, 2))]).unwrap();
			store.put_taken(&[(cancelled, share(5, 2)), (moved, share(5, 3)), (moved, share(5, 3))]).unwrap();
		}
		let store = WorkerStore::open(dir.path()).unwrap();
		assert_eq!(store.pending_takeovers(), vec![moved, cancelled]);
		assert_eq!(store.taken(&moved).len(), 2);
		assert_eq!(store.share(&moved), Some(share(0, 1)), "the old share serves until the move");
		// The chain moved it to the sharing of the first set: that share, not the last one taken.
		store.finish_handover(&moved, Some(commitment(&[2; 96], &[]))).unwrap();
		assert_eq!(store.share(&moved), Some(share(5, 2)));
		assert_eq!((store.taken(&moved), store.dealing(&moved)), (vec![], None));
		store.finish_handover(&cancelled, None).unwrap();
		assert_eq!(store.share(&cancelled), Some(share(0, 1)), "a cancelled handover keeps the old share");
		assert!(store.pending_takeovers().is_empty());
		// An old member that is not in the new committee: its share goes, for good.
		assert!(!store.let_go(&cancelled) && !store.let_go(&moved));
		store.finish_handover(&cancelled, Some(commitment(&[2; 96], &[]))).unwrap();
		assert_eq!(store.share(&cancelled), None);
		assert!(store.let_go(&cancelled) && !store.let_go(&moved), "a new member's share stays wanted");
		// A share released as the worker left, too.
		store.release_share(&moved).unwrap();
		assert_eq!(store.share(&moved), None);
		// Delivered again after its checks passed (they ran while it was let go of): not kept.
		// Nor is a second copy of a share held; a new secret's is.
		let fresh = H256::repeat_byte(0x77);
		store.put_shares(&[(fresh, share(0, 1))]).unwrap();
		let kept = store.put_delivered(vec![(moved, share(0, 1)), (cancelled, share(0, 1)), (fresh, share(5, 2)), (H256::repeat_byte(0x78), share(0, 3))]).unwrap();
		assert_eq!(kept, vec![(H256::repeat_byte(0x78), share(0, 3))]);
		assert_eq!((store.share(&moved), store.share(&cancelled), store.share(&fresh)), (None, None, Some(share(0, 1))));
		// An acknowledgement that lands after its share went does not bring it back.
		assert_eq!(store.mark_acknowledged(&[moved, fresh]).unwrap(), vec![fresh]);
		assert_eq!((store.share(&moved), store.share(&fresh).map(|h| h.acknowledged)), (None, Some(true)));
		drop(store);
		let store = WorkerStore::open(dir.path()).unwrap();
		assert!(store.let_go(&cancelled) && store.let_go(&moved), "and after a restart");
		// The secret comes back to this worker's committee in a later handover: wanted again.
		store.put_taken(&[(cancelled, share(5, 2))]).unwrap();
		store.finish_handover(&cancelled, Some(commitment(&[2; 96], &[]))).unwrap();
		assert!(!store.let_go(&cancelled));
		assert_eq!(store.share(&cancelled), Some(share(5, 2)));
	}
}
