#!/usr/bin/env bash
# Starts a local Enigma development network: builds what is missing, starts the dev chain
# (instant seal, Alice as sudo, pre-funded dev accounts) and four workers (accounts //Bob,
# //Charlie, //Dave, //Eve) that register and stake by themselves, form the DHT and answer
# browsers on HTTP gateways (ports 9951-9954, listed in gateways.json for @enigma/sdk), prints the
# endpoints and the workers' status, and stops everything cleanly on Ctrl-C.
#
#   scripts/devnet.sh [--keep]      --keep: keep chain data in .devnet/ between runs
set -euo pipefail
source "$(dirname "$0")/env.sh"

keep=0
for arg in "$@"; do
	case "$arg" in
	--keep) keep=1 ;;
	-h | --help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "unknown argument: $arg (see --help)" >&2; exit 2 ;;
	esac
done

"$ROOT/scripts/build.sh" >/dev/null

RPC_PORT="${RPC_PORT:-9944}"
PROMETHEUS_PORT="${PROMETHEUS_PORT:-9615}"
GATEWAY_PORT="${GATEWAY_PORT:-9950}"
if [ $keep -eq 1 ]; then
	DATA="$ROOT/.devnet"
	mkdir -p "$DATA"
else
	DATA="$(mktemp -d -t enigma-devnet.XXXXXX)"
fi
pids=()
cleanup() {
	trap - INT TERM EXIT
	log "stopping the devnet"
	for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	[ $keep -eq 1 ] || rm -rf "$DATA"
}
trap cleanup INT TERM EXIT

log "starting enigma-node --dev (logs: $DATA/node.log)"
"$NODE_BIN" --dev --base-path "$DATA/node" --rpc-port "$RPC_PORT" --rpc-cors all \
	--prometheus-port "$PROMETHEUS_PORT" >"$DATA/node.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 120); do
	if curl -sf -H 'Content-Type: application/json' \
		-d '{"id":1,"jsonrpc":"2.0","method":"system_health","params":[]}' \
		"http://127.0.0.1:$RPC_PORT" >/dev/null 2>&1; then
		break
	fi
	if ! kill -0 "${pids[0]}" 2>/dev/null; then
		echo "enigma-node exited; last log lines:" >&2
		tail -20 "$DATA/node.log" >&2
		exit 1
	fi
	sleep 0.5
done

WORKER_BIN="$CARGO_TARGET_DIR/debug/enigma-worker"
bootstrap=()
workers=()
gateways=()
for i in 1 2 3 4; do
	account=$(echo Bob Charlie Dave Eve | cut -d' ' -f$i)
	dir="$DATA/worker$i"
	[ -f "$dir/keys/account.seed" ] || "$WORKER_BIN" key generate --key-dir "$dir/keys" --account "//$account" >/dev/null
	log "starting worker $i (//$account; logs: $dir/worker.log)"
	"$WORKER_BIN" run --key-dir "$dir/keys" --data-dir "$dir" --rpc "ws://127.0.0.1:$RPC_PORT" \
		--prometheus-port $((PROMETHEUS_PORT + i)) --http-gateway "127.0.0.1:$((GATEWAY_PORT + i))" \
		"${bootstrap[@]}" >"$dir/address" 2>"$dir/worker.log" &
	pids+=($!)
	for _ in $(seq 1 120); do
		[ -s "$dir/address" ] && break
		if ! kill -0 "${pids[-1]}" 2>/dev/null; then
			echo "worker $i exited; last log lines:" >&2
			tail -20 "$dir/worker.log" >&2
			exit 1
		fi
		sleep 0.5
	done
	address=$(head -1 "$dir/address")
	workers+=("    worker $i  //$account  $address  metrics :$((PROMETHEUS_PORT + i))  gateway :$((GATEWAY_PORT + i))")
	gateways+=("\"$("$WORKER_BIN" key show --key-dir "$dir/keys" | awk '/^account:/ {print $2}')\": \"http://127.0.0.1:$((GATEWAY_PORT + i))\"")
	[ $i -eq 1 ] && bootstrap=(--bootstrap "$address")
done

(IFS=,; echo "{${gateways[*]}}") >"$DATA/gateways.json"

cat <<INFO

  Enigma devnet is up.
    chain RPC (WebSocket + HTTP): ws://127.0.0.1:$RPC_PORT
    Prometheus metrics:           http://127.0.0.1:$PROMETHEUS_PORT/metrics
    polkadot-js Apps:             https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A$RPC_PORT#/explorer
    node log:                     $DATA/node.log
    sudo / dev accounts:          //Alice (sudo), //Bob, //Charlie, //Dave, //Eve, //Ferdie
    workers (registered and staked; DHT addresses):
$(printf '%s\n' "${workers[@]}")
    worker logs:                  $DATA/worker{1..4}/worker.log
    worker HTTP gateways (SDK):   $DATA/gateways.json
    web dApp (blind vote):        cd examples/web-vote && npm run dev   (after bash sdk/build.sh)
    enigma CLI:                   export ENIGMA_TRUST_RPC=1   (a dev chain has no GRANDPA finality
                                  proofs to check the node's answers with; it is your own node)

  Press Ctrl-C to stop.

INFO
tail -f "$DATA/node.log" --pid "${pids[0]}" | grep --line-buffered -E '🏆 Imported|💤 Idle|ERROR|WARN' &
pids+=($!)
wait "${pids[0]}"
