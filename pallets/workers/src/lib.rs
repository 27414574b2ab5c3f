//! # Worker registry (whitepaper 5.3 network reduction, 7.1 deposits and slashing)
//!
//! Workers ("secret nodes") stake a deposit, held from their balance, and publish their libp2p
//! peer id and x25519 encryption key. Committees are sampled from the active workers, weighted
//! by stake × reputation (offences lower it, finished tasks restore it up to a newcomer's: anyone
//! can finish tasks on its own committees; not by load, which anyone can raise), when a data owner asks for one
//! to share its secrets with ([`Pallet::request_committee`]); tasks then run on the committee
//! that holds their inputs. (We chose committees per request over per epoch: a secret stays with
//! the committee it was shared with.) Governance sets the smallest
//! size for an honest majority: `MinCommitteeSize`, and 2t + 1 for the `CorruptionThreshold`
//! t >= 1. A smaller committee, of [`SMALLEST_COMMITTEE`] members at least, is for a dishonest
//! majority only: the compute pallet registers only secrets shared for a dishonest majority on
//! it (degree n - 1: no n - 1 members learn anything) and runs only dishonest-majority tasks
//! (SPDZ, every member's vote).
//!
//! **Randomness.** A request is drawn [`Config::DrawDelay`] blocks later (or in the first block
//! after that with room among its draws, see [`schedule`]), in `on_initialize`,
//! from `blake2_256("enigma/committee/v1" ‖ parent_hash ‖ committee id)`: the parent hash then
//! is the hash of a block built after the request was included, which nobody knew when the
//! request was made. A requester cannot pick its committee, and front-running a victim's
//! request (to shift its id, or to take workers out of the pool) changes the victim's draw in a
//! way the front-runner cannot predict either. The residual bias is the block author's: the
//! author of the block whose hash seeds the draw can try a few contents (or withhold its block
//! and lose its slot) to change the hash; with weights bounded by stake it raises a colluding
//! worker's chance of a seat by at most the number of alternatives it can afford to try. A VRF
//! source (BABE's epoch randomness) or a commit-reveal beacon of the workers would remove it.
//!
//! **Stake follows duty.** A worker cannot withdraw while it holds shares of live secrets
//! (counted from its acknowledgement of a share until the secret is removed): its stake stays at
//! risk for as long as it holds something others depend on. It may unbond meanwhile (with tasks
//! to run it is `Leaving` until they end), which stops new committees, tasks and secrets coming
//! to it. Leaving means waiting for those secrets to be removed, or handing them over by
//! resharing; a share no handover can move (of a secret that never became ready, a task's, or a
//! dishonest-majority one) it lets go of once its unbonding period is over
//! (`pallet_secret_compute`'s `release_unready_share`, `release_stranded_share`). A committee counts
//! its ready secrets (those every member acknowledged) and cannot be dissolved while it has any.
//!
//! **Slashing.** An offence (Timeout, ResultMismatch, Misbehaviour) costs the offender
//! `SlashFraction` of its stake, burned, and a task's slashes' total minted to the honest members
//! of its committee in equal shares; its
//! reputation falls, and below `MinWorkerStake` it is deactivated. Offences are reported by the
//! compute pallet itself (deadlines, quorum) or by anyone with [`Pallet::report`], checked
//! against the chain's record of the task ([`TaskEvidence`]). A report the record does not
//! support costs the reporter `FalseReportPenalty`.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
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
	traits::{
		fungible::{Inspect, Mutate, MutateHold},
		tokens::{Fortitude, Precision},
	},
};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::{
	traits::{Saturating, Zero},
	Debug, Perbill,
};
pub use weights::WeightInfo;

pub type BalanceOf<T> = <<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
pub type CommitteeId = u32;

/// A peer id for `account`'s registration, with the peer key's signature of it
/// ([`enigma_primitives::peer_binding`]): for tests, from `seed` (`sp_core`'s ed25519 pair).
#[cfg(feature = "std")]
pub fn test_peer(account: &impl Encode, seed: u8, encryption_key: &[u8; 32]) -> (Vec<u8>, [u8; 64]) {
	peer_from_seed(account, [seed; 32], encryption_key)
}

#[cfg(feature = "std")]
fn peer_from_seed(account: &impl Encode, seed: [u8; 32], encryption_key: &[u8; 32]) -> (Vec<u8>, [u8; 64]) {
	use sp_core::Pair;
	let pair = sp_core::ed25519::Pair::from_seed(&seed);
	let signature = pair.sign(&enigma_primitives::peer_binding(&account.encode(), encryption_key));
	(enigma_primitives::peer_id_of_ed25519(&pair.public().0), signature.0)
}

/// The same for benchmarks, a key of `account`'s own: natively (the benchmarks run as tests) a
/// pair from its hash; in the runtime, a key made in the benchmark's keystore.
#[cfg(feature = "runtime-benchmarks")]
pub fn benchmark_peer(account: &impl Encode, encryption_key: &[u8; 32]) -> (Vec<u8>, [u8; 64]) {
	#[cfg(feature = "std")]
	{
		peer_from_seed(account, sp_io::hashing::blake2_256(&account.encode()), encryption_key)
	}
	#[cfg(not(feature = "std"))]
	{
		let key_type = sp_core::crypto::KeyTypeId(*b"enpr");
		// A hard junction: ed25519 keys have no soft derivation.
		let hex: alloc::string::String = account.encode().iter().map(|b| alloc::format!("{b:02x}")).collect();
		let public = sp_io::crypto::ed25519_generate(key_type, Some(alloc::format!("//enigma-peer//{hex}").into_bytes()));
		let binding = enigma_primitives::peer_binding(&account.encode(), encryption_key);
		let signature = sp_io::crypto::ed25519_sign(key_type, &public, &binding).expect("the key was just made");
		(enigma_primitives::peer_id_of_ed25519(&public.0), signature.0)
	}
}

/// An ed25519 signature check, on top of `register`'s measured weight (by hand: about 50 µs
/// measured for `sp_io::crypto::ed25519_verify`, doubled).
pub const ED25519_VERIFY: Weight = Weight::from_parts(100_000_000, 0);

/// An x25519 scalar multiplication ([`small_order_x25519`]), on top of `register`'s measured
/// weight (by hand: an x25519 scalar multiplication is some 20 µs natively; in WebAssembly,
/// without the 64×64→128-bit multiplication its field arithmetic leans on, several times that;
/// 300 µs covers it).
pub const X25519_LADDER: Weight = Weight::from_parts(300_000_000, 0);

/// Whether `key` is an x25519 public key of small order: one of the points whose order divides
/// 8, in any of its encodings (u = 0, 1, p − 1, the two of order 8, and their non-canonical
/// forms). A share sealed to such a key has a Diffie-Hellman secret everyone knows, so clients
/// deal nothing to a committee with such a member (`enigma_protocol::sealed`): one registration
/// would make every committee it is drawn into useless for new secrets. Clamped scalars are
/// multiples of 8, so the ladder sends exactly these points to 0 (as x25519's
/// `was_contributory` tells).
pub fn small_order_x25519(key: &[u8; 32]) -> bool {
	curve25519_dalek::montgomery::MontgomeryPoint(*key).mul_clamped([1; 32]).to_bytes() == [0; 32]
}

/// The fewest members of any committee: two (SPDZ's smallest, for a dishonest majority).
pub const SMALLEST_COMMITTEE: u32 = 2;

/// Reputation of a new worker, and the most any worker has: finished tasks win back what
/// offences cost, never more, since anyone can finish tasks on a committee of its own workers
/// (its own secret, any result agreed) and would buy committee seats and DHT placement with it.
pub const INITIAL_REPUTATION: u32 = 100;
pub const MAX_REPUTATION: u32 = INITIAL_REPUTATION;
/// Reputation lost per offence, and gained per task finished well.
pub const OFFENCE_PENALTY: u32 = 25;
pub const SUCCESS_REWARD: u32 = 1;
/// Longest proof `report` takes: a signed MPC frame of a large batch fits with room to spare.
pub const MAX_PROOF_LEN: u32 = 1 << 20;
/// Checking a proof (`Config::Evidence`), beyond the slashing `report`'s benchmark measures:
/// one ed25519 signature check (~50 µs, taken twice over) and reading the task, its committee
/// and two workers' records, plus decoding and blake2-hashing the proof (~1 ns/byte, taken
/// 4 times over).
pub fn proof_check_weight<T: frame_system::Config>(proof_len: usize) -> Weight {
	Weight::from_parts(100_000_000u64.saturating_add(4_000u64.saturating_mul(proof_len as u64)), proof_len as u64)
		.saturating_add(T::DbWeight::get().reads(4))
}

/// How many blocks past the one asked for [`schedule`] looks for room.
pub const SCHEDULE_SPREAD: u32 = 64;

/// Puts `item` on the per-block list `M` of the first block from `at` with room, looking at most
/// [`SCHEDULE_SPREAD`] blocks ahead, and returns that block. The lists are bounded so that the
/// hooks that take them stay within their weight; without the spread, one account filling a
/// block's list would have everyone else's calls refused for that block. Now it must fill
/// `SCHEDULE_SPREAD` lists (paying for every entry) to have one refused, and otherwise delays
/// others by the blocks it paid for. Costs a read per full block passed (the caller's weight
/// counts `SCHEDULE_SPREAD`).
pub fn schedule<M, B, V, S>(at: B, item: V) -> Option<B>
where
	M: frame_support::storage::StorageMap<B, BoundedVec<V, S>, Query = BoundedVec<V, S>>,
	B: codec::FullCodec + Copy + Saturating + From<u32>,
	V: codec::FullCodec + Clone,
	S: Get<u32>,
{
	let mut block = at;
	for _ in 0..SCHEDULE_SPREAD {
		if M::try_mutate(block, |list| list.try_push(item.clone())).is_ok() {
			return Some(block);
		}
		block = block.saturating_add(B::from(1u32));
	}
	None
}

/// What [`schedule`] may add to a call's weight: a read of each full list it passes (lists of at
/// most `max_items` items of `item_bytes` bytes, with their keys).
pub fn schedule_weight<T: frame_system::Config>(max_items: u32, item_bytes: u32) -> Weight {
	let list = (max_items as u64).saturating_mul(item_bytes as u64).saturating_add(64);
	Weight::from_parts(0, list.saturating_mul(SCHEDULE_SPREAD as u64)).saturating_add(T::DbWeight::get().reads(SCHEDULE_SPREAD as u64))
}

#[derive(Encode, Decode, DecodeWithMemTracking, Clone, Copy, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub enum Offence {
	/// Did not submit a result before the task's deadline.
	Timeout,
	/// Submitted a result the task's quorum disagrees with.
	ResultMismatch,
	/// Deviated from the protocol, shown by a proof the chain can check (see
	/// `pallet_secret_compute::MisbehaviourProof`).
	Misbehaviour,
}

#[derive(Encode, Decode, Clone, Copy, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub enum Status<BlockNumber> {
	/// Takes part in committees.
	Active,
	/// Stake fell below the minimum: no new assignments until it is topped up.
	Inactive,
	/// Leaving: may withdraw from the given block on.
	Unbonding { until: BlockNumber },
	/// Leaving, with tasks still to finish: no new task or secret comes to its committees (the
	/// tasks it runs may still make secrets it holds), and its unbonding period starts once the
	/// last of them ends (so a member that unbonds is idle, as rotations expect).
	Leaving,
}

#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct Worker<Balance, BlockNumber> {
	pub peer_id: BoundedVec<u8, ConstU32<64>>,
	pub encryption_key: [u8; 32],
	pub stake: Balance,
	pub reputation: u32,
	pub active_tasks: u32,
	/// Live secrets this worker holds a share of (acknowledged on chain, not removed yet).
	pub secrets: u32,
	pub status: Status<BlockNumber>,
}

/// Who asked for a committee, what it holds for its record, and what the committee carries.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct CommitteeRecord<AccountId, Balance> {
	pub requester: AccountId,
	pub deposit: Balance,
	/// Ready secrets shared with it (every member acknowledged its share).
	pub secrets: u32,
	/// Its pending tasks.
	pub tasks: u32,
}

/// A committee requested but not drawn yet.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct PendingCommittee<AccountId, BlockNumber> {
	pub requester: AccountId,
	pub size: u32,
	pub draw_at: BlockNumber,
}

/// What the chain knows about a task's outcome, to check reported offences.
pub trait TaskEvidence<AccountId> {
	/// The honest members of `task`'s committee if `offender` committed `offence` in it.
	fn verify(task: &H256, offender: &AccountId, offence: Offence, proof: &[u8]) -> Option<Vec<AccountId>>;
}

impl<AccountId> TaskEvidence<AccountId> for () {
	fn verify(_: &H256, _: &AccountId, _: Offence, _: &[u8]) -> Option<Vec<AccountId>> {
		None
	}
}

/// What the compute pallet needs from the registry.
pub trait WorkerRegistry<AccountId> {
	fn committee(id: CommitteeId) -> Option<Vec<AccountId>>;
	/// Whether `who` is a registered worker (a worker that withdrew is not).
	fn is_registered(who: &AccountId) -> bool;
	/// The libp2p peer id `who` registered (its ed25519 key signs its MPC frames).
	fn peer_id(who: &AccountId) -> Option<Vec<u8>>;
	/// `committee` holds `count` more (`true`) or fewer ready secrets: it cannot be dissolved
	/// while it holds any.
	fn note_committee_secrets(committee: CommitteeId, count: u32, added: bool);
	/// Each of `holders` holds `count` more (`true`) or fewer shares of live secrets: a worker
	/// cannot withdraw while it holds any.
	fn note_shares(holders: &[AccountId], count: u32, added: bool);
	/// A task of `committee` started (`true`) or ended: a committee with tasks or secrets
	/// cannot be dissolved.
	fn note_task(committee: CommitteeId, started: bool);
	/// The smallest committee that may hold secrets for, and run tasks with, an honest majority
	/// (smaller ones serve a dishonest majority only).
	fn honest_majority_size() -> u32;
	/// Agreeing results that complete a task of a committee of `size`: a majority, and at least
	/// 2t + 1 for the `CorruptionThreshold` t the committee can tolerate.
	fn quorum(size: u32) -> u32;
	/// A worker starts a task.
	fn note_assigned(who: &AccountId);
	/// A worker is done with a task, well (`good`) or not.
	fn note_finished(who: &AccountId, good: bool);
	/// Slash each of `offenders` for `offence` in `task`, once per task and offender; their
	/// slashes' total is shared among `honest`.
	fn slash(task: &H256, offenders: &[AccountId], offence: Offence, honest: &[AccountId]);
	/// What [`WorkerRegistry::slash`] weighs at most for `offenders` and `honest` members.
	fn slash_weight(offenders: u32, honest: u32) -> Weight;
	/// `task` is pruned: its record of who was slashed goes (no report about it can be proven
	/// any more), at most `members` entries.
	fn forget_task(task: &H256, members: u32);
	/// Whether `who` is unbonding, or leaving once its tasks end: it serves the committees it
	/// is in, and takes no new secret or task.
	fn is_leaving(who: &AccountId) -> bool;
	/// Whether committee `id` has a task under way.
	fn runs_tasks(id: CommitteeId) -> bool;
	/// Whether `who` is unbonding and its unbonding period is over: it could withdraw, but for
	/// what it still holds.
	fn is_unbonded(who: &AccountId) -> bool;
	/// Whether `who` is a registered worker that may be drawn (not unbonding, not deactivated).
	fn is_active(who: &AccountId) -> bool;
	/// Requests a committee of `size` for `requester` (who holds its deposit), drawn later
	/// from randomness nobody knows now, as `request_committee` does.
	fn request_committee(requester: &AccountId, size: u32) -> Result<CommitteeId, DispatchError>;
	/// What [`WorkerRegistry::request_committee`] weighs at the worst.
	fn request_committee_weight(size: u32) -> Weight;
	/// Whether committee `id` is requested (drawn or waiting for its draw) and not dissolved.
	fn committee_exists(id: CommitteeId) -> bool;
	/// Whether `who` was slashed already for `task` (or for the handover of the secret `task`).
	fn slashed(task: &H256, who: &AccountId) -> bool;
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_system::pallet_prelude::*;

	/// 1: peer ids indexed ([`PeerIds`]), each registered once.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;
		type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason> + Mutate<Self::AccountId>;
		type RuntimeHoldReason: From<HoldReason>;
		/// The least stake of an active worker (a governance parameter).
		type MinWorkerStake: Get<BalanceOf<Self>>;
		/// Blocks between `unbond` and `withdraw` (a governance parameter).
		type UnbondingPeriod: Get<BlockNumberFor<Self>>;
		/// Share of the stake slashed per offence (a governance parameter).
		type SlashFraction: Get<Perbill>;
		/// Blocks between a committee request and its draw (at least 2: the draw is seeded with
		/// the hash of a block built after the request's).
		#[pallet::constant]
		type DrawDelay: Get<BlockNumberFor<Self>>;
		/// Committee draws that may fall in one block.
		#[pallet::constant]
		type MaxDrawsPerBlock: Get<u32>;
		/// Deposit of a committee record, held from its requester (a governance parameter)...
		type DepositBase: Get<BalanceOf<Self>>;
		/// ...plus this much per byte (a governance parameter).
		type DepositPerByte: Get<BalanceOf<Self>>;
		/// The smallest committee anyone may request (a governance parameter).
		type MinCommitteeSize: Get<u32>;
		/// t, the corrupted members every committee must tolerate (a governance parameter; at
		/// least 1 whatever it is set to): a committee has at least 2t + 1 members, and any t of
		/// them learn nothing of a secret.
		type CorruptionThreshold: Get<u32>;
		/// Burned from a reporter whose report the chain's record does not support.
		type FalseReportPenalty: Get<BalanceOf<Self>>;
		/// Checks reported offences against the tasks' records.
		type Evidence: TaskEvidence<Self::AccountId>;
		/// Committees their requester may not dissolve yet, though empty: the committee drawn for
		/// a rotation, while the committee rotated exists (dissolving it would end the rotation,
		/// and drawing again would let whoever rotates draw until a committee it controls came up).
		type Pinned: frame_support::traits::Contains<CommitteeId>;
		#[pallet::constant]
		type MaxWorkers: Get<u32>;
		#[pallet::constant]
		type MaxCommitteeSize: Get<u32>;
		type WeightInfo: WeightInfo;
	}

	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A worker's stake.
		WorkerStake,
		/// The deposit of a committee record.
		StateDeposit,
	}

	pub type WorkerOf<T> = Worker<BalanceOf<T>, BlockNumberFor<T>>;

	#[pallet::storage]
	pub type Workers<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, WorkerOf<T>>;

	/// Which worker registered each peer id. Two members with one peer id cannot both be
	/// reached, so a committee with both cannot compute: a peer id is registered once.
	#[pallet::storage]
	pub type PeerIds<T: Config> = StorageMap<_, Blake2_128Concat, BoundedVec<u8, ConstU32<64>>, T::AccountId>;

	/// Workers eligible for committees.
	#[pallet::storage]
	pub type ActiveWorkers<T: Config> = StorageValue<_, BoundedVec<T::AccountId, T::MaxWorkers>, ValueQuery>;

	#[pallet::storage]
	pub type Committees<T: Config> = StorageMap<_, Twox64Concat, CommitteeId, BoundedVec<T::AccountId, T::MaxCommitteeSize>>;

	#[pallet::storage]
	pub type NextCommitteeId<T: Config> = StorageValue<_, CommitteeId, ValueQuery>;

	/// Requested committees awaiting their draw.
	#[pallet::storage]
	pub type PendingCommittees<T: Config> = StorageMap<_, Twox64Concat, CommitteeId, PendingCommittee<T::AccountId, BlockNumberFor<T>>>;

	/// A committee's requester and the deposit held from it, and the live secrets and pending
	/// tasks the committee has.
	#[pallet::storage]
	pub type CommitteeInfo<T: Config> = StorageMap<_, Twox64Concat, CommitteeId, CommitteeRecord<T::AccountId, BalanceOf<T>>>;

	/// The committees to draw at the start of a block.
	#[pallet::storage]
	pub type Draws<T: Config> = StorageMap<_, Twox64Concat, BlockNumberFor<T>, BoundedVec<CommitteeId, T::MaxDrawsPerBlock>, ValueQuery>;

	/// Offences already slashed, per task.
	#[pallet::storage]
	pub type Slashed<T: Config> = StorageDoubleMap<_, Identity, H256, Blake2_128Concat, T::AccountId, Offence>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		Registered { worker: T::AccountId, stake: BalanceOf<T> },
		StakeAdded { worker: T::AccountId, stake: BalanceOf<T> },
		Unbonding { worker: T::AccountId, until: BlockNumberFor<T> },
		Withdrawn { worker: T::AccountId, stake: BalanceOf<T> },
		/// A committee will be drawn at the start of block `draw_at`.
		CommitteeRequested { id: CommitteeId, requester: T::AccountId, size: u32, draw_at: BlockNumberFor<T> },
		CommitteeFormed { id: CommitteeId, members: Vec<T::AccountId> },
		/// Too few eligible workers were left when the committee was drawn; the deposit is back.
		CommitteeFailed { id: CommitteeId },
		/// The requester dissolved a committee without secrets or tasks; its deposit is back.
		CommitteeDissolved { id: CommitteeId },
		/// `amount` of the offender's stake was burned; the total of the task's slashes is
		/// minted to its honest members in equal shares (`balances.Minted`).
		Slashed { task: H256, worker: T::AccountId, offence: Offence, amount: BalanceOf<T> },
		/// The worker's stake fell below the minimum.
		Deactivated { worker: T::AccountId },
		/// A report the chain's record does not support; the reporter paid the penalty.
		FalseReport { reporter: T::AccountId, task: H256, accused: T::AccountId },
		/// The worker leaves once its `tasks` tasks end: then `Unbonding`.
		Leaving { worker: T::AccountId, tasks: u32 },
	}

	#[pallet::error]
	pub enum Error<T> {
		AlreadyRegistered,
		NotRegistered,
		/// The stake is below `MinWorkerStake`.
		StakeTooLow,
		/// The balance cannot cover the stake.
		InsufficientBalance,
		/// The registry is full.
		TooManyWorkers,
		/// The peer id is not a libp2p id of an ed25519 key (what workers sign MPC frames with).
		InvalidPeerId,
		/// Another worker registered this peer id.
		PeerIdTaken,
		/// `peer_signature` is not the peer key's signature of the registration.
		PeerKeyNotProven,
		/// The worker is leaving already.
		AlreadyUnbonding,
		/// `withdraw` needs `unbond` first.
		NotUnbonding,
		/// The unbonding period has not passed.
		StillUnbonding,
		/// The worker still has tasks to finish.
		BusyWithTasks,
		/// The worker holds shares of live secrets: its stake stays until they are removed.
		HoldsSecrets,
		/// Every block the draw could be put in (`SCHEDULE_SPREAD` from `DrawDelay` on) has its
		/// most draws already; try later.
		TooManyDraws,
		/// The committee's deposit cannot be held from the requester's free balance.
		CannotPayDeposit,
		/// No committee with this id.
		UnknownCommittee,
		/// Only the committee's requester may dissolve it.
		NotRequester,
		/// The committee still holds secrets or has pending tasks.
		CommitteeInUse,
		/// Not enough eligible workers for a committee of this size.
		NotEnoughWorkers,
		/// Committee size must be at most `MaxCommitteeSize`.
		InvalidCommitteeSize,
		/// Smaller than [`SMALLEST_COMMITTEE`]: a committee of one holds its secrets in the clear.
		CommitteeTooSmall,
		/// This offence in this task is slashed already.
		AlreadySlashed,
		/// The proof is longer than `MAX_PROOF_LEN`.
		ProofTooLarge,
		/// The reporter could not pay `FalseReportPenalty` were the report false.
		CannotCoverPenalty,
		/// The encryption key is an x25519 point of small order ([`small_order_x25519`]): what
		/// is sealed to it anyone can open, so no client would deal to a committee holding it.
		EncryptionKeyOfSmallOrder,
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Become a worker: hold `stake` (at least `MinWorkerStake`), publish the libp2p peer id
		/// (of an ed25519 key) and the x25519 key committee members encrypt to. `peer_signature`
		/// is the peer key's signature of [`enigma_primitives::peer_binding`] of the caller and
		/// `encryption_key`: the caller holds the key it registers. A key of small order is
		/// refused ([`small_order_x25519`]).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register().saturating_add(ED25519_VERIFY).saturating_add(X25519_LADDER))]
		pub fn register(origin: OriginFor<T>, peer_id: Vec<u8>, encryption_key: [u8; 32], stake: BalanceOf<T>, peer_signature: [u8; 64]) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!Workers::<T>::contains_key(&who), Error::<T>::AlreadyRegistered);
			ensure!(stake >= T::MinWorkerStake::get(), Error::<T>::StakeTooLow);
			// A member whose peer id no one can dial, or whose frames no one can check, would
			// stop every task of its committees; one with another's id would too, and a
			// newcomer could squat an honest node's id before it registers.
			let key = enigma_primitives::ed25519_of_peer_id(&peer_id).ok_or(Error::<T>::InvalidPeerId)?;
			let binding = enigma_primitives::peer_binding(&who.encode(), &encryption_key);
			let proven = sp_io::crypto::ed25519_verify(&sp_core::ed25519::Signature::from_raw(peer_signature), &binding, &sp_core::ed25519::Public::from_raw(key));
			ensure!(proven, Error::<T>::PeerKeyNotProven);
			ensure!(!small_order_x25519(&encryption_key), Error::<T>::EncryptionKeyOfSmallOrder);
			let peer_id: BoundedVec<u8, ConstU32<64>> = peer_id.try_into().map_err(|_| Error::<T>::InvalidPeerId)?;
			ensure!(!PeerIds::<T>::contains_key(&peer_id), Error::<T>::PeerIdTaken);
			ActiveWorkers::<T>::try_mutate(|list| list.try_push(who.clone())).map_err(|_| Error::<T>::TooManyWorkers)?;
			T::Currency::hold(&HoldReason::WorkerStake.into(), &who, stake).map_err(|_| Error::<T>::InsufficientBalance)?;
			PeerIds::<T>::insert(&peer_id, &who);
			Workers::<T>::insert(
				&who,
				Worker { peer_id, encryption_key, stake, reputation: INITIAL_REPUTATION, active_tasks: 0, secrets: 0, status: Status::Active },
			);
			Self::deposit_event(Event::Registered { worker: who, stake });
			Ok(())
		}

		/// Hold `amount` more; a worker deactivated for a low stake becomes active again.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::add_stake())]
		pub fn add_stake(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut worker = Workers::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
			T::Currency::hold(&HoldReason::WorkerStake.into(), &who, amount).map_err(|_| Error::<T>::InsufficientBalance)?;
			worker.stake = worker.stake.saturating_add(amount);
			// Back into the draws, with a peer id of its own (a record from before peer ids were
			// checked may have none).
			if worker.status == Status::Inactive && worker.stake >= T::MinWorkerStake::get() && PeerIds::<T>::get(&worker.peer_id).as_ref() == Some(&who) {
				ActiveWorkers::<T>::try_mutate(|list| list.try_push(who.clone())).map_err(|_| Error::<T>::TooManyWorkers)?;
				worker.status = Status::Active;
			}
			let stake = worker.stake;
			Workers::<T>::insert(&who, worker);
			Self::deposit_event(Event::StakeAdded { worker: who, stake });
			Ok(())
		}

		/// Stop taking new assignments (no committee is drawn with this worker any more, and no
		/// task or secret comes to its committees); the stake can be withdrawn after
		/// `UnbondingPeriod`, once the worker holds no share of a live secret. A worker that
		/// runs tasks is `Leaving` until they end (`Event::Leaving`), then unbonding. Neither
		/// shares nor tasks stop it: were a pending task to refuse it, anyone with a secret on
		/// one of its committees could submit a task before the last one ended and keep its
		/// stake locked for ever; a secret's owner that never removes it, the same with new
		/// committees. It keeps serving the tasks and committees it is in until they end.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::unbond())]
		pub fn unbond(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut worker = Workers::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
			ensure!(!matches!(worker.status, Status::Unbonding { .. } | Status::Leaving), Error::<T>::AlreadyUnbonding);
			ActiveWorkers::<T>::mutate(|list| list.retain(|w| *w != who));
			if worker.active_tasks == 0 {
				Self::start_unbonding(&who, &mut worker);
			} else {
				worker.status = Status::Leaving;
				Self::deposit_event(Event::Leaving { worker: who.clone(), tasks: worker.active_tasks });
			}
			Workers::<T>::insert(&who, worker);
			Ok(())
		}

		/// Leave: release the stake once unbonded and idle.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::withdraw())]
		pub fn withdraw(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let worker = Workers::<T>::get(&who).ok_or(Error::<T>::NotRegistered)?;
			let Status::Unbonding { until } = worker.status else { return Err(Error::<T>::NotUnbonding.into()) };
			ensure!(frame_system::Pallet::<T>::block_number() >= until, Error::<T>::StillUnbonding);
			Self::ensure_free(&worker)?;
			let released = T::Currency::release_all(&HoldReason::WorkerStake.into(), &who, Precision::BestEffort)?;
			Workers::<T>::remove(&who);
			if PeerIds::<T>::get(&worker.peer_id).as_ref() == Some(&who) {
				PeerIds::<T>::remove(&worker.peer_id);
			}
			Self::deposit_event(Event::Withdrawn { worker: who, stake: released });
			Ok(())
		}

		/// Request a committee of `size` workers to share secrets with; it is drawn at least
		/// `DrawDelay` blocks later (`draw_at` in `CommitteeRequested`) from randomness nobody
		/// knows now (`CommitteeFormed`). A committee has at least [`SMALLEST_COMMITTEE`]
		/// members, so that no single worker ever holds a secret in the clear; one smaller than
		/// [`Pallet::min_committee_size`] (`MinCommitteeSize`, and 2t + 1 for the
		/// `CorruptionThreshold` t >= 1) serves dishonest-majority secrets and tasks only. The
		/// weight pays for the draw.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::request_committee(T::MaxWorkers::get(), *size).saturating_add(schedule_weight::<T>(T::MaxDrawsPerBlock::get(), 4)))]
		pub fn request_committee(origin: OriginFor<T>, size: u32) -> DispatchResult {
			let requester = ensure_signed(origin)?;
			Self::do_request_committee(&requester, size).map(|_| ())
		}

		/// Dissolve a committee the caller requested, once it holds no secret and runs no task
		/// (and is no rotation's destination while the committee rotated exists): its record goes
		/// and the deposit comes back.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::dissolve_committee(T::MaxCommitteeSize::get()).saturating_add(T::DbWeight::get().reads(2)))]
		pub fn dissolve_committee(origin: OriginFor<T>, id: CommitteeId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let record = CommitteeInfo::<T>::get(id).ok_or(Error::<T>::UnknownCommittee)?;
			ensure!(record.requester == who, Error::<T>::NotRequester);
			ensure!(record.secrets == 0 && record.tasks == 0 && !PendingCommittees::<T>::contains_key(id), Error::<T>::CommitteeInUse);
			ensure!(!<T::Pinned as frame_support::traits::Contains<CommitteeId>>::contains(&id), Error::<T>::CommitteeInUse);
			Committees::<T>::remove(id);
			CommitteeInfo::<T>::remove(id);
			let _ = T::Currency::release(&HoldReason::StateDeposit.into(), &who, record.deposit, Precision::BestEffort);
			Self::deposit_event(Event::CommitteeDissolved { id });
			Ok(())
		}

		/// Report `offender` for `offence` in `task`. If the chain's record of the task supports
		/// it, the offender is slashed; otherwise the reporter pays `FalseReportPenalty`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::report(T::MaxCommitteeSize::get()).saturating_add(proof_check_weight::<T>(proof.len())))]
		pub fn report(origin: OriginFor<T>, task: H256, offender: T::AccountId, offence: Offence, proof: Vec<u8>) -> DispatchResult {
			let reporter = ensure_signed(origin)?;
			ensure!(proof.len() <= MAX_PROOF_LEN as usize, Error::<T>::ProofTooLarge);
			ensure!(!Slashed::<T>::contains_key(task, &offender), Error::<T>::AlreadySlashed);
			// A reporter that could not pay for a false report would accuse for free.
			let penalty = T::FalseReportPenalty::get();
			ensure!(
				T::Currency::reducible_balance(&reporter, frame_support::traits::tokens::Preservation::Preserve, Fortitude::Polite) >= penalty,
				Error::<T>::CannotCoverPenalty
			);
			match T::Evidence::verify(&task, &offender, offence, &proof) {
				Some(honest) => Self::do_slash(&task, core::slice::from_ref(&offender), offence, &honest),
				None => {
					T::Currency::burn_from(&reporter, penalty, frame_support::traits::tokens::Preservation::Preserve, Precision::Exact, Fortitude::Polite)?;
					Self::deposit_event(Event::FalseReport { reporter, task, accused: offender });
				},
			}
			Ok(())
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// To version 1: indexes the registered workers' peer ids. A record with an unusable id
		/// (not an ed25519 key's), or one that other records share (which of them holds the key,
		/// nobody proved), is deactivated and its id left free: its committees could not compute;
		/// it may still unbond and withdraw (and register again, proving its key), and
		/// [`Pallet::add_stake`] does not bring it back. Reputations above [`MAX_REPUTATION`]
		/// (farmed, before it was lowered) come down to it.
		fn on_runtime_upgrade() -> Weight {
			if StorageVersion::get::<Pallet<T>>() >= 1 {
				return T::DbWeight::get().reads(1);
			}
			let mut holders = alloc::collections::BTreeMap::<Vec<u8>, u32>::new();
			for worker in Workers::<T>::iter_values() {
				*holders.entry(worker.peer_id.to_vec()).or_default() += 1;
			}
			let (mut count, mut deactivated) = (0u64, Vec::new());
			for (who, mut worker) in Workers::<T>::iter() {
				count += 1;
				let usable = enigma_primitives::ed25519_of_peer_id(&worker.peer_id).is_some() && holders.get(worker.peer_id.as_slice()) == Some(&1);
				if usable {
					PeerIds::<T>::insert(&worker.peer_id, &who);
				} else if worker.status == Status::Active {
					worker.status = Status::Inactive;
					deactivated.push(who.clone());
				}
				worker.reputation = worker.reputation.min(MAX_REPUTATION);
				Workers::<T>::insert(&who, worker);
			}
			ActiveWorkers::<T>::mutate(|list| list.retain(|w| !deactivated.contains(w)));
			STORAGE_VERSION.put::<Pallet<T>>();
			T::DbWeight::get().reads_writes(2 + 3 * count, 2 + 2 * count)
		}

		/// Draws the committees requested `DrawDelay` blocks ago.
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let due = Draws::<T>::take(now);
			let mut weight = T::DbWeight::get().reads_writes(1, 1);
			for id in due {
				let Some(pending) = PendingCommittees::<T>::take(id) else { continue };
				weight = weight.saturating_add(T::WeightInfo::request_committee(T::MaxWorkers::get(), pending.size));
				let seed = sp_io::hashing::blake2_256(&(b"enigma/committee/v1", frame_system::Pallet::<T>::parent_hash(), id).encode());
				match Self::sample(pending.size, seed) {
					Ok(members) => {
						Committees::<T>::insert(id, BoundedVec::truncate_from(members.clone()));
						Self::deposit_event(Event::CommitteeFormed { id, members });
					},
					Err(_) => {
						if let Some(record) = CommitteeInfo::<T>::take(id) {
							let _ = T::Currency::release(&HoldReason::StateDeposit.into(), &record.requester, record.deposit, Precision::BestEffort);
						}
						Self::deposit_event(Event::CommitteeFailed { id });
					},
				}
			}
			weight
		}
	}

	impl<T: Config> Pallet<T> {
		/// A committee of `size` requested by `requester` (who holds its record's deposit), drawn
		/// `DrawDelay` blocks from now at the earliest.
		fn do_request_committee(requester: &T::AccountId, size: u32) -> Result<CommitteeId, DispatchError> {
			ensure!(size <= T::MaxCommitteeSize::get(), Error::<T>::InvalidCommitteeSize);
			ensure!(size >= SMALLEST_COMMITTEE, Error::<T>::CommitteeTooSmall);
			ensure!(Self::eligible().len() >= size as usize, Error::<T>::NotEnoughWorkers);
			let id = NextCommitteeId::<T>::get();
			let earliest = frame_system::Pallet::<T>::block_number().saturating_add(T::DrawDelay::get().max(2u32.into()));
			let draw_at = schedule::<Draws<T>, _, _, _>(earliest, id).ok_or(Error::<T>::TooManyDraws)?;
			// The committee's record: its members (an account id of at most 64 bytes each) and this.
			let bytes = (size as usize).saturating_mul(64).saturating_add(128);
			let deposit = T::DepositBase::get().saturating_add(T::DepositPerByte::get().saturating_mul((bytes as u32).into()));
			T::Currency::hold(&HoldReason::StateDeposit.into(), requester, deposit).map_err(|_| Error::<T>::CannotPayDeposit)?;
			CommitteeInfo::<T>::insert(id, CommitteeRecord { requester: requester.clone(), deposit, secrets: 0, tasks: 0 });
			NextCommitteeId::<T>::put(id.saturating_add(1));
			PendingCommittees::<T>::insert(id, PendingCommittee { requester: requester.clone(), size, draw_at });
			Self::deposit_event(Event::CommitteeRequested { id, requester: requester.clone(), size, draw_at });
			Ok(id)
		}

		/// `who`'s unbonding period starts now.
		fn start_unbonding(who: &T::AccountId, worker: &mut WorkerOf<T>) {
			let until = frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
			worker.status = Status::Unbonding { until };
			Self::deposit_event(Event::Unbonding { worker: who.clone(), until });
		}

		/// Fails unless `worker` is free to leave: no task under way, no share of a live secret.
		fn ensure_free(worker: &WorkerOf<T>) -> DispatchResult {
			ensure!(worker.active_tasks == 0, Error::<T>::BusyWithTasks);
			ensure!(worker.secrets == 0, Error::<T>::HoldsSecrets);
			Ok(())
		}

		/// The smallest committee that may hold secrets for an honest majority, as governance
		/// sets it: `MinCommitteeSize`, and 2t + 1 for t = max(1, `CorruptionThreshold`).
		pub fn min_committee_size() -> u32 {
			let t = T::CorruptionThreshold::get().max(1);
			T::MinCommitteeSize::get().max(t.saturating_mul(2).saturating_add(1))
		}

		/// Active workers with the minimum stake, with their sampling weights: stake in units of
		/// the minimum, times reputation, which offences lower and finished tasks only restore
		/// ([`MAX_REPUTATION`]: a tenth of the stake farming it tenfold would otherwise weigh as
		/// much as all the rest). Not their load: anyone can raise a worker's load by submitting
		/// tasks to its committees, and a draw that skipped busy workers would let whoever loads
		/// the honest ones just before a draw fill the new committee with its own.
		pub(crate) fn eligible() -> Vec<(T::AccountId, u128)> {
			let min = T::MinWorkerStake::get();
			ActiveWorkers::<T>::get()
				.into_iter()
				.filter_map(|who| {
					let w = Workers::<T>::get(&who)?;
					if w.stake < min {
						return None;
					}
					let units: u128 = if min.is_zero() { 1 } else { (w.stake / min).try_into().unwrap_or(u128::MAX).max(1) };
					Some((who, units.saturating_mul(w.reputation.clamp(1, MAX_REPUTATION) as u128)))
				})
				.collect()
		}

		/// Weighted sampling of `size` workers without replacement, from `seed`.
		pub(crate) fn sample(size: u32, seed: [u8; 32]) -> Result<Vec<T::AccountId>, DispatchError> {
			let mut pool = Self::eligible();
			ensure!(pool.len() >= size as usize, Error::<T>::NotEnoughWorkers);
			let mut chosen = Vec::with_capacity(size as usize);
			for round in 0..size {
				let seed = sp_io::hashing::blake2_256(&(seed, round).encode());
				let draw = u128::from_le_bytes(seed[..16].try_into().expect("16 bytes"));
				let total: u128 = pool.iter().map(|(_, w)| *w).fold(0u128, |a, b| a.saturating_add(b));
				let mut target = draw % total.max(1);
				let index = pool
					.iter()
					.position(|(_, w)| {
						if target < *w {
							true
						} else {
							target -= *w;
							false
						}
					})
					.unwrap_or(pool.len() - 1);
				chosen.push(pool.swap_remove(index).0);
			}
			Ok(chosen)
		}

		/// Slashes each of `offenders` not slashed for `task` yet: a `SlashFraction` of its stake
		/// is burned, and the total of the task's slashes minted to `honest` in equal shares (what
		/// does not divide stays burned). Pooled, k offenders and h honest members cost k + h
		/// balance operations, not k·h: half of a large committee slashed at a deadline would
		/// otherwise pay hundreds of transfers in one hook.
		pub(crate) fn do_slash(task: &H256, offenders: &[T::AccountId], offence: Offence, honest: &[T::AccountId]) {
			let reason: T::RuntimeHoldReason = HoldReason::WorkerStake.into();
			let mut pool = BalanceOf::<T>::zero();
			for offender in offenders {
				if Slashed::<T>::contains_key(task, offender) {
					continue;
				}
				let Some(mut worker) = Workers::<T>::get(offender) else { continue };
				let amount = T::SlashFraction::get() * worker.stake;
				let burned = T::Currency::burn_held(&reason, offender, amount, Precision::BestEffort, Fortitude::Force).unwrap_or_default();
				pool = pool.saturating_add(burned);
				worker.stake = worker.stake.saturating_sub(burned);
				worker.reputation = worker.reputation.saturating_sub(OFFENCE_PENALTY);
				let deactivate = worker.status == Status::Active && worker.stake < T::MinWorkerStake::get();
				if deactivate {
					worker.status = Status::Inactive;
					ActiveWorkers::<T>::mutate(|list| list.retain(|w| w != offender));
				}
				Workers::<T>::insert(offender, worker);
				Slashed::<T>::insert(task, offender, offence);
				Self::deposit_event(Event::Slashed { task: *task, worker: offender.clone(), offence, amount: burned });
				if deactivate {
					Self::deposit_event(Event::Deactivated { worker: offender.clone() });
				}
			}
			if !honest.is_empty() && !pool.is_zero() {
				let share = pool / (honest.len() as u32).into();
				for member in honest {
					// A member that withdrew may have no account left: a share below the
					// existential deposit cannot be minted to it and stays burned.
					let _ = T::Currency::mint_into(member, share);
				}
			}
		}

		/// What [`Self::do_slash`] weighs at most for `offenders` and `honest` members:
		/// `report(c)` measures one offender's slash shared among `c` members.
		pub fn slash_weight(offenders: u32, honest: u32) -> Weight {
			let one = T::WeightInfo::report(1);
			let share = T::WeightInfo::report(2).saturating_sub(one);
			one.saturating_mul(offenders as u64).saturating_add(share.saturating_mul(honest as u64))
		}
	}

	impl<T: Config> WorkerRegistry<T::AccountId> for Pallet<T> {
		fn committee(id: CommitteeId) -> Option<Vec<T::AccountId>> {
			Committees::<T>::get(id).map(|c| c.into_inner())
		}

		fn is_registered(who: &T::AccountId) -> bool {
			Workers::<T>::contains_key(who)
		}

		fn peer_id(who: &T::AccountId) -> Option<Vec<u8>> {
			Workers::<T>::get(who).map(|w| w.peer_id.into_inner())
		}

		fn honest_majority_size() -> u32 {
			Self::min_committee_size()
		}

		fn quorum(size: u32) -> u32 {
			let t = T::CorruptionThreshold::get().max(1).min(size.saturating_sub(1) / 2);
			(size / 2 + 1).max(2 * t + 1)
		}

		fn note_task(committee: CommitteeId, started: bool) {
			CommitteeInfo::<T>::mutate(committee, |r| {
				if let Some(r) = r {
					r.tasks = if started { r.tasks.saturating_add(1) } else { r.tasks.saturating_sub(1) };
				}
			});
		}

		fn note_committee_secrets(committee: CommitteeId, count: u32, added: bool) {
			CommitteeInfo::<T>::mutate(committee, |r| {
				if let Some(r) = r {
					r.secrets = if added { r.secrets.saturating_add(count) } else { r.secrets.saturating_sub(count) };
				}
			});
		}

		fn note_shares(holders: &[T::AccountId], count: u32, added: bool) {
			for holder in holders {
				Workers::<T>::mutate(holder, |w| {
					if let Some(w) = w {
						w.secrets = if added { w.secrets.saturating_add(count) } else { w.secrets.saturating_sub(count) };
					}
				});
			}
		}

		fn note_assigned(who: &T::AccountId) {
			Workers::<T>::mutate(who, |w| {
				if let Some(w) = w {
					w.active_tasks = w.active_tasks.saturating_add(1);
				}
			});
		}

		fn note_finished(who: &T::AccountId, good: bool) {
			Workers::<T>::mutate(who, |w| {
				if let Some(w) = w {
					w.active_tasks = w.active_tasks.saturating_sub(1);
					if good {
						w.reputation = (w.reputation + SUCCESS_REWARD).min(MAX_REPUTATION);
					}
					// Its last task ended: a leaving worker unbonds now.
					if w.active_tasks == 0 && w.status == Status::Leaving {
						Self::start_unbonding(who, w);
					}
				}
			});
		}

		fn slash(task: &H256, offenders: &[T::AccountId], offence: Offence, honest: &[T::AccountId]) {
			Self::do_slash(task, offenders, offence, honest);
		}

		fn slash_weight(offenders: u32, honest: u32) -> Weight {
			Self::slash_weight(offenders, honest)
		}

		fn forget_task(task: &H256, members: u32) {
			let _ = Slashed::<T>::clear_prefix(task, members, None);
		}

		fn runs_tasks(id: CommitteeId) -> bool {
			CommitteeInfo::<T>::get(id).is_some_and(|r| r.tasks > 0)
		}

		fn is_leaving(who: &T::AccountId) -> bool {
			Workers::<T>::get(who).is_some_and(|w| matches!(w.status, Status::Unbonding { .. } | Status::Leaving))
		}

		fn is_unbonded(who: &T::AccountId) -> bool {
			let now = frame_system::Pallet::<T>::block_number();
			Workers::<T>::get(who).is_some_and(|w| matches!(w.status, Status::Unbonding { until } if now >= until))
		}

		fn is_active(who: &T::AccountId) -> bool {
			Workers::<T>::get(who).is_some_and(|w| w.status == Status::Active)
		}

		fn request_committee(requester: &T::AccountId, size: u32) -> Result<CommitteeId, DispatchError> {
			Self::do_request_committee(requester, size)
		}

		fn request_committee_weight(size: u32) -> Weight {
			T::WeightInfo::request_committee(T::MaxWorkers::get(), size).saturating_add(schedule_weight::<T>(T::MaxDrawsPerBlock::get(), 4))
		}

		fn committee_exists(id: CommitteeId) -> bool {
			CommitteeInfo::<T>::contains_key(id)
		}

		fn slashed(task: &H256, who: &T::AccountId) -> bool {
			Slashed::<T>::contains_key(task, who)
		}

	}
}
