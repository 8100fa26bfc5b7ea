#!/usr/bin/env bash
# e2e snat: the NAT gateway with real peers. VMs without an EIP, behind Linux
# kernel VXLAN VTEPs on two hypervisors, reach a server on the Internet side
# (the client namespace, 10.1.0.2) through a SNAT pool; a VM with an EIP
# still leaves through its EIP.
#
#   VPC blue, VNI 4242, gateway 192.168.7.1
#     vm1 192.168.7.10 on hv1, vm2 192.168.7.20 on hv2   no EIP: pool nat
#     vm3 192.168.7.30 on hv1                             EIP 10.1.0.100
#   pool nat: 10.1.0.200-10.1.0.201 (on the public subnet: proxy ARP)
#
# Part 1, two workers on af_packet ports (no rte_flow: replies reach their
# mapping's worker by the software handoff, counted): 200 TCP connections
# (100 per VM) to a server that logs its peers: it sees only pool addresses,
# each VM always the same one (paired), and no public address:port twice;
# UDP request/answer; a UDP probe to a closed port comes back as "refused"
# (the server's ICMP port unreachable translated to the VM, RFC 5508); ping;
# an unsolicited connection to a pool address reaches no VM (snat_unsolicited,
# silently); `show flow` says why p0 takes no rules.
# Part 2, two workers, p0 a net_tap (its PMD programs TC flower) bridged to
# the client's veth, `snat-table steer address`: `show flow` lists one rule
# per pool address in the NIC, `tc filter` on the tap agrees, 100 connections
# work and no reply was handed between workers (handoff_in 0). A kernel
# without multiq/flower/skbedit (net_tap's rte_flow is TC) cannot hold the
# rules: then `show flow` must show them refused with the PMD's reason,
# flow_rules_refused count them, and the traffic still pass in software (the
# in-NIC checks are reported SKIP).
#
#   snat.sh BUILD_DIR     (root; exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
source "$(dirname "$0")/vpc_topo.sh"
topo_init "${1:-}"
topo_create

say "== hypervisors and VMs"
vpc_hv hv1 10.2.0.21
vpc_hv hv2 10.2.0.22
vpc_vm vm1 hv1 4242 192.168.7.10/24 192.168.7.1
vpc_vm vm2 hv2 4242 192.168.7.20/24 192.168.7.1
vpc_vm vm3 hv1 4242 192.168.7.30/24 192.168.7.1

# the startup commands of both parts
vpc_commands() {
  cat <<CONF
vtep add 10.2.0.1
vpc add blue vni 4242
endpoint add blue 192.168.7.10 mac ${VM_MAC[vm1]} vtep 10.2.0.21
endpoint add blue 192.168.7.20 mac ${VM_MAC[vm2]} vtep 10.2.0.22
endpoint add blue 192.168.7.30 mac ${VM_MAC[vm3]} vtep 10.2.0.21
eip add 10.1.0.100 vpc blue ip 192.168.7.30
snat pool add nat addresses 10.1.0.200-10.1.0.201
snat bind blue pool nat
CONF
}

snat_get() { vctl -j show snat | json_get "$1"; }

# server: HTTP (peers logged), UDP echo
SRV_LOG="$TOPO_TMP/server.log"
bg_ns "$NS_C" "$SRV_LOG" "$PY" "$NETUTIL" http-serve 10.1.0.2 8080 --text inet --timeout 300
SRV_PID=$BG_PID
wait_until 5 _listening "$NS_C" 8080 || die "HTTP server did not start"
bg_ns "$NS_C" "$TOPO_TMP/udp-echo.log" "$PY" "$NETUTIL" udp-echo 10.1.0.2 5353 --duration 300

# conns VM N -> http-many from the VM to the server, checked
conns() {
  local out
  out=$(http_many "${VM_NS[$1]}" 10.1.0.2 8080 "$2" --parallel 8)
  local rc=$?
  info "$1: $out"
  [ $rc -eq 0 ]
}

# peers FIRST_LINE -> the server log's peers from that line on, "ip port" each
peers() { tail -n "+$1" "$SRV_LOG" | awk '$3 == "GET" {print $1, $2}'; }

if [ -z "${SNAT_E2E_PART2_ONLY:-}" ]; then
say "== part 1: two workers, af_packet, software handoff"
vgwd_config 2
vpc_commands >>"$VGW_CONF"
vgwd_start || die "vgwd did not start"
v=$(vctl -j show flow | json_get "next(p['steering'] for p in d['ports'] if p['port']=='p0')")
check "show flow: p0 (af_packet) takes no rules, and says why ($v)" \
  sh -c "[ -n '$v' ] && [ '$v' != 'rte_flow' ]"

line=$(($(wc -l <"$SRV_LOG") + 1))
check "vm1: 100 TCP connections to the server" conns vm1 100
l2=$(($(wc -l <"$SRV_LOG") + 1))
check "vm2: 100 TCP connections to the server" conns vm2 100
p1=$(peers "$line" | head -n $((l2 - line)))
p2=$(peers "$l2")
all=$(peers "$line")
n=$(printf '%s\n' "$all" | grep -c .)
check "the server saw 200 connections ($n)" [ "$n" -eq 200 ]
bad=$(printf '%s\n' "$all" | awk '$1 != "10.1.0.200" && $1 != "10.1.0.201"' | head -n 3)
check "every peer is a pool address (${bad:-none else})" [ -z "$bad" ]
dup=$(printf '%s\n' "$all" | sort | uniq -d | head -n 3)
check "no public address:port twice (${dup:-none})" [ -z "$dup" ]
a1=$(printf '%s\n' "$p1" | awk '{print $1}' | sort -u | tr '\n' ' ')
a2=$(printf '%s\n' "$p2" | awk '{print $1}' | sort -u | tr '\n' ' ')
check "each VM leaves from one address (paired: vm1 $a1, vm2 $a2)" \
  sh -c "[ \$(echo $a1 | wc -w) -eq 1 ] && [ \$(echo $a2 | wc -w) -eq 1 ]"

r=$(nsx "${VM_NS[vm1]}" "$PY" "$NETUTIL" udp-probe 10.1.0.2 5353)
check "vm1: UDP request answered ($r)" [ "$r" = reply ]
r=$(nsx "${VM_NS[vm2]}" "$PY" "$NETUTIL" udp-probe 10.1.0.2 5354)
check "vm2: UDP to a closed port: the ICMP port unreachable comes back translated ($r)" \
  [ "$r" = refused ]
n=$(ping_count "${VM_NS[vm1]}" 10.1.0.2 3)
check "vm1 pings the server: ${n:-0}/3" [ "${n:-0}" -eq 3 ]
peer=$(peer_seen "$NS_C" 9090 "${VM_NS[vm3]}" 10.1.0.2)
check "vm3 (with an EIP) leaves from its EIP, not the pool ($peer)" [ "$peer" = 10.1.0.100 ]

http_server vm1 22 vm1 || fail "server in vm1"
u0=$(stat_drop snat_unsolicited)
out=$(nsx "$NS_C" "$PY" "$NETUTIL" tcp-conns 10.1.0.200 22 --count 3 --timeout 1 2>&1)
u1=$(stat_drop snat_unsolicited)
check "unsolicited connections to the pool address are dropped silently (snat_unsolicited $u0 -> $u1)" \
  [ "$u1" -ge $((u0 + 3)) ]
hits=$(grep -c GET "$TOPO_TMP/http-vm1.log" 2>/dev/null)
check "and reach no VM (vm1's server got ${hits:-0} requests)" [ "${hits:-0}" -eq 0 ]
http_server_stop vm1
hin=$(snat_get "sum(w['handoff_in'] for w in d['workers'])")
hout=$(snat_get "sum(w['handoff_out'] for w in d['workers'])")
check "replies and VM packets were handed to their owners in software (in $hin, out $hout)" \
  [ "$hin" -gt 0 ]
for r in snat_sessions_full snat_ports_exhausted snat_icmp_untranslatable handoff_ring_full \
         vpc_no_eip; do
  v=$(stat_drop $r)
  check "drop $r = 0 ($v)" [ "$v" -eq 0 ]
done
vctl show snat | sed 's/^/    /' | head -n 40
vgwd_stop || fail "vgwd did not stop cleanly"
fi

say "== part 2: two workers, p0 on net_tap with rte_flow rules (snat-table steer address)"
TAP="tp-$SUF"
BRG="bg-$SUF"
vgwd_config 2
sed -i "s|^port p0 dev [^ ]*|port p0 dev net_tap0,iface=$TAP|" "$VGW_CONF"
echo "snat-table steer address" >>"$VGW_CONF"
vpc_commands >>"$VGW_CONF"
vgwd_start || die "vgwd (net_tap) did not start"
# the tap stays in the gateway namespace (its TC rules are there): a bridge
# joins it to the client's veth
ip -n "$NS_G" link add "$BRG" type bridge stp_state 0 forward_delay 0 || die "bridge"
ip -n "$NS_G" link set "$IF_G0" master "$BRG" || die "enslave $IF_G0"
ip -n "$NS_G" link set "$TAP" master "$BRG" || die "enslave $TAP"
ip -n "$NS_G" link set "$BRG" up && ip -n "$NS_G" link set "$TAP" up || die "bridge up"
# the tap's MAC is p0's: the bridge would take frames to it for itself
# (its own port's address); without that local entry it forwards them
TAPMAC=$(nsx "$NS_G" cat "/sys/class/net/$TAP/address")
bridge -n "$NS_G" fdb del "$TAPMAC" dev "$TAP" master 2>/dev/null
bridge -n "$NS_G" fdb del "$TAPMAC" dev "$TAP" vlan 1 master 2>/dev/null
bridge -n "$NS_G" fdb show br "$BRG" | sed 's/^/    fdb: /'
nsx "$NS_C" ip neigh flush dev "$IF_C"
vctl show flow | sed 's/^/    /'
# net_tap's rte_flow is TC: a multiq qdisc, flower filters, skbedit actions
tc_ok=true
if [ -r /proc/config.gz ]; then
  for k in NET_SCH_MULTIQ NET_CLS_FLOWER NET_ACT_SKBEDIT; do
    zcat /proc/config.gz | grep -q "^CONFIG_$k=[ym]" || { tc_ok=false; missing="$missing $k"; }
  done
fi
v=$(vctl -j show flow | json_get "[(p['steering'], p['rules'], p['in_nic']) for p in d['ports'] if p['port']=='p0'][0]")
if $tc_ok; then
  check "show flow: p0 (net_tap) steers by rte_flow, 2 rules, both in the NIC ($v)" \
    [ "$v" = "('rte_flow', 2, 2)" ]
  tcf=$(nsx "$NS_G" tc filter show dev "$TAP" 2>&1)
  printf '%s\n' "$tcf" | grep -E "dst_ip|queue|skbedit" | sed 's/^/    /' | head -n 12
  check "tc filter on the tap matches both pool addresses" \
    sh -c "printf '%s\n' \"\$1\" | grep -q 'dst_ip 10.1.0.200' && printf '%s\n' \"\$1\" | grep -q 'dst_ip 10.1.0.201'" _ "$tcf"
else
  # this kernel cannot hold the rules: vgwd must say so and carry on in software
  say "SKIP: rules in the NIC: this kernel lacks$missing (net_tap's rte_flow is TC)"
  why=$(vctl -j show flow | json_get "[r.get('why', '') for p in d['ports'] if p['port']=='p0' for r in p['rule']][0]")
  check "show flow: p0's 2 rules were tried and refused, with the PMD's reason ($v: $why)" \
    sh -c "[ \"$v\" = \"('the NIC refused every rule (software handoff)', 2, 0)\" ] && [ -n \"$why\" ]"
  check "flow_rules_refused counts them ($(sp_counter flow_rules_refused))" \
    [ "$(sp_counter flow_rules_refused)" -eq 2 ]
fi
check "vm1: 50 TCP connections through the tap" conns vm1 50
check "vm2: 50 TCP connections through the tap" conns vm2 50
r=$(nsx "${VM_NS[vm2]}" "$PY" "$NETUTIL" udp-probe 10.1.0.2 5353)
check "vm2: UDP request answered ($r)" [ "$r" = reply ]
hin=$(snat_get "sum(w['handoff_in'] for w in d['workers'])")
if $tc_ok; then
  check "every reply arrived on its owner's queue: no reply handed off ($hin)" [ "$hin" -eq 0 ]
else
  info "replies handed to their owner in software: $hin"
fi
vgwd_stop || fail "vgwd did not stop cleanly"
left=$(nsx "$NS_G" tc filter show dev "$TAP" 2>/dev/null | grep -c dst_ip)
check "the rules are gone from the tap after vgwd stopped (${left:-0} left)" [ "${left:-0}" -eq 0 ]
finish
