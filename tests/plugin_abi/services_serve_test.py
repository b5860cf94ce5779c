"""ABI 1.3 webhooks through the real `herald serve`: servicey.so declares
/hooks/servicey/; the daemon's public listener hands it the raw request, the
plugin checks its token, records the event through the daemon's ingestion
and suppresses a bounced address. A forged request changes nothing."""
import json
import os
import re
import sqlite3
import sys
import unittest
import urllib.request

HERALD = sys.argv.pop(1)
PLUGIN_DIR = sys.argv.pop(1)
sys.path.insert(0, sys.argv.pop(1))  # tests/integration/daemon
from harness import Daemon  # noqa: E402


class Webhooks(unittest.TestCase):
    # Webhook requests a second per route, and their burst (http.limits).
    RATE = None

    def setUp(self):
        self.d = Daemon(HERALD, PLUGIN_DIR)
        with open(self.d.config) as f:
            text = f.read()
        text = text.replace("plugins:\n", "plugins:\n  servicey:\n    token: s3cret\n", 1)
        if self.RATE:
            text = text.replace("http:\n", "http:\n  limits:\n    webhook_per_second: %d\n"
                                "    webhook_burst: %d\n" % self.RATE, 1)
        with open(self.d.config, "w") as f:
            f.write(text)
        self.d.import_contacts([{"external_id": "c1", "email": "ada@example.com"}])
        self.d.start()
        m = re.search(r"public links on ([0-9.]+):(\d+)", self.d.log())
        self.assertIsNotNone(m, self.d.log())
        self.public = f"{m.group(1)}:{m.group(2)}"

    def tearDown(self):
        if self.d.proc and self.d.proc.poll() is None:
            self.d.stop()
        self.d.cleanup()

    def post(self, path, body, token, with_headers=False):
        req = urllib.request.Request(f"http://{self.public}{path}", data=json.dumps(body).encode(),
                                     method="POST", headers={"X-Token": token})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                answer = (r.status, r.read().decode(), r.headers)
        except urllib.error.HTTPError as e:
            answer = (e.code, e.read().decode(), e.headers)
        return answer if with_headers else answer[:2]

    def rows(self, sql):
        with sqlite3.connect(self.d.db) as db:
            return db.execute(sql).fetchall()

    def test_a_signed_webhook_records_and_suppresses_and_a_forged_one_is_refused(self):
        bounce = {"email": "ada@example.com", "event": "bounced", "why": "5.1.1", "id": "e1"}
        self.assertEqual(self.post("/hooks/servicey/events", bounce, "forged")[0], 401)
        self.assertEqual(self.rows("SELECT COUNT(*) FROM events WHERE type = 'bounced'")[0][0], 0)

        status, body = self.post("/hooks/servicey/events", bounce, "s3cret")
        self.assertEqual(status, 202, body)
        self.assertEqual(json.loads(body), {"accepted": True})
        # The provider resends: the event id stores it once.
        self.assertEqual(self.post("/hooks/servicey/events", bounce, "s3cret")[0], 202)
        self.d.stop()
        self.assertEqual(self.rows("SELECT COUNT(*) FROM events WHERE type = 'bounced'")[0][0], 1)
        r = self.d.herald("contacts", "suppress", "ada@example.com")
        self.assertIn("already on the suppression list", r.stdout)
        self.assertIn("bounced: 5.1.1", r.stdout)
        self.assertIn("servicey shut down", self.d.log())

    def test_a_path_no_plugin_serves_is_404(self):
        self.assertEqual(self.post("/hooks/nobody/x", {}, "s3cret")[0], 404)




class WebhookRateLimit(Webhooks):
    """Beyond http.limits.webhook_burst at once the host answers 429 with
    Retry-After and the plugin is not called; the refusal is counted."""
    RATE = (1, 2)

    def test_requests_beyond_the_burst_are_answered_429_without_the_plugin(self):
        event = {"email": "ada@example.com", "event": "delivered", "id": "d%d"}
        answers = [self.post("/hooks/servicey/events", dict(event, id="d%d" % i), "s3cret", True)
                   for i in range(4)]
        self.assertEqual([a[0] for a in answers[:2]], [202, 202])
        self.assertEqual(answers[3][0], 429, answers[3][1])
        self.assertEqual(answers[3][1], "too many webhook requests; retry later\n")
        self.assertEqual(answers[3][2]["Retry-After"], "1")
        status, metrics = self.d.http("GET", "/metrics")
        self.assertIn('herald_http_refusals_total{listener="public",reason="webhook_rate"}',
                      metrics)
        self.d.stop()
        # Only the requests the plugin was handed were recorded.
        delivered = self.rows("SELECT COUNT(*) FROM events WHERE type = 'delivered'")[0][0]
        self.assertLessEqual(delivered, 3)
        self.assertGreaterEqual(delivered, 2)

    # The parent's tests run once, above.
    test_a_signed_webhook_records_and_suppresses_and_a_forged_one_is_refused = None
    test_a_path_no_plugin_serves_is_404 = None


if __name__ == "__main__":
    unittest.main()
