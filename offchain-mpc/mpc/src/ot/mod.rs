//! Oblivious transfer: what dealer-free dishonest-majority preprocessing ([`crate::mascot`]) is
//! built on.
//!
//! * [`base`]: a few hundred public-key OTs per pair of parties, once per session
//!   (Chou–Orlandi "simplest OT" over Ristretto255).
//! * [`kos`]: millions of OTs from those, with symmetric cryptography only (IKNP extension with the
//!   Keller–Orsini–Scholl 2015 consistency check), over [`gf128`].
//!
//! Two symmetric primitives serve both: [`Prg`], AES-128 in counter mode keyed by an OT seed,
//! and [`CrHash`], fixed-key AES in the TMMO construction of Guo, Katz, Wang and Yu (2020), a
//! tweakable correlation-robust hash: it turns the correlated strings q and q ⊕ Δ of an
//! extended OT into independent-looking random OT messages. Its bound is for a uniform Δ; a
//! receiver that cheats the KOS check learns a bit of Δ only by risking an abort on it, so the
//! bound loses those few bits, which at κ = 128 leaves a wide margin.

pub mod base;
pub mod gf128;
pub mod kos;

use crate::field::MpcField;
use aes::{
	cipher::{BlockEncrypt, KeyInit},
	Aes128,
};
use rand::RngCore;

/// A 128-bit string: an OT seed, a row of the extension matrix, an element of GF(2^128).
pub type Block = u128;

/// Blocks encrypted per call: AES-NI pipelines eight blocks at once.
const BATCH: usize = 8;

fn encrypt(aes: &Aes128, blocks: &mut [Block]) {
	for chunk in blocks.chunks_mut(BATCH) {
		let mut buf = [aes::Block::default(); BATCH];
		for (b, x) in buf.iter_mut().zip(chunk.iter()) {
			*b = x.to_le_bytes().into();
		}
		aes.encrypt_blocks(&mut buf[..chunk.len()]);
		for (x, b) in chunk.iter_mut().zip(&buf) {
			*x = u128::from_le_bytes((*b).into());
		}
	}
}

/// A pseudorandom generator: AES-128 in counter mode, keyed by a seed both ends of an OT know.
/// Its stream is used in two ways: whole blocks ([`Prg::blocks`]) for the extension matrix, and
/// 64-bit words ([`Words`]) for field elements. Both ends make the same calls in the same order.
pub struct Prg {
	aes: Aes128,
	counter: u128,
	buf: [Block; BATCH],
	/// Bytes of `buf` already handed out.
	used: usize,
}

impl Prg {
	pub fn new(seed: Block) -> Self {
		Self { aes: Aes128::new(&seed.to_le_bytes().into()), counter: 0, buf: [0; BATCH], used: 16 * BATCH }
	}

	/// The next `out.len()` blocks of the stream.
	pub fn blocks(&mut self, out: &mut [Block]) {
		for chunk in out.chunks_mut(BATCH) {
			for (k, b) in chunk.iter_mut().enumerate() {
				*b = self.counter + k as u128;
			}
			self.counter += chunk.len() as u128;
			encrypt(&self.aes, chunk);
		}
	}

	/// `count` field elements, uniform (rejection-sampled, see [`MpcField::random`]).
	pub fn elements<F: MpcField>(&mut self, count: usize) -> Vec<F> {
		let mut words = Words(self);
		(0..count).map(|_| F::random(&mut words)).collect()
	}

	fn refill(&mut self) {
		let mut buf = [0; BATCH];
		self.blocks(&mut buf);
		self.buf = buf;
		self.used = 0;
	}
}

/// A stream of 64-bit words, which [`Words`] makes an [`RngCore`] (for [`MpcField::random`]).
pub trait WordStream {
	fn next_word(&mut self) -> u64;
}

/// Any [`WordStream`] as an [`RngCore`], little-endian.
pub struct Words<'a, S: WordStream>(pub &'a mut S);

impl<S: WordStream> RngCore for Words<'_, S> {
	fn next_u32(&mut self) -> u32 {
		self.0.next_word() as u32
	}
	fn next_u64(&mut self) -> u64 {
		self.0.next_word()
	}
	fn fill_bytes(&mut self, dest: &mut [u8]) {
		for chunk in dest.chunks_mut(8) {
			let word = self.0.next_word().to_le_bytes();
			chunk.copy_from_slice(&word[..chunk.len()]);
		}
	}
	fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand::Error> {
		self.fill_bytes(dest);
		Ok(())
	}
}

impl WordStream for Prg {
	fn next_word(&mut self) -> u64 {
		if self.used + 8 > 16 * BATCH {
			self.refill();
		}
		let block = self.buf[self.used / 16];
		let word = (block >> (8 * (self.used % 16))) as u64;
		self.used += 8;
		word
	}
}

/// H(i, x) = π(π(x) ⊕ i) ⊕ π(x), with π fixed-key AES: tweakable circular correlation robust in
/// the ideal-permutation model (Guo, Katz, Wang, Yu 2020). Its key is public and fixed.
pub struct CrHash(Aes128);

impl Default for CrHash {
	fn default() -> Self {
		Self(Aes128::new(&(*b"enigma-ot-tmmo-1").into()))
	}
}

impl CrHash {
	/// A field element from the OT string `x` of OT number `index` on link `link`: H(tweak + c, x)
	/// for tweak = link·2^96 + index·2^32 and c = 0, 1, … as the stream [`MpcField::random`]
	/// samples from (a few blocks: c never reaches 2^32).
	pub fn element<F: MpcField>(&self, link: u32, index: u64, x: Block) -> F {
		let mut px = [x];
		encrypt(&self.0, &mut px);
		F::random(&mut Words(&mut Tweaked { hash: self, px: px[0], tweak: tweak(link, index), block: 0, words: 0, ready: &[] }))
	}

	/// [`Self::element`] of `xs[j]` for OT number `first_index + j`, for every j, with the AES
	/// calls made eight at a time (AES-NI pipelines them; one at a time each waits for the
	/// last): π of every x, then the blocks one sampling attempt reads; the rare rejected
	/// attempt goes on one block at a time.
	pub fn elements<F: MpcField>(&self, link: u32, first_index: u64, xs: &[Block]) -> Vec<F> {
		let mut px = xs.to_vec();
		encrypt(&self.0, &mut px);
		let ahead = F::WIRE_BYTES.div_ceil(16);
		let mut blocks: Vec<Block> = px.iter().enumerate().flat_map(|(j, p)| (0..ahead).map(move |c| p ^ (tweak(link, first_index + j as u64) + c as u128))).collect();
		encrypt(&self.0, &mut blocks);
		px.iter()
			.zip(blocks.chunks_exact_mut(ahead))
			.enumerate()
			.map(|(j, (p, ready))| {
				ready.iter_mut().for_each(|b| *b ^= p);
				let tweak = tweak(link, first_index + j as u64) + ahead as u128;
				F::random(&mut Words(&mut Tweaked { hash: self, px: *p, tweak, block: 0, words: 0, ready }))
			})
			.collect()
	}
}

/// The tweak of OT number `index` on link `link`: link·2^96 + index·2^32.
fn tweak(link: u32, index: u64) -> u128 {
	((link as u128) << 96) | ((index as u128) << 32)
}

/// The stream H(tweak, x), H(tweak + 1, x), … for one x, π(x) computed once.
struct Tweaked<'a> {
	hash: &'a CrHash,
	px: Block,
	tweak: u128,
	block: Block,
	/// 64-bit words of `block` still unused.
	words: u8,
	/// The stream's first blocks, computed ahead ([`CrHash::elements`]); `tweak` is the one after.
	ready: &'a [Block],
}

impl WordStream for Tweaked<'_> {
	fn next_word(&mut self) -> u64 {
		if self.words == 0 {
			if let Some((first, rest)) = self.ready.split_first() {
				self.block = *first;
				self.ready = rest;
			} else {
				let mut b = [self.px ^ self.tweak];
				encrypt(&self.hash.0, &mut b);
				self.block = b[0] ^ self.px;
				self.tweak += 1;
			}
			self.words = 2;
		}
		self.words -= 1;
		(self.block >> (64 * self.words as u32)) as u64
	}
}

/// Pack bits into blocks, bit r of block b being `bits[128·b + r]`; the tail is zero.
pub fn pack(bits: &[bool]) -> Vec<Block> {
	let mut out = vec![0; bits.len().div_ceil(128)];
	for (j, &bit) in bits.iter().enumerate() {
		out[j / 128] |= (bit as u128) << (j % 128);
	}
	out
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::field::Fr;

	#[test]
	fn aes_is_the_standard_one() {
		// FIPS-197 appendix C.1 (AES-128): key 000102…0f, plaintext 00112233…ff.
		let key: [u8; 16] = core::array::from_fn(|k| k as u8);
		let plain: [u8; 16] = core::array::from_fn(|k| (k as u8) * 0x11);
		let mut block = [u128::from_le_bytes(plain)];
		encrypt(&Aes128::new(&key.into()), &mut block);
		let expected = [0x69, 0xc4, 0xe0, 0xd8, 0x6a, 0x7b, 0x04, 0x30, 0xd8, 0xcd, 0xb7, 0x80, 0x70, 0xb4, 0xc5, 0x5a];
		assert_eq!(block[0].to_le_bytes(), expected);
	}

	#[test]
	fn prg_streams_agree_however_they_are_read() {
		let (mut a, mut b) = (Prg::new(7), Prg::new(7));
		let mut blocks = [0; 3];
		a.blocks(&mut blocks);
		let mut bytes = [0u8; 48];
		Words(&mut b).fill_bytes(&mut bytes);
		assert_eq!(bytes.to_vec(), blocks.iter().flat_map(|b| b.to_le_bytes()).collect::<Vec<_>>());
		assert_ne!(Prg::new(8).elements::<Fr>(4), Prg::new(7).elements::<Fr>(4));
	}

	#[test]
	fn the_hash_separates_indices_and_inputs() {
		let h = CrHash::default();
		let x: Fr = h.element(1, 3, 99);
		assert_eq!(x, h.element(1, 3, 99));
		assert_ne!(x, h.element(1, 4, 99));
		assert_ne!(x, h.element(1, 3, 98));
		assert_ne!(x, h.element(2, 3, 99));
	}

	#[test]
	fn elements_in_a_batch_are_the_elements_one_by_one() {
		let h = CrHash::default();
		// Enough strings that some first attempts are rejected (about one in ten in Fr).
		let xs: Vec<Block> = (0..200u128).map(|j| j.wrapping_mul(0x9e37_79b9_7f4a_7c15_f39c_c060_5ced_c835)).collect();
		let one_by_one: Vec<Fr> = xs.iter().enumerate().map(|(j, x)| h.element(5, 1_000 + j as u64, *x)).collect();
		assert_eq!(h.elements::<Fr>(5, 1_000, &xs), one_by_one);
	}
}
