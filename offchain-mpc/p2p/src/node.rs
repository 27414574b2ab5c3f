//! A DHT node: the libp2p swarm, its event loop, and the handle callers use.
//!
//! The swarm runs in one task ([`EventLoop`]); callers talk to it through [`DhtHandle`], which
//! sends commands and awaits replies. Permission checks are async (the worker asks the chain), so
//! inbound requests are checked in tasks of their own and answered through the loop.
//!
//! How a record moves:
//! - **put**: Kademlia finds the peers closest to the pointer; the modified distance
//!   ([`placement`](crate::placement)) picks k holders among them (this node included); each
//!   holder checks the record and the writer's permission, stores it in its database and
//!   announces itself as a Kademlia *provider* of the pointer before it acknowledges.
//! - **get**: Kademlia finds the providers; the reader's signed request goes to them in turn;
//!   a holder serves the record only when the reader passes the permission check, and the reader
//!   checks that what it got hashes to the pointer and carries a valid writer signature.
//! - **repair** (every `republish_interval`, and at start): each holder drops expired records,
//!   re-announces the rest, counts the live holders of each and pushes copies to new holders when
//!   fewer than k remain.

use crate::{
	access::AccessControl,
	admission,
	channel::{P2pTransport, Sessions},
	inbound::{InboundWork, Turn},
	placement::{choose_holders, Placement},
	protocol::{possession_proof, FrameCodec, MpcCodec, MpcFrame, MpcRequest, RecordRequest, RecordResponse, Refusal, APP_PROTOCOL, KAD_PROTOCOL, MPC_PROTOCOL, RECORD_PROTOCOL},
	record::{get_message, unix_now, verify, AccountId, Pointer, SignedPut, Signer, GET_VALIDITY_SECS, NO_REPLY_KEY},
	store::{self, DataStore, PersistentStore},
};
use codec::{Decode, Encode};
use futures::{future::join_all, StreamExt};
use libp2p::{
	connection_limits, identify, identity,
	kad::{self, store::RecordStore, GetProvidersOk, QueryId, QueryResult},
	multiaddr::Protocol,
	noise, ping,
	request_response::{self, InboundRequestId, OutboundRequestId, ProtocolSupport, ResponseChannel},
	swarm::{NetworkBehaviour, SwarmEvent},
	tcp, yamux, Multiaddr, PeerId, Swarm,
};
use std::{
	collections::{HashMap, HashSet},
	path::{Path, PathBuf},
	sync::{Arc, Mutex},
	time::Duration,
};
use tokio::sync::{mpsc, oneshot};

/// How a node runs.
#[derive(Clone, Debug)]
pub struct Config {
	/// Holds the node's database (`db/`) and, unless `key_file` says otherwise, its identity key
	/// (`node-key`).
	pub data_dir: PathBuf,
	/// Where the libp2p identity key is kept (created with mode 0600 if missing).
	pub key_file: Option<PathBuf>,
	pub listen: Vec<Multiaddr>,
	/// Peers to join through, each address ending in `/p2p/<peer id>`.
	pub bootstrap: Vec<Multiaddr>,
	/// k: how many nodes hold each record.
	pub replication: usize,
	/// Largest ciphertext accepted, in bytes.
	pub max_record_size: usize,
	/// How often a holder re-announces its records and restores their replication.
	pub republish_interval: Duration,
	/// How long a request to one peer may take.
	pub request_timeout: Duration,
	/// Hold records for others. A client (`false`) only puts and gets: Kademlia client mode, and
	/// never a holder itself.
	pub serve: bool,
	/// Connections one peer may hold with this node at once. Beyond it, and beyond the caps
	/// below, new connections are refused as they complete the handshake, before any protocol
	/// runs on them: a peer that dials again and again cannot exhaust sockets and memory.
	pub max_connections_per_peer: u32,
	/// Incoming connections in all, established, from any peer.
	pub max_incoming_connections: u32,
	/// Incoming connections beyond `max_incoming_connections` that only registered workers may
	/// use ([`Placement::is_worker`]): Sybils that fill the open slots cannot cut a committee off.
	pub reserved_for_workers: u32,
	/// Incoming connections still negotiating (Noise, Yamux).
	pub max_pending_incoming: u32,
	/// Incoming connections, handshakes included, that one IP address may hold: one host cannot
	/// take every pending or open slot with made-up peer ids.
	pub max_incoming_per_address: u32,
	/// Apply `max_incoming_per_address` to loopback addresses too (tests); off, a devnet's nodes
	/// on one machine are not limited by it.
	pub limit_loopback: bool,
	/// The peers whose MPC frames for sessions not open yet this node keeps from its start, until
	/// [`DhtHandle::expect_mpc_peers`] says otherwise: a worker's the chain's active workers;
	/// nobody's by default (a node that never computes, a client). `None`: anyone's, each within
	/// its limits (tests, whose members open a run at different times without a chain).
	pub mpc_peers: Option<HashSet<PeerId>>,
}

impl Config {
	pub fn new(data_dir: impl Into<PathBuf>) -> Self {
		Self {
			data_dir: data_dir.into(),
			key_file: None,
			listen: vec!["/ip4/127.0.0.1/tcp/0".parse().expect("valid multiaddr")],
			bootstrap: Vec::new(),
			replication: 3,
			max_record_size: 4 << 20,
			republish_interval: Duration::from_secs(600),
			request_timeout: Duration::from_secs(10),
			serve: true,
			max_connections_per_peer: 4,
			max_incoming_connections: 512,
			reserved_for_workers: 128,
			max_pending_incoming: 64,
			max_incoming_per_address: 16,
			limit_loopback: false,
			mpc_peers: Some(HashSet::new()),
		}
	}
}

#[derive(Debug, thiserror::Error)]
pub enum DhtError {
	#[error("no node holds a record under this pointer")]
	NotFound,
	#[error("the holders refused: the reader may not read this record")]
	Denied,
	#[error("record refused: {0}")]
	Refused(Refusal),
	#[error("no holder accepted the record: {0}")]
	NotStored(String),
	#[error("bootstrap address {0} does not end in /p2p/<peer id>")]
	BadBootstrap(Multiaddr),
	#[error("the node has stopped")]
	Stopped,
	#[error(transparent)]
	Db(#[from] store::DbError),
	#[error("identity key: {0}")]
	Identity(String),
	#[error("network: {0}")]
	Network(String),
}

/// Where a put landed.
#[derive(Debug, Clone, Default)]
pub struct PutReceipt {
	pub holders: Vec<PeerId>,
	/// Chosen holders that refused or could not be reached, with the reason.
	pub failed: Vec<(PeerId, String)>,
}

#[derive(NetworkBehaviour)]
struct Behaviour {
	/// First, so that a connection over the limits is refused before the others see it.
	admission: admission::Behaviour,
	limits: connection_limits::Behaviour,
	kad: kad::Behaviour<PersistentStore>,
	identify: identify::Behaviour,
	ping: ping::Behaviour,
	records: request_response::Behaviour<FrameCodec>,
	mpc: request_response::Behaviour<MpcCodec>,
	app: request_response::Behaviour<FrameCodec>,
}

/// Answers requests on `/enigma/app/1`. The peer id is the one Noise authenticated.
#[async_trait::async_trait]
pub trait AppHandler: Send + Sync + 'static {
	async fn handle(&self, from: PeerId, request: Vec<u8>) -> Vec<u8>;
}

pub(crate) enum Command {
	ClosestPeers { key: Pointer, reply: oneshot::Sender<Vec<PeerId>> },
	/// `first`: answer with the first providers found instead of waiting for the whole query.
	Providers { key: Pointer, first: bool, reply: oneshot::Sender<HashSet<PeerId>> },
	Request { peer: PeerId, request: Vec<u8>, reply: oneshot::Sender<Result<Vec<u8>, String>> },
	/// An answer to an inbound request, with the turn it holds until the answer is written (or
	/// the stream failed): a peer that never reads its answers holds its turns, not memory.
	Respond { channel: ResponseChannel<Vec<u8>>, response: RecordResponse, turn: Option<(InboundRequestId, Turn)> },
	Provide { key: Pointer, reply: Option<oneshot::Sender<()>> },
	StopProviding { key: Pointer },
	MpcSend { peer: PeerId, frame: MpcFrame, attempt: u32 },
	AddAddress { peer: PeerId, address: Multiaddr },
	AppRequest { peer: PeerId, request: Vec<u8>, reply: oneshot::Sender<Result<Vec<u8>, String>> },
	AppRespond { channel: ResponseChannel<Vec<u8>>, response: Vec<u8>, turn: Option<(InboundRequestId, Turn)> },
	Bootstrap { reply: oneshot::Sender<()> },
	Shutdown,
}

/// What the handle and the inbound-request tasks share.
pub(crate) struct Shared {
	pub local: PeerId,
	/// This node's identity, which signs its MPC frames.
	pub keypair: identity::Keypair,
	pub config: Config,
	pub data: DataStore,
	pub access: Arc<dyn AccessControl>,
	pub placement: Arc<dyn Placement>,
	pub sessions: Arc<Mutex<Sessions>>,
	pub app: Option<Arc<dyn AppHandler>>,
	/// Possession proofs computed at once (each reads and hashes a whole record, for any peer
	/// that asks): the rest wait their turn instead of taking every core.
	pub proofs: Arc<tokio::sync::Semaphore>,
	/// Possession proofs for peers that are not registered workers, where the registry names them.
	pub other_proofs: Arc<tokio::sync::Semaphore>,
	/// Inbound record and application requests under way ([`crate::inbound`]); the chain's
	/// workers (committee members asking each other whether they are alive, whom they blame)
	/// have a budget of their own, which peers with free ids cannot take.
	pub record_work: Arc<InboundWork>,
	pub app_work: Arc<InboundWork>,
	pub worker_app_work: Arc<InboundWork>,
	/// The network each peer connected from, which its requests count against.
	pub sources: Arc<admission::Sources>,
}

/// Possession proofs a node computes at the same time.
const CONCURRENT_PROOFS: usize = 2;
/// Inbound requests of each protocol under way at once, in all and per peer (a client delivering
/// shares keeps a few requests in flight; a worker's repair probes a record's holders).
const INBOUND_REQUESTS: usize = 64;
const INBOUND_REQUESTS_PER_PEER: usize = 8;
/// And per network the peers connected from ([`admission::network_of`]): a quarter of them.
const INBOUND_REQUESTS_PER_NETWORK: usize = 16;

/// A cheap, cloneable handle to a running node.
#[derive(Clone)]
pub struct DhtHandle {
	commands: mpsc::UnboundedSender<Command>,
	shared: Arc<Shared>,
	listen_addrs: Arc<Vec<Multiaddr>>,
}

/// A running node; stops when [`DhtNode::shutdown`] is called.
pub struct DhtNode {
	handle: DhtHandle,
	task: tokio::task::JoinHandle<()>,
}

impl std::ops::Deref for DhtNode {
	type Target = DhtHandle;
	fn deref(&self) -> &DhtHandle {
		&self.handle
	}
}

/// The node's libp2p identity, kept in `path` (mode 0600) across restarts.
pub fn load_or_create_identity(path: &Path) -> Result<identity::Keypair, DhtError> {
	let err = |e: &dyn std::fmt::Display| DhtError::Identity(format!("{}: {e}", path.display()));
	if let Ok(bytes) = std::fs::read(path) {
		return identity::Keypair::from_protobuf_encoding(&bytes).map_err(|e| err(&e));
	}
	if let Some(dir) = path.parent() {
		std::fs::create_dir_all(dir).map_err(|e| err(&e))?;
	}
	let keypair = identity::Keypair::generate_ed25519();
	let bytes = keypair.to_protobuf_encoding().map_err(|e| err(&e))?;
	write_private(path, &bytes).map_err(|e| err(&e))?;
	Ok(keypair)
}

/// Writes a file only its owner can read.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
	use std::{io::Write, os::unix::fs::OpenOptionsExt};
	let mut file = std::fs::OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(path)?;
	file.write_all(bytes)
}

/// Hands the outcome of an outbound request to whoever waits for it (nobody, if it gave up).
fn settle(pending: &mut HashMap<OutboundRequestId, oneshot::Sender<Result<Vec<u8>, String>>>, id: OutboundRequestId, outcome: Result<Vec<u8>, String>) {
	if let Some(reply) = pending.remove(&id) {
		let _ = reply.send(outcome);
	}
}

fn split_peer(address: &Multiaddr) -> Option<(PeerId, Multiaddr)> {
	let mut address = address.clone();
	match address.pop()? {
		Protocol::P2p(peer) => Some((peer, address)),
		_ => None,
	}
}

impl DhtNode {
	/// Opens the database, listens, joins through the bootstrap peers and starts serving.
	pub async fn start(config: Config, access: Arc<dyn AccessControl>, placement: Arc<dyn Placement>) -> Result<Self, DhtError> {
		Self::start_with_app(config, access, placement, None).await
	}

	/// Like [`DhtNode::start`], answering `/enigma/app/1` requests with `app`.
	pub async fn start_with_app(
		config: Config,
		access: Arc<dyn AccessControl>,
		placement: Arc<dyn Placement>,
		app: Option<Arc<dyn AppHandler>>,
	) -> Result<Self, DhtError> {
		let key_file = config.key_file.clone().unwrap_or_else(|| config.data_dir.join("node-key"));
		let keypair = load_or_create_identity(&key_file)?;
		let local = keypair.public().to_peer_id();
		let signer = keypair.clone();
		let db = store::open(&config.data_dir.join("db"))?;
		let data = DataStore::new(db.clone());
		let sessions = Arc::new(Mutex::new(Sessions::new(local)));
		if let Some(peers) = config.mpc_peers.clone() {
			sessions.lock().expect("sessions lock").expect_peers(peers);
		}
		let mpc_codec = MpcCodec::new(sessions.clone(), 64 << 20);

		let mut kad_config = kad::Config::new(KAD_PROTOCOL);
		kad_config
			.set_query_timeout(Duration::from_secs(30))
			// Nobody may write values or provider records into this node's store unchecked:
			// inbound ones are filtered in the event loop.
			.set_record_filtering(kad::StoreInserts::FilterBoth)
			.set_provider_publication_interval(Some(config.republish_interval))
			.set_provider_record_ttl(Some(config.republish_interval * 3));
		let max_record_frame = config.max_record_size + 4096;
		let record_timeout = config.request_timeout;
		let kad_mode = if config.serve { kad::Mode::Server } else { kad::Mode::Client };

		let limits = (config.max_connections_per_peer, config.max_pending_incoming);
		let per_address = admission::PerAddress { cap: config.max_incoming_per_address, limit_loopback: config.limit_loopback };
		let sources = Arc::new(admission::Sources::default());
		let store_placement = placement.clone();
		let admission = admission::Behaviour::new(placement.clone(), sources.clone(), config.max_incoming_connections, config.reserved_for_workers, per_address);
		let mut swarm = libp2p::SwarmBuilder::with_existing_identity(keypair)
			.with_tokio()
			.with_tcp(tcp::Config::default().nodelay(true), noise::Config::new, yamux::Config::default)
			.map_err(|e| DhtError::Network(e.to_string()))?
			.with_behaviour(|key| {
				let store = PersistentStore::new(db, local, 64 << 10, store_placement);
				let mut kad = kad::Behaviour::with_config(local, store, kad_config);
				// Loopback and private networks never confirm an external address; serve anyway.
				kad.set_mode(Some(kad_mode));
				Behaviour {
					admission,
					limits: connection_limits::Behaviour::new(
						connection_limits::ConnectionLimits::default()
							.with_max_established_per_peer(Some(limits.0))
							.with_max_pending_incoming(Some(limits.1)),
					),
					kad,
					identify: identify::Behaviour::new(identify::Config::new("/enigma/id/1".into(), key.public())),
					ping: ping::Behaviour::default(),
					records: request_response::Behaviour::with_codec(
						FrameCodec { max: max_record_frame },
						[(RECORD_PROTOCOL, ProtocolSupport::Full)],
						request_response::Config::default().with_request_timeout(record_timeout),
					),
					mpc: request_response::Behaviour::with_codec(
						mpc_codec,
						[(MPC_PROTOCOL, ProtocolSupport::Full)],
						request_response::Config::default().with_request_timeout(Duration::from_secs(60)).with_max_concurrent_streams(1024),
					),
					app: request_response::Behaviour::with_codec(
						FrameCodec { max: 16 << 20 },
						[(APP_PROTOCOL, ProtocolSupport::Full)],
						request_response::Config::default().with_request_timeout(Duration::from_secs(60)),
					),
				}
			})
			.map_err(|e| DhtError::Network(e.to_string()))?
			.with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(300)))
			.build();

		for address in &config.listen {
			swarm.listen_on(address.clone()).map_err(|e| DhtError::Network(format!("listen on {address}: {e}")))?;
		}
		let mut listen_addrs = Vec::new();
		while listen_addrs.len() < config.listen.len() {
			match swarm.select_next_some().await {
				SwarmEvent::NewListenAddr { address, .. } => listen_addrs.push(address),
				SwarmEvent::ListenerError { error, .. } => return Err(DhtError::Network(format!("listener: {error}"))),
				SwarmEvent::ListenerClosed { reason: Err(error), .. } => return Err(DhtError::Network(format!("listener: {error}"))),
				_ => {}
			}
		}
		for address in &config.bootstrap {
			let (peer, address) = split_peer(address).ok_or_else(|| DhtError::BadBootstrap(address.clone()))?;
			swarm.behaviour_mut().kad.add_address(&peer, address);
		}
		tracing::info!(target: "dht", "node {local} listening on {listen_addrs:?}; {} records held", data.keys().len());

		let (commands, receiver) = mpsc::unbounded_channel();
		let shared = Arc::new(Shared {
			local,
			keypair: signer,
			config,
			data,
			access,
			placement,
			sessions,
			app,
			proofs: Arc::new(tokio::sync::Semaphore::new(CONCURRENT_PROOFS)),
			other_proofs: Arc::new(tokio::sync::Semaphore::new(1)),
			record_work: InboundWork::new(INBOUND_REQUESTS, INBOUND_REQUESTS_PER_PEER, INBOUND_REQUESTS_PER_NETWORK),
			app_work: InboundWork::new(INBOUND_REQUESTS, INBOUND_REQUESTS_PER_PEER, INBOUND_REQUESTS_PER_NETWORK),
			worker_app_work: InboundWork::new(INBOUND_REQUESTS, INBOUND_REQUESTS_PER_PEER, INBOUND_REQUESTS_PER_NETWORK),
			sources,
		});
		let event_loop = EventLoop {
			swarm,
			commands: receiver,
			sender: commands.clone(),
			shared: shared.clone(),
			queries: HashMap::new(),
			record_requests: HashMap::new(),
			mpc_requests: HashMap::new(),
			app_requests: HashMap::new(),
			record_answers: HashMap::new(),
			app_answers: HashMap::new(),
		};
		let task = tokio::spawn(event_loop.run());
		let handle = DhtHandle { commands, shared, listen_addrs: Arc::new(listen_addrs) };
		if !handle.shared.config.bootstrap.is_empty() {
			handle.bootstrap().await?;
		}
		tokio::spawn(handle.clone().repair());
		Ok(Self { handle, task })
	}

	pub fn handle(&self) -> DhtHandle {
		self.handle.clone()
	}

	/// Stops the swarm and closes the database (flushing it), so the data directory can be
	/// opened again.
	pub async fn shutdown(self) {
		let _ = self.handle.commands.send(Command::Shutdown);
		let DhtNode { handle, task } = self;
		let _ = task.await;
		// Tasks that answer requests or repair records hold the database too; they end once they
		// see the loop gone. Wait for them so the directory can be reopened at once.
		let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
		while Arc::strong_count(&handle.shared) > 1 && tokio::time::Instant::now() < deadline {
			tokio::time::sleep(Duration::from_millis(10)).await;
		}
	}
}

impl DhtHandle {
	pub fn peer_id(&self) -> PeerId {
		self.shared.local
	}

	/// The addresses the node listens on.
	pub fn listen_addrs(&self) -> &[Multiaddr] {
		&self.listen_addrs
	}

	/// The first listen address with `/p2p/<peer id>` appended: what others bootstrap from.
	pub fn address(&self) -> Multiaddr {
		self.listen_addrs[0].clone().with(Protocol::P2p(self.shared.local))
	}

	/// Pointers of the records this node holds.
	pub fn held(&self) -> Vec<Pointer> {
		self.shared.data.keys()
	}

	fn send(&self, command: Command) -> Result<(), DhtError> {
		self.commands.send(command).map_err(|_| DhtError::Stopped)
	}

	async fn ask<T>(&self, make: impl FnOnce(oneshot::Sender<T>) -> Command) -> Result<T, DhtError> {
		let (reply, answer) = oneshot::channel();
		self.send(make(reply))?;
		answer.await.map_err(|_| DhtError::Stopped)
	}

	/// Joins the network through the bootstrap peers (a Kademlia self-lookup).
	pub async fn bootstrap(&self) -> Result<(), DhtError> {
		self.ask(|reply| Command::Bootstrap { reply }).await
	}

	/// Sends a request to `peer`'s application handler and waits for its answer.
	pub async fn app_request(&self, peer: PeerId, request: Vec<u8>) -> Result<Vec<u8>, DhtError> {
		self.ask(|reply| Command::AppRequest { peer, request, reply }).await?.map_err(DhtError::Network)
	}

	/// Tells the node where a peer listens (e.g. a committee member's address from the chain).
	pub fn add_address(&self, peer: PeerId, address: Multiaddr) -> Result<(), DhtError> {
		self.send(Command::AddAddress { peer, address })
	}

	/// Sends one record-protocol request to `peer` and waits for its answer.
	pub async fn request(&self, peer: PeerId, request: &RecordRequest) -> Result<RecordResponse, DhtError> {
		let answer = self.request_raw(peer, request.encode()).await?;
		RecordResponse::decode(&mut &answer[..]).map_err(|e| DhtError::Network(format!("undecodable answer from {peer}: {e}")))
	}

	/// Sends raw bytes as a record-protocol request (for debugging, and for tests of how nodes
	/// treat malformed requests).
	pub async fn request_raw(&self, peer: PeerId, request: Vec<u8>) -> Result<Vec<u8>, DhtError> {
		self.ask(|reply| Command::Request { peer, request, reply }).await?.map_err(DhtError::Network)
	}

	/// Stores a signed record on k nodes chosen by the modified distance.
	pub async fn put(&self, put: &SignedPut) -> Result<PutReceipt, DhtError> {
		let key = put.record.pointer();
		check_put(&self.shared, &key, put, unix_now()).map_err(DhtError::Refused)?;
		// What the holders would refuse costs no lookup (a worker storing for a browser).
		if !self.shared.access.may_store(&put.writer, &key, put.record.ciphertext.len() as u64).await {
			return Err(DhtError::Refused(Refusal::NotPermitted));
		}
		let started = std::time::Instant::now();
		let closest = self.ask(|reply| Command::ClosestPeers { key, reply }).await?;
		let found_closest = started.elapsed();
		let mut candidates = closest;
		if self.shared.config.serve {
			candidates.push(self.shared.local);
		}
		let candidates = by_distance(&key, candidates);
		let holders = choose_holders(&candidates, self.shared.config.replication, &*self.shared.placement);
		let results = join_all(holders.iter().map(|peer| self.put_on(*peer, key, put))).await;
		let mut receipt = PutReceipt::default();
		for (peer, result) in holders.into_iter().zip(results) {
			match result {
				Ok(()) => receipt.holders.push(peer),
				Err(reason) => receipt.failed.push((peer, reason)),
			}
		}
		if receipt.holders.is_empty() {
			let reasons: Vec<String> = receipt.failed.iter().map(|(p, r)| format!("{p}: {r}")).collect();
			return Err(DhtError::NotStored(reasons.join("; ")));
		}
		tracing::debug!(target: "dht", "put {} on {:?}: closest peers in {found_closest:?}, stored in {:?}", hex::encode(key), receipt.holders, started.elapsed() - found_closest);
		Ok(receipt)
	}

	/// Sends the record to one holder (this node included) and waits for its acknowledgement.
	async fn put_on(&self, peer: PeerId, key: Pointer, put: &SignedPut) -> Result<(), String> {
		if peer == self.shared.local {
			return accept_put(&self.shared, self, key, put.clone()).await.map_err(|r| r.to_string());
		}
		match self.request(peer, &RecordRequest::Put { key, put: put.clone() }).await.map_err(|e| e.to_string())? {
			RecordResponse::Stored => Ok(()),
			RecordResponse::Refused(refusal) => Err(refusal.to_string()),
			other => Err(format!("unexpected answer {other:?}")),
		}
	}

	/// Fetches the record under `key` for `reader`, whose signature the holders check.
	pub async fn get(&self, key: &Pointer, reader: &Signer) -> Result<SignedPut, DhtError> {
		let key = *key;
		// Signed afresh each round: a get is good for `GET_VALIDITY_SECS` only.
		self.get_with(key, || {
			let signed_at = unix_now();
			let signature = reader.sign(&get_message(&key, &self.shared.local, signed_at, &NO_REPLY_KEY));
			RecordRequest::Get { key, reader: reader.account(), signed_at, reply_to: NO_REPLY_KEY, signature }
		})
		.await
	}

	/// Fetches the record under `key` for a reader who signed
	/// [`get_message`]`(key, this node, signed_at, reply_to)` elsewhere (a browser, through a
	/// worker's gateway; the caller seals the record to `reply_to`). The signature, its time and
	/// the reader's permission are checked here first, so a request the holders would refuse
	/// costs no lookup.
	pub async fn get_signed(&self, key: &Pointer, reader: AccountId, signed_at: u64, reply_to: [u8; 32], signature: [u8; 64]) -> Result<SignedPut, DhtError> {
		let key = *key;
		let now = unix_now();
		if reply_to == NO_REPLY_KEY || !verify(&reader, &get_message(&key, &self.shared.local, signed_at, &reply_to), &signature) {
			return Err(DhtError::Refused(Refusal::BadSignature));
		}
		if now.abs_diff(signed_at) > GET_VALIDITY_SECS {
			return Err(DhtError::Refused(Refusal::Stale { signed_at, now }));
		}
		if !self.shared.access.may_read(&reader, &key).await {
			return Err(DhtError::Denied);
		}
		self.get_with(key, || RecordRequest::Get { key, reader, signed_at, reply_to, signature }).await
	}

	async fn get_with(&self, key: Pointer, signed: impl Fn() -> RecordRequest) -> Result<SignedPut, DhtError> {
		let mut denied = false;
		let mut tried = HashSet::new();
		// This node first, then the first providers found, then all of them, then the closest
		// peers (a holder whose announcement has not spread yet); in each round the registered
		// workers first (anyone may claim to provide a key, and each who stalls costs a timeout).
		for round in 0..4 {
			let mut peers: Vec<PeerId> = match round {
				0 => vec![self.shared.local],
				1 => self.ask(|reply| Command::Providers { key, first: true, reply }).await?.into_iter().collect(),
				2 => self.ask(|reply| Command::Providers { key, first: false, reply }).await?.into_iter().collect(),
				_ => self.ask(|reply| Command::ClosestPeers { key, reply }).await?,
			};
			peers.sort_by_key(|peer| !self.shared.placement.is_worker(peer));
			let request = signed();
			for peer in peers {
				if !tried.insert(peer) {
					continue;
				}
				let response = if peer == self.shared.local {
					Ok(serve_get(&self.shared, &self.shared.local, request.clone()).await)
				} else {
					self.request(peer, &request).await
				};
				match response {
					Ok(RecordResponse::Found(put)) if put.record.pointer() == key && put.verify() => return Ok(put),
					Ok(RecordResponse::Found(_)) => tracing::warn!(target: "dht", "{peer} served a record that does not match {}", hex::encode(key)),
					Ok(RecordResponse::Refused(Refusal::NotPermitted)) => denied = true,
					Ok(_) => {}
					Err(e) => tracing::debug!(target: "dht", "get from {peer}: {e}"),
				}
			}
		}
		Err(if denied { DhtError::Denied } else { DhtError::NotFound })
	}

	/// The nodes that hold `key` now (this node must be one of them): providers that prove
	/// possession of the whole record for a fresh nonce ([`possession_proof`]). A provider that
	/// only says it holds the record is not counted.
	pub async fn live_holders(&self, key: &Pointer) -> Result<Vec<PeerId>, DhtError> {
		Ok(self.probe_holders(key).await?.0)
	}

	/// [`Self::live_holders`], and the providers that claimed the record without proving it.
	async fn probe_holders(&self, key: &Pointer) -> Result<(Vec<PeerId>, Vec<PeerId>), DhtError> {
		let key = *key;
		let encoded = self.shared.data.get(&key).ok_or(DhtError::NotFound)?.encode();
		let providers = self.ask(|reply| Command::Providers { key, first: false, reply }).await?;
		let checks = providers.into_iter().map(|peer| {
			let encoded = &encoded;
			async move {
				match self.challenge(peer, key, encoded).await {
					Possession::Proven => Some(Ok(peer)),
					Possession::FalseClaim => Some(Err(peer)),
					Possession::NoAnswer => None,
				}
			}
		});
		let (live, false_claims): (Vec<_>, Vec<_>) = join_all(checks).await.into_iter().flatten().partition(|r| r.is_ok());
		Ok((live.into_iter().flatten().collect(), false_claims.into_iter().filter_map(|r| r.err()).collect()))
	}

	/// Asks `peer` to prove it holds the record under `key` (`encoded`, as this node holds it)
	/// for a fresh nonce.
	async fn challenge(&self, peer: PeerId, key: Pointer, encoded: &[u8]) -> Possession {
		if peer == self.shared.local {
			return Possession::Proven;
		}
		let nonce: [u8; 32] = rand::random();
		match self.request(peer, &RecordRequest::Holds { key, nonce }).await {
			Ok(RecordResponse::Holds(Some(proof))) if proof == possession_proof(&nonce, &peer, encoded) => Possession::Proven,
			Ok(RecordResponse::Holds(Some(_))) => {
				tracing::warn!(target: "dht", "{peer} claims to hold {} but cannot prove it", hex::encode(key));
				Possession::FalseClaim
			},
			_ => Possession::NoAnswer,
		}
	}

	/// An MPC channel to the other members of `committee` (this node must be one of them) for
	/// the run `session`. Blocking: use it from a thread, not from an async task.
	pub fn mpc_channel(&self, session: [u8; 32], committee: Vec<PeerId>, timeout: Duration) -> Result<P2pTransport, DhtError> {
		P2pTransport::open(session, committee, self.shared.keypair.clone(), self.shared.sessions.clone(), self.commands.clone(), timeout)
			.map_err(|e| DhtError::Network(e.to_string()))
	}

	/// Keeps early MPC frames (of sessions not open yet) only from `peers`: a worker passes the
	/// chain's active workers and its tasks' members, so a peer with no stake cannot fill the
	/// buffer. Until a call, those of `Config::mpc_peers` are kept (nobody's by default).
	pub fn expect_mpc_peers(&self, peers: HashSet<PeerId>) {
		self.shared.sessions.lock().expect("sessions lock").expect_peers(peers);
	}

	/// This node will not open `session` (or no longer): its early frames are dropped now and
	/// later ones on arrival.
	pub fn abandon_mpc_session(&self, session: [u8; 32]) {
		self.shared.sessions.lock().expect("sessions lock").abandon(session);
	}

	/// The signed frames no honest member sends that `sender` sent this node in `session`:
	/// evidence of misbehaviour the chain can check (taken once).
	pub fn take_evidence(&self, session: &[u8; 32], sender: &PeerId) -> Vec<MpcFrame> {
		self.shared.sessions.lock().expect("sessions lock").take_evidence(session, sender)
	}


	/// Drops expired records, re-announces the rest and restores k holders for each; then does it
	/// again every `republish_interval`.
	async fn repair(self) {
		loop {
			if let Err(e) = self.repair_once().await {
				tracing::debug!(target: "dht", "repair stopped: {e}");
				return;
			}
			tokio::select! {
				_ = tokio::time::sleep(self.shared.config.republish_interval) => {}
				_ = self.commands.closed() => return,
			}
		}
	}

	/// Stops holding the record under `key` (its pointer was removed or expired on chain);
	/// whether it was held.
	pub fn forget(&self, key: &Pointer) -> Result<bool, DhtError> {
		if self.shared.data.get(key).is_none() {
			return Ok(false);
		}
		self.shared.data.remove(key)?;
		self.send(Command::StopProviding { key: *key })?;
		Ok(true)
	}

	/// One repair pass over the records this node holds.
	pub async fn repair_once(&self) -> Result<(), DhtError> {
		let now = unix_now();
		for key in self.shared.data.keys() {
			let Some(put) = self.shared.data.get(&key) else { continue };
			if put.record.is_expired(now) {
				tracing::info!(target: "dht", "dropping expired record {}", hex::encode(key));
				self.forget(&key)?;
				continue;
			}
			if !self.shared.access.keep(&key).await {
				tracing::info!(target: "dht", "dropping record {}: its pointer is gone", hex::encode(key));
				self.forget(&key)?;
				continue;
			}
			self.ask(|reply| Command::Provide { key, reply: Some(reply) }).await?;
			let (live, false_claims) = self.probe_holders(&key).await?;
			let encoded = put.encode();
			let k = self.shared.config.replication;
			if live.len() >= k {
				continue;
			}
			let closest = self.ask(|reply| Command::ClosestPeers { key, reply }).await?;
			// Not to a peer that just claimed the record falsely: it would take it and drop it.
			let mut candidates: Vec<PeerId> = by_distance(&key, closest).into_iter().filter(|p| !live.contains(p) && !false_claims.contains(p)).collect();
			let mut missing = k - live.len();
			// The closest candidates are often the holders that just died (a routing table keeps
			// dead peers a while): a copy that does not land goes to the next candidate.
			while missing > 0 {
				let new_holders = choose_holders(&candidates, missing, &*self.shared.placement);
				if new_holders.is_empty() {
					tracing::debug!(target: "dht", "record {} is {missing} holders short and has no other peer to copy it to", hex::encode(key));
					break;
				}
				candidates.retain(|p| !new_holders.contains(p));
				tracing::info!(target: "dht", "record {} is {missing} holders short; copying it to {new_holders:?}", hex::encode(key));
				// A copy counts once its new holder proves it has it: a peer that says "stored"
				// and drops the record (a Sybil) leaves the record short, and the next candidate
				// gets the copy instead.
				let (encoded, put) = (&encoded, &put);
				let stored = join_all(new_holders.iter().map(|peer| async move {
					self.put_on(*peer, key, put).await.is_ok() && self.challenge(*peer, key, encoded).await == Possession::Proven
				}))
				.await;
				missing -= stored.iter().filter(|kept| **kept).count();
			}
		}
		Ok(())
	}
}

/// What a possession challenge showed.
#[derive(Debug, PartialEq, Eq)]
enum Possession {
	/// A proof for the nonce, by the peer asked: it holds the whole record.
	Proven,
	/// A proof that is not the peer's own (relayed from a real holder, or made up).
	FalseClaim,
	/// Not held there, or no answer in time.
	NoAnswer,
}

/// Candidates sorted by XOR distance to the key, closest first, without duplicates.
fn by_distance(key: &Pointer, mut peers: Vec<PeerId>) -> Vec<PeerId> {
	let target = kad::KBucketKey::new(key.to_vec());
	peers.sort_by_key(|p| target.distance(&kad::KBucketKey::from(*p)));
	peers.dedup();
	peers
}

/// The checks every holder makes before storing a record, short of the permission check.
fn check_put(shared: &Shared, key: &Pointer, put: &SignedPut, now: u64) -> Result<(), Refusal> {
	let size = put.record.ciphertext.len();
	if size > shared.config.max_record_size {
		return Err(Refusal::TooLarge { size: size as u64, limit: shared.config.max_record_size as u64 });
	}
	if put.record.pointer() != *key {
		return Err(Refusal::KeyMismatch);
	}
	if !put.verify() {
		return Err(Refusal::BadSignature);
	}
	if put.record.is_expired(now) {
		return Err(Refusal::Expired);
	}
	Ok(())
}

/// Checks, permission-checks, stores and announces a record; Ok once this node is a provider.
async fn accept_put(shared: &Shared, handle: &DhtHandle, key: Pointer, put: SignedPut) -> Result<(), Refusal> {
	check_put(shared, &key, &put, unix_now())?;
	if !shared.access.may_store(&put.writer, &key, put.record.ciphertext.len() as u64).await {
		return Err(Refusal::NotPermitted);
	}
	// A renewal replaces the stored copy only when it extends the expiry.
	let newer = match shared.data.get(&key) {
		Some(held) => held.record.expires_at != 0 && (put.record.expires_at == 0 || put.record.expires_at > held.record.expires_at),
		None => true,
	};
	if newer {
		shared.data.insert(&put).map_err(|e| {
			tracing::error!(target: "dht", "could not store {}: {e}", hex::encode(key));
			Refusal::Malformed
		})?;
	}
	let started = std::time::Instant::now();
	let _ = handle.ask(|reply| Command::Provide { key, reply: Some(reply) }).await;
	tracing::debug!(target: "dht", "announced {} in {:?}", hex::encode(key), started.elapsed());
	Ok(())
}

/// Answers a signed get from `requester`.
async fn serve_get(shared: &Shared, requester: &PeerId, request: RecordRequest) -> RecordResponse {
	let RecordRequest::Get { key, reader, signed_at, reply_to, signature } = request else { return RecordResponse::Refused(Refusal::Malformed) };
	if !verify(&reader, &get_message(&key, requester, signed_at, &reply_to), &signature) {
		return RecordResponse::Refused(Refusal::BadSignature);
	}
	let now = unix_now();
	if now.abs_diff(signed_at) > GET_VALIDITY_SECS {
		return RecordResponse::Refused(Refusal::Stale { signed_at, now });
	}
	let Some(put) = shared.data.get(&key) else { return RecordResponse::NotFound };
	if put.record.is_expired(unix_now()) {
		return RecordResponse::NotFound;
	}
	if !shared.access.may_read(&reader, &key).await {
		return RecordResponse::Refused(Refusal::NotPermitted);
	}
	RecordResponse::Found(put)
}

enum PendingQuery {
	Closest(oneshot::Sender<Vec<PeerId>>),
	Providers { reply: Option<oneshot::Sender<HashSet<PeerId>>>, first: bool, found: HashSet<PeerId> },
	Provide(Option<oneshot::Sender<()>>),
	Bootstrap(oneshot::Sender<()>),
}

struct EventLoop {
	swarm: Swarm<Behaviour>,
	commands: mpsc::UnboundedReceiver<Command>,
	sender: mpsc::UnboundedSender<Command>,
	shared: Arc<Shared>,
	queries: HashMap<QueryId, PendingQuery>,
	record_requests: HashMap<OutboundRequestId, oneshot::Sender<Result<Vec<u8>, String>>>,
	mpc_requests: HashMap<OutboundRequestId, (PeerId, MpcFrame, u32)>,
	app_requests: HashMap<OutboundRequestId, oneshot::Sender<Result<Vec<u8>, String>>>,
	/// The turns of answers handed to the swarm and not written yet, per protocol.
	record_answers: HashMap<InboundRequestId, Turn>,
	app_answers: HashMap<InboundRequestId, Turn>,
}

/// How often an MPC frame is re-sent to a peer that could not be reached before the session
/// gives up on that peer.
const MPC_SEND_ATTEMPTS: u32 = 5;

impl EventLoop {
	async fn run(mut self) {
		loop {
			tokio::select! {
				event = self.swarm.select_next_some() => self.on_swarm_event(event),
				command = self.commands.recv() => match command {
					Some(Command::Shutdown) | None => break,
					Some(command) => self.on_command(command),
				},
			}
		}
		tracing::info!(target: "dht", "node {} stopped", self.shared.local);
	}

	fn handle(&self) -> DhtHandle {
		DhtHandle { commands: self.sender.clone(), shared: self.shared.clone(), listen_addrs: Arc::new(Vec::new()) }
	}

	fn on_command(&mut self, command: Command) {
		let behaviour = self.swarm.behaviour_mut();
		match command {
			Command::ClosestPeers { key, reply } => {
				let id = behaviour.kad.get_closest_peers(key.to_vec());
				self.queries.insert(id, PendingQuery::Closest(reply));
			}
			Command::Providers { key, first, reply } => {
				let id = behaviour.kad.get_providers(kad::RecordKey::new(&key));
				self.queries.insert(id, PendingQuery::Providers { reply: Some(reply), first, found: HashSet::new() });
			}
			Command::Request { peer, request, reply } => {
				let id = behaviour.records.send_request(&peer, request);
				self.record_requests.insert(id, reply);
			}
			Command::Respond { channel, response, turn } => {
				if behaviour.records.send_response(channel, response.encode()).is_ok() {
					self.record_answers.extend(turn);
				}
			}
			Command::Provide { key, reply } => match behaviour.kad.start_providing(kad::RecordKey::new(&key)) {
				Ok(id) => {
					self.queries.insert(id, PendingQuery::Provide(reply));
				}
				Err(e) => {
					tracing::warn!(target: "dht", "cannot announce {}: {e}", hex::encode(key));
					reply.map(|r| r.send(()));
				}
			},
			Command::StopProviding { key } => behaviour.kad.stop_providing(&kad::RecordKey::new(&key)),
			Command::MpcSend { peer, frame, attempt } => {
				let id = behaviour.mpc.send_request(&peer, MpcRequest { frame: frame.clone(), reading: None });
				self.mpc_requests.insert(id, (peer, frame, attempt));
			}
			Command::AddAddress { peer, address } => {
				behaviour.kad.add_address(&peer, address);
			}
			Command::AppRequest { peer, request, reply } => {
				let id = behaviour.app.send_request(&peer, request);
				self.app_requests.insert(id, reply);
			}
			Command::AppRespond { channel, response, turn } => {
				if behaviour.app.send_response(channel, response).is_ok() {
					self.app_answers.extend(turn);
				}
			}
			Command::Bootstrap { reply } => match behaviour.kad.bootstrap() {
				Ok(id) => {
					self.queries.insert(id, PendingQuery::Bootstrap(reply));
				}
				Err(_) => {
					let _ = reply.send(());
				}
			},
			Command::Shutdown => {}
		}
	}

	fn on_swarm_event(&mut self, event: SwarmEvent<BehaviourEvent>) {
		match event {
			SwarmEvent::Behaviour(BehaviourEvent::Kad(event)) => self.on_kad(event),
			SwarmEvent::Behaviour(BehaviourEvent::Identify(identify::Event::Received { peer_id, info, .. }))
				if info.protocols.contains(&KAD_PROTOCOL) =>
			{
				for address in info.listen_addrs {
					self.swarm.behaviour_mut().kad.add_address(&peer_id, address);
				}
			}
			SwarmEvent::Behaviour(BehaviourEvent::Records(event)) => self.on_record_event(event),
			SwarmEvent::Behaviour(BehaviourEvent::Mpc(event)) => self.on_mpc_event(event),
			SwarmEvent::Behaviour(BehaviourEvent::App(event)) => self.on_app_event(event),
			SwarmEvent::IncomingConnectionError { error, .. } => tracing::debug!(target: "dht", "incoming connection failed: {error}"),
			_ => {}
		}
	}

	fn on_kad(&mut self, event: kad::Event) {
		match event {
			kad::Event::OutboundQueryProgressed { id, result, step, .. } => self.on_query(id, result, step.last),
			kad::Event::InboundRequest { request: kad::InboundRequest::AddProvider { record: Some(record) } } => {
				// Provider records only name who holds what; keep them for whoever asks.
				let _ = self.swarm.behaviour_mut().kad.store_mut().add_provider(record);
			}
			kad::Event::InboundRequest { request: kad::InboundRequest::PutRecord { source, record: Some(_), .. } } => {
				tracing::debug!(target: "dht", "ignored an unauthenticated Kademlia value from {source}: records go through /enigma/record/1");
			}
			_ => {}
		}
	}

	fn on_query(&mut self, id: QueryId, result: QueryResult, last: bool) {
		let Some(pending) = self.queries.remove(&id) else { return };
		match (pending, result) {
			(PendingQuery::Closest(reply), QueryResult::GetClosestPeers(result)) => {
				let peers = match result {
					Ok(ok) => ok.peers,
					Err(kad::GetClosestPeersError::Timeout { peers, .. }) => peers,
				};
				let _ = reply.send(peers.into_iter().map(|p| p.peer_id).collect());
			}
			(PendingQuery::Providers { mut reply, first, mut found }, QueryResult::GetProviders(result)) => {
				if let Ok(GetProvidersOk::FoundProviders { providers, .. }) = result {
					found.extend(providers);
				}
				if first && !found.is_empty() {
					if let Some(reply) = reply.take() {
						let _ = reply.send(found.clone());
					}
					if let Some(mut query) = self.swarm.behaviour_mut().kad.query_mut(&id) {
						query.finish();
					}
				}
				if last {
					if let Some(reply) = reply {
						let _ = reply.send(found);
					}
				} else {
					self.queries.insert(id, PendingQuery::Providers { reply, first, found });
				}
			}
			(PendingQuery::Provide(reply), QueryResult::StartProviding(result)) => {
				if let Err(e) = result {
					tracing::debug!(target: "dht", "announcing a record reached few peers: {e}");
				}
				if last {
					reply.map(|r| r.send(()));
				} else {
					self.queries.insert(id, PendingQuery::Provide(reply));
				}
			}
			(PendingQuery::Bootstrap(reply), QueryResult::Bootstrap(result)) => {
				if let Err(e) = result {
					tracing::warn!(target: "dht", "bootstrap: {e}");
				}
				if last {
					let _ = reply.send(());
				} else {
					self.queries.insert(id, PendingQuery::Bootstrap(reply));
				}
			}
			(pending, _) if !last => {
				self.queries.insert(id, pending);
			}
			_ => {}
		}
	}

	fn on_record_event(&mut self, event: request_response::Event<Vec<u8>, Vec<u8>>) {
		use request_response::{Event, Message};
		match event {
			Event::Message { peer, message: Message::Request { request_id, request, channel } } => {
				let respond = move |sender: &mpsc::UnboundedSender<Command>, response, turn: Option<Turn>| {
					let _ = sender.send(Command::Respond { channel, response, turn: turn.map(|t| (request_id, t)) });
				};
				let Some(turn) = self.shared.record_work.try_start(peer, self.shared.sources.of(&peer)) else {
					tracing::debug!(target: "dht", "refused a request from {peer}: its earlier ones are still under way");
					respond(&self.sender, RecordResponse::Refused(Refusal::Busy), None);
					return;
				};
				match RecordRequest::decode(&mut &request[..]) {
					Err(_) => {
						tracing::warn!(target: "dht", "refused a malformed request of {} bytes from {peer}", request.len());
						respond(&self.sender, RecordResponse::Refused(Refusal::Malformed), Some(turn));
					}
					Ok(RecordRequest::Holds { key, nonce }) => {
						// Off the event loop and off the async workers, a few at a time: the
						// proof reads and hashes the whole record. Where the registry names the
						// workers, theirs have slots of their own: anyone may probe (a holder
						// that is no worker repairs too), but nobody else's probes hold up the
						// workers' repair.
						let (shared, sender) = (self.shared.clone(), self.sender.clone());
						// (Others do not queue for their slot, holding request turns the workers
						// share: taken, the probe is refused as busy.)
						let other_slot = match shared.placement.is_outsider(&peer) {
							true => match shared.other_proofs.clone().try_acquire_owned() {
								Ok(slot) => Some(slot),
								Err(_) => return respond(&self.sender, RecordResponse::Refused(Refusal::Busy), Some(turn)),
							},
							false => None,
						};
						let slots = shared.proofs.clone();
						tokio::spawn(async move {
							let _proof = match other_slot {
								Some(slot) => slot,
								None => match slots.acquire_owned().await {
									Ok(slot) => slot,
									Err(_) => return,
								},
							};
							let local = shared.local;
							let proof = tokio::task::spawn_blocking(move || shared.data.get(&key).map(|put| possession_proof(&nonce, &local, &put.encode())))
								.await
								.unwrap_or(None);
							respond(&sender, RecordResponse::Holds(proof), Some(turn));
						});
					}
					Ok(RecordRequest::Put { key, put }) => {
						let (shared, handle, sender) = (self.shared.clone(), self.handle(), self.sender.clone());
						tokio::spawn(async move {
							let response = match accept_put(&shared, &handle, key, put).await {
								Ok(()) => RecordResponse::Stored,
								Err(refusal) => {
									tracing::warn!(target: "dht", "refused to store {} from {peer}: {refusal}", hex::encode(key));
									RecordResponse::Refused(refusal)
								}
							};
							respond(&sender, response, Some(turn));
						});
					}
					Ok(get @ RecordRequest::Get { .. }) => {
						let (shared, sender) = (self.shared.clone(), self.sender.clone());
						tokio::spawn(async move {
							let response = serve_get(&shared, &peer, get).await;
							if let RecordResponse::Refused(refusal) = &response {
								tracing::warn!(target: "dht", "refused a get from {peer}: {refusal}");
							}
							respond(&sender, response, Some(turn));
						});
					}
				}
			}
			Event::Message { message: Message::Response { request_id, response }, .. } => settle(&mut self.record_requests, request_id, Ok(response)),
			Event::OutboundFailure { request_id, error, peer } => settle(&mut self.record_requests, request_id, Err(format!("{peer}: {error}"))),
			Event::InboundFailure { peer, error, request_id } => {
				self.record_answers.remove(&request_id);
				tracing::debug!(target: "dht", "inbound request from {peer} failed: {error}");
			}
			Event::ResponseSent { request_id, .. } => {
				self.record_answers.remove(&request_id);
			}
		}
	}

	fn on_app_event(&mut self, event: request_response::Event<Vec<u8>, Vec<u8>>) {
		use request_response::{Event, Message};
		match event {
			Event::Message { peer, message: Message::Request { request_id, request, channel } } => match self.shared.app.clone() {
				Some(app) => {
					// Busy: an empty answer, as from a node without a handler.
					let work = if self.shared.placement.is_worker(&peer) { &self.shared.worker_app_work } else { &self.shared.app_work };
					let Some(turn) = work.try_start(peer, self.shared.sources.of(&peer)) else {
						tracing::debug!(target: "dht", "refused an application request from {peer}: its earlier ones are still under way");
						let _ = self.swarm.behaviour_mut().app.send_response(channel, Vec::new());
						return;
					};
					let sender = self.sender.clone();
					tokio::spawn(async move {
						let response = app.handle(peer, request).await;
						let _ = sender.send(Command::AppRespond { channel, response, turn: Some((request_id, turn)) });
					});
				}
				None => {
					tracing::debug!(target: "dht", "{peer} sent an application request; this node has no handler");
					let _ = self.swarm.behaviour_mut().app.send_response(channel, Vec::new());
				}
			},
			Event::Message { message: Message::Response { request_id, response }, .. } => settle(&mut self.app_requests, request_id, Ok(response)),
			Event::OutboundFailure { request_id, error, peer } => settle(&mut self.app_requests, request_id, Err(format!("{peer}: {error}"))),
			Event::InboundFailure { peer, error, request_id } => {
				self.app_answers.remove(&request_id);
				tracing::debug!(target: "dht", "application request from {peer} failed: {error}");
			}
			Event::ResponseSent { request_id, .. } => {
				self.app_answers.remove(&request_id);
			}
		}
	}

	fn on_mpc_event(&mut self, event: request_response::Event<MpcRequest, Vec<u8>>) {
		use request_response::{Event, Message};
		match event {
			Event::Message { peer, message: Message::Request { request: MpcRequest { frame, reading }, channel, .. } } => {
				// The codec checked the signature, the sender's right to the session and its
				// share of bytes being read, and released nothing yet: `reading` goes after the
				// frame is in its session's accounts.
				match reading.as_ref().map(|r| r.sender()) {
					Some(signer) if signer == peer => self.shared.sessions.lock().expect("sessions lock").deliver_verified(peer, frame),
					Some(signer) => tracing::warn!(target: "mpc", "dropped a frame from {peer} signed by {signer}"),
					// A frame its run has no use for any more, read and dropped (`Admission::Discard`).
					None => {},
				}
				drop(reading);
				let _ = self.swarm.behaviour_mut().mpc.send_response(channel, Vec::new());
			}
			Event::Message { message: Message::Response { request_id, .. }, .. } => {
				self.mpc_requests.remove(&request_id);
			}
			Event::OutboundFailure { request_id, error, peer } => {
				let Some((peer_id, frame, attempt)) = self.mpc_requests.remove(&request_id) else { return };
				if attempt + 1 >= MPC_SEND_ATTEMPTS {
					tracing::warn!(target: "mpc", "giving up on {peer} for session {}: {error}", hex::encode(frame.session));
					self.shared.sessions.lock().expect("sessions lock").mark_unreachable(&frame.session, &peer_id);
					return;
				}
				tracing::debug!(target: "mpc", "resending to {peer} after: {error}");
				let sender = self.sender.clone();
				tokio::spawn(async move {
					tokio::time::sleep(Duration::from_millis(200 << attempt)).await;
					let _ = sender.send(Command::MpcSend { peer: peer_id, frame, attempt: attempt + 1 });
				});
			}
			Event::InboundFailure { peer, error, .. } => tracing::debug!(target: "mpc", "inbound frame from {peer} failed: {error}"),
			Event::ResponseSent { .. } => {}
		}
	}
}

/// A short-lived client node (a user's `put` / `get`): Kademlia client mode, never a holder, in
/// a scratch directory removed when it shuts down.
pub struct ClientNode {
	node: DhtNode,
	dir: PathBuf,
}

impl std::ops::Deref for ClientNode {
	type Target = DhtHandle;
	fn deref(&self) -> &DhtHandle {
		&self.node.handle
	}
}

impl ClientNode {
	/// Joins the network through `bootstrap` (addresses ending in `/p2p/<peer id>`); its puts
	/// place records by plain Kademlia distance.
	pub async fn start(bootstrap: Vec<Multiaddr>, max_record_size: usize) -> Result<Self, DhtError> {
		Self::start_with_placement(bootstrap, max_record_size, Arc::new(crate::placement::Uniform)).await
	}

	/// [`Self::start`], its puts placing records by the modified distance under `placement`
	/// (a client that reads the chain weighs the workers as they do).
	pub async fn start_with_placement(bootstrap: Vec<Multiaddr>, max_record_size: usize, placement: Arc<dyn Placement>) -> Result<Self, DhtError> {
		let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
		let dir = std::env::temp_dir().join(format!("enigma-dht-client-{}-{nanos}", std::process::id()));
		let mut config = Config::new(&dir);
		config.bootstrap = bootstrap;
		config.max_record_size = max_record_size;
		config.serve = false;
		match DhtNode::start(config, Arc::new(crate::access::Open), placement).await {
			Ok(node) => Ok(Self { node, dir }),
			Err(e) => {
				let _ = std::fs::remove_dir_all(&dir);
				Err(e)
			}
		}
	}

	pub async fn shutdown(self) {
		self.node.shutdown().await;
		let _ = std::fs::remove_dir_all(&self.dir);
	}
}
