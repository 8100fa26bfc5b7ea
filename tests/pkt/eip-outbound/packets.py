#!/usr/bin/python3
"""VM 192.168.1.10 (VNI 100, behind 10.2.0.21) -> Internet, source EIP."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()


def ip(dst=REMOTE_SRC, **kw):
    kw.setdefault("flags", "DF")
    return IP(src=VM_IP, dst=dst, **kw)


def udp(sport=5000, dport=53, payload=b"vm-query", chksum=None):
    l4 = UDP(sport=sport, dport=dport)
    if chksum is not None:
        l4.chksum = chksum
    return l4 / Raw(payload)


inner = [
    ip() / udp(),
    ip() / udp(sport=5001, payload=b"vm-no-checksum", chksum=0),
    ip() / TCP(sport=80, dport=40000, flags="SA", seq=7, ack=1001),
    ip() / TCP(sport=80, dport=40000, flags="PA", seq=8, ack=1030)
    / Raw(b"HTTP/1.1 200 OK\r\n\r\n"),
    ip(id=0x0102) / ICMP(type=0, id=0x4321, seq=9) / Raw(b"ping-the-eip"),
    ip(dst="8.8.8.8") / ICMP(type=8, id=77, seq=1) / Raw(b"vm-ping"),
    ip(flags=0, tos=0x2E, id=0xA5A5) / udp(sport=5002, payload=b"df-clear"),
    ip(ttl=2) / udp(sport=5003, payload=b"ttl-2"),
    ip(options=b"\x01\x01\x01\x00") / udp(sport=5004, payload=b"options"),
    # 1450-byte inner packet: the outer packet is exactly 1500 bytes
    ip() / udp(sport=5005, payload=b"B" * (1450 - 28)),
    # to a host on p0's subnet: connected route, its own neighbour entry
    ip(dst=P0_PEER_IP) / udp(sport=5006, dport=7, payload=b"to-p0-peer"),
]
# the outer headers vary: any source port, outer UDP checksum computed,
# outer TTL 1 (addressed to us: not an expiry, RFC 1812 5.3.1), DF clear
outer = [dict(), dict(sport=49999), dict(udp_chksum=None), dict(ttl=1),
         dict(ip_flags=0, ip_id=0x7777), dict(sport=1), dict(), dict(),
         dict(udp_chksum=None), dict(), dict(sport=65535)]
assert len(outer) == len(inner)
pkts = [from_hv(i, VM_A_MAC, VNI_A, **o) for i, o in zip(inner, outer)]

# trailing bytes: inside the tunnel after the inner IPv4 packet (counted in
# the UDP length), and after the outer IPv4 packet (Ethernet trailer); only
# the IPv4 total lengths count, nothing of the trailers may travel on
trail_in = ip() / udp(sport=5007, payload=b"inner-trailer")
pkts.append(vxlan_frame(to_bytes(vm_frame(trail_in, VM_A_MAC, VNI_A)) + b"\xAA" * 20,
                        VNI_A, HV1_VTEP, GW_VTEP, HV1_MAC, P1_MAC, sport=51000))
trail_out = ip() / udp(sport=5008, payload=b"outer-trailer")
pkts.append(to_bytes(from_hv(trail_out, VM_A_MAC, VNI_A)) + b"\x55" * 6)
# outer IPv4 header with options (IHL 6): the UDP header is further in
opts = ip() / udp(sport=5009, payload=b"outer-options")
pkts.append(final(Ether(dst=P1_MAC, src=HV1_MAC)
                  / IP(src=HV1_VTEP, dst=GW_VTEP, options=b"\x01\x01\x01\x00")
                  / UDP(sport=51000, dport=VXLAN_PORT, chksum=0)
                  / Raw(vxlan_header(VNI_A) + to_bytes(vm_frame(opts, VM_A_MAC, VNI_A)))))
inner += [trail_in, trail_out, opts]
exp0 = [to_inet(nat_rewrite(i, src=EIP_A),
                P0_PEER_MAC if i[IP].dst == P0_PEER_IP else INET_NH_MAC)
        for i in inner]
write_scenario(out, in1=pkts, expected0=[garp(EIP_A)] + exp0, expected1=[])
