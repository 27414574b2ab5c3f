//! The Pedersen check the chain makes itself, so that a false handover dealing costs its dealer
//! its stake: the same points and arithmetic as the engine's `vss` and `reshare`, which every
//! new member runs first (and reports only what this finds).
//!
//! An old member at point p re-shares its share s_p of a sharing committed by C_0..C_t (G1,
//! compressed). Its dealing commits to a degree-t' polynomial g with g(0) = s_p: C'_0..C'_t'.
//! Since the old commitments commit to s_p at p, an honest dealing has
//!
//! ```text
//! C'_0 = Σ_j p^j·C_j
//! ```
//!
//! Both sides are public: the old commitments hash to the secret's registered commitment, the
//! dealing to the hash its dealer posted. So anyone can check a dealing that breaks this (or is
//! not t' + 1 points of the prime-order group) against the chain's records, without a share.
//!
//! A share off its dealing is seen by its recipient only, so the dealer signs each share it
//! deals (with its registered ed25519 key, [`crate::handover_share_digest`]): the recipient
//! then shows the chain the signed share, and the chain checks
//!
//! ```text
//! Σ_k v_k·G_k + r·H ≠ Σ_j x^j·C'_j        (the share (v, r) at the recipient's point x)
//! ```
//!
//! with the same generators as the engine's `vss` ([`generators`], [`h`]).

use alloc::vec::Vec;
use ark_bls12_381::{Fq, Fr, G1Affine, G1Projective};
use ark_ec::{AffineRepr, CurveGroup, VariableBaseMSM};
use ark_ff::{BigInt, One, PrimeField};
use ark_serialize::CanonicalDeserialize;
use blake2::{Blake2b512, Digest};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Bytes of one compressed G1 point.
pub const POINT_BYTES: usize = 48;

/// The longest vector a sharing commits to: a 128-bit integer's bits with its owner's MAC for a
/// dishonest majority (the key, a tag per bit and the key's tag).
pub const MAX_VECTOR: usize = 2 * 128 + 2;

/// Bytes of one field element as the engine sends it: its four Montgomery limbs, little endian.
pub const ELEMENT_BYTES: usize = 32;

/// Try-and-increment over blake2b(`prefix` ‖ counter) as an x coordinate, cofactor cleared: a
/// point of the prime-order group whose discrete logarithm nobody knows.
pub fn hash_to_g1(prefix: &[u8]) -> G1Affine {
	(0u32..)
		.find_map(|counter| {
			let digest = Blake2b512::new().chain_update(prefix).chain_update(counter.to_le_bytes()).finalize();
			let x = Fq::from_le_bytes_mod_order(&digest);
			let point = G1Affine::get_point_from_x_unchecked(x, digest[0] & 1 == 1)?.clear_cofactor();
			(!point.is_zero()).then_some(point)
		})
		.expect("half of all x coordinates are on the curve")
}

/// The blinding generator H.
pub fn h() -> G1Affine {
	hash_to_g1(b"enigma/pedersen/H/v1")
}

/// The generators of a vector's elements: G_0 = G, then G_k = hash("enigma/pedersen/G/v1" ‖ k),
/// `count` of them (at most [`MAX_VECTOR`]).
pub fn generators(count: usize) -> Vec<G1Affine> {
	core::iter::once(G1Affine::generator())
		.chain((1..count.min(MAX_VECTOR) as u32).map(|k| hash_to_g1(&[b"enigma/pedersen/G/v1".as_slice(), &k.to_le_bytes()].concat())))
		.take(count.min(MAX_VECTOR))
		.collect()
}

/// Field elements as the engine encodes them ([`ELEMENT_BYTES`] each, below the modulus).
pub fn elements(bytes: &[u8]) -> Option<Vec<Fr>> {
	if bytes.len() % ELEMENT_BYTES != 0 {
		return None;
	}
	bytes
		.chunks_exact(ELEMENT_BYTES)
		.map(|chunk| {
			let mut limbs = [0u64; 4];
			for (limb, word) in limbs.iter_mut().zip(chunk.chunks_exact(8)) {
				*limb = u64::from_le_bytes(word.try_into().ok()?);
			}
			let value = BigInt(limbs);
			(value < Fr::MODULUS).then(|| Fr::new_unchecked(value))
		})
		.collect()
}

/// What is provably wrong with a handover dealing.
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, Copy, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub enum FalseDealing {
	/// Its commitments are not points of the prime-order group.
	Malformed,
	/// It has another degree than the new committee's sharings.
	WrongDegree,
	/// Its constant commitment is not the old sharing's at the dealer's point: it hands over
	/// another value than the dealer's share.
	NotItsShare,
	/// The share it signed for a new member does not lie on it.
	ShareOffDealing,
}

/// Compressed points, each checked to be on the curve and in the prime-order group; `None`
/// unless `bytes` is one or more whole such points.
pub fn points(bytes: &[u8]) -> Option<Vec<G1Affine>> {
	if bytes.is_empty() || bytes.len() % POINT_BYTES != 0 {
		return None;
	}
	bytes.chunks(POINT_BYTES).map(|chunk| G1Affine::deserialize_compressed(chunk).ok()).collect()
}

/// Whether the dealing `dealing` of the old member at `dealer_point` (its position + 1) of the
/// sharing committed by `old` is false, for a new committee sharing with degree `new_degree`.
/// `None` when it holds, and when `old` does not parse (the old commitments are the secret's,
/// not the dealer's: they prove nothing against it).
pub fn false_dealing(old: &[u8], dealing: &[u8], dealer_point: u64, new_degree: usize) -> Option<FalseDealing> {
	// (The length first: a long dealing is not decompressed point by point.)
	if dealing.len() != (new_degree + 1) * POINT_BYTES {
		return Some(FalseDealing::WrongDegree);
	}
	let old = points(old)?;
	let Some(dealing) = points(dealing) else { return Some(FalseDealing::Malformed) };
	let x = Fr::from(dealer_point);
	let powers: Vec<Fr> = core::iter::successors(Some(Fr::one()), |p| Some(*p * x)).take(old.len()).collect();
	let at = G1Projective::msm(&old, &powers).ok()?;
	(at.into_affine() != dealing[0]).then_some(FalseDealing::NotItsShare)
}

/// Whether `share` (the engine's encoding of the values, then the blind), which the dealer of
/// `dealing` signed for the member at point `at`, is off that dealing; `None` when either does not
/// parse (judged by [`false_dealing`] for the dealing; an unreadable share proves nothing).
pub fn share_off_dealing(dealing: &[u8], at: u64, share: &[u8]) -> Option<bool> {
	let dealing = points(dealing)?;
	let elements = elements(share)?;
	let (&blind, values) = elements.split_last()?;
	if values.is_empty() || values.len() > MAX_VECTOR {
		return None;
	}
	let mut bases = generators(values.len());
	bases.push(h());
	let scalars: Vec<Fr> = values.iter().copied().chain(core::iter::once(blind)).collect();
	let committed = G1Projective::msm(&bases, &scalars).ok()?;
	let x = Fr::from(at);
	let powers: Vec<Fr> = core::iter::successors(Some(Fr::one()), |p| Some(*p * x)).take(dealing.len()).collect();
	let expected = G1Projective::msm(&dealing, &powers).ok()?;
	Some(committed != expected)
}

#[cfg(test)]
mod tests {
	use super::*;
	use ark_ec::PrimeGroup;
	use ark_serialize::CanonicalSerialize;

	fn bytes(points: &[G1Projective]) -> Vec<u8> {
		let mut out = Vec::new();
		for p in points {
			p.into_affine().serialize_compressed(&mut out).unwrap();
		}
		out
	}

	/// Old commitments C_0 = 3G, C_1 = 5G (s(x) = 3 + 5x, no blinds: the check is the same);
	/// at p = 2 the share's commitment is 13G.
	#[test]
	fn a_dealing_of_the_dealers_share_holds_and_others_are_named() {
		let g = G1Projective::generator();
		let old = bytes(&[g * Fr::from(3u64), g * Fr::from(5u64)]);
		let honest = bytes(&[g * Fr::from(13u64), g * Fr::from(7u64)]);
		assert_eq!(false_dealing(&old, &honest, 2, 1), None);
		let other_value = bytes(&[g * Fr::from(14u64), g * Fr::from(7u64)]);
		assert_eq!(false_dealing(&old, &other_value, 2, 1), Some(FalseDealing::NotItsShare));
		// The same dealing from another point is another member's share.
		assert_eq!(false_dealing(&old, &honest, 3, 1), Some(FalseDealing::NotItsShare));
		assert_eq!(false_dealing(&old, &honest, 2, 2), Some(FalseDealing::WrongDegree));
		assert_eq!(false_dealing(&old, &honest[..47], 2, 1), Some(FalseDealing::WrongDegree));
		assert_eq!(false_dealing(&old, &[0xff; 96], 2, 1), Some(FalseDealing::Malformed));
		// Old commitments that do not parse are nobody's fault here.
		assert_eq!(false_dealing(&old[..50], &other_value, 2, 1), None);
	}

	/// A one-element dealing g(x) = 4 + 6x, blinds b(x) = 1 + 2x: at x = 3 the share is
	/// (22, 7); anything else is off, and so is the honest share at another point.
	#[test]
	fn a_signed_share_off_its_dealing_is_named() {
		let (g, h) = (G1Projective::generator(), h().into_group());
		let dealing = bytes(&[g * Fr::from(4u64) + h * Fr::from(1u64), g * Fr::from(6u64) + h * Fr::from(2u64)]);
		let share = |v: u64, r: u64| {
			let mut out = Vec::new();
			for e in [Fr::from(v), Fr::from(r)] {
				out.extend(e.0 .0.iter().flat_map(|l| l.to_le_bytes()));
			}
			out
		};
		assert_eq!(share_off_dealing(&dealing, 3, &share(22, 7)), Some(false));
		assert_eq!(share_off_dealing(&dealing, 3, &share(23, 7)), Some(true));
		assert_eq!(share_off_dealing(&dealing, 3, &share(22, 8)), Some(true));
		assert_eq!(share_off_dealing(&dealing, 2, &share(22, 7)), Some(true));
		assert_eq!(share_off_dealing(&dealing, 3, &share(22, 7)[..40]), None);
		assert_eq!(share_off_dealing(&dealing, 3, &[0xff; 64]), None, "not below the modulus");
	}

	/// The check at the largest committees (32 members: 16 old and 16 dealt points, every one
	/// decompressed and checked), natively, for the call's weight: `cargo test --release -p
	/// enigma-primitives --features pedersen -- --ignored --nocapture`.
	#[test]
	#[ignore]
	fn time_of_the_largest_check() {
		let g = G1Projective::generator();
		let old = bytes(&(1..=16u64).map(|k| g * Fr::from(k)).collect::<Vec<_>>());
		let dealing = bytes(&(1..=16u64).map(|k| g * Fr::from(k + 1)).collect::<Vec<_>>());
		let runs = 50;
		let started = std::time::Instant::now();
		for _ in 0..runs {
			assert_eq!(false_dealing(&old, &dealing, 32, 15), Some(FalseDealing::NotItsShare));
		}
		println!("false_dealing at 32 members: {:?} per check", started.elapsed() / runs);
		// The widest share: a u128's bits with a MAC (258 elements and the blind).
		let share: Vec<u8> = (0..=MAX_VECTOR as u64).flat_map(|k| Fr::from(k).0 .0.into_iter().flat_map(|l| l.to_le_bytes())).collect();
		let started = std::time::Instant::now();
		for _ in 0..5 {
			assert_eq!(share_off_dealing(&dealing, 32, &share), Some(true));
		}
		println!("share_off_dealing at 32 members, {MAX_VECTOR} elements: {:?} per check", started.elapsed() / 5);
	}

	#[test]
	fn hashes_match_the_chains_encoding() {
		// SCALE of (fixed array, slice, slice of arrays): raw, compact length + bytes, compact
		// length + 32 bytes each.
		let mut expected = b"enigma/sharing/v2".to_vec();
		expected.extend([4 << 2, 1, 2, 3, 4, 1 << 2]);
		expected.extend([9u8; 32]);
		assert_eq!(crate::sharing_commitment(&[1, 2, 3, 4], &[[9; 32]]), crate::blake2_256(&expected));
	}
}
