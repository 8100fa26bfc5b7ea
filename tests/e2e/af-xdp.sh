#!/usr/bin/env bash
# e2e af-xdp: vgwd on interfaces the kernel keeps (`port ... af-xdp IFNAME`),
# with vgw's XDP program attached natively to both veths.
#
#   client 10.1.0.2 --- [g0: 10.1.0.1/24, kernel's] p0 public  (EIP 203.0.113.10, VIP 203.0.113.50)
#                       [g1: 10.2.0.1/24, kernel's] p1 underlay (VTEP 10.2.0.1:4789) --- switch
#                                                      hv1 10.2.0.21: vm1 192.168.1.10, vm2 192.168.1.20
#   client: 203.0.113.0/24 via 10.1.0.1 (the EIPs and the VIP are routed to the
#   host's address, as BGP would announce them; nobody ARPs for them)
#
# Checks: vgwd mounts bpffs in its mount namespace, attaches its program in
# native mode on both interfaces and fills the pinned steering map (read back
# by vgwctl and by bpftool); the kernel keeps serving the host's own address
# (ping, a 2 MiB TCP transfer to a server on 10.1.0.1, ping to the VTEP
# address, SSH-like TCP to the VTEP address) while vgwd serves an EIP (HTTP,
# ping, 4 MiB TCP with the same sha256) and a VIP (GETs spread over two
# backends, health checks through the tunnel); vgwd sends no ARP and learns
# its neighbours from the kernel; `eip add`/`eip del` change the map within a
# second and the traffic follows; kernel routes naming the interfaces map to
# the ports and the /32s are announced on vgwd's anchor device; SIGTERM
# detaches the program and empties the map; after SIGKILL the host's traffic
# still flows, the announcements are gone with the anchor and a new vgwd
# takes the program over; a foreign XDP program and an address the kernel does not
# have are refused with clear errors.
# usage: af-xdp.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
source "$(dirname "$0")/vpc_topo.sh"
topo_init "${1:-}"
topo_create
command -v bpftool >/dev/null 2>&1 || die "missing tool: bpftool (run tests/setup.sh)"
command -v clang >/dev/null 2>&1 || die "missing tool: clang (run tests/setup.sh)"
EIP=203.0.113.10
EIP2=203.0.113.11
VIP=203.0.113.50

say "== the kernel keeps the gateway's interfaces and addresses"
ip -n "$NS_G" addr add 10.1.0.1/24 dev "$IF_G0" || die "addr g0"
ip -n "$NS_G" addr add 10.2.0.1/24 dev "$IF_G1" || die "addr g1"
ip -n "$NS_C" route add 203.0.113.0/24 via 10.1.0.1 || die "client route"
vpc_hv hv1 10.2.0.21
vpc_vm vm1 hv1 1001 192.168.1.10/24 192.168.1.1
vpc_vm vm2 hv1 1001 192.168.1.20/24 192.168.1.1
http_server vm1 80 "vm1" || die "http server vm1"
http_server vm2 80 "vm2" || die "http server vm2"

# xdp_conf FILE [P0-ADDRESS]
xdp_conf() {
  cat >"$1" <<EOF
# vgwd e2e af-xdp configuration (tests/e2e/af-xdp.sh, suffix $SUF)
eal --no-huge -m 512 --no-pci --file-prefix $FILE_PREFIX --log-level=*:warning --log-level=vgw.*:info
lcores 0,1
control socket $VGW_SOCK
kernel import-table 100
kernel announce-table 101
port p0 af-xdp $IF_G0 role public address ${2:-10.1.0.1/24}
port p1 af-xdp $IF_G1 role underlay address 10.2.0.1/24
vtep add 10.2.0.1
vpc add blue vni 1001
endpoint add blue 192.168.1.10 mac ${VM_MAC[vm1]} vtep 10.2.0.21
endpoint add blue 192.168.1.20 mac ${VM_MAC[vm2]} vtep 10.2.0.21
eip add $EIP vpc blue ip 192.168.1.10
service add web vip $VIP port 80 proto tcp check-interval 500 check-rise 2 check-fall 2
backend add web vpc blue ip 192.168.1.10 port 80
backend add web vpc blue ip 192.168.1.20 port 80
EOF
}
# xdp_prog_on IF -> the name of the XDP program attached to IF in the gateway ("" if none)
xdp_prog_on() {
  ip -n "$NS_G" -j link show dev "$1" |
    json_get "(d[0].get('xdp') or {}).get('prog', {}).get('name', '')"
}
# map_keys -> "ADDRESS:KIND ..." from `vgwctl -j show xdp map`, sorted
map_keys() {
  vctl -j show xdp map | json_get "' '.join(sorted('%s:%s:%s' % (e['port'], e['address'], e['kind']) for e in d['entries']))"
}
# bpftool_keys -> "IFINDEX:ADDRESS ..." of the pinned map, read by bpftool inside
# vgwd's mount namespace (vgwd mounted bpffs there: `ip netns exec` gives it a
# fresh /sys)
bpftool_keys() {
  nsenter -t "$VGWD_PID" -m -n bpftool -j map dump pinned /sys/fs/bpf/vgw_xdp_addrs 2>/dev/null |
    "$PY" -c 'import json, sys, socket, struct
out = []
for e in json.load(sys.stdin):
    k = bytes(int(b, 16) for b in e["key"])
    ifindex, = struct.unpack("=I", k[:4])
    out.append("%d:%s" % (ifindex, socket.inet_ntoa(k[4:8])))
print(" ".join(sorted(out)))'
}
map_has() { grep -q "$1" <<<"$(map_keys)"; }
map_lacks() { ! map_has "$1"; }
xdp_field() { vctl -j show xdp | json_get "next(p['$2'] for p in d['ports'] if p['port'] == '$1')"; }
port_rx() { vctl -j show stats | json_get "next(p['rx'] for p in d['ports'] if p['name'] == '$1')"; }
# all_true 'CMD' ...: 0 when every CMD (a string evaluated here) succeeds
all_true() {
  local c
  for c in "$@"; do eval "$c" || return 1; done
}
sp_field() { vctl -j show stats | json_get "d['slowpath']['$1']"; }
IFI0=$(ip -n "$NS_G" -j link show dev "$IF_G0" | json_get "d[0]['ifindex']")
IFI1=$(ip -n "$NS_G" -j link show dev "$IF_G1" | json_get "d[0]['ifindex']")

say "== vgwd on AF_XDP"
xdp_conf "$VGW_CONF"
vgwd_start || die "vgwd did not become ready"
say "   vgwctl show xdp:"; vctl show xdp 2>&1 | sed 's/^/    /'
check "vgwd mounted bpffs in its own mount namespace" grep -q "mounted bpffs on /sys/fs/bpf" "$VGWD_LOG"
for p in p0 p1; do
  m=$(xdp_field "$p" mode); s=$(xdp_field "$p" sockets)
  check "port $p: program attached in native mode, one AF_XDP socket (mode $m, sockets $s)" \
    all_true "[ '$m' = native ]" "[ '$s' = 1 ]"
done
for ifc in "$IF_G0" "$IF_G1"; do
  n=$(xdp_prog_on "$ifc")
  check "the kernel shows vgw_xdp_steer on $ifc ($n)" [ "$n" = vgw_xdp_steer ]
done
k=$(map_keys)
check "show xdp map: the EIP and the VIP on p0, the VTEP on p1 ($k)" \
  [ "$k" = "p0:$EIP:eip p0:$VIP:vip p1:10.2.0.1:vtep" ]
k=$(bpftool_keys)
check "bpftool reads the same keys from the pinned map ($k)" \
  [ "$k" = "$(printf '%s\n' "$IFI0:$EIP" "$IFI0:$VIP" "$IFI1:10.2.0.1" | sort | tr '\n' ' ' | sed 's/ $//')" ]
v=$(vctl -j show port | json_get "[(p['name'], p['mtu'], p['host_ifindex']) for p in d['ports']]")
check "show port: MTU and ifindex are the kernel interfaces' ($v)" \
  [ "$v" = "[('p0', 1500, $IFI0), ('p1', 1500, $IFI1)]" ]

say "== the kernel's routing sees the interfaces as the ports"
ip -n "$NS_G" route add 198.18.0.0/24 via 10.1.0.2 dev "$IF_G0" table 100 || fail "kernel route"
ip -n "$NS_G" route add 198.18.1.0/24 via 10.1.0.2 dev "$IF_G1" onlink table 100 || fail "kernel route"
# route_of PREFIX -> "SOURCE NH@PORT" from show route ("-" when absent)
route_of() {
  vctl -j show route | json_get "next(('%s %s' % (r['source'], ','.join('%s@%s' % (v['nh'], v['port']) for v in r['via']))
    for r in d['routes'] if r['prefix']=='$1'), '-')"
}
_route_is() { [ "$(route_of "$1")" = "$2" ]; }
wait_until 5 _route_is 198.18.0.0/24 "kernel/boot 10.1.0.2@p0"
check "a kernel route 'via 10.1.0.2 dev $IF_G0' is followed onto p0 ($(route_of 198.18.0.0/24))" \
  _route_is 198.18.0.0/24 "kernel/boot 10.1.0.2@p0"
check "one naming $IF_G1 (p1) for a next hop on p0 is refused ($(route_of 198.18.1.0/24))" \
  _route_is 198.18.1.0/24 "-"
# the announced routes name vgwd's anchor device (a TUN that dies with vgwd),
# not the kernel's interface, which would outlive a crashed vgwd
_announced() { ip -n "$NS_G" route show table 101 | grep -q "^$1 dev vgw-ann0 proto 250 "; }
wait_until 5 _announced "$EIP"
check "the EIP's /32 is announced on the anchor device vgw-ann0 (table 101: $(ip -n "$NS_G" route show table 101 | tr '\n' ';'))" \
  _announced "$EIP"

say "== the host's own traffic stays with the kernel"
n=$(ping_count "$NS_C" 10.1.0.1 3)
check "client pings the host's address 10.1.0.1: ${n:-0}/3" [ "${n:-0}" -eq 3 ]
n=$(ping_count "${HV_NS[hv1]}" 10.2.0.1 3)
check "hv1 pings the VTEP address 10.2.0.1 (not UDP 4789: the kernel answers): ${n:-0}/3" [ "${n:-0}" -eq 3 ]
check "2 MiB over TCP from a kernel server on 10.1.0.1:2222 to the client" \
  tcp_transfer_ns 2 "$NS_G" "$NS_C" 10.1.0.1 2222 10.1.0.1
check "2 MiB over TCP from a kernel server on the VTEP address 10.2.0.1:22 to hv1" \
  tcp_transfer_ns 2 "$NS_G" "${HV_NS[hv1]}" 10.2.0.1 22 10.2.0.1

say "== EIP and VIP traffic served by vgwd"
wait_until 10 svc_health_all web up
check "both VIP backends healthy through the tunnel ($(svc_be web health))" svc_health_all web up
n=$(ping_count "$NS_C" "$EIP" 3)
check "ping through the EIP $EIP: ${n:-0}/3" [ "${n:-0}" -eq 3 ]
body=$(http_get "$NS_C" "http://$EIP/eip1" 2>&1)
check "HTTP to the EIP reaches vm1 ($body)" [ "$body" = vm1 ]
check "vm1 saw the client's own address" grep -q "^10.1.0.2 .* GET /eip1$" "$TOPO_TMP/http-vm1.log"
out=$(http_many "$NS_C" "$VIP" 80 40 --path /vip --parallel 4 --timeout 5 --total 30)
ok=$(json_get "d['ok']" <<<"$out" 2>/dev/null)
n1=$(json_get "d.get('by', {}).get('vm1', 0)" <<<"$out" 2>/dev/null)
n2=$(json_get "d.get('by', {}).get('vm2', 0)" <<<"$out" 2>/dev/null)
check "40 GETs through the VIP answered, spread over both backends (ok ${ok:-0}, vm1 ${n1:-0}, vm2 ${n2:-0})" \
  all_true "[ ${ok:-0} -eq 40 ]" "[ ${n1:-0} -gt 0 ]" "[ ${n2:-0} -gt 0 ]"
check "4 MiB over TCP from vm1 to the client through the EIP, same sha256" \
  tcp_transfer_ns 4 "${VM_NS[vm1]}" "$NS_C" "$EIP" 5001
n=$(ping_count "$NS_C" 10.1.0.1 2)
check "the host's address still answers during EIP traffic: ${n:-0}/2" [ "${n:-0}" -eq 2 ]
r0=$(xdp_field p0 redirect); r1=$(xdp_field p1 redirect)
p0=$(xdp_field p0 pass); p1=$(xdp_field p1 pass)
check "XDP counters: gateway traffic redirected (p0 $r0, p1 $r1), the host's passed (p0 $p0, p1 $p1)" \
  all_true "[ ${r0:-0} -gt 0 ]" "[ ${r1:-0} -gt 0 ]" "[ ${p0:-0} -gt 0 ]" "[ ${p1:-0} -gt 0 ]"
a=$(sp_field arp_request_tx); g=$(sp_field arp_gratuitous_tx); rx=$(sp_field arp_rx)
check "vgwd sent no ARP and saw none on AF_XDP ports (requests $a, gratuitous $g, received $rx)" \
  all_true "[ '$a' = 0 ]" "[ '$g' = 0 ]" "[ '$rx' = 0 ]"
say "   vgwctl show neigh:"; vctl show neigh 2>&1 | sed 's/^/    /'
v=$(vctl -j show neigh | json_get "sorted((n['ip'], n['port'], n['state'].split('/')[0]) for n in d['neighbors'])")
check "the neighbours vgwd uses came from the kernel: client on p0, hv1 on p1 ($v)" \
  grep -q "('10.1.0.2', 'p0', 'kernel')" <<<"$v"
check "... and hv1 10.2.0.21 on p1" grep -q "('10.2.0.21', 'p1', 'kernel')" <<<"$v"

say "== live map updates"
check "vgwctl eip add $EIP2 vpc blue ip 192.168.1.20" vctl eip add "$EIP2" vpc blue ip 192.168.1.20
t=$(date +%s%N)
wait_until 2 map_has "p0:$EIP2:eip"
ms=$(( ($(date +%s%N) - t) / 1000000 ))
k=$(map_keys)
check "eip add: $EIP2 in the map within 2 s (${ms} ms: $k)" grep -q "p0:$EIP2:eip" <<<"$k"
check "... and in the kernel's map (bpftool: $(bpftool_keys))" grep -q "$IFI0:$EIP2" <<<"$(bpftool_keys)"
body=$(http_get "$NS_C" "http://$EIP2/eip2" 2>&1)
check "HTTP to the new EIP reaches vm2 ($body)" [ "$body" = vm2 ]
check "vgwctl eip del $EIP" vctl eip del "$EIP"
wait_until 2 map_lacks "p0:$EIP:eip"
k=$(map_keys)
check "eip del: $EIP gone from the map ($k)" [ "$k" = "p0:$EIP2:eip p0:$VIP:vip p1:10.2.0.1:vtep" ]
rx0=$(port_rx p0)
pass0=$(xdp_field p0 pass)
n=$(ping_count "$NS_C" "$EIP" 3)
rx1=$(port_rx p0)
pass1=$(xdp_field p0 pass)
check "the removed EIP is no longer steered: no ping answer (${n:-0}/3), vgwd's p0 rx unchanged ($rx0 -> $rx1), passed to the kernel ($pass0 -> $pass1)" \
  all_true "[ ${n:-0} -eq 0 ]" "[ '$rx0' = '$rx1' ]" "[ ${pass1:-0} -ge $((pass0 + 3)) ]"
check "vgwctl eip add $EIP vpc blue ip 192.168.1.10 (back)" vctl eip add "$EIP" vpc blue ip 192.168.1.10
wait_until 2 map_has "p0:$EIP:eip"
n=$(ping_count "$NS_C" "$EIP" 3)
check "steered again after eip add: ${n:-0}/3" [ "${n:-0}" -eq 3 ]

say "== SIGTERM: the program is detached, the map emptied"
vgwd_stop
check "vgwd removed its steering entries at stop" grep -q "every steering entry of ours removed" "$VGWD_LOG"
for ifc in "$IF_G0" "$IF_G1"; do
  n=$(xdp_prog_on "$ifc")
  check "no XDP program left on $ifc after stop (${n:-none})" [ -z "$n" ]
done
n=$(ping_count "$NS_C" 10.1.0.1 2)
check "the host's address answers without vgwd: ${n:-0}/2" [ "${n:-0}" -eq 2 ]

say "== SIGKILL, then a new vgwd takes over"
vgwd_start || die "vgwd did not become ready (second start)"
kill -KILL "$VGWD_PID"; { wait "$VGWD_PID"; } 2>/dev/null; VGWD_PID=""
n=$(xdp_prog_on "$IF_G0")
check "after SIGKILL the program stays on $IF_G0 (${n:-none})" [ "$n" = vgw_xdp_steer ]
n=$(ping_count "$NS_C" 10.1.0.1 3)
check "... and the host's address still answers through it: ${n:-0}/3" [ "${n:-0}" -eq 3 ]
r=$(ip -n "$NS_G" route show table 101 proto 250 | tr '\n' ';')
check "the announcements died with vgwd (its anchor device is gone): table 101 '${r}'" \
  all_true "[ -z '$r' ]" "! ip -n $NS_G link show vgw-ann0 >/dev/null 2>&1"
: >"$VGWD_LOG"
vgwd_start || die "vgwd did not become ready after a SIGKILL"
check "the new vgwd detached the program the killed one left" \
  grep -q "detached vgw's XDP program .* that an earlier vgwd left on $IF_G0" "$VGWD_LOG"
n=$(ping_count "$NS_C" "$EIP" 3)
check "EIP served again by the new vgwd: ${n:-0}/3" [ "${n:-0}" -eq 3 ]
vgwd_stop

say "== refusals"
cat >"$TOPO_TMP/pass.c" <<'EOF'
#include <linux/bpf.h>
__attribute__((section("xdp"), used)) int other_prog(struct xdp_md *ctx) { return 2; }
char _l[] __attribute__((section("license"), used)) = "GPL";
EOF
clang -O2 -target bpf -c "$TOPO_TMP/pass.c" -o "$TOPO_TMP/pass.o" -I"/usr/include/$(gcc -print-multiarch)" ||
  die "compile a foreign XDP program"
ip -n "$NS_G" link set dev "$IF_G0" xdpdrv obj "$TOPO_TMP/pass.o" sec xdp || die "attach a foreign program"
out=$(ip netns exec "$NS_G" timeout 30 "$VGWD" -c "$VGW_CONF" 2>&1); rc=$?
info "vgwd (exit $rc): $(tail -n 1 <<<"$out")"
check "a foreign XDP program on $IF_G0 is refused, not replaced (exit $rc)" \
  all_true "[ $rc -ne 0 ]" "grep -q \"already runs XDP program .* ('other_prog')\" <<<\"\$out\""
check "... and it is still attached ($(xdp_prog_on "$IF_G0"))" [ "$(xdp_prog_on "$IF_G0")" = other_prog ]
ip -n "$NS_G" link set dev "$IF_G0" xdpdrv off
xdp_conf "$TOPO_TMP/bad-addr.conf" 10.1.0.99/24
out=$(ip netns exec "$NS_G" timeout 30 "$VGWD" -c "$TOPO_TMP/bad-addr.conf" 2>&1); rc=$?
info "vgwd (exit $rc): $(tail -n 1 <<<"$out")"
check "an address the kernel interface does not have is refused (exit $rc)" \
  all_true "[ $rc -ne 0 ]" "grep -q '10.1.0.99/24 is not an address of $IF_G0' <<<\"\$out\""
for ifc in "$IF_G0" "$IF_G1"; do
  n=$(xdp_prog_on "$ifc")
  check "no XDP program left on $ifc by the refused starts (${n:-none})" [ -z "$n" ]
done
finish
