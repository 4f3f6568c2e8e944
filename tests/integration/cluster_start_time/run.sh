#!/usr/bin/env bash
# start-task --start-time in cluster mode (one dm-master, one dm-worker, TTL
# 5 s, the shared MariaDB pair): an incremental task whose meta points at the
# start of a fresh binlog file starts at the time instead, so rows written
# before it are not applied and rows after it are (dm-diff). The time applies
# once: the worker reports it consumed and the master deletes it, so
# pause/resume and a worker restart resume from the checkpoint (a keyless
# table would show any rewind as doubled rows). The crash window, a worker
# that dies after its sync started from the time and flushed but before its
# report reached the master, is recreated by writing the key back as
# start-task wrote it: the restarted worker sees the checkpoint written after
# start-task and resumes from it instead of rewinding. A second task starts
# from the time with the worker armed to die at its first commit (rows
# applied, no checkpoint flush yet): the restarted worker resumes from the
# start point the syncer recorded before applying anything, so the keyless
# rows are not applied twice.
#
# Binlog events are stamped with SET TIMESTAMP in December 2037, after the
# times the other start-time tests use (March and June 2037) and before
# MariaDB 10.11's limit (2038-01-19), so the time falls between two known
# groups. Fixed dates, not "years from now", keep that order every year.
source "$(dirname "$0")/../_utils/lib.sh"
source "$(dirname "$0")/../_utils/cluster.sh"
use_shared_mariadb
work=$(mktemp -d)
db="st_$$_$RANDOM"
pids=()
cleanup() {
  kill_started
  drop_task_databases "${db}_k" st-src
  cleanup_sync_case st-src
}
trap cleanup EXIT
alloc_ports 3
master_port=${ALLOCATED_PORTS[0]} peer_port=${ALLOCATED_PORTS[1]} worker_port=${ALLOCATED_PORTS[2]}

dmctl() { "$DM_BIN_DIR/dmctl" --master-addr "127.0.0.1:$master_port" --rpc-timeout 20s "$@"; }

# Tables exist on both sides before the time (their DDL is not replayed).
sql "$up_port" -e "FLUSH BINARY LOGS"
binlog_file=$(sql "$up_port" -e "SHOW MASTER STATUS" | cut -f1)
schema="CREATE TABLE early (id INT PRIMARY KEY, v VARCHAR(20));
  CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(20));
  CREATE TABLE nk (a INT, b VARCHAR(20));"
for port in "$up_port" "$down_port"; do
  sql "$port" -e "CREATE DATABASE $db; USE $db; $schema"
  sql "$port" -e "CREATE DATABASE ${db}_k; CREATE TABLE ${db}_k.nk (a INT, b VARCHAR(20))"
done
future=$((2143238400 + RANDOM))  # 2037-12-01 UTC
sql "$up_port" -D "$db" -e "
  SET TIMESTAMP = $((future - 100)); INSERT INTO early VALUES (1, 'before'), (2, 'before');
  SET TIMESTAMP = $((future + 100)); INSERT INTO t VALUES (1, 'after'), (2, 'after');
  INSERT INTO nk VALUES (1, 'dup'), (1, 'dup'), (2, 'after');
  INSERT INTO ${db}_k.nk VALUES (1, 'dup'), (1, 'dup'), (2, 'after'); SET TIMESTAMP = DEFAULT;"
at=$(date -u -d "@$future" +%Y-%m-%dT%H:%M:%SZ)

write_source_yaml "st-src"
write_incremental_task "st-src" "$binlog_file"
# dm-diff compares the tables written after the time; `early` is checked apart.
sed -e "s/only: {do-dbs: \[\"$db\"\]}/only: {do-dbs: [\"$db\"], ignore-tables: [{db-name: \"$db\", tbl-name: \"early\"}]}/" \
  "$work/task.yaml" >"$work/diff-task.yaml"
grep -q ignore-tables "$work/diff-task.yaml" || fail "the dm-diff task file lacks ignore-tables"

start_one_master
start_worker
wait_for 30 "the worker to register" worker_free
answer=$(dmctl operate-source create "$work/source.yaml") || fail "operate-source create: $answer"
answer=$(dmctl start-task --start-time "$at" "$work/task.yaml") || fail "start-task --start-time: $answer"

# The etcd key start-task wrote, read through etcd's JSON gateway on the
# master's private client URL (printed in its log).
etcd_url=$(sed -n 's/.*\[dm-master started\].* \[etcd=\([^],]*\).*/\1/p' "$work/m1.log" | head -1)
[ -n "$etcd_url" ] || fail "no etcd client URL in the master's log: $(grep -m1 'dm-master started' "$work/m1.log")"
cli_args_key=$(python3 -c "import sys; print('/dm-master/task-cli-args/' + sys.argv[1].encode().hex() + '/' + b'st-src'.hex())" "$db")
b64() { printf '%s' "$1" | base64 -w0; }
cli_args_gone() {
  curl -fsS "$etcd_url/v3/kv/range" -d "{\"key\": \"$(b64 "$cli_args_key")\"}" >"$work/range.json" &&
    [ "$(json_field "len(d.get('kvs', []))" <"$work/range.json")" = 0 ]
}

in_sync() { synced_one "$db" "$work/diff-task.yaml" "$work/source.yaml"; }
wait_for 60 "sync from the start time" in_sync
[ "$(sql "$down_port" -D "$db" -e "SELECT COUNT(*) FROM early")" = 0 ] || fail "rows written before the start time were applied"
[ "$(sql "$down_port" -D "$db" -e "SELECT COUNT(*) FROM nk WHERE b = 'dup'")" = 2 ] || fail "the keyless rows are not there once each"
pass "start-task --start-time: rows before the time are not applied, rows after it are (dm-diff)"
wait_for 20 "the master to delete the consumed start time" cli_args_gone
pass "the worker reports the start time consumed once its checkpoint is flushed; the master deletes it"

# pause/resume: sync resumes from the checkpoint, nothing is applied twice.
sql "$up_port" -D "$db" -e "INSERT INTO nk VALUES (3, 'paused'), (3, 'paused'); INSERT INTO t VALUES (3, 'now')"
answer=$(dmctl pause-task "$db") || fail "pause-task: $answer"
paused() { dmctl query-status "$db" | json_field "d['sources'][0]['subTaskStatus'][0]['stage']" | grep -qx Paused; }
wait_for 20 "the subtask to pause" paused
answer=$(dmctl resume-task "$db") || fail "resume-task: $answer"
sql "$up_port" -D "$db" -e "INSERT INTO nk VALUES (4, 'resumed'); UPDATE t SET v = 'resumed' WHERE id = 1"
wait_for 60 "sync after resume-task" in_sync
pass "pause-task and resume-task resume from the checkpoint, not from the start time (dm-diff, keyless rows once)"

# The crash window: the key back as start-task wrote it (the checkpoint was
# absent then), the worker killed -9 and restarted.
value="{\"start-time\":\"$at\",\"checkpoint-at-start-task\":\"\"}"
curl -fsS "$etcd_url/v3/kv/put" -d "{\"key\": \"$(b64 "$cli_args_key")\", \"value\": \"$(b64 "$value")\"}" >/dev/null ||
  fail "cannot write the start time back into etcd"
cli_args_gone && fail "the start time written back is not in etcd"
kill -9 "$worker_pid"
wait "$worker_pid" 2>/dev/null || true
sql "$up_port" -D "$db" -e "INSERT INTO nk VALUES (5, 'while down'); DELETE FROM t WHERE id = 2"
start_worker
wait_for 60 "sync after the worker restart" in_sync
grep -q "already applied: a checkpoint was written after it" "$work/w1.log" ||
  fail "the restarted worker did not see the start time applied"
wait_for 20 "the master to delete the start time again" cli_args_gone
sql "$up_port" -D "$db" -e "INSERT INTO nk VALUES (6, 'after restart')"
wait_for 60 "sync of a row after the restart" in_sync
pass "a worker restarted with the start time still in etcd resumes from the checkpoint written after it"

# The second task, from the same time, on its own database; the worker dies
# at its first commit.
sed -e "s/^name: .*/name: \"${db}_k\"/" -e "s/meta-schema: .*/meta-schema: \"${db}_k_meta\"/" \
  -e "s/do-dbs: \[\"$db\"\]/do-dbs: [\"${db}_k\"]/" "$work/task.yaml" >"$work/task_k.yaml"
grep -q "do-dbs: \[\"${db}_k\"\]" "$work/task_k.yaml" || fail "the second task file does not select ${db}_k"
kill -9 "$worker_pid"
wait "$worker_pid" 2>/dev/null || true
DM_CRASH_POINT=dml-worker.after-commit start_worker
crashing_pid=$worker_pid
answer=$(dmctl start-task --start-time "$at" "$work/task_k.yaml") || fail "start-task of the second task: $answer"
for _ in $(seq 600); do kill -0 "$crashing_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$crashing_pid" 2>/dev/null && fail "the worker did not reach its crash point at the first commit"
wait "$crashing_pid" 2>/dev/null || true
start_worker
wait_for 60 "sync of the second task after the crash" synced_one "${db}_k" "$work/task_k.yaml" "$work/source.yaml"
[ "$(sql "$down_port" -e "SELECT COUNT(*) FROM ${db}_k.nk WHERE b = 'dup'")" = 2 ] ||
  fail "a crash before the first checkpoint flush applied the keyless rows twice"
pass "a worker killed at its first commit from the start time resumes from the recorded start point (keyless rows once, dm-diff)"
