#!/usr/bin/env bash
# The tamper campaign of issue #14: N random faults (default 1,000) injected by one party into
# random programs under malicious-secure Shamir and SPDZ (engine level, one thread per party),
# in a release build. Prints one JSON line: injected, aborted, unaffected, correctly_blamed,
# unattributed, honest_blamed, wrong_outputs_accepted. Fails if an honest party accepted a wrong
# output or was named by a check. `scripts/test.sh` runs the same test with 24 faults.
#
#   scripts/tamper.sh 1000          # TAMPER_SEED=7 scripts/tamper.sh 200 for another draw
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
if [[ "${1:-}" == "--help" || "${1:-}" == "-h" ]]; then
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
faults="${1:-1000}"
[[ "$faults" =~ ^[0-9]+$ ]] || { echo "usage: scripts/tamper.sh [N]" >&2; exit 2; }
echo "==> building the campaign (release) and injecting $faults faults" >&2
TAMPER_N="$faults" TAMPER_SEED="${TAMPER_SEED:-14}" cargo test --release --locked -p enigma-mpc --test tamper -- --nocapture \
  | grep -o '{"injected".*}'
