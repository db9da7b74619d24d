#!/usr/bin/env bash
# The same sealbox-bench workload against a throwaway Sealbox and a throwaway Dovecot on this machine, one after the
# other, then a Markdown table per server and the ratio per operation (bench/README.md, "Sealbox vs Dovecot").
#
#   bench/dovecot/sealbox-vs-dovecot.sh [--out DIR] [--users 4] [--connections 2] [--lmtp-rate 20/s] [--duration 20s]
#                                       [--mix KIND=W,...] [--servers "sealbox dovecot"]
#
# For each server: start it (run-sealbox.sh / run-dovecot.sh, same users and passwords, Argon2id at 3 passes x 32 MiB,
# loopback, self-signed certificate verified with --cafile), fill every INBOX to the prefill (a short sealbox-bench
# run, not measured), then the measured run with --server-pid and --json, and stop it. Server CPU and memory are also
# measured over the whole process tree (proctree.py): Dovecot is a process per connection, and --server-pid only
# sees its master. Needs build/sealbox and build/bench/sealbox_bench/sealbox-bench.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=bench/dovecot
out=/tmp/sealbox-vs-dovecot users=4 conns=2 rate=20/s duration=20s servers="sealbox dovecot" mix=()
while (($#)); do
  case $1 in
    --out) out=$2; shift 2 ;;
    --users) users=$2; shift 2 ;;
    --connections) conns=$2; shift 2 ;;
    --lmtp-rate) rate=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --servers) servers=$2; shift 2 ;;
    --mix) mix=(--mix "$2"); shift 2 ;;
    *) sed -n '2,13p' "$0"; exit 2 ;;
  esac
done
mkdir -p "$out"
bench=build/bench/sealbox_bench/sealbox-bench
for server in $servers; do
  "$here/run-$server.sh" start --users "$users" > "$out/$server.env"
  # shellcheck disable=SC1090
  . "$out/$server.env"
  trap '"$here/run-$server.sh" stop "$DIR"' EXIT
  common=(--imap "127.0.0.1:$IMAPS_PORT" --users "$users" --user-pattern 'user{n}' --password-pattern 'password{n}'
          --cafile "$CAFILE")
  "$bench" "${common[@]}" --connections 1 --duration 100ms --max-ops 1 > "$out/$server.prefill.txt" 2>&1 || true
  uptime > "$out/$server.loadavg"
  cpu0=$(python3 "$here/proctree.py" cpu "$PID")
  python3 "$here/proctree.py" watch "$PID" "$out/$server.mem" & watcher=$!
  echo "== $server: $bench ${common[*]} --connections $conns --lmtp 127.0.0.1:$LMTP_PORT --lmtp-rate $rate" \
       "${mix[*]} --server-pid $PID --duration $duration --json $out/$server.json" | tee "$out/$server.txt"
  rc=0
  "$bench" "${common[@]}" --connections "$conns" --lmtp "127.0.0.1:$LMTP_PORT" --lmtp-rate "$rate" "${mix[@]}" \
    --server-pid "$PID" --duration "$duration" --json "$out/$server.json" >> "$out/$server.txt" 2>&1 || rc=$?
  sleep 1  # let Dovecot reap the processes of the closed connections (their CPU then counts in cutime)
  cpu1=$(python3 "$here/proctree.py" cpu "$PID")
  kill "$watcher"; wait "$watcher" || true
  echo "exit status $rc; process tree: $(echo "$cpu1 - $cpu0" | bc) CPU s; peak RSS/PSS MiB, processes: $(cat "$out/$server.mem")" \
    | tee -a "$out/$server.txt"
  echo "$cpu0 $cpu1" > "$out/$server.cpu"
  cat "$out/$server.txt"
  "$here/run-$server.sh" stop "$DIR"
  trap - EXIT
done
[[ -f $out/sealbox.json && -f $out/dovecot.json ]] && python3 "$here/ratio.py" "$out"
