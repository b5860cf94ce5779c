#!/usr/bin/env bash
# Segment and RFM benchmark (issue #4), in one command: generates 1,000,000
# contacts and 10,000,000 events with herald-gen-data, imports them with the
# real `herald` binary into a database kept in var/bench-1m (made once; later
# runs reuse it), then runs herald-segment-bench on it: the benchmark segment
# through Herald against a hand-written SQL query (identical answers
# required), RFM scores for every contact, "no open in 60 days" beside a
# hand-written query, an rfm: segment step over every contact (one RFM
# computation per run), and the peak memory of `herald segment export`.
# The results go to docs/PERFORMANCE.md.
#
#   bench/segment.sh                     # 1M/10M, Release build in build/release
#   bench/segment.sh --contacts 5000 --events 50000 --data /tmp/seg --fresh \
#       --herald BIN --gen BIN --bench BIN                # a smoke run
set -euo pipefail

contacts=1000000
events=10000000
seed=42
repeat=5
data=""
fresh=0
herald=""
gen=""
bench=""
root="$(cd "$(dirname "$0")/.." && pwd)"

usage() {
  echo "usage: $0 [--contacts N] [--events M] [--seed S] [--repeat K] [--data DIR] [--fresh]" \
       "[--herald BIN] [--gen BIN] [--bench BIN]" >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
    --contacts) contacts="$2"; shift 2 ;;
    --events) events="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    --fresh) fresh=1; shift ;;
    --herald) herald="$2"; shift 2 ;;
    --gen) gen="$2"; shift 2 ;;
    --bench) bench="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "$0: unknown argument '$1'" >&2; usage ;;
  esac
done
command -v /usr/bin/time >/dev/null || { echo "$0: needs /usr/bin/time (Debian package time)" >&2; exit 1; }

if [ -z "$herald" ] || [ -z "$gen" ] || [ -z "$bench" ]; then
  build="$root/build/release"
  if [ ! -x "$build/bin/herald" ] || [ ! -x "$build/bin/herald-gen-data" ] ||
     [ ! -x "$build/bin/herald-segment-bench" ]; then
    echo "== building herald, herald-gen-data and herald-segment-bench (Release) in $build"
    cmake --preset release -S "$root" >/dev/null
    cmake --build "$build" --target herald herald-gen-data herald-segment-bench -j 2
  fi
  herald="${herald:-$build/bin/herald}"
  gen="${gen:-$build/bin/herald-gen-data}"
  bench="${bench:-$build/bin/herald-segment-bench}"
fi

if [ -z "$data" ]; then
  if [ "$contacts" = 1000000 ] && [ "$events" = 10000000 ] && [ "$seed" = 42 ]; then
    data="$root/var/bench-1m"
  else
    data="$root/var/bench-${contacts}-${events}-${seed}"
  fi
fi
db="$data/herald.db"
# The database is reused when it was made from the same arguments by the
# same generator (its size and modification time stand for its version).
stamp="contacts=$contacts events=$events seed=$seed gen=$(stat -c '%s-%Y' "$gen")"

if [ "$fresh" = 1 ] || [ ! -f "$data/READY" ] || [ "$(cat "$data/READY")" != "$stamp" ]; then
  rm -rf "$data"
  mkdir -p "$data"
  echo "== generating $contacts contacts and $events events (seed $seed) in $data"
  /usr/bin/time -f "   %e s, %M KiB peak RSS" \
    "$gen" --contacts "$contacts" --events "$events" --seed "$seed" --out "$data"
  echo "== herald contacts import"
  /usr/bin/time -f "   %e s, %M KiB peak RSS" "$herald" --db "$db" contacts import "$data/contacts.csv"
  echo "== herald events import"
  /usr/bin/time -f "   %e s, %M KiB peak RSS" "$herald" --db "$db" events import "$data/events.csv"
  # The CSV files can be made again from the seed; the database is what is kept.
  rm -f "$data/contacts.csv" "$data/events.csv"
  echo "$stamp" >"$data/READY"
else
  echo "== reusing $db ($stamp)"
fi

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
echo
echo "machine:   $(nproc) CPUs, ${cpu:-unknown CPU}, $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM"
echo "load:      $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min)"
echo "versions:  herald $("$herald" --version 2>/dev/null | head -1), $(du -h "$db" | cut -f1) database"
echo
status=0
"$bench" --db "$db" --repeat "$repeat" || status=$?

# `herald segment export` streams: its peak memory should not grow with the
# number of contacts it writes. Measured beside `segment preview --sample 0`
# of the same rule (the same query, only counted) as the reference.
echo
echo "== herald segment export: peak RSS beside a count of the same rule"
now=2025-06-01T00:00:00Z
for rule in '{tags: {has: vip}}' '{field: email, exists: true}'; do
  /usr/bin/time -f "   preview --sample 0: %e s, %M KiB peak RSS" \
    "$herald" --db "$db" --now "$now" segment preview "$rule" --sample 0
  /usr/bin/time -f "   export:             %e s, %M KiB peak RSS" \
    "$herald" --db "$db" --now "$now" segment export "$rule" --output "$data/export.csv"
  echo "   $(($(wc -l <"$data/export.csv") - 1)) rows, $(du -h "$data/export.csv" | cut -f1) written"
done
rm -f "$data/export.csv"
exit "$status"
