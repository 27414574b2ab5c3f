//! A member's proof that the shares it entered into an auditable run ([`crate::audit`]) are its
//! shares of what the owners dealt ([`crate::committed_input::deal_tagged`]): with it, a member
//! that brings another share is named by the others as soon as it enters it, where the owners'
//! MAC check would only say that some member did.
//!
//! Member i (Shamir point x_i = i + 1, Lagrange coefficient λ_i at 0 among the points 1..=n)
//! enters, for each dealt input h, its additive shares y_{h,k} = λ_i·v_{h,k}(x_i) of the dealt
//! vector (the elements, the key, the tags) as inputs of its own: each is committed in the run
//! as E_{h,k} = y_{h,k}·G + ρ_{h,k}·H, ρ_{h,k} the blind of the mask it came through, which the
//! member knows. The dealing commits to the same values under other generators: λ_i times its
//! commitment at x_i,
//!
//! ```text
//! V_h = λ_i·Σ_j x_i^j·C_{h,j} = Σ_k y_{h,k}·G_{g(k)} + s_h·H      (s_h = λ_i·r_h(x_i))
//! ```
//!
//! where g(k) is where entered value k sits in the dealt vector; an input widened to a larger
//! slot enters zeros that were never dealt ([`positions`]), which E must then commit to as 0.
//! Weights χ_{h,k} and μ_h, hashed from the run so far and what the member broadcast (so drawn
//! once the E's and V's are fixed), fold everything into two equations:
//!
//! ```text
//! E* = Σ_{h,k} χ_{h,k}·E_{h,k} = (Σ χ_{h,k}·y_{h,k})·G + (Σ χ_{h,k}·ρ_{h,k})·H
//! V* = Σ_h μ_h·V_h             = Σ_{h,k dealt} μ_h·y_{h,k}·G_{g(k)} + (Σ μ_h·s_h)·H
//! ```
//!
//! and the member proves, in a Schnorr proof of a linear relation made non-interactive by
//! Fiat–Shamir, that one set of y (the dealt positions' only) satisfies both. Soundness: an
//! extractor gets y that open V* and, through E*, the E's folded by χ; by the binding of the
//! commitments and the weights drawn after E and V were fixed, each E_{h,k} then commits to the
//! y its V_h does (and widened positions to 0), except with probability about (Σ|h|)/|Fr|.
//! Zero knowledge: the announcement A, B is uniform and the responses are the witness masked by
//! fresh randomness. Size: two points and one scalar per dealt value plus two (4,320 bytes for
//! a 64-bit input with its bits, its key and its tags).

use crate::{
	error::{MpcError, Result},
	vss::{self, POINT_BYTES},
};
use ark_bls12_381::{Fr, G1Affine, G1Projective};
use ark_ec::CurveGroup;
use ark_ff::{PrimeField, UniformRand, Zero};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use blake2::{Blake2b512, Digest};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha12Rng;

const SCALAR_BYTES: usize = 32;

/// Where each entered value of an input sits in the vector its owner dealt: an input of `dealt`
/// elements (bits, or one field element) widened to `elements` enters the elements, zeros up
/// to `elements`, the key, the elements' tags, zeros again, and the key's tag
/// ([`crate::protocol::HeldInput::widened`]); the dealt vector is the elements, the key and
/// the tags without the zeros. `None` marks a zero that was never dealt.
pub fn positions(dealt: usize, elements: usize) -> Vec<Option<usize>> {
	let padded = |first: usize| (0..elements).map(move |e| (e < dealt).then_some(first + e));
	padded(0).chain([Some(dealt)]).chain(padded(dealt + 1)).chain([Some(2 * dealt + 1)]).collect()
}

/// What one member proves of one input: where its entered values sit ([`positions`]), the
/// values and the blinds of their commitments in the run, and s_h, its blind of V_h.
pub struct Witness<'a> {
	pub positions: &'a [Option<usize>],
	pub values: &'a [Fr],
	pub blinds: &'a [Fr],
	pub blind: Fr,
}

/// The weights χ_{h,k} (per input, per entered value) and μ_h of one member's proof.
pub struct Weights {
	pub chi: Vec<Vec<Fr>>,
	pub mu: Vec<Fr>,
}

impl Weights {
	/// Drawn from `context` (what fixes the statement: see [`crate::audit`]) for inputs of
	/// `lengths` entered values each.
	pub fn new(context: &[u8; 32], lengths: &[usize]) -> Self {
		let mut coins = ChaCha12Rng::from_seed(*context);
		let chi = lengths.iter().map(|len| (0..*len).map(|_| Fr::rand(&mut coins)).collect()).collect();
		let mu = lengths.iter().map(|_| Fr::rand(&mut coins)).collect();
		Weights { chi, mu }
	}
}

/// The proof: the announcement A, B and the responses z (one per dealt position, input by
/// input), w and u.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryProof {
	a: G1Affine,
	b: G1Affine,
	z: Vec<Fr>,
	w: Fr,
	u: Fr,
}

/// Proves `inputs` under `weights` (drawn from `context`), for the folded E* and V* the
/// verifiers compute from the run and the dealings (the prover computes them the same way, so
/// that the challenge is the same for everyone).
pub fn prove(context: &[u8; 32], weights: &Weights, inputs: &[Witness], folded: (G1Projective, G1Projective), rng: &mut dyn RngCore) -> EntryProof {
	let generators = vss::generators(vss::MAX_VECTOR);
	// A = (Σ χ·α)·G + β·H and B = Σ μ·α·G_g + γ·H, for fresh α per dealt position, β and γ.
	let (mut on_g, mut rho, mut s) = (Fr::zero(), Fr::zero(), Fr::zero());
	let mut on_generators = vec![Fr::zero(); generators.len()];
	let mut alphas = Vec::new();
	for ((input, chi), mu) in inputs.iter().zip(&weights.chi).zip(&weights.mu) {
		for ((position, blind), x) in input.positions.iter().zip(input.blinds).zip(chi) {
			rho += *x * blind;
			if let Some(g) = position {
				let alpha = Fr::rand(rng);
				on_g += *x * alpha;
				on_generators[*g] += *mu * alpha;
				alphas.push(alpha);
			}
		}
		s += *mu * input.blind;
	}
	let (beta, gamma) = (Fr::rand(rng), Fr::rand(rng));
	let h = vss::h();
	let a = generators[0] * on_g + h * beta;
	let bases: Vec<G1Affine> = generators.iter().copied().chain([h]).collect();
	let b = crate::msm::msm(&bases, &[on_generators, vec![gamma]].concat()).expect("one scalar per base");
	let [a, b] = G1Projective::normalize_batch(&[a, b]).try_into().expect("two points");
	let c = challenge(context, folded, a, b);
	let values = inputs.iter().flat_map(|i| i.positions.iter().zip(i.values).filter(|(p, _)| p.is_some()).map(|(_, y)| *y));
	let z = alphas.iter().zip(values).map(|(alpha, y)| *alpha + c * y).collect();
	EntryProof { a, b, z, w: beta + c * rho, u: gamma + c * s }
}

/// Whether `proof` shows that the values E* folds are the dealt ones V* folds, for inputs
/// entered at `positions` (one slice per input, as proven) under `weights`.
pub fn verify(context: &[u8; 32], weights: &Weights, positions: &[&[Option<usize>]], folded: (G1Projective, G1Projective), proof: &EntryProof, rng: &mut dyn RngCore) -> bool {
	let dealt: usize = positions.iter().map(|p| p.iter().flatten().count()).sum();
	if proof.z.len() != dealt || weights.chi.len() != positions.len() {
		return false;
	}
	let generators = vss::generators(vss::MAX_VECTOR);
	let c = challenge(context, folded, proof.a, proof.b);
	// (Σ χ·z)·G + w·H − A − c·E* = 0 and Σ μ·z·G_g + u·H − B − c·V* = 0, the second weighted by r.
	let r = Fr::rand(rng);
	let mut on_generators = vec![Fr::zero(); generators.len()];
	let mut z = proof.z.iter();
	for ((position, chi), mu) in positions.iter().zip(&weights.chi).zip(&weights.mu) {
		for (position, x) in position.iter().zip(chi) {
			if let Some(g) = position {
				let Some(z) = z.next() else { return false };
				on_generators[0] += *x * z;
				on_generators[*g] += r * mu * z;
			}
		}
	}
	let (e_star, v_star) = folded;
	let [e_star, v_star] = G1Projective::normalize_batch(&[e_star, v_star]).try_into().expect("two points");
	let bases: Vec<G1Affine> = generators.iter().copied().chain([vss::h(), proof.a, proof.b, e_star, v_star]).collect();
	let scalars: Vec<Fr> = on_generators.into_iter().chain([proof.w + r * proof.u, -Fr::from(1u64), -r, -c, -r * c]).collect();
	let sum = crate::msm::msm(&bases, &scalars).expect("one scalar per base");
	crate::audit::vanishes(sum)
}

impl EntryProof {
	/// A and B compressed, then the responses (32 bytes each, little-endian).
	pub fn to_bytes(&self) -> Vec<u8> {
		let mut out = Vec::with_capacity(2 * POINT_BYTES + (self.z.len() + 2) * SCALAR_BYTES);
		for point in [self.a, self.b] {
			point.serialize_compressed(&mut out).expect("writing to a Vec");
		}
		for z in self.z.iter().chain([&self.w, &self.u]) {
			z.serialize_compressed(&mut out).expect("writing to a Vec");
		}
		out
	}

	/// Parses a proof of `dealt` positions: points in G1's prime-order group, scalars below
	/// the field's modulus.
	pub fn from_bytes(bytes: &[u8], dealt: usize) -> Result<EntryProof> {
		let expected = 2 * POINT_BYTES + (dealt + 2) * SCALAR_BYTES;
		if bytes.len() != expected {
			return Err(MpcError::InvalidParameters(format!("an entry proof of {dealt} values is {expected} bytes, not {}", bytes.len())));
		}
		let (points, scalars) = bytes.split_at(2 * POINT_BYTES);
		let point = |p: &[u8]| G1Affine::deserialize_compressed(p).map_err(|e| MpcError::InvalidParameters(format!("not a G1 point: {e}")));
		let mut responses = scalars
			.chunks(SCALAR_BYTES)
			.map(|s| Fr::deserialize_compressed(s).map_err(|e| MpcError::InvalidParameters(format!("not a scalar: {e}"))))
			.collect::<Result<Vec<_>>>()?;
		let (u, w) = (responses.pop().expect("two at least"), responses.pop().expect("two at least"));
		Ok(EntryProof { a: point(&points[..POINT_BYTES])?, b: point(&points[POINT_BYTES..])?, z: responses, w, u })
	}
}

/// c: a hash of the context, the folded statement and the announcement.
fn challenge(context: &[u8; 32], (e_star, v_star): (G1Projective, G1Projective), a: G1Affine, b: G1Affine) -> Fr {
	let mut hash = Blake2b512::new_with_prefix(b"enigma/entry-proof/c/v1");
	hash.update(context);
	let mut points = Vec::with_capacity(4 * POINT_BYTES);
	for point in G1Projective::normalize_batch(&[e_star, v_star]).iter().chain([&a, &b]) {
		point.serialize_compressed(&mut points).expect("writing to a Vec");
	}
	hash.update(points);
	Fr::from_le_bytes_mod_order(&hash.finalize())
}

#[cfg(test)]
mod tests {
	use super::*;
	use rand_chacha::ChaCha20Rng;

	/// One member's view of inputs dealt with `dealt` elements each, widened to `elements`: its
	/// entered values and blinds, E* and V* from commitments, and the weights.
	struct Case {
		positions: Vec<Vec<Option<usize>>>,
		values: Vec<Vec<Fr>>,
		blinds: Vec<Vec<Fr>>,
		vector_blinds: Vec<Fr>,
		e: Vec<Vec<G1Projective>>,
		v: Vec<G1Projective>,
	}

	fn case(shapes: &[(usize, usize)], rng: &mut ChaCha20Rng) -> Case {
		let (g, h) = (vss::generators(1)[0], vss::h());
		let mut case = Case { positions: vec![], values: vec![], blinds: vec![], vector_blinds: vec![], e: vec![], v: vec![] };
		for &(dealt, elements) in shapes {
			let positions = positions(dealt, elements);
			let vector: Vec<Fr> = (0..2 * dealt + 2).map(|_| Fr::rand(rng)).collect();
			let values: Vec<Fr> = positions.iter().map(|p| p.map_or(Fr::zero(), |g| vector[g])).collect();
			let blinds: Vec<Fr> = values.iter().map(|_| Fr::rand(rng)).collect();
			let s = Fr::rand(rng);
			let v = crate::msm::msm(&[vss::generators(vector.len()), &[h]].concat(), &[vector.clone(), vec![s]].concat()).unwrap();
			case.e.push(values.iter().zip(&blinds).map(|(y, r)| g * y + h * r).collect());
			case.positions.push(positions);
			case.values.push(values);
			case.blinds.push(blinds);
			case.vector_blinds.push(s);
			case.v.push(v);
		}
		case
	}

	fn folded(case: &Case, weights: &Weights) -> (G1Projective, G1Projective) {
		let e = case.e.iter().zip(&weights.chi).flat_map(|(e, chi)| e.iter().zip(chi).map(|(e, c)| *e * c)).sum();
		let v = case.v.iter().zip(&weights.mu).map(|(v, mu)| *v * mu).sum();
		(e, v)
	}

	fn proven(case: &Case, context: &[u8; 32], rng: &mut ChaCha20Rng) -> (Weights, EntryProof) {
		let weights = Weights::new(context, &case.positions.iter().map(Vec::len).collect::<Vec<_>>());
		let witnesses: Vec<Witness> = (0..case.v.len())
			.map(|h| Witness { positions: &case.positions[h], values: &case.values[h], blinds: &case.blinds[h], blind: case.vector_blinds[h] })
			.collect();
		let proof = prove(context, &weights, &witnesses, folded(case, &weights), rng);
		(weights, proof)
	}

	fn holds(case: &Case, context: &[u8; 32], weights: &Weights, proof: &EntryProof, rng: &mut ChaCha20Rng) -> bool {
		let positions: Vec<&[Option<usize>]> = case.positions.iter().map(Vec::as_slice).collect();
		verify(context, weights, &positions, folded(case, weights), proof, rng)
	}

	#[test]
	fn positions_skip_the_zeros_a_widening_adds() {
		assert_eq!(positions(1, 1), vec![Some(0), Some(1), Some(2), Some(3)]);
		assert_eq!(positions(2, 3), vec![Some(0), Some(1), None, Some(2), Some(3), Some(4), None, Some(5)]);
	}

	#[test]
	fn a_member_that_entered_its_shares_proves_it_and_the_bytes_survive() {
		let mut rng = ChaCha20Rng::seed_from_u64(1);
		let case = case(&[(1, 1), (8, 8), (4, 16)], &mut rng);
		let context = [7; 32];
		let (weights, proof) = proven(&case, &context, &mut rng);
		assert!(holds(&case, &context, &weights, &proof, &mut rng));
		let dealt = 4 + 18 + 10;
		let bytes = proof.to_bytes();
		assert_eq!(bytes.len(), 2 * POINT_BYTES + (dealt + 2) * SCALAR_BYTES);
		assert_eq!(EntryProof::from_bytes(&bytes, dealt).unwrap(), proof);
		assert!(EntryProof::from_bytes(&bytes, dealt + 1).is_err());
		assert!(EntryProof::from_bytes(&bytes[1..], dealt).is_err());
	}

	#[test]
	fn another_share_entered_gets_no_proof_that_verifies() {
		let mut rng = ChaCha20Rng::seed_from_u64(2);
		let context = [9; 32];
		// A dealt value entered shifted (the member proves what it entered), a widening zero
		// entered as 1, and a value entered shifted while the member claims the dealt one.
		for (input, k, proves_the_shift) in [(0, 0, true), (1, 2, true), (1, 3, false)] {
			let mut case = case(&[(1, 1), (2, 3)], &mut rng);
			let (g, h) = (vss::generators(1)[0], vss::h());
			let entered = case.values[input][k] + Fr::from(1u64);
			case.e[input][k] = g * entered + h * case.blinds[input][k];
			if proves_the_shift {
				case.values[input][k] = entered;
			}
			let (weights, proof) = proven(&case, &context, &mut rng);
			assert!(!holds(&case, &context, &weights, &proof, &mut rng), "input {input}, value {k}");
		}
		// The same members' honest proofs hold.
		let case = case(&[(1, 1), (2, 3)], &mut rng);
		let (weights, proof) = proven(&case, &context, &mut rng);
		assert!(holds(&case, &context, &weights, &proof, &mut rng));
	}

	#[test]
	fn a_proof_holds_in_its_own_context_only() {
		let mut rng = ChaCha20Rng::seed_from_u64(3);
		let case = case(&[(2, 2)], &mut rng);
		let (weights, proof) = proven(&case, &[1; 32], &mut rng);
		assert!(holds(&case, &[1; 32], &weights, &proof, &mut rng));
		let other = Weights::new(&[2; 32], &[case.positions[0].len()]);
		assert!(!holds(&case, &[2; 32], &other, &proof, &mut rng));
	}
}
