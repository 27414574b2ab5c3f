#!/usr/bin/env bash
# The DHT chaos run of issue #16, at full size (release build): 20 nodes, k = 3, N records
# (default 1,000); two nodes killed, every node restarted from its data directory, then a Sybil
# claiming three records while one holder of each dies. Prints one JSON line: records lost after
# each step and records short of 3 real copies after repair (all must be 0), and the time of one
# repair pass over the whole network. `scripts/test.sh` runs the same test with 40 records.
#
#   scripts/chaos.sh 1000            # ENIGMA_CHAOS_SEED=7 scripts/chaos.sh 200 for another draw
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
records="${1:-1000}"
[[ "$records" =~ ^[0-9]+$ && "$records" -ge 3 ]] || { echo "usage: scripts/chaos.sh [N >= 3]" >&2; exit 2; }
echo "==> building the DHT tests (release) and running the chaos run over $records records" >&2
ENIGMA_CHAOS_RECORDS="$records" ENIGMA_CHAOS_SEED="${ENIGMA_CHAOS_SEED:-16}" \
  cargo test --release --locked -p enigma-p2p --test network chaos_kills_restarts_and_sybils_lose_no_record -- --nocapture \
  | grep -o '{"nodes".*}'
