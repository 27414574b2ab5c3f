//! MASCOT (Keller, Orsini, Scholl 2016): SPDZ preprocessing from oblivious transfer, with no
//! dealer, secure with abort against n − 1 corrupt parties. It produces the same [`Store`] the
//! online phase ([`crate::spdz`]) consumes.
//!
//! **Setup**, once per session. Each party draws its MAC key share α_i. Every ordered pair
//! (S, R) runs k + κ base OTs ([`crate::ot::base`]), k = the field's bit length: R chooses with
//! the bits of α_R and of a fresh Δ for the OT extension ([`crate::ot::kos`]); S keeps both
//! seeds of each.
//!
//! **Authentication (COPEe).** S has values x; R has α_R = Σ_l 2^l·α_{R,l}. For each bit l, S
//! expands t_{0,l} = G(k_{0,l}) and t_{1,l} = G(k_{1,l}) and sends u_l = t_{0,l} − t_{1,l} + x; R
//! knows t_{α_l,l} and computes q_l = t_{α_l,l} + α_l·u_l = t_{0,l} + α_l·x. Then
//! q = Σ 2^l q_l and −Σ 2^l t_{0,l} are additive shares of α_R·x. With every R doing this,
//! S's MAC share of x is α_S·x − Σ_R Σ_l 2^l t_{0,l} and each R's is its q: they sum to α·x.
//! S could send u_l that disagree on x; so S also authenticates a random x_0, everybody draws
//! public χ_h after all u are sent, S announces y = Σ χ_h x_h, and y is MAC-checked.
//!
//! **Triples.** Each party draws a^(i) ∈ F^τ (τ = 3) and b^(i) ∈ F. For every ordered pair (S, R),
//! k·τ extended OTs with S's choices the bits of a^(S) give R pairs (q_0, q_1) and S q_{a_bit};
//! R sends d = q_0 − q_1 + b^(R), S computes q_{a_bit} + a_bit·d = q_0 + a_bit·b^(R), and summed
//! with weights 2^bit that is Σ 2^bit q_0 + a^(S)·b^(R): with R's −Σ 2^bit q_0, shares of
//! a^(S)·b^(R) (Gilboa's product). Adding a^(i)·b^(i) locally gives shares of c_h = a_h·b.
//! **Combine**: a corrupt R that uses different b in different d learns bits of a^(S) from
//! whether the run later aborts; so the triple is a = Σ r_h a_h, c = Σ r_h c_h for public random
//! r ∈ F^τ (by the leftover hash lemma a keeps enough entropy), and a twin â, ĉ with r̂.
//! a, b, c, â, ĉ are authenticated. **Sacrifice**: for public random s, open ρ = s·a − â and check
//! s·c − ĉ − ρ·b = 0 (it is s·ab − âb − (sa − â)b); everything opened is MAC-checked first.
//!
//! Randoms are Σ of one random authenticated value per party; an input mask of party o is a
//! random value o authenticates alone.

use crate::{
	error::{MpcError, Result},
	field::MpcField,
	ot::{base, kos, Block, CrHash, Prg},
	preprocessing::{Plan, Store},
	spdz::{coin, mac_check, MacShare},
	transport::{Net, Transport},
};
use blake2::{Blake2b512, Digest};
use ark_ff::BigInteger;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha12Rng;

/// Products per triple before combining (MASCOT's τ).
pub const TAU: usize = 3;
/// Values authenticated per pass: bounds every frame (COPEe sends k elements per value per peer,
/// about 4 MiB at 512 values in BLS12-381 Fr).
const VALUES_PER_PASS: usize = 512;

/// What this party shares with one other party.
struct Link {
	/// COPEe as the values' holder: both seeds of each bit of the peer's α.
	auth_out: Vec<(Prg, Prg)>,
	/// OT extension as its receiver: our bits of a are the choices.
	ot_out: kos::Receiver,
	/// COPEe as the key's holder: the seed each bit of our α chose.
	auth_in: Vec<Prg>,
	/// OT extension as its sender.
	ot_in: kos::Sender,
}

/// One party's MASCOT state: its MAC key share and its links, kept across batches so that a
/// session's base OTs are paid once.
pub struct Mascot<F: MpcField> {
	alpha: F,
	/// The bits of α, 0 or 1.
	alpha_bits: Vec<u64>,
	links: Vec<Option<Link>>,
	hash: CrHash,
	rng: ChaCha12Rng,
	/// A batch failed: each failed check may have told a cheater one guessed bit of α or of a Δ,
	/// which is safe only if the session then stops. Later calls are refused.
	aborted: bool,
}

fn bits_of<F: MpcField>(x: F) -> impl Iterator<Item = bool> {
	let big = x.into_bigint();
	(0..F::MODULUS_BIT_SIZE as usize).map(move |i| big.get_bit(i))
}

/// Σ_l 2^l·v_l, from the top bit down.
fn horner<F: MpcField>(v: &[F]) -> F {
	v.iter().rev().fold(F::zero(), |acc, x| acc.double() + x)
}

/// Σ_l 2^l·v_l for each column of `count` values, the k rows given by `row(l)`, by Horner from
/// the top bit: one doubling and one addition per term.
fn weighted_sum<F: MpcField>(k: usize, count: usize, mut row: impl FnMut(usize) -> Vec<F>) -> Vec<F> {
	let mut acc = vec![F::zero(); count];
	for l in (0..k).rev() {
		for (a, v) in acc.iter_mut().zip(row(l)) {
			a.double_in_place();
			*a += v;
		}
	}
	acc
}

impl<F: MpcField> Mascot<F> {
	/// The setup: α_i and the base OTs with every other party (two rounds).
	pub fn setup<T: Transport>(net: &mut Net<T>) -> Result<Self> {
		let (me, n) = (net.party(), net.parties());
		let k = F::MODULUS_BIT_SIZE as usize;
		if k < 128 {
			// τ = 3 leaves a enough entropy after a cheater's guesses at its bits only in a
			// large field; a 64-bit one would need a larger τ.
			return Err(MpcError::InvalidParameters(format!("MASCOT needs a field of at least 128 bits, not {k}")));
		}
		let mut rng = ChaCha12Rng::from_entropy();
		let alpha = F::random(&mut rng);
		let alpha_bits: Vec<bool> = bits_of(alpha).collect();
		let peers: Vec<usize> = (0..n).filter(|&p| p != me).collect();

		net.round();
		// Each hello is headed by the engine's version: members of different versions would fail
		// each other's MAC checks with nobody named (the check changed with version 5), and
		// preprocessing runs before any circuit agreement. They stop here, the other one named.
		let version = Blake2b512::new().chain_update(b"enigma/mascot").chain_update(crate::circuit::EXECUTION_VERSION.to_le_bytes()).finalize();
		let version = &version[..32];
		let senders: Vec<base::Sender> = peers.iter().map(|&p| base::Sender::new(me, p, &mut rng)).collect();
		for (p, s) in peers.iter().zip(&senders) {
			net.send(*p, &[version, s.hello()].concat())?;
		}
		let hellos = peers
			.iter()
			.map(|&p| match net.recv(p)? {
				headed if headed.starts_with(version) => Ok(headed[32..].to_vec()),
				_ => Err(MpcError::Disagreement { party: p }),
			})
			.collect::<Result<Vec<_>>>()?;

		net.round();
		let mut received = Vec::with_capacity(peers.len());
		for (&p, hello) in peers.iter().zip(&hellos) {
			let delta: Block = rng.gen();
			let choices: Vec<bool> = alpha_bits.iter().copied().chain(kos::Sender::delta_bits(delta)).collect();
			let (reply, keys) = base::receive(hello, &choices, p, me, &mut rng)?;
			net.send(p, &reply)?;
			received.push((delta, keys));
		}
		let mut links: Vec<Option<Link>> = (0..n).map(|_| None).collect();
		for ((&p, sender), (delta, keys_in)) in peers.iter().zip(&senders).zip(received) {
			let keys_out = sender.keys(&net.recv(p)?, k + kos::KAPPA)?;
			links[p] = Some(Link {
				auth_out: keys_out[..k].iter().map(|(k0, k1)| (Prg::new(*k0), Prg::new(*k1))).collect(),
				ot_out: kos::Receiver::new(&keys_out[k..]),
				auth_in: keys_in[..k].iter().map(|s| Prg::new(*s)).collect(),
				ot_in: kos::Sender::new(delta, &keys_in[k..]),
			});
		}
		let alpha_bits = alpha_bits.into_iter().map(u64::from).collect();
		Ok(Self { alpha, alpha_bits, links, hash: CrHash::default(), rng, aborted: false })
	}

	/// This party's share of the MAC key.
	pub fn alpha(&self) -> F {
		self.alpha
	}

	fn peers(&self, me: usize) -> Vec<usize> {
		(0..self.links.len()).filter(|&p| p != me).collect()
	}

	fn link(&mut self, p: usize) -> &mut Link {
		self.links[p].as_mut().expect("a link to every other party")
	}

	/// Material for `plan`, in passes of bounded size. Every party calls it with the same plan
	/// (checked first). After an error the session is spent: make a new one.
	pub fn generate<T: Transport>(&mut self, net: &mut Net<T>, plan: &Plan) -> Result<Store<F>> {
		if self.aborted {
			return Err(MpcError::Preprocessing("this MASCOT session aborted earlier; set up a new one".into()));
		}
		let made = self.generate_checked(net, plan);
		self.aborted = made.is_err();
		made
	}

	fn generate_checked<T: Transport>(&mut self, net: &mut Net<T>, plan: &Plan) -> Result<Store<F>> {
		let n = net.parties();
		if plan.masks.len() != n {
			return Err(MpcError::InvalidParameters(format!("plan names masks for {} parties, not {n}", plan.masks.len())));
		}
		let mut digest = Blake2b512::new().chain_update(b"enigma MASCOT plan");
		for count in [plan.triples, plan.randoms].iter().chain(&plan.masks) {
			digest.update((*count as u64).to_le_bytes());
		}
		net.agree(&digest.finalize()[..32].try_into().expect("32 bytes"))?;
		let mut store = Store { party: net.party(), alpha: self.alpha, masks: vec![Default::default(); n], ..Default::default() };
		let mut left = plan.clone();
		loop {
			// Five values per triple, then randoms, then masks, up to a pass's size.
			let triples = left.triples.min(VALUES_PER_PASS / 5);
			let mut room = VALUES_PER_PASS - 5 * triples;
			let randoms = left.randoms.min(room);
			room -= randoms;
			let masks: Vec<usize> = left.masks.iter().map(|&m| { let take = m.min(room); room -= take; take }).collect();
			let pass = Plan { triples, randoms, masks };
			let pass_size = pass.triples + pass.randoms + pass.masks.iter().sum::<usize>();
			if pass_size == 0 {
				return Ok(store);
			}
			left.triples -= pass.triples;
			left.randoms -= pass.randoms;
			left.masks.iter_mut().zip(&pass.masks).for_each(|(l, m)| *l -= m);
			let made = self.pass(net, &pass)?;
			store.triples.extend(made.triples);
			store.randoms.extend(made.randoms);
			store.masks.iter_mut().zip(made.masks).for_each(|(s, m)| s.extend(m));
			store.own_mask_values.extend(made.own_mask_values);
		}
	}

	fn pass<T: Transport>(&mut self, net: &mut Net<T>, plan: &Plan) -> Result<Store<F>> {
		let (me, n) = (net.party(), net.parties());
		let count = plan.triples;
		let a: Vec<F> = (0..TAU * count).map(|_| F::random(&mut self.rng)).collect();
		let b: Vec<F> = (0..count).map(|_| F::random(&mut self.rng)).collect();
		let c = if count > 0 { self.products(net, &a, &b)? } else { Vec::new() };

		// Combine: a = Σ r_h a_h, c = Σ r_h c_h and the twins with r̂, for public r, r̂.
		let mut combined = vec![Vec::with_capacity(count); 4];
		if count > 0 {
			let mut coins = ChaCha12Rng::from_seed(coin(net, &mut self.rng)?);
			for t in 0..count {
				let r: Vec<F> = (0..2 * TAU).map(|_| F::random(&mut coins)).collect();
				let dot = |w: &[F], v: &[F]| w.iter().zip(v).map(|(w, v)| *w * v).sum::<F>();
				let (at, ct) = (&a[t * TAU..(t + 1) * TAU], &c[t * TAU..(t + 1) * TAU]);
				combined[0].push(dot(&r[..TAU], at));
				combined[1].push(dot(&r[..TAU], ct));
				combined[2].push(dot(&r[TAU..], at));
				combined[3].push(dot(&r[TAU..], ct));
			}
		}

		// What each party authenticates: a, b, c, â, ĉ, its randoms, its masks, and x_0.
		let sizes: Vec<usize> = (0..n).map(|p| 5 * count + plan.randoms + plan.masks[p] + 1).collect();
		let mut mine: Vec<F> = combined[0].iter().chain(&b).chain(&combined[1]).chain(&combined[2]).chain(&combined[3]).copied().collect();
		mine.extend((0..plan.randoms + plan.masks[me] + 1).map(|_| F::random(&mut self.rng)));
		let macs = self.authenticate(net, &mine, &sizes)?;

		// The authentication check, and the sacrifice's s, from one coin drawn after every u.
		let mut coins = ChaCha12Rng::from_seed(coin(net, &mut self.rng)?);
		let chi: Vec<F> = (0..sizes.iter().max().copied().unwrap_or(0)).map(|_| F::random(&mut coins)).collect();
		let s: Vec<F> = (0..count).map(|_| F::random(&mut coins)).collect();
		let dot = |v: &[F]| v.iter().zip(&chi).map(|(v, c)| *v * c).sum::<F>();
		net.round();
		let ys = net.all_to_all_elements(&[dot(&mine)])?;
		let mut opened: Vec<(F, F)> = (0..n).map(|p| (ys[p][0], dot(&macs[p]))).collect();

		// [[x]] = Σ_p [[x^(p)]] for the values every party contributed to; our value share is ours.
		let summed = |h: usize| MacShare { value: mine[h], mac: (0..n).map(|p| macs[p][h]).sum() };
		let (ta, tb, tc, ta2, tc2) = (0, count, 2 * count, 3 * count, 4 * count);

		// Sacrifice: open ρ = s·a − â, then z = s·c − ĉ − ρ·b, which must be 0.
		let rho_shares: Vec<MacShare<F>> = (0..count).map(|t| sub(scale(summed(ta + t), s[t]), summed(ta2 + t))).collect();
		let rho = open(net, &rho_shares, &mut opened)?;
		let z_shares: Vec<MacShare<F>> = (0..count)
			.map(|t| sub(sub(scale(summed(tc + t), s[t]), summed(tc2 + t)), scale(summed(tb + t), rho[t])))
			.collect();
		let z = open(net, &z_shares, &mut opened)?;
		mac_check(net, &mut self.rng, self.alpha, opened)?;
		if z.iter().any(|z| !z.is_zero()) {
			return Err(MpcError::TripleCheckFailed);
		}

		let base = 5 * count;
		let mut store = Store { party: me, alpha: self.alpha, ..Default::default() };
		store.triples = (0..count).map(|t| [summed(ta + t), summed(tb + t), summed(tc + t)]).collect();
		store.randoms = (base..base + plan.randoms).map(summed).collect();
		let first_mask = base + plan.randoms;
		store.masks = (0..n)
			.map(|o| {
				(first_mask..first_mask + plan.masks[o])
					.map(|h| MacShare { value: if o == me { mine[h] } else { F::zero() }, mac: macs[o][h] })
					.collect()
			})
			.collect();
		store.own_mask_values = mine[first_mask..first_mask + plan.masks[me]].iter().copied().collect();
		Ok(store)
	}

	/// Shares of c_h = a_h·b for our a ∈ F^{τ·count} and b ∈ F^count (see the module docs).
	fn products<T: Transport>(&mut self, net: &mut Net<T>, a: &[F], b: &[F]) -> Result<Vec<F>> {
		let (me, n) = (net.party(), net.parties());
		let k = F::MODULUS_BIT_SIZE as usize;
		let ots = a.len() * k;
		let peers = self.peers(me);

		// The OT extension: our bits of a are the choices toward every peer.
		net.round();
		let choices: Vec<bool> = a.iter().flat_map(|x| bits_of(*x)).collect();
		let mut ours = Vec::with_capacity(peers.len());
		for &p in &peers {
			let (msg, batch) = self.link(p).ot_out.extend(&choices, &mut rand::thread_rng());
			net.send(p, &msg)?;
			ours.push(batch);
		}
		let mut theirs = Vec::with_capacity(peers.len());
		for &p in &peers {
			let msg = net.recv(p)?;
			theirs.push(self.link(p).ot_in.extend(&msg, ots, p)?);
		}

		// The KOS check, with χ for each ordered pair drawn after every message was sent.
		let seed = coin(net, &mut self.rng)?;
		let chi = |receiver: usize, sender: usize| -> Block {
			let d = Blake2b512::new()
				.chain_update(seed)
				.chain_update((receiver as u64).to_le_bytes())
				.chain_update((sender as u64).to_le_bytes())
				.finalize();
			u128::from_le_bytes(d[..16].try_into().expect("16 bytes"))
		};
		net.round();
		for (&p, batch) in peers.iter().zip(&ours) {
			net.send(p, &batch.check_reply(chi(me, p)))?;
		}
		for (&p, batch) in peers.iter().zip(&theirs) {
			let reply = net.recv(p)?;
			self.links[p].as_ref().expect("linked").ot_in.check(batch, chi(p, me), &reply, p)?;
		}

		// Gilboa: to each peer, d = q_0 − q_1 + b; our share of a^(p)·b is −Σ 2^bit q_0.
		net.round();
		let mut c: Vec<F> = a.iter().enumerate().map(|(h, x)| *x * b[h / TAU]).collect();
		for (&p, batch) in peers.iter().zip(&theirs) {
			let delta = self.links[p].as_ref().expect("linked").ot_in.delta();
			let link = link_tweak(p, me, n);
			let strings = batch.strings();
			let q0: Vec<F> = self.hash.elements(link, batch.first_index(), strings);
			let flipped: Vec<Block> = strings.iter().map(|q| q ^ delta).collect();
			let q1: Vec<F> = self.hash.elements(link, batch.first_index(), &flipped);
			let d: Vec<F> = q0.iter().zip(&q1).enumerate().map(|(j, (m0, m1))| *m0 - m1 + b[j / (k * TAU)]).collect();
			net.send_elements(p, &d)?;
			for (h, share) in c.iter_mut().enumerate() {
				*share -= horner(&q0[h * k..(h + 1) * k]);
			}
		}
		// From each peer's d: q_{bit} + bit·d = q_0 + bit·b^(p), and our share of a·b^(p).
		for (&p, batch) in peers.iter().zip(&ours) {
			let d: Vec<F> = net.recv_elements(p, ots)?;
			let link = link_tweak(me, p, n);
			let hashed: Vec<F> = self.hash.elements(link, batch.first_index(), batch.strings());
			let t: Vec<F> = hashed.iter().zip(&d).zip(&choices).map(|((m, d), bit)| *m + d.times_bit(*bit as u64)).collect();
			for (h, share) in c.iter_mut().enumerate() {
				*share += horner(&t[h * k..(h + 1) * k]);
			}
		}
		Ok(c)
	}

	/// COPEe with every peer: our MAC shares of every party's values, by party (`sizes[p]` of
	/// party p's; ours are `mine`).
	fn authenticate<T: Transport>(&mut self, net: &mut Net<T>, mine: &[F], sizes: &[usize]) -> Result<Vec<Vec<F>>> {
		let me = net.party();
		let k = F::MODULUS_BIT_SIZE as usize;
		let v = mine.len();
		let mut macs: Vec<Vec<F>> = vec![Vec::new(); sizes.len()];
		macs[me] = mine.iter().map(|x| self.alpha * x).collect();
		net.round();
		for p in self.peers(me) {
			// u_l = t_{0,l} − t_{1,l} + x for each bit l of the peer's α; our share −Σ 2^l t_{0,l}.
			let mut u = vec![F::zero(); k * v];
			let link = self.link(p);
			let share = weighted_sum(k, v, |l| {
				let (g0, g1) = &mut link.auth_out[l];
				let (t0, t1) = (g0.elements::<F>(v), g1.elements::<F>(v));
				for (h, x) in mine.iter().enumerate() {
					u[l * v + h] = t0[h] - t1[h] + x;
				}
				t0
			});
			macs[me].iter_mut().zip(share).for_each(|(m, s)| *m -= s);
			net.send_elements(p, &u)?;
		}
		for p in self.peers(me) {
			// q = Σ 2^l (t_{α_l,l} + α_l·u_l), our share of α·x for the peer's x.
			let count = sizes[p];
			let u: Vec<F> = net.recv_elements(p, k * count)?;
			let alpha_bits = self.alpha_bits.clone();
			let link = self.link(p);
			macs[p] = weighted_sum(k, count, |l| {
				let mut q = link.auth_in[l].elements::<F>(count);
				q.iter_mut().zip(&u[l * count..(l + 1) * count]).for_each(|(q, u)| *q += u.times_bit(alpha_bits[l]));
				q
			});
		}
		Ok(macs)
	}
}

/// The hash tweak's link part for the OTs whose choices `chooser` holds, toward `other`: every
/// ordered pair hashes under its own tweaks.
fn link_tweak(chooser: usize, other: usize, n: usize) -> u32 {
	(chooser * n + other) as u32
}

fn sub<F: MpcField>(a: MacShare<F>, b: MacShare<F>) -> MacShare<F> {
	MacShare { value: a.value - b.value, mac: a.mac - b.mac }
}

fn scale<F: MpcField>(a: MacShare<F>, c: F) -> MacShare<F> {
	MacShare { value: a.value * c, mac: a.mac * c }
}

/// Open shares to everyone (one round), remembering each value with our MAC share for the check.
fn open<F: MpcField, T: Transport>(net: &mut Net<T>, shares: &[MacShare<F>], opened: &mut Vec<(F, F)>) -> Result<Vec<F>> {
	net.round();
	let values: Vec<F> = shares.iter().map(|s| s.value).collect();
	let sums = net.all_to_all_sum(&values)?;
	opened.extend(sums.iter().zip(shares).map(|(v, s)| (*v, s.mac)));
	Ok(sums)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{
		field::{Fr, F64},
		transport::mem::{network, MemTransport},
	};

	/// `f` as every one of `n` parties, over an in-memory network.
	fn run<R: Send + 'static>(n: usize, f: impl Fn(usize, Net<MemTransport>) -> R + Send + Clone + 'static) -> Vec<R> {
		let handles: Vec<_> = network(n)
			.into_iter()
			.enumerate()
			.map(|(party, t)| {
				let f = f.clone();
				std::thread::spawn(move || f(party, Net::new(t)))
			})
			.collect();
		handles.into_iter().map(|h| h.join().unwrap()).collect()
	}

	/// A member of another engine version (here one whose hello carries no version, as before
	/// version 5) is named at the first round, before any check could fail with nobody named.
	#[test]
	fn a_member_of_another_version_is_named_before_any_check() {
		let outcomes = run(3, |party, mut net| {
			if party == 2 {
				let hello = base::Sender::new(2, 0, &mut ChaCha12Rng::seed_from_u64(1)).hello().to_vec();
				for to in [0, 1] {
					net.send(to, &hello).unwrap();
				}
				// Their hellos, so that it does not leave while they send them.
				for from in [0, 1] {
					net.recv(from).unwrap();
				}
				return None;
			}
			Some(Mascot::<Fr>::setup(&mut net).err())
		});
		let named = Some(Some(MpcError::Disagreement { party: 2 }));
		assert_eq!(outcomes, vec![named.clone(), named, None]);
	}

	/// The value and the MAC behind everybody's shares, and α.
	fn reconstruct<F: MpcField>(stores: &[Store<F>], share: impl Fn(&Store<F>) -> MacShare<F>) -> F {
		let alpha: F = stores.iter().map(|s| s.alpha).sum();
		let value: F = stores.iter().map(|s| share(s).value).sum();
		let mac: F = stores.iter().map(|s| share(s).mac).sum();
		assert_eq!(mac, alpha * value, "the MAC is α times the value");
		value
	}

	fn check(stores: &[Store<Fr>], plan: &Plan) {
		for t in 0..plan.triples {
			let [a, b, c] = [0, 1, 2].map(|k| reconstruct(stores, |s| s.triples[t][k]));
			assert_eq!(c, a * b, "triple {t}");
			assert!(a != Fr::from(0u64) && b != Fr::from(0u64));
		}
		for r in 0..plan.randoms {
			reconstruct(stores, |s| s.randoms[r]);
		}
		for (owner, &count) in plan.masks.iter().enumerate() {
			for m in 0..count {
				let value = reconstruct(stores, |s| s.masks[owner][m]);
				assert_eq!(stores[owner].own_mask_values[m], value, "the owner knows its mask");
			}
		}
	}

	#[test]
	fn triples_masks_and_randoms_are_right_and_authenticated() {
		for n in [2, 3] {
			// More triples than one pass holds, so passes are chained; then a second batch on the
			// same links, whose OT indices and streams go on from the first's.
			let first = Plan { triples: 120, randoms: 5, masks: (0..n).map(|p| p + 1).collect() };
			let second = Plan { triples: 7, randoms: 2, masks: vec![1; n] };
			let (p1, p2) = (first.clone(), second.clone());
			let made = run(n, move |_, mut net| {
				let mut mascot = Mascot::<Fr>::setup(&mut net).unwrap();
				(mascot.generate(&mut net, &p1).unwrap(), mascot.generate(&mut net, &p2).unwrap())
			});
			let (a, b): (Vec<_>, Vec<_>) = made.into_iter().unzip();
			check(&a, &first);
			check(&b, &second);
		}
	}

	#[test]
	fn small_fields_are_refused() {
		let results = run(2, |_, mut net| Mascot::<F64>::setup(&mut net).map(|_| ()));
		assert!(results.iter().all(|r| matches!(r, Err(MpcError::InvalidParameters(_)))), "{results:?}");
	}

	#[test]
	fn parties_with_different_plans_stop_and_the_session_is_spent() {
		let results = run(2, |party, mut net| {
			let mut mascot = Mascot::<Fr>::setup(&mut net).unwrap();
			let plan = Plan { triples: 3 + party, randoms: 0, masks: vec![0; 2] };
			let first = mascot.generate(&mut net, &plan).map(|_| ());
			let again = mascot.generate(&mut net, &Plan { triples: 3, randoms: 0, masks: vec![0; 2] }).map(|_| ());
			(first, again)
		});
		for (party, (first, again)) in results.into_iter().enumerate() {
			assert_eq!(first, Err(MpcError::Disagreement { party: 1 - party }));
			assert!(matches!(again, Err(MpcError::Preprocessing(_))), "{again:?}");
		}
	}
}
