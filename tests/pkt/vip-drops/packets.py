#!/usr/bin/python3
"""One or more packets per VIP drop reason, the flows that pass, an echo."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

from cases import cases, echo  # noqa: E402

out = outdir_from_argv()
WEB = Backend("vpca", VNI_A, "192.168.1.10", 8080, VM_A_MAC)
DNS = Backend("vpca", VNI_A, "192.168.1.11", 53, "02:aa:00:00:01:0b")
in0, exp1 = [], []
for reason, p in cases():
    in0.append(p)
    if reason is None:
        be = DNS if UDP in p else WEB
        exp1.append(to_backend(p, be))
req = echo()
in0.append(req)
# `service add` announces each new VIP address once (gratuitous ARP)
exp0 = [garp(VIP), garp(VIP2), echo_reply(req, out_mac=P0_MAC, dst_mac=INET_NH_MAC)]
write_scenario(out, in0=in0, expected0=exp0, expected1=exp1)
