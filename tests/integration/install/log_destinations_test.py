#!/usr/bin/env python3
"""Where the real binary's log lines go: plain lines on a file or terminal;
journald's native protocol with fields when stderr is the journal's stream
(JOURNAL_STREAM names it); "<N>" prefixes when the journal socket is gone.
A refused plugin makes the warning: `herald validate` (which loads the
plugins) with a plugin folder holding a file that is no shared library.

usage: log_destinations_test.py HERALD
"""
import os
import re
import socket
import subprocess
import sys
import tempfile

HERALD = sys.argv[1]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(tmp, env_extra, stderr_path):
    env = {k: v for k, v in os.environ.items() if k != "JOURNAL_STREAM"}
    with open(stderr_path, "w") as err:
        st = os.fstat(err.fileno())
        env.update({k: v.replace("@STDERR@", "%d:%d" % (st.st_dev, st.st_ino))
                    for k, v in env_extra.items()})
        subprocess.run([HERALD, "--config", tmp + "/herald.yaml", "--plugin-dir", tmp + "/plugins",
                        "validate", tmp + "/workflows"], stdout=subprocess.DEVNULL, stderr=err, env=env, timeout=60,
                       cwd=tmp)
    return open(stderr_path).read()


def fields(datagram):
    out = {}
    for line in datagram.decode().split("\n"):
        if "=" in line:
            k, v = line.split("=", 1)
            out[k] = v
    return out


def main(tmp):
    os.makedirs(tmp + "/plugins")
    os.makedirs(tmp + "/workflows")
    with open(tmp + "/plugins/broken.so", "w") as f:
        f.write("not a shared library\n")
    with open(tmp + "/herald.yaml", "w") as f:
        f.write("state_dir: %s/var\n" % tmp)

    # A file: plain lines with the time and level.
    plain = run(tmp, {}, tmp + "/plain.txt")
    check(re.search(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ warn \[plugins\] refused .*broken\.so", plain,
                    re.M), "plain line: " + plain)

    # The journal's stream, with a journal socket the test owns.
    sock_path = tmp + "/journal.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(sock_path)
    sock.settimeout(10)
    journal_stderr = run(tmp, {"JOURNAL_STREAM": "@STDERR@", "HERALD_JOURNAL_SOCKET": sock_path},
                         tmp + "/journal.txt")
    check("refused" not in journal_stderr, "nothing on stderr when the journal takes it: " +
          journal_stderr)
    try:
        f = fields(sock.recv(65536))
    except socket.timeout:
        f = {}
    check(f.get("PRIORITY") == "4", "PRIORITY=4: %s" % f)
    check(f.get("SYSLOG_IDENTIFIER") == "herald", "SYSLOG_IDENTIFIER=herald: %s" % f)
    check(f.get("HERALD_SOURCE") == "plugins", "HERALD_SOURCE=plugins: %s" % f)
    check(f.get("MESSAGE", "").startswith("[plugins] refused "), "MESSAGE: %s" % f)
    sock.close()

    # The journal's stream but no socket: sd-daemon "<4>" prefixes on stderr.
    prefixed = run(tmp, {"JOURNAL_STREAM": "@STDERR@",
                         "HERALD_JOURNAL_SOCKET": tmp + "/nobody.sock"}, tmp + "/prefixed.txt")
    check(re.search(r"^<4>\[plugins\] refused .*broken\.so", prefixed, re.M),
          "prefixed line: " + prefixed)

    # JOURNAL_STREAM inherited but stderr is somewhere else: plain again.
    other = run(tmp, {"JOURNAL_STREAM": "1:1", "HERALD_JOURNAL_SOCKET": sock_path},
                tmp + "/other.txt")
    check(re.search(r"^\d{4}-.* warn \[plugins\] refused", other, re.M), "plain when not ours: " +
          other)


with tempfile.TemporaryDirectory(prefix="herald-log-") as tmp:
    main(tmp)
if failures:
    sys.exit("%d check(s) failed" % len(failures))
print("ok")
