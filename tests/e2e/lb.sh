#!/usr/bin/env bash
# e2e lb: an L4 load-balanced service (VIP, LVS-NAT) in front of four real
# HTTP servers in tenant VMs behind two Linux kernel VXLAN hypervisors.
#
#   VPC blue, VNI 1001, gateway 192.168.1.1; every VM's default route is the
#   VPC gateway, so replies go back through vgwd over VXLAN
#     be1 192.168.1.11 on hv1 10.2.0.21   weight 1
#     be2 192.168.1.12 on hv1             weight 1
#     be3 192.168.1.13 on hv2 10.2.0.22   weight 1
#     be4 192.168.1.14 on hv2             weight 2
#   service web: VIP 198.51.100.80 port 80 tcp (outside the client's subnet:
#   the client routes 198.51.100.0/24 via 10.1.0.1), TCP health checks every
#   500 ms, rise 2, fall 2.  Each backend's HTTP server answers its own name.
#
# Checks: show service (weights, Maglev slots in proportion, health up after
# the checks); the gateway answers ping to the VIP; 1,000 GETs on 1,000 new
# connections (>= 900 distinct client source ports) all succeed, each backend's share is
# within +-20% of its weighted share, the gateway's per-backend total_conns
# grew by what the client saw, show conntrack counted them; every backend saw
# the client's own address (10.1.0.2), never the gateway's; health-check
# failover: one server stopped (its kernel answers the probes with RST) ->
# "down", 0 slots, hc_down, 200 more GETs all succeed and none goes to it;
# restarted -> "up" (hc_up) and it gets traffic again; the same when a VM
# becomes unreachable (probes time out) and comes back; drain during a long (rate-limited) download: the download completes
# with the right size and sha256 while new connections avoid the drained
# backend; the load-balancer and VXLAN drop counters stay 0.
# usage: lb.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
source "$(dirname "$0")/vpc_topo.sh"
topo_init "${1:-}"
T0=$(date +%s)
topo_create

VIP=198.51.100.80
BACKENDS="be1 be2 be3 be4"
declare -A WEIGHT=([be1]=1 [be2]=1 [be3]=1 [be4]=2)
BLOB_MB=12           # drain test: 12 MiB at 3 MB/s, about 4 s
BLOB_RATE=3000000

say "== hypervisors and backend VMs"
vpc_hv hv1 10.2.0.21
vpc_hv hv2 10.2.0.22
vpc_vm be1 hv1 1001 192.168.1.11/24 192.168.1.1
vpc_vm be2 hv1 1001 192.168.1.12/24 192.168.1.1
vpc_vm be3 hv2 1001 192.168.1.13/24 192.168.1.1
vpc_vm be4 hv2 1001 192.168.1.14/24 192.168.1.1
ip -n "$NS_C" route add 198.51.100.0/24 via 10.1.0.1 || die "client route to 198.51.100.0/24"
BLOB="$TOPO_TMP/blob.bin"
head -c "${BLOB_MB}M" /dev/urandom >"$BLOB" || die "blob"
BLOB_SHA=$(sha256sum <"$BLOB" | cut -d' ' -f1)
start_server() {  # start_server VM: HTTP server answering its name, /blob rate-limited
  http_server "$1" 80 "$1" --blob "$BLOB" --blob-rate "$BLOB_RATE" --timeout 400
}
for vm in $BACKENDS; do start_server "$vm" || die "http server $vm"; done

say "== vgwd, the VPC and the service"
vgwd_config 1
vgwd_start || die "vgwd did not become ready"
cmds=("vtep add 10.2.0.1" "vpc add blue vni 1001")
for vm in $BACKENDS; do
  cmds+=("endpoint add blue ${VM_IP[$vm]} mac ${VM_MAC[$vm]} vtep ${HV_IP[${VM_HV[$vm]}]}")
done
cmds+=("service add web vip $VIP port 80 proto tcp check-interval 500 check-rise 2 check-fall 2")
for vm in $BACKENDS; do
  cmds+=("backend add web vpc blue ip ${VM_IP[$vm]} port 80 weight ${WEIGHT[$vm]}")
done
for cmd in "${cmds[@]}"; do
  # shellcheck disable=SC2086
  check "vgwctl $cmd" vctl $cmd
done
t=$(date +%s%N)
wait_until 8 svc_health_all web up
check "every backend's health is up within 8 s of 'backend add' ($(svc_be web health), $(( ($(date +%s%N) - t) / 1000000 )) ms)" \
  svc_health_all web up
say "   vgwctl show service web:"; vctl show service web 2>&1 | sed 's/^/    /'
v=$(svc_json web | json_get "(d['vip'], d['port'], d['proto'], d['check'], d['check_interval_ms'], d['check_rise'], d['check_fall'], d['backends'], d['usable'])")
check "show service web: $VIP 80 tcp, check tcp 500 ms rise 2 fall 2, 4 backends all usable ($v)" \
  [ "$v" = "('$VIP', 80, 'tcp', 'tcp', 500, 2, 2, 4, 4)" ]
v=$(svc_json web | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
w = {"192.168.1.11": 1, "192.168.1.12": 1, "192.168.1.13": 1, "192.168.1.14": 2}
bad = []
be = {b["ip"]: b for b in d["backend"]}
if sorted(be) != sorted(w):
    bad.append("backends %s" % sorted(be))
tot = sum(b["slots"] for b in be.values())
if tot != d["table_size"]:
    bad.append("slots sum %d != table_size %d" % (tot, d["table_size"]))
for ip, b in sorted(be.items()):
    want = d["table_size"] * w.get(ip, 0) / 5.0
    if b["weight"] != w.get(ip) or b["state"] != "up" or abs(b["slots"] - want) > 0.05 * want:
        bad.append("%s weight %s state %s slots %d (want weight %s, up, ~%d)" % (
            ip, b["weight"], b["state"], b["slots"], w.get(ip), want))
print("; ".join(bad))' 2>&1)
check "Maglev slots in proportion to the weights 1:1:1:2 (+-5%), admin state up ${v:+-- $v}" [ -z "$v" ]
n=$(sp_counter hc_up)
check "hc_up counted every backend coming up ($n, expect >= 4)" [ "${n:-0}" -ge 4 ]
n=$(ping_count "$NS_C" "$VIP" 3)
check "the gateway answers ping to the VIP $VIP: ${n:-0}/3" [ "${n:-0}" -eq 3 ]

say "== a first GET through the VIP (nothing else can work without it)"
out=$(http_many "$NS_C" "$VIP" 80 4 --path /first --parallel 1 --timeout 3 --total 10)
info "client: $out"
n=$(json_get "d['ok']" <<<"$out" 2>/dev/null)
if [ "${n:-0}" -eq 0 ]; then
  # shellcheck disable=SC2086  # the lists are meant to be split
  say "   drops: $(drops_of $LB_DROPS $VPC_LEAK_DROPS no_route)"
  die "no answer through the VIP $VIP:80 (4 attempts); stopping here"
fi
check "GETs through the VIP answered (${n:-0}/4)" [ "${n:-0}" -eq 4 ]

# hc_counters -> "hc_probe_tx=N hc_reply_rx=N ..." (slow path)
hc_counters() {
  vctl -j show stats | json_get "' '.join('%s=%s' % (k, v) for k, v in d['slowpath'].items() if k.startswith('hc_'))"
}

# snapshot NAME: per-backend total_conns (IP=N ...) into SNAP[NAME]
declare -A SNAP=()
snapshot() { SNAP[$1]=$(svc_be web total_conns); }
# by_vm JSON VM -> the client's count for VM (0 when absent)
by_vm() { json_get "d.get('by', {}).get('$2', 0)" <<<"$1"; }
# log_lines VM PATH -> number of requests for PATH in the VM's server log
log_lines() { grep -c " GET $2\$" "$TOPO_TMP/http-$1.log"; }
# conns_delta BEFORE AFTER IP -> growth of IP's total_conns
conns_delta() {
  "$PY" -c 'import sys
b = dict(kv.split("=") for kv in sys.argv[1].split())
a = dict(kv.split("=") for kv in sys.argv[2].split())
ip = sys.argv[3]
print(int(a.get(ip, "-1000000")) - int(b.get(ip, "0")))' "$1" "$2" "$3"
}

# requests TAG N WHAT: N GETs for /TAG through the VIP, each on a new
# connection, around snapshots TAG and TAGb; all must be answered. The
# client's JSON stays in $out.
requests() {
  local tag=$1 n=$2 what=$3 rc nok ok=false
  snapshot "$tag"
  out=$(http_many "$NS_C" "$VIP" 80 "$n" --path "/$tag" --parallel 8 --timeout 5 --total 30); rc=$?
  info "client: $out"
  nok=$(json_get "d['ok']" <<<"$out" 2>/dev/null)
  snapshot "${tag}b"
  [ "$rc" -eq 0 ] && [ "${nok:-0}" -eq "$n" ] && ok=true
  check "$n/$n requests answered $what (${nok:-0}; exit $rc)" $ok
}
# none_to TAG VM IP: the requests TAG reached neither VM (client's count,
# growth of its total_conns, its server log)
none_to() {
  local c g l ok=false
  c=$(by_vm "$out" "$2"); g=$(conns_delta "${SNAP[$1]}" "${SNAP[${1}b]}" "$3"); l=$(log_lines "$2" "/$1")
  [ "$c" -eq 0 ] && [ "$g" -eq 0 ] && [ "$l" -eq 0 ] && ok=true
  check "none of them went to $2 (client: $c, total_conns +$g, its log: $l)" $ok
}

say "== 1,000 GETs to http://$VIP/ on 1,000 new connections (8 at a time)"
snapshot r1
ct0=$(ct_get "d['created']")
out=$(http_many "$NS_C" "$VIP" 80 1000 --path /r1 --parallel 8 --timeout 5 --total 60); rc=$?
info "client: $out"
nok=$(json_get "d['ok']" <<<"$out" 2>/dev/null)
ok=false; [ "$rc" -eq 0 ] && [ "${nok:-0}" -eq 1000 ] && ok=true
check "1000/1000 requests answered 200 (${nok:-0}; exit $rc)" $ok
n=$(json_get "d['distinct_ports']" <<<"$out" 2>/dev/null)
# (the client's kernel may reuse a port whose connection is closed: the gateway
# re-picks on a SYN for an entry in TIME_WAIT, so that must work too)
check "from >= 900 distinct client source ports (${n:-0})" [ "${n:-0}" -ge 900 ]
v=$("$PY" -c '
import json, sys
d = json.loads(sys.argv[1]); w = json.loads(sys.argv[2])
tot = sum(w.values()); bad = []; s = []
for vm, wt in sorted(w.items()):
    want = 1000.0 * wt / tot; got = d.get("by", {}).get(vm, 0)
    s.append("%s %d/%d" % (vm, got, want))
    if abs(got - want) > 0.2 * want:
        bad.append(vm)
extra = set(d.get("by", {})) - set(w)
print(", ".join(s) + (" -- OUT OF RANGE: %s" % " ".join(bad) if bad else "") +
      (" -- unknown answers %s" % sorted(extra) if extra else ""))
' "$out" '{"be1":1,"be2":1,"be3":1,"be4":2}' 2>&1)
check "each backend within +-20% of its weighted share (got/expected: $v)" \
  grep -qv -e 'OUT OF RANGE' -e unknown -e Error <<<"$v"
snapshot r1b
for vm in $BACKENDS; do
  c=$(by_vm "$out" "$vm"); g=$(conns_delta "${SNAP[r1]}" "${SNAP[r1b]}" "${VM_IP[$vm]}"); l=$(log_lines "$vm" /r1)
  ok=false; [ "$c" -eq "$g" ] && [ "$c" -eq "$l" ] && ok=true
  check "$vm: the client got $c answers, the gateway's total_conns grew by $g, its server logged $l requests" $ok
done
v=$(svc_json web | json_get "(d['total_conns'], sum(b['total_conns'] for b in d['backend']), d['packets_in'] > 0 and d['packets_out'] > 0 and d['bytes_in'] > 0 and d['bytes_out'] > 0)")
info "service total_conns, sum over backends, traffic counted both ways: $v"
check "service total_conns and the backends' sum >= 1000, packets/bytes counted in and out ($v)" \
  "$PY" -c 'import sys; t = eval(sys.argv[1]); sys.exit(not (t[0] >= 1000 and t[1] >= 1000 and t[0] == t[1] and t[2]))' "$v"
say "   vgwctl show conntrack:"; vctl show conntrack 2>&1 | sed 's/^/    /'
v=$(ct_get "(d['created'] - $ct0, d['max_entries'], len(d['workers']), d['full'], d['evicted'])")
check "show conntrack: created grew by >= 1000, 1 worker, nothing full/evicted (created+, max, workers, full, evicted: $v)" \
  "$PY" -c 'import sys; t = eval(sys.argv[1]); sys.exit(not (t[0] >= 1000 and t[1] > 0 and t[2] == 1 and t[3] == 0 and t[4] == 0))' "$v"

say "== every backend sees the client's real address (10.1.0.2), never the gateway's"
for vm in $BACKENDS; do
  all=$(grep -c ' GET ' "$TOPO_TMP/http-$vm.log"); other=$(grep ' GET ' "$TOPO_TMP/http-$vm.log" | grep -vc '^10\.1\.0\.2 ')
  ok=false; [ "$all" -gt 0 ] && [ "$other" -eq 0 ] && ok=true
  check "$vm: $all requests logged, $other from an address other than 10.1.0.2" $ok
done

say "== health-check failover: stop be2's server"
hd0=$(sp_counter hc_down)
http_server_stop be2
t=$(date +%s%N)
wait_until 6 be_health_is web 192.168.1.12 down
ms=$(( ($(date +%s%N) - t) / 1000000 ))
info "health-check counters: $(hc_counters)"
check "be2 health down within 6 s of its server stopping (took $ms ms: $(be_field web 192.168.1.12 health))" \
  be_health_is web 192.168.1.12 down
v=$(svc_json web | json_get "(next(b['slots'] for b in d['backend'] if b['ip']=='192.168.1.12'), d['usable'])")
check "be2 holds 0 Maglev slots, 3 backends usable ($v)" [ "$v" = "(0, 3)" ]
hd1=$(sp_counter hc_down)
check "hc_down grew ($hd0 -> $hd1)" [ "${hd1:-0}" -ge $(( ${hd0:-0} + 1 )) ]
requests r2 200 "with be2 down"
none_to r2 be2 192.168.1.12
n=0; for vm in be1 be3 be4; do [ "$(by_vm "$out" "$vm")" -gt 0 ] && n=$((n + 1)); done
check "be1, be3 and be4 all served some ($n of 3)" [ "$n" -eq 3 ]

say "== restart be2's server: health up again, traffic again"
hu0=$(sp_counter hc_up)
start_server be2 || fail "restart http server be2"
t=$(date +%s%N)
wait_until 6 be_health_is web 192.168.1.12 up
ms=$(( ($(date +%s%N) - t) / 1000000 ))
check "be2 health up within 6 s of the restart (took $ms ms: $(be_field web 192.168.1.12 health))" \
  be_health_is web 192.168.1.12 up
hu1=$(sp_counter hc_up)
check "hc_up grew ($hu0 -> $hu1)" [ "${hu1:-0}" -ge $(( ${hu0:-0} + 1 )) ]
v=$(svc_json web | json_get "(next(b['slots'] for b in d['backend'] if b['ip']=='192.168.1.12'), d['usable'])")
check "be2 holds Maglev slots again, 4 usable ($v)" \
  "$PY" -c 'import sys; t = eval(sys.argv[1]); sys.exit(not (t[0] > 0 and t[1] == 4))' "$v"
requests r3 200 "with be2 back"
c=$(by_vm "$out" be2); l=$(log_lines be2 /r3)
ok=false; [ "$c" -gt 0 ] && [ "$c" -eq "$l" ] && ok=true
check "be2 serves again: $c answers (expected ~40), its server logged $l" $ok

say "== health-check failover: be3's VM becomes unreachable (its hypervisor port down)"
hd0=$(sp_counter hc_down); hu0=$(sp_counter hc_up)
ip -n "${HV_NS[hv2]}" link set "${VM_HVIF[be3]}" down || fail "link down ${VM_HVIF[be3]}"
t=$(date +%s%N)
wait_until 6 be_health_is web 192.168.1.13 down
ms=$(( ($(date +%s%N) - t) / 1000000 ))
info "health-check counters: $(hc_counters)"
check "be3 health down within 6 s of its VM becoming unreachable (took $ms ms: $(be_field web 192.168.1.13 health))" \
  be_health_is web 192.168.1.13 down
hd1=$(sp_counter hc_down)
check "hc_down grew ($hd0 -> $hd1)" [ "${hd1:-0}" -ge $(( ${hd0:-0} + 1 )) ]
requests r5 100 "with be3 down"
none_to r5 be3 192.168.1.13
ip -n "${HV_NS[hv2]}" link set "${VM_HVIF[be3]}" up || fail "link up ${VM_HVIF[be3]}"
t=$(date +%s%N)
wait_until 6 be_health_is web 192.168.1.13 up
ms=$(( ($(date +%s%N) - t) / 1000000 ))
hu1=$(sp_counter hc_up)
ok=false; be_health_is web 192.168.1.13 up && [ "${hu1:-0}" -ge $(( ${hu0:-0} + 1 )) ] && ok=true
check "be3 reachable again: health up within 6 s (took $ms ms), hc_up $hu0 -> $hu1" $ok

say "== drain during a long transfer"
FOUT="$TOPO_TMP/blob.out"
bg_ns "$NS_C" "$TOPO_TMP/fetch.log" timeout 60 "$PY" "$NETUTIL" http-fetch "$VIP" 80 /blob "$FOUT" --timeout 50
FPID=$BG_PID
DVM=""
blob_server() {  # sets DVM to the VM whose server got GET /blob
  local vm
  for vm in $BACKENDS; do grep -q ' GET /blob$' "$TOPO_TMP/http-$vm.log" && { DVM=$vm; return 0; }; done
  return 1
}
wait_until 5 blob_server
check "the download of ${BLOB_MB} MiB (at ~$((BLOB_RATE / 1000000)) MB/s) started on a backend (${DVM:-none})" [ -n "$DVM" ]
[ -n "$DVM" ] || DVM=be1
DIP=${VM_IP[$DVM]}
sleep 0.5
a=$(be_field web "$DIP" active_conns)
check "show service: $DVM active_conns >= 1 (counts its connections not yet expired, the download among them: ${a:-none})" [ "${a:-0}" -ge 1 ]
check "vgwctl backend set web vpc blue ip $DIP port 80 state drain" \
  vctl backend set web vpc blue ip "$DIP" port 80 state drain
running=false; kill -0 "$FPID" 2>/dev/null && running=true
check "the download was still running when $DVM was drained" $running
v=$(svc_json web | json_get "(next((b['state'], b['slots']) for b in d['backend'] if b['ip']=='$DIP'), d['usable'])")
check "$DVM: state drain, 0 slots, 3 usable ($v)" [ "$v" = "(('drain', 0), 3)" ]
requests r4 100 "during the drain (new connections)"
none_to r4 "$DVM" "$DIP"
running=false; kill -0 "$FPID" 2>/dev/null && running=true
check "the download was still running after those requests" $running
{ wait "$FPID"; } 2>/dev/null; rc=$?
fo=$(cat "$TOPO_TMP/fetch.log")
info "download: $fo"
v=$(json_get "(d.get('status'), d.get('bytes'), d.get('sha256'), d.get('served_by'))" <<<"$fo" 2>&1)
want="(200, $((BLOB_MB * 1048576)), '$BLOB_SHA', '$DVM')"
ok=false; [ "$rc" -eq 0 ] && [ "$v" = "$want" ] && ok=true
check "the download through the drained $DVM completed: 200, $((BLOB_MB * 1048576)) bytes, sha256 ${BLOB_SHA:0:16}..., served by $DVM (exit $rc; $v)" $ok
check "vgwctl backend set web vpc blue ip $DIP port 80 state up" \
  vctl backend set web vpc blue ip "$DIP" port 80 state up
v=$(svc_json web | json_get "(next((b['state'], b['slots'] > 0) for b in d['backend'] if b['ip']=='$DIP'), d['usable'])")
check "$DVM back up with slots, 4 usable ($v)" [ "$v" = "(('up', True), 4)" ]

say "== counters"
# shellcheck disable=SC2086  # the lists are meant to be split
d=$(drops_of $LB_DROPS)
check "no load-balancer drops ($d)" all_zero "$d"
# shellcheck disable=SC2086  # the lists are meant to be split
d=$(drops_of $VPC_LEAK_DROPS)
check "no VXLAN/NAT drops ($d)" all_zero "$d"
check "vgwd still running" vgwd_alive
say "   vgwctl show service web:"; vctl show service web 2>&1 | sed 's/^/    /'
say "   vgwctl show conntrack:"; vctl show conntrack 2>&1 | sed 's/^/    /'
say "   vgwctl show stats (non-zero):"; vctl show stats 2>&1 | grep -v ': 0$' | sed 's/^/    /'
info "lb.sh ran $(( $(date +%s) - T0 )) s"
finish
