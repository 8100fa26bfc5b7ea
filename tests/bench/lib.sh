# Shared by run.sh and profile.sh (sourced): start vgwd on a generated pcap
# (net_pcap,infinite_rx=1 -> net_null, one worker on CPU 1), read its
# counters, find its worker thread. Callers set BUILD, TMP, PY and MEM, and
# call huge_setup (huge.sh) once for the largest MEM of the run.
VGWD=$BUILD/app/vgwd/vgwd
VGWCTL=$BUILD/app/vgwctl/vgwctl
. "$HERE/huge.sh"

# DPDK memory (MiB, -m) for a workload of FLOWS flows: the pcap's mbufs and a
# 1M-entry conntrack need room; sized for --no-huge (4 KiB per mbuf), more
# than enough with hugepages (README.md)
mem_for() { [ "$1" -le 100000 ] && echo 1024 || echo 8192; }

# the build's -march (vgwd -V: native or baseline) and libdpdk's baseline
build_march() {
  local m b
  m=$("$VGWD" -V 2>/dev/null | awk '/^march:/ {print $2}')
  b=$(pkg-config --cflags libdpdk 2>/dev/null | grep -o -- '-march=[^ ]*' | tail -1)
  case $m in
    native) echo "-march=native -mtune=native (-Dnative=true; after libdpdk's ${b:-baseline})" ;;
    baseline) echo "baseline: libdpdk's ${b:--march} (-Dnative=false)" ;;
    *) echo "unknown (vgwd -V has no march line)" ;;
  esac
}

json() { "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

# gen NAME FLOWS -> PCAP path (with .settings and .conf beside it)
gen() {
  local pcap=$TMP/$1-$2.pcap
  [ -f "$pcap" ] || "$PY" "$HERE/gen_pcap.py" "$1" "$2" "$pcap" >/dev/null 2>&1
  echo "$pcap"
}

# input port of a workload: VXLAN comes from the underlay, the rest from the Internet
in_port() { [ "$1" = vxlan-return ] && echo p1 || echo p0; }

# start_vgwd PCAP IN_PORT [WRAPPER...]: sets VGWD_PID, SOCK, OUT (the output
# port's index in show stats). WRAPPER (e.g. valgrind) runs vgwd.
start_vgwd() {
  local pcap=$1 inp=$2; shift 2
  SOCK=$TMP/vgwd.sock
  local cfg=$TMP/vgwd.conf
  local p0="net_pcap0,rx_pcap=$pcap,infinite_rx=1" p1="net_null1,no-rx=1"
  if [ "$inp" = p1 ]; then p0="net_null0,no-rx=1" p1="net_pcap1,rx_pcap=$pcap,infinite_rx=1"; fi
  OUT=$([ "$inp" = p1 ] && echo 0 || echo 1)
  rm -f "$SOCK"
  {
    # EAL_HUGE: hugepages or --no-huge (huge.sh); MEM: mem_for
    echo "eal $EAL_HUGE -m $MEM --no-pci --file-prefix vgwbench$$ --log-level=*:warning"
    echo "lcores 0,1"
    echo "control socket $SOCK"
    echo "port p0 dev $p0 role public mac 02:00:00:00:00:01 address 10.1.0.1/24"
    echo "port p1 dev $p1 role underlay mac 02:00:00:00:01:01 address 10.2.0.1/24"
    cat "$pcap.settings" "$pcap.conf"
  } >"$cfg"
  "$@" "$VGWD" -c "$cfg" >"$TMP/vgwd.log" 2>&1 &
  VGWD_PID=$!
  PIDS+=("$VGWD_PID")
  for _ in $(seq 600); do [ -S "$SOCK" ] && break; sleep 0.1; done
  [ -S "$SOCK" ] || { cat "$TMP/vgwd.log" >&2; return 1; }
}

stop_vgwd() { kill "$VGWD_PID" 2>/dev/null || true; wait "$VGWD_PID" 2>/dev/null || true; }

stats() { timeout 60 "$VGWCTL" -s "$SOCK" -j show stats; }
tx_of() { json "d['ports'][$OUT]['tx']"; }
drops_of() { json "sum(p['dropped'] + p['rx_missed'] for p in d['ports'])"; }

# The worker lcore's thread id (EAL names it rte-worker-N or lcore-worker-N).
worker_tid() {
  local t
  for t in /proc/"$VGWD_PID"/task/*; do
    case $(cat "$t/comm") in lcore-worker*|rte-worker*) basename "$t"; return ;; esac
  done
}

# Nanoseconds thread TID has spent on a CPU (scheduler accounting): the
# worker's own time, not the time the shared machine gave to others.
oncpu_ns() { awk '{print $1}' "/proc/$VGWD_PID/task/$1/schedstat"; }
