#!/usr/bin/env bash
# Run engine benchmark: N contacts through a three-step workflow (condition ->
# a delivery step -> exit) with `herald run`, on a fresh database, with the
# outbox plugin delivering. Three cases:
#   sms     every path ends in outbox.sms (one appended JSON line per message)
#   email   'pro' contacts get outbox.email (one .eml file each), others sms
#   dry     the email case with --dry-run (every step, nothing delivered)
# Prints wall time, contacts/s and journey steps/s per case. Every contact
# said yes to email and SMS (consent is required by default): the delivering
# cases must deliver one message per contact, or the script fails, so it never
# measures refusals. The results go to docs/PERFORMANCE.md.
#
#   bench/engine_run.sh                                  # 50,000 contacts, build/release
#   bench/engine_run.sh --contacts 200000 --herald BIN --fsync false
set -euo pipefail

contacts=50000
herald=""
work=""
fsync=true
root="$(cd "$(dirname "$0")/.." && pwd)"

usage() {
  echo "usage: $0 [--contacts N] [--herald BIN] [--work DIR] [--fsync true|false]" >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
    --contacts) contacts="$2"; shift 2 ;;
    --herald) herald="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --fsync) fsync="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "$0: unknown argument '$1'" >&2; usage ;;
  esac
done
command -v python3 >/dev/null || { echo "$0: needs python3" >&2; exit 1; }

if [ -z "$herald" ]; then
  build="$root/build/release"
  if [ ! -x "$build/bin/herald" ] || [ ! -e "$build/lib/herald/plugins/outbox.so" ]; then
    echo "== building herald and the outbox plugin (Release) in $build"
    cmake --preset release -S "$root" >/dev/null
    cmake --build "$build" --target herald outbox -j "$(nproc)"
  fi
  herald="$build/bin/herald"
fi

cleanup_work=0
if [ -z "$work" ]; then
  work="$(mktemp -d "${TMPDIR:-/tmp}/herald-engine-bench.XXXXXX")"
  cleanup_work=1
fi
mkdir -p "$work"
trap '[ "$cleanup_work" = 1 ] && rm -rf "$work"' EXIT

echo "== generating $contacts contacts"
python3 - "$contacts" "$work/contacts.csv" <<'PY'
import csv, sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w", newline="") as f:
    w = csv.writer(f)
    w.writerow(["external_id", "email", "phone", "first_name", "timezone", "plan",
                "consent_email", "consent_sms"])
    for i in range(1, n + 1):
        w.writerow([f"c{i}", f"user{i}@example.com", f"+1415{i:07d}", f"User{i}", "UTC",
                    "pro" if i % 3 == 0 else "free", "yes", "yes"])
PY

workflow() {  # workflow NAME PRO_STEP_TYPE PRO_WITH
  cat <<YAML
name: $1
trigger: {type: manual}
steps:
  - id: route
    uses: condition
    with: {if: "attributes.plan == 'pro'"}
    branches: {then: pro, else: others}
  - id: pro
    uses: $2
    with: $3
    next: bye
  - id: others
    uses: outbox.sms
    with: {body: "Hi {{ contact.first_name }}, spring sale: 20% off"}
    next: bye
  - id: bye
    uses: exit
YAML
}
workflow sms outbox.sms '{body: "Hi {{ contact.first_name }}, your pro offer"}' >"$work/sms.yaml"
workflow email outbox.email \
  '{from: shop@example.com, subject: "Hi {{ contact.first_name }}", text: "Your {{ contact.attributes.plan }} offer"}' \
  >"$work/email.yaml"

run_case() {  # run_case NAME WORKFLOW [FLAGS...]; FLAGS --dry-run: nothing delivered
  local name="$1" wf="$2"; shift 2
  local dir="$work/$name"
  rm -rf "$dir"; mkdir -p "$dir"
  printf 'state_dir: %s\nplugins:\n  outbox:\n    fsync: %s\n' "$dir" "$fsync" >"$dir/herald.yaml"
  "$herald" --config "$dir/herald.yaml" contacts import "$work/contacts.csv" >/dev/null
  /usr/bin/time -f "%e %M" -o "$dir/time" \
    "$herald" --config "$dir/herald.yaml" run "$wf" --json "$@" >"$dir/report.json"
  python3 - "$name" "$dir/report.json" "$dir/time" "$contacts" <<'PY'
import json, sys
name, report, timing, n = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
r = json.load(open(report))
wall, kb = open(timing).read().split()
wall = float(wall)
assert r["run"]["status"] == "done", r["run"]
steps = r["journey_steps"]
sent = sum(m["delivered"] for m in r["messages"])
refused = sum(m["refused"] for m in r["messages"])
# Every contact gets one message (a dry run counts what it would send): a
# case that delivers less measured refusals or failures, not deliveries.
if sent != n or refused:
    sys.exit(f"{name}: {sent} of {n} messages delivered, {refused} refused: not a delivery "
             f"benchmark (journeys: {r['journeys']})")
print(f"  {name:<6} {wall:7.2f} s wall ({r['seconds']:.2f} s in the engine)  "
      f"{n / wall:9.0f} contacts/s  {steps / wall:9.0f} journey steps/s  "
      f"{sent} messages  {int(kb) // 1024} MiB peak RSS")
PY
}

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
echo "machine:   $(nproc) CPUs, ${cpu:-unknown CPU}, $(free -g | awk '/^Mem:/ { print $2 }') GiB RAM"
echo "load:      $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min)"
echo "input:     $contacts contacts, 3 steps on each path, outbox fsync: $fsync"
run_case sms "$work/sms.yaml"
run_case email "$work/email.yaml"
run_case dry "$work/email.yaml" --dry-run
