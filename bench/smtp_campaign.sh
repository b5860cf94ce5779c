#!/usr/bin/env bash
# End-to-end email campaign benchmark: `herald run` sends N personal emails
# (Korean names and subject, multipart text + HTML, a signed List-Unsubscribe
# link each, the send ledger on) through the smtp plugin to Postfix's
# smtp-sink on loopback, without DKIM, with Ed25519 and with RSA-2048 DKIM
# signatures; beside Postfix's smtp-source sending as many messages of the
# same size over as many sessions (4, the host's default pool) to the same
# sink, in the same script. Time is the whole `herald run` (enrolment,
# rendering, MIME, signing, SMTP, ledger commits); the contacts are imported
# before the clock starts. The results go to docs/PERFORMANCE.md.
#
#   bench/smtp_campaign.sh                      # 20,000 contacts
#   bench/smtp_campaign.sh --contacts 100000
set -euo pipefail

contacts=20000
sessions=4
root="$(cd "$(dirname "$0")/.." && pwd)"
herald="$root/build/release/bin/herald"
plugins="$root/build/release/lib/herald/plugins"

while [ $# -gt 0 ]; do
  case "$1" in
    --contacts) contacts="$2"; shift 2 ;;
    --herald) herald="$2"; shift 2 ;;
    --plugins) plugins="$2"; shift 2 ;;
    *) echo "usage: $0 [--contacts N] [--herald BIN] [--plugins DIR]" >&2; exit 2 ;;
  esac
done
for tool in /usr/sbin/smtp-sink /usr/sbin/smtp-source openssl; do
  command -v "$tool" >/dev/null || { echo "$0: needs $tool (Debian packages postfix, openssl)" >&2; exit 1; }
done
[ -x "$herald" ] && [ -f "$plugins/smtp.so" ] || {
  echo "$0: build it first (cmake --build --preset release --target herald smtp)" >&2; exit 1; }

dir="$(mktemp -d /tmp/herald-smtp-campaign.XXXXXX)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
user=()
[ "$(id -u)" = 0 ] && user=(-u nobody)  # smtp-sink refuses to run as root
/usr/sbin/smtp-sink "${user[@]}" -m 256 "127.0.0.1:$port" 256 &
sink=$!
trap 'kill $sink 2>/dev/null; wait $sink 2>/dev/null || true; rm -rf "$dir"' EXIT
for _ in $(seq 1 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.05
done

openssl rand -hex 32 > "$dir/link-key"
openssl genpkey -algorithm ed25519 -out "$dir/ed25519.pem" 2>/dev/null
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/rsa.pem" 2>/dev/null
python3 - "$dir/contacts.csv" "$contacts" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("external_id,email,first_name,last_name,consent_email\n")
    for i in range(int(sys.argv[2])):
        f.write(f"c{i},user{i}@example.kr,민준{i},김,yes\n")
PY
cat > "$dir/campaign.yaml" <<'YAML'
name: campaign
trigger: {type: manual}
steps:
  - id: send
    uses: smtp.email
    with:
      from: '"Northwind 통신" <news@northwind.example>'
      subject: "{{ contact.first_name }}님, 가을 신상품 안내"
      preheader: "이번 주 일요일까지 20% 할인"
      text: |
        안녕하세요 {{ contact.first_name }}님,
        가을 신상품을 소개합니다: https://northwind.example/autumn
      html: |
        <p>안녕하세요 {{ contact.first_name }}님,</p>
        <p><a href="https://northwind.example/autumn">가을 신상품</a>을 소개합니다.</p>
YAML

config() {  # $1: none | ed25519 | rsa
  {
    echo "state_dir: $dir/var"
    echo "plugin_dirs: [$plugins]"
    echo "http: {public: {base_url: https://links.example}}"
    echo "links: {keys: [{id: k1, secret_file: $dir/link-key}]}"
    echo "plugins:"
    echo "  smtp:"
    echo "    smtp: {host: 127.0.0.1, port: $port, tls: none, sessions: $sessions}"
    if [ "$1" != none ]; then
      echo "    dkim_domain: northwind.example"
      echo "    dkim_selector: $1"
      echo "    dkim_key_file: $dir/$1.pem"
    fi
  } > "$dir/herald.yaml"
}
h() { "$herald" --config "$dir/herald.yaml" --db "$dir/var/herald.db" "$@"; }
now() { date +%s.%N; }

# The reference sends messages of the size Herald's are (the dry run's sample).
config rsa
h contacts import "$dir/contacts.csv" >/dev/null 2>&1
size="$(h run "$dir/campaign.yaml" --dry-run | awk '/^----8<----$/{n++; next} n==1' | wc -c)"
rm -rf "$dir/var"

echo "contacts=$contacts size=${size}B sessions=$sessions (smtp-sink on 127.0.0.1:$port, $(nproc) cores)"
start="$(now)"
/usr/sbin/smtp-source -d -s "$sessions" -m "$contacts" -l "$size" \
  -f news@northwind.example -t r@example.test "127.0.0.1:$port"
reference="$(python3 -c "print($contacts / ($(now) - $start))")"
printf '%-22s %10.0f messages/s\n' "smtp-source" "$reference"
for mode in none ed25519 rsa; do
  rm -rf "$dir/var"
  config "$mode"
  h contacts import "$dir/contacts.csv" >/dev/null 2>&1
  start="$(now)"
  out="$(h run "$dir/campaign.yaml")"
  rate="$(python3 -c "print($contacts / ($(now) - $start))")"
  sent="$(sed -n 's/^messages: \([0-9]*\) sent.*/\1/p' <<<"$out")"
  [ "$sent" = "$contacts" ] || { echo "$0: herald sent ${sent:-0} of $contacts:" >&2; echo "$out" >&2; exit 1; }
  printf '%-22s %10.0f messages/s  %5.0f%% of smtp-source\n' "herald (dkim: $mode)" "$rate" \
    "$(python3 -c "print(100 * $rate / $reference)")"
done
