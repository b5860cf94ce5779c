#!/usr/bin/python3
"""The smtp plugin in the real `herald run` against real SMTP servers on
loopback: python3-aiosmtpd (STARTTLS, AUTH, a certificate made with openssl
per run) to read exactly what arrived, and Postfix's smtp-sink for forced
5xx/4xx answers to RCPT.

What arrives is checked by independent readers: Python's email parser
(policy=default) for MIME and RFC 2047 names, python3-dkim for the DKIM
signature (rsa-sha256 and ed25519-sha256), `herald links verify` for the
List-Unsubscribe URL.

Usage: smtp_cli_test.py HERALD PLUGIN_DIR SMTP_TEST_SERVER_PY
"""
import base64
import email
import email.policy
import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import unittest

import dkim

HERALD = sys.argv.pop(1)
PLUGIN_DIR = sys.argv.pop(1)
SERVER = sys.argv.pop(1)

PASSWORD = "s3cret-Pa55word"

CONTACTS = """\
external_id,email,first_name,last_name,consent_email
k1,minjun@example.kr,민준,김,yes
j1,taro@example.jp,太郎,山田,yes
"""

WORKFLOW = """\
name: autumn
trigger: {type: manual}
steps:
  - id: send
    uses: smtp.email
    with:
      from: '"ヘラルド通信" <news@acme.example>'
      reply_to: '"고객센터" <help@acme.example>'
      subject: "{{ contact.first_name }}님, 가을 신상품 안내 — 秋の新作コレクションのご案内です"
      preheader: "가을 신상품 20% 할인"
      text: "안녕하세요 {{ contact.first_name }}님. いつもありがとうございます。"
      html: '<p>안녕하세요 {{ contact.first_name }}님. <a href="https://shop.example/autumn?a=1&amp;b=2">shop</a></p>'
      track_clicks: true
      headers: {X-Campaign: autumn-2026}
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def accepts(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class Sandbox:
    """A state dir, link keys, a DKIM key and a herald.yaml naming one SMTP server."""

    def __init__(self, smtp, dkim_algorithm=None):
        self.tmp = tempfile.TemporaryDirectory(prefix="herald-smtp-")
        self.dir = self.tmp.name
        self.db = os.path.join(self.dir, "var", "herald.db")
        self.write("link-key", os.urandom(32).hex())
        self.write("smtp-pass", PASSWORD)
        plugin = {"smtp": smtp}
        if dkim_algorithm:
            key = os.path.join(self.dir, "dkim.pem")
            args = ["openssl", "genpkey", "-algorithm", dkim_algorithm, "-out", key]
            if dkim_algorithm == "RSA":
                args += ["-pkeyopt", "rsa_keygen_bits:2048"]
            subprocess.run(args, check=True, capture_output=True)
            plugin.update(dkim_domain="acme.example", dkim_selector="herald2026",
                          dkim_key_file="dkim.pem")  # a credential name
        config = {
            "state_dir": os.path.join(self.dir, "var"),
            "plugin_dirs": [PLUGIN_DIR],
            "http": {"public": {"base_url": "https://links.example"}},
            "links": {"keys": [{"id": "k1", "secret_file": os.path.join(self.dir, "link-key")}]},
            "plugins": {"smtp": plugin},
        }
        self.config = self.write("herald.yaml", json.dumps(config))  # JSON is YAML
        self.workflow = self.write("autumn.yaml", WORKFLOW)

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def herald(self, *args, timeout=120):
        # Relative credential names (password_file, dkim_key_file) are read
        # from here, as under systemd's LoadCredential=.
        env = dict(os.environ, CREDENTIALS_DIRECTORY=self.dir)
        return subprocess.run([HERALD, "--config", self.config, "--db", self.db, *args],
                              capture_output=True, text=True, cwd="/", env=env, timeout=timeout)

    def import_contacts(self, csv_text=CONTACTS):
        r = self.herald("contacts", "import", self.write("contacts.csv", csv_text))
        assert r.returncode == 0, r.stdout + r.stderr

    def dkim_dns_record(self):
        der = subprocess.run(["openssl", "pkey", "-in", os.path.join(self.dir, "dkim.pem"),
                              "-pubout", "-outform", "DER"], check=True,
                             capture_output=True).stdout
        if b"\x2b\x65\x70" in der[:12]:  # id-Ed25519: p= is the raw 32-byte key (RFC 8463)
            return b"v=DKIM1; k=ed25519; p=" + base64.b64encode(der[-32:])
        return b"v=DKIM1; k=rsa; p=" + base64.b64encode(der)

    def suppression_reasons(self):
        with sqlite3.connect(self.db) as db:
            return [r[0] for r in db.execute("SELECT reason FROM suppressions")]


class Aiosmtpd:
    """tests/unit/net/smtp_test_server.py: STARTTLS and AUTH; recipients whose
    local part starts with "reject" get 550 5.1.1, with "defer" 451 4.7.1."""

    def __init__(self, directory, tls="starttls"):
        self.dir = directory
        self.tls = tls
        self.proc = subprocess.Popen(
            ["/usr/bin/python3", SERVER, "--dir", directory, "--tls", tls,
             "--auth", "herald:" + PASSWORD, "--pipelining"]
            # aiosmtpd cannot tell that an implicit-TLS connection is TLS.
            + (["--auth-without-tls"] if tls == "implicit" else []),
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()  # the server prints READY within a second or two
        if not line.startswith("READY "):
            raise RuntimeError("aiosmtpd did not start: " + line)
        self.port = int(line.split()[1])

    def settings(self):
        return {"host": "localhost", "port": self.port, "tls": self.tls,
                "ca_file": os.path.join(self.dir, "cert.pem"), "username": "herald",
                "password_file": "smtp-pass"}  # a credential name

    def messages(self):
        spool = os.path.join(self.dir, "spool")
        out = []
        for name in sorted(os.listdir(spool)):
            if name.endswith(".eml"):
                with open(os.path.join(spool, name), "rb") as f:
                    data = f.read()
                with open(os.path.join(spool, name[:-4] + ".json")) as f:
                    out.append((json.load(f), data))
        return out

    def stop(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


class SmtpSink:
    """Postfix's smtp-sink on a free port with forced answers (e.g. -f RCPT: 5xx)."""

    def __init__(self, *options):
        self.port = free_port()
        args = ["/usr/sbin/smtp-sink"]
        if os.geteuid() == 0:
            args += ["-u", "nobody"]  # as root it must drop privileges
        self.proc = subprocess.Popen(args + list(options) + [f"127.0.0.1:{self.port}", "16"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 5
        while not accepts(self.port):
            if time.monotonic() > deadline:
                raise RuntimeError("smtp-sink did not start")
            time.sleep(0.02)

    def settings(self):
        return {"host": "127.0.0.1", "port": self.port, "tls": "none"}

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def send_row(stdout):
    for line in stdout.splitlines():
        cols = line.split()
        if cols and cols[0] == "send":
            return cols
    raise AssertionError("no row for step send in:\n" + stdout)


class SmtpDelivery(unittest.TestCase):
    def setUp(self):
        self.server_dir = tempfile.TemporaryDirectory(prefix="herald-aiosmtpd-")

    def tearDown(self):
        self.server_dir.cleanup()

    def run_against(self, server, dkim_algorithm=None, contacts=CONTACTS):
        sb = Sandbox(server.settings(), dkim_algorithm)
        self.addCleanup(sb.tmp.cleanup)
        sb.import_contacts(contacts)
        r = sb.herald("run", sb.workflow)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        return sb, r

    def test_korean_and_japanese_messages_arrive_valid_signed_and_unsubscribable(self):
        for algorithm in ("ED25519", "RSA"):
            with self.subTest(dkim=algorithm):
                server = Aiosmtpd(tempfile.mkdtemp(dir=self.server_dir.name))
                try:
                    sb, r = self.run_against(server, algorithm)
                    # step type entered continued waiting exited failed (retries only when any)
                    self.assertEqual(send_row(r.stdout)[1:], ["smtp.email", "2", "2", "0", "0",
                                                              "0"], r.stdout)
                    received = server.messages()
                finally:
                    server.stop()
                self.assertEqual(sorted(env["rcpt_tos"][0] for env, _ in received),
                                 ["minjun@example.kr", "taro@example.jp"])
                names = {"minjun@example.kr": ("민준 김", "민준"),
                         "taro@example.jp": ("太郎 山田", "太郎")}
                record = sb.dkim_dns_record()
                asked = []

                def dns(name, timeout=5):
                    asked.append(name)
                    return record

                for envelope, data in received:
                    self.assertEqual(envelope["mail_from"], "news@acme.example")
                    # CRLF everywhere, no line over 998 characters.
                    for line in data.split(b"\r\n"):
                        self.assertNotIn(b"\n", line)
                        self.assertLessEqual(len(line), 998)
                    self.assertTrue(dkim.verify(data, dnsfunc=dns), data[:1200])
                    msg = email.message_from_bytes(data, policy=email.policy.default)
                    sig = msg["DKIM-Signature"]
                    want = "ed25519-sha256" if algorithm == "ED25519" else "rsa-sha256"
                    self.assertIn("a=" + want, sig)
                    h = "".join(sig.split("h=")[1].split(";")[0].split())
                    self.assertIn("list-unsubscribe:list-unsubscribe-post", h)
                    to = envelope["rcpt_tos"][0]
                    full, first = names[to]
                    self.assertEqual(msg["To"].addresses[0].display_name, full)
                    self.assertEqual(msg["To"].addresses[0].addr_spec, to)
                    self.assertEqual(msg["From"].addresses[0].display_name, "ヘラルド通信")
                    self.assertEqual(msg["Reply-To"].addresses[0].display_name, "고객센터")
                    self.assertEqual(str(msg["Subject"]),
                                     first + "님, 가을 신상품 안내 — 秋の新作コレクションのご案内です")
                    self.assertEqual(msg["X-Campaign"], "autumn-2026")
                    self.assertEqual(msg["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
                    url = str(msg["List-Unsubscribe"]).strip("<>")
                    self.assertTrue(url.startswith("https://links.example/u/"), url)
                    v = sb.herald("links", "verify", url)
                    self.assertEqual(v.returncode, 0, v.stdout + v.stderr)
                    self.assertIn("purpose:  unsubscribe", v.stdout)
                    self.assertIn("workflow: autumn", v.stdout)
                    # The Message-ID names the delivery (workflow.revision.step.contact.occurrence).
                    self.assertRegex(msg["Message-ID"],
                                     r"^<herald\.autumn\.[0-9a-f]{64}\.send\.\d+\.0@acme\.example>$")
                    self.assertEqual(msg.get_content_type(), "multipart/alternative")
                    text = msg.get_body(("plain",)).get_content()
                    html = msg.get_body(("html",)).get_content()
                    self.assertEqual(text, f"안녕하세요 {first}님. いつもありがとうございます。")
                    # The preheader is the hidden first element of the HTML.
                    self.assertTrue(html.startswith('<div style="display:none;'), html)
                    self.assertIn(">가을 신상품 20% 할인</div>", html)
                    # Click tracking: the link goes through a signed click URL.
                    self.assertNotIn("https://shop.example", html)
                    self.assertIn('<a href="https://links.example/c/', html)
                self.assertEqual(set(asked), {b"herald2026._domainkey.acme.example."})

    def test_implicit_tls_and_a_transactional_message_without_list_unsubscribe(self):
        server = Aiosmtpd(self.server_dir.name, tls="implicit")
        try:
            sb = Sandbox(server.settings())
            self.addCleanup(sb.tmp.cleanup)
            sb.import_contacts()
            sb.write("autumn.yaml", WORKFLOW.replace("      track_clicks: true\n",
                                                     "      transactional: true\n"))
            r = sb.herald("run", sb.workflow)
            received = server.messages()
        finally:
            server.stop()
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(len(received), 2, r.stdout + sb.herald("runs", "show", "1").stdout)
        for _, data in received:
            msg = email.message_from_bytes(data, policy=email.policy.default)
            self.assertIsNone(msg["List-Unsubscribe"])
            self.assertIsNone(msg["List-Unsubscribe-Post"])
            self.assertIsNone(msg["DKIM-Signature"])
            self.assertIn("https://shop.example/autumn", msg.get_body(("html",)).get_content())

    def test_refused_address_is_suppressed_and_deferred_one_retried(self):
        server = Aiosmtpd(self.server_dir.name)
        contacts = CONTACTS + ("r1,reject-rex@example.com,Rex,Gone,yes\n"
                               "d1,defer-dee@example.com,Dee,Later,yes\n")
        try:
            sb, r = self.run_against(server, contacts=contacts)
        finally:
            server.stop()
        # entered continued waiting exited failed retries (a retry is not an entry yet)
        self.assertEqual(send_row(r.stdout)[1:], ["smtp.email", "3", "2", "0", "0", "1", "1"],
                         r.stdout)
        self.assertIn("1 journey waits for a retry", r.stdout)
        show = sb.herald("runs", "show", "1").stdout
        self.assertIn("1 at 'send': smtp: hard bounce: 550 5.1.1 <reject-rex@example.com>: "
                      "Recipient address rejected: no such user (contacts 3)", show)
        rex = sb.herald("contacts", "show", "reject-rex@example.com").stdout
        self.assertIn("suppressed   since", rex)
        self.assertIn("1 bounced", rex)
        dee = sb.herald("contacts", "show", "defer-dee@example.com").stdout
        self.assertIn("suppressed   no", dee)
        self.assertNotIn("failed", dee.split("journeys")[1])
        self.assertEqual(sb.suppression_reasons(),
                         ["smtp hard bounce: 550 5.1.1 <[recipient]>: Recipient address "
                          "rejected: no such user"])
        self.assertEqual(len(server.messages()), 2)

    def test_smtp_sink_5xx_to_rcpt_fails_the_contact_and_suppresses_it(self):
        sink = SmtpSink("-f", "RCPT")
        try:
            sb, r = self.run_against(sink, contacts=CONTACTS.splitlines()[0] + "\n" +
                                     CONTACTS.splitlines()[1] + "\n")
        finally:
            sink.stop()
        self.assertEqual(send_row(r.stdout)[1:], ["smtp.email", "1", "0", "0", "0", "1"], r.stdout)
        self.assertIn("smtp: hard bounce: 500 5.3.0 Error: command failed",
                      sb.herald("runs", "show", "1").stdout)
        self.assertIn("suppressed   since",
                      sb.herald("contacts", "show", "minjun@example.kr").stdout)

    def test_smtp_sink_4xx_to_rcpt_is_retried_not_failed(self):
        sink = SmtpSink("-r", "RCPT")
        try:
            sb, r = self.run_against(sink)
        finally:
            sink.stop()
        # Nothing settled, nothing failed: both wait for their retry.
        self.assertEqual(send_row(r.stdout)[1:], ["smtp.email", "0", "0", "0", "0", "0", "2"],
                         r.stdout)
        self.assertIn("journeys: 0 done, 0 exited, 0 failed, 0 refused by policy, 2 active",
                      r.stdout)
        self.assertIn("2 journeys wait for a retry", r.stdout)
        self.assertEqual(sb.suppression_reasons(), [])
        self.assertIn("suppressed   no", sb.herald("contacts", "show", "taro@example.jp").stdout)

    def test_a_bad_dkim_key_is_reported_before_anything_is_sent(self):
        sink = SmtpSink()
        try:
            sb = Sandbox(sink.settings(), "ED25519")
            self.addCleanup(sb.tmp.cleanup)
            sb.write("dkim.pem", "not a key\n")
            r = sb.herald("validate", sb.workflow)
        finally:
            sink.stop()
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("DKIM: the DKIM key is not a PEM private key (make one with `openssl "
                      "genpkey -algorithm ed25519`", r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main(verbosity=2)
