#!/usr/bin/python3
"""Ethertype IPv4 with 19 bytes and with 0 bytes of L3."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

full = to_bytes(udp_in())
pkts = [full[:14 + 19], full[:14]]
out = outdir_from_argv()
assert len(pkts) == 2
write_scenario(out, in0=pkts, expected0=[], expected1=[])
