#!/usr/bin/python3
"""Valid routable IPv4 frames sent to foreign unicast MACs."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

pkts = [ip_in(IP(src=REMOTE_SRC, dst=ROUTED_HOST) / UDP(sport=1, dport=2)
              / Raw(b"not-mine"), dst_mac="02:00:00:00:00:77"),
        ip_in(IP(src=REMOTE_SRC, dst=ROUTED_HOST) / TCP(sport=3, dport=4),
              dst_mac="00:11:22:33:44:55")]
out = outdir_from_argv()
assert len(pkts) == 2
write_scenario(out, in0=pkts, expected0=[], expected1=[])
