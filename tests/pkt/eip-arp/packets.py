#!/usr/bin/python3
"""Gratuitous and proxy ARP for EIPs."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
DELETED = "10.1.0.105"


def req(pdst, dst_mac="ff:ff:ff:ff:ff:ff"):
    return arp_request(psrc=P0_PEER_IP, pdst=pdst, hwsrc=P0_PEER_MAC,
                       dst_mac=dst_mac)


r_eip, r_routed, r_del, r_own, r_uni = (
    req(EIP_A), req(EIP_B), req(DELETED), req(P0_IP), req(EIP_A, dst_mac=P0_MAC))
in0 = [r_eip, r_routed, r_del, r_own, r_uni]
in1 = [arp_request(psrc=P1_NH_IP, pdst=EIP_A, hwsrc=P1_NH_MAC)]
# the announcements are queued by the startup commands: they leave before
# any reply (which needs the slow path to see a request first)
exp0 = [garp(EIP_A), garp(EIP_B), garp(DELETED),
        arp_reply(r_eip, P0_MAC, EIP_A), arp_reply(r_routed, P0_MAC, EIP_B),
        arp_reply(r_own, P0_MAC, P0_IP), arp_reply(r_uni, P0_MAC, EIP_A)]
write_scenario(out, in0=in0, in1=in1, expected0=exp0, expected1=[])
