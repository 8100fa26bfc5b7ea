#!/usr/bin/python3
"""Local-experimental ethertype 0x88b5 and an IPv6 packet, to our MAC."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

from scapy.all import IPv6  # noqa: E402

pkts = [final(Ether(dst=P0_MAC, src=P0_PEER_MAC, type=0x88B5)
              / Raw(b"experimental ethertype payload....")),
        final(Ether(dst=P0_MAC, src=P0_PEER_MAC)
              / IPv6(src="2001:db8::1", dst="2001:db8::2")
              / UDP(sport=1000, dport=2000) / Raw(b"v6"))]
out = outdir_from_argv()
assert len(pkts) == 2
write_scenario(out, in0=pkts, expected0=[], expected1=[])
