#!/usr/bin/env python3
"""Runs the examples of docs/operations.md marked `<!-- run: NAME -->`, with
the installed paths moved into a temporary directory, the build's binary and
plugins standing in for the installed ones, and the commands that need a
system (sudo -u, chown, systemctl) made harmless. The backup is taken while
another herald process keeps committing to the database.

usage: operations_docs_test.py HERALD PLUGIN_DIR SOURCE_DIR
"""
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading

HERALD, PLUGIN_DIR, SOURCE = sys.argv[1:4]
DOC = os.path.join(SOURCE, "docs/operations.md")

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def examples():
    text = open(DOC).read()
    found = {}
    for m in re.finditer(r"<!-- run: ([a-z-]+) -->\n```[a-z]*\n(.*?)```", text, re.S):
        found[m.group(1)] = m.group(2)
    return found


def moved(text, root):
    for path in ("/etc/herald", "/var/lib/herald", "/var/backups/herald"):
        text = text.replace(path, root + path)
    text = text.replace("/usr/lib/herald/plugins", PLUGIN_DIR)
    # What needs root and a systemd: the same command as the current user.
    text = text.replace("sudo -u herald ", "").replace("-o herald -g herald ", "")
    return text


def sh(script, root):
    env = dict(os.environ, PATH=os.path.dirname(HERALD) + ":" + os.environ["PATH"])
    stubs = 'systemctl() { echo "systemctl $*" >> "%s/systemctl.log"; }\n' % root
    return subprocess.run(["bash", "-euo", "pipefail", "-c", stubs + moved(script, root)],
                          capture_output=True, text=True, timeout=120, env=env, cwd=root)


def herald(root, *args):
    return subprocess.run([HERALD, "--config", root + "/etc/herald/herald.yaml", *args],
                          capture_output=True, text=True, timeout=120, cwd=root)


def contacts(db):
    with sqlite3.connect(db) as c:
        return c.execute("SELECT count(*) FROM contacts").fetchone()[0]


def main(root):
    ex = examples()
    for name in ("config-storage", "validate", "backup", "restore"):
        check(name in ex, "docs/operations.md has the example " + name)
    if failures:
        return
    os.makedirs(root + "/etc/herald/workflows")
    shutil.copytree(os.path.join(SOURCE, "workflows"), root + "/etc/herald/workflows",
                    dirs_exist_ok=True)
    with open(root + "/etc/herald/herald.yaml", "w") as f:
        f.write(moved(ex["config-storage"], root))

    # The config loads and the validate example passes on the examples.
    r = sh(ex["validate"], root)
    check(r.returncode == 0 and "ok: 4 workflows, 5 segments valid" in r.stdout,
          "validate example: " + r.stdout + r.stderr)

    data = os.path.join(SOURCE, "workflows/data")
    for what, csv in (("contacts", "contacts.csv"), ("events", "events.csv")):
        r = herald(root, what, "import", os.path.join(data, csv))
        check(r.returncode == 0, what + " import: " + r.stderr)
    db = root + "/var/lib/herald/herald.db"
    before = contacts(db)

    # Backup while herald keeps writing: imports commit again and again.
    stop = threading.Event()
    writes = []

    def writer():
        while not stop.is_set():
            writes.append(herald(root, "events", "import", os.path.join(data, "events.csv"))
                          .returncode)

    t = threading.Thread(target=writer)
    t.start()
    try:
        r = sh(ex["backup"], root)
    finally:
        stop.set()
        t.join()
    check(r.returncode == 0 and r.stdout.strip() == "ok", "backup example: " + r.stdout + r.stderr)
    check(writes and all(w == 0 for w in writes), "herald kept writing during the backup: %s" % writes)
    backups = os.listdir(root + "/var/backups/herald")
    check(len(backups) == 1, "one backup file: %s" % backups)
    backup = os.path.join(root + "/var/backups/herald", backups[0])
    check(contacts(backup) == before, "the backup has every contact")
    r = subprocess.run([HERALD, "--db", backup, "--config", root + "/etc/herald/herald.yaml",
                        "runs", "list"], capture_output=True, text=True, timeout=60)
    check(r.returncode == 0, "herald reads the backup: " + r.stderr)

    # Restore over a database that lost its contacts.
    with sqlite3.connect(db) as c:
        c.execute("PRAGMA foreign_keys=OFF")
        c.execute("UPDATE contacts SET email = NULL")
    r = sh(ex["restore"].replace("herald-2026-12-07-020000.db", backups[0]), root)
    check(r.returncode == 0, "restore example: " + r.stdout + r.stderr)
    log = open(root + "/systemctl.log").read()
    check(log == "systemctl stop herald\nsystemctl start herald\n", "restore stops, then starts")
    with sqlite3.connect(db) as c:
        emails = c.execute("SELECT count(*) FROM contacts WHERE email IS NOT NULL").fetchone()[0]
    check(emails == before, "the restored database has its contacts' addresses back")
    r = herald(root, "runs", "list")
    check(r.returncode == 0, "herald opens the restored database: " + r.stderr)


with tempfile.TemporaryDirectory(prefix="herald-opsdocs-") as tmp:
    main(tmp)
if failures:
    sys.exit("%d check(s) failed" % len(failures))
print("ok")
