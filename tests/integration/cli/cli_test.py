#!/usr/bin/env python3
"""The CLI's contract with its users: help on every command, one-line usage
errors with exit code 2, and global flags that are checked."""
import os
import subprocess
import sys
import tempfile
import unittest

HERALD = sys.argv.pop(1)
COMMANDS = [["validate"], ["schema"], ["plugins"], ["contacts"], ["contacts", "import"],
            ["contacts", "show"], ["contacts", "export"], ["contacts", "erase"],
            ["contacts", "suppress"], ["events"], ["events", "import"], ["segment"],
            ["segment", "preview"], ["segment", "explain"], ["segment", "rfm"], ["run"], ["runs"],
            ["runs", "list"], ["runs", "show"]]


def herald(*args, cwd=None):
    return subprocess.run([HERALD, *args], capture_output=True, text=True, cwd=cwd, timeout=60)


class Cli(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.cwd = self.tmp.name  # no config/herald.yaml here: built-in defaults

    def tearDown(self):
        self.tmp.cleanup()

    def test_top_level_help_lists_every_command(self):
        r = herald("--help", cwd=self.cwd)
        self.assertEqual(r.returncode, 0, r.stderr)
        for cmd in ("validate", "schema", "plugins", "contacts", "events", "run", "runs"):
            self.assertIn(cmd, r.stdout)

    def test_every_command_has_help(self):
        for cmd in COMMANDS:
            with self.subTest(cmd=cmd):
                r = herald(*cmd, "--help", cwd=self.cwd)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("Usage", r.stdout)
                self.assertIn(cmd[-1], r.stdout)

    def test_unknown_command_is_a_one_line_usage_error(self):
        r = herald("frobnicate", cwd=self.cwd)
        self.assertEqual(r.returncode, 2)
        self.assertTrue(r.stderr.startswith("herald: error: "), r.stderr)
        self.assertIn("frobnicate", r.stderr.splitlines()[0])

    def test_unknown_flag_is_a_one_line_usage_error(self):
        r = herald("validate", "--frobnicate", "x.yaml", cwd=self.cwd)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--frobnicate", r.stderr.splitlines()[0])

    def test_no_command_is_a_usage_error(self):
        r = herald(cwd=self.cwd)
        self.assertEqual(r.returncode, 2)
        self.assertIn("herald: error:", r.stderr)

    def test_version(self):
        r = herald("--version", cwd=self.cwd)
        self.assertEqual(r.returncode, 0)
        self.assertRegex(r.stdout, r"\d+\.\d+\.\d+")

    def test_bad_now_flag_says_what_is_valid(self):
        r = herald("--now", "yesterday", "runs", "list", cwd=self.cwd)
        self.assertEqual(r.returncode, 2)
        self.assertIn("--now 'yesterday' is not an ISO 8601 time such as 2026-11-22T09:00:00Z",
                      r.stderr)

    def test_bad_config_is_reported_at_its_line(self):
        cfg = os.path.join(self.cwd, "bad.yaml")
        with open(cfg, "w") as f:
            f.write("state_dir: var\nengine:\n  batch_size: 0\n")
        r = herald("--config", cfg, "runs", "list", cwd=self.cwd)
        self.assertEqual(r.returncode, 1)
        self.assertIn(cfg + ":3:15: error: batch_size must be a whole number from 1 to 100000",
                      r.stderr)

    def test_missing_config_file(self):
        r = herald("--config", "/nonexistent/herald.yaml", "runs", "list", cwd=self.cwd)
        self.assertEqual(r.returncode, 1)
        self.assertIn("/nonexistent/herald.yaml: error: cannot read the config file", r.stderr)

    def test_database_from_a_newer_herald_is_refused(self):
        db = os.path.join(self.cwd, "future.db")
        subprocess.run(["sqlite3", db, "PRAGMA user_version = 999; CREATE TABLE t(x);"],
                       check=True)
        r = herald("--db", db, "runs", "list", cwd=self.cwd)
        self.assertEqual(r.returncode, 1)
        self.assertIn("newer Herald", r.stderr)
        self.assertIn(db, r.stderr)

    def test_default_state_dir_is_var_under_the_working_directory(self):
        with open(os.path.join(self.cwd, "c.csv"), "w") as f:
            f.write("email\na@example.com\n")
        r = herald("contacts", "import", "c.csv", cwd=self.cwd)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "herald: created new database at var/herald.db\n")
        self.assertTrue(os.path.exists(os.path.join(self.cwd, "var", "herald.db")))
        r = herald("runs", "list", cwd=self.cwd)
        self.assertEqual(r.returncode, 0, r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
