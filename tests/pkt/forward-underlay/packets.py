#!/usr/bin/python3
"""p1 -> 10.1.0.2 (connected on p0) and 198.18.0.0/16 via 10.1.0.3 -> out p0."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
kw = dict(dst_mac=P1_MAC, src_mac=P1_NH_MAC)
a = [ip_in(IP(src=ROUTED_HOST, dst=P0_PEER_IP) / UDP(sport=5300, dport=1024)
           / Raw(b"answer"), **kw),
     ip_in(IP(src=ROUTED_HOST, dst=P0_PEER_IP) / TCP(sport=80, dport=40000,
                                                     flags="SA"), **kw)]
b = [ip_in(IP(src="192.0.2.11", dst="198.18.5.6", ttl=9)
           / ICMP(type=0, id=3, seq=4) / Raw(b"pong"), **kw)]
exp = ([forwarded(p, P0_MAC, P0_PEER_MAC) for p in a]
       + [forwarded(p, P0_MAC, "02:00:00:00:00:03") for p in b])
write_scenario(out, in1=a + b, expected0=exp, expected1=[])
