#!/usr/bin/env python3
"""Secrets and blame through the real binary, with the leaky test plugin.

- A secret (x-secret) written in a workflow file is refused by `herald
  validate` at FILE:LINE:COL, saying what to write instead.
- A secret from `api_key_file:` (under $CREDENTIALS_DIRECTORY), from
  `api_key_env:` or from herald.yaml's plugin section reaches the plugin;
  the plugin echoes it in its log, previews, Exit/Fail reasons and a
  diagnostic, and yet no output of the run shows it: every log, report and
  --json output the commands produced is searched for it.
- A branch the plugin never declared fails the contact as the plugin's bug;
  a malformed JSON pointer in a diagnostic is reported as the plugin's bug.

Arguments: the herald binary, the in-tree plugin directory, the directory of leaky.so."""
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration",
                                "engine"))
from common import Sandbox  # noqa: E402

HERALD = sys.argv.pop(1)
PLUGIN_DIR = sys.argv.pop(1)
LEAKY_DIR = sys.argv.pop(1)

SECRET = "sk_live_9f8e7d6c5b4a3210"
ENV_SECRET = "sk_env_0a1b2c3d4e5f6789"
YAML_SECRET = "sk_yaml_5566778899aabbcc"

CONTACTS = [{"external_id": f"c{i}", "email": f"c{i}@example.com", "first_name": f"C{i}",
             "timezone": "UTC"} for i in range(1, 5)]


def workflow(with_block, name="leak"):
    return f"""\
name: {name}
trigger: {{type: manual}}
steps:
  - id: send
    uses: leaky.send
    with: {with_block}
"""


class Secrets(unittest.TestCase):
    def setUp(self):
        self.sb = Sandbox(HERALD, PLUGIN_DIR, batch_size=10)
        with open(self.sb.config) as f:
            config = f.read()
        config = config.replace(f"plugin_dirs: [{PLUGIN_DIR}]",
                                f"plugin_dirs: [{PLUGIN_DIR}, {LEAKY_DIR}]")
        with open(self.sb.config, "w") as f:
            f.write(config + f"  leaky:\n    api_key: {YAML_SECRET}\n")
        self.creds = os.path.join(self.sb.dir, "credentials")
        os.makedirs(self.creds)
        with open(os.path.join(self.creds, "leaky-key"), "w") as f:
            f.write(SECRET + "\n")
        self.env = dict(os.environ, CREDENTIALS_DIRECTORY=self.creds, LEAKY_KEY=ENV_SECRET)
        self.outputs = []  # every stdout/stderr the test produced

    def tearDown(self):
        self.sb.cleanup()

    def herald(self, *args):
        import subprocess
        r = subprocess.run(self.sb.args(*args), capture_output=True, text=True, cwd=self.sb.dir,
                           timeout=120, env=self.env)
        self.outputs.append((" ".join(args), r.stdout + r.stderr))
        return r

    def assertNoSecret(self, *secrets):
        for what, text in self.outputs:
            for s in secrets:
                self.assertNotIn(s, text, f"`herald {what}` showed a secret:\n{text}")

    def test_a_literal_secret_in_a_workflow_is_refused_with_what_to_write_instead(self):
        wf = self.sb.write("leak.yaml", workflow(f"{{api_key: {SECRET}}}"))
        r = self.herald("validate", wf)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        self.assertIn(
            f"{wf}:6:21: error: step 'send' (leaky.send): 'api_key' is a secret (x-secret) and "
            "may not be written in a workflow file; write 'api_key_file: NAME' (a file holding "
            "it; under systemd, a LoadCredential= name) or 'api_key_env: VARIABLE' instead, or "
            "set it in herald.yaml under plugins: leaky: api_key:", r.stdout + r.stderr)
        r = self.herald("validate", "--json", wf)
        self.assertEqual(r.returncode, 1)
        self.assertNoSecret(SECRET)

    def test_sources_that_cannot_be_read_are_named(self):
        wf = self.sb.write("leak.yaml", workflow("{api_key_file: nowhere}"))
        r = self.herald("validate", wf)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{wf}:6:26: error: step 'send' (leaky.send): cannot read 'api_key_file' "
                      f"{self.creds}/nowhere", r.stdout + r.stderr)
        wf = self.sb.write("leak.yaml", workflow("{api_key_env: NOT_SET_ANYWHERE}"))
        r = self.herald("validate", wf)
        self.assertIn(f"{wf}:6:25: error: step 'send' (leaky.send): the environment variable "
                      "NOT_SET_ANYWHERE ('api_key_env') is not set", r.stdout + r.stderr)
        wf = self.sb.write("leak.yaml", workflow("{api_key_file: leaky-key, api_key_env: LEAKY_KEY}"))
        r = self.herald("validate", wf)
        self.assertIn("give one of 'api_key_file' and 'api_key_env', not both", r.stdout + r.stderr)
        wf = self.sb.write("leak.yaml", workflow("{api_key_env: 'not a name'}"))
        r = self.herald("validate", wf)
        self.assertIn("'api_key_env' must name an environment variable (letters, digits, '_')",
                      r.stdout + r.stderr)

    def test_an_empty_file_and_a_missing_secret_are_named(self):
        open(os.path.join(self.creds, "empty"), "w").close()
        wf = self.sb.write("leak.yaml", workflow("{api_key_file: empty}"))
        r = self.herald("validate", wf)
        self.assertIn(f"{wf}:6:26: error: step 'send' (leaky.send): 'api_key_file' "
                      f"{self.creds}/empty is empty", r.stdout + r.stderr)
        # Without herald.yaml's value, a required secret needs a source.
        with open(self.sb.config) as f:
            config = f.read()
        with open(self.sb.config, "w") as f:
            f.write(config.replace(f"  leaky:\n    api_key: {YAML_SECRET}\n", ""))
        wf = self.sb.write("leak.yaml", workflow("{}"))
        r = self.herald("validate", wf)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{wf}:6:5: error: step 'send' (leaky.send): needs the secret 'api_key'; "
                      "write 'api_key_file: NAME' (a file holding it; under systemd, a "
                      "LoadCredential= name) or 'api_key_env: VARIABLE' instead, or set it in "
                      "herald.yaml under plugins: leaky: api_key:", r.stdout + r.stderr)

    def test_a_secret_that_breaks_the_schema_is_not_echoed(self):
        with open(os.path.join(self.creds, "short"), "w") as f:
            f.write("sk_shortie\n")  # 10 characters: passes; make one that fails
        with open(os.path.join(self.creds, "short"), "w") as f:
            f.write("abcdefg\n")
        wf = self.sb.write("leak.yaml", workflow("{api_key_file: short}"))
        r = self.herald("validate", wf)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{wf}:6:26: error: 'api_key' must be a string of at least 8 characters, "
                      "got 7 characters", r.stdout + r.stderr)

    def test_a_run_never_shows_the_secret(self):
        self.sb.import_contacts(CONTACTS)
        for name, block, secret in (("file", "{api_key_file: leaky-key}", SECRET),
                                    ("env", "{api_key_env: LEAKY_KEY}", ENV_SECRET),
                                    ("yaml", "{}", YAML_SECRET)):
            wf = self.sb.write(f"{name}.yaml", workflow(block, name=f"leak-{name}"))
            r = self.herald("validate", wf)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            r = self.herald("run", "--dry-run", "--json", wf)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertIn("[secret]", r.stdout + r.stderr)  # the plugin did echo it
            r = self.herald("run", wf)
            self.assertIn("[secret]", r.stdout + r.stderr)
            r = self.herald("run", "--json", wf)
        runs = self.herald("runs", "list", "--json")
        self.assertEqual(runs.returncode, 0, runs.stderr)
        for run in json.loads(runs.stdout):
            rid = str(run["id"])
            self.herald("runs", "show", rid)
            shown = self.herald("runs", "show", rid, "--json", "--failures", "100")
            self.assertEqual(shown.returncode, 0, shown.stderr)
            self.assertIn("[secret]", shown.stdout)  # the failure reasons, hidden
        self.herald("plugins", "--json")
        self.herald("plugins", "--check", os.path.join(LEAKY_DIR, "leaky.so"), "--json")
        # A diagnostic that echoes the secret, through validate.
        wf = self.sb.write("complain.yaml", workflow("{api_key_env: LEAKY_KEY, complain: true}"))
        r = self.herald("validate", wf)
        self.assertEqual(r.returncode, 1)
        self.assertIn("the provider refuses the key [secret]", r.stdout + r.stderr)
        self.assertNoSecret(SECRET, ENV_SECRET, YAML_SECRET)
        # Nor anything Herald wrote to disk but the database (which keeps the
        # plugin's own vars): the outbox and state files.
        for root, _, files in os.walk(self.sb.state):
            for f in files:
                if f.startswith("herald.db"):
                    continue
                with open(os.path.join(root, f), "rb") as fh:
                    data = fh.read()
                for s in (SECRET, ENV_SECRET, YAML_SECRET):
                    self.assertNotIn(s.encode(), data, os.path.join(root, f))


class Blame(unittest.TestCase):
    def setUp(self):
        self.sb = Sandbox(HERALD, PLUGIN_DIR, batch_size=10)
        with open(self.sb.config) as f:
            config = f.read()
        with open(self.sb.config, "w") as f:
            f.write(config.replace(f"plugin_dirs: [{PLUGIN_DIR}]",
                                   f"plugin_dirs: [{PLUGIN_DIR}, {LEAKY_DIR}]"))

    def tearDown(self):
        self.sb.cleanup()

    def test_an_undeclared_branch_is_the_plugins_bug(self):
        self.sb.import_contacts(CONTACTS[:2])
        wf = self.sb.write("branchy.yaml", """\
name: branchy
trigger: {type: manual}
steps:
  - id: pick
    uses: leaky.branchy
    branches: {yes: a, no: b}
  - id: a
    uses: exit
  - id: b
    uses: exit
""")
        r = self.sb.herald("validate", wf)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = self.sb.herald("run", wf)
        bug = ("plugin 'leaky' (step type 'leaky.branchy') returned the branch 'maybe', which it "
               "never declared (it declares 'yes' and 'no'); a bug in the plugin, not in the "
               "workflow")
        self.assertIn(bug + " (and 1 more contacts of this batch) (plugin bug); those contacts "
                      "fail", r.stderr)
        shown = self.sb.herald("runs", "show", "1", "--json")
        self.assertIn(bug, shown.stdout)
        self.assertNotIn("which the workflow does not map", shown.stdout + r.stdout + r.stderr)

    def test_a_malformed_pointer_is_the_plugins_bug(self):
        wf = self.sb.write("badptr.yaml", """\
name: badptr
trigger: {type: manual}
steps:
  - id: mail
    uses: leaky.badptr
    with:
      subject: "A very long subject"
""")
        r = self.sb.herald("validate", wf)
        self.assertEqual(r.returncode, 1)
        self.assertIn(
            f"{wf}:6:5: error: step 'mail' (leaky.badptr): the subject is too long for this "
            "provider (plugin 'leaky' (step type 'leaky.badptr') reported this at 'subject', "
            "which is not a JSON pointer (RFC 6901: \"\" or \"/field/0\"); a bug in the plugin, "
            "not in the workflow)", r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
