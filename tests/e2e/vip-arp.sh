#!/usr/bin/env bash
# e2e vip-arp (issue 14, finding 13): a VIP on the public subnet is reached by
# a neighbour that ARPs for it instead of routing it to the gateway.
#
#   c 10.1.0.2/24, no route at all beyond its connected subnet (its default
#   route is removed): to reach VIP 10.1.0.80 it ARPs for it.  The service
#   web (tcp 80) and dns (udp 53) share that VIP; the backend is a real
#   HTTP server in VM be1 (VPC blue, VNI 1001, 192.168.1.11) behind the kernel
#   VXLAN hypervisor hv1 (10.2.0.21), as in lb.sh.
#
# Checks: `service add` announces the new VIP address once (arp_gratuitous_tx
# +1, the second service on the same address adds nothing) and c receives the
# announcement; c's ARP for the VIP is answered with p0's MAC by proxy
# (arp_proxy_reply_tx); 20 GETs through the VIP all answered by be1, which
# saw c's own address; c pings the VIP.
# usage: vip-arp.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
source "$(dirname "$0")/vpc_topo.sh"
topo_init "${1:-}"
topo_create
VIP=10.1.0.80

say "== a hypervisor, the backend VM and its HTTP server"
vpc_hv hv1 10.2.0.21
vpc_vm be1 hv1 1001 192.168.1.11/24 192.168.1.1
http_server be1 80 be1 || die "http server be1"
# c reaches nothing beyond 10.1.0.0/24: the VIP only through ARP
ip -n "$NS_C" route del default || die "route del default in c"
check "c has no route to the gateway beyond its subnet" \
  sh -c "[ -z \"\$(ip -n '$NS_C' route show default)\" ]"

say "== vgwd, the VPC and two services on one VIP"
vgwd_config 1
vgwd_start || die "vgwd did not become ready"
P0MAC=$(vctl -j show port | json_get "next(p['mac'] for p in d['ports'] if p['name']=='p0').lower()")
for cmd in "vtep add 10.2.0.1" "vpc add blue vni 1001" \
           "endpoint add blue ${VM_IP[be1]} mac ${VM_MAC[be1]} vtep ${HV_IP[hv1]}"; do
  # shellcheck disable=SC2086
  check "vgwctl $cmd" vctl $cmd
done
cap_start garp "$NS_C" "$IF_C" arp || die "tcpdump on c"
g0=$(sp_counter arp_gratuitous_tx)
check "service add web vip $VIP port 80 proto tcp check none" \
  vctl service add web vip "$VIP" port 80 proto tcp check none
check "backend add web vpc blue ip ${VM_IP[be1]} port 80" \
  vctl backend add web vpc blue ip "${VM_IP[be1]}" port 80
g1=$(sp_counter arp_gratuitous_tx)
check "service add dns vip $VIP port 53 proto udp (same VIP address)" \
  vctl service add dns vip "$VIP" port 53 proto udp
g2=$(sp_counter arp_gratuitous_tx)
check "the new VIP address was announced once (arp_gratuitous_tx $g0 -> $g1 -> $g2)" \
  [ $((g1 - g0)) -eq 1 ] && [ "$g2" -eq "$g1" ]
_garp_seen() {
  [ "$(tcpdump -r "$TOPO_TMP/cap-garp.pcap" -n 2>/dev/null |
       grep -c "ARP, Request who-has $VIP tell $VIP,")" -eq 1 ]
}
wait_until 3 _garp_seen
cap_stop garp
check "c received one gratuitous ARP for $VIP" _garp_seen || cap_show garp

say "== c ARPs for the VIP and talks TCP to it"
p0=$(sp_counter arp_proxy_reply_tx)
out=$(http_many "$NS_C" "$VIP" 80 20 --path /vip --parallel 4 --timeout 5 --total 30)
info "client: $out"
n=$(json_get "d['ok']" <<<"$out" 2>/dev/null)
check "20/20 GETs through the VIP $VIP answered (${n:-0})" [ "${n:-0}" -eq 20 ]
b=$(json_get "d.get('by', {}).get('be1', 0)" <<<"$out" 2>/dev/null)
check "be1 answered them (${b:-0})" [ "${b:-0}" -eq 20 ]
check "be1 saw the client's own address 10.1.0.2" grep -q '^10\.1\.0\.2 ' "$TOPO_TMP/http-be1.log"
cmac=$(ip -n "$NS_C" neigh show "$VIP" dev "$IF_C" | sed -n 's/.*lladdr \([0-9a-f:]*\).*/\1/p')
check "c resolved $VIP to p0's MAC by ARP (c: ${cmac:-none}, p0: $P0MAC)" [ "$cmac" = "$P0MAC" ]
p1=$(sp_counter arp_proxy_reply_tx)
check "vgwd answered by proxy ARP (arp_proxy_reply_tx $p0 -> $p1)" [ "$p1" -gt "$p0" ]
n=$(ping_count "$NS_C" "$VIP" 3)
check "c pings the VIP: ${n:-0}/3" [ "${n:-0}" -eq 3 ]

check "vgwd still running" vgwd_alive
finish
