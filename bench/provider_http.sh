#!/usr/bin/env bash
# HTTP provider path benchmark (issue 13): `herald run` sends --messages
# personal emails through the sendgrid plugin (one POST /v3/mail/send each,
# JSON, bearer key, signed List-Unsubscribe, ledger on) to a local keep-alive
# endpoint; in the same script `wrk -t1 -c<in-flight>` POSTs a same-size JSON
# body to the same endpoint, the reference (--in-flight, default 16: the
# host's default cap on one plugin's requests on the wire, the plugin's
# `http: max_in_flight`). The dry run of the same workflow (every step runs,
# nothing is sent or written to the ledger) shows what the engine alone
# allows. Goal: Herald >= 40% of wrk's rate. The results go to
# docs/PERFORMANCE.md.
#
#   bench/provider_http.sh                                  # 20,000 messages, wrk 10 s
#   bench/provider_http.sh --messages 500 --seconds 1       # a smoke run
#   bench/provider_http.sh --in-flight 64                   # http: {max_in_flight: 64}, wrk -c64
#
# The endpoint is herald-http-bench-server (tests/unit/net's Beast keep-alive
# server; /status/202/... answers 202 to any method), which counts the
# connections it accepted. Fails when a message is not delivered.
set -euo pipefail

messages=20000
seconds=10
in_flight=16
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$root/build/release"
herald="$build/bin/herald"
server="$build/bin/herald-http-bench-server"
plugins="$build/lib/herald/plugins"

usage() {
  echo "usage: $0 [--messages N] [--seconds S] [--in-flight N] [--herald BIN] [--server BIN] [--plugins DIR]" >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
    --messages) messages="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --in-flight) in_flight="$2"; shift 2 ;;
    --herald) herald="$2"; shift 2 ;;
    --server) server="$2"; shift 2 ;;
    --plugins) plugins="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "$0: unknown argument '$1'" >&2; usage ;;
  esac
done
command -v wrk >/dev/null || { echo "$0: needs wrk (Debian package wrk)" >&2; exit 1; }
[ -x "$server" ] && [ -x "$herald" ] && [ -e "$plugins/sendgrid.so" ] ||
  { echo "$0: build them first (cmake --build --preset release --target herald sendgrid herald-http-bench-server)" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/herald-provider-http.XXXXXX")"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

"$server" --threads 1 --port-file "$work/port" > "$work/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do [ -s "$work/port" ] && break; sleep 0.05; done
[ -s "$work/port" ] || { echo "$0: the server did not start" >&2; cat "$work/server.log" >&2; exit 1; }
base="http://127.0.0.1:$(cat "$work/port")/status/202"

python3 - "$messages" "$work/contacts.csv" <<'PY'
import csv, sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["external_id", "email", "first_name", "timezone", "consent_email"])
    for i in range(1, n + 1):
        w.writerow([f"c{i}", f"user{i}@example.com", f"User{i}", "UTC", "yes"])
PY
cat > "$work/herald.yaml" <<YAML
state_dir: $work/state
plugin_dirs: [$plugins]
plugins:
  sendgrid:
    base_url: $base
    api_key: SG.bench-0123456789
    http: {max_in_flight: $in_flight}
links:
  keys:
    - id: bench
      secret: $(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
YAML
cat > "$work/welcome.yaml" <<'YAML'
name: welcome
trigger: {type: manual}
steps:
  - id: send
    uses: sendgrid.email
    with:
      from: shop@example.com
      from_name: Example Shop
      subject: "Welcome, {{ contact.first_name }}"
      text: "Hello {{ contact.first_name }}, thanks for joining. Your first order ships free."
      html: "<p>Hello {{ contact.first_name }},</p><p>thanks for joining. Your first order ships free.</p>"
YAML
"$herald" --config "$work/herald.yaml" contacts import "$work/contacts.csv" > /dev/null

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== endpoint: herald-http-bench-server --threads 1 ($base/v3/mail/send)"

run_case() {  # run_case NAME [FLAGS...]
  local name="$1"; shift
  /usr/bin/time -f "%e %U %S" -o "$work/$name.time" \
    "$herald" --config "$work/herald.yaml" run "$work/welcome.yaml" --json "$@" > "$work/$name.json"
  python3 - "$name" "$work/$name.json" "$work/$name.time" "$messages" <<'PY'
import json, sys
name, report, timing, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
r = json.load(open(report))
wall, user, system = (float(x) for x in open(timing).read().split())
sent = sum(m["delivered"] for m in r["messages"])
if sent != n:
    sys.exit(f"{name}: {sent} of {n} messages delivered (journeys: {r['journeys']})")
# CPU beside wall time: a process using far less CPU than wall time waits
# (on the disk's fsync, on the network), it is not busy.
print(f"{name}_wall_s={wall:.2f} {name}_engine_s={r['seconds']:.2f} "
      f"{name}_cpu_s={user + system:.2f} {name}_messages_per_s={n / wall:.0f}")
PY
}

echo "== herald run --dry-run: the engine alone (nothing sent, no ledger)"
run_case dry --dry-run | tee "$work/dry.txt"
echo "== herald run: $messages messages through sendgrid.email"
run_case herald | tee "$work/herald.txt"

# wrk POSTs what the plugin POSTs: the same headers, a body of the same size.
python3 - "$work/post.lua" <<'PY'
import json, sys
body = json.dumps({
    "personalizations": [{"to": [{"email": "user12345@example.com", "name": "User12345"}],
                          "custom_args": {"herald_contact": "12345",
                                          "herald_key": "welcome/0123456789ab/send/12345/0"}}],
    "subject": "Welcome, User12345",
    "from": {"email": "shop@example.com", "name": "Example Shop"},
    "content": [{"type": "text/plain", "value": "Hello User12345, thanks for joining. Your first order ships free."},
                {"type": "text/html", "value": "<p>Hello User12345,</p><p>thanks for joining. Your first order ships free.</p>"}],
    "headers": {"List-Unsubscribe": "<https://links.example.com/u/" + "A" * 150 + ">",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}})
with open(sys.argv[1], "w") as f:
    f.write('wrk.method = "POST"\n')
    f.write('wrk.headers["Content-Type"] = "application/json"\n')
    f.write('wrk.headers["Authorization"] = "Bearer SG.bench-0123456789"\n')
    f.write("wrk.body = " + json.dumps(body) + "\n")
PY
echo "== wrk -t1 -c$in_flight -d${seconds}s, POST $base/v3/mail/send"
wrk -t1 -c"$in_flight" -d"${seconds}s" -s "$work/post.lua" "$base/v3/mail/send" | tee "$work/wrk.txt"
wrk_rate="$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk.txt")"

kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
cat "$work/server.log"

value() { tr ' ' '\n' < "$1" | awk -F= -v k="$2" '$1 == k {print $2}'; }
rate="$(value "$work/herald.txt" herald_messages_per_s)"
dry="$(value "$work/dry.txt" dry_messages_per_s)"
echo "== summary (load now $(cut -d' ' -f1-3 /proc/loadavg))"
printf 'herald run via sendgrid %s messages/s, wrk %s requests/s: %s%% of wrk (goal >= 40%%)\n' \
  "$rate" "$wrk_rate" "$(awk -v a="$rate" -v b="$wrk_rate" 'BEGIN {printf "%.0f", 100 * a / b}')"
printf 'dry run of the same workflow (the engine alone): %s messages/s; the send path runs at %s%% of it\n' \
  "$dry" "$(awk -v a="$rate" -v b="$dry" 'BEGIN {printf "%.0f", 100 * a / b}')"
