//! Work the compiler does that makes no gate, so that [`MAX_GATES`] does not bound it: constant
//! arithmetic folded in a long loop, whole arrays copied on every read, the state a private `if`
//! runs both branches from, tournaments over constants. A member compiles every task's contract
//! on a blocking thread that nothing can stop; a contract that keeps it busy for hours takes a
//! core from every task the member runs after it. Each is refused with a diagnostic, the same on
//! every member, so that they all abort the task.
//!
//! [`MAX_GATES`]: enigma_lang::compiler::MAX_GATES

use enigma_lang::{compile, compiler::PublicArg};
use std::collections::BTreeMap;

/// A public array of `n` zeros, `a`, and a private bool of party 0, `p`, then `body`.
fn compile_with_array(n: usize, body: &str) -> Result<(), String> {
	let source = format!("contract Work {{\n  pub fn f(a: [u64; {n}], p: private bool @0) {{\n    {body}\n  }}\n}}\n");
	let public = BTreeMap::from([("a".to_string(), PublicArg::List(vec![0; n]))]);
	compile(&source, "f", &public, 1).map(|_| ()).map_err(|d| d.message)
}

#[test]
fn work_that_makes_no_gate_is_bounded() {
	let sum = " + 1".repeat(200);
	let folding = format!("let mut x = 0; for i in 0..1000000 {{ {} }} output(x);", format!("x = x{sum} - 200; ").repeat(20));
	let cases = [
		("constant arithmetic folded in a loop", folding),
		("an array copied on every read", "for i in 0..1000000 { let b = a; }".to_string()),
		("the state a private if starts from", "for i in 0..1000000 { if p { } }".to_string()),
		("a tournament over constants", "for i in 0..1000000 { let m = max(a); }".to_string()),
		("tournaments over arrays that change", "let mut b = a; for i in 0..1000000 { b[0] = i; let m = max(b); }".to_string()),
	];
	for (what, body) in cases {
		let refused = compile_with_array(65_536, &body).expect_err(what);
		assert!(refused.contains("compile-time work"), "{what}: {refused}");
	}
}

#[test]
fn reading_an_item_does_not_copy_its_array() {
	compile_with_array(65_536, "let mut s = 0; for i in 0..100000 { s = s + a[7]; } output(s);").expect("an item read 100,000 times");
}

#[test]
fn a_field_squared_again_and_again_keeps_its_width() {
	let source = "contract Square { pub fn f(x: private field @0) { let mut y = x; for i in 0..64 { y = y * y; } } }";
	compile(source, "f", &BTreeMap::new(), 1).expect("64 squarings of a field element");
}

#[test]
fn identifiers_are_short() {
	let name = "v".repeat(1_000);
	let source = format!("contract Names {{ pub fn f(x: private u8 @0) {{ let {name} = x; output(reveal({name})); }} }}");
	let refused = compile(&source, "f", &BTreeMap::new(), 1).map(|_| ()).expect_err("a 1,000-byte name");
	assert!(refused.message.contains("name"), "{}", refused.message);
}

/// Outputs make no gate: without their own limit, a loop of `output(0)` grew the circuit and
/// the manifest by millions of entries (gigabytes) before the chain's 4,096 could refuse them.
#[test]
fn outputs_and_inputs_are_as_many_as_a_task_may_have() {
	for (what, statement) in [("outputs", "output(0);"), ("ledger writes", "L[1] = 0;"), ("new secrets", "MPC.set(1, 0, 0);")] {
		let refused = compile_with_array(4, &format!("for i in 0..5000 {{ {statement} }}")).expect_err(what);
		assert!(refused.contains("outputs"), "{what}: {refused}");
	}
	compile_with_array(4, "for i in 0..4096 { output(0); }").expect("4,096 outputs");
	let refused = compile_with_array(4, "for i in 0..10241 { let v = MPC[i]; }").expect_err("10,241 inputs");
	assert!(refused.contains("inputs"), "{refused}");
	let source = "contract Many { pub fn f(a: private [u64; 6000] @0, b: private [u64; 6000] @1) { } }";
	let refused = compile(source, "f", &BTreeMap::new(), 1).map(|_| ()).expect_err("12,000 inputs");
	assert!(refused.message.contains("inputs"), "{}", refused.message);
}

/// One statement of many built-in calls, each making thousands of gates, is stopped within
/// the gate limit, not after it (`let m = [max(b), max(b), …]` made tens of millions).
#[test]
fn gates_are_counted_within_a_statement() {
	let calls = vec!["reveal(q)[0]"; 700].join(", ");
	let source = format!("contract Wide {{ pub fn f(a: private [u64; 8000] @0) {{ let q = a; let m = [{calls}]; }} }}");
	let refused = compile(&source, "f", &BTreeMap::new(), 1).map(|_| ()).expect_err("5.6 million reveals in one statement");
	assert!(refused.message.contains("gates"), "{}", refused.message);
	// Stopped at the call that passed the limit, not at the end of the statement.
	let statement = source.find("let m").expect("the statement");
	assert!(refused.span.start > statement + 400 * "reveal(q)[0], ".len(), "stopped at byte {} of a statement from {statement}", refused.span.start);
}

/// A name looked up from deep inside nested blocks walks every scope: that is work too.
#[test]
fn deep_lookups_are_work() {
	let depth = 120;
	let body = format!("let mut s = 0; {} for i in 0..1000000 {{ s = 0; s = 0; s = 0; }} {}", "if true { ".repeat(depth), "} ".repeat(depth));
	let refused = compile_with_array(4, &body).expect_err("lookups through 120 scopes");
	assert!(refused.contains("compile-time work"), "{refused}");
}

#[test]
fn parties_and_shrinking_stay_within_their_numbers() {
	let source = "contract Each { pub fn f(a: private [u8; 2000] @ each) { } }";
	let refused = compile(source, "f", &BTreeMap::new(), 1).map(|_| ()).expect_err("2,000 parties");
	assert!(refused.message.contains("numbered below"), "{}", refused.message);
	let source = "contract S { pub fn f(x: private u64 @0) { let y = x * x * x * x; output(reveal(y)); shrink(18446744073709551615); } }";
	compile(source, "f", &BTreeMap::new(), 1).map(|_| ()).expect_err("a committee of 2^64 members");
}
