//! The Enigma chain, over the node's JSON-RPC (WebSocket), for off-chain programs (the worker,
//! the `enigma` client): signed extrinsics with their named errors, storage, runtime APIs and
//! finalized heads.
//!
//! Calls, events and storage keys are the runtime's own Rust types. That costs a rebuild of the
//! worker when a runtime upgrade changes them; [`Chain::check_runtime`] notices a new
//! `spec_version` and the worker stops with a clear message rather than sign calls the runtime
//! would misread.

pub mod offchain;
pub mod placement;
pub mod trusted;

pub use jsonrpsee_core::client::Subscription;

use codec::{Decode, Encode};
use enigma_runtime::{Header, Runtime, RuntimeCall, RuntimeEvent, SignedPayload, TxExtension, UncheckedExtrinsic};
use frame_system::{EventRecord, Phase};
use jsonrpsee_core::{
	client::{ClientT, SubscriptionClientT},
	rpc_params,
};
use jsonrpsee_ws_client::{WsClient, WsClientBuilder};
use serde_json::Value;
use sp_core::{crypto::Ss58Codec, sr25519, Pair, H256};
use sp_runtime::{generic::Era, DispatchError};
use std::{sync::Arc, time::Duration};

#[derive(Debug, thiserror::Error)]
pub enum ChainError {
	#[error("cannot reach the node at {url}: {reason}")]
	Connect { url: String, reason: String },
	#[error("RPC {method}: {reason}")]
	Rpc { method: &'static str, reason: String },
	#[error("cannot decode {what}: {reason}")]
	Decode { what: &'static str, reason: String },
	#[error("transaction {0}")]
	Rejected(String),
	#[error("the call failed on chain: {0}")]
	Failed(String),
	#[error("the runtime changed (spec_version {built} → {found}); rebuild the worker for it")]
	RuntimeChanged { built: u32, found: u32 },
	/// What the node answered is not the chain's: see [`trusted`].
	#[error("the RPC node is not to be trusted: it sent {0}")]
	Untrusted(String),
}

pub type Result<T> = std::result::Result<T, ChainError>;

/// An sr25519 key from a secret URI (`//Alice`, a mnemonic, or `0x<seed>`) and its 32-byte seed
/// (the DHT signs with the same key; see `enigma_p2p::Signer::from_seed`).
pub fn pair_from_suri(suri: &str) -> std::result::Result<(sr25519::Pair, [u8; 32]), String> {
	let (pair, seed) = sr25519::Pair::from_string_with_seed(suri, None).map_err(|e| format!("secret URI: {e:?}"))?;
	let seed = seed.ok_or("secret URI: soft derivation (/) has no seed; use hard derivation (//) only")?;
	Ok((pair, seed))
}
pub type Events = Vec<EventRecord<RuntimeEvent, H256>>;

pub struct Chain {
	url: String,
	/// The connection; re-opened when the node dropped it ([`Chain::rpc`]).
	rpc: tokio::sync::RwLock<Arc<WsClient>>,
	genesis: H256,
	spec_version: u32,
	tx_version: u32,
}

/// How many blocks a transaction stays valid: a transaction lost on the way (a node restart, a
/// dropped pool) cannot be replayed or included much later.
const MORTAL_PERIOD: u64 = 64;
/// How far before the best block a transaction's era starts.
const BIRTH_LAG: u32 = 4;
/// How long a sent transaction may take to reach a block: past its mortality on 6 s slots.
const INCLUSION_TIMEOUT: Duration = Duration::from_secs(MORTAL_PERIOD * 6 + 30);

/// A transaction in the node's pool, watched until it is in a block ([`Chain::included`]).
pub struct Sent {
	xt_hex: String,
	watch: Subscription<Value>,
}

async fn open(url: &str) -> Result<WsClient> {
	WsClientBuilder::default()
		.request_timeout(Duration::from_secs(60))
		.build(url)
		.await
		.map_err(|e| ChainError::Connect { url: url.into(), reason: e.to_string() })
}

async fn genesis_of(rpc: &WsClient) -> Result<H256> {
	let genesis: String = rpc.request("chain_getBlockHash", rpc_params![0]).await.map_err(rpc_err("chain_getBlockHash"))?;
	parse_hash("genesis hash", &genesis)
}

fn rpc_err(method: &'static str) -> impl Fn(jsonrpsee_core::ClientError) -> ChainError {
	move |e| ChainError::Rpc { method, reason: e.to_string() }
}

fn parse_hex(what: &'static str, s: &str) -> Result<Vec<u8>> {
	hex::decode(s.trim_start_matches("0x")).map_err(|e| ChainError::Decode { what, reason: e.to_string() })
}

/// A 32-byte hash in hex, as a node sends it (one of another length is an error, not a panic).
fn parse_hash(what: &'static str, s: &str) -> Result<H256> {
	let bytes = parse_hex(what, s)?;
	<[u8; 32]>::try_from(bytes.as_slice()).map(H256).map_err(|_| ChainError::Decode { what, reason: format!("{} bytes, not 32", bytes.len()) })
}

fn decode<T: Decode>(what: &'static str, bytes: &[u8]) -> Result<T> {
	T::decode(&mut &bytes[..]).map_err(|e| ChainError::Decode { what, reason: e.to_string() })
}

/// A failed call's error by name, e.g. `Workers::StakeTooLow`.
pub fn describe_error(error: &DispatchError) -> String {
	match error {
		DispatchError::Module(m) => {
			let bytes = m.error;
			let name = match m.index {
				4 => pallet_balances::Error::<Runtime>::decode(&mut &bytes[..]).ok().map(|e| format!("Balances::{e:?}")),
				10 => pallet_shared_identity::Error::<Runtime>::decode(&mut &bytes[..]).ok().map(|e| format!("SharedIdentity::{e:?}")),
				11 => pallet_data_registry::Error::<Runtime>::decode(&mut &bytes[..]).ok().map(|e| format!("DataRegistry::{e:?}")),
				12 => pallet_workers::Error::<Runtime>::decode(&mut &bytes[..]).ok().map(|e| format!("Workers::{e:?}")),
				13 => pallet_secret_compute::Error::<Runtime>::decode(&mut &bytes[..]).ok().map(|e| format!("SecretCompute::{e:?}")),
				_ => None,
			};
			name.unwrap_or_else(|| format!("module {} error {:?}", m.index, bytes))
		}
		other => format!("{other:?}"),
	}
}

impl Chain {
	/// Connects, retrying for up to `wait` while the node starts.
	pub async fn connect(url: &str, wait: Duration) -> Result<Self> {
		let deadline = tokio::time::Instant::now() + wait;
		let rpc = loop {
			match open(url).await {
				Ok(rpc) => break rpc,
				Err(e) if tokio::time::Instant::now() >= deadline => return Err(e),
				Err(_) => tokio::time::sleep(Duration::from_millis(500)).await,
			}
		};
		let genesis = genesis_of(&rpc).await?;
		let (spec_version, tx_version) = runtime_version(&rpc).await?;
		let built = enigma_runtime::VERSION.spec_version;
		if spec_version != built {
			return Err(ChainError::RuntimeChanged { built, found: spec_version });
		}
		Ok(Self { url: url.into(), rpc: tokio::sync::RwLock::new(Arc::new(rpc)), genesis, spec_version, tx_version })
	}

	/// The connection to the node, opened again if the node dropped it (it restarted, or the
	/// network did): one attempt per call, so callers see an error while the node is away and
	/// succeed once it is back. A node of another chain is refused.
	async fn rpc(&self) -> Result<Arc<WsClient>> {
		{
			let rpc = self.rpc.read().await;
			if rpc.is_connected() {
				return Ok(rpc.clone());
			}
		}
		let mut rpc = self.rpc.write().await;
		if !rpc.is_connected() {
			let fresh = open(&self.url).await?;
			if genesis_of(&fresh).await? != self.genesis {
				return Err(ChainError::Connect { url: self.url.clone(), reason: "the node now serves another chain".into() });
			}
			*rpc = Arc::new(fresh);
		}
		Ok(rpc.clone())
	}

	/// Errors when the chain's runtime is no longer the one the worker was built for.
	pub async fn check_runtime(&self) -> Result<()> {
		let (found, _) = runtime_version(&*self.rpc().await?).await?;
		if found != self.spec_version {
			return Err(ChainError::RuntimeChanged { built: self.spec_version, found });
		}
		Ok(())
	}

	/// Signs `call` as `signer`, submits it and waits until it is in a block; errors with the
	/// call's named error if it failed there.
	pub async fn submit(&self, signer: &sr25519::Pair, call: RuntimeCall) -> Result<(H256, Events)> {
		let (nonce, era) = self.next_nonce_and_era(signer).await?;
		let xt = self.sign(signer, call, nonce, era);
		self.watch(xt).await
	}

	/// Signs `calls` as `signer` with consecutive nonces, sends them all, then waits until each
	/// is in a block: a batch costs about one block, not one per call. The results come in the
	/// calls' order; if the pool refuses one, the later ones are not sent (their nonces would
	/// wait behind the gap forever) and fail with it.
	pub async fn submit_all(&self, signer: &sr25519::Pair, calls: Vec<RuntimeCall>) -> Result<Vec<Result<(H256, Events)>>> {
		let sent = self.send_all(signer, calls).await?;
		Ok(futures::future::join_all(sent.into_iter().map(|s| async move { self.included(s?).await })).await)
	}

	/// The first half of [`Chain::submit_all`]: signs and sends, and returns once the pool has
	/// taken them (so the next nonce the node reports counts them), without waiting for blocks.
	pub async fn send_all(&self, signer: &sr25519::Pair, calls: Vec<RuntimeCall>) -> Result<Vec<Result<Sent>>> {
		let (nonce, era) = self.next_nonce_and_era(signer).await?;
		let mut sent = Vec::with_capacity(calls.len());
		let mut refused: Option<String> = None;
		for (i, call) in calls.into_iter().enumerate() {
			if let Some(reason) = &refused {
				sent.push(Err(ChainError::Rejected(format!("not sent: an earlier transaction of the batch was refused ({reason})"))));
				continue;
			}
			let xt = self.sign(signer, call, nonce + i as u32, era);
			match self.send(xt).await {
				Ok(s) => sent.push(Ok(s)),
				Err(e) => {
					refused = Some(e.to_string());
					sent.push(Err(e));
				}
			}
		}
		Ok(sent)
	}

	/// The signer's next nonce (counting its transactions in the pool, so queued ones do not
	/// collide) and the era to sign with.
	async fn next_nonce_and_era(&self, signer: &sr25519::Pair) -> Result<(u32, (Era, H256))> {
		let account: sp_core::crypto::AccountId32 = signer.public().into();
		let rpc = self.rpc().await?;
		let nonce: u32 = rpc.request("system_accountNextIndex", rpc_params![account.to_ss58check()]).await.map_err(rpc_err("system_accountNextIndex"))?;
		// Mortal from a block a little before the best one: valid for MORTAL_PERIOD blocks from
		// there, never later. Counted from the best block, as the pool checks it, so that a
		// finality stall does not make every transaction invalid; a few blocks back, because the
		// pool may check against a view that has not imported the newest block yet.
		let best: Header = rpc.request("chain_getHeader", rpc_params![]).await.map_err(rpc_err("chain_getHeader"))?;
		let birth = best.number.saturating_sub(BIRTH_LAG);
		let birth_hash: H256 = rpc.request("chain_getBlockHash", rpc_params![birth]).await.map_err(rpc_err("chain_getBlockHash"))?;
		Ok((nonce, (Era::mortal(MORTAL_PERIOD, birth.into()), birth_hash)))
	}

	/// `call` signed by `signer` with `nonce`, hex-encoded for the node.
	fn sign(&self, signer: &sr25519::Pair, call: RuntimeCall, nonce: u32, (era, birth_hash): (Era, H256)) -> String {
		let account: sp_core::crypto::AccountId32 = signer.public().into();
		let tx_ext: TxExtension = (
			frame_system::CheckNonZeroSender::<Runtime>::new(),
			frame_system::CheckSpecVersion::<Runtime>::new(),
			frame_system::CheckTxVersion::<Runtime>::new(),
			frame_system::CheckGenesis::<Runtime>::new(),
			frame_system::CheckEra::<Runtime>::from(era),
			frame_system::CheckNonce::<Runtime>::from(nonce),
			frame_system::CheckWeight::<Runtime>::new(),
			pallet_transaction_payment::ChargeTransactionPayment::<Runtime>::from(0),
		);
		let implicit = ((), self.spec_version, self.tx_version, self.genesis, birth_hash, (), (), ());
		let payload = SignedPayload::from_raw(call.clone(), tx_ext.clone(), implicit);
		let signature = payload.using_encoded(|bytes| signer.sign(bytes));
		let xt = UncheckedExtrinsic::new_signed(call, account.into(), signature.into(), tx_ext);
		format!("0x{}", hex::encode(xt.encode()))
	}

	/// Submits a signed extrinsic and waits until it is in a block; its events, or the call's
	/// named error.
	async fn watch(&self, xt_hex: String) -> Result<(H256, Events)> {
		let sent = self.send(xt_hex).await?;
		self.included(sent).await
	}

	/// Hands a signed extrinsic to the node's pool, watching it.
	async fn send(&self, xt_hex: String) -> Result<Sent> {
		let watch: Subscription<Value> = self
			.rpc()
			.await?
			.subscribe("author_submitAndWatchExtrinsic", rpc_params![xt_hex.as_str()], "author_unwatchExtrinsic")
			.await
			.map_err(|e| ChainError::Rejected(e.to_string()))?;
		Ok(Sent { xt_hex, watch })
	}

	/// Waits until a sent extrinsic is in a block (at most [`INCLUSION_TIMEOUT`]); its events, or
	/// the call's named error.
	pub async fn included(&self, sent: Sent) -> Result<(H256, Events)> {
		let Sent { xt_hex, mut watch } = sent;
		let block = tokio::time::timeout(INCLUSION_TIMEOUT, async {
			loop {
				let status = match watch.next().await {
					Some(Ok(status)) => status,
					Some(Err(e)) => return Err(ChainError::Rejected(e.to_string())),
					None => return Err(ChainError::Rejected("the node closed the subscription".into())),
				};
				if let Some(hash) = status.get("inBlock").or_else(|| status.get("finalized")).and_then(Value::as_str) {
					return parse_hash("block hash", hash);
				}
				if let Some(s) = status.as_str().filter(|s| ["invalid", "dropped", "usurped"].contains(s)) {
					return Err(ChainError::Rejected(s.into()));
				}
				if status.get("invalid").is_some() || status.get("dropped").is_some() || status.get("usurped").is_some() {
					return Err(ChainError::Rejected(status.to_string()));
				}
			}
		})
		.await
		.map_err(|_| ChainError::Rejected(format!("not in a block after {} s", INCLUSION_TIMEOUT.as_secs())))??;
		let _ = watch.unsubscribe().await;

		let index = self.extrinsic_index(block, &xt_hex).await?;
		let events: Events = self.events(block).await?.into_iter().filter(|e| e.phase == Phase::ApplyExtrinsic(index)).collect();
		for record in &events {
			if let RuntimeEvent::System(frame_system::Event::ExtrinsicFailed { dispatch_error, .. }) = &record.event {
				return Err(ChainError::Failed(describe_error(dispatch_error)));
			}
		}
		Ok((block, events))
	}

	async fn extrinsic_index(&self, block: H256, xt_hex: &str) -> Result<u32> {
		let body: Value = self.rpc().await?.request("chain_getBlock", rpc_params![format!("{block:?}")]).await.map_err(rpc_err("chain_getBlock"))?;
		let extrinsics = body["block"]["extrinsics"].as_array().cloned().unwrap_or_default();
		extrinsics
			.iter()
			.position(|x| x.as_str() == Some(xt_hex))
			.map(|i| i as u32)
			.ok_or_else(|| ChainError::Rejected(format!("not found in block {block:?}")))
	}

	/// Raw storage under `key` at `at` (best block if `None`).
	pub async fn storage_raw(&self, key: Vec<u8>, at: Option<H256>) -> Result<Option<Vec<u8>>> {
		let key = format!("0x{}", hex::encode(key));
		let value: Option<String> = self
			.rpc()
			.await?
			.request("state_getStorage", rpc_params![key, at.map(|h| format!("{h:?}"))])
			.await
			.map_err(rpc_err("state_getStorage"))?;
		value.map(|v| parse_hex("storage value", &v)).transpose()
	}

	pub async fn storage<T: Decode>(&self, what: &'static str, key: Vec<u8>, at: Option<H256>) -> Result<Option<T>> {
		self.storage_raw(key, at).await?.map(|bytes| decode(what, &bytes)).transpose()
	}

	/// Calls runtime API `method` (e.g. `DataRegistryApi_can_read`) with SCALE-encoded `args`.
	pub async fn runtime_api<R: Decode>(&self, method: &'static str, args: impl Encode, at: Option<H256>) -> Result<R> {
		let data = format!("0x{}", hex::encode(args.encode()));
		let answer: String = self
			.rpc()
			.await?
			.request("state_call", rpc_params![method, data, at.map(|h| format!("{h:?}"))])
			.await
			.map_err(rpc_err("state_call"))?;
		decode(method, &parse_hex(method, &answer)?)
	}

	/// A worker's registry entry (`Workers.Workers`).
	pub async fn worker(&self, account: &sp_core::crypto::AccountId32, at: Option<H256>) -> Result<Option<pallet_workers::WorkerOf<Runtime>>> {
		self.storage("Workers.Workers", pallet_workers::Workers::<Runtime>::hashed_key_for(account), at).await
	}

	/// The gas prices of the compute operations (governance parameters).
	pub async fn price_table(&self) -> Result<pallet_secret_compute::PriceTable<enigma_runtime::Balance>> {
		self.runtime_api("SecretComputeApi_price_table", (), None).await
	}

	pub async fn events(&self, at: H256) -> Result<Events> {
		// frame-system keeps its `Events` storage type private; the key is its standard prefix.
		let key = frame_support::storage::storage_prefix(b"System", b"Events").to_vec();
		Ok(self.storage("System.Events", key, Some(at)).await?.unwrap_or_default())
	}

	/// Finalized block headers as they come.
	pub async fn finalized_heads(&self) -> Result<Subscription<Header>> {
		self.rpc()
			.await?
			.subscribe("chain_subscribeFinalizedHeads", rpc_params![], "chain_unsubscribeFinalizedHeads")
			.await
			.map_err(rpc_err("chain_subscribeFinalizedHeads"))
	}

	/// The header of block `hash`, if the node knows it.
	pub async fn header_at(&self, hash: H256) -> Result<Option<Header>> {
		self.rpc().await?.request("chain_getHeader", rpc_params![hash]).await.map_err(rpc_err("chain_getHeader"))
	}

	/// Whether the node is still syncing (its state may be far behind the chain's).
	pub async fn is_syncing(&self) -> Result<bool> {
		let health: Value = self.rpc().await?.request("system_health", rpc_params![]).await.map_err(rpc_err("system_health"))?;
		Ok(health["isSyncing"].as_bool().unwrap_or(true))
	}

	/// The hash of the last finalized block.
	pub async fn finalized_hash(&self) -> Result<H256> {
		self.rpc().await?.request("chain_getFinalizedHead", rpc_params![]).await.map_err(rpc_err("chain_getFinalizedHead"))
	}

	/// The hash of the block numbered `number` on the node's best chain, if it has one.
	pub async fn block_hash(&self, number: u32) -> Result<Option<H256>> {
		self.rpc().await?.request("chain_getBlockHash", rpc_params![number]).await.map_err(rpc_err("chain_getBlockHash"))
	}

	/// The number of the last finalized block.
	pub async fn finalized_number(&self) -> Result<u32> {
		let hash = self.finalized_hash().await?;
		Ok(self.header_at(hash).await?.map_or(0, |h| h.number))
	}

	/// The number of the best block.
	pub async fn best_number(&self) -> Result<u32> {
		let header: Header = self.rpc().await?.request("chain_getHeader", rpc_params![]).await.map_err(rpc_err("chain_getHeader"))?;
		Ok(header.number)
	}

	pub fn header_hash(header: &Header) -> H256 {
		header.hash()
	}
}

async fn runtime_version(rpc: &WsClient) -> Result<(u32, u32)> {
	let version: Value = rpc.request("state_getRuntimeVersion", rpc_params![]).await.map_err(rpc_err("state_getRuntimeVersion"))?;
	let field = |name: &str| version[name].as_u64().map(|v| v as u32).ok_or_else(|| ChainError::Decode { what: "runtime version", reason: format!("no {name}") });
	Ok((field("specVersion")?, field("transactionVersion")?))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_hash_of_another_length_from_the_node_is_an_error_not_a_panic() {
		assert!(matches!(parse_hash("genesis hash", "0x00"), Err(ChainError::Decode { .. })));
		assert_eq!(parse_hash("block hash", &format!("0x{}", "ab".repeat(32))).unwrap(), H256::repeat_byte(0xab));
	}
}
