#!/usr/bin/env python3
"""docs/plugins.md shows the output of `herald plugins --check ... --json` for
a refused plugin exactly as the binary prints it: the block after the marker
`<!-- output of: herald plugins --check bad_version.so --json -->` must equal
what the real binary prints for tests/plugin_abi's bad_version.so, with the
test's directory written as /usr/lib/herald/plugins.

Arguments: the herald binary, the directory of the broken plugins, docs/plugins.md."""
import subprocess
import sys

herald, broken, doc = sys.argv[1:4]
MARKER = "<!-- output of: herald plugins --check bad_version.so --json -->"
with open(doc) as f:
    lines = f.read().split("\n")
at = lines.index(MARKER)
assert lines[at + 1] == "```json", lines[at + 1]
end = lines.index("```", at + 2)
shown = "\n".join(lines[at + 2:end]) + "\n"

r = subprocess.run([herald, "plugins", "--check", f"{broken}/bad_version.so", "--json"],
                   capture_output=True, text=True, timeout=60)
printed = r.stdout.replace(broken, "/usr/lib/herald/plugins")
if r.returncode != 1 or printed != shown:
    print(f"exit code {r.returncode} (want 1)\n--- docs/plugins.md shows:\n{shown}"
          f"--- the binary prints:\n{printed}{r.stderr}")
    sys.exit(1)
print("docs/plugins.md shows `herald plugins --check --json` as the binary prints it")
