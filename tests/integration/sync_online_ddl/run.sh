#!/usr/bin/env bash
# Online schema changes upstream (online-ddl: true, DM's default): the task
# lists its tables by name (do-tables), so the tools' shadow and trash tables
# are outside it, as in most real tasks. (do-dbs keeps database-level DDL of
# other tests' databases in the shared binlog out too.)
#
# 1. pt-online-schema-change (Debian's percona-toolkit) adds a column to t1
#    while a writer changes t1: the shadow table's copy and trigger rows are
#    not replicated, its ALTER runs on the target's t1 at the swap.
# 2. gh-ost's statements, written by hand since Debian has no gh-ost: the
#    changelog and shadow tables, two ALTERs of the shadow table, its copy,
#    the cut-over rename and the drops. dm-worker stops between the ALTERs
#    and the rename (--exit-when-synced), so the second run must find the
#    kept ALTERs in `{task}_onlineddl`.
# Afterwards rows using the new columns arrive, dm-diff finds both tables
# equal, the target has no shadow or trash table, and nothing stays kept.
source "$(dirname "$0")/../_utils/lib.sh"
use_shared_mariadb
work=$(mktemp -d)
db="od_$$_$RANDOM"
writer_pid=
cleanup() {
  [ -z "$writer_pid" ] || kill "$writer_pid" 2>/dev/null || true
  sql "$up_port" -e "DROP DATABASE IF EXISTS ${db}_other" || true
  cleanup_sync_case src-1
}
trap cleanup EXIT
alloc_ports 1

for port in "$up_port" "$down_port"; do
  sql "$port" -e "CREATE DATABASE $db; USE $db;
    CREATE TABLE t1 (id INT PRIMARY KEY, v VARCHAR(20));
    CREATE TABLE t2 (id INT PRIMARY KEY, v VARCHAR(20), gone INT);"
done
sql "$up_port" -D "$db" -e "INSERT INTO t1 SELECT seq, CONCAT('v', seq) FROM seq_1_to_2000;
  INSERT INTO t2 SELECT seq, CONCAT('w', seq), seq FROM seq_1_to_500;"
sql "$down_port" -D "$db" -e "INSERT INTO t1 SELECT seq, CONCAT('v', seq) FROM seq_1_to_2000;
  INSERT INTO t2 SELECT seq, CONCAT('w', seq), seq FROM seq_1_to_500;"
read -r binlog_file binlog_pos _ < <(sql "$up_port" -e "SHOW MASTER STATUS")

write_source_yaml "src-1"
cat >"$work/task.yaml" <<YAML
name: "$db"
task-mode: incremental
meta-schema: "${db}_meta"
target-database: {host: "127.0.0.1", port: $down_port, user: "dm", password: "$pw"}
block-allow-list:
  named:
    do-dbs: ["$db"]
    do-tables: [{db-name: "$db", tbl-name: "t1"}, {db-name: "$db", tbl-name: "t2"}]
mysql-instances:
  - {source-id: "src-1", block-allow-list: "named", meta: {binlog-name: "$binlog_file", binlog-pos: $binlog_pos}}
YAML
run_worker() {
  "$DM_BIN_DIR/dm-worker" --task "$work/task.yaml" --source "$work/source.yaml" --exit-when-synced \
    --worker-addr "127.0.0.1:${ALLOCATED_PORTS[0]}" --log-file "$work/worker.log" 2>>"$work/worker.err" ||
    fail "dm-worker failed: $(tail -3 "$work/worker.err") $(tail -3 "$work/worker.log")"
}
diff_equal() {
  "$DM_BIN_DIR/dm-diff" --task "$work/task.yaml" --source "$work/source.yaml" >"$work/diff.out" 2>&1 ||
    fail "$1: dm-diff finds differences: $(tail -5 "$work/diff.out")"
}

# 1. pt-online-schema-change under a concurrent writer (bounded: 400 rounds).
(for i in $(seq 400); do
  sql "$up_port" -D "$db" -e "UPDATE t1 SET v = 'w$i' WHERE id = $((i % 2000 + 1));
    INSERT INTO t1 (id, v) VALUES ($((10000 + i)), 'new'); DELETE FROM t1 WHERE id = $((i + 1000))" || exit 1
done) &
writer_pid=$!
pt-online-schema-change --alter "ADD COLUMN c INT NOT NULL DEFAULT 7, ADD KEY k_v (v)" \
  "h=127.0.0.1,P=$up_port,u=dm,p=$pw,D=$db,t=t1" --recursion-method=none --execute >"$work/ptosc.log" 2>&1 ||
  fail "pt-online-schema-change failed: $(tail -5 "$work/ptosc.log")"
wait "$writer_pid" || fail "the writer failed"
writer_pid=
sql "$up_port" -D "$db" -e "INSERT INTO t1 VALUES (20001, 'after', 8); UPDATE t1 SET c = 9 WHERE id = 1"
run_worker
diff_equal "after pt-online-schema-change"
grep -q "pt-online-schema-change\|_t1_new" "$work/ptosc.log" || fail "pt-online-schema-change did not use a shadow table"
[ "$(sql "$down_port" -D "$db" -e "SELECT COUNT(*) FROM information_schema.COLUMNS
  WHERE TABLE_SCHEMA = '$db' AND TABLE_NAME = 't1' AND COLUMN_NAME = 'c'")" = 1 ] || fail "the target's t1 has no column c"
pass "pt-online-schema-change: the shadow table's ALTER runs on the target's t1 at the swap (dm-diff)"

# 2. gh-ost's statements; the worker stops after the shadow's ALTERs.
sql "$up_port" -D "$db" -e "
  CREATE TABLE _t2_ghc (id BIGINT AUTO_INCREMENT PRIMARY KEY, hint VARCHAR(64), value VARCHAR(4096));
  INSERT INTO _t2_ghc (hint, value) VALUES ('state', 'GhostTableMigrated');
  CREATE TABLE _t2_gho LIKE t2;
  ALTER TABLE _t2_gho ADD COLUMN d VARCHAR(10) NOT NULL DEFAULT 'x';
  ALTER TABLE _t2_gho DROP COLUMN gone;
  INSERT INTO _t2_gho (id, v) SELECT id, v FROM t2;
  UPDATE t2 SET v = 'during' WHERE id = 1;
  REPLACE INTO _t2_gho (id, v) VALUES (1, 'during');
  CREATE DATABASE ${db}_other; CREATE TABLE ${db}_other._x_gho (id INT PRIMARY KEY);
  ALTER TABLE ${db}_other._x_gho ADD COLUMN y INT;"
run_worker
# Only this task's tables: a shadow table outside its block-allow-list (as
# ${db}_other's, or other tests' in the same binlog) leaves nothing kept.
[ "$(sql "$down_port" -e "SELECT GROUP_CONCAT(ghost_schema, '.', ghost_table) FROM ${db}_meta.\`${db}_onlineddl\`")" = "$db._t2_gho" ] ||
  fail "the shadow table's ALTERs are not kept in ${db}_onlineddl"
sql "$up_port" -D "$db" -e "
  CREATE TABLE _t2_del (id INT AUTO_INCREMENT PRIMARY KEY) COMMENT = 'ghost-cut-over-sentry';
  DROP TABLE _t2_del;
  RENAME TABLE t2 TO _t2_del, _t2_gho TO t2;
  DROP TABLE IF EXISTS _t2_ghc; DROP TABLE IF EXISTS _t2_del;
  INSERT INTO t2 VALUES (1000, 'after', 'y'); UPDATE t2 SET d = 'z' WHERE id = 2;"
run_worker
diff_equal "after the gh-ost statements"
[ "$(sql "$down_port" -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '$db' AND TABLE_NAME LIKE '\\_%'")" = 0 ] ||
  fail "shadow or trash tables reached the target"
[ "$(sql "$down_port" -e "SELECT COUNT(*) FROM ${db}_meta.\`${db}_onlineddl\`")" = 0 ] ||
  fail "kept ALTERs remain after the swaps"
pass "gh-ost statements across a restart: the kept ALTERs run on the target's t2 at the cut-over (dm-diff)"
