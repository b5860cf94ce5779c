"""What the hostile-input tests share: a workflow with one email step, and
running the herald binary with a time and a memory bound, so that a
regression (a hang, unbounded growth) fails the test instead of the machine.
The memory bound is watched from outside (resident set size, polled), not set
with setrlimit: sanitizer builds reserve terabytes of address space. It bounds
growth over what the same binary holds at rest (`--version`): a sanitizer
build maps and relocates several hundred megabytes before it reads a byte."""
import os
import subprocess
import threading
import time

# One outbox.email step whose text is TEXT (a template).
HELLO_WORKFLOW = """\
name: hello
trigger: {type: manual}
steps:
  - id: email
    uses: outbox.email
    with:
      from: shop@example.com
      subject: "Hello"
      text: "{TEXT}"
"""


class Ran:
    def __init__(self, returncode, stdout, stderr, peak_mb, killed_for):
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.peak_mb = peak_mb
        self.killed_for = killed_for  # "", "time" or "memory"


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) // 1024
    except OSError:
        pass
    return 0


_AT_REST = {}


def at_rest_mb(binary):
    """Peak resident size of `binary --version`, measured once per binary."""
    if binary not in _AT_REST:
        p = subprocess.Popen([binary, "--version"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        _, _, usage = os.wait4(p.pid, 0)
        _AT_REST[binary] = usage.ru_maxrss // 1024
    return _AT_REST[binary]


def run_bounded(args, cwd, seconds=60, max_mb=1024, stdin=None):
    """Runs args, killed past `seconds` or once it grows `max_mb` beyond the
    binary at rest; peak_mb is that growth."""
    rest = at_rest_mb(args[0])
    p = subprocess.Popen(args, cwd=cwd, text=True, stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # Large outputs must not block the child: read them on threads.
    out, err = [], []
    readers = [threading.Thread(target=lambda: out.append(p.stdout.read())),
               threading.Thread(target=lambda: err.append(p.stderr.read()))]
    for t in readers:
        t.start()
    if stdin is not None:
        p.stdin.write(stdin)
    p.stdin.close()
    deadline = time.monotonic() + seconds
    peak, killed_for = 0, ""
    while p.poll() is None:
        peak = max(peak, rss_mb(p.pid) - rest)
        if peak > max_mb:
            killed_for = "memory"
        elif time.monotonic() > deadline:
            killed_for = "time"
        if killed_for:
            p.kill()
            break
        time.sleep(0.02)
    p.wait()
    for t in readers:
        t.join()
    p.stdout.close()
    p.stderr.close()
    return Ran(p.returncode, "".join(out), "".join(err), peak, killed_for)
