#!/usr/bin/env bash
# Where the worker's time goes, for one workload (a developer tool, not part
# of make bench):
#
#   tests/bench/profile.sh BUILD WORKLOAD:FLOWS [--secs S] [--warm W] [--out DIR]
#                          [--callgrind]
#
# Starts vgwd as run.sh does, waits W seconds (warm-up: vip-in creates its
# entries), then over S seconds: forwarded packets, the worker thread's
# on-CPU nanoseconds per packet (/proc schedstat: insensitive to other
# processes taking the CPU, which on a shared machine wall-clock rates are
# not) and a perf record of the worker thread (cpu-clock sampling: the VM
# has no hardware counters). Prints the rate, ns and cycles per packet at
# the /proc/cpuinfo clock, and the top symbols; perf.data is kept in DIR.
#
# --callgrind: instead, vgwd runs under valgrind's callgrind, counting only
# inside the worker loop (--toggle-collect=vgw_dp_worker_main); the counters are
# zeroed after the warm-up and dumped S seconds later: instructions per
# forwarded packet, exact and repeatable on a shared machine (about 50 times
# slower, so use small pcaps), and the top functions by instructions.
# Memory as run.sh: 2 MiB hugepages reserved for the run when it can, else
# --no-huge (huge.sh; VGW_BENCH_NO_HUGE=1 forces it, --callgrind always
# uses it); printed first.
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=$(cd "${1:?usage: profile.sh BUILD WORKLOAD:FLOWS [--secs S] [--warm W] [--out DIR]}" && pwd)
W=${2:?workload:flows}
shift 2
SECS=5 WARM=2 OUTDIR= CG=0
while [ $# -gt 0 ]; do
  case $1 in
    --secs) SECS=$2; shift ;;
    --warm) WARM=$2; shift ;;
    --out) OUTDIR=$2; shift ;;
    --callgrind) CG=1 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
PY=/usr/bin/python3
TMP=$(mktemp -d /tmp/vgw-prof.XXXXXX)
OUTDIR=${OUTDIR:-$TMP}
mkdir -p "$OUTDIR"
PIDS=()
. "$HERE/lib.sh"
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  # the DPDK runtime directory of this run's vgwd (lib.sh: --file-prefix vgwbench$$)
  rm -rf "$TMP" "/var/run/dpdk/vgwbench$$"
  huge_cleanup
}
trap cleanup EXIT
trap 'exit 130' INT TERM
name=${W%%:*} flows=${W##*:}
MEM=$(mem_for "$flows")
# --callgrind keeps --no-huge, as its instruction counts were taken so far
# (doc/performance.md); valgrind on hugetlbfs mappings is untried
huge_setup "$MEM" "$([ $CG = 0 ] || echo "callgrind")"
echo "build: $(build_march); memory: $MEM_MODE, -m $MEM"
MHZ=$(awk -F: '/^cpu MHz/ {printf "%d", $2; exit}' /proc/cpuinfo)
pcap=$(gen "$name" "$flows")
if [ $CG = 1 ]; then
  start_vgwd "$pcap" "$(in_port "$name")" valgrind --tool=callgrind \
    --callgrind-out-file="$OUTDIR/callgrind.out" --toggle-collect=vgw_dp_worker_main
  sleep "$WARM"
  callgrind_control -z "$VGWD_PID" >/dev/null
  # under valgrind a command may outlast vgwctl's timeout while callgrind
  # zeroes its counters: ask again (the packet count does not use these)
  s0=$(stats || stats || stats)
  sleep "$SECS"
  s1=$(stats || stats || stats)
  callgrind_control -d "$VGWD_PID" >/dev/null
  stop_vgwd
  f=$OUTDIR/callgrind.out.1 # the dump (callgrind.out: from there to exit)
  # packets = calls of vgw_ip4_check (net/ip4.c, kept out of line for this),
  # which classify makes once for every received frame and vxlan-in once
  # more for the inner packet: the zero and dump requests take effect some
  # time after they are sent, so the port counters do not cover the same
  # window
  fn=vgw_ip4_check per=1
  case $name in vxlan-return|snat-out|snat-new) per=2 ;; esac
  ir=$(callgrind_annotate "$f" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}')
  pk=$("$PY" - "$f" "$fn" <<'PYEOF'
import re, sys
ids, n, cur = {}, 0, None
for line in open(sys.argv[1]):
    m = re.match(r"(c?)fn=\((\d+)\)(?: (\S+))?", line)
    if m:
        if m.group(3):
            ids[m.group(2)] = m.group(3)
        cur = ids.get(m.group(2)) if m.group(1) else None
    elif line.startswith("calls=") and cur == sys.argv[2]:
        n += int(line[6:].split()[0])
print(n)
PYEOF
)
  pk=$((pk / per))
  echo "$W: $pk packets ($fn calls / $per), $ir instructions in the worker loop: $((ir / pk)) instructions/pkt, drops $(drops_of <<<"$s1")"
  callgrind_annotate --inclusive=no --threshold=100 "$f" 2>/dev/null | grep -E '^ *[0-9,]+ \(' | grep -v '(100.0%)' | head -25
  exit 0
fi
start_vgwd "$pcap" "$(in_port "$name")"
sleep "$WARM"
tid=$(worker_tid)
s0=$(stats); c0=$(oncpu_ns "$tid"); t0=$(date +%s%N)
perf record -q -e cpu-clock -F 2000 -g -t "$tid" -o "$OUTDIR/perf.data" -- sleep "$SECS" \
  >/dev/null 2>&1
s1=$(stats); c1=$(oncpu_ns "$tid"); t1=$(date +%s%N)
stop_vgwd
pk=$(( $(tx_of <<<"$s1") - $(tx_of <<<"$s0") ))
"$PY" - "$W" "$pk" "$((c1 - c0))" "$((t1 - t0))" "$MHZ" "$(drops_of <<<"$s1")" <<'PYEOF'
import sys
w, pk, cpu, wall, mhz, drops = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), \
    int(sys.argv[5]), sys.argv[6]
print("%s: %d pkts in %.2f s wall (%.2f Mpps wall, worker on CPU %.0f%%), %.1f ns/pkt on CPU"
      " = %.0f cycles/pkt @ %d MHz (%.2f Mpps per busy core), drops %s"
      % (w, pk, wall / 1e9, pk / wall * 1e3, 100.0 * cpu / wall, cpu / pk, cpu / pk * mhz / 1e3,
         mhz, pk / cpu * 1e3, drops))
PYEOF
perf report -i "$OUTDIR/perf.data" --no-children --percent-limit 0.8 --stdio -g none \
  --sort symbol 2>/dev/null | grep -v '^#' | grep -v '^$' | head -40
