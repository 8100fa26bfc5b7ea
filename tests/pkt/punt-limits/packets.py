#!/usr/bin/python3
"""An ARP flood over the arp punt rate; health answers filtered."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
WEB = Backend("vpca", VNI_A, "192.168.1.10", 8080, VM_A_MAC)
reqs = [arp_request(psrc=P0_PEER_IP, pdst=P0_IP, hwsrc=P0_PEER_MAC) for _ in range(20)]
reps = [arp_reply(reqs[0], P0_MAC, P0_IP)] * 4
hc = [
    from_backend(tcp_seg(WEB.ip, VIP, 8080, 61005, "S", seq=5), WEB),
    from_backend(tcp_seg(WEB.ip, VIP, 8080, 80, "SA", seq=5, ack=9), WEB),
    from_backend(tcp_seg(WEB.ip, VIP, 8080, 61005, "SA", seq=5, ack=9), WEB),
]
write_scenario(out, in0=reqs, in1=hc, expected0=[garp(VIP)] + reps, expected1=[])
