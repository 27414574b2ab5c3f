//! Base OTs: Chou and Orlandi's "simplest OT" (2015) over Ristretto255, random-OT flavour.
//!
//! Sender: a random, A = a·G, sends A. Receiver, for each OT l with choice c_l: b_l random,
//! B_l = b_l·G + c_l·A, sends B_l and keeps k_l = H(A, B_l, l, b_l·A). Sender: k_{0,l} =
//! H(A, B_l, l, a·B_l) and k_{1,l} = H(A, B_l, l, a·(B_l − A)). Then k_l = k_{c_l,l}; the other
//! key needs a²·G (a·(b_l·G ± A) minus what the receiver knows), which is as hard as
//! computational Diffie–Hellman, in the random-oracle model. The hash also binds both parties'
//! indices, so keys of different OTs, sessions or pairs of parties never coincide, and a party
//! cannot relay one honest party's messages to another. Ristretto255 has prime order: there are
//! no small-subgroup points to send instead of A or B.
//!
//! Caveat: this OT is not known to be UC-secure (the original proof has gaps: Genç, Iovino and
//! Rial 2017; Hauck and Loss 2017), while MASCOT's proof assumes an ideal OT. The claim that
//! [`crate::mascot`] resists n − 1 corrupt parties rests on this OT standing in for one.

use super::Block;
use crate::error::{MpcError, Result};
use blake2::{Blake2b512, Digest};
use curve25519_dalek::{
	ristretto::{CompressedRistretto, RistrettoPoint},
	traits::Identity,
	Scalar,
};
use rand::RngCore;
use subtle::{Choice, ConditionallySelectable};

/// Bytes of one point on the wire.
pub const POINT_BYTES: usize = 32;

fn random_scalar(rng: &mut (impl RngCore + ?Sized)) -> Scalar {
	let mut wide = [0u8; 64];
	rng.fill_bytes(&mut wide);
	Scalar::from_bytes_mod_order_wide(&wide)
}

fn point(bytes: &[u8], from: usize) -> Result<RistrettoPoint> {
	let compressed = CompressedRistretto::from_slice(bytes)
		.map_err(|_| MpcError::Malformed { from, reason: "an OT point is not 32 bytes".into() })?;
	match compressed.decompress() {
		Some(p) if p != RistrettoPoint::identity() => Ok(p),
		_ => Err(MpcError::Malformed { from, reason: "an OT point is not a valid Ristretto255 point".into() }),
	}
}

/// H(sender, receiver, A, B, index, Diffie–Hellman value).
fn key(parties: (usize, usize), a: &[u8], b: &[u8], index: usize, dh: &RistrettoPoint) -> Block {
	let digest = Blake2b512::new()
		.chain_update(b"enigma base OT")
		.chain_update((parties.0 as u64).to_le_bytes())
		.chain_update((parties.1 as u64).to_le_bytes())
		.chain_update(a)
		.chain_update(b)
		.chain_update((index as u64).to_le_bytes())
		.chain_update(dh.compress().as_bytes())
		.finalize();
	u128::from_le_bytes(digest[..16].try_into().expect("16 bytes"))
}

/// The sender's side of one batch of base OTs with one receiver.
pub struct Sender {
	a: Scalar,
	big_a: RistrettoPoint,
	hello: [u8; POINT_BYTES],
	/// (this party, the receiver).
	parties: (usize, usize),
}

impl Sender {
	/// A fresh sender `me` for base OTs with `receiver`, and its first message, A.
	pub fn new(me: usize, receiver: usize, rng: &mut (impl RngCore + ?Sized)) -> Self {
		let a = random_scalar(rng);
		let big_a = RistrettoPoint::mul_base(&a);
		Self { a, big_a, hello: big_a.compress().to_bytes(), parties: (me, receiver) }
	}

	pub fn hello(&self) -> &[u8] {
		&self.hello
	}

	/// Both keys of every OT, from the receiver's reply (one point per OT).
	pub fn keys(&self, reply: &[u8], count: usize) -> Result<Vec<(Block, Block)>> {
		let from = self.parties.1;
		if reply.len() != count * POINT_BYTES {
			return Err(MpcError::Malformed { from, reason: format!("expected {count} base-OT points, got {} bytes", reply.len()) });
		}
		reply
			.chunks_exact(POINT_BYTES)
			.enumerate()
			.map(|(l, b)| {
				let big_b = point(b, from)?;
				let k0 = key(self.parties, &self.hello, b, l, &(self.a * big_b));
				let k1 = key(self.parties, &self.hello, b, l, &(self.a * (big_b - self.big_a)));
				Ok((k0, k1))
			})
			.collect()
	}
}

/// The receiver `me`'s side: from `sender`'s A and the choices, its reply and the chosen keys.
pub fn receive(hello: &[u8], choices: &[bool], sender: usize, me: usize, rng: &mut (impl RngCore + ?Sized)) -> Result<(Vec<u8>, Vec<Block>)> {
	let big_a = point(hello, sender)?;
	let mut reply = Vec::with_capacity(choices.len() * POINT_BYTES);
	let mut keys = Vec::with_capacity(choices.len());
	for (l, &c) in choices.iter().enumerate() {
		let b = random_scalar(rng);
		let b_g = RistrettoPoint::mul_base(&b);
		// b·G or b·G + A without a branch on the choice.
		let big_b = RistrettoPoint::conditional_select(&b_g, &(b_g + big_a), Choice::from(c as u8));
		let b_bytes = big_b.compress().to_bytes();
		keys.push(key((sender, me), hello, &b_bytes, l, &(b * big_a)));
		reply.extend_from_slice(&b_bytes);
	}
	Ok((reply, keys))
}

#[cfg(test)]
mod tests {
	use super::*;
	use rand::{Rng, SeedableRng};

	#[test]
	fn the_receiver_gets_exactly_the_key_it_chose() {
		let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
		let choices: Vec<bool> = (0..64).map(|_| rng.gen()).collect();
		let sender = Sender::new(0, 1, &mut rng);
		let (reply, chosen) = receive(sender.hello(), &choices, 0, 1, &mut rng).unwrap();
		let keys = sender.keys(&reply, choices.len()).unwrap();
		for ((c, k), (k0, k1)) in choices.iter().zip(&chosen).zip(&keys) {
			assert_eq!(k, if *c { k1 } else { k0 });
			assert_ne!(k, if *c { k0 } else { k1 });
		}
	}

	#[test]
	fn invalid_points_are_refused_by_name() {
		let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(6);
		let sender = Sender::new(0, 4, &mut rng);
		// The identity, and bytes that decode to no point.
		for bad in [[0u8; 32], [0xff; 32]] {
			assert!(matches!(receive(&bad, &[true], 3, 0, &mut rng), Err(MpcError::Malformed { from: 3, .. })));
			assert!(matches!(sender.keys(&bad, 1), Err(MpcError::Malformed { from: 4, .. })));
		}
		assert!(matches!(sender.keys(&[0u8; 31], 1), Err(MpcError::Malformed { from: 4, .. })));
	}
}
