//! OT extension: IKNP (Ishai, Kilian, Nissim, Petrank 2003) with the consistency check of
//! Keller, Orsini and Scholl (KOS, 2015), which makes it secure against a malicious receiver.
//!
//! κ = 128 base OTs run the other way: the extension's sender S picks Δ ∈ {0,1}^κ and learns
//! one seed k_{Δ_i,i} of each pair the receiver R holds. To extend to m OTs with choices x:
//!
//! * R expands t^i = G(k_{0,i}) and sends u^i = t^i ⊕ G(k_{1,i}) ⊕ x (κ columns of m bits);
//! * S computes q^i = G(k_{Δ_i,i}) ⊕ Δ_i·u^i = t^i ⊕ Δ_i·x. Read by rows: q_j = t_j ⊕ x_j·Δ.
//!
//! So S holds q_j and q_j ⊕ Δ, R holds the one of them its choice x_j selects; hashing
//! ([`super::CrHash`]) breaks the correlation. A receiver that uses different x in different
//! columns would learn bits of Δ; KOS catches it: for public random χ_j ∈ GF(2^128) (drawn after
//! u is sent), R sends x̃ = Σ x_j·χ_j and t̃ = Σ t_j·χ_j, and S checks Σ q_j·χ_j = t̃ + x̃·Δ.
//! R appends κ + 64 random choices (rounded up) that are thrown away, so that x̃ and t̃ reveal
//! nothing about the choices that are used.

use super::{gf128, pack, Block, Prg};
use crate::error::{MpcError, Result};
use rand::{Rng, RngCore};

pub const KAPPA: usize = 128;
/// Extra OTs hiding the receiver's choices in the check: κ + s, s = 64, rounded up to 256.
pub const PADDING: usize = 256;
/// Bytes of the receiver's answer to the check: x̃ and t̃.
pub const CHECK_BYTES: usize = 32;

/// Rows the extension makes for `count` OTs: padded, then rounded to whole blocks of 128.
fn padded(count: usize) -> usize {
	(count + PADDING).div_ceil(128) * 128
}

/// Transpose a 128 × 128 bit matrix in place, bit i of `m[k]` being entry (k, i): swap the
/// off-diagonal halves of ever smaller blocks (64, 32, …, 1), log 128 = 7 passes.
pub fn transpose(m: &mut [Block; 128]) {
	let mut width = 64;
	let mut mask: Block = u64::MAX as u128;
	while width > 0 {
		for base in (0..128).step_by(2 * width) {
			for k in base..base + width {
				let t = ((m[k] >> width) ^ m[k + width]) & mask;
				m[k] ^= t << width;
				m[k + width] ^= t;
			}
		}
		width /= 2;
		mask ^= mask << width;
	}
}

/// κ columns of `blocks` blocks each, column-major, to rows.
fn columns_to_rows(columns: &[Block], blocks: usize) -> Vec<Block> {
	let mut rows = Vec::with_capacity(blocks * 128);
	let mut m = [0; 128];
	for b in 0..blocks {
		for (i, entry) in m.iter_mut().enumerate() {
			*entry = columns[i * blocks + b];
		}
		transpose(&mut m);
		rows.extend_from_slice(&m);
	}
	rows
}

fn chis(seed: Block, count: usize) -> Vec<Block> {
	let mut chi = vec![0; count];
	Prg::new(seed).blocks(&mut chi);
	chi
}

/// The extension's receiver: it holds both seeds of every base OT.
pub struct Receiver {
	seeds: Vec<(Prg, Prg)>,
	next: u64,
}

/// One extension on the receiver's side, until its check is answered.
pub struct ReceiverBatch {
	/// t_j for every row, padding included.
	rows: Vec<Block>,
	/// The choices, padding included, packed.
	choices: Vec<Block>,
	count: usize,
	first: u64,
}

impl Receiver {
	/// From the κ base-OT key pairs the receiver sent.
	pub fn new(keys: &[(Block, Block)]) -> Self {
		assert_eq!(keys.len(), KAPPA, "the extension needs κ base OTs");
		Self { seeds: keys.iter().map(|(k0, k1)| (Prg::new(*k0), Prg::new(*k1))).collect(), next: 0 }
	}

	/// Extend to one OT per choice: the message for the sender, and the batch.
	pub fn extend(&mut self, choices: &[bool], rng: &mut (impl RngCore + ?Sized)) -> (Vec<u8>, ReceiverBatch) {
		let rows = padded(choices.len());
		let blocks = rows / 128;
		let mut bits = choices.to_vec();
		bits.extend((choices.len()..rows).map(|_| rng.gen::<bool>()));
		let x = pack(&bits);
		let mut t = vec![0; KAPPA * blocks];
		let mut msg = Vec::with_capacity(KAPPA * blocks * 16);
		let mut g1 = vec![0; blocks];
		for (i, (g0, g)) in self.seeds.iter_mut().enumerate() {
			let column = &mut t[i * blocks..(i + 1) * blocks];
			g0.blocks(column);
			g.blocks(&mut g1);
			for b in 0..blocks {
				msg.extend_from_slice(&(column[b] ^ g1[b] ^ x[b]).to_le_bytes());
			}
		}
		let first = self.next;
		self.next += rows as u64;
		(msg, ReceiverBatch { rows: columns_to_rows(&t, blocks), choices: x, count: choices.len(), first })
	}
}

impl ReceiverBatch {
	/// x̃ and t̃ for the public χ seed.
	pub fn check_reply(&self, chi_seed: Block) -> Vec<u8> {
		let chi = chis(chi_seed, self.rows.len());
		let (mut x, mut t) = (0, gf128::Sum::default());
		for (j, (row, c)) in self.rows.iter().zip(&chi).enumerate() {
			let bit = (self.choices[j / 128] >> (j % 128)) & 1;
			x ^= c & 0u128.wrapping_sub(bit);
			t.add_product(*row, *c);
		}
		[x.to_le_bytes(), t.value().to_le_bytes()].concat()
	}

	/// The index of OT 0, for hashing: indices never repeat within a session.
	pub fn first_index(&self) -> u64 {
		self.first
	}

	/// t_j = the chosen message's string, for the OTs asked for.
	pub fn strings(&self) -> &[Block] {
		&self.rows[..self.count]
	}
}

/// The extension's sender: it chose Δ and holds one seed of each base OT.
pub struct Sender {
	delta: Block,
	seeds: Vec<Prg>,
	next: u64,
}

/// One extension on the sender's side: q_j for every row.
pub struct SenderBatch {
	rows: Vec<Block>,
	count: usize,
	first: u64,
}

impl Sender {
	/// From Δ (whose bits were the base-OT choices) and the keys those choices got.
	pub fn new(delta: Block, keys: &[Block]) -> Self {
		assert_eq!(keys.len(), KAPPA, "the extension needs κ base OTs");
		Self { delta, seeds: keys.iter().map(|k| Prg::new(*k)).collect(), next: 0 }
	}

	pub fn delta(&self) -> Block {
		self.delta
	}

	/// The bits of Δ: the choices of the base OTs this sender receives.
	pub fn delta_bits(delta: Block) -> Vec<bool> {
		(0..KAPPA).map(|i| (delta >> i) & 1 == 1).collect()
	}

	/// q_j from the receiver's message for `count` OTs.
	pub fn extend(&mut self, msg: &[u8], count: usize, from: usize) -> Result<SenderBatch> {
		let rows = padded(count);
		let blocks = rows / 128;
		if msg.len() != KAPPA * blocks * 16 {
			return Err(MpcError::Malformed { from, reason: format!("OT extension message of {} bytes for {count} OTs", msg.len()) });
		}
		let mut q = vec![0; KAPPA * blocks];
		for (i, g) in self.seeds.iter_mut().enumerate() {
			let column = &mut q[i * blocks..(i + 1) * blocks];
			g.blocks(column);
			// Δ_i·u^i, without a branch on Δ's bits.
			let take = 0u128.wrapping_sub((self.delta >> i) & 1);
			let u = &msg[i * blocks * 16..(i + 1) * blocks * 16];
			for (c, bytes) in column.iter_mut().zip(u.chunks_exact(16)) {
				*c ^= u128::from_le_bytes(bytes.try_into().expect("16 bytes")) & take;
			}
		}
		let first = self.next;
		self.next += rows as u64;
		Ok(SenderBatch { rows: columns_to_rows(&q, blocks), count, first })
	}

	/// The KOS check of the receiver's answer; a failure names the receiver.
	pub fn check(&self, batch: &SenderBatch, chi_seed: Block, reply: &[u8], from: usize) -> Result<()> {
		if reply.len() != CHECK_BYTES {
			return Err(MpcError::Malformed { from, reason: "OT check answer is not 32 bytes".into() });
		}
		let x = u128::from_le_bytes(reply[..16].try_into().expect("16 bytes"));
		let t = u128::from_le_bytes(reply[16..].try_into().expect("16 bytes"));
		let mut q = gf128::Sum::default();
		for (row, c) in batch.rows.iter().zip(chis(chi_seed, batch.rows.len())) {
			q.add_product(*row, c);
		}
		if q.value() == t ^ gf128::mul(x, self.delta) {
			Ok(())
		} else {
			Err(MpcError::OtCheckFailed { party: from })
		}
	}
}

impl SenderBatch {
	pub fn first_index(&self) -> u64 {
		self.first
	}
	/// q_j for the OTs asked for: message 0 comes from q_j, message 1 from q_j ⊕ Δ.
	pub fn strings(&self) -> &[Block] {
		&self.rows[..self.count]
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use rand::SeedableRng;

	#[test]
	fn transposing_twice_is_the_identity_and_moves_each_bit() {
		let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(2);
		let original: [Block; 128] = core::array::from_fn(|_| rng.gen());
		let mut m = original;
		transpose(&mut m);
		for (k, row) in original.iter().enumerate() {
			for i in 0..128 {
				assert_eq!((row >> i) & 1, (m[i] >> k) & 1, "entry ({k}, {i})");
			}
		}
		transpose(&mut m);
		assert_eq!(m, original);
	}

	/// Base OTs in the clear (their own tests are in `base`): κ seed pairs and Δ's choices.
	fn pair(rng: &mut impl Rng) -> (Sender, Receiver) {
		let delta: Block = rng.gen();
		let keys: Vec<(Block, Block)> = (0..KAPPA).map(|_| (rng.gen(), rng.gen())).collect();
		let chosen: Vec<Block> = keys.iter().enumerate().map(|(i, (k0, k1))| if (delta >> i) & 1 == 1 { *k1 } else { *k0 }).collect();
		(Sender::new(delta, &chosen), Receiver::new(&keys))
	}

	#[test]
	fn each_row_is_the_chosen_string_and_the_check_passes() {
		let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
		let (mut sender, mut receiver) = pair(&mut rng);
		for count in [1, 300, 1000] {
			let choices: Vec<bool> = (0..count).map(|_| rng.gen()).collect();
			let (msg, rb) = receiver.extend(&choices, &mut rng);
			let sb = sender.extend(&msg, count, 0).unwrap();
			assert_eq!(rb.first_index(), sb.first_index());
			for (j, c) in choices.iter().enumerate() {
				let expected = sb.strings()[j] ^ if *c { sender.delta() } else { 0 };
				assert_eq!(rb.strings()[j], expected, "OT {j}");
			}
			let chi = rng.gen();
			sender.check(&sb, chi, &rb.check_reply(chi), 0).unwrap();
		}
	}

	#[test]
	fn a_receiver_with_inconsistent_columns_fails_the_check() {
		let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(4);
		let (mut sender, mut receiver) = pair(&mut rng);
		let choices: Vec<bool> = (0..500).map(|_| rng.gen()).collect();
		let (mut msg, rb) = receiver.extend(&choices, &mut rng);
		// Flip choice 0 in one column i only: whether the OTs still work tells the receiver Δ_i.
		// Where Δ_i = 1 the flip reaches q, and the check must catch it.
		let i = (0..KAPPA).find(|i| (sender.delta() >> i) & 1 == 1).unwrap();
		msg[i * (padded(500) / 128) * 16] ^= 1;
		let sb = sender.extend(&msg, 500, 7).unwrap();
		let chi = rng.gen();
		assert_eq!(sender.check(&sb, chi, &rb.check_reply(chi), 7), Err(MpcError::OtCheckFailed { party: 7 }));
		// A malformed message is refused before any work.
		assert!(matches!(sender.extend(&msg[1..], 500, 7), Err(MpcError::Malformed { from: 7, .. })));
	}
}
