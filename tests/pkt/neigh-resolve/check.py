#!/usr/bin/python3
"""out1.pcap: one or more (retries) identical ARP requests for 10.2.0.9."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

want = to_bytes(arp_request(psrc=P1_IP, pdst="10.2.0.9", hwsrc=P1_MAC))
outp = read_pcap(os.path.join(sys.argv[1], "out1.pcap"))
bad = [i for i, b in enumerate(outp)
       if b != want and b != want + b"\0" * (ETH_MIN_FRAME - len(want))]
if not outp or bad:
    print("neigh-resolve: expected >= 1 ARP request like:")
    print(Ether(want).show(dump=True))
    for i in (bad or [])[:3]:
        print("out1 #%d differs:" % i)
        print(Ether(outp[i]).show(dump=True))
    if not outp:
        print("out1 is empty")
    sys.exit(1)
print("neigh-resolve: %d ARP request(s) for 10.2.0.9, all correct" % len(outp))
