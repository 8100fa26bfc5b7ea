#!/usr/bin/python3
"""IHL 4 and IHL 0, otherwise valid UDP to a routed host."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403


def ihl(v):
    def m(l3):
        l3[0] = 0x40 | v
        return fix_ip_checksum(l3, 20)
    return m


pkts = [set_ip_bytes(udp_in(payload=b"ihl4" * 8), ihl(4)),
        set_ip_bytes(udp_in(payload=b"ihl0" * 8), ihl(0))]
out = outdir_from_argv()
assert len(pkts) == 2
write_scenario(out, in0=pkts, expected0=[], expected1=[])
