#!/usr/bin/python3
"""A VTEP on UDP port 8472."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
PORT = 8472
inb = eip_in(IP(src=REMOTE_SRC, dst=EIP_A) / UDP(sport=1, dport=2) / Raw(b"in"))
vm = IP(src=VM_IP, dst=REMOTE_SRC) / UDP(sport=2, dport=1) / Raw(b"out")
good = from_hv(vm, VM_A_MAC, VNI_A, dport=PORT)
wrong_port = from_hv(vm, VM_A_MAC, VNI_A, dport=VXLAN_PORT)
# the same valid VXLAN frame, but arriving from the Internet side
b = bytearray(to_bytes(good))
b[0:6], b[6:12] = mac_bytes(P0_MAC), mac_bytes(INET_NH_MAC)
spoofed = bytes(b)
write_scenario(out, in0=[inb, spoofed], in1=[good, wrong_port],
               expected0=[garp(EIP_A), to_inet(nat_rewrite(vm, src=EIP_A))],
               expected1=[to_hv(nat_rewrite(inb, dst=VM_IP), VM_A_MAC, VNI_A,
                                dport=PORT)])
