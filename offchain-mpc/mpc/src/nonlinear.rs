//! Non-linear building blocks for real contracts, over any [`Mpc`]: shared random bits, bit
//! decomposition, comparison, equality, oblivious selection, truncation and division by public
//! constants. Values are fixed-width unsigned integers carried in the field: a `bits`-bit value
//! is an element in [0, 2^bits).
//!
//! The constructions are the standard statistically-masked ones (Catrina and de Hoogh 2010):
//! open x + r for a random r whose low bits are shared individually and whose high part hides
//! x with [`STATISTICAL_SECURITY`] bits, then finish with a bitwise circuit against the public
//! value. They need the field to have more than `bits + STATISTICAL_SECURITY + 2` bits.

use crate::{
	error::{MpcError, Result},
	field::{low_bits, pow2},
	protocol::Mpc,
};
use crate::field::MpcField;
use ark_ff::{BigInteger, Field, One, PrimeField, Zero};
use num_bigint::BigUint;

/// Bits of statistical hiding for masked openings.
pub const STATISTICAL_SECURITY: u32 = 40;

/// The widest value `F` can open under a statistically hiding mask.
pub fn max_masked_bound<F: PrimeField>() -> u32 {
	F::MODULUS_BIT_SIZE - STATISTICAL_SECURITY - 3
}

/// A masked opening of a `bound`-bit value whose low `low` bits are then used in the clear.
fn check_room<F: MpcField>(bound: u32, low: u32) -> Result<()> {
	if F::MODULUS_BIT_SIZE <= bound + STATISTICAL_SECURITY + 2 {
		return Err(MpcError::InvalidCircuit(format!(
			"a {bound}-bit masked opening needs a field of more than {} bits (this one has {})",
			bound + STATISTICAL_SECURITY + 2,
			F::MODULUS_BIT_SIZE
		)));
	}
	if low > 128 {
		return Err(MpcError::InvalidCircuit(format!("at most 128 low bits can be taken, not {low}")));
	}
	Ok(())
}

/// Proves that every value lies in [0, 2^w) from shares of its w bits, which its owner shared
/// along with it, and that every one of `bits` (random bits dealt by the parties) is a bit,
/// without opening anything else. For each item (x, b_0..b_{w-1}),
///
///   z = Σ_i χ^i·(b_i² − b_i) + χ^w·(x − Σ_i 2^i·b_i)
///
/// is 0 when every b_i is a bit and the bits make up x, and otherwise a non-zero polynomial in
/// χ, a public random point drawn after the shares were fixed: it vanishes with probability at
/// most (w + 1)/|F| (Schwartz-Zippel); the dealt bits get one more such z, Σ_i χ^i·(b_i² − b_i).
/// The squares take one multiplication round; they are verified ([`Mpc::check`]) before z is
/// opened, and the openings are verified too, so a z ≠ 0 is the owner's (or a dealer's) doing,
/// not a cheating party's. Opening z reveals nothing about honest values (it is 0). Fails with
/// [`MpcError::InputOutOfRange`] naming the first bad item by its label, or
/// [`MpcError::BitCheckFailed`].
pub fn check_ranges<M: Mpc>(mpc: &mut M, items: &[((usize, usize), M::Share, Vec<M::Share>)], bits: &[M::Share]) -> Result<()> {
	check_ranges_with(mpc, items, bits, &[], &[], |_, _| Ok((Vec::new(), Vec::new()))).map(|_| ())
}

/// [`check_ranges`], with the products `left[i]·right[i]` taken in the same round as the
/// squares, and then the products of the operands `then` computes from those, taken with the
/// opening of the check values ([`Mpc::open_then_mul`]): a semi-honest run spends no round of
/// its own on either. Returns both products. They are products of values not yet proven when
/// taken, which reveals nothing (a multiplication opens only masked values); they may be used
/// only once this has returned.
pub fn check_ranges_with<M: Mpc>(
	mpc: &mut M,
	items: &[((usize, usize), M::Share, Vec<M::Share>)],
	bits: &[M::Share],
	left: &[M::Share],
	right: &[M::Share],
	then: impl FnOnce(&M, &[M::Share]) -> Result<(Vec<M::Share>, Vec<M::Share>)>,
) -> Result<(Vec<M::Share>, Vec<M::Share>)> {
	if items.is_empty() && bits.is_empty() {
		// (Not from the executor: a comparison on bits has range-checked operands, so its
		// products always ride with squares; alone they take rounds of their own.)
		let products = if left.is_empty() { Vec::new() } else { mpc.mul(left, right)? };
		let (a, b) = then(mpc, &products)?;
		let second = if a.is_empty() { Vec::new() } else { mpc.mul(&a, &b)? };
		return Ok((products, second));
	}
	let all: Vec<M::Share> = items.iter().flat_map(|(_, _, b)| b.iter().copied()).chain(bits.iter().copied()).collect();
	let (mut squares, seed) = mpc.mul_then_coin(&[&all[..], left].concat(), &[&all[..], right].concat())?;
	let products = squares.split_off(all.len());
	let chi = M::F::random(&mut <rand_chacha::ChaCha12Rng as rand::SeedableRng>::from_seed(seed));
	let not_bits = |mpc: &M, bits: &[M::Share], squares: &[M::Share]| {
		bits.iter().zip(squares).rev().fold(mpc.constant(M::F::zero()), |z, (b, s)| mpc.add(mpc.scale(z, chi), mpc.sub(*s, *b)))
	};
	let mut at = 0;
	let mut z: Vec<M::Share> = items
		.iter()
		.map(|(_, x, b)| {
			let sum = bits_value(mpc, b);
			let z = mpc.add(not_bits(mpc, b, &squares[at..at + b.len()]), mpc.scale(mpc.sub(*x, sum), chi.pow([b.len() as u64])));
			at += b.len();
			z
		})
		.collect();
	if !bits.is_empty() {
		z.push(not_bits(mpc, bits, &squares[at..]));
	}
	let (a, b) = then(mpc, &products)?;
	let (opened, second) = mpc.open_then_mul(&z, &a, &b)?;
	if let Some((((owner, index), ..), _)) = items.iter().zip(&opened).find(|(_, z)| !z.is_zero()) {
		return Err(MpcError::InputOutOfRange { owner: *owner, index: *index });
	}
	if opened.get(items.len()).is_some_and(|z| !z.is_zero()) {
		return Err(MpcError::BitCheckFailed);
	}
	Ok((products, second))
}

/// Before a run's first layer: the range checks of typed inputs, and the `bits` random bits the
/// whole run will use, dealt at once ([`Mpc::deal_bits`]) and, where the protocol needs it,
/// proven to be bits in the same check (one round of squares, one verification and one opening
/// for both), then stocked for [`Mpc::random_bits`].
pub fn prepare<M: Mpc>(mpc: &mut M, items: &[((usize, usize), M::Share, Vec<M::Share>)], bits: usize) -> Result<()> {
	prepare_with(mpc, items, bits, &[], &[], |_, _| Ok((Vec::new(), Vec::new()))).map(|_| ())
}

/// [`prepare`], with the products `left[i]·right[i]` and then those of the operands `then`
/// computes from them taken with the range check ([`check_ranges_with`]); returns both.
pub fn prepare_with<M: Mpc>(
	mpc: &mut M,
	items: &[((usize, usize), M::Share, Vec<M::Share>)],
	bits: usize,
	left: &[M::Share],
	right: &[M::Share],
	then: impl FnOnce(&M, &[M::Share]) -> Result<(Vec<M::Share>, Vec<M::Share>)>,
) -> Result<(Vec<M::Share>, Vec<M::Share>)> {
	let dealt = if bits > 0 { mpc.deal_bits(bits)? } else { None };
	let unproven = match &dealt {
		Some((bits, true)) => &bits[..],
		_ => &[],
	};
	let products = check_ranges_with(mpc, items, unproven, left, right, then)?;
	if let Some((bits, _)) = dealt {
		mpc.stock_bits(bits);
	}
	Ok(products)
}

/// [`Mpc::random_bits`] for a protocol that stocks dealt bits: the stock first, then, if it runs
/// short, bits dealt on the spot and proven at once where they must be.
pub fn stocked_bits<M: Mpc>(mpc: &mut M, stock: impl Fn(&mut M) -> &mut Vec<M::Share>, count: usize) -> Result<Vec<M::Share>> {
	let held = stock(mpc);
	let mut bits: Vec<M::Share> = held.drain(..count.min(held.len())).collect();
	if bits.len() < count {
		match mpc.deal_bits(count - bits.len())? {
			Some((more, unproven)) => {
				if unproven {
					check_ranges(mpc, &[], &more)?;
				}
				bits.extend(more);
			},
			None => bits.extend(square_root_bits(mpc, count - bits.len())?),
		}
	}
	Ok(bits)
}

/// In an audit harness ([`Mpc::audit`]), fails unless every value is below 2^bound: the
/// statistical hiding of a masked opening holds only for values inside the bound the compiler
/// proved. Real protocols see no values and skip this.
fn audit_bound<M: Mpc>(mpc: &M, values: &[M::Share], bound: u32) -> Result<()> {
	for v in values {
		if let Some(v) = mpc.audit(v) {
			if v.into_bigint().num_bits() > bound {
				return Err(MpcError::BoundExceeded { bound });
			}
		}
	}
	Ok(())
}

/// `count` shared uniformly random bits, from the protocol's source ([`Mpc::random_bits`]).
pub fn random_bits<M: Mpc>(mpc: &mut M, count: usize) -> Result<Vec<M::Share>> {
	mpc.random_bits(count)
}

/// The bitwise XOR of k sharings of each bit (`sharings[d][i]` is the d-th sharing of bit i):
/// x ⊕ y = x + y − 2xy, combined pairwise in a balanced tree, ⌈log2 k⌉ rounds of
/// multiplications. XOR, written so, is associative and commutative as a polynomial, so the
/// tree's shape does not matter.
pub fn xor_all<M: Mpc>(mpc: &mut M, mut sharings: Vec<Vec<M::Share>>) -> Result<Vec<M::Share>> {
	if sharings.windows(2).any(|w| w[0].len() != w[1].len()) {
		return Err(MpcError::InvalidParameters("XOR of sharings of different lengths".into()));
	}
	while sharings.len() > 1 {
		let pairs = sharings.len() / 2;
		let left: Vec<M::Share> = (0..pairs).flat_map(|p| sharings[2 * p].iter().copied()).collect();
		let right: Vec<M::Share> = (0..pairs).flat_map(|p| sharings[2 * p + 1].iter().copied()).collect();
		let products = mpc.mul(&left, &right)?;
		let minus_two = -M::F::from(2u64);
		let mut next: Vec<Vec<M::Share>> = left
			.iter()
			.zip(&right)
			.zip(&products)
			.map(|((x, y), xy)| mpc.add(mpc.add(*x, *y), mpc.scale(*xy, minus_two)))
			.collect::<Vec<_>>()
			.chunks(sharings[0].len().max(1))
			.map(|c| c.to_vec())
			.collect();
		if sharings.len() % 2 == 1 {
			next.push(sharings.pop().expect("odd count"));
		}
		sharings = next;
	}
	Ok(sharings.pop().unwrap_or_default())
}

/// `count` shared uniformly random bits: open r² for a random r; r/√(r²) is ±1 uniformly.
pub fn square_root_bits<M: Mpc>(mpc: &mut M, count: usize) -> Result<Vec<M::Share>> {
	let half = M::F::from(2u64).inverse().expect("odd characteristic");
	let mut bits = Vec::with_capacity(count);
	while bits.len() < count {
		let want = count - bits.len();
		let r = mpc.random(want)?;
		let squares = mpc.mul(&r, &r)?;
		let opened = mpc.open(&squares)?;
		// The roots, then all their inverses with one field inversion (Montgomery's trick).
		let mut roots = Vec::with_capacity(opened.len());
		for s in &opened {
			match s.sqrt() {
				Some(root) => roots.push(root),
				// A non-square means someone lied about r²: r² is always a square.
				None => return Err(MpcError::InconsistentShares),
			}
		}
		ark_ff::batch_inversion(&mut roots);
		for ((r, s), inv) in r.into_iter().zip(opened).zip(roots) {
			// s = 0 happens with probability 1/p; those r are simply dropped.
			if !s.is_zero() {
				bits.push(mpc.scale(mpc.add_const(mpc.scale(r, inv), M::F::one()), half));
			}
		}
	}
	Ok(bits)
}

/// Σ_i 2^i·b_i of shared bits, least significant first, by Horner's rule from the top: a
/// doubling and an addition per bit, no power of two and no multiplication by one.
fn bits_value<M: Mpc>(mpc: &M, bits: &[M::Share]) -> M::Share {
	bits.iter().rev().fold(mpc.constant(M::F::zero()), |acc, b| mpc.add(mpc.add(acc, acc), *b))
}

/// A random mask r = Σ_{i<low} 2^i b_i + 2^low · (a `high`-bit random value), with the low bits.
struct Masks<S> {
	bits: Vec<Vec<S>>,
	full: Vec<S>,
}

fn masks<M: Mpc>(mpc: &mut M, count: usize, low: u32, high: u32) -> Result<Masks<M::Share>> {
	let per = (low + high) as usize;
	let all = random_bits(mpc, count * per)?;
	let mut bits = Vec::with_capacity(count);
	let mut full = Vec::with_capacity(count);
	for chunk in all.chunks(per) {
		let r = bits_value(mpc, chunk);
		bits.push(chunk[..low as usize].to_vec());
		full.push(r);
	}
	Ok(Masks { bits, full })
}

/// Sklansky's parallel prefix circuit on `m` positions: for each of its ⌈log2 m⌉ levels, the
/// (from, to) position pairs whose combination `x[to] = x[from] ∘ x[to]` that level computes. At
/// level l each position in the upper half of a 2^(l+1)-block takes in the last position of the
/// lower half, so after all levels x[j] = x[0] ∘ … ∘ x[j]. A level's pairs are independent (no
/// position is both read and written), so each level is one round of multiplications.
pub fn prefix_levels(m: usize) -> Vec<Vec<(usize, usize)>> {
	let mut levels = Vec::new();
	let mut half = 1;
	while half < m {
		let pairs = (0..m).filter(|j| j & half != 0).map(|j| ((j & !(2 * half - 1)) + half - 1, j)).collect();
		levels.push(pairs);
		half *= 2;
	}
	levels
}

/// Multiplications of [`public_lt_bits`] on `m` bits: one per OR of the prefix circuit.
pub fn public_lt_muls(m: usize) -> u64 {
	prefix_levels(m).iter().map(|level| level.len() as u64).sum()
}

/// [public < shared] for each pair; `shared` bits are LSB first. In ⌈log2 bits⌉ rounds:
///
/// with e_i = c_i ⊕ r_i (linear, since c is public), c < r exactly when r has a 1 (so c a 0) at
/// the most significant position where they differ. The prefix ORs from the top,
/// f_i = e_{bits-1} ∨ … ∨ e_i (x ∨ y = x + y − x·y, by [`prefix_levels`]), are 1 at and below
/// that position, so the first difference is marked by g_i = f_i − f_{i+1} alone, and
///
///   [c < r] = Σ_{i : c_i = 0} g_i,
///
/// which is linear again.
fn public_lt_bits<M: Mpc>(mpc: &mut M, public: &[u128], shared: &[Vec<M::Share>], bits: u32) -> Result<Vec<M::Share>> {
	let m = bits as usize;
	let one = M::F::one();
	// Row k, position j: e at bit m-1-j (MSB first, so the prefix runs from the top).
	let mut f: Vec<Vec<M::Share>> = public
		.iter()
		.zip(shared)
		.map(|(c, r)| (0..m).map(|j| if (c >> (m - 1 - j)) & 1 == 1 { mpc.add_const(mpc.scale(r[m - 1 - j], -one), one) } else { r[m - 1 - j] }).collect())
		.collect();
	for level in prefix_levels(m) {
		let lows: Vec<M::Share> = f.iter().flat_map(|row| level.iter().map(|(from, _)| row[*from])).collect();
		let highs: Vec<M::Share> = f.iter().flat_map(|row| level.iter().map(|(_, to)| row[*to])).collect();
		let products = mpc.mul(&lows, &highs)?;
		for (k, row) in f.iter_mut().enumerate() {
			for (p, (_, to)) in level.iter().enumerate() {
				let at = k * level.len() + p;
				row[*to] = mpc.sub(mpc.add(lows[at], highs[at]), products[at]);
			}
		}
	}
	Ok(public
		.iter()
		.zip(&f)
		.map(|(c, row)| {
			(0..m).filter(|j| (c >> (m - 1 - j)) & 1 == 0).fold(mpc.constant(M::F::zero()), |acc, j| {
				let g = if j == 0 { row[0] } else { mpc.sub(row[j], row[j - 1]) };
				mpc.add(acc, g)
			})
		})
		.collect())
}

/// x mod 2^m for shared x < 2^bound.
pub fn mod2m<M: Mpc>(mpc: &mut M, x: &[M::Share], bound: u32, m: u32) -> Result<Vec<M::Share>> {
	if m >= bound {
		return Ok(x.to_vec());
	}
	check_room::<M::F>(bound, m)?;
	audit_bound(mpc, x, bound)?;
	let mask = masks(mpc, x.len(), m, bound - m + STATISTICAL_SECURITY)?;
	let masked: Vec<M::Share> = x.iter().zip(&mask.full).map(|(x, r)| mpc.add(*x, *r)).collect();
	let c = mpc.open(&masked)?;
	let c_low: Vec<u128> = c.iter().map(|c| low_bits(*c, m)).collect();
	// x mod 2^m = c_low - r_low + 2^m · [c_low < r_low]
	let wrapped = public_lt_bits(mpc, &c_low, &mask.bits, m)?;
	Ok((0..x.len())
		.map(|k| {
			let r_low = bits_value(mpc, &mask.bits[k]);
			let v = mpc.add_const(mpc.scale(r_low, -M::F::one()), M::F::from(c_low[k]));
			mpc.add(v, mpc.scale(wrapped[k], pow2(m)))
		})
		.collect())
}

/// ⌊x / 2^m⌋ for shared x < 2^bound (exact).
pub fn trunc<M: Mpc>(mpc: &mut M, x: &[M::Share], bound: u32, m: u32) -> Result<Vec<M::Share>> {
	let low = mod2m(mpc, x, bound, m)?;
	let inv = pow2::<M::F>(m).inverse().expect("2^m is invertible");
	Ok(x.iter().zip(low).map(|(x, l)| mpc.scale(mpc.sub(*x, l), inv)).collect())
}

/// Which comparison a comparison on bits ([`compare_segments`]) makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum BitCompare {
	Lt,
	Le,
	Eq,
}

/// Comparisons of values whose `m` bits are shared already (least significant first: an
/// input's bits, which the range check proved): no random bits and nothing opened. Per position,
/// from the products p_i = x_i·y_i (`products`, in the order of the flattened bits: the executor
/// takes them in the range check's round of squares, [`check_ranges_with`]),
///
///   e_i = [x_i = y_i] = 1 − x_i − y_i + 2·p_i,   l_i = [x_i < y_i] = y_i − p_i;
///
/// then segments combine, a more significant one h over the one below it, lo, as
///
///   e = e_h·e_lo,   l = l_h + e_h·l_lo
///
/// (x < y where the high parts differ, else as the low parts decide), pairwise in a balanced
/// tree: ⌈log2 m⌉ more rounds, two multiplications per combination (one for equality, which
/// needs no l). At the root, [x < y] = l, [x ≤ y] = l + e, [x = y] = e. The leaves are
/// [`bit_leaves`], a level [`level_operands`] then [`combine_level`], the rest of the tree and
/// the root [`compare_segments`].
///
/// This type is such a comparison half done: which comparison, and its segments (e, l), least
/// significant first.
pub type Segments<S> = (BitCompare, Vec<(S, S)>);

/// The leaves of a comparison on bits ([`Segments`]): (e_i, l_i) per position from x_i, y_i
/// and p_i = x_i·y_i.
pub fn bit_leaves<M: Mpc>(mpc: &M, x: &[M::Share], y: &[M::Share], products: &[M::Share]) -> Result<Vec<(M::Share, M::Share)>> {
	if x.is_empty() || x.len() != y.len() || products.len() != x.len() {
		return Err(MpcError::InvalidCircuit("compared bit vectors differ in width".into()));
	}
	let one = M::F::one();
	Ok(x.iter()
		.zip(y)
		.zip(products)
		.map(|((xi, yi), p)| (mpc.add_const(mpc.add(mpc.scale(mpc.add(*xi, *yi), -one), mpc.scale(*p, one + one)), one), mpc.sub(*yi, *p)))
		.collect())
}

/// The products one level of the tree takes, for every comparison with segments to combine,
/// in one batch: (e_h, e_lo) for each pair, and (e_h, l_lo) unless the comparison is equality.
pub fn level_operands<S: Copy>(segments: &[Segments<S>]) -> (Vec<S>, Vec<S>) {
	let (mut highs, mut lows) = (Vec::new(), Vec::new());
	for (cmp, s) in segments {
		for pair in s.chunks_exact(2) {
			highs.push(pair[1].0);
			lows.push(pair[0].0);
			if *cmp != BitCompare::Eq {
				highs.push(pair[1].0);
				lows.push(pair[0].1);
			}
		}
	}
	(highs, lows)
}

/// The segments after one level, from the products of [`level_operands`]: e = e_h·e_lo,
/// l = l_h + e_h·l_lo (an odd segment out goes up as it is).
pub fn combine_level<M: Mpc>(mpc: &M, segments: Vec<Segments<M::Share>>, products: Vec<M::Share>) -> Vec<Segments<M::Share>> {
	let mut combined = products.into_iter();
	segments
		.into_iter()
		.map(|(cmp, s)| {
			let next = s
				.chunks(2)
				.map(|pair| match pair {
					[_, hi] => {
						let e = combined.next().expect("one per pair");
						let l = if cmp == BitCompare::Eq { hi.1 } else { mpc.add(hi.1, combined.next().expect("two per pair")) };
						(e, l)
					},
					[top] => *top,
					_ => unreachable!("chunks of at most two"),
				})
				.collect();
			(cmp, next)
		})
		.collect()
}

/// The rest of the tree, a level per round for every comparison at once, and the results.
pub fn compare_segments<M: Mpc>(mpc: &mut M, mut segments: Vec<Segments<M::Share>>) -> Result<Vec<M::Share>> {
	while segments.iter().any(|(_, s)| s.len() > 1) {
		let (highs, lows) = level_operands(&segments);
		let products = mpc.mul(&highs, &lows)?;
		segments = combine_level(mpc, segments, products);
	}
	segments
		.into_iter()
		.map(|(cmp, s)| {
			let (e, l) = *s.first().ok_or_else(|| MpcError::InvalidCircuit("a comparison of no bits".into()))?;
			Ok(match cmp {
				BitCompare::Lt => l,
				BitCompare::Le => mpc.add(l, e),
				BitCompare::Eq => e,
			})
		})
		.collect()
}

/// (multiplications, rounds) of one comparison on bits of `m`-bit values, the products' round
/// included (rounds shared by a batch; the executor takes that round with the range check's
/// squares, and the first level's with the opening of its check values).
pub fn compare_bits_cost(m: usize, cmp: BitCompare) -> (u64, u64) {
	let per_pair = if cmp == BitCompare::Eq { 1 } else { 2 };
	let (mut muls, mut rounds, mut len) = (m as u64, 1, m);
	while len > 1 {
		muls += per_pair * (len / 2) as u64;
		rounds += 1;
		len = len.div_ceil(2);
	}
	(muls, rounds)
}

/// [a < b] for `bits`-bit values.
pub fn lt<M: Mpc>(mpc: &mut M, a: &[M::Share], b: &[M::Share], bits: u32) -> Result<Vec<M::Share>> {
	// c = a - b + 2^bits ∈ [1, 2^(bits+1)); a < b exactly when bit `bits` of c is 0.
	let c: Vec<M::Share> = a.iter().zip(b).map(|(a, b)| mpc.add_const(mpc.sub(*a, *b), pow2(bits))).collect();
	let top = trunc(mpc, &c, bits + 1, bits)?;
	Ok(top.into_iter().map(|t| mpc.add_const(mpc.scale(t, -M::F::one()), M::F::one())).collect())
}

/// [a <= b] for `bits`-bit values.
pub fn le<M: Mpc>(mpc: &mut M, a: &[M::Share], b: &[M::Share], bits: u32) -> Result<Vec<M::Share>> {
	let greater = lt(mpc, b, a, bits)?;
	Ok(greater.into_iter().map(|g| mpc.add_const(mpc.scale(g, -M::F::one()), M::F::one())).collect())
}

/// [a == b] for `bits`-bit values: neither is less than the other (both tests in one batch).
pub fn eq<M: Mpc>(mpc: &mut M, a: &[M::Share], b: &[M::Share], bits: u32) -> Result<Vec<M::Share>> {
	let left: Vec<M::Share> = a.iter().chain(b).copied().collect();
	let right: Vec<M::Share> = b.iter().chain(a).copied().collect();
	let both = lt(mpc, &left, &right, bits)?;
	let (ab, ba) = both.split_at(a.len());
	Ok(ab.iter().zip(ba).map(|(x, y)| mpc.add_const(mpc.scale(mpc.add(*x, *y), -M::F::one()), M::F::one())).collect())
}

/// c ? x : y, for shared bits c.
pub fn select<M: Mpc>(mpc: &mut M, c: &[M::Share], x: &[M::Share], y: &[M::Share]) -> Result<Vec<M::Share>> {
	// A condition other than 0 or 1 would publish an affine mix of x and y.
	audit_bound(mpc, c, 1)?;
	let diff: Vec<M::Share> = x.iter().zip(y).map(|(x, y)| mpc.sub(*x, *y)).collect();
	let picked = mpc.mul(c, &diff)?;
	Ok(picked.into_iter().zip(y).map(|(p, y)| mpc.add(p, *y)).collect())
}

/// ⌊a / d⌋ for `bits`-bit values and a public divisor d > 0. Powers of two truncate directly;
/// other divisors multiply by m = ⌈2^(bits+ℓ)/d⌉ (ℓ = ⌈log2 d⌉) and truncate by bits + ℓ,
/// which is exact for every a < 2^bits (Granlund and Montgomery 1994).
pub fn div_const<M: Mpc>(mpc: &mut M, a: &[M::Share], divisor: u128, bits: u32) -> Result<Vec<M::Share>> {
	if divisor == 0 {
		return Err(MpcError::InvalidCircuit("division by zero".into()));
	}
	if divisor.is_power_of_two() {
		return trunc(mpc, a, bits, divisor.trailing_zeros());
	}
	let l = 128 - (divisor - 1).leading_zeros();
	let shift = bits + l;
	let numerator = BigUint::from(1u8) << shift;
	let m = (&numerator + BigUint::from(divisor) - 1u8) / BigUint::from(divisor);
	let m_field = M::F::from_le_bytes_mod_order(&m.to_bytes_le());
	let m_bits = m.bits() as u32;
	let scaled: Vec<M::Share> = a.iter().map(|x| mpc.scale(*x, m_field)).collect();
	trunc(mpc, &scaled, bits + m_bits, shift)
}

/// The `bits` bits (LSB first) of each shared `bits`-bit value.
pub fn bit_decompose<M: Mpc>(mpc: &mut M, x: &[M::Share], bits: u32) -> Result<Vec<Vec<M::Share>>> {
	check_room::<M::F>(bits, bits)?;
	audit_bound(mpc, x, bits)?;
	let mask = masks(mpc, x.len(), bits, STATISTICAL_SECURITY)?;
	let masked: Vec<M::Share> = x.iter().zip(&mask.full).map(|(x, r)| mpc.add(*x, *r)).collect();
	let c: Vec<u128> = mpc.open(&masked)?.into_iter().map(|c| low_bits(c, bits)).collect();
	// x = (c - r) mod 2^bits, by a ripple-borrow subtractor with public c.
	let count = x.len();
	let mut borrow = vec![mpc.constant(M::F::zero()); count];
	let mut out = vec![Vec::with_capacity(bits as usize); count];
	let two = M::F::from(2u64);
	for i in 0..bits as usize {
		let r: Vec<M::Share> = mask.bits.iter().map(|b| b[i]).collect();
		let rb = mpc.mul(&r, &borrow)?;
		for k in 0..count {
			// r XOR borrow = r + borrow - 2·r·borrow
			let xor = mpc.sub(mpc.add(r[k], borrow[k]), mpc.scale(rb[k], two));
			if (c[k] >> i) & 1 == 1 {
				out[k].push(mpc.add_const(mpc.scale(xor, -M::F::one()), M::F::one()));
				borrow[k] = rb[k];
			} else {
				out[k].push(xor);
				borrow[k] = mpc.sub(mpc.add(r[k], borrow[k]), rb[k]);
			}
		}
	}
	Ok(out)
}

#[cfg(test)]
mod tests {
	use super::prefix_levels;

	/// The levels compute every prefix OR, in ⌈log2 m⌉ rounds, for widths 1 to 130.
	#[test]
	fn the_prefix_circuit_computes_every_prefix_in_log_depth() {
		let mut seed = 0x9e37_79b9_7f4a_7c15u64;
		for m in 1..=130usize {
			let levels = prefix_levels(m);
			assert_eq!(levels.len(), (m as f64).log2().ceil() as usize, "levels of {m}");
			for _ in 0..8 {
				let bits: Vec<bool> = (0..m)
					.map(|_| {
						seed ^= seed << 13;
						seed ^= seed >> 7;
						seed ^= seed << 17;
						seed % 5 == 0
					})
					.collect();
				let mut x = bits.clone();
				for level in &levels {
					let before = x.clone();
					for (from, to) in level {
						assert!(!level.iter().any(|(_, t)| t == from), "a level reads what it writes");
						x[*to] = before[*from] || before[*to];
					}
				}
				let expected: Vec<bool> = bits.iter().scan(false, |acc, b| {
					*acc |= *b;
					Some(*acc)
				}).collect();
				assert_eq!(x, expected, "width {m}");
			}
		}
	}
}
