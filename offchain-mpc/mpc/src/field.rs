//! Fields the engine runs over, and their compact wire encoding.
//!
//! Everything is generic over [`ark_ff::PrimeField`]. The default is BLS12-381's scalar field
//! [`Fr`] (255 bits), because auditable commitments live in that curve's G1. [`F64`] is a
//! 64-bit prime field (the "Goldilocks" prime 2^64 - 2^32 + 1) for throughput when values are
//! small and no commitments are needed; comparisons need more headroom than it has.

use crate::error::{MpcError, Result};
use ark_ff::{BigInteger, Fp64, MontBackend, MontConfig, PrimeField};
use num_bigint::BigUint;

pub use ark_bls12_381::Fr;

#[derive(MontConfig)]
#[modulus = "18446744069414584321"]
#[generator = "7"]
pub struct F64Config;
/// The 64-bit Goldilocks field, p = 2^64 - 2^32 + 1.
pub type F64 = Fp64<MontBackend<F64Config, 1>>;

/// Bytes one element takes on the wire.
pub fn element_size<F: PrimeField>() -> usize {
	(F::MODULUS_BIT_SIZE as usize).div_ceil(8)
}

/// Append `values` to `out`, little-endian, [`element_size`] bytes each.
pub fn encode<F: PrimeField>(values: &[F], out: &mut Vec<u8>) {
	let size = element_size::<F>();
	out.reserve(values.len() * size);
	for v in values {
		let bytes = v.into_bigint().to_bytes_le();
		out.extend_from_slice(&bytes[..size]);
	}
}

pub fn to_bytes<F: PrimeField>(values: &[F]) -> Vec<u8> {
	let mut out = Vec::new();
	encode(values, &mut out);
	out
}

/// Decode exactly `count` elements sent by `from`, rejecting non-canonical encodings.
pub fn decode<F: PrimeField>(bytes: &[u8], count: usize, from: usize) -> Result<Vec<F>> {
	let size = element_size::<F>();
	if bytes.len() != count * size {
		return Err(MpcError::Malformed {
			from,
			reason: format!("expected {count} field elements ({} bytes), got {} bytes", count * size, bytes.len()),
		});
	}
	let mut out = Vec::with_capacity(count);
	let mut limbs = F::BigInt::default();
	for chunk in bytes.chunks_exact(size) {
		let l = limbs.as_mut();
		l.iter_mut().for_each(|x| *x = 0);
		for (i, b) in chunk.iter().enumerate() {
			l[i / 8] |= (*b as u64) << (8 * (i % 8));
		}
		let v = F::from_bigint(limbs).ok_or_else(|| MpcError::Malformed {
			from,
			reason: "field element not below the modulus".into(),
		})?;
		out.push(v);
	}
	Ok(out)
}

/// Decode a vector whose length the message itself determines.
pub fn decode_all<F: PrimeField>(bytes: &[u8], from: usize) -> Result<Vec<F>> {
	let size = element_size::<F>();
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
	}

	#[test]
	fn non_canonical_and_short_encodings_are_rejected() {
		let too_big = vec![0xffu8; 32];
		assert!(matches!(decode::<Fr>(&too_big, 1, 3), Err(MpcError::Malformed { from: 3, .. })));
		assert!(matches!(decode::<Fr>(&[0u8; 31], 1, 1), Err(MpcError::Malformed { .. })));
	}

	#[test]
	fn low_bits_and_u128() {
		let v = Fr::from(0x1234_5678_9abc_def0_1122u128);
		assert_eq!(to_u128(v), Some(0x1234_5678_9abc_def0_1122));
		assert_eq!(low_bits(v, 8), 0x22);
		assert_eq!(to_u128(-Fr::from(1u64)), None);
	}
}
