#!/bin/sh
# Entry point of a devnet worker container (docker/docker-compose.yml), the counterpart of
# scripts/devnet.sh: makes the worker's keys on first start (account $ACCOUNT, e.g. //Bob),
# publishes its DHT address in $SHARED/$NAME.addr for the others, joins through the address
# $BOOTSTRAP_FROM published (if set), and runs the worker.
#
#   ACCOUNT=//Bob NAME=bob [BOOTSTRAP_FROM=bob] [RPC=ws://chain:9944] docker/worker.sh
set -eu
: "${ACCOUNT:?set ACCOUNT, e.g. //Bob}" "${NAME:?set NAME, e.g. bob}"
DATA=${DATA:-/data}
SHARED=${SHARED:-/shared}
RPC=${RPC:-ws://chain:9944}
P2P_PORT=${P2P_PORT:-30400}
METRICS_PORT=${METRICS_PORT:-9616}
HOST_IP=${HOST_IP:-$(hostname -i | cut -d' ' -f1)}
WORKER=${ENIGMA_WORKER:-enigma-worker}

[ -f "$DATA/keys/account.seed" ] || "$WORKER" key generate --key-dir "$DATA/keys" --account "$ACCOUNT" >/dev/null
peer=$("$WORKER" key show --key-dir "$DATA/keys" | sed -n 's/^peer id: *//p')
mkdir -p "$SHARED"
echo "/ip4/$HOST_IP/tcp/$P2P_PORT/p2p/$peer" >"$SHARED/$NAME.addr.tmp"
mv "$SHARED/$NAME.addr.tmp" "$SHARED/$NAME.addr"

set --
if [ -n "${BOOTSTRAP_FROM:-}" ]; then
	while [ ! -s "$SHARED/$BOOTSTRAP_FROM.addr" ]; do
		echo "waiting for $BOOTSTRAP_FROM to publish its address..." >&2
		sleep 1
	done
	set -- --bootstrap "$(cat "$SHARED/$BOOTSTRAP_FROM.addr")"
fi
exec "$WORKER" run --key-dir "$DATA/keys" --data-dir "$DATA" --rpc "$RPC" \
	--listen "/ip4/0.0.0.0/tcp/$P2P_PORT" --prometheus-port "$METRICS_PORT" --prometheus-external "$@"
