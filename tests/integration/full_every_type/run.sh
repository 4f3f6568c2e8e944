#!/usr/bin/env bash
# Every column type and edge value (tests/data/sql/every_type.sql: zero dates,
# multi-MB BLOBs, 0x00 bytes, emoji, latin1 and binary character sets, generated
# columns, a keyless table with duplicate rows, identifiers needing quoting)
# through a standalone task-mode full run, then through sync (task-mode
# incremental from the position after the load): inserts, updates (also of
# the primary key, so both row images carry every type) and deletes on every
# table; dm-diff must find them byte-identical after each.
source "$(dirname "$0")/../_utils/lib.sh"
use_shared_mariadb
work=$(mktemp -d)
db="types_$$_$RANDOM"
trap 'sql "$up_port" -e "DROP DATABASE IF EXISTS $db" || true; sql "$down_port" -e "DROP DATABASE IF EXISTS $db; DROP DATABASE IF EXISTS ${db}_meta; DROP DATABASE IF EXISTS ${db}_meta2" || true; cleanup_ports; rm -rf "$work"' EXIT
alloc_ports 1

sql "$up_port" -e "CREATE DATABASE $db CHARACTER SET utf8mb4"
sql "$up_port" --max-allowed-packet=256M -D "$db" <"$DM_SOURCE_DIR/tests/data/sql/every_type.sql"
write_source_yaml "types-src"
cat >"$work/task.yaml" <<YAML
name: "$db"
task-mode: full
meta-schema: "${db}_meta"
target-database: {host: "127.0.0.1", port: $down_port, user: "dm", password: "$pw"}
block-allow-list:
  only: {do-dbs: ["$db"]}
mydumpers:
  tiny: {threads: 2, rows: 2, statement-size: 4096}
loaders:
  here: {pool-size: 2, dir: "$work/dump"}
mysql-instances:
  - {source-id: "types-src", block-allow-list: "only", mydumper-config-name: "tiny", loader-config-name: "here"}
YAML
"$DM_BIN_DIR/dm-worker" --task "$work/task.yaml" --source "$work/source.yaml" \
  --worker-addr "127.0.0.1:${ALLOCATED_PORTS[0]}" --log-file "$work/worker.log" ||
  fail "the full task failed: $(tail -5 "$work/worker.log")"
pass "task-mode full finished"
DM_DIFF_SOURCE_PASSWORD=$pw DM_DIFF_TARGET_PASSWORD=$pw "$DM_BIN_DIR/dm-diff" \
  --source "dm@127.0.0.1:$up_port" --target "dm@127.0.0.1:$down_port" --schema "$db" ||
  fail "the target differs from the upstream"
pass "every type arrived byte-identical"

# Sync: every type through WRITE, UPDATE and DELETE rows events.
read -r binlog_file binlog_pos < <(sql "$up_port" -e "SHOW MASTER STATUS" | cut -f1,2)
cat >"$work/sync.yaml" <<YAML
name: "${db}_s"
task-mode: incremental
meta-schema: "${db}_meta2"
target-database: {host: "127.0.0.1", port: $down_port, user: "dm", password: "$pw"}
block-allow-list:
  only: {do-dbs: ["$db"]}
syncers:
  few: {worker-count: 3, batch: 5}
mysql-instances:
  - {source-id: "types-src", block-allow-list: "only", syncer-config-name: "few",
     meta: {binlog-name: "$binlog_file", binlog-pos: $binlog_pos}}
YAML
cols="ti, tu, si, su, mi, mu, i, iu, bi, bu, dc, dc65, d0, f, d, c, vc, l1, bc, bn, vb, tb, bl, mb, lb, tt, tx, mt, lt, js,
  dt, dt0, ts, dd, tm, tm0, yr, b, b64, e, el, s, g, pt, i4, i6, uu"
sql "$up_port" --max-allowed-packet=256M -D "$db" -e "
  INSERT INTO types (id, $cols) SELECT id + 10, $cols FROM types;
  UPDATE types SET id = id + 100 WHERE id > 10;
  UPDATE types SET vc = CONCAT(IFNULL(vc, ''), 'ü'), f = -f, d = d / 3, b = b ^ 1, yr = 0 WHERE id <= 4;
  DELETE FROM types WHERE id IN (2, 114);
  UPDATE \`no pk \`\`tick\`\` 日本\` SET \`a\`\`b\` = CONCAT(\`a\`\`b\`, '!') WHERE \`select\` = 3;
  DELETE FROM \`no pk \`\`tick\`\` 日本\` WHERE \`select\` = 1 AND \`a\`\`b\` = '' LIMIT 1;
  DELETE FROM \`no pk \`\`tick\`\` 日本\` WHERE \`select\` IS NULL;
  UPDATE \`latin1 table\` SET v = CONCAT(v, CHAR(233)), t = NULL WHERE id = 1;
  UPDATE \`binary table\` SET id = 5, v = X'FF00' WHERE id = 1;
  UPDATE \`order\` SET \`key\` = 'c' WHERE \`key\` = 'B';
  INSERT INTO \`empty\` VALUES (1), (2); DELETE FROM \`empty\` WHERE id = 1;"
# sync_and_diff NAME: runs $work/NAME.yaml until synced, then dm-diff.
sync_and_diff() {
  "$DM_BIN_DIR/dm-worker" --task "$work/$1.yaml" --source "$work/source.yaml" --exit-when-synced \
    --worker-addr "127.0.0.1:${ALLOCATED_PORTS[0]}" --log-file "$work/$1.log" ||
    fail "the incremental task $1 failed: $(grep -i error "$work/$1.log" | tail -5)"
  DM_DIFF_SOURCE_PASSWORD=$pw DM_DIFF_TARGET_PASSWORD=$pw "$DM_BIN_DIR/dm-diff" \
    --source "dm@127.0.0.1:$up_port" --target "dm@127.0.0.1:$down_port" --schema "$db" >"$work/diff.out" 2>&1 ||
    fail "after sync ($1) the target differs from the upstream: $(grep -v '^\[OK\]' "$work/diff.out" | head -20)"
}
sync_and_diff sync
pass "every type arrived byte-identical through inserts, key-changing updates and deletes in sync"

# Sync again with DM's merging on (compact and multiple-rows, as DM's task
# template sets them): within one batch the changes of a key fold (insert,
# update, delete, insert again) and the rest go out as multi-row INSERT,
# INSERT ... ON DUPLICATE KEY UPDATE and DELETE ... IN statements; a VARCHAR
# key (`order`) merges runs but does not fold, a keyless table stays per row.
read -r binlog_file binlog_pos < <(sql "$up_port" -e "SHOW MASTER STATUS" | cut -f1,2)
sed -e "s/^name: .*/name: \"${db}_c\"/" -e "s/few: {worker-count: 3, batch: 5}/few: {worker-count: 2, batch: 60, compact: true, multiple-rows: true}/" \
  -e "s/binlog-name: \"[^\"]*\", binlog-pos: [0-9]*/binlog-name: \"$binlog_file\", binlog-pos: $binlog_pos/" \
  "$work/sync.yaml" >"$work/compact.yaml"
grep -q "compact: true" "$work/compact.yaml" || fail "the compact task did not get its settings"
sql "$up_port" --max-allowed-packet=256M -D "$db" -e "
  BEGIN;
  INSERT INTO types (id, $cols) SELECT id + 1000, $cols FROM types;
  UPDATE types SET tu = 7, vc = CONCAT(IFNULL(vc, ''), ' ✓'), dt = '2001-02-03 04:05:06.7' WHERE id > 1000;
  DELETE FROM types WHERE id = 1001;
  UPDATE types SET i = IFNULL(i, 0) DIV 2, js = JSON_ARRAY(id) WHERE id IN (1, 3, 4);
  UPDATE types SET bi = IFNULL(bi, 0) DIV 3, e = 'ö' WHERE id IN (1, 3, 4);
  DELETE FROM types WHERE id = 3;
  INSERT INTO types (id, $cols) SELECT 3, $cols FROM types WHERE id = 1003;
  UPDATE types SET id = 5 WHERE id = 4;
  UPDATE types SET tu = 8 WHERE id = 5;
  COMMIT;
  INSERT INTO \`empty\` VALUES (7), (8), (9); DELETE FROM \`empty\` WHERE id IN (2, 8); INSERT INTO \`empty\` VALUES (8);
  BEGIN; DELETE FROM \`empty\` WHERE id = 9; INSERT INTO \`empty\` VALUES (9); DELETE FROM \`empty\` WHERE id = 7; COMMIT;
  INSERT INTO \`order\` VALUES ('x', 10), ('y', 11); UPDATE \`order\` SET \`group\` = \`group\` + 1;
  DELETE FROM \`order\` WHERE \`key\` IN ('a', 'x'); INSERT INTO \`order\` VALUES ('A', 12);
  INSERT INTO \`binary table\` VALUES (3, X'01', X'02'), (4, NULL, ''); UPDATE \`binary table\` SET v = X'00' WHERE id > 2;
  DELETE FROM \`binary table\` WHERE id = 3;
  INSERT INTO \`no pk \`\`tick\`\` 日本\` VALUES (5, 'five', X'05'), (5, 'five', X'05');
  UPDATE \`no pk \`\`tick\`\` 日本\` SET \`c d\` = X'06' WHERE \`select\` = 5 LIMIT 1;"
sync_and_diff compact
pass "every type arrived byte-identical through folded and merged changes (compact, multiple-rows)"

# --start-time: sync starts from the first transaction stamped at or after the
# time (SET TIMESTAMP puts two in March 2037), ahead of the checkpoint. The
# binlog file is rotated first: an earlier file may hold events other tests
# stamped further ahead (start_time_integration_test in June 2037,
# cluster_start_time in December 2037), which would come first; the scan
# starts in the newest file that began before the time.
sql "$up_port" -e "FLUSH BINARY LOGS"
future=2119478400  # 2037-03-01 UTC
sql "$up_port" -D "$db" -e "CREATE TABLE st (id INT PRIMARY KEY, note VARCHAR(10));"
sql "$down_port" -D "$db" -e "CREATE TABLE st (id INT PRIMARY KEY, note VARCHAR(10));"
sql "$up_port" -D "$db" -e "SET TIMESTAMP = $((future + 100)); INSERT INTO st VALUES (1, 'before');
  SET TIMESTAMP = $((future + 200)); INSERT INTO st VALUES (2, 'after'); SET TIMESTAMP = DEFAULT;"
at=$(date -u -d "@$((future + 150))" +%Y-%m-%dT%H:%M:%SZ)
sed -e "s/^name: .*/name: \"${db}_t\"/" "$work/compact.yaml" >"$work/start.yaml"
for round in 1 2; do
  "$DM_BIN_DIR/dm-worker" --task "$work/start.yaml" --source "$work/source.yaml" --exit-when-synced --start-time "$at" \
    --worker-addr "127.0.0.1:${ALLOCATED_PORTS[0]}" --log-file "$work/start.log" ||
    fail "the task with --start-time $at failed: $(grep -i error "$work/start.log" | tail -5)"
  got=$(sql "$down_port" -D "$db" -e "SELECT GROUP_CONCAT(id ORDER BY id) FROM st")
  [ "$got" = 2 ] || fail "--start-time $at (round $round): the target has st ids '$got', expected only 2"
  # Round 2: the checkpoint is past both, --start-time still starts at the
  # time, and the replayed insert of row 2 (already on the target) runs in
  # safe mode up to where the checkpoint stood.
done
pass "--start-time starts from the first transaction at or after the time, ahead of the checkpoint, in safe mode up to it"
