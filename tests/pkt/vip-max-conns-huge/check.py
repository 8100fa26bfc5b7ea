#!/usr/bin/python3
"""vip-max-conns-huge: the eight SYNs leave p1 (two workers: any order)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

d = sys.argv[1]
WEB = Backend("vpca", VNI_A, "192.168.1.10", 8080, VM_A_MAC)
SP = 34
want = set()
for i in range(8):
    s = client_in(tcp_seg("198.51.100.%d" % (100 + i), VIP, 40000 + i, 80, "S", seq=i), port=P1)
    b = to_bytes(to_backend(s, WEB))
    want.add(b[:SP] + b"\0\0" + b[SP + 2:])
got = [b[:SP] + b"\0\0" + b[SP + 2:] for b in read_pcap(os.path.join(d, "out1.pcap"))]
ok = sorted(got) == sorted(want)
print("vip-max-conns-huge: %d of 8 SYNs left p1%s" % (len(set(got) & want), "" if ok else " (FAIL)"))
sys.exit(0 if ok else 1)
