#!/usr/bin/python3
"""A VM with an EIP talks to a VIP whose backend is in another VPC."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
BE = Backend("vpcb", VNI_B, "192.168.1.20", 8080, "02:bb:00:00:01:14", hv_vtep=HV2_VTEP,
             hv_mac=HV2_MAC)
syn = tcp_seg(VM_IP, VIP, 40000, 80, "S", seq=100, ttl=64)
pin = from_hv(syn, VM_A_MAC, VNI_A)
snat = nat_rewrite(syn, src=EIP_A)                       # outbound: TTL-1
exp_syn = to_hv(lb_rewrite(snat, dst=BE.ip, dport=BE.port), BE.mac, BE.vni,
                hv_vtep=BE.hv_vtep, hv_mac=BE.hv_mac)   # balanced: TTL-1
sa = tcp_seg(BE.ip, EIP_A, 8080, 40000, "SA", seq=900, ack=101, ttl=64)
pin2 = from_backend(sa, BE)
back = lb_rewrite(sa, src=VIP, sport=80)                 # reply: TTL-1
exp_sa = to_hv(nat_rewrite(back, dst=VM_IP), VM_A_MAC, VNI_A)  # to the EIP's VM: TTL-1
write_scenario(out, in1=[pin, pin2], expected0=[garp(EIP_A), garp(VIP)],
               expected1=[exp_syn, exp_sa])
