# Helpers for the cluster scenario tests (sourced after lib.sh). They call
# `dmctl`, which each test defines with its masters and TLS flags, and keep
# the last query-status answer in $work/status.json.

# kill_started: kills -9 every process the test started and listed in $pids.
kill_started() { for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done; }

# json_field EXPR: evaluates the Python expression EXPR over the JSON on
# standard input (bound to d) and prints the result.
json_field() { python3 -c "import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))" "$1"; }

# wait_for SECONDS DESCRIPTION COMMAND...: retries COMMAND every half second;
# fails the test with DESCRIPTION (and the last query-status) on timeout.
wait_for() {
  local deadline=$((SECONDS + $1)) what=$2
  shift 2
  until "$@" >/dev/null 2>&1; do
    if [ $SECONDS -ge $deadline ]; then
      [ -f "$work/status.json" ] && echo "last query-status: $(head -c 2000 "$work/status.json")" >&2
      fail "timed out waiting for: $what"
    fi
    sleep 0.5
  done
}

# worker_free: the only registered worker is free.
worker_free() { dmctl list-member --worker | json_field "d['members'][0]['worker']['workers'][0]['stage']" | grep -qx free; }

# synced_one TASK TASK_FILE SOURCE_FILE: the task's one subtask is in Sync
# and dm-diff finds the target equal to the upstream.
synced_one() {
  dmctl query-status "$1" >"$work/status.json" || return 1
  [ "$(json_field "d['sources'][0]['subTaskStatus'][0]['unit']" <"$work/status.json")" = Sync ] || return 1
  "$DM_BIN_DIR/dm-diff" --task "$2" --source "$3" >"$work/diff.out" 2>&1
}

# start_one_master: dm-master m1 alone, on $master_port with its etcd peer
# on $peer_port, data and logs in $work; waits until it answers. Its pid
# goes to $pids.
start_one_master() {
  "$DM_BIN_DIR/dm-master" --name m1 --master-addr "127.0.0.1:$master_port" --peer-urls "http://127.0.0.1:$peer_port" \
    --initial-cluster "m1=http://127.0.0.1:$peer_port" --data-dir "$work/m1" --log-file "$work/m1.log" \
    2>>"$work/m1.err" &
  pids+=($!)
  wait_http "http://127.0.0.1:$master_port/status" 60 || fail "the master did not start: $(tail -3 "$work/m1.err")"
}

# start_worker: dm-worker w1 on $worker_port joining that master, keepalive
# TTL 5 s, logs in $work (appended across restarts); its pid in $worker_pid
# and $pids.
start_worker() {
  "$DM_BIN_DIR/dm-worker" --name w1 --worker-addr "127.0.0.1:$worker_port" --join "127.0.0.1:$master_port" \
    --keepalive-ttl 5 --log-file "$work/w1.log" 2>>"$work/w1.err" &
  worker_pid=$!
  pids+=("$worker_pid")
}

# write_incremental_task SOURCE_ID BINLOG_FILE: $work/task.yaml, an
# incremental task named $db over database $db of the shared pair, starting at
# BINLOG_FILE's first event, checkpoints flushed every second.
write_incremental_task() {
  cat >"$work/task.yaml" <<YAML
name: "$db"
task-mode: incremental
meta-schema: "${db}_meta"
target-database: {host: "127.0.0.1", port: $down_port, user: "dm", password: "$pw"}
block-allow-list:
  only: {do-dbs: ["$db"]}
syncers:
  fast: {checkpoint-flush-interval: 1}
mysql-instances:
  - {source-id: "$1", meta: {binlog-name: "$2", binlog-pos: 4}, block-allow-list: "only",
     syncer-config-name: "fast"}
YAML
}
