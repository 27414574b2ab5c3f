//! What the chain (the compute pallet, judging evidence) and the off-chain programs (the p2p
//! layer signing and checking MPC frames, the worker building evidence) must agree on byte for
//! byte. Kept apart so that neither side depends on the other: no Substrate, no libp2p, no_std.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "pedersen")]
pub mod pedersen;

use blake2::{digest::consts::U32, Blake2b, Digest};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// blake2b-256, as the chain's `blake2_256`.
fn blake2_256(bytes: &[u8]) -> [u8; 32] {
	Blake2b::<U32>::digest(bytes).into()
}

/// Commitment to a sharing, registered on chain: the hash of the dealer's Pedersen commitments
/// (compressed G1 points) and of the sealed shares' hashes, in committee order (none for a
/// sharing a committee took over in a handover).
pub fn sharing_commitment(pedersen: &[u8], share_hashes: &[[u8; 32]]) -> [u8; 32] {
	blake2_256(&(b"enigma/sharing/v2", pedersen, share_hashes).encode())
}

/// The hash of a handover dealing's commitments, which its dealer posts on chain.
pub fn dealing_hash(commitments: &[u8]) -> [u8; 32] {
	blake2_256(&(b"enigma/handover-dealing/v1", commitments).encode())
}

/// What an old member signs (with its libp2p ed25519 key, registered on chain) for each share of
/// its handover dealing: the secret, the new committee and the member's place in it, its own
/// place in the old one, the dealing's hash and the share (the engine's encoding of the values,
/// then the blind). The recipient can show it to the chain if the share is off the dealing.
pub fn handover_share_digest(secret: &[u8; 32], to: u32, member: u32, dealer: u32, dealing_hash: &[u8; 32], share: &[u8]) -> [u8; 32] {
	blake2_256(&(b"enigma/handover-share/v1", secret, to, member, dealer, dealing_hash, share).encode())
}


/// What a committee member signs for every MPC frame it sends, with its libp2p (ed25519) key:
/// the run (`session`), the frame's number on this channel, the recipient's peer id and the
/// payload. A signed frame cannot be denied, replayed into another run or channel, or shown to
/// a third party as sent to someone else.
pub fn mpc_frame_digest(session: &[u8; 32], seq: u64, recipient: &[u8], payload: &[u8]) -> [u8; 32] {
	mpc_frame_digest_of_hash(session, seq, recipient, &mpc_payload_hash(payload))
}

/// The payload's part of [`mpc_frame_digest`]: a frame's header carries it, so its recipient
/// checks the signature, and who may send, before it reads the payload.
pub fn mpc_payload_hash(payload: &[u8]) -> [u8; 32] {
	Blake2b::<U32>::digest(payload).into()
}

/// [`mpc_frame_digest`] from the payload's [`mpc_payload_hash`].
pub fn mpc_frame_digest_of_hash(session: &[u8; 32], seq: u64, recipient: &[u8], payload_hash: &[u8; 32]) -> [u8; 32] {
	let mut h = Blake2b::<U32>::new();
	h.update(b"enigma/mpc-frame/v1");
	h.update(session);
	h.update(seq.to_le_bytes());
	h.update((recipient.len() as u32).to_le_bytes());
	h.update(recipient);
	h.update(payload_hash);
	h.finalize().into()
}

/// The prefix of a libp2p peer id of an ed25519 key: an identity multihash (`00 24`) of the
/// protobuf-encoded key (`08 01 12 20`).
const ED25519_PEER_ID: [u8; 6] = [0x00, 0x24, 0x08, 0x01, 0x12, 0x20];

/// The ed25519 public key inside a libp2p peer id (`00 24 | 08 01 12 20 | key`), if it is one.
pub fn ed25519_of_peer_id(peer_id: &[u8]) -> Option<[u8; 32]> {
	match peer_id.strip_prefix(&ED25519_PEER_ID[..]) {
		Some(key) => key.try_into().ok(),
		None => None,
	}
}

/// What a worker signs with its peer id's ed25519 key to register it for `account` (SCALE-encoded)
/// with `encryption_key`: blake2b-256 of `"enigma/worker-peer/v1" ‖ encryption_key ‖ account`.
/// Without it anyone could register another node's peer id, public on the DHT and in the
/// registering transaction, before that node does, or a key nobody holds.
pub fn peer_binding(account: &[u8], encryption_key: &[u8; 32]) -> [u8; 32] {
	let mut bytes = b"enigma/worker-peer/v1".to_vec();
	bytes.extend_from_slice(encryption_key);
	bytes.extend_from_slice(account);
	blake2_256(&bytes)
}

/// The libp2p peer id of the ed25519 key `key` ([`ed25519_of_peer_id`] undone).
pub fn peer_id_of_ed25519(key: &[u8; 32]) -> alloc::vec::Vec<u8> {
	let mut id = ED25519_PEER_ID.to_vec();
	id.extend_from_slice(key);
	id
}

/// Bytes of the header every engine frame starts with (its sequence number).
pub const FRAME_HEADER: usize = 8;
/// Every frame of an engine run over BLS12-381 Fr (the field workers compute in) carries a
/// whole number of 32-byte words: field elements, digests and hashes alike.
pub const FRAME_WORD: usize = 32;

/// Whether a frame cannot be what an honest member sends: shorter than its header, or a payload
/// that is not a whole number of words. Checkable by anyone, without the run's context.
pub fn malformed_frame(frame: &[u8]) -> bool {
	frame.len() < FRAME_HEADER || (frame.len() - FRAME_HEADER) % FRAME_WORD != 0
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn the_digest_binds_session_sequence_recipient_and_payload() {
		let base = mpc_frame_digest(&[1; 32], 7, b"peer-a", b"payload");
		assert_eq!(base, mpc_frame_digest(&[1; 32], 7, b"peer-a", b"payload"));
		assert_ne!(base, mpc_frame_digest(&[2; 32], 7, b"peer-a", b"payload"));
		assert_ne!(base, mpc_frame_digest(&[1; 32], 8, b"peer-a", b"payload"));
		assert_ne!(base, mpc_frame_digest(&[1; 32], 7, b"peer-b", b"payload"));
		assert_ne!(base, mpc_frame_digest(&[1; 32], 7, b"peer-a", b"payloae"));
	}

	#[test]
	fn peer_ids_give_their_ed25519_keys() {
		let mut id = vec![0x00, 0x24, 0x08, 0x01, 0x12, 0x20];
		id.extend([9u8; 32]);
		assert_eq!(ed25519_of_peer_id(&id), Some([9; 32]));
		assert_eq!(peer_id_of_ed25519(&[9; 32]), id);
		let mut longer = id.clone();
		longer.push(0);
		assert_eq!(ed25519_of_peer_id(&longer), None);
		id[3] = 0x02; // a secp256k1 key type
		assert_eq!(ed25519_of_peer_id(&id), None);
		assert_eq!(ed25519_of_peer_id(&id[..20]), None);
	}

	#[test]
	fn honest_frames_are_whole_words() {
		assert!(!malformed_frame(&[0; 8]));
		assert!(!malformed_frame(&[0; 8 + 64]));
		assert!(malformed_frame(&[0; 7]));
		assert!(malformed_frame(&[0; 8 + 63]));
	}
}

/// What a secret holds: an integer of a known width, which every task proves (from the bits its
/// owner shares along) or knows (a value a contract computed) before using it, or a field
/// element, which contracts cannot compare or divide. The chain records it; clients and workers
/// put it in share deliveries.
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, Copy, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub enum ValueKind {
	/// An unsigned integer below 2^bits (1 to 128; a bool is 1 bit).
	Int { bits: u8 },
	Field,
}

impl ValueKind {
	pub fn is_valid(&self) -> bool {
		!matches!(self, ValueKind::Int { bits } if *bits == 0 || *bits > 128)
	}
}
