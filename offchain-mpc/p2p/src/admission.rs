//! Incoming connections beyond the open cap are kept for the chain's workers, and no address
//! holds more than its share.
//!
//! A node takes at most `open` incoming connections from anyone. Above that, up to `reserved`
//! more, only from peers the [`Placement`] names as registered workers, one each: Sybil peer ids
//! can fill the open slots (each may hold a few connections, and ids cost nothing), but cannot
//! keep a committee's members from reaching each other, and a few registered workers cannot take
//! all the reserved slots. The decision is made when a connection has completed its handshake
//! (the peer id is authenticated by Noise), before any protocol runs.
//!
//! Peer ids cost nothing, addresses do: one network ([`network_of`]: an IPv4 address, or an IPv6
//! /64, which one host is commonly given whole) may hold at most `per_ip` incoming connections,
//! handshakes in progress included, so one host can neither take the pending slots (which every
//! peer shares) nor the open ones. Loopback addresses are exempt unless `limit_loopback` is set:
//! a devnet runs every node on one machine. The network each connected peer came from is shared
//! ([`Sources`]) so that the requests it sends are bounded per network too ([`crate::inbound`]).

use crate::placement::Placement;
use libp2p::{
	core::{transport::PortUse, ConnectedPoint, Endpoint, Multiaddr},
	swarm::{
		behaviour::ConnectionEstablished, dummy, ConnectionClosed, ConnectionDenied, ConnectionId, FromSwarm, NetworkBehaviour, THandler,
		THandlerInEvent, THandlerOutEvent, ToSwarm,
	},
	PeerId,
};
use std::{
	collections::{HashMap, HashSet},
	net::IpAddr,
	sync::Arc,
	task::{Context, Poll},
};

/// Why an incoming connection was refused.
#[derive(Debug, thiserror::Error)]
#[error("{open} incoming connections are open: the {cap} open slots are taken and the {reserved} more are kept for registered workers")]
pub struct Full {
	open: usize,
	cap: u32,
	reserved: u32,
}

/// Why an incoming connection was refused before its handshake.
#[derive(Debug, thiserror::Error)]
#[error("{address} already holds {cap} incoming connections (handshakes included)")]
pub struct TooManyFromAddress {
	address: IpAddr,
	cap: u32,
}

/// How many incoming connections each address may hold.
pub struct PerAddress {
	pub cap: u32,
	/// Count loopback addresses too (tests); a devnet's nodes all share one.
	pub limit_loopback: bool,
}

/// The network each peer is connected from (its latest connection, incoming or dialed),
/// while it holds one.
#[derive(Default)]
pub struct Sources(std::sync::Mutex<HashMap<PeerId, IpAddr>>);

impl Sources {
	/// The network `peer` is counted under, if any.
	pub fn of(&self, peer: &PeerId) -> Option<IpAddr> {
		self.0.lock().unwrap_or_else(|e| e.into_inner()).get(peer).copied()
	}

	fn set(&self, peer: PeerId, network: Option<IpAddr>) {
		let mut sources = self.0.lock().unwrap_or_else(|e| e.into_inner());
		match network {
			Some(network) => sources.insert(peer, network),
			None => sources.remove(&peer),
		};
	}
}

/// The network an address is counted under: an IPv4 address itself, an IPv6 address's /64
/// (an IPv4-mapped one as its IPv4 address).
pub fn network_of(address: IpAddr) -> IpAddr {
	match address {
		IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
			Some(v4) => IpAddr::V4(v4),
			None => IpAddr::V6(std::net::Ipv6Addr::from(u128::from(v6) & !((1u128 << 64) - 1))),
		},
		v4 => v4,
	}
}

pub struct Behaviour {
	placement: Arc<dyn Placement>,
	sources: Arc<Sources>,
	open: u32,
	reserved: u32,
	incoming: HashSet<ConnectionId>,
	/// The incoming connections in reserved slots, by peer.
	in_reserve: HashMap<ConnectionId, PeerId>,
	/// Admitted into a reserved slot and not yet established (so not yet in `in_reserve`).
	admitting: HashSet<ConnectionId>,
	per_address: PerAddress,
	/// The address of every counted incoming connection, pending or established, and the count
	/// per address.
	address_of: HashMap<ConnectionId, IpAddr>,
	from_address: HashMap<IpAddr, u32>,
}

impl Behaviour {
	pub fn new(placement: Arc<dyn Placement>, sources: Arc<Sources>, open: u32, reserved: u32, per_address: PerAddress) -> Self {
		Self {
			placement,
			sources,
			open,
			reserved,
			incoming: HashSet::new(),
			in_reserve: HashMap::new(),
			admitting: HashSet::new(),
			per_address,
			address_of: HashMap::new(),
			from_address: HashMap::new(),
		}
	}

	/// Stops counting `connection` against its address.
	fn forget_address(&mut self, connection: &ConnectionId) {
		if let Some(address) = self.address_of.remove(connection) {
			if let std::collections::hash_map::Entry::Occupied(mut count) = self.from_address.entry(address) {
				*count.get_mut() -= 1;
				if *count.get() == 0 {
					count.remove();
				}
			}
		}
	}

	/// Whether a new incoming connection from `peer` may stay: `Some(in_reserve)`, or `None`.
	fn admits(&self, peer: &PeerId) -> Option<bool> {
		let open = self.incoming.len() as u64;
		if open < self.open as u64 {
			return Some(false);
		}
		let reserve_left = open < self.open as u64 + self.reserved as u64;
		let holds_one = self.in_reserve.values().any(|p| p == peer);
		(reserve_left && !holds_one && self.placement.is_worker(peer)).then_some(true)
	}
}

impl NetworkBehaviour for Behaviour {
	type ConnectionHandler = dummy::ConnectionHandler;
	type ToSwarm = std::convert::Infallible;

	fn handle_pending_inbound_connection(&mut self, connection: ConnectionId, _: &Multiaddr, remote: &Multiaddr) -> Result<(), ConnectionDenied> {
		let Some(address) = ip_of(remote).filter(|a| self.per_address.limit_loopback || !a.is_loopback()).map(network_of) else { return Ok(()) };
		let count = self.from_address.entry(address).or_default();
		if *count >= self.per_address.cap {
			return Err(ConnectionDenied::new(TooManyFromAddress { address, cap: self.per_address.cap }));
		}
		*count += 1;
		self.address_of.insert(connection, address);
		Ok(())
	}

	fn handle_established_inbound_connection(
		&mut self,
		connection: ConnectionId,
		peer: PeerId,
		_: &Multiaddr,
		_: &Multiaddr,
	) -> Result<THandler<Self>, ConnectionDenied> {
		match self.admits(&peer) {
			Some(in_reserve) => {
				if in_reserve {
					self.admitting.insert(connection);
				}
				Ok(dummy::ConnectionHandler)
			},
			None => Err(ConnectionDenied::new(Full { open: self.incoming.len(), cap: self.open, reserved: self.reserved })),
		}
	}

	fn handle_established_outbound_connection(
		&mut self,
		_: ConnectionId,
		_: PeerId,
		_: &Multiaddr,
		_: Endpoint,
		_: PortUse,
	) -> Result<THandler<Self>, ConnectionDenied> {
		Ok(dummy::ConnectionHandler)
	}

	fn on_swarm_event(&mut self, event: FromSwarm) {
		match event {
			// Counted once every behaviour accepted it.
			FromSwarm::ConnectionEstablished(ConnectionEstablished { connection_id, peer_id, endpoint: ConnectedPoint::Listener { .. }, .. }) => {
				self.incoming.insert(connection_id);
				if self.admitting.remove(&connection_id) {
					self.in_reserve.insert(connection_id, peer_id);
				}
				if let Some(network) = self.address_of.get(&connection_id) {
					self.sources.set(peer_id, Some(*network));
				}
			},
			// A peer this node dialed (Kademlia dials the peers others name, attackers' ids
			// among them) counts against its network just the same.
			FromSwarm::ConnectionEstablished(ConnectionEstablished { peer_id, endpoint: ConnectedPoint::Dialer { address, .. }, .. }) => {
				if let Some(network) = ip_of(address).filter(|a| self.per_address.limit_loopback || !a.is_loopback()).map(network_of) {
					self.sources.set(peer_id, Some(network));
				}
			},
			// The handshake failed, or another behaviour refused it after this one admitted it.
			FromSwarm::ListenFailure(failure) => {
				self.admitting.remove(&failure.connection_id);
				self.forget_address(&failure.connection_id);
			},
			FromSwarm::ConnectionClosed(ConnectionClosed { connection_id, peer_id, remaining_established, .. }) => {
				self.incoming.remove(&connection_id);
				self.in_reserve.remove(&connection_id);
				self.forget_address(&connection_id);
				if remaining_established == 0 {
					self.sources.set(peer_id, None);
				}
			},
			_ => {},
		}
	}

	fn on_connection_handler_event(&mut self, _: PeerId, _: ConnectionId, event: THandlerOutEvent<Self>) {
		match event {}
	}

	fn poll(&mut self, _: &mut Context<'_>) -> Poll<ToSwarm<Self::ToSwarm, THandlerInEvent<Self>>> {
		Poll::Pending
	}
}

/// The IP address a multiaddr starts with, if any.
fn ip_of(address: &Multiaddr) -> Option<IpAddr> {
	use libp2p::multiaddr::Protocol;
	match address.iter().next()? {
		Protocol::Ip4(ip) => Some(IpAddr::V4(ip)),
		Protocol::Ip6(ip) => Some(IpAddr::V6(ip)),
		_ => None,
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	/// One host, one count: an IPv6 host usually has a whole /64 to pick addresses from.
	#[test]
	fn addresses_count_by_network() {
		let ip = |s: &str| s.parse::<IpAddr>().unwrap();
		assert_eq!(network_of(ip("2001:db8:1:2:aaaa:bbbb:cccc:dddd")), ip("2001:db8:1:2::"));
		assert_eq!(network_of(ip("2001:db8:1:2::1")), network_of(ip("2001:db8:1:2:ffff::9")));
		assert_ne!(network_of(ip("2001:db8:1:2::1")), network_of(ip("2001:db8:1:3::1")));
		assert_eq!(network_of(ip("::ffff:203.0.113.7")), ip("203.0.113.7"));
		assert_eq!(network_of(ip("203.0.113.7")), ip("203.0.113.7"));
	}
}

