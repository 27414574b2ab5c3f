//! What a compiled entry point needs and produces, and what it costs.

use enigma_mpc::circuit::Cost;
use serde::Serialize;
use std::fmt;

/// Where a circuit input comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InputSource {
	/// A private input of this party.
	Party(usize),
	/// An existing secret, `MPC[key]`, held by the committee.
	Secret(u64),
	/// Encrypted data, `DHT[key]`.
	Data(u64),
	/// A public ledger value, `L.get(key, at)`.
	Ledger { key: u64, at: u64 },
}

impl fmt::Display for InputSource {
	fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
		match self {
			InputSource::Party(p) => write!(f, "party {p}"),
			InputSource::Secret(k) => write!(f, "MPC[{k}]"),
			InputSource::Data(k) => write!(f, "DHT[{k}]"),
			InputSource::Ledger { key, at } => write!(f, "L[{key}]@{at}"),
		}
	}
}

#[derive(Clone, Debug, Serialize)]
pub struct InputSlot {
	/// The parameter (or dictionary entry) it binds.
	pub name: String,
	/// Element of an array parameter.
	pub element: Option<usize>,
	pub source: InputSource,
	/// Declared width in bits.
	pub bits: u32,
}

/// Who receives an output.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutputTarget {
	/// Published to everyone (on chain).
	Everyone,
	/// Sent encrypted to one party only.
	Party(usize),
	/// Written to the public ledger `L[key]`.
	Ledger(u64),
	/// Kept secret-shared as `MPC[key]`, owned by the identity of party `owner`'s inputs, an
	/// integer below 2^bits (`None`: a field element). Only this contract computes on it.
	Secret { key: u64, owner: usize, bits: Option<u32> },
	/// Stored encrypted as `DHT[key]` under predicate `predicate`.
	Data { key: u64, predicate: u64 },
	/// The secret `MPC[key]` declassified to its owner.
	Declassify(u64),
	/// Under a dishonest majority, the second check on the value `MPC.set` keeps as `MPC[key]`
	/// (a random key s, s·y, s·s): the MAC by which the tasks that read it check it, kept by the
	/// members with their shares and never handed out (its owner sees the first check's key).
	Mac(u64),
}

#[derive(Clone, Debug, Serialize)]
pub struct OutputSlot {
	pub name: String,
	pub target: OutputTarget,
}

/// The chain's gas prices (the `Compute` governance parameters), in plancks.
#[derive(Clone, Copy, Debug, Serialize, serde::Deserialize)]
pub struct Prices {
	pub add: u128,
	pub mul: u128,
	pub open: u128,
	pub input: u128,
	pub round: u128,
}

impl Default for Prices {
	/// The defaults of `runtime/src/parameters.rs`.
	fn default() -> Self {
		Self { add: 1, mul: 100, open: 100, input: 200, round: 10_000_000 }
	}
}

/// The cost of a run and its price.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Gas {
	pub adds: u64,
	pub muls: u64,
	pub opens: u64,
	pub inputs: u64,
	/// Random bits dealt for masked openings (their combination is in `muls`; not priced apart).
	pub bits: u64,
	pub rounds: u64,
	/// Outputs that are not opened to everyone (for a party, kept as a secret, a kept secret's
	/// MAC): under a dishonest majority each carries a check (a random key, its product with
	/// the value and its square) that its recipient verifies.
	pub private_outputs: u64,
	/// Under a dishonest majority: the triples the members make for the run (a triple per
	/// multiplication, two per random bit, one per input's MAC check, two per private output's
	/// check; twice that, since the publicly auditable run sacrifices every other one against
	/// the commitments), each priced at [`TRIPLE_PRICE`] multiplications. 0 under an honest
	/// majority.
	pub triples: u64,
	/// Σ count × price, in plancks.
	pub total: u128,
}

/// What one SPDZ triple made with MASCOT costs, in multiplications' prices. A parameter, not a
/// measurement: at n = 4 a triple costs each member about 230 KB and a Shamir multiplication
/// about 100 bytes (`docs/benchmarks.md`), and a task's triples are counted from its circuit
/// (one per multiplication and input, two per random bit), so a dishonest-majority task is
/// quoted in the order of what its preprocessing costs the members rather than as a Shamir run.
pub const TRIPLE_PRICE: u128 = 1_000;

impl Gas {
	pub fn price(cost: Cost, private_outputs: u64, prices: &Prices, security: Security) -> Self {
		let triples = match security {
			Security::HonestMajority => 0,
			Security::DishonestMajority => 2 * (cost.muls + 2 * cost.bits + cost.inputs + 2 * private_outputs),
		};
		let total = cost.adds as u128 * prices.add +
			cost.muls as u128 * prices.mul +
			cost.opens as u128 * prices.open +
			cost.inputs as u128 * prices.input +
			cost.rounds as u128 * prices.round +
			triples as u128 * prices.mul * TRIPLE_PRICE;
		Self { adds: cost.adds, muls: cost.muls, opens: cost.opens, inputs: cost.inputs, bits: cost.bits, rounds: cost.rounds, private_outputs, triples, total }
	}
}

/// Whom a contract's privacy holds against: the contract says so after its name
/// (`contract Name: dishonest_majority { .. }`); honest majority when it says nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Security {
	/// Maliciously secure Shamir: private while fewer than half the committee collude.
	#[default]
	HonestMajority,
	/// SPDZ: private while one member of the committee is honest; its owners share their
	/// inputs with degree n − 1 and a MAC of their own.
	DishonestMajority,
}

impl Security {
	pub fn from_name(name: &str) -> Option<Self> {
		match name {
			"honest_majority" => Some(Security::HonestMajority),
			"dishonest_majority" => Some(Security::DishonestMajority),
			_ => None,
		}
	}
}

#[derive(Clone, Debug, Serialize)]
pub struct Manifest {
	pub contract: String,
	pub security: Security,
	pub entry: String,
	pub parties: usize,
	/// Circuit inputs, in the order each party supplies them.
	pub inputs: Vec<InputSlot>,
	pub outputs: Vec<OutputSlot>,
	pub gas: Option<Gas>,
	/// blake2-256 of the contract source: the hash the chain registers it under.
	pub code_hash: String,
}

impl Manifest {
	pub fn new(contract: &str, security: Security, entry: &str, parties: usize) -> Self {
		Self { contract: contract.into(), security, entry: entry.into(), parties, inputs: vec![], outputs: vec![], gas: None, code_hash: String::new() }
	}

	/// The public ledger values the entry point reads as inputs, by `L.get`'s (key, at): what a
	/// task's members read from the chain to compile it with them as constants
	/// ([`crate::ChainFacts::ledger`]).
	pub fn ledger_reads(&self) -> Vec<(u64, u64)> {
		self.inputs.iter().filter_map(|slot| if let InputSource::Ledger { key, at } = slot.source { Some((key, at)) } else { None }).collect()
	}
}
