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
    def setUp(self):
        self.d = Daemon(HERALD, PLUGIN_DIR)
        with open(self.d.config) as f:
            text = f.read()
        with open(self.d.config, "w") as f:
            f.write(text.replace("plugins:\n", "plugins:\n  servicey:\n    token: s3cret\n", 1))
        self.d.import_contacts([{"external_id": "c1", "email": "ada@example.com"}])
        self.d.start()
        m = re.search(r"public links on ([0-9.]+):(\d+)", self.d.log())
        self.assertIsNotNone(m, self.d.log())
        self.public = f"{m.group(1)}:{m.group(2)}"

    def tearDown(self):
        if self.d.proc and self.d.proc.poll() is None:
            self.d.stop()
        self.d.cleanup()

    def post(self, path, body, token):
        req = urllib.request.Request(f"http://{self.public}{path}", data=json.dumps(body).encode(),
                                     method="POST", headers={"X-Token": token})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

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


if __name__ == "__main__":
    unittest.main()
