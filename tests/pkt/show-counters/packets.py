#!/usr/bin/python3
"""p0 -> 192.0.2.0/24 via 10.2.0.2 (4 packets, out p1) and 2 packets to an
unrouted address (no_route): counters for show stats while the show
commands are checked (post-commands, check.py). The VIP and the pool
address are announced on p0 (gratuitous ARP): check.py, not a pcap
comparison, judges this scenario."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
pkts = [
    udp_in(),
    tcp_in(flags="S"),
    icmp_echo_in(),
    udp_in(sport=2000, dport=2001, payload=b"M" * 100),
    udp_in(dst="198.18.0.1"),
    udp_in(dst="198.18.0.2"),
]
write_scenario(out, in0=pkts, expected0=None, expected1=None)
