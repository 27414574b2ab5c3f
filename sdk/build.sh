#!/usr/bin/env bash
# Builds @enigma/sdk: the protocol's Rust (sdk/wasm) as WebAssembly, then the TypeScript.
# Needs the wasm32-unknown-unknown target (scripts/install-deps.sh adds it) and Node.js 20.
set -euo pipefail
cd "$(dirname "$0")"
source ../scripts/env.sh
echo "sdk: building the WebAssembly module..." >&2
cargo build --locked --profile sdk-wasm --target wasm32-unknown-unknown -p enigma-sdk-wasm
mkdir -p dist
cp "$CARGO_TARGET_DIR/wasm32-unknown-unknown/sdk-wasm/enigma_sdk_wasm.wasm" dist/enigma.wasm
[ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error
echo "sdk: compiling the TypeScript..." >&2
npx tsc -p .
echo "sdk: dist/ ready ($(du -h dist/enigma.wasm | cut -f1) of WebAssembly)" >&2
