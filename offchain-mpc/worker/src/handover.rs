//! Proactive resharing, the worker's part (the chain's is `pallet_secret_compute::handover`, the
//! math `enigma_mpc::reshare`):
//!
//! - as an **old member**, on `HandoverRequested`: re-share its own share to the new committee
//!   (a fresh degree-t' dealing whose constant term is its share, committed with Pedersen), keep
//!   the dealing, post its commitments' hash (`deal_handovers`), and hand each new member its
//!   share on request, sealed from this worker's registered key to the member's;
//! - as a **new member**, on `HandoverDealt`: fetch the named dealers' dealings, check each
//!   against the old sharing's commitments (registered on chain by their hash) and the dealing's
//!   hash its dealer posted, refuse a bad one on chain (`refuse_handover`), else combine them
//!   with Lagrange coefficients into its share of the same value and post the new sharing's
//!   commitment (`take_handovers`);
//! - as a **leaving member** (unbonding), its stake bound while it holds shares: rotate each
//!   committee it holds client-dealt shares of (`rotate_committee`: the chain draws a committee
//!   for it) and, once that committee is drawn, hand the committee's secrets to it
//!   (`hand_over_rotated`), holding their deposits until they move ([`rotate_away`]);
//! - on `SecretHandedOver`, the share taken over replaces the old one, and an old member that is
//!   not in the new committee deletes its share: old and new shares lie on unrelated
//!   polynomials, so what t old members kept and t new ones hold says nothing of the value.

use crate::{
	store::{HandoverDealing, HeldShare},
	worker::{Misbehaviour, Worker},
};
use codec::{Decode, Encode};
use futures::StreamExt;
use enigma_chain::offchain::{share_bits, share_context, ValueKind};
use enigma_mpc::{
	field::{decode_all, to_bytes, Fr},
	reshare::{self, Received},
	vss::{self, Commitments, Share},
};
use enigma_protocol::{
	messages::{commitment, dealing_hash, handover_context, HandoverDealt, WorkerRequest, WorkerResponse},
	sealed,
};
use enigma_primitives::pedersen::FalseDealing;
use enigma_runtime::{Runtime, RuntimeCall};
use pallet_secret_compute::handover::DealingProof;

/// The runtime's largest committee, which bounds a proof's share hashes.
type MaxCommitteeSize = <Runtime as pallet_secret_compute::Config>::MaxCommitteeSize;
use pallet_secret_compute::{handover::HANDOVER_BATCH, runtime_api::SecretView};
use sp_core::{crypto::AccountId32, H256};
use std::{sync::Arc, time::Duration};

/// The degree of an honest-majority sharing among `n` members.
fn degree(n: usize) -> usize {
	n.saturating_sub(1) / 2
}

/// A held share's Pedersen-committed vector and blind: an integer's bits (its first element, the
/// value, is their weighted sum and not committed), or the field element.
fn committed_part(kind: ValueKind, elements: &[Fr]) -> Option<Share> {
	let (&blind, rest) = elements.split_last()?;
	let values = match share_bits(kind) {
		Some(bits) => rest.get(1..1 + bits as usize)?.to_vec(),
		None => rest.first().map(|v| vec![*v])?,
	};
	(values.len() + usize::from(share_bits(kind).is_some()) == rest.len()).then_some(Share { values, blind })
}

/// The elements a member holds for `share` of a value of `kind`: an integer's value (Σ 2^k·b_k)
/// before its bits, then the blind.
fn held_elements(kind: ValueKind, share: &Share) -> Vec<Fr> {
	let mut out = Vec::with_capacity(share.values.len() + 2);
	if share_bits(kind).is_some() {
		let two = Fr::from(2u64);
		let (mut value, mut weight) = (Fr::from(0u64), Fr::from(1u64));
		for bit in &share.values {
			value += weight * bit;
			weight *= two;
		}
		out.push(value);
	}
	out.extend(&share.values);
	out.push(share.blind);
	out
}

/// Deals this worker's shares of `secrets` to committee `to` and posts the dealings' hashes in
/// one transaction. A secret it holds no share of (or of another committee than `from`) is
/// passed over.
pub async fn deal(worker: Arc<Worker>, secrets: Vec<H256>, from: u32, to: u32) {
	let outcome = async {
		let new = worker.committee(to).await.map_err(|e| e.to_string())?.ok_or("the new committee is gone")?;
		let mut keys = Vec::with_capacity(new.len());
		for member in &new {
			keys.push(worker.chain.worker(member, None).await.map_err(|e| e.to_string())?.ok_or_else(|| format!("{member} is not a registered worker"))?.encryption_key);
		}
		// Each secret's registered commitment: a member deals only the share it registers.
		let mut views = Vec::with_capacity(secrets.len());
		for chunk in secrets.chunks(1024) {
			views.extend(worker.secrets(chunk).await.map_err(|e| e.to_string())?);
		}
		let mut posted = Vec::new();
		for (secret, view) in secrets.into_iter().zip(views) {
			let Some(view) = view else { continue };
			// Dealing is multi-scalar multiplications (on rayon's threads): off the async ones.
			match tokio::task::block_in_place(|| dealing_of(&worker, secret, from, to, view.commitment, &keys)) {
				Ok(Some(hash)) => posted.push((secret, hash)),
				Ok(None) => {},
				Err(e) => tracing::warn!(target: "worker", "handover of {secret:?}: cannot deal this member's share: {e}"),
			}
		}
		if posted.is_empty() {
			return Ok(0);
		}
		let count = posted.len();
		let calls = posted
			.chunks(HANDOVER_BATCH as usize)
			.map(|chunk| RuntimeCall::SecretCompute(pallet_secret_compute::Call::deal_handovers { dealings: chunk.to_vec().try_into().expect("a chunk fits a batch") }))
			.collect();
		for outcome in worker.submit_all(calls).await.map_err(|e| e.to_string())? {
			outcome.map_err(|e| e.to_string())?;
		}
		Ok::<_, String>(count)
	}
	.await;
	match outcome {
		Ok(0) => {},
		Ok(count) => tracing::info!(target: "worker", "dealt {count} share(s) to committee {to} (handover from committee {from})"),
		Err(e) => tracing::warn!(target: "worker", "handover from committee {from} to {to}: {e}"),
	}
}

/// How long a leaving worker waits for the committee drawn for a rotation (the draw is a few
/// blocks away), and how long it leaves the hand-over to the rotation's requester before it
/// hands over what is still there itself.
const ROTATION_DRAW_WAIT: Duration = Duration::from_secs(300);
const REQUESTER_HEAD_START: Duration = Duration::from_secs(30);

/// This worker is leaving (unbonding): its stake comes back only once it holds no share of a
/// live secret. Each committee it holds client-dealt shares of is rotated (once per committee,
/// to the committee the chain draws for it) and, once that committee is drawn, the secrets still
/// on the old committee are handed to it. (Secrets that cannot move, a task's or those shared for
/// a dishonest majority, stay until their owners remove them.) Runs once at a time.
pub async fn rotate_away(worker: Arc<Worker>) {
	use std::sync::atomic::Ordering;
	if worker.rotating.swap(true, Ordering::SeqCst) {
		return;
	}
	let mut held = std::collections::BTreeMap::<u32, Vec<H256>>::new();
	for secret in worker.store.acknowledged() {
		// Shares a client dealt for an honest majority: the others cannot move.
		let movable = |s: &HeldShare| !s.pedersen.is_empty() && !enigma_mpc::committed_input::dealt_for_dishonest_majority(&s.pedersen, s.share_hashes.len());
		if let Some(share) = worker.store.share(&secret).filter(movable) {
			held.entry(share.committee).or_default().push(secret);
		}
	}
	let rotations = held.into_iter().map(|(from, secrets)| {
		let worker = worker.clone();
		async move {
			match rotate_committee(&worker, from, secrets).await {
				Ok(0) => {},
				Ok(count) => tracing::info!(target: "worker", "leaving: {count} secret(s) of committee {from} handed to the committee drawn for it"),
				Err(e) => tracing::warn!(target: "worker", "leaving: rotating committee {from}: {e}"),
			}
		}
	});
	futures::future::join_all(rotations).await;
	worker.rotating.store(false, Ordering::SeqCst);
}

/// Once this leaving worker's unbonding period ends (block `until`), lets go of the shares it
/// acknowledged that no handover can move: of secrets that never became ready (a member never
/// acknowledged its own), and of ready ones a task made or an owner shared for a dishonest
/// majority. Counted against its stake they would keep it from withdrawing for as long as their
/// owners leave them. Whether or not it rotates its committees (which moves the rest).
pub async fn release_unmovable_once_unbonded(worker: Arc<Worker>, until: enigma_runtime::BlockNumber) {
	use std::sync::atomic::Ordering;
	if worker.releasing.swap(true, Ordering::SeqCst) {
		return;
	}
	loop {
		match worker.chain.best_number().await {
			Ok(best) if best >= until => break,
			Ok(_) => {},
			Err(e) => tracing::debug!(target: "worker", "leaving: reading the best block: {e}"),
		}
		tokio::time::sleep(std::time::Duration::from_secs(6)).await;
	}
	release_unmovable(&worker).await;
	worker.releasing.store(false, Ordering::SeqCst);
}

/// How this worker lets go of its share of a secret it acknowledged, if no handover can move it.
fn release_call(secret: H256, view: &SecretView<enigma_runtime::AccountId>) -> Option<RuntimeCall> {
	use pallet_secret_compute::Call;
	let stranded = view.origin.is_some() || view.security == pallet_secret_compute::Security::DishonestMajority;
	match view.ready {
		false => Some(RuntimeCall::SecretCompute(Call::release_unready_share { secret })),
		true if stranded => Some(RuntimeCall::SecretCompute(Call::release_stranded_share { secret })),
		true => None,
	}
}

/// Lets go of the shares no handover can move (see [`release_unmovable_once_unbonded`]).
async fn release_unmovable(worker: &Worker) {
	let me = worker.account();
	let held = worker.store.acknowledged();
	for chunk in held.chunks(1024) {
		let views = match worker.secrets_at(chunk, None).await {
			Ok(views) => views,
			Err(e) => return tracing::warn!(target: "worker", "leaving: reading secrets: {e}"),
		};
		let (secrets, calls): (Vec<H256>, Vec<RuntimeCall>) = chunk
			.iter()
			.zip(views)
			.filter_map(|(secret, view)| view.filter(|v| v.acks.contains(&me)).and_then(|v| release_call(*secret, &v)).map(|call| (*secret, call)))
			.unzip();
		if calls.is_empty() {
			continue;
		}
		let outcomes = match worker.submit_all(calls).await {
			Ok(outcomes) => outcomes,
			Err(e) => return tracing::warn!(target: "worker", "leaving: releasing shares: {e}"),
		};
		// The share itself goes once the release is final (`UnreadyShareReleased` or
		// `StrandedShareReleased` in a finalized block): in a block that a reorganisation drops,
		// the last member's acknowledgement could make the secret ready instead, with this share
		// needed.
		for (secret, outcome) in secrets.iter().zip(outcomes) {
			match outcome {
				Ok(_) => tracing::info!(target: "worker", "leaving: let go of the share of {secret:?}, which no handover can move"),
				Err(e) => tracing::warn!(target: "worker", "leaving: releasing the share of {secret:?}: {e}"),
			}
		}
	}
}

/// Rotates committee `from` (unless it was) and hands `secrets` still on it to the committee
/// drawn for it; how many went.
async fn rotate_committee(worker: &Worker, from: u32, secrets: Vec<H256>) -> Result<usize, String> {
	let rotation = rotation_drawn(worker, from).await?;
	if rotation.requester != worker.account() {
		tokio::time::sleep(REQUESTER_HEAD_START).await;
	}
	// What is still on the old committee and not on its way already.
	let mut left = Vec::new();
	for chunk in secrets.chunks(1024) {
		let views = worker.secrets_at(chunk, None).await.map_err(|e| e.to_string())?;
		for (secret, view) in chunk.iter().zip(views) {
			let moving = worker
				.chain
				.storage::<pallet_secret_compute::handover::Handover<Runtime>>("SecretCompute.Handovers", pallet_secret_compute::Handovers::<Runtime>::hashed_key_for(secret), None)
				.await
				.map_err(|e| e.to_string())?
				.is_some();
			if view.is_some_and(|v| v.committee == from && v.ready) && !moving {
				left.push(*secret);
			}
		}
	}
	let calls: Vec<RuntimeCall> = left
		.chunks(HANDOVER_BATCH as usize)
		.map(|chunk| RuntimeCall::SecretCompute(pallet_secret_compute::Call::hand_over_rotated { committee: from, secrets: chunk.to_vec().try_into().expect("a chunk fits a batch") }))
		.collect();
	let mut count = 0;
	for (outcome, chunk) in worker.submit_all(calls).await.map_err(|e| e.to_string())?.into_iter().zip(left.chunks(HANDOVER_BATCH as usize)) {
		match outcome {
			Ok(_) => count += chunk.len(),
			Err(e) => tracing::warn!(target: "worker", "leaving: handing {} secret(s) of committee {from} over: {e}", chunk.len()),
		}
	}
	Ok(count)
}

/// The rotation of `committee`, requested by this worker unless someone did, once the committee
/// it goes to is drawn.
async fn rotation_drawn(worker: &Worker, committee: u32) -> Result<pallet_secret_compute::handover::Rotation<Runtime>, String> {
	let rotation_of = || async {
		let key = pallet_secret_compute::Rotations::<Runtime>::hashed_key_for(committee);
		worker.chain.storage::<pallet_secret_compute::handover::Rotation<Runtime>>("SecretCompute.Rotations", key, None).await.map_err(|e| e.to_string())
	};
	let rotation = match rotation_of().await? {
		Some(rotation) => rotation,
		None => {
			let call = RuntimeCall::SecretCompute(pallet_secret_compute::Call::rotate_committee { committee });
			if let Err(e) = worker.submit(call).await {
				// Someone else may have rotated it meanwhile: the record says.
				tracing::debug!(target: "worker", "rotate_committee({committee}): {e}");
			}
			rotation_of().await?.ok_or_else(|| format!("committee {committee} was not rotated"))?
		}
	};
	let started = std::time::Instant::now();
	while worker.committee(rotation.to).await.map_err(|e| e.to_string())?.is_none() {
		if started.elapsed() > ROTATION_DRAW_WAIT {
			return Err(format!("committee {} was not drawn (or is gone): the owners hand their secrets over themselves", rotation.to));
		}
		tokio::time::sleep(Duration::from_secs(2)).await;
	}
	Ok(rotation)
}

/// This worker's dealing of its share of `secret` to the members whose keys are `keys`, kept in
/// its store (the same one again if it dealt before), and its commitments' hash; `None` if it
/// holds no share of `secret` on committee `from` of the sharing registered (`registered`).
fn dealing_of(worker: &Worker, secret: H256, from: u32, to: u32, registered: H256, keys: &[[u8; 32]]) -> Result<Option<H256>, String> {
	// Only the share of the sharing the chain holds (not one a move left behind).
	let Some(held) = worker.store.share(&secret).filter(|h| h.committee == from && commitment(&h.pedersen, &h.share_hashes) == registered) else { return Ok(None) };
	// A dealing kept from before (a restart) for this committee, if it deals this share.
	let own = |commitments: &[u8]| enigma_primitives::pedersen::false_dealing(&held.pedersen, commitments, u64::from(held.index) + 1, degree(keys.len())).is_none();
	if let Some(kept) = worker.store.dealing(&secret).filter(|d| d.to == to && own(&d.commitments)) {
		return Ok(Some(dealing_hash(&kept.commitments)));
	}
	let old = Commitments::from_bytes(&held.pedersen).map_err(|e| format!("its commitments: {e}"))?;
	let plain = held.open(&worker.keys.encryption).ok_or("the stored share no longer opens")?;
	let elements = decode_all::<Fr>(&plain, held.index as usize).map_err(|e| e.to_string())?;
	let mine = committed_part(held.kind, &elements).ok_or("the stored share has another width than its kind")?;
	let points: Vec<Fr> = (1..=keys.len() as u64).map(Fr::from).collect();
	let rng = &mut rand::thread_rng();
	let handover = if worker.misbehave == Some(Misbehaviour::WrongHandovers) {
		// Test mode: its share plus one, dealt consistently, as a dealer that lies would.
		let mut other = mine.clone();
		other.values[0] += Fr::from(1u64);
		let dealing = vss::deal_blinded(&other.values, other.blind, None, degree(keys.len()), &points, rng);
		reshare::Handover { commitments: dealing.commitments, shares: dealing.shares }
	} else {
		reshare::hand_over(&old, Fr::from(u64::from(held.index) + 1), &mine, degree(keys.len()), &points, rng)
	};
	let commitments = handover.commitments.to_bytes();
	let posted = dealing_hash(&commitments);
	let (mut sealed_shares, mut signatures) = (Vec::with_capacity(keys.len()), Vec::with_capacity(keys.len()));
	for (j, (key, share)) in keys.iter().zip(&handover.shares).enumerate() {
		let mut elements = share.values.clone();
		if worker.misbehave == Some(Misbehaviour::WrongHandoverShares) {
			// Test mode: a true dealing, and a share off it to every new member, signed.
			elements[0] += Fr::from(1u64);
		}
		elements.push(share.blind);
		let plain = to_bytes(&elements);
		let context = handover_context(secret, to, j as u32, held.index);
		sealed_shares.push(sealed::seal_from(&worker.keys.encryption, key, &context, &plain).ok_or("a new member's key is not a usable x25519 key")?);
		let digest = enigma_primitives::handover_share_digest(&secret.0, to, j as u32, held.index, &posted.0, &plain);
		let signature = worker.keys.node.sign(&digest).map_err(|e| format!("signing a share: {e}"))?;
		signatures.push(signature.try_into().map_err(|_| "an ed25519 signature of another length")?);
	}
	let dealing = HandoverDealing { to, commitments, sealed: sealed_shares, signatures };
	worker.store.put_dealing(&secret, &dealing).map_err(|e| e.to_string())?;
	Ok(Some(dealing_hash(&dealing.commitments)))
}

/// The answer to a new member's [`WorkerRequest::Handover`]: per secret, this worker's dealing
/// and the asker's share of it, or why not.
pub fn answer(worker: &Worker, secrets: &[H256], member: u32) -> Result<WorkerResponse, String> {
	if secrets.len() > HANDOVER_BATCH as usize {
		return Err(format!("{} secrets in one request; at most {HANDOVER_BATCH}", secrets.len()));
	}
	Ok(WorkerResponse::Handovers(secrets.iter().map(|secret| dealt_to(worker, *secret, member)).collect()))
}

fn dealt_to(worker: &Worker, secret: H256, member: u32) -> Result<HandoverDealt, String> {
	let dealing = worker.store.dealing(&secret).ok_or("this member has not dealt that secret")?;
	let held = worker.store.share(&secret).ok_or("this member no longer holds that secret")?;
	let sealed = dealing.sealed.get(member as usize).cloned().ok_or("no such member in the new committee")?;
	let signature = dealing.signatures.get(member as usize).map(|s| s.to_vec()).ok_or("no such member in the new committee")?;
	Ok(HandoverDealt { old_pedersen: held.pedersen, old_share_hashes: held.share_hashes, commitments: dealing.commitments, sealed, signature })
}

/// How long a new member waits before each new request to a dealer that did not answer or was
/// busy (about a minute in all) before it gives up on it and refuses its dealings on chain, which
/// puts the next dealer in its place: a dealer that died is replaced, one that is slow is not.
const FETCH_WAITS: [Duration; 5] = [Duration::from_secs(2), Duration::from_secs(4), Duration::from_secs(8), Duration::from_secs(16), Duration::from_secs(30)];

/// A handover the chain named, as a new member sees it.
struct Named {
	secret: H256,
	to: u32,
	/// The set's round (formed again after each refusal).
	round: u32,
	dealers: Vec<u32>,
	/// This member's place in the new committee, and its size.
	me: u32,
	new_members: usize,
	view: SecretView<AccountId32>,
	record: pallet_secret_compute::handover::Handover<Runtime>,
}

/// Takes over `handovers` (secret, new committee, dealers as positions in the old committee)
/// for the new committees this worker is in: one request per dealer for all the secrets it
/// dealt, then the new sharings posted in batches (and each refusal on its own).
pub async fn take(worker: Arc<Worker>, handovers: Vec<(H256, u32, u32, Vec<u32>)>) {
	let named = match look_up(&worker, handovers).await {
		Ok(named) => named,
		Err(e) => return tracing::warn!(target: "worker", "handovers: {e}"),
	};
	// Every dealer's dealings of these secrets, each dealer asked once per batch.
	let mut asks = std::collections::BTreeMap::<(AccountId32, u32), Vec<H256>>::new();
	for n in &named {
		for dealer in &n.dealers {
			if let Some(account) = n.view.members.get(*dealer as usize) {
				asks.entry((account.clone(), n.me)).or_default().push(n.secret);
			}
		}
	}
	let fetched = futures::future::join_all(asks.into_iter().map(|((account, me), secrets)| {
		let worker = &worker;
		async move {
			let answers = fetch(worker, &account, &secrets, me).await;
			(account, secrets, answers)
		}
	}))
	.await;
	let mut dealt = std::collections::HashMap::<(AccountId32, H256), Result<HandoverDealt, String>>::new();
	for (account, secrets, answers) in fetched {
		match answers {
			Ok(answers) => dealt.extend(secrets.into_iter().zip(answers).map(|(secret, a)| ((account.clone(), secret), a))),
			Err(Fetch::Dealer(e)) => dealt.extend(secrets.into_iter().map(|secret| ((account.clone(), secret), Err(format!("it does not hand its dealing over: {e}"))))),
			Err(Fetch::Local(e)) => tracing::warn!(target: "worker", "cannot ask {account} for its dealings: {e}"),
		}
	}
	let mut keys = std::collections::HashMap::new();
	let mut outcomes = Vec::with_capacity(named.len());
	let mut opened = Vec::with_capacity(named.len());
	for n in &named {
		match open_dealings(&worker, n, &mut dealt, &mut keys).await {
			Ok(Ok(dealings)) => opened.push((n, dealings)),
			Ok(Err(unusable)) => outcomes.push((n.secret, Ok(unusable))),
			Err(e) => outcomes.push((n.secret, Err(e))),
		}
	}
	outcomes.extend(tokio::task::block_in_place(|| check_and_take(&worker, opened)));
	let rounds: std::collections::HashMap<H256, u32> = named.iter().map(|n| (n.secret, n.round)).collect();
	let mut taken = Vec::new();
	for (secret, outcome) in outcomes {
		let round = rounds[&secret];
		match outcome {
			Ok(Taken::Share(c)) => taken.push((secret, round, c)),
			Ok(Taken::Prove(dealer, fault, proof)) => {
				// Another new member may have proven it already (the chain refuses a second proof).
				if already_proven(&worker, secret, dealer).await {
					tracing::info!(target: "worker", "handover of {secret:?}: old member #{dealer}'s dealing is false ({fault:?}), proven already");
					continue;
				}
				tracing::warn!(target: "worker", "handover of {secret:?}: old member #{dealer}'s dealing is false ({fault:?}): proving it on chain");
				let call = pallet_secret_compute::Call::prove_false_dealing { secret, dealer, proof };
				match worker.submit(RuntimeCall::SecretCompute(call)).await {
					Ok(_) => tracing::info!(target: "worker", "handover of {secret:?}: old member #{dealer} proven false and slashed"),
					// Another member's proof came first: the dealing is out already.
					Err(enigma_chain::ChainError::Failed(e)) if e == format!("SecretCompute::{:?}", pallet_secret_compute::Error::<Runtime>::AlreadyProven) => {
						tracing::info!(target: "worker", "handover of {secret:?}: old member #{dealer} was proven false by another member first");
					},
					Err(e) => {
						// (The chain disagrees: refused then.)
						tracing::warn!(target: "worker", "handover of {secret:?}: proving #{dealer} false: {e}; refusing its dealing");
						refuse(&worker, secret, round, dealer).await;
					},
				}
			},
			Ok(Taken::Refuse(dealer, why)) => {
				tracing::warn!(target: "worker", "handover of {secret:?}: refusing old member #{dealer}'s dealing: {why}");
				refuse(&worker, secret, round, dealer).await;
			},
			Err(e) => tracing::warn!(target: "worker", "handover of {secret:?}: {e}"),
		}
	}
	if taken.is_empty() {
		return;
	}
	let count = taken.len();
	let calls = taken
		.chunks(HANDOVER_BATCH as usize)
		.map(|chunk| RuntimeCall::SecretCompute(pallet_secret_compute::Call::take_handovers { taken: chunk.to_vec().try_into().expect("a chunk fits a batch") }))
		.collect();
	match worker.submit_all(calls).await.map(|outcomes| outcomes.into_iter().find_map(Result::err)) {
		Ok(None) => tracing::info!(target: "worker", "took over {count} secret(s) from their old committees"),
		Ok(Some(e)) | Err(e) => tracing::warn!(target: "worker", "posting {count} sharing(s) taken over: {e}"),
	}
}

/// Whether old member `dealer` (its position in the committee that holds `secret`) was slashed
/// for its handover of `secret` already.
async fn already_proven(worker: &Worker, secret: H256, dealer: u32) -> bool {
	let Ok(Some(view)) = worker.secret(secret).await else { return false };
	let Some(account) = view.members.get(dealer as usize) else { return false };
	let key = pallet_workers::Slashed::<Runtime>::hashed_key_for(secret, account);
	matches!(worker.chain.storage::<pallet_workers::Offence>("Workers.Slashed", key, None).await, Ok(Some(_)))
}

/// Refuses `dealer`'s dealing of `secret` in `round` on chain.
async fn refuse(worker: &Worker, secret: H256, round: u32, dealer: u32) {
	if let Err(e) = worker.submit(RuntimeCall::SecretCompute(pallet_secret_compute::Call::refuse_handover { secret, round, dealer })).await {
		tracing::warn!(target: "worker", "handover of {secret:?}: refusing #{dealer}: {e}");
	}
}

/// The chain's view of the handovers to committees this worker is in.
async fn look_up(worker: &Worker, handovers: Vec<(H256, u32, u32, Vec<u32>)>) -> Result<Vec<Named>, String> {
	let mut committees = std::collections::HashMap::<u32, Option<Vec<AccountId32>>>::new();
	let mut mine = Vec::new();
	for (secret, to, round, dealers) in handovers {
		if let std::collections::hash_map::Entry::Vacant(e) = committees.entry(to) {
			e.insert(worker.committee(to).await.map_err(|e| e.to_string())?);
		}
		let Some(new) = committees[&to].as_ref() else { continue };
		if let Some(me) = new.iter().position(|m| *m == worker.account()) {
			mine.push((secret, to, round, dealers, me as u32, new.len()));
		}
	}
	let ids: Vec<H256> = mine.iter().map(|m| m.0).collect();
	let views = worker.secrets(&ids).await.map_err(|e| e.to_string())?;
	// Each handover's record, a few reads at a time.
	let chain = worker.chain.clone();
	let records: Vec<Option<pallet_secret_compute::handover::Handover<Runtime>>> = futures::stream::iter(ids.clone())
		.map(move |secret: H256| {
			let chain = chain.clone();
			async move { chain.storage("SecretCompute.Handovers", pallet_secret_compute::Handovers::<Runtime>::hashed_key_for(secret), None).await.ok().flatten() }
		})
		.buffered(16)
		.collect()
		.await;
	Ok(mine
		.into_iter()
		.zip(views)
		.zip(records)
		.filter_map(|((m, view), record)| {
			let (secret, to, round, dealers, me, new_members) = m;
			// (A set formed again since is taken over on its own event.)
			let record = record.filter(|r| r.round == round)?;
			Some(Named { secret, to, round, dealers, me, new_members, view: view?, record })
		})
		.collect())
}

enum Taken {
	/// The commitment to the sharing this member took over (its share kept aside until the move).
	Share(H256),
	/// A dealer whose dealing this member cannot use, and why.
	Refuse(u32, String),
	/// A dealer whose dealing is provably false: proven on chain, which slashes the dealer.
	Prove(u32, FalseDealing, DealingProof<MaxCommitteeSize>),
}

/// What a dealing is judged by on chain: the old sharing's commitments and share hashes (the
/// secret's registered commitment's preimage), the dealing's commitments (the posted hash's), and
/// once opened, this member's share as its dealer signed it.
#[derive(Clone)]
struct Evidence {
	old: Vec<u8>,
	old_share_hashes: Vec<H256>,
	dealing: Vec<u8>,
	share: Option<(Vec<u8>, [u8; 64])>,
}

impl Evidence {
	/// What the chain finds false in the dealing of the old member at `dealer` (its position) to
	/// this member at `me` of a committee of `new_members`, if anything, with the proof it takes
	/// (the same checks it runs).
	fn proof(&self, dealer: u32, me: u32, new_members: usize) -> Option<(FalseDealing, DealingProof<MaxCommitteeSize>)> {
		let dealing = || self.dealing.clone().try_into().ok();
		if let Some(fault) = enigma_primitives::pedersen::false_dealing(&self.old, &self.dealing, u64::from(dealer) + 1, degree(new_members)) {
			let proof = DealingProof::Dealing { old_commitments: self.old.clone().try_into().ok()?, old_share_hashes: self.old_share_hashes.clone().try_into().ok()?, dealing: dealing()? };
			return Some((fault, proof));
		}
		let (share, signature) = self.share.as_ref()?;
		(enigma_primitives::pedersen::share_off_dealing(&self.dealing, u64::from(me) + 1, share) == Some(true))
			.then(|| Some((FalseDealing::ShareOffDealing, DealingProof::Share { dealing: dealing()?, share: share.clone().try_into().ok()?, signature: *signature })))
			.flatten()
	}
}

/// The named dealings of one secret as this member received them: checked against what the
/// chain holds (the old commitments' and the dealing's hashes) and opened, not yet against the
/// commitments (see [`check_and_take`]).
async fn open_dealings(
	worker: &Worker,
	n: &Named,
	dealt: &mut std::collections::HashMap<(AccountId32, H256), Result<HandoverDealt, String>>,
	keys: &mut std::collections::HashMap<AccountId32, ([u8; 32], Vec<u8>)>,
) -> Result<Result<Vec<Dealing>, Taken>, String> {
	let (secret, to, me) = (n.secret, n.to, n.me);
	// The secret's old commitments, from any dealer whose copy hashes to the registered
	// commitment: a dealer that sends others along with a false dealing is still proven false.
	let registered = n.dealers.iter().find_map(|&dealer| {
		let account = n.view.members.get(dealer as usize)?;
		let answer = dealt.get(&(account.clone(), secret))?.as_ref().ok()?;
		(commitment(&answer.old_pedersen, &answer.old_share_hashes) == n.view.commitment).then(|| (answer.old_pedersen.clone(), answer.old_share_hashes.clone()))
	});
	// Each dealer's old point, commitments and this member's share.
	let mut fetched: Vec<Dealing> = Vec::with_capacity(n.dealers.len());
	for &dealer in &n.dealers {
		let account = n.view.members.get(dealer as usize).ok_or_else(|| format!("old member #{dealer} does not exist"))?;
		let posted = n.record.dealt.iter().find(|(p, _)| *p == dealer).map(|(_, h)| *h).ok_or_else(|| format!("old member #{dealer} posted no dealing"))?;
		let answer = match dealt.remove(&(account.clone(), secret)) {
			Some(Ok(answer)) => answer,
			Some(Err(e)) => return Ok(Err(Taken::Refuse(dealer, e))),
			// This member could not ask (its own node or RPC failed): not the dealer's fault.
			None => return Err(format!("could not ask old member #{dealer} for its dealing")),
		};
		// (A dealer cannot choose the old commitments: their hash is the secret's registered one.)
		let Some((old_pedersen, old_share_hashes)) = registered.clone() else {
			return Ok(Err(Taken::Refuse(dealer, "the old commitments it sent are not the secret's".into())));
		};
		if dealing_hash(&answer.commitments) != posted {
			return Ok(Err(Taken::Refuse(dealer, "its dealing is not the one it posted on chain".into())));
		}
		// (The same for every dealer, its hash being the secret's: parsed once.)
		let old = match fetched.first() {
			Some((_, old, ..)) => old.clone(),
			None => Commitments::from_bytes(&old_pedersen).map_err(|e| e.to_string())?,
		};
		let mut evidence = Evidence { old: old_pedersen, old_share_hashes, dealing: answer.commitments.clone(), share: None };
		// What it cannot be used for: proven on chain if the dealing itself is false, whatever else
		// is wrong (a dealer cannot hide a false dealing behind a share that does not open).
		let unusable = |evidence: &Evidence, why: &str| match evidence.proof(dealer, me, n.new_members) {
			Some((fault, proof)) => Taken::Prove(dealer, fault, proof),
			None => Taken::Refuse(dealer, why.into()),
		};
		let Ok(commitments) = Commitments::from_bytes(&answer.commitments) else { return Ok(Err(unusable(&evidence, "its commitments are not G1 points"))) };
		// Its registered x25519 key (the share is sealed from it) and peer id (its ed25519 key).
		if !keys.contains_key(account) {
			let registered = worker.chain.worker(account, None).await.map_err(|e| e.to_string())?.ok_or_else(|| format!("{account} is not a registered worker"))?;
			keys.insert(account.clone(), (registered.encryption_key, registered.peer_id.into_inner()));
		}
		let (dealer_key, dealer_peer) = keys[account].clone();
		let Some(plain) = sealed::open_from(&worker.keys.encryption, &dealer_key, &handover_context(secret, to, me, dealer), &answer.sealed) else {
			return Ok(Err(unusable(&evidence, "its share is not sealed from its key to this member's")));
		};
		// Signed by the dealer's registered libp2p key, so that a share off the dealing is provable.
		let digest = enigma_primitives::handover_share_digest(&secret.0, to, me, dealer, &posted.0, &plain);
		let signed = <[u8; 64]>::try_from(answer.signature.as_slice()).ok().filter(|signature| {
			enigma_primitives::ed25519_of_peer_id(&dealer_peer).is_some_and(|key| {
				<sp_core::ed25519::Pair as sp_core::Pair>::verify(&sp_core::ed25519::Signature::from_raw(*signature), digest, &sp_core::ed25519::Public::from_raw(key))
			})
		});
		let Some(signature) = signed else { return Ok(Err(unusable(&evidence, "its share is not signed by its registered key"))) };
		let Ok(elements) = decode_all::<Fr>(&plain, me as usize) else { return Ok(Err(unusable(&evidence, "its share is not field elements"))) };
		evidence.share = Some((plain, signature));
		let Some((&blind, values)) = elements.split_last() else { return Ok(Err(unusable(&evidence, "an empty share"))) };
		fetched.push((dealer, old, commitments, Share { values: values.to_vec(), blind }, evidence));
	}
	Ok(Ok(fetched))
}

/// A dealer's old position, the old sharing's commitments, its dealing's commitments and this
/// member's share of it.
type Dealing = (u32, Commitments, Commitments, Share, Evidence);

/// Checks every secret's dealings against the commitments (in one pair of multi-scalar
/// multiplications per new committee, [`reshare::check_many`]) and combines each secret's into
/// this member's share, kept aside until the move. Curve arithmetic: run off the executor.
fn check_and_take(worker: &Worker, opened: Vec<(&Named, Vec<Dealing>)>) -> Vec<(H256, Result<Taken, String>)> {
	let rng = &mut rand::thread_rng();
	// Per (new degree, this member's point): the items to check, by secret.
	let mut verdicts: Vec<Vec<Result<(), reshare::HandoverError>>> = opened.iter().map(|(_, d)| vec![Ok(()); d.len()]).collect();
	let mut groups = std::collections::BTreeMap::<(usize, u32), Vec<(usize, usize)>>::new();
	for (i, (n, dealings)) in opened.iter().enumerate() {
		for j in 0..dealings.len() {
			groups.entry((degree(n.new_members), n.me)).or_default().push((i, j));
		}
	}
	for ((new_degree, me), at) in groups {
		let items: Vec<reshare::ToCheck> = at
			.iter()
			.map(|(i, j)| {
				let (n, dealings) = &opened[*i];
				let (dealer, old, commitments, share, _) = &dealings[*j];
				let width = share_bits(n.view.kind).map_or(1, |bits| bits as usize);
				reshare::ToCheck { old, width, dealer: *dealer as usize, received: Received { from: Fr::from(u64::from(*dealer) + 1), commitments, share } }
			})
			.collect();
		for ((i, j), verdict) in at.iter().zip(reshare::check_many(&items, new_degree, Fr::from(u64::from(me) + 1), rng)) {
			verdicts[*i][*j] = verdict;
		}
	}
	let mut held = Vec::new();
	let mut outcomes: Vec<(H256, Result<Taken, String>)> = opened
		.into_iter()
		.zip(verdicts)
		.map(|((n, dealings), verdicts)| {
			if let Some(((dealer, .., evidence), Err(e))) = dealings.iter().zip(&verdicts).find(|(_, v)| v.is_err()) {
				// Proven on chain if the chain's own checks find it false, else refused.
				return match evidence.proof(*dealer, n.me, n.new_members) {
					Some((fault, proof)) => (n.secret, Ok(Taken::Prove(*dealer, fault, proof))),
					None => (n.secret, Ok(Taken::Refuse(*dealer, e.to_string()))),
				};
			}
			let taken = take_one(worker, n, &dealings).map(|share| {
				let c = commitment(&share.pedersen, &[]);
				held.push((n.secret, share));
				Taken::Share(c)
			});
			(n.secret, taken)
		})
		.collect();
	// Kept (in one commit) before the new sharings are posted.
	if let Err(e) = worker.store.put_taken(&held) {
		for (_, outcome) in &mut outcomes {
			if matches!(outcome, Ok(Taken::Share(_))) {
				*outcome = Err(format!("keeping the share taken over: {e}"));
			}
		}
	}
	outcomes
}

/// This member's share of `n`'s secret from its checked dealings, sealed to its own key.
fn take_one(worker: &Worker, n: &Named, dealings: &[Dealing]) -> Result<HeldShare, String> {
	let received: Vec<Received> = dealings.iter().map(|(dealer, _, c, share, _)| Received { from: Fr::from(u64::from(*dealer) + 1), commitments: c, share }).collect();
	let (share, commitments) = reshare::take_over(degree(n.view.members.len()), &received).map_err(|e| e.to_string())?;
	let pedersen = commitments.to_bytes();
	let plain = to_bytes(&held_elements(n.view.kind, &share));
	let sealed = sealed::seal(&worker.keys.encryption_public(), &share_context(n.view.owner, n.to, n.me), &plain);
	Ok(HeldShare { identity: n.view.owner, committee: n.to, index: n.me, kind: n.view.kind, sealed, acknowledged: true, pedersen, share_hashes: Vec::new() })
}

/// Old member `account`'s dealings of `secrets` to this worker (at `member` in the new committee),
/// one request per [`HANDOVER_BATCH`] (from this worker's own store if it is that member), retried
/// while the dealer does not answer or is busy.
async fn fetch(worker: &Worker, account: &AccountId32, secrets: &[H256], member: u32) -> Result<Vec<Result<HandoverDealt, String>>, Fetch> {
	if *account == worker.account() {
		return Ok(secrets.iter().map(|secret| dealt_to(worker, *secret, member)).collect());
	}
	let peer = *worker.peer_ids(core::slice::from_ref(account)).await.map_err(|e| Fetch::Local(e.to_string()))?.first().ok_or(Fetch::Local("no peer id".into()))?;
	let dht = worker.dht.get().ok_or(Fetch::Local("the DHT node is not up".into()))?;
	let mut out = Vec::with_capacity(secrets.len());
	for chunk in secrets.chunks(HANDOVER_BATCH as usize) {
		let request = WorkerRequest::Handover { secrets: chunk.to_vec(), member }.encode();
		let mut last = String::new();
		let mut answers = None;
		for attempt in 0..=FETCH_WAITS.len() {
			match tokio::time::timeout(Duration::from_secs(20), dht.app_request(peer, request.clone())).await {
				// An empty answer: the dealer is busy with this worker's other requests.
				Ok(Ok(bytes)) if bytes.is_empty() => last = "busy".into(),
				Ok(Ok(bytes)) => match WorkerResponse::decode(&mut &bytes[..]) {
					Ok(WorkerResponse::Handovers(list)) if list.len() == chunk.len() => {
						answers = Some(list);
						break;
					},
					Ok(WorkerResponse::Refused(reason)) => last = reason,
					Ok(other) => return Err(Fetch::Dealer(format!("it answered {}", other.kind()))),
					Err(e) => return Err(Fetch::Dealer(format!("an undecodable answer: {e}"))),
				},
				Ok(Err(e)) => last = e.to_string(),
				Err(_) => last = "no answer within 20 s".into(),
			}
			if let Some(wait) = FETCH_WAITS.get(attempt) {
				tokio::time::sleep(*wait).await;
			}
		}
		out.extend(answers.ok_or(Fetch::Dealer(last))?);
	}
	Ok(out)
}

/// Why a new member has no answer from a dealer: its own fault (no refusal then), or the
/// dealer's (it did not answer, or not as it should).
enum Fetch {
	Local(String),
	Dealer(String),
}

/// The handover of `secret` ended (`moved` to another committee's sharing committed so, or
/// cancelled): keep the share taken over or drop the old one, and forget the dealing.
pub fn finish(worker: &Worker, secret: H256, moved: Option<H256>) {
	// (Only the share of the sharing the chain registered: one combined from an earlier set of
	// dealings, or that came late, is not it.)
	let taken = moved.is_some_and(|c| worker.store.taken(&secret).iter().any(|t| commitment(&t.pedersen, &[]) == c));
	let held = worker.store.share(&secret).is_some();
	if worker.store.dealing(&secret).is_none() && worker.store.taken(&secret).is_empty() && !(moved.is_some() && held) {
		return;
	}
	match worker.store.finish_handover(&secret, moved) {
		Ok(()) if taken => tracing::info!(target: "worker", "holding the share of {secret:?} taken over"),
		Ok(()) if moved.is_some() => tracing::info!(target: "worker", "handed {secret:?} over: dropped this member's old share"),
		Ok(()) => tracing::info!(target: "worker", "handover of {secret:?} cancelled"),
		Err(e) => tracing::warn!(target: "worker", "ending the handover of {secret:?}: {e}"),
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use enigma_mpc::{committed_input, field::decode_all, shamir::lagrange_coefficients};

	/// A client's dealing of a u8 to four members, handed over by three of them to three new
	/// members with the layout the worker stores: the new members' held elements reconstruct the
	/// value and its bits and pass the client-share check a declassifying owner runs.
	#[test]
	fn held_shares_hand_over_to_held_shares_of_the_same_value() {
		let rng = &mut rand::thread_rng();
		let kind = ValueKind::Int { bits: 8 };
		let dealing = committed_input::deal(201, Some(8), 1, 4, rng).unwrap();
		let old = Commitments::from_bytes(&dealing.commitments).unwrap();
		let new_points: Vec<Fr> = (1..=3u64).map(Fr::from).collect();
		let handovers: Vec<(u32, reshare::Handover)> = [3u32, 0]
			.iter()
			.map(|&i| {
				let elements = &dealing.shares[i as usize];
				let mine = committed_part(kind, elements).unwrap();
				assert_eq!(held_elements(kind, &mine), *elements, "the layout round-trips");
				(i, reshare::hand_over(&old, Fr::from(u64::from(i) + 1), &mine, 1, &new_points, rng))
			})
			.collect();
		let mut values = Vec::new();
		for j in 0..3 {
			let received: Vec<Received> = handovers.iter().map(|(i, h)| Received { from: Fr::from(u64::from(*i) + 1), commitments: &h.commitments, share: &h.shares[j] }).collect();
			for (r, (i, _)) in received.iter().zip(&handovers) {
				reshare::check(&old, 8, 1, new_points[j], *i as usize, r).unwrap();
			}
			let (share, commitments) = reshare::take_over(1, &received).unwrap();
			let held = held_elements(kind, &share);
			let item = committed_input::ToCheck { bits: Some(8), tagged: false, commitments: &commitments.to_bytes(), share: &held };
			committed_input::check_many(&[item], 1, j, rng).remove(0).unwrap();
			values.push(decode_all::<Fr>(&to_bytes(&held), j).unwrap()[0]);
		}
		let lambda = lagrange_coefficients(&new_points[1..], Fr::from(0u64));
		assert_eq!(lambda[0] * values[1] + lambda[1] * values[2], Fr::from(201u64));
		assert!(committed_part(kind, &[Fr::from(1u64); 3]).is_none(), "a share of another width");
	}
}
