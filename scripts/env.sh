# Shared settings for every script; source it, don't run it.
# One cargo target directory outside the clone, so rebuilds (and CI runs) are incremental.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/enigma-target}"
# With the target outside the workspace the runtime's wasm build must be told where Cargo.lock is.
export WASM_BUILD_WORKSPACE_HINT="$ROOT"
export PATH="$HOME/.cargo/bin:$PATH"
NODE_BIN="$CARGO_TARGET_DIR/debug/enigma-node"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
