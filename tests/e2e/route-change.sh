#!/usr/bin/env bash
# e2e route-change: a UDP stream to 10.8.0.1 follows `route replace` from r1 to
# r2 while it runs, without loss; `route del` stops it (no_route grows).
# usage: route-change.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
topo_init "${1:-}"
topo_create
vgwd_config 1
vgwd_start || die "vgwd did not become ready"

S1="$TOPO_TMP/sink1.json"; S2="$TOPO_TMP/sink2.json"
n1() { sink_field "$S1" "d['packets']"; }
n2() { sink_field "$S2" "d['packets']"; }

say "== route add 10.8.0.0/24 via 10.2.0.11"
check "route add accepted" vctl route add 10.8.0.0/24 via 10.2.0.11
# resolve both routers now so the switch-over does not wait for ARP
nsx "$NS_C" ping -n -c 1 -W 2 10.2.0.11 >/dev/null 2>&1
nsx "$NS_C" ping -n -c 1 -W 2 10.2.0.12 >/dev/null 2>&1

bg_ns "$NS_R1" "$TOPO_TMP/sink1.log" "$PY" "$NETUTIL" udp-sink 10.8.0.1 7002 "$S1" --duration 90
bg_ns "$NS_R2" "$TOPO_TMP/sink2.log" "$PY" "$NETUTIL" udp-sink 10.8.0.1 7002 "$S2" --duration 90
wait_until 5 _file_nonempty "$S1" && wait_until 5 _file_nonempty "$S2" || die "UDP receivers did not start"

say "== UDP stream from c to 10.8.0.1:7002 (100 packets/s, at most 3000 packets / 40 s)"
bg_ns "$NS_C" "$TOPO_TMP/stream.log" "$PY" "$NETUTIL" udp-stream 10.8.0.1 7002 --rate 100 --count 3000 --duration 40
STREAM_PID=$BG_PID
_r1_has() { [ "$(n1)" -ge 50 ]; }
check "packets arrive at r1" wait_until 10 _r1_has
info "r1=$(n1) r2=$(n2)"
check "nothing arrives at r2 yet ($(n2))" [ "$(n2)" -eq 0 ]

say "== vgwctl route replace 10.8.0.0/24 via 10.2.0.12 (stream running)"
check "route replace accepted" vctl route replace 10.8.0.0/24 via 10.2.0.12
vctl show route 2>&1 | sed 's/^/    /'
sleep 0.5
a1=$(n1); a2=$(n2)
sleep 2
b1=$(n1); b2=$(n2)
info "after replace: r1 $a1 -> $b1, r2 $a2 -> $b2 (over 2 s)"
check "new packets arrive at r2 ($((b2 - a2)) in 2 s, expect >= 100)" [ $((b2 - a2)) -ge 100 ]
check "no new packets at r1 ($((b1 - a1)))" [ $((b1 - a1)) -eq 0 ]

# loss across the switch-over: every sequence number between the first seen
# at r1 and the last seen at r2 must have arrived at exactly one router
loss=$("$PY" - "$S1" "$S2" <<'PYEOF'
import json, sys
a = json.load(open(sys.argv[1]))["seqs"]; b = json.load(open(sys.argv[2]))["seqs"]
seen = set(a) | set(b)
lo, hi = min(a), max(b)
missing = [s for s in range(lo, hi + 1) if s not in seen]
print(len(missing), len(set(a) & set(b)), lo, hi, missing[:10])
PYEOF
)
read -r lost dup lo hi rest <<<"$loss"
info "sequence $lo..$hi: $lost missing $rest, $dup delivered twice"
check "no packet lost or duplicated across route replace (missing $lost, dup $dup)" \
  test "${lost:-1}" -eq 0 -a "${dup:-1}" -eq 0

say "== vgwctl route del 10.8.0.0/24 (stream running)"
nr0=$(stat_drop no_route)
check "route del accepted" vctl route del 10.8.0.0/24
sleep 0.5
c2=$(n2); nr1=$(stat_drop no_route)
sleep 2
d1=$(n1); d2=$(n2); nr2=$(stat_drop no_route)
info "after del: r2 $c2 -> $d2, r1 $b1 -> $d1, no_route $nr0 -> $nr1 -> $nr2"
check "traffic stopped at r2 ($((d2 - c2)) new)" [ $((d2 - c2)) -eq 0 ]
check "traffic stopped at r1 ($((d1 - b1)) new)" [ $((d1 - b1)) -eq 0 ]
check "no_route grows while the stream runs ($((nr2 - nr1)) in 2 s, expect >= 100)" [ $((nr2 - nr1)) -ge 100 ]
stop_pid "$STREAM_PID" 5
check "vgwd still running" vgwd_alive
say "   vgwctl show stats:"; vctl show stats 2>&1 | sed 's/^/    /'
finish
