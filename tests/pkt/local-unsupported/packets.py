#!/usr/bin/python3
"""UDP and TCP from a connected host to 10.1.0.1."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

pkts = [udp_in(src=P0_PEER_IP, dst=P0_IP, dport=9999),
        tcp_in(src=P0_PEER_IP, dst=P0_IP, dport=22)]
out = outdir_from_argv()
assert len(pkts) == 2
write_scenario(out, in0=pkts, expected0=[], expected1=[])
