#!/usr/bin/python3
"""p0 -> 10.2.0.7 / 10.2.0.8 (connected on p1, static neighs) -> out p1."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
a = [udp_in(dst="10.2.0.7"), tcp_in(dst="10.2.0.7", flags="SA"),
     icmp_echo_in(src=P0_PEER_IP, dst="10.2.0.7")]
b = [udp_in(dst="10.2.0.8", sport=7, dport=7, payload=b"y" * 300)]
pkts = a + b
exp = ([forwarded(p, P1_MAC, "02:00:00:00:02:07") for p in a]
       + [forwarded(p, P1_MAC, "02:00:00:00:02:08") for p in b])
write_scenario(out, in0=pkts, expected0=[], expected1=exp)
