#!/usr/bin/env bash
# Recommendations benchmark (issue #5), in one command: the database of
# 1,000,000 contacts and 10,000,000 events that bench/segment.sh keeps in
# var/bench-1m (made here the same way when it is missing: herald-gen-data,
# then the real `herald` imports), the generator's product catalogue imported
# with `herald products import`, then herald-recommend-bench on it: a plain
# scan of the purchase rows (the statement the model reads with) against the
# model build and top-3 for every contact, in the same run. The results go
# to docs/PERFORMANCE.md, "Recommendations".
#
#   bench/recommend.sh                   # 1M/10M, Release build in build/release
#   bench/recommend.sh --sample --data /tmp/rec --fresh \
#       --herald BIN --gen BIN --bench BIN     # a smoke run on workflows/data
#
# The contacts and events files depend only on --contacts, --events and
# --seed (herald-gen-data keeps them byte-identical when it learns new
# outputs), so a database either script made from the same three is reused.
set -euo pipefail

contacts=1000000
events=10000000
seed=42
repeat=3
data=""
fresh=0
sample=0
herald=""
gen=""
bench=""
root="$(cd "$(dirname "$0")/.." && pwd)"

usage() {
  echo "usage: $0 [--contacts N] [--events M] [--seed S] [--repeat K] [--data DIR] [--fresh]" \
       "[--sample] [--herald BIN] [--gen BIN] [--bench BIN]" >&2
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
    --sample) sample=1; shift ;;
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
     [ ! -x "$build/bin/herald-recommend-bench" ]; then
    echo "== building herald, herald-gen-data and herald-recommend-bench (Release) in $build"
    cmake --preset release -S "$root" >/dev/null
    cmake --build "$build" --target herald herald-gen-data herald-recommend-bench -j 2
  fi
  herald="${herald:-$build/bin/herald}"
  gen="${gen:-$build/bin/herald-gen-data}"
  bench="${bench:-$build/bin/herald-recommend-bench}"
fi

if [ "$sample" = 1 ]; then
  # The sample data of the demo (workflows/data), imported into DIR.
  [ -n "$data" ] || data="$root/var/bench-recommend-sample"
  [ "$fresh" = 1 ] && rm -rf "$data"
  mkdir -p "$data"
  db="$data/herald.db"
  if [ ! -f "$data/READY" ]; then
    echo "== importing workflows/data into $db"
    "$herald" --db "$db" contacts import "$root/workflows/data/contacts.csv"
    "$herald" --db "$db" events import "$root/workflows/data/events.csv"
    echo sample >"$data/READY"
  fi
  "$herald" --db "$db" products import "$root/workflows/data/products.csv"
else
  if [ -z "$data" ]; then
    if [ "$contacts" = 1000000 ] && [ "$events" = 10000000 ] && [ "$seed" = 42 ]; then
      data="$root/var/bench-1m"
    else
      data="$root/var/bench-${contacts}-${events}-${seed}"
    fi
  fi
  db="$data/herald.db"
  args="contacts=$contacts events=$events seed=$seed"
  if [ "$fresh" = 1 ] || [ ! -f "$data/READY" ] || [ "$(cut -d' ' -f1-3 "$data/READY")" != "$args" ]; then
    rm -rf "$data"
    mkdir -p "$data"
    echo "== generating $contacts contacts and $events events (seed $seed) in $data"
    /usr/bin/time -f "   %e s, %M KiB peak RSS" \
      "$gen" --contacts "$contacts" --events "$events" --seed "$seed" --out "$data"
    echo "== herald contacts import"
    /usr/bin/time -f "   %e s, %M KiB peak RSS" "$herald" --db "$db" contacts import "$data/contacts.csv"
    echo "== herald events import"
    /usr/bin/time -f "   %e s, %M KiB peak RSS" "$herald" --db "$db" events import "$data/events.csv"
    rm -f "$data/contacts.csv" "$data/events.csv" "$data/products.csv"
    # The same stamp as bench/segment.sh writes.
    echo "$args gen=$(stat -c '%s-%Y' "$gen")" >"$data/READY"
  else
    echo "== reusing $db ($(cat "$data/READY"))"
  fi
  # The catalogue (the same for every seed); an upsert, so safe to repeat.
  catalog="$(mktemp -d)"
  trap 'rm -rf "$catalog"' EXIT
  "$gen" --contacts 0 --out "$catalog" >/dev/null
  echo "== herald products import"
  "$herald" --db "$db" products import "$catalog/products.csv"
fi

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
echo
echo "machine:   $(nproc) CPUs, ${cpu:-unknown CPU}, $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM"
echo "load:      $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min)"
echo "versions:  herald $("$herald" --version 2>/dev/null | head -1), $(du -h "$db" | cut -f1) database"
echo
/usr/bin/time -f "process:   %e s wall, %M KiB peak RSS" "$bench" --db "$db" --repeat "$repeat"
