#!/usr/bin/env bash
# Full-migration benchmark (issue 5, item 6; run by hand, never by ctest):
# dm's dump+load against mydumper+myloader at the same thread count and against
# `mariadb-dump --single-transaction | mariadb`, all in the same run, on the same
# sysbench data, each result verified row by row with dm-diff.
#
#   bench/full/run.sh
#
# Settings (environment):
#   TABLES=8 ROWS=300000   sysbench oltp_read_write tables x rows per table
#   THREADS=4              mydumper -t, myloader -t, dm mydumpers.threads and loaders.pool-size
#   REPEAT=1               runs of each method (medians are reported; 3 is sensible)
#   CHUNK_ROWS=100000      rows per chunk: mydumper -r and dm mydumpers.rows (0: whole tables)
#   BUFFER_POOL=1G         innodb_buffer_pool_size of both instances
#   STEP_TIMEOUT=1800      seconds any single step (prepare, a migration, a diff) may take
#   APPEND=1               append the figures to docs/benchmarks.md ("Full migration" section)
#   KEEP=0                 1 keeps the work directory (logs, configs) after the run
#   BENCH_DIR              work directory (default: a new /tmp/dm-bench-full.XXXXXX)
#
# Like for like (docs/../TESTING rules): same data and thread count for dm and
# mydumper+myloader; the target writes its binlog in every run (myloader -e, dm
# never turns sql_log_bin off, mariadb's client writes it anyway); durability
# settings are the instances' own and unchanged between methods. Before each run
# the target's sbtest (and dm_meta) are dropped and its binlogs reset (RESET
# MASTER, only to bound disk use). Wall time covers dump and load together.
# dm's load overlaps its dump: its "dump s" is the dump unit's own time and
# "load s" what the load took after the dump had finished.
# Peak RSS is /usr/bin/time -v "Maximum resident set size" of the dm-worker
# process (for the peers: the larger of the dump and load processes).
#
# Needs build/bin/{dm-worker,dm-diff,dmctl} and the tools of
# scripts/install-deps.sh, plus /usr/bin/time (Debian package `time`, installed
# here with apt-get if missing). Takes about 5-10 minutes with the defaults on
# 2 cores.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
cmdline=""
for v in TABLES ROWS THREADS REPEAT CHUNK_ROWS BUFFER_POOL; do
  if [ -n "${!v:-}" ]; then cmdline+="$v=${!v} "; fi
done
cmdline+="bench/full/run.sh"
TABLES=${TABLES:-8} ROWS=${ROWS:-300000} THREADS=${THREADS:-4} REPEAT=${REPEAT:-1}
CHUNK_ROWS=${CHUNK_ROWS:-100000} BUFFER_POOL=${BUFFER_POOL:-1G} STEP_TIMEOUT=${STEP_TIMEOUT:-1800}
APPEND=${APPEND:-1} KEEP=${KEEP:-0}
for v in TABLES ROWS THREADS REPEAT CHUNK_ROWS STEP_TIMEOUT; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || { echo "$0: $v must be a number, got '${!v}'" >&2; exit 2; }
done
[ "$TABLES" -ge 1 ] && [ "$ROWS" -ge 1 ] && [ "$THREADS" -ge 1 ] && [ "$REPEAT" -ge 1 ] ||
  { echo "$0: TABLES, ROWS, THREADS and REPEAT must be at least 1" >&2; exit 2; }

# shellcheck source=bench/lib.sh
source "$here/bench/lib.sh"

# --- tools ------------------------------------------------------------------
bin="$here/build/bin"
for b in dm-worker dm-diff dmctl; do
  [ -x "$bin/$b" ] || die "build $b first (cmake --build build --target dm-worker dm-diff dmctl)"
done
for b in sysbench mydumper myloader mariadb-dump mariadb mariadbd timeout; do
  command -v "$b" >/dev/null || [ -x "/usr/sbin/$b" ] || die "$b not found; run scripts/install-deps.sh"
done
if [ ! -x /usr/bin/time ]; then
  say "installing the 'time' package (GNU time, for peak RSS)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends time >/dev/null ||
    { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends time >/dev/null; } ||
    die "could not install the 'time' package"
fi

# --- instances --------------------------------------------------------------
if [ -n "${BENCH_DIR:-}" ]; then work=$BENCH_DIR; mkdir -p "$work"; else work=$(mktemp -d /tmp/dm-bench-full.XXXXXX); fi
export DM_INSTANCE_ROOT="$work/instances" DM_INSTANCE_PASSWORD=dm-bench-pw DM_INNODB_BUFFER_POOL=$BUFFER_POOL
pw=$DM_INSTANCE_PASSWORD
mapfile -t ports < <("$here/scripts/alloc-port.sh" 3)
[ ${#ports[@]} -eq 3 ] || die "could not allocate ports"
up=${ports[0]} down=${ports[1]} wport=${ports[2]}
cleanup() {
  local rc=$?
  "$here/scripts/mariadb-instance.sh" down bench-full-up "$up" >/dev/null 2>&1 || true
  "$here/scripts/mariadb-instance.sh" down bench-full-target "$down" >/dev/null 2>&1 || true
  "$here/scripts/alloc-port.sh" --release "$up" "$down" "$wport" >/dev/null 2>&1 || true
  if [ "$KEEP" = 1 ] || [ "$rc" -ne 0 ]; then echo "work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
say "starting upstream (127.0.0.1:$up) and target (127.0.0.1:$down), buffer pool $BUFFER_POOL, under $work"
# A private tmpdir (mariadbd takes its default from TMPDIR): temporary tables
# and mariadb-install-db's files stay clear of other jobs cleaning up /tmp.
mkdir -p "$work/tmp"
TMPDIR="$work/tmp" "$here/scripts/mariadb-instance.sh" up bench-full-up "$up" >/dev/null
TMPDIR="$work/tmp" "$here/scripts/mariadb-instance.sh" up bench-full-target "$down" >/dev/null
sql() { local port=$1; shift; mariadb --no-defaults -h127.0.0.1 -P"$port" -udm -p"$pw" -N -B "$@"; }

# --- data -------------------------------------------------------------------
say "sysbench prepare: $TABLES tables x $ROWS rows (2 threads)"
sql "$up" -e "DROP DATABASE IF EXISTS sbtest; CREATE DATABASE sbtest"
s=$SECONDS
timeout -k 10 "$STEP_TIMEOUT" sysbench oltp_read_write --db-driver=mysql --tables="$TABLES" --table-size="$ROWS" \
  --mysql-host=127.0.0.1 --mysql-port="$up" --mysql-user=dm --mysql-password="$pw" --mysql-db=sbtest \
  --threads=2 prepare >"$work/sysbench-prepare.log" 2>&1 ||
  { tail -n 20 "$work/sysbench-prepare.log" >&2; die "sysbench prepare failed"; }
say "prepared in $((SECONDS - s)) s"
tables_csv=$(sql "$up" -e "SELECT GROUP_CONCAT(table_name ORDER BY table_name) FROM information_schema.tables WHERE table_schema='sbtest'")
sql "$up" sbtest -e "ANALYZE TABLE ${tables_csv//,/, }" >/dev/null
total_rows=0
for t in ${tables_csv//,/ }; do total_rows=$((total_rows + $(sql "$up" sbtest -e "SELECT COUNT(*) FROM \`$t\`"))); done
[ "$total_rows" -eq $((TABLES * ROWS)) ] || die "upstream holds $total_rows rows, expected $((TABLES * ROWS))"
data_bytes=$(sql "$up" -e "SELECT SUM(data_length) FROM information_schema.tables WHERE table_schema='sbtest'")
data_mb=$(awk -v b="$data_bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
say "upstream: $total_rows rows, data_length $data_mb MB"
mariadb_version=$(sql "$up" -e "SELECT VERSION()")

# --- helpers ----------------------------------------------------------------
# server_cpu NAME: CPU seconds (user + system) instance NAME's mariadbd has used.
server_cpu() {
  awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' \
    "/proc/$(cat "$DM_INSTANCE_ROOT/$1/mysqld.pid")/stat"
}
# tool_cpu TIME_FILE...: user + system CPU seconds recorded by /usr/bin/time -v.
tool_cpu() { awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.2f", s }' "$@"; }
cpu_start() { cpu_up0=$(server_cpu bench-full-up); cpu_down0=$(server_cpu bench-full-target); }
# cpu_line METHOD RUN TIME_FILE...: where the CPU time of a run went.
cpu_lines=()
cpu_line() {
  local m=$1 i=$2 up down tool
  shift 2
  up=$(awk -v a="$cpu_up0" -v b="$(server_cpu bench-full-up)" 'BEGIN { printf "%.1f", b - a }')
  down=$(awk -v a="$cpu_down0" -v b="$(server_cpu bench-full-target)" 'BEGIN { printf "%.1f", b - a }')
  tool=$(tool_cpu "$@")
  cpu_lines+=("$m run $i: upstream mariadbd $up s, target mariadbd $down s, tool processes $tool s")
  echo "  $m run $i CPU: upstream $up s, target $down s, tools $tool s" >&2
}
max() { awk -v a="$1" -v b="$2" 'BEGIN { print (a + 0 > b + 0) ? a : b }'; }
reset_target() {
  sql "$down" -e "DROP DATABASE IF EXISTS sbtest; DROP DATABASE IF EXISTS dm_meta; RESET MASTER"
}
# verify NAME RUN: dm-diff on the sysbench tables; prints the seconds it took.
failures=0
verify() {
  local out="$work/diff.$1.$2.log" s e rc=0
  s=$(now)
  DM_DIFF_SOURCE_PASSWORD=$pw DM_DIFF_TARGET_PASSWORD=$pw timeout -k 10 "$STEP_TIMEOUT" \
    "$bin/dm-diff" --source "dm@127.0.0.1:$up" --target "dm@127.0.0.1:$down" --tables 'sbtest.*' >"$out" 2>&1 || rc=$?
  e=$(now)
  if [ "$rc" -ne 0 ]; then
    echo "  $1 run $2: dm-diff FAILED (exit $rc); last lines of $out:" >&2
    tail -n 15 "$out" | sed 's/^/    /' >&2
    failures=$((failures + 1))
    return 1
  fi
  echo "  $1 run $2: dm-diff equal ($(secs "$s" "$e") s)" >&2
}
# log_ts LOG PATTERN: epoch seconds of the first log line matching PATTERN.
log_ts() {
  local line ts
  line=$(grep -m1 -- "$2" "$1" 2>/dev/null) || return 0
  ts=$(grep -oE '[0-9]{4}[-/][0-9]{2}[-/][0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?' <<<"$line" | head -1) || return 0
  date -d "${ts//\//-}" +%s.%N 2>/dev/null || true
}

cipher=$("$bin/dmctl" encrypt "$pw")
cat >"$work/source.yaml" <<YAML
source-id: "bench-up"
enable-gtid: true
from:
  host: "127.0.0.1"
  port: $up
  user: "dm"
  password: "$cipher"
YAML
cat >"$work/task.yaml" <<YAML
name: "bench"
task-mode: full
meta-schema: "dm_meta"
target-database:
  host: "127.0.0.1"
  port: $down
  user: "dm"
  password: "$cipher"
block-allow-list:
  sbtest-only:
    do-dbs: ["sbtest"]
mydumpers:
  global:
    threads: $THREADS
    rows: $CHUNK_ROWS
loaders:
  global:
    pool-size: $THREADS
    dir: "$work/dm-dump"
mysql-instances:
  - source-id: "bench-up"
    block-allow-list: "sbtest-only"
    mydumper-config-name: "global"
    loader-config-name: "global"
YAML

dm_wall=() dm_dump=() dm_load=() dm_rss=()
my_wall=() my_dump=() my_load=() my_rss=()
md_wall=() md_rss=()
dump_dir_mb=""

run_dm() {
  local i=$1 log="$work/dm-worker.$1.log" s e rc=0 t0 t1 t2
  reset_target
  rm -rf "$work/dm-dump"
  cpu_start
  s=$(now)
  timeout -k 10 "$STEP_TIMEOUT" /usr/bin/time -v -o "$work/dm-time.$i" \
    "$bin/dm-worker" --task "$work/task.yaml" --source "$work/source.yaml" \
    --worker-addr "127.0.0.1:$wport" --log-file "$log" >"$work/dm-worker.$i.out" 2>&1 || rc=$?
  e=$(now)
  if [ "$rc" -ne 0 ]; then
    echo "  dm run $i: dm-worker exited $rc after $(secs "$s" "$e") s; last lines of $log:" >&2
    tail -n 20 "$log" "$work/dm-worker.$i.out" 2>/dev/null | sed 's/^/    /' >&2
    failures=$((failures + 1))
    return 0
  fi
  cpu_line dm "$i" "$work/dm-time.$i"
  dm_wall+=("$(secs "$s" "$e")")
  dm_rss+=("$(rss_mb "$work/dm-time.$i")")
  t0=$(log_ts "$log" "dump unit starts"); t1=$(log_ts "$log" "dump unit finished"); t2=$(log_ts "$log" "load unit finished")
  if [ -n "$t0" ] && [ -n "$t1" ] && [ -n "$t2" ]; then
    dm_dump+=("$(secs "$t0" "$t1")"); dm_load+=("$(secs "$t1" "$t2")")
  fi
  echo "  dm run $i: ${dm_wall[-1]} s (dump ${dm_dump[-1]:-?} s, load ${dm_load[-1]:-?} s), peak RSS ${dm_rss[-1]} MB" >&2
  grep -E "dump unit finished|load unit finished" "$log" | sed 's/^/    /' >&2 || true
  verify dm "$i" || true
}

run_mydumper() {
  local i=$1 dir="$work/mydumper-dump" s m e rc=0 r1 r2
  reset_target
  rm -rf "$dir"
  cpu_start
  s=$(now)
  timeout -k 10 "$STEP_TIMEOUT" /usr/bin/time -v -o "$work/mydumper-time.$i" \
    mydumper -h 127.0.0.1 -P "$up" -u dm --password="$pw" -B sbtest -t "$THREADS" -r "$CHUNK_ROWS" \
    -o "$dir" >"$work/mydumper.$i.log" 2>&1 || rc=$?
  m=$(now)
  if [ "$rc" -eq 0 ]; then
    timeout -k 10 "$STEP_TIMEOUT" /usr/bin/time -v -o "$work/myloader-time.$i" \
      myloader -h 127.0.0.1 -P "$down" -u dm --password="$pw" -d "$dir" -t "$THREADS" -e \
      >"$work/myloader.$i.log" 2>&1 || rc=$?
  fi
  e=$(now)
  if [ "$rc" -ne 0 ]; then
    echo "  mydumper+myloader run $i: failed (exit $rc):" >&2
    tail -n 10 "$work/mydumper.$i.log" "$work/myloader.$i.log" 2>/dev/null | sed 's/^/    /' >&2
    failures=$((failures + 1))
    return 0
  fi
  cpu_line mydumper+myloader "$i" "$work/mydumper-time.$i" "$work/myloader-time.$i"
  [ -n "$dump_dir_mb" ] || dump_dir_mb=$(du -sb "$dir" | awk '{ printf "%.1f", $1 / 1e6 }')
  rm -rf "$dir"
  my_wall+=("$(secs "$s" "$e")"); my_dump+=("$(secs "$s" "$m")"); my_load+=("$(secs "$m" "$e")")
  r1=$(rss_mb "$work/mydumper-time.$i"); r2=$(rss_mb "$work/myloader-time.$i")
  my_rss+=("$(max "$r1" "$r2")")
  echo "  mydumper+myloader run $i: ${my_wall[-1]} s (dump ${my_dump[-1]} s, load ${my_load[-1]} s)," \
       "peak RSS mydumper $r1 MB, myloader $r2 MB" >&2
  verify mydumper+myloader "$i" || true
}

run_mariadb_dump() {
  local i=$1 s e rc=0
  reset_target
  sql "$down" -e "CREATE DATABASE sbtest"
  cpu_start
  s=$(now)
  timeout -k 10 "$STEP_TIMEOUT" /usr/bin/time -v -o "$work/mariadb-dump-time.$i" bash -c '
    set -o pipefail
    mariadb-dump --no-defaults -h127.0.0.1 -P"$1" -udm -p"$3" --single-transaction sbtest |
      mariadb --no-defaults -h127.0.0.1 -P"$2" -udm -p"$3" sbtest' _ "$up" "$down" "$pw" \
    >"$work/mariadb-dump.$i.log" 2>&1 || rc=$?
  e=$(now)
  if [ "$rc" -ne 0 ]; then
    echo "  mariadb-dump | mariadb run $i: failed (exit $rc):" >&2
    tail -n 10 "$work/mariadb-dump.$i.log" | sed 's/^/    /' >&2
    failures=$((failures + 1))
    return 0
  fi
  cpu_line mariadb-dump "$i" "$work/mariadb-dump-time.$i"
  md_wall+=("$(secs "$s" "$e")"); md_rss+=("$(rss_mb "$work/mariadb-dump-time.$i")")
  echo "  mariadb-dump | mariadb run $i: ${md_wall[-1]} s, peak RSS ${md_rss[-1]} MB" >&2
  verify mariadb-dump "$i" || true
}

# --- runs -------------------------------------------------------------------
bench_start=$SECONDS
loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)  # other jobs on the shared cores
for ((i = 1; i <= REPEAT; i++)); do
  say "round $i of $REPEAT ($THREADS threads)"
  run_dm "$i"
  run_mydumper "$i"
  run_mariadb_dump "$i"
done
say "runs took $((SECONDS - bench_start)) s"

# --- report -----------------------------------------------------------------
# fmt_row NAME WALL DUMP LOAD RSS N: one table row, rates from the median wall time.
fmt_row() {
  if [ "$6" -eq 0 ]; then echo "| $1 | failed | | | | | |"; return; fi
  NAME=$1 awk -v w="$2" -v d="$3" -v l="$4" -v r="$5" -v n="$6" -v rep="$REPEAT" -v rows="$total_rows" -v mb="$data_mb" \
    'BEGIN { printf "| %s | %.2f | %s | %s | %.0f | %.1f | %s |%s\n", ENVIRON["NAME"], w, d, l, rows / w, mb / w, r,
             (n < rep ? " (" n " of " rep " runs succeeded)" : "") }'
}
rss_max() { if [ $# -eq 0 ]; then echo "-"; else printf '%s\n' "$@" | sort -n | tail -1; fi; }
dmW=$(med_or "${dm_wall[@]}"); myW=$(med_or "${my_wall[@]}"); mdW=$(med_or "${md_wall[@]}")
dm_rss_max=$(rss_max "${dm_rss[@]}")
if [ "$failures" -eq 0 ]; then verdict="all equal"; else verdict="$failures FAILURES"; fi
dump_note=""
[ -n "$dump_dir_mb" ] && dump_note="; mydumper's dump is $dump_dir_mb MB of SQL"
report=$(
  echo "| method ($THREADS threads; median of $REPEAT) | wall s | dump s | load s | rows/s | MB/s | peak RSS MB |"
  echo "|---|---|---|---|---|---|---|"
  fmt_row "dm-worker (task-mode full)" "$dmW" "$(med_or "${dm_dump[@]}")" "$(med_or "${dm_load[@]}")" "$dm_rss_max" ${#dm_wall[@]}
  fmt_row "mydumper -t $THREADS + myloader -t $THREADS -e" "$myW" "$(med_or "${my_dump[@]}")" "$(med_or "${my_load[@]}")" \
    "$(rss_max "${my_rss[@]}")" ${#my_wall[@]}
  fmt_row 'mariadb-dump --single-transaction \| mariadb' "$mdW" "-" "-" "$(rss_max "${md_rss[@]}")" ${#md_wall[@]}
  echo
  echo "Wall-time ratios (same run, medians; below 1 means dm is faster):"
  echo "dm / mydumper+myloader **$(ratio "$dmW" "$myW")x** (target: at most 0.8x),"
  echo "dm / mariadb-dump **$(ratio "$dmW" "$mdW")x**;"
  echo "dm-worker peak RSS (max over runs) **$dm_rss_max MB** (target: under 300 MB)."
  echo
  echo "CPU seconds used during each run (the servers' from /proc, the tools' from /usr/bin/time):"
  printf -- '- %s\n' "${cpu_lines[@]}"
)
summary="Data: sysbench oltp_read_write $TABLES tables x $ROWS rows = $total_rows rows, $data_mb MB of InnoDB data_length
(MB/s is data_length / wall time)$dump_note. Chunks of $CHUNK_ROWS rows
(mydumper -r, dm mydumpers.rows). MariaDB $mariadb_version, both instances on this machine with a
$BUFFER_POOL buffer pool, binlog on (ROW) and written by the target in every run; load average
$loadavg_start when the runs began (2 cores shared with other jobs). Every result verified
with dm-diff on sbtest.*: $verdict. dm loads while its dump runs (docs/design/overlapped_full.md): its
dump s is the dump unit's time, its load s the time the load took after the dump had finished."
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

Command: \`$cmdline\` (git $(bench_revision src tools); the
binaries in build/bin as built from the working tree). $summary
The machine is shared (others compile at the same time): absolute times vary by up to ±25%
between runs; the same-run ratios are the figures to compare.

$report
DOC
  append_benchmark "## Full migration" "dm-worker task-mode full (dump then load) against mydumper+myloader and
mariadb-dump | mariadb; produced by bench/full/run.sh, newest last." "$block"
  rm -f "$block"
fi
