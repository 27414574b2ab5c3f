//! TCP transport with authenticated encryption between every pair of parties.
//!
//! Each party has a static x25519 key; all parties know each other's public keys. For the pair
//! (i, j) both derive, with HKDF-SHA256 over their Diffie-Hellman secret, one ChaCha20-Poly1305 key
//! per direction. Every frame is `len: u32 LE || ciphertext`, sealed with the direction's
//! key and a nonce that counts frames, so a tampered, replayed, reordered or dropped frame fails
//! authentication. Party i dials every j < i and accepts every j > i; a reader thread per peer
//! drains its socket so two parties sending large batches to each other never deadlock.

use super::Transport;
use crate::error::{MpcError, Result};
use chacha20poly1305::{aead::AeadInPlace, ChaCha20Poly1305, Key, KeyInit, Nonce};
use hkdf::Hkdf;
use sha2::Sha256;
use std::{
	io::{BufReader, BufWriter, Read, Write},
	net::{SocketAddr, TcpListener, TcpStream},
	sync::mpsc::{channel, Receiver, RecvTimeoutError},
	thread,
	time::{Duration, Instant},
};
use x25519_dalek::{PublicKey, StaticSecret};

/// Largest frame accepted from a peer (guards memory against a hostile length prefix).
pub const MAX_FRAME: usize = 1 << 30;
/// What a frame's buffer reserves before its bytes arrive.
const READ_CHUNK: usize = 1 << 20;

pub struct TcpConfig {
	pub party: usize,
	/// Listen addresses of all parties, by index.
	pub addresses: Vec<SocketAddr>,
	pub secret: StaticSecret,
	/// Static public keys of all parties, by index.
	pub public_keys: Vec<PublicKey>,
	/// How long to keep retrying connections to peers that are not up yet.
	pub connect_timeout: Duration,
	/// How long `recv` waits for a frame.
	pub recv_timeout: Duration,
}

struct Peer {
	writer: BufWriter<TcpStream>,
	seal: ChaCha20Poly1305,
	sent: u64,
	incoming: Receiver<Result<Vec<u8>>>,
}

pub struct TcpTransport {
	party: usize,
	peers: Vec<Option<Peer>>,
	recv_timeout: Duration,
}

fn direction_key(shared: &[u8; 32], from: usize, to: usize) -> ChaCha20Poly1305 {
	let hk = Hkdf::<Sha256>::new(Some(b"enigma-mpc tcp v1"), shared);
	let mut key = [0u8; 32];
	hk.expand(format!("{from}->{to}").as_bytes(), &mut key).expect("32 bytes is a valid HKDF output length");
	ChaCha20Poly1305::new(Key::from_slice(&key))
}

fn nonce(counter: u64) -> Nonce {
	let mut n = [0u8; 12];
	n[..8].copy_from_slice(&counter.to_le_bytes());
	*Nonce::from_slice(&n)
}

impl TcpTransport {
	/// Connect to all peers; returns once every pair is connected.
	pub fn connect(config: TcpConfig) -> Result<Self> {
		let n = config.addresses.len();
		let me = config.party;
		if me >= n || config.public_keys.len() != n {
			return Err(MpcError::InvalidParameters("party index or key list does not match the address list".into()));
		}
		let listener = TcpListener::bind(config.addresses[me])
			.map_err(|e| MpcError::Disconnected { peer: me, reason: format!("cannot listen on {}: {e}", config.addresses[me]) })?;
		let mut streams: Vec<Option<TcpStream>> = (0..n).map(|_| None).collect();

		// Dial lower-numbered parties, announcing who we are.
		for peer in 0..me {
			let deadline = Instant::now() + config.connect_timeout;
			let stream = loop {
				match TcpStream::connect(config.addresses[peer]) {
					Ok(s) => break s,
					Err(e) if Instant::now() < deadline => {
						let _ = e;
						thread::sleep(Duration::from_millis(50));
					},
					Err(e) => return Err(MpcError::Disconnected { peer, reason: format!("cannot connect: {e}") }),
				}
			};
			let mut s = stream;
			s.write_all(&(me as u32).to_le_bytes()).map_err(|e| MpcError::Disconnected { peer, reason: e.to_string() })?;
			streams[peer] = Some(s);
		}
		// Accept higher-numbered parties.
		let mut pending = n - me - 1;
		while pending > 0 {
			let (mut s, _) = listener.accept().map_err(|e| MpcError::Disconnected { peer: me, reason: e.to_string() })?;
			let mut id = [0u8; 4];
			if s.read_exact(&mut id).is_err() {
				continue;
			}
			let peer = u32::from_le_bytes(id) as usize;
			if peer <= me || peer >= n || streams[peer].is_some() {
				continue; // not a party we expect: ignore the connection
			}
			streams[peer] = Some(s);
			pending -= 1;
		}

		let mut peers = Vec::with_capacity(n);
		for (peer, stream) in streams.into_iter().enumerate() {
			let Some(stream) = stream else {
				peers.push(None);
				continue;
			};
			stream.set_nodelay(true).ok();
			let shared = config.secret.diffie_hellman(&config.public_keys[peer]).to_bytes();
			let seal = direction_key(&shared, me, peer);
			let open = direction_key(&shared, peer, me);
			let (tx, rx) = channel();
			let reader = stream.try_clone().map_err(|e| MpcError::Disconnected { peer, reason: e.to_string() })?;
			thread::Builder::new()
				.name(format!("mpc-recv-{peer}"))
				.spawn(move || read_frames(BufReader::with_capacity(1 << 20, reader), open, peer, tx))
				.map_err(|e| MpcError::Disconnected { peer, reason: e.to_string() })?;
			peers.push(Some(Peer { writer: BufWriter::with_capacity(1 << 20, stream), seal, sent: 0, incoming: rx }));
		}
		Ok(Self { party: me, peers, recv_timeout: config.recv_timeout })
	}
}

fn read_frames(mut reader: BufReader<TcpStream>, open: ChaCha20Poly1305, peer: usize, tx: std::sync::mpsc::Sender<Result<Vec<u8>>>) {
	let mut counter = 0u64;
	loop {
		let mut len = [0u8; 4];
		if let Err(e) = reader.read_exact(&mut len) {
			let _ = tx.send(Err(MpcError::Disconnected { peer, reason: e.to_string() }));
			return;
		}
		let len = u32::from_le_bytes(len) as usize;
		if len > MAX_FRAME {
			let _ = tx.send(Err(MpcError::Malformed { from: peer, reason: format!("frame of {len} bytes exceeds the limit") }));
			return;
		}
		// Grown as the bytes arrive, never ahead of them: a length prefix alone reserves at most
		// a chunk, whatever it claims.
		let mut sealed = Vec::with_capacity(len.min(READ_CHUNK));
		match (&mut reader).take(len as u64).read_to_end(&mut sealed) {
			Ok(read) if read == len => {},
			Ok(read) => {
				let _ = tx.send(Err(MpcError::Disconnected { peer, reason: format!("the stream ended {read} bytes into a {len}-byte frame") }));
				return;
			},
			Err(e) => {
				let _ = tx.send(Err(MpcError::Disconnected { peer, reason: e.to_string() }));
				return;
			},
		}
		let frame = open.decrypt_in_place(&nonce(counter), b"", &mut sealed).map(|_| sealed).map_err(|_| MpcError::Unauthenticated { from: peer });
		counter += 1;
		let failed = frame.is_err();
		if tx.send(frame).is_err() || failed {
			return;
		}
	}
}

impl Transport for TcpTransport {
	fn party(&self) -> usize {
		self.party
	}

	fn parties(&self) -> usize {
		self.peers.len()
	}

	fn send(&mut self, to: usize, mut frame: Vec<u8>) -> Result<()> {
		let peer = self.peers.get_mut(to).and_then(Option::as_mut).ok_or_else(|| MpcError::InvalidParameters(format!("no connection to party {to}")))?;
		peer.seal.encrypt_in_place(&nonce(peer.sent), b"", &mut frame).map_err(|_| MpcError::Malformed { from: to, reason: "encryption failed".into() })?;
		let sealed = frame;
		peer.sent += 1;
		let io = |e: std::io::Error| MpcError::Disconnected { peer: to, reason: e.to_string() };
		peer.writer.write_all(&(sealed.len() as u32).to_le_bytes()).map_err(io)?;
		peer.writer.write_all(&sealed).map_err(io)?;
		peer.writer.flush().map_err(io)
	}

	fn recv(&mut self, from: usize) -> Result<Vec<u8>> {
		let peer = self.peers.get_mut(from).and_then(Option::as_mut).ok_or_else(|| MpcError::InvalidParameters(format!("no connection to party {from}")))?;
		match peer.incoming.recv_timeout(self.recv_timeout) {
			Ok(frame) => frame,
			Err(RecvTimeoutError::Timeout) => Err(MpcError::Timeout { from }),
			Err(RecvTimeoutError::Disconnected) => Err(MpcError::Disconnected { peer: from, reason: "reader stopped".into() }),
		}
	}
}

/// Deterministic demo keys: party i's static secret derived from a shared session seed. Real
/// deployments use each worker's own key registered on chain.
pub fn demo_keys(seed: &str, n: usize) -> (Vec<StaticSecret>, Vec<PublicKey>) {
	use blake2::{Blake2b512, Digest};
	let secrets: Vec<StaticSecret> = (0..n)
		.map(|i| {
			let digest = Blake2b512::digest(format!("enigma-mpc demo key {seed} {i}").as_bytes());
			let mut bytes = [0u8; 32];
			bytes.copy_from_slice(&digest[..32]);
			StaticSecret::from(bytes)
		})
		.collect();
	let publics = secrets.iter().map(PublicKey::from).collect();
	(secrets, publics)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::transport::Net;

	fn free_addrs(n: usize) -> Vec<SocketAddr> {
		(0..n)
			.map(|_| TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap())
			.collect()
	}

	#[test]
	fn three_parties_exchange_encrypted_frames() {
		let addresses = free_addrs(3);
		let (secrets, publics) = demo_keys("test", 3);
		let handles: Vec<_> = secrets
			.into_iter()
			.enumerate()
			.map(|(party, secret)| {
				let (addresses, public_keys) = (addresses.clone(), publics.clone());
				thread::spawn(move || {
					let t = TcpTransport::connect(TcpConfig {
						party,
						addresses,
						secret,
						public_keys,
						connect_timeout: Duration::from_secs(10),
						recv_timeout: Duration::from_secs(10),
					})
					.unwrap();
					let mut net = Net::new(t);
					// Engine frames are whole 32-byte words.
					let all = net.all_to_all(format!("{:<32}", format!("hello from {party}")).as_bytes()).unwrap();
					all.into_iter().map(|m| String::from_utf8(m).unwrap().trim_end().to_string()).collect::<Vec<_>>()
				})
			})
			.collect();
		for h in handles {
			assert_eq!(h.join().unwrap(), vec!["hello from 0", "hello from 1", "hello from 2"]);
		}
	}

	#[test]
	fn a_party_with_the_wrong_key_cannot_talk() {
		let addresses = free_addrs(2);
		let (secrets, publics) = demo_keys("test", 2);
		let (imposter, _) = demo_keys("other session", 2);
		let mut secrets = secrets.into_iter();
		let s0 = secrets.next().unwrap();
		let p = publics.clone();
		let a = addresses.clone();
		let honest = thread::spawn(move || {
			let t = TcpTransport::connect(TcpConfig { party: 0, addresses: a, secret: s0, public_keys: p, connect_timeout: Duration::from_secs(10), recv_timeout: Duration::from_secs(10) }).unwrap();
			Net::new(t).recv(1)
		});
		let t = TcpTransport::connect(TcpConfig { party: 1, addresses, secret: imposter[1].clone(), public_keys: publics, connect_timeout: Duration::from_secs(10), recv_timeout: Duration::from_secs(10) }).unwrap();
		let mut net = Net::new(t);
		net.send(0, &[7; 32]).unwrap();
		assert_eq!(honest.join().unwrap(), Err(MpcError::Unauthenticated { from: 1 }));
	}

	/// Party 0's result of receiving from a raw connection that says it is party 1, then sends
	/// `bytes`.
	fn receive_raw(bytes: &[u8]) -> Result<Vec<u8>> {
		let addresses = free_addrs(2);
		let (mut secrets, publics) = demo_keys("test", 2);
		let config = TcpConfig { party: 0, addresses: addresses.clone(), secret: secrets.remove(0), public_keys: publics, connect_timeout: Duration::from_secs(10), recv_timeout: Duration::from_secs(10) };
		let receiver = thread::spawn(move || TcpTransport::connect(config).and_then(|mut t| t.recv(1)));
		let mut raw = loop {
			match TcpStream::connect(addresses[0]) {
				Ok(s) => break s,
				Err(_) => thread::sleep(Duration::from_millis(20)),
			}
		};
		raw.write_all(&1u32.to_le_bytes()).unwrap();
		raw.write_all(bytes).unwrap();
		drop(raw);
		receiver.join().unwrap()
	}

	#[test]
	fn a_length_prefix_over_the_limit_or_without_its_bytes_is_refused() {
		let over = (MAX_FRAME as u32 + 1).to_le_bytes();
		assert!(matches!(receive_raw(&over), Err(MpcError::Malformed { from: 1, .. })));
		// A gigabyte announced, three bytes sent: the stream's end is reported as such (the
		// buffer grows with the bytes read; this test does not measure it).
		let claimed = [(MAX_FRAME as u32).to_le_bytes().as_slice(), b"abc"].concat();
		match receive_raw(&claimed) {
			Err(MpcError::Disconnected { peer: 1, reason }) => assert!(reason.contains("3 bytes into"), "{reason}"),
			other => panic!("expected the stream's end, got {other:?}"),
		}
	}
}
