#!/usr/bin/env bash
# scripts/mariadb-instance.sh as tests and users rely on it: independent
# instances with the replication settings dm needs, idempotent `up`, `status`
# exit codes, and `down` stopping exactly the named instance.
source "$(dirname "$0")/../_utils/lib.sh"
work=$(mktemp -d)
export DM_INSTANCE_ROOT="$work" DM_INSTANCE_PASSWORD=inst-test-pw
script="$DM_SOURCE_DIR/scripts/mariadb-instance.sh"
alloc_ports 2
a=${ALLOCATED_PORTS[0]} b=${ALLOCATED_PORTS[1]}
trap '"$script" down inst-a "$a" >/dev/null; "$script" down inst-b "$b" >/dev/null; cleanup_ports; rm -rf "$work"' EXIT

"$script" up inst-a "$a" >/dev/null
DM_BINLOG_ROW_METADATA=FULL "$script" up inst-b "$b" >/dev/null
q() { mariadb --no-defaults -N -B -h127.0.0.1 -P"$1" -udm -p"$DM_INSTANCE_PASSWORD" -e "$2"; }

settings="SELECT @@server_id, @@log_bin, @@binlog_format, @@binlog_row_image, @@gtid_strict_mode, @@binlog_row_metadata"
read -r sid_a log_bin fmt image strict meta_a <<<"$(q "$a" "$settings")"
read -r sid_b _ _ _ _ meta_b <<<"$(q "$b" "$settings")"
[ "$log_bin" = 1 ] && [ "$fmt" = ROW ] && [ "$image" = FULL ] && [ "$strict" = 1 ] ||
  fail "replication settings: log_bin=$log_bin format=$fmt image=$image gtid_strict=$strict"
[ "$sid_a" != "$sid_b" ] || fail "both instances have server_id $sid_a"
[ "$meta_a" = NO_LOG ] || fail "binlog_row_metadata should stay at the server default, got $meta_a"
[ "$meta_b" = FULL ] || fail "DM_BINLOG_ROW_METADATA=FULL was not applied, got $meta_b"
q "$a" "SHOW GRANTS" | grep -q "ALL PRIVILEGES" || fail "the dm user lacks privileges"
pass "instances carry the replication settings dm needs"

"$script" up inst-a "$a" | grep -q "already running" || fail "a second up is not idempotent"
"$script" status inst-a "$a" >/dev/null || fail "status of a running instance is not 0"
pass "up is idempotent; status reports a running instance"

pid_b=$(cat "$work/inst-b/mysqld.pid")
"$script" down inst-a "$a" >/dev/null
set +e
"$script" status inst-a "$a" >/dev/null
code=$?
set -e
[ "$code" = 3 ] || fail "status of a stopped instance should exit 3, got $code"
kill -0 "$pid_b" 2>/dev/null || fail "stopping inst-a stopped inst-b too"
q "$b" "SELECT 1" >/dev/null || fail "inst-b no longer answers"
pass "down stops exactly the named instance"
