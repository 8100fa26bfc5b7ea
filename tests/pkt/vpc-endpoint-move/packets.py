#!/usr/bin/python3
"""A VM moved to another hypervisor (endpoint replace), VNI 0xFFFFFF."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
VNI = 0xFFFFFF
NEW_MAC = "02:aa:00:00:02:0a"
assert vpc_gw_mac(VNI) == "02:76:67:ff:ff:ff"
inb = [eip_in(IP(src=REMOTE_SRC, dst=EIP_A) / UDP(sport=1, dport=2) / Raw(b"to-moved-vm")),
       eip_in(IP(src=REMOTE_SRC, dst=EIP_A) / ICMP(type=8, id=1, seq=2))]
vm = IP(src=VM_IP, dst=REMOTE_SRC) / UDP(sport=2, dport=1) / Raw(b"from-moved-vm")
in1 = [from_hv(vm, NEW_MAC, VNI, hv_vtep=HV2_VTEP, hv_mac=HV2_MAC),
       # the old place: no endpoint names 10.2.0.21 any more
       from_hv(vm, VM_A_MAC, VNI),
       # 10.2.0.23 lost its only endpoint
       from_hv(IP(src="192.168.1.20", dst=REMOTE_SRC) / UDP(sport=3, dport=1),
               "02:aa:00:00:01:14", VNI, hv_vtep="10.2.0.23",
               hv_mac="02:00:00:00:02:23")]
write_scenario(out, in0=inb, in1=in1,
               expected0=[garp(EIP_A), to_inet(nat_rewrite(vm, src=EIP_A))],
               expected1=[to_hv(nat_rewrite(p, dst=VM_IP), NEW_MAC, VNI,
                                hv_vtep=HV2_VTEP, hv_mac=HV2_MAC) for p in inb])
