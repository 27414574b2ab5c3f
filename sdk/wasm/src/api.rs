//! The methods [`crate::call`] runs: JSON arguments read into the protocol's types, the
//! protocol's functions, JSON answers.

use codec::{Decode, Encode};
use enigma_protocol::{
	data, records,
	dealing::{deal_one, parse_kind, How},
	messages::{declassify_message, open_answer, output_message, ShareDelivery, WorkerRequest, WorkerResponse, MAX_SHARES_PER_REQUEST, REGISTER_FIRST},
	reconstruct::{reconstruct, Dealt, Shared},
	ValueKind, H256,
};
use enigma_lang::{
	manifest::{InputSource, OutputTarget, Prices, Security},
	ChainFacts, PublicArg,
};
use enigma_mpc::circuit::Recipient;
use enigma_protocol::messages::submitter_value;
use serde_json::{json, Value};

type Answer = Result<Value, String>;

pub fn dispatch(method: &str, arg: &Value) -> Answer {
	match method {
		"deal" => deal(arg),
		"sharesAccepted" => shares_accepted(arg),
		// How a member's refusal ends when the batch must be registered before it is delivered.
		"registerFirst" => Ok(Value::String(REGISTER_FIRST.into())),
		"replyKey" => Ok(reply_key()),
		"outputRequest" => {
			let (task, output, who, reply_to) = (h256(arg, "task")?, u32_of(arg, "output")?, bytes32(arg, "who")?, bytes32(arg, "replyTo")?);
			let message = output_message(task, output, &reply_to);
			signed(arg, message, |signature| WorkerRequest::Output { task, output, who, reply_to, signature })
		},
		"declassifyRequest" => {
			let (secret, at, who, reply_to) = (h256(arg, "secret")?, h256(arg, "at")?, bytes32(arg, "who")?, bytes32(arg, "replyTo")?);
			let message = declassify_message(secret, at, &reply_to);
			signed(arg, message, |signature| WorkerRequest::Declassify { secret, who, at, reply_to, signature })
		},
		"reconstruct" => reconstruct_value(arg),
		"compileTask" => compile_task(arg),
		"sealData" => {
			let (sealed, key) = data::seal(&bytes32(arg, "owner")?, &bytes(arg, "plaintext")?);
			Ok(json!({ "sealed": hex0x(&sealed), "key": hex0x(&key) }))
		},
		"openData" => {
			let plaintext = data::open(&bytes32(arg, "owner")?, &bytes32(arg, "key")?, &bytes(arg, "sealed")?)?;
			Ok(json!({ "plaintext": hex0x(&plaintext) }))
		},
		"dataPutRequest" => data_put_request(arg),
		"dataGetRequest" => {
			let (key, reader, peer, reply_to) = (bytes32(arg, "pointer")?, bytes32(arg, "reader")?, bytes(arg, "peer")?, bytes32(arg, "replyTo")?);
			let signed_at = decimal(field(arg, "signedAt")?, "signedAt")? as u64;
			let message = records::get_message(&key, &peer, signed_at, &reply_to);
			signed(arg, message, |signature| WorkerRequest::DataGet { key, reader, signed_at, reply_to, signature })
		},
		"dataAnswer" => data_answer(arg),
		_ => Err(format!("no method `{method}`")),
	}
}

/// Deals every value to the committee whose members' x25519 keys are `keys` (in committee
/// order): per member, the bodies of its `Shares` requests; per value, what the chain registers.
fn deal(arg: &Value) -> Answer {
	let values: Vec<u128> = field(arg, "values")?.as_array().ok_or("`values` is not a list")?.iter().map(|v| decimal(v, "values")).collect::<Result<_, _>>()?;
	let kind = kind_of(field(arg, "kind")?)?;
	let how = match arg.get("security").and_then(Value::as_str).unwrap_or("honest-majority") {
		"honest-majority" => How::HonestMajority,
		"dishonest-majority" => How::DishonestMajority,
		other => return Err(format!("security `{other}`: honest-majority or dishonest-majority")),
	};
	let (identity, committee) = (h256(arg, "identity")?, u32_of(arg, "committee")?);
	let keys: Vec<[u8; 32]> = field(arg, "keys")?.as_array().ok_or("`keys` is not a list")?.iter().map(|k| to_array(k, "keys")).collect::<Result<_, _>>()?;
	let mut per_member: Vec<Vec<ShareDelivery>> = vec![Vec::with_capacity(values.len()); keys.len()];
	let mut secrets = Vec::with_capacity(values.len());
	for value in values {
		let deliveries = deal_one(value, identity, committee, &keys, kind, how)?;
		secrets.push(json!({ "commitment": hex0x(deliveries[0].commitment.as_bytes()), "id": hex0x(deliveries[0].secret().as_bytes()) }));
		for (mine, delivery) in per_member.iter_mut().zip(deliveries) {
			mine.push(delivery);
		}
	}
	let requests: Vec<Vec<Value>> = per_member
		.iter()
		.map(|mine| {
			let chunks = mine.chunks(MAX_SHARES_PER_REQUEST);
			chunks.map(|chunk| json!({ "body": hex0x(&WorkerRequest::Shares(chunk.to_vec()).encode()), "count": chunk.len() })).collect()
		})
		.collect();
	Ok(json!({ "requests": requests, "secrets": secrets }))
}

/// A member's answer to a `Shares` request of `count` deliveries: `null` for a share it kept,
/// the reason for one it refused; an error if it refused the whole request or answered for
/// another number of shares.
fn shares_accepted(arg: &Value) -> Answer {
	let count = u32_of(arg, "count")? as usize;
	match WorkerResponse::decode(&mut &bytes(arg, "answer")?[..]) {
		Ok(WorkerResponse::Shares(each)) if each.len() == count => Ok(Value::Array(each.into_iter().map(|r| r.err().map_or(Value::Null, Value::String)).collect())),
		Ok(WorkerResponse::Shares(each)) => Err(format!("an answer for {} shares, {count} delivered", each.len())),
		Ok(WorkerResponse::Refused(reason)) => Err(reason),
		Ok(other) => Err(format!("an unexpected {} answer", other.kind())),
		Err(e) => Err(format!("a malformed answer: {e}")),
	}
}

/// A fresh key for members to seal their answers to (kept by the requester until it has them).
fn reply_key() -> Value {
	let secret = x25519_dalek::StaticSecret::random_from_rng(rand::rngs::OsRng);
	json!({ "secret": hex0x(secret.as_bytes()), "public": hex0x(x25519_dalek::PublicKey::from(&secret).as_bytes()) })
}

/// Without a `signature`: the message to sign (sr25519, raw). With one: the request's body.
fn signed(arg: &Value, message: Vec<u8>, request: impl FnOnce([u8; 64]) -> WorkerRequest) -> Answer {
	match arg.get("signature") {
		None | Some(Value::Null) => Ok(json!({ "message": hex0x(&message) })),
		Some(signature) => Ok(json!({ "message": hex0x(&message), "request": hex0x(&request(to_array(signature, "signature")?).encode()) })),
	}
}

/// The value from the members' answers (in committee order: a body, or `{"error": ..}` for a
/// member that did not answer), each opened with the reply key the signed `message` named and
/// checked as sealed by that member's registered x25519 key (`keys`, in the same order).
fn reconstruct_value(arg: &Value) -> Answer {
	let (reply_secret, message) = (bytes32(arg, "replySecret")?, bytes(arg, "message")?);
	let keys: Vec<[u8; 32]> = field(arg, "keys")?.as_array().ok_or("`keys` is not a list")?.iter().map(|k| to_array(k, "keys")).collect::<Result<_, _>>()?;
	let shared = match field(arg, "shared")? {
		Value::String(s) if s == "computed" => Shared::Computed,
		Value::String(s) if s == "spdz-output" => Shared::SpdzOutput,
		dealt @ Value::Object(_) => {
			Shared::Dealt(Dealt { commitment: h256(dealt, "commitment")?, kind: kind_of(field(dealt, "kind")?)? })
		},
		other => return Err(format!("`shared` {other}: \"computed\", \"spdz-output\" or {{ commitment, kind }} of a dealt secret")),
	};
	let answers = field(arg, "answers")?.as_array().ok_or("`answers` is not a list")?;
	if answers.len() != keys.len() {
		return Err(format!("{} answers for {} members", answers.len(), keys.len()));
	}
	let answers = answers
		.iter()
		.zip(&keys)
		.map(|(answer, key)| match answer {
			Value::String(body) => {
				let body = from_hex(body, "answers")?;
				let answer = WorkerResponse::decode(&mut &body[..]).map_err(|e| format!("a malformed answer: {e}"))?;
				open_answer(&reply_secret, key, &message, answer)
			},
			other => Err(other.get("error").and_then(Value::as_str).unwrap_or("no answer").to_string()),
		})
		.collect();
	let names: Vec<String> = arg.get("names").and_then(Value::as_array).map(|n| n.iter().map(|v| v.as_str().unwrap_or("?").to_string()).collect()).unwrap_or_default();
	let back = reconstruct(answers, shared, &names)?;
	let left_out: Vec<Value> = back.left_out.into_iter().map(|(member, why)| json!({ "member": member, "why": why })).collect();
	Ok(json!({ "value": back.value.to_string(), "leftOut": left_out }))
}

/// A task's circuit as its members compile it (the contract's source from the chain, the
/// task's entry, public arguments, prices, block, requester and committee size): its gas, and
/// which outputs are public (on chain, in order), private (collected from the members) or kept
/// (the ledger, MPC secrets, DHT data).
fn compile_task(arg: &Value) -> Answer {
	let args = PublicArg::parse_json(arg.get("args").and_then(Value::as_str).unwrap_or_default()).map_err(|e| format!("args: {e}"))?;
	let prices = field(arg, "prices")?;
	let price = |name: &str| -> Result<u128, String> { decimal(field(prices, name)?, name) };
	let prices = Prices { add: price("add")?, mul: price("mul")?, open: price("open")?, input: price("input")?, round: price("round")? };
	let facts = ChainFacts { block: decimal(field(arg, "block")?, "block")? as u64, submitter: submitter_value(&bytes32(arg, "submitter")?), ..Default::default() };
	let committee = u32_of(arg, "committee")? as usize;
	let compiled = enigma_lang::compile_task(string(arg, "source")?, string(arg, "entry")?, &args, facts, &prices, committee).map_err(|d| format!("the contract does not compile: {}", d.message))?;
	let outputs: Vec<Value> = compiled
		.circuit
		.outputs
		.iter()
		.zip(&compiled.manifest.outputs)
		.enumerate()
		.map(|(index, (output, slot))| {
			let (visibility, party) = match (&output.to, &slot.target) {
				(_, OutputTarget::Ledger(_) | OutputTarget::Secret { .. } | OutputTarget::Mac(_)) => ("kept", None),
				(Recipient::Everyone, _) => ("public", None),
				(Recipient::Party(p), _) => ("private", Some(*p)),
			};
			json!({ "index": index, "name": output.name, "visibility": visibility, "party": party })
		})
		.collect();
	// Whose each of the task's inputs is (its secrets, in order: ledger values are no input), as
	// the members read them: the owner of a party's inputs is who may read that party's outputs.
	let input_parties: Vec<usize> = compiled
		.manifest
		.inputs
		.iter()
		.filter_map(|slot| match slot.source {
			InputSource::Party(p) => Some(p),
			InputSource::Secret(_) | InputSource::Data(_) => Some(0),
			InputSource::Ledger { .. } => None,
		})
		.collect();
	Ok(json!({
		"gas": compiled.manifest.gas.map_or(0, |g| g.total).to_string(),
		"spdz": compiled.manifest.security == Security::DishonestMajority,
		"outputs": outputs,
		"inputParties": input_parties,
		"manifest": serde_json::to_value(&compiled.manifest).map_err(|e| e.to_string())?,
	}))
}

/// A kind by name (`u64`, `bool`, `field`) or as the chain has it (`{"int": {"bits": 20}}`,
/// `"Field"`, as polkadot-js renders `ValueKind`).
fn kind_of(value: &Value) -> Result<ValueKind, String> {
	match value {
		Value::String(s) if s == "Field" => Ok(ValueKind::Field),
		Value::String(s) => parse_kind(s),
		Value::Object(o) => {
			let bits = o.get("int").or_else(|| o.get("Int")).and_then(|i| i.get("bits")).and_then(Value::as_u64).ok_or("a kind is a name or {\"int\": {\"bits\": n}}")?;
			let kind = ValueKind::Int { bits: u8::try_from(bits).map_err(|_| format!("{bits} bits"))? };
			kind.is_valid().then_some(kind).ok_or_else(|| format!("an integer of {bits} bits"))
		},
		other => Err(format!("kind {other}: a name or {{\"int\": {{\"bits\": n}}}}")),
	}
}

/// A record to store: `sealed` (what `sealData` made for `owner`) under its pointer, written by
/// `writer`. Without a `signature`: the pointer and the message to sign; with one, the request.
fn data_put_request(arg: &Value) -> Answer {
	let (owner, ciphertext, writer) = (bytes32(arg, "owner")?, bytes(arg, "sealed")?, bytes32(arg, "writer")?);
	let record = records::Record { owner, ciphertext, expires_at: 0 };
	let pointer = record.pointer();
	let message = records::put_message(&pointer, record.expires_at);
	let mut answer = signed(arg, message, |signature| WorkerRequest::DataPut(records::SignedPut { record, writer, signature }.encode()))?;
	answer["pointer"] = json!(hex0x(&pointer));
	Ok(answer)
}

/// A worker's answer to `DataPut` (how many hold the record) or `DataGet` (the record, sealed by
/// the worker (`member`, its x25519 key) to the reply key of the signed `message`, checked
/// against its `pointer` and its writer's signature, then opened with the data `key`).
fn data_answer(arg: &Value) -> Answer {
	let answer = WorkerResponse::decode(&mut &bytes(arg, "answer")?[..]).map_err(|e| format!("a malformed answer: {e}"));
	// A get (with a reply key) takes a record sealed to it, or a refusal: anything else (a
	// `Stored` count, say) would read as no data and no error.
	let answer = match (answer, arg.get("replySecret")) {
		(Ok(answer @ WorkerResponse::Sealed(_)), Some(_)) => open_answer(&bytes32(arg, "replySecret")?, &bytes32(arg, "member")?, &bytes(arg, "message")?, answer),
		(Ok(answer @ WorkerResponse::Refused(_)), _) => Ok(answer),
		(Ok(_), Some(_)) | (Ok(WorkerResponse::Data(_)), None) => Err("an answer that is not a record sealed to the reply key".to_string()),
		(answer, _) => answer,
	};
	match answer {
		Ok(WorkerResponse::Stored { holders }) => Ok(json!({ "holders": holders })),
		Ok(WorkerResponse::Data(put)) => {
			let put = records::SignedPut::decode(&mut &put[..]).map_err(|e| format!("a malformed record: {e}"))?;
			if put.record.pointer() != bytes32(arg, "pointer")? || !put.verify() {
				return Err("the record is not the one asked for, or its writer did not sign it".into());
			}
			// The record is the one the pointer names, signed by its writer: a key that does not
			// open it would not open another gateway's copy either (`wrongKey`, not an error).
			match data::open(&put.record.owner, &bytes32(arg, "key")?, &put.record.ciphertext) {
				Ok(plaintext) => Ok(json!({ "plaintext": hex0x(&plaintext), "owner": hex0x(&put.record.owner), "writer": hex0x(&put.writer) })),
				Err(e) => Ok(json!({ "wrongKey": e })),
			}
		},
		// The gateway's own words: what the caller makes of them is its choice, never a verdict
		// of this module's (a gateway can write anything in a refusal).
		Ok(WorkerResponse::Refused(reason)) => Ok(json!({ "refused": reason })),
		Ok(other) => Err(format!("an unexpected {} answer", other.kind())),
		Err(e) => Err(e),
	}
}

/// A whole number given as a JSON number or a decimal string (for values above 2^53).
fn decimal(value: &Value, name: &str) -> Result<u128, String> {
	match value {
		Value::String(s) => s.parse().map_err(|e| format!("`{name}` {s}: {e}")),
		Value::Number(n) => n.as_u64().map(u128::from).ok_or_else(|| format!("`{name}` {n} is not a whole number")),
		other => Err(format!("`{name}` {other} is not a number")),
	}
}

fn field<'a>(arg: &'a Value, name: &str) -> Result<&'a Value, String> {
	arg.get(name).ok_or_else(|| format!("`{name}` is missing"))
}

fn string<'a>(arg: &'a Value, name: &str) -> Result<&'a str, String> {
	field(arg, name)?.as_str().ok_or_else(|| format!("`{name}` is not a string"))
}

fn u32_of(arg: &Value, name: &str) -> Result<u32, String> {
	field(arg, name)?.as_u64().and_then(|v| u32::try_from(v).ok()).ok_or_else(|| format!("`{name}` is not a 32-bit number"))
}

fn from_hex(text: &str, name: &str) -> Result<Vec<u8>, String> {
	hex::decode(text.strip_prefix("0x").unwrap_or(text)).map_err(|e| format!("`{name}` is not hex: {e}"))
}

fn bytes(arg: &Value, name: &str) -> Result<Vec<u8>, String> {
	from_hex(string(arg, name)?, name)
}

fn to_array<const N: usize>(value: &Value, name: &str) -> Result<[u8; N], String> {
	let text = value.as_str().ok_or_else(|| format!("`{name}` is not a hex string"))?;
	from_hex(text, name)?.try_into().map_err(|_| format!("`{name}` is not {N} bytes"))
}

fn bytes32(arg: &Value, name: &str) -> Result<[u8; 32], String> {
	to_array(field(arg, name)?, name)
}

fn h256(arg: &Value, name: &str) -> Result<H256, String> {
	bytes32(arg, name).map(H256)
}

fn hex0x(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}
