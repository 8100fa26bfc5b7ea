#!/usr/bin/python3
"""Internet -> EIP 10.1.0.100 on p0 -> VXLAN to hypervisor 10.2.0.21 on p1."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()


def udp(sport=1024, dport=9999, payload=b"vgw-udp", src=REMOTE_SRC, chksum=None,
        **ipkw):
    l4 = UDP(sport=sport, dport=dport)
    if chksum is not None:
        l4.chksum = chksum
    ipkw.setdefault("flags", "DF")
    return eip_in(IP(src=src, dst=EIP_A, **ipkw) / l4 / Raw(payload))


def tcp(flags, payload=b"", sport=40000, dport=80, src=REMOTE_SRC, **ipkw):
    l4 = TCP(sport=sport, dport=dport, flags=flags, seq=1000, ack=0 if flags == "S" else 77)
    return eip_in(IP(src=src, dst=EIP_A, flags="DF", **ipkw) / l4 / Raw(payload))


small = to_bytes(udp(sport=7, dport=7, payload=b"x"))
assert len(small) < ETH_MIN_FRAME
pkts = [
    udp(),
    # UDP checksum 0 (no checksum, RFC 768) must stay 0
    udp(sport=1025, payload=b"no-checksum-datagram", chksum=0),
    # DF clear, DSCP/ECN, odd id: all kept in the inner header
    udp(sport=1026, flags=0, tos=0xB9, id=0xBEEF, payload=b"df-clear"),
    tcp("S"),
    tcp("PA", payload=b"GET / HTTP/1.1\r\nHost: eip\r\n\r\n"),
    eip_in(IP(src=REMOTE_SRC, dst=EIP_A, flags="DF", id=0x0102)
           / ICMP(type=8, code=0, id=0x4321, seq=9) / Raw(b"ping-the-eip")),
    # other flows: another source, a TTL that ends at 1 inside the tunnel
    udp(src="198.18.7.7", sport=5353, dport=53, payload=bytes(range(200))),
    tcp("A", src="203.0.113.200", sport=61000, dport=22, ttl=2, payload=b"ssh"),
    # IPv4 options (IHL 6): checksums over a longer header
    udp(sport=1027, options=b"\x01\x01\x01\x00", payload=b"with-options"),
    # a large datagram that still fits (1400 + 50 < 1500)
    udp(sport=1028, payload=b"L" * (1400 - 28)),
    # a minimal frame padded to 60 bytes by the sender: the padding is not
    # part of the IP packet and must not be tunnelled
    small + b"\0" * (ETH_MIN_FRAME - len(small)),
    # a non-zero trailer after the IPv4 packet (e.g. a switch's): dropped too
    to_bytes(udp(sport=1029, payload=b"trailer")) + b"\xEE" * 8,
]
exp1 = [to_hv(nat_rewrite(Ether(to_bytes(p)), dst=VM_IP), VM_A_MAC, VNI_A)
        for p in pkts]
write_scenario(out, in0=pkts, expected0=[garp(EIP_A)], expected1=exp1)
