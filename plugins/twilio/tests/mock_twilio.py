"""A Twilio-compatible Messages API on loopback for the integration test:
checks HTTP basic auth and the form fields as Twilio would, records every
accepted message, and answers as told per recipient number."""
import base64
import http.server
import json
import threading
import urllib.parse


class MockTwilio:
    """answers: {To number: [(status, headers, body) ...]}: each request for
    that number takes the next entry (the last one repeats); other numbers
    get 201 with a fresh SID."""

    def __init__(self, account_sid, auth_token):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.answers = {}
        self.received = []   # every request's form, in order (accepted or not)
        self.accepted = []   # the forms answered 201
        self.problems = []   # what a real Twilio would have refused
        self.lock = threading.Lock()
        self.next_sid = 1
        mock = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                form = urllib.parse.parse_qs(self.rfile.read(length).decode(),
                                             keep_blank_values=True)
                status, headers, body = mock.answer(self.path, self.headers, form)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                data = json.dumps(body).encode()
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def answer(self, path, headers, form):
        expected = "Basic " + base64.b64encode(
            f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if headers.get("Authorization") != expected:
            return 401, {}, {"code": 20003, "message": "Authenticate", "status": 401}
        if path != f"/2010-04-01/Accounts/{self.account_sid}/Messages.json":
            return 404, {}, {"code": 20404, "message": "not found", "status": 404}
        fields = {k: v[0] for k, v in form.items()}
        with self.lock:
            self.received.append(fields)
            for need in ("To", "Body"):
                if not fields.get(need):
                    self.problems.append(f"no {need} in {fields}")
            if not fields.get("From") and not fields.get("MessagingServiceSid"):
                self.problems.append(f"neither From nor MessagingServiceSid in {fields}")
            if headers.get("Content-Type") != "application/x-www-form-urlencoded":
                self.problems.append("Content-Type " + str(headers.get("Content-Type")))
            queue = self.answers.get(fields.get("To"))
            if queue:
                status, extra, body = queue.pop(0) if len(queue) > 1 else queue[0]
                if status != 201:
                    return status, extra, body
            sid = f"SM{self.next_sid:032x}"
            self.next_sid += 1
            self.accepted.append(dict(fields, sid=sid))
        return 201, {}, {"sid": sid, "status": "queued", "to": fields.get("To"),
                         "body": fields.get("Body")}

    def accepted_to(self, number):
        with self.lock:
            return [f for f in self.accepted if f.get("To") == number]

    def requests_to(self, number):
        with self.lock:
            return [f for f in self.received if f.get("To") == number]
