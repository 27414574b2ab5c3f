//! Type and privacy checking and lowering to the MPC engine's circuit, in one pass.
//!
//! The compiler interprets the contract abstractly: compile-time values (literals, public
//! arguments, loop counters) are folded, runtime values become circuit wires. Every value
//! carries its privacy, and these rules are enforced:
//!
//! * a private value flows into a public variable, a public output, the ledger `L` or a loop
//!   bound only through `reveal(...)`;
//! * under a private condition both branches run and private variables are selected
//!   obliviously; a public variable, an output or any other side effect under a private
//!   condition is an error;
//! * loop bounds, array indices, divisors and party numbers are compile-time values.
//!
//! Integers never wrap: the compiler tracks an upper bound of each value (so a sum of n b-bit
//! values takes b + log2(n) bits, not one more bit per addition) and whether it may be negative,
//! after a subtraction, and sizes comparisons and divisions by it, up to 128 bits.

use crate::{
	ast::*,
	diagnostics::{Diagnostic, Span},
	manifest::{InputSlot, InputSource, Manifest, OutputSlot, OutputTarget, Security},
};
use enigma_mpc::circuit::{Circuit, Op, Recipient, Wire};
use std::collections::{BTreeMap, HashMap};

/// Variables in scope by name. Ordered, so that the selects merging two branches are emitted in
/// the same order by every compiler: committee members compile a contract independently and
/// must obtain the same circuit, gate for gate.
type Scope = BTreeMap<String, Var>;

pub type CResult<T> = Result<T, Diagnostic>;

/// Widest integer a comparison handles.
const MAX_BITS: u32 = 128;
/// Loop iterations and function calls a contract may unroll (inline) in total: what bounds the
/// compiler's work on a contract whose loops or calls would never end.
const MAX_UNROLL: usize = 1_000_000;
/// Steps of compile-time work a contract may cost: one per expression evaluated, one per array
/// item copied (a read of a whole array, the state a private `if` runs both branches from) and
/// one per contestant of a `max`/`min` tournament. Gates bound what a circuit costs the
/// committee; this bounds what makes no gate (constants folded, arrays copied), which a member's
/// compiler would otherwise do for hours on one loop. About a second of work, and a bound on
/// the copies alive at once (32 bytes each).
pub const MAX_WORK: u64 = 30_000_000;
/// Outputs (public, private, ledger writes, new secrets and their MACs, declassifications) and
/// inputs a contract may have: the chain's `MaxOutputs` and `MaxInputs`. An output makes no
/// gate, so [`MAX_GATES`] does not bound them, and a task with more could not be recorded.
pub const MAX_OUTPUTS: usize = 4_096;
pub const MAX_INPUTS: usize = 10_240;
/// Contestants kept in the tournament cache, in all: what the cache may hold in memory.
const MAX_CACHED_CONTESTANTS: usize = 1 << 20;
/// Gates a circuit may have: a task's memory on every member (a few hundred bytes a gate while
/// compiling, with the bounds and the pass that merges repeats; more to run it) is bounded
/// before its gas is. Checked after every expression and statement.
pub const MAX_GATES: usize = 4_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
	Int,
	Bool,
	Field,
}

/// A value during compilation.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Val {
	/// Known at compile time (a public constant).
	Const { value: u128, kind: Kind },
	/// Known only at run time.
	Wire { wire: Wire, private: bool, kind: Kind, bits: u32, signed: bool },
	Array(Vec<Val>),
}

impl Val {
	fn is_private(&self) -> bool {
		match self {
			Val::Const { .. } => false,
			Val::Wire { private, .. } => *private,
			Val::Array(items) => items.iter().any(Val::is_private),
		}
	}

	fn kind(&self) -> Kind {
		match self {
			Val::Const { kind, .. } | Val::Wire { kind, .. } => *kind,
			Val::Array(items) => items.first().map_or(Kind::Int, Val::kind),
		}
	}

	/// The items a copy of the value copies.
	fn size(&self) -> u64 {
		match self {
			Val::Array(items) => items.len() as u64,
			_ => 1,
		}
	}

	fn bits(&self) -> (u32, bool) {
		match self {
			Val::Const { value, .. } => (128 - value.leading_zeros(), false),
			Val::Wire { bits, signed, .. } => (*bits, *signed),
			Val::Array(_) => (0, false),
		}
	}
}

#[derive(Clone, Debug)]
struct Var {
	val: Val,
	/// The variable may hold private values (declared `private`, or first bound to one).
	private: bool,
	mutable: bool,
	/// The declared type, which every value assigned to the variable must fit.
	declared: Option<Type>,
}

/// What the chain knows about a task, which contracts read with built-ins instead of trusting
/// the submitter's arguments: `now()` is the block that created the task (every member reads the
/// same one), `submitter()` the first 16 bytes of the requester's account id, as a `u128`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChainFacts {
	pub block: u64,
	pub submitter: u128,
	/// The public ledger's values the contract reads, by `L.get`'s (key, at), as every member
	/// reads them from the chain: given, each `L.get` is a constant of the circuit (whose digest
	/// the members agree on, and an auditor compiles from the same chain); not given, party 0
	/// enters it as an input. A dishonest-majority run takes no input without its owner's MAC,
	/// so its members compile with the values ([`crate::Manifest::ledger_reads`] lists them).
	pub ledger: Option<BTreeMap<(u64, u64), u128>>,
}

/// What a public argument is at compile time.
#[derive(Clone, Debug)]
pub enum PublicArg {
	Int(u128),
	List(Vec<u128>),
}

impl PublicArg {
	/// Public arguments as a task carries them: a JSON object of unsigned integers or lists of
	/// them, e.g. `{"n": 5, "weights": [1, 2]}`; empty text means none.
	pub fn parse_json(text: &str) -> Result<BTreeMap<String, PublicArg>, String> {
		if text.trim().is_empty() {
			return Ok(BTreeMap::new());
		}
		let value: serde_json::Value = serde_json::from_str(text).map_err(|e| format!("public arguments are not JSON: {e}"))?;
		let object = value.as_object().ok_or("public arguments must be a JSON object")?;
		let number = |v: &serde_json::Value| v.as_u64().map(u128::from).ok_or_else(|| format!("public argument {v} is not an unsigned integer"));
		object
			.iter()
			.map(|(name, v)| {
				let arg = match v.as_array() {
					Some(list) => PublicArg::List(list.iter().map(number).collect::<Result<_, _>>()?),
					None => PublicArg::Int(number(v)?),
				};
				Ok((name.clone(), arg))
			})
			.collect()
	}
}

pub struct Compiler<'a> {
	contract: &'a Contract,
	circuit: Circuit,
	manifest: Manifest,
	scopes: Vec<Scope>,
	/// Set while compiling under a condition known only at run time, with why.
	guard: Option<(Span, bool)>,
	consts: BTreeMap<u128, Wire>,
	/// The contract's `const` items.
	globals: Scope,
	facts: Option<ChainFacts>,
	/// Upper bounds of arithmetic results, tighter than their bit widths: a sum of 100 u32
	/// values is below 100·2³², 39 bits, where adding a bit per addition would say 132.
	max: HashMap<Wire, u128>,
	unrolled: usize,
	depth: usize,
	/// Compile-time work done so far, within [`MAX_WORK`].
	work: u64,
	/// The contract's functions by name (the first of a name, as calls find it).
	functions: HashMap<&'a str, &'a Function>,
	/// Tournaments already played that made gates, by (largest?, contestants): `max(xs)` and
	/// `argmax(xs)` of the same array share one. At most [`MAX_CACHED_CONTESTANTS`] in all.
	tournaments: HashMap<(bool, Vec<Val>), (Val, Val)>,
	cached_contestants: usize,
}

fn err(span: Span, message: impl Into<String>) -> Diagnostic {
	Diagnostic::new(span, message)
}

impl<'a> Compiler<'a> {
	/// Compile entry point `entry` of `contract` with its public arguments bound.
	pub fn compile(
		contract: &'a Contract,
		entry: &str,
		public: &BTreeMap<String, PublicArg>,
		min_parties: usize,
		facts: Option<ChainFacts>,
	) -> CResult<(Circuit, Manifest)> {
		let function = contract
			.functions
			.iter()
			.find(|f| f.name == entry && f.public)
			.ok_or_else(|| {
				let entries: Vec<&str> = contract.functions.iter().filter(|f| f.public).map(|f| f.name.as_str()).collect();
				err(Span::default(), format!("no entry point `{entry}`")).note(format!("entry points of `{}`: {}", contract.name, entries.join(", ")))
			})?;
		// Parties: every owner named, at least `min_parties`.
		let mut parties = min_parties.max(1);
		for p in &function.params {
			match (&p.owner, p.ty.len) {
				(Some(Owner::Party(k)), _) => parties = parties.max(k + 1),
				// Item i comes from party i: as many parties as items, numbered as `@ k` is.
				(Some(Owner::Each), Some(n)) if n as u128 > crate::parser::MAX_PARTY => {
					return Err(err(p.span, format!("`@ each` on {n} items: parties are numbered below {}", crate::parser::MAX_PARTY)));
				},
				(Some(Owner::Each), Some(n)) => parties = parties.max(n),
				_ => {},
			}
		}
		let mut c = Compiler {
			contract,
			circuit: Circuit::new(parties),
			manifest: Manifest::new(&contract.name, contract.security, entry, parties),
			scopes: vec![Scope::new()],
			guard: None,
			consts: BTreeMap::new(),
			globals: Scope::new(),
			facts,
			max: HashMap::new(),
			unrolled: 0,
			depth: 0,
			work: 0,
			functions: HashMap::new(),
			tournaments: HashMap::new(),
			cached_contestants: 0,
		};
		for f in &contract.functions {
			c.functions.entry(f.name.as_str()).or_insert(f);
		}
		for item in &contract.consts {
			let val = c.expr(&item.value)?;
			if !matches!(val, Val::Const { .. } | Val::Array(_)) || val.is_private() || item.ty.private {
				return Err(err(item.span, format!("constant `{}` must be a public value known at compile time", item.name)));
			}
			c.fits(&item.ty, &val, item.span)?;
			c.globals.insert(item.name.clone(), Var { val, private: false, mutable: false, declared: Some(item.ty.clone()) });
		}
		for p in &function.params {
			let val = c.bind_param(p, public)?;
			c.charge(val.size(), p.span)?;
			c.within_gates(p.span)?;
			c.within_inputs(p.span)?;
			c.scopes[0].insert(p.name.clone(), Var { private: p.ty.private, val, mutable: false, declared: Some(p.ty.clone()) });
		}
		if function.ret.is_some() {
			return Err(err(function.span, "an entry point returns nothing").note("publish results with `output(reveal(x))` or `output_to(party, x)`"));
		}
		c.block(&function.body, false)?;
		// A value the contract computes twice (unrolled loops repeat subexpressions) is computed
		// once, and a chain of products (`a * b * c`, `x && y && z`) is multiplied as a tree.
		c.circuit = c.circuit.without_repeats().with_balanced_products();
		if let Some(shrink) = c.circuit.shrink {
			let split = enigma_mpc::adaptive::split(&c.circuit, shrink.at);
			if split.carried.iter().any(|w| matches!(c.circuit.gates[*w], enigma_mpc::circuit::Op::Input { .. })) {
				return Err(err(function.span, format!("an input is used after `shrink({})`", shrink.members))
					.note("only values computed from the inputs (a sum, a count) are handed to the fewer members: use the input before `shrink`, or aggregate it"));
			}
		}
		c.circuit.validate().map_err(|e| err(function.span, format!("internal compiler error: {e}")))?;
		Ok((c.circuit, c.manifest))
	}

	fn bind_param(&mut self, p: &Param, public: &BTreeMap<String, PublicArg>) -> CResult<Val> {
		let (kind, bits) = match p.ty.base {
			BaseType::Uint(b) => (Kind::Int, b),
			BaseType::Bool => (Kind::Bool, 1),
			BaseType::Field => (Kind::Field, 255),
		};
		if !p.ty.private {
			if p.owner.is_some() {
				return Err(err(p.span, format!("public parameter `{}` cannot have an owner", p.name)).note("`@ party` names who supplies a private input"));
			}
			let arg = public.get(&p.name).ok_or_else(|| {
				err(p.span, format!("public argument `{}` is needed at compile time", p.name)).note(format!("pass it with `--public {}=...`", p.name))
			})?;
			let fits = |v: u128| bits >= 128 || v < (1u128 << bits);
			return match (arg, p.ty.len) {
				(PublicArg::Int(v), None) if fits(*v) => Ok(Val::Const { value: *v, kind }),
				(PublicArg::List(vs), Some(n)) if vs.len() == n && vs.iter().all(|v| fits(*v)) =>
					Ok(Val::Array(vs.iter().map(|v| Val::Const { value: *v, kind }).collect())),
				_ => Err(err(p.span, format!("public argument `{}` does not match its type", p.name))),
			};
		}
		let owner = p.owner.clone().ok_or_else(|| {
			err(p.span, format!("private parameter `{}` needs an owner", p.name)).note("write `@ 0` for party 0's input, or `@ each` for an array whose i-th element comes from party i")
		})?;
		// Integers are range-checked inside the computation before use; field elements need not.
		let checked = (kind != Kind::Field).then_some(bits);
		let input = |c: &mut Compiler, party: usize, element: Option<usize>| -> Val {
			let wire = c.circuit.typed_input(party, checked);
			c.manifest.inputs.push(InputSlot { name: p.name.clone(), element, source: InputSource::Party(party), bits });
			Val::Wire { wire, private: true, kind, bits, signed: false }
		};
		Ok(match (owner, p.ty.len) {
			(Owner::Party(party), None) => input(self, party, None),
			(Owner::Party(party), Some(n)) => Val::Array((0..n).map(|i| input(self, party, Some(i))).collect()),
			(Owner::Each, Some(n)) => Val::Array((0..n).map(|i| input(self, i, Some(i))).collect()),
			(Owner::Each, None) => return Err(err(p.span, "`@ each` needs an array parameter")),
		})
	}

	fn lookup(&self, name: &str, span: Span) -> CResult<&Var> {
		self.scopes
			.iter()
			.rev()
			.find_map(|s| s.get(name))
			.or_else(|| self.globals.get(name))
			.ok_or_else(|| err(span, format!("cannot find variable `{name}`")))
	}

	fn lookup_mut(&mut self, name: &str, span: Span) -> CResult<&mut Var> {
		self.scopes
			.iter_mut()
			.rev()
			.find_map(|s| s.get_mut(name))
			.ok_or_else(|| err(span, format!("cannot find variable `{name}`")))
	}

	fn constant(&mut self, value: u128) -> Wire {
		if let Some(w) = self.consts.get(&value) {
			return *w;
		}
		let w = self.circuit.push(Op::Const(value));
		self.consts.insert(value, w);
		w
	}

	fn wire(&mut self, v: &Val, span: Span) -> CResult<Wire> {
		match v {
			Val::Const { value, .. } => Ok(self.constant(*value)),
			Val::Wire { wire, .. } => Ok(*wire),
			Val::Array(_) => Err(err(span, "expected a single value, found an array")),
		}
	}

	/// Side effects (outputs, ledger writes, requirements) are not allowed under a runtime condition.
	fn ensure_unguarded(&self, span: Span, what: &str) -> CResult<()> {
		match self.guard {
			Some((_, true)) => Err(err(span, format!("{what} under a private condition"))
				.note("a private condition cannot guard a public side effect: both branches run and nobody may learn which one mattered")),
			Some((_, false)) => Err(err(span, format!("{what} under a condition known only at run time")).note("conditions of side effects must be known at compile time")),
			None => Ok(()),
		}
	}

	fn block(&mut self, stmts: &[Stmt], is_function: bool) -> CResult<Option<Val>> {
		for (i, stmt) in stmts.iter().enumerate() {
			if let Stmt::Return { value, span } = stmt {
				if !is_function || i + 1 != stmts.len() {
					return Err(err(*span, "`return` must be the last statement of a function"));
				}
				let value = self.expr(value)?;
				self.within_gates(*span)?;
				return Ok(Some(value));
			}
			self.stmt(stmt)?;
		}
		Ok(None)
	}

	/// A statement, one level deeper ([`Self::expr`]'s count: a call inlines a function's
	/// blocks inside the caller's, so its statements count too), and within [`MAX_GATES`] after.
	fn stmt(&mut self, stmt: &Stmt) -> CResult<()> {
		self.depth += 1;
		if self.depth > crate::parser::MAX_NESTING {
			return Err(err(stmt_span(stmt), "statement or call nesting too deep"));
		}
		let r = self.stmt_inner(stmt);
		self.depth -= 1;
		r?;
		self.within_gates(stmt_span(stmt))
	}

	/// Whether the circuit is still within [`MAX_GATES`]: asked after every statement, `return`,
	/// call and loop iteration, so what grows between two asks is one expression's gates.
	fn within_gates(&self, span: Span) -> CResult<()> {
		if self.circuit.gates.len() > MAX_GATES {
			return Err(err(span, format!("the circuit has more than {MAX_GATES} gates")).note("split the work into several tasks"));
		}
		Ok(())
	}

	fn stmt_inner(&mut self, stmt: &Stmt) -> CResult<()> {
		match stmt {
			Stmt::Let { name, mutable, ty, value, span } => {
				let val = self.expr(value)?;
				let private = match ty {
					Some(t) => {
						if !t.private && val.is_private() {
							return Err(err(*span, format!("private value flows into public variable `{name}`"))
								.note(format!("declare it `private`, or make the value public with `reveal(...)`")));
						}
						self.fits(t, &val, *span)?;
						t.private
					},
					None => val.is_private(),
				};
				self.scopes.last_mut().expect("a scope").insert(name.clone(), Var { val, private, mutable: *mutable, declared: ty.clone() });
				Ok(())
			},
			Stmt::Assign { target, index, value, span } => {
				let val = self.expr(value)?;
				// Two lookups, each walking the scopes.
				self.charge(2 * self.scopes.len() as u64, *span)?;
				let index = match index {
					Some(i) => Some(self.const_index(i)?),
					None => None,
				};
				let guard = self.guard;
				let var = self.lookup(target, *span)?;
				if let Some(declared) = var.declared.clone() {
					// An element of an array variable must fit the element type.
					let ty = if index.is_some() { Type { len: None, ..declared } } else { declared };
					self.fits(&ty, &val, *span).map_err(|d| d.note(format!("`{target}` is declared `{}`", describe_type(&ty))))?;
				} else {
					// Without a declared type the first value fixes it: a bool stays a bool.
					let old = match (&var.val, index) {
						(Val::Array(items), Some(i)) => items.get(i).map(Val::kind),
						(old, _) => Some(old.kind()),
					};
					if old.is_some_and(|old| (old == Kind::Bool) != (val.kind() == Kind::Bool)) {
						return Err(err(*span, format!("`{target}` holds a {}, not a {}", describe_kind(old.expect("some")), describe_kind(val.kind())))
							.note("a variable keeps the kind of its first value; declare another variable"));
					}
				}
				let var = self.lookup_mut(target, *span)?;
				if !var.mutable {
					return Err(err(*span, format!("cannot assign twice to immutable variable `{target}`")).note("declare it with `let mut`"));
				}
				if !var.private {
					if val.is_private() {
						return Err(err(*span, format!("private value flows into public variable `{target}`"))
							.note("declare the variable `private`, or make the value public with `reveal(...)`"));
					}
					if let Some((_, private)) = guard {
						return Err(err(*span, format!("public variable `{target}` is assigned under a {} condition", if private { "private" } else { "run-time" }))
							.note("a private condition cannot guard a public side effect: declare the variable `private`"));
					}
				}
				match (index, &mut var.val) {
					(None, slot) => *slot = val,
					(Some(_), Val::Array(_)) if matches!(val, Val::Array(_)) => return Err(err(*span, "an array's items are numbers or bools, not arrays")),
					(Some(i), Val::Array(items)) => {
						let n = items.len();
						*items.get_mut(i).ok_or_else(|| err(*span, format!("index {i} is out of bounds for an array of {n}")))? = val;
					},
					(Some(_), _) => return Err(err(*span, format!("`{target}` is not an array"))),
				}
				Ok(())
			},
			Stmt::If { cond, then, otherwise, span } => self.if_stmt(cond, then, otherwise, *span),
			Stmt::For { var, from, to, body, span } => {
				let (from, to) = (self.expr(from)?, self.expr(to)?);
				let bound = |v: &Val, s: Span| -> CResult<u128> {
					match v {
						Val::Const { value, .. } => Ok(*value),
						other => Err(err(s, "loop bounds must be known at compile time").note(if other.is_private() {
							"a private value cannot decide how often a loop runs: that would leak it"
						} else {
							"use a constant or a public argument"
						})),
					}
				};
				let (a, b) = (bound(&from, *span)?, bound(&to, *span)?);
				for i in a..b {
					self.unroll(*span)?;
					self.scopes.push(Scope::from([(var.clone(), Var { val: Val::Const { value: i, kind: Kind::Int }, private: false, mutable: false, declared: None })]));
					let r = self.block(body, false);
					self.scopes.pop();
					r?;
				}
				Ok(())
			},
			Stmt::Return { span, .. } => Err(err(*span, "`return` must be the last statement of a function")),
			Stmt::LedgerWrite { key, value, span } => {
				self.ensure_unguarded(*span, "a ledger write")?;
				let key = self.const_index(key)?;
				let val = self.expr(value)?;
				if val.is_private() {
					return Err(err(*span, "private value flows into the public ledger `L`").note("write `L[key] = reveal(value)` if it may be public"));
				}
				self.ensure_non_negative(&val, *span, "a ledger value")?;
				let wire = self.wire(&val, *span)?;
				let name = format!("L[{key}]");
				self.emit(name, wire, Recipient::Everyone, OutputTarget::Ledger(key as u64), *span)?;
				Ok(())
			},
			Stmt::Expr { expr, .. } => {
				self.expr(expr)?;
				Ok(())
			},
		}
	}

	fn if_stmt(&mut self, cond: &Expr, then: &[Stmt], otherwise: &[Stmt], span: Span) -> CResult<()> {
		let c = self.expr(cond)?;
		if c.kind() != Kind::Bool {
			return Err(err(cond.span, "a condition must be a bool"));
		}
		match c {
			Val::Const { value, .. } => {
				self.scopes.push(Scope::new());
				let r = self.block(if value != 0 { then } else { otherwise }, false);
				self.scopes.pop();
				r.map(|_| ())
			},
			Val::Wire { wire: cw, private, .. } => {
				// Run both branches from the same state, then select every changed variable: the
				// state is copied three times.
				let state: u64 = self.scopes.iter().flat_map(|s| s.values()).map(|v| v.val.size()).sum();
				self.charge(3 * state, span)?;
				let before = self.scopes.clone();
				let outer_guard = self.guard;
				self.guard = Some((cond.span, private || outer_guard.map_or(false, |g| g.1)));
				self.scopes.push(Scope::new());
				let r = self.block(then, false);
				self.scopes.pop();
				r?;
				let after_then = std::mem::replace(&mut self.scopes, before);
				self.scopes.push(Scope::new());
				let r = self.block(otherwise, false);
				self.scopes.pop();
				r?;
				self.guard = outer_guard;
				let after_else = self.scopes.clone();
				for (depth, scope) in after_else.iter().enumerate() {
					for (name, else_var) in scope {
						let then_var = &after_then[depth][name];
						let merged = self.select(cw, &then_var.val, &else_var.val, span)?;
						self.scopes[depth].get_mut(name).expect("same variables").val = merged;
					}
				}
				Ok(())
			},
			Val::Array(_) => Err(err(cond.span, "a condition must be a bool")),
		}
	}

	/// cond ? a : b, element-wise; unchanged values stay as they are.
	fn select(&mut self, cond: Wire, a: &Val, b: &Val, span: Span) -> CResult<Val> {
		Ok(match (a, b) {
			(Val::Array(xs), Val::Array(ys)) => {
				Val::Array(xs.iter().zip(ys).map(|(x, y)| self.select(cond, x, y, span)).collect::<CResult<_>>()?)
			},
			(Val::Const { value: x, .. }, Val::Const { value: y, .. }) if x == y => a.clone(),
			(Val::Wire { wire: x, .. }, Val::Wire { wire: y, .. }) if x == y => a.clone(),
			(Val::Const { value: x, kind }, Val::Const { value: y, .. }) => {
				// cond·(x − y) + y: two public branches need no multiplication.
				let wire = if x >= y {
					let scaled = self.circuit.push(Op::MulConst(cond, x - y));
					self.circuit.push(Op::AddConst(scaled, *y))
				} else {
					let scaled = self.circuit.push(Op::MulConst(cond, y - x));
					let base = self.constant(*y);
					self.circuit.push(Op::Sub(base, scaled))
				};
				let bound = (*x).max(*y);
				self.max.insert(wire, bound);
				Val::Wire { wire, private: true, kind: *kind, bits: (128 - bound.leading_zeros()).max(1), signed: false }
			},
			_ => {
				let (x, y) = (self.wire(a, span)?, self.wire(b, span)?);
				let (ba, sa) = a.bits();
				let (bb, sb) = b.bits();
				let wire = self.circuit.push(Op::Select { cond, then: x, otherwise: y });
				self.max.insert(wire, self.max_of(a).max(self.max_of(b)));
				// Branches agree on bool versus number (assignments keep a variable's kind); a
				// number is a field element if either branch made it one.
				let kind = if a.kind() == Kind::Field || b.kind() == Kind::Field { Kind::Field } else { a.kind() };
				Val::Wire { wire, private: true, kind, bits: if kind == Kind::Field { 255 } else { ba.max(bb) }, signed: sa || sb }
			},
		})
	}

	fn const_index(&mut self, e: &Expr) -> CResult<usize> {
		match self.expr(e)? {
			Val::Const { value, .. } => usize::try_from(value).map_err(|_| err(e.span, "index too large")),
			v => Err(err(e.span, "indices must be known at compile time").note(if v.is_private() {
				"indexing with a private value would reveal it through the memory access"
			} else {
				"use a constant or a loop counter"
			})),
		}
	}

	pub fn expr(&mut self, e: &Expr) -> CResult<Val> {
		self.depth += 1;
		if self.depth > 256 {
			return Err(err(e.span, "expression or call nesting too deep"));
		}
		// Gates are counted after every expression too: one statement may hold many calls of
		// built-ins that each make thousands (`[max(a), max(a), …]`).
		let r = self.charge(1, e.span).and_then(|()| self.expr_inner(e)).and_then(|v| self.within_gates(e.span).map(|()| v));
		self.depth -= 1;
		r
	}

	fn expr_inner(&mut self, e: &Expr) -> CResult<Val> {
		match &e.kind {
			ExprKind::Int(v) => Ok(Val::Const { value: *v, kind: Kind::Int }),
			ExprKind::Bool(b) => Ok(Val::Const { value: *b as u128, kind: Kind::Bool }),
			ExprKind::Var(name) => {
				// A lookup walks the scopes; a copy copies every item.
				let val = self.lookup(name, e.span)?.val.clone();
				self.charge(self.scopes.len() as u64 + val.size(), e.span)?;
				Ok(val)
			},
			ExprKind::Array(items) => {
				let items: Vec<Val> = items.iter().map(|i| self.expr(i)).collect::<CResult<_>>()?;
				// Arrays are of numbers and bools (`[T; N]`): an array of arrays, rebuilt in a loop
				// (`a = [a]`), would nest without end in a flat syntax tree.
				if items.iter().any(|v| matches!(v, Val::Array(_))) {
					return Err(err(e.span, "an array's items are numbers or bools, not arrays"));
				}
				Ok(Val::Array(items))
			},
			ExprKind::Index(array, index) => {
				let i = self.const_index(index)?;
				// An item of a variable is read in place, not out of a copy of the whole array.
				if let ExprKind::Var(name) = &array.kind {
					self.charge(self.scopes.len() as u64, e.span)?;
					return match &self.lookup(name, array.span)?.val {
						Val::Array(items) => items.get(i).cloned().ok_or_else(|| err(e.span, format!("index {i} is out of bounds for an array of {}", items.len()))),
						_ => Err(err(array.span, "only arrays can be indexed")),
					};
				}
				match self.expr(array)? {
					Val::Array(items) => {
						let n = items.len();
						items.into_iter().nth(i).ok_or_else(|| err(e.span, format!("index {i} is out of bounds for an array of {n}")))
					},
					_ => Err(err(array.span, "only arrays can be indexed")),
				}
			},
			ExprKind::Not(inner) => {
				let v = self.expr(inner)?;
				if v.kind() != Kind::Bool {
					return Err(err(e.span, "`!` needs a bool"));
				}
				self.not(v, e.span)
			},
			ExprKind::Neg(inner) => {
				let v = self.expr(inner)?;
				let zero = Val::Const { value: 0, kind: Kind::Int };
				self.arith(BinOp::Sub, zero, v, e.span)
			},
			ExprKind::Binary(op, a, b) => {
				let (x, y) = (self.expr(a)?, self.expr(b)?);
				self.binary(*op, x, y, e.span)
			},
			ExprKind::Call { receiver: Some(dict), name, args } => self.dictionary(dict, name, args, e.span),
			ExprKind::DictGet { dict, key } => self.dictionary_get(dict, key, e.span),
			ExprKind::Call { receiver: None, name, args } => self.call(name, args, e.span),
		}
	}

	fn not(&mut self, v: Val, span: Span) -> CResult<Val> {
		match v {
			Val::Const { value, .. } => Ok(Val::Const { value: (value == 0) as u128, kind: Kind::Bool }),
			Val::Wire { wire, private, .. } => {
				let one = self.constant(1);
				let w = self.circuit.push(Op::Sub(one, wire));
				Ok(Val::Wire { wire: w, private, kind: Kind::Bool, bits: 1, signed: false })
			},
			Val::Array(_) => Err(err(span, "`!` needs a bool")),
		}
	}

	fn binary(&mut self, op: BinOp, a: Val, b: Val, span: Span) -> CResult<Val> {
		use BinOp::*;
		match op {
			Add | Sub | Mul | Div | Rem => {
				if a.kind() == Kind::Bool || b.kind() == Kind::Bool {
					return Err(err(span, "arithmetic needs numbers, found a bool"));
				}
				self.arith(op, a, b, span)
			},
			And | Or => {
				if a.kind() != Kind::Bool || b.kind() != Kind::Bool {
					return Err(err(span, "`&&` and `||` need bools"));
				}
				match (&a, &b) {
					(Val::Const { value: x, .. }, Val::Const { value: y, .. }) => {
						let r = if op == And { *x != 0 && *y != 0 } else { *x != 0 || *y != 0 };
						Ok(Val::Const { value: r as u128, kind: Kind::Bool })
					},
					_ => {
						let private = a.is_private() || b.is_private();
						let (x, y) = (self.wire(&a, span)?, self.wire(&b, span)?);
						let product = self.circuit.push(Op::Mul(x, y));
						let wire = if op == And {
							product
						} else {
							let sum = self.circuit.push(Op::Add(x, y));
							self.circuit.push(Op::Sub(sum, product))
						};
						Ok(Val::Wire { wire, private, kind: Kind::Bool, bits: 1, signed: false })
					},
				}
			},
			Lt | Le | Gt | Ge | Eq | Ne => self.compare(op, a, b, span),
		}
	}

	fn arith(&mut self, op: BinOp, a: Val, b: Val, span: Span) -> CResult<Val> {
		use BinOp::*;
		let kind = if a.kind() == Kind::Field || b.kind() == Kind::Field { Kind::Field } else { Kind::Int };
		if let (Val::Const { value: x, .. }, Val::Const { value: y, .. }) = (&a, &b) {
			let v = match op {
				Add => x.checked_add(*y),
				Sub => x.checked_sub(*y),
				Mul => x.checked_mul(*y),
				Div => x.checked_div(*y),
				Rem => x.checked_rem(*y),
				_ => unreachable!(),
			}
			.ok_or_else(|| err(span, "constant arithmetic overflows, goes below zero or divides by zero"))?;
			return Ok(Val::Const { value: v, kind });
		}
		let private = a.is_private() || b.is_private();
		let ((ba, sa), (bb, sb)) = (a.bits(), b.bits());
		// The result's upper bound, from the operands' (None: it may pass 128 bits).
		let (ma, mb) = (self.max_of(&a), self.max_of(&b));
		let bound = match op {
			Add => ma.checked_add(mb),
			Mul => ma.checked_mul(mb),
			// A difference may be negative: keep its width as it is.
			Sub => None,
			Div => Some(ma / mb.max(1)),
			Rem => Some(mb.saturating_sub(1)),
			_ => None,
		};
		let (wire, bits, signed) = match (op, &a, &b) {
			(Add, _, Val::Const { value, .. }) | (Add, Val::Const { value, .. }, _) => {
				let w = if let Val::Const { .. } = a { self.wire(&b, span)? } else { self.wire(&a, span)? };
				(self.circuit.push(Op::AddConst(w, *value)), ba.max(bb) + 1, sa || sb)
			},
			(Add, _, _) => {
				let (x, y) = (self.wire(&a, span)?, self.wire(&b, span)?);
				(self.circuit.push(Op::Add(x, y)), ba.max(bb) + 1, sa || sb)
			},
			(Sub, _, _) => {
				// |a - b| < 2^max(ba, bb) when both are non-negative; otherwise |a| + |b| needs one
				// bit more (d - (0 - d) is 2d).
				let (x, y) = (self.wire(&a, span)?, self.wire(&b, span)?);
				(self.circuit.push(Op::Sub(x, y)), ba.max(bb) + (sa || sb) as u32, true)
			},
			(Mul, _, Val::Const { value, .. }) | (Mul, Val::Const { value, .. }, _) => {
				let w = if let Val::Const { .. } = a { self.wire(&b, span)? } else { self.wire(&a, span)? };
				(self.circuit.push(Op::MulConst(w, *value)), ba + bb, sa || sb)
			},
			(Mul, Val::Wire { wire: x, .. }, Val::Wire { wire: y, .. }) => {
				// x·x is never negative, whatever the sign of x.
				let signed = (sa || sb) && x != y;
				(self.circuit.push(Op::Mul(*x, *y)), ba + bb, signed)
			},
			(Div | Rem, _, Val::Const { value: d, .. }) => {
				if *d == 0 {
					return Err(err(span, "division by zero"));
				}
				if kind == Kind::Field || sa {
					return Err(err(span, "division needs an unsigned integer").note("the dividend may be negative here (it comes from a subtraction)"));
				}
				let x = self.wire(&a, span)?;
				let width = ba.max(1).min(MAX_BITS);
				let (bound, _) = enigma_mpc::circuit::div_shape(*d, width);
				let room = enigma_mpc::nonlinear::max_masked_bound::<enigma_mpc::field::Fr>();
				if bound > room {
					return Err(err(span, format!("dividing a {width}-bit value by {d} takes a {bound}-bit masked opening; the field holds {room}"))
						.note("divide a narrower value (or by a power of two)"));
				}
				let q = self.circuit.push(Op::DivConst { a: x, divisor: *d, bits: width });
				if op == Div {
					(q, ba, false)
				} else {
					let back = self.circuit.push(Op::MulConst(q, *d));
					(self.circuit.push(Op::Sub(x, back)), 128 - (d - 1).leading_zeros(), false)
				}
			},
			(Div | Rem, _, _) => {
				return Err(err(span, "divisors must be known at compile time").note("division by a secret or run-time value is not supported"))
			},
			_ => return Err(err(span, "unsupported operands")),
		};
		// Both bounds are sound; keep the tighter one. A field element has no width beyond the
		// field's (squaring one again and again would double the count past u32).
		let bits = match bound {
			_ if kind == Kind::Field => 255,
			Some(m) => bits.min(128 - m.leading_zeros()),
			None => bits,
		};
		if bits > MAX_BITS && kind == Kind::Int {
			// Still a valid field element; only comparisons need the bound.
			return Ok(Val::Wire { wire, private, kind: Kind::Field, bits: 255, signed });
		}
		if let Some(m) = bound {
			self.max.insert(wire, m);
		}
		Ok(Val::Wire { wire, private, kind, bits, signed })
	}

	/// Fails unless `v` fits the declared type `ty`: its kind and shape, and for `uN` a value
	/// that provably lies in [0, 2^N). Assignments, typed `let`s, arguments, return values and
	/// constants all go through here, so a variable never holds more than its type says.
	fn fits(&self, ty: &Type, v: &Val, span: Span) -> CResult<()> {
		check_kind(ty, v, span)?;
		let BaseType::Uint(width) = ty.base else { return Ok(()) };
		let elements: Vec<&Val> = match v {
			Val::Array(items) => items.iter().collect(),
			single => vec![single],
		};
		for e in elements {
			if let Val::Wire { signed: true, .. } = e {
				return Err(err(span, format!("the value may be negative (it comes from a subtraction), which `u{width}` cannot hold"))
					.note("compare the operands first, or square the difference"));
			}
			let max = self.max_of(e);
			if width < 128 && max >> width != 0 {
				return Err(err(span, format!("the value may need {} bits, more than `u{width}` holds", 128 - max.leading_zeros()))
					.note("declare a wider type, or bound the value first (e.g. with `min`)"));
			}
		}
		Ok(())
	}

	/// Values the chain sees (outputs, ledger writes) must be non-negative integers: a negative
	/// one would be a field element near the modulus.
	fn ensure_non_negative(&self, v: &Val, span: Span, what: &str) -> CResult<()> {
		match v {
			Val::Wire { signed: true, .. } => Err(err(span, format!("{what} may be negative (it comes from a subtraction)"))
				.note("publish non-negative values: compare the operands, or square the difference")),
			Val::Wire { kind: Kind::Field, .. } => Err(err(span, format!("{what} is a field element, not an integer of a known width"))),
			Val::Array(items) => items.iter().try_for_each(|i| self.ensure_non_negative(i, span, what)),
			_ => Ok(()),
		}
	}

	/// The largest value `v` can hold: a constant's value, a tracked bound, or from its width.
	fn max_of(&self, v: &Val) -> u128 {
		match v {
			Val::Const { value, .. } => *value,
			Val::Wire { wire, bits, .. } => {
				let from_bits = if *bits >= 128 { u128::MAX } else { (1u128 << *bits) - 1 };
				self.max.get(wire).copied().map_or(from_bits, |m| m.min(from_bits))
			},
			Val::Array(_) => 0,
		}
	}

	fn compare(&mut self, op: BinOp, a: Val, b: Val, span: Span) -> CResult<Val> {
		use BinOp::*;
		if let (Val::Const { value: x, .. }, Val::Const { value: y, .. }) = (&a, &b) {
			let r = match op {
				Lt => x < y,
				Le => x <= y,
				Gt => x > y,
				Ge => x >= y,
				Eq => x == y,
				Ne => x != y,
				_ => unreachable!(),
			};
			return Ok(Val::Const { value: r as u128, kind: Kind::Bool });
		}
		if a.kind() == Kind::Field || b.kind() == Kind::Field {
			return Err(err(span, "field elements cannot be compared").note("comparisons need integers of a known width (u8..u64)"));
		}
		let ((ba, sa), (bb, sb)) = (a.bits(), b.bits());
		if sa || sb {
			return Err(err(span, "cannot compare a value that may be negative").note("it comes from a subtraction; compare the operands instead, or square the difference"));
		}
		let bits = ba.max(bb).max(1);
		let private = a.is_private() || b.is_private();
		let (x, y) = (self.wire(&a, span)?, self.wire(&b, span)?);
		let wire = match op {
			Lt => self.circuit.push(Op::Lt { a: x, b: y, bits }),
			Le => self.circuit.push(Op::Le { a: x, b: y, bits }),
			Gt => self.circuit.push(Op::Lt { a: y, b: x, bits }),
			Ge => self.circuit.push(Op::Le { a: y, b: x, bits }),
			Eq => self.circuit.push(Op::Eq { a: x, b: y, bits }),
			Ne => {
				let eq = self.circuit.push(Op::Eq { a: x, b: y, bits });
				let one = self.constant(1);
				self.circuit.push(Op::Sub(one, eq))
			},
			_ => unreachable!(),
		};
		Ok(Val::Wire { wire, private, kind: Kind::Bool, bits: 1, signed: false })
	}

	fn call(&mut self, name: &str, args: &[Expr], span: Span) -> CResult<Val> {
		let arity = |n: usize| -> CResult<()> {
			if args.len() == n { Ok(()) } else { Err(err(span, format!("`{name}` takes {n} argument(s), got {}", args.len()))) }
		};
		match name {
			"reveal" => {
				arity(1)?;
				let v = self.expr(&args[0])?;
				self.reveal(v, span)
			},
			"min" | "max" | "argmin" | "argmax" if args.len() == 1 => {
				let largest = name.ends_with("max");
				let items = match self.expr(&args[0])? {
					Val::Array(items) if !items.is_empty() => items,
					_ => return Err(err(args[0].span, format!("`{name}` of one argument takes a non-empty array"))),
				};
				let (value, index) = self.tournament(largest, items, span)?;
				Ok(if name.starts_with("arg") { index } else { value })
			},
			"min" | "max" => {
				arity(2)?;
				let (a, b) = (self.expr(&args[0])?, self.expr(&args[1])?);
				let a_less = self.compare(BinOp::Lt, a.clone(), b.clone(), span)?;
				let Val::Wire { wire: c, .. } = a_less else {
					// Both constant.
					let take_a = matches!(a_less, Val::Const { value: 1, .. }) == (name == "min");
					return Ok(if take_a { a } else { b });
				};
				let (first, second) = if name == "min" { (&a, &b) } else { (&b, &a) };
				let selected = self.select(c, first, second, span)?;
				Ok(match selected {
					Val::Wire { wire, kind, bits, signed, .. } => {
						// min(a, b) is at most the smaller bound: min(x, CAP) fits CAP's width.
						let (ma, mb) = (self.max_of(&a), self.max_of(&b));
						let bound = if name == "min" { ma.min(mb) } else { ma.max(mb) };
						self.max.insert(wire, bound);
						let bits = bits.min(128 - bound.leading_zeros()).max(1);
						Val::Wire { wire, private: a.is_private() || b.is_private(), kind, bits, signed }
					},
					other => other,
				})
			},
			"output" => {
				arity(1)?;
				self.ensure_unguarded(span, "an output")?;
				let v = self.expr(&args[0])?;
				if v.is_private() {
					return Err(err(span, "private value flows into a public output").note("use `output(reveal(x))` to publish it, or `output_to(party, x)` to send it to one party"));
				}
				self.ensure_non_negative(&v, span, "an output")?;
				let wire = self.wire(&v, span)?;
				let name = format!("out{}", self.manifest.outputs.len());
				self.emit(name, wire, Recipient::Everyone, OutputTarget::Everyone, span)?;
				Ok(Val::Const { value: 0, kind: Kind::Int })
			},
			"output_to" => {
				arity(2)?;
				self.ensure_unguarded(span, "an output")?;
				let party = self.const_index(&args[0])?;
				if party >= self.circuit.parties() {
					return Err(err(args[0].span, format!("party {party} does not exist: the contract has {} parties", self.circuit.parties())));
				}
				let v = self.expr(&args[1])?;
				self.ensure_non_negative(&v, span, "an output")?;
				let wire = self.wire(&v, span)?;
				let name = format!("out{}", self.manifest.outputs.len());
				self.emit(name, wire, Recipient::Party(party), OutputTarget::Party(party), span)?;
				Ok(Val::Const { value: 0, kind: Kind::Int })
			},
			"now" | "submitter" => {
				arity(0)?;
				let facts = self.facts.as_ref().ok_or_else(|| {
					err(span, format!("`{name}()` is a fact of the task on chain, known when a task runs"))
						.note("enigma-lang takes it with --block and --submitter")
				})?;
				let value = if name == "now" { facts.block as u128 } else { facts.submitter };
				Ok(Val::Const { value, kind: Kind::Int })
			},
			"shrink" => {
				// Whitepaper 5.4, adaptive circuits: what follows runs on fewer members.
				arity(1)?;
				self.ensure_unguarded(span, "shrinking the committee")?;
				let members = match self.expr(&args[0])? {
					Val::Const { value, .. } => usize::try_from(value).unwrap_or(usize::MAX),
					_ => return Err(err(span, "`shrink` needs a member count known at compile time")),
				};
				if members as u128 > crate::parser::MAX_PARTY {
					return Err(err(span, format!("a committee has fewer than {} members to shrink from", crate::parser::MAX_PARTY)));
				}
				if members < enigma_mpc::circuit::MIN_SHRUNK_COMMITTEE {
					return Err(err(span, format!("a committee shrinks to {} members or more", enigma_mpc::circuit::MIN_SHRUNK_COMMITTEE))
						.note("fewer could not outvote a member that alters a value"));
				}
				if self.circuit.shrink.is_some() {
					return Err(err(span, "a contract shrinks its committee once"));
				}
				if self.contract.security == Security::DishonestMajority {
					return Err(err(span, "a dishonest-majority contract cannot shrink its committee").note("SPDZ's sharings need every member to the end"));
				}
				self.circuit.shrink = Some(enigma_mpc::circuit::Shrink { at: self.circuit.gates.len(), members });
				Ok(Val::Const { value: 0, kind: Kind::Int })
			},
			"require" => {
				arity(1)?;
				self.ensure_unguarded(span, "a requirement")?;
				match self.expr(&args[0])? {
					Val::Const { value: 0, .. } => Err(err(span, "this requirement fails for the given public arguments")),
					Val::Const { .. } => Ok(Val::Const { value: 0, kind: Kind::Int }),
					v => Err(err(span, "`require` needs a condition known at compile time").note(if v.is_private() {
						"a private condition would leak through whether the contract aborts"
					} else {
						"use public arguments in the condition"
					})),
				}
			},
			_ => self.user_call(name, args, span),
		}
	}

	/// The largest (or smallest) of `items` and its index, the lowest on ties, as a balanced
	/// tournament: ⌈log2 n⌉ layers of comparisons where a running maximum takes n − 1 in a row.
	/// A contestant beats the one to its left only if strictly better, so ties keep the lower index
	/// as a running maximum with `>` does. In the first layer the indices are public constants, so
	/// selecting them is linear ([`Self::select`]); from the second layer on they are wires.
	fn tournament(&mut self, largest: bool, items: Vec<Val>, span: Span) -> CResult<(Val, Val)> {
		// Hashing the contestants, and playing, are linear in their number.
		self.charge(items.len() as u64, span)?;
		let key = (largest, items);
		if let Some(played) = self.tournaments.get(&key) {
			return Ok(played.clone());
		}
		let gates = self.circuit.gates.len();
		let mut round: Vec<(Val, Val)> =
			key.1.iter().enumerate().map(|(i, v)| (v.clone(), Val::Const { value: i as u128, kind: Kind::Int })).collect();
		while round.len() > 1 {
			let mut next = Vec::with_capacity(round.len().div_ceil(2));
			let mut contestants = round.into_iter();
			while let Some(left) = contestants.next() {
				let Some(right) = contestants.next() else {
					next.push(left);
					break;
				};
				let beats = if largest { BinOp::Lt } else { BinOp::Gt };
				next.push(match self.compare(beats, left.0.clone(), right.0.clone(), span)? {
					Val::Wire { wire, .. } => (self.select(wire, &right.0, &left.0, span)?, self.select(wire, &right.1, &left.1, span)?),
					Val::Const { value, .. } => if value == 1 { right } else { left },
					Val::Array(_) => return Err(err(span, "cannot compare arrays")),
				});
			}
			round = next;
		}
		// A select's result is private, but the winner of public contestants is public, as the
		// two-value `max` makes it.
		let private = key.1.iter().any(Val::is_private);
		let publish = |v: Val| match v {
			Val::Wire { wire, kind, bits, signed, .. } => Val::Wire { wire, private, kind, bits, signed },
			other => other,
		};
		let winner = round.pop().map(|(value, index)| (publish(value), publish(index))).expect("at least one contestant");
		// Only a tournament that made gates is worth keeping (one over constants is as quick to
		// play again), and only as many contestants as the cache may hold.
		if self.circuit.gates.len() > gates && self.cached_contestants + key.1.len() <= MAX_CACHED_CONTESTANTS {
			self.cached_contestants += key.1.len();
			self.tournaments.insert(key, winner.clone());
		}
		Ok(winner)
	}

	fn reveal(&mut self, v: Val, span: Span) -> CResult<Val> {
		match v {
			Val::Wire { wire, private: true, kind, bits, signed } => {
				self.ensure_unguarded(span, "a reveal")?;
				let w = self.circuit.push(Op::Reveal(wire));
				Ok(Val::Wire { wire: w, private: false, kind, bits, signed })
			},
			Val::Array(items) => Ok(Val::Array(items.into_iter().map(|i| self.reveal(i, span)).collect::<CResult<_>>()?)),
			public => Ok(public),
		}
	}

	/// `steps` more of compile-time work, within [`MAX_WORK`].
	fn charge(&mut self, steps: u64, span: Span) -> CResult<()> {
		self.work = self.work.saturating_add(steps);
		if self.work > MAX_WORK {
			return Err(err(span, format!("the contract takes more than {MAX_WORK} steps of compile-time work"))
				.note("each expression evaluated is a step, and each array item copied: read items (`a[i]`) rather than whole arrays in long loops"));
		}
		Ok(())
	}

	/// One more loop iteration or call inlined, within [`MAX_UNROLL`].
	fn unroll(&mut self, span: Span) -> CResult<()> {
		self.unrolled += 1;
		if self.unrolled > MAX_UNROLL {
			return Err(err(span, format!("more than {MAX_UNROLL} loop iterations and calls in total")));
		}
		self.within_gates(span)
	}

	fn user_call(&mut self, name: &str, args: &[Expr], span: Span) -> CResult<Val> {
		// Calls are inlined: each counts, so that calls that branch (two in a body) cannot make
		// the compiler's work grow as 2^depth.
		self.unroll(span)?;
		let f = *self.functions.get(name).ok_or_else(|| err(span, format!("cannot find function `{name}`")))?;
		if f.public {
			return Err(err(span, format!("`{name}` is an entry point and cannot be called")));
		}
		if f.params.len() != args.len() {
			return Err(err(span, format!("`{name}` takes {} argument(s), got {}", f.params.len(), args.len())));
		}
		let mut scope = Scope::new();
		for (p, a) in f.params.iter().zip(args) {
			let v = self.expr(a)?;
			if !p.ty.private && v.is_private() {
				return Err(err(a.span, format!("private value passed to public parameter `{}` of `{name}`", p.name)).note("declare the parameter `private`, or reveal the value"));
			}
			self.fits(&p.ty, &v, a.span)?;
			scope.insert(p.name.clone(), Var { val: v, private: p.ty.private, mutable: false, declared: Some(p.ty.clone()) });
		}
		// A function sees its parameters only.
		let saved = std::mem::replace(&mut self.scopes, vec![scope]);
		let result = self.block(&f.body, true);
		self.scopes = saved;
		let value = result?.unwrap_or(Val::Const { value: 0, kind: Kind::Int });
		if let Some(ret) = &f.ret {
			if !ret.private && value.is_private() {
				return Err(err(f.span, format!("`{name}` returns a private value but its return type is public")).note("declare the return type `private`, or reveal the value"));
			}
			self.fits(ret, &value, f.span)?;
		}
		Ok(value)
	}

	fn dictionary_get(&mut self, dict: &str, key: &Expr, span: Span) -> CResult<Val> {
		let key = self.const_index(key)? as u64;
		match dict {
			"MPC" => self.store_input(InputSource::Secret(key), span),
			"DHT" => self.store_input(InputSource::Data(key), span),
			_ => Err(err(span, format!("`{dict}[key]` reads are not supported")).note("read the ledger with `L.get(key, block)`")),
		}
	}

	/// A value the committee holds already (a secret or decrypted DHT data): in the circuit, an
	/// input of party 0, which stands for the committee's store. It is read as a u64: a stored
	/// value of another width or kind does not fit this slot, and the workers refuse it. It
	/// comes without bits (a task made it; the chain recorded its width), so the circuit takes it
	/// unchecked.
	fn store_input(&mut self, source: InputSource, span: Span) -> CResult<Val> {
		self.ensure_before_shrink(span)?;
		let wire = self.circuit.typed_input(0, None);
		self.manifest.inputs.push(InputSlot { name: source.to_string(), element: None, source, bits: 64 });
		self.within_inputs(span)?;
		Ok(Val::Wire { wire, private: true, kind: Kind::Int, bits: 64, signed: false })
	}

	/// One more output of the circuit and slot of the manifest, within [`MAX_OUTPUTS`].
	fn emit(&mut self, name: String, wire: Wire, to: Recipient, target: OutputTarget, span: Span) -> CResult<()> {
		if self.manifest.outputs.len() >= MAX_OUTPUTS {
			return Err(err(span, format!("more than {MAX_OUTPUTS} outputs")).note("a task records at most that many results on chain"));
		}
		self.circuit.output(name.clone(), wire, to);
		self.manifest.outputs.push(OutputSlot { name, target });
		Ok(())
	}

	/// Whether the manifest is still within [`MAX_INPUTS`]: asked after each input slot.
	fn within_inputs(&self, span: Span) -> CResult<()> {
		if self.manifest.inputs.len() > MAX_INPUTS {
			return Err(err(span, format!("more than {MAX_INPUTS} inputs")).note("a task takes at most that many inputs on chain"));
		}
		Ok(())
	}

	/// Every input is taken by the whole committee, before it shrinks.
	fn ensure_before_shrink(&self, span: Span) -> CResult<()> {
		match self.circuit.shrink {
			Some(_) => Err(err(span, "an input read after `shrink`").note("read `MPC[k]`, `DHT[k]` and `L.get` before the committee shrinks: the whole committee takes every input")),
			None => Ok(()),
		}
	}

	fn dictionary(&mut self, dict: &str, method: &str, args: &[Expr], span: Span) -> CResult<Val> {
		let arity = |n: usize| -> CResult<()> {
			if args.len() == n { Ok(()) } else { Err(err(span, format!("`{dict}.{method}` takes {n} argument(s), got {}", args.len()))) }
		};
		match (dict, method) {
			("L", "get") => {
				arity(2)?;
				let key = self.const_index(&args[0])? as u64;
				let at = self.const_index(&args[1])? as u64;
				if let Some(ledger) = self.facts.as_ref().and_then(|facts| facts.ledger.as_ref()) {
					let value = *ledger.get(&(key, at)).ok_or_else(|| err(span, format!("L[{key}]@{at} was not read from the chain")))?;
					// As wide as the input it stands for, so that it costs no more than quoted.
					if value > u64::MAX as u128 {
						return Err(err(span, format!("L[{key}]@{at} holds {value}, wider than the 64 bits `L.get` reads")));
					}
					return Ok(Val::Const { value, kind: Kind::Int });
				}
				// A public value the worker reads from the chain: entered by party 0.
				self.ensure_before_shrink(span)?;
				let wire = self.circuit.input(0);
				self.manifest.inputs.push(InputSlot { name: format!("L[{key}]@{at}"), element: None, source: InputSource::Ledger { key, at }, bits: 64 });
				self.within_inputs(span)?;
				Ok(Val::Wire { wire, private: false, kind: Kind::Int, bits: 64, signed: false })
			},
			("MPC", "set") | ("DHT", "set") => {
				arity(3)?;
				self.ensure_unguarded(span, "a dictionary write")?;
				let key = self.const_index(&args[0])? as u64;
				let v = self.expr(&args[1])?;
				let wire = self.wire(&v, span)?;
				let name = format!("{dict}[{key}]");
				let target = if dict == "MPC" {
					// The new secret belongs to the identity of party `p`'s inputs; only this
					// contract may compute on it, and the chain records its width.
					let owner = self.const_index(&args[2])?;
					if owner >= self.circuit.parties() {
						return Err(err(args[2].span, format!("party {owner} does not exist: the contract has {} parties", self.circuit.parties())));
					}
					self.ensure_non_negative(&v, span, "a stored secret")?;
					let bits = match v.bits() {
						(b, false) if v.kind() != Kind::Field && b <= MAX_BITS => Some(b.max(1)),
						_ => None,
					};
					OutputTarget::Secret { key, owner, bits }
				} else {
					OutputTarget::Data { key, predicate: self.const_index(&args[2])? as u64 }
				};
				// New secrets stay shared with the committee; DHT data goes encrypted to the store.
				let mac = (dict == "MPC" && self.contract.security == Security::DishonestMajority).then(|| format!("{name}#mac"));
				self.emit(name, wire, Recipient::Party(0), target, span)?;
				if let Some(mac) = mac {
					// Under SPDZ every private output comes with a check on a random key r (r,
					// r·y, r·r), which its owner sees when it declassifies the value; a second
					// one on its own key is kept for the tasks that read the value (the MAC they
					// check it by, which nobody sees).
					self.emit(mac, wire, Recipient::Party(0), OutputTarget::Mac(key), span)?;
				}
				Ok(Val::Const { value: 0, kind: Kind::Int })
			},
			("MPC", "declassify") => {
				arity(1)?;
				self.ensure_unguarded(span, "a declassification")?;
				let key = self.const_index(&args[0])? as u64;
				let v = self.store_input(InputSource::Secret(key), span)?;
				let wire = self.wire(&v, span)?;
				let name = format!("declassify(MPC[{key}])");
				self.emit(name, wire, Recipient::Party(0), OutputTarget::Declassify(key), span)?;
				Ok(Val::Const { value: 0, kind: Kind::Int })
			},
			_ => Err(err(span, format!("unknown dictionary operation `{dict}.{method}`")).note("L.get(k, t); DHT.set(k, v, p), DHT[k]; MPC.set(k, v, p), MPC[k], MPC.declassify(k)")),
		}
	}
}

fn check_kind(ty: &Type, v: &Val, span: Span) -> CResult<()> {
	let want = match ty.base {
		BaseType::Uint(_) => Kind::Int,
		BaseType::Bool => Kind::Bool,
		BaseType::Field => Kind::Field,
	};
	let array_ok = match (ty.len, v) {
		(Some(n), Val::Array(items)) => items.len() == n,
		(None, Val::Array(_)) => false,
		(Some(_), _) => false,
		(None, _) => true,
	};
	if !array_ok {
		return Err(err(span, "the value's shape does not match its declared type"));
	}
	let got = v.kind();
	let compatible = got == want || (want == Kind::Field && got == Kind::Int) || (want == Kind::Int && got == Kind::Field && matches!(v, Val::Wire { .. }));
	if !compatible {
		return Err(err(span, format!("expected {want:?}, found {got:?}").to_lowercase()));
	}
	Ok(())
}

fn describe_type(ty: &Type) -> String {
	let base = match ty.base {
		BaseType::Uint(w) => format!("u{w}"),
		BaseType::Bool => "bool".into(),
		BaseType::Field => "field".into(),
	};
	let base = match ty.len {
		Some(n) => format!("[{base}; {n}]"),
		None => base,
	};
	if ty.private { format!("private {base}") } else { base }
}

fn describe_kind(kind: Kind) -> &'static str {
	match kind {
		Kind::Bool => "bool",
		Kind::Int => "number",
		Kind::Field => "field element",
	}
}

/// Where a statement is, for its diagnostics.
fn stmt_span(stmt: &Stmt) -> Span {
	match stmt {
		Stmt::Let { span, .. }
		| Stmt::Assign { span, .. }
		| Stmt::If { span, .. }
		| Stmt::For { span, .. }
		| Stmt::Return { span, .. }
		| Stmt::LedgerWrite { span, .. }
		| Stmt::Expr { span, .. } => *span,
	}
}

