#!/usr/bin/python3
"""EIP traffic in both directions while no VTEP is configured."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
in0 = [eip_in(IP(src=REMOTE_SRC, dst=EIP_A) / UDP(sport=1, dport=2) / Raw(b"in")),
       eip_in(IP(src=REMOTE_SRC, dst=EIP_A) / ICMP(type=8, id=3, seq=4)),
       eip_in(IP(src=REMOTE_SRC, dst="10.1.0.102") / UDP(sport=1, dport=2))]
in1 = [from_hv(IP(src=VM_IP, dst=REMOTE_SRC) / UDP(sport=2, dport=1) / Raw(b"out"),
               VM_A_MAC, VNI_A)]
write_scenario(out, in0=in0, in1=in1,
               expected0=[garp(EIP_A), garp("10.1.0.102")], expected1=[])
