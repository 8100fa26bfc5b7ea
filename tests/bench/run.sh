#!/usr/bin/env bash
# Benchmark harness (`make bench`): vgwd forwarding a replayed pcap on one
# worker core, against dpdk-testpmd io forwarding on the same vdevs (the
# harness ceiling).
#
#   tests/bench/run.sh BUILD [--quick] [--runs N] [--secs S] [WORKLOAD:FLOWS ...]
#
# Input:  net_pcap,rx_pcap=FILE,infinite_rx=1 (tests/bench/gen_pcap.py writes
#         the pcap and the matching vgwd settings/commands);
# output: net_null,no-rx=1.  lcores 0,1: main lcore (slow path) on CPU 0, the
#         worker on CPU 1 (start-up in lib.sh).
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
                               vip-in:1000000 vxlan-return:65536 syn-flood:1000000)
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
  m=$(mem_for "${w##*:}"); [ "$m" -le "$maxmem" ] || maxmem=$m
done
huge_setup "$maxmem"

ct_created() { timeout 60 "$VGWCTL" -s "$SOCK" -j show conntrack | json "d['created']"; }
ct_entries() { timeout 60 "$VGWCTL" -s "$SOCK" -j show conntrack | json "d['entries']"; }

# run_vgwd NAME FLOWS PCAP -> "pps oncpu_cycles_per_pkt drops rss_kb new_conns_per_s"
run_vgwd() {
  local name=$1 flows=$2 pcap=$3
  start_vgwd "$pcap" "$(in_port "$name")"
  if [ $QUICK = 1 ]; then
    sleep 1
  else
    sleep 2
    # vip-in: measure established flows only: wait for the first replay to
    # have created every entry (1M flows: a few seconds)
    if [ "$name" = vip-in ]; then
      for _ in $(seq 120); do [ "$(ct_entries)" -ge "$flows" ] && break; sleep 1; done
      sleep 1
    fi
  fi
  local tid s0 s1 c0 c1 n0=0 n1=0 t0 t1
  tid=$(worker_tid)
  [ "$name" = syn-flood ] && n0=$(ct_created)
  s0=$(stats); c0=$(oncpu_ns "$tid"); t0=$(date +%s%N)
  sleep "$SECS"
  s1=$(stats); c1=$(oncpu_ns "$tid"); t1=$(date +%s%N)
  [ "$name" = syn-flood ] && n1=$(ct_created)
  local rss
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$VGWD_PID/status")
  stop_vgwd
  "$PY" - "$(tx_of <<<"$s0")" "$(tx_of <<<"$s1")" "$((c1 - c0))" "$((t1 - t0))" "$MHZ" \
    "$(drops_of <<<"$s1")" "$rss" "$((n1 - n0))" <<'PYEOF'
import sys
tx0, tx1, cpu, wall, mhz, drops, rss, conns = map(int, sys.argv[1:])
pk = tx1 - tx0
print(int(pk * 1e9 / wall), "%.0f" % (cpu * mhz / 1e3 / pk) if pk else 0, drops, rss,
      int(conns * 1e9 / wall))
PYEOF
}

# run_testpmd PCAP FLOWS -> pps (io forwarding, pcap -> null); the pool
# holds the whole pcap (infinite_rx), as vgwd's does; loading it takes about
# 40 s per million packets without hugepages, hence the longer timeout
run_testpmd() {
  local pcap=$1 flows=$2
  # shellcheck disable=SC2086 # EAL_HUGE: several words (huge.sh)
  timeout $((SECS + 20 + flows / 20000)) dpdk-testpmd -l 0,1 $EAL_HUGE -m "$MEM" --no-pci \
    --file-prefix vgwbenchtp$$ --log-level='*:warning' \
    --vdev "net_pcap0,rx_pcap=$pcap,infinite_rx=1" --vdev net_null0,no-rx=1 -- \
    --forward-mode=io --auto-start --stats-period 1 --nb-cores=1 \
    --total-num-mbufs=$((flows + 16384)) 2>/dev/null |
    awk '/Tx-pps:/ {v=$2} END {print v+0}' || true
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

REPORT=$BUILD/bench-report.md
{
  echo "Machine: $(awk -F: '/^model name/ {sub(/^ */, "", $2); print $2; exit}' /proc/cpuinfo)," \
       "$(nproc) CPUs, ${MHZ} MHz; medians of $RUNS runs of ${SECS} s; one worker core."
  echo "Build: $(build_march); testpmd: the distribution's."
  echo "Memory: $MEM_MODE; vgwd and testpmd alike."
  echo
  echo "| workload | flows | Mpps | cyc/pkt @ ${MHZ} MHz | cpu cyc/pkt | testpmd Mpps | ratio | RSS MiB | DPDK MiB | valid |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
} >"$REPORT"
cat "$REPORT"
fail=0 conns_line=
for w in "${WORK[@]}"; do
  name=${w%%:*} flows=${w##*:}
  pcap=$(gen "$name" "$flows")
  MEM=$(mem_for "$flows")
  pps=() cyc=() conns=() valid=yes rss=0
  for _ in $(seq "$RUNS"); do
    # not in a subshell: vgwd's PID goes to PIDS, for the EXIT trap
    run_vgwd "$name" "$flows" "$pcap" >"$TMP/run"
    read -r r c d rss n <"$TMP/run"
    pps+=("$r") cyc+=("$c") conns+=("$n")
    [ "$d" = 0 ] || valid="NO ($d drops)"
  done
  m=$(median "${pps[@]}") mc=$(median "${cyc[@]}")
  tp=0; [ $QUICK = 1 ] || tp=$(run_testpmd "$pcap" "$flows")
  mem="$MEM"; [ "$EAL_HUGE" != --no-huge ] || mem="$MEM (no hugepages)"
  line=$("$PY" - "$name" "$flows" "$m" "$mc" "$tp" "$MHZ" "$rss" "$mem" "$valid" <<'PYEOF'
import sys
n, f, m, mc, tp, mhz, rss, mem, ok = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \
    sys.argv[4], int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7]), sys.argv[8], sys.argv[9]
cyc = "%.0f" % (mhz * 1e6 / m) if m else "-"
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
  { [ "$m" -gt 0 ] && [ "$valid" = yes ]; } || fail=1
done
{
  echo
  [ -z "$conns_line" ] || echo "$conns_line"
  read -r _ b1 t1 < <("$BUILD/tests/bench/ct_mem" 1048576)
  read -r _ b10 t10 < <("$BUILD/tests/bench/ct_mem" 10000000)
  echo "Conntrack: $b1 bytes per flow at 1M entries; 10M connections: $t10 MiB ($b10 bytes per flow)"
} | tee -a "$REPORT"
echo "report: $REPORT"
exit $fail
