"""A small POP3 server (RFC 1939) on 127.0.0.1 for the bounce tests: serves
the files of a directory as the mailbox of one user, applies DELE at QUIT,
and counts logins. Run by /usr/bin/python3 from the test itself:

    server = Pop3Server(maildir, "bounces", "s3cret"); server.start(); ...; server.stop()
"""
import os
import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    def send(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        srv = self.server.owner
        self.send("+OK Herald test POP3 ready")
        user, authed, deleted = None, False, set()
        names = []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            parts = raw.decode("utf-8", "replace").strip().split(" ", 1)
            cmd, arg = parts[0].upper(), (parts[1] if len(parts) > 1 else "")
            if cmd == "CAPA":
                self.send("+OK")
                for cap in ("USER", "UIDL", "TOP"):
                    self.send(cap)
                self.send(".")
            elif cmd == "USER":
                user = arg
                self.send("+OK")
            elif cmd == "PASS":
                if user == srv.user and arg == srv.password:
                    authed = True
                    srv.logins += 1
                    names = sorted(os.listdir(srv.maildir))
                    self.send("+OK logged in")
                else:
                    srv.failed_logins += 1
                    self.send("-ERR invalid credentials")
            elif cmd == "QUIT":
                for n in deleted:
                    os.remove(os.path.join(srv.maildir, names[n - 1]))
                self.send("+OK bye")
                return
            elif not authed:
                self.send("-ERR log in first")
            elif cmd in ("STAT", "LIST", "UIDL"):
                live = [i + 1 for i in range(len(names)) if i + 1 not in deleted]
                size = lambda i: os.path.getsize(os.path.join(srv.maildir, names[i - 1]))
                if cmd == "STAT":
                    self.send(f"+OK {len(live)} {sum(size(i) for i in live)}")
                elif arg:
                    self.send(f"+OK {arg} {size(int(arg))}")
                else:
                    self.send("+OK")
                    for i in live:
                        self.send(f"{i} {size(i)}" if cmd == "LIST" else f"{i} {names[i - 1]}")
                    self.send(".")
            elif cmd == "RETR":
                n = int(arg)
                with open(os.path.join(srv.maildir, names[n - 1]), "rb") as f:
                    data = f.read().replace(b"\r\n", b"\n")
                self.send("+OK")
                for line in data.split(b"\n"):
                    self.wfile.write((b"." + line if line.startswith(b".") else line) + b"\r\n")
                self.send(".")
            elif cmd == "DELE":
                deleted.add(int(arg))
                self.send("+OK deleted")
            elif cmd == "NOOP":
                self.send("+OK")
            else:
                self.send("-ERR unknown command")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class Pop3Server:
    def __init__(self, maildir, user, password):
        self.maildir, self.user, self.password = maildir, user, password
        self.logins = 0
        self.failed_logins = 0
        self.server = _Server(("127.0.0.1", 0), _Handler)
        self.server.owner = self
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
