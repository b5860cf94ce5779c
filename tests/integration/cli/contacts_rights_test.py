#!/usr/bin/env python3
"""The contact's rights through the real `herald` binary and a real SQLite
file: contacts show / export / erase / suppress, consent wording carried by
an import, the suppression list keeping an erased person from coming back,
and every user mistake with its message."""
import json
import os
import pty
import sqlite3
import subprocess
import sys
import tempfile
import unittest

HERALD = sys.argv.pop(1)
NOW = "2026-03-01T12:00:00Z"

CONTACTS = """\
external_id,email,phone,first_name,last_name,plan,tags,consent_email,consent_email_source,consent_email_at,consent_email_wording,consent_sms
C1,Ann@Example.com,+1 415 555 0100,Ann,Lee,pro,vip|beta,yes,signup-form,2025-01-02T03:04:05Z,Send me the weekly news,no
C2,bob@example.com,,Bob,Roe,free,,yes,checkout,2025-02-01,,
"""

EVENTS = """\
event_id,external_id,type,at,amount:number,currency,note
o1,C1,purchase,2025-03-01T10:00:00Z,42.5,EUR,leave at the door of 1 Main St
o2,C1,open,2025-03-02T10:00:00Z,,,
o3,C2,purchase,2025-03-03T10:00:00Z,10,EUR,
"""


class ContactRights(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory(prefix="herald-rights-")
        self.dir = self.tmp.name
        self.db = os.path.join(self.dir, "herald.db")
        self.contacts = self.write("contacts.csv", CONTACTS)
        r = self.herald("contacts", "import", self.contacts)
        self.assertEqual(r.returncode, 0, r.stderr)
        r = self.herald("events", "import", self.write("events.csv", EVENTS))
        self.assertEqual(r.returncode, 0, r.stderr)

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def herald(self, *args, stdin=subprocess.DEVNULL):
        return subprocess.run([HERALD, "--db", self.db, "--now", NOW, *args], capture_output=True,
                              text=True, cwd=self.dir, timeout=60, stdin=stdin)

    def sql(self, query):
        db = sqlite3.connect(self.db)
        try:
            return db.execute(query).fetchall()
        finally:
            db.close()

    def export(self, contact_id):
        r = self.herald("contacts", "export", contact_id)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    # ---- show ----

    def test_show_by_id_external_id_and_email(self):
        for ident in ("1", "ext:C1", "ann@example.com", " ANN@example.COM"):
            with self.subTest(ident=ident):
                r = self.herald("contacts", "show", ident)
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("contact 1 (external id C1)", r.stdout)
        r = self.herald("contacts", "show", "1")
        out = r.stdout
        self.assertIn("  email        ann@example.com", out)
        self.assertIn("  phone        +14155550100", out)
        self.assertIn("  suppressed   no", out)
        self.assertIn('  plan: "pro"', out)
        self.assertIn("tags: beta, vip", out)
        self.assertIn('  email    yes  since 2025-01-02T03:04:05Z  source: signup-form  '
                      'wording: "Send me the weekly news"', out)
        self.assertIn("  sms      no   since 2026-03-01T12:00:00Z  source: import:contacts.csv  "
                      "(wording not recorded)", out)
        self.assertIn("events: 2 (1 open, 1 purchase), first 2025-03-01T10:00:00Z, "
                      "last 2025-03-02T10:00:00Z", out)
        self.assertIn("messages: 0", out)

    def test_unknown_and_malformed_ids(self):
        cases = [
            ("999", 1, "herald: error: no contact with id 999 (or it was erased)"),
            ("ext:NOPE", 1, "herald: error: no contact with external id 'NOPE' (or it was erased)"),
            ("zed@example.com", 1,
             "herald: error: no contact with email 'zed@example.com' (or it was erased)"),
            ("ann@", 2, "herald: error: 'ann@' is not a valid email address; name the contact "
                        "by its numeric id (42), ext:EXTERNAL_ID or its email address"),
            ("Ann", 2, "herald: error: 'Ann' does not name a contact: write its numeric id (42), "
                       "ext:EXTERNAL_ID or its email address"),
        ]
        for verb in ("show", "export", "erase"):
            for ident, code, message in cases:
                with self.subTest(verb=verb, ident=ident):
                    r = self.herald("contacts", verb, ident, "--yes") if verb == "erase" \
                        else self.herald("contacts", verb, ident)
                    self.assertEqual(r.returncode, code, r.stderr)
                    self.assertEqual(r.stderr.strip(), message)
                    self.assertEqual(r.stdout, "")

    # ---- export ----

    def test_export_holds_everything_with_consent_provenance_and_wording(self):
        x = self.export("ext:C1")
        self.assertEqual(x["format"], "herald-contact-export/1")
        self.assertEqual(x["contact"]["email"], "ann@example.com")
        self.assertEqual(x["contact"]["last_name"], "Lee")
        self.assertEqual(x["attributes"], {"plan": "pro"})
        self.assertEqual(x["tags"], ["beta", "vip"])
        self.assertEqual(x["consents"], [
            {"channel": "email", "granted": True, "source": "signup-form",
             "at": "2025-01-02T03:04:05Z", "wording": "Send me the weekly news", "current": True},
            {"channel": "sms", "granted": False, "source": "import:contacts.csv",
             "at": "2026-03-01T12:00:00Z", "wording": "", "current": True},
        ])
        self.assertEqual([e["type"] for e in x["events"]], ["purchase", "open"])
        self.assertEqual(x["events"][0]["properties"],
                         {"amount": 42.5, "currency": "EUR",
                          "note": "leave at the door of 1 Main St"})
        self.assertEqual(x["journeys"], [])
        self.assertEqual(x["messages"], [])

    def test_export_to_a_file(self):
        out = os.path.join(self.dir, "ann.json")
        r = self.herald("contacts", "export", "1", "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout,
                         f"wrote contact 1 to {out} (2 events, 0 journeys, 0 messages)\n")
        with open(out) as f:
            self.assertEqual(json.load(f)["contact"]["external_id"], "C1")
        r = self.herald("contacts", "export", "1", "--out", "/nonexistent/dir/ann.json")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr.strip(),
                         "herald: error: /nonexistent/dir/ann.json: cannot write the export there")

    # ---- erase ----

    def test_erase_without_yes_on_a_pipe_refuses(self):
        r = self.herald("contacts", "erase", "1")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(r.stderr.strip(),
                         "herald: error: erasing contact 1 cannot be undone: run again with --yes "
                         "to confirm (standard input is not a terminal to ask on)")
        self.assertEqual(self.sql("SELECT email FROM contacts WHERE id = 1"),
                         [("ann@example.com",)])

    def test_erase_asks_on_a_terminal(self):
        for answer, code in ((b"no\n", 1), (b"erase\n", 0)):
            with self.subTest(answer=answer):
                master, slave = pty.openpty()
                p = subprocess.Popen([HERALD, "--db", self.db, "--now", NOW, "contacts", "erase",
                                      "2"], stdin=slave, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, cwd=self.dir)
                os.close(slave)
                os.write(master, answer)
                out, err = p.communicate(timeout=60)
                os.close(master)
                self.assertEqual(p.returncode, code, err)
                self.assertIn(b"Erase contact 2 (bob@example.com)? Their personal data is "
                              b"removed for good. Type 'erase' to confirm: ", err)
                if code == 1:
                    self.assertIn(b"herald: error: not confirmed; nothing was erased", err)
                    self.assertEqual(self.sql("SELECT email FROM contacts WHERE id = 2"),
                                     [("bob@example.com",)])
                else:
                    self.assertIn(b"erased contact 2", out)

    def test_erase_removes_the_person_and_a_later_import_skips_them(self):
        r = self.herald("contacts", "erase", "ann@example.com", "--yes")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, (
            "erased contact 1: fields, attributes, tags and consents removed\n"
            "  2 events kept anonymised (type, time and amount, currency, product_id, items, "
            "quantity)\n"
            "  0 journeys removed\n"
            "  email and phone added to the suppression list as salted hashes\n"))
        self.assertEqual(self.sql(
            "SELECT external_id, email, phone, first_name, last_name, attributes, tags, "
            "erased_ms IS NOT NULL FROM contacts WHERE id = 1"),
            [(None, None, None, None, None, "{}", "[]", 1)])
        self.assertEqual(self.sql("SELECT properties FROM events WHERE contact_id = 1 "
                                  "ORDER BY at_ms"),
                         [('{"amount":42.5,"currency":"EUR"}',), ("{}",)])
        self.assertEqual(self.sql("SELECT count(*) FROM consents WHERE contact_id = 1"), [(0,)])
        self.assertEqual(self.sql("SELECT kind, reason FROM suppressions ORDER BY kind"),
                         [("email", "erased"), ("phone", "erased")])
        dump = "\n".join(str(row) for row in self.sql("SELECT * FROM suppressions"))
        self.assertNotIn("ann", dump.lower())

        r = self.herald("contacts", "show", "1")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr.strip(), "herald: error: no contact with id 1 (or it was erased)")

        # The same person again, spelt differently: skipped, reported, not an error.
        again = self.write("again.csv", "external_id,email,first_name\n"
                                        "C9,  ANN@example.com ,Ann\n"
                                        "C10,carol@example.com,Carol\n")
        r = self.herald("contacts", "import", again)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"^imported 1 contact \(1 new, 0 updated\) in [0-9.]+ s; 1 row "
                                   r"skipped: address on the suppression list \(erased or "
                                   r"suppressed\)\n$")
        self.assertEqual(self.sql("SELECT count(*) FROM contacts WHERE external_id = 'C9'"),
                         [(0,)])

    def test_erase_keeps_the_configured_event_properties(self):
        cfg = self.write("herald.yaml", "privacy:\n  keep_event_properties: [note]\n")
        r = subprocess.run([HERALD, "--config", cfg, "--db", self.db, "contacts", "erase", "1",
                            "--yes"], capture_output=True, text=True, cwd=self.dir, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("2 events kept anonymised (type, time and note)", r.stdout)
        self.assertEqual(self.sql("SELECT properties FROM events WHERE contact_id = 1 "
                                  "ORDER BY at_ms"),
                         [('{"note":"leave at the door of 1 Main St"}',), ("{}",)])

    # ---- suppress ----

    def test_suppress_marks_the_contact_and_imports_skip_the_address(self):
        r = self.herald("contacts", "suppress", "Bob@Example.com", "--reason", "complaint")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "suppressed email bob@example.com (reason: complaint): "
                                   "nothing will be delivered to it and imports skip it\n")
        r = self.herald("contacts", "show", "ext:C2")
        self.assertIn("  suppressed   since 2026-03-01T12:00:00Z: nothing is delivered to them",
                      r.stdout)
        r = self.herald("contacts", "suppress", "bob@example.com")
        self.assertEqual(r.stdout, "email bob@example.com was already on the suppression list "
                                   "(since 2026-03-01T12:00:00Z, reason: complaint)\n")

        r = self.herald("contacts", "suppress", "0044 20 7946 0958")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("suppressed phone +442079460958 (reason: manual)", r.stdout)
        phone = self.write("phone.csv", "external_id,email,phone\nC7,dan@example.com,+44 20 7946 0958\n")
        r = self.herald("contacts", "import", phone)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("imported 0 contacts (0 new, 0 updated)", r.stdout)
        self.assertIn("1 row skipped: address on the suppression list", r.stdout)

    def test_suppress_refuses_what_is_not_an_address(self):
        cases = [
            ("not-an-address", "herald: error: 'not-an-address' is neither an email address nor "
                               "a phone number in international form: write +<country code>"
                               "<number>, e.g. +33612345678 (8 to 15 digits)"),
            ("0612345678", "herald: error: '0612345678' is neither an email address nor a phone "
                           "number in international form: write +<country code><number>, e.g. "
                           "+33612345678 (8 to 15 digits)"),
            ("ann@@example.com", "herald: error: 'ann@@example.com' is not a valid email address"),
        ]
        for address, message in cases:
            with self.subTest(address=address):
                r = self.herald("contacts", "suppress", address)
                self.assertEqual(r.returncode, 2)
                self.assertEqual(r.stderr.strip(), message)
        self.assertEqual(self.sql("SELECT count(*) FROM suppressions"), [(0,)])

    def test_help_of_every_rights_command(self):
        for verb in ("show", "export", "erase", "suppress"):
            with self.subTest(verb=verb):
                r = self.herald("contacts", verb, "--help")
                self.assertEqual(r.returncode, 0, r.stderr)
                self.assertIn("Usage", r.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)
