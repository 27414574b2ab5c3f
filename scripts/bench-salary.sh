#!/usr/bin/env bash
# End-to-end latency of the salary-average task on the dev chain with four workers, for each
# number of inputs given (default 25 50 100): blocks and seconds from submit_task to
# TaskCompleted. Prints one JSON line per size.
#
#   scripts/bench-salary.sh [N ...]
set -euo pipefail
source "$(dirname "$0")/env.sh"
case "${1:-}" in -h | --help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
"$ROOT/scripts/build.sh" >/dev/null
cd "$ROOT/scripts/e2e"
ENIGMA_NODE="$NODE_BIN" ENIGMA_WORKER="$CARGO_TARGET_DIR/debug/enigma-worker" ENIGMA_CLIENT="$CARGO_TARGET_DIR/debug/enigma" \
	node bench/salary-latency.mjs "$@"
