#!/usr/bin/python3
"""who-has 10.1.0.1 tell 10.1.0.2 (broadcast) -> is-at 02:00:00:00:00:01."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
req = arp_request(psrc=P0_PEER_IP, pdst=P0_IP, hwsrc=P0_PEER_MAC)
rep = arp_reply(req, P0_MAC, P0_IP)
write_scenario(out, in0=[req], expected0=[rep], expected1=[])
