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

# Ports come from 20000 up to the start of the kernel's ephemeral range:
# a port inside that range can be taken by any outgoing connection between
# the reservation and the server's bind ("address already in use").
ephemeral_low=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
span=$((ephemeral_low > 21000 ? ephemeral_low - 20000 : 1000))
found=0
start=$((20000 + (RANDOM * 32768 + RANDOM) % span))
for ((i = 0; i < span && found < count; i++)); do
  port=$((20000 + (start - 20000 + i) % span))
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
