#!/usr/bin/env bash
# Herald's main job on the embedded default (SQLite, local outbox): import the
# sample contacts and events, check that every shipped workflow validates
# (their step types come from every shipped plugin), preview a segment and the RFM segments, run the
# sample workflow into the outbox, then say
# how many messages are where and show one. Safe to run again: the import
# upserts and the send ledger keeps every message from being written twice.
set -euo pipefail
herald="$1"
cd "$2"   # the checkout: config/herald.yaml puts state in ./var

"$herald" validate workflows/*.yaml
echo

"$herald" contacts import workflows/data/contacts.csv
"$herald" events import workflows/data/events.csv
"$herald" products import workflows/data/products.csv
echo
# Who the win-back workflow would reach, and how the customers spread over
# the RFM segments (workflows/segments/ holds the named segments).
"$herald" segment preview lapsed-customers --sample 5
echo
"$herald" segment rfm
echo
"$herald" run workflows/welcome.yaml
echo
# A subject-line test on the win-back email: 30% of the lapsed customers get
# one of two subjects now, the rest wait three days for the winner.
"$herald" run workflows/winback-subject-test.yaml
echo
"$herald" experiments show winback-subject
echo
# A message file previewed as one Korean-speaking customer would get it
# (workflows/templates/winback.yaml: its ko variant and the shared footer).
"$herald" template render workflows/templates/winback.yaml --locale ko --part subject
echo
"$herald" recommend ext:C0000007 --count 3

outbox=var/outbox
emails=$(find "$outbox/new" -type f -name '*.eml' 2>/dev/null | wc -l)
sms=0
[ -f "$outbox/sms.jsonl" ] && sms=$(wc -l < "$outbox/sms.jsonl")
echo
echo "Outbox: $emails email messages in $outbox/new, $sms SMS in $outbox/sms.jsonl"
first=$(find "$outbox/new" -type f -name '*.eml' 2>/dev/null | sort | sed -n 1p)
if [ -n "$first" ]; then
  echo "One of them, $first:"
  echo "----------------------------------------------------------------------"
  cat "$first"
  echo "----------------------------------------------------------------------"
fi
