#!/usr/bin/python3
"""400 flows (SYN, later ACK) to one VIP with weighted backends; checked by
check.py (which backend Maglev picks is not fixed, only its consistency)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

from flows import all_packets  # noqa: E402

out = outdir_from_argv()
write_scenario(out, in0=[p for _, _, p in all_packets()], expected0=[garp(VIP)],
               expected1=None)
