#!/usr/bin/env bash
# e2e bgp-frr: the shipped FRR configuration of the gateway node
# (conf/frr/frr.conf, FRR 8.4 zebra + bgpd) against two upstream routers
# running BIRD (conf/bird/upstream-bird.conf) -- without vgwd, like
# bgp-policy.sh: the gateway's public veth carries the host-port address, the
# test plays vgwd's part on the kernel tables.  Topology: bgp_topo.sh.
#
# Checks: the configuration passes FRR's own dry run (vtysh -C); both
# sessions Established; the upstreams' prefixes land in table 100 (bgpd's
# `set table 100`), the one both announce as a multipath route, nothing in
# main; a default route, bogons, a prefix longer than /24 and the gateway's
# own range are refused; a /32 put into table 101 shows at both upstreams and
# goes away when deleted; a /32 outside the public range, a /24, a /25 are
# never announced; nothing is re-announced between the upstreams; a withdrawal
# at an upstream updates table 100; when bgpd stops, table 100 is emptied and
# the upstreams withdraw.
# usage: bgp-frr.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
source "$(dirname "$0")/bgp_topo.sh"
topo_init "${1:-}"
bgp_require
frr_require
T0=$(date +%s)
FRR_CONF="$BGP_CONF_DIR/../frr/frr.conf"

say "== FRR configuration"
out=$(vtysh -C -f "$FRR_CONF" 2>&1); rc=$?
check "conf/frr/frr.conf passes FRR's dry run (vtysh -C -f, exit $rc${out:+: $out})" [ "$rc" -eq 0 ]
bgp_topo_create kernel
GW="$TOPO_TMP/frr-gw.conf"
cp "$FRR_CONF" "$GW"
# the lab: documentation/benchmarking "Internet" exempt from the bogons, logs
# to the daemons' stdout (their log files here), short timers; the addresses
# and ASes of bgp_topo.sh are the file's own
conf_replace "$GW" 'ip prefix-list LAB-NETS seq 10 deny any' \
  'ip prefix-list LAB-NETS seq 10 permit 198.18.0.0/15 le 32\nip prefix-list LAB-NETS seq 20 permit 198.51.100.0/24 le 32' &&
conf_replace "$GW" 'log syslog informational' 'log stdout informational' &&
conf_replace "$GW" ' neighbor UPSTREAM timers 10 30' ' neighbor UPSTREAM timers 3 9' ||
  die "rewrite $GW"
out=$(vtysh -C -f "$GW" 2>&1)
check "the lab variant passes the dry run too" [ $? -eq 0 ]
JUNK="0.0.0.0/0 10.0.0.0/8 192.168.0.0/16 100.64.0.0/10 192.0.2.0/24 198.18.1.128/25 203.0.113.0/24"
for r in 1 2; do
  if [ $r = 1 ]; then a=$BGP_R1 as=$BGP_R1_AS net=$BGP_R1_NET; else a=$BGP_R2 as=$BGP_R2_AS net=$BGP_R2_NET; fi
  offer="route $BGP_ANYCAST_NET blackhole;route $net blackhole;"
  if [ $r = 1 ]; then for p in $JUNK; do offer+="route $p blackhole;"; done; fi
  bird_conf "$BGP_CONF_DIR/upstream-bird.conf" "$TOPO_TMP/r$r.conf" MY_ROUTER_ID=$a MY_AS=$as MY_ADDR=$a \
    GATEWAY_ADDR=$BGP_GW GATEWAY_AS=$BGP_GW_AS HOLD_TIME=9 KEEPALIVE_TIME=3 "OFFER=$offer" || die "r$r config"
done

say "== start: BIRD upstreams, FRR on the gateway"
bird_start r1 "$NS_R1" "$TOPO_TMP/r1.conf" || die "bird r1"
bird_start r2 "$NS_R2" "$TOPO_TMP/r2.conf" || die "bird r2"
frr_start gw "$NS_G" "$GW" || die "FRR on the gateway"
for p in "$BGP_R1" "$BGP_R2"; do
  wait_until 40 frr_established gw "$p"
  check "gateway: session to $p Established" frr_established gw "$p"
done
for r in r1 r2; do
  bird_wait_established "$r" vgw 20
  check "$r: session vgw Established" bird_established "$r" vgw
done
[ "$TOPO_FAILS" -eq 0 ] || { vt gw show bgp summary; die "BGP sessions did not come up"; }

say "== routes in: table $BGP_IMPORT_TABLE"
wait_until 15 krt_paths_are "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_ANYCAST_NET" "$BGP_R1 $BGP_R2"
ip -n "$NS_G" route show table "$BGP_IMPORT_TABLE" | sed 's/^/      /'
check "$BGP_ANYCAST_NET is one route with two paths via $BGP_R1 and $BGP_R2 ($(krt_paths "$NS_G" $BGP_IMPORT_TABLE $BGP_ANYCAST_NET))" \
  krt_paths_are "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_ANYCAST_NET" "$BGP_R1 $BGP_R2"
wait_until 5 krt_paths_are "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_R1_NET" "$BGP_R1"
check "$BGP_R1_NET via $BGP_R1 only" krt_paths_are "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_R1_NET" "$BGP_R1"
wait_until 5 krt_paths_are "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_R2_NET" "$BGP_R2"
check "$BGP_R2_NET via $BGP_R2 only" krt_paths_are "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_R2_NET" "$BGP_R2"
v=$(ip -n "$NS_G" route show table "$BGP_IMPORT_TABLE" "$BGP_ANYCAST_NET")
check "installed by zebra for bgpd (proto bgp) through $IF_G0" \
  eval "grep -q 'proto bgp' <<<\"\$v\" && [ \"\$(grep -o 'dev [^ ]*' <<<\"\$v\" | sort -u)\" = 'dev $IF_G0' ]"
check "next hops in the routes themselves, no kernel nexthop objects (no zebra nexthop kernel enable)" \
  eval "! ip -n '$NS_G' route show table $BGP_IMPORT_TABLE | grep -q nhid"
n=$(krt_count "$NS_G" "$BGP_IMPORT_TABLE")
check "table $BGP_IMPORT_TABLE holds exactly these 3 routes ($n)" [ "$n" -eq 3 ]
n=$(ip -n "$NS_G" route show table main proto bgp | grep -c .)
check "no BGP route in the gateway's main table ($n)" [ "$n" -eq 0 ]
for p in $JUNK; do
  check "refused $p (not in table $BGP_IMPORT_TABLE)" krt_none "$NS_G" "$BGP_IMPORT_TABLE" "$p"
done
v=$(vt gw "show bgp ipv4 unicast neighbors $BGP_R1 received-routes" 2>&1 | grep -c '^[ *>=]*[0-9]')
check "   though r1 sent them (soft-reconfiguration inbound: $v routes received from r1, 9 expected)" [ "$v" -eq 9 ]
check "no transit: r2 did not get $BGP_R1_NET from the gateway" bird_not_from r2 "$BGP_R1_NET" vgw
n=$(bird_count r1 vgw)
check "r1 receives nothing from the gateway yet (${n:-?})" [ "${n:-x}" = 0 ]

say "== routes out: table $BGP_ANNOUNCE_TABLE -> the upstreams"
EIP=203.0.113.10
ip -n "$NS_G" route add 198.51.100.77/32 dev lo table "$BGP_ANNOUNCE_TABLE" proto "$VGW_RT_PROTO" scope link
ip -n "$NS_G" route add 203.0.113.0/24 dev lo table "$BGP_ANNOUNCE_TABLE" proto "$VGW_RT_PROTO" scope link
ip -n "$NS_G" route add 203.0.113.0/25 dev lo table "$BGP_ANNOUNCE_TABLE" proto "$VGW_RT_PROTO" scope link
ip -n "$NS_G" route add "$EIP/32" dev lo table "$BGP_ANNOUNCE_TABLE" proto "$VGW_RT_PROTO" scope link
check_upstreams_learn "$EIP/32" "$(date +%s%N)" "ip route add"
wait_until 5 krt_paths_are "$NS_R1" main "$EIP/32" "$BGP_GW"
check "r1's kernel routes $EIP/32 via $BGP_GW" krt_paths_are "$NS_R1" main "$EIP/32" "$BGP_GW"
for p in 198.51.100.77/32 203.0.113.0/24 203.0.113.0/25; do
  check "not announced: $p" eval "bird_not_from r1 $p vgw && bird_not_from r2 $p vgw"
done
n=$(bird_count r1 vgw)
check "r1 receives exactly one route from the gateway (${n:-?})" [ "${n:-x}" = 1 ]
check "the /32 is not installed into table $BGP_IMPORT_TABLE" krt_none "$NS_G" "$BGP_IMPORT_TABLE" "$EIP/32"
info "zebra's copy of table $BGP_ANNOUNCE_TABLE in main (a known side effect of ip import-table):" \
  "$(ip -n "$NS_G" route show table main proto zebra | tr '\n' ';')"
ip -n "$NS_G" route del "$EIP/32" table "$BGP_ANNOUNCE_TABLE"
t=$(date +%s%N)
for r in r1 r2; do
  wait_until 15 bird_not_from "$r" "$EIP/32" vgw
  check "$r withdrew $EIP/32 ($(( ($(date +%s%N) - t) / 1000000 )) ms after ip route del)" bird_not_from "$r" "$EIP/32" vgw
done
ip -n "$NS_G" route add 203.0.113.20/32 dev lo table "$BGP_ANNOUNCE_TABLE" proto "$VGW_RT_PROTO" scope link
wait_until 15 bird_from r1 203.0.113.20/32 vgw
check "203.0.113.20/32 added: announced" bird_from r1 203.0.113.20/32 vgw

say "== withdrawals"
bc r1 disable offer >/dev/null
wait_until 15 krt_none "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_R1_NET"
check "r1 withdraws: $BGP_R1_NET leaves table $BGP_IMPORT_TABLE" krt_none "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_R1_NET"
wait_until 5 krt_paths_are "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_ANYCAST_NET" "$BGP_R2"
check "   $BGP_ANYCAST_NET left with the path via $BGP_R2 ($(krt_paths "$NS_G" $BGP_IMPORT_TABLE $BGP_ANYCAST_NET))" \
  krt_paths_are "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_ANYCAST_NET" "$BGP_R2"
bc r1 enable offer >/dev/null
wait_until 15 krt_paths_are "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_ANYCAST_NET" "$BGP_R1 $BGP_R2"
check "r1 announces again: both paths back" krt_paths_are "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_ANYCAST_NET" "$BGP_R1 $BGP_R2"

say "== bgpd stops"
frr_stop_bgpd gw
wait_until 10 eval "[ \"\$(krt_count '$NS_G' $BGP_IMPORT_TABLE)\" -eq 0 ]"
check "zebra emptied table $BGP_IMPORT_TABLE ($(krt_count "$NS_G" $BGP_IMPORT_TABLE) routes)" \
  [ "$(krt_count "$NS_G" "$BGP_IMPORT_TABLE")" -eq 0 ]
for r in r1 r2; do
  wait_until 15 bird_not_from "$r" 203.0.113.20/32 vgw
  check "$r withdrew the gateway's 203.0.113.20/32" bird_not_from "$r" 203.0.113.20/32 vgw
done
frr_stop gw
check "table $BGP_ANNOUNCE_TABLE left as it was: FRR never writes it" krt_has "$NS_G" "$BGP_ANNOUNCE_TABLE" 203.0.113.20/32
n=$(ip -n "$NS_G" route show table main proto zebra | grep -c .)
check "zebra removed its copies from main when it stopped ($n left)" [ "$n" -eq 0 ]
info "bgp-frr.sh ran $(( $(date +%s) - T0 )) s"
finish
