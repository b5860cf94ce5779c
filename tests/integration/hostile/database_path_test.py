#!/usr/bin/env python3
"""Which database a command works on: a mistyped --db is refused by the
commands that read (before, it silently made an empty database and answered
"no runs yet"); the commands that fill one say when they create it; and the
one-run-at-a-time lock holds on the real file, not the path (before, a
symlink to the same database let two runs work on one run together)."""
import os
import subprocess
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "engine"))
from common import Sandbox, passes  # noqa: E402
from hostile_common import HELLO_WORKFLOW  # noqa: E402

HERALD = sys.argv.pop(1)
PLUGIN_DIR = sys.argv.pop(1)



class DatabasePath(unittest.TestCase):
    def setUp(self):
        self.sb = Sandbox(HERALD, PLUGIN_DIR)
        self.wf = self.sb.write("hello.yaml",
                                HELLO_WORKFLOW.replace("{TEXT}", "Hi {{ contact.first_name }}"))

    def tearDown(self):
        self.sb.cleanup()

    def herald_db(self, db, *args):
        cmd = [HERALD, "--config", self.sb.config, "--db", db, *args]
        return subprocess.run(cmd, capture_output=True, text=True, cwd=self.sb.dir, timeout=120)

    def test_reading_commands_refuse_a_missing_database(self):
        self.sb.import_contacts([{"external_id": "c1", "email": "a@example.com"}])
        typo = os.path.join(self.sb.dir, "vra", "herald.db")
        refusal = (f"herald: error: there is no database at {typo} (a typo in --db or in the "
                   "config's `database`?); importing contacts or running a workflow creates one")
        for cmd in (["runs", "list"], ["runs", "show", "1"], ["contacts", "show", "c1"],
                    ["contacts", "export", "c1"], ["contacts", "erase", "c1", "--yes"],
                    ["segment", "preview", "{attribute: plan, equals: pro}"],
                    ["segment", "explain", "{attribute: plan, equals: pro}"],
                    ["segment", "rfm"], ["products", "list"], ["products", "show", "P1"],
                    ["recommend", "c1"]):
            with self.subTest(cmd=cmd):
                r = self.herald_db(typo, *cmd)
                self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
                self.assertEqual(r.stderr.strip(), refusal)
                self.assertFalse(os.path.exists(os.path.dirname(typo)))

    def test_commands_that_fill_a_database_say_they_created_it(self):
        fresh = os.path.join(self.sb.dir, "new", "place", "herald.db")
        contacts = self.sb.write("c.csv", "external_id,email,consent_email\nc1,a@example.com,yes\n")
        r = self.herald_db(fresh, "contacts", "import", contacts)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr.strip(), f"herald: created new database at {fresh}")
        # The second time it exists: nothing said.
        r = self.herald_db(fresh, "contacts", "import", contacts)
        self.assertEqual(r.stderr.strip(), "")
        other = os.path.join(self.sb.dir, "run.db")
        r = self.herald_db(other, "run", self.wf)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"herald: created new database at {other}", r.stderr)
        r = self.herald_db(other, "runs", "list")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_a_second_run_through_a_symlink_is_refused(self):
        self.sb.import_contacts({"external_id": f"x{i}", "email": f"x{i}@example.com"}
                                for i in range(1, 20001))
        link_dir = os.path.join(self.sb.dir, "elsewhere")
        os.mkdir(link_dir)
        link = os.path.join(link_dir, "same.db")
        os.symlink(self.sb.db, link)
        first = subprocess.Popen(self.sb.args("run", self.wf), cwd=self.sb.dir, text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while first.poll() is None and passes(self.sb.db) == 0 and time.monotonic() < deadline:
            time.sleep(0.005)
        second = self.herald_db(link, "run", self.wf)
        first.kill()
        first.communicate()
        self.assertEqual(second.returncode, 1, second.stdout)
        self.assertEqual(second.stderr.strip(),
                         f"herald: error: another 'herald run' (pid {first.pid}) is working on "
                         f"{link} (the file {os.path.realpath(self.sb.db)}); wait for it to "
                         "finish or stop it (Ctrl-C), then run this again")


if __name__ == "__main__":
    unittest.main()
