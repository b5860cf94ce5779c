#!/usr/bin/env python3
"""A plugin that crashes the process, through the real binary (`herald run`):
the log names the plugin, the step type, the workflow and the run; after the
second crash on the same batch, the next start quarantines that batch (its
journeys fail with "plugin crashy crashed on this batch") and the rest of the
run delivers as before.

Arguments: the herald binary, the in-tree plugin directory, crashy.so."""
import os
import shutil
import signal
import sqlite3
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration",
                                "engine"))
from common import Sandbox  # noqa: E402

HERALD = sys.argv.pop(1)
PLUGIN_DIR = sys.argv.pop(1)
CRASHY = sys.argv.pop(1)

WORKFLOW = """\
name: risky
trigger: {type: manual}
steps:
  - id: check
    uses: crashy.null
  - id: email
    uses: outbox.email
    with: {from: shop@example.com, subject: "Hello", text: "Spring is here."}
"""

# c1 poisons the first batch of two (c1, c2); the other batches are fine.
CONTACTS = [{"external_id": f"c{i}", "email": f"c{i}@example.com", "first_name": f"C{i}",
             "timezone": "UTC", "plan": "poison" if i == 1 else "free"} for i in range(1, 7)]

REPORT = ("error [crashy/check] plugin 'crashy' (step type 'crashy.null') at step 'check' of "
          "workflow 'risky', run 1, holding a batch of 2 contacts crashed the process with "
          "SIGSEGV (plugin bug)")


class CrashQuarantine(unittest.TestCase):
    def setUp(self):
        self.sb = Sandbox(HERALD, PLUGIN_DIR, batch_size=2)
        self.plugins = os.path.join(self.sb.dir, "plugins")
        os.makedirs(self.plugins)
        shutil.copy(CRASHY, self.plugins)
        with open(self.sb.config) as f:
            config = f.read()
        with open(self.sb.config, "w") as f:
            f.write(config.replace(f"plugin_dirs: [{PLUGIN_DIR}]",
                                   f"plugin_dirs: [{PLUGIN_DIR}, {self.plugins}]"))
        self.sb.import_contacts(CONTACTS)
        self.wf = self.sb.write("risky.yaml", WORKFLOW)

    def tearDown(self):
        self.sb.cleanup()

    def handovers(self):
        with sqlite3.connect(self.sb.db) as db:
            return db.execute("SELECT plugin, step_id, contacts, attempts, quarantined_ms IS NOT NULL "
                              "FROM plugin_handovers").fetchall()

    def end_claims(self):
        """The dead process's claims on its due journeys: a later `herald run`
        takes them over once their lease (15 minutes, real time) has run out.
        The test ends the lease now instead of waiting for it."""
        with sqlite3.connect(self.sb.db) as db:
            db.execute("UPDATE journeys SET claim_until_ms = 0 WHERE claim_owner IS NOT NULL")

    def run_status(self):
        with sqlite3.connect(self.sb.db) as db:
            return db.execute("SELECT status FROM runs WHERE id = 1").fetchone()[0]

    def test_crash_crash_then_quarantine_and_the_rest_delivers(self):
        first = self.sb.herald("run", self.wf)
        self.assertEqual(first.returncode, -signal.SIGSEGV, first.stdout + first.stderr)
        self.assertIn(REPORT, first.stderr)
        self.assertEqual(self.sb.outbox_files(), [])
        self.assertEqual(self.run_status(), "running")
        self.assertEqual(self.handovers(), [("crashy", "check", 2, 1, 0)])

        self.end_claims()
        second = self.sb.herald("run", self.wf)
        self.assertEqual(second.returncode, -signal.SIGSEGV, second.stdout + second.stderr)
        self.assertRegex(second.stderr,
                         r"error \[engine\] plugin 'crashy' \(step type 'crashy.null'\) crashed "
                         r"the process with a batch of 2 contacts \(ids \d+\.\.\d+\) at step "
                         r"'check' of workflow 'risky', run 1 in its hands; handing it over once "
                         r"more \(another crash quarantines it\)")
        self.assertIn(REPORT, second.stderr)
        self.assertEqual(self.handovers(), [("crashy", "check", 2, 2, 0)])

        self.end_claims()
        third = self.sb.herald("run", self.wf)
        self.assertEqual(third.returncode, 0, third.stdout + third.stderr)
        self.assertRegex(third.stderr,
                         r"error \[engine\] plugin 'crashy' \(step type 'crashy.null'\) crashed "
                         r"the process 2 times with a batch of 2 contacts \(ids \d+\.\.\d+\) at "
                         r"step 'check' of workflow 'risky', run 1 in its hands; the batch is "
                         r"quarantined: its journeys fail and the rest of the run goes on")
        self.assertNotIn("SIGSEGV", third.stderr)
        # The four contacts of the other batches got their message.
        self.assertEqual(len(self.sb.outbox_files()), 4)
        self.assertEqual(self.run_status(), "done")
        self.assertEqual(self.handovers(), [("crashy", "check", 2, 2, 1)])
        self.assertIn("journeys: 4 done, 0 exited, 2 failed", third.stdout)

        shown = self.sb.herald("runs", "show", "1")
        self.assertEqual(shown.returncode, 0, shown.stderr)
        self.assertRegex(shown.stdout,
                         r"2 at 'check': plugin crashy crashed on this batch \(contacts \d+, \d+\)")


if __name__ == "__main__":
    unittest.main(verbosity=2)
