#!/usr/bin/env bash
# The schema tracker's definitions at the sync start point, and DDL in the
# upstream session's character set (docs/design/syncer.md):
#
# 1. A task-mode full run dumps and loads a latin1 schema, keeping the dump.
#    Then, after that snapshot, the upstream gets rows, drops a column, and
#    creates a table without a charset (so it takes the schema's latin1); a
#    table the user pre-created on the target differs from the upstream's by
#    design (BIGINT for INT UNSIGNED, a longer VARCHAR). A task-mode all
#    run of the same task syncs from the dump's metadata: only definitions
#    seeded from the dump's schema files (one of them zstd-compressed) decode
#    those rows right; the target's tables and the upstream's current ones
#    do not. It then deletes the dump (clean-dump-file, after the syncer's
#    checkpoint holds the definitions).
#    A restart then seeds from the checkpoint, whose table_info keeps the
#    schema's collation.
# 2. A latin1 client creates and alters tables with non-ASCII DEFAULTs,
#    ENUM members and comments (latin1 and utf8mb4 columns), a utf8mb4
#    client one more; the target's SHOW CREATE TABLE and COLUMN_DEFAULTs must
#    equal the upstream's, and the rows too.
source "$(dirname "$0")/../_utils/lib.sh"
use_shared_mariadb
work=$(mktemp -d)
db="ss_$$_$RANDOM"
trap "cleanup_sync_case src-1" EXIT
alloc_ports 1
# The mariadb client in latin1: the statement bytes are latin1 (printf '\xe9').
sql_latin1() { mariadb --no-defaults --default-character-set=latin1 -N -B -h127.0.0.1 -P"$1" -udm -p"$pw" "${@:2}"; }

sql "$up_port" -e "CREATE DATABASE $db CHARACTER SET latin1"
sql "$up_port" -D "$db" -e "
  CREATE TABLE t_seed (id INT PRIMARY KEY, u INT UNSIGNED, s VARCHAR(20), gone INT);
  CREATE TABLE t_typed (id INT PRIMARY KEY, u INT UNSIGNED, s VARCHAR(20));
  INSERT INTO t_seed VALUES (1, 1, 'a', 10), (2, 2, 'b', 20);
  INSERT INTO t_typed VALUES (1, 1, 'a');"
# The user's target table: wider types, the same columns. (Row values keep
# their bytes, so a string column must keep its charset.)
sql "$down_port" -e "CREATE DATABASE $db CHARACTER SET latin1"
sql "$down_port" -D "$db" -e "CREATE TABLE t_typed (id BIGINT PRIMARY KEY, u BIGINT, s VARCHAR(40))"

write_source_yaml "src-1"
task_yaml() {  # task_yaml MODE CLEAN
  cat >"$work/task.yaml" <<YAML
name: "$db"
task-mode: $1
clean-dump-file: $2
meta-schema: "${db}_meta"
target-database: {host: "127.0.0.1", port: $down_port, user: "dm", password: "$pw"}
block-allow-list:
  only: {do-dbs: ["$db"]}
loaders:
  here: {dir: "$work/dump"}
mysql-instances:
  - {source-id: "src-1", block-allow-list: "only", loader-config-name: "here"}
YAML
}
run_worker() {
  "$DM_BIN_DIR/dm-worker" --task "$work/task.yaml" --source "$work/source.yaml" --exit-when-synced \
    --worker-addr "127.0.0.1:${ALLOCATED_PORTS[0]}" --log-file "$work/worker.log" 2>>"$work/worker.err"
}
task_yaml full false
run_worker || fail "the full run failed: $(tail -5 "$work/worker.err")"
dump="$work/dump/$db.src-1"
[ -f "$dump/$db.t_seed-schema.sql" ] || fail "the full run left no schema file in $dump"
zstd -q --rm "$dump/$db.t_seed-schema.sql" || fail "cannot compress the schema file"

# After the snapshot: rows the sync must decode with the snapshot's
# definitions, then the changes that make the other sources wrong.
sql "$up_port" -D "$db" -e "
  INSERT INTO t_seed VALUES (3, 4294967295, 'café', 30);
  ALTER TABLE t_seed DROP COLUMN gone;
  INSERT INTO t_seed VALUES (4, 4, 'über');
  INSERT INTO t_typed VALUES (2, 4294967295, 'naïve');
  CREATE TABLE t_later (id INT PRIMARY KEY, c VARCHAR(10));
  INSERT INTO t_later VALUES (1, 'Zürich');"

# DDL by a latin1 client (non-ASCII literals are latin1 bytes), then rows.
printf '%b' "
  CREATE TABLE c_latin1 (id INT PRIMARY KEY, e ENUM('a','\xe9t\xe9') DEFAULT '\xe9t\xe9',
    d VARCHAR(10) DEFAULT 'gr\xfc\xdf' COMMENT 'Gr\xf6\xdfe') CHARACTER SET latin1 COMMENT 'caf\xe9';
  CREATE TABLE c_utf8 (id INT PRIMARY KEY, e ENUM('x','\xdf') DEFAULT '\xdf', v VARCHAR(10) DEFAULT '\xf1')
    CHARACTER SET utf8mb4;
  ALTER TABLE c_latin1 ADD COLUMN m VARCHAR(5) CHARACTER SET utf8mb4 DEFAULT '\xe5' COMMENT '\xb5';
  INSERT INTO c_latin1 (id) VALUES (1);
  INSERT INTO c_latin1 VALUES (2, 'a', '\xe0', '\xe6');
  INSERT INTO c_utf8 (id) VALUES (1);
  INSERT INTO c_utf8 VALUES (2, 'x', '\xfe');" | sql_latin1 "$up_port" -D "$db" || fail "the latin1 client failed"
sql "$up_port" -D "$db" -e "
  CREATE TABLE c_u (id INT PRIMARY KEY, v VARCHAR(10) DEFAULT '€ü' COMMENT 'ключ') CHARACTER SET utf8mb4;
  INSERT INTO c_u (id) VALUES (1);"

task_yaml all true
run_worker || fail "the all-mode run failed: $(tail -5 "$work/worker.err")"

"$DM_BIN_DIR/dm-diff" --task "$work/task.yaml" --source "$work/source.yaml" \
  --tables "$db.t_seed,$db.t_later,$db.c_latin1,$db.c_utf8,$db.c_u" >"$work/diff.out" 2>&1 ||
  fail "target differs from the upstream: $(grep -v '^\[OK\]' "$work/diff.out" | head -20)"
# t_typed differs in types by design: compare the values.
typed="SELECT id, u, HEX(CONVERT(s USING utf8mb4)) FROM $db.t_typed ORDER BY id"
[ "$(sql "$up_port" -e "$typed")" = "$(sql "$down_port" -e "$typed")" ] ||
  fail "t_typed differs: upstream $(sql "$up_port" -e "$typed" | tr '\n' ' '), target $(sql "$down_port" -e "$typed" | tr '\n' ' ')"
grep -q "takes its table definitions from the dump" "$work/worker.log" || fail "the syncer did not take the dump's definitions"
[ ! -e "$dump" ] || fail "clean-dump-file: the dump directory $dump is still there"
pass "rows written before an upstream ALTER decode with the dump's definitions, also into a target table of other types"

for t in c_latin1 c_utf8 c_u t_later; do
  show="SHOW CREATE TABLE $db.$t"
  [ "$(sql "$up_port" -e "$show")" = "$(sql "$down_port" -e "$show")" ] ||
    fail "$t: SHOW CREATE TABLE differs: upstream $(sql "$up_port" -e "$show"), target $(sql "$down_port" -e "$show")"
done
defaults="SELECT TABLE_NAME, COLUMN_NAME, HEX(COLUMN_DEFAULT), HEX(COLUMN_COMMENT), COLUMN_TYPE FROM information_schema.COLUMNS
          WHERE TABLE_SCHEMA = '$db' AND TABLE_NAME LIKE 'c\\_%' ORDER BY TABLE_NAME, ORDINAL_POSITION"
[ "$(sql "$up_port" -e "$defaults")" = "$(sql "$down_port" -e "$defaults")" ] ||
  fail "column defaults differ: upstream $(sql "$up_port" -e "$defaults"), target $(sql "$down_port" -e "$defaults")"
[ "$(sql "$down_port" -e "SELECT HEX(CONVERT(e USING utf8mb4)) FROM $db.c_latin1 WHERE id = 1")" = "C3A974C3A9" ] ||
  fail "c_latin1's ENUM default is not 'été' on the target"
pass "DDL by a latin1 client (DEFAULT, ENUM, COMMENT in latin1 and utf8mb4 columns) gives the upstream's tables and rows"

# Resumed from the checkpoint (the dump is gone): its table_info keeps the
# schema's collation with the definitions; more rows and latin1 DDL follow.
cp="${db}_meta.${db}_syncer_checkpoint"
[ "$(sql "$down_port" -e "SELECT COUNT(*) FROM $cp WHERE cp_table = 't_seed' AND table_info LIKE '%\"schema_collation\":\"latin1_swedish_ci\"%'")" = 1 ] ||
  fail "the checkpoint's table_info lacks the schema collation: $(sql "$down_port" -e "SELECT table_info FROM $cp WHERE cp_table = 't_seed'")"
point() { sql "$down_port" -e "SELECT CONCAT(binlog_name, ':', binlog_pos) FROM $cp WHERE cp_table = '$1'"; }
later_before=$(point t_later) seed_before=$(point t_seed) utf8_before=$(point c_utf8)
sql "$up_port" -D "$db" -e "INSERT INTO t_seed VALUES (5, 5, 'fünf'); INSERT INTO t_typed VALUES (3, 4294967294, 'x');
  CREATE TABLE t_gone (id INT PRIMARY KEY); DROP TABLE t_gone; DROP TABLE t_later;"
printf '%b' "ALTER TABLE c_utf8 ADD COLUMN w VARCHAR(4) DEFAULT '\xe8' COMMENT '\xa7';
  INSERT INTO c_utf8 (id) VALUES (3);" | sql_latin1 "$up_port" -D "$db" || fail "the latin1 client failed"
run_worker || fail "the resumed run failed: $(tail -5 "$work/worker.err")"
"$DM_BIN_DIR/dm-diff" --task "$work/task.yaml" --source "$work/source.yaml" \
  --tables "$db.t_seed,$db.c_utf8" >"$work/diff.out" 2>&1 ||
  fail "target differs from the upstream after resuming: $(grep -v '^\[OK\]' "$work/diff.out" | head -20)"
[ "$(sql "$up_port" -e "$typed")" = "$(sql "$down_port" -e "$typed")" ] || fail "t_typed differs after resuming"
[ "$(sql "$up_port" -e "$defaults")" = "$(sql "$down_port" -e "$defaults")" ] || fail "column defaults differ after resuming"
# A table's row is rewritten only when its definition changes, and goes
# with the table.
[ "$(point t_seed)" = "$seed_before" ] || fail "t_seed's checkpoint row was rewritten without a change"
[ -n "$later_before" ] && [ -z "$(point t_later)" ] && [ -z "$(point t_gone)" ] ||
  fail "the checkpoint keeps rows of dropped tables: $(sql "$down_port" -e "SELECT cp_table FROM $cp")"
[ "$(point c_utf8)" != "$utf8_before" ] || fail "c_utf8's checkpoint row was not rewritten after its ALTER"
pass "resumed from the checkpoint's definitions: rows and latin1 DDL stay exact"

# The scratch databases the cleanup drops are found by the tracker's prefix.
prefix=$(tracker_prefix "$db" src-1)
[ "$(sql "$down_port" -e "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE LEFT(SCHEMA_NAME, ${#prefix} + 1) = '${prefix}_'")" -ge 1 ] ||
  fail "no scratch database has the prefix $prefix that tracker_prefix computes"
