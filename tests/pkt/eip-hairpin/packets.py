#!/usr/bin/python3
"""VM in VPC A <-> VM in VPC B through their EIPs (hairpin)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
A = dict(eip=EIP_A, vni=VNI_A, mac=VM_A_MAC, hv_vtep=HV1_VTEP, hv_mac=HV1_MAC)
B = dict(eip=EIP_B, vni=VNI_B, mac=VM_B_MAC, hv_vtep=HV2_VTEP, hv_mac=HV2_MAC)


def hairpin(src, dst, l4):
    """VM of `src` sends l4 to dst's EIP -> (input frame, expected output)."""
    i = IP(src=VM_IP, dst=dst["eip"], ttl=64, flags="DF") / l4
    pin = from_hv(i, src["mac"], src["vni"], hv_vtep=src["hv_vtep"],
                  hv_mac=src["hv_mac"])
    snat = nat_rewrite(i, src=src["eip"])            # outbound: TTL-1
    dnat = nat_rewrite(snat, dst=VM_IP)              # inbound: TTL-1
    return pin, to_hv(dnat, dst["mac"], dst["vni"], hv_vtep=dst["hv_vtep"],
                      hv_mac=dst["hv_mac"])


flows = [hairpin(A, B, UDP(sport=1111, dport=2222) / Raw(b"a-to-b")),
         hairpin(B, A, UDP(sport=2222, dport=1111) / Raw(b"b-to-a")),
         hairpin(A, B, TCP(sport=40000, dport=22, flags="S")),
         hairpin(A, A, ICMP(type=8, id=3, seq=1) / Raw(b"own-eip"))]
write_scenario(out, in1=[p for p, _ in flows],
               expected0=[garp(EIP_A), garp(EIP_B)],
               expected1=[e for _, e in flows])
