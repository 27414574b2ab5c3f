//! The worker's answers to clients on `/enigma/app/1`: share deliveries and output collection.

use crate::{
	store::{HeldOutput, HeldShare},
	worker::{decode, Misbehaviour, Worker},
};
use codec::Encode;
use enigma_chain::offchain::{
	commitment, declassify_message, output_message, seal_answer, share_bits, wallet_wrapped, share_context, share_hash, ShareDelivery, WorkerRequest, WorkerResponse,
	DECLASSIFY_WINDOW, MAX_LOOKUPS_PER_DELIVERY, MAX_SHARES_PER_REQUEST,
};
use enigma_mpc::{
	committed_input::{self, ToCheck},
	field::{decode_all, Fr},
};
use enigma_p2p::{AppHandler, PeerId, SignedPut};
use enigma_protocol::sealed;
use enigma_runtime::{Balance, BlockNumber, RuntimeEvent};
use pallet_secret_compute::runtime_api::TaskView;
use pallet_shared_identity::predicate::Permission;
use sp_core::{crypto::AccountId32, sr25519, Pair, H256};
use std::{
	collections::{BTreeMap, HashMap, HashSet},
	sync::Arc,
};

pub struct WorkerService(pub Arc<Worker>);

/// Held while a request's shares are checked.
static CHECKING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Chain reads made for requests at once, at most: anyone's requests, read for before anything
/// proves them worth it, share the node and this worker's one connection to it with the
/// worker's own commitments and reveals. Unbounded, a stranger's made-up share deliveries (nine
/// reads each, before any check) kept those waiting, and a reveal that comes late is slashed.
const REQUEST_READS: usize = 4;
static REQUEST_READ_TURNS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(REQUEST_READS);

/// `read`, a read of the chain for a request, in one of [`REQUEST_READS`] turns.
pub(crate) async fn request_read<T>(read: impl std::future::Future<Output = T>) -> T {
	let _turn = REQUEST_READ_TURNS.acquire().await.expect("the turns are never closed");
	read.await
}

#[async_trait::async_trait]
impl AppHandler for WorkerService {
	async fn handle(&self, from: PeerId, request: Vec<u8>) -> Vec<u8> {
		self.answer(&from, &request).await
	}
}

impl WorkerService {
	/// The encoded answer to an encoded request from `from` (a peer, or an HTTP client's
	/// address: nothing here depends on who asks, only on what the request proves).
	pub async fn answer(&self, from: &(dyn std::fmt::Display + Sync), request: &[u8]) -> Vec<u8> {
		let response = match decode::<WorkerRequest>(request) {
			Some(WorkerRequest::Shares(deliveries)) => self.accept_shares(deliveries).await,
			Some(WorkerRequest::Output { task, output, who, reply_to, signature }) => {
				let message = output_message(task, output, &reply_to);
				let answer = self.hand_out(&message, task, output, who.into(), signature).await;
				answer.and_then(|answer| seal_answer(&self.0.keys.encryption, &reply_to, &message, &answer))
			},
			Some(WorkerRequest::Declassify { secret, who, at, reply_to, signature }) => {
				let message = declassify_message(secret, at, &reply_to);
				let answer = self.declassify(&message, secret, who.into(), at, signature).await;
				answer.and_then(|answer| seal_answer(&self.0.keys.encryption, &reply_to, &message, &answer))
			},
			Some(WorkerRequest::DataPut(put)) => self.data_put(&put).await,
			Some(WorkerRequest::DataGet { key, reader, signed_at, reply_to, signature }) => {
				let message = enigma_protocol::records::get_message(&key, &self.0.keys.peer_id().to_bytes(), signed_at, &reply_to);
				let answer = self.data_get(key, reader, signed_at, reply_to, signature).await;
				answer.and_then(|answer| seal_answer(&self.0.keys.encryption, &reply_to, &message, &answer))
			},
			Some(WorkerRequest::Ping) => Ok(WorkerResponse::Accepted),
			Some(WorkerRequest::Blame { task }) => Ok(WorkerResponse::Blamed(self.0.blame_proofs(&task))),
			Some(WorkerRequest::Handover { secrets, member }) => crate::handover::answer(&self.0, &secrets, member),
			Some(WorkerRequest::Transcript { task, from }) => self.transcript(task, from).await,
			Some(WorkerRequest::Readiness { task }) => Ok(WorkerResponse::Readiness(self.0.readiness(&task))),
			None => Err("malformed request".to_string()),
		};
		match response {
			Ok(response) => response,
			Err(reason) => {
				tracing::warn!(target: "worker", "refused a request from {from}: {reason}");
				WorkerResponse::Refused(reason)
			}
		}
		.encode()
	}
}


/// What the gateway read from the chain to answer declassification requests, so that no
/// request, replayed or made up with a fresh key, makes this worker read a block's events twice:
/// the finalized number (for a second) and, per finalized block in the window, its number and
/// the declassifications it holds, (secret, requester) (for good: a finalized block's events
/// never change).
#[derive(Default)]
pub struct ChainLooks {
	finalized: Option<(std::time::Instant, u32)>,
	blocks: HashMap<H256, (u32, HashSet<(H256, AccountId32)>)>,
}

impl ChainLooks {
	/// Blocks kept at most (the window's, with room for those that left it); past it, all are
	/// forgotten, and read again if asked.
	const KEPT: usize = 4 * DECLASSIFY_WINDOW as usize;
	/// How long a finalized number read from the node is taken as the finalized number.
	const FINALIZED_FOR: std::time::Duration = std::time::Duration::from_secs(1);

	fn finalized(&self) -> Option<u32> {
		self.finalized.filter(|(read, _)| read.elapsed() < Self::FINALIZED_FOR).map(|(_, number)| number)
	}

	fn note_finalized(&mut self, number: u32) {
		self.finalized = Some((std::time::Instant::now(), number));
	}

	/// Block `at`'s number, and whether it holds `who`'s declassification of `secret`, if the
	/// block was read.
	fn declassification(&self, secret: H256, who: &AccountId32, at: H256) -> Option<(u32, bool)> {
		self.blocks.get(&at).map(|(number, asked)| (*number, asked.contains(&(secret, who.clone()))))
	}

	/// Only for a finalized block (the caller checked): a block that may yet be reverted is
	/// read again.
	fn note_block(&mut self, at: H256, number: u32, declassifications: HashSet<(H256, AccountId32)>) {
		if self.blocks.len() >= Self::KEPT {
			self.blocks.clear();
		}
		self.blocks.insert(at, (number, declassifications));
	}
}

/// Whether a share delivery is within what a member reads the chain for before checking any
/// share: [`MAX_SHARES_PER_REQUEST`] shares, of [`MAX_LOOKUPS_PER_DELIVERY`] committees and
/// identities at most.
fn delivery_fits(deliveries: &[ShareDelivery]) -> Result<(), String> {
	if deliveries.len() > MAX_SHARES_PER_REQUEST {
		return Err(format!("{} shares in one request; at most {MAX_SHARES_PER_REQUEST}", deliveries.len()));
	}
	let committees: HashSet<u32> = deliveries.iter().map(|d| d.committee).collect();
	let identities: HashSet<H256> = deliveries.iter().map(|d| d.identity).collect();
	if committees.len().max(identities.len()) > MAX_LOOKUPS_PER_DELIVERY {
		return Err(format!(
			"shares of {} committees and {} identities in one request; at most {MAX_LOOKUPS_PER_DELIVERY} of each",
			committees.len(),
			identities.len()
		));
	}
	Ok(())
}

impl WorkerService {
	/// Part of a completed task's audit transcript, from byte `from`. Only once the task
	/// completed: until then the transcript's root is what lets only the run's members commit
	/// to its result.
	/// (A request for a transcript this worker does not keep costs a look in its index only.)
	async fn transcript(&self, task: H256, from: u64) -> Result<WorkerResponse, String> {
		let store = &self.0.store;
		let total = store.transcript_len(&task).ok_or_else(|| format!("no transcript of task {task:?} kept here"))?;
		let view: Option<TaskView<AccountId32, Balance, BlockNumber>> = request_read(self.0.chain.runtime_api("SecretComputeApi_task", task, None)).await.map_err(|e| e.to_string())?;
		if view.map(|v| v.status) != Some(pallet_secret_compute::TaskStatus::Completed) {
			return Err(format!("task {task:?} has not completed"));
		}
		let chunk = store.transcript_piece(&task, from).ok_or("past the transcript's end")?;
		Ok(WorkerResponse::Transcript { total, chunk })
	}

	/// Checks each delivered share against its committee and commitment, keeps those that pass
	/// (in one database commit) and queues their acknowledgements; answers per share.
	async fn accept_shares(&self, deliveries: Vec<ShareDelivery>) -> Result<WorkerResponse, String> {
		delivery_fits(&deliveries)?;
		let worker = &self.0;
		// Each committee looked up once per request (known or not).
		let mut committees: HashMap<u32, Option<Vec<AccountId32>>> = HashMap::new();
		// And each identity: a share is kept only for one that exists on chain (its deposit is
		// what a flood of shares nobody registers costs, see `Unregistered`).
		let mut identities: HashMap<H256, bool> = HashMap::new();
		let mut checks = Vec::with_capacity(deliveries.len());
		for d in deliveries {
			if worker.store.let_go(&d.secret()) {
				checks.push(Err(format!("this worker let go of its share of {:?} (released, or handed to another committee)", d.secret())));
				continue;
			}
			if let std::collections::hash_map::Entry::Vacant(e) = committees.entry(d.committee) {
				e.insert(request_read(worker.committee(d.committee)).await.map_err(|e| e.to_string())?);
			}
			// A committee that does not exist or holds not this worker is refused before its
			// identity costs a read (`open_share` says which).
			let members = committees.get(&d.committee).and_then(Option::as_deref);
			if !members.is_some_and(|members| members.contains(&worker.account())) {
				checks.push(self.open_share(d, members));
				continue;
			}
			if let std::collections::hash_map::Entry::Vacant(e) = identities.entry(d.identity) {
				e.insert(request_read(worker.identity_exists(d.identity)).await.map_err(|e| e.to_string())?);
			}
			if !identities[&d.identity] {
				checks.push(Err(format!("identity {:?} does not exist on chain", d.identity)));
				continue;
			}
			let members = committees.get(&d.committee).and_then(Option::as_deref);
			checks.push(self.open_share(d, members));
		}
		// Over the room for shares not registered yet (a flood may have taken an identity's),
		// shares of secrets already registered need none: only an account with Store on the
		// identity registers, and the secret's id binds the commitment each share is checked
		// against. The chain is asked only then: honest clients deliver before registering.
		let waiting = |registered: &HashSet<H256>| {
			let mut incoming: HashMap<H256, usize> = HashMap::new();
			checks.iter().flatten().filter(|(d, ..)| !registered.contains(&d.secret())).for_each(|(d, ..)| *incoming.entry(d.identity).or_default() += 1);
			incoming
		};
		let mut registered = HashSet::new();
		if worker.admit_unregistered(&waiting(&registered)).is_err() {
			let ids: Vec<H256> = checks.iter().flatten().map(|(d, ..)| d.secret()).collect();
			let views = request_read(worker.secrets(&ids)).await.map_err(|e| e.to_string())?;
			registered = ids.into_iter().zip(views).filter(|(_, view)| view.is_some()).map(|(id, _)| id).collect();
		}
		// One request's curve arithmetic at a time: a flood of deliveries queues here instead of
		// taking every core from the tasks this worker computes.
		let _turn = CHECKING.lock().await;
		// Room for the others among the shares not registered yet (checked in turn, so two
		// requests cannot both take the last of it).
		worker.admit_unregistered(&waiting(&registered))?;
		// Pedersen VSS and the owners' MAC proofs ([`check_shares`]). The secret's id binds the
		// commitments, so every member that acknowledges checked the same ones. Curve
		// arithmetic, off the async executor.
		let held: HashSet<H256> = checks.iter().flatten().map(|(d, ..)| d.secret()).filter(|secret| worker.store.share(secret).is_some()).collect();
		let checked = tokio::task::spawn_blocking(move || check_shares(checks, &held)).await.map_err(|e| format!("checking the shares: {e}"))?;
		// A share held already (delivered again after a registration: the secret's id binds its
		// hash, so it is the same share) keeps its record and its acknowledgement; one let go of
		// while the checks ran stays gone (`put_delivered`).
		let delivered: Vec<(H256, HeldShare)> = checked
			.iter()
			.filter_map(|c| c.as_ref().ok())
			.map(|d| {
				let held = HeldShare {
					identity: d.identity,
					committee: d.committee,
					index: d.index,
					kind: d.kind,
					sealed: d.sealed.clone(),
					acknowledged: false,
					pedersen: d.pedersen.clone(),
					share_hashes: d.share_hashes.clone(),
				};
				(d.secret(), held)
			})
			.collect();
		let kept = worker.store.put_delivered(delivered).map_err(|e| e.to_string())?;
		worker.metrics.shares_held.inc_by(kept.len() as u64);
		let answers: Vec<Result<(), String>> = checked.into_iter().map(|c| c.map(|_| ())).collect();
		let refused = answers.iter().filter(|a| a.is_err()).count();
		tracing::info!(target: "worker", "holding {} new share(s){}", kept.len(), if refused > 0 { format!(", refused {refused}") } else { String::new() });
		worker.note_unregistered(kept.iter().filter(|(secret, _)| !registered.contains(secret)).map(|(secret, held)| (*secret, held.identity)));
		for (secret, _) in kept {
			worker.acknowledge_in_background(secret);
		}
		Ok(WorkerResponse::Shares(answers))
	}

	/// The cheap checks of a delivered share (its place in the committee, its hash in the
	/// commitment, its kind) and its opened elements, with this member's index and the sharing:
	/// its degree and whether the owner dealt it for a dishonest majority (degree n − 1, with
	/// its MAC) or an honest one (degree t).
	fn open_share(&self, d: ShareDelivery, members: Option<&[AccountId32]>) -> Opened {
		let worker = &self.0;
		let members = members.ok_or("unknown committee")?;
		let me = members.iter().position(|m| *m == worker.account()).ok_or("this worker is not in that committee")?;
		if d.index as usize != me {
			return Err(format!("share #{} sent to member #{me}", d.index));
		}
		if d.share_hashes.len() != members.len() || d.share_hashes[me] != share_hash(&d.sealed) || commitment(&d.pedersen, &d.share_hashes) != d.commitment {
			return Err("the share does not match its commitment".into());
		}
		if !d.kind.is_valid() {
			return Err(format!("{:?} is not a kind of value", d.kind));
		}
		let plain = sealed::open(&worker.keys.encryption, &share_context(d.identity, d.committee, d.index), &d.sealed)
			.ok_or("the share is not sealed to this worker's key")?;
		let elements = decode_all::<Fr>(&plain, 0).map_err(|e| format!("the share is not field elements: {e}"))?;
		let n = members.len();
		let sharing = if committed_input::dealt_for_dishonest_majority(&d.pedersen, n) { (n - 1, true) } else { ((n - 1) / 2, false) };
		// Degree t >= 1 needs three members, degree n - 1 >= 1 two: else one member's share
		// would be the value itself.
		if sharing.0 == 0 {
			return Err(format!("a committee of {n} members cannot keep a value secret{}", if n == 2 { " for an honest majority" } else { "" }));
		}
		Ok((d, me, sharing, elements))
	}

	/// Hands this worker's share of a secret to the account whose declassification the chain
	/// took in block `at`, if it signed `message` (the caller seals the answer to the key the
	/// message names).
	async fn declassify(&self, message: &[u8], secret: H256, who: AccountId32, at: H256, signature: [u8; 64]) -> Result<WorkerResponse, String> {
		if !signed_by(&who, message, signature) {
			return Err("bad signature".into());
		}
		// Anyone can sign: a share this worker does not hold is refused before the chain is
		// read (four reads, a block's events among them).
		if self.0.store.share(&secret).is_none() && self.0.store.kept_runs(&secret).is_none() {
			return Err("no share of that secret held".into());
		}
		self.declassified_at(secret, &who, at).await?;
		let held = self.agreed_share(secret).await?;
		let plain = held.open(&self.0.keys.encryption).ok_or("the stored share no longer opens")?;
		// (A share a task made has no dealer's commitments.)
		let plain = if held.pedersen.is_empty() { owners_part(plain)? } else { plain };
		tracing::info!(target: "worker", "handed share of {secret:?} to its owner for declassification");
		let share = if self.0.misbehave.is_some_and(Misbehaviour::lies_to_owners) { lie_about(&plain) } else { plain };
		if held.pedersen.is_empty() {
			return Ok(WorkerResponse::OutputShare(share));
		}
		Ok(WorkerResponse::DealtShare { share, pedersen: held.pedersen, share_hashes: held.share_hashes })
	}

	/// Whether the chain took `who`'s `declassify` of `secret` in block `at`, finalized and at
	/// most [`DECLASSIFY_WINDOW`] blocks old. The chain checked the Declassify permission then,
	/// the co-signers of a k-of-n grant included (whose consent that call used up, so a check
	/// here could not count them), and recorded the request for anyone to audit. A permission
	/// revoked after the call takes effect for the next request.
	///
	/// A finalized block's events never change: the declassifications found in one are kept
	/// ([`ChainLooks`]), so requests naming it (replayed, or signed by anyone with fresh keys for
	/// any secret this worker holds) cost the node that also carries this worker's commits and
	/// reveals one read of its events, and a finalized number a second.
	async fn declassified_at(&self, secret: H256, who: &AccountId32, at: H256) -> Result<(), String> {
		let chain = &self.0.chain;
		let too_old = |block: u32| format!("the declassification at block #{block} is more than {DECLASSIFY_WINDOW} blocks old: declassify again");
		let mut finalized = self.finalized_number(false).await?;
		let known = self.0.looks.lock().expect("not poisoned").declassification(secret, who, at);
		let (block, asked) = match known {
			Some(found) => found,
			None => {
				let block = request_read(chain.header_at(at)).await.map_err(|e| e.to_string())?.ok_or("the declassification's block is unknown")?.number;
				// (A block finalized within the second: the number kept would call it not yet.)
				if block > finalized {
					finalized = self.finalized_number(true).await?;
				}
				if block > finalized || request_read(chain.block_hash(block)).await.map_err(|e| e.to_string())? != Some(at) {
					return Err(format!("block #{block} of the declassification is not finalized (yet)"));
				}
				// (Checked again below for every request: this spares a too-old block's events.)
				if finalized - block > DECLASSIFY_WINDOW {
					return Err(too_old(block));
				}
				let asked: HashSet<(H256, AccountId32)> = request_read(chain.events(at))
					.await
					.map_err(|e| e.to_string())?
					.into_iter()
					.filter_map(|record| match record.event {
						RuntimeEvent::SecretCompute(pallet_secret_compute::Event::DeclassifyRequested { secret, requester, .. }) => Some((secret, requester)),
						_ => None,
					})
					.collect();
				let found = asked.contains(&(secret, who.clone()));
				self.0.looks.lock().expect("not poisoned").note_block(at, block, asked);
				(block, found)
			},
		};
		if finalized.saturating_sub(block) > DECLASSIFY_WINDOW {
			return Err(too_old(block));
		}
		if !asked {
			return Err(format!("no declassification of {secret:?} by {who} in block #{block}"));
		}
		Ok(())
	}

	/// The finalized block's number, read from the node at most once a second unless `fresh`.
	async fn finalized_number(&self, fresh: bool) -> Result<u32, String> {
		if let Some(number) = self.0.looks.lock().expect("not poisoned").finalized().filter(|_| !fresh) {
			return Ok(number);
		}
		let number = request_read(self.0.chain.finalized_number()).await.map_err(|e| e.to_string())?;
		self.0.looks.lock().expect("not poisoned").note_finalized(number);
		Ok(number)
	}

	/// Hands this worker's share of a private output to a reader of its recipient identity, if
	/// it signed `message` (the caller seals the answer to the key the message names).
	async fn hand_out(&self, message: &[u8], task: H256, output: u32, who: AccountId32, signature: [u8; 64]) -> Result<WorkerResponse, String> {
		if !signed_by(&who, message, signature) {
			return Err("bad signature".into());
		}
		// Whose output it is, first (every run of the task has the same recipient): a client
		// that may not read it is told so, and can tell someone else's output from its own that
		// is not ready yet, whatever this member holds of which run. (And an output not held
		// costs no read of the chain.)
		let recipient = self.0.store.output(&task, output).ok_or("no such output held")?.recipient;
		// At the finalized head: a grant in a block that is later reverted must release nothing.
		let finalized = request_read(self.0.chain.finalized_hash()).await.map_err(|e| e.to_string())?;
		let args = (who, recipient, Permission::Read, Vec::<AccountId32>::new(), None::<H256>);
		let allowed: bool = request_read(self.0.chain.runtime_api("SharedIdentityApi_check_permission", args, Some(finalized))).await.map_err(|e| e.to_string())?;
		if !allowed {
			return Err(enigma_protocol::reconstruct::NOT_A_READER.into());
		}
		let held = self.agreed_output(task, output, finalized).await?;
		let share = held.open(&self.0.keys.encryption, &task, output).ok_or("the stored output share no longer opens")?;
		Ok(WorkerResponse::OutputShare(if self.0.misbehave.is_some_and(Misbehaviour::lies_to_owners) { lie_about(&share) } else { share }))
	}

	/// Stores a client's signed record in the DHT on its behalf (the holders judge it as any put).
	async fn data_put(&self, put: &[u8]) -> Result<WorkerResponse, String> {
		let put = decode::<SignedPut>(put).ok_or("a malformed record")?;
		let dht = self.0.dht.get().ok_or("the DHT is not running")?;
		let receipt = dht.put(&put).await.map_err(|e| e.to_string())?;
		Ok(WorkerResponse::Stored { holders: receipt.holders.len() as u32 })
	}

	/// Fetches a record for a reader who signed the get for this worker's peer (the caller seals
	/// it to the reader's reply key).
	async fn data_get(&self, key: [u8; 32], reader: [u8; 32], signed_at: u64, reply_to: [u8; 32], signature: [u8; 64]) -> Result<WorkerResponse, String> {
		let dht = self.0.dht.get().ok_or("the DHT is not running")?;
		let put = dht.get_signed(&key, reader, signed_at, reply_to, signature).await.map_err(|e| e.to_string())?;
		Ok(WorkerResponse::Data(put.encode()))
	}
}

impl WorkerService {
	/// This worker's share of `secret`. For a secret a task made, where this worker kept shares
	/// of several runs, the share of the run the chain agreed on (the secret's commitment is
	/// that run's transcript root), and none if it did not complete that run.
	async fn agreed_share(&self, secret: H256) -> Result<HeldShare, String> {
		let store = &self.0.store;
		if store.kept_runs(&secret).is_none() {
			return store.share(&secret).ok_or_else(|| "no share of that secret held".into());
		}
		let view = request_read(self.0.secret(secret)).await.map_err(|e| e.to_string())?.ok_or("unknown secret")?;
		store.share_for_run(&secret, &view.commitment).ok_or_else(|| "this member did not complete the run that made this secret".into())
	}

	/// This worker's share of a private output of `task`: where it kept shares of several runs,
	/// the share of the run the chain agreed on by block `at`, and none if it did not complete
	/// that run.
	async fn agreed_output(&self, task: H256, output: u32, at: H256) -> Result<HeldOutput, String> {
		let store = &self.0.store;
		if store.kept_runs(&task).is_none() {
			return store.output(&task, output).ok_or_else(|| "no such output held".into());
		}
		let view: Option<TaskView<AccountId32, Balance, BlockNumber>> =
			request_read(self.0.chain.runtime_api("SecretComputeApi_task", task, Some(at))).await.map_err(|e| e.to_string())?;
		let root = view.and_then(|view| view.result_root).ok_or("the task has no agreed result (yet)")?;
		store.output_for_run(&task, output, &root).ok_or_else(|| "this member did not complete the run the committee agreed on".into())
	}
}

/// Whether `who` signed `message` (sr25519): as the CLI and keyring pairs sign, or as browser
/// wallets sign raw bytes, wrapped in `<Bytes>..</Bytes>` ([`wallet_wrapped`]) so that no
/// page can make them sign a transaction.
fn signed_by(who: &AccountId32, message: &[u8], signature: [u8; 64]) -> bool {
	let (public, signature) = (sr25519::Public::from_raw(who.clone().into()), sr25519::Signature::from_raw(signature));
	sr25519::Pair::verify(&signature, message, &public) || sr25519::Pair::verify(&signature, wallet_wrapped(message), &public)
}

/// What the owner gets of a share a task made when it declassifies the secret: all of it, but of
/// a value a dishonest-majority task kept only the value and the check the owner verifies it
/// by, never the MAC later tasks check it by ([`committed_input::kept_for_owner`]).
fn owners_part(plain: Vec<u8>) -> Result<Vec<u8>, String> {
	let elements = decode_all::<Fr>(&plain, 0).map_err(|e| format!("the stored share is not field elements: {e}"))?;
	if elements.len() != committed_input::KEPT_ELEMENTS {
		return Ok(plain);
	}
	let owners = committed_input::kept_for_owner(&elements).map_err(|e| e.to_string())?;
	Ok(enigma_mpc::field::to_bytes(owners))
}

/// Test mode (`--misbehave`): the share with its value off by one, as a member that wants the
/// owner to see a wrong value would hand it out.
fn lie_about(plain: &[u8]) -> Vec<u8> {
	let mut elements = decode_all::<Fr>(plain, 0).unwrap_or_default();
	if let Some(value) = elements.first_mut() {
		*value += Fr::from(1u64);
	}
	enigma_mpc::field::to_bytes(&elements)
}

/// A delivery opened by [`WorkerService::open_share`]: it, this member's index, the sharing
/// (degree, dealt for a dishonest majority), and the share's elements.
type Opened = Result<(ShareDelivery, usize, (usize, bool), Vec<Fr>), String>;

/// The curve checks of opened deliveries, one verdict each: Pedersen VSS (each share lies on
/// its dealer's committed polynomials, and the value is its bits' weighted sum) and, for a
/// dishonest majority, the owner's proof of its MAC (not for a secret whose share is `held`
/// already: its commitments were proven when it came, by a worker of this version). Each in one
/// multi-scalar multiplication for the whole request. A request with a bad share, or a false
/// proof, is refused whole ([`committed_input::check_together`],
/// [`committed_input::check_mac_proofs_together`]): looking for it would cost a multi-scalar
/// multiplication per share, for anyone who asks.
fn check_shares(checks: Vec<Opened>, held: &HashSet<H256>) -> Vec<Result<ShareDelivery, String>> {
	let mut verdicts: Vec<Result<(), String>> = checks.iter().map(|c| c.as_ref().map(|_| ()).map_err(Clone::clone)).collect();
	// One batch per (member index, degree, MAC'd or not): in practice the whole request.
	let mut groups: BTreeMap<(usize, usize, bool), Vec<usize>> = BTreeMap::new();
	for (i, opened) in checks.iter().enumerate() {
		if let Ok((_, me, sharing, _)) = opened {
			groups.entry((*me, sharing.0, sharing.1)).or_default().push(i);
		}
	}
	let rng = &mut rand::thread_rng();
	for ((me, t, tagged), indices) in groups {
		let opened: Vec<&ShareDelivery> = indices.iter().filter_map(|i| checks[*i].as_ref().ok()).map(|(d, ..)| d).collect();
		let items: Vec<ToCheck> = indices
			.iter()
			.filter_map(|i| checks[*i].as_ref().ok())
			.map(|(d, _, _, elements)| ToCheck { bits: share_bits(d.kind), tagged, commitments: &d.pedersen, share: elements })
			.collect();
		let mut group: Vec<Result<(), committed_input::InputShareError>> = committed_input::check_together(&items, t, me, rng);
		// A dishonest majority's MAC proven by its owner: else the input would fail the MAC
		// check of every task that reads it, with nobody named.
		if tagged {
			let unproven: Vec<usize> = (0..opened.len()).filter(|k| group[*k].is_ok() && !held.contains(&opened[*k].secret())).collect();
			let proofs: Vec<(Option<u32>, &[u8], &[u8])> = unproven.iter().map(|k| (share_bits(opened[*k].kind), &opened[*k].pedersen[..], &opened[*k].mac_proof[..])).collect();
			for (k, proven) in unproven.into_iter().zip(committed_input::check_mac_proofs_together(&proofs, rng)) {
				group[k] = proven;
			}
		}
		for (i, verdict) in indices.iter().zip(group) {
			verdicts[*i] = verdict.map_err(|e| format!("refusing the share: {e}"));
		}
	}
	checks.into_iter().zip(verdicts).map(|(opened, verdict)| verdict.and(opened.map(|(d, ..)| d))).collect()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn chain_looks_keep_finalized_blocks_declassifications_and_the_finalized_number_a_second() {
		let mut looks = ChainLooks::default();
		let (secret, who, at) = (H256::repeat_byte(1), AccountId32::new([2; 32]), H256::repeat_byte(3));
		assert_eq!(looks.declassification(secret, &who, at), None);
		looks.note_block(at, 40, [(secret, who.clone())].into());
		// Any request naming the block is answered from what it holds: the declassification it
		// has, and (without another read) another account's or another secret's it has not.
		assert_eq!(looks.declassification(secret, &who, at), Some((40, true)));
		assert_eq!(looks.declassification(secret, &AccountId32::new([4; 32]), at), Some((40, false)));
		assert_eq!(looks.declassification(H256::repeat_byte(5), &who, at), Some((40, false)));
		// Another block is read.
		assert_eq!(looks.declassification(secret, &who, H256::repeat_byte(6)), None);
		// Bounded: past KEPT blocks, what was kept is forgotten and read again when asked.
		for i in 0..ChainLooks::KEPT as u64 {
			looks.note_block(H256::from_low_u64_be(i + 10), i as u32, HashSet::new());
		}
		assert!(looks.blocks.len() <= ChainLooks::KEPT);
		assert_eq!(looks.declassification(secret, &who, at), None);
		// The finalized number is taken for a second, then read again.
		assert_eq!(looks.finalized(), None);
		looks.note_finalized(77);
		assert_eq!(looks.finalized(), Some(77));
		looks.finalized = Some((std::time::Instant::now() - ChainLooks::FINALIZED_FOR, 77));
		assert_eq!(looks.finalized(), None);
	}

	/// What each of four members makes of its shares of `values`, each dealt as it says, opened
	/// as [`WorkerService::open_share`] opens them and checked in one request per member, each
	/// member holding its shares already if `holding`. Verdicts by value, then member.
	fn verdicts(values: &[(u128, enigma_protocol::dealing::How)], holding: bool) -> Vec<Result<ShareDelivery, String>> {
		let opened = opened(values);
		let held = opened.iter().flatten().map(|(d, ..)| d.secret()).filter(|_| holding).collect();
		check_shares(opened, &held)
	}

	/// Each of four members' shares of `values`, opened: by value, then member.
	fn opened(values: &[(u128, enigma_protocol::dealing::How)]) -> Vec<Opened> {
		use x25519_dalek::{PublicKey, StaticSecret};
		let secrets: Vec<StaticSecret> = (0..4).map(|_| StaticSecret::random_from_rng(rand::rngs::OsRng)).collect();
		let keys: Vec<[u8; 32]> = secrets.iter().map(|s| PublicKey::from(s).to_bytes()).collect();
		let kind = enigma_protocol::ValueKind::Int { bits: 32 };
		values
			.iter()
			.flat_map(|(value, how)| enigma_protocol::dealing::deal_one(*value, H256::repeat_byte(1), 7, &keys, kind, *how).unwrap())
			.zip(secrets.iter().enumerate().cycle())
			.map(|(d, (me, secret))| {
				let plain = sealed::open(secret, &share_context(d.identity, d.committee, d.index), &d.sealed).unwrap();
				let tagged = committed_input::dealt_for_dishonest_majority(&d.pedersen, 4);
				Ok((d, me, (if tagged { 3 } else { 1 }, tagged), decode_all::<Fr>(&plain, 0).unwrap()))
			})
			.collect()
	}

	/// The attack: one share off its dealer's polynomials among a request's 256 made the member
	/// check every share alone to name it, a multi-scalar multiplication each, for anyone who
	/// sends such requests. The member now refuses the request whole after one batch; the
	/// other members, whose shares are good, take theirs.
	#[test]
	fn a_request_with_a_share_off_its_polynomials_is_refused_whole() {
		use enigma_protocol::dealing::How;
		let values = [(5, How::HonestMajority), (6, How::DishonestMajority), (7, How::HonestMajority), (8, How::HonestMajority)];
		let mut opened = opened(&values);
		// Member 0's share of the third value (member 0 holds every fourth): its blind, which
		// only the commitments' equations check.
		if let Ok((_, me, _, elements)) = &mut opened[8] {
			assert_eq!(*me, 0);
			*elements.last_mut().unwrap() += Fr::from(1u64);
		}
		let verdicts = check_shares(opened, &HashSet::new());
		for (i, verdict) in verdicts.iter().enumerate() {
			match (i % 4, i / 4) {
				// (The dishonest-majority share is a batch of its own.)
				(0, value) if value != 1 => assert!(verdict.as_ref().is_err_and(|e| e.contains("so none is taken")), "share {i}: {verdict:?}"),
				_ => assert!(verdict.is_ok(), "share {i}: {verdict:?}"),
			}
		}
	}

	/// An owner whose MAC is not its key times its value would have every task reading the
	/// input fail its MAC check with nobody named: the members refuse its shares instead.
	#[test]
	fn a_member_refuses_a_dealing_whose_mac_is_not_proven() {
		use enigma_protocol::dealing::How;
		let lie = How::Lie(committed_input::Dishonesty::WrongMacTag);
		let honest = verdicts(&[(4_000_000_000, How::HonestMajority), (4_000_000_000, How::DishonestMajority), (7, How::DishonestMajority)], false);
		assert!(honest.iter().all(Result::is_ok), "{honest:?}");
		for verdict in verdicts(&[(4_000_000_000, lie)], false) {
			let refusal = verdict.unwrap_err();
			assert!(refusal.contains("refusing the share: the owner's MAC is not proven"), "{refusal}");
		}
		// A request with a false proof is refused whole (each member's proofs are checked in one
		// batch, which anyone could make fail to have every proof checked alone); the
		// honest-majority share in it, which has no proof, is not.
		let mixed = verdicts(&[(5, How::DishonestMajority), (6, lie), (8, How::HonestMajority)], false);
		assert!(mixed[..8].iter().all(|v| v.as_ref().is_err_and(|e| e.contains("none is taken"))), "{mixed:?}");
		assert!(mixed[8..].iter().all(Result::is_ok));
		// A share held already was proven when it came (its secret's id binds the commitments
		// the proof is about): a delivery again costs no proof.
		assert!(verdicts(&[(1, lie)], true).iter().all(Result::is_ok));
	}

	fn delivery(identity: u8, committee: u32) -> ShareDelivery {
		ShareDelivery {
			identity: H256::repeat_byte(identity),
			committee,
			commitment: H256::zero(),
			index: 0,
			kind: enigma_protocol::ValueKind::Field,
			pedersen: Vec::new(),
			share_hashes: Vec::new(),
			sealed: Vec::new(),
			mac_proof: Vec::new(),
		}
	}

	/// However many requests read the chain at once, at most [`REQUEST_READS`] reads are under
	/// way: the others wait their turn, and the worker's own reads and submissions go by.
	#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
	async fn requests_read_the_chain_a_few_at_a_time() {
		use std::sync::atomic::{AtomicUsize, Ordering};
		let (now, most) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
		let reads = (0..40).map(|_| {
			let (now, most) = (now.clone(), most.clone());
			tokio::spawn(request_read(async move {
				most.fetch_max(now.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
				tokio::time::sleep(std::time::Duration::from_millis(20)).await;
				now.fetch_sub(1, Ordering::SeqCst);
			}))
		});
		for read in reads.collect::<Vec<_>>() {
			read.await.unwrap();
		}
		assert_eq!(most.load(Ordering::SeqCst), REQUEST_READS);
	}

	/// Every committee and identity a delivery names costs the member a read of the chain before
	/// any share is checked: a request naming hundreds is refused before the first read.
	#[test]
	fn a_delivery_naming_many_committees_or_identities_is_refused_unread() {
		let one_registration: Vec<ShareDelivery> = (0..MAX_SHARES_PER_REQUEST).map(|_| delivery(1, 7)).collect();
		assert_eq!(delivery_fits(&one_registration), Ok(()));
		let committees: Vec<ShareDelivery> = (0..=MAX_LOOKUPS_PER_DELIVERY as u32).map(|c| delivery(1, c)).collect();
		assert!(delivery_fits(&committees).unwrap_err().contains("committees"));
		let identities: Vec<ShareDelivery> = (0..=MAX_LOOKUPS_PER_DELIVERY as u8).map(|i| delivery(i, 7)).collect();
		assert!(delivery_fits(&identities).is_err());
		let too_many: Vec<ShareDelivery> = (0..=MAX_SHARES_PER_REQUEST).map(|_| delivery(1, 7)).collect();
		assert!(delivery_fits(&too_many).is_err());
	}
}
