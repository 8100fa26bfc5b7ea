#!/usr/bin/python3
"""who-has 10.1.0.1 tell 10.9.9.9 on p0."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
req = arp_request(psrc="10.9.9.9", pdst=P0_IP, hwsrc="02:00:00:00:09:09")
write_scenario(out, in0=[req], expected0=[], expected1=[])
