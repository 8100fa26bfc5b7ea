#!/usr/bin/env bash
# e2e bgp-bird: a gateway node with vgwd and BIRD (conf/bird/vgw-bird.conf)
# learning its routes from two upstream routers by BGP and announcing its EIPs
# and VIPs to them (issue 5).  Topology: tests/e2e/bgp_topo.sh (vgwd mode) --
# the upstreams r1/r2 sit on the public side, where a real gateway peers: the
# Internet's routes come from there and that is where the EIPs and VIPs must
# be announced; the underlay only carries VXLAN to the hypervisors.
#
#   vgwd in g: p0 public (af_packet on $IF_G0) with host port $HP0 (a tap,
#   192.0.2.1/24), p1 underlay 10.2.0.1/24; kernel import-table 100,
#   kernel announce-table 101.  BIRD in g talks BGP through $HP0.
#   VPC blue (VNI 1001): vm1 192.168.1.10 on hv1 with EIP 203.0.113.10;
#   be1 192.168.1.11 on hv1 and be2 192.168.1.12 on hv2, HTTP backends of the
#   service web, VIP 203.0.113.80:80, health-checked every 500 ms.
#
# Checks: both sessions Established over the host port (the BGP TCP
# connections are the tap's); the upstream prefixes are in table 100 and in
# `vgwctl show route` with source kernel, the anycast prefix as an ECMP group
# over both upstreams; live traffic follows them (vm1 pings r1-only and
# r2-only addresses through its EIP; TCP connections to the anycast address
# reach both upstreams); a withdrawal at r1 removes its prefix from vgwd (and
# traffic to it stops: no_route) and leaves one path in the ECMP group; it
# comes back on re-announcement; the EIP's /32 is at both upstreams (and
# traffic from the Internet reaches the VM through it); the VIP's /32 is
# announced while a backend is healthy, withdrawn when all are down, announced
# again when one recovers; `eip del` withdraws the EIP; when vgwd stops, the
# upstreams withdraw everything (hold time 9 s) and table 101 is left empty.
#
# Needs the issue-5 parts of vgwd (host ports, kernel import-table,
# announce-table): without them the test stops at the first check that needs
# them, with a message saying which.
# usage: bgp-bird.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
source "$(dirname "$0")/vpc_topo.sh"
source "$(dirname "$0")/bgp_topo.sh"
topo_init "${1:-}"
bgp_require
T0=$(date +%s)
bgp_topo_create vgwd

EIP=203.0.113.10
VIP=203.0.113.80
# the name vgwd gives routes it follows from the import table (show route)
ROUTE_SOURCE_KERNEL=${ROUTE_SOURCE_KERNEL:-kernel/bird}  # BIRD installs with protocol "bird"

say "== hypervisors, VMs, backends"
vpc_hv hv1 10.2.0.21
vpc_hv hv2 10.2.0.22
vpc_vm vm1 hv1 1001 192.168.1.10/24 192.168.1.1
vpc_vm be1 hv1 1001 192.168.1.11/24 192.168.1.1
vpc_vm be2 hv2 1001 192.168.1.12/24 192.168.1.1
for vm in be1 be2; do http_server "$vm" 80 "$vm" --timeout 300 || die "http server $vm"; done

say "== vgwd with a host port and the kernel tables"
bgp_vgwd_config
sed 's/^/    /' "$VGW_CONF"
vgwd_start || die "vgwd did not become ready"
_hp_ready() { ip -n "$NS_G" -4 addr show dev "$HP0" 2>/dev/null | grep -q "inet $BGP_GW/$BGP_NET_PLEN"; }
wait_until 5 _hp_ready
if ! _hp_ready; then
  ip -n "$NS_G" link show 2>&1 | sed 's/^/    /'
  die "no host port $HP0 with $BGP_GW/$BGP_NET_PLEN in $NS_G (needs vgwd's host ports, issue 5)"
fi
pass "host port $HP0 exists in $NS_G with $BGP_GW/$BGP_NET_PLEN"
m0=$(nsx "$NS_G" cat "/sys/class/net/$IF_G0/address")
mh=$(nsx "$NS_G" cat "/sys/class/net/$HP0/address")
check "host port $HP0 has p0's MAC ($mh, p0 on $IF_G0: $m0)" [ "$mh" = "$m0" ]
v=$(ip -n "$NS_G" link show dev "$HP0" | grep -o '<[^>]*>' | head -n1)
check "host port $HP0 is NOARP, vgwd answers ARP ($v)" grep -q NOARP <<<"$v"
cmds=("vtep add 10.2.0.1" "vpc add blue vni 1001")
for vm in vm1 be1 be2; do
  cmds+=("endpoint add blue ${VM_IP[$vm]} mac ${VM_MAC[$vm]} vtep ${HV_IP[${VM_HV[$vm]}]}")
done
cmds+=("eip add $EIP vpc blue ip ${VM_IP[vm1]}"
       "service add web vip $VIP port 80 proto tcp check-interval 500 check-rise 2 check-fall 2"
       "backend add web vpc blue ip ${VM_IP[be1]} port 80"
       "backend add web vpc blue ip ${VM_IP[be2]} port 80")
for cmd in "${cmds[@]}"; do
  # shellcheck disable=SC2086
  check "vgwctl $cmd" vctl $cmd
done

say "== BIRD: the gateway (in vgwd's namespace) and two upstreams"
bird_conf "$BGP_CONF_DIR/vgw-bird.conf" "$TOPO_TMP/gw.conf" VGW_ROUTER_ID=$BGP_GW VGW_AS=$BGP_GW_AS \
  VGW_ADDR=$BGP_GW UPSTREAM1_ADDR=$BGP_R1 UPSTREAM1_AS=$BGP_R1_AS UPSTREAM2_ADDR=$BGP_R2 \
  UPSTREAM2_AS=$BGP_R2_AS "PUBLIC_RANGES=[ $BGP_PUBLIC+ ]" VGW_IMPORT_TABLE=$BGP_IMPORT_TABLE \
  VGW_ANNOUNCE_TABLE=$BGP_ANNOUNCE_TABLE VGW_RT_PROTO=$VGW_RT_PROTO "LAB_NETS=$BGP_LAB_NETS" \
  HOLD_TIME=9 KEEPALIVE_TIME=3 || die "gateway BIRD config"
for r in 1 2; do
  if [ $r = 1 ]; then a=$BGP_R1 as=$BGP_R1_AS net=$BGP_R1_NET; else a=$BGP_R2 as=$BGP_R2_AS net=$BGP_R2_NET; fi
  bird_conf "$BGP_CONF_DIR/upstream-bird.conf" "$TOPO_TMP/r$r.conf" MY_ROUTER_ID=$a MY_AS=$as MY_ADDR=$a \
    GATEWAY_ADDR=$BGP_GW GATEWAY_AS=$BGP_GW_AS HOLD_TIME=9 KEEPALIVE_TIME=3 \
    "OFFER=route $BGP_ANYCAST_NET blackhole;route $net blackhole;" || die "upstream r$r BIRD config"
done
bird_start gw "$NS_G" "$TOPO_TMP/gw.conf" || die "bird gw"
bird_start r1 "$NS_R1" "$TOPO_TMP/r1.conf" || die "bird r1"
bird_start r2 "$NS_R2" "$TOPO_TMP/r2.conf" || die "bird r2"

say "== BGP sessions over the host port"
for pp in "gw upstream1" "gw upstream2" "r1 vgw" "r2 vgw"; do
  set -- $pp
  bird_wait_established "$1" "$2" 40
  check "$1: session $2 Established ($(bird_proto_state "$1" "$2" | tr -s ' '))" bird_established "$1" "$2"
done
if ! bird_established gw upstream1 || ! bird_established gw upstream2; then
  bc gw show protocols all upstream1 2>&1 | sed 's/^/    /'
  say "   vgwd drops: $(drops_of local_unsupported punt_ring_full no_route)"
  die "no BGP session through the host port"
fi
v=$(nsx "$NS_G" ss -Htn state established '( sport = :179 or dport = :179 )')
info "BGP connections in $NS_G: $(tr -s ' \n' ' ' <<<"$v")"
n=$(grep -c "$BGP_GW:" <<<"$v")
check "two BGP TCP connections from $BGP_GW in vgwd's namespace ($n)" [ "$n" -eq 2 ]
v=$(ip -n "$NS_G" route get "$BGP_R1")
check "the host stack reaches the upstreams through $HP0 ($(tr -s ' \n' ' ' <<<"$v"))" grep -q "dev $HP0" <<<"$v"

say "== routes in: upstream prefixes in table $BGP_IMPORT_TABLE and in vgwd's FIB"
wait_until 15 krt_paths_are "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_ANYCAST_NET" "$BGP_R1 $BGP_R2"
ip -n "$NS_G" route show table "$BGP_IMPORT_TABLE" | sed 's/^/      /'
check "table $BGP_IMPORT_TABLE: $BGP_ANYCAST_NET via both upstreams on $HP0" \
  eval "krt_paths_are '$NS_G' $BGP_IMPORT_TABLE $BGP_ANYCAST_NET '$BGP_R1 $BGP_R2' && ip -n '$NS_G' route show table $BGP_IMPORT_TABLE $BGP_ANYCAST_NET | grep -q 'dev $HP0'"
# vroute PREFIX -> "source nh,nh" of PREFIX in `vgwctl -j show route` ("" when absent)
vroute() {
  vctl -j show route | json_get "next(('%s %s' % (r.get('source'), ','.join(sorted(v['nh'] + '@' + v.get('port', '?') for v in r.get('via', [])))) for r in d['routes'] if r['prefix'] == '$1'), '')"
}
vroute_is() { [ "$(vroute "$1")" = "$2" ]; }
vroute_none() { [ -z "$(vroute "$1")" ]; }
want_any="$ROUTE_SOURCE_KERNEL $BGP_R1@p0,$BGP_R2@p0"
wait_until 10 vroute_is "$BGP_ANYCAST_NET" "$want_any"
say "   vgwctl show route:"; vctl show route 2>&1 | sed 's/^/      /'
check "vgwd: $BGP_ANYCAST_NET is an ECMP group over both upstreams, source $ROUTE_SOURCE_KERNEL ($(vroute $BGP_ANYCAST_NET))" \
  vroute_is "$BGP_ANYCAST_NET" "$want_any"
wait_until 5 vroute_is "$BGP_R1_NET" "$ROUTE_SOURCE_KERNEL $BGP_R1@p0"
check "vgwd: $BGP_R1_NET via r1 ($(vroute $BGP_R1_NET))" vroute_is "$BGP_R1_NET" "$ROUTE_SOURCE_KERNEL $BGP_R1@p0"
wait_until 5 vroute_is "$BGP_R2_NET" "$ROUTE_SOURCE_KERNEL $BGP_R2@p0"
check "vgwd: $BGP_R2_NET via r2 ($(vroute $BGP_R2_NET))" vroute_is "$BGP_R2_NET" "$ROUTE_SOURCE_KERNEL $BGP_R2@p0"

say "== routes out: the EIP's and the VIP's /32s at the upstreams"
wait_until 8 svc_health_all web up
check "both backends healthy ($(svc_be web health))" svc_health_all web up
t0=$(date +%s%N)
for p in "$EIP" "$VIP"; do
  wait_until 10 krt_has "$NS_G" "$BGP_ANNOUNCE_TABLE" "$p/32"
  v=$(ip -n "$NS_G" route show table "$BGP_ANNOUNCE_TABLE" "$p/32")
  check "vgwd put $p/32 into table $BGP_ANNOUNCE_TABLE ($v)" grep -q "proto $VGW_RT_PROTO" <<<"$v"
  check_upstreams_learn "$p/32" "$t0" "the backends were healthy"
done
n=$(bird_count r1 vgw)
check "r1 gets nothing else from the gateway (${n:-?} routes)" [ "${n:-0}" -eq 2 ]

say "== live traffic follows the BGP routes"
n=$(ping_count "${VM_NS[vm1]}" "$BGP_R1_HOST" 3)
check "vm1 (EIP $EIP) pings $BGP_R1_HOST, only behind r1: ${n:-0}/3" [ "${n:-0}" -eq 3 ]
n=$(ping_count "${VM_NS[vm1]}" "$BGP_R2_HOST" 3)
check "vm1 pings $BGP_R2_HOST, only behind r2: ${n:-0}/3" [ "${n:-0}" -eq 3 ]
n=$(nsx "$NS_R1" ping -n -c 3 -i 0.2 -W 2 -I "$BGP_R1_HOST" "$EIP" 2>&1 | sed -n 's/.* \([0-9]\+\) received.*/\1/p')
check "from the Internet ($BGP_R1_HOST at r1) to the EIP $EIP: ${n:-0}/3 (r1 routes it by the announced /32)" \
  [ "${n:-0}" -eq 3 ]
b=$(nsx "$NS_R2" curl -sS --noproxy '*' --max-time 5 --interface "$BGP_R2_HOST" "http://$VIP/" 2>&1)
check "from the Internet ($BGP_R2_HOST at r2) to the VIP $VIP: answered by a backend (${b:-nothing})" \
  grep -qx 'be[12]' <<<"$b"
bg_ns "$NS_R1" "$TOPO_TMP/echo1.log" "$PY" "$NETUTIL" tcp-echo "$BGP_ANYCAST" 7001 --name r1 --timeout 120
bg_ns "$NS_R2" "$TOPO_TMP/echo2.log" "$PY" "$NETUTIL" tcp-echo "$BGP_ANYCAST" 7001 --name r2 --timeout 120
wait_until 5 _listening "$NS_R1" 7001 && wait_until 5 _listening "$NS_R2" 7001 || fail "tcp-echo servers"
out=$(vm_x vm1 timeout 60 "$PY" "$NETUTIL" tcp-conns "$BGP_ANYCAST" 7001 --count 40 --timeout 5 2>&1); rc=$?
info "tcp-conns: $out"
v=$(json_get "(d['ok'], d['by'].get('r1', 0), d['by'].get('r2', 0))" <<<"$out" 2>/dev/null)
check "40 TCP connections from vm1 to the anycast $BGP_ANYCAST all answered, spread over both upstreams by the ECMP group (ok, r1, r2: $v)" \
  "$PY" -c 'import sys; t = eval(sys.argv[1]); sys.exit(not (t[0] == 40 and t[1] > 0 and t[2] > 0))' "${v:-None}"

say "== a withdrawal at r1"
nr0=$(stat_drop no_route)
bc r1 disable offer >/dev/null
wait_until 15 vroute_none "$BGP_R1_NET"
check "r1 withdrew its routes: $BGP_R1_NET gone from vgwd ($(vroute $BGP_R1_NET))" vroute_none "$BGP_R1_NET"
wait_until 5 vroute_is "$BGP_ANYCAST_NET" "$ROUTE_SOURCE_KERNEL $BGP_R2@p0"
check "   the ECMP group of $BGP_ANYCAST_NET is down to r2 ($(vroute $BGP_ANYCAST_NET))" \
  vroute_is "$BGP_ANYCAST_NET" "$ROUTE_SOURCE_KERNEL $BGP_R2@p0"
n=$(ping_count "${VM_NS[vm1]}" "$BGP_R1_HOST" 2)
nr1=$(stat_drop no_route)
check "   vm1's pings to $BGP_R1_HOST now go nowhere (${n:-0}/2 answered; no_route $nr0 -> $nr1)" \
  eval "[ ${n:-0} -eq 0 ] && [ ${nr1:-0} -gt ${nr0:-0} ]"
n=$(ping_count "${VM_NS[vm1]}" "$BGP_ANYCAST" 2)
check "   the anycast $BGP_ANYCAST still answers through r2: ${n:-0}/2" [ "${n:-0}" -eq 2 ]
bc r1 enable offer >/dev/null
wait_until 15 vroute_is "$BGP_ANYCAST_NET" "$want_any"
check "r1 announces again: $BGP_ANYCAST_NET back to two paths ($(vroute $BGP_ANYCAST_NET))" \
  vroute_is "$BGP_ANYCAST_NET" "$want_any"
wait_until 5 vroute_is "$BGP_R1_NET" "$ROUTE_SOURCE_KERNEL $BGP_R1@p0"
n=$(ping_count "${VM_NS[vm1]}" "$BGP_R1_HOST" 3)
check "   $BGP_R1_NET back in vgwd, vm1 reaches $BGP_R1_HOST again: ${n:-0}/3" [ "${n:-0}" -eq 3 ]

say "== the VIP follows the health of its backends"
http_server_stop be1
http_server_stop be2
wait_until 8 svc_health_all web down
check "both backends down ($(svc_be web health))" svc_health_all web down
t=$(date +%s%N)
wait_until 10 krt_none "$NS_G" "$BGP_ANNOUNCE_TABLE" "$VIP/32"
check "vgwd removed $VIP/32 from table $BGP_ANNOUNCE_TABLE" krt_none "$NS_G" "$BGP_ANNOUNCE_TABLE" "$VIP/32"
for r in r1 r2; do
  wait_until 10 bird_not_from "$r" "$VIP/32" vgw
  check "$r withdrew $VIP/32 ($(( ($(date +%s%N) - t) / 1000000 )) ms after both were down)" bird_not_from "$r" "$VIP/32" vgw
done
check "   while the EIP $EIP/32 stays announced" bird_from r1 "$EIP/32" vgw
http_server be1 80 be1 --timeout 300 || fail "restart http server be1"
wait_until 8 be_health_is web "${VM_IP[be1]}" up
check "be1 up again ($(be_field web "${VM_IP[be1]}" health))" be_health_is web "${VM_IP[be1]}" up
check_upstreams_learn "$VIP/32" "$(date +%s%N)" "be1 came up"
b=$(nsx "$NS_R2" curl -sS --noproxy '*' --max-time 5 --interface "$BGP_R2_HOST" "http://$VIP/" 2>&1)
check "   and the VIP answers the Internet again, from be1 (${b:-nothing})" [ "$b" = be1 ]

say "== eip del withdraws the EIP"
check "vgwctl eip del $EIP" vctl eip del "$EIP"
for r in r1 r2; do
  wait_until 15 bird_not_from "$r" "$EIP/32" vgw
  check "$r withdrew $EIP/32" bird_not_from "$r" "$EIP/32" vgw
done
check "vgwctl eip add $EIP vpc blue ip ${VM_IP[vm1]}" vctl eip add "$EIP" vpc blue ip "${VM_IP[vm1]}"
wait_until 15 bird_from r1 "$EIP/32" vgw
check "   announced again after eip add" bird_from r1 "$EIP/32" vgw

say "== vgwd stops: the upstreams withdraw everything"
check "vgwd still running" vgwd_alive
vgwd_stop || fail "vgwd did not stop cleanly"
t=$(date +%s%N)
for r in r1 r2; do
  # no NOTIFICATION can leave without vgwd: the upstream's hold timer (9 s) ends it
  wait_until 20 eval "[ \"\$(bird_count $r vgw)\" = 0 ]"
  check "$r has no route from the gateway left ($(bird_count "$r" vgw) routes, $(( ($(date +%s%N) - t) / 1000000 )) ms after vgwd stopped)" \
    [ "$(bird_count "$r" vgw)" = 0 ]
  check "   and no route to $EIP/32 or $VIP/32 in its kernel" \
    eval "krt_none '${BIRD_NS[$r]}' main $EIP/32 && krt_none '${BIRD_NS[$r]}' main $VIP/32"
done
check "the gateway's sessions are down" eval "! bird_established gw upstream1 && ! bird_established gw upstream2"
n=$(krt_count "$NS_G" "$BGP_ANNOUNCE_TABLE")
check "vgwd left nothing in table $BGP_ANNOUNCE_TABLE ($n routes)" [ "$n" -eq 0 ]
n=$(krt_count "$NS_G" "$BGP_IMPORT_TABLE")
check "nothing left in table $BGP_IMPORT_TABLE either: the host port is gone ($n routes)" [ "$n" -eq 0 ]
for r in gw r1 r2; do check "bird $r still running" bird_alive "$r"; done
info "bgp-bird.sh ran $(( $(date +%s) - T0 )) s"
finish
