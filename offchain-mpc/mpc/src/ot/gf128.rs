//! GF(2^128) = GF(2)[X] / (X^128 + X^7 + X^2 + X + 1), bit i of a block being the coefficient of
//! X^i. Products are accumulated unreduced (256 bits) and reduced once: the OT extension check
//! sums a million products.

use super::Block;

/// The carry-less product a·b, unreduced: (high 128 bits, low 128 bits).
pub fn mul_wide(a: Block, b: Block) -> (Block, Block) {
	#[cfg(target_arch = "x86_64")]
	if std::arch::is_x86_feature_detected!("pclmulqdq") {
		// SAFETY: the instruction set was just detected.
		return unsafe { x86::mul_wide(a, b) };
	}
	portable_mul_wide(a, b)
}

/// Schoolbook over the four 64-bit halves.
fn portable_mul_wide(a: Block, b: Block) -> (Block, Block) {
	let (a0, a1, b0, b1) = (a as u64, (a >> 64) as u64, b as u64, (b >> 64) as u64);
	let (lo, mid, hi) = (clmul64(a0, b0), clmul64(a0, b1) ^ clmul64(a1, b0), clmul64(a1, b1));
	(hi ^ (mid >> 64), lo ^ (mid << 64))
}

/// Carry-less 64×64 → 128, without branches on the data.
fn clmul64(a: u64, b: u64) -> u128 {
	let mut r = 0u128;
	for i in 0..64 {
		let take = 0u128.wrapping_sub(((b >> i) & 1) as u128);
		r ^= ((a as u128) << i) & take;
	}
	r
}

#[cfg(target_arch = "x86_64")]
mod x86 {
	use super::Block;
	use std::arch::x86_64::*;

	#[target_feature(enable = "pclmulqdq,sse2")]
	pub unsafe fn mul_wide(a: Block, b: Block) -> (Block, Block) {
		let (a, b) = (_mm_set_epi64x((a >> 64) as i64, a as i64), _mm_set_epi64x((b >> 64) as i64, b as i64));
		let lo = _mm_clmulepi64_si128(a, b, 0x00);
		let hi = _mm_clmulepi64_si128(a, b, 0x11);
		let mid = _mm_xor_si128(_mm_clmulepi64_si128(a, b, 0x01), _mm_clmulepi64_si128(a, b, 0x10));
		let as_u128 = |v: __m128i| -> u128 {
			let mut out = [0u8; 16];
			_mm_storeu_si128(out.as_mut_ptr() as *mut __m128i, v);
			u128::from_le_bytes(out)
		};
		let (lo, mid, hi) = (as_u128(lo), as_u128(mid), as_u128(hi));
		(hi ^ (mid >> 64), lo ^ (mid << 64))
	}
}

/// hi·X^128 + lo mod X^128 + X^7 + X^2 + X + 1. X^128 ≡ X^7 + X^2 + X + 1, applied twice: the
/// first fold spills at most 7 bits past X^127.
pub fn reduce(hi: Block, lo: Block) -> Block {
	let fold = |h: Block| h ^ (h << 1) ^ (h << 2) ^ (h << 7);
	let spill = (hi >> 127) ^ (hi >> 126) ^ (hi >> 121);
	lo ^ fold(hi) ^ fold(spill)
}

pub fn mul(a: Block, b: Block) -> Block {
	let (hi, lo) = mul_wide(a, b);
	reduce(hi, lo)
}

/// Σ a_k·b_k, reduced once.
#[derive(Clone, Copy, Default)]
pub struct Sum {
	hi: Block,
	lo: Block,
}

impl Sum {
	pub fn add_product(&mut self, a: Block, b: Block) {
		let (hi, lo) = mul_wide(a, b);
		self.hi ^= hi;
		self.lo ^= lo;
	}
	pub fn value(self) -> Block {
		reduce(self.hi, self.lo)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use rand::{Rng, SeedableRng};

	/// Bit by bit: shift-and-add with reduction at every step.
	fn slow_mul(a: Block, mut b: Block) -> Block {
		let (mut acc, mut a) = (0u128, a);
		while b != 0 {
			if b & 1 == 1 {
				acc ^= a;
			}
			let carry = a >> 127;
			a = (a << 1) ^ (carry * 0x87);
			b >>= 1;
		}
		acc
	}

	#[test]
	fn products_match_the_definition() {
		let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
		for _ in 0..2000 {
			let (a, b): (u128, u128) = (rng.gen(), rng.gen());
			assert_eq!(mul(a, b), slow_mul(a, b));
			assert_eq!(portable_mul_wide(a, b), mul_wide(a, b));
		}
		// X^127 · X = X^128 = X^7 + X^2 + X + 1.
		assert_eq!(mul(1 << 127, 2), 0x87);
		assert_eq!(mul(u128::MAX, 1), u128::MAX);
	}

	#[test]
	fn the_field_has_inverses_where_it_should() {
		// a^(2^128 - 1) = 1 for a ≠ 0: square-and-multiply over 128 ones.
		let a = 0x1234_5678_9abc_def0_0fed_cba9_8765_4321u128;
		let (mut acc, mut pow) = (1u128, a);
		for _ in 0..128 {
			acc = mul(acc, pow);
			pow = mul(pow, pow);
		}
		assert_eq!(acc, 1);
	}
}
