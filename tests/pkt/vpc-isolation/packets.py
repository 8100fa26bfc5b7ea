#!/usr/bin/python3
"""Two VPCs with the same private address, each with its own EIP."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
GW_MAC_B = "02:bb:ff:00:00:01"
A = dict(eip=EIP_A, vni=VNI_A, mac=VM_A_MAC, hv=HV1_VTEP, hv_mac=HV1_MAC,
         gw=vpc_gw_mac(VNI_A))
B = dict(eip=EIP_B, vni=VNI_B, mac=VM_B_MAC, hv=HV2_VTEP, hv_mac=HV2_MAC,
         gw=GW_MAC_B)


def l4s():
    return [UDP(sport=1024, dport=9999) / Raw(b"same-5-tuple"),
            TCP(sport=40000, dport=443, flags="S", seq=1),
            ICMP(type=8, id=0x77, seq=1) / Raw(b"same-ping")]


# inbound, interleaved A, B, A, B ...: identical except the destination EIP;
# twice, so each flow's outer source port is checked to stay the same
in0, exp1 = [], []
for l4 in l4s() + l4s():
    for v in (A, B):
        p = eip_in(IP(src=REMOTE_SRC, dst=v["eip"], flags="DF") / l4)
        in0.append(p)
        exp1.append(to_hv(nat_rewrite(p, dst=VM_IP), v["mac"], v["vni"],
                          hv_vtep=v["hv"], hv_mac=v["hv_mac"], gw_mac=v["gw"]))

# outbound: the same inner packet from each VNI gets its own EIP
in1, exp0 = [], []
for l4 in l4s():
    for v in (B, A):
        i = IP(src=VM_IP, dst=REMOTE_SRC, flags="DF") / l4
        in1.append(from_hv(i, v["mac"], v["vni"], hv_vtep=v["hv"],
                           hv_mac=v["hv_mac"], gw_mac=v["gw"]))
        exp0.append(to_inet(nat_rewrite(i, src=v["eip"])))
write_scenario(out, in0=in0, in1=in1,
               expected0=[garp(EIP_A), garp(EIP_B)] + exp0, expected1=exp1)
