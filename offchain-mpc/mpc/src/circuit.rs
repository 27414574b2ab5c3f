//! The program IR: a layered arithmetic circuit that the secret-contract compiler targets and
//! the [`execute`] function runs over any protocol.
//!
//! A circuit is a list of gates in topological order; gate i defines wire i. Local gates (add,
//! subtract, constants) cost no communication. Interactive gates (multiplication, comparison,
//! selection, division, reveal) are grouped by *layer*, their interactive depth, and every layer
//! runs as one batch per kind: all multiplications of a layer share one round.

use crate::{
	error::{MpcError, Result},
	nonlinear::{self, STATISTICAL_SECURITY},
	protocol::{Demand, Mpc},
};
use crate::field::MpcField;
use std::collections::BTreeMap;

pub type Wire = usize;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Op {
	/// The `index`-th secret input of party `owner`. An integer input of `bits` bits is checked
	/// to lie in [0, 2^bits) inside the computation before anything uses it (its owner shares
	/// its bits too; see [`nonlinear::check_ranges`]); `None` for field elements and public values.
	Input { owner: usize, index: usize, bits: Option<u32> },
	/// A public constant.
	Const(u128),
	Add(Wire, Wire),
	Sub(Wire, Wire),
	AddConst(Wire, u128),
	MulConst(Wire, u128),
	Mul(Wire, Wire),
	/// [a < b], [a <= b], [a == b] for `bits`-bit unsigned values.
	Lt { a: Wire, b: Wire, bits: u32 },
	Le { a: Wire, b: Wire, bits: u32 },
	Eq { a: Wire, b: Wire, bits: u32 },
	/// cond ? then : otherwise, for a 0/1 condition.
	Select { cond: Wire, then: Wire, otherwise: Wire },
	/// ⌊a / divisor⌋ for a `bits`-bit unsigned value.
	DivConst { a: Wire, divisor: u128, bits: u32 },
	/// Make the value public to every party (it stays usable as a wire).
	Reveal(Wire),
}

impl Op {
	/// The same gate on the wires `map` gives for its operands.
	pub(crate) fn remap(&self, map: impl Fn(Wire) -> Wire) -> Op {
		match self.clone() {
			Op::Input { .. } | Op::Const(_) => self.clone(),
			Op::Add(a, b) => Op::Add(map(a), map(b)),
			Op::Sub(a, b) => Op::Sub(map(a), map(b)),
			Op::AddConst(a, c) => Op::AddConst(map(a), c),
			Op::MulConst(a, c) => Op::MulConst(map(a), c),
			Op::Mul(a, b) => Op::Mul(map(a), map(b)),
			Op::Lt { a, b, bits } => Op::Lt { a: map(a), b: map(b), bits },
			Op::Le { a, b, bits } => Op::Le { a: map(a), b: map(b), bits },
			Op::Eq { a, b, bits } => Op::Eq { a: map(a), b: map(b), bits },
			Op::Select { cond, then, otherwise } => Op::Select { cond: map(cond), then: map(then), otherwise: map(otherwise) },
			Op::DivConst { a, divisor, bits } => Op::DivConst { a: map(a), divisor, bits },
			Op::Reveal(a) => Op::Reveal(map(a)),
		}
	}

	pub(crate) fn operands(&self) -> Vec<Wire> {
		match *self {
			Op::Input { .. } | Op::Const(_) => vec![],
			Op::AddConst(a, _) | Op::MulConst(a, _) | Op::Reveal(a) | Op::DivConst { a, .. } => vec![a],
			Op::Add(a, b) | Op::Sub(a, b) | Op::Mul(a, b) => vec![a, b],
			Op::Lt { a, b, .. } | Op::Le { a, b, .. } | Op::Eq { a, b, .. } => vec![a, b],
			Op::Select { cond, then, otherwise } => vec![cond, then, otherwise],
		}
	}

	fn is_interactive(&self) -> bool {
		!matches!(self, Op::Input { .. } | Op::Const(_) | Op::Add(..) | Op::Sub(..) | Op::AddConst(..) | Op::MulConst(..))
	}
}

/// How the engine runs a circuit, in its digest: bumped whenever the same gates would run
/// differently or be priced differently (2: comparisons of inputs on their bits; 3: public
/// outputs not opened again, and those comparisons' products taken in the range check's round;
/// 4: the draw in the agreement's round, every party's inputs in one round, the range check's
/// coin with its squares and its opening with the comparisons' first level; 5: SPDZ's MAC check
/// on 128-bit coefficients), so that members of different versions stop at the circuit agreement
/// (or at MASCOT's first round, which heads its messages with it) instead of falling out of step
/// mid-run, failing each other's checks with nobody named, or voting for different gas.
pub const EXECUTION_VERSION: u128 = 5;

/// Who learns an output.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Recipient {
	Everyone,
	Party(usize),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
	pub name: String,
	pub wire: Wire,
	pub to: Recipient,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Circuit {
	pub gates: Vec<Op>,
	pub outputs: Vec<Output>,
	/// Number of inputs of each party.
	pub inputs_per_party: Vec<usize>,
	/// Where a larger committee hands the run to fewer members ([`crate::adaptive`]).
	pub shrink: Option<Shrink>,
}

/// An adaptive circuit's narrowing (whitepaper 5.4): the gates from `at` on run with the first
/// `members` members of the committee only, on the values the gates before `at` computed,
/// re-shared to them. A committee of `members` or fewer runs the whole circuit itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shrink {
	pub at: Wire,
	pub members: usize,
}

/// The fewest members a committee shrinks to: an honest majority of them (t' = 1) must be able
/// to detect a member that alters a value.
pub const MIN_SHRUNK_COMMITTEE: usize = 3;

/// What running a circuit costs: the figures gas is priced from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cost {
	/// Local linear operations.
	pub adds: u64,
	/// Secret multiplications, those inside non-linear operations included.
	pub muls: u64,
	/// Values opened, those inside non-linear operations included.
	pub opens: u64,
	/// Secret inputs.
	pub inputs: u64,
	/// Shared random bits the run deals up front (their combination is counted in `muls`).
	pub bits: u64,
	/// Communication rounds of the online phase under the semi-honest honest-majority
	/// protocols, when DN07 double sharings are prepared ahead (BGW needs none).
	pub rounds: u64,
}

/// The corruption threshold of a committee of `members` (honest majority: t < n/2). Only the
/// random bits' cost depends on it (t + 1 parties deal each one: t multiplications and
/// 1 + ⌈log2(t + 1)⌉ rounds), so a task's gas depends on its committee's size.
pub fn threshold_of(members: usize) -> usize {
	members.saturating_sub(1) / 2
}

/// The committee size a cost is given for when none is named ([`Circuit::cost`]): 3 or 4
/// members, t = 1.
pub const DEFAULT_COMMITTEE: usize = 3;

/// Rounds that dealing and combining random bits takes at threshold t ([`nonlinear::xor_all`]).
pub fn bit_rounds(t: usize) -> u64 {
	1 + (t + 1).next_power_of_two().trailing_zeros() as u64
}

/// Random bits, multiplications, openings and rounds of a masked opening followed by an m-bit
/// comparison against it, as [`nonlinear`] implements it: the mask bits (dealt ahead, see
/// [`Cost::bits`]), one opening, and the comparison's prefix ORs in ⌈log2 m⌉ rounds.
fn masked_cost(mask_bits: u64, m: u64) -> (u64, u64, u64, u64) {
	let levels = nonlinear::prefix_levels(m as usize).len() as u64;
	(mask_bits, nonlinear::public_lt_muls(m as usize), 1, 1 + levels)
}

impl Op {
	/// (random bits, multiplications, openings, rounds) of one interactive gate.
	fn interactive_cost(&self) -> (u64, u64, u64, u64) {
		let sec = STATISTICAL_SECURITY as u64;
		match *self {
			Op::Mul(..) | Op::Select { .. } => (0, 1, 0, 1),
			Op::Reveal(_) => (0, 0, 1, 1),
			Op::Lt { bits, .. } | Op::Le { bits, .. } => {
				let b = bits as u64;
				masked_cost(b + 1 + sec, b)
			},
			Op::Eq { bits, .. } => {
				let (k, m, o, r) = masked_cost(bits as u64 + 1 + sec, bits as u64);
				(2 * k, 2 * m, 2 * o, r)
			},
			Op::DivConst { divisor, bits, .. } => {
				let (bound, shift) = div_shape(divisor, bits);
				// A shift past the bound leaves nothing: the quotient is 0 without any interaction.
				if shift >= bound {
					return (0, 0, 0, 0);
				}
				masked_cost(bound as u64 + sec, shift as u64)
			},
			_ => (0, 0, 0, 0),
		}
	}
}

/// Multiplies factors ready at the given depths as a tree, always the two ready first (a
/// Huffman tree on depths), with `multiply(a, b, depth)` making each product; returns the
/// last product and its depth ([`Circuit::with_balanced_products`]). `None` without factors.
fn multiply_as_tree<T: Ord>(factors: Vec<(u32, T)>, mut multiply: impl FnMut(T, T, u32) -> T) -> Option<(u32, T)> {
	use std::cmp::Reverse;
	let mut ready: std::collections::BinaryHeap<Reverse<(u32, T)>> = factors.into_iter().map(Reverse).collect();
	loop {
		let Reverse((da, a)) = ready.pop()?;
		let Some(Reverse((db, b))) = ready.pop() else { return Some((da, a)) };
		let depth = da.max(db) + 1;
		ready.push(Reverse((depth, multiply(a, b, depth))));
	}
}

/// The operands of a symmetric gate in ascending order, so that `a + b` and `b + a` are one key
/// for [`Circuit::without_repeats`].
fn canonical(op: Op) -> Op {
	match op {
		Op::Add(a, b) if b < a => Op::Add(b, a),
		Op::Mul(a, b) if b < a => Op::Mul(b, a),
		Op::Eq { a, b, bits } if b < a => Op::Eq { a: b, b: a, bits },
		op => op,
	}
}

/// (bound, shift) of the truncation a division uses; see [`nonlinear::div_const`]. The masked
/// opening inside it needs `bound` to be at most [`nonlinear::max_masked_bound`] of the field.
pub fn div_shape(divisor: u128, bits: u32) -> (u32, u32) {
	if divisor.is_power_of_two() {
		return (bits, divisor.trailing_zeros());
	}
	let l = 128 - (divisor - 1).leading_zeros();
	let shift = bits + l;
	let m = ((num_bigint::BigUint::from(1u8) << shift) + num_bigint::BigUint::from(divisor) - 1u8) / num_bigint::BigUint::from(divisor);
	(bits + m.bits() as u32, shift)
}

impl Circuit {
	pub fn new(parties: usize) -> Self {
		Self { inputs_per_party: vec![0; parties], ..Default::default() }
	}

	pub fn parties(&self) -> usize {
		self.inputs_per_party.len()
	}

	/// Append a gate and return its wire.
	pub fn push(&mut self, op: Op) -> Wire {
		if let Op::Input { owner, index, .. } = op {
			if owner < self.inputs_per_party.len() {
				self.inputs_per_party[owner] = self.inputs_per_party[owner].max(index + 1);
			}
		}
		self.gates.push(op);
		self.gates.len() - 1
	}

	/// The next input of `owner`, unchecked (a field element, or a public value).
	pub fn input(&mut self, owner: usize) -> Wire {
		self.typed_input(owner, None)
	}

	/// The next input of `owner`, an integer of `bits` bits when `Some`: the run proves it lies in
	/// [0, 2^bits) before using it.
	pub fn typed_input(&mut self, owner: usize, bits: Option<u32>) -> Wire {
		let index = self.inputs_per_party.get(owner).copied().unwrap_or(0);
		self.push(Op::Input { owner, index, bits })
	}

	/// The declared width of every input: `result[owner][index]`.
	pub fn input_widths(&self) -> Vec<Vec<Option<u32>>> {
		let mut widths: Vec<Vec<Option<u32>>> = self.inputs_per_party.iter().map(|k| vec![None; *k]).collect();
		for op in &self.gates {
			if let Op::Input { owner, index, bits } = *op {
				if let Some(w) = widths.get_mut(owner).and_then(|w| w.get_mut(index)) {
					*w = bits;
				}
			}
		}
		widths
	}

	pub fn output(&mut self, name: impl Into<String>, wire: Wire, to: Recipient) {
		self.outputs.push(Output { name: name.into(), wire, to });
	}

	/// The same circuit with every repeated computation done once: a gate equal to an earlier
	/// one (the same operation on the same wires, `a + b` and `b + a` alike) is dropped and its
	/// uses read the earlier wire. Each gate is a pure function of its operands, so the outputs
	/// are the same, and fewer interactive gates cost fewer multiplications, openings and
	/// sometimes rounds. Inputs are never merged (each is a value of its own). A gate after the
	/// [`Shrink`] point is merged only with one after it too: read from before the point, it
	/// would be handed over at depth 0 and bring the gates that use it forward, into layers of
	/// the second stage that may hold no batch of their kind (a round more, not fewer).
	pub fn without_repeats(&self) -> Circuit {
		let mut seen: std::collections::HashMap<(bool, Op), Wire> = std::collections::HashMap::new();
		let mut kept = Circuit { gates: Vec::with_capacity(self.gates.len()), inputs_per_party: self.inputs_per_party.clone(), ..Default::default() };
		let mut new_wire = Vec::with_capacity(self.gates.len());
		let mut shrink_at = None;
		for (i, op) in self.gates.iter().enumerate() {
			if self.shrink.is_some_and(|s| s.at == i) {
				shrink_at = Some(kept.gates.len());
			}
			let op = canonical(op.remap(|w| new_wire[w]));
			let after_shrink = self.shrink.is_some_and(|s| i >= s.at);
			let wire = match op {
				Op::Input { .. } => kept.push(op),
				_ => match seen.get(&(after_shrink, op.clone())) {
					Some(&earlier) => earlier,
					None => {
						let wire = kept.push(op.clone());
						seen.insert((after_shrink, op), wire);
						wire
					},
				},
			};
			new_wire.push(wire);
		}
		kept.shrink = self.shrink.map(|s| Shrink { at: shrink_at.unwrap_or(kept.gates.len()), members: s.members });
		kept.outputs = self.outputs.iter().map(|o| Output { wire: new_wire[o.wire], ..o.clone() }).collect();
		kept
	}

	/// The same circuit with every product of three or more factors that a chain of
	/// multiplications computes one after another (`a * b * c * d`, a chain of `&&`) multiplied
	/// as a tree instead: the two factors ready first are multiplied first, so k factors ready at
	/// once take ⌈log2 k⌉ rounds where the chain took k − 1, with the same k − 1 multiplications.
	/// A multiplication whose result is used elsewhere too, or is an output, stays as it is (its
	/// value is needed), and a chain is taken only within one side of the [`Shrink`] point.
	/// Chains a tree would not shorten are left alone.
	pub fn with_balanced_products(&self) -> Circuit {
		let n = self.gates.len();
		let side = |w: Wire| self.shrink.is_some_and(|s| w >= s.at);
		// Each wire's uses, and its one user when it has exactly one.
		let mut uses = vec![0usize; n];
		let mut user = vec![usize::MAX; n];
		for (i, op) in self.gates.iter().enumerate() {
			for w in op.operands() {
				uses[w] += 1;
				user[w] = i;
			}
		}
		for o in &self.outputs {
			uses[o.wire] += 2;
		}
		// A product that only feeds another product on its side is inside a chain.
		let inside: Vec<bool> = (0..n)
			.map(|w| matches!(self.gates[w], Op::Mul(..)) && uses[w] == 1 && matches!(self.gates[user[w]], Op::Mul(..)) && side(w) == side(user[w]))
			.collect();
		// A chain's factors, and the products inside it.
		let chain = |root: Wire| -> (Vec<Wire>, Vec<Wire>) {
			let (mut found, mut products, mut open) = (Vec::new(), Vec::new(), vec![root]);
			while let Some(w) = open.pop() {
				match self.gates[w] {
					Op::Mul(a, b) if w == root || inside[w] => {
						products.extend((w != root).then_some(w));
						open.extend([b, a]);
					},
					_ => found.push(w),
				}
			}
			(found, products)
		};
		let depth = self.layers();
		// The chains a tree shortens: their roots' factors, and every product inside them.
		let mut rebuilt: BTreeMap<Wire, Vec<Wire>> = BTreeMap::new();
		let mut dropped = vec![false; n];
		for root in (0..n).filter(|w| matches!(self.gates[*w], Op::Mul(..)) && !inside[*w]) {
			let (found, products) = chain(root);
			let tree = multiply_as_tree(found.iter().map(|w| (depth[*w], ())).collect(), |_, _, _| ());
			if found.len() < 3 || tree.is_none_or(|(d, _)| d >= depth[root]) {
				continue;
			}
			products.into_iter().for_each(|w| dropped[w] = true);
			rebuilt.insert(root, found);
		}
		if rebuilt.is_empty() {
			return self.clone();
		}
		let mut out = Circuit { gates: Vec::with_capacity(n), inputs_per_party: self.inputs_per_party.clone(), ..Default::default() };
		let mut new_wire = vec![usize::MAX; n];
		let mut new_depth: Vec<u32> = Vec::with_capacity(n);
		let mut shrink_at = None;
		for (i, op) in self.gates.iter().enumerate() {
			if self.shrink.is_some_and(|s| s.at == i) {
				shrink_at = Some(out.gates.len());
			}
			if dropped[i] {
				continue;
			}
			let wire = match rebuilt.get(&i) {
				// Multiply the two factors ready first, again and again (a Huffman tree on depths).
				Some(found) => {
					let factors = found.iter().map(|w| (new_depth[new_wire[*w]], new_wire[*w])).collect();
					let tree = multiply_as_tree(factors, |a, b, depth| {
						new_depth.push(depth);
						out.push(Op::Mul(a, b))
					});
					tree.expect("a rebuilt chain has three factors or more").1
				},
				None => {
					let op = op.remap(|w| new_wire[w]);
					let d = op.operands().iter().map(|w| new_depth[*w]).max().unwrap_or(0) + op.is_interactive() as u32;
					new_depth.push(d);
					out.push(op)
				},
			};
			new_wire[i] = wire;
		}
		out.shrink = self.shrink.map(|s| Shrink { at: shrink_at.unwrap_or(out.gates.len()), members: s.members });
		out.outputs = self.outputs.iter().map(|o| Output { wire: new_wire[o.wire], ..o.clone() }).collect();
		// A layer runs one batch per kind of gate, one after the other: gates a shorter chain
		// brings forward can land in a layer that had none of their kind and cost a round there.
		// Keep the trees only if the run, whole or shrunk, takes no more rounds in all.
		let rounds = |c: &Circuit| (c.cost().rounds, c.shrink.map(|s| c.cost_for(s.members.saturating_add(1)).rounds));
		let (before, after) = (rounds(self), rounds(&out));
		if after.0 > before.0 || after.1 > before.1 {
			return self.clone();
		}
		out
	}

	/// Check wiring, owners and widths.
	pub fn validate(&self) -> Result<()> {
		for (i, op) in self.gates.iter().enumerate() {
			if let Some(bad) = op.operands().into_iter().find(|w| *w >= i) {
				return Err(MpcError::InvalidCircuit(format!("gate {i} uses wire {bad}, which is not defined before it")));
			}
			match *op {
				Op::Input { owner, .. } if owner >= self.parties() =>
					return Err(MpcError::InvalidCircuit(format!("gate {i}: input of party {owner}, but there are {} parties", self.parties()))),
				Op::Input { bits: Some(bits), .. } | Op::Lt { bits, .. } | Op::Le { bits, .. } | Op::Eq { bits, .. } | Op::DivConst { bits, .. }
					if bits == 0 || bits > 128 =>
					return Err(MpcError::InvalidCircuit(format!("gate {i}: integer width {bits} is not in 1..=128"))),
				Op::DivConst { divisor: 0, .. } => return Err(MpcError::InvalidCircuit(format!("gate {i}: division by zero"))),
				_ => {},
			}
		}
		// Each input exactly once: two gates for one input could declare two widths (the range
		// check would prove one, a comparison read the other), and an index with no gate would be
		// shared but never checked or used.
		let mut seen: Vec<Vec<bool>> = self.inputs_per_party.iter().map(|k| vec![false; *k]).collect();
		for (i, op) in self.gates.iter().enumerate() {
			if let Op::Input { owner, index, .. } = *op {
				match seen.get_mut(owner).and_then(|s| s.get_mut(index)) {
					Some(slot) if !*slot => *slot = true,
					Some(_) => return Err(MpcError::InvalidCircuit(format!("gate {i}: input {index} of party {owner} has a gate already"))),
					None => return Err(MpcError::InvalidCircuit(format!("gate {i}: input {index} of party {owner} is not among its inputs"))),
				}
			}
		}
		if let Some(Shrink { at, members }) = self.shrink {
			if at > self.gates.len() || members < MIN_SHRUNK_COMMITTEE {
				return Err(MpcError::InvalidCircuit(format!("a committee shrinks to at least {MIN_SHRUNK_COMMITTEE} members at a gate of the circuit, not to {members} at gate {at}")));
			}
			// Every input is shared by the whole committee, before anything is handed over.
			if let Some(i) = self.gates[at..].iter().position(|g| matches!(g, Op::Input { .. })) {
				return Err(MpcError::InvalidCircuit(format!("gate {}: an input after the committee shrinks", at + i)));
			}
			// Only what was computed from the inputs crosses: an input itself would be guarded
			// by the fewer members alone (the paper's premise is that what is left is aggregate).
			if let Some(w) = crate::adaptive::split(self, at).carried.into_iter().find(|w| matches!(self.gates[*w], Op::Input { .. })) {
				return Err(MpcError::InvalidCircuit(format!("input wire {w} is used after the committee shrinks: only values computed from the inputs are handed over")));
			}
		}
		if let Some((owner, index)) = seen.iter().enumerate().find_map(|(p, s)| s.iter().position(|x| !x).map(|k| (p, k))) {
			return Err(MpcError::InvalidCircuit(format!("input {index} of party {owner} has no gate")));
		}
		for o in &self.outputs {
			if o.wire >= self.gates.len() {
				return Err(MpcError::InvalidCircuit(format!("output {} names undefined wire {}", o.name, o.wire)));
			}
			if let Recipient::Party(p) = o.to {
				if p >= self.parties() {
					return Err(MpcError::InvalidCircuit(format!("output {} goes to party {p}, but there are {} parties", o.name, self.parties())));
				}
			}
		}
		Ok(())
	}

	/// A digest of the circuit (blake2-256 of a canonical encoding): parties compare it before
	/// a run, since a batch of gates is only meaningful if every party batches the same gates.
	pub fn digest(&self) -> [u8; 32] {
		use blake2::{digest::consts::U32, Blake2b, Digest};
		let mut h = Blake2b::<U32>::new();
		let mut put = |tag: u8, fields: &[u128], text: &[u8]| {
			h.update([tag]);
			for f in fields {
				h.update(f.to_le_bytes());
			}
			h.update(text);
		};
		put(0xfd, &[EXECUTION_VERSION], &[]);
		put(0xff, &[self.gates.len() as u128, self.outputs.len() as u128, self.parties() as u128], &[]);
		for k in &self.inputs_per_party {
			put(0xfe, &[*k as u128], &[]);
		}
		let w = |x: Wire| x as u128;
		for op in &self.gates {
			match *op {
				Op::Input { owner, index, bits } => put(0, &[owner as u128, index as u128, bits.map_or(0, |b| b as u128 + 1)], &[]),
				Op::Const(c) => put(1, &[c], &[]),
				Op::Add(a, b) => put(2, &[w(a), w(b)], &[]),
				Op::Sub(a, b) => put(3, &[w(a), w(b)], &[]),
				Op::AddConst(a, c) => put(4, &[w(a), c], &[]),
				Op::MulConst(a, c) => put(5, &[w(a), c], &[]),
				Op::Mul(a, b) => put(6, &[w(a), w(b)], &[]),
				Op::Lt { a, b, bits } => put(7, &[w(a), w(b), bits as u128], &[]),
				Op::Le { a, b, bits } => put(8, &[w(a), w(b), bits as u128], &[]),
				Op::Eq { a, b, bits } => put(9, &[w(a), w(b), bits as u128], &[]),
				Op::Select { cond, then, otherwise } => put(10, &[w(cond), w(then), w(otherwise)], &[]),
				Op::DivConst { a, divisor, bits } => put(11, &[w(a), divisor, bits as u128], &[]),
				Op::Reveal(a) => put(12, &[w(a)], &[]),
			}
		}
		for o in &self.outputs {
			let to = match o.to {
				Recipient::Everyone => u128::MAX,
				Recipient::Party(p) => p as u128,
			};
			put(13, &[w(o.wire), to, o.name.len() as u128], o.name.as_bytes());
		}
		if let Some(Shrink { at, members }) = self.shrink {
			put(14, &[w(at), members as u128], &[]);
		}
		h.finalize().into()
	}

	/// Interactive depth of every gate.
	pub fn layers(&self) -> Vec<u32> {
		self.depths(Op::is_interactive)
	}

	/// The width of a comparison `a` vs `b` that runs on its operands' own bits
	/// ([`nonlinear::Segments`]): both are checked inputs of the same width, whose owners
	/// shared their bits ([`Op::Input`]), within the comparison's `bits`.
	pub fn bitwise_width(&self, a: Wire, b: Wire, bits: u32) -> Option<u32> {
		match (self.gates.get(a)?, self.gates.get(b)?) {
			(Op::Input { bits: Some(wa), .. }, Op::Input { bits: Some(wb), .. }) if wa == wb && *wa <= bits && *wa > 0 => Some(*wa),
			_ => None,
		}
	}

	/// A comparison gate that runs on its operands' own bits: its operands, width and kind.
	fn bitwise(&self, op: &Op) -> Option<(Wire, Wire, u32, nonlinear::BitCompare)> {
		let (a, b, bits, cmp) = match *op {
			Op::Lt { a, b, bits } => (a, b, bits, nonlinear::BitCompare::Lt),
			Op::Le { a, b, bits } => (a, b, bits, nonlinear::BitCompare::Le),
			Op::Eq { a, b, bits } => (a, b, bits, nonlinear::BitCompare::Eq),
			_ => return None,
		};
		self.bitwise_width(a, b, bits).map(|width| (a, b, width, cmp))
	}

	/// Which wires every party knows in the clear once computed: constants, revealed values and
	/// local gates of those. An output of such a wire needs no opening of its own: the value was
	/// opened (and verified) by its `Reveal`, or never secret.
	pub fn public_wires(&self) -> Vec<bool> {
		let mut public = vec![false; self.gates.len()];
		for (i, op) in self.gates.iter().enumerate() {
			public[i] = match *op {
				Op::Const(_) | Op::Reveal(_) => true,
				Op::Add(a, b) | Op::Sub(a, b) => public[a] && public[b],
				Op::AddConst(a, _) | Op::MulConst(a, _) => public[a],
				_ => false,
			};
		}
		public
	}

	/// The public outputs that must be opened at the end (those of wires not public already).
	fn opened_outputs(&self) -> usize {
		let public = self.public_wires();
		self.outputs.iter().filter(|o| o.to == Recipient::Everyone && !public[o.wire]).count()
	}

	/// Whether the `index`-th input of `owner` must bring its bits: a comparison runs on them.
	pub fn needs_bits(&self, owner: usize, index: usize) -> bool {
		let is_it = |w: Wire| matches!(self.gates.get(w), Some(Op::Input { owner: o, index: i, .. }) if *o == owner && *i == index);
		self.gates.iter().filter_map(|op| self.bitwise(op)).any(|(a, b, ..)| is_it(a) || is_it(b))
	}

	/// The most comparisons (`Lt`, `Le`, `Eq`) on any path through the circuit: they cost the
	/// most rounds, and balancing a reduction (a maximum as a tournament) is what lowers it.
	pub fn comparison_layers(&self) -> u32 {
		self.depths(|op| matches!(op, Op::Lt { .. } | Op::Le { .. } | Op::Eq { .. })).into_iter().max().unwrap_or(0)
	}

	/// For every gate, the most gates `counts` on a path ending at it.
	fn depths(&self, counts: impl Fn(&Op) -> bool) -> Vec<u32> {
		let mut depth = vec![0u32; self.gates.len()];
		for (i, op) in self.gates.iter().enumerate() {
			let base = op.operands().iter().map(|w| depth[*w]).max().unwrap_or(0);
			depth[i] = base + counts(op) as u32;
		}
		depth
	}

	/// The operation counts and online rounds of running this circuit with [`execute`] in a
	/// committee of [`DEFAULT_COMMITTEE`] members.
	pub fn cost(&self) -> Cost {
		self.cost_at(threshold_of(DEFAULT_COMMITTEE))
	}

	/// The cost of a run by a committee of `members`: shrinking mid-run if the circuit says so
	/// and the committee is larger ([`crate::adaptive::cost`]), else [`Self::cost_at`] its
	/// threshold.
	pub fn cost_for(&self, members: usize) -> Cost {
		match self.shrinks(members) {
			Some(shrink) => crate::adaptive::cost(self, shrink, members),
			None => self.cost_at(threshold_of(members)),
		}
	}

	/// The narrowing a committee of `members` makes: none if it is that small already.
	pub fn shrinks(&self, members: usize) -> Option<Shrink> {
		self.shrink.filter(|s| s.members < members)
	}

	/// What a run by a committee of `parties` draws ahead ([`Mpc::reserve`]) when `entering`
	/// values come in, `brought_bits` of them typed inputs' bits: the multiplications (with a
	/// square per brought bit, where the cost counts one per typed input's bit), the t + 1 dealers'
	/// bits, a verification and a coin for the range check, and the check before outputs.
	pub fn demand(&self, parties: usize, entering: usize, brought_bits: usize) -> Demand {
		let t = threshold_of(parties);
		let cost = self.cost_at(t);
		let bits = cost.bits as usize;
		let typed_bits: usize = self.input_widths().iter().flatten().flatten().map(|b| *b as usize).sum();
		let muls = (cost.muls as usize).saturating_sub(typed_bits) + brought_bits;
		let ranges = usize::from(brought_bits > 0 || bits > 0);
		Demand { muls, entering: entering + (t + 1) * bits, dealt_bits: bits, checks: 1 + ranges, coins: ranges }
	}

	/// The operation counts and rounds of a semi-honest run of [`execute`] at corruption
	/// threshold `t`. A run on held inputs ([`execute_held`]) takes at most as many: its inputs
	/// are adopted without a round, and a typed input that brings no bits is not range-checked.
	pub fn cost_at(&self, t: usize) -> Cost {
		let mut cost = Cost::default();
		let layers = self.layers();
		// Rounds: the executor runs each layer's interactive gates as one batch per kind (and
		// per width or divisor), one batch after the other.
		let mut batches: BTreeMap<(u32, u8, u128, u32), u64> = BTreeMap::new();
		for (op, layer) in self.gates.iter().zip(&layers) {
			if let Some((_, _, width, cmp)) = self.bitwise(op) {
				// The products of the bits are taken in the range check's round of squares, the
				// tree's first level with its opening; the other levels in the comparison's layer.
				let (m, r) = nonlinear::compare_bits_cost(width as usize, cmp);
				cost.muls += m;
				batches.insert((*layer, 7, 1, 0), r.saturating_sub(2).max(batches.get(&(*layer, 7, 1, 0)).copied().unwrap_or(0)));
				continue;
			}
			match *op {
				Op::Input { bits, .. } => {
					// A checked input brings its bits: one input and one multiplication (b·b) per
					// bit, and one opening of the combined check value.
					let w = bits.unwrap_or(0) as u64;
					cost.inputs += 1 + w;
					cost.muls += w;
					cost.opens += bits.is_some() as u64;
				},
				Op::Const(_) => {},
				Op::Add(..) | Op::Sub(..) | Op::AddConst(..) | Op::MulConst(..) => cost.adds += 1,
				_ => {
					let (k, m, o, r) = op.interactive_cost();
					cost.bits += k;
					cost.muls += m;
					cost.opens += o;
					let key = match *op {
						Op::Mul(..) => (0, 0, 0),
						Op::Select { .. } => (1, 0, 0),
						Op::Lt { bits, .. } => (2, 0, bits),
						Op::Le { bits, .. } => (3, 0, bits),
						Op::Eq { bits, .. } => (4, 0, bits),
						Op::DivConst { divisor, bits, .. } => (5, divisor, bits),
						_ => (6, 0, 0),
					};
					batches.insert((*layer, key.0, key.1, key.2), r);
				},
			}
		}
		// Every party's inputs in one round.
		let input_rounds = self.inputs_per_party.iter().any(|k| *k > 0) as u64;
		// The range check of typed inputs: the bits' squares with the coin's opening (its random
		// sharing drawn at the start), then the opening of the check values (with the first level
		// of the comparisons on bits).
		let range_check = self.gates.iter().any(|g| matches!(g, Op::Input { bits: Some(_), .. }));
		if range_check {
			cost.opens += 1;
		}
		// One opening round per recipient: everyone (unless every public output is public already)
		// and each party with private outputs.
		let opened = self.opened_outputs();
		let private = self.outputs.iter().filter(|o| o.to != Recipient::Everyone).count();
		let recipients = self.outputs.iter().filter(|o| o.to != Recipient::Everyone).map(|o| o.to.clone()).collect::<std::collections::BTreeSet<_>>();
		let output_rounds = (recipients.len() + (opened > 0) as usize) as u64;
		cost.opens += (opened + private) as u64;
		// One more: the parties agree on the circuit (and draw their randomness) before they start.
		// Every random bit is dealt by t + 1 parties and combined by t multiplications, all of them
		// before the first layer.
		cost.muls += cost.bits * t as u64;
		let dealing = if cost.bits > 0 { bit_rounds(t) } else { 0 };
		cost.rounds = 1 + input_rounds + dealing + 2 * range_check as u64 + batches.values().sum::<u64>() + output_rounds;
		cost
	}

	/// Reference semantics: evaluate in the clear. `inputs[p]` are party p's inputs. Returns
	/// the outputs by name, in order.
	pub fn evaluate<F: MpcField>(&self, inputs: &[Vec<F>]) -> Result<Vec<(String, F)>> {
		self.validate()?;
		let mut v: Vec<F> = Vec::with_capacity(self.gates.len());
		for op in &self.gates {
			let x = match *op {
				Op::Input { owner, index, bits } => {
					let x = *inputs
						.get(owner)
						.and_then(|i| i.get(index))
						.ok_or_else(|| MpcError::InvalidCircuit(format!("missing input {index} of party {owner}")))?;
					if let Some(bits) = bits {
						int(x, bits).map_err(|_| MpcError::InputOutOfRange { owner, index })?;
					}
					x
				},
				Op::Const(c) => F::from(c),
				Op::Add(a, b) => v[a] + v[b],
				Op::Sub(a, b) => v[a] - v[b],
				Op::AddConst(a, c) => v[a] + F::from(c),
				Op::MulConst(a, c) => v[a] * F::from(c),
				Op::Mul(a, b) => v[a] * v[b],
				Op::Lt { a, b, bits } => F::from((int(v[a], bits)? < int(v[b], bits)?) as u64),
				Op::Le { a, b, bits } => F::from((int(v[a], bits)? <= int(v[b], bits)?) as u64),
				Op::Eq { a, b, bits } => F::from((int(v[a], bits)? == int(v[b], bits)?) as u64),
				Op::Select { cond, then, otherwise } => {
					if !(v[cond].is_zero() || v[cond].is_one()) {
						return Err(MpcError::InvalidCircuit("a selection's condition is not 0 or 1".into()));
					}
					v[otherwise] + v[cond] * (v[then] - v[otherwise])
				},
				Op::DivConst { a, divisor, bits } => F::from(int(v[a], bits)? / divisor),
				Op::Reveal(a) => v[a],
			};
			v.push(x);
		}
		Ok(self.outputs.iter().map(|o| (o.name.clone(), v[o.wire])).collect())
	}
}

fn int<F: MpcField>(x: F, bits: u32) -> Result<u128> {
	crate::field::to_u128(x)
		.filter(|v| bits >= 128 || *v < (1u128 << bits))
		.ok_or_else(|| MpcError::InvalidCircuit(format!("value does not fit in {bits} bits")))
}

/// Run `circuit` as this party, with its own inputs. Returns, per output, `Some(value)` when
/// this party receives it. Typed inputs are range-checked before use, and integrity checks run
/// before any output is revealed.
pub fn execute<M: Mpc>(mpc: &mut M, circuit: &Circuit, my_inputs: &[M::F]) -> Result<Vec<(String, Option<M::F>)>> {
	if let Some(shrink) = circuit.shrinks(mpc.parties()) {
		return Err(MpcError::InvalidCircuit(format!("the circuit hands the run to {} of the {} members at gate {}: run it with adaptive::run", shrink.members, mpc.parties(), shrink.at)));
	}
	let evaluated = enter(mpc, circuit, &circuit.digest(), my_inputs)?;
	let get = |w: Wire| evaluated.share(w);

	// Outputs: verify everything first, then reveal.
	mpc.check()?;
	let mut results = Vec::with_capacity(circuit.outputs.len());
	let public_values = evaluated.open_public(mpc, circuit)?;
	mpc.check()?;
	let mut public_iter = public_values.into_iter();
	let mut private: BTreeMap<usize, Vec<M::F>> = BTreeMap::new();
	for to in circuit.outputs.iter().filter_map(|o| if let Recipient::Party(p) = o.to { Some(p) } else { None }).collect::<std::collections::BTreeSet<_>>() {
		let shares: Vec<M::Share> = circuit.outputs.iter().filter(|o| o.to == Recipient::Party(to)).map(|o| get(o.wire)).collect();
		if let Some(values) = mpc.output_to(to, &shares)? {
			private.insert(to, values);
		}
	}
	let mut private_cursor: BTreeMap<usize, usize> = BTreeMap::new();
	for o in &circuit.outputs {
		let value = match o.to {
			Recipient::Everyone => public_iter.next(),
			Recipient::Party(p) => {
				let k = private_cursor.entry(p).or_default();
				let v = private.get(&p).map(|vals| vals[*k]);
				*k += 1;
				v
			},
		};
		results.push((o.name.clone(), value));
	}
	Ok(results)
}

/// The inputs shared and range-checked, and every gate of `circuit` evaluated, by the parties
/// that agreed on `digest`: the first part of [`execute`] and of an adaptive run's first stage.
pub(crate) fn enter<M: Mpc>(mpc: &mut M, circuit: &Circuit, digest: &[u8; 32], my_inputs: &[M::F]) -> Result<Evaluated<M>> {
	circuit.validate()?;
	if circuit.parties() != mpc.parties() {
		return Err(MpcError::InvalidCircuit(format!("circuit is for {} parties, the protocol has {}", circuit.parties(), mpc.parties())));
	}
	let me = mpc.party();
	if my_inputs.len() != circuit.inputs_per_party[me] {
		return Err(MpcError::InvalidCircuit(format!("party {me} must supply {} inputs, got {}", circuit.inputs_per_party[me], my_inputs.len())));
	}
	let widths = circuit.input_widths();
	let typed: usize = widths.iter().flatten().map(|b| b.unwrap_or(0) as usize).sum();
	let entering = widths.iter().flatten().count() + typed;
	mpc.start(digest, circuit.demand(mpc.parties(), entering, typed))?;
	// Inputs: every owner's in one batch; a typed input travels with its bits.
	let counts: Vec<usize> = widths.iter().map(|w| w.iter().map(|b| 1 + b.unwrap_or(0) as usize).sum()).collect();
	let shared = mpc.inputs(&with_bits(my_inputs, &widths[me]), &counts)?;
	let mut inputs: Vec<Vec<M::Share>> = Vec::with_capacity(circuit.parties());
	let mut checks = Vec::new();
	for ((owner, widths), shares) in widths.iter().enumerate().zip(shared) {
		let mut shares = shares.into_iter();
		let mut values = Vec::with_capacity(widths.len());
		for (index, bits) in widths.iter().enumerate() {
			let value = shares.next().expect("one share per value");
			if let Some(bits) = bits {
				checks.push(((owner, index), value, shares.by_ref().take(*bits as usize).collect()));
			}
			values.push(value);
		}
		inputs.push(values);
	}
	prove_and_evaluate(mpc, circuit, &inputs, checks)
}

/// Each value followed, if it is typed, by its `bits` lowest bits (least significant first):
/// what an input owner shares.
fn with_bits<F: MpcField>(values: &[F], widths: &[Option<u32>]) -> Vec<F> {
	let mut out = Vec::new();
	for (v, bits) in values.iter().zip(widths) {
		out.push(*v);
		if let Some(bits) = bits {
			let low = crate::field::low_bits(*v, *bits);
			out.extend((0..*bits).map(|i| F::from(((low >> i) & 1) as u64)));
		}
	}
	out
}

pub use crate::protocol::{ClientMac, HeldInput};

/// An output of a run on committee-held inputs ([`execute_held`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeldOutput<F> {
	/// Opened to every party: it goes on chain.
	Public(F),
	/// For circuit party `to` only: this committee member keeps its share, which it hands to
	/// that party alone; the party reconstructs the value from the members' shares. Under SPDZ
	/// the member also hands over its shares of r and r·y ([`Mpc::output_checks`]), by which the
	/// party checks that no member altered its share ([`crate::spdz::reconstruct_output`]).
	Held { to: usize, share: F, check: Option<[F; 3]> },
}

/// Run `circuit` on inputs a client Shamir-shared with the committee running it. The circuit's
/// parties are the people whose inputs these are, not the committee members: `held[p]` is this
/// member's shares of party p's inputs, in order. A typed input that comes with its bits is
/// range-checked first (a value out of range ends the run with
/// [`MpcError::InputOutOfRange`] naming it); integrity checks run before anything is opened or
/// handed out.
pub fn execute_held<M: Mpc>(mpc: &mut M, circuit: &Circuit, held: &[Vec<HeldInput<M::F>>]) -> Result<Vec<(String, HeldOutput<M::F>)>> {
	circuit.validate()?;
	if let Some(shrink) = circuit.shrinks(mpc.parties()) {
		return Err(MpcError::InvalidCircuit(format!("the circuit hands the run to {} of the {} members at gate {}: run it with adaptive::run_held", shrink.members, mpc.parties(), shrink.at)));
	}
	let evaluated = enter_held(mpc, circuit, &circuit.digest(), held)?;
	let get = |w: Wire| evaluated.share(w);
	let private: Vec<M::Share> = circuit.outputs.iter().filter(|o| o.to != Recipient::Everyone).map(|o| get(o.wire)).collect();
	let mut private_checks = if private.is_empty() { None } else { mpc.output_checks(&private)? }.map(Vec::into_iter);
	mpc.check()?;
	let mut opened = evaluated.open_public(mpc, circuit)?.into_iter();
	mpc.check()?;
	Ok(circuit
		.outputs
		.iter()
		.map(|o| {
			let value = match o.to {
				Recipient::Everyone => HeldOutput::Public(opened.next().expect("one opened value per public output")),
				Recipient::Party(to) => HeldOutput::Held {
					to,
					share: mpc.raw_share(&get(o.wire)),
					check: private_checks.as_mut().map(|c| c.next().expect("one check per private output")),
				},
			};
			(o.name.clone(), value)
		})
		.collect())
}

/// The held inputs adopted and range-checked, and every gate of `circuit` evaluated, by the
/// members that agreed on `digest` and the inputs' shape: the first part of [`execute_held`] and
/// of an adaptive run's first stage.
pub(crate) fn enter_held<M: Mpc>(mpc: &mut M, circuit: &Circuit, digest: &[u8; 32], held: &[Vec<HeldInput<M::F>>]) -> Result<Evaluated<M>> {
	circuit.validate()?;
	if held.len() != circuit.parties() {
		return Err(MpcError::InvalidCircuit(format!("circuit has {} input owners, got shares for {}", circuit.parties(), held.len())));
	}
	let widths = circuit.input_widths();
	for (owner, shares) in held.iter().enumerate() {
		if shares.len() != circuit.inputs_per_party[owner] {
			return Err(MpcError::InvalidCircuit(format!("party {owner} has {} inputs, got {} shares", circuit.inputs_per_party[owner], shares.len())));
		}
		for (index, (input, bits)) in shares.iter().zip(&widths[owner]).enumerate() {
			let brought = input.bits.len();
			// A client's input must bring the bits of its slot's width (a value a task computed
			// may not: the chain recorded its width, unless a comparison runs on the bits): without
			// them no range check would run.
			let mismatch = match (brought, bits) {
				(0, None) => false,
				(0, Some(_)) => input.mac.is_some() || circuit.needs_bits(owner, index),
				(brought, bits) => Some(brought as u32) != *bits,
			};
			if mismatch {
				return Err(MpcError::InvalidCircuit(format!("input {index} of party {owner} brings {brought} bits for a {bits:?}-bit slot")));
			}
		}
	}
	// Every member must run the same circuit on inputs of the same shape.
	let shape: Vec<usize> = held.iter().flatten().map(|i| i.bits.len()).collect();
	let brought: usize = shape.iter().sum();
	mpc.start(&digest_of(digest, &shape), circuit.demand(mpc.parties(), shape.len() + brought, brought))?;
	// All owners' shares (and bits) are adopted in one batch: one round however many people
	// gave inputs.
	let all: Vec<&HeldInput<M::F>> = held.iter().flatten().collect();
	let mut adopted = mpc.adopt(&all)?.into_iter();
	let mut inputs: Vec<Vec<M::Share>> = Vec::with_capacity(held.len());
	let mut checks = Vec::new();
	for (owner, shares) in held.iter().enumerate() {
		let mut values = Vec::with_capacity(shares.len());
		for (index, input) in shares.iter().enumerate() {
			let value = adopted.next().expect("one share per value");
			if !input.bits.is_empty() {
				checks.push(((owner, index), value, adopted.by_ref().take(input.bits.len()).collect()));
			}
			values.push(value);
		}
		inputs.push(values);
	}
	prove_and_evaluate(mpc, circuit, &inputs, checks)
}

/// blake2-256 of a circuit digest and the shape of the held inputs.
pub(crate) fn digest_of(circuit: &[u8; 32], shape: &[usize]) -> [u8; 32] {
	use blake2::{digest::consts::U32, Blake2b, Digest};
	let mut h = Blake2b::<U32>::new();
	h.update(circuit);
	for k in shape {
		h.update((*k as u64).to_le_bytes());
	}
	h.finalize().into()
}

/// Proves the typed inputs' ranges from their bits (and the dealt random bits), then computes
/// every wire; comparisons of inputs run on the bits just proven. Their first two rounds, the
/// products x_i·y_i of the bits and the tree's first level, are taken with the range check's
/// squares and with the opening of its check values ([`nonlinear::check_ranges_with`]): nothing
/// but masked values (the reductions' own) is opened from those products before the check has
/// passed, so a semi-honest run spends no round of its own on them.
pub(crate) fn prove_and_evaluate<M: Mpc>(mpc: &mut M, circuit: &Circuit, inputs: &[Vec<M::Share>], checks: Vec<((usize, usize), M::Share, Vec<M::Share>)>) -> Result<Evaluated<M>> {
	let input_bits: BTreeMap<(usize, usize), &Vec<M::Share>> = checks.iter().map(|(label, _, bits)| (*label, bits)).collect();
	// The input's proven bits, exactly as many as its gate declares.
	let bits_of = |w: Wire| -> Result<Vec<M::Share>> {
		match circuit.gates[w] {
			Op::Input { owner, index, bits: Some(width) } => input_bits.get(&(owner, index)).filter(|b| b.len() == width as usize).map(|b| b.to_vec()),
			_ => None,
		}
		.ok_or_else(|| MpcError::InvalidCircuit(format!("input wire {w} came without the bits its comparison needs")))
	};
	let mut operands: Vec<(Wire, nonlinear::BitCompare, Vec<M::Share>, Vec<M::Share>)> = Vec::new();
	for (i, op) in circuit.gates.iter().enumerate() {
		if let Some((a, b, _, cmp)) = circuit.bitwise(op) {
			operands.push((i, cmp, bits_of(a)?, bits_of(b)?));
		}
	}
	let left: Vec<M::Share> = operands.iter().flat_map(|(_, _, x, _)| x.iter().copied()).collect();
	let right: Vec<M::Share> = operands.iter().flat_map(|(_, _, _, y)| y.iter().copied()).collect();
	// Every comparison's leaves (e_i, l_i), from the products of its bits.
	let leaves = |mpc: &M, products: &[M::Share]| -> Result<Vec<nonlinear::Segments<M::Share>>> {
		let mut at = 0;
		operands
			.iter()
			.map(|(_, cmp, x, y)| {
				at += x.len();
				Ok((*cmp, nonlinear::bit_leaves(mpc, x, y, &products[at - x.len()..at])?))
			})
			.collect()
	};
	let first_level = |mpc: &M, products: &[M::Share]| Ok(nonlinear::level_operands(&leaves(mpc, products)?));
	let (products, level) = nonlinear::prepare_with(mpc, &checks, circuit.cost().bits as usize, &left, &right, first_level)?;
	let segments = nonlinear::combine_level(mpc, leaves(mpc, &products)?, level);
	let compared = operands.iter().map(|(w, ..)| *w).zip(segments).collect();
	evaluate(mpc, circuit, inputs, compared)
}

/// Every wire's share, and the clear value of every wire of [`Circuit::public_wires`].
pub(crate) struct Evaluated<M: Mpc> {
	wires: Vec<Option<M::Share>>,
	known: Vec<Option<M::F>>,
}

impl<M: Mpc> Evaluated<M> {
	pub(crate) fn share(&self, w: Wire) -> M::Share {
		self.wires[w].expect("every wire is computed")
	}

	/// The public outputs' values: those of public wires as known, the others opened (one round,
	/// none if every public output is public already).
	pub(crate) fn open_public(&self, mpc: &mut M, circuit: &Circuit) -> Result<Vec<M::F>> {
		let public: Vec<&Output> = circuit.outputs.iter().filter(|o| o.to == Recipient::Everyone).collect();
		let to_open: Vec<M::Share> = public.iter().filter(|o| self.known[o.wire].is_none()).map(|o| self.share(o.wire)).collect();
		let mut opened = if to_open.is_empty() { vec![] } else { mpc.open(&to_open)? }.into_iter();
		Ok(public.iter().map(|o| self.known[o.wire].unwrap_or_else(|| opened.next().expect("one opened value per public output"))).collect())
	}
}

/// Every wire's share, gate by gate, layer by layer.
fn evaluate<M: Mpc>(mpc: &mut M, circuit: &Circuit, inputs: &[Vec<M::Share>], mut compared: BTreeMap<Wire, nonlinear::Segments<M::Share>>) -> Result<Evaluated<M>> {
	let layers = circuit.layers();
	let depth = layers.iter().copied().max().unwrap_or(0);
	let mut wires: Vec<Option<M::Share>> = vec![None; circuit.gates.len()];
	let mut known: Vec<Option<M::F>> = vec![None; circuit.gates.len()];
	let get = |wires: &Vec<Option<M::Share>>, w: Wire| wires[w].expect("operands are computed before their gates");

	for layer in 0..=depth {
		// Interactive gates of this layer, batched by kind.
		let mut muls: (Vec<Wire>, Vec<M::Share>, Vec<M::Share>) = (vec![], vec![], vec![]);
		let mut selects: (Vec<Wire>, Vec<M::Share>, Vec<M::Share>, Vec<M::Share>) = (vec![], vec![], vec![], vec![]);
		let mut compares: BTreeMap<(u8, u32), (Vec<Wire>, Vec<M::Share>, Vec<M::Share>)> = BTreeMap::new();
		// Comparisons on bits, of any kind and width, climb their trees together.
		let mut bitwise: (Vec<Wire>, Vec<nonlinear::Segments<M::Share>>) = (vec![], vec![]);
		let mut divisions: BTreeMap<(u128, u32), (Vec<Wire>, Vec<M::Share>)> = BTreeMap::new();
		let mut reveals: (Vec<Wire>, Vec<M::Share>) = (vec![], vec![]);
		for (i, op) in circuit.gates.iter().enumerate() {
			if layers[i] != layer || !op.is_interactive() {
				continue;
			}
			if circuit.bitwise(op).is_some() {
				bitwise.0.push(i);
				bitwise.1.push(compared.remove(&i).expect("every comparison on bits was prepared"));
				continue;
			}
			match *op {
				Op::Mul(a, b) => {
					muls.0.push(i);
					muls.1.push(get(&wires, a));
					muls.2.push(get(&wires, b));
				},
				Op::Select { cond, then, otherwise } => {
					selects.0.push(i);
					selects.1.push(get(&wires, cond));
					selects.2.push(get(&wires, then));
					selects.3.push(get(&wires, otherwise));
				},
				Op::Lt { a, b, bits } | Op::Le { a, b, bits } | Op::Eq { a, b, bits } => {
					let kind = match op { Op::Lt { .. } => 0, Op::Le { .. } => 1, _ => 2 };
					let e = compares.entry((kind, bits)).or_default();
					e.0.push(i);
					e.1.push(get(&wires, a));
					e.2.push(get(&wires, b));
				},
				Op::DivConst { a, divisor, bits } => {
					let e = divisions.entry((divisor, bits)).or_default();
					e.0.push(i);
					e.1.push(get(&wires, a));
				},
				Op::Reveal(a) => {
					reveals.0.push(i);
					reveals.1.push(get(&wires, a));
				},
				_ => unreachable!("only interactive gates here"),
			}
		}
		if !muls.0.is_empty() {
			for (w, s) in muls.0.iter().zip(mpc.mul(&muls.1, &muls.2)?) {
				wires[*w] = Some(s);
			}
		}
		if !selects.0.is_empty() {
			for (w, s) in selects.0.iter().zip(nonlinear::select(mpc, &selects.1, &selects.2, &selects.3)?) {
				wires[*w] = Some(s);
			}
		}
		for ((kind, bits), (ws, a, b)) in compares {
			let result = match kind {
				0 => nonlinear::lt(mpc, &a, &b, bits)?,
				1 => nonlinear::le(mpc, &a, &b, bits)?,
				_ => nonlinear::eq(mpc, &a, &b, bits)?,
			};
			for (w, s) in ws.iter().zip(result) {
				wires[*w] = Some(s);
			}
		}
		if !bitwise.0.is_empty() {
			for (w, s) in bitwise.0.iter().zip(nonlinear::compare_segments(mpc, bitwise.1)?) {
				wires[*w] = Some(s);
			}
		}
		for ((divisor, bits), (ws, a)) in divisions {
			for (w, s) in ws.iter().zip(nonlinear::div_const(mpc, &a, divisor, bits)?) {
				wires[*w] = Some(s);
			}
		}
		if !reveals.0.is_empty() {
			mpc.check()?;
			for (w, v) in reveals.0.iter().zip(mpc.open(&reveals.1)?) {
				wires[*w] = Some(mpc.constant(v));
				known[*w] = Some(v);
			}
		}
		// Local gates of this layer, in order (they may use this layer's interactive results).
		for (i, op) in circuit.gates.iter().enumerate() {
			if layers[i] != layer || op.is_interactive() {
				continue;
			}
			let s = match *op {
				Op::Input { owner, index, .. } => inputs[owner][index],
				Op::Const(c) => mpc.constant(M::F::from(c)),
				Op::Add(a, b) => mpc.add(get(&wires, a), get(&wires, b)),
				Op::Sub(a, b) => mpc.sub(get(&wires, a), get(&wires, b)),
				Op::AddConst(a, c) => mpc.add_const(get(&wires, a), M::F::from(c)),
				Op::MulConst(a, c) => mpc.scale(get(&wires, a), M::F::from(c)),
				_ => unreachable!("only local gates here"),
			};
			// The same gate in the clear, where its operands are public.
			known[i] = match *op {
				Op::Const(c) => Some(M::F::from(c)),
				Op::Add(a, b) => known[a].zip(known[b]).map(|(a, b)| a + b),
				Op::Sub(a, b) => known[a].zip(known[b]).map(|(a, b)| a - b),
				Op::AddConst(a, c) => known[a].map(|a| a + M::F::from(c)),
				Op::MulConst(a, c) => known[a].map(|a| a * M::F::from(c)),
				_ => None,
			};
			wires[i] = Some(s);
		}
	}

	Ok(Evaluated { wires, known })
}

#[cfg(test)]
mod tests {
	use super::*;

	/// Two gates for one input could declare two widths (the range check proving one while a
	/// comparison reads the other); an input index without a gate would be shared and never
	/// checked. Both are refused by name.
	#[test]
	fn every_input_has_exactly_one_gate() {
		let mut c = Circuit::new(2);
		let a = c.typed_input(0, Some(8));
		c.push(Op::Input { owner: 0, index: 0, bits: Some(64) });
		c.output("a", a, Recipient::Everyone);
		assert!(matches!(c.validate(), Err(MpcError::InvalidCircuit(why)) if why.contains("input 0 of party 0 has a gate already")));

		let mut c = Circuit::new(2);
		let b = c.push(Op::Input { owner: 1, index: 2, bits: None });
		c.output("b", b, Recipient::Everyone);
		assert!(matches!(c.validate(), Err(MpcError::InvalidCircuit(why)) if why.contains("input 0 of party 1 has no gate")));

		let mut c = Circuit::new(2);
		let (a, b) = (c.typed_input(0, Some(8)), c.typed_input(1, None));
		let s = c.push(Op::Add(a, b));
		c.output("s", s, Recipient::Everyone);
		assert_eq!(c.validate(), Ok(()));
	}

	/// A product, a sum, an equality and a comparison written twice (the symmetric ones with
	/// their operands swapped) are computed once, and their second uses read the first; two
	/// inputs of the same owner and width stay two values, and a comparison with its operands
	/// swapped is another value.
	#[test]
	fn repeated_gates_are_computed_once() {
		use crate::field::Fr;
		let mut c = Circuit::new(2);
		let (a, b, b2) = (c.typed_input(0, Some(16)), c.typed_input(1, Some(16)), c.typed_input(1, Some(16)));
		let (ab, ba) = (c.push(Op::Mul(a, b)), c.push(Op::Mul(b, a)));
		let (s1, s2) = (c.push(Op::Add(ab, b2)), c.push(Op::Add(b2, ba)));
		let (e1, e2) = (c.push(Op::Eq { a, b, bits: 16 }), c.push(Op::Eq { a: b, b: a, bits: 16 }));
		let (l1, l2, g) = (c.push(Op::Lt { a, b, bits: 16 }), c.push(Op::Lt { a, b, bits: 16 }), c.push(Op::Lt { a: b, b: a, bits: 16 }));
		let total = c.push(Op::Add(s1, s2));
		let flags = c.push(Op::Add(e1, e2));
		let order = c.push(Op::Add(l1, l2));
		let order = c.push(Op::Sub(order, g));
		let (r1, r2) = (c.push(Op::Reveal(total)), c.push(Op::Reveal(total)));
		c.output("total", r1, Recipient::Everyone);
		c.output("again", r2, Recipient::Everyone);
		c.output("flags", flags, Recipient::Party(1));
		c.output("order", order, Recipient::Everyone);
		let once = c.without_repeats();
		assert_eq!(once.validate(), Ok(()));
		// What the contract would cost written without the repeats.
		let mut hand = Circuit::new(2);
		let (a, b, b2) = (hand.typed_input(0, Some(16)), hand.typed_input(1, Some(16)), hand.typed_input(1, Some(16)));
		let ab = hand.push(Op::Mul(a, b));
		let s = hand.push(Op::Add(ab, b2));
		let e = hand.push(Op::Eq { a, b, bits: 16 });
		let (l, g) = (hand.push(Op::Lt { a, b, bits: 16 }), hand.push(Op::Lt { a: b, b: a, bits: 16 }));
		let total = hand.push(Op::Add(s, s));
		let flags = hand.push(Op::Add(e, e));
		let order = hand.push(Op::Add(l, l));
		let order = hand.push(Op::Sub(order, g));
		let r = hand.push(Op::Reveal(total));
		hand.output("total", r, Recipient::Everyone);
		hand.output("again", r, Recipient::Everyone);
		hand.output("flags", flags, Recipient::Party(1));
		hand.output("order", order, Recipient::Everyone);
		assert_eq!(once.gates.len(), hand.gates.len());
		assert_eq!(once.cost(), hand.cost());
		assert!(c.cost().muls > hand.cost().muls && c.cost().opens > hand.cost().opens);
		assert_eq!(once.gates.iter().filter(|g| matches!(g, Op::Input { .. })).count(), 3);
		assert_eq!(once.gates.iter().filter(|g| matches!(g, Op::Lt { .. })).count(), 2, "a < b and b < a are two values");
		assert_eq!(once.outputs[0].wire, once.outputs[1].wire);
		for (x, y, y2) in [(3u64, 5u64, 7u64), (9, 9, 0), (65535, 2, 1)] {
			let inputs = vec![vec![Fr::from(x)], vec![Fr::from(y), Fr::from(y2)]];
			assert_eq!(c.evaluate(&inputs), once.evaluate(&inputs));
		}
	}

	/// Random programs with copies of their own gates appended (symmetric ones swapped): the
	/// circuit without repeats gives the same outputs with no more work of any kind.
	#[test]
	fn removing_repeats_keeps_every_output() {
		use crate::field::Fr;
		use rand::{Rng, SeedableRng};
		let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
		for _ in 0..200 {
			let mut c = Circuit::new(2);
			let inputs: Vec<Vec<Fr>> = (0..2).map(|p| (0..3).map(|_| { c.typed_input(p, Some(8)); Fr::from(rng.gen_range(0u64..256)) }).collect()).collect();
			for _ in 0..12 {
				let (a, b) = (rng.gen_range(0..c.gates.len()), rng.gen_range(0..c.gates.len()));
				let op = match rng.gen_range(0..6) {
					0 => Op::Add(a, b),
					1 => Op::Mul(a, b),
					2 => Op::Sub(a, b),
					3 => Op::MulConst(a, 3),
					4 => Op::Reveal(a),
					_ => match c.gates[a].clone() { Op::Input { .. } => Op::AddConst(b, 1), op => op },
				};
				let copy = match op.clone() { Op::Add(a, b) => Op::Add(b, a), Op::Mul(a, b) => Op::Mul(b, a), op => op };
				c.push(op);
				c.push(copy);
			}
			for k in 0..4 {
				c.output(format!("out{k}"), c.gates.len() - 1 - k, Recipient::Everyone);
			}
			let once = c.without_repeats();
			assert_eq!(once.validate(), Ok(()));
			assert!(c.evaluate(&inputs).is_ok());
			assert_eq!(c.evaluate(&inputs), once.evaluate(&inputs));
			assert!(once.gates.len() <= c.gates.len() - 12, "every copy went");
			let (before, after) = (c.cost(), once.cost());
			assert!(after.muls <= before.muls && after.opens <= before.opens && after.rounds <= before.rounds);
		}
	}

	/// Eight factors multiplied one after another take seven rounds; as a tree, three, with the
	/// same seven multiplications. A product used twice is kept whole, and a chain is not taken
	/// across the shrink point.
	#[test]
	fn a_chain_of_products_is_multiplied_as_a_tree() {
		use crate::field::Fr;
		let mut c = Circuit::new(2);
		let xs: Vec<Wire> = (0..8).map(|k| c.typed_input(k % 2, Some(8))).collect();
		let chain = xs[1..].iter().fold(xs[0], |p, x| c.push(Op::Mul(p, *x)));
		let out = c.push(Op::Reveal(chain));
		c.output("product", out, Recipient::Everyone);
		let tree = c.with_balanced_products();
		assert_eq!(tree.validate(), Ok(()));
		let (before, after) = (c.cost(), tree.cost());
		assert_eq!(before.muls, after.muls);
		assert_eq!(before.rounds - after.rounds, 7 - 3);
		assert_eq!(*tree.layers().iter().max().unwrap(), 3 + 1, "three layers of products, then the opening");
		let inputs: Vec<Vec<Fr>> = (0..2).map(|p| (0..4).map(|k| Fr::from(2 * k as u64 + p as u64 + 3)).collect()).collect();
		assert_eq!(tree.evaluate(&inputs).unwrap(), vec![("product".to_string(), Fr::from(3u64 * 4 * 5 * 6 * 7 * 8 * 9 * 10))]);

		// a·b·c is published too: it is computed, then multiplied by the tree of d..h.
		let mut c = Circuit::new(2);
		let xs: Vec<Wire> = (0..8).map(|k| c.typed_input(k % 2, Some(8))).collect();
		let abc = c.push(Op::Mul(xs[0], xs[1]));
		let abc = c.push(Op::Mul(abc, xs[2]));
		let chain = xs[3..].iter().fold(abc, |p, x| c.push(Op::Mul(p, *x)));
		c.output("abc", abc, Recipient::Party(0));
		c.output("all", chain, Recipient::Party(1));
		let tree = c.with_balanced_products();
		assert_eq!(tree.evaluate(&inputs), c.evaluate(&inputs));
		assert!(tree.layers()[tree.outputs[1].wire] < c.layers()[c.outputs[1].wire]);
		assert_eq!(tree.layers()[tree.outputs[0].wire], 2, "a·b·c keeps its two layers");

		// A chain that crosses the shrink point is two chains, one on each side.
		let mut c = Circuit::new(3);
		let xs: Vec<Wire> = (0..6).map(|k| c.typed_input(k % 3, Some(8))).collect();
		let front = xs[1..].iter().fold(xs[0], |p, x| c.push(Op::Mul(p, *x)));
		c.shrink = Some(Shrink { at: c.gates.len(), members: 3 });
		let k = c.push(Op::Const(2));
		let back = c.push(Op::Mul(front, k));
		let back = c.push(Op::Mul(back, k));
		let back = c.push(Op::Mul(back, front));
		c.output("x", back, Recipient::Everyone);
		let tree = c.with_balanced_products();
		assert_eq!(tree.validate(), Ok(()));
		assert!(tree.gates[tree.shrink.unwrap().at..].iter().all(|g| !matches!(g, Op::Input { .. })));
		let inputs: Vec<Vec<Fr>> = (0..3).map(|p| (0..2).map(|k| Fr::from(3 * k as u64 + p as u64 + 1)).collect()).collect();
		assert_eq!(tree.evaluate(&inputs), c.evaluate(&inputs));
		assert!(tree.cost_for(5).rounds < c.cost_for(5).rounds);
	}

	/// Random programs rich in products: the balanced circuit gives the same outputs with the
	/// same multiplications, in no more rounds.
	#[test]
	fn balancing_products_keeps_every_output() {
		use crate::field::Fr;
		use rand::{Rng, SeedableRng};
		let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(9);
		let mut shortened = 0;
		for _ in 0..300 {
			let mut c = Circuit::new(2);
			let inputs: Vec<Vec<Fr>> = (0..2).map(|p| (0..4).map(|_| { c.typed_input(p, None); Fr::from(rng.gen_range(0u64..1000)) }).collect()).collect();
			for _ in 0..16 {
				let last = c.gates.len() - 1;
				let (a, b) = (if rng.gen_bool(0.6) { last } else { rng.gen_range(0..=last) }, rng.gen_range(0..=last));
				c.push(match rng.gen_range(0..5) {
					0 | 1 | 2 => Op::Mul(a, b),
					3 => Op::Add(a, b),
					_ => Op::Reveal(a),
				});
			}
			for k in 0..3 {
				c.output(format!("out{k}"), c.gates.len() - 1 - 3 * k, Recipient::Everyone);
			}
			let tree = c.with_balanced_products();
			assert_eq!(tree.validate(), Ok(()));
			assert_eq!(c.evaluate(&inputs), tree.evaluate(&inputs));
			let (before, after) = (c.cost(), tree.cost());
			assert_eq!(after.muls, before.muls);
			assert!(after.rounds <= before.rounds);
			shortened += (after.rounds < before.rounds) as usize;
		}
		assert!(shortened > 30, "only {shortened} of 300 programs were shortened");
	}

	/// A repeat before the shrink point is dropped, and the point moves with the gates before it;
	/// a value the fewer members compute again after it stays theirs to compute (read from before
	/// the point it would be handed over at depth 0, and could cost the second stage a round).
	#[test]
	fn repeats_are_merged_on_each_side_of_the_shrink_point() {
		use crate::field::Fr;
		let mut c = Circuit::new(3);
		let (a, b, d) = (c.typed_input(0, Some(8)), c.typed_input(1, Some(8)), c.typed_input(2, Some(8)));
		let (_, s_again) = (c.push(Op::Add(a, b)), c.push(Op::Add(b, a)));
		let total = c.push(Op::Add(s_again, d));
		let square = c.push(Op::Mul(total, total));
		c.shrink = Some(Shrink { at: c.gates.len(), members: 3 });
		let again = c.push(Op::Mul(total, total));
		let out = c.push(Op::AddConst(again, 1));
		let out = c.push(Op::Add(out, square));
		let out = c.push(Op::Reveal(out));
		c.output("out", out, Recipient::Everyone);
		let once = c.without_repeats();
		assert_eq!(once.validate(), Ok(()));
		assert_eq!(once.shrink, Some(Shrink { at: 6, members: 3 }), "three inputs, a + b, its sum with d and the square come before it");
		assert_eq!(once.gates[6], Op::Mul(4, 4), "the fewer members square the sum themselves");
		assert_eq!(once.gates.len(), c.gates.len() - 1, "only b + a went");
		let inputs = vec![vec![Fr::from(3u64)], vec![Fr::from(4u64)], vec![Fr::from(5u64)]];
		assert_eq!(once.evaluate(&inputs).unwrap(), vec![("out".to_string(), Fr::from(12u64 * 12 * 2 + 1))]);
		assert_eq!(c.evaluate(&inputs), once.evaluate(&inputs));
	}
}
