"""Experiments through the real binary and a real SQLite file: what
`herald validate` says about an experiment step (each mistake at its
FILE:LINE:COL, the power warning with its numbers), a test-then-winner run
over two `herald run`s with --now (the test share, the rest waiting, the
decision, the winner to the rest), `herald experiments list|show`, sticky
assignment across a new revision, and a dry run that stores nothing."""
import csv
import json
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Sandbox, outbox_messages  # noqa: E402

HERALD = sys.argv.pop(1)
PLUGIN_DIR = sys.argv.pop(1)

T0 = "2026-05-04T10:00:00Z"
DECIDE = "2026-05-07T10:00:01Z"  # decide_after 3d

SEND = """\
  - id: send
    uses: outbox.email
    with:
      from: shop@example.com
      subject: "We miss you"
      text: "Come back"
"""


def workflow(with_block, extra_steps=SEND, branches=""):
    return ("name: subject-test\ntrigger: {type: manual}\nsteps:\n"
            "  - id: test\n    uses: experiment\n    with:\n" + with_block + branches + extra_steps)


GOOD = """\
      key: subject-test
      variants:
        - name: usual
        - name: discount
          set: {subject: "20% off for you"}
      goal: {event: purchase, within: 3d}
      test_then_winner: {test_share: 30%, decide_after: 3d, min_sample: 20}
"""


class ExperimentsCli(unittest.TestCase):
    def setUp(self):
        self.sb = Sandbox(HERALD, PLUGIN_DIR)
        self.addCleanup(self.sb.cleanup)

    def herald(self, *args, now=None):
        return self.sb.herald(*args, now=now)

    def validate(self, text, name="wf.yaml"):
        path = self.sb.write(name, text)
        r = self.herald("validate", path)
        return path, r.returncode, r.stdout + r.stderr

    def messages(self):
        return outbox_messages(self.sb.outbox)

    def test_each_mistake_is_named_at_its_place(self):
        cases = [
            # (with block, line, col, message part)
            ("      variants:\n        - name: only\n      goal: {event: purchase}\n",
             8, 9, "an experiment needs at least two variants: the control (the first) and one "
                   "to test against it; it has 1"),
            ("      variants:\n        - name: a\n        - name: a\n      goal: purchase\n",
             9, 17, "two variants are named 'a'; every variant needs its own name"),
            ("      variants:\n        - name: a\n        - name: holdout\n      goal: purchase\n",
             9, 17, "'holdout' is the name of the contacts held out"),
            ("      variants:\n        - name: a\n        - {name: b, weight: 0}\n"
             "      goal: purchase\n",
             9, 29, "weight must be a number above 0 (weights are relative"),
            ("      variants:\n        - name: a\n        - name: b\n      holdout: lots\n"
             "      goal: purchase\n",
             10, 16, "holdout must be a share written as a percentage such as 10%"),
            ("      variants:\n        - name: a\n        - name: b\n",
             6, 5, "an experiment needs a goal: the event that decides it"),
            ("      variants:\n        - name: a\n        - name: b\n      goal: purchase\n"
             "      test_then_winner: {test_share: 100%, decide_after: 3d}\n",
             11, 38, "test_share is the part of the audience that takes part in the test"),
            ("      variants:\n        - name: a\n        - name: b\n      goal: purchase\n"
             "      test_then_winner: {test_share: 10%}\n",
             11, 25, "test_then_winner needs decide_after"),
            ("      variants:\n        - name: a\n        - {name: b, send_at: '7pm'}\n"
             "      goal: purchase\n",
             9, 30, "send_at must be a time of day as HH:MM (24-hour)"),
            ("      variants:\n        - name: a\n        - {name: b, set: {subjct: x}}\n"
             "      goal: purchase\n",
             9, 27, "subjct"),
        ]
        for with_block, line, col, message in cases:
            with self.subTest(message=message):
                path, code, out = self.validate(workflow(with_block))
                self.assertEqual(code, 1, out)
                self.assertIn(f"{path}:{line}:{col}: error: step 'test': {message}"
                              if "subjct" not in message else f"{path}:{line}:{col}: error:", out)
                if "subjct" in message:
                    self.assertIn("unknown key 'subjct' in 'with' of outbox.email as variant 'b' "
                                  "of step 'test' sets it; known keys: from, html", out)

    def test_branches_are_named_after_the_variants(self):
        text = workflow("      variants:\n        - name: usual\n        - name: sms\n"
                        "      goal: purchase\n", branches="    branches:\n      smss: send\n")
        path, code, out = self.validate(text)
        self.assertEqual(code, 1, out)
        self.assertIn(f"{path}:12:13: error: step 'test': experiment has no variant named "
                      "'smss'; did you mean 'sms'?", out)

    def test_a_variant_that_sets_fields_needs_a_delivery_step_after_it(self):
        text = workflow("      variants:\n        - name: a\n        - {name: b, set: {subject: x}}\n"
                        "      goal: purchase\n",
                        extra_steps="  - id: end\n    uses: exit\n")
        path, code, out = self.validate(text)
        self.assertEqual(code, 1, out)
        self.assertIn(f"{path}:9:26: error: step 'test': variant 'b' sets fields of the next "
                      "delivery step, but its contacts reach none", out)

    def test_warnings_for_weights_and_a_variant_that_changes_nothing(self):
        text = workflow("      variants:\n        - {name: a, weight: 99}\n        - {name: b, weight: 1}\n"
                        "      holdout: 60%\n      goal: purchase\n")
        path, code, out = self.validate(text)
        self.assertEqual(code, 0, out)
        self.assertIn("variant 'b' gets 1.0% of the contacts in the test", out)
        self.assertIn("a holdout of 60% sends nothing to most of the audience", out)
        self.assertIn("variant 'b' has no branch, sets nothing and sends at the same time", out)

    def test_validate_warns_when_the_audience_is_too_small_with_the_numbers(self):
        self.sb.import_contacts([{"external_id": f"c{i}", "email": f"c{i}@example.com"}
                                 for i in range(1, 201)])
        text = workflow(GOOD + "      power: {baseline: 3%, minimum_effect: 10%}\n")
        path, code, out = self.validate(text)
        self.assertEqual(code, 0, out)
        # 200 contacts x 30% test x 1/2: 30 per variant; statsmodels'
        # NormalIndPower gives 53,183 per variant for 3% -> 3.3% at 80% power.
        self.assertIn(f"{path}:14:14: warning: step 'test': too few contacts to detect the "
                      "declared effect: the smallest variant gets about 30 contacts (200 in the "
                      "audience x 15%), but detecting a 10% relative lift over a 3% baseline at "
                      "80% power (alpha 0.05, two-sided) needs 53,182 per variant. With 30 per "
                      "variant the smallest lift it can detect is 769%", out)

    # --- a test-then-winner run ----------------------------------------------

    def test_test_then_winner_over_two_runs(self):
        sb = self.sb
        sb.import_contacts([{"external_id": f"c{i}", "email": f"c{i}@example.com"}
                            for i in range(1, 2001)])
        path = sb.write("wf.yaml", workflow(GOOD))
        r = self.herald("run", path, now=T0)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        test = dict(self.messages())
        self.assertGreater(len(test), 500)
        self.assertLess(len(test), 700)
        show = self.herald("experiments", "show", "subject-test", "--json", now=T0)
        self.assertEqual(show.returncode, 0, show.stderr)
        report = json.loads(show.stdout)
        self.assertEqual(report["waiting"], 2000 - len(test))
        self.assertIsNone(report.get("decision"))

        # Purchases: half of the discount's contacts, a tenth of the control's.
        events = os.path.join(sb.dir, "events.csv")
        with open(events, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["event_id", "email", "type", "at", "amount"])
            for n, (to, subject) in enumerate(sorted(test.items())):
                if n % (2 if subject == "20% off for you" else 10) == 0:
                    w.writerow([f"e{n}", to, "purchase", "2026-05-05T12:00:00Z", "25"])
        r = self.herald("events", "import", events)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)

        # Running it again before the decision time sends nothing new.
        r = self.herald("run", path, now="2026-05-05T10:00:00Z")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(len(self.messages()), len(test))

        r = self.herald("run", path, now=DECIDE)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        messages = self.messages()
        self.assertEqual(len(messages), 2000)
        self.assertEqual(len({to for to, _ in messages}), 2000, "a contact got two messages")
        rest = [s for to, s in messages if to not in test]
        self.assertEqual(set(rest), {"20% off for you"})

        show = self.herald("experiments", "show", "subject-test", now=DECIDE)
        self.assertEqual(show.returncode, 0, show.stderr)
        self.assertIn("the winner is 'discount'", show.stdout)
        self.assertIn("usual *", show.stdout)
        self.assertIn("sample ratio: p =", show.stdout)
        listed = self.herald("experiments", "list")
        self.assertIn("subject-test  (workflow subject-test, step test", listed.stdout)

    def test_a_new_revision_moves_nobody(self):
        sb = self.sb
        sb.import_contacts([{"external_id": f"c{i}", "email": f"c{i}@example.com"}
                            for i in range(1, 101)])
        split = ("      key: split\n      variants:\n        - name: a\n"
                 "        - {name: b, set: {subject: B}}\n      goal: purchase\n")
        path = sb.write("wf.yaml", workflow(split))
        self.assertEqual(self.herald("run", path).returncode, 0)
        first = dict(self.messages())
        self.assertEqual(len(first), 100)
        # A third variant: new contacts would see it; nobody assigned moves.
        sb.write("wf.yaml", workflow(split.replace("      goal:",
                                                  "        - {name: c, set: {subject: C}}\n"
                                                  "      goal:")))
        r = self.herald("run", path)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        after = self.messages()
        self.assertEqual(len(after), 200)
        for to, subject in after:
            self.assertEqual(subject, first[to], f"{to} moved")

    def test_a_variant_can_send_later(self):
        sb = self.sb
        sb.import_contacts([{"external_id": f"c{i}", "email": f"c{i}@example.com"}
                            for i in range(1, 101)])
        later = ("      key: timing\n      variants:\n        - name: now\n"
                 "        - {name: later, send_after: 2h, set: {subject: Later}}\n"
                 "      goal: open\n")
        path = sb.write("wf.yaml", workflow(later))
        r = self.herald("run", path, now=T0)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        first = self.messages()
        self.assertTrue(first)
        self.assertEqual({s for _, s in first}, {"We miss you"})
        self.assertIn("journeys wait, the first until 2026-05-04T12:00:00Z", r.stdout)
        r = self.herald("run", path, now="2026-05-04T12:00:01Z")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        after = self.messages()
        self.assertEqual(len(after), 100)
        self.assertEqual(len(after) - len(first), sum(1 for _, s in after if s == "Later"))

    def test_a_dry_run_stores_no_assignment(self):
        sb = self.sb
        sb.import_contacts([{"external_id": f"c{i}", "email": f"c{i}@example.com"}
                            for i in range(1, 21)])
        path = sb.write("wf.yaml", workflow(GOOD))
        r = self.herald("run", path, "--dry-run", now=T0)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        listed = self.herald("experiments", "list")
        self.assertIn("no experiments yet", listed.stdout)
        show = self.herald("experiments", "show", "subject-test")
        self.assertEqual(show.returncode, 1)
        self.assertIn("no experiment has the key 'subject-test'; 'herald experiments list' "
                      "shows the keys", show.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
