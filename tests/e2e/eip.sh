#!/usr/bin/env bash
# e2e eip: tenant VMs behind Linux kernel VXLAN VTEPs on two hypervisors,
# reached from the client through elastic IPs (DNAT inbound, SNAT outbound).
#
#   VPC blue, VNI 1001, gateway 192.168.1.1 (MAC 02:76:67:00:03:e9)
#     vm1 192.168.1.10 on hv1 10.2.0.21   EIP 10.1.0.100   (in the public subnet: proxy ARP)
#     vm2 192.168.1.20 on hv2 10.2.0.22   EIP 10.1.0.101
#     vm3 192.168.1.30 on hv1             EIP 198.51.100.10 (outside it: client route via 10.1.0.1)
#     vm4 192.168.1.40 on hv2             no EIP
#
# Checks: kernel VXLAN hv1<->hv2 works on its own; vgwd accepts the VPC config
# and announces the EIPs (gratuitous ARP) and answers ARP for them (proxy ARP);
# the encapsulated frames on the underlay carry the specified headers; HTTP to
# each EIP reaches its VM, which sees the client's real address; ping through
# the EIPs (TTL 63: one routed hop); TTL 1 to an EIP -> time exceeded; VMs open
# TCP connections to the client and the client sees the EIP as the source;
# hairpin (VM -> another VM's EIP); 20 MiB each way through an EIP with the
# same sha256; DF packets too big for the tunnel -> frag needed mtu 1450,
# 1450-byte packets pass; ICMP port unreachable both ways is translated
# (RFC 5508) and matched by the sender's socket; a VM without EIP cannot get
# out (vpc_no_eip); `endpoint replace` moves an address to a VM on another
# hypervisor (traffic follows, the old VM neither receives nor may send as
# it: vxlan_src_wrong_vtep); the other VXLAN/NAT drop counters that would mean misparsed or
# misrouted tenant traffic stay 0.
# usage: eip.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
source "$(dirname "$0")/vpc_topo.sh"
topo_init "${1:-}"
T0=$(date +%s)
topo_create

say "== hypervisors and VMs"
vpc_hv hv1 10.2.0.21
vpc_hv hv2 10.2.0.22
vpc_vm vm1 hv1 1001 192.168.1.10/24 192.168.1.1
vpc_vm vm2 hv2 1001 192.168.1.20/24 192.168.1.1
vpc_vm vm3 hv1 1001 192.168.1.30/24 192.168.1.1
vpc_vm vm4 hv2 1001 192.168.1.40/24 192.168.1.1
ip -n "$NS_C" route add 198.51.100.0/24 via 10.1.0.1 || die "client route to 198.51.100.0/24"

say "== the kernel VXLAN set-up itself: vm1 (hv1) <-> vm2 (hv2) directly, no gateway"
vpc_vm_peer vm1 vm2 || die "peer vm1 vm2"
n=$(ping_count "${VM_NS[vm1]}" 192.168.1.20 3)
check "vm1 -> vm2 across hv1/hv2 by kernel VXLAN: ${n:-0}/3 replies" [ "${n:-0}" -eq 3 ]

say "== vgwd with the VPC configuration"
vgwd_config 1
vgwd_start || die "vgwd did not become ready"
GWMAC=$(vpc_gw_mac 1001)
for cmd in "vtep add 10.2.0.1" \
           "vpc add blue vni 1001" \
           "endpoint add blue 192.168.1.10 mac ${VM_MAC[vm1]} vtep 10.2.0.21" \
           "endpoint add blue 192.168.1.20 mac ${VM_MAC[vm2]} vtep 10.2.0.22" \
           "endpoint add blue 192.168.1.30 mac ${VM_MAC[vm3]} vtep 10.2.0.21" \
           "endpoint add blue 192.168.1.40 mac ${VM_MAC[vm4]} vtep 10.2.0.22" \
           "eip add 10.1.0.100 vpc blue ip 192.168.1.10" \
           "eip add 10.1.0.101 vpc blue ip 192.168.1.20" \
           "eip add 198.51.100.10 vpc blue ip 192.168.1.30"; do
  # shellcheck disable=SC2086
  check "vgwctl $cmd" vctl $cmd
done
for what in vpc vtep endpoint eip; do
  say "   vgwctl show $what:"; vctl show $what 2>&1 | sed 's/^/    /'
done
v=$(vctl -j show vpc | json_get "[(x['name'], x['vni'], x['gateway_mac'].lower(), x['endpoints'], x['eips']) for x in d['vpcs']]")
check "show vpc: blue 1001 $GWMAC 4 endpoints 3 EIPs ($v)" \
  [ "$v" = "[('blue', 1001, '$GWMAC', 4, 3)]" ]
v=$(vctl -j show eip | json_get "sorted((x['eip'], x['ip'], x['endpoint']) for x in d['eips'])")
check "show eip: three EIPs, each with its endpoint ($v)" \
  [ "$v" = "[('10.1.0.100', '192.168.1.10', True), ('10.1.0.101', '192.168.1.20', True), ('198.51.100.10', '192.168.1.30', True)]" ]
v=$(vctl -j show vtep | json_get "(d['address'], d['udp_port'], sorted((h['vtep'], h['endpoints']) for h in d['hypervisors']))")
check "show vtep: 10.2.0.1:4789, hv1 and hv2 with 2 endpoints each ($v)" \
  [ "$v" = "('10.2.0.1', 4789, [('10.2.0.21', 2), ('10.2.0.22', 2)])" ]
g=$(vctl -j show stats | json_get "d['slowpath']['arp_gratuitous_tx']")
check "one gratuitous ARP per EIP on the public port (arp_gratuitous_tx=$g, expect >= 3)" [ "${g:-0}" -ge 3 ]

say "== proxy ARP and ping through the EIPs"
cap_start gw2hv1 "${HV_NS[hv1]}" "${HV_IF[hv1]}" udp dst port 4789 and src host 10.2.0.1 ||
  fail "capture on hv1"
out=$(nsx "$NS_C" ping -n -c 5 -i 0.2 -W 2 10.1.0.100 2>&1)
cap_stop gw2hv1
printf '%s\n' "$out" | sed 's/^/    /'
n=$(printf '%s\n' "$out" | sed -n 's/.* \([0-9]\+\) received.*/\1/p')
check "ping 10.1.0.100 (vm1): ${n:-0}/5 replies" [ "${n:-0}" -eq 5 ]
check "replies come from 10.1.0.100 with ttl=63 (the VM's 64, one gateway hop)" \
  grep -q 'from 10.1.0.100: icmp_seq=.* ttl=63' <<<"$out"
p0mac=$(vctl -j show port | json_get "next(p['mac'] for p in d['ports'] if p['name']=='p0').lower()")
cmac=$(ip -n "$NS_C" neigh show 10.1.0.100 dev "$IF_C" | sed -n 's/.*lladdr \([0-9a-f:]*\).*/\1/p')
ok=false; [ -n "$cmac" ] && [ "$cmac" = "$p0mac" ] && ok=true
check "client resolved 10.1.0.100 to p0's MAC (proxy ARP: ${cmac:-none}, p0 ${p0mac:-none})" $ok
pa=$(vctl -j show stats | json_get "d['slowpath']['arp_proxy_reply_tx']")
check "arp_proxy_reply_tx counted ($pa)" [ "${pa:-0}" -ge 1 ]
n=$(ping_count "$NS_C" 10.1.0.101 5)
check "ping 10.1.0.101 (vm2 on hv2): ${n:-0}/5 replies" [ "${n:-0}" -eq 5 ]
n=$(ping_count "$NS_C" 198.51.100.10 5)
check "ping 198.51.100.10 (vm3, EIP outside the public subnet): ${n:-0}/5 replies" [ "${n:-0}" -eq 5 ]
say "   VXLAN frames the gateway sent to hv1 during that ping:"; cap_show gw2hv1 6
p1mac=$(vctl -j show port | json_get "next(p['mac'] for p in d['ports'] if p['name']=='p1').lower()")
hv1mac=$(ip -n "${HV_NS[hv1]}" -br link show dev "${HV_IF[hv1]}" | awk '{print $3}')
viol=$(cap_json gw2hv1 | "$PY" -c '
import json, sys
fr = json.load(sys.stdin)
p1mac, hvmac, gwmac, vmmac = sys.argv[1:5]
want = {"eth_src": p1mac, "eth_dst": hvmac, "eth_type": 0x0800,
        "src": "10.2.0.1", "dst": "10.2.0.21", "ttl": 64, "id": 0, "df": True,
        "mf": False, "frag_off": 0, "proto": 17, "ip_csum_ok": True,
        "udp_dport": 4789, "udp_csum": 0, "vxlan_flags": 0x08, "vni": 1001,
        "inner_eth_dst": vmmac, "inner_eth_src": gwmac, "inner_eth_type": 0x0800,
        "inner_src": "10.1.0.2", "inner_dst": "192.168.1.10", "inner_ttl": 63,
        "inner_proto": 1, "inner_ip_csum_ok": True}
bad = []
for i, f in enumerate(fr):
    for k, v in want.items():
        if f.get(k) != v:
            bad.append("frame %d: %s=%r (want %r)" % (i, k, f.get(k), v))
    if not 49152 <= f.get("udp_sport", 0) <= 65535:
        bad.append("frame %d: udp_sport %r outside 49152-65535" % (i, f.get("udp_sport")))
    if f.get("udp_len") != f.get("tot_len", 0) - 20:
        bad.append("frame %d: udp_len %r, IP total length %r" % (i, f.get("udp_len"), f.get("tot_len")))
    if f.get("inner_tot_len", 0) + 50 != f.get("tot_len"):
        bad.append("frame %d: outer length %r != inner %r + 50" % (i, f.get("tot_len"), f.get("inner_tot_len")))
ports = sorted({f.get("udp_sport") for f in fr})
if len(fr) < 5:
    bad.append("only %d frames captured (want the 5 echo requests)" % len(fr))
if len(ports) != 1:
    bad.append("one flow used %d source ports: %s" % (len(ports), ports))
print("; ".join(bad[:6]) + (" ..." if len(bad) > 6 else ""))
' "$p1mac" "$hv1mac" "$GWMAC" "${VM_MAC[vm1]}" 2>&1)
check "gateway -> hv1 frames: outer Ethernet p1 -> hv1, IPv4 10.2.0.1 -> 10.2.0.21 TTL 64 id 0 DF, UDP sport 49152-65535 (one per flow) -> 4789 checksum 0, VXLAN I flag VNI 1001, inner $GWMAC -> ${VM_MAC[vm1]}, 10.1.0.2 -> 192.168.1.10 TTL 63, checksums valid ${viol:+-- $viol}" \
  [ -z "$viol" ]
ttl0=$(stat_drop ttl_exceeded)
out=$(nsx "$NS_C" ping -n -c 1 -t 1 -W 3 10.1.0.100 2>&1)
check "TTL 1 to 10.1.0.100: Time to live exceeded from 10.1.0.1" \
  grep -Eq 'From 10\.1\.0\.1( |:).*Time to live exceeded' <<<"$out"
ttl1=$(stat_drop ttl_exceeded)
check "ttl_exceeded grew ($ttl0 -> $ttl1)" [ "${ttl1:-0}" -gt "${ttl0:-0}" ]
n=$(ping_count "${VM_NS[vm1]}" 10.1.0.2 3)
check "vm1 pings the client 10.1.0.2: ${n:-0}/3 replies" [ "${n:-0}" -eq 3 ]

say "== HTTP to the EIPs (each VM serves a page naming itself)"
http_server vm1 80 "vm1 192.168.1.10 blue" || fail "http server vm1"
http_server vm2 80 "vm2 192.168.1.20 blue" || fail "http server vm2"
http_server vm3 80 "vm3 192.168.1.30 blue" || fail "http server vm3"
for pair in "10.1.0.100 vm1" "10.1.0.101 vm2" "198.51.100.10 vm3"; do
  set -- $pair
  body=$(http_get "$NS_C" "http://$1/" 2>&1)
  check "GET http://$1/ -> \"$body\" (expect \"$2 ${VM_IP[$2]} blue\")" [ "$body" = "$2 ${VM_IP[$2]} blue" ]
  line=$(grep ' GET /$' "$TOPO_TMP/http-$2.log" | tail -n1)
  check "$2 saw the request from the client's own address 10.1.0.2 (log: ${line:-none})" \
    grep -q '^10\.1\.0\.2 ' <<<"$line"
done

say "== TCP from the VMs to the client: the client sees the EIP"
src=$(peer_seen "$NS_C" 6001 "${VM_NS[vm1]}" 10.1.0.2)
check "vm1 -> 10.1.0.2:6001, the server sees source ${src:-nothing} (expect 10.1.0.100)" [ "$src" = 10.1.0.100 ]
src=$(peer_seen "$NS_C" 6002 "${VM_NS[vm3]}" 10.1.0.2)
check "vm3 -> 10.1.0.2:6002, the server sees source ${src:-nothing} (expect 198.51.100.10)" [ "$src" = 198.51.100.10 ]

say "== hairpin: vm1 -> vm2's EIP 10.1.0.101 (through the gateway, source = vm1's EIP)"
src=$(peer_seen "${VM_NS[vm2]}" 6003 "${VM_NS[vm1]}" 10.1.0.101)
check "vm2 sees the hairpinned connection from ${src:-nothing} (expect 10.1.0.100)" [ "$src" = 10.1.0.100 ]

say "== 20 MiB from vm1 to the client through 10.1.0.100 (outbound: decap + SNAT)"
t=$(date +%s%N)
check "20 MiB vm1 -> client complete, same sha256" tcp_transfer_ns 20 "${VM_NS[vm1]}" "$NS_C" 10.1.0.100 5001
info "took $(( ($(date +%s%N) - t) / 1000000 )) ms"
say "== 20 MiB from the client to vm2, vm2 connecting to 10.1.0.2 (inbound: DNAT + encap)"
t=$(date +%s%N)
check "20 MiB client -> vm2 complete, same sha256" tcp_transfer_ns 20 "$NS_C" "${VM_NS[vm2]}" 10.1.0.2 5002
info "took $(( ($(date +%s%N) - t) / 1000000 )) ms"

say "== tunnel MTU: DF packets over underlay 1500 - 50 are refused with frag needed"
m0=$(stat_drop vxlan_mtu_exceeded)
out=$(nsx "$NS_C" ping -n -c 1 -W 3 -M "do" -s 1472 10.1.0.101 2>&1)
printf '%s\n' "$out" | sed 's/^/    /'
check "1500-byte DF ping to 10.1.0.101: frag needed (mtu = 1450) from 10.1.0.1" \
  grep -Eq 'From 10\.1\.0\.1( |:).*[Ff]rag needed.*mtu = 1450' <<<"$out"
m1=$(stat_drop vxlan_mtu_exceeded)
check "vxlan_mtu_exceeded grew by 1 ($m0 -> $m1)" [ "${m1:-0}" -eq $(( ${m0:-0} + 1 )) ]
out=$(nsx "$NS_C" ping -n -c 2 -i 0.2 -W 3 -M "do" -s 1422 10.1.0.101 2>&1)
n=$(printf '%s\n' "$out" | sed -n 's/.* \([0-9]\+\) received.*/\1/p')
check "1450-byte DF ping to 10.1.0.101 (outer exactly 1500): ${n:-0}/2 replies" [ "${n:-0}" -eq 2 ]

say "== ICMP errors through the NAT (RFC 5508: the quoted packet is translated too)"
# a connected UDP socket reports "connection refused" only when the kernel
# matches the quoted header of the ICMP port unreachable to the socket
u0=$(stat_drop nat_icmp_untranslatable)
r=$(nsx "$NS_C" timeout 10 "$PY" "$NETUTIL" udp-probe 10.1.0.100 7777 --timeout 3 2>&1)
check "client UDP to 10.1.0.100:7777 (closed on vm1): the VM's port unreachable reaches the client's socket ($r)" \
  [ "$r" = refused ]
r=$(nsx "${VM_NS[vm1]}" timeout 10 "$PY" "$NETUTIL" udp-probe 10.1.0.2 7777 --timeout 3 2>&1)
check "vm1 UDP to 10.1.0.2:7777 (closed on the client): the client's port unreachable to the EIP reaches vm1's socket ($r)" \
  [ "$r" = refused ]
u1=$(stat_drop nat_icmp_untranslatable)
check "nat_icmp_untranslatable unchanged ($u0 -> $u1)" [ "${u1:-1}" -eq "${u0:-0}" ]

say "== a VM without an EIP cannot reach the Internet"
e0=$(stat_drop vpc_no_eip)
n=$(ping_count "${VM_NS[vm4]}" 10.1.0.2 2)
e1=$(stat_drop vpc_no_eip)
check "vm4 (no EIP) -> 10.1.0.2: ${n:-0}/2 replies (expect 0)" [ "${n:-0}" -eq 0 ]
check "vpc_no_eip counted both echo requests ($e0 -> $e1)" [ "${e1:-0}" -ge $(( ${e0:-0} + 2 )) ]

say "== endpoint replace: 192.168.1.10 moves from vm1 (hv1) to a new VM vm1b on hv2"
vpc_vm vm1b hv2 1001 192.168.1.10/24 192.168.1.1
http_server vm1b 80 "vm1b 192.168.1.10 blue" || fail "http server vm1b"
check "vgwctl endpoint replace blue 192.168.1.10 mac ${VM_MAC[vm1b]} vtep 10.2.0.22" \
  vctl endpoint replace blue 192.168.1.10 mac "${VM_MAC[vm1b]}" vtep 10.2.0.22
v=$(vctl -j show vtep | json_get "sorted((h['vtep'], h['endpoints']) for h in d['hypervisors'])")
check "show vtep: hv1 1 endpoint, hv2 3 ($v)" [ "$v" = "[('10.2.0.21', 1), ('10.2.0.22', 3)]" ]
rx0=$(if_rx "${VM_NS[vm1]}" eth0)
body=$(http_get "$NS_C" http://10.1.0.100/ 2>&1)
check "GET http://10.1.0.100/ -> \"$body\" (expect the moved VM vm1b)" [ "$body" = "vm1b 192.168.1.10 blue" ]
n=$(ping_count "$NS_C" 10.1.0.100 3)
check "ping 10.1.0.100 after the move: ${n:-0}/3 replies" [ "${n:-0}" -eq 3 ]
src=$(peer_seen "$NS_C" 6004 "${VM_NS[vm1b]}" 10.1.0.2)
check "vm1b -> 10.1.0.2:6004 leaves as ${src:-nothing} (expect 10.1.0.100)" [ "$src" = 10.1.0.100 ]
rx1=$(if_rx "${VM_NS[vm1]}" eth0)
check "the old vm1 received nothing after the move (rx +$((rx1 - rx0)))" [ "$rx1" -eq "$rx0" ]
w0=$(stat_drop vxlan_src_wrong_vtep)
n=$(ping_count "${VM_NS[vm1]}" 10.1.0.2 2)
w1=$(stat_drop vxlan_src_wrong_vtep)
ok=false; [ "${n:-1}" -eq 0 ] && [ "${w0:-1}" -eq 0 ] && [ "${w1:-0}" -ge 2 ] && ok=true
check "the old vm1 (hv1) can no longer send as 192.168.1.10: ${n:-0}/2 replies, vxlan_src_wrong_vtep $w0 -> $w1 (0 before, >= 2 after)" $ok

say "== counters"
d=$(drops_of ${VPC_LEAK_DROPS/vxlan_src_wrong_vtep/})
check "no other VXLAN/NAT drops ($d)" all_zero "$d"
check "vgwd still running" vgwd_alive
say "   vgwctl show stats:"; vctl show stats 2>&1 | sed 's/^/    /'
info "eip.sh ran $(( $(date +%s) - T0 )) s"
finish
