#!/usr/bin/python3
"""Routable packets with source 0.0.0.0, 127.0.0.1, 224.1.2.3, 255.255.255.255."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

pkts = [udp_in(src=s) for s in
        ("0.0.0.0", "127.0.0.1", "224.1.2.3", "255.255.255.255")]
out = outdir_from_argv()
assert len(pkts) == 4
write_scenario(out, in0=pkts, expected0=[], expected1=[])
