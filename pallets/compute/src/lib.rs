//! # Secret compute (whitepaper Alg. 4 share/compute, 5.7 the ledger L, 7.2 gas)
//!
//! * Secret contracts are public ([`Pallet::register_contract`]): the code is stored under its
//!   blake2-256 hash, and tasks name that hash.
//! * A data owner secret-shares a value with a committee off chain, then registers it
//!   ([`Pallet::register_secret`]) with a compute predicate and a commitment; each committee
//!   member confirms it holds its share ([`Pallet::ack_secret`]); then the secret is usable.
//! * [`Pallet::submit_task`] checks the Compute permission of every input's identity for the
//!   caller through this contract, holds the requester's `gas_limit`, and names the committee
//!   holding the inputs; the task id is the hash of the task. Committee members first commit to
//!   their result ([`Pallet::commit_result`]), then reveal it ([`Pallet::submit_result`]) once
//!   commitments are closed, so that nobody can copy a result it has not computed; a majority
//!   of votes for one run (each member votes for every run it completed with its outcome)
//!   completes the task once every member that committed has revealed or the reveal window has
//!   ended (so block authors do not choose whose honest reveal is paid): the workers that voted
//!   for it are paid the gas used (at most the limit), the rest is released, and dissenters are
//!   slashed for ResultMismatch (not a member that revealed the same outcome from other runs of
//!   the task only: it gets nothing). Past
//!   the deadline a pending task fails, the requester is refunded and members who did not
//!   answer are slashed for Timeout.
//! * Security ([`Security`]): a contract whose header says `contract Name: dishonest_majority`
//!   ([`contract_security`]) runs with SPDZ on secrets registered for a dishonest majority
//!   (`register_secrets(.., Security::DishonestMajority)`: shared with degree n − 1). Its
//!   members may all but one be colluders, so a majority's word proves nothing: such a task
//!   completes only with every member's vote, any disagreement fails it without slashing
//!   anyone, and no number of members claiming `BadInput` rejects a secret shared this way.
//!   Such tasks may run on committees of two and more; a committee smaller than the workers'
//!   registry allows for an honest majority holds only dishonest-majority secrets and runs only
//!   dishonest-majority tasks (`CommitteeTooSmallForHonestMajority`).
//! * Gas: the price of each operation of a compiled circuit (add, multiplication, opening,
//!   input, round) is a governance parameter; the `price_table` runtime API gives clients the
//!   table to quote a contract call exactly before submitting it (`enigma-lang compile --emit
//!   stats` computes the counts).
//! * `L`: completed tasks write per-contract key/value entries with their history;
//!   `ledger_get(contract, key, at)` reads the value as of block `at`.
//! * A member's accepted answers (acknowledgements, commitments, reveals, aborts) pay no
//!   transaction fee (refunded after dispatch; a refused one pays): each is one per member per
//!   secret or task, which its registrant or requester paid for, so junk tasks and secrets cost
//!   the members nothing but the work. The registrant and the requester prepay them: besides
//!   their own fee, they burn the weight fee of every member's answers at their largest
//!   ([`Pallet::answers_fee`], [`Pallet::acks_fee`]), so one paid transaction cannot bring
//!   dozens of free ones into blocks.
//! * [`Pallet::declassify`] lets the owner (or whoever its predicate allows) ask the committee
//!   for a secret's value, which members send off chain, encrypted to the requester.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub mod handover;
pub mod migrations;
pub mod runtime_api;
pub mod weights;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	pallet_prelude::*,
	CloneNoBound, DebugNoBound, EqNoBound, PartialEqNoBound,
	traits::{
		fungible::{Inspect, InspectHold, Mutate, MutateHold},
		tokens::{Fortitude, Precision, Preservation, Restriction},
	},
	weights::WeightToFee,
};
use pallet_shared_identity::{
	predicate::{self, Permission, Predicate, PredicateError, Request},
	PermissionCheck,
};
use pallet_workers::{schedule, schedule_weight, CommitteeId, Offence, TaskEvidence, WorkerRegistry};
use scale_info::TypeInfo;
use sp_core::H256;
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{traits::{Saturating, Zero}, Debug};
pub use weights::WeightInfo;

pub type BalanceOf<T> = <<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

pub use enigma_primitives::ValueKind;

/// Whom a secret's or a contract's privacy holds against.
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, Copy, PartialEq, Eq, Debug, Default, TypeInfo, MaxEncodedLen)]
pub enum Security {
	/// Fewer than half the committee collude: shared with degree t, computed with maliciously
	/// secure Shamir; a quorum of the committee decides a task's result.
	#[default]
	HonestMajority,
	/// All members but one may collude: shared with degree n − 1 and the owner's MAC, computed
	/// with SPDZ. Every member must agree on a result (a colluding majority could otherwise
	/// outvote the honest member), and a disagreement fails the task without blaming anyone.
	DishonestMajority,
}

/// The security a contract's source asks for, from its header: `contract Name: dishonest_majority`
/// (after whitespace and `//` comments); anything else is an honest majority. The workers'
/// compiler reads the same header, and a task whose contract it reads otherwise is refused.
pub fn contract_security(code: &[u8]) -> Security {
	/// Past whitespace and `//` comments.
	fn blank(mut rest: &[u8]) -> &[u8] {
		loop {
			let trimmed = rest.trim_ascii_start();
			let Some(comment) = trimmed.strip_prefix(b"//") else { return trimmed };
			rest = comment.iter().position(|b| *b == b'\n').map_or(&[][..], |end| &comment[end..]);
		}
	}
	/// The identifier `rest` starts with, and what follows it.
	fn word(rest: &[u8]) -> (&[u8], &[u8]) {
		rest.split_at(rest.iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'_').count())
	}
	let (keyword, rest) = word(blank(code));
	if keyword != b"contract" {
		return Security::HonestMajority;
	}
	let (_name, rest) = word(blank(rest));
	match blank(rest).strip_prefix(b":").map(|rest| word(blank(rest)).0) {
		Some(b"dishonest_majority") => Security::DishonestMajority,
		_ => Security::HonestMajority,
	}
}

/// A secret a task's contract created (`MPC.set(key, value, party)`), as its result reports it.
/// The chain derives its id from the task and the key, so a result can never overwrite another
/// secret, and only the contract that created it may compute on it.
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, Copy, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct NewSecret {
	pub key: u64,
	/// A task input (by position) of the party the contract names as the owner: the new secret
	/// belongs to that input's owner identity.
	pub owner_input: u32,
	pub kind: ValueKind,
}

/// The id of the secret a task creates under `key`: `blake2_256("enigma/new-secret/v1" ‖ task ‖ key)`.
pub fn new_secret_id(task: H256, key: u64) -> H256 {
	H256(sp_io::hashing::blake2_256(&(b"enigma/new-secret/v1", task, key).encode()))
}

#[derive(Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen)]
#[scale_info(skip_type_params(T))]
pub struct SecretInfo<T: Config> {
	/// The shared identity that owns the value.
	pub owner: H256,
	pub committee: CommitteeId,
	/// What may compute on it, besides the identity's Compute permission: which contracts (a
	/// `Contracts` node), until when, by whom. A predicate that allows every contract is as good
	/// as read access, since a contract can publish its input.
	pub compute_predicate: Predicate<T::AccountId, BlockNumberFor<T>>,
	pub kind: ValueKind,
	/// For a secret a task created: the contract and the `MPC` key it was stored under. Tasks
	/// read it only as `MPC[key]` of that contract.
	pub origin: Option<(H256, u64)>,
	/// Who holds the record's deposit (its registrant, or the requester of the task that made
	/// it), and how much.
	pub depositor: T::AccountId,
	pub deposit: BalanceOf<T>,
	/// Commitment to the sharing (the auditable engine's Pedersen commitments).
	pub commitment: H256,
	/// Members that confirmed they hold their share.
	pub acks: BoundedVec<T::AccountId, T::MaxCommitteeSize>,
	pub ready: bool,
}

#[derive(Encode, Decode, DecodeWithMemTracking, Clone, Copy, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub enum TaskStatus {
	Pending,
	Completed,
	Failed,
}

#[derive(Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen)]
#[scale_info(skip_type_params(T))]
pub struct TaskInfo<T: Config> {
	pub requester: T::AccountId,
	pub contract: H256,
	pub entry: BoundedVec<u8, ConstU32<64>>,
	pub inputs: BoundedVec<H256, T::MaxInputs>,
	pub public_args: BoundedVec<u8, T::MaxPublicArgs>,
	pub committee: CommitteeId,
	/// Held from the requester: the most it pays.
	pub gas_limit: BalanceOf<T>,
	/// The block that created it: `L.get` reads the ledger as of this block at the latest, so
	/// every member sees the same values.
	pub created: BlockNumberFor<T>,
	pub deadline: BlockNumberFor<T>,
	pub status: TaskStatus,
	/// Held from the requester until the task's records are pruned (`TaskRetention` blocks
	/// after its deadline), including room for the secrets it may create.
	pub deposit: BalanceOf<T>,
	/// The gas prices when the task was created. Its members price its circuit at these: a
	/// price change while it runs (governance may make one at any block) would otherwise give
	/// members that compile before and after it different gas, a split vote, and the minority
	/// slashed for a result it computed honestly.
	pub prices: PriceTable<BalanceOf<T>>,
}

/// What a committee member reports for a task.
#[derive(Encode, Decode, DecodeWithMemTracking, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen)]
#[scale_info(skip_type_params(T))]
pub struct TaskResult<T: Config> {
	/// Public outputs, as the contract's manifest lays them out.
	pub outputs: BoundedVec<u8, T::MaxOutputs>,
	/// The secret outputs (`MPC.set`), now held by the committee.
	pub new_secrets: BoundedVec<NewSecret, T::MaxNewSecrets>,
	/// Writes to the contract's ledger L.
	pub ledger_writes: BoundedVec<(u64, u128), T::MaxLedgerWrites>,
	/// Commitment root of the audit transcript.
	pub transcript_root: H256,
	pub gas_used: BalanceOf<T>,
}

impl<T: Config> TaskResult<T> {
	/// What the result says about the task, whichever run computed it: the hash of its outputs,
	/// new secrets, ledger writes and gas, without the run's transcript root.
	pub fn outcome(&self) -> H256 {
		H256(sp_io::hashing::blake2_256(&(&self.outputs, &self.new_secrets, &self.ledger_writes, self.gas_used).encode()))
	}
}

/// A run of a task a member completed: its transcript root, and who ran it (bit `i` set for
/// committee member `i`; a committee has at most 32 members). The chain counts votes by both,
/// and a vote for a run must list the voter: a member that sat the run out (stalling it with
/// everyone, say) cannot be handed the run's root by a colluder inside it and be paid with the
/// members that ran it.
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, TypeInfo, MaxEncodedLen)]
pub struct Run {
	pub root: H256,
	pub running: u32,
}

impl Run {
	/// Whether committee member `index` ran it.
	pub fn ran(&self, index: usize) -> bool {
		index < 32 && self.running & (1 << index) != 0
	}
}

/// The running set of committee members `indices`, as [`Run::running`] takes it.
pub fn running_set(indices: impl IntoIterator<Item = usize>) -> u32 {
	indices.into_iter().filter(|i| *i < 32).fold(0, |set, i| set | 1 << i)
}

/// The runs of a task a member completed: it votes for each (the first is its result's own run,
/// whose shares it keeps).
pub type RunsOf<T> = BoundedVec<Run, <T as Config>::MaxCommitteeSize>;

/// What a member's reveal hashes to, and commits to beforehand ([`result_commitment`]): the
/// blake2-256 of the SCALE-encoded result and the runs it votes for (its result's first).
pub fn reveal_hash<T: Config>(result: &TaskResult<T>, runs: &[Run]) -> H256 {
	H256(sp_io::hashing::blake2_256(&(b"enigma/reveal/v2", result, runs).encode()))
}

/// What a member commits to before revealing its result and runs, `reveal_hash`
/// ([`reveal_hash`]): `blake2_256("enigma/result-commitment/v1" ‖ task ‖ member ‖ reveal_hash ‖ salt)`.
/// The member's account is inside, so a commitment copied from another member never opens; the
/// salt (32 random bytes the member keeps) hides results that are easy to guess, such as a bit.
pub fn result_commitment<AccountId: Encode>(task: H256, member: &AccountId, reveal_hash: H256, salt: &[u8; 32]) -> H256 {
	H256(sp_io::hashing::blake2_256(&(b"enigma/result-commitment/v1", task, member, reveal_hash, salt).encode()))
}

/// Why a committee member gives up on a task without a result.
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, Copy, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub enum AbortReason {
	/// The task cannot run as submitted: its inputs do not fit the entry point, the contract does
	/// not compile, or the member does not hold an input's share.
	InvalidTask,
	/// The computation stopped on a failed integrity check that the member cannot attribute to
	/// anyone (a tampered value, members running different computations).
	Unattributed,
	/// The task's input at this position does not fit its declared type: the committee's range
	/// check (over the bits its owner shared along) failed after every other check passed.
	/// When t + 1 members say so, the secret is rejected.
	BadInput(u32),
	/// The member's result came after the commitments closed (a quorum committed `RevealDelay`
	/// blocks before): it can no longer count, and the member says so rather than look dead.
	TooLate,
}

/// The largest compute predicate a secret takes, encoded. A task evaluates every input's, so
/// the largest an identity's grant may hold (16 nodes of 16-key thresholds, about 8 KiB, each
/// key compared with every co-signer) on each of `MaxInputs` inputs would not fit a block. A
/// 16-key threshold with 8 contracts fits (776 bytes).
pub const MAX_COMPUTE_PREDICATE: usize = 1_024;

/// The MPC session of a run of `task`: the task id for the run with every member, or
/// `blake2_256((task, running))` for a rerun with the members (committee indices) in
/// `running`. Workers name their channels with it and the chain checks signed frames against it.
pub fn run_session(task: H256, running: Option<&[u32]>) -> [u8; 32] {
	match running {
		None => task.0,
		Some(members) => sp_io::hashing::blake2_256(&(task, members).encode()),
	}
}

/// What proves a committee member deviated from the protocol, checkable by the chain alone.
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub enum MisbehaviourProof {
	/// A frame no honest member sends ([`enigma_primitives::malformed_frame`]), signed by the
	/// offender's libp2p key for member `recipient` in the task's run: the run with every member
	/// (`running: None`, session = the task id) or the rerun with the members listed
	/// (session = `blake2_256((task, running))`).
	MalformedFrame { running: Option<Vec<u32>>, recipient: u32, seq: u64, payload: Vec<u8>, signature: [u8; 64] },
}

impl MisbehaviourProof {
	/// Whether the proof shows that committee member `offender` of `task` deviated, given the
	/// members' registered peer ids (what `report` checks; members check each other's
	/// accusations with it too).
	pub fn proves(&self, task: H256, offender: usize, peers: &[Vec<u8>]) -> bool {
		match self {
			MisbehaviourProof::MalformedFrame { running, recipient, seq, payload, signature } => {
				let recipient = *recipient as usize;
				if recipient == offender || recipient >= peers.len() || !enigma_primitives::malformed_frame(payload) {
					return false;
				}
				if let Some(members) = running {
					if !members.contains(&(offender as u32)) || !members.contains(&(recipient as u32)) {
						return false;
					}
				}
				let session = run_session(task, running.as_deref());
				let Some(key) = enigma_primitives::ed25519_of_peer_id(&peers[offender]) else { return false };
				let digest = enigma_primitives::mpc_frame_digest(&session, *seq, &peers[recipient], payload);
				sp_io::crypto::ed25519_verify(&sp_core::ed25519::Signature::from_raw(*signature), &digest, &sp_core::ed25519::Public::from_raw(key))
			},
		}
	}
}

/// Gas prices, in plancks per operation.
#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct PriceTable<Balance> {
	pub add: Balance,
	pub mul: Balance,
	pub open: Balance,
	pub input: Balance,
	pub round: Balance,
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_system::pallet_prelude::*;

	/// 1: tasks record the gas prices they were created at; 2: secrets count against their
	/// committee once ready; 3: dishonest-majority contracts and tasks recorded
	/// ([`crate::migrations`]).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(3);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;
		type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason> + Mutate<Self::AccountId>;
		type RuntimeHoldReason: From<HoldReason>;
		type Identity: PermissionCheck<Self::AccountId, BlockNumberFor<Self>>;
		type Workers: WorkerRegistry<Self::AccountId>;
		/// Gas prices (governance parameters).
		type GasPriceAdd: Get<BalanceOf<Self>>;
		type GasPriceMul: Get<BalanceOf<Self>>;
		type GasPriceOpen: Get<BalanceOf<Self>>;
		type GasPriceInput: Get<BalanceOf<Self>>;
		type GasPriceRound: Get<BalanceOf<Self>>;
		/// Accounts with less free balance cannot request computation.
		type MinRequesterBalance: Get<BalanceOf<Self>>;
		/// The transaction fee of a weight: the members' free answers are prepaid at this rate
		/// (the runtime's transaction payment uses the same).
		type WeightToFee: WeightToFee<Balance = BalanceOf<Self>>;
		/// Blocks a committee has at least to agree on a result (more when the deadline's block
		/// is full: see `pallet_workers::schedule`).
		type TaskDeadline: Get<BlockNumberFor<Self>>;
		/// Blocks between a quorum of commitments and the first reveal: the slower members of
		/// the committee still commit in that time. (When every member has answered, reveals
		/// open at once.)
		#[pallet::constant]
		type RevealDelay: Get<BlockNumberFor<Self>>;
		/// Blocks a member that committed has to reveal before it counts as late at the
		/// deadline: a member whose reveals opened later than `RevealWindow` blocks before the
		/// deadline is not slashed for not revealing.
		#[pallet::constant]
		type RevealWindow: Get<BlockNumberFor<Self>>;
		/// Deposit of every record a user makes (a governance parameter)...
		type DepositBase: Get<BalanceOf<Self>>;
		/// ...plus this much per byte (a governance parameter).
		type DepositPerByte: Get<BalanceOf<Self>>;
		/// Blocks after its deadline that a task's records (result, submissions) stay readable
		/// before they are pruned and the requester's deposit is released.
		#[pallet::constant]
		type TaskRetention: Get<BlockNumberFor<Self>>;
		#[pallet::constant]
		type MaxCodeSize: Get<u32>;
		#[pallet::constant]
		type MaxInputs: Get<u32>;
		/// Identities whose secrets one task may take. Each owner's record (large with every
		/// grant and policy) is read and checked once per task, so their number, not the inputs',
		/// bounds that part of the task's cost.
		#[pallet::constant]
		type MaxInputOwners: Get<u32>;
		#[pallet::constant]
		type MaxPublicArgs: Get<u32>;
		#[pallet::constant]
		type MaxOutputs: Get<u32>;
		#[pallet::constant]
		type MaxNewSecrets: Get<u32>;
		#[pallet::constant]
		type MaxLedgerWrites: Get<u32>;
		/// Values kept per ledger key.
		#[pallet::constant]
		type MaxHistory: Get<u32>;
		/// Tasks whose deadline may fall in one block.
		#[pallet::constant]
		type MaxTasksPerBlock: Get<u32>;
		/// At most 32: a run's running set ([`Run`]) has a bit per member. (So must be the
		/// committees `Workers` draws.)
		#[pallet::constant]
		type MaxCommitteeSize: Get<u32>;
		/// Secrets registered, or acknowledged, in one transaction.
		#[pallet::constant]
		type MaxSecretBatch: Get<u32>;
		type WeightInfo: WeightInfo;
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// Sets up what the benchmarks need from the identity and worker pallets.
	#[cfg(feature = "runtime-benchmarks")]
	pub trait BenchmarkHelper<AccountId> {
		/// An active identity in which `who` has every permission.
		fn identity_of(who: &AccountId) -> H256;
		/// A committee of `size` freshly registered workers (or of the smallest size allowed,
		/// if that is larger).
		fn committee_of(size: u32) -> CommitteeId;
	}

	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A task's gas limit.
		TaskGas,
		/// The deposit of a record: a contract, a secret, a task.
		StateDeposit,
	}

	pub type SecretOf<T> = SecretInfo<T>;
	pub type TaskOf<T> = TaskInfo<T>;
	pub type ResultOf<T> = TaskResult<T>;

	#[pallet::storage]
	pub type Contracts<T: Config> = StorageMap<_, Identity, H256, BoundedVec<u8, T::MaxCodeSize>>;

	/// Contracts whose header asks for a dishonest majority ([`contract_security`]).
	#[pallet::storage]
	pub type DishonestContracts<T: Config> = StorageMap<_, Identity, H256, ()>;

	/// Secrets shared for a dishonest majority (degree n − 1 with the owner's MAC), and those a
	/// dishonest-majority task made (each member's additive shares, with their MAC).
	#[pallet::storage]
	pub type DishonestSecrets<T: Config> = StorageMap<_, Identity, H256, ()>;

	/// Tasks of dishonest-majority contracts, until pruned: every member must agree on the
	/// result, and on a rejected input.
	#[pallet::storage]
	pub type DishonestTasks<T: Config> = StorageMap<_, Identity, H256, ()>;

	/// Who deployed a contract, the deposit held for its code, and its pending tasks.
	#[pallet::storage]
	pub type ContractInfo<T: Config> = StorageMap<_, Identity, H256, (T::AccountId, BalanceOf<T>, u32)>;

	/// Pending tasks by committee member: what each worker has to run.
	#[pallet::storage]
	pub type Assigned<T: Config> = StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Identity, H256, ()>;

	/// Tasks whose records are pruned at the start of a block.
	#[pallet::storage]
	pub type Prunes<T: Config> = StorageMap<_, Twox64Concat, BlockNumberFor<T>, BoundedVec<H256, T::MaxTasksPerBlock>, ValueQuery>;

	#[pallet::storage]
	pub type Secrets<T: Config> = StorageMap<_, Identity, H256, SecretOf<T>>;

	/// Secrets being handed to another committee ([`crate::handover`]).
	#[pallet::storage]
	pub type Handovers<T: Config> = StorageMap<_, Identity, H256, crate::handover::Handover<T>>;

	/// Committees rotated (a member left), with the committee drawn for their secrets.
	#[pallet::storage]
	pub type Rotations<T: Config> = StorageMap<_, Twox64Concat, CommitteeId, crate::handover::Rotation<T>>;

	/// The committee drawn for a rotation, with the committee rotated: pinned while that exists.
	#[pallet::storage]
	pub type RotatedTo<T: Config> = StorageMap<_, Twox64Concat, CommitteeId, CommitteeId>;

	#[pallet::storage]
	pub type Tasks<T: Config> = StorageMap<_, Identity, H256, TaskOf<T>>;

	/// Each member's commitment to its result ([`result_commitment`]).
	#[pallet::storage]
	pub type Commitments<T: Config> = StorageDoubleMap<_, Identity, H256, Blake2_128Concat, T::AccountId, H256>;

	/// The block from which a task's members reveal their results: set when a quorum has
	/// committed (`RevealDelay` blocks later) or every member has answered (that block).
	/// Commitments are refused from then on.
	#[pallet::storage]
	pub type RevealFrom<T: Config> = StorageMap<_, Identity, H256, BlockNumberFor<T>>;

	/// Each member's reveal for a task: its result's outcome ([`TaskResult::outcome`]) and the
	/// runs ([`Run`]) it votes for.
	#[pallet::storage]
	pub type Submissions<T: Config> = StorageDoubleMap<_, Identity, H256, Blake2_128Concat, T::AccountId, (H256, RunsOf<T>)>;

	/// The distinct outcomes revealed for a task, by outcome hash (the result as its first
	/// revealer sent it; the agreed run's root replaces its transcript root).
	#[pallet::storage]
	pub type Candidates<T: Config> = StorageDoubleMap<_, Identity, H256, Identity, H256, ResultOf<T>>;

	/// Members that gave up on a task, and why. An abort is an answer: the member is not late.
	#[pallet::storage]
	pub type Aborts<T: Config> = StorageDoubleMap<_, Identity, H256, Blake2_128Concat, T::AccountId, AbortReason>;

	/// The agreed result of a completed task.
	#[pallet::storage]
	pub type Results<T: Config> = StorageMap<_, Identity, H256, ResultOf<T>>;

	/// Tasks whose result a quorum agreed on while other members that committed had yet to
	/// reveal: they complete at the start of this block, the end of their reveal window. A
	/// block's settlements and deadlines share `MaxTasksPerBlock` ([`Pallet::ends_in`]).
	#[pallet::storage]
	pub type Settles<T: Config> = StorageMap<_, Twox64Concat, BlockNumberFor<T>, BoundedVec<H256, T::MaxTasksPerBlock>, ValueQuery>;

	#[pallet::storage]
	pub type Deadlines<T: Config> = StorageMap<_, Twox64Concat, BlockNumberFor<T>, BoundedVec<H256, T::MaxTasksPerBlock>, ValueQuery>;

	/// L: per contract and key, the values with the block they were written in, oldest first.
	/// Kept for good: a key's first writer paid [`Pallet::ledger_key_fee`] for it.
	#[pallet::storage]
	pub type Ledger<T: Config> =
		StorageDoubleMap<_, Identity, H256, Twox64Concat, u64, BoundedVec<(BlockNumberFor<T>, u128), T::MaxHistory>, ValueQuery>;

	#[pallet::storage]
	pub type TaskNonce<T: Config> = StorageValue<_, u64, ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// (Named `contract`, not `hash`: polkadot-js codecs have a `hash` getter of their own.)
		ContractRegistered { contract: H256, size: u32 },
		/// Its deployer removed a contract no task was running; its deposit was released.
		ContractRemoved { contract: H256 },
		SecretRegistered { secret: H256, owner: H256, committee: CommitteeId },
		SecretAcknowledged { secret: H256, worker: T::AccountId },
		/// A member acknowledged `count` secrets in one batch (each that became usable has its
		/// `SecretReady`).
		SecretsAcknowledged { worker: T::AccountId, count: u32 },
		/// Every committee member holds its share: the secret can be used.
		SecretReady { secret: H256 },
		/// A member whose unbonding period is over let go of its share of a secret that never became
		/// ready (its acknowledgement no longer holds its stake).
		UnreadyShareReleased { secret: H256, worker: T::AccountId },
		TaskCreated { task: H256, contract: H256, committee: CommitteeId, deadline: BlockNumberFor<T> },
		/// A member committed to its result (still hidden).
		ResultCommitted { task: H256, worker: T::AccountId },
		/// A member revealed its result.
		ResultSubmitted { task: H256, worker: T::AccountId },
		TaskCompleted { task: H256, outputs: Vec<u8>, new_secrets: Vec<H256>, gas_used: BalanceOf<T> },
		/// No quorum before the deadline, or none possible any more: the requester got its gas
		/// back.
		TaskFailed { task: H256 },
		/// A committee member gave up on the task without a result.
		TaskAborted { task: H256, worker: T::AccountId, reason: AbortReason },
		/// t + 1 members of its committee found the secret out of its declared range: it can no
		/// longer be used. Its owner identity is named.
		SecretRejected { secret: H256, owner: H256 },
		/// The owner removed a secret; its committee's members drop their shares.
		SecretRemoved { secret: H256 },
		/// A finished task's records were pruned and the requester's deposit released.
		TaskPruned { task: H256 },
		/// Members of the committee answer off chain, encrypted to the requester.
		DeclassifyRequested { secret: H256, requester: T::AccountId, committee: CommitteeId },
		/// The owner asked for the secret to be handed to committee `to`: the members of `from`
		/// re-share their shares to it ([`crate::handover`]).
		HandoverRequested { secret: H256, from: CommitteeId, to: CommitteeId },
		/// t + 1 dealings nobody refused: every new member combines these dealers' (positions in
		/// the old committee).
		HandoverDealt { secret: H256, to: CommitteeId, round: u32, dealers: Vec<u32> },
		/// A new member found its share from `dealer` off that dealing's commitments.
		HandoverRefused { secret: H256, dealer: u32, by: T::AccountId },
		/// Every member of `to` holds a share of the same new sharing, committed by `commitment`:
		/// the secret is `to`'s now, and the members of `from` drop their shares.
		SecretHandedOver { secret: H256, from: CommitteeId, to: CommitteeId, commitment: H256 },
		/// The handover ended without moving the secret (cancelled by its owner, or the secret
		/// went); new members drop what they took.
		HandoverCancelled { secret: H256 },
		/// Committee `from` lost a member (leaving, deactivated or gone): once drawn, committee
		/// `to` takes its secrets, handed over by anyone (`hand_over_rotated`).
		CommitteeRotating { from: CommitteeId, to: CommitteeId, requester: T::AccountId },
		/// New member `by` proved old member `dealer`'s dealing of `secret` false (`fault`): the
		/// dealer was slashed (burned), and its dealing is no longer combined.
		DealingProvenFalse { secret: H256, dealer: u32, fault: enigma_primitives::pedersen::FalseDealing, by: T::AccountId },
		/// A member whose unbonding period is over let go of its share of a ready secret that
		/// no handover can move (a task's, or a dishonest-majority one): the secret is no longer
		/// ready, and no task can use it.
		StrandedShareReleased { secret: H256, worker: T::AccountId },
	}

	#[pallet::error]
	pub enum Error<T> {
		ContractExists,
		UnknownContract,
		/// Code must be non-empty and at most `MaxCodeSize` bytes.
		InvalidCode,
		UnknownCommittee,
		UnknownSecret,
		SecretExists,
		/// Not all committee members confirmed their shares yet.
		SecretNotReady,
		/// The caller is not a member of the committee.
		NotInCommittee,
		AlreadyAcknowledged,
		/// The caller did not acknowledge a share of this secret.
		NotAcknowledged,
		/// Every member acknowledged this secret: a handover moves it, not a release.
		SecretIsReady,
		/// Only a member whose unbonding period is over lets go of a share.
		StillUnbonding,
		/// The caller may not use these inputs, or declassify this secret.
		NoPermission,
		/// A task needs at least one input.
		NoInputs,
		/// A task's gas limit must be more than zero (workers refuse one below the exact quote).
		GasLimitTooLow,
		/// The caller is no registered worker any more (it withdrew its stake).
		NotRegistered,
		/// The deposit for the record cannot be held from the caller's free balance.
		CannotPayDeposit,
		/// The fee of the committee's answers (acknowledgements, or commitments and reveals)
		/// cannot be paid from the caller's free balance.
		CannotPayAnswers,
		/// Only the account that deployed the contract may remove it.
		NotDeployer,
		/// Tasks of this contract are still pending.
		ContractInUse,
		/// Inputs are held by different committees (resharing comes later).
		InputsOnDifferentCommittees,
		/// The requester's free balance is below `MinRequesterBalance`.
		BalanceTooLow,
		/// The gas limit cannot be held.
		CannotPayGas,
		UnknownTask,
		/// The task is completed or failed already.
		TaskNotPending,
		DeadlinePassed,
		AlreadySubmitted,
		/// Commitments to results are closed: a quorum committed `RevealDelay` blocks ago, or
		/// every member answered. (A member whose result came too late aborts with `TooLate`.)
		CommitmentsClosed,
		/// Results are revealed only once commitments are closed.
		RevealNotOpen,
		/// The member never committed to a result for this task.
		NotCommitted,
		/// The revealed result and salt do not open the member's commitment.
		CommitmentMismatch,
		/// The result's gas exceeds the task's limit.
		GasLimitExceeded,
		/// Every block the task's deadline (or pruning) could be put in (`SCHEDULE_SPREAD` from
		/// `TaskDeadline` on) has its most tasks already; try later.
		TooManyTasks,
		/// The entry point name is longer than 64 bytes.
		InvalidEntry,
		/// A secret's kind is not an integer of 1 to 128 bits or a field element.
		InvalidKind,
		/// A result's new secrets repeat a key, name an owner that gave the task no input, or
		/// would replace an existing secret.
		InvalidResult,
		MalformedPredicate,
		PredicateTooDeep,
		InvalidThreshold,
		/// A batch must hold at least one secret.
		EmptyBatch,
		/// None of the batch's secrets is registered, of the caller's committee and still to be
		/// acknowledged by it.
		NothingToAcknowledge,
		/// The inputs belong to more than `MaxInputOwners` identities.
		TooManyInputOwners,
		/// A member of the committee is unbonding: it takes no new secrets.
		CommitteeMemberLeaving,
		/// The committee is smaller than an honest majority needs (the workers' registry's
		/// `honest_majority_size`): it holds secrets shared for, and runs tasks of contracts
		/// asking for, a dishonest majority only.
		CommitteeTooSmallForHonestMajority,
		/// Only a secret a client dealt for an honest majority can be handed over (it carries
		/// the commitments the dealings are checked against).
		NotResharable,
		/// The secret is held by that committee already.
		SameCommittee,
		/// The secret is being handed over already.
		HandoverPending,
		/// The secret is not being handed over.
		NoHandover,
		/// That old member is not among the dealings the new members combine.
		NotADealer,
		/// The set of dealings was formed again since (a refusal): combine the new one.
		StaleRound,
		/// None of the batch's secrets had a dealing or a sharing of the caller's to record (or,
		/// for a rotation, could be handed over).
		NothingToRecord,
		/// Every member of the committee is active: there is nothing to rotate it for.
		CommitteeServing,
		/// The committee was rotated already (a committee is rotated once, unless its draw
		/// failed: a second draw would let whoever rotates draw again until a committee it
		/// controls came up).
		AlreadyRotated,
		/// The committee was not rotated.
		NotRotated,
		/// The dealing does not hash to the one its dealer posted.
		NotThePostedDealing,
		/// The old commitments and share hashes do not hash to the secret's registered commitment.
		NotTheSecretsCommitments,
		/// The dealing is t' + 1 points whose constant one is the old sharing's at the dealer's
		/// point (or the share lies on it): nothing is proven against the dealer.
		DealingHolds,
		/// The share is not signed by the dealer's registered key for the caller.
		NotSignedByTheDealer,
		/// The dealer was proven false (and slashed) for this secret already.
		AlreadyProven,
		/// The member's unbonding period is over: it takes no share any more (it would keep
		/// the member from withdrawing).
		UnbondingOver,
		/// The committee was drawn for a rotation: it is not rotated in turn (its members would
		/// choose when to draw again by leaving; owners hand their secrets over themselves).
		DrawnForRotation,
		/// A compute predicate encodes to more than `MAX_COMPUTE_PREDICATE` bytes.
		ComputePredicateTooLarge,
		/// A run voted for does not list the voter among who ran it, lists members the committee
		/// does not have, or the first run is not the result's own.
		NotInRun,
		/// A member of the committee runs a task: it is rotated once they end (moving their
		/// inputs would fail them).
		CommitteeRunsTasks,
		/// A handover can move the secret to another committee (a rotation does it for a
		/// leaving member): its shares are not released.
		SecretMovable,
	}

	impl<T> From<PredicateError> for Error<T> {
		fn from(e: PredicateError) -> Self {
			match e {
				PredicateError::Malformed => Error::MalformedPredicate,
				PredicateError::TooDeep => Error::PredicateTooDeep,
				PredicateError::InvalidThreshold => Error::InvalidThreshold,
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxCommitteeSize::get() <= 32, "a run's running set has a bit per committee member: at most 32 members");
		}

		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			// Settlements first: a reveal window that ends at the deadline completes its task
			// before the deadline would fail it.
			let settling = Settles::<T>::take(now);
			let settled = settling.len() as u32;
			for task in settling {
				let _ = Self::settle(task);
			}
			let due = Deadlines::<T>::take(now);
			let expired = due.len() as u32;
			for task in due {
				Self::expire(task);
			}
			let old = Prunes::<T>::take(now);
			let pruned = old.len() as u32;
			for task in old {
				Self::prune(task);
			}
			Self::hooks_weight(settled, expired, pruned)
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Publish a secret contract's code; it is known by its blake2-256 hash.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_contract(code.len() as u32).saturating_add(T::DbWeight::get().writes(1)))]
		pub fn register_contract(origin: OriginFor<T>, code: Vec<u8>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::ensure_can_pay(&who)?;
			ensure!(!code.is_empty(), Error::<T>::InvalidCode);
			let size = code.len() as u32;
			let code: BoundedVec<u8, T::MaxCodeSize> = code.try_into().map_err(|_| Error::<T>::InvalidCode)?;
			let hash = H256(sp_io::hashing::blake2_256(&code));
			ensure!(!Contracts::<T>::contains_key(hash), Error::<T>::ContractExists);
			let deposit = Self::hold_deposit(&who, code.len() + 48)?;
			if contract_security(&code) == Security::DishonestMajority {
				DishonestContracts::<T>::insert(hash, ());
			}
			Contracts::<T>::insert(hash, code);
			ContractInfo::<T>::insert(hash, (who, deposit, 0));
			Self::deposit_event(Event::ContractRegistered { contract: hash, size });
			Ok(())
		}

		/// Remove a contract the caller deployed, once no task of it is pending; its deposit
		/// goes back. Secrets allowed for it stay (nobody can run it any more).
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::remove_contract().saturating_add(T::DbWeight::get().writes(1)))]
		pub fn remove_contract(origin: OriginFor<T>, contract: H256) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let (deployer, deposit, pending) = ContractInfo::<T>::get(contract).ok_or(Error::<T>::UnknownContract)?;
			ensure!(deployer == who, Error::<T>::NotDeployer);
			ensure!(pending == 0, Error::<T>::ContractInUse);
			Contracts::<T>::remove(contract);
			ContractInfo::<T>::remove(contract);
			DishonestContracts::<T>::remove(contract);
			Self::release_deposit(&who, deposit);
			Self::deposit_event(Event::ContractRemoved { contract });
			Ok(())
		}

		/// Register a value secret-shared with `committee` (needs Store on `identity`).
		#[pallet::call_index(1)]
		// Plus the members' acknowledgements prepaid.
		// (And every member's record read, to see whether it is leaving.)
		#[pallet::weight(T::WeightInfo::register_secret().saturating_add(T::Identity::check_weight()).saturating_add(T::DbWeight::get().reads_writes(2 + T::MaxCommitteeSize::get() as u64, 2)))]
		pub fn register_secret(
			origin: OriginFor<T>,
			identity: H256,
			committee: CommitteeId,
			compute_predicate: Predicate<T::AccountId, BlockNumberFor<T>>,
			commitment: H256,
			kind: ValueKind,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::register(who, identity, committee, compute_predicate, &[(commitment, kind)], Security::HonestMajority)
		}

		/// Register many values secret-shared with `committee`, under one compute predicate, in
		/// one transaction (needs Store on `identity`): each as [`Pallet::register_secret`] would,
		/// all or none, shared for `security` (a single value shared for a dishonest majority is
		/// a batch of one). Sharing a dataset takes a transaction per `MaxSecretBatch` values.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::register_secrets(secrets.len() as u32)
			.saturating_add(T::Identity::check_weight())
			.saturating_add(T::DbWeight::get().reads_writes(2 + T::MaxCommitteeSize::get() as u64, 2 + secrets.len() as u64)))]
		pub fn register_secrets(
			origin: OriginFor<T>,
			identity: H256,
			committee: CommitteeId,
			compute_predicate: Predicate<T::AccountId, BlockNumberFor<T>>,
			secrets: BoundedVec<(H256, ValueKind), T::MaxSecretBatch>,
			security: Security,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!secrets.is_empty(), Error::<T>::EmptyBatch);
			Self::register(who, identity, committee, compute_predicate, &secrets, security)
		}

		/// A committee member confirms it holds its share of `secret`.
		#[pallet::call_index(2)]
		#[pallet::weight(Pallet::<T>::ack_weight())]
		pub fn ack_secret(origin: OriginFor<T>, secret: H256) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Secrets::<T>::try_mutate(secret, |info| -> DispatchResult {
				let info = info.as_mut().ok_or(Error::<T>::UnknownSecret)?;
				let members = T::Workers::committee(info.committee).ok_or(Error::<T>::UnknownCommittee)?;
				ensure!(members.contains(&who), Error::<T>::NotInCommittee);
				// A share is counted against its holder's stake: a member that withdrew (it
				// stays in its committees' lists) has none to count it against.
				ensure!(T::Workers::is_registered(&who), Error::<T>::NotRegistered);
				ensure!(!T::Workers::is_unbonded(&who), Error::<T>::UnbondingOver);
				ensure!(!info.acks.contains(&who), Error::<T>::AlreadyAcknowledged);
				Self::deposit_event(Event::SecretAcknowledged { secret, worker: who.clone() });
				T::Workers::note_shares(core::slice::from_ref(&who), 1, true);
				if Self::acknowledge(secret, info, who, &members) {
					T::Workers::note_committee_secrets(info.committee, 1, true);
				}
				Ok(())
			})?;
			Ok(Pays::No.into())
		}

		/// A committee member confirms it holds its shares of `secrets`, in one transaction.
		/// Secrets removed meanwhile, of another committee, or acknowledged already are passed
		/// over (a batch is not lost for one of them); a batch with none to acknowledge fails.
		#[pallet::call_index(11)]
		#[pallet::weight(Pallet::<T>::acks_weight(secrets.len() as u32))]
		pub fn ack_secrets(origin: OriginFor<T>, secrets: BoundedVec<H256, T::MaxSecretBatch>) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			ensure!(T::Workers::is_registered(&who), Error::<T>::NotRegistered);
			ensure!(!T::Workers::is_unbonded(&who), Error::<T>::UnbondingOver);
			let batch = secrets.len() as u32;
			// The members of the committee seen last: a batch is usually one committee's.
			let mut members: Option<(CommitteeId, Vec<T::AccountId>)> = None;
			let mut count = 0u32;
			// Secrets that became ready, by committee: counted once per committee at the end.
			let mut ready = alloc::collections::BTreeMap::<CommitteeId, u32>::new();
			for secret in secrets {
				let Some(mut info) = Secrets::<T>::get(secret) else { continue };
				if members.as_ref().is_none_or(|(id, _)| *id != info.committee) {
					members = T::Workers::committee(info.committee).map(|m| (info.committee, m));
				}
				let Some((_, of_committee)) = members.as_ref() else { continue };
				if !of_committee.contains(&who) || info.acks.contains(&who) {
					continue;
				}
				if Self::acknowledge(secret, &mut info, who.clone(), of_committee) {
					*ready.entry(info.committee).or_default() += 1;
				}
				Secrets::<T>::insert(secret, info);
				count += 1;
			}
			ensure!(count > 0, Error::<T>::NothingToAcknowledge);
			T::Workers::note_shares(core::slice::from_ref(&who), count, true);
			for (committee, n) in ready {
				T::Workers::note_committee_secrets(committee, n, true);
			}
			Self::deposit_event(Event::SecretsAcknowledged { worker: who, count });
			// Free when every entry was a share the member was asked to hold; a batch padded
			// with others pays, so nobody fills blocks for free.
			Ok(if count == batch { Pays::No } else { Pays::Yes }.into())
		}

		/// Run `entry` of `contract` on `inputs` with `public_args`, paying at most `gas_limit`.
		#[pallet::call_index(3)]
		// Plus the task's deadline and pruning put on the first blocks with room, and each
		// owner's co-signatures used up.
		#[pallet::weight(Pallet::<T>::submit_task_weight(inputs.len() as u32))]
		pub fn submit_task(
			origin: OriginFor<T>,
			contract: H256,
			entry: Vec<u8>,
			inputs: BoundedVec<H256, T::MaxInputs>,
			public_args: BoundedVec<u8, T::MaxPublicArgs>,
			gas_limit: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::ensure_can_pay(&who)?;
			ensure!(!gas_limit.is_zero(), Error::<T>::GasLimitTooLow);
			ensure!(Contracts::<T>::contains_key(contract), Error::<T>::UnknownContract);
			let entry: BoundedVec<u8, ConstU32<64>> = entry.try_into().map_err(|_| Error::<T>::InvalidEntry)?;
			ensure!(!inputs.is_empty(), Error::<T>::NoInputs);
			let now = frame_system::Pallet::<T>::block_number();
			let mut committee = None;
			// Co-members who consented to this very task, by this requester, count for k-of-n grants.
			let request_hash = Self::task_request(&who, contract, &entry, &inputs, &public_args);
			// Each owner's identity record is read and checked once, however many of its secrets
			// the task takes: a record can be large, and one owner's secret repeated up to
			// `MaxInputs` times must not decode it that often.
			let mut owners = alloc::collections::BTreeMap::<H256, Vec<T::AccountId>>::new();
			for input in inputs.iter() {
				let secret = Secrets::<T>::get(input).ok_or(Error::<T>::UnknownSecret)?;
				ensure!(secret.ready, Error::<T>::SecretNotReady);
				// A secret on its way to another committee: its old members drop their shares
				// once it moves, so a task started now could fail midway.
				ensure!(!Handovers::<T>::contains_key(input), Error::<T>::HandoverPending);
				if !owners.contains_key(&secret.owner) {
					ensure!(owners.len() < T::MaxInputOwners::get() as usize, Error::<T>::TooManyInputOwners);
					let signers = T::Identity::cosigners(&secret.owner, &request_hash);
					ensure!(T::Identity::check(&who, &secret.owner, Permission::Compute, &signers, Some(contract)), Error::<T>::NoPermission);
					owners.insert(secret.owner, signers);
				}
				let signers = owners.get(&secret.owner).map(Vec::as_slice).unwrap_or_default();
				let request = Request { who: &who, signers, contract: Some(contract), now, is_member: true };
				ensure!(predicate::evaluate(&secret.compute_predicate, &request), Error::<T>::NoPermission);
				match committee {
					None => committee = Some(secret.committee),
					Some(c) => ensure!(c == secret.committee, Error::<T>::InputsOnDifferentCommittees),
				}
			}
			let committee = committee.ok_or(Error::<T>::NoInputs)?;
			let members = T::Workers::committee(committee).ok_or(Error::<T>::UnknownCommittee)?;
			// A task may make secrets, each a duty of every member that agreed on it: no new
			// task comes to a committee with a member that unbonds, or leaves once its tasks end
			// (else anyone with a secret there could keep it from leaving), as no new secret does
			// (`register`); those it runs still may make some. The rotation moves the inputs,
			// once the committee's tasks ended.
			ensure!(!members.iter().any(T::Workers::is_leaving), Error::<T>::CommitteeMemberLeaving);
			let dishonest = DishonestContracts::<T>::contains_key(contract);
			// An honest-majority task's quorum is a majority: on a committee too small for one,
			// too few members would decide its result.
			ensure!(dishonest || members.len() as u32 >= T::Workers::honest_majority_size(), Error::<T>::CommitteeTooSmallForHonestMajority);
			let nonce = TaskNonce::<T>::mutate(|n| {
				*n += 1;
				*n
			});
			let task = H256(sp_io::hashing::blake2_256(&(&who, contract, &entry, &inputs, &public_args, nonce).encode()));
			// The first block from `TaskDeadline` on with room (`schedule`); the task records it.
			let deadline = Self::schedule_deadline(now.saturating_add(T::TaskDeadline::get()), task).ok_or(Error::<T>::TooManyTasks)?;
			schedule::<Prunes<T>, _, _, _>(deadline.saturating_add(T::TaskRetention::get()), task).ok_or(Error::<T>::TooManyTasks)?;
			T::Currency::hold(&HoldReason::TaskGas.into(), &who, gas_limit).map_err(|_| Error::<T>::CannotPayGas)?;
			Self::prepay_answers(&who, Self::answers_fee(members.len() as u32))?;
			// The task's record, its members' commitments and reveals and its result (at their
			// largest), and the secrets it may create: each a record of its own, with its own
			// deposit ([`Self::new_secret_deposit`]) taken out of this one when it is made.
			let bytes = (inputs.len() * 32 + entry.len() + public_args.len() + 256 + 40 + PriceTable::<BalanceOf<T>>::max_encoded_len())
				.saturating_add(ResultOf::<T>::max_encoded_len().saturating_mul(2))
				.saturating_add(192usize.saturating_mul(members.len()));
			// And the ledger keys it may create: kept for good, their part is burnt as they are
			// written ([`Self::ledger_key_fee`]).
			let deposit = Self::deposit_for(bytes)
				.saturating_add(Self::new_secret_deposit(members.len()).saturating_mul(T::MaxNewSecrets::get().into()))
				.saturating_add(Self::ledger_key_fee().saturating_mul(T::MaxLedgerWrites::get().into()));
			T::Currency::hold(&HoldReason::StateDeposit.into(), &who, deposit).map_err(|_| Error::<T>::CannotPayDeposit)?;
			for m in &members {
				T::Workers::note_assigned(m);
				Assigned::<T>::insert(m, task, ());
			}
			ContractInfo::<T>::mutate(contract, |c| {
				if let Some((_, _, pending)) = c {
					*pending = pending.saturating_add(1);
				}
			});
			T::Workers::note_task(committee, true);
			if dishonest {
				DishonestTasks::<T>::insert(task, ());
			}
			// The consents this task used are used up.
			for (owner, signers) in &owners {
				if !signers.is_empty() {
					T::Identity::use_cosigns(owner, &request_hash);
				}
			}
			Tasks::<T>::insert(
				task,
				TaskInfo {
					requester: who,
					contract,
					entry,
					inputs,
					public_args,
					committee,
					gas_limit,
					created: now,
					deadline,
					status: TaskStatus::Pending,
					deposit,
					prices: Self::price_table(),
				},
			);
			Self::deposit_event(Event::TaskCreated { task, contract, committee, deadline });
			Ok(())
		}

		/// A committee member commits to its result for `task` ([`result_commitment`]), while
		/// commitments are open. Nobody can read a result off the chain before commitments close,
		/// so a member that did not compute has nothing to copy.
		#[pallet::call_index(9)]
		// Until `scripts/benchmark-weights.sh` measures it: an abort's measured weight plus the
		// commitment, reveal and answer reads of every member (`note_answer`, `can_complete`).
		#[pallet::weight(Pallet::<T>::answer_weight(T::MaxCommitteeSize::get()))]
		pub fn commit_result(origin: OriginFor<T>, task: H256, commitment: H256) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let (info, members) = Self::open_answer(task, &who)?;
			ensure!(Self::commitments_open(&task), Error::<T>::CommitmentsClosed);
			Commitments::<T>::insert(task, &who, commitment);
			Self::deposit_event(Event::ResultCommitted { task, worker: who });
			Self::note_answer(task, &members);
			if !Self::can_complete(&task, &members) {
				Self::fail(task, info, &members);
			}
			Self::free_answer(Self::answer_weight(members.len() as u32))
		}

		/// A committee member reveals the result it committed to, with the runs of the task it
		/// completed ([`Run`]: transcript root and who ran it; its result's run first, and each
		/// listing the member) and the commitment's salt, once commitments are closed. The member
		/// votes for each of its runs; a run with the votes of a majority of
		/// the committee completes the task, once every member that committed has revealed or the
		/// reveal window has ended ([`Pallet::settle_or_wait`]): every member that voted for it is
		/// paid. A member that sat in several completed runs votes for all of them, so a liar that
		/// lets runs complete for some members and not others cannot split the honest votes: the
		/// run without the liar has every honest member's.
		#[pallet::call_index(4)]
		#[pallet::weight(Pallet::<T>::reveal_weight(T::MaxCommitteeSize::get()))]
		pub fn submit_result(origin: OriginFor<T>, task: H256, result: ResultOf<T>, runs: RunsOf<T>, salt: [u8; 32]) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let (info, members) = Self::open_task(task, &who)?;
			ensure!(!Submissions::<T>::contains_key(task, &who), Error::<T>::AlreadySubmitted);
			let commitment = Commitments::<T>::get(task, &who).ok_or(Error::<T>::NotCommitted)?;
			ensure!(!Self::commitments_open(&task), Error::<T>::RevealNotOpen);
			ensure!(result_commitment(task, &who, reveal_hash(&result, &runs), &salt) == commitment, Error::<T>::CommitmentMismatch);
			ensure!(result.gas_used <= info.gas_limit, Error::<T>::GasLimitExceeded);
			Self::check_new_secrets(task, &info, &result.new_secrets)?;
			// Every run lists the voter among members the committee has, the first is the result's.
			// (A committee of more than 32 members cannot be listed: the runtime keeps them smaller.)
			let me = members.iter().position(|m| *m == who).ok_or(Error::<T>::NotInCommittee)?;
			ensure!(members.len() <= 32, Error::<T>::NotInRun);
			let everyone = running_set(0..members.len());
			ensure!(runs.first().is_some_and(|r| r.root == result.transcript_root), Error::<T>::NotInRun);
			ensure!(runs.iter().all(|r| r.ran(me) && r.running & !everyone == 0), Error::<T>::NotInRun);
			// A member sits in at most as many runs as the committee has members, each once.
			ensure!(runs.len() <= members.len(), Error::<T>::InvalidResult);
			ensure!(runs.iter().enumerate().all(|(i, r)| !runs[..i].iter().any(|o| o.root == r.root)), Error::<T>::InvalidResult);
			let quorum = Self::quorum(&task, members.len());
			let before = Self::agreed(&task, quorum);
			let outcome = result.outcome();
			Submissions::<T>::insert(task, &who, (outcome, runs));
			if !Candidates::<T>::contains_key(task, outcome) {
				Candidates::<T>::insert(task, outcome, result);
			}
			Self::deposit_event(Event::ResultSubmitted { task, worker: who });
			if let Some(agreed) = Self::agreed(&task, quorum) {
				// The reveal that made the first quorum schedules the settlement; a later one (a
				// late dissent, another vote) may be all that was still waited for.
				Self::settle_or_wait(task, info, agreed, before.is_none(), &members);
			} else if !Self::can_complete(&task, &members) {
				Self::fail(task, info, &members);
			}
			// Only a reveal that completes the task slashes its dissenters.
			let completed = Tasks::<T>::get(task).is_some_and(|t| t.status == TaskStatus::Completed);
			let size = members.len() as u32;
			Self::free_answer(if completed { Self::reveal_weight(size) } else { Self::reveal_weight(size).saturating_sub(Self::dissent_weight(size)) })
		}

		/// A committee member gives up on `task` without a result, saying why. It is not late,
		/// so it is not slashed for Timeout; once no result can reach a majority any more, the
		/// task fails at once and the requester gets its gas back. Until the accountable MPC
		/// can prove who made a run abort, nobody is slashed for an abort.
		#[pallet::call_index(6)]
		#[pallet::weight(Pallet::<T>::answer_weight(T::MaxCommitteeSize::get()))]
		pub fn abort_task(origin: OriginFor<T>, task: H256, reason: AbortReason) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let (info, members) = Self::open_answer(task, &who)?;
			if let AbortReason::BadInput(k) = reason {
				ensure!((k as usize) < info.inputs.len(), Error::<T>::InvalidResult);
			}
			Aborts::<T>::insert(task, &who, reason);
			Self::deposit_event(Event::TaskAborted { task, worker: who, reason });
			Self::note_answer(task, &members);
			if let AbortReason::BadInput(k) = reason {
				// t + 1 members (t = (n - 1) / 2, the corruption the committee tolerates) include
				// an honest one, who says so only when the check failed after every integrity
				// check passed.
				// Under a dishonest majority, or for a secret shared for one, all of them: t + 1
				// could all be colluders there.
				let agreeing = Aborts::<T>::iter_prefix_values(task).filter(|r| *r == reason).count();
				let secret = info.inputs[k as usize];
				let everyone = DishonestTasks::<T>::contains_key(task) || DishonestSecrets::<T>::contains_key(secret);
				let needed = if everyone { members.len() } else { (members.len() - 1) / 2 + 1 };
				if agreeing >= needed {
					DishonestSecrets::<T>::remove(secret);
					if let Some(bad) = Secrets::<T>::take(secret) {
						// (Not necessarily ready: an owner may have removed the input and
						// registered the same value again since the task was submitted.)
						Self::uncount(&bad);
						Self::drop_handover(secret);
						// The owner, not the workers, pays for the wasted run: its deposit goes to
						// the members that named the bad input.
						let named: Vec<T::AccountId> = members.iter().filter(|m| Aborts::<T>::get(task, *m) == Some(reason)).cloned().collect();
						Self::pay_out_deposit(&bad.depositor, bad.deposit, &named);
						Self::deposit_event(Event::SecretRejected { secret, owner: bad.owner });
					}
				}
			}
			if !Self::can_complete(&task, &members) {
				Self::fail(task, info, &members);
			}
			Self::free_answer(Self::answer_weight(members.len() as u32))
		}

		/// Remove a secret (needs Store on its identity; once the identity is dissolved, the
		/// account that holds its deposit may: a secret must not outlive every way to remove it,
		/// for its members are bound to it): no task can use it any more, its committee's members
		/// drop their shares and are free of it.
		#[pallet::call_index(7)]
		// Plus the permission check at the largest identity record (the benchmark's is small).
		// (And a handover under way dropped: its record and deposit.)
		#[pallet::weight(T::WeightInfo::remove_secret().saturating_add(T::Identity::check_weight()).saturating_add(T::DbWeight::get().reads_writes(2, 3)))]
		pub fn remove_secret(origin: OriginFor<T>, secret: H256) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let info = Secrets::<T>::get(secret).ok_or(Error::<T>::UnknownSecret)?;
			let orphaned = info.depositor == who && !T::Identity::is_active(&info.owner);
			ensure!(orphaned || T::Identity::check(&who, &info.owner, Permission::Store, &[], None), Error::<T>::NoPermission);
			Secrets::<T>::remove(secret);
			DishonestSecrets::<T>::remove(secret);
			Self::drop_handover(secret);
			Self::uncount(&info);
			Self::release_deposit(&info.depositor, info.deposit);
			Self::deposit_event(Event::SecretRemoved { secret });
			Ok(())
		}

		/// Ask the committee for a secret's value (needs Declassify on its identity).
		#[pallet::call_index(5)]
		// Plus the co-signatures used up, and the permission check at the largest record.
		#[pallet::weight(T::WeightInfo::declassify().saturating_add(T::Identity::check_weight()).saturating_add(T::DbWeight::get().writes(1)))]
		pub fn declassify(origin: OriginFor<T>, secret: H256) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::ensure_can_pay(&who)?;
			let info = Secrets::<T>::get(secret).ok_or(Error::<T>::UnknownSecret)?;
			let request = Self::declassify_request(&who, secret);
			let signers = T::Identity::cosigners(&info.owner, &request);
			ensure!(T::Identity::check(&who, &info.owner, Permission::Declassify, &signers, None), Error::<T>::NoPermission);
			if !signers.is_empty() {
				T::Identity::use_cosigns(&info.owner, &request);
			}
			Self::deposit_event(Event::DeclassifyRequested { secret, requester: who, committee: info.committee });
			Ok(())
		}

		/// Hand `secrets` of `identity` (needs Store and Declassify on it: the new committee
		/// could be the caller's own) to committee `to` without reconstructing them: proactive
		/// resharing, for a member that leaves or died, or an epoch's rotation
		/// ([`crate::handover`]). Tasks still running on the old committee with these secrets
		/// fail once they move. The caller holds the deposit of each handover
		/// and then of the secret's record, and prepays the members' answers. Only ready secrets
		/// a client dealt for an honest majority; at most `HANDOVER_BATCH` per call.
		#[pallet::call_index(12)]
		#[pallet::weight(Pallet::<T>::hand_over_weight(secrets.len() as u32))]
		pub fn hand_over_secrets(
			origin: OriginFor<T>,
			identity: H256,
			secrets: BoundedVec<H256, ConstU32<{ crate::handover::HANDOVER_BATCH }>>,
			to: CommitteeId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!secrets.is_empty(), Error::<T>::EmptyBatch);
			Self::ensure_can_pay(&who)?;
			// Whoever picks the new committee can pick one it controls: handing over is
			// declassifying to that committee.
			ensure!(T::Identity::check(&who, &identity, Permission::Store, &[], None), Error::<T>::NoPermission);
			ensure!(T::Identity::check(&who, &identity, Permission::Declassify, &[], None), Error::<T>::NoPermission);
			let new = T::Workers::committee(to).ok_or(Error::<T>::UnknownCommittee)?;
			ensure!(!new.iter().any(T::Workers::is_leaving), Error::<T>::CommitteeMemberLeaving);
			ensure!(new.len() as u32 >= T::Workers::honest_majority_size(), Error::<T>::CommitteeTooSmallForHonestMajority);
			let mut old_members = 0u32;
			for secret in &secrets {
				let from = Secrets::<T>::get(secret).map(|s| s.committee).ok_or(Error::<T>::UnknownSecret)?;
				old_members = old_members.max(T::Workers::committee(from).map_or(0, |m| m.len() as u32));
				Self::request_handover(&who, identity, *secret, to, new.len())?;
			}
			Self::prepay_answers(&who, Self::handover_fee(old_members, new.len() as u32, secrets.len() as u32))
		}

		/// Old members post the hash of the commitments of their dealings of `secrets`' shares to
		/// the new committee (sent to each new member off chain). Entries not the caller's to
		/// deal are passed over; a batch with none fails. Free when every entry counted.
		#[pallet::call_index(13)]
		#[pallet::weight(Pallet::<T>::deal_weight(dealings.len() as u32))]
		pub fn deal_handovers(origin: OriginFor<T>, dealings: BoundedVec<(H256, H256), ConstU32<{ crate::handover::HANDOVER_BATCH }>>) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let batch = dealings.len();
			let count = dealings.into_iter().filter(|(secret, dealing)| Self::note_dealing(&who, *secret, *dealing)).count();
			ensure!(count > 0, Error::<T>::NothingToRecord);
			Ok(if count == batch { Pays::No } else { Pays::Yes }.into())
		}

		/// New members post the commitment to the sharing they took over from the dealings the
		/// chain named (`HandoverDealt`). Once every new member posted the same, the secret moves.
		/// Entries not the caller's are passed over; a batch with none fails. Free when every
		/// entry counted.
		#[pallet::call_index(14)]
		#[pallet::weight(Pallet::<T>::handover_step_weight(taken.len() as u32))]
		pub fn take_handovers(origin: OriginFor<T>, taken: BoundedVec<(H256, u32, H256), ConstU32<{ crate::handover::HANDOVER_BATCH }>>) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let batch = taken.len();
			let outcomes: Vec<Option<u32>> = taken.into_iter().map(|(secret, round, commitment)| Self::note_taken(&who, secret, round, commitment)).collect();
			let count = outcomes.iter().flatten().count();
			ensure!(count > 0, Error::<T>::NothingToRecord);
			// What it weighed with the committees it met (the worst case assumes the largest).
			let actual = Self::take_weight(outcomes.into_iter());
			Ok(frame_support::dispatch::PostDispatchInfo { actual_weight: Some(actual), pays_fee: if count == batch { Pays::No } else { Pays::Yes } })
		}

		/// A new member refuses the dealing of old member `dealer` (its position) among those the
		/// chain named for `round`: its share was off that dealing's commitments, or the dealer
		/// did not answer. The set is formed again without it. Free when it counted (the
		/// requester prepaid it).
		#[pallet::call_index(15)]
		#[pallet::weight(Pallet::<T>::handover_step_weight(1))]
		pub fn refuse_handover(origin: OriginFor<T>, secret: H256, round: u32, dealer: u32) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::note_refusal(&who, secret, round, dealer)?;
			Ok(Pays::No.into())
		}

		/// Cancel the handover of a secret (needs Store on its identity), which stays with its
		/// committee; the deposit comes back to whoever asked for the handover.
		#[pallet::call_index(16)]
		#[pallet::weight(T::Identity::check_weight().saturating_add(T::DbWeight::get().reads_writes(3, 3)))]
		pub fn cancel_handover(origin: OriginFor<T>, secret: H256) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let info = Secrets::<T>::get(secret).ok_or(Error::<T>::UnknownSecret)?;
			ensure!(T::Identity::check(&who, &info.owner, Permission::Store, &[], None), Error::<T>::NoPermission);
			ensure!(Self::drop_handover(secret), Error::<T>::NoHandover);
			Ok(())
		}

		/// Prove that old member `dealer`'s dealing of `secret` to the caller's committee is false
		/// (see `enigma_primitives::pedersen`): on its face, against the secret's registered
		/// commitment and the dealing's posted hash, or by the share the dealer signed for the
		/// caller. The chain slashes the dealer (burned) and no longer combines its dealing. Free
		/// when it proves; against a dealer slashed already, it fails cheaply.
		#[pallet::call_index(19)]
		#[pallet::weight(Pallet::<T>::prove_false_weight())]
		pub fn prove_false_dealing(origin: OriginFor<T>, secret: H256, dealer: u32, proof: crate::handover::DealingProof<T::MaxCommitteeSize>) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			Self::prove_false(&who, secret, dealer, &proof)
		}

		/// A member whose unbonding period is over lets go of its share of a secret that never
		/// became ready (some member never acknowledged one): the share no longer counts against
		/// its stake, so a registrant that never completes a sharing, and never removes it, cannot
		/// keep the member from withdrawing (a handover moves only ready secrets). A sharing still
		/// under way has the whole unbonding period to complete; after it, the member
		/// acknowledges no share (`UnbondingOver`: a registrant delivering the released share
		/// again would have it counted again, the stake held again), so the secret never becomes
		/// ready.
		#[pallet::call_index(20)]
		#[pallet::weight(Pallet::<T>::ack_weight())]
		pub fn release_unready_share(origin: OriginFor<T>, secret: H256) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Secrets::<T>::try_mutate(secret, |info| -> DispatchResult {
				let info = info.as_mut().ok_or(Error::<T>::UnknownSecret)?;
				ensure!(!info.ready, Error::<T>::SecretIsReady);
				ensure!(T::Workers::is_unbonded(&who), Error::<T>::StillUnbonding);
				let at = info.acks.iter().position(|m| *m == who).ok_or(Error::<T>::NotAcknowledged)?;
				info.acks.remove(at);
				T::Workers::note_shares(core::slice::from_ref(&who), 1, false);
				Self::deposit_event(Event::UnreadyShareReleased { secret, worker: who.clone() });
				Ok(())
			})
		}

		/// A member whose unbonding period is over lets go of its share of a ready secret that
		/// no handover can move: one a task made (no commitments to check a dealing against) or
		/// one shared for a dishonest majority (every member's share is needed). The secret is
		/// no longer ready, so no task can use it; its owner removes it (its depositor has the
		/// deposit back). The unbonding period is the owner's notice (no task comes to the
		/// committee meanwhile, but it may declassify the secret): after it, the member's stake is
		/// not the owner's to keep, else anyone could hold a committee's stakes for ever for
		/// the price of a secret's deposit. Secrets that can move go by rotation
		/// (`hand_over_rotated`), unready ones by `release_unready_share`.
		#[pallet::call_index(21)]
		#[pallet::weight(Pallet::<T>::ack_weight().saturating_add(T::DbWeight::get().reads_writes(2, 2)))]
		pub fn release_stranded_share(origin: OriginFor<T>, secret: H256) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Secrets::<T>::try_mutate(secret, |info| -> DispatchResult {
				let info = info.as_mut().ok_or(Error::<T>::UnknownSecret)?;
				ensure!(info.ready, Error::<T>::SecretNotReady);
				ensure!(info.origin.is_some() || DishonestSecrets::<T>::contains_key(secret), Error::<T>::SecretMovable);
				ensure!(T::Workers::is_unbonded(&who), Error::<T>::StillUnbonding);
				let at = info.acks.iter().position(|m| *m == who).ok_or(Error::<T>::NotAcknowledged)?;
				info.acks.remove(at);
				// (No task runs on it: none comes to a committee with a leaving member, and the
				// member's unbonding began once its last task ended.)
				info.ready = false;
				T::Workers::note_shares(core::slice::from_ref(&who), 1, false);
				T::Workers::note_committee_secrets(info.committee, 1, false);
				Self::deposit_event(Event::StrandedShareReleased { secret, worker: who.clone() });
				Ok(())
			})
		}

		/// Rotate a committee that has a member leaving, deactivated or gone: a committee of the
		/// same size is requested for its secrets (its deposit held from the caller, pinned while
		/// the committee rotated exists), drawn later from randomness nobody knows now. Once per
		/// committee, unless the draw failed.
		#[pallet::call_index(17)]
		#[pallet::weight(T::Workers::request_committee_weight(T::MaxCommitteeSize::get()).saturating_add(T::DbWeight::get().reads_writes(5 + T::MaxCommitteeSize::get() as u64, 3)))]
		pub fn rotate_committee(origin: OriginFor<T>, committee: CommitteeId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::ensure_can_pay(&who)?;
			Self::request_rotation(&who, committee)
		}

		/// Hand `secrets` of a rotated committee (while a member of it is not active) to the
		/// committee drawn for it, without their owners: the caller holds the handovers' deposits
		/// until the secrets move (their owners' deposits stand for them after) and prepays the
		/// members' answers. Secrets that cannot move (not the committee's, not
		/// ready, a task's, moving already) are passed over; a batch with none fails.
		#[pallet::call_index(18)]
		#[pallet::weight(Pallet::<T>::hand_over_rotated_weight(secrets.len() as u32))]
		pub fn hand_over_rotated(origin: OriginFor<T>, committee: CommitteeId, secrets: BoundedVec<H256, ConstU32<{ crate::handover::HANDOVER_BATCH }>>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!secrets.is_empty(), Error::<T>::EmptyBatch);
			Self::ensure_can_pay(&who)?;
			Self::hand_over_rotated_secrets(&who, committee, &secrets).map(|_| ())
		}
	}

	impl<T: Config> Pallet<T> {
		fn complete(task: H256, mut info: TaskOf<T>, agreed: (H256, Run), members: &[T::AccountId]) {
			let Some(mut result) = Candidates::<T>::get(task, agreed.0) else { return };
			result.transcript_root = agreed.1.root;
			let quorum: Vec<T::AccountId> = members.iter().filter(|m| Self::voted_for(&task, m, agreed)).cloned().collect();
			// Pay the agreeing workers from the held gas; release the rest.
			let reason: T::RuntimeHoldReason = HoldReason::TaskGas.into();
			let fee = if result.gas_used < info.gas_limit { result.gas_used } else { info.gas_limit };
			let share = fee / (quorum.len().max(1) as u32).into();
			for worker in &quorum {
				let _ = T::Currency::transfer_on_hold(&reason, &info.requester, worker, share, Precision::BestEffort, Restriction::Free, Fortitude::Force);
			}
			let unused = info.gas_limit.saturating_sub(share.saturating_mul((quorum.len() as u32).into()));
			let _ = T::Currency::release(&reason, &info.requester, unused.min(T::Currency::balance_on_hold(&reason, &info.requester)), Precision::BestEffort);
			// Dissenters are slashed, but not a member that revealed the same outcome from other
			// runs of the task only (other transcripts): when a run fails with everyone alive,
			// members run the task without each member at once, and an honest member may have
			// completed only runs the others could not. It is not paid either, and its submission
			// is dropped so no report can call it a dissent. Everyone is released from the task.
			let mut dissenters = Vec::new();
			for m in members {
				match Submissions::<T>::get(task, m) {
					Some((outcome, _)) if outcome != agreed.0 => dissenters.push(m.clone()),
					Some(_) if !quorum.contains(m) => Submissions::<T>::remove(task, m),
					_ => {},
				}
				T::Workers::note_finished(m, quorum.contains(m));
				Assigned::<T>::remove(m, task);
			}
			T::Workers::slash(&task, &dissenters, Offence::ResultMismatch, &quorum);
			Self::note_task_ended(&info);
			let now = frame_system::Pallet::<T>::block_number();
			// A key stays as long as the chain: its requester pays for it once, out of the task's
			// deposit, burnt (else tasks left keys behind for fees alone).
			let mut new_keys = 0u32;
			for (key, value) in result.ledger_writes.iter() {
				new_keys += u32::from(!Ledger::<T>::contains_key(info.contract, key));
				Ledger::<T>::mutate(info.contract, key, |history| {
					// Writes of one block are one entry (the last wins): a result that writes a
					// key many times cannot push its older values out of the history.
					match history.last_mut() {
						Some((block, last)) if *block == now => *last = *value,
						_ => {
							if history.is_full() {
								history.remove(0);
							}
							let _ = history.try_push((now, *value));
						},
					}
				});
			}
			let keys_fee = Self::ledger_key_fee().saturating_mul(new_keys.into()).min(info.deposit);
			if !keys_fee.is_zero() {
				let _ = T::Currency::burn_held(&HoldReason::StateDeposit.into(), &info.requester, keys_fee, Precision::BestEffort, Fortitude::Force);
				info.deposit = info.deposit.saturating_sub(keys_fee);
			}
			// Secret outputs become secrets of the owners the contract named, usable only by this
			// contract, under ids the chain derives (checked in `submit_result`).
			let created: Vec<H256> = result.new_secrets.iter().map(|s| new_secret_id(task, s.key)).collect();
			// Their deposits come out of the task's, which held one for each it may create: what
			// a secret's record says it holds is what was moved to it, never more.
			let dishonest = DishonestTasks::<T>::contains_key(task);
			// (The event lists those made: a secret whose owner's input went meanwhile is not.)
			let mut made = Vec::with_capacity(created.len());
			for (secret, id) in result.new_secrets.iter().zip(&created) {
				let owner = info.inputs.get(secret.owner_input as usize).and_then(|i| Secrets::<T>::get(i)).map(|s| s.owner);
				let Some(owner) = owner.filter(|_| !Secrets::<T>::contains_key(id)) else { continue };
				made.push(*id);
				// Ready at once, held by the members that agreed on it.
				T::Workers::note_committee_secrets(info.committee, 1, true);
				T::Workers::note_shares(&quorum, 1, true);
				let secret_deposit = Self::new_secret_deposit(members.len()).min(info.deposit);
				info.deposit = info.deposit.saturating_sub(secret_deposit);
				Secrets::<T>::insert(
					id,
					SecretInfo {
						owner,
						committee: info.committee,
						compute_predicate: BoundedVec::truncate_from(alloc::vec![predicate::Node::Contracts(BoundedVec::truncate_from(alloc::vec![info.contract]))]),
						kind: secret.kind,
						origin: Some((info.contract, secret.key)),
						depositor: info.requester.clone(),
						deposit: secret_deposit,
						commitment: result.transcript_root,
						acks: BoundedVec::truncate_from(quorum.clone()),
						ready: true,
					},
				);
				if dishonest {
					// Each member's additive shares with their MAC: a later task's members
					// adopt them as they do a secret shared for a dishonest majority.
					DishonestSecrets::<T>::insert(id, ());
				}
			}
			info.status = TaskStatus::Completed;
			Tasks::<T>::insert(task, info);
			Results::<T>::insert(task, result.clone());
			let _ = Candidates::<T>::clear_prefix(task, T::MaxCommitteeSize::get(), None);
			Self::deposit_event(Event::TaskCompleted {
				task,
				outputs: result.outputs.into_inner(),
				new_secrets: made,
				gas_used: fee,
			});
		}

		/// A result's new secrets: distinct keys, valid kinds, an owner among the task's inputs,
		/// and ids no existing secret has.
		/// The pending task `task` and its committee, if `who` is a registered member and the
		/// deadline has not passed.
		fn open_task(task: H256, who: &T::AccountId) -> Result<(TaskOf<T>, Vec<T::AccountId>), DispatchError> {
			let info = Tasks::<T>::get(task).ok_or(Error::<T>::UnknownTask)?;
			ensure!(info.status == TaskStatus::Pending, Error::<T>::TaskNotPending);
			ensure!(frame_system::Pallet::<T>::block_number() < info.deadline, Error::<T>::DeadlinePassed);
			let members = T::Workers::committee(info.committee).ok_or(Error::<T>::UnknownCommittee)?;
			ensure!(members.contains(who), Error::<T>::NotInCommittee);
			ensure!(T::Workers::is_registered(who), Error::<T>::NotRegistered);
			Ok((info, members))
		}

		/// [`Self::open_task`], for a member that has not answered yet (committed or aborted).
		fn open_answer(task: H256, who: &T::AccountId) -> Result<(TaskOf<T>, Vec<T::AccountId>), DispatchError> {
			let found = Self::open_task(task, who)?;
			ensure!(!Self::answered(&task, who), Error::<T>::AlreadySubmitted);
			Ok(found)
		}

		/// The reads commitments add to an answer: each member's commitment, reveal and abort
		/// (`note_answer`, `can_complete`) and the reveal block, twice over.
		pub(crate) fn answer_reads(members: u32) -> Weight {
			// (And the task's security, read for its quorum, at most once per check.)
			T::DbWeight::get().reads(2 * (3 * members as u64 + 2) + 4)
		}

		/// A reveal that completes a task: `submit_result`'s measured weight (every member paid),
		/// [`Self::answer_reads`], each dissent compared with the agreed result (a read) and,
		/// if it is the same outcome from another run, its submission dropped (a write), and the
		/// task's security read and each new secret marked with it.
		pub(crate) fn completing_weight(members: u32) -> Weight {
			T::WeightInfo::submit_result(members)
				.saturating_add(Self::answer_reads(members))
				.saturating_add(T::DbWeight::get().reads_writes(members as u64, members as u64))
				.saturating_add(T::DbWeight::get().reads_writes(1, T::MaxNewSecrets::get() as u64))
				// The new ledger keys' fee burnt (the hold, the account, the issuance).
				.saturating_add(T::DbWeight::get().reads_writes(3, 3))
				.saturating_add(Self::dissent_weight(members))
		}

		/// The dissenters of a completing task slashed (a minority: a quorum is at least a
		/// majority) and their stake shared among the quorum.
		pub(crate) fn dissent_weight(members: u32) -> Weight {
			T::Workers::slash_weight(members.saturating_sub(members / 2 + 1), members)
		}

		/// `submit_task`'s measured weight, plus its deadline and pruning put on the first
		/// blocks with room, per owner the permission check at the largest identity record
		/// (the benchmark's owner has a small one) and a write for the co-signatures it uses up,
		/// and per input its compute predicate at its largest.
		pub fn submit_task_weight(inputs: u32) -> Weight {
			let owners = inputs.min(T::MaxInputOwners::get()) as u64;
			T::WeightInfo::submit_task(inputs)
				// The members' answers prepaid (the account and the total issuance), and the
				// contract's security; whether each input is being handed over.
				.saturating_add(T::DbWeight::get().reads_writes(3, 3))
				.saturating_add(T::DbWeight::get().reads(inputs as u64))
				// (The deadline's, which also reads the settlements, and the pruning's.)
				.saturating_add(schedule_weight::<T>(T::MaxTasksPerBlock::get(), 32).saturating_mul(3))
				.saturating_add(T::Identity::check_weight().saturating_add(T::DbWeight::get().writes(1)).saturating_mul(owners))
				.saturating_add(Self::predicate_weight().saturating_mul(inputs as u64))
				// Per member beyond the benchmark's committee of four: its assignment noted (a
				// read and a write) and recorded (a write); and per member whether it is leaving.
				.saturating_add(T::DbWeight::get().reads_writes(1, 2).saturating_mul(T::MaxCommitteeSize::get().saturating_sub(4) as u64))
				.saturating_add(T::DbWeight::get().reads(T::MaxCommitteeSize::get() as u64))
		}

		/// What a block's hook weighs for `settled` reveal windows that ended, `expired` deadlines
		/// and `pruned` old tasks (`settled + expired` is at most `MaxTasksPerBlock`).
		pub fn hooks_weight(settled: u32, expired: u32, pruned: u32) -> Weight {
			let largest = T::MaxCommitteeSize::get();
			// Each of the three lists is taken (a read and a write) whether or not it has tasks.
			let lists = T::DbWeight::get().reads_writes(3, 3);
			// A settlement completes its task at most.
			let completing = Self::completing_weight(largest);
			let settling = completing.saturating_mul(settled as u64);
			// An expiring task fails or, if a quorum agreed, completes. Failing is measured by
			// `expire_tasks` (every member late: each slashed, nobody paid; at worst every member
			// is paid a share on top). Its committee-size term is work per task (a block with no
			// task due does none of it), so one expiry weighs the largest batch's measure per task.
			let batch = T::MaxTasksPerBlock::get().max(1);
			let failing = T::WeightInfo::expire_tasks(batch, largest).saturating_div(batch as u64).saturating_add(T::Workers::slash_weight(0, largest));
			let expiring = failing.max(completing).saturating_mul(expired as u64);
			let pruning = match pruned {
				0 => Weight::zero(),
				// (And each pruned task's security record, and its members' slashing records.)
				n => T::WeightInfo::prune_tasks(n, largest).saturating_add(T::DbWeight::get().writes(n as u64 * (1 + largest as u64))),
			};
			lists.saturating_add(settling).saturating_add(expiring).saturating_add(pruning)
		}

		/// A reveal's weight: the measured one plus the commitment and reveal block read (until
		/// the next run of `scripts/benchmark-weights.sh` measures the commitment check with the
		/// rest), every member's reveal read to count the votes (up to three times: before and
		/// after this one's, and to see whether a quorum is still possible), and the candidate
		/// written.
		pub fn reveal_weight(members: u32) -> Weight {
			Self::completing_weight(members).saturating_add(T::DbWeight::get().reads_writes(3 * members as u64 + 2, 2))
		}

		/// `ack_secret`'s weight: the measured one plus the member's and the committee's counts.
		pub fn ack_weight() -> Weight {
			T::WeightInfo::ack_secret().saturating_add(T::DbWeight::get().reads_writes(2, 2))
		}

		/// `ack_secrets`' weight for `batch` secrets: the measured one plus the member's count and,
		/// at most, each secret's committee's count.
		pub fn acks_weight(batch: u32) -> Weight {
			T::WeightInfo::ack_secrets(batch).saturating_add(T::DbWeight::get().reads_writes(batch as u64 + 1, batch as u64 + 1))
		}

		/// The weight fee of a committee of `members`' answers to a task: each commits, then
		/// reveals or aborts, each a transaction (its base weight included). What a requester
		/// prepays besides its own transaction fee.
		pub fn answers_fee(members: u32) -> BalanceOf<T> {
			// Only one answer completes the task: its dissenters are slashed once.
			let dissent = Self::dissent_weight(members);
			let each = Self::reveal_weight(members)
				.saturating_sub(dissent)
				.saturating_add(Self::answer_weight(members))
				.saturating_add(Self::base_weight().saturating_mul(2));
			T::WeightToFee::weight_to_fee(&each.saturating_mul(members as u64).saturating_add(dissent))
		}

		/// The weight fee of a committee of `members`' acknowledgements of `batch` secrets
		/// registered at once: at the worst, each member acknowledges each secret on its own
		/// (`ack_secret`, a transaction each). What a registrant prepays besides its own fee.
		pub fn acks_fee(members: u32, batch: u32) -> BalanceOf<T> {
			let each = Self::ack_weight().saturating_add(Self::base_weight());
			T::WeightToFee::weight_to_fee(&each.saturating_mul(members as u64 * batch as u64))
		}

		/// The base weight of a transaction.
		pub(crate) fn base_weight() -> Weight {
			T::BlockWeights::get().get(frame_support::dispatch::DispatchClass::Normal).base_extrinsic
		}

		/// Burns `fee` for free answers from `who`, its account kept alive.
		pub(crate) fn prepay_answers(who: &T::AccountId, fee: BalanceOf<T>) -> DispatchResult {
			T::Currency::burn_from(who, fee, Preservation::Preserve, Precision::Exact, Fortitude::Polite).map_err(|_| Error::<T>::CannotPayAnswers)?;
			Ok(())
		}

		/// An abort's or a commitment's weight: `abort_task`'s measured weight plus
		/// [`Self::answer_reads`] and the reveal block's write.
		pub(crate) fn answer_weight(members: u32) -> Weight {
			// (And a rejected input, which the benchmark's abort does not measure: the secret
			// taken, the agreeing aborts counted twice, its members' and committee's counts, its
			// deposit paid out to the members.)
			T::WeightInfo::abort_task(members)
				.saturating_add(Self::answer_reads(members))
				// (The rejected secret's security read and removed: the last read and write.)
				.saturating_add(T::DbWeight::get().reads_writes(3 * members as u64 + 4, 2 * members as u64 + 5))
		}

		/// A member's accepted answer: free, and weighing what its committee's size makes it
		/// (the call's declared weight is the largest committee's).
		fn free_answer(weight: Weight) -> DispatchResultWithPostInfo {
			Ok(frame_support::dispatch::PostDispatchInfo { actual_weight: Some(weight), pays_fee: Pays::No })
		}

		/// Whether `who` committed to a result of `task` or gave up on it.
		fn answered(task: &H256, who: &T::AccountId) -> bool {
			Commitments::<T>::contains_key(task, who) || Aborts::<T>::contains_key(task, who)
		}

		/// Whether members may still commit to a result of `task`.
		pub fn commitments_open(task: &H256) -> bool {
			RevealFrom::<T>::get(task).map_or(true, |from| frame_system::Pallet::<T>::block_number() < from)
		}

		/// Whether a reveal sent now lands in a block that takes it: reveals open in the next
		/// block at the latest. (Safe to send before they open: a commitment sent after seeing it
		/// lands in that block or later, where commitments are closed.)
		pub fn reveal_due(task: &H256) -> bool {
			RevealFrom::<T>::get(task).is_some_and(|from| from <= frame_system::Pallet::<T>::block_number().saturating_add(1u32.into()))
		}

		/// A member answered: reveals open now if every member has, or `RevealDelay` blocks
		/// after a quorum first committed.
		fn note_answer(task: H256, members: &[T::AccountId]) {
			let now = frame_system::Pallet::<T>::block_number();
			let answered = members.iter().filter(|m| Self::answered(&task, m)).count();
			if answered == members.len() {
				RevealFrom::<T>::mutate(task, |from| *from = Some(from.map_or(now, |f| f.min(now))));
			} else if RevealFrom::<T>::get(task).is_none() && Commitments::<T>::iter_prefix(task).count() >= Self::quorum(&task, members.len()) as usize {
				RevealFrom::<T>::insert(task, now.saturating_add(T::RevealDelay::get()));
			}
		}

		fn check_new_secrets(task: H256, info: &TaskOf<T>, new: &[NewSecret]) -> DispatchResult {
			for (i, secret) in new.iter().enumerate() {
				ensure!(secret.kind.is_valid() && !new[..i].iter().any(|s| s.key == secret.key), Error::<T>::InvalidResult);
				ensure!((secret.owner_input as usize) < info.inputs.len(), Error::<T>::InvalidResult);
				ensure!(!Secrets::<T>::contains_key(new_secret_id(task, secret.key)), Error::<T>::InvalidResult);
			}
			Ok(())
		}

		/// What co-members of an identity co-sign (`SharedIdentity::cosign`) to let a k-of-n
		/// grant run a task on its secrets: the task's content and who asks for it (consent to one
		/// requester's task is not another's), without its nonce.
		pub fn task_request(requester: &T::AccountId, contract: H256, entry: &[u8], inputs: &[H256], public_args: &[u8]) -> H256 {
			H256(sp_io::hashing::blake2_256(&(b"enigma/task-request/v2", requester, contract, entry, inputs, public_args).encode()))
		}

		/// What co-members co-sign to let a k-of-n grant declassify `secret` to `requester`.
		pub fn declassify_request(requester: &T::AccountId, secret: H256) -> H256 {
			H256(sp_io::hashing::blake2_256(&(b"enigma/declassify-request/v2", requester, secret).encode()))
		}

		/// Requesting anything that costs the chain work needs `MinRequesterBalance`.
		fn ensure_can_pay(who: &T::AccountId) -> DispatchResult {
			ensure!(T::Currency::balance(who) >= T::MinRequesterBalance::get(), Error::<T>::BalanceTooLow);
			Ok(())
		}

		/// How many of a committee of `members` must vote for a run of `task`: the workers'
		/// quorum (a majority), or all of them for a dishonest-majority task.
		fn quorum(task: &H256, members: usize) -> u32 {
			match Self::task_security(task) {
				Security::DishonestMajority => members as u32,
				Security::HonestMajority => T::Workers::quorum(members as u32),
			}
		}

		/// The run a quorum of members voted for, if any, as (outcome, run): the
		/// [`Self::leading`] one. (Two outcomes cannot both have a quorum: a quorum is a
		/// majority, and each member reveals one outcome.)
		fn agreed(task: &H256, quorum: u32) -> Option<(H256, Run)> {
			Self::leading(task).filter(|(_, votes)| *votes >= quorum).map(|(run, _)| run)
		}

		/// The run of `task` with the most votes so far, as (outcome, run), and its votes (the
		/// members that revealed that outcome and completed that run, as who ran it says). Between
		/// runs with as many votes, the one most voters kept (listed first: they hold its shares
		/// where the others are), then the lowest root: the order in which block authors include
		/// the reveals does not choose the run, nor so who goes unpaid.
		fn leading(task: &H256) -> Option<((H256, Run), u32)> {
			let mut tally = alloc::collections::BTreeMap::<(H256, Run), (u32, u32)>::new();
			for (outcome, runs) in Submissions::<T>::iter_prefix_values(task) {
				for (i, run) in runs.iter().enumerate() {
					let (votes, kept) = tally.entry((outcome, *run)).or_default();
					*votes += 1;
					*kept += u32::from(i == 0);
				}
			}
			// Ascending runs: `max_by_key` keeps the last of equal keys, so the reversed order
			// makes it keep the lowest run.
			tally.into_iter().rev().max_by_key(|(_, (votes, kept))| (*votes, *kept)).map(|(run, (votes, _))| (run, votes))
		}

		/// Whether member `who` voted for the run `run` (outcome, run) of `task`.
		fn voted_for(task: &H256, who: &T::AccountId, run: (H256, Run)) -> bool {
			Submissions::<T>::get(task, who).is_some_and(|(outcome, runs)| outcome == run.0 && runs.contains(&run.1))
		}

		/// A quorum agrees on `agreed`. The task completes now if no member that committed is
		/// still to reveal; otherwise at the end of the reveal window (`RevealWindow` blocks after
		/// reveals opened, or the deadline if sooner), so that every member that revealed the agreed
		/// result by then is paid, and not only those whose reveals the block authors took first.
		/// `first` is true for the reveal that made the quorum: it schedules the settlement.
		fn settle_or_wait(task: H256, info: TaskOf<T>, agreed: (H256, Run), first: bool, members: &[T::AccountId]) {
			let now = frame_system::Pallet::<T>::block_number();
			let waiting = members.iter().any(|m| Commitments::<T>::contains_key(task, m) && !Submissions::<T>::contains_key(task, m));
			let window_ends = RevealFrom::<T>::get(task).unwrap_or(now).saturating_add(T::RevealWindow::get()).min(info.deadline);
			if !waiting || now >= window_ends {
				Self::complete(task, info, agreed, members);
			} else if first && Self::ends_in(window_ends) < T::MaxTasksPerBlock::get() {
				let _ = Settles::<T>::try_mutate(window_ends, |list| list.try_push(task));
			}
			// (With no room left in that block, the deadline settles it: `expire`.)
		}

		/// How many tasks end in block `at`, settled or at their deadline. They share
		/// `MaxTasksPerBlock`, so that a block's hook completes at most that many tasks (each
		/// may slash half a committee and pay the rest).
		fn ends_in(at: BlockNumberFor<T>) -> u32 {
			(Settles::<T>::decode_len(at).unwrap_or(0) + Deadlines::<T>::decode_len(at).unwrap_or(0)) as u32
		}

		/// [`schedule`] for a deadline: the first block from `at` in which fewer than
		/// `MaxTasksPerBlock` tasks end.
		fn schedule_deadline(at: BlockNumberFor<T>, task: H256) -> Option<BlockNumberFor<T>> {
			let mut block = at;
			for _ in 0..pallet_workers::SCHEDULE_SPREAD {
				if Self::ends_in(block) < T::MaxTasksPerBlock::get() && Deadlines::<T>::try_mutate(block, |list| list.try_push(task)).is_ok() {
					return Some(block);
				}
				block = block.saturating_add(1u32.into());
			}
			None
		}

		/// The end of a task's reveal window: the result a quorum agreed on completes it. A task
		/// still pending without one is handed back, with its committee.
		fn settle(task: H256) -> Option<(TaskOf<T>, Vec<T::AccountId>)> {
			let info = Tasks::<T>::get(task).filter(|info| info.status == TaskStatus::Pending)?;
			let members = T::Workers::committee(info.committee).unwrap_or_default();
			match Self::agreed(&task, Self::quorum(&task, members.len())) {
				Some(agreed) => {
					Self::complete(task, info, agreed, &members);
					None
				},
				None => Some((info, members)),
			}
		}

		/// Whether some result can still gather a quorum of the committee: the best revealed
		/// result's votes plus the members that may still reveal one (committed and not revealed,
		/// or, while commitments are open, not answered yet).
		fn can_complete(task: &H256, members: &[T::AccountId]) -> bool {
			let best = Self::leading(task).map_or(0, |(_, votes)| votes as usize);
			let open = Self::commitments_open(task);
			let undecided = members
				.iter()
				.filter(|m| !Submissions::<T>::contains_key(task, m) && !Aborts::<T>::contains_key(task, m))
				.filter(|m| open || Commitments::<T>::contains_key(task, m))
				.count();
			best + undecided >= Self::quorum(task, members.len()) as usize
		}

		/// The deadline passed without a settled quorum: complete the task if a quorum agrees,
		/// else fail it, slashing the late for Timeout:
		/// members that neither committed nor aborted, and members that committed but did not
		/// reveal although reveals were open for `RevealWindow` blocks before the deadline.
		fn expire(task: H256) {
			// A quorum that was never settled (a full schedule, or a quorum size changed by
			// governance on the way) completes the task now.
			let Some((info, members)) = Self::settle(task) else { return };
			let could_reveal = RevealFrom::<T>::get(task).is_some_and(|from| from.saturating_add(T::RevealWindow::get()) <= info.deadline);
			let late = |m: &T::AccountId| {
				!Aborts::<T>::contains_key(task, m)
					&& !Submissions::<T>::contains_key(task, m)
					&& (could_reveal || !Commitments::<T>::contains_key(task, m))
			};
			let (late, honest): (Vec<T::AccountId>, Vec<T::AccountId>) = members.iter().cloned().partition(|m| late(m));
			T::Workers::slash(&task, &late, Offence::Timeout, &honest);
			Self::fail(task, info, &members);
		}

		/// The task ends without a result: the requester's gas is released and every member is
		/// released from it. Nobody is slashed here.
		fn fail(task: H256, mut info: TaskOf<T>, members: &[T::AccountId]) {
			for m in members {
				T::Workers::note_finished(m, false);
				Assigned::<T>::remove(m, task);
			}
			Self::note_task_ended(&info);
			let _ = T::Currency::release(&HoldReason::TaskGas.into(), &info.requester, info.gas_limit, Precision::BestEffort);
			info.status = TaskStatus::Failed;
			Tasks::<T>::insert(task, info);
			let _ = Candidates::<T>::clear_prefix(task, T::MaxCommitteeSize::get(), None);
			Self::deposit_event(Event::TaskFailed { task });
		}

		pub fn price_table() -> PriceTable<BalanceOf<T>> {
			PriceTable {
				add: T::GasPriceAdd::get(),
				mul: T::GasPriceMul::get(),
				open: T::GasPriceOpen::get(),
				input: T::GasPriceInput::get(),
				round: T::GasPriceRound::get(),
			}
		}

		/// The value of `key` in `contract`'s ledger as of block `at`.
		pub fn ledger_get(contract: H256, key: u64, at: BlockNumberFor<T>) -> Option<u128> {
			Ledger::<T>::get(contract, key).iter().rev().find(|(block, _)| *block <= at).map(|(_, v)| *v)
		}

		/// A registered secret as workers and clients read it (`SecretComputeApi::secret`).
		pub fn secret_view(secret: H256) -> Option<runtime_api::SecretView<T::AccountId>> {
			Secrets::<T>::get(secret).map(|s| runtime_api::SecretView {
				members: T::Workers::committee(s.committee).unwrap_or_default(),
				owner: s.owner,
				committee: s.committee,
				commitment: s.commitment,
				kind: s.kind,
				origin: s.origin,
				acks: s.acks.into_inner(),
				ready: s.ready,
				security: if DishonestSecrets::<T>::contains_key(secret) { Security::DishonestMajority } else { Security::HonestMajority },
			})
		}

		/// The security of the task's contract, as the chain read it at registration.
		pub fn task_security(task: &H256) -> Security {
			if DishonestTasks::<T>::contains_key(task) {
				Security::DishonestMajority
			} else {
				Security::HonestMajority
			}
		}

		/// Pending tasks whose committee includes `worker` (an index, not a scan).
		pub fn assignments(worker: &T::AccountId) -> Vec<H256> {
			Assigned::<T>::iter_key_prefix(worker).collect()
		}

		/// A pending task ended: its contract and committee have one task less.
		fn note_task_ended(info: &TaskOf<T>) {
			ContractInfo::<T>::mutate(info.contract, |c| {
				if let Some((_, _, pending)) = c {
					*pending = pending.saturating_sub(1);
				}
			});
			T::Workers::note_task(info.committee, false);
		}

		/// `TaskRetention` blocks after its deadline: the task's records go, and with them the
		/// requester's deposit comes back. (Its ledger writes and secrets stay.)
		fn prune(task: H256) {
			let Some(info) = Tasks::<T>::take(task) else { return };
			if info.status == TaskStatus::Pending {
				// Cannot happen (the deadline failed it); keep it rather than lose a record.
				Tasks::<T>::insert(task, info);
				return;
			}
			Results::<T>::remove(task);
			let limit = T::MaxCommitteeSize::get();
			let _ = Submissions::<T>::clear_prefix(task, limit, None);
			let _ = Commitments::<T>::clear_prefix(task, limit, None);
			RevealFrom::<T>::remove(task);
			DishonestTasks::<T>::remove(task);
			let _ = Aborts::<T>::clear_prefix(task, limit, None);
			let _ = Candidates::<T>::clear_prefix(task, limit, None);
			T::Workers::forget_task(&task, limit);
			Self::release_deposit(&info.requester, info.deposit);
			Self::deposit_event(Event::TaskPruned { task });
		}

		/// The bytes of a secret a task creates (a one-contract predicate, acknowledged by up to
		/// `members` members), at most.
		fn new_secret_size(members: usize) -> usize {
			320 + 32 * members
		}

		/// The deposit of a secret a task creates: a record's, base included.
		fn new_secret_deposit(members: usize) -> BalanceOf<T> {
			Self::deposit_for(Self::new_secret_size(members))
		}

		/// An input's compute predicate read, decoded and evaluated at its largest (the
		/// benchmark's is `Always`; [`MAX_COMPUTE_PREDICATE`]), priced per byte as a permission
		/// check is ([`pallet_shared_identity::CHECK_PICOS_PER_BYTE`], four times the rate
		/// measured for decoding). An estimate, not a measurement, for the evaluation: at worst
		/// every 32-byte key is compared with the requester and 16 co-signers, about half a
		/// comparison per byte, a few nanoseconds each, which the margin covers.
		pub fn predicate_weight() -> Weight {
			let bytes = MAX_COMPUTE_PREDICATE as u64;
			Weight::from_parts(pallet_shared_identity::CHECK_PICOS_PER_BYTE.saturating_mul(bytes), bytes)
		}

		/// What a new ledger key costs its first writer, burnt: the deposit of the key's entry
		/// at its largest (its whole history), for state nothing removes.
		pub fn ledger_key_fee() -> BalanceOf<T> {
			Self::deposit_for(32 + 8 + BoundedVec::<(BlockNumberFor<T>, u128), T::MaxHistory>::max_encoded_len())
		}

		/// `DepositBase + DepositPerByte × bytes`.
		pub fn deposit_for(bytes: usize) -> BalanceOf<T> {
			T::DepositBase::get().saturating_add(T::DepositPerByte::get().saturating_mul((bytes as u32).into()))
		}

		/// Registers `secrets` (commitment and kind each) for `who` under one predicate; one
		/// deposit is held for all of them, each record carrying its part.
		fn register(
			who: T::AccountId,
			identity: H256,
			committee: CommitteeId,
			compute_predicate: Predicate<T::AccountId, BlockNumberFor<T>>,
			secrets: &[(H256, ValueKind)],
			security: Security,
		) -> DispatchResult {
			Self::ensure_can_pay(&who)?;
			ensure!(T::Identity::check(&who, &identity, Permission::Store, &[], None), Error::<T>::NoPermission);
			let members = T::Workers::committee(committee).ok_or(Error::<T>::UnknownCommittee)?;
			// A member that unbonds takes no new duty: else anyone could keep it from leaving.
			ensure!(!members.iter().any(T::Workers::is_leaving), Error::<T>::CommitteeMemberLeaving);
			let members = members.len();
			// Shamir shares of degree t on a committee smaller than 2t + 1 would put a secret
			// within reach of fewer members than it needs to be.
			ensure!(
				security == Security::DishonestMajority || members as u32 >= T::Workers::honest_majority_size(),
				Error::<T>::CommitteeTooSmallForHonestMajority
			);
			predicate::validate(&compute_predicate).map_err(Error::<T>::from)?;
			ensure!(compute_predicate.encoded_size() <= MAX_COMPUTE_PREDICATE, Error::<T>::ComputePredicateTooLarge);
			ensure!(secrets.iter().all(|(_, kind)| kind.is_valid()), Error::<T>::InvalidKind);
			let mut record: SecretOf<T> = SecretInfo {
				owner: identity,
				committee,
				compute_predicate,
				// The larger encoding of a kind, so that every record's deposit covers it.
				kind: ValueKind::Int { bits: 128 },
				origin: None,
				depositor: who.clone(),
				deposit: Zero::zero(),
				commitment: H256::zero(),
				acks: BoundedVec::new(),
				ready: false,
			};
			// Every record's size, with every member's acknowledgement, is at most this one's:
			// each carries this part of the deposit.
			record.deposit = Self::deposit_for(record.encoded_size() + 32 * members);
			let total = record.deposit.saturating_mul(BalanceOf::<T>::from(secrets.len() as u32));
			T::Currency::hold(&HoldReason::StateDeposit.into(), &who, total).map_err(|_| Error::<T>::CannotPayDeposit)?;
			// Each member acknowledges the batch for free, in batches at most this size.
			Self::prepay_answers(&who, Self::acks_fee(members as u32, secrets.len() as u32))?;
			for (commitment, kind) in secrets {
				let secret = H256(sp_io::hashing::blake2_256(&(identity, committee, commitment).encode()));
				ensure!(!Secrets::<T>::contains_key(secret), Error::<T>::SecretExists);
				Secrets::<T>::insert(secret, SecretInfo { commitment: *commitment, kind: *kind, ..record.clone() });
				if security == Security::DishonestMajority {
					DishonestSecrets::<T>::insert(secret, ());
				}
				Self::deposit_event(Event::SecretRegistered { secret, owner: identity, committee });
			}
			// Not counted against the committee yet: see `acknowledge`.
			Ok(())
		}

		/// Records `who`'s acknowledgement of `secret`: ready once every member holds its share;
		/// whether it became ready now. The caller counts the acknowledgement against the member
		/// (a member holding a share keeps its stake) and readiness against the committee (which
		/// then cannot be dissolved). Anyone may register a secret on any committee, so a secret
		/// counts against nobody before its shares are acknowledged: one whose shares were never
		/// sent locks no stake.
		fn acknowledge(secret: H256, info: &mut SecretOf<T>, who: T::AccountId, members: &[T::AccountId]) -> bool {
			if info.acks.try_push(who).is_err() {
				return false; // (cannot happen: a member acknowledges once, and acks hold a committee)
			}
			if !info.ready && members.iter().all(|m| info.acks.contains(m)) {
				info.ready = true;
				Self::deposit_event(Event::SecretReady { secret });
				return true;
			}
			false
		}

		/// A secret goes (removed, or rejected as a bad input): the members that acknowledged
		/// it hold a share fewer, and a ready one leaves its committee.
		pub(crate) fn uncount(info: &SecretOf<T>) {
			T::Workers::note_shares(&info.acks, 1, false);
			if info.ready {
				T::Workers::note_committee_secrets(info.committee, 1, false);
			}
		}

		fn hold_deposit(who: &T::AccountId, bytes: usize) -> Result<BalanceOf<T>, DispatchError> {
			let deposit = Self::deposit_for(bytes);
			T::Currency::hold(&HoldReason::StateDeposit.into(), who, deposit).map_err(|_| Error::<T>::CannotPayDeposit)?;
			Ok(deposit)
		}

		pub(crate) fn release_deposit(who: &T::AccountId, amount: BalanceOf<T>) {
			if !amount.is_zero() {
				let _ = T::Currency::release(&HoldReason::StateDeposit.into(), who, amount, Precision::BestEffort);
			}
		}

		/// `amount` of `from`'s deposit split among `to` (what rounding leaves is released).
		fn pay_out_deposit(from: &T::AccountId, amount: BalanceOf<T>, to: &[T::AccountId]) {
			let reason: T::RuntimeHoldReason = HoldReason::StateDeposit.into();
			let share = amount / (to.len().max(1) as u32).into();
			let mut paid = BalanceOf::<T>::zero();
			for member in to {
				paid = paid.saturating_add(
					T::Currency::transfer_on_hold(&reason, from, member, share, Precision::BestEffort, Restriction::Free, Fortitude::Force).unwrap_or_default(),
				);
			}
			Self::release_deposit(from, amount.saturating_sub(paid));
		}
	}

	/// The committees drawn for rotations, while the committees rotated exist: their requester
	/// may not dissolve them (the workers' registry asks).
	impl<T: Config> frame_support::traits::Contains<CommitteeId> for Pallet<T> {
		fn contains(id: &CommitteeId) -> bool {
			RotatedTo::<T>::get(id).is_some_and(T::Workers::committee_exists)
		}
	}

	impl<T: Config> TaskEvidence<T::AccountId> for Pallet<T> {
		fn verify(task: &H256, offender: &T::AccountId, offence: Offence, proof: &[u8]) -> Option<Vec<T::AccountId>> {
			let info = Tasks::<T>::get(task)?;
			let members = T::Workers::committee(info.committee)?;
			if !members.contains(offender) {
				return None;
			}
			match offence {
				// The deadline slashes the late itself (`expire`), so a report has nothing to add:
				// a task a quorum completed cannot tell a slow member from a dead one, and a task
				// that failed before its deadline (a split vote, aborts) was not waiting for anyone.
				Offence::Timeout => None,
				Offence::ResultMismatch => {
					let agreed = Results::<T>::get(task)?.outcome();
					let (theirs, _) = Submissions::<T>::get(task, offender)?;
					// The quorum: completion dropped every other submission of the agreed outcome.
					let revealed = |m: &&T::AccountId| Submissions::<T>::get(task, *m).is_some_and(|(outcome, _)| outcome == agreed);
					(theirs != agreed).then(|| members.iter().filter(revealed).cloned().collect())
				},
				// A deviation shown by a signed message: the other members were honest here.
				Offence::Misbehaviour => {
					let proof = MisbehaviourProof::decode(&mut &proof[..]).ok()?;
					let offender_index = members.iter().position(|m| m == offender)?;
					let peers: Vec<Vec<u8>> = members.iter().map(|m| T::Workers::peer_id(m).unwrap_or_default()).collect();
					proof.proves(*task, offender_index, &peers).then(|| members.iter().filter(|m| *m != offender).cloned().collect())
				},
			}
		}
	}
}
