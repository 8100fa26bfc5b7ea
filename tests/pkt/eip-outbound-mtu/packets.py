#!/usr/bin/python3
"""VM -> Internet over a public port with MTU 1280."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

from flows import fits, too_big  # noqa: E402

out = outdir_from_argv()
in1 = [from_hv(p, VM_A_MAC, VNI_A) for p, _ in too_big] + [from_hv(fits, VM_A_MAC, VNI_A)]
write_scenario(out, in1=in1,
               expected0=[garp(EIP_A), to_inet(nat_rewrite(fits, src=EIP_A))],
               expected1=None)
