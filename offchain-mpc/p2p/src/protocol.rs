//! The two request-response protocols a node speaks besides Kademlia, and their messages.
//!
//! - `/enigma/record/1`: signed puts, signed gets, and "do you hold this?" probes;
//! - `/enigma/mpc/1`: MPC frames between the members of a committee;
//! - `/enigma/app/1`: opaque requests an application handler answers (see `node::AppHandler`).
//!
//! On the wire a message is a length-prefixed SCALE encoding. The codec moves raw frames with a
//! size limit; decoding happens in the node, so a malformed request is answered with
//! [`Refusal::Malformed`] and logged instead of silently resetting the stream.

use crate::record::{AccountId, Pointer, SignedPut};
use async_trait::async_trait;
use codec::{Decode, Encode};
use futures::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use libp2p::StreamProtocol;
use std::io;

pub const RECORD_PROTOCOL: StreamProtocol = StreamProtocol::new("/enigma/record/2");
pub const MPC_PROTOCOL: StreamProtocol = StreamProtocol::new("/enigma/mpc/1");
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

#[cfg(test)]
mod tests {
	use super::*;

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
}
