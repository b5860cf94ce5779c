#!/usr/bin/env python3
"""What a sysadmin installs: `cmake --install` into a temporary DESTDIR and
the layout it makes (layout), the systemd unit checked by systemd-analyze in
that tree (unit), and the .deb that cpack builds (deb).

usage: install_test.py layout|unit|deb BUILD_DIR CMAKE CPACK
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

MODE, BUILD, CMAKE, CPACK = sys.argv[1:5]
PLUGINS = ["outbox.so", "segment.so", "personalize.so", "smtp.so", "sendgrid.so", "mailgun.so"]
# Paths every install has, relative to the root (the prefix is /usr).
LAYOUT = [
    "usr/bin/herald",
    *("usr/lib/herald/plugins/" + p for p in PLUGINS),
    "usr/include/herald/abi.h",
    "usr/include/herald/sdk.hpp",
    "usr/include/herald/testing.hpp",
    "usr/lib/systemd/system/herald.service",
    "usr/lib/sysusers.d/herald.conf",
    "etc/herald/herald.yaml",
    "etc/herald/workflows",
    "usr/share/doc/herald/README.md",
    "usr/share/doc/herald/operations.md",
    "usr/share/doc/herald/examples/workflows/welcome.yaml",
]
MAX_EXPOSURE = 1.5

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300, **kw)


def install(root):
    with open(os.path.join(BUILD, "CMakeCache.txt")) as f:
        prefix = re.search(r"^CMAKE_INSTALL_PREFIX:PATH=(.*)$", f.read(), re.M).group(1)
    if prefix != "/usr":
        sys.exit("this build installs into %s; the service layout is checked for /usr, "
                 "the default: configure with -DCMAKE_INSTALL_PREFIX=/usr" % prefix)
    env = dict(os.environ, DESTDIR=root)
    r = run([CMAKE, "--install", BUILD], env=env)
    if r.returncode != 0:
        sys.exit("cmake --install failed:\n" + r.stdout + r.stderr)


def sdk_config(root):
    for dirpath, _, files in os.walk(os.path.join(root, "usr/lib")):
        if "HeraldSDKConfig.cmake" in files:
            return os.path.join(dirpath, "HeraldSDKConfig.cmake")
    return None


def test_layout(root):
    install(root)
    for rel in LAYOUT:
        check(os.path.exists(os.path.join(root, rel)), "installed: /" + rel)
    check(sdk_config(root) is not None, "installed: the SDK's HeraldSDKConfig.cmake")
    herald = os.path.join(root, "usr/bin/herald")
    # The installed binary finds the installed plugins by itself (bin/../lib/herald/plugins):
    # a config without plugin_dirs.
    bare = os.path.join(root, "bare.yaml")
    with open(bare, "w") as f:
        f.write("state_dir: %s\n" % os.path.join(root, "state"))
    r = run([herald, "--config", bare, "plugins", "--json"])
    check(r.returncode == 0, "herald plugins ran: " + r.stderr)
    for name in ("outbox", "segment", "personalize"):
        check('"%s"' % name in r.stdout, "the installed binary found the %s plugin" % name)
    # The installed config is one `herald` accepts, pointing at the installed
    # layout; read here with its paths moved under the DESTDIR.
    with open(os.path.join(root, "etc/herald/herald.yaml")) as f:
        config = f.read()
    for path in ("/var/lib/herald", "/usr/lib/herald/plugins"):
        check(path in config, "the installed config names " + path)
    moved = os.path.join(root, "moved.yaml")
    with open(moved, "w") as f:
        f.write(config.replace("/var/lib/herald", root + "/var/lib/herald")
                .replace("/usr/lib/herald", root + "/usr/lib/herald"))
    # What the unit's ExecStartPre runs, on the shipped (empty) workflows
    # folder and on the examples copied into it.
    workflows = os.path.join(root, "etc/herald/workflows")
    r = run([herald, "validate", "--config", moved, workflows])
    check(r.returncode == 0 and "ok: 0 workflows valid" in r.stdout,
          "validate of the empty workflows folder: " + r.stdout + r.stderr)
    examples = os.path.join(root, "usr/share/doc/herald/examples/workflows")
    shutil.copytree(examples, workflows, dirs_exist_ok=True)
    r = run([herald, "validate", "--config", moved, workflows])
    check(r.returncode == 0 and "ok: 4 workflows, 5 segments valid" in r.stdout,
          "validate of the example workflows in the workflows folder: " + r.stdout + r.stderr)


def test_unit(root):
    install(root)
    # systemd-analyze verify resolves the unit's dependencies and its
    # ExecStart= binaries inside --root: give the tree the host's targets.
    units = os.path.join(root, "usr/lib/systemd/system")
    for name in os.listdir("/usr/lib/systemd/system"):
        if name.endswith(".target"):
            src = os.path.join("/usr/lib/systemd/system", name)
            if not os.path.islink(src):
                shutil.copy(src, units)
    r = run(["systemd-analyze", "verify", "--root=" + root, "herald.service"])
    out = (r.stdout + r.stderr).strip()
    check(r.returncode == 0 and out == "", "systemd-analyze verify is silent:\n" + out)
    # Without the binary, verify must complain (the check above is real).
    os.rename(os.path.join(root, "usr/bin/herald"), os.path.join(root, "herald.moved"))
    r = run(["systemd-analyze", "verify", "--root=" + root, "herald.service"])
    check(r.returncode != 0 and "not executable" in r.stderr,
          "verify notices a missing ExecStart binary: " + r.stderr)
    r = run(["systemd-analyze", "security", "--offline=yes",
             os.path.join(units, "herald.service")])
    m = re.search(r"Overall exposure level for herald\.service: ([0-9.]+)", r.stdout)
    check(m is not None, "systemd-analyze security printed an exposure:\n" + r.stdout + r.stderr)
    if m:
        print("exposure:", m.group(1))
        check(float(m.group(1)) <= MAX_EXPOSURE,
              "exposure %s <= %s:\n%s" % (m.group(1), MAX_EXPOSURE,
                                          "\n".join(l for l in r.stdout.splitlines() if "✗" in l)))


def test_deb(tmp):
    r = run([CPACK, "-G", "DEB", "--config", os.path.join(BUILD, "CPackConfig.cmake"),
             "-B", tmp])
    check(r.returncode == 0, "cpack -G DEB:\n" + r.stdout + r.stderr)
    debs = [f for f in os.listdir(tmp) if f.endswith(".deb")]
    check(len(debs) == 1, "one .deb made: %s" % debs)
    if not debs:
        return
    deb = os.path.join(tmp, debs[0])
    info = run(["dpkg-deb", "--info", deb]).stdout
    depends = re.search(r"^ Depends: (.*)$", info, re.M)
    check(depends is not None, "Depends: in\n" + info)
    if depends:
        print("Depends:", depends.group(1))
        # Computed by dpkg-shlibdeps from what the binary and plugins link.
        for lib in ("libc6", "libsqlite3-0", "libyaml-cpp", "libstdc++6", "systemd"):
            check(lib in depends.group(1), "Depends names " + lib)
    check(re.search(r"^ Package: herald$", info, re.M), "Package: herald")
    control = run(["dpkg-deb", "--ctrl-tarfile", deb], ).returncode == 0
    check(control, "control tarball readable")
    extract = os.path.join(tmp, "control")
    run(["dpkg-deb", "--control", deb, extract])
    with open(os.path.join(extract, "conffiles")) as f:
        conffiles = f.read().split()
    check("/etc/herald/herald.yaml" in conffiles, "conffiles lists /etc/herald/herald.yaml")
    check(os.access(os.path.join(extract, "postinst"), os.X_OK), "postinst is executable")
    contents = run(["dpkg-deb", "--contents", deb]).stdout
    for rel in LAYOUT:
        check(re.search(r" \./%s/?$" % re.escape(rel), contents, re.M),
              "the .deb holds /" + rel)


with tempfile.TemporaryDirectory(prefix="herald-install-") as tmp:
    {"layout": test_layout, "unit": test_unit, "deb": test_deb}[MODE](tmp)
if failures:
    sys.exit("%d check(s) failed" % len(failures))
print("ok")
