#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install what is needed, build, then walk through the encrypted store
# on a temporary data root: create a user, deliver mail as an MTA would, verify it, and show that nothing on disk
# is readable. (When the IMAPS server lands, this runs `sealbox demo` instead.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh

root=$(mktemp -d /tmp/sealbox-demo-XXXXXX)
password=$(head -c 12 /dev/urandom | base64 | tr -d '/+=')
pwfile="$root.password"
printf '%s\n' "$password" > "$pwfile"
chmod 600 "$pwfile"
sb() { build/sealbox --root "$root" "$@"; }

sb init >/dev/null
sb user add demo --password-file "$pwfile"
for i in 1 2 3; do
  printf 'From: Alice <alice@example.org>\r\nTo: demo@localhost\r\nSubject: Demo message %s\r\n\r\nHello from the demo, message %s.\r\n' "$i" "$i" \
    | sb deliver --user demo
done
echo
echo "Delivered 3 messages without the user's password (sealed to the user's public key):"
sb check demo --password-file "$pwfile"
echo
echo "Files under $root (names are random ids; contents are encrypted):"
find "$root" -type f | sed "s|$root/||" | sort | sed 's/^/  /'
if grep -rq "Demo message" "$root"; then
  echo "ERROR: plaintext found on disk" >&2
  exit 1
fi
echo
echo "grep -r 'Demo message' finds nothing on disk. The demo user's password is: $password"
echo "Try: build/sealbox --root $root check demo        (it prompts for the password)"
