#!/usr/bin/python3
"""Internet ICMP errors about a VIP flow -> translated to the backend."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
be = Backend("vpca", VNI_A, "192.168.1.10", 8080, "02:aa:00:00:01:0a")
ROUTER = "198.18.0.1"

syn = tcp_seg(CLIENT, VIP, 40000, 80, "S", seq=1000)
# the reply as it left the gateway (VIP:80 -> client), as a router quotes it
reply = tcp_seg(VIP, CLIENT, 80, 40000, "A", seq=5001, ack=1001, payload=b"x" * 1400, ttl=60)


def icmp_err(quote, type_=3, code=4, mtu=1400, dst=VIP):
    return IP(src=ROUTER, dst=dst, ttl=50) / ICMP(type=type_, code=code, nexthopmtu=mtu) \
        / Raw(quote)


def quote_of(pkt, n=28):
    return to_bytes(pkt)[:n]


def translated(err_ip, quote_be):
    """err_ip after the gateway: dst = backend, TTL-1, the quote replaced
    by quote_be, IP and ICMP checksums from scratch."""
    ip = IP(to_bytes(err_ip))
    ip.dst = be.ip
    ip.ttl -= 1
    del ip.chksum
    icmp = ip[ICMP]
    icmp.remove_payload()
    del icmp.chksum
    return IP(raw(ip / Raw(quote_be)))


frag_needed = icmp_err(quote_of(reply, 48))
port_unreach = icmp_err(quote_of(reply, 28), code=3, mtu=0)


def patched_quote(q):
    """The router's quote with source VIP:80 replaced by backend:8080, the
    quoted IP checksum recomputed, and the quoted TCP checksum made right
    for the new pseudo-header (computed on the full original segment)."""
    full = IP(to_bytes(reply))
    full.src = be.ip
    full[TCP].sport = be.port
    del full.chksum
    del full[TCP].chksum
    b = raw(full)
    return b[:len(q)]


exp_frag = translated(frag_needed, patched_quote(quote_of(reply, 48)))
exp_unreach = translated(port_unreach, patched_quote(quote_of(reply, 28)))

other_flow = icmp_err(quote_of(tcp_seg(VIP, CLIENT, 80, 40001, "A"), 48))
short_quote = icmp_err(quote_of(reply, 22))
icmp_quote = icmp_err(quote_of(IP(src=VIP, dst=CLIENT) / ICMP(type=0), 28))
clash = tcp_seg(CLIENT, VIP2, 40000, 80, "S", seq=7000)

write_pcap(os.path.join(out, "in0.pcap"),
           [eip_in(p) for p in (syn, frag_needed, port_unreach, other_flow, short_quote,
                                icmp_quote, clash)])
write_pcap(os.path.join(out, "in1.pcap"), [])
write_pcap(os.path.join(out, "expected0.pcap"), [garp(VIP), garp(VIP2)])
write_pcap(os.path.join(out, "expected1.pcap"),
           [to_backend(eip_in(syn), be),
            to_hv(exp_frag, be.mac, be.vni),
            to_hv(exp_unreach, be.mac, be.vni)])
