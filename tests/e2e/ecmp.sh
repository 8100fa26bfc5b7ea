#!/usr/bin/env bash
# e2e ecmp: 10.9.0.0/24 via r1 and r2; 200 UDP flows to the anycast address
# 10.9.0.1 spread over both routers (each flow on one router only); TCP
# connections to the anycast address all succeed (a flow sticks to its next hop).
# usage: ecmp.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
topo_init "${1:-}"
topo_create
vgwd_config 1
vgwd_start || die "vgwd did not become ready"

FLOWS=200
say "== route add 10.9.0.0/24 via 10.2.0.11 via 10.2.0.12"
check "ECMP route accepted" vctl route add 10.9.0.0/24 via 10.2.0.11 via 10.2.0.12
vctl show route 2>&1 | sed 's/^/    /'
nh=$(vctl -j show route | json_get "sorted(v['nh'] for r in d['routes'] if r['prefix']=='10.9.0.0/24' for v in r['via'])")
check "show route lists both next hops ($nh)" [ "$nh" = "['10.2.0.11', '10.2.0.12']" ]

say "== resolve both next hops (one ping each from c)"
nsx "$NS_C" ping -n -c 1 -W 2 10.2.0.11 >/dev/null 2>&1
nsx "$NS_C" ping -n -c 1 -W 2 10.2.0.12 >/dev/null 2>&1
s1=$(neigh_state 10.2.0.11); s2=$(neigh_state 10.2.0.12)
check "both next hops reachable (10.2.0.11: ${s1:-absent}, 10.2.0.12: ${s2:-absent})" \
  test "$s1" = reachable -a "$s2" = reachable

say "== $FLOWS UDP flows (distinct source ports, 3 packets each) from c to 10.9.0.1:7000"
bg_ns "$NS_R1" "$TOPO_TMP/sink1.log" "$PY" "$NETUTIL" udp-sink 10.9.0.1 7000 "$TOPO_TMP/sink1.json" --duration 90
bg_ns "$NS_R2" "$TOPO_TMP/sink2.log" "$PY" "$NETUTIL" udp-sink 10.9.0.1 7000 "$TOPO_TMP/sink2.json" --duration 90
wait_until 5 _file_nonempty "$TOPO_TMP/sink1.json" && wait_until 5 _file_nonempty "$TOPO_TMP/sink2.json" \
  || die "UDP receivers did not start: $(cat "$TOPO_TMP"/sink*.log)"
out=$(nsx "$NS_C" timeout 30 "$PY" "$NETUTIL" udp-flows 10.9.0.1 7000 --flows $FLOWS --packets 3 --gap 0.0005 2>&1)
info "sender: $out"
_arrived() {
  local a b
  a=$(sink_field "$TOPO_TMP/sink1.json" "d['flows']"); b=$(sink_field "$TOPO_TMP/sink2.json" "d['flows']")
  [ $((a + b)) -ge $FLOWS ]
}
wait_until 5 _arrived
sleep 0.3
res=$("$PY" - "$TOPO_TMP/sink1.json" "$TOPO_TMP/sink2.json" <<'PYEOF'
import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
pa, pb = set(a["ports"]), set(b["ports"])
print(len(pa), len(pb), len(pa & pb), a["packets"], b["packets"])
PYEOF
)
read -r f1 f2 both p1 p2 <<<"$res"
info "r1: $f1 flows ($p1 packets), r2: $f2 flows ($p2 packets), flows seen at both: $both"
min=$((FLOWS / 4))
check "r1 got >= 25% of the flows ($f1 >= $min)" [ "${f1:-0}" -ge $min ]
check "r2 got >= 25% of the flows ($f2 >= $min)" [ "${f2:-0}" -ge $min ]
check "every flow arrived ($((f1 + f2 - both)) of $FLOWS distinct flows)" [ $((f1 + f2 - both)) -ge $FLOWS ]
check "no flow was split over both routers ($both)" [ "${both:-1}" -eq 0 ]

say "== 20 short TCP connections to 10.9.0.1:7001 (an echo server on each router)"
bg_ns "$NS_R1" "$TOPO_TMP/echo1.log" "$PY" "$NETUTIL" tcp-echo 0.0.0.0 7001 --name r1 --timeout 90
bg_ns "$NS_R2" "$TOPO_TMP/echo2.log" "$PY" "$NETUTIL" tcp-echo 0.0.0.0 7001 --name r2 --timeout 90
wait_until 5 _listening "$NS_R1" 7001 && wait_until 5 _listening "$NS_R2" 7001 || die "echo servers did not start"
out=$(nsx "$NS_C" timeout 60 "$PY" "$NETUTIL" tcp-conns 10.9.0.1 7001 --count 20 --timeout 5 2>&1); rc=$?
info "client: $out"
check "all 20 TCP connections succeeded" [ "$rc" -eq 0 ]
check "vgwd still running" vgwd_alive
say "   vgwctl show stats:"; vctl show stats 2>&1 | sed 's/^/    /'
finish
