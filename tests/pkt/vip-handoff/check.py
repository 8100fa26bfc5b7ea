#!/usr/bin/python3
"""vip-handoff: outputs of two workers interleave in any order, so compare
as multisets: each web flow's SYN and ACK left p1 once each (SYN first) as
the exact DNATed VXLAN frame (outer source port per flow, in range), each
SYN-ACK left p0 once from the VIP, exactly 6 of the capped SYNs left p1;
both workers own entries and some packets were handed off."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

from flows import NFLOWS, packets  # noqa: E402

d = sys.argv[1]
_, web1, exp0, capped = packets()
out0 = read_pcap(os.path.join(d, "out0.pcap"))
out1 = read_pcap(os.path.join(d, "out1.pcap"))
SP = 34
errors = []


def key(b):
    return b[:SP] + b"\0\0" + b[SP + 2:]


want1 = {}
for i, (s, a) in enumerate(web1):
    want1[to_bytes(s)] = ("web", i, 0)
    want1[to_bytes(a)] = ("web", i, 1)
for i, (_, e, _) in enumerate(capped):
    want1[to_bytes(e[0])] = ("capped", i, 0)
    want1[to_bytes(e[1])] = ("capped", i, 1)
pos, sports = {}, {}
for n, b in enumerate(out1):
    k = want1.get(key(b))
    if k is None:
        errors.append("out1 #%d is no expected frame:\n%s" % (n, Ether(b).show(dump=True)))
        continue
    if k in pos:
        errors.append("out1: %s left twice" % (k,))
    pos[k] = n
    sp = int.from_bytes(b[SP:SP + 2], "big")
    if not 49152 <= sp <= 65535:
        errors.append("out1 #%d: outer source port %d" % (n, sp))
    sports.setdefault(k[:2], set()).add(sp)
for i in range(NFLOWS):
    for j in (0, 1):
        if ("web", i, j) not in pos:
            errors.append("web flow %d: %s never left p1" % (i, ("SYN", "ACK")[j]))
    if ("web", i, 0) in pos and ("web", i, 1) in pos and pos[("web", i, 0)] > pos[("web", i, 1)]:
        errors.append("web flow %d: ACK left before the SYN" % i)
split = [f for f, s in sports.items() if len(s) > 1]
if split:
    errors.append("flows with two outer source ports: %s" % split[:5])
ncapped = sum(1 for k in pos if k[0] == "capped" and k[2] == 0)
print("vip-handoff: %d of %d capped handshakes passed" % (ncapped, len(capped)))
# each worker owns about half of the 20 capped flows (at least 3 of them
# unless the per-process ownership seed is extraordinarily unlucky)
if ncapped != 6:
    errors.append("%d capped SYNs passed, expected 6 (max-conns 5 = 3 per worker)" % ncapped)
for i in range(len(capped)):
    if (("capped", i, 0) in pos) != (("capped", i, 1) in pos):
        errors.append("capped flow %d: its SYN and ACK did not share a fate" % i)
# `service add` announced the VIP once (gratuitous ARP) before any reply
announce = to_bytes(garp(VIP))
if out0.count(announce) != 1:
    errors.append("out0: %d gratuitous ARPs for the VIP, expected 1" % out0.count(announce))
out0 = [b for b in out0 if b != announce]
want0 = {to_bytes(e): i for i, e in enumerate(exp0)}
capped0 = {to_bytes(c[2]): i for i, c in enumerate(capped)}
seen0 = set()
for n, b in enumerate(out0):
    if b in capped0:
        if ("capped", capped0[b], 0) not in pos:
            errors.append("out0: SYN-ACK of refused capped flow %d left" % capped0[b])
        continue
    i = want0.get(b)
    if i is None:
        errors.append("out0 #%d is no expected reply:\n%s" % (n, Ether(b).show(dump=True)))
    elif i in seen0:
        errors.append("out0: the SYN-ACK of flow %d left twice" % i)
    seen0.add(i)
if len(seen0) != NFLOWS:
    errors.append("%d of %d SYN-ACKs left p0" % (len(seen0), NFLOWS))
try:
    with open(os.path.join(d, "conntrack.json")) as f:
        ct = json.load(f)
    ws = ct["workers"]
    print("vip-handoff: conntrack handoff %s, per worker %s"
          % (ct["handoff"], [(w["worker"], w["entries"], w["handoff"]) for w in ws]))
    if len(ws) != 2:
        errors.append("show conntrack: %d workers, expected 2" % len(ws))
    if not ct["handoff"] > 0:
        errors.append("show conntrack: no packet was handed off")
    if any(w["entries"] == 0 for w in ws):
        errors.append("show conntrack: a worker owns no entry")
    if sum(w["entries"] for w in ws) != ct["entries"]:
        errors.append("show conntrack: per-worker entries do not sum up")
except (OSError, ValueError, KeyError, TypeError) as ex:
    errors.append("show conntrack JSON unusable: %r" % ex)
# `trace add 48` (startup file): the first 48 packets, all received by worker
# 0; a packet of a flow worker 1 owns is one record that worker 1 finishes
try:
    with open(os.path.join(d, "trace.json")) as f:
        tr = json.load(f)
    recs = tr["trace"]
    if tr["packets"] != 48 or tr["in_flight"] != 0 or len(recs) != 48:
        errors.append("show trace: %d packets, %d in flight, %d records; want 48, 0, 48"
                      % (tr["packets"], tr["in_flight"], len(recs)))
    handed = [r for r in recs
              if any(s["note"].startswith("handed to worker 1") for s in r["steps"])]
    if not handed:
        errors.append("show trace: no record of a packet handed to worker 1")
    for r in handed:
        after = r["steps"][[s["note"].startswith("handed to worker 1")
                            for s in r["steps"]].index(True) + 1:]
        if (r["worker"] != 0 or not after or any(s["worker"] != 1 for s in after)
                or r["verdict"] not in ("tx", "drop")):
            errors.append("show trace: handed packet %d: received by %d, %s, steps %s"
                          % (r["packet"], r["worker"], r["verdict"], r["steps"]))
            break
    print("vip-handoff: trace: %d of %d records handed to worker 1"
          % (len(handed), len(recs)))
except (OSError, ValueError, KeyError, TypeError) as ex:
    errors.append("show trace JSON unusable: %r" % ex)
for e in errors[:20]:
    print("vip-handoff check: " + e)
sys.exit(1 if errors else 0)
