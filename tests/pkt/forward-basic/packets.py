#!/usr/bin/python3
"""p0 -> 192.0.2.0/24 via 10.2.0.2 (static neigh) -> out p1."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
pkts = [
    udp_in(),
    udp_in(src="203.0.113.77", dst="192.0.2.200", sport=33333, dport=30000,
           payload=bytes(range(256)) * 4),
    udp_in(src=P0_PEER_IP, dst="192.0.2.1", payload=b"x"),
    tcp_in(flags="S"),
    tcp_in(sport=40001, dport=443, flags="PA", payload=b"GET / HTTP/1.1\r\n\r\n",
           ttl=128),
    icmp_echo_in(),
    icmp_echo_in(src="198.18.0.9", dst="192.0.2.254", id=7, seq=65535, ttl=2),
    udp_in(ttl=255, tos=0xB8, id=0xFFFF, flags="DF", dport=9),
    # full 1500-byte IP packet
    udp_in(sport=2000, dport=2001, payload=b"M" * (1500 - 28)),
]
exp = [forwarded(p, P1_MAC, P1_NH_MAC) for p in pkts]
write_scenario(out, in0=pkts, expected0=[], expected1=exp)
