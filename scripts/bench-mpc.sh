#!/usr/bin/env bash
# Runs the MPC engine benchmarks recorded in docs/benchmarks.md: one JSON line per run, each
# preceded by its command line. All parties are processes on loopback talking over encrypted TCP.
#   scripts/bench-mpc.sh [--quick]     --quick: 10x fewer operations
# With MPSPDZ=/path/to/MP-SPDZ (built: shamir-party.x; malicious-shamir-party.x, and
# mascot-party.x with Fake-Offline.x, if present), MP-SPDZ then runs the same operations in the
# same field (BLS12-381 Fr) and each pair prints one JSON line with both rates and their ratio
# (ours / MP-SPDZ's).
set -euo pipefail
source "$(dirname "$0")/env.sh"
case "${1:-}" in -h | --help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
scale=1
[ "${1:-}" = "--quick" ] && scale=10
OURS=$(mktemp)
trap 'rm -f "$OURS"' EXIT

cargo build --locked --release -p enigma-mpc --features parallel,blst --bin mpc-bench >&2
BENCH="$CARGO_TARGET_DIR/release/mpc-bench"
run() {
	echo "\$ mpc-bench $*"
	"$BENCH" "$@" 2>/dev/null | tee -a "$OURS"
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

[ -n "${MPSPDZ:-}" ] || exit 0
# --- MP-SPDZ side by side -------------------------------------------------------------------
# The BLS12-381 scalar field's prime, the field every figure above is in.
PRIME=52435875175126190479447740508185965837690552500527637822603658699938581184513
[ -x "$MPSPDZ/shamir-party.x" ] || [ -x "$MPSPDZ/mascot-party.x" ] ||
	{ echo "MPSPDZ=$MPSPDZ holds neither shamir-party.x nor mascot-party.x (make them there)" >&2; exit 1; }
# Timer 1 covers exactly what our figure covers: the multiplications alone (ours: online), the
# comparisons with everything they need (ours: preprocessing included).
cat > "$MPSPDZ/Programs/Source/enigma_mul.mpc" <<'MPC'
n = int(program.args[1])
a = sint.get_random(size=n)
b = sint.get_random(size=n)
start_timer(1)
c = a * b
stop_timer(1)
print_ln('%s', c[0].reveal())
MPC
# Comparisons twice: as MP-SPDZ compiles them by default, and with its edaBits (random values
# shared both in the field and as bits mod 2, the comparison circuit then run on the latter).
for eda in False True; do
	cat > "$MPSPDZ/Programs/Source/enigma_lt_$eda.mpc" <<MPC
program.set_bit_length(64)
program.use_edabit($eda)
n = int(program.args[1])
a = sint(123456789, size=n)
b = sint(987654321, size=n)
start_timer(1)
c = a < b
stop_timer(1)
print_ln('%s', c[0].reveal())
MPC
done
(cd "$MPSPDZ" && { [ -e Player-Data/P4.pem ] || Scripts/setup-ssl.sh 5 >/dev/null 2>&1; })
# mpspdz SCRIPT PROGRAM COUNT PARTIES OUR_PROTOCOL OUR_OP [ARGS]: one JSON line comparing the
# two (SCRIPT is MP-SPDZ's launcher of all parties on this machine: shamir.sh, mal-shamir.sh,
# mascot.sh; ARGS go to its parties).
mpspdz() {
	local script=$1 prog=$2 count=$3 n=$4 protocol=$5 op=$6 args=${7:-}
	local out secs
	# Compiled for 64-bit values (what -F sets), run in BLS12-381 Fr (-P at run time, as the
	# compiler advises for a prime it does not know).
	(cd "$MPSPDZ" && ./compile.py -F 64 "$prog" "$count" >/dev/null)
	echo "\$ (MP-SPDZ) Scripts/$script $prog-$count -P <BLS12-381 r> with $n parties"
	out=$(cd "$MPSPDZ" && PLAYERS=$n "Scripts/$script" "$prog-$count" -P "$PRIME" $args 2>&1)
	secs=$(echo "$out" | sed -n 's/^Time1 = \([0-9.e+-]*\) seconds.*/\1/p' | head -1)
	[ -n "$secs" ] || { echo "MP-SPDZ printed no Time1:" >&2; echo "$out" | tail -5 >&2; return 1; }
	python3 - "$OURS" "$protocol" "$op" "$n" "$count" "$secs" "$script" "$prog" <<'PY'
import json, sys
ours_file, protocol, op, n, count, secs, binary = sys.argv[1:8]
theirs = int(count) / float(secs)
ours = [json.loads(l) for l in open(ours_file) if l.startswith('{')]
# PROTOCOL/PREP picks the runs on that preprocessing (SPDZ's online phase ran on two).
protocol, _, prep = protocol.partition('/')
ours = [o for o in ours if o.get('protocol') == protocol and o.get('op') == op and o.get('parties') == int(n) and o.get('field') == 'fr' and (not prep or o.get('prep') == prep)]
mine = ours[-1]['ops_per_sec'] if ours else None
print(json.dumps({'op': op, 'parties': int(n), 'ours': protocol, 'ours_ops_per_sec': mine, 'mpspdz': binary + ' ' + sys.argv[8], 'mpspdz_ops_per_sec': round(theirs, 1), 'ratio': round(mine / theirs, 3) if mine else None}))
PY
}
if [ -x "$MPSPDZ/shamir-party.x" ]; then
	mpspdz shamir.sh enigma_mul $M 3 shamir mul
	mpspdz shamir.sh enigma_mul $M 5 shamir mul
	mpspdz shamir.sh enigma_lt_False $((100000 / scale)) 3 shamir lt
	mpspdz shamir.sh enigma_lt_True $((100000 / scale)) 3 shamir lt
fi
if [ -x "$MPSPDZ/malicious-shamir-party.x" ]; then
	mpspdz mal-shamir.sh enigma_mul $M 3 shamir-malicious mul
	mpspdz mal-shamir.sh enigma_lt_False $((100000 / scale)) 3 shamir-malicious lt
	mpspdz mal-shamir.sh enigma_lt_True $((100000 / scale)) 3 shamir-malicious lt
fi
# SPDZ's online phase against mascot-party.x on file preprocessing (-F): its MAC checks run after
# timer 1, ours inside our figure. Fake-Offline.x (built with -DINSECURE in CONFIG.mine) writes
# the triples for the compiled program into Player-Data first (about 1 GB per party count).
if [ -x "$MPSPDZ/mascot-party.x" ] && [ -x "$MPSPDZ/Fake-Offline.x" ]; then
	for n in 2 3 5; do
		count=$M
		[ $n = 5 ] && count=$((M / 10))
		(cd "$MPSPDZ" && ./compile.py -F 64 enigma_mul $count >/dev/null && ./Fake-Offline.x $n -P "$PRIME" -p enigma_mul-$count >/dev/null)
		mpspdz mascot.sh enigma_mul $count $n spdz/honestmajority mul -F
	done
fi
