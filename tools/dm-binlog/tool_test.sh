#!/usr/bin/env bash
# dm-binlog over the committed fixtures (tests/data/binlog):
#   - prints exactly the committed lines (<file>.dm-binlog) for every event and row,
#     of MariaDB's files and of the MySQL 5.6 / 5.7 files in mysql/,
#   - exits 1 with an error naming the position for a truncated file and for a
#     damaged compressed transaction,
#   - prints the version block for -V and exits 2 on usage errors.
# Re-create the expected files after an intended output change with
#   (cd tests/data/binlog && for f in mysql-bin.000002 mysql-bin.000005 mysql/*.binlog; do
#      ../../../build/bin/dm-binlog -v $f > $f.dm-binlog; done)
set -euo pipefail
bin=$(cd "$(dirname "${1:?dm-binlog binary}")" && pwd)/$(basename "$1")
fixtures=${2:?fixture dir}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cd "$fixtures"
for f in mysql-bin.000002 mysql-bin.000005 mysql/*.binlog; do
  out="$tmp/$(basename "$f").out"
  "$bin" -v "$f" >"$out" || fail "dm-binlog -v $f exited $?"
  diff -u "$f.dm-binlog" "$out" >"$tmp/diff" || { head -40 "$tmp/diff" >&2; fail "output of $f differs"; }
done

# Without -v: event lines only, the same ones.
"$bin" mysql-bin.000005 >"$tmp/events.out"
grep -v '^  ' mysql-bin.000005.dm-binlog | diff -u - "$tmp/events.out" || fail "event lines without -v differ"
# --count stops early.
[ "$("$bin" --count 3 mysql-bin.000005 | wc -l)" -eq 4 ] || fail "--count 3 did not print 3 events"

# A file cut inside the TABLE_MAP at 482 (size 51): error names that position.
head -c 500 mysql-bin.000005 >"$tmp/truncated.000001"
set +e
"$bin" -v "$tmp/truncated.000001" >"$tmp/trunc.out" 2>"$tmp/trunc.err"
rc=$?
set -e
[ $rc -eq 1 ] || fail "truncated file: exit $rc, want 1"
grep -q "position 482" "$tmp/trunc.err" || { cat "$tmp/trunc.err" >&2; fail "error does not name position 482"; }
grep -q "^411 ANNOTATE_ROWS_EVENT" "$tmp/trunc.out" || fail "events before the damage were not printed"

# Damaged checksum: error names the event's position.
cp mysql-bin.000002 "$tmp/crc.000002"
printf '\x00' | dd of="$tmp/crc.000002" bs=1 seek=300 conv=notrunc status=none
set +e
"$bin" "$tmp/crc.000002" >/dev/null 2>"$tmp/crc.err"
rc=$?
set -e
[ $rc -eq 1 ] || fail "checksum damage: exit $rc, want 1"
grep -q "checksum" "$tmp/crc.err" || { cat "$tmp/crc.err" >&2; fail "no checksum error"; }

# A damaged zstd frame in MySQL's compressed transaction (checksums off, so
# the bytes reach zstd): the payload event is listed, then the error names it.
cp mysql/vitess_transaction_payload.binlog "$tmp/payload.binlog"
printf '\x00' | dd of="$tmp/payload.binlog" bs=1 seek=155 conv=notrunc status=none
set +e
"$bin" -v --no-verify-checksum "$tmp/payload.binlog" >"$tmp/payload.out" 2>"$tmp/payload.err"
rc=$?
set -e
[ $rc -eq 1 ] || fail "damaged payload: exit $rc, want 1"
grep -q "TRANSACTION_PAYLOAD_EVENT at 123.*zstd" "$tmp/payload.err" || { cat "$tmp/payload.err" >&2; fail "no zstd error at 123"; }
grep -q "^123 TRANSACTION_PAYLOAD_EVENT" "$tmp/payload.out" || fail "the payload event was not listed"

"$bin" -V | grep -q '^Release Version' || fail "-V does not print the version block"
set +e
"$bin" --no-such-flag >/dev/null 2>&1
rc=$?
set -e
[ $rc -eq 2 ] || fail "usage error: exit $rc, want 2"
echo "dm-binlog tool test passed"
