#!/usr/bin/env bash
# Shard tables merged into one target table by a wildcard route: row changes
# of both shards are synced, and a DDL on a shard pauses the subtask (the
# worker exits 1 naming the statement and the merged table) instead of
# running once per shard; the checkpoint stays before the DDL.
source "$(dirname "$0")/../_utils/lib.sh"
use_shared_mariadb
work=$(mktemp -d)
db="sd_$$_$RANDOM"
trap 'sql "$up_port" -e "DROP DATABASE IF EXISTS ${db}_up" || true; sql "$down_port" -e "DROP DATABASE IF EXISTS $db; DROP DATABASE IF EXISTS ${db}_meta" || true; cleanup_ports; rm -rf "$work"' EXIT
alloc_ports 1

sql "$up_port" -e "CREATE DATABASE ${db}_up"
sql "$up_port" -D "${db}_up" -e "
  CREATE TABLE orders_1 (id INT PRIMARY KEY, v VARCHAR(10));
  CREATE TABLE orders_2 (id INT PRIMARY KEY, v VARCHAR(10));
  INSERT INTO orders_1 VALUES (1, 'a'), (2, 'b');
  INSERT INTO orders_2 VALUES (101, 'c');"
write_source_yaml "shards"
cat >"$work/task.yaml" <<YAML
name: "$db"
task-mode: all
meta-schema: "${db}_meta"
target-database: {host: "127.0.0.1", port: $down_port, user: "dm", password: "$pw"}
block-allow-list:
  only: {do-dbs: ["${db}_up"]}
routes:
  merge: {schema-pattern: "${db}_up", table-pattern: "orders_*", target-schema: "$db", target-table: "orders"}
  schema: {schema-pattern: "${db}_up", target-schema: "$db"}
loaders:
  here: {dir: "$work/dump"}
mysql-instances:
  - {source-id: "shards", block-allow-list: "only", route-rules: ["merge", "schema"], loader-config-name: "here"}
YAML
run() {
  "$DM_BIN_DIR/dm-worker" --task "$work/task.yaml" --source "$work/source.yaml" --exit-when-synced \
    --worker-addr "127.0.0.1:${ALLOCATED_PORTS[0]}" --log-file "$work/worker.log" 2>"$work/worker.err"
}
run || fail "the all-mode run failed: $(tail -3 "$work/worker.err")"
sql "$up_port" -D "${db}_up" -e "INSERT INTO orders_2 VALUES (102, 'd'); UPDATE orders_1 SET v = 'z' WHERE id = 1;"
run || fail "the catch-up run failed: $(tail -3 "$work/worker.err")"
[ "$(sql "$down_port" -e "SELECT GROUP_CONCAT(id, v ORDER BY id) FROM $db.orders")" = "1z,2b,101c,102d" ] ||
  fail "the merged table lacks shard rows: $(sql "$down_port" -e "SELECT * FROM $db.orders")"
pass "rows of both shards merged by the route"

sql "$up_port" -D "${db}_up" -e "ALTER TABLE orders_1 ADD COLUMN extra INT; INSERT INTO orders_2 VALUES (103, 'e');"
set +e
run
code=$?
set -e
[ "$code" -eq 1 ] || fail "a DDL on a merged shard did not stop the worker (exit $code)"
grep -q "which several upstream tables are merged into" "$work/worker.err" ||
  fail "the error does not explain the merge: $(cat "$work/worker.err")"
grep -q "orders_1" "$work/worker.err" || fail "the error does not name the statement: $(cat "$work/worker.err")"
[ "$(sql "$down_port" -e "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_SCHEMA='$db' AND TABLE_NAME='orders' AND COLUMN_NAME='extra'")" = 0 ] ||
  fail "the DDL reached the merged table"
pass "a DDL on a merged shard pauses the subtask with the statement and the merged table named"
