#!/usr/bin/env python3
"""`herald segment preview|export|explain|rfm` through the real binary: four
contacts and five events imported with `herald contacts/events import`, the
answers computed by hand, and the message of every user error."""
import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import unittest

HERALD = sys.argv.pop(1)
NOW = "2025-06-01T12:00:00Z"
EVIL = "'; DROP TABLE contacts; --"

CONTACTS = f"""\
external_id,email,first_name,last_name,timezone,country,birth_date:date,interests:tags,tags
C1,ann@example.com,Ann,Lee,Europe/Paris,FR,1990-03-01,travel|books,vip
C2,bob@example.com,Bob,Stone,America/New_York,US,1960-07-15,golf,
C3,cho@example.com,민준,조,Asia/Seoul,KR,2001-12-31,travel,vip|beta
C4,dee@example.com,Dee,"{EVIL}",UTC,GB,,,
"""

# C1 spent 150 (120 in the last 30 days), C2 500 a year ago, C3 15 at
# 23:30 UTC on May 31 (already June 1 in Paris) and opened an email.
EVENTS = """\
event_id,external_id,type,at,amount
E1,C1,purchase,2025-05-20T10:00:00Z,120
E2,C1,purchase,2025-01-10T10:00:00Z,30
E3,C2,purchase,2024-06-01T10:00:00Z,500
E4,C3,purchase,2025-05-31T23:30:00Z,15
E5,C3,open,2025-05-30T08:00:00Z,
"""

SEGMENT = """\
name: june-buyers
description: bought on or after June 1st, Paris time
timezone: Europe/Paris
rule:
  event: purchase
  after: 2025-06-01
"""

RFM_NAMES = ["champions", "loyal", "potential_loyalists", "new", "promising", "need_attention",
             "about_to_sleep", "at_risk", "cannot_lose", "hibernating", "lost"]


class SegmentCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="herald-segment-")
        cls.dir = cls.tmp.name
        cls.db = os.path.join(cls.dir, "herald.db")
        for name, text in (("contacts.csv", CONTACTS), ("events.csv", EVENTS)):
            with open(os.path.join(cls.dir, name), "w") as f:
                f.write(text)
        for what in ("contacts", "events"):
            r = cls.run_herald(what, "import", os.path.join(cls.dir, what + ".csv"))
            assert r.returncode == 0, r.stdout + r.stderr
        os.makedirs(os.path.join(cls.dir, "workflows", "segments"))
        cls.write("workflows/segments/june-buyers.yaml", SEGMENT)
        cls.write("rule.yaml", "all:\n  - tags: {has: vip}\n  - attribute: country\n    in: [FR, KR]\n")
        cls.write("bad.yaml", "all:\n  - tags: {has: vip}\n  - event: purchase\n    within: 90x\n")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def write(cls, name, text):
        path = os.path.join(cls.dir, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    @classmethod
    def run_herald(cls, *args, cwd=None):
        return subprocess.run([HERALD, "--db", cls.db, "--now", NOW, *args], capture_output=True,
                              text=True, cwd=cwd or cls.dir, timeout=60)

    def ok(self, *args, cwd=None):
        r = self.run_herald(*args, cwd=cwd)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return r.stdout

    def preview_ids(self, *args, cwd=None):
        out = json.loads(self.ok("segment", "preview", *args, "--json", cwd=cwd))
        ids = [c["external_id"] for c in out["sample"]]
        self.assertEqual(out["count"], len(ids))
        return ids

    def error(self, code, *args):
        r = self.run_herald(*args)
        self.assertEqual(r.returncode, code, r.stdout + r.stderr)
        self.assertEqual(r.stdout, "")
        return r.stderr

    # ---- preview ----

    def test_preview_prints_the_count_and_a_sample_table(self):
        out = self.ok("segment", "preview", "{tags: {has: vip}}")
        lines = out.splitlines()
        self.assertRegex(lines[0], r"^segment <rule>: 2 matching contacts \(\d+\.\d\d s\)$")
        header = lines[2].split()
        self.assertEqual(header[:4], ["id", "email", "name", "tags"])
        self.assertIn("ann@example.com", lines[3])
        self.assertIn("Ann Lee", lines[3])
        self.assertIn("vip", lines[3])
        self.assertIn("cho@example.com", lines[4])
        self.assertIn("민준 조", lines[4])
        self.assertEqual(len(lines), 5)  # everyone shown: no "first N of" line

    def test_preview_sample_limits_the_rows_and_says_so(self):
        out = self.ok("segment", "preview", "{tags: {has: vip}}", "--sample", "1")
        self.assertIn("ann@example.com", out)
        self.assertNotIn("cho@example.com", out)
        self.assertIn("the first 1 of 2, by id (--sample N for more)", out)
        out = self.ok("segment", "preview", "{tags: {has: vip}}", "--sample", "0")
        self.assertEqual(out.splitlines()[0].split(":")[1].strip()[:19], "2 matching contacts")
        self.assertNotIn("ann@example.com", out)

    def test_preview_shows_the_attributes_the_rule_names(self):
        out = self.ok("segment", "preview", "{attribute: country, in: [FR, US]}")
        self.assertIn("country", out.splitlines()[2].split())
        self.assertRegex(out, r"bob@example.com .* US")

    def test_preview_json(self):
        out = json.loads(self.ok("segment", "preview", "{age: {at_least: 30}}", "--json"))
        self.assertEqual(out["count"], 2)  # Ann (35) and Bob (64); Min is 23, Dee has no birth date
        self.assertEqual([c["email"] for c in out["sample"]], ["ann@example.com", "bob@example.com"])
        self.assertEqual(out["sample"][0]["attributes"]["interests"], ["travel", "books"])
        self.assertEqual(out["now"], NOW)
        self.assertEqual(out["timezone"], "UTC")

    def test_behaviour_demography_and_interests_together(self):
        rule = ("{all: [{attribute: interests, has: travel}, "
                "{event: purchase, within: 30d, sum: {property: amount, greater_than: 100}}]}")
        self.assertEqual(self.preview_ids(rule), ["C1"])
        self.assertEqual(self.preview_ids("{event: open, within: 60d, count: {equals: 0}}"),
                         ["C1", "C2", "C4"])
        self.assertEqual(self.preview_ids("{not: {event: purchase}}"), ["C4"])

    def test_a_rule_split_by_the_shell_is_joined_again(self):
        self.assertEqual(self.preview_ids("tags:", "{has:", "vip}"), ["C1", "C3"])

    def test_rule_from_a_file(self):
        self.assertEqual(self.preview_ids(os.path.join(self.dir, "rule.yaml")), ["C1", "C3"])

    def test_named_segment_from_the_default_folder_uses_its_time_zone(self):
        # E4 is at 23:30 UTC on May 31: June 1st in Paris, the segment's zone.
        self.assertEqual(self.preview_ids("june-buyers"), ["C3"])
        out = self.ok("segment", "preview", "june-buyers")
        self.assertTrue(out.startswith("segment june-buyers: 1 matching contact ("), out)

    def test_named_segment_from_another_folder(self):
        other = tempfile.mkdtemp(dir=self.dir)
        self.assertEqual(self.preview_ids("june-buyers", "--segments",
                                          os.path.join(self.dir, "workflows", "segments"),
                                          cwd=other), ["C3"])

    def test_timezone_flag_moves_date_boundaries(self):
        rule = "{event: purchase, after: 2025-06-01}"
        self.assertEqual(self.preview_ids(rule), [])
        self.assertEqual(self.preview_ids(rule, "--timezone", "Europe/Paris"), ["C3"])
        # The flag wins over the named segment's own zone.
        self.assertEqual(self.preview_ids("june-buyers", "--timezone", "UTC"), [])

    def test_a_value_that_looks_like_sql_is_matched_literally(self):
        rule = json.dumps({"field": "last_name", "equals": EVIL})
        self.assertEqual(self.preview_ids(rule), ["C4"])
        self.assertEqual(self.preview_ids(json.dumps({"field": "last_name", "contains": "DROP"})),
                         ["C4"])
        with sqlite3.connect(self.db) as db:
            self.assertEqual(db.execute("SELECT count(*) FROM contacts").fetchone()[0], 4)
        plan = json.loads(self.ok("segment", "explain", rule, "--json"))
        self.assertNotIn("DROP", plan["sql"])
        self.assertIn(EVIL, plan["params"])

    # ---- explain ----

    def test_explain_prints_sql_parameters_and_plan(self):
        out = self.ok("segment", "explain", "{all: [{tags: {has: vip}}, {event: purchase, within: 30d}]}")
        self.assertTrue(out.startswith("segment: <rule> (time zone UTC, now 2025-06-01T12:00:00Z)"),
                        out)
        for section in ("\nSQL:\n  SELECT", "\nparameters:\n", "\nquery plan:\n"):
            self.assertIn(section, out)
        self.assertIn('= "vip"', out)
        self.assertIn('= "purchase"', out)
        self.assertRegex(out, r"\?\d+ = 1746187200000")  # now - 30 days, in ms
        self.assertRegex(out, r"(SEARCH|SCAN) ")
        self.assertNotIn("'vip'", out.split("parameters:")[0])

    def test_explain_json(self):
        out = json.loads(self.ok("segment", "explain", "{attribute: country, equals: FR}", "--json"))
        self.assertEqual(out["segment"], "<rule>")
        self.assertIn("SELECT", out["sql"])
        self.assertIn("FR", out["params"])
        self.assertTrue(out["plan"])

    # ---- rfm ----

    def test_rfm_counts_every_buyer_once(self):
        out = json.loads(self.ok("segment", "rfm", "--json"))
        self.assertEqual(out["contacts"], 3)
        self.assertEqual(out["as_of"], NOW)
        self.assertEqual([s["segment"] for s in out["segments"]], RFM_NAMES)
        self.assertEqual(sum(s["contacts"] for s in out["segments"]), 3)
        for s in out["segments"]:
            if s["contacts"]:
                self.assertTrue(1 <= s["recency"] <= 5 and 1 <= s["monetary"] <= 5, s)

    def test_rfm_as_of_a_date_leaves_later_purchases_out(self):
        out = json.loads(self.ok("segment", "rfm", "--as-of", "2025-01-01", "--json"))
        self.assertEqual(out["contacts"], 1)  # only Bob had bought by then
        self.assertEqual(out["as_of"], "2025-01-01T00:00:00Z")
        bob = [s for s in out["segments"] if s["contacts"]]
        self.assertEqual(len(bob), 1)
        self.assertEqual(bob[0]["amount"], 500)
        out = json.loads(self.ok("segment", "rfm", "--as-of", "2025-01-01", "--timezone",
                                 "Asia/Seoul", "--json"))
        self.assertEqual(out["as_of"], "2024-12-31T15:00:00Z")

    def test_rfm_table(self):
        out = self.ok("segment", "rfm")
        self.assertIn("RFM as of 2025-06-01T12:00:00Z over 'purchase' events (amount: 'amount'): "
                      "3 contacts with at least one", out)
        for name in RFM_NAMES:
            self.assertRegex(out, rf"\n{name} +\d")

    def test_rfm_window_scores_only_who_bought_in_it(self):
        # From 2024-06-01T12:00Z: Bob's purchase (10:00 that day) is outside.
        out = json.loads(self.ok("segment", "rfm", "--window", "365d", "--json"))
        self.assertEqual(out["contacts"], 2)
        self.assertEqual(out["window_from"], "2024-06-01T12:00:00Z")
        amounts = sorted(s["amount"] for s in out["segments"] if s["contacts"])
        self.assertEqual(sum(amounts), 150 + 15)
        self.assertIn("RFM as of 2025-06-01T12:00:00Z since 2024-06-01T12:00:00Z",
                      self.ok("segment", "rfm", "--window", "12mo"))
        self.assertIsNone(json.loads(self.ok("segment", "rfm", "--json"))["window_from"])

    def test_bad_window_is_a_usage_error(self):
        err = self.error(2, "segment", "rfm", "--window", "1 year")
        self.assertIn("'1 year' is not a length of time such as 365d, 12mo or 1y", err)

    # ---- export ----

    def test_export_csv_to_a_file(self):
        path = os.path.join(self.dir, "vips.csv")
        r = self.run_herald("segment", "export", "{tags: {has: vip}}", "--output", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "")
        self.assertIn(f"exported 2 contacts as csv to {path}", r.stderr)
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual([row["external_id"] for row in rows], ["C1", "C3"])
        self.assertEqual(rows[1]["first_name"], "민준")
        self.assertEqual(rows[1]["tags"], "beta|vip")
        self.assertEqual(json.loads(rows[0]["attributes"])["country"], "FR")
        self.assertEqual(list(rows[0].keys()),
                         ["id", "external_id", "email", "phone", "first_name", "last_name",
                          "locale", "timezone", "tags", "attributes"])

    def test_export_quotes_what_csv_needs(self):
        out = self.ok("segment", "export", "{field: external_id, equals: C4}")
        rows = list(csv.DictReader(io.StringIO(out)))
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows[0]["last_name"], EVIL)

    def test_export_jsonl_to_standard_output(self):
        out = self.ok("segment", "export", "{field: email, exists: true}", "--format", "jsonl")
        lines = [json.loads(line) for line in out.splitlines()]
        self.assertEqual([c["external_id"] for c in lines], ["C1", "C2", "C3", "C4"])
        self.assertEqual([c["id"] for c in lines], sorted(c["id"] for c in lines))
        self.assertEqual(lines[0]["tags"], ["vip"])
        self.assertIsNone(lines[3]["phone"])
        # The format follows the file name.
        path = os.path.join(self.dir, "all.jsonl")
        self.ok("segment", "export", "june-buyers", "-o", path)
        with open(path) as f:
            self.assertEqual([json.loads(line)["external_id"] for line in f], ["C3"])

    def test_export_errors(self):
        err = self.error(1, "segment", "export", "{attribute: country, equal: FR}")
        self.assertIn("<rule>:1:22: error: unknown key 'equal'", err)
        err = self.error(1, "segment", "export", "{tags: {has: vip}}", "-o",
                         "/nonexistent/dir/out.csv")
        self.assertIn("/nonexistent/dir/out.csv: cannot write the export there", err)
        err = self.error(2, "segment", "export", "{tags: {has: vip}}", "--format", "xlsx")
        self.assertIn("xlsx", err)

    def test_birthday_today_in_the_contacts_time_zone(self):
        # 2025-03-01T12:00Z is March 1st in Paris: Ann (born 1990-03-01).
        out = json.loads(subprocess.run(
            [HERALD, "--db", self.db, "--now", "2025-03-01T12:00:00Z", "segment", "preview",
             "birthday: today", "--json"], capture_output=True, text=True, timeout=60).stdout)
        self.assertEqual([c["external_id"] for c in out["sample"]], ["C1"])

    def test_rfm_of_an_event_type_nobody_has(self):
        out = self.ok("segment", "rfm", "--event", "refund")
        self.assertIn("over 'refund' events", out)
        self.assertIn("0 contacts with at least one", out)

    # ---- user errors ----

    def test_inline_rule_error_is_reported_at_rule_line_col(self):
        err = self.error(1, "segment", "preview", "{attribute: country, equal: FR}")
        self.assertIn("<rule>:1:22: error: unknown key 'equal'", err)
        self.assertIn("did you mean 'equals'?", err)

    def test_file_rule_error_is_reported_at_file_line_col(self):
        path = os.path.join(self.dir, "bad.yaml")
        err = self.error(1, "segment", "explain", path)
        self.assertIn(path + ":4:13: error: '90x' is not a length of time", err)

    def test_unknown_segment_name(self):
        err = self.error(1, "segment", "preview", "june-buyer")
        self.assertIn("june-buyer", err)
        self.assertIn("error:", err)

    def test_bad_timezone_is_a_usage_error(self):
        err = self.error(2, "segment", "preview", "{tags: {has: vip}}", "--timezone", "Europe/Pariss")
        self.assertIn("'Europe/Pariss' is not a known time zone (did you mean 'Europe/Paris'?)", err)

    def test_bad_as_of_is_a_usage_error(self):
        err = self.error(2, "segment", "rfm", "--as-of", "yesterday")
        self.assertIn("'yesterday' is not a date or time such as 2025-06-01", err)

    def test_missing_segments_folder_is_a_usage_error(self):
        err = self.error(2, "segment", "preview", "x", "--segments", "/nonexistent/segments")
        self.assertIn("there is no folder '/nonexistent/segments'", err)

    def test_missing_rule_and_subcommand(self):
        self.assertIn("RULE", self.error(2, "segment", "preview"))
        self.assertIn("herald: error:", self.error(2, "segment"))

    def test_help(self):
        for sub in ("preview", "export", "explain", "rfm"):
            out = self.ok("segment", sub, "--help")
            self.assertIn(sub, out)


if __name__ == "__main__":
    unittest.main()
