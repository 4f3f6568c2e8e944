#!/usr/bin/env bash
# CTest fixture for integration tests: starts the shared upstream and
# downstream MariaDB instances once per ctest run and writes their endpoints to
# DIR/env (KEY=VALUE lines read by tests/testutil/test_env.h and run.sh cases).
#
#   tests/env/mariadb-env.sh up|down DIR
set -euo pipefail
action=${1:?up|down}
dir=${2:?DIR}
here=$(cd "$(dirname "$0")/../.." && pwd)
env_file="$dir/env"
export DM_INSTANCE_ROOT="$dir/instances"
export DM_INSTANCE_PASSWORD=dm-test-pw

case "$action" in
  up)
    mkdir -p "$dir"
    if [ -f "$env_file" ]; then
      # A previous run that was interrupted: stop what it left behind first.
      "$0" down "$dir" || true
    fi
    rm -rf "$DM_INSTANCE_ROOT"
    mapfile -t ports < <("$here/scripts/alloc-port.sh" 2)
    "$here/scripts/mariadb-instance.sh" up upstream "${ports[0]}"
    "$here/scripts/mariadb-instance.sh" up downstream "${ports[1]}"
    cat >"$env_file.tmp" <<ENV
DM_TEST_UPSTREAM_PORT=${ports[0]}
DM_TEST_UPSTREAM_USER=dm
DM_TEST_UPSTREAM_PASSWORD=$DM_INSTANCE_PASSWORD
DM_TEST_UPSTREAM_SOCKET=$DM_INSTANCE_ROOT/upstream/mysqld.sock
DM_TEST_DOWNSTREAM_PORT=${ports[1]}
DM_TEST_DOWNSTREAM_USER=dm
DM_TEST_DOWNSTREAM_PASSWORD=$DM_INSTANCE_PASSWORD
DM_TEST_DOWNSTREAM_SOCKET=$DM_INSTANCE_ROOT/downstream/mysqld.sock
ENV
    mv "$env_file.tmp" "$env_file"
    ;;
  down)
    [ -f "$env_file" ] || { echo "no test environment in $dir"; exit 0; }
    up_port=$(sed -n 's/^DM_TEST_UPSTREAM_PORT=//p' "$env_file")
    down_port=$(sed -n 's/^DM_TEST_DOWNSTREAM_PORT=//p' "$env_file")
    "$here/scripts/mariadb-instance.sh" down upstream "$up_port"
    "$here/scripts/mariadb-instance.sh" down downstream "$down_port"
    "$here/scripts/alloc-port.sh" --release "$up_port" "$down_port"
    rm -f "$env_file"
    ;;
  *) echo "usage: $0 up|down DIR" >&2; exit 2 ;;
esac
