"""twilio.sms with the real `herald serve` against a mock Twilio on loopback:
messages arrive once each (a 429 slows one down, an invalid number fails with
Twilio's message), a signed STOP withdraws SMS consent before the next
delivery, START restores it, HELP answers the configured text, a forged
signature changes nothing, and signed status callbacks and replies become
events.

usage: twilio_integration_test.py HERALD PLUGIN_DIR"""
import base64
import hashlib
import hmac
import json
import os
import re
import sys
import time
import unittest
import urllib.error
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "tests", "integration", "daemon"))
from harness import Daemon  # noqa: E402
from mock_twilio import MockTwilio  # noqa: E402

HERALD = sys.argv[1]
PLUGIN_DIR = sys.argv[2]
ACCOUNT = "AC0123456789abcdef0123456789abcdef"
TOKEN = "auth-token-0123456789abcdef"
PUBLIC_URL = "https://herald.example.test"  # what Twilio would be told; signed against
HELP = "Acme Shop: reply STOP to opt out. Help: acme.example/help"

PROMO = """\
name: promo
trigger: {type: event, event: send_sms, reentry: always}
steps:
  - id: text
    uses: twilio.sms
    with:
      from: "+15005550006"
      body: "Hi {{ contact.first_name }}, 20% off today. Reply STOP to opt out."
"""

PHONES = {"c1": "+14155550101", "c2": "+14155550102", "c3": "+14155550103"}
BAD = "+14155550199"  # Twilio says 21211


def midday_zone():
    """A time zone where it is about noon now: SMS quiet hours (the delivery
    policy's default 21:00-08:00 in the contact's zone) never hold the test
    up, whenever it runs."""
    offset = 12 - time.gmtime().tm_hour
    if offset > 14:
        offset -= 24
    if offset < -12:
        offset += 24
    # POSIX-style names: Etc/GMT-3 is three hours *ahead* of UTC.
    return "UTC" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


def signature(url, params):
    data = url + "".join(k + v for k, v in sorted(params.items()))
    mac = hmac.new(TOKEN.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(mac).decode()


def wait_until(what, check, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = check()
        if got:
            return got
        time.sleep(0.1)
    raise AssertionError("timed out waiting for " + what)


class TwilioIntegration(unittest.TestCase):
    def setUp(self):
        self.twilio = MockTwilio(ACCOUNT, TOKEN)
        self.addCleanup(self.twilio.close)
        self.d = Daemon(HERALD, PLUGIN_DIR)
        self.addCleanup(self.d.cleanup)
        # The twilio section goes under `plugins:` beside outbox's.
        with open(self.d.config) as f:
            config = f.read()
        config = config.replace("plugins:\n", f"""plugins:
  twilio:
    account_sid: {ACCOUNT}
    auth_token: {TOKEN}
    base_url: {self.twilio.url()}
    public_url: {PUBLIC_URL}
    help_text: "{HELP}"
""", 1)
        with open(self.d.config, "w") as f:
            f.write(config)
        self.d.write_workflow("promo.yaml", PROMO)
        zone = midday_zone()
        rows = [{"external_id": ext, "email": f"{ext}@example.com", "first_name": ext.upper(),
                 "timezone": zone, "phone": phone, "consent_sms": "yes"}
                for ext, phone in PHONES.items()]
        rows.append({"external_id": "bad", "email": "bad@example.com", "first_name": "Bad",
                     "timezone": zone, "phone": BAD, "consent_sms": "yes"})
        self.d.import_contacts(rows)

    # ---- helpers ----
    def public(self):
        m = re.search(r"public links on ([0-9.]+):(\d+)", self.d.log())
        self.assertIsNotNone(m, self.d.log())
        return f"http://{m.group(1)}:{m.group(2)}"

    def webhook(self, path, params, sig=None):
        """(status, content type, body) of a POST to the public listener,
        signed as Twilio signs it unless `sig` is given."""
        params = dict(params, AccountSid=ACCOUNT)
        if sig is None:
            sig = signature(PUBLIC_URL + path, params)
        req = urllib.request.Request(self.public() + path,
                                     data=urllib.parse.urlencode(params).encode(),
                                     method="POST",
                                     headers={"X-Twilio-Signature": sig,
                                              "Content-Type": "application/x-www-form-urlencoded"})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.headers.get("Content-Type", ""), r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers.get("Content-Type", ""), e.read().decode()

    def inbound(self, ext, body, sid, sig=None):
        return self.webhook("/hooks/twilio/inbound",
                            {"From": PHONES.get(ext, ext), "To": "+15005550006", "Body": body,
                             "MessageSid": sid}, sig)

    def send(self, ext, n):
        status, body = self.d.http("POST", "/api/v1/events",
                                   {"type": "send_sms", "external_id": ext,
                                    "event_id": f"send-{ext}-{n}"})
        self.assertEqual(status, 202, body)

    def contact(self, ext, what="export"):
        status, body = self.d.http("GET", f"/api/v1/contacts/ext:{ext}/{what}")
        self.assertEqual(status, 200, body)
        return json.loads(body)

    def sms_consent(self, ext):
        status, body = self.d.http("GET", f"/api/v1/contacts/ext:{ext}")
        self.assertEqual(status, 200, body)
        current = [k for k in json.loads(body)["consents"]
                   if k["channel"] == "sms" and k["current"]]
        return current[0] if current else None

    def settled_sends(self, ext, count):
        def done():
            sends = self.contact(ext, "sends")["sends"]
            settled = [s for s in sends if s["status"] not in ("sending", "queued")]
            return sends if len(settled) >= count else None
        return wait_until(f"{count} settled sends for {ext}", done)

    # ---- the test ----
    def test_sms_delivery_stop_start_help_and_receipts(self):
        d, twilio = self.d, self.twilio
        twilio.answers[PHONES["c3"]] = [(429, {"Retry-After": "1"},
                                         {"code": 20429, "message": "Too Many Requests"}),
                                        (201, {}, {})]
        twilio.answers[BAD] = [(400, {}, {"code": 21211, "status": 400,
                                          "message": f"The 'To' number {BAD} is not a valid "
                                                     "phone number."})]
        d.start()

        for ext in ("c1", "c2", "c3", "bad"):
            self.send(ext, 1)
        for ext in ("c1", "c2"):
            wait_until(f"the message to {ext}", lambda e=ext: twilio.accepted_to(PHONES[e]))
        # 429 with Retry-After: 1 s later the same message goes through.
        wait_until("c3 after its 429", lambda: twilio.accepted_to(PHONES["c3"]))
        self.assertEqual(len(twilio.requests_to(PHONES["c3"])), 2)
        sends = self.settled_sends("c1", 1)
        self.assertEqual(sends[0]["status"], "sent", sends)
        self.assertRegex(sends[0]["detail"], r"^SM[0-9a-f]{32} segments=1 encoding=gsm7$")
        bad = self.settled_sends("bad", 1)
        self.assertEqual(bad[0]["status"], "failed", bad)
        self.assertIn("error 21211: The 'To' number", bad[0]["detail"])
        time.sleep(1.5)  # nothing more goes out
        for ext in ("c1", "c2", "c3"):
            self.assertEqual(len(twilio.accepted_to(PHONES[ext])), 1, ext)
        msg = twilio.accepted_to(PHONES["c1"])[0]
        self.assertEqual(msg["From"], "+15005550006")
        self.assertEqual(msg["Body"], "Hi C1, 20% off today. Reply STOP to opt out.")
        cid = self.contact("c1")["contact"]["id"]
        key = urllib.parse.quote(f"promo/", safe="")
        self.assertTrue(msg["StatusCallback"].startswith(
            f"{PUBLIC_URL}/hooks/twilio/status?c={cid}&k={key}"), msg["StatusCallback"])
        self.assertEqual(twilio.problems, [])

        # A forged STOP changes nothing.
        status, _, _ = self.inbound("c1", "STOP", "SMin1", sig="AAAAAAAAAAAAAAAAAAAAAAAAAAA=")
        self.assertEqual(status, 403)
        self.assertTrue(self.sms_consent("c1")["granted"])

        # A signed STOP withdraws SMS consent at once, with its source...
        status, ctype, body = self.inbound("c1", "Stop", "SMin2")
        self.assertEqual(status, 200, body)
        self.assertIn("<Response></Response>", body)
        consent = self.sms_consent("c1")
        self.assertFalse(consent["granted"], consent)
        self.assertEqual(consent["source"], "sms-reply:twilio:STOP")
        # ... so the next SMS to c1 is refused with its reason.
        self.send("c1", 2)
        sends = self.settled_sends("c1", 2)
        self.assertNotEqual(sends[-1]["status"], "sent", sends)
        self.assertIn("sms-reply:twilio:STOP", sends[-1]["detail"])
        time.sleep(1)
        self.assertEqual(len(twilio.accepted_to(PHONES["c1"])), 1)

        # START restores it: the next one goes.
        status, _, _ = self.inbound("c1", "START", "SMin3")
        self.assertEqual(status, 200)
        self.assertTrue(self.sms_consent("c1")["granted"])
        self.send("c1", 3)
        wait_until("c1 after START", lambda: len(twilio.accepted_to(PHONES["c1"])) == 2)

        # HELP answers the configured text in TwiML.
        status, ctype, body = self.inbound("c2", "help", "SMin4")
        self.assertEqual(status, 200)
        self.assertIn("xml", ctype)
        self.assertIn(f"<Response><Message>{HELP}</Message></Response>", body)

        # A STOP from a number no contact has: nothing recorded, still 200.
        status, _, _ = self.inbound("+14155550777", "STOP", "SMin5")
        self.assertEqual(status, 200)

        # Other replies become sms_reply events for workflows.
        status, _, _ = self.inbound("c2", "What time do you open?", "SMin6")
        self.assertEqual(status, 200)
        replies = wait_until("the sms_reply event", lambda: [
            e for e in self.contact("c2")["events"] if e["type"] == "sms_reply"])
        self.assertEqual(replies[0]["properties"]["body"], "What time do you open?")

        # A signed status callback records `delivered`; a forged one nothing.
        callback = twilio.accepted_to(PHONES["c2"])[0]["StatusCallback"]
        path = callback[len(PUBLIC_URL):]
        params = {"MessageSid": twilio.accepted_to(PHONES["c2"])[0]["sid"],
                  "MessageStatus": "delivered", "To": PHONES["c2"]}
        status, _, _ = self.webhook(path, params, sig="forged")
        self.assertEqual(status, 403)
        status, _, _ = self.webhook(path, params)
        self.assertEqual(status, 204)
        delivered = wait_until("the delivered event", lambda: [
            e for e in self.contact("c2")["events"] if e["type"] == "delivered"])
        self.assertEqual(len(delivered), 1)
        self.assertEqual(delivered[0]["properties"]["message_sid"], params["MessageSid"])
        self.assertEqual(d.stop(), 0, d.log())


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
