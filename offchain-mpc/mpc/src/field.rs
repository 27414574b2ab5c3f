//! Fields the engine runs over, and their compact wire encoding.
//!
//! Everything is generic over [`ark_ff::PrimeField`]. The default is BLS12-381's scalar field
//! [`Fr`] (255 bits), because auditable commitments live in that curve's G1. [`F64`] is a
//! 64-bit prime field (the "Goldilocks" prime 2^64 - 2^32 + 1) for throughput when values are
//! small and no commitments are needed; comparisons need more headroom than it has.

use crate::error::{MpcError, Result};
use ark_ff::{BigInt, BigInteger, Fp, Fp64, FpConfig, MontBackend, MontConfig, PrimeField};
use core::marker::PhantomData;
use rand::RngCore;
use num_bigint::BigUint;

pub use ark_bls12_381::Fr;

#[derive(MontConfig)]
#[modulus = "18446744069414584321"]
#[generator = "7"]
pub struct F64Config;
/// The 64-bit Goldilocks field, p = 2^64 - 2^32 + 1.
pub type F64 = Fp64<MontBackend<F64Config, 1>>;

/// A prime field the engine can run over: an arkworks [`PrimeField`] that also moves to and from
/// the wire and samples uniformly without conversions. Elements travel in their internal
/// (Montgomery) representation, which is canonical too: a value below the modulus.
pub trait MpcField: PrimeField {
	/// Bytes one element takes on the wire.
	const WIRE_BYTES: usize;
	fn write_wire(&self, out: &mut Vec<u8>);
	/// `None` unless `bytes` (exactly [`Self::WIRE_BYTES`]) encode a value below the modulus.
	fn read_wire(bytes: &[u8]) -> Option<Self>;
	/// A uniformly random element.
	fn random<R: RngCore + ?Sized>(rng: &mut R) -> Self;
	/// `self` if `bit` is 1, else 0, without a branch on the bit (it may be secret).
	fn times_bit(&self, bit: u64) -> Self;
	/// Adds r·x to `acc` as integers, x the internal representation ([`WideSum`]).
	fn add_wide(&self, r: u128, acc: &mut [u64; WIDE_LIMBS]);
	/// The element whose internal representation is `acc` mod p ([`WideSum`]).
	fn from_wide(acc: &[u64; WIDE_LIMBS]) -> Self;
}

/// Limbs of a [`WideSum`]: a field of N limbs takes N + 2 for a product and one more for the
/// carries of up to 2^64 terms, so fields up to 13 limbs (832 bits) fit.
pub const WIDE_LIMBS: usize = 16;

/// Σ r_j·x_j for 128-bit coefficients r_j, reduced once at the end instead of at every term.
/// An element x is kept as the integer x̃ = x·R mod p (Montgomery form); Σ r_j·x̃_j is then
/// ≡ R·Σ r_j·x_j (mod p), so that integer, reduced mod p, is the Montgomery form of Σ r_j·x_j.
/// A term costs 2N word multiplications and their carries; a Montgomery multiplication by a
/// full-size coefficient costs 2N² + N.
pub struct WideSum<F> {
	limbs: [u64; WIDE_LIMBS],
	_field: PhantomData<F>,
}

impl<F: MpcField> Default for WideSum<F> {
	fn default() -> Self {
		Self { limbs: [0; WIDE_LIMBS], _field: PhantomData }
	}
}

impl<F: MpcField> WideSum<F> {
	#[inline]
	pub fn add(&mut self, r: u128, x: &F) {
		x.add_wide(r, &mut self.limbs);
	}

	pub fn sum(&self) -> F {
		F::from_wide(&self.limbs)
	}
}

impl<P: FpConfig<N>, const N: usize> MpcField for Fp<P, N> {
	const WIRE_BYTES: usize = 8 * N;

	#[inline]
	fn write_wire(&self, out: &mut Vec<u8>) {
		for limb in self.0 .0.iter() {
			out.extend_from_slice(&limb.to_le_bytes());
		}
	}

	#[inline]
	fn read_wire(bytes: &[u8]) -> Option<Self> {
		let mut limbs = [0u64; N];
		for (limb, chunk) in limbs.iter_mut().zip(bytes.chunks_exact(8)) {
			*limb = u64::from_le_bytes(chunk.try_into().ok()?);
		}
		let value = BigInt(limbs);
		(value < P::MODULUS).then_some(Fp(value, PhantomData))
	}

	#[inline]
	fn times_bit(&self, bit: u64) -> Self {
		// Zero's representation is all zero limbs, Montgomery or not.
		let mask = 0u64.wrapping_sub(bit & 1);
		let mut limbs = self.0 .0;
		limbs.iter_mut().for_each(|l| *l &= mask);
		Fp(BigInt(limbs), PhantomData)
	}

	#[inline]
	fn add_wide(&self, r: u128, acc: &mut [u64; WIDE_LIMBS]) {
		const { assert!(N + 3 <= WIDE_LIMBS) };
		for (shift, r) in [r as u64, (r >> 64) as u64].into_iter().enumerate() {
			// (2^64 − 1)² + 2·(2^64 − 1) < 2^128: a limb's product plus two carries fits.
			let mut carry = 0u128;
			for (i, limb) in self.0 .0.iter().enumerate() {
				let t = acc[i + shift] as u128 + *limb as u128 * r as u128 + carry;
				acc[i + shift] = t as u64;
				carry = t >> 64;
			}
			let mut i = N + shift;
			while carry != 0 && i < WIDE_LIMBS {
				let t = acc[i] as u128 + carry;
				acc[i] = t as u64;
				carry = t >> 64;
				i += 1;
			}
			// Terms below 2^(64N + 128), fewer than 2^64 of them: the sum fits in N + 3 limbs.
			debug_assert_eq!(carry, 0, "a wide sum overflowed");
		}
	}

	fn from_wide(acc: &[u64; WIDE_LIMBS]) -> Self {
		let reduced = BigUint::from_slice(&acc.iter().flat_map(|l| [*l as u32, (*l >> 32) as u32]).collect::<Vec<_>>()) %
			BigUint::from(P::MODULUS);
		let mut limbs = [0u64; N];
		limbs.iter_mut().zip(reduced.to_u64_digits()).for_each(|(l, d)| *l = d);
		Fp(BigInt(limbs), PhantomData)
	}

	#[inline]
	fn random<R: RngCore + ?Sized>(rng: &mut R) -> Self {
		// Rejection sampling below the modulus, masked to its bit length: uniform, and a
		// uniform Montgomery representation is a uniform element.
		let top_bits = P::MODULUS.num_bits() as usize - 64 * (N - 1);
		let mask = if top_bits >= 64 { u64::MAX } else { (1u64 << top_bits) - 1 };
		loop {
			let mut limbs = [0u64; N];
			limbs.iter_mut().for_each(|l| *l = rng.next_u64());
			limbs[N - 1] &= mask;
			let value = BigInt(limbs);
			if value < P::MODULUS {
				return Fp(value, PhantomData);
			}
		}
	}
}

/// Bytes one element takes on the wire.
pub fn element_size<F: MpcField>() -> usize {
	F::WIRE_BYTES
}

/// Append `values` to `out`, [`MpcField::WIRE_BYTES`] bytes each.
pub fn encode<F: MpcField>(values: &[F], out: &mut Vec<u8>) {
	out.reserve(values.len() * F::WIRE_BYTES);
	for v in values {
		v.write_wire(out);
	}
}

/// A running 32-byte hash of field elements in their wire encoding, for what a run opens
/// (megabytes a batch): BLAKE2bp, four BLAKE2b lanes side by side (AVX2 where the CPU has it),
/// fed a few kilobytes at a time without a copy of the batch. (BLAKE2b alone was 5–7% of SPDZ's
/// online profile.)
#[derive(Clone)]
pub struct ElementsDigest(blake2b_simd::blake2bp::State);

impl Default for ElementsDigest {
	fn default() -> Self {
		Self(blake2b_simd::blake2bp::Params::new().hash_length(32).to_state())
	}
}

impl ElementsDigest {
	pub fn update<F: MpcField>(&mut self, values: &[F]) {
		let mut buffer = Vec::with_capacity(1024 * F::WIRE_BYTES);
		for chunk in values.chunks(1024) {
			buffer.clear();
			encode(chunk, &mut buffer);
			self.0.update(&buffer);
		}
	}

	pub fn digest(&self) -> [u8; 32] {
		self.0.finalize().as_bytes().try_into().expect("a 32-byte hash")
	}
}

pub fn to_bytes<F: MpcField>(values: &[F]) -> Vec<u8> {
	let mut out = Vec::new();
	encode(values, &mut out);
	out
}

/// Decode exactly `count` elements sent by `from`, rejecting non-canonical encodings.
pub fn decode<F: MpcField>(bytes: &[u8], count: usize, from: usize) -> Result<Vec<F>> {
	let size = F::WIRE_BYTES;
	if bytes.len() != count * size {
		return Err(MpcError::Malformed {
			from,
			reason: format!("expected {count} field elements ({} bytes), got {} bytes", count * size, bytes.len()),
		});
	}
	bytes
		.chunks_exact(size)
		.map(|chunk| {
			F::read_wire(chunk).ok_or_else(|| MpcError::Malformed { from, reason: "field element not below the modulus".into() })
		})
		.collect()
}

/// Adds the elements `bytes` encode (exactly `into.len()` of them, sent by `from`) to `into`,
/// rejecting non-canonical encodings as [`decode`] does.
pub fn add_decoded<F: MpcField>(into: &mut [F], bytes: &[u8], from: usize) -> Result<()> {
	let size = F::WIRE_BYTES;
	if bytes.len() != into.len() * size {
		return Err(MpcError::Malformed {
			from,
			reason: format!("expected {} field elements ({} bytes), got {} bytes", into.len(), into.len() * size, bytes.len()),
		});
	}
	for (sum, chunk) in into.iter_mut().zip(bytes.chunks_exact(size)) {
		*sum += F::read_wire(chunk).ok_or_else(|| MpcError::Malformed { from, reason: "field element not below the modulus".into() })?;
	}
	Ok(())
}

/// Decode a vector whose length the message itself determines.
pub fn decode_all<F: MpcField>(bytes: &[u8], from: usize) -> Result<Vec<F>> {
	let size = F::WIRE_BYTES;
	if bytes.len() % size != 0 {
		return Err(MpcError::Malformed { from, reason: format!("{} bytes is not a whole number of elements", bytes.len()) });
	}
	decode(bytes, bytes.len() / size, from)
}

/// The element as an unsigned integer (its canonical representative in [0, p)).
pub fn to_u128<F: PrimeField>(v: F) -> Option<u128> {
	let big: BigUint = v.into_bigint().into();
	u128::try_from(big).ok()
}

/// The lowest `bits` bits of the canonical representative (bits <= 128).
pub fn low_bits<F: PrimeField>(v: F, bits: u32) -> u128 {
	let big: BigUint = v.into_bigint().into();
	let mask = if bits >= 128 { u128::MAX } else { (1u128 << bits) - 1 };
	let digits = big.to_u64_digits();
	let low = digits.first().copied().unwrap_or(0) as u128 | (digits.get(1).copied().unwrap_or(0) as u128) << 64;
	low & mask
}

/// 2^k in the field.
pub fn pow2<F: PrimeField>(k: u32) -> F {
	F::from(2u64).pow([k as u64])
}

#[cfg(test)]
mod tests {
	use super::*;
	use ark_std::UniformRand;

	#[test]
	fn encoding_round_trips_in_both_fields() {
		let mut rng = ark_std::test_rng();
		let a: Vec<Fr> = (0..20).map(|_| Fr::rand(&mut rng)).collect();
		assert_eq!(decode_all::<Fr>(&to_bytes(&a), 0).unwrap(), a);
		let b: Vec<F64> = (0..20).map(|_| F64::rand(&mut rng)).collect();
		assert_eq!(decode_all::<F64>(&to_bytes(&b), 0).unwrap(), b);
		assert_eq!(element_size::<Fr>(), 32);
		assert_eq!(element_size::<F64>(), 8);
		// The wire form is the internal one: no conversion, but the same element back.
		let x = Fr::from(5u64);
		assert_eq!(decode::<Fr>(&to_bytes(&[x]), 1, 0).unwrap()[0] * Fr::from(2u64), Fr::from(10u64));
	}

	/// Against the sum taken term by term, with coefficients and elements at their extremes.
	#[test]
	fn a_wide_sum_is_the_sum_of_the_products() {
		fn check<F: MpcField>(rng: &mut impl rand::Rng) {
			let mut xs: Vec<F> = (0..1000).map(|_| F::random(rng)).collect();
			let mut rs: Vec<u128> = (0..1000).map(|_| rng.gen()).collect();
			xs[0] = -F::one();
			xs[1] = F::zero();
			rs[2] = u128::MAX;
			rs[3] = 0;
			(xs[4], rs[4]) = (-F::one(), u128::MAX);
			let mut wide = WideSum::<F>::default();
			xs.iter().zip(&rs).for_each(|(x, r)| wide.add(*r, x));
			let expected: F = xs.iter().zip(&rs).map(|(x, r)| *x * F::from(*r)).sum();
			assert_eq!(wide.sum(), expected);
			assert_eq!(WideSum::<F>::default().sum(), F::zero());
		}
		let mut rng = ark_std::test_rng();
		check::<Fr>(&mut rng);
		check::<F64>(&mut rng);
	}

	#[test]
	fn times_bit_keeps_or_clears() {
		let x = Fr::from(123_456u64);
		assert_eq!(x.times_bit(1), x);
		assert_eq!(x.times_bit(0), Fr::from(0u64));
		assert_eq!(F64::from(9u64).times_bit(1), F64::from(9u64));
	}

	#[test]
	fn non_canonical_and_short_encodings_are_rejected() {
		let too_big = vec![0xffu8; 32];
		assert!(matches!(decode::<Fr>(&too_big, 1, 3), Err(MpcError::Malformed { from: 3, .. })));
		assert!(matches!(decode::<Fr>(&[0u8; 31], 1, 1), Err(MpcError::Malformed { .. })));
		// Added up as decoded: the same checks, and the sum.
		let mut sums = vec![Fr::from(1u64), Fr::from(2u64)];
		assert!(matches!(add_decoded(&mut sums, &[too_big.clone(), too_big].concat(), 2), Err(MpcError::Malformed { from: 2, .. })));
		assert!(matches!(add_decoded(&mut sums[..1], &to_bytes(&[Fr::from(5u64); 2]), 1), Err(MpcError::Malformed { from: 1, .. })));
		let mut sums = vec![Fr::from(1u64), -Fr::from(1u64)];
		add_decoded(&mut sums, &to_bytes(&[Fr::from(5u64), Fr::from(3u64)]), 0).unwrap();
		assert_eq!(sums, vec![Fr::from(6u64), Fr::from(2u64)]);
	}

	#[test]
	fn random_elements_cover_the_field() {
		use rand::SeedableRng;
		let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
		let xs: Vec<F64> = (0..1000).map(|_| F64::random(&mut rng)).collect();
		// Both halves of the field appear, and values differ.
		let half = F64::from(1u64 << 63);
		assert!(xs.iter().any(|x| x.into_bigint() < half.into_bigint()));
		assert!(xs.iter().any(|x| x.into_bigint() > half.into_bigint()));
		assert!(xs.windows(2).all(|w| w[0] != w[1]));
	}

	#[test]
	fn low_bits_and_u128() {
		let v = Fr::from(0x1234_5678_9abc_def0_1122u128);
		assert_eq!(to_u128(v), Some(0x1234_5678_9abc_def0_1122));
		assert_eq!(low_bits(v, 8), 0x22);
		assert_eq!(to_u128(-Fr::from(1u64)), None);
	}
}
