//! Records, their keys and the signatures that authorize writing and reading them
//! ([`enigma_protocol::records`], shared with clients), with the reading peer named by its
//! libp2p id.

pub use enigma_protocol::records::{
	expiry_from_paid_until, pointer, put_message, unix_now, verify, AccountId, Pointer, Record, SignedPut, Signer, GET_VALIDITY_SECS, NO_REPLY_KEY,
};
use libp2p::PeerId;

/// What a reader signs to fetch a record from `requester`'s node, for `reply_to` beyond it
/// ([`enigma_protocol::records::get_message`]).
pub fn get_message(key: &Pointer, requester: &PeerId, signed_at: u64, reply_to: &[u8; 32]) -> Vec<u8> {
	enigma_protocol::records::get_message(key, &requester.to_bytes(), signed_at, reply_to)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn get_signature_is_bound_to_the_requesting_peer_and_its_time() {
		let bob = Signer::from_seed(&[2; 32]);
		let (p1, p2) = (PeerId::random(), PeerId::random());
		let sig = bob.sign(&get_message(&[3; 32], &p1, 1_000, &NO_REPLY_KEY));
		assert!(verify(&bob.account(), &get_message(&[3; 32], &p1, 1_000, &NO_REPLY_KEY), &sig));
		assert!(!verify(&bob.account(), &get_message(&[3; 32], &p2, 1_000, &NO_REPLY_KEY), &sig));
		assert!(!verify(&bob.account(), &get_message(&[3; 32], &p1, 1_001, &NO_REPLY_KEY), &sig), "a signature cannot be given a later time");
	}
}
