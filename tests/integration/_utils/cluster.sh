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
