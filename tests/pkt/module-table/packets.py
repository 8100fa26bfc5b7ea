#!/usr/bin/python3
"""p0 -> 192.0.2.0/24 via 10.2.0.2 (static neigh) -> out p1, with the test
module loaded: the data path is untouched by it."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
pkts = [udp_in(), tcp_in(flags="S")]
exp = [forwarded(p, P1_MAC, P1_NH_MAC) for p in pkts]
write_scenario(out, in0=pkts, expected0=[], expected1=exp)
