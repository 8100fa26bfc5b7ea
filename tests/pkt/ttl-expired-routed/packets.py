#!/usr/bin/python3
"""TTL 1, 192.0.2.10 -> 10.1.0.2, arriving on p1."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
pkt = ip_in(IP(src=ROUTED_HOST, dst=P0_PEER_IP, ttl=1, id=0x7777)
            / TCP(sport=443, dport=50000, flags="A", seq=5, ack=6)
            / Raw(b"z" * 40), dst_mac=P1_MAC, src_mac=P1_NH_MAC)
err = icmp_error(pkt, 11, 0, src_ip=P1_IP, out_mac=P1_MAC, dst_mac=P1_NH_MAC)
write_scenario(out, in1=[pkt], expected0=[], expected1=[err])
