"""`herald bounces fetch` through the real binary against a POP3 server on
loopback: a workflow sends three emails (outbox.email; the Message-ID carries
each ledger key), the mail servers' delivery status notifications arrive in
the bounce mailbox, and one fetch turns them into events and suppressions:
a hard bounce suppresses the address before the next delivery, a delay is
only an event, a report about someone else's mail and ordinary mail stay in
the mailbox. A second fetch changes nothing. Every user-caused error is
checked with its message, and the mailbox password appears nowhere.

Usage: bounces_fetch_test.py HERALD PLUGIN_DIR"""
import email
import email.policy
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import unittest

HERALD = sys.argv.pop(1)
PLUGIN_DIR = sys.argv.pop(1)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pop3_server import Pop3Server  # noqa: E402

PASSWORD = "b0unce-Mailbox-pw"

WORKFLOW = """\
name: autumn
trigger: manual
steps:
  - id: send
    uses: outbox.email
    with: {from: news@acme.example, subject: "Autumn", text: "Hello {{ contact.first_name }}."}
"""


def dsn(message_id, recipient, action, status, diagnostic):
    return f"""\
From: MAILER-DAEMON@mx.example.net (Mail Delivery System)
To: bounces@acme.example
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="R1"

--R1
Content-Type: text/plain

Your message could not be delivered.

--R1
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; {recipient}
Action: {action}
Status: {status}
Diagnostic-Code: smtp; {diagnostic}

--R1
Content-Type: text/rfc822-headers

From: news@acme.example
Message-ID: {message_id}
Subject: Autumn

--R1--
"""


class BouncesFetch(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="herald-bounces-")
        self.dir = self.tmp.name
        self.db = os.path.join(self.dir, "var", "herald.db")
        self.maildir = os.path.join(self.dir, "mailbox")
        os.makedirs(self.maildir)
        self.write("bounce-pass", PASSWORD + "\n")
        self.pop3 = Pop3Server(self.maildir, "bounces", PASSWORD)
        self.pop3.start()
        self.mailbox = f"pop3://127.0.0.1:{self.pop3.port}/"
        self.config(bounces={"mailbox": self.mailbox, "username": "bounces",
                             "password_file": "bounce-pass"})
        self.write("contacts.csv", "external_id,email,first_name,consent_email\n"
                   "ann,ann@example.com,Ann,yes\nbob,bob@example.com,Bob,yes\n"
                   "cid,cid@example.com,Cid,yes\n")
        self.ok("contacts", "import", os.path.join(self.dir, "contacts.csv"))
        self.ok("run", self.write("autumn.yaml", WORKFLOW))
        self.ids = {}
        new = os.path.join(self.dir, "outbox", "new")
        for name in os.listdir(new):
            with open(os.path.join(new, name), "rb") as f:
                msg = email.message_from_bytes(f.read(), policy=email.policy.default)
            self.ids[str(msg["To"]).split("<")[-1].rstrip(">")] = msg["Message-ID"]
        self.assertEqual(len(self.ids), 3, self.ids)

    def tearDown(self):
        self.pop3.stop()
        self.tmp.cleanup()

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def config(self, **extra):
        cfg = {"state_dir": os.path.join(self.dir, "var"), "plugin_dirs": [PLUGIN_DIR],
               "plugins": {"outbox": {"dir": os.path.join(self.dir, "outbox"), "fsync": False}}}
        cfg.update(extra)
        self.cfg = self.write("herald.yaml", json.dumps(cfg))

    def herald(self, *args):
        env = dict(os.environ, CREDENTIALS_DIRECTORY=self.dir)
        r = subprocess.run([HERALD, "--config", self.cfg, *args], capture_output=True,
                           text=True, cwd=self.dir, env=env, timeout=60)
        self.assertNotIn(PASSWORD, r.stdout + r.stderr)
        return r

    def ok(self, *args):
        r = self.herald(*args)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r

    def rows(self, sql):
        with sqlite3.connect(self.db) as db:
            return db.execute(sql).fetchall()

    def test_reports_become_events_and_suppressions_once(self):
        self.write("mailbox/1", dsn(self.ids["ann@example.com"], "ann@example.com", "failed",
                                    "5.1.1", "550 5.1.1 <ann@example.com>: User unknown"))
        self.write("mailbox/2", dsn(self.ids["bob@example.com"], "bob@example.com", "delayed",
                                    "4.4.7", "451 4.4.7 try again later"))
        self.write("mailbox/3", dsn("<abc@elsewhere.example>", "zed@example.com", "failed",
                                    "5.1.1", "550 no such user"))
        self.write("mailbox/4", "From: cid@example.com\nSubject: Re: Autumn\n\nThanks!\n")
        r = self.ok("bounces", "fetch")
        self.assertEqual(r.stdout, f"{self.mailbox}: 4 messages, 3 delivery reports: 1 hard "
                         "bounce (suppressed), 1 delay or soft failure, 1 about mail Herald did "
                         "not send; 2 messages left in the mailbox\n")
        self.assertEqual(sorted(os.listdir(self.maildir)), ["3", "4"])
        events = self.rows("SELECT c.external_id, e.type, e.properties FROM events e "
                           "JOIN contacts c ON c.id = e.contact_id ORDER BY c.external_id")
        self.assertEqual([(x, t) for x, t, _ in events], [("ann", "bounced"), ("bob", "deferred")])
        ann = json.loads(events[0][2])
        self.assertEqual(ann["status"], "5.1.1")
        self.assertEqual(ann["diagnostic"], "550 5.1.1 <[recipient]>: User unknown")
        self.assertIn("suppressed   since", self.ok("contacts", "show", "ext:ann").stdout)
        again = self.ok("contacts", "suppress", "ann@example.com")
        self.assertIn("already on the suppression list", again.stdout)
        self.assertIn("bounced: 5.1.1 550 5.1.1 <[recipient]>: User unknown", again.stdout)

        # The next delivery leaves Ann out; Bob (only delayed) still gets it.
        self.ok("run", self.write("winter.yaml", WORKFLOW.replace("autumn", "winter")))
        refused = self.rows("SELECT c.external_id, l.status FROM send_ledger l JOIN contacts c "
                            "ON c.id = l.contact_id WHERE l.workflow = 'winter' ORDER BY 1")
        self.assertEqual([x for x, s in refused if s == "sent"], ["bob", "cid"])

        # What stayed in the mailbox is read again, and changes nothing.
        r = self.ok("bounces", "fetch")
        self.assertIn(": 2 messages, 1 delivery report: 0 hard bounces (suppressed)", r.stdout)
        self.assertEqual(len(self.rows("SELECT * FROM events WHERE type IN "
                                       "('bounced', 'deferred')")), 2)

    def test_keep_leaves_the_reports(self):
        self.write("mailbox/1", dsn(self.ids["ann@example.com"], "ann@example.com", "failed",
                                    "5.1.1", "550 5.1.1 User unknown"))
        r = self.ok("bounces", "fetch", "--keep")
        self.assertIn("1 hard bounce (suppressed)", r.stdout)
        self.assertIn("1 message left in the mailbox", r.stdout)
        self.assertEqual(os.listdir(self.maildir), ["1"])
        self.ok("bounces", "fetch")  # read again: stored once
        self.assertEqual(len(self.rows("SELECT * FROM events WHERE type = 'bounced'")), 1)

    def test_mistakes_are_reported_with_what_to_do(self):
        self.write("bounce-pass", "wrong-password\n")
        self.config(bounces={"mailbox": self.mailbox, "username": "bounces",
                             "password_file": "bounce-pass"})
        r = self.herald("bounces", "fetch")
        self.assertEqual(r.returncode, 1)
        self.assertTrue(r.stderr.startswith(f"herald: error: bounce mailbox {self.mailbox}: "),
                        r.stderr)
        self.assertIn("Login denied", r.stderr)

        self.config()
        r = self.herald("bounces", "fetch")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr, "herald: error: no bounce mailbox configured: add "
                         "bounces.mailbox, bounces.username and bounces.password_file to the "
                         "config (docs/operations.md, \"Bounces by mail\")\n")

        self.cfg = self.write("herald.yaml", "bounces:\n  mailbox: imap://mail.example.com/\n"
                              "  username: b\n  password_file: missing-file\n")
        r = self.herald("bounces", "fetch")
        self.assertEqual(r.returncode, 1, r.stderr)  # a config with problems
        self.assertIn("herald.yaml:2:12: error: bounces.mailbox must be a pop3s:// (or pop3://) "
                      "URL, e.g. pop3s://mail.example.com/", r.stderr)
        self.assertIn("herald.yaml:4:18: error: cannot read the password file "
                      + os.path.join(self.dir, "missing-file"), r.stderr)

        self.cfg = self.write("herald.yaml", "bounces:\n  mailbox: pop3s://mail.example.com/\n")
        r = self.herald("bounces", "fetch")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("herald.yaml:2:3: error: bounces needs a username for the mailbox", r.stderr)


if __name__ == "__main__":
    unittest.main()
