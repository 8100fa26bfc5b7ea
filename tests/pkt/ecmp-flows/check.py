#!/usr/bin/python3
"""ECMP check on out1.pcap: every input packet left p1 exactly once, as a
correctly forwarded packet towards one of the two next hops; a flow always
used the same next hop; each next hop got at least 25% of the flows."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

from flows import COPIES, NFLOWS, all_packets  # noqa: E402

NHS = {mac_bytes(P1_NH_MAC): P1_NH_IP, mac_bytes(P1_NH2_MAC): P1_NH2_IP}
d = sys.argv[1]
outp = read_pcap(os.path.join(d, "out1.pcap"))
# expected bytes with dst MAC = NH1 -> (flow, copy)
want = {}
for i, c, p in all_packets():
    want[forwarded(p, P1_MAC, P1_NH_MAC)] = (i, c)
errors = []
seen = {}
flow_nh = {}
for n, b in enumerate(outp):
    nh = b[0:6]
    if nh not in NHS:
        errors.append("out1 #%d: dst MAC %s is not a next hop" % (n, nh.hex(":")))
        continue
    key = want.get(mac_bytes(P1_NH_MAC) + b[6:])
    if key is None:
        errors.append("out1 #%d (%d bytes) is not a correctly forwarded input "
                      "packet:\n%s" % (n, len(b), Ether(b).show(dump=True)))
        continue
    if key in seen:
        errors.append("flow %d copy %d left twice (#%d, #%d)"
                      % (key + (seen[key], n)))
    seen[key] = n
    flow_nh.setdefault(key[0], set()).add(NHS[nh])
missing = [k for k in want.values() if k not in seen]
if missing:
    errors.append("%d input packet(s) never left p1, e.g. flow/copy %s"
                  % (len(missing), missing[:5]))
split = {f: sorted(s) for f, s in flow_nh.items() if len(s) > 1}
if split:
    errors.append("%d flow(s) used both next hops, e.g. %s"
                  % (len(split), list(split.items())[:5]))
count = {ip: sum(1 for s in flow_nh.values() if s == {ip})
         for ip in NHS.values()}
for ip, c in sorted(count.items()):
    print("ecmp: next hop %s got %d of %d flows" % (ip, c, NFLOWS))
    if c * 4 < NFLOWS:
        errors.append("next hop %s got only %d of %d flows (< 25%%)"
                      % (ip, c, NFLOWS))
for e in errors[:20]:
    print("ecmp check: " + e)
if errors:
    sys.exit(1)
print("ecmp check ok: %d packets, %d flows x %d copies"
      % (len(outp), NFLOWS, COPIES))
