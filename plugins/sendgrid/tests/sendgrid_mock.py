"""A local stand-in for SendGrid's v3 API: POST /v3/mail/send with a bearer
key and SendGrid's JSON (personalizations, custom_args, headers), answered
202 + X-Message-Id; SendGrid's 400 validation error for chosen addresses;
429 + Retry-After: 1 for chosen addresses a given number of times. Signs
Event Webhook posts with an ECDSA P-256 key made by the openssl tool, as
SendGrid does (base64 DER signature over timestamp + body)."""
import base64
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "provider_http", "tests"))
from provider_mock import ProviderMock, post  # noqa: E402

INVALID_ADDRESS = "Does not contain a valid address."


class SendGridMock(ProviderMock):
    def __init__(self, api_key, invalid=(), throttle=None):
        self.api_key = api_key
        self.invalid = set(invalid)
        self.throttle = dict(throttle or {})  # address -> 429 answers still to give
        self.requests = []  # (address, status, monotonic time)
        self.messages = {}  # address -> [request JSON] answered 202
        self.problems = []  # requests that broke SendGrid's format
        self.keydir = tempfile.TemporaryDirectory(prefix="sendgrid-key-")
        self.private_key = os.path.join(self.keydir.name, "key.pem")
        subprocess.run(["openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout",
                        "-out", self.private_key], check=True, capture_output=True)
        der = subprocess.run(["openssl", "ec", "-in", self.private_key, "-pubout", "-outform",
                              "DER"], check=True, capture_output=True).stdout
        self.public_key = base64.b64encode(der).decode()  # as SendGrid's settings page shows it
        super().__init__()

    def close(self):
        super().close()
        self.keydir.cleanup()

    def answer(self, method, path, headers, body):
        if path != "/v3/mail/send":
            return 404, [], {"errors": [{"message": "not found"}]}
        if headers.get("Authorization") != f"Bearer {self.api_key}":
            return 401, [], {"errors": [{"message": "The provided authorization grant is "
                                                    "invalid, expired, or revoked"}]}
        try:
            msg = json.loads(body)
            p = msg["personalizations"]
            to = p[0]["to"][0]["email"]
        except (ValueError, KeyError, TypeError, IndexError):
            return 400, [], {"errors": [{"message": "Bad Request", "field": None}]}
        problem = self.check(msg)
        with self.lock:
            if problem:
                self.problems.append((to, problem))
                return 400, [], {"errors": [{"message": problem, "field": None}]}
            if to in self.invalid:
                self.requests.append((to, 400, time.monotonic()))
                return 400, [], {"errors": [{"message": INVALID_ADDRESS,
                                             "field": "personalizations.0.to.0.email"}]}
            if self.throttle.get(to, 0) > 0:
                self.throttle[to] -= 1
                self.requests.append((to, 429, time.monotonic()))
                return 429, [("Retry-After", "1")], {"errors": [{"message": "too many requests"}]}
            self.requests.append((to, 202, time.monotonic()))
            self.messages.setdefault(to, []).append(msg)
            return 202, [("X-Message-Id", f"sgmsg{len(self.requests)}")], b""

    @staticmethod
    def check(msg):
        """What a Herald message must carry; a description of the first miss, or None."""
        p = msg["personalizations"]
        if len(p) != 1 or len(p[0]["to"]) != 1:
            return "expected one personalization with one recipient"
        args = p[0].get("custom_args", {})
        if not args.get("herald_key") or not all(isinstance(v, str) for v in args.values()):
            return "custom_args.herald_key missing (or a value that is not a string)"
        h = msg.get("headers", {})
        if not h.get("List-Unsubscribe", "").startswith("<http"):
            return "headers.List-Unsubscribe missing"
        if h.get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click":
            return "headers.List-Unsubscribe-Post missing"
        if not msg.get("from", {}).get("email") or not msg.get("subject"):
            return "from and subject are required"
        if not msg.get("content"):
            return "content is required"
        return None

    def counts(self):
        """(connections, requests, {address: times answered 202})."""
        with self.lock:
            return self.connections, len(self.requests), {a: len(m) for a, m in
                                                           self.messages.items()}

    def sign(self, timestamp, body):
        signature = subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.private_key],
                                   input=timestamp.encode() + body, check=True,
                                   capture_output=True).stdout
        return base64.b64encode(signature).decode()

    def post_events(self, public, events, forged=False, timestamp=None):
        """POSTs `events` (a list) to http://<public>/hooks/sendgrid/events,
        signed now (or at `timestamp`; or with the body changed after signing)."""
        body = json.dumps(events).encode()
        ts = str(int(time.time()) if timestamp is None else timestamp)
        signature = self.sign(ts, body)
        if forged:
            body = body.replace(b"bounce", b"delivered")
        return self.post_signed(public, body, ts, signature)

    @staticmethod
    def post_signed(public, body, ts, signature):
        return post(f"http://{public}/hooks/sendgrid/events", body,
                    {"Content-Type": "application/json",
                     "X-Twilio-Email-Event-Webhook-Signature": signature,
                     "X-Twilio-Email-Event-Webhook-Timestamp": ts})
