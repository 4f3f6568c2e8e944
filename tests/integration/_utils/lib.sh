# Helpers for tests/integration/<case>/run.sh (sourced). Every wait is bounded.
set -euo pipefail

: "${DM_BIN_DIR:?DM_BIN_DIR must point at build/bin}"
DM_SOURCE_DIR=${DM_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)}

fail() { echo "FAIL: $*" >&2; exit 1; }

# use_shared_mariadb: sets up_port, down_port and pw from the shared MariaDB
# pair that ctest's `mariadb` fixture started (DM_TEST_ENV_FILE).
use_shared_mariadb() {
  : "${DM_TEST_ENV_FILE:?run through ctest (needs the mariadb fixture)}"
  up_port=$(sed -n "s/^DM_TEST_UPSTREAM_PORT=//p" "$DM_TEST_ENV_FILE")
  down_port=$(sed -n "s/^DM_TEST_DOWNSTREAM_PORT=//p" "$DM_TEST_ENV_FILE")
  pw=$(sed -n "s/^DM_TEST_UPSTREAM_PASSWORD=//p" "$DM_TEST_ENV_FILE")
  [ -n "$up_port" ] && [ -n "$down_port" ] || fail "no MariaDB endpoints in $DM_TEST_ENV_FILE"
}

# sql PORT [mariadb args...]: the mariadb client as user dm (password $pw) on
# 127.0.0.1:PORT, utf8mb4, batch output without column names.
sql() { mariadb --no-defaults --default-character-set=utf8mb4 -N -B -h127.0.0.1 -P"$1" -udm -p"$pw" "${@:2}"; }
pass() { echo "ok - $*"; }

# tracker_prefix TASK SOURCE_ID: the scratch database prefix of that subtask's
# schema tracker, as the syncer makes it: "_dm_tracker_" and the low 32 bits
# of FNV-1a-64 over TASK, a NUL byte and SOURCE_ID (ASCII names), in hex.
tracker_prefix() {
  local bytes=() h=-3750763034362895579 i  # 0xcbf29ce484222325 as a signed 64-bit value
  for ((i = 0; i < ${#1}; i++)); do bytes+=("$(printf '%d' "'${1:i:1}")"); done
  bytes+=(0)
  for ((i = 0; i < ${#2}; i++)); do bytes+=("$(printf '%d' "'${2:i:1}")"); done
  for i in "${bytes[@]}"; do h=$(((h ^ i) * 1099511628211)); done
  printf '_dm_tracker_%08x' $((h & 0xffffffff))
}

# write_source_yaml SOURCE_ID: $work/source.yaml for the shared upstream
# (user dm, password $pw).
write_source_yaml() {
  printf 'source-id: "%s"\nfrom: {host: "127.0.0.1", port: %s, user: "dm", password: "%s"}\n' "$1" "$up_port" "$pw" \
    >"$work/source.yaml"
}

# drop_task_databases TASK SOURCE_ID: drops database TASK on both servers,
# TASK_meta and that subtask's schema tracker scratch databases on the target
# (other tests' stay), for tests whose task and database share a name.
drop_task_databases() {
  local prefix
  prefix=$(tracker_prefix "$1" "$2")
  sql "$up_port" -e "DROP DATABASE IF EXISTS \`$1\`" || true
  sql "$down_port" -e "DROP DATABASE IF EXISTS \`$1\`; DROP DATABASE IF EXISTS \`${1}_meta\`" || true
  sql "$down_port" -e "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE LEFT(SCHEMA_NAME, ${#prefix} + 1) = '${prefix}_'" |
    while read -r scratch; do sql "$down_port" -e "DROP DATABASE IF EXISTS \`$scratch\`" || true; done
}

# cleanup_sync_case SOURCE_ID: the end of a sync test (its EXIT trap) whose
# task is named $db: drop_task_databases, then cleanup_work.
cleanup_sync_case() {
  drop_task_databases "$db" "$1"
  cleanup_work
}

# cleanup_work: releases the test's ports and removes $work (kept with
# DM_KEEP_WORK), the last step of every EXIT trap.
cleanup_work() {
  cleanup_ports
  [ -n "${DM_KEEP_WORK:-}" ] && echo "kept $work" >&2 || rm -rf "$work"
}

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

# use_private_mariadb_pair: for tests that restart servers or change their
# settings: a fresh $work directory, a private upstream "up$$" and target
# "down$$" (scripts/mariadb-instance.sh; user dm, password $pw) on up_port and
# down_port, plus a free worker_port. `instance up|down NAME PORT` restarts
# one (DM_EXTRA_CNF adds server settings). On exit the background jobs are
# killed, both instances stopped and $work removed.
use_private_mariadb_pair() {
  command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || fail "mariadbd not found; run scripts/install-deps.sh"
  work=$(mktemp -d)
  export DM_INSTANCE_ROOT="$work/instances" DM_INNODB_BUFFER_POOL=64M
  pw=${DM_INSTANCE_PASSWORD:-dm-test-pw}
  alloc_ports 3
  up_port=${ALLOCATED_PORTS[0]} down_port=${ALLOCATED_PORTS[1]} worker_port=${ALLOCATED_PORTS[2]}
  trap _cleanup_private_pair EXIT
  instance up "up$$" "$up_port"
  instance up "down$$" "$down_port"
}
instance() { "$DM_SOURCE_DIR/scripts/mariadb-instance.sh" "$1" "$2" "$3" >/dev/null; }
_cleanup_private_pair() {
  kill -9 $(jobs -p) 2>/dev/null || true
  instance down "up$$" "$up_port" || true
  instance down "down$$" "$down_port" || true
  cleanup_ports
  rm -rf "$work"
}
