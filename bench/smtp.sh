#!/usr/bin/env bash
# SMTP submission benchmark: N messages of S bytes over K sessions to
# Postfix's smtp-sink on loopback, sent by Postfix's smtp-source (the
# reference, one session per -s, kept open with -d) and by Herald's
# net::SmtpClient (bench/smtp_client_bench.cpp), in the same run against the
# same sink. The results go to docs/PERFORMANCE.md.
#
#   bench/smtp.sh                                   # 20,000 messages, 2 KB, 4 sessions
#   bench/smtp.sh --messages 2000 --repeat 1        # a smoke run
set -euo pipefail

messages=20000
size=2000
sessions=4
repeat=3
bench=""
root="$(cd "$(dirname "$0")/.." && pwd)"

usage() {
  echo "usage: $0 [--messages N] [--size BYTES] [--sessions K] [--repeat R] [--bench BIN]" >&2
  exit 2
}
while [ $# -gt 0 ]; do
  case "$1" in
    --messages) messages="$2"; shift 2 ;;
    --size) size="$2"; shift 2 ;;
    --sessions) sessions="$2"; shift 2 ;;
    --repeat) repeat="$2"; shift 2 ;;
    --bench) bench="$2"; shift 2 ;;
    -h|--help) usage ;;
    *) echo "$0: unknown argument '$1'" >&2; usage ;;
  esac
done
for tool in /usr/sbin/smtp-sink /usr/sbin/smtp-source; do
  [ -x "$tool" ] || { echo "$0: needs $tool (Debian package postfix)" >&2; exit 1; }
done
bench="${bench:-$root/build/release/bin/herald-smtp-bench}"
[ -x "$bench" ] || { echo "$0: build it first (cmake --build --preset release --target herald-smtp-bench)" >&2; exit 1; }

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
user=()
[ "$(id -u)" = 0 ] && user=(-u nobody)  # smtp-sink refuses to run as root
/usr/sbin/smtp-sink "${user[@]}" -m 256 "127.0.0.1:$port" 256 &
sink=$!
trap 'kill $sink 2>/dev/null; wait $sink 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.05
done

now() { date +%s.%N; }
echo "messages=$messages size=$size sessions=$sessions (smtp-sink on 127.0.0.1:$port)"
printf '%-4s %14s %14s %8s\n' run "smtp-source/s" "herald/s" ratio
for run in $(seq 1 "$repeat"); do
  start="$(now)"
  /usr/sbin/smtp-source -d -s "$sessions" -m "$messages" -l "$size" \
    -f sender@herald.test -t r@example.test "127.0.0.1:$port"
  reference="$(python3 -c "print($messages / ($(now) - $start))")"
  read -r _ _ herald opened < <("$bench" 127.0.0.1 "$port" "$messages" "$size" "$sessions")
  [ "$opened" -le "$sessions" ] || { echo "$0: $opened sessions opened, more than $sessions" >&2; exit 1; }
  printf '%-4s %14.0f %14.0f %7.0f%%\n' "$run" "$reference" "$herald" \
    "$(python3 -c "print(100 * $herald / $reference)")"
done
