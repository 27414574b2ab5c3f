//! A client's input, dealt with Pedersen VSS ([`crate::vss`]) so that every member checks its
//! own share before it accepts it, and an inconsistent sharing is refused at once instead of
//! surfacing as an unattributable abort in some later task.
//!
//! An integer of w bits is shared with its bits, as the engine's comparisons need. The dealer
//! deals the vector of bits (b_0, .., b_{w-1}, least significant first) in one vector sharing
//! (polynomials f_0..f_{w-1} and one blinding polynomial r, committed by t + 1 points), and
//! each member's share of the value is its bits' weighted sum,
//!
//! ```text
//! x(i) = Σ_k 2^k·f_k(i),
//! ```
//!
//! which the member checks on what it receives: a dealer cannot share a value other than the
//! number its bits spell (that each b_k is 0 or 1 is checked inside the MPC). A field element
//! is a one-element vector, without bits.
//!
//! Member i (Shamir point i + 1) receives `[x(i+1), f_0(i+1), .., f_{w-1}(i+1), r(i+1)]` (a field
//! element: `[f(i+1), r(i+1)]`) and the commitments `C_0..=C_t` (compressed, 48 bytes each).
//!
//! **For a dishonest majority** (a committee that computes with SPDZ, [`deal_tagged`]) the
//! degree is n − 1, so that any n − 1 members together learn nothing, and the owner appends its
//! MAC to the dealt vector (the bits, or the field element): a random key k, k times each
//! dealt element and k times the key itself, `(e_0, .., e_{m-1}, k, k·e_0, .., k·e_{m-1}, k²)`,
//! all under the same commitments (k² is what makes a member's shifted key share fail the check
//! whatever the input, see [`crate::spdz`]).
//! The owner proves that its tags are its key times what it dealt ([`crate::mac_proof`], on the
//! constant term of the commitments; [`check_mac_proof`]), and each member checks the proof
//! before it accepts its share: an owner with wrong tags is refused at once, and a failed MAC
//! check inside a computation ([`crate::spdz`]) is a member's doing, never an owner's. Each
//! member also checks here, as for any input, that its share lies on the committed polynomials
//! (which binds it to what it later reveals for declassification).

use crate::{
	mac_proof,
	vss::{self, Commitments, Share, POINT_BYTES},
};
use ark_bls12_381::Fr;
use ark_ff::{One, UniformRand, Zero};
use rand::RngCore;
use thiserror::Error;

/// Why a member refuses its share of an input.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum InputShareError {
	#[error("{value} does not fit in {bits} bits")]
	ValueDoesNotFit { value: u128, bits: u32 },
	#[error("the commitments are {got} bytes, not {expected} (a sharing of degree {degree})")]
	WrongCommitmentLength { got: usize, expected: usize, degree: usize },
	#[error("the commitments are not points of G1's prime-order group: {0}")]
	NotPoints(String),
	#[error("the share is {got} field elements, not {expected} (the value, its bits, the blind)")]
	WrongShareLength { got: usize, expected: usize },
	#[error("the value's share is not its bits' weighted sum: the dealer shared a value other than its bits")]
	ValueIsNotItsBits,
	#[error("the share is not the dealer's committed polynomials at this member's point (Pedersen VSS check failed)")]
	NotOnCommittedPolynomial,
	#[error("the share of a value a run kept is {got} field elements, not 7 (the value and two checks on it)")]
	WrongKeptLength { got: usize },
	#[error("member {member} is not one of the committee's {n}")]
	NotAMember { member: usize, n: usize },
	#[error("the owner's MAC is not proven to be its key times what it dealt: {0}")]
	MacNotProven(String),
	/// [`check_together`]: the batch failed, and nobody looked for the share that made it fail.
	#[error("a share among these deliveries is not on its dealer's committed polynomials (Pedersen VSS check failed), so none is taken")]
	NotAllOnCommittedPolynomials,
}

/// A dealt input: the public commitments, each member's share (value, bits, blind), and for a
/// dishonest majority the proof of the owner's MAC ([`crate::mac_proof`]; empty otherwise).
pub struct InputDealing {
	pub commitments: Vec<u8>,
	pub shares: Vec<Vec<Fr>>,
	pub mac_proof: Vec<u8>,
}

/// How many field elements of an input a task reads: the value, then `bits` bits.
pub fn elements(bits: Option<u32>) -> usize {
	1 + bits.unwrap_or(0) as usize
}

/// How many field elements an input dealt with a client MAC adds after [`elements`]: the key,
/// a tag per dealt element (each bit, or the field element) and the key's own tag k².
pub fn mac_elements(bits: Option<u32>) -> usize {
	2 + dealt_elements(bits)
}

/// The elements the owner deals: the bits of an integer, or the field element itself.
fn dealt_elements(bits: Option<u32>) -> usize {
	bits.map_or(1, |b| b as usize)
}

/// A member's share of an input dealt with [`deal_tagged`] under `commitments` as a held input
/// of the computation: with its blind and the commitments, by which it proves in an auditable
/// run that it enters this share ([`crate::entry_proof`]).
pub fn held_tagged(bits: Option<u32>, share: &[Fr], commitments: &[u8]) -> Result<crate::protocol::HeldInput<Fr>, InputShareError> {
	let (value, mac) = (elements(bits), mac_elements(bits));
	if share.len() != value + mac + 1 {
		return Err(InputShareError::WrongShareLength { got: share.len(), expected: value + mac + 1 });
	}
	Ok(crate::protocol::HeldInput {
		value: share[0],
		bits: share[1..value].to_vec(),
		mac: Some(crate::protocol::ClientMac { key: share[value], tags: share[value + 1..value + mac].to_vec() }),
		vss: Some(crate::protocol::HeldVss { commitments: commitments.to_vec(), blind: share[value + mac], dealt: dealt_elements(bits) }),
	})
}

/// How many field elements a member keeps of a value a dishonest-majority run kept (`MPC.set`):
/// its additive shares of the value y, of the check its owner sees (a random r, r·y, r·r) and of
/// the check the tasks that read it use (another random s, s·y, s·s), each from the run's
/// output checks ([`crate::Mpc::output_checks`]).
pub const KEPT_ELEMENTS: usize = 7;

/// What a member hands the owner of a value a dishonest-majority run kept when it is
/// declassified: its shares of y, r, r·y and r·r, by which the owner checks that no member
/// altered its share. Never s: with s, the owner and one member could alter the value unseen.
pub fn kept_for_owner(share: &[Fr]) -> Result<&[Fr], InputShareError> {
	match share.len() {
		KEPT_ELEMENTS => Ok(&share[..4]),
		got => Err(InputShareError::WrongKeptLength { got }),
	}
}

/// A value a dishonest-majority run kept, as a later run takes it: member `me`'s additive shares
/// of y with the second check on it (s, s·y, s·s). That check is an owner's MAC of y as
/// [`deal_tagged`] makes one for a value without bits (key s, tags s·y and s·s), and s is hidden
/// from any n − 1 members and from the owner, so whoever brings another share of y fails the MAC
/// check as with an owner's input. Every dishonest-majority input enters as the points of a
/// degree n − 1 sharing, which the run multiplies by the member's Lagrange coefficient at 0:
/// additive shares are such points once divided by it (n points fit a polynomial of degree
/// n − 1 whatever they are).
pub fn held_kept(share: &[Fr], me: usize, n: usize) -> Result<crate::protocol::HeldInput<Fr>, InputShareError> {
	let &[value, _, _, _, key, tag, key_tag] = share else {
		return Err(InputShareError::WrongKeptLength { got: share.len() });
	};
	if me >= n {
		return Err(InputShareError::NotAMember { member: me, n });
	}
	// Non-zero: Π_{j≠me} x_j / (x_j − x_me) over distinct non-zero points.
	let lambda = crate::shamir::lagrange_coefficients(&points(n), Fr::zero())[me];
	let point = |additive: Fr| additive / lambda;
	Ok(crate::protocol::HeldInput { value: point(value), bits: Vec::new(), mac: Some(crate::protocol::ClientMac { key: point(key), tags: vec![point(tag), point(key_tag)] }), vss: None })
}

/// Deals `value` (with its `bits` bits, if an integer) with degree `t` to `n` members. (The
/// randomness is a trait object so that the curve arithmetic is compiled here, optimised, and
/// not in each caller's crate.)
pub fn deal(value: u128, bits: Option<u32>, t: usize, n: usize, rng: &mut dyn RngCore) -> Result<InputDealing, InputShareError> {
	let points = points(n);
	let dealt = dealt_values(value, bits)?;
	Ok(encode(&vss::deal(&dealt, t, &points, rng), bits.map(|b| b as usize)))
}

/// Deals `value` for a committee of `n` that computes with SPDZ: with degree n − 1 and the
/// owner's MAC (see the module docs). The key is drawn here and forgotten: the owner needs it
/// for nothing afterwards.
pub fn deal_tagged(value: u128, bits: Option<u32>, n: usize, rng: &mut dyn RngCore) -> Result<InputDealing, InputShareError> {
	let dealt = dealt_values(value, bits)?;
	let key = loop {
		let k = Fr::rand(rng);
		if !k.is_zero() {
			break k;
		}
	};
	Ok(deal_vector_with_proof(tagged(&dealt, key), bits, n, rng))
}

/// What an owner deals for a dishonest majority: the elements, the key, their tags.
fn tagged(dealt: &[Fr], key: Fr) -> Vec<Fr> {
	dealt.iter().copied().chain([key]).chain(dealt.iter().chain([&key]).map(|e| key * e)).collect()
}

/// Deals the dishonest-majority vector (elements, key, tags) with degree n − 1 and proves its
/// MAC: a proof that does not verify if the tags are wrong.
fn deal_vector_with_proof(vector: Vec<Fr>, bits: Option<u32>, n: usize, rng: &mut dyn RngCore) -> InputDealing {
	let blind = Fr::rand(rng);
	let sharing = vss::deal_blinded(&vector, blind, None, n - 1, &points(n), rng);
	let proof = mac_proof::prove(&sharing.commitments, &vector, blind, rng);
	InputDealing { mac_proof: proof.to_bytes(), ..encode(&sharing, bits.map(|b| b as usize)) }
}

/// Whether `proof` shows that the owner's MAC in a dishonest-majority dealing of an input of
/// `bits` bits (or a field element) under `commitments` is its key times what it dealt. Every
/// member holding a share of the dealing checks the same proof against the same commitments
/// (the secret's id binds them).
pub fn check_mac_proof(bits: Option<u32>, commitments: &[u8], proof: &[u8], rng: &mut dyn RngCore) -> Result<(), InputShareError> {
	check_mac_proofs(&[(bits, commitments, proof)], rng).remove(0)
}

/// [`check_mac_proof`] for many dealings, `(bits, commitments, proof)` each: all of them in one
/// multi-scalar multiplication ([`mac_proof::verify_batch`]), one by one only if that fails, to
/// say which. One result per dealing, in order.
pub fn check_mac_proofs(items: &[(Option<u32>, &[u8], &[u8])], rng: &mut dyn RngCore) -> Vec<Result<(), InputShareError>> {
	let parsed = parse_mac_proofs(items);
	let all_pass = verify_parsed(&parsed, rng);
	parsed
		.iter()
		.map(|p| {
			let (commitments, length, proof) = p.as_ref().map_err(Clone::clone)?;
			match all_pass || mac_proof::verify(commitments, *length, proof, rng) {
				true => Ok(()),
				false => Err(InputShareError::MacNotProven("the proof does not verify".into())),
			}
		})
		.collect()
}

/// [`check_mac_proofs`] without the search for the false ones: if the batch fails, every proof
/// that parsed is refused. For a worker answering a request of deliveries: looking for the
/// false proof among 256 would cost a multi-scalar multiplication each, which anyone could ask
/// for again and again; an honest owner's proofs all hold.
pub fn check_mac_proofs_together(items: &[(Option<u32>, &[u8], &[u8])], rng: &mut dyn RngCore) -> Vec<Result<(), InputShareError>> {
	let parsed = parse_mac_proofs(items);
	let all_pass = verify_parsed(&parsed, rng);
	let why = match parsed.iter().flatten().count() {
		1 => "the proof does not verify",
		_ => "a proof among these deliveries does not verify, so none is taken",
	};
	parsed
		.into_iter()
		.map(|p| match (p, all_pass) {
			(Err(e), _) => Err(e),
			(Ok(_), true) => Ok(()),
			(Ok(_), false) => Err(InputShareError::MacNotProven(why.into())),
		})
		.collect()
}

/// Each dealing's commitments and proof, parsed for a vector of its length (2m + 2).
fn parse_mac_proofs(items: &[(Option<u32>, &[u8], &[u8])]) -> Vec<Result<(Commitments, usize, mac_proof::MacProof), InputShareError>> {
	items
		.iter()
		.map(|(bits, commitments, proof)| {
			let length = 2 * dealt_elements(*bits) + 2;
			let commitments = Commitments::from_bytes(commitments).map_err(|e| InputShareError::NotPoints(e.to_string()))?;
			let proof = mac_proof::MacProof::from_bytes(proof, length).map_err(|e| InputShareError::MacNotProven(e.to_string()))?;
			Ok((commitments, length, proof))
		})
		.collect()
}

/// Whether every parsed proof holds, in one batch.
fn verify_parsed(parsed: &[Result<(Commitments, usize, mac_proof::MacProof), InputShareError>], rng: &mut dyn RngCore) -> bool {
	let valid: Vec<(&Commitments, usize, &mac_proof::MacProof)> = parsed.iter().flatten().map(|(c, l, p)| (c, *l, p)).collect();
	mac_proof::verify_batch(&valid, rng)
}

/// Whether a dealing for a committee of `members` was made for a dishonest majority
/// ([`deal_tagged`]): its commitments are n points (degree n − 1) rather than t + 1. The
/// secret's registered commitment binds them, so every member reads the same answer. (For one
/// member the two degrees coincide: it would hold the value itself, and workers refuse that.)
pub fn dealt_for_dishonest_majority(commitments: &[u8], members: usize) -> bool {
	members >= 2 && commitments.len() == members * POINT_BYTES
}

/// The elements an owner deals for `value`: its bits, or the field element.
fn dealt_values(value: u128, bits: Option<u32>) -> Result<Vec<Fr>, InputShareError> {
	match bits {
		None => Ok(vec![Fr::from(value)]),
		Some(bits) if bits < 128 && value >> bits != 0 => Err(InputShareError::ValueDoesNotFit { value, bits }),
		Some(bits) => Ok(bits_of(value, bits)),
	}
}

/// How a dishonest owner (the client's test modes) deals a value: one that does not fit `bits`, or
/// (for a dishonest majority) one whose MAC is not its key times what it dealt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dishonesty {
	/// A consistent dealing of `value` whose lowest "bit" absorbs the high part (b_0 = 2^40, say):
	/// every member accepts it, and the range check inside the first task that reads it fails.
	NonBinaryBit,
	/// The value dealt apart from the bits of its low part: no member accepts it.
	ValueNotItsBits,
	/// For a dishonest majority (degree n − 1, whatever `t`): the low part's bits with the
	/// owner's MAC, the lowest bit's tag k·b_0 + 1. Every share lies on the commitments; the
	/// proof of the MAC does not verify, and no member accepts it (without the proof, every run
	/// reading it would fail its MAC check with nobody named).
	WrongMacTag,
}

/// Deals `value` as a `bits`-bit integer although it may not fit, the way `how` says.
pub fn deal_dishonestly(how: Dishonesty, value: u128, bits: u32, t: usize, n: usize, rng: &mut dyn RngCore) -> InputDealing {
	let points = points(n);
	let mut low = bits_of(value, bits);
	match how {
		Dishonesty::NonBinaryBit => {
			// b_0 = value − Σ_{k≥1} 2^k·b_k, so the value is still its "bits'" weighted sum.
			let mask = if bits >= 128 { u128::MAX } else { (1u128 << bits) - 1 };
			if let Some(b0) = low.first_mut() {
				*b0 = Fr::from(value) - Fr::from(value & mask & !1);
			}
			encode(&vss::deal(&low, t, &points, rng), Some(bits as usize))
		},
		Dishonesty::ValueNotItsBits => {
			let mut dealing = encode(&vss::deal(&low, t, &points, rng), Some(bits as usize));
			// Each member's value share from a sharing of its own, not from the bits.
			let apart = vss::deal(&[Fr::from(value)], t, &points, rng);
			for (share, own) in dealing.shares.iter_mut().zip(&apart.shares) {
				share[0] = own.values[0];
			}
			dealing
		},
		Dishonesty::WrongMacTag => {
			let mut vector = tagged(&low, Fr::rand(rng));
			vector[low.len() + 1] += Fr::one();
			deal_vector_with_proof(vector, Some(bits), n, rng)
		},
	}
}

fn points(n: usize) -> Vec<Fr> {
	(1..=n as u64).map(Fr::from).collect()
}

/// b_0..b_{bits-1} of `value`, least significant first (as field elements).
fn bits_of(value: u128, bits: u32) -> Vec<Fr> {
	(0..bits).map(|i| Fr::from(((value >> i) & 1) as u64)).collect()
}

fn powers_of_two(count: usize) -> Vec<Fr> {
	std::iter::successors(Some(Fr::one()), |p| Some(*p + *p)).take(count).collect()
}

/// Σ_k 2^k·bits[k].
fn weighted_sum(bits: &[Fr]) -> Fr {
	powers_of_two(bits.len()).iter().zip(bits).map(|(w, b)| *w * b).sum()
}

/// Each member's elements: for an integer of `bits` bits its value share Σ 2^k·f_k(i) first;
/// then the dealt elements (and the MAC's, if any) and the blind.
fn encode(dealing: &vss::Dealing, bits: Option<usize>) -> InputDealing {
	let shares = dealing
		.shares
		.iter()
		.map(|s| {
			let head = bits.map(|w| weighted_sum(&s.values[..w]));
			head.into_iter().chain(s.values.iter().copied()).chain(std::iter::once(s.blind)).collect()
		})
		.collect();
	InputDealing { commitments: dealing.commitments.to_bytes(), shares, mac_proof: Vec::new() }
}

/// One share to check: its width (`bits`), whether it carries a client MAC ([`deal_tagged`]),
/// the dealer's commitments and the elements received.
pub struct ToCheck<'a> {
	pub bits: Option<u32>,
	pub tagged: bool,
	pub commitments: &'a [u8],
	pub share: &'a [Fr],
}

/// The checks member `member` runs on its share before accepting it: the commitments are t + 1
/// points of G1's prime-order group, the value's share is its bits' weighted sum, and the share
/// lies on the committed polynomials at its point.
pub fn check(bits: Option<u32>, t: usize, member: usize, commitments: &[u8], share: &[Fr], rng: &mut dyn RngCore) -> Result<(), InputShareError> {
	check_many(&[ToCheck { bits, tagged: false, commitments, share }], t, member, rng).remove(0)
}

/// [`check`] for many shares at once: the commitments' equations of all of them in one
/// multi-scalar multiplication (`vss::Commitments::verify_batch`); only if that fails are they
/// checked one by one, to say which. One result per share, in order.
pub fn check_many(items: &[ToCheck], t: usize, member: usize, rng: &mut dyn RngCore) -> Vec<Result<(), InputShareError>> {
	let (parsed, all_pass) = parse_and_verify_batch(items, t, member, rng);
	let x = Fr::from(member as u64 + 1);
	parsed
		.iter()
		.map(|p| {
			let (commitments, share) = p.as_ref().map_err(Clone::clone)?;
			if all_pass || commitments.verify(x, share) {
				Ok(())
			} else {
				Err(InputShareError::NotOnCommittedPolynomial)
			}
		})
		.collect()
}

/// [`check_many`] without the search for the bad shares: if the batch fails, every share that
/// parsed is refused ([`InputShareError::NotAllOnCommittedPolynomials`]). For a worker answering
/// a request of deliveries: looking for the bad share among 256 costs a multi-scalar
/// multiplication each, which anyone could ask for again and again (one bad share in a request
/// made the member check every share alone); an honest owner's shares all lie on their
/// polynomials.
pub fn check_together(items: &[ToCheck], t: usize, member: usize, rng: &mut dyn RngCore) -> Vec<Result<(), InputShareError>> {
	let (parsed, all_pass) = parse_and_verify_batch(items, t, member, rng);
	let why = if parsed.iter().flatten().count() == 1 { InputShareError::NotOnCommittedPolynomial } else { InputShareError::NotAllOnCommittedPolynomials };
	parsed.into_iter().map(|p| p.and_then(|_| if all_pass { Ok(()) } else { Err(why.clone()) })).collect()
}

/// Each item parsed, and whether those that parsed all pass the commitments' equations, checked
/// in one multi-scalar multiplication (`vss::Commitments::verify_batch`).
fn parse_and_verify_batch(items: &[ToCheck], t: usize, member: usize, rng: &mut dyn RngCore) -> (Vec<Result<(Commitments, Share), InputShareError>>, bool) {
	let parsed: Vec<Result<(Commitments, Share), InputShareError>> = items.iter().map(|item| parse(item, t)).collect();
	let x = Fr::from(member as u64 + 1);
	let valid: Vec<(&Commitments, &Share)> = parsed.iter().filter_map(|p| p.as_ref().ok()).map(|(c, s)| (c, s)).collect();
	let all_pass = Commitments::verify_batch(x, &valid, rng);
	(parsed, all_pass)
}

/// The commitments and the vector share of `item`, after the checks that need no curve
/// arithmetic beyond parsing.
fn parse(item: &ToCheck, t: usize) -> Result<(Commitments, Share), InputShareError> {
	let expected = (t + 1) * POINT_BYTES;
	if item.commitments.len() != expected {
		return Err(InputShareError::WrongCommitmentLength { got: item.commitments.len(), expected, degree: t });
	}
	let width = elements(item.bits) + if item.tagged { mac_elements(item.bits) } else { 0 } + 1;
	if item.share.len() != width {
		return Err(InputShareError::WrongShareLength { got: item.share.len(), expected: width });
	}
	let (blind, elements) = item.share.split_last().expect("at least two elements");
	let values = match item.bits {
		None => elements.to_vec(),
		Some(bits) => {
			let (value, dealt) = elements.split_first().expect("the value first");
			if weighted_sum(&dealt[..bits as usize]) != *value {
				return Err(InputShareError::ValueIsNotItsBits);
			}
			dealt.to_vec()
		},
	};
	if values.is_empty() || values.len() > vss::MAX_VECTOR {
		return Err(InputShareError::WrongShareLength { got: item.share.len(), expected: width });
	}
	let commitments = Commitments::from_bytes(item.commitments).map_err(|e| InputShareError::NotPoints(e.to_string()))?;
	Ok((commitments, Share { values, blind: *blind }))
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::shamir::lagrange_coefficients;
	use rand::SeedableRng;
	use rand_chacha::ChaCha20Rng;

	fn reconstruct(dealing: &InputDealing, element: usize, members: &[usize]) -> Fr {
		let xs: Vec<Fr> = members.iter().map(|m| Fr::from(*m as u64 + 1)).collect();
		lagrange_coefficients(&xs, Fr::zero()).iter().zip(members).map(|(l, m)| *l * dealing.shares[*m][element]).sum()
	}

	#[test]
	fn every_member_accepts_an_honest_dealing_and_it_reconstructs_the_value_and_its_bits() {
		let mut rng = ChaCha20Rng::seed_from_u64(1);
		let dealing = deal(980, Some(32), 1, 4, &mut rng).unwrap();
		assert_eq!(dealing.commitments.len(), 2 * POINT_BYTES, "t + 1 points whatever the width");
		assert_eq!(dealing.shares[0].len(), 34, "the value, 32 bits, the blind");
		for m in 0..4 {
			assert_eq!(check(Some(32), 1, m, &dealing.commitments, &dealing.shares[m], &mut rng), Ok(()));
		}
		assert_eq!(reconstruct(&dealing, 0, &[1, 3]), Fr::from(980u64));
		let bits: Vec<Fr> = (1..=32).map(|k| reconstruct(&dealing, k, &[0, 2])).collect();
		assert_eq!(bits, (0..32).map(|i| Fr::from((980u64 >> i) & 1)).collect::<Vec<_>>());

		let field = deal(u128::MAX, None, 2, 5, &mut rng).unwrap();
		for m in 0..5 {
			assert_eq!(check(None, 2, m, &field.commitments, &field.shares[m], &mut rng), Ok(()));
		}
		assert_eq!(reconstruct(&field, 0, &[0, 1, 4]), Fr::from(u128::MAX));
	}

	#[test]
	fn a_tampered_value_or_blind_is_refused_by_its_member_only() {
		let mut rng = ChaCha20Rng::seed_from_u64(2);
		let mut dealing = deal(410, Some(16), 1, 4, &mut rng).unwrap();
		// A bit's share (with the value's share kept its weighted sum), or the blind.
		dealing.shares[2][5] += Fr::one();
		dealing.shares[2][0] += Fr::from(16u64);
		dealing.shares[3][17] += Fr::one();
		assert_eq!(check(Some(16), 1, 2, &dealing.commitments, &dealing.shares[2], &mut rng), Err(InputShareError::NotOnCommittedPolynomial));
		assert_eq!(check(Some(16), 1, 3, &dealing.commitments, &dealing.shares[3], &mut rng), Err(InputShareError::NotOnCommittedPolynomial));
		// The value's share alone: not its bits' sum.
		let mut value_only = dealing.shares[1].clone();
		value_only[0] += Fr::one();
		assert_eq!(check(Some(16), 1, 1, &dealing.commitments, &value_only, &mut rng), Err(InputShareError::ValueIsNotItsBits));
		assert_eq!(check(Some(16), 1, 0, &dealing.commitments, &dealing.shares[0], &mut rng), Ok(()));
		// Another member's share is not this member's.
		assert_eq!(check(Some(16), 1, 1, &dealing.commitments, &dealing.shares[0], &mut rng), Err(InputShareError::NotOnCommittedPolynomial));
	}

	#[test]
	fn a_dishonest_owner_is_refused_at_once_or_deals_a_non_binary_bit_the_mpc_refuses() {
		let mut rng = ChaCha20Rng::seed_from_u64(5);
		let value = (1u128 << 40) + 6;
		let refused = deal_dishonestly(Dishonesty::ValueNotItsBits, value, 32, 1, 4, &mut rng);
		for m in 0..4 {
			assert_eq!(check(Some(32), 1, m, &refused.commitments, &refused.shares[m], &mut rng), Err(InputShareError::ValueIsNotItsBits));
		}
		let accepted = deal_dishonestly(Dishonesty::NonBinaryBit, value, 32, 1, 4, &mut rng);
		for m in 0..4 {
			assert_eq!(check(Some(32), 1, m, &accepted.commitments, &accepted.shares[m], &mut rng), Ok(()));
		}
		assert_eq!(reconstruct(&accepted, 0, &[0, 3]), Fr::from(value));
		assert_eq!(accepted.commitments.len(), 2 * POINT_BYTES);
		assert_eq!(reconstruct(&accepted, 1, &[1, 2]), Fr::from(1u64 << 40));
		assert_eq!(reconstruct(&accepted, 2, &[1, 2]), Fr::one());
	}

	#[test]
	fn malformed_dealings_are_refused_with_their_reason() {
		let mut rng = ChaCha20Rng::seed_from_u64(4);
		assert_eq!(deal(256, Some(8), 1, 4, &mut rng).err(), Some(InputShareError::ValueDoesNotFit { value: 256, bits: 8 }));
		let dealing = deal(7, Some(8), 1, 4, &mut rng).unwrap();
		// A dealing of another degree (t = 2 sharings handed to a t = 1 committee).
		let wide = deal(7, Some(8), 2, 4, &mut rng).unwrap();
		assert!(matches!(check(Some(8), 1, 0, &wide.commitments, &dealing.shares[0], &mut rng), Err(InputShareError::WrongCommitmentLength { .. })));
		assert!(matches!(check(Some(8), 1, 0, &dealing.commitments, &dealing.shares[0][..9], &mut rng), Err(InputShareError::WrongShareLength { .. })));
		let garbage = vec![0xffu8; dealing.commitments.len()];
		assert!(matches!(check(Some(8), 1, 0, &garbage, &dealing.shares[0], &mut rng), Err(InputShareError::NotPoints(_))));
	}

	#[test]
	fn many_shares_are_checked_at_once_and_each_bad_one_is_named() {
		let mut rng = ChaCha20Rng::seed_from_u64(6);
		let dealings: Vec<InputDealing> = (0..6u128).map(|v| deal(v * 1000, if v % 2 == 0 { Some(16) } else { None }, 1, 4, &mut rng).unwrap()).collect();
		let bits = |v: usize| if v % 2 == 0 { Some(16) } else { None };
		let items: Vec<ToCheck> = dealings.iter().enumerate().map(|(v, d)| ToCheck { bits: bits(v), tagged: false, commitments: &d.commitments, share: &d.shares[2] }).collect();
		assert!(check_many(&items, 1, 2, &mut rng).iter().all(Result::is_ok));
		let mut tampered = dealings[3].shares[2].clone();
		tampered[1] += Fr::one();
		let garbage = vec![0xffu8; 2 * POINT_BYTES];
		let mut items = items;
		items[3].share = &tampered;
		items[4].commitments = &garbage;
		let results = check_many(&items, 1, 2, &mut rng);
		assert_eq!(results[3], Err(InputShareError::NotOnCommittedPolynomial));
		assert!(matches!(results[4], Err(InputShareError::NotPoints(_))));
		assert!(results.iter().enumerate().filter(|(i, _)| ![3, 4].contains(i)).all(|(_, r)| r.is_ok()), "the others pass: {results:?}");
		// Together: the bad share is not looked for, every share that parsed is refused.
		let together = check_together(&items, 1, 2, &mut rng);
		assert!(matches!(together[4], Err(InputShareError::NotPoints(_))));
		assert!(together.iter().enumerate().filter(|(i, _)| *i != 4).all(|(_, r)| *r == Err(InputShareError::NotAllOnCommittedPolynomials)), "{together:?}");
		items[3].share = &dealings[3].shares[2];
		assert!(check_together(&items, 1, 2, &mut rng).iter().enumerate().all(|(i, r)| (i == 4) != r.is_ok()));
	}
}
