#!/usr/bin/env bash
# Fails when the build graph holds two versions of a heavy crate: every polkadot-sdk crate must
# come from one release line, and libp2p must be the one sc-network compiles.
set -euo pipefail
source "$(dirname "$0")/env.sh"
case "${1:-}" in -h | --help) sed -n '2,3p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac
cd "$ROOT"
heavy="sp-runtime sp-core sp-io frame-support sc-network libp2p wasmtime jsonrpsee ark-ff"
# `cargo tree -d` prints each duplicated package at depth 0, followed by what pulls it in.
dups=$(cargo tree --locked --workspace -d -e normal,build --prefix depth --format ' {p}' \
	| awk '$1 == "0" {print $2, $3}' | sort -u)
failed=0
for crate in $heavy; do
	versions=$(echo "$dups" | awk -v c="$crate" '$1 == c {print $2}' | sort -u | tr '\n' ' ')
	if [ "$(echo $versions | wc -w)" -gt 1 ]; then
		echo "duplicate crate: $crate $versions"
		failed=1
	fi
done
if cargo tree --locked --workspace -e normal,build --prefix none --format '{p}' 2>/dev/null | grep -q '^librocksdb-sys'; then
	echo "RocksDB is in the build graph: keep sc-cli/sc-service default features off"
	failed=1
fi
if [ $failed -eq 0 ]; then
	echo "duplicate-crate check: one version each of: $heavy; no RocksDB"
fi
exit $failed
