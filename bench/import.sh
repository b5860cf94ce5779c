#!/usr/bin/env bash
# Contact import benchmark: `herald contacts import` of N generated contacts
# into a fresh database, against the sqlite3 shell's `.import --csv` of the
# same file into a plain table (the reference), measured in the same run.
# Prints wall time and peak memory of both and the ratio (the goal: herald
# within 3x of the reference). The results go to docs/PERFORMANCE.md.
#
#   bench/import.sh                      # 1,000,000 rows, Release build in build/release
#   bench/import.sh --rows 10000 --repeat 1 --herald BIN --gen BIN   # a smoke run
#
# Each tool runs --repeat times, alternating, and the median is reported, so
# a burst of load on the machine does not favour one side.
set -euo pipefail

rows=1000000
repeat=3
seed=42
herald=""
gen=""
work=""
root="$(cd "$(dirname "$0")/.." && pwd)"

usage() {
  echo "usage: $0 [--rows N] [--repeat K] [--seed S] [--herald BIN] [--gen BIN] [--work DIR]" >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --herald) herald="$2"; shift 2 ;;
    --gen) gen="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "$0: unknown argument '$1'" >&2; usage ;;
  esac
done

for tool in sqlite3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "$0: needs $tool (Debian packages sqlite3, time)" >&2; exit 1; }
done

if [ -z "$herald" ] || [ -z "$gen" ]; then
  build="$root/build/release"
  if [ ! -x "$build/bin/herald" ] || [ ! -x "$build/bin/herald-gen-data" ]; then
    echo "== building herald and herald-gen-data (Release) in $build"
    cmake --preset release -S "$root" >/dev/null
    cmake --build "$build" --target herald herald-gen-data -j "$(nproc)"
  fi
  herald="${herald:-$build/bin/herald}"
  gen="${gen:-$build/bin/herald-gen-data}"
fi

cleanup_work=0
if [ -z "$work" ]; then
  work="$(mktemp -d "${TMPDIR:-/tmp}/herald-bench.XXXXXX")"
  cleanup_work=1
fi
mkdir -p "$work"
trap '[ "$cleanup_work" = 1 ] && rm -rf "$work"' EXIT

echo "== generating $rows contacts (seed $seed)"
"$gen" --contacts "$rows" --seed "$seed" --out "$work/data"
csv="$work/data/contacts.csv"
size_mb=$(( $(stat -c %s "$csv") / 1048576 ))

# run NAME COMMAND...: runs once under /usr/bin/time; appends "seconds kb" to
# $work/NAME.times.
run() {
  local name="$1"; shift
  /usr/bin/time -f "%e %M" -o "$work/time.out" "$@" >"$work/$name.out" 2>"$work/$name.err" || {
    echo "$0: $name failed:" >&2; cat "$work/$name.err" >&2; exit 1; }
  cat "$work/time.out" >>"$work/$name.times"
}

median() {  # median of column $2 of file $1
  sort -n -k"$2","$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)] }'
}

rm -f "$work"/*.times
for i in $(seq 1 "$repeat"); do
  echo "== round $i of $repeat"
  rm -f "$work/ref.db"
  run sqlite3 sqlite3 "$work/ref.db" ".import --csv $csv contacts"
  rm -f "$work/herald.db" "$work/herald.db-wal" "$work/herald.db-shm"
  run herald "$herald" --db "$work/herald.db" contacts import "$csv"
  grep -q "^imported $rows contacts ($rows new, 0 updated)" "$work/herald.out" || {
    echo "$0: unexpected herald output:" >&2; cat "$work/herald.out" "$work/herald.err" >&2; exit 1; }
done

ref_s=$(median "$work/sqlite3.times" 1)
ref_kb=$(median "$work/sqlite3.times" 2)
her_s=$(median "$work/herald.times" 1)
her_kb=$(median "$work/herald.times" 2)
ratio=$(awk -v a="$her_s" -v b="$ref_s" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
ref_rows=$(sqlite3 "$work/ref.db" "SELECT count(*) FROM contacts")

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
echo
echo "machine:   $(nproc) CPUs, ${cpu:-unknown CPU}, $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM"
echo "load:      $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min)"
echo "input:     $rows contacts, $size_mb MiB CSV (herald-gen-data --seed $seed)"
echo "versions:  herald $("$herald" --version 2>/dev/null | head -1), sqlite3 $(sqlite3 --version | cut -d' ' -f1)"
echo "medians of $repeat runs:"
printf '  %-34s %8s s  %8s MiB peak RSS\n' "sqlite3 .import --csv (reference)" "$ref_s" "$((ref_kb / 1024))"
printf '  %-34s %8s s  %8s MiB peak RSS\n' "herald contacts import" "$her_s" "$((her_kb / 1024))"
echo "ratio:     ${ratio}x the reference (goal: within 3x)"
echo "rows:      reference table $ref_rows, herald $(sqlite3 "$work/herald.db" "SELECT count(*) FROM contacts")"
