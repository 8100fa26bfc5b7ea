#!/usr/bin/python3
"""snat-filtering: what passed the filters reached the VMs exactly once,
the stranger's packets to the address-dependent mapping never did."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from snatlib import POOL, POOL2, Outputs, rewrite  # noqa: E402

from flows import (A, A_OUT, A_OUT2, B, B_OUT, KNOWN_NOW_A, OTHER_PORT_A,  # noqa: E402
                   REPLY_A, STRANGER_B)

o = Outputs(sys.argv[1], "snat-filtering", [POOL, POOL2])
ma, mb, ma2 = o.public(A_OUT), o.public(B_OUT), o.public(A_OUT2)
if ma and mb and ma2:
    pa, pb = ma[1], mb[1]
    if ma2 != ma:
        o.err("A's port 5000 left from %s and %s" % (ma, ma2))
    o.to_inet(rewrite(A_OUT, src=POOL, sport=pa), "A's query")
    o.to_inet(rewrite(A_OUT2, src=POOL, sport=pa), "A's query to remote 2")
    o.to_inet(rewrite(B_OUT, src=POOL2, sport=pb), "B's query")
    for f, what in ((REPLY_A, "the reply to A"),
                    (OTHER_PORT_A, "the queried address's other port, to A"),
                    (KNOWN_NOW_A, "remote 2 once A sent to it")):
        o.to_vm(A, rewrite(f(pa), dst=A.ip, dport=5000), what)
    o.to_vm(B, rewrite(STRANGER_B(pb), dst=B.ip, dport=5000),
            "a stranger to B (endpoint-independent)")
o.done()
