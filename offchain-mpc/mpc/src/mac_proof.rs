//! An owner's proof that the MAC it deals for a dishonest majority
//! ([`crate::committed_input::deal_tagged`]) is its key times what it deals. With it, an owner
//! whose tags are wrong is refused before any member holds its input, and a run whose client
//! MAC check fails ([`crate::spdz`]) blames the members, never an owner: without it, an owner
//! could make every task that reads its input abort with nobody named.
//!
//! The dealt vector v = (e_0, .., e_{m-1}, k, k·e_0, .., k·e_{m-1}, k²), of length 2m + 2, is
//! committed by its sharing's constant term C_0 = Σ_j v_j·G_j + r_0·H ([`crate::vss`]). Writing
//! e_m = k, the claim is v_{m+1+j} = k·v_j for j = 0..=m. A coin χ hashed from the commitments
//! (so drawn once v is fixed) folds the m + 1 equations into one,
//!
//! ```text
//! T = k·E,   E = Σ_{j≤m} χ^j·v_j,   T = Σ_{j≤m} χ^j·v_{m+1+j},
//! ```
//!
//! which wrong tags satisfy with probability at most m/|Fr| (T − k·E is then a non-zero
//! polynomial of degree at most m in χ). The owner commits B = E·G + s_B·H, D = T·G + s_D·H and
//! W = k⁻¹·G + s_W·H (G = G_0) and proves, in one Schnorr proof of a linear relation made
//! non-interactive by Fiat–Shamir, that it knows w = (v, r_0, s_B, s_D, u, u') with
//!
//! ```text
//! C_0 = Σ_j v_j·G_j + r_0·H
//! B   = (Σ_{j≤m} χ^j·v_j)·G + s_B·H
//! D   = (Σ_{j≤m} χ^j·v_{m+1+j})·G + s_D·H
//! D   = v_m·B + u·H                            (u = s_D − k·s_B)
//! G   = v_m·W + u'·H                           (u' = −k·s_W)
//! ```
//!
//! The fourth line reads D = k·B + u·H, so T·G + s_D·H = k·E·G + (k·s_B + u)·H: T = k·E unless
//! the owner knows log_G H. The fifth makes k non-zero (with k = 0 it would say G = u'·H): a
//! zero key would tag every element 0, and the committee's MAC check would then pass whatever
//! the members bring, so an owner and one member could change a committed input at each task.
//! The proof is the announcement R_1..R_5 (the five maps applied to a random ω) and
//! z = ω + c·w for the challenge c hashed from the statement (the vector's length, the
//! commitments) and everything before it; the verifier checks each line as z's image =
//! R_i + c·(its left side). Zero knowledge: B, D and W are perfectly hiding, and z is uniform
//! given c. Size: eight points and 2m + 7 scalars (4,704 bytes for a 64-bit input with its bits,
//! 8,800 at 128 bits).

use crate::{
	error::{MpcError, Result},
	vss::{self, Commitments, POINT_BYTES},
};
use ark_bls12_381::{Fr, G1Affine, G1Projective};
use ark_ec::CurveGroup;
use ark_ff::{Field, PrimeField, UniformRand, Zero};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use blake2::{Blake2b512, Digest};
use rand::RngCore;

const SCALAR_BYTES: usize = 32;

/// The points of a proof.
const POINTS: usize = 8;
/// The responses beyond the vector's: r_0, s_B, s_D, u, u'.
const EXTRA: usize = 5;

/// The proof: B, D, W, the announcement R_1..R_5 and the responses z (v's 2m + 2, then r_0,
/// s_B, s_D, u, u').
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MacProof {
	b: G1Affine,
	d: G1Affine,
	w: G1Affine,
	announced: [G1Affine; 5],
	responses: Vec<Fr>,
}

/// Proves that `vector` (the dealt elements, the key, their tags: 2m + 2 values, m ≥ 1),
/// committed with `blind` by the constant term of `commitments`, carries the key's MAC. A
/// vector whose tags are wrong gets a proof that does not verify.
pub fn prove(commitments: &Commitments, vector: &[Fr], blind: Fr, rng: &mut dyn RngCore) -> MacProof {
	let m = dealt(vector.len()).expect("a dealt vector: elements, the key, a tag each");
	let chi = powers(coin(commitments, vector.len()), m + 1);
	let key = vector[m];
	let (e, t) = folded(&chi, vector, m);
	let (s_b, s_d, s_w) = (Fr::rand(rng), Fr::rand(rng), Fr::rand(rng));
	let (g, h) = (vss::generators(1)[0], vss::h());
	let b = (g * e + h * s_b).into_affine();
	let d = (g * t + h * s_d).into_affine();
	// A zero key has no inverse: its proof does not verify.
	let w = (g * key.inverse().unwrap_or_default() + h * s_w).into_affine();
	let witness: Vec<Fr> = vector.iter().copied().chain([blind, s_b, s_d, s_d - key * s_b, -key * s_w]).collect();
	let omega: Vec<Fr> = witness.iter().map(|_| Fr::rand(rng)).collect();
	let announced = images(&omega, &chi, b, w, m);
	let c = challenge(commitments, vector.len(), [b, d, w], &announced);
	let responses = omega.iter().zip(&witness).map(|(o, w)| *o + c * w).collect();
	MacProof { b, d, w, announced, responses }
}

/// Whether `proof` shows that the constant term of `commitments` commits to a vector of
/// `length` values (2m + 2) carrying its key's MAC: [`verify_batch`] of one.
pub fn verify(commitments: &Commitments, length: usize, proof: &MacProof, rng: &mut dyn RngCore) -> bool {
	verify_batch(&[(commitments, length, proof)], rng)
}

/// Whether every proof holds, in one multi-scalar multiplication: each proof's five lines
/// weighted by five random ρ's from `rng` and everything summed (a false proof passes with
/// probability 1/|Fr|). The generators' scalars are summed in the field first, so a proof costs
/// the MSM its ten other points, not its vector's length. An empty batch holds.
pub fn verify_batch(proofs: &[(&Commitments, usize, &MacProof)], rng: &mut dyn RngCore) -> bool {
	let mut generators: Vec<Fr> = Vec::new();
	let (mut bases, mut scalars) = (Vec::new(), Vec::new());
	for (commitments, length, proof) in proofs {
		let rho: [Fr; 5] = core::array::from_fn(|_| Fr::rand(rng));
		let Some((on_generators, terms)) = lines(commitments, *length, proof, rho) else { return false };
		if generators.len() < on_generators.len() {
			generators.resize(on_generators.len(), Fr::zero());
		}
		generators.iter_mut().zip(on_generators).for_each(|(sum, s)| *sum += s);
		for (base, scalar) in terms {
			bases.push(base);
			scalars.push(scalar);
		}
	}
	bases.extend_from_slice(vss::generators(generators.len()));
	scalars.extend(generators);
	crate::msm::msm(&bases, &scalars).is_some_and(|sum| sum.is_zero())
}

/// Σ_i ρ_i·(line i), each line as its image of z minus R_i minus c times its left side: the
/// scalars of G_0..G_{length−1} (G_0 carries lines 1, 2, 3 and 5), and the other points with
/// theirs. None if the proof is not for `length` values.
fn lines(commitments: &Commitments, length: usize, proof: &MacProof, rho: [Fr; 5]) -> Option<(Vec<Fr>, [(G1Affine, Fr); 10])> {
	let m = dealt(length)?;
	let c0 = *commitments.0.first()?;
	if proof.responses.len() != length + EXTRA {
		return None;
	}
	let chi = powers(coin(commitments, length), m + 1);
	let c = challenge(commitments, length, [proof.b, proof.d, proof.w], &proof.announced);
	let z = &proof.responses;
	let [z_r, z_b, z_d, z_u, z_u2] = core::array::from_fn(|i| z[length + i]);
	let (z_e, z_t) = folded(&chi, &z[..length], m);
	let mut generators: Vec<Fr> = z[..length].iter().map(|z| rho[0] * z).collect();
	generators[0] += rho[1] * z_e + rho[2] * z_t - rho[4] * c;
	let [r1, r2, r3, r4, r5] = proof.announced;
	let terms = [
		(vss::h(), rho[0] * z_r + rho[1] * z_b + rho[2] * z_d + rho[3] * z_u + rho[4] * z_u2),
		(c0, -rho[0] * c),
		(proof.b, rho[3] * z[m] - rho[1] * c),
		(proof.d, -(rho[2] + rho[3]) * c),
		(proof.w, rho[4] * z[m]),
		(r1, -rho[0]),
		(r2, -rho[1]),
		(r3, -rho[2]),
		(r4, -rho[3]),
		(r5, -rho[4]),
	];
	Some((generators, terms))
}

impl MacProof {
	/// B, D, W and R_1..R_5 compressed, then the responses (32 bytes each, little-endian).
	pub fn to_bytes(&self) -> Vec<u8> {
		let mut out = Vec::with_capacity(POINTS * POINT_BYTES + self.responses.len() * SCALAR_BYTES);
		for point in [self.b, self.d, self.w].iter().chain(&self.announced) {
			point.serialize_compressed(&mut out).expect("writing to a Vec");
		}
		for z in &self.responses {
			z.serialize_compressed(&mut out).expect("writing to a Vec");
		}
		out
	}

	/// Parses a proof for a vector of `length` values: points checked to be in G1's prime-order
	/// group, scalars below the field's modulus.
	pub fn from_bytes(bytes: &[u8], length: usize) -> Result<MacProof> {
		let expected = POINTS * POINT_BYTES + (length + EXTRA) * SCALAR_BYTES;
		if dealt(length).is_none() || bytes.len() != expected {
			return Err(MpcError::InvalidParameters(format!("a MAC proof for {length} values is {expected} bytes, not {}", bytes.len())));
		}
		let (points, scalars) = bytes.split_at(POINTS * POINT_BYTES);
		let points = points
			.chunks(POINT_BYTES)
			.map(|p| G1Affine::deserialize_compressed(p).map_err(|e| MpcError::InvalidParameters(format!("not a G1 point: {e}"))))
			.collect::<Result<Vec<_>>>()?;
		let responses = scalars
			.chunks(SCALAR_BYTES)
			.map(|s| Fr::deserialize_compressed(s).map_err(|e| MpcError::InvalidParameters(format!("not a scalar: {e}"))))
			.collect::<Result<Vec<_>>>()?;
		let announced = core::array::from_fn(|i| points[3 + i]);
		Ok(MacProof { b: points[0], d: points[1], w: points[2], announced, responses })
	}
}

/// m for a vector of 2m + 2 values (m ≥ 1 dealt elements), within the generators there are.
fn dealt(length: usize) -> Option<usize> {
	(length >= 4 && length % 2 == 0 && length <= vss::MAX_VECTOR).then(|| length / 2 - 1)
}

/// (E, T): Σ_{j≤m} χ^j·v_j and Σ_{j≤m} χ^j·v_{m+1+j}.
fn folded(chi: &[Fr], v: &[Fr], m: usize) -> (Fr, Fr) {
	let fold = |part: &[Fr]| chi.iter().zip(part).map(|(c, v)| *c * v).sum::<Fr>();
	(fold(&v[..=m]), fold(&v[m + 1..]))
}

/// R_1..R_5: the five lines' right-hand maps applied to `omega` (shaped as the witness).
fn images(omega: &[Fr], chi: &[Fr], b: G1Affine, w: G1Affine, m: usize) -> [G1Affine; 5] {
	let length = 2 * m + 2;
	let [o_r, o_b, o_d, o_u, o_u2] = core::array::from_fn(|i| omega[length + i]);
	let bases: Vec<G1Affine> = vss::generators(length).iter().copied().chain([vss::h()]).collect();
	let r1 = crate::msm::msm(&bases, &[&omega[..length], &[o_r]].concat()).expect("one scalar per base");
	let (e, t) = folded(chi, &omega[..length], m);
	let (g, h) = (vss::generators(1)[0], vss::h());
	let images = [r1, g * e + h * o_b, g * t + h * o_d, b * omega[m] + h * o_u, w * omega[m] + h * o_u2];
	G1Projective::normalize_batch(&images).try_into().expect("five points")
}

/// χ: a hash of the vector's length and every commitment, so of C_0 and with it of the dealt
/// vector.
fn coin(commitments: &Commitments, length: usize) -> Fr {
	let mut hash = Blake2b512::new_with_prefix(b"enigma/mac-proof/chi/v2");
	hash.update((length as u32).to_le_bytes());
	hash.update(commitments.to_bytes());
	Fr::from_le_bytes_mod_order(&hash.finalize())
}

/// c: a hash of the statement (the length, the commitments), B, D, W and the announcement.
fn challenge(commitments: &Commitments, length: usize, committed: [G1Affine; 3], announced: &[G1Affine; 5]) -> Fr {
	let mut hash = Blake2b512::new_with_prefix(b"enigma/mac-proof/c/v2");
	hash.update((length as u32).to_le_bytes());
	hash.update(commitments.to_bytes());
	let mut points = Vec::with_capacity(POINTS * POINT_BYTES);
	for point in committed.iter().chain(announced) {
		point.serialize_compressed(&mut points).expect("writing to a Vec");
	}
	hash.update(points);
	Fr::from_le_bytes_mod_order(&hash.finalize())
}

/// 1, x, .., x^{count−1}.
fn powers(x: Fr, count: usize) -> Vec<Fr> {
	core::iter::successors(Some(Fr::ONE), |p| Some(*p * x)).take(count).collect()
}

#[cfg(test)]
mod tests {
	use super::*;
	use ark_ec::AffineRepr;
	use rand::SeedableRng;
	use rand_chacha::ChaCha20Rng;

	/// A vector of `m` elements with key k, its tags made by `tag`, and its degree-2 dealing.
	fn dealt_vector(m: usize, tag: impl Fn(usize, Fr, Fr) -> Fr, rng: &mut ChaCha20Rng) -> (Commitments, Vec<Fr>, Fr) {
		let elements: Vec<Fr> = (0..m).map(|_| Fr::rand(rng)).collect();
		let key = Fr::rand(rng);
		let keyed: Vec<Fr> = elements.iter().copied().chain([key]).collect();
		let vector: Vec<Fr> = keyed.iter().copied().chain(keyed.iter().enumerate().map(|(j, e)| tag(j, key, *e))).collect();
		let blind = Fr::rand(rng);
		let points: Vec<Fr> = (1..=3u64).map(Fr::from).collect();
		(vss::deal_blinded(&vector, blind, None, 2, &points, rng).commitments, vector, blind)
	}

	#[test]
	fn a_proof_of_right_tags_verifies_and_survives_its_bytes() {
		let rng = &mut ChaCha20Rng::seed_from_u64(1);
		for m in [1, 2, 64, 128] {
			let (commitments, vector, blind) = dealt_vector(m, |_, k, e| k * e, rng);
			let proof = prove(&commitments, &vector, blind, rng);
			let bytes = proof.to_bytes();
			assert_eq!(bytes.len(), 8 * 48 + (2 * m + 7) * 32);
			let parsed = MacProof::from_bytes(&bytes, vector.len()).unwrap();
			assert_eq!(parsed, proof);
			assert!(verify(&commitments, vector.len(), &parsed, rng), "m = {m}");
			assert!(!verify(&commitments, vector.len() + 2, &parsed, rng), "another length");
			assert!(MacProof::from_bytes(&bytes[1..], vector.len()).is_err());
		}
	}

	#[test]
	fn wrong_tags_get_no_proof_that_verifies() {
		let rng = &mut ChaCha20Rng::seed_from_u64(2);
		let m = 8;
		// One element's tag off by one, the key's tag off by one (k² + 1), every tag zero.
		let lies: [&dyn Fn(usize, Fr, Fr) -> Fr; 3] =
			[&|j, k, e| if j == 3 { k * e + Fr::ONE } else { k * e }, &|j, k, e| if j == m { k * k + Fr::ONE } else { k * e }, &|_, _, _| Fr::zero()];
		for (i, lie) in lies.iter().enumerate() {
			let (commitments, vector, blind) = dealt_vector(m, lie, rng);
			let proof = prove(&commitments, &vector, blind, rng);
			assert!(!verify(&commitments, vector.len(), &proof, rng), "lie {i}");
		}
	}

	/// A zero key tags every element 0 (so the tags are "k times" anything): refused, since the
	/// committee's MAC check would then pass whatever a member brings.
	#[test]
	fn a_zero_key_gets_no_proof_that_verifies() {
		let rng = &mut ChaCha20Rng::seed_from_u64(5);
		let m = 4;
		let vector: Vec<Fr> = (0..m).map(|_| Fr::rand(rng)).chain(core::iter::repeat(Fr::zero()).take(m + 2)).collect();
		let blind = Fr::rand(rng);
		let points: Vec<Fr> = (1..=3u64).map(Fr::from).collect();
		let commitments = vss::deal_blinded(&vector, blind, None, 2, &points, rng).commitments;
		assert!(!verify(&commitments, vector.len(), &prove(&commitments, &vector, blind, rng), rng));
	}

	#[test]
	fn a_batch_holds_exactly_when_every_proof_does() {
		let rng = &mut ChaCha20Rng::seed_from_u64(4);
		let mut dealt: Vec<(Commitments, usize, MacProof)> = [1, 32, 64, 128]
			.into_iter()
			.map(|m| {
				let (commitments, vector, blind) = dealt_vector(m, |_, k, e| k * e, rng);
				let proof = prove(&commitments, &vector, blind, rng);
				(commitments, vector.len(), proof)
			})
			.collect();
		let batch = |dealt: &[(Commitments, usize, MacProof)], rng: &mut ChaCha20Rng| verify_batch(&dealt.iter().map(|(c, l, p)| (c, *l, p)).collect::<Vec<_>>(), rng);
		assert!(batch(&dealt, rng));
		assert!(batch(&[], rng));
		let (commitments, vector, blind) = dealt_vector(16, |j, k, e| if j == 0 { k * e + Fr::ONE } else { k * e }, rng);
		dealt.push((commitments.clone(), vector.len(), prove(&commitments, &vector, blind, rng)));
		assert!(!batch(&dealt, rng));
	}

	#[test]
	fn a_proof_holds_for_its_own_commitments_and_values_only() {
		let rng = &mut ChaCha20Rng::seed_from_u64(3);
		let (commitments, vector, blind) = dealt_vector(4, |_, k, e| k * e, rng);
		let proof = prove(&commitments, &vector, blind, rng);
		// Another dealing of right tags does not take it.
		let (other, ..) = dealt_vector(4, |_, k, e| k * e, rng);
		assert!(!verify(&other, vector.len(), &proof, rng));
		// Any response, point or the blind changed breaks it.
		let h = |p: G1Affine| (p + vss::h()).into_affine();
		let changes: [&dyn Fn(&mut MacProof); 6] = [
			&|p| p.b = h(p.b),
			&|p| p.d = h(p.d),
			&|p| p.w = h(p.w),
			&|p| p.announced[4] = h(p.announced[4]),
			&|p| p.responses[0] += Fr::ONE,
			&|p| *p.responses.last_mut().unwrap() += Fr::ONE,
		];
		for (i, change) in changes.iter().enumerate() {
			let mut changed = proof.clone();
			change(&mut changed);
			assert!(!verify(&commitments, vector.len(), &changed, rng), "change {i}");
		}
		assert!(!verify(&commitments, vector.len(), &prove(&commitments, &vector, blind + Fr::ONE, rng), rng));
		assert!(!verify(&Commitments(vec![<G1Affine as AffineRepr>::zero(); 3]), vector.len(), &proof, rng));
	}
}
