"""SIGTERM with a batch in a plugin's hands, through the real `herald serve`:
STOPPING=1 at once, no new batch starts, the batch in flight finishes and
its moves commit, exit 0; the next start delivers what was left, once. With
a plugin slower than shutdown_timeout the daemon stops on time instead (exit
1, the batch rolls back) and the next start runs it again: nothing is lost
and nothing is sent twice.

Arguments: the herald binary, the in-tree plugin directory, sleepy.so."""
import os
import shutil
import signal
import sqlite3
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Daemon  # noqa: E402

HERALD = sys.argv.pop(1)
PLUGIN_DIR = sys.argv.pop(1)
SLEEPY = sys.argv.pop(1)

SLOW = """\
name: slow
trigger: {{type: api}}
steps:
  - id: nap
    uses: sleepy.nap
    with: {{sleep_ms: {sleep_ms}}}
  - id: email
    uses: outbox.email
    with: {{from: shop@example.com, subject: "Slow", text: "Finally."}}
"""

CONTACTS = [{"external_id": f"c{i}", "email": f"c{i}@example.com", "first_name": f"C{i}",
             "timezone": "UTC"} for i in range(1, 4)]


class Drain(unittest.TestCase):
    def start(self, sleep_ms, shutdown_timeout):
        self.d = Daemon(HERALD, PLUGIN_DIR)
        self.addCleanup(self.d.cleanup)
        plugins = os.path.join(self.d.dir, "plugins")
        os.makedirs(plugins)
        shutil.copy(SLEEPY, plugins)
        self.d.plugin_dir = f"{PLUGIN_DIR}, {plugins}"
        self.d.write_config(shutdown_timeout=shutdown_timeout,
                            extra="engine:\n  step_deadline: 30s\n")
        self.d.import_contacts(CONTACTS)
        self.d.write_workflow("slow.yaml", SLOW.format(sleep_ms=sleep_ms))
        self.d.start()
        status, body = self.d.http("POST", "/api/v1/runs", {"workflow": "slow", "contacts": [1, 2, 3]})
        self.assertEqual(status, 201, body)
        self.wait_for_handover()

    def wait_for_handover(self):
        """Until the batch is in the plugin's hands (recorded before the call)."""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with sqlite3.connect(self.d.db) as db:
                if db.execute("SELECT count(*) FROM plugin_handovers").fetchone()[0]:
                    return
            time.sleep(0.02)
        self.fail("the batch never reached the plugin:\n" + self.d.log())

    def journeys_at(self):
        with sqlite3.connect(self.d.db) as db:
            return dict(db.execute("SELECT step_id, count(*) FROM journeys GROUP BY step_id"))

    def wait_for_outbox(self, count):
        deadline = time.monotonic() + 30
        while len(self.d.outbox_files()) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # and nothing more arrives
        return len(self.d.outbox_files())

    def test_sigterm_lets_the_batch_in_flight_finish_then_exits_0(self):
        self.start(sleep_ms=1500, shutdown_timeout="20s")
        before = len(self.d.notify.texts())
        sent = time.monotonic()
        self.d.proc.send_signal(signal.SIGTERM)
        self.d.notify.wait_for("STOPPING=1", start=before, timeout=1)
        code = self.d.proc.wait(timeout=30)
        took = time.monotonic() - sent
        self.d.stderr.close()
        self.assertEqual(code, 0, self.d.log())
        self.assertLess(took, 10)
        self.assertIn("stopped: every batch in flight finished", self.d.log())
        # The nap finished and committed; no new batch (the email step) started.
        self.assertEqual(self.journeys_at(), {"email": 3})
        self.assertEqual(self.d.outbox_files(), [])

        self.d.start()
        self.assertEqual(self.wait_for_outbox(3), 3)
        self.assertEqual(self.d.stop(), 0)

    def test_a_plugin_slower_than_shutdown_timeout_rolls_back_and_runs_again(self):
        self.start(sleep_ms=6000, shutdown_timeout="1s")
        sent = time.monotonic()
        self.d.proc.send_signal(signal.SIGTERM)
        code = self.d.proc.wait(timeout=30)
        took = time.monotonic() - sent
        self.d.stderr.close()
        self.assertEqual(code, 1, self.d.log())
        self.assertLess(took, 5, "stops within shutdown_timeout (+ its grace)")
        self.assertIn("shutdown_timeout (1 s) passed: abandoning the batches still in flight",
                      self.d.log())
        self.assertEqual(self.journeys_at(), {"nap": 3})  # rolled back

        # Restarted: the batch runs again, each message once.
        self.d.start()
        self.assertEqual(self.wait_for_outbox(3), 3)
        self.assertEqual(self.d.stop(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
