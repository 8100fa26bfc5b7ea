#!/usr/bin/python3
"""Beyond pcap_compare (exact frames, sport range, same flow -> same port):
the outer UDP source port really depends on the inner flow, i.e. the
distinct flows of this scenario do not all share one port."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

outp = read_pcap(os.path.join(sys.argv[1], "out1.pcap"))
ports = {int.from_bytes(b[34:36], "big") for b in outp if len(b) > 36}
print("eip-inbound: %d frames, outer source ports %s" % (len(outp), sorted(ports)))
if len(outp) >= 2 and len(ports) < 2:
    print("eip-inbound: every flow got the same outer UDP source port")
    sys.exit(1)
