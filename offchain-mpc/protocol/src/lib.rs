//! What a client exchanges with the workers of a committee, and the cryptography on the
//! client's side of it. The CLI links it natively; the JavaScript SDK runs the same code as
//! WebAssembly (`sdk/wasm`), so shares, ciphertexts and reconstructions agree byte for byte.
//!
//! - [`messages`]: share deliveries, output and declassification requests and their answers
//!   (SCALE), the ids and contexts both sides derive.
//! - [`sealed`]: sealing a message to a worker's (or a client's reply) x25519 key.
//! - [`data`]: encrypting data before it goes to the DHT.
//! - [`records`]: DHT records, their keys, and the sr25519 signatures that write and read them.
//! - [`dealing`]: a value's Pedersen-committed sharing, one sealed delivery per member.
//! - [`reconstruct`]: a value from the members' answers, false shares named and left out.

pub mod data;
pub mod dealing;
pub mod messages;
pub mod reconstruct;
pub mod records;
pub mod sealed;

pub use enigma_primitives::ValueKind;
pub use primitive_types::H256;
