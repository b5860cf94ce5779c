#!/usr/bin/env bash
# Experiment report benchmark (issue 14), in one command: herald-experiment-bench
# makes a database of 1,000,000 contacts assigned 50/30/20 to three variants,
# their sent emails and 10,000,000 events (kept in var/bench-experiment; later
# runs reuse it), then times ExperimentStore::goalCounts for a conversion goal
# and a revenue goal beside the same counts written by hand in SQL, in the
# same process. The results go to docs/PERFORMANCE.md.
#
#   bench/experiment.sh                  # 1M/10M, Release build in build/release
#   bench/experiment.sh --contacts 5000 --events 50000 --repeat 1 --data /tmp/exp --fresh \
#       --bench BIN                                       # a smoke run
set -euo pipefail

contacts=1000000
events=10000000
seed=42
repeat=5
data=""
fresh=0
bench=""
root="$(cd "$(dirname "$0")/.." && pwd)"

usage() {
  echo "usage: $0 [--contacts N] [--events M] [--seed S] [--repeat K] [--data DIR] [--fresh]" \
       "[--bench BIN]" >&2
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
    --bench) bench="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "$0: unknown argument '$1'" >&2; usage ;;
  esac
done

if [ -z "$bench" ]; then
  build="$root/build/release"
  if [ ! -x "$build/bin/herald-experiment-bench" ]; then
    echo "== building herald-experiment-bench (Release) in $build"
    cmake --preset release -S "$root" >/dev/null
    cmake --build "$build" --target herald-experiment-bench -j 2
  fi
  bench="$build/bin/herald-experiment-bench"
fi

if [ -z "$data" ]; then
  if [ "$contacts" = 1000000 ] && [ "$events" = 10000000 ] && [ "$seed" = 42 ]; then
    data="$root/var/bench-experiment"
  else
    data="$root/var/bench-experiment-${contacts}-${events}-${seed}"
  fi
fi
db="$data/herald.db"
# The database is reused when it was made from the same arguments by a
# benchmark that makes the same data (its --data-version).
stamp="contacts=$contacts events=$events seed=$seed data=$("$bench" --data-version)"
if [ "$fresh" = 1 ] || [ ! -f "$data/READY" ] || [ "$(cat "$data/READY")" != "$stamp" ]; then
  rm -rf "$data"
  mkdir -p "$data"
else
  echo "== reusing $db ($stamp)"
fi

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
echo "machine:   $(nproc) CPUs, ${cpu:-unknown CPU}, $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM"
echo "load:      $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min)"
status=0
"$bench" --db "$db" --contacts "$contacts" --events "$events" --seed "$seed" --repeat "$repeat" ||
  status=$?
# A run that died while making the database leaves no stamp: the next run makes it again.
if [ "$status" -le 1 ] && [ -f "$db" ]; then echo "$stamp" >"$data/READY"; fi
echo "database:  $(du -h "$db" | cut -f1)"
exit "$status"
