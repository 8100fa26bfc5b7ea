#!/usr/bin/env bash
# e2e bgp-policy: the shipped BIRD configuration of the gateway node
# (conf/bird/vgw-bird.conf) against two upstream routers running
# conf/bird/upstream-bird.conf -- without vgwd: the gateway's public veth
# carries the host-port address in Linux, and the test plays vgwd's part on the
# two kernel tables (reads table 100, writes /32s into table 101 with vgwd's
# rtm_protocol).  Topology: tests/e2e/bgp_topo.sh.
#
# Checks: both sessions Established on both sides; the upstreams' prefixes land
# in the gateway's table 100 (not main), the one both announce as a multipath
# route over both; what the gateway must not accept (a default route, bogons,
# a prefix longer than /24, its own public range) is received but filtered and
# never reaches table 100; nothing is re-announced from one upstream to the
# other; a /32 put into table 101 with vgwd's protocol shows at both upstreams
# (BIRD and their kernels) and goes away when deleted; a /32 outside the
# public range, a /24, a /32 with another protocol, a /32 in another table are
# never announced; a withdrawal at an upstream, an upstream going away and it
# coming back update table 100; ACCEPT_DEFAULT=true lets the default in;
# stopping the gateway's BIRD empties table 100 and the upstreams withdraw.
# usage: bgp-policy.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
source "$(dirname "$0")/bgp_topo.sh"
topo_init "${1:-}"
bgp_require
T0=$(date +%s)
bgp_topo_create kernel

EIP=203.0.113.10
say "== BIRD configurations"
# The gateway: the shipped file; only the lab's "Internet" (documentation and
# benchmarking space) is exempted from the bogon filter, and the hold time is
# short so that a dead peer is noticed within the test.
GW_DEFS=("VGW_ROUTER_ID=$BGP_GW" "VGW_AS=$BGP_GW_AS" "VGW_ADDR=$BGP_GW"
         "UPSTREAM1_ADDR=$BGP_R1" "UPSTREAM1_AS=$BGP_R1_AS" "UPSTREAM2_ADDR=$BGP_R2" "UPSTREAM2_AS=$BGP_R2_AS"
         "PUBLIC_RANGES=[ $BGP_PUBLIC+ ]" "VGW_IMPORT_TABLE=$BGP_IMPORT_TABLE"
         "VGW_ANNOUNCE_TABLE=$BGP_ANNOUNCE_TABLE" "VGW_RT_PROTO=$VGW_RT_PROTO"
         "LAB_NETS=$BGP_LAB_NETS" HOLD_TIME=9 KEEPALIVE_TIME=3)
check "gateway config from conf/bird/vgw-bird.conf parses" \
  bird_conf "$BGP_CONF_DIR/vgw-bird.conf" "$TOPO_TMP/gw.conf" "${GW_DEFS[@]}"
check "gateway config with ACCEPT_DEFAULT=true parses" \
  bird_conf "$BGP_CONF_DIR/vgw-bird.conf" "$TOPO_TMP/gw-default.conf" "${GW_DEFS[@]}" ACCEPT_DEFAULT=true
# r1 also offers what the gateway must refuse
JUNK="0.0.0.0/0 10.0.0.0/8 192.168.0.0/16 100.64.0.0/10 192.0.2.0/24 198.18.1.128/25 203.0.113.0/24"
offer1="route $BGP_ANYCAST_NET blackhole;route $BGP_R1_NET blackhole;"
for p in $JUNK; do offer1+="route $p blackhole;"; done
check "upstream r1 config (offers $BGP_ANYCAST_NET $BGP_R1_NET and junk: $JUNK)" \
  bird_conf "$BGP_CONF_DIR/upstream-bird.conf" "$TOPO_TMP/r1.conf" MY_ROUTER_ID=$BGP_R1 MY_AS=$BGP_R1_AS \
  MY_ADDR=$BGP_R1 GATEWAY_ADDR=$BGP_GW GATEWAY_AS=$BGP_GW_AS HOLD_TIME=9 KEEPALIVE_TIME=3 "OFFER=$offer1"
check "upstream r2 config (offers $BGP_ANYCAST_NET $BGP_R2_NET)" \
  bird_conf "$BGP_CONF_DIR/upstream-bird.conf" "$TOPO_TMP/r2.conf" MY_ROUTER_ID=$BGP_R2 MY_AS=$BGP_R2_AS \
  MY_ADDR=$BGP_R2 GATEWAY_ADDR=$BGP_GW GATEWAY_AS=$BGP_GW_AS HOLD_TIME=9 KEEPALIVE_TIME=3 \
  "OFFER=route $BGP_ANYCAST_NET blackhole;route $BGP_R2_NET blackhole;"
[ "$TOPO_FAILS" -eq 0 ] || die "configuration"

say "== start BIRD: gateway and two upstreams"
bird_start gw "$NS_G" "$TOPO_TMP/gw.conf" || die "bird gw"
bird_start r1 "$NS_R1" "$TOPO_TMP/r1.conf" || die "bird r1"
bird_start r2 "$NS_R2" "$TOPO_TMP/r2.conf" || die "bird r2"
t=$(date +%s)
for pp in "gw upstream1" "gw upstream2" "r1 vgw" "r2 vgw"; do
  set -- $pp
  bird_wait_established "$1" "$2" 40
  check "$1: session $2 Established ($(bird_proto_state "$1" "$2" | tr -s ' '))" bird_established "$1" "$2"
done
info "sessions up after $(( $(date +%s) - t )) s"
[ "$TOPO_FAILS" -eq 0 ] || { bc gw show protocols all; die "BGP sessions did not come up"; }

say "== routes in: upstream prefixes -> the gateway's table $BGP_IMPORT_TABLE"
wait_until 15 krt_paths_are "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_ANYCAST_NET" "$BGP_R1 $BGP_R2"
say "   ip route show table $BGP_IMPORT_TABLE (gateway):"
ip -n "$NS_G" route show table "$BGP_IMPORT_TABLE" | sed 's/^/      /'
check "$BGP_ANYCAST_NET (announced by both) is one route with two paths via $BGP_R1 and $BGP_R2 ($(krt_paths "$NS_G" $BGP_IMPORT_TABLE $BGP_ANYCAST_NET))" \
  krt_paths_are "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_ANYCAST_NET" "$BGP_R1 $BGP_R2"
check "$BGP_R1_NET via $BGP_R1 only ($(krt_paths "$NS_G" $BGP_IMPORT_TABLE $BGP_R1_NET))" \
  krt_paths_are "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_R1_NET" "$BGP_R1"
check "$BGP_R2_NET via $BGP_R2 only ($(krt_paths "$NS_G" $BGP_IMPORT_TABLE $BGP_R2_NET))" \
  krt_paths_are "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_R2_NET" "$BGP_R2"
v=$(ip -n "$NS_G" route show table "$BGP_IMPORT_TABLE" "$BGP_ANYCAST_NET")
check "the routes are BIRD's, on the host-port interface $IF_G0 ($(tr -s ' \n' ' ' <<<"$v"))" \
  grep -q "proto bird" <<<"$v"
check "every path of $BGP_ANYCAST_NET leaves through $IF_G0" \
  [ "$(grep -o "dev [^ ]*" <<<"$v" | sort -u)" = "dev $IF_G0" ]
n=$(krt_count "$NS_G" "$BGP_IMPORT_TABLE")
check "table $BGP_IMPORT_TABLE holds exactly these 3 routes ($n)" [ "$n" -eq 3 ]
n=$(ip -n "$NS_G" route show table main proto bird | grep -c .)
check "nothing in the gateway's main table comes from BIRD ($n routes)" [ "$n" -eq 0 ]
for p in $JUNK; do
  check "refused $p: not in table $BGP_IMPORT_TABLE, but received and filtered by upstream_in" \
    eval "krt_none '$NS_G' '$BGP_IMPORT_TABLE' '$p' && bc gw show route '$p' filtered protocol upstream1 | grep -q '^${p//./\\.}'"
done
check "no transit: r2 did not get r1's $BGP_R1_NET from the gateway" bird_no_route r2 "$BGP_R1_NET"
check "no transit: r1 did not get r2's $BGP_R2_NET from the gateway" bird_no_route r1 "$BGP_R2_NET"
n=$(bird_count r1 vgw)
check "r1 receives nothing from the gateway yet (routes from it: ${n:-?})" [ "$n" = 0 ]

say "== routes out: a /32 in table $BGP_ANNOUNCE_TABLE with protocol $VGW_RT_PROTO -> the upstreams"
ip -n "$NS_G" route add "$EIP/32" dev lo table "$BGP_ANNOUNCE_TABLE" proto "$VGW_RT_PROTO" scope link ||
  fail "ip route add $EIP/32 table $BGP_ANNOUNCE_TABLE"
check_upstreams_learn "$EIP/32" "$(date +%s%N)" "ip route add"
bird_routes r1 "$EIP/32" all
for ns in "$NS_R1" "$NS_R2"; do
  wait_until 5 krt_paths_are "$ns" main "$EIP/32" "$BGP_GW"
  check "$ns installed $EIP/32 via $BGP_GW in its main table ($(krt_paths "$ns" main "$EIP/32"))" \
    krt_paths_are "$ns" main "$EIP/32" "$BGP_GW"
done
v=$(bc r1 show route "$EIP/32" all 2>&1)
check "as announced by AS $BGP_GW_AS alone, next hop $BGP_GW" \
  eval "grep -q 'BGP.as_path: $BGP_GW_AS\$' <<<\"\$v\" && grep -q 'BGP.next_hop: $BGP_GW\$' <<<\"\$v\""

say "== what is never announced"
BAD=("198.51.100.77/32 dev lo proto $VGW_RT_PROTO"          # outside the public range
     "203.0.113.0/24 dev lo proto $VGW_RT_PROTO"            # not a /32
     "203.0.113.0/25 dev lo proto $VGW_RT_PROTO"            # not a /32
     "203.0.113.11/32 dev lo proto static"                  # not written by vgwd
     "203.0.113.12/32 dev lo proto boot")                   # not written by vgwd
for b in "${BAD[@]}"; do
  # shellcheck disable=SC2086
  ip -n "$NS_G" route add $b table "$BGP_ANNOUNCE_TABLE" scope link || fail "ip route add $b"
done
ip -n "$NS_G" route add 203.0.113.13/32 dev lo table 102 proto "$VGW_RT_PROTO" scope link  # another table
ip -n "$NS_G" route add 203.0.113.14/32 dev lo proto "$VGW_RT_PROTO" scope link            # main table
# a good one added last: once it shows at the upstreams, the bad ones had their chance
ip -n "$NS_G" route add 203.0.113.20/32 dev lo table "$BGP_ANNOUNCE_TABLE" proto "$VGW_RT_PROTO" scope link
wait_until 15 bird_has_route r1 203.0.113.20/32
check "the last one added, 203.0.113.20/32, reached r1" bird_has_route r1 203.0.113.20/32
wait_until 5 bird_has_route r2 203.0.113.20/32
for b in "${BAD[@]}" "203.0.113.13/32 (table 102)" "203.0.113.14/32 (main table)"; do
  p=${b%% *}
  check "not announced: $b (r1 and r2 have no route for it from the gateway)" \
    eval "bird_not_from r1 $p vgw && bird_not_from r2 $p vgw"
done
for b in "${BAD[@]}"; do
  p=${b%% *}
  check "   ... though the gateway learned $p from table $BGP_ANNOUNCE_TABLE (table vgw_announce)" \
    bird_has_route gw "$p" vgw_announce
done
n=$(bird_count r1 vgw); n2=$(bird_count r2 vgw)
check "r1 and r2 receive exactly the two /32s from the gateway (${n:-?}, ${n2:-?})" [ "$n $n2" = "2 2" ]
check "the announced /32s are not exported back into table $BGP_IMPORT_TABLE" \
  eval "krt_none '$NS_G' $BGP_IMPORT_TABLE $EIP/32 && krt_none '$NS_G' $BGP_IMPORT_TABLE 203.0.113.20/32"

say "== withdrawals"
ip -n "$NS_G" route del "$EIP/32" table "$BGP_ANNOUNCE_TABLE" || fail "ip route del $EIP/32"
t=$(date +%s%N)
for r in r1 r2; do
  wait_until 15 bird_no_route "$r" "$EIP/32"
  check "$r withdrew $EIP/32 ($(( ($(date +%s%N) - t) / 1000000 )) ms after ip route del)" bird_no_route "$r" "$EIP/32"
done
wait_until 5 krt_none "$NS_R1" main "$EIP/32"
check "r1's kernel no longer routes $EIP/32" krt_none "$NS_R1" main "$EIP/32"
check "203.0.113.20/32 still announced" bird_has_route r1 203.0.113.20/32

bc r1 disable offer >/dev/null
wait_until 15 krt_none "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_R1_NET"
check "r1 withdraws everything (birdc disable offer): $BGP_R1_NET leaves table $BGP_IMPORT_TABLE" \
  krt_none "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_R1_NET"
wait_until 5 krt_paths_are "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_ANYCAST_NET" "$BGP_R2"
check "   and $BGP_ANYCAST_NET is left with the path via $BGP_R2 ($(krt_paths "$NS_G" $BGP_IMPORT_TABLE $BGP_ANYCAST_NET))" \
  krt_paths_are "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_ANYCAST_NET" "$BGP_R2"
bc r1 enable offer >/dev/null
wait_until 15 krt_paths_are "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_ANYCAST_NET" "$BGP_R1 $BGP_R2"
check "r1 announces again (enable offer): $BGP_ANYCAST_NET has both paths again" \
  krt_paths_are "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_ANYCAST_NET" "$BGP_R1 $BGP_R2"
wait_until 5 krt_has "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_R1_NET"
check "   and $BGP_R1_NET is back" krt_has "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_R1_NET"

bird_stop r2
wait_until 15 krt_paths_are "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_ANYCAST_NET" "$BGP_R1"
check "r2's BIRD stopped: $BGP_ANYCAST_NET left with the path via $BGP_R1 ($(krt_paths "$NS_G" $BGP_IMPORT_TABLE $BGP_ANYCAST_NET))" \
  krt_paths_are "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_ANYCAST_NET" "$BGP_R1"
check "   $BGP_R2_NET gone from table $BGP_IMPORT_TABLE" krt_none "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_R2_NET"
check "   the gateway's session upstream2 is down" eval "! bird_established gw upstream2"
bird_start r2 "$NS_R2" "$TOPO_TMP/r2.conf" || fail "restart bird r2"
bird_wait_established gw upstream2 40
wait_until 15 krt_paths_are "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_ANYCAST_NET" "$BGP_R1 $BGP_R2"
check "r2 back: session Established, $BGP_ANYCAST_NET has both paths again" \
  krt_paths_are "$NS_G" "$BGP_IMPORT_TABLE" "$BGP_ANYCAST_NET" "$BGP_R1 $BGP_R2"
wait_until 15 bird_has_route r2 203.0.113.20/32
check "   and r2 has the gateway's 203.0.113.20/32 again" bird_has_route r2 203.0.113.20/32

say "== ACCEPT_DEFAULT=true (birdc configure with the variant)"
check "default route refused so far" krt_none "$NS_G" "$BGP_IMPORT_TABLE" default
out=$(bc gw configure \""$TOPO_TMP/gw-default.conf"\" 2>&1)
info "birdc configure: $(tr '\n' ' ' <<<"$out")"
wait_until 15 krt_has "$NS_G" "$BGP_IMPORT_TABLE" default
check "with ACCEPT_DEFAULT=true the default route from r1 lands in table $BGP_IMPORT_TABLE ($(krt_paths "$NS_G" $BGP_IMPORT_TABLE default))" \
  krt_paths_are "$NS_G" "$BGP_IMPORT_TABLE" default "$BGP_R1"
check "   the bogons are still refused" \
  eval "krt_none '$NS_G' $BGP_IMPORT_TABLE 10.0.0.0/8 && krt_none '$NS_G' $BGP_IMPORT_TABLE 192.168.0.0/16"
out=$(bc gw configure \""$TOPO_TMP/gw.conf"\" 2>&1)
wait_until 15 krt_none "$NS_G" "$BGP_IMPORT_TABLE" default
check "back to the shipped policy: the default route leaves again" krt_none "$NS_G" "$BGP_IMPORT_TABLE" default

say "== the gateway's BIRD stops"
bird_stop gw
check "table $BGP_IMPORT_TABLE is empty ($(krt_count "$NS_G" $BGP_IMPORT_TABLE) routes)" \
  [ "$(krt_count "$NS_G" "$BGP_IMPORT_TABLE")" -eq 0 ]
check "table $BGP_ANNOUNCE_TABLE is left as it was: BIRD never writes it" \
  krt_has "$NS_G" "$BGP_ANNOUNCE_TABLE" 203.0.113.20/32
for r in r1 r2; do
  wait_until 15 bird_no_route "$r" 203.0.113.20/32
  check "$r withdrew the gateway's 203.0.113.20/32" bird_no_route "$r" 203.0.113.20/32
done
for r in r1 r2; do check "bird $r still running" bird_alive "$r"; done
info "bgp-policy.sh ran $(( $(date +%s) - T0 )) s"
finish
