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
