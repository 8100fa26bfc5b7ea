#!/usr/bin/python3
"""Three packets to a routed host with a corrupted IPv4 header checksum."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403


def corrupt(fn):
    def m(l3):
        ck = int.from_bytes(l3[10:12], "big")
        l3[10:12] = fn(ck).to_bytes(2, "big")
        return l3
    return m


pkts = [set_ip_bytes(udp_in(), corrupt(lambda c: c ^ 0x0100)),
        set_ip_bytes(tcp_in(), corrupt(lambda c: (c + 1) & 0xFFFF)),
        set_ip_bytes(icmp_echo_in(), corrupt(lambda c: 0 if c else 0x1234))]
out = outdir_from_argv()
assert len(pkts) == 3
write_scenario(out, in0=pkts, expected0=[], expected1=[])
