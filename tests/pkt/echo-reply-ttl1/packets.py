#!/usr/bin/python3
"""Echo request TTL 1, 10.1.0.2 -> 10.1.0.1."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
req = ip_in(IP(src=P0_PEER_IP, dst=P0_IP, ttl=1, id=0x3333)
            / ICMP(type=8, code=0, id=0x0101, seq=1) / Raw(b"ttl-one"))
write_scenario(out, in0=[req], expected0=[echo_reply(req)], expected1=[])
