"""The sendgrid plugin in the real `herald serve` against a local mock of
SendGrid's v3 API (sendgrid_mock.py): a run of 20 contacts over the admin API
delivers each message once over a few keep-alive connections, in SendGrid's
format (custom_args.herald_key, the signed List-Unsubscribe pair); a contact
answered 429 + Retry-After twice finishes sent, nothing failed for it; the
address SendGrid refuses fails with SendGrid's message. Signed Event Webhook
posts become events, a bounce a suppression that holds back the next
delivery; a forged, a stale and a replayed post change nothing.

Arguments: the herald binary, the plugin directory, tests/integration/daemon
(for harness.py)."""
import json
import os
import sys
import time
import unittest

HERALD = sys.argv.pop(1)
PLUGIN_DIR = sys.argv.pop(1)
sys.path.insert(0, sys.argv.pop(1))  # tests/integration/daemon
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
sys.path.insert(0, os.path.join(here, "..", "..", "provider_http", "tests"))
from provider_serve import CONTACTS, COUNT, ProviderServeTest  # noqa: E402
from sendgrid_mock import INVALID_ADDRESS, SendGridMock  # noqa: E402

API_KEY = "SG.test_0123456789abcdef"
THROTTLED = "c7@example.com"
INVALID = "c5@example.com"


class SendGridInServe(ProviderServeTest):
    def setUp(self):
        self.mock = SendGridMock(API_KEY, invalid=[INVALID], throttle={THROTTLED: 2})
        self.addCleanup(self.mock.close)
        # The key from the environment (api_key_env), as under systemd's EnvironmentFile=.
        self.start_daemon(
            HERALD, PLUGIN_DIR,
            section=f"  sendgrid:\n    base_url: {self.mock.base_url}\n"
                    f"    api_key_env: TEST_SENDGRID_KEY\n"
                    f"    webhook_public_key: {self.mock.public_key}",
            step="sendgrid.email",
            with_='      from: shop@example.com\n      from_name: Example Shop\n'
                  '      subject: "Welcome, {{ contact.first_name }}"\n'
                  '      text: "Hello {{ contact.first_name }}, thanks for joining."\n'
                  '      html: "<p>Hello {{ contact.first_name }}</p>"',
            env={"TEST_SENDGRID_KEY": API_KEY})

    def test_delivery_throttling_refusal_and_signed_webhooks(self):
        run = self.run_to_end(list(range(1, COUNT + 1)), COUNT - 1, self.mock)
        connections, requests, sent = self.mock.counts()
        self.assertEqual(self.mock.problems, [], "every request in SendGrid's format")
        self.assertEqual(sorted(sent), sorted(c["email"] for c in CONTACTS if c["email"] != INVALID),
                         self.d.log())
        self.assertEqual(set(sent.values()), {1}, "each contact is delivered once")
        self.assertEqual(requests, COUNT + 2, "two 429s, then each message once")
        throttled = [(s, at) for to, s, at in self.mock.requests if to == THROTTLED]
        self.assertEqual([s for s, _ in throttled], [429, 429, 202])
        self.assertGreaterEqual(throttled[1][1] - throttled[0][1], 0.95, "Retry-After: 1 honoured")
        print(f"sendgrid: {connections} connections for {requests} requests", file=sys.stderr)
        self.assertLessEqual(connections, 16, f"{connections} connections for {requests} requests")

        msg = self.mock.messages["c1@example.com"][0]
        self.assertEqual(msg["subject"], "Welcome, C1")
        self.assertEqual(msg["from"], {"email": "shop@example.com", "name": "Example Shop"})
        self.assertEqual(msg["personalizations"][0]["to"], [{"email": "c1@example.com",
                                                             "name": "C1"}])
        self.assertEqual([c["type"] for c in msg["content"]], ["text/plain", "text/html"])
        self.assertTrue(msg["headers"]["List-Unsubscribe"].startswith(
            "<https://links.example.test/u/"), msg["headers"])

        statuses = dict(self.rows("SELECT status, count(*) FROM journeys WHERE run_id = ? "
                                  "GROUP BY status", (run,)))
        self.assertEqual(statuses.get("failed"), 1, statuses)
        failures = self.failures(run)
        self.assertEqual(len(failures), 1, failures)
        self.assertEqual(failures[0][0], INVALID)
        self.assertIn(f"sendgrid refused the message (400): {INVALID_ADDRESS} "
                      "(personalizations.0.to.0.email)", failures[0][1])
        self.assertTrue(self.journey_vars(THROTTLED).get("sendgrid_message_id", "")
                        .startswith("sgmsg"))

        # Event Webhook: forged (body changed after signing), stale, then signed.
        key2 = self.mock.messages["c2@example.com"][0]["personalizations"][0]["custom_args"]
        bounce = [{"email": "c2@example.com", "event": "bounce", "type": "bounce",
                   "status": "5.1.1", "reason": "550 5.1.1 user unknown", "sg_event_id": "ev-b2",
                   "sg_message_id": "sgmsg2", "timestamp": int(time.time()),
                   "herald_key": key2["herald_key"], "herald_contact": key2["herald_contact"]}]
        forged = [dict(bounce[0], email="c3@example.com", herald_contact="3")]
        code, text = self.mock.post_events(self.public, forged, forged=True)
        self.assertEqual((code, text), (401, "bad signature\n"))
        code, text = self.mock.post_events(self.public, forged, timestamp=int(time.time()) - 600)
        self.assertEqual((code, text), (401, "stale timestamp\n"))

        events = [{"email": "c1@example.com", "event": "delivered", "sg_event_id": "ev-d1",
                   "sg_message_id": "sgmsg1", "timestamp": int(time.time())},
                  {"email": "c4@example.com", "event": "spamreport", "sg_event_id": "ev-s4",
                   "timestamp": int(time.time())},
                  {"email": "c6@example.com", "event": "processed", "sg_event_id": "ev-p6",
                   "timestamp": int(time.time())}] + bounce
        ts = str(int(time.time()))
        body = json.dumps(events).encode()
        signature = self.mock.sign(ts, body)
        self.assertEqual(self.mock.post_signed(self.public, body, ts, signature),
                         (200, "handled 4, duplicates 0\n"))
        # SendGrid resends (the same signed post): counted once.
        self.assertEqual(self.mock.post_signed(self.public, body, ts, signature),
                         (200, "handled 0, duplicates 4\n"))
        types = ["delivered", "bounced", "complained"]
        self.assertEqual(self.wait_events(types, 3),
                         [("c1@example.com", "delivered"), ("c4@example.com", "complained"),
                          ("c2@example.com", "bounced")])

        # The bounce suppresses before the next delivery: another workflow's
        # run to c2 and c3 sends only to c3 (whose forged bounce changed nothing).
        self.run_to_end([2, 3], COUNT, self.mock, workflow="followup")
        connections, _, sent = self.mock.counts()
        self.assertLessEqual(connections, 16, "the second run reused the kept-alive connections")
        self.assertEqual(sent["c2@example.com"], 1, "the bounced address got nothing more")
        self.assertEqual(sent["c3@example.com"], 2)
        self.assertEqual(self.d.stop(), 0, self.d.log())
        self.assertEqual(len(self.events(types)), 3, "resent events are stored once")
        self.assertTrue(self.suppressed("c2@example.com"))
        self.assertTrue(self.suppressed("c4@example.com"))
        self.assertFalse(self.suppressed("c3@example.com"))
        self.assertEqual(self.suppression_reasons(),
                         ["sendgrid bounce: 5.1.1 550 5.1.1 user unknown", "sendgrid spam report"])


if __name__ == "__main__":
    unittest.main()
