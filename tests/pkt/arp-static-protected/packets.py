#!/usr/bin/python3
"""who-has 10.2.0.1 tell 10.2.0.2 from a new MAC, on p1."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
req = arp_request(psrc=P1_NH_IP, pdst=P1_IP, hwsrc="02:00:00:00:0b:ad")
write_scenario(out, in1=[req], expected0=[],
               expected1=[arp_reply(req, P1_MAC, P1_IP)])
