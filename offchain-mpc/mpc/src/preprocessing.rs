//! Where SPDZ gets its correlated randomness.
//!
//! [`Preprocessing`] is the interface the online phase consumes. [`Store`] holds one party's
//! preprocessed material, however it was made; it is what the generators produce:
//!
//! * [`honest_majority`]: dealer-free generation with t < n/2 over Shamir sharings. The MAC key
//!   α, triple factors and masks are random sharings from the hyper-invertible matrix; products
//!   and MACs come from DN07 multiplications; every triple is checked by sacrificing a second
//!   one; Shamir shares become additive by their Lagrange coefficients.
//! * `TrustedDealer` (feature `test-dealer`, tests only): every party derives the same
//!   material from one seed. It is a test fixture and never part of a real run.
//!
//! * [`crate::mascot`]: dealer-free generation secure against n − 1 corrupt parties, from
//!   oblivious transfer (MASCOT).

use crate::{
	error::{MpcError, Result},
	honest::ShamirCore,
	spdz::MacShare,
	transport::Transport,
};
use crate::field::MpcField;
use rand::SeedableRng;
use std::collections::VecDeque;
use rand_chacha::ChaCha12Rng;

/// A Beaver triple: shares of a, b and c = a·b.
pub type Triple<F> = [MacShare<F>; 3];

pub trait Preprocessing<F: MpcField> {
	/// This party's share α_i of the global MAC key.
	fn mac_key_share(&self) -> F;
	fn triples(&mut self, count: usize) -> Result<Vec<Triple<F>>>;
	/// Shares of `count` masks for inputs (or private outputs) of `owner`, and their values if
	/// this party is the owner.
	fn input_masks(&mut self, owner: usize, count: usize) -> Result<(Vec<MacShare<F>>, Option<Vec<F>>)>;
	/// Shares of `count` random values nobody knows.
	fn random(&mut self, count: usize) -> Result<Vec<MacShare<F>>>;
}

/// How much material to make.
#[derive(Clone, Debug, Default)]
pub struct Plan {
	pub triples: usize,
	pub randoms: usize,
	/// Masks per owning party, by index.
	pub masks: Vec<usize>,
}

impl Plan {
	/// Enough material to run `circuit` over SPDZ: a triple per multiplication and two per random
	/// bit (SPDZ makes its bits as square roots, [`crate::nonlinear::square_root_bits`], and the
	/// cost counts only the bits' combination), a random value per bit, and per party a mask for
	/// each input, each bit of a typed input and each output; with a margin of 16 each.
	pub fn for_circuit(circuit: &crate::circuit::Circuit) -> Self {
		let cost = circuit.cost();
		let outputs = circuit.outputs.len();
		Plan {
			triples: (cost.muls + 2 * cost.bits) as usize + 16,
			randoms: cost.bits as usize + 16,
			masks: circuit
				.input_widths()
				.iter()
				.map(|w| w.iter().map(|b| 1 + b.unwrap_or(0) as usize).sum::<usize>() + outputs + 16)
				.collect(),
		}
	}
}

impl Plan {
	/// Enough material for `parties` committee members to run `circuit` over SPDZ on inputs
	/// they hold ([`crate::circuit::execute_held`]), each dealt with a client MAC: every member
	/// inputs its share of each dealt element (the bits, or the value), the key and the tags
	/// (masks); the MAC check takes a triple per input and one more, and a random; each private
	/// output's check a random and two triples; each input bit's range check a triple.
	pub fn for_held<F>(circuit: &crate::circuit::Circuit, parties: usize, held: &[&crate::protocol::HeldInput<F>]) -> Self {
		let circuit_plan = Self::for_circuit(circuit);
		let elements: usize = held.iter().map(|h| 2 * h.bits.len().max(1) + 2).sum();
		let bits: usize = held.iter().map(|h| h.bits.len()).sum();
		let outputs = circuit.outputs.len();
		Plan {
			triples: circuit_plan.triples + bits + held.len() + 1 + 2 * outputs,
			randoms: circuit_plan.randoms + 1 + outputs,
			masks: vec![elements; parties],
		}
	}
}

/// One party's preprocessed material.
#[derive(Clone, Debug, Default)]
pub struct Store<F> {
	pub party: usize,
	pub alpha: F,
	/// Queues: a run takes from the front, without moving what is left.
	pub triples: VecDeque<Triple<F>>,
	pub randoms: VecDeque<MacShare<F>>,
	/// Mask shares per owner, and the mask values this party owns.
	pub masks: Vec<VecDeque<MacShare<F>>>,
	pub own_mask_values: VecDeque<F>,
}

impl<F: MpcField> Store<F> {
	/// Whether the material is enough for `plan` (a party's masks for each owner included).
	pub fn covers(&self, plan: &Plan) -> bool {
		self.triples.len() >= plan.triples &&
			self.randoms.len() >= plan.randoms &&
			self.masks.len() == plan.masks.len() &&
			self.masks.iter().zip(&plan.masks).all(|(have, need)| have.len() >= *need) &&
			self.own_mask_values.len() >= plan.masks.get(self.party).copied().unwrap_or(0)
	}

	/// The material as bytes, to keep it (sealed by the caller: it holds this party's MAC key
	/// share): the party and α, then each list with its length.
	pub fn to_bytes(&self) -> Vec<u8> {
		let pairs = |shares: &VecDeque<MacShare<F>>| -> Vec<F> { shares.iter().flat_map(|s| [s.value, s.mac]).collect() };
		let mut out = Vec::new();
		let mut list = |count: usize, values: &[F]| {
			out.extend_from_slice(&(count as u64).to_le_bytes());
			out.extend_from_slice(&crate::field::to_bytes(values));
		};
		list(self.party, &[self.alpha]);
		list(self.triples.len(), &pairs(&self.triples.iter().flatten().copied().collect()));
		list(self.randoms.len(), &pairs(&self.randoms));
		list(self.masks.len(), &[]);
		for owner in &self.masks {
			list(owner.len(), &pairs(owner));
		}
		list(self.own_mask_values.len(), &self.own_mask_values.iter().copied().collect::<Vec<_>>());
		out
	}

	/// The material [`Self::to_bytes`] wrote; `None` if the bytes are not such material.
	pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
		let mut rest = bytes;
		let count = |rest: &mut &[u8]| -> Option<usize> {
			let (head, tail) = rest.split_first_chunk::<8>()?;
			*rest = tail;
			usize::try_from(u64::from_le_bytes(*head)).ok()
		};
		let elements = |rest: &mut &[u8], n: usize| -> Option<Vec<F>> {
			let len = n.checked_mul(F::WIRE_BYTES)?;
			if rest.len() < len {
				return None;
			}
			let (head, tail) = rest.split_at(len);
			*rest = tail;
			crate::field::decode(head, n, 0).ok()
		};
		let shares = |values: Vec<F>| -> VecDeque<MacShare<F>> { values.chunks_exact(2).map(|p| MacShare { value: p[0], mac: p[1] }).collect() };
		let party = count(&mut rest)?;
		let alpha = elements(&mut rest, 1)?[0];
		let triples_count = count(&mut rest)?;
		let triples = Vec::from(shares(elements(&mut rest, triples_count.checked_mul(6)?)?)).chunks_exact(3).map(|t| [t[0], t[1], t[2]]).collect();
		let randoms_count = count(&mut rest)?;
		let randoms = shares(elements(&mut rest, randoms_count.checked_mul(2)?)?);
		let owners = count(&mut rest)?;
		if owners > 1 << 16 {
			return None;
		}
		let mut masks = Vec::with_capacity(owners);
		for _ in 0..owners {
			let k = count(&mut rest)?;
			masks.push(shares(elements(&mut rest, k.checked_mul(2)?)?));
		}
		let own = count(&mut rest)?;
		let own_mask_values = elements(&mut rest, own)?.into();
		rest.is_empty().then_some(Store { party, alpha, triples, randoms, masks, own_mask_values })
	}
}

fn take<T>(from: &mut VecDeque<T>, count: usize, what: &str) -> Result<Vec<T>> {
	if from.len() < count {
		return Err(MpcError::Preprocessing(format!("out of {what}: need {count}, have {}", from.len())));
	}
	Ok(from.drain(..count).collect())
}

impl<F: MpcField> Preprocessing<F> for Store<F> {
	fn mac_key_share(&self) -> F {
		self.alpha
	}
	fn triples(&mut self, count: usize) -> Result<Vec<Triple<F>>> {
		take(&mut self.triples, count, "triples")
	}
	fn input_masks(&mut self, owner: usize, count: usize) -> Result<(Vec<MacShare<F>>, Option<Vec<F>>)> {
		let pool = self.masks.get_mut(owner).ok_or_else(|| MpcError::Preprocessing(format!("no masks for party {owner}")))?;
		let shares = take(pool, count, "input masks")?;
		let values = if owner == self.party { Some(take(&mut self.own_mask_values, count, "mask values")?) } else { None };
		Ok((shares, values))
	}
	fn random(&mut self, count: usize) -> Result<Vec<MacShare<F>>> {
		take(&mut self.randoms, count, "random values")
	}
}

/// Dealer-free preprocessing with an honest majority (t < n/2): see the module docs.
pub fn honest_majority<F: MpcField, T: Transport>(core: &mut ShamirCore<F, T>, plan: &Plan) -> Result<Store<F>> {
	let n = core.n();
	let me = core.party();
	if plan.masks.len() != n {
		return Err(MpcError::InvalidParameters(format!("plan names masks for {} parties, not {n}", plan.masks.len())));
	}
	let total_masks: usize = plan.masks.iter().sum();
	let count = plan.triples;

	// Random sharings: α, the factors of the triples and of their sacrificed twins, randoms, masks.
	let randoms = core.random(1 + 4 * count + plan.randoms + total_masks)?;
	let (alpha, rest) = randoms.split_first().expect("at least one");
	let (a, rest) = rest.split_at(count);
	let (b, rest) = rest.split_at(count);
	let (a2, rest) = rest.split_at(count);
	let (b2, rest) = rest.split_at(count);
	let (rand, mask_shares) = rest.split_at(plan.randoms);

	// c = a·b and its twin c2 = a2·b2, in one round.
	let left: Vec<F> = a.iter().chain(a2).copied().collect();
	let right: Vec<F> = b.iter().chain(b2).copied().collect();
	let products = core.mul_dn07(&left, &right)?;
	let (c, c2) = products.split_at(count);

	// Sacrifice: with a public random s, open ρ = s·a - a2 and σ = b - b2, and require
	// s·c - c2 - σ·a2 - ρ·b2 - σ·ρ = 0. An additive error in c or c2 survives with
	// probability 1/|F|.
	if count > 0 {
		let mut coins = ChaCha12Rng::from_seed(core.coin()?);
		let s: Vec<F> = (0..count).map(|_| F::random(&mut coins)).collect();
		let rho_sigma: Vec<F> = (0..count).map(|k| s[k] * a[k] - a2[k]).chain((0..count).map(|k| b[k] - b2[k])).collect();
		let as_triple_error = |e: MpcError| if e == MpcError::InconsistentShares { MpcError::TripleCheckFailed } else { e };
		let opened = core.open(&rho_sigma, true).map_err(as_triple_error)?;
		let (rho, sigma) = opened.split_at(count);
		// The check value is linear in shares once ρ and σ are public.
		let zeros: Vec<F> = (0..count)
			.map(|k| s[k] * c[k] - c2[k] - sigma[k] * a2[k] - rho[k] * b2[k] - sigma[k] * rho[k])
			.collect();
		if core.open(&zeros, true).map_err(as_triple_error)?.iter().any(|z| !z.is_zero()) {
			return Err(MpcError::TripleCheckFailed);
		}
	}

	// MACs: α·v for every value we keep, in one round.
	let kept: Vec<F> = a.iter().chain(b).chain(c).chain(rand).chain(mask_shares).copied().collect();
	let macs = core.mul_dn07(&kept, &vec![*alpha; kept.len()])?;

	// Owners learn their masks (with error detection).
	let mut own_mask_values = Vec::new();
	let mut offset = 0;
	for (owner, &k) in plan.masks.iter().enumerate() {
		if let Some(values) = core.open_to(owner, &mask_shares[offset..offset + k])? {
			own_mask_values = values;
		}
		offset += k;
	}

	let additive = |i: usize| MacShare { value: core.shamir.to_additive(me, kept[i]), mac: core.shamir.to_additive(me, macs[i]) };
	let triples = (0..count).map(|k| [additive(k), additive(count + k), additive(2 * count + k)]).collect();
	let base = 3 * count;
	let randoms = (0..plan.randoms).map(|k| additive(base + k)).collect();
	let mut masks = Vec::with_capacity(n);
	let mut offset = base + plan.randoms;
	for &k in &plan.masks {
		masks.push((offset..offset + k).map(additive).collect());
		offset += k;
	}
	Ok(Store { party: me, alpha: core.shamir.to_additive(me, *alpha), triples, randoms, masks, own_mask_values: own_mask_values.into() })
}

/// TEST FIXTURE: a trusted dealer. Every party calls it with the same seed and gets its own
/// slice of consistent material; nobody would accept this outside a test.
#[cfg(any(test, feature = "test-dealer"))]
pub mod trusted_dealer_for_tests {
	use super::*;

	/// Party `party`'s material for `n` parties, all derived from `seed`.
	pub fn store<F: MpcField>(seed: u64, n: usize, party: usize, plan: &Plan) -> Store<F> {
		let mut rng = ChaCha12Rng::seed_from_u64(seed);
		let alphas: Vec<F> = (0..n).map(|_| F::random(&mut rng)).collect();
		let alpha: F = alphas.iter().sum();
		let share = |x: F, rng: &mut ChaCha12Rng| -> MacShare<F> {
			let values: Vec<F> = (0..n - 1).map(|_| F::random(rng)).collect();
			let macs: Vec<F> = (0..n - 1).map(|_| F::random(rng)).collect();
			let last_value = x - values.iter().sum::<F>();
			let last_mac = alpha * x - macs.iter().sum::<F>();
			if party < n - 1 { MacShare { value: values[party], mac: macs[party] } } else { MacShare { value: last_value, mac: last_mac } }
		};
		let mut store = Store { party, alpha: alphas[party], ..Default::default() };
		for _ in 0..plan.triples {
			let (a, b) = (F::random(&mut rng), F::random(&mut rng));
			store.triples.push_back([share(a, &mut rng), share(b, &mut rng), share(a * b, &mut rng)]);
		}
		for _ in 0..plan.randoms {
			let r = F::random(&mut rng);
			store.randoms.push_back(share(r, &mut rng));
		}
		for (owner, &k) in plan.masks.iter().enumerate() {
			let mut shares = VecDeque::with_capacity(k);
			for _ in 0..k {
				let r = F::random(&mut rng);
				shares.push_back(share(r, &mut rng));
				if owner == party {
					store.own_mask_values.push_back(r);
				}
			}
			store.masks.push(shares);
		}
		store
	}
}
