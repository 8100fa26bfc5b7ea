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
#         worker on CPU 1.
# Per workload: median over N runs of the forwarded rate (output port tx over
# S seconds after a warm-up), cycles per packet at the CPU clock from
# /proc/cpuinfo, ratio to the testpmd ceiling, vgwd RSS; a run whose drop
# counters are not all zero is reported as INVALID (drops are not
# throughput). The table goes to stdout and to BUILD/bench-report.md.
# --quick: one 1K-flow eip-in run of 1 s (the smoke test in `make test`).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=$(cd "${1:?usage: run.sh BUILD [--quick] [WORKLOAD:FLOWS ...]}" && pwd)
shift
PY=/usr/bin/python3
VGWD=$BUILD/app/vgwd/vgwd
VGWCTL=$BUILD/app/vgwctl/vgwctl
RUNS=3 SECS=5 WARM=2 QUICK=0
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
if [ $QUICK = 1 ]; then RUNS=1 SECS=1 WARM=1; [ ${#WORK[@]} -gt 0 ] || WORK=(eip-in:1000); fi
[ ${#WORK[@]} -gt 0 ] || WORK=(eip-in:1000 eip-in:65536 eip-in:1000000 vip-in:1000 vip-in:65536
                               vip-in:1000000 vxlan-return:65536 syn-flood:1000000)
TMP=$(mktemp -d /tmp/vgw-bench.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT
MHZ=$(awk -F: '/^cpu MHz/ {printf "%d", $2; exit}' /proc/cpuinfo)
json() { "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

# run_vgwd PCAP IN_PORT(p0|p1) SETTINGS CONF -> "pps drops rss_kb"
run_vgwd() {
  local pcap=$1 inp=$2 settings=$3 conf=$4 sock=$TMP/vgwd.sock cfg=$TMP/vgwd.conf
  local p0="net_pcap0,rx_pcap=$pcap,infinite_rx=1" p1="net_null1,no-rx=1"
  if [ "$inp" = p1 ]; then p0="net_null0,no-rx=1" p1="net_pcap1,rx_pcap=$pcap,infinite_rx=1"; fi
  local out=$([ "$inp" = p1 ] && echo 0 || echo 1)
  {
    # with --no-huge, the pcap's mbufs and a 1M-entry conntrack need room
    echo "eal --no-huge -m $MEM --no-pci --file-prefix vgwbench$$ --log-level=*:warning"
    echo "lcores 0,1"
    echo "control socket $sock"
    echo "port p0 dev $p0 role public mac 02:00:00:00:00:01 address 10.1.0.1/24"
    echo "port p1 dev $p1 role underlay mac 02:00:00:00:01:01 address 10.2.0.1/24"
    cat "$settings" "$conf"
  } >"$cfg"
  "$VGWD" -c "$cfg" >"$TMP/vgwd.log" 2>&1 &
  local pid=$!
  PIDS+=("$pid")
  for _ in $(seq 100); do [ -S "$sock" ] && break; sleep 0.1; done
  sleep "$WARM"
  local s0 s1 tx0 tx1 drops rss
  s0=$(timeout 10 "$VGWCTL" -s "$sock" -j show stats)
  sleep "$SECS"
  s1=$(timeout 10 "$VGWCTL" -s "$sock" -j show stats)
  tx0=$(json "d['ports'][$out]['tx']" <<<"$s0")
  tx1=$(json "d['ports'][$out]['tx']" <<<"$s1")
  drops=$(json "sum(p['dropped'] + p['rx_missed'] for p in d['ports'])" <<<"$s1")
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  kill "$pid"; wait "$pid" 2>/dev/null || true
  echo $(( (tx1 - tx0) / SECS )) "$drops" "$rss"
}

# run_testpmd PCAP -> pps (io forwarding, pcap -> null)
run_testpmd() {
  local pcap=$1
  timeout $((WARM + SECS + 6)) dpdk-testpmd -l 0,1 --no-huge -m 2048 --no-pci \
    --file-prefix vgwbenchtp$$ --log-level='*:warning' \
    --vdev "net_pcap0,rx_pcap=$pcap,infinite_rx=1" --vdev net_null0,no-rx=1 -- \
    --forward-mode=io --auto-start --stats-period 1 --nb-cores=1 2>/dev/null |
    awk '/Tx-pps:/ {v=$2} END {print v+0}' || true
}

median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

REPORT=$BUILD/bench-report.md
{
  echo "| workload | flows | Mpps (median of $RUNS) | cycles/pkt @ ${MHZ} MHz | testpmd Mpps | ratio | vgwd RSS MiB | valid |"
  echo "|---|---|---|---|---|---|---|---|"
} >"$REPORT"
cat "$REPORT"
fail=0
for w in "${WORK[@]}"; do
  name=${w%%:*} flows=${w##*:}
  pcap=$TMP/$name-$flows.pcap
  "$PY" "$HERE/gen_pcap.py" "$name" "$flows" "$pcap" >/dev/null 2>&1
  inp=p0; [ "$name" = vxlan-return ] && inp=p1
  MEM=1024; [ "$flows" -le 100000 ] || MEM=8192
  # a big vip-in pcap creates its entries on the first replay: let it finish
  [ $QUICK = 1 ] || { WARM=2; [ "$flows" -le 100000 ] || WARM=8; }
  pps=() valid=yes rss=0
  for _ in $(seq "$RUNS"); do
    read -r r d rss < <(run_vgwd "$pcap" "$inp" "$pcap.settings" "$pcap.conf")
    pps+=("$r")
    [ "$d" = 0 ] || valid="NO ($d drops)"
  done
  m=$(median "${pps[@]}")
  tp=0; [ $QUICK = 1 ] || tp=$(run_testpmd "$pcap")
  line=$("$PY" - "$name" "$flows" "$m" "$tp" "$MHZ" "$rss" "$valid" <<'PYEOF'
import sys
n, f, m, tp, mhz, rss, ok = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), \
    int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
cyc = "%.0f" % (mhz * 1e6 / m) if m else "-"
tps = "%.1f" % (tp / 1e6) if tp else "-"
ratio = "%.2f" % (m / tp) if tp else "-"
print("| %s | %d | %.2f | %s | %s | %s | %d | %s |" % (n, f, m / 1e6, cyc, tps, ratio, rss // 1024, ok))
PYEOF
)
  echo "$line" | tee -a "$REPORT"
  { [ "$m" -gt 0 ] && [ "$valid" = yes ]; } || fail=1
done
echo "report: $REPORT"
exit $fail
