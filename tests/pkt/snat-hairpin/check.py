#!/usr/bin/python3
"""snat-hairpin: the public ports are learned from the packets to the
Internet on p0; the hairpinned packets are then checked exactly."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from snatlib import POOL, POOL2, Outputs, rewrite  # noqa: E402

from flows import A, A_OUT, B, B_OUT, a_to_b, b_to_a  # noqa: E402

o = Outputs(sys.argv[1], "snat-hairpin", [POOL, POOL2])
ma, mb = o.public(A_OUT), o.public(B_OUT)
if ma and mb:
    if ma[0] != POOL or mb[0] != POOL2:
        o.err("A left from %s, B from %s" % (ma[0], mb[0]))
    pa, pb = ma[1], mb[1]
    o.to_inet(rewrite(A_OUT, src=POOL, sport=pa), "A to the Internet")
    o.to_inet(rewrite(B_OUT, src=POOL2, sport=pb), "B to the Internet")
    # routed twice: out through A's mapping, in through B's
    o.to_vm(B, rewrite(rewrite(a_to_b(pb), src=POOL, sport=pa), dst=B.ip, dport=6000),
            "A's packet at B, from A's public address and port")
    o.to_vm(A, rewrite(rewrite(b_to_a(pa), src=POOL2, sport=pb), dst=A.ip, dport=5000),
            "B's answer at A, from B's public address and port")
o.done()
