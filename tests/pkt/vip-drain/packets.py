#!/usr/bin/python3
"""New flows (SYN or mid-flow ACK) with only one usable backend."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
UP = Backend("vpca", VNI_A, "192.168.1.10", 8080, VM_A_MAC)
in0 = []
for i in range(30):
    src = CLIENT if i % 2 else CLIENT2
    first = "S" if i < 20 else "A"       # flows 20..29 are picked up mid-flow
    in0.append(client_in(tcp_seg(src, VIP, 30000 + i, 80, first, seq=i, ack=0 if i < 20 else 5)))
for i in range(30):                       # every flow's next packet
    src = CLIENT if i % 2 else CLIENT2
    in0.append(client_in(tcp_seg(src, VIP, 30000 + i, 80, "PA", seq=i + 1, ack=5,
                                 payload=b"next %d" % i)))
write_scenario(out, in0=in0, expected0=[garp(VIP)],
               expected1=[to_backend(p, UP) for p in in0])
