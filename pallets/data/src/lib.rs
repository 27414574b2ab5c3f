//! # Data registry (whitepaper 5.7 DHT, 6.2.2 Algorithm 3, 7.3 storage fees)
//!
//! Data is encrypted by the client and put into the DHT; the chain keeps only a pointer to it:
//! `pointer = blake2_256(addr_P ‖ ciphertext)`, which any DHT node can recompute from the record
//! it holds, with the owning identity, the ciphertext's size, a read predicate `q_read` and the
//! block its storage is paid until.
//!
//! * [`Pallet::store`] (T_data) needs the Store permission on the owning identity and holds
//!   the rent for the chosen number of periods from the caller's balance: size × the
//!   governance price `RentPerByteBlock` × blocks. The rate is fixed when the data is stored.
//! * Reads ([`Pallet::can_read`], Alg. 3's load) need the identity's Read permission, the read
//!   predicate, and paid-up storage: once the paid-until block passes, reads are refused
//!   (`Restricted`). With `auto_renew` one more period is taken from the payer's free balance
//!   while it lasts; otherwise after `GracePeriod` the pointer is deleted (`Expired`) and DHT
//!   nodes drop the record.
//! * Rent is consumed block by block: whenever an entry is settled (renewal, lapse, removal)
//!   the held rent of the elapsed blocks is burned, and removal returns the unused rest.
//!   Paying it to storage workers instead comes with the worker registry.
//! * Lapses are found by a schedule of blocks to look at, swept in `on_idle` within the weight
//!   the block has left, so no block is overweighted by expiries.
//! * Rent pays for the ciphertext in the DHT; the pointer's own state (with a read predicate of
//!   up to a few KB) holds a deposit, `DepositBase + DepositPerByte × its encoded size`, from
//!   whoever wrote it last ([`Pallet::store`], [`Pallet::set_read_predicate`],
//!   [`Pallet::restrict_read`]), released when the
//!   pointer goes (removed or expired). Without it, a 4 KB predicate cost one byte of rent.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub mod runtime_api;
pub mod weights;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

use codec::{Decode, Encode, MaxEncodedLen};
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{Inspect, InspectHold, Mutate, MutateHold},
		tokens::{Fortitude, Precision},
	},
};
use pallet_shared_identity::{
	predicate::{self, Node, Permission, Predicate, PredicateError, Request},
	PermissionCheck,
};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::{
	traits::{CheckedMul, Saturating, Zero},
	Debug,
};
pub use weights::WeightInfo;

pub type BalanceOf<T> = <<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// What the chain knows about one stored ciphertext.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo, MaxEncodedLen)]
pub struct Entry<AccountId, BlockNumber, Balance> {
	/// The shared identity that owns the data.
	pub owner: H256,
	/// The account whose held balance pays the rent.
	pub payer: AccountId,
	/// Ciphertext bytes.
	pub size: u32,
	/// Who may read, besides the identity's own Read permission.
	pub read_predicate: Predicate<AccountId, BlockNumber>,
	/// Rent per block, fixed when stored.
	pub rate: Balance,
	/// Rent is settled (burned from the hold) up to this block.
	pub settled_until: BlockNumber,
	/// Storage is paid until this block (exclusive): reads are refused from here on.
	pub paid_until: BlockNumber,
	pub auto_renew: bool,
	/// The rent ran out and could not be renewed: deleted at `paid_until + GracePeriod`.
	pub restricted: bool,
}

/// Tries to find a schedule slot this many blocks after the wanted one (and as many after the
/// current block, when those are full: [`Pallet::schedule_or_soon`]).
const SCHEDULE_SEARCH: u32 = 64;

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
		/// The balance rent is held and burned from.
		type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason> + Mutate<Self::AccountId>;
		type RuntimeHoldReason: From<HoldReason>;
		/// The permission check of the owning identities.
		type Identity: PermissionCheck<Self::AccountId, BlockNumberFor<Self>>;
		/// Rent per byte per block (a governance parameter).
		type RentPerByteBlock: Get<BalanceOf<Self>>;
		/// Deposit of a pointer's state record, and per byte of it (governance parameters).
		type DepositBase: Get<BalanceOf<Self>>;
		type DepositPerByte: Get<BalanceOf<Self>>;
		/// Blocks a lapsed entry is kept (restricted) before it is deleted (a governance parameter).
		type GracePeriod: Get<BlockNumberFor<Self>>;
		/// Blocks in one rent period.
		#[pallet::constant]
		type RentPeriod: Get<BlockNumberFor<Self>>;
		/// Largest ciphertext a pointer may describe, in bytes.
		#[pallet::constant]
		type MaxDataSize: Get<u32>;
		/// Entries the sweep may have to look at in one block.
		#[pallet::constant]
		type MaxExpiriesPerBlock: Get<u32>;
		type WeightInfo: WeightInfo;
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// Sets up what the benchmarks need from other pallets.
	#[cfg(feature = "runtime-benchmarks")]
	pub trait BenchmarkHelper<AccountId> {
		/// An active identity in which `who` has every permission.
		fn identity_of(who: &AccountId) -> H256;
	}

	#[pallet::composite_enum]
	pub enum HoldReason {
		/// Storage rent paid ahead.
		StorageRent,
		/// A pointer's state record.
		StateDeposit,
	}

	pub type EntryOf<T> = Entry<<T as frame_system::Config>::AccountId, BlockNumberFor<T>, BalanceOf<T>>;
	pub type PredicateOf<T> = Predicate<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;

	/// Data pointers.
	#[pallet::storage]
	pub type Entries<T: Config> = StorageMap<_, Identity, H256, EntryOf<T>>;

	/// Who holds the deposit of a pointer's record, and how much. (Kept beside the entries so
	/// that entries stored before deposits decode as they are: they have none.)
	#[pallet::storage]
	pub type Deposits<T: Config> = StorageMap<_, Identity, H256, (T::AccountId, BalanceOf<T>)>;

	/// Entries to look at in a given block: when their rent lapses, when their grace ends.
	#[pallet::storage]
	pub type Schedule<T: Config> =
		StorageMap<_, Twox64Concat, BlockNumberFor<T>, BoundedVec<H256, T::MaxExpiriesPerBlock>, ValueQuery>;

	/// The block of each pointer's one pending look: a pointer removed or renewed leaves no
	/// stale look behind (a store and a remove in one block took a slot for fees alone, and
	/// 4,096 of them filled the window a victim's auto-renewal needed), and a look that is not
	/// the pending one is passed over.
	#[pallet::storage]
	pub type Looks<T: Config> = StorageMap<_, Identity, H256, BlockNumberFor<T>>;

	/// The next block whose schedule the sweep has not processed.
	#[pallet::storage]
	pub type SweepCursor<T: Config> = StorageValue<_, BlockNumberFor<T>, OptionQuery>;

	/// Looks that could be placed neither in the blocks they were due nor in those after the
	/// current one, in the order they came ([`Pallet::schedule_or_queue`]): the sweep takes them
	/// after the scheduled blocks, so whoever fills the schedule delays looks but loses none
	/// (each is a live entry's, which holds a deposit).
	#[pallet::storage]
	pub type Overdue<T: Config> = StorageMap<_, Twox64Concat, u64, H256>;

	/// The place in [`Overdue`] of each pointer's queued look (its one pending look, instead of
	/// a block in `Looks`): an older place of the same pointer is passed over.
	#[pallet::storage]
	pub type Queued<T: Config> = StorageMap<_, Identity, H256, u64>;

	/// The overdue queue's first index and its next free one.
	#[pallet::storage]
	pub type OverdueRange<T: Config> = StorageValue<_, (u64, u64), ValueQuery>;

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A pointer was stored (T_data).
		Stored { pointer: H256, owner: H256, size: u32, paid_until: BlockNumberFor<T> },
		/// Storage was paid further, by the payer or automatically.
		Renewed { pointer: H256, paid_until: BlockNumberFor<T>, automatic: bool },
		/// The read predicate changed.
		ReadPredicateChanged { pointer: H256 },
		/// The owner removed the pointer: DHT nodes drop the record.
		Removed { pointer: H256 },
		/// The rent ran out: reads are refused until it is renewed.
		Restricted { pointer: H256, delete_at: BlockNumberFor<T> },
		/// The grace period ended: the pointer is deleted and DHT nodes drop the record.
		Expired { pointer: H256 },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The caller lacks the Store permission on the owning identity.
		NoPermission,
		/// The pointer is registered already.
		PointerExists,
		/// No such pointer.
		UnknownPointer,
		/// Size must be between 1 and `MaxDataSize` bytes.
		InvalidSize,
		/// At least one rent period must be paid.
		ZeroPeriods,
		/// The rent does not fit in a balance.
		RentOverflow,
		/// The caller's free balance cannot cover the rent.
		CannotPayRent,
		/// The caller's free balance cannot cover the record's deposit.
		CannotPayDeposit,
		/// Only the account that pays the rent renews it.
		NotPayer,
		/// Too many entries lapse around that block; try another number of periods.
		ScheduleFull,
		/// A lapsed entry's renewal pays from its lapse: these periods do not reach past now.
		TooFewPeriods,
		/// The read predicate is not one well-formed formula.
		MalformedPredicate,
		/// The read predicate nests too deep.
		PredicateTooDeep,
		/// A threshold in the read predicate needs 1 <= k <= number of keys, each key listed once.
		InvalidThreshold,
		/// The narrowed read predicate would be more than 16 nodes: replace it whole with
		/// `set_read_predicate` (or store the data again for fewer readers).
		PredicateTooLarge,
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
		fn on_idle(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::sweep(now, remaining)
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Register `pointer` to `size` bytes of ciphertext owned by `owner`, readable under
		/// `read_predicate`, with `periods` rent periods held from the caller's balance.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::store().saturating_add(Pallet::<T>::deposit_weight()).saturating_add(T::Identity::check_weight()).saturating_add(Pallet::<T>::schedule_weight()))]
		pub fn store(
			origin: OriginFor<T>,
			owner: H256,
			pointer: H256,
			size: u32,
			read_predicate: PredicateOf<T>,
			periods: u32,
			auto_renew: bool,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(T::Identity::check(&who, &owner, Permission::Store, &[], None), Error::<T>::NoPermission);
			ensure!(!Entries::<T>::contains_key(pointer), Error::<T>::PointerExists);
			ensure!(size > 0 && size <= T::MaxDataSize::get(), Error::<T>::InvalidSize);
			ensure!(periods > 0, Error::<T>::ZeroPeriods);
			predicate::validate(&read_predicate).map_err(Error::<T>::from)?;

			let rate = T::RentPerByteBlock::get().checked_mul(&size.into()).ok_or(Error::<T>::RentOverflow)?;
			let now = frame_system::Pallet::<T>::block_number();
			let blocks = Self::period_blocks(periods)?;
			Self::hold_rent(&who, rate, blocks)?;
			let paid_until = now.saturating_add(blocks);
			Self::schedule_or_soon(paid_until, now, pointer).map_err(|_| Error::<T>::ScheduleFull)?;
			let entry = Entry { owner, payer: who.clone(), size, read_predicate, rate, settled_until: now, paid_until, auto_renew, restricted: false };
			Self::hold_deposit(pointer, &who, &entry)?;
			Entries::<T>::insert(pointer, entry);
			Self::deposit_event(Event::Stored { pointer, owner, size, paid_until });
			Ok(())
		}

		/// Pay `periods` more rent periods, from where the paid time ends: a lapsed entry pays the
		/// blocks since it lapsed too (its data was kept all that time), and needs periods that
		/// reach past now. Only the payer.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::renew().saturating_add(T::Identity::check_weight()).saturating_add(Pallet::<T>::schedule_weight()))]
		pub fn renew(origin: OriginFor<T>, pointer: H256, periods: u32) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(periods > 0, Error::<T>::ZeroPeriods);
			let mut entry = Entries::<T>::get(pointer).ok_or(Error::<T>::UnknownPointer)?;
			ensure!(entry.payer == who, Error::<T>::NotPayer);
			ensure!(T::Identity::check(&who, &entry.owner, Permission::Store, &[], None), Error::<T>::NoPermission);
			let now = frame_system::Pallet::<T>::block_number();
			Self::settle(&mut entry, now);
			let blocks = Self::period_blocks(periods)?;
			Self::hold_rent(&who, entry.rate, blocks)?;
			// (Paid from now, a lapsed entry skipped the rent of its grace blocks: renewed just
			// before each deletion, data was kept for a fraction of its rent.)
			let paid_until = entry.paid_until.saturating_add(blocks);
			ensure!(paid_until > now, Error::<T>::TooFewPeriods);
			entry.paid_until = paid_until;
			entry.restricted = false;
			// (Queued if the schedule is full: whoever fills it cannot keep a payer from renewing.)
			Self::schedule_or_queue(entry.paid_until, now, pointer);
			let paid_until = entry.paid_until;
			Entries::<T>::insert(pointer, entry);
			Self::deposit_event(Event::Renewed { pointer, paid_until, automatic: false });
			Ok(())
		}

		/// Replace who may read (needs Store on the owning identity); in force at once.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_read_predicate().saturating_add(Pallet::<T>::deposit_weight()).saturating_add(T::Identity::check_weight()))]
		pub fn set_read_predicate(origin: OriginFor<T>, pointer: H256, read_predicate: PredicateOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			predicate::validate(&read_predicate).map_err(Error::<T>::from)?;
			Self::change_read_predicate(&who, pointer, |_| Ok(read_predicate))
		}

		/// Narrow who may read (needs Store on the owning identity): the read predicate becomes
		/// `And(current, narrowing)`, in force at once. `[Not, AnyOf([reader])]` revokes a reader.
		/// Unlike replacing the predicate, this cannot undo a narrowing made meanwhile: two holders
		/// of Store who each read the predicate and then set it without one reader each would
		/// let the first one's reader back in (as long as every writer narrows). Each revocation
		/// adds three nodes and a level of nesting: past 16 nodes (`PredicateTooLarge`) or eight
		/// levels (`PredicateTooDeep`) the predicate must be replaced whole. (Its weight is
		/// `set_read_predicate`'s: the same entry read and written and deposit moved, and at most
		/// 16 + 17 nodes validated, microseconds more.)
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::set_read_predicate().saturating_add(Pallet::<T>::deposit_weight()).saturating_add(T::Identity::check_weight()))]
		pub fn restrict_read(origin: OriginFor<T>, pointer: H256, narrowing: PredicateOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			predicate::validate(&narrowing).map_err(Error::<T>::from)?;
			Self::change_read_predicate(&who, pointer, |current| {
				let nodes: alloc::vec::Vec<_> = core::iter::once(Node::And).chain(current.iter().cloned()).chain(narrowing).collect();
				let nodes: PredicateOf<T> = nodes.try_into().map_err(|_| Error::<T>::PredicateTooLarge)?;
				predicate::validate(&nodes).map_err(Error::<T>::from)?;
				Ok(nodes)
			})
		}

		/// Delete the pointer (needs Store on the owning identity; once the identity is dissolved,
		/// its rent payer may); unused rent goes back. (A payer that lost Store on a live
		/// identity stops paying: auto-renewal stops, and the entry lapses.)
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::remove().saturating_add(Pallet::<T>::deposit_weight()).saturating_add(T::Identity::check_weight()).saturating_add(Pallet::<T>::schedule_weight()))]
		pub fn remove(origin: OriginFor<T>, pointer: H256) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut entry = Entries::<T>::get(pointer).ok_or(Error::<T>::UnknownPointer)?;
			let orphaned = entry.payer == who && !T::Identity::is_active(&entry.owner);
			ensure!(orphaned || T::Identity::check(&who, &entry.owner, Permission::Store, &[], None), Error::<T>::NoPermission);
			Self::settle(&mut entry, frame_system::Pallet::<T>::block_number());
			Self::release_all(&entry);
			Self::release_deposit(pointer);
			Self::unschedule(pointer);
			Entries::<T>::remove(pointer);
			Self::deposit_event(Event::Removed { pointer });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		fn period_blocks(periods: u32) -> Result<BlockNumberFor<T>, Error<T>> {
			T::RentPeriod::get().checked_mul(&periods.into()).ok_or(Error::<T>::RentOverflow)
		}

		fn hold_rent(who: &T::AccountId, rate: BalanceOf<T>, blocks: BlockNumberFor<T>) -> DispatchResult {
			let blocks: u32 = blocks.try_into().map_err(|_| Error::<T>::RentOverflow)?;
			let amount = rate.checked_mul(&blocks.into()).ok_or(Error::<T>::RentOverflow)?;
			T::Currency::hold(&HoldReason::StorageRent.into(), who, amount).map_err(|_| Error::<T>::CannotPayRent)?;
			Ok(())
		}

		/// Burn the held rent of the blocks elapsed (up to `paid_until`) since the last settlement.
		fn settle(entry: &mut EntryOf<T>, now: BlockNumberFor<T>) {
			let until = if now < entry.paid_until { now } else { entry.paid_until };
			if until <= entry.settled_until {
				return;
			}
			let blocks: u32 = until.saturating_sub(entry.settled_until).try_into().unwrap_or(u32::MAX);
			let due = entry.rate.saturating_mul(blocks.into());
			let _ = T::Currency::burn_held(&HoldReason::StorageRent.into(), &entry.payer, due, Precision::BestEffort, Fortitude::Force);
			entry.settled_until = until;
		}

		/// Return the rent still held for an entry (after settling it).
		fn release_all(entry: &EntryOf<T>) {
			let blocks: u32 = entry.paid_until.saturating_sub(entry.settled_until).try_into().unwrap_or(u32::MAX);
			let unused = entry.rate.saturating_mul(blocks.into());
			let held = T::Currency::balance_on_hold(&HoldReason::StorageRent.into(), &entry.payer);
			let amount = if unused < held { unused } else { held };
			if !amount.is_zero() {
				let _ = T::Currency::release(&HoldReason::StorageRent.into(), &entry.payer, amount, Precision::BestEffort);
			}
		}

		/// Sets `pointer`'s read predicate to what `change` makes of the current one, for `who`
		/// holding Store on its identity; the writer then holds the record's deposit.
		fn change_read_predicate(who: &T::AccountId, pointer: H256, change: impl FnOnce(&PredicateOf<T>) -> Result<PredicateOf<T>, DispatchError>) -> DispatchResult {
			Entries::<T>::try_mutate(pointer, |entry| -> DispatchResult {
				let entry = entry.as_mut().ok_or(Error::<T>::UnknownPointer)?;
				ensure!(T::Identity::check(who, &entry.owner, Permission::Store, &[], None), Error::<T>::NoPermission);
				entry.read_predicate = change(&entry.read_predicate)?;
				// The record's size changed: its writer now holds the deposit for it.
				Self::release_deposit(pointer);
				Self::hold_deposit(pointer, who, entry)
			})?;
			Self::deposit_event(Event::ReadPredicateChanged { pointer });
			Ok(())
		}

		/// Holding or releasing a record's deposit, beyond the measured weights (until
		/// `scripts/benchmark-weights.sh` measures it with the rest): its `Deposits` entry, the
		/// account and its holds, and the old holder's when it changes hands.
		pub fn deposit_weight() -> Weight {
			T::DbWeight::get().reads_writes(5, 5)
		}

		/// `DepositBase + DepositPerByte × entry's encoded size`, held from `who` for `pointer`.
		fn hold_deposit(pointer: H256, who: &T::AccountId, entry: &EntryOf<T>) -> DispatchResult {
			let bytes = entry.encoded_size() as u32;
			let deposit = T::DepositBase::get().saturating_add(T::DepositPerByte::get().saturating_mul(bytes.into()));
			T::Currency::hold(&HoldReason::StateDeposit.into(), who, deposit).map_err(|_| Error::<T>::CannotPayDeposit)?;
			Deposits::<T>::insert(pointer, (who.clone(), deposit));
			Ok(())
		}

		fn release_deposit(pointer: H256) {
			if let Some((who, deposit)) = Deposits::<T>::take(pointer) {
				let _ = T::Currency::release(&HoldReason::StateDeposit.into(), &who, deposit, Precision::BestEffort);
			}
		}

		/// Look at `pointer` at block `at`, or the first later block with room, instead of its
		/// pending look.
		fn schedule(at: BlockNumberFor<T>, pointer: H256) -> Result<(), ()> {
			Self::unschedule(pointer);
			let mut block = at;
			for _ in 0..SCHEDULE_SEARCH {
				// (A full block is only read: `try_mutate` writes nothing when it fails.)
				if Schedule::<T>::try_mutate(block, |list| list.try_push(pointer)).is_ok() {
					Looks::<T>::insert(pointer, block);
					return Ok(());
				}
				block = block.saturating_add(1u32.into());
			}
			Err(())
		}

		/// [`Self::schedule`] at `at`, or else in the blocks right after `now`: an early look
		/// costs nothing ([`Self::process`] schedules the next one), so whoever fills the blocks
		/// around one entry's lapse must fill those after the current block too, and keep them
		/// full, to keep that entry from its look.
		fn schedule_or_soon(at: BlockNumberFor<T>, now: BlockNumberFor<T>, pointer: H256) -> Result<(), ()> {
			Self::schedule(at, pointer).or_else(|()| Self::schedule(now.saturating_add(1u32.into()), pointer))
		}

		/// Drops `pointer`'s pending look (a queued one stays in the queue, passed over).
		fn unschedule(pointer: H256) {
			if let Some(block) = Looks::<T>::take(pointer) {
				Schedule::<T>::mutate(block, |list| list.retain(|p| *p != pointer));
			}
			Queued::<T>::remove(pointer);
		}

		/// [`Self::schedule_or_soon`], or else the overdue queue: the sweep's looks are never
		/// dropped (one dropped left its entry with no renewal and no expiry, or, with a grace
		/// period other than the rent period, deleted a renewable entry).
		fn schedule_or_queue(at: BlockNumberFor<T>, now: BlockNumberFor<T>, pointer: H256) {
			if Self::schedule_or_soon(at, now, pointer).is_err() {
				let (first, next) = OverdueRange::<T>::get();
				Overdue::<T>::insert(next, pointer);
				Queued::<T>::insert(pointer, next);
				OverdueRange::<T>::put((first, next.saturating_add(1)));
			}
		}

		/// What scheduling a look costs beyond the measured weights, at its worst: both searches
		/// over full blocks, the pending look dropped and the new one written (or queued).
		pub fn schedule_weight() -> Weight {
			T::DbWeight::get().reads_writes(2 * SCHEDULE_SEARCH as u64 + 3, 8)
		}

		/// One look at its worst ([`Self::sweep_block_weight`]'s share), taken from the overdue
		/// queue (the item, its place, the range; the pending look written).
		pub fn overdue_look_weight() -> Weight {
			Self::sweep_block_weight()
				.saturating_div(T::MaxExpiriesPerBlock::get().max(1) as u64)
				.saturating_add(T::DbWeight::get().reads_writes(3, 3))
		}

		/// What the sweep sets aside for one scheduled block: its looks at their worst.
		pub fn sweep_block_weight() -> Weight {
			T::WeightInfo::sweep_block(T::MaxExpiriesPerBlock::get()).saturating_add(
				Self::deposit_weight()
					.saturating_add(T::Identity::check_weight())
					// (A renewal that cannot hold the rent schedules its look, drops it, and
					// schedules the deletion's.)
					.saturating_add(Self::schedule_weight().saturating_mul(2))
					.saturating_mul(T::MaxExpiriesPerBlock::get() as u64),
			)
		}

		/// Process scheduled blocks up to `now`, then the looks overdue before this sweep, while
		/// weight remains.
		pub(crate) fn sweep(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
			let per_block = Self::sweep_block_weight();
			let mut used = T::DbWeight::get().reads_writes(2, 1);
			// (Looks queued by this sweep wait for the next: one still without room would be
			// queued again, and again.)
			let (mut first, queued) = OverdueRange::<T>::get();
			let mut cursor = SweepCursor::<T>::get().unwrap_or(now);
			while cursor <= now && remaining.all_gte(used.saturating_add(per_block)) {
				for pointer in Schedule::<T>::take(cursor) {
					Self::process(pointer, cursor);
				}
				used = used.saturating_add(per_block);
				cursor = cursor.saturating_add(1u32.into());
			}
			SweepCursor::<T>::put(cursor);
			if cursor <= now {
				return used;
			}
			let per_look = Self::overdue_look_weight();
			let start = first;
			while first < queued && remaining.all_gte(used.saturating_add(per_look)) {
				// A look superseded since (the entry renewed, removed, or queued again) is passed over.
				if let Some(pointer) = Overdue::<T>::take(first).filter(|p| Queued::<T>::get(p) == Some(first)) {
					Queued::<T>::remove(pointer);
					Looks::<T>::insert(pointer, now);
					Self::process(pointer, now);
				}
				used = used.saturating_add(per_look);
				first += 1;
			}
			if first != start {
				OverdueRange::<T>::mutate(|range| range.0 = first);
			}
			used
		}

		/// A scheduled look at `pointer` in block `at`.
		fn process(pointer: H256, at: BlockNumberFor<T>) {
			// Only the pointer's pending look counts (its block's list was taken already).
			if Looks::<T>::get(pointer).is_some_and(|pending| pending != at) {
				return;
			}
			Looks::<T>::remove(pointer);
			let Some(mut entry) = Entries::<T>::get(pointer) else { return };
			let next = at.saturating_add(1u32.into());
			if entry.paid_until > at {
				// Early (the blocks around its lapse were full): the look at its lapse, or soon.
				Self::schedule_or_queue(entry.paid_until, next, pointer);
				return;
			}
			Self::settle(&mut entry, at);
			if !entry.restricted {
				// Renewed for a payer that may still store for the owner: one removed from the
				// identity (or whose identity was dissolved) stops paying.
				let may_store = || T::Identity::check(&entry.payer, &entry.owner, Permission::Store, &[], None);
				// Renewed from where the paid time ends, past this block: a look the sweep could
				// not take in time (its blocks full, the queue long) renews the periods it missed,
				// as `renew` would, rather than restrict (or, later still, delete) the entry.
				let period = T::RentPeriod::get();
				let missed = at.saturating_sub(entry.paid_until) / period.max(1u32.into());
				let blocks = period.saturating_mul(missed.saturating_add(1u32.into()));
				let paid_until = entry.paid_until.saturating_add(blocks);
				if entry.auto_renew && may_store() {
					// The next look first: renewed without one, the entry would lapse unseen.
					Self::schedule_or_queue(paid_until, at, pointer);
					if Self::hold_rent(&entry.payer, entry.rate, blocks).is_ok() {
						entry.paid_until = paid_until;
						Entries::<T>::insert(pointer, entry);
						Self::deposit_event(Event::Renewed { pointer, paid_until, automatic: true });
						return;
					}
					Self::unschedule(pointer);
				}
				// Never at or before this block, which the sweep has passed (this look may run
				// later than `paid_until` when its block was full, and the grace be short).
				let delete_at = entry.paid_until.saturating_add(T::GracePeriod::get()).max(next);
				entry.restricted = true;
				Self::schedule_or_queue(delete_at, at, pointer);
				Entries::<T>::insert(pointer, entry);
				Self::deposit_event(Event::Restricted { pointer, delete_at });
			} else if at >= entry.paid_until.saturating_add(T::GracePeriod::get()) {
				Self::release_all(&entry);
				Self::release_deposit(pointer);
				Entries::<T>::remove(pointer);
				Self::deposit_event(Event::Expired { pointer });
			} else {
				// Early for its deletion: the look at the end of its grace, or soon.
				Self::schedule_or_queue(entry.paid_until.saturating_add(T::GracePeriod::get()), next, pointer);
			}
		}

		/// Alg. 3's load check: may `who` read the data behind `pointer` now?
		pub fn can_read(who: &T::AccountId, pointer: &H256, signers: &[T::AccountId], contract: Option<H256>) -> bool {
			let Some(entry) = Entries::<T>::get(pointer) else { return false };
			let now = frame_system::Pallet::<T>::block_number();
			if now >= entry.paid_until {
				return false;
			}
			let request = Request { who, signers, contract, now, is_member: true };
			T::Identity::check(who, &entry.owner, Permission::Read, signers, contract) &&
				predicate::evaluate(&entry.read_predicate, &request)
		}

		pub fn data_info(pointer: &H256) -> Option<runtime_api::DataInfo<T::AccountId, BlockNumberFor<T>, BalanceOf<T>>> {
			let now = frame_system::Pallet::<T>::block_number();
			Entries::<T>::get(pointer).map(|e| runtime_api::DataInfo {
				owner: e.owner,
				payer: e.payer,
				size: e.size,
				paid_until: e.paid_until,
				restricted: now >= e.paid_until,
				auto_renew: e.auto_renew,
				rate: e.rate,
			})
		}
	}
}
