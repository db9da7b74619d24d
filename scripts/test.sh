#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: install what is needed, build, run every test through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
ctest --test-dir build -j2 --output-on-failure --timeout 1200
