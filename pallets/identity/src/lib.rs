//! # Shared identities (whitepaper 6.1, Algorithms 1 and 2)
//!
//! A shared identity is the whitepaper's (2n+1)-tuple: an address
//! `addr_P = blake2_256(SCALE(pk_1) ‖ … ‖ SCALE(pk_n))` over its members' account keys in the
//! order given at creation, and for each member a policy: the [`predicate::Grant`]s under which
//! that member may read, store, compute on, declassify or administer the identity's data.
//! With n = 1 it is an ordinary pseudonym.
//!
//! * [`Pallet::create`] proposes an identity; every other member consents with
//!   [`Pallet::approve`], naming the hash of the proposal it read (the members and their
//!   policies): a proposal withdrawn and made again with other policies under the same address
//!   has another hash, so an approval never activates policies its member did not see. (We
//!   chose per-member approval transactions over one transaction carrying everyone's
//!   signatures: each member's wallet signs a normal extrinsic.) It is `Active` once all have
//!   approved (at once for a single member).
//! * k-of-n grants (`Threshold`) pass when the other keys co-signed the request on chain:
//!   [`Pallet::cosign`] records a member's consent to one request (a hash the calling pallet
//!   defines, e.g. a task's content and its requester) for `CosignLifetime` blocks, and the
//!   permission check counts those co-signers. Same reason as approvals: normal extrinsics, no
//!   signature plumbing. Consent is used up by the request it was for
//!   ([`PermissionCheck::use_cosigns`]), and a later co-signer does not extend an earlier one's.
//! * Every record carries a deposit, `StateDepositBase + StateDepositPerByte × its size`, held
//!   from who made it and released when it goes (a policy that grows the record holds more).
//! * [`Pallet::set_policy`] is the whitepaper's T_access: it needs `Admin` and takes effect
//!   from the next block, for data stored before as well, since every read is checked
//!   against the current policy.
//! * [`PermissionCheck`] is the permission check (Alg. 2) other pallets call; the runtime API
//!   [`runtime_api::SharedIdentityApi`] offers it to clients, DHT nodes and workers.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub mod predicate;
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
	traits::{
		fungible::{Inspect, Mutate, MutateHold},
		tokens::Precision,
	},
	BoundedVec,
};
use predicate::{Permission, Policy, PredicateError, Request};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::{traits::Zero, Saturating};
pub use weights::WeightInfo;

/// What a permission check costs per byte of the records it reads (decoding the owner's record
/// and its co-signatures, and evaluating the caller's grants), in picoseconds of reference
/// time, four times over for the wasm executor and slower machines. A permission check is not
/// a call, so no benchmark measures it: `tests::a_permission_check_costs_about_this_per_byte`
/// does (650 ps per byte of a 29 KB record, native release build, 2026-12-04; rounded up).
pub const CHECK_PICOS_PER_BYTE: u64 = 4 * MEASURED_PICOS;
const MEASURED_PICOS: u64 = 1_000;

/// A member of a shared identity.
#[derive(Encode, Decode, DecodeWithMemTracking, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct Member<AccountId, BlockNumber> {
	pub account: AccountId,
	pub policy: Policy<AccountId, BlockNumber>,
	/// A policy set by `set_policy`, in force from the given block on.
	pub pending: Option<(BlockNumber, Policy<AccountId, BlockNumber>)>,
	/// Whether this member has consented to the identity.
	pub approved: bool,
}

impl<AccountId, BlockNumber: PartialOrd + Copy> Member<AccountId, BlockNumber> {
	/// The policy in force at block `now`.
	pub fn policy_at(&self, now: BlockNumber) -> &Policy<AccountId, BlockNumber> {
		match &self.pending {
			Some((from, policy)) if *from <= now => policy,
			_ => &self.policy,
		}
	}
}

#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
#[scale_info(skip_type_params(MaxMembers))]
pub struct Identity<AccountId, BlockNumber, Balance, MaxMembers: Get<u32>> {
	pub members: BoundedVec<Member<AccountId, BlockNumber>, MaxMembers>,
	/// All members consented.
	pub active: bool,
	pub created: BlockNumber,
	/// Who proposed it, and the deposit held from that account for the record.
	pub depositor: AccountId,
	pub deposit: Balance,
}

/// Members' consent to one request, for k-of-n grants.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
#[scale_info(skip_type_params(MaxMembers))]
pub struct Cosigns<AccountId, BlockNumber, Balance, MaxMembers: Get<u32>> {
	/// The co-signers and the deposit each has held for its entry.
	pub signers: BoundedVec<(AccountId, Balance), MaxMembers>,
	/// The consent lapses at this block.
	pub expires: BlockNumber,
}

/// The permission check of Alg. 2, for other pallets.
pub trait PermissionCheck<AccountId, BlockNumber> {
	/// Whether `who` may do `permission` on identity `identity`'s data, given the other keys
	/// that signed the request and the secret contract it comes through.
	fn check(who: &AccountId, identity: &H256, permission: Permission, signers: &[AccountId], contract: Option<H256>) -> bool;
	/// Whether `identity` exists and is active.
	fn is_active(identity: &H256) -> bool;
	/// The members of `identity` who co-signed `request` and whose consent has not lapsed.
	fn cosigners(identity: &H256, request: &H256) -> Vec<AccountId>;
	/// The most one [`Self::check`] with its [`Self::cosigners`] costs: reading and decoding the
	/// largest record and co-signature entry.
	fn check_weight() -> frame_support::weights::Weight;
	/// `request` was done with its co-signers' consent: it lapses now (consent is to one request,
	/// once), and anyone may clear the entry, its deposits going back to the co-signers.
	fn use_cosigns(identity: &H256, request: &H256);
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_system::pallet_prelude::*;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		#[allow(deprecated)]
		type RuntimeEvent: From<Event<Self>> + IsType<<Self as frame_system::Config>::RuntimeEvent>;
		/// Holds the deposits of records.
		type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason> + Mutate<Self::AccountId>;
		type RuntimeHoldReason: From<HoldReason>;
		/// Deposit of any record (a governance parameter)...
		type DepositBase: Get<BalanceOf<Self>>;
		/// ...plus this much per byte of it (a governance parameter).
		type DepositPerByte: Get<BalanceOf<Self>>;
		/// Blocks a co-signature stays valid.
		#[pallet::constant]
		type CosignLifetime: Get<BlockNumberFor<Self>>;
		/// Members of one identity.
		#[pallet::constant]
		type MaxMembers: Get<u32>;
		/// Largest encoded identity record, in bytes. Every permission check reads and decodes
		/// the owner's whole record; bounded members and policies alone would allow megabytes,
		/// which the callers' weights (a task reads up to a thousand owners) cannot cover.
		#[pallet::constant]
		type MaxRecordSize: Get<u32>;
		type WeightInfo: WeightInfo;
	}

	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The deposit of an identity record or of a co-signature.
		StateDeposit,
	}

	pub type BalanceOf<T> = <<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
	pub type IdentityOf<T> = Identity<<T as frame_system::Config>::AccountId, BlockNumberFor<T>, BalanceOf<T>, <T as Config>::MaxMembers>;
	pub type CosignsOf<T> = Cosigns<<T as frame_system::Config>::AccountId, BlockNumberFor<T>, BalanceOf<T>, <T as Config>::MaxMembers>;
	pub type PolicyOf<T> = Policy<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;
	pub type MembersOf<T> = BoundedVec<(<T as frame_system::Config>::AccountId, PolicyOf<T>), <T as Config>::MaxMembers>;

	/// Identities by address.
	#[pallet::storage]
	pub type Identities<T: Config> = StorageMap<_, Blake2_128Concat, H256, IdentityOf<T>>;

	/// Co-signatures of requests, by identity and request hash.
	#[pallet::storage]
	pub type CosignedRequests<T: Config> = StorageDoubleMap<_, Blake2_128Concat, H256, frame_support::Identity, H256, CosignsOf<T>>;

	/// The block an identity last lost a member, or was created where one dissolved before had
	/// left co-signatures. Consent given until then no longer counts: the removed member's
	/// signature may be in it (a key an admin removes for being compromised must not keep
	/// counting until its co-signatures lapse), or it was given to the identity before.
	#[pallet::storage]
	pub type MemberRemoved<T: Config> = StorageMap<_, Blake2_128Concat, H256, BlockNumberFor<T>>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An identity was proposed and awaits its members' approvals.
		Proposed { identity: H256, proposer: T::AccountId },
		/// A member consented.
		Approved { identity: H256, who: T::AccountId },
		/// All members consented: the identity is active.
		Created { identity: H256 },
		/// A member's policy changes from block `effective_from` on (T_access).
		PolicyChanged { identity: H256, member: T::AccountId, effective_from: BlockNumberFor<T> },
		/// A member was removed.
		MemberRemoved { identity: H256, member: T::AccountId },
		/// The identity is gone.
		Dissolved { identity: H256 },
		/// A member consented to `request` until block `expires`.
		Cosigned { identity: H256, request: H256, who: T::AccountId, expires: BlockNumberFor<T> },
		/// The co-signatures of `request` were cleared and their deposits released.
		CosignsCleared { identity: H256, request: H256 },
		/// `who` withdrew its co-signature of `request` before it lapsed.
		CosignWithdrawn { identity: H256, request: H256, who: T::AccountId },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No identity has this address.
		UnknownIdentity,
		/// An identity with the same members (so the same address) exists.
		AlreadyExists,
		/// An identity needs at least one member.
		NoMembers,
		/// An account appears twice among the members.
		DuplicateMember,
		/// The caller is not a member of the identity.
		NotMember,
		/// The account named is not a member of the identity.
		UnknownMember,
		/// The caller has approved already.
		AlreadyApproved,
		/// The identity is active already.
		AlreadyActive,
		/// The identity still awaits approvals.
		NotActive,
		/// The caller's policy does not grant the needed permission.
		NoPermission,
		/// A predicate is not one well-formed formula.
		MalformedPredicate,
		/// A predicate nests deeper than allowed.
		PredicateTooDeep,
		/// A threshold predicate needs 1 <= k <= number of keys, each key listed once.
		InvalidThreshold,
		/// A grant lists no permission.
		EmptyGrant,
		/// The last member cannot be removed; dissolve the identity instead.
		LastMember,
		/// The proposal is not the one approved: it was withdrawn and made again differently.
		ProposalChanged,
		/// The deposit for the record cannot be held from the depositor's free balance.
		CannotPayDeposit,
		/// The caller co-signed this request already.
		AlreadyCosigned,
		/// No co-signatures of this request, or they have not lapsed yet.
		NothingToClear,
		/// The identity's record would be larger than `MaxRecordSize`.
		RecordTooLarge,
		/// An Admin or Store grant under a k-of-n threshold or a contract: those are asked for
		/// by one account, outside any contract, so the grant could never be used.
		NeedsCosigners,
		/// A member was removed in this block: consent given now could hold the removed
		/// member's and would not count. Co-sign from the next block.
		MemberJustRemoved,
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

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Propose a shared identity of `members`, each with its policy. The caller must be one
		/// of them and counts as having approved. With one member it is active at once.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::create(members.len() as u32).saturating_add(T::DbWeight::get().reads_writes(1, 1)))]
		pub fn create(origin: OriginFor<T>, members: MembersOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!members.is_empty(), Error::<T>::NoMembers);
			for (i, (account, policy)) in members.iter().enumerate() {
				ensure!(!members[..i].iter().any(|(a, _)| a == account), Error::<T>::DuplicateMember);
				Self::validate_policy(policy)?;
			}
			ensure!(members.iter().any(|(a, _)| *a == who), Error::<T>::NotMember);
			let identity = Self::address_of(members.iter().map(|(a, _)| a));
			ensure!(!Identities::<T>::contains_key(identity), Error::<T>::AlreadyExists);
			// The same members make the same address: consent left there by an identity dissolved
			// before (within its lifetime, its deposits not yet back) is not consent to this one.
			let now = frame_system::Pallet::<T>::block_number();
			if CosignedRequests::<T>::iter_prefix(identity).next().is_some() {
				MemberRemoved::<T>::insert(identity, now);
			}

			let members: Vec<Member<T::AccountId, BlockNumberFor<T>>> = members
				.into_iter()
				.map(|(account, policy)| {
					let approved = account == who;
					Member { account, policy, pending: None, approved }
				})
				.collect();
			let active = members.len() == 1;
			let mut record = Identity {
				members: BoundedVec::truncate_from(members),
				active,
				created: now,
				depositor: who.clone(),
				deposit: Zero::zero(),
			};
			Self::settle_deposit(&mut record, &who, true)?;
			Identities::<T>::insert(identity, record);
			Self::deposit_event(Event::Proposed { identity, proposer: who.clone() });
			Self::deposit_event(Event::Approved { identity, who });
			if active {
				Self::deposit_event(Event::Created { identity });
			}
			Ok(())
		}

		/// Consent to a proposed identity the caller is a member of, naming the proposal read
		/// ([`Pallet::proposal_hash`]: its members and policies).
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::approve(T::MaxMembers::get()))]
		pub fn approve(origin: OriginFor<T>, identity: H256, proposal: H256) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Identities::<T>::try_mutate(identity, |record| -> DispatchResult {
				let record = record.as_mut().ok_or(Error::<T>::UnknownIdentity)?;
				ensure!(!record.active, Error::<T>::AlreadyActive);
				ensure!(Self::proposal_hash(record) == proposal, Error::<T>::ProposalChanged);
				let member = record.members.iter_mut().find(|m| m.account == who).ok_or(Error::<T>::NotMember)?;
				ensure!(!member.approved, Error::<T>::AlreadyApproved);
				member.approved = true;
				Self::deposit_event(Event::Approved { identity, who: who.clone() });
				if record.members.iter().all(|m| m.approved) {
					record.active = true;
					Self::deposit_event(Event::Created { identity });
				}
				Ok(())
			})
		}

		/// Replace `member`'s policy (T_access). Needs `Admin`; in force from the next block.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_policy(T::MaxMembers::get()))]
		pub fn set_policy(origin: OriginFor<T>, identity: H256, member: T::AccountId, policy: PolicyOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::validate_policy(&policy)?;
			let now = frame_system::Pallet::<T>::block_number();
			Identities::<T>::try_mutate(identity, |record| -> DispatchResult {
				let record = record.as_mut().ok_or(Error::<T>::UnknownIdentity)?;
				Self::ensure_admin(record, &who, now)?;
				let before = record.encoded_size();
				let entry = record.members.iter_mut().find(|m| m.account == member).ok_or(Error::<T>::UnknownMember)?;
				// A pending policy already in force becomes the current one first.
				if let Some((from, pending)) = entry.pending.take() {
					if from <= now {
						entry.policy = pending;
					}
				}
				let effective_from = now.saturating_add(1u32.into());
				entry.pending = Some((effective_from, policy));
				let grows = record.encoded_size() > before;
				Self::settle_deposit(record, &who, grows)?;
				Self::deposit_event(Event::PolicyChanged { identity, member, effective_from });
				Ok(())
			})
		}

		/// Remove `member` from the identity (its address stays). Needs `Admin`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::remove_member(T::MaxMembers::get()).saturating_add(T::DbWeight::get().writes(1)))]
		pub fn remove_member(origin: OriginFor<T>, identity: H256, member: T::AccountId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let now = frame_system::Pallet::<T>::block_number();
			Identities::<T>::try_mutate(identity, |record| -> DispatchResult {
				let record = record.as_mut().ok_or(Error::<T>::UnknownIdentity)?;
				Self::ensure_admin(record, &who, now)?;
				let index = record.members.iter().position(|m| m.account == member).ok_or(Error::<T>::UnknownMember)?;
				ensure!(record.members.len() > 1, Error::<T>::LastMember);
				record.members.remove(index);
				Self::settle_deposit(record, &who, false)?;
				MemberRemoved::<T>::insert(identity, now);
				Self::deposit_event(Event::MemberRemoved { identity, member });
				Ok(())
			})
		}

		/// Delete the identity. Needs `Admin` once active; while it is only proposed, any
		/// member may withdraw the proposal.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::dissolve(T::MaxMembers::get()).saturating_add(T::DbWeight::get().writes(1)))]
		pub fn dissolve(origin: OriginFor<T>, identity: H256) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let record = Identities::<T>::get(identity).ok_or(Error::<T>::UnknownIdentity)?;
			if record.active {
				Self::ensure_admin(&record, &who, frame_system::Pallet::<T>::block_number())?;
			} else {
				ensure!(record.members.iter().any(|m| m.account == who), Error::<T>::NotMember);
			}
			Identities::<T>::remove(identity);
			MemberRemoved::<T>::remove(identity);
			Self::release(&record.depositor, record.deposit);
			Self::deposit_event(Event::Dissolved { identity });
			Ok(())
		}

		/// Consent, as a member of the active `identity`, to `request` (a hash the calling
		/// pallet defines for it, e.g. `SecretCompute`'s task request): k-of-n grants count the
		/// co-signers for `CosignLifetime` blocks. Holds a deposit until the entry is cleared.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::cosign(T::MaxMembers::get()).saturating_add(T::DbWeight::get().reads(1)))]
		pub fn cosign(origin: OriginFor<T>, identity: H256, request: H256) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let record = Identities::<T>::get(identity).ok_or(Error::<T>::UnknownIdentity)?;
			ensure!(record.active, Error::<T>::NotActive);
			ensure!(record.members.iter().any(|m| m.account == who), Error::<T>::NotMember);
			let now = frame_system::Pallet::<T>::block_number();
			// Consent begun in a removal's block would be void (`counts`): refused, not taken.
			ensure!(MemberRemoved::<T>::get(identity) != Some(now), Error::<T>::MemberJustRemoved);
			let expires = now.saturating_add(T::CosignLifetime::get());
			let deposit = Self::deposit_for(64);
			let expires = CosignedRequests::<T>::try_mutate(identity, request, |entry| -> Result<BlockNumberFor<T>, DispatchError> {
				// Lapsed, used or voided consent is not renewed by a new signature: it starts
				// afresh.
				if let Some(old) = entry.take_if(|e| !Self::counts(&identity, e, now)) {
					for (signer, deposit) in old.signers {
						Self::release(&signer, deposit);
					}
				}
				// The entry lapses with its first signature: a later co-signer does not extend
				// consent given earlier.
				let entry = entry.get_or_insert_with(|| Cosigns { signers: BoundedVec::new(), expires });
				ensure!(!entry.signers.iter().any(|(a, _)| *a == who), Error::<T>::AlreadyCosigned);
				T::Currency::hold(&HoldReason::StateDeposit.into(), &who, deposit).map_err(|_| Error::<T>::CannotPayDeposit)?;
				entry.signers.try_push((who.clone(), deposit)).map_err(|_| Error::<T>::AlreadyCosigned)?;
				Ok(entry.expires)
			})?;
			Self::deposit_event(Event::Cosigned { identity, request, who, expires });
			Ok(())
		}

		/// Clear the co-signatures of a request once they have lapsed or a member was removed
		/// after they began (anyone); before that, a
		/// co-signer withdraws its own only (one that cleared everyone's at once could undo
		/// the others' consent to every request it co-signed). Deposits go back to the signers.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::clear_cosigns(T::MaxMembers::get()).saturating_add(T::DbWeight::get().reads(1)))]
		pub fn clear_cosigns(origin: OriginFor<T>, identity: H256, request: H256) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut entry = CosignedRequests::<T>::get(identity, request).ok_or(Error::<T>::NothingToClear)?;
			if Self::counts(&identity, &entry, frame_system::Pallet::<T>::block_number()) {
				let at = entry.signers.iter().position(|(a, _)| *a == who).ok_or(Error::<T>::NothingToClear)?;
				let (_, deposit) = entry.signers.remove(at);
				Self::release(&who, deposit);
				if entry.signers.is_empty() {
					CosignedRequests::<T>::remove(identity, request);
				} else {
					CosignedRequests::<T>::insert(identity, request, entry);
				}
				Self::deposit_event(Event::CosignWithdrawn { identity, request, who });
				return Ok(());
			}
			CosignedRequests::<T>::remove(identity, request);
			for (signer, deposit) in entry.signers {
				Self::release(&signer, deposit);
			}
			Self::deposit_event(Event::CosignsCleared { identity, request });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// Whether co-signatures still count at `now`: not lapsed, and begun after the identity
		/// last lost a member. (An entry begins `CosignLifetime` blocks before it lapses; one
		/// begun in the removal's block may predate it in that block, so it is void too.)
		pub(crate) fn counts(identity: &H256, entry: &CosignsOf<T>, now: BlockNumberFor<T>) -> bool {
			let begun = entry.expires.saturating_sub(T::CosignLifetime::get());
			now < entry.expires && MemberRemoved::<T>::get(identity).map_or(true, |removed| begun > removed)
		}

		/// What members approve: `blake2_256` of the members and their policies as proposed.
		pub fn proposal_hash(record: &IdentityOf<T>) -> H256 {
			let proposal: Vec<(&T::AccountId, &PolicyOf<T>)> = record.members.iter().map(|m| (&m.account, &m.policy)).collect();
			H256(sp_io::hashing::blake2_256(&(b"enigma/identity-proposal/v1", proposal).encode()))
		}

		/// `StateDepositBase + StateDepositPerByte × bytes`.
		pub fn deposit_for(bytes: usize) -> BalanceOf<T> {
			T::DepositBase::get().saturating_add(T::DepositPerByte::get().saturating_mul((bytes as u32).into()))
		}

		/// The record's deposit, for its current size. A change that grows the record, or that
		/// removes its depositor, moves the whole deposit to `who`, the account that made it, the
		/// previous depositor's going back; any other change releases what the record no longer
		/// needs to its depositor. Only growth fails for want of funds: a removal the caller
		/// cannot fund leaves the deposit where it is (a revocation must always go through).
		/// (Held from the proposer for good, a proposer with no free balance kept the admins
		/// from changing any policy, its own included, an admin could grow the record on a
		/// removed proposer's funds, and a removed member's funds stayed held.) A record
		/// that grows must stay within `MaxRecordSize`; one that shrinks may (a record over the
		/// cap, made before it, can still lose a member).
		fn settle_deposit(record: &mut IdentityOf<T>, who: &T::AccountId, grows: bool) -> DispatchResult {
			let size = record.encoded_size();
			ensure!(!grows || size <= T::MaxRecordSize::get() as usize, Error::<T>::RecordTooLarge);
			let wanted = Self::deposit_for(size);
			let reason: T::RuntimeHoldReason = HoldReason::StateDeposit.into();
			let depositor_left = !record.members.iter().any(|m| m.account == record.depositor);
			if record.depositor == *who || !(grows || depositor_left) {
				let depositor = record.depositor.clone();
				if wanted > record.deposit && grows {
					T::Currency::hold(&reason, &depositor, wanted - record.deposit).map_err(|_| Error::<T>::CannotPayDeposit)?;
				} else if wanted > record.deposit {
					// (Deposit prices raised since: a change that does not grow the record
					// keeps what is held.)
					return Ok(());
				} else {
					Self::release(&depositor, record.deposit - wanted);
				}
			} else {
				match T::Currency::hold(&reason, who, wanted) {
					Ok(_) => {
						Self::release(&record.depositor, record.deposit);
						record.depositor = who.clone();
					},
					Err(_) if grows => return Err(Error::<T>::CannotPayDeposit.into()),
					// A removal the caller cannot fund still goes through: the deposit stays
					// where it is, less what the smaller record no longer needs.
					Err(_) if wanted < record.deposit => Self::release(&record.depositor, record.deposit - wanted),
					Err(_) => return Ok(()),
				}
			}
			record.deposit = wanted;
			Ok(())
		}

		fn release(who: &T::AccountId, amount: BalanceOf<T>) {
			if !amount.is_zero() {
				let _ = T::Currency::release(&HoldReason::StateDeposit.into(), who, amount, Precision::BestEffort);
			}
		}

		/// `blake2_256(SCALE(pk_1) ‖ … ‖ SCALE(pk_n))`, members in the order given.
		pub fn address_of<'a>(members: impl Iterator<Item = &'a T::AccountId>) -> H256 {
			let mut bytes = Vec::new();
			for m in members {
				m.encode_to(&mut bytes);
			}
			H256(sp_io::hashing::blake2_256(&bytes))
		}

		fn validate_policy(policy: &PolicyOf<T>) -> DispatchResult {
			for grant in policy.iter() {
				ensure!(!grant.permissions.is_empty(), Error::<T>::EmptyGrant);
				predicate::validate(&grant.predicate).map_err(Error::<T>::from)?;
				// Admin and Store are asked for without co-signers or a contract (a policy change,
				// a data pointer): under a k-of-n threshold or a contract such a grant never
				// passes, and an identity whose admins all had one could never be changed again.
				let unasked = |node: &predicate::Node<T::AccountId, BlockNumberFor<T>>| {
					matches!(node, predicate::Node::Threshold { k, .. } if *k > 1) || matches!(node, predicate::Node::Contracts(_))
				};
				let acts_alone = grant.permissions.iter().any(|p| matches!(p, Permission::Admin | Permission::Store));
				ensure!(!acts_alone || !grant.predicate.iter().any(unasked), Error::<T>::NeedsCosigners);
			}
			Ok(())
		}

		fn ensure_admin(record: &IdentityOf<T>, who: &T::AccountId, now: BlockNumberFor<T>) -> DispatchResult {
			ensure!(record.active, Error::<T>::NotActive);
			ensure!(record.members.iter().any(|m| m.account == *who), Error::<T>::NotMember);
			ensure!(Self::allowed(record, who, Permission::Admin, &[], None, now), Error::<T>::NoPermission);
			Ok(())
		}

		fn allowed(
			record: &IdentityOf<T>,
			who: &T::AccountId,
			permission: Permission,
			signers: &[T::AccountId],
			contract: Option<H256>,
			now: BlockNumberFor<T>,
		) -> bool {
			let Some(member) = record.members.iter().find(|m| m.account == *who) else { return false };
			let request = Request { who, signers, contract, now, is_member: true };
			record.active && predicate::grants(member.policy_at(now), permission, &request)
		}

		/// The permission check (Alg. 2) at the current block.
		pub fn check_permission(
			who: &T::AccountId,
			identity: &H256,
			permission: Permission,
			signers: &[T::AccountId],
			contract: Option<H256>,
		) -> bool {
			Identities::<T>::get(identity).map_or(false, |record| {
				Self::allowed(&record, who, permission, signers, contract, frame_system::Pallet::<T>::block_number())
			})
		}

		/// The identity as clients see it.
		pub fn identity(identity: &H256) -> Option<runtime_api::IdentityView<T::AccountId>> {
			Identities::<T>::get(identity).map(|record| runtime_api::IdentityView {
				members: record.members.iter().map(|m| (m.account.clone(), m.approved)).collect(),
				active: record.active,
				proposal: Self::proposal_hash(&record),
			})
		}
	}

	impl<T: Config> PermissionCheck<T::AccountId, BlockNumberFor<T>> for Pallet<T> {
		fn check(who: &T::AccountId, identity: &H256, permission: Permission, signers: &[T::AccountId], contract: Option<H256>) -> bool {
			Self::check_permission(who, identity, permission, signers, contract)
		}

		fn is_active(identity: &H256) -> bool {
			Identities::<T>::get(identity).map_or(false, |r| r.active)
		}

		fn cosigners(identity: &H256, request: &H256) -> Vec<T::AccountId> {
			let now = frame_system::Pallet::<T>::block_number();
			CosignedRequests::<T>::get(identity, request)
				.filter(|entry| Self::counts(identity, entry, now))
				.map(|entry| entry.signers.into_iter().map(|(a, _)| a).collect())
				.unwrap_or_default()
		}

		fn check_weight() -> Weight {
			let bytes = T::MaxRecordSize::get() as u64 + CosignsOf::<T>::max_encoded_len() as u64;
			// (Reference time is in picoseconds.)
			// (The record, the co-signatures, the last removal.)
			Weight::from_parts(CHECK_PICOS_PER_BYTE.saturating_mul(bytes), bytes).saturating_add(T::DbWeight::get().reads(3))
		}

		fn use_cosigns(identity: &H256, request: &H256) {
			let now = frame_system::Pallet::<T>::block_number();
			CosignedRequests::<T>::mutate(identity, request, |entry| {
				if let Some(entry) = entry {
					entry.expires = entry.expires.min(now);
				}
			});
		}
	}
}
