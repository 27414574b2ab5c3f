//! Enigma's storage network (whitepaper section 4).
//!
//! Workers form a libp2p Kademlia DHT (TCP, Noise, Yamux, Identify, Ping) that holds encrypted
//! records and carries MPC messages between committee members:
//!
//! - [`record`]: a record is an identity's ciphertext under the chain's data pointer
//!   `blake2_256(addr_P ‖ ciphertext)`; writes and reads are signed by sr25519 chain accounts;
//! - [`store`]: parity-db keeps the records and Kademlia's provider records across restarts;
//! - [`access`]: the permission check a holder runs before serving or accepting a record;
//! - [`placement`]: the whitepaper's modified distance, which prefers registered, well-reputed
//!   workers as holders;
//! - [`node`]: the node itself, with put, get, replication repair and expiry;
//! - [`admission`]: incoming connections beyond the open cap are kept for registered workers;
//! - [`channel`]: MPC sessions over the swarm, implementing the engine's `Transport`;
//! - an application protocol (`/enigma/app/1`) the worker answers clients on ([`node::AppHandler`]);
//!
//! No Substrate dependency: the worker plugs the chain in through [`access::AccessControl`] and
//! [`placement::Placement`].

pub mod access;
pub mod admission;
pub mod channel;
pub mod cli;
pub mod inbound;
pub mod node;
pub mod placement;
pub mod protocol;
pub mod record;
pub mod store;

pub use access::{AccessControl, FixedTable, Open};
pub use channel::P2pTransport;
pub use libp2p::{identity, Multiaddr, PeerId};
pub use node::{load_or_create_identity, write_private};
pub use node::{AppHandler, ClientNode, Config, DhtError, DhtHandle, DhtNode, PutReceipt};
pub use placement::{FixedWeights, Placement, Uniform};
pub use record::{pointer, AccountId, Pointer, Record, SignedPut, Signer};
