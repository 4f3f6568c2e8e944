# Helpers for tests/integration/<case>/run.sh (sourced). Every wait is bounded.
set -euo pipefail

: "${DM_BIN_DIR:?DM_BIN_DIR must point at build/bin}"
DM_SOURCE_DIR=${DM_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok - $*"; }

# alloc_ports N: reserves N free loopback ports (released by cleanup_ports).
ALLOCATED_PORTS=()
alloc_ports() {
  mapfile -t ALLOCATED_PORTS < <("$DM_SOURCE_DIR/scripts/alloc-port.sh" "$1")
}
cleanup_ports() {
  [ ${#ALLOCATED_PORTS[@]} -eq 0 ] || "$DM_SOURCE_DIR/scripts/alloc-port.sh" --release "${ALLOCATED_PORTS[@]}"
}

# wait_http URL [SECONDS]: waits until URL answers 200.
wait_http() {
  local url=$1 deadline=$((SECONDS + ${2:-20}))
  until curl -fsS -o /dev/null "$url" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.1
  done
}

# wait_exit PID [SECONDS]: waits for PID to exit and returns its status.
wait_exit() {
  local pid=$1 deadline=$((SECONDS + ${2:-20}))
  while kill -0 "$pid" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then
      kill -9 "$pid" 2>/dev/null || true
      echo "process $pid did not exit in time" >&2
      return 124
    fi
    sleep 0.1
  done
  wait "$pid"
}
