#!/usr/bin/env bash
# Soak test: every example contract submitted through the enigma CLI to a dev chain with four
# workers, ROUNDS rounds with fresh random inputs (default 50); fails on any abort or wrong
# result and prints a JSON summary line ({"soak": {...}}). scripts/test.sh runs 2 rounds.
#
#   scripts/soak.sh [ROUNDS]
set -euo pipefail
source "$(dirname "$0")/env.sh"
case "${1:-}" in -h | --help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
"$ROOT/scripts/build.sh" >/dev/null
cd "$ROOT/scripts/e2e"
SOAK_ROUNDS="${1:-50}" ENIGMA_NODE="$NODE_BIN" ENIGMA_WORKER="$CARGO_TARGET_DIR/debug/enigma-worker" \
	ENIGMA_CLIENT="$CARGO_TARGET_DIR/debug/enigma" node --test --test-concurrency=1 tests/soak.test.js
