#!/usr/bin/env bash
# Event ingestion benchmark: `wrk` POSTs durable events (each answered 202
# only after its group commit) to the admin API over loopback, while a second
# `wrk` GETs /livez on the same server in the same run, the reference: the
# goal is >= 20,000 events/s and >= 50% of the /livez rate, with p99 latency.
# The results go to docs/PERFORMANCE.md.
#
#   bench/ingest.sh                          # 20 s, 64 connections per wrk
#   bench/ingest.sh --seconds 3 --connections 8 --herald BIN   # a smoke run
#
# The server is the real `herald serve` (--herald BIN, default the release
# build's); --batch N posts N events per request.
set -euo pipefail

seconds=20
connections=64
threads=1
batch=1
herald=""
root="$(cd "$(dirname "$0")/.." && pwd)"

usage() {
  echo "usage: $0 [--seconds S] [--connections C] [--threads T] [--batch N] [--herald BIN]" >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --batch) batch="$2"; shift 2 ;;
    --herald) herald="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "$0: unknown argument '$1'" >&2; usage ;;
  esac
done
command -v wrk >/dev/null || { echo "$0: needs wrk (Debian package wrk)" >&2; exit 1; }
build="$root/build/release"
herald="${herald:-$build/bin/herald}"
[ -x "$herald" ] || { echo "$0: build herald first (cmake --build --preset release --target herald)" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/herald-ingest.XXXXXX")"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

token="bench-token-0123456789abcdef0123"
printf 'external_id,email,consent_email\n' > "$work/contacts.csv"
for i in $(seq 1 1000); do printf 'c%d,c%d@example.com,yes\n' "$i" "$i"; done >> "$work/contacts.csv"
"$herald" --db "$work/herald.db" contacts import "$work/contacts.csv" >/dev/null
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
public="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
mkdir -p "$work/workflows" "$work/run"
cat > "$work/herald.yaml" <<YAML
state_dir: $work
database: $work/herald.db
workflows_dir: $work/workflows
runtime_dir: $work/run
http:
  admin: {listen: "127.0.0.1:$port", tokens: [$token]}
  public: {listen: "127.0.0.1:$public"}
  limits: {max_connections: 4096, max_batch_events: 1000}
YAML
"$herald" --config "$work/herald.yaml" serve > "$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/livez" >/dev/null && break; sleep 0.1; done
echo "== server: $herald serve"

# Each request posts `batch` events of a contact chosen per request.
cat > "$work/post.lua" <<LUA
local batch = $batch
local n = 0
request = function()
  n = n + 1
  local c = "c" .. ((n % 1000) + 1)
  local ev = '{"type":"page_view","external_id":"' .. c .. '","properties":{"path":"/p/' .. n .. '"}}'
  local body = ev
  if batch > 1 then
    local evs = {}
    for i = 1, batch do evs[i] = ev end
    body = '{"events":[' .. table.concat(evs, ",") .. ']}'
  end
  return wrk.format("POST", "/api/v1/events",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer $token"}, body)
end
done = function(summary, latency, requests)
  local codes = summary.errors.status
  io.write(string.format("RESULT requests=%d seconds=%.3f p50_ms=%.2f p99_ms=%.2f non2xx=%d errors=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, codes, summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
end
LUA
cat > "$work/livez.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d seconds=%.3f p50_ms=%.2f p99_ms=%.2f non2xx=%d errors=%d\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, summary.errors.status, summary.errors.connect +
    summary.errors.read + summary.errors.write + summary.errors.timeout))
end
LUA

echo "== $(nproc) cores, $(uname -m); $connections connections per wrk, $seconds s, $batch event(s) per POST"
wrk -t "$threads" -c "$connections" -d "${seconds}s" --latency -s "$work/post.lua" \
  "http://127.0.0.1:$port/api/v1/events" > "$work/post.out" &
post_pid=$!
wrk -t "$threads" -c "$connections" -d "${seconds}s" --latency -s "$work/livez.lua" \
  "http://127.0.0.1:$port/livez" > "$work/livez.out"
wait "$post_pid"

stored="$(sqlite3 "$work/herald.db" "SELECT count(*) FROM events WHERE type='page_view'")"
post="$(grep RESULT "$work/post.out")"
livez="$(grep RESULT "$work/livez.out")"
field() { echo "$1" | sed -E "s/.* $2=([0-9.]+).*/\1/"; }
calc() { awk "BEGIN { print $1 }"; }
post_s="$(field "$post" seconds)"
live_s="$(field "$livez" seconds)"
ev_rate="$(calc "$stored / $post_s")"
req_rate="$(calc "$(field "$post" requests) / $post_s")"
live_rate="$(calc "$(field "$livez" requests) / $live_s")"
printf 'events POST  %8.0f requests/s  %8.0f events/s (stored: %d)  p50 %s ms  p99 %s ms  non-2xx %s  socket errors %s\n' \
  "$req_rate" "$ev_rate" "$stored" "$(field "$post" p50_ms)" "$(field "$post" p99_ms)" \
  "$(field "$post" non2xx)" "$(field "$post" errors)"
printf '/livez GET   %8.0f requests/s                           p50 %s ms  p99 %s ms  non-2xx %s\n' \
  "$live_rate" "$(field "$livez" p50_ms)" "$(field "$livez" p99_ms)" "$(field "$livez" non2xx)"
printf 'ratio: event POSTs are %.0f%% of the /livez rate\n' "$(calc "100 * $req_rate / $live_rate")"
[ "$(field "$post" non2xx)" = "0" ] || { echo "$0: some event POSTs were refused" >&2; exit 1; }
