#!/usr/bin/python3
"""Total length 19 and 8 (< 20-byte header), checksum valid."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403


def tl(v):
    def m(l3):
        l3[2:4] = v.to_bytes(2, "big")
        return fix_ip_checksum(l3)
    return m


pkts = [set_ip_bytes(udp_in(payload=b"a" * 30), tl(19)),
        set_ip_bytes(tcp_in(), tl(8))]
out = outdir_from_argv()
assert len(pkts) == 2
write_scenario(out, in0=pkts, expected0=[], expected1=[])
