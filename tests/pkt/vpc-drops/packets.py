#!/usr/bin/python3
"""One or more packets per tenant-path drop reason; no output but GARPs."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

from cases import EIPS, inbound, outbound  # noqa: E402

out = outdir_from_argv()
write_scenario(out, in0=[p for _, p in inbound()], in1=[p for _, p in outbound()],
               expected0=[garp(e) for e in EIPS], expected1=[])
