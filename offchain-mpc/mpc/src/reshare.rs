//! Proactive resharing (whitepaper 5.4 and 7.1): a committee hands a Pedersen-committed secret
//! to a new committee, of any size and degree, without anyone reconstructing it, and everyone
//! can check that the new committee holds the same secret. Meant for epoch rotation, for a member
//! that leaves or died, and to shrink a committee mid-circuit (an adaptive circuit). The chain
//! (`pallet_secret_compute::handover`) and the worker (its `handover` module) run it for a
//! secret's owner. A run that shrinks mid-circuit hands its intermediate values over without
//! commitments, checked by the new members instead ([`crate::adaptive`]).
//!
//! The secret vector s is shared with degree t at the old points x_i, committed by C_0..C_t
//! ([`crate::vss`]): old member i holds f(x_i) and the blind r(x_i), whose commitment
//! A_i = Σ_j x_i^j·C_j anyone can compute. Each old member i **hands over** its share: it deals
//! f(x_i) with degree t' to the new points y_j, with a fresh polynomial g_i and a blinding
//! polynomial whose constant term is r(x_i), so its dealing's first commitment is A_i itself
//! ([`vss::deal_blinded`]). A new member accepts the handover when
//!
//! ```text
//! C'_{i,0} = A_i                          (the dealer handed over its own share, nothing else)
//! Σ_k g_ik(y_j)·G_k + ρ_i(y_j)·H = Σ_l y_j^l·C'_{i,l}   (its share lies on the dealing)
//! ```
//!
//! and the dealing has degree t'. From the handovers of a set Q of at least t + 1 old members,
//! the same set at every new member (the chain fixes it), with λ_i the Lagrange coefficients of
//! Q's points at 0, new member j takes
//!
//! ```text
//! s'_j = Σ_{i∈Q} λ_i·g_i(y_j),   blind'_j = Σ_{i∈Q} λ_i·ρ_i(y_j),   C'_l = Σ_{i∈Q} λ_i·C'_{i,l}.
//! ```
//!
//! Σ_i λ_i·g_i is a polynomial of degree t' whose value at 0 is Σ_i λ_i·f(x_i) = s, so the new
//! shares are a degree-t' sharing of s, and C'_0 = Σ_i λ_i·A_i = C_0: the constant commitment,
//! which names the secret, is unchanged, and anyone can check it from the public commitments.
//! Binding: a dealer that hands over anything but its share breaks the first check unless it
//! knows a discrete-logarithm relation between the generators. Privacy: each g_i is uniform but
//! for its constant term, so t' new members learn nothing of f(x_i) and the old and new shares
//! lie on unrelated polynomials: t old shares and t' new ones together say nothing of s, which is
//! why the old members must delete theirs once the handover is taken.
//!
//! What the protocol around this module must provide: every new member must see the same
//! commitments C'_i from each dealer (a dealer that sends each member its own, each with
//! C'_{i,0} = A_i, would leave the new shares on no common polynomial), so they are broadcast,
//! their hash on chain; and every new member must combine the same set Q, so a member that
//! refuses a handover says so publicly and Q is fixed from the dealers nobody refused (the
//! refusal names the dealer: its share and the public commitments show who is right).

use crate::{
	shamir::lagrange_coefficients,
	vss::{self, Commitments, Share},
};
use ark_bls12_381::Fr;
use ark_ec::CurveGroup;
use ark_ff::{UniformRand, Zero};
use rand::Rng;

/// An old member's handover: its dealing's commitments, public, and the new members' shares, in
/// the order of the new points (each sent to its member only).
pub struct Handover {
	pub commitments: Commitments,
	pub shares: Vec<Share>,
}

/// Why a new member refuses a handover (or cannot take the handovers it has).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HandoverError {
	/// The dealing's constant commitment is not the old sharing's commitment at the dealer's
	/// point: the dealer handed over another value than its share.
	#[error("the dealer at old point #{dealer} handed over another value than its share")]
	NotItsShare { dealer: usize },
	/// This member's share does not lie on the dealing.
	#[error("the dealer at old point #{dealer} sent this member a share off its dealing")]
	WrongShare { dealer: usize },
	/// The dealing has another degree than the new committee's.
	#[error("the dealer at old point #{dealer} dealt with degree {found}, not {expected}")]
	WrongDegree { dealer: usize, found: usize, expected: usize },
	/// Fewer handovers than the old degree + 1, or points repeated or zero.
	#[error("cannot take over: {0}")]
	Unusable(String),
}

/// The old member at `from` hands its `share` of the sharing committed by `old` over to the new
/// members at `new_points` (distinct, non-zero) with degree `new_degree`. (Its first commitment
/// is A_i, from the t + 1 old commitments rather than the share's whole vector: `share` must be
/// the one `old` commits at `from`, which the member checked when it took it.)
pub fn hand_over<R: Rng + ?Sized>(old: &Commitments, from: Fr, share: &Share, new_degree: usize, new_points: &[Fr], rng: &mut R) -> Handover {
	let dealing = vss::deal_blinded(&share.values, share.blind, Some(old.at(from)), new_degree, new_points, rng);
	Handover { commitments: dealing.commitments, shares: dealing.shares }
}

/// One handover as a new member received it: the dealer's old point, its public commitments
/// and this member's share.
pub struct Received<'a> {
	pub from: Fr,
	pub commitments: &'a Commitments,
	pub share: &'a Share,
}

/// The new member at `at` checks the handover `received` (from the `dealer`-th old point) of a
/// sharing of `width` elements committed by `old`, for a new committee of degree `new_degree`.
/// (The width is checked too: an element with constant term 0 added to the vector would leave
/// A_i as it is, and the handover unusable.)
pub fn check(old: &Commitments, width: usize, new_degree: usize, at: Fr, dealer: usize, received: &Received) -> core::result::Result<(), HandoverError> {
	let found = received.commitments.degree();
	if received.commitments.0.is_empty() || found != new_degree {
		return Err(HandoverError::WrongDegree { dealer, found, expected: new_degree });
	}
	if received.share.values.len() != width || received.commitments.0[0] != old.at(received.from).into_affine() {
		return Err(HandoverError::NotItsShare { dealer });
	}
	if !received.commitments.verify(at, received.share) {
		return Err(HandoverError::WrongShare { dealer });
	}
	Ok(())
}

/// A handover to check, with the commitments of the old sharing it hands on, that sharing's
/// vector length, and the dealer's place among the old points (for the error).
pub struct ToCheck<'a> {
	pub old: &'a Commitments,
	pub width: usize,
	pub dealer: usize,
	pub received: Received<'a>,
}

/// [`check`] for many handovers at `at` (a member takes one per secret and dealer), with two
/// multi-scalar multiplications under weights ρ_d this member draws:
///
/// ```text
/// Σ_d ρ_d·(C'_{d,0} − Σ_j x_d^j·C_{d,j}) = 0   and   [`Commitments::verify_batch`] over the shares,
/// ```
///
/// each passed by a bad handover with probability 1/|Fr| as long as the dealers cannot predict
/// the weights (`rng` is this member's own: known weights would let two dealers' errors cancel).
/// When either fails, every handover is checked alone, so the results name each bad dealer.
pub fn check_many<R: Rng + ?Sized>(items: &[ToCheck], new_degree: usize, at: Fr, rng: &mut R) -> Vec<core::result::Result<(), HandoverError>> {
	let alone = |i: &ToCheck| check(i.old, i.width, new_degree, at, i.dealer, &i.received);
	let shaped = items.iter().all(|i| {
		!i.old.0.is_empty() && !i.received.commitments.0.is_empty() && i.received.commitments.degree() == new_degree && i.received.share.values.len() == i.width
	});
	if shaped {
		let (mut bases, mut scalars) = (Vec::new(), Vec::new());
		for item in items {
			let rho = Fr::rand(rng);
			bases.push(item.received.commitments.0[0]);
			scalars.push(rho);
			let mut power = -rho;
			for c in &item.old.0 {
				bases.push(*c);
				scalars.push(power);
				power *= item.received.from;
			}
		}
		let constants_hold = crate::msm::msm(&bases, &scalars).is_some_and(|sum| sum.is_zero());
		let shares: Vec<(&Commitments, &Share)> = items.iter().map(|i| (i.received.commitments, i.received.share)).collect();
		if constants_hold && Commitments::verify_batch(at, &shares, rng) {
			return items.iter().map(|_| Ok(())).collect();
		}
	}
	items.iter().map(alone).collect()
}

/// The new member's share of the secret and the new sharing's commitments, from the checked
/// handovers of at least `old_degree + 1` old members (the same set at every new member). The
/// new commitments' C'_0 equals the old C_0.
pub fn take_over(old_degree: usize, handovers: &[Received]) -> core::result::Result<(Share, Commitments), HandoverError> {
	if handovers.len() <= old_degree {
		return Err(HandoverError::Unusable(format!("{} handovers for a sharing of degree {old_degree}", handovers.len())));
	}
	let points: Vec<Fr> = handovers.iter().map(|h| h.from).collect();
	if points.iter().any(Zero::is_zero) || (1..points.len()).any(|i| points[..i].contains(&points[i])) {
		return Err(HandoverError::Unusable("old points repeated or zero".into()));
	}
	let width = handovers[0].share.values.len();
	if handovers.iter().any(|h| h.share.values.len() != width) {
		return Err(HandoverError::Unusable("handovers of vectors of different lengths".into()));
	}
	if handovers.iter().any(|h| h.commitments.0.is_empty()) {
		return Err(HandoverError::Unusable("a handover without commitments".into()));
	}
	let lambda = lagrange_coefficients(&points, Fr::zero());
	let mut share = Share { values: vec![Fr::zero(); width], blind: Fr::zero() };
	for (l, h) in lambda.iter().zip(handovers) {
		for (sum, v) in share.values.iter_mut().zip(&h.share.values) {
			*sum += *l * v;
		}
		share.blind += *l * h.share.blind;
	}
	let parts: Vec<(Fr, &Commitments)> = lambda.iter().copied().zip(handovers.iter().map(|h| h.commitments)).collect();
	let commitments = Commitments::combine(&parts).map_err(|e| HandoverError::Unusable(e.to_string()))?;
	Ok((share, commitments))
}

#[cfg(test)]
mod tests {
	use super::*;
	use rand::SeedableRng;
	use rand_chacha::ChaCha20Rng;

	fn points(n: u64) -> Vec<Fr> {
		(1..=n).map(Fr::from).collect()
	}

	/// The secret vector at 0 from `shares` at `xs` (at least degree + 1 of them).
	fn reconstruct(xs: &[Fr], shares: &[Share]) -> Vec<Fr> {
		let lambda = lagrange_coefficients(xs, Fr::zero());
		(0..shares[0].values.len()).map(|k| lambda.iter().zip(shares).map(|(l, s)| *l * s.values[k]).sum()).collect()
	}

	/// Every old member in `dealers` hands over to `new_n` members with degree `new_t`; every new
	/// member checks and takes over. Returns the new shares and the commitments each computed.
	fn rotate(old: &Commitments, old_shares: &[Share], old_xs: &[Fr], dealers: &[usize], new_n: u64, new_t: usize, rng: &mut ChaCha20Rng) -> (Vec<Share>, Vec<Commitments>) {
		let new_xs = points(new_n);
		let handovers: Vec<Handover> = dealers.iter().map(|d| hand_over(old, old_xs[*d], &old_shares[*d], new_t, &new_xs, rng)).collect();
		new_xs
			.iter()
			.enumerate()
			.map(|(j, y)| {
				let received: Vec<Received> = dealers
					.iter()
					.zip(&handovers)
					.map(|(d, h)| Received { from: old_xs[*d], commitments: &h.commitments, share: &h.shares[j] })
					.collect();
				for (i, r) in received.iter().enumerate() {
					check(old, old_shares[0].values.len(), new_t, *y, i, r).expect("an honest handover passes");
				}
				take_over(old.degree(), &received).expect("enough handovers")
			})
			.unzip()
	}

	#[test]
	fn a_committee_of_four_hands_a_vector_to_five_then_three_and_the_secret_and_its_commitment_stay() {
		let mut rng = ChaCha20Rng::seed_from_u64(7);
		let secret: Vec<Fr> = (0..3).map(|_| Fr::rand(&mut rng)).collect();
		let xs = points(4);
		let dealing = vss::deal(&secret, 1, &xs, &mut rng);
		// Epoch 1: 4 members (t = 1) to 5 (t = 2), with old member #2 gone: t + 1 = 2 suffice.
		let (shares, seen) = rotate(&dealing.commitments, &dealing.shares, &xs, &[0, 1, 3], 5, 2, &mut rng);
		assert!(seen.windows(2).all(|w| w[0] == w[1]), "every new member computes the same commitments");
		let next = seen[0].clone();
		assert_eq!(next.degree(), 2);
		assert_eq!(next.0[0], dealing.commitments.0[0], "C_0 names the same secret");
		for (y, share) in points(5).iter().zip(&shares) {
			assert!(next.verify(*y, share));
		}
		assert_eq!(reconstruct(&points(5)[2..], &shares[2..]), secret);
		// Epoch 2: shrink to 3 members (t = 1), as an adaptive circuit would mid-run.
		let (smaller, seen) = rotate(&next, &shares, &points(5), &[4, 1, 2], 3, 1, &mut rng);
		assert_eq!(seen[0].0[0], dealing.commitments.0[0]);
		assert_eq!(reconstruct(&points(3)[..2], &smaller[..2]), secret);
		assert_eq!(reconstruct(&points(3)[1..], &smaller[1..]), secret);
	}

	#[test]
	fn old_and_new_shares_do_not_combine() {
		// What makes resharing proactive: an adversary that held one old share (t = 1) and
		// holds one new share cannot put them together.
		let mut rng = ChaCha20Rng::seed_from_u64(8);
		let secret = vec![Fr::from(42u64)];
		let xs = points(4);
		let dealing = vss::deal(&secret, 1, &xs, &mut rng);
		let (shares, _) = rotate(&dealing.commitments, &dealing.shares, &xs, &[0, 1, 2, 3], 4, 1, &mut rng);
		assert_eq!(reconstruct(&xs[..2], &shares[..2]), secret);
		assert_ne!(reconstruct(&xs[..2], &[dealing.shares[0].clone(), shares[1].clone()]), secret);
		assert_ne!(shares[0], dealing.shares[0], "the same point's share changed");
	}

	#[test]
	fn a_dealer_that_hands_over_another_value_or_a_wrong_share_or_degree_is_named() {
		let mut rng = ChaCha20Rng::seed_from_u64(9);
		let xs = points(4);
		let old = vss::deal(&[Fr::from(7u64)], 1, &xs, &mut rng);
		let new_xs = points(4);
		// Old member #1 hands over its share plus one, with consistent commitments.
		let mut shifted = old.shares[1].clone();
		shifted.values[0] += Fr::from(1u64);
		let lie = vss::deal_blinded(&shifted.values, shifted.blind, None, 1, &new_xs, &mut rng);
		let received = Received { from: xs[1], commitments: &lie.commitments, share: &lie.shares[0] };
		assert_eq!(check(&old.commitments, 1, 1, new_xs[0], 1, &received), Err(HandoverError::NotItsShare { dealer: 1 }));
		// Old member #2 hands over honestly but sends new member 0 a share off its dealing.
		let honest = hand_over(&old.commitments, xs[2], &old.shares[2], 1, &new_xs, &mut rng);
		let mut off = honest.shares[0].clone();
		off.blind += Fr::from(1u64);
		let received = Received { from: xs[2], commitments: &honest.commitments, share: &off };
		assert_eq!(check(&old.commitments, 1, 1, new_xs[0], 2, &received), Err(HandoverError::WrongShare { dealer: 2 }));
		// Old member #3 deals with degree 3: four colluders could no longer be excluded.
		let high = hand_over(&old.commitments, xs[3], &old.shares[3], 3, &new_xs, &mut rng);
		let received = Received { from: xs[3], commitments: &high.commitments, share: &high.shares[0] };
		assert_eq!(check(&old.commitments, 1, 1, new_xs[0], 3, &received), Err(HandoverError::WrongDegree { dealer: 3, found: 3, expected: 1 }));
		// A dealer that claims another's point hands over another value than that point's share.
		let received = Received { from: xs[0], commitments: &honest.commitments, share: &honest.shares[0] };
		assert_eq!(check(&old.commitments, 1, 1, new_xs[0], 0, &received), Err(HandoverError::NotItsShare { dealer: 0 }));
	}

	#[test]
	fn many_handovers_are_checked_at_once_and_a_bad_one_is_still_named() {
		let mut rng = ChaCha20Rng::seed_from_u64(11);
		let xs = points(4);
		let olds: Vec<vss::Dealing> = (0..6u64).map(|v| vss::deal(&[Fr::from(v), Fr::from(v + 1)], 1, &xs, &mut rng)).collect();
		let handovers: Vec<Handover> = olds.iter().map(|d| hand_over(&d.commitments, xs[2], &d.shares[2], 1, &xs, &mut rng)).collect();
		let items = |handovers: &[Handover]| -> Vec<core::result::Result<(), HandoverError>> {
			let items: Vec<ToCheck> = olds
				.iter()
				.zip(handovers)
				.map(|(d, h)| ToCheck { old: &d.commitments, width: 2, dealer: 2, received: Received { from: xs[2], commitments: &h.commitments, share: &h.shares[1] } })
				.collect();
			check_many(&items, 1, xs[1], &mut ChaCha20Rng::seed_from_u64(12))
		};
		assert!(items(&handovers).iter().all(Result::is_ok));
		// The fourth handover is of another value (its own commitments consistent), the fifth
		// gives this member a share off its dealing.
		let mut bad = handovers;
		let mut shifted = olds[3].shares[2].clone();
		shifted.values[1] += Fr::from(1u64);
		let dealing = vss::deal_blinded(&shifted.values, shifted.blind, None, 1, &xs, &mut rng);
		bad[3] = Handover { commitments: dealing.commitments, shares: dealing.shares };
		// Alone, it passes the batched share check: the batched constant check must catch it.
		let results = items(&bad);
		assert_eq!(results[3], Err(HandoverError::NotItsShare { dealer: 2 }));
		assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 5);
		bad[4].shares[1].values[0] += Fr::from(1u64);
		let results = items(&bad);
		assert_eq!(results[3], Err(HandoverError::NotItsShare { dealer: 2 }));
		assert_eq!(results[4], Err(HandoverError::WrongShare { dealer: 2 }));
		assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 4);
		// A vector one element longer, the extra element 0 at 0: A_i is unchanged, so only the
		// width gives it away (else every new member would find the handovers unusable and nobody
		// would be named).
		let mut longer = olds[5].shares[2].clone();
		longer.values.push(Fr::zero());
		bad[5] = hand_over(&olds[5].commitments, xs[2], &longer, 1, &xs, &mut rng);
		assert_eq!(items(&bad)[5], Err(HandoverError::NotItsShare { dealer: 2 }));
	}

	#[test]
	fn too_few_or_repeated_handovers_are_refused() {
		let mut rng = ChaCha20Rng::seed_from_u64(10);
		let xs = points(4);
		let old = vss::deal(&[Fr::from(7u64)], 1, &xs, &mut rng);
		let a = hand_over(&old.commitments, xs[0], &old.shares[0], 1, &xs, &mut rng);
		let one = [Received { from: xs[0], commitments: &a.commitments, share: &a.shares[0] }];
		assert!(matches!(take_over(1, &one), Err(HandoverError::Unusable(_))));
		let twice = [Received { from: xs[0], commitments: &a.commitments, share: &a.shares[0] }, Received { from: xs[0], commitments: &a.commitments, share: &a.shares[0] }];
		assert!(matches!(take_over(1, &twice), Err(HandoverError::Unusable(_))));
	}
}
