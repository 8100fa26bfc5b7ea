#!/usr/bin/python3
"""show-counters: in every saved text output, each table's header words
start at the same offsets as its rows' values (a cell never runs under the
next header), so columns line up; each file holds at least one table."""
import os
import re
import sys

d = sys.argv[1]
errors = []
HEADER = re.compile(r"^( *)[A-Z][A-Z0-9_]*(  +[A-Z][A-Z0-9_]*)*$")
FILES = ["route.txt", "neigh.txt", "port.txt", "stats.txt", "service.txt", "service-web.txt",
         "snat.txt", "conntrack.txt", "vpc.txt", "endpoint.txt", "runtime.txt"]


def starts(line):
    """Offsets where a header word starts."""
    return [m.start() for m in re.finditer(r"(?<![^ ])[^ ]", line)]


for name in FILES:
    with open(os.path.join(d, name)) as f:
        lines = f.read().split("\n")
    tables = 0
    i = 0
    while i < len(lines):
        m = HEADER.match(lines[i])
        # a header: capitals only, followed by a row at the same indent
        if not m or i + 1 >= len(lines) or not lines[i + 1].startswith(m.group(1)) \
                or lines[i + 1][len(m.group(1)):][:1] in ("", " "):
            i += 1
            continue
        hdr, indent = lines[i], len(m.group(1))
        cols = starts(hdr)
        tables += 1
        i += 1
        while i < len(lines) and lines[i].startswith(" " * indent) and lines[i].strip() \
                and lines[i][indent] != " " and not lines[i].rstrip().endswith(":") \
                and not HEADER.match(lines[i]):
            row = lines[i]
            for c in cols:
                ok = c < len(row) and row[c] != " " and (c == 0 or row[c - 1] == " ")
                if not ok:
                    errors.append("%s: column at %d (%s) not aligned in row %r under %r" % (
                        name, c, hdr[c:].split()[0], row, hdr))
                    break
            i += 1
    if tables == 0:
        errors.append("%s: no table found" % name)

if errors:
    print("\n".join(errors))
    sys.exit(1)
print("show-counters: every table's columns line up (%d files)" % len(FILES))
