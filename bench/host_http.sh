#!/usr/bin/env bash
# Host HTTP service benchmark (issue 12): HttpClient (libcurl multi on one
# io_context thread) sends --requests GETs with --in-flight on the wire to a
# local keep-alive server; in the same run `wrk -t1 -c<in-flight>` loads the
# same endpoint, the reference. Goals: >= 40% of wrk's requests/s, and a 1 ms
# timer on HttpClient's loop late by < 10 ms at p99 and max meanwhile. Each
# round also sends the same requests from a plugin (bench-http-load, built on
# the SDK) through the host API's http_request, as `herald serve` loads it.
# The results go to docs/PERFORMANCE.md.
#
#   bench/host_http.sh                                   # 100,000 requests, 64 in flight, wrk 10 s
#   bench/host_http.sh --requests 2000 --seconds 1 --in-flight 8 --rounds 1   # a smoke run
#
# The server is herald-http-bench-server (tests/unit/net's Beast server,
# --server-threads of them); it counts the connections it accepted. Fails
# only on what does not depend on the machine's load: a failed request, or
# more connections than requests in flight (no reuse).
set -euo pipefail

requests=100000
in_flight=64
seconds=10
server_threads=1
rounds=2
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build/release"
server="$build/bin/herald-http-bench-server"
bench="$build/bin/herald-host-http-bench"
plugin="$build/bench/bench-http-load.so"

usage() {
  echo "usage: $0 [--requests N] [--in-flight N] [--seconds S] [--server-threads N] [--rounds N] [--server BIN] [--bench BIN] [--plugin SO]" >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
    --requests) requests="$2"; shift 2 ;;
    --in-flight) in_flight="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --server-threads) server_threads="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --server) server="$2"; shift 2 ;;
    --bench) bench="$2"; shift 2 ;;
    --plugin) plugin="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "$0: unknown argument '$1'" >&2; usage ;;
  esac
done
command -v wrk >/dev/null || { echo "$0: needs wrk (Debian package wrk)" >&2; exit 1; }
[ -x "$server" ] && [ -x "$bench" ] && [ -f "$plugin" ] || { echo "$0: build them first (cmake --build --preset release --target herald-http-bench-server herald-host-http-bench bench-http-load)" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/herald-host-http.XXXXXX")"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$server" --threads "$server_threads" --port-file "$work/port" > "$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.05; done
[ -s "$work/port" ] || { echo "$0: the server did not start" >&2; cat "$work/server.log" >&2; exit 1; }
url="http://127.0.0.1:$(cat "$work/port")/hello"

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== server: herald-http-bench-server --threads $server_threads ($url)"
echo "== reference for the timer: the same 1 ms timer on an idle loop (what the machine alone costs)"
"$bench" --idle-seconds 3 | tee "$work/idle.txt"

value() { grep "^$2=\|[ ]$2=" "$1" | tail -1 | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k {print $2}'; }
best_wrk=0; best_rate=0; worst_p99=0; worst_max=0; connections=0
best_abi=0; worst_abi_p99=0; worst_abi_max=0
max_of() { awk -v a="$1" -v b="$2" 'BEGIN {print (b > a ? b : a)}'; }
# wrk and HttpClient take turns, --rounds times: on a shared machine the load
# changes from one moment to the next, and each gets its best moment.
for round in $(seq 1 "$rounds"); do
  echo "== round $round: wrk -t1 -c$in_flight -d${seconds}s"
  wrk -t1 -c"$in_flight" -d"${seconds}s" "$url" | tee "$work/wrk.txt"
  wrk_rate="$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk.txt")"
  echo "== round $round: HttpClient, $requests requests, $in_flight in flight, one io_context thread"
  "$bench" --url "$url" --requests "$requests" --in-flight "$in_flight" | tee "$work/bench.txt"
  rate="$(value "$work/bench.txt" requests_per_s)"
  p99="$(value "$work/bench.txt" lateness_p99_ms)"
  max="$(value "$work/bench.txt" lateness_max_ms)"
  connections="$(value "$work/bench.txt" connections)"
  best_wrk="$(max_of "$best_wrk" "$wrk_rate")"
  best_rate="$(max_of "$best_rate" "$rate")"
  worst_p99="$(max_of "$worst_p99" "$p99")"
  worst_max="$(max_of "$worst_max" "$max")"
  [ "$connections" -le "$in_flight" ] || { echo "$0: connections were not reused ($connections)" >&2; exit 1; }
  echo "== round $round: the same through a plugin (bench-http-load, host->http_request)"
  "$bench" --url "$url" --requests "$requests" --in-flight "$in_flight" --plugin "$plugin" | tee "$work/abi.txt"
  best_abi="$(max_of "$best_abi" "$(value "$work/abi.txt" requests_per_s)")"
  worst_abi_p99="$(max_of "$worst_abi_p99" "$(value "$work/abi.txt" lateness_p99_ms)")"
  worst_abi_max="$(max_of "$worst_abi_max" "$(value "$work/abi.txt" lateness_max_ms)")"
done

kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
cat "$work/server.log"

ratio="$(awk -v a="$best_rate" -v b="$best_wrk" 'BEGIN {printf "%.0f", 100 * a / b}')"
echo "== summary (best of $rounds rounds each; load now $(cut -d' ' -f1-3 /proc/loadavg))"
printf 'HttpClient %s requests/s, wrk %s requests/s: %s%% of wrk (goal >= 40%%)\n' "$best_rate" "$best_wrk" "$ratio"
printf 'loop timer lateness, worst round: p99 %s ms, max %s ms (goal < 10 ms); idle loop: p99 %s ms, max %s ms\n' \
  "$worst_p99" "$worst_max" "$(value "$work/idle.txt" lateness_p99_ms)" "$(value "$work/idle.txt" lateness_max_ms)"
abi_ratio="$(awk -v a="$best_abi" -v b="$best_wrk" 'BEGIN {printf "%.0f", 100 * a / b}')"
printf 'through the plugin ABI %s requests/s: %s%% of wrk (goal >= 40%%); loop lateness worst round p99 %s ms, max %s ms\n' \
  "$best_abi" "$abi_ratio" "$worst_abi_p99" "$worst_abi_max"
printf 'connections opened by HttpClient: %s for %s requests (at most %s)\n' "$connections" "$requests" "$in_flight"
