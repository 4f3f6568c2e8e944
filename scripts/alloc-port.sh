#!/usr/bin/env bash
# Port allocator for tests and demos, so concurrent runs (ctest -j, several
# checkouts) never pick the same port.
#
#   scripts/alloc-port.sh [COUNT]      print COUNT reserved free ports, one a line
#   scripts/alloc-port.sh --release PORT...
#
# A reservation is a directory $DM_PORT_DIR/PORT (default /tmp/dm-ports),
# created atomically with mkdir; a port is handed out only if nothing listens
# on it. Reservations older than 12 hours are taken to be stale.
set -euo pipefail
lock_dir=${DM_PORT_DIR:-/tmp/dm-ports}
mkdir -p "$lock_dir"

if [ "${1:-}" = "--release" ]; then
  shift
  for port in "$@"; do rm -rf "${lock_dir:?}/$port"; done
  exit 0
fi

count=${1:-1}
find "$lock_dir" -mindepth 1 -maxdepth 1 -type d -mmin +720 -exec rm -rf {} + 2>/dev/null || true

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

found=0
start=$((20000 + (RANDOM * 32768 + RANDOM) % 20000))
for ((i = 0; i < 20000 && found < count; i++)); do
  port=$((20000 + (start - 20000 + i) % 20000))
  mkdir "$lock_dir/$port" 2>/dev/null || continue
  if listening "$port"; then
    rmdir "$lock_dir/$port"
    continue
  fi
  echo "$port"
  found=$((found + 1))
done
if [ "$found" -lt "$count" ]; then
  echo "$0: found only $found free ports of $count" >&2
  exit 1
fi
