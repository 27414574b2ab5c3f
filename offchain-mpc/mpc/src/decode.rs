//! Shamir shares with errors: the secret from m shares of which some may be wrong, and who
//! handed the wrong ones (Berlekamp–Welch decoding of the Reed–Solomon code the shares form).
//!
//! Shares y_i = P(x_i) of a polynomial P of degree d, e of them possibly wrong. Berlekamp–Welch
//! looks for an error locator E (monic, degree e, zero where shares are wrong) and Q = P·E
//! (degree d + e): Q(x_i) = y_i·E(x_i) holds at every point, wrong or not, which is m linear
//! equations in the 2e + d + 1 unknown coefficients. With at most e wrong shares a solution
//! exists, and for any solution Q / E = P.
//!
//! The decoder trusts no more than the corruption bound: a polynomial agreeing with m - e shares
//! could agree with up to t wrong ones (t parties lying together), so it is taken only if the
//! shares it agrees with include d + 1 honest ones, i.e. e <= m - t - d - 1 (and the points must be
//! distinct: two shares at one point pin down one point). A committee of n = 2t + 2 answering in
//! full (degree t) corrects one wrong share (n = 4, t = 1: one of four); n = 2t + 1 shares only
//! detect.

use crate::error::{MpcError, Result};
use crate::field::MpcField;

/// A decoded secret and the shares (their indices among those given) that are off its polynomial.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded<F> {
	pub secret: F,
	pub wrong: Vec<usize>,
}

/// The secret P(0) from `shares[i]` = P(`points[i]`) for a P of `degree`, when at most `t` of the
/// shares can be wrong: corrects as many wrong shares as that bound allows (see the module) and
/// names them; fails with [`MpcError::InconsistentShares`] when more are wrong than it can
/// correct, and with [`MpcError::InvalidParameters`] below t + degree + 1 shares (too few to
/// hold degree + 1 honest ones on any polynomial it could take).
pub fn decode<F: MpcField>(points: &[F], shares: &[F], degree: usize, t: usize) -> Result<Decoded<F>> {
	let m = shares.len();
	let needed = t.checked_add(degree).and_then(|k| k.checked_add(1)).ok_or_else(|| MpcError::InvalidParameters("t + degree overflows".into()))?;
	if points.len() != m || m < needed {
		return Err(MpcError::InvalidParameters(format!("{m} shares of degree {degree} with up to {t} wrong: {needed} needed")));
	}
	if (1..m).any(|i| points[..i].contains(&points[i])) {
		return Err(MpcError::InvalidParameters("the shares' points must be distinct".into()));
	}
	// Berlekamp–Welch corrects up to (m - d - 1) / 2; the honest anchor allows m - t - d - 1.
	let e = ((m - degree - 1) / 2).min(m - t - degree - 1);
	let p = berlekamp_welch(points, shares, degree, e).ok_or(MpcError::InconsistentShares)?;
	let wrong: Vec<usize> = (0..m).filter(|&i| evaluate(&p, points[i]) != shares[i]).collect();
	if wrong.len() > e {
		return Err(MpcError::InconsistentShares);
	}
	Ok(Decoded { secret: p.first().copied().unwrap_or_else(F::zero), wrong })
}

/// P (coefficients, lowest first) of `degree` agreeing with all but at most `e` of the shares,
/// if there is one.
fn berlekamp_welch<F: MpcField>(points: &[F], shares: &[F], degree: usize, e: usize) -> Option<Vec<F>> {
	// Unknowns: q_0..q_{d+e}, then e_0..e_{e-1}; row i: Σ q_j x^j - y Σ e_j x^j = y x^e.
	let (q_len, unknowns) = (degree + e + 1, degree + 2 * e + 1);
	let mut rows: Vec<Vec<F>> = points
		.iter()
		.zip(shares)
		.map(|(x, y)| {
			let powers: Vec<F> = std::iter::successors(Some(F::one()), |p| Some(*p * x)).take(q_len.max(e + 1)).collect();
			let mut row: Vec<F> = powers[..q_len].to_vec();
			row.extend(powers[..e].iter().map(|p| -(*p * y)));
			row.push(powers[e] * y);
			row
		})
		.collect();
	let solution = solve(&mut rows, unknowns)?;
	let q = &solution[..q_len];
	let mut locator = solution[q_len..].to_vec();
	locator.push(F::one());
	divide_exactly(q, &locator)
}

/// A solution of the linear system whose rows are `[coefficients | right-hand side]` (free
/// unknowns set to zero), or `None` if it has none. Gaussian elimination.
fn solve<F: MpcField>(rows: &mut [Vec<F>], unknowns: usize) -> Option<Vec<F>> {
	let mut pivots = Vec::new();
	let mut r = 0;
	for c in 0..unknowns {
		let Some(p) = (r..rows.len()).find(|&i| !rows[i][c].is_zero()) else { continue };
		rows.swap(r, p);
		let inverse = rows[r][c].inverse()?;
		rows[r].iter_mut().for_each(|v| *v *= inverse);
		let pivot_row = rows[r].clone();
		for (i, row) in rows.iter_mut().enumerate() {
			if i != r && !row[c].is_zero() {
				let factor = row[c];
				row.iter_mut().zip(&pivot_row).for_each(|(v, p)| *v -= factor * p);
			}
		}
		pivots.push(c);
		r += 1;
	}
	// A row 0 = b with b ≠ 0: no solution.
	if rows[r..].iter().any(|row| !row[unknowns].is_zero()) {
		return None;
	}
	let mut solution = vec![F::zero(); unknowns];
	for (row, c) in pivots.into_iter().enumerate() {
		solution[c] = rows[row][unknowns];
	}
	Some(solution)
}

/// `numerator / denominator` (coefficients lowest first; the denominator monic) if the division
/// leaves no remainder.
fn divide_exactly<F: MpcField>(numerator: &[F], denominator: &[F]) -> Option<Vec<F>> {
	let mut rest = numerator.to_vec();
	let d = denominator.len() - 1;
	if rest.len() <= d {
		return rest.iter().all(|c| c.is_zero()).then(Vec::new);
	}
	let mut quotient = vec![F::zero(); rest.len() - d];
	for k in (0..quotient.len()).rev() {
		let c = rest[k + d];
		quotient[k] = c;
		for (j, dc) in denominator.iter().enumerate() {
			rest[k + j] -= c * dc;
		}
	}
	rest.iter().all(|c| c.is_zero()).then_some(quotient)
}

fn evaluate<F: MpcField>(coefficients: &[F], x: F) -> F {
	coefficients.iter().rev().fold(F::zero(), |acc, c| acc * x + c)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::field::Fr;
	use crate::shamir::Shamir;
	use proptest::prelude::*;
	use rand::SeedableRng;
	use rand_chacha::ChaCha20Rng;

	fn points(n: usize) -> Vec<Fr> {
		(1..=n as u64).map(Fr::from).collect()
	}

	#[test]
	fn one_wrong_share_of_four_is_corrected_and_named() {
		let mut rng = ChaCha20Rng::seed_from_u64(3);
		let mut shares = Shamir::<Fr>::new(4, 1).unwrap().share(Fr::from(1234u64), 1, &mut rng);
		assert_eq!(decode(&points(4), &shares, 1, 1), Ok(Decoded { secret: Fr::from(1234u64), wrong: vec![] }));
		for liar in 0..4 {
			let mut tampered = shares.clone();
			tampered[liar] += Fr::from(1u64);
			assert_eq!(decode(&points(4), &tampered, 1, 1), Ok(Decoded { secret: Fr::from(1234u64), wrong: vec![liar] }));
		}
		// Two wrong shares of four are beyond t = 1: detected here.
		shares[0] += Fr::from(1u64);
		shares[2] += Fr::from(5u64);
		assert_eq!(decode(&points(4), &shares, 1, 1), Err(MpcError::InconsistentShares));
	}

	#[test]
	fn three_shares_of_a_committee_of_four_only_detect() {
		let mut rng = ChaCha20Rng::seed_from_u64(4);
		let shares = Shamir::<Fr>::new(4, 1).unwrap().share(Fr::from(77u64), 1, &mut rng);
		let (xs, mut ys) = (vec![Fr::from(1u64), Fr::from(2u64), Fr::from(4u64)], vec![shares[0], shares[1], shares[3]]);
		assert_eq!(decode(&xs, &ys, 1, 1).map(|d| d.secret), Ok(Fr::from(77u64)));
		ys[1] += Fr::from(1u64);
		assert_eq!(decode(&xs, &ys, 1, 1), Err(MpcError::InconsistentShares));
		assert!(matches!(decode(&xs[..2], &ys[..2], 1, 1), Err(MpcError::InvalidParameters(_))));
	}

	#[test]
	fn two_colluding_liars_of_five_cannot_pass_off_another_value() {
		// n = 5, t = 2: two liars can put their shares on a degree-2 polynomial through two
		// honest ones, so one agreeing with four of five shares can be theirs. The decoder only
		// detects here.
		let mut rng = ChaCha20Rng::seed_from_u64(5);
		let xs = points(5);
		let honest = Shamir::<Fr>::new(5, 2).unwrap().share(Fr::from(10u64), 2, &mut rng);
		// The liars' polynomial through shares 0, 1 and the value 99 at 0; shares 3, 4 on it.
		let fake = |x: Fr| -> Fr {
			let l = crate::shamir::lagrange_coefficients(&[Fr::from(0u64), xs[0], xs[1]], x);
			l[0] * Fr::from(99u64) + l[1] * honest[0] + l[2] * honest[1]
		};
		let mut shares = honest.clone();
		shares[3] = fake(xs[3]);
		shares[4] = fake(xs[4]);
		assert_eq!(decode(&xs, &shares, 2, 2), Err(MpcError::InconsistentShares));
	}

	proptest! {
		#[test]
		fn corrects_every_pattern_within_its_radius(n in 4usize..12, secret in any::<u64>(), seed in any::<u64>()) {
			let t = (n - 1) / 3;
			let mut rng = ChaCha20Rng::seed_from_u64(seed);
			let mut shares = Shamir::<Fr>::new(n, t).unwrap().share(Fr::from(secret), t, &mut rng);
			// With degree t and up to t liars among n >= 3t + 1 shares: all t corrected.
			let liars: Vec<usize> = (0..t).map(|k| (seed as usize % n + 3 * k) % n).collect::<std::collections::BTreeSet<_>>().into_iter().collect();
			for &l in &liars {
				shares[l] += Fr::from(seed | 1);
			}
			let decoded = decode(&points(n), &shares, t, t).unwrap();
			prop_assert_eq!(decoded.secret, Fr::from(secret));
			prop_assert_eq!(decoded.wrong, liars);
		}

		/// The committees the client decodes for (t = (n - 1) / 2, any m of n answering): up to t
		/// liars, honest or colluding on one polynomial through some honest shares, never get a
		/// wrong secret out; within the radius they are corrected and named.
		#[test]
		fn honest_majority_liars_never_pass_off_another_value(n in 3usize..10, answering in 0usize..10, liars in 0usize..5, collude in any::<bool>(), seed in any::<u64>()) {
			let t = (n - 1) / 2;
			let m = (2 * t + 1 + answering % (n - 2 * t)).min(n);
			let liars = liars.min(t);
			let mut rng = ChaCha20Rng::seed_from_u64(seed);
			let xs: Vec<Fr> = points(n)[n - m..].to_vec();
			let honest = Shamir::<Fr>::with_points(&(n - m + 1..=n).map(|x| x as u64).collect::<Vec<_>>(), t).unwrap().share(Fr::from(seed), t, &mut rng);
			let mut shares = honest.clone();
			// The liars are the last ones; colluding, they lie on the degree-t polynomial through
			// the value seed + 1 at 0 and the first t honest shares.
			let anchors: Vec<Fr> = std::iter::once(Fr::from(0u64)).chain(xs[..t].iter().copied()).collect();
			for l in m - liars..m {
				shares[l] = if collude {
					let c = crate::shamir::lagrange_coefficients(&anchors, xs[l]);
					c[0] * (Fr::from(seed) + Fr::from(1u64)) + c[1..].iter().zip(&honest[..t]).map(|(c, h)| *c * h).sum::<Fr>()
				} else {
					shares[l] + Fr::from(l as u64 + 1)
				};
			}
			let e = ((m - t - 1) / 2).min(m - 2 * t - 1);
			match decode(&xs, &shares, t, t) {
				Ok(decoded) => {
					prop_assert_eq!(decoded.secret, Fr::from(seed));
					prop_assert_eq!(decoded.wrong, (m - liars..m).collect::<Vec<_>>());
				},
				Err(error) => {
					prop_assert_eq!(error, MpcError::InconsistentShares);
					prop_assert!(liars > e, "{liars} liars within the radius {e} were not corrected");
				},
			}
		}
	}
}
