# shellcheck shell=bash
# Topology helper for the vgw e2e tests and the demo.  Source it, then:
#
#     topo_init "$BUILD_DIR"     # root / ip netns checks (exit 77), temp dir, EXIT trap
#     topo_create                # namespaces, veths, bridge, addresses
#     vgwd_config [N_WORKERS]    # writes $TOPO_TMP/vgwd.conf (1 or 2 workers)
#     vgwd_start [CONF]          # vgwd inside the gateway namespace, waits until ready
#     vctl ARGS...               # vgwctl -s $VGW_SOCK ARGS...
#
#            c (client)                  g (gateway, vgwd)                 s (switch)
#   10.1.0.2/24 [$IF_C] ---- [$IF_G0] p0 public   p1 underlay [$IF_G1] ---- [$IF_S0]
#   default via 10.1.0.1      no kernel addresses, IPv6 off                  $BR (bridge)
#                                                                 [$IF_S1]/      \[$IF_S2]
#                                                             r1 [$IF_R1]        [$IF_R2] r2
#                                                          10.2.0.11/24          10.2.0.12/24
#                       lo: 10.9.0.1/32 10.8.0.1/32 (both), default via 10.2.0.1
#
# Every name carries a per-run suffix so parallel runs and leftovers never
# collide.  The cleanup (trap EXIT) kills only the PIDs started here and
# deletes only the namespaces created here.

export PATH="$PATH:/usr/sbin:/sbin"

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NETUTIL="$E2E_DIR/netutil.py"
if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=python3; fi

TOPO_PIDS=()
TOPO_NS=()
TOPO_DPDK_PREFIXES=()   # EAL file prefixes of further vgwd instances (cleanup removes them)
TOPO_TMP=""
TOPO_FAILS=0
VGWD_PID=""
TOPO_CREATED=0

# ---------------------------------------------------------------- reporting
say()  { printf '%s\n' "$*"; }
info() { printf '  .. %s\n' "$*"; }
pass() { printf 'PASS: %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*"; TOPO_FAILS=$((TOPO_FAILS + 1)); }
# check "description" command...   (records PASS/FAIL, never exits)
check() {
  local desc=$1; shift
  if "$@"; then pass "$desc"; return 0; else fail "$desc"; return 1; fi
}
skip() { printf 'SKIP: %s\n' "$*"; exit 77; }
die()  { printf 'FAIL: %s\n' "$*"; TOPO_FAILS=$((TOPO_FAILS + 1)); exit 1; }
# end of a test: exit 0 when no check failed
finish() {
  if [ "$TOPO_FAILS" -eq 0 ]; then say "RESULT: all checks passed"; exit 0; fi
  say "RESULT: $TOPO_FAILS check(s) failed"; exit 1
}

# wait_until TIMEOUT_S CMD...  -> 0 as soon as CMD succeeds, 1 on timeout
wait_until() {
  local t=$1; shift
  local end=$(( $(date +%s%N) + t * 1000000000 ))
  while :; do
    "$@" && return 0
    [ "$(date +%s%N)" -ge "$end" ] && return 1
    sleep 0.1
  done
}

# ---------------------------------------------------------------- setup
topo_init() {
  local build=${1:-}
  [ -n "$build" ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
  [ "$(id -u)" -eq 0 ] || skip "needs root"
  command -v ip >/dev/null 2>&1 || skip "iproute2 (ip) not installed"
  ip netns list >/dev/null 2>&1 || skip "ip netns unavailable"
  local t
  for t in ethtool ping timeout sha256sum; do
    command -v "$t" >/dev/null 2>&1 || die "missing tool: $t (run tests/setup.sh)"
  done
  "$PY" -c 'import socket, json' 2>/dev/null || die "python3 not usable"

  BUILD_DIR="$(cd "$build" 2>/dev/null && pwd)" || die "no build dir $build"
  VGWD="$BUILD_DIR/app/vgwd/vgwd"
  VGWCTL="$BUILD_DIR/app/vgwctl/vgwctl"
  [ -x "$VGWD" ] || die "vgwd not built: $VGWD"
  [ -x "$VGWCTL" ] || die "vgwctl not built: $VGWCTL"

  # unique short suffix: 6 hex digits, re-drawn while any name is taken
  local i
  for i in $(seq 1 50); do
    SUF=$(printf '%02x%04x' $((RANDOM & 0xff)) $(( ($$ ^ RANDOM) & 0xffff )))
    [ -e "/run/netns/vgc-$SUF" ] || [ -e "/run/netns/vgg-$SUF" ] || \
      [ -e "/run/netns/vgs-$SUF" ] || [ -e "/run/netns/vg1-$SUF" ] || \
      [ -e "/run/netns/vg2-$SUF" ] || [ -e "/var/run/dpdk/vgw-e2e-$SUF" ] || break
  done
  NS_C="vgc-$SUF"; NS_G="vgg-$SUF"; NS_S="vgs-$SUF"
  NS_R1="vg1-$SUF"; NS_R2="vg2-$SUF"
  # interface names (<= 15 chars: 3 + 6 = 9)
  IF_C="ec-$SUF"            # in c, to the gateway
  IF_G0="g0-$SUF"           # in g, p0 (public)
  IF_G1="g1-$SUF"           # in g, p1 (underlay)
  IF_S0="s0-$SUF"           # in s, bridge port to g
  IF_S1="s1-$SUF"           # in s, bridge port to r1
  IF_S2="s2-$SUF"           # in s, bridge port to r2
  IF_R1="e1-$SUF"           # in r1
  IF_R2="e2-$SUF"           # in r2
  BR="br-$SUF"              # in s
  FILE_PREFIX="vgw-e2e-$SUF"

  TOPO_TMP=$(mktemp -d "/tmp/vgw-e2e-$SUF.XXXXXX")
  VGW_SOCK="$TOPO_TMP/vgwd.sock"
  VGW_CONF="$TOPO_TMP/vgwd.conf"
  VGWD_LOG="$TOPO_TMP/vgwd.log"
  TOPO_MAIN_PID=$BASHPID
  trap topo_cleanup EXIT
  trap 'exit 143' TERM
  trap 'exit 130' INT
  say "topology suffix $SUF, temp dir $TOPO_TMP"
}

# nsx NS CMD...   run CMD inside namespace NS
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# bg_ns NS LOG CMD...   start CMD in NS in the background; PID in $BG_PID
bg_ns() {
  local ns=$1 log=$2; shift 2
  ip netns exec "$ns" "$@" >"$log" 2>&1 &
  BG_PID=$!
  TOPO_PIDS+=("$BG_PID")
}

_ns_add() {
  ip netns add "$1" || return 1
  TOPO_NS+=("$1")
  ip -n "$1" link set lo up
  # no IPv6 anywhere: keeps the wire quiet (no ND/MLD noise)
  nsx "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 >/dev/null
}

_veth() {  # _veth NS_A IF_A NS_B IF_B
  ip link add name "$2" netns "$1" type veth peer name "$4" netns "$3" || return 1
  local pair
  for pair in "$1 $2" "$3 $4"; do
    set -- $pair
    nsx "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1" >/dev/null 2>&1
    nsx "$1" ethtool -K "$2" tx off rx off tso off gso off gro off >/dev/null 2>&1 || return 1
    ip -n "$1" link set "$2" up || return 1
  done
}

_link_up() { [ "$(ip netns exec "$1" cat "/sys/class/net/$2/operstate" 2>/dev/null)" = up ]; }

topo_create() {
  # the first namespace doubles as a probe: no permission -> skip
  if ! ip netns add "$NS_C" 2>/dev/null; then skip "cannot create network namespaces"; fi
  TOPO_NS+=("$NS_C")
  ip -n "$NS_C" link set lo up
  nsx "$NS_C" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 >/dev/null
  _ns_add "$NS_G"  || die "netns $NS_G"
  _ns_add "$NS_S"  || die "netns $NS_S"
  _ns_add "$NS_R1" || die "netns $NS_R1"
  _ns_add "$NS_R2" || die "netns $NS_R2"

  _veth "$NS_C"  "$IF_C"  "$NS_G" "$IF_G0" || die "veth c-g"
  _veth "$NS_G"  "$IF_G1" "$NS_S" "$IF_S0" || die "veth g-s"
  _veth "$NS_R1" "$IF_R1" "$NS_S" "$IF_S1" || die "veth r1-s"
  _veth "$NS_R2" "$IF_R2" "$NS_S" "$IF_S2" || die "veth r2-s"

  # switch: a plain learning bridge, no STP, no forwarding delay
  ip -n "$NS_S" link add name "$BR" type bridge stp_state 0 forward_delay 0 || die "bridge"
  local p
  for p in "$IF_S0" "$IF_S1" "$IF_S2"; do ip -n "$NS_S" link set "$p" master "$BR" || die "enslave $p"; done
  ip -n "$NS_S" link set "$BR" up || die "bridge up"

  # gateway: ports up, no addresses, kernel must not route nor answer
  nsx "$NS_G" sysctl -qw net.ipv4.ip_forward=0 >/dev/null

  # client
  ip -n "$NS_C" addr add 10.1.0.2/24 dev "$IF_C" || die "addr c"
  ip -n "$NS_C" route add default via 10.1.0.1 || die "route c"

  # routers: unicast address + the anycast service addresses on lo
  local ns ifc addr
  for ns in "$NS_R1" "$NS_R2"; do
    if [ "$ns" = "$NS_R1" ]; then ifc=$IF_R1; addr=10.2.0.11; else ifc=$IF_R2; addr=10.2.0.12; fi
    ip -n "$ns" addr add "$addr/24" dev "$ifc" || die "addr $ns"
    ip -n "$ns" addr add 10.9.0.1/32 dev lo || die "anycast $ns"
    ip -n "$ns" addr add 10.8.0.1/32 dev lo || die "anycast $ns"
    ip -n "$ns" route add default via 10.2.0.1 || die "route $ns"
    # answer ARP only for addresses of the asking interface (not the anycast ones)
    nsx "$ns" sysctl -qw net.ipv4.conf.all.arp_ignore=1 >/dev/null
  done
  # wait (bounded) until every link reports carrier
  local pair
  for pair in "$NS_C $IF_C" "$NS_G $IF_G0" "$NS_G $IF_G1" "$NS_S $IF_S0" "$NS_S $IF_S1" \
              "$NS_S $IF_S2" "$NS_S $BR" "$NS_R1 $IF_R1" "$NS_R2 $IF_R2"; do
    set -- $pair
    wait_until 5 _link_up "$1" "$2" || die "link $2 in $1 not up"
  done
  TOPO_CREATED=1
  info "namespaces: $NS_C $NS_G $NS_S $NS_R1 $NS_R2"
}

# ---------------------------------------------------------------- vgwd
# vgwd_config [WORKERS] [FILE]   1 worker: lcores 0,1; 2 workers: 0@0,1@1,2@1 + qpairs=2
vgwd_config() {
  local workers=${1:-1} file=${2:-$VGW_CONF} lcores qp=""
  if [ "$workers" -ge 2 ]; then lcores="0@0,1@1,2@1"; qp=",qpairs=2"; else lcores="0,1"; fi
  cat >"$file" <<EOF
# vgwd e2e configuration (generated by tests/e2e/topo.sh, suffix $SUF)
eal --no-huge -m 512 --no-pci --file-prefix $FILE_PREFIX --log-level=*:warning
lcores $lcores
control socket $VGW_SOCK
port p0 dev net_af_packet0,iface=$IF_G0$qp role public address 10.1.0.1/24
port p1 dev net_af_packet1,iface=$IF_G1$qp role underlay address 10.2.0.1/24
EOF
}

vctl() { timeout 10 "$VGWCTL" -s "$VGW_SOCK" "$@"; }

vgwd_alive() { [ -n "$VGWD_PID" ] && kill -0 "$VGWD_PID" 2>/dev/null; }

_vgwd_ready() {  # 0 ready, 1 not yet, 99 vgwd exited
  vgwd_alive || return 99
  timeout 5 "$VGWCTL" -s "$VGW_SOCK" show version >/dev/null 2>&1 && return 0
  return 1
}

# vgwd_start [CONF] [READY_TIMEOUT_S]
vgwd_start() {
  local conf=${1:-$VGW_CONF} t=${2:-20}
  info "starting vgwd -c $conf in $NS_G"
  : >>"$VGWD_LOG"
  echo "=== vgwd -c $conf ($(date +%T))" >>"$VGWD_LOG"
  ip netns exec "$NS_G" "$VGWD" -c "$conf" >>"$VGWD_LOG" 2>&1 &
  VGWD_PID=$!
  TOPO_PIDS+=("$VGWD_PID")
  local end=$(( $(date +%s) + t )) rc
  while :; do
    _vgwd_ready; rc=$?
    [ $rc -eq 0 ] && { info "vgwd ready (pid $VGWD_PID): $(vctl show version 2>&1 | tr '\n' ' ')"; return 0; }
    if [ $rc -eq 99 ]; then
      { wait "$VGWD_PID"; } 2>/dev/null; rc=$?
      say "vgwd exited early (status $rc); log:"; tail -n 30 "$VGWD_LOG" | sed 's/^/    /'
      VGWD_PID=""
      return 1
    fi
    if [ "$(date +%s)" -ge "$end" ]; then
      say "vgwd not ready after ${t}s; log:"; tail -n 30 "$VGWD_LOG" | sed 's/^/    /'
      return 1
    fi
    sleep 0.2
  done
}

# stop_pid PID [TIMEOUT_S]: TERM, wait, KILL (only PIDs this script started)
stop_pid() {
  local pid=$1 t=${2:-10} i
  kill -0 "$pid" 2>/dev/null || { { wait "$pid"; } 2>/dev/null; return 0; }
  kill -TERM "$pid" 2>/dev/null
  for ((i = 0; i < t * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "  pid $pid did not stop on SIGTERM within ${t}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null
  fi
  { wait "$pid"; } 2>/dev/null
}

vgwd_stop() {
  [ -n "$VGWD_PID" ] || return 0
  local pid=$VGWD_PID rc
  if ! kill -0 "$pid" 2>/dev/null; then
    { wait "$pid"; } 2>/dev/null; rc=$?
    say "  vgwd (pid $pid) had already exited with status $rc"
    VGWD_PID=""; return 1
  fi
  kill -TERM "$pid" 2>/dev/null
  local i
  for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    say "  vgwd did not exit within 10s of SIGTERM; SIGKILL"
    kill -KILL "$pid" 2>/dev/null; { wait "$pid"; } 2>/dev/null
    VGWD_PID=""; return 1
  fi
  { wait "$pid"; } 2>/dev/null; rc=$?
  VGWD_PID=""
  info "vgwd stopped (exit status $rc)"
  return 0
}

# ---------------------------------------------------------------- helpers
# json_get EXPR  (reads JSON on stdin, prints eval(EXPR) with d = the document)
json_get() { "$PY" -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1]))' "$1"; }

# stat_drop REASON -> total drop counter from `vgwctl -j show stats`
stat_drop() { vctl -j show stats | json_get "d['drops']['$1']"; }

# neigh_state IP -> state of IP in `show neigh` (empty when absent)
neigh_state() {
  vctl -j show neigh | json_get "next((n['state'] for n in d['neighbors'] if n['ip']=='$1'), '')"
}

# sink_field FILE EXPR -> eval on the JSON a udp-sink keeps writing
sink_field() { json_get "$2" <"$1"; }

ping_count() {  # ping_count NS DST COUNT -> number of replies received
  local out
  out=$(nsx "$1" ping -n -c "$3" -i 0.2 -W 2 "$2" 2>&1)
  printf '%s\n' "$out" | sed -n 's/.* \([0-9]\+\) received.*/\1/p' | head -n1
}

_listening() { nsx "$1" ss -Hltn "sport = :$2" 2>/dev/null | grep -q .; }
_file_nonempty() { [ -s "$1" ]; }

# tcp_transfer_ns MB SERVER_NS CLIENT_NS DST PORT [BIND]: a server in SERVER_NS
# (bound to BIND, default 0.0.0.0) sends MB MiB of random data to a client in
# CLIENT_NS that connects to DST:PORT; 0 when everything arrived with the same
# sha256.  Prints the client's summary (bytes, seconds, Mbit/s).
tcp_transfer_ns() {
  local mb=$1 sns=$2 cns=$3 dst=$4 port=$5 bind=${6:-0.0.0.0}
  local src="$TOPO_TMP/tcp-src-$port.bin" dstf="$TOPO_TMP/tcp-dst-$port.bin"
  head -c "${mb}M" /dev/urandom >"$src"
  bg_ns "$sns" "$TOPO_TMP/tcp-serve-$port.log" "$PY" "$NETUTIL" tcp-serve "$bind" "$port" \
    --file "$src" --count 1 --timeout 90
  local spid=$BG_PID
  if ! wait_until 5 _listening "$sns" "$port"; then
    say "  tcp server did not start: $(cat "$TOPO_TMP/tcp-serve-$port.log")"; stop_pid "$spid" 2; return 1
  fi
  local out rc
  out=$(nsx "$cns" timeout 100 "$PY" "$NETUTIL" tcp-get "$dst" "$port" "$dstf" --timeout 90 --connect-timeout 5 2>&1); rc=$?
  info "client (exit $rc): $out"
  local h1 h2 n
  h1=$(sha256sum <"$src" | cut -d' ' -f1)
  h2=$(sha256sum 2>/dev/null <"$dstf" | cut -d' ' -f1)
  n=$(stat -c %s "$dstf" 2>/dev/null || echo 0)
  info "sha256 sent $h1 ($((mb * 1048576)) bytes)"
  info "sha256 recv ${h2:-none} ($n bytes)"
  stop_pid "$spid" 5
  [ -s "$TOPO_TMP/tcp-serve-$port.log" ] && info "server: $(tr '\n' ' ' <"$TOPO_TMP/tcp-serve-$port.log")"
  rm -f "$src" "$dstf"
  [ "$rc" -eq 0 ] && [ "$h1" = "$h2" ]
}

# tcp_transfer MB DST PORT [SERVER_NS]: the same from a server in SERVER_NS
# (default r1) to a client in c
tcp_transfer() { tcp_transfer_ns "$1" "${4:-$NS_R1}" "$NS_C" "$2" "$3"; }

# ---------------------------------------------------------------- cleanup
topo_cleanup() {
  local rc=$?
  set +e
  trap - EXIT TERM INT
  # a child forked for `cmd &` that is signalled before its exec inherits this
  # trap: only the test's own shell cleans up
  [ "$BASHPID" = "$TOPO_MAIN_PID" ] || exit "$rc"
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ] && [ -n "$VGWD_LOG" ] && [ -s "$VGWD_LOG" ]; then
    say "--- vgwd log (tail) ---"; tail -n 40 "$VGWD_LOG" | sed 's/^/    /'
  fi
  local pid
  for pid in "${TOPO_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${TOPO_PIDS[@]}"; do
    local i
    for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    { wait "$pid"; } 2>/dev/null
  done
  # the sanitizer build (build-asan): a report, e.g. a leak at exit, fails
  if [ "$rc" -eq 0 ] && [ -n "$VGWD_LOG" ] &&
     grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$VGWD_LOG" 2>/dev/null; then
    say "FAIL: sanitizer report in vgwd's log:"
    grep -m 1 -A 60 -E '^==[0-9]+==ERROR|runtime error:' "$VGWD_LOG" | sed 's/^/    /'
    rc=1
  fi
  local ns
  for ns in "${TOPO_NS[@]}"; do ip netns del "$ns" 2>/dev/null; done
  [ -n "${FILE_PREFIX:-}" ] && rm -rf "/var/run/dpdk/$FILE_PREFIX"
  local fp
  for fp in "${TOPO_DPDK_PREFIXES[@]}"; do rm -rf "/var/run/dpdk/$fp"; done
  if [ -n "$TOPO_TMP" ] && [ -d "$TOPO_TMP" ]; then
    if [ -n "${VGW_E2E_KEEP:-}" ]; then say "kept $TOPO_TMP"; else rm -rf "$TOPO_TMP"; fi
  fi
  exit "$rc"
}
