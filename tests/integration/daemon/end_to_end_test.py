"""The issue's Must-show, end to end with the real binary: an event POSTed to
the admin API enrols its contact into an event-triggered workflow that waits
a few seconds and then delivers to the outbox — once, after the wait; SIGKILL
during the wait and start again: still exactly once, on time. And a good
reload while a load generator keeps posting events: no request fails."""
import os
import signal
import sys
import threading
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Daemon  # noqa: E402

HERALD = sys.argv[1]
PLUGIN_DIR = sys.argv[2]
WAIT_S = 4

WELCOME = """\
name: welcome
trigger: {{type: event, event: signed_up}}
steps:
  - id: breathe
    uses: wait
    with: {{duration: {wait}s}}
  - id: hello
    uses: outbox.email
    with:
      from: shop@example.com
      subject: "{subject} {{{{ contact.first_name }}}}"
      text: "Hello"
"""


def welcome(subject="Welcome"):
    return WELCOME.format(wait=WAIT_S, subject=subject)


class EndToEnd(unittest.TestCase):
    def setUp(self):
        self.d = Daemon(HERALD, PLUGIN_DIR)
        self.addCleanup(self.d.cleanup)
        self.d.write_workflow("welcome.yaml", welcome())
        self.d.import_contacts([{"external_id": f"c{i}", "email": f"c{i}@example.com",
                                 "first_name": f"C{i}", "timezone": "UTC"}
                                for i in range(1, 201)])

    def post_event(self, external_id, event_id=None):
        body = {"type": "signed_up", "external_id": external_id}
        if event_id:
            body["event_id"] = event_id
        return self.d.http("POST", "/api/v1/events", body)

    def wait_for_outbox(self, count, deadline):
        while time.monotonic() < deadline:
            if len(self.d.outbox_files()) >= count:
                return time.monotonic()
            time.sleep(0.05)
        return None

    def test_an_event_enrols_waits_and_delivers_once_after_the_wait(self):
        d = self.d
        d.start()
        posted = time.monotonic()
        status, body = self.post_event("c1", "signup-c1")
        self.assertEqual(status, 202, body)
        time.sleep(WAIT_S - 1.5)
        self.assertEqual(d.outbox_files(), [], "delivered before the wait was over")
        arrived = self.wait_for_outbox(1, posted + WAIT_S + 5)
        self.assertIsNotNone(arrived, "nothing delivered:\n" + d.log())
        self.assertGreaterEqual(arrived - posted, WAIT_S - 0.5)
        self.assertLessEqual(arrived - posted, WAIT_S + 2.0, "late")
        # The same event again (a client's retry) does not enrol twice.
        self.assertEqual(self.post_event("c1", "signup-c1")[0], 202)
        time.sleep(WAIT_S + 1.5)
        self.assertEqual(len(d.outbox_files()), 1, d.outbox_files())
        self.assertEqual(d.stop(), 0)

    def test_sigkill_during_the_wait_then_start_again_still_exactly_once_on_time(self):
        d = self.d
        d.start()
        posted = time.monotonic()
        self.assertEqual(self.post_event("c2", "signup-c2")[0], 202)
        time.sleep(1.0)
        d.proc.send_signal(signal.SIGKILL)
        d.proc.wait(timeout=10)
        self.assertEqual(d.outbox_files(), [])
        d.start()
        arrived = self.wait_for_outbox(1, posted + WAIT_S + 10)
        self.assertIsNotNone(arrived, "the wait did not survive the restart:\n" + d.log())
        self.assertGreaterEqual(arrived - posted, WAIT_S - 0.5, "woke early")
        self.assertLessEqual(arrived - posted, WAIT_S + 2.0, "late after the restart")
        time.sleep(2.0)
        self.assertEqual(len(d.outbox_files()), 1, d.outbox_files())
        self.assertEqual(d.stop(), 0)

    def test_a_file_edited_while_the_daemon_was_down_lets_old_journeys_finish_on_it(self):
        d = self.d
        d.start()
        self.assertEqual(self.post_event("c4", "signup-c4")[0], 202)
        time.sleep(1.0)
        self.assertEqual(d.stop(), 0)
        d.write_workflow("welcome.yaml", welcome("Edited"))
        d.start()
        self.assertIsNotNone(self.wait_for_outbox(1, time.monotonic() + WAIT_S + 10),
                             "the old revision's journey never finished:\n" + d.log())
        self.assertIn("no longer served: rebuilt it from its stored text", d.log())
        with open(os.path.join(d.outbox, "new", d.outbox_files()[0]), encoding="utf-8") as f:
            self.assertIn("Subject: Welcome C4", f.read())
        self.assertEqual(d.stop(), 0)

    def test_herald_run_beside_the_daemon_never_delivers_twice(self):
        d = self.d
        d.start()
        wf = os.path.join(d.workflows, "welcome.yaml")
        posted = time.monotonic()
        self.assertEqual(self.post_event("c3", "signup-c3")[0], 202)
        # Around the wake-up, `herald run` of the same file keeps trying to
        # move the same run's due journeys while the daemon does too.
        time.sleep(WAIT_S - 1.0)
        runs = []
        while time.monotonic() < posted + WAIT_S + 2.5:
            r = d.herald("run", wf, "--contact", "c3")
            runs.append(r.returncode)
            self.assertIn(r.returncode, (0, 1), r.stderr)
        time.sleep(1.0)
        self.assertEqual(len(d.outbox_files()), 1, (d.outbox_files(), runs, d.log()))
        self.assertEqual(d.stop(), 0)

    def test_a_good_reload_under_load_fails_no_request(self):
        d = self.d
        d.start()
        failures, sent = [], [0]
        stop = threading.Event()

        def load(worker):
            i = 0
            while not stop.is_set():
                i += 1
                try:
                    status, body = self.post_event(f"c{(i % 200) + 1}", f"w{worker}-{i}")
                    if status != 202:
                        failures.append((status, body))
                except Exception as e:  # a refused or reset connection is a failure too
                    failures.append(("exception", repr(e)))
                sent[0] += 1

        workers = [threading.Thread(target=load, args=(w,)) for w in range(4)]
        for w in workers:
            w.start()
        try:
            time.sleep(1.0)
            for n in range(3):
                d.write_workflow("welcome.yaml", welcome(f"Welcome v{n}"))
                r = d.herald("reload")
                self.assertEqual(r.returncode, 0, r.stderr)
                time.sleep(0.5)
        finally:
            stop.set()
            for w in workers:
                w.join(timeout=30)
        self.assertGreater(sent[0], 100)
        self.assertEqual(failures, [], f"{len(failures)} of {sent[0]} requests failed")
        self.assertEqual(d.stop(), 0)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0]] + sys.argv[3:], verbosity=2)
