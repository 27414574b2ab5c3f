//! A value from the shares a committee's members handed a requester (a private output, or a
//! declassified secret), with false shares named and left out where the sharing allows it.

use crate::{
	messages::{commitment, share_bits, WorkerResponse},
	ValueKind, H256,
};
use enigma_mpc::{
	committed_input,
	decode::decode,
	field::{decode_all, to_u128, Fr},
	shamir::lagrange_coefficients,
	spdz::reconstruct_output,
};

/// How [`reconstruct`]'s error starts when shares were handed but do not decode.
pub const SHARES_DISAGREE: &str = "the shares do not agree";

/// A member's refusal to hand a private output's share to an account that may not read it.
pub const NOT_A_READER: &str = "the account may not read this output";

/// What a client-dealt secret's shares are checked against: its registered commitment and kind.
#[derive(Clone, Copy, Debug)]
pub struct Dealt {
	pub commitment: H256,
	pub kind: ValueKind,
}

/// What the shares are of.
#[derive(Clone, Copy, Debug)]
pub enum Shared {
	/// A secret a client dealt: its shares come with the dealer's Pedersen commitments.
	Dealt(Dealt),
	/// A task's output or secret over Shamir: shares without commitments.
	Computed,
	/// A task's output over SPDZ: every member's share with its check values.
	SpdzOutput,
}

/// The value, and the members left out (by index, and why).
#[derive(Debug)]
pub struct Reconstructed {
	pub value: u128,
	pub left_out: Vec<(usize, String)>,
}

/// Reconstructs a value from `answers`, member `i`'s answer (already opened, see
/// [`crate::messages::open_answer`]) or the error that stood for it at `answers[i]`.
///
/// A share of a dealt secret must come with the dealer's commitments and lie on them, so a false
/// one is named and left out, and any t + 1 true ones give the value (all n for a secret shared
/// for a dishonest majority). Otherwise (a task's outputs and secrets, which have no
/// commitments) shares are taken when at least 2t + 1 answer (a member left out of a task's run
/// holds nothing): with t or fewer of them lying, a false share is then always detected, and
/// corrected and named when the answers allow it. An SPDZ output needs every member's share and
/// its check values: a member that altered its share is detected, not named. What the shares are
/// of comes from the chain and the contract the requester checked, never from the answers'
/// shape. Errors name the members that refused (`names[i]` for member `i`).
pub fn reconstruct(answers: Vec<Result<WorkerResponse, String>>, shared: Shared, names: &[String]) -> Result<Reconstructed, String> {
	let n = answers.len();
	let t = n.saturating_sub(1) / 2;
	let name = |i: usize| names.get(i).cloned().unwrap_or_else(|| format!("member #{i}"));
	// (point, share, whether it was checked against the dealer's commitments)
	let mut taken = Vec::new();
	let (mut refusals, mut left_out) = (Vec::new(), Vec::new());
	let mut spdz = Vec::new();
	// The degree of a dealt secret's sharing (t, or n − 1 for a dishonest majority).
	let mut degree = t;
	for (i, answer) in answers.into_iter().enumerate() {
		let share = match (answer, shared) {
			// A client-dealt secret's share must come with the dealer's commitments: without
			// them a dishonest majority could hand a value of its choosing.
			(Ok(WorkerResponse::OutputShare(_)), Shared::Dealt(_)) => {
				refusals.push(format!("{}: a share without its dealer's commitments", name(i)));
				continue;
			},
			(Ok(WorkerResponse::OutputShare(bytes)), Shared::SpdzOutput) => match decode_all::<Fr>(&bytes, i).ok().as_deref() {
				// An SPDZ output's share comes with r, r·y and r·r.
				Some(&[value, r, w, v]) => {
					spdz.push((value, [r, w, v]));
					continue;
				},
				_ => (None, "a malformed share".to_string()),
			},
			(Ok(WorkerResponse::OutputShare(bytes)), Shared::Computed) => match decode_all::<Fr>(&bytes, i).ok().as_deref() {
				Some(&[value]) => (Some((value, false)), String::new()),
				_ => (None, "a malformed share".to_string()),
			},
			(Ok(WorkerResponse::DealtShare { share, pedersen, share_hashes }), Shared::Dealt(dealt)) => match check_dealt(dealt, n, i, &share, &pedersen, &share_hashes) {
				Ok((value, its_degree)) => {
					degree = its_degree;
					(Some((value, true)), String::new())
				},
				Err(e) => (None, format!("a false share ({e})")),
			},
			(Ok(WorkerResponse::Refused(reason)), _) | (Err(reason), _) => {
				refusals.push(format!("{}: {reason}", name(i)));
				continue;
			},
			(Ok(other), _) => {
				refusals.push(format!("{}: an unexpected {} answer", name(i), other.kind()));
				continue;
			},
		};
		match share {
			(Some((value, checked)), _) => taken.push((i as u64 + 1, value, checked)),
			(None, why) => {
				refusals.push(format!("{}: {why}", name(i)));
				left_out.push((i, why));
			},
		}
	}
	let value = |value: Fr, left_out| to_u128(value).map(|value| Reconstructed { value, left_out }).ok_or_else(|| "the value does not fit in 128 bits".to_string());
	if let Shared::SpdzOutput = shared {
		// The sum of every member's share, which only all of them give; the check shows whether
		// a member altered its share, not which one.
		if spdz.len() < n {
			return Err(format!("{} of {n} members handed their share of an SPDZ output, which needs all; refused: {}", spdz.len(), refusals.join("; ")));
		}
		return value(reconstruct_output(&spdz).map_err(|e| format!("{SHARES_DISAGREE}: {e}"))?, left_out);
	}
	let checked: Vec<_> = taken.iter().filter(|a| a.2).collect();
	if checked.len() > degree {
		// Checked against the commitments: any degree + 1 lie on the dealer's polynomial, so
		// interpolate at 0 from the first of them (a member that answers without commitments
		// cannot push the value off them).
		let xs: Vec<Fr> = checked[..=degree].iter().map(|a| Fr::from(a.0)).collect();
		return value(lagrange_coefficients(&xs, Fr::from(0u64)).iter().zip(&checked).map(|(l, a)| *l * a.1).sum(), left_out);
	}
	if degree + 1 == n {
		return Err(format!("{} of {n} members handed a true share of a secret shared for a dishonest majority, which needs all; refused: {}", checked.len(), refusals.join("; ")));
	}
	if taken.len() < 2 * t + 1 {
		let needed = if let Shared::Dealt(_) = shared { format!("{} checked or {}", t + 1, 2 * t + 1) } else { (2 * t + 1).to_string() };
		return Err(format!("{} of {n} members answered, {needed} needed; refused: {}", taken.len(), refusals.join("; ")));
	}
	// Decoded with error correction: with t or fewer of them lying, a false share is corrected
	// and named where enough answer (n = 4: all four), and detected otherwise.
	let (points, shares): (Vec<Fr>, Vec<Fr>) = taken.iter().map(|a| (Fr::from(a.0), a.1)).unzip();
	let decoded = decode(&points, &shares, t, t).map_err(|e| format!("{SHARES_DISAGREE}: {e}"))?;
	for wrong in decoded.wrong {
		left_out.push((taken[wrong].0 as usize - 1, "a share off the others' polynomial".into()));
	}
	value(decoded.secret, left_out)
}

/// Member `member`'s share of a dealt secret of a committee of `n`, if the commitments it came
/// with are the registered ones and the share lies on them (Pedersen VSS), with the sharing's
/// degree (t, or n − 1 for a dishonest majority).
fn check_dealt(dealt: Dealt, n: usize, member: usize, share: &[u8], pedersen: &[u8], share_hashes: &[H256]) -> Result<(Fr, usize), String> {
	if commitment(pedersen, share_hashes) != dealt.commitment {
		return Err("its commitments are not the secret's registered ones".into());
	}
	let elements = decode_all::<Fr>(share, member).map_err(|e| e.to_string())?;
	let tagged = committed_input::dealt_for_dishonest_majority(pedersen, n);
	let degree = if tagged { n - 1 } else { (n - 1) / 2 };
	let item = committed_input::ToCheck { bits: share_bits(dealt.kind), tagged, commitments: pedersen, share: &elements };
	committed_input::check_many(&[item], degree, member, &mut rand::thread_rng()).remove(0).map_err(|e| e.to_string())?;
	Ok((elements[0], degree))
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::{
		dealing::{deal_one, How},
		messages::{open_answer, output_message, seal_answer, share_context},
		sealed,
	};
	use codec::Encode;
	use x25519_dalek::{PublicKey, StaticSecret};

	/// Deals `value` to `n` members and returns each member's honest answer to a
	/// declassification, and what the chain registered.
	fn dealt(value: u128, n: usize, kind: ValueKind, how: How) -> (Vec<WorkerResponse>, Dealt) {
		let secrets: Vec<StaticSecret> = (0..n).map(|_| StaticSecret::random_from_rng(rand::rngs::OsRng)).collect();
		let keys: Vec<[u8; 32]> = secrets.iter().map(|s| PublicKey::from(s).to_bytes()).collect();
		let deliveries = deal_one(value, H256::repeat_byte(1), 7, &keys, kind, how).unwrap();
		let registered = Dealt { commitment: deliveries[0].commitment, kind };
		let answers = deliveries
			.into_iter()
			.zip(&secrets)
			.map(|(d, secret)| WorkerResponse::DealtShare {
				share: sealed::open(secret, &share_context(d.identity, d.committee, d.index), &d.sealed).expect("a member opens its own share"),
				pedersen: d.pedersen,
				share_hashes: d.share_hashes,
			})
			.collect();
		(answers, registered)
	}

	fn lie(answer: &mut WorkerResponse) {
		if let WorkerResponse::DealtShare { share, .. } = answer {
			share[31] ^= 1;
		}
	}

	#[test]
	fn a_dealt_value_comes_back_and_a_false_share_is_named() {
		let (mut answers, registered) = dealt(7_000_123, 4, ValueKind::Int { bits: 64 }, How::HonestMajority);
		lie(&mut answers[2]);
		let back = reconstruct(answers.into_iter().map(Ok).collect(), Shared::Dealt(registered), &[]).unwrap();
		assert_eq!(back.value, 7_000_123);
		assert_eq!(back.left_out.iter().map(|l| l.0).collect::<Vec<_>>(), vec![2]);
	}

	#[test]
	fn a_dishonest_majority_sharing_needs_every_true_share() {
		let (answers, registered) = dealt(42, 2, ValueKind::Field, How::DishonestMajority);
		let back = reconstruct(answers.iter().cloned().map(Ok).collect(), Shared::Dealt(registered), &[]).unwrap();
		assert_eq!(back.value, 42);
		let mut one_lies = answers.clone();
		lie(&mut one_lies[0]);
		let refused = reconstruct(one_lies.into_iter().map(Ok).collect(), Shared::Dealt(registered), &[]).unwrap_err();
		assert!(refused.contains("needs all"), "{refused}");
		// Commitments other than the registered ones are refused, whatever the shares.
		let other = Dealt { commitment: H256::repeat_byte(9), kind: ValueKind::Field };
		assert!(reconstruct(answers.into_iter().map(Ok).collect(), Shared::Dealt(other), &[]).is_err());
	}

	#[test]
	fn a_value_outside_its_kind_or_too_small_a_committee_is_not_dealt() {
		let keys = [[9u8; 32]; 4];
		assert!(deal_one(256, H256::zero(), 1, &keys, ValueKind::Int { bits: 8 }, How::HonestMajority).unwrap_err().contains("not a"));
		assert!(deal_one(1, H256::zero(), 1, &keys[..2], ValueKind::Field, How::HonestMajority).unwrap_err().contains("at least 3"));
		assert!(deal_one(1, H256::zero(), 1, &keys[..1], ValueKind::Field, How::DishonestMajority).unwrap_err().contains("in the clear"));
		// A member whose registered key is a point of small order gets no share (nor does anyone).
		let mut weak = keys;
		weak[2] = [0; 32];
		for how in [How::HonestMajority, How::DishonestMajority] {
			assert!(deal_one(1, H256::zero(), 1, &weak, ValueKind::Field, how).unwrap_err().contains("member 2 of committee 1 registered an encryption key of small order"));
		}
	}

	#[test]
	fn only_the_members_sealed_answers_to_the_reply_key_count() {
		let member = StaticSecret::random_from_rng(rand::rngs::OsRng);
		let member_key = PublicKey::from(&member).to_bytes();
		let reply = StaticSecret::random_from_rng(rand::rngs::OsRng);
		let reply_to = PublicKey::from(&reply).to_bytes();
		let message = output_message(H256::repeat_byte(3), 0, &reply_to);
		let answer = WorkerResponse::OutputShare(vec![5; 32]);
		let sealed = seal_answer(&member, &reply_to, &message, &answer).unwrap();
		assert!(!sealed.encode().windows(32).any(|w| w == [5; 32]), "the share is not readable on the way");
		assert_eq!(open_answer(&reply.to_bytes(), &member_key, &message, sealed.clone()).unwrap(), answer);
		let another = output_message(H256::repeat_byte(3), 1, &reply_to);
		assert!(open_answer(&reply.to_bytes(), &member_key, &another, sealed.clone()).is_err(), "bound to the request");
		assert!(open_answer(&[1; 32], &member_key, &message, sealed).is_err(), "another reply key");
		// Someone on the way seals a value of its choosing to the (public) reply key: refused.
		let forger = StaticSecret::random_from_rng(rand::rngs::OsRng);
		let forged = seal_answer(&forger, &reply_to, &message, &WorkerResponse::OutputShare(vec![9; 32])).unwrap();
		assert!(open_answer(&reply.to_bytes(), &member_key, &message, forged).unwrap_err().contains("not sealed by this member"));
		// Or sends a share in the clear: refused too.
		let plain = open_answer(&reply.to_bytes(), &member_key, &message, answer).unwrap_err();
		assert!(plain.contains("unsealed OutputShare") && !plain.contains("5, 5"), "{plain}");
		// A refusal comes as it is.
		assert_eq!(open_answer(&reply.to_bytes(), &member_key, &message, WorkerResponse::Refused("no".into())).unwrap(), WorkerResponse::Refused("no".into()));
		// A low-order reply key gets no answer at all.
		assert!(seal_answer(&member, &[0; 32], &message, &WorkerResponse::OutputShare(vec![5; 32])).is_err());
	}

}
