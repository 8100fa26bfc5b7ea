#!/usr/bin/python3
"""snat-icmp: the public ports are learned from the translated packets on
p0; every output is then checked exactly (snatlib.Outputs), quotes
included."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from snatlib import (INET_TTL, POOL, REMOTE, REMOTE2, ROUTER, Outputs,  # noqa: E402
                     icmp_error, rewrite, seen_by)

from flows import PING, Q, SYN, VM1, inbound, reply, synack  # noqa: E402

o = Outputs(sys.argv[1], "snat-icmp", [POOL])
mq, ms, mp = o.public(Q), o.public(SYN), o.public(PING)
if mq and ms and mp:
    p, t, i = mq[1], ms[1], mp[1]
    o.to_inet(rewrite(Q, src=POOL, sport=p), "UDP out")
    o.to_inet(rewrite(SYN, src=POOL, sport=t), "SYN out")
    o.to_inet(rewrite(PING, src=POOL, sport=i), "ping out")
    # time exceeded about the ping: the quoted echo's identifier back to the
    # VM's, its checksum and the error's recomputed
    o.to_vm(VM1, icmp_error(ROUTER, VM1.ip, 11, 0, seen_by(PING, 1), ttl=INET_TTL - 1),
            "time exceeded about the ping")
    # inbound errors: the quote is the VM's packet again (as seen that many
    # hops on), outer destination the VM, TTL-1
    ttl = INET_TTL - 1
    o.to_vm(VM1, icmp_error(REMOTE, VM1.ip, 3, 3, seen_by(Q, 3), ttl=ttl),
            "port unreachable about the UDP flow")
    o.to_vm(VM1, icmp_error(ROUTER, VM1.ip, 11, 0, seen_by(Q, 63), ttl=ttl),
            "time exceeded about the UDP flow")
    o.to_vm(VM1, icmp_error(ROUTER, VM1.ip, 3, 4, seen_by(SYN, 3), ttl=ttl,
                            nexthopmtu=1400), "fragmentation needed about the SYN")
    # the sessions outlived the errors
    o.to_vm(VM1, rewrite(reply(p), dst=VM1.ip, dport=5000), "UDP reply after the errors")
    o.to_vm(VM1, rewrite(synack(t), dst=VM1.ip, dport=40000), "SYN-ACK after the errors")
    o.to_vm(VM1, rewrite(inbound(p), dst=VM1.ip, dport=5000), "inbound UDP of remote 2")
    # the VM's error: outer source and quoted destination the public ones
    o.to_inet(icmp_error(POOL, REMOTE2, 3, 3, seen_by(inbound(p), 1), ttl=63),
              "the VM's port unreachable")
o.done()
