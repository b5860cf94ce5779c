#!/usr/bin/env python3
"""The delivery policy and the send ledger through the real binary: frequency
caps across workflows, quiet hours with --now, on_refused, `herald sends
list|show`, `herald runs show`'s refusals and exits, and every error a user
can cause here, each with its message."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Sandbox  # noqa: E402

HERALD = sys.argv.pop(1)
PLUGIN_DIR = sys.argv.pop(1)

NEWS = """\
name: {name}
trigger: {{type: manual}}
steps:
  - id: mail
    uses: outbox.email
    on_refused: {on_refused}
    with: {{from: shop@example.com, subject: "{name}", text: "Hello"}}
  - id: after
    uses: exit
    with: {{reason: "the end"}}
"""

TEXTS = """\
name: texts
trigger: {type: manual}
steps:
  - id: text
    uses: outbox.sms
    with: {body: "Hi {{ contact.first_name }}"}
"""


class SendsCli(unittest.TestCase):
    def setUp(self):
        self.sb = Sandbox(HERALD, PLUGIN_DIR)
        self.sb.import_contacts([
            {"external_id": "ann", "email": "ann@example.com", "phone": "+821012345678",
             "first_name": "Ann", "timezone": "Asia/Seoul"},
            {"external_id": "bo", "email": "bo@example.com", "phone": "+14155550102",
             "first_name": "Bo", "timezone": ""},
        ])

    def tearDown(self):
        self.sb.cleanup()

    def run_ok(self, *args, now=None):
        r = self.sb.herald(*args, now=now)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r.stdout

    def test_a_cap_of_two_a_week_across_two_workflows_lets_exactly_two_through(self):
        self.sb.configure("delivery:\n  caps:\n    email: {max: 2, per: 7d}\n")
        for name in ("first", "second"):
            self.run_ok("run", self.sb.write(name + ".yaml",
                                             NEWS.format(name=name, on_refused="continue")),
                        now="2026-03-02T10:00:00Z")
        third = self.sb.write("third.yaml", NEWS.format(name="third", on_refused="exit"))
        out = self.run_ok("run", third, now="2026-03-03T10:00:00Z")
        self.assertIn("not sent: 2 refused by policy (2 capped)", out)
        self.assertEqual(len(self.sb.outbox_files()), 4)

        listed = json.loads(self.run_ok("sends", "list", "--workflow", "third", "--json"))
        self.assertEqual([(s["state"], s["decision"]) for s in listed],
                         [("refused", "capped"), ("refused", "capped")])
        self.assertEqual(listed[0]["detail"],
                         "frequency cap: the contact already got 2 email messages in the last "
                         "7d (delivery.caps.email: at most 2)")
        text = self.run_ok("sends", "list", "--state", "refused", "--contact", "ann@example.com")
        lines = text.splitlines()
        self.assertEqual(lines[0].split(), ["updated", "state", "decision", "key"])
        self.assertEqual(lines[1].split()[:3], ["2026-03-03T10:00:00Z", "refused", "capped"])
        self.assertTrue(lines[1].split()[3].startswith("third/"))
        self.assertEqual(lines[2].strip(), listed[0]["detail"])
        self.assertEqual(len(lines), 3)

        shown = self.run_ok("sends", "show", listed[0]["key"])
        self.assertIn("state:          refused\n", shown)
        self.assertIn("decision:       capped\n", shown)
        self.assertIn("kind:           marketing\n", shown)

        # The run report: refusals by reason, and where journeys left and why.
        report = self.run_ok("runs", "show", "3")
        self.assertIn("refused by the delivery policy (not failures; 'herald sends list "
                      "--state refused' lists them):\n       2 at 'mail': capped\n", report)
        self.assertIn("left the workflow:\n       2 at 'mail': delivery refused (capped)\n",
                      report)
        first = self.run_ok("runs", "show", "1")
        self.assertIn("left the workflow:\n       2 at 'after': the end\n", first)
        details = json.loads(self.run_ok("runs", "show", "3", "--json"))
        self.assertEqual(details["exits"],
                         [{"step": "mail", "reason": "delivery refused (capped)", "count": 2}])
        steps = {s["id"]: s for s in details["steps"]}
        self.assertEqual(steps["mail"]["refused_by"], {"capped": 2})

    def test_an_sms_due_at_23_in_seoul_leaves_at_08_seoul_time(self):
        self.sb.configure("delivery:\n  default_timezone: America/Los_Angeles\n")
        wf = self.sb.write("texts.yaml", TEXTS)
        # 23:00 in Seoul, 06:00 in Los Angeles: both within 21:00-08:00.
        self.run_ok("run", wf, now="2026-03-02T14:00:00Z")
        self.assertEqual(self.sb.sms_lines(), [])
        deferred = json.loads(self.run_ok("sends", "list", "--state", "deferred", "--json"))
        until = {s["contact_id"]: s["deferred_until"] for s in deferred}
        self.assertEqual(until, {1: "2026-03-02T23:00:00Z", 2: "2026-03-02T16:00:00Z"})
        # 08:00 in Los Angeles: Bo's goes; Ann's waits for 08:00 in Seoul.
        self.run_ok("run", wf, now="2026-03-02T16:00:00Z")
        self.assertEqual(len(self.sb.sms_lines()), 1)
        self.assertIn("+14155550102", self.sb.sms_lines()[0])
        self.run_ok("run", wf, now="2026-03-02T23:00:00Z")
        self.assertEqual(len(self.sb.sms_lines()), 2)
        sent = json.loads(self.run_ok("sends", "list", "--state", "sent", "--json"))
        self.assertEqual(len(sent), 2)

    def test_an_sms_to_a_contact_without_a_zone_fails_closed(self):
        self.sb.configure("delivery:\n  quiet_hours: {sms: \"21:00-08:00\"}\n")
        self.run_ok("run", self.sb.write("texts.yaml", TEXTS), now="2026-03-02T03:00:00Z")
        refused = json.loads(self.run_ok("sends", "list", "--state", "refused", "--json"))
        self.assertEqual([(s["contact_id"], s["decision"]) for s in refused], [(2, "no-timezone")])
        self.assertEqual(len(self.sb.sms_lines()), 1)  # Ann: 12:00 in Seoul

    def test_user_errors_have_their_messages(self):
        cases = [
            (("sends", "list", "--state", "lost"), 2,
             "herald: error: --state: unknown state 'lost'; the states are queued, sending, "
             "sent, failed, refused, deferred, unknown, skipped"),
            (("sends", "list", "--contact", "nobody@example.com"), 1,
             "herald: error: no contact with email 'nobody@example.com' (or it was erased)"),
            (("sends", "show", "not-a-key"), 2,
             "herald: error: 'not-a-key' is not a send key; a key reads "
             "WORKFLOW/REVISION/STEP/CONTACT/OCCURRENCE, as 'herald sends list' prints it"),
            (("sends", "show", "news/abc/mail/1/0"), 1,
             "herald: error: no send has the key 'news/abc/mail/1/0'; 'herald sends list' shows "
             "the keys"),
        ]
        for args, code, message in cases:
            r = self.sb.herald(*args)
            self.assertEqual(r.returncode, code, args)
            self.assertEqual(r.stderr.strip(), message, args)
        r = self.sb.herald("sends", "list")
        self.assertEqual(r.returncode, 0)
        self.assertIn("no sends match", r.stdout)

    def test_config_mistakes_point_at_the_line(self):
        cases = [
            ("delivery:\n  caps:\n    email: {max: 3}\n",
             ":9:12: error: delivery.caps.email needs both max and per, e.g. {max: 3, per: 7d} "
             "(at most 3 messages in any 7 days), or off"),
            ("delivery:\n  caps:\n    fax: {max: 3, per: 7d}\n",
             ":9:5: error: unknown delivery.caps setting 'fax'; known: email, phone, sms, "
             "whatsapp"),
            ("delivery:\n  quiet_hours:\n    sms: \"9pm-8am\"\n",
             ":9:10: error: delivery.quiet_hours.sms must be a local time range HH:MM-HH:MM "
             "such as \"21:00-08:00\" (nothing leaves from 21:00 until 08:00), or off; got "
             "'9pm-8am'"),
            ("delivery:\n  caps:\n    sms: {max: 2, per: soon}\n",
             ":9:24: error: delivery.caps.sms.per must be a duration such as 500ms, 10s or 1m"),
        ]
        wf = self.sb.write("texts.yaml", TEXTS)
        for extra, message in cases:
            self.sb.configure(extra)
            r = self.sb.herald("run", wf)
            self.assertEqual(r.returncode, 1, r.stderr)
            self.assertIn(self.sb.config + message, r.stderr)
        self.assertEqual(self.sb.sms_lines(), [])

    def test_validate_checks_on_refused_and_on_unknown(self):
        bad = self.sb.write("bad.yaml", """\
name: bad
trigger: {type: manual}
steps:
  - id: pause
    uses: wait
    on_refused: exit
    with: {duration: 1h}
  - id: mail
    uses: outbox.email
    on_unknown: maybe
    with: {from: shop@example.com, subject: Hi, text: Hello}
""")
        r = self.sb.herald("validate", bad)
        self.assertEqual(r.returncode, 1)
        self.assertIn(bad + ":6:17: error: step 'pause': 'on_refused' applies to delivery steps "
                      "(steps that send messages through the send ledger); wait delivers "
                      "nothing", r.stderr)
        self.assertIn(bad + ":10:17: error: 'on_unknown' must be skip (a message whose fate a "
                      "crash left unknown is not sent again; the journey goes on) or resend (it "
                      "is sent again: for transactional messages), got 'maybe'", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
