#!/usr/bin/python3
"""TTL 1 ICMP port-unreachable 10.1.0.2 -> 192.0.2.10: no output."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
inner = IP(src=ROUTED_HOST, dst=P0_PEER_IP) / UDP(sport=5000, dport=6000)
pkt = ip_in(IP(src=P0_PEER_IP, dst=ROUTED_HOST, ttl=1)
            / ICMP(type=3, code=3) / Raw(to_bytes(inner)[:28]))
write_scenario(out, in0=[pkt], expected0=[], expected1=[])
