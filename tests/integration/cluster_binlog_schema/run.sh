#!/usr/bin/env bash
# binlog-schema list|update|delete in cluster mode (one dm-master, one
# dm-worker, the shared MariaDB pair). An incremental task tracks table t;
# the upstream then gets a column through DDL that never reaches the binlog
# (sql_log_bin=0), so the next rows events carry one column more than the
# tracked definition and the subtask pauses with BinlogSchemaMismatch. The
# DBA adds the column on the target and runs `binlog-schema update
# --from-source`; resume-task applies the rows (dm-diff, row by row). Also:
# every operation is refused while the subtask runs, a bad statement is
# refused naming the table and leaves the definition as it was, list shows
# the definition, delete forgets it (the table is then read from the target
# at resume), and a schema file is accepted.
source "$(dirname "$0")/../_utils/lib.sh"
source "$(dirname "$0")/../_utils/cluster.sh"
use_shared_mariadb
work=$(mktemp -d)
db="bs_$$_$RANDOM"
pids=()
cleanup() {
  kill_started
  cleanup_sync_case bs-src
}
trap cleanup EXIT
alloc_ports 3
master_port=${ALLOCATED_PORTS[0]} peer_port=${ALLOCATED_PORTS[1]} worker_port=${ALLOCATED_PORTS[2]}

dmctl() { "$DM_BIN_DIR/dmctl" --master-addr "127.0.0.1:$master_port" --rpc-timeout 20s "$@"; }
schema() { dmctl binlog-schema "$1" -s bs-src "$db" "$db" t "${@:2}"; }
# source_field EXPR: EXPR over the first `sources` entry of the last answer.
source_field() { json_field "d['sources'][0]$1" <"$work/answer.json"; }
# msg_has TEXT: the first entry's msg in the last answer contains TEXT.
msg_has() { source_field "['msg']" >"$work/msg.txt" && grep -qF -- "$1" "$work/msg.txt"; }

# The table exists on both sides before the binlog file the task starts at.
for port in "$up_port" "$down_port"; do
  sql "$port" -e "CREATE DATABASE $db; CREATE TABLE $db.t (id INT PRIMARY KEY, a VARCHAR(20))"
done
sql "$up_port" -e "FLUSH BINARY LOGS"
binlog_file=$(sql "$up_port" -e "SHOW MASTER STATUS" | cut -f1)
write_source_yaml "bs-src"
write_incremental_task "bs-src" "$binlog_file"

start_one_master
start_worker
wait_for 30 "the worker to register" worker_free
answer=$(dmctl operate-source create "$work/source.yaml") || fail "operate-source create: $answer"
answer=$(dmctl start-task "$work/task.yaml") || fail "start-task: $answer"

sql "$up_port" -D "$db" -e "INSERT INTO t VALUES (1, 'one'), (2, 'two')"
in_sync() { synced_one "$db" "$work/task.yaml" "$work/source.yaml"; }
wait_for 60 "the first rows to sync" in_sync
paused() { dmctl query-status "$db" | json_field "d['sources'][0]['subTaskStatus'][0]['stage']" | grep -qx Paused; }

# While the subtask runs, every operation is refused, as DM refuses them.
for op in list delete "update --from-source"; do
  if schema $op >"$work/answer.json"; then fail "binlog-schema $op ran on a running subtask: $(cat "$work/answer.json")"; fi
  msg_has "current stage is Running but not paused, invalid" ||
    fail "binlog-schema $op on a running subtask: $(cat "$work/answer.json")"
done
if dmctl binlog-schema list "$db" "$db" t >"$work/answer.json"; then fail "binlog-schema without -s succeeded"; fi
grep -q "must specify at least one source" "$work/answer.json" || fail "binlog-schema without -s: $(cat "$work/answer.json")"
pass "binlog-schema list, update and delete are refused while the subtask runs, and without a source"

# A column the binlog never shows: the next rows events do not match.
sql "$up_port" -D "$db" -e "SET sql_log_bin = 0; ALTER TABLE t ADD COLUMN b INT NOT NULL DEFAULT 0; SET sql_log_bin = 1;
  INSERT INTO t VALUES (3, 'three', 30), (4, 'four', 40); UPDATE t SET b = 10 WHERE id = 1"
mismatch() {
  dmctl query-status "$db" >"$work/status.json" || true
  [ "$(json_field "d['sources'][0]['subTaskStatus'][0]['stage']" <"$work/status.json")" = Paused ] &&
    [ "$(json_field "d['sources'][0]['subTaskStatus'][0]['result']['errors'][0]['ErrCode']" <"$work/status.json")" = 28107 ]
}
wait_for 60 "the subtask to pause with BinlogSchemaMismatch (28107)" mismatch
pass "rows with a column the tracked schema lacks pause the subtask with BinlogSchemaMismatch"

schema list >"$work/answer.json" || fail "binlog-schema list on the paused subtask: $(cat "$work/answer.json")"
source_field "['msg']" >"$work/listed.sql"
grep -q '^CREATE TABLE `t`' "$work/listed.sql" || fail "list shows no CREATE TABLE: $(cat "$work/answer.json")"
grep -q '`a` varchar(20)' "$work/listed.sql" || fail "list lacks column a: $(cat "$work/listed.sql")"
grep -q '`b`' "$work/listed.sql" && fail "the tracked definition already has column b: $(cat "$work/listed.sql")"
[ "$(source_field "['worker']")" = w1 ] || fail "the answer does not name the worker: $(cat "$work/answer.json")"
pass "binlog-schema list prints the tracked CREATE TABLE (without the column the binlog never showed)"

echo 'CREATE TABLE t (id INT PRIMARY KEY, a VARCHAR(20), b NO_SUCH_TYPE)' >"$work/bad.sql"
if schema update "$work/bad.sql" >"$work/answer.json"; then fail "a bad CREATE TABLE was accepted: $(cat "$work/answer.json")"; fi
msg_has "binlog-schema update of \`$db\`.\`t\` (task $db, source bs-src)" ||
  fail "the refusal does not name the task, source and table: $(cat "$work/answer.json")"
schema list >"$work/answer.json" || fail "list after the refused update: $(cat "$work/answer.json")"
[ "$(source_field "['msg']")" = "$(cat "$work/listed.sql")" ] || fail "a refused update changed the definition"
pass "binlog-schema update refuses a statement the tracker cannot create, naming task, source and table; nothing changes"

# The DBA's fix: the target gets the column, the tracker the upstream's definition.
sql "$down_port" -D "$db" -e "ALTER TABLE t ADD COLUMN b INT NOT NULL DEFAULT 0"
schema update --from-source >"$work/answer.json" || fail "binlog-schema update --from-source: $(cat "$work/answer.json")"
schema list >"$work/answer.json" || fail "list after the update: $(cat "$work/answer.json")"
msg_has '`b` int(11) NOT NULL DEFAULT 0' || fail "the update did not take: $(cat "$work/answer.json")"
answer=$(dmctl resume-task "$db") || fail "resume-task: $answer"
wait_for 60 "the rows to sync after binlog-schema update --from-source" in_sync
[ "$(sql "$down_port" -D "$db" -e "SELECT b FROM t WHERE id = 4")" = 40 ] || fail "row 4 lacks its b on the target"
pass "binlog-schema update --from-source, then resume-task: the paused rows apply (dm-diff)"

# delete: the definition goes; at resume the table is read from the target.
answer=$(dmctl pause-task "$db") || fail "pause-task: $answer"
wait_for 20 "the subtask to pause" paused
schema delete >"$work/answer.json" || fail "binlog-schema delete: $(cat "$work/answer.json")"
if schema list >"$work/answer.json"; then fail "list after delete still shows a definition: $(cat "$work/answer.json")"; fi
msg_has "Table '$db.t' doesn't exist" || fail "list after delete: $(cat "$work/answer.json")"
if schema delete >"$work/answer.json"; then fail "a second delete succeeded"; fi
answer=$(dmctl resume-task "$db") || fail "resume-task: $answer"
sql "$up_port" -D "$db" -e "INSERT INTO t VALUES (5, 'five', 50); DELETE FROM t WHERE id = 2"
wait_for 60 "the rows to sync after binlog-schema delete" in_sync
pass "binlog-schema delete forgets the definition; after resume the table is read from the target (dm-diff)"

# update from a schema file, then more rows.
answer=$(dmctl pause-task "$db") || fail "pause-task: $answer"
wait_for 20 "the subtask to pause" paused
printf 'CREATE TABLE `t` (\n  `id` int NOT NULL,\n  `a` varchar(20) COMMENT '"'from file'"',\n  `b` int NOT NULL DEFAULT 0,\n  PRIMARY KEY (`id`)\n);\n' \
  >"$work/good.sql"
schema update "$work/good.sql" >"$work/answer.json" || fail "binlog-schema update FILE: $(cat "$work/answer.json")"
schema list >"$work/answer.json" || fail "list after update FILE: $(cat "$work/answer.json")"
msg_has "COMMENT 'from file'" || fail "update FILE did not take: $(cat "$work/answer.json")"
answer=$(dmctl resume-task "$db") || fail "resume-task: $answer"
sql "$up_port" -D "$db" -e "INSERT INTO t VALUES (6, 'six', 60); UPDATE t SET a = 'uno' WHERE id = 1"
wait_for 60 "the rows to sync after binlog-schema update FILE" in_sync
pass "binlog-schema update with a schema file, then resume-task (dm-diff)"
