#!/usr/bin/python3
"""vip-rst: 3 s after the traffic, only the closed entries (B reset, D
TIME_WAIT) have expired; the connections that got an out-of-window RST (A,
E) and the one reopened after a reset (C) are still in the table."""
import json
import os
import sys

with open(os.path.join(sys.argv[1], "conntrack.json")) as f:
    ct = json.load(f)
print("vip-rst: show conntrack after 3 s: %s" % {k: ct.get(k) for k in
      ("entries", "created", "expired", "rst_ignored")})
bad = [k for k, want in (("entries", 3), ("expired", 2), ("rst_ignored", 2))
       if ct.get(k) != want]
if bad:
    print("vip-rst: unexpected %s (want entries 3, expired 2, rst_ignored 2)" % bad)
    sys.exit(1)
