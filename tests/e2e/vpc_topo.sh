# shellcheck shell=bash
# Tenant VPC additions to the e2e topology: hypervisors on the underlay switch,
# each a VTEP made of Linux kernel VXLAN devices, and VMs behind them.  Source
# it after topo.sh; call the functions after topo_create.
#
#     vpc_hv NAME IP                hypervisor namespace, veth to the switch bridge,
#                                   IP/24 on it (e.g. hv1 10.2.0.21)
#     vpc_vm NAME HV VNI IP/PLEN GWIP [MAC] [GWMAC]
#                                   VM namespace behind hypervisor HV in VNI: eth0
#                                   with IP, MAC (default 02:56:4d:00:00:NN), MTU
#                                   1450, default route via GWIP whose neighbour
#                                   entry is permanent for the VPC gateway MAC
#                                   (default 02:76:67:<VNI>), as a cloud vSwitch's
#                                   ARP responder would provide
#     vpc_vm_peer VM1 VM2           let two VMs of one VNI reach each other directly
#                                   (neighbour entries + fdb between hypervisors);
#                                   used only to check the kernel VXLAN set-up itself
#     vpc_gw_mac VNI                default VPC gateway MAC of a VNI
#     vm_x VM CMD...                run CMD in the VM's namespace
#     vm_bg VM LOG CMD...           background CMD in the VM's namespace ($BG_PID)
#     http_server VM PORT TEXT [..] / http_server_stop VM
#                                   a named HTTP server in a VM (netutil http-serve)
#     http_many NS DST PORT N [..]  N GETs on N new connections (netutil http-many)
#     svc_be / be_field / svc_health_all / ct_get / sp_counter
#                                   load-balancer state from `vgwctl -j show ...`
#
#   underlay switch $BR (10.2.0.0/24, in $NS_S)
#     |-- g  p1 10.2.0.1  (vgwd; the gateway VTEP: `vtep add 10.2.0.1`)
#     |-- r1 10.2.0.11, r2 10.2.0.12            (topo.sh)
#     |-- hv1 10.2.0.21 [u1-SUF]  vx<VNI> (VXLAN, local 10.2.0.21, dstport 4789)
#     |                            `-- bv<VNI> (bridge) -- veth -- VM eth0
#     `-- hv2 10.2.0.22 ...
#
# The VXLAN devices use `nolearning` with static forwarding entries, the way a
# cloud vSwitch is programmed by its control plane:
#   * the VPC gateway MAC -> `dst 10.2.0.1` (the gateway VTEP), in the VXLAN
#     device's table, plus a static bridge entry pointing that MAC at the VXLAN
#     port;
#   * no all-zeros (flood) entry: broadcast/unknown unicast never leave the
#     hypervisor.
# So the underlay carries only unicast VXLAN between a hypervisor and the
# gateway, replies always go to the configured 10.2.0.1 (learning would follow
# whatever outer source the gateway uses and hide a wrong one), and a frame that
# appears in a VNI's bridge came out of that VNI's VXLAN device: if it belongs
# to another VPC, the gateway put it there.
#
# The VXLAN devices keep the kernel default for the outer UDP checksum on
# transmit (set explicitly: udpcsum, i.e. non-zero), and accept the gateway's
# checksum 0 (allowed for IPv4, RFC 7348).  The VM veths have checksum
# offloads off (topo.sh _veth), so every inner checksum is computed in the VM
# and is correct on the wire.  VM and VXLAN MTU 1450 = underlay 1500 - 50.

# shellcheck disable=SC2034  # tables for the scripts that source this file
declare -A HV_NS=() HV_IP=() HV_IF=()
# shellcheck disable=SC2034
declare -A VM_NS=() VM_IP=() VM_MAC=() VM_HV=() VM_VNI=() VM_GWMAC=() VM_HVIF=()
VPC_GW_VTEP=10.2.0.1
VPC_UDP_PORT=4789
VPC_MTU=1450
_VPC_HV_SEQ=0
_VPC_VM_SEQ=0

vpc_gw_mac() {
  printf '02:76:67:%02x:%02x:%02x' $(( ($1 >> 16) & 255 )) $(( ($1 >> 8) & 255 )) $(( $1 & 255 ))
}

vm_x() { local vm=$1; shift; ip netns exec "${VM_NS[$vm]}" "$@"; }
vm_bg() { local vm=$1; shift; bg_ns "${VM_NS[$vm]}" "$@"; }
hv_x() { local hv=$1; shift; ip netns exec "${HV_NS[$hv]}" "$@"; }

# vpc_hv NAME IP
vpc_hv() {
  local name=$1 ip=$2
  _VPC_HV_SEQ=$((_VPC_HV_SEQ + 1))
  local n=$_VPC_HV_SEQ
  local ns="vh$n-$SUF" ifh="u$n-$SUF" ifs="s$((n + 2))-$SUF"
  _ns_add "$ns" || die "netns $ns"
  if [ "$n" -eq 1 ]; then  # a kernel without VXLAN cannot run these tests: skip
    ip -n "$ns" link add vxprobe type vxlan id 1 dstport "$VPC_UDP_PORT" local "$ip" 2>/dev/null ||
      skip "the kernel cannot create VXLAN devices (ip link add type vxlan failed)"
    ip -n "$ns" link del vxprobe
  fi
  _veth "$ns" "$ifh" "$NS_S" "$ifs" || die "veth $ns-switch"
  ip -n "$NS_S" link set "$ifs" master "$BR" || die "enslave $ifs"
  ip -n "$ns" addr add "$ip/24" dev "$ifh" || die "addr $ns"
  # a hypervisor neither routes nor answers for anything but its own address
  nsx "$ns" sysctl -qw net.ipv4.ip_forward=0 net.ipv4.conf.all.arp_ignore=1 >/dev/null
  wait_until 5 _link_up "$ns" "$ifh" || die "link $ifh in $ns not up"
  wait_until 5 _link_up "$NS_S" "$ifs" || die "link $ifs in $NS_S not up"
  HV_NS[$name]=$ns; HV_IP[$name]=$ip; HV_IF[$name]=$ifh
  info "hypervisor $name: $ns $ifh $ip/24 (switch port $ifs)"
}

# _vpc_vni HV VNI GWMAC: VXLAN device + bridge for VNI on HV (once per VNI)
_vpc_vni() {
  local hv=$1 vni=$2 gwmac=$3 ns=${HV_NS[$1]}
  local vx="vx$vni" br="bv$vni"
  if ! ip -n "$ns" link show "$vx" >/dev/null 2>&1; then
    ip -n "$ns" link add "$vx" type vxlan id "$vni" local "${HV_IP[$hv]}" dev "${HV_IF[$hv]}" \
      dstport "$VPC_UDP_PORT" nolearning udpcsum || die "vxlan $vx on $hv"
    ip -n "$ns" link set "$vx" mtu "$VPC_MTU" || die "mtu $vx"
    ip -n "$ns" link add "$br" type bridge stp_state 0 forward_delay 0 || die "bridge $br on $hv"
    ip -n "$ns" link set "$vx" master "$br" || die "enslave $vx"
    ip -n "$ns" link set "$vx" up || die "$vx up"
    ip -n "$ns" link set "$br" up || die "$br up"
  fi
  # the VPC gateway MAC lives behind the gateway VTEP (idempotent)
  if ! bridge -n "$ns" fdb show dev "$vx" | grep -qi "^$gwmac dst $VPC_GW_VTEP "; then
    bridge -n "$ns" fdb append "$gwmac" dev "$vx" dst "$VPC_GW_VTEP" self permanent ||
      die "fdb $gwmac dst $VPC_GW_VTEP on $hv/$vx"
  fi
  bridge -n "$ns" fdb replace "$gwmac" dev "$vx" master static || die "bridge fdb $gwmac on $hv/$br"
}

# vpc_vm NAME HV VNI IP/PLEN GWIP [MAC] [GWMAC]
vpc_vm() {
  local name=$1 hv=$2 vni=$3 cidr=$4 gwip=$5 mac=${6:-} gwmac=${7:-}
  _VPC_VM_SEQ=$((_VPC_VM_SEQ + 1))
  local n=$_VPC_VM_SEQ
  [ -n "$mac" ] || mac=$(printf '02:56:4d:00:00:%02x' "$n")
  [ -n "$gwmac" ] || gwmac=$(vpc_gw_mac "$vni")
  local ns="vm$n-$SUF" hns=${HV_NS[$hv]} hif="t$n-$SUF"
  [ -n "$hns" ] || die "vpc_vm $name: no hypervisor $hv"
  _vpc_vni "$hv" "$vni" "$gwmac"
  _ns_add "$ns" || die "netns $ns"
  _veth "$ns" eth0 "$hns" "$hif" || die "veth $name"
  ip -n "$ns" link set eth0 address "$mac" mtu "$VPC_MTU" || die "eth0 of $name"
  ip -n "$hns" link set "$hif" mtu "$VPC_MTU" master "bv$vni" || die "enslave $hif"
  ip -n "$ns" addr add "$cidr" dev eth0 || die "addr $name"
  ip -n "$ns" route add default via "$gwip" dev eth0 || die "route $name"
  ip -n "$ns" neigh replace "$gwip" lladdr "$gwmac" dev eth0 nud permanent || die "neigh $name"
  wait_until 5 _link_up "$ns" eth0 || die "eth0 in $ns not up"
  wait_until 5 _link_up "$hns" "$hif" || die "$hif in $hns not up"
  VM_NS[$name]=$ns; VM_IP[$name]=${cidr%/*}; VM_MAC[$name]=$mac; VM_HV[$name]=$hv
  # shellcheck disable=SC2034
  VM_VNI[$name]=$vni; VM_GWMAC[$name]=$gwmac; VM_HVIF[$name]=$hif
  info "VM $name: $ns eth0 $cidr $mac, VNI $vni on $hv (${HV_IP[$hv]}), default via $gwip ($gwmac)"
}

# vpc_vm_peer VM1 VM2: direct VM-to-VM reachability inside one VNI (no gateway)
vpc_vm_peer() {
  local a=$1 b=$2
  [ "${VM_VNI[$a]}" = "${VM_VNI[$b]}" ] || die "vpc_vm_peer: $a and $b are in different VNIs"
  ip -n "${VM_NS[$a]}" neigh replace "${VM_IP[$b]}" lladdr "${VM_MAC[$b]}" dev eth0 nud permanent || return 1
  ip -n "${VM_NS[$b]}" neigh replace "${VM_IP[$a]}" lladdr "${VM_MAC[$a]}" dev eth0 nud permanent || return 1
  local ha=${VM_HV[$a]} hb=${VM_HV[$b]} vx="vx${VM_VNI[$a]}"
  [ "$ha" = "$hb" ] && return 0
  bridge -n "${HV_NS[$ha]}" fdb append "${VM_MAC[$b]}" dev "$vx" dst "${HV_IP[$hb]}" self permanent || return 1
  bridge -n "${HV_NS[$hb]}" fdb append "${VM_MAC[$a]}" dev "$vx" dst "${HV_IP[$ha]}" self permanent || return 1
}

# ---------------------------------------------------------------- traffic helpers
# if_rx NS IF / if_tx NS IF -> kernel packet counters of an interface
if_rx() { nsx "$1" cat "/sys/class/net/$2/statistics/rx_packets" 2>/dev/null || echo -1; }
if_tx() { nsx "$1" cat "/sys/class/net/$2/statistics/tx_packets" 2>/dev/null || echo -1; }

# http_server VM PORT TEXT [HTTP-SERVE OPTIONS...]: HTTP server in the VM
# (bound to its private IP) answering every GET with TEXT; $TOPO_TMP/http-VM.log
# has one line "CLIENT_IP CLIENT_PORT GET PATH" per request (a restart starts
# a new log); its PID is ${HTTP_PID[VM]} (http_server_stop VM ends it)
declare -A HTTP_PID=()
http_server() {
  local vm=$1 port=$2 text=$3
  shift 3
  vm_bg "$vm" "$TOPO_TMP/http-$vm.log" "$PY" "$NETUTIL" http-serve "${VM_IP[$vm]}" "$port" \
    --text "$text" --timeout 120 "$@"
  HTTP_PID[$vm]=$BG_PID
  wait_until 5 _listening "${VM_NS[$vm]}" "$port" ||
    { say "  http server in $vm did not start: $(cat "$TOPO_TMP/http-$vm.log")"; return 1; }
}
# http_server_stop VM: stop the VM's HTTP server (the PID http_server started)
http_server_stop() {
  [ -n "${HTTP_PID[$1]:-}" ] || return 0
  stop_pid "${HTTP_PID[$1]}" 5
  HTTP_PID[$1]=""
}

# http_get NS URL -> body on stdout (no proxy, 5 s limit)
if command -v curl >/dev/null 2>&1; then
  http_get() { nsx "$1" curl -sS --noproxy '*' --max-time 5 "$2"; }
else
  http_get() {
    nsx "$1" "$PY" -c 'import sys, urllib.request as u
o = u.build_opener(u.ProxyHandler({}))
sys.stdout.write(o.open(sys.argv[1], timeout=5).read().decode())' "$2"
  }
fi

# peer_seen NS_SERVER PORT NS_CLIENT DST -> the source address the server saw
# for one connection from NS_CLIENT to DST:PORT (netutil tcp-peer), "" on failure
peer_seen() {
  local sns=$1 port=$2 cns=$3 dst=$4 log="$TOPO_TMP/peer-$2.log"
  bg_ns "$sns" "$log" "$PY" "$NETUTIL" tcp-peer 0.0.0.0 "$port" --count 1 --timeout 15
  local spid=$BG_PID
  wait_until 5 _listening "$sns" "$port" || { stop_pid "$spid" 2; return 1; }
  local out
  out=$(nsx "$cns" timeout 10 "$PY" "$NETUTIL" tcp-peer-ask "$dst" "$port" --timeout 5 2>&1)
  stop_pid "$spid" 5
  info "client got: ${out:-nothing}; server: $(tr '\n' ' ' <"$log")" >&2
  printf '%s\n' "$out" | awk 'NR==1 && $1=="peer" {print $2}'
}

# drop counters as "name=value ..." for the given reasons (whole gateway)
drops_of() {
  local reasons="$*"
  vctl -j show stats | "$PY" -c 'import json,sys
d = json.load(sys.stdin)["drops"]
print(" ".join("%s=%s" % (r, d.get(r, "missing")) for r in sys.argv[1:]))' $reasons
}

# all_zero "name=value ..." -> 0 when every value is 0
all_zero() {
  local kv
  for kv in $1; do [ "${kv#*=}" = 0 ] || return 1; done
  return 0
}

# VXLAN drop reasons that must stay 0 when hypervisors, VMs and the gateway
# agree (a non-zero one means the gateway misparsed or misrouted tenant traffic)
# shellcheck disable=SC2034
VPC_LEAK_DROPS="vxlan_malformed vxlan_outer_fragment vxlan_unknown_vtep vxlan_no_i_flag \
vxlan_unknown_vni vxlan_inner_not_ipv4 vxlan_inner_wrong_mac vxlan_src_not_endpoint \
vxlan_src_wrong_vtep eip_no_endpoint vtep_not_configured nat_icmp_untranslatable \
ip_bad_checksum no_headroom"

# ---------------------------------------------------------------- captures
# cap_start NAME NS IF [FILTER...]: background tcpdump (headers only, bounded in
# time and count) writing $TOPO_TMP/cap-NAME.pcap; returns once it listens.
# cap_launch is the same without the wait; cap_ready NAME waits (up to 60 s:
# with two vgwd polling both vCPUs, CI saw tcpdump take over 5 s, once over
# 20 s, to start; a capture that never listens logs where it waits).
declare -A CAP_PID=()
cap_launch() {
  local name=$1 ns=$2 ifc=$3; shift 3
  command -v tcpdump >/dev/null 2>&1 || die "missing tool: tcpdump (run tests/setup.sh)"
  rm -f "$TOPO_TMP/cap-$name.pcap"
  bg_ns "$ns" "$TOPO_TMP/cap-$name.log" timeout 120 tcpdump -Z root -i "$ifc" -n -U --immediate-mode \
    -s 200 -c 200000 -w "$TOPO_TMP/cap-$name.pcap" "$@"
  CAP_PID[$name]=$BG_PID
}
cap_ready() {
  wait_until 60 grep -q 'listening on' "$TOPO_TMP/cap-$1.log" && return 0
  say "  tcpdump $1 did not start in 60 s: $(cat "$TOPO_TMP/cap-$1.log")"
  _cap_where "${CAP_PID[$1]:-}"
  return 1
}
# _cap_where PID: where a process (timeout) and its child (tcpdump) wait, for
# the log of a capture that never listened
_cap_where() {
  local p c
  [ -n "$1" ] || return 0
  for p in "$1" $(pgrep -P "$1" 2>/dev/null); do
    for c in $p $([ "$p" = "$1" ] || pgrep -P "$p" 2>/dev/null); do
      say "    pid $c $(tr '\0' ' ' </proc/$c/cmdline 2>/dev/null | cut -c1-60): state $(awk '{print $3}' /proc/$c/stat 2>/dev/null) wchan $(cat /proc/$c/wchan 2>/dev/null)"
    done
  done
  say "    load: $(cat /proc/loadavg)"
}
cap_start() { cap_launch "$@" && cap_ready "$1"; }
# cap_stop NAME...: stop them (after 0.3 s for the last frames; tcpdump flushes
# its file on SIGTERM)
cap_stop() {
  local c
  sleep 0.3
  for c in "$@"; do [ -n "${CAP_PID[$c]:-}" ] && kill -TERM "${CAP_PID[$c]}" 2>/dev/null; done
  for c in "$@"; do
    [ -n "${CAP_PID[$c]:-}" ] && stop_pid "${CAP_PID[$c]}" 5
    CAP_PID[$c]=""
  done
}
# cap_json NAME -> the capture decoded (netutil pcap-decode), a JSON list
cap_json() { "$PY" "$NETUTIL" pcap-decode "$TOPO_TMP/cap-$1.pcap"; }
# cap_count NAME -> number of captured frames
cap_count() { cap_json "$1" | json_get "len(d)"; }
# cap_show NAME [N]: the first N (default 10) frames as tcpdump prints them
cap_show() {
  tcpdump -r "$TOPO_TMP/cap-$1.pcap" -n -e 2>/dev/null | head -n "${2:-10}" | sed 's/^/      /'
}

# ---------------------------------------------------------------- load balancing
# http_many NS DST PORT N [OPTIONS...]: N GETs on N new connections (netutil
# http-many); its JSON summary on stdout, the exit status 0 when all succeeded
http_many() {
  local ns=$1 dst=$2 port=$3 n=$4
  shift 4
  nsx "$ns" timeout 150 "$PY" "$NETUTIL" http-many "$dst" "$port" "$n" "$@"
}

# svc_json SERVICE -> `vgwctl -j show service SERVICE`
svc_json() { vctl -j show service "$1"; }
# svc_be SERVICE FIELD -> "IP=VALUE IP=VALUE ..." for every backend (in the
# order of `show service`)
svc_be() {
  vctl -j show service "$1" | "$PY" -c 'import json,sys
d = json.load(sys.stdin)
print(" ".join("%s=%s" % (b["ip"], b.get(sys.argv[1], "missing")) for b in d.get("backend", [])))' "$2"
}
# be_field SERVICE IP FIELD -> one backend's FIELD (empty when absent)
be_field() {
  vctl -j show service "$1" | "$PY" -c 'import json,sys
d = json.load(sys.stdin)
print(next((b.get(sys.argv[2], "") for b in d.get("backend", []) if b["ip"] == sys.argv[1]), ""))' "$2" "$3"
}
# be_health_is SERVICE IP STATE / svc_health_all SERVICE STATE -> 0 when so
be_health_is() { [ "$(be_field "$1" "$2" health 2>/dev/null)" = "$3" ]; }
svc_health_all() {
  local kv
  kv=$(svc_be "$1" health 2>/dev/null) || return 1
  [ -n "$kv" ] || return 1
  for kv in $kv; do [ "${kv#*=}" = "$2" ] || return 1; done
}
# ct_get EXPR -> eval(EXPR) on `vgwctl -j show conntrack` (d = the document)
ct_get() { vctl -j show conntrack | json_get "$1"; }
# sp_counter NAME -> slow path counter from `show stats`
sp_counter() { vctl -j show stats | json_get "d['slowpath']['$1']"; }

# drop reasons of the load balancer that must stay 0 while backends are usable
# shellcheck disable=SC2034
LB_DROPS="vip_no_service vip_fragment lb_no_backend lb_service_full ct_full handoff_ring_full"
