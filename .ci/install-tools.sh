#!/usr/bin/env bash
# Installs every tool the build and the tests need, each only when missing or at
# the wrong version, so a fresh machine and a warm one run the same script.
# Versions are pinned here and nowhere else (see README.md, "Testing").
set -euo pipefail

CARGO_LEPTOS_VERSION=0.3.11
WASM_BINDGEN_VERSION=0.2.129   # must equal the `=` pin of wasm-bindgen in Cargo.toml

here=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$HOME/.cargo/bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }

step "rust target wasm32-unknown-unknown"
rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
rustup component list --installed | grep -q '^rustfmt' || rustup component add rustfmt
rustup component list --installed | grep -q '^clippy' || rustup component add clippy

step "chromium (Debian package; Playwright cannot download browsers here)"
if ! command -v chromium >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
fi

step "wasm-bindgen-cli $WASM_BINDGEN_VERSION"
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --locked
fi

step "cargo-leptos $CARGO_LEPTOS_VERSION (no_downloads build)"
if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  # Its lockfile pins cargo-util-schemas 0.14.2, which needs a newer rustc than we
  # have; 0.14.1 works. `no_downloads` because only package registries are reachable.
  cargo info "cargo-leptos@$CARGO_LEPTOS_VERSION" >/dev/null
  crate=$(ls "$HOME"/.cargo/registry/cache/*/cargo-leptos-"$CARGO_LEPTOS_VERSION".crate | head -n1)
  tmp=$(mktemp -d)
  tar xzf "$crate" -C "$tmp"
  (
    cd "$tmp/cargo-leptos-$CARGO_LEPTOS_VERSION"
    cargo update -p cargo-util-schemas --precise 0.14.1
    CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      cargo install --path . --locked --features no_downloads
  )
  rm -rf "$tmp"
fi

step "npm packages of end2end/ (Playwright, binaryen's wasm-opt)"
if [ -f "$here/end2end/package-lock.json" ]; then
  (cd "$here/end2end" && { [ -d node_modules ] && npm ls --silent >/dev/null 2>&1 || npm ci --no-audit --no-fund; })
fi

step "tools ready"
