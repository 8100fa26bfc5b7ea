#!/usr/bin/env bash
# e2e trace: `trace add` / `show trace` on real traffic. One VM behind a Linux
# kernel VXLAN hypervisor is both an EIP's target and a VIP's backend:
#
#   VPC blue, VNI 1001: vm1 192.168.1.10 on hv1 10.2.0.21, EIP 10.1.0.100,
#   backend of service web (VIP 198.51.100.80 tcp 80, no health check: no
#   probe in the trace)
#
# With every neighbour resolved, `trace add 40` and then: one ping to the EIP
# (the request: eip-in, DNAT, VXLAN to hv1; the VM's reply: vxlan-in,
# vpc-out, SNAT to the EIP, out p0), one HTTP GET through the VIP (the SYN: lb,
# a new connection to vm1:80; the SYN-ACK in VXLAN: the entry's reply, from
# the VIP; the ACK: the entry hit, established) and a TCP SYN to a VIP port no
# service has (dropped). Each record is checked field by field in JSON: the
# port, the verdict and out port or drop reason, the layers before and after,
# the stages and what they found; the drop is the one `show stats` counted;
# the text view has the same packets; trace clear empties it.
# usage: trace.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
source "$(dirname "$0")/vpc_topo.sh"
topo_init "${1:-}"
topo_create

VIP=198.51.100.80
EIP=10.1.0.100
say "== hypervisor, VM, vgwd"
vpc_hv hv1 10.2.0.21
vpc_vm vm1 hv1 1001 192.168.1.10/24 192.168.1.1
ip -n "$NS_C" route add 198.51.100.0/24 via 10.1.0.1 || die "client route to 198.51.100.0/24"
http_server vm1 80 vm1 || die "http server vm1"
vgwd_config 1
vgwd_start || die "vgwd did not become ready"
for cmd in "vtep add 10.2.0.1" "vpc add blue vni 1001" \
           "endpoint add blue 192.168.1.10 mac ${VM_MAC[vm1]} vtep 10.2.0.21" \
           "eip add $EIP vpc blue ip 192.168.1.10" \
           "service add web vip $VIP port 80 proto tcp check none" \
           "backend add web vpc blue ip 192.168.1.10 port 80"; do
  # shellcheck disable=SC2086
  check "vgwctl $cmd" vctl $cmd
done
# every neighbour resolved first (client, hv1, the VM's gateway): no traced
# packet waits for ARP
n=$(ping_count "$NS_C" "$EIP" 2)
check "warm-up: ping the EIP ($n/2)" [ "${n:-0}" -eq 2 ]
out=$(http_many "$NS_C" "$VIP" 80 1 --path /warm --parallel 1 --timeout 3 --total 10)
check "warm-up: a GET through the VIP ($out)" [ "$(json_get "d['ok']" <<<"$out" 2>/dev/null)" = 1 ]
sleep 0.5 # the warm-up connection's last segments are through

say "== traced: a ping to the EIP, a GET through the VIP, a SYN to a port without service"
check "trace clear" vctl trace clear
check "trace add 40" vctl trace add 40
n=$(ping_count "$NS_C" "$EIP" 1)
check "ping the EIP ($n/1)" [ "${n:-0}" -eq 1 ]
out=$(http_many "$NS_C" "$VIP" 80 1 --path /traced --parallel 1 --timeout 3 --total 10)
check "a GET through the VIP ($out)" [ "$(json_get "d['ok']" <<<"$out" 2>/dev/null)" = 1 ]
drop0=$(stat_drop vip_no_service)
nsx "$NS_C" timeout 5 "$PY" - "$VIP" <<'EOF' >/dev/null 2>&1
import socket, sys
s = socket.socket()
s.settimeout(1)
try:
    s.connect((sys.argv[1], 81))
except OSError:
    pass
EOF
drop1=$(stat_drop vip_no_service)
check "the SYN to $VIP:81 is counted vip_no_service (${drop0:-?} -> ${drop1:-?})" \
  [ "${drop1:-0}" -gt "${drop0:-0}" ]
sleep 0.3
vctl -j show trace >"$TOPO_TMP/trace.json" || fail "show trace -j"
vctl show trace >"$TOPO_TMP/trace.txt" || fail "show trace"
info "$(head -c 3000 "$TOPO_TMP/trace.txt")"

v=$("$PY" - "$TOPO_TMP/trace.json" "${VM_MAC[vm1]}" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
vm_mac = sys.argv[2].lower()
recs = d["trace"]
bad = []

def lay(h, name, i=0):
    """the i-th layer called name"""
    ls = [x for x in h["headers"] if x["layer"] == name]
    return ls[i] if len(ls) > i else None

def find(pred):
    for r in recs:
        try:
            if pred(r):
                return r
        except (KeyError, TypeError, IndexError):
            pass
    return None

def steps(r):
    return [(s["stage"], s["event"], s["note"]) for s in r["steps"]]

def want(what, got, exp):
    if got != exp:
        bad.append("%s: %r, want %r" % (what, got, exp))

if d["in_flight"] != 0 or d["packets"] != len(recs) or d["packets"] < 9:
    bad.append("packets %s in_flight %s records %d" % (d["packets"], d["in_flight"], len(recs)))
ip = lambda r, w, i=0: lay(r[w], "ipv4", i)

# the echo request to the EIP
r = find(lambda r: ip(r, "before")["dst"] == "10.1.0.100" and lay(r["before"], "icmp")["info"].startswith("type 8"))
if not r:
    bad.append("no record of the echo request to the EIP")
else:
    want("echo request: in, verdict, out", (r["port"], r["verdict"], r["out_port"], r["reason"]), ("p0", "tx", "p1", None))
    want("echo request: before", (lay(r["before"], "ether")["dst"] is not None, ip(r, "before")["src"]), (True, "10.1.0.2"))
    want("echo request: steps", steps(r), [
        ("eip-in", "enter", "eip 10.1.0.100 -> 192.168.1.10 vni 1001"),
        ("eth-out", "enter", "next hop 10.2.0.21 port p1"),
        ("eth-out", "found", steps(r)[-1][2] if steps(r) and steps(r)[-1][2].startswith("neighbour ") else "neighbour ?")])
    want("echo request: after outer", (ip(r, "after")["src"], ip(r, "after")["dst"], lay(r["after"], "udp")["dst"], lay(r["after"], "vxlan")["info"]),
         ("10.2.0.1", "10.2.0.21", "4789", "vni 1001"))
    want("echo request: after inner", (ip(r, "after", 1)["src"], ip(r, "after", 1)["dst"], lay(r["after"], "ether", 1)["dst"]),
         ("10.1.0.2", "192.168.1.10", vm_mac))
    want("echo request: inner ttl 63", ip(r, "after", 1)["info"].split()[3], "63")

# the VM's echo reply, in VXLAN
r = find(lambda r: ip(r, "before", 1)["src"] == "192.168.1.10" and lay(r["before"], "icmp")["info"].startswith("type 0"))
if not r:
    bad.append("no record of the VM's echo reply")
else:
    want("echo reply: in, verdict, out", (r["port"], r["verdict"], r["out_port"]), ("p1", "tx", "p0"))
    want("echo reply: stages", [s[0] for s in steps(r) if s[1] == "enter"], ["vxlan-in", "vpc-out", "ip4-route", "ip4-forward", "eth-out"])
    want("echo reply: found", [s[2] for s in steps(r) if s[1] == "found"][:1],
         ["eip of 192.168.1.10: 10.1.0.100"])
    want("echo reply: before", (ip(r, "before")["src"], lay(r["before"], "vxlan")["info"], ip(r, "before", 1)["dst"]),
         ("10.2.0.21", "vni 1001", "10.1.0.2"))
    want("echo reply: after", (ip(r, "after")["src"], ip(r, "after")["dst"], len(r["after"]["headers"])), ("10.1.0.100", "10.1.0.2", 3))

# the GET: SYN (new), the backend's SYN-ACK (reply), the client's ACK (hit)
tcp = lambda r, w, i=0: lay(r[w], "tcp", i)
syn = find(lambda r: ip(r, "before")["dst"] == "198.51.100.80" and tcp(r, "before")["dst"] == "80" and tcp(r, "before")["info"].startswith("flags S "))
if not syn:
    bad.append("no record of the SYN to the VIP")
else:
    cport = tcp(syn, "before")["src"]
    want("SYN: in, verdict, out", (syn["port"], syn["verdict"], syn["out_port"]), ("p0", "tx", "p1"))
    want("SYN: lb found", [s for s in steps(syn) if s[1] == "found"][0],
         ("lb", "found", "conntrack new: backend 192.168.1.10:80 vni 1001, tcp syn_sent"))
    want("SYN: after inner", (ip(syn, "after", 1)["src"], ip(syn, "after", 1)["dst"], tcp(syn, "after")["src"], tcp(syn, "after")["dst"]),
         ("10.1.0.2", "192.168.1.10", cport, "80"))
    sa = find(lambda r: r["port"] == "p1" and tcp(r, "before")["dst"] == cport and tcp(r, "before")["info"].startswith("flags SA "))
    if not sa:
        bad.append("no record of the backend's SYN-ACK")
    else:
        want("SYN-ACK: verdict, out", (sa["verdict"], sa["out_port"]), ("tx", "p0"))
        want("SYN-ACK: found", [s[2] for s in steps(sa) if s[1] == "found"][:1],
             ["conntrack reply: back from 198.51.100.80:80, tcp syn_recv"])
        want("SYN-ACK: after", (ip(sa, "after")["src"], tcp(sa, "after")["src"], ip(sa, "after")["dst"], tcp(sa, "after")["dst"]),
             ("198.51.100.80", "80", "10.1.0.2", cport))
    ack = find(lambda r: r["port"] == "p0" and tcp(r, "before")["src"] == cport and tcp(r, "before")["info"].startswith("flags A "))
    if not ack:
        bad.append("no record of the client's ACK")
    else:
        want("ACK: verdict, out", (ack["verdict"], ack["out_port"]), ("tx", "p1"))
        want("ACK: lb found", [s for s in steps(ack) if s[1] == "found"][0],
             ("lb", "found", "conntrack hit: backend 192.168.1.10:80 vni 1001, tcp established"))

# the SYN to a port without a service
r = find(lambda r: ip(r, "before")["dst"] == "198.51.100.80" and tcp(r, "before")["dst"] == "81")
if not r:
    bad.append("no record of the SYN to port 81")
else:
    want("SYN to :81: verdict", (r["port"], r["verdict"], r["out_port"], r["reason"]), ("p0", "drop", None, "vip_no_service"))
print("; ".join(bad[:8]))
EOF
)
check "show trace: each packet's record field by field${v:+ -- $v}" [ -z "$v" ]
for w in "packet 1:" "verdict: drop" "reason: vip_no_service" "conntrack new: backend 192.168.1.10:80" "before:" "after:"; do
  check "show trace (text) has '$w'" grep -qF "$w" "$TOPO_TMP/trace.txt"
done
check "trace clear" vctl trace clear
v=$(vctl -j show trace | json_get "(d['packets'], d['armed'], len(d['trace']))")
check "after trace clear: nothing recorded or armed ($v)" [ "$v" = "(0, 0, 0)" ]
finish
