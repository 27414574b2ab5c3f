//! `dht-node` as a user runs it: three node processes, then `put` and `get` through different
//! nodes, and an ACL file that refuses a stranger.

use std::{
	io::{BufRead, BufReader, Write},
	process::{Child, Command, Stdio},
};

const BIN: &str = env!("CARGO_BIN_EXE_dht-node");

struct Running(Child, String);

impl Drop for Running {
	fn drop(&mut self) {
		let _ = self.0.kill();
		let _ = self.0.wait();
	}
}

/// Starts `dht-node run` and returns it with the address it printed.
fn run(dir: &std::path::Path, extra: &[&str]) -> Running {
	let mut child = Command::new(BIN)
		.args(["run", "--data-dir"])
		.arg(dir)
		.args(extra)
		.stdout(Stdio::piped())
		.stderr(Stdio::null())
		.spawn()
		.expect("dht-node starts");
	let mut line = String::new();
	BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
	assert!(line.contains("/p2p/"), "expected an address, got {line:?}");
	Running(child, line.trim().to_string())
}

fn put(via: &str, seed: &str, data: &[u8]) -> (bool, String, String) {
	let mut child = Command::new(BIN)
		.args(["put", "--bootstrap", via, "--seed", seed])
		.stdin(Stdio::piped())
		.stdout(Stdio::piped())
		.stderr(Stdio::piped())
		.spawn()
		.unwrap();
	child.stdin.take().unwrap().write_all(data).unwrap();
	let out = child.wait_with_output().unwrap();
	(out.status.success(), String::from_utf8_lossy(&out.stdout).trim().to_string(), String::from_utf8_lossy(&out.stderr).to_string())
}

fn get(via: &str, seed: &str, pointer: &str) -> (bool, Vec<u8>, String) {
	let out = Command::new(BIN).args(["get", pointer, "--bootstrap", via, "--seed", seed]).output().unwrap();
	(out.status.success(), out.stdout, String::from_utf8_lossy(&out.stderr).to_string())
}

#[test]
fn three_processes_put_and_get_and_an_acl_refuses_a_stranger() {
	let dir = tempfile::tempdir().unwrap();
	let a = run(&dir.path().join("a"), &[]);
	let b = run(&dir.path().join("b"), &["--bootstrap", &a.1]);
	let c = run(&dir.path().join("c"), &["--bootstrap", &a.1]);

	let (ok, pointer, err) = put(&b.1, "01", b"hello from another terminal");
	assert!(ok, "put failed: {err}");
	assert!(err.contains("stored on 3 node(s)"), "{err}");
	let (ok, data, err) = get(&c.1, "02", &pointer);
	assert!(ok, "get failed: {err}");
	assert_eq!(data, b"hello from another terminal");

	// A network whose nodes serve only the readers their ACL names.
	let writer = account_of("01");
	let acl = dir.path().join("acl");
	std::fs::write(&acl, format!("# who may do what\nstore {writer}\n")).unwrap();
	let acl = acl.to_str().unwrap();
	let d = run(&dir.path().join("d"), &["--acl", acl]);
	let _e = run(&dir.path().join("e"), &["--acl", acl, "--bootstrap", &d.1]);
	let _f = run(&dir.path().join("f"), &["--acl", acl, "--bootstrap", &d.1]);
	let (ok, pointer, err) = put(&d.1, "01", b"only for named readers");
	assert!(ok, "put failed: {err}");
	let (ok, _, err) = get(&d.1, "02", &pointer);
	assert!(!ok, "a stranger read a protected record");
	assert!(err.contains("may not read"), "{err}");
	let (ok, _, err) = put(&d.1, "03", b"from an unknown writer");
	assert!(!ok && err.contains("permission"), "{err}");
	drop(c);
}

#[test]
fn every_command_has_help_and_bad_input_is_named() {
	for args in [&["--help"][..], &["run", "--help"], &["put", "--help"], &["get", "--help"]] {
		let out = Command::new(BIN).args(args).output().unwrap();
		assert!(out.status.success() && String::from_utf8_lossy(&out.stdout).contains("Usage"), "{args:?}");
	}
	let out = Command::new(BIN).args(["get", "zz", "--seed", "01"]).output().unwrap();
	assert!(!out.status.success());
	assert!(String::from_utf8_lossy(&out.stderr).contains("pointer: expected 32 bytes of hex"));
}

/// The account (hex) of a `--seed`, as `dht-node` derives it.
fn account_of(seed: &str) -> String {
	let mut bytes = [0u8; 32];
	let s = hex::decode(seed).unwrap();
	bytes[..s.len()].copy_from_slice(&s);
	hex::encode(enigma_p2p::Signer::from_seed(&bytes).account())
}
