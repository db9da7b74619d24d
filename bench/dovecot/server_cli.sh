# shellcheck shell=bash
# The command line both run-dovecot.sh and run-sealbox.sh offer, sourced after they define start(), stop() and
# usage(): `run` (default: start, stay in the foreground, stop and remove everything on Ctrl-C/TERM/exit),
# `start` (start and return; prints KEY=VALUE lines, also kept in DIR/env), `stop DIR`.
# server_main NAME "$@"   (NAME only labels the message printed while running)
server_main() {
  local name=$1
  shift
  local cmd=${1:-run}
  [[ $cmd == -* ]] && cmd=run || shift || true
  case $cmd in
    start) start "$@" ;;
    stop) stop "$@" ;;
    run)
      STARTED_DIR=""
      # shellcheck disable=SC2317  # called by the traps
      cleanup() { local d=$STARTED_DIR; STARTED_DIR=""; [[ -z $d ]] || stop "$d"; }
      trap 'cleanup; exit 0' INT TERM
      trap cleanup EXIT
      start "$@"
      echo "$name running; Ctrl-C stops it and removes $STARTED_DIR" >&2
      while kill -0 "$(sed -n 's/^PID=//p' "$STARTED_DIR/env")" 2>/dev/null; do sleep 1; done
      ;;
    *) usage ;;
  esac
}
