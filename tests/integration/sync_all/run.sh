#!/usr/bin/env bash
# task-mode all, end to end, by a standalone dm-worker with --exit-when-synced:
# dump + load + sync of tables with a primary key, a unique key, both, and no
# key;
# then a second run catches up with inserts, updates (also of the primary
# key), deletes and DDL (ADD COLUMN ... AFTER, CREATE TABLE, DROP TABLE,
# TRUNCATE) from its checkpoint; then the worker is killed with -9 at random
# moments during a concurrent workload, restarted each time, and a last run
# catches up. After every run dm-diff must find target and upstream equal
# row by row: exactly once, also for the keyless table.
source "$(dirname "$0")/../_utils/lib.sh"
use_shared_mariadb
kills=${DM_SYNC_KILLS:-20}
work=$(mktemp -d)
db="sa_$$_$RANDOM"
cleanup() {
  kill -9 $(jobs -p) 2>/dev/null || true
  cleanup_sync_case src-1
}
trap cleanup EXIT
alloc_ports 1
status_url="http://127.0.0.1:${ALLOCATED_PORTS[0]}/apis/v1alpha1/status/$db"

sql "$up_port" -e "CREATE DATABASE $db CHARACTER SET utf8mb4"
sql "$up_port" -D "$db" -e "
  CREATE TABLE t_pk (id BIGINT PRIMARY KEY, v VARCHAR(100), n INT, d DECIMAL(10,3), f DOUBLE, ts DATETIME(6),
                     bin VARBINARY(32), e ENUM('x','y','ü'), s SET('a','b'));
  CREATE TABLE t_uk (code INT NOT NULL, note TEXT, UNIQUE KEY uk_code (code));
  CREATE TABLE t_nokey (a INT, b VARCHAR(20));
  CREATE TABLE t_pkuk (id INT PRIMARY KEY, code INT NOT NULL, v INT, UNIQUE KEY uk_code2 (code));
  CREATE TABLE t_drop (id INT PRIMARY KEY);
  INSERT INTO t_pk SELECT seq, CONCAT('v', seq, IF(seq % 7 = 0, ' \\'q\\' \\\\ 🚀', '')), seq * 3,
    seq / 7, seq / 3, '2024-02-29 12:34:56.123456' + INTERVAL seq SECOND, UNHEX(SHA2(seq, 256)),
    ELT(1 + seq % 3, 'x', 'y', 'ü'), IF(seq % 2, 'a,b', '') FROM seq_1_to_3000;
  INSERT INTO t_uk SELECT seq, REPEAT('n', seq % 50) FROM seq_1_to_1000;
  INSERT INTO t_nokey VALUES (1, 'dup'), (1, 'dup'), (NULL, NULL), (2, 'two');
  INSERT INTO t_pkuk SELECT seq, seq, 0 FROM seq_1_to_3000;
  INSERT INTO t_drop VALUES (1);"

write_source_yaml "src-1"
cat >"$work/task.yaml" <<YAML
name: "$db"
task-mode: all
meta-schema: "${db}_meta"
target-database: {host: "127.0.0.1", port: $down_port, user: "dm", password: "$pw"}
block-allow-list:
  only: {do-dbs: ["$db"]}
syncers:
  small: {worker-count: 4, batch: 20, checkpoint-flush-interval: 1}
loaders:
  here: {pool-size: 2, dir: "$work/dump"}
mysql-instances:
  - {source-id: "src-1", block-allow-list: "only", syncer-config-name: "small", loader-config-name: "here"}
YAML

run_worker() {  # run_worker [extra flags]: starts dm-worker in the background
  "$DM_BIN_DIR/dm-worker" --task "$work/task.yaml" --source "$work/source.yaml" \
    --worker-addr "127.0.0.1:${ALLOCATED_PORTS[0]}" --log-file "$work/worker.log" "$@" 2>>"$work/worker.err" &
  worker_pid=$!
}
diff_equal() {
  "$DM_BIN_DIR/dm-diff" --task "$work/task.yaml" --source "$work/source.yaml" >"$work/diff.out" 2>&1 ||
    fail "$1: target differs from the upstream: $(grep -v '^\[OK\]' "$work/diff.out" | head -20)"
}

run_worker --exit-when-synced
wait_exit "$worker_pid" 180 || fail "the all-mode run failed: $(tail -5 "$work/worker.err")"
diff_equal "after dump, load and sync"
pass "task-mode all: dump, load, sync, exit when synced; target equals upstream"

# Everything a syncer must get right, applied while no worker runs.
sql "$up_port" -D "$db" -e "
  UPDATE t_pk SET v = CONCAT(v, '+'), n = n + 1 WHERE id % 5 = 0;
  UPDATE t_pk SET id = id + 100000 WHERE id BETWEEN 10 AND 20;
  DELETE FROM t_pk WHERE id % 11 = 0;
  INSERT INTO t_pk (id, v) VALUES (200001, NULL), (200002, '');
  UPDATE t_uk SET code = code + 5000 WHERE code <= 10;
  DELETE FROM t_uk WHERE code BETWEEN 500 AND 520;
  UPDATE t_nokey SET b = 'dup2' WHERE a = 1 LIMIT 1;
  DELETE FROM t_nokey WHERE a IS NULL;
  INSERT INTO t_nokey VALUES (3, 'x'), (3, 'x');
  UPDATE t_pkuk SET code = -1 WHERE id = 1;
  UPDATE t_pkuk SET code = 1 WHERE id = 2;
  UPDATE t_pkuk SET code = 2 WHERE id = 1;
  DELETE FROM t_pkuk WHERE id BETWEEN 10 AND 20;
  INSERT INTO t_pkuk SELECT 100000 + seq, seq, 1 FROM seq_10_to_20;
  ALTER TABLE t_pk ADD COLUMN added INT NOT NULL DEFAULT 7 AFTER id, DROP COLUMN s;
  UPDATE t_pk SET added = id % 13 WHERE id < 100;
  CREATE TABLE t_new (id INT AUTO_INCREMENT PRIMARY KEY, j VARCHAR(10)) ;
  INSERT INTO t_new (j) VALUES ('a'), ('b'), ('c');
  DROP TABLE t_drop;
  TRUNCATE TABLE t_uk;
  INSERT INTO t_uk VALUES (1, 'after truncate');"
run_worker --exit-when-synced
wait_exit "$worker_pid" 120 || fail "the catch-up run failed: $(tail -5 "$work/worker.err")"
diff_equal "after DML and DDL"
[ "$(sql "$down_port" -e "SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA='$db' AND TABLE_NAME='t_drop'")" = 0 ] ||
  fail "DROP TABLE was not replicated"
pass "incremental catch-up from the checkpoint: updates, key changes, deletes, keyless rows and DDL are exact"

# A concurrent workload (until $work/stop appears, at most 3000 rounds) while
# the worker is killed -9 and restarted.
workload() {
  local i
  for i in $(seq 1 3000); do
    [ ! -e "$work/stop" ] || return 0
    sql "$up_port" -D "$db" -e "
      INSERT INTO t_pk (id, v, n) VALUES ($((300000 + i)), 'w$i', $i);
      UPDATE t_pk SET n = n + 1 WHERE id = $((300000 + i / 2));
      UPDATE t_pk SET id = $((400000 + i)) WHERE id = $((300000 + i - 3));
      DELETE FROM t_pk WHERE id = $((i * 3));
      INSERT INTO t_nokey VALUES ($i, 'k'), ($i, 'k');
      DELETE FROM t_nokey WHERE a = $((i - 5)) LIMIT 1;
      INSERT INTO t_uk VALUES ($((10000 + i)), 'w') ON DUPLICATE KEY UPDATE note = 'dup';
      DELETE FROM t_pkuk WHERE code = $((100 + i));
      INSERT INTO t_pkuk VALUES ($((200000 + i)), $((100 + i)), $i);
      UPDATE t_pkuk SET v = v + 1 WHERE code = $((100 + i / 2));" || return 1
    if [ $((i % 50)) -eq 0 ]; then
      sql "$up_port" -D "$db" -e "ALTER TABLE t_new ADD COLUMN c$i INT DEFAULT $i; INSERT INTO t_new (j) VALUES ('$i')" || return 1
    fi
  done
}
# kill_during_sync: kills the worker -9 at a random moment once it syncs.
kill_during_sync() {
  local deadline=$((SECONDS + 60))
  until curl -fsS "$status_url" 2>/dev/null | grep -q '"unit": "Sync"'; do
    kill -0 "$worker_pid" 2>/dev/null || fail "the worker exited before syncing: $(tail -3 "$work/worker.err")"
    [ $SECONDS -lt $deadline ] || fail "the worker did not reach the sync unit in 60 s"
    sleep 0.05
  done
  sleep "0.$((RANDOM % 9 + 1))"
  kill -9 "$worker_pid" 2>/dev/null || true
  wait "$worker_pid" 2>/dev/null || true
}
workload &
workload_pid=$!
for k in $(seq 1 "$kills"); do
  run_worker
  kill_during_sync
done
touch "$work/stop"
wait "$workload_pid" || fail "the workload failed"
run_worker --exit-when-synced
wait_exit "$worker_pid" 180 || fail "the run after $kills kills failed: $(tail -5 "$work/worker.err")"
diff_equal "after $kills kill -9 restarts under a concurrent workload"
pass "killed -9 $kills times while syncing a workload with key changes, keyless rows and DDL: target equals upstream"

# Named crash points: each must kill the worker (the point is on the path),
# and the restarted worker must still end exact.
burst() {  # burst N: N rounds of row changes on every table and one DDL
  local i
  for i in $(seq 1 "$1"); do
    sql "$up_port" -D "$db" -e "
      INSERT INTO t_pk (id, v) VALUES ($((500000 + RANDOM * 8 + i)), 'b');
      UPDATE t_pk SET n = IFNULL(n, 0) + 1 WHERE id % 97 = $((i % 97));
      INSERT INTO t_nokey (a, b) VALUES ($i, 'burst');
      DELETE FROM t_nokey WHERE a = $i AND b = 'k' LIMIT 1;" || fail "burst failed"
  done
  sql "$up_port" -D "$db" -e "ALTER TABLE t_nokey ADD COLUMN x$RANDOM$RANDOM INT NULL" || fail "burst DDL failed"
}
for point in syncer.flush.after-drain dml-worker.after-commit:3 syncer.ddl.before-target syncer.ddl.after-target; do
  burst 20
  DM_CRASH_POINT=$point run_worker --exit-when-synced
  set +e
  wait_exit "$worker_pid" 120
  code=$?
  set -e
  [ "$code" -eq 137 ] || fail "crash point $point did not kill the worker (exit $code): $(tail -3 "$work/worker.err")"
  run_worker --exit-when-synced
  wait_exit "$worker_pid" 120 || fail "the run after crash point $point failed: $(tail -5 "$work/worker.err")"
  diff_equal "after a crash at $point"
done
pass "crash points (after drain before flush, after a worker commit, in the middle of a DDL) leave the target exact"

# safe-mode-duration as DM: a restart after a clean exit runs without safe
# mode; one after a kill runs in safe mode for the duration (default twice
# checkpoint-flush-interval); "0s" turns that off.
unclean() { grep -c "sync runs in safe mode after an unclean stop" "$work/worker.log" || true; }
crash_and_restart() {  # crash_and_restart: a burst, a kill after a worker commit, a clean catch-up
  burst 5
  DM_CRASH_POINT=dml-worker.after-commit run_worker --exit-when-synced
  set +e
  wait_exit "$worker_pid" 120
  code=$?
  set -e
  [ "$code" -eq 137 ] || fail "the crash point did not kill the worker (exit $code)"
  run_worker --exit-when-synced
  wait_exit "$worker_pid" 120 || fail "the run after a crash failed: $(tail -5 "$work/worker.err")"
}
before=$(unclean)
burst 3
run_worker --exit-when-synced
wait_exit "$worker_pid" 120 || fail "the run after a clean exit failed: $(tail -5 "$work/worker.err")"
[ "$(unclean)" -eq "$before" ] || fail "a restart after a clean exit ran in safe mode"
crash_and_restart
[ "$(unclean)" -eq $((before + 1)) ] || fail "a restart after a kill did not run in safe mode"
grep "sync runs in safe mode after an unclean stop" "$work/worker.log" | tail -1 | grep -q 'safe_mode_duration_s=2\]' ||
  fail "the default safe-mode-duration is not 2 x checkpoint-flush-interval: $(grep 'unclean stop' "$work/worker.log" | tail -1)"
diff_equal "after a restart in safe mode"
sed -i 's/checkpoint-flush-interval: 1}/checkpoint-flush-interval: 1, safe-mode-duration: "0s"}/' "$work/task.yaml"
grep -q 'safe-mode-duration: "0s"' "$work/task.yaml" || fail "could not set safe-mode-duration"
crash_and_restart
[ "$(unclean)" -eq $((before + 1)) ] || fail "safe-mode-duration 0s still ran in safe mode after a kill"
diff_equal "after a kill with safe-mode-duration 0s"
pass "safe-mode-duration: safe mode after a kill only, for twice the flush interval by default, none with 0s"
