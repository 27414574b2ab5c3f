//! The two request-response protocols a node speaks besides Kademlia, and their messages.
//!
//! - `/enigma/record/1`: signed puts, signed gets, and "do you hold this?" probes;
//! - `/enigma/mpc/2`: MPC frames between the members of a committee ([`MpcCodec`]);
//! - `/enigma/app/1`: opaque requests an application handler answers (see `node::AppHandler`).
//!
//! On the wire a message is a length-prefixed SCALE encoding. The codec moves raw frames with a
//! size limit; decoding happens in the node, so a malformed request is answered with
//! [`Refusal::Malformed`] and logged instead of silently resetting the stream.

use crate::{
	channel::{Admission, NotAdmitted, Reading, Sessions, Waiting},
	record::{AccountId, Pointer, SignedPut},
};
use async_trait::async_trait;
use codec::{Decode, Encode};
use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use libp2p::StreamProtocol;
use std::{
	io,
	sync::{Arc, Mutex},
};

pub const RECORD_PROTOCOL: StreamProtocol = StreamProtocol::new("/enigma/record/2");
pub const MPC_PROTOCOL: StreamProtocol = StreamProtocol::new("/enigma/mpc/2");
pub const KAD_PROTOCOL: StreamProtocol = StreamProtocol::new("/enigma/kad/1");
/// Requests an application (the worker) answers: share deliveries, output collection.
pub const APP_PROTOCOL: StreamProtocol = StreamProtocol::new("/enigma/app/1");

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum RecordRequest {
	/// Store this record under `key` (from its writer, or a replica pushed on by another
	/// holder). The holder checks that the record hashes to `key`.
	Put { key: Pointer, put: SignedPut },
	/// Send the record under `key`; `signature` is the reader's over
	/// [`get_message`](crate::record::get_message)`(key, requesting peer, signed_at, reply_to)`,
	/// with `signed_at` in unix seconds and `reply_to` the key the requesting peer seals the record
	/// to on its way to the reader (all zero: the requesting peer is the reader's own node).
	Get { key: Pointer, reader: AccountId, signed_at: u64, reply_to: [u8; 32], signature: [u8; 64] },
	/// Prove that you hold `key`: answer with [`possession_proof`]`(nonce, record)`. The prober,
	/// a holder itself, checks it against its own copy, so a peer that merely claims to hold the
	/// record (a Sybil keeping repair from restoring k copies) is not counted. The fresh nonce
	/// keeps an old answer from serving twice.
	Holds { key: Pointer, nonce: [u8; 32] },
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum RecordResponse {
	Stored,
	Found(SignedPut),
	NotFound,
	/// The possession proof, or `None`: not held here.
	Holds(Option<[u8; 32]>),
	Refused(Refusal),
}

/// Why a node refused a request. Every refusal is also logged by the refusing node.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode, thiserror::Error)]
pub enum Refusal {
	#[error("record of {size} bytes exceeds the limit of {limit} bytes")]
	TooLarge { size: u64, limit: u64 },
	#[error("the record does not hash to its key")]
	KeyMismatch,
	#[error("the signature does not verify")]
	BadSignature,
	#[error("the permission check refused the account")]
	NotPermitted,
	#[error("the record has expired")]
	Expired,
	/// A get signed further from this node's clock than
	/// [`GET_VALIDITY_SECS`](crate::record::GET_VALIDITY_SECS).
	#[error("the request was signed at {signed_at}, too far from this node's clock ({now})")]
	Stale { signed_at: u64, now: u64 },
	#[error("the request could not be decoded")]
	Malformed,
	/// The peer has as many requests under way at this node as it may (see [`crate::inbound`]).
	#[error("this node is busy with the requester's earlier requests; try again")]
	Busy,
}

/// One MPC frame of a session, numbered per sender so the receiver restores the sending order
/// (request-response streams may overtake each other), and signed by its sender's libp2p key
/// over [`enigma_primitives::mpc_frame_digest`] (the session, the number, the recipient and the
/// payload): it cannot be denied, nor replayed into another run or to another recipient.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct MpcFrame {
	pub session: [u8; 32],
	pub seq: u64,
	pub payload: Vec<u8>,
	pub signature: Vec<u8>,
}

impl MpcFrame {
	/// Whether `signature` is `sender`'s over this frame to `recipient`.
	pub fn verify(&self, sender: &libp2p::PeerId, recipient: &libp2p::PeerId) -> bool {
		let Some(key) = enigma_primitives::ed25519_of_peer_id(&sender.to_bytes()) else { return false };
		let Ok(key) = libp2p::identity::ed25519::PublicKey::try_from_bytes(&key) else { return false };
		key.verify(&enigma_primitives::mpc_frame_digest(&self.session, self.seq, &recipient.to_bytes(), &self.payload), &self.signature)
	}
}

/// `blake2_256("enigma/dht/possession/v1" ‖ nonce ‖ prover's peer id ‖ SCALE(signed record))`:
/// only a node with the whole record at hand can compute it for a nonce it has not seen, and it
/// names the prover, so a peer that passes the challenge on to a real holder gets back a proof
/// of that holder, not of itself.
pub fn possession_proof(nonce: &[u8; 32], prover: &libp2p::PeerId, encoded_record: &[u8]) -> [u8; 32] {
	use blake2::{digest::consts::U32, Blake2b, Digest};
	let mut hasher = Blake2b::<U32>::new();
	hasher.update(b"enigma/dht/possession/v1");
	hasher.update(nonce);
	hasher.update(prover.to_bytes());
	hasher.update(encoded_record);
	hasher.finalize().into()
}

/// Length-prefixed frames of at most `max` bytes.
#[derive(Clone)]
pub struct FrameCodec {
	pub max: usize,
}

impl FrameCodec {
	async fn read<T: AsyncRead + Unpin + Send>(&self, io: &mut T) -> io::Result<Vec<u8>> {
		let mut len = [0u8; 4];
		io.read_exact(&mut len).await?;
		let len = u32::from_le_bytes(len) as usize;
		if len > self.max {
			return Err(io::Error::new(io::ErrorKind::InvalidData, format!("frame of {len} bytes exceeds the limit of {}", self.max)));
		}
		// Grown as the bytes arrive, not allocated from the claimed length: a peer that claims a
		// large frame and sends little holds only what it sent.
		let mut frame = Vec::with_capacity(len.min(64 << 10));
		io.take(len as u64).read_to_end(&mut frame).await?;
		if frame.len() != len {
			return Err(io::Error::new(io::ErrorKind::UnexpectedEof, format!("a frame of {len} bytes ended after {}", frame.len())));
		}
		Ok(frame)
	}

	async fn write<T: AsyncWrite + Unpin + Send>(&self, io: &mut T, frame: Vec<u8>) -> io::Result<()> {
		if frame.len() > self.max {
			return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("frame of {} bytes exceeds the limit of {}", frame.len(), self.max)));
		}
		io.write_all(&(frame.len() as u32).to_le_bytes()).await?;
		io.write_all(&frame).await
	}
}

#[async_trait]
impl libp2p::request_response::Codec for FrameCodec {
	type Protocol = StreamProtocol;
	type Request = Vec<u8>;
	type Response = Vec<u8>;

	async fn read_request<T: AsyncRead + Unpin + Send>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<Vec<u8>> {
		self.read(io).await
	}

	async fn read_response<T: AsyncRead + Unpin + Send>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<Vec<u8>> {
		self.read(io).await
	}

	async fn write_request<T: AsyncWrite + Unpin + Send>(&mut self, _: &StreamProtocol, io: &mut T, frame: Vec<u8>) -> io::Result<()> {
		self.write(io, frame).await
	}

	async fn write_response<T: AsyncWrite + Unpin + Send>(&mut self, _: &StreamProtocol, io: &mut T, frame: Vec<u8>) -> io::Result<()> {
		self.write(io, frame).await
	}
}

/// Bytes of an MPC frame's header on the wire: session, number, the sender's ed25519 key, the
/// payload's hash, the signature and the payload's length.
pub const MPC_HEADER: usize = 32 + 8 + 32 + 32 + 64 + 4;

/// How long a frame waits for its sender's share ([`NotAdmitted::Busy`]) before it is refused:
/// an honest member's frames overtake each other by a round at most, whose reads end within it.
pub const MPC_BUSY_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

/// An MPC frame on its way: to a peer (`reading` is `None`), or from one, read (`reading` names
/// the signer and holds its bytes until the frame is handed over; `None`: a frame its session
/// has no use for any more, read and to be dropped, [`Admission::Discard`]).
#[derive(Debug)]
pub struct MpcRequest {
	pub frame: MpcFrame,
	pub reading: Option<Reading>,
}

/// `/enigma/mpc/2`: one frame per stream, a fixed header first, then the payload:
///
/// `session (32) ‖ seq (u64 LE) ‖ sender's ed25519 key (32) ‖ blake2b-256(payload) (32) ‖
/// signature (64) ‖ payload length (u32 LE) ‖ payload`
///
/// The signature is the one [`MpcFrame`] carries, over the session, the number, the recipient
/// and the payload's hash ([`enigma_primitives::mpc_frame_digest_of_hash`]), so the recipient
/// checks it, and asks its sessions whether the signer may send the frame
/// ([`Sessions::admit`]), before it reads a byte of the payload. A frame from a peer that
/// computes nothing with this node costs it a header (its signature is not even checked); a
/// member's or expected worker's frames being read count against its own share, and wait for it
/// ([`MPC_BUSY_WAIT`]). (The whole frame used to be read first, up to 64 MiB on each of 1,024
/// streams per connection, whoever sent it.) The answer is an empty frame.
#[derive(Clone)]
pub struct MpcCodec {
	local: libp2p::PeerId,
	local_key: [u8; 32],
	max_payload: usize,
	sessions: Arc<Mutex<Sessions>>,
	freed: Arc<tokio::sync::Notify>,
	busy_wait: std::time::Duration,
}

impl MpcCodec {
	/// The codec of the node whose `sessions` admit its inbound frames.
	pub fn new(sessions: Arc<Mutex<Sessions>>, max_payload: usize) -> Self {
		let (local, freed) = {
			let sessions = sessions.lock().expect("sessions lock");
			(sessions.local(), sessions.freed())
		};
		let local_key = enigma_primitives::ed25519_of_peer_id(&local.to_bytes()).expect("nodes have ed25519 identities");
		Self { local, local_key, max_payload, sessions, freed, busy_wait: MPC_BUSY_WAIT }
	}

	/// The frame's admission, waiting up to `busy_wait` for its sender's share (a few of its
	/// frames at a time, [`crate::channel::WAITING_PER_PEER`]).
	async fn admit(&self, sender: libp2p::PeerId, session: &[u8; 32], seq: u64, len: usize) -> Result<Admission, NotAdmitted> {
		let deadline = tokio::time::Instant::now() + self.busy_wait;
		let mut waiting: Option<Waiting> = None;
		loop {
			// Listening before asking: a read that ends in between is not missed.
			let freed = self.freed.notified();
			tokio::pin!(freed);
			freed.as_mut().enable();
			match Sessions::admit(&self.sessions, sender, session, seq, len) {
				Err(NotAdmitted::Busy(why)) if tokio::time::Instant::now() < deadline => {
					if waiting.is_none() {
						waiting = Some(Sessions::wait_for_share(&self.sessions, sender).ok_or(NotAdmitted::Busy(format!("{why}; and as many of its frames wait already")))?);
					}
					let _ = tokio::time::timeout_at(deadline, freed).await;
				},
				admitted => return admitted,
			}
		}
	}
}

/// `len` bytes of `io`, in a buffer grown as they arrive (doubling, never past `len`) and
/// zeroed only where the next read writes: a sender that claims a large frame and sends little
/// holds about what it sent. (`read_to_end` zeroes all the spare room it is given, and rounds
/// the buffer up to twice what came.)
async fn read_payload<T: AsyncRead + Unpin + Send>(io: &mut T, len: usize) -> io::Result<Vec<u8>> {
	const STEP: usize = 64 << 10;
	let mut payload: Vec<u8> = Vec::with_capacity(len.min(STEP));
	while payload.len() < len {
		if payload.len() == payload.capacity() {
			payload.reserve_exact(payload.capacity().max(STEP).min(len - payload.len()));
		}
		let start = payload.len();
		payload.resize(payload.capacity().min(start + STEP), 0);
		let read = io.read(&mut payload[start..]).await?;
		payload.truncate(start + read);
		if read == 0 {
			return Err(io::Error::new(io::ErrorKind::UnexpectedEof, format!("an MPC payload of {len} bytes ended after {start}")));
		}
	}
	Ok(payload)
}

#[async_trait]
impl libp2p::request_response::Codec for MpcCodec {
	type Protocol = StreamProtocol;
	type Request = MpcRequest;
	type Response = Vec<u8>;

	async fn read_request<T: AsyncRead + Unpin + Send>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<MpcRequest> {
		let mut header = [0u8; MPC_HEADER];
		io.read_exact(&mut header).await?;
		let field = |at: usize, len: usize| &header[at..at + len];
		let session: [u8; 32] = field(0, 32).try_into().expect("32 bytes");
		let seq = u64::from_le_bytes(field(32, 8).try_into().expect("8 bytes"));
		let key: [u8; 32] = field(40, 32).try_into().expect("32 bytes");
		let hash: [u8; 32] = field(72, 32).try_into().expect("32 bytes");
		let signature = field(104, 64).to_vec();
		let len = u32::from_le_bytes(field(168, 4).try_into().expect("4 bytes")) as usize;
		if len > self.max_payload {
			return Err(io::Error::new(io::ErrorKind::InvalidData, format!("an MPC payload of {len} bytes exceeds the limit of {}", self.max_payload)));
		}
		let key = libp2p::identity::ed25519::PublicKey::try_from_bytes(&key).map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "an MPC frame names no ed25519 key"))?;
		let sender = libp2p::identity::PublicKey::from(key.clone()).to_peer_id();
		if !self.sessions.lock().expect("sessions lock").knows(&sender, &session) {
			return Err(io::Error::new(io::ErrorKind::PermissionDenied, format!("{sender} does not compute session {} with this node", hex::encode(session))));
		}
		let digest = enigma_primitives::mpc_frame_digest_of_hash(&session, seq, &self.local.to_bytes(), &hash);
		if !key.verify(&digest, &signature) {
			return Err(io::Error::new(io::ErrorKind::PermissionDenied, "an MPC frame whose signature does not verify"));
		}
		let reading = match self.admit(sender, &session, seq, len).await {
			Ok(Admission::Read(reading)) => Some(reading),
			Ok(Admission::Discard) => {
				futures::io::copy(&mut io.take(len as u64), &mut futures::io::sink()).await?;
				tracing::debug!(target: "mpc", "dropped frame #{seq} of session {} from {sender}: delivered already, or of no use any more", hex::encode(session));
				return Ok(MpcRequest { frame: MpcFrame { session, seq, payload: Vec::new(), signature }, reading: None });
			},
			Err(NotAdmitted::Refused(why) | NotAdmitted::Busy(why)) => {
				return Err(io::Error::new(io::ErrorKind::PermissionDenied, format!("frame #{seq} of session {} from {sender} not read: {why}", hex::encode(session))))
			},
		};
		let payload = read_payload(io, len).await?;
		if enigma_primitives::mpc_payload_hash(&payload) != hash {
			return Err(io::Error::new(io::ErrorKind::InvalidData, format!("the payload of frame #{seq} from {sender} is not the one it signed")));
		}
		Ok(MpcRequest { frame: MpcFrame { session, seq, payload, signature }, reading })
	}

	async fn read_response<T: AsyncRead + Unpin + Send>(&mut self, _: &StreamProtocol, io: &mut T) -> io::Result<Vec<u8>> {
		FrameCodec { max: 0 }.read(io).await
	}

	async fn write_request<T: AsyncWrite + Unpin + Send>(&mut self, _: &StreamProtocol, io: &mut T, request: MpcRequest) -> io::Result<()> {
		let MpcFrame { session, seq, payload, signature } = request.frame;
		if payload.len() > self.max_payload || signature.len() != 64 {
			return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("an MPC frame of {} bytes signed with {} bytes cannot be sent", payload.len(), signature.len())));
		}
		let mut header = Vec::with_capacity(MPC_HEADER);
		header.extend_from_slice(&session);
		header.extend_from_slice(&seq.to_le_bytes());
		header.extend_from_slice(&self.local_key);
		header.extend_from_slice(&enigma_primitives::mpc_payload_hash(&payload));
		header.extend_from_slice(&signature);
		header.extend_from_slice(&(payload.len() as u32).to_le_bytes());
		io.write_all(&header).await?;
		io.write_all(&payload).await
	}

	async fn write_response<T: AsyncWrite + Unpin + Send>(&mut self, _: &StreamProtocol, io: &mut T, answer: Vec<u8>) -> io::Result<()> {
		FrameCodec { max: 0 }.write(io, answer).await
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use libp2p::PeerId;

	#[test]
	fn a_frame_claiming_more_bytes_than_it_sends_is_refused() {
		let codec = FrameCodec { max: 64 << 20 };
		futures::executor::block_on(async {
			let mut good = Vec::new();
			codec.write(&mut good, vec![7; 100]).await.unwrap();
			assert_eq!(codec.read(&mut &good[..]).await.unwrap(), vec![7; 100]);
			// 60 MiB claimed, 10 bytes sent: an error, after holding only the 10 bytes.
			let mut short = (60u32 << 20).to_le_bytes().to_vec();
			short.extend([1; 10]);
			assert_eq!(codec.read(&mut &short[..]).await.unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
			let too_large = (65u32 << 20).to_le_bytes();
			assert_eq!(codec.read(&mut &too_large[..]).await.unwrap_err().kind(), io::ErrorKind::InvalidData);
		});
	}

	/// The attack: a peer outside this node's runs sends it MPC frames of 64 MiB on 1,024 streams
	/// per connection, which the node read whole before it asked who sent them. Now it reads the
	/// header and asks its sessions (before it even checks the signature): a frame it refuses
	/// costs it the header, never the payload; a member's frames being read stay within its own
	/// share, and one over it waits for the share; a frame the run has no use for any more (a
	/// resend of one delivered, a goodbye after the run closed) is read and dropped, not refused
	/// (refused, its sender would send it again, then take this node for unreachable).
	#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
	async fn a_payload_is_read_only_once_its_signer_may_send_it() {
		use crate::channel::{Limits, P2pTransport};
		use enigma_mpc::transport::Transport;
		use futures::io::Cursor;
		use libp2p::{identity::Keypair, request_response::Codec};
		use std::time::Duration;
		let [me, member, stranger] = [(); 3].map(|_| Keypair::generate_ed25519());
		let [me_id, member_id] = [&me, &member].map(|k| k.public().to_peer_id());
		let limits = Limits { queued_bytes_per_peer: 1 << 20, ..Limits::default() };
		let sessions = Arc::new(Mutex::new(Sessions::with_limits(me_id, limits)));
		sessions.lock().unwrap().expect_peers([member_id].into());
		let run = [4; 32];
		let (commands, _sent) = tokio::sync::mpsc::unbounded_channel();
		let mut transport = P2pTransport::open(run, vec![me_id, member_id], me.clone(), sessions.clone(), commands, Duration::from_secs(1)).unwrap();
		// A frame on the wire, signed by `signer`, its header naming `named` as the sender.
		let wire = |signer: &Keypair, named: &Keypair, seq: u64, payload: Vec<u8>| -> Vec<u8> {
			let digest = enigma_primitives::mpc_frame_digest(&run, seq, &me_id.to_bytes(), &payload);
			let frame = MpcFrame { session: run, seq, payload, signature: signer.sign(&digest).unwrap() };
			let mut sending = MpcCodec::new(Arc::new(Mutex::new(Sessions::new(named.public().to_peer_id()))), 64 << 20);
			let mut bytes = Vec::new();
			futures::executor::block_on(sending.write_request(&MPC_PROTOCOL, &mut bytes, MpcRequest { frame, reading: None })).unwrap();
			bytes
		};
		// What reading `bytes` gives, waiting up to `wait` for the sender's share, and how many
		// of them it read.
		let read_waiting = |bytes: Vec<u8>, wait: Duration| {
			let mut codec = MpcCodec::new(sessions.clone(), 64 << 20);
			codec.busy_wait = wait;
			async move {
				let mut cursor = Cursor::new(bytes);
				let read = codec.read_request(&MPC_PROTOCOL, &mut cursor).await;
				(read, cursor.position() as usize)
			}
		};
		let read = |bytes: Vec<u8>| read_waiting(bytes, Duration::ZERO);
		let refused_after_header = |bytes: Vec<u8>| {
			let read = read(bytes);
			async move {
				let (read, consumed) = read.await;
				assert_eq!(read.map(|r| r.frame.seq).unwrap_err().kind(), io::ErrorKind::PermissionDenied);
				assert_eq!(consumed, MPC_HEADER, "the payload was not read");
			}
		};
		let reading = |peer: &PeerId| sessions.lock().unwrap().reading_bytes(peer);

		// A stranger's 32 MiB frame, signed by itself; one that names the member as its sender;
		// a small one.
		refused_after_header(wire(&stranger, &stranger, 0, vec![0; 32 << 20])).await;
		refused_after_header(wire(&stranger, &member, 0, vec![0; 32 << 20])).await;
		refused_after_header(wire(&stranger, &stranger, 0, vec![0xff; 8])).await;

		// The member's frame is read; its bytes count against its share until handed over.
		let (first, consumed) = read(wire(&member, &member, 0, vec![1; 768 << 10])).await;
		let first = first.expect("a member's frame is read");
		assert_eq!((consumed, first.frame.payload.len()), (MPC_HEADER + (768 << 10), 768 << 10));
		assert_eq!(first.reading.as_ref().map(|r| r.sender()), Some(member_id));
		assert!(reading(&member_id) > 768 << 10);
		// Within the 1 MiB share, a second frame of 512 KiB must wait for the first: refused
		// if it may not wait, read once the first is handed over if it may.
		refused_after_header(wire(&member, &member, 1, vec![2; 512 << 10])).await;
		let second = tokio::spawn(read_waiting(wire(&member, &member, 1, vec![2; 512 << 10]), Duration::from_secs(10)));
		tokio::time::sleep(Duration::from_millis(200)).await;
		assert!(!second.is_finished(), "it waits for the member's share");
		let MpcRequest { frame, reading: held } = first;
		sessions.lock().unwrap().deliver_verified(member_id, frame);
		drop(held);
		let (second, _) = second.await.unwrap();
		let second = second.expect("read once the share is free");
		assert_eq!(second.frame.payload.len(), 512 << 10);
		assert_eq!(transport.recv(1).unwrap().len(), 768 << 10);
		// Delivered: a resend is read and dropped (not refused, not admitted).
		let (resent, consumed) = read(wire(&member, &member, 0, vec![1; 768 << 10])).await;
		assert!(resent.expect("read").reading.is_none());
		assert_eq!(consumed, MPC_HEADER + (768 << 10));
		// A frame larger than the member's whole share is refused at once, not after a wait;
		// one that claims more than it sends ends in an error that gives its bytes back.
		let (large, consumed) = read_waiting(wire(&member, &member, 2, vec![4; 2 << 20]), Duration::from_secs(10)).await;
		assert_eq!((large.map(|r| r.frame.seq).unwrap_err().kind(), consumed), (io::ErrorKind::PermissionDenied, MPC_HEADER));
		let mut short = wire(&member, &member, 2, vec![5; 300 << 10]);
		short.truncate(MPC_HEADER + (100 << 10));
		assert_eq!(read(short).await.0.map(|r| r.frame.seq).unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
		// A payload other than the one signed: read, and refused.
		let mut tampered = wire(&member, &member, 2, vec![3; 64]);
		tampered[MPC_HEADER] ^= 1;
		assert_eq!(read(tampered).await.0.map(|r| r.frame.seq).unwrap_err().kind(), io::ErrorKind::InvalidData);
		drop(second);
		assert_eq!(reading(&member_id), 0, "every read that ended gave its bytes back");
		// The run closes here: the member's goodbye, late, is read and dropped too.
		drop(transport);
		let (goodbye, _) = read(wire(&member, &member, 9, crate::channel::GOODBYE.to_vec())).await;
		assert!(goodbye.expect("read").reading.is_none());
	}
}
