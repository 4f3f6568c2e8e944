#!/usr/bin/env bash
# The three binaries as users run them: version blocks, the one port serving
# /status and /metrics, DM's three flag forms, graceful SIGTERM, a busy port,
# `dmctl encrypt`, dmctl's help, usage errors and unreachable masters, and no
# password in any output.
source "$(dirname "$0")/../_utils/lib.sh"
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; cleanup_ports; rm -rf "$work"' EXIT
alloc_ports 5
master_port=${ALLOCATED_PORTS[0]} worker_port=${ALLOCATED_PORTS[1]} spare_port=${ALLOCATED_PORTS[2]}
spare_port2=${ALLOCATED_PORTS[3]} peer_port=${ALLOCATED_PORTS[4]}

# Versions: five lines, real commit hash, identical across binaries.
for bin in dm-master dm-worker dmctl; do
  "$DM_BIN_DIR/$bin" -V >"$work/$bin.version"
  [ "$(wc -l <"$work/$bin.version")" -eq 5 ] || fail "$bin -V is not five lines"
  for field in "Release Version" "Git Commit Hash" "Git Branch" "UTC Build Time" "Compiler Version"; do
    grep -q "^$field: ." "$work/$bin.version" || fail "$bin -V lacks '$field'"
  done
  "$DM_BIN_DIR/$bin" --version | cmp -s - "$work/$bin.version" || fail "$bin --version differs from -V"
done
cmp -s "$work/dm-master.version" "$work/dm-worker.version" || fail "master and worker versions differ"
if git -C "$DM_SOURCE_DIR" rev-parse HEAD >/dev/null 2>&1; then
  grep -q "^Git Commit Hash: $(git -C "$DM_SOURCE_DIR" rev-parse HEAD)" "$work/dm-master.version" ||
    fail "Git Commit Hash is not the checkout's HEAD"
fi
pass "-V and --version print the five-line block"

# One port per process, each flag form: -flag v (master), --flag=v (worker).
"$DM_BIN_DIR/dm-master" -master-addr "127.0.0.1:$master_port" -log-file "$work/master.log" \
  -peer-urls "http://127.0.0.1:$peer_port" -data-dir "$work/master-data" &
master_pid=$!
"$DM_BIN_DIR/dm-worker" --worker-addr="127.0.0.1:$worker_port" --log-file "$work/worker.log" \
  --name=worker1 --join="127.0.0.1:$master_port" &
worker_pid=$!
wait_http "http://127.0.0.1:$master_port/status" || fail "dm-master did not serve /status"
wait_http "http://127.0.0.1:$worker_port/status" || fail "dm-worker did not serve /status"
curl -fsS "http://127.0.0.1:$master_port/status" | cmp -s - "$work/dm-master.version" ||
  fail "dm-master /status differs from -V"
curl -fsS "http://127.0.0.1:$worker_port/status" | cmp -s - "$work/dm-worker.version" ||
  fail "dm-worker /status differs from -V"
curl -fsS -D "$work/headers" -o "$work/metrics" "http://127.0.0.1:$worker_port/metrics"
grep -qi '^content-type: text/plain; version=0.0.4' "$work/headers" || fail "/metrics content type"
pass "/status and /metrics on the process port"

# A second process on a taken port fails loudly instead of sharing it.
if "$DM_BIN_DIR/dm-worker" --worker-addr "127.0.0.1:$worker_port" --join "127.0.0.1:$master_port" 2>"$work/busy.err"; then
  fail "a second dm-worker started on a busy port"
fi
grep -q "127.0.0.1:$worker_port" "$work/busy.err" || fail "busy-port error does not name the address"
pass "busy port is an error naming the address"

kill -TERM "$master_pid" "$worker_pid"
wait_exit "$master_pid" || fail "dm-master did not exit 0 on SIGTERM"
wait_exit "$worker_pid" || fail "dm-worker did not exit 0 on SIGTERM"
grep -q "received signal" "$work/master.log" || fail "dm-master log lacks the shutdown line"
pass "SIGTERM stops both gracefully with exit 0"

# dmctl encrypt output decrypts in dm: a source using it loads; the password
# never appears in output, logs or errors, even when the config is rejected.
password='Pw-Never-Printed-42'
cipher=$("$DM_BIN_DIR/dmctl" encrypt "$password")
[ -n "$cipher" ] && [ "$cipher" != "$password" ] || fail "dmctl encrypt printed nothing useful"
cat >"$work/source.yaml" <<YAML
source-id: "mysql-01"
enable-gtid: true
from:
  host: "127.0.0.1"
  port: 3306
  user: "root"
  password: "$cipher"
YAML
cat >"$work/source-plain.yaml" <<YAML
source-id: "mysql-02"
from:
  host: "127.0.0.1"
  port: 3306
  user: "root"
  password: "$password"
  max-allowed-packet: 67108864
YAML
cat >"$work/task.yaml" <<YAML
name: "t1"
task-mode: full
is-sharding: false
target-database:
  host: "127.0.0.1"
  port: 4000
  user: "root"
  password: "$password"
mysql-instances:
  - source-id: "mysql-01"
  - source-id: "mysql-02"
    black-white-list: "nope"
YAML
set +e
"$DM_BIN_DIR/dm-worker" -L debug --task "$work/task.yaml" --source "$work/source.yaml" \
  --source "$work/source-plain.yaml" >"$work/run.out" 2>"$work/run.err"
code=$?
set -e
[ $code -ne 0 ] || fail "an invalid task was accepted"
grep -q "task.yaml:12: mysql-instances\[1\]" "$work/run.err" || fail "the error does not name task.yaml:12: $(cat "$work/run.err")"
if grep -q -- "$password" "$work"/*.out "$work"/*.err "$work"/*.log; then
  fail "the password appears in dm's output"
fi
pass "dmctl encrypt round-trips and no password is printed"

# dmctl without a master: help, usage errors (exit 2 with the command's help),
# and masters that cannot be reached (exit 1, one line naming every address).
"$DM_BIN_DIR/dmctl" --help >"$work/help.out" || fail "dmctl --help failed"
for cmd in operate-source start-task stop-task pause-task resume-task check-task query-status list-member \
  offline-member operate-leader transfer-source get-config config encrypt; do
  grep -q "^  $cmd " "$work/help.out" || fail "dmctl --help does not list $cmd"
done
set +e
"$DM_BIN_DIR/dmctl" --master-addr "127.0.0.1:$spare_port" start-task >"$work/usage.out" 2>"$work/usage.err"
code=$?
set -e
[ $code -eq 2 ] || fail "start-task without a file exited $code, not 2"
grep -q -- "--remove-meta" "$work/usage.err" || fail "the usage error lacks start-task's help"
set +e
env -u DM_MASTER_ADDR "$DM_BIN_DIR/dmctl" query-status >/dev/null 2>"$work/noaddr.err"
code=$?
"$DM_BIN_DIR/dmctl" --master-addr "127.0.0.1:$spare_port" start-task --start-time "yesterday" "$work/task.yaml" \
  >/dev/null 2>"$work/time.err"
time_code=$?
set -e
[ $code -eq 2 ] && grep -q -- "--master-addr not provided" "$work/noaddr.err" || fail "missing --master-addr: $code"
[ $time_code -eq 2 ] && grep -q "'yesterday'" "$work/time.err" || fail "a bad --start-time was not refused"
"$DM_BIN_DIR/dmctl" operate-source --print-sample-config | grep -q '^source-id: ' ||
  fail "operate-source --print-sample-config printed no source-id"
pass "dmctl help, usage errors and the sample source config need no master"

set +e
"$DM_BIN_DIR/dmctl" --master-addr "127.0.0.1:$spare_port,127.0.0.1:$spare_port2" query-status \
  >"$work/down.out" 2>"$work/down.err"
code=$?
set -e
[ $code -eq 1 ] || fail "an unreachable master exited $code, not 1"
[ ! -s "$work/down.out" ] || fail "an unreachable master printed to stdout: $(cat "$work/down.out")"
[ "$(wc -l <"$work/down.err")" -eq 1 ] || fail "the unreachable-master error is not one line: $(cat "$work/down.err")"
grep -q "code=48001.*127.0.0.1:$spare_port, 127.0.0.1:$spare_port2" "$work/down.err" ||
  fail "the error does not name both addresses: $(cat "$work/down.err")"
pass "unreachable masters: exit 1 and one line naming every address tried"
