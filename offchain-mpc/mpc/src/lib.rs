//! Enigma's MPC engine (whitepaper 5.1-5.2).
//!
//! * [`field`]: the fields (BLS12-381 Fr by default, a 64-bit field for throughput).
//! * [`shamir`]: Shamir (t+1, n) sharing with error detection.
//! * [`decode`]: the secret from shares some of which are wrong, and who handed those
//!   (Berlekamp–Welch, within the corruption bound).
//! * [`vss`]: Pedersen verifiable secret sharing in BLS12-381 G1 (commitments a third party
//!   can check shares against).
//! * [`audit`]: publicly auditable MPC for a dishonest majority (BDO14): commitments to every
//!   party's shares, openings that name a party that lies, and an audit of a finished run from
//!   its transcript alone.
//! * [`reshare`]: proactive resharing of a committed secret to a new committee (of another size
//!   or degree) without reconstructing it, checkable by anyone against the old commitments.
//! * [`committed_input`]: a client's input dealt with Pedersen VSS, the value and its bits, so
//!   each member checks its share and that the value is its bits' sum before accepting it; for
//!   a dishonest majority with degree n − 1 and the owner's MAC, which [`mac_proof`] proves
//!   to be its key times what it dealt, and [`entry_proof`] proves a member entered its own
//!   shares of it into an auditable run.
//! * [`honest`]: honest-majority protocols: semi-honest with BGW or DN07 (linear communication)
//!   multiplication, and maliciously secure with the Chida et al. multiplication check.
//! * [`spdz`] and [`preprocessing`]: the SPDZ online phase for a dishonest majority, fed by a
//!   pluggable preprocessing source (dealer-free honest-majority generation here), with inputs
//!   from owners outside the committee (MAC-checked) and private outputs the recipient checks.
//! * [`ot`] and [`mascot`]: oblivious transfer (base OTs and their extension) and, on it, MASCOT:
//!   SPDZ preprocessing without a dealer that stays secure when all parties but one collude
//!   (taking the base OT for an ideal one, see [`ot::base`]).
//! * [`nonlinear`]: random bits, bit decomposition, comparisons, selection, division.
//! * [`circuit`]: the layered circuit IR, its cost (for gas) and its executor.
//! * [`transport`]: the message layer: in memory, TCP with authenticated encryption, and
//!   fault injection for tests.

pub mod adaptive;
pub mod audit;
pub mod circuit;
pub mod committed_input;
pub mod decode;
pub mod entry_proof;
pub mod error;
pub mod field;
pub mod mac_proof;
pub mod msm;
pub mod honest;
pub mod mascot;
pub mod nonlinear;
pub mod ot;
pub mod preprocessing;
pub mod protocol;
pub mod reshare;
pub mod shamir;
pub mod spdz;
pub mod transport;
pub mod vss;

pub use error::{MpcError, Result};
pub use protocol::{Demand, Mpc, Stats};
