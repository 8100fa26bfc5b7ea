#!/usr/bin/env bash
# e2e backend-kill: a dead backend leaves a VIP within 3 s with the DEFAULT
# health-check settings, Maglev moves (almost) nothing else, and a drained
# backend finishes its connections while getting no new ones.
#
#   VPC blue, VNI 1001: be1, be2 on hv1 (10.2.0.21), be3, be4 on hv2
#   (10.2.0.22), 192.168.1.11-14, each an HTTP server on port 80 answering
#   its name; service web, VIP 198.51.100.80 port 80, weights 1:1:1:1, no
#   check options (defaults: tcp, 800 ms, rise 2, fall 2).
#
# Checks: the defaults are in effect; 400 GETs from fixed client ports
# 20000-20399 record each flow's backend; be2's server killed (SIGKILL: the
# kernel answers the probes with RST) -> `show service` says down within 3 s;
# the same 400 5-tuples again: be2's flows moved, flows on the survivors moved
# by at most 1%; be3's VM vanishes (its hypervisor port down: probes time
# out) -> down within 3 s; both back; drain: 8 slow downloads (/blob, 4 MiB at
# 1 MB/s) running, the backend serving most of them set to drain -> the
# downloads through it complete intact (sha256), 200 new connections avoid
# it, no TCP RST on the client's wire.
# Prints SCORE lines for doc/reliability.md.
# usage: backend-kill.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
source "$(dirname "$0")/vpc_topo.sh"
topo_init "${1:-}"
T0=$(date +%s)
topo_create

VIP=198.51.100.80
BACKENDS="be1 be2 be3 be4"
LIMIT_MS=3000        # detection bound asserted with the default settings
P0=20000; P1=20399   # fixed client ports: 400 flows
BLOB_MB=4
BLOB_RATE=1000000
N_FETCH=8

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
# ms_until_down IP: polls `show service` until IP is down; MS = ms since T_KILL
ms_until_down() {
  local end=$(( $(now_ms) + 8000 ))
  while ! be_health_is web "$1" down; do
    [ "$(now_ms)" -ge "$end" ] && break
    sleep 0.02
  done
  MS=$(( $(now_ms) - T_KILL ))
  be_health_is web "$1" down
}

say "== hypervisors, backend VMs, HTTP servers"
vpc_hv hv1 10.2.0.21
vpc_hv hv2 10.2.0.22
vpc_vm be1 hv1 1001 192.168.1.11/24 192.168.1.1
vpc_vm be2 hv1 1001 192.168.1.12/24 192.168.1.1
vpc_vm be3 hv2 1001 192.168.1.13/24 192.168.1.1
vpc_vm be4 hv2 1001 192.168.1.14/24 192.168.1.1
ip -n "$NS_C" route add 198.51.100.0/24 via 10.1.0.1 || die "client route"
BLOB="$TOPO_TMP/blob.bin"
head -c "${BLOB_MB}M" /dev/urandom >"$BLOB" || die "blob"
BLOB_SHA=$(sha256sum <"$BLOB" | cut -d' ' -f1)
start_server() { http_server "$1" 80 "$1" --blob "$BLOB" --blob-rate "$BLOB_RATE" --timeout 230; }
for vm in $BACKENDS; do start_server "$vm" || die "http server $vm"; done

say "== vgwd and the service, default health checks"
vgwd_config 1
vgwd_start || die "vgwd did not become ready"
cmds=("vtep add 10.2.0.1" "vpc add blue vni 1001")
for vm in $BACKENDS; do
  cmds+=("endpoint add blue ${VM_IP[$vm]} mac ${VM_MAC[$vm]} vtep ${HV_IP[${VM_HV[$vm]}]}")
done
cmds+=("service add web vip $VIP port 80 proto tcp")
for vm in $BACKENDS; do cmds+=("backend add web vpc blue ip ${VM_IP[$vm]} port 80"); done
for cmd in "${cmds[@]}"; do
  # shellcheck disable=SC2086
  check "vgwctl $cmd" vctl $cmd
done
v=$(svc_json web | json_get "(d['check'], d['check_interval_ms'], d['check_rise'], d['check_fall'])")
check "default health check: tcp, 800 ms, rise 2, fall 2 ($v)" [ "$v" = "('tcp', 800, 2, 2)" ]
wait_until 8 svc_health_all web up
check "every backend up ($(svc_be web health))" svc_health_all web up

# flows TAG: one GET from each port P0..P1 -> $TOPO_TMP/flows-TAG.json
flows() {
  local out rc
  out=$(nsx "$NS_C" timeout 120 "$PY" "$NETUTIL" http-ports "$VIP" 80 "$P0" "$P1" \
    --parallel 8 --timeout 5); rc=$?
  printf '%s\n' "$out" >"$TOPO_TMP/flows-$1.json"
  info "$1: $(json_get "(d['ok'], d['count'], d['seconds'], d['fails'][:3])" <<<"$out" 2>&1)"
  return $rc
}

say "== 400 flows from fixed client ports $P0-$P1"
check "400/400 GETs answered (before)" flows before
v=$(json_get "sorted(__import__('collections').Counter(d['by_port'].values()).items())" \
  <"$TOPO_TMP/flows-before.json")
info "flows per backend: $v"

say "== kill be2's server (SIGKILL): its kernel answers the probes with RST"
kill -KILL "${HTTP_PID[be2]}" 2>/dev/null || fail "kill be2's server"
T_KILL=$(now_ms)
{ wait "${HTTP_PID[be2]}"; } 2>/dev/null
HTTP_PID[be2]=""
ms_until_down 192.168.1.12
KILL_MS=$MS
check "be2 down in show service $KILL_MS ms after its server was killed (limit $LIMIT_MS ms)" \
  [ "$KILL_MS" -le "$LIMIT_MS" ]

say "== the same 400 flows again"
check "400/400 GETs answered (after)" flows after
v=$("$PY" - "$TOPO_TMP/flows-before.json" "$TOPO_TMP/flows-after.json" <<'PYEOF'
import json, sys
b = json.load(open(sys.argv[1]))["by_port"]
a = json.load(open(sys.argv[2]))["by_port"]
dead = "be2"
surv = [p for p in b if b[p] != dead]
moved = [p for p in surv if p in a and a[p] != b[p]]
lost = [p for p in b if p not in a]
to_dead = [p for p in a if a[p] == dead]
dmoved = [p for p in b if b[p] == dead and p in a and a[p] != dead]
print(json.dumps({"survivor_flows": len(surv), "moved": len(moved), "unanswered": len(lost),
                  "to_dead": len(to_dead), "dead_flows": len(b) - len(surv),
                  "dead_moved": len(dmoved)}))
PYEOF
)
info "remapping: $v"
MOVED=$(json_get "d['moved']" <<<"$v"); SURV=$(json_get "d['survivor_flows']" <<<"$v")
ok=false; [ -n "$SURV" ] && [ "$SURV" -gt 0 ] && [ $((MOVED * 100)) -le "$SURV" ] && ok=true
check "flows on surviving backends moved: $MOVED of $SURV (limit 1%)" $ok
v2=$(json_get "(d['to_dead'], d['dead_flows'], d['dead_moved'])" <<<"$v")
ok=false; [ "$(json_get "d['to_dead'] == 0 and d['dead_moved'] == d['dead_flows'] > 0" <<<"$v")" = True ] && ok=true
check "no flow went to be2, all of be2's flows answered elsewhere (to be2, be2's flows, moved: $v2)" $ok

say "== be3's VM vanishes (its hypervisor port down): probes time out"
ip -n "${HV_NS[hv2]}" link set "${VM_HVIF[be3]}" down || fail "link down ${VM_HVIF[be3]}"
T_KILL=$(now_ms)
ms_until_down 192.168.1.13
GONE_MS=$MS
check "be3 down in show service $GONE_MS ms after its VM vanished (limit $LIMIT_MS ms)" \
  [ "$GONE_MS" -le "$LIMIT_MS" ]

say "== be2 and be3 back"
start_server be2 || fail "restart be2's server"
ip -n "${HV_NS[hv2]}" link set "${VM_HVIF[be3]}" up || fail "link up ${VM_HVIF[be3]}"
T_BACK=$(now_ms)
wait_until 6 svc_health_all web up
UP_MS=$(( $(now_ms) - T_BACK ))
check "every backend up again within 6 s ($UP_MS ms: $(svc_be web health))" svc_health_all web up

say "== drain during $N_FETCH downloads of $BLOB_MB MiB at $((BLOB_RATE / 1000)) kB/s"
cap_start rst "$NS_C" "$IF_C" 'tcp[tcpflags] & tcp-rst != 0' || fail "capture"
FPIDS=()
for i in $(seq 1 "$N_FETCH"); do
  bg_ns "$NS_C" "$TOPO_TMP/fetch-$i.log" timeout 60 "$PY" "$NETUTIL" http-fetch "$VIP" 80 /blob \
    "$TOPO_TMP/fetch-$i.out" --timeout 50
  FPIDS+=("$BG_PID")
done
blob_counts() {  # "vm=N ..." downloads each server has started
  local vm; for vm in $BACKENDS; do
    printf '%s=%s ' "$vm" "$(grep -c ' GET /blob$' "$TOPO_TMP/http-$vm.log")"; done
}
all_started() {
  local kv n=0
  for kv in $(blob_counts); do n=$((n + ${kv#*=})); done
  [ "$n" -ge "$N_FETCH" ]
}
wait_until 5 all_started
counts=$(blob_counts)
info "downloads per backend: $counts"
DVM=$(tr ' ' '\n' <<<"$counts" | grep . | sort -t= -k2 -nr | head -1 | cut -d= -f1)
DN=$(tr ' ' '\n' <<<"$counts" | grep "^$DVM=" | cut -d= -f2)
DIP=${VM_IP[$DVM]}
check "all $N_FETCH downloads started; $DVM serves $DN of them" all_started
sleep 0.5
check "vgwctl backend set web vpc blue ip $DIP port 80 state drain" \
  vctl backend set web vpc blue ip "$DIP" port 80 state drain
running=0; for p in "${FPIDS[@]}"; do kill -0 "$p" 2>/dev/null && running=$((running + 1)); done
check "downloads still running when $DVM was drained: $running of $N_FETCH" [ "$running" -ge 1 ]
out=$(http_many "$NS_C" "$VIP" 80 200 --path /during-drain --parallel 8 --timeout 5 --total 40); rc=$?
n=$(json_get "d['ok']" <<<"$out" 2>/dev/null); c=$(json_get "d.get('by', {}).get('$DVM', 0)" <<<"$out" 2>/dev/null)
l=$(grep -c ' GET /during-drain$' "$TOPO_TMP/http-$DVM.log")
ok=false; [ "$rc" -eq 0 ] && [ "${n:-0}" -eq 200 ] && [ "${c:-1}" -eq 0 ] && [ "$l" -eq 0 ] && ok=true
check "200/200 new connections during the drain answered (${n:-0}), none by $DVM (client: ${c:-?}, its log: $l)" $ok
intact=0; on_drained=0; ok_drained=0
for i in $(seq 1 "$N_FETCH"); do
  { wait "${FPIDS[$((i - 1))]}"; } 2>/dev/null; rc=$?
  fo=$(cat "$TOPO_TMP/fetch-$i.log")
  v=$(json_get "(d.get('status'), d.get('bytes'), d.get('sha256'))" <<<"$fo" 2>&1)
  good=false
  [ "$rc" -eq 0 ] && [ "$v" = "(200, $((BLOB_MB * 1048576)), '$BLOB_SHA')" ] && good=true
  $good && intact=$((intact + 1))
  if grep -q "\"served_by\": \"$DVM\"" <<<"$fo"; then
    on_drained=$((on_drained + 1)); $good && ok_drained=$((ok_drained + 1))
  fi
  $good || info "download $i (exit $rc): $fo"
done
check "downloads complete and intact (200, $((BLOB_MB * 1048576)) bytes, sha256): $intact of $N_FETCH" \
  [ "$intact" -eq "$N_FETCH" ]
ok=false; [ "$on_drained" -ge 1 ] && [ "$ok_drained" -eq "$on_drained" ] && ok=true
check "those through the drained $DVM completed: $ok_drained of $on_drained" $ok
cap_stop rst
RSTS=$(cap_count rst)
check "no TCP RST on the client's wire during the drain ($RSTS)" [ "${RSTS:-1}" -eq 0 ]
check "vgwctl backend set web vpc blue ip $DIP port 80 state up" \
  vctl backend set web vpc blue ip "$DIP" port 80 state up

say "== counters"
# shellcheck disable=SC2086
d=$(drops_of $LB_DROPS)
check "no load-balancer drops ($d)" all_zero "$d"
check "vgwd still running" vgwd_alive
say "SCORE: backend-kill detection (server killed, RST): $KILL_MS ms (bound $LIMIT_MS ms, defaults 800 ms x fall 2)"
say "SCORE: backend-kill detection (VM vanished, timeouts): $GONE_MS ms (bound $LIMIT_MS ms)"
say "SCORE: backend-kill flows remapped on survivors: $MOVED/$SURV"
say "SCORE: backend-drain: $ok_drained/$on_drained drained downloads intact, $c/200 new connections to the drained backend, $RSTS RST"
info "backend-kill.sh ran $(( $(date +%s) - T0 )) s"
finish
