#!/usr/bin/python3
"""ICMP errors from the Internet about packets of EIP 10.1.0.100."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
ROUTER = "198.18.0.1"


def quote(src, dst, l4, n, options=b""):
    """First n bytes of the datagram src -> dst carrying l4() (a function,
    so the public and the private version each compute their checksums)."""
    full = raw(IP(src=src, dst=dst, ttl=57, id=0x3333, flags="DF",
                  options=options) / l4())
    return full[:n] if n else full


def l4_csum(q):
    ihl = (q[0] & 0x0F) * 4
    off = {17: 6, 6: 16, 1: 2}[q[9]]
    return q[ihl + off:ihl + off + 2] if len(q) >= ihl + off + 2 else None


OPT = b"\x01\x01\x01\x00"   # NOP NOP NOP EOL: IHL 6
cases = [  # (error source, type, code, nexthopmtu, dst of quoted, l4, quote
    #         len[, quoted IP options, error IP options])
    (REMOTE_SRC, 3, 3, 0, REMOTE_SRC,
     lambda: UDP(sport=5000, dport=53) / Raw(b"vm-query-xyz"), 28),
    # a router quoting the whole (short) TCP segment: the TCP checksum is in
    # the quote and must be translated too
    (ROUTER, 3, 4, 1400, REMOTE_SRC,
     lambda: TCP(sport=80, dport=40000, flags="PA", seq=8, ack=1030)
     / Raw(b"HTTP/1.1 200"), 0),
    (ROUTER, 11, 0, 0, "8.8.8.8",
     lambda: ICMP(type=8, id=77, seq=1) / Raw(b"vm-ping"), 28),
    (REMOTE_SRC, 3, 3, 0, REMOTE_SRC,
     lambda: UDP(sport=5001, dport=69, chksum=0) / Raw(b"no-checksum"), 28),
    (ROUTER, 12, 0, 0, REMOTE_SRC,
     lambda: UDP(sport=5002, dport=123) / Raw(b"ntp-query-padding"), 0),
    # IPv4 options in the quoted header and in the error's own header
    (REMOTE_SRC, 3, 3, 0, REMOTE_SRC,
     lambda: UDP(sport=5003, dport=161) / Raw(b"snmp-get"), 32, OPT, OPT),
]


def error(src, type, code, mtu, q, dst, ttl, options=b""):
    icmp = ICMP(type=type, code=code)
    if mtu:
        icmp.nexthopmtu = mtu
    return IP(src=src, dst=dst, ttl=ttl, id=0x4000 + type, tos=0xC0,
              options=options) / icmp / Raw(q)


pkts, exp1 = [], []
for src, type, code, mtu, qdst, l4, n, *opts in cases:
    qopt, eopt = opts or (b"", b"")
    pub, priv = quote(EIP_A, qdst, l4, n, qopt), quote(VM_IP, qdst, l4, n, qopt)
    assert pub != priv and len(pub) == len(priv)
    c = l4_csum(priv)
    assert c not in (b"\xff\xff",), "pick another payload (checksum 0xffff)"
    if type != 11:  # ICMP echo: its checksum does not cover addresses
        assert c is None or c == b"\0\0" or c != l4_csum(pub)
    pkts.append(eip_in(error(src, type, code, mtu, pub, EIP_A, 50, eopt)))
    exp1.append(to_hv(error(src, type, code, mtu, priv, VM_IP, 49, eopt),
                      VM_A_MAC, VNI_A))

# quoted source not the EIP: another public host, the VM's private address
bad = [eip_in(error(REMOTE_SRC, 3, 3, 0,
                    quote(q, REMOTE_SRC, lambda: UDP(sport=5000, dport=53), 28),
                    EIP_A, 50))
       for q in ("10.1.0.77", VM_IP)]
write_scenario(out, in0=pkts + bad, expected0=[garp(EIP_A)], expected1=exp1)
