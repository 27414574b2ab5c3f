//! A client's input, dealt with Pedersen VSS ([`crate::vss`]) so that every member checks its
//! own share before it accepts it, and an inconsistent sharing is refused at once instead of
//! surfacing as an unattributable abort in some later task.
//!
//! An integer of w bits is shared with its bits, as the engine's comparisons need: elements
//! e_0 = x, e_1..=e_w = b_0..b_{w-1} (least significant first). The dealer deals each bit with
//! its own pair of random polynomials (f_i, r_i) and derives the value's from them,
//!
//! ```text
//! f_x = Σ_i 2^i·f_i,   r_x = Σ_i 2^i·r_i,   so   C_x,j = Σ_i 2^i·C_i,j   for j = 0..=t,
//! ```
//!
//! which anyone can check on the commitments: a dealer cannot share a value other than the
//! number its bits spell (that each b_i is 0 or 1 is checked inside the MPC). A field element
//! is one element, without bits.
//!
//! Member i (Shamir point i + 1) receives its values then its blinds,
//! `[f_0(i+1), .., f_w(i+1), r_0(i+1), .., r_w(i+1)]`, and the commitments
//! `C_0,0..=C_0,t, C_1,0..=C_1,t, ..` (compressed, 48 bytes each).

use crate::vss::{self, Commitments, Share, POINT_BYTES};
use ark_bls12_381::Fr;
use ark_ff::{One, Zero};
use rand::Rng;
use thiserror::Error;

/// Why a member refuses its share of an input.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum InputShareError {
	#[error("{value} does not fit in {bits} bits")]
	ValueDoesNotFit { value: u128, bits: u32 },
	#[error("the commitments are {got} bytes, not {expected} ({elements} elements of degree {degree})")]
	WrongCommitmentLength { got: usize, expected: usize, elements: usize, degree: usize },
	#[error("the commitments are not points of G1's prime-order group: {0}")]
	NotPoints(String),
	#[error("the share is {got} field elements, not {expected} (values, then blinds)")]
	WrongShareLength { got: usize, expected: usize },
	#[error("the value's commitments are not its bits' weighted sum: the dealer shared a value other than its bits")]
	ValueIsNotItsBits,
	#[error("the share is not the dealer's committed polynomial at this member's point (Pedersen VSS check failed)")]
	NotOnCommittedPolynomial,
}

/// A dealt input: the public commitments and each member's values-then-blinds.
pub struct InputDealing {
	pub commitments: Vec<u8>,
	pub shares: Vec<Vec<Fr>>,
}

/// How many field elements an input has: the value, then `bits` bits.
pub fn elements(bits: Option<u32>) -> usize {
	1 + bits.unwrap_or(0) as usize
}

/// Deals `value` (with its `bits` bits, if an integer) with degree `t` to `n` members.
pub fn deal<R: Rng>(value: u128, bits: Option<u32>, t: usize, n: usize, rng: &mut R) -> Result<InputDealing, InputShareError> {
	let points = points(n);
	let dealings: Vec<vss::Dealing> = match bits {
		None => vec![vss::deal(Fr::from(value), t, &points, rng)],
		Some(bits) => {
			if bits < 128 && value >> bits != 0 {
				return Err(InputShareError::ValueDoesNotFit { value, bits });
			}
			let bits: Vec<Fr> = (0..bits).map(|i| Fr::from(((value >> i) & 1) as u64)).collect();
			with_bits(&bits, t, &points, rng)
		},
	};
	Ok(encode(&dealings, n))
}

/// How a dishonest owner (the client's test modes) shares a value that does not fit `bits`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dishonesty {
	/// A consistent dealing of `value` whose lowest "bit" absorbs the high part (b_0 = 2^40, say):
	/// every member accepts it, and the range check inside the first task that reads it fails.
	NonBinaryBit,
	/// The value dealt apart from the bits of its low part: no member accepts it.
	ValueNotItsBits,
}

/// Deals `value` as a `bits`-bit integer although it may not fit, the way `how` says.
pub fn deal_dishonestly<R: Rng>(how: Dishonesty, value: u128, bits: u32, t: usize, n: usize, rng: &mut R) -> InputDealing {
	let points = points(n);
	let low: Vec<Fr> = (0..bits).map(|i| Fr::from(((value >> i) & 1) as u64)).collect();
	let dealings = match how {
		Dishonesty::NonBinaryBit => {
			// b_0 = value − Σ_{i≥1} 2^i·b_i, so the value is still its "bits'" weighted sum.
			let mask = if bits >= 128 { u128::MAX } else { (1u128 << bits) - 1 };
			let mut bits = low;
			if let Some(b0) = bits.first_mut() {
				*b0 = Fr::from(value) - Fr::from(value & mask & !1);
			}
			with_bits(&bits, t, &points, rng)
		},
		Dishonesty::ValueNotItsBits => {
			let bit_dealings: Vec<vss::Dealing> = low.iter().map(|b| vss::deal(*b, t, &points, rng)).collect();
			std::iter::once(vss::deal(Fr::from(value), t, &points, rng)).chain(bit_dealings).collect()
		},
	};
	encode(&dealings, n)
}

fn points(n: usize) -> Vec<Fr> {
	(1..=n as u64).map(Fr::from).collect()
}

/// Dealings of Σ_i 2^i·bits[i], then of each bits[i].
fn with_bits<R: Rng>(bits: &[Fr], t: usize, points: &[Fr], rng: &mut R) -> Vec<vss::Dealing> {
	let bit_dealings: Vec<vss::Dealing> = bits.iter().map(|b| vss::deal(*b, t, points, rng)).collect();
	std::iter::once(weighted_sum(&bit_dealings)).chain(bit_dealings).collect()
}

fn encode(dealings: &[vss::Dealing], n: usize) -> InputDealing {
	let commitments = dealings.iter().flat_map(|d| d.commitments.to_bytes()).collect();
	let shares = (0..n)
		.map(|i| dealings.iter().map(|d| d.shares[i].value).chain(dealings.iter().map(|d| d.shares[i].blind)).collect())
		.collect();
	InputDealing { commitments, shares }
}

/// Σ_i 2^i·(dealing i): commitments and shares alike.
fn weighted_sum(bits: &[vss::Dealing]) -> vss::Dealing {
	let weights = powers_of_two(bits.len());
	let parts: Vec<(Fr, &Commitments)> = weights.iter().zip(bits).map(|(w, d)| (*w, &d.commitments)).collect();
	let commitments = Commitments::combine(&parts).expect("bits dealt with one degree");
	let members = bits.first().map_or(0, |d| d.shares.len());
	let shares = (0..members)
		.map(|i| {
			weights.iter().zip(bits).fold(Share { value: Fr::zero(), blind: Fr::zero() }, |acc, (w, d)| Share {
				value: acc.value + *w * d.shares[i].value,
				blind: acc.blind + *w * d.shares[i].blind,
			})
		})
		.collect();
	vss::Dealing { commitments, shares }
}

fn powers_of_two(count: usize) -> Vec<Fr> {
	std::iter::successors(Some(Fr::one()), |p| Some(*p + *p)).take(count).collect()
}

/// The checks member `member` runs on its share before accepting it: the commitments have
/// degree `t`, the value's commitments are its bits' weighted sum, and its values and blinds
/// lie on the committed polynomials at its point (one batched multi-scalar multiplication).
pub fn check<R: Rng>(bits: Option<u32>, t: usize, member: usize, commitments: &[u8], share: &[Fr], rng: &mut R) -> Result<(), InputShareError> {
	let count = elements(bits);
	let expected = count * (t + 1) * POINT_BYTES;
	if commitments.len() != expected {
		return Err(InputShareError::WrongCommitmentLength { got: commitments.len(), expected, elements: count, degree: t });
	}
	if share.len() != 2 * count {
		return Err(InputShareError::WrongShareLength { got: share.len(), expected: 2 * count });
	}
	let per_element = commitments
		.chunks((t + 1) * POINT_BYTES)
		.map(Commitments::from_bytes)
		.collect::<Result<Vec<_>, _>>()
		.map_err(|e| InputShareError::NotPoints(e.to_string()))?;
	if bits.is_some() {
		let weights = powers_of_two(count - 1);
		let parts: Vec<(Fr, &Commitments)> = weights.iter().zip(&per_element[1..]).map(|(w, c)| (*w, c)).collect();
		if Commitments::combine(&parts).ok().as_ref() != Some(&per_element[0]) {
			return Err(InputShareError::ValueIsNotItsBits);
		}
	}
	let (values, blinds) = share.split_at(count);
	let items: Vec<(&Commitments, Share)> =
		per_element.iter().zip(values.iter().zip(blinds)).map(|(c, (value, blind))| (c, Share { value: *value, blind: *blind })).collect();
	if !Commitments::verify_batch(Fr::from(member as u64 + 1), &items, rng) {
		return Err(InputShareError::NotOnCommittedPolynomial);
	}
	Ok(())
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
		assert_eq!(dealing.commitments.len(), 33 * 2 * POINT_BYTES);
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
		dealing.shares[2][5] += Fr::one();
		dealing.shares[3][17 + 9] += Fr::one();
		assert_eq!(check(Some(16), 1, 2, &dealing.commitments, &dealing.shares[2], &mut rng), Err(InputShareError::NotOnCommittedPolynomial));
		assert_eq!(check(Some(16), 1, 3, &dealing.commitments, &dealing.shares[3], &mut rng), Err(InputShareError::NotOnCommittedPolynomial));
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
		assert!(matches!(check(Some(8), 1, 0, &dealing.commitments, &dealing.shares[0][..17], &mut rng), Err(InputShareError::WrongShareLength { .. })));
		let garbage = vec![0xffu8; dealing.commitments.len()];
		assert!(matches!(check(Some(8), 1, 0, &garbage, &dealing.shares[0], &mut rng), Err(InputShareError::NotPoints(_))));
	}
}
