#!/usr/bin/python3
"""UDP p0 -> 10.2.0.9 (connected on p1, unresolved)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
write_scenario(out, in0=[udp_in(dst="10.2.0.9")], expected0=[],
               expected1=None)
