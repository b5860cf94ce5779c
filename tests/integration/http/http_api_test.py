#!/usr/bin/env python3
"""The HTTP listeners of the real `herald serve` with real clients
(http.client, raw sockets, curl, promtool) against a real SQLite store: the
admin API's answers and every refusal with its message, the limits (body,
header, slow clients, 10,000 connections), /metrics through promtool, and
the public links (made with `herald links sign`): forged, altered and
expired tokens refused with nothing recorded, and a one-click unsubscribe
after which the daemon's next delivery to that contact is refused as
unsubscribed."""
import http.client
import json
import os
import re
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.parse

HERALD, PLUGIN_DIR = (os.path.abspath(a) for a in sys.argv[1:3])
del sys.argv[1:3]
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "daemon"))
from harness import NotifySocket  # noqa: E402

TOKEN = "test-admin-token-0123456789abcdef"
FILE_TOKEN = "file-admin-token-0123456789abcdef"
REVISION = "0" * 64  # the revision written into hand-made links

CONTACTS = """\
external_id,email,first_name,consent_email
c1,ada@example.com,Ada,yes
c2,bob@example.com,Bob,yes
"""

NEWS = """\
name: news
description: the newsletter
trigger: {type: api}
steps:
  - id: email
    uses: outbox.email
    with:
      from: shop@example.com
      subject: "News"
      text: "Hello"
"""

# Waits an hour before its message: a run of it can be cancelled.
WELCOME = """\
name: welcome
trigger: {type: api}
steps:
  - id: breathe
    uses: wait
    with: {duration: 1h}
  - id: email
    uses: outbox.email
    with: {from: shop@example.com, subject: "Welcome", text: "Hello"}
"""


class Server:
    """`herald serve` on free loopback ports, in `dirname`."""

    def __init__(self, dirname, limits=""):
        self.dir = dirname
        self.db = os.path.join(dirname, "herald.db")
        creds = os.path.join(dirname, "creds")
        os.makedirs(creds, exist_ok=True)
        with open(os.path.join(creds, "admin-token"), "w") as f:
            f.write("# one token per line\n" + FILE_TOKEN + "\n")
        workflows = os.path.join(dirname, "workflows")
        os.makedirs(workflows, exist_ok=True)
        for name, text in (("news.yaml", NEWS), ("welcome.yaml", WELCOME)):
            with open(os.path.join(workflows, name), "w") as f:
                f.write(text)
        self.config = os.path.join(dirname, "herald.yaml")
        with open(self.config, "w") as f:
            f.write(f"""\
state_dir: {dirname}
database: {self.db}
workflows_dir: {workflows}
runtime_dir: {dirname}/run
plugin_dirs: [{PLUGIN_DIR}]
plugins:
  outbox: {{dir: {dirname}/outbox, fsync: false}}
http:
  admin:
    listen: 127.0.0.1:0
    tokens: [{TOKEN}]
    token_file: admin-token
  public:
    listen: 127.0.0.1:0
    base_url: https://links.example/x
  limits:
    max_connections: 200
    max_body_bytes: 65536
    max_header_bytes: 4096
    read_timeout: 1s
    max_batch_events: 100
{limits}
links:
  keys:
    - id: k2
      secret: {"b" * 40}
    - id: k1
      secret_file: link-key
""")
        with open(os.path.join(creds, "link-key"), "w") as f:
            f.write("a" * 40 + "\n")
        self.env = dict(os.environ, CREDENTIALS_DIRECTORY=creds)
        self.notify = NotifySocket(os.path.join(dirname, "notify.sock"))
        self.log_path = os.path.join(dirname, "serve.log")
        self.log_file = open(self.log_path, "w")
        self.proc = subprocess.Popen([HERALD, "--config", self.config, "serve"],
                                     stdout=subprocess.DEVNULL, stderr=self.log_file,
                                     env=dict(self.env, NOTIFY_SOCKET=self.notify.path))
        self.notify.wait_for("READY=1", timeout=60, proc=self.proc)
        m = re.search(r"admin API on 127\.0\.0\.1:(\d+), public links on 127\.0\.0\.1:(\d+)",
                      self.log())
        assert m, self.log()
        self.admin, self.public = int(m.group(1)), int(m.group(2))

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log_file.close()
        self.notify.close()
        return self.proc.returncode

    def herald(self, *args, now=None):
        extra = ["--now", now] if now else []
        return subprocess.run([HERALD, "--config", self.config] + extra + list(args),
                              capture_output=True, text=True, env=self.env, timeout=60)

    def sign(self, purpose, contact, expired=False, url=None, revision=REVISION):
        """The public path of a link made by `herald links sign`."""
        args = ["links", "sign", purpose, "--contact", str(contact), "--workflow", "news",
                "--revision", revision, "--step", "email", "--expires", "1h"]
        out = self.herald(*(args + (["--url", url] if url else [])),
                          now="2020-01-01T00:00:00Z" if expired else None)
        assert out.returncode == 0, out.stderr
        url = out.stdout.strip()
        assert url.startswith("https://links.example/x/"), url
        return url[len("https://links.example/x"):]  # the path the public listener serves

    def consent(self, contact):
        """The contact's latest email consent: (granted, source)."""
        with sqlite3.connect(self.db) as db:
            return db.execute("SELECT granted, source FROM consents WHERE contact_id = ? AND "
                              "channel = 'email' ORDER BY at_ms DESC LIMIT 1",
                              (contact,)).fetchone()


def request(port, method, path, body=None, headers=None, token=TOKEN):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    h = dict(headers or {})
    if token:
        h["Authorization"] = "Bearer " + token
    if isinstance(body, (dict, list)):
        body = json.dumps(body)
        h.setdefault("Content-Type", "application/json")
    conn.request(method, path, body=body, headers=h)
    r = conn.getresponse()
    data = r.read()
    conn.close()
    ctype = r.getheader("Content-Type", "")
    parsed = json.loads(data) if "json" in ctype and data else data
    return r.status, parsed, r


class HttpApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        cls.tmp = tempfile.mkdtemp(prefix="herald-http-")
        with open(os.path.join(cls.tmp, "contacts.csv"), "w") as f:
            f.write(CONTACTS)
        r = subprocess.run([HERALD, "--db", os.path.join(cls.tmp, "herald.db"), "contacts",
                            "import", os.path.join(cls.tmp, "contacts.csv")],
                           capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        cls.server = Server(cls.tmp)
        # One delivery first, so /metrics has the engine's figures.
        s, b, _ = request(cls.server.admin, "POST", "/api/v1/runs",
                          {"workflow": "news", "contacts": [2]})
        assert s == 201, b
        cls.wait_for_run(b["run_id"])

    @classmethod
    def wait_for_run(cls, run):
        deadline = time.monotonic() + 30
        while True:
            s, b, _ = request(cls.server.admin, "GET", f"/api/v1/runs/{run}")
            if b["run"]["status"] == "done":
                return
            assert time.monotonic() < deadline, b
            time.sleep(0.1)

    @classmethod
    def tearDownClass(cls):
        code = cls.server.stop()
        shutil.rmtree(cls.tmp, ignore_errors=True)
        assert code == 0, f"server exited {code}"

    def admin(self, method, path, body=None, headers=None, **kw):
        return request(self.server.admin, method, path, body, headers=headers, **kw)

    def public(self, method, path, body=None, headers=None):
        return request(self.server.public, method, path, body, headers=headers, token=None)

    def assertProblem(self, status, body, r, code, detail=None, pointer=None):
        self.assertEqual(status, code, body)
        self.assertEqual(r.getheader("Content-Type"), "application/problem+json")
        self.assertEqual(body["status"], code)
        if detail is not None:
            self.assertEqual(body["detail"], detail)
        if pointer is not None:
            self.assertIn(pointer, [e["pointer"] for e in body.get("errors", [])], body)

    def events_of(self, contact, type_):
        with sqlite3.connect(self.server.db) as db:
            return db.execute("SELECT properties FROM events WHERE contact_id=? AND type=?",
                              (contact, type_)).fetchall()

    # ---- authentication ----
    def test_401_without_or_with_a_wrong_token(self):
        s, b, r = self.admin("GET", "/api/v1/workflows", token=None)
        self.assertProblem(s, b, r, 401, "send the admin token as 'Authorization: Bearer TOKEN'")
        self.assertEqual(r.getheader("WWW-Authenticate"), 'Bearer realm="herald"')
        s, b, r = self.admin("GET", "/api/v1/workflows", token="x" * 33)
        self.assertProblem(s, b, r, 401,
                           "the bearer token is not one of the configured admin tokens")
        s, b, r = self.admin("GET", "/api/v1/workflows", token=None,
                             headers={"Authorization": "Basic dXNlcjpwYXNz"})
        self.assertProblem(s, b, r, 401, "the Authorization header must be 'Bearer TOKEN'")
        # The token from the credential file (LoadCredential) works too.
        s, b, _ = self.admin("GET", "/api/v1/workflows", token=FILE_TOKEN)
        self.assertEqual(s, 200, b)
        # No token is ever logged.
        s, _, _ = self.admin("GET", "/livez", token=None)
        self.assertEqual(s, 200)

    # ---- events ----
    def test_events_accepted_after_commit_and_idempotent(self):
        ev = {"type": "purchase", "external_id": "c1", "properties": {"amount": 5},
              "event_id": "order-77"}
        s, b, _ = self.admin("POST", "/api/v1/events", ev)
        self.assertEqual(s, 202, b)
        self.assertEqual(b["results"][0]["status"], "stored")
        self.assertEqual(len(self.events_of(1, "purchase")), 1)  # committed before the answer
        s, b, _ = self.admin("POST", "/api/v1/events", ev)
        self.assertEqual(s, 202, b)
        self.assertEqual(b["results"][0]["status"], "duplicate")
        self.assertEqual(len(self.events_of(1, "purchase")), 1)
        s, b, _ = self.admin("POST", "/api/v1/events", {"events": [
            {"type": "view", "email": "BOB@example.com"},
            {"type": "view", "email": "nobody@example.com"}]})
        self.assertEqual(s, 202, b)
        self.assertEqual([x["status"] for x in b["results"]], ["stored", "unknown_contact"])

    def test_event_errors_name_the_field(self):
        s, b, r = self.admin("POST", "/api/v1/events", {"type": "view", "email": "ghost@example.com"})
        self.assertProblem(s, b, r, 422, pointer="/email")
        self.assertEqual(b["errors"][0]["detail"],
                         "no contact with email 'ghost@example.com' (or it was erased); create it "
                         "first with POST /api/v1/contacts")
        s, b, r = self.admin("POST", "/api/v1/events", {"events": [
            {"type": "ok", "contact_id": 1}, {"type": 5, "contact_id": "1", "at": "soon"}]})
        self.assertProblem(s, b, r, 422, "3 fields are not valid", "/events/1/type")
        details = {e["pointer"]: e["detail"] for e in b["errors"]}
        self.assertEqual(details["/events/1/contact_id"],
                         "must be a positive whole number (the contact's id in Herald)")
        self.assertIn("ISO 8601", details["/events/1/at"])

    def test_malformed_json(self):
        s, b, r = self.admin("POST", "/api/v1/events", '{"type": "x",', {"Content-Type": "application/json"})
        self.assertProblem(s, b, r, 400)
        self.assertTrue(b["detail"].startswith("the body is not valid JSON: parse error at line 1"), b)
        s, b, r = self.admin("POST", "/api/v1/events", "[" * 10000)
        self.assertProblem(s, b, r, 400,
                           "the JSON nests deeper than 64 levels (byte 65); flatten the document")
        s, b, r = self.admin("POST", "/api/v1/events", b'{"type": "\xff"}')
        self.assertProblem(s, b, r, 400)

    def test_huge_body_and_batch(self):
        s, b, r = self.admin("POST", "/api/v1/events", "x" * 200000)
        self.assertProblem(s, b, r, 413, "the body is larger than 65536 bytes "
                           "(http.limits.max_body_bytes); send fewer events per request")
        many = {"events": [{"type": "v", "contact_id": 1}] * 101}
        s, b, r = self.admin("POST", "/api/v1/events", many)
        self.assertProblem(s, b, r, 413, "has 101 events; send at most 100 per request "
                           "(http.limits.max_batch_events)", "/events")

    def test_huge_header(self):
        s, b, r = self.admin("GET", "/livez", headers={"X-Big": "y" * 8000})
        self.assertProblem(s, b, r, 431)

    def test_not_http(self):
        with socket.create_connection(("127.0.0.1", self.server.admin), timeout=5) as c:
            c.sendall(b"HELLO\x00 WORLD\r\n\r\n")
            data = c.recv(4096)
        self.assertTrue(data.startswith(b"HTTP/1.1 400"), data)

    def test_slow_client_is_closed_after_the_timeout(self):
        with socket.create_connection(("127.0.0.1", self.server.admin), timeout=10) as c:
            c.sendall(b"POST /api/v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
            start = time.monotonic()
            data = c.recv(4096)  # b"" once the server closes
            took = time.monotonic() - start
        self.assertEqual(data, b"")
        self.assertLess(took, 5)
        self.assertGreater(took, 0.5)

    def test_keep_alive_serves_several_requests(self):
        conn = http.client.HTTPConnection("127.0.0.1", self.server.admin, timeout=5)
        for _ in range(3):
            conn.request("GET", "/livez")
            r = conn.getresponse()
            self.assertEqual(r.read(), b"ok\n")
        conn.close()

    def test_ten_thousand_connections(self):
        socks, opened = [], 0
        try:
            for _ in range(10000):
                try:
                    s = socket.socket()
                    s.setblocking(False)
                    s.connect_ex(("127.0.0.1", self.server.admin))
                    socks.append(s)
                    opened += 1
                except OSError:
                    break
            time.sleep(1)
        finally:
            for s in socks:
                s.close()
        self.assertGreater(opened, 5000)
        self.assertIsNone(self.server.proc.poll(), "the server died")
        deadline = time.monotonic() + 10
        while True:
            try:
                s, b, _ = self.admin("GET", "/livez")
                if s == 200:
                    break
            except OSError:
                pass
            self.assertLess(time.monotonic(), deadline, "the server does not answer after the flood")
            time.sleep(0.2)
        _, text, _ = self.admin("GET", "/metrics")
        refused = [l for l in text.decode().splitlines()
                   if l.startswith('herald_http_refusals_total{listener="admin",reason="connections"}')]
        self.assertTrue(refused and float(refused[0].split()[-1]) > 0, refused)

    def test_unknown_route_and_method(self):
        s, b, r = self.admin("GET", "/api/v1/nope")
        self.assertProblem(s, b, r, 404,
                           "no such resource; the API is described at /api/v1/openapi.json")
        s, b, r = self.admin("DELETE", "/api/v1/events")
        self.assertProblem(s, b, r, 405, "DELETE is not allowed here; allowed: POST")
        self.assertEqual(r.getheader("Allow"), "POST")

    # ---- contacts ----
    def test_contacts(self):
        s, b, _ = self.admin("POST", "/api/v1/contacts",
                             {"external_id": "c9", "email": "cy@example.com", "first_name": "Cy",
                              "consent_email": "yes", "attributes": {"plan": "pro"}})
        self.assertEqual(s, 201, b)
        cid = b["id"]
        s, b, _ = self.admin("POST", "/api/v1/contacts", {"external_id": "c9", "last_name": "Wu"})
        self.assertEqual((s, b), (200, {"id": cid, "created": False}))
        s, b, _ = self.admin("GET", "/api/v1/contacts/" + urllib.parse.quote("cy@example.com"))
        self.assertEqual(s, 200, b)
        self.assertEqual(b["contact"]["last_name"], "Wu")
        self.assertEqual(b["attributes"], {"plan": "pro"})
        s, b, _ = self.admin("GET", "/api/v1/contacts/ext:c9/export")
        self.assertEqual(s, 200)
        self.assertIn("events", b)
        s, b, _ = self.admin("GET", f"/api/v1/contacts/{cid}/sends")
        self.assertEqual((s, b), (200, {"sends": []}))
        s, b, r = self.admin("POST", "/api/v1/contacts", {"email": "not-an-address"})
        self.assertProblem(s, b, r, 422, pointer="/email")
        s, b, r = self.admin("POST", "/api/v1/contacts", [1])
        self.assertProblem(s, b, r, 422, pointer="")
        s, b, r = self.admin("GET", "/api/v1/contacts/99999")
        self.assertProblem(s, b, r, 404, "no contact with id 99999 (or it was erased)")
        s, b, r = self.admin("GET", "/api/v1/contacts/nobody")
        self.assertProblem(s, b, r, 400, "'nobody' does not name a contact: write its numeric id "
                           "(42), ext:EXTERNAL_ID or its email address")
        s, b, _ = self.admin("DELETE", f"/api/v1/contacts/{cid}")
        self.assertEqual(s, 200, b)
        self.assertEqual(b["suppressed"], ["email"])
        s, b, r = self.admin("POST", "/api/v1/contacts", {"email": "cy@example.com"})
        self.assertProblem(s, b, r, 422, pointer="/email")
        s, b, _ = self.admin("POST", "/api/v1/suppressions", {"address": "+33 6 12 34 56 78"})
        self.assertEqual(s, 201, b)
        s, b, _ = self.admin("POST", "/api/v1/suppressions", {"address": "+33612345678"})
        self.assertEqual((s, b["already_suppressed"]), (200, True))
        s, b, r = self.admin("POST", "/api/v1/suppressions", {"address": "12", "why": 1})
        self.assertProblem(s, b, r, 422, pointer="/why")
        self.assertIn("neither an email address nor a phone number",
                      {e["pointer"]: e["detail"] for e in b["errors"]}["/address"])

    # ---- workflows and runs ----
    def test_workflows_and_runs(self):
        s, b, _ = self.admin("GET", "/api/v1/workflows")
        self.assertEqual(s, 200)
        self.assertIn("welcome", [w["name"] for w in b["workflows"]])
        s, b, _ = self.admin("POST", "/api/v1/workflows/welcome/pause")
        self.assertEqual((s, b["paused"]), (200, True))
        s, b, _ = self.admin("POST", "/api/v1/workflows/welcome/resume")
        self.assertEqual((s, b["paused"]), (200, False))
        s, b, r = self.admin("POST", "/api/v1/workflows/nope/pause")
        self.assertProblem(s, b, r, 404, "no workflow 'nope' is served; GET /api/v1/workflows lists them")
        s, b, _ = self.admin("POST", "/api/v1/workflows/news/validate", NEWS,
                             {"Content-Type": "application/yaml"})
        self.assertEqual(s, 200, b)
        s, b, r = self.admin("POST", "/api/v1/workflows/news/validate", "name: news\nsteps: [\n",
                             {"Content-Type": "application/yaml"})
        self.assertProblem(s, b, r, 422)
        self.assertGreater(b["errors"][0]["line"], 0)
        s, b, _ = self.admin("POST", "/api/v1/runs", {"workflow": "welcome", "contacts": [1, 2]})
        self.assertEqual(s, 201, b)
        run = b["run_id"]
        s, b, _ = self.admin("GET", f"/api/v1/runs/{run}")
        self.assertEqual((s, b["run"]["id"]), (200, run))
        s, b, _ = self.admin("GET", "/api/v1/runs?limit=5")
        self.assertIn(run, [x["id"] for x in b["runs"]])
        s, b, _ = self.admin("POST", f"/api/v1/runs/{run}/cancel")
        self.assertEqual(s, 200, b)
        s, b, r = self.admin("POST", f"/api/v1/runs/{run}/cancel")
        self.assertProblem(s, b, r, 409, f"run {run} has already finished")
        s, b, r = self.admin("POST", "/api/v1/runs", {"workflow": "welcome", "contacts": ["a"], "x": 1})
        self.assertProblem(s, b, r, 422, pointer="/contacts/0")
        s, b, r = self.admin("GET", "/api/v1/runs?limit=0")
        self.assertProblem(s, b, r, 400, "limit must be a whole number from 1 to 1000")

    def test_sends(self):
        # setUpClass sent 'news' to contact 2.
        s, b, _ = self.admin("GET", "/api/v1/sends?workflow=news&contact=2&state=sent")
        self.assertEqual(s, 200, b)
        self.assertEqual(len(b["sends"]), 1, b)
        send = b["sends"][0]
        self.assertEqual((send["workflow"], send["step"], send["contact_id"], send["state"],
                          send["decision"], send["transactional"]),
                         ("news", "email", 2, "sent", "allowed", False))
        s, one, _ = self.admin("GET", "/api/v1/sends/" + urllib.parse.quote(send["key"], safe=""))
        self.assertEqual((s, one), (200, send))
        s, b, _ = self.admin("GET", "/api/v1/sends?contact=" + urllib.parse.quote("ext:nobody"))
        self.assertEqual(s, 404, b)
        s, b, r = self.admin("GET", "/api/v1/sends?state=lost")
        self.assertProblem(s, b, r, 400, "state: unknown state 'lost'; the states are queued, "
                           "sending, sent, failed, refused, deferred, unknown, skipped")
        s, b, r = self.admin("GET", "/api/v1/sends?colour=red")
        self.assertProblem(s, b, r, 400, "'colour' is not a parameter; the parameters are "
                           "workflow, contact, state, limit")
        s, b, r = self.admin("GET", "/api/v1/sends?limit=5000")
        self.assertProblem(s, b, r, 400, "limit must be a whole number from 1 to 1000")
        s, b, r = self.admin("GET", "/api/v1/sends/nonsense")
        self.assertProblem(s, b, r, 400, "not a send key: a key reads "
                           "WORKFLOW/REVISION/STEP/CONTACT/OCCURRENCE, percent-encoded in the "
                           "path (%2F for each '/')")
        s, b, r = self.admin("GET", "/api/v1/sends/" + urllib.parse.quote("news/abc/email/2/0",
                                                                          safe=""))
        self.assertProblem(s, b, r, 404, "no send has this key; GET /api/v1/sends lists them")
        s, b, r = self.admin("GET", "/api/v1/sends", token=None)
        self.assertEqual(s, 401)

    # ---- observability ----
    def test_metrics_pass_promtool_and_health(self):
        self.admin("GET", "/api/v1/workflows", token=None)  # a refusal to count
        s, text, r = self.admin("GET", "/metrics", token=None)
        self.assertEqual(s, 200)
        self.assertTrue(r.getheader("Content-Type").startswith("text/plain; version=0.0.4"))
        text = text.decode()
        self.assertIn('herald_http_requests_total{code="401",listener="admin",route="/api/v1/workflows"}', text)
        self.assertIn("herald_http_request_duration_seconds_bucket", text)
        self.assertIn('herald_step_outcomes_total{outcome="continue",step="email",workflow="news"} 1', text)
        promtool = shutil.which("promtool")
        if promtool is None:
            self.skipTest("promtool is not installed (Debian package prometheus)")
        p = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True,
                           text=True, timeout=60)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        s, b, _ = self.admin("GET", "/readyz", token=None)
        self.assertEqual((s, b["ready"]), (200, True), b)
        s, b, _ = self.admin("GET", "/api/v1/openapi.json", token=None)
        self.assertEqual((s, b["openapi"]), (200, "3.1.0"))

    # ---- public links ----
    def test_forged_altered_expired_tokens_record_nothing(self):
        good = self.server.sign("unsubscribe", 2)
        token = good.split("/")[-1]
        altered = token[:20] + ("A" if token[20] != "A" else "B") + token[21:]
        expired = self.server.sign("unsubscribe", 2, expired=True)
        wrong = self.server.sign("open", 2).replace("/o/", "/u/")
        for path in ["/u/" + altered, expired, wrong, "/u/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                     "/u/" + token[:-2]]:
            s, b, _ = self.public("POST", path, "List-Unsubscribe=One-Click",
                                  {"Content-Type": "application/x-www-form-urlencoded"})
            self.assertEqual(s, 404, path)
            self.assertIn(b"This link is not valid", b)
        s, _, _ = self.public("GET", "/o/" + altered)
        self.assertEqual(s, 404)
        s, _, _ = self.public("GET", "/c/" + altered)
        self.assertEqual(s, 404)
        self.assertEqual(self.events_of(2, "unsubscribe"), [])
        self.assertEqual(self.events_of(2, "open"), [])
        self.assertEqual(self.server.consent(2)[0], 1)
        # A scanner following the link (GET) unsubscribes no one.
        s, page, r = self.public("GET", good)
        self.assertEqual(s, 200)
        self.assertIn(b'<input type="hidden" name="List-Unsubscribe" value="One-Click">', page)
        self.assertEqual(self.server.consent(2)[0], 1)
        self.assertEqual(self.events_of(2, "unsubscribe"), [])
        _, text, _ = self.admin("GET", "/metrics", token=None)
        self.assertIn('reason="bad_token_bad-signature"', text.decode())
        self.assertIn('reason="bad_token_expired"', text.decode())

    def test_one_click_unsubscribe_stops_the_next_delivery(self):
        path = self.server.sign("unsubscribe", 1)
        s, b, _ = self.public("POST", path, "nonsense")
        self.assertEqual(s, 400)
        self.assertEqual(self.server.consent(1)[0], 1)
        # RFC 8058 as a mail provider sends it, with curl.
        url = f"http://127.0.0.1:{self.server.public}{path}"
        out = subprocess.run(["curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
                              "-X", "POST", "-d", "List-Unsubscribe=One-Click", url],
                             capture_output=True, text=True, timeout=30)
        self.assertEqual(out.stdout.strip(), "200")
        self.assertEqual(self.server.consent(1)[0], 0)
        props = [json.loads(p[0]) for p in self.events_of(1, "unsubscribe")]
        self.assertEqual(len(props), 1)
        self.assertEqual(props[0]["workflow"], "news")
        self.assertEqual(props[0]["step"], "email")
        self.assertEqual(props[0]["send"], "news/" + "0" * 64 + "/email/1/0")
        # Twice is still one unsubscribe event.
        s, _, _ = self.public("POST", path, "List-Unsubscribe=One-Click")
        self.assertEqual(s, 200)
        self.assertEqual(len(self.events_of(1, "unsubscribe")), 1)
        # The daemon's next delivery to that contact is refused as unsubscribed.
        s, b, _ = self.admin("POST", "/api/v1/runs", {"workflow": "news", "contacts": [1]})
        self.assertEqual(s, 201, b)
        run = b["run_id"]
        self.wait_for_run(run)
        with sqlite3.connect(self.server.db) as db:
            rows = dict(db.execute("SELECT contact_id, decision FROM send_ledger "
                                   "WHERE workflow = 'news' AND run_id = ?", (run,)))
        self.assertEqual(rows, {1: "unsubscribed"})
        # The run's batches are timed in /metrics.
        _, text, _ = self.admin("GET", "/metrics")
        self.assertRegex(text.decode(), r'herald_batch_seconds_count\{step="email",workflow="news"\} [1-9]')

    def test_links_verify_and_sign(self):
        path = self.server.sign("click", 2, url="https://shop.example/p?id=7")
        r = self.server.herald("links", "verify", "https://links.example/x" + path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("purpose:  click\ncontact:  2\nworkflow: news\n", r.stdout)
        self.assertIn("url:      https://shop.example/p?id=7", r.stdout)
        self.assertIn("key:      k2", r.stdout)
        token = path.split("/")[-1]
        r = self.server.herald("links", "verify", "--json", token)
        self.assertEqual(json.loads(r.stdout)["purpose"], "click")
        altered = token[:20] + ("A" if token[20] != "A" else "B") + token[21:]
        r = self.server.herald("links", "verify", altered)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stderr, "herald: error: the public listener refuses this link: "
                         "bad-signature (not a link these keys signed, or altered)\n")
        expired = self.server.sign("unsubscribe", 2, expired=True)
        r = self.server.herald("links", "verify", expired)
        self.assertEqual(r.stderr, "herald: error: the public listener refuses this link: expired\n")
        r = self.server.herald("links", "sign", "visit", "--contact", "1", "--workflow", "news")
        self.assertEqual((r.returncode, r.stderr), (2, "herald: error: unknown link purpose "
                                                       "'visit'; use unsubscribe, open or click\n"))
        r = self.server.herald("links", "sign", "click", "--contact", "1", "--workflow", "news")
        self.assertEqual(r.stderr, "herald: error: a click link needs --url (where it leads)\n")
        r = self.server.herald("links", "sign", "open", "--contact", "1", "--workflow", "news",
                               "--expires", "soon")
        self.assertEqual(r.stderr, "herald: error: --expires 'soon' is not a duration; write e.g. "
                                   "30d, 12h or 90m\n")

    def test_open_pixel_and_click(self):
        s, body, r = self.public("GET", self.server.sign("open", 2))
        self.assertEqual((s, r.getheader("Content-Type")), (200, "image/gif"))
        self.assertTrue(body.startswith(b"GIF89a"))
        self.assertEqual(len(self.events_of(2, "open")), 1)
        path = self.server.sign("click", 2, url="https://shop.example/p?id=7")
        s, _, r = self.public("GET", path)
        self.assertEqual((s, r.getheader("Location")), (302, "https://shop.example/p?id=7"))
        props = json.loads(self.events_of(2, "click")[0][0])
        self.assertEqual(props["url"], "https://shop.example/p?id=7")
        self.assertNotIn("machine", props)

    def last_event(self, contact, type_):
        with sqlite3.connect(self.server.db) as db:
            row = db.execute("SELECT properties FROM events WHERE contact_id=? AND type=? "
                             "ORDER BY id DESC LIMIT 1", (contact, type_)).fetchone()
        return json.loads(row[0])

    def test_public_links_flag_machine_opens_and_clicks(self):
        # Contact 1 (contact 2's opens are counted by the tests above).
        safari = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
                  "(KHTML, like Gecko) Version/17.1 Safari/605.1.15")
        gmail = ("Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 "
                 "(via ggpht.com GoogleImageProxy)")
        opened = self.server.sign("open", 1)
        for ua, reason in ((safari, None), (gmail, None), ("Mozilla/5.0", "apple-privacy-proxy"),
                           ("Barracuda Sentinel (EE)", "security-scanner"),
                           ("curl/7.88.1", "automated-client")):
            s, body, _ = self.public("GET", opened, headers={"User-Agent": ua})
            self.assertEqual(s, 200, ua)
            props = self.last_event(1, "open")
            self.assertEqual(props.get("machine"), True if reason else None, ua)
            self.assertEqual(props.get("machine_reason"), reason, ua)
        # A scanner's click is flagged and still redirected: a person may be behind it.
        clicked = self.server.sign("click", 1, url="https://shop.example/p?id=8")
        s, _, r = self.public("GET", clicked, headers={"User-Agent": "Mimecast-URL-Protect/1.0"})
        self.assertEqual((s, r.getheader("Location")), (302, "https://shop.example/p?id=8"))
        props = self.last_event(1, "click")
        self.assertEqual((props["machine"], props["machine_reason"]), (True, "security-scanner"))
        s, _, r = self.public("GET", clicked, headers={"User-Agent": safari})
        self.assertEqual(s, 302)
        self.assertNotIn("machine", self.last_event(1, "click"))
        # Timed from the send's ledger row (setUpClass sent 'news' to contact 2):
        # an open a second after it is too fast for a person, an hour after it is not.
        s, b, _ = self.admin("GET", "/api/v1/sends?workflow=news&contact=2&state=sent")
        self.assertEqual((s, len(b["sends"])), (200, 1), b)
        key = b["sends"][0]["key"]
        revision = key.split("/")[1]
        real = self.server.sign("open", 2, revision=revision)
        for ago_ms, reason in ((1000, "too-fast"), (3_600_000, None)):
            with sqlite3.connect(self.server.db, timeout=10) as db:
                db.execute("UPDATE send_ledger SET updated_ms = ? WHERE workflow = 'news' AND "
                           "contact_id = 2", (int(time.time() * 1000) - ago_ms,))
            s, _, _ = self.public("GET", real, headers={"User-Agent": safari})
            self.assertEqual(s, 200)
            props = self.last_event(2, "open")
            self.assertEqual(props["send"], key)
            self.assertEqual(props.get("machine_reason"), reason, ago_ms)


if __name__ == "__main__":
    unittest.main(verbosity=2)
