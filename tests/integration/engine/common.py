"""Shared set-up for the engine's CLI tests: a temp state dir with its own
config, contacts imported through `herald contacts import`."""
import csv
import email
import email.utils
import os
import sqlite3
import subprocess
import tempfile

CONFIG = """\
state_dir: {state}
plugin_dirs: [{plugins}]
engine:
  batch_size: {batch}
# The tests run on the real clock: SMS may go out at any hour of it
# (sends_cli_test.py checks quiet hours with --now).
delivery:
  quiet_hours: {{sms: "off"}}
# Last: tests add plugin settings at the end.
plugins:
  outbox:
    dir: {state}/outbox
    fsync: false
"""


class Sandbox:
    def __init__(self, herald, plugin_dir, batch_size=500):
        self.herald_bin = herald
        self.tmp = tempfile.TemporaryDirectory(prefix="herald-engine-")
        self.dir = self.tmp.name
        self.state = os.path.join(self.dir, "var")
        self.db = os.path.join(self.state, "herald.db")
        self.outbox = os.path.join(self.state, "outbox")
        self.config = os.path.join(self.dir, "herald.yaml")
        with open(self.config, "w") as f:
            f.write(CONFIG.format(state=self.state, plugins=plugin_dir, batch=batch_size))

    def configure(self, delivery):
        """Replaces the config's `delivery:` section with `delivery` (its text)."""
        with open(self.config) as f:
            text = f.read()
        start = text.index("delivery:")
        end = text.index("# Last:")
        with open(self.config, "w") as f:
            f.write(text[:start] + delivery + text[end:])

    def cleanup(self):
        self.tmp.cleanup()

    def args(self, *args, now=None):
        cmd = [self.herald_bin, "--config", self.config, "--db", self.db]
        if now:
            cmd += ["--now", now]
        return cmd + list(args)

    def herald(self, *args, now=None, timeout=120):
        return subprocess.run(self.args(*args, now=now), capture_output=True, text=True,
                              cwd=self.dir, timeout=timeout)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def import_contacts(self, rows):
        """rows: dicts with external_id, email, phone, first_name, timezone, plan,
        consent_email, consent_sms. Consent defaults to yes on both channels
        (delivery requires it); give "" for no answer or "no"."""
        path = os.path.join(self.dir, "contacts.csv")
        fields = ["external_id", "email", "phone", "first_name", "timezone", "plan",
                  "consent_email", "consent_sms"]
        defaults = {"consent_email": "yes", "consent_sms": "yes"}
        with open(path, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=fields)
            w.writeheader()
            for r in rows:
                w.writerow({k: r.get(k, defaults.get(k, "")) for k in fields})
        r = self.herald("contacts", "import", path, timeout=600)
        if r.returncode != 0:
            raise RuntimeError("import failed: " + r.stdout + r.stderr)
        return path

    def outbox_files(self):
        new = os.path.join(self.outbox, "new")
        return sorted(os.listdir(new)) if os.path.isdir(new) else []

    def sms_lines(self):
        path = os.path.join(self.outbox, "sms.jsonl")
        if not os.path.exists(path):
            return []
        with open(path) as f:
            return [l for l in f.read().splitlines() if l.strip()]


def outbox_messages(outbox):
    """(recipient address, subject) of every email in an outbox folder."""
    out = []
    new = os.path.join(outbox, "new")
    for name in sorted(os.listdir(new)) if os.path.isdir(new) else []:
        with open(os.path.join(new, name), "rb") as f:
            m = email.message_from_binary_file(f)
        out.append((email.utils.parseaddr(m["To"])[1], m["Subject"].strip()))
    return out


def passes(db_path):
    """Passes through steps committed so far (0 before the tables exist):
    lets a test act at a moment of progress rather than of time."""
    try:
        db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1)
        try:
            return db.execute("SELECT coalesce(sum(count), 0) FROM step_counts").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return 0
