# Shared by run.sh and profile.sh (sourced): start vgwd on a generated pcap
# (net_pcap,infinite_rx=1 -> net_null, one worker on CPU 1), read its
# counters, find its worker threads. Callers set BUILD, TMP, PY and MEM, and
# call huge_setup (huge.sh) once for the largest MEM of the run. WORKERS
# (default 1) is vgwd's worker count: 2 only for vip-handoff, whose two ports
# are both net_pcap inputs with a queue per worker (gen_pcap.py).
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

# gen NAME FLOWS -> PCAP path (with .settings and .conf beside it; vip-handoff:
# .ports, the RX pcaps of each port, a queue per worker)
gen() {
  local w=${WORKERS:-1} pcap=$TMP/$1-$2.pcap
  [ "$w" = 1 ] || pcap=$TMP/$1-$2-w$w.pcap
  [ -f "$pcap" ] || "$PY" "$HERE/gen_pcap.py" --workers "$w" "$1" "$2" "$pcap" >/dev/null 2>&1
  echo "$pcap"
}

# input port of a workload: VXLAN comes from the underlay, the rest from the
# Internet; vip-handoff: both (PCAP.ports); snat-return: p0, after p1 played
# PCAP.warm once (the mappings and sessions its replies need)
in_port() {
  case $1 in
    vxlan-return|snat-out|snat-new) echo p1 ;;
    vip-handoff) echo both ;;
    snat-return) echo warm ;;
    *) echo p0 ;;
  esac
}

# vgwd's lcores for WORKERS workers on this 2-CPU machine: one worker on CPU
# 1 (the main lcore, the slow path, mostly asleep in epoll, on CPU 0); two:
# worker 0 shares CPU 0 with the main lcore, worker 1 has CPU 1
lcores_for() {
  case $1 in
    1) echo 0,1 ;;
    2) echo 0@0,1@0,2@1 ;;
    *) echo "lib.sh: $1 workers: only 1 or 2" >&2; return 1 ;;
  esac
}

# a net_pcap device reading PCAP... forever, a queue per file
pcap_dev() {
  local d=$1; shift
  for f in "$@"; do d="$d,rx_pcap=$f"; done
  echo "$d,infinite_rx=1"
}

# start_vgwd PCAP IN_PORT [WRAPPER...]: sets VGWD_PID, SOCK, OUT (the output
# ports' indexes in show stats, comma-separated). IN_PORT p0 or p1: that port
# replays PCAP, the other is a net_null sink; both: PCAP.ports names each
# port's RX pcaps and both ports forward to each other. WRAPPER (e.g.
# valgrind) runs vgwd.
start_vgwd() {
  local pcap=$1 inp=$2; shift 2
  SOCK=$TMP/vgwd.sock
  local cfg=$TMP/vgwd.conf lcores
  lcores=$(lcores_for "${WORKERS:-1}")
  local p0 p1="net_null1,no-rx=1"
  p0=$(pcap_dev net_pcap0 "$pcap") OUT=1
  if [ "$inp" = p1 ]; then p0="net_null0,no-rx=1" p1=$(pcap_dev net_pcap1 "$pcap") OUT=0; fi
  # warm: p1 plays PCAP.warm once (no infinite_rx), p0 replays PCAP; what
  # counts is p1's output (the replies, into the VPC)
  if [ "$inp" = warm ]; then p1="net_pcap1,rx_pcap=$pcap.warm" OUT=1; fi
  if [ "$inp" = both ]; then
    # shellcheck disable=SC2046 # the file names: one word each
    p0=$(pcap_dev net_pcap0 $(awk '$1 == "p0" {$1 = ""; print}' "$pcap.ports"))
    # shellcheck disable=SC2046
    p1=$(pcap_dev net_pcap1 $(awk '$1 == "p1" {$1 = ""; print}' "$pcap.ports"))
    OUT=0,1
  fi
  rm -f "$SOCK"
  {
    # EAL_HUGE: hugepages or --no-huge (huge.sh); MEM: mem_for
    echo "eal $EAL_HUGE -m $MEM --no-pci --file-prefix vgwbench$$ --log-level=*:warning"
    echo "lcores $lcores"
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
tx_of() { json "sum(d['ports'][i]['tx'] for i in ($OUT,))"; }
drops_of() { json "sum(p['dropped'] + p['rx_missed'] for p in d['ports'])"; }

# The worker lcores' thread ids, worker 0 first (EAL names them rte-worker-N
# or lcore-worker-N, N the lcore id: worker w is the (w + 1)th).
worker_tids() {
  local t
  for t in /proc/"$VGWD_PID"/task/*; do
    case $(cat "$t/comm") in
      lcore-worker*|rte-worker*) echo "$(cat "$t/comm" | tr -dc 0-9) $(basename "$t")" ;;
    esac
  done | sort -n | awk '{print $2}'
}
worker_tid() { worker_tids | head -1; }

# Per worker: "rx tx" packets over both ports, one line per worker, from
# the ports' queue counters (worker w polls RX queue w and sends on TX queue
# w of every port; net_pcap counts per queue), read over DPDK telemetry.
queue_stats() {
  local ids
  ids=$(timeout 60 "$VGWCTL" -s "$SOCK" -j show port | json "' '.join(str(p['id']) for p in d['ports'])")
  "$PY" - "/var/run/dpdk/vgwbench$$/dpdk_telemetry.v2" "${WORKERS:-1}" $ids <<'PYEOF'
import json, socket, sys
path, nw, ids = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(path)
s.recv(16384)  # the greeting
rx, tx = [0] * nw, [0] * nw
for i in ids:
    s.send(("/ethdev/stats,%s" % i).encode())
    st = json.loads(s.recv(65536))["/ethdev/stats"]
    for w in range(nw):
        rx[w] += st["q_ipackets"][w]
        tx[w] += st["q_opackets"][w]
for w in range(nw):
    print(rx[w], tx[w])
PYEOF
}

# Nanoseconds thread TID has spent on a CPU (scheduler accounting): the
# worker's own time, not the time the shared machine gave to others.
oncpu_ns() { awk '{print $1}' "/proc/$VGWD_PID/task/$1/schedstat"; }
