#!/usr/bin/env bash
# Faults during sync (streaming by GTID), on a private upstream and target (so restarting them
# disturbs no other test): the target is restarted, the upstream is restarted,
# and the replication connection is killed on the upstream, all while a
# standalone dm-worker syncs a concurrent workload. The same worker process
# must carry on by itself (retries, reconnects, resume from its checkpoint),
# report synced, and the target must equal the upstream row by row.
source "$(dirname "$0")/../_utils/lib.sh"
use_private_mariadb_pair
db=faults
sql "$up_port" -e "CREATE DATABASE $db; CREATE TABLE $db.t (id INT PRIMARY KEY, n INT, v VARCHAR(20));
  CREATE TABLE $db.nokey (a INT, b VARCHAR(20));"
sql "$down_port" -e "CREATE DATABASE $db; CREATE TABLE $db.t (id INT PRIMARY KEY, n INT, v VARCHAR(20));
  CREATE TABLE $db.nokey (a INT, b VARCHAR(20));"
read -r binlog_file binlog_pos < <(sql "$up_port" -e "SHOW MASTER STATUS" | cut -f1,2)
cat >"$work/source.yaml" <<YAML
source-id: "faulty"
enable-gtid: true
from: {host: "127.0.0.1", port: $up_port, user: "dm", password: "$pw"}
YAML
cat >"$work/task.yaml" <<YAML
name: "faults"
task-mode: incremental
target-database: {host: "127.0.0.1", port: $down_port, user: "dm", password: "$pw"}
block-allow-list:
  only: {do-dbs: ["$db"]}
syncers:
  quick: {worker-count: 4, batch: 10, checkpoint-flush-interval: 1}
mysql-instances:
  - {source-id: "faulty", block-allow-list: "only", syncer-config-name: "quick",
     meta: {binlog-name: "$binlog_file", binlog-pos: $binlog_pos}}
YAML
status_url="http://127.0.0.1:$worker_port/apis/v1alpha1/status/faults"
"$DM_BIN_DIR/dm-worker" --task "$work/task.yaml" --source "$work/source.yaml" --worker-addr "127.0.0.1:$worker_port" \
  --log-file "$work/worker.log" 2>"$work/worker.err" &
worker_pid=$!
wait_http "$status_url" 30 || fail "the worker does not serve query-status: $(tail -3 "$work/worker.err")"

# Writes while the servers come and go; a write refused by a stopped upstream
# is simply not made (dm-diff compares with what the upstream has).
workload() {
  local i
  for i in $(seq 1 100000); do
    [ ! -e "$work/stop" ] || return 0
    sql "$up_port" -D "$db" -e "INSERT INTO t VALUES ($i, $i, 'v$i'); UPDATE t SET n = n + 1 WHERE id = $((i / 2));
      INSERT INTO nokey VALUES ($((i % 50)), 'r'); DELETE FROM nokey WHERE a = $((i % 50)) LIMIT 1;
      INSERT INTO nokey VALUES ($((i % 50)), 's');" 2>/dev/null || sleep 0.2
  done
}
workload &
sleep 2
instance down "down$$" "$down_port"
sleep 2
instance up "down$$" "$down_port"
pass "target restarted under load"
sleep 2
instance down "up$$" "$up_port"
sleep 2
instance up "up$$" "$up_port"
pass "upstream restarted under load"
sleep 2
sql "$up_port" -e "SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'" |
  while read -r id; do sql "$up_port" -e "KILL $id" || true; done
pass "replication connection killed on the upstream"
sleep 2
touch "$work/stop"
wait %2 2>/dev/null || true

# The same process catches up and says so.
master=$(sql "$up_port" -e "SHOW MASTER STATUS" | cut -f1,2 | tr '\t' ' ')
deadline=$((SECONDS + 120))
until curl -fsS "$status_url" 2>/dev/null | tr -d '\n ' | grep -q '"synced":true'; do
  kill -0 "$worker_pid" 2>/dev/null || fail "the worker died: $(tail -5 "$work/worker.err")"
  [ $SECONDS -lt $deadline ] || fail "not synced 120 s after the faults (upstream at $master): $(curl -fsS "$status_url")"
  sleep 0.5
done
kill -0 "$worker_pid" || fail "the worker is gone"
DM_DIFF_SOURCE_PASSWORD=$pw DM_DIFF_TARGET_PASSWORD=$pw "$DM_BIN_DIR/dm-diff" \
  --source "dm@127.0.0.1:$up_port" --target "dm@127.0.0.1:$down_port" --schema "$db" >"$work/diff.out" ||
  fail "the target differs after the faults: $(grep -v '^\[OK\]' "$work/diff.out" | head)"
kill -TERM "$worker_pid"
wait_exit "$worker_pid" 30 || true
pass "the worker rode out both restarts and the killed connection; target equals upstream"
