//! Party-to-party MPC channels over the DHT's swarm.
//!
//! A session is one MPC run of a committee: the parties are the committee's peers in order, and
//! every frame carries the session id and a per-sender sequence number. Peers are authenticated by
//! the Noise handshake (the peer id is the hash of the key that signed it), so a frame is
//! delivered as party i's only when it came from the i-th committee peer; anything else is
//! logged and dropped. Frames that arrive before the local party opened the session wait in a
//! bounded buffer.
//!
//! [`P2pTransport`] implements the MPC engine's [`Transport`], so a run goes over libp2p
//! unchanged. Its `recv` blocks: run MPC on a thread of its own, not inside an async task.

use crate::{node::Command, protocol::MpcFrame};
use enigma_mpc::{
	error::{MpcError, Result},
	transport::Transport,
};
use libp2p::PeerId;
use std::{
	collections::{BTreeMap, HashMap, HashSet},
	sync::{
		mpsc::{channel, Receiver, RecvTimeoutError, Sender},
		Arc, Mutex,
	},
	time::{Duration, Instant},
};
use tokio::sync::mpsc::UnboundedSender;

/// Frames kept for a session nobody opened yet, and how many such sessions.
const EARLY_FRAMES_PER_SESSION: usize = 16_384;
const EARLY_SESSIONS: usize = 64;

struct Inbox {
	to_party: Sender<Vec<u8>>,
	next: u64,
	/// Frames that overtook an earlier one.
	waiting: BTreeMap<u64, Vec<u8>>,
}

struct Session {
	committee: Vec<PeerId>,
	inboxes: Vec<Option<Inbox>>,
	unreachable: HashSet<usize>,
}

/// Every open session of a node, and early frames of sessions not open yet.
#[derive(Default)]
pub struct Sessions {
	open: HashMap<[u8; 32], Session>,
	early: HashMap<[u8; 32], Vec<(PeerId, MpcFrame)>>,
}

impl Sessions {
	/// Hands an inbound frame to its session, in sending order.
	pub(crate) fn deliver(&mut self, from: PeerId, frame: MpcFrame) {
		let Some(session) = self.open.get_mut(&frame.session) else {
			let early_sessions = self.early.len();
			let buffered = self.early.entry(frame.session).or_default();
			if early_sessions > EARLY_SESSIONS || buffered.len() >= EARLY_FRAMES_PER_SESSION {
				tracing::warn!(target: "mpc", "dropped a frame from {from} for unknown session {}", hex::encode(frame.session));
				return;
			}
			buffered.push((from, frame));
			return;
		};
		let Some(party) = session.committee.iter().position(|p| *p == from) else {
			tracing::warn!(target: "mpc", "dropped a frame from {from}, who is not in session {}", hex::encode(frame.session));
			return;
		};
		let Some(inbox) = session.inboxes[party].as_mut() else { return };
		if frame.seq < inbox.next || inbox.waiting.contains_key(&frame.seq) {
			tracing::warn!(target: "mpc", "dropped a replayed frame #{} from {from}", frame.seq);
			return;
		}
		inbox.waiting.insert(frame.seq, frame.payload);
		while let Some(payload) = inbox.waiting.remove(&inbox.next) {
			inbox.next += 1;
			// The party may have finished already; late frames are of no use then.
			let _ = inbox.to_party.send(payload);
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
}

/// This node's end of an MPC session.
pub struct P2pTransport {
	session: [u8; 32],
	party: usize,
	committee: Vec<PeerId>,
	commands: UnboundedSender<Command>,
	sessions: Arc<Mutex<Sessions>>,
	from: Vec<Option<Receiver<Vec<u8>>>>,
	next_seq: Vec<u64>,
	timeout: Duration,
}

impl P2pTransport {
	pub(crate) fn open(
		session: [u8; 32],
		committee: Vec<PeerId>,
		local: PeerId,
		sessions: Arc<Mutex<Sessions>>,
		commands: UnboundedSender<Command>,
		timeout: Duration,
	) -> Result<Self> {
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
				inboxes.push(Some(Inbox { to_party, next: 0, waiting: BTreeMap::new() }));
				from.push(Some(receiver));
			}
		}
		{
			let mut all = sessions.lock().expect("sessions lock");
			if all.open.contains_key(&session) {
				return Err(MpcError::InvalidParameters("session already open".into()));
			}
			all.open.insert(session, Session { committee: committee.clone(), inboxes, unreachable: HashSet::new() });
			for (peer, frame) in all.early.remove(&session).unwrap_or_default() {
				all.deliver(peer, frame);
			}
		}
		Ok(Self { session, party, committee, commands, sessions, from, next_seq: vec![0; n], timeout })
	}
}

impl Drop for P2pTransport {
	fn drop(&mut self) {
		if let Ok(mut all) = self.sessions.lock() {
			all.open.remove(&self.session);
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
		let seq = self.next_seq[to];
		self.next_seq[to] += 1;
		let frame = MpcFrame { session: self.session, seq, payload };
		self.commands
			.send(Command::MpcSend { peer, frame, attempt: 0 })
			.map_err(|_| MpcError::Disconnected { peer: to, reason: "the DHT node has stopped".into() })
	}

	fn recv(&mut self, from: usize) -> Result<Vec<u8>> {
		let receiver = self.from.get(from).and_then(Option::as_ref).ok_or_else(|| MpcError::InvalidParameters(format!("no channel from party {from}")))?;
		let deadline = Instant::now() + self.timeout;
		loop {
			let slice = deadline.saturating_duration_since(Instant::now()).min(Duration::from_millis(100));
			match receiver.recv_timeout(slice) {
				Ok(frame) => return Ok(frame),
				Err(RecvTimeoutError::Disconnected) => return Err(MpcError::Disconnected { peer: from, reason: "session closed".into() }),
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
