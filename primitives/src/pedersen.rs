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
//! (A share off its dealing is another matter: only its recipient sees it, and without the
//! dealer's signature on it, nobody else can tell who lies.)

use alloc::vec::Vec;
use ark_bls12_381::{Fr, G1Affine, G1Projective};
use ark_ec::{CurveGroup, VariableBaseMSM};
use ark_ff::One;
use ark_serialize::CanonicalDeserialize;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Bytes of one compressed G1 point.
pub const POINT_BYTES: usize = 48;

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
	let old = points(old)?;
	let Some(dealing) = points(dealing) else { return Some(FalseDealing::Malformed) };
	if dealing.len() != new_degree + 1 {
		return Some(FalseDealing::WrongDegree);
	}
	let x = Fr::from(dealer_point);
	let powers: Vec<Fr> = core::iter::successors(Some(Fr::one()), |p| Some(*p * x)).take(old.len()).collect();
	let at = G1Projective::msm(&old, &powers).ok()?;
	(at.into_affine() != dealing[0]).then_some(FalseDealing::NotItsShare)
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
		assert_eq!(false_dealing(&old, &honest[..47], 2, 1), Some(FalseDealing::Malformed));
		assert_eq!(false_dealing(&old, &[0xff; 96], 2, 1), Some(FalseDealing::Malformed));
		// Old commitments that do not parse are nobody's fault here.
		assert_eq!(false_dealing(&old[..50], &other_value, 2, 1), None);
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
