#!/usr/bin/env bash
# Starts the four-validator local testnet (Alice, Bob, Charlie, Dave; Aura + GRANDPA) on
# loopback. Node i listens for p2p on 30333+i, RPC on 9944+i and Prometheus on 9615+i.
# Ctrl-C stops all four.
set -euo pipefail
source "$(dirname "$0")/env.sh"
case "${1:-}" in -h | --help) sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac

"$ROOT/scripts/build.sh" >/dev/null
DATA="$(mktemp -d -t enigma-local.XXXXXX)"
pids=()
cleanup() {
	trap - INT TERM EXIT
	log "stopping the local testnet"
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$DATA"
}
trap cleanup INT TERM EXIT

# Alice's node key (node i has key i+1) is fixed so the others can name her as their boot node.
ALICE_KEY=0000000000000000000000000000000000000000000000000000000000000001
ALICE_PEER=$("$NODE_BIN" key inspect-node-key --file <(printf %s "$ALICE_KEY"))
i=0
for who in alice bob charlie dave; do
	args=(--chain local --"$who" --base-path "$DATA/$who"
		--rpc-port $((9944 + i)) --prometheus-port $((9615 + i)) --rpc-cors all
		--listen-addr /ip4/127.0.0.1/tcp/$((30333 + i)) --no-mdns)
	# Validators need a libp2p key; fixed ones keep peer ids stable across restarts.
	args+=(--node-key "$(printf '%064x' $((i + 1)))")
	[ "$who" = alice ] || args+=(--bootnodes "/ip4/127.0.0.1/tcp/30333/p2p/$ALICE_PEER")
	"$NODE_BIN" "${args[@]}" >"$DATA/$who.log" 2>&1 &
	pids+=($!)
	echo "  $who: ws://127.0.0.1:$((9944 + i))  (log: $DATA/$who.log)"
	i=$((i + 1))
done
echo "  polkadot-js Apps: https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A9944#/explorer"
echo "  Press Ctrl-C to stop."
tail -f "$DATA/alice.log" --pid "${pids[0]}" | grep --line-buffered -E 'Imported|finalized|ERROR' &
pids+=($!)
wait "${pids[0]}"
