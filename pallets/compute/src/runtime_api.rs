//! What workers and clients read without touching raw storage.

use crate::{PriceTable, Security, TaskStatus, ValueKind};
use alloc::vec::Vec;
use codec::{Codec, Decode, Encode};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::Debug;

/// A task as workers see it.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct TaskView<AccountId, Balance, BlockNumber> {
	pub requester: AccountId,
	pub contract: H256,
	pub entry: Vec<u8>,
	pub inputs: Vec<H256>,
	pub public_args: Vec<u8>,
	pub committee: u32,
	pub members: Vec<AccountId>,
	pub gas_limit: Balance,
	pub created: BlockNumber,
	pub deadline: BlockNumber,
	pub status: TaskStatus,
	/// Members reveal their results now: a reveal sent at this block lands where reveals are
	/// open (commitments closed).
	pub reveal_open: bool,
	/// Once the task completed: the transcript root of the run its committee agreed on (a
	/// member that completed several runs hands out that run's shares).
	pub result_root: Option<H256>,
	/// The gas prices at the task's creation, at which its members price its circuit.
	pub prices: PriceTable<Balance>,
	/// What the contract's header asks for, as the chain read it at registration: under a
	/// dishonest majority every member must agree on the result.
	pub security: Security,
}

/// A registered secret.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct SecretView<AccountId> {
	pub owner: H256,
	pub committee: u32,
	pub members: Vec<AccountId>,
	pub commitment: H256,
	pub kind: ValueKind,
	/// The contract and `MPC` key of a secret a task created.
	pub origin: Option<(H256, u64)>,
	/// The members that acknowledged their shares, in the order they did.
	pub acks: Vec<AccountId>,
	pub ready: bool,
	/// What its owner shared it for (a task of the other security refuses it).
	pub security: Security,
}

/// A handover a worker has a part in, as [`SecretComputeApi::handovers`] lists it.
#[derive(Encode, Decode, Clone, PartialEq, Eq, Debug, TypeInfo)]
pub struct HandoverView {
	pub secret: H256,
	pub from: u32,
	pub to: u32,
	/// The current set's round, and its dealers (old positions) once t + 1 dealt.
	pub round: u32,
	pub dealers: Option<Vec<u32>>,
	/// The worker is an old member whose dealing the chain has not taken yet.
	pub to_deal: bool,
	/// The worker is a new member that has not taken the current set yet (once it is named).
	pub to_take: bool,
}

sp_api::decl_runtime_apis! {
	/// Version 2: `TaskView` and `SecretView` carry their security (a worker or client of
	/// version 1 would misread them). Version 3: `handovers`.
	#[api_version(3)]
	pub trait SecretComputeApi<AccountId: Codec, Balance: Codec, BlockNumber: Codec> {
		/// Gas prices per operation, to quote a compiled contract exactly.
		fn price_table() -> PriceTable<Balance>;
		/// Pending tasks whose committee includes `worker`.
		fn assignments(worker: AccountId) -> Vec<H256>;
		fn task(task: H256) -> Option<TaskView<AccountId, Balance, BlockNumber>>;
		fn secret(secret: H256) -> Option<SecretView<AccountId>>;
		/// Many secrets in one call (a worker acknowledging a batch, a client waiting for a
		/// dataset to be ready), in the order asked.
		fn secrets(secrets: Vec<H256>) -> Vec<Option<SecretView<AccountId>>>;
		fn committee(id: u32) -> Option<Vec<AccountId>>;
		/// The contract's code, by hash.
		fn contract(hash: H256) -> Option<Vec<u8>>;
		/// `L.get(key, at)` of a contract.
		fn ledger_get(contract: H256, key: u64, at: BlockNumber) -> Option<u128>;
		/// What co-members co-sign (`SharedIdentity::cosign`) so that a k-of-n grant lets
		/// `requester` run this task.
		fn task_request(requester: AccountId, contract: H256, entry: Vec<u8>, inputs: Vec<H256>, public_args: Vec<u8>) -> H256;
		/// What co-members co-sign so that a k-of-n grant lets `requester` declassify `secret`.
		fn declassify_request(requester: AccountId, secret: H256) -> H256;
		/// The handovers waiting for `worker` to deal or to take (a worker that missed their
		/// events, down or behind, resumes them from this).
		#[api_version(3)]
		fn handovers(worker: AccountId) -> Vec<HandoverView>;
	}
}
