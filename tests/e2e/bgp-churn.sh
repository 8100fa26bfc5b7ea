#!/usr/bin/env bash
# e2e bgp-churn (issue 19, reliability scorecard): a BIRD upstream flaps
# 100,000 prefixes every 100 ms while traffic to prefixes that never change is
# counted; vgwd must lose none of it, and the slow path's CPU per route update
# is measured.  Topology: tests/e2e/bgp_topo.sh (vgwd mode), as bgp-bird.sh:
#
#   vgwd + BIRD (conf/bird/vgw-bird.conf) in g, host port $HP0 192.0.2.1/24,
#   kernel import-table 100, announce-table 101, fib max-routes 262144;
#   r1 (BIRD, conf/bird/upstream-bird.conf) offers 198.51.100.0/24 (anycast,
#   also from r2) and 198.18.1.0/24 (r1 only) -- the UNCHANGED prefixes --
#   plus a static protocol `churn` of CHURN_N /24s (20.0.0.0/24 and up) that
#   the test toggles with `birdc disable churn` / `birdc enable churn` every
#   CHURN_PERIOD_MS, CHURN_FLAPS times (an even number: it ends announced);
#   vm1 (VPC blue behind hv1) sends sequence-numbered UDP through its EIP
#   203.0.113.10 to 198.18.1.1:9001 (at r1) and to the anycast
#   198.51.100.1:9002 (r1 or r2, by the ECMP hash) from before the first
#   flap until vgwd holds the whole table again.
#
# Checks and figures (SCORE lines, for doc/reliability.md):
#   - the 100,000 prefixes reach vgwd's FIB (initial load time);
#   - no datagram to an unchanged prefix is lost (sent - unique received,
#     and the gaps in the sequence numbers): the assertion;
#   - the BGP sessions stay up, the unchanged routes never leave vgwd;
#   - after the last flap vgwd converges to exactly the kernel's table 100;
#   - what was sustained: route updates vgwd's follower processed per second
#     (updates + withdrawals of `show kernel-routes`) against what was
#     offered (CHURN_N prefixes every CHURN_PERIOD_MS) -- BIRD coalesces a
#     withdraw and an announce that meet in its queues, so fewer reach vgwd;
#   - slow-path CPU per route update: CPU time of vgwd's main thread (the
#     main lcore runs the slow path; /proc/PID/task/PID/schedstat, ns) over
#     the churn window divided by the updates processed, gross and net of the
#     thread's idle cost (it wakes every millisecond) measured before.
#
# Knobs (environment): CHURN_N (100000), CHURN_FLAPS (30), CHURN_PERIOD_MS
# (100), CHURN_RATE (datagrams/s per stream, 250), CHURN_CONVERGE_S (120),
# CHURN_MIN_STREAM_S (10: the streams run at least this long).
# usage: bgp-churn.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
source "$(dirname "$0")/vpc_topo.sh"
source "$(dirname "$0")/bgp_topo.sh"
topo_init "${1:-}"
bgp_require
T0=$(date +%s)

CHURN_N=${CHURN_N:-100000}
CHURN_FLAPS=${CHURN_FLAPS:-30}
CHURN_PERIOD_MS=${CHURN_PERIOD_MS:-100}
CHURN_RATE=${CHURN_RATE:-250}
CHURN_CONVERGE_S=${CHURN_CONVERGE_S:-120}
CHURN_MIN_STREAM_S=${CHURN_MIN_STREAM_S:-10}
[ $((CHURN_FLAPS % 2)) -eq 0 ] || die "CHURN_FLAPS must be even (the churn ends announced)"
EIP=203.0.113.10
R1_PORT=9001
ANY_PORT=9002
STABLE=3   # the routes that never change: anycast, r1's and r2's /24

bgp_topo_create vgwd

say "== hypervisor and the client VM"
vpc_hv hv1 10.2.0.21
vpc_vm vm1 hv1 1001 192.168.1.10/24 192.168.1.1

say "== vgwd with a host port, the kernel tables and room for the churn"
bgp_vgwd_config
sed -i 's/ -m 512 / -m 1024 /' "$VGW_CONF"
echo "fib max-routes 262144" >>"$VGW_CONF"
vgwd_start || die "vgwd did not become ready"
_hp_ready() { ip -n "$NS_G" -4 addr show dev "$HP0" 2>/dev/null | grep -q "inet $BGP_GW/$BGP_NET_PLEN"; }
wait_until 5 _hp_ready || die "no host port $HP0 with $BGP_GW in $NS_G"
for cmd in "vtep add 10.2.0.1" "vpc add blue vni 1001" \
           "endpoint add blue ${VM_IP[vm1]} mac ${VM_MAC[vm1]} vtep ${HV_IP[hv1]}" \
           "eip add $EIP vpc blue ip ${VM_IP[vm1]}"; do
  # shellcheck disable=SC2086
  vctl $cmd >/dev/null || die "vgwctl $cmd"
done

say "== BIRD: the gateway and two upstreams; r1 also offers $CHURN_N churn prefixes"
bird_conf "$BGP_CONF_DIR/vgw-bird.conf" "$TOPO_TMP/gw.conf" VGW_ROUTER_ID=$BGP_GW VGW_AS=$BGP_GW_AS \
  VGW_ADDR=$BGP_GW UPSTREAM1_ADDR=$BGP_R1 UPSTREAM1_AS=$BGP_R1_AS UPSTREAM2_ADDR=$BGP_R2 \
  UPSTREAM2_AS=$BGP_R2_AS "PUBLIC_RANGES=[ $BGP_PUBLIC+ ]" VGW_IMPORT_TABLE=$BGP_IMPORT_TABLE \
  VGW_ANNOUNCE_TABLE=$BGP_ANNOUNCE_TABLE VGW_RT_PROTO=$VGW_RT_PROTO "LAB_NETS=$BGP_LAB_NETS" \
  HOLD_TIME=9 KEEPALIVE_TIME=3 || die "gateway BIRD config"
for r in 1 2; do
  if [ $r = 1 ]; then a=$BGP_R1 as=$BGP_R1_AS net=$BGP_R1_NET; else a=$BGP_R2 as=$BGP_R2_AS net=$BGP_R2_NET; fi
  bird_conf "$BGP_CONF_DIR/upstream-bird.conf" "$TOPO_TMP/r$r.conf" MY_ROUTER_ID=$a MY_AS=$as MY_ADDR=$a \
    GATEWAY_ADDR=$BGP_GW GATEWAY_AS=$BGP_GW_AS HOLD_TIME=9 KEEPALIVE_TIME=3 \
    "OFFER=route $BGP_ANYCAST_NET blackhole;route $net blackhole;" || die "upstream r$r BIRD config"
done
# r1: a second static protocol with the churn prefixes (20.0.0.0/24,
# 20.0.1.0/24, ...: public space, /24, accepted by upstream_in), exported to
# the gateway like `offer`
"$PY" - "$CHURN_N" >"$TOPO_TMP/churn.routes" <<'PY'
import sys
for i in range(int(sys.argv[1])):
    a = (20 << 24) + (i << 8)
    print("  route %d.%d.%d.0/24 blackhole;" % (a >> 24, (a >> 16) & 255, (a >> 8) & 255))
PY
conf_replace "$TOPO_TMP/r1.conf" '  if proto = "offer" then accept;' \
  '  if proto = "offer" then accept;\n  if proto = "churn" then accept;' || die "r1 export filter"
printf 'protocol static churn {\n  ipv4;\n  include "%s";\n}\n' "$TOPO_TMP/churn.routes" >>"$TOPO_TMP/r1.conf"
bird -p -c "$TOPO_TMP/r1.conf" || die "r1 config with the churn protocol does not parse"

bird_start gw "$NS_G" "$TOPO_TMP/gw.conf" || die "bird gw"
bird_start r1 "$NS_R1" "$TOPO_TMP/r1.conf" || die "bird r1"
bird_start r2 "$NS_R2" "$TOPO_TMP/r2.conf" || die "bird r2"
for pp in "gw upstream1" "gw upstream2"; do
  set -- $pp
  bird_wait_established "$1" "$2" 40
  bird_established "$1" "$2" || die "$1: session $2 not Established ($(bird_proto_state "$1" "$2" | tr -s ' '))"
done
pass "both sessions Established over the host port"

kr() { vctl -j show kernel-routes | json_get "d$1"; }
_synced() { [ "$(kr "['state']")" = synced ]; }
ktotal() { ip -n "$NS_G" -o route show table "$BGP_IMPORT_TABLE" | wc -l; }
WANT=$((CHURN_N + STABLE))
_loaded() { _synced && [ "$(kr "['installed']")" -eq "$WANT" ]; }
t=$(date +%s%N)
wait_until 120 _loaded
LOAD_MS=$(( ($(date +%s%N) - t) / 1000000 ))
check "vgwd installed all $WANT routes ($CHURN_N churn + $STABLE stable; installed $(kr "['installed']"), kernel $(ktotal)) within $LOAD_MS ms of the sessions coming up" \
  _loaded || die "the initial load did not complete"
vctl show route 198.18.1.1 2>/dev/null | sed 's/^/    /'

# vroute PREFIX -> "nh,nh" of PREFIX in vgwd's FIB ("" when absent)
vroute() {
  vctl -j show route | json_get "next((','.join(sorted(v['nh'] for v in r.get('via', []))) for r in d['routes'] if r['prefix'] == '$1'), '')"
}
check "unchanged: $BGP_R1_NET via r1" [ "$(vroute "$BGP_R1_NET")" = "$BGP_R1" ]
check "unchanged: $BGP_ANYCAST_NET via r1 and r2 (ECMP)" [ "$(vroute "$BGP_ANYCAST_NET")" = "$BGP_R1,$BGP_R2" ]

say "== traffic to the unchanged prefixes: vm1 -> EIP -> r1 / the anycast"
bg_ns "$NS_R1" "$TOPO_TMP/sink-r1.log" "$PY" "$NETUTIL" udp-sink "$BGP_R1_HOST" $R1_PORT "$TOPO_TMP/sink-r1.json" --duration 300
bg_ns "$NS_R1" "$TOPO_TMP/sink-a1.log" "$PY" "$NETUTIL" udp-sink "$BGP_ANYCAST" $ANY_PORT "$TOPO_TMP/sink-a1.json" --duration 300
bg_ns "$NS_R2" "$TOPO_TMP/sink-a2.log" "$PY" "$NETUTIL" udp-sink "$BGP_ANYCAST" $ANY_PORT "$TOPO_TMP/sink-a2.json" --duration 300
for f in sink-r1 sink-a1 sink-a2; do wait_until 5 _file_nonempty "$TOPO_TMP/$f.json" || die "udp sink $f"; done
# a first datagram each way, so that ARP and the flows are settled
n=$(ping_count "${VM_NS[vm1]}" "$BGP_R1_HOST" 2)
check "vm1 reaches $BGP_R1_HOST through its EIP (${n:-0}/2 pings)" [ "${n:-0}" -ge 1 ]
# seqs_of FILE... -> the JSON list of every sequence number received in them
seqs_of() { "$PY" -c 'import json,sys; print(json.dumps(sorted(s for f in sys.argv[1:] for s in json.load(open(f))["seqs"])))' "$@"; }
for f in sink-r1 sink-a1 sink-a2; do  # the pings' ARP may have cost nothing, but start clean
  [ "$(json_get "d['packets']" <"$TOPO_TMP/$f.json")" = 0 ] || die "sink $f got traffic before the streams"
done

# the main lcore (slow path) is vgwd's main thread: TID = PID
SCHED="/proc/$VGWD_PID/task/$VGWD_PID/schedstat"
cpu_ns() { cut -d' ' -f1 <"$SCHED"; }
say "   vgwd threads: $(for t in /proc/$VGWD_PID/task/*; do printf '%s=%s ' "${t##*/}" "$(cat "$t/comm")"; done)"
c0=$(cpu_ns); w0=$(date +%s%N); sleep 3; c1=$(cpu_ns); w1=$(date +%s%N)
IDLE_NS_PER_S=$(( (c1 - c0) * 1000000000 / (w1 - w0) ))
info "slow-path thread idle: $((IDLE_NS_PER_S / 1000000)) ms of CPU per second"

N_STREAM=$((CHURN_RATE * 300))   # bounded by count and by time; stopped after convergence
vm_bg vm1 "$TOPO_TMP/stream-r1.log" "$PY" "$NETUTIL" udp-stream "$BGP_R1_HOST" $R1_PORT \
  --rate "$CHURN_RATE" --count "$N_STREAM" --duration 240
ST1=$BG_PID
vm_bg vm1 "$TOPO_TMP/stream-any.log" "$PY" "$NETUTIL" udp-stream "$BGP_ANYCAST" $ANY_PORT \
  --rate "$CHURN_RATE" --count "$N_STREAM" --duration 240
ST2=$BG_PID
STREAM_T0=$(date +%s)
sleep 1

say "== $CHURN_FLAPS flaps of $CHURN_N prefixes every $CHURN_PERIOD_MS ms at r1"
u0=$(kr "['updates']"); wd0=$(kr "['withdrawals']"); m0=$(kr "['messages']")
c0=$(cpu_ns); w0=$(date +%s%N)
late=0
for ((i = 1; i <= CHURN_FLAPS; i++)); do
  if [ $((i % 2)) -eq 1 ]; then verb=disable; else verb=enable; fi
  bc r1 "$verb" churn >/dev/null || fail "birdc $verb churn (flap $i)"
  next=$(( w0 + i * CHURN_PERIOD_MS * 1000000 ))
  now=$(date +%s%N)
  if [ "$now" -lt "$next" ]; then sleep "$(awk "BEGIN{printf \"%.3f\", ($next - $now) / 1e9}")"; else late=$((late + 1)); fi
done
wf=$(date +%s%N)
FLAP_MS=$(( (wf - w0) / 1000000 ))
info "$CHURN_FLAPS flaps issued in $FLAP_MS ms ($late periods overran: birdc slower than $CHURN_PERIOD_MS ms)"
_converged() {
  local k; k=$(ktotal)
  [ "$k" -eq "$WANT" ] && _synced && [ "$(kr "['installed']")" -eq "$WANT" ] &&
    [ "$(kr "['routes']")" -eq "$k" ]
}
wait_until "$CHURN_CONVERGE_S" _converged
wc_=$(date +%s%N)
c1=$(cpu_ns)
u1=$(kr "['updates']"); wd1=$(kr "['withdrawals']"); m1=$(kr "['messages']")
CONV_MS=$(( (wc_ - wf) / 1000000 ))
check "vgwd converged to the kernel's table ($(ktotal) routes, installed $(kr "['installed']")) $CONV_MS ms after the last flap" \
  _converged
# at least CHURN_MIN_STREAM_S of traffic in all (a few thousand datagrams)
while [ $(( $(date +%s) - STREAM_T0 )) -lt "$CHURN_MIN_STREAM_S" ]; do sleep 0.5; done
sleep 1
kill -TERM "$ST1" "$ST2" 2>/dev/null
stop_pid "$ST1" 5; stop_pid "$ST2" 5
sleep 0.5
sent1=$(json_get "d['sent']" <"$TOPO_TMP/stream-r1.log" 2>/dev/null)
sent2=$(json_get "d['sent']" <"$TOPO_TMP/stream-any.log" 2>/dev/null)

# loss SENT FILE... -> "lost gaps received" for one stream
loss() {
  local sent=$1; shift
  "$PY" - "$sent" "$@" <<'PY'
import json, sys
sent = int(sys.argv[1])
seqs = set()
for f in sys.argv[2:]:
    seqs.update(json.load(open(f))["seqs"])
missing = [s for s in range(sent) if s not in seqs]
# runs of consecutive missing numbers
gaps, prev = 0, None
for s in missing:
    if prev is None or s != prev + 1:
        gaps += 1
    prev = s
print(len(missing), gaps, len(seqs))
PY
}
read -r lost1 gaps1 rx1 <<<"$(loss "${sent1:-0}" "$TOPO_TMP/sink-r1.json")"
read -r lost2 gaps2 rx2 <<<"$(loss "${sent2:-0}" "$TOPO_TMP/sink-a1.json" "$TOPO_TMP/sink-a2.json")"
info "to $BGP_R1_HOST: sent ${sent1:-?}, received $rx1, lost $lost1 in $gaps1 gaps"
info "to $BGP_ANYCAST: sent ${sent2:-?}, received $rx2 (r1 $(json_get "d['packets']" <"$TOPO_TMP/sink-a1.json"), r2 $(json_get "d['packets']" <"$TOPO_TMP/sink-a2.json")), lost $lost2 in $gaps2 gaps"
check "the streams ran through the churn (${sent1:-0} and ${sent2:-0} datagrams sent, >= 1000 each)" \
  [ "${sent1:-0}" -ge 1000 -a "${sent2:-0}" -ge 1000 ]
check "no datagram to an unchanged prefix lost ($lost1 + $lost2 of $((sent1 + sent2)))" \
  [ "$lost1" -eq 0 -a "$lost2" -eq 0 ]
for pp in "gw upstream1" "gw upstream2"; do
  set -- $pp
  check "$1: session $2 still Established, never restarted" \
    eval "bird_proto_state $1 $2 | grep -q Established"
done
drops=$(drops_of no_route ip_bad_checksum)
info "vgwd drops: $drops"
check "unchanged routes kept: $BGP_R1_NET via r1, $BGP_ANYCAST_NET via r1 and r2" \
  eval "[ '$(vroute "$BGP_R1_NET")' = '$BGP_R1' ] && [ '$(vroute "$BGP_ANYCAST_NET")' = '$BGP_R1,$BGP_R2' ]"
vctl show kernel-routes 2>&1 | sed -n '1,20p' | sed 's/^/    /'

UPD=$(( (u1 - u0) + (wd1 - wd0) ))
MSGS=$((m1 - m0))
WIN_NS=$((wc_ - w0))
CPU_NS=$((c1 - c0))
check "the churn reached vgwd: $((wd1 - wd0)) withdrawals and $((u1 - u0)) updates, at least one whole flap ($CHURN_N each)" \
  [ $((wd1 - wd0)) -ge "$CHURN_N" -a $((u1 - u0)) -ge "$CHURN_N" ]
[ "$UPD" -gt 0 ] || UPD=1
OFFERED=$((CHURN_N * CHURN_FLAPS))
"$PY" - "$UPD" "$MSGS" "$WIN_NS" "$CPU_NS" "$IDLE_NS_PER_S" "$OFFERED" "$CHURN_N" "$CHURN_PERIOD_MS" \
  "$CHURN_FLAPS" "$FLAP_MS" "$CONV_MS" "$LOAD_MS" "$((sent1 + sent2))" "$((lost1 + lost2))" <<'PY'
import sys
upd, msgs, win, cpu, idle, offered, n, per, flaps, flap_ms, conv_ms, load_ms, sent, lost = map(int, sys.argv[1:])
secs = win / 1e9
net = max(cpu - idle * secs, 0)
print("SCORE: bgp-churn loss to unchanged prefixes: %d of %d datagrams (%.3f%%), during %d flaps of %d prefixes"
      % (lost, sent, 100.0 * lost / max(sent, 1), flaps, n))
print("SCORE: bgp-churn offered: %d prefixes every %d ms = %d updates/s; %d flaps issued in %.1f s"
      % (n, per, n * 1000 // per, flaps, flap_ms / 1000))
rate, want = upd / secs, n * 1000.0 / per
print("SCORE: bgp-churn sustained: %d route updates reached vgwd (%d netlink messages, %.0f%% of the %d offered; "
      "BIRD coalesces) in %.1f s from the first flap to convergence (%.1f s after the last) = %.0f updates/s: %s"
      % (upd, msgs, 100.0 * upd / offered, offered, secs, conv_ms / 1000, rate,
         "the offered rate was sustained" if rate >= 0.95 * want else
         "%d prefixes every %d ms NOT sustained on this VM (%.1f%% of it)" % (n, per, 100.0 * rate / want)))
print("SCORE: bgp-churn slow-path CPU per route update: %.2f us gross, %.2f us net of idle "
      "(main thread %.2f s of CPU in %.1f s; idle %.0f ms/s)"
      % (cpu / 1e3 / upd, net / 1e3 / upd, cpu / 1e9, secs, idle / 1e6))
print("SCORE: bgp-churn initial load: %d routes in %.1f s" % (n + 3, load_ms / 1000))
PY
check "vgwd still running" vgwd_alive
info "bgp-churn.sh ran $(( $(date +%s) - T0 )) s"
finish
