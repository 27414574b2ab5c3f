//! Helpers shared by the engine's integration tests.
#![allow(dead_code)]

use enigma_mpc::{
	circuit::{Circuit, Op, Recipient, Wire},
	field::Fr,
	error::Result,
	preprocessing::Plan,
	transport::{
		mem::{network_with_timeout, MemTransport},
		Transport,
	},
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::{thread, time::Duration};

/// Run `f` as each of `n` parties on its own thread over an in-memory network.
pub fn run_parties<R: Send + 'static>(
	n: usize,
	f: impl Fn(usize, MemTransport) -> R + Send + Sync + Clone + 'static,
) -> Vec<R> {
	let transports = network_with_timeout(n, Duration::from_secs(5));
	let handles: Vec<_> = transports
		.into_iter()
		.enumerate()
		.map(|(party, t)| {
			let f = f.clone();
			thread::Builder::new().stack_size(16 << 20).spawn(move || f(party, t)).unwrap()
		})
		.collect();
	handles.into_iter().map(|h| h.join().expect("party thread panicked")).collect()
}

/// A transport that fails the test when its party sends a frame the chain takes as proof of
/// misbehaviour ([`enigma_primitives::malformed_frame`]): honest runs over Fr never do.
pub struct WholeWords<T>(pub T);

impl<T: Transport> Transport for WholeWords<T> {
	fn party(&self) -> usize {
		self.0.party()
	}
	fn parties(&self) -> usize {
		self.0.parties()
	}
	fn send(&mut self, to: usize, frame: Vec<u8>) -> Result<()> {
		assert!(!enigma_primitives::malformed_frame(&frame), "party {} sent an honest frame of {} bytes", self.0.party(), frame.len());
		self.0.send(to, frame)
	}
	fn recv(&mut self, from: usize) -> Result<Vec<u8>> {
		self.0.recv(from)
	}
}

/// SPDZ material enough for `circuit`: triples and randoms for its multiplications (and the
/// checks'), a mask for every input value, every bit of a typed one and every output.
pub fn plan_for(circuit: &Circuit) -> Plan {
	let cost = circuit.cost();
	Plan {
		triples: 2 * cost.muls as usize + 16,
		randoms: cost.muls as usize + 16,
		masks: circuit.input_widths().iter().map(|w| w.iter().map(|b| 1 + b.unwrap_or(0) as usize).sum::<usize>() + circuit.outputs.len() + 4).collect(),
	}
}

/// A random program: inputs from random parties, linear operations, multiplications, and
/// comparisons, selections and divisions on values whose bit width is tracked so that they
/// stay in range. Returns the circuit and every party's inputs.
pub fn random_program(n: usize, seed: u64, gates: usize) -> (Circuit, Vec<Vec<Fr>>) {
	let mut rng = ChaCha8Rng::seed_from_u64(seed);
	let mut c = Circuit::new(n);
	let mut inputs = vec![Vec::new(); n];
	// (wire, bits) where bits is an upper bound of the value's width; None once it may wrap.
	let mut wires: Vec<(Wire, Option<u32>)> = Vec::new();
	for _ in 0..(n + 2) {
		let owner = rng.gen_range(0..n);
		let v: u64 = rng.gen_range(0..1 << 12);
		inputs[owner].push(Fr::from(v));
		wires.push((c.typed_input(owner, Some(12)), Some(12)));
	}
	let bounded = |wires: &Vec<(Wire, Option<u32>)>, rng: &mut ChaCha8Rng, max: u32| -> Option<(Wire, u32)> {
		let candidates: Vec<(Wire, u32)> = wires.iter().filter_map(|(w, b)| b.filter(|b| *b <= max).map(|b| (*w, b))).collect();
		(!candidates.is_empty()).then(|| candidates[rng.gen_range(0..candidates.len())])
	};
	for _ in 0..gates {
		let (a, ba) = wires[rng.gen_range(0..wires.len())];
		let (b, bb) = wires[rng.gen_range(0..wires.len())];
		let (w, bits) = match rng.gen_range(0..8) {
			0 => (c.push(Op::Add(a, b)), ba.zip(bb).map(|(x, y)| x.max(y) + 1)),
			1 => (c.push(Op::Sub(a, b)), None),
			2 => (c.push(Op::Mul(a, b)), ba.zip(bb).map(|(x, y)| x + y)),
			3 => (c.push(Op::MulConst(a, 3)), ba.map(|x| x + 2)),
			4 => (c.push(Op::AddConst(a, 5)), ba.map(|x| x.max(3) + 1)),
			5 | 6 => match (bounded(&wires, &mut rng, 48), bounded(&wires, &mut rng, 48)) {
				(Some((x, bx)), Some((y, by))) => {
					let bits = bx.max(by);
					let op = match rng.gen_range(0..3) {
						0 => Op::Lt { a: x, b: y, bits },
						1 => Op::Le { a: x, b: y, bits },
						_ => Op::Eq { a: x, b: y, bits },
					};
					let cond = c.push(op);
					if rng.gen_bool(0.5) {
						(cond, Some(1))
					} else {
						(c.push(Op::Select { cond, then: x, otherwise: y }), Some(bits))
					}
				},
				_ => continue,
			},
			_ => match bounded(&wires, &mut rng, 40) {
				Some((x, bits)) => {
					let divisor = [2u128, 3, 7, 10, 16][rng.gen_range(0..5)];
					(c.push(Op::DivConst { a: x, divisor, bits }), Some(bits))
				},
				None => continue,
			},
		};
		wires.push((w, bits));
	}
	// Outputs: the last few wires, public or to a random party.
	for (k, (w, _)) in wires.iter().rev().take(4).enumerate() {
		let to = if rng.gen_bool(0.5) { Recipient::Everyone } else { Recipient::Party(rng.gen_range(0..n)) };
		c.output(format!("out{k}"), *w, to);
	}
	(c, inputs)
}

/// A committee of four holding shares (t = 1, point m + 1 for member m) of a = 1234 and
/// b = 5678, and a circuit opening a·b and a < b (32 bits): what members continuing without
/// some of the committee run. Returns the circuit, each member's held inputs (party 0: a,
/// party 1: b) and the expected outputs.
pub fn four_member_product_and_comparison() -> (Circuit, Vec<Vec<Vec<enigma_mpc::circuit::HeldInput<Fr>>>>, [Fr; 2]) {
	use enigma_mpc::{circuit::HeldInput, shamir::Shamir};
	let mut c = Circuit::new(2);
	let (a, b) = (c.input(0), c.input(1));
	let product = c.push(Op::Mul(a, b));
	let below = c.push(Op::Lt { a, b, bits: 32 });
	c.output("product", product, Recipient::Everyone);
	c.output("a_below_b", below, Recipient::Everyone);
	let scheme = Shamir::<Fr>::new(4, 1).unwrap();
	let mut rng = rand::thread_rng();
	let (sa, sb) = (scheme.share(Fr::from(1234u64), 1, &mut rng), scheme.share(Fr::from(5678u64), 1, &mut rng));
	let held = (0..4).map(|m| vec![vec![HeldInput::plain(sa[m])], vec![HeldInput::plain(sb[m])]]).collect();
	(c, held, [Fr::from(1234u64 * 5678), Fr::from(1u64)])
}

/// A circuit on three owners' inputs, for the tests of inputs a committee holds for a dishonest
/// majority (SPDZ and the auditable protocol).
#[allow(dead_code)]
pub mod owners {
	use enigma_mpc::circuit::{Circuit, Op, Recipient};

	/// Two owners' u32 values a and b and a third owner's field element c: a·b and a < b opened,
	/// a + b for owner 1 and a·c for owner 0 privately.
	pub fn circuit() -> Circuit {
		let mut c = Circuit::new(3);
		let a = c.typed_input(0, Some(32));
		let b = c.typed_input(1, Some(32));
		let f = c.typed_input(2, None);
		let product = c.push(Op::Mul(a, b));
		let below = c.push(Op::Lt { a, b, bits: 32 });
		let sum = c.push(Op::Add(a, b));
		let scaled = c.push(Op::Mul(a, f));
		c.output("product", product, Recipient::Everyone);
		c.output("a_below_b", below, Recipient::Everyone);
		c.output("sum", sum, Recipient::Party(1));
		c.output("scaled", scaled, Recipient::Party(0));
		c
	}

	pub const A: u128 = 3_000_000_001;
	pub const B: u128 = 4_000_000_000;
	pub const C: u128 = 1 << 100;
}
