//! In-memory transport: one channel per ordered pair of parties, for tests and single-process runs.

use super::Transport;
use crate::error::{MpcError, Result};
use std::{
	sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender},
	time::Duration,
};

pub struct MemTransport {
	party: usize,
	to: Vec<Option<Sender<Vec<u8>>>>,
	from: Vec<Option<Receiver<Vec<u8>>>>,
	timeout: Duration,
}

/// Transports for `n` parties, connected to each other.
pub fn network(n: usize) -> Vec<MemTransport> {
	network_with_timeout(n, Duration::from_secs(60))
}

/// Like [`network`], with how long `recv` waits before it reports a timeout.
pub fn network_with_timeout(n: usize, timeout: Duration) -> Vec<MemTransport> {
	let mut senders: Vec<Vec<Option<Sender<Vec<u8>>>>> = (0..n).map(|_| (0..n).map(|_| None).collect()).collect();
	let mut receivers: Vec<Vec<Option<Receiver<Vec<u8>>>>> = (0..n).map(|_| (0..n).map(|_| None).collect()).collect();
	for i in 0..n {
		for j in 0..n {
			if i != j {
				let (tx, rx) = channel();
				senders[i][j] = Some(tx);
				receivers[j][i] = Some(rx);
			}
		}
	}
	senders
		.into_iter()
		.zip(receivers)
		.enumerate()
		.map(|(party, (to, from))| MemTransport { party, to, from, timeout })
		.collect()
}

impl Transport for MemTransport {
	fn party(&self) -> usize {
		self.party
	}

	fn parties(&self) -> usize {
		self.to.len()
	}

	fn send(&mut self, to: usize, frame: Vec<u8>) -> Result<()> {
		let sender = self.to.get(to).and_then(Option::as_ref).ok_or_else(|| MpcError::InvalidParameters(format!("no channel to party {to}")))?;
		sender.send(frame).map_err(|_| MpcError::Disconnected { peer: to, reason: "party has stopped".into() })
	}

	fn recv(&mut self, from: usize) -> Result<Vec<u8>> {
		let receiver = self.from.get(from).and_then(Option::as_ref).ok_or_else(|| MpcError::InvalidParameters(format!("no channel from party {from}")))?;
		receiver.recv_timeout(self.timeout).map_err(|e| match e {
			RecvTimeoutError::Timeout => MpcError::Timeout { from },
			RecvTimeoutError::Disconnected => MpcError::Disconnected { peer: from, reason: "party has stopped".into() },
		})
	}
}
