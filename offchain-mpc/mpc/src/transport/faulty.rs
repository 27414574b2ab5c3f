//! Fault injection: a transport wrapper through which a party misbehaves on purpose, used by the
//! tests that check every tampering is detected (and by the worker's `--misbehave` test mode).

use super::Transport;
use crate::error::Result;

/// What the faulty party does to its outgoing frames.
#[derive(Clone, Debug)]
pub enum Fault {
	/// Flip a bit in byte `byte` (counted after the 8-byte sequence header) of the `nth` frame
	/// sent to `to`.
	Corrupt { to: usize, nth: u64, byte: usize },
	/// Never send the `nth` frame to `to`.
	Drop { to: usize, nth: u64 },
	/// Send the `nth` frame to `to` again right after it.
	Replay { to: usize, nth: u64 },
	/// Add `delta` (little-endian, into the first 8 payload bytes) of every frame to `to`
	/// from the `nth` on: a consistent lie rather than noise.
	Offset { to: usize, from_nth: u64, delta: u8 },
	/// Cut the last byte off every frame to anyone from the `nth` on: frames the receivers
	/// cannot decode, which they can pin on this party (the channels are authenticated).
	Truncate { from_nth: u64 },
	/// Send nothing more to anyone from the `nth` frame on: a party that stalls the run while
	/// it still answers everything else.
	Mute { from_nth: u64 },
}

pub struct Faulty<T: Transport> {
	inner: T,
	faults: Vec<Fault>,
	sent: Vec<u64>,
}

impl<T: Transport> Faulty<T> {
	pub fn new(inner: T, faults: Vec<Fault>) -> Self {
		let n = inner.parties();
		Self { inner, faults, sent: vec![0; n] }
	}
}

impl<T: Transport> Transport for Faulty<T> {
	fn party(&self) -> usize {
		self.inner.party()
	}

	fn parties(&self) -> usize {
		self.inner.parties()
	}

	fn send(&mut self, to: usize, mut frame: Vec<u8>) -> Result<()> {
		let nth = self.sent[to];
		self.sent[to] += 1;
		let mut replay = false;
		for fault in &self.faults {
			match *fault {
				Fault::Corrupt { to: t, nth: k, byte } if t == to && k == nth => {
					if let Some(b) = frame.get_mut(8 + byte) {
						*b ^= 1;
					}
				},
				Fault::Drop { to: t, nth: k } if t == to && k == nth => return Ok(()),
				Fault::Replay { to: t, nth: k } if t == to && k == nth => replay = true,
				Fault::Offset { to: t, from_nth, delta } if t == to && nth >= from_nth => {
					// With the carry: every recipient's value moves by the same delta (a lone
					// byte wrapping at 0xff moved one of them by delta - 256 instead, 1 run in 80).
					let mut carry = u16::from(delta);
					for b in frame.iter_mut().skip(8).take(8) {
						let sum = u16::from(*b) + carry;
						*b = sum as u8;
						carry = sum >> 8;
					}
				},
				Fault::Truncate { from_nth } if nth >= from_nth => {
					frame.pop();
				},
				Fault::Mute { from_nth } if nth >= from_nth => return Ok(()),
				_ => {},
			}
		}
		if replay {
			self.inner.send(to, frame.clone())?;
		}
		self.inner.send(to, frame)
	}

	fn recv(&mut self, from: usize) -> Result<Vec<u8>> {
		self.inner.recv(from)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::transport::mem::network;

	#[test]
	fn an_offset_carries_so_that_every_recipient_sees_the_same_shift() {
		let mut parties = network(2).into_iter();
		let (sender, mut receiver) = (parties.next().unwrap(), parties.next().unwrap());
		let mut liar = Faulty::new(sender, vec![Fault::Offset { to: 1, from_nth: 0, delta: 1 }]);
		for low in [0x00u8, 0x7f, 0xff] {
			let value = u64::from_le_bytes([low, 0xff, 0x12, 0, 0, 0, 0, 0]);
			liar.send(1, [[9u8; 8], value.to_le_bytes()].concat()).unwrap();
			let frame = receiver.recv(0).unwrap();
			assert_eq!(u64::from_le_bytes(frame[8..16].try_into().unwrap()), value + 1, "low byte {low:#x}");
		}
	}
}
