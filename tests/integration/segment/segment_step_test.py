#!/usr/bin/env python3
"""`uses: segment.branch` and `uses: segment.filter` in a journey, run by the
real binary over imported contacts and events: a branch (match / else), a
filter (the others exit with "not in segment"), a named segment from segments/ beside the
workflow, and the validate errors for a bad rule inside `with:` and for
wrong branch labels, each at FILE:LINE:COL."""
import json
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "engine"))
from common import Sandbox  # noqa: E402

HERALD = sys.argv.pop(1)
PLUGIN_DIR = sys.argv.pop(1)

NOW = "2026-03-01T12:00:00Z"

CONTACTS = """\
external_id,email,first_name,tags
c1,ada@example.com,Ada,vip|newsletter
c2,bob@example.com,Bob,newsletter
c3,cy@example.com,Cy,vip
c4,di@example.com,Di,
c5,ed@example.com,Ed,
"""

# c1: 3 purchases in the last 30 days; c2: 2; c3: 1 recent, 1 old; c4: none
# recent; c5: no events.
EVENTS = """\
event_id,external_id,type,at,amount
e1,c1,purchase,2026-02-27T10:00:00Z,40
e2,c1,purchase,2026-02-20T10:00:00Z,60
e3,c1,purchase,2026-02-10T10:00:00Z,80
e4,c2,purchase,2026-02-25T10:00:00Z,10
e5,c2,purchase,2026-02-05T10:00:00Z,15
e6,c3,purchase,2026-02-28T10:00:00Z,500
e7,c3,purchase,2025-06-01T10:00:00Z,20
e8,c4,purchase,2025-12-01T10:00:00Z,30
e9,c4,open,2026-02-28T10:00:00Z,
"""

BRANCH = """\
name: vip-route
trigger: {type: manual}
steps:
  - id: vip
    uses: segment.branch
    with:
      rule: {tags: {has: vip}}
    branches: {match: thanks, else: bye}
  - id: thanks
    uses: exit
  - id: bye
    uses: exit
"""

FILTER = """\
name: buyers
trigger: {type: manual}
steps:
  - id: buyers
    uses: segment.filter
    with:
      rule:
        - event: purchase
          within: 30d
          count: {at_least: 2}
  - id: done
    uses: exit
"""

NAMED = """\
name: big-spenders
trigger: {type: manual}
steps:
  - id: big
    uses: segment.branch
    with:
      rule: {segment: big-spenders}
    branches: {match: yes, else: no}
  - id: yes
    uses: exit
  - id: no
    uses: exit
"""

NAMED_SEGMENT = """\
name: big-spenders
description: spent over 100 in the last 90 days
rule:
  event: purchase
  within: 90d
  sum: {property: amount, greater_than: 100}
"""


def step_row(report, step_id):
    for s in report["steps"]:
        if s["id"] == step_id:
            return s
    raise AssertionError(f"no step {step_id} in {json.dumps(report, indent=2)}")


def line_col(text, needle, occurrence=1):
    """1-based line and column of the `occurrence`-th `needle` in `text`."""
    pos = -1
    for _ in range(occurrence):
        pos = text.index(needle, pos + 1)
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return line, col


class SegmentStep(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.sb = Sandbox(HERALD, PLUGIN_DIR)
        contacts = cls.sb.write("contacts.csv", CONTACTS)
        events = cls.sb.write("events.csv", EVENTS)
        for kind, path in (("contacts", contacts), ("events", events)):
            r = cls.sb.herald(kind, "import", path)
            if r.returncode != 0:
                raise RuntimeError(f"{kind} import failed: {r.stdout}{r.stderr}")

    @classmethod
    def tearDownClass(cls):
        cls.sb.cleanup()

    def run_json(self, name, text):
        path = self.sb.write(name, text)
        r = self.sb.herald("run", path, "--json", now=NOW)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return json.loads(r.stdout)

    def test_the_plugin_declares_its_branches(self):
        r = self.sb.herald("plugins", "--json")
        self.assertEqual(r.returncode, 0, r.stderr)
        plugins = {p["name"]: p for p in json.loads(r.stdout)["plugins"]}
        self.assertIn("segment", plugins)
        types = {t["name"]: t for t in plugins["segment"]["step_types"]}
        self.assertEqual(types["segment.branch"]["branches"], ["match", "else"])
        self.assertEqual(types["segment.filter"]["branches"], [])

    def test_a_branch_sends_matches_and_others_apart(self):
        rep = self.run_json("vip.yaml", BRANCH)
        self.assertEqual(rep["enrolled_now"], 5)
        vip = step_row(rep, "vip")
        self.assertEqual(vip["entered"], 5)
        self.assertEqual(vip["branches"], {"match": 2, "else": 3})
        self.assertEqual(step_row(rep, "thanks")["entered"], 2)
        self.assertEqual(step_row(rep, "bye")["entered"], 3)
        # Both ends are exit steps: the workflow's own end, so every journey is done.
        self.assertEqual(rep["journeys"]["done"], 5)
        self.assertEqual(rep["journeys"]["exited"], 0)

    def test_a_filter_lets_matches_continue_and_the_others_exit(self):
        rep = self.run_json("buyers.yaml", FILTER)
        buyers = step_row(rep, "buyers")
        self.assertEqual(buyers["entered"], 5)
        self.assertEqual(buyers["continued"], 2)  # c1 (3 purchases), c2 (2)
        self.assertEqual(buyers["exited"], 3)
        self.assertEqual(step_row(rep, "done")["entered"], 2)
        # The filter ended 3 journeys early; the 2 that reached the exit step are done.
        self.assertEqual(rep["journeys"]["exited"], 3)
        self.assertEqual(rep["journeys"]["done"], 2)
        self.assertEqual(rep["journeys"]["failed"], 0)

    def test_a_named_segment_beside_the_workflow(self):
        os.makedirs(os.path.join(self.sb.dir, "segments"), exist_ok=True)
        self.sb.write("segments/big-spenders.yaml", NAMED_SEGMENT)
        rep = self.run_json("big.yaml", NAMED)
        # c1 spent 180, c3 520 within 90 days; c2 25; c4 none within 90 days.
        self.assertEqual(step_row(rep, "big")["branches"], {"match": 2, "else": 3})

    def validate(self, name, text):
        path = self.sb.write(name, text)
        r = self.sb.herald("validate", name)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        return r.stderr

    def test_a_bad_rule_inside_with_is_an_error_at_its_place(self):
        text = BRANCH.replace("{tags: {has: vip}}", "{tags: {hass: vip}}")
        err = self.validate("bad-rule.yaml", text)
        line, _ = line_col(text, "hass")
        self.assertRegex(err, rf"bad-rule\.yaml:{line}:\d+: error: step 'vip' \(segment\.branch\): "
                              r".*hass")

    def test_an_unknown_named_segment_is_an_error_at_its_place(self):
        text = NAMED.replace("big-spenders}", "nobody-like-this}")
        err = self.validate("unknown-segment.yaml", text)
        line, _ = line_col(text, "nobody-like-this")
        self.assertRegex(err, rf"unknown-segment\.yaml:{line}:\d+: error: step 'big' \(segment\.branch\): "
                              r".*nobody-like-this")

    def test_wrong_branch_labels_name_the_valid_ones(self):
        text = BRANCH.replace("{match: thanks, else: bye}", "{match: thanks, otherwise: bye}")
        err = self.validate("labels.yaml", text)
        line, col = line_col(text, "bye}")  # the target of 'otherwise'
        self.assertIn(f"labels.yaml:{line}:{col}: error: step 'vip': segment.branch never takes a "
                      "branch named 'otherwise'; its branches are 'match' and 'else'", err)
        bline, bcol = line_col(text, "{match: thanks")
        self.assertIn(f"labels.yaml:{bline}:{bcol}: error: step 'vip': segment.branch may take "
                      "any of the branches 'match' and 'else'; add 'else' under 'branches' "
                      "(LABEL: STEP_ID)", err)

    def test_a_branch_without_branches_is_an_error(self):
        text = BRANCH.replace("    branches: {match: thanks, else: bye}\n", "")
        err = self.validate("no-branches.yaml", text)
        line, col = line_col(text, "- id: vip")
        self.assertIn(f"no-branches.yaml:{line}:{col + 2}: error: step 'vip': segment.branch may "
                      "take any of the branches 'match' and 'else'; add 'match' and 'else' under "
                      "'branches' (LABEL: STEP_ID)", err)

    def test_the_rule_is_required(self):
        text = FILTER.replace("    with:\n      rule:\n        - event: purchase\n"
                              "          within: 30d\n          count: {at_least: 2}\n",
                              "    with: {}\n")
        err = self.validate("no-rule.yaml", text)
        self.assertIn("missing required key 'rule'", err)


if __name__ == "__main__":
    unittest.main(verbosity=2)
