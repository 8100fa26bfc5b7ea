#!/usr/bin/python3
"""snat-handoff: outputs of two workers interleave, so each expected frame
is looked for anywhere (exactly once); the public port's block says which
worker owns the VM, and show snat that both own some and that packets were
handed over."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from snatlib import Outputs, rewrite, show_snat  # noqa: E402

from flows import HI, LO, N, NREPLY, POOLS, QUERIES, VMS, reply  # noqa: E402

d = sys.argv[1]
o = Outputs(d, "snat-handoff", POOLS)
owners = [0, 0]
for i, (v, q) in enumerate(zip(VMS, QUERIES)):
    m = o.public(q)
    if not m:
        continue
    if m[0] != POOLS[i] or not LO <= m[1] <= HI:
        o.err("VM %d left from %s:%d" % (i, m[0], m[1]))
        continue
    owners[(m[1] >> 6) & 1] += 1
    o.to_inet(rewrite(q, src=POOLS[i], sport=m[1]), "VM %d's query" % i)
    if i < NREPLY:
        o.to_vm(v, rewrite(reply(i)(m[1]), dst=v.ip, dport=5000 + i), "VM %d's reply" % i)
print("snat-handoff: VMs per worker (from their ports' blocks): %s" % owners)
try:
    s = show_snat(d)
    ws = s["workers"]
    print("snat-handoff: show snat workers: %s"
          % [(w["worker"], w["vms"], w["mappings"], w["handoff_out"], w["handoff_in"])
             for w in ws])
    if len(ws) != 2:
        o.err("show snat: %d workers, expected 2" % len(ws))
    elif [w["mappings"] for w in ws] != owners:
        o.err("show snat: mappings per worker %s, the ports' blocks say %s"
              % ([w["mappings"] for w in ws], owners))
    if 0 in owners:
        o.err("one worker owns every VM")
    if sum(w["mappings"] for w in ws) != N or sum(w["sessions"] for w in ws) != N:
        o.err("show snat: %d mappings, %d sessions, expected %d each"
              % (sum(w["mappings"] for w in ws), sum(w["sessions"] for w in ws), N))
    if not sum(w["handoff_out"] for w in ws) > 0:
        o.err("show snat: no VM's packet was handed over (handoff_out 0)")
    if not sum(w["handoff_in"] for w in ws) > 0:
        o.err("show snat: no reply was handed over (handoff_in 0)")
except (OSError, ValueError, KeyError, TypeError) as ex:
    o.err("show snat JSON unusable: %r" % ex)
o.done()
