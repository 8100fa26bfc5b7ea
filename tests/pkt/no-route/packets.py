#!/usr/bin/python3
"""UDP and ICMP to destinations outside every connected/static prefix."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

pkts = [udp_in(dst="198.51.100.7"), icmp_echo_in(dst="8.8.8.8")]
out = outdir_from_argv()
assert len(pkts) == 2
write_scenario(out, in0=pkts, expected0=[], expected1=[])
