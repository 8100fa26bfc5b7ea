#!/usr/bin/python3
"""vip-spread: every input packet left p1 exactly once as the exact VXLAN
frame for one usable backend; a flow's SYN and ACK went to the same backend;
the weight-0 backend got nothing; the weight-2 backend got > 1.4x the flows
of each weight-1 backend (expected 2x; 400 flows) and holds 1.5x-2.5x their
Maglev slots; show service's per-backend total_conns / packets_in agree
with the frames."""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

from flows import BACKENDS, NFLOWS, all_packets  # noqa: E402

d = sys.argv[1]
outp = read_pcap(os.path.join(d, "out1.pcap"))
SPORT = 34   # outer UDP source port offset
# the exact frame for each (input packet, backend), outer source port zeroed
want = {}
for i, s, p in all_packets():
    for k, (be, _) in enumerate(BACKENDS):
        want[to_bytes(to_backend(p, be))] = (i, s, k)
errors = []
seen = {}
flow_be = {}
flow_sport = {}
for n, b in enumerate(outp):
    sport = int.from_bytes(b[SPORT:SPORT + 2], "big") if len(b) > SPORT + 2 else -1
    key = want.get(b[:SPORT] + b"\0\0" + b[SPORT + 2:])
    if key is None:
        errors.append("out1 #%d (%d bytes) is not the VXLAN frame of an input "
                      "packet to any backend:\n%s" % (n, len(b), Ether(b).show(dump=True)))
        continue
    i, s, k = key
    if not 49152 <= sport <= 65535:
        errors.append("out1 #%d: outer UDP source port %d" % (n, sport))
    if (i, s) in seen:
        errors.append("flow %d packet %d left twice (#%d, #%d)" % (i, s, seen[(i, s)], n))
    seen[(i, s)] = n
    flow_be.setdefault(i, set()).add(k)
    flow_sport.setdefault(i, set()).add(sport)
missing = [(i, s) for i, s, _ in all_packets() if (i, s) not in seen]
if missing:
    errors.append("%d input packet(s) never left p1, e.g. %s" % (len(missing), missing[:5]))
split = {i: sorted(str(BACKENDS[k][0]) for k in ks) for i, ks in flow_be.items() if len(ks) > 1}
if split:
    errors.append("%d flow(s) went to two backends, e.g. %s"
                  % (len(split), list(split.items())[:5]))
sp = {i: v for i, v in flow_sport.items() if len(v) > 1}
if sp:
    errors.append("%d flow(s) used two outer source ports, e.g. %s"
                  % (len(sp), list(sp.items())[:5]))
flows = [sum(1 for ks in flow_be.values() if ks == {k}) for k in range(len(BACKENDS))]
for k, (be, w) in enumerate(BACKENDS):
    print("vip-spread: backend %s weight %d got %d of %d flows" % (be, w, flows[k], NFLOWS))
w1 = [flows[k] for k, (_, w) in enumerate(BACKENDS) if w == 1]
w2 = [flows[k] for k, (_, w) in enumerate(BACKENDS) if w == 2]
w0 = [flows[k] for k, (_, w) in enumerate(BACKENDS) if w == 0]
if any(w0):
    errors.append("the weight-0 backend got %s flows" % w0)
if min(w1) < NFLOWS // 10:
    errors.append("a weight-1 backend got only %d flows" % min(w1))
if w2[0] <= 1.4 * max(w1):
    errors.append("the weight-2 backend got %d flows, not > 1.4 x %d" % (w2[0], max(w1)))

# show service spread (saved by post-commands) agrees with the frames
def field(row, key, what):
    if key not in row:
        errors.append("show service spread: %s has no %r" % (what, key))
        return None
    return row[key]


try:
    with open(os.path.join(d, "service.json")) as f:
        svc = json.load(f)
    rows = {(b["vpc"], b["ip"], b["port"]): b for b in svc["backend"]}
except (OSError, ValueError, KeyError, TypeError) as ex:
    errors.append("show service spread JSON unusable: %r" % ex)
    rows = None
if rows is not None:
    slots = []
    for k, (be, w) in enumerate(BACKENDS):
        r = rows.get((be.vpc, be.ip, be.port))
        if r is None:
            errors.append("show service spread: no backend %s" % be)
            slots.append(None)
            continue
        slots.append(field(r, "slots", be))
        if field(r, "weight", be) not in (w, None):
            errors.append("show service: %s weight %s, configured %d" % (be, r["weight"], w))
        tc = field(r, "total_conns", be)
        if tc is not None and tc != flows[k]:
            errors.append("show service: %s total_conns %s, but %d flows left to it"
                          % (be, tc, flows[k]))
        pi = field(r, "packets_in", be)
        if pi is not None and pi != 2 * flows[k]:
            errors.append("show service: %s packets_in %s, but %d packets left to it"
                          % (be, pi, 2 * flows[k]))
    print("vip-spread: Maglev slots %s (table %s)" % (slots, svc.get("table_size")))
    if None not in slots:
        if sum(slots) != svc.get("table_size"):
            errors.append("slots sum to %d, table size %s" % (sum(slots), svc.get("table_size")))
        s1 = [slots[k] for k, (_, w) in enumerate(BACKENDS) if w == 1]
        s2 = [slots[k] for k, (_, w) in enumerate(BACKENDS) if w == 2][0]
        if [slots[k] for k, (_, w) in enumerate(BACKENDS) if w == 0] != [0]:
            errors.append("the weight-0 backend holds Maglev slots")
        if not all(1.5 * s <= s2 <= 2.5 * s for s in s1):
            errors.append("weight-2 slots %d not 1.5x-2.5x the weight-1 slots %s" % (s2, s1))

for e in errors[:20]:
    print("vip-spread check: " + e)
if errors:
    sys.exit(1)
print("vip-spread check ok: %d frames, %d flows" % (len(outp), NFLOWS))
