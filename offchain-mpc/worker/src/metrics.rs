//! Prometheus metrics of a worker, served at `/metrics` when `--prometheus-port` is given.

use substrate_prometheus_endpoint::{register, Counter, Gauge, PrometheusError, Registry, U64};

#[derive(Clone)]
pub struct Metrics {
	pub finalized_blocks: Counter<U64>,
	pub best_finalized: Gauge<U64>,
	pub tasks_assigned: Counter<U64>,
	pub dht_records: Gauge<U64>,
	pub active_workers: Gauge<U64>,
	pub stake: Gauge<U64>,
	pub tasks_completed: Counter<U64>,
	pub tasks_failed: Counter<U64>,
	pub mpc_rounds: Counter<U64>,
	pub mpc_bytes_sent: Counter<U64>,
	pub shares_held: Counter<U64>,
}

impl Metrics {
	pub fn register(registry: &Registry) -> Result<Self, PrometheusError> {
		Ok(Self {
			finalized_blocks: register(Counter::new("enigma_worker_finalized_blocks", "Finalized blocks the worker processed")?, registry)?,
			best_finalized: Gauge::new("enigma_worker_finalized_number", "Number of the last finalized block seen").and_then(|g| register(g, registry))?,
			tasks_assigned: register(Counter::new("enigma_worker_tasks_assigned", "Tasks created for a committee this worker is in")?, registry)?,
			dht_records: register(Gauge::new("enigma_worker_dht_records", "Records this worker's DHT node holds")?, registry)?,
			active_workers: register(Gauge::new("enigma_worker_active_workers", "Active workers in the chain's registry")?, registry)?,
			stake: register(Gauge::new("enigma_worker_stake_units", "This worker's stake, in whole ENG")?, registry)?,
			tasks_completed: register(Counter::new("enigma_worker_tasks_completed", "Tasks this worker ran and submitted a result for")?, registry)?,
			tasks_failed: register(Counter::new("enigma_worker_tasks_failed", "Tasks this worker could not complete")?, registry)?,
			mpc_rounds: register(Counter::new("enigma_worker_mpc_rounds", "MPC communication rounds")?, registry)?,
			mpc_bytes_sent: register(Counter::new("enigma_worker_mpc_bytes_sent", "Bytes this worker sent in MPC runs")?, registry)?,
			shares_held: register(Counter::new("enigma_worker_shares_received", "Secret shares received from clients")?, registry)?,
		})
	}
}
