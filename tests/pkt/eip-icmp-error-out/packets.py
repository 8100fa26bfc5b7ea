#!/usr/bin/python3
"""ICMP errors from VM 192.168.1.10 about packets sent to its EIP."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()


def quote(src, dst, l4, n):
    """First n bytes (0 = all) of the datagram src -> dst carrying l4()."""
    full = raw(IP(src=src, dst=dst, ttl=51, id=0x2222) / l4())
    return full[:n] if n else full


cases = [  # (type, code, quoted source, l4, quote length)
    (3, 3, REMOTE_SRC, lambda: UDP(sport=40000, dport=9999) / Raw(b"probe!"), 28),
    (3, 1, "198.18.7.7",
     lambda: TCP(sport=443, dport=22, flags="S", seq=99) / Raw(b"x" * 10), 0),
    (12, 0, REMOTE_SRC, lambda: ICMP(type=8, id=5, seq=6) / Raw(b"ping"), 28),
    (3, 3, REMOTE_SRC,
     lambda: UDP(sport=40001, dport=9998, chksum=0) / Raw(b"zero"), 0),
]


def error(src, dst, type, code, q, ttl):
    return (IP(src=src, dst=dst, ttl=ttl, id=0x1500 + type)
            / ICMP(type=type, code=code) / Raw(q))


pkts, exp0 = [], []
for type, code, qsrc, l4, n in cases:
    priv, pub = quote(qsrc, VM_IP, l4, n), quote(qsrc, EIP_A, l4, n)
    pkts.append(from_hv(error(VM_IP, qsrc, type, code, priv, 64), VM_A_MAC, VNI_A))
    exp0.append(to_inet(error(EIP_A, qsrc, type, code, pub, 63)))

bad = [from_hv(error(VM_IP, REMOTE_SRC, 3, 3,
                     quote(REMOTE_SRC, qdst, lambda: UDP(sport=1, dport=2), 28),
                     64), VM_A_MAC, VNI_A)
       for qdst in ("192.168.1.99", EIP_A)]
write_scenario(out, in1=pkts + bad, expected0=[garp(EIP_A)] + exp0,
               expected1=[])
