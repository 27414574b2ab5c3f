//! The interface every protocol offers, so that the non-linear building blocks and the circuit
//! executor are written once and run over Shamir (honest majority) and SPDZ (dishonest
//! majority) alike. Every interactive call is batched: one call, one communication round.

use crate::error::{MpcError, Result};
use crate::field::MpcField;

/// A client-shared input as a committee member holds it: its share of the value and, for an
/// integer input, its shares of the value's bits (least significant first), which the client
/// shares along so that the committee can check the value's range without opening it. `bits`
/// is empty for values whose width is known otherwise (a value an earlier task computed, whose
/// width the chain recorded) and for field elements and public values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldInput<F> {
	pub value: F,
	pub bits: Vec<F>,
	/// The client's MAC, for inputs shared for a dishonest majority ([`ClientMac`]).
	pub mac: Option<ClientMac<F>>,
	/// For an input an owner dealt with Pedersen VSS for a dishonest majority: what binds the
	/// member's share to the dealing, so that it can prove what it enters is that share.
	pub vss: Option<HeldVss<F>>,
}

/// The dealing a held input came from ([`crate::committed_input::deal_tagged`]): its public
/// commitments (the bytes every member holds and the chain's record of the secret binds), the
/// member's blind r(x_i), and how many elements the owner dealt (an input widened to a larger
/// slot enters more, all zero: [`HeldInput::widened`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HeldVss<F> {
	pub commitments: Vec<u8>,
	pub blind: F,
	pub dealt: usize,
}

impl<F> HeldInput<F> {
	/// A held value that brings no bits.
	pub fn plain(value: F) -> Self {
		Self { value, bits: Vec::new(), mac: None, vss: None }
	}
}

impl<F: MpcField> HeldInput<F> {
	/// The input as a `bits`-bit slot takes it: an integer shared with fewer bits gets zero bits
	/// on top (its value is below 2^brought, so its high bits are 0). Every member's share of
	/// 0 is 0 under any linear sharing, and so is its tag k·0 under the client's MAC, so the
	/// range check and the MAC check run on the widened input as they would on one dealt wide.
	/// An input that brought no bits is returned as it is; one with more bits than the slot is
	/// refused (its range would not be proven).
	pub fn widened(mut self, bits: u32) -> Result<Self> {
		let (brought, wanted) = (self.bits.len(), bits as usize);
		if brought == 0 || brought == wanted {
			return Ok(self);
		}
		if brought > wanted {
			return Err(MpcError::InvalidCircuit(format!("an input with {brought} bits does not fit a {bits}-bit slot")));
		}
		self.bits.resize(wanted, F::zero());
		if let Some(mac) = &mut self.mac {
			// The tags are the bits' then the key's: the new bits' zero tags go before the key's.
			let Some(key_tag) = mac.tags.pop() else {
				return Err(MpcError::InvalidParameters("an input's client MAC has no tags".into()));
			};
			mac.tags.resize(wanted, F::zero());
			mac.tags.push(key_tag);
		}
		Ok(self)
	}

	/// The input as a field slot takes it: an integer's bits are not needed there (its range
	/// does not matter to a field element) and are dropped, unless the owner's MAC covers them
	/// (dealt for a dishonest majority, the value is rebuilt from its bits): that is refused.
	pub fn as_field(mut self) -> Result<Self> {
		if !self.bits.is_empty() && self.mac.is_some() {
			return Err(MpcError::InvalidCircuit("an integer shared for a dishonest majority fills integer slots only".into()));
		}
		self.bits.clear();
		Ok(self)
	}
}

/// An information-theoretic MAC the owner deals along with an input it shares for a dishonest
/// majority: a random key k, k·e for each element e it dealt (the bits, or the value of an
/// input without bits) and k·k, all shared with degree n − 1 like the input. A member that
/// brings a share other than its own into the computation must change the tag by k times its
/// change, and k is hidden from it as long as one member is honest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientMac<F> {
	pub key: F,
	/// k·e for each dealt element, then k·k.
	pub tags: Vec<F>,
}

/// The values and bits of inputs that carry no client MAC, flattened in [`Mpc::adopt`]'s order.
/// A MAC'd input was shared with degree n − 1 for SPDZ: an honest-majority protocol, which
/// takes degree-t shares, would compute garbage on it, so it refuses.
pub fn plain_values<F: Copy>(held: &[&HeldInput<F>]) -> Result<Vec<F>> {
	if held.iter().any(|h| h.mac.is_some()) {
		return Err(MpcError::InvalidParameters("an input shared for a dishonest majority (with a client MAC) cannot run under an honest-majority protocol".into()));
	}
	Ok(held.iter().flat_map(|h| std::iter::once(h.value).chain(h.bits.iter().copied())).collect())
}

/// Communication figures of one party.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
	pub bytes_sent: u64,
	pub messages_sent: u64,
	pub rounds: u64,
}

/// The randomness a run will consume, drawn ahead by [`Mpc::reserve`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Demand {
	/// Secret multiplications, those inside non-linear operations included.
	pub muls: usize,
	/// Values that enter the protocol from outside it (inputs, adopted shares, dealt bits): a
	/// protocol that authenticates them spends a degree reduction on each.
	pub entering: usize,
	/// Dealt random bits, which a protocol facing malicious dealers proves are bits (a square
	/// each) before use.
	pub dealt_bits: usize,
	/// Integrity checks ([`Mpc::check`]) with something to verify.
	pub checks: usize,
	/// Explicit [`Mpc::coin`]s.
	pub coins: usize,
}

pub trait Mpc {
	type F: MpcField;
	/// One party's share of one secret value.
	type Share: Copy + Clone + core::fmt::Debug + Send + Sync;

	fn party(&self) -> usize;
	fn parties(&self) -> usize;

	// Local operations: no communication.
	fn add(&self, a: Self::Share, b: Self::Share) -> Self::Share;
	fn sub(&self, a: Self::Share, b: Self::Share) -> Self::Share;
	fn scale(&self, a: Self::Share, c: Self::F) -> Self::Share;
	fn add_const(&self, a: Self::Share, c: Self::F) -> Self::Share;
	/// A sharing of a public constant.
	fn constant(&self, c: Self::F) -> Self::Share;

	/// Secret-share `count` values held by `owner` (`values` is `Some` only at the owner).
	fn input(&mut self, owner: usize, values: Option<&[Self::F]>, count: usize) -> Result<Vec<Self::Share>>;
	/// Every party's inputs at once (`counts[p]` values of party p; `mine` are ours):
	/// `result[p]` are the shares of party p's. The default takes one [`Self::input`] per party
	/// with inputs; protocols that can take them all in one round do.
	fn inputs(&mut self, mine: &[Self::F], counts: &[usize]) -> Result<Vec<Vec<Self::Share>>> {
		let me = self.party();
		(0..counts.len())
			.map(|owner| match counts[owner] {
				0 => Ok(Vec::new()),
				count => self.input(owner, (owner == me).then_some(mine), count),
			})
			.collect()
	}
	/// Element-wise products, all in one round (SPDZ may check its pending openings too).
	fn mul(&mut self, a: &[Self::Share], b: &[Self::Share]) -> Result<Vec<Self::Share>>;
	/// Inner products Σ a_k·b_k of each pair of equal-length vectors, in one round. Protocols
	/// that can reduce a sum of products at once override this.
	fn inner_products(&mut self, pairs: &[(Vec<Self::Share>, Vec<Self::Share>)]) -> Result<Vec<Self::Share>> {
		let a: Vec<Self::Share> = pairs.iter().flat_map(|(a, _)| a.iter().copied()).collect();
		let b: Vec<Self::Share> = pairs.iter().flat_map(|(_, b)| b.iter().copied()).collect();
		let products = self.mul(&a, &b)?;
		let mut at = 0;
		Ok(pairs
			.iter()
			.map(|(a, _)| {
				let sum = products[at..at + a.len()].iter().fold(self.constant(Self::F::from(0u64)), |acc, p| self.add(acc, *p));
				at += a.len();
				sum
			})
			.collect())
	}
	/// Reveal the values to every party.
	fn open(&mut self, a: &[Self::Share]) -> Result<Vec<Self::F>>;
	/// [`Self::mul`], then a [`Self::coin`] drawn once the products are verified
	/// ([`Self::check`]): a check whose coefficients come from it binds values fixed before.
	/// Semi-honest protocols open the coin in the multiplication's round (their parties do not
	/// choose messages after seeing it; what is checked, inputs, was fixed before).
	fn mul_then_coin(&mut self, a: &[Self::Share], b: &[Self::Share]) -> Result<(Vec<Self::Share>, [u8; 32])> {
		let products = if a.is_empty() { Vec::new() } else { self.mul(a, b)? };
		self.check()?;
		Ok((products, self.coin()?))
	}
	/// [`Self::open`] `opened` (verified by [`Self::check`] before anything else is), then
	/// [`Self::mul`] `a` by `b`. Semi-honest protocols do both in one round, the opened shares
	/// riding with the multiplication's messages: for operands whose products reveal nothing
	/// whatever `opened` turns out to be (a multiplication opens only masked values).
	fn open_then_mul(&mut self, opened: &[Self::Share], a: &[Self::Share], b: &[Self::Share]) -> Result<(Vec<Self::F>, Vec<Self::Share>)> {
		let values = self.open(opened)?;
		self.check()?;
		let products = if a.is_empty() { Vec::new() } else { self.mul(a, b)? };
		Ok((values, products))
	}
	/// `count` uniformly random shared values nobody knows.
	fn random(&mut self, count: usize) -> Result<Vec<Self::Share>>;
	/// Reveal the values to party `to` only; it gets `Some`, the others `None`.
	fn output_to(&mut self, to: usize, a: &[Self::Share]) -> Result<Option<Vec<Self::F>>>;
	/// Run the protocol's pending integrity checks (MAC check, multiplication check). Values
	/// opened before a successful check must not be trusted; outputs call it first.
	fn check(&mut self) -> Result<()>;
	fn stats(&self) -> Stats;

	/// `count` shared uniformly random bits nobody knows. The default opens the square of a
	/// random value ([`crate::nonlinear::square_root_bits`]); protocols with a cheaper source
	/// override it.
	fn random_bits(&mut self, count: usize) -> Result<Vec<Self::Share>>
	where
		Self: Sized,
	{
		crate::nonlinear::square_root_bits(self, count)
	}

	/// `count` shared random bits dealt by the parties and combined, and whether they must still
	/// be proven to be bits ([`crate::nonlinear::check_ranges`]) before anyone uses them. `None`
	/// for protocols without such a source: their [`Self::random_bits`] makes its own.
	fn deal_bits(&mut self, count: usize) -> Result<Option<(Vec<Self::Share>, bool)>> {
		let _ = count;
		Ok(None)
	}

	/// Keep bits from [`Self::deal_bits`] (verified where they had to be) for the next
	/// [`Self::random_bits`] calls: a run deals every bit it needs at once, up front.
	fn stock_bits(&mut self, bits: Vec<Self::Share>) {
		let _ = bits;
	}

	/// Draw now, in one round, the randomness `demand` will consume (DN07's double sharings, the
	/// coins' random sharings): none of it depends on any input, and drawn on the spot it costs
	/// every multiplication layer and every check a round of its own. An underestimate costs a
	/// round where the stock runs out, nothing else; protocols cap the stock (a run's frames and
	/// memory stay bounded) and draw the rest when it is used. The default draws nothing.
	fn reserve(&mut self, demand: Demand) -> Result<()> {
		let _ = demand;
		Ok(())
	}

	/// How a run starts: [`Self::agree`] on `digest`, then [`Self::reserve`] `demand`.
	/// Protocols that can draw in the agreement's round do (the draw depends on no input).
	fn start(&mut self, digest: &[u8; 32], demand: Demand) -> Result<()> {
		self.agree(digest)?;
		self.reserve(demand)
	}

	/// A fresh 32-byte seed no party controls (nor can predict before the call).
	fn coin(&mut self) -> Result<[u8; 32]>;

	/// A digest of every value the run opened to all parties so far, in order: the same at
	/// every honest party, unknown to anyone outside the run (masked openings and coins are fresh
	/// randomness), so a result that carries it was computed, not predicted. `None` for a
	/// protocol that does not keep one.
	fn opened_digest(&self) -> Option<[u8; 32]> {
		None
	}

	/// A test harness's view of a shared value in the clear, so that the building blocks can
	/// assert the bounds they rely on (see [`crate::nonlinear`]). Real protocols see nothing.
	fn audit(&self, share: &Self::Share) -> Option<Self::F> {
		let _ = share;
		None
	}

	/// One round in which every party shows the others `digest` (of the circuit it is about to
	/// run, say); a party that shows another value ends the run with
	/// [`crate::MpcError::Disagreement`] naming it, before any secret is touched.
	fn agree(&mut self, digest: &[u8; 32]) -> Result<()>;

	/// Take inputs a client already shared with the committee (each party holds its point's
	/// share) as protocol shares: for each held input its value, then its bits, flattened. The
	/// honest-majority protocols take Shamir shares of their degree as they are
	/// ([`plain_values`]); SPDZ takes sharings of degree n − 1 that carry a client MAC and checks
	/// them ([`crate::spdz`]).
	fn adopt(&mut self, held: &[&HeldInput<Self::F>]) -> Result<Vec<Self::Share>> {
		let _ = held;
		Err(crate::error::MpcError::InvalidParameters("this protocol cannot adopt client-shared values".into()))
	}

	/// What a recipient outside the committee needs, besides the members' shares of its private
	/// outputs, to know that no member altered its share: for each value y, this party's shares
	/// of a random r, of r·y and of r·r. `None` for protocols whose sharing already lets the
	/// recipient detect a wrong share (Shamir of degree t < n − 1: error detection). Runs before
	/// the last check.
	fn output_checks(&mut self, values: &[Self::Share]) -> Result<Option<Vec<[Self::F; 3]>>> {
		let _ = values;
		Ok(None)
	}

	/// This party's plain share of a value: what a recipient reconstructs the value from.
	fn raw_share(&self, share: &Self::Share) -> Self::F;
}
