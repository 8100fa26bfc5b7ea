#!/usr/bin/env bash
# Benchmark harness (`make bench`): vgwd forwarding a replayed pcap on one
# worker core, against dpdk-testpmd io forwarding on the same vdevs (the
# harness ceiling).
#
#   tests/bench/run.sh BUILD [--quick] [--runs N] [--secs S] [WORKLOAD:FLOWS[:WORKERS] ...]
#
# Input:  net_pcap,rx_pcap=FILE,infinite_rx=1 (tests/bench/gen_pcap.py writes
#         the pcap and the matching vgwd settings/commands);
# output: net_null,no-rx=1.  lcores 0,1: main lcore (slow path) on CPU 0, the
#         worker on CPU 1 (start-up in lib.sh).
# snat-out, snat-new: VXLAN in on p1 (as vxlan-return); snat-return: p1
# plays snat-out once (net_pcap without infinite_rx: the mappings and the
# sessions), then p0's replies to them are what is measured (p1's output).
# Drops count within the measured window: a reply that beat its mapping
# during the warm-up is not a loss of the window.
# Per workload, the median over N runs of:
#   Mpps         forwarded packets (output port tx) over S seconds, after a
#                warm-up (vip-in: until every flow has its entry, so the
#                measured packets all hit established flows);
#   cyc/pkt      the CPU clock (/proc/cpuinfo) divided by that rate: what a
#                dedicated core would spend;
#   cpu cyc/pkt  the worker thread's own on-CPU time (/proc schedstat) over
#                the packets, times the clock: close to cyc/pkt on a quiet
#                machine, and still meaningful on a shared one, where the
#                worker does not get the whole CPU;
# plus the testpmd ceiling and ratio, vgwd's RSS (hugepages not included)
# and its DPDK memory (-m). A run whose drop counters are not
# all zero is INVALID (drops are not throughput). After the table: new
# connections per second (syn-flood: conntrack `created` over the window;
# every SYN is a new flow, the table evicting the oldest unanswered one),
# new SNAT mappings per second (snat-new: `show snat` mappings_created),
# and the conntrack memory per flow at the bench's size and for 10M
# connections (tests/bench/ct_mem, the sizes vgw_ct_create allocates).
# The report goes to stdout and to BUILD/bench-report.md; its header says
# the build's -march (vgwd -V: native or libdpdk's baseline) and the memory
# mode.
# Memory (huge.sh): as root the harness reserves 2 MiB hugepages for the
# largest -m of the run (nr_hugepages), mounts hugetlbfs on a temporary
# directory if none is mounted, and runs vgwd and testpmd on them; at exit it
# unmounts and restores nr_hugepages. It falls back to --no-huge (said in the
# report) when the pages cannot be had, or with VGW_BENCH_NO_HUGE=1.
# --quick: one 1K-flow eip-in run of 1 s (the smoke test in `make test`).
#
# vip-handoff (not in the default list; WORKERS 2 unless given, 1 for the
# comparison): two workers, lcores 0@0,1@0,2@1 (worker 0 shares CPU 0 with
# the main lcore, worker 1 has CPU 1; lib.sh lcores_for). Both ports are
# net_pcap inputs with a queue per worker: p0 replays vip-in's client ACKs,
# p1 the backend's replies in VXLAN (one backend, so every reply matches its
# flow), queue q of each carrying flows i % WORKERS == q. Worker q thus
# receives both directions of its flows, and flow ownership (a per-process
# random hash of the client) hands about half of them to the other worker
# over the handoff ring. Mpps counts both ports' tx; cyc/pkt is WORKERS
# cores' clock over that rate, cpu cyc/pkt the workers' summed on-CPU time
# over it. After the table, per worker (the median run): rx and tx Mpps (the
# ports' per-queue counters, DPDK telemetry), cpu cyc/pkt over its own tx,
# handoffs received per second (show conntrack) and the share of LB packets
# handed off. handoff_ring_full is a drop like any other: a run with it is
# INVALID. testpmd's ceiling: io forwarding p0 <-> p1 on the same vdevs,
# two forwarding cores on the same lcores.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=$(cd "${1:?usage: run.sh BUILD [--quick] [WORKLOAD:FLOWS ...]}" && pwd)
shift
PY=/usr/bin/python3
RUNS=3 SECS=5 QUICK=0
WORK=()
while [ $# -gt 0 ]; do
  case $1 in
    --quick) QUICK=1 ;;
    --runs) RUNS=$2; shift ;;
    --secs) SECS=$2; shift ;;
    *) WORK+=("$1") ;;
  esac
  shift
done
if [ $QUICK = 1 ]; then RUNS=1 SECS=1; [ ${#WORK[@]} -gt 0 ] || WORK=(eip-in:1000); fi
[ ${#WORK[@]} -gt 0 ] || WORK=(eip-in:1000 eip-in:65536 eip-in:1000000 vip-in:1000 vip-in:65536
                               vip-in:1000000 vxlan-return:65536 syn-flood:1000000
                               snat-out:1000 snat-out:1000000 snat-return:1000
                               snat-return:1000000 snat-new:1000000)
# NAME:FLOWS[:WORKERS] -> "NAME FLOWS WORKERS" (vip-handoff: 2 workers by
# default; the other workloads have one input queue, so one worker)
parse_work() {
  local name=${1%%:*} rest=${1#*:} flows workers
  flows=${rest%%:*} workers=1
  [ "$name" != vip-handoff ] || workers=2
  [ "$rest" = "$flows" ] || workers=${rest#*:}
  if [ "$name" != vip-handoff ] && [ "$workers" != 1 ]; then
    echo "run.sh: $1: only vip-handoff runs more than one worker" >&2; return 1
  fi
  echo "$name $flows $workers"
}
for w in "${WORK[@]}"; do parse_work "$w" >/dev/null || exit 2; done
TMP=$(mktemp -d /tmp/vgw-bench.XXXXXX)
PIDS=()
. "$HERE/lib.sh"
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$TMP"
  # the DPDK runtime directories of this run's vgwd and testpmd (their
  # --file-prefix carries this shell's PID)
  rm -rf "/var/run/dpdk/vgwbench$$" "/var/run/dpdk/vgwbenchtp$$"
  huge_cleanup
}
trap cleanup EXIT
trap 'exit 130' INT TERM
MHZ=$(awk -F: '/^cpu MHz/ {printf "%d", $2; exit}' /proc/cpuinfo)
maxmem=0
for w in "${WORK[@]}"; do
  read -r _ f _ < <(parse_work "$w")
  m=$(mem_for "$f"); [ "$m" -le "$maxmem" ] || maxmem=$m
done
huge_setup "$maxmem"

ct_created() { timeout 60 "$VGWCTL" -s "$SOCK" -j show conntrack | json "d['created']"; }
snat_created() {
  timeout 60 "$VGWCTL" -s "$SOCK" -j show snat | json "sum(w['mappings_created'] for w in d['workers'])"
}
ct_entries() { timeout 60 "$VGWCTL" -s "$SOCK" -j show conntrack | json "d['entries']"; }

ct_handoffs() {
  timeout 60 "$VGWCTL" -s "$SOCK" -j show conntrack | json "' '.join(str(w['handoff']) for w in d['workers'])"
}

# run_vgwd NAME FLOWS PCAP -> "pps oncpu_cycles_per_pkt drops rss_kb new_conns_per_s"
# (WORKERS workers); with more than one worker, the per-worker line
# (per_worker) goes to $TMP/workers
run_vgwd() {
  local name=$1 flows=$2 pcap=$3
  start_vgwd "$pcap" "$(in_port "$name")"
  if [ $QUICK = 1 ]; then
    sleep 1
  else
    sleep 2
    # vip-in: measure established flows only: wait for the first replay to
    # have created every entry (1M flows: a few seconds)
    if [ "$name" = vip-in ] || [ "$name" = vip-handoff ]; then
      for _ in $(seq 120); do [ "$(ct_entries)" -ge "$flows" ] && break; sleep 1; done
      sleep 1
    fi
  fi
  local tids s0 s1 c0 c1 n0=0 n1=0 t0 t1 q0= q1= h0= h1=
  tids=$(worker_tids)
  [ "$name" = syn-flood ] && n0=$(ct_created)
  [ "$name" = snat-new ] && n0=$(snat_created)
  if [ "$WORKERS" -gt 1 ]; then q0=$(queue_stats); h0=$(ct_handoffs); fi
  timeout 60 "$VGWCTL" -s "$SOCK" runtime clear >/dev/null
  s0=$(stats); c0=$(oncpus "$tids"); t0=$(date +%s%N)
  sleep "$SECS"
  s1=$(stats); c1=$(oncpus "$tids"); t1=$(date +%s%N)
  # the stages' own view of the same window (show runtime, all workers)
  timeout 60 "$VGWCTL" -s "$SOCK" -j show runtime >"$TMP/runtime"
  if [ "$WORKERS" -gt 1 ]; then q1=$(queue_stats); h1=$(ct_handoffs); fi
  [ "$name" = syn-flood ] && n1=$(ct_created)
  [ "$name" = snat-new ] && n1=$(snat_created)
  local rss
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$VGWD_PID/status")
  stop_vgwd
  echo "$s1" >"$TMP/stats1"
  [ "$WORKERS" = 1 ] || per_worker "$c0" "$c1" "$q0" "$q1" "$h0" "$h1" "$((t1 - t0))" >"$TMP/workers"
  "$PY" - "$(tx_of <<<"$s0")" "$(tx_of <<<"$s1")" "$(sum_diff "$c0" "$c1")" "$((t1 - t0))" "$MHZ" \
    "$(($(drops_of <<<"$s1") - $(drops_of <<<"$s0")))" "$rss" "$((n1 - n0))" <<'PYEOF'
import sys
tx0, tx1, cpu, wall, mhz, drops, rss, conns = map(int, sys.argv[1:])
pk = tx1 - tx0
print(int(pk * 1e9 / wall), "%.0f" % (cpu * mhz / 1e3 / pk) if pk else 0, drops, rss,
      int(conns * 1e9 / wall))
PYEOF
}

# stage_line LABEL FLOWS: the cycles per received packet of each stage in the
# last run's window (show runtime's total: TSC cycles of the stage over the
# packets classify saw), their sum (the data path's own work, without the
# PMDs' RX and the loop), and the workers' busy share
stage_line() {
  "$PY" - "$1" "$2" "$TMP/runtime" <<'PYEOF'
import json, sys
t = json.load(open(sys.argv[3]))["total"]
st = {s["stage"]: s for s in t["stages"]}
rx = st.get("classify", {}).get("packets", 0) or 1
parts = ["%s %.0f" % (n, s["cycles"] / rx) for n, s in st.items()]
own = sum(s["cycles"] for s in st.values()) / rx
print("%s, %s flows, show runtime (TSC cycles per received packet): %s; stages %.0f; busy %.0f%%"
      % (sys.argv[1], sys.argv[2], ", ".join(parts), own, t["busy_pct"]))
PYEOF
}

# the non-zero drop counters of the last run (": name N, ...")
drop_reasons() {
  json "''.join(': ' + ', '.join('%s %d' % kv for kv in d['drops'].items() if kv[1]) for _ in [0])" <"$TMP/stats1"
}

# the on-CPU nanoseconds of each thread id (one word each)
oncpus() { local t; for t in $1; do oncpu_ns "$t"; done | xargs; }
# sum of B - A over words
sum_diff() { "$PY" -c 'import sys; print(sum(map(int, sys.argv[2].split())) - sum(map(int, sys.argv[1].split())))' "$1" "$2"; }

# per_worker C0 C1 Q0 Q1 H0 H1 WALL_NS: one line, per worker "w: rx, tx Mpps,
# cpu cyc/pkt, handoffs in/s", and the share of LB packets handed off
per_worker() {
  "$PY" - "$MHZ" "$@" <<'PYEOF'
import sys
mhz = int(sys.argv[1])
c0, c1, q0, q1, h0, h1 = ([int(x) for x in a.split()] for a in sys.argv[2:8])
wall = int(sys.argv[8]) / 1e9
out, ho, rx = [], 0, 0
for w in range(len(c0)):
    r = q1[2 * w] - q0[2 * w]
    t = q1[2 * w + 1] - q0[2 * w + 1]
    h = h1[w] - h0[w]
    ho, rx = ho + h, rx + r
    cyc = "%.0f" % ((c1[w] - c0[w]) * mhz / 1e3 / t) if t else "-"
    out.append("worker %d: rx %.2f Mpps, tx %.2f Mpps, cpu cyc/pkt %s, handoffs in %.2f M/s"
               % (w, r / wall / 1e6, t / wall / 1e6, cyc, h / wall / 1e6))
print("; ".join(out) + "; handed off: %.0f%% of the packets received" % (100 * ho / rx if rx else 0))
PYEOF
}

# run_testpmd PCAP FLOWS -> pps (io forwarding, pcap -> null); the pool
# holds the whole pcap (infinite_rx), as vgwd's does; loading it takes about
# 40 s per million packets without hugepages, hence the longer timeout.
# vip-handoff (PCAP.ports): both pcap ports, a queue per worker, forwarding
# to each other on WORKERS cores; the Tx-pps of both ports summed.
run_testpmd() {
  local pcap=$1 flows=$2 lc=0,1 nq=1 p0 p1="net_null0,no-rx=1" held=$2
  p0=$(pcap_dev net_pcap0 "$pcap")
  if [ -f "$pcap.ports" ]; then
    # shellcheck disable=SC2046 # the file names: one word each
    p0=$(pcap_dev net_pcap0 $(awk '$1 == "p0" {$1 = ""; print}' "$pcap.ports"))
    # shellcheck disable=SC2046
    p1=$(pcap_dev net_pcap1 $(awk '$1 == "p1" {$1 = ""; print}' "$pcap.ports"))
    lc=$(lcores_for "$WORKERS") nq=$WORKERS held=$((2 * flows))
  fi
  # shellcheck disable=SC2086 # EAL_HUGE: several words (huge.sh)
  timeout $((SECS + 20 + held / 20000)) dpdk-testpmd --lcores "$lc" $EAL_HUGE -m "$MEM" \
    --no-pci --file-prefix vgwbenchtp$$ --log-level='*:warning' \
    --vdev "$p0" --vdev "$p1" -- \
    --forward-mode=io --auto-start --stats-period 1 --nb-cores="$WORKERS" \
    --rxq="$nq" --txq="$nq" --total-num-mbufs=$((held + 16384)) 2>/dev/null |
    awk '/Tx-pps:/ {v[++n % 2] = $2} END {print v[0] + v[1]}' || true
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

REPORT=$BUILD/bench-report.md
{
  echo "Machine: $(awk -F: '/^model name/ {sub(/^ */, "", $2); print $2; exit}' /proc/cpuinfo)," \
       "$(nproc) CPUs, ${MHZ} MHz; medians of $RUNS runs of ${SECS} s;" \
       "one worker core unless the workload says."
  echo "Build: $(build_march); testpmd: the distribution's."
  echo "Memory: $MEM_MODE; vgwd and testpmd alike."
  echo
  echo "| workload | flows | Mpps | cyc/pkt @ ${MHZ} MHz | cpu cyc/pkt | testpmd Mpps | ratio | RSS MiB | DPDK MiB | valid |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
} >"$REPORT"
cat "$REPORT"
fail=0 conns_line= maps_line= worker_lines=() stage_lines=()
for w in "${WORK[@]}"; do
  read -r name flows WORKERS < <(parse_work "$w")
  pcap=$(gen "$name" "$flows")
  MEM=$(mem_for "$flows")
  pps=() cyc=() conns=() valid=yes rss=0 wl=()
  for _ in $(seq "$RUNS"); do
    # not in a subshell: vgwd's PID goes to PIDS, for the EXIT trap
    run_vgwd "$name" "$flows" "$pcap" >"$TMP/run"
    read -r r c d rss n <"$TMP/run"
    pps+=("$r") cyc+=("$c") conns+=("$n")
    [ "$WORKERS" = 1 ] || wl+=("$r $(cat "$TMP/workers")")
    [ "$d" = 0 ] || valid="NO ($d drops$(drop_reasons))"
  done
  m=$(median "${pps[@]}") mc=$(median "${cyc[@]}")
  label=$name
  [ $QUICK = 1 ] || stage_lines+=("$(stage_line "$name" "$flows")")
  [ "$name" != vip-handoff ] || label="$name, $WORKERS worker$([ "$WORKERS" = 1 ] || echo s)"
  if [ "$WORKERS" -gt 1 ]; then  # the median run's per-worker figures
    for x in "${wl[@]}"; do
      [ "${x%% *}" != "$m" ] || { worker_lines+=("$label, $flows flows: ${x#* }"); break; }
    done
  fi
  tp=0; [ $QUICK = 1 ] || tp=$(run_testpmd "$pcap" "$flows")
  mem="$MEM"; [ "$EAL_HUGE" != --no-huge ] || mem="$MEM (no hugepages)"
  line=$("$PY" - "$label" "$flows" "$m" "$mc" "$tp" "$MHZ" "$rss" "$mem" "$valid" "$WORKERS" <<'PYEOF'
import sys
n, f, m, mc, tp, mhz, rss, mem, ok = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \
    sys.argv[4], int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]), sys.argv[8], sys.argv[9]
cyc = "%.0f" % (int(sys.argv[10]) * mhz * 1e6 / m) if m else "-"
tps = "%.1f" % (tp / 1e6) if tp else "-"
ratio = "%.2f" % (m / tp) if tp else "-"
print("| %s | %d | %.2f | %s | %s | %s | %s | %d | %s | %s |"
      % (n, f, m / 1e6, cyc, mc, tps, ratio, rss // 1024, mem, ok))
PYEOF
)
  echo "$line" | tee -a "$REPORT"
  if [ "$name" = syn-flood ]; then
    conns_line="New connections: $("$PY" -c "print('%.2f' % ($(median "${conns[@]}") / 1e6))") M/s (syn-flood, $flows flows, median)"
  fi
  if [ "$name" = snat-new ]; then
    maps_line="New SNAT mappings: $("$PY" -c "print('%.2f' % ($(median "${conns[@]}") / 1e6))") M/s (snat-new, $flows flows, median)"
  fi
  { [ "$m" -gt 0 ] && [ "$valid" = yes ]; } || fail=1
done
{
  echo
  [ -z "$conns_line" ] || echo "$conns_line"
  [ -z "$maps_line" ] || echo "$maps_line"
  for x in "${worker_lines[@]}"; do echo "$x"; echo; done
  for x in "${stage_lines[@]}"; do echo "$x"; echo; done
  read -r _ b1 t1 < <("$BUILD/tests/bench/ct_mem" 1048576)
  read -r _ b10 t10 < <("$BUILD/tests/bench/ct_mem" 10000000)
  echo "Conntrack: $b1 bytes per flow at 1M entries; 10M connections: $t10 MiB ($b10 bytes per flow)"
} | tee -a "$REPORT"
echo "report: $REPORT"
exit $fail
