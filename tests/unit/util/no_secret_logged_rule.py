#!/usr/bin/env python3
"""The rule "no secret is ever logged", checked on the source: no log call in
core/ or plugins/ passes a variable whose name says it holds a secret (a
token, a password, a link or API key, a credential). Text in string literals
does not count ("missing bearer token" is fine to say); values do. A call
that must name such a variable for a good reason (its length, say) carries
`// log-ok: REASON` on its first line. At run time, log::registerSecret()
masks the values that slip through anyway (util_tests LogRedaction.*).

usage: no_secret_logged_rule.py SOURCE_DIR
"""
import os
import re
import sys

SOURCE = sys.argv[1]
CALL = re.compile(r"\blog::(?:debug|info|warn|error|write)\s*\(|\b(?:host_?->|ctx\.)log\s*\(")
SECRET = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.I)
WORDS = re.compile(r"token|password|passwd|secret|credential|api_?key|link_?key|signing_?key",
                   re.I)
STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def call_text(text, start):
    """The call's argument text, up to its closing parenthesis."""
    depth, i = 0, start
    while i < len(text):
        c = text[i]
        if c == '"':
            m = STRING.match(text, i)
            i = m.end() if m else i + 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return text[start:i + 1]
        i += 1
    return text[start:]


problems = []
for top in ("core", "plugins"):
    for dirpath, _, files in os.walk(os.path.join(SOURCE, top)):
        for name in files:
            if not name.endswith((".cpp", ".hpp", ".h", ".c")):
                continue
            path = os.path.join(dirpath, name)
            text = open(path, encoding="utf-8", errors="replace").read()
            if path.endswith(os.path.join("util", "log.hpp")):
                continue  # the declarations themselves
            for m in CALL.finditer(text):
                line_start = text.rfind("\n", 0, m.start()) + 1
                line_end = text.find("\n", m.start())
                if "log-ok:" in text[line_start:line_end]:
                    continue
                args = STRING.sub('""', call_text(text, m.end() - 1))
                for ident in SECRET.findall(args):
                    if WORDS.search(ident):
                        line = text.count("\n", 0, m.start()) + 1
                        problems.append("%s:%d: a log call passes '%s', which names a secret; "
                                        "log that it exists or its length, never its value "
                                        "(or mark the line // log-ok: REASON)"
                                        % (os.path.relpath(path, SOURCE), line, ident))
for p in problems:
    print(p)
sys.exit(1 if problems else 0)
