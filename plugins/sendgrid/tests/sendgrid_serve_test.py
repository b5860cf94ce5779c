"""The sendgrid plugin in the real `herald serve` against a local mock of
SendGrid's v3 API (sendgrid_mock.py): a run of 20 contacts over the admin API
delivers each message once over a few keep-alive connections, in SendGrid's
format (custom_args.herald_key, the signed List-Unsubscribe pair); a contact
answered 429 + Retry-After twice finishes sent, nothing failed for it; the
address SendGrid refuses fails with SendGrid's message. Signed Event Webhook
posts become events, a bounce a suppression that holds back the next
delivery; a forged, a stale and a replayed post change nothing.

Arguments: the herald binary, the plugin directory, tests/integration/daemon
(for harness.py)."""
import json
import os
import re
import sqlite3
import sys
import time
import unittest

HERALD = sys.argv.pop(1)
PLUGIN_DIR = sys.argv.pop(1)
sys.path.insert(0, sys.argv.pop(1))  # tests/integration/daemon
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import TOKEN, Daemon  # noqa: E402
from sendgrid_mock import INVALID_ADDRESS, SendGridMock  # noqa: E402

API_KEY = "SG.test_0123456789abcdef"

CONFIG = """\
state_dir: {state}
workflows_dir: {workflows}
runtime_dir: {runtime}
plugin_dirs: [{plugins}]
plugins:
  sendgrid:
    base_url: {base_url}
    api_key_env: TEST_SENDGRID_KEY
    webhook_public_key: {public_key}
links:
  keys:
    - id: k1
      secret: {link_secret}
http:
  admin:
    listen: 127.0.0.1:0
    tokens: [{token}]
  public:
    listen: 127.0.0.1:0
    base_url: https://links.example.test
"""

WORKFLOW = """\
name: welcome
trigger: {type: api}
steps:
  - id: send
    uses: sendgrid.email
    with:
      from: shop@example.com
      from_name: Example Shop
      subject: "Welcome, {{ contact.first_name }}"
      text: "Hello {{ contact.first_name }}, thanks for joining."
      html: "<p>Hello {{ contact.first_name }}</p>"
"""

COUNT = 20
CONTACTS = [{"external_id": f"c{i}", "email": f"c{i}@example.com", "first_name": f"C{i}",
             "timezone": "UTC"} for i in range(1, COUNT + 1)]
THROTTLED = "c7@example.com"
INVALID = "c5@example.com"


class SendGridInServe(unittest.TestCase):
    def setUp(self):
        self.mock = SendGridMock(API_KEY, invalid=[INVALID], throttle={THROTTLED: 2})
        self.addCleanup(self.mock.close)
        self.d = Daemon(HERALD, PLUGIN_DIR)
        self.addCleanup(self.d.cleanup)
        with open(self.d.config, "w") as f:
            f.write(CONFIG.format(state=self.d.state, workflows=self.d.workflows,
                                  runtime=self.d.runtime, plugins=PLUGIN_DIR,
                                  base_url=self.mock.base_url, public_key=self.mock.public_key,
                                  link_secret="s" * 40, token=TOKEN))
        self.env = dict(os.environ, TEST_SENDGRID_KEY=API_KEY)
        self.d.import_contacts(CONTACTS)
        self.d.write_workflow("welcome.yaml", WORKFLOW)
        self.d.write_workflow("followup.yaml", WORKFLOW.replace("welcome", "followup"))
        self.d.start(env_extra={"TEST_SENDGRID_KEY": API_KEY})
        m = re.search(r"public links on ([0-9.]+):(\d+)", self.d.log())
        self.assertIsNotNone(m, self.d.log())
        self.public = f"{m.group(1)}:{m.group(2)}"

    def rows(self, sql, args=()):
        with sqlite3.connect(self.d.db) as db:
            return db.execute(sql, args).fetchall()

    def run_to_end(self, contacts, expect_sent, workflow="welcome"):
        status, body = self.d.http("POST", "/api/v1/runs",
                                   {"workflow": workflow, "contacts": contacts})
        self.assertEqual(status, 201, body)
        run = json.loads(body)["run_id"]
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            open_ = self.rows("SELECT count(*) FROM journeys WHERE run_id = ? AND status NOT IN "
                              "('done', 'failed', 'exited', 'skipped')", (run,))[0][0]
            if open_ == 0 and sum(self.mock.counts()[2].values()) >= expect_sent:
                break
            time.sleep(0.1)
        return run

    def show(self, email):
        r = self.d.herald("contacts", "show", email, env=self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def test_delivery_throttling_refusal_and_signed_webhooks(self):
        run = self.run_to_end(list(range(1, COUNT + 1)), COUNT - 1)
        connections, requests, sent = self.mock.counts()
        self.assertEqual(self.mock.problems, [], "every request in SendGrid's format")
        self.assertEqual(sorted(sent), sorted(c["email"] for c in CONTACTS if c["email"] != INVALID),
                         self.d.log())
        self.assertEqual(set(sent.values()), {1}, "each contact is delivered once")
        self.assertEqual(requests, COUNT + 2, "two 429s, then each message once")
        throttled = [(s, at) for to, s, at in self.mock.requests if to == THROTTLED]
        self.assertEqual([s for s, _ in throttled], [429, 429, 202])
        self.assertGreaterEqual(throttled[1][1] - throttled[0][1], 0.95, "Retry-After: 1 honoured")
        print(f"sendgrid: {connections} connections for {requests} requests", file=sys.stderr)
        self.assertLessEqual(connections, 16, f"{connections} connections for {requests} requests")

        msg = self.mock.messages["c1@example.com"][0]
        self.assertEqual(msg["subject"], "Welcome, C1")
        self.assertEqual(msg["from"], {"email": "shop@example.com", "name": "Example Shop"})
        self.assertEqual([c["type"] for c in msg["content"]], ["text/plain", "text/html"])
        self.assertTrue(msg["headers"]["List-Unsubscribe"].startswith(
            "<https://links.example.test/u/"), msg["headers"])

        statuses = dict(self.rows("SELECT status, count(*) FROM journeys WHERE run_id = ? "
                                  "GROUP BY status", (run,)))
        self.assertEqual(statuses.get("failed"), 1, statuses)
        failures = self.rows("SELECT c.email, f.reason FROM journey_failures f JOIN contacts c "
                             "ON c.id = f.contact_id WHERE f.run_id = ?", (run,))
        self.assertEqual(len(failures), 1, failures)
        self.assertEqual(failures[0][0], INVALID)
        self.assertIn(f"sendgrid refused the message (400): {INVALID_ADDRESS} "
                      "(personalizations.0.to.0.email)", failures[0][1])
        vars7 = json.loads(self.rows("SELECT vars FROM journeys j JOIN contacts c ON "
                                     "c.id = j.contact_id WHERE c.email = ?", (THROTTLED,))[0][0])
        self.assertTrue(vars7.get("sendgrid_message_id", "").startswith("sgmsg"), vars7)

        # Event Webhook: forged (body changed after signing), stale, then signed.
        key2 = msg["personalizations"][0]["custom_args"]["herald_key"]
        bounce = [{"email": "c2@example.com", "event": "bounce", "type": "bounce",
                   "status": "5.1.1", "reason": "550 5.1.1 user unknown", "sg_event_id": "ev-b2",
                   "sg_message_id": "sgmsg2", "timestamp": int(time.time()),
                   "herald_key": key2}]
        code, text = self.mock.post_events(self.public, bounce, forged=True)
        self.assertEqual(code, 401, text)
        self.assertEqual(text, "bad signature\n")
        code, text = self.mock.post_events(self.public, bounce, timestamp=int(time.time()) - 600)
        self.assertEqual((code, text), (401, "stale timestamp\n"))

        events = [{"email": "c1@example.com", "event": "delivered", "sg_event_id": "ev-d1",
                   "sg_message_id": "sgmsg1", "timestamp": int(time.time())},
                  {"email": "c4@example.com", "event": "spamreport", "sg_event_id": "ev-s4",
                   "timestamp": int(time.time())}] + bounce
        ts = str(int(time.time()))
        body = json.dumps(events).encode()
        signature = self.mock.sign(ts, body)
        code, text = self.mock.post_signed(self.public, body, ts, signature)
        self.assertEqual((code, text), (200, "handled 3, duplicates 0\n"))
        # SendGrid resends (the same signed post): counted once.
        code, text = self.mock.post_signed(self.public, body, ts, signature)
        self.assertEqual((code, text), (200, "handled 0, duplicates 3\n"))

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len(self.rows(
                "SELECT 1 FROM events WHERE type IN ('delivered', 'bounced', 'complained')")) < 3:
            time.sleep(0.05)
        got = self.rows("SELECT c.email, e.type FROM events e JOIN contacts c ON "
                        "c.id = e.contact_id WHERE e.type IN ('delivered', 'bounced', "
                        "'complained') ORDER BY e.id")
        self.assertEqual(got, [("c1@example.com", "delivered"), ("c4@example.com", "complained"),
                               ("c2@example.com", "bounced")])

        # The bounce suppresses before the next delivery: another workflow's
        # run to c2 and c3 sends only to c3 (whose forged bounce changed nothing).
        self.run_to_end([2, 3], COUNT, workflow="followup")
        _, _, sent = self.mock.counts()
        self.assertEqual(sent["c2@example.com"], 1, "the bounced address got nothing more")
        self.assertEqual(sent["c3@example.com"], 2)
        self.assertEqual(self.d.stop(), 0, self.d.log())
        self.assertIn("suppressed   since", self.show("c2@example.com"))
        self.assertIn("suppressed   since", self.show("c4@example.com"))
        self.assertNotIn("suppressed   since", self.show("c3@example.com"))
        # Only salted hashes of the addresses are stored, with the reason.
        self.assertEqual(sorted(r for (r,) in self.rows("SELECT reason FROM suppressions")),
                         ["sendgrid bounce: 5.1.1 550 5.1.1 user unknown",
                          "sendgrid spam report"])


if __name__ == "__main__":
    unittest.main()
