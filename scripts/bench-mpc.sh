#!/usr/bin/env bash
# Runs the MPC engine benchmarks recorded in docs/benchmarks.md: one JSON line per run, each
# preceded by its command line. All parties are processes on loopback talking over encrypted TCP.
#   scripts/bench-mpc.sh [--quick]     --quick: 10x fewer operations
set -euo pipefail
source "$(dirname "$0")/env.sh"
case "${1:-}" in -h | --help) sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
scale=1
[ "${1:-}" = "--quick" ] && scale=10

cargo build --locked --release -p enigma-mpc --bin mpc-bench >&2
BENCH="$CARGO_TARGET_DIR/release/mpc-bench"
run() {
	echo "\$ mpc-bench $*"
	"$BENCH" "$@" 2>/dev/null
}
M=$((1000000 / scale))
run --protocol shamir --parties 3 --op mul --count $M
run --protocol shamir --parties 5 --op mul --count $M
run --protocol shamir --parties 3 --op mul --count $M --field f64
run --protocol dn07 --parties 3 --op mul --count $M
run --protocol dn07 --parties 5 --op mul --count $M
for n in 7 11 21 31; do
	run --protocol dn07 --parties $n --op mul --count $((M / 10)) --batch $((M / 10))
done
run --protocol shamir-malicious --parties 3 --op mul --count $M
run --protocol spdz --parties 2 --threshold 0 --op mul --count $M
run --protocol spdz --parties 3 --op mul --count $M
run --protocol spdz --parties 5 --op mul --count $((M / 10))
for n in 2 3 5; do
	run --protocol mascot --parties $n --op mul --count $((5000 / scale)) --batch $((5000 / scale))
done
run --protocol spdz --prep mascot --parties 2 --op mul --count $((20000 / scale)) --batch $((20000 / scale))
run --protocol shamir --parties 3 --op inner-product --len 100000 --count 10 --batch 10
run --protocol spdz --parties 3 --op inner-product --len 100000 --count 10 --batch 10
run --protocol shamir --parties 3 --op lt --bits 64 --count $((100000 / scale)) --batch 10000
run --protocol shamir-malicious --parties 3 --op lt --bits 64 --count $((100000 / scale)) --batch 10000
run --protocol spdz --parties 3 --op lt --bits 64 --count $((10000 / scale)) --batch 10000
