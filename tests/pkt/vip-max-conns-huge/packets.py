#!/usr/bin/python3
"""max-conns 4294967295 over two workers admits new flows."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
WEB = Backend("vpca", VNI_A, "192.168.1.10", 8080, VM_A_MAC)
syns = [client_in(tcp_seg("198.51.100.%d" % (100 + i), VIP, 40000 + i, 80, "S", seq=i), port=P1)
        for i in range(8)]
write_scenario(out, in1=syns, expected0=[garp(VIP)], expected1=None)
