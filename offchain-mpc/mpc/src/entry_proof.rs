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
//! Weights χ_{h,k}, hashed from the run so far and what the member broadcast (so drawn once the
//! E's are fixed), fold the entries into one commitment,
//!
//! ```text
//! E* = Σ_{h,k} χ_{h,k}·E_{h,k} = (Σ χ_{h,k}·y_{h,k})·G + (Σ χ_{h,k}·ρ_{h,k})·H,
//! ```
//!
//! and the member proves, in a Schnorr proof of a linear relation made non-interactive by
//! Fiat–Shamir, that one set of y (the dealt positions' only) opens E* this way and every V_h.
//! Each V_h is an equation of its own: the inputs share the generators G_0, G_1, .., so V's
//! folded across inputs would bind only weighted sums of the inputs' values, and a member could
//! move a change from one input to another until E* matched. Soundness: an extractor gets y that
//! open each V_h (so the dealt values, by the binding of the vector commitment) and E*; with χ
//! drawn after the E's were fixed, each E_{h,k} then commits to its y_{h,k} (and widened
//! positions to 0) except with probability about 1/|Fr| per draw of χ (a prover can redraw only
//! by broadcasting other differences), and a false equation survives the verifier's batching
//! coins with probability 1/|Fr|. Zero knowledge: the announcement A, B_h is uniform and the
//! responses are the witness masked by fresh randomness. Size: one point plus one per input
//! (uncompressed, 96 bytes: the run's frames are whole 32-byte words, which anyone can check
//! and which a compressed point's 48 bytes would break for an even number of inputs, handing the
//! chain a "malformed" frame an honest member signed), one scalar per dealt value plus one plus
//! one per input (4,416 bytes for a 64-bit input with its bits, its key and its tags; another
//! such input adds 4,288).

use crate::{
	error::{MpcError, Result},
	vss,
};
use ark_bls12_381::{Fr, G1Affine, G1Projective};
use ark_ec::CurveGroup;
use ark_ff::{PrimeField, UniformRand, Zero};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use blake2::{Blake2b512, Digest};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha12Rng;

const SCALAR_BYTES: usize = 32;
/// A point of the proof on the wire: uncompressed, three 32-byte words (see the module docs).
const POINT_BYTES: usize = 96;

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

/// The weights χ_{h,k} (per input, per entered value) of one member's proof.
pub struct Weights {
	pub chi: Vec<Vec<Fr>>,
}

impl Weights {
	/// Drawn from `context` (what fixes the statement: see [`crate::audit`]) for inputs of
	/// `lengths` entered values each.
	pub fn new(context: &[u8; 32], lengths: &[usize]) -> Self {
		let mut coins = ChaCha12Rng::from_seed(*context);
		Weights { chi: lengths.iter().map(|len| (0..*len).map(|_| Fr::rand(&mut coins)).collect()).collect() }
	}
}

/// The proof: the announcement A and B_h (one per input), the responses z (one per dealt
/// position, input by input), w, and u_h (one per input).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryProof {
	a: G1Affine,
	b: Vec<G1Affine>,
	z: Vec<Fr>,
	w: Fr,
	u: Vec<Fr>,
}

/// The statement as prover and verifiers compute it from public commitments: E* (the member's
/// entries folded by χ) and each input's V_h.
pub struct Folded {
	pub entries: G1Projective,
	pub dealt: Vec<G1Projective>,
}

/// Proves `inputs` under `weights` (drawn from `context`), for the statement the verifiers
/// compute from the run and the dealings (the prover computes it the same way, so that the
/// challenge is the same for everyone).
pub fn prove(context: &[u8; 32], weights: &Weights, inputs: &[Witness], statement: &Folded, rng: &mut dyn RngCore) -> EntryProof {
	let generators = vss::generators(vss::MAX_VECTOR);
	let h = vss::h();
	// A = (Σ χ·α)·G + β·H and B_h = Σ_k α_{h,k}·G_{g(k)} + γ_h·H, for fresh α per dealt
	// position, β and γ_h.
	let (mut on_g, mut rho) = (Fr::zero(), Fr::zero());
	let mut alphas = Vec::new();
	let mut b = Vec::with_capacity(inputs.len());
	let mut gammas = Vec::with_capacity(inputs.len());
	for (input, chi) in inputs.iter().zip(&weights.chi) {
		let (mut bases, mut scalars) = (vec![h], vec![Fr::rand(rng)]);
		gammas.push(scalars[0]);
		for ((position, blind), x) in input.positions.iter().zip(input.blinds).zip(chi) {
			rho += *x * blind;
			if let Some(g) = position {
				let alpha = Fr::rand(rng);
				on_g += *x * alpha;
				bases.push(generators[*g]);
				scalars.push(alpha);
				alphas.push(alpha);
			}
		}
		b.push(crate::msm::msm(&bases, &scalars).expect("one scalar per base"));
	}
	let beta = Fr::rand(rng);
	let mut points = G1Projective::normalize_batch(&[vec![generators[0] * on_g + h * beta], b].concat());
	let b = points.split_off(1);
	let a = points[0];
	let c = challenge(context, statement, a, &b);
	let values = inputs.iter().flat_map(|i| i.positions.iter().zip(i.values).filter(|(p, _)| p.is_some()).map(|(_, y)| *y));
	let z = alphas.iter().zip(values).map(|(alpha, y)| *alpha + c * y).collect();
	let u = inputs.iter().zip(gammas).map(|(input, gamma)| gamma + c * input.blind).collect();
	EntryProof { a, b, z, w: beta + c * rho, u }
}

/// Whether `proof` shows that the values E* folds are the dealt ones each V_h commits to, for
/// inputs entered at `positions` (one slice per input, as proven) under `weights`.
pub fn verify(context: &[u8; 32], weights: &Weights, positions: &[&[Option<usize>]], statement: &Folded, proof: &EntryProof, rng: &mut dyn RngCore) -> bool {
	let inputs = positions.len();
	let dealt: usize = positions.iter().map(|p| p.iter().flatten().count()).sum();
	if proof.z.len() != dealt || proof.b.len() != inputs || proof.u.len() != inputs || weights.chi.len() != inputs || statement.dealt.len() != inputs {
		return false;
	}
	let generators = vss::generators(vss::MAX_VECTOR);
	let c = challenge(context, statement, proof.a, &proof.b);
	// (Σ χ·z)·G + w·H − A − c·E* = 0 and, for each h, Σ_k z_{h,k}·G_{g(k)} + u_h·H − B_h −
	// c·V_h = 0, weighted by r_h drawn here, after the proof: one multi-scalar multiplication.
	let r: Vec<Fr> = (0..inputs).map(|_| Fr::rand(rng)).collect();
	let mut on_generators = vec![Fr::zero(); generators.len()];
	let mut on_h = proof.w;
	let mut z = proof.z.iter();
	for (((position, chi), r), u) in positions.iter().zip(&weights.chi).zip(&r).zip(&proof.u) {
		for (position, x) in position.iter().zip(chi) {
			if let Some(g) = position {
				let Some(z) = z.next() else { return false };
				on_generators[0] += *x * z;
				on_generators[*g] += *r * z;
			}
		}
		on_h += *r * u;
	}
	let folded = G1Projective::normalize_batch(&[vec![statement.entries], statement.dealt.clone()].concat());
	let bases: Vec<G1Affine> = generators.iter().copied().chain([vss::h(), proof.a]).chain(proof.b.iter().copied()).chain(folded).collect();
	let scalars: Vec<Fr> = on_generators
		.into_iter()
		.chain([on_h, -Fr::from(1u64)])
		.chain(r.iter().map(|r| -*r))
		.chain([-c])
		.chain(r.iter().map(|r| -*r * c))
		.collect();
	let sum = crate::msm::msm(&bases, &scalars).expect("one scalar per base");
	crate::audit::vanishes(sum)
}

impl EntryProof {
	/// A and the B_h uncompressed, then the responses z, w and the u_h (32 bytes each,
	/// little-endian): a whole number of 32-byte words, as every frame of a run.
	pub fn to_bytes(&self) -> Vec<u8> {
		let mut out = Vec::with_capacity((1 + self.b.len()) * POINT_BYTES + (self.z.len() + 1 + self.u.len()) * SCALAR_BYTES);
		for point in core::iter::once(&self.a).chain(&self.b) {
			point.serialize_uncompressed(&mut out).expect("writing to a Vec");
		}
		for scalar in self.z.iter().chain([&self.w]).chain(&self.u) {
			scalar.serialize_compressed(&mut out).expect("writing to a Vec");
		}
		out
	}

	/// Parses a proof of `inputs` inputs and `dealt` dealt positions in all: points in G1's
	/// prime-order group, scalars below the field's modulus.
	pub fn from_bytes(bytes: &[u8], inputs: usize, dealt: usize) -> Result<EntryProof> {
		let points = 1 + inputs;
		let expected = points * POINT_BYTES + (dealt + 1 + inputs) * SCALAR_BYTES;
		if bytes.len() != expected {
			return Err(MpcError::InvalidParameters(format!("an entry proof of {inputs} inputs and {dealt} values is {expected} bytes, not {}", bytes.len())));
		}
		let (points, scalars) = bytes.split_at(points * POINT_BYTES);
		let mut points = points
			.chunks(POINT_BYTES)
			.map(|p| G1Affine::deserialize_uncompressed(p).map_err(|e| MpcError::InvalidParameters(format!("not a G1 point: {e}"))))
			.collect::<Result<Vec<_>>>()?;
		let mut scalars = scalars
			.chunks(SCALAR_BYTES)
			.map(|s| Fr::deserialize_compressed(s).map_err(|e| MpcError::InvalidParameters(format!("not a scalar: {e}"))))
			.collect::<Result<Vec<_>>>()?;
		let u = scalars.split_off(dealt + 1);
		let w = scalars.pop().expect("dealt + 1 scalars");
		let b = points.split_off(1);
		Ok(EntryProof { a: points[0], b, z: scalars, w, u })
	}
}

/// c: a hash of the context, the statement (E* and every V_h) and the announcement.
fn challenge(context: &[u8; 32], statement: &Folded, a: G1Affine, b: &[G1Affine]) -> Fr {
	let mut hash = Blake2b512::new_with_prefix(b"enigma/entry-proof/c/v2");
	hash.update(context);
	let folded = G1Projective::normalize_batch(&[vec![statement.entries], statement.dealt.clone()].concat());
	let mut points = Vec::with_capacity((folded.len() + 1 + b.len()) * vss::POINT_BYTES);
	for point in folded.iter().chain([&a]).chain(b) {
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
	/// entered values and blinds, their commitments E and the dealings' V.
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

	fn folded(case: &Case, weights: &Weights) -> Folded {
		let entries = case.e.iter().zip(&weights.chi).flat_map(|(e, chi)| e.iter().zip(chi).map(|(e, c)| *e * c)).sum();
		Folded { entries, dealt: case.v.clone() }
	}

	fn proven(case: &Case, context: &[u8; 32], rng: &mut ChaCha20Rng) -> (Weights, EntryProof) {
		let weights = Weights::new(context, &case.positions.iter().map(Vec::len).collect::<Vec<_>>());
		let witnesses: Vec<Witness> = (0..case.v.len())
			.map(|h| Witness { positions: &case.positions[h], values: &case.values[h], blinds: &case.blinds[h], blind: case.vector_blinds[h] })
			.collect();
		let proof = prove(context, &weights, &witnesses, &folded(case, &weights), rng);
		(weights, proof)
	}

	fn holds(case: &Case, context: &[u8; 32], weights: &Weights, proof: &EntryProof, rng: &mut ChaCha20Rng) -> bool {
		let positions: Vec<&[Option<usize>]> = case.positions.iter().map(Vec::as_slice).collect();
		verify(context, weights, &positions, &folded(case, weights), proof, rng)
	}

	#[test]
	fn positions_skip_the_zeros_a_widening_adds() {
		assert_eq!(positions(1, 1), vec![Some(0), Some(1), Some(2), Some(3)]);
		assert_eq!(positions(2, 3), vec![Some(0), Some(1), None, Some(2), Some(3), Some(4), None, Some(5)]);
	}

	/// Whole 32-byte words for any number of inputs, odd or even, as every frame of a run: a
	/// frame that is not proves its signer deviated (`enigma_primitives::malformed_frame`), and
	/// with compressed points (48 bytes) an honest member's proof over two inputs was one.
	#[test]
	fn the_proof_is_whole_words_for_any_number_of_inputs() {
		let mut rng = ChaCha20Rng::seed_from_u64(3);
		for inputs in 1..=4 {
			let shapes = case(&[(8, 8), (1, 1), (4, 16), (8, 8)][..inputs], &mut rng);
			let (_, proof) = proven(&shapes, &[9; 32], &mut rng);
			let frame = [[0; enigma_primitives::FRAME_HEADER].as_slice(), &proof.to_bytes()].concat();
			assert!(!enigma_primitives::malformed_frame(&frame), "{inputs} inputs: {} bytes", frame.len());
		}
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
		assert_eq!(bytes.len(), 4 * POINT_BYTES + (dealt + 4) * SCALAR_BYTES);
		assert_eq!(EntryProof::from_bytes(&bytes, 3, dealt).unwrap(), proof);
		assert!(EntryProof::from_bytes(&bytes, 3, dealt + 1).is_err());
		assert!(EntryProof::from_bytes(&bytes, 2, dealt).is_err());
		assert!(EntryProof::from_bytes(&bytes[1..], 3, dealt).is_err());
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

	/// The attack on V's folded across inputs (found in review): the inputs share generators, so
	/// a member that enters a wrong value could move the change onto another input's value at
	/// the same generator until E* matched, solving for the two shifts: one proof passed. Each
	/// V_h checked on its own leaves no such room.
	#[test]
	fn a_change_spread_over_two_inputs_gets_no_proof_that_verifies() {
		let mut rng = ChaCha20Rng::seed_from_u64(4);
		let context = [5; 32];
		let mut case = case(&[(1, 1), (1, 1)], &mut rng);
		let (g, h) = (vss::generators(1)[0], vss::h());
		// Enters its first element plus 5.
		let shift = Fr::from(5u64);
		case.e[0][0] = g * (case.values[0][0] + shift) + h * case.blinds[0][0];
		let weights = Weights::new(&context, &[4, 4]);
		// Shifts t0, t1 of the two inputs' first values with χ_00·t0 + χ_10·t1 = χ_00·5 (so E*
		// matches) and m0·t0 + m1·t1 = 0 (so V's folded by any m0, m1 would still match).
		let (x0, x1) = (weights.chi[0][0], weights.chi[1][0]);
		let (m0, m1) = (Fr::rand(&mut rng), Fr::rand(&mut rng));
		let t0 = x0 * shift / (x0 - x1 * m0 / m1);
		let t1 = -(m0 / m1) * t0;
		assert_eq!(x0 * t0 + x1 * t1, x0 * shift);
		case.values[0][0] += t0;
		case.values[1][0] += t1;
		let witnesses: Vec<Witness> = (0..2)
			.map(|h| Witness { positions: &case.positions[h], values: &case.values[h], blinds: &case.blinds[h], blind: case.vector_blinds[h] })
			.collect();
		let proof = prove(&context, &weights, &witnesses, &folded(&case, &weights), &mut rng);
		assert!(!holds(&case, &context, &weights, &proof, &mut rng));
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
