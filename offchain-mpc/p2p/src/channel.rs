//! Party-to-party MPC channels over the DHT's swarm.
//!
//! A session is one MPC run of a committee: the parties are the committee's peers in order, and
//! every frame carries the session id and a per-sender sequence number. Peers are authenticated by
//! the Noise handshake (the peer id is the hash of the key that signed it), so a frame is
//! delivered as party i's only when it came from the i-th committee peer; anything else is
//! logged and dropped. Frames that arrive before the local party opened the session wait in a
//! bounded buffer.
//!
//! Every frame is also signed by its sender (see [`MpcFrame`]): a frame whose signature does not
//! verify for this node as its recipient is dropped, and a signed frame that no honest member
//! sends (one that is not a whole number of words, [`enigma_primitives::malformed_frame`]) is
//! kept as evidence the chain can check ([`Sessions::take_evidence`]).
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
/// Sessions whose evidence of misbehaviour is kept until the worker takes it.
const EVIDENCE_SESSIONS: usize = 64;

struct Inbox {
	to_party: Sender<MpcFrame>,
	next: u64,
	/// Frames that overtook an earlier one.
	waiting: BTreeMap<u64, MpcFrame>,
}

struct Session {
	committee: Vec<PeerId>,
	inboxes: Vec<Option<Inbox>>,
	unreachable: HashSet<usize>,
}

/// Every open session of a node, and early frames of sessions not open yet.
pub struct Sessions {
	local: PeerId,
	open: HashMap<[u8; 32], Session>,
	early: HashMap<[u8; 32], Vec<(PeerId, MpcFrame)>>,
	/// Signed frames no honest member sends, by session, with their senders.
	evidence: HashMap<[u8; 32], Vec<(PeerId, MpcFrame)>>,
}

impl Sessions {
	pub(crate) fn new(local: PeerId) -> Self {
		Self { local, open: HashMap::new(), early: HashMap::new(), evidence: HashMap::new() }
	}

	/// The signed malformed frames `sender` sent this node in `session`, if any (taken: a worker
	/// reports them once).
	pub fn take_evidence(&mut self, session: &[u8; 32], sender: &PeerId) -> Vec<MpcFrame> {
		let Some(list) = self.evidence.get_mut(session) else { return Vec::new() };
		let (theirs, rest): (Vec<_>, Vec<_>) = std::mem::take(list).into_iter().partition(|(p, _)| p == sender);
		*list = rest;
		theirs.into_iter().map(|(_, f)| f).collect()
	}

	fn note_evidence(&mut self, sender: PeerId, frame: MpcFrame) {
		if !self.evidence.contains_key(&frame.session) && self.evidence.len() >= EVIDENCE_SESSIONS {
			return;
		}
		self.evidence.entry(frame.session).or_default().push((sender, frame));
	}

	/// Hands an inbound frame to its session, in sending order.
	pub(crate) fn deliver(&mut self, from: PeerId, frame: MpcFrame) {
		if !frame.verify(&from, &self.local) {
			tracing::warn!(target: "mpc", "dropped a frame from {from} whose signature does not verify (session {})", hex::encode(frame.session));
			return;
		}
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
		inbox.waiting.insert(frame.seq, frame);
		while let Some(frame) = inbox.waiting.remove(&inbox.next) {
			inbox.next += 1;
			// The party may have finished already; late frames are of no use then.
			let _ = inbox.to_party.send(frame);
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
	/// Signs every frame this node sends.
	keypair: Keypair,
	commands: UnboundedSender<Command>,
	sessions: Arc<Mutex<Sessions>>,
	from: Vec<Option<Receiver<MpcFrame>>>,
	next_seq: Vec<u64>,
	timeout: Duration,
}

impl P2pTransport {
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
		Ok(Self { session, party, committee, keypair, commands, sessions, from, next_seq: vec![0; n], timeout })
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
		let digest = enigma_primitives::mpc_frame_digest(&self.session, seq, &peer.to_bytes(), &payload);
		let signature = self.keypair.sign(&digest).map_err(|e| MpcError::InvalidParameters(format!("signing a frame: {e}")))?;
		let frame = MpcFrame { session: self.session, seq, payload, signature };
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
				Ok(frame) => {
					// Kept as evidence when no honest member would have sent it.
					if enigma_primitives::malformed_frame(&frame.payload) {
						self.sessions.lock().expect("sessions lock").note_evidence(self.committee[from], frame.clone());
					}
					return Ok(frame.payload);
				},
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
}
