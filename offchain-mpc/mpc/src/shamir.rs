//! Shamir (t+1, n) secret sharing: party i (0-based) holds the polynomial's value at x = i + 1,
//! or at the i-th of the points given to [`Shamir::with_points`] (a committee continuing with
//! some of its members keeps each member's original point).
//!
//! Sharing, reconstruction by Lagrange interpolation, reconstruction with error detection when
//! more than `degree + 1` shares are present, and the hyper-invertible (Vandermonde) matrix the
//! DN07 protocols use to turn n dealt values into n - t uniformly random ones.

use crate::error::{MpcError, Result};
use crate::field::MpcField;
use rand::RngCore;

#[derive(Clone, Debug)]
pub struct Shamir<F: MpcField> {
	n: usize,
	t: usize,
	/// The evaluation points (1..=n unless given), as multipliers by addition.
	points_small: Vec<SmallScalar<F>>,
	/// Whether the points are 1..=n, which makes degree-1 sharing a chain of additions.
	consecutive: bool,
	/// λ_i with Σ λ_i f(i+1) = f(0) for every f of degree < n.
	lagrange_at_zero: Vec<F>,
	/// The same coefficients as small integers, when they are: ±C(n, i+1) for points 1..=n.
	lagrange_small: Vec<SmallScalar<F>>,
	/// For each degree d (t and 2t): row j (j > d) gives f(j+1) from f(1..=d+1).
	extension: [Vec<Vec<F>>; 2],
}

impl<F: MpcField> Shamir<F> {
	/// A scheme for `n` parties tolerating `t` corruptions with an honest majority (2t < n).
	pub fn new(n: usize, t: usize) -> Result<Self> {
		Self::with_points(&(1..=n as u64).collect::<Vec<_>>(), t)
	}

	/// A scheme whose party i holds the value at `xs[i]` (distinct, non-zero).
	pub fn with_points(xs: &[u64], t: usize) -> Result<Self> {
		let n = xs.len();
		if n < 2 || 2 * t >= n {
			return Err(MpcError::InvalidParameters(format!(
				"Shamir needs n >= 2 and 2t < n (got n = {n}, t = {t})"
			)));
		}
		if xs.contains(&0) || (1..n).any(|i| xs[..i].contains(&xs[i])) {
			return Err(MpcError::InvalidParameters("Shamir points must be distinct and non-zero".into()));
		}
		let consecutive = xs.iter().enumerate().all(|(i, x)| *x == i as u64 + 1);
		let points: Vec<F> = xs.iter().map(|x| F::from(*x)).collect();
		let lagrange_at_zero = lagrange_coefficients(&points, F::zero());
		let lagrange_small = lagrange_at_zero.iter().map(|l| SmallScalar::new(*l)).collect();
		let extension = [t, 2 * t].map(|d| {
			(0..n)
				.map(|j| if j > d { lagrange_coefficients(&points[..=d], points[j]) } else { Vec::new() })
				.collect()
		});
		let points_small = points.iter().map(|p| SmallScalar::new(*p)).collect();
		Ok(Self { n, t, points_small, consecutive, lagrange_at_zero, lagrange_small, extension })
	}

	pub fn n(&self) -> usize {
		self.n
	}

	pub fn t(&self) -> usize {
		self.t
	}

	/// Shares of `secret` on a random polynomial of `degree`.
	pub fn share<R: RngCore>(&self, secret: F, degree: usize, rng: &mut R) -> Vec<F> {
		let mut out = vec![Vec::with_capacity(1); self.n];
		self.share_into(secret, degree, rng, &mut out);
		out.into_iter().map(|mut v| v.remove(0)).collect()
	}

	/// Shares of each secret: `result[party][k]` is party's share of `secrets[k]`.
	pub fn share_many<R: RngCore>(&self, secrets: &[F], degree: usize, rng: &mut R) -> Vec<Vec<F>> {
		let mut out = vec![Vec::with_capacity(secrets.len()); self.n];
		for s in secrets {
			self.share_into(*s, degree, rng, &mut out);
		}
		out
	}

	/// Append party j's share of `secret` to `out[j]`. The points are 1..=n, so for degree 1
	/// the shares are secret + c, secret + 2c, ...: additions only.
	pub fn share_into<R: RngCore>(&self, secret: F, degree: usize, rng: &mut R, out: &mut [Vec<F>]) {
		match degree {
			0 => out.iter_mut().for_each(|o| o.push(secret)),
			1 if self.consecutive => {
				let c = F::random(rng);
				let mut v = secret;
				for o in out.iter_mut() {
					v += c;
					o.push(v);
				}
			},
			_ => {
				let coefficients: Vec<F> = (0..degree).map(|_| F::random(rng)).collect();
				for (o, x) in out.iter_mut().zip(&self.points_small) {
					// Horner: secret + x(c1 + x(c2 + ...)); x is a small integer, so additions.
					o.push(coefficients.iter().rev().fold(F::zero(), |acc, c| x.mul(acc + c)) + secret);
				}
			},
		}
	}

	/// The secret from all n shares (of any degree < n), without checking them.
	pub fn reconstruct(&self, shares: &[F]) -> F {
		shares.iter().zip(&self.lagrange_small).map(|(s, l)| l.mul(*s)).sum()
	}

	/// λ_i as multipliers that use additions when λ_i is a small integer.
	pub fn lagrange_small(&self) -> &[SmallScalar<F>] {
		&self.lagrange_small
	}

	/// The secret from all n shares, after checking they lie on one polynomial of `degree`
	/// (t or 2t). With an honest majority this detects any tampering by up to t parties.
	pub fn reconstruct_checked(&self, shares: &[F], degree: usize) -> Result<F> {
		self.check_degree(shares, degree)?;
		Ok(self.reconstruct(shares))
	}

	/// Fails unless `shares` (all n) lie on a polynomial of `degree` (t or 2t).
	pub fn check_degree(&self, shares: &[F], degree: usize) -> Result<()> {
		let table = if degree == self.t {
			&self.extension[0]
		} else if degree == 2 * self.t {
			&self.extension[1]
		} else {
			return Err(MpcError::InvalidParameters(format!("no check table for degree {degree}")));
		};
		for j in degree + 1..self.n {
			let expected: F = table[j].iter().zip(shares).map(|(c, s)| *c * s).sum();
			if expected != shares[j] {
				return Err(MpcError::InconsistentShares);
			}
		}
		Ok(())
	}

	/// Additive shares of the same secret: party i's Shamir share times λ_i.
	pub fn to_additive(&self, party: usize, share: F) -> F {
		share * self.lagrange_at_zero[party]
	}

	pub fn lagrange_at_zero(&self) -> &[F] {
		&self.lagrange_at_zero
	}

	/// The hyper-invertible matrix: row j, column i is (i+1)^j, for j < rows. Any `rows` of its
	/// columns form an invertible Vandermonde matrix, so the `rows` outputs computed from n
	/// dealt values are uniformly random as long as `rows` of the dealers are honest.
	pub fn vandermonde(&self, rows: usize) -> Vec<Vec<F>> {
		(0..rows)
			.map(|j| (1..=self.n as u64).map(|i| F::from(i).pow([j as u64])).collect())
			.collect()
	}
}

/// A public multiplier that multiplies by double-and-add when it is a small integer (up to
/// 2^12 in absolute value), which is several times cheaper than a field multiplication.
#[derive(Clone, Copy, Debug)]
pub struct SmallScalar<F> {
	value: F,
	small: Option<(bool, u64)>,
}

impl<F: MpcField> SmallScalar<F> {
	pub fn new(value: F) -> Self {
		let as_small = |v: F| crate::field::to_u128(v).filter(|x| *x < 1 << 12).map(|x| x as u64);
		let small = as_small(value).map(|k| (false, k)).or_else(|| as_small(-value).map(|k| (true, k)));
		Self { value, small }
	}

	#[inline]
	pub fn mul(&self, x: F) -> F {
		match self.small {
			Some((negative, k)) => {
				let mut acc = F::zero();
				for bit in (0..64 - k.leading_zeros()).rev() {
					acc.double_in_place();
					if (k >> bit) & 1 == 1 {
						acc += x;
					}
				}
				if negative { -acc } else { acc }
			},
			None => x * self.value,
		}
	}
}

/// λ_i such that Σ λ_i f(x_i) = f(at) for every polynomial f of degree < points.len().
pub fn lagrange_coefficients<F: MpcField>(points: &[F], at: F) -> Vec<F> {
	points
		.iter()
		.enumerate()
		.map(|(i, xi)| {
			let (num, den) = points.iter().enumerate().filter(|(j, _)| *j != i).fold(
				(F::one(), F::one()),
				|(num, den), (_, xj)| (num * (at - xj), den * (*xi - xj)),
			);
			num * den.inverse().expect("points are distinct")
		})
		.collect()
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::field::{Fr, F64};
	use proptest::prelude::*;
	use rand::SeedableRng;
	use rand_chacha::ChaCha20Rng;

	#[test]
	fn small_scalars_multiply_like_field_elements() {
		let x = Fr::from(123456789u64);
		for k in [0i64, 1, 2, 3, -3, 35, -35, 4095, -4095, 4096, 1 << 40] {
			let c = if k < 0 { -Fr::from((-k) as u64) } else { Fr::from(k as u64) };
			assert_eq!(SmallScalar::new(c).mul(x), x * c, "k = {k}");
		}
	}

	#[test]
	fn rejects_dishonest_majority_parameters() {
		assert!(Shamir::<Fr>::new(4, 2).is_err());
		assert!(Shamir::<Fr>::new(1, 0).is_err());
		assert!(Shamir::<Fr>::new(5, 2).is_ok());
	}

	#[test]
	fn detects_a_tampered_share() {
		let s = Shamir::<Fr>::new(5, 2).unwrap();
		let mut rng = ChaCha20Rng::seed_from_u64(1);
		let mut shares = s.share(Fr::from(42u64), 2, &mut rng);
		assert_eq!(s.reconstruct_checked(&shares, 2), Ok(Fr::from(42u64)));
		shares[0] += Fr::from(1u64);
		assert_eq!(s.reconstruct_checked(&shares, 2), Err(MpcError::InconsistentShares));
	}

	#[test]
	fn any_t_shares_are_uniform() {
		// Share the secrets 0 and 1 many times and look at party 0's share (t = 1, so a single
		// share). Bucket the low 3 bits of a 64-bit field element: each bucket should get about
		// 1/8 of the mass whichever the secret. A chi-square test with 7 degrees of freedom at
		// p = 0.001 accepts below 24.3.
		let s = Shamir::<F64>::new(3, 1).unwrap();
		let mut rng = ChaCha20Rng::seed_from_u64(7);
		for secret in [0u64, 1] {
			let mut buckets = [0u64; 8];
			let samples = 40_000;
			for _ in 0..samples {
				let share = s.share(F64::from(secret), 1, &mut rng)[0];
				buckets[(crate::field::low_bits(share, 3)) as usize] += 1;
			}
			let expected = samples as f64 / 8.0;
			let chi2: f64 = buckets.iter().map(|&o| (o as f64 - expected).powi(2) / expected).sum();
			assert!(chi2 < 24.3, "share distribution is not uniform for secret {secret}: chi2 = {chi2}");
		}
	}

	proptest! {
		#[test]
		fn share_then_reconstruct(secret in any::<u64>(), n in 2usize..9, seed in any::<u64>()) {
			let t = (n - 1) / 2;
			let s = Shamir::<Fr>::new(n, t).unwrap();
			let mut rng = ChaCha20Rng::seed_from_u64(seed);
			let shares = s.share(Fr::from(secret), t, &mut rng);
			prop_assert_eq!(s.reconstruct_checked(&shares, t).unwrap(), Fr::from(secret));
			// Any t+1 shares determine the secret too.
			let subset: Vec<Fr> = (n - t - 1..n).map(|i| Fr::from(i as u64 + 1)).collect();
			let l = lagrange_coefficients(&subset, Fr::from(0u64));
			let from_subset: Fr = (n - t - 1..n).zip(&l).map(|(i, c)| shares[i] * c).sum();
			prop_assert_eq!(from_subset, Fr::from(secret));
		}

		#[test]
		fn linear_operations_commute_with_sharing(a in any::<u64>(), b in any::<u64>(), c in any::<u64>(), seed in any::<u64>()) {
			let s = Shamir::<Fr>::new(5, 2).unwrap();
			let mut rng = ChaCha20Rng::seed_from_u64(seed);
			let (sa, sb) = (s.share(Fr::from(a), 2, &mut rng), s.share(Fr::from(b), 2, &mut rng));
			let sum: Vec<Fr> = sa.iter().zip(&sb).map(|(x, y)| *x + y).collect();
			let diff: Vec<Fr> = sa.iter().zip(&sb).map(|(x, y)| *x - y).collect();
			let scaled: Vec<Fr> = sa.iter().map(|x| *x * Fr::from(c)).collect();
			prop_assert_eq!(s.reconstruct_checked(&sum, 2).unwrap(), Fr::from(a) + Fr::from(b));
			prop_assert_eq!(s.reconstruct_checked(&diff, 2).unwrap(), Fr::from(a) - Fr::from(b));
			prop_assert_eq!(s.reconstruct_checked(&scaled, 2).unwrap(), Fr::from(a) * Fr::from(c));
			// The product of two degree-t sharings is a degree-2t sharing of the product.
			let product: Vec<Fr> = sa.iter().zip(&sb).map(|(x, y)| *x * y).collect();
			prop_assert_eq!(s.reconstruct_checked(&product, 4).unwrap(), Fr::from(a) * Fr::from(b));
		}
	}
}
