//! Following finalized blocks without missing one. The node's finalized-heads subscription
//! announces the last block of each finality round: GRANDPA finalizes several blocks at once,
//! and the ones in between (with their `TaskCreated` or `SecretRegistered` events) are never
//! announced. The worker walks parent hashes back to the last block it handled instead.

use enigma_runtime::Header;
use sp_core::H256;

/// Where headers come from (the chain's RPC; a map in tests).
#[async_trait::async_trait]
pub trait Headers {
	async fn header(&self, hash: H256) -> Result<Option<Header>, String>;
}

#[async_trait::async_trait]
impl Headers for enigma_chain::Chain {
	async fn header(&self, hash: H256) -> Result<Option<Header>, String> {
		self.header_at(hash).await.map_err(|e| e.to_string())
	}
}

/// The finalized blocks after block `last` up to `head`, oldest first; `None` when more than
/// `limit` would have to be read (the worker then catches up from the chain's state).
pub async fn blocks_since(source: &impl Headers, last: u32, head: Header, limit: u32) -> Result<Option<Vec<Header>>, String> {
	if head.number <= last {
		return Ok(Some(Vec::new()));
	}
	if head.number - last > limit {
		return Ok(None);
	}
	let mut blocks = vec![head];
	while let Some(oldest) = blocks.last().filter(|h| h.number > last + 1) {
		let (number, parent) = (oldest.number, oldest.parent_hash);
		let header = source.header(parent).await?.ok_or_else(|| format!("the parent {parent:?} of #{number} is unknown to the node"))?;
		if header.number + 1 != number {
			return Err(format!("the parent of #{number} is #{}", header.number));
		}
		blocks.push(header);
	}
	blocks.reverse();
	Ok(Some(blocks))
}

#[cfg(test)]
mod tests {
	use super::*;
	use enigma_chain::Chain;
	use std::collections::HashMap;

	struct Map(HashMap<H256, Header>);

	#[async_trait::async_trait]
	impl Headers for Map {
		async fn header(&self, hash: H256) -> Result<Option<Header>, String> {
			Ok(self.0.get(&hash).cloned())
		}
	}

	/// A chain of `len` headers from block 1.
	fn chain(len: u32) -> Vec<Header> {
		let mut headers: Vec<Header> = Vec::new();
		for number in 1..=len {
			let parent_hash = headers.last().map_or(H256::zero(), Chain::header_hash);
			headers.push(Header { parent_hash, number, state_root: H256::repeat_byte(number as u8), extrinsics_root: H256::zero(), digest: Default::default() });
		}
		headers
	}

	#[tokio::test]
	async fn blocks_the_subscription_skipped_are_read_oldest_first() {
		let headers = chain(10);
		let source = Map(headers.iter().map(|h| (Chain::header_hash(h), h.clone())).collect());
		// Block 4 was handled; the next announcement is block 9.
		let blocks = blocks_since(&source, 4, headers[8].clone(), 32).await.unwrap().unwrap();
		assert_eq!(blocks.iter().map(|h| h.number).collect::<Vec<_>>(), vec![5, 6, 7, 8, 9]);
		// The very next block, an old one again, or too far ahead.
		assert_eq!(blocks_since(&source, 8, headers[8].clone(), 32).await.unwrap().unwrap().len(), 1);
		assert!(blocks_since(&source, 9, headers[8].clone(), 32).await.unwrap().unwrap().is_empty());
		assert_eq!(blocks_since(&source, 1, headers[9].clone(), 4).await.unwrap(), None);
		// A node that does not know a parent is an error, not a silent gap.
		let forgetful = Map(HashMap::new());
		assert!(blocks_since(&forgetful, 4, headers[8].clone(), 32).await.is_err());
	}
}
