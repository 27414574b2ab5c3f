//! The compiler's value bounds are sound (issue #12): random contracts, run on random extreme
//! inputs in an audit harness where the engine's building blocks see every value in the clear
//! and fail when a masked opening's value leaves the bound the compiler claimed (or a selection's
//! condition is not a bit). Every masked opening hides its value statistically only inside that
//! bound; outside it, the opening shows the value to every worker.

use enigma_lang::{compile_with, ChainFacts, Prices};
use enigma_mpc::{
	circuit::{execute, Circuit},
	field::{to_u128, Fr, MpcField},
	Mpc, MpcError, Stats,
};
use rand::{seq::SliceRandom, Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

/// A clear-text protocol for audits: one process plays every party, shares are the values.
struct Audit {
	parties: usize,
	/// Every party's inputs, each typed one followed by its bits (what an owner enters).
	entered: Vec<Vec<Fr>>,
	rng: ChaCha8Rng,
}

impl Mpc for Audit {
	type F = Fr;
	type Share = Fr;
	fn party(&self) -> usize {
		0
	}
	fn parties(&self) -> usize {
		self.parties
	}
	fn add(&self, a: Fr, b: Fr) -> Fr {
		a + b
	}
	fn sub(&self, a: Fr, b: Fr) -> Fr {
		a - b
	}
	fn scale(&self, a: Fr, c: Fr) -> Fr {
		a * c
	}
	fn add_const(&self, a: Fr, c: Fr) -> Fr {
		a + c
	}
	fn constant(&self, c: Fr) -> Fr {
		c
	}
	fn input(&mut self, owner: usize, _: Option<&[Fr]>, count: usize) -> enigma_mpc::Result<Vec<Fr>> {
		Ok(self.entered[owner][..count].to_vec())
	}
	fn mul(&mut self, a: &[Fr], b: &[Fr]) -> enigma_mpc::Result<Vec<Fr>> {
		Ok(a.iter().zip(b).map(|(x, y)| *x * y).collect())
	}
	fn open(&mut self, a: &[Fr]) -> enigma_mpc::Result<Vec<Fr>> {
		Ok(a.to_vec())
	}
	fn random(&mut self, count: usize) -> enigma_mpc::Result<Vec<Fr>> {
		Ok((0..count).map(|_| Fr::random(&mut self.rng)).collect())
	}
	fn random_bits(&mut self, count: usize) -> enigma_mpc::Result<Vec<Fr>> {
		Ok((0..count).map(|_| Fr::from(self.rng.gen::<bool>() as u64)).collect())
	}
	fn output_to(&mut self, _: usize, a: &[Fr]) -> enigma_mpc::Result<Option<Vec<Fr>>> {
		Ok(Some(a.to_vec()))
	}
	fn check(&mut self) -> enigma_mpc::Result<()> {
		Ok(())
	}
	fn coin(&mut self) -> enigma_mpc::Result<[u8; 32]> {
		let mut seed = [0; 32];
		self.rng.fill_bytes(&mut seed);
		Ok(seed)
	}
	fn agree(&mut self, _: &[u8; 32]) -> enigma_mpc::Result<()> {
		Ok(())
	}
	fn stats(&self) -> Stats {
		Stats::default()
	}
	fn raw_share(&self, share: &Fr) -> Fr {
		*share
	}
	fn audit(&self, share: &Fr) -> Option<Fr> {
		Some(*share)
	}
}

/// Types a generated expression can have, with whether it may be negative as far as the
/// generator can tell (the compiler decides; this only keeps most programs acceptable).
#[derive(Clone, Copy, PartialEq)]
enum Ty {
	Int { negative: bool },
	Bool,
}

struct Gen {
	rng: ChaCha8Rng,
	vars: Vec<(String, Ty)>,
	next: usize,
}

impl Gen {
	fn pick(&mut self, want: impl Fn(Ty) -> bool) -> Option<String> {
		let candidates: Vec<&String> = self.vars.iter().filter(|(_, t)| want(*t)).map(|(n, _)| n).collect();
		candidates.choose(&mut self.rng).map(|s| s.to_string())
	}

	fn int(&mut self, depth: u32, non_negative: bool) -> (String, Ty) {
		let leaf = depth == 0 || self.rng.gen_bool(0.3);
		if leaf {
			if self.rng.gen_bool(0.2) {
				let c: u64 = *[0u64, 1, 2, 3, 7, 255, 65_535, u32::MAX as u64, u64::MAX].choose(&mut self.rng).unwrap();
				return (c.to_string(), Ty::Int { negative: false });
			}
			let name = self.pick(|t| t == Ty::Int { negative: false } || (!non_negative && t == Ty::Int { negative: true }));
			let ty = self.vars.iter().find(|(n, _)| Some(n) == name.as_ref()).map(|(_, t)| *t);
			return match (name, ty) {
				(Some(n), Some(t)) => (n, t),
				_ => ("1".into(), Ty::Int { negative: false }),
			};
		}
		let (a, ta) = self.int(depth - 1, false);
		let (b, tb) = self.int(depth - 1, false);
		let neg = |t: Ty| matches!(t, Ty::Int { negative: true });
		let choice = self.rng.gen_range(0..9);
		match choice {
			0 | 1 => (format!("({a} + {b})"), Ty::Int { negative: neg(ta) || neg(tb) }),
			2 if !non_negative => (format!("({a} - {b})"), Ty::Int { negative: true }),
			3 => (format!("({a} * {b})"), Ty::Int { negative: neg(ta) || neg(tb) }),
			4 => (format!("({a} * {a})"), Ty::Int { negative: false }),
			5 if !neg(ta) => (format!("({a} / {})", self.rng.gen_range(1..20)), Ty::Int { negative: false }),
			6 if !neg(ta) => (format!("({a} % {})", self.rng.gen_range(1..20)), Ty::Int { negative: false }),
			7 if !neg(ta) && !neg(tb) => (format!("{}({a}, {b})", if self.rng.gen_bool(0.5) { "min" } else { "max" }), Ty::Int { negative: false }),
			_ => (format!("({a} + {b})"), Ty::Int { negative: neg(ta) || neg(tb) }),
		}
	}

	fn boolean(&mut self, depth: u32) -> String {
		match self.rng.gen_range(0..5) {
			0 if depth > 0 => format!("({} && {})", self.boolean(depth - 1), self.boolean(depth - 1)),
			1 if depth > 0 => format!("!{}", self.boolean(depth - 1)),
			2 => self.pick(|t| t == Ty::Bool).unwrap_or_else(|| "true".into()),
			_ => {
				let op = *["<", "<=", ">", ">=", "==", "!="].choose(&mut self.rng).unwrap();
				let (a, _) = self.int(depth.min(2), true);
				let (b, _) = self.int(depth.min(2), true);
				format!("({a} {op} {b})")
			},
		}
	}

	fn fresh(&mut self) -> String {
		self.next += 1;
		format!("v{}", self.next)
	}

	/// A random contract over `inputs` (name, type) owned by parties 0, 1, ...
	fn contract(&mut self, inputs: &[(String, &str)]) -> String {
		let params: Vec<String> = inputs.iter().enumerate().map(|(p, (n, t))| format!("{n}: private {t} @ {p}")).collect();
		let mut body = String::new();
		for _ in 0..self.rng.gen_range(1..6) {
			let name = self.fresh();
			match self.rng.gen_range(0..5) {
				4 => {
					// A difference (negative or not) grown by signed steps, then squared: the
					// square is comparable, and only sound bounds keep its masked opening hiding.
					let (a, _) = self.int(1, true);
					let (b, _) = self.int(1, true);
					let d = self.fresh();
					body += &format!("    let mut {d} = {a} - {b};\n");
					for _ in 0..self.rng.gen_range(0..70) {
						let step = *["{d} - (0 - {d})", "{d} + {d}", "(0 - {d}) - {d}", "{d} * 3", "{d} - {d} - {d}"].choose(&mut self.rng).unwrap();
						body += &format!("    {d} = {};\n", step.replace("{d}", &d));
					}
					body += &format!("    let {name} = {d} * {d};\n");
					self.vars.push((d, Ty::Int { negative: true }));
					self.vars.push((name, Ty::Int { negative: false }));
				},
				0 => {
					let b = self.boolean(2);
					body += &format!("    let {name} = {b};\n");
					self.vars.push((name, Ty::Bool));
				},
				1 => {
					// A variable that two private branches update.
					let (init, _) = self.int(1, true);
					let cond = self.boolean(1);
					let (then, _) = self.int(2, true);
					let (otherwise, _) = self.int(2, true);
					body += &format!("    let mut {name} = {init};\n    if {cond} {{ {name} = {then}; }} else {{ {name} = {otherwise}; }}\n");
					self.vars.push((name, Ty::Int { negative: false }));
				},
				_ => {
					let (e, t) = self.int(3, false);
					body += &format!("    let {name} = {e};\n");
					self.vars.push((name, t));
				},
			}
		}
		let mut outputs = 0;
		for (name, ty) in self.vars.clone() {
			if ty != (Ty::Int { negative: true }) && self.rng.gen_bool(0.6) {
				if self.rng.gen_bool(0.5) {
					body += &format!("    output(reveal({name}));\n");
				} else {
					body += &format!("    output_to(0, {name});\n");
				}
				outputs += 1;
			}
		}
		if outputs == 0 {
			let b = self.boolean(2);
			body += &format!("    output(reveal({b}));\n");
		}
		format!("contract R {{\n  pub fn f({}) {{\n{body}  }}\n}}\n", params.join(", "))
	}
}

/// Extreme values of a `bits`-bit type, and a random one.
fn extreme(rng: &mut ChaCha8Rng, bits: u32) -> u128 {
	let max = if bits == 128 { u128::MAX } else { (1u128 << bits) - 1 };
	match rng.gen_range(0..5) {
		0 => 0,
		1 => max,
		2 => 1u128 << (bits - 1),
		3 => max.min(1),
		_ => rng.gen::<u128>() & max,
	}
}

#[test]
fn masked_openings_stay_inside_the_claimed_bounds_on_random_programs() {
	let programs: usize = std::env::var("BOUNDS_PROGRAMS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
	let types = [("u8", 8u32), ("u16", 16), ("u32", 32), ("u64", 64), ("bool", 1)];
	let (mut accepted, mut rejected, mut openings) = (0usize, 0usize, 0u64);
	let mut seed = 0u64;
	while accepted < programs {
		seed += 1;
		assert!(seed < 20 * programs as u64, "the generator rarely makes acceptable programs: {accepted} of {seed}");
		let mut gen = Gen { rng: ChaCha8Rng::seed_from_u64(seed), vars: Vec::new(), next: 0 };
		let count = gen.rng.gen_range(1..4);
		let inputs: Vec<(String, &str, u32)> = (0..count)
			.map(|i| {
				let (t, bits) = *types.choose(&mut gen.rng).unwrap();
				(format!("x{i}"), t, bits)
			})
			.collect();
		for (name, t, _) in &inputs {
			gen.vars.push((name.clone(), if *t == "bool" { Ty::Bool } else { Ty::Int { negative: false } }));
		}
		let source = gen.contract(&inputs.iter().map(|(n, t, _)| (n.clone(), *t)).collect::<Vec<_>>());
		let facts = Some(ChainFacts::default());
		let compiled = match compile_with(&source, "f", &BTreeMap::new(), 1, facts, &Prices::default()) {
			Ok(c) => c,
			Err(_) => {
				rejected += 1;
				continue;
			},
		};
		accepted += 1;
		let values: Vec<u128> = inputs.iter().map(|(_, _, bits)| extreme(&mut gen.rng, *bits)).collect();
		let circuit: &Circuit = &compiled.circuit;
		let widths = circuit.input_widths();
		let mut entered = vec![Vec::new(); circuit.parties()];
		let mut plain = vec![Vec::new(); circuit.parties()];
		for (p, v) in values.iter().enumerate() {
			let bits = widths[p][0].expect("typed");
			entered[p].push(Fr::from(*v));
			entered[p].extend((0..bits).map(|i| Fr::from(((v >> i) & 1) as u64)));
			plain[p].push(Fr::from(*v));
		}
		let expected = circuit.evaluate(&plain).unwrap_or_else(|e| panic!("reference semantics fail ({e}) on {values:?}:\n{source}"));
		let mut audit = Audit { parties: circuit.parties(), entered, rng: ChaCha8Rng::seed_from_u64(seed) };
		let got = match execute(&mut audit, circuit, &plain[0]) {
			Ok(got) => got,
			Err(MpcError::BoundExceeded { bound }) => panic!("a masked opening left its {bound}-bit bound on inputs {values:?}:\n{source}"),
			Err(e) => panic!("{e} on inputs {values:?}:\n{source}"),
		};
		for ((name, want), (_, value)) in expected.iter().zip(&got) {
			assert_eq!(Some(*want), *value, "output {name} on inputs {values:?}:\n{source}");
			assert!(to_u128(*want).is_some(), "output {name} is not a non-negative integer:\n{source}");
		}
		openings += circuit.cost().opens;
	}
	println!("{accepted} random programs accepted and audited ({rejected} rejected by the compiler), {openings} openings");
}
