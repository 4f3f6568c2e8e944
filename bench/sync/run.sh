#!/usr/bin/env bash
# Incremental sync benchmark (issue 6, item 7; run by hand, never by ctest):
# a binlog backlog of a sysbench write workload plus updates/deletes across
# every column type, applied from the same position onto identical targets by
# dm-worker (task-mode incremental, --exit-when-synced) and by MariaDB's own
# replication (slave_parallel_threads 0 and 4, optimistic), in the same run,
# each result verified row by row with dm-diff. Then, optionally, the lag of
# a running dm-worker under a steady rate-limited write load.
#
#   bench/sync/run.sh
#
# Settings (environment):
#   TABLES=4 ROWS=50000     sysbench tables x rows per table (the start state)
#   EVENTS=500000           binlog row changes in the backlog: sysbench oltp_write_only
#                           --events=EVENTS/4 (each transaction updates 2 rows, deletes
#                           1 and inserts 1, each its own rows event)
#   SB_THREADS=4            sysbench threads writing the backlog
#   WORKERS=16 BATCH=100    dm syncers.worker-count and batch
#   MERGE=on                dm syncers.compact and multiple-rows: "on" sets both true (as DM's task
#                           template does), "off" both false (DM's defaults in code); a list
#                           ("on off") runs dm once per setting in each round, and the ratios
#                           are those of the first
#   CHECKPOINT_INTERVAL=30  dm syncers.checkpoint-flush-interval (DM's default)
#   PARALLEL="0 4"          MariaDB slave_parallel_threads settings (optimistic mode)
#   REPEAT=1                runs of each method and setting (medians are reported)
#   LAG=1                   also run the lag probe (0: skip it)
#   LAG_ROWS=2000           row changes per second of the lag probe's load (sysbench --rate=LAG_ROWS/4)
#   LAG_SECONDS=30          seconds the probe runs
#   BUFFER_POOL=256M        innodb_buffer_pool_size of every instance
#   STEP_TIMEOUT=1800       seconds any single step may take
#   APPEND=1                append the figures to docs/benchmarks.md ("Incremental sync" section)
#   KEEP=0                  1 keeps the work directory (logs, configs) after the run
#   BENCH_DIR               work directory (default: a new /tmp/dm-bench-sync.XXXXXX)
#   TARGET_SESSION          extra target-database session variables for dm's task, as a
#                           YAML flow map body, e.g. 'character_set_client: binary,
#                           character_set_connection: binary, character_set_results: binary'
#                           (empty: none; the figures record it when set)
#
# Three instances (scripts/mariadb-instance.sh): the upstream, dm's target and
# the replica. The start state (sysbench tables and tests/data/sql/every_type.sql)
# is copied to both targets by dm-worker task-mode full (exact for every type,
# which mariadb-dump is not for FLOAT), checked with dm-diff, both targets' binlogs
# are reset, and each target's data directory is saved while it is stopped.
# Every timed run starts from that saved copy, on a freshly started target
# (cold buffer pool in every run alike). The upstream position is recorded
# after the copy; the backlog is written after it.
#
# Like for like: both targets write their binlog (the replica runs with
# --log-slave-updates, which is read-only at runtime); durability settings are
# the instances' own and the same for all; dm starts from binlog-name/pos and
# MariaDB from MASTER_LOG_FILE/POS (MASTER_USE_GTID=no), the same position.
# MariaDB is timed (a) from START SLAVE with an empty relay log until
# MASTER_POS_WAIT returns for the end position (binlog transfer included, the
# like-for-like figure), and (b) from START SLAVE SQL_THREAD after the IO thread
# has filled the relay log up to the end (apply only). dm's wall time is the
# whole dm-worker process, start-up included; its peak RSS is /usr/bin/time -v
# "Maximum resident set size".
#
# Lag probe (LAG=1): dm-worker (no --exit-when-synced) resumes on dm's target
# from its checkpoint; sysbench oltp_write_only runs at --rate=LAG_ROWS/4
# transactions/s; every 100 ms a transaction on the upstream inserts (n, NOW(6))
# into bench_probe.log and sets bench_probe.probe.seq = n; a reader polls
# probe.seq with UNIX_TIMESTAMP(NOW(6)) on the target every 10 ms. Probe n's
# lag = the first poll time that sees seq >= n minus its upstream NOW(6) (same
# machine clock). Afterwards dm catches up (--exit-when-synced) and dm-diff
# checks that target too.
#
# Needs build/bin/{dm-worker,dm-diff,dm-binlog}, sysbench, MariaDB and
# /usr/bin/time. Takes about 10-15 minutes with the defaults on 2 cores.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
cmdline=""
for v in TABLES ROWS EVENTS SB_THREADS WORKERS BATCH MERGE CHECKPOINT_INTERVAL PARALLEL REPEAT LAG LAG_ROWS LAG_SECONDS BUFFER_POOL TARGET_SESSION; do
  if [ -n "${!v:-}" ]; then if [[ "${!v}" == *" "* ]]; then cmdline+="$v='${!v}' "; else cmdline+="$v=${!v} "; fi; fi
done
cmdline+="bench/sync/run.sh"
TABLES=${TABLES:-4} ROWS=${ROWS:-50000} EVENTS=${EVENTS:-500000} SB_THREADS=${SB_THREADS:-4}
WORKERS=${WORKERS:-16} BATCH=${BATCH:-100} MERGE=${MERGE:-on} CHECKPOINT_INTERVAL=${CHECKPOINT_INTERVAL:-30}
PARALLEL=${PARALLEL:-0 4} REPEAT=${REPEAT:-1} LAG=${LAG:-1} LAG_ROWS=${LAG_ROWS:-2000}
LAG_SECONDS=${LAG_SECONDS:-30} BUFFER_POOL=${BUFFER_POOL:-256M} STEP_TIMEOUT=${STEP_TIMEOUT:-1800}
APPEND=${APPEND:-1} KEEP=${KEEP:-0} TARGET_SESSION=${TARGET_SESSION:-}
for v in TABLES ROWS EVENTS SB_THREADS WORKERS BATCH CHECKPOINT_INTERVAL REPEAT LAG LAG_ROWS LAG_SECONDS STEP_TIMEOUT; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || { echo "$0: $v must be a number, got '${!v}'" >&2; exit 2; }
done
for m in $MERGE; do [[ "$m" =~ ^(on|off)$ ]] || { echo "$0: MERGE must list on/off, got '$MERGE'" >&2; exit 2; }; done
read -ra merges <<<"$MERGE"
[ ${#merges[@]} -ge 1 ] || { echo "$0: MERGE is empty" >&2; exit 2; }
for t in $PARALLEL; do [[ "$t" =~ ^[0-9]+$ ]] || { echo "$0: PARALLEL must list numbers, got '$PARALLEL'" >&2; exit 2; }; done
[ "$TABLES" -ge 1 ] && [ "$ROWS" -ge 1 ] && [ "$EVENTS" -ge 4 ] && [ "$REPEAT" -ge 1 ] && [ "$WORKERS" -ge 1 ] ||
  { echo "$0: TABLES, ROWS, REPEAT, WORKERS must be at least 1 and EVENTS at least 4" >&2; exit 2; }

# shellcheck source=bench/lib.sh
source "$here/bench/lib.sh"

# --- tools ------------------------------------------------------------------
bin="$here/build/bin"
for b in dm-worker dm-diff dm-binlog; do
  [ -x "$bin/$b" ] || die "build $b first (cmake --build build --target dm-worker dm-diff dm-binlog)"
done
for b in sysbench mariadb mariadb-admin mariadbd timeout; do
  command -v "$b" >/dev/null || [ -x "/usr/sbin/$b" ] || die "$b not found; run scripts/install-deps.sh"
done
mariadbd_bin=$(command -v mariadbd || echo /usr/sbin/mariadbd)
[ -x /usr/bin/time ] || die "/usr/bin/time not found (Debian package 'time')"
every_type_sql="$here/tests/data/sql/every_type.sql"
every_type_dml="$here/bench/sync/every_type_dml.sql"
[ -f "$every_type_sql" ] && [ -f "$every_type_dml" ] || die "missing $every_type_sql or $every_type_dml"

# --- instances --------------------------------------------------------------
if [ -n "${BENCH_DIR:-}" ]; then work=$BENCH_DIR; mkdir -p "$work"; else work=$(mktemp -d /tmp/dm-bench-sync.XXXXXX); fi
export DM_INSTANCE_ROOT="$work/instances" DM_INSTANCE_PASSWORD=dm-bench-pw DM_INNODB_BUFFER_POOL=$BUFFER_POOL
pw=$DM_INSTANCE_PASSWORD
mapfile -t ports < <("$here/scripts/alloc-port.sh" 4)
[ ${#ports[@]} -eq 4 ] || die "could not allocate ports"
up=${ports[0]} dmt=${ports[1]} rep=${ports[2]} wport=${ports[3]}
UP=sync-up DMT=sync-target-dm REP=sync-target-replica
bg_pids=()
cleanup() {
  local rc=$? p
  for p in "${bg_pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  "$here/scripts/mariadb-instance.sh" down "$UP" "$up" >/dev/null 2>&1 || true
  "$here/scripts/mariadb-instance.sh" down "$DMT" "$dmt" >/dev/null 2>&1 || true
  "$here/scripts/mariadb-instance.sh" down "$REP" "$rep" >/dev/null 2>&1 || true
  "$here/scripts/alloc-port.sh" --release "$up" "$dmt" "$rep" "$wport" >/dev/null 2>&1 || true
  if [ "$KEEP" = 1 ] || [ "$rc" -ne 0 ]; then echo "work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mkdir -p "$work/tmp"
export TMPDIR="$work/tmp"

sql() { local port=$1; shift; mariadb --no-defaults --default-character-set=utf8mb4 -h127.0.0.1 -P"$port" -udm -p"$pw" -N -B "$@"; }
# start_instance NAME PORT [mariadbd options]: scripts/mariadb-instance.sh up,
# or, with options, the same server from the same defaults file plus the options.
start_instance() {
  local name=$1 port=$2; shift 2
  if [ $# -eq 0 ]; then "$here/scripts/mariadb-instance.sh" up "$name" "$port" >/dev/null; return; fi
  local dir="$DM_INSTANCE_ROOT/$name" deadline=$((SECONDS + 60))
  setsid "$mariadbd_bin" --defaults-file="$dir/my.cnf" "$@" >>"$dir/error.log" 2>&1 </dev/null &
  until mariadb --no-defaults --protocol=socket --socket="$dir/mysqld.sock" -uroot -e 'SELECT 1' >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || { tail -n 20 "$dir/error.log" >&2; die "instance $name did not start within 60 s"; }
    sleep 0.2
  done
}
stop_instance() { "$here/scripts/mariadb-instance.sh" down "$1" "$2" >/dev/null; }
# The replica writes what it applies to its own binlog, as dm's target does.
replica_opts=(--log-slave-updates --skip-slave-start)
save_datadir() {  # save_datadir NAME PORT [options]: a stopped copy of the data directory
  local dir="$DM_INSTANCE_ROOT/$1"
  stop_instance "$1" "$2"
  rm -rf "$dir/data.saved"
  cp -a "$dir/data" "$dir/data.saved"
  start_instance "$@"
}
restore_datadir() {  # restore_datadir NAME PORT [options]: back to the saved copy, freshly started
  local dir="$DM_INSTANCE_ROOT/$1"
  stop_instance "$1" "$2"
  rm -rf "$dir/data"
  cp -a "$dir/data.saved" "$dir/data"
  start_instance "$@"
}

say "starting upstream (127.0.0.1:$up), dm's target (127.0.0.1:$dmt) and the replica (127.0.0.1:$rep), buffer pool $BUFFER_POOL, under $work"
start_instance "$UP" "$up"
start_instance "$DMT" "$dmt"
start_instance "$REP" "$rep"
mariadb_version=$(sql "$up" -e "SELECT VERSION()")

# --- helpers ----------------------------------------------------------------
diff_tables=('sbtest.*' 'bench_types.*')
failures=0
# verify NAME PORT [extra tables]: dm-diff of that target against the upstream.
verify() {
  local name=$1 port=$2 out="$work/diff.$1.log" s e rc=0
  shift 2
  s=$(now)
  DM_DIFF_SOURCE_PASSWORD=$pw DM_DIFF_TARGET_PASSWORD=$pw timeout -k 10 "$STEP_TIMEOUT" \
    "$bin/dm-diff" --source "dm@127.0.0.1:$up" --target "dm@127.0.0.1:$port" \
    --tables "${diff_tables[@]}" "$@" >"$out" 2>&1 || rc=$?
  e=$(now)
  if [ "$rc" -ne 0 ]; then
    echo "  $name: dm-diff FAILED (exit $rc); last lines of $out:" >&2
    tail -n 25 "$out" | sed 's/^/    /' >&2
    failures=$((failures + 1))
    return 1
  fi
  echo "  $name: dm-diff equal ($(secs "$s" "$e") s)" >&2
}

# --- start state --------------------------------------------------------------
say "sysbench prepare: $TABLES tables x $ROWS rows; every_type.sql into bench_types"
sql "$up" -e "CREATE DATABASE sbtest; CREATE DATABASE bench_types CHARACTER SET utf8mb4"
sb=(sysbench oltp_write_only --db-driver=mysql --tables="$TABLES" --table-size="$ROWS" --mysql-host=127.0.0.1
    --mysql-port="$up" --mysql-user=dm --mysql-password="$pw" --mysql-db=sbtest)
timeout -k 10 "$STEP_TIMEOUT" "${sb[@]}" --threads=2 prepare >"$work/sysbench-prepare.log" 2>&1 ||
  { tail -n 20 "$work/sysbench-prepare.log" >&2; die "sysbench prepare failed"; }
sql "$up" -D bench_types <"$every_type_sql"

cat >"$work/source.yaml" <<YAML
source-id: "bench-up"
enable-gtid: false
from:
  host: "127.0.0.1"
  port: $up
  user: "dm"
  password: "$pw"
YAML
# copy_to PORT: the start state onto a target with dm-worker task-mode full.
copy_to() {
  local port=$1 log="$work/copy.$1.log" rc=0
  cat >"$work/copy-task.yaml" <<YAML
name: "bench-copy"
task-mode: full
meta-schema: "dm_copy_meta"
target-database: {host: "127.0.0.1", port: $port, user: "dm", password: "$pw"}
block-allow-list:
  bench: {do-dbs: ["sbtest", "bench_types"]}
mydumpers:
  global: {threads: 2}
loaders:
  global: {pool-size: 2, dir: "$work/copy-dump"}
mysql-instances:
  - {source-id: "bench-up", block-allow-list: "bench", mydumper-config-name: "global", loader-config-name: "global"}
YAML
  rm -rf "$work/copy-dump"
  timeout -k 10 "$STEP_TIMEOUT" "$bin/dm-worker" --task "$work/copy-task.yaml" --source "$work/source.yaml" \
    --worker-addr "127.0.0.1:$wport" --log-file "$log" >"$log.out" 2>&1 || rc=$?
  rm -rf "$work/copy-dump"
  [ "$rc" -eq 0 ] || { tail -n 20 "$log" "$log.out" >&2; die "copying the start state to 127.0.0.1:$port failed (exit $rc)"; }
  sql "$port" -e "DROP DATABASE dm_copy_meta; RESET MASTER"
}
say "copying the start state to both targets (dm-worker task-mode full) and checking it"
s=$SECONDS
copy_to "$dmt"
copy_to "$rep"
verify "start state on dm's target" "$dmt" || die "the start state differs on dm's target"
verify "start state on the replica" "$rep" || die "the start state differs on the replica"
say "start state copied and checked in $((SECONDS - s)) s"
read -r start_file start_pos _ < <(sql "$up" -e "SHOW MASTER STATUS")
start_gtid=$(sql "$up" -e "SELECT @@gtid_binlog_pos")
say "start position: $start_file:$start_pos (gtid $start_gtid)"
save_datadir "$DMT" "$dmt"
save_datadir "$REP" "$rep" "${replica_opts[@]}"

# --- backlog ----------------------------------------------------------------
sb_events=$((EVENTS / 4))
say "backlog: sysbench oltp_write_only --events=$sb_events --threads=$SB_THREADS, every-type DML in its middle"
s=$(now)
timeout -k 10 "$STEP_TIMEOUT" "${sb[@]}" --threads="$SB_THREADS" --events="$sb_events" --time=0 --report-interval=0 \
  run >"$work/sysbench-backlog.log" 2>&1 &
sb_pid=$!
bg_pids+=("$sb_pid")
sleep 3
sql "$up" -D bench_types <"$every_type_dml" || die "every_type_dml.sql failed on the upstream"
wait "$sb_pid" || { tail -n 20 "$work/sysbench-backlog.log" >&2; die "sysbench run failed"; }
e=$(now)
say "backlog written in $(secs "$s" "$e") s: $(grep -E 'transactions:' "$work/sysbench-backlog.log" | sed 's/^ *//')"
read -r end_file end_pos _ < <(sql "$up" -e "SHOW MASTER STATUS")
end_gtid=$(sql "$up" -e "SELECT @@gtid_binlog_pos")
say "end position: $end_file:$end_pos (gtid $end_gtid)"

# Count the backlog in the upstream's binlog files with dm-binlog -v: events
# from the start position to the end, transactions (GTID events), rows events
# and row changes.
updata="$DM_INSTANCE_ROOT/$UP/data"
mapfile -t files < <(sql "$up" -e "SHOW BINARY LOGS" | awk -v s="$start_file" -v e="$end_file" '$1 >= s && $1 <= e { print $1 }')
: >"$work/backlog.counts"
for f in "${files[@]}"; do
  from=4; [ "$f" = "$start_file" ] && from=$start_pos
  to=0; [ "$f" = "$end_file" ] && to=$end_pos
  "$bin/dm-binlog" -v "$updata/$f" | awk -v from="$from" -v to="$to" '
    /^[0-9]+ / { inr = ($1 >= from && (to == 0 || $1 < to)); if (inr) { ev++; if ($2 == "GTID_EVENT") tx++; if ($2 ~ /ROWS_EVENT/ && $2 != "ANNOTATE_ROWS_EVENT") re++ } ; next }
    /^  [WUD] / { if (inr) rows++ }
    END { printf "%d %d %d %d\n", ev, tx, re, rows }' >>"$work/backlog.counts"
done
read -r bl_events bl_tx bl_rowevents bl_rows < <(awk '{ a += $1; b += $2; c += $3; d += $4 } END { print a, b, c, d }' "$work/backlog.counts")
bl_bytes=0
for f in "${files[@]}"; do
  from=4; [ "$f" = "$start_file" ] && from=$start_pos
  to=$(stat -c %s "$updata/$f"); [ "$f" = "$end_file" ] && to=$end_pos
  bl_bytes=$((bl_bytes + to - from))
done
bl_mb=$(awk -v b="$bl_bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
say "backlog: $bl_mb MB of binlog in ${#files[@]} file(s), $bl_events events, $bl_tx transactions, $bl_rowevents rows events, $bl_rows row changes"
[ "$bl_rows" -gt 0 ] || die "no row changes counted in the backlog"

# --- dm ---------------------------------------------------------------------
# task.on.yaml / task.off.yaml: the same task with compact and multiple-rows
# both true or both false.
for m in "${merges[@]}"; do
  merge=false; [ "$m" = on ] && merge=true
  cat >"$work/task.$m.yaml" <<YAML
name: "bench-sync"
task-mode: incremental
meta-schema: "dm_meta"
target-database: {host: "127.0.0.1", port: $dmt, user: "dm", password: "$pw"${TARGET_SESSION:+, session: {$TARGET_SESSION\}}}
block-allow-list:
  bench: {do-dbs: ["sbtest", "bench_types", "bench_probe"]}
syncers:
  global: {worker-count: $WORKERS, batch: $BATCH, checkpoint-flush-interval: $CHECKPOINT_INTERVAL, compact: $merge, multiple-rows: $merge}
mysql-instances:
  - source-id: "bench-up"
    block-allow-list: "bench"
    syncer-config-name: "global"
    meta: {binlog-name: "$start_file", binlog-pos: $start_pos}
YAML
done
# The lag probe runs the first setting's task.
cp "$work/task.${merges[0]}.yaml" "$work/task.yaml"
declare -A dm_walls dm_rsss
run_dm() {  # run_dm RUN MERGE
  local i=$1 m=$2 log="$work/dm-worker.$1.$2.log" s e rc=0
  restore_datadir "$DMT" "$dmt"
  s=$(now)
  timeout -k 10 "$STEP_TIMEOUT" /usr/bin/time -v -o "$work/dm-time.$i.$m" \
    "$bin/dm-worker" --task "$work/task.$m.yaml" --source "$work/source.yaml" --exit-when-synced \
    --worker-addr "127.0.0.1:$wport" --log-file "$log" >"$work/dm-worker.$i.$m.out" 2>&1 || rc=$?
  e=$(now)
  if [ "$rc" -ne 0 ]; then
    echo "  dm (merge $m) run $i: dm-worker exited $rc after $(secs "$s" "$e") s; last lines of $log:" >&2
    tail -n 25 "$log" "$work/dm-worker.$i.$m.out" 2>/dev/null | sed 's/^/    /' >&2
    sql "$dmt" -e "SELECT * FROM dm_meta.\`bench-sync_syncer_checkpoint\` WHERE is_global = 1" 2>/dev/null | sed 's/^/    checkpoint: /' >&2 || true
    failures=$((failures + 1))
    return 0
  fi
  echo "  dm (merge $m) run $i: $(secs "$s" "$e") s, peak RSS $(rss_mb "$work/dm-time.$i.$m") MB" >&2
  if verify "dm-merge-$m-run-$i" "$dmt"; then
    dm_walls[$m]+="$(secs "$s" "$e") "; dm_rsss[$m]+="$(rss_mb "$work/dm-time.$i.$m") "
  fi
}

# --- MariaDB replication ------------------------------------------------------
declare -A rep_a rep_b
change_master() {  # change_master THREADS
  sql "$rep" -e "SET GLOBAL slave_parallel_threads = $1; SET GLOBAL slave_parallel_mode = 'optimistic';
    CHANGE MASTER TO MASTER_HOST = '127.0.0.1', MASTER_PORT = $up, MASTER_USER = 'dm', MASTER_PASSWORD = '$pw',
      MASTER_LOG_FILE = '$start_file', MASTER_LOG_POS = $start_pos, MASTER_USE_GTID = no"
}
slave_field() {  # the value of one SHOW SLAVE STATUS field ('' if none)
  mariadb --no-defaults -h127.0.0.1 -P"$rep" -udm -p"$pw" -e "SHOW SLAVE STATUS\G" |
    awk -v k="$1" -F': ' '{ sub(/^ +/, "", $1) } $1 == k { print $2 }'
}
slave_failed() {
  echo "  $1: replication did not reach $end_file:$end_pos:" >&2
  mariadb --no-defaults -h127.0.0.1 -P"$rep" -udm -p"$pw" -e "SHOW SLAVE STATUS\G" |
    grep -E 'Running|Master_Log|Exec_Master|Last_(IO_|SQL_)?Err' | sed 's/^/    /' >&2
  failures=$((failures + 1))
}
# run_replication THREADS MODE RUN: MODE a = from START SLAVE, b = apply only.
run_replication() {
  local t=$1 mode=$2 i=$3 name s e r deadline
  name="replication threads=$t ($mode) run $i"
  restore_datadir "$REP" "$rep" "${replica_opts[@]}"
  change_master "$t"
  if [ "$mode" = b ]; then
    sql "$rep" -e "START SLAVE IO_THREAD"
    deadline=$((SECONDS + STEP_TIMEOUT))
    until [ "$(slave_field Master_Log_File)" = "$end_file" ] && [ "$(slave_field Read_Master_Log_Pos)" -ge "$end_pos" ] 2>/dev/null; do
      [ "$(slave_field Slave_IO_Running)" != No ] && [ $SECONDS -lt $deadline ] || { slave_failed "$name (relay log)"; return 0; }
      sleep 0.5
    done
    s=$(now)
    r=$(sql "$rep" -e "START SLAVE SQL_THREAD; SELECT MASTER_POS_WAIT('$end_file', $end_pos, $STEP_TIMEOUT)") || true
  else
    s=$(now)
    r=$(sql "$rep" -e "START SLAVE; SELECT MASTER_POS_WAIT('$end_file', $end_pos, $STEP_TIMEOUT)") || true
  fi
  e=$(now)
  if ! [[ "$r" =~ ^[0-9]+$ ]]; then slave_failed "$name (MASTER_POS_WAIT returned '$r')"; return 0; fi
  sql "$rep" -e "STOP SLAVE"
  echo "  $name: $(secs "$s" "$e") s" >&2
  if verify "$name" "$rep"; then
    if [ "$mode" = a ]; then rep_a[$t]+="$(secs "$s" "$e") "; else rep_b[$t]+="$(secs "$s" "$e") "; fi
  fi
}

bench_start=$SECONDS
for ((i = 1; i <= REPEAT; i++)); do
  say "round $i of $REPEAT"
  for m in "${merges[@]}"; do run_dm "$i" "$m"; done
  for t in $PARALLEL; do
    run_replication "$t" a "$i"
    run_replication "$t" b "$i"
  done
done
say "runs took $((SECONDS - bench_start)) s"

# --- lag probe ------------------------------------------------------------------
lag_report=""
if [ "$LAG" = 1 ] && [ -n "${dm_walls[${merges[0]}]:-}" ]; then
  # dm's target holds the last dm run's result and checkpoint (the end position).
  rate=$(((LAG_ROWS + 3) / 4))
  say "lag probe: sysbench oltp_write_only --rate=$rate (~$LAG_ROWS rows/s), probe every 100 ms for $LAG_SECONDS s"
  sql "$up" -e "CREATE DATABASE bench_probe;
    CREATE TABLE bench_probe.probe (id INT PRIMARY KEY, seq INT NOT NULL);
    CREATE TABLE bench_probe.log (seq INT PRIMARY KEY, ts DATETIME(6) NOT NULL);
    INSERT INTO bench_probe.probe VALUES (1, 0)"
  lag_log="$work/dm-worker.lag.log"
  "$bin/dm-worker" --task "$work/task.yaml" --source "$work/source.yaml" \
    --worker-addr "127.0.0.1:$wport" --log-file "$lag_log" >"$lag_log.out" 2>&1 &
  dm_pid=$!
  bg_pids+=("$dm_pid")
  deadline=$((SECONDS + 60))
  until [ "$(sql "$dmt" -e "SELECT COUNT(*) FROM bench_probe.probe" 2>/dev/null)" = 1 ]; do
    if ! kill -0 "$dm_pid" 2>/dev/null || [ $SECONDS -ge $deadline ]; then
      tail -n 20 "$lag_log" "$lag_log.out" >&2; die "dm-worker did not replicate bench_probe within 60 s"
    fi
    sleep 0.2
  done
  timeout -k 10 $((LAG_SECONDS + 60)) "${sb[@]}" --threads=4 --rate="$rate" --time=$((LAG_SECONDS + 10)) \
    --report-interval=0 run >"$work/sysbench-lag.log" 2>&1 &
  sb_pid=$!
  bg_pids+=("$sb_pid")
  sleep 5  # the load reaches its steady rate
  n=$((LAG_SECONDS * 10))
  (for ((k = 1; k <= n; k++)); do
     echo "BEGIN; INSERT INTO bench_probe.log VALUES ($k, NOW(6)); UPDATE bench_probe.probe SET seq = $k WHERE id = 1; COMMIT;"
     sleep 0.1
   done) | sql "$up" &
  writer_pid=$!
  bg_pids+=("$writer_pid")
  (deadline=$((SECONDS + LAG_SECONDS + 10))
   while [ $SECONDS -lt $deadline ]; do
     echo "SELECT seq, UNIX_TIMESTAMP(NOW(6)) FROM bench_probe.probe WHERE id = 1;"
     sleep 0.01
   done) | sql "$dmt" --force >"$work/probe.reads" 2>/dev/null &
  reader_pid=$!
  bg_pids+=("$reader_pid")
  wait "$writer_pid" || die "the probe writer failed"
  wait "$reader_pid" || true
  lag_rss=$(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$dm_pid/status" 2>/dev/null || echo "?")
  wait "$sb_pid" || { tail -n 20 "$work/sysbench-lag.log" >&2; die "sysbench (lag load) failed"; }
  lag_tps=$(awk '/transactions:/ { gsub(/[()]/, "", $3); print $3 }' "$work/sysbench-lag.log")
  lag_rows_s=$(awk -v t="$lag_tps" 'BEGIN { printf "%.0f", t * 4 }')
  alive=1; kill -0 "$dm_pid" 2>/dev/null || alive=0
  kill -TERM "$dm_pid" 2>/dev/null || true
  for ((k = 0; k < 300; k++)); do kill -0 "$dm_pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$dm_pid" 2>/dev/null || true
  wait "$dm_pid" 2>/dev/null || true
  [ "$alive" = 1 ] || { tail -n 20 "$lag_log" "$lag_log.out" >&2; die "dm-worker exited during the lag probe"; }
  sql "$up" -e "SELECT seq, UNIX_TIMESTAMP(ts) FROM bench_probe.log ORDER BY seq" >"$work/probe.writes"
  # lag of probe n: first read seeing seq >= n, minus n's upstream NOW(6).
  awk 'BEGIN { next_seq = 1 }
    NR == FNR { w[$1] = $2; if ($1 > maxw) maxw = $1; next }
    { while (next_seq <= $1 && next_seq <= maxw) { if (next_seq in w) seen[next_seq] = $2; next_seq++ } }
    END { for (k = 1; k <= maxw; k++) if (k in seen) printf "%.3f\n", (seen[k] - w[k]) * 1000; else print "missing" }' \
    "$work/probe.writes" "$work/probe.reads" >"$work/probe.lags"
  lag_missing=$(grep -c missing "$work/probe.lags" || true)
  read -r lag_n lag_p50 lag_p99 lag_max < <(grep -v missing "$work/probe.lags" | sort -g | awk '{ a[NR] = $1 }
    END { if (NR == 0) { print 0, "-", "-", "-"; exit }
          printf "%d %.0f %.0f %.0f\n", NR, a[int(0.5 * NR + 0.999999)], a[int(0.99 * NR + 0.999999)], a[NR] }')
  echo "  lag probe: $lag_n probes ($lag_missing never seen), p50 $lag_p50 ms, p99 $lag_p99 ms, max $lag_max ms;" \
       "load $lag_tps tps = $lag_rows_s rows/s; dm-worker peak RSS $lag_rss MB" >&2
  say "dm catches up (--exit-when-synced) and dm-diff checks its target with bench_probe"
  rc=0
  timeout -k 10 "$STEP_TIMEOUT" "$bin/dm-worker" --task "$work/task.yaml" --source "$work/source.yaml" --exit-when-synced \
    --worker-addr "127.0.0.1:$wport" --log-file "$work/dm-worker.lag-catchup.log" >/dev/null 2>&1 || rc=$?
  lag_verified="dm-diff equal afterwards"
  if [ "$rc" -ne 0 ]; then
    tail -n 20 "$work/dm-worker.lag-catchup.log" >&2
    echo "  dm-worker catch-up after the lag probe exited $rc" >&2
    failures=$((failures + 1)); lag_verified="catch-up FAILED"
  elif ! verify "dm after the lag probe" "$dmt" 'bench_probe.*'; then
    lag_verified="dm-diff DIFFERS afterwards"
  fi
  lag_report="Lag probe: dm-worker running (no --exit-when-synced) under sysbench oltp_write_only --rate=$rate
($lag_tps transactions/s = $lag_rows_s row changes/s measured), a probe transaction every 100 ms for
$LAG_SECONDS s: $lag_n probes ($lag_missing never seen), lag **p50 $lag_p50 ms, p99 $lag_p99 ms** (max $lag_max ms;
target: p99 under 1 s); dm-worker peak RSS $lag_rss MB; $lag_verified."
elif [ "$LAG" = 1 ]; then
  lag_report="Lag probe: not run (no successful dm run)."
fi

# --- report -----------------------------------------------------------------
rate_of() { if [ "$2" = - ]; then echo "-"; else awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / t }'; fi; }
fmt_row() {  # NAME SECONDS RSS N
  if [ "$4" -eq 0 ]; then echo "| $1 | failed | | | | |"; return; fi
  printf '| %s | %s | %s | %s | %s | %s |%s\n' "$1" "$2" "$(rate_of "$bl_events" "$2")" "$(rate_of "$bl_tx" "$2")" \
    "$(rate_of "$bl_rows" "$2")" "$3" "$([ "$4" -lt "$REPEAT" ] && echo " ($4 of $REPEAT runs succeeded)")"
}
dm_rows_md="" dmW=- dm_rss_max=-
for m in "${merges[@]}"; do
  read -ra mw <<<"${dm_walls[$m]:-}"; read -ra mr <<<"${dm_rsss[$m]:-}"
  mrss=$(if [ ${#mr[@]} -eq 0 ]; then echo "-"; else printf '%s\n' "${mr[@]}" | sort -n | tail -1; fi)
  merge=false; [ "$m" = on ] && merge=true
  dm_rows_md+="$(fmt_row "dm-worker --exit-when-synced (worker-count $WORKERS, batch $BATCH, compact and multiple-rows $merge)" \
    "$(med_or "${mw[@]}")" "$mrss" ${#mw[@]})"$'\n'
  if [ "$m" = "${merges[0]}" ]; then dmW=$(med_or "${mw[@]}") dm_rss_max=$mrss; fi
done
best_a=- best_b=- best_a_t="" best_b_t=""
rows_md=""
for t in $PARALLEL; do
  read -ra ta <<<"${rep_a[$t]:-}"; read -ra tb <<<"${rep_b[$t]:-}"
  ma=$(med_or "${ta[@]}"); mb=$(med_or "${tb[@]}")
  rows_md+="$(fmt_row "MariaDB replication, slave_parallel_threads=$t (a: from START SLAVE, binlog transfer included)" "$ma" "-" ${#ta[@]})"$'\n'
  rows_md+="$(fmt_row "MariaDB replication, slave_parallel_threads=$t (b: apply only, relay log filled)" "$mb" "-" ${#tb[@]})"$'\n'
  if [ "$ma" != - ] && { [ "$best_a" = - ] || awk -v x="$ma" -v y="$best_a" 'BEGIN { exit !(x < y) }'; }; then best_a=$ma best_a_t=$t; fi
  if [ "$mb" != - ] && { [ "$best_b" = - ] || awk -v x="$mb" -v y="$best_b" 'BEGIN { exit !(x < y) }'; }; then best_b=$mb best_b_t=$t; fi
done
if [ "$failures" -eq 0 ]; then verdict="all equal"; else verdict="$failures FAILURES"; fi
report=$(
  echo "| method (median of $REPEAT) | wall s | events/s | transactions/s | rows/s | peak RSS MB |"
  echo "|---|---|---|---|---|---|"
  printf '%s' "$dm_rows_md"
  printf '%s' "$rows_md"
  echo
  echo "Wall-time ratios (same run, medians; below 1 means dm is faster) of dm with compact and multiple-rows ${merges[0]},"
  echo "against MariaDB's best setting:"
  echo "dm / replication (a, threads=${best_a_t:-?}) **$(ratio "$dmW" "$best_a")x** (target: at most 1.0x),"
  echo "dm / replication apply-only (b, threads=${best_b_t:-?}) **$(ratio "$dmW" "$best_b")x** (target: as close to 1 as possible);"
  echo "dm-worker peak RSS **$dm_rss_max MB** (target: under 300 MB)."
  if [ -n "$lag_report" ]; then echo; echo "$lag_report"; fi
)
summary="Backlog from $start_file:$start_pos (gtid $start_gtid) to $end_file:$end_pos: sysbench oltp_write_only
--events=$sb_events --threads=$SB_THREADS on $TABLES tables x $ROWS rows, plus bench/sync/every_type_dml.sql on
tests/data/sql/every_type.sql's tables; $bl_mb MB of binlog, $bl_events events, $bl_tx transactions,
$bl_rowevents rows events, $bl_rows row changes (counted by dm-binlog). MariaDB $mariadb_version, three
instances on this machine with a $BUFFER_POOL buffer pool, binlog on (ROW) on both targets (the replica with
--log-slave-updates); every run starts from the same saved target data directory, freshly started. Every
result verified with dm-diff on sbtest.* and bench_types.*: $verdict."
[ -z "$TARGET_SESSION" ] || summary+="
dm's task sets target-database session {$TARGET_SESSION}."
echo
echo "$summary"
echo
echo "$report"

if [ "$failures" -ne 0 ]; then
  echo "$0: $failures runs failed or differed; not appending to docs/benchmarks.md" >&2
  exit 1
fi
if [ "$APPEND" = 1 ]; then
  block=$(mktemp)
  cat >"$block" <<DOC

### $(date -u '+%Y-%m-%d %H:%M UTC')

Command: \`$cmdline\` (git $(bench_revision src tools); the binaries in build/bin as built from the working tree).
$summary
The machine is shared (others compile at the same time): absolute times vary by up to ±25%
between runs; the same-run ratios are the figures to compare.

$report
DOC
  append_benchmark "## Incremental sync" "dm-worker task-mode incremental (--exit-when-synced) applying a binlog backlog against MariaDB's
own replication from the same position; produced by bench/sync/run.sh, newest last." "$block"
  rm -f "$block"
fi
