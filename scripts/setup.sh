#!/usr/bin/env bash
# Installs what a fresh machine lacks to build and test Enigma. Idempotent: cheap when all is there.
#   apt:    protobuf-compiler (litep2p's build script), Node.js + npm (end-to-end tests), Chromium
#           (the web dApp's browser test)
#   rustup: the wasm32v1-none target and rust-src (the runtime's wasm build), wasm32-unknown-unknown
#           (the SDK's WebAssembly module)
#   npm:    polkadot-js and playwright-core for the end-to-end tests (scripts/e2e), the SDK's
#           build (sdk) and the web dApp's (examples/web-vote), from their package-lock.json files
set -euo pipefail
source "$(dirname "$0")/env.sh"
case "${1:-}" in -h | --help) sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;; esac

need_apt=()
command -v protoc >/dev/null || need_apt+=(protobuf-compiler)
command -v node >/dev/null || need_apt+=(nodejs)
command -v npm >/dev/null || need_apt+=(npm)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
if [ ${#need_apt[@]} -gt 0 ]; then
	log "apt-get install ${need_apt[*]}"
	SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null; then
	echo "cargo is missing: install Rust with rustup (https://rustup.rs) first" >&2
	exit 1
fi
if ! rustup target list --installed | grep -qx wasm32v1-none; then
	log "rustup target add wasm32v1-none"
	rustup target add wasm32v1-none
fi
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
	log "rustup target add wasm32-unknown-unknown"
	rustup target add wasm32-unknown-unknown
fi
if ! rustup component list --installed | grep -q '^rust-src'; then
	log "rustup component add rust-src"
	rustup component add rust-src
fi

if [ ! -d "$ROOT/scripts/e2e/node_modules/playwright-core" ]; then
	log "npm ci (scripts/e2e)"
	(cd "$ROOT/scripts/e2e" && npm ci --no-audit --no-fund --loglevel=error)
fi
if [ ! -d "$ROOT/sdk/node_modules/typescript" ]; then
	log "npm ci (sdk)"
	(cd "$ROOT/sdk" && npm ci --no-audit --no-fund --loglevel=error)
fi
if [ ! -d "$ROOT/examples/web-vote/node_modules/vite" ]; then
	log "npm ci (examples/web-vote)"
	(cd "$ROOT/examples/web-vote" && npm ci --no-audit --no-fund --loglevel=error)
fi
