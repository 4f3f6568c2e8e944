#!/usr/bin/env bash
# A two-source, sharded `task-mode: full` task through routes and a
# block-allow-list, run by a standalone dm-worker that is killed with -9 in the
# overlapped phase (a table already loaded from a dump that is still running,
# docs/design/overlapped_full.md), then once during the dump and once during
# the load; the rerun must finish with a target equal to the upstreams row by
# row (dm-diff), the lost snapshot's rows gone, the ignored table absent and
# query-status served while it runs.
source "$(dirname "$0")/../_utils/lib.sh"
use_shared_mariadb
work=$(mktemp -d)
db="fs_$$_$RANDOM"
cleanup() {
  kill -9 $(jobs -p) 2>/dev/null || true
  sql "$up_port" -e "DROP DATABASE IF EXISTS ${db}_a; DROP DATABASE IF EXISTS ${db}_b" || true
  sql "$down_port" -e "DROP DATABASE IF EXISTS ${db}; DROP DATABASE IF EXISTS ${db}_own; DROP DATABASE IF EXISTS ${db}_meta" || true
  cleanup_ports
  rm -rf "$work"
}
trap cleanup EXIT
alloc_ports 1
status_url="http://127.0.0.1:${ALLOCATED_PORTS[0]}/apis/v1alpha1/status/$db"

# Two sources' shards (on one server, told apart by their block-allow-lists).
for shard in a b; do
  sql "$up_port" -e "CREATE DATABASE ${db}_$shard CHARACTER SET utf8mb4"
done
table_sql='(id BIGINT PRIMARY KEY, shard CHAR(1) NOT NULL, amount DECIMAL(12,2), note VARCHAR(200), payload VARBINARY(64))'
sql "$up_port" -e "CREATE TABLE ${db}_a.orders_1 $table_sql; CREATE TABLE ${db}_a.orders_2 $table_sql;
  CREATE TABLE ${db}_b.orders_3 $table_sql; CREATE TABLE ${db}_a.tmp_log (id INT PRIMARY KEY);
  CREATE TABLE ${db}_a.customers $table_sql;
  INSERT INTO ${db}_a.tmp_log VALUES (1);"
fill() {  # fill SCHEMA TABLE FIRST_ID COUNT
  sql "$up_port" -D "$1" -e "INSERT INTO $1.$2 SELECT $3 + seq, '${1: -1}', (seq % 100000) / 100 - 500,
    CONCAT(REPEAT('n', seq % 150), IF(seq % 11 = 0, '🚀;\\\\n''x', '')), UNHEX(SHA2(seq, 256)) FROM seq_1_to_$4"
}
fill "${db}_a" orders_1 0 150000
fill "${db}_a" orders_2 1000000 150000
fill "${db}_b" orders_3 2000000 150000
# Only src-a loads into ${db}_own.customers: it takes rows while the dump runs.
fill "${db}_a" customers 3000000 60000

for shard in a b; do
  cat >"$work/source-$shard.yaml" <<YAML
source-id: "src-$shard"
from:
  host: "127.0.0.1"
  port: $up_port
  user: "dm"
  password: "$("$DM_BIN_DIR/dmctl" encrypt "$pw")"
YAML
done
cat >"$work/task.yaml" <<YAML
name: "$db"
task-mode: full
meta-schema: "${db}_meta"
target-database: {host: "127.0.0.1", port: $down_port, user: "dm", password: "$pw"}
routes:
  merge-orders: {schema-pattern: "${db}_*", table-pattern: "orders_*", target-schema: "$db", target-table: "orders"}
  merge-schema: {schema-pattern: "${db}_*", target-schema: "$db"}
  own-customers: {schema-pattern: "${db}_a", table-pattern: "customers", target-schema: "${db}_own"}
block-allow-list:
  only-a: {do-dbs: ["${db}_a"], ignore-tables: [{db-name: "${db}_a", tbl-name: "tmp_log"}]}
  only-b: {do-dbs: ["${db}_b"]}
mydumpers:
  small: {threads: 2, rows: 10000}
loaders:
  slow: {pool-size: 2, dir: "$work/dump"}
mysql-instances:
  - {source-id: "src-a", block-allow-list: "only-a", route-rules: ["merge-orders", "merge-schema", "own-customers"],
     mydumper-config-name: "small", loader-config-name: "slow"}
  - {source-id: "src-b", block-allow-list: "only-b", route-rules: ["merge-orders", "merge-schema"],
     mydumper-config-name: "small", loader-config-name: "slow"}
YAML

run_worker() {
  "$DM_BIN_DIR/dm-worker" --task "$work/task.yaml" --source "$work/source-a.yaml" --source "$work/source-b.yaml" \
    --worker-addr "127.0.0.1:${ALLOCATED_PORTS[0]}" --log-file "$work/worker.log" 2>>"$work/worker.err" &
  worker_pid=$!
}

# kill_in UNIT: kills the worker with -9 once query-status shows UNIT under way.
kill_in() {
  local deadline=$((SECONDS + 60))
  while kill -0 "$worker_pid" 2>/dev/null && [ $SECONDS -lt $deadline ]; do
    if curl -fsS "$status_url" >"$work/status.json" 2>/dev/null &&
       grep -q "\"unit\": \"$1\"" "$work/status.json" &&
       grep -Eq "\"finished(Bytes|Rows)\": \"[1-9]" "$work/status.json"; then
      kill -9 "$worker_pid"
      wait "$worker_pid" 2>/dev/null || true
      return 0
    fi
    sleep 0.05
  done
  fail "the worker never reached a running $1 unit (or finished before it could be killed)"
}

# Killed right after a file of the early table was committed, dump unfinished.
# Whether a file finishes loading before the dump ends depends on scheduling:
# a run where the dump won the race (exit 0) is undone and tried again.
for attempt in 1 2 3 4 5; do
  DM_CRASH_POINT=load.early-file-done run_worker
  set +e
  wait_exit "$worker_pid" 120
  code=$?
  set -e
  [ "$code" -eq 0 ] || break
  echo "attempt $attempt: the dump finished before any early file was loaded; starting over" >&2
  sql "$down_port" -e "DROP DATABASE IF EXISTS ${db}; DROP DATABASE IF EXISTS ${db}_own; DROP DATABASE IF EXISTS ${db}_meta"
  rm -rf "$work/dump"
done
[ "$code" -eq 137 ] || fail "the crash point in the overlapped phase did not kill the worker (exit $code)"
[ ! -e "$work/dump/$db.src-a/metadata" ] || fail "the dump of src-a finished before the kill"
early=$(sql "$down_port" -e "SELECT COUNT(*) FROM ${db}_own.customers")
[ "$early" -gt 0 ] || fail "no rows were loaded before the dump finished"
# Rows of the lost snapshot that the upstream no longer has must not survive.
sql "$up_port" -e "DELETE FROM ${db}_a.customers WHERE id % 7 = 0; UPDATE ${db}_a.customers SET note = 'changed' WHERE id % 5 = 0"
pass "killed -9 in the overlapped phase with $early rows of an unfinished dump on the target"

run_worker
kill_in Dump
grep -q 'dump that never finished' "$work/worker.log" || fail "the rerun did not discard the lost snapshot's rows"
grep -q '"sources"' "$work/status.json" && grep -q '"subTaskStatus"' "$work/status.json" ||
  fail "query-status body lacks DM's fields: $(cat "$work/status.json")"
pass "query-status served during the dump; killed -9 mid-dump"

run_worker
kill_in Load
pass "rerun redid the dump and was killed -9 mid-load"

run_worker
wait_exit "$worker_pid" 300 || fail "the final run failed: $(tail -5 "$work/worker.err")"
pass "the final run finished with exit 0"

"$DM_BIN_DIR/dm-diff" --task "$work/task.yaml" --source "$work/source-a.yaml" --source "$work/source-b.yaml" ||
  fail "the merged target differs from the shards"
[ "$(sql "$down_port" -e "SELECT COUNT(*) FROM ${db}_own.customers")" = \
  "$(sql "$up_port" -e "SELECT COUNT(*) FROM ${db}_a.customers")" ] || fail "customers lost or kept rows"
[ "$(sql "$down_port" -e "SELECT COUNT(*) FROM ${db}_meta.\`${db}_early_load\`")" = 0 ] ||
  fail "the early-load record was not cleared"
[ "$(sql "$down_port" -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA='$db'")" = 1 ] ||
  fail "the target has tables besides the merged one (tmp_log must be filtered out)"
left=$(sql "$down_port" -e "SELECT COUNT(*) FROM ${db}_meta.\`${db}_loader_checkpoint\` WHERE \`offset\` < end_pos")
[ "$left" = 0 ] || fail "$left loader checkpoint rows are unfinished"
[ ! -e "$work/dump/$db.src-a" ] || fail "clean-dump-file: the dump files were not removed"
pass "target equals the union of the shards, row by row"
