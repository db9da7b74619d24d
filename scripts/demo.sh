#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install what is needed, build, then run `sealbox demo`: an IMAPS
# server on a free port of 127.0.0.1 with a self-signed certificate, a demo user with a printed password and a few
# sample messages, in a temporary data directory that is removed when it stops (Ctrl-C).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
exec build/sealbox demo "$@"
