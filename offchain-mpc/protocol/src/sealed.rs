//! Sealing a message to a worker's published x25519 key: an ephemeral X25519 key agreement,
//! HKDF-SHA256, ChaCha20-Poly1305. Only the holder of the secret key opens it, whatever carried
//! it; the associated data binds it to its context (e.g. the secret it is a share of).

use chacha20poly1305::{
	aead::{Aead, KeyInit, Payload},
	ChaCha20Poly1305, Nonce,
};
use hkdf::Hkdf;
use sha2::Sha256;
use x25519_dalek::{EphemeralSecret, PublicKey, StaticSecret};

const INFO: &[u8] = b"enigma/sealed/v1";

fn cipher(shared: &[u8; 32], ephemeral: &[u8; 32], recipient: &[u8; 32]) -> ChaCha20Poly1305 {
	let mut key = [0u8; 32];
	Hkdf::<Sha256>::new(Some(&[&ephemeral[..], &recipient[..]].concat()), shared).expand(INFO, &mut key).expect("32 bytes is a valid HKDF length");
	ChaCha20Poly1305::new(&key.into())
}

/// `ephemeral public key ‖ ciphertext ‖ tag`. The key is fresh per message, so a zero nonce is safe.
pub fn seal(recipient: &[u8; 32], aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
	let ephemeral = EphemeralSecret::random_from_rng(rand::rngs::OsRng);
	let ephemeral_public = PublicKey::from(&ephemeral).to_bytes();
	let shared = ephemeral.diffie_hellman(&PublicKey::from(*recipient)).to_bytes();
	let body = cipher(&shared, &ephemeral_public, recipient)
		.encrypt(Nonce::from_slice(&[0; 12]), Payload { msg: plaintext, aad })
		.expect("encryption of an in-memory buffer");
	[ephemeral_public.to_vec(), body].concat()
}

/// Opens what [`seal`] made for `secret`'s public key, or `None` if it was not, or was altered.
pub fn open(secret: &StaticSecret, aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
	let ephemeral: [u8; 32] = sealed.get(..32)?.try_into().ok()?;
	let shared = secret.diffie_hellman(&PublicKey::from(ephemeral)).to_bytes();
	let recipient = PublicKey::from(secret).to_bytes();
	cipher(&shared, &ephemeral, &recipient).decrypt(Nonce::from_slice(&[0; 12]), Payload { msg: &sealed[32..], aad }).ok()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn only_the_recipient_opens_and_only_in_its_context() {
		let worker = StaticSecret::random_from_rng(rand::rngs::OsRng);
		let other = StaticSecret::random_from_rng(rand::rngs::OsRng);
		let sealed = seal(&PublicKey::from(&worker).to_bytes(), b"secret 1", b"share bytes");
		assert_eq!(open(&worker, b"secret 1", &sealed).unwrap(), b"share bytes");
		assert!(open(&worker, b"secret 2", &sealed).is_none(), "another context");
		assert!(open(&other, b"secret 1", &sealed).is_none(), "another key");
		let mut altered = sealed.clone();
		altered[40] ^= 1;
		assert!(open(&worker, b"secret 1", &altered).is_none());
	}
}
