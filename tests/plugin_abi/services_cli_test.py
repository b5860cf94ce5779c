"""ABI 1.3 services through the real `herald` binary: servicey.so (the
services test plugin) in a workflow run by `herald run`. A RETRY_AFTER
outcome is counted as a retry, not a failure, and leaves the journeys
waiting; events the plugin records land in the database; the plugin's own
settings are validated against its schema by `herald run` and `herald
validate`, with their message."""
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import unittest

HERALD = sys.argv.pop(1)
PLUGIN_DIR = sys.argv.pop(1)

CONFIG = """\
state_dir: {state}
plugin_dirs: [{plugins}]
plugins:
  servicey:
{settings}
"""

WORKFLOW = """\
name: svc
trigger: {{type: manual}}
steps:
  - id: call
    uses: servicey.call
    with: {{mode: {mode}, delay_ms: 600000}}
"""


class ServicesCli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="herald-services-")
        self.dir = self.tmp.name
        self.state = os.path.join(self.dir, "var")
        self.db = os.path.join(self.state, "herald.db")
        self.configure("    greeting: hej")
        with open(os.path.join(self.dir, "contacts.csv"), "w") as f:
            f.write("external_id,email\nc1,ada@example.com\nc2,bob@example.com\n")
        r = self.herald("contacts", "import", os.path.join(self.dir, "contacts.csv"))
        self.assertEqual(r.returncode, 0, r.stderr)

    def tearDown(self):
        self.tmp.cleanup()

    def configure(self, settings):
        self.config = os.path.join(self.dir, "herald.yaml")
        with open(self.config, "w") as f:
            f.write(CONFIG.format(state=self.state, plugins=PLUGIN_DIR, settings=settings))

    def herald(self, *args):
        return subprocess.run([HERALD, "--config", self.config, "--db", self.db, *args],
                              capture_output=True, text=True, cwd=self.dir, timeout=120)

    def workflow(self, mode):
        path = os.path.join(self.dir, mode + ".yaml")
        with open(path, "w") as f:
            f.write(WORKFLOW.format(mode=mode))
        return path

    def test_retry_after_is_a_retry_not_a_failure(self):
        r = self.herald("run", self.workflow("retry"), "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        rep = json.loads(r.stdout)
        steps = {s["id"]: s for s in rep["steps"]}
        self.assertEqual(steps["call"]["retries"], 2)
        self.assertEqual(steps["call"]["failed"], 0)
        self.assertEqual(rep["journeys"]["failed"], 0)
        self.assertEqual(rep["run"]["status"], "waiting")

    def test_recorded_events_land_in_the_database(self):
        r = self.herald("run", self.workflow("event"))
        self.assertEqual(r.returncode, 0, r.stderr)
        with sqlite3.connect(self.db) as db:
            n = db.execute("SELECT COUNT(*) FROM events WHERE type = 'delivered'").fetchone()[0]
        self.assertEqual(n, 2)

    def test_the_plugin_sees_its_own_settings(self):
        r = self.herald("run", self.workflow("state"), "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("servicey started with greeting hej", r.stderr)

    def test_settings_its_schema_refuses_stop_the_run_with_their_place(self):
        self.configure("    greting: hej")
        r = self.herald("run", self.workflow("state"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("herald: error: plugins.servicey: unknown key 'greting'", r.stderr)
        self.assertIn("(plugin 'servicey' is not started)", r.stderr)
        r = self.herald("validate", self.workflow("state"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("plugins.servicey: unknown key 'greting'", r.stderr)


if __name__ == "__main__":
    unittest.main()
