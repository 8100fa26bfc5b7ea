#!/usr/bin/env bash
# e2e host-port: the exception path. p0 and p1 get host ports (Linux taps in
# the gateway namespace with the ports' MACs and addresses); proves:
#   - a host-port that cannot be created stops vgwd with a message naming it;
#   - the taps mirror the ports (MAC, MTU, addresses, NOARP, up, no IPv6) and
#     `show port` names them with their ifindex;
#   - ICMP echo to 10.1.0.1 is still the data path's (Linux sees none of it);
#   - real TCP from c to a listener in Linux on 10.1.0.1, data both ways;
#   - Linux reaches r1 (10.2.0.11) over the underlay: ARP stays in vgw (the
#     taps never send ARP; vgw resolves r1), Linux's frames are routed out,
#     by vgw's FIB even where Linux picked another interface;
#   - a UDP flood to 10.1.0.1 is cut to the punt rate (host_punt_limited),
#     while vgwctl answers, ping is answered and TCP works afterwards;
#   - vgwd stops cleanly and the taps disappear.
# usage: host-port.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
topo_init "${1:-}"
topo_create

HP0="h0-$SUF"   # host port of p0 (public), 10.1.0.1/24
HP1="h1-$SUF"   # host port of p1 (underlay), 10.2.0.1/24
RATE=2000       # punts per second per worker (one worker), low enough that
BURST=64        # a Python sender surely exceeds it

# af_packet ports share their veths with the kernel of NS_G, which now holds
# 10.1.0.1 and 10.2.0.1 on the taps: keep it from answering ARP on the veths
# (arp_ignore 8) and from accepting IP there (rp_filter 1 fails every source:
# no route leads back through a veth). With a NIC bound to DPDK this is moot.
for ifc in "$IF_G0" "$IF_G1"; do
  nsx "$NS_G" sysctl -qw "net.ipv4.conf.$ifc.arp_ignore=8" "net.ipv4.conf.$ifc.rp_filter=1" \
    >/dev/null || die "sysctl on $ifc"
done

sp() { vctl -j show stats | json_get "d['slowpath']['$1']"; }
ns_ifindex() { nsx "$NS_G" cat "/sys/class/net/$1/ifindex" 2>/dev/null; }
port_field() { vctl -j show port | json_get "next(p['$2'] for p in d['ports'] if p['name']=='$1')"; }

say "== a host-port that cannot be created stops vgwd (name taken by the veth $IF_G1)"
vgwd_config 1 "$TOPO_TMP/bad.conf"
sed -i "/^port p1 /s/ address / host-port $IF_G1 address /" "$TOPO_TMP/bad.conf"
out=$(nsx "$NS_G" timeout 30 "$VGWD" -c "$TOPO_TMP/bad.conf" 2>&1); rc=$?
printf '%s\n' "$out" | grep vgwd: | sed 's/^/    /'
ok=false; [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && ok=true
check "vgwd exited non-zero at start-up (status $rc)" $ok
check "the error names port p1 and its host-port" \
  grep -q "vgwd: port p1: host-port $IF_G1: " <<<"$out"

vgwd_config 1
sed -i -e "/^port p0 /s/ address / host-port $HP0 address /" \
       -e "/^port p1 /s/ address / host-port $HP1 address /" "$VGW_CONF"
printf 'host-port punt-rate %s\nhost-port punt-burst %s\n' "$RATE" "$BURST" >>"$VGW_CONF"
vgwd_start || die "vgwd did not become ready"

say "== the taps mirror the ports"
for pair in "p0 $HP0 10.1.0.1/24" "p1 $HP1 10.2.0.1/24"; do
  set -- $pair
  mac=$(port_field "$1" mac | tr A-F a-f)
  link=$(ip -n "$NS_G" -o link show dev "$2" 2>&1)
  info "$link"
  lmac=$(sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p' <<<"$link")
  ok=false; [ -n "$mac" ] && [ "$lmac" = "$mac" ] && ok=true
  check "$2 has $1's MAC ($lmac vs $mac)" $ok
  check "$2 is NOARP, UP, mtu 1500" \
    grep -Eq "<[^>]*NOARP[^>]*,UP[,>].* mtu 1500 " <<<"$link"
  check "$2 holds $3" grep -q "inet $3 " <<<"$(ip -n "$NS_G" -4 -o addr show dev "$2")"
  v6=$(nsx "$NS_G" cat "/proc/sys/net/ipv6/conf/$2/disable_ipv6" 2>/dev/null || echo 1)
  ok=false; [ "$v6" = 1 ] && [ -z "$(ip -n "$NS_G" -6 -o addr show dev "$2" 2>/dev/null)" ] && ok=true
  check "$2 has IPv6 off and no inet6 address" $ok
  idx=$(ns_ifindex "$2")
  ok=false
  [ "$(port_field "$1" host_port)" = "$2" ] && [ "$(port_field "$1" host_ifindex)" = "$idx" ] && ok=true
  check "show port: $1 host_port $2, host_ifindex ${idx:-?}" $ok
done
vctl show port 2>&1 | sed 's/^/    /'

say "== ICMP echo to 10.1.0.1 stays in the data path"
tx0=$(sp host_tx)
out=$(nsx "$NS_C" ping -n -c 5 -i 0.2 -W 2 10.1.0.1 2>&1)
n=$(sed -n 's/.* \([0-9]\+\) received.*/\1/p' <<<"$out")
ok=false; [ "${n:-0}" -eq 5 ] && ! grep -q DUP <<<"$out" && ok=true
check "5/5 echo replies (got ${n:-0}), no duplicates" $ok
tx1=$(sp host_tx)
check "no echo request reached Linux (host_tx $tx0 -> $tx1)" [ "$tx0" = "$tx1" ]
check "nothing dropped as local_unsupported" [ "$(stat_drop local_unsupported)" = 0 ]

say "== TCP from c to Linux on 10.1.0.1 through the host port"
check "2 MiB from a server in Linux (10.1.0.1:7001) to c, same sha256" \
  tcp_transfer_ns 2 "$NS_G" "$NS_C" 10.1.0.1 7001 10.1.0.1
bg_ns "$NS_G" "$TOPO_TMP/echo.log" "$PY" "$NETUTIL" tcp-echo 10.1.0.1 7002 --name linux --timeout 120
ECHO_PID=$BG_PID
wait_until 5 _listening "$NS_G" 7002 || fail "tcp-echo did not start"
out=$(nsx "$NS_C" timeout 60 "$PY" "$NETUTIL" tcp-conns 10.1.0.1 7002 --count 20 --timeout 5 2>&1)
info "$out"
check "20 connections each got their own line back from Linux" \
  [ "$(json_get "d['ok']" <<<"$out" 2>/dev/null)" = 20 ]
tx2=$(sp host_tx); rx2=$(sp host_rx)
ok=false; [ "${tx2:-0}" -ge 100 ] && [ "${rx2:-0}" -ge 1400 ] && ok=true
check "the slow path carried it both ways (host_tx $tx2 >= 100, host_rx $rx2 >= 1400)" $ok

say "== Linux in the gateway namespace reaches r1 (10.2.0.11) over the underlay"
arp0=$(sp arp_request_tx)
check "1 MiB from a server in r1 to a client in Linux, same sha256" \
  tcp_transfer_ns 1 "$NS_R1" "$NS_G" 10.2.0.11 7003
lneigh=$(ip -n "$NS_G" neigh show nud all 10.2.0.11 dev "$HP1")
info "Linux: $lneigh"
h1mac=$(port_field p1 mac | tr A-F a-f)
ok=false; grep -q NOARP <<<"$lneigh" && grep -q "lladdr $h1mac " <<<"$lneigh" && ok=true
check "Linux did not ARP: its entry for 10.2.0.11 is NOARP with the tap's own MAC ($h1mac)" $ok
check "vgw resolved 10.2.0.11 itself (arp_request_tx $arp0 -> $(sp arp_request_tx), state $(neigh_state 10.2.0.11))" \
  [ "$(neigh_state 10.2.0.11)" = reachable ]
check "no ARP, IPv6 or other non-IPv4 frame came from Linux (host_rx_not_ipv4 $(sp host_rx_not_ipv4))" \
  [ "$(sp host_rx_not_ipv4)" = 0 ]

say "== Linux's frames follow vgw's FIB, not Linux's choice of interface"
# 10.9.0.1 (r1's loopback) is behind r1 for vgw; Linux is told it is on the
# *public* tap: NOARP makes a device route enough, and vgw sends it out p1
check "route add 10.9.0.0/24 via 10.2.0.11" vctl route add 10.9.0.0/24 via 10.2.0.11
ip -n "$NS_G" route add 10.9.0.0/24 dev "$HP0" || fail "Linux route"
p1tx0=$(vctl -j show stats | json_get "next(p['tx'] for p in d['ports'] if p['name']=='p1')")
n=$(ping_count "$NS_G" 10.9.0.1 3)
p1tx1=$(vctl -j show stats | json_get "next(p['tx'] for p in d['ports'] if p['name']=='p1')")
ok=false; [ "${n:-0}" -ge 2 ] && [ $((p1tx1 - p1tx0)) -ge "${n:-0}" ] && ok=true
check "Linux pings 10.9.0.1 through $HP0, vgw sends it out p1 (${n:-0}/3 replies, p1 tx +$((p1tx1 - p1tx0)))" $ok

say "== UDP flood to 10.1.0.1: the punt rate holds ($RATE/s, burst $BURST)"
bg_ns "$NS_G" "$TOPO_TMP/sink.log" "$PY" "$NETUTIL" udp-sink 10.1.0.1 7004 "$TOPO_TMP/sink.json" --duration 60
SINK_PID=$BG_PID
wait_until 5 _file_nonempty "$TOPO_TMP/sink.json" || fail "udp-sink did not start"
lim0=$(stat_drop host_punt_limited); tx0=$(sp host_tx); full0=$(stat_drop punt_ring_full)
t0=$(date +%s%N)
bg_ns "$NS_C" "$TOPO_TMP/flood.log" "$PY" "$NETUTIL" udp-stream 10.1.0.1 7004 \
  --rate 100000 --count 50000 --duration 10
FLOOD_PID=$BG_PID
sleep 0.5
c0=$(date +%s%N)
vctl show stats >/dev/null; crc=$?
c1=$(date +%s%N)
ok=false; [ "$crc" -eq 0 ] && [ $(( (c1 - c0) / 1000000 )) -lt 2000 ] && ok=true
check "vgwctl answers during the flood (exit $crc, $(( (c1 - c0) / 1000000 )) ms)" $ok
n=$(ping_count "$NS_C" 10.1.0.1 5)
# the flood also overruns the veths and af_packet rings before vgwd sees it:
# some echoes may be lost on the way, but the data path must answer
check "ping 10.1.0.1 answered during the flood (${n:-0}/5)" [ "${n:-0}" -ge 2 ]
wait "$FLOOD_PID" 2>/dev/null
t1=$(date +%s%N)
info "sender: $(cat "$TOPO_TMP/flood.log")"
sleep 1
lim1=$(stat_drop host_punt_limited); tx1=$(sp host_tx); full1=$(stat_drop punt_ring_full)
got=$(sink_field "$TOPO_TMP/sink.json" "d['packets']")
ms=$(( (t1 - t0) / 1000000 ))
# what may pass in ms: RATE per second plus the burst, plus the ping's echo
# replies are no punts; allow 10% for the clock reading around the run
max=$(( (RATE * ms / 1000) * 11 / 10 + BURST + 100 ))
info "flood lasted $ms ms: host_punt_limited +$((lim1 - lim0)), host_tx +$((tx1 - tx0)), punt_ring_full +$((full1 - full0)), Linux got $got (bound $max)"
check "host_punt_limited grew by thousands (+$((lim1 - lim0)) >= 5000)" [ $((lim1 - lim0)) -ge 5000 ]
check "what reached Linux stayed within the rate (+$((tx1 - tx0)) <= $max)" [ $((tx1 - tx0)) -le "$max" ]
ok=false; [ "${got:-0}" -ge 1 ] && [ "${got:-0}" -le "$max" ] && ok=true
check "the UDP listener got some, at most that ($got)" $ok
check "the punt ring never overflowed (+$((full1 - full0)))" [ $((full1 - full0)) -eq 0 ]
out=$(nsx "$NS_C" timeout 60 "$PY" "$NETUTIL" tcp-conns 10.1.0.1 7002 --count 5 --timeout 5 2>&1)
check "TCP to Linux works after the flood" [ "$(json_get "d['ok']" <<<"$out" 2>/dev/null)" = 5 ]
stop_pid "$SINK_PID" 5
stop_pid "$ECHO_PID" 5

say "   non-zero drops and slow-path counters:"
vctl -j show stats | json_get "' '.join('%s=%s' % kv for kv in sorted(list(d['drops'].items()) + list(d['slowpath'].items())) if kv[1])" | fold -s -w 100 | sed 's/^/    /'
say "== vgwd stops cleanly; the taps go with it"
check "vgwd exits on SIGTERM" vgwd_stop
_taps_gone() { ! ip -n "$NS_G" link show dev "$HP0" >/dev/null 2>&1 &&
                ! ip -n "$NS_G" link show dev "$HP1" >/dev/null 2>&1; }
check "$HP0 and $HP1 are gone" wait_until 5 _taps_gone
finish
