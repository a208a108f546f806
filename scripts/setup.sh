#!/usr/bin/env bash
# Installs what `make run` and `make test` need, skipping whatever is already present.
# Everything comes from the package registries (crates.io, npm, Debian); nothing is downloaded from elsewhere.
# The versions here must match Cargo.toml (wasm-bindgen = "=0.2.130") and Trunk.toml ([tools]).
set -euo pipefail
cd "$(dirname "$0")/.."
. "$HOME/.cargo/env" 2>/dev/null || true

TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130

say() { echo "setup: $*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

command -v cargo >/dev/null || { echo "setup: cargo is missing: install Rust with rustup"; exit 1; }

# The wasm-bindgen in Cargo.lock must be the CLI's version, or the generated glue does not match.
locked=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock 2>/dev/null || true)
if [ -n "$locked" ] && [ "$locked" != "$WASM_BINDGEN_VERSION" ]; then
  echo "setup: Cargo.lock has wasm-bindgen $locked but scripts/setup.sh and Trunk.toml pin $WASM_BINDGEN_VERSION"; exit 1
fi

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (about 9 minutes on 2 cores)"
  cargo install --locked "trunk@$TRUNK_VERSION"
fi

if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ] ||
   [ "$(wasm-bindgen-test-runner --version 2>/dev/null)" != "wasm-bindgen-test-runner $WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 4 minutes)"
  # Without --locked: its lock file pins a webpki-roots that no longer resolves.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  say "installing Debian's chromium and chromium-driver"
  as_root apt-get update
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y chromium chromium-driver
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  say "installing Node.js and npm from Debian"
  as_root apt-get update
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y nodejs npm
fi

# binaryen (wasm-opt version_132, for Trunk), terser (minifies the JS glue in scripts/postbuild.mjs)
# and playwright-core, exactly as package-lock.json says.
if [ ! -x node_modules/.bin/wasm-opt ] || [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/terser ] ||
   [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing the npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi

say "ok: $(trunk --version), $(wasm-bindgen --version), wasm-opt $(node_modules/.bin/wasm-opt --version | awk '{print $3}'), $(chromium --version 2>/dev/null | head -1)"
