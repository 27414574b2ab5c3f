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
		})
	}
}
