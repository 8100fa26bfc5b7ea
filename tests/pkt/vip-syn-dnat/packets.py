#!/usr/bin/python3
"""Internet clients -> VIP tcp 80 / udp 53 -> VXLAN to the single backend."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
WEB = Backend("vpca", VNI_A, "192.168.1.10", 8080, VM_A_MAC)
DNS = Backend("vpca", VNI_A, "192.168.1.11", 5353, "02:aa:00:00:01:0b",
              hv_vtep=HV2_VTEP, hv_mac=HV2_MAC)
OPTS = [("MSS", 1460), ("SAckOK", b""), ("Timestamp", (12345, 0)),
        ("NOP", None), ("WScale", 7)]

web = [
    tcp_seg(CLIENT, VIP, 40000, 80, "S", seq=1000, options=OPTS),
    tcp_seg(CLIENT2, VIP, 40000, 80, "S", seq=0xFFFFFFF0, ip_flags=0, tos=0xB8,
            id=0xBEEF),
    tcp_seg(CLIENT, VIP, 40001, 80, "S", seq=7, ttl=2,
            options=[("MSS", 536)]),
    # IPv4 options (IHL 6): the checksums cover a longer header
    IP(src="192.0.2.99", dst=VIP, flags="DF", options=b"\x01\x01\x01\x00")
    / TCP(sport=1234, dport=80, flags="S", seq=99, window=1024,
          options=[("MSS", 1400)]),
]
dns = [
    udp_dgram(CLIENT, VIP, 5000, 53, payload=b"query-1"),
    udp_dgram(CLIENT, VIP, 5000, 53, payload=b"query-1-again-same-flow"),
    udp_dgram(CLIENT2, VIP, 5001, 53, payload=b"no-checksum", chksum=0),
    udp_dgram(CLIENT, VIP, 5002, 53, payload=bytes(range(256)) * 4, ip_flags="DF"),
]
pkts, exp1 = [], []
for l3, be in [(web[0], WEB), (dns[0], DNS), (web[1], WEB), (dns[1], DNS),
               (web[2], WEB), (dns[2], DNS), (web[3], WEB), (dns[3], DNS)]:
    p = client_in(l3)
    pkts.append(p)
    exp1.append(to_backend(p, be))
# a minimal datagram padded to 60 bytes by the sender: padding not tunnelled
small = to_bytes(client_in(udp_dgram(CLIENT2, VIP, 5003, 53, payload=b"q")))
assert len(small) < ETH_MIN_FRAME
padded = small + b"\0" * (ETH_MIN_FRAME - len(small))
pkts.append(padded)
exp1.append(to_backend(Ether(small), DNS))
write_scenario(out, in0=pkts, expected0=[garp(VIP)], expected1=exp1)
