#!/usr/bin/env bash
# e2e kernel-routes: vgwd follows Linux routing table 100 of its own namespace
# (setting `kernel import-table 100`), as it would follow a BGP daemon's table.
#   - a route present before vgwd starts is loaded by the start-up dump;
#   - routes added with `ip route ... table 100` appear in `show route` as
#     kernel/PROTO and carry live TCP traffic through r1 or r2 (the anycast
#     10.8.0.1 / 10.9.0.1 on both routers: the echo server's name says which);
#     `ip route replace` moves it; a multipath route is an ECMP group used by
#     both routers; `ip route del` removes it (no_route grows);
#   - another table is ignored; a gateway off every connected subnet is
#     refused and counted (nh_unreachable);
#   - precedence: a kernel route of a connected prefix is shadowed; a static
#     `route add` shadows a kernel route, `route del` brings it back;
#   - `kernel-routes resync` changes nothing when nothing was lost;
#   - overrun: vgwd is stopped (SIGSTOP) while 200,000 routes are added and
#     the ECMP route deleted, so the kernel drops notifications once the
#     128 MiB receive buffer is full (ENOBUFS, ~830 bytes a notification);
#     after SIGCONT the resync ends with exactly the kernel's table (the lost
#     delete included) while the control socket keeps answering; a flush of
#     the table empties it;
#   - overflow: with `fib max-routes 64`, of 101 routes 60 fit, 41 are refused
#     (fib_full), the log stays short (10 lines a second), traffic still flows,
#     and room made later is filled by a resync.
#
# Why `onlink`: the kernel accepts a route only if it can reach the gateway.
# The gateway namespace has no kernel addresses (vgwd owns its veths through
# af_packet); giving a kernel interface 10.2.0.1/24 would make the kernel answer
# ARP for vgwd's address on the underlay. `via GW dev $IF_G1 onlink` makes the
# kernel take the gateway as on-link with no address at all, and vgwd resolves
# it by its own connected subnet (10.2.0.0/24 on p1), not by the interface.
# usage: kernel-routes.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
topo_init "${1:-}"
topo_create

T=100
krt() { ip -n "$NS_G" route "$@"; }           # krt add|del|replace ... table $T
kr() { vctl -j show kernel-routes | json_get "d$1"; }
# route_of PREFIX -> "SOURCE NH,NH" from show route ("-" when absent)
route_of() {
  vctl -j show route | json_get "next(('%s %s' % (r['source'], ','.join(sorted(v['nh'] for v in r['via'])))
    for r in d['routes'] if r['prefix']=='$1'), '-')"
}
_route_is() { [ "$(route_of "$1")" = "$2" ]; }
_synced() { [ "$(kr "['state']")" = synced ]; }
# who answers TCP on DST:7001: JSON "by" map of N connections
conns_by() {
  nsx "$NS_C" timeout 60 "$PY" "$NETUTIL" tcp-conns "$1" 7001 --count "$2" --timeout 3 2>/dev/null |
    json_get "sorted(d['by'].items())"
}

say "== before vgwd starts: 10.8.0.0/24 via r2 in table $T, 10.7.0.0/24 in table 200"
krt add 10.8.0.0/24 via 10.2.0.12 dev "$IF_G1" onlink table $T proto bird || die "ip route add"
krt add 10.7.0.0/24 via 10.2.0.11 dev "$IF_G1" onlink table 200 || die "ip route add table 200"

vgwd_config 1
sed -i 's/ -m 512 / -m 1024 /' "$VGW_CONF"
printf 'kernel import-table %s\nfib max-routes 524288\n' $T >>"$VGW_CONF"
vgwd_start || die "vgwd did not become ready"

check "the route present at start is loaded (kernel/bird via r2)" \
  wait_until 10 _route_is 10.8.0.0/24 "kernel/bird 10.2.0.12"
check "table 200 is ignored" _route_is 10.7.0.0/24 -
check "follower synced" wait_until 10 _synced

bg_ns "$NS_R1" "$TOPO_TMP/echo1.log" "$PY" "$NETUTIL" tcp-echo 0.0.0.0 7001 --name r1 --timeout 400
bg_ns "$NS_R2" "$TOPO_TMP/echo2.log" "$PY" "$NETUTIL" tcp-echo 0.0.0.0 7001 --name r2 --timeout 400
wait_until 5 _listening "$NS_R1" 7001 && wait_until 5 _listening "$NS_R2" 7001 || die "echo servers did not start"
nsx "$NS_C" ping -n -c 1 -W 2 10.2.0.11 >/dev/null 2>&1
nsx "$NS_C" ping -n -c 1 -W 2 10.2.0.12 >/dev/null 2>&1

by=$(conns_by 10.8.0.1 5)
check "TCP to 10.8.0.1 goes to r2 ($by)" [ "$by" = "[('r2', 5)]" ]

say "== ip route replace 10.8.0.0/24 via r1"
krt replace 10.8.0.0/24 via 10.2.0.11 dev "$IF_G1" onlink table $T proto bird
check "show route follows (kernel/bird via r1)" wait_until 5 _route_is 10.8.0.0/24 "kernel/bird 10.2.0.11"
by=$(conns_by 10.8.0.1 5)
check "TCP to 10.8.0.1 now goes to r1 ($by)" [ "$by" = "[('r1', 5)]" ]

say "== multipath 10.9.0.0/24 over r1 and r2 (proto bgp)"
krt add 10.9.0.0/24 table $T proto bgp nexthop via 10.2.0.11 dev "$IF_G1" onlink \
  nexthop via 10.2.0.12 dev "$IF_G1" onlink weight 3
check "an ECMP group of both routers (kernel/bgp)" \
  wait_until 5 _route_is 10.9.0.0/24 "kernel/bgp 10.2.0.11,10.2.0.12"
vctl show route 2>&1 | sed 's/^/    /'
by=$(conns_by 10.9.0.1 20)
check "20 TCP connections to 10.9.0.1 use both routers ($by)" \
  "$PY" -c "import sys; d=dict($by); sys.exit(not (d.get('r1',0) > 0 and d.get('r2',0) > 0 and sum(d.values()) == 20))"

say "== ip route del 10.8.0.0/24"
nr0=$(stat_drop no_route)
krt del 10.8.0.0/24 table $T
check "10.8.0.0/24 is gone" wait_until 5 _route_is 10.8.0.0/24 -
nsx "$NS_C" ping -n -c 3 -i 0.2 -W 1 10.8.0.1 >/dev/null 2>&1
nr1=$(stat_drop no_route)
check "pings to 10.8.0.1 are no_route drops ($nr0 -> $nr1)" [ $((nr1 - nr0)) -ge 3 ]

say "== a gateway off every connected subnet; a connected prefix"
krt add 10.6.0.0/24 via 10.3.0.1 dev "$IF_G1" onlink table $T proto bird
_unreach() { [ "$(kr "['refused']['nh_unreachable']")" -eq 1 ]; }
check "10.6.0.0/24 via 10.3.0.1 refused: nh_unreachable = 1" wait_until 5 _unreach
check "10.6.0.0/24 is not in the FIB" _route_is 10.6.0.0/24 -
info "last_error: $(kr "['last_error']")"
krt del 10.6.0.0/24 table $T  # from here on vgwd must hold the whole kernel table
krt add 10.2.0.0/24 via 10.2.0.11 dev "$IF_G1" onlink table $T
_shadow1() { [ "$(kr "['shadowed']")" -eq 1 ]; }
check "a kernel route of the connected 10.2.0.0/24 is shadowed" wait_until 5 _shadow1
check "the connected route stays" _route_is 10.2.0.0/24 "connected "

say "== a static route shadows a kernel route, route del brings it back"
krt add 10.8.0.0/24 via 10.2.0.11 dev "$IF_G1" onlink table $T proto bird
wait_until 5 _route_is 10.8.0.0/24 "kernel/bird 10.2.0.11"
check "vgwctl route add 10.8.0.0/24 via r2 over the kernel route" vctl route add 10.8.0.0/24 via 10.2.0.12
check "the static route wins" _route_is 10.8.0.0/24 "static 10.2.0.12"
check "shadowed = 2" [ "$(kr "['shadowed']")" -eq 2 ]
by=$(conns_by 10.8.0.1 5)
check "TCP to 10.8.0.1 follows the static route to r2 ($by)" [ "$by" = "[('r2', 5)]" ]
check "vgwctl route del 10.8.0.0/24" vctl route del 10.8.0.0/24
check "the kernel route is back (kernel/bird via r1)" _route_is 10.8.0.0/24 "kernel/bird 10.2.0.11"
by=$(conns_by 10.8.0.1 5)
check "TCP to 10.8.0.1 goes to r1 again ($by)" [ "$by" = "[('r1', 5)]" ]

say "== kernel-routes resync with nothing lost"
inst0=$(kr "['installed']")
check "kernel-routes resync accepted" vctl kernel-routes resync
_dumps2() { [ "$(kr "['dumps']")" -ge 2 ] && _synced; }
check "resynced (dumps = $(kr "['dumps']"))" wait_until 10 _dumps2
check "installed unchanged ($inst0 -> $(kr "['installed']")), nothing swept" \
  [ "$(kr "['installed']")" -eq "$inst0" -a "$(kr "['swept']")" -eq 0 ]

say "== overrun: 200,000 routes while vgwd is stopped"
N=200000
"$PY" - "$N" "$IF_G1" $T >"$TOPO_TMP/burst.batch" <<'PYEOF'
import sys
n, dev, t = int(sys.argv[1]), sys.argv[2], sys.argv[3]
for i in range(n):
    a = (32 << 24) + (i << 8)
    print("route add %d.%d.%d.0/24 via 10.2.0.%d dev %s onlink table %s proto bgp"
          % (a >> 24, (a >> 16) & 255, (a >> 8) & 255, 11 + i % 2, dev, t))
print("route del 10.9.0.0/24 table %s" % t)
PYEOF
ov0=$(kr "['overruns']"); rs0=$(kr "['resyncs']")
kill -STOP "$VGWD_PID"
t0=$(date +%s.%N)
ip -n "$NS_G" -batch "$TOPO_TMP/burst.batch" || fail "ip -batch"
t1=$(date +%s.%N)
kill -CONT "$VGWD_PID"
info "kernel took $(awk "BEGIN{print $t1 - $t0}") s for $N routes; vgwd continued"
ktotal() { ip -n "$NS_G" -o route show table $T | wc -l; }
KT=$(ktotal)
maxlat=0
_caught_up() {
  local a b
  a=$(date +%s%N); vctl show version >/dev/null || return 1; b=$(date +%s%N)
  [ $(((b - a) / 1000000)) -gt "$maxlat" ] && maxlat=$(((b - a) / 1000000))
  _synced && [ "$(kr "['routes']")" -eq "$KT" ]
}
check "vgwd holds exactly the kernel's $KT routes" wait_until 120 _caught_up
t2=$(date +%s.%N)
info "synced $(awk "BEGIN{print $t2 - $t1}") s after SIGCONT; slowest vgwctl answer meanwhile ${maxlat} ms"
vctl show kernel-routes 2>&1 | sed -n '1,21p' | sed 's/^/    /'
ov1=$(kr "['overruns']"); rs1=$(kr "['resyncs']")
check "overrun seen and resynced (overruns $ov0 -> $ov1, resyncs $rs0 -> $rs1)" \
  [ "$ov1" -gt "$ov0" -a "$rs1" -gt "$rs0" ]
check "the lost delete of 10.9.0.0/24 was swept" _route_is 10.9.0.0/24 -
check "installed = kernel routes - shadowed" \
  [ "$(kr "['installed']")" -eq $((KT - $(kr "['shadowed']"))) ]
ksum=$(vctl -j show route summary | json_get "d['kernel']")
check "show route summary: kernel = installed ($ksum)" [ "$ksum" -eq "$(kr "['installed']")" ]
check "the control socket answered within 1 s throughout (${maxlat} ms)" [ "$maxlat" -lt 1000 ]

say "== flush table $T"
# ip gives up after a 30 s round (loaded machine) and says so: flush again
krt flush table $T >/dev/null 2>&1 || krt flush table $T >/dev/null 2>&1
info "kernel table now holds $(ktotal) routes"
_empty() { [ "$(kr "['routes']")" -eq 0 ] && [ "$(vctl -j show route summary | json_get "d['kernel']")" -eq 0 ]; }
check "every kernel route is gone (kernel: $(ktotal))" wait_until 60 _empty
check "vgwd still running" vgwd_alive
vgwd_stop

say "== overflow: fib max-routes 64, 101 kernel routes"
sed -i 's/^fib max-routes .*/fib max-routes 64/' "$VGW_CONF"
vgwd_start || die "vgwd did not restart"
krt add 10.8.0.0/24 via 10.2.0.12 dev "$IF_G1" onlink table $T proto bird
wait_until 5 _route_is 10.8.0.0/24 "kernel/bird 10.2.0.12"
nlog0=$(grep -c 'kernel routes:' "$VGWD_LOG")
"$PY" - "$IF_G1" $T >"$TOPO_TMP/small.batch" <<'PYEOF'
import sys
for i in range(100):
    print("route add 33.0.%d.0/24 via 10.2.0.11 dev %s onlink table %s proto bgp" % (i, sys.argv[1], sys.argv[2]))
PYEOF
ip -n "$NS_G" -batch "$TOPO_TMP/small.batch" || fail "ip -batch (100 routes)"
_full41() { [ "$(kr "['refused']['fib_full']")" -eq 41 ]; }
check "60 routes fit, 41 refused as fib_full" wait_until 10 _full41
check "installed = 60" [ "$(kr "['installed']")" -eq 60 ]
check "the FIB holds 64 routes" [ "$(vctl -j show route summary | json_get "d['routes']")" -eq 64 ]
nlog=$(( $(grep -c 'kernel routes:' "$VGWD_LOG") - nlog0 ))
check "41 refusals logged in at most 22 lines ($nlog)" [ "$nlog" -le 22 ]
by=$(conns_by 10.8.0.1 5)
check "traffic still flows (10.8.0.1 -> $by)" [ "$by" = "[('r2', 5)]" ]
for i in $(seq 0 9); do krt del 33.0.$i.0/24 table $T; done
_inst50() { [ "$(kr "['installed']")" -eq 50 ]; }
check "10 deletes: installed = 50" wait_until 5 _inst50
sleep 0.3  # deleted slots come back after a grace period
vctl kernel-routes resync
_inst60() { _synced && [ "$(kr "['installed']")" -eq 60 ]; }
check "a resync fills the room made by 10 deletes (installed $(kr "['installed']"))" wait_until 10 _inst60
check "vgwd still running" vgwd_alive
finish
