//! Publicly auditable MPC for a dishonest majority (Baum, Damgård, Orlandi, "Publicly Auditable
//! Secure Multi-Party Computation", SCN 2014): every party commits, in BLS12-381 G1, to its
//! additive share of each value the run starts from, and every opening carries each party's
//! share with the blind that opens its commitment. A party that opens a wrong value is named by
//! the parties that see it (for a public opening, every party, and anyone who reads the
//! transcript afterwards); and anyone can check a finished run from its [`Transcript`] alone
//! ([`audit`]): its public outputs are right for its commitments even if every party colluded.
//!
//! Party j holds, for each value v, an additive share v_j and a blind ρ_j; its commitment is
//!
//! ```text
//! C_{v,j} = v_j·G + ρ_j·H              (G the group's generator, H hashed to the curve: crate::vss)
//! ```
//!
//! published at the start for the **base** values: the triples' a, b, c, random values and input
//! masks. Every other value is a public linear function of bases, v = Σ λ_k·u_k + c, and the
//! parties compute it share by share (party 0 adds the constant) and blind by blind, so
//!
//! ```text
//! C_{v,j} = Σ λ_k·C_{u_k,j} + [j = 0]·c·G
//! ```
//!
//! which anyone computes (a form: the λ's and c). A Beaver multiplication opens ε = x − a
//! and δ = y − b and takes z = c + ε·b + δ·a + ε·δ: linear in the triple again. To **open** v,
//! each party broadcasts (v_j, ρ_j); with v = Σ_j v_j and ρ = Σ_j ρ_j, the value is right when
//! v·G + ρ·H = Σ_j C_{v,j} (another opening would be a discrete-logarithm relation between G
//! and H). The checks of a run are batched with random weights w_v into one multi-scalar
//! multiplication over the summed base commitments C_k = Σ_j C_{k,j}:
//!
//! ```text
//! (Σ_v w_v·(v − c_v))·G + (Σ_v w_v·ρ_v)·H − Σ_k (Σ_v w_v·λ_{v,k})·C_k = 0
//! ```
//!
//! Only when it fails is each party's own equation checked (v_j·G + ρ_j·H = C_{v,j}, batched
//! the same way per party, then by bisection) to name the party and the opening. (Colluding
//! parties whose errors cancel open the right value and are not named: nothing was changed.)
//! Commitments are first announced by their hash, then shown, so a party that answers last
//! cannot choose its own from the others'; each must lie on the curve, and checks ignore
//! components of small order (see [`vanishes`]).
//!
//! - **Triples** may come from anywhere (MASCOT, or a test dealer): their MACs are not used.
//!   Each is checked against the commitments by sacrificing a second one: with a coin t, open
//!   ρ = t·a − f and σ = b − g, then t·c − h − σ·f − ρ·g − σ·ρ, which is 0 exactly when
//!   t·(c − a·b) = h − f·g, so a bad triple passes with probability 1/|Fr| per coin.
//! - **Random values**: each party's own random share, committed (by hash first) before
//!   anything is opened: uniform while one party is honest.
//! - **Inputs**: a mask r whose shares and blinds every party sends its owner (who checks them
//!   against the commitments, naming a party that lies, to itself only); the owner broadcasts
//!   x − r.
//! - **Inputs a committee holds** ([`Mpc::adopt`]: an owner dealt them to the members with
//!   degree n − 1 and its MAC, [`crate::spdz`]): every member enters its additive share of each
//!   dealt element, key and tag as an input of its own (a mask, as above), the committee adds
//!   them up and checks the owners' MACs, opening σ·Z, which must be 0. The differences and the
//!   opening are in the transcript, which records how many bits each held input brought
//!   ([`Transcript::held`]); the agreed digest binds that shape with the circuit's. The audit
//!   then shows the run computed on values the owners' keys authenticate, as long as one member
//!   kept its share of each key to itself: members that all collude know the keys. The owners
//!   proved their tags at dealing ([`crate::mac_proof`]) to every member, so a failed check is
//!   a member's doing, not an owner's (the proofs are not in the transcript: an auditor takes
//!   that from the members). Before the check, each member proves to the others that what it
//!   entered is its share of each owner's dealing ([`crate::entry_proof`], one round: its
//!   entries' commitments against λ_i times the dealing's commitments at its point), so a
//!   member that brings another share is named ([`MpcError::EntryNotProven`]) instead of
//!   failing the check unnamed. Values a run kept (`MPC.set`) have no dealing: for them the
//!   MAC check is still all. The entry proofs are not in the transcript either.
//! - **Coins** are Fiat–Shamir: blake2b of the transcript so far (the opened sums, not how the
//!   parties split them), so the auditor draws the same ones. They are public as soon as the
//!   transcript is, and a party can grind them by trying inputs: they serve checks that a
//!   cheater passes with probability about 1/|Fr| per try (the sacrifice, range checks), and
//!   are not shared randomness.
//! - A party that sends different broadcasts to different parties is caught when the parties
//!   compare transcript digests, after the setup and at each [`Mpc::check`] before anyone is
//!   named ([`MpcError::InconsistentBroadcast`], without a name: with different views, each
//!   would take the others' honest openings for lies; signed frames, as the worker's, would be
//!   what proves who equivocated).
//!
//! **Privacy.** The commitments are perfectly hiding, and an opening shows each party's share
//! and blind of a combination the protocol opens anyway; the honest parties' shares and blinds
//! are fresh and uniform given the opened values, so commitments to anything outside what was
//! opened say nothing.
//! **What an audit proves.** Replayed on forms ([`Replay`]), the transcript's openings open the
//! summed commitments, the triples pass their sacrifice, and the public outputs are what the
//! circuit gives on the inputs the commitments and the broadcast differences define. Nothing in
//! the transcript is signed: it shows a run is consistent, not who ran it. The worker runs
//! dishonest-majority tasks this way and puts the transcript's [`root_of`] into the result the
//! chain takes, so the result every member voted for names its transcript; whose inputs the
//! run took is what the owners' MACs vouch for (above). Private outputs, and the masks handed
//! to owners, are checked by their recipient only (the transcript does not show them).

use crate::{
	circuit::{execute, execute_held, Circuit, HeldOutput},
	error::{MpcError, Result},
	protocol::{ClientMac, HeldInput, Mpc, Stats},
	spdz,
	transport::{Net, Transport},
	vss,
};
use ark_bls12_381::{Fr, G1Affine, G1Projective};
use ark_ec::{scalar_mul::BatchMulPreprocessing, AffineRepr, CurveGroup};
use ark_ff::{UniformRand, Zero};
use ark_serialize::{CanonicalDeserialize, CanonicalSerialize};
use blake2::{Blake2b512, Digest};
use rand::SeedableRng;
use rand_chacha::ChaCha12Rng;
use std::{cell::RefCell, sync::LazyLock};

/// Bytes of an uncompressed G1 point (a compressed one costs a square root in Fq to read).
const POINT: usize = 2 * vss::POINT_BYTES;

/// How a value's commitment follows from earlier ones: a base, or ca·A + cb·B + c (the constant
/// carried by party 0's share only). Nodes refer only to earlier nodes, so the forms of a run
/// are a DAG in creation order, and a weighted sum of forms flattens onto the bases in one pass
/// from the last node to the first ([`Forms::flatten`]): a long sum costs a node per term, not
/// a copy of every term so far per addition.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Node {
	Base,
	Linear { a: u32, ca: Fr, b: u32, cb: Fr, constant: Fr },
}

/// The forms of a run, by index: what a share's `form` points at (the bases first, numbered as
/// in the [`Layout`]). Linear operations take `&self` in [`Mpc`], hence the cell.
#[derive(Default)]
struct Forms(RefCell<Vec<Node>>);

impl Forms {
	fn with_bases(count: usize) -> Self {
		Forms(RefCell::new(vec![Node::Base; count]))
	}
	fn push(&self, node: Node) -> u32 {
		let mut nodes = self.0.borrow_mut();
		nodes.push(node);
		(nodes.len() - 1) as u32
	}
	fn combine(&self, a: u32, ca: Fr, b: u32, cb: Fr) -> u32 {
		self.push(Node::Linear { a, ca, b, cb, constant: Fr::zero() })
	}
	fn shifted(&self, a: u32, constant: Fr) -> u32 {
		self.push(Node::Linear { a, ca: Fr::from(1u64), b: a, cb: Fr::zero(), constant })
	}
	fn constant(&self, constant: Fr) -> u32 {
		self.push(Node::Linear { a: 0, ca: Fr::zero(), b: 0, cb: Fr::zero(), constant })
	}

	/// Σ_i w_i·form_i over `weighted` (form, w_i) pairs, as (base, coefficient) pairs and the
	/// constant: coefficients pushed from each node to its operands, last node first.
	fn flatten(&self, weighted: impl IntoIterator<Item = (u32, Fr)>) -> (Vec<(u32, Fr)>, Fr) {
		let nodes = self.0.borrow();
		let mut acc: Vec<Fr> = Vec::new();
		for (form, w) in weighted {
			let form = form as usize;
			if acc.len() <= form {
				acc.resize(form + 1, Fr::zero());
			}
			acc[form] += w;
		}
		let mut constant = Fr::zero();
		let mut bases = Vec::new();
		for i in (0..acc.len()).rev() {
			let w = acc[i];
			if w.is_zero() {
				continue;
			}
			match nodes[i] {
				Node::Base => bases.push((i as u32, w)),
				Node::Linear { a, ca, b, cb, constant: c } => {
					constant += w * c;
					acc[a as usize] += w * ca;
					acc[b as usize] += w * cb;
				},
			}
		}
		(bases, constant)
	}
}

/// One party's share of a value: its additive share, its blind, and the value's form.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Share {
	pub value: Fr,
	pub blind: Fr,
	form: u32,
}

/// How many base values a run has, in the order they are numbered: the triples in sacrificed
/// pairs (a, b, c, f, g, h for pair i at 6i..6i + 6), the random values, then each owner's masks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layout {
	/// Triples left to compute with (each had a partner sacrificed for it).
	pub triples: usize,
	pub randoms: usize,
	/// Masks per owner, by party.
	pub masks: Vec<usize>,
}

impl Layout {
	/// Enough for `circuit` ([`crate::preprocessing::Plan::for_circuit`]).
	pub fn for_circuit(circuit: &Circuit) -> Self {
		let plan = crate::preprocessing::Plan::for_circuit(circuit);
		Layout { triples: plan.triples, randoms: plan.randoms, masks: plan.masks }
	}

	/// Enough for `parties` members to run `circuit` on inputs they hold, each dealt with the
	/// owner's MAC ([`crate::preprocessing::Plan::for_held`]: every member enters its shares of
	/// each dealt element, key and tag under masks; the MAC check and the private outputs'
	/// checks take triples and random values).
	pub fn for_held(circuit: &Circuit, parties: usize, held: &[&HeldInput<Fr>]) -> Self {
		let plan = crate::preprocessing::Plan::for_held(circuit, parties, held);
		Layout { triples: plan.triples, randoms: plan.randoms, masks: plan.masks }
	}

	/// What a run of this layout takes from a preprocessing source: twice its triples (every
	/// other one is sacrificed against the commitments); random values and masks the parties
	/// make themselves.
	pub fn preprocessing(&self) -> crate::preprocessing::Plan {
		crate::preprocessing::Plan { triples: 2 * self.triples, randoms: 0, masks: vec![0; self.masks.len()] }
	}

	fn bases(&self) -> usize {
		self.checked_bases().expect("a layout this party made fits in memory")
	}

	/// How many base values, if the count fits in a `usize` (a transcript's layout may not).
	fn checked_bases(&self) -> Option<usize> {
		self.masks.iter().try_fold(self.triples.checked_mul(6)?.checked_add(self.randoms)?, |sum, m| sum.checked_add(*m))
	}

	fn randoms_at(&self) -> usize {
		6 * self.triples
	}

	fn masks_at(&self, owner: usize) -> usize {
		self.randoms_at() + self.randoms + self.masks[..owner].iter().sum::<usize>()
	}
}

/// Everything a run made public, in order: what [`audit`] checks.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Transcript {
	pub parties: usize,
	pub layout: Layout,
	/// `bases[j][k]`: party j's commitment to its share of base value k.
	pub bases: Vec<Vec<G1Affine>>,
	/// The digests the parties agreed on (the circuit's), in order.
	pub agreed: Vec<[u8; 32]>,
	/// Every opening to all parties, in order: for each value, each party's (share, blind).
	pub openings: Vec<Vec<Vec<(Fr, Fr)>>>,
	/// Every input's broadcast differences x − r, in order of the input calls.
	pub differences: Vec<Vec<Fr>>,
	/// For a run on inputs the committee held ([`Mpc::adopt`]): how many bits each held input
	/// brought, in the order adopted (what the agreed digest binds with the circuit's). `None`
	/// for a run whose inputs came in fresh ([`Mpc::input`]).
	pub held: Option<Vec<usize>>,
}

/// The first bytes of an encoded [`Transcript`].
const TRANSCRIPT_MAGIC: &[u8] = b"enigma/audit-transcript/v1";

impl Transcript {
	/// The transcript as bytes: what is stored for anyone to audit, and what [`Self::root`]
	/// hashes. Counts are little-endian u64s; points uncompressed; field elements canonical.
	pub fn to_bytes(&self) -> Vec<u8> {
		let mut out = TRANSCRIPT_MAGIC.to_vec();
		let count = |out: &mut Vec<u8>, k: usize| out.extend_from_slice(&(k as u64).to_le_bytes());
		count(&mut out, self.parties);
		count(&mut out, self.layout.triples);
		count(&mut out, self.layout.randoms);
		count(&mut out, self.layout.masks.len());
		for m in &self.layout.masks {
			count(&mut out, *m);
		}
		out.push(self.held.is_some() as u8);
		let held = self.held.as_deref().unwrap_or_default();
		count(&mut out, held.len());
		for h in held {
			count(&mut out, *h);
		}
		count(&mut out, self.bases.len());
		for party in &self.bases {
			count(&mut out, party.len());
			for point in party {
				point.serialize_uncompressed(&mut out).expect("a vector takes any point");
			}
		}
		count(&mut out, self.agreed.len());
		for digest in &self.agreed {
			out.extend_from_slice(digest);
		}
		count(&mut out, self.openings.len());
		for opening in &self.openings {
			count(&mut out, opening.len());
			for value in opening {
				count(&mut out, value.len());
				for (share, blind) in value {
					out.extend_from_slice(&crate::field::to_bytes(&[*share, *blind]));
				}
			}
		}
		count(&mut out, self.differences.len());
		for d in &self.differences {
			count(&mut out, d.len());
			out.extend_from_slice(&crate::field::to_bytes(d));
		}
		out
	}

	/// A transcript from [`Self::to_bytes`]; `None` for anything else (a count larger than what
	/// follows is refused before anything is allocated for it).
	pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
		let mut r = Reader(bytes.strip_prefix(TRANSCRIPT_MAGIC)?);
		let parties = r.count(1)?;
		let (triples, randoms) = (r.count(0)?, r.count(0)?);
		let masks = r.counts()?;
		let is_held = match r.take(1)? {
			[0] => false,
			[1] => true,
			_ => return None,
		};
		let held = match (is_held, r.counts()?) {
			(true, held) => Some(held),
			(false, held) if held.is_empty() => None,
			// One encoding per transcript, so that its root is one too.
			(false, _) => return None,
		};
		let bases = (0..r.count(8)?).map(|_| (0..r.count(POINT)?).map(|_| r.point()).collect::<Option<Vec<_>>>()).collect::<Option<Vec<_>>>()?;
		let agreed = (0..r.count(32)?).map(|_| r.take(32).map(|d| d.try_into().expect("32 bytes"))).collect::<Option<Vec<[u8; 32]>>>()?;
		let openings = (0..r.count(8)?)
			.map(|_| (0..r.count(8)?).map(|_| (0..r.count(64)?).map(|_| Some((r.element()?, r.element()?))).collect::<Option<Vec<_>>>()).collect::<Option<Vec<_>>>())
			.collect::<Option<Vec<_>>>()?;
		let differences = (0..r.count(8)?).map(|_| (0..r.count(32)?).map(|_| r.element()).collect::<Option<Vec<_>>>()).collect::<Option<Vec<_>>>()?;
		r.0.is_empty().then_some(Transcript { parties, layout: Layout { triples, randoms, masks }, bases, agreed, openings, differences, held })
	}

	/// [`root_of`] its bytes: what a result on chain commits to.
	pub fn root(&self) -> [u8; 32] {
		root_of(&self.to_bytes())
	}
}

/// blake2b-256 of an encoded transcript ([`Transcript::to_bytes`]).
pub fn root_of(encoded: &[u8]) -> [u8; 32] {
	use blake2::digest::consts::U32;
	blake2::Blake2b::<U32>::digest(encoded).into()
}

/// Reads a transcript's encoding front to back.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
	fn take(&mut self, k: usize) -> Option<&[u8]> {
		let (head, rest) = (self.0.len() >= k).then(|| self.0.split_at(k))?;
		self.0 = rest;
		Some(head)
	}
	/// A count of items of at least `each` bytes apiece, no more than the bytes left allow.
	fn count(&mut self, each: usize) -> Option<usize> {
		let k = usize::try_from(u64::from_le_bytes(self.take(8)?.try_into().ok()?)).ok()?;
		(k.checked_mul(each)? <= self.0.len()).then_some(k)
	}
	fn counts(&mut self) -> Option<Vec<usize>> {
		(0..self.count(8)?).map(|_| self.count(0)).collect()
	}
	fn point(&mut self) -> Option<G1Affine> {
		points_of(self.take(POINT)?)?.pop()
	}
	fn element(&mut self) -> Option<Fr> {
		<Fr as crate::field::MpcField>::read_wire(self.take(32)?)
	}
}

/// What an audit found wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditError {
	#[error("the transcript does not follow the computation: {0}")]
	Malformed(String),
	#[error("opening #{opening}, value {value}: party {party}'s share and blind do not open its commitment")]
	Opening { opening: usize, value: usize, party: usize },
	#[error("a triple fails its sacrifice: its c is not a·b")]
	Sacrifice,
	#[error("replaying the computation failed: {0}")]
	Run(MpcError),
}

static G_TABLE: LazyLock<BatchMulPreprocessing<G1Projective>> = LazyLock::new(|| BatchMulPreprocessing::new(G1Affine::generator().into_group(), 1 << 14));
static H_TABLE: LazyLock<BatchMulPreprocessing<G1Projective>> = LazyLock::new(|| BatchMulPreprocessing::new(vss::h().into_group(), 1 << 14));

/// v·G + ρ·H for every (v, ρ), with fixed-base tables.
pub fn commit_all(values: &[Fr], blinds: &[Fr]) -> Vec<G1Affine> {
	let (g, h) = (G_TABLE.batch_mul(values), H_TABLE.batch_mul(blinds));
	let sums: Vec<G1Projective> = g.iter().zip(&h).map(|(a, b)| *a + *b).collect();
	G1Projective::normalize_batch(&sums)
}

/// Uncompressed points, each on the curve. Not checked to lie in the prime-order subgroup (that
/// costs about as much as the rest of a run's setup): every check instead asks whether its
/// result [`vanishes`] up to a component of small order, so such a component in a commitment
/// changes no verdict, whatever the weights; and it cannot change a value either, since an
/// opening lies in the subgroup, which meets the small-order points only at 0.
fn points_of(bytes: &[u8]) -> Option<Vec<G1Affine>> {
	bytes.chunks_exact(POINT).map(|c| G1Affine::deserialize_uncompressed_unchecked(c).ok().filter(|p| p.is_on_curve())).collect()
}

/// `f` over `0..count`, on every core with the `parallel` feature.
fn par_map<T: Send>(count: usize, f: impl Fn(usize) -> T + Sync + Send) -> Vec<T> {
	#[cfg(feature = "parallel")]
	{
		use rayon::prelude::*;
		(0..count).into_par_iter().map(f).collect()
	}
	#[cfg(not(feature = "parallel"))]
	(0..count).map(f).collect()
}

/// Whether a check's result is 0 up to a point of small order: its cofactor cleared (by
/// 1 − x, which maps the curve into the prime-order group and kills the small-order points),
/// it is 0 exactly when its prime-order part is.
pub(crate) fn vanishes(p: G1Projective) -> bool {
	p.into_affine().clear_cofactor().is_zero()
}

/// An opening waiting for its check: the value's form, and each party's (share, blind).
struct Pending {
	form: u32,
	opened: Vec<(Fr, Fr)>,
	/// Where it is in the transcript (opening, value), to name it.
	at: (usize, usize),
}

/// The public state both a party and the auditor keep: forms, bases, the pending checks, the
/// transcript digest the coins come from.
struct Public {
	parties: usize,
	layout: Layout,
	forms: Forms,
	bases: Vec<Vec<G1Affine>>,
	/// Σ_j C_{k,j} for each base k: the commitment to the value itself.
	sums: Vec<G1Affine>,
	pending: Vec<Pending>,
	digest: Blake2b512,
	/// Per sender, a hash of everything it broadcast as this party received it (commitments,
	/// input differences, its (share, blind) pairs): what the parties compare before anyone
	/// is named ([`Auditable::same_views`]).
	received: Vec<Blake2b512>,
	coins: u64,
	openings: usize,
}

impl Public {
	fn new(parties: usize, layout: Layout, bases: Vec<Vec<G1Affine>>) -> Self {
		let forms = Forms::with_bases(layout.bases());
		let mut digest = Blake2b512::new();
		digest.update(b"enigma/audit/v1");
		for count in [parties, layout.triples, layout.randoms].into_iter().chain(layout.masks.iter().copied()) {
			digest.update((count as u64).to_le_bytes());
		}
		for bytes in par_map(bases.len(), |j| {
			let mut bytes = Vec::with_capacity(POINT * bases[j].len());
			for point in &bases[j] {
				point.serialize_uncompressed(&mut bytes).expect("a vector takes any point");
			}
			bytes
		}) {
			digest.update(&bytes);
		}
		// Mixed additions (a projective sum plus an affine point), one base per task.
		let sums = par_map(layout.bases(), |k| bases.iter().fold(G1Projective::zero(), |sum, party| sum + party[k]));
		let sums = G1Projective::normalize_batch(&sums);
		Public { parties, layout, forms, bases, sums, pending: Vec::new(), digest, received: vec![Blake2b512::new(); parties], coins: 0, openings: 0 }
	}

	/// Fiat–Shamir: the transcript so far, and how many coins came before.
	fn coin(&mut self) -> [u8; 32] {
		let mut hasher = self.digest.clone();
		hasher.update(b"coin");
		hasher.update(self.coins.to_le_bytes());
		self.coins += 1;
		hasher.finalize()[..32].try_into().expect("64 bytes")
	}

	fn digest(&self) -> [u8; 32] {
		self.digest.clone().finalize()[..32].try_into().expect("64 bytes")
	}

	/// Records an opening of `forms`, `opened[v][j]` being party j's pair for value v; returns
	/// the values.
	fn opened(&mut self, forms: &[u32], opened: Vec<Vec<(Fr, Fr)>>) -> Vec<Fr> {
		// The digest takes what was opened (each value and its blind, summed), not how the
		// parties split it: colluding parties that shift their shares against each other change
		// nothing opened, and must not be able to steer the coins with it.
		let mut bytes = Vec::new();
		let mut from: Vec<Vec<u8>> = vec![Vec::new(); self.parties];
		for pairs in &opened {
			let (v, r) = pairs.iter().fold((Fr::zero(), Fr::zero()), |(v, r), (x, y)| (v + x, r + y));
			crate::field::encode(&[v, r], &mut bytes);
			for (j, (x, y)) in pairs.iter().enumerate() {
				crate::field::encode(&[*x, *y], &mut from[j]);
			}
		}
		self.digest.update(&bytes);
		for (hash, bytes) in self.received.iter_mut().zip(from) {
			hash.update(bytes);
		}
		let opening = self.openings;
		self.openings += 1;
		forms
			.iter()
			.zip(opened)
			.enumerate()
			.map(|(value, (form, pairs))| {
				let sum = pairs.iter().map(|(v, _)| *v).sum();
				self.pending.push(Pending { form: *form, opened: pairs, at: (opening, value) });
				sum
			})
			.collect()
	}

	/// Σ_i w_i·(v_i·G + ρ_i·H − C_i) over `checks` (form, (v_i, ρ_i), w_i), for party `party`'s
	/// pairs against its own commitments, or for the opened values and blinds against the sums
	/// of the parties' commitments (`None`: what the values' correctness rests on). Zero when
	/// every pair opens its commitment (up to a 1/|Fr| chance over the weights).
	fn weighted(&self, party: Option<usize>, checks: impl Iterator<Item = (u32, (Fr, Fr), Fr)> + Clone) -> G1Projective {
		let (mut g, mut h) = (Fr::zero(), Fr::zero());
		for (_, (value, blind), w) in checks.clone() {
			g += w * value;
			h += w * blind;
		}
		let (terms, constant) = self.forms.flatten(checks.map(|(form, _, w)| (form, w)));
		// The constant is party 0's alone.
		if matches!(party, None | Some(0)) {
			g -= constant;
		}
		let bases = match party {
			Some(j) => &self.bases[j],
			None => &self.sums,
		};
		let mut points = vec![G1Affine::generator(), vss::h()];
		let mut scalars = vec![g, h];
		for (k, c) in terms {
			points.push(bases[k as usize]);
			scalars.push(-c);
		}
		crate::msm::msm(&points, &scalars).expect("as many scalars as points")
	}

	/// The pending checks `range`, weighted, for `party` (or the sums).
	fn pending_fail(&self, party: Option<usize>, weights: &[Fr], range: core::ops::Range<usize>) -> bool {
		let checks = self.pending[range.clone()].iter().zip(&weights[range]).map(|(p, w)| {
			let pair = match party {
				Some(j) => p.opened[j],
				None => p.opened.iter().fold((Fr::zero(), Fr::zero()), |(v, r), (x, y)| (v + x, r + y)),
			};
			(p.form, pair, *w)
		});
		!vanishes(self.weighted(party, checks))
	}

	/// Verifies every pending check, then forgets them. On a failure, names the earliest opening that fails and the party that sent it:
	/// what came before it is untouched, what comes after may follow from it (a value opened
	/// wrong changes the coins and the products after it).
	fn verify(&mut self, rng: &mut ChaCha12Rng) -> core::result::Result<(), (usize, (usize, usize))> {
		if self.pending.is_empty() {
			return Ok(());
		}
		let weights: Vec<Fr> = self.pending.iter().map(|_| Fr::rand(rng)).collect();
		let all = 0..self.pending.len();
		// The sums first, one multi-scalar multiplication: if they open, every value is right
		// (two parties' errors that cancel change nothing opened). Party by party only to name.
		if !self.pending_fail(None, &weights, all.clone()) {
			self.pending.clear();
			return Ok(());
		}
		let failing: Vec<usize> = (0..self.parties).filter(|&party| self.pending_fail(Some(party), &weights, all.clone())).collect();
		// For each party that failed, its earliest failing value: the shortest failing prefix,
		// by bisection (a prefix with a wrong value fails, one without passes).
		let first = failing
			.iter()
			.map(|&party| {
				let (mut passes, mut fails) = (0, self.pending.len());
				while fails - passes > 1 {
					let mid = (passes + fails) / 2;
					if self.pending_fail(Some(party), &weights, 0..mid) {
						fails = mid;
					} else {
						passes = mid;
					}
				}
				(fails - 1, party)
			})
			.min();
		match (first, failing.first()) {
			(Some((i, party)), _) => Err((party, self.pending[i].at)),
			// The weighted sum failed and no single value does: only a party that is not
			// checking honestly could see this.
			(None, Some(&party)) => Err((party, self.pending[0].at)),
			(None, None) => {
				self.pending.clear();
				Ok(())
			},
		}
	}
}

/// This party's shares of a preprocessing store's triples, without their MACs (the sacrifice
/// against the commitments checks the triples): what [`Auditable::setup`] takes.
pub fn triple_shares(store: &crate::preprocessing::Store<Fr>) -> Vec<[Fr; 3]> {
	store.triples.iter().map(|t| [t[0].value, t[1].value, t[2].value]).collect()
}

/// A party of an auditable run.
pub struct Auditable<T: Transport> {
	net: Net<T>,
	public: Public,
	/// This party's shares of the base values, by number.
	mine: Vec<(Fr, Fr)>,
	/// Next unused triple, random, and mask of each owner; the values and blinds of our own masks.
	next_triple: usize,
	next_random: usize,
	next_mask: Vec<usize>,
	own_masks: Vec<(Fr, Fr)>,
	transcript: Transcript,
	rng: ChaCha12Rng,
}

impl<T: Transport> Auditable<T> {
	/// Commits to this party's shares of `2 × layout.triples` triples (`triples`, this party's
	/// additive shares of a, b, c, from any preprocessing) and to fresh random values and masks,
	/// exchanges the commitments, hands each owner its masks, and sacrifices every other triple.
	pub fn setup(mut net: Net<T>, layout: Layout, triples: &[[Fr; 3]]) -> Result<Self> {
		let n = net.parties();
		if layout.masks.len() != n || triples.len() != 2 * layout.triples {
			return Err(MpcError::InvalidParameters(format!("{} triples and masks for {} parties, for a layout of {} triples and {} parties", triples.len(), layout.masks.len(), layout.triples, n)));
		}
		let mut rng = ChaCha12Rng::from_entropy();
		let mut values: Vec<Fr> = triples.iter().flatten().copied().collect();
		values.extend((0..layout.bases() - values.len()).map(|_| Fr::rand(&mut rng)));
		let blinds: Vec<Fr> = values.iter().map(|_| Fr::rand(&mut rng)).collect();
		let commitments = commit_all(&values, &blinds);
		let mut bytes = Vec::with_capacity(commitments.len() * POINT);
		for c in &commitments {
			c.serialize_uncompressed(&mut bytes).expect("a vector takes any point");
		}
		// Everyone's commitments hashed first, then shown: a party that answers last cannot
		// choose its commitments from the others' (and so fix what a sum commits to).
		let hash = |bytes: &[u8]| -> [u8; 32] { Blake2b512::digest(bytes)[..32].try_into().expect("64 bytes") };
		net.round();
		let hashes = net.all_to_all(&hash(&bytes))?;
		net.round();
		let all = net.all_to_all(&bytes)?;
		let mut bases = Vec::with_capacity(n);
		for (from, bytes) in all.iter().enumerate() {
			if bytes.len() != commitments.len() * POINT || hash(bytes).as_slice() != hashes[from].as_slice() {
				return Err(MpcError::Malformed { from, reason: "commitments other than the ones it announced".into() });
			}
			bases.push(points_of(bytes).ok_or_else(|| MpcError::Malformed { from, reason: "a commitment that is not a point of the curve".into() })?);
		}
		let mut public = Public::new(n, layout.clone(), bases.clone());
		for (from, bytes) in all.iter().enumerate() {
			public.received[from].update(bytes);
		}
		let mine: Vec<(Fr, Fr)> = values.into_iter().zip(blinds).collect();
		let transcript = Transcript { parties: n, layout: layout.clone(), bases, ..Default::default() };
		let mut party = Auditable { net, public, mine, next_triple: 0, next_random: 0, next_mask: vec![0; n], own_masks: Vec::new(), transcript, rng };
		party.hand_masks_to_owners()?;
		// Everyone holds the same commitments before the sacrifice's coin is drawn from them.
		party.same_views()?;
		let pairs: Vec<[Share; 6]> = (0..layout.triples).map(|i| core::array::from_fn(|k| party.base(6 * i + k))).collect();
		sacrifice(&mut party, &pairs)?;
		Ok(party)
	}

	/// The run's public record so far.
	pub fn transcript(&self) -> &Transcript {
		&self.transcript
	}

	/// The transport back, once the run is over.
	pub fn into_net(self) -> Net<T> {
		self.net
	}

	/// One round: every party shows the others, per sender, the hash of what it received from
	/// that sender. If any party's account of any other sender differs from ours, someone
	/// equivocated (or lies about what it saw) and the run stops here unnamed: with different
	/// views, parties would take each other's honest openings for lies. Otherwise an honest
	/// party's view is ours, so its openings open its commitments in our view, and whoever's do
	/// not can be named. (A party's account of itself is not compared: a liar's own view of
	/// what it sent differs from what it sent.)
	fn same_views(&mut self) -> Result<()> {
		let n = self.parties();
		let mine: Vec<u8> = self.public.received.iter().flat_map(|h| h.clone().finalize()[..32].to_vec()).collect();
		self.net.round();
		let all = self.net.all_to_all(&mine)?;
		for (reporter, report) in all.iter().enumerate() {
			if report.len() != mine.len() {
				return Err(MpcError::Malformed { from: reporter, reason: "an account of the broadcasts of another length".into() });
			}
			if (0..n).any(|sender| sender != reporter && report[32 * sender..32 * sender + 32] != mine[32 * sender..32 * sender + 32]) {
				return Err(MpcError::InconsistentBroadcast);
			}
		}
		Ok(())
	}

	fn base(&self, k: usize) -> Share {
		let (value, blind) = self.mine[k];
		Share { value, blind, form: k as u32 }
	}

	/// One round: every party sends each owner its shares and blinds of that owner's masks; the
	/// owner checks each against its sender's commitment and learns its masks' values.
	fn hand_masks_to_owners(&mut self) -> Result<()> {
		let (n, me) = (self.parties(), self.party());
		let layout = self.public.layout.clone();
		let outgoing: Vec<Vec<Fr>> = (0..n)
			.map(|owner| {
				let at = layout.masks_at(owner);
				(at..at + layout.masks[owner]).flat_map(|k| [self.mine[k].0, self.mine[k].1]).collect()
			})
			.collect();
		let counts: Vec<usize> = (0..n).map(|_| 2 * layout.masks[me]).collect();
		self.net.round();
		let got = self.net.exchange_elements(outgoing, &counts)?;
		let at = layout.masks_at(me);
		let mut masks = vec![(Fr::zero(), Fr::zero()); layout.masks[me]];
		for (from, pairs) in got.iter().enumerate() {
			let (shares, blinds): (Vec<Fr>, Vec<Fr>) = pairs.chunks_exact(2).map(|p| (p[0], p[1])).unzip();
			if commit_all(&shares, &blinds).iter().zip(&self.public.bases[from][at..at + layout.masks[me]]).any(|(c, b)| !vanishes(*c - *b)) {
				return Err(MpcError::CommitmentMismatch { party: from });
			}
			masks.iter_mut().zip(shares.iter().zip(&blinds)).for_each(|((v, r), (s, b))| {
				*v += s;
				*r += b;
			});
		}
		self.own_masks = masks;
		Ok(())
	}

	/// One round: this member's proof that it entered its shares of the dealt inputs
	/// ([`crate::entry_proof`]) to every member, and the others' proofs checked, naming a member
	/// whose proof fails. Each member's statement is fixed by the run before the entries
	/// (`before`), the differences it broadcast, and the dealings' commitments, which every
	/// member holds alike (the chain's record of each secret binds them): an honest member's
	/// proof holds for every honest member, whatever a third member broadcast.
	fn prove_entries(&mut self, held: &[&HeldInput<Fr>], entered: &Entered, before: &[u8; 32], first_mask: usize) -> Result<()> {
		use crate::entry_proof::{self, EntryProof, Folded, Weights, Witness};
		let (n, me) = (self.parties(), self.party());
		let bound = bound_inputs(held, n)?;
		let points: Vec<Fr> = (1..=n as u64).map(Fr::from).collect();
		let lambdas = crate::shamir::lagrange_coefficients(&points, Fr::zero());
		let lengths: Vec<usize> = bound.iter().map(|b| b.positions.len()).collect();
		let positions: Vec<&[Option<usize>]> = bound.iter().map(|b| b.positions.as_slice()).collect();
		let dealt: usize = positions.iter().map(|p| p.iter().flatten().count()).sum();
		let differences = &self.transcript.differences[self.transcript.differences.len() - n..];
		let context = |member: usize| -> [u8; 32] {
			let mut hash = Blake2b512::new_with_prefix(b"enigma/audit/entries/v1");
			hash.update(before);
			hash.update((member as u64).to_le_bytes());
			hash.update((n as u64).to_le_bytes());
			hash.update(crate::field::to_bytes(&differences[member]));
			for b in &bound {
				hash.update(b.commitments.to_bytes());
			}
			hash.finalize()[..32].try_into().expect("64 bytes")
		};
		// E* from the run's commitments to the member's entries, each V_h from its dealing's.
		let folded = |member: usize, weights: &Weights| -> Folded {
			let checks = bound.iter().zip(&weights.chi).flat_map(|(b, chi)| {
				entered.entered[member][b.at..b.at + b.positions.len()].iter().zip(chi).map(|(share, x)| (share.form, (Fr::zero(), Fr::zero()), *x))
			});
			let dealt = bound.iter().map(|b| b.commitments.at(points[member]) * lambdas[member]).collect();
			Folded { entries: -self.public.weighted(None, checks), dealt }
		};
		let own = context(me);
		let weights = Weights::new(&own, &lengths);
		let blinds: Vec<Fr> = self.own_masks[first_mask..first_mask + entered.mine.len()].iter().map(|(_, r)| *r).collect();
		let witnesses: Vec<Witness> = bound
			.iter()
			.map(|b| {
				let range = b.at..b.at + b.positions.len();
				Witness { positions: &b.positions, values: &entered.mine[range.clone()], blinds: &blinds[range], blind: lambdas[me] * b.blind }
			})
			.collect();
		let proof = entry_proof::prove(&own, &weights, &witnesses, &folded(me, &weights), &mut self.rng);
		self.net.round();
		let all = self.net.all_to_all(&proof.to_bytes())?;
		for member in (0..n).filter(|&m| m != me) {
			let context = context(member);
			let weights = Weights::new(&context, &lengths);
			let holds = EntryProof::from_bytes(&all[member], bound.len(), dealt)
				.is_ok_and(|proof| entry_proof::verify(&context, &weights, &positions, &folded(member, &weights), &proof, &mut self.rng));
			if !holds {
				return Err(MpcError::EntryNotProven { party: member });
			}
		}
		Ok(())
	}

	/// Broadcasts this party's (share, blind) of each value and records everyone's.
	fn open_pairs(&mut self, shares: &[Share]) -> Result<Vec<Fr>> {
		let n = self.parties();
		let mine: Vec<Fr> = shares.iter().flat_map(|s| [s.value, s.blind]).collect();
		self.net.round();
		let all = self.net.all_to_all_elements(&mine)?;
		let opened: Vec<Vec<(Fr, Fr)>> = (0..shares.len()).map(|v| (0..n).map(|j| (all[j][2 * v], all[j][2 * v + 1])).collect()).collect();
		self.transcript.openings.push(opened.clone());
		let forms: Vec<u32> = shares.iter().map(|s| s.form).collect();
		Ok(self.public.opened(&forms, opened))
	}
}

/// The sacrifice of every pair (a, b, c, f, g, h): the coin t, then ρ = t·a − f and σ = b − g
/// opened, then t·c − h − σ·f − ρ·g − σ·ρ opened and checked to be 0 (after the openings are).
fn sacrifice<M: Mpc<F = Fr>>(m: &mut M, pairs: &[[M::Share; 6]]) -> Result<()> {
	if pairs.is_empty() {
		return Ok(());
	}
	let t = Fr::rand(&mut ChaCha12Rng::from_seed(m.coin()?));
	let mut first = Vec::with_capacity(2 * pairs.len());
	for [a, b, _, f, g, _] in pairs {
		first.push(m.sub(m.scale(*a, t), *f));
		first.push(m.sub(*b, *g));
	}
	let opened = m.open(&first)?;
	let zeros: Vec<M::Share> = pairs
		.iter()
		.zip(opened.chunks_exact(2))
		.map(|([_, _, c, f, g, h], rs)| {
			let (rho, sigma) = (rs[0], rs[1]);
			let z = m.sub(m.scale(*c, t), *h);
			let z = m.sub(z, m.scale(*f, sigma));
			let z = m.sub(z, m.scale(*g, rho));
			m.add_const(z, -(sigma * rho))
		})
		.collect();
	let zeros = m.open(&zeros)?;
	m.check()?;
	if zeros.iter().any(|z| !z.is_zero()) {
		return Err(MpcError::TripleCheckFailed);
	}
	Ok(())
}

/// The linear operations, the same for a party and the auditor (which holds no shares: its
/// values and blinds stay zero).
macro_rules! linear_operations {
	() => {
		fn add(&self, a: Share, b: Share) -> Share {
			let one = Fr::from(1u64);
			Share { value: a.value + b.value, blind: a.blind + b.blind, form: self.public.forms.combine(a.form, one, b.form, one) }
		}
		fn sub(&self, a: Share, b: Share) -> Share {
			Share { value: a.value - b.value, blind: a.blind - b.blind, form: self.public.forms.combine(a.form, Fr::from(1u64), b.form, -Fr::from(1u64)) }
		}
		fn scale(&self, a: Share, c: Fr) -> Share {
			Share { value: a.value * c, blind: a.blind * c, form: self.public.forms.combine(a.form, c, a.form, Fr::zero()) }
		}
		fn add_const(&self, a: Share, c: Fr) -> Share {
			let value = if self.party() == 0 { a.value + c } else { a.value };
			Share { value, blind: a.blind, form: self.public.forms.shifted(a.form, c) }
		}
		fn constant(&self, c: Fr) -> Share {
			let value = if self.party() == 0 { c } else { Fr::zero() };
			Share { value, blind: Fr::zero(), form: self.public.forms.constant(c) }
		}
		fn raw_share(&self, share: &Share) -> Fr {
			share.value
		}
		fn coin(&mut self) -> Result<[u8; 32]> {
			Ok(self.public.coin())
		}
		fn opened_digest(&self) -> Option<[u8; 32]> {
			Some(self.public.digest())
		}
	};
}

/// [`Mpc::adopt`] for a party and the auditor alike: every member enters its additive shares of
/// what the owners dealt (elements, key, tags) as inputs of its own, the committee adds them up
/// and checks the owners' MACs ([`spdz::check_client_macs`]). The differences entered and the
/// check's openings are in the transcript, so an audit sees that the values the run computed
/// on are the ones the owners' keys authenticate (a member cannot alter its share without k,
/// which no n − 1 members know).
fn adopt_by_inputs<M: Mpc<F = Fr, Share = Share>>(m: &mut M, held: &[&HeldInput<Fr>]) -> Result<Vec<Share>> {
	let Entered { dealt, entered, .. } = enter_held(m, held)?;
	sum_and_check(m, held, &dealt, &entered)
}

/// What every member entered of the held inputs: this party's additive shares (`mine`), how
/// many elements each input dealt, and each member's entries in the run.
struct Entered {
	mine: Vec<Fr>,
	dealt: Vec<usize>,
	entered: Vec<Vec<Share>>,
}

fn enter_held<M: Mpc<F = Fr, Share = Share>>(m: &mut M, held: &[&HeldInput<Fr>]) -> Result<Entered> {
	let n = m.parties();
	let (mine, dealt) = spdz::additive_shares(held, m.party(), n)?;
	let entered = m.inputs(&mine, &vec![mine.len(); n])?;
	Ok(Entered { mine, dealt, entered })
}

/// The members' entries added up, and the owners' MACs checked on the sums.
fn sum_and_check<M: Mpc<F = Fr, Share = Share>>(m: &mut M, held: &[&HeldInput<Fr>], dealt: &[usize], entered: &[Vec<Share>]) -> Result<Vec<Share>> {
	let count = entered.first().map_or(0, Vec::len);
	let sum: Vec<Share> = (0..count).map(|k| entered.iter().skip(1).fold(entered[0][k], |acc, owner| m.add(acc, owner[k]))).collect();
	spdz::check_client_macs(m, held, dealt, &sum)
}

/// The held inputs a member proves it entered truly ([`crate::entry_proof`]): those an owner
/// dealt with Pedersen VSS (a value a run kept has no dealing: its MAC alone catches a member
/// that alters it). Each with where its entries start among a member's, where each sits in the
/// dealt vector, the dealing's commitments and this member's blind of them.
struct Bound {
	at: usize,
	positions: Vec<Option<usize>>,
	commitments: vss::Commitments,
	blind: Fr,
}

fn bound_inputs(held: &[&HeldInput<Fr>], n: usize) -> Result<Vec<Bound>> {
	let mut at = 0;
	let mut bound = Vec::new();
	for input in held {
		let elements = input.bits.len().max(1);
		if let Some(dealing) = &input.vss {
			let commitments = vss::Commitments::from_bytes(&dealing.commitments)?;
			if commitments.0.len() != n || dealing.dealt == 0 || dealing.dealt > elements || 2 * dealing.dealt + 2 > vss::MAX_VECTOR {
				return Err(MpcError::InvalidParameters(format!(
					"a held input's dealing has {} commitments for {n} members and {} of its {elements} elements (a vector of at most {} values)",
					commitments.0.len(),
					dealing.dealt,
					vss::MAX_VECTOR
				)));
			}
			bound.push(Bound { at, positions: crate::entry_proof::positions(dealing.dealt, elements), commitments, blind: dealing.blind });
		}
		// The elements, the key, the elements' tags and the key's.
		at += 2 * elements + 2;
	}
	Ok(bound)
}

/// z = c + ε·b + δ·a + ε·δ for each (x, y, triple), given the opened ε and δ.
fn beaver<M: Mpc<F = Fr>>(m: &M, triples: &[[M::Share; 3]], opened: &[Fr]) -> Vec<M::Share> {
	let half = triples.len();
	triples
		.iter()
		.enumerate()
		.map(|(k, [a, b, c])| {
			let (e, d) = (opened[k], opened[half + k]);
			let z = m.add(*c, m.scale(*b, e));
			let z = m.add(z, m.scale(*a, d));
			m.add_const(z, e * d)
		})
		.collect()
}

impl<T: Transport> Auditable<T> {
	fn take_triples(&mut self, count: usize) -> Result<Vec<[Share; 3]>> {
		if self.next_triple + count > self.public.layout.triples {
			return Err(MpcError::Preprocessing(format!("{} triples committed, {} needed", self.public.layout.triples, self.next_triple + count)));
		}
		let triples = (self.next_triple..self.next_triple + count).map(|i| [self.base(6 * i), self.base(6 * i + 1), self.base(6 * i + 2)]).collect();
		self.next_triple += count;
		Ok(triples)
	}
}

impl<T: Transport> Mpc for Auditable<T> {
	type F = Fr;
	type Share = Share;

	fn party(&self) -> usize {
		self.net.party()
	}
	fn parties(&self) -> usize {
		self.net.parties()
	}
	linear_operations!();

	fn input(&mut self, owner: usize, values: Option<&[Fr]>, count: usize) -> Result<Vec<Share>> {
		let mut counts = vec![0; self.parties()];
		counts[owner] = count;
		let mine = values.unwrap_or_default();
		Ok(self.inputs(mine, &counts)?.swap_remove(owner))
	}

	/// Every owner's x − r in one round, recorded owner by owner (as the auditor replays them,
	/// one [`Mpc::input`] per owner with inputs).
	fn inputs(&mut self, mine: &[Fr], counts: &[usize]) -> Result<Vec<Vec<Share>>> {
		let (n, me) = (self.parties(), self.party());
		let layout = &self.public.layout;
		if counts.len() != n {
			return Err(MpcError::InvalidParameters(format!("input counts for {} parties, not {n}", counts.len())));
		}
		for (owner, count) in counts.iter().enumerate() {
			if self.next_mask[owner] + count > layout.masks[owner] {
				return Err(MpcError::Preprocessing(format!("{} masks committed for party {owner}, {} needed", layout.masks[owner], self.next_mask[owner] + count)));
			}
		}
		let first = self.next_mask[me];
		if mine.len() != counts[me] {
			return Err(MpcError::InvalidParameters(format!("the owner must bring {} values", counts[me])));
		}
		self.net.round();
		let own: Vec<Fr> = mine.iter().zip(&self.own_masks[first..first + counts[me]]).map(|(x, (r, _))| *x - r).collect();
		if !own.is_empty() {
			for to in (0..n).filter(|&to| to != me) {
				self.net.send_elements(to, &own)?;
			}
		}
		let mut all = Vec::with_capacity(n);
		for (owner, count) in counts.iter().enumerate() {
			all.push(match *count {
				0 => Vec::new(),
				_ if owner == me => own.clone(),
				count => self.net.recv_elements(owner, count)?,
			});
		}
		let mut shares = Vec::with_capacity(n);
		for (owner, differences) in all.into_iter().enumerate() {
			if differences.is_empty() {
				shares.push(Vec::new());
				continue;
			}
			let at = self.public.layout.masks_at(owner) + self.next_mask[owner];
			self.next_mask[owner] += differences.len();
			self.public.digest.update(crate::field::to_bytes(&differences));
			self.public.received[owner].update(crate::field::to_bytes(&differences));
			shares.push(differences.iter().enumerate().map(|(k, d)| self.add_const(self.base(at + k), *d)).collect());
			self.transcript.differences.push(differences);
		}
		Ok(shares)
	}

	fn mul(&mut self, a: &[Share], b: &[Share]) -> Result<Vec<Share>> {
		if a.len() != b.len() {
			return Err(MpcError::InvalidParameters(format!("{} factors times {}", a.len(), b.len())));
		}
		let triples = self.take_triples(a.len())?;
		let masked: Vec<Share> = a.iter().zip(&triples).map(|(x, t)| self.sub(*x, t[0])).chain(b.iter().zip(&triples).map(|(y, t)| self.sub(*y, t[1]))).collect();
		let opened = self.open_pairs(&masked)?;
		Ok(beaver(self, &triples, &opened))
	}

	fn open(&mut self, a: &[Share]) -> Result<Vec<Fr>> {
		self.open_pairs(a)
	}

	fn random(&mut self, count: usize) -> Result<Vec<Share>> {
		let layout = &self.public.layout;
		if self.next_random + count > layout.randoms {
			return Err(MpcError::Preprocessing(format!("{} random values committed, {} needed", layout.randoms, self.next_random + count)));
		}
		let at = layout.randoms_at() + self.next_random;
		self.next_random += count;
		Ok((at..at + count).map(|k| self.base(k)).collect())
	}

	/// The recipient gets every party's share and blind and checks them against the
	/// commitments, naming a party that lies.
	fn output_to(&mut self, to: usize, a: &[Share]) -> Result<Option<Vec<Fr>>> {
		let (n, me) = (self.parties(), self.party());
		if to >= n {
			return Err(MpcError::InvalidParameters(format!("no party {to}")));
		}
		self.net.round();
		if me != to {
			let pairs: Vec<Fr> = a.iter().flat_map(|s| [s.value, s.blind]).collect();
			self.net.send_elements(to, &pairs)?;
			return Ok(None);
		}
		let mut values: Vec<Fr> = a.iter().map(|s| s.value).collect();
		for from in (0..n).filter(|&j| j != me) {
			let pairs = self.net.recv_elements::<Fr>(from, 2 * a.len())?;
			// Each sender's pairs against its own commitments, batched with random weights.
			let weights: Vec<Fr> = a.iter().map(|_| Fr::rand(&mut self.rng)).collect();
			let checks = a.iter().zip(pairs.chunks_exact(2)).zip(&weights).map(|((share, p), w)| (share.form, (p[0], p[1]), *w));
			if !vanishes(self.public.weighted(Some(from), checks)) {
				return Err(MpcError::CommitmentMismatch { party: from });
			}
			values.iter_mut().zip(pairs.chunks_exact(2)).for_each(|(v, p)| *v += p[0]);
		}
		Ok(Some(values))
	}

	/// Every member enters its shares, proves they are the ones dealt to it (naming a member
	/// whose proof fails), and the owners' MACs are checked on the sums.
	fn adopt(&mut self, held: &[&HeldInput<Fr>]) -> Result<Vec<Share>> {
		self.transcript.held = Some(held.iter().map(|h| h.bits.len()).collect());
		// What every member's proof context starts from: the run as far as every member checked
		// it to be the same (the setup, the circuit agreed), before anyone's entries.
		let (before, first_mask) = (self.public.digest(), self.next_mask[self.party()]);
		let entered = enter_held(self, held)?;
		if !held.is_empty() {
			self.prove_entries(held, &entered, &before, first_mask)?;
		}
		sum_and_check(self, held, &entered.dealt, &entered.entered)
	}

	fn output_checks(&mut self, values: &[Share]) -> Result<Option<Vec<[Fr; 3]>>> {
		spdz::output_checks_by_products(self, values)
	}

	/// The transcript digests compared (a party that broadcast different things to different
	/// parties ends the run here, unnamed), then the pending openings against the commitments,
	/// naming a party that opened something else.
	fn check(&mut self) -> Result<()> {
		self.same_views()?;
		self.public.verify(&mut self.rng).map_err(|(party, _)| MpcError::CommitmentMismatch { party })
	}

	fn stats(&self) -> Stats {
		Stats { bytes_sent: self.net.bytes_sent(), messages_sent: self.net.messages_sent(), rounds: self.net.rounds() }
	}

	fn agree(&mut self, digest: &[u8; 32]) -> Result<()> {
		self.net.agree(digest)?;
		self.public.digest.update(digest);
		self.transcript.agreed.push(*digest);
		Ok(())
	}
}

/// The auditor's replay of a run: the same calls as a party's, on forms only, with every opening
/// and broadcast read from the transcript. It stands in for party 0 (whose inputs it does not
/// know and does not need: they enter as broadcast differences).
pub struct Replay<'a> {
	transcript: &'a Transcript,
	public: Public,
	next_opening: usize,
	next_difference: usize,
	next_triple: usize,
	next_random: usize,
	next_mask: Vec<usize>,
	rng: ChaCha12Rng,
	/// What went wrong, with its place, when a call failed.
	failure: Option<AuditError>,
}

impl<'a> Replay<'a> {
	fn new(transcript: &'a Transcript) -> core::result::Result<Self, AuditError> {
		let layout = &transcript.layout;
		let n = transcript.parties;
		let bases = layout.checked_bases().filter(|b| *b <= u32::MAX as usize);
		if n < 2 || layout.masks.len() != n || transcript.bases.len() != n || bases.is_none() || transcript.bases.iter().any(|b| Some(b.len()) != bases) {
			return Err(AuditError::Malformed("the commitments do not match the layout".into()));
		}
		if !par_map(n, |j| transcript.bases[j].iter().all(|p| p.is_on_curve())).into_iter().all(|on| on) {
			return Err(AuditError::Malformed("a commitment is not a point of the curve".into()));
		}
		if transcript.agreed.len() != 1 {
			return Err(AuditError::Malformed("a run agrees on one circuit".into()));
		}
		Ok(Replay {
			transcript,
			public: Public::new(n, layout.clone(), transcript.bases.clone()),
			next_opening: 0,
			next_difference: 0,
			next_triple: 0,
			next_random: 0,
			next_mask: vec![0; n],
			rng: ChaCha12Rng::from_entropy(),
			failure: None,
		})
	}

	fn base(k: usize) -> Share {
		Share { value: Fr::zero(), blind: Fr::zero(), form: k as u32 }
	}

	/// The transcript does not follow the computation: kept for [`audit`], and the run ends.
	fn malformed(&mut self, what: String) -> MpcError {
		self.failure = Some(AuditError::Malformed(what.clone()));
		MpcError::InvalidCircuit(format!("transcript: {what}"))
	}
}

impl Mpc for Replay<'_> {
	type F = Fr;
	type Share = Share;

	fn party(&self) -> usize {
		0
	}
	fn parties(&self) -> usize {
		self.public.parties
	}
	linear_operations!();

	fn input(&mut self, owner: usize, _values: Option<&[Fr]>, count: usize) -> Result<Vec<Share>> {
		let (limit, masks_at) = (self.public.layout.masks[owner], self.public.layout.masks_at(owner));
		let first = self.next_mask[owner];
		if first + count > limit {
			return Err(self.malformed(format!("more inputs of party {owner} than masks")));
		}
		let at = masks_at + first;
		self.next_mask[owner] += count;
		let transcript = self.transcript;
		let Some(differences) = transcript.differences.get(self.next_difference).filter(|d| d.len() == count) else {
			return Err(self.malformed(format!("input #{} is missing or of another size", self.next_difference)));
		};
		self.next_difference += 1;
		self.public.digest.update(crate::field::to_bytes(differences));
		Ok(differences.iter().enumerate().map(|(k, d)| self.add_const(Self::base(at + k), *d)).collect())
	}

	fn mul(&mut self, a: &[Share], b: &[Share]) -> Result<Vec<Share>> {
		if a.len() != b.len() {
			return Err(MpcError::InvalidParameters(format!("{} factors times {}", a.len(), b.len())));
		}
		if self.next_triple + a.len() > self.public.layout.triples {
			return Err(self.malformed("more multiplications than triples".into()));
		}
		let triples: Vec<[Share; 3]> = (self.next_triple..self.next_triple + a.len()).map(|i| [Self::base(6 * i), Self::base(6 * i + 1), Self::base(6 * i + 2)]).collect();
		self.next_triple += a.len();
		let masked: Vec<Share> = a.iter().zip(&triples).map(|(x, t)| self.sub(*x, t[0])).chain(b.iter().zip(&triples).map(|(y, t)| self.sub(*y, t[1]))).collect();
		let opened = self.open(&masked)?;
		Ok(beaver(self, &triples, &opened))
	}

	fn open(&mut self, a: &[Share]) -> Result<Vec<Fr>> {
		let n = self.public.parties;
		let transcript = self.transcript;
		let Some(opened) = transcript.openings.get(self.next_opening).filter(|o| o.len() == a.len() && o.iter().all(|pairs| pairs.len() == n)) else {
			return Err(self.malformed(format!("opening #{} is missing or of another size", self.next_opening)));
		};
		let opened = opened.clone();
		self.next_opening += 1;
		let forms: Vec<u32> = a.iter().map(|s| s.form).collect();
		Ok(self.public.opened(&forms, opened))
	}

	fn random(&mut self, count: usize) -> Result<Vec<Share>> {
		if self.next_random + count > self.public.layout.randoms {
			return Err(self.malformed("more random values than committed".into()));
		}
		let at = self.public.layout.randoms_at() + self.next_random;
		self.next_random += count;
		Ok((at..at + count).map(Self::base).collect())
	}

	fn output_to(&mut self, _to: usize, _a: &[Share]) -> Result<Option<Vec<Fr>>> {
		Ok(None)
	}

	fn adopt(&mut self, held: &[&HeldInput<Fr>]) -> Result<Vec<Share>> {
		adopt_by_inputs(self, held)
	}

	fn output_checks(&mut self, values: &[Share]) -> Result<Option<Vec<[Fr; 3]>>> {
		spdz::output_checks_by_products(self, values)
	}

	/// Nothing yet: [`audit`] verifies every opening of the run at once, at its end (one
	/// multi-scalar multiplication with each base once, where a check per call put a triple's
	/// bases in two or three), and still names the earliest that fails. The transcript is fixed,
	/// so checking later changes no coin and no verdict; a party checks as it goes, before it
	/// opens what depends on a value ([`Auditable`]).
	fn check(&mut self) -> Result<()> {
		Ok(())
	}

	fn stats(&self) -> Stats {
		Stats::default()
	}

	fn agree(&mut self, digest: &[u8; 32]) -> Result<()> {
		if self.transcript.agreed.first() != Some(digest) {
			return Err(self.malformed("the parties agreed on another circuit".into()));
		}
		self.public.digest.update(digest);
		Ok(())
	}
}

/// The inputs a run of `circuit` holds, as an audit sees them: dealt with their owners' MACs,
/// each brings exactly its slot's bits (none for a field element); their values are unknown
/// (zeros).
fn held_shape(circuit: &Circuit) -> Vec<Vec<HeldInput<Fr>>> {
	let dealt = |bits: usize| HeldInput { value: Fr::zero(), bits: vec![Fr::zero(); bits], mac: Some(ClientMac { key: Fr::zero(), tags: vec![Fr::zero(); bits.max(1) + 1] }), vss: None };
	circuit.input_widths().iter().map(|owner| owner.iter().map(|w| dealt(w.unwrap_or(0) as usize)).collect()).collect()
}

/// The most bytes the transcript of a run of `circuit` by `parties` members on inputs they hold
/// can take, so that whoever fetches one to audit it knows when to stop: the header; every
/// member's commitment to each base value of the run's layout (inputs bring at most their
/// slots' bits, so no run's layout is larger than [`held_shape`]'s); four openings per base
/// value, one per output and every opening the circuit itself makes (reveals, comparisons'
/// masked values: [`Circuit::cost_for`]), with 4,096 to spare, each with every member's (share,
/// blind) and its counts (a product opens two values per triple and the sacrifice three per
/// pair); and one broadcast difference per mask. A few times an honest transcript's size.
pub fn max_transcript_len(circuit: &Circuit, parties: usize) -> u64 {
	let held = held_shape(circuit);
	let layout = Layout::for_held(circuit, parties, &held.iter().flatten().collect::<Vec<_>>());
	let (n, held_count) = (parties as u64, held.iter().flatten().count() as u64);
	let bases = layout.checked_bases().map_or(u64::MAX, |b| b as u64);
	let masks: u64 = layout.masks.iter().map(|m| *m as u64).sum();
	let values = bases.saturating_mul(4).saturating_add(circuit.outputs.len() as u64 + 4_096).saturating_add(circuit.cost_for(parties).opens);
	let header = (TRANSCRIPT_MAGIC.len() as u64 + 1).saturating_add(8 * (7 + n + held_count)).saturating_add(32);
	let commitments = n.saturating_mul(bases.saturating_mul(POINT as u64).saturating_add(8));
	let openings = values.saturating_mul(16 + 64 * n);
	let differences = masks.saturating_add(4_096).saturating_mul(40);
	header.saturating_add(commitments).saturating_add(openings).saturating_add(differences)
}

/// Checks a finished run of `circuit` from its transcript alone: the triples' sacrifice, every
/// opening against its commitments, the broadcasts in their places. Returns the public outputs
/// (private ones are `None`), or what failed.
pub fn audit(circuit: &Circuit, transcript: &Transcript) -> core::result::Result<Vec<(String, Option<Fr>)>, AuditError> {
	let mut replay = Replay::new(transcript)?;
	let layout = transcript.layout.clone();
	let pairs: Vec<[Share; 6]> = (0..layout.triples).map(|i| core::array::from_fn(|k| Replay::base(6 * i + k))).collect();
	let run = sacrifice(&mut replay, &pairs).and_then(|()| {
		let Some(shape) = &transcript.held else {
			let zeros = vec![Fr::zero(); circuit.inputs_per_party.first().copied().unwrap_or(0)];
			return execute(&mut replay, circuit, &zeros);
		};
		// A run on held inputs, their values unknown to the auditor (they enter as differences).
		// Dealt with their owners' MACs, each brought exactly its slot's bits (none for a field
		// element): the shape the transcript records must be the circuit's, compared before
		// anything is made for it.
		let held = held_shape(circuit);
		let expected: Vec<usize> = held.iter().flatten().map(|h| h.bits.len()).collect();
		if *shape != expected {
			return Err(replay.malformed("the held inputs do not fit the circuit's".into()));
		}
		let outputs = execute_held(&mut replay, circuit, &held)?;
		Ok(outputs.into_iter().map(|(name, out)| (name, if let HeldOutput::Public(v) = out { Some(v) } else { None })).collect())
	});
	// The openings first, earliest failure named: what the replay stumbled on after a wrong
	// opening (a failed sacrifice, a client MAC that does not hold, a value out of place) may
	// follow from it. Then what the replay kept, or what the computation itself refused.
	let opening_failed = |(party, (opening, value))| AuditError::Opening { opening, value, party };
	let outputs = run.map_err(|e| match replay.public.verify(&mut replay.rng) {
		Err(failed) => opening_failed(failed),
		Ok(()) => replay.failure.take().unwrap_or(match e {
			MpcError::TripleCheckFailed => AuditError::Sacrifice,
			// Inputs of another shape than the circuit's, say.
			MpcError::InvalidCircuit(why) => AuditError::Malformed(why),
			e => AuditError::Run(e),
		}),
	})?;
	replay.public.verify(&mut replay.rng).map_err(opening_failed)?;
	if replay.next_opening != transcript.openings.len() || replay.next_difference != transcript.differences.len() || !replay.public.pending.is_empty() {
		return Err(AuditError::Malformed("the transcript holds more than the computation opened".into()));
	}
	Ok(outputs)
}
