#!/usr/bin/env bash
# Idle memory of `herald serve` with 10 workflows loaded (goal: <= 30 MB RSS),
# beside the reference in the same run: the peak RSS of `herald validate` of
# the same 10 files (the same binary, plugins and checks, without the daemon).
# The daemon is started on a fresh database, left idle for --idle seconds
# after it answers on its control socket, then its VmRSS is read from /proc.
# The results go to docs/PERFORMANCE.md.
#
#   bench/daemon_idle_rss.sh                         # build/release
#   bench/daemon_idle_rss.sh --herald BIN --plugins DIR --idle 10
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
herald="$root/build/release/bin/herald"
plugins="$root/build/release/lib/herald/plugins"
idle=5
usage() {
  echo "usage: $0 [--herald BIN] [--plugins DIR] [--idle SECONDS]" >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
    --herald) herald="$2"; shift 2 ;;
    --plugins) plugins="$2"; shift 2 ;;
    --idle) idle="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "$0: unknown argument '$1'" >&2; usage ;;
  esac
done
[ -x "$herald" ] || { echo "$0: no herald binary at $herald (build the release preset)" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "$0: needs /usr/bin/time (Debian package time)" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/herald-idle-rss.XXXXXX")"
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/workflows"

# Ten workflows of the shapes the examples use: event-triggered with a wait
# and a condition, scheduled, manual; each with its own templates.
for i in $(seq 1 10); do
  case $((i % 3)) in
    0) trigger="{type: event, event: signed_up_$i}" ;;
    1) trigger="{type: schedule, cron: \"0 9 * * 1\"}" ;;
    *) trigger="{type: manual}" ;;
  esac
  cat > "$work/workflows/wf$i.yaml" <<YAML
name: wf$i
trigger: $trigger
steps:
  - id: pause
    uses: wait
    with: {duration: 2d}
  - id: route
    uses: condition
    with: {if: "attributes.plan == 'pro'"}
    branches: {then: email, else: sms}
  - id: email
    uses: outbox.email
    with:
      from: "Shop <shop@example.com>"
      subject: "{{ contact.first_name | default: 'Hello' }}, news number $i"
      text: |
        Hi {{ contact.first_name | default: 'there' }},
        {% if contact.attributes.plan == 'pro' %}Thanks for being pro.{% endif %}
        Workflow $i.
    next: bye
  - id: sms
    uses: outbox.sms
    with: {body: "News $i for {{ contact.first_name | default: 'you' }}"}
    next: bye
  - id: bye
    uses: exit
YAML
done

cat > "$work/herald.yaml" <<YAML
state_dir: $work/var
workflows_dir: $work/workflows
runtime_dir: $work/run
plugin_dirs: [$plugins]
http:
  admin: {listen: "127.0.0.1:0"}
  public: {listen: "127.0.0.1:0"}
plugins:
  outbox: {dir: $work/var/outbox}
YAML

echo "== reference: herald validate of the same 10 files"
/usr/bin/time -f "%M" -o "$work/validate.rss" \
  "$herald" --config "$work/herald.yaml" validate "$work"/workflows/*.yaml >/dev/null
validate_kb="$(tail -1 "$work/validate.rss")"

echo "== herald serve with 10 workflows, idle ${idle}s"
"$herald" --config "$work/herald.yaml" serve 2>"$work/serve.log" &
pid=$!
for _ in $(seq 1 300); do
  "$herald" --config "$work/herald.yaml" workflows list >/dev/null 2>&1 && break
  kill -0 "$pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
  sleep 0.1
done
served="$("$herald" --config "$work/herald.yaml" workflows list --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
sleep "$idle"
serve_kb="$(awk '/^VmRSS/ {print $2}' /proc/$pid/status)"
serve_hwm_kb="$(awk '/^VmHWM/ {print $2}' /proc/$pid/status)"
kill -TERM "$pid"
wait "$pid" && status=0 || status=$?
pid=""

awk -v s="$serve_kb" -v h="$serve_hwm_kb" -v v="$validate_kb" -v n="$served" -v st="$status" 'BEGIN {
  printf "%-44s %9s\n", "case", "RSS"
  printf "%-44s %6.1f MB\n", "herald serve, " n " workflows, idle (VmRSS)", s / 1024
  printf "%-44s %6.1f MB\n", "herald serve, peak so far (VmHWM)", h / 1024
  printf "%-44s %6.1f MB\n", "herald validate, same files (peak RSS)", v / 1024
  printf "ratio serve idle / validate peak: %.2fx; exit status after SIGTERM: %d\n", s / v, st
}'
