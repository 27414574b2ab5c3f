//! The node's database: one parity-db with three columns.
//!
//! - the records this node holds (signed puts, by pointer), served only through the signed,
//!   permission-checked record protocol, never through Kademlia's unauthenticated GET_VALUE;
//! - Kademlia's provider records (who holds which pointer), so routing knowledge survives a
//!   restart too;
//! - Kademlia's value records (unused by Enigma's own records; kept so the store is a complete
//!   [`RecordStore`]).
//!
//! Expiry instants are monotonic in memory and wall-clock on disk.

use crate::{
	placement::Placement,
	record::{Pointer, SignedPut},
};
use codec::{Decode, Encode};
use libp2p::{
	kad::{
		self,
		store::{Error as StoreError, RecordStore},
		ProviderRecord,
	},
	Multiaddr, PeerId,
};
use parity_db::{Db, Options};
use std::{
	borrow::Cow,
	path::Path,
	sync::Arc,
	time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

const COL_DATA: u8 = 0;
const COL_PROVIDERS: u8 = 1;
const COL_KAD_VALUES: u8 = 2;
const COLUMNS: u8 = 3;

/// Providers kept per key (Kademlia's replication factor): this node, then registered workers,
/// then other peers, each closest to the key first. Any peer can announce itself as a provider
/// of any key, and peer ids close to a key are cheap to make: by distance alone, a few made-up
/// ids pushed the workers that hold a record out of its list, and readers found only them.
const MAX_PROVIDERS_PER_KEY: usize = 20;

/// Keys with provider records kept, at most: any peer can announce itself as a provider of
/// anything, so beyond this other peers' announcements of new keys are refused (this node's own
/// always go in), and where the registry names workers, peers that are not workers may take
/// half of them: the rest stays for the workers' records. Expired records are dropped. With [`MAX_PROVIDER_ADDRESSES`] addresses of at
/// most [`MAX_ADDRESS_BYTES`] each, a provider takes at most about 300 bytes: the records take
/// at most 65,536 × 20 × 300 B ≈ 390 MB on disk, and are never all in memory at once.
const MAX_PROVIDER_KEYS: usize = 65_536;
/// Addresses kept per provider record of another peer, and their largest size.
const MAX_PROVIDER_ADDRESSES: usize = 4;
const MAX_ADDRESS_BYTES: usize = 64;

#[derive(Debug, thiserror::Error)]
#[error("database error: {0}")]
pub struct DbError(#[from] parity_db::Error);

/// Opens (or creates) the node's database in `dir`.
pub fn open(dir: &Path) -> Result<Arc<Db>, DbError> {
	let mut options = Options::with_columns(dir, COLUMNS);
	for column in &mut options.columns {
		// Ordered columns, so the node can list what it holds after a restart.
		column.btree_index = true;
	}
	Ok(Arc::new(Db::open_or_create(&options)?))
}

fn all_entries(db: &Db, col: u8) -> Vec<(Vec<u8>, Vec<u8>)> {
	let mut out = Vec::new();
	for_each_entry(db, col, |key, value| out.push((key, value)));
	out
}

/// Calls `f` on every entry of `col`, one at a time (nothing is kept in memory).
fn for_each_entry(db: &Db, col: u8, mut f: impl FnMut(Vec<u8>, Vec<u8>)) {
	let Ok(mut iter) = db.iter(col) else { return };
	if iter.seek_to_first().is_err() {
		return;
	}
	while let Ok(Some((key, value))) = iter.next() {
		f(key, value);
	}
}

/// The records this node holds.
#[derive(Clone)]
pub struct DataStore {
	db: Arc<Db>,
}

impl DataStore {
	pub fn new(db: Arc<Db>) -> Self {
		Self { db }
	}

	pub fn insert(&self, put: &SignedPut) -> Result<(), DbError> {
		Ok(self.db.commit([(COL_DATA, put.record.pointer().to_vec(), Some(put.encode()))])?)
	}

	pub fn get(&self, key: &Pointer) -> Option<SignedPut> {
		let bytes = self.db.get(COL_DATA, key).ok().flatten()?;
		SignedPut::decode(&mut &bytes[..]).ok()
	}

	pub fn contains(&self, key: &Pointer) -> bool {
		matches!(self.db.get(COL_DATA, key), Ok(Some(_)))
	}

	pub fn remove(&self, key: &Pointer) -> Result<(), DbError> {
		Ok(self.db.commit([(COL_DATA, key.to_vec(), None)])?)
	}

	/// Every pointer held.
	pub fn keys(&self) -> Vec<Pointer> {
		all_entries(&self.db, COL_DATA).into_iter().filter_map(|(k, _)| k.try_into().ok()).collect()
	}
}

fn instant_to_unix(at: Option<Instant>) -> Option<u64> {
	let at = at?;
	let now = Instant::now();
	let wall = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
	Some((wall + at.saturating_duration_since(now)).as_secs())
}

/// A wall-clock second as an instant: in the past when it has passed (as far as the monotonic
/// clock reaches back; else now, which has passed too by the time anyone compares).
fn unix_to_instant(at: Option<u64>) -> Option<Instant> {
	let at = Duration::from_secs(at?);
	let wall = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
	let now = Instant::now();
	Some(match at.checked_sub(wall) {
		Some(ahead) => now + ahead,
		None => now.checked_sub(wall - at).unwrap_or(now),
	})
}

#[derive(Encode, Decode)]
struct StoredProvider {
	provider: Vec<u8>,
	addresses: Vec<Vec<u8>>,
	expires: Option<u64>,
}

#[derive(Encode, Decode)]
struct StoredValue {
	value: Vec<u8>,
	publisher: Option<Vec<u8>>,
	expires: Option<u64>,
}

/// Kademlia's record store on parity-db.
pub struct PersistentStore {
	db: Arc<Db>,
	local: PeerId,
	max_value_size: usize,
	/// Keys with provider records on disk, and the most kept ([`MAX_PROVIDER_KEYS`]).
	provider_keys: std::sync::atomic::AtomicUsize,
	max_provider_keys: usize,
	/// Who is a registered worker.
	placement: Arc<dyn Placement>,
}

impl PersistentStore {
	pub fn new(db: Arc<Db>, local: PeerId, max_value_size: usize, placement: Arc<dyn Placement>) -> Self {
		let mut keys = 0;
		for_each_entry(&db, COL_PROVIDERS, |_, _| keys += 1);
		let provider_keys = keys.into();
		Self { db, local, max_value_size, provider_keys, max_provider_keys: MAX_PROVIDER_KEYS, placement }
	}

	/// The unexpired provider records of `key`.
	fn load_providers(&self, key: &[u8]) -> Vec<ProviderRecord> {
		let Ok(Some(bytes)) = self.db.get(COL_PROVIDERS, key) else { return Vec::new() };
		let providers = decode_providers(key, &bytes);
		let now = Instant::now();
		providers.into_iter().filter(|p| p.expires.is_none_or(|at| at > now)).collect()
	}

	fn save_providers(&self, key: &[u8], providers: &[ProviderRecord]) {
		use std::sync::atomic::Ordering;
		let had = matches!(self.db.get(COL_PROVIDERS, key), Ok(Some(_)));
		match (had, providers.is_empty()) {
			(false, false) => _ = self.provider_keys.fetch_add(1, Ordering::Relaxed),
			(true, true) => _ = self.provider_keys.fetch_sub(1, Ordering::Relaxed),
			_ => {},
		}
		let value = if providers.is_empty() {
			None
		} else {
			let stored: Vec<StoredProvider> = providers
				.iter()
				.map(|p| StoredProvider {
					provider: p.provider.to_bytes(),
					addresses: p.addresses.iter().map(|a| a.to_vec()).collect(),
					expires: instant_to_unix(p.expires),
				})
				.collect();
			Some(stored.encode())
		};
		if let Err(e) = self.db.commit([(COL_PROVIDERS, key.to_vec(), value)]) {
			tracing::warn!(target: "dht", "could not save provider records: {e}");
		}
	}
}

fn decode_providers(key: &[u8], bytes: &[u8]) -> Vec<ProviderRecord> {
	let Ok(stored) = Vec::<StoredProvider>::decode(&mut &bytes[..]) else { return Vec::new() };
	stored
		.into_iter()
		.filter_map(|s| {
			Some(ProviderRecord {
				key: kad::RecordKey::new(&key),
				provider: PeerId::from_bytes(&s.provider).ok()?,
				expires: unix_to_instant(s.expires),
				addresses: s.addresses.into_iter().filter_map(|a| Multiaddr::try_from(a).ok()).collect(),
			})
		})
		.collect()
}

impl RecordStore for PersistentStore {
	type RecordsIter<'a> = std::vec::IntoIter<Cow<'a, kad::Record>>;
	type ProvidedIter<'a> = std::vec::IntoIter<Cow<'a, ProviderRecord>>;

	fn get(&self, key: &kad::RecordKey) -> Option<Cow<'_, kad::Record>> {
		let bytes = self.db.get(COL_KAD_VALUES, key.as_ref()).ok().flatten()?;
		let stored = StoredValue::decode(&mut &bytes[..]).ok()?;
		Some(Cow::Owned(kad::Record {
			key: key.clone(),
			value: stored.value,
			publisher: stored.publisher.and_then(|p| PeerId::from_bytes(&p).ok()),
			expires: unix_to_instant(stored.expires),
		}))
	}

	fn put(&mut self, record: kad::Record) -> Result<(), StoreError> {
		if record.value.len() > self.max_value_size {
			return Err(StoreError::ValueTooLarge);
		}
		let stored = StoredValue {
			value: record.value,
			publisher: record.publisher.map(|p| p.to_bytes()),
			expires: instant_to_unix(record.expires),
		};
		self.db
			.commit([(COL_KAD_VALUES, record.key.to_vec(), Some(stored.encode()))])
			.map_err(|e| {
				tracing::warn!(target: "dht", "could not save a value record: {e}");
				StoreError::MaxRecords
			})
	}

	fn remove(&mut self, key: &kad::RecordKey) {
		if let Err(e) = self.db.commit([(COL_KAD_VALUES, key.to_vec(), None)]) {
			tracing::warn!(target: "dht", "could not remove a value record: {e}");
		}
	}

	fn records(&self) -> Self::RecordsIter<'_> {
		all_entries(&self.db, COL_KAD_VALUES)
			.into_iter()
			.filter_map(|(k, _)| self.get(&kad::RecordKey::new(&k)).map(|r| Cow::Owned(r.into_owned())))
			.collect::<Vec<_>>()
			.into_iter()
	}

	fn add_provider(&mut self, mut record: ProviderRecord) -> Result<(), StoreError> {
		let key = record.key.to_vec();
		if record.provider != self.local {
			record.addresses.retain(|a| a.as_ref().len() <= MAX_ADDRESS_BYTES);
			record.addresses.truncate(MAX_PROVIDER_ADDRESSES);
		}
		let mut providers = self.load_providers(&key);
		if record.provider != self.local {
			// Records are named by 32-byte pointers; anything else is nobody's (refused as
			// a value no record has).
			if key.len() != 32 || record.expires.is_some_and(|at| at <= Instant::now()) {
				return Err(StoreError::ValueTooLarge);
			}
			let room = if self.placement.is_outsider(&record.provider) { self.max_provider_keys / 2 } else { self.max_provider_keys };
			if providers.is_empty() && self.provider_keys.load(std::sync::atomic::Ordering::Relaxed) >= room {
				return Err(StoreError::MaxProvidedKeys);
			}
		}
		if let Some(existing) = providers.iter_mut().find(|p| p.provider == record.provider) {
			*existing = record;
		} else {
			providers.push(record);
			// This node's own record always, then the workers', then the others', closest first.
			let target = kad::KBucketKey::new(key.clone());
			let local = self.local;
			providers.sort_by_key(|p| (p.provider != local, !self.placement.is_worker(&p.provider), target.distance(&kad::KBucketKey::from(p.provider))));
			providers.truncate(MAX_PROVIDERS_PER_KEY);
		}
		self.save_providers(&key, &providers);
		Ok(())
	}

	fn providers(&self, key: &kad::RecordKey) -> Vec<ProviderRecord> {
		self.load_providers(key.as_ref())
	}

	/// This node's own provider records; on the way (Kademlia asks for them at every republish),
	/// keys whose records all expired are dropped.
	fn provided(&self) -> Self::ProvidedIter<'_> {
		let mut own = Vec::new();
		let mut lapsed = Vec::new();
		for_each_entry(&self.db, COL_PROVIDERS, |key, bytes| {
			let providers = decode_providers(&key, &bytes);
			let now = Instant::now();
			let live: Vec<ProviderRecord> = providers.iter().filter(|p| p.expires.is_none_or(|at| at > now)).cloned().collect();
			if live.len() != providers.len() {
				lapsed.push((key, live.clone()));
			}
			own.extend(live.into_iter().filter(|p| p.provider == self.local).map(Cow::Owned));
		});
		for (key, live) in lapsed {
			self.save_providers(&key, &live);
		}
		own.into_iter()
	}

	fn remove_provider(&mut self, key: &kad::RecordKey, provider: &PeerId) {
		let mut providers = self.load_providers(key.as_ref());
		let before = providers.len();
		providers.retain(|p| p.provider != *provider);
		if providers.len() != before {
			self.save_providers(key.as_ref(), &providers);
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::placement::{FixedWeights, Uniform};
	use crate::record::{Record, Signer};

	#[test]
	fn records_and_provider_records_survive_reopening() {
		let dir = tempfile::tempdir().unwrap();
		let local = PeerId::random();
		let other = PeerId::random();
		let put = SignedPut::new(Record { owner: [1; 32], ciphertext: vec![9; 100], expires_at: 0 }, &Signer::from_seed(&[5; 32]));
		let key = kad::RecordKey::new(&put.record.pointer());
		{
			let db = open(dir.path()).unwrap();
			DataStore::new(db.clone()).insert(&put).unwrap();
			let mut kad_store = PersistentStore::new(db, local, 1024, Arc::new(Uniform));
			kad_store.add_provider(ProviderRecord::new(key.clone(), local, vec![])).unwrap();
			kad_store.add_provider(ProviderRecord::new(key.clone(), other, vec!["/ip4/127.0.0.1/tcp/1".parse().unwrap()])).unwrap();
			kad_store.put(kad::Record::new(b"k".to_vec(), b"v".to_vec())).unwrap();
		}
		let db = open(dir.path()).unwrap();
		let data = DataStore::new(db.clone());
		assert_eq!(data.get(&put.record.pointer()), Some(put.clone()));
		assert_eq!(data.keys(), vec![put.record.pointer()]);
		let kad_store = PersistentStore::new(db, local, 1024, Arc::new(Uniform));
		let providers: Vec<PeerId> = kad_store.providers(&key).into_iter().map(|p| p.provider).collect();
		assert_eq!(providers.len(), 2);
		assert!(providers.contains(&other));
		assert_eq!(kad_store.provided().map(|p| p.provider).collect::<Vec<_>>(), vec![local]);
		assert_eq!(kad_store.get(&kad::RecordKey::new(&b"k".to_vec())).unwrap().value, b"v".to_vec());
	}

	#[test]
	fn other_peers_provider_records_are_bounded_and_expire() {
		let dir = tempfile::tempdir().unwrap();
		let local = PeerId::random();
		let mut kad_store = PersistentStore::new(open(dir.path()).unwrap(), local, 1024, Arc::new(Uniform));
		kad_store.max_provider_keys = 4;
		let key = |k: u8| kad::RecordKey::new(&[k; 32]);
		let from = |k: u8, provider: PeerId| ProviderRecord::new(key(k), provider, vec![]);
		let stranger = PeerId::random();
		// Not a pointer, or already expired: refused.
		assert!(kad_store.add_provider(ProviderRecord::new(kad::RecordKey::new(&b"junk"), stranger, vec![])).is_err());
		let expired = ProviderRecord { expires: Some(Instant::now() - Duration::from_secs(1)), ..from(1, stranger) };
		assert!(kad_store.add_provider(expired).is_err());
		// Up to the cap of keys (this node's own count too); then other peers' new keys are
		// refused, known keys still take providers.
		for k in 0..3 {
			kad_store.add_provider(from(k, stranger)).unwrap();
		}
		kad_store.add_provider(from(10, local)).unwrap();
		assert!(matches!(kad_store.add_provider(from(9, stranger)), Err(StoreError::MaxProvidedKeys)));
		// (Another peer's record keeps a few short addresses, not as many as it sends.)
		let address: Multiaddr = "/ip4/127.0.0.1/tcp/1".parse().unwrap();
		let long: Multiaddr = format!("/dns/{}/tcp/1", "a".repeat(100)).parse().unwrap();
		kad_store.add_provider(ProviderRecord::new(key(0), PeerId::random(), [vec![long], vec![address; 10]].concat())).unwrap();
		assert_eq!(kad_store.providers(&key(0)).len(), 2);
		assert!(kad_store.providers(&key(0)).iter().all(|p| p.addresses.len() <= MAX_PROVIDER_ADDRESSES && p.addresses.iter().all(|a| a.as_ref().len() <= MAX_ADDRESS_BYTES)));
		assert!(kad_store.providers(&key(0)).iter().any(|p| p.addresses.len() == MAX_PROVIDER_ADDRESSES));
		// A record that expires is no longer served, and its key is dropped at the next
		// republish, which makes room.
		let soon = ProviderRecord { expires: Some(Instant::now() + Duration::from_millis(1_500)), ..from(1, PeerId::random()) };
		kad_store.add_provider(soon).unwrap();
		kad_store.remove_provider(&key(1), &stranger);
		std::thread::sleep(Duration::from_millis(2_100));
		assert!(kad_store.providers(&key(1)).is_empty());
		assert_eq!(kad_store.provided().map(|p| p.key.to_vec()).collect::<Vec<_>>(), vec![vec![10; 32]]);
		kad_store.add_provider(from(9, stranger)).unwrap();
		// The count survives a restart.
		drop(kad_store);
		let mut kad_store = PersistentStore::new(open(dir.path()).unwrap(), local, 1024, Arc::new(Uniform));
		kad_store.max_provider_keys = 4;
		assert!(matches!(kad_store.add_provider(from(11, stranger)), Err(StoreError::MaxProvidedKeys)));
	}

	#[test]
	fn oversized_kademlia_values_are_refused() {
		let dir = tempfile::tempdir().unwrap();
		let mut kad_store = PersistentStore::new(open(dir.path()).unwrap(), PeerId::random(), 8, Arc::new(Uniform));
		assert!(matches!(kad_store.put(kad::Record::new(b"k".to_vec(), vec![0; 9])), Err(StoreError::ValueTooLarge)));
	}

	/// The attack: peers with made-up ids closer to a key than the workers that hold its record
	/// announce themselves as its providers, and the list (closest first) lost the workers, so
	/// readers asked only them; or they announce junk keys until the store takes no new one. A
	/// registered worker's record now stays before theirs, and half the keys are kept for workers.
	#[test]
	fn made_up_providers_push_no_worker_out() {
		let dir = tempfile::tempdir().unwrap();
		let workers = Arc::new(FixedWeights::new());
		let mut kad_store = PersistentStore::new(open(dir.path()).unwrap(), PeerId::random(), 1024, workers.clone());
		let key = kad::RecordKey::new(&[7; 32]);
		let target = kad::KBucketKey::new(key.to_vec());
		let distance = |peer: &PeerId| target.distance(&kad::KBucketKey::from(*peer));
		// A worker, and MAX_PROVIDERS_PER_KEY strangers each closer to the key than it.
		let mut peers: Vec<PeerId> = (0..200).map(|_| PeerId::random()).collect();
		peers.sort_by_key(|p| std::cmp::Reverse(distance(p)));
		let worker = peers[0];
		workers.set(worker, 0.5);
		kad_store.add_provider(ProviderRecord::new(key.clone(), worker, vec![])).unwrap();
		for stranger in &peers[1..=MAX_PROVIDERS_PER_KEY] {
			assert!(distance(stranger) < distance(&worker));
			kad_store.add_provider(ProviderRecord::new(key.clone(), *stranger, vec![])).unwrap();
		}
		let providers: Vec<PeerId> = kad_store.providers(&key).into_iter().map(|p| p.provider).collect();
		assert_eq!(providers.len(), MAX_PROVIDERS_PER_KEY);
		assert_eq!(providers[0], worker, "the worker stays, first");

		// Keys: strangers may fill half; the rest is the workers'.
		kad_store.max_provider_keys = 4;
		let other = |k: u8| kad::RecordKey::new(&[k; 32]);
		kad_store.add_provider(ProviderRecord::new(other(1), peers[30], vec![])).unwrap();
		assert!(matches!(kad_store.add_provider(ProviderRecord::new(other(2), peers[31], vec![])), Err(StoreError::MaxProvidedKeys)));
		kad_store.add_provider(ProviderRecord::new(other(2), worker, vec![])).unwrap();
		kad_store.add_provider(ProviderRecord::new(other(3), worker, vec![])).unwrap();
		assert!(matches!(kad_store.add_provider(ProviderRecord::new(other(4), worker, vec![])), Err(StoreError::MaxProvidedKeys)));
		// Where no peer is a worker, anyone may use every key.
		let mut open_store = PersistentStore::new(open(tempfile::tempdir().unwrap().path()).unwrap(), PeerId::random(), 1024, Arc::new(Uniform));
		open_store.max_provider_keys = 2;
		open_store.add_provider(ProviderRecord::new(other(1), peers[30], vec![])).unwrap();
		open_store.add_provider(ProviderRecord::new(other(2), peers[31], vec![])).unwrap();
	}
}
