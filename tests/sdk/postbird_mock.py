"""A local stand-in for Postbird, the made-up email API of
sdk/examples/postbird: a real HTTP/1.1 keep-alive server on 127.0.0.1 (a
free port) that counts TCP connections and messages, answers the first
message for a chosen address with 429 + Retry-After: 1, and posts signed (or
forged) webhooks to Herald's public listener."""
import hashlib
import hmac
import http.server
import json
import threading
import time
import urllib.error
import urllib.request


class PostbirdMock:
    def __init__(self, api_key, webhook_secret, throttle_once=()):
        self.api_key = api_key
        self.webhook_secret = webhook_secret.encode()
        self.throttle_once = set(throttle_once)  # addresses answered 429 once
        self.lock = threading.Lock()
        self.connections = 0
        self.requests = []  # (address, status, monotonic time) in arrival order
        self.delivered = {}  # address -> message id
        mock = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: one connection, many requests

            def setup(self):
                super().setup()
                with mock.lock:
                    mock.connections += 1

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status, headers, answer = mock._answer(self.path, self.headers, body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def _answer(self, path, headers, body):
        if path != "/v1/messages":
            return 404, [], {"error": "no such endpoint"}
        if headers.get("Authorization") != f"Bearer {self.api_key}":
            return 401, [], {"error": "bad api key"}
        try:
            to = json.loads(body)["to"]
        except (ValueError, KeyError, TypeError):
            return 400, [], {"error": "expected a JSON message with 'to'"}
        with self.lock:
            if to in self.throttle_once:
                self.throttle_once.discard(to)
                self.requests.append((to, 429, time.monotonic()))
                return 429, [("Retry-After", "1")], {"error": "slow down"}
            self.requests.append((to, 202, time.monotonic()))
            message_id = f"msg_{len(self.requests)}"
            self.delivered.setdefault(to, message_id)
            return 202, [], {"id": message_id}

    def counts(self):
        """(connections, requests, {address: times answered 202})."""
        with self.lock:
            sent = {}
            for to, status, _ in self.requests:
                if status == 202:
                    sent[to] = sent.get(to, 0) + 1
            return self.connections, len(self.requests), sent

    def sign(self, body):
        return "sha256=" + hmac.new(self.webhook_secret, body, hashlib.sha256).hexdigest()

    def post_webhook(self, public, event, forged=False):
        """POSTs `event` to http://<public>/hooks/postbird/events, signed (or
        with a wrong signature); returns (status, body text)."""
        body = json.dumps(event).encode()
        signature = "sha256=" + "0" * 64 if forged else self.sign(body)
        req = urllib.request.Request(f"http://{public}/hooks/postbird/events", data=body,
                                     method="POST",
                                     headers={"Content-Type": "application/json",
                                              "X-Postbird-Signature": signature})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()
