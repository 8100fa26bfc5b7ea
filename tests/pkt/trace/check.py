#!/usr/bin/python3
"""`show trace` after the scenario's six packets: each record field by field
(JSON), and the text view's sections."""
import json
import os
import sys

out = sys.argv[1]
d = json.load(open(os.path.join(out, "trace.json")))
txt = open(os.path.join(out, "trace.txt")).read()
bad = []


def check(what, got, want):
    if got != want:
        bad.append(f"{what}: {got!r}, want {want!r}")


def layers(hdrs):
    return [(h["layer"], h["src"], h["dst"]) for h in hdrs]


def steps(p):
    return [(s["stage"], s["event"], s["note"]) for s in p["steps"]]


check("packets", d["packets"], 6)
check("in_flight", d["in_flight"], 0)
check("armed", d["armed"], 10)  # 16 asked, 6 received
pk = d["trace"]
check("records", len(pk), 6)
if len(pk) != 6:
    print("\n".join(bad))
    sys.exit(1)
for i, p in enumerate(pk):
    check(f"#{i+1} packet", p["packet"], i + 1)
    check(f"#{i+1} worker", p["worker"], 0)
    check(f"#{i+1} port", p["port"], "p1")
    check(f"#{i+1} queue", p["queue"], 0)
    check(f"#{i+1} steps_lost", p["steps_lost"], 0)

OUTER = [("ether", "02:00:00:00:01:01", "02:00:00:00:02:21"), ("ipv4", "10.2.0.1", "10.2.0.21")]
# 1. EIP: DNAT to the VM, VXLAN to its hypervisor
p = pk[0]
check("#1 verdict", (p["verdict"], p["out_port"], p["reason"]), ("tx", "p1", None))
check("#1 before", layers(p["before"]["headers"]),
      [("ether", "02:00:00:00:02:02", "02:00:00:00:01:01"),
       ("ipv4", "203.0.113.5", "10.1.0.100"), ("udp", "1024", "9999")])
check("#1 steps", steps(p), [
    ("eip-in", "enter", "eip 10.1.0.100 -> 192.168.1.12 vni 100"),
    ("eth-out", "enter", "next hop 10.2.0.21 port p1"),
    ("eth-out", "found", "neighbour 02:00:00:00:02:21")])
a = p["after"]["headers"]
check("#1 after", layers(a)[:2] + [layers(a)[3]] + layers(a)[5:],
      OUTER + [("vxlan", None, None), ("ipv4", "203.0.113.5", "192.168.1.12"),
               ("udp", "1024", "9999")])
check("#1 after vni", a[3]["info"], "vni 100")
check("#1 after inner ttl", a[5]["info"].split()[3], "63")
check("#1 lengths", (p["before"]["len"], p["after"]["len"]), (52, 102))

# 2. VIP SYN: a new connection, Maglev's backend
p = pk[1]
check("#2 verdict", (p["verdict"], p["out_port"], p["reason"]), ("tx", "p1", None))
check("#2 steps", steps(p)[:2], [
    ("lb", "enter", ""),
    ("lb", "found", "conntrack new: backend 192.168.1.10:8080 vni 100, tcp syn_sent")])
check("#2 after inner", layers(p["after"]["headers"])[5:],
      [("ipv4", "203.0.113.5", "192.168.1.10"), ("tcp", "40000", "8080")])
check("#2 after flags", p["after"]["headers"][6]["info"].split()[1], "S")

# 3. the backend's SYN-ACK: decapsulated, the entry's reply, from the VIP
p = pk[2]
check("#3 verdict", (p["verdict"], p["out_port"], p["reason"]), ("tx", "p0", None))
check("#3 steps", steps(p), [
    ("vxlan-in", "enter", ""),
    ("lb", "enter", ""),
    ("lb", "found", "conntrack reply: back from 198.51.100.80:80, tcp syn_recv"),
    ("ip4-route", "enter", ""),
    ("ip4-forward", "enter", ""),
    ("eth-out", "enter", "next hop 10.1.0.254 port p0"),
    ("eth-out", "found", "neighbour 02:00:00:00:00:fe")])
check("#3 before inner", layers(p["before"]["headers"])[3:],
      [("vxlan", None, None), ("ether", "02:aa:00:00:01:0a", "02:76:67:00:00:64"),
       ("ipv4", "192.168.1.10", "203.0.113.5"), ("tcp", "8080", "40000")])
check("#3 after", layers(p["after"]["headers"]),
      [("ether", "02:00:00:00:00:01", "02:00:00:00:00:fe"),
       ("ipv4", "198.51.100.80", "203.0.113.5"), ("tcp", "80", "40000")])

# 4. the client's ACK: the entry hit, established
p = pk[3]
check("#4 verdict", (p["verdict"], p["out_port"]), ("tx", "p1"))
check("#4 found", steps(p)[1],
      ("lb", "found", "conntrack hit: backend 192.168.1.10:8080 vni 100, tcp established"))

# 5. a VM's packet without EIP or pool: dropped vpc_no_eip
p = pk[4]
check("#5 verdict", (p["verdict"], p["out_port"], p["reason"]), ("drop", None, "vpc_no_eip"))
check("#5 stages", [s[0] for s in steps(p) if s[1] == "enter"],
      ["vxlan-in", "lb", "vpc-out", "snat"])
check("#5 notes", [s[2] for s in steps(p) if s[1] == "found"],
      ["no connection: a VM's own packet", "no eip for this vm",
       "no pool bound to this vm's vpc and subnet"])
check("#5 after", layers(p["after"]["headers"])[1], ("ipv4", "192.168.1.10", "203.0.113.5"))

# 6. a bad IPv4 checksum: dropped by classify, no stage entered
p = pk[5]
check("#6 verdict", (p["verdict"], p["reason"]), ("drop", "ip_bad_checksum"))
check("#6 steps", p["steps"], [])
check("#6 before", layers(p["before"]["headers"])[1], ("ipv4", "203.0.113.5", "10.1.0.100"))

# text: a section per packet, the verdict, the headers' tables
for want in ("packet 1:", "packet 6:", "verdict: drop", "reason: ip_bad_checksum",
             "before:", "after:", "LAYER", "STAGE", "conntrack new: backend 192.168.1.10:8080"):
    if want not in txt:
        bad.append(f"text lacks {want!r}")

if bad:
    print("\n".join(bad))
    print(json.dumps(d, indent=1)[:3000])
    sys.exit(1)
print("trace: 6 records checked")
