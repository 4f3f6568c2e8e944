# Helpers shared by bench/*/run.sh (sourced after `here` is set to the
# repository root).

say() { printf '==> %s\n' "$*" >&2; }
die() { echo "$0: $*" >&2; exit 1; }

now() { date +%s.%N; }
secs() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.2f", e - s }'; }
# Peak RSS in MB from a /usr/bin/time -v report.
rss_mb() { awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$1"; }
median() {
  printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END {
    if (NR % 2) printf "%.2f", a[(NR + 1) / 2]; else printf "%.2f", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}
med_or() { if [ $# -eq 0 ]; then echo "-"; else median "$@"; fi; }
ratio() { if [ "$1" = - ] || [ "$2" = - ]; then echo "n/a"; else awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; fi; }

# bench_revision PATH...: the short commit, plus a note when any PATH has
# uncommitted changes (status, not diff, so new files count too).
bench_revision() {
  local rev
  rev=$(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)
  if [ -n "$(git -C "$here" status --porcelain -- "$@" 2>/dev/null)" ]; then rev+=" with uncommitted changes in $*"; fi
  echo "$rev"
}

# append_benchmark HEADING INTRO ENTRY_FILE: adds the entry (which starts with
# a blank line) at the end of docs/benchmarks.md's HEADING section, creating
# the section with INTRO at the end of the file when it is missing; every
# other section stays as it is.
append_benchmark() {
  local doc="$here/docs/benchmarks.md" heading=$1 intro=$2 entry=$3
  [ -f "$doc" ] || printf '# Benchmarks\n' >"$doc"
  if ! grep -qxF "$heading" "$doc"; then
    printf '\n%s\n' "$heading" >>"$doc"
    [ -z "$intro" ] || printf '\n%s\n' "$intro" >>"$doc"
  fi
  HEADING="$heading" awk -v entry="$entry" '
    function emit() { while ((getline l < entry) > 0) print l; close(entry); done = 1 }
    in_section && /^## / && !done { emit(); print ""; in_section = 0 }
    { print }
    $0 == ENVIRON["HEADING"] { in_section = 1 }
    END { if (!done) emit() }' "$doc" >"$doc.tmp"
  mv "$doc.tmp" "$doc"
  echo "appended to $doc" >&2
}
