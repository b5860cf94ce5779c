"""A `herald serve` started by the test: its own state dir, config, workflows
directory and a systemd notify socket the test owns (an AF_UNIX datagram
socket), so the test sees READY=1, STATUS=, RELOADING=1 and STOPPING=1 as
systemd would."""
import csv
import json
import os
import re
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.request

CONFIG = """\
state_dir: {state}
workflows_dir: {workflows}
runtime_dir: {runtime}
shutdown_timeout: {shutdown_timeout}
plugin_dirs: [{plugins}]
plugins:
  outbox:
    dir: {state}/outbox
    fsync: false
http:
  admin:
    listen: 127.0.0.1:0
    tokens: [{token}]
  public:
    listen: 127.0.0.1:0
"""

TOKEN = "test-token-0123456789abcdef0123456789"


class NotifySocket:
    """Collects what the daemon sends with sd_notify(), one datagram per call."""

    def __init__(self, path):
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(path)
        self.sock.settimeout(0.2)
        self.messages = []  # (monotonic time, text)
        self.lock = threading.Lock()
        self.closed = False
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        while not self.closed:
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                return
            with self.lock:
                self.messages.append((time.monotonic(), data.decode()))

    def close(self):
        self.closed = True
        self.thread.join(timeout=2)
        self.sock.close()

    def texts(self):
        with self.lock:
            return [m for _, m in self.messages]

    def wait_for(self, field, start=0, timeout=30, proc=None):
        """Index of the first message at or after `start` with a line
        `field` (e.g. "READY=1"); raises after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            texts = self.texts()
            for i in range(start, len(texts)):
                if field in texts[i].split("\n"):
                    return i
            if proc is not None and proc.poll() is not None:
                raise AssertionError(f"herald serve exited ({proc.returncode}) before {field}")
            time.sleep(0.05)
        raise AssertionError(f"no {field} within {timeout} s; got {self.texts()}")

    def statuses(self):
        return [l[len("STATUS="):] for t in self.texts() for l in t.split("\n")
                if l.startswith("STATUS=")]


class Daemon:
    def __init__(self, herald, plugin_dir, shutdown_timeout="10s"):
        self.herald_bin = herald
        self.plugin_dir = plugin_dir
        self.tmp = tempfile.TemporaryDirectory(prefix="herald-serve-")
        self.dir = self.tmp.name
        self.state = os.path.join(self.dir, "var")
        self.db = os.path.join(self.state, "herald.db")
        self.workflows = os.path.join(self.dir, "workflows")
        self.runtime = os.path.join(self.dir, "run")
        self.outbox = os.path.join(self.state, "outbox")
        os.makedirs(self.workflows)
        self.config = os.path.join(self.dir, "herald.yaml")
        self.write_config(shutdown_timeout=shutdown_timeout)
        self.proc = None
        self.notify = None
        self.stderr_path = None
        self.admin = None

    def write_config(self, shutdown_timeout="10s", extra=""):
        with open(self.config, "w") as f:
            f.write(CONFIG.format(state=self.state, workflows=self.workflows,
                                  runtime=self.runtime, plugins=self.plugin_dir,
                                  shutdown_timeout=shutdown_timeout, token=TOKEN) + extra)

    def cleanup(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.notify:
            self.notify.close()
        self.tmp.cleanup()

    def write_workflow(self, name, text):
        path = os.path.join(self.workflows, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def herald(self, *args, timeout=120, env=None):
        return subprocess.run([self.herald_bin, "--config", self.config] + list(args),
                              capture_output=True, text=True, cwd=self.dir, timeout=timeout,
                              env=env)

    def import_contacts(self, rows):
        path = os.path.join(self.dir, "contacts.csv")
        fields = ["external_id", "email", "first_name", "timezone", "consent_email"]
        fields += sorted({k for r in rows for k in r} - set(fields))  # attributes
        with open(path, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=fields)
            w.writeheader()
            for r in rows:
                w.writerow({k: r.get(k, "yes" if k == "consent_email" else "") for k in fields})
        r = self.herald("contacts", "import", path)
        if r.returncode != 0:
            raise RuntimeError("import failed: " + r.stdout + r.stderr)

    def start(self, wait_ready=True, timeout=60, env_extra=None, now=None):
        """Starts `herald serve` with a fresh notify socket; waits for READY=1.
        `env_extra` adds to its environment (e.g. WATCHDOG_USEC, as systemd
        sets it); `now` (ISO 8601) starts its clock there (`--now`)."""
        if self.notify:
            self.notify.close()
        sock_path = os.path.join(self.dir, f"notify-{time.monotonic_ns()}.sock")
        self.notify = NotifySocket(sock_path)
        env = dict(os.environ, NOTIFY_SOCKET=sock_path)
        env.pop("RUNTIME_DIRECTORY", None)
        env.update(env_extra or {})
        self.stderr_path = os.path.join(self.dir, f"serve-{time.monotonic_ns()}.log")
        self.stderr = open(self.stderr_path, "w")
        clock = ["--now", now] if now else []
        self.proc = subprocess.Popen([self.herald_bin, "--config", self.config] + clock + ["serve"],
                                     stdout=subprocess.DEVNULL, stderr=self.stderr,
                                     cwd=self.dir, env=env)
        if wait_ready:
            self.notify.wait_for("READY=1", timeout=timeout, proc=self.proc)
            self.admin = self.admin_address()
        return self.proc

    def log(self):
        with open(self.stderr_path) as f:
            return f.read()

    def admin_address(self):
        """HOST:PORT of the admin listener, from the daemon's start-up line."""
        m = re.search(r"admin API on ([0-9.]+):(\d+)", self.log())
        if not m:
            raise AssertionError("no 'admin API on' line in the log:\n" + self.log())
        return f"{m.group(1)}:{m.group(2)}"

    def http(self, method, path, body=None, timeout=10):
        """(status, body text) of a request to the admin listener."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"http://{self.admin}{path}", data=data, method=method,
                                     headers={"Authorization": f"Bearer {TOKEN}",
                                              "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def stop(self, sig=signal.SIGTERM, timeout=30):
        self.proc.send_signal(sig)
        code = self.proc.wait(timeout=timeout)
        self.stderr.close()
        return code

    def outbox_files(self):
        new = os.path.join(self.outbox, "new")
        return sorted(os.listdir(new)) if os.path.isdir(new) else []
