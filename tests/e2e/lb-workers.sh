#!/usr/bin/env bash
# e2e lb-workers: the load-balanced service of lb.sh with two workers and two
# af_packet queue pairs per port (lcores 0@0,1@1,2@1, qpairs=2).  The kernel
# spreads the client's packets (on p0) and the hypervisors' VXLAN replies (on
# p1, outer UDP source port from the inner flow) over the two queues by its own
# flow hash, so many packets arrive on the worker that does not own their flow
# (the owner is a hash of the client address and port) and must be handed to
# the owner.
#
#   VPC blue, VNI 1001: be1 192.168.1.11 on hv1 10.2.0.21, be2 192.168.1.12 on
#   hv2 10.2.0.22; service web 198.51.100.80:80 tcp, health checks 500 ms rise
#   2 fall 2.
#
# Checks: health up on both backends; 600 GETs on 600 new connections all
# succeed and both backends serve, without handoff_ring_full, ct_full or
# lb_no_backend drops; an 8 MiB download (4 MB/s) through the VIP arrives with
# the right sha256; show conntrack: both workers own flows, "handoff" > 0
# (packets were handed to the owning worker) and nothing full/evicted; the
# drop counters handoff_ring_full, ct_full, lb_no_backend (and the other
# load-balancer and VXLAN ones) stay 0.
# usage: lb-workers.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
source "$(dirname "$0")/vpc_topo.sh"
topo_init "${1:-}"
T0=$(date +%s)
topo_create

VIP=198.51.100.80
BACKENDS="be1 be2"
say "== hypervisors and backend VMs"
vpc_hv hv1 10.2.0.21
vpc_hv hv2 10.2.0.22
vpc_vm be1 hv1 1001 192.168.1.11/24 192.168.1.1
vpc_vm be2 hv2 1001 192.168.1.12/24 192.168.1.1
ip -n "$NS_C" route add 198.51.100.0/24 via 10.1.0.1 || die "client route to 198.51.100.0/24"
BLOB="$TOPO_TMP/blob.bin"
head -c 8M /dev/urandom >"$BLOB" || die "blob"
BLOB_SHA=$(sha256sum <"$BLOB" | cut -d' ' -f1)
# /blob at 4 MB/s: a steady bulk flow whose packets cross between the workers
# (unthrottled, a descheduled owner -- both workers share one CPU here -- can
# let its 512-entry handoff ring overflow: TCP recovers, handoff_ring_full counts)
for vm in $BACKENDS; do
  http_server "$vm" 80 "$vm" --blob "$BLOB" --blob-rate 4000000 || die "http server $vm"
done

say "== vgwd with two workers, the VPC and the service"
vgwd_config 2
grep -E '^(lcores|port)' "$VGW_CONF" | sed 's/^/    /'
vgwd_start || die "vgwd did not become ready"
cmds=("vtep add 10.2.0.1" "vpc add blue vni 1001")
for vm in $BACKENDS; do
  cmds+=("endpoint add blue ${VM_IP[$vm]} mac ${VM_MAC[$vm]} vtep ${HV_IP[${VM_HV[$vm]}]}")
done
cmds+=("service add web vip $VIP port 80 proto tcp check-interval 500 check-rise 2 check-fall 2")
for vm in $BACKENDS; do cmds+=("backend add web vpc blue ip ${VM_IP[$vm]} port 80"); done
for cmd in "${cmds[@]}"; do
  # shellcheck disable=SC2086
  check "vgwctl $cmd" vctl $cmd
done
wait_until 8 svc_health_all web up
check "both backends' health up ($(svc_be web health))" svc_health_all web up
out=$(http_many "$NS_C" "$VIP" 80 4 --path /first --parallel 1 --timeout 3 --total 10)
info "first GETs: $out"
n=$(json_get "d['ok']" <<<"$out" 2>/dev/null)
if [ "${n:-0}" -eq 0 ]; then
  # shellcheck disable=SC2086  # the lists are meant to be split
  say "   drops: $(drops_of $LB_DROPS $VPC_LEAK_DROPS no_route)"
  die "no answer through the VIP $VIP:80 (4 attempts); stopping here"
fi

say "== 600 GETs to http://$VIP/ on 600 new connections (8 at a time)"
out=$(http_many "$NS_C" "$VIP" 80 600 --parallel 8 --timeout 5 --total 40); rc=$?
info "client: $out"
nok=$(json_get "d['ok']" <<<"$out" 2>/dev/null)
ok=false; [ "$rc" -eq 0 ] && [ "${nok:-0}" -eq 600 ] && ok=true
check "600/600 requests answered 200 (${nok:-0}; exit $rc)" $ok
v=$(json_get "(d['by'].get('be1', 0), d['by'].get('be2', 0), d['distinct_ports'])" <<<"$out" 2>&1)
check "both backends served (> 150 each), from >= 540 distinct client ports (be1, be2, ports: $v)" \
  "$PY" -c 'import sys; t = eval(sys.argv[1]); sys.exit(not (t[0] > 150 and t[1] > 150 and t[2] >= 540))' "$v"

d=$(drops_of handoff_ring_full ct_full lb_no_backend)
check "after the 600 connections: handoff_ring_full, ct_full, lb_no_backend 0 ($d)" all_zero "$d"
h=$(ct_get "d['handoff']" 2>&1)
info "handoff after the connections: $h"

say "== 8 MiB download through the VIP (about 2 s)"
r=$(nsx "$NS_C" timeout 40 "$PY" "$NETUTIL" http-fetch "$VIP" 80 /blob "$TOPO_TMP/blob.out" --timeout 30 2>&1); rc=$?
info "download: $r"
v=$(json_get "(d.get('status'), d.get('bytes'), d.get('sha256') == '$BLOB_SHA')" <<<"$r" 2>&1)
ok=false; [ "$rc" -eq 0 ] && [ "$v" = "(200, 8388608, True)" ] && ok=true
check "download complete: 200, 8388608 bytes, same sha256 ($v)" $ok

say "== conntrack: flows owned per worker, packets handed over"
say "   vgwctl show conntrack:"; vctl show conntrack 2>&1 | sed 's/^/    /'
v=$(ct_get "(d['handoff'], d['created'], len(d['workers']), [w['created'] for w in d['workers']], d['full'], d['evicted'])" 2>&1)
info "handoff, created, workers, created per worker, full, evicted: $v"
check "show conntrack: 2 workers, each created flows, >= 601 created, none full/evicted ($v)" \
  "$PY" -c 'import sys; t = eval(sys.argv[1]); sys.exit(not (t[2] == 2 and min(t[3]) > 0 and t[1] >= 601 and t[4] == 0 and t[5] == 0))' "$v"
h=$(ct_get "d['handoff']" 2>&1)
check "packets were handed to the owning worker (handoff ${h:-none} > 0)" [ "${h:-0}" -gt 0 ]
v=$(svc_json web | json_get "(d['total_conns'], sum(b['total_conns'] for b in d['backend']))" 2>&1)
check "show service: total_conns >= 601, the backends' sum agrees ($v)" \
  "$PY" -c 'import sys; t = eval(sys.argv[1]); sys.exit(not (t[0] >= 601 and t[0] == t[1]))' "$v"

say "== counters"
d=$(drops_of handoff_ring_full ct_full lb_no_backend)
check "after the download too: handoff_ring_full, ct_full, lb_no_backend 0 ($d)" all_zero "$d"
# shellcheck disable=SC2086  # the lists are meant to be split
d=$(drops_of $LB_DROPS $VPC_LEAK_DROPS)
check "no other load-balancer or VXLAN drops ($d)" all_zero "$d"
check "vgwd still running" vgwd_alive
say "   vgwctl show service web:"; vctl show service web 2>&1 | sed 's/^/    /'
say "   vgwctl show stats (non-zero):"; vctl show stats 2>&1 | grep -v ': 0$' | sed 's/^/    /'
info "lb-workers.sh ran $(( $(date +%s) - T0 )) s"
finish
