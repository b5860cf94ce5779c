#!/usr/bin/env python3
"""Hostile input through the real binary: JSON nested too deeply in imports,
a YAML "billion laughs" file, a template that doubles a string for ever.
Each crashed, hung or grew past 4 GB before; now each is refused with a
message at its place, in bounded time and memory."""
import json
import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "engine"))
from hostile_common import HELLO_WORKFLOW, run_bounded  # noqa: E402
from common import Sandbox  # noqa: E402

HERALD = sys.argv.pop(1)
PLUGIN_DIR = sys.argv.pop(1)

TOO_DEEP = ("error: a value nested more than 64 levels deep (arrays and objects inside each "
            "other; Herald reads at most 64 levels)")


def nested(levels):
    return "[" * levels + "1" + "]" * levels


# Nine aliases of nine aliases ... nine levels: 9^9 (387 million) strings.
BOMB = """\
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
name: laughs
trigger: {type: manual}
"""
# The first alias past 100,000 repeated nodes: '*e' on line 6 (b..e repeat
# 90 + 819 + 7380 + 66429 nodes; one e is 66430 more).
BOMB_REFUSAL = ("bomb.yaml:6:8: error: alias '*e' makes the aliases of this file repeat more "
                "than 100000 nodes (the limit; anchors whose aliases repeat other anchors "
                "multiply): write the repeated part out, or repeat less")


# Doubles a string forty times (a terabyte) without printing it, for the
# pro contact only; 1.2 KB of template did the same in the issue.
DOUBLING = ("{% if contact.attributes.plan == 'pro' %}{% assign s = 'x' %}"
            "{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}"
            "{% endif %}Hi {{ contact.first_name }}")


class HostileInput(unittest.TestCase):
    def setUp(self):
        self.sb = Sandbox(HERALD, PLUGIN_DIR)

    def tearDown(self):
        self.sb.cleanup()

    def herald(self, *args, seconds=60, max_mb=1024):
        r = run_bounded(self.sb.args(*args), self.sb.dir, seconds=seconds, max_mb=max_mb)
        self.assertEqual(r.killed_for, "", f"herald {' '.join(args)} was stopped: "
                         f"{r.killed_for} (grew {r.peak_mb} MB)\n{r.stderr[-2000:]}")
        return r

    # --- JSON nested too deeply -------------------------------------------

    def test_deep_contact_rows_are_bad_rows_and_do_not_poison_segments(self):
        prefix = '{"email": "deep@example.com", "x": '
        col = len(prefix) + 64  # the row's object is level 1
        path = self.sb.write("deep.jsonl", "\n".join([
            '{"email": "ok@example.com", "plan": "pro"}',
            prefix + nested(60000) + "}",
            prefix + nested(2000) + "}"]) + "\n")
        r = self.herald("contacts", "import", path)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(f"{path}:2:{col}: {TOO_DEEP}", r.stderr)
        self.assertIn(f"{path}:3:{col}: {TOO_DEEP}", r.stderr)
        self.assertIn("nothing was imported", r.stderr)

        r = self.herald("contacts", "import", "--skip-invalid", path)
        self.assertEqual(r.returncode, 0, r.stderr)
        # Segment rules on attributes keep working (a stored 2,000-level
        # value made each fail with SQLite's "malformed JSON").
        r = self.herald("segment", "preview", "{attribute: plan, equals: pro}")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("ok@example.com", r.stdout)

    def test_deep_event_and_product_rows(self):
        self.sb.import_contacts([{"external_id": "c1", "email": "a@example.com"}])
        prefix = ('{"external_id": "c1", "type": "view", "at": "2024-05-01", '
                  '"properties": {"p": ')
        events = self.sb.write("events.jsonl", prefix + nested(60000) + "}}\n")
        r = self.herald("events", "import", events)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(f"{events}:1:{len(prefix) + 63}: {TOO_DEEP}", r.stderr)

        prefix = '{"id": "P1", "name": "Mug", "specs": '
        products = self.sb.write("products.jsonl", prefix + nested(60000) + "}\n")
        r = self.herald("products", "import", products)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(f"{products}:1:{len(prefix) + 64}: {TOO_DEEP}", r.stderr)

    # --- YAML billion laughs ----------------------------------------------

    def test_a_yaml_bomb_is_refused_by_validate_and_run(self):
        bomb = self.sb.write("bomb.yaml", BOMB)
        self.assertEqual(len(BOMB.splitlines()), 11)
        for cmd in (["validate", bomb], ["run", bomb]):
            with self.subTest(cmd=cmd[0]):
                r = self.herald(*cmd, seconds=20, max_mb=512)
                self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
                self.assertIn(bomb.replace("bomb.yaml", "") + BOMB_REFUSAL, r.stdout + r.stderr)

    def test_a_yaml_bomb_in_segments_does_not_hang_the_workflow_beside_it(self):
        wf = self.sb.write("hello.yaml", HELLO_WORKFLOW.replace("{TEXT}", "Hi"))
        os.mkdir(os.path.join(self.sb.dir, "segments"))
        bomb = self.sb.write("segments/bomb.yaml", BOMB.replace(
            "name: laughs\ntrigger: {type: manual}\n", "rule: {attribute: plan, equals: pro}\n"))
        r = self.herald("validate", wf, seconds=20, max_mb=512)
        self.assertIn(bomb.replace("bomb.yaml", "") + BOMB_REFUSAL, r.stdout + r.stderr)

    def test_an_alias_inside_its_own_anchor_is_refused(self):
        loop = self.sb.write("loop.yaml", "name: loop\nsteps: &s [*s]\n")
        r = self.herald("validate", loop, seconds=20, max_mb=512)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{loop}:2:12: error: alias '*s' refers to the node it is inside of (a "
                      "loop); an alias can only repeat a node that is complete",
                      r.stdout + r.stderr)

    # --- A template that grows without printing ---------------------------

    def test_a_doubling_template_fails_its_contact_and_the_run_finishes(self):
        self.sb.import_contacts([
            {"external_id": "c1", "email": "pro@example.com", "first_name": "Pro", "plan": "pro"},
            {"external_id": "c2", "email": "free@example.com", "first_name": "Free",
             "plan": "free"}])
        text = DOUBLING.replace('"', '\\"')
        wf = self.sb.write("hello.yaml", HELLO_WORKFLOW.replace("{TEXT}", text))
        r = self.herald("validate", wf)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        r = self.herald("run", wf, seconds=60, max_mb=1024)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("run 1: done", r.stdout)
        show = json.loads(self.herald("runs", "show", "1", "--json").stdout)
        self.assertEqual(show["run"]["status"], "done", show)
        self.assertEqual(show["journeys"]["failed"], 1, show)
        reasons = [f["reason"] for f in show["failures"]]
        self.assertEqual(len(reasons), 1, show)
        self.assertEqual(reasons[0], "template: line 1: the template holds more than 4 MiB in "
                         "variables and filter results (limit) (in text)")
        self.assertEqual(len(self.sb.outbox_files()), 1)  # the free contact's message


if __name__ == "__main__":
    unittest.main()
