#!/usr/bin/python3
"""out1.pcap: one ICMP frag-needed per "icmp" packet of flows.py, in order,
tunnelled to the VM: outer headers exact (but the source port), the inner
ICMP to the VM's private address with next-hop MTU 1280, every checksum
valid, and the quote = the VM's packet as sent (source the private address,
its checksums), its TTL as sent or one less, at least IP header + 8 bytes.
The error's own source must be a gateway address; it is printed."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

from flows import MTU, too_big  # noqa: E402

# tenants see a public address of the gateway, never the underlay (P1_IP)
GW_ADDRS = (P0_IP,)
outp = read_pcap(os.path.join(sys.argv[1], "out1.pcap"))
want = [p for p, fate in too_big if fate == "icmp"]
errs = []
if len(outp) != len(want):
    errs.append("out1: %d frames, expected %d ICMP errors" % (len(outp), len(want)))


def quote_ok(q, orig):
    o = bytearray(raw(orig))
    if len(q) < 28 or len(q) > len(o):
        return "quote of %d bytes (original %d)" % (len(q), len(o))
    for ttl in (o[8], o[8] - 1):
        c = bytearray(o)
        c[8] = ttl
        fix_ip_checksum(c)
        if bytes(c[:len(q)]) == q:
            return None
    return "quote differs from the VM's packet (TTL as sent or -1):\n%s\n%s" % (
        q[:40].hex(), bytes(o[:40]).hex())


for n, (b, orig) in enumerate(zip(outp, want)):
    sport = int.from_bytes(b[34:36], "big")
    f = Ether(b)
    ip = IP(raw(f[VXLAN].payload[IP]))
    icmp = ip[ICMP]
    # expected frame with the actual's free fields (sport, error source,
    # TTL, id, tos, flags) but every checksum recomputed from scratch
    err = IP(src=ip.src, dst=VM_IP, ttl=ip.ttl, id=ip.id, tos=ip.tos,
             flags=ip.flags) / ICMP(type=3, code=4, nexthopmtu=MTU) \
        / Raw(raw(icmp.payload))
    exp = to_hv(err, VM_A_MAC, VNI_A)
    exp = to_bytes(exp)[:34] + sport.to_bytes(2, "big") + to_bytes(exp)[36:]
    print("eip-outbound-mtu: #%d: ICMP %d/%d from %s ttl %d, mtu %d, sport %d"
          % (n, icmp.type, icmp.code, ip.src, ip.ttl, icmp.nexthopmtu, sport))
    if b != exp:
        errs.append("#%d differs from the expected frame:\n%s\ngot:\n%s"
                    % (n, Ether(exp).show(dump=True), f.show(dump=True)))
    if not 49152 <= sport <= 65535:
        errs.append("#%d: outer source port %d" % (n, sport))
    if ip.src not in GW_ADDRS or ip.ttl not in (63, 64):
        errs.append("#%d: error from %s ttl %d" % (n, ip.src, ip.ttl))
    e = quote_ok(raw(icmp.payload), orig)
    if e:
        errs.append("#%d: %s" % (n, e))
for e in errs:
    print("eip-outbound-mtu: " + e)
sys.exit(1 if errs else 0)
