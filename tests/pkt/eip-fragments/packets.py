#!/usr/bin/python3
"""Fragmented UDP and TCP datagrams to and from the EIP."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
CUT = 104                       # bytes of IP payload in the first fragment


def fragments(src, dst, l4, ipid, ttl):
    """The two fragments of datagram src -> dst carrying l4 (checksums of
    the whole datagram computed by scapy), as IP packets."""
    d = IP(raw(IP(src=src, dst=dst, id=ipid) / l4))
    body = raw(d.payload)
    assert len(body) > CUT and CUT % 8 == 0
    kw = dict(src=src, dst=dst, id=ipid, proto=d.proto, ttl=ttl)
    return [IP(flags="MF", frag=0, **kw) / Raw(body[:CUT]),
            IP(flags=0, frag=CUT // 8, **kw) / Raw(body[CUT:])]


# the second part starts with 8 bytes that would be a plausible UDP header
tail = b"\x04\x00\x27\x0f\x00\x40\x12\x34" + bytes(range(120))
dgrams = [(lambda: UDP(sport=1024, dport=9999) / Raw(b"U" * 96 + tail), 0x4242),
          (lambda: TCP(sport=40000, dport=80, flags="PA") / Raw(b"T" * 84 + tail), 0x4343)]
in0, exp1, in1, exp0 = [], [], [], []
for l4, ipid in dgrams:
    # inbound: Internet -> EIP, tunnelled with destination the private IP
    for f_pub, f_priv in zip(fragments(REMOTE_SRC, EIP_A, l4(), ipid, 64),
                             fragments(REMOTE_SRC, VM_IP, l4(), ipid, 63)):
        in0.append(eip_in(f_pub))
        exp1.append(to_hv(f_priv, VM_A_MAC, VNI_A))
    # outbound: VM -> Internet, source becomes the EIP
    for f_priv, f_pub in zip(fragments(VM_IP, REMOTE_SRC, l4(), ipid + 1, 64),
                             fragments(EIP_A, REMOTE_SRC, l4(), ipid + 1, 63)):
        in1.append(from_hv(f_priv, VM_A_MAC, VNI_A))
        exp0.append(to_inet(f_pub))
# the non-first fragments are identical on both sides beyond the IP header
for a, b in ((in0[1], exp1[1]), (in1[1], exp0[1])):
    assert to_bytes(a)[-len(tail):] == to_bytes(b)[-len(tail):]
write_scenario(out, in0=in0, in1=in1, expected0=[garp(EIP_A)] + exp0,
               expected1=exp1)
