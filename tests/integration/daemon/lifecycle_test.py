"""`herald serve` lifecycle through the real binary: READY=1 only once the
listeners answer, one daemon per database, SIGTERM drains and exits 0,
reload all or nothing (SIGHUP and `herald reload`), `herald workflows`."""
import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
import unittest
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Daemon  # noqa: E402

HERALD = sys.argv[1]
PLUGIN_DIR = sys.argv[2]

WELCOME = """\
name: welcome
trigger: {type: event, event: signed_up}
steps:
  - id: hello
    uses: outbox.email
    with:
      from: shop@example.com
      subject: "Welcome {{ contact.first_name | default: 'friend' }}"
      text: "Hello"
"""

DIGEST = """\
name: digest
trigger: {type: manual}
steps:
  - id: news
    uses: outbox.email
    with:
      from: shop@example.com
      subject: "News"
      text: "Hello again"
"""

# Line 5, column 11: a step type no plugin provides.
BROKEN = """\
name: digest
trigger: {type: manual}
steps:
  - id: news
    uses: outbox.emial
    with: {from: shop@example.com, subject: News, text: Hi}
"""


class Lifecycle(unittest.TestCase):
    def setUp(self):
        self.d = Daemon(HERALD, PLUGIN_DIR)
        self.addCleanup(self.d.cleanup)
        self.d.write_workflow("welcome.yaml", WELCOME)
        self.d.write_workflow("digest.yaml", DIGEST)

    def workflows(self):
        r = self.d.herald("workflows", "list", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        return {w["name"]: w for w in json.loads(r.stdout)}

    def test_ready_only_once_listeners_answer_then_sigterm_drains_and_exits_0(self):
        d = self.d
        d.start(wait_ready=False)
        ready = d.notify.wait_for("READY=1", proc=d.proc)
        # At READY=1 the admin listener and the control socket already answer.
        d.admin = d.admin_address()
        with urllib.request.urlopen(f"http://{d.admin}/livez", timeout=5) as r:
            self.assertEqual(r.status, 200)
        self.assertEqual(set(self.workflows()), {"welcome", "digest"})
        self.assertTrue(any(s.startswith("serving 2 workflows; 0 journeys waiting")
                            for s in d.notify.statuses()), d.notify.statuses())
        sock = os.path.join(d.runtime, "herald.sock")
        self.assertEqual(stat.S_IMODE(os.stat(sock).st_mode), 0o600)

        self.assertEqual(d.stop(signal.SIGTERM), 0, d.log())
        d.notify.wait_for("STOPPING=1", start=ready, timeout=1)
        self.assertIn("stopped: every batch in flight finished", d.log())
        self.assertFalse(os.path.exists(sock), "the control socket is removed on exit")

    def test_watchdog_pings_at_half_the_interval_systemd_sets(self):
        d = self.d
        d.start(env_extra={"WATCHDOG_USEC": "1000000"})
        time.sleep(2.6)
        pings = [t for t, m in list(d.notify.messages) if "WATCHDOG=1" in m.split("\n")]
        self.assertGreaterEqual(len(pings), 4, d.notify.texts())
        gaps = [b - a for a, b in zip(pings, pings[1:])]
        self.assertLess(max(gaps), 0.9, gaps)  # within systemd's 1 s
        self.assertEqual(d.stop(), 0)

    def test_sigint_stops_too(self):
        self.d.start()
        self.assertEqual(self.d.stop(signal.SIGINT), 0, self.d.log())
        self.d.notify.wait_for("STOPPING=1", timeout=1)

    def test_a_second_serve_on_the_same_database_is_refused_naming_pid_and_database(self):
        d = self.d
        d.start()
        r = d.herald("serve", timeout=30)
        self.assertEqual(r.returncode, 1)
        db = os.path.realpath(d.db)
        self.assertIn(f"herald: error: another 'herald serve' (pid {d.proc.pid}) is already "
                      f"serving the database {db}; one daemon per database", r.stderr)
        # The CLI verbs keep working beside the daemon.
        r = d.herald("runs", "list")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(d.stop(), 0)

    def test_start_with_a_broken_workflow_refuses_with_file_line_col_and_never_ready(self):
        d = self.d
        path = d.write_workflow("digest.yaml", BROKEN)
        d.start(wait_ready=False)
        code = d.proc.wait(timeout=60)
        self.assertEqual(code, 1)
        log = d.log()
        self.assertRegex(log, re.escape(path) + r":5:11: error: .*outbox\.emial")
        self.assertIn("herald: error: not serving: 1 error in the workflows of", log)
        self.assertFalse(any("READY=1" in t.split("\n") for t in d.notify.texts()))

    def test_herald_reload_with_a_broken_workflow_keeps_the_old_set_and_reports_file_line_col(self):
        d = self.d
        d.start()
        before = self.workflows()
        path = d.write_workflow("digest.yaml", BROKEN)
        mark = len(d.notify.texts())
        r = d.herald("reload")
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertRegex(r.stderr, "(?m)^" + re.escape(path) + r":5:11: error: ")
        self.assertIn("herald: error: reload failed: 1 error; nothing was changed: the "
                      "workflows served before keep running", r.stderr)
        after = self.workflows()
        self.assertEqual(after["digest"]["revision"], before["digest"]["revision"])
        # RELOADING=1 ... READY=1, and the error in STATUS=.
        i = d.notify.wait_for("RELOADING=1", start=mark, timeout=5)
        d.notify.wait_for("READY=1", start=i, timeout=5)
        self.assertTrue(any("last error: reload failed: " + path + ":5:11" in s
                            for s in d.notify.statuses()), d.notify.statuses())
        self.assertIn("reload failed: 1 error; the workflows served before keep running", d.log())

        # Fixed: the reload swaps to the new revision and clears the error.
        d.write_workflow("digest.yaml", DIGEST.replace("News", "Fresh news"))
        r = d.herald("reload")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "reloaded: serving 2 workflows\n")
        self.assertNotEqual(self.workflows()["digest"]["revision"], before["digest"]["revision"])
        self.assertTrue(d.notify.statuses()[-1].startswith("serving 2 workflows"))
        self.assertNotIn("last error", d.notify.statuses()[-1])
        self.assertEqual(d.stop(), 0)

    def test_sighup_reloads_all_or_nothing(self):
        d = self.d
        d.start()
        d.write_workflow("third.yaml", DIGEST.replace("digest", "third"))
        path = d.write_workflow("digest.yaml", BROKEN)
        mark = len(d.notify.texts())
        d.proc.send_signal(signal.SIGHUP)
        i = d.notify.wait_for("RELOADING=1", start=mark, timeout=10)
        d.notify.wait_for("READY=1", start=i, timeout=30)
        self.assertEqual(set(self.workflows()), {"welcome", "digest"}, "nothing swapped")
        self.assertRegex(d.log(), re.escape(path) + r":5:11: error: ")

        os.remove(os.path.join(d.workflows, "welcome.yaml"))  # a removed workflow stops
        d.write_workflow("digest.yaml", DIGEST)
        mark = len(d.notify.texts())
        d.proc.send_signal(signal.SIGHUP)
        i = d.notify.wait_for("RELOADING=1", start=mark, timeout=10)
        d.notify.wait_for("READY=1", start=i, timeout=30)
        self.assertEqual(set(self.workflows()), {"digest", "third"})
        self.assertIn("reloaded: serving 2 workflows", d.log())
        self.assertEqual(d.stop(), 0)

    def test_a_config_error_fails_the_reload_too(self):
        d = self.d
        d.start()
        d.write_config(extra="shutdown_timeot: 5s\n")
        # The CLI reads the same config to find the socket: it reports the
        # mistake itself before asking the daemon.
        r = d.herald("reload")
        self.assertEqual(r.returncode, 1)
        self.assertIn(d.config + ":16:1: error: unknown setting 'shutdown_timeot'", r.stderr)
        # SIGHUP: the daemon finds it, keeps serving, says so in STATUS=.
        mark = len(d.notify.texts())
        d.proc.send_signal(signal.SIGHUP)
        i = d.notify.wait_for("RELOADING=1", start=mark, timeout=10)
        d.notify.wait_for("READY=1", start=i, timeout=30)
        self.assertIn("last error: reload failed: " + d.config + ":16:1: error: unknown setting "
                      "'shutdown_timeot'", d.notify.statuses()[-1])
        d.write_config()
        self.assertEqual(d.herald("reload").returncode, 0)
        self.assertEqual(set(self.workflows()), {"welcome", "digest"})
        self.assertEqual(d.stop(), 0)

    def test_workflows_list_show_pause_resume(self):
        d = self.d
        d.start()
        r = d.herald("workflows", "list")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertTrue(lines[0].startswith("NAME"), r.stdout)
        self.assertEqual(sorted(l.split()[0] for l in lines[1:]), ["digest", "welcome"])

        r = d.herald("workflows", "pause", "welcome")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("paused welcome", r.stdout)
        r = d.herald("workflows", "show", "welcome", "--json")
        shown = json.loads(r.stdout)
        self.assertEqual(shown["name"], "welcome")
        self.assertEqual(len(shown["revision"]), 64)
        self.assertTrue(shown["paused"])
        r = d.herald("workflows", "resume", "welcome")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertFalse(json.loads(d.herald("workflows", "show", "welcome", "--json").stdout)
                         ["paused"])
        r = d.herald("workflows", "show", "nope")
        self.assertEqual(r.returncode, 1)
        self.assertIn("herald: error: no workflow named 'nope' is served; served: digest, "
                      "welcome", r.stderr)
        self.assertEqual(d.stop(), 0)

    def test_cli_without_a_daemon_names_the_socket(self):
        sock = os.path.join(self.d.runtime, "herald.sock")
        for args in (["reload"], ["workflows", "list"]):
            r = self.d.herald(*args)
            self.assertEqual(r.returncode, 1)
            self.assertIn(f"herald: error: no herald daemon answers on {sock} (is 'herald "
                          "serve' running with this config?", r.stderr)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + sys.argv[3:], verbosity=2)
