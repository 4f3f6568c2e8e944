#!/usr/bin/env bash
# The precheck refuses to start a task on an upstream whose settings break
# replication, on private instances (their settings must differ from the
# shared ones): binlog_format STATEMENT, binlog_row_image MINIMAL and log_bin
# off each stop a standalone dm-worker with the report (DM's error 26005);
# ignore-checking-items lets it start anyway; binlog-ignore-db naming a
# migrated schema only warns. Each case passes once the setting is fixed.
source "$(dirname "$0")/../_utils/lib.sh"
use_private_mariadb_pair
db=pdb
instance down "up$$" "$up_port"
DM_EXTRA_CNF="binlog-ignore-db = $db" instance up "up$$" "$up_port"
sql "$up_port" -e "CREATE DATABASE $db; CREATE TABLE $db.t (id INT PRIMARY KEY, v INT)"
sql "$down_port" -e "CREATE DATABASE $db; CREATE TABLE $db.t (id INT PRIMARY KEY, v INT)"
write_source_yaml "up"
# write_task [ignore-checking-items list]: a task not run before (the
# precheck runs when a task starts, not when it resumes from checkpoints),
# starting at the upstream's current position.
tasks=0
write_task() {
  tasks=$((tasks + 1))
  local meta="" file pos
  read -r file pos < <(sql "$up_port" -e "SHOW MASTER STATUS" | cut -f1,2) || true
  [ -z "${file:-}" ] || meta=", meta: {binlog-name: \"$file\", binlog-pos: $pos}"
  cat >"$work/task.yaml" <<YAML
name: "precheck_$tasks"
task-mode: incremental
ignore-checking-items: [${1:-}]
target-database: {host: "127.0.0.1", port: $down_port, user: "dm", password: "$pw"}
block-allow-list:
  only: {do-dbs: ["$db"]}
mysql-instances:
  - {source-id: "up", block-allow-list: "only"$meta}
YAML
}
# run_worker: runs a standalone worker to the end (it exits once synced when
# the precheck lets it start); sets rc, leaves stderr in $work/err.
run_worker() {
  set +e
  timeout 60 "$DM_BIN_DIR/dm-worker" --task "$work/task.yaml" --source "$work/source.yaml" \
    --worker-addr "127.0.0.1:$worker_port" --exit-when-synced --log-file "$work/worker.log" 2>"$work/err"
  rc=$?
  set -e
}
expect_refused() {  # expect_refused TEXT [ignore list]
  write_task "${2:-}"
  run_worker
  [ "$rc" -eq 1 ] || fail "expected the precheck to refuse the task (exit 1), got $rc: $(tail -5 "$work/err")"
  grep -q "code=26005" "$work/err" || fail "no precheck error: $(cat "$work/err")"
  grep -qF "$1" "$work/err" || fail "the report does not say '$1': $(cat "$work/err")"
}
expect_started() {  # expect_started [ignore list]
  write_task "${1:-}"
  run_worker
  [ "$rc" -eq 0 ] || fail "expected the task to start and finish synced (exit 0), got $rc: $(tail -20 "$work/err")"
}

expect_started
grep -qF "these dbs [$db] are in binlog_ignore_db[$db]" "$work/worker.log" ||
  fail "binlog-ignore-db naming the migrated schema is not warned about: $(grep -i precheck "$work/worker.log")"
pass "binlog-ignore-db naming a migrated schema warns and does not block"

sql "$up_port" -e "SET GLOBAL binlog_format = STATEMENT"
expect_refused "binlog_format is STATEMENT, and should be ROW"
sql "$up_port" -e "SET GLOBAL binlog_format = ROW"
expect_started
pass "binlog_format STATEMENT refused, ROW accepted"

sql "$up_port" -e "SET GLOBAL binlog_row_image = MINIMAL"
expect_refused "binlog_row_image is MINIMAL, and should be FULL"
expect_started binlog_row_image
sql "$up_port" -e "SET GLOBAL binlog_row_image = FULL"
expect_started
pass "binlog_row_image MINIMAL refused unless ignored, FULL accepted"

instance down "up$$" "$up_port"
DM_EXTRA_CNF="skip-log-bin" instance up "up$$" "$up_port"
expect_refused "log_bin is OFF, and should be ON"
instance down "up$$" "$up_port"
instance up "up$$" "$up_port"
expect_started
pass "log_bin off refused, on accepted"

# A rerun of a started task resumes from its checkpoint without a new
# precheck, as DM's resume-task: it syncs what was written meanwhile.
sql "$up_port" -e "INSERT INTO $db.t VALUES (1, 42)"
run_worker
[ "$rc" -eq 0 ] || fail "the rerun of a started task did not resume (exit $rc): $(tail -5 "$work/err")"
grep -q "the precheck runs only when a task starts" "$work/worker.log" || fail "the rerun was prechecked again"
[ "$(sql "$down_port" -e "SELECT v FROM $db.t WHERE id = 1")" = 42 ] || fail "the resumed task did not sync the new row"
pass "a rerun resumes from checkpoints without a precheck"
