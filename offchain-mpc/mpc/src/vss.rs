//! Pedersen verifiable secret sharing (Pedersen, CRYPTO '91) in BLS12-381 G1, over the
//! engine's default field: G1's scalar field Fr.
//!
//! To share s with degree t, the dealer picks f(x) = s + a_1 x + … + a_t x^t and a blinding
//! polynomial r(x) = b_0 + b_1 x + … + b_t x^t, publishes
//!
//! ```text
//! C_j = a_j·G + b_j·H        (a_0 = s, j = 0..=t)
//! ```
//!
//! and gives the party at point x_i the pair (f(x_i), r(x_i)). That party accepts iff
//!
//! ```text
//! f(x_i)·G + r(x_i)·H = Σ_j x_i^j·C_j.
//! ```
//!
//! Binding: a share that passes but differs from f(x_i) yields log_G H, which nobody knows (H is
//! hashed to the curve). Hiding: every C_j is uniform whatever a_j, so the commitments say
//! nothing about s, even to an unbounded observer. The check is linear, so a public linear
//! combination of committed sharings is committed by the same combination of the commitments
//! ([`Commitments::combine`]): members can check each other's shares of linear functions of the
//! inputs, and an inconsistent share points at whoever sent it.

use crate::error::{MpcError, Result};
use ark_bls12_381::{Fq, Fr, G1Affine, G1Projective};
use ark_ec::{AffineRepr, CurveGroup, PrimeGroup, VariableBaseMSM};
use ark_ff::{PrimeField, UniformRand, Zero};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use rand::Rng;

/// The bytes of one compressed G1 point.
pub const POINT_BYTES: usize = 48;

/// The second generator H: try-and-increment over blake2b("enigma/pedersen/H/v1" ‖ counter)
/// as an x coordinate, cofactor cleared. Nobody knows log_G H, which binding needs.
pub fn h() -> G1Affine {
	use blake2::{Blake2b512, Digest};
	(0u32..)
		.find_map(|counter| {
			let digest = Blake2b512::new().chain_update(b"enigma/pedersen/H/v1").chain_update(counter.to_le_bytes()).finalize();
			let x = Fq::from_le_bytes_mod_order(&digest);
			let point = G1Affine::get_point_from_x_unchecked(x, digest[0] & 1 == 1)?.clear_cofactor();
			(!point.is_zero()).then_some(point)
		})
		.expect("half of all x coordinates are on the curve")
}

/// The dealer's public commitments C_0..=C_t to a sharing of degree t.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commitments(pub Vec<G1Affine>);

/// One party's share with its blinding value: (f(x_i), r(x_i)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Share {
	pub value: Fr,
	pub blind: Fr,
}

/// A dealing: the commitments and every party's share, in the order of `points`.
pub struct Dealing {
	pub commitments: Commitments,
	pub shares: Vec<Share>,
}

/// Shares `secret` with degree `t` among the parties at `points` (distinct, non-zero).
pub fn deal<R: Rng>(secret: Fr, t: usize, points: &[Fr], rng: &mut R) -> Dealing {
	let mut f = vec![secret];
	f.extend((0..t).map(|_| Fr::rand(rng)));
	let r: Vec<Fr> = (0..=t).map(|_| Fr::rand(rng)).collect();
	let (g, h) = (G1Projective::generator(), h());
	let commitments = f.iter().zip(&r).map(|(a, b)| g * a + h * b).collect::<Vec<_>>();
	let shares = points.iter().map(|x| Share { value: horner(&f, *x), blind: horner(&r, *x) }).collect();
	Dealing { commitments: Commitments(G1Projective::normalize_batch(&commitments)), shares }
}

impl Commitments {
	/// The degree of the committed sharing.
	pub fn degree(&self) -> usize {
		self.0.len().saturating_sub(1)
	}

	/// Σ_j x^j·C_j: the commitment to the share at point `x`.
	pub fn at(&self, x: Fr) -> G1Projective {
		let powers: Vec<Fr> = std::iter::successors(Some(Fr::from(1u64)), |p| Some(*p * x)).take(self.0.len()).collect();
		G1Projective::msm(&self.0, &powers).expect("as many powers as points")
	}

	/// Whether `share` is the committed sharing's value at `x`.
	pub fn verify(&self, x: Fr, share: &Share) -> bool {
		!self.0.is_empty() && G1Projective::generator() * share.value + h() * share.blind == self.at(x)
	}

	/// Whether every `shares[k]` is sharing k's value at `x`, in one multi-scalar
	/// multiplication: with weights ρ_k drawn by the verifier (unknown to the dealer),
	///
	/// ```text
	/// (Σ_k ρ_k·v_k)·G + (Σ_k ρ_k·b_k)·H − Σ_k Σ_j ρ_k·x^j·C_kj = 0,
	/// ```
	///
	/// which a wrong share passes with probability 1/|Fr| (the combination of the per-share
	/// differences is a non-zero polynomial in ρ).
	pub fn verify_batch<R: Rng>(x: Fr, items: &[(&Commitments, Share)], rng: &mut R) -> bool {
		if items.iter().any(|(c, _)| c.0.is_empty()) {
			return false;
		}
		let (mut value, mut blind) = (Fr::zero(), Fr::zero());
		let (mut bases, mut scalars) = (vec![G1Affine::generator(), h()], vec![Fr::zero(), Fr::zero()]);
		for (commitments, share) in items {
			let rho = Fr::rand(rng);
			value += rho * share.value;
			blind += rho * share.blind;
			let mut power = -rho;
			for point in &commitments.0 {
				bases.push(*point);
				scalars.push(power);
				power *= x;
			}
		}
		(scalars[0], scalars[1]) = (value, blind);
		G1Projective::msm(&bases, &scalars).expect("one scalar per base").is_zero()
	}

	/// The commitments to Σ_k c_k·(sharing k): the same combination of the commitments (all of
	/// one degree).
	pub fn combine(parts: &[(Fr, &Commitments)]) -> Result<Commitments> {
		let len = parts.first().map(|(_, c)| c.0.len()).ok_or_else(|| MpcError::InvalidParameters("nothing to combine".into()))?;
		if parts.iter().any(|(_, c)| c.0.len() != len) {
			return Err(MpcError::InvalidParameters("commitments of different degrees".into()));
		}
		let scalars: Vec<Fr> = parts.iter().map(|(c, _)| *c).collect();
		let combined: Vec<G1Projective> =
			(0..len).map(|j| G1Projective::msm(&parts.iter().map(|(_, c)| c.0[j]).collect::<Vec<_>>(), &scalars).expect("one scalar per point")).collect();
		Ok(Commitments(G1Projective::normalize_batch(&combined)))
	}

	/// The compressed points, 48 bytes each.
	pub fn to_bytes(&self) -> Vec<u8> {
		let mut out = Vec::with_capacity(self.0.len() * POINT_BYTES);
		for point in &self.0 {
			point.serialize_compressed(&mut out).expect("writing to a Vec");
		}
		out
	}

	/// Parses compressed points, each checked to be on the curve and in the prime-order group.
	pub fn from_bytes(bytes: &[u8]) -> Result<Commitments> {
		if bytes.is_empty() || bytes.len() % POINT_BYTES != 0 {
			return Err(MpcError::InvalidParameters(format!("{} bytes are not whole G1 points", bytes.len())));
		}
		bytes
			.chunks(POINT_BYTES)
			.map(|chunk| G1Affine::deserialize_compressed(chunk).map_err(|e| MpcError::InvalidParameters(format!("not a G1 point: {e}"))))
			.collect::<Result<Vec<_>>>()
			.map(Commitments)
	}
}

/// p(x) for coefficients p_0, p_1, … (lowest first).
fn horner(p: &[Fr], x: Fr) -> Fr {
	p.iter().rev().fold(Fr::zero(), |acc, c| acc * x + c)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::shamir::lagrange_coefficients;
	use rand::SeedableRng;

	fn points(n: u64) -> Vec<Fr> {
		(1..=n).map(Fr::from).collect()
	}

	#[test]
	fn h_is_a_fixed_point_of_the_prime_order_group_other_than_g() {
		let h = h();
		assert!(h.is_on_curve() && h.is_in_correct_subgroup_assuming_on_curve());
		assert_ne!(h, G1Affine::generator());
		// A test vector: the derivation of H must never change (old commitments use it).
		let mut bytes = Vec::new();
		h.serialize_compressed(&mut bytes).unwrap();
		assert_eq!(hex(&bytes), H_COMPRESSED);
	}

	const H_COMPRESSED: &str = "b04922595122d827798de3c7fbbef5b2599968eaf0412a1a0499a13a3abbdc0855e83d44fcebf5627fbf9c0c9a5d1f4e";

	fn hex(bytes: &[u8]) -> String {
		bytes.iter().map(|b| format!("{b:02x}")).collect()
	}

	#[test]
	fn honest_shares_verify_and_reconstruct_the_secret() {
		let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(7);
		let xs = points(5);
		let dealing = deal(Fr::from(73_125u64), 2, &xs, &mut rng);
		assert_eq!(dealing.commitments.degree(), 2);
		for (x, share) in xs.iter().zip(&dealing.shares) {
			assert!(dealing.commitments.verify(*x, share));
		}
		// Any t + 1 verified shares give the secret.
		let lambda = lagrange_coefficients(&xs[2..], Fr::zero());
		let secret: Fr = lambda.iter().zip(&dealing.shares[2..]).map(|(l, s)| *l * s.value).sum();
		assert_eq!(secret, Fr::from(73_125u64));
	}

	#[test]
	fn a_wrong_share_or_blind_or_point_fails_and_points_at_its_dealing() {
		let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(8);
		let xs = points(4);
		let dealing = deal(Fr::from(5u64), 1, &xs, &mut rng);
		let good = dealing.shares[2];
		assert!(!dealing.commitments.verify(xs[2], &Share { value: good.value + Fr::from(1u64), ..good }));
		assert!(!dealing.commitments.verify(xs[2], &Share { blind: good.blind + Fr::from(1u64), ..good }));
		assert!(!dealing.commitments.verify(xs[1], &good));
		assert!(!Commitments(Vec::new()).verify(xs[0], &good));
	}

	#[test]
	fn a_batch_of_shares_verifies_at_once_and_one_wrong_share_fails_it() {
		let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(11);
		let xs = points(4);
		let dealings: Vec<Dealing> = (0..5u64).map(|v| deal(Fr::from(v), 1, &xs, &mut rng)).collect();
		let batch = |i: usize| dealings.iter().map(|d| (&d.commitments, d.shares[i])).collect::<Vec<_>>();
		for (i, x) in xs.iter().enumerate() {
			assert!(Commitments::verify_batch(*x, &batch(i), &mut rng));
		}
		let mut bad = batch(3);
		bad[4].1.blind += Fr::from(1u64);
		assert!(!Commitments::verify_batch(xs[3], &bad, &mut rng));
		assert!(!Commitments::verify_batch(xs[2], &batch(3), &mut rng));
	}

	#[test]
	fn a_linear_combination_of_sharings_is_committed_by_the_same_combination() {
		let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(9);
		let xs = points(4);
		let (a, b) = (deal(Fr::from(10u64), 1, &xs, &mut rng), deal(Fr::from(32u64), 1, &xs, &mut rng));
		let (ca, cb) = (Fr::from(3u64), -Fr::from(1u64));
		let combined = Commitments::combine(&[(ca, &a.commitments), (cb, &b.commitments)]).unwrap();
		for (i, x) in xs.iter().enumerate() {
			let share = Share { value: ca * a.shares[i].value + cb * b.shares[i].value, blind: ca * a.shares[i].blind + cb * b.shares[i].blind };
			assert!(combined.verify(*x, &share));
		}
		let c = deal(Fr::from(1u64), 2, &xs, &mut rng);
		assert!(Commitments::combine(&[(ca, &a.commitments), (cb, &c.commitments)]).is_err());
	}

	#[test]
	fn commitments_round_trip_and_garbage_is_refused() {
		let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(10);
		let dealing = deal(Fr::from(1u64), 3, &points(7), &mut rng);
		let bytes = dealing.commitments.to_bytes();
		assert_eq!(bytes.len(), 4 * POINT_BYTES);
		assert_eq!(Commitments::from_bytes(&bytes).unwrap(), dealing.commitments);
		assert!(Commitments::from_bytes(&bytes[1..]).is_err());
		assert!(Commitments::from_bytes(&[0xff; POINT_BYTES]).is_err());
		assert!(Commitments::from_bytes(&[]).is_err());
	}
}
