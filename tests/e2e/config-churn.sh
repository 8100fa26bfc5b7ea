#!/usr/bin/env bash
# e2e config-churn: configuration changes under load lose no packet of the
# flows whose mapping they do not change.
#
#   VPC blue, VNI 1001:
#     vm1 192.168.1.10 on hv1   EIP 198.51.100.10: UDP sink :7000, HTTP :80
#     be1 192.168.1.11 on hv1   backends of service web (VIP 198.51.100.80
#     be2 192.168.1.12 on hv2   port 80 tcp) and dns (same VIP, 5353 udp)
#
# While four flows run from the client (sequence-numbered UDP at 200
# datagrams/s to the EIP and to the VIP, each a single flow; one rate-limited
# HTTP download of 12 MiB through the EIP and one through the VIP), 100
# rounds of vgwctl changes, each one batch: an EIP added and the previous
# round's deleted, a service with two backends added (weights, drain) and the
# previous round's deleted, a route added and the previous one deleted, the
# weights of web's and dns's own backends changed and a spare backend added to
# or removed from each (the running flows are pinned by their connection
# entries, so their mapping does not change). Checks: every round applied; no
# datagram lost or duplicated; both downloads complete with the right sha256;
# no TCP RST on the client's wire; no gateway drops. Prints SCORE lines.
# usage: config-churn.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
source "$(dirname "$0")/vpc_topo.sh"
topo_init "${1:-}"
T0=$(date +%s)
topo_create

EIP=198.51.100.10
VIP=198.51.100.80
ROUNDS=100
UDP_RATE=200
UDP_COUNT=4000       # 20 s per UDP flow
BLOB_MB=12
BLOB_RATE=600000     # 12 MiB at 600 kB/s: about 21 s

say "== hypervisors, VMs, servers"
vpc_hv hv1 10.2.0.21
vpc_hv hv2 10.2.0.22
vpc_vm vm1 hv1 1001 192.168.1.10/24 192.168.1.1
vpc_vm be1 hv1 1001 192.168.1.11/24 192.168.1.1
vpc_vm be2 hv2 1001 192.168.1.12/24 192.168.1.1
ip -n "$NS_C" route add 198.51.100.0/24 via 10.1.0.1 || die "client route"
BLOB="$TOPO_TMP/blob.bin"
head -c "${BLOB_MB}M" /dev/urandom >"$BLOB" || die "blob"
BLOB_SHA=$(sha256sum <"$BLOB" | cut -d' ' -f1)
for vm in vm1 be1 be2; do
  http_server "$vm" 80 "$vm" --blob "$BLOB" --blob-rate "$BLOB_RATE" --timeout 200 || die "http server $vm"
done
for vm in vm1 be1 be2; do
  port=5353; [ "$vm" = vm1 ] && port=7000
  vm_bg "$vm" "$TOPO_TMP/sink-$vm.err" "$PY" "$NETUTIL" udp-sink "${VM_IP[$vm]}" "$port" \
    "$TOPO_TMP/sink-$vm.json" --duration 150
  eval "SINK_PID_$vm=$BG_PID"
done

say "== vgwd, the VPC, the EIP, the services"
vgwd_config 1
vgwd_start || die "vgwd did not become ready"
{
  echo "vtep add 10.2.0.1"
  echo "vpc add blue vni 1001"
  for vm in vm1 be1 be2; do
    echo "endpoint add blue ${VM_IP[$vm]} mac ${VM_MAC[$vm]} vtep ${HV_IP[${VM_HV[$vm]}]}"
  done
  # addresses the churn maps EIPs (100-149) and backends (150-199) to
  for k in $(seq 100 199); do
    printf 'endpoint add blue 192.168.1.%d mac 02:56:4d:00:01:%02x vtep 10.2.0.2%d\n' "$k" $((k - 100)) $((k % 2 + 1))
  done
  echo "eip add $EIP vpc blue ip 192.168.1.10"
  echo "service add web vip $VIP port 80 proto tcp"
  echo "backend add web vpc blue ip 192.168.1.11 port 80"
  echo "backend add web vpc blue ip 192.168.1.12 port 80"
  echo "service add dns vip $VIP port 5353 proto udp"
  echo "backend add dns vpc blue ip 192.168.1.11 port 5353"
  echo "backend add dns vpc blue ip 192.168.1.12 port 5353"
} >"$TOPO_TMP/setup.cmds"
check "the set-up applied in one vgwctl batch ($(wc -l <"$TOPO_TMP/setup.cmds") commands)" \
  eval 'vctl <"$TOPO_TMP/setup.cmds" >/dev/null'
wait_until 8 svc_health_all web up
check "web's backends up ($(svc_be web health))" svc_health_all web up
out=$(http_get "$NS_C" "http://$EIP/" 2>&1)
check "GET through the EIP answered by vm1 ($out)" [ "$out" = vm1 ]

say "== four flows: UDP to the EIP and to the VIP, a download through each"
cap_start rst "$NS_C" "$IF_C" 'tcp[tcpflags] & tcp-rst != 0' || fail "capture"
bg_ns "$NS_C" "$TOPO_TMP/udp-eip.log" "$PY" "$NETUTIL" udp-stream "$EIP" 7000 \
  --rate "$UDP_RATE" --count "$UDP_COUNT" --duration 40
UDP_EIP_PID=$BG_PID
bg_ns "$NS_C" "$TOPO_TMP/udp-vip.log" "$PY" "$NETUTIL" udp-stream "$VIP" 5353 \
  --rate "$UDP_RATE" --count "$UDP_COUNT" --duration 40
UDP_VIP_PID=$BG_PID
bg_ns "$NS_C" "$TOPO_TMP/fetch-eip.log" timeout 80 "$PY" "$NETUTIL" http-fetch "$EIP" 80 /blob \
  "$TOPO_TMP/fetch-eip.out" --timeout 70
FETCH_EIP_PID=$BG_PID
bg_ns "$NS_C" "$TOPO_TMP/fetch-vip.log" timeout 80 "$PY" "$NETUTIL" http-fetch "$VIP" 80 /blob \
  "$TOPO_TMP/fetch-vip.out" --timeout 70
FETCH_VIP_PID=$BG_PID
sleep 1.5

say "== $ROUNDS rounds of configuration changes"
# round_cmds I: the batch of round I (undoes round I-1's additions)
round_cmds() {
  local i=$1 p=$(( $1 - 1 )) e b r
  e=$((100 + i % 50)); b=$((150 + (2 * i) % 50)); r=$((i % 50))
  echo "eip add 198.51.100.$((100 + i % 50)) vpc blue ip 192.168.1.$e"
  echo "service add o$i vip 198.51.100.$((200 + i % 20)) port $((8000 + i)) proto tcp"
  echo "backend add o$i vpc blue ip 192.168.1.$b port 80 weight 1"
  echo "backend add o$i vpc blue ip 192.168.1.$((b + 1)) port 80 weight 2"
  echo "backend set o$i vpc blue ip 192.168.1.$b port 80 weight 3"
  echo "backend set o$i vpc blue ip 192.168.1.$((b + 1)) port 80 state drain"
  echo "route add 172.16.$r.0/24 via 10.2.0.11"
  echo "backend set web vpc blue ip 192.168.1.1$((i % 2 + 1)) port 80 weight $((i % 3 + 1))"
  echo "backend set dns vpc blue ip 192.168.1.1$((i % 2 + 1)) port 5353 weight $((i % 3 + 1))"
  if [ $((i % 2)) -eq 0 ]; then
    echo "backend add web vpc blue ip 192.168.1.199 port 80"
    echo "backend add dns vpc blue ip 192.168.1.199 port 5353"
  else
    echo "backend del web vpc blue ip 192.168.1.199 port 80"
    echo "backend del dns vpc blue ip 192.168.1.199 port 5353"
  fi
  if [ "$p" -ge 0 ]; then
    echo "eip del 198.51.100.$((100 + p % 50))"
    echo "service del o$p"
    echo "route del 172.16.$((p % 50)).0/24"
  fi
}
applied=0; ncmds=0; t_churn=$(date +%s%N)
for i in $(seq 0 $((ROUNDS - 1))); do
  round_cmds "$i" >"$TOPO_TMP/round.cmds"
  ncmds=$((ncmds + $(wc -l <"$TOPO_TMP/round.cmds")))
  if vctl <"$TOPO_TMP/round.cmds" >"$TOPO_TMP/round.out" 2>&1; then applied=$((applied + 1))
  else info "round $i refused: $(tail -n 2 "$TOPO_TMP/round.out" | tr '\n' ' ')"; fi
  sleep 0.1
done
CHURN_MS=$(( ($(date +%s%N) - t_churn) / 1000000 ))
check "$applied of $ROUNDS rounds applied ($ncmds commands in $CHURN_MS ms)" [ "$applied" -eq "$ROUNDS" ]
{
  echo "eip del 198.51.100.$((100 + (ROUNDS - 1) % 50))"
  echo "service del o$((ROUNDS - 1))"
  echo "route del 172.16.$(( (ROUNDS - 1) % 50 )).0/24"
} | vctl >/dev/null || fail "undo the last round"
running=0
for p in $UDP_EIP_PID $UDP_VIP_PID $FETCH_EIP_PID $FETCH_VIP_PID; do kill -0 "$p" 2>/dev/null && running=$((running + 1)); done
check "the four flows outlasted the churn ($running of 4 still running)" [ "$running" -eq 4 ]
v=$(vctl -j show eip | json_get "len(d['eips'])" 2>&1); w=$(vctl -j show service | json_get "sorted(s['name'] for s in d['services'])" 2>&1)
check "after the churn: 1 EIP, services dns and web ($v, $w)" [ "$v $w" = "1 ['dns', 'web']" ]

say "== results"
for p in $UDP_EIP_PID $UDP_VIP_PID; do { wait "$p"; } 2>/dev/null; done
rc_e=0; rc_v=0
{ wait "$FETCH_EIP_PID"; } 2>/dev/null || rc_e=$?
{ wait "$FETCH_VIP_PID"; } 2>/dev/null || rc_v=$?
sleep 1  # the last datagrams
for vm in vm1 be1 be2; do v="SINK_PID_$vm"; stop_pid "${!v}" 5; done
cap_stop rst
UDP=$("$PY" - "$TOPO_TMP" "$UDP_COUNT" <<'PYEOF'
import json, sys
d, n = sys.argv[1], int(sys.argv[2])
def load(vm):
    try:
        return json.load(open("%s/sink-%s.json" % (d, vm)))["seqs"]
    except (OSError, ValueError, KeyError):
        return []
res = {}
for name, seqs in (("eip", load("vm1")), ("vip", load("be1") + load("be2"))):
    u = set(seqs)
    res[name] = {"sent": n, "received": len(seqs), "lost": len(set(range(n)) - u),
                 "dup": len(seqs) - len(u)}
print(json.dumps(res))
PYEOF
)
info "UDP: $UDP"
info "UDP sent: EIP $(cat "$TOPO_TMP/udp-eip.log"), VIP $(cat "$TOPO_TMP/udp-vip.log")"
LOST=$(json_get "d['eip']['lost'] + d['vip']['lost']" <<<"$UDP")
DUP=$(json_get "d['eip']['dup'] + d['vip']['dup']" <<<"$UDP")
TOTAL=$((2 * UDP_COUNT))
ok=false; [ "${LOST:-1}" -eq 0 ] && [ "${DUP:-1}" -eq 0 ] && ok=true
check "UDP through the EIP and the VIP: $LOST of $TOTAL datagrams lost, $DUP duplicated" $ok
n=0; for vm in be1 be2; do [ "$(sink_field "$TOPO_TMP/sink-$vm.json" "d['packets']")" -gt 0 ] && n=$((n + 1)); done
check "the VIP's UDP flow stayed on one backend ($n of 2 received any)" [ "$n" -eq 1 ]
tcp_ok=0
for t in eip vip; do
  fo=$(cat "$TOPO_TMP/fetch-$t.log")
  info "download through the ${t^^}: $fo"
  v=$(json_get "(d.get('status'), d.get('bytes'), d.get('sha256'))" <<<"$fo" 2>&1)
  rc=$rc_e; [ "$t" = vip ] && rc=$rc_v
  if [ "$rc" -eq 0 ] && [ "$v" = "(200, $((BLOB_MB * 1048576)), '$BLOB_SHA')" ]; then tcp_ok=$((tcp_ok + 1)); fi
done
check "both downloads complete: 200, $((BLOB_MB * 1048576)) bytes, sha256 ${BLOB_SHA:0:16}... ($tcp_ok of 2)" [ "$tcp_ok" -eq 2 ]
RSTS=$(cap_count rst)
check "no TCP RST on the client's wire ($RSTS)" [ "${RSTS:-1}" -eq 0 ]
# shellcheck disable=SC2086
d=$(drops_of $LB_DROPS $VPC_LEAK_DROPS no_route)
check "no gateway drops of these kinds ($d)" all_zero "$d"
check "vgwd still running" vgwd_alive
say "SCORE: config-churn UDP lost: $LOST/$TOTAL (duplicated $DUP) over $ROUNDS rounds, $ncmds commands"
say "SCORE: config-churn TCP transfers intact: $tcp_ok/2, RST $RSTS"
info "config-churn.sh ran $(( $(date +%s) - T0 )) s"
finish
