//! Proactive resharing on chain (whitepaper 5.4 and 7.1): a secret's owner hands it to another
//! committee, whose members end up with a fresh sharing of the same value without anyone
//! reconstructing it (the math is `enigma_mpc::reshare`). The chain is the broadcast channel the
//! protocol needs and the referee that fixes who combines what:
//!
//! 1. `hand_over_secrets`: an account with Store and Declassify on the secret's identity names the
//!    new committee ([`Event::HandoverRequested`]). Declassify, because whoever picks the new
//!    committee can pick one it controls and so learn the value: handing over is declassifying
//!    to that committee, and the chain records it as such.
//! 2. `deal_handovers`: each old member re-shares its own share to the new members off chain and
//!    posts the hash of its dealing's commitments, so every new member checks the same ones.
//! 3. The first t + 1 dealings nobody refused form the set Q every new member combines
//!    ([`Event::HandoverDealt`], with the set's round). A new member whose share from a dealer in
//!    Q is off that dealing's commitments refuses it (`refuse_handover`): Q is formed again
//!    without it, from the dealings that came after, in the next round. A refusal proves nothing,
//!    so it slashes nobody; a new member that refuses every dealing, or never takes, stalls the
//!    handover until its requester cancels it (the secret stays where it was). A dealing that is
//!    false on its face (not t' + 1 points, or its constant commitment not the old sharing's at
//!    the dealer's point), or a share the dealer signed that is off its dealing, is proven
//!    instead (`prove_false_dealing`): the chain checks it against the secret's registered
//!    commitment and the dealing's posted hash itself (`enigma_primitives::pedersen`), slashes
//!    the dealer (burned), and forms the set again without it.
//! 4. `take_handovers`: each new member combines Q's dealings and posts the commitment to its new
//!    sharing for Q's round (C'_0 is the old C_0, the higher terms are new); a sharing of an
//!    earlier round is refused, so a late one cannot split the members. Once every new member
//!    posted the same one, the secret moves ([`Event::SecretHandedOver`]): its record names the
//!    new committee and commitment, the old members drop their shares and are free of the secret
//!    (a member that unbonds gets its stake back only then), the new ones are bound to it.
//!
//! **Rotation.** A committee with a member that is leaving (unbonding), deactivated or gone can
//! be rotated by anyone (`rotate_committee`, typically the leaving member's worker, which gets
//! its stake back only once it holds no share): the chain requests a committee of the same size,
//! drawn later from randomness nobody knows yet ([`Event::CommitteeRotating`]), and once it is
//! drawn anyone may hand the old committee's secrets to it (`hand_over_rotated`), paying their
//! deposits, without the owners' permission: the destination is as random as the owners' own
//! choice of a drawn committee was. A committee is rotated once, to the committee drawn for it:
//! were a second draw possible, whoever rotates could draw until a committee it controls came up
//! (the committee drawn cannot be dissolved while the committee rotated exists, and a rotation is
//! requested again only if its draw failed). Only while a member of the old committee is not
//! active do its secrets move this way (a deactivated member that stakes again makes it whole),
//! and only to a committee whose members all serve: a committee drawn that loses a member, before
//! the secrets reach it or after, is not followed by another draw, since its members would choose
//! when to draw again by leaving (the owners hand over themselves then).
//!
//! Only secrets a client dealt for an honest majority can be handed over: they carry Pedersen
//! commitments to check the dealings against. (A task's new secrets have none yet, and a
//! dishonest-majority sharing needs every member, so a member that died loses it anyway.)

use super::*;
use enigma_primitives::pedersen::FalseDealing;

/// Secrets per `hand_over_secrets`, `deal_handovers` or `take_handovers`: at the largest
/// committees, a batch's worst-case weight stays within a block's normal share.
pub const HANDOVER_BATCH: u32 = 128;

/// Bytes of a sharing's or a dealing's commitments at most: a point per coefficient of a sharing
/// among the largest committees allows (48 bytes each, far more than t + 1 ever needs).
pub const PROOF_BYTES: u32 = 48 * 32;

/// Elements of one share of a handover dealing at most: a resharable secret is an integer's
/// bits (at most 128; no MAC, which only dishonest-majority sharings carry) or a field element,
/// then the blind.
pub const SHARE_ELEMENTS: u32 = 128 + 1;

/// Bytes of one share of a dealing at most (32 per element).
pub const SHARE_BYTES: u32 = 32 * SHARE_ELEMENTS;

/// Why a new member holds an old member's handover dealing false, in terms the chain checks.
#[derive(Encode, Decode, DecodeWithMemTracking, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo)]
#[scale_info(skip_type_params(S))]
pub enum DealingProof<S: Get<u32>> {
	/// The dealing itself is false (not t' + 1 points of the group, or another value than the
	/// dealer's share): the old sharing's commitments and share hashes (which hash to the
	/// secret's registered commitment) and the dealing (which hashes to what the dealer posted).
	Dealing { old_commitments: BoundedVec<u8, ConstU32<PROOF_BYTES>>, old_share_hashes: BoundedVec<H256, S>, dealing: BoundedVec<u8, ConstU32<PROOF_BYTES>> },
	/// The share the dealer signed for the caller (`enigma_primitives::handover_share_digest`)
	/// is off the dealing it posted.
	Share { dealing: BoundedVec<u8, ConstU32<PROOF_BYTES>>, share: BoundedVec<u8, ConstU32<SHARE_BYTES>>, signature: [u8; 64] },
}


/// A secret on its way to another committee.
#[derive(Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen)]
#[scale_info(skip_type_params(T))]
pub struct Handover<T: Config> {
	pub to: CommitteeId,
	/// Who asked for it, and the deposit held for this record and the secret's record on the new
	/// committee (it becomes the secret's depositor once the handover completes).
	pub requester: T::AccountId,
	pub deposit: BalanceOf<T>,
	/// Old members' dealings, by their position in the old committee, with the hash of each
	/// dealing's commitments, in the order the chain took them.
	pub dealt: BoundedVec<(u32, H256), T::MaxCommitteeSize>,
	/// Dealers (old positions) a new member refused.
	pub refused: BoundedVec<u32, T::MaxCommitteeSize>,
	/// New members that combined the current set, with the commitment to the sharing they hold.
	pub taken: BoundedVec<(T::AccountId, H256), T::MaxCommitteeSize>,
	/// How many times the set was formed again after a refusal: takes and refusals name it.
	pub round: u32,
}

/// Where a committee's secrets go when it is rotated, and who asked (and holds the new
/// committee's deposit).
#[derive(Encode, Decode, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound, TypeInfo, MaxEncodedLen)]
#[scale_info(skip_type_params(T))]
pub struct Rotation<T: Config> {
	pub to: CommitteeId,
	pub requester: T::AccountId,
}

impl<T: Config> Handover<T> {
	/// The dealers every new member combines (old positions, in the chain's order): the first
	/// `old_degree + 1` dealings not refused, once there are that many.
	pub fn dealers(&self, old_degree: usize) -> Option<Vec<u32>> {
		let usable: Vec<u32> = self.dealt.iter().map(|(p, _)| *p).filter(|p| !self.refused.contains(p)).take(old_degree + 1).collect();
		(usable.len() > old_degree).then_some(usable)
	}
}

/// The degree of an honest-majority sharing among `members`: t = ⌊(n − 1)/2⌋.
pub fn honest_degree(members: usize) -> usize {
	members.saturating_sub(1) / 2
}

impl<T: Config> Pallet<T> {
	/// The secret `secret` of `identity`, as `who` asks to hand it to `to` (of `new_members`):
	/// checks, then the handover record (its deposit held from `who`).
	pub(crate) fn request_handover(who: &T::AccountId, identity: H256, secret: H256, to: CommitteeId, new_members: usize) -> Result<BalanceOf<T>, DispatchError> {
		let info = Secrets::<T>::get(secret).ok_or(Error::<T>::UnknownSecret)?;
		// (The caller checked `who`'s Store permission on `identity`.)
		ensure!(info.owner == identity, Error::<T>::NoPermission);
		ensure!(info.ready, Error::<T>::SecretNotReady);
		ensure!(info.origin.is_none() && !DishonestSecrets::<T>::contains_key(secret), Error::<T>::NotResharable);
		ensure!(info.committee != to, Error::<T>::SameCommittee);
		ensure!(!Handovers::<T>::contains_key(secret), Error::<T>::HandoverPending);
		// This record, and the secret's record on the new committee (all its members'
		// acknowledgements): the larger of the two secret records' deposits is kept once it moves.
		let record = info.encoded_size().saturating_sub(32 * info.acks.len()) + 32 * new_members;
		let deposit = Self::deposit_for(Handover::<T>::max_encoded_len() + record);
		T::Currency::hold(&HoldReason::StateDeposit.into(), who, deposit).map_err(|_| Error::<T>::CannotPayDeposit)?;
		let handover = Handover::<T> {
			to,
			requester: who.clone(),
			deposit,
			dealt: BoundedVec::new(),
			refused: BoundedVec::new(),
			taken: BoundedVec::new(),
			round: 0,
		};
		Handovers::<T>::insert(secret, handover);
		Self::deposit_event(Event::HandoverRequested { secret, from: info.committee, to });
		Ok(deposit)
	}

	/// Rotates committee `from` for `who`: a committee that may hold secrets for an honest
	/// majority, with a member that no longer serves, and no rotation yet (or one whose draw
	/// failed); the committee it goes to is requested from the workers' registry.
	pub(crate) fn request_rotation(who: &T::AccountId, from: CommitteeId) -> DispatchResult {
		let members = T::Workers::committee(from).ok_or(Error::<T>::UnknownCommittee)?;
		ensure!(members.len() as u32 >= T::Workers::honest_majority_size(), Error::<T>::CommitteeTooSmallForHonestMajority);
		ensure!(!members.iter().all(T::Workers::is_active), Error::<T>::CommitteeServing);
		// Nor while its tasks run: moving their inputs would fail them (a member leaving with
		// tasks to finish is not active; its worker rotates once it unbonds, idle).
		ensure!(!T::Workers::runs_tasks(from), Error::<T>::CommitteeRunsTasks);
		// Nor a committee drawn for a rotation, even once the secrets reached it: a member of it
		// that leaves would have the secrets drawn a new committee, and another, until one its
		// colluders control came up (the owners hand their secrets over themselves).
		ensure!(!RotatedTo::<T>::contains_key(from), Error::<T>::DrawnForRotation);
		if let Some(earlier) = Rotations::<T>::get(from) {
			// The committee drawn cannot be dissolved while `from` exists: gone, its draw failed.
			ensure!(!T::Workers::committee_exists(earlier.to), Error::<T>::AlreadyRotated);
			RotatedTo::<T>::remove(earlier.to);
		}
		let to = T::Workers::request_committee(who, members.len() as u32)?;
		Rotations::<T>::insert(from, Rotation { to, requester: who.clone() });
		RotatedTo::<T>::insert(to, from);
		Self::deposit_event(Event::CommitteeRotating { from, to, requester: who.clone() });
		Ok(())
	}

	/// Hands those of `secrets` that committee `from` holds, ready and resharable and not on their
	/// way already, to the committee drawn for its rotation, for `who` (who holds the deposits
	/// until they move); how many it took. Only while a member of `from` is not active and no
	/// task runs on `from` (a task submitted after the rotation was drawn, its inactive member
	/// not leaving, would fail with its inputs moved), and only to a committee whose members are
	/// all registered and none leaving.
	pub(crate) fn hand_over_rotated_secrets(who: &T::AccountId, from: CommitteeId, secrets: &[H256]) -> Result<u32, DispatchError> {
		let to = Rotations::<T>::get(from).ok_or(Error::<T>::NotRotated)?.to;
		let old = T::Workers::committee(from).ok_or(Error::<T>::UnknownCommittee)?;
		ensure!(!old.iter().all(T::Workers::is_active), Error::<T>::CommitteeServing);
		ensure!(!T::Workers::runs_tasks(from), Error::<T>::CommitteeRunsTasks);
		let new = T::Workers::committee(to).ok_or(Error::<T>::UnknownCommittee)?;
		ensure!(new.iter().all(|m| T::Workers::is_registered(m) && !T::Workers::is_leaving(m)), Error::<T>::CommitteeMemberLeaving);
		let mut count = 0;
		for secret in secrets {
			let Some(owner) = Secrets::<T>::get(secret).filter(|s| s.committee == from).map(|s| s.owner) else { continue };
			// A secret that cannot move (not ready, a task's, moving already) stays: the rest go.
			// (`request_handover` writes nothing unless it succeeds.)
			match Self::request_handover(who, owner, *secret, to, new.len()) {
				Ok(_) => count += 1,
				Err(e) if e == Error::<T>::CannotPayDeposit.into() => return Err(e),
				Err(_) => {},
			}
		}
		ensure!(count > 0, Error::<T>::NothingToRecord);
		Self::prepay_answers(who, Self::handover_fee(old.len() as u32, new.len() as u32, count))?;
		Ok(count)
	}

	/// The weight of `hand_over_rotated` for `batch` secrets: `hand_over_secrets`' (which
	/// counts two permission checks this call does not make), the rotation, and both
	/// committees' members' records.
	pub fn hand_over_rotated_weight(batch: u32) -> Weight {
		// (And whether the old committee runs tasks: a read.)
		Self::hand_over_weight(batch).saturating_add(T::DbWeight::get().reads(3 + 2 * T::MaxCommitteeSize::get() as u64))
	}

	/// Old member `who` dealt its share of `secret`; whether the chain took it (a member of the
	/// old committee that had not dealt yet).
	pub(crate) fn note_dealing(who: &T::AccountId, secret: H256, dealing: H256) -> bool {
		let (Some(info), Some(mut handover)) = (Secrets::<T>::get(secret), Handovers::<T>::get(secret)) else { return false };
		let Some(members) = T::Workers::committee(info.committee) else { return false };
		let Some(position) = members.iter().position(|m| m == who).map(|p| p as u32) else { return false };
		let t = honest_degree(members.len());
		if handover.dealt.iter().any(|(p, _)| *p == position) {
			return false;
		}
		let before = handover.dealers(t);
		if handover.dealt.try_push((position, dealing)).is_err() {
			return false;
		}
		if before.is_none() {
			if let Some(dealers) = handover.dealers(t) {
				Self::deposit_event(Event::HandoverDealt { secret, to: handover.to, round: handover.round, dealers });
			}
		}
		Handovers::<T>::insert(secret, handover);
		true
	}

	/// New member `who` refuses the dealing of old position `dealer` in the set of `round`.
	pub(crate) fn note_refusal(who: &T::AccountId, secret: H256, round: u32, dealer: u32) -> DispatchResult {
		let info = Secrets::<T>::get(secret).ok_or(Error::<T>::UnknownSecret)?;
		let mut handover = Handovers::<T>::get(secret).ok_or(Error::<T>::NoHandover)?;
		ensure!(handover.round == round, Error::<T>::StaleRound);
		let new_members = T::Workers::committee(handover.to).ok_or(Error::<T>::UnknownCommittee)?;
		ensure!(new_members.contains(who), Error::<T>::NotInCommittee);
		let t = honest_degree(T::Workers::committee(info.committee).ok_or(Error::<T>::UnknownCommittee)?.len());
		ensure!(handover.dealers(t).is_some_and(|q| q.contains(&dealer)), Error::<T>::NotADealer);
		handover.refused.try_push(dealer).map_err(|_| Error::<T>::NotADealer)?;
		// The new members that combined the set with that dealing combine the next one.
		handover.taken.clear();
		handover.round = handover.round.saturating_add(1);
		Self::deposit_event(Event::HandoverRefused { secret, dealer, by: who.clone() });
		if let Some(dealers) = handover.dealers(t) {
			Self::deposit_event(Event::HandoverDealt { secret, to: handover.to, round: handover.round, dealers });
		}
		Handovers::<T>::insert(secret, handover);
		Ok(())
	}

	/// New member `who` combined the set of `round` of `secret`'s dealings into a sharing
	/// committed by `commitment`; whether the chain took it, and if that moved the secret, how
	/// many members' counts changed (for the weight). Once every new member holds the same
	/// sharing, the secret moves. A member that withdrew or is leaving takes nothing: the secret
	/// would bind its stake (or none).
	pub(crate) fn note_taken(who: &T::AccountId, secret: H256, round: u32, commitment: H256) -> Option<u32> {
		let (Some(mut info), Some(mut handover)) = (Secrets::<T>::get(secret), Handovers::<T>::get(secret)) else { return None };
		let (Some(old), Some(new)) = (T::Workers::committee(info.committee), T::Workers::committee(handover.to)) else { return None };
		if !new.contains(who) || handover.round != round || handover.dealers(honest_degree(old.len())).is_none() || handover.taken.iter().any(|(m, _)| m == who) {
			return None;
		}
		if !T::Workers::is_registered(who) || T::Workers::is_leaving(who) {
			return None;
		}
		if handover.taken.try_push((who.clone(), commitment)).is_err() {
			return None;
		}
		let agreed = new.iter().all(|m| handover.taken.iter().any(|(taker, c)| taker == m && *c == commitment));
		if !agreed {
			Handovers::<T>::insert(secret, handover);
			return Some(0);
		}
		let moved = (info.acks.len() + new.len()) as u32;
		// Every new member holds its share of one sharing: the old ones are free of the secret.
		Handovers::<T>::remove(secret);
		Self::uncount(&info);
		let from = info.committee;
		let Ok(acks) = BoundedVec::try_from(new.clone()) else { return Some(0) };
		if new.len() <= info.acks.len() {
			// The record is no larger: its depositor's deposit still covers it, and the depositor
			// stays liable for it (a rejected input's deposit pays its members). The requester's
			// deposit comes back whole.
			Self::release_deposit(&handover.requester, handover.deposit);
		} else {
			// The requester's deposit now stands for the record (and what this one held comes back).
			Self::release_deposit(&info.depositor, info.deposit);
			let record = Self::deposit_for(info.encoded_size().saturating_sub(32 * info.acks.len()) + 32 * new.len());
			Self::release_deposit(&handover.requester, handover.deposit.saturating_sub(record));
			info.depositor = handover.requester;
			info.deposit = record.min(handover.deposit);
		}
		info.committee = handover.to;
		info.commitment = commitment;
		info.acks = acks;
		info.ready = true;
		T::Workers::note_shares(&new, 1, true);
		T::Workers::note_committee_secrets(handover.to, 1, true);
		Secrets::<T>::insert(secret, info);
		Self::deposit_event(Event::SecretHandedOver { secret, from, to: handover.to, commitment });
		Some(moved)
	}

	/// The handover of `secret` ends without moving it (cancelled, or the secret went): its
	/// deposit comes back to its requester.
	pub(crate) fn drop_handover(secret: H256) -> bool {
		let Some(handover) = Handovers::<T>::take(secret) else { return false };
		Self::release_deposit(&handover.requester, handover.deposit);
		Self::deposit_event(Event::HandoverCancelled { secret });
		true
	}

	/// The handovers waiting for `worker` to deal or to take: a scan of the pending handovers
	/// (few and short-lived), for the runtime API only.
	pub fn handovers_of(worker: &T::AccountId) -> Vec<crate::runtime_api::HandoverView> {
		let mut committees = alloc::collections::BTreeMap::<CommitteeId, Vec<T::AccountId>>::new();
		let mut members = |id: CommitteeId| committees.entry(id).or_insert_with(|| T::Workers::committee(id).unwrap_or_default()).clone();
		Handovers::<T>::iter()
			.filter_map(|(secret, handover)| {
				let from = Secrets::<T>::get(secret)?.committee;
				let (old, new) = (members(from), members(handover.to));
				let position = old.iter().position(|m| m == worker).map(|p| p as u32);
				let dealers = handover.dealers(honest_degree(old.len()));
				let to_deal = position.is_some_and(|p| !handover.dealt.iter().any(|(d, _)| *d == p));
				let to_take = dealers.is_some() && new.contains(worker) && !handover.taken.iter().any(|(m, _)| m == worker);
				(to_deal || to_take).then(|| crate::runtime_api::HandoverView { secret, from, to: handover.to, round: handover.round, dealers, to_deal, to_take })
			})
			.collect()
	}

	/// New member `who` proves that old member `dealer`'s dealing of `secret` is false
	/// ([`DealingProof`]). The dealer is slashed, once per secret, its slash burned (were it paid
	/// to the prover, a dealer and a prover in collusion could turn the dealer's stake into free
	/// balance at once, out of reach of a later slash), and its dealing is no longer combined. A
	/// proof against a dealer slashed already fails before the curve arithmetic, and weighs
	/// only its reads.
	pub(crate) fn prove_false(who: &T::AccountId, secret: H256, dealer: u32, proof: &DealingProof<T::MaxCommitteeSize>) -> DispatchResultWithPostInfo {
		let cheap = |e: Error<T>| frame_support::dispatch::DispatchErrorWithPostInfo {
			post_info: frame_support::dispatch::PostDispatchInfo { actual_weight: Some(Self::prove_false_reads()), pays_fee: Pays::Yes },
			error: e.into(),
		};
		let info = Secrets::<T>::get(secret).ok_or_else(|| cheap(Error::<T>::UnknownSecret))?;
		let mut handover = Handovers::<T>::get(secret).ok_or_else(|| cheap(Error::<T>::NoHandover))?;
		let new = T::Workers::committee(handover.to).ok_or_else(|| cheap(Error::<T>::UnknownCommittee))?;
		let member = new.iter().position(|m| m == who).ok_or_else(|| cheap(Error::<T>::NotInCommittee))? as u32;
		let old_members = T::Workers::committee(info.committee).ok_or_else(|| cheap(Error::<T>::UnknownCommittee))?;
		let offender = old_members.get(dealer as usize).cloned().ok_or_else(|| cheap(Error::<T>::NotADealer))?;
		ensure!(offender != *who, cheap(Error::<T>::NotADealer));
		ensure!(!T::Workers::slashed(&secret, &offender), cheap(Error::<T>::AlreadyProven));
		let posted = handover.dealt.iter().find(|(p, _)| *p == dealer).map(|(_, h)| *h).ok_or_else(|| cheap(Error::<T>::NotADealer))?;
		let t = honest_degree(old_members.len());
		let fault = match proof {
			DealingProof::Dealing { old_commitments, old_share_hashes, dealing } => {
				ensure!(H256(enigma_primitives::dealing_hash(dealing)) == posted, Error::<T>::NotThePostedDealing);
				// A sharing among the old members has t + 1 commitments (this bounds the work).
				ensure!(old_commitments.len() == (t + 1) * enigma_primitives::pedersen::POINT_BYTES, Error::<T>::NotTheSecretsCommitments);
				let hashes: Vec<[u8; 32]> = old_share_hashes.iter().map(|h| h.0).collect();
				ensure!(H256(enigma_primitives::sharing_commitment(old_commitments, &hashes)) == info.commitment, Error::<T>::NotTheSecretsCommitments);
				enigma_primitives::pedersen::false_dealing(old_commitments, dealing, u64::from(dealer) + 1, honest_degree(new.len())).ok_or(Error::<T>::DealingHolds)?
			},
			DealingProof::Share { dealing, share, signature } => {
				ensure!(H256(enigma_primitives::dealing_hash(dealing)) == posted, Error::<T>::NotThePostedDealing);
				let digest = enigma_primitives::handover_share_digest(&secret.0, handover.to, member, dealer, &posted.0, share);
				let key = T::Workers::peer_id(&offender).and_then(|peer| enigma_primitives::ed25519_of_peer_id(&peer)).ok_or(Error::<T>::NotADealer)?;
				let signed = sp_io::crypto::ed25519_verify(&sp_core::ed25519::Signature::from_raw(*signature), &digest, &sp_core::ed25519::Public::from_raw(key));
				ensure!(signed, Error::<T>::NotSignedByTheDealer);
				ensure!(enigma_primitives::pedersen::share_off_dealing(dealing, u64::from(member) + 1, share) == Some(true), Error::<T>::DealingHolds);
				FalseDealing::ShareOffDealing
			},
		};
		T::Workers::slash(&secret, core::slice::from_ref(&offender), Offence::Misbehaviour, &[]);
		Self::deposit_event(Event::DealingProvenFalse { secret, dealer, fault, by: who.clone() });
		if !handover.refused.contains(&dealer) {
			let in_set = handover.dealers(t).is_some_and(|q| q.contains(&dealer));
			handover.refused.try_push(dealer).map_err(|_| Error::<T>::NotADealer)?;
			if in_set {
				// The new members that combined the set with that dealing combine the next one.
				handover.taken.clear();
				handover.round = handover.round.saturating_add(1);
				if let Some(dealers) = handover.dealers(t) {
					Self::deposit_event(Event::HandoverDealt { secret, to: handover.to, round: handover.round, dealers });
				}
			}
			Handovers::<T>::insert(secret, handover);
		}
		let elements = match proof {
			DealingProof::Dealing { .. } => 0,
			DealingProof::Share { share, .. } => (share.len() / enigma_primitives::pedersen::ELEMENT_BYTES) as u32,
		};
		Ok(frame_support::dispatch::PostDispatchInfo { actual_weight: Some(Self::prove_false_weight_for(elements)), pays_fee: Pays::No })
	}

	/// What `prove_false_dealing` reads before its checks: the secret, its handover, both
	/// committees, the dealer's slashing record.
	fn prove_false_reads() -> Weight {
		T::DbWeight::get().reads(5).saturating_add(Self::base_weight())
	}

	/// The weight of `prove_false_dealing` at its worst (a share of the widest vector), before
	/// the refund of [`Self::prove_false_weight_for`].
	pub fn prove_false_weight() -> Weight {
		Self::prove_false_weight_for(SHARE_ELEMENTS)
	}

	/// The weight of a `prove_false_dealing` whose share has `elements` elements (0 for a proof
	/// of the dealing alone): the records (the secret, its handover, both committees, the
	/// dealer's peer id), the slash (the dealer's record, hold and slashing record, the active
	/// list if it is deactivated, the total issuance), the handover written, and the check. The
	/// check is measured natively (`cargo test --release -p enigma-primitives --features
	/// pedersen -- --ignored`) and counted 28 times over for the runtime's wasm, which has no
	/// 128-bit multiply: a dealing at the largest committees (32 points decompressed and checked,
	/// one MSM) in 2.5 ms, 70 ms counted; a share in 23.3 ms at 259 elements (a generator hashed
	/// to the curve per element, two MSMs), 2.6 ms counted per element.
	pub fn prove_false_weight_for(elements: u32) -> Weight {
		const DEALING_PS: u64 = 70_000_000_000;
		const SHARE_ELEMENT_PS: u64 = 2_600_000_000;
		let check = Weight::from_parts(DEALING_PS.max(SHARE_ELEMENT_PS.saturating_mul(elements as u64)), 3 * PROOF_BYTES as u64 + SHARE_BYTES as u64);
		T::DbWeight::get().reads_writes(11, 7).saturating_add(check).saturating_add(Self::base_weight())
	}

	/// The weight of `hand_over_secrets` for `batch` secrets: the permission checks and the new
	/// committee's members' records (whether one is leaving) once; per secret its record,
	/// security, handover and old committee read, the deposit held and the handover written; the
	/// answers prepaid.
	pub fn hand_over_weight(batch: u32) -> Weight {
		let per = T::DbWeight::get().reads_writes(8, 4);
		per.saturating_mul(batch as u64)
			.saturating_add(T::Identity::check_weight().saturating_mul(2))
			.saturating_add(T::DbWeight::get().reads_writes(4 + T::MaxCommitteeSize::get() as u64, 2))
			.saturating_add(Self::base_weight())
	}

	/// The weight of `deal_handovers` for `batch` dealings: per dealing the secret's record, its
	/// handover and the old committee read, the handover written.
	pub fn deal_weight(batch: u32) -> Weight {
		T::DbWeight::get().reads_writes(3, 1).saturating_mul(batch as u64).saturating_add(Self::base_weight())
	}

	/// The weight of `take_handovers` (or `refuse_handover`) for `batch` secrets: per secret its
	/// record, its handover and both committees read, and at the worst its move: every old and
	/// new member's count (at the largest committees) and both committees' counts read and
	/// written, the record written, two deposits released.
	pub fn handover_step_weight(batch: u32) -> Weight {
		Self::take_weight(core::iter::repeat_n(Some(2 * T::MaxCommitteeSize::get()), batch as usize))
	}

	/// What `take_handovers` weighed: per entry the reads, and per entry that moved its secret
	/// the counts of its `members` (old and new) written with the rest of the move.
	pub(crate) fn take_weight(entries: impl Iterator<Item = Option<u32>>) -> Weight {
		let db = T::DbWeight::get();
		entries
			.map(|moved| match moved {
				Some(members) if members > 0 => db.reads_writes(6 + members as u64 + 2 + 4, 2 + members as u64 + 2 + 4),
				_ => db.reads_writes(6, 1),
			})
			.fold(Self::base_weight(), |sum, w| sum.saturating_add(w))
	}

	/// What a handover's old and new members' answers cost at the worst (each deals or takes on
	/// its own, and one refusal per old member): prepaid by the requester, as acknowledgements are.
	pub fn handover_fee(old: u32, new: u32, batch: u32) -> BalanceOf<T> {
		let each = Self::handover_step_weight(1).saturating_add(Self::base_weight());
		T::WeightToFee::weight_to_fee(&each.saturating_mul((2 * old + new) as u64 * batch as u64))
	}
}
