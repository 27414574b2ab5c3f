#!/usr/bin/env bash
# Getting data in: N values secret-shared and acknowledged by a committee of four workers on the
# dev chain, for each N given (default 1000 10000): seconds, blocks and transactions.
#
#   scripts/bench-ingest.sh [N ...]
set -euo pipefail
source "$(dirname "$0")/env.sh"
case "${1:-}" in -h | --help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
"$ROOT/scripts/build.sh" >/dev/null
cd "$ROOT/scripts/e2e"
ENIGMA_NODE="$NODE_BIN" ENIGMA_WORKER="$CARGO_TARGET_DIR/debug/enigma-worker" ENIGMA_CLIENT="$CARGO_TARGET_DIR/debug/enigma" \
	node bench/ingest.mjs "$@"
