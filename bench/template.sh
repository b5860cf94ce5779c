#!/usr/bin/env bash
# Template rendering benchmark (issue #5), in one command: builds
# herald-template-bench (Release) in build/release if needed and runs it —
# Herald's Liquid and mstch render the same newsletter for a few hundred
# contacts, identical texts required, then renders/s of each, alternating,
# medians — and, when valgrind is installed, counts the instructions per
# render of each under callgrind (the difference of two runs of N and 6N
# renders, so setup cancels out). The results go to docs/PERFORMANCE.md.
#
#   bench/template.sh                        # Release build in build/release
#   bench/template.sh --repeat 9 --seconds 1 --bench BIN [--no-callgrind]
set -euo pipefail

repeat=7
seconds=0.5
bench=""
callgrind=1
root="$(cd "$(dirname "$0")/.." && pwd)"

usage() {
  echo "usage: $0 [--repeat K] [--seconds S] [--bench BIN] [--no-callgrind]" >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
    --repeat) repeat="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --bench) bench="$2"; shift 2 ;;
    --no-callgrind) callgrind=0; shift ;;
    -h|--help) usage ;;
    *) echo "$0: unknown argument '$1'" >&2; usage ;;
  esac
done

if [ -z "$bench" ]; then
  build="$root/build/release"
  bench="$build/bin/herald-template-bench"
  echo "== building herald-template-bench (Release) in $build"
  cmake --preset release -S "$root" >/dev/null
  cmake --build "$build" --target herald-template-bench -j 2
fi
[ -x "$bench" ] || { echo "$0: no $bench (is libmstch-dev installed?)" >&2; exit 1; }

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
echo
echo "machine:   $(nproc) CPUs, ${cpu:-unknown CPU}, $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM"
echo "load:      $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min)"
echo "compiler:  $(c++ --version | head -1); mstch $(dpkg-query -W -f '${Version}' libmstch-dev 2>/dev/null || echo '?')"
echo
"$bench" --repeat "$repeat" --seconds "$seconds"

if [ "$callgrind" = 1 ] && command -v valgrind >/dev/null; then
  echo
  echo "callgrind: instructions per render (Ir of 6N renders minus Ir of N, divided by 5N)"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  ir() {  # ENGINE RENDERS -> total instructions of one run
    valgrind --tool=callgrind --callgrind-out-file="$tmp/out" "$bench" --only "$1" --renders "$2" \
      >/dev/null 2>"$tmp/err"
    sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$tmp/err"
  }
  declare -A per
  for spec in herald:2000 mstch:200; do
    engine=${spec%%:*}
    n=${spec##*:}
    a=$(ir "$engine" "$n")
    b=$(ir "$engine" $((6 * n)))
    per[$engine]=$(( (b - a) / (5 * n) ))
    printf '  %-8s %12s instructions per render\n' "$engine" "${per[$engine]}"
  done
  printf '  ratio    %12s (mstch / Herald)\n' \
    "$(awk -v m="${per[mstch]}" -v h="${per[herald]}" 'BEGIN { printf "%.1fx", m / h }')"
fi
