//! Records, their keys and the signatures that authorize writing and reading them.
//!
//! A record is an owner identity's ciphertext. Its key is the data pointer the chain keeps,
//! `blake2_256(addr_P ‖ ciphertext)` (see `pallet-data-registry`), so any node can check that a
//! record matches its key without asking the chain.
//!
//! Accounts are sr25519 public keys, as on the chain, and signatures use the `substrate` signing
//! context, so a request signed by polkadot-js or subxt for a chain account verifies here, and
//! so does one a browser wallet signed (wrapped in `<Bytes>`, see
//! [`crate::messages::wallet_wrapped`]).
//!
//! The DHT nodes (`enigma-p2p`) check these; clients make them, the SDK in WebAssembly too.

use blake2::{digest::consts::U32, Blake2b, Digest};
use codec::{Decode, Encode};
use schnorrkel::{signing_context, ExpansionMode, MiniSecretKey, PublicKey, Signature};

/// A chain account: an sr25519 public key (the chain's `AccountId32`).
pub type AccountId = [u8; 32];
/// A record key: the chain's data pointer.
pub type Pointer = [u8; 32];

const SIGNING_CONTEXT: &[u8] = b"substrate";
const PUT_DOMAIN: &[u8] = b"enigma/dht/put/v1";
const GET_DOMAIN: &[u8] = b"enigma/dht/get/v3";

/// `blake2_256(owner ‖ ciphertext)`, the chain's data pointer of a record.
pub fn pointer(owner: &AccountId, ciphertext: &[u8]) -> Pointer {
	let mut hasher = Blake2b::<U32>::new();
	hasher.update(owner);
	hasher.update(ciphertext);
	hasher.finalize().into()
}

/// Seconds since the Unix epoch.
pub fn unix_now() -> u64 {
	std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// The moment a record paid on chain until block `paid_until` stops being served, given the
/// chain's current block and block time: the chain's rent becomes the record's expiry.
pub fn expiry_from_paid_until(paid_until: u64, current_block: u64, block_time_ms: u64) -> u64 {
	let blocks_left = paid_until.saturating_sub(current_block);
	unix_now().saturating_add(blocks_left.saturating_mul(block_time_ms) / 1000)
}

/// Encrypted data of an owner identity (`addr_P`), with the moment it expires (Unix seconds;
/// 0 = never).
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct Record {
	pub owner: AccountId,
	pub ciphertext: Vec<u8>,
	pub expires_at: u64,
}

impl Record {
	pub fn pointer(&self) -> Pointer {
		pointer(&self.owner, &self.ciphertext)
	}

	pub fn is_expired(&self, now: u64) -> bool {
		self.expires_at != 0 && now >= self.expires_at
	}
}

/// A record with its writer's signature over (pointer, expiry). Holders keep it as it is, so a
/// replica pushed on by another holder still proves who wrote it.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct SignedPut {
	pub record: Record,
	pub writer: AccountId,
	pub signature: [u8; 64],
}

impl SignedPut {
	pub fn new(record: Record, writer: &Signer) -> Self {
		let signature = writer.sign(&put_message(&record.pointer(), record.expires_at));
		Self { record, writer: writer.account(), signature }
	}

	pub fn verify(&self) -> bool {
		verify(&self.writer, &put_message(&self.record.pointer(), self.record.expires_at), &self.signature)
	}
}

/// How far from a holder's clock (either way, in seconds) a get may have been signed: a signed
/// get serves for a couple of minutes, not for ever (a request a holder kept, or one that leaked
/// with the requester's traffic), and clocks may differ by less.
pub const GET_VALIDITY_SECS: u64 = 120;

/// What a reader signs to fetch a record: the pointer, the libp2p peer it asks from (its peer id's
/// bytes), when it signed (unix seconds), and where the record goes on from that peer. Binding the
/// requesting peer means a holder cannot replay the request to another holder: the receiving node
/// compares it with the peer id the Noise handshake authenticated. The time keeps it from serving
/// later ([`GET_VALIDITY_SECS`]). A reader that asks from its own node names no reply key
/// ([`NO_REPLY_KEY`]); a browser, which reaches the DHT through a worker's gateway, names that
/// worker and the x25519 key the worker must seal the record to, so that the worker serves the
/// signature's holder only, whoever replays it.
pub fn get_message(key: &Pointer, requester_peer: &[u8], signed_at: u64, reply_to: &[u8; 32]) -> Vec<u8> {
	(GET_DOMAIN, key, requester_peer, signed_at, reply_to).encode()
}

/// The reply key of a get answered on the requesting peer's own connection.
pub const NO_REPLY_KEY: [u8; 32] = [0; 32];

/// What a writer signs to store a record: its pointer and expiry.
pub fn put_message(key: &Pointer, expires_at: u64) -> Vec<u8> {
	(PUT_DOMAIN, key, expires_at).encode()
}

/// Verifies an sr25519 signature of `account` over `message`, or over `message` as a browser
/// wallet wraps what it signs.
pub fn verify(account: &AccountId, message: &[u8], signature: &[u8; 64]) -> bool {
	let (Ok(public), Ok(signature)) = (PublicKey::from_bytes(account), Signature::from_bytes(signature)) else {
		return false;
	};
	public.verify_simple(SIGNING_CONTEXT, message, &signature).is_ok()
		|| public.verify_simple(SIGNING_CONTEXT, &crate::messages::wallet_wrapped(message), &signature).is_ok()
}

/// An sr25519 account key that signs puts and gets.
#[derive(Clone)]
pub struct Signer {
	keypair: schnorrkel::Keypair,
}

impl Signer {
	/// The key of a 32-byte seed, expanded as Substrate does (`sr25519::Pair::from_seed`).
	pub fn from_seed(seed: &[u8; 32]) -> Self {
		let mini = MiniSecretKey::from_bytes(seed).expect("any 32 bytes are a mini secret key");
		Self { keypair: mini.expand_to_keypair(ExpansionMode::Ed25519) }
	}

	pub fn generate() -> Self {
		Self::from_seed(&rand::random())
	}

	pub fn account(&self) -> AccountId {
		self.keypair.public.to_bytes()
	}

	pub fn sign(&self, message: &[u8]) -> [u8; 64] {
		self.keypair.sign(signing_context(SIGNING_CONTEXT).bytes(message)).to_bytes()
	}
}

impl std::fmt::Debug for Signer {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		let account: String = self.account().iter().map(|b| format!("{b:02x}")).collect();
		write!(f, "Signer({account})")
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn put_signature_covers_pointer_and_expiry() {
		let alice = Signer::from_seed(&[1; 32]);
		let record = Record { owner: [7; 32], ciphertext: b"sealed".to_vec(), expires_at: 0 };
		let mut put = SignedPut::new(record, &alice);
		assert!(put.verify());
		put.record.expires_at = 99;
		assert!(!put.verify(), "a changed expiry must not verify");
		put.record.expires_at = 0;
		put.record.ciphertext[0] ^= 1;
		assert!(!put.verify(), "a changed ciphertext changes the pointer");
	}

	#[test]
	fn a_wallet_wrapped_signature_verifies_and_nothing_else_does() {
		let bob = Signer::from_seed(&[2; 32]);
		let message = get_message(&[3; 32], b"peer", 1_000, &[4; 32]);
		assert!(verify(&bob.account(), &message, &bob.sign(&crate::messages::wallet_wrapped(&message))));
		assert!(!verify(&bob.account(), &message, &bob.sign(&[b"<Bytes>".as_slice(), &message].concat())));
		assert!(!verify(&bob.account(), &get_message(&[3; 32], b"peer", 1_001, &[4; 32]), &bob.sign(&message)));
		assert!(!verify(&bob.account(), &get_message(&[3; 32], b"peer", 1_000, &[5; 32]), &bob.sign(&message)), "another reply key");
	}

	#[test]
	fn seed_expansion_matches_substrate() {
		// sp_core::sr25519::Pair::from_seed(&[0u8; 32]).public(), as Substrate computes it.
		let account = Signer::from_seed(&[0; 32]).account();
		let hex: String = account.iter().map(|b| format!("{b:02x}")).collect();
		assert_eq!(hex, "def12e42f3e487e9b14095aa8d5cc16a33491f1b50dadcf8811d1480f3fa8627");
	}
}
