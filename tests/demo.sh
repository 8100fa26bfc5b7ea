#!/usr/bin/env bash
# vgw demo: builds the e2e topology (client, gateway, switch, two routers in
# network namespaces), runs vgwd on af_packet ports in the gateway namespace,
# pings, runs a short TCP transfer and a small ECMP spread, then puts a tenant
# VM behind a hypervisor (Linux VXLAN VTEP) on the underlay and reaches it
# from the client through an elastic IP, then load-balances a VIP over three
# VMs on two hypervisors; prints the VPC tables, the service, counters, routes
# and neighbors, then tears everything down.
#
# usage (as root): tests/demo.sh BUILD_DIR        e.g. tests/demo.sh build
# Needs no terminal; everything it creates carries a per-run suffix and is
# removed on exit (set VGW_E2E_KEEP=1 to keep the temp dir with the vgwd log).
source "$(dirname "$0")/e2e/topo.sh"
source "$(dirname "$0")/e2e/vpc_topo.sh"

section() { printf '\n===== %s\n' "$*"; }

topo_init "${1:-build}"
section "topology"
topo_create
cat <<EOT
  client   $NS_C  $IF_C 10.1.0.2/24, default via 10.1.0.1
  gateway  $NS_G  vgwd: p0 public ($IF_G0) 10.1.0.1/24, p1 underlay ($IF_G1) 10.2.0.1/24
  switch   $NS_S  bridge $BR
  router1  $NS_R1 $IF_R1 10.2.0.11/24, lo 10.9.0.1 10.8.0.1
  router2  $NS_R2 $IF_R2 10.2.0.12/24, lo 10.9.0.1 10.8.0.1
EOT

section "vgwd startup file"
vgwd_config 1
sed 's/^/  /' "$VGW_CONF"
vgwd_start || die "vgwd did not start (log: $VGWD_LOG)"

section "ping the gateway (10.1.0.1) from the client"
nsx "$NS_C" ping -n -c 3 -i 0.2 -W 2 10.1.0.1; check "gateway answers ping" [ $? -eq 0 ]

section "ping router1 (10.2.0.11) through the gateway"
nsx "$NS_C" ping -n -c 3 -i 0.2 -W 2 10.2.0.11; check "router1 reachable through vgwd" [ $? -eq 0 ]
nsx "$NS_C" ping -n -c 1 -W 2 10.2.0.12 >/dev/null

section "ping router1 with TTL 1 (the gateway answers time exceeded)"
nsx "$NS_C" ping -n -c 1 -t 1 -W 2 10.2.0.11

section "static routes"
run_ctl() { echo "  \$ vgwctl $*"; vctl "$@"; check "vgwctl $*" [ $? -eq 0 ]; }
run_ctl route add 10.8.0.0/24 via 10.2.0.11
run_ctl route add 10.9.0.0/24 via 10.2.0.11 via 10.2.0.12

section "TCP: 5 MiB from router1 (10.8.0.1:5001) to the client"
check "TCP transfer complete, same sha256" tcp_transfer 5 10.8.0.1 5001 "$NS_R1"

section "ECMP: 50 UDP flows from the client to the anycast address 10.9.0.1"
bg_ns "$NS_R1" "$TOPO_TMP/sink1.log" "$PY" "$NETUTIL" udp-sink 10.9.0.1 7000 "$TOPO_TMP/sink1.json" --duration 30
bg_ns "$NS_R2" "$TOPO_TMP/sink2.log" "$PY" "$NETUTIL" udp-sink 10.9.0.1 7000 "$TOPO_TMP/sink2.json" --duration 30
wait_until 5 _file_nonempty "$TOPO_TMP/sink1.json"; wait_until 5 _file_nonempty "$TOPO_TMP/sink2.json"
nsx "$NS_C" timeout 20 "$PY" "$NETUTIL" udp-flows 10.9.0.1 7000 --flows 50 --packets 2 | sed 's/^/  sender: /'
sleep 1
f1=$(sink_field "$TOPO_TMP/sink1.json" "d['flows']"); f2=$(sink_field "$TOPO_TMP/sink2.json" "d['flows']")
echo "  router1 received $f1 flows, router2 received $f2 flows"
ok=false; [ "${f1:-0}" -gt 0 ] && [ "${f2:-0}" -gt 0 ] && ok=true
check "both routers got flows" $ok

section "tenant VPC: a VM behind a VXLAN hypervisor, reached through an elastic IP"
vpc_hv hv1 10.2.0.21
vpc_vm vm1 hv1 1001 192.168.1.10/24 192.168.1.1
cat <<EOT
  hypervisor ${HV_NS[hv1]}  ${HV_IF[hv1]} 10.2.0.21/24 on the underlay switch;
           kernel VXLAN vx1001 (VNI 1001, local 10.2.0.21, UDP 4789) in bridge bv1001,
           fdb: VPC gateway MAC $(vpc_gw_mac 1001) -> VTEP 10.2.0.1 (the gateway)
  VM       ${VM_NS[vm1]}  eth0 192.168.1.10/24 ${VM_MAC[vm1]}, default via 192.168.1.1
  EIP      10.1.0.100 (in the public subnet: the gateway answers ARP for it)
EOT
run_ctl vtep add 10.2.0.1
run_ctl vpc add blue vni 1001
run_ctl endpoint add blue 192.168.1.10 mac "${VM_MAC[vm1]}" vtep 10.2.0.21
run_ctl eip add 10.1.0.100 vpc blue ip 192.168.1.10
for what in vpc vtep endpoint eip; do echo "  \$ vgwctl show $what"; vctl show $what | sed 's/^/  /'; done
http_server vm1 80 "hello from vm1 (192.168.1.10, VPC blue)"
echo "  client: GET http://10.1.0.100/"
body=$(http_get "$NS_C" http://10.1.0.100/ 2>&1); echo "  $body"
check "HTTP through the EIP reaches the VM" [ "$body" = "hello from vm1 (192.168.1.10, VPC blue)" ]
echo "  the VM saw: $(grep ' GET /' "$TOPO_TMP/http-vm1.log" | head -n1)"
nsx "$NS_C" ping -n -c 3 -i 0.2 -W 2 10.1.0.100; check "the EIP answers ping (from the VM)" [ $? -eq 0 ]
src=$(peer_seen "$NS_C" 6001 "${VM_NS[vm1]}" 10.1.0.2 2>/dev/null)
echo "  the VM connects to the client 10.1.0.2:6001; the client sees the source ${src:-nothing}"
check "outbound from the VM leaves with the EIP as source" [ "$src" = 10.1.0.100 ]

section "load balancing: a VIP in front of three VMs on two hypervisors"
vpc_hv hv2 10.2.0.22
vpc_vm vm2 hv1 1001 192.168.1.20/24 192.168.1.1
vpc_vm vm3 hv2 1001 192.168.1.30/24 192.168.1.1
ip -n "$NS_C" route add 198.51.100.0/24 via 10.1.0.1
cat <<EOT
  backends vm1 192.168.1.10 (hv1), vm2 192.168.1.20 (hv1), vm3 192.168.1.30 (hv2 10.2.0.22),
           each an HTTP server naming itself; their default route is the VPC gateway
  VIP      198.51.100.80:80/tcp (the client routes 198.51.100.0/24 via 10.1.0.1);
           TCP health checks every 500 ms
EOT
http_server vm2 80 "hello from vm2 (192.168.1.20, VPC blue)"
http_server vm3 80 "hello from vm3 (192.168.1.30, VPC blue)"
run_ctl endpoint add blue 192.168.1.20 mac "${VM_MAC[vm2]}" vtep 10.2.0.21
run_ctl endpoint add blue 192.168.1.30 mac "${VM_MAC[vm3]}" vtep 10.2.0.22
run_ctl service add web vip 198.51.100.80 port 80 proto tcp check-interval 500 check-rise 2 check-fall 2
for ip in 192.168.1.10 192.168.1.20 192.168.1.30; do run_ctl backend add web vpc blue ip $ip port 80; done
wait_until 5 svc_health_all web up
echo "  client: 30 GETs to http://198.51.100.80/, each on a new connection"
out=$(http_many "$NS_C" 198.51.100.80 80 30 --parallel 4 --timeout 3 --total 20)
json_get "'\n'.join('  %3d  %s' % (n, b) for b, n in d['by'].items()) + '\n  %d of %d answered' % (d['ok'], d['count'])" <<<"$out"
ok=false; json_get "d['ok'] == 30 and len(d['by']) == 3" <<<"$out" | grep -q True && ok=true
check "all 30 answered, spread over the three VMs" $ok
echo "  \$ vgwctl show service web"; vctl show service web | sed 's/^/  /'
echo "  \$ vgwctl show conntrack"; vctl show conntrack | sed 's/^/  /'

section "NAT gateway: a VM without an EIP reaches the Internet through a SNAT pool"
vpc_vm vm4 hv2 1001 192.168.1.40/24 192.168.1.1
cat <<EOT
  VM       vm4 192.168.1.40 on hv2, no EIP
  pool     nat1: 10.1.0.200-10.1.0.201 (the gateway answers ARP for them), bound to VPC blue
EOT
run_ctl endpoint add blue 192.168.1.40 mac "${VM_MAC[vm4]}" vtep 10.2.0.22
run_ctl snat pool add nat1 addresses 10.1.0.200-10.1.0.201
run_ctl snat bind blue pool nat1
src=$(peer_seen "$NS_C" 6002 "${VM_NS[vm4]}" 10.1.0.2 2>/dev/null)
echo "  vm4 connects to the client 10.1.0.2:6002; the client sees the source ${src:-nothing}"
check "outbound from a VM without EIP leaves from a pool address" \
  sh -c "[ '$src' = 10.1.0.200 ] || [ '$src' = 10.1.0.201 ]"
nsx "${VM_NS[vm4]}" ping -n -c 3 -i 0.2 -W 2 10.1.0.2; check "vm4 pings the client through the pool" [ $? -eq 0 ]
src=$(peer_seen "$NS_C" 6003 "${VM_NS[vm1]}" 10.1.0.2 2>/dev/null)
check "vm1 still leaves from its EIP (an EIP wins over the pool: ${src:-nothing})" [ "$src" = 10.1.0.100 ]
echo "  \$ vgwctl show snat"; vctl show snat | sed 's/^/  /'
echo "  \$ vgwctl show flow"; vctl show flow | sed 's/^/  /'

section "vgwctl show stats"
vctl show stats
section "vgwctl show route"
vctl show route
section "vgwctl show neigh"
vctl show neigh
section "vgwctl show running-config"
vctl show running-config

section "teardown"
vgwd_stop
finish
