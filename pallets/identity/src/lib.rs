//! # Shared identities (whitepaper 6.1, Algorithms 1 and 2)
//!
//! A shared identity is the whitepaper's (2n+1)-tuple: an address
//! `addr_P = blake2_256(SCALE(pk_1) ‖ … ‖ SCALE(pk_n))` over its members' account keys in the
//! order given at creation, and for each member a policy: the [`predicate::Grant`]s under which
//! that member may read, store, compute on, declassify or administer the identity's data.
//! With n = 1 it is an ordinary pseudonym.
//!
//! * [`Pallet::create`] proposes an identity; every other member consents with
//!   [`Pallet::approve`] (we chose per-member approval transactions over one transaction
//!   carrying everyone's signatures: each member's wallet signs a normal extrinsic). It is
//!   `Active` once all have approved (at once for a single member).
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
use frame_support::{pallet_prelude::*, BoundedVec};
use predicate::{Permission, Policy, PredicateError, Request};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::Saturating;
pub use weights::WeightInfo;

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
pub struct Identity<AccountId, BlockNumber, MaxMembers: Get<u32>> {
	pub members: BoundedVec<Member<AccountId, BlockNumber>, MaxMembers>,
	/// All members consented.
	pub active: bool,
	pub created: BlockNumber,
}

/// The permission check of Alg. 2, for other pallets.
pub trait PermissionCheck<AccountId, BlockNumber> {
	/// Whether `who` may do `permission` on identity `identity`'s data, given the other keys
	/// that signed the request and the secret contract it comes through.
	fn check(who: &AccountId, identity: &H256, permission: Permission, signers: &[AccountId], contract: Option<H256>) -> bool;
	/// Whether `identity` exists and is active.
	fn is_active(identity: &H256) -> bool;
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
		/// Members of one identity.
		#[pallet::constant]
		type MaxMembers: Get<u32>;
		type WeightInfo: WeightInfo;
	}

	pub type IdentityOf<T> = Identity<<T as frame_system::Config>::AccountId, BlockNumberFor<T>, <T as Config>::MaxMembers>;
	pub type PolicyOf<T> = Policy<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;
	pub type MembersOf<T> = BoundedVec<(<T as frame_system::Config>::AccountId, PolicyOf<T>), <T as Config>::MaxMembers>;

	/// Identities by address.
	#[pallet::storage]
	pub type Identities<T: Config> = StorageMap<_, Blake2_128Concat, H256, IdentityOf<T>>;

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
		/// A threshold predicate needs 1 <= k <= number of keys.
		InvalidThreshold,
		/// A grant lists no permission.
		EmptyGrant,
		/// The last member cannot be removed; dissolve the identity instead.
		LastMember,
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
		#[pallet::weight(T::WeightInfo::create(members.len() as u32))]
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

			let members: Vec<Member<T::AccountId, BlockNumberFor<T>>> = members
				.into_iter()
				.map(|(account, policy)| {
					let approved = account == who;
					Member { account, policy, pending: None, approved }
				})
				.collect();
			let active = members.len() == 1;
			let record = Identity {
				members: BoundedVec::truncate_from(members),
				active,
				created: frame_system::Pallet::<T>::block_number(),
			};
			Identities::<T>::insert(identity, record);
			Self::deposit_event(Event::Proposed { identity, proposer: who.clone() });
			Self::deposit_event(Event::Approved { identity, who });
			if active {
				Self::deposit_event(Event::Created { identity });
			}
			Ok(())
		}

		/// Consent to a proposed identity the caller is a member of.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::approve(T::MaxMembers::get()))]
		pub fn approve(origin: OriginFor<T>, identity: H256) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Identities::<T>::try_mutate(identity, |record| -> DispatchResult {
				let record = record.as_mut().ok_or(Error::<T>::UnknownIdentity)?;
				ensure!(!record.active, Error::<T>::AlreadyActive);
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
				let entry = record.members.iter_mut().find(|m| m.account == member).ok_or(Error::<T>::UnknownMember)?;
				// A pending policy already in force becomes the current one first.
				if let Some((from, pending)) = entry.pending.take() {
					if from <= now {
						entry.policy = pending;
					}
				}
				let effective_from = now.saturating_add(1u32.into());
				entry.pending = Some((effective_from, policy));
				Self::deposit_event(Event::PolicyChanged { identity, member, effective_from });
				Ok(())
			})
		}

		/// Remove `member` from the identity (its address stays). Needs `Admin`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::remove_member(T::MaxMembers::get()))]
		pub fn remove_member(origin: OriginFor<T>, identity: H256, member: T::AccountId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let now = frame_system::Pallet::<T>::block_number();
			Identities::<T>::try_mutate(identity, |record| -> DispatchResult {
				let record = record.as_mut().ok_or(Error::<T>::UnknownIdentity)?;
				Self::ensure_admin(record, &who, now)?;
				let index = record.members.iter().position(|m| m.account == member).ok_or(Error::<T>::UnknownMember)?;
				ensure!(record.members.len() > 1, Error::<T>::LastMember);
				record.members.remove(index);
				Self::deposit_event(Event::MemberRemoved { identity, member });
				Ok(())
			})
		}

		/// Delete the identity. Needs `Admin` once active; while it is only proposed, any
		/// member may withdraw the proposal.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::dissolve(T::MaxMembers::get()))]
		pub fn dissolve(origin: OriginFor<T>, identity: H256) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let record = Identities::<T>::get(identity).ok_or(Error::<T>::UnknownIdentity)?;
			if record.active {
				Self::ensure_admin(&record, &who, frame_system::Pallet::<T>::block_number())?;
			} else {
				ensure!(record.members.iter().any(|m| m.account == who), Error::<T>::NotMember);
			}
			Identities::<T>::remove(identity);
			Self::deposit_event(Event::Dissolved { identity });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
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
	}
}
