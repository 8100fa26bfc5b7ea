#!/usr/bin/env bash
# e2e vpc-isolation: three tenant VPCs that all use 192.168.1.0/24, each with a
# VM at 192.168.1.10, configured from the startup file:
#
#   red     VNI 2001  VM on hv1 10.2.0.21  EIP 10.1.0.100  gateway MAC default
#   green   VNI 2002  VM on hv1 10.2.0.21  EIP 10.1.0.101  gateway MAC 02:aa:bb:00:20:02
#   yellow  VNI 2003  VM on hv2 10.2.0.22  EIP 10.1.0.102  gateway MAC default
#
# plus rogue VMs the gateway must refuse (none of them is a configured endpoint
# of what it claims):
#   r-wrongvtep  VNI 2001 on hv2, 192.168.1.10   (red's address, wrong hypervisor)
#   r-notep      VNI 2001 on hv2, 192.168.1.99   (no endpoint)
#   r-wrongmac   VNI 2001 on hv2, 192.168.1.98   sends to green's gateway MAC
#   r-unkvni     VNI 2999 on hv2, 192.168.1.10   (no VPC)
#   r-unkvtep    VNI 2001 on hv3 10.2.0.23, 192.168.1.10 (hv3 hosts no endpoint)
#
# For each VPC in turn: HTTP, ping and a VM-initiated TCP connection through its
# EIP reach exactly its VM (the page names the VM; the client sees the EIP);
# meanwhile every other VM's interface stays silent (tcpdump and kernel rx
# counters), and every VXLAN frame the gateway puts on the underlay carries that
# VPC's VNI, hypervisor, VM MAC and gateway MAC.  The VXLAN/NAT drop counters
# that would indicate leaking stay 0.  Crossing VPCs works only through EIPs
# (red -> green's EIP: green sees red's EIP).  Then the rogues send: nothing
# reaches the client or the tenant VMs, and each is dropped for its reason.
# usage: vpc-isolation.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
source "$(dirname "$0")/vpc_topo.sh"
topo_init "${1:-}"
T0=$(date +%s)
command -v tcpdump >/dev/null 2>&1 || die "missing tool: tcpdump (run tests/setup.sh)"
topo_create

GREEN_GWMAC=02:aa:bb:00:20:02
declare -A VNI=([red]=2001 [green]=2002 [yellow]=2003)
declare -A EIP=([red]=10.1.0.100 [green]=10.1.0.101 [yellow]=10.1.0.102)
declare -A GW=([red]=$(vpc_gw_mac 2001) [green]=$GREEN_GWMAC [yellow]=$(vpc_gw_mac 2003))
TENANTS="red green yellow"
ROGUES="r-wrongvtep r-notep r-wrongmac r-unkvni r-unkvtep"

say "== hypervisors and VMs"
vpc_hv hv1 10.2.0.21
vpc_hv hv2 10.2.0.22
vpc_hv hv3 10.2.0.23
vpc_vm red    hv1 2001 192.168.1.10/24 192.168.1.1 02:00:00:00:07:d1
vpc_vm green  hv1 2002 192.168.1.10/24 192.168.1.1 02:00:00:00:07:d2 "$GREEN_GWMAC"
vpc_vm yellow hv2 2003 192.168.1.10/24 192.168.1.1 02:00:00:00:07:d3
vpc_vm r-wrongvtep hv2 2001 192.168.1.10/24 192.168.1.1
vpc_vm r-notep     hv2 2001 192.168.1.99/24 192.168.1.1
vpc_vm r-wrongmac  hv2 2001 192.168.1.98/24 192.168.1.1 "" "$GREEN_GWMAC"
vpc_vm r-unkvni    hv2 2999 192.168.1.10/24 192.168.1.1
vpc_vm r-unkvtep   hv3 2001 192.168.1.10/24 192.168.1.1

say "== vgwd: VPC configuration in the startup file"
vgwd_config 1
cat >>"$VGW_CONF" <<EOF
vtep add 10.2.0.1
vpc add red vni 2001
vpc add green vni 2002 gateway-mac $GREEN_GWMAC
vpc add yellow vni 2003
endpoint add red 192.168.1.10 mac ${VM_MAC[red]} vtep 10.2.0.21
endpoint add green 192.168.1.10 mac ${VM_MAC[green]} vtep 10.2.0.21
endpoint add yellow 192.168.1.10 mac ${VM_MAC[yellow]} vtep 10.2.0.22
eip add 10.1.0.100 vpc red ip 192.168.1.10
eip add 10.1.0.101 vpc green ip 192.168.1.10
eip add 10.1.0.102 vpc yellow ip 192.168.1.10
EOF
sed 's/^/    /' "$VGW_CONF"
vgwd_start || die "vgwd did not become ready"
for what in vpc endpoint eip; do
  say "   vgwctl show $what:"; vctl show $what 2>&1 | sed 's/^/    /'
done
v=$(vctl -j show vpc | json_get "sorted((x['name'], x['vni'], x['gateway_mac'].lower()) for x in d['vpcs'])")
check "show vpc: red/green/yellow with their VNIs and gateway MACs ($v)" \
  [ "$v" = "[('green', 2002, '$GREEN_GWMAC'), ('red', 2001, '${GW[red]}'), ('yellow', 2003, '${GW[yellow]}')]" ]
v=$(vctl -j show endpoint | json_get "sorted((x['vpc'], x['vni'], x['ip'], x['mac'].lower(), x['vtep']) for x in d['endpoints'])")
check "show endpoint: 192.168.1.10 three times, one per VNI ($v)" \
  [ "$v" = "[('green', 2002, '192.168.1.10', '${VM_MAC[green]}', '10.2.0.21'), ('red', 2001, '192.168.1.10', '${VM_MAC[red]}', '10.2.0.21'), ('yellow', 2003, '192.168.1.10', '${VM_MAC[yellow]}', '10.2.0.22')]" ]

for t in $TENANTS; do
  http_server "$t" 80 "I am $t" || fail "http server in $t"
done

# gateway -> hypervisor VXLAN on the underlay, and every VM's own interface
cap_all_start() {
  local vm c
  cap_launch u1 "${HV_NS[hv1]}" "${HV_IF[hv1]}" udp dst port 4789 and src host 10.2.0.1
  cap_launch u2 "${HV_NS[hv2]}" "${HV_IF[hv2]}" udp dst port 4789 and src host 10.2.0.1
  cap_launch u3 "${HV_NS[hv3]}" "${HV_IF[hv3]}" udp dst port 4789 and src host 10.2.0.1
  # what reaches the VM only: its own kernel's frames (an IGMP report a
  # while after the interface came up) are no leak (CI caught one)
  for vm in "$@"; do cap_launch "vm-$vm" "${VM_NS[$vm]}" eth0 -Q in; done
  for c in u1 u2 u3 "${@/#/vm-}"; do cap_ready "$c" || return 1; done
}
cap_all_stop() { cap_stop u1 u2 u3 "${@/#/vm-}"; }
declare -A RX0=()
rx_mark() { local vm; for vm in "$@"; do RX0[$vm]=$(if_rx "${VM_NS[$vm]}" eth0); done; }
# cap_mcast NAME -> frames of the capture to a multicast (or broadcast) MAC:
# a neighbour's on the VNI's bridge (an IGMP report: CI caught one), never
# the gateway's, which sends a VM unicast only
cap_mcast() {
  tcpdump -r "$TOPO_TMP/cap-$1.pcap" -n ether multicast 2>/dev/null | wc -l
}
# silent VM...: 0 when no VM received a unicast frame since rx_mark and no
# capture has one (veth counts no multicast apart: the capture's multicast
# frames are taken off both counts)
silent() {
  local vm n m r bad=""
  for vm in "$@"; do
    m=$(cap_mcast "vm-$vm"); n=$(cap_count "vm-$vm")
    n=$(( ${n:-1} - ${m:-0} )); r=$(( $(if_rx "${VM_NS[$vm]}" eth0) - ${RX0[$vm]} - ${m:-0} ))
    if [ "${n:-1}" -ne 0 ] || [ "$r" -ne 0 ]; then
      bad="$bad $vm(captured $n, rx +$r)"
      say "    frames seen by $vm:"; cap_show "vm-$vm" 6
    fi
  done
  SILENT_BAD=$bad
  [ -z "$bad" ]
}
# underlay_only VPC: every gateway VXLAN frame on the underlay belongs to VPC
underlay_only() {
  local t=$1 hvip=${HV_IP[${VM_HV[$1]}]} out
  out=$( { cap_json u1; cap_json u2; cap_json u3; } | "$PY" -c '
import json, sys
vni, hv, mac, gw = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
fr = []
for line in sys.stdin:
    fr += json.loads(line)
bad = ["vni %s dst %s inner %s -> %s %s -> %s" % (f.get("vni"), f.get("dst"),
       f.get("inner_eth_src"), f.get("inner_eth_dst"), f.get("inner_src"), f.get("inner_dst"))
       for f in fr if (f.get("vni"), f.get("dst"), f.get("inner_eth_dst"),
                       f.get("inner_eth_src"), f.get("inner_dst")) != (vni, hv, mac, gw, "192.168.1.10")]
print("%d %s" % (len(fr), "; ".join(sorted(set(bad))[:5])))
' "${VNI[$t]}" "$hvip" "${VM_MAC[$t]}" "${GW[$t]}" 2>&1)
  UNDERLAY_N=${out%% *}; UNDERLAY_BAD=${out#* }
  [[ "$UNDERLAY_N" =~ ^[0-9]+$ ]] && [ "$UNDERLAY_N" -gt 0 ] && [ -z "$UNDERLAY_BAD" ]
}

port=6000
for t in $TENANTS; do
  others=""
  for o in $TENANTS $ROGUES; do [ "$o" = "$t" ] || others="$others $o"; done
  say "== exercise $t only (EIP ${EIP[$t]}, VNI ${VNI[$t]}); silent:$others"
  # shellcheck disable=SC2086
  cap_all_start $others || fail "captures"
  # shellcheck disable=SC2086
  rx_mark $others
  ok=0
  for i in 1 2 3; do
    body=$(http_get "$NS_C" "http://${EIP[$t]}/" 2>&1)
    [ "$body" = "I am $t" ] && ok=$((ok + 1)) || info "GET ${EIP[$t]} #$i -> $body"
  done
  check "3/3 GET http://${EIP[$t]}/ answered \"I am $t\" ($ok/3)" [ "$ok" -eq 3 ]
  n=$(ping_count "$NS_C" "${EIP[$t]}" 5)
  check "ping ${EIP[$t]}: ${n:-0}/5 replies" [ "${n:-0}" -eq 5 ]
  port=$((port + 1))
  src=$(peer_seen "$NS_C" "$port" "${VM_NS[$t]}" 10.1.0.2)
  check "$t -> 10.1.0.2:$port: the client sees ${src:-nothing} (expect ${EIP[$t]})" [ "$src" = "${EIP[$t]}" ]
  sleep 0.3
  # shellcheck disable=SC2086
  cap_all_stop $others
  # shellcheck disable=SC2086
  silent $others
  check "no frame reached any other VM while $t was exercised${SILENT_BAD:+:$SILENT_BAD}" [ -z "$SILENT_BAD" ]
  underlay_only "$t"; uok=$?
  check "all $UNDERLAY_N gateway VXLAN frames: VNI ${VNI[$t]} to ${HV_IP[${VM_HV[$t]}]}, ${GW[$t]} -> ${VM_MAC[$t]} 192.168.1.10${UNDERLAY_BAD:+ -- others: $UNDERLAY_BAD}" \
    [ "$uok" -eq 0 ]
done

for t in $TENANTS; do
  n=$(grep -c ' GET /$' "$TOPO_TMP/http-$t.log" 2>/dev/null)
  check "$t served exactly its own 3 requests (${n:-0})" [ "${n:-0}" -eq 3 ]
  n=$(grep ' GET /' "$TOPO_TMP/http-$t.log" 2>/dev/null | grep -vc '^10\.1\.0\.2 ')
  check "every request to $t came from the client 10.1.0.2 (${n:-?} other lines)" [ "${n:-1}" -eq 0 ]
done

d=$(drops_of $VPC_LEAK_DROPS vpc_no_eip)
check "no VXLAN/NAT drops after the three tenants ($d)" all_zero "$d"

say "== crossing VPCs only through EIPs: red -> green's EIP 10.1.0.101 (hairpin)"
src=$(peer_seen "${VM_NS[green]}" 6100 "${VM_NS[red]}" 10.1.0.101)
check "green sees the connection from red's EIP ${src:-nothing} (expect 10.1.0.100)" [ "$src" = 10.1.0.100 ]

say "== rogue VMs send to the client; the gateway refuses all of them"
declare -A WHY=([r-wrongvtep]=vxlan_src_wrong_vtep [r-notep]=vxlan_src_not_endpoint
                [r-wrongmac]=vxlan_inner_wrong_mac [r-unkvni]=vxlan_unknown_vni
                [r-unkvtep]=vxlan_unknown_vtep)
cap_start client "$NS_C" "$IF_C" ip || fail "capture on the client"
# shellcheck disable=SC2086
cap_all_start $TENANTS || fail "captures"
# shellcheck disable=SC2086
rx_mark $TENANTS
# all rogues at once (each: 3 echo requests, then a TCP connect), each bounded
declare -A C0=()
for r in $ROGUES; do C0[$r]=$(stat_drop "${WHY[$r]}"); done
rpids=()
for r in $ROGUES; do
  ( n=$(ping_count "${VM_NS[$r]}" 10.1.0.2 3)
    out=$(vm_x "$r" timeout 5 "$PY" "$NETUTIL" tcp-peer-ask 10.1.0.2 6200 --timeout 1 2>&1)
    printf '%s\n%s\n' "${n:-0}" "$out" >"$TOPO_TMP/rogue-$r.out" ) &
  rpids+=("$!")
done
for p in "${rpids[@]}"; do wait "$p"; done
for r in $ROGUES; do
  n=$(sed -n 1p "$TOPO_TMP/rogue-$r.out"); out=$(sed -n 2p "$TOPO_TMP/rogue-$r.out")
  c1=$(stat_drop "${WHY[$r]}")
  check "$r: ${n:-?}/3 echo replies, no TCP answer ($out)" [ "${n:-1}" -eq 0 ]
  check "$r: ${WHY[$r]} counted its 3 echo requests and the SYN(s) (${C0[$r]} -> $c1)" \
    [ "${c1:-0}" -ge $(( ${C0[$r]:-0} + 4 )) ]
done
cap_stop client u1 u2 u3 vm-red vm-green vm-yellow
n=$(cap_count client)
check "the client received no IPv4 packet at all meanwhile ($n)" [ "${n:-1}" -eq 0 ]
[ "${n:-0}" -eq 0 ] || cap_show client 6
# shellcheck disable=SC2086
silent $TENANTS
check "no frame reached a tenant VM meanwhile${SILENT_BAD:+:$SILENT_BAD}" [ -z "$SILENT_BAD" ]
n=$(( $(cap_count u1) + $(cap_count u2) + $(cap_count u3) ))
check "the gateway sent no VXLAN at all meanwhile ($n frames)" [ "$n" -eq 0 ]
d=$(drops_of vxlan_malformed vxlan_outer_fragment vxlan_no_i_flag vxlan_inner_not_ipv4 \
      eip_no_endpoint vtep_not_configured nat_icmp_untranslatable ip_bad_checksum vpc_no_eip)
check "no other drop reason was hit ($d)" all_zero "$d"

check "vgwd still running" vgwd_alive
say "   vgwctl show stats:"; vctl show stats 2>&1 | sed 's/^/    /'
info "vpc-isolation.sh ran $(( $(date +%s) - T0 )) s"
finish
