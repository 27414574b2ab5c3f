//! A value dealt to a committee: Pedersen VSS of the value (and of its bits, for an integer),
//! each member's share sealed to its published x25519 key, every member handed the dealer's
//! commitments and the hashes of all sealed shares, whose hash the chain registers; for a
//! dishonest majority also the proof of the owner's MAC (`enigma_mpc::mac_proof`).

use crate::{
	messages::{commitment, share_bits, share_context, share_hash, ShareDelivery},
	sealed, ValueKind, H256,
};
use enigma_mpc::{
	committed_input::{self, Dishonesty},
	field::to_bytes,
};

/// How a value is dealt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum How {
	/// Degree t, for an honest majority.
	HonestMajority,
	/// Degree n − 1 with the owner's MAC, for a dishonest majority.
	DishonestMajority,
	/// Test mode: as a dishonest owner would (degree t).
	Lie(Dishonesty),
}

/// A kind by the name users give it: u8, u16, u32, u64, u128, bool or field.
pub fn parse_kind(text: &str) -> Result<ValueKind, String> {
	match text {
		"bool" => Ok(ValueKind::Int { bits: 1 }),
		"field" => Ok(ValueKind::Field),
		_ => match text.strip_prefix('u').and_then(|b| b.parse::<u8>().ok()) {
			Some(bits @ (8 | 16 | 32 | 64 | 128)) => Ok(ValueKind::Int { bits }),
			_ => Err(format!("`{text}` is not a type: u8, u16, u32, u64, u128, bool or field")),
		},
	}
}

/// Whether `value` is one of `kind` (field elements: below the field's modulus).
pub fn fits(value: u128, kind: ValueKind) -> bool {
	match kind {
		ValueKind::Int { bits } => bits >= 128 || value >> bits == 0,
		ValueKind::Field => true,
	}
}

/// Whether `committee` (by id) of `n` members can hold a value dealt `how`: degree-t shares need
/// 2t + 1 >= 3 members (with t = 0 a member would hold the value in the clear; the chain may ask
/// for more), degree n − 1 ones two.
pub fn committee_fits(how: How, committee: u32, n: usize) -> Result<(), String> {
	match how {
		How::DishonestMajority if n < 2 => Err(format!("committee {committee} has {n} member(s): a value shared with one member is in the clear")),
		How::DishonestMajority => Ok(()),
		_ if n < 3 => Err(format!(
			"committee {committee} has {n} members: an honest majority needs at least 3 (with t = 0 a member would hold the value in the clear); share it for a dishonest majority, or with a larger committee"
		)),
		_ => Ok(()),
	}
}

/// One value's deliveries, one per member (`keys`, in committee order): its Pedersen VSS
/// dealing, each member's share sealed to that member's key.
pub fn deal_one(value: u128, identity: H256, committee: u32, keys: &[[u8; 32]], kind: ValueKind, how: How) -> Result<Vec<ShareDelivery>, String> {
	let n = keys.len();
	committee_fits(how, committee, n)?;
	// The chain takes any 32 bytes as a worker's key; a share sealed to a low-order one would be
	// readable by anyone who saw it travel.
	if let Some(i) = keys.iter().position(sealed::is_low_order) {
		return Err(format!("member {i} of committee {committee} registered an encryption key of small order: a share sealed to it would be readable by anyone, so none is dealt"));
	}
	if !matches!(how, How::Lie(_)) && !fits(value, kind) {
		return Err(format!("{value} is not a {kind:?}"));
	}
	let t = (n - 1) / 2;
	let rng = &mut rand::thread_rng();
	let dealing = match (how, kind) {
		(How::Lie(lie), ValueKind::Int { bits }) => committed_input::deal_dishonestly(lie, value, bits.into(), t, n, rng),
		(How::DishonestMajority, _) => committed_input::deal_tagged(value, share_bits(kind), n, rng).map_err(|e| e.to_string())?,
		_ => committed_input::deal(value, share_bits(kind), t, n, rng).map_err(|e| e.to_string())?,
	};
	let sealed: Vec<Vec<u8>> = keys
		.iter()
		.zip(&dealing.shares)
		.enumerate()
		.map(|(i, (key, shares))| sealed::seal(key, &share_context(identity, committee, i as u32), &to_bytes(shares)))
		.collect();
	let share_hashes: Vec<H256> = sealed.iter().map(|s| share_hash(s)).collect();
	let commitment = commitment(&dealing.commitments, &share_hashes);
	Ok(sealed
		.into_iter()
		.enumerate()
		.map(|(i, sealed)| ShareDelivery {
			identity,
			committee,
			commitment,
			index: i as u32,
			kind,
			pedersen: dealing.commitments.clone(),
			share_hashes: share_hashes.clone(),
			sealed,
			mac_proof: dealing.mac_proof.clone(),
		})
		.collect())
}
