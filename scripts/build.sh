#!/usr/bin/env bash
# Builds enigma-node (and the runtime wasm inside it). Prints where the binary is.
set -euo pipefail
source "$(dirname "$0")/env.sh"
case "${1:-}" in -h | --help) sed -n '2,2p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
"$ROOT/scripts/setup.sh"
log "cargo build -p enigma-node -p enigma-worker -p enigma-client -p enigma-p2p (target: $CARGO_TARGET_DIR)"
cargo build --locked -p enigma-node -p enigma-worker -p enigma-client -p enigma-p2p --bins
echo "$NODE_BIN"
