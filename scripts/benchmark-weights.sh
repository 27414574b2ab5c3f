#!/usr/bin/env bash
# Regenerates the weights.rs of every Enigma pallet from its benchmarks: builds the runtime
# with `runtime-benchmarks`, runs each pallet's benchmarks with frame-omni-bencher (installed
# once into ~/.cache/omni-bencher; it needs clang), and writes pallets/*/src/weights.rs from
# scripts/weights-template.hbs. Takes a while (the tool's first build alone is ~30 min on two
# cores); not part of scripts/test.sh, which runs the benchmarks once each as tests.
#
#   scripts/benchmark-weights.sh [--steps N] [--repeat N] [PALLET ...]
set -euo pipefail
source "$(dirname "$0")/env.sh"
steps=20
repeat=5
pallets=()
while [ $# -gt 0 ]; do
	case "$1" in
	--steps) steps="$2"; shift 2 ;;
	--repeat) repeat="$2"; shift 2 ;;
	-h | --help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) pallets+=("$1"); shift ;;
	esac
done
[ ${#pallets[@]} -gt 0 ] || pallets=(pallet_shared_identity pallet_data_registry pallet_workers pallet_secret_compute pallet_validator_set)

BENCHER="$HOME/.cache/omni-bencher/bin/frame-omni-bencher"
if [ ! -x "$BENCHER" ]; then
	command -v clang >/dev/null || { SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"; $SUDO apt-get install -y -qq libclang-dev clang >/dev/null; }
	log "installing frame-omni-bencher 0.28.0 (stable2609) into ~/.cache/omni-bencher"
	cargo install frame-omni-bencher --version 0.28.0 --locked --root "$HOME/.cache/omni-bencher" --target-dir "$HOME/.cache/omni-bencher/target"
fi

log "building the runtime with runtime-benchmarks"
cargo build --locked --release -p enigma-runtime --features runtime-benchmarks
WASM="$CARGO_TARGET_DIR/release/wbuild/enigma-runtime/enigma_runtime.compact.compressed.wasm"

declare -A dir=([pallet_shared_identity]=identity [pallet_data_registry]=data [pallet_workers]=workers
	[pallet_secret_compute]=compute [pallet_validator_set]=validators)
for pallet in "${pallets[@]}"; do
	out="$ROOT/pallets/${dir[$pallet]}/src/weights.rs"
	log "benchmarking $pallet ($steps steps, $repeat repeats) -> $out"
	"$BENCHER" v1 benchmark pallet --runtime "$WASM" --genesis-builder-preset development \
		--pallet "$pallet" --extrinsic '*' --steps "$steps" --repeat "$repeat" \
		--template "$ROOT/scripts/weights-template.hbs" --output "$out"
done
