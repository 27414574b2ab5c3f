//! SPDZ online phase (Damgård, Pastro, Smart, Zakarias 2012): dishonest majority, security with
//! abort. A value x is held as additive shares x_i with MAC shares m_i, Σ m_i = α·x, under a
//! global key α = Σ α_i nobody knows. Multiplication uses Beaver triples; inputs use masks whose
//! value only the owner knows; opened values are checked in batches: random coefficients from a
//! commit-then-open coin, then every party commits to its σ_i before any σ_i is revealed.
//!
//! **Clients outside the committee.** An owner that shares an input for a dishonest majority
//! deals it with degree n − 1 (no n − 1 members learn anything) together with a MAC of its own
//! ([`crate::protocol::ClientMac`]): a key k, k·e for every element e it deals, and k·k, proven
//! at dealing to be just that ([`crate::mac_proof`]), so that a failed check is a member's doing.
//! [`Mpc::adopt`] has each member input λ_i times its shares (λ_i its Lagrange coefficient at
//! 0, so the inputs add up to the dealt values), then checks, for random χ and ψ and with the
//! key taken as one more element e_sm = k_s (whose tag is k_s²),
//!
//! ```text
//! Z = Σ_s ψ^s·(k_s·Σ_{j≤m} χ^j·e_sj − Σ_{j≤m} χ^j·(k·e)_sj) = 0,   by opening σ·Z for a random σ.
//! ```
//!
//! A member that brought e + ε must have brought (k·e) + k·ε without knowing k. One that shifts
//! its key share by δ (and its tags by δ·g, for a guess g of the input) leaves χ^m's
//! coefficient at 2kδ + δ² − ε_{k²}, which needs k to cancel: the check fails whatever the
//! input, so its outcome cannot test a guess. Nor can a member that shifts its key share in the
//! product k_s·(…) alone, after seeing χ (Δ = G/χ^m for its shift G of the entered elements,
//! leaving Z = Δ·(E − G), 0 exactly when the input is its guess): the products are verified
//! ([`Mpc::check`]: the MACs of their openings, or the commitments) before σ·Z is opened, and a
//! share shifted in an opening fails that whatever the input. A non-zero Z opens as a uniform value, which says
//! nothing of k (the same key serves every task that reads the input). A private output y goes
//! to its recipient as each member's shares of y, of a random r, of w = r·y and of v = r·r
//! ([`Mpc::output_checks`]); the recipient accepts y only if Σw_i = Σr_i·Σy_i and
//! Σv_i = (Σr_i)² ([`reconstruct_output`]). A member that shifts y_i by ε must shift w_i by
//! r·ε, and r is hidden by the honest members' shares of it; one that shifts r_i fails the
//! second equation whatever y is, so the recipient's verdict says nothing of y (the output
//! protocol of Damgård, Damgård, Nielsen, Nordholt and Toft, "Confidential benchmarking based
//! on multiparty computation", FC 2016, with the r·r check added for that reason).

use crate::{
	error::{MpcError, Result},
	preprocessing::{Preprocessing, Triple},
	protocol::{HeldInput, Mpc, Stats},
	shamir::lagrange_coefficients,
	transport::{Net, Transport},
};
use crate::field::{MpcField, WideSum};
use ark_ff::Zero;
use blake2::{Blake2b512, Digest};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha12Rng;

/// One party's share of a MAC'd value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct MacShare<F> {
	pub value: F,
	pub mac: F,
}

pub struct Spdz<F: MpcField, T: Transport, P: Preprocessing<F>> {
	net: Net<T>,
	prep: P,
	alpha: F,
	/// Opened values and our MAC shares of them, awaiting the batched MAC check.
	opened: Vec<(F, F)>,
	/// Hash of every broadcast value received, compared across parties at the check.
	broadcasts: Blake2b512,
	/// Hash of every value opened to all parties and every input difference, in order
	/// ([`Mpc::opened_digest`]).
	opened_digest: crate::field::ElementsDigest,
	/// Which party is king of the first slice in the next opening by kings.
	king_offset: usize,
	/// A check failed: every later one fails too, so a caller that went on past the error
	/// cannot pass a check that no longer holds the values it failed on.
	failed: bool,
	rng: ChaCha12Rng,
}

/// Opened values awaiting their MAC check from which a run checks them at once (about five
/// more rounds, which the circuit's cost does not count): a long run then reuses one buffer,
/// below 2^18 values plus its largest opening, instead of growing one to hold all of them.
const UNCHECKED_MAX: usize = 1 << 18;

/// Bytes of shares opened at once from which kings open them (n ≥ 3). Kings save
/// (n − 1)(n − 2)/n elements per value and party (21 bytes per 32-byte element at n = 3) for
/// one more one-way trip, counted in the same round as DN07's king: from 32 KB (1,024 elements
/// of BLS12-381 Fr, saving about 21 KB at n = 3, 0.2 ms at 1 Gbit/s) the bytes cost more than
/// the trip on a LAN. Across the internet, with milliseconds per trip, they do from larger
/// batches only.
const KINGS_FROM_BYTES: usize = 32 << 10;

impl<F: MpcField, T: Transport, P: Preprocessing<F>> Spdz<F, T, P> {
	/// The transport back, once the run is over (to make more material in the same session).
	pub fn into_net(self) -> Net<T> {
		self.net
	}

	pub fn new(net: Net<T>, prep: P) -> Self {
		let alpha = prep.mac_key_share();
		Self { net, prep, alpha, opened: Vec::new(), broadcasts: Blake2b512::new(), opened_digest: Default::default(), king_offset: 0, failed: false, rng: ChaCha12Rng::from_entropy() }
	}

	/// Sum everybody's shares of `values`: the raw opening, without the MAC check. Each party
	/// sends its shares to everyone, or, from [`KINGS_FROM_BYTES`] of them at n ≥ 3, to kings.
	fn open_raw(&mut self, values: &[F]) -> Result<Vec<F>> {
		self.net.round();
		let opened = if self.parties() >= 3 && values.len() * F::WIRE_BYTES >= KINGS_FROM_BYTES {
			self.open_by_kings(values)?
		} else {
			self.net.all_to_all_sum(values)?
		};
		self.opened_digest.update(&opened);
		Ok(opened)
	}

	/// Opens through kings: slice j of n goes to party (j + offset) mod n, which adds up the
	/// shares it receives and sends the sums to everyone; the offset turns with every opening.
	/// Each party sends 2(n − 1)/n elements per value instead of n − 1. A king that sends
	/// different sums to different parties, like a party that sends different shares, leaves
	/// the honest parties with values other than the shares' sum, and their MAC check fails:
	/// each checks the values it was given, whose MACs the cheaters cannot forge without α.
	fn open_by_kings(&mut self, values: &[F]) -> Result<Vec<F>> {
		let (n, len) = (self.parties(), values.len());
		let offset = self.king_offset;
		self.king_offset = (offset + 1) % n;
		let slice = |j: usize| j * len / n..(j + 1) * len / n;
		let slice_of = |king: usize| (king + n - offset) % n;
		// To the kings: each king's slice of my shares.
		let outgoing: Vec<&[F]> = (0..n).map(|king| &values[slice(slice_of(king))]).collect();
		let sums = self.net.exchange_sum(&outgoing)?;
		// From the kings: every slice's sums.
		let counts: Vec<usize> = (0..n).map(|king| slice(slice_of(king)).len()).collect();
		let from_kings = self.net.exchange_elements(vec![sums.as_slice(); n], &counts)?;
		Ok((0..n).flat_map(|j| from_kings[(j + offset) % n].iter().copied()).collect())
	}

	/// Opens shares given as their values and, in the same order, their MACs, which wait for
	/// the MAC check with the values opened.
	fn open_values(&mut self, values: &[F], macs: impl Iterator<Item = F>) -> Result<Vec<F>> {
		let opened = self.open_raw(values)?;
		self.opened.extend(opened.iter().copied().zip(macs));
		if self.opened.len() >= UNCHECKED_MAX {
			self.check()?;
		}
		Ok(opened)
	}

	fn coin(&mut self) -> Result<[u8; 32]> {
		coin(&mut self.net, &mut self.rng)
	}
}

impl<F: MpcField, T: Transport, P: Preprocessing<F>> Spdz<F, T, P> {
	/// [`Mpc::adopt`] for inputs dealt with a client MAC: see the module docs. Every member
	/// inputs its vector under masks only it knows, all in one round.
	fn adopt_mac_checked(&mut self, held: &[&HeldInput<F>]) -> Result<Vec<MacShare<F>>> {
		let (n, me) = (self.parties(), self.party());
		let (mine, dealt) = additive_shares(held, me, n)?;
		let len = mine.len();
		let mut masks = Vec::with_capacity(n);
		let mut own = None;
		for owner in 0..n {
			let (shares, values) = self.prep.input_masks(owner, len)?;
			masks.push(shares);
			if owner == me {
				own = values;
			}
		}
		let own = own.ok_or_else(|| MpcError::Preprocessing("own mask values are missing".into()))?;
		let diffs: Vec<F> = mine.iter().zip(&own).map(|(a, r)| *a - r).collect();
		self.net.round();
		let all = self.net.all_to_all_elements(&diffs)?;
		let mut sum = vec![MacShare::default(); len];
		for (owner, diffs) in all.iter().enumerate() {
			self.broadcasts.update(crate::field::to_bytes(diffs));
			self.opened_digest.update(diffs);
			for (k, d) in diffs.iter().enumerate() {
				sum[k] = self.add(sum[k], self.add_const(masks[owner][k], *d));
			}
		}
		check_client_macs(self, held, &dealt, &sum)
	}
}

/// This party's additive shares of what each owner dealt for a dishonest majority (λ_me times
/// its Shamir shares, λ_me its Lagrange coefficient at 0 among the points 1..=n): per input the
/// elements (the bits, or the value of an input without bits), the key, the tags (the
/// elements', then the key's); and how many elements each input dealt.
pub(crate) fn additive_shares<F: MpcField>(held: &[&HeldInput<F>], me: usize, n: usize) -> Result<(Vec<F>, Vec<usize>)> {
	let points: Vec<F> = (1..=n as u64).map(F::from).collect();
	let lambda = lagrange_coefficients(&points, F::zero())[me];
	let mut mine = Vec::new();
	let mut dealt = Vec::with_capacity(held.len());
	for input in held {
		let mac = input.mac.as_ref().ok_or_else(|| MpcError::InvalidParameters("a dishonest-majority protocol takes only inputs shared with a client MAC".into()))?;
		let elements: &[F] = if input.bits.is_empty() { core::slice::from_ref(&input.value) } else { &input.bits };
		if mac.tags.len() != elements.len() + 1 {
			return Err(MpcError::InvalidParameters(format!("an input brings {} elements and {} MAC tags", elements.len(), mac.tags.len())));
		}
		mine.extend(elements.iter().chain(core::iter::once(&mac.key)).chain(&mac.tags).map(|e| *e * lambda));
		dealt.push(elements.len());
	}
	Ok((mine, dealt))
}

/// The owners' MAC check on `sum`, the committee's sharing of every member's
/// [`additive_shares`] added up (so of what the owners dealt), for any protocol: Z opened as
/// σ·Z and required to be 0 (see the module docs). Returns each input's value (from its bits,
/// Σ 2^j·b_j, when it has bits) followed by its elements, in [`Mpc::adopt`]'s order.
pub(crate) fn check_client_macs<M: Mpc>(m: &mut M, held: &[&HeldInput<M::F>], dealt: &[usize], sum: &[M::Share]) -> Result<Vec<M::Share>> {
	let mut coins = ChaCha12Rng::from_seed(m.coin()?);
	let (chi, psi) = (M::F::random(&mut coins), M::F::random(&mut coins));
	let zero = m.constant(M::F::zero());
	let (mut keys, mut combined, mut tags) = (Vec::new(), Vec::new(), Vec::new());
	let mut adopted = Vec::new();
	let mut at = 0;
	for (input, &d) in held.iter().zip(dealt) {
		// The elements, the key (an element too: its tag is k²), the tags.
		let Some(entered) = sum.get(at..at + 2 * d + 2) else {
			return Err(MpcError::InvalidParameters("fewer values entered than the inputs dealt".into()));
		};
		let (keyed, tagged) = entered.split_at(d + 1);
		at += 2 * d + 2;
		let elements = &keyed[..d];
		let horner = |values: &[M::Share]| values.iter().rev().fold(zero, |acc, v| m.add(m.scale(acc, chi), *v));
		keys.push(keyed[d]);
		combined.push(horner(keyed));
		tags.push(horner(tagged));
		if !input.bits.is_empty() {
			let two = M::F::from(2u64);
			adopted.push(elements.iter().rev().fold(zero, |acc, b| m.add(m.scale(acc, two), *b)));
		}
		adopted.extend_from_slice(elements);
	}
	if !held.is_empty() {
		let products = m.mul(&keys, &combined)?;
		let z = products.iter().zip(&tags).rev().fold(zero, |acc, (p, t)| m.add(m.scale(acc, psi), m.sub(*p, *t)));
		let sigma = m.random(1)?;
		let w = m.mul(&sigma, &[z])?;
		// The products verified before σ·Z, which depends on them, is opened: a member that
		// entered its shares shifted by a guess and then multiplied with its key share shifted
		// by a matching Δ would otherwise see σ·Z open to 0 exactly when the input is its guess.
		m.check()?;
		if !m.open(&w)?[0].is_zero() {
			// A member that altered the opening of σ·Z fails the protocol's own check; only a
			// correctly opened non-zero value blames the inputs.
			m.check()?;
			return Err(MpcError::ClientMacCheckFailed);
		}
	}
	Ok(adopted)
}

/// [`Mpc::output_checks`] by products, for any protocol: for each private output y a random r,
/// r·y and r·r, shared like y (two multiplications each, one round).
pub(crate) fn output_checks_by_products<M: Mpc>(m: &mut M, values: &[M::Share]) -> Result<Option<Vec<[M::F; 3]>>> {
	let r = m.random(values.len())?;
	let products = m.mul(&[r.as_slice(), r.as_slice()].concat(), &[values, r.as_slice()].concat())?;
	let (w, v) = products.split_at(values.len());
	Ok(Some(r.iter().zip(w).zip(v).map(|((r, w), v)| [m.raw_share(r), m.raw_share(w), m.raw_share(v)]).collect()))
}

/// A private output from every member's share of it under SPDZ, `(y_i, [r_i, w_i, v_i])` with
/// the check values of [`Mpc::output_checks`]: y = Σ y_i, accepted only if Σ w_i = (Σ r_i)·y and
/// Σ v_i = (Σ r_i)².
pub fn reconstruct_output<F: MpcField>(shares: &[(F, [F; 3])]) -> Result<F> {
	let sum = |k: usize| shares.iter().map(|(_, c)| c[k]).sum::<F>();
	let y: F = shares.iter().map(|(y, _)| *y).sum();
	let (r, w, v) = (sum(0), sum(1), sum(2));
	if w == r * y && v == r * r {
		Ok(y)
	} else {
		Err(MpcError::OutputCheckFailed)
	}
}

/// H(committer, nonce, value): the committer's index is bound in, so a party cannot echo
/// another's commitment and then its opening as its own (which would cancel that party's
/// contribution to a coin).
fn commitment(party: usize, nonce: &[u8], value: &[u8]) -> Vec<u8> {
	Blake2b512::new()
		.chain_update(b"enigma commitment")
		.chain_update((party as u64).to_le_bytes())
		.chain_update(nonce)
		.chain_update(value)
		.finalize()
		.to_vec()
}

/// Commit-then-open: every party commits to `mine`, then reveals; returns all, by party.
pub(crate) fn commit_and_reveal<T: Transport>(net: &mut Net<T>, rng: &mut impl RngCore, mine: &[u8]) -> Result<Vec<Vec<u8>>> {
	let mut nonce = [0u8; 32];
	rng.fill_bytes(&mut nonce);
	net.round();
	let commitments = net.all_to_all(&commitment(net.party(), &nonce, mine))?;
	let mut opening = nonce.to_vec();
	opening.extend_from_slice(mine);
	net.round();
	let openings = net.all_to_all(&opening)?;
	openings
		.into_iter()
		.enumerate()
		.map(|(party, o)| {
			if o.len() < 32 {
				return Err(MpcError::Malformed { from: party, reason: "short commitment opening".into() });
			}
			if commitment(party, &o[..32], &o[32..]) != commitments[party] {
				return Err(MpcError::CommitmentMismatch { party });
			}
			Ok(o[32..].to_vec())
		})
		.collect()
}

/// ε = x − a and δ = y − b, the values Beaver's multiplication opens, in that order: of the
/// shares' values or of their MACs, as `part` takes them.
fn beaver_masked<'a, F: MpcField>(
	x: &'a [MacShare<F>],
	y: &'a [MacShare<F>],
	triples: &'a [Triple<F>],
	part: impl Fn(&MacShare<F>) -> F + Copy + 'a,
) -> impl Iterator<Item = F> + 'a {
	let eps = x.iter().zip(triples).map(move |(x, [a, _, _])| part(x) - part(a));
	eps.chain(y.iter().zip(triples).map(move |(y, [_, b, _])| part(y) - part(b)))
}

/// A seed no party controls: XOR of committed random contributions.
pub(crate) fn coin<T: Transport>(net: &mut Net<T>, rng: &mut impl RngCore) -> Result<[u8; 32]> {
	let mut mine = [0u8; 32];
	rng.fill_bytes(&mut mine);
	let all = commit_and_reveal(net, rng, &mine)?;
	let mut seed = [0u8; 32];
	for (party, c) in all.iter().enumerate() {
		if c.len() != 32 {
			return Err(MpcError::Malformed { from: party, reason: "coin contribution is not 32 bytes".into() });
		}
		seed.iter_mut().zip(c).for_each(|(s, b)| *s ^= b);
	}
	Ok(seed)
}

/// The batched MAC check of opened values, each given with this party's MAC share, under its
/// key share α_i. Each opened value y_j gets a random 128-bit coefficient r_j from the coin, and
/// σ_i = Σ r_j·m_j − α_i·Σ r_j·y_j, both sums reduced once ([`WideSum`]: no modular
/// multiplication per value). Openings shifted by errors the cheaters fixed before the coin
/// pass only if Σ r_j·(δm_j − α·δy_j) = 0, or with their σ's shifted to cancel it, which needs α:
/// with probability at most 2^-128 + 1/|F| in a field above 2^128 (BLS12-381 Fr; about 2^-63
/// in the 64-bit one, where coefficients coincide mod p). (Powers of one χ in the field, as
/// before, gave (opened values)/|F|, at a modular multiplication per value.) Each party commits
/// to σ_i before any σ_i is revealed; Σ σ_i must be 0.
pub(crate) fn mac_check<F: MpcField, T: Transport>(
	net: &mut Net<T>,
	rng: &mut impl RngCore,
	alpha: F,
	opened: impl IntoIterator<Item = (F, F)>,
) -> Result<()> {
	let mut coefficients = ChaCha12Rng::from_seed(coin(net, rng)?);
	let (mut y, mut m) = (WideSum::<F>::default(), WideSum::<F>::default());
	for (value, mac) in opened {
		let r = (coefficients.next_u64() as u128) << 64 | coefficients.next_u64() as u128;
		y.add(r, &value);
		m.add(r, &mac);
	}
	let sigma = m.sum() - alpha * y.sum();
	let all = commit_and_reveal(net, rng, &crate::field::to_bytes(&[sigma]))?;
	let mut total = F::zero();
	for (party, bytes) in all.iter().enumerate() {
		total += crate::field::decode::<F>(bytes, 1, party)?[0];
	}
	if total.is_zero() {
		Ok(())
	} else {
		Err(MpcError::MacCheckFailed)
	}
}

impl<F: MpcField, T: Transport, P: Preprocessing<F>> Mpc for Spdz<F, T, P> {
	type F = F;
	type Share = MacShare<F>;

	fn party(&self) -> usize {
		self.net.party()
	}
	fn parties(&self) -> usize {
		self.net.parties()
	}
	#[inline]
	fn add(&self, a: Self::Share, b: Self::Share) -> Self::Share {
		MacShare { value: a.value + b.value, mac: a.mac + b.mac }
	}
	#[inline]
	fn sub(&self, a: Self::Share, b: Self::Share) -> Self::Share {
		MacShare { value: a.value - b.value, mac: a.mac - b.mac }
	}
	#[inline]
	fn scale(&self, a: Self::Share, c: F) -> Self::Share {
		MacShare { value: a.value * c, mac: a.mac * c }
	}
	#[inline]
	fn add_const(&self, a: Self::Share, c: F) -> Self::Share {
		let value = if self.party() == 0 { a.value + c } else { a.value };
		MacShare { value, mac: a.mac + self.alpha * c }
	}
	fn constant(&self, c: F) -> Self::Share {
		self.add_const(MacShare::default(), c)
	}

	/// The owner broadcasts x - r for a mask r only it knows; everyone adds it to [r].
	fn input(&mut self, owner: usize, values: Option<&[F]>, count: usize) -> Result<Vec<Self::Share>> {
		let (masks, mask_values) = self.prep.input_masks(owner, count)?;
		self.net.round();
		let diffs = if self.party() == owner {
			let values = values.ok_or_else(|| MpcError::InvalidParameters("the input owner must supply its values".into()))?;
			let mask_values = mask_values.ok_or_else(|| MpcError::Preprocessing("owner's mask values are missing".into()))?;
			if values.len() != count {
				return Err(MpcError::InvalidParameters(format!("expected {count} input values, got {}", values.len())));
			}
			let diffs: Vec<F> = values.iter().zip(&mask_values).map(|(x, r)| *x - r).collect();
			self.net.broadcast(&crate::field::to_bytes(&diffs))?;
			diffs
		} else {
			self.net.recv_elements(owner, count)?
		};
		self.broadcasts.update(crate::field::to_bytes(&diffs));
		Ok(masks.into_iter().zip(diffs).map(|(m, d)| self.add_const(m, d)).collect())
	}

	/// Beaver: open ε = x - a and δ = y - b, then xy = c + ε·b + δ·(a + ε) (five
	/// multiplications of a share and its MAC: ε·b, and δ times a + ε as a constant adds it).
	fn mul(&mut self, x: &[Self::Share], y: &[Self::Share]) -> Result<Vec<Self::Share>> {
		let triples = self.prep.triples(x.len())?;
		let values: Vec<F> = beaver_masked(x, y, &triples, |s| s.value).collect();
		let opened = self.open_values(&values, beaver_masked(x, y, &triples, |s| s.mac))?;
		let (eps, delta) = opened.split_at(x.len());
		Ok(triples
			.iter()
			.zip(eps.iter().zip(delta))
			.map(|([a, b, c], (e, d))| self.add(self.add(*c, self.scale(*b, *e)), self.scale(self.add_const(*a, *e), *d)))
			.collect())
	}

	fn open(&mut self, a: &[Self::Share]) -> Result<Vec<F>> {
		let values: Vec<F> = a.iter().map(|s| s.value).collect();
		self.open_values(&values, a.iter().map(|s| s.mac))
	}

	fn random(&mut self, count: usize) -> Result<Vec<Self::Share>> {
		self.prep.random(count)
	}

	/// Mask with r known to `to`, open x - r (MAC-checked), and let `to` add r back.
	fn output_to(&mut self, to: usize, a: &[Self::Share]) -> Result<Option<Vec<F>>> {
		let (masks, mask_values) = self.prep.input_masks(to, a.len())?;
		let masked: Vec<Self::Share> = a.iter().zip(&masks).map(|(x, r)| self.sub(*x, *r)).collect();
		let opened = self.open(&masked)?;
		self.check()?;
		if self.party() != to {
			return Ok(None);
		}
		let r = mask_values.ok_or_else(|| MpcError::Preprocessing("output mask values are missing".into()))?;
		Ok(Some(opened.iter().zip(r).map(|(e, r)| *e + r).collect()))
	}

	fn check(&mut self) -> Result<()> {
		if self.failed {
			return Err(MpcError::MacCheckFailed);
		}
		// Everyone must have seen the same broadcasts.
		let digest = std::mem::replace(&mut self.broadcasts, Blake2b512::new()).finalize().to_vec();
		self.net.round();
		let checked = if self.net.all_to_all(&digest)?.iter().any(|d| *d != digest) {
			Err(MpcError::InconsistentBroadcast)
		} else if self.opened.is_empty() {
			Ok(())
		} else {
			mac_check(&mut self.net, &mut self.rng, self.alpha, self.opened.drain(..))
		};
		self.failed = checked.is_err();
		checked
	}

	fn adopt(&mut self, held: &[&HeldInput<F>]) -> Result<Vec<Self::Share>> {
		self.adopt_mac_checked(held)
	}

	/// For each private output y: a random r, r·y and r·r, shared like y (two triples each,
	/// one round).
	fn output_checks(&mut self, values: &[Self::Share]) -> Result<Option<Vec<[F; 3]>>> {
		output_checks_by_products(self, values)
	}

	fn agree(&mut self, digest: &[u8; 32]) -> Result<()> {
		self.net.agree(digest)
	}
	fn coin(&mut self) -> Result<[u8; 32]> {
		Spdz::coin(self)
	}
	/// The same at every honest party once the MAC check passed; masked openings and input
	/// differences are fresh randomness, so nobody outside the run can predict it.
	fn opened_digest(&self) -> Option<[u8; 32]> {
		Some(self.opened_digest.digest())
	}
	fn raw_share(&self, share: &MacShare<F>) -> F {
		share.value
	}
	fn stats(&self) -> Stats {
		Stats { bytes_sent: self.net.bytes_sent(), messages_sent: self.net.messages_sent(), rounds: self.net.rounds() }
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::transport::mem::network;

	#[test]
	fn a_party_cannot_echo_another_partys_coin_contribution() {
		// Party 1 waits for party 0's commitment and sends it as its own, then echoes party 0's
		// opening: were commitments not bound to their committer, the two contributions would
		// cancel and party 1 would choose the coin at n = 2.
		let mut transports = network(2);
		let (cheat, honest) = (transports.pop().unwrap(), transports.pop().unwrap());
		let honest = std::thread::spawn(move || coin(&mut Net::new(honest), &mut rand::thread_rng()));
		let mut net = Net::new(cheat);
		let their_commitment = net.recv(0).unwrap();
		net.send(0, &their_commitment).unwrap();
		let their_opening = net.recv(0).unwrap();
		net.send(0, &their_opening).unwrap();
		assert_eq!(honest.join().unwrap(), Err(MpcError::CommitmentMismatch { party: 1 }));
	}

	/// From [`KINGS_FROM_BYTES`] at n ≥ 3, openings go through kings. Products of random
	/// values come out right at n = 3, 4, 5, with batches that n does not divide and every
	/// party king of the first slice in turn; each party sends 2(n − 1)/n elements per value
	/// opened instead of n − 1; and a party that sends a king a wrong share, or a king that
	/// gives one party a wrong sum, fails every party's MAC check.
	#[test]
	fn openings_by_kings_are_right_cheaper_and_checked() {
		use crate::{
			field::Fr,
			preprocessing::{trusted_dealer_for_tests, Plan},
			transport::faulty::{Fault, Faulty},
		};
		let count = KINGS_FROM_BYTES / Fr::WIRE_BYTES / 2 + 7;
		// Party 1's first frame to party 0 is its share of party 0's slice; its second, the sums
		// of its own slice.
		for n in 3..=5 {
			for cheat in [None, Some(0), Some(1)] {
				let outcomes: Vec<Result<(bool, u64)>> = network(n)
					.into_iter()
					.enumerate()
					.map(|(me, transport)| {
						std::thread::spawn(move || -> Result<(bool, u64)> {
							let plan = Plan { triples: n * count, randoms: 2 * n * count, masks: vec![0; n] };
							let store = trusted_dealer_for_tests::store::<Fr>(7, n, me, &plan);
							let faults = match cheat {
								Some(nth) if me == 1 => vec![Fault::Corrupt { to: 0, nth, byte: 0 }],
								_ => vec![],
							};
							let mut spdz = Spdz::new(Net::new(Faulty::new(transport, faults)), store);
							let (mut right, mut sent) = (true, 0);
							for _ in 0..n {
								let random = spdz.random(2 * count)?;
								let (x, y) = random.split_at(count);
								let before = spdz.stats().bytes_sent;
								let z = spdz.mul(x, y)?;
								sent += spdz.stats().bytes_sent - before;
								let (x, y, z) = (spdz.open(x)?, spdz.open(y)?, spdz.open(&z)?);
								right &= (0..count).all(|k| z[k] == x[k] * y[k]);
							}
							spdz.check()?;
							Ok((right, sent / n as u64))
						})
					})
					.collect::<Vec<_>>()
					.into_iter()
					.map(|h| h.join().unwrap())
					.collect();
				if cheat.is_some() {
					assert!(outcomes.iter().all(|o| *o == Err(MpcError::MacCheckFailed)), "n = {n}, {cheat:?}: {outcomes:?}");
					continue;
				}
				let by_kings = (2 * count * Fr::WIRE_BYTES) as f64 * 2.0 * (n - 1) as f64 / n as f64;
				for outcome in outcomes {
					let (right, sent) = outcome.unwrap();
					assert!(right, "n = {n}: a wrong product");
					assert!((sent as f64 - by_kings).abs() < 64.0 * n as f64, "n = {n}: {sent} bytes sent per product batch, not about {by_kings}");
				}
			}
		}
	}

	/// A run whose openings reach [`UNCHECKED_MAX`] checks them then, without being asked: a
	/// wrong share in the first opening fails the opening that reaches the limit, and an
	/// honest run goes on with nothing left unchecked.
	#[test]
	fn a_long_run_checks_its_openings_as_it_goes() {
		use crate::{
			field::Fr,
			preprocessing::Store,
			transport::faulty::{Fault, Faulty},
		};
		for cheat in [false, true] {
			let outcomes: Vec<Result<(usize, usize)>> = network(2)
				.into_iter()
				.enumerate()
				.map(|(me, transport)| {
					std::thread::spawn(move || -> Result<(usize, usize)> {
						let faults = if cheat && me == 1 { vec![Fault::Corrupt { to: 0, nth: 0, byte: 0 }] } else { vec![] };
						let store = Store::<Fr> { party: me, alpha: Fr::from(3 + me as u64), ..Default::default() };
						let mut spdz = Spdz::new(Net::new(Faulty::new(transport, faults)), store);
						let five = spdz.constant(Fr::from(5u64));
						spdz.open(&vec![five; UNCHECKED_MAX - 1])?;
						let unchecked = spdz.opened.len();
						spdz.open(&[five])?;
						Ok((unchecked, spdz.opened.len()))
					})
				})
				.collect::<Vec<_>>()
				.into_iter()
				.map(|h| h.join().unwrap())
				.collect();
			let expected = if cheat { Err(MpcError::MacCheckFailed) } else { Ok((UNCHECKED_MAX - 1, 0)) };
			assert!(outcomes.iter().all(|o| *o == expected), "cheat = {cheat}: {outcomes:?}");
		}
	}

	/// A member's SPDZ party that, once the owners' MAC check has drawn its coin, multiplies the
	/// first key in the check's product with its value share moved by Δ = guess/χ (its MAC
	/// share left as it was: what adding Δ to its share of k − a's opening does).
	struct KeyShift<'a, M: Mpc<F = crate::field::Fr, Share = MacShare<crate::field::Fr>>> {
		inner: &'a mut M,
		guess: crate::field::Fr,
		delta: Option<crate::field::Fr>,
	}

	impl<M: Mpc<F = crate::field::Fr, Share = MacShare<crate::field::Fr>>> Mpc for KeyShift<'_, M> {
		type F = M::F;
		type Share = M::Share;
		fn party(&self) -> usize {
			self.inner.party()
		}
		fn parties(&self) -> usize {
			self.inner.parties()
		}
		fn add(&self, a: M::Share, b: M::Share) -> M::Share {
			self.inner.add(a, b)
		}
		fn sub(&self, a: M::Share, b: M::Share) -> M::Share {
			self.inner.sub(a, b)
		}
		fn scale(&self, a: M::Share, c: M::F) -> M::Share {
			self.inner.scale(a, c)
		}
		fn add_const(&self, a: M::Share, c: M::F) -> M::Share {
			self.inner.add_const(a, c)
		}
		fn constant(&self, c: M::F) -> M::Share {
			self.inner.constant(c)
		}
		fn input(&mut self, owner: usize, values: Option<&[M::F]>, count: usize) -> Result<Vec<M::Share>> {
			self.inner.input(owner, values, count)
		}
		fn mul(&mut self, a: &[M::Share], b: &[M::Share]) -> Result<Vec<M::Share>> {
			let mut a = a.to_vec();
			if let Some(delta) = self.delta.take() {
				a[0].value += delta;
			}
			self.inner.mul(&a, b)
		}
		fn open(&mut self, a: &[M::Share]) -> Result<Vec<M::F>> {
			self.inner.open(a)
		}
		fn random(&mut self, count: usize) -> Result<Vec<M::Share>> {
			self.inner.random(count)
		}
		fn output_to(&mut self, to: usize, a: &[M::Share]) -> Result<Option<Vec<M::F>>> {
			self.inner.output_to(to, a)
		}
		fn check(&mut self) -> Result<()> {
			self.inner.check()
		}
		fn stats(&self) -> Stats {
			self.inner.stats()
		}
		fn agree(&mut self, digest: &[u8; 32]) -> Result<()> {
			self.inner.agree(digest)
		}
		fn coin(&mut self) -> Result<[u8; 32]> {
			use ark_ff::Field;
			let seed = self.inner.coin()?;
			// χ as the check draws it; one element, so the key sits at χ^1.
			let chi = <crate::field::Fr as MpcField>::random(&mut ChaCha12Rng::from_seed(seed));
			self.delta = Some(self.guess * chi.inverse().expect("χ is not 0"));
			Ok(seed)
		}
		fn raw_share(&self, share: &M::Share) -> M::F {
			self.inner.raw_share(share)
		}
	}

	/// The attack an attacker's review found: member 1 enters its share of an owner's value
	/// shifted by a guess g, then multiplies with its key share shifted by Δ = g/χ, so that
	/// Z = Δ·(x − g). Were σ·Z opened before the check's products were verified, it would open
	/// to 0 exactly when x = g and the check would pass (the lie surfacing only at a later MAC
	/// check); otherwise it would fail. Now the products are verified first: the check stops at
	/// their MAC check, the same way whatever the guess.
	#[test]
	fn the_owners_mac_check_cannot_test_a_guess() {
		use crate::{committed_input, field::Fr, preprocessing::{trusted_dealer_for_tests, Plan}};
		let x = 1_000_003u128;
		let mut verdicts = Vec::new();
		for guess in [x, x + 1] {
			let dealing = committed_input::deal_tagged(x, None, 2, &mut rand::thread_rng()).unwrap();
			let held: Vec<HeldInput<Fr>> = (0..2).map(|m| committed_input::held_tagged(None, &dealing.shares[m], &dealing.commitments).unwrap()).collect();
			let outcomes: Vec<Result<()>> = network(2)
				.into_iter()
				.zip(held)
				.enumerate()
				.map(|(me, (transport, held))| {
					std::thread::spawn(move || -> Result<()> {
						let (mut mine, dealt) = additive_shares(&[&held], me, 2)?;
						let store = trusted_dealer_for_tests::store::<Fr>(3, 2, me, &Plan { triples: 8, randoms: 4, masks: vec![mine.len(); 2] });
						let mut spdz = Spdz::new(Net::new(transport), store);
						if me == 1 {
							mine[0] -= Fr::from(guess);
						}
						let entered = spdz.inputs(&mine, &[mine.len(), mine.len()])?;
						let sum: Vec<MacShare<Fr>> = (0..mine.len()).map(|k| spdz.add(entered[0][k], entered[1][k])).collect();
						// What the check returns: before σ·Z is opened, or on its value.
						let verdict = if me == 1 {
							check_client_macs(&mut KeyShift { inner: &mut spdz, guess: Fr::from(guess), delta: None }, &[&held], &dealt, &sum)
						} else {
							check_client_macs(&mut spdz, &[&held], &dealt, &sum)
						};
						verdict.map(|_| ())
					})
				})
				.collect::<Vec<_>>()
				.into_iter()
				.map(|h| h.join().unwrap())
				.collect();
			verdicts.push(outcomes[0].clone());
		}
		assert_eq!(verdicts, vec![Err(MpcError::MacCheckFailed), Err(MpcError::MacCheckFailed)], "the honest member's verdict with a right and a wrong guess");
	}
}
