#!/usr/bin/env bash
# e2e announce: the /32s vgwd keeps in its kernel announce table (here 101,
# in the gateway namespace, where vgwd's netlink socket writes), as a routing
# daemon would read them.
#
#   VPC blue, VNI 1001, on hv1 10.2.0.21:
#     vm1 192.168.1.10   EIP 198.51.100.10
#     be1 192.168.1.11   backend of service web, VIP 198.51.100.80 port 8080
#                        tcp, health checks every 300 ms, rise 2, fall 2
#
# Checks: before vgwd starts, table 101 holds a leftover route of vgw's
# protocol (250) and a static route: the leftover is flushed at start, the
# static route left alone; the EIP's /32 appears (dev lo, scope link, proto
# 250); the VIP, whose backend has no listener (its kernel answers the probes
# with RST), is never announced, and show announcements says why; a real TCP
# listener on the backend -> the VIP's /32 appears within the rise time (plus a
# tick); the listener stopped -> withdrawn within the fall time; back, then
# drained -> withdrawn; a route deleted behind vgwd's back comes back (audit,
# 10 s); eip del -> withdrawn; the counters; the device (lo) down: the kernel
# drops the routes, vgwd notices at its audit, its re-adds are refused
# (ENETDOWN: counted, shown as "apply failed", retried every tick) and go
# through as soon as lo is up; SIGTERM -> no route of protocol 250 left in the
# table, the static one still there.
# usage: announce.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
source "$(dirname "$0")/vpc_topo.sh"
topo_init "${1:-}"
T0=$(date +%s)
topo_create

TABLE=101
PROTO=250
EIP=198.51.100.10
VIP=198.51.100.80
STALE=192.0.2.99
STATIC=192.0.2.98
# rise/fall bound (1000 ms) with room for a test host whose CPUs are shared
LIMIT_MS=3000

# routes: the protocol-250 routes of table 101 ("prefix dev DEV scope ..." lines)
routes() { ip -n "$NS_G" route show table "$TABLE" proto "$PROTO" 2>/dev/null; }
has_route() { routes | grep -q "^$1 "; }
no_route() { ! has_route "$1"; }
no_vgw_routes() { [ -z "$(routes)" ]; }
has_static() { ip -n "$NS_G" route show table "$TABLE" 2>/dev/null | grep -q "^$STATIC "; }
# ann EXPR -> eval(EXPR) on `vgwctl -j show announcements` (d = the document)
ann() { vctl -j show announcements | json_get "$1"; }
# row IP FIELD -> a prefix row's field ("" when there is no row)
row() { ann "next((p['$2'] for p in d['prefixes'] if p['prefix'] == '$1/32'), '')"; }
workers_running() { [ "$(ann "d['workers']")" = running ]; }
# ms_until TIMEOUT_S CMD... -> time (ms) until CMD held, in $MS; 1 on timeout
ms_until() {
  local t0; t0=$(date +%s%N)
  wait_until "$@"; local rc=$?
  MS=$(( ($(date +%s%N) - t0) / 1000000 ))
  return $rc
}

say "== hypervisor, VMs, a leftover route in table $TABLE"
vpc_hv hv1 10.2.0.21
vpc_vm vm1 hv1 1001 192.168.1.10/24 192.168.1.1
vpc_vm be1 hv1 1001 192.168.1.11/24 192.168.1.1
ip -n "$NS_G" route add "$STALE/32" dev lo table "$TABLE" proto "$PROTO" || die "leftover route"
ip -n "$NS_G" route add "$STATIC/32" dev lo table "$TABLE" proto static || die "static route"
check "table $TABLE holds the leftover $STALE/32 proto $PROTO before vgwd starts" has_route "$STALE"

say "== vgwd with kernel announce-table $TABLE"
vgwd_config 1
# NOTICE lines of vgwd itself (announce/withdraw with the reason) into the log
sed -i 's/--log-level=\*:warning/& --log-level=vgw.*:notice/' "$VGW_CONF"
echo "kernel announce-table $TABLE" >>"$VGW_CONF"
vgwd_start || die "vgwd did not become ready"
ms_until 3 no_route "$STALE"
check "the leftover $STALE/32 is flushed at start ($MS ms)" no_route "$STALE"
check "the static route $STATIC/32 (not vgw's protocol) is left alone" \
  has_static
# nothing is announced before the workers have passed an RCU token
ms_until 2 workers_running
info "workers seen running $MS ms after vgwd was ready"
v=$(ann "(d['table'], d['protocol'], d['device'], d['workers'], len(d['prefixes']))")
check "show announcements: table $TABLE, protocol $PROTO, device lo, workers running, no rows ($v)" \
  [ "$v" = "($TABLE, $PROTO, 'lo', 'running', 0)" ]

cmds=("vtep add 10.2.0.1" "vpc add blue vni 1001"
      "endpoint add blue 192.168.1.10 mac ${VM_MAC[vm1]} vtep 10.2.0.21"
      "endpoint add blue 192.168.1.11 mac ${VM_MAC[be1]} vtep 10.2.0.21"
      "eip add $EIP vpc blue ip 192.168.1.10"
      "service add web vip $VIP port 8080 proto tcp check-interval 300 check-rise 2 check-fall 2"
      "backend add web vpc blue ip 192.168.1.11 port 8080")
for cmd in "${cmds[@]}"; do
  # shellcheck disable=SC2086
  check "vgwctl $cmd" vctl $cmd
done

say "== the EIP is announced; the VIP, with nothing listening on its backend, is not"
ms_until 3 has_route "$EIP"
check "$EIP/32 in table $TABLE proto $PROTO ($MS ms after eip add)" has_route "$EIP"
r=$(routes | grep "^$EIP ")
check "the route reads '$EIP dev lo scope link' (got: $r)" grep -q "^$EIP dev lo scope link" <<<"$r"
# sample the table for 2 s (> 3 probe intervals): the VIP never shows up
seen=0
for _ in $(seq 1 20); do has_route "$VIP" && seen=$((seen + 1)); sleep 0.1; done
check "the VIP $VIP/32 never appeared in 20 samples over 2 s ($seen)" [ "$seen" -eq 0 ]
wait_until 3 be_health_is web 192.168.1.11 down
check "its backend's health is down (probes answered with RST: $(be_field web 192.168.1.11 health))" \
  be_health_is web 192.168.1.11 down
v=$(ann "sorted((p['prefix'], p['kind'], p['state'], p['reason']) for p in d['prefixes'])")
check "show announcements: EIP announced (elastic ip), VIP withdrawn (no healthy backend) ($v)" \
  [ "$v" = "[('$EIP/32', 'eip', 'announced', 'elastic ip'), ('$VIP/32', 'vip', 'withdrawn', 'no healthy backend')]" ]
say "   vgwctl show announcements:"; vctl show announcements 2>&1 | sed 's/^/    /'

say "== a listener on the backend: the VIP is announced within the rise time"
http_server be1 8080 be1 || die "http server be1"
ms_until 5 has_route "$VIP"
check "$VIP/32 announced $MS ms after the listener started (rise 2 x 300 ms + up to one interval to the next probe + a 100 ms tick = 1000 ms; limit $LIMIT_MS ms)" \
  [ "$MS" -le "$LIMIT_MS" ]
check "show announcements: VIP announced, reason healthy backend ($(row "$VIP" state), $(row "$VIP" reason))" \
  [ "$(row "$VIP" state) $(row "$VIP" reason)" = "announced healthy backend" ]
out=$(http_get "$NS_C" "http://$VIP:8080/" 2>&1)
info "GET http://$VIP:8080/ from the client: $out"

say "== the listener stops: withdrawn within the fall time"
ip -n "$NS_C" route add 198.51.100.0/24 via 10.1.0.1 2>/dev/null
http_server_stop be1
ms_until 5 no_route "$VIP"
check "$VIP/32 withdrawn $MS ms after the listener stopped (fall 2 x 300 ms + one interval + a tick = 1000 ms; limit $LIMIT_MS ms)" \
  [ "$MS" -le "$LIMIT_MS" ]
check "reason: no healthy backend ($(row "$VIP" reason))" [ "$(row "$VIP" reason)" = "no healthy backend" ]
check "the EIP stayed announced" has_route "$EIP"

say "== back, then drained: a VIP whose only backend drains is withdrawn"
http_server be1 8080 be1 || die "http server be1"
ms_until 5 has_route "$VIP"
check "$VIP/32 announced again ($MS ms)" has_route "$VIP"
check "vgwctl backend set web vpc blue ip 192.168.1.11 port 8080 state drain" \
  vctl backend set web vpc blue ip 192.168.1.11 port 8080 state drain
ms_until 3 no_route "$VIP"
check "$VIP/32 withdrawn $MS ms after the drain" no_route "$VIP"
check "vgwctl backend set web vpc blue ip 192.168.1.11 port 8080 state up" \
  vctl backend set web vpc blue ip 192.168.1.11 port 8080 state up
ms_until 3 has_route "$VIP"
check "$VIP/32 announced $MS ms after the backend is up again" has_route "$VIP"

say "== a route deleted behind vgwd's back comes back (audit every 10 s)"
ip -n "$NS_G" route del "$EIP/32" table "$TABLE" proto "$PROTO" || fail "ip route del $EIP/32"
ms_until 13 has_route "$EIP"
check "$EIP/32 re-added $MS ms after it was deleted (limit 12 s)" has_route "$EIP"

say "== eip del: withdrawn, its row gone"
check "vgwctl eip del $EIP" vctl eip del "$EIP"
ms_until 3 no_route "$EIP"
check "$EIP/32 withdrawn $MS ms after eip del" no_route "$EIP"
check "no row for $EIP in show announcements" [ -z "$(row "$EIP" state)" ]
check "vgwctl eip add $EIP vpc blue ip 192.168.1.10" vctl eip add "$EIP" vpc blue ip 192.168.1.10
wait_until 3 has_route "$EIP"
check "$EIP/32 announced again" has_route "$EIP"

say "== counters"
say "   vgwctl show announcements:"; vctl show announcements 2>&1 | sed 's/^/    /'
v=$(ann "(d['announced'], d['announces'], d['withdraws'], d['errors'], d['stalls'])")
info "announced, announces, withdraws, errors, stalls: $v"
check "2 announced; >= 6 announces, >= 4 withdraws (the leftover included), no error, no stall ($v)" \
  "$PY" -c 'import sys; t = eval(sys.argv[1]); sys.exit(not (t[0] == 2 and t[1] >= 6 and t[2] >= 4 and t[3] == 0 and t[4] == 0))' "$v"
v=$(vctl -j show stats | json_get "(d['slowpath']['ann_announce'], d['slowpath']['ann_error'])")
check "show stats has ann_announce and ann_error ($v)" [ -n "$v" ]
check "vgwd logged announce/withdraw with reasons" \
  grep -q "announce: withdraw $VIP/32 (vip: no healthy backend)" "$VGWD_LOG"

say "== the device goes down: the kernel drops the routes, vgwd's re-adds are refused and retried"
e0=$(ann "d['errors']")
ip -n "$NS_G" link set lo down || fail "lo down"
ms_until 3 no_vgw_routes
check "the kernel dropped both routes with lo ($MS ms)" no_vgw_routes
# the audit (every 10 s) notices; the re-adds fail with ENETDOWN
apply_failed() { [ "$(row "$EIP" reason)" = "apply failed" ]; }
ms_until 12 apply_failed
v=$(ann "[(p['prefix'], p['state'], p['reason'], p['error']) for p in d['prefixes']]")
check "after the audit ($MS ms): both rows withdrawn, apply failed, Network is down ($v)" \
  [ "$v" = "[('$EIP/32', 'withdrawn', 'apply failed', 'Network is down'), ('$VIP/32', 'withdrawn', 'apply failed', 'Network is down')]" ]
sleep 0.5
e1=$(ann "d['errors']")
check "the refused requests are counted and retried every tick (errors $e0 -> $e1, expect >= +4)" \
  [ "$e1" -ge $((e0 + 4)) ]
ip -n "$NS_G" link set lo up || fail "lo up"
# (the kernel dropped the static route with lo too: put it back for the stop)
ip -n "$NS_G" route replace "$STATIC/32" dev lo table "$TABLE" proto static || fail "static route"
both_back() { has_route "$EIP" && has_route "$VIP"; }
ms_until 3 both_back
check "lo up again: both routes back within $MS ms" both_back
v=$(ann "[(p['state'], p['reason'], p['error']) for p in d['prefixes']]")
check "rows announced, no error left ($v)" \
  [ "$v" = "[('announced', 'elastic ip', None), ('announced', 'healthy backend', None)]" ]
check "vgwd logged the refusal (rate-limited)" grep -q "announce: cannot add .*Network is down" "$VGWD_LOG"

say "== SIGTERM: everything withdrawn"
check "both routes in table $TABLE before the stop ($(routes | cut -d' ' -f1 | tr '\n' ' '))" \
  [ "$(routes | wc -l)" -eq 2 ]
vgwd_stop
check "no route of protocol $PROTO in table $TABLE after vgwd stopped ($(routes | tr '\n' ';'))" no_vgw_routes
check "the static route $STATIC/32 is still there" \
  has_static
check "vgwd logged the final withdrawal" grep -q "every route withdrawn from table $TABLE" "$VGWD_LOG"
info "announce.sh ran $(( $(date +%s) - T0 )) s"
finish
