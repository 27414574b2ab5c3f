//! MPC runs over the DHT's swarm through the engine's `Transport` trait, unchanged.

use enigma_mpc::{
	circuit::{execute, Circuit, Op, Recipient},
	field::Fr,
	honest::Malicious,
	transport::Transport,
	MpcError,
};
use enigma_p2p::{Config, DhtNode, FixedTable, PeerId, Uniform};
use std::{sync::Arc, time::Duration};

async fn network(n: usize, dir: &std::path::Path) -> Vec<DhtNode> {
	let mut nodes: Vec<DhtNode> = Vec::new();
	for i in 0..n {
		let mut config = Config::new(dir.join(format!("node{i}")));
		// No chain names the workers: every peer's early frames are kept (within its limits).
		config.mpc_peers = None;
		config.bootstrap = nodes.first().map(|n| n.address()).into_iter().collect();
		nodes.push(DhtNode::start(config, Arc::new(FixedTable::new()), Arc::new(Uniform)).await.unwrap());
	}
	nodes
}

/// Three salaries in, their sum and whether the first is below the second out, to everyone.
fn salary_circuit() -> Circuit {
	let mut c = Circuit::new(3);
	let inputs: Vec<_> = (0..3).map(|p| c.input(p)).collect();
	let sum = c.push(Op::Add(inputs[0], inputs[1]));
	let sum = c.push(Op::Add(sum, inputs[2]));
	let below = c.push(Op::Lt { a: inputs[0], b: inputs[1], bits: 32 });
	c.output("sum", sum, Recipient::Everyone);
	c.output("first_below_second", below, Recipient::Everyone);
	c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malicious_secure_run_goes_over_three_peers() {
	let dir = tempfile::tempdir().unwrap();
	let nodes = network(4, dir.path()).await;
	// A committee of three out of four nodes, in the chain's order.
	let committee: Vec<PeerId> = nodes[1..].iter().map(|n| n.peer_id()).collect();
	let salaries = [52_000u64, 61_000, 48_500];
	let session = [7u8; 32];
	let mut parties = Vec::new();
	for (party, node) in nodes[1..].iter().enumerate() {
		let transport = node.mpc_channel(session, committee.clone(), Duration::from_secs(20)).unwrap();
		assert_eq!((transport.party(), transport.parties()), (party, 3));
		parties.push(std::thread::spawn(move || {
			let mut mpc = Malicious::<Fr, _>::new(transport, 1)?;
			let outputs = execute(&mut mpc, &salary_circuit(), &[Fr::from(salaries[party])])?;
			Ok::<_, MpcError>((outputs, enigma_mpc::Mpc::stats(&mpc)))
		}));
	}
	let results: Vec<_> = parties.into_iter().map(|p| p.join().unwrap().expect("MPC run")).collect();
	for (outputs, stats) in &results {
		let value = |name: &str| outputs.iter().find(|(n, _)| n == name).and_then(|(_, v)| *v).unwrap();
		assert_eq!(value("sum"), Fr::from(salaries.iter().sum::<u64>()));
		assert_eq!(value("first_below_second"), Fr::from(1u64));
		assert!(stats.bytes_sent > 0);
	}
	// A node outside the committee cannot join the session.
	assert!(nodes[0].mpc_channel(session, committee.clone(), Duration::from_secs(1)).is_err());
	for node in nodes {
		node.shutdown().await;
	}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn frames_from_outside_the_committee_are_dropped_and_a_silent_peer_times_out() {
	let dir = tempfile::tempdir().unwrap();
	let nodes = network(3, dir.path()).await;
	let session = [9u8; 32];
	let committee = vec![nodes[0].peer_id(), nodes[1].peer_id()];
	let mut member = nodes[0].mpc_channel(session, committee.clone(), Duration::from_millis(1500)).unwrap();
	// Node 2 is not in the committee but claims the session; its frames never reach party 0.
	let outsider_view = vec![nodes[0].peer_id(), nodes[2].peer_id()];
	let mut outsider = nodes[2].mpc_channel(session, outsider_view, Duration::from_secs(1)).unwrap();
	// (A whole frame: a channel signs no frame that is not whole words.)
	outsider.send(0, [&[0u8; 8][..], &[7u8; 32]].concat()).unwrap();
	let waited = tokio::task::spawn_blocking(move || member.recv(1)).await.unwrap();
	assert_eq!(waited, Err(MpcError::Timeout { from: 1 }));
	drop(outsider);
	for node in nodes {
		node.shutdown().await;
	}
}

/// A frame that is not whole words proves, signed, that its sender deviated (the chain slashes
/// on it): a channel refuses to sign one, so an engine bug stops its own run instead of
/// slashing an honest member. Only a test mode that misbehaves on purpose signs them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_channel_signs_no_frame_that_would_prove_its_sender_malformed() {
	let dir = tempfile::tempdir().unwrap();
	let nodes = network(2, dir.path()).await;
	let session = [6u8; 32];
	let committee = vec![nodes[0].peer_id(), nodes[1].peer_id()];
	let mut sender = nodes[0].mpc_channel(session, committee.clone(), Duration::from_secs(5)).unwrap();
	let mut receiver = nodes[1].mpc_channel(session, committee, Duration::from_secs(5)).unwrap();
	let short = vec![0u8; 8 + 48];
	assert!(matches!(sender.send(1, short.clone()), Err(MpcError::InvalidParameters(_))));
	let whole = [&[0u8; 8][..], &[3u8; 64]].concat();
	sender.send(1, whole.clone()).unwrap();
	sender.sign_malformed_frames();
	sender.send(1, short.clone()).unwrap();
	let got = tokio::task::spawn_blocking(move || (receiver.recv(0), receiver.recv(0))).await.unwrap();
	assert_eq!(got, (Ok(whole), Ok(short)));
	drop(sender);
	for node in nodes {
		node.shutdown().await;
	}
}

/// The attack of the network issue: before a run starts, a peer floods a member with frames
/// for hundreds of sessions (more than a node used to keep in all), then the committee's
/// members open the run at different times, so that some of their frames arrive early. The
/// flooder fills only its own share of the buffer, and the run completes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flooding_peer_cannot_stall_a_committee() {
	let dir = tempfile::tempdir().unwrap();
	let nodes = network(4, dir.path()).await;
	let committee: Vec<PeerId> = nodes[1..].iter().map(|n| n.peer_id()).collect();
	let late = nodes[3].peer_id();
	for i in 0..200u32 {
		let mut session = [0u8; 32];
		session[..4].copy_from_slice(&i.to_le_bytes());
		let mut flood = nodes[0].mpc_channel(session, vec![nodes[0].peer_id(), late], Duration::from_secs(1)).unwrap();
		flood.send(1, vec![0; 8 + 64]).unwrap();
	}
	// Let the flood land before the run.
	tokio::time::sleep(Duration::from_secs(2)).await;

	let salaries = [52_000u64, 61_000, 48_500];
	let session = [8u8; 32];
	let mut parties = Vec::new();
	for (party, node) in nodes[1..].iter().enumerate() {
		if party == 2 {
			// The last member opens the run after the others started sending to it.
			tokio::time::sleep(Duration::from_millis(500)).await;
		}
		let transport = node.mpc_channel(session, committee.clone(), Duration::from_secs(20)).unwrap();
		parties.push(std::thread::spawn(move || {
			let mut mpc = Malicious::<Fr, _>::new(transport, 1)?;
			execute(&mut mpc, &salary_circuit(), &[Fr::from(salaries[party])])
		}));
	}
	for party in parties {
		let outputs = party.join().unwrap().expect("the run completes despite the flood");
		assert_eq!(outputs.iter().find(|(n, _)| n == "sum").and_then(|(_, v)| *v), Some(Fr::from(salaries.iter().sum::<u64>())));
	}
	for node in nodes {
		node.shutdown().await;
	}
}
