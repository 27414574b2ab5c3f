//! Every way an MPC run can fail. A failed check aborts the run with an error that names it.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum MpcError {
	/// Shares of an opened value do not lie on one polynomial of the sharing degree: some party
	/// sent a wrong share or a wrong opened value.
	#[error("opening check failed: the shares of an opened value are inconsistent (tampered share or opened value)")]
	InconsistentShares,
	/// SPDZ: the batched MAC check over opened values failed.
	#[error("MAC check failed: an opened value or its MAC was tampered with")]
	MacCheckFailed,
	/// SPDZ: a party's opening of its MAC-check commitment does not match the commitment.
	#[error("commitment check failed: party {party} opened a value different from its commitment")]
	CommitmentMismatch { party: usize },
	/// Honest majority with malicious security: the final check `[r·z] = r·[z]` over all
	/// multiplications failed (Chida et al. 2018).
	#[error("multiplication check failed: a multiplication was tampered with")]
	MultiplicationCheckFailed,
	/// SPDZ: the owners' MACs on the inputs a committee held did not verify: a member brought a
	/// share other than the one it holds. (An owner's tags are proven at dealing,
	/// [`crate::mac_proof`], and every member checked the proof before holding its share; which
	/// member it was, the check does not say.)
	#[error("client MAC check failed: a member brought a share other than its own")]
	ClientMacCheckFailed,
	/// Party `party` entered shares of an owner's input other than the ones dealt to it: its
	/// proof against the dealing's commitments fails ([`crate::entry_proof`]).
	#[error("entry check failed: party {party} brought shares of an owner's input other than the ones dealt to it")]
	EntryNotProven { party: usize },
	/// SPDZ: a recipient's check of a private output failed: a member altered its share.
	#[error("output check failed: a member's share of a private output was altered")]
	OutputCheckFailed,
	/// A party broadcast different values to different parties.
	#[error("broadcast check failed: parties received different broadcast values")]
	InconsistentBroadcast,
	/// An adaptive circuit's handover to fewer members did not check out: an old member dealt
	/// another value than its share, or points off one polynomial ([`crate::adaptive`]).
	#[error("handover check failed: a member that left dealt another value than its share, or inconsistent points")]
	HandoverCheckFailed,
	/// A preprocessed triple failed the sacrifice check.
	#[error("triple check failed: a preprocessed multiplication triple is incorrect")]
	TripleCheckFailed,
	/// OT extension: the receiver's answer to the consistency check (KOS) is wrong, so it used
	/// different choices in different columns.
	#[error("oblivious-transfer check failed: party {party} used inconsistent choices")]
	OtCheckFailed { party: usize },
	/// Before a run: a party is about to run another circuit (or other parameters) than this one.
	#[error("party {party} runs a different computation (its circuit digest differs from this party's)")]
	Disagreement { party: usize },
	/// An input's owner shared a value outside its declared type (a range check failed).
	#[error("input {index} of party {owner} does not fit its declared type: its owner shared an out-of-range value")]
	InputOutOfRange { owner: usize, index: usize },
	/// Random bits dealt by the parties failed their check: a dealer dealt a value that is not a
	/// bit (or a multiplication was tampered with).
	#[error("random bit check failed: a dealt value is not a bit")]
	BitCheckFailed,
	/// Audit harness only: a value about to be opened under a mask exceeds its proven bound.
	#[error("a masked opening's value exceeds the {bound} bits the compiler claimed")]
	BoundExceeded { bound: u32 },
	/// A message arrived with a sequence number other than the next one expected.
	#[error("message from party {from} out of order: expected #{expected}, got #{got} (dropped or replayed)")]
	OutOfOrder { from: usize, expected: u64, got: u64 },
	/// A message failed authenticated decryption.
	#[error("message from party {from} failed authentication")]
	Unauthenticated { from: usize },
	/// A message had the wrong length or an invalid encoding.
	#[error("malformed message from party {from}: {reason}")]
	Malformed { from: usize, reason: String },
	/// No message arrived in time.
	#[error("timed out waiting for party {from}")]
	Timeout { from: usize },
	/// The connection to a party is gone.
	#[error("connection to party {peer} lost: {reason}")]
	Disconnected { peer: usize, reason: String },
	/// The protocol's parameters cannot work (e.g. t >= n/2 for honest majority).
	#[error("invalid parameters: {0}")]
	InvalidParameters(String),
	/// The preprocessing source ran out or failed.
	#[error("preprocessing failed: {0}")]
	Preprocessing(String),
	/// The circuit is malformed or uses an operation the protocol or field cannot run.
	#[error("invalid circuit: {0}")]
	InvalidCircuit(String),
}

pub type Result<T> = core::result::Result<T, MpcError>;
