# The two commands of the README: `make run` builds and serves the app, `make test` runs every test.
# Both install what is missing first (idempotently, from the package registries only).
SHELL := /bin/bash
.DEFAULT_GOAL := help
SHARED ?= $(abspath ../shared)
PORT ?= 8080

.PHONY: help setup setup-native test test-native run bench fuzz conformance
.PHONY: dist single-file test-wasm test-e2e perf

help:
	@echo "make run   - build the app (Trunk, release) and serve dist/ on http://127.0.0.1:$(PORT)/"
	@echo "make test  - every test: native (cargo), conformance, wasm (headless Chromium), end to end (Playwright)"

# Native toolchain pieces only (what `cargo test` needs).
setup-native:
	@command -v cargo >/dev/null || { echo "cargo is missing: install Rust with rustup"; exit 1; }

setup: setup-native
	@bash scripts/setup.sh

test-native: setup-native
	cargo test --workspace --exclude meshsim-web

conformance: setup-native
	cargo build --release --bin meshsim
	$(SHARED)/istio-inject-conformance/run -- target/release/meshsim inject

# Criterion benchmarks: engine against its parse-and-print floor, refusals of hostile input, the cluster.
bench: setup-native
	cargo bench -p meshsim-inject --bench inject
	cargo bench -p meshsim-kubectl

# libFuzzer on the engine for FUZZ_SECONDS (needs the nightly toolchain; installs cargo-fuzz if missing).
FUZZ_SECONDS ?= 300
fuzz: setup-native
	@command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
	cd fuzz && cargo +nightly fuzz run inject -- -max_total_time=$(FUZZ_SECONDS) -max_len=16384 -rss_limit_mb=2048

test: setup test-native test-wasm test-e2e

run: dist
	node scripts/serve.mjs dist $(PORT)

# --- The web app (meshsim-web, the root package) ---
# Trunk and wasm-bindgen come from ~/.cargo/bin, wasm-opt (binaryen 132) from node_modules/.bin;
# Trunk must find them on PATH, or it tries to download them.
WEB_ENV := PATH="$(CURDIR)/node_modules/.bin:$$HOME/.cargo/bin:$$PATH" TRUNK_SKIP_VERSION_CHECK=true

# dist/: the app for any static host, under any path (relative URLs, service worker).
dist: setup
	$(WEB_ENV) trunk build --release
	$(WEB_ENV) trunk build --release --dist dist/cluster cluster.html

# dist/meshsim-inject.html: the whole app in one file (JS inlined, wasm embedded) for file://.
single-file: dist
	node scripts/single-file.mjs dist dist/meshsim-inject.html

# Unit and component tests compiled to wasm, run by wasm-bindgen-test-runner in headless Chromium.
test-wasm: setup
	$(WEB_ENV) CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown -p meshsim-web

# End to end: Playwright (playwright-core + Debian's Chromium) against dist/ and the single file,
# compared with the meshsim CLI.
test-e2e: single-file
	cargo build --release --bin meshsim
	node tests/e2e/run.mjs

# Sizes (raw, gzip, brotli) and timings (first paint, refresh after a keystroke): prints a report.
perf: single-file
	node tests/e2e/perf.mjs
