//! How parties exchange messages.
//!
//! A [`Transport`] moves opaque frames between parties: in memory ([`mem`]), over TCP with
//! authenticated encryption ([`tcp`]), or over libp2p (the p2p crate implements the same trait).
//! [`Net`] sits on top of any transport: it numbers every frame per channel so that a dropped or
//! replayed message is detected, counts bytes, and moves field elements.

pub mod faulty;
pub mod mem;
pub mod stoppable;
pub mod tcp;

use crate::{
	error::{MpcError, Result},
	field,
};
use crate::field::MpcField;

/// A point-to-point, in-order, reliable frame channel between every pair of parties.
pub trait Transport: Send {
	/// This party's index, 0-based.
	fn party(&self) -> usize;
	/// Number of parties.
	fn parties(&self) -> usize;
	/// Send one frame to `to`.
	fn send(&mut self, to: usize, frame: Vec<u8>) -> Result<()>;
	/// Receive the next frame from `from`, waiting for it (with the transport's timeout).
	fn recv(&mut self, from: usize) -> Result<Vec<u8>>;
}

impl<T: Transport + ?Sized> Transport for Box<T> {
	fn party(&self) -> usize {
		(**self).party()
	}
	fn parties(&self) -> usize {
		(**self).parties()
	}
	fn send(&mut self, to: usize, frame: Vec<u8>) -> Result<()> {
		(**self).send(to, frame)
	}
	fn recv(&mut self, from: usize) -> Result<Vec<u8>> {
		(**self).recv(from)
	}
}

/// Sequenced, counted messaging on top of a [`Transport`].
pub struct Net<T: Transport> {
	transport: T,
	next_send: Vec<u64>,
	next_recv: Vec<u64>,
	bytes_sent: u64,
	messages_sent: u64,
	rounds: u64,
}

impl<T: Transport> Net<T> {
	pub fn new(transport: T) -> Self {
		let n = transport.parties();
		Self { transport, next_send: vec![0; n], next_recv: vec![0; n], bytes_sent: 0, messages_sent: 0, rounds: 0 }
	}

	pub fn party(&self) -> usize {
		self.transport.party()
	}

	pub fn parties(&self) -> usize {
		self.transport.parties()
	}

	/// Bytes this party has sent, headers included.
	pub fn bytes_sent(&self) -> u64 {
		self.bytes_sent
	}

	pub fn messages_sent(&self) -> u64 {
		self.messages_sent
	}

	/// Communication rounds this party took part in.
	pub fn rounds(&self) -> u64 {
		self.rounds
	}

	/// Count one communication round (protocols call this once per round trip they start).
	pub fn round(&mut self) {
		self.rounds += 1;
	}

	pub fn send(&mut self, to: usize, payload: &[u8]) -> Result<()> {
		let mut frame = self.frame_for(to, payload.len());
		frame.extend_from_slice(payload);
		self.ship(to, frame)
	}

	/// A frame for `to` holding only its sequence header, with room for `payload` bytes.
	fn frame_for(&mut self, to: usize, payload: usize) -> Vec<u8> {
		let seq = self.next_send[to];
		self.next_send[to] += 1;
		// 16 spare bytes: the TCP transport seals the frame in place and appends its tag.
		let mut frame = Vec::with_capacity(8 + payload + 16);
		frame.extend_from_slice(&seq.to_le_bytes());
		frame
	}

	fn ship(&mut self, to: usize, frame: Vec<u8>) -> Result<()> {
		// Over BLS12-381 Fr (what workers run) honest frames are a header and whole 32-byte
		// words, so a frame that is not can be shown to anyone, signed by its sender, as proof
		// of misbehaviour (`enigma_primitives::malformed_frame`). The 64-bit field's frames are
		// whole 8-byte words and never reach the chain.
		self.bytes_sent += frame.len() as u64;
		self.messages_sent += 1;
		self.transport.send(to, frame)
	}

	/// The next frame from `from`, its sequence number checked; the payload starts at byte 8.
	fn recv_frame(&mut self, from: usize) -> Result<Vec<u8>> {
		let frame = self.transport.recv(from)?;
		if frame.len() < 8 {
			return Err(MpcError::Malformed { from, reason: "frame shorter than its header".into() });
		}
		let got = u64::from_le_bytes(frame[..8].try_into().expect("8 bytes"));
		let expected = self.next_recv[from];
		if got != expected {
			return Err(MpcError::OutOfOrder { from, expected, got });
		}
		self.next_recv[from] += 1;
		Ok(frame)
	}

	pub fn recv(&mut self, from: usize) -> Result<Vec<u8>> {
		let mut frame = self.recv_frame(from)?;
		frame.drain(..8);
		Ok(frame)
	}

	/// Elements go straight into the frame, and come straight out of it: no extra copies of
	/// batches that reach megabytes.
	pub fn send_elements<F: MpcField>(&mut self, to: usize, values: &[F]) -> Result<()> {
		let mut frame = self.frame_for(to, values.len() * F::WIRE_BYTES);
		field::encode(values, &mut frame);
		self.ship(to, frame)
	}

	pub fn recv_elements<F: MpcField>(&mut self, from: usize, count: usize) -> Result<Vec<F>> {
		let frame = self.recv_frame(from)?;
		field::decode(&frame[8..], count, from)
	}

	/// Send `payload` to every other party.
	pub fn broadcast(&mut self, payload: &[u8]) -> Result<()> {
		for to in 0..self.parties() {
			if to != self.party() {
				self.send(to, payload)?;
			}
		}
		Ok(())
	}

	/// Everyone sends `mine` to everyone; returns every party's payload, ours included, by index.
	pub fn all_to_all(&mut self, mine: &[u8]) -> Result<Vec<Vec<u8>>> {
		self.broadcast(mine)?;
		(0..self.parties())
			.map(|from| if from == self.party() { Ok(mine.to_vec()) } else { self.recv(from) })
			.collect()
	}

	/// Everyone shows everyone `digest`; fails naming the first party whose digest differs.
	pub fn agree(&mut self, digest: &[u8; 32]) -> Result<()> {
		self.round();
		match self.all_to_all(digest)?.iter().position(|d| d.as_slice() != digest) {
			Some(party) => Err(MpcError::Disagreement { party }),
			None => Ok(()),
		}
	}

	/// Everyone sends `values` to everyone; returns every party's vector by index.
	pub fn all_to_all_elements<F: MpcField>(&mut self, values: &[F]) -> Result<Vec<Vec<F>>> {
		let bytes = field::to_bytes(values);
		self.broadcast(&bytes)?;
		(0..self.parties())
			.map(|from| {
				if from == self.party() {
					Ok(values.to_vec())
				} else {
					self.recv_elements(from, values.len())
				}
			})
			.collect()
	}

	/// Everyone sends `values` to everyone; returns their sum over the parties, element by
	/// element (an additive opening), added up as the frames are decoded.
	pub fn all_to_all_sum<F: MpcField>(&mut self, values: &[F]) -> Result<Vec<F>> {
		self.exchange_sum(&vec![values; self.parties()])
	}

	/// `outgoing[j]` goes to party j, and every party sends us as many elements as
	/// `outgoing[me]` holds: returns the sum of theirs and ours, element by element.
	pub fn exchange_sum<F: MpcField>(&mut self, outgoing: &[&[F]]) -> Result<Vec<F>> {
		let me = self.party();
		for (to, values) in outgoing.iter().enumerate().filter(|(to, _)| *to != me) {
			self.send_elements(to, values)?;
		}
		let mut sums = outgoing[me].to_vec();
		for from in (0..self.parties()).filter(|&from| from != me) {
			let frame = self.recv_frame(from)?;
			field::add_decoded(&mut sums, &frame[8..], from)?;
		}
		Ok(sums)
	}

	/// Party-specific messages: `outgoing[j]` goes to party j; returns what each party sent us
	/// (`counts[j]` elements from party j; our own entry is passed through, as a vector: given
	/// one, it is not copied; given a slice, only it is).
	pub fn exchange_elements<F: MpcField, V: AsRef<[F]> + Into<Vec<F>>>(&mut self, outgoing: Vec<V>, counts: &[usize]) -> Result<Vec<Vec<F>>> {
		self.exchange_elements_headed(outgoing, counts, &[])
	}

	/// [`Self::exchange_elements`] with `digest` at the head of every frame: [`Self::agree`] and
	/// an exchange in one round. Fails naming the first party whose digest differs (no elements
	/// are decoded then).
	pub fn exchange_elements_agreeing<F: MpcField>(&mut self, outgoing: Vec<Vec<F>>, counts: &[usize], digest: &[u8; 32]) -> Result<Vec<Vec<F>>> {
		self.exchange_elements_headed(outgoing, counts, digest)
	}

	fn exchange_elements_headed<F: MpcField, V: AsRef<[F]> + Into<Vec<F>>>(&mut self, outgoing: Vec<V>, counts: &[usize], head: &[u8]) -> Result<Vec<Vec<F>>> {
		let me = self.party();
		let mut own = Vec::new();
		for (to, values) in outgoing.into_iter().enumerate() {
			if to == me {
				own = values.into();
			} else {
				let values = values.as_ref();
				let mut frame = self.frame_for(to, head.len() + values.len() * F::WIRE_BYTES);
				frame.extend_from_slice(head);
				field::encode(values, &mut frame);
				self.ship(to, frame)?;
			}
		}
		// Every frame is read before any head is judged: a party that stops at a disagreement
		// has then received (so every peer has sent) all of the round, and no honest peer's
		// send races its exit and reports a disconnection instead of the disagreement.
		let frames = (0..self.parties()).map(|from| if from == me { Ok(Vec::new()) } else { self.recv_frame(from) }).collect::<Result<Vec<_>>>()?;
		let body = 8 + head.len();
		if let Some(party) = (0..self.parties()).find(|&from| from != me && frames[from].get(8..body) != Some(head)) {
			return Err(MpcError::Disagreement { party });
		}
		frames
			.iter()
			.enumerate()
			.map(|(from, frame)| if from == me { Ok(std::mem::take(&mut own)) } else { field::decode(&frame[body..], counts[from], from) })
			.collect()
	}
}
