//! Messages between clients and workers, over the DHT's `/enigma/app/1` protocol or a worker's
//! HTTP gateway (`POST /app`, for browsers): the same SCALE bytes either way.
//!
//! - A data owner's client Shamir-shares a value with a committee and sends each member its share
//!   sealed to the member's published x25519 key ([`ShareDelivery`]), then registers the secret on
//!   chain with the commitment to those sealed shares. Each member checks its share against the
//!   commitment before it stores it, and acknowledges on chain once the secret is registered.
//! - A party of a task collects its private outputs: each member hands its share of the output
//!   to a request signed by an account with Read permission on that party's identity
//!   ([`WorkerRequest::Output`]); the party reconstructs the value from the shares.
//! - An owner declassifies a secret the same way ([`WorkerRequest::Declassify`]), once the chain
//!   took its `declassify` call: the chain checks the Declassify permission (co-signers of a
//!   k-of-n grant included, their consent used up) and records the request, so every
//!   declassification is on chain and members hand out shares only against it.

use crate::{ValueKind, H256};
use blake2::{digest::consts::U32, Blake2b, Digest};
use codec::{Decode, Encode};

/// An sr25519 account, as the chain encodes `AccountId32`.
pub type AccountId = [u8; 32];

/// Finalized blocks after the block of its `declassify` call during which members hand a
/// requester its shares (ten minutes of six-second blocks); later it asks the chain again.
pub const DECLASSIFY_WINDOW: u32 = 100;

fn blake2_256(bytes: &[u8]) -> H256 {
	H256(Blake2b::<U32>::digest(bytes).into())
}

/// The chain's id of a registered secret (`pallet-secret-compute`).
pub fn secret_id(identity: H256, committee: u32, commitment: H256) -> H256 {
	blake2_256(&(identity, committee, commitment).encode())
}

/// Commitment to a sharing, registered on chain: the hash of the dealer's Pedersen commitments
/// and of the sealed shares' hashes, in committee order. Every member derives the secret's id
/// from it, so members handed different commitments acknowledge different secrets and none
/// becomes ready.
pub fn commitment(pedersen: &[u8], share_hashes: &[H256]) -> H256 {
	let hashes: Vec<[u8; 32]> = share_hashes.iter().map(|h| h.0).collect();
	H256(enigma_primitives::sharing_commitment(pedersen, &hashes))
}

pub fn share_hash(sealed: &[u8]) -> H256 {
	blake2_256(sealed)
}

/// What a sealed share is bound to (its associated data).
pub fn share_context(identity: H256, committee: u32, index: u32) -> Vec<u8> {
	(b"enigma/share/v1", identity, committee, index).encode()
}

/// What `submitter()` returns in a contract: the first 16 bytes of the requester's account id,
/// read as a big-endian `u128`.
pub fn submitter_value(account: &AccountId) -> u128 {
	u128::from_be_bytes(account[..16].try_into().expect("16 bytes"))
}

/// The bits a value of `kind` is shared with (`None` for a field element).
pub fn share_bits(kind: ValueKind) -> Option<u32> {
	match kind {
		ValueKind::Int { bits } => Some(bits.into()),
		ValueKind::Field => None,
	}
}

/// Field elements a member holds per secret of `kind`: the value, and the bits of an integer
/// (which let every task check the value's range without opening it).
pub fn share_width(kind: ValueKind) -> usize {
	match kind {
		ValueKind::Int { bits } => 1 + bits as usize,
		ValueKind::Field => 1,
	}
}

fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the owner signs to get a member's share of a secret back (declassify), once the chain
/// took its `declassify` call in block `at`. It names the x25519 key the member seals its answer
/// to ([`WorkerResponse::Sealed`]), so the request is worth nothing to whoever reads it on the
/// way (plain HTTP from a browser, say) or replays it to another member. Plain text, so that a
/// browser wallet asked to sign it shows the user what it releases.
pub fn declassify_message(secret: H256, at: H256, reply_to: &[u8; 32]) -> Vec<u8> {
	format!("Enigma: release my shares of secret 0x{}, declassified in block 0x{}, sealed to my key 0x{}", hex(secret.as_bytes()), hex(at.as_bytes()), hex(reply_to))
		.into_bytes()
}

/// What a party signs to collect an output; sealed to `reply_to` like a declassification.
pub fn output_message(task: H256, output: u32, reply_to: &[u8; 32]) -> Vec<u8> {
	format!("Enigma: release output {output} of task 0x{}, sealed to my key 0x{}", hex(task.as_bytes()), hex(reply_to)).into_bytes()
}

/// What a browser wallet (polkadot-js extension, Talisman, SubWallet) signs when a page asks
/// it to sign `message`: the bytes wrapped in `<Bytes>`..`</Bytes>`, which no transaction
/// starts with. Members take a signature over either form.
pub fn wallet_wrapped(message: &[u8]) -> Vec<u8> {
	[b"<Bytes>".as_slice(), message, b"</Bytes>"].concat()
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct ShareDelivery {
	pub identity: H256,
	pub committee: u32,
	pub commitment: H256,
	/// The member's position in the committee (its Shamir point is index + 1).
	pub index: u32,
	/// What the value is: the member holds [`share_width`] field elements of it (the value's
	/// share, then its bits' shares, least significant first).
	pub kind: ValueKind,
	/// The dealer's Pedersen commitments to the sharing polynomials (t + 1 points committing to
	/// the bits' vector, or the field element, and the blinding polynomial; the layout of
	/// `enigma_mpc::committed_input`): the member checks its share against them.
	pub pedersen: Vec<u8>,
	pub share_hashes: Vec<H256>,
	/// The share, sealed to the member's x25519 key under [`share_context`]: its
	/// [`share_width`] values, then the Pedersen blind.
	pub sealed: Vec<u8>,
	/// For a dishonest majority, the owner's proof that its MAC is its key times what it dealt
	/// (`enigma_mpc::mac_proof`, on `pedersen`'s constant term): every member checks it before it
	/// holds the share. Empty for an honest majority.
	pub mac_proof: Vec<u8>,
}

impl ShareDelivery {
	pub fn secret(&self) -> H256 {
		secret_id(self.identity, self.committee, self.commitment)
	}
}

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum WorkerRequest {
	/// Shares of many secrets for this member (at most [`MAX_SHARES_PER_REQUEST`]), answered
	/// by [`WorkerResponse::Shares`]. (Index 14: index 5 carried no proof of an owner's MAC and
	/// index 0 one share of an older format, which a member now refuses as malformed rather
	/// than misreads.)
	#[codec(index = 14)]
	Shares(Vec<ShareDelivery>),
	/// This member's share of output `output` of `task`, for `who` (sr25519 signature over
	/// [`output_message`]), sealed to `reply_to`. (Index 6: index 1 carried no reply key.)
	#[codec(index = 6)]
	Output { task: H256, output: u32, who: AccountId, reply_to: [u8; 32], signature: [u8; 64] },
	/// This member's share of `secret`, for `who`, whose `declassify` call the chain took in the
	/// finalized block `at`, at most [`DECLASSIFY_WINDOW`] blocks ago (sr25519 signature over
	/// [`declassify_message`]), sealed to `reply_to`. (Index 7: index 2 carried no reply key.)
	#[codec(index = 7)]
	Declassify { secret: H256, who: AccountId, at: H256, reply_to: [u8; 32], signature: [u8; 64] },
	/// Are you there? (Committee members ask each other before continuing without someone.)
	#[codec(index = 3)]
	Ping,
	/// Which members of `task`'s committee (by index) sent you frames you could not decode?
	#[codec(index = 4)]
	Blame { task: H256 },
	/// Store this record in the DHT through this worker (for a browser, which cannot reach the
	/// DHT): an encoded [`crate::records::SignedPut`], signed by its writer; the holders check the
	/// signature and the chain's permissions as for any put. Answered by [`WorkerResponse::Stored`].
	#[codec(index = 8)]
	DataPut(Vec<u8>),
	/// Fetch the record under `key` through this worker for `reader`, who signed
	/// [`crate::records::get_message`]`(key, this worker's peer id, signed_at, reply_to)`: the
	/// holders check the reader's Read permission, the signature serves this worker only, for a
	/// couple of minutes, and the answer is [`WorkerResponse::Data`] sealed to `reply_to` (as
	/// [`seal_answer`] seals shares), so a replayed request gets nothing anyone else can open.
	#[codec(index = 9)]
	DataGet { key: [u8; 32], reader: AccountId, signed_at: u64, reply_to: [u8; 32], signature: [u8; 64] },
	/// A new member (at `member` in the new committee) asks an old member for its dealings of
	/// `secrets`' shares in the handovers the chain named (proactive resharing; at most 128).
	/// Answered by [`WorkerResponse::Handovers`]; anyone may ask, only that new member can open
	/// the shares.
	#[codec(index = 10)]
	Handover { secrets: Vec<H256>, member: u32 },
	/// The audit transcript of a completed dishonest-majority `task`, from byte `from` on:
	/// public, so anyone may ask. Answered by [`WorkerResponse::Transcript`], at most
	/// [`TRANSCRIPT_CHUNK`] bytes at a time.
	#[codec(index = 11)]
	Transcript { task: H256, from: u64 },
	/// How far are you with `task`? A member ready to run asks the others before the run with
	/// everyone, so that one slower to prepare (its node restarting, say) is waited for rather
	/// than left out. Answered by [`WorkerResponse::Readiness`]. (Index 13: index 12 asked a
	/// yes-or-no question whose answer would decode as another readiness.)
	#[codec(index = 13)]
	Readiness { task: H256 },
}

/// The most bytes of a transcript one answer carries: a worker keeps transcripts in pieces of
/// this size and reads one per answer (an application frame holds 16 MiB).
pub const TRANSCRIPT_CHUNK: usize = 1 << 20;

#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub enum WorkerResponse {
	Accepted,
	/// A member's share of an output or of a declassified secret, as the MPC engine encodes a
	/// field element.
	OutputShare(Vec<u8>),
	Refused(String),
	/// The committee members (by index) this member blames for a task, each with the proof it
	/// holds, if any: an encoded `MisbehaviourProof` of the compute pallet, which the asker checks
	/// as the chain would (an accusation without one counts only for the accuser).
	Blamed(Vec<(u32, Vec<u8>)>),
	/// A member's share of a secret a client dealt (its values then the blind), with the dealer's
	/// Pedersen commitments and the sealed shares' hashes: the requester checks them against the
	/// secret's registered commitment and the share against them, so a member that hands out a
	/// false share is named and left out.
	DealtShare { share: Vec<u8>, pedersen: Vec<u8>, share_hashes: Vec<H256> },
	/// Per delivered share, in order: kept, or refused and why.
	Shares(Vec<Result<(), String>>),
	/// The answer to an [`WorkerRequest::Output`] or [`WorkerRequest::Declassify`] (an
	/// `OutputShare` or a `DealtShare`, encoded), sealed by the member to the request's
	/// `reply_to` key under the message its requester signed: see [`seal_answer`].
	Sealed(Vec<u8>),
	/// A record stored: on how many holders.
	Stored { holders: u32 },
	/// A record found: the encoded [`crate::records::SignedPut`] (its ciphertext, which only the
	/// data key opens); it travels [`WorkerResponse::Sealed`].
	Data(Vec<u8>),
	/// Per secret asked for in a [`WorkerRequest::Handover`], in order: the old member's dealing,
	/// or why not.
	Handovers(Vec<Result<HandoverDealt, String>>),
	/// Part of a task's audit transcript: its size in all, and the bytes from where asked.
	Transcript { total: u64, chunk: Vec<u8> },
	/// How far this member is with the task asked about.
	Readiness(Readiness),
}

/// How far a member is with a task, before its run with everyone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Encode, Decode)]
pub enum Readiness {
	/// Compiling it, gathering its inputs, or not seen yet: the others wait for it.
	Preparing,
	/// Ready, waiting for members that prepare it.
	Waiting,
	/// Gone ahead (running, done, or given up): nobody waits any more. Members that still wait
	/// for a third follow as soon as they hear it, so that a member telling some "preparing" and
	/// others not cannot keep honest ones out of the others' run (beyond a poll's lag).
	Going,
}

/// An old member's dealing of its share of a secret to a new committee: the old sharing's
/// Pedersen commitments and share hashes (which hash to the secret's registered commitment), the
/// dealing's commitments (whose hash the old member posted on chain), and the asking member's
/// share of the dealing (its values then its blind), sealed from the old member's registered
/// x25519 key to the new member's under [`handover_context`], and signed.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct HandoverDealt {
	pub old_pedersen: Vec<u8>,
	pub old_share_hashes: Vec<H256>,
	pub commitments: Vec<u8>,
	pub sealed: Vec<u8>,
	/// The old member's ed25519 signature (its registered libp2p key) on the share inside
	/// `sealed` (`enigma_primitives::handover_share_digest`), which the new member can show the
	/// chain if the share is off the dealing.
	pub signature: Vec<u8>,
}

/// What an old member's dealing of `secret` to new member `member` of committee `to` is sealed
/// under, from old member `dealer` (its position in the old committee).
pub fn handover_context(secret: H256, to: u32, member: u32, dealer: u32) -> Vec<u8> {
	(b"enigma/handover/v1", secret, to, member, dealer).encode()
}

/// The hash of a handover dealing's commitments, which its dealer posts on chain
/// (`deal_handovers`) so that every new member checks the same ones.
pub fn dealing_hash(commitments: &[u8]) -> H256 {
	H256(enigma_primitives::dealing_hash(commitments))
}

/// Seals `answer` as from `member` (its x25519 key, registered on chain) to the key a signed
/// request named, bound to that request's signed message; an error if that key is a low-order
/// point (an answer sealed to it could be read by anyone).
pub fn seal_answer(member: &x25519_dalek::StaticSecret, reply_to: &[u8; 32], signed_message: &[u8], answer: &WorkerResponse) -> Result<WorkerResponse, String> {
	crate::sealed::seal_from(member, reply_to, signed_message, &answer.encode()).map(WorkerResponse::Sealed).ok_or_else(|| "the reply key is not a usable x25519 key".into())
}

/// What a requester reads in the answer of the member whose registered x25519 key is `member`:
/// a [`WorkerResponse::Sealed`] share (or record) that member sealed to the reply key, or its
/// refusal. Any other answer is an error: a share that is not sealed by the member could come
/// from anyone on the way. (The requester, who holds the reply key, could make such an answer
/// itself: a share named false stays the requester's business, never evidence against a member.)
pub fn open_answer(reply_secret: &[u8; 32], member: &[u8; 32], signed_message: &[u8], answer: WorkerResponse) -> Result<WorkerResponse, String> {
	let sealed = match answer {
		WorkerResponse::Sealed(sealed) => sealed,
		WorkerResponse::Refused(reason) => return Ok(WorkerResponse::Refused(reason)),
		other => return Err(format!("an unsealed {} answer", other.kind())),
	};
	let secret = x25519_dalek::StaticSecret::from(*reply_secret);
	let plain = crate::sealed::open_from(&secret, member, signed_message, &sealed).ok_or("an answer not sealed by this member to the reply key")?;
	match WorkerResponse::decode(&mut &plain[..]) {
		Ok(share @ (WorkerResponse::OutputShare(_) | WorkerResponse::DealtShare { .. } | WorkerResponse::Data(_))) => Ok(share),
		_ => Err("a malformed sealed answer".into()),
	}
}

impl WorkerResponse {
	/// The variant's name, for errors (never the shares it may carry).
	pub fn kind(&self) -> &'static str {
		match self {
			WorkerResponse::Accepted => "Accepted",
			WorkerResponse::OutputShare(_) => "OutputShare",
			WorkerResponse::Refused(_) => "Refused",
			WorkerResponse::Blamed(_) => "Blamed",
			WorkerResponse::DealtShare { .. } => "DealtShare",
			WorkerResponse::Shares(_) => "Shares",
			WorkerResponse::Sealed(_) => "Sealed",
			WorkerResponse::Stored { .. } => "Stored",
			WorkerResponse::Data(_) => "Data",
			WorkerResponse::Handovers(_) => "Handovers",
			WorkerResponse::Transcript { .. } => "Transcript",
			WorkerResponse::Readiness(_) => "Readiness",
		}
	}
}

/// How a member's refusal ends when it holds as many shares of an identity (or in all) as it
/// keeps waiting for registration. Deliveries are not signed, so anyone can fill that room;
/// what nobody but an account with Store on the identity can do is register the secrets, and a
/// member takes the shares of registered secrets whatever it holds. A client that reads this
/// registers the batch first, then delivers it again.
pub const REGISTER_FIRST: &str = "register the secrets first, then deliver their shares again";

/// Deliveries per [`WorkerRequest::Shares`]: each costs the member the parsing of its
/// commitments and its part of one multi-scalar multiplication (about 0.2 ms), so a request
/// stays well inside the request timeout, and inside the 16 MiB frame (a 64-bit integer's
/// delivery is ~2.5 KB in a committee of four).
pub const MAX_SHARES_PER_REQUEST: usize = 256;

/// Committees, and identities, that one [`WorkerRequest::Shares`] may name: each costs the
/// member a read of the chain before any share is checked, so a request naming hundreds would
/// have it flood its RPC node (the one it commits and reveals through). A client delivers one
/// registration's shares at a time: one committee, one identity.
pub const MAX_LOOKUPS_PER_DELIVERY: usize = 4;
