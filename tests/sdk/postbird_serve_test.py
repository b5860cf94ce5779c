"""sdk/examples/postbird, built against the installed SDK, in the real
`herald serve` against a local mock of Postbird (postbird_mock.py): a run of
20 contacts over the admin API delivers each message once over a few
keep-alive connections, a 429 with Retry-After is retried later without a
failure, and signed webhooks become events (a bounce also a suppression)
while a forged one is refused with 401 and changes nothing. A missing
setting stops `herald serve` with a message naming it.

Arguments: the herald binary, the directory holding the built postbird.so,
tests/integration/daemon (for harness.py)."""
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
from postbird_mock import PostbirdMock  # noqa: E402

API_KEY = "pk_test_0123456789"
SECRET = "whsec_0123456789abcdef"

CONFIG = """\
state_dir: {state}
workflows_dir: {workflows}
runtime_dir: {runtime}
plugin_dirs: [{plugins}]
plugins:
  postbird:
    base_url: {base_url}
    api_key: {api_key}
    webhook_secret: {secret}
http:
  admin:
    listen: 127.0.0.1:0
    tokens: [{token}]
  public:
    listen: 127.0.0.1:0
"""

WORKFLOW = """\
name: welcome
trigger: {type: api}
steps:
  - id: send
    uses: postbird.email
    with:
      from: shop@example.com
      subject: "Welcome, {{ contact.first_name }}"
      text: "Hello {{ contact.first_name }}, thanks for joining."
"""

COUNT = 20
CONTACTS = [{"external_id": f"c{i}", "email": f"c{i}@example.com", "first_name": f"C{i}",
             "timezone": "UTC"} for i in range(1, COUNT + 1)]
THROTTLED = "c7@example.com"


class PostbirdInServe(unittest.TestCase):
    def setUp(self):
        self.mock = PostbirdMock(API_KEY, SECRET, throttle_once=[THROTTLED])
        self.addCleanup(self.mock.close)
        self.d = Daemon(HERALD, PLUGIN_DIR)
        self.addCleanup(self.d.cleanup)
        with open(self.d.config, "w") as f:
            f.write(CONFIG.format(state=self.d.state, workflows=self.d.workflows,
                                  runtime=self.d.runtime, plugins=PLUGIN_DIR,
                                  base_url=self.mock.base_url, api_key=API_KEY, secret=SECRET,
                                  token=TOKEN))
        self.d.import_contacts(CONTACTS)
        self.d.write_workflow("welcome.yaml", WORKFLOW)
        self.d.start()
        m = re.search(r"public links on ([0-9.]+):(\d+)", self.d.log())
        self.assertIsNotNone(m, self.d.log())
        self.public = f"{m.group(1)}:{m.group(2)}"

    def rows(self, sql):
        with sqlite3.connect(self.d.db) as db:
            return db.execute(sql).fetchall()

    def test_a_run_delivers_once_over_few_connections_and_webhooks_are_verified(self):
        started = time.monotonic()
        status, body = self.d.http("POST", "/api/v1/runs",
                                   {"workflow": "welcome", "contacts": list(range(1, COUNT + 1))})
        self.assertEqual(status, 201, body)

        # Every contact's journey ends (the throttled one after its Retry-After).
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            open_ = self.rows("SELECT count(*) FROM journeys WHERE status NOT IN "
                              "('done', 'failed', 'exited', 'skipped')")[0][0]
            if open_ == 0 and len(self.mock.counts()[2]) == COUNT:
                break
            time.sleep(0.1)
        connections, requests, sent = self.mock.counts()
        self.assertEqual(sorted(sent), sorted(c["email"] for c in CONTACTS), self.d.log())
        self.assertEqual(set(sent.values()), {1}, "each contact is delivered once")
        self.assertEqual(requests, COUNT + 1, "one 429, then each message once")
        throttled = [(s, at) for to, s, at in self.mock.requests if to == THROTTLED]
        self.assertEqual([s for s, _ in throttled], [429, 202])
        # Retry-After: 1 was honoured (the engine's clock ticks in whole ms).
        self.assertGreaterEqual(throttled[1][1] - throttled[0][1], 0.95, throttled)
        print(f"postbird: {connections} connections for {requests} requests", file=sys.stderr)
        self.assertLessEqual(connections, 4, f"{connections} connections for {requests} requests")
        statuses = dict(self.rows("SELECT status, count(*) FROM journeys GROUP BY status"))
        self.assertNotIn("failed", statuses, statuses)
        self.assertEqual(sum(statuses.values()), COUNT, statuses)

        # Webhooks on the public listener: forged first, then signed ones.
        bounce = {"id": "evt_b", "type": "bounced", "email": "c2@example.com",
                  "message_id": self.mock.delivered["c2@example.com"], "reason": "5.1.1"}
        self.assertEqual(self.mock.post_webhook(self.public, bounce, forged=True)[0], 401)
        delivered = {"id": "evt_d", "type": "delivered", "email": "c1@example.com",
                     "message_id": self.mock.delivered["c1@example.com"]}
        self.assertEqual(self.mock.post_webhook(self.public, delivered)[0], 202)
        self.assertEqual(self.mock.post_webhook(self.public, bounce)[0], 202)

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and len(self.rows(
                "SELECT 1 FROM events WHERE type IN ('delivered', 'bounced')")) < 2:
            time.sleep(0.05)
        self.assertEqual(self.d.stop(), 0, self.d.log())
        events = self.rows("SELECT c.email, e.type, e.external_id FROM events e "
                           "JOIN contacts c ON c.id = e.contact_id "
                           "WHERE e.type IN ('delivered', 'bounced') ORDER BY e.id")
        self.assertEqual(len(events), 2, events)
        self.assertEqual([(e[0], e[1]) for e in events],
                         [("c1@example.com", "delivered"), ("c2@example.com", "bounced")])
        r = self.d.herald("contacts", "suppress", "c2@example.com")
        self.assertIn("already on the suppression list", r.stdout + r.stderr)
        self.assertIn("postbird bounce: 5.1.1", r.stdout + r.stderr)
        r = self.d.herald("contacts", "suppress", "c1@example.com")
        self.assertNotIn("already on the suppression list", r.stdout + r.stderr)
        self.assertLess(time.monotonic() - started, 60)

    def test_a_missing_webhook_secret_stops_herald_serve_naming_the_key(self):
        self.d.stop()
        with open(self.d.config) as f:
            text = f.read()
        with open(self.d.config, "w") as f:
            f.write(text.replace(f"    webhook_secret: {SECRET}\n", ""))
        r = self.d.herald("serve", timeout=60)
        self.assertNotEqual(r.returncode, 0, r.stderr)
        self.assertIn("herald: error: plugins.postbird: missing required key 'webhook_secret' "
                      "(a string of at least 16 characters) in plugins.postbird "
                      "(plugin 'postbird' is not started)\n", r.stderr)
        self.assertNotIn(API_KEY, r.stderr)


if __name__ == "__main__":
    unittest.main()
