#!/usr/bin/env bash
# Runs every test: the duplicate-crate check, the workspace's cargo tests, the JavaScript SDK's
# tests and the end-to-end tests (polkadot-js and the SDK against fresh dev and four-validator
# networks with workers, the chain-spec check).
# Installs what a fresh machine lacks first (scripts/setup.sh).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
case "${1:-}" in -h | --help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac

"$ROOT/scripts/setup.sh"

log "1/5 duplicate-crate check"
"$ROOT/scripts/check-duplicates.sh"

log "2/5 cargo test --workspace, then the pallets' benchmarks as tests"
cargo test --locked --workspace
SKIP_WASM_BUILD=1 cargo test --locked --features runtime-benchmarks \
	-p pallet-shared-identity -p pallet-data-registry -p pallet-workers -p pallet-secret-compute -p pallet-validator-set

log "3/5 build enigma-node, enigma-worker, enigma, dht-node and enigma-lang"
cargo build --locked -p enigma-node -p enigma-worker -p enigma-client -p enigma-p2p -p enigma-lang --bins

log "4/5 the JavaScript SDK (its WebAssembly module, its TypeScript, its tests) and the web dApp"
bash "$ROOT/sdk/build.sh"
(cd "$ROOT/sdk" && ENIGMA_LANG="$CARGO_TARGET_DIR/debug/enigma-lang" node --test test/)
(cd "$ROOT/examples/web-vote" && npx vite build --logLevel error)

log "5/5 end-to-end tests (polkadot-js, the SDK, the web dApp in Chromium)"
cd "$ROOT/scripts/e2e"
ENIGMA_NODE="$NODE_BIN" ENIGMA_WORKER="$CARGO_TARGET_DIR/debug/enigma-worker" DHT_NODE="$CARGO_TARGET_DIR/debug/dht-node" \
	ENIGMA_CLIENT="$CARGO_TARGET_DIR/debug/enigma" \
	node --test --test-concurrency=1 tests/
