"""What the provider plugins' `herald serve` tests share: a daemon (the
harness of tests/integration/daemon) with the provider's herald.yaml
section, link keys (for the signed List-Unsubscribe) and two workflows that
send through the provider's step; running a workflow to its end over the
admin API; reading the store."""
import json
import re
import sqlite3
import time
import unittest

from harness import TOKEN, Daemon

CONFIG = """\
state_dir: {state}
workflows_dir: {workflows}
runtime_dir: {runtime}
plugin_dirs: [{plugins}]
plugins:
{section}
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
name: {name}
trigger: {{type: api}}
steps:
  - id: send
    uses: {step}
    with:
{with_}
"""

COUNT = 20
CONTACTS = [{"external_id": f"c{i}", "email": f"c{i}@example.com", "first_name": f"C{i}",
             "timezone": "UTC"} for i in range(1, COUNT + 1)]


class ProviderServeTest(unittest.TestCase):
    def start_daemon(self, herald, plugin_dir, section, step, with_, env):
        """`section`: the plugin's herald.yaml lines (indented 2); `with_`: the
        step's with: lines (indented 6); `env`: the daemon's extra environment."""
        self.d = Daemon(herald, plugin_dir)
        self.addCleanup(self.d.cleanup)
        with open(self.d.config, "w") as f:
            f.write(CONFIG.format(state=self.d.state, workflows=self.d.workflows,
                                  runtime=self.d.runtime, plugins=plugin_dir, section=section,
                                  link_secret="s" * 40, token=TOKEN))
        self.d.import_contacts(CONTACTS)
        for name in ("welcome", "followup"):
            self.d.write_workflow(f"{name}.yaml",
                                  WORKFLOW.format(name=name, step=step, with_=with_))
        self.d.start(env_extra=env)
        m = re.search(r"public links on ([0-9.]+):(\d+)", self.d.log())
        self.assertIsNotNone(m, self.d.log())
        self.public = f"{m.group(1)}:{m.group(2)}"

    def rows(self, sql, args=()):
        with sqlite3.connect(self.d.db) as db:
            return db.execute(sql, args).fetchall()

    def run_to_end(self, contacts, sent_total, mock, workflow="welcome", timeout=40):
        """Starts `workflow` for `contacts` (ids); waits until its journeys are
        all closed and `mock` has accepted `sent_total` messages in all."""
        status, body = self.d.http("POST", "/api/v1/runs",
                                   {"workflow": workflow, "contacts": contacts})
        self.assertEqual(status, 201, body)
        run = json.loads(body)["run_id"]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            open_ = self.rows("SELECT count(*) FROM journeys WHERE run_id = ? AND status NOT IN "
                              "('done', 'failed', 'exited', 'skipped')", (run,))[0][0]
            if open_ == 0 and sum(mock.counts()[2].values()) >= sent_total:
                break
            time.sleep(0.1)
        return run

    def failures(self, run):
        return self.rows("SELECT c.email, f.reason FROM journey_failures f JOIN contacts c "
                         "ON c.id = f.contact_id WHERE f.run_id = ?", (run,))

    def journey_vars(self, email):
        return json.loads(self.rows("SELECT vars FROM journeys j JOIN contacts c ON "
                                    "c.id = j.contact_id WHERE c.email = ? ORDER BY j.id",
                                    (email,))[0][0])

    def events(self, types):
        marks = ", ".join("?" * len(types))
        return self.rows(f"SELECT c.email, e.type FROM events e JOIN contacts c ON "
                         f"c.id = e.contact_id WHERE e.type IN ({marks}) ORDER BY e.id", types)

    def wait_events(self, types, count, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.events(types)) < count:
            time.sleep(0.05)
        return self.events(types)

    def show(self, email):
        r = self.d.herald("contacts", "show", email)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def suppressed(self, email):
        return "suppressed   since" in self.show(email)

    def suppression_reasons(self):
        """Only salted hashes of the addresses are stored, with the reasons."""
        return sorted(r for (r,) in self.rows("SELECT reason FROM suppressions"))
