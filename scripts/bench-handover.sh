#!/usr/bin/env bash
# Proactive resharing through the chain: N values shared with a committee of four workers, then
# handed to four others on the dev chain (default N = 1000): seconds, blocks and transactions.
#
#   scripts/bench-handover.sh [N]
set -euo pipefail
source "$(dirname "$0")/env.sh"
case "${1:-}" in -h | --help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
"$ROOT/scripts/build.sh" >/dev/null
cd "$ROOT/scripts/e2e"
ENIGMA_NODE="$NODE_BIN" ENIGMA_WORKER="$CARGO_TARGET_DIR/debug/enigma-worker" ENIGMA_CLIENT="$CARGO_TARGET_DIR/debug/enigma" \
	node bench/handover.mjs "$@"
