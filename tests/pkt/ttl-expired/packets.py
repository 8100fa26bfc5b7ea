#!/usr/bin/python3
"""TTL 1 from 10.1.0.2 (connected on p0, static neigh) to 192.0.2.10."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
pkt = udp_in(src=P0_PEER_IP, dst=ROUTED_HOST, sport=33434, dport=33435,
             ttl=1, id=0x5151, payload=b"traceroute-probe-" * 4)
err = icmp_error(pkt, 11, 0, src_ip=P0_IP, out_mac=P0_MAC,
                 dst_mac=P0_PEER_MAC)
write_scenario(out, in0=[pkt], expected0=[err], expected1=[])
