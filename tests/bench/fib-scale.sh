#!/usr/bin/env bash
# FIB scale: a full Internet-sized kernel table followed into vgwd's FIB.
#
#   tests/bench/fib-scale.sh BUILD_DIR [--routes N] [--updates U] [--quick] [--out FILE]
#
# In a network namespace of its own, vgwd runs on two net_null ports (no-rx:
# no traffic, the worker idles) with `kernel import-table 100` and
# `fib max-routes 2097152`. The script fills table 100 with N distinct
# prefixes (default 1,000,000; 60% /24, 39% /16-/23, 1% /25-/32; 8 single next
# hops and 4 two-way ECMP groups on 10.0.0.0/16, `onlink` on a veth since the
# namespace has no addresses) and measures:
#   1. streaming load: `ip -batch` (one request and ack per route) while vgwd
#      runs: the kernel's insert time, and when vgwd has all N (polling
#      `show route summary`), with the slowest vgwctl answer meanwhile;
#   2. memory: vgwd's VmRSS/VmHWM before and after, `show route summary`
#      (tbl8 groups, shared targets, FIB estimate) and the kernel RIB's size;
#   3. load at start: vgwd restarted with the N routes in the table, time from
#      exec until `show kernel-routes` says synced (and vgwd's own dump time);
#   4. updates: U routes (default 100,000) replaced with another next hop by
#      `ip -batch` while vgwd runs (end-to-end), then again while vgwd is
#      stopped (SIGSTOP; U notifications fit the receive buffer for U <= 150k),
#      timing how fast vgwd drains the backlog after SIGCONT (vgwd's own rate).
# --quick: 20,000 routes, 5,000 updates (a smoke run, ~20 s).
# Not part of `make test`. Needs root, ip netns, python3. Results go to stdout
# (and FILE with --out) as a markdown table, with the build's march and the
# memory mode: vgwd's -m 2048 on 2 MiB hugepages the script reserves and gives
# back at exit, else --no-huge (huge.sh; VGW_BENCH_NO_HUGE=1 forces it).
set -u
export PATH="$PATH:/usr/sbin:/sbin"
BUILD=${1:-}
[ -n "$BUILD" ] || { echo "usage: $0 BUILD_DIR [--routes N] [--updates U] [--quick] [--out FILE]" >&2; exit 2; }
shift
N=1000000 U=100000 OUT=""
while [ $# -gt 0 ]; do
  case $1 in
    --routes) N=$2; shift 2 ;;
    --updates) U=$2; shift 2 ;;
    --quick) N=20000; U=5000; shift ;;
    --out) OUT=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
BUILD=$(cd "$BUILD" && pwd) || exit 2
VGWD=$BUILD/app/vgwd/vgwd VGWCTL=$BUILD/app/vgwctl/vgwctl
[ -x "$VGWD" ] && [ -x "$VGWCTL" ] || { echo "vgwd/vgwctl not built in $BUILD" >&2; exit 2; }
PY=/usr/bin/python3
. "$(dirname "${BASH_SOURCE[0]}")/huge.sh"
MEM=2048

SUF=$(printf '%04x%02x' $(( ($$ ^ RANDOM) & 0xffff )) $((RANDOM & 0xff)))
NS=vgb-$SUF
TMP=$(mktemp -d "/tmp/vgw-fib-scale-$SUF.XXXXXX")
SOCK=$TMP/vgwd.sock CONF=$TMP/vgwd.conf LOG=$TMP/vgwd.log
VGWD_PID=""
cleanup() {
  set +e
  [ -n "$VGWD_PID" ] && { kill -CONT "$VGWD_PID"; kill -TERM "$VGWD_PID"; } 2>/dev/null
  for _ in $(seq 1 50); do [ -n "$VGWD_PID" ] && kill -0 "$VGWD_PID" 2>/dev/null || break; sleep 0.2; done
  [ -n "$VGWD_PID" ] && kill -KILL "$VGWD_PID" 2>/dev/null
  ip netns del "$NS" 2>/dev/null
  rm -rf "/var/run/dpdk/vgw-bench-$SUF" "$TMP"
  huge_cleanup
}
trap cleanup EXIT
trap 'exit 130' INT TERM
huge_setup "$MEM"
MARCH=$("$VGWD" -V | awk '/^march:/ {print $2}')

now() { date +%s.%N; }
dt() { awk "BEGIN{printf \"%.2f\", $2 - $1}"; }
vctl() { timeout 10 "$VGWCTL" -s "$SOCK" "$@"; }
# jget EXPR WORDS...: eval(EXPR) on the JSON answer of `vgwctl -j WORDS`
jget() {
  local e=$1; shift
  vctl -j "$@" 2>/dev/null | "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$e"
}
# on hugepages, DPDK's memory (-m, the FIB among it) is HugetlbPages, not VmRSS
mem() { awk '/VmRSS|VmHWM|HugetlbPages/ {printf "%s %d MiB  ", $1, $2/1024}' "/proc/$VGWD_PID/status"; }
# CPU time of vgwd's main thread, the slow path (ms, 10 ms resolution): on a
# shared machine wall times include waiting for a CPU, this does not
spcpu() { awk '{print ($14 + $15) * 10}' "/proc/$VGWD_PID/task/$VGWD_PID/stat"; }

ip netns add "$NS" || exit 1
ip -n "$NS" link set lo up   # the local table must exist for onlink gateways
ip -n "$NS" link add va type veth peer name vb && ip -n "$NS" link set va up && ip -n "$NS" link set vb up
cat >"$CONF" <<EOF
eal $EAL_HUGE -m $MEM --no-pci --file-prefix vgw-bench-$SUF --log-level=*:notice
lcores 0,1
control socket $SOCK
fib max-routes 2097152
kernel import-table 100
port p0 dev net_null0,no-rx=1 role public address 10.0.0.1/16
port p1 dev net_null1,no-rx=1 role underlay address 10.2.0.1/24
EOF

start_vgwd() {
  T_START=$(now)
  ip netns exec "$NS" "$VGWD" -c "$CONF" >>"$LOG" 2>&1 &
  VGWD_PID=$!
  for _ in $(seq 1 300); do
    vctl show version >/dev/null 2>&1 && return 0
    kill -0 "$VGWD_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "vgwd did not start:"; tail -20 "$LOG"; exit 1
}
stop_vgwd() {
  kill -TERM "$VGWD_PID"
  for _ in $(seq 1 100); do kill -0 "$VGWD_PID" 2>/dev/null || break; sleep 0.1; done
  wait "$VGWD_PID" 2>/dev/null
  VGWD_PID=""
}

echo "== generating $N prefixes"
"$PY" - "$N" "$TMP/add.batch" "$TMP/upd.batch" "$U" <<'PYEOF'
import random, sys
n, addf, updf, u = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
random.seed(12345)
nhs = ["via 10.0.0.%d dev va onlink" % i for i in range(2, 10)]
nhs += ["nexthop via 10.0.0.%d dev va onlink nexthop via 10.0.0.%d dev va onlink" % (10 + 2 * i, 11 + 2 * i)
        for i in range(4)]
seen = set()
with open(addf, "w") as a, open(updf, "w") as up:
    while len(seen) < n:
        r = random.random()
        l = 24 if r < 0.60 else random.randint(16, 23) if r < 0.99 else random.randint(25, 32)
        x = random.randint(0x01000000, 0xdfffffff) & ((0xffffffff << (32 - l)) & 0xffffffff)
        if (x >> 24) in (10, 127) or (x, l) in seen:
            continue
        seen.add((x, l))
        p = "%d.%d.%d.%d/%d" % (x >> 24, (x >> 16) & 255, (x >> 8) & 255, x & 255, l)
        # the weights of ECMP sets: 8 single next hops, then rarer groups
        nh = nhs[random.randrange(8)] if random.random() < 0.9 else nhs[8 + random.randrange(4)]
        a.write("route add %s table 100 proto bgp %s\n" % (p, nh))
        if len(seen) <= u:
            up.write("route replace %s table 100 proto bgp via 10.0.0.20 dev va onlink\n" % p)
PYEOF

start_vgwd
echo "vgwd up: $(mem)"
RSS0=$(mem)
kernel_routes() { jget "d['kernel']" show route summary; }

echo "== 1. streaming load of $N routes (ip -batch while vgwd runs)"
C0=$(spcpu)
T0=$(now)
ip -n "$NS" -batch "$TMP/add.batch" & BATCH=$!
MAXLAT=0 T_VGWD="" T_KERNEL=""
for _ in $(seq 1 3000); do   # at most ~10 min
  a=$(date +%s%N); vctl show version >/dev/null; b=$(date +%s%N)
  l=$(( (b - a) / 1000000 )); [ "$l" -gt "$MAXLAT" ] && MAXLAT=$l
  k=$(kernel_routes)
  if [ -z "$T_KERNEL" ] && ! kill -0 "$BATCH" 2>/dev/null; then T_KERNEL=$(now); fi
  [ "${k:-0}" -ge "$N" ] && { T_VGWD=$(now); break; }
  sleep 0.2
done
wait "$BATCH"; [ -z "$T_KERNEL" ] && T_KERNEL=$(now)
[ -n "$T_VGWD" ] || { echo "vgwd never had $N routes (has ${k:-?})"; exit 1; }
KINS=$(dt "$T0" "$T_KERNEL") VSTREAM=$(dt "$T0" "$T_VGWD")
CSTREAM=$(( $(spcpu) - C0 ))
TURN1=$(jget "d['max_turn_cpu_us'] / 1000" show kernel-routes)
echo "kernel insert ${KINS} s; vgwd had all $N at ${VSTREAM} s; slowest vgwctl ${MAXLAT} ms"

echo "== 2. memory"
RSS1=$(mem)
SUMMARY=$(vctl show route summary)
KRIB=$(jget "d['memory_bytes']" show kernel-routes)
TBL8=$(jget "'%d of %d' % (d['tbl8_used'], d['tbl8_max'])" show route summary)
TGTS=$(jget "d['targets']" show route summary)
FIBB=$(jget "d['memory_bytes']" show route summary)
echo "$SUMMARY"; echo "before: $RSS0; after: $RSS1; kernel RIB $KRIB bytes"

echo "== 3. load at start (vgwd restarted with $N routes in the table)"
stop_vgwd
start_vgwd
for _ in $(seq 1 3000); do
  [ "$(jget "d['state']" show kernel-routes)" = synced ] && break
  sleep 0.1
done
T_SYNC=$(now)
VSTART=$(dt "$T_START" "$T_SYNC")
DUMPMS=$(jget "d['last_sync_ms']" show kernel-routes)
CSTART=$(spcpu)
TURN3=$(jget "d['max_turn_cpu_us'] / 1000" show kernel-routes)
INST=$(jget "d['installed']" show kernel-routes)
echo "exec -> synced ${VSTART} s (vgwd's dump + apply: ${DUMPMS} ms), installed $INST; $(mem)"

echo "== 4. $U updates"
upd() { jget "d['updates']" show kernel-routes; }
u0=$(upd); T0=$(now)
ip -n "$NS" -batch "$TMP/upd.batch"
T1=$(now)
for _ in $(seq 1 3000); do [ $(( $(upd) - u0 )) -ge "$U" ] && break; sleep 0.1; done
T2=$(now)
UKERN=$(dt "$T0" "$T1") UE2E=$(dt "$T0" "$T2")
echo "kernel ${UKERN} s, vgwd applied all at ${UE2E} s"
# again, back to the first next hops, while vgwd does not read: its own rate
sed 's/^route replace/route replace/; s/via 10.0.0.20 dev va onlink/via 10.0.0.21 dev va onlink/' \
  "$TMP/upd.batch" >"$TMP/upd2.batch"
u0=$(upd)
kill -STOP "$VGWD_PID"
ip -n "$NS" -batch "$TMP/upd2.batch"
C0=$(spcpu)
T0=$(now)
kill -CONT "$VGWD_PID"
for _ in $(seq 1 30000); do [ $(( $(upd) - u0 )) -ge "$U" ] && break; sleep 0.02; done
T1=$(now)
CDRAIN=$(( $(spcpu) - C0 ))
OV=$(jget "d['overruns']" show kernel-routes)
UDRAIN=$(dt "$T0" "$T1")
RATE=$(awk "BEGIN{printf \"%d\", $U / ($T1 - $T0)}")
echo "backlog of $U drained in ${UDRAIN} s (${RATE} routes/s; overruns $OV)"
FINAL=$(kernel_routes)
[ "$FINAL" -eq "$N" ] || { echo "FAIL: vgwd ends with $FINAL kernel routes, not $N"; exit 1; }

REPORT=$(cat <<EOF
| measure | value |
|---|---|
| routes (distinct prefixes) | $N (kernel routes in the FIB at the end: $FINAL) |
| kernel insert, \`ip -batch\` | ${KINS} s |
| vgwd has all routes (streaming, from the batch start) | ${VSTREAM} s |
| slow-path CPU during the streaming load | ${CSTREAM} ms |
| slowest \`vgwctl show version\` during the load (sampled at each poll) | ${MAXLAT} ms |
| CPU time of the longest follower turn (\`max_turn_cpu_us\`): streaming / start | ${TURN1} ms / ${TURN3} ms |
| vgwd exec -> synced, routes already in the table | ${VSTART} s (dump + apply ${DUMPMS} ms; slow-path CPU from exec ${CSTART} ms) |
| $U replaces: kernel / vgwd applied (from the batch start) | ${UKERN} s / ${UE2E} s |
| $U replaces queued while vgwd was stopped: drained in | ${UDRAIN} s (${RATE} routes/s), slow-path CPU ${CDRAIN} ms |
| tbl8 groups used | $TBL8 |
| shared targets | $TGTS |
| FIB estimate (\`show route summary\`, capacity 2,097,152) | $((FIBB / 1048576)) MiB |
| kernel RIB (\`show kernel-routes\`) | $((KRIB / 1048576)) MiB |
| vgwd memory before / after the load | $RSS0 / $RSS1 |
| build march (\`vgwd -V\`); DPDK memory | ${MARCH:-unknown}; $MEM_MODE, -m $MEM |
EOF
)
echo
echo "$REPORT"
echo "load average: $(cat /proc/loadavg)"
[ -n "$OUT" ] && { echo "$REPORT"; echo; echo "load average: $(cat /proc/loadavg)"; } >"$OUT"
exit 0
