#!/usr/bin/python3
"""Runt frames of 1 and 13 bytes."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

pkts = [b"\x02", mac_bytes(P0_MAC) + mac_bytes(P0_PEER_MAC) + b"\x08"]
out = outdir_from_argv()
assert len(pkts) == 2
write_scenario(out, in0=pkts, expected0=[], expected1=[])
