"""The issue's Must-show: a plugin that crashes the process, under `herald
serve`. The test plays systemd's Restart=on-failure: it starts the daemon
again after each crash. The log names the plugin, the step type, the
workflow and the run; after the second crash on the same batch the restarted
daemon quarantines it (its journeys fail, `herald workflows show`, STATUS=
and /metrics say so) and every other workflow delivers as before.

Arguments: the herald binary, the in-tree plugin directory, crashy.so."""
import json
import os
import re
import shutil
import signal
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Daemon  # noqa: E402

HERALD = sys.argv.pop(1)
PLUGIN_DIR = sys.argv.pop(1)
CRASHY = sys.argv.pop(1)

RISKY = """\
name: risky
trigger: {type: api}
steps:
  - id: check
    uses: crashy.null
  - id: email
    uses: outbox.email
    with: {from: shop@example.com, subject: "Risky", text: "Spring is here."}
"""

CALM = """\
name: calm
trigger: {type: event, event: signed_up}
steps:
  - id: hello
    uses: outbox.email
    with: {from: shop@example.com, subject: "Calm", text: "Welcome."}
"""

# c1 poisons the first batch of two (c1, c2); the other batches are fine.
CONTACTS = [{"external_id": f"c{i}", "email": f"c{i}@example.com", "first_name": f"C{i}",
             "timezone": "UTC", "plan": "poison" if i == 1 else "free"} for i in range(1, 7)]

CRASH_REPORT = ("plugin 'crashy' (step type 'crashy.null') at step 'check' of workflow "
                "'risky', run {run}, holding a batch of 2 contacts crashed the process with "
                "SIGSEGV (plugin bug)")
# systemd's watchdog interval: the daemon refreshes STATUS= every half of it.
WATCHDOG = {"WATCHDOG_USEC": "2000000"}


class CrashUnderServe(unittest.TestCase):
    def setUp(self):
        self.d = Daemon(HERALD, PLUGIN_DIR)
        self.plugins = os.path.join(self.d.dir, "plugins")
        os.makedirs(self.plugins)
        shutil.copy(CRASHY, self.plugins)
        self.d.plugin_dir = f"{PLUGIN_DIR}, {self.plugins}"
        self.d.write_config(extra="engine:\n  batch_size: 2\n")
        self.d.import_contacts(CONTACTS)
        self.d.write_workflow("risky.yaml", RISKY)
        self.d.write_workflow("calm.yaml", CALM)

    def tearDown(self):
        self.d.cleanup()

    def wait_for_crash(self):
        code = self.d.proc.wait(timeout=60)
        self.d.stderr.close()
        self.assertEqual(code, -signal.SIGSEGV, self.d.log())
        return self.d.log()

    def outbox_subjects(self):
        subjects = []
        for name in self.d.outbox_files():
            with open(os.path.join(self.d.outbox, "new", name), encoding="utf-8") as f:
                m = re.search(r"^Subject: (.*)$", f.read(), re.M)
                subjects.append(m.group(1) if m else "?")
        return sorted(subjects)

    def wait_until(self, check, what, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check():
                return
            time.sleep(0.1)
        self.fail(f"{what} within {timeout} s; log:\n{self.d.log()}")

    def test_crash_restart_crash_restart_quarantines_and_the_rest_delivers(self):
        d = self.d
        d.start()
        status, body = d.http("POST", "/api/v1/runs", {"workflow": "risky", "contacts": [1, 2, 3, 4, 5, 6]})
        self.assertEqual(status, 201, body)
        run = json.loads(body)["run_id"]
        report = CRASH_REPORT.format(run=run)
        first = self.wait_for_crash()
        self.assertIn("error [crashy/check] " + report, first)

        # Restart=on-failure: the daemon comes back, the batch crashes it again.
        d.start(wait_ready=False)
        second = self.wait_for_crash()
        self.assertRegex(second, r"plugin 'crashy' \(step type 'crashy.null'\) crashed the "
                                 r"process with a batch of 2 contacts \(ids \d+\.\.\d+\) at step "
                                 r"'check' of workflow 'risky', run \d+ in its hands; handing it "
                                 r"over once more")
        self.assertIn(report, second)

        # The third start quarantines the batch and stays up.
        d.start(env_extra=WATCHDOG)
        self.wait_until(lambda: len(d.outbox_files()) >= 4, "the risky run's 4 good contacts")
        self.assertRegex(d.log(), r"crashed the process 2 times with a batch of 2 contacts .* "
                                  r"the batch is quarantined")
        # The other workflow delivers as before.
        status, body = d.http("POST", "/api/v1/events", {"type": "signed_up", "external_id": "c3"})
        self.assertEqual(status, 202, body)
        self.wait_until(lambda: len(d.outbox_files()) >= 5, "the calm workflow's message")
        self.assertEqual(self.outbox_subjects(), ["Calm"] + ["Risky"] * 4)

        shown = json.loads(d.herald("workflows", "show", "risky", "--json").stdout)
        self.assertEqual([(q["step"], q["plugin"], q["contacts"]) for q in shown["quarantined"]],
                         [("check", "crashy", 2)])
        self.assertEqual((shown["last_run"]["id"], shown["last_run"]["status"]), (run, "done"))
        text = d.herald("workflows", "show", "risky").stdout
        self.assertIn("quarantined:", text)
        self.assertRegex(text, rf"last run:\s+#{run} done \d{{4}}-\d\d-\d\dT")
        d.notify.wait_for("READY=1")
        self.wait_until(lambda: any("quarantined batches: risky/check (plugin crashy)" in s
                                    for s in d.notify.statuses()), "STATUS= naming the batch")
        status, metrics = d.http("GET", "/metrics")
        self.assertEqual(status, 200)
        self.assertRegex(metrics, r'herald_plugin_crashes_total\{[^}]*plugin="crashy"[^}]*\} 1')
        self.assertIn("herald_quarantined_batches 1", metrics)
        shown = d.herald("runs", "show", str(run))
        self.assertRegex(shown.stdout,
                         r"2 at 'check': plugin crashy crashed on this batch \(contacts \d+, \d+\)")
        self.assertEqual(d.stop(), 0)


if __name__ == "__main__":
    unittest.main(verbosity=2)
