"""A test-then-winner experiment end to end under `herald serve` with an
injected clock (--now): the schedule fires, the test share is sent, the rest
wait; purchases arrive as events over the admin API; started again at the
decision time, the daemon decides by the rule and sends the winner to the
rest; the report (CLI and admin API) shows it. SIGKILL during the decision
and the roll-out: the rest never get the remainder twice or two variants."""
import json
import os
import signal
import sys
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Daemon  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "engine"))
from common import outbox_messages  # noqa: E402

HERALD = sys.argv[1]
PLUGIN_DIR = sys.argv[2]

CONTACTS = 1500
START = "2026-03-02T09:59:58Z"      # the schedule fires at 10:00
DECIDE = "2026-03-04T10:00:30Z"     # decide_after 2d from the first assignment
PURCHASE_AT = "2026-03-02T13:00:00Z"

WORKFLOW = """\
name: subject-test
trigger: {type: schedule, cron: "0 10 2 3 *", timezone: UTC}
steps:
  - id: test
    uses: experiment
    with:
      key: subject-test
      variants:
        - name: usual
        - name: discount
          set: {subject: "20% off for you"}
      goal: {event: purchase, within: 2d}
      guardrails: [unsubscribe]
      test_then_winner: {test_share: 40%, decide_after: 2d, rule: sequential, min_sample: 50}
  - id: send
    uses: outbox.email
    with:
      from: shop@example.com
      subject: "We miss you"
      text: "Come back"
"""


class ExperimentUnderTheDaemon(unittest.TestCase):
    def setUp(self):
        self.d = Daemon(HERALD, PLUGIN_DIR)
        self.addCleanup(self.d.cleanup)
        self.d.write_workflow("subject-test.yaml", WORKFLOW)
        self.d.import_contacts([{"external_id": f"c{i}", "email": f"c{i}@example.com",
                                 "first_name": f"C{i}", "timezone": "UTC"}
                                for i in range(1, CONTACTS + 1)])

    def messages(self):
        return outbox_messages(self.d.outbox)

    def report(self):
        status, body = self.d.http("GET", "/api/v1/experiments/subject-test")
        self.assertEqual(status, 200, body)
        return json.loads(body)

    def wait_until(self, what, check, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            value = check()
            if value:
                return value
            time.sleep(0.1)
        self.fail(f"{what} did not happen within {seconds} s:\n{self.d.log()[-3000:]}")

    def run_the_test_share(self):
        """Starts the daemon before the firing; returns {email: subject} of the test."""
        d = self.d
        d.start(now=START)

        def settled():
            if not d.outbox_files():
                return None
            r = self.report()
            assigned = sum(a["assigned"] for a in r["arms"])
            sent = sum(a["sent"] for a in r["arms"])
            if assigned + r["waiting"] == CONTACTS and sent == assigned:
                return r
            return None
        r = self.wait_until("the test share sent and the rest waiting", settled)
        self.assertIn("testing on 40% of the audience", r["status"])
        self.assertIsNone(r.get("decision"))
        test = dict(self.messages())
        self.assertEqual(len(test), sum(a["assigned"] for a in r["arms"]))
        # 40% of 1,500 (the hash decides exactly who; within a wide margin).
        self.assertGreater(len(test), 520)
        self.assertLess(len(test), 680)
        self.assertEqual(set(test.values()), {"We miss you", "20% off for you"})
        return test

    def post_purchases(self, test):
        """Every 5th of the control's contacts buys, and every 2nd of the discount's."""
        events = []
        for n, (to, subject) in enumerate(sorted(test.items())):
            every = 2 if subject == "20% off for you" else 20
            if n % every == 0:
                events.append({"type": "purchase", "email": to, "at": PURCHASE_AT,
                               "event_id": f"buy-{to}", "properties": {"amount": 30}})
        status, body = self.d.http("POST", "/api/v1/events", {"events": events})
        self.assertEqual(status, 202, body)

    def check_the_rest(self, test, unknown_allowed=0):
        """Everybody got at most one message; the rest got the winner only."""
        messages = self.messages()
        recipients = [to for to, _ in messages]
        self.assertEqual(len(recipients), len(set(recipients)), "a contact got two messages")
        rest = [(to, s) for to, s in messages if to not in test]
        self.assertTrue(all(s == "20% off for you" for _, s in rest),
                        "the rest got another variant than the winner")
        self.assertGreaterEqual(len(rest), CONTACTS - len(test) - unknown_allowed)
        return rest

    def test_the_rule_picks_the_winner_and_the_rest_get_it(self):
        d = self.d
        test = self.run_the_test_share()
        self.post_purchases(test)
        self.assertEqual(d.stop(), 0)

        d.start(now=DECIDE)
        self.wait_until("the rest sent", lambda: len(d.outbox_files()) >= CONTACTS)
        self.check_the_rest(test)
        r = self.report()
        self.assertEqual(r["decision"]["outcome"], "winner")
        self.assertEqual(r["decision"]["variant"], "discount")
        self.assertIn("the winner is 'discount'", r["status"])
        arms = {a["name"]: a for a in r["arms"]}
        self.assertEqual(arms["discount"]["rest"], CONTACTS - len(test))
        self.assertGreater(arms["discount"]["goal"]["chance_to_beat_control"], 0.99)
        self.assertFalse(r["srm"]["mismatch"])
        # The CLI shows the same report.
        out = d.herald("experiments", "show", "subject-test")
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("the winner is 'discount'", out.stdout)
        self.assertIn("sample ratio: p =", out.stdout)
        self.assertEqual(d.stop(), 0)

    def test_sigkill_during_the_decision_sends_the_rest_once_and_one_variant(self):
        d = self.d
        test = self.run_the_test_share()
        self.post_purchases(test)
        self.assertEqual(d.stop(), 0)

        # Killed as soon as the roll-out has begun (the decision is being
        # made or has just been stored), twice.
        for _ in range(2):
            d.start(now=DECIDE)
            before = len(d.outbox_files())
            deadline = time.monotonic() + 30
            while len(d.outbox_files()) == before and time.monotonic() < deadline:
                time.sleep(0.005)
            d.proc.send_signal(signal.SIGKILL)
            d.proc.wait(timeout=10)
            d.stderr.close()
        d.start(now=DECIDE)
        unknown = []

        def done():
            r = self.report()
            if r["waiting"] != 0:
                return False
            listed = d.http("GET", "/api/v1/sends?state=unknown&limit=1000")
            unknown[:] = json.loads(listed[1])["sends"]
            return len(d.outbox_files()) + len(unknown) >= CONTACTS
        self.wait_until("the roll-out finished", done)
        rest = self.check_the_rest(test, unknown_allowed=len(unknown))
        print(f"\n{len(test)} in the test, {len(rest)} of the rest sent the winner, "
              f"{len(unknown)} left unknown by the kills", file=sys.stderr)
        # A key left unknown by a kill is skipped (marketing's on_unknown),
        # never resent: its contact got nothing, not two messages.
        r = self.report()
        self.assertEqual(r["decision"]["variant"], "discount")
        self.assertEqual(d.stop(), 0)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]], verbosity=2)
