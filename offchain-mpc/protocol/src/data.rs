//! Client-side encryption of data before it leaves the user's machine: XChaCha20-Poly1305 under a
//! fresh random key per item, the owner identity bound in as associated data. The DHT and the
//! chain only ever see `nonce ‖ ciphertext ‖ tag`.

use chacha20poly1305::{
	aead::{Aead, KeyInit, Payload},
	XChaCha20Poly1305, XNonce,
};

const NONCE: usize = 24;

/// Encrypts `plaintext` for `owner` under a new random key; returns (sealed bytes, key).
pub fn seal(owner: &[u8; 32], plaintext: &[u8]) -> (Vec<u8>, [u8; 32]) {
	let key: [u8; 32] = rand::random();
	let nonce: [u8; NONCE] = rand::random();
	let cipher = XChaCha20Poly1305::new(&key.into());
	let body = cipher.encrypt(XNonce::from_slice(&nonce), Payload { msg: plaintext, aad: owner }).expect("encryption of an in-memory buffer");
	([nonce.to_vec(), body].concat(), key)
}

/// Decrypts what [`seal`] produced; errors if the key, owner or bytes are wrong.
pub fn open(owner: &[u8; 32], key: &[u8; 32], sealed: &[u8]) -> Result<Vec<u8>, &'static str> {
	if sealed.len() < NONCE {
		return Err("sealed data shorter than its nonce");
	}
	let (nonce, body) = sealed.split_at(NONCE);
	XChaCha20Poly1305::new(key.into())
		.decrypt(XNonce::from_slice(nonce), Payload { msg: body, aad: owner })
		.map_err(|_| "decryption failed: wrong key, or the data was altered")
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn sealed_data_opens_only_with_its_key_and_owner() {
		let (sealed, key) = seal(&[1; 32], b"40.7128,-74.0060");
		assert_eq!(open(&[1; 32], &key, &sealed).unwrap(), b"40.7128,-74.0060");
		assert!(open(&[2; 32], &key, &sealed).is_err(), "another owner");
		assert!(open(&[1; 32], &[0; 32], &sealed).is_err(), "another key");
		let mut tampered = sealed.clone();
		*tampered.last_mut().unwrap() ^= 1;
		assert!(open(&[1; 32], &key, &tampered).is_err(), "tampered");
		assert!(!sealed.windows(7).any(|w| w == b"40.7128"), "no plaintext in the sealed bytes");
	}
}
