#!/usr/bin/env python3
"""`herald run` and `herald runs` as a marketer uses them: the report, where
messages went, waits and resuming, dry runs, reruns, and every error a user
can cause, each with its message."""
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Sandbox, passes  # noqa: E402

HERALD = sys.argv.pop(1)
PLUGIN_DIR = sys.argv.pop(1)

SPRING = """\
name: spring
description: the spring sale
trigger: {type: manual}
steps:
  - id: route
    uses: condition
    with: {if: "attributes.plan == 'pro'"}
    branches: {then: email, else: sms}
  - id: email
    uses: outbox.email
    with:
      from: shop@example.com
      subject: "Hi {{ contact.first_name | default: 'there' }}, spring is here"
      text: "Your {{ contact.attributes.plan }} plan gets 20% off."
    next: bye
  - id: sms
    uses: outbox.sms
    with: {body: "Hi {{ contact.first_name }}: spring sale!"}
    next: bye
  - id: bye
    uses: exit
"""

CONTACTS = [
    {"external_id": "c1", "email": "ada@example.com", "phone": "+14155550101",
     "first_name": "Ada", "timezone": "Europe/London", "plan": "pro"},
    {"external_id": "c2", "email": "bob@example.com", "phone": "+14155550102",
     "first_name": "Bob", "timezone": "America/New_York", "plan": "free"},
    {"external_id": "c3", "email": "cy@example.com", "phone": "",
     "first_name": "Cy", "timezone": "Asia/Tokyo", "plan": "free"},
    {"external_id": "c4", "email": "di@example.com", "phone": "+14155550104",
     "first_name": "", "timezone": "Europe/Paris", "plan": "pro"},
]


def table_row(stdout, step):
    for line in stdout.splitlines():
        cols = line.split()
        if cols and cols[0] == step:
            return cols
    raise AssertionError(f"no row for step {step} in:\n{stdout}")


class RunCli(unittest.TestCase):
    def setUp(self):
        self.sb = Sandbox(HERALD, PLUGIN_DIR)
        self.sb.import_contacts(CONTACTS)
        self.wf = self.sb.write("spring.yaml", SPRING)

    def tearDown(self):
        self.sb.cleanup()

    def ledger_rows(self):
        with sqlite3.connect(self.sb.db) as db:
            return db.execute("SELECT count(*) FROM send_ledger").fetchone()[0]

    def test_run_reports_counts_and_where_the_messages_went(self):
        r = self.sb.herald("run", self.wf)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout
        self.assertIn("run 1 of 'spring' (revision ", out)
        self.assertIn("enrolled: 4 now, 4 in the run", out)
        self.assertEqual(table_row(out, "route")[:3], ["route", "condition", "4"])
        self.assertRegex(out, r"-> then\s+2\n")
        self.assertRegex(out, r"-> else\s+2\n")
        # step type entered continued waiting exited failed refused
        self.assertEqual(table_row(out, "email")[1:],
                         ["outbox.email", "2", "2", "0", "0", "0", "0"])
        self.assertEqual(table_row(out, "sms")[1:], ["outbox.sms", "2", "1", "0", "0", "0", "1"])
        # The contact without a phone number was refused at 'sms' and went on to 'bye'.
        self.assertEqual(table_row(out, "bye")[1:], ["exit", "4", "0", "0", "4", "0", "0"])
        outbox = os.path.join(self.sb.state, "outbox")
        self.assertIn(f"messages: 2 written to {outbox}/new (email), "
                      f"1 written to {outbox}/sms.jsonl (sms)", out)
        self.assertIn("not sent: 1 refused by policy (1 no-address)", out)
        # Journeys that reached the exit step are done; the contact without a
        # phone number was refused by policy, which is not a failure: it went on.
        self.assertIn("journeys: 4 done, 0 exited, 0 failed, 0 refused by policy, 0 active, "
                      "0 waiting", out)
        self.assertRegex(out, r"run 1: done \(\d+ journey steps in [0-9.]+ s")
        self.assertEqual(len(self.sb.outbox_files()), 2)
        self.assertEqual(len(self.sb.sms_lines()), 1)
        self.assertIn("Bob", self.sb.sms_lines()[0])
        subjects = set()
        for name in self.sb.outbox_files():
            with open(os.path.join(outbox, "new", name), encoding="utf-8") as f:
                subjects.update(re.findall(r"^Subject: (.*?)\r?$", f.read(), re.M))
        self.assertEqual(subjects, {"Hi Ada, spring is here", "Hi there, spring is here"})

    def test_steps_writing_to_the_same_place_add_up_in_the_report(self):
        # Two email steps into one outbox: one "written to" part, not two.
        wf = self.sb.write("two-emails.yaml", """\
name: two-emails
trigger: {type: manual}
steps:
  - id: first
    uses: outbox.email
    with: {from: shop@example.com, subject: One, text: one}
  - id: second
    uses: outbox.email
    with: {from: shop@example.com, subject: Two, text: two}
""")
        r = self.sb.herald("run", wf)
        self.assertEqual(r.returncode, 0, r.stderr)
        outbox = os.path.join(self.sb.state, "outbox")
        self.assertIn(f"messages: 8 written to {outbox}/new (email)\n", r.stdout)
        self.assertEqual(len(self.sb.outbox_files()), 8)

    def test_json_report(self):
        r = self.sb.herald("run", self.wf, "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        rep = json.loads(r.stdout)
        self.assertEqual(rep["run"]["status"], "done")
        self.assertEqual(rep["enrolled_now"], 4)
        steps = {s["id"]: s for s in rep["steps"]}
        self.assertEqual(steps["route"]["branches"], {"then": 2, "else": 2})
        self.assertEqual(steps["sms"]["failed"], 0)
        self.assertEqual(steps["sms"]["refused"], 1)
        msgs = {m["step"]: m for m in rep["messages"]}
        self.assertEqual(msgs["email"]["delivered"], 2)
        self.assertEqual(msgs["sms"]["refused"], 1)
        self.assertEqual(rep["journeys"]["done"], 4)
        self.assertEqual(rep["journeys"]["exited"], 0)
        self.assertEqual(rep["journeys"]["refused"], 0)
        self.assertEqual(steps["sms"]["refused_by"], {"no-address": 1})
        self.assertEqual(rep["journeys"]["failed"], 0)

    def test_a_rerun_sends_nothing_twice(self):
        self.assertEqual(self.sb.herald("run", self.wf).returncode, 0)
        r = self.sb.herald("run", self.wf)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("run 2 of 'spring'", r.stdout)
        self.assertIn("not sent again: 3 already sent earlier", r.stdout)
        self.assertIn("messages: 0 written to", r.stdout)
        self.assertEqual(len(self.sb.outbox_files()), 2)
        self.assertEqual(len(self.sb.sms_lines()), 1)

    def test_dry_run_shows_samples_and_writes_nothing(self):
        r = self.sb.herald("run", self.wf, "--dry-run")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("DRY RUN: nothing was delivered and nothing written to the send ledger",
                      r.stdout)
        self.assertIn("messages that would be sent: 2 by 'email' (email), 1 by 'sms' (sms)",
                      r.stdout)
        email_at = r.stdout.index("sample message from step 'email' (outbox.email)")
        sms_at = r.stdout.index("sample message from step 'sms' (outbox.sms)")
        self.assertLess(email_at, sms_at)  # in workflow order
        self.assertIn("Subject: Hi ", r.stdout)
        self.assertIn("spring sale!", r.stdout)
        self.assertEqual(self.ledger_rows(), 0)
        self.assertEqual(self.sb.outbox_files(), [])
        self.assertEqual(self.sb.sms_lines(), [])
        runs = json.loads(self.sb.herald("runs", "list", "--json").stdout)
        self.assertEqual([x["dry_run"] for x in runs], [True])

    def test_dry_run_shows_the_sample_of_the_contact_asked_for(self):
        r = self.sb.herald("run", self.wf, "--dry-run")
        self.assertIn("sample message from step 'email' (outbox.email) for contact 1:", r.stdout)
        r = self.sb.herald("run", self.wf, "--dry-run", "--sample-contact", "c4")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("sample message from step 'email' (outbox.email) for contact 4:", r.stdout)
        self.assertIn("Subject: Hi there, spring is here", r.stdout)
        self.assertIn("no sample from step 'sms': contact 4 did not reach it", r.stdout)

        r = self.sb.herald("run", self.wf, "--sample-contact", "c4")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--sample-contact chooses whose message a dry run shows; add --dry-run",
                      r.stderr)
        r = self.sb.herald("run", self.wf, "--dry-run", "--sample-contact", "nobody")
        self.assertEqual(r.returncode, 1)
        self.assertIn("--sample-contact 'nobody': no contact has this external id or contact id",
                      r.stderr)

    def test_limit_caps_enrolment(self):
        r = self.sb.herald("run", self.wf, "--limit", "1")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("enrolled: 1 now, 1 in the run", r.stdout)

    def test_limit_must_be_positive(self):
        r = self.sb.herald("run", self.wf, "--limit", "0")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--limit", r.stderr)

    def test_waits_are_reported_and_a_later_run_resumes(self):
        wf = self.sb.write("wait.yaml", """\
name: nudge
trigger: {type: manual}
steps:
  - id: pause
    uses: wait
    with: {until: "09:00"}
  - id: hello
    uses: outbox.email
    with: {from: shop@example.com, subject: "Good morning {{ contact.first_name }}", text: "Hi"}
""")
        r = self.sb.herald("run", wf, now="2026-03-02T10:00:00Z")
        self.assertEqual(r.returncode, 0, r.stderr)
        # At 10:00Z New York's 09:00 comes first (14:00Z), London's last
        # (09:00Z the next day).
        self.assertIn("4 journeys wait, the first until 2026-03-02T14:00:00Z; "
                      f"run 'herald run {wf}' again then to go on", r.stdout)
        self.assertIn("run 1: waiting", r.stdout)
        self.assertEqual(self.sb.outbox_files(), [])

        r = self.sb.herald("run", wf, now="2026-03-03T08:30:00Z")
        self.assertIn("run 1 of 'nudge' (revision", r.stdout)
        self.assertIn("resumed", r.stdout)
        self.assertIn("1 journey waits, the first until 2026-03-03T09:00:00Z", r.stdout)
        self.assertEqual(len(self.sb.outbox_files()), 3)

        # step type entered continued waiting exited failed
        self.assertEqual(table_row(r.stdout, "pause")[1:], ["wait", "4", "3", "1", "0", "0"])

        r = self.sb.herald("run", wf, now="2026-03-03T09:00:00Z")
        self.assertIn("run 1: done", r.stdout)
        self.assertEqual(len(self.sb.outbox_files()), 4)
        # Once every journey has gone on, the wait step shows nobody waiting.
        self.assertEqual(table_row(r.stdout, "pause")[1:], ["wait", "4", "4", "0", "0", "0"])
        r = self.sb.herald("runs", "show", "1")
        self.assertEqual(table_row(r.stdout, "pause")[1:], ["wait", "4", "4", "0", "0", "0"])
        self.assertIn("journeys: 4 done, 0 exited, 0 failed, 0 refused by policy, 0 active, "
                      "0 waiting\n", r.stdout)

        # A dry run passes waits at once: nobody is shown waiting there either.
        r = self.sb.herald("run", wf, "--dry-run", now="2026-03-04T10:00:00Z")
        self.assertEqual(table_row(r.stdout, "pause")[1:], ["wait", "4", "4", "0", "0", "0"])

    def test_a_changed_file_is_a_new_revision_and_the_old_run_is_pointed_out(self):
        text = """\
name: nudge
trigger: {type: manual}
steps:
  - id: pause
    uses: wait
    with: {duration: 1d}
  - id: hello
    uses: outbox.email
    with: {from: shop@example.com, subject: "Hello {{ contact.first_name }}", text: "Hi"}
"""
        wf = self.sb.write("nudge.yaml", text)
        r = self.sb.herald("run", wf, now="2026-03-02T10:00:00Z")
        self.assertIn("run 1: waiting", r.stdout)
        self.sb.write("nudge.yaml", text.replace("Hello", "Hi"))
        r = self.sb.herald("run", wf, now="2026-03-02T11:00:00Z")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("run 2 of 'nudge'", r.stdout)
        self.assertRegex(r.stdout, r"note: run 1 of an earlier revision \([0-9a-f]{12}\) of "
                                   r"'nudge' is still waiting; its journeys finish on that "
                                   r"revision")

    def test_ctrl_c_finishes_the_batches_in_flight_and_the_run_resumes(self):
        self.sb.import_contacts({"external_id": f"x{i}", "email": f"x{i}@example.com",
                                 "phone": f"+1415{i:07d}", "plan": "free"}
                                for i in range(1, 20001))
        proc = subprocess.Popen(self.sb.args("run", self.wf), cwd=self.sb.dir, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        while proc.poll() is None and passes(self.sb.db) == 0:  # mid-run, not start-up
            time.sleep(0.005)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 130, err)
        self.assertIn("stopping after the batches in flight; run it again to go on", err)
        self.assertIn(f"herald: run 1 was interrupted; 'herald run {self.wf}' resumes it", err)
        self.assertIn("run 1: running", out)
        r = self.sb.herald("run", self.wf)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("resumed", r.stdout)
        self.assertIn("run 1: done", r.stdout)
        self.assertEqual(len(self.sb.sms_lines()) + len(self.sb.outbox_files()), 20003)

    def test_a_second_run_on_the_same_database_is_refused_while_one_works(self):
        self.sb.import_contacts({"external_id": f"x{i}", "email": f"x{i}@example.com",
                                 "phone": f"+1415{i:07d}", "plan": "free"}
                                for i in range(1, 20001))
        first = subprocess.Popen(self.sb.args("run", self.wf), cwd=self.sb.dir, text=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        while first.poll() is None and passes(self.sb.db) == 0:
            time.sleep(0.005)
        second = self.sb.herald("run", self.wf)
        first.send_signal(signal.SIGKILL)
        first.communicate()
        self.assertEqual(second.returncode, 1)
        self.assertEqual(second.stderr.strip(),
                         f"herald: error: another 'herald run' (pid {first.pid}) is working on "
                         f"{self.sb.db}; wait for it to finish or stop it (Ctrl-C), then run "
                         "this again")
        # The lock dies with its holder.
        r = self.sb.herald("run", self.wf)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("run 1: done", r.stdout)

    def test_runs_list_and_show(self):
        self.sb.herald("run", self.wf)
        r = self.sb.herald("runs", "list")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0].split(), ["id", "workflow", "revision", "status", "started",
                                            "enrolled"])
        self.assertEqual(lines[1].split()[:2], ["1", "spring"])
        self.assertEqual(lines[1].split()[3], "done")
        self.assertEqual(lines[1].split()[5], "4")

        r = self.sb.herald("runs", "show", "1")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("run 1 of 'spring'", r.stdout)
        self.assertIn("status: done, trigger: manual", r.stdout)
        self.assertEqual(table_row(r.stdout, "sms")[1:],
                         ["outbox.sms", "2", "1", "0", "0", "0", "1"])
        self.assertIn("journeys: 4 done, 0 exited, 0 failed, 0 refused by policy, 0 active, "
                      "0 waiting\n", r.stdout)
        self.assertNotIn("failures:", r.stdout)
        self.assertIn("refused by the delivery policy (not failures; 'herald sends list --state "
                      "refused' lists them):\n       1 at 'sms': no-address\n", r.stdout)
        self.assertIn("left the workflow:\n       4 at 'bye': exit\n", r.stdout)

        show = json.loads(self.sb.herald("runs", "show", "1", "--json").stdout)
        self.assertEqual(show["failures"], [])
        self.assertEqual(show["refused"], [])
        self.assertEqual(show["exits"], [{"step": "bye", "reason": "exit", "count": 4}])
        self.assertEqual(show["journeys"]["failed"], 0)
        sends = json.loads(self.sb.herald("sends", "list", "--state", "refused", "--json").stdout)
        self.assertEqual([(s["step"], s["contact_id"], s["detail"]) for s in sends],
                         [("sms", 3, "contact has no phone number for the sms channel")])

    def test_runs_list_when_there_are_none(self):
        r = self.sb.herald("runs", "list")
        self.assertEqual(r.returncode, 0)
        self.assertIn("no runs yet", r.stdout)

    def test_runs_show_unknown_id(self):
        r = self.sb.herald("runs", "show", "999")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr.strip(),
                         "herald: error: there is no run 999; 'herald runs list' shows the runs")

    def test_runs_show_needs_a_number(self):
        r = self.sb.herald("runs", "show", "latest")
        self.assertEqual(r.returncode, 2)
        self.assertIn("herald: error:", r.stderr)

    def test_an_invalid_workflow_is_reported_like_validate_and_nothing_runs(self):
        bad = self.sb.write("bad.yaml", SPRING.replace("next: bye\n  - id: sms",
                                                       "next: byee\n  - id: sms"))
        r = self.sb.herald("run", bad)
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, re.escape(bad) + r":\d+:\d+: error: .*'byee'")
        v = self.sb.herald("validate", bad)
        located = lambda text: [l for l in text.splitlines() if l.startswith(bad + ":")]  # noqa
        self.assertEqual(located(r.stderr), located(v.stdout + v.stderr))
        self.assertIn("no runs yet", self.sb.herald("runs", "list").stdout)

    def test_a_template_error_points_at_its_field(self):
        bad = self.sb.write("typo.yaml", SPRING.replace("contact.first_name | default",
                                                        "contact.frist_name | default"))
        r = self.sb.herald("run", bad)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{bad}:13:31: error: step 'email' (outbox.email), subject: unknown "
                      "contact field 'frist_name'", r.stderr)
        self.assertIn("no runs yet", self.sb.herald("runs", "list").stdout)

    def test_an_event_workflow_needs_a_contact(self):
        wf = self.sb.write("event.yaml", """\
name: thanks
trigger: {type: event, event: purchase}
steps:
  - id: thank
    uses: outbox.email
    with: {from: shop@example.com, subject: "Thanks {{ contact.first_name }}", text: "Hi"}
""")
        r = self.sb.herald("run", wf)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr.strip(),
                         "herald: error: workflow 'thanks' starts on the event 'purchase': the "
                         "daemon enrols a contact when its event arrives; to try it here, name "
                         "one contact with --contact ID")
        r = self.sb.herald("run", wf, "--contact", "c2")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("enrolled: 1 now, ", r.stdout)
        self.assertEqual(len(self.sb.outbox_files()), 1)

    def test_an_unknown_contact(self):
        r = self.sb.herald("run", self.wf, "--contact", "nobody")
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr.strip(), "herald: error: --contact 'nobody': no contact has "
                                           "this external id or contact id")

    def test_a_missing_file(self):
        r = self.sb.herald("run", os.path.join(self.sb.dir, "nope.yaml"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("nope.yaml", r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
