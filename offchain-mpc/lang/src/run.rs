//! Running a compiled entry point: in the clear (reference semantics) or as an MPC among
//! in-memory parties, with inputs given by parameter name.

use crate::{
	manifest::{InputSource, OutputTarget},
	Compiled,
};
use enigma_mpc::{
	adaptive,
	audit::{triple_shares, AuditError, Auditable, Layout, Transcript},
	circuit::{execute, Circuit, Recipient},
	field::{to_u128, Fr},
	honest::{Malicious, Multiplication, SemiHonest},
	mascot::Mascot,
	preprocessing::Plan,
	spdz::Spdz,
	transport::{mem::network, Net},
	Mpc, MpcError, Stats,
};
use std::{collections::BTreeMap, thread};

/// Input values by parameter name (arrays as lists), and for dictionary inputs by their
/// manifest name (`MPC[3]`, `DHT[7]`, `L[1]@100`).
pub type Inputs = BTreeMap<String, Vec<u128>>;

/// An output: its name, who got it, and its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Output {
	pub name: String,
	pub target: OutputTarget,
	pub value: u128,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
	/// Semi-honest Shamir with DN07 multiplication.
	SemiHonest,
	/// Maliciously secure Shamir (Chida et al.).
	Malicious,
	/// SPDZ, secure with abort against all parties but one, on MASCOT preprocessing made by the
	/// parties themselves first.
	Spdz,
	/// Publicly auditable (Baum–Damgård–Orlandi, [`enigma_mpc::audit`]): as SPDZ, every party
	/// committed to its shares, so a party that opens a wrong value is named, and anyone can
	/// check the run afterwards from its transcript ([`audit`]). Triples from MASCOT.
	Auditable,
}

/// Each party's circuit inputs, in order.
pub fn party_inputs(compiled: &Compiled, inputs: &Inputs) -> Result<Vec<Vec<Fr>>, String> {
	let mut per_party = vec![Vec::new(); compiled.circuit.parties()];
	for slot in &compiled.manifest.inputs {
		let values = inputs.get(&slot.name).ok_or_else(|| format!("missing input `{}`", slot.name))?;
		let index = slot.element.unwrap_or(0);
		let value = *values.get(index).ok_or_else(|| format!("input `{}` needs element {index}", slot.name))?;
		if slot.bits < 128 && value >= 1u128 << slot.bits {
			return Err(format!("input `{}` = {value} does not fit in {} bits", slot.name, slot.bits));
		}
		let owner = match slot.source {
			InputSource::Party(p) => p,
			_ => 0,
		};
		per_party[owner].push(Fr::from(value));
	}
	Ok(per_party)
}

fn value_of(v: Fr) -> Result<u128, String> {
	to_u128(v).ok_or_else(|| "an output is not a small integer (a negative or huge field element)".to_string())
}

/// Reference semantics: the circuit evaluated in the clear.
pub fn plaintext(compiled: &Compiled, inputs: &Inputs) -> Result<Vec<Output>, String> {
	let per_party = party_inputs(compiled, inputs)?;
	let values = compiled.circuit.evaluate(&per_party).map_err(|e| e.to_string())?;
	compiled
		.manifest
		.outputs
		.iter()
		.zip(values)
		.map(|(slot, (_, v))| Ok(Output { name: slot.name.clone(), target: slot.target.clone(), value: value_of(v)? }))
		.collect()
}

/// Run as an MPC among the circuit's parties (in-memory transport, one thread each). Every
/// output is taken from a party entitled to it.
pub fn mpc(compiled: &Compiled, inputs: &Inputs, protocol: Protocol) -> Result<Vec<Output>, String> {
	Ok(mpc_with_stats(compiled, inputs, protocol)?.0)
}

/// [`mpc`], and what party 0 sent: bytes, messages and communication rounds (the
/// preprocessing's included).
pub fn mpc_with_stats(compiled: &Compiled, inputs: &Inputs, protocol: Protocol) -> Result<(Vec<Output>, Stats), String> {
	run_mpc(compiled, inputs, protocol).map(|(outputs, stats, _)| (outputs, stats))
}

/// [`mpc_with_stats`], and an auditable run's transcript.
fn run_mpc(compiled: &Compiled, inputs: &Inputs, protocol: Protocol) -> Result<(Vec<Output>, Stats, Option<Transcript>), String> {
	let per_party = party_inputs(compiled, inputs)?;
	let n = compiled.circuit.parties();
	if n < 2 {
		return Err("an MPC run needs at least two parties (use --mpc 2 or more)".into());
	}
	if let (Protocol::Spdz | Protocol::Auditable, Some(shrink)) = (protocol, compiled.circuit.shrinks(n)) {
		return Err(format!("shrink({}) needs an honest-majority protocol: SPDZ's sharings need every party", shrink.members));
	}
	let plan = Plan::for_circuit(&compiled.circuit);
	let handles: Vec<_> = network(n)
		.into_iter()
		.zip(per_party)
		.map(|(transport, mine)| {
			let circuit = compiled.circuit.clone();
			let plan = plan.clone();
			thread::spawn(move || -> Result<(Vec<(String, Option<Fr>)>, Stats, Option<Transcript>), MpcError> {
				fn run<M: Mpc<F = Fr>>(mut mpc: M, circuit: &Circuit, mine: &[Fr]) -> Result<(Vec<(String, Option<Fr>)>, Stats), MpcError> {
					Ok((execute(&mut mpc, circuit, mine)?, mpc.stats()))
				}
				let without_transcript = |(outputs, stats)| (outputs, stats, None);
				// The honest-majority protocols shrink the committee where the contract says so.
				match protocol {
					Protocol::SemiHonest => adaptive::run(transport, |tr, t| SemiHonest::<Fr, _>::new(tr, t, Multiplication::Dn07), &circuit, &mine).map(without_transcript),
					Protocol::Malicious => adaptive::run(transport, |tr, t| Malicious::<Fr, _>::new(tr, t), &circuit, &mine).map(without_transcript),
					Protocol::Spdz => {
						let mut net = Net::new(transport);
						let store = Mascot::<Fr>::setup(&mut net)?.generate(&mut net, &plan)?;
						run(Spdz::new(net, store), &circuit, &mine).map(without_transcript)
					},
					Protocol::Auditable => {
						let layout = Layout::for_circuit(&circuit);
						let mut net = Net::new(transport);
						let store = Mascot::<Fr>::setup(&mut net)?.generate(&mut net, &layout.preprocessing())?;
						let mut mpc = Auditable::setup(net, layout, &triple_shares(&store))?;
						let outputs = execute(&mut mpc, &circuit, &mine)?;
						Ok((outputs, mpc.stats(), Some(mpc.transcript().clone())))
					},
				}
			})
		})
		.collect();
	let mut ran = handles
		.into_iter()
		.map(|h| h.join().map_err(|_| "a party panicked".to_string())?.map_err(|e| e.to_string()))
		.collect::<Result<Vec<_>, _>>()?;
	// Every party recorded the same transcript: party 0's is kept.
	let (stats, transcript) = (ran[0].1, ran[0].2.take());
	let results: Vec<Vec<(String, Option<Fr>)>> = ran.into_iter().map(|(outputs, ..)| outputs).collect();
	let outputs = compiled
		.manifest
		.outputs
		.iter()
		.zip(&compiled.circuit.outputs)
		.enumerate()
		.map(|(k, (slot, out))| {
			let party = match out.to {
				Recipient::Everyone => 0,
				Recipient::Party(p) => p,
			};
			let value = results[party][k].1.ok_or_else(|| format!("party {party} did not receive `{}`", slot.name))?;
			if out.to == Recipient::Everyone && results.iter().any(|r| r[k].1 != Some(value)) {
				return Err(format!("parties disagree on public output `{}`", slot.name));
			}
			Ok(Output { name: slot.name.clone(), target: slot.target.clone(), value: value_of(value)? })
		})
		.collect::<Result<_, String>>()?;
	Ok((outputs, stats, transcript))
}

/// A [`Protocol::Auditable`] run: its outputs, what party 0 sent, and its transcript (every
/// commitment and opening: what [`audit`] checks).
pub fn mpc_audited(compiled: &Compiled, inputs: &Inputs) -> Result<(Vec<Output>, Stats, Transcript), String> {
	let (outputs, stats, transcript) = run_mpc(compiled, inputs, Protocol::Auditable)?;
	Ok((outputs, stats, transcript.ok_or("the run kept no transcript")?))
}

/// Checks an auditable run of `compiled` from its transcript alone and returns its public
/// outputs, or what failed (the opening and the party whose share does not open its
/// commitment, a triple that fails its sacrifice, a transcript that does not follow the
/// contract).
pub fn audit(compiled: &Compiled, transcript: &Transcript) -> Result<Vec<Output>, AuditError> {
	let audited = enigma_mpc::audit::audit(&compiled.circuit, transcript)?;
	compiled
		.manifest
		.outputs
		.iter()
		.zip(audited)
		.filter_map(|(slot, (_, value))| value.map(|v| (slot, v)))
		.map(|(slot, v)| {
			let value = value_of(v).map_err(AuditError::Malformed)?;
			Ok(Output { name: slot.name.clone(), target: slot.target.clone(), value })
		})
		.collect()
}
