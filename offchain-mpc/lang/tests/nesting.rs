//! A contract is anyone's text, and a worker compiles it on one of tokio's blocking threads
//! (2 MiB of stack). Text that nests without end must be refused with a diagnostic: a stack
//! overflow aborts the whole worker, which then misses the task's deadline and is slashed with
//! every other member. Text that nests as deep as the language allows must still compile there.

use enigma_lang::{compile, parser::MAX_NESTING};
use std::collections::BTreeMap;

/// What compiling `body` as the entry point's body gives, on a thread with a blocking thread's
/// stack (a crash fails the whole test binary, as it would abort the worker).
fn compile_on_small_stack(body: String) -> Result<(), String> {
	std::thread::Builder::new()
		.stack_size(2 << 20)
		.spawn(move || {
			let source = format!("contract Deep {{\n  pub fn f(x: private u8 @0) {{\n    {body}\n  }}\n}}\n");
			compile(&source, "f", &BTreeMap::new(), 1).map(|_| ()).map_err(|d| d.message)
		})
		.expect("a thread")
		.join()
		.expect("the compiler returns, it does not crash")
}

#[test]
fn hostile_nesting_is_refused_without_crashing() {
	let deep = 30_000;
	let cases = [
		("parentheses", format!("let y = {}x{};", "(".repeat(deep), ")".repeat(deep))),
		("negations", format!("let y = {}true;", "!".repeat(deep))),
		("minus signs", format!("let y = {}x;", "- ".repeat(deep))),
		("a chain of additions", format!("let y = x{};", " + x".repeat(deep))),
		("a chain of indices", format!("let a = [x, x]; let y = a{};", "[0]".repeat(deep))),
		("nested blocks", format!("{}{}", "if true { ".repeat(deep), "}".repeat(deep))),
		("an else-if chain", format!("if true {{ }}{} else {{ }}", " else if false { }".repeat(deep))),
		("nested calls", format!("let y = {}x{};", "MPC.get(".repeat(deep), ")".repeat(deep))),
	];
	for (what, body) in cases {
		let refused = compile_on_small_stack(body).expect_err(what);
		assert!(refused.contains("nesting"), "{what}: {refused}");
	}
}

#[test]
fn nesting_up_to_the_limit_compiles_on_a_small_stack() {
	// Each parenthesised sum costs two levels (the operand and the operator).
	let levels = MAX_NESTING / 2 - 2;
	let parenthesised = format!("let y = {}x{}; output(reveal(y));", "(x + ".repeat(levels), ")".repeat(levels));
	compile_on_small_stack(parenthesised).expect("nested sums as deep as allowed");
	let chain = format!("let y = x{}; output(reveal(y));", " + x".repeat(MAX_NESTING - 8));
	compile_on_small_stack(chain).expect("a long chain of additions");
	// Each `if` costs two (the statement and its block).
	let ifs = MAX_NESTING / 2 - 2;
	let blocks = format!("let mut y = x; {} y = y * x; {}output(reveal(y));", "if true { ".repeat(ifs), "} ".repeat(ifs));
	compile_on_small_stack(blocks).expect("blocks nested as deep as allowed");
}

/// What compiling a whole contract `source` gives, on a blocking thread's stack.
fn compile_contract_on_small_stack(source: String) -> Result<(), String> {
	std::thread::Builder::new()
		.stack_size(2 << 20)
		.spawn(move || compile(&source, "f", &BTreeMap::new(), 1).map(|_| ()).map_err(|d| d.message))
		.expect("a thread")
		.join()
		.expect("the compiler returns, it does not crash")
}

/// Nesting the syntax tree does not show: an array rebuilt around itself in a loop, calls that
/// inline a function inside itself (twice per body: 2^depth calls), gates by the billion.
#[test]
fn work_the_syntax_tree_does_not_show_is_bounded_too() {
	let arrays = compile_on_small_stack("let mut a = [x]; for i in 0..100000 { a = [a]; }".into()).expect_err("arrays of arrays");
	assert!(arrays.contains("arrays"), "{arrays}");
	let recursion = "contract R {\n fn g(x: private u8) -> private u8 { let y = g(x); let z = g(x); return y; }\n pub fn f(x: private u8 @0) { output(reveal(g(x))); }\n}\n";
	let refused = compile_contract_on_small_stack(recursion.into()).expect_err("calls without end");
	assert!(refused.contains("nesting") || refused.contains("calls"), "{refused}");
	let gates = compile_on_small_stack("for i in 0..1000 { for j in 0..1000 { let y = x * x * x * x * x * x; } }".into()).expect_err("five million gates");
	assert!(gates.contains("gates"), "{gates}");
}

/// Calls nested as deep as the limit allows compile on the small stack.
#[test]
fn nested_calls_compile_on_a_small_stack() {
	let depth = 60;
	let mut source = String::from("contract Calls {\n");
	for k in 0..depth {
		source += &format!("  fn g{k}(x: private u8) -> private u8 {{ let y = g{}(x); return y; }}\n", k + 1);
	}
	source += &format!("  fn g{depth}(x: private u8) -> private u8 {{ return x; }}\n  pub fn f(x: private u8 @0) {{ output(reveal(g0(x))); }}\n}}\n");
	compile_contract_on_small_stack(source).expect("60 nested calls");
	// A call in a `return` costs one level only: the deepest chain the limit lets through.
	let depth = MAX_NESTING - 6;
	let mut source = String::from("contract Returns {\n");
	for k in 0..depth {
		source += &format!("  fn g{k}(x: private u8) -> private u8 {{ return g{}(x); }}\n", k + 1);
	}
	source += &format!("  fn g{depth}(x: private u8) -> private u8 {{ return x; }}\n  pub fn f(x: private u8 @0) {{ output(reveal(g0(x))); }}\n}}\n");
	compile_contract_on_small_stack(source).expect("a chain of returned calls as deep as allowed");
}

/// The rest of what a contract's text could make a member allocate or recurse on: an array
/// nested by assigning it into its own item, gates made by a `return` alone (a tree of calls),
/// and parameters or parties by the billion, allocated before any statement.
#[test]
fn assignments_returns_and_parameters_are_bounded_too() {
	let into_item = compile_on_small_stack("let mut a = [x, x]; for i in 0..100000 { a[0] = a; }".into()).expect_err("an array in its own item");
	assert!(into_item.contains("arrays"), "{into_item}");
	let products = "x * ".repeat(64);
	let mut source = String::from("contract Tree {\n");
	source += &format!("  fn leaf(x: private field) -> private field {{ return {products}x; }}\n");
	for level in 0..4 {
		let below = if level == 0 { "leaf".to_string() } else { format!("t{}", level - 1) };
		let calls = vec![format!("{below}(x)"); 16].join(" + ");
		source += &format!("  fn t{level}(x: private field) -> private field {{ return {calls}; }}\n");
	}
	source += "  pub fn f(x: private field @0) { output(reveal(t3(x))); }\n}\n";
	let gates = compile_contract_on_small_stack(source).expect_err("65,536 leaves of 64 products: 4.2 million gates");
	assert!(gates.contains("gates"), "{gates}");
	let long = compile_contract_on_small_stack("contract A { pub fn f(x: private [u8; 1000000000] @0) { } }".into()).expect_err("a billion items");
	assert!(long.contains("at most"), "{long}");
	let party = compile_contract_on_small_stack("contract P { pub fn f(x: private u8 @1099511627776) { } }".into()).expect_err("party 2^40");
	assert!(party.contains("numbered below"), "{party}");
}
