#!/usr/bin/env python3
"""`herald feedback report` and `herald feedback export` through the real
binary and a real SQLite file: contacts and survey_response events imported
(JSON Lines and CSV), figures checked against values computed here by hand,
a replaced answer, segments, the CSV export's quoting and formula guard, and
every user mistake with its message."""
import csv
import http.client
import io
import json
import math
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

HERALD = sys.argv.pop(1)
NOW = "2026-12-01T12:00:00Z"
TOKEN = "feedback-admin-token-0123456789abcdef"
Z = 1.959963984540054

CONTACTS = """\
external_id,email,tags
C1,c1@example.com,vip
C2,c2@example.com,vip
C3,c3@example.com,
C4,c4@example.com,
C5,c5@example.com,
C6,c6@example.com,
"""


def answer(eid, contact, at, **props):
    base = {"survey": "post", "workflow": "wf", "revision": "r1", "step": "ask"}
    base.update(props)
    return json.dumps({"event_id": eid, "external_id": contact, "type": "survey_response",
                       "at": at, "properties": base})


# Variant A: 10, 9, 3. Variant B: 8, 2 -> replaced by 10 (same send), 0.
ANSWERS = "\n".join([
    answer("e1", "C1", "2026-10-30T10:00:00Z", score=10, scale="nps", variant="A", send="s1"),
    answer("e2", "C2", "2026-11-02T10:00:00Z", score=9, scale="nps", variant="A", send="s2"),
    answer("e3", "C3", "2026-11-03T10:00:00Z", score=3, scale="nps", variant="A", send="s3",
           comment="too slow, \"really\""),
    answer("e4", "C4", "2026-11-04T10:00:00Z", score=8, scale="nps", variant="B", send="s4"),
    answer("e5", "C5", "2026-11-05T10:00:00Z", score=2, scale="nps", variant="B", send="s5",
           comment="first thought"),
    answer("e6", "C5", "2026-11-06T10:00:00Z", score=10, scale="nps", variant="B", send="s5"),
    answer("e7", "C6", "2026-11-07T10:00:00Z", score=0, scale="nps", variant="B", send="s6",
           comment="=HYPERLINK(\"http://evil\")"),
    answer("e8", "C4", "2026-11-08T10:00:00Z", score=11, scale="nps", send="bad"),
]) + "\n"

# CSAT answers from a CSV export (untyped and typed score columns).
CSAT_CSV = """\
event_id,external_id,type,at,survey,scale,score,workflow,step,send
c1,C2,survey_response,2026-11-09T10:00:00Z,post,csat,4,wf,ask,x2
c2,C3,survey_response,2026-11-10T10:00:00Z,post,csat,2,wf,ask,x3
"""


def nps_interval(p, pa, d):
    n = p + pa + d
    score = 100 * (p - d) / n
    se = 100 * math.sqrt(((p + d) / n - ((p - d) / n) ** 2) / n)
    return score, se



def prepare(dirname, db_path, herald):
    """Contacts, the answers, segs/vips.yaml and 10 sent (2 failed) messages of wf/ask."""
    for name, text in (("contacts.csv", CONTACTS), ("answers.jsonl", ANSWERS),
                       ("csat.csv", CSAT_CSV)):
        with open(os.path.join(dirname, name), "w") as f:
            f.write(text)
    os.makedirs(os.path.join(dirname, "segs"))
    with open(os.path.join(dirname, "segs", "vips.yaml"), "w") as f:
        f.write("name: vips\nrule:\n  tags: {has: vip}\n")
    for args in (("contacts", "import", "contacts.csv"), ("events", "import", "answers.jsonl"),
                 ("events", "import", "csat.csv")):
        r = herald(*args)
        assert r.returncode == 0, r.stderr
    db = sqlite3.connect(db_path)
    for i in range(1, 13):
        db.execute("INSERT INTO send_ledger(workflow, revision, step_id, contact_id, occurrence,"
                   " channel, status, decision, run_id, created_ms, updated_ms) VALUES"
                   " ('wf', 'r1', 'ask', ?, 0, 'email', ?, 'allowed', 1, 0, 0)",
                   (i, "sent" if i <= 10 else "failed"))
    db.commit()
    db.close()


class FeedbackCli(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="herald-feedback-")
        cls.dir = cls.tmp.name
        cls.db = os.path.join(cls.dir, "herald.db")
        prepare(cls.dir, cls.db, lambda *a: cls.herald(*a))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    @classmethod
    def herald(cls, *args):
        return subprocess.run([HERALD, "--db", cls.db, "--now", NOW, *args], capture_output=True,
                              text=True, cwd=cls.dir, timeout=60, stdin=subprocess.DEVNULL)

    def report_json(self, *args):
        r = self.herald("feedback", "report", "--json", *args)
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def test_overall_figures(self):
        j = self.report_json("--survey", "post")
        self.assertEqual(j["responses"], 8)  # 6 NPS + 2 CSAT; e5 replaced, e8 invalid
        self.assertEqual(j["replaced"], 1)
        self.assertEqual(j["invalid"], 1)
        g = j["groups"][0]
        self.assertEqual((g["nps"]["promoters"], g["nps"]["passives"], g["nps"]["detractors"]),
                         (3, 1, 2))
        score, se = nps_interval(3, 1, 2)
        self.assertAlmostEqual(g["nps"]["score"], score, places=9)
        self.assertAlmostEqual(g["nps"]["low"], score - Z * se, places=6)
        self.assertAlmostEqual(g["nps"]["high"], score + Z * se, places=6)
        self.assertEqual(g["csat"]["n"], 2)
        self.assertAlmostEqual(g["csat"]["percent"], 50.0)
        self.assertEqual(g["sent"], 10)
        self.assertAlmostEqual(g["response_rate"], 0.8)
        comments = j["detractor_comments"]
        self.assertEqual([c["contact"] for c in comments], ["C6", "C3"])
        self.assertNotIn("first thought", [c["comment"] for c in comments])

    def test_by_variant_with_the_difference(self):
        j = self.report_json("--survey", "post", "--by", "variant", "--until", "2026-11-08")
        self.assertEqual([g["group"] for g in j["groups"]], ["A", "B"])
        a, b = j["groups"]
        sa, sea = nps_interval(2, 0, 1)
        sb, seb = nps_interval(1, 1, 1)
        self.assertAlmostEqual(a["nps"]["score"], sa, places=9)
        self.assertAlmostEqual(a["nps"]["high"], 100.0)  # clipped
        self.assertAlmostEqual(b["nps"]["score"], sb, places=9)
        self.assertAlmostEqual(b["nps"]["low"], sb - Z * seb, places=6)
        d = b["nps_difference"]
        se = math.sqrt(sea ** 2 + seb ** 2)
        self.assertAlmostEqual(d["score"], sb - sa, places=9)
        self.assertAlmostEqual(d["low"], sb - sa - Z * se, places=6)
        self.assertAlmostEqual(d["high"], sb - sa + Z * se, places=6)
        self.assertIsNone(a["nps_difference"])
        self.assertIsNone(a["response_rate"])

        r = self.herald("feedback", "report", "--survey", "post", "--by", "variant", "--until",
                        "2026-11-08")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("6 answers counted (1 replaced", r.stdout)
        self.assertRegex(r.stdout, r"\nA +3 +2 +0 +1 +33\.3 ")
        self.assertRegex(r.stdout, r"\nB +3 +1 +1 +1 +0\.0 .* -33\.3 ")
        self.assertIn("ΔNPS: the group's NPS minus A's", r.stdout)
        self.assertIn("C6  score 0 (variant B): =HYPERLINK", r.stdout)

    def test_by_segment_and_month(self):
        j = self.report_json("--survey", "post", "--by", "segment", "--segment", "vips",
                             "--segments-dir", "segs")
        self.assertEqual([(g["group"], g["n"]) for g in j["groups"]], [("vips", 3)])
        self.assertEqual(j["groups"][0]["nps"]["promoters"], 2)
        j = self.report_json("--by", "month")
        self.assertEqual([(g["group"], g["n"]) for g in j["groups"]],
                         [("2026-10", 1), ("2026-11", 7)])

    def test_unknown_survey_is_an_empty_report(self):
        r = self.herald("feedback", "report", "--survey", "nope")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("no answers to survey 'nope' match", r.stdout)

    def test_user_mistakes(self):
        cases = [
            (("--by", "colour"),
             "--by: unknown grouping 'colour': use one of variant, segment, month, week, step, "
             "workflow"),
            (("--since", "yesterday"),
             "--since: 'yesterday' is not a date: use 2026-11-01 or 2026-11-01T09:00:00Z"),
            (("--until", "11/30"), "--until: '11/30' is not a date"),
            (("--by", "segment", "--segment", "nope", "--segments-dir", "segs"),
             "--segment: no segment named 'nope' in segs (known: vips)"),
            (("--by", "segment"),
             "--segment: grouping by segment needs at least one segment name"),
            (("--segment", "vips"), "--segment: --segment needs --by segment"),
        ]
        for args, message in cases:
            with self.subTest(args=args):
                r = self.herald("feedback", "report", *args)
                self.assertEqual(r.returncode, 2, r.stdout)
                self.assertIn(message, r.stderr)
        r = self.herald("feedback", "export", "--csv", "-", "--since", "soon")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--since: 'soon' is not a date", r.stderr)
        r = self.herald("feedback", "export", "--csv", "no/such/dir/x.csv")
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot write no/such/dir/x.csv", r.stderr)

    def test_export(self):
        r = self.herald("feedback", "export", "--survey", "post", "--csv", "out.csv")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("8 answers written to out.csv (1 replaced answers left out)", r.stderr)
        with open(os.path.join(self.dir, "out.csv"), newline="") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(len(rows), 8)
        self.assertEqual(list(rows[0].keys()),
                         ["at", "contact", "email", "survey", "scale", "score", "comment",
                          "workflow", "step", "variant", "send"])
        by_send = {row["send"]: row for row in rows}
        self.assertEqual(by_send["s5"]["score"], "10")  # the later answer
        self.assertEqual(by_send["s3"]["comment"], "too slow, \"really\"")
        self.assertEqual(by_send["s6"]["comment"], "'=HYPERLINK(\"http://evil\")")
        self.assertEqual(by_send["x2"]["scale"], "csat")
        self.assertEqual(by_send["s1"]["email"], "c1@example.com")
        self.assertEqual(by_send["s1"]["at"], "2026-10-30T10:00:00Z")
        r = self.herald("feedback", "export", "--csv", "-", "--since", "2026-11-06")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = list(csv.DictReader(io.StringIO(r.stdout)))
        self.assertEqual([row["send"] for row in rows], ["s5", "s6", "x2", "x3"])


class FeedbackApi(unittest.TestCase):
    """GET /api/v1/feedback/report of a real `herald serve`: the CLI's JSON,
    and a 400 problem naming each bad parameter."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory(prefix="herald-feedback-api-")
        d = cls.dir = cls.tmp.name
        cls.db = os.path.join(d, "herald.db")
        prepare(d, cls.db, lambda *a: subprocess.run(
            [HERALD, "--db", cls.db, "--now", NOW, *a], capture_output=True, text=True, cwd=d,
            timeout=60, stdin=subprocess.DEVNULL))
        os.makedirs(os.path.join(d, "workflows"))
        os.rename(os.path.join(d, "segs"), os.path.join(d, "workflows", "segments"))
        cls.config = os.path.join(d, "herald.yaml")
        with open(cls.config, "w") as f:
            f.write(f"state_dir: {d}\ndatabase: {cls.db}\nworkflows_dir: {d}/workflows\n"
                    f"runtime_dir: {d}/run\nhttp:\n  admin:\n    listen: 127.0.0.1:0\n"
                    f"    tokens: [{TOKEN}]\n")
        cls.log_path = os.path.join(d, "serve.log")
        cls.log = open(cls.log_path, "w")
        cls.proc = subprocess.Popen([HERALD, "--config", cls.config, "serve"], cwd=d,
                                    stdout=subprocess.DEVNULL, stderr=cls.log)
        cls.port = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and cls.proc.poll() is None:
            with open(cls.log_path) as f:
                m = re.search(r"admin API on 127\.0\.0\.1:(\d+)", f.read())
            if m:
                cls.port = int(m.group(1))
                break
            time.sleep(0.1)
        if cls.port is None:
            cls.tearDownClass()
            with open(cls.log_path) as f:
                raise AssertionError("herald serve did not start: " + f.read())

    @classmethod
    def tearDownClass(cls):
        cls.proc.terminate()
        try:
            cls.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            cls.proc.kill()
            cls.proc.wait()
        cls.log.close()
        cls.tmp.cleanup()

    def get(self, query):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        conn.request("GET", "/api/v1/feedback/report" + query,
                     headers={"Authorization": "Bearer " + TOKEN})
        r = conn.getresponse()
        body = json.loads(r.read())
        conn.close()
        return r.status, body

    def test_same_json_as_the_cli(self):
        status, body = self.get("?survey=post&by=variant&until=2026-11-08")
        self.assertEqual(status, 200, body)
        cli = subprocess.run([HERALD, "--db", self.db, "--now", NOW, "feedback", "report", "--json",
                              "--survey", "post", "--by", "variant", "--until", "2026-11-08"],
                             capture_output=True, text=True, timeout=60)
        self.assertEqual(body, json.loads(cli.stdout))
        self.assertEqual([g["group"] for g in body["groups"]], ["A", "B"])
        status, body = self.get("?by=segment&segment=vips,vips")
        self.assertEqual(status, 200, body)
        self.assertEqual([(g["group"], g["n"]) for g in body["groups"]], [("vips", 3)] * 2)

    def test_bad_parameters_are_400_problems(self):
        cases = [
            ("?by=colour", "by: unknown grouping 'colour': use one of variant, segment, month, "
                           "week, step, workflow"),
            ("?since=yesterday", "since: 'yesterday' is not a date"),
            ("?until=x", "until: 'x' is not a date"),
            ("?by=segment&segment=nope", "segment: no segment named 'nope'"),
            ("?segment=vips", "segment: segment needs by=segment"),
            ("?colour=red", "colour: not a parameter; the parameters are survey, workflow, "
                            "since, until, by, segment"),
        ]
        for query, detail in cases:
            with self.subTest(query=query):
                status, body = self.get(query)
                self.assertEqual(status, 400, body)
                self.assertIn(detail, body["detail"])


if __name__ == "__main__":
    unittest.main()
