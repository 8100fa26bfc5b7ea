#!/usr/bin/python3
"""Forged sources (ours, an EIP, a VIP) drop as ip_src_spoofed; a real one
passes."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
spoofed = [
    udp_in(src=P0_IP, dst=ROUTED_HOST),
    udp_in(src=EIP_A, dst=EIP_A, dport=53),
    udp_in(src=EIP_A, dst=ROUTED_HOST),
    client_in(tcp_seg(VIP, VIP, 40000, 80, "S", seq=1)),
    client_in(tcp_seg(VIP, ROUTED_HOST, 80, 40000, "SA", seq=1, ack=1)),
]
in1 = [from_hv(IP(src="192.168.1.10", dst=REMOTE_SRC) / UDP(sport=53, dport=5353),
               VM_A_MAC, VNI_A)]
# the outer source of that VXLAN frame is our own underlay address
in1 = [Ether(to_bytes(in1[0]))]
in1[0][IP].src = P1_IP
in1[0][IP].chksum = None
in1 = [final(in1[0])]
real = eip_in(IP(src=REMOTE_SRC, dst=EIP_A) / UDP(sport=5000, dport=53) / Raw(b"q"))
write_scenario(out, in0=spoofed + [real], in1=in1,
               expected0=[garp(EIP_A), garp(VIP)], expected1=[to_hv(nat_rewrite(real, dst=VM_IP)[IP], VM_A_MAC, VNI_A)])
