//! Sealing a message to a worker's published x25519 key: an ephemeral X25519 key agreement,
//! HKDF-SHA256, ChaCha20-Poly1305. Only the holder of the secret key opens it, whatever carried
//! it; the associated data binds it to its context (e.g. the secret it is a share of).
//!
//! [`seal_from`] also authenticates the sender, as HPKE's auth mode does (RFC 9180, 5.1.3): the
//! key comes from DH(ephemeral, recipient) ‖ DH(sender, recipient), which only the holder of the
//! sender's static secret (or of the recipient's) can compute. A member seals its answers this
//! way, so a client that knows the member's registered key takes no share from anyone else,
//! however the answer travelled.

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

/// Whether `key` is a point of small order (the identity, or a point whose order divides the
/// cofactor 8): a key agreement with it gives all zeros whatever the other side's secret, so what
/// is sealed to it anyone opens. A worker may register such a key; nobody deals it a share.
pub fn is_low_order(key: &[u8; 32]) -> bool {
	// A clamped scalar is 8·s with 2^251 <= s < ℓ: its product with P vanishes exactly when 8·P does.
	!StaticSecret::from([1; 32]).diffie_hellman(&PublicKey::from(*key)).was_contributory()
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

const AUTH_INFO: &[u8] = b"enigma/sealed-auth/v1";

fn auth_cipher(ephemeral_shared: &[u8; 32], static_shared: &[u8; 32], ephemeral: &[u8; 32], recipient: &[u8; 32], sender: &[u8; 32]) -> ChaCha20Poly1305 {
	let mut key = [0u8; 32];
	let salt = [&ephemeral[..], &recipient[..], &sender[..]].concat();
	Hkdf::<Sha256>::new(Some(&salt), &[&ephemeral_shared[..], &static_shared[..]].concat()).expand(AUTH_INFO, &mut key).expect("32 bytes is a valid HKDF length");
	ChaCha20Poly1305::new(&key.into())
}

/// [`seal`], authenticated as `sender`: `None` if `recipient` is a low-order point (a key
/// agreement with it is no secret), which a requester could name to have an answer sealed
/// under a key anyone derives.
pub fn seal_from(sender: &StaticSecret, recipient: &[u8; 32], aad: &[u8], plaintext: &[u8]) -> Option<Vec<u8>> {
	let recipient_key = PublicKey::from(*recipient);
	let ephemeral = EphemeralSecret::random_from_rng(rand::rngs::OsRng);
	let ephemeral_public = PublicKey::from(&ephemeral).to_bytes();
	let (ephemeral_shared, static_shared) = (ephemeral.diffie_hellman(&recipient_key), sender.diffie_hellman(&recipient_key));
	if !ephemeral_shared.was_contributory() || !static_shared.was_contributory() {
		return None;
	}
	let sender_public = PublicKey::from(sender).to_bytes();
	let body = auth_cipher(ephemeral_shared.as_bytes(), static_shared.as_bytes(), &ephemeral_public, recipient, &sender_public)
		.encrypt(Nonce::from_slice(&[0; 12]), Payload { msg: plaintext, aad })
		.expect("encryption of an in-memory buffer");
	Some([ephemeral_public.to_vec(), body].concat())
}

/// Opens what [`seal_from`] made for `secret`'s public key, if `sender` sealed it (and it was
/// not altered).
pub fn open_from(secret: &StaticSecret, sender: &[u8; 32], aad: &[u8], sealed: &[u8]) -> Option<Vec<u8>> {
	let ephemeral: [u8; 32] = sealed.get(..32)?.try_into().ok()?;
	let (ephemeral_shared, static_shared) = (secret.diffie_hellman(&PublicKey::from(ephemeral)), secret.diffie_hellman(&PublicKey::from(*sender)));
	if !ephemeral_shared.was_contributory() || !static_shared.was_contributory() {
		return None;
	}
	let recipient = PublicKey::from(secret).to_bytes();
	auth_cipher(ephemeral_shared.as_bytes(), static_shared.as_bytes(), &ephemeral, &recipient, sender)
		.decrypt(Nonce::from_slice(&[0; 12]), Payload { msg: &sealed[32..], aad })
		.ok()
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

	#[test]
	fn an_authenticated_seal_opens_only_as_from_its_sender() {
		let [member, forger, client] = [0; 3].map(|_| StaticSecret::random_from_rng(rand::rngs::OsRng));
		let client_public = PublicKey::from(&client).to_bytes();
		let member_public = PublicKey::from(&member).to_bytes();
		let sealed = seal_from(&member, &client_public, b"request", b"share").unwrap();
		assert_eq!(open_from(&client, &member_public, b"request", &sealed).unwrap(), b"share");
		// Someone else (on the wire, or another member) seals to the same key: refused.
		let forged = seal_from(&forger, &client_public, b"request", b"another value").unwrap();
		assert!(open_from(&client, &member_public, b"request", &forged).is_none());
		assert!(open_from(&client, &member_public, b"another request", &sealed).is_none());
		// A low-order reply key would make the answer readable by anyone: nothing is sealed to it.
		assert!(seal_from(&member, &[0; 32], b"request", b"share").is_none());
		let mut one = [0u8; 32];
		one[0] = 1;
		assert!(seal_from(&member, &one, b"request", b"share").is_none());
	}

	#[test]
	fn low_order_keys_are_recognised() {
		let honest = PublicKey::from(&StaticSecret::random_from_rng(rand::rngs::OsRng)).to_bytes();
		assert!(!is_low_order(&honest));
		// u = 0 and u = 1 (orders 2 and 4), the order-8 point's u-coordinate, and p + 1 (u = 1
		// in a non-canonical encoding).
		let order_8 = hex32("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800");
		let p_plus_one = hex32("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
		let mut one = [0u8; 32];
		one[0] = 1;
		for key in [[0; 32], one, order_8, p_plus_one] {
			assert!(is_low_order(&key), "{key:?}");
			// Sealed to it, the ephemeral agreement is all zeros: anyone derives the key.
			let sealed = seal(&key, b"aad", b"share");
			let zero = [0u8; 32];
			let opened = cipher(&zero, sealed[..32].try_into().unwrap(), &key).decrypt(Nonce::from_slice(&[0; 12]), Payload { msg: &sealed[32..], aad: b"aad" });
			assert_eq!(opened.unwrap(), b"share");
		}
	}

	fn hex32(hex: &str) -> [u8; 32] {
		let bytes: Vec<u8> = (0..32).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap()).collect();
		bytes.try_into().unwrap()
	}
}
