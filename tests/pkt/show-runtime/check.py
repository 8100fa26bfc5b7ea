#!/usr/bin/python3
"""show-runtime: the saved show runtime outputs have their documented shape
(doc/interfaces.md): the JSON parses with every key, one worker on lcore 1,
stages only with calls > 0, ratios consistent with the counts, the total the
worker's figures; the text has the TSC rate, a "worker 0:" section and a
"total:" section. Amounts that do not depend on timing or burst sizes: the
4 forwarded packets each went through classify, ip4-forward and eth-out
once; after `runtime clear`, with no traffic since, no stage is listed."""
import json
import os
import re
import sys

d = sys.argv[1]
errors = []
FORWARDED = {"classify": 4, "ip4-forward": 4, "eth-out": 4}
LOOP = ["loops", "busy_cycles", "idle_cycles", "sleeps", "busy_pct", "stages"]
STAGE = ["stage", "calls", "packets", "cycles", "pkts_per_call", "cycles_per_pkt"]


def check_rt(where, o, first):
    if list(o)[:len(first)] != first or list(o)[len(first):] != LOOP:
        errors.append("%s: keys %s, want %s" % (where, list(o), first + LOOP))
        return
    busy, idle = o["busy_cycles"], o["idle_cycles"]
    pct = 100.0 * busy / (busy + idle) if busy + idle else 0.0
    if abs(o["busy_pct"] - pct) > 0.006:
        errors.append("%s: busy_pct %s, want %.2f" % (where, o["busy_pct"], pct))
    names = [s.get("stage") for s in o["stages"]]
    if len(set(names)) != len(names):
        errors.append("%s: a stage listed twice: %s" % (where, names))
    for s in o["stages"]:
        if list(s) != STAGE:
            errors.append("%s: stage keys %s, want %s" % (where, list(s), STAGE))
            continue
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s["stage"]) or s["calls"] == 0:
            errors.append("%s: stage %s listed (calls %d)" % (where, s["stage"], s["calls"]))
        ppc = s["packets"] / s["calls"] if s["calls"] else 0.0
        cpp = s["cycles"] / s["packets"] if s["packets"] else 0.0
        if abs(s["pkts_per_call"] - ppc) > 0.006 or abs(s["cycles_per_pkt"] - cpp) > 0.006:
            errors.append("%s: %s ratios %s %s, want %.2f %.2f" % (
                where, s["stage"], s["pkts_per_call"], s["cycles_per_pkt"], ppc, cpp))


for name in ("runtime.json", "runtime-cleared.json"):
    with open(os.path.join(d, name)) as f:
        try:
            j = json.load(f)
        except ValueError as e:
            errors.append("%s: not JSON: %s" % (name, e))
            continue
    if list(j) != ["tsc_hz", "workers", "total"]:
        errors.append("%s: top-level keys %s" % (name, list(j)))
        continue
    if j["tsc_hz"] <= 0:
        errors.append("%s: tsc_hz %s" % (name, j["tsc_hz"]))
    if len(j["workers"]) != 1 or j["workers"][0].get("worker") != 0 \
            or j["workers"][0].get("lcore") != 1:
        errors.append("%s: workers %s, want worker 0 on lcore 1" % (name, j["workers"]))
        continue
    w, t = j["workers"][0], j["total"]
    check_rt(name + " worker 0", w, ["worker", "lcore"])
    check_rt(name + " total", t, ["workers"])
    if t.get("workers") != 1:
        errors.append("%s: total workers %s" % (name, t.get("workers")))
    # one worker: the total is that worker's section, the same read
    for k in ("loops", "busy_cycles", "idle_cycles", "busy_pct", "stages"):
        if t.get(k) != w.get(k):
            errors.append("%s: total %s %s, worker's %s" % (name, k, t.get(k), w.get(k)))
    for o, who in ((w, "worker 0"), (t, "total")):
        pkts = {s.get("stage"): s.get("packets") for s in o.get("stages", [])}
        want = FORWARDED if name == "runtime.json" else {}
        if pkts != want:
            errors.append("%s %s: packets per stage %s, want %s" % (name, who, pkts, want))

with open(os.path.join(d, "runtime.txt")) as f:
    lines = f.read().splitlines()
for want in ("tsc_hz: ", "worker 0:", "  lcore: 1", "  loops: ", "  busy_cycles: ",
             "  idle_cycles: ", "  busy_pct: ", "total:", "  workers: 1"):
    if not any(line.startswith(want) for line in lines):
        errors.append("runtime.txt: no line starting with %r" % want)
print("show runtime (text):\n" + "\n".join("    " + line for line in lines))

for e in errors:
    print("show-runtime: " + e)
sys.exit(1 if errors else 0)
