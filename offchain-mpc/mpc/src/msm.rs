//! Multi-scalar multiplication in BLS12-381 G1, Σ_i s_i·P_i: what every commitment check and the
//! audit reduce to.
//!
//! With the `blst` feature, large sums go through blst's Pippenger (assembly field arithmetic,
//! buckets in XYZZ coordinates, its own thread pool); without it, and for short sums, through
//! arkworks'. Both compute the same point, also for points outside the prime-order subgroup
//! (which a transcript may hold): Pippenger adds the points by the complete group law, with the
//! scalars as integers below r. (blst's other path, a scalar multiplication per point by GLV,
//! which is exact only inside the subgroup, runs for fewer points than its threads: the sums
//! that go to blst are longer.) The points cross without conversion, because both
//! libraries keep an Fq element as six little-endian limbs in Montgomery form with R = 2^384,
//! an affine point as (x, y) with (0, 0) for the identity (arkworks also keeps a flag), and a
//! projective one in Jacobian coordinates (x = X/Z², y = Y/Z³, Z = 0 for the identity).

use ark_bls12_381::{Fr, G1Affine, G1Projective};
use ark_ec::VariableBaseMSM;

/// Σ_i scalars[i]·points[i]; `None` when the lengths differ.
pub fn msm(points: &[G1Affine], scalars: &[Fr]) -> Option<G1Projective> {
	if points.len() != scalars.len() {
		return None;
	}
	#[cfg(feature = "blst")]
	if points.len() >= fast::FROM.max(fast::threads()) {
		return Some(fast::msm(points, scalars));
	}
	G1Projective::msm(points, scalars).ok()
}

#[cfg(feature = "blst")]
mod fast {
	use ark_bls12_381::{Fq, Fr, G1Affine, G1Projective};
	use ark_ff::{BigInt, PrimeField};
	use blst::{blst_fp, blst_p1_affine, MultiPoint};

	/// Below this many points blst's thread pool costs more than it saves.
	pub const FROM: usize = 64;

	/// blst's thread pool: one per core, as `threadpool`'s default counts them.
	pub fn threads() -> usize {
		std::thread::available_parallelism().map_or(1, |n| n.get())
	}

	fn limbs(x: &Fq) -> blst_fp {
		// Fp's field 0 is the Montgomery form, as blst keeps it.
		blst_fp { l: x.0 .0 }
	}

	fn fq(x: &blst_fp) -> Fq {
		Fq::new_unchecked(BigInt(x.l))
	}

	pub fn msm(points: &[G1Affine], scalars: &[Fr]) -> G1Projective {
		let points: Vec<blst_p1_affine> = points.iter().map(|p| blst_p1_affine { x: limbs(&p.x), y: limbs(&p.y) }).collect();
		let mut bytes = Vec::with_capacity(32 * scalars.len());
		for s in scalars {
			for limb in s.into_bigint().0 {
				bytes.extend_from_slice(&limb.to_le_bytes());
			}
		}
		let sum = points.as_slice().mult(&bytes, Fr::MODULUS_BIT_SIZE as usize);
		G1Projective::new_unchecked(fq(&sum.x), fq(&sum.y), fq(&sum.z))
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use ark_ec::{AffineRepr, CurveGroup};
	use ark_ff::{One, PrimeField, UniformRand, Zero};
	use rand::{rngs::StdRng, SeedableRng};

	/// Both paths, on sums short and long, with the identity among the points and the scalars
	/// 0, 1 and −1 among the scalars: the same point as the sum taken term by term.
	#[test]
	fn the_sum_is_the_sum_of_the_terms() {
		let mut rng = StdRng::seed_from_u64(7);
		for len in [0, 1, 3, 63, 64, 65, 300, 2_000] {
			let mut points: Vec<G1Affine> = (0..len).map(|_| G1Projective::rand(&mut rng).into_affine()).collect();
			let mut scalars: Vec<Fr> = (0..len).map(|_| Fr::rand(&mut rng)).collect();
			if len >= 3 {
				points[1] = G1Affine::zero();
				scalars[0] = Fr::zero();
				scalars[2] = -Fr::one();
				if len > 3 {
					scalars[3] = Fr::one();
				}
			}
			let expected: G1Projective = points.iter().zip(&scalars).map(|(p, s)| *p * s).sum();
			assert_eq!(msm(&points, &scalars), Some(expected), "{len} points");
		}
		// A sum that cancels is the identity, on the long path as on the short.
		let p: Vec<G1Affine> = (0..100).map(|_| G1Projective::rand(&mut rng).into_affine()).collect();
		let s: Vec<Fr> = (0..100).map(|_| Fr::rand(&mut rng)).collect();
		let (points, scalars): (Vec<G1Affine>, Vec<Fr>) = p.iter().chain(&p).copied().zip(s.iter().copied().chain(s.iter().map(|x| -*x))).unzip();
		assert!(msm(&points, &scalars).is_some_and(|sum| sum.is_zero()));
		assert_eq!(msm(&[G1Affine::generator()], &[]), None);
	}

	/// Points on the curve outside the prime-order subgroup (what a transcript may hold: its
	/// points are checked on the curve, not in the subgroup): the same sum on both paths, with
	/// the integer scalars below r, as the checks that clear the cofactor afterwards expect.
	#[test]
	fn points_outside_the_subgroup_sum_alike() {
		use ark_bls12_381::Fq;
		let mut rng = StdRng::seed_from_u64(8);
		let mut points = Vec::new();
		while points.len() < 200 {
			if let Some(p) = G1Affine::get_point_from_x_unchecked(Fq::rand(&mut rng), false) {
				points.push(p);
			}
		}
		assert!(points.iter().any(|p| !p.is_in_correct_subgroup_assuming_on_curve()));
		let scalars: Vec<Fr> = (0..points.len()).map(|_| Fr::rand(&mut rng)).collect();
		let expected: G1Projective = points.iter().zip(&scalars).map(|(p, s)| p.mul_bigint(s.into_bigint())).sum();
		assert_eq!(msm(&points, &scalars), Some(expected));
	}
}
