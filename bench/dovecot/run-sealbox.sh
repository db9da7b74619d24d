#!/usr/bin/env bash
# A throwaway Sealbox on loopback, set up like bench/dovecot/run-dovecot.sh sets up Dovecot, for sealbox-bench.
#
#   bench/dovecot/run-sealbox.sh [run]   [--users N] [--port P] [--lmtp-port P] [--sealbox PATH]   # foreground; Ctrl-C stops
#   bench/dovecot/run-sealbox.sh start   [--users N] [--port P] [--lmtp-port P] [--sealbox PATH]   # background
#   bench/dovecot/run-sealbox.sh stop DIR
#
# `sealbox init` in a temporary root, IMAPS and LMTP on 127.0.0.1 (free ports unless given), a self-signed
# certificate (openssl), users user1..userN (default 4) with passwords password1..passwordN at the default KDF cost
# (Argon2id, 3 passes, 32 MiB). --sealbox defaults to build/sealbox. Prints KEY=VALUE lines (also in DIR/env):
# DIR IMAPS_PORT LMTP_PORT CAFILE PID.
set -euo pipefail
cd "$(dirname "$0")/../.."

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start() {
  local users=4 port="" lport="" sealbox=build/sealbox
  while (($#)); do
    case $1 in
      --users) users=$2; shift 2 ;;
      --port) port=$2; shift 2 ;;
      --lmtp-port) lport=$2; shift 2 ;;
      --sealbox) sealbox=$2; shift 2 ;;
      *) usage ;;
    esac
  done
  sealbox=$(realpath "$sealbox")
  [[ -n $port ]] || port=$(free_port)
  [[ -n $lport ]] || lport=$(free_port)
  local dir
  dir=$(mktemp -d /tmp/sealbox-bench.XXXXXX)
  "$sealbox" --root "$dir/root" init >/dev/null
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
    -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
    -keyout "$dir/root/tls/key.pem" -out "$dir/root/tls/fullchain.pem" 2>/dev/null
  sed -i -e "s|^listen = \[\"0.0.0.0:993\", \"\[::\]:993\"\]|listen = [\"127.0.0.1:$port\"]|" \
         -e "s|^listen = \[\"127.0.0.1:24\"\]|listen = [\"127.0.0.1:$lport\"]|" "$dir/root/sealbox.toml"
  if ! grep -q "127.0.0.1:$port" "$dir/root/sealbox.toml" || ! grep -q "127.0.0.1:$lport" "$dir/root/sealbox.toml"; then
    echo "could not set the listen addresses in sealbox.toml" >&2; rm -rf "$dir"; exit 1
  fi
  local i
  for ((i = 1; i <= users; i++)); do
    echo "password$i" | "$sealbox" --root "$dir/root" user add --password-file - "user$i" >/dev/null
  done
  "$sealbox" --root "$dir/root" serve --ports-file "$dir/ports" >"$dir/sealbox.log" 2>&1 &
  local pid=$! n
  for ((n = 0; n < 100; n++)); do
    [[ -s $dir/ports ]] && break
    kill -0 "$pid" 2>/dev/null || { cat "$dir/sealbox.log" >&2; rm -rf "$dir"; exit 1; }
    sleep 0.1
  done
  echo "$pid" > "$dir/pid"
  printf 'DIR=%s\nIMAPS_PORT=%s\nLMTP_PORT=%s\nCAFILE=%s\nPID=%s\nUSERS=%s\n' \
    "$dir" "$port" "$lport" "$dir/root/tls/fullchain.pem" "$pid" "$users" | tee "$dir/env"
  STARTED_DIR=$dir
}

stop() {
  local dir=${1:?stop DIR}
  [[ -f $dir/pid && $dir == /tmp/sealbox-bench.* ]] || { echo "not a run-sealbox.sh directory: $dir" >&2; exit 1; }
  local pid; pid=$(cat "$dir/pid")
  kill "$pid" 2>/dev/null || true
  for ((n = 0; n < 100; n++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  rm -rf "$dir"
}

# shellcheck source=bench/dovecot/server_cli.sh
source "$(dirname "$0")/server_cli.sh"
server_main Sealbox "$@"
