#!/usr/bin/env bash
# Builds and runs the libFuzzer target over dm's binlog decoder
# (fuzz/binlog_decoder_fuzzer.cc) with AddressSanitizer and UBSan.
#
#   scripts/fuzz-binlog.sh [--time SECONDS] [--build-dir DIR] [--jobs N] [-- LIBFUZZER_ARGS...]
#
# --time       how long to fuzz (default 600; CTest's fuzz_binlog_decoder runs 30)
# --build-dir  where objects, the binary, the corpus and crash artifacts go
#              (default build/fuzz); the corpus there grows across runs
# --jobs       parallel fuzzing processes (default 1)
#
# The seed corpus is rebuilt on every run from the committed fixtures
# (MariaDB's tests/data/binlog/mysql-bin.* and MySQL's
# tests/data/binlog/mysql/*.binlog, split into events by
# fuzz/make_seed_corpus.py). A crash leaves its input as
# DIR/artifacts/crash-* and the script exits non-zero; reproduce it with
#   DIR/binlog_decoder_fuzzer DIR/artifacts/crash-...
# Needs clang++ 14 and libclang-rt-14-dev (the fuzzer runtime); exits 77
# (CTest's skip code) when they are missing.
#
# The fuzzer is compiled straight from the dm_binlog source list in
# src/binlog/CMakeLists.txt, so it needs no second CMake build tree.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
time_s=600
build="$here/build/fuzz"
jobs=1
while [ $# -gt 0 ]; do
  case "$1" in
    --time) time_s=$2; shift 2 ;;
    --build-dir) build=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "usage: $0 [--time S] [--build-dir DIR] [--jobs N] [-- LIBFUZZER_ARGS]" >&2; exit 2 ;;
  esac
done

cxx=$(command -v clang++-14 || command -v clang++ || true)
if [ -z "$cxx" ] || ! "$cxx" -fsanitize=fuzzer -x c++ -o /dev/null - <<<'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }' 2>/dev/null; then
  echo "$0: clang++ with the libFuzzer runtime (libclang-rt-14-dev) is not available; skipping" >&2
  exit 77
fi

mkdir -p "$build/obj" "$build/artifacts" "$build/corpus"
# The decoder's sources, as CMake builds them into dm_binlog.
mapfile -t binlog_sources < <(sed -n '/^dm_add_library(dm_binlog$/,/^  DEPS/p' "$here/src/binlog/CMakeLists.txt" |
  grep -E '^\s+[a-z_/]+\.cc$' | tr -d ' ')
sources=()
for s in "${binlog_sources[@]}"; do sources+=("src/binlog/$s"); done
sources+=(src/common/status.cc src/common/errors.cc fuzz/binlog_decoder_fuzzer.cc)

flags=(-std=c++20 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
       -I"$here/src")
# Rebuild an object when its source or any dm header is newer.
newest_header=$(find "$here/src/binlog" "$here/src/common" -name '*.h' -o -name '*.def' | xargs ls -t | head -1)
objects=()
pids=()
for s in "${sources[@]}"; do
  o="$build/obj/$(echo "$s" | tr '/' '_').o"
  objects+=("$o")
  if [ ! -f "$o" ] || [ "$here/$s" -nt "$o" ] || [ "$newest_header" -nt "$o" ]; then
    extra=-fsanitize=fuzzer-no-link
    "$cxx" "${flags[@]}" "$extra" -c "$here/$s" -o "$o" &
    pids+=($!)
    # Two compilers at a time: the machines have two cores.
    if [ ${#pids[@]} -ge 2 ]; then wait "${pids[0]}"; pids=("${pids[@]:1}"); fi
  fi
done
for p in "${pids[@]}"; do wait "$p"; done
"$cxx" "${flags[@]}" -fsanitize=fuzzer "${objects[@]}" -lfmt -lz -lzstd -o "$build/binlog_decoder_fuzzer"

rm -rf "$build/seeds"
python3 "$here/fuzz/make_seed_corpus.py" "$build/seeds" "$here"/tests/data/binlog/mysql-bin.00000[0-9] \
  "$here"/tests/data/binlog/mysql/*.binlog

cd "$build"
args=(-max_total_time="$time_s" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024
      -artifact_prefix="$build/artifacts/" -print_final_stats=1)
if [ "$jobs" -gt 1 ]; then args+=(-jobs="$jobs" -workers="$jobs"); fi
exec ./binlog_decoder_fuzzer "${args[@]}" "$@" "$build/corpus" "$build/seeds"
