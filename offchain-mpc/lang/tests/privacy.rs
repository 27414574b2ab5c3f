//! Contracts that break the privacy rules are rejected at compile time, each with a message
//! that says what went wrong and where.

use enigma_lang::{compile, PublicArg};
use std::collections::BTreeMap;

/// Compile `body` as the entry point `f(secret: private u64 @ 0, n: u64)` with n = 3, plus
/// `helpers`, and return the error message with its 1-based line and column.
fn reject(body: &str, helpers: &str) -> (String, usize, usize) {
	let source = format!("contract T {{\n{helpers}\npub fn f(secret: private u64 @ 0, n: u64) {{\n{body}\n}}\n}}\n");
	let public = BTreeMap::from([("n".to_string(), PublicArg::Int(3))]);
	match compile(&source, "f", &public, 2) {
		Ok(_) => panic!("accepted:\n{source}"),
		Err(d) => {
			let (line, col) = d.line_col(&source);
			let rendered = d.render("t.enigma", &source);
			assert!(rendered.starts_with(&format!("t.enigma:{line}:{col}: error: ")), "{rendered}");
			(format!("{} | {}", d.message, d.notes.join(" | ")), line, col)
		},
	}
}

fn expect(body: &str, message: &str) {
	let (got, line, _) = reject(body, "");
	assert!(got.contains(message), "expected `{message}`, got `{got}`");
	assert!(line >= 3, "the error points into the body (line {line})");
}

#[test]
fn private_into_public_variable() {
	expect("let x: u64 = secret;", "private value flows into public variable `x`");
	expect("let mut p = 0; p = secret + 1;", "private value flows into public variable `p`");
}

#[test]
fn private_into_public_output_or_ledger() {
	expect("output(secret);", "private value flows into a public output");
	expect("L[1] = secret * 2;", "private value flows into the public ledger `L`");
}

#[test]
fn private_loop_bound() {
	expect("for i in 0..secret { output(i); }", "loop bounds must be known at compile time");
}

#[test]
fn private_condition_guarding_public_side_effects() {
	expect("if secret > 3 { output(1); }", "an output under a private condition");
	expect("if secret > 3 { L[0] = 1; }", "a ledger write under a private condition");
	expect("let mut p = 0; if secret > 3 { p = 1; }", "public variable `p` is assigned under a private condition");
	expect("if secret > 3 { output(reveal(secret)); }", "under a private condition");
}

#[test]
fn private_index_divisor_and_requirement() {
	expect("let a = [1, 2, 3]; let b: private u64 = a[secret];", "indices must be known at compile time");
	expect("let q: private u64 = 100 / secret;", "divisors must be known at compile time");
	expect("require(secret > 1);", "`require` needs a condition known at compile time");
}

#[test]
fn private_values_through_functions() {
	let (got, ..) = reject("let y = double(secret);", "fn double(x: u64) -> u64 { return x * 2; }");
	assert!(got.contains("private value passed to public parameter `x`"), "{got}");
	let (got, ..) = reject("let y: private u64 = leak(secret);", "fn leak(x: private u64) -> u64 { return x; }");
	assert!(got.contains("returns a private value but its return type is public"), "{got}");
}

#[test]
fn comparisons_of_possibly_negative_values() {
	expect("output(reveal(secret - 1 > 3));", "cannot compare a value that may be negative");
}

#[test]
fn ownership_and_public_arguments() {
	let missing_owner = compile("contract T { pub fn f(x: private u64) { output(reveal(x)); } }", "f", &BTreeMap::new(), 2).unwrap_err();
	assert!(missing_owner.message.contains("needs an owner"), "{}", missing_owner.message);
	let missing_arg = compile("contract T { pub fn f(n: u64) { output(n); } }", "f", &BTreeMap::new(), 2).unwrap_err();
	assert!(missing_arg.message.contains("public argument `n` is needed at compile time"), "{}", missing_arg.message);
}

#[test]
fn reveal_and_oblivious_branches_are_accepted() {
	let source = "contract T { pub fn f(a: private u64 @ 0, b: private u64 @ 1) {
		let mut m: private u64 = a;
		if b > a { m = b; }
		output(reveal(m));
		output_to(1, min(a, b));
		L[9] = reveal(a + b);
		MPC.set(1, max(a, b), 0);
		let seen = L.get(9, 100);
		output(seen);
	} }";
	let compiled = compile(source, "f", &BTreeMap::new(), 2).unwrap();
	let given = enigma_lang::run::Inputs::from([("a".into(), vec![7]), ("b".into(), vec![11]), ("L[9]@100".into(), vec![18])]);
	let out: Vec<u128> = enigma_lang::run::plaintext(&compiled, &given).unwrap().into_iter().map(|o| o.value).collect();
	assert_eq!(out, vec![11, 7, 18, 11, 18]);
}

#[test]
fn syntax_errors_name_the_place() {
	let d = enigma_lang::parse("contract T {\n  pub fn f( {\n}").unwrap_err();
	assert_eq!(d.line_col("contract T {\n  pub fn f( {\n}"), (2, 13));
	assert!(d.message.starts_with("expected a parameter name"), "{}", d.message);
}

/// Issue #12, widths: every value's bound is sound, and a variable never holds more than its
/// type says. These contracts tried to open a value wider than its mask hides, or to make a
/// "bool" hold a number (a selection on it would publish a mix of both branches).
#[test]
fn values_never_outgrow_their_tracked_width() {
	// d doubles sixty times; it was tracked as 8 bits, and the comparison's masked opening then
	// showed d to every worker. Now d is 68 bits, its square a field element.
	let doubling = "let mut d = secret % 256 - secret % 128; for i in 0..60 { d = d - (0 - d); } output(reveal(d * d < 5));";
	expect(doubling, "field elements cannot be compared");
	expect("let mut b = secret > 1; b = secret;", "`b` holds a bool, not a number");
	expect("let mut b: private bool = secret > 1; b = secret % 2;", "expected bool, found int");
	expect("let mut x: private u8 = 0; x = secret;", "the value may need 64 bits, more than `u8` holds");
	expect("let x: private u64 = secret - 1;", "may be negative");
	expect("output(reveal(secret - 1));", "an output may be negative");
	expect("L[1] = reveal(secret % 2 - 1);", "a ledger value may be negative");
	expect("let q: private u64 = (secret * secret) / 7;", "takes a 257-bit masked opening");
	expect("MPC.set(1, secret, 5);", "party 5 does not exist");
	// A difference squared is comparable: it is a square.
	let compiled = compile(
		"contract T { pub fn f(a: private u8 @ 0, b: private u8 @ 1) { let d = a - b; output(reveal(d * d < 25)); } }",
		"f",
		&BTreeMap::new(),
		2,
	)
	.unwrap();
	let lt_bits = compiled.circuit.gates.iter().find_map(|g| match g {
		enigma_mpc::circuit::Op::Lt { bits, .. } => Some(*bits),
		_ => None,
	});
	assert_eq!(lt_bits, Some(16));
}
