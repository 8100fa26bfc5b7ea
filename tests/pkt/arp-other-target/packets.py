#!/usr/bin/python3
"""who-has 10.1.0.50 tell 10.1.0.2: not ours, no output."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
req = arp_request(psrc=P0_PEER_IP, pdst="10.1.0.50", hwsrc=P0_PEER_MAC)
write_scenario(out, in0=[req], expected0=[], expected1=[])
