#!/usr/bin/python3
"""Ten TTL=1 packets: three ICMP time-exceeded (the burst), then none."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
pkts = [udp_in(src=P0_PEER_IP, dst=ROUTED_HOST, sport=33434 + i, dport=33435, ttl=1,
               id=0x5100 + i, payload=b"probe") for i in range(10)]
errs = [icmp_error(p, 11, 0, src_ip=P0_IP, out_mac=P0_MAC, dst_mac=P0_PEER_MAC)
        for p in pkts[:3]]
write_scenario(out, in0=pkts, expected0=errs, expected1=[])
