#!/usr/bin/python3
"""Gratuitous and proxy ARP for VIPs (as tests/pkt/eip-arp for EIPs)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
VIP_LINK = "10.1.0.80"     # on p0's subnet: a router ARPs for it
VIP_ROUTED = VIP           # 198.51.100.80, routed to the gateway
DELETED = "10.1.0.85"


def req(pdst, dst_mac="ff:ff:ff:ff:ff:ff"):
    return arp_request(psrc=P0_PEER_IP, pdst=pdst, hwsrc=P0_PEER_MAC,
                       dst_mac=dst_mac)


r_link, r_routed, r_del, r_own, r_uni = (
    req(VIP_LINK), req(VIP_ROUTED), req(DELETED), req(P0_IP),
    req(VIP_LINK, dst_mac=P0_MAC))
in0 = [r_link, r_routed, r_del, r_own, r_uni]
in1 = [arp_request(psrc=P1_NH_IP, pdst=VIP_LINK, hwsrc=P1_NH_MAC)]
# the announcements are queued by the startup commands: they leave before
# any reply (which needs the slow path to see a request first)
exp0 = [garp(VIP_LINK), garp(VIP_ROUTED), garp(DELETED),
        arp_reply(r_link, P0_MAC, VIP_LINK),
        arp_reply(r_routed, P0_MAC, VIP_ROUTED),
        arp_reply(r_own, P0_MAC, P0_IP), arp_reply(r_uni, P0_MAC, VIP_LINK)]
write_scenario(out, in0=in0, in1=in1, expected0=exp0, expected1=[])
