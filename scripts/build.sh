#!/usr/bin/env bash
# Configures and builds Sealbox into build/ (RelWithDebInfo, Ninja, ccache when present), two jobs at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2
