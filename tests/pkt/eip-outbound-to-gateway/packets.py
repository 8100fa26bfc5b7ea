#!/usr/bin/python3
"""VM 192.168.1.10 -> the gateway's public address 10.1.0.1."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
ping = IP(src=VM_IP, dst=P0_IP, id=0x7777, ttl=50) / ICMP(type=8, id=0x4242, seq=3) \
    / Raw(b"vm-pings-the-gateway")
udp = IP(src=VM_IP, dst=P0_IP) / UDP(sport=5000, dport=161) / Raw(b"snmp?")
write_scenario(out, in1=[from_hv(ping, VM_A_MAC, VNI_A), from_hv(udp, VM_A_MAC, VNI_A)],
               expected0=[garp(EIP_A)], expected1=None)
