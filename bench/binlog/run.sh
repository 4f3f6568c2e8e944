#!/usr/bin/env bash
# Binlog decode benchmark: dm-binlog printing every row versus
# mariadb-binlog --verbose --base64-output=decode-rows, on the same binlog
# files in the same run, then the decoder alone on the same files in memory
# (dm-binlog-decode-bench) (ISSUE 4's benchmark; never run by ctest).
#
#   bench/binlog/run.sh [--seconds S] [--threads N] [--table-size N] [--no-append]
#                       [--keep DIR] [--binlogs DIR] [--baseline DM_BINLOG] [--runs N]
#                       [--build-dir DIR]
#
# 1. starts a private MariaDB instance on an allocated port (stopped at exit),
# 2. runs sysbench oltp_write_only against it for S seconds (default 40),
# 3. rotates the binlog, copies the finished files and stops the server,
# 4. times each decoder over all files in N interleaved rounds (--runs, default
#    5), output to /dev/null, and
#    prints best and median wall time, MB/s and events/s of the median, and
#    the ratio of the medians,
# 5. decodes the files in memory (every event, every column value, CRC32
#    verified; 1 warm-up and N timed passes) and prints best and median
#    seconds, MB/s, events/s and rows/s of the median pass and the heap
#    allocations counted during the timed passes,
# 6. adds the figures and this command to the binlog section of docs/benchmarks.md.
# --keep DIR copies the binlog files to DIR (for profiling); --binlogs DIR
# skips steps 1-3 and times the binlog files already in DIR; --baseline BIN
# also times another dm-binlog build (e.g. before a change) in the same run.
# Takes 2-3 minutes. Needs dm-binlog and dm-binlog-decode-bench in DIR/bin
# (--build-dir, default build: cmake --build build --target dm-binlog dm-binlog-decode-bench).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=bench/lib.sh
source "$here/bench/lib.sh"
args="$*"
seconds=40 threads=4 table_size=20000 runs=5 append=1 keep= binlogs= baseline= build_dir=$here/build
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --threads) threads=$2; shift 2 ;;
    --table-size) table_size=$2; shift 2 ;;
    --no-append) append=0; shift ;;
    --keep) keep=$2; shift 2 ;;
    --binlogs) binlogs=$(cd "$2" && pwd); shift 2 ;;
    --baseline) baseline=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --build-dir) build_dir=$(cd "$2" && pwd); shift 2 ;;
    *) echo "usage: $0 [--seconds S] [--threads N] [--table-size N] [--no-append] [--keep DIR] [--binlogs DIR]" \
            "[--baseline DM_BINLOG] [--runs N] [--build-dir DIR]" >&2
       exit 2 ;;
  esac
done
dm_binlog="$build_dir/bin/dm-binlog"
decode_bench="$build_dir/bin/dm-binlog-decode-bench"
for bin in "$dm_binlog" "$decode_bench"; do
  [ -x "$bin" ] || { echo "$0: build $(basename "$bin") first (cmake --build ${build_dir#"$here/"} --target" \
                          "dm-binlog dm-binlog-decode-bench)" >&2; exit 1; }
done
[ -z "$baseline" ] || [ -x "$baseline" ] || { echo "$0: --baseline $baseline is not executable" >&2; exit 1; }

if [ -n "$binlogs" ]; then
  cd "$binlogs"
  mapfile -t files < <(ls | grep -E '\.[0-9]+$' | sort)
  [ ${#files[@]} -gt 0 ] || { echo "$0: no binlog files in $binlogs" >&2; exit 1; }
else
command -v sysbench >/dev/null || { echo "$0: sysbench not found" >&2; exit 1; }
work=$(mktemp -d /tmp/dm-bench-binlog.XXXXXX)
port=$("$here/scripts/alloc-port.sh" 1)
export DM_INSTANCE_ROOT="$work/instances"
cleanup() {
  "$here/scripts/mariadb-instance.sh" down bench "$port" >/dev/null 2>&1 || true
  "$here/scripts/alloc-port.sh" --release "$port" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
"$here/scripts/mariadb-instance.sh" up bench "$port" >/dev/null
sql() { mariadb --no-defaults -h127.0.0.1 -P"$port" -udm -pdm-test-pw -N -e "$1"; }
sql "CREATE DATABASE sbtest"
sb=(sysbench oltp_write_only --db-driver=mysql --mysql-host=127.0.0.1 --mysql-port="$port" --mysql-user=dm
    --mysql-password=dm-test-pw --mysql-db=sbtest --tables=4 --table-size="$table_size" --threads="$threads")
echo "sysbench: prepare 4 x $table_size rows, then oltp_write_only for ${seconds}s with $threads threads" >&2
"${sb[@]}" prepare >/dev/null
"${sb[@]}" --time="$seconds" --report-interval=0 run >"$work/sysbench.out"
sql "FLUSH BINARY LOGS"
datadir="$DM_INSTANCE_ROOT/bench/data"
mkdir -p "$work/binlogs"
# Every file but the new active one.
mapfile -t files < <(sql "SHOW BINARY LOGS" | awk '{print $1}' | head -n -1)
for f in "${files[@]}"; do cp "$datadir/$f" "$work/binlogs/"; done
if [ -n "$keep" ]; then mkdir -p "$keep" && cp "$work/binlogs/"* "$keep/"; fi
# The server's background work (InnoDB purge after the workload) would share
# the 2 cores with the timed decoders.
"$here/scripts/mariadb-instance.sh" down bench "$port" >/dev/null
cd "$work/binlogs"
fi
bytes=$(cat "${files[@]}" | wc -c)
events=$("$dm_binlog" "${files[@]}" | grep -vc '^#')
rows=$("$dm_binlog" -v "${files[@]}" | grep -c '^  [WUD] ')
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1e6 }')
echo "binlog: ${#files[@]} files, $mb MB, $events events, $rows row changes" >&2

# Wall seconds of one run of "$@" > /dev/null.
wall() {
  local s e
  s=$(date +%s.%N)
  "$@" >/dev/null
  e=$(date +%s.%N)
  awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f", e - s }'
}
# Best and median of a list of seconds.
best_median() { printf '%s\n' "$@" | sort -n | awk '{ t[NR] = $1 } END { print t[1], t[int((NR + 1) / 2)] }'; }
# Rounds interleave the decoders, so load from other processes on the shared
# machine falls on all of them alike.
dm_t=() base_t=() mb_t=()
for _ in $(seq "$runs"); do
  dm_t+=("$(wall "$dm_binlog" -v "${files[@]}")")
  if [ -n "$baseline" ]; then base_t+=("$(wall "$baseline" -v "${files[@]}")"); fi
  mb_t+=("$(wall mariadb-binlog --verbose --base64-output=decode-rows "${files[@]}")")
done
read -r dm_best dm_median < <(best_median "${dm_t[@]}")
if [ -n "$baseline" ]; then read -r base_best base_median < <(best_median "${base_t[@]}"); fi
read -r mb_best mb_median < <(best_median "${mb_t[@]}")
rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.1f", n / t }'; }
dm_mbs=$(rate "$mb" "$dm_median"); mb_mbs=$(rate "$mb" "$mb_median")
dm_eps=$(awk -v n="$events" -v t="$dm_median" 'BEGIN { printf "%.0f", n / t }')
mb_eps=$(awk -v n="$events" -v t="$mb_median" 'BEGIN { printf "%.0f", n / t }')
ratio=$(awk -v a="$mb_median" -v b="$dm_median" 'BEGIN { printf "%.1f", a / b }')
report=$(cat <<REPORT
| decoder (every row printed, output to /dev/null) | best s | median s | MB/s | events/s |
|---|---|---|---|---|
| dm-binlog -v | $dm_best | $dm_median | $dm_mbs | $dm_eps |
| mariadb-binlog --verbose --base64-output=decode-rows | $mb_best | $mb_median | $mb_mbs | $mb_eps |
REPORT
)
if [ -n "$baseline" ]; then
  base_mbs=$(rate "$mb" "$base_median")
  base_eps=$(awk -v n="$events" -v t="$base_median" 'BEGIN { printf "%.0f", n / t }')
  base_ratio=$(awk -v a="$mb_median" -v b="$base_median" 'BEGIN { printf "%.1f", a / b }')
  report+=$'\n'"| baseline \`$baseline -v\` | $base_best | $base_median | $base_mbs | $base_eps |"
fi
report+=$'\n\n'"dm-binlog / mariadb-binlog speed (median): **${ratio}x**"
if [ -n "$baseline" ]; then report+=" (baseline: ${base_ratio}x)"; fi
# The decoder alone: files read into memory first, no output. Its row shows
# the heap allocations of all timed passes together, and those made while
# decoding rows events (the "per row" target of the issue).
echo "in-memory decode: 1 warm-up + $runs timed passes" >&2
memory_row=$("$decode_bench" --markdown --passes "$runs" "${files[@]}")
report+=$'\n\n'"| in-memory decode (no output) | best s | median s | MB/s | events/s | rows/s | heap allocations in the timed passes |"
report+=$'\n'"|---|---|---|---|---|---|---|"
report+=$'\n'"$memory_row"
echo "$report"
if [ "$append" -eq 1 ]; then
  entry=$(mktemp)
  cat >"$entry" <<DOC

### $(date -u '+%Y-%m-%d %H:%M UTC')

Command: \`bench/binlog/run.sh${args:+ $args}\`
(git $(bench_revision src/binlog src/common tools/dm-binlog bench/binlog)). Input: binlogs of sysbench
oltp_write_only on MariaDB $(mariadbd --version 2>/dev/null | awk '{print $3}'): ${#files[@]} files, $mb MB, $events events,
$rows row changes; each decoder run $runs times over all files (interleaved rounds), single thread;
the in-memory decode is \`dm-binlog-decode-bench --passes $runs\` over the same files.

$report
DOC
  append_benchmark "## Binlog decoding: dm-binlog vs mariadb-binlog" "" "$entry"
  rm -f "$entry"
fi
