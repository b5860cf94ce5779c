#!/usr/bin/python3
"""A real SMTP server (aiosmtpd) for core/net's SMTP client tests.

Binds a free port on 127.0.0.1, prints "READY <port>" and serves until its
stdin closes (so it ends with the test that started it). Each message is
written to DIR/spool/N.eml (the bytes as received, after the server
un-stuffs dots) and DIR/spool/N.json (envelope); each QUIT adds a line to DIR/spool/quits. Recipients whose local
part starts with "reject" get 550 5.1.1, with "defer" 451 4.7.1.
"""
import argparse
import asyncio
import json
import os
import socket
import ssl
import subprocess
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def make_certificate(directory, names):
    """A self-signed certificate for `names` (the tests use it as ca_file)."""
    cert = os.path.join(directory, "cert.pem")
    key = os.path.join(directory, "key.pem")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
         "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=" + names],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


class Recorder:
    def __init__(self, spool, pipelining, messages_per_session, quit_delay):
        self.spool = spool
        self.pipelining = pipelining
        self.messages_per_session = messages_per_session
        self.quit_delay = quit_delay
        self.count = 0
        self.lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        responses.insert(-1, "250-ENHANCEDSTATUSCODES")
        if self.pipelining:  # aiosmtpd reads commands in order, so it can claim it
            responses.insert(-1, "250-PIPELINING")
        return responses

    async def handle_QUIT(self, server, session, envelope):
        await asyncio.sleep(self.quit_delay)
        with self.lock, open(os.path.join(self.spool, "quits"), "a") as out:
            out.write("QUIT\n")
        return "221 2.0.0 Bye"

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        # A server that has had enough of a session says 421 (the client closes it).
        accepted = getattr(session, "messages_accepted", 0)
        if self.messages_per_session and accepted >= self.messages_per_session:
            return "421 4.7.0 Too many messages in this session, closing"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 2.1.0 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local.startswith("reject"):
            return f"550 5.1.1 <{address}>: Recipient address rejected: no such user"
        if local.startswith("defer"):
            return f"451 4.7.1 <{address}>: try again later"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            number = self.count
        session.messages_accepted = getattr(session, "messages_accepted", 0) + 1
        base = os.path.join(self.spool, f"{number:06d}")
        with open(base + ".eml", "wb") as out:
            out.write(envelope.original_content)
        with open(base + ".json", "w") as out:
            json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                       "mail_options": envelope.mail_options}, out)
        return f"250 2.0.0 Ok: queued as {number}"


def authenticator_for(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword) and auth_data.login == user.encode()
              and auth_data.password == password.encode())
        return AuthResult(success=ok, handled=False)
    return authenticate


async def refuse_with_421(reader, writer):
    writer.write(b"421 4.3.2 Service not available, closing transmission channel\r\n")
    await writer.drain()
    writer.close()


def serve_421(port):
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(asyncio.start_server(refuse_with_421, "127.0.0.1", port))
    threading.Thread(target=loop.run_forever, daemon=True).start()
    return lambda: loop.call_soon_threadsafe(server.close)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--tls", choices=["none", "starttls", "implicit"], default="none")
    parser.add_argument("--auth", help="USER:PASSWORD")
    parser.add_argument("--auth-without-tls", action="store_true")
    parser.add_argument("--exclude-auth", default="", help="mechanisms not to offer: PLAIN,LOGIN")
    parser.add_argument("--idle-timeout", type=float, default=300)
    parser.add_argument("--greet-421", action="store_true")
    parser.add_argument("--pipelining", action="store_true", help="announce PIPELINING")
    parser.add_argument("--quit-delay", type=float, default=0, help="seconds before answering QUIT")
    parser.add_argument("--messages-per-session", type=int, default=0,
                        help="answer MAIL with 421 after this many messages in a session")
    parser.add_argument("--cert-names", default="DNS:localhost,IP:127.0.0.1")
    args = parser.parse_args()

    port = free_port()
    if args.greet_421:
        stop = serve_421(port)
    else:
        spool = os.path.join(args.dir, "spool")
        os.makedirs(spool, exist_ok=True)
        options = {"timeout": args.idle_timeout, "enable_SMTPUTF8": True}
        context = make_certificate(args.dir, args.cert_names) if args.tls != "none" else None
        if args.tls == "starttls":
            options.update(tls_context=context, require_starttls=True)
        elif args.tls == "implicit":
            options.update(ssl_context=context)
        if args.auth:
            user, password = args.auth.split(":", 1)
            options.update(authenticator=authenticator_for(user, password), auth_required=True,
                           auth_require_tls=not args.auth_without_tls)
            if args.exclude_auth:
                options["auth_exclude_mechanism"] = args.exclude_auth.split(",")
        controller = Controller(Recorder(spool, args.pipelining, args.messages_per_session, args.quit_delay), hostname="127.0.0.1", port=port, **options)
        controller.start()
        stop = controller.stop
    print("READY", port, flush=True)
    sys.stdin.read()
    stop()


if __name__ == "__main__":
    main()
