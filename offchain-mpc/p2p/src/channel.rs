//! Party-to-party MPC channels over the DHT's swarm.
//!
//! A session is one MPC run of a committee: the parties are the committee's peers in order, and
//! every frame carries the session id and a per-sender sequence number. Peers are authenticated by
//! the Noise handshake (the peer id is the hash of the key that signed it), so a frame is
//! delivered as party i's only when it came from the i-th committee peer; anything else is
//! logged and dropped. Frames that arrive before the local party opened the session wait in a
//! buffer bounded per sender ([`Limits`]), and only frames of peers the node expects to compute
//! with (the chain's active workers, [`Sessions::expect_peers`]) are kept: a spamming peer can
//! exhaust its own share of the buffer, never another member's, and frames of a session that
//! closed, or too far ahead of their sender's next one, are dropped at once.
//!
//! Every frame is also signed by its sender (see [`MpcFrame`]): a frame whose signature does not
//! verify for this node as its recipient is dropped, and a signed frame that no honest member
//! sends (one that is not a whole number of words, [`enigma_primitives::malformed_frame`]) is
//! kept as evidence the chain can check ([`Sessions::take_evidence`]). The signature covers the
//! payload's hash, which the frame's header carries: the node checks who signed a frame, and
//! whether that peer may send it ([`Sessions::admit`]), before it reads the payload, so a peer
//! that computes nothing with this node (not a member of an open run, nor an expected worker)
//! makes it read a header and nothing more, and a member's or expected worker's payloads being
//! read count against its own share.
//!
//! A party that closes its end of a session (its run completed or failed) sends each peer a
//! last frame, [`GOODBYE`], after everything it sent before: a peer still waiting for it learns
//! at once that nothing more will come (`Disconnected`), instead of waiting out its timeout.
//!
//! [`P2pTransport`] implements the MPC engine's [`Transport`], so a run goes over libp2p
//! unchanged. Its `recv` blocks: run MPC on a thread of its own, not inside an async task.

use crate::{node::Command, protocol::MpcFrame};
use enigma_mpc::{
	error::{MpcError, Result},
	transport::Transport,
};
use libp2p::{identity::Keypair, PeerId};
use std::{
	collections::{BTreeMap, HashMap, HashSet, VecDeque},
	sync::{
		atomic::{AtomicUsize, Ordering},
		mpsc::{channel, Receiver, RecvTimeoutError, Sender},
		Arc, Mutex, Weak,
	},
	time::{Duration, Instant},
};
use tokio::sync::mpsc::UnboundedSender;

/// Sessions whose evidence of misbehaviour is kept until the worker takes it.
const EVIDENCE_SESSIONS: usize = 64;
/// The payload of a party's last frame in a session: a sequence header no engine frame carries
/// (the engine numbers its frames from 0), and a whole number of words (none), so it is not
/// taken for evidence of misbehaviour either.
pub const GOODBYE: [u8; 8] = [0xff; 8];
/// Bytes a kept frame costs beyond its payload (session, sequence number, signature, vectors).
const FRAME_OVERHEAD: usize = 160;

/// What one peer can make this node hold, and for how long.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
	/// Sessions not open yet that one peer may have frames waiting for.
	pub early_sessions_per_peer: usize,
	/// Bytes of early frames one peer may have waiting, over all its sessions.
	pub early_bytes_per_peer: usize,
	/// How long early frames wait for their session to open.
	pub early_ttl: Duration,
	/// How far ahead of its sender's next frame a frame may arrive (it overtook that many).
	pub max_ahead: u64,
	/// Bytes of overtaking frames one sender may have waiting in an open session.
	pub waiting_bytes_per_peer: usize,
	/// Bytes of in-order frames one sender may have handed to the run and not yet read by it:
	/// an honest member is a round ahead at most, so a member beyond this is flooding, and the
	/// run treats it as gone, as one that stopped (`Disconnected`: the others go on without it
	/// when it does not answer, else they run without each member; nothing proves it on chain).
	pub queued_bytes_per_peer: usize,
	/// Closed sessions remembered, so that their late frames are dropped instead of kept.
	pub closed_remembered: usize,
}

impl Default for Limits {
	fn default() -> Self {
		Self {
			early_sessions_per_peer: 64,
			early_bytes_per_peer: 64 << 20,
			early_ttl: Duration::from_secs(300),
			max_ahead: 16_384,
			waiting_bytes_per_peer: 256 << 20,
			queued_bytes_per_peer: 256 << 20,
			closed_remembered: 4_096,
		}
	}
}

struct Inbox {
	to_party: Sender<MpcFrame>,
	/// Bytes handed to the party and not yet read (the party's `recv` takes them off).
	queued: Arc<AtomicUsize>,
	next: u64,
	/// Frames that overtook an earlier one, and their bytes.
	waiting: BTreeMap<u64, MpcFrame>,
	waiting_bytes: usize,
}

struct Session {
	committee: Vec<PeerId>,
	inboxes: Vec<Option<Inbox>>,
	unreachable: HashSet<usize>,
	/// Parties that said goodbye: their inbox is gone once their earlier frames are delivered.
	left: HashSet<usize>,
	/// Parties that sent more than the run read ([`Limits::queued_bytes_per_peer`]): cut off.
	flooded: HashSet<usize>,
}

/// One peer's frames for a session this node has not opened yet.
struct Early {
	since: Instant,
	bytes: usize,
	frames: Vec<MpcFrame>,
}

/// Every open session of a node, and early frames of sessions not open yet.
pub struct Sessions {
	local: PeerId,
	limits: Limits,
	open: HashMap<[u8; 32], Session>,
	early: HashMap<([u8; 32], PeerId), Early>,
	/// Per peer: its early sessions and their bytes.
	early_use: HashMap<PeerId, (usize, usize)>,
	/// Peers whose early frames are kept (`None`: any peer's, within the limits).
	expected: Option<HashSet<PeerId>>,
	closed: VecDeque<[u8; 32]>,
	closed_set: HashSet<[u8; 32]>,
	last_sweep: Instant,
	/// Signed frames no honest member sends, by session, with their senders, and the sessions
	/// in the order their first evidence came.
	evidence: HashMap<[u8; 32], Vec<(PeerId, MpcFrame)>>,
	evidence_order: VecDeque<[u8; 32]>,
	/// Per sender: bytes of its admitted frames being read off the network ([`Reading`]), for
	/// open sessions and for sessions not open yet.
	reading: HashMap<PeerId, [usize; 2]>,
	/// Told whenever a [`Reading`] ends or early frames go: a frame that waits for its sender's
	/// share waits for it.
	freed: Arc<tokio::sync::Notify>,
	/// Per sender: its frames waiting for its share ([`Waiting`]).
	waiting_for_share: HashMap<PeerId, usize>,
}

/// Frames of one sender that may wait for its share at once; beyond, they are refused (each
/// waiting frame wakes whenever a read ends).
pub const WAITING_PER_PEER: usize = 16;

/// A frame waiting for its sender's share ([`Sessions::wait_for_share`]); no longer when dropped.
pub struct Waiting {
	sessions: Weak<Mutex<Sessions>>,
	sender: PeerId,
}

impl Drop for Waiting {
	fn drop(&mut self) {
		let Some(sessions) = self.sessions.upgrade() else { return };
		let Ok(mut sessions) = sessions.lock() else { return };
		if let Some(count) = sessions.waiting_for_share.get_mut(&self.sender) {
			*count -= 1;
			if *count == 0 {
				sessions.waiting_for_share.remove(&self.sender);
			}
		}
	}
}

/// A frame admitted to be read off the network: its bytes count against its sender's share
/// (of an open session's, or of early frames) until the frame is handed to its session or its
/// stream fails, whichever ends the read.
pub struct Reading {
	sessions: Weak<Mutex<Sessions>>,
	sender: PeerId,
	early: bool,
	bytes: usize,
}

impl Reading {
	/// The peer whose signature the frame's header carries.
	pub fn sender(&self) -> PeerId {
		self.sender
	}
}

impl Drop for Reading {
	fn drop(&mut self) {
		let Some(sessions) = self.sessions.upgrade() else { return };
		let Ok(mut sessions) = sessions.lock() else { return };
		if let Some(bytes) = sessions.reading.get_mut(&self.sender) {
			bytes[usize::from(self.early)] -= self.bytes;
			if *bytes == [0, 0] {
				sessions.reading.remove(&self.sender);
			}
		}
		sessions.freed.notify_waiters();
	}
}

impl std::fmt::Debug for Reading {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		write!(f, "Reading({} bytes from {})", self.bytes, self.sender)
	}
}

/// What becomes of a frame whose header's signature checked out ([`Sessions::admit`]).
#[derive(Debug)]
pub enum Admission {
	/// Read it: its bytes are held against its sender's share until the guard drops.
	Read(Reading),
	/// Read it and drop it: a frame its session has no use for any more (delivered already, its
	/// sender left the run, the run closed here), from a peer that may have sent it. Refused, it
	/// would come again (its sender takes a refusal for a frame lost on the way), and after a few
	/// tries its sender would take this node for unreachable.
	Discard,
}

/// Why a frame is not read ([`Sessions::admit`]).
#[derive(Debug, PartialEq, Eq)]
pub enum NotAdmitted {
	/// Its signer does not compute the session with this node, or it is too far ahead.
	Refused(String),
	/// Its signer's frames being read take its share: it may wait for them.
	Busy(String),
}

impl Sessions {
	pub(crate) fn new(local: PeerId) -> Self {
		Self::with_limits(local, Limits::default())
	}

	pub fn with_limits(local: PeerId, limits: Limits) -> Self {
		Self {
			local,
			limits,
			open: HashMap::new(),
			early: HashMap::new(),
			early_use: HashMap::new(),
			expected: None,
			closed: VecDeque::new(),
			closed_set: HashSet::new(),
			last_sweep: Instant::now(),
			evidence: HashMap::new(),
			evidence_order: VecDeque::new(),
			reading: HashMap::new(),
			freed: Arc::new(tokio::sync::Notify::new()),
			waiting_for_share: HashMap::new(),
		}
	}

	/// The node whose sessions these are: the recipient its frames are signed for.
	pub fn local(&self) -> PeerId {
		self.local
	}

	/// Told whenever a frame's read ends ([`Reading`]).
	pub fn freed(&self) -> Arc<tokio::sync::Notify> {
		self.freed.clone()
	}

	/// A turn to wait for `sender`'s share, if fewer than [`WAITING_PER_PEER`] of its frames wait.
	pub fn wait_for_share(this: &Arc<Mutex<Self>>, sender: PeerId) -> Option<Waiting> {
		let mut all = this.lock().expect("sessions lock");
		let count = all.waiting_for_share.entry(sender).or_default();
		if *count >= WAITING_PER_PEER {
			return None;
		}
		*count += 1;
		Some(Waiting { sessions: Arc::downgrade(this), sender })
	}

	/// Bytes of `peer`'s frames being read off the network.
	pub fn reading_bytes(&self, peer: &PeerId) -> usize {
		self.reading.get(peer).map_or(0, |[open, early]| open + early)
	}

	/// Whether `sender` may send frames of `session` at all, or could have sent some before it
	/// closed here: asked before a frame's signature is checked, so a stranger does not get
	/// this node to check signatures for it.
	pub fn knows(&self, sender: &PeerId, session: &[u8; 32]) -> bool {
		self.may_send(sender, session) || self.closed_for(sender, session)
	}

	/// Whether `session` ran here and closed, and `sender` may have been in it: its late frames
	/// are read and dropped.
	fn closed_for(&self, sender: &PeerId, session: &[u8; 32]) -> bool {
		!self.open.contains_key(session) && self.closed_set.contains(session) && self.is_expected(sender)
	}

	fn is_expected(&self, peer: &PeerId) -> bool {
		self.expected.as_ref().is_none_or(|peers| peers.contains(peer))
	}

	/// What this node does with the `bytes`-byte payload of frame `seq` of `session` from
	/// `sender`, whose signature over the frame's header it checked. It reads it if `sender` may
	/// send frames of the session, the frame is not too far ahead, and the sender's frames being
	/// read stay within what it may have this node hold (in an open session, what the run may
	/// leave unread, [`Limits::queued_bytes_per_peer`]; else what is left of its early share):
	/// the [`Reading`] holds the bytes until it drops. A frame the session has no use for any
	/// more is read and dropped ([`Admission::Discard`]).
	pub fn admit(this: &Arc<Mutex<Self>>, sender: PeerId, session: &[u8; 32], seq: u64, bytes: usize) -> std::result::Result<Admission, NotAdmitted> {
		let mut all = this.lock().expect("sessions lock");
		if all.closed_for(&sender, session) {
			return Ok(Admission::Discard);
		}
		if !all.may_send(&sender, session) {
			return Err(NotAdmitted::Refused("it does not compute this session with this node".into()));
		}
		let (share, early) = match all.open.get(session) {
			Some(open) => {
				let party = open.committee.iter().position(|p| *p == sender).expect("may_send: a member");
				let Some(inbox) = open.inboxes[party].as_ref() else { return Ok(Admission::Discard) };
				if seq < inbox.next || inbox.waiting.contains_key(&seq) {
					return Ok(Admission::Discard);
				}
				if seq - inbox.next >= all.limits.max_ahead {
					return Err(NotAdmitted::Refused(format!("frame #{seq} is too far ahead of #{}", inbox.next)));
				}
				(all.limits.queued_bytes_per_peer, false)
			},
			None => (all.limits.early_bytes_per_peer.saturating_sub(all.early_use.get(&sender).map_or(0, |used| used.1)), true),
		};
		let (cost, kind) = (bytes + FRAME_OVERHEAD, usize::from(early));
		let whole = if early { all.limits.early_bytes_per_peer } else { all.limits.queued_bytes_per_peer };
		if cost > whole {
			return Err(NotAdmitted::Refused(format!("a frame of {bytes} bytes is larger than its sender's share of {whole}")));
		}
		let reading = all.reading.get(&sender).map_or(0, |r| r[kind]);
		if reading + cost > share {
			return Err(NotAdmitted::Busy(format!("{reading} bytes of its frames are being read already, of {share}")));
		}
		all.reading.entry(sender).or_default()[kind] += cost;
		Ok(Admission::Read(Reading { sessions: Arc::downgrade(this), sender, early, bytes: cost }))
	}

	/// Keeps early frames only from `peers` (a worker: the chain's active workers), and drops
	/// those already kept from anyone else.
	pub fn expect_peers(&mut self, peers: HashSet<PeerId>) {
		let strangers: Vec<_> = self.early.keys().filter(|(_, p)| !peers.contains(p)).copied().collect();
		for key in strangers {
			self.drop_early(&key);
		}
		self.expected = Some(peers);
	}

	/// How many early frames wait, over all sessions and peers.
	pub fn early_frames(&self) -> usize {
		self.early.values().map(|e| e.frames.len()).sum()
	}

	fn drop_early(&mut self, key: &([u8; 32], PeerId)) -> Option<Early> {
		let early = self.early.remove(key)?;
		// Its sender's early share is freed: frames waiting for it may fit now.
		self.freed.notify_waiters();
		if let Some(used) = self.early_use.get_mut(&key.1) {
			used.0 -= 1;
			used.1 -= early.bytes;
			if used.0 == 0 {
				self.early_use.remove(&key.1);
			}
		}
		Some(early)
	}

	/// Drops early frames that waited longer than the limit (looked at most once a second).
	fn sweep(&mut self) {
		if self.last_sweep.elapsed() < Duration::from_secs(1).min(self.limits.early_ttl) {
			return;
		}
		self.last_sweep = Instant::now();
		let ttl = self.limits.early_ttl;
		let stale: Vec<_> = self.early.iter().filter(|(_, e)| e.since.elapsed() >= ttl).map(|(k, _)| *k).collect();
		for key in stale {
			self.drop_early(&key);
		}
	}

	/// Keeps a frame of a session not open yet, if its sender is expected and within its limits.
	fn keep_early(&mut self, from: PeerId, frame: MpcFrame) {
		self.sweep();
		if self.closed_set.contains(&frame.session) {
			tracing::debug!(target: "mpc", "dropped a late frame from {from} for closed session {}", hex::encode(frame.session));
			return;
		}
		if self.expected.as_ref().is_some_and(|peers| !peers.contains(&from)) {
			tracing::debug!(target: "mpc", "dropped a frame from {from}, not a worker this node computes with");
			return;
		}
		let key = (frame.session, from);
		let (sessions, bytes) = self.early_use.get(&from).copied().unwrap_or((0, 0));
		let new_session = !self.early.contains_key(&key);
		// What holding the frame costs, its signature and bookkeeping included: empty or
		// replayed frames are not free.
		let size = frame.payload.len() + FRAME_OVERHEAD;
		if (new_session && sessions >= self.limits.early_sessions_per_peer) || bytes + size > self.limits.early_bytes_per_peer {
			tracing::debug!(target: "mpc", "dropped a frame from {from} for unknown session {}: its early buffer is full", hex::encode(frame.session));
			return;
		}
		let used = self.early_use.entry(from).or_default();
		used.0 += usize::from(new_session);
		used.1 += size;
		let early = self.early.entry(key).or_insert_with(|| Early { since: Instant::now(), bytes: 0, frames: Vec::new() });
		early.bytes += size;
		early.frames.push(frame);
	}

	/// This node will not open `session` (its task ended here before the run): its early
	/// frames go, and later ones are dropped.
	pub fn abandon(&mut self, session: [u8; 32]) {
		if self.open.contains_key(&session) {
			return;
		}
		let keys: Vec<_> = self.early.keys().filter(|(s, _)| *s == session).copied().collect();
		for key in keys {
			self.drop_early(&key);
		}
		self.close(session);
	}

	fn close(&mut self, session: [u8; 32]) {
		self.open.remove(&session);
		if self.closed_set.insert(session) {
			self.closed.push_back(session);
		}
		while self.closed.len() > self.limits.closed_remembered {
			if let Some(old) = self.closed.pop_front() {
				self.closed_set.remove(&old);
			}
		}
	}

	/// The signed malformed frames `sender` sent this node in `session`, if any (taken: a worker
	/// reports them once).
	pub fn take_evidence(&mut self, session: &[u8; 32], sender: &PeerId) -> Vec<MpcFrame> {
		let Some(list) = self.evidence.get_mut(session) else { return Vec::new() };
		let (theirs, rest): (Vec<_>, Vec<_>) = std::mem::take(list).into_iter().partition(|(p, _)| p == sender);
		if rest.is_empty() {
			self.evidence.remove(session);
			self.evidence_order.retain(|s| s != session);
		} else {
			*list = rest;
		}
		theirs.into_iter().map(|(_, f)| f).collect()
	}

	/// Keeps a malformed signed frame as evidence; beyond [`EVIDENCE_SESSIONS`] sessions the
	/// oldest session's evidence goes (a worker takes it within its run, so only evidence
	/// nobody asked for is lost).
	fn note_evidence(&mut self, sender: PeerId, frame: MpcFrame) {
		if !self.evidence.contains_key(&frame.session) {
			if self.evidence.len() >= EVIDENCE_SESSIONS {
				if let Some(oldest) = self.evidence_order.pop_front() {
					self.evidence.remove(&oldest);
				}
			}
			self.evidence_order.push_back(frame.session);
		}
		self.evidence.entry(frame.session).or_default().push((sender, frame));
	}

	/// Whether `from` may send frames of `session` at all: a member of it, if it is open here;
	/// else a worker this node computes with, for a session not closed yet (kept early).
	fn may_send(&self, from: &PeerId, session: &[u8; 32]) -> bool {
		match self.open.get(session) {
			Some(open) => open.committee.contains(from),
			None => !self.closed_set.contains(session) && self.is_expected(from),
		}
	}

	/// Hands an inbound frame to its session, in sending order, if `from` signed it for this node.
	#[cfg(test)]
	pub(crate) fn deliver(&mut self, from: PeerId, frame: MpcFrame) {
		if !frame.verify(&from, &self.local) {
			tracing::warn!(target: "mpc", "dropped a frame from {from} whose signature does not verify (session {})", hex::encode(frame.session));
			return;
		}
		self.deliver_verified(from, frame);
	}

	/// Hands an inbound frame whose signature by `from` was checked (as its header was read,
	/// [`crate::protocol::MpcCodec`]) to its session, in sending order.
	pub(crate) fn deliver_verified(&mut self, from: PeerId, frame: MpcFrame) {
		if !self.may_send(&from, &frame.session) {
			tracing::debug!(target: "mpc", "dropped a frame from {from}, who does not compute session {} with this node", hex::encode(frame.session));
			return;
		}
		let frame_session = frame.session;
		let Some(session) = self.open.get_mut(&frame.session) else {
			self.keep_early(from, frame);
			return;
		};
		let Some(party) = session.committee.iter().position(|p| *p == from) else {
			tracing::debug!(target: "mpc", "dropped a frame from {from}, who is not in session {}", hex::encode(frame.session));
			return;
		};
		let Some(inbox) = session.inboxes[party].as_mut() else { return };
		let (mut goodbye, mut flooded) = (false, false);
		if frame.seq < inbox.next || inbox.waiting.contains_key(&frame.seq) {
			tracing::warn!(target: "mpc", "dropped a replayed frame #{} from {from}", frame.seq);
			return;
		}
		// An honest sender's frames overtake each other by a few streams' worth; one that skips
		// far ahead could only fill this node's memory (the run then times out on the gap).
		let ahead = frame.seq - inbox.next;
		if ahead >= self.limits.max_ahead || (ahead > 0 && inbox.waiting_bytes + frame.payload.len() > self.limits.waiting_bytes_per_peer) {
			tracing::warn!(target: "mpc", "dropped frame #{} from {from}: too far ahead of #{}", frame.seq, inbox.next);
			return;
		}
		inbox.waiting_bytes += frame.payload.len();
		inbox.waiting.insert(frame.seq, frame);
		while let Some(frame) = inbox.waiting.remove(&inbox.next) {
			inbox.waiting_bytes -= frame.payload.len();
			inbox.next += 1;
			if frame.payload == GOODBYE {
				goodbye = true;
				break;
			}
			let size = frame.payload.len();
			if inbox.queued.load(Ordering::Acquire) + size > self.limits.queued_bytes_per_peer {
				flooded = true;
				break;
			}
			inbox.queued.fetch_add(size, Ordering::AcqRel);
			// The party may have finished already; late frames are of no use then.
			let _ = inbox.to_party.send(frame);
		}
		if flooded {
			tracing::warn!(target: "mpc", "{from} sent more than {} MiB that the run has not read yet: cut off from session {}", self.limits.queued_bytes_per_peer >> 20, hex::encode(frame_session));
			session.flooded.insert(party);
		}
		if goodbye || flooded {
			// Dropping the sender ends the channel after the frames already in it.
			session.inboxes[party] = None;
			session.left.insert(party);
		}
	}

	pub(crate) fn mark_unreachable(&mut self, session: &[u8; 32], peer: &PeerId) {
		if let Some(s) = self.open.get_mut(session) {
			if let Some(party) = s.committee.iter().position(|p| p == peer) {
				s.unreachable.insert(party);
			}
		}
	}

	fn is_unreachable(&self, session: &[u8; 32], party: usize) -> bool {
		self.open.get(session).is_some_and(|s| s.unreachable.contains(&party))
	}

	/// Why `party` is gone from `session`, if it is: it said goodbye, or it flooded.
	fn departure(&self, session: &[u8; 32], party: usize) -> Option<&'static str> {
		let session = self.open.get(session)?;
		if session.flooded.contains(&party) {
			Some("it sent far more than the run read (cut off)")
		} else {
			session.left.contains(&party).then_some("it left the run")
		}
	}
}

/// This node's end of an MPC session.
pub struct P2pTransport {
	session: [u8; 32],
	party: usize,
	committee: Vec<PeerId>,
	/// Signs every frame this node sends.
	keypair: Keypair,
	commands: UnboundedSender<Command>,
	sessions: Arc<Mutex<Sessions>>,
	/// Each party's frames, and the bytes of them not read yet.
	from: Vec<Option<(Receiver<MpcFrame>, Arc<AtomicUsize>)>>,
	next_seq: Vec<u64>,
	timeout: Duration,
	/// Signs frames that are not whole words too: only a worker that misbehaves on purpose,
	/// for a test, does ([`Self::sign_malformed_frames`]).
	sign_malformed: bool,
}

impl P2pTransport {
	/// Lets this channel sign frames that prove their sender deviated (not whole words), which
	/// it refuses otherwise: for a test mode that sends such frames on purpose.
	pub fn sign_malformed_frames(&mut self) {
		self.sign_malformed = true;
	}

	pub(crate) fn open(
		session: [u8; 32],
		committee: Vec<PeerId>,
		keypair: Keypair,
		sessions: Arc<Mutex<Sessions>>,
		commands: UnboundedSender<Command>,
		timeout: Duration,
	) -> Result<Self> {
		let local = keypair.public().to_peer_id();
		let party = committee
			.iter()
			.position(|p| *p == local)
			.ok_or_else(|| MpcError::InvalidParameters("this node is not in the committee".into()))?;
		if committee.iter().collect::<HashSet<_>>().len() != committee.len() {
			return Err(MpcError::InvalidParameters("a peer appears twice in the committee".into()));
		}
		let n = committee.len();
		let mut inboxes = Vec::with_capacity(n);
		let mut from = Vec::with_capacity(n);
		for i in 0..n {
			if i == party {
				inboxes.push(None);
				from.push(None);
			} else {
				let (to_party, receiver) = channel();
				let queued = Arc::new(AtomicUsize::new(0));
				inboxes.push(Some(Inbox { to_party, queued: queued.clone(), next: 0, waiting: BTreeMap::new(), waiting_bytes: 0 }));
				from.push(Some((receiver, queued)));
			}
		}
		{
			let mut all = sessions.lock().expect("sessions lock");
			if all.open.contains_key(&session) {
				return Err(MpcError::InvalidParameters("session already open".into()));
			}
			all.open.insert(session, Session { committee: committee.clone(), inboxes, unreachable: HashSet::new(), left: HashSet::new(), flooded: HashSet::new() });
			for peer in &committee {
				for frame in all.drop_early(&(session, *peer)).map(|e| e.frames).unwrap_or_default() {
					all.deliver_verified(*peer, frame);
				}
			}
		}
		Ok(Self { session, party, committee, keypair, commands, sessions, from, next_seq: vec![0; n], timeout, sign_malformed: false })
	}
}

impl Drop for P2pTransport {
	fn drop(&mut self) {
		let me = self.party;
		for to in (0..self.committee.len()).filter(|to| *to != me) {
			let _ = self.send(to, GOODBYE.to_vec());
		}
		if let Ok(mut all) = self.sessions.lock() {
			all.close(self.session);
		}
	}
}

impl Transport for P2pTransport {
	fn party(&self) -> usize {
		self.party
	}

	fn parties(&self) -> usize {
		self.committee.len()
	}

	fn send(&mut self, to: usize, payload: Vec<u8>) -> Result<()> {
		let peer = *self.committee.get(to).filter(|_| to != self.party).ok_or_else(|| MpcError::InvalidParameters(format!("no channel to party {to}")))?;
		// A signed frame that is not whole words proves its sender deviated, on chain: never
		// sign one. Should the engine ever produce one (a bug), the run stops here, on this
		// member's side, instead of handing every other member a proof that slashes it.
		if enigma_primitives::malformed_frame(&payload) && !self.sign_malformed {
			return Err(MpcError::InvalidParameters(format!(
				"refusing to sign a frame of {} bytes for party {to}: not whole {}-byte words, which would prove this member malformed",
				payload.len(),
				enigma_primitives::FRAME_WORD
			)));
		}
		let seq = self.next_seq[to];
		self.next_seq[to] += 1;
		let digest = enigma_primitives::mpc_frame_digest(&self.session, seq, &peer.to_bytes(), &payload);
		let signature = self.keypair.sign(&digest).map_err(|e| MpcError::InvalidParameters(format!("signing a frame: {e}")))?;
		let frame = MpcFrame { session: self.session, seq, payload, signature };
		self.commands
			.send(Command::MpcSend { peer, frame, attempt: 0 })
			.map_err(|_| MpcError::Disconnected { peer: to, reason: "the DHT node has stopped".into() })
	}

	fn recv(&mut self, from: usize) -> Result<Vec<u8>> {
		let (receiver, queued) = self.from.get(from).and_then(Option::as_ref).ok_or_else(|| MpcError::InvalidParameters(format!("no channel from party {from}")))?;
		let deadline = Instant::now() + self.timeout;
		loop {
			let slice = deadline.saturating_duration_since(Instant::now()).min(Duration::from_millis(100));
			match receiver.recv_timeout(slice) {
				Ok(frame) => {
					queued.fetch_sub(frame.payload.len(), Ordering::AcqRel);
					// Kept as evidence when no honest member would have sent it.
					if enigma_primitives::malformed_frame(&frame.payload) {
						self.sessions.lock().expect("sessions lock").note_evidence(self.committee[from], frame.clone());
					}
					return Ok(frame.payload);
				},
				Err(RecvTimeoutError::Disconnected) => {
					let reason = self.sessions.lock().expect("sessions lock").departure(&self.session, from).unwrap_or("session closed");
					return Err(MpcError::Disconnected { peer: from, reason: reason.into() });
				},
				Err(RecvTimeoutError::Timeout) => {
					if self.sessions.lock().expect("sessions lock").is_unreachable(&self.session, from) {
						return Err(MpcError::Disconnected { peer: from, reason: format!("{} cannot be reached", self.committee[from]) });
					}
					if Instant::now() >= deadline {
						return Err(MpcError::Timeout { from });
					}
				}
			}
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn signed(key: &Keypair, session: [u8; 32], seq: u64, to: &PeerId, payload: Vec<u8>) -> MpcFrame {
		let digest = enigma_primitives::mpc_frame_digest(&session, seq, &to.to_bytes(), &payload);
		MpcFrame { session, seq, payload, signature: key.sign(&digest).unwrap() }
	}

	/// Frames reach the party in order only when signed by their sender for this recipient and
	/// this run; a signed frame no honest member sends is kept as evidence.
	#[test]
	fn only_frames_signed_for_this_recipient_and_run_are_delivered() {
		let (me, other, third) = (Keypair::generate_ed25519(), Keypair::generate_ed25519(), Keypair::generate_ed25519());
		let (me_id, other_id, third_id) = (me.public().to_peer_id(), other.public().to_peer_id(), third.public().to_peer_id());
		let sessions = Arc::new(Mutex::new(Sessions::new(me_id)));
		let (commands, _rx) = tokio::sync::mpsc::unbounded_channel();
		let session = [5; 32];
		let mut transport = P2pTransport::open(session, vec![me_id, other_id], me.clone(), sessions.clone(), commands, Duration::from_millis(300)).unwrap();
		let deliver = |frame: MpcFrame| sessions.lock().unwrap().deliver(other_id, frame);

		// Signed by someone else, for someone else, for another run: none is delivered.
		deliver(signed(&third, session, 0, &me_id, vec![1; 8]));
		deliver(signed(&other, session, 0, &third_id, vec![1; 8]));
		deliver(signed(&other, [6; 32], 0, &me_id, vec![1; 8]));
		let mut tampered = signed(&other, session, 0, &me_id, vec![1; 8]);
		tampered.payload[0] = 2;
		deliver(tampered);
		assert!(matches!(transport.recv(1), Err(MpcError::Timeout { .. })));

		// Signed properly: delivered; a malformed one is delivered too (the engine names its
		// sender) and kept as evidence.
		deliver(signed(&other, session, 0, &me_id, vec![1; 8]));
		deliver(signed(&other, session, 1, &me_id, vec![1; 8 + 31]));
		assert_eq!(transport.recv(1).unwrap(), vec![1; 8]);
		assert_eq!(transport.recv(1).unwrap().len(), 39);
		let evidence = sessions.lock().unwrap().take_evidence(&session, &other_id);
		assert_eq!(evidence.len(), 1);
		assert!(evidence[0].verify(&other_id, &me_id) && evidence[0].seq == 1);
		assert!(sessions.lock().unwrap().take_evidence(&session, &other_id).is_empty(), "taken once");
	}

	/// A party that leaves a run says goodbye after its last frame: the other gets every frame
	/// sent before it, then `Disconnected` at once rather than a timeout. The goodbye is no
	/// evidence of misbehaviour.
	#[test]
	fn a_party_that_leaves_a_run_is_not_waited_for() {
		let [me, member] = [(); 2].map(|_| Keypair::generate_ed25519());
		let [me_id, member_id] = [&me, &member].map(|k| k.public().to_peer_id());
		let run = [7; 32];
		let (mine, theirs) = (Arc::new(Mutex::new(Sessions::new(me_id))), Arc::new(Mutex::new(Sessions::new(member_id))));
		let (commands, mut sent) = tokio::sync::mpsc::unbounded_channel();
		let mut leaving = P2pTransport::open(run, vec![me_id, member_id], member.clone(), theirs, commands, Duration::from_secs(1)).unwrap();
		let mut staying = open(&mine, &me, run, vec![me_id, member_id]);
		for k in 0..3u8 {
			leaving.send(0, vec![k; 8]).unwrap();
		}
		drop(leaving);
		let mut frames = Vec::new();
		while let Ok(Command::MpcSend { frame, .. }) = sent.try_recv() {
			frames.push(frame);
		}
		assert_eq!(frames.len(), 4, "three frames and the goodbye");
		assert_eq!(frames[3].payload, GOODBYE);
		assert!(!enigma_primitives::malformed_frame(&GOODBYE));
		// The goodbye overtakes the others on the way: still delivered last.
		frames.rotate_right(1);
		for frame in frames {
			mine.lock().unwrap().deliver(member_id, frame);
		}
		for k in 0..3u8 {
			assert_eq!(staying.recv(1).unwrap(), vec![k; 8]);
		}
		assert_eq!(staying.recv(1), Err(MpcError::Disconnected { peer: 1, reason: "it left the run".into() }));
		assert!(mine.lock().unwrap().take_evidence(&run, &member_id).is_empty());
	}

	/// A member that sends far more than the run reads (in order, each frame signed) fills no
	/// memory: beyond the limit it is cut off, and the run gets what it read before, then
	/// `Disconnected`; a sender the run keeps up with is never cut off.
	#[test]
	fn a_member_that_sends_far_ahead_of_the_run_is_cut_off() {
		let [me, member] = [(); 2].map(|_| Keypair::generate_ed25519());
		let [me_id, member_id] = [&me, &member].map(|k| k.public().to_peer_id());
		let limits = Limits { queued_bytes_per_peer: 1 << 20, ..Limits::default() };
		let sessions = Arc::new(Mutex::new(Sessions::with_limits(me_id, limits)));
		let (run, frame) = ([8; 32], vec![1u8; 64 << 10]);
		let mut transport = open(&sessions, &me, run, vec![me_id, member_id]);
		// Read as it comes: 64 frames of 64 KiB, 4 MiB in all, pass.
		for seq in 0..64 {
			sessions.lock().unwrap().deliver(member_id, signed(&member, run, seq, &me_id, frame.clone()));
			assert_eq!(transport.recv(1).unwrap().len(), frame.len());
		}
		// Not read: 16 frames fill the 1 MiB; the 17th cuts the sender off.
		for seq in 64..128 {
			sessions.lock().unwrap().deliver(member_id, signed(&member, run, seq, &me_id, frame.clone()));
		}
		for _ in 0..16 {
			assert_eq!(transport.recv(1).unwrap().len(), frame.len());
		}
		assert!(matches!(transport.recv(1), Err(MpcError::Disconnected { peer: 1, reason }) if reason.contains("cut off")));
	}

	/// Evidence of sessions nobody asked about makes room for new sessions' (the oldest goes),
	/// and a session whose evidence was taken leaves no entry behind.
	#[test]
	fn evidence_is_kept_for_the_newest_sessions() {
		let [me, member] = [(); 2].map(|_| Keypair::generate_ed25519());
		let [me_id, member_id] = [&me, &member].map(|k| k.public().to_peer_id());
		let mut sessions = Sessions::new(me_id);
		let session = |k: usize| -> [u8; 32] { core::array::from_fn(|i| if i < 8 { (k as u64).to_le_bytes()[i] } else { 0 }) };
		for k in 0..=EVIDENCE_SESSIONS {
			sessions.note_evidence(member_id, signed(&member, session(k), 0, &me_id, vec![1; 9]));
		}
		assert!(sessions.take_evidence(&session(0), &member_id).is_empty(), "the oldest went");
		assert_eq!(sessions.take_evidence(&session(EVIDENCE_SESSIONS), &member_id).len(), 1, "the newest is kept");
		assert_eq!(sessions.evidence.len(), EVIDENCE_SESSIONS - 1, "taken evidence leaves no entry");
		assert_eq!(sessions.evidence_order.len(), EVIDENCE_SESSIONS - 1);
	}

	fn open(sessions: &Arc<Mutex<Sessions>>, me: &Keypair, session: [u8; 32], committee: Vec<PeerId>) -> P2pTransport {
		let (commands, _rx) = tokio::sync::mpsc::unbounded_channel();
		P2pTransport::open(session, committee, me.clone(), sessions.clone(), commands, Duration::from_millis(200)).unwrap()
	}

	/// The attack: a peer sends frames for more sessions than the node keeps, so that a member's
	/// frames for a run about to start are dropped and the run aborts. Each peer now fills only
	/// its own share, and a peer that is not an expected worker fills nothing.
	#[test]
	fn a_flooding_peer_cannot_crowd_out_a_members_early_frames() {
		let [me, member, flooder, stranger] = [(); 4].map(|_| Keypair::generate_ed25519());
		let [me_id, member_id, flooder_id, stranger_id] = [&me, &member, &flooder, &stranger].map(|k| k.public().to_peer_id());
		let limits = Limits { early_sessions_per_peer: 4, ..Limits::default() };
		let sessions = Arc::new(Mutex::new(Sessions::with_limits(me_id, limits)));
		sessions.lock().unwrap().expect_peers([member_id, flooder_id].into());
		for i in 0..1_000u32 {
			let mut session = [0u8; 32];
			session[..4].copy_from_slice(&i.to_le_bytes());
			sessions.lock().unwrap().deliver(flooder_id, signed(&flooder, session, 0, &me_id, vec![0; 8]));
			sessions.lock().unwrap().deliver(stranger_id, signed(&stranger, session, 0, &me_id, vec![0; 8]));
		}
		assert_eq!(sessions.lock().unwrap().early_frames(), 4, "the flooder's quota, and nothing of the stranger's");
		let run = [42; 32];
		for seq in 0..3 {
			sessions.lock().unwrap().deliver(member_id, signed(&member, run, seq, &me_id, vec![seq as u8; 8]));
		}
		let mut transport = open(&sessions, &me, run, vec![me_id, member_id]);
		for seq in 0..3 {
			assert_eq!(transport.recv(1).unwrap(), vec![seq as u8; 8]);
		}
		// No longer expected: the flooder's frames go.
		sessions.lock().unwrap().expect_peers([member_id].into());
		assert_eq!(sessions.lock().unwrap().early_frames(), 0);
	}

	#[test]
	fn frames_of_a_closed_or_abandoned_session_or_too_far_ahead_are_not_kept() {
		let [me, member] = [(); 2].map(|_| Keypair::generate_ed25519());
		let [me_id, member_id] = [&me, &member].map(|k| k.public().to_peer_id());
		let limits = Limits { max_ahead: 8, ..Limits::default() };
		let sessions = Arc::new(Mutex::new(Sessions::with_limits(me_id, limits)));
		let run = [1; 32];
		let mut transport = open(&sessions, &me, run, vec![me_id, member_id]);
		let deliver = |seq: u64| sessions.lock().unwrap().deliver(member_id, signed(&member, run, seq, &me_id, vec![seq as u8; 8]));
		// Frame #8 is 8 ahead of #0: dropped; #7 waits for #0..#6.
		deliver(8);
		deliver(7);
		for seq in 0..7 {
			deliver(seq);
		}
		for seq in 0..8 {
			assert_eq!(transport.recv(1).unwrap(), vec![seq as u8; 8]);
		}
		assert!(matches!(transport.recv(1), Err(MpcError::Timeout { .. })), "#8 was dropped");
		drop(transport);
		deliver(9);
		assert_eq!(sessions.lock().unwrap().early_frames(), 0, "a closed session's late frame is not kept");

		// A run this node will never open (its task ended here first): its early frames go,
		// and so do later ones.
		let never = [3; 32];
		sessions.lock().unwrap().deliver(member_id, signed(&member, never, 0, &me_id, vec![0; 8]));
		assert_eq!(sessions.lock().unwrap().early_frames(), 1);
		sessions.lock().unwrap().abandon(never);
		sessions.lock().unwrap().deliver(member_id, signed(&member, never, 1, &me_id, vec![0; 8]));
		assert_eq!(sessions.lock().unwrap().early_frames(), 0);
	}

	/// Each frame waiting for its sender's share wakes whenever a read ends: a sender has a few
	/// waiting at most, the rest are refused at once.
	#[test]
	fn a_sender_has_a_few_frames_waiting_for_its_share_at_most() {
		let [me, member] = [(); 2].map(|_| Keypair::generate_ed25519().public().to_peer_id());
		let sessions = Arc::new(Mutex::new(Sessions::new(me)));
		let waiting: Vec<Waiting> = (0..WAITING_PER_PEER).map(|_| Sessions::wait_for_share(&sessions, member).expect("a turn")).collect();
		assert!(Sessions::wait_for_share(&sessions, member).is_none());
		assert!(Sessions::wait_for_share(&sessions, me).is_some(), "another sender's are its own");
		drop(waiting);
		assert!(sessions.lock().unwrap().waiting_for_share.is_empty());
		assert!(Sessions::wait_for_share(&sessions, member).is_some());
	}

	#[test]
	fn early_frames_expire() {
		let [me, member] = [(); 2].map(|_| Keypair::generate_ed25519());
		let [me_id, member_id] = [&me, &member].map(|k| k.public().to_peer_id());
		let limits = Limits { early_ttl: Duration::from_millis(50), ..Limits::default() };
		let sessions = Arc::new(Mutex::new(Sessions::with_limits(me_id, limits)));
		sessions.lock().unwrap().deliver(member_id, signed(&member, [1; 32], 0, &me_id, vec![0; 8]));
		std::thread::sleep(Duration::from_millis(60));
		sessions.lock().unwrap().deliver(member_id, signed(&member, [2; 32], 0, &me_id, vec![0; 8]));
		assert_eq!(sessions.lock().unwrap().early_frames(), 1, "only the fresh one is kept");
	}
}
