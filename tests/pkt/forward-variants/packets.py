#!/usr/bin/python3
"""Header variants forwarded p0 -> p1."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
opts4 = b"\x01\x01\x01\x00"            # NOP NOP NOP EOL -> IHL 6
opts40 = b"\x01" * 39 + b"\x00"        # 40 bytes of options -> IHL 15
pkts = [
    udp_in(options=opts4, payload=b"opt4"),
    udp_in(options=opts40, payload=b"opt40", dport=54),
    # first fragment (MF) and a non-first fragment of another datagram
    udp_in(flags="MF", id=0x1001, payload=b"F" * 64),
    ip_in(IP(src=REMOTE_SRC, dst=ROUTED_HOST, proto=17, id=0x1002, frag=185)
          / Raw(b"tail-of-fragmented-datagram")),
    udp_in(tos=0x03, payload=b"ecn-ce"),
    ip_in(IP(src=REMOTE_SRC, dst=ROUTED_HOST, proto=253) / Raw(b"exp-proto")),
]
exp = [forwarded(p, P1_MAC, P1_NH_MAC) for p in pkts]
write_scenario(out, in0=pkts, expected0=[], expected1=exp)
