#!/usr/bin/python3
"""IP version 6, 0 and 15 (IHL 5, checksum valid) under ethertype 0x0800."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403


def ver(v):
    def m(l3):
        l3[0] = (v << 4) | 5
        return fix_ip_checksum(l3, 20)
    return m


pkts = [set_ip_bytes(udp_in(), ver(6)), set_ip_bytes(tcp_in(), ver(0)),
        set_ip_bytes(icmp_echo_in(), ver(15))]
out = outdir_from_argv()
assert len(pkts) == 3
write_scenario(out, in0=pkts, expected0=[], expected1=[])
