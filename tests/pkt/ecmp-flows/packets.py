#!/usr/bin/python3
"""Many flows p0 -> 192.0.2.0/24 via 10.2.0.2 / 10.2.0.3 (checked by check.py)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

from flows import all_packets  # noqa: E402

out = outdir_from_argv()
write_scenario(out, in0=[p for _, _, p in all_packets()],
               expected0=[], expected1=None)
