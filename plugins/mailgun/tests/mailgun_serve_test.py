"""The mailgun plugin in the real `herald serve` against a local mock of
Mailgun's messages API (mailgun_mock.py): a run of 20 contacts over the
admin API delivers each message once over a few keep-alive connections, as
Mailgun's form (v:herald_key, h:List-Unsubscribe with the signed one-click
link); a contact answered 429 + Retry-After twice finishes sent, nothing
failed for it; the address Mailgun refuses fails with Mailgun's message.
HMAC-signed webhooks become events, a permanent failure a suppression that
holds back the next delivery, a temporary one only an event; a forged, a
stale and a replayed post change nothing.

Arguments: the herald binary, the plugin directory, tests/integration/daemon
(for harness.py)."""
import os
import sys
import tempfile
import time
import unittest

HERALD = sys.argv.pop(1)
PLUGIN_DIR = sys.argv.pop(1)
sys.path.insert(0, sys.argv.pop(1))  # tests/integration/daemon
here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, here)
sys.path.insert(0, os.path.join(here, "..", "..", "provider_http", "tests"))
from mailgun_mock import INVALID_ADDRESS, MailgunMock  # noqa: E402
from provider_serve import CONTACTS, COUNT, ProviderServeTest  # noqa: E402

API_KEY = "key-test0123456789abcdef"
DOMAIN = "mg.example.com"
SIGNING_KEY = "whsk-0123456789abcdef0123"
THROTTLED = "c7@example.com"
INVALID = "c5@example.com"


def failed(recipient, contact, severity, code, message, event_id):
    return {"event": "failed", "severity": severity, "recipient": recipient, "id": event_id,
            "timestamp": time.time(), "reason": "bounce",
            "delivery-status": {"code": code, "message": message},
            "user-variables": {"herald_contact": contact}}


class MailgunInServe(ProviderServeTest):
    def setUp(self):
        self.mock = MailgunMock(API_KEY, DOMAIN, SIGNING_KEY, invalid=[INVALID],
                                throttle={THROTTLED: 2})
        self.addCleanup(self.mock.close)
        # The key from a credential file (api_key_file, as systemd's LoadCredential=).
        self.start_daemon(
            HERALD, PLUGIN_DIR,
            section=f"  mailgun:\n    base_url: {self.mock.base_url}\n    domain: {DOMAIN}\n"
                    f"    api_key_file: mailgun-key\n"
                    f"    webhook_signing_key: {SIGNING_KEY}",
            step="mailgun.email",
            with_='      from: "Example Shop <shop@example.com>"\n'
                  '      subject: "Welcome, {{ contact.first_name }}"\n'
                  '      text: "Hello {{ contact.first_name }}, thanks for joining."\n'
                  '      html: "<p>Hello {{ contact.first_name }} & co</p>"',
            env={"CREDENTIALS_DIRECTORY": self.credentials()})

    def credentials(self):
        d = tempfile.TemporaryDirectory(prefix="mailgun-creds-")
        self.addCleanup(d.cleanup)
        with open(os.path.join(d.name, "mailgun-key"), "w") as f:
            f.write(API_KEY + "\n")
        return d.name

    def test_delivery_throttling_refusal_and_signed_webhooks(self):
        run = self.run_to_end(list(range(1, COUNT + 1)), COUNT - 1, self.mock)
        connections, requests, sent = self.mock.counts()
        self.assertEqual(self.mock.problems, [], "every request in Mailgun's format")
        self.assertEqual(sorted(sent), sorted(c["email"] for c in CONTACTS if c["email"] != INVALID),
                         self.d.log())
        self.assertEqual(set(sent.values()), {1}, "each contact is delivered once")
        self.assertEqual(requests, COUNT + 2, "two 429s, then each message once")
        throttled = [(s, at) for to, s, at in self.mock.requests if to == THROTTLED]
        self.assertEqual([s for s, _ in throttled], [429, 429, 200])
        self.assertGreaterEqual(throttled[1][1] - throttled[0][1], 0.95, "Retry-After: 1 honoured")
        print(f"mailgun: {connections} connections for {requests} requests", file=sys.stderr)
        self.assertLessEqual(connections, 16, f"{connections} connections for {requests} requests")

        form = self.mock.messages["c1@example.com"][0]
        self.assertEqual(form["from"], "Example Shop <shop@example.com>")
        self.assertEqual(form["subject"], "Welcome, C1")
        self.assertEqual(form["html"], "<p>Hello C1 & co</p>")  # form-encoded & survives
        self.assertEqual(form["v:herald_contact"], "1")
        self.assertTrue(form["h:List-Unsubscribe"].startswith("<https://links.example.test/u/"))

        failures = self.failures(run)
        self.assertEqual(len(failures), 1, failures)
        self.assertEqual(failures[0][0], INVALID)
        self.assertIn(f"mailgun refused the message (400): {INVALID_ADDRESS}", failures[0][1])
        self.assertTrue(self.journey_vars(THROTTLED)["mailgun_message_id"].endswith(f"@{DOMAIN}>"))

        hard = failed("c2@example.com", "2", "permanent", 550, "5.1.1 mailbox unavailable", "e-b2")
        soft = failed("c6@example.com", "6", "temporary", 452, "4.2.2 mailbox full", "e-t6")
        # Forged: a signature that is not the key's; stale: signed 10 minutes ago.
        sig = self.mock.signature()
        forged = dict(sig, signature="0" * 64)
        self.assertEqual(self.mock.post_event(self.public, forged, failed(
            "c3@example.com", "3", "permanent", 550, "x", "e-f3")), (401, "bad signature\n"))
        stale = self.mock.signature(timestamp=int(time.time()) - 600)
        self.assertEqual(self.mock.post_event(self.public, stale, failed(
            "c3@example.com", "3", "permanent", 550, "x", "e-f3")), (401, "stale timestamp\n"))

        self.assertEqual(self.mock.post_event(self.public, sig, hard), (200, "handled bounced\n"))
        # A captured post replayed with other event data: its token was used.
        self.assertEqual(self.mock.post_event(self.public, sig, failed(
            "c3@example.com", "3", "permanent", 550, "x", "e-r3")), (406, "replayed token\n"))
        self.assertEqual(self.mock.post_event(self.public, self.mock.signature(), soft),
                         (200, "handled deferred\n"))
        self.assertEqual(self.mock.post_event(self.public, self.mock.signature(), {
            "event": "complained", "recipient": "c4@example.com", "id": "e-c4",
            "timestamp": time.time()}), (200, "handled complained\n"))
        self.assertEqual(self.mock.post_event(self.public, self.mock.signature(), {
            "event": "delivered", "recipient": "c1@example.com", "id": "e-d1",
            "timestamp": time.time(), "user-variables": {"herald_contact": "1"}}),
            (200, "handled delivered\n"))
        # Mailgun resends an event (a new token, the same event id): stored once.
        self.assertEqual(self.mock.post_event(self.public, self.mock.signature(), hard),
                         (200, "handled bounced\n"))
        types = ["delivered", "bounced", "complained", "deferred"]
        self.assertEqual(self.wait_events(types, 4),
                         [("c2@example.com", "bounced"), ("c6@example.com", "deferred"),
                          ("c4@example.com", "complained"), ("c1@example.com", "delivered")])

        # The bounce suppresses before the next delivery; the temporary
        # failure (c6) and the forged and replayed ones (c3) do not.
        self.run_to_end([2, 3, 6], COUNT + 1, self.mock, workflow="followup")
        connections, _, sent = self.mock.counts()
        self.assertLessEqual(connections, 16, "the second run reused the kept-alive connections")
        self.assertEqual(sent["c2@example.com"], 1, "the bounced address got nothing more")
        self.assertEqual((sent["c3@example.com"], sent["c6@example.com"]), (2, 2))
        self.assertEqual(self.d.stop(), 0, self.d.log())
        self.assertEqual(len(self.events(types)), 4, "resent events are stored once")
        self.assertTrue(self.suppressed("c2@example.com"))
        self.assertTrue(self.suppressed("c4@example.com"))
        self.assertFalse(self.suppressed("c3@example.com"))
        self.assertFalse(self.suppressed("c6@example.com"))
        self.assertEqual(self.suppression_reasons(),
                         ["mailgun bounce: 550 5.1.1 mailbox unavailable", "mailgun complaint"])


if __name__ == "__main__":
    unittest.main()
