#!/usr/bin/python3
"""snat-fragments: only the unfragmented query and its reply left."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from snatlib import POOL, Outputs, rewrite  # noqa: E402

from flows import Q, VM1, reply  # noqa: E402

o = Outputs(sys.argv[1], "snat-fragments", [POOL])
m = o.public(Q)
if m:
    o.to_inet(rewrite(Q, src=POOL, sport=m[1]), "the unfragmented query")
    o.to_vm(VM1, rewrite(reply(m[1]), dst=VM1.ip, dport=5000), "the unfragmented reply")
o.done()
