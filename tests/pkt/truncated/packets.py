#!/usr/bin/python3
"""Total length 20 bytes beyond the frame; and a 60-byte frame claiming 100."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403


def tl(v):
    def m(l3):
        l3[2:4] = v.to_bytes(2, "big")
        return fix_ip_checksum(l3)
    return m


a = udp_in(payload=b"t" * 50)                    # IP length 78
b = udp_in(payload=b"u" * 18)                    # IP length 46, frame 60
pkts = [set_ip_bytes(a, tl(78 + 20)), set_ip_bytes(b, tl(100))]
assert len(pkts[1]) == 60
out = outdir_from_argv()
assert len(pkts) == 2
write_scenario(out, in0=pkts, expected0=[], expected1=[])
