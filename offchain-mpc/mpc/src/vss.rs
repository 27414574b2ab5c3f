//! Pedersen verifiable secret sharing (Pedersen, CRYPTO '91) of a vector of secrets at once, in
//! BLS12-381 G1, over the engine's default field: G1's scalar field Fr.
//!
//! To share s_0..s_{m-1} with degree t, the dealer picks for each k a polynomial
//! f_k(x) = s_k + a_k1 x + … + a_kt x^t and one blinding polynomial r(x) = b_0 + … + b_t x^t,
//! publishes
//!
//! ```text
//! C_j = Σ_k a_kj·G_k + b_j·H        (a_k0 = s_k, j = 0..=t)
//! ```
//!
//! and gives the party at point x_i the values f_k(x_i) and the blind r(x_i). That party
//! accepts iff
//!
//! ```text
//! Σ_k f_k(x_i)·G_k + r(x_i)·H = Σ_j x_i^j·C_j.
//! ```
//!
//! t + 1 points whatever the vector's length: a 64-bit input with its bits is 2 commitments at
//! t = 1, not 130. Binding: a share that passes but differs from the f_k(x_i) yields a discrete
//! logarithm relation between G_0, .., G_{m-1}, H, which nobody knows (G_0 is G, the others and
//! H are hashed to the curve). Hiding: every C_j is uniform whatever the a_kj, so the
//! commitments say nothing about the secrets, even to an unbounded observer. A one-element
//! vector is the classic C_j = a_j·G + b_j·H. The check is linear, so a public linear
//! combination of committed sharings is committed by the same combination of the commitments
//! ([`Commitments::combine`]): members can check each other's shares of linear functions of the
//! inputs, and an inconsistent share points at whoever sent it.

use crate::error::{MpcError, Result};
use ark_bls12_381::{Fr, G1Affine, G1Projective};
use ark_ec::CurveGroup;
use ark_ff::{One, UniformRand, Zero};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use rand::Rng;
use std::sync::LazyLock;

/// The bytes of one compressed G1 point.
pub const POINT_BYTES: usize = 48;

/// The longest vector a sharing commits to: a 128-bit integer's bits with its owner's MAC for a
/// dishonest majority (the key, a tag per bit and the key's tag: [`crate::committed_input`]).
pub const MAX_VECTOR: usize = enigma_primitives::pedersen::MAX_VECTOR;

/// H and the generators are hashed to the curve by `enigma_primitives::pedersen`, which the
/// chain runs too (a signed share off its dealing is checked there), once per process here.
static H: LazyLock<G1Affine> = LazyLock::new(enigma_primitives::pedersen::h);

/// G_0 = G, then G_k = hash("enigma/pedersen/G/v1" ‖ k) for k = 1..MAX_VECTOR.
static GENERATORS: LazyLock<Vec<G1Affine>> = LazyLock::new(|| enigma_primitives::pedersen::generators(MAX_VECTOR));

/// The blinding generator H.
pub fn h() -> G1Affine {
	*H
}

/// The generators G_0..G_{count-1} of a vector's elements (`count` ≤ [`MAX_VECTOR`]).
pub fn generators(count: usize) -> &'static [G1Affine] {
	&GENERATORS[..count.min(MAX_VECTOR)]
}

/// The dealer's public commitments C_0..=C_t to a sharing of degree t.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commitments(pub Vec<G1Affine>);

/// One party's share: its value of each element's polynomial, f_k(x_i), and its blind r(x_i).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Share {
	pub values: Vec<Fr>,
	pub blind: Fr,
}

/// A dealing: the commitments and every party's share, in the order of `points`.
pub struct Dealing {
	pub commitments: Commitments,
	pub shares: Vec<Share>,
}

/// Σ_k values_k·G_k + blind·H. Elements that are 0 or 1 (an integer's bits, whose constant
/// terms these are) are added, not multiplied.
fn commit(values: &[Fr], blind: Fr) -> G1Projective {
	let generators = generators(values.len());
	if values.iter().all(|v| v.is_zero() || v.is_one()) {
		let ones: G1Projective = generators.iter().zip(values).filter(|(_, v)| v.is_one()).map(|(g, _)| *g).sum();
		return ones + h() * blind;
	}
	let bases: Vec<G1Affine> = generators.iter().copied().chain(std::iter::once(h())).collect();
	let scalars: Vec<Fr> = values.iter().copied().chain(std::iter::once(blind)).collect();
	crate::msm::msm(&bases, &scalars).expect("one scalar per base")
}

/// Shares the vector `secrets` (1 to [`MAX_VECTOR`] elements) with degree `t` among the parties
/// at `points` (distinct, non-zero).
pub fn deal<R: Rng + ?Sized>(secrets: &[Fr], t: usize, points: &[Fr], rng: &mut R) -> Dealing {
	let blind = Fr::rand(rng);
	deal_blinded(secrets, blind, None, t, points, rng)
}

/// [`deal`] with the blinding polynomial's constant term fixed to `blind`, so that C_0 is the
/// commitment `Σ_k secrets_k·G_k + blind·H` someone already holds (a share handed over in a
/// resharing, [`crate::reshare`]); pass it as `c0` when it is known, to save computing it.
pub fn deal_blinded<R: Rng + ?Sized>(secrets: &[Fr], blind: Fr, c0: Option<G1Projective>, t: usize, points: &[Fr], rng: &mut R) -> Dealing {
	assert!(!secrets.is_empty() && secrets.len() <= MAX_VECTOR, "a vector of 1 to {MAX_VECTOR} secrets");
	let f: Vec<Vec<Fr>> = secrets.iter().map(|s| std::iter::once(*s).chain((0..t).map(|_| Fr::rand(rng))).collect()).collect();
	let r: Vec<Fr> = std::iter::once(blind).chain((0..t).map(|_| Fr::rand(rng))).collect();
	let commitments: Vec<G1Projective> = (0..=t)
		.map(|j| match (j, c0) {
			(0, Some(c0)) => c0,
			_ => commit(&f.iter().map(|p| p[j]).collect::<Vec<_>>(), r[j]),
		})
		.collect();
	let shares = points.iter().map(|x| Share { values: f.iter().map(|p| horner(p, *x)).collect(), blind: horner(&r, *x) }).collect();
	Dealing { commitments: Commitments(G1Projective::normalize_batch(&commitments)), shares }
}

impl Commitments {
	/// The degree of the committed sharing.
	pub fn degree(&self) -> usize {
		self.0.len().saturating_sub(1)
	}

	/// Σ_j x^j·C_j: the commitment to the share at point `x`.
	pub fn at(&self, x: Fr) -> G1Projective {
		crate::msm::msm(&self.0, &powers(x, self.0.len())).expect("as many powers as points")
	}

	/// Whether `share` is the committed sharing's value at `x`.
	pub fn verify(&self, x: Fr, share: &Share) -> bool {
		!self.0.is_empty() && !share.values.is_empty() && share.values.len() <= MAX_VECTOR && commit(&share.values, share.blind) == self.at(x)
	}

	/// Whether every `shares[d]` is sharing d's value at `x`, in one multi-scalar
	/// multiplication: with weights ρ_d drawn by the verifier (unknown to the dealers),
	///
	/// ```text
	/// Σ_k (Σ_d ρ_d·v_dk)·G_k + (Σ_d ρ_d·b_d)·H − Σ_d Σ_j ρ_d·x^j·C_dj = 0,
	/// ```
	///
	/// which a wrong share passes with probability 1/|Fr| (the combination of the per-share
	/// differences is a non-zero polynomial in ρ). The generators' scalars are summed in the
	/// field first, so a share costs the MSM only its t + 1 commitments.
	pub fn verify_batch<R: Rng + ?Sized>(x: Fr, items: &[(&Commitments, &Share)], rng: &mut R) -> bool {
		if items.iter().any(|(c, s)| c.0.is_empty() || s.values.is_empty() || s.values.len() > MAX_VECTOR) {
			return false;
		}
		let width = items.iter().map(|(_, s)| s.values.len()).max().unwrap_or(0);
		let (mut values, mut blind) = (vec![Fr::zero(); width], Fr::zero());
		let (mut bases, mut scalars) = (Vec::new(), Vec::new());
		for (commitments, share) in items {
			let rho = Fr::rand(rng);
			for (sum, v) in values.iter_mut().zip(&share.values) {
				*sum += rho * v;
			}
			blind += rho * share.blind;
			let mut power = -rho;
			for point in &commitments.0 {
				bases.push(*point);
				scalars.push(power);
				power *= x;
			}
		}
		bases.extend(generators(width).iter().copied().chain(std::iter::once(h())));
		scalars.extend(values.into_iter().chain(std::iter::once(blind)));
		crate::msm::msm(&bases, &scalars).expect("one scalar per base").is_zero()
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
			(0..len).map(|j| crate::msm::msm(&parts.iter().map(|(_, c)| c.0[j]).collect::<Vec<_>>(), &scalars).expect("one scalar per point")).collect();
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

/// 1, x, x², … (`count` of them).
fn powers(x: Fr, count: usize) -> Vec<Fr> {
	std::iter::successors(Some(Fr::one()), |p| Some(*p * x)).take(count).collect()
}

/// p(x) for coefficients p_0, p_1, … (lowest first).
fn horner(p: &[Fr], x: Fr) -> Fr {
	p.iter().rev().fold(Fr::zero(), |acc, c| acc * x + c)
}

#[cfg(test)]
mod tests {
	use super::*;
	use ark_ec::AffineRepr;
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
	fn the_generators_are_g_then_fixed_points_of_the_prime_order_group() {
		let gs = generators(MAX_VECTOR);
		assert_eq!(gs.len(), MAX_VECTOR);
		assert_eq!(gs[0], G1Affine::generator());
		assert!(gs.iter().all(|g| g.is_on_curve() && g.is_in_correct_subgroup_assuming_on_curve() && *g != h()));
		assert_eq!(gs.iter().collect::<std::collections::HashSet<_>>().len(), MAX_VECTOR, "all distinct");
		let mut bytes = Vec::new();
		gs[1].serialize_compressed(&mut bytes).unwrap();
		assert_eq!(hex(&bytes), G1_COMPRESSED, "the derivation of G_1 must never change");
	}

	const G1_COMPRESSED: &str = "adb49e605cf66a809dc0fd884df8b4a60ed5746e8a460a0bcf1d8ac7ddf8dcc6a240242d1749ecc93f4dd902de13326e";

	fn share_of(value: Fr, blind: Fr) -> Share {
		Share { values: vec![value], blind }
	}

	#[test]
	fn honest_shares_verify_and_reconstruct_the_secrets() {
		let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(7);
		let xs = points(5);
		let secrets = [Fr::from(73_125u64), Fr::from(1u64), Fr::from(0u64)];
		let dealing = deal(&secrets, 2, &xs, &mut rng);
		assert_eq!(dealing.commitments.degree(), 2);
		for (x, share) in xs.iter().zip(&dealing.shares) {
			assert!(dealing.commitments.verify(*x, share));
		}
		// Any t + 1 verified shares give each secret.
		let lambda = lagrange_coefficients(&xs[2..], Fr::zero());
		for (k, expected) in secrets.iter().enumerate() {
			let secret: Fr = lambda.iter().zip(&dealing.shares[2..]).map(|(l, s)| *l * s.values[k]).sum();
			assert_eq!(secret, *expected);
		}
		// Bits only (the constant terms added, not multiplied) commit the same way.
		let bits = deal(&[Fr::one(), Fr::zero(), Fr::one()], 1, &xs, &mut rng);
		assert!(xs.iter().zip(&bits.shares).all(|(x, s)| bits.commitments.verify(*x, s)));
	}

	#[test]
	fn a_wrong_share_or_blind_or_point_fails_and_points_at_its_dealing() {
		let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(8);
		let xs = points(4);
		let dealing = deal(&[Fr::from(5u64), Fr::from(6u64)], 1, &xs, &mut rng);
		let good = dealing.shares[2].clone();
		let mut wrong = good.clone();
		wrong.values[1] += Fr::from(1u64);
		assert!(!dealing.commitments.verify(xs[2], &wrong));
		// The same values in another order are another vector.
		let swapped = Share { values: vec![good.values[1], good.values[0]], ..good.clone() };
		assert!(!dealing.commitments.verify(xs[2], &swapped));
		assert!(!dealing.commitments.verify(xs[2], &Share { blind: good.blind + Fr::from(1u64), ..good.clone() }));
		assert!(!dealing.commitments.verify(xs[2], &Share { values: good.values[..1].to_vec(), ..good.clone() }));
		assert!(!dealing.commitments.verify(xs[1], &good));
		assert!(!Commitments(Vec::new()).verify(xs[0], &good));
	}

	#[test]
	fn a_batch_of_shares_verifies_at_once_and_one_wrong_share_fails_it() {
		let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(11);
		let xs = points(4);
		// Vectors of different lengths in one batch.
		let dealings: Vec<Dealing> = (0..5u64).map(|v| deal(&vec![Fr::from(v); 1 + v as usize], 1, &xs, &mut rng)).collect();
		let batch = |i: usize| -> Vec<(&Commitments, &Share)> { dealings.iter().map(|d| (&d.commitments, &d.shares[i])).collect() };
		for (i, x) in xs.iter().enumerate() {
			assert!(Commitments::verify_batch(*x, &batch(i), &mut rng));
		}
		let mut wrong = dealings[4].shares[3].clone();
		wrong.values[2] += Fr::from(1u64);
		let mut bad = batch(3);
		bad[4].1 = &wrong;
		assert!(!Commitments::verify_batch(xs[3], &bad, &mut rng));
		assert!(!Commitments::verify_batch(xs[2], &batch(3), &mut rng));
	}

	#[test]
	fn a_linear_combination_of_sharings_is_committed_by_the_same_combination() {
		let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(9);
		let xs = points(4);
		let (a, b) = (deal(&[Fr::from(10u64)], 1, &xs, &mut rng), deal(&[Fr::from(32u64)], 1, &xs, &mut rng));
		let (ca, cb) = (Fr::from(3u64), -Fr::from(1u64));
		let combined = Commitments::combine(&[(ca, &a.commitments), (cb, &b.commitments)]).unwrap();
		for (i, x) in xs.iter().enumerate() {
			let share = share_of(ca * a.shares[i].values[0] + cb * b.shares[i].values[0], ca * a.shares[i].blind + cb * b.shares[i].blind);
			assert!(combined.verify(*x, &share));
		}
		let c = deal(&[Fr::from(1u64)], 2, &xs, &mut rng);
		assert!(Commitments::combine(&[(ca, &a.commitments), (cb, &c.commitments)]).is_err());
	}

	#[test]
	fn commitments_round_trip_and_garbage_is_refused() {
		let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(10);
		let dealing = deal(&[Fr::from(1u64)], 3, &points(7), &mut rng);
		let bytes = dealing.commitments.to_bytes();
		assert_eq!(bytes.len(), 4 * POINT_BYTES);
		assert_eq!(Commitments::from_bytes(&bytes).unwrap(), dealing.commitments);
		assert!(Commitments::from_bytes(&bytes[1..]).is_err());
		assert!(Commitments::from_bytes(&[0xff; POINT_BYTES]).is_err());
		assert!(Commitments::from_bytes(&[]).is_err());
	}
}
