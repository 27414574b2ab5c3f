//! Honest-majority MPC over Shamir sharings (t < n/2).
//!
//! * [`ShamirCore`]: the shared machinery: input sharing, random and double-random sharings
//!   from the hyper-invertible matrix, and two multiplications: BGW-style resharing (every party
//!   reshares its local product to every other: O(n²) messages) and Damgård-Nielsen 2007 (each
//!   party sends one masked share to a king, who opens and returns it: O(n) messages; the king
//!   rotates over the elements of a batch so the load stays flat).
//! * [`SemiHonest`]: passive security, either multiplication.
//! * [`Malicious`]: active security with abort (Chida et al. 2018): every wire also carries
//!   `[r·x]` for a secret random r; at [`Mpc::check`] a random linear combination verifies
//!   `[r·z] = r·[z]` for all multiplications and inputs, and openings use error detection.

use crate::{
	error::{MpcError, Result},
	protocol::{plain_values, Demand, HeldInput, Mpc, Stats},
	shamir::{Shamir, SmallScalar},
	transport::{Net, Transport},
};
use crate::field::MpcField;
use rand::SeedableRng;
use rand_chacha::ChaCha12Rng;

/// Elements per frame when dealing random bits: a run deals every bit it needs at once, and a
/// frame must stay well below the transports' size caps (64 MiB on the p2p channel).
const DEAL_FRAME: usize = 1 << 20;

/// The most double sharings [`Mpc::reserve`] draws at once: their deal is at most 2^20 elements
/// (32 MiB) per peer, under the transports' frame caps, and a run's stock at most 64 MiB; a
/// larger run draws the rest as its layers use them.
const RESERVE_CAP: usize = 1 << 20;

/// Which multiplication the semi-honest protocol uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Multiplication {
	/// Resharing of the local product (Ben-Or, Goldwasser, Wigderson / GRR): O(n²) messages.
	Bgw,
	/// Double random sharings and a rotating king (Damgård-Nielsen 2007): O(n) messages.
	Dn07,
}

pub struct ShamirCore<F: MpcField, T: Transport> {
	pub shamir: Shamir<F>,
	pub net: Net<T>,
	rng: ChaCha12Rng,
	/// Preprocessed double sharings ([r]_t, [r]_2t), consumed by DN07 multiplications.
	doubles: Vec<(F, F)>,
	/// Random degree-t sharings drawn ahead ([`Self::reserve`]), consumed by [`Self::random`].
	randoms: Vec<F>,
	/// Rotates the king between batches, so small batches spread the load too.
	king_offset: usize,
	/// Every value opened to all parties so far, hashed in order ([`Self::opened_digest`]).
	opened: crate::field::ElementsDigest,
}

impl<F: MpcField, T: Transport> ShamirCore<F, T> {
	pub fn new(transport: T, t: usize) -> Result<Self> {
		let shamir = Shamir::new(transport.parties(), t)?;
		Ok(Self::with_shamir(shamir, transport))
	}

	/// Like [`ShamirCore::new`], party i holding the value at `points[i]`.
	pub fn with_points(transport: T, t: usize, points: &[u64]) -> Result<Self> {
		if points.len() != transport.parties() {
			return Err(MpcError::InvalidParameters(format!("{} points for {} parties", points.len(), transport.parties())));
		}
		let shamir = Shamir::with_points(points, t)?;
		Ok(Self::with_shamir(shamir, transport))
	}

	fn with_shamir(shamir: Shamir<F>, transport: T) -> Self {
		Self { shamir, net: Net::new(transport), rng: ChaCha12Rng::from_entropy(), doubles: Vec::new(), randoms: Vec::new(), king_offset: 0, opened: Default::default() }
	}

	/// BLAKE2bp-256 of every value opened to all parties so far, in order (values opened to one
	/// party are not in it). The same at every honest party of the run; unknown outside it, since
	/// masked openings and coins are fresh randomness: a result that carries it was computed.
	pub fn opened_digest(&self) -> [u8; 32] {
		self.opened.digest()
	}

	pub fn party(&self) -> usize {
		self.net.party()
	}

	pub fn n(&self) -> usize {
		self.shamir.n()
	}

	pub fn t(&self) -> usize {
		self.shamir.t()
	}

	/// `owner` shares `count` values with degree t.
	pub fn input(&mut self, owner: usize, values: Option<&[F]>, count: usize) -> Result<Vec<F>> {
		let me = self.party();
		self.net.round();
		if me == owner {
			let values = values.ok_or_else(|| MpcError::InvalidParameters("the input owner must supply its values".into()))?;
			if values.len() != count {
				return Err(MpcError::InvalidParameters(format!("expected {count} input values, got {}", values.len())));
			}
			let mut per_party = self.shamir.share_many(values, self.t(), &mut self.rng);
			for (to, shares) in per_party.iter().enumerate() {
				if to != me {
					self.net.send_elements(to, shares)?;
				}
			}
			Ok(std::mem::take(&mut per_party[me]))
		} else {
			self.net.recv_elements(owner, count)
		}
	}

	/// Every party with inputs (`counts[p]` values at party p; `mine` are ours) shares them with
	/// degree t, all in one round: `result[p]` are our shares of party p's values.
	pub fn input_all(&mut self, mine: &[F], counts: &[usize]) -> Result<Vec<Vec<F>>> {
		let (n, me) = (self.n(), self.party());
		if counts.len() != n || mine.len() != counts[me] {
			return Err(MpcError::InvalidParameters(format!("expected {} input values, got {}", counts.get(me).copied().unwrap_or(0), mine.len())));
		}
		if counts.iter().all(|c| *c == 0) {
			return Ok(vec![Vec::new(); n]);
		}
		self.net.round();
		let mut per_party = self.shamir.share_many(mine, self.t(), &mut self.rng);
		for (to, shares) in per_party.iter().enumerate() {
			if to != me && !shares.is_empty() {
				self.net.send_elements(to, shares)?;
			}
		}
		(0..n)
			.map(|from| match from {
				_ if from == me => Ok(std::mem::take(&mut per_party[me])),
				_ if counts[from] == 0 => Ok(Vec::new()),
				_ => self.net.recv_elements(from, counts[from]),
			})
			.collect()
	}

	/// Random sharings from the hyper-invertible matrix: every party deals `batches` random
	/// values at each degree in `degrees`; each batch yields n - t outputs per degree, with the
	/// same secret across degrees. Returns `result[degree_index][k]`. With `digest`, the round
	/// is also [`Net::agree`]'s: the digest heads every dealing.
	fn random_multi(&mut self, count: usize, degrees: &[usize], digest: Option<&[u8; 32]>) -> Result<Vec<Vec<F>>> {
		let n = self.n();
		let per_batch = n - self.t();
		let batches = count.div_ceil(per_batch);
		// outgoing[to] = for each batch, for each degree, our dealt share for `to`.
		let mut outgoing = vec![Vec::with_capacity(batches * degrees.len()); n];
		for _ in 0..batches {
			let secret = F::random(&mut self.rng);
			for &d in degrees {
				self.shamir.share_into(secret, d, &mut self.rng, &mut outgoing);
			}
		}
		self.net.round();
		let counts = vec![batches * degrees.len(); n];
		let dealt = match digest {
			Some(digest) => self.net.exchange_elements_agreeing(outgoing, &counts, digest)?,
			None => self.net.exchange_elements(outgoing, &counts)?,
		};
		let m: Vec<Vec<SmallScalar<F>>> =
			self.shamir.vandermonde(per_batch).into_iter().map(|row| row.into_iter().map(SmallScalar::new).collect()).collect();
		let mut out = vec![Vec::with_capacity(batches * per_batch); degrees.len()];
		for b in 0..batches {
			for (di, _) in degrees.iter().enumerate() {
				for row in &m {
					let v: F = (0..n).map(|i| row[i].mul(dealt[i][b * degrees.len() + di])).sum();
					out[di].push(v);
				}
			}
		}
		for o in &mut out {
			o.truncate(count);
		}
		Ok(out)
	}

	/// `count` random degree-t sharings: from the stock [`Self::reserve`] drew if it holds
	/// enough, else drawn now.
	pub fn random(&mut self, count: usize) -> Result<Vec<F>> {
		if let Some(at) = self.randoms.len().checked_sub(count) {
			return Ok(self.randoms.split_off(at));
		}
		Ok(self.random_multi(count, &[self.t()], None)?.remove(0))
	}

	/// Make sure `doubles` double sharings and `randoms` random sharings are in stock, drawing
	/// what is missing in one round. A random sharing is the degree-t half of a double sharing
	/// (same distribution, its degree-2t half thrown away), so both come from one batch.
	pub fn reserve(&mut self, doubles: usize, randoms: usize) -> Result<()> {
		self.reserve_agreeing(doubles, randoms, None)
	}

	/// [`Self::reserve`] in the round of [`Net::agree`] on `digest` (a round of its own if
	/// nothing is missing): nothing drawn depends on an input, so a party that disagrees learns
	/// nothing from the draw before the run ends.
	pub fn agree_and_reserve(&mut self, digest: &[u8; 32], doubles: usize, randoms: usize) -> Result<()> {
		self.reserve_agreeing(doubles, randoms, Some(digest))
	}

	fn reserve_agreeing(&mut self, doubles: usize, randoms: usize, digest: Option<&[u8; 32]>) -> Result<()> {
		let missing_doubles = doubles.saturating_sub(self.doubles.len());
		let missing_randoms = randoms.saturating_sub(self.randoms.len());
		if missing_doubles + missing_randoms == 0 {
			return digest.map_or(Ok(()), |digest| self.net.agree(digest));
		}
		let t = self.t();
		let mut both = self.random_multi(missing_doubles + missing_randoms, &[t, 2 * t], digest)?;
		let high = both.pop().expect("two degrees");
		let mut low = both.pop().expect("two degrees");
		self.randoms.extend(low.drain(missing_doubles..));
		self.doubles.extend(low.into_iter().zip(high));
		Ok(())
	}

	/// Parties 0..=t each deal `count` uniformly random bits with degree t, all in one round:
	/// `result[d][k]` is this party's share of dealer d's k-th bit. Any t + 1 dealers include
	/// an honest one, whose bits nobody else knows; [`crate::nonlinear::xor_all`] combines them.
	/// Nothing here proves that a dealt value is a bit: protocols that face malicious dealers
	/// check the combined bits before they use them.
	pub fn deal_bits(&mut self, count: usize) -> Result<Vec<Vec<F>>> {
		let (n, t, me) = (self.n(), self.t(), self.party());
		self.net.round();
		let mut own = Vec::new();
		if me <= t {
			let mut outgoing = vec![Vec::with_capacity(count); n];
			for _ in 0..count {
				let bit = F::from(rand::Rng::gen::<bool>(&mut self.rng) as u64);
				self.shamir.share_into(bit, t, &mut self.rng, &mut outgoing);
			}
			for (to, shares) in outgoing.into_iter().enumerate() {
				if to == me {
					own = shares;
				} else {
					for frame in shares.chunks(DEAL_FRAME) {
						self.net.send_elements(to, frame)?;
					}
				}
			}
		}
		(0..=t)
			.map(|dealer| {
				if dealer == me {
					return Ok(std::mem::take(&mut own));
				}
				let mut shares = Vec::with_capacity(count);
				for frame in 0..count.div_ceil(DEAL_FRAME) {
					shares.extend(self.net.recv_elements::<F>(dealer, DEAL_FRAME.min(count - frame * DEAL_FRAME))?);
				}
				Ok(shares)
			})
			.collect()
	}

	/// Make sure `count` double sharings are ready for DN07 multiplications.
	pub fn prepare_doubles(&mut self, count: usize) -> Result<()> {
		self.reserve(count, 0)
	}

	/// DN07 multiplication: see [`Self::reduce_dn07`].
	pub fn mul_dn07(&mut self, a: &[F], b: &[F]) -> Result<Vec<F>> {
		self.reduce_dn07(a.iter().zip(b).map(|(x, y)| *x * y).collect())
	}

	/// Degree reduction, DN07: party i sends d_i = p_i + [r]_2t (p_i its share of a degree-2t
	/// product) to the element's king, who reconstructs d and sends it back; then
	/// [p]_t = d - [r]_t.
	pub fn reduce_dn07(&mut self, products: Vec<F>) -> Result<Vec<F>> {
		Ok(self.reduce_dn07_riding(products, &[])?.0)
	}

	/// [`Self::reduce_dn07`], and `riders` opened to everyone in its round: their shares head
	/// every first message ([`Self::exchange_riding`]). Returns the products and the riders'
	/// values, reconstructed without error detection: for the semi-honest protocol only.
	pub(crate) fn reduce_dn07_riding(&mut self, products: Vec<F>, riders: &[F]) -> Result<(Vec<F>, Vec<F>)> {
		let count = products.len();
		self.prepare_doubles(count)?;
		let doubles: Vec<(F, F)> = self.doubles.drain(self.doubles.len() - count..).collect();
		let n = self.n();
		let me = self.party();
		let offset = self.king_offset;
		self.king_offset = (self.king_offset + count) % n;
		let king = |k: usize| (k + offset) % n;

		// Round 1: masked degree-2t shares to the kings.
		let mut to_king = vec![Vec::with_capacity(count / n + 1); n];
		for k in 0..count {
			to_king[king(k)].push(products[k] + doubles[k].1);
		}
		let my_elements = to_king[me].len();
		self.net.round();
		let counts = vec![my_elements; n];
		let (received, opened_riders) = self.exchange_riding(to_king, &counts, riders)?;
		// As king: open my elements.
		let mut shares = vec![F::zero(); n];
		let opened: Vec<F> = (0..my_elements)
			.map(|j| {
				for (i, s) in shares.iter_mut().enumerate() {
					*s = received[i][j];
				}
				self.shamir.reconstruct(&shares)
			})
			.collect();
		// Round 2: the kings send the opened values to everyone.
		let counts: Vec<usize> = (0..n).map(|i| (0..count).filter(|k| king(*k) == i).count()).collect();
		let outgoing = vec![opened; n];
		let from_kings = self.net.exchange_elements(outgoing, &counts)?;
		let mut cursor = vec![0usize; n];
		let reduced = (0..count)
			.map(|k| {
				let kk = king(k);
				let d = from_kings[kk][cursor[kk]];
				cursor[kk] += 1;
				d - doubles[k].0
			})
			.collect();
		Ok((reduced, opened_riders))
	}

	/// A reduction's first exchange with `riders` at the head of every message: each party's
	/// shares of values opened to everyone, with no round of their own. Returns what each party
	/// sent for the reduction, and the riders' values (reconstructed without error detection:
	/// for the semi-honest protocol).
	fn exchange_riding(&mut self, mut outgoing: Vec<Vec<F>>, counts: &[usize], riders: &[F]) -> Result<(Vec<Vec<F>>, Vec<F>)> {
		if riders.is_empty() {
			return Ok((self.net.exchange_elements(outgoing, counts)?, Vec::new()));
		}
		let k = riders.len();
		for message in outgoing.iter_mut() {
			message.splice(0..0, riders.iter().copied());
		}
		let counts: Vec<usize> = counts.iter().map(|c| c + k).collect();
		let mut received = self.net.exchange_elements(outgoing, &counts)?;
		let shares: Vec<Vec<F>> = received.iter_mut().map(|r| r.drain(..k).collect()).collect();
		Ok((received, self.reconstruct_opened(&shares, false)?))
	}

	/// BGW multiplication: see [`Self::reduce_bgw`].
	pub fn mul_bgw(&mut self, a: &[F], b: &[F]) -> Result<Vec<F>> {
		self.reduce_bgw(a.iter().zip(b).map(|(x, y)| *x * y).collect())
	}

	/// Degree reduction, BGW: every party reshares its degree-2t share with degree t; party j
	/// combines the n shares it gets with the Lagrange coefficients at zero.
	pub fn reduce_bgw(&mut self, products: Vec<F>) -> Result<Vec<F>> {
		Ok(self.reduce_bgw_riding(products, &[])?.0)
	}

	/// [`Self::reduce_bgw`], and `riders` opened to everyone in its round.
	pub(crate) fn reduce_bgw_riding(&mut self, products: Vec<F>, riders: &[F]) -> Result<(Vec<F>, Vec<F>)> {
		let n = self.n();
		let t = self.t();
		let count = products.len();
		let outgoing = self.shamir.share_many(&products, t, &mut self.rng);
		self.net.round();
		let (received, opened_riders) = self.exchange_riding(outgoing, &vec![count; n], riders)?;
		let lambda = self.shamir.lagrange_small().to_vec();
		Ok(((0..count).map(|k| (0..n).map(|i| lambda[i].mul(received[i][k])).sum()).collect(), opened_riders))
	}

	/// Everyone learns the values; with `check`, the shares must lie on a degree-t polynomial.
	pub fn open(&mut self, shares: &[F], check: bool) -> Result<Vec<F>> {
		self.net.round();
		let all = self.net.all_to_all_elements(shares)?;
		self.reconstruct_opened(&all, check)
	}

	/// The values whose shares `all[i]` party i sent everyone (kept in the opened digest).
	fn reconstruct_opened(&mut self, all: &[Vec<F>], check: bool) -> Result<Vec<F>> {
		let n = self.n();
		let t = self.t();
		let mut column = vec![F::zero(); n];
		let values = (0..all[self.party()].len())
			.map(|k| {
				for i in 0..n {
					column[i] = all[i][k];
				}
				if check { self.shamir.reconstruct_checked(&column, t) } else { Ok(self.shamir.reconstruct(&column)) }
			})
			.collect::<Result<Vec<F>>>()?;
		self.opened.update(&values);
		Ok(values)
	}

	/// Only `to` learns the values (with error detection).
	pub fn open_to(&mut self, to: usize, shares: &[F]) -> Result<Option<Vec<F>>> {
		self.net.round();
		if self.party() != to {
			self.net.send_elements(to, shares)?;
			return Ok(None);
		}
		let n = self.n();
		let mut all = Vec::with_capacity(n);
		for from in 0..n {
			all.push(if from == to { shares.to_vec() } else { self.net.recv_elements(from, shares.len())? });
		}
		let mut column = vec![F::zero(); n];
		let t = self.t();
		(0..shares.len())
			.map(|k| {
				for i in 0..n {
					column[i] = all[i][k];
				}
				self.shamir.reconstruct_checked(&column, t)
			})
			.collect::<Result<Vec<F>>>()
			.map(Some)
	}

	/// A fresh 32-byte seed no party controls: a random sharing, opened with error detection.
	pub fn coin(&mut self) -> Result<[u8; 32]> {
		let r = self.random(1)?;
		let v = self.open(&r, true)?;
		Ok(seed_of(v[0]))
	}

	pub fn stats(&self) -> Stats {
		Stats { bytes_sent: self.net.bytes_sent(), messages_sent: self.net.messages_sent(), rounds: self.net.rounds() }
	}
}

/// A coin's 32-byte seed from the opened random value.
fn seed_of<F: MpcField>(v: F) -> [u8; 32] {
	let mut seed = [0u8; 32];
	let bytes = crate::field::to_bytes(&[v]);
	seed[..bytes.len().min(32)].copy_from_slice(&bytes[..bytes.len().min(32)]);
	seed
}

/// Passively secure Shamir MPC.
pub struct SemiHonest<F: MpcField, T: Transport> {
	pub core: ShamirCore<F, T>,
	pub multiplication: Multiplication,
	/// Random bits dealt ahead ([`Mpc::stock_bits`]).
	bits: Vec<F>,
}

impl<F: MpcField, T: Transport> SemiHonest<F, T> {
	pub fn new(transport: T, t: usize, multiplication: Multiplication) -> Result<Self> {
		Ok(Self { core: ShamirCore::new(transport, t)?, multiplication, bits: Vec::new() })
	}
}

impl<F: MpcField, T: Transport> SemiHonest<F, T> {
	fn reduce(&mut self, products: Vec<F>) -> Result<Vec<F>> {
		Ok(self.reduce_riding(products, &[])?.0)
	}

	/// A degree reduction with `riders` opened in its round.
	fn reduce_riding(&mut self, products: Vec<F>, riders: &[F]) -> Result<(Vec<F>, Vec<F>)> {
		match self.multiplication {
			Multiplication::Bgw => self.core.reduce_bgw_riding(products, riders),
			Multiplication::Dn07 => self.core.reduce_dn07_riding(products, riders),
		}
	}
}

impl<F: MpcField, T: Transport> Mpc for SemiHonest<F, T> {
	type F = F;
	type Share = F;

	fn party(&self) -> usize {
		self.core.party()
	}
	fn parties(&self) -> usize {
		self.core.n()
	}
	fn add(&self, a: F, b: F) -> F {
		a + b
	}
	fn sub(&self, a: F, b: F) -> F {
		a - b
	}
	fn scale(&self, a: F, c: F) -> F {
		a * c
	}
	fn add_const(&self, a: F, c: F) -> F {
		a + c
	}
	fn constant(&self, c: F) -> F {
		// The constant polynomial c is a valid degree-t sharing of c.
		c
	}
	fn input(&mut self, owner: usize, values: Option<&[F]>, count: usize) -> Result<Vec<F>> {
		self.core.input(owner, values, count)
	}
	fn inputs(&mut self, mine: &[F], counts: &[usize]) -> Result<Vec<Vec<F>>> {
		self.core.input_all(mine, counts)
	}
	fn mul(&mut self, a: &[F], b: &[F]) -> Result<Vec<F>> {
		self.reduce(a.iter().zip(b).map(|(x, y)| *x * y).collect())
	}
	fn mul_then_coin(&mut self, a: &[F], b: &[F]) -> Result<(Vec<F>, [u8; 32])> {
		if a.is_empty() {
			return Ok((Vec::new(), self.core.coin()?));
		}
		let r = self.core.random(1)?;
		let (products, coin) = self.reduce_riding(a.iter().zip(b).map(|(x, y)| *x * y).collect(), &r)?;
		Ok((products, seed_of(coin[0])))
	}
	fn open_then_mul(&mut self, opened: &[F], a: &[F], b: &[F]) -> Result<(Vec<F>, Vec<F>)> {
		if a.is_empty() {
			return Ok((self.core.open(opened, false)?, Vec::new()));
		}
		let (products, values) = self.reduce_riding(a.iter().zip(b).map(|(x, y)| *x * y).collect(), opened)?;
		Ok((values, products))
	}
	/// Sum the local products first: one degree reduction per inner product.
	fn inner_products(&mut self, pairs: &[(Vec<F>, Vec<F>)]) -> Result<Vec<F>> {
		let sums = pairs.iter().map(|(a, b)| a.iter().zip(b).map(|(x, y)| *x * y).sum()).collect();
		self.reduce(sums)
	}
	fn open(&mut self, a: &[F]) -> Result<Vec<F>> {
		self.core.open(a, false)
	}
	fn random(&mut self, count: usize) -> Result<Vec<F>> {
		self.core.random(count)
	}
	fn output_to(&mut self, to: usize, a: &[F]) -> Result<Option<Vec<F>>> {
		self.core.open_to(to, a)
	}
	fn check(&mut self) -> Result<()> {
		Ok(())
	}
	fn agree(&mut self, digest: &[u8; 32]) -> Result<()> {
		self.core.net.agree(digest)
	}
	/// DN07 takes a double sharing per multiplication; BGW needs none, and its coins are drawn
	/// when used (a round of their own would win nothing).
	fn reserve(&mut self, demand: Demand) -> Result<()> {
		match self.multiplication {
			Multiplication::Dn07 => self.core.reserve(demand.muls.min(RESERVE_CAP), demand.coins),
			Multiplication::Bgw => Ok(()),
		}
	}
	/// The draw in the agreement's round, where BGW's coins cost nothing either.
	fn start(&mut self, digest: &[u8; 32], demand: Demand) -> Result<()> {
		let doubles = match self.multiplication {
			Multiplication::Dn07 => demand.muls.min(RESERVE_CAP),
			Multiplication::Bgw => 0,
		};
		self.core.agree_and_reserve(digest, doubles, demand.coins)
	}
	fn coin(&mut self) -> Result<[u8; 32]> {
		self.core.coin()
	}
	fn adopt(&mut self, held: &[&HeldInput<F>]) -> Result<Vec<F>> {
		plain_values(held)
	}
	/// Bits dealt by t + 1 parties and XORed ([`ShamirCore::deal_bits`]): 1 + ⌈log2(t + 1)⌉
	/// rounds and t multiplications per bit, no square roots. Semi-honest dealers deal bits,
	/// so nothing needs proving.
	fn deal_bits(&mut self, count: usize) -> Result<Option<(Vec<F>, bool)>> {
		let dealt = self.core.deal_bits(count)?;
		Ok(Some((crate::nonlinear::xor_all(self, dealt)?, false)))
	}
	fn stock_bits(&mut self, bits: Vec<F>) {
		self.bits.extend(bits);
	}
	fn random_bits(&mut self, count: usize) -> Result<Vec<F>> {
		crate::nonlinear::stocked_bits(self, |mpc| &mut mpc.bits, count)
	}


	fn opened_digest(&self) -> Option<[u8; 32]> {
		Some(self.core.opened_digest())
	}
	fn raw_share(&self, share: &F) -> F {
		*share
	}
	fn stats(&self) -> Stats {
		self.core.stats()
	}
}

/// A wire of the maliciously secure protocol: shares of x and of r·x.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Authenticated<F> {
	pub x: F,
	pub rx: F,
}

/// Actively secure (with abort) Shamir MPC after Chida, Genkin, Hamada, Ikarashi, Kikuchi,
/// Lindell and Nof, "Fast Large-Scale Honest-Majority MPC for Malicious Adversaries" (2018).
pub struct Malicious<F: MpcField, T: Transport> {
	pub core: ShamirCore<F, T>,
	/// Shares of the secret random r.
	r: F,
	/// Wires to verify at the next check: (z, r·z) for every multiplication output and input.
	pending: Vec<Authenticated<F>>,
	/// Random bits dealt and verified ahead ([`Mpc::stock_bits`]).
	bits: Vec<Authenticated<F>>,
	/// Shares of secret random β's, one used up by each check (drawn with r, and
	/// [`BETA_STOCK`] at a time after that, so a check spends no round on its own β).
	betas: Vec<F>,
}

/// How many β's one random round draws for the checks to come.
const BETA_STOCK: usize = 16;

impl<F: MpcField, T: Transport> Malicious<F, T> {
	pub fn new(transport: T, t: usize) -> Result<Self> {
		Self::with_core(ShamirCore::new(transport, t)?)
	}

	/// Party i holds the value at `points[i]`: a committee continuing without some members
	/// computes on the shares the others hold at their original points.
	pub fn with_points(transport: T, t: usize, points: &[u64]) -> Result<Self> {
		Self::with_core(ShamirCore::with_points(transport, t, points)?)
	}

	fn with_core(mut core: ShamirCore<F, T>) -> Result<Self> {
		let mut betas = core.random(1 + BETA_STOCK)?;
		let r = betas.pop().expect("1 + BETA_STOCK randoms were drawn");
		Ok(Self { core, r, pending: Vec::new(), bits: Vec::new(), betas })
	}

	/// The double sharings a run of `demand` takes.
	fn doubles(demand: &Demand) -> usize {
		(2 * (demand.muls + demand.dealt_bits) + demand.entering + 2 * demand.checks).min(RESERVE_CAP)
	}

	fn authenticate(&mut self, x: Vec<F>) -> Result<Vec<Authenticated<F>>> {
		let r = vec![self.r; x.len()];
		let rx = self.core.mul_dn07(&x, &r)?;
		let wires: Vec<Authenticated<F>> = x.into_iter().zip(rx).map(|(x, rx)| Authenticated { x, rx }).collect();
		self.pending.extend_from_slice(&wires);
		Ok(wires)
	}
}

impl<F: MpcField, T: Transport> Mpc for Malicious<F, T> {
	type F = F;
	type Share = Authenticated<F>;

	fn party(&self) -> usize {
		self.core.party()
	}
	fn parties(&self) -> usize {
		self.core.n()
	}
	fn add(&self, a: Self::Share, b: Self::Share) -> Self::Share {
		Authenticated { x: a.x + b.x, rx: a.rx + b.rx }
	}
	fn sub(&self, a: Self::Share, b: Self::Share) -> Self::Share {
		Authenticated { x: a.x - b.x, rx: a.rx - b.rx }
	}
	fn scale(&self, a: Self::Share, c: F) -> Self::Share {
		Authenticated { x: a.x * c, rx: a.rx * c }
	}
	fn add_const(&self, a: Self::Share, c: F) -> Self::Share {
		Authenticated { x: a.x + c, rx: a.rx + self.r * c }
	}
	fn constant(&self, c: F) -> Self::Share {
		Authenticated { x: c, rx: self.r * c }
	}
	fn input(&mut self, owner: usize, values: Option<&[F]>, count: usize) -> Result<Vec<Self::Share>> {
		let x = self.core.input(owner, values, count)?;
		self.authenticate(x)
	}
	/// Everyone's inputs in one round, authenticated in one more.
	fn inputs(&mut self, mine: &[F], counts: &[usize]) -> Result<Vec<Vec<Self::Share>>> {
		if counts.iter().all(|c| *c == 0) {
			return Ok(vec![Vec::new(); counts.len()]);
		}
		let x = self.core.input_all(mine, counts)?;
		let mut wires = self.authenticate(x.into_iter().flatten().collect())?.into_iter();
		Ok(counts.iter().map(|c| wires.by_ref().take(*c).collect()).collect())
	}
	fn mul(&mut self, a: &[Self::Share], b: &[Self::Share]) -> Result<Vec<Self::Share>> {
		// One round: [x·y] and [(r·x)·y] together.
		let left: Vec<F> = a.iter().map(|w| w.x).chain(a.iter().map(|w| w.rx)).collect();
		let right: Vec<F> = b.iter().map(|w| w.x).chain(b.iter().map(|w| w.x)).collect();
		let products = self.core.mul_dn07(&left, &right)?;
		let (z, rz) = products.split_at(a.len());
		let wires: Vec<Self::Share> = z.iter().zip(rz).map(|(x, rx)| Authenticated { x: *x, rx: *rx }).collect();
		self.pending.extend_from_slice(&wires);
		Ok(wires)
	}
	fn open(&mut self, a: &[Self::Share]) -> Result<Vec<F>> {
		let x: Vec<F> = a.iter().map(|w| w.x).collect();
		self.core.open(&x, true)
	}
	fn random(&mut self, count: usize) -> Result<Vec<Self::Share>> {
		let x = self.core.random(count)?;
		self.authenticate(x)
	}
	fn output_to(&mut self, to: usize, a: &[Self::Share]) -> Result<Option<Vec<F>>> {
		self.check()?;
		let x: Vec<F> = a.iter().map(|w| w.x).collect();
		self.core.open_to(to, &x)
	}
	/// Verify Σ α^k [r·z_k] = r · Σ α^k [z_k] for a random public α chosen after the fact.
	/// Powers of one α instead of independent coefficients cost one multiplication per wire;
	/// a cheating adversary passes with probability at most (wires)/|F| (Schwartz-Zippel).
	///
	/// T = u − r·w is zero-tested by opening β·T for a fresh secret random β (Chida et al.'s
	/// CheckZero), never T itself: an error the adversary put on a wire's `r·x` that a later
	/// multiplication carried into a product with a secret (δ·b from `[r·b] + δ` times `[b]`)
	/// makes T a value it could solve for that secret; β·T is uniform unless T = 0. Each β is
	/// used once (two openings with one β would give away the ratio of their T's).
	fn check(&mut self) -> Result<()> {
		if self.pending.is_empty() {
			return Ok(());
		}
		let seed = self.core.coin()?;
		let alpha = F::random(&mut ChaCha12Rng::from_seed(seed));
		let (mut u, mut w) = (F::zero(), F::zero());
		for wire in self.pending.drain(..) {
			u = u * alpha + wire.rx;
			w = w * alpha + wire.x;
		}
		// T = u - r·w, computed without revealing r so the wires stay usable after the check.
		let rw = self.core.mul_dn07(&[self.r], &[w])?[0];
		if self.betas.is_empty() {
			self.betas = self.core.random(BETA_STOCK)?;
		}
		let beta = self.betas.pop().expect("the stock was just filled");
		let beta_t = self.core.mul_dn07(&[beta], &[u - rw])?[0];
		let t = self.core.open(&[beta_t], true)?[0];
		if t.is_zero() {
			Ok(())
		} else {
			Err(MpcError::MultiplicationCheckFailed)
		}
	}
	fn agree(&mut self, digest: &[u8; 32]) -> Result<()> {
		self.core.net.agree(digest)
	}
	/// A multiplication reduces x·y and (r·x)·y; an entering value, and each dealer's copy of a
	/// dealt bit, gets its r·x; a dealt bit is squared to prove it a bit; a check reduces r·w and
	/// β·T and opens a coin.
	fn reserve(&mut self, demand: Demand) -> Result<()> {
		self.core.reserve(Self::doubles(&demand), demand.coins + demand.checks)
	}
	fn start(&mut self, digest: &[u8; 32], demand: Demand) -> Result<()> {
		self.core.agree_and_reserve(digest, Self::doubles(&demand), demand.coins + demand.checks)
	}
	fn coin(&mut self) -> Result<[u8; 32]> {
		self.core.coin()
	}
	/// The held values get their `r·x` companions in one multiplication round; from then on
	/// they are checked like every other wire.
	fn adopt(&mut self, held: &[&HeldInput<F>]) -> Result<Vec<Self::Share>> {
		self.authenticate(plain_values(held)?)
	}
	/// Bits dealt by t + 1 parties, authenticated and XORed; they must be proven bits before
	/// anyone uses them: a corrupt dealer's non-bit (½, say) would make the XOR a value it knows,
	/// and a mask it knows reveals what it masks. The XOR of an honest dealer's bit with anything
	/// the others dealt is a bit only if that anything is a bit, so proving the result suffices.
	fn deal_bits(&mut self, count: usize) -> Result<Option<(Vec<Self::Share>, bool)>> {
		let dealt = self.core.deal_bits(count)?;
		let dealers = dealt.len();
		let wires = self.authenticate(dealt.into_iter().flatten().collect())?;
		let sharings = if count == 0 { vec![Vec::new(); dealers] } else { wires.chunks(count).map(|c| c.to_vec()).collect() };
		Ok(Some((crate::nonlinear::xor_all(self, sharings)?, true)))
	}
	fn stock_bits(&mut self, bits: Vec<Self::Share>) {
		self.bits.extend(bits);
	}
	fn random_bits(&mut self, count: usize) -> Result<Vec<Self::Share>> {
		crate::nonlinear::stocked_bits(self, |mpc| &mut mpc.bits, count)
	}


	fn opened_digest(&self) -> Option<[u8; 32]> {
		Some(self.core.opened_digest())
	}
	fn raw_share(&self, share: &Self::Share) -> F {
		share.x
	}
	fn stats(&self) -> Stats {
		self.core.stats()
	}
}
