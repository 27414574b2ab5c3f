//! Put and get latency and throughput of a DHT of N nodes on loopback, in one process.
//!
//! ```text
//! cargo run --release -p enigma-p2p --bin dht-bench -- --nodes 32 --ops 200
//! ```
//! Prints one JSON line per (operation, record size) and a table.

use clap::Parser;
use enigma_p2p::{Config, DhtNode, FixedTable, Record, SignedPut, Signer, Uniform};
use futures::{stream, StreamExt};
use rand::{seq::SliceRandom, Rng};
use std::{
	sync::Arc,
	time::{Duration, Instant},
};

#[derive(Parser)]
#[command(name = "dht-bench", version, about = "Measure put/get latency and throughput of an Enigma DHT on loopback")]
struct Args {
	/// Nodes in the network.
	#[arg(long, default_value_t = 32)]
	nodes: usize,
	/// Sequential operations per record size (latency).
	#[arg(long, default_value_t = 200)]
	ops: usize,
	/// Record sizes in bytes.
	#[arg(long, value_delimiter = ',', default_value = "1024,1048576")]
	sizes: Vec<usize>,
	/// Operations in flight when measuring throughput.
	#[arg(long, default_value_t = 16)]
	concurrency: usize,
	/// Replication factor k.
	#[arg(long, default_value_t = 3)]
	replication: usize,
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
	let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
	sorted[i].as_secs_f64() * 1e3
}

struct Measured {
	op: &'static str,
	size: usize,
	p50_ms: f64,
	p99_ms: f64,
	ops_per_s: f64,
	mib_per_s: f64,
}

fn report(op: &'static str, size: usize, mut latencies: Vec<Duration>, throughput_ops: usize, throughput_time: Duration) -> Measured {
	latencies.sort();
	let ops_per_s = throughput_ops as f64 / throughput_time.as_secs_f64();
	let m = Measured {
		op,
		size,
		p50_ms: percentile(&latencies, 0.5),
		p99_ms: percentile(&latencies, 0.99),
		ops_per_s,
		mib_per_s: ops_per_s * size as f64 / (1 << 20) as f64,
	};
	println!(
		"{{\"op\":\"{}\",\"size\":{},\"p50_ms\":{:.2},\"p99_ms\":{:.2},\"ops_per_s\":{:.1},\"mib_per_s\":{:.2}}}",
		m.op, m.size, m.p50_ms, m.p99_ms, m.ops_per_s, m.mib_per_s
	);
	m
}

#[tokio::main]
async fn main() {
	let args = Args::parse();
	tracing_subscriber::fmt()
		.with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn,libp2p_kad=error".into()))
		.with_writer(std::io::stderr)
		.init();
	let dir = std::env::temp_dir().join(format!("dht-bench-{}", std::process::id()));
	let acl = Arc::new(FixedTable::new());
	let (writer, reader) = (Signer::generate(), Signer::generate());
	acl.allow_store(writer.account());

	eprintln!("starting {} nodes...", args.nodes);
	let mut nodes: Vec<DhtNode> = Vec::new();
	for i in 0..args.nodes {
		let mut config = Config::new(dir.join(format!("node{i}")));
		config.replication = args.replication;
		config.max_record_size = args.sizes.iter().copied().max().unwrap_or(1024);
		config.bootstrap = nodes.first().map(|n| n.address()).into_iter().collect();
		nodes.push(DhtNode::start(config, acl.clone(), Arc::new(Uniform)).await.expect("node starts"));
	}
	// Every node refreshes its routing table once the whole network is up.
	for node in &nodes {
		node.bootstrap().await.expect("bootstrap");
	}
	let handles: Vec<_> = nodes.iter().map(|n| n.handle()).collect();

	let mut rng = rand::thread_rng();
	let mut results = Vec::new();
	for &size in &args.sizes {
		eprintln!("{size}-byte records: {} sequential puts and gets, then {} in flight...", args.ops, args.concurrency);
		let records: Vec<SignedPut> = (0..args.ops * 2)
			.map(|_| {
				let mut ciphertext = vec![0u8; size];
				rng.fill(&mut ciphertext[..]);
				SignedPut::new(Record { owner: rng.gen(), ciphertext, expires_at: 0 }, &writer)
			})
			.collect();
		for put in &records {
			acl.allow_read(reader.account(), put.record.pointer());
		}
		let (sequential, parallel) = records.split_at(args.ops);

		let mut put_latency = Vec::new();
		for put in sequential {
			let node = handles.choose(&mut rng).unwrap();
			let start = Instant::now();
			node.put(put).await.expect("put");
			put_latency.push(start.elapsed());
		}
		let start = Instant::now();
		stream::iter(parallel.iter().map(|put| {
			let node = handles.choose(&mut rand::thread_rng()).unwrap().clone();
			async move { node.put(put).await.expect("put") }
		}))
		.buffer_unordered(args.concurrency)
		.collect::<Vec<_>>()
		.await;
		results.push(report("put", size, put_latency, parallel.len(), start.elapsed()));

		let mut get_latency = Vec::new();
		for put in sequential {
			let node = handles.choose(&mut rng).unwrap();
			let start = Instant::now();
			let got = node.get(&put.record.pointer(), &reader).await.expect("get");
			get_latency.push(start.elapsed());
			assert_eq!(got.record.ciphertext.len(), size);
		}
		let start = Instant::now();
		stream::iter(parallel.iter().map(|put| {
			let node = handles.choose(&mut rand::thread_rng()).unwrap().clone();
			let reader = reader.clone();
			async move { node.get(&put.record.pointer(), &reader).await.expect("get") }
		}))
		.buffer_unordered(args.concurrency)
		.collect::<Vec<_>>()
		.await;
		results.push(report("get", size, get_latency, parallel.len(), start.elapsed()));
	}

	println!("\n| op | record | p50 | p99 | throughput ({} in flight) |", args.concurrency);
	println!("|---|---|---|---|---|");
	for m in &results {
		println!("| {} | {} B | {:.2} ms | {:.2} ms | {:.0} ops/s ({:.1} MiB/s) |", m.op, m.size, m.p50_ms, m.p99_ms, m.ops_per_s, m.mib_per_s);
	}
	drop(handles);
	for node in nodes {
		node.shutdown().await;
	}
	let _ = std::fs::remove_dir_all(&dir);
}
