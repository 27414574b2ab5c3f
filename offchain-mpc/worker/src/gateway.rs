//! The worker's client protocol over HTTP, for browsers, which cannot dial a libp2p TCP peer:
//! `POST /app` with an encoded `WorkerRequest` as the body answers the encoded
//! `WorkerResponse`, exactly as `/enigma/app/1` does. The channel needs neither privacy nor
//! authenticity for the shares: delivered shares come sealed to this worker's key and are
//! checked against their commitments, and shares go out sealed by this worker's registered key
//! to the reply key the signed request names, so nobody on the way reads or forges them. (A page
//! served over HTTPS still needs the gateway behind TLS: browsers refuse mixed content.) Any
//! origin may call it (CORS), as any peer may call the libp2p protocol; connections are bounded
//! in number, per address, in time and in body size.

use crate::service::WorkerService;
use http_body_util::{BodyExt, Full, Limited};
use hyper::{body::Bytes, header, server::conn::http1, service::service_fn, Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::{
	collections::HashMap,
	net::{IpAddr, SocketAddr},
	sync::{Arc, Mutex},
	time::Duration,
};

/// The largest request body: a full `Shares` request (256 deliveries of a 128-bit integer in a
/// committee of ten) with room to spare.
pub const MAX_BODY: usize = 8 << 20;
/// Connections served at once; more wait in the listen backlog until a slot is free.
const MAX_CONNECTIONS: usize = 32;
/// Connections from one IP address (one IPv6 /64, which one host usually has whole) at once;
/// more are closed at once. Behind a reverse proxy every client has the proxy's address: give
/// the proxy its own limits.
const MAX_PER_ADDRESS: usize = 8;
/// Time to send a request's headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// A connection's whole life: a request that takes longer is cut off.
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(60);
/// A request body comes at least this fast, counted from the connection's accept after
/// [`HEADER_TIMEOUT`]'s grace: a client that declared a large body and sent a byte a second
/// held its slot for the connection's whole life, and a few addresses held every slot. (A
/// mobile uplink sends a full body in time.)
const MIN_BODY_RATE: usize = 128 << 10;

/// Serves the gateway on `address` until the process ends.
pub async fn serve(address: SocketAddr, service: Arc<WorkerService>) -> std::io::Result<()> {
	let listener = tokio::net::TcpListener::bind(address).await?;
	tracing::info!(target: "worker", "HTTP gateway for browsers on http://{}/app", listener.local_addr()?);
	let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
	let per_address: Arc<Mutex<HashMap<IpAddr, usize>>> = Arc::default();
	loop {
		// A slot first: while all are taken, connections wait in the kernel's backlog.
		let Ok(slot) = slots.clone().acquire_owned().await else { return Ok(()) };
		let (stream, peer) = match listener.accept().await {
			Ok(accepted) => accepted,
			Err(e) => {
				// Out of file descriptors, say: wait rather than spin.
				tracing::debug!(target: "worker", "gateway accept: {e}");
				tokio::time::sleep(Duration::from_millis(100)).await;
				continue;
			},
		};
		let Some(address_slot) = AddressSlot::take(&per_address, network_of(peer.ip())) else {
			tracing::debug!(target: "worker", "gateway: {} has {MAX_PER_ADDRESS} connections open already", peer.ip());
			continue;
		};
		let service = service.clone();
		let accepted = tokio::time::Instant::now();
		tokio::spawn(async move {
			let handler = service_fn(move |request| answer(service.clone(), peer, accepted, request));
			// One request per connection, its body due at the rate from the accept on: a
			// connection kept alive would restart the grace with every request.
			let connection = http1::Builder::new()
				.timer(TokioTimer::new())
				.header_read_timeout(HEADER_TIMEOUT)
				.keep_alive(false)
				.serve_connection(TokioIo::new(stream), handler);
			if let Ok(Err(e)) = tokio::time::timeout(CONNECTION_TIMEOUT, connection).await {
				tracing::debug!(target: "worker", "gateway connection from {peer}: {e}");
			}
			drop((slot, address_slot));
		});
	}
}

/// The address a connection counts against: an IPv4 address, or an IPv6 address's /64.
fn network_of(ip: IpAddr) -> IpAddr {
	match ip {
		IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none() => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
		IpAddr::V6(v6) => IpAddr::V4(v6.to_ipv4_mapped().expect("mapped")),
		v4 => v4,
	}
}

/// One of an address's [`MAX_PER_ADDRESS`] connections, given back when dropped.
struct AddressSlot {
	table: Arc<Mutex<HashMap<IpAddr, usize>>>,
	address: IpAddr,
}

impl AddressSlot {
	fn take(table: &Arc<Mutex<HashMap<IpAddr, usize>>>, address: IpAddr) -> Option<Self> {
		let mut open = table.lock().unwrap_or_else(|e| e.into_inner());
		let count = open.entry(address).or_default();
		if *count >= MAX_PER_ADDRESS {
			return None;
		}
		*count += 1;
		Some(Self { table: table.clone(), address })
	}
}

impl Drop for AddressSlot {
	fn drop(&mut self) {
		let mut open = self.table.lock().unwrap_or_else(|e| e.into_inner());
		if let Some(count) = open.get_mut(&self.address) {
			*count -= 1;
			if *count == 0 {
				open.remove(&self.address);
			}
		}
	}
}

async fn answer(service: Arc<WorkerService>, peer: SocketAddr, accepted: tokio::time::Instant, request: Request<hyper::body::Incoming>) -> Result<Response<Full<Bytes>>, std::convert::Infallible> {
	let reply = |status: StatusCode, body: Vec<u8>| {
		let mut response = Response::new(Full::new(Bytes::from(body)));
		*response.status_mut() = status;
		let headers = response.headers_mut();
		headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, header::HeaderValue::from_static("*"));
		headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, header::HeaderValue::from_static("POST, OPTIONS"));
		headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, header::HeaderValue::from_static("content-type"));
		headers.insert(header::CONTENT_TYPE, header::HeaderValue::from_static("application/octet-stream"));
		Ok(response)
	};
	match (request.method(), request.uri().path()) {
		(&Method::OPTIONS, _) => reply(StatusCode::NO_CONTENT, Vec::new()),
		(&Method::POST, "/app") => {
			let declared = request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<usize>().ok());
			if declared.is_some_and(|len| len > MAX_BODY) {
				return reply(StatusCode::PAYLOAD_TOO_LARGE, format!("a request body is at most {MAX_BODY} bytes").into_bytes());
			}
			match read_body(request.into_body(), accepted + HEADER_TIMEOUT, MIN_BODY_RATE).await {
				Ok(body) => reply(StatusCode::OK, service.answer(&peer, &body).await),
				Err(e) => reply(StatusCode::BAD_REQUEST, format!("reading the request: {e}").into_bytes()),
			}
		},
		_ => reply(StatusCode::NOT_FOUND, b"the gateway answers POST /app (an encoded WorkerRequest)".to_vec()),
	}
}

/// A body of at most [`MAX_BODY`] bytes, each part in by `from` plus the time the bytes before
/// it take at `rate` bytes a second.
async fn read_body<B>(body: B, from: tokio::time::Instant, rate: usize) -> Result<Vec<u8>, String>
where
	B: hyper::body::Body<Data = Bytes> + Unpin,
	B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
	let mut body = Limited::new(body, MAX_BODY);
	let mut bytes = Vec::new();
	loop {
		let due = from + Duration::from_secs_f64(bytes.len() as f64 / rate as f64);
		match tokio::time::timeout_at(due, body.frame()).await {
			Err(_) => return Err(format!("the body came slower than {} KiB/s", rate >> 10)),
			Ok(None) => return Ok(bytes),
			Ok(Some(Err(e))) => return Err(e.to_string()),
			Ok(Some(Ok(frame))) => {
				if let Ok(data) = frame.into_data() {
					bytes.extend_from_slice(&data);
				}
			},
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	/// A body that sends `chunks` bytes, one part every `every`.
	fn trickle(chunks: Vec<usize>, every: Duration) -> impl hyper::body::Body<Data = Bytes, Error = std::convert::Infallible> + Unpin {
		let parts = futures::stream::unfold(chunks.into_iter(), move |mut chunks| async move {
			let len = chunks.next()?;
			tokio::time::sleep(every).await;
			Some((Ok(hyper::body::Frame::data(Bytes::from(vec![7u8; len]))), chunks))
		});
		http_body_util::StreamBody::new(Box::pin(parts))
	}

	#[tokio::test]
	async fn a_body_trickled_below_the_rate_is_cut_off_and_one_at_the_rate_is_read() {
		let (grace, rate) = (Duration::from_millis(200), 10_000);
		let from = || tokio::time::Instant::now() + grace;
		// 1,000 bytes every 50 ms is 20,000 bytes a second: read whole.
		let body = read_body(trickle(vec![1_000; 10], Duration::from_millis(50)), from(), rate).await;
		assert_eq!(body.map(|b| b.len()), Ok(10_000));
		// A byte every 50 ms: past the grace, the body is 10,000 bytes a second behind.
		let started = std::time::Instant::now();
		let cut = read_body(trickle(vec![1; 1_000], Duration::from_millis(50)), from(), rate).await;
		assert!(cut.unwrap_err().contains("slower than"));
		assert!(started.elapsed() < Duration::from_secs(2), "cut off after the grace, not at the end");
	}

	#[test]
	fn one_address_gets_a_bounded_share_of_the_connections() {
		let table = Arc::default();
		let (a, b): (IpAddr, IpAddr) = ([10, 0, 0, 1].into(), [10, 0, 0, 2].into());
		let mut held: Vec<AddressSlot> = (0..MAX_PER_ADDRESS).map(|_| AddressSlot::take(&table, a).unwrap()).collect();
		assert!(AddressSlot::take(&table, a).is_none(), "one more from the same address");
		assert!(AddressSlot::take(&table, b).is_some(), "another address is served");
		held.pop();
		let again = AddressSlot::take(&table, a);
		assert!(again.is_some(), "a closed connection frees its slot");
		assert!(AddressSlot::take(&table, a).is_none(), "and only one");
	}

	#[test]
	fn an_ipv6_host_counts_as_its_64() {
		let one: IpAddr = "2001:db8:1:2::1".parse().unwrap();
		let other_in_same_64: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
		assert_eq!(network_of(one), network_of(other_in_same_64));
		assert_ne!(network_of(one), network_of("2001:db8:1:3::1".parse().unwrap()));
		assert_eq!(network_of("::ffff:10.0.0.1".parse().unwrap()), network_of("10.0.0.1".parse().unwrap()));
	}
}
