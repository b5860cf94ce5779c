"""A local stand-in for Mailgun's messages API: POST /v3/<domain>/messages
with Basic auth api:<key> and a form (from, to, subject, text, html,
h:List-Unsubscribe, h:List-Unsubscribe-Post, v:herald_key), answered 200 +
{"id", "message"}; Mailgun's 400 for chosen addresses; 429 + Retry-After: 1
for chosen addresses a given number of times. Signs webhook posts as
Mailgun does: signature = hex HMAC-SHA256(signing key, timestamp + token)."""
import base64
import hashlib
import hmac
import json
import os
import secrets
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "..", "provider_http", "tests"))
from provider_mock import ProviderMock, post  # noqa: E402

INVALID_ADDRESS = "'to' parameter is not a valid address. please check documentation"


class MailgunMock(ProviderMock):
    def __init__(self, api_key, domain, signing_key, invalid=(), throttle=None):
        self.auth = "Basic " + base64.b64encode(f"api:{api_key}".encode()).decode()
        self.domain = domain
        self.signing_key = signing_key.encode()
        self.invalid = set(invalid)
        self.throttle = dict(throttle or {})  # address -> 429 answers still to give
        self.requests = []  # (address, status, monotonic time)
        self.messages = {}  # address -> [form dict] answered 200
        self.problems = []
        super().__init__()

    def answer(self, method, path, headers, body):
        if path != f"/v3/{self.domain}/messages":
            return 404, [], {"message": "Domain not found"}
        if headers.get("Authorization") != self.auth:
            return 401, [], b"Forbidden"
        if headers.get("Content-Type") != "application/x-www-form-urlencoded":
            return 400, [], {"message": "expected a form"}
        form = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode(), strict_parsing=True,
                                                           keep_blank_values=True).items()}
        to = form.get("to", "")
        problem = self.check(form)
        with self.lock:
            if problem:
                self.problems.append((to, problem))
                return 400, [], {"message": problem}
            if to in self.invalid:
                self.requests.append((to, 400, time.monotonic()))
                return 400, [], {"message": INVALID_ADDRESS}
            if self.throttle.get(to, 0) > 0:
                self.throttle[to] -= 1
                self.requests.append((to, 429, time.monotonic()))
                return 429, [("Retry-After", "1")], {"message": "Too Many Requests"}
            self.requests.append((to, 200, time.monotonic()))
            self.messages.setdefault(to, []).append(form)
            return 200, [], {"id": f"<mg{len(self.requests)}@{self.domain}>",
                             "message": "Queued. Thank you."}

    @staticmethod
    def check(form):
        for field in ("from", "to", "subject", "v:herald_key", "v:herald_contact"):
            if not form.get(field):
                return f"'{field}' parameter is missing"
        if not form.get("text") and not form.get("html"):
            return "Need at least one of 'text' or 'html' parameters specified"
        if not form.get("h:List-Unsubscribe", "").startswith("<http"):
            return "h:List-Unsubscribe missing"
        if form.get("h:List-Unsubscribe-Post") != "List-Unsubscribe=One-Click":
            return "h:List-Unsubscribe-Post missing"
        return None

    def counts(self):
        """(connections, requests, {address: times answered 200})."""
        with self.lock:
            return self.connections, len(self.requests), {a: len(m) for a, m in
                                                           self.messages.items()}

    def signature(self, timestamp=None, token=None):
        ts = str(int(time.time()) if timestamp is None else timestamp)
        token = token or secrets.token_hex(25)
        sig = hmac.new(self.signing_key, (ts + token).encode(), hashlib.sha256).hexdigest()
        return {"timestamp": ts, "token": token, "signature": sig}

    @staticmethod
    def post_event(public, signature, event_data):
        body = json.dumps({"signature": signature, "event-data": event_data}).encode()
        return post(f"http://{public}/hooks/mailgun/events", body,
                    {"Content-Type": "application/json"})
