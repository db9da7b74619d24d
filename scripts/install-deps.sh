#!/usr/bin/env bash
# Installs every Debian 12 package that building, testing and benchmarking Sealbox needs.
# Idempotent and non-interactive; run as root (or through sudo). Safe to re-run.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config clang libfuzzer-14-dev
  # libraries (DESIGN.md: the stack)
  libtbb-dev libasio-dev android-libboringssl-dev libsodium-dev libbrotli-dev
  libboost-test-dev zlib1g-dev libtomlplusplus-dev libcli11-dev libspdlog-dev
  # third-party clients used by the interop tests
  python3 isync swaks openssl neomutt offlineimap3
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  SUDO=""
  [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
