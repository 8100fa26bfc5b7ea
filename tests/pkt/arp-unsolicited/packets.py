#!/usr/bin/python3
"""Gratuitous is-at 10.1.0.99 02:00:00:00:00:99, broadcast."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
garp = final(Ether(dst="ff:ff:ff:ff:ff:ff", src="02:00:00:00:00:99")
             / ARP(op=2, hwsrc="02:00:00:00:00:99", psrc="10.1.0.99",
                   hwdst="ff:ff:ff:ff:ff:ff", pdst="10.1.0.99"))
write_scenario(out, in0=[garp], expected0=[], expected1=[])
