#!/usr/bin/python3
"""snat-exhaustion: each of VM1's first 70 flows left once from its own
public port of the pool, the 71st and VM2's UDP never did; show snat's
counts agree."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from snatlib import POOL, Outputs, rewrite, show_snat  # noqa: E402

from flows import AGAIN, CAP, FLOWS, HI, LO, VM1, VM2, VM2_SYN  # noqa: E402

d = sys.argv[1]
o = Outputs(d, "snat-exhaustion", [POOL])
ports = []
for q in FLOWS[:CAP]:
    m = o.public(q)
    if not m:
        continue
    if m[0] != POOL or not LO <= m[1] <= HI:
        o.err("%s left from %s:%d" % (q.summary(), m[0], m[1]))
    ports.append(m[1])
    o.to_inet(rewrite(q, src=POOL, sport=m[1]), "VM1 flow from %d" % q.sport)
if len(set(ports)) != len(ports):
    o.err("VM1's mappings share public ports: %s" % sorted(ports))
blocks = sorted(set(p // 64 for p in ports))
if blocks != [16, 17]:
    o.err("VM1's mappings use blocks %s, expected both (16, 17)" % blocks)
if ports:
    o.to_inet(rewrite(AGAIN, src=POOL, sport=ports[0]), "VM1's first port to remote 2")
mt = o.public(VM2_SYN)
if mt:
    o.to_inet(rewrite(VM2_SYN, src=POOL, sport=mt[1]), "VM2's SYN")
try:
    s = show_snat(d)
    pool = s["pools"][0]
    w = s["workers"][0]
    got = {"udp_used": pool["udp_used"], "tcp_used": pool["tcp_used"],
           "icmp_used": pool["icmp_used"], "ports_per_protocol": pool["ports_per_protocol"],
           "vms": w["vms"], "mappings": w["mappings"], "blocks": w["blocks"],
           "sessions": w["sessions"], "vm_cap": w["vm_cap"], "exhausted": w["exhausted"],
           "top": [(t["ip"], t["public"], t["mappings"]) for t in s["top_vms"]]}
    want = {"udp_used": CAP, "tcp_used": 1, "icmp_used": 0, "ports_per_protocol": 128,
            "vms": 2, "mappings": CAP + 1, "blocks": 3, "sessions": CAP + 2,
            "vm_cap": 1, "exhausted": 1,
            "top": [(VM1.ip, POOL, CAP), (VM2.ip, POOL, 1)]}
    for k in want:
        if got[k] != want[k]:
            o.err("show snat %s: %s, expected %s" % (k, got[k], want[k]))
except (OSError, ValueError, KeyError, IndexError, TypeError) as ex:
    o.err("show snat JSON unusable: %r" % ex)
o.done()
