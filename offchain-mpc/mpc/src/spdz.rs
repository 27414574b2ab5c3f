//! SPDZ online phase (Damgård, Pastro, Smart, Zakarias 2012): dishonest majority, security with
//! abort. A value x is held as additive shares x_i with MAC shares m_i, Σ m_i = α·x, under a
//! global key α = Σ α_i nobody knows. Multiplication uses Beaver triples; inputs use masks whose
//! value only the owner knows; opened values are checked in batches: random coefficients from a
//! commit-then-open coin, then every party commits to its σ_i before any σ_i is revealed.

use crate::{
	error::{MpcError, Result},
	preprocessing::Preprocessing,
	protocol::{Mpc, Stats},
	transport::{Net, Transport},
};
use crate::field::MpcField;
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
	rng: ChaCha12Rng,
}

impl<F: MpcField, T: Transport, P: Preprocessing<F>> Spdz<F, T, P> {
	pub fn new(net: Net<T>, prep: P) -> Self {
		let alpha = prep.mac_key_share();
		Self { net, prep, alpha, opened: Vec::new(), broadcasts: Blake2b512::new(), rng: ChaCha12Rng::from_entropy() }
	}

	/// Broadcast values and sum everybody's: the raw opening, without the MAC check.
	fn open_raw(&mut self, values: &[F]) -> Result<Vec<F>> {
		self.net.round();
		let all = self.net.all_to_all_elements(values)?;
		Ok((0..values.len()).map(|k| all.iter().map(|v| v[k]).sum()).collect())
	}

	fn coin(&mut self) -> Result<[u8; 32]> {
		coin(&mut self.net, &mut self.rng)
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
/// key share α_i. Coefficients are the powers of one random χ: one multiplication per opened
/// value, and a forgery survives with probability at most (opened values)/|F|. Each party
/// commits to σ_i = m_i − α_i·y before any σ_i is revealed; Σ σ_i must be 0.
pub(crate) fn mac_check<F: MpcField, T: Transport>(
	net: &mut Net<T>,
	rng: &mut impl RngCore,
	alpha: F,
	opened: impl IntoIterator<Item = (F, F)>,
) -> Result<()> {
	let chi = F::random(&mut ChaCha12Rng::from_seed(coin(net, rng)?));
	let (mut y, mut m) = (F::zero(), F::zero());
	for (value, mac) in opened {
		y = y * chi + value;
		m = m * chi + mac;
	}
	let sigma = m - alpha * y;
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
	fn add(&self, a: Self::Share, b: Self::Share) -> Self::Share {
		MacShare { value: a.value + b.value, mac: a.mac + b.mac }
	}
	fn sub(&self, a: Self::Share, b: Self::Share) -> Self::Share {
		MacShare { value: a.value - b.value, mac: a.mac - b.mac }
	}
	fn scale(&self, a: Self::Share, c: F) -> Self::Share {
		MacShare { value: a.value * c, mac: a.mac * c }
	}
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

	/// Beaver: open ε = x - a and δ = y - b, then xy = c + ε·b + δ·a + ε·δ.
	fn mul(&mut self, x: &[Self::Share], y: &[Self::Share]) -> Result<Vec<Self::Share>> {
		let triples = self.prep.triples(x.len())?;
		let masked: Vec<Self::Share> = x
			.iter()
			.zip(&triples)
			.map(|(x, [a, _, _])| self.sub(*x, *a))
			.chain(y.iter().zip(&triples).map(|(y, [_, b, _])| self.sub(*y, *b)))
			.collect();
		let opened = self.open(&masked)?;
		let (eps, delta) = opened.split_at(x.len());
		Ok(triples
			.iter()
			.zip(eps.iter().zip(delta))
			.map(|([a, b, c], (e, d))| {
				let z = self.add(self.add(*c, self.scale(*b, *e)), self.scale(*a, *d));
				self.add_const(z, *e * d)
			})
			.collect())
	}

	fn open(&mut self, a: &[Self::Share]) -> Result<Vec<F>> {
		let values: Vec<F> = a.iter().map(|s| s.value).collect();
		let opened = self.open_raw(&values)?;
		self.opened.extend(opened.iter().zip(a).map(|(v, s)| (*v, s.mac)));
		Ok(opened)
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
		// Everyone must have seen the same broadcasts.
		let digest = std::mem::replace(&mut self.broadcasts, Blake2b512::new()).finalize().to_vec();
		self.net.round();
		if self.net.all_to_all(&digest)?.iter().any(|d| *d != digest) {
			return Err(MpcError::InconsistentBroadcast);
		}
		if self.opened.is_empty() {
			return Ok(());
		}
		let opened = std::mem::take(&mut self.opened);
		mac_check(&mut self.net, &mut self.rng, self.alpha, opened)
	}

	fn agree(&mut self, digest: &[u8; 32]) -> Result<()> {
		self.net.agree(digest)
	}
	fn coin(&mut self) -> Result<[u8; 32]> {
		Spdz::coin(self)
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
}
