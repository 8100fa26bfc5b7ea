#!/usr/bin/python3
"""Echo request 10.1.0.2 -> 10.1.0.1 (TTL 50 so the reply's TTL 64 is new)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
req = ip_in(IP(src=P0_PEER_IP, dst=P0_IP, ttl=50, id=0x2222)
            / ICMP(type=8, code=0, id=0x4242, seq=7) / Raw(bytes(range(56))))
rep = echo_reply(req, out_mac=P0_MAC, dst_mac=P0_PEER_MAC, ttl=64)
write_scenario(out, in0=[req], expected0=[rep], expected1=[])
