#!/usr/bin/python3
"""Destinations 224.0.0.5, 239.1.2.3 and 255.255.255.255."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

pkts = [udp_in(dst=d) for d in ("224.0.0.5", "239.1.2.3", "255.255.255.255")]
out = outdir_from_argv()
assert len(pkts) == 3
write_scenario(out, in0=pkts, expected0=[], expected1=[])
