//! Access-control predicates and permissions (whitepaper 6.1).
//!
//! A predicate is a small boolean formula over the request: who asks, which keys signed it,
//! through which secret contract, and when. It is stored flat, in prefix (Polish) notation, so
//! its size is bounded and it encodes without recursion: `[And, Member, Until(100)]` means
//! "a member of the identity, until block 100". `And`/`Or` take the next two sub-formulas,
//! `Not` the next one. At most [`MAX_NODES`] nodes and [`MAX_DEPTH`] levels of nesting.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{traits::ConstU32, BoundedVec};
use scale_info::TypeInfo;
use sp_core::H256;

/// Nodes in one predicate.
pub const MAX_NODES: u32 = 16;
/// Nesting depth of And / Or / Not.
pub const MAX_DEPTH: u32 = 8;
/// Keys in one `AnyOf` or `Threshold` node.
pub const MAX_KEYS: u32 = 16;
/// Contract code hashes in one `Contracts` node.
pub const MAX_CONTRACTS: u32 = 8;
/// Grants in one policy.
pub const MAX_GRANTS: u32 = 8;

/// What a request wants to do with an identity's data.
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, Copy, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub enum Permission {
	/// Load (decrypt) stored data.
	Read,
	/// Store data, change its read predicate, renew or remove it.
	Store,
	/// Use the identity's secrets as inputs of a secret contract.
	Compute,
	/// Get a secret value back in the clear.
	Declassify,
	/// Change policies, remove members, dissolve the identity.
	Admin,
}

#[derive(Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub enum Node<AccountId, BlockNumber> {
	/// Always true.
	Always,
	/// Always false.
	Never,
	/// The requester is a member of the identity.
	Member,
	/// The requester is one of these keys.
	AnyOf(BoundedVec<AccountId, ConstU32<MAX_KEYS>>),
	/// At least `k` of these keys signed the request (the requester counts as a signer).
	Threshold { k: u32, keys: BoundedVec<AccountId, ConstU32<MAX_KEYS>> },
	/// Before this block (exclusive).
	Until(BlockNumber),
	/// Only through a secret contract with one of these code hashes.
	Contracts(BoundedVec<H256, ConstU32<MAX_CONTRACTS>>),
	/// Both of the next two sub-formulas.
	And,
	/// Either of the next two sub-formulas.
	Or,
	/// Not the next sub-formula.
	Not,
}

/// A predicate in prefix notation; see the module docs.
pub type Predicate<AccountId, BlockNumber> = BoundedVec<Node<AccountId, BlockNumber>, ConstU32<MAX_NODES>>;

/// Permissions granted under a predicate.
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct Grant<AccountId, BlockNumber> {
	pub permissions: BoundedVec<Permission, ConstU32<5>>,
	pub predicate: Predicate<AccountId, BlockNumber>,
}

/// A member's policy: the grants under which it may act on the identity's data.
pub type Policy<AccountId, BlockNumber> = BoundedVec<Grant<AccountId, BlockNumber>, ConstU32<MAX_GRANTS>>;

/// Why a predicate is not acceptable.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PredicateError {
	/// Not a single well-formed formula: a missing operand or nodes left over.
	Malformed,
	/// Nested deeper than [`MAX_DEPTH`].
	TooDeep,
	/// A threshold of 0, of more keys than listed, or listing a key twice.
	InvalidThreshold,
}

/// The request a predicate is evaluated against.
pub struct Request<'a, AccountId, BlockNumber> {
	pub who: &'a AccountId,
	/// Other keys whose signatures over the request were verified.
	pub signers: &'a [AccountId],
	/// The secret contract the request comes through, if any.
	pub contract: Option<H256>,
	pub now: BlockNumber,
	pub is_member: bool,
}

/// Check that `nodes` form exactly one formula within the bounds.
pub fn validate<A: PartialEq, B>(nodes: &[Node<A, B>]) -> Result<(), PredicateError> {
	fn walk<A: PartialEq, B>(nodes: &[Node<A, B>], at: usize, depth: u32) -> Result<usize, PredicateError> {
		if depth > MAX_DEPTH {
			return Err(PredicateError::TooDeep);
		}
		let node = nodes.get(at).ok_or(PredicateError::Malformed)?;
		match node {
			Node::And | Node::Or => {
				let next = walk(nodes, at + 1, depth + 1)?;
				walk(nodes, next, depth + 1)
			},
			Node::Not => walk(nodes, at + 1, depth + 1),
			// A key listed twice would count twice: `2 of [B, B, C]` would pass for B alone.
			Node::Threshold { k, keys } if *k == 0 || *k as usize > keys.len() || keys.iter().enumerate().any(|(i, key)| keys[..i].contains(key)) => {
				Err(PredicateError::InvalidThreshold)
			},
			_ => Ok(at + 1),
		}
	}
	match walk(nodes, 0, 0)? {
		end if end == nodes.len() => Ok(()),
		_ => Err(PredicateError::Malformed),
	}
}

/// Evaluate a validated predicate; a malformed one is false.
pub fn evaluate<A: PartialEq, B: PartialOrd + Copy>(nodes: &[Node<A, B>], request: &Request<A, B>) -> bool {
	fn walk<A: PartialEq, B: PartialOrd + Copy>(
		nodes: &[Node<A, B>],
		at: usize,
		depth: u32,
		r: &Request<A, B>,
	) -> Option<(bool, usize)> {
		if depth > MAX_DEPTH {
			return None;
		}
		Some(match nodes.get(at)? {
			Node::Always => (true, at + 1),
			Node::Never => (false, at + 1),
			Node::Member => (r.is_member, at + 1),
			Node::AnyOf(keys) => (keys.contains(r.who), at + 1),
			Node::Threshold { k, keys } => {
				let signed = keys.iter().filter(|key| *key == r.who || r.signers.contains(key)).count();
				(signed >= *k as usize && *k > 0, at + 1)
			},
			Node::Until(block) => (r.now < *block, at + 1),
			Node::Contracts(hashes) => (r.contract.map_or(false, |c| hashes.contains(&c)), at + 1),
			Node::And => {
				let (a, next) = walk(nodes, at + 1, depth + 1, r)?;
				let (b, end) = walk(nodes, next, depth + 1, r)?;
				(a && b, end)
			},
			Node::Or => {
				let (a, next) = walk(nodes, at + 1, depth + 1, r)?;
				let (b, end) = walk(nodes, next, depth + 1, r)?;
				(a || b, end)
			},
			Node::Not => {
				let (a, end) = walk(nodes, at + 1, depth + 1, r)?;
				(!a, end)
			},
		})
	}
	matches!(walk(nodes, 0, 0, request), Some((true, end)) if end == nodes.len())
}

/// Whether `policy` grants `permission` for `request`.
pub fn grants<A: PartialEq, B: PartialOrd + Copy>(policy: &[Grant<A, B>], permission: Permission, request: &Request<A, B>) -> bool {
	policy.iter().any(|g| g.permissions.contains(&permission) && evaluate(&g.predicate, request))
}
