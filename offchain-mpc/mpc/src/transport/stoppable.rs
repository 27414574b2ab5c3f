//! A transport that asks before every frame whether to go on: how a caller stops a run whose
//! thread it cannot stop otherwise (a deadline passed, the task given up).

use super::Transport;
use crate::error::{MpcError, Result};

pub struct Stoppable<T, S> {
	inner: T,
	/// The error every frame fails with from now on, if the run must stop.
	stop: S,
}

impl<T: Transport, S: Fn() -> Option<MpcError> + Send> Stoppable<T, S> {
	pub fn new(inner: T, stop: S) -> Self {
		Stoppable { inner, stop }
	}

	fn go_on(&self) -> Result<()> {
		(self.stop)().map_or(Ok(()), Err)
	}
}

impl<T: Transport, S: Fn() -> Option<MpcError> + Send> Transport for Stoppable<T, S> {
	fn party(&self) -> usize {
		self.inner.party()
	}

	fn parties(&self) -> usize {
		self.inner.parties()
	}

	fn send(&mut self, to: usize, frame: Vec<u8>) -> Result<()> {
		self.go_on()?;
		self.inner.send(to, frame)
	}

	fn recv(&mut self, from: usize) -> Result<Vec<u8>> {
		self.go_on()?;
		self.inner.recv(from)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use std::sync::{
		atomic::{AtomicBool, Ordering},
		Arc,
	};

	#[test]
	fn frames_flow_until_the_stop_says_otherwise() {
		let mut parties = super::super::mem::network(2).into_iter();
		let stopped = Arc::new(AtomicBool::new(false));
		let flag = stopped.clone();
		let mut a = Stoppable::new(parties.next().unwrap(), move || flag.load(Ordering::SeqCst).then(|| MpcError::InvalidParameters("stopped".into())));
		let mut b = parties.next().unwrap();
		a.send(1, vec![1]).unwrap();
		assert_eq!(b.recv(0).unwrap(), vec![1]);
		stopped.store(true, Ordering::SeqCst);
		assert!(a.send(1, vec![2]).is_err() && a.recv(1).is_err());
	}
}
