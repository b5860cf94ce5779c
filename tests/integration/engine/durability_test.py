#!/usr/bin/env python3
"""Must show: kill `herald run` with SIGKILL at random moments mid-run,
restart it each time, and at the end every contact went through each step
of its path exactly once, nothing was skipped, the send ledger has one row
per key, and the outbox holds exactly one message per contact that should
get one.

The process is killed (SIGKILL), not the machine: the outbox runs without
fsync to keep the test short; power loss is a different test.

50,000 contacts; a condition routes 'pro' contacts to outbox.email and the
others to outbox.sms, then exit. Contacts without a phone fail at the SMS
step (no address) and must get nothing. Random moments come from a fixed
seed, so a failure can be replayed."""
import json
import os
import random
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
CONTACTS = int(os.environ.get("HERALD_DURABILITY_CONTACTS", "50000"))
SEED = int(os.environ.get("HERALD_DURABILITY_SEED", "20260302"))
MIN_KILLS = 5
MAX_KILLS = 8

WORKFLOW = """\
name: durable
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
      subject: "Hi {{ contact.first_name }}"
      text: "Contact {{ contact.external_id }}"
    next: bye
  - id: sms
    uses: outbox.sms
    with: {body: "Hi {{ contact.first_name }} ({{ contact.external_id }})"}
    next: bye
  - id: bye
    uses: exit
"""


def contact(i):
    return {"external_id": f"c{i}", "email": f"user{i}@example.com",
            "phone": "" if i % 10 == 0 else f"+1415{i:07d}",
            "first_name": f"User{i}", "timezone": "UTC",
            "plan": "pro" if i % 3 == 0 else "free"}


class Durability(unittest.TestCase):
    def test_sigkill_at_random_moments_loses_nothing_and_repeats_nothing(self):
        rng = random.Random(SEED)
        sb = Sandbox(HERALD, PLUGIN_DIR, batch_size=250)
        self.addCleanup(sb.cleanup)
        started = time.monotonic()
        sb.import_contacts(contact(i) for i in range(1, CONTACTS + 1))
        print(f"imported {CONTACTS} contacts in {time.monotonic() - started:.1f} s", flush=True)
        wf = sb.write("durable.yaml", WORKFLOW)

        # Kill moments: one during start-up and enrolment, then at random
        # points of progress (passes through steps so far, read from the
        # database while the run writes it), plus a random few milliseconds
        # so a kill lands anywhere within a batch: claiming, delivering,
        # committing. Progress-based moments spread the kills over the whole
        # run whatever the machine's speed.
        # Passes in all: route and email/sms for everyone, exit for those
        # with an address. The last kill comes with a tenth of the work left.
        total = 2 * CONTACTS + sum(1 for i in range(1, CONTACTS + 1)
                                   if contact(i)["plan"] == "pro" or contact(i)["phone"])
        thresholds = sorted(rng.uniform(0.02, 0.9) * total for _ in range(MAX_KILLS - 1))
        plan = [("time", rng.uniform(0.02, 0.2))] + [("passes", t) for t in thresholds]

        kills, attempts, final = 0, 0, None
        while final is None:
            attempts += 1
            self.assertLess(attempts, 60, "the run never finished")
            proc = subprocess.Popen(sb.args("run", wf, "--json"), cwd=sb.dir,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            if kills < len(plan):
                kind, at = plan[kills]
                if kind == "time":
                    time.sleep(at)
                else:
                    while proc.poll() is None and passes(sb.db) < at:
                        time.sleep(0.01)
                    time.sleep(rng.uniform(0, 0.03))
                if proc.poll() is None:
                    proc.send_signal(signal.SIGKILL)
                    proc.communicate()
                    kills += 1
                    print(f"start {attempts}: SIGKILL at {kind} {at:.2f} "
                          f"(passes so far: {passes(sb.db)})", flush=True)
                    continue
            out, err = proc.communicate(timeout=600)
            self.assertEqual(proc.returncode, 0, err)
            final = json.loads(out)
        print(f"finished after {kills} kills, {attempts} starts, "
              f"{time.monotonic() - started:.1f} s in all", flush=True)
        self.assertGreaterEqual(kills, MIN_KILLS, "the run finished before enough kills")
        self.assertEqual(final["run"]["status"], "done")
        self.assertTrue(final["resumed"])
        run_id = final["run"]["id"]

        pro = [i for i in range(1, CONTACTS + 1) if contact(i)["plan"] == "pro"]
        free = [i for i in range(1, CONTACTS + 1) if contact(i)["plan"] != "pro"]
        free_with_phone = [i for i in free if contact(i)["phone"]]

        # One run, every contact enrolled once, every journey finished.
        runs = json.loads(sb.herald("runs", "list", "--json").stdout)
        self.assertEqual([r["id"] for r in runs], [run_id])
        db = sqlite3.connect(sb.db)
        self.addCleanup(db.close)
        q = lambda sql, *a: db.execute(sql, a).fetchall()  # noqa: E731
        self.assertEqual(q("SELECT count(*), count(DISTINCT contact_id) FROM journeys"),
                         [(CONTACTS, CONTACTS)])
        # A refused SMS (no phone number) is not a failure: the journey goes on.
        self.assertEqual(dict(q("SELECT status, count(*) FROM journeys GROUP BY status")),
                         {"done": CONTACTS})

        # Each step of a contact's path exactly once: no second visit (the
        # occurrence would be 1) and none missing.
        self.assertEqual(q("SELECT count(*) FROM journey_visits WHERE occurrence != 0"), [(0,)])
        visits = dict(q("SELECT step_id, count(*) FROM journey_visits GROUP BY step_id"))
        self.assertEqual(visits, {"route": CONTACTS, "email": len(pro), "sms": len(free),
                                  "bye": CONTACTS})
        by_contact = q("SELECT c.external_id, group_concat(v.step_id, ',') FROM journey_visits v "
                       "JOIN journeys j ON j.id = v.journey_id JOIN contacts c ON c.id = j.contact_id "
                       "GROUP BY j.id")
        paths = {ext: sorted(steps.split(",")) for ext, steps in by_contact}
        for i in range(1, CONTACTS + 1):
            c = contact(i)
            want = ["bye", "email", "route"] if c["plan"] == "pro" else ["bye", "route", "sms"]
            self.assertEqual(paths.get(c["external_id"]), want, c["external_id"])

        # The report agrees (herald runs show --json).
        show = json.loads(sb.herald("runs", "show", str(run_id), "--json").stdout)
        steps = {s["id"]: s for s in show["steps"]}
        self.assertEqual(steps["route"]["branches"], {"then": len(pro), "else": len(free)})
        self.assertEqual(steps["email"]["continued"], len(pro))
        self.assertEqual(steps["sms"]["continued"], len(free_with_phone))
        self.assertEqual(steps["sms"]["refused"], len(free) - len(free_with_phone))
        self.assertEqual(steps["bye"]["exited"], CONTACTS)

        # The ledger: one row per key, every message settled.
        self.assertEqual(q("SELECT count(*) FROM (SELECT 1 FROM send_ledger GROUP BY workflow, "
                           "revision, step_id, contact_id, occurrence HAVING count(*) > 1)"),
                         [(0,)])
        self.assertEqual(dict(q("SELECT status, count(*) FROM send_ledger GROUP BY status")),
                         {"sent": len(pro) + len(free_with_phone),
                          "refused": len(free) - len(free_with_phone)})

        # The outbox: exactly one message per contact that should get one.
        files = sb.outbox_files()
        self.assertEqual(len(files), len(pro))
        email_to = []
        for name in files:
            with open(os.path.join(sb.outbox, "new", name), encoding="utf-8") as f:
                text = f.read()
            email_to.append(text.split("Contact ", 1)[1].split()[0])
        self.assertEqual(sorted(email_to), sorted(f"c{i}" for i in pro))
        lines = [json.loads(l) for l in sb.sms_lines()]
        self.assertEqual(len(lines), len(free_with_phone))
        self.assertEqual(len({l["key"] for l in lines}), len(lines))
        self.assertEqual(sorted(l["to"] for l in lines),
                         sorted(contact(i)["phone"] for i in free_with_phone))


if __name__ == "__main__":
    unittest.main(verbosity=2)
