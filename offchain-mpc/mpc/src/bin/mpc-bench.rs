//! mpc-bench: throughput of the MPC engine over TCP on loopback (or real hosts).
//!
//! Without `--party-id` it spawns the N party processes itself on loopback, waits for them and
//! prints ONE JSON line with the figures. With `--party-id I --peers host:port,...` it runs one
//! party and prints that party's JSON line.
//!
//! Example: mpc-bench --protocol shamir --parties 3 --op mul --count 1000000

use clap::{Parser, ValueEnum};
use enigma_mpc::{
	field::{Fr, F64},
	honest::{Malicious, Multiplication, SemiHonest, ShamirCore},
	nonlinear,
	mascot::Mascot,
	preprocessing::{honest_majority, Plan},
	spdz::Spdz,
	transport::{
		tcp::{demo_keys, TcpConfig, TcpTransport},
		Net, Transport,
	},
	Demand, Mpc, MpcError, Stats,
};
use enigma_mpc::field::MpcField;
use std::{
	net::{SocketAddr, TcpListener},
	process::{Command, Stdio},
	time::{Duration, Instant},
};

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum Protocol {
	/// Semi-honest Shamir with BGW multiplication (O(n²) messages).
	Shamir,
	/// Semi-honest Shamir with DN07 multiplication (linear communication, rotating king).
	Dn07,
	/// Maliciously secure Shamir (DN07 + Chida et al. check); preprocessing included in the rate.
	ShamirMalicious,
	/// SPDZ online phase with MAC checks, fed by the preprocessing `--prep` names.
	Spdz,
	/// MASCOT preprocessing alone: `--count` triples, no dealer, secure against n − 1 corrupt
	/// parties (`--op mul` only); the rate is triples per second, setup included.
	Mascot,
	/// Publicly auditable (BDO14, `enigma_mpc::audit`; BLS12-381 Fr, `--op mul` only): a circuit
	/// of `--count` products of two parties' inputs, summed and opened; triples from `--prep`
	/// (twice as many, half sacrificed against the commitments). Party 0 then audits its
	/// transcript: `audit_secs`, `audited_gates_per_sec`.
	Auditable,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum Prep {
	/// Dealer-free with an honest majority (t < n/2; `--threshold 0` for n = 2).
	HonestMajority,
	/// MASCOT: dealer-free, secure against n − 1 corrupt parties.
	Mascot,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum Op {
	Mul,
	InnerProduct,
	Lt,
}

#[derive(Clone, Copy, Debug, ValueEnum, PartialEq, Eq)]
enum FieldChoice {
	/// BLS12-381 scalar field (255 bits).
	Fr,
	/// 64-bit Goldilocks field.
	F64,
}

#[derive(Parser, Debug, Clone)]
#[command(about = "Benchmark Enigma's MPC engine over TCP; prints one JSON line")]
struct Args {
	#[arg(long, value_enum, default_value = "shamir")]
	protocol: Protocol,
	#[arg(long, default_value_t = 3)]
	parties: usize,
	#[arg(long, value_enum, default_value = "mul")]
	op: Op,
	/// Operations in total (multiplications, inner products or comparisons).
	#[arg(long, default_value_t = 1_000_000)]
	count: usize,
	/// Operations per round trip.
	#[arg(long, default_value_t = 100_000)]
	batch: usize,
	/// Length of each inner product.
	#[arg(long, default_value_t = 100_000)]
	len: usize,
	/// Bit width of compared values.
	#[arg(long, default_value_t = 64)]
	bits: u32,
	#[arg(long, value_enum, default_value = "fr")]
	field: FieldChoice,
	/// Where SPDZ's triples come from.
	#[arg(long, value_enum, default_value = "honest-majority")]
	prep: Prep,
	/// Corruption threshold t (default: the largest with t < n/2).
	#[arg(long)]
	threshold: Option<usize>,
	/// Run as this party (0-based) instead of spawning all parties.
	#[arg(long)]
	party_id: Option<usize>,
	/// host:port of every party, in order (with --party-id).
	#[arg(long, value_delimiter = ',')]
	peers: Vec<SocketAddr>,
	/// Seed the parties' demo x25519 keys are derived from (all parties must agree).
	#[arg(long, default_value = "mpc-bench")]
	session: String,
}

#[derive(Default, Debug, Clone, Copy)]
struct Figures {
	online_secs: f64,
	preprocessing_secs: f64,
	/// Bytes sent in the online phase.
	bytes_sent: u64,
	/// Bytes sent in preprocessing (operand generation, double sharings, triples).
	preprocessing_bytes: u64,
	rounds: u64,
	/// Party 0's audit of its transcript (`--protocol auditable`).
	audit_secs: f64,
}

impl Figures {
	fn count_online(&mut self, before: Stats, after: Stats) {
		self.bytes_sent += after.bytes_sent - before.bytes_sent;
		self.rounds += after.rounds - before.rounds;
	}

	/// Everything not sent online was preprocessing.
	fn finish(&mut self, total: Stats) {
		self.preprocessing_bytes = total.bytes_sent - self.bytes_sent;
	}
}

fn main() {
	let args = Args::parse();
	if args.parties < 2 {
		eprintln!("mpc-bench: --parties must be at least 2");
		std::process::exit(2);
	}
	let result = match args.party_id {
		Some(id) => run_party(&args, id).map(|f| print_json(&args, &[f], Some(id))),
		None => spawn_all(&args),
	};
	if let Err(e) = result {
		eprintln!("mpc-bench: {e}");
		std::process::exit(1);
	}
}

fn spawn_all(args: &Args) -> Result<(), String> {
	let ports: Vec<SocketAddr> = (0..args.parties)
		.map(|_| TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map_err(|e| e.to_string()))
		.collect::<Result<_, _>>()?;
	let peers = ports.iter().map(|a| a.to_string()).collect::<Vec<_>>().join(",");
	let exe = std::env::current_exe().map_err(|e| e.to_string())?;
	let forwarded: Vec<String> = std::env::args().skip(1).collect();
	eprintln!("mpc-bench: starting {} parties on loopback", args.parties);
	let children: Vec<_> = (0..args.parties)
		.map(|i| {
			Command::new(&exe)
				.args(&forwarded)
				.args(["--party-id", &i.to_string(), "--peers", &peers])
				.stdout(Stdio::piped())
				.spawn()
				.map_err(|e| e.to_string())
		})
		.collect::<Result<_, _>>()?;
	let mut figures = Vec::new();
	for (i, child) in children.into_iter().enumerate() {
		let out = child.wait_with_output().map_err(|e| e.to_string())?;
		if !out.status.success() {
			return Err(format!("party {i} failed ({})", out.status));
		}
		let line = String::from_utf8_lossy(&out.stdout);
		let v: serde_json::Value = serde_json::from_str(line.trim()).map_err(|e| format!("party {i} printed no JSON: {e}"))?;
		figures.push(Figures {
			online_secs: v["online_secs"].as_f64().unwrap_or(0.0),
			preprocessing_secs: v["preprocessing_secs"].as_f64().unwrap_or(0.0),
			bytes_sent: v["bytes_sent_per_party"].as_u64().unwrap_or(0),
			preprocessing_bytes: v["preprocessing_bytes_per_party"].as_u64().unwrap_or(0),
			rounds: v["rounds"].as_u64().unwrap_or(0),
			audit_secs: v["audit_secs"].as_f64().unwrap_or(0.0),
		});
	}
	print_json(args, &figures, None);
	Ok(())
}

fn print_json(args: &Args, figures: &[Figures], party: Option<usize>) {
	let online = figures.iter().map(|f| f.online_secs).fold(0.0, f64::max);
	let pre = figures.iter().map(|f| f.preprocessing_secs).fold(0.0, f64::max);
	let bytes = figures.iter().map(|f| f.bytes_sent).sum::<u64>() / figures.len() as u64;
	let pre_bytes = figures.iter().map(|f| f.preprocessing_bytes).sum::<u64>() / figures.len() as u64;
	let rounds = figures.iter().map(|f| f.rounds).max().unwrap_or(0);
	let audit = figures.iter().map(|f| f.audit_secs).fold(0.0, f64::max);
	// The malicious protocol's rate includes its preprocessing, as the targets do; so does every
	// comparison's (its random bits are dealt in the preprocessing).
	let rate_secs = match args.protocol {
		Protocol::Mascot => pre,
		Protocol::ShamirMalicious => online + pre,
		_ if args.op == Op::Lt => online + pre,
		_ => online,
	};
	let json = serde_json::json!({
		"protocol": format!("{:?}", args.protocol).to_lowercase(),
		"prep": matches!(args.protocol, Protocol::Spdz | Protocol::Auditable).then(|| format!("{:?}", args.prep).to_lowercase()),
		"parties": args.parties,
		"threshold": threshold(args),
		"op": format!("{:?}", args.op).to_lowercase(),
		"field": format!("{:?}", args.field).to_lowercase(),
		"count": args.count,
		"batch": args.batch,
		"len": if args.op == Op::InnerProduct { Some(args.len) } else { None },
		"party": party,
		"ops_per_sec": (args.count as f64 / rate_secs).round(),
		"online_ops_per_sec": (args.count as f64 / online).round(),
		"online_secs": online,
		"preprocessing_secs": pre,
		"rounds": rounds,
		"bytes_sent_per_party": bytes,
		"bytes_per_op_per_party": bytes as f64 / args.count as f64,
		"preprocessing_bytes_per_party": pre_bytes,
		"audit_secs": (args.protocol == Protocol::Auditable).then_some(audit),
		"audited_gates_per_sec": (args.protocol == Protocol::Auditable && audit > 0.0).then(|| (args.count as f64 / audit).round()),
	});
	println!("{json}");
}

fn threshold(args: &Args) -> usize {
	args.threshold.unwrap_or((args.parties - 1) / 2)
}

fn run_party(args: &Args, id: usize) -> Result<Figures, String> {
	if args.peers.len() != args.parties {
		return Err(format!("--peers names {} addresses for {} parties", args.peers.len(), args.parties));
	}
	let (secrets, public_keys) = demo_keys(&args.session, args.parties);
	let transport = TcpTransport::connect(TcpConfig {
		party: id,
		addresses: args.peers.clone(),
		secret: secrets[id].clone(),
		public_keys,
		connect_timeout: Duration::from_secs(30),
		recv_timeout: Duration::from_secs(600),
	})
	.map_err(|e| e.to_string())?;
	let run = match (args.protocol, args.field) {
		(Protocol::Auditable, FieldChoice::Fr) => auditable(args, transport),
		(Protocol::Auditable, FieldChoice::F64) => Err(MpcError::InvalidParameters("--protocol auditable commits in BLS12-381: use --field fr".into())),
		(_, FieldChoice::Fr) => bench::<Fr, _>(args, transport),
		(_, FieldChoice::F64) => bench::<F64, _>(args, transport),
	};
	run.map_err(|e| e.to_string())
}

/// For comparisons: deal (and, where the protocol needs it, prove) the random bits of `size`
/// comparisons' masks ahead, as a run does before its first layer.
fn deal_mask_bits<M: Mpc>(mpc: &mut M, args: &Args, size: usize) -> Result<(), MpcError> {
	if args.op != Op::Lt {
		return Ok(());
	}
	nonlinear::prepare(mpc, &[], size * (args.bits + 1 + nonlinear::STATISTICAL_SECURITY) as usize)
}

/// What the online phase of a batch of `size` operations draws ahead ([`Mpc::reserve`]), as a
/// run does before its first layer: a multiplication each, an inner product one per term where
/// the protocol multiplies term by term (`per_term`) and one in all where it reduces the sum,
/// the prefix circuit's of a comparison, and the check at the end.
fn online_demand(args: &Args, size: usize, per_term: bool) -> Demand {
	let muls = match args.op {
		Op::Mul => size,
		Op::InnerProduct if per_term => size * args.len,
		Op::InnerProduct => size,
		Op::Lt => size * nonlinear::public_lt_muls(args.bits as usize) as usize,
	};
	Demand { muls, checks: 1, ..Demand::default() }
}

/// Batches of `batch` operations until `count` are done.
fn batches(args: &Args) -> impl Iterator<Item = usize> {
	let (count, batch) = (args.count, args.batch.max(1));
	(0..count.div_ceil(batch)).map(move |i| batch.min(count - i * batch))
}

fn bench<F: MpcField, T: Transport>(args: &Args, transport: T) -> Result<Figures, MpcError> {
	let t = threshold(args);
	let mut fig = Figures::default();
	match args.protocol {
		Protocol::Shamir | Protocol::Dn07 => {
			let mult = if args.protocol == Protocol::Shamir { Multiplication::Bgw } else { Multiplication::Dn07 };
			let mut mpc = SemiHonest::<F, T>::new(transport, t, mult)?;
			for size in batches(args) {
				let start = Instant::now();
				let operands = operands(&mut mpc, args, size)?;
				deal_mask_bits(&mut mpc, args, size)?;
				mpc.reserve(online_demand(args, size, false))?;
				fig.preprocessing_secs += start.elapsed().as_secs_f64();
				let (start, before) = (Instant::now(), mpc.stats());
				online(&mut mpc, args, operands)?;
				fig.online_secs += start.elapsed().as_secs_f64();
				fig.count_online(before, mpc.stats());
			}
			fig.finish(mpc.stats());
		},
		Protocol::ShamirMalicious => {
			let mut mpc = Malicious::<F, T>::new(transport, t)?;
			for size in batches(args) {
				let start = Instant::now();
				let operands = operands(&mut mpc, args, size)?;
				deal_mask_bits(&mut mpc, args, size)?;
				mpc.reserve(online_demand(args, size, true))?;
				fig.preprocessing_secs += start.elapsed().as_secs_f64();
				let (start, before) = (Instant::now(), mpc.stats());
				online(&mut mpc, args, operands)?;
				mpc.check()?;
				fig.online_secs += start.elapsed().as_secs_f64();
				fig.count_online(before, mpc.stats());
			}
			fig.finish(mpc.stats());
		},
		Protocol::Spdz => {
			let n = args.parties;
			let (triples_per_op, randoms_per_op) = match args.op {
				Op::Mul => (1, 2),
				Op::InnerProduct => (args.len, 2 * args.len),
				Op::Lt => {
					// A square per mask bit, then the prefix-OR circuit's multiplications.
					let mask_bits = (args.bits + 1 + nonlinear::STATISTICAL_SECURITY) as usize;
					(mask_bits + nonlinear::public_lt_muls(args.bits as usize) as usize + 8, mask_bits + 8)
				},
			};
			let mut masks = vec![0; n];
			if args.op == Op::Lt {
				(masks[0], masks[1]) = (args.count, args.count);
			}
			let plan = Plan { triples: args.count * triples_per_op, randoms: args.count * randoms_per_op, masks };
			let start = Instant::now();
			let (net, store) = preprocess::<F, T>(args, transport, &plan)?;
			fig.preprocessing_secs = start.elapsed().as_secs_f64();
			let mut mpc = Spdz::new(net, store);
			for size in batches(args) {
				let operands = operands(&mut mpc, args, size)?;
				let (start, before) = (Instant::now(), mpc.stats());
				online(&mut mpc, args, operands)?;
				mpc.check()?;
				fig.online_secs += start.elapsed().as_secs_f64();
				fig.count_online(before, mpc.stats());
			}
			fig.finish(mpc.stats());
		},
		Protocol::Auditable => unreachable!("run by `auditable`"),
		Protocol::Mascot => {
			if args.op != Op::Mul {
				return Err(MpcError::InvalidParameters("--protocol mascot makes triples: use --op mul".into()));
			}
			let start = Instant::now();
			let mut net = Net::new(transport);
			let mut mascot = Mascot::<F>::setup(&mut net)?;
			for size in batches(args) {
				mascot.generate(&mut net, &Plan { triples: size, randoms: 0, masks: vec![0; args.parties] })?;
				eprintln!("mpc-bench: party {} made {size} triples", net.party());
			}
			fig.preprocessing_secs = start.elapsed().as_secs_f64();
			fig.preprocessing_bytes = net.bytes_sent();
			fig.rounds = net.rounds();
		},
	}
	Ok(fig)
}

/// SPDZ material for `plan` from the source `--prep` names, and the channel to go on with.
fn preprocess<F: MpcField, T: Transport>(args: &Args, transport: T, plan: &Plan) -> Result<(Net<T>, enigma_mpc::preprocessing::Store<F>), MpcError> {
	match args.prep {
		Prep::HonestMajority => {
			let mut core = ShamirCore::<F, T>::new(transport, threshold(args))?;
			let store = honest_majority(&mut core, plan)?;
			Ok((core.net, store))
		},
		Prep::Mascot => {
			let mut net = Net::new(transport);
			let store = Mascot::<F>::setup(&mut net)?.generate(&mut net, plan)?;
			Ok((net, store))
		},
	}
}

/// The operands of one batch, as random shared values (their generation is not timed online).
fn operands<M: Mpc>(mpc: &mut M, args: &Args, size: usize) -> Result<(Vec<M::Share>, Vec<M::Share>), MpcError> {
	let per = if args.op == Op::InnerProduct { size * args.len } else { size };
	match args.op {
		Op::Lt => bounded_operands(mpc, args, size),
		_ => Ok((mpc.random(per)?, mpc.random(per)?)),
	}
}

/// Comparisons need values below 2^bits: random bits composed into numbers.
fn bounded_operands<M: Mpc>(mpc: &mut M, args: &Args, size: usize) -> Result<(Vec<M::Share>, Vec<M::Share>), MpcError> {
	// Party 0 and 1 input pseudo-random values: inputs are part of the online phase anyway.
	let mut state = 0x9e37_79b9_7f4a_7c15u64 ^ args.count as u64;
	let mut next = || {
		state ^= state << 13;
		state ^= state >> 7;
		state ^= state << 17;
		if args.bits >= 64 { state } else { state & ((1u64 << args.bits) - 1) }
	};
	let values: Vec<M::F> = (0..size).map(|_| M::F::from(next())).collect();
	let me = mpc.party();
	let a = mpc.input(0, (me == 0).then_some(&values[..]), size)?;
	let b = mpc.input(1, (me == 1).then_some(&values[..]), size)?;
	Ok((a, b))
}

fn online<M: Mpc>(mpc: &mut M, args: &Args, (a, b): (Vec<M::Share>, Vec<M::Share>)) -> Result<(), MpcError> {
	match args.op {
		Op::Mul => {
			mpc.mul(&a, &b)?;
		},
		Op::InnerProduct => {
			let pairs: Vec<(Vec<M::Share>, Vec<M::Share>)> =
				a.chunks(args.len).zip(b.chunks(args.len)).map(|(x, y)| (x.to_vec(), y.to_vec())).collect();
			mpc.inner_products(&pairs)?;
		},
		Op::Lt => {
			nonlinear::lt(mpc, &a, &b, args.bits)?;
		},
	}
	Ok(())
}

/// `--protocol auditable`: Σ_k x_k·y_k for `--count` pairs (x from party 0, y from party 1),
/// opened to everyone, with commitments; then party 0 audits its transcript.
fn auditable<T: Transport>(args: &Args, transport: T) -> Result<Figures, MpcError> {
	use enigma_mpc::{
		audit::{audit, triple_shares, Auditable, Layout},
		circuit::{Circuit, Op as Gate, Recipient},
	};
	if args.op != Op::Mul {
		return Err(MpcError::InvalidParameters("--protocol auditable runs products: use --op mul".into()));
	}
	let mut circuit = Circuit::new(args.parties);
	let products: Vec<_> = (0..args.count)
		.map(|_| {
			let (x, y) = (circuit.input(0), circuit.input(1));
			circuit.push(Gate::Mul(x, y))
		})
		.collect();
	let sum = products.iter().skip(1).fold(products[0], |acc, p| circuit.push(Gate::Add(acc, *p)));
	circuit.output("sum", sum, Recipient::Everyone);
	let layout = Layout::for_circuit(&circuit);
	let plan = layout.preprocessing();
	let mut fig = Figures::default();
	let start = Instant::now();
	let (net, store) = preprocess::<Fr, T>(args, transport, &plan)?;
	let mut mpc = Auditable::setup(net, layout, &triple_shares(&store))?;
	fig.preprocessing_secs = start.elapsed().as_secs_f64();
	let me = mpc.party();
	let inputs: Vec<Fr> = if me < 2 { (0..args.count as u64).map(|k| Fr::from(k + 1 + me as u64)).collect() } else { Vec::new() };
	let (start, before) = (Instant::now(), mpc.stats());
	enigma_mpc::circuit::execute(&mut mpc, &circuit, &inputs)?;
	fig.online_secs = start.elapsed().as_secs_f64();
	fig.count_online(before, mpc.stats());
	fig.finish(mpc.stats());
	if me == 0 {
		let start = Instant::now();
		audit(&circuit, mpc.transcript()).map_err(|e| MpcError::InvalidParameters(format!("the audit of an honest run failed: {e}")))?;
		fig.audit_secs = start.elapsed().as_secs_f64();
	}
	Ok(fig)
}
