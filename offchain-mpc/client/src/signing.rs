//! Who signs: a secret URI on the command line (`--suri`) or a key file only its owner can read
//! (`--key-file`), and `enigma account new|show` to make and inspect key files.

use clap::{Args, Subcommand};
use enigma_chain::pair_from_suri;
use enigma_p2p::Signer;
use enigma_runtime::AccountId;
use sp_core::{crypto::Ss58Codec, sr25519, Pair};
use std::path::{Path, PathBuf};

#[derive(Args, Clone)]
#[group(required = true, multiple = false)]
pub(crate) struct Signing {
	/// The signing account: a secret URI such as //Alice, a mnemonic, or 0x<32-byte seed>.
	#[arg(long)]
	pub(crate) suri: Option<String>,
	/// A file holding the secret URI or the 32-byte seed in hex (a worker's `account.seed`
	/// works), readable by its owner only (mode 0600).
	#[arg(long)]
	pub(crate) key_file: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum AccountCommand {
	/// Write a new random account seed to FILE (mode 0600) and print its address.
	New {
		#[arg(long)]
		key_file: PathBuf,
	},
	/// Print the address of a signing account.
	Show {
		#[command(flatten)]
		signing: Signing,
	},
}

/// The signing pair and its DHT signer (the same sr25519 key).
pub(crate) fn signer(signing: &Signing) -> Result<(sr25519::Pair, Signer), String> {
	let suri = match (&signing.suri, &signing.key_file) {
		(Some(suri), _) => suri.clone(),
		(None, Some(path)) => read_key_file(path)?,
		(None, None) => return Err("give --suri or --key-file".into()),
	};
	let (pair, seed) = pair_from_suri(&suri)?;
	Ok((pair, Signer::from_seed(&seed)))
}

/// A key file's secret URI; a bare 64-digit hex seed counts as `0x<seed>`. Files others can
/// read are refused, as ssh does.
fn read_key_file(path: &Path) -> Result<String, String> {
	use std::os::unix::fs::PermissionsExt;
	let shown = path.display();
	let mode = std::fs::metadata(path).map_err(|e| format!("key file {shown}: {e}"))?.permissions().mode();
	if mode & 0o077 != 0 {
		return Err(format!("key file {shown}: readable by others (mode {:o}); run `chmod 600 {shown}`", mode & 0o777));
	}
	let text = std::fs::read_to_string(path).map_err(|e| format!("key file {shown}: {e}"))?;
	let text = text.trim();
	if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
		return Ok(format!("0x{text}"));
	}
	Ok(text.to_string())
}

pub(crate) fn account(command: AccountCommand) -> Result<(), String> {
	let address = |pair: &sr25519::Pair| AccountId::from(pair.public()).to_ss58check();
	match command {
		AccountCommand::New { key_file } => {
			if key_file.exists() {
				return Err(format!("key file {}: already exists", key_file.display()));
			}
			let seed: [u8; 32] = rand::random();
			enigma_p2p::write_private(&key_file, format!("0x{}\n", hex::encode(seed)).as_bytes()).map_err(|e| format!("key file {}: {e}", key_file.display()))?;
			println!("{}", address(&sr25519::Pair::from_seed(&seed)));
		},
		AccountCommand::Show { signing } => println!("{}", address(&signer(&signing)?.0)),
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;
	use std::os::unix::fs::PermissionsExt;

	fn signing(path: &Path) -> Signing {
		Signing { suri: None, key_file: Some(path.to_path_buf()) }
	}

	#[test]
	fn key_files_hold_a_uri_or_a_hex_seed_and_must_be_private() {
		let dir = tempfile::tempdir().unwrap();
		let uri = dir.path().join("alice");
		enigma_p2p::write_private(&uri, b"//Alice\n").unwrap();
		let alice = signer(&signing(&uri)).unwrap().0;
		assert_eq!(alice.public(), signer(&Signing { suri: Some("//Alice".into()), key_file: None }).unwrap().0.public());

		// A worker's account.seed: 64 hex digits without 0x.
		let seed = dir.path().join("account.seed");
		enigma_p2p::write_private(&seed, hex::encode([7u8; 32]).as_bytes()).unwrap();
		assert_eq!(signer(&signing(&seed)).unwrap().0.public(), sr25519::Pair::from_seed(&[7u8; 32]).public());

		std::fs::set_permissions(&uri, std::fs::Permissions::from_mode(0o644)).unwrap();
		let refused = signer(&signing(&uri)).err().unwrap();
		assert!(refused.contains("readable by others (mode 644)"), "{refused}");
		assert!(signer(&signing(&dir.path().join("missing"))).is_err());
	}
}
