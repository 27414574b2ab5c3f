//! The worker's client protocol over HTTP, for browsers, which cannot dial a libp2p TCP peer:
//! `POST /app` with an encoded `WorkerRequest` as the body answers the encoded
//! `WorkerResponse`, exactly as `/enigma/app/1` does. Plain HTTP is enough: delivered shares
//! come sealed to this worker's key and are checked against their commitments, and shares go
//! out sealed to the reply key the signed request names. Any origin may call it (CORS), as any
//! peer may call the libp2p protocol.

use crate::service::WorkerService;
use http_body_util::{BodyExt, Full, Limited};
use hyper::{body::Bytes, header, server::conn::http1, service::service_fn, Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use std::{net::SocketAddr, sync::Arc, time::Duration};

/// The largest request body: a full `Shares` request (256 deliveries of a 128-bit integer in a
/// committee of ten) with room to spare.
pub const MAX_BODY: usize = 8 << 20;
/// Connections served at once; more wait for a free slot.
const MAX_CONNECTIONS: usize = 64;
/// A connection's whole life: a request that takes longer is cut off.
const CONNECTION_TIMEOUT: Duration = Duration::from_secs(60);

/// Serves the gateway on `address` until the process ends.
pub async fn serve(address: SocketAddr, service: Arc<WorkerService>) -> std::io::Result<()> {
	let listener = tokio::net::TcpListener::bind(address).await?;
	tracing::info!(target: "worker", "HTTP gateway for browsers on http://{}/app", listener.local_addr()?);
	let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
	loop {
		let (stream, peer) = match listener.accept().await {
			Ok(accepted) => accepted,
			Err(e) => {
				tracing::debug!(target: "worker", "gateway accept: {e}");
				continue;
			},
		};
		let Ok(slot) = slots.clone().acquire_owned().await else { return Ok(()) };
		let service = service.clone();
		tokio::spawn(async move {
			let handler = service_fn(move |request| answer(service.clone(), peer, request));
			let connection = http1::Builder::new().serve_connection(TokioIo::new(stream), handler);
			if let Ok(Err(e)) = tokio::time::timeout(CONNECTION_TIMEOUT, connection).await {
				tracing::debug!(target: "worker", "gateway connection from {peer}: {e}");
			}
			drop(slot);
		});
	}
}

async fn answer(service: Arc<WorkerService>, peer: SocketAddr, request: Request<hyper::body::Incoming>) -> Result<Response<Full<Bytes>>, std::convert::Infallible> {
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
			match Limited::new(request.into_body(), MAX_BODY).collect().await {
				Ok(body) => reply(StatusCode::OK, service.answer(&peer, &body.to_bytes()).await),
				Err(e) => reply(StatusCode::BAD_REQUEST, format!("reading the request: {e}").into_bytes()),
			}
		},
		_ => reply(StatusCode::NOT_FOUND, b"the gateway answers POST /app (an encoded WorkerRequest)".to_vec()),
	}
}
