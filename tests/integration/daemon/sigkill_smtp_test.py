"""Delivered once, never lost: `herald serve` sends 20,000 emails through the
smtp plugin to a real SMTP server on loopback (Postfix's smtp-sink, which
dumps every message it accepts to a file) and is killed with SIGKILL three
times on the way; a last start runs to the end. Then:
- every contact has exactly one ledger row for the step;
- every message the ledger says `sent` arrived exactly once (the Message-ID
  carries the ledger key), and no message arrived twice;
- nothing unsent was lost: every row is `sent` or `unknown`;
- `unknown` rows (a crash between handing a batch over and its commit) are at
  most one batch per kill, each listed by `herald sends list --state
  unknown`, and the step's `on_unknown: skip` sent none of them again.

Usage: sigkill_smtp_test.py HERALD PLUGIN_DIR [CONTACTS]"""
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

HERALD = sys.argv.pop(1)
PLUGIN_DIR = sys.argv.pop(1)
CONTACTS = int(sys.argv.pop(1)) if len(sys.argv) > 1 else 20000
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Daemon  # noqa: E402

BATCH = 50  # contacts handed to the plugin at once: what a kill can leave unknown
KILLS = 3

WORKFLOW = """\
name: autumn
trigger: {type: api}
settings: {batch_size: %d}
steps:
  - id: send
    uses: smtp.email
    on_unknown: skip
    with:
      from: '"Acme" <news@acme.example>'
      subject: "Autumn, {{ contact.first_name }}"
      text: "Hello {{ contact.first_name }}, the autumn collection is here."
      html: "<p>Hello {{ contact.first_name }}, the autumn collection is here.</p>"
""" % BATCH


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def key_of(encoded):
    """The ledger key in a Message-ID's local part (herald/message_id.hpp):
    '.' stands for '/', =XX for a byte."""
    return re.sub(r"=([0-9A-F]{2})", lambda m: chr(int(m.group(1), 16)),
                  encoded.replace(".", "/"))


class SmtpSinkDump:
    """smtp-sink on a free loopback port, dumping each accepted message."""

    def __init__(self, dump_dir):
        self.dir = dump_dir
        os.makedirs(dump_dir)
        os.chmod(dump_dir, 0o777)  # smtp-sink drops privileges to nobody as root
        self.port = free_port()
        args = ["/usr/sbin/smtp-sink", "-d", os.path.join(dump_dir, "m.")]
        if os.geteuid() == 0:
            args += ["-u", "nobody"]
        self.proc = subprocess.Popen(args + [f"127.0.0.1:{self.port}", "64"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 5
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("smtp-sink did not start")
                time.sleep(0.02)

    def count(self):
        return len(os.listdir(self.dir))

    def ledger_keys(self):
        """The ledger key of each message received, from its Message-ID."""
        keys = []
        for name in os.listdir(self.dir):
            with open(os.path.join(self.dir, name), "rb") as f:
                m = re.search(rb"^Message-ID: <herald\.([^@>]+)@", f.read(), re.M | re.I)
            keys.append(key_of(m.group(1).decode()) if m else None)
        return keys

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


class SigkillWhileSending(unittest.TestCase):
    def setUp(self):
        self.d = Daemon(HERALD, PLUGIN_DIR)
        # Outside the daemon's (private) directory: smtp-sink runs as nobody.
        self.sink_root = tempfile.mkdtemp(prefix="herald-sink-")
        os.chmod(self.sink_root, 0o755)
        self.sink = SmtpSinkDump(os.path.join(self.sink_root, "received"))
        key = os.path.join(self.d.dir, "link-key")
        with open(key, "w") as f:
            f.write(os.urandom(32).hex())
        with open(self.d.config) as f:
            text = f.read()
        text = text.replace("plugins:\n", "plugins:\n  smtp:\n    smtp: {host: 127.0.0.1, port: %d, "
                            "tls: none, sessions: 4}\n" % self.sink.port, 1)
        text += "links:\n  keys: [{id: k1, secret_file: %s}]\n" % key
        with open(self.d.config, "w") as f:
            f.write(text)
        self.d.write_workflow("autumn.yaml", WORKFLOW)
        self.d.import_contacts([{"external_id": f"c{i}", "email": f"c{i}@example.test",
                                 "first_name": f"N{i}"} for i in range(CONTACTS)])

    def tearDown(self):
        self.sink.stop()
        self.d.cleanup()
        shutil.rmtree(self.sink_root, ignore_errors=True)

    def rows(self, sql):
        with sqlite3.connect(self.d.db) as db:
            return db.execute(sql).fetchall()

    def test_killed_three_times_every_contact_once(self):
        self.d.start()
        status, body = self.d.http("POST", "/api/v1/runs",
                                   {"workflow": "autumn", "audience": "{field: email, exists: true}"})
        self.assertEqual(status, 201, body)
        # Kill at about 20%, 45% and 70% of the way.
        for k in range(KILLS):
            target = CONTACTS * (20 + 25 * k) // 100
            deadline = time.monotonic() + 120
            while self.sink.count() < target and time.monotonic() < deadline:
                time.sleep(0.01)
            self.assertGreaterEqual(self.sink.count(), target, self.d.log()[-3000:])
            self.d.proc.send_signal(signal.SIGKILL)
            self.d.proc.wait(timeout=10)
            self.d.stderr.close()
            self.d.start()
        # The last start runs to the end.
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            done = self.rows("SELECT COUNT(*) FROM runs WHERE status = 'done'")[0][0]
            if done:
                break
            time.sleep(0.2)
        self.assertTrue(done, self.d.log()[-3000:])
        self.assertEqual(self.d.stop(), 0)

        # One ledger row per contact, each sent or unknown.
        per_contact = self.rows("SELECT contact_id, COUNT(*) FROM send_ledger WHERE step_id = 'send' "
                                "GROUP BY contact_id")
        self.assertEqual(len(per_contact), CONTACTS)
        self.assertEqual(max(n for _, n in per_contact), 1)
        states = dict(self.rows("SELECT status, COUNT(*) FROM send_ledger GROUP BY status"))
        self.assertEqual(set(states) - {"sent", "unknown"}, set(), states)

        # Each message received once; each sent row's message received.
        received = self.sink.ledger_keys()
        self.assertNotIn(None, received)
        self.assertEqual(len(received), len(set(received)), "a message arrived twice")
        r = self.d.herald("sends", "list", "--state", "sent", "--limit", str(CONTACTS + 1),
                          "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        sent = {row["key"] for row in json.loads(r.stdout)}
        self.assertEqual(len(sent), states["sent"])
        self.assertEqual(sent - set(received), set(), "a sent message never arrived")

        # Unknown rows: at most a batch per kill, each listed, none sent again.
        r = self.d.herald("sends", "list", "--state", "unknown", "--limit", str(CONTACTS + 1),
                          "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        unknown = {row["key"] for row in json.loads(r.stdout)}
        self.assertEqual(len(unknown), states.get("unknown", 0))
        self.assertLessEqual(len(unknown), KILLS * BATCH)
        # Every message that arrived is in the ledger, sent or unknown.
        self.assertEqual(set(received) - sent - unknown, set())
        print(f"{CONTACTS} contacts, {KILLS} SIGKILLs: {states.get('sent', 0)} sent, "
              f"{len(unknown)} unknown ({len(set(received) & unknown)} of those had arrived)")


if __name__ == "__main__":
    unittest.main()
