//! Who may read and who may store a record: the permission check a node runs before it serves
//! or accepts one.
//!
//! The worker implements [`AccessControl`] with the chain (`DataRegistryApi::can_read` for reads,
//! the registered pointer and its owner for writes); [`FixedTable`] is a table for tests and demos,
//! and [`Open`] lets any correctly signed request through.

use crate::record::{AccountId, Pointer};
use async_trait::async_trait;
use std::{
	collections::HashSet,
	sync::RwLock,
};

#[async_trait]
pub trait AccessControl: Send + Sync + 'static {
	/// May `reader` load the record under `key` (Alg. 3)?
	async fn may_read(&self, reader: &AccountId, key: &Pointer) -> bool;
	/// May `writer` store `size` bytes under `key`?
	async fn may_store(&self, writer: &AccountId, key: &Pointer, size: u64) -> bool;
	/// Should a holder keep the record under `key`? The worker: while the chain still registers
	/// its pointer. Asked at every repair pass, so a holder that missed the removal drops it then.
	async fn keep(&self, _key: &Pointer) -> bool {
		true
	}
}

/// Every correctly signed request passes. For demos (`dht-node --open`), never for workers.
pub struct Open;

#[async_trait]
impl AccessControl for Open {
	async fn may_read(&self, _: &AccountId, _: &Pointer) -> bool {
		true
	}
	async fn may_store(&self, _: &AccountId, _: &Pointer, _: u64) -> bool {
		true
	}
}

/// A fixed permission table: writers may store anything, readers may read the keys granted to
/// them. Grants and revocations apply to the next request.
#[derive(Default)]
pub struct FixedTable {
	writers: RwLock<HashSet<AccountId>>,
	reads: RwLock<HashSet<(AccountId, Pointer)>>,
	removed: RwLock<HashSet<Pointer>>,
}

impl FixedTable {
	pub fn new() -> Self {
		Self::default()
	}

	pub fn allow_store(&self, writer: AccountId) -> &Self {
		self.writers.write().expect("lock").insert(writer);
		self
	}

	pub fn allow_read(&self, reader: AccountId, key: Pointer) -> &Self {
		self.reads.write().expect("lock").insert((reader, key));
		self
	}

	pub fn revoke_read(&self, reader: AccountId, key: Pointer) -> &Self {
		self.reads.write().expect("lock").remove(&(reader, key));
		self
	}

	/// As when the owner removes the pointer on chain: holders drop the record.
	pub fn remove(&self, key: Pointer) -> &Self {
		self.removed.write().expect("lock").insert(key);
		self
	}
}

#[async_trait]
impl AccessControl for FixedTable {
	async fn may_read(&self, reader: &AccountId, key: &Pointer) -> bool {
		self.reads.read().expect("lock").contains(&(*reader, *key))
	}
	async fn may_store(&self, writer: &AccountId, key: &Pointer, _: u64) -> bool {
		self.writers.read().expect("lock").contains(writer) && !self.removed.read().expect("lock").contains(key)
	}
	async fn keep(&self, key: &Pointer) -> bool {
		!self.removed.read().expect("lock").contains(key)
	}
}
