#!/usr/bin/python3
"""snat-basic: the public port is learned from the translated packets on p0;
every output is then checked exactly (snatlib.Outputs)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from snatlib import LO, HI, POOL, Outputs, rewrite  # noqa: E402

from flows import (ACK, EIP, EIP_Q, PING, Q1, Q2, SYN, VM1, pong, r1, r2,  # noqa: E402
                   synack)

o = Outputs(sys.argv[1], "snat-basic", [POOL, EIP])
# UDP: one public port for both remotes (endpoint-independent mapping)
m1, m2 = o.public(Q1), o.public(Q2)
if m1 and m2:
    if m1 != m2:
        o.err("UDP 5000 to two remotes left from %s and %s" % (m1, m2))
    pub, pu = m1
    if pub != POOL or not LO <= pu <= HI:
        o.err("UDP mapping %s:%d is not in the pool" % m1)
    o.to_inet(rewrite(Q1, src=POOL, sport=pu), "UDP to remote 1")
    o.to_inet(rewrite(Q2, src=POOL, sport=pu), "UDP to remote 2")
    o.to_vm(VM1, rewrite(r1(pu), dst=VM1.ip, dport=5000), "reply of remote 1")
    o.to_vm(VM1, rewrite(r2(pu), dst=VM1.ip, dport=5000), "reply of remote 2")
mt = o.public(SYN)
if mt:
    pt = mt[1]
    if mt[0] != POOL or not LO <= pt <= HI:
        o.err("TCP mapping %s:%d is not in the pool" % mt)
    o.to_inet(rewrite(SYN, src=POOL, sport=pt), "SYN")
    o.to_vm(VM1, rewrite(synack(pt), dst=VM1.ip, dport=40000), "SYN-ACK")
    o.to_inet(rewrite(ACK, src=POOL, sport=pt), "ACK (same public port)")
mi = o.public(PING)
if mi:
    pi = mi[1]
    if mi[0] != POOL or not LO <= pi <= HI:
        o.err("echo mapping %s id %d is not in the pool" % mi)
    o.to_inet(rewrite(PING, src=POOL, sport=pi), "echo request (identifier translated)")
    o.to_vm(VM1, rewrite(pong(pi), dst=VM1.ip, dport=0x77), "echo reply (identifier back)")
# EIP precedence: source the EIP, port unchanged
o.to_inet(rewrite(EIP_Q, src=EIP), "the EIP VM's UDP")
o.done()
