#!/usr/bin/env bash
# The committed local-testnet chain spec (chain-specs/local-testnet.raw.json).
#
#   scripts/chain-spec.sh regenerate   export it anew from the node's `local_testnet` preset
#   scripts/chain-spec.sh check        fail when its genesis state (accounts, balances,
#                                      validators, sudo, council) differs from the node's preset
#
# The check ignores the runtime code (`:code`): a spec fixes its genesis code when it is
# exported, while the runtime moves on; regenerate when a new network should start from it.
set -euo pipefail
source "$(dirname "$0")/env.sh"
SPEC="$ROOT/chain-specs/local-testnet.raw.json"

case "${1:-}" in
regenerate)
	"$NODE_BIN" export-chain-spec --chain local --raw --output "$SPEC" 2>/dev/null
	log "wrote $SPEC"
	;;
check)
	fresh="$(mktemp)"
	trap 'rm -f "$fresh"' EXIT
	"$NODE_BIN" export-chain-spec --chain local --raw --output "$fresh" >/dev/null 2>&1
	node "$ROOT/scripts/compare-genesis.mjs" "$SPEC" "$fresh"
	;;
*)
	sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'
	[ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ] || exit 2
	;;
esac
