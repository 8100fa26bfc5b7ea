#!/usr/bin/env bash
# e2e virtio: vgwd on virtio NICs, the way it runs in a VM. Its two ports are
# DPDK virtio PMD devices (net_virtio_user, queues=2) attached over vhost-user
# to a host-side vswitch: dpdk-testpmd with a net_vhost port per vgwd port,
# each forwarded (io, paired) to a net_af_packet port on the veth the other
# e2e tests give vgwd directly:
#
#   c --veth-- [g0] af_packet0 <-> vhost0 ==vhost-user== virtio_user0  p0  vgwd
#   switch --veth-- [g1] af_packet1 <-> vhost1 ==vhost-user== virtio_user1  p1  (2 workers)
#              (dpdk-testpmd, the "hypervisor's vswitch")
#
# Checks: show port: both ports with 2 RX and 2 TX queues on the virtio PMD,
# and ip_cksum "software" (the virtio PMD offers no IPv4 header checksum
# offload: a port claiming it would send VXLAN with a zero outer checksum,
# which the hypervisors would drop; the captured outer checksums are checked
# too); EIP: ping (TTL 63) and 5 MiB each way by TCP with the same sha256;
# VIP: 200 GETs through a service over two backends on two hypervisors, all
# answered, both backends used; both workers received packets (the two queue
# pairs both carry traffic).
#
# Memory: both processes run --no-huge; EAL then backs its memory with a
# memfd (legacy memory, one segment list), which the vhost side maps from
# the descriptor virtio_user sends (VHOST_USER_SET_MEM_TABLE), so no
# hugepages are needed.
# usage: virtio.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
source "$(dirname "$0")/vpc_topo.sh"
topo_init "${1:-}"
T0=$(date +%s)
TESTPMD=$(command -v dpdk-testpmd) || die "missing tool: dpdk-testpmd (dpdk; run tests/setup.sh)"
topo_create

VS_PREFIX="vgw-e2e-vs-$SUF"          # the vswitch's EAL file prefix
TOPO_DPDK_PREFIXES+=("$VS_PREFIX")   # topo_cleanup removes /var/run/dpdk/<prefix>
SOCK0="$TOPO_TMP/vhost0.sock"
SOCK1="$TOPO_TMP/vhost1.sock"
VS_LOG="$TOPO_TMP/vswitch.log"
EIP=10.1.0.100
VIP=198.51.100.80

say "== the vswitch: dpdk-testpmd, vhost-user <-> af_packet"
# Ports in --vdev order: 0 vhost0, 1 af_packet0, 2 vhost1, 3 af_packet1;
# paired: 0<->1, 2<->3. Its forwarding lcore shares CPU 0 with vgwd's main
# lcore (vgwd's workers are on CPU 1). --stats-period keeps it running
# without a terminal (it ends on SIGTERM, removing its sockets).
bg_ns "$NS_G" "$VS_LOG" timeout 170 "$TESTPMD" --lcores '0@0,1@0' --no-huge -m 512 --no-pci \
  --file-prefix "$VS_PREFIX" --log-level='*:notice' \
  --vdev "net_vhost0,iface=$SOCK0,queues=2" \
  --vdev "net_af_packet0,iface=$IF_G0,qpairs=2" \
  --vdev "net_vhost1,iface=$SOCK1,queues=2" \
  --vdev "net_af_packet1,iface=$IF_G1,qpairs=2" \
  -- --forward-mode=io --port-topology=paired --rxq=2 --txq=2 --nb-cores=1 \
  --total-num-mbufs=8192 --stats-period 30
VS_PID=$BG_PID
_socks() { [ -S "$SOCK0" ] && [ -S "$SOCK1" ]; }
if ! wait_until 20 _socks; then
  sed 's/^/    /' "$VS_LOG" | tail -n 30
  die "dpdk-testpmd did not create its vhost-user sockets"
fi
info "testpmd (pid $VS_PID) listening on $SOCK0 and $SOCK1"

say "== hypervisors, VMs, client route"
vpc_hv hv1 10.2.0.21
vpc_hv hv2 10.2.0.22
vpc_vm vm1 hv1 1001 192.168.1.10/24 192.168.1.1
vpc_vm be1 hv1 1001 192.168.1.11/24 192.168.1.1
vpc_vm be2 hv2 1001 192.168.1.12/24 192.168.1.1
ip -n "$NS_C" route add 198.51.100.0/24 via 10.1.0.1 || die "client route to 198.51.100.0/24"
for vm in be1 be2; do http_server "$vm" 80 "$vm" || die "http server $vm"; done

say "== vgwd on virtio_user ports, 2 workers"
# cq=1: the virtio PMD selects the queue pairs in use through the control
# queue, which virtio_user emulates only when asked
cat >"$VGW_CONF" <<EOF
eal --no-huge -m 512 --no-pci --file-prefix $FILE_PREFIX --log-level=*:warning
lcores 0@0,1@1,2@1
control socket $VGW_SOCK
port p0 dev net_virtio_user0,path=$SOCK0,queues=2,cq=1 role public address 10.1.0.1/24
port p1 dev net_virtio_user1,path=$SOCK1,queues=2,cq=1 role underlay address 10.2.0.1/24
EOF
vgwd_start "$VGW_CONF" 30 || die "vgwd did not become ready on virtio_user ports"
vctl show port 2>&1 | sed 's/^/    /'
port_field() { vctl -j show port | json_get "next(p['$2'] for p in d['ports'] if p['name']=='$1')"; }
for p in p0 p1; do
  v=$(vctl -j show port | json_get "next((p['dpdk_name'], p['rxq'], p['txq'], p['mtu'], p['link']) for p in d['ports'] if p['name']=='$p')")
  n=${p#p}
  check "show port $p: net_virtio_user$n, 2 RX and 2 TX queues, MTU 1500, link up ($v)" \
    [ "$v" = "('net_virtio_user$n', 2, 2, 1500, 'up')" ]
  v=$(port_field "$p" ip_cksum)
  check "show port $p: ip_cksum software, as the virtio PMD offers no IPv4 checksum offload ($v)" \
    [ "$v" = software ]
done

for cmd in "vtep add 10.2.0.1" "vpc add blue vni 1001" \
           "endpoint add blue 192.168.1.10 mac ${VM_MAC[vm1]} vtep 10.2.0.21" \
           "endpoint add blue 192.168.1.11 mac ${VM_MAC[be1]} vtep 10.2.0.21" \
           "endpoint add blue 192.168.1.12 mac ${VM_MAC[be2]} vtep 10.2.0.22" \
           "eip add $EIP vpc blue ip 192.168.1.10" \
           "service add web vip $VIP port 80 proto tcp check-interval 500 check-rise 2 check-fall 2" \
           "backend add web vpc blue ip 192.168.1.11 port 80" \
           "backend add web vpc blue ip 192.168.1.12 port 80"; do
  # shellcheck disable=SC2086
  check "vgwctl $cmd" vctl $cmd
done

say "== EIP: ping and TCP through the virtio ports"
cap_start gw2hv1 "${HV_NS[hv1]}" "${HV_IF[hv1]}" udp dst port 4789 and src host 10.2.0.1 ||
  fail "capture on hv1"
out=$(nsx "$NS_C" ping -n -c 5 -i 0.2 -W 2 "$EIP" 2>&1)
cap_stop gw2hv1
n=$(printf '%s\n' "$out" | sed -n 's/.* \([0-9]\+\) received.*/\1/p')
check "ping $EIP (vm1 on hv1): ${n:-0}/5 replies" [ "${n:-0}" -ge 4 ]
check "replies with ttl=63 (one gateway hop)" grep -q "from $EIP: icmp_seq=.* ttl=63" <<<"$out"
v=$(cap_json gw2hv1 | json_get "(len(d), sum(1 for f in d if f.get('ip_csum_ok') and f.get('inner_ip_csum_ok')))")
read -r nf nok < <(tr -d '(),' <<<"$v")
ok=false; [ "${nf:-0}" -ge 4 ] && [ "$nf" = "$nok" ] && ok=true
check "VXLAN frames vgwd sent through virtio carry valid outer and inner IPv4 checksums (frames, valid: $v)" $ok
check "5 MiB vm1 -> client through the EIP, same sha256" \
  tcp_transfer_ns 5 "${VM_NS[vm1]}" "$NS_C" "$EIP" 5001
check "5 MiB client -> vm1 (the client serves, vm1 connects out: SNAT to the EIP)" \
  tcp_transfer_ns 5 "$NS_C" "${VM_NS[vm1]}" 10.1.0.2 5002

say "== VIP: GETs through the service"
wait_until 10 svc_health_all web up
check "both backends up ($(svc_be web health))" svc_health_all web up
out=$(http_many "$NS_C" "$VIP" 80 200 --path /v --parallel 4 --timeout 5 --total 60); rc=$?
info "client: $out"
nok=$(json_get "d['ok']" <<<"$out" 2>/dev/null)
ok=false; [ "$rc" -eq 0 ] && [ "${nok:-0}" -eq 200 ] && ok=true
check "200/200 GETs through $VIP answered (${nok:-0}; exit $rc)" $ok
by=$(json_get "sorted(d['by'].items())" <<<"$out" 2>/dev/null)
ok=false; json_get "d['by'].get('be1', 0) > 0 and d['by'].get('be2', 0) > 0" <<<"$out" 2>/dev/null |
  grep -qx True && ok=true
check "both backends served ($by)" $ok

say "== both queue pairs carried traffic"
vctl show runtime 2>&1 | sed 's/^/    /' | head -n 30
per=$(vctl -j show stats | json_get "[w['rx'] for w in d['workers']]")
ok=false; json_get "len(d) == 2 and min(d) > 0" <<<"$per" | grep -qx True && ok=true
check "each of the 2 workers received packets from its RX queue ($per)" $ok
check "the vswitch still runs" kill -0 "$VS_PID"
check "vgwd stops cleanly" vgwd_stop
stop_pid "$VS_PID" 10
check "the vswitch's vhost-user sockets are gone after it stopped" bash -c "! [ -e '$SOCK0' ]"
info "$(grep -m1 -E 'Forward statistics|RX-packets' "$VS_LOG" || true)"
info "took $(( $(date +%s) - T0 )) s"
finish
