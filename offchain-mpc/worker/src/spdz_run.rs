//! A dishonest-majority task's run (SPDZ), and the preprocessing each committee keeps for the
//! next one.
//!
//! The run is publicly auditable SPDZ ([`enigma_mpc::audit`], BDO14): every member commits to
//! its shares of the material in BLS12-381 G1 and opens each value with the blind that opens its
//! commitment, so a member that opens a wrong value is named, and anyone can re-check the run
//! from its transcript. The members keep the transcript ([`crate::store::WorkerStore::put_transcript`])
//! and hand it to whoever asks (`WorkerRequest::Transcript`); its root is in the result the
//! chain takes (`enigma_chain::offchain::result_root`), so `enigma task audit` checks a task
//! from the chain and the members' answers alone. The MASCOT triples enter without their MACs:
//! every other one is sacrificed against the commitments, so a batch holds twice the triples
//! the task multiplies with ([`enigma_mpc::audit::Layout::preprocessing`]).
//!
//! MASCOT material costs far more than the run that uses it (`docs/benchmarks.md`), so after a
//! successful run the members make a batch for their committee's next task in the same session,
//! as large as this task needed, and keep it in their databases, sealed to their own keys (it
//! holds their MAC key shares). The next task of the committee starts with one round in which
//! each member names the smallest batch it holds that covers the task: when every member names
//! the same one, the run uses it and no preprocessing is made before it; otherwise (a member
//! restarted mid-batch, another task took it, the task is larger) the members make the
//! material as before. A batch is taken out of the store when a member names it, so two tasks
//! never use the same one, and dropped if the members did not agree on it (put back, a member
//! that sent its name to some members only kept the others out of step).
//!
//! A committee's first batch is made ahead of its first task ([`stock_first_batch`]): when a
//! secret shared for a dishonest majority becomes ready on a committee whose members hold no
//! batch, they make one of [`first_batch`]'s size in the background. It
//! costs the members work nobody paid for, so a worker makes a few such batches an hour at most
//! ([`FIRST_BATCHES`]), and a dissolved committee's stock is dropped. Every batch's name is drawn
//! by its members together ([`batch_name`]), so no two batches share one.

use crate::store::WorkerStore;
use enigma_mpc::{
	audit::{triple_shares, Auditable, Layout},
	circuit::{execute_held, Circuit, HeldInput},
	field::Fr,
	mascot::Mascot,
	preprocessing::{Plan, Store},
	transport::{stoppable::Stoppable, Net, Transport},
	Mpc, MpcError,
};
use codec::Encode;
use pallet_secret_compute::Security;
use sp_core::H256;
use std::sync::Arc;

/// Batches kept per committee (the oldest beyond go).
const KEEP: usize = 2;

/// The largest batch made for the stock (in triples made, twice a task's multiplications): a
/// larger task makes its own material, and a requester cannot have the members make an
/// unbounded amount for nothing.
const MAX_STOCK_TRIPLES: usize = 20_000;

/// One refill at a time per worker: a refill holds a thread for as long as its members keep
/// sending (each frame within the transport's timeout), and must not take the threads tasks
/// and the compiler need. A refill that cannot start is skipped; the next task makes its own.
static REFILLING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// This worker's one refill under way ([`REFILLING`]); over when dropped.
struct Refill;

impl Refill {
	fn start() -> Option<Refill> {
		use std::sync::atomic::Ordering;
		REFILLING.compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire).ok().map(|_| Refill)
	}
}

impl Drop for Refill {
	fn drop(&mut self) {
		REFILLING.store(false, std::sync::atomic::Ordering::Release);
	}
}

/// Unpaid first batches a worker makes at most: [`FIRST_BATCH_BURST`] at once, then one per
/// [`FIRST_BATCH_EVERY`]. Anyone can have a committee drawn and a secret registered on it (and
/// get the deposits back), so this bounds the work nobody pays for; beyond it, a committee's
/// first task makes its own material.
static FIRST_BATCHES: std::sync::Mutex<Option<(f64, std::time::Instant)>> = std::sync::Mutex::new(None);
const FIRST_BATCH_BURST: f64 = 4.0;
const FIRST_BATCH_EVERY: std::time::Duration = std::time::Duration::from_secs(900);

/// Takes one first batch from the budget ([`FIRST_BATCHES`]), if any is left.
fn first_batch_allowed() -> bool {
	let mut budget = FIRST_BATCHES.lock().unwrap_or_else(|e| e.into_inner());
	let now = std::time::Instant::now();
	let (tokens, since) = budget.unwrap_or((FIRST_BATCH_BURST, now));
	let tokens = (tokens + now.duration_since(since).as_secs_f64() / FIRST_BATCH_EVERY.as_secs_f64()).min(FIRST_BATCH_BURST);
	let allowed = tokens >= 1.0;
	*budget = Some((if allowed { tokens - 1.0 } else { tokens }, now));
	allowed
}

/// A committee's first batch, for `n` members: enough for the salary survey of five u32
/// salaries (2,675 triples, and as many sacrificed), or the millionaires several times over.
/// The members make their random values and masks themselves, committed. A larger first task
/// makes its own material.
pub fn first_batch(n: usize) -> Plan {
	Plan { triples: 6_000, randoms: 0, masks: vec![0; n] }
}

/// What a run produced: its outputs, statistics and its transcript's root (which covers every
/// value it opened).
pub type Done = (Vec<(String, enigma_mpc::circuit::HeldOutput<Fr>)>, enigma_mpc::Stats, [u8; 32]);

/// Where a member keeps its committee's batches (and the task's transcript).
pub struct Stock {
	pub store: WorkerStore,
	pub committee: u32,
	pub public: [u8; 32],
	pub secret: x25519_dalek::StaticSecret,
}

/// Runs `task`'s `circuit` on `held` with auditable SPDZ with every member of the committee
/// (`n`), on a batch from the stock or material made now; keeps the run's transcript, hands the
/// outcome to `done` as soon as it is known, then, after a successful run, makes the
/// committee's next batch in the same session.
pub fn run<T: Transport>(
	transport: T,
	n: usize,
	task: H256,
	circuit: Arc<Circuit>,
	held: Arc<Vec<Vec<HeldInput<Fr>>>>,
	stock: Stock,
	done: tokio::sync::oneshot::Sender<Result<Done, MpcError>>,
) {
	let (transport, batch_deadline) = bounded(transport);
	let mut net = Net::new(transport);
	let brought: Vec<&HeldInput<Fr>> = held.iter().flatten().collect();
	let layout = Layout::for_held(&circuit, n, &brought);
	let plan = layout.preprocessing();
	let outcome = (|| {
		let (material, mut mascot) = match from_stock(&mut net, &stock, &plan)? {
			Some(material) => (material, None),
			None => {
				let mut mascot = Mascot::<Fr>::setup(&mut net)?;
				let material = mascot.generate(&mut net, &plan)?;
				(material, Some(mascot))
			},
		};
		// (A batch from the stock may hold more than this task takes.)
		let mut triples = triple_shares(&material);
		triples.truncate(plan.triples);
		let mut mpc = Auditable::setup(net, layout, &triples)?;
		let outputs = execute_held(&mut mpc, &circuit, &held)?;
		let transcript = mpc.transcript().to_bytes();
		let root = enigma_mpc::audit::root_of(&transcript);
		// Kept before the result goes out: whoever audits the task asks the members for it.
		match stock.store.put_transcript(&task, &transcript) {
			Ok(()) => tracing::info!(target: "worker", "task {task:?}: kept its audit transcript ({} bytes, root 0x{})", transcript.len(), hex::encode(root)),
			Err(e) => tracing::warn!(target: "worker", "task {task:?}: keeping the transcript: {e}; this member cannot hand it out"),
		}
		let result = (outputs, mpc.stats(), root);
		Ok::<_, MpcError>((result, mpc.into_net(), mascot.take()))
	})();
	let (result, mut net, mascot) = match outcome {
		Ok(ran) => ran,
		Err(e) => {
			let _ = done.send(Err(e));
			return;
		},
	};
	let _ = done.send(Ok(result));
	// The next task's batch, while the members answer this one on chain.
	let refill = (plan.triples <= MAX_STOCK_TRIPLES).then(Refill::start).flatten();
	let Some(_refill) = refill else {
		tracing::info!(target: "worker", "no preprocessing kept for committee {}: too large, or another refill is under way", stock.committee);
		return;
	};
	batch_deadline.start(n);
	let refilled = batch_name(&mut net).and_then(|name| {
		let material = match mascot {
			Some(mut mascot) => mascot.generate(&mut net, &plan),
			None => Mascot::<Fr>::setup(&mut net).and_then(|mut mascot| mascot.generate(&mut net, &plan)),
		};
		material.map(|material| (name, material))
	});
	keep(&stock, refilled, plan.triples);
}

/// A new batch's name, drawn by its members together: each brings 32 random bytes and the name
/// is the hash of them all, so no name comes back while one honest member is among them. (A
/// name taken from the task or the secret would be the same for two batches made for it, say
/// when a task runs again: members that kept different ones would agree on the name and run on
/// material that does not match, and a batch's name in the spent log would refuse the next.)
fn batch_name<T: Transport>(net: &mut Net<T>) -> Result<H256, MpcError> {
	let mut mine = [0u8; 32];
	rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut mine);
	net.round();
	let all = net.all_to_all(&mine)?;
	if let Some(from) = all.iter().position(|bytes| bytes.len() != 32) {
		return Err(MpcError::Malformed { from, reason: "a batch name's share is not 32 bytes".into() });
	}
	let name = sp_crypto_hashing::blake2_256(&(b"enigma/batch-name/v1", all).encode());
	// Everyone shows everyone the name: a member that sent different bytes to different members
	// is caught here (named), instead of leaving the honest ones with batches of different names
	// that never agree later.
	net.agree(&name)?;
	Ok(H256(name))
}

/// Puts a batch just made, under its name (or the reason there is none), in the stock, and says so.
fn keep(stock: &Stock, made: Result<(H256, Store<Fr>), MpcError>, triples: usize) {
	match made.map(|(batch, material)| (batch, stock.store.put_stock(stock.committee, batch, &stock.public, &material.to_bytes(), KEEP))) {
		Ok((batch, Ok(()))) => tracing::info!(target: "worker", "kept preprocessing for committee {} (batch {batch:?}: {triples} triples)", stock.committee),
		Ok((_, Err(e))) => tracing::warn!(target: "worker", "keeping preprocessing for committee {}: {e}", stock.committee),
		Err(e) => tracing::info!(target: "worker", "no preprocessing kept for committee {}: {e}", stock.committee),
	}
}

/// Makes `committee`'s first batch with its other members, if this member holds none and makes
/// no other batch now, once `secret` (shared for a dishonest majority on it) is ready: every
/// member sees the same event, so they meet in the same session, named after the secret. A member
/// that does not come (it holds a batch, or makes another) lets the session time out, and the
/// committee's first task makes its own material.
pub async fn stock_first_batch(worker: Arc<crate::worker::Worker>, secret: H256) {
	let view = match worker.secret(secret).await {
		Ok(Some(view)) if view.security == Security::DishonestMajority && view.ready => view,
		Ok(_) => return,
		Err(e) => return tracing::info!(target: "worker", "no first batch for secret {secret:?}'s committee: {e}"),
	};
	let committee = view.committee;
	let n = view.members.len();
	let Some(me) = view.members.iter().position(|m| *m == worker.account()) else { return };
	// (A batch spent before a power loss may be listed again; it does not count.)
	if worker.store.stock(committee).iter().any(|batch| !worker.store.is_spent(committee, batch)) {
		return;
	}
	let Some(refill) = Refill::start() else {
		return tracing::info!(target: "worker", "no first batch for committee {committee} now: another refill is under way");
	};
	if !first_batch_allowed() {
		return tracing::info!(target: "worker", "no first batch for committee {committee}: this worker made {FIRST_BATCH_BURST} in the last hour; its first task makes its own");
	}
	let (Ok(peers), Some(dht)) = (worker.peer_ids(&view.members).await, worker.dht.get().cloned()) else {
		return tracing::info!(target: "worker", "no first batch for committee {committee}: its members' peers are unknown");
	};
	let session: [u8; 32] = sp_crypto_hashing::blake2_256(&(b"enigma/first-batch/v1", committee, secret).encode());
	let transport = match dht.mpc_channel(session, peers, BATCH_FRAME_TIMEOUT) {
		Ok(channel) => channel,
		Err(e) => return tracing::info!(target: "worker", "no first batch for committee {committee}: {e}"),
	};
	let stock = Stock { store: worker.store.clone(), committee, public: worker.keys.encryption_public(), secret: worker.keys.encryption.clone() };
	tracing::info!(target: "worker", "making committee {committee}'s first batch with its {n} members (member #{me})");
	let made = tokio::task::spawn_blocking(move || {
		let _refill = refill;
		let (transport, deadline) = bounded(transport);
		deadline.start(n);
		let mut net = Net::new(transport);
		let plan = first_batch(n);
		let made = batch_name(&mut net).and_then(|name| Ok((name, Mascot::<Fr>::setup(&mut net)?.generate(&mut net, &plan)?)));
		keep(&stock, made, plan.triples);
	});
	if let Err(e) = made.await {
		tracing::warn!(target: "worker", "the first batch's thread: {e}");
	}
}

/// How long a member making a batch waits for another's frame: a pass of MASCOT (the largest
/// messages) on a loaded machine, not a task's run.
const BATCH_FRAME_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// What a member names when it holds no batch for the task.
const NONE: H256 = H256::repeat_byte(0xff);

/// One round: every member names the smallest batch it holds that covers `plan` (taking it out of
/// its store) or none; the batch if every member named the same one. A batch taken and not used
/// (another name differs, or one did not come) is dropped, so members whose stocks were in step
/// stay in step whatever one member sends whom. (A member that names different batches to
/// different members makes the run fail, which it could anyway; the honest members' material is
/// never used twice.)
fn from_stock<T: Transport>(net: &mut Net<T>, stock: &Stock, plan: &Plan) -> Result<Option<Store<Fr>>, MpcError> {
	let offer = stock.store.take_stock(stock.committee, &stock.secret, |bytes| Store::<Fr>::from_bytes(bytes).filter(|material| material.covers(plan)));
	let named = offer.as_ref().map_or(NONE, |(batch, _)| *batch);
	net.round();
	let names = net.all_to_all(named.as_bytes());
	let agreed = names.as_ref().is_ok_and(|names| names.iter().all(|name| name.as_slice() == named.as_bytes()));
	match offer {
		Some((batch, material)) if agreed => {
			// On disk before any of it is used: material used twice leaks.
			stock.store.spend_stock(stock.committee, batch).map_err(|e| MpcError::InvalidParameters(format!("preprocessing batch {batch:?} cannot be used: {e}")))?;
			tracing::info!(target: "worker", "preprocessing from committee {}'s stock (batch {batch:?})", stock.committee);
			Ok(Some(material))
		},
		// Another name differs, or one did not come: dropped, not put back. The member that
		// named another batch, none, or nothing to this member only would otherwise keep it out
		// of step with the others (who spent the batch) task after task, each naming a batch the
		// others no longer hold, until neither held any.
		Some((batch, _)) => {
			tracing::warn!(target: "worker", "committee {}: preprocessing batch {batch:?} not named by every member: dropped", stock.committee);
			if let Err(e) = stock.store.spend_stock(stock.committee, batch) {
				tracing::warn!(target: "worker", "dropping preprocessing batch {batch:?}: {e}");
			}
			names.map(|_| None)
		},
		None => names.map(|_| None),
	}
}

/// How long a batch for `n` members may take: a minute per other member and one more, several
/// times what MASCOT needs for [`first_batch`] on a loaded 2-core machine.
fn batch_time(n: usize) -> std::time::Duration {
	std::time::Duration::from_secs(60 * n.max(1) as u64)
}

/// A transport that stops at a deadline once one is set ([`BatchDeadline::start`]): a member
/// that sends each frame just within the per-frame timeout must not keep this worker's one
/// refill (and a thread) for as long as it likes.
fn bounded<T: Transport>(inner: T) -> (impl Transport, BatchDeadline) {
	let until: Arc<std::sync::Mutex<Option<std::time::Instant>>> = Arc::default();
	let deadline = BatchDeadline(until.clone());
	let past = move || match *until.lock().unwrap_or_else(|e| e.into_inner()) {
		Some(until) if std::time::Instant::now() > until => Some(MpcError::Preprocessing("the batch ran past its time".into())),
		_ => None,
	};
	(Stoppable::new(inner, past), deadline)
}

/// Sets the deadline of a [`bounded`] transport that a [`Net`] owns.
struct BatchDeadline(Arc<std::sync::Mutex<Option<std::time::Instant>>>);

impl BatchDeadline {
	fn start(&self, n: usize) {
		*self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(std::time::Instant::now() + batch_time(n));
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use enigma_mpc::transport::mem;

	#[test]
	fn a_batch_stops_at_its_deadline_and_not_before_one_is_set() {
		let mut parties = mem::network(2).into_iter();
		let (mut a, deadline) = bounded(parties.next().unwrap());
		let mut b = parties.next().unwrap();
		// No deadline yet (the task's own run): frames flow.
		a.send(1, vec![1]).unwrap();
		assert_eq!(b.recv(0).unwrap(), vec![1]);
		deadline.start(2);
		b.send(0, vec![2]).unwrap();
		assert_eq!(a.recv(1).unwrap(), vec![2]);
		// Past it, nothing more is sent or waited for.
		*deadline.0.lock().unwrap() = Some(std::time::Instant::now() - std::time::Duration::from_secs(1));
		assert!(matches!(a.send(1, vec![3]), Err(MpcError::Preprocessing(_))));
		b.send(0, vec![4]).unwrap();
		assert!(matches!(a.recv(1), Err(MpcError::Preprocessing(_))));
	}

	/// Issue #15: a batch the members agree on is spent on disk before use; when it comes back
	/// into a member's stock (a power loss undid the take) and the others name it again, that
	/// member does not use it: no agreement, no material.
	#[test]
	fn an_agreed_batch_is_spent_and_never_agreed_on_again() {
		let plan = Plan { triples: 4, randoms: 4, masks: vec![1, 1] };
		let batch = H256::repeat_byte(5);
		let dirs: Vec<_> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
		// Each store with its worker's key, the same across restarts.
		let keys: Vec<_> = (0..3).map(|_| x25519_dalek::StaticSecret::random_from_rng(rand::thread_rng())).collect();
		let stock_in = |member: usize| {
			let secret = keys[member].clone();
			let public = x25519_dalek::PublicKey::from(&secret).to_bytes();
			Stock { store: WorkerStore::open(dirs[member].path()).unwrap(), committee: 3, public, secret }
		};
		let stock_batch = |stock: &Stock, member: usize| {
			let material = enigma_mpc::preprocessing::trusted_dealer_for_tests::store::<Fr>(9, 2, member, &plan);
			stock.store.put_stock(3, batch, &stock.public, &material.to_bytes(), 2).unwrap();
		};
		let run = |stocks: &[Stock]| -> Vec<bool> {
			std::thread::scope(|scope| {
				let runs: Vec<_> = mem::network(2)
					.into_iter()
					.zip(stocks)
					.map(|(transport, stock)| {
						let plan = plan.clone();
						scope.spawn(move || from_stock(&mut Net::new(transport), stock, &plan).unwrap().is_some())
					})
					.collect();
				runs.into_iter().map(|r| r.join().unwrap()).collect()
			})
		};
		let stocks = vec![stock_in(0), stock_in(1)];
		stock_batch(&stocks[0], 0);
		stock_batch(&stocks[1], 1);
		assert_eq!(run(&stocks), vec![true, true], "both use the batch they agree on");
		assert!(stocks.iter().all(|s| s.store.is_spent(3, &batch)), "spent before use");
		// A power loss undoes member 0's take: the database it reopens holds the batch again.
		// Member 1 (another store: it kept the material on purpose) names it again.
		stock_batch(&stocks[0], 0);
		drop(stocks);
		let stocks = vec![stock_in(0), stock_in(2)];
		stock_batch(&stocks[1], 1);
		assert!(stocks[0].store.is_spent(3, &batch) && !stocks[1].store.is_spent(3, &batch));
		assert_eq!(run(&stocks), vec![false, false], "member 0 passes over it: no agreement, nothing used");
	}

	/// Attacker review: a member that names the batch to one honest member and none to another
	/// splits them once (one runs on the batch, the other makes material anew): the task fails,
	/// which it could make happen anyway. The batch named alone is dropped, not put back first,
	/// so the split does not last: put back, the member held it out of step task after task.
	#[test]
	fn a_batch_named_to_some_members_only_does_not_split_them_for_good() {
		let plan = Plan { triples: 4, randoms: 4, masks: vec![1, 1, 1] };
		let dirs: Vec<_> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
		let stocks: Vec<Stock> = (0..2)
			.map(|member| {
				let secret = x25519_dalek::StaticSecret::random_from_rng(rand::thread_rng());
				let public = x25519_dalek::PublicKey::from(&secret).to_bytes();
				Stock { store: WorkerStore::open(dirs[member].path()).unwrap(), committee: 3, public, secret }
			})
			.collect();
		// Both honest members stock `batch`, then name theirs while the third member plays
		// `liar`; whether each used a batch.
		let with_a_liar = |batch: H256, liar: &dyn Fn(Net<mem::MemTransport>)| -> Vec<bool> {
			for (member, stock) in stocks.iter().enumerate() {
				let material = enigma_mpc::preprocessing::trusted_dealer_for_tests::store::<Fr>(9, 3, member, &plan);
				stock.store.put_stock(3, batch, &stock.public, &material.to_bytes(), 2).unwrap();
			}
			std::thread::scope(|scope| {
				let mut parties = mem::network(3).into_iter();
				let honest: Vec<_> = stocks
					.iter()
					.map(|stock| {
						let (transport, plan) = (parties.next().unwrap(), plan.clone());
						scope.spawn(move || from_stock(&mut Net::new(transport), stock, &plan).is_ok_and(|material| material.is_some()))
					})
					.collect();
				liar(Net::new(parties.next().unwrap()));
				honest.into_iter().map(|h| h.join().unwrap()).collect()
			})
		};
		let batch = H256::repeat_byte(6);
		let used = with_a_liar(batch, &|mut liar| {
			liar.round();
			liar.send(0, batch.as_bytes()).unwrap();
			liar.send(1, NONE.as_bytes()).unwrap();
			let _ = (liar.recv(0), liar.recv(1));
		});
		assert_eq!(used, vec![true, false], "member 0 saw every name agree, member 1 did not");
		assert!(stocks.iter().all(|s| s.store.is_spent(3, &batch)), "neither holds the batch any more: the next task finds them in step");

		// The same with nothing sent to member 1 (its names never all come): it does not put
		// the batch back either. (Put back, it named it at the next task while member 0 named its
		// next one: both dropped theirs, and so on until neither held any.)
		let batch = H256::repeat_byte(7);
		let used = with_a_liar(batch, &|mut liar| {
			liar.round();
			liar.send(0, batch.as_bytes()).unwrap();
			let _ = liar.recv(0);
		});
		assert_eq!(used, vec![true, false]);
		assert!(stocks.iter().all(|s| s.store.is_spent(3, &batch) && s.store.stock(3).is_empty()), "neither holds it: in step");
	}

	/// Issue #15: every member of a batch gets the same name, and no two batches get the same
	/// one, even for the same task run twice.
	#[test]
	fn batch_names_are_drawn_together_and_never_repeat() {
		let draw = || -> Vec<H256> {
			std::thread::scope(|scope| {
				let members: Vec<_> = mem::network(3).into_iter().map(|t| scope.spawn(move || batch_name(&mut Net::new(t)).unwrap())).collect();
				members.into_iter().map(|m| m.join().unwrap()).collect()
			})
		};
		let (first, second) = (draw(), draw());
		assert!(first.iter().all(|name| *name == first[0]) && second.iter().all(|name| *name == second[0]));
		assert_ne!(first[0], second[0]);
		// A member that sends something else is named.
		let failed = std::thread::scope(|scope| {
			let mut parties = mem::network(2).into_iter();
			let (honest, liar) = (parties.next().unwrap(), parties.next().unwrap());
			let honest = scope.spawn(move || batch_name(&mut Net::new(honest)));
			let mut liar = Net::new(liar);
			liar.round();
			liar.all_to_all(&[1; 31]).unwrap();
			honest.join().unwrap()
		});
		assert!(matches!(failed, Err(MpcError::Malformed { from: 1, .. })), "{failed:?}");
		// A member that sends each member different bytes is named when they compare names.
		let named = std::thread::scope(|scope| {
			let mut parties = mem::network(3).into_iter();
			let honest: Vec<_> = (0..2).map(|_| parties.next().unwrap()).map(|t| scope.spawn(move || batch_name(&mut Net::new(t)))).collect();
			let mut liar = Net::new(parties.next().unwrap());
			liar.round();
			liar.send(0, &[1; 32]).unwrap();
			liar.send(1, &[2; 32]).unwrap();
			let _ = (liar.recv(0), liar.recv(1));
			// The names are compared: the two honest members computed different ones.
			liar.round();
			liar.send(0, &[9; 32]).unwrap();
			liar.send(1, &[9; 32]).unwrap();
			let _ = (liar.recv(0), liar.recv(1));
			honest.into_iter().map(|h| h.join().unwrap()).collect::<Vec<_>>()
		});
		assert!(named.iter().all(Result::is_err), "{named:?}");
	}

	/// Issue #14: a dishonest-majority run on the committee's stock is auditable: the members
	/// keep the same transcript, whose root is what the result commits to; a member that opens a
	/// false share (`--misbehave wrong-opening`) is named by the other, before any output.
	#[test]
	fn a_run_keeps_its_transcript_and_names_a_false_opening() {
		use enigma_mpc::{committed_input, transport::faulty::Faulty};
		let source = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/contracts/millionaires.enigma")).unwrap();
		let circuit = Arc::new(enigma_lang::compile(&source, "richer", &Default::default(), 2).unwrap().circuit);
		let dealt: Vec<_> = [9u128, 2].into_iter().map(|v| committed_input::deal_tagged(v, Some(64), 2, &mut rand::thread_rng()).unwrap()).collect();
		let task = H256::repeat_byte(1);
		let run_with = |liar: Option<usize>| -> Vec<(Result<Done, MpcError>, WorkerStore)> {
			let dirs: Vec<_> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
			std::thread::scope(|scope| {
				let members: Vec<_> = mem::network(2)
					.into_iter()
					.zip(&dirs)
					.enumerate()
					.map(|(member, (transport, dir))| {
						let held: Vec<Vec<HeldInput<Fr>>> = dealt.iter().map(|d| vec![committed_input::held_tagged(Some(64), &d.shares[member], &d.commitments).unwrap()]).collect();
						let secret = x25519_dalek::StaticSecret::random_from_rng(rand::thread_rng());
						let public = x25519_dalek::PublicKey::from(&secret).to_bytes();
						let stock = Stock { store: WorkerStore::open(dir.path()).unwrap(), committee: 3, public, secret };
						// The committee's stock: a batch from the test dealer (a fixture) that covers the task.
						let plan = Layout::for_held(&circuit, 2, &held.iter().flatten().collect::<Vec<_>>()).preprocessing();
						let material = enigma_mpc::preprocessing::trusted_dealer_for_tests::store::<Fr>(9, 2, member, &plan);
						stock.store.put_stock(3, H256::repeat_byte(5), &stock.public, &material.to_bytes(), KEEP).unwrap();
						let faults = if liar == Some(member) { crate::worker::Misbehaviour::WrongOpening.faults(member, 2, true, true) } else { vec![] };
						let circuit = circuit.clone();
						scope.spawn(move || {
							let store = stock.store.clone();
							let (sent, outcome) = tokio::sync::oneshot::channel();
							run(Faulty::new(transport, faults), 2, task, circuit, Arc::new(held), stock, sent);
							(outcome.blocking_recv().unwrap(), store)
						})
					})
					.collect();
				members.into_iter().map(|m| m.join().unwrap()).collect()
			})
		};
		let honest = run_with(None);
		for (outcome, store) in &honest {
			let (outputs, _, root) = outcome.as_ref().unwrap();
			assert!(matches!(outputs[0].1, enigma_mpc::circuit::HeldOutput::Public(v) if v == Fr::from(1u64)), "9 > 2");
			let transcript = store.transcript(&task).expect("kept");
			assert_eq!(enigma_mpc::audit::root_of(&transcript), *root, "the root the result commits to is the kept transcript's");
			assert_eq!(enigma_mpc::audit::audit(&circuit, &enigma_mpc::audit::Transcript::from_bytes(&transcript).unwrap()).unwrap()[0].1, Some(Fr::from(1u64)));
		}
		let lied = run_with(Some(1));
		assert_eq!(lied[0].0.as_ref().err(), Some(&MpcError::CommitmentMismatch { party: 1 }), "the honest member names the liar");
		assert!(lied.iter().all(|(_, store)| store.transcript(&task).is_none()), "no transcript of a run that failed");
	}

	#[test]
	fn unpaid_first_batches_come_in_a_small_burst() {
		let allowed = (0..10).filter(|_| first_batch_allowed()).count();
		assert_eq!(allowed, FIRST_BATCH_BURST as usize);
	}
}
