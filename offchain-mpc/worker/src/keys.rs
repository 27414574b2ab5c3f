//! The worker's three keys, each in its own file of the key directory (mode 0600):
//!
//! - `account.seed`: the sr25519 seed of the chain account that signs extrinsics and stakes;
//! - `node-key`: the libp2p identity (its peer id is registered on chain);
//! - `x25519.key`: the encryption key data owners encrypt shares to (public half on chain).

use enigma_p2p::{identity, load_or_create_identity, write_private, PeerId};
use sp_core::{crypto::Ss58Codec, sr25519, Pair};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
	#[error("{path}: {reason}")]
	File { path: PathBuf, reason: String },
	#[error("key directory {0} already holds keys; refusing to overwrite them")]
	Exists(PathBuf),
}

pub struct WorkerKeys {
	pub account: sr25519::Pair,
	pub node: identity::Keypair,
	pub encryption: x25519_dalek::StaticSecret,
	pub dir: PathBuf,
}

const ACCOUNT: &str = "account.seed";
const NODE: &str = "node-key";
const ENCRYPTION: &str = "x25519.key";

fn file_err(path: &Path, reason: impl std::fmt::Display) -> KeyError {
	KeyError::File { path: path.to_path_buf(), reason: reason.to_string() }
}

fn read_32(path: &Path) -> Result<[u8; 32], KeyError> {
	let text = std::fs::read_to_string(path).map_err(|e| file_err(path, e))?;
	let bytes = hex::decode(text.trim().trim_start_matches("0x")).map_err(|e| file_err(path, e))?;
	bytes.try_into().map_err(|_| file_err(path, "expected 32 bytes of hex"))
}

impl WorkerKeys {
	/// The salt of this worker's commitment to its result of `task`: derived from its
	/// encryption key, so nobody else can guess it, and a restart between commitment and
	/// reveal finds it again.
	pub fn result_salt(&self, task: sp_core::H256) -> [u8; 32] {
		sp_crypto_hashing::blake2_256(&[b"enigma/result-salt/v1".as_slice(), &self.encryption.to_bytes(), task.as_bytes()].concat())
	}

	/// Creates the three keys in `dir`. With `account_suri` the account comes from a secret URI
	/// such as `//Alice` (dev chains) instead of a fresh random seed.
	pub fn generate(dir: &Path, account_suri: Option<&str>) -> Result<Self, KeyError> {
		if dir.join(ACCOUNT).exists() {
			return Err(KeyError::Exists(dir.to_path_buf()));
		}
		std::fs::create_dir_all(dir).map_err(|e| file_err(dir, e))?;
		let seed: [u8; 32] = match account_suri {
			Some(suri) => enigma_chain::pair_from_suri(suri).map_err(|e| file_err(dir, e))?.1,
			None => rand::random(),
		};
		let account_path = dir.join(ACCOUNT);
		write_private(&account_path, hex::encode(seed).as_bytes()).map_err(|e| file_err(&account_path, e))?;
		let encryption_path = dir.join(ENCRYPTION);
		write_private(&encryption_path, hex::encode(rand::random::<[u8; 32]>()).as_bytes()).map_err(|e| file_err(&encryption_path, e))?;
		Self::load(dir)
	}

	pub fn load(dir: &Path) -> Result<Self, KeyError> {
		let account = sr25519::Pair::from_seed(&read_32(&dir.join(ACCOUNT))?);
		let encryption = x25519_dalek::StaticSecret::from(read_32(&dir.join(ENCRYPTION))?);
		let node_path = dir.join(NODE);
		let node = load_or_create_identity(&node_path).map_err(|e| file_err(&node_path, e))?;
		Ok(Self { account, node, encryption, dir: dir.to_path_buf() })
	}

	pub fn node_key_file(&self) -> PathBuf {
		self.dir.join(NODE)
	}

	pub fn account_id(&self) -> sp_core::crypto::AccountId32 {
		self.account.public().into()
	}

	pub fn peer_id(&self) -> PeerId {
		self.node.public().to_peer_id()
	}

	pub fn encryption_public(&self) -> [u8; 32] {
		x25519_dalek::PublicKey::from(&self.encryption).to_bytes()
	}

	/// What `key show` prints.
	pub fn describe(&self) -> String {
		format!(
			"account:        {}\npeer id:        {}\nencryption key: 0x{}",
			self.account_id().to_ss58check(),
			self.peer_id(),
			hex::encode(self.encryption_public())
		)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use std::os::unix::fs::PermissionsExt;

	#[test]
	fn keys_are_private_stable_and_never_overwritten() {
		let dir = tempfile::tempdir().unwrap();
		let keys = WorkerKeys::generate(dir.path(), None).unwrap();
		for file in [ACCOUNT, NODE, ENCRYPTION] {
			let mode = std::fs::metadata(dir.path().join(file)).unwrap().permissions().mode();
			assert_eq!(mode & 0o777, 0o600, "{file} must be readable by its owner only");
		}
		let again = WorkerKeys::load(dir.path()).unwrap();
		assert_eq!(again.account_id(), keys.account_id());
		assert_eq!(again.peer_id(), keys.peer_id());
		assert_eq!(again.encryption_public(), keys.encryption_public());
		assert!(matches!(WorkerKeys::generate(dir.path(), None), Err(KeyError::Exists(_))));
	}

	#[test]
	fn a_dev_uri_gives_the_dev_account() {
		let dir = tempfile::tempdir().unwrap();
		let keys = WorkerKeys::generate(dir.path(), Some("//Alice")).unwrap();
		assert_eq!(keys.account_id().to_ss58check(), "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
	}
}
