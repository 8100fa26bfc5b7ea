# shellcheck shell=bash
# BGP additions to the e2e topology: upstream routers running BIRD on the
# gateway's public side, BIRD on the gateway itself, and helpers to query them.
# Source it after topo.sh (and vpc_topo.sh when VMs are needed):
#
#     topo_init "$BUILD_DIR"
#     bgp_require                  # bird + birdc installed, else skip (77)
#     bgp_topo_create kernel|vgwd  # namespaces, veths, bridges, addresses
#     bird_conf SRC DST [NAME=VALUE ...] [OFFER="route ...;route ...;"]
#     bird_start NAME NS CONF      # bird -f in NS, control socket + pidfile in $TOPO_TMP
#     bc NAME CMD...               # birdc -s <NAME's socket> CMD...
#     bird_wait_established NAME PROTO [TIMEOUT_S]
#     bird_has_route NAME PREFIX [TABLE]       # exact network in BIRD's table
#     krt_paths NS TABLE PREFIX                # next hops of a Linux route ("" = none)
#     bird_stop NAME
#
# The gateway peers on its public port, the side a real gateway node learns
# the Internet's routes from and announces its EIPs and VIPs to:
#
#        r1 (upstream, AS 64501)         r2 (upstream, AS 64502)
#        192.0.2.2/24 [$IF_R1]           192.0.2.3/24 [$IF_R2]
#        lo 198.51.100.1 198.18.1.1      lo 198.51.100.1 198.18.2.1
#                 \                       /
#             [$IF_P1]   p (switch) $BRP  [$IF_P2]
#                           [$IF_P0]
#                              |
#                          [$IF_G0] g (gateway, AS 64500)
#        kernel mode: $IF_G0 has 192.0.2.1/24 in Linux (BIRD alone, no vgwd)
#        vgwd mode:   $IF_G0 is vgwd's public port p0 (af_packet, no Linux
#                     address); vgwd's host port $HP0 (a tap) has 192.0.2.1/24
#                          [$IF_G1] p1 underlay 10.2.0.1/24 (vgwd mode)
#                              |
#                          [$IF_S0] s (underlay switch) $BR   <- vpc_hv hypervisors
#
# 198.51.100.0/24 is announced by both upstreams (anycast: an ECMP route at the
# gateway), 198.18.1.0/24 by r1 only, 198.18.2.0/24 by r2 only (each has its
# address on lo).  The upstreams have no default route: they reach the
# gateway's EIPs and VIPs only through the /32s the gateway announces.
#
# Every BIRD started here runs in the foreground (-f) of a background job whose
# PID is recorded (killed by topo_cleanup), with -s/-P under $TOPO_TMP; the
# system's bird service is never used.

# shellcheck disable=SC2034  # addresses and names for the scripts that source this file
BGP_CONF_DIR="$(cd "$E2E_DIR/../../conf/bird" && pwd)"
BGP_NET_PLEN=24
BGP_GW=192.0.2.1
BGP_R1=192.0.2.2
BGP_R2=192.0.2.3
BGP_GW_AS=64500
BGP_R1_AS=64501
BGP_R2_AS=64502
BGP_ANYCAST_NET=198.51.100.0/24   # announced by r1 and r2
BGP_ANYCAST=198.51.100.1
BGP_R1_NET=198.18.1.0/24          # r1 only
BGP_R1_HOST=198.18.1.1
BGP_R2_NET=198.18.2.0/24          # r2 only
BGP_R2_HOST=198.18.2.1
BGP_PUBLIC=203.0.113.0/24         # the gateway's public range (EIPs, VIPs)
# the lab's "Internet" is documentation/benchmarking space: exempt from BOGONS
BGP_LAB_NETS="[ 198.18.0.0/15+, 198.51.100.0/24+ ]"
BGP_IMPORT_TABLE=100
BGP_ANNOUNCE_TABLE=101
# rtm_protocol of vgwd's announcements (to be confirmed with the announce code)
VGW_RT_PROTO=${VGW_RT_PROTO:-250}

declare -A BIRD_NS=() BIRD_SOCK=() BIRD_PID=() BIRD_LOG=()

bgp_require() {
  local t
  for t in bird birdc; do
    command -v "$t" >/dev/null 2>&1 || skip "$t not installed (bird2; run tests/setup.sh)"
  done
}

# bgp_topo_create MODE: MODE kernel = the gateway's public veth carries the
# host-port address in Linux (BIRD tested alone); vgwd = it is vgwd's port
bgp_topo_create() {
  local mode=${1:-kernel}
  NS_P="vgp-$SUF"
  HP0="vh0-$SUF"            # vgwd's host port (tap) for p0, vgwd mode
  IF_P0="p0-$SUF"; IF_P1="p1-$SUF"; IF_P2="p2-$SUF"; BRP="bp-$SUF"
  [ -e "/run/netns/$NS_P" ] && die "netns $NS_P exists"
  if ! ip netns add "$NS_G" 2>/dev/null; then skip "cannot create network namespaces"; fi
  TOPO_NS+=("$NS_G")
  ip -n "$NS_G" link set lo up
  nsx "$NS_G" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 >/dev/null
  local ns
  for ns in "$NS_P" "$NS_S" "$NS_R1" "$NS_R2"; do _ns_add "$ns" || die "netns $ns"; done

  _veth "$NS_G"  "$IF_G0" "$NS_P" "$IF_P0" || die "veth g-p"
  _veth "$NS_R1" "$IF_R1" "$NS_P" "$IF_P1" || die "veth r1-p"
  _veth "$NS_R2" "$IF_R2" "$NS_P" "$IF_P2" || die "veth r2-p"
  _veth "$NS_G"  "$IF_G1" "$NS_S" "$IF_S0" || die "veth g-s"
  local br ports p
  for br in "$NS_P $BRP $IF_P0 $IF_P1 $IF_P2" "$NS_S $BR $IF_S0"; do
    set -- $br
    ns=$1 br=$2; shift 2; ports="$*"
    ip -n "$ns" link add name "$br" type bridge stp_state 0 forward_delay 0 || die "bridge $br"
    for p in $ports; do ip -n "$ns" link set "$p" master "$br" || die "enslave $p"; done
    ip -n "$ns" link set "$br" up || die "bridge $br up"
  done

  nsx "$NS_G" sysctl -qw net.ipv4.ip_forward=0 >/dev/null
  if [ "$mode" = kernel ]; then
    ip -n "$NS_G" addr add "$BGP_GW/$BGP_NET_PLEN" dev "$IF_G0" || die "addr g"
  fi

  local ifc addr host
  for ns in "$NS_R1" "$NS_R2"; do
    if [ "$ns" = "$NS_R1" ]; then ifc=$IF_R1 addr=$BGP_R1 host=$BGP_R1_HOST
    else ifc=$IF_R2 addr=$BGP_R2 host=$BGP_R2_HOST; fi
    ip -n "$ns" addr add "$addr/$BGP_NET_PLEN" dev "$ifc" || die "addr $ns"
    ip -n "$ns" addr add "$BGP_ANYCAST/32" dev lo || die "anycast $ns"
    ip -n "$ns" addr add "$host/32" dev lo || die "lo $ns"
    # routers route; they answer ARP only for addresses of the asking interface
    nsx "$ns" sysctl -qw net.ipv4.ip_forward=1 net.ipv4.conf.all.arp_ignore=1 >/dev/null
  done
  local pair
  for pair in "$NS_G $IF_G0" "$NS_G $IF_G1" "$NS_P $IF_P0" "$NS_P $IF_P1" "$NS_P $IF_P2" \
              "$NS_P $BRP" "$NS_S $IF_S0" "$NS_S $BR" "$NS_R1 $IF_R1" "$NS_R2 $IF_R2"; do
    set -- $pair
    wait_until 5 _link_up "$1" "$2" || die "link $2 in $1 not up"
  done
  TOPO_CREATED=1
  info "namespaces: gateway $NS_G, public switch $NS_P, upstreams $NS_R1 $NS_R2, underlay switch $NS_S"
}

# bgp_vgwd_config [FILE]: vgwd with a host port on p0 and both kernel tables
bgp_vgwd_config() {
  local file=${1:-$VGW_CONF}
  cat >"$file" <<EOF
# vgwd e2e configuration (generated by tests/e2e/bgp_topo.sh, suffix $SUF)
eal --no-huge -m 512 --no-pci --file-prefix $FILE_PREFIX --log-level=*:warning
lcores 0,1
control socket $VGW_SOCK
kernel import-table $BGP_IMPORT_TABLE
kernel announce-table $BGP_ANNOUNCE_TABLE
port p0 dev net_af_packet0,iface=$IF_G0 role public host-port $HP0 address $BGP_GW/$BGP_NET_PLEN
port p1 dev net_af_packet1,iface=$IF_G1 role underlay address 10.2.0.1/24
EOF
}

# ---------------------------------------------------------------- BIRD
# bird_conf SRC DST [NAME=VALUE ...]: SRC with every `define NAME = ...;` line
# given a new value (a NAME without such a line is an error), `log syslog` ->
# stderr, and with OFFER="route A blackhole;route B blackhole;" the lines
# between "# BEGIN offer" and "# END offer" replaced (one route per ';').
bird_conf() {
  local src=$1 dst=$2 kv name val
  shift 2
  cp "$src" "$dst" || return 1
  sed -i 's/^log syslog all;/log stderr all;/' "$dst"
  for kv in "$@"; do
    name=${kv%%=*} val=${kv#*=}
    if [ "$name" = OFFER ]; then
      "$PY" - "$dst" "$val" <<'PY' || return 1
import sys
path, routes = sys.argv[1], [r.strip() for r in sys.argv[2].split(';') if r.strip()]
out, skip, seen = [], False, False
for line in open(path):
    if line.strip() == "# BEGIN offer":
        out.append(line); out += ["  %s;\n" % r for r in routes]; skip = seen = True; continue
    if line.strip() == "# END offer":
        skip = False
    if not skip:
        out.append(line)
if not seen:
    sys.exit("no '# BEGIN offer' block in " + path)
open(path, "w").writelines(out)
PY
      continue
    fi
    grep -q "^define $name *=" "$dst" || { say "bird_conf: no 'define $name' in $src"; return 1; }
    # the value may contain '/', '[', '+': use a delimiter that cannot appear
    sed -i "s|^define $name *=[^;]*;|define $name = $val;|" "$dst" || return 1
  done
  bird -p -c "$dst" || { say "bird_conf: $dst does not parse"; return 1; }
}

# bc NAME CMD...: birdc on NAME's control socket (bounded)
bc() { local n=$1; shift; timeout 10 birdc -s "${BIRD_SOCK[$n]}" "$@"; }

_bird_up() { bc "$1" show status 2>/dev/null | grep -q 'Daemon is up and running'; }

# bird_start NAME NS CONF: BIRD in NS; returns when its control socket answers
bird_start() {
  local name=$1 ns=$2 conf=$3
  BIRD_NS[$name]=$ns
  BIRD_SOCK[$name]="$TOPO_TMP/bird-$name.ctl"
  BIRD_LOG[$name]="$TOPO_TMP/bird-$name.log"
  echo "=== bird -c $conf ($(date +%T))" >>"${BIRD_LOG[$name]}"
  ip netns exec "$ns" bird -f -c "$conf" -s "${BIRD_SOCK[$name]}" -P "$TOPO_TMP/bird-$name.pid" \
    >>"${BIRD_LOG[$name]}" 2>&1 &
  BIRD_PID[$name]=$!
  TOPO_PIDS+=("${BIRD_PID[$name]}")
  if ! wait_until 10 _bird_up "$name"; then
    say "  bird $name did not come up; log:"; tail -n 20 "${BIRD_LOG[$name]}" | sed 's/^/    /'
    return 1
  fi
  info "bird $name up in $ns (pid ${BIRD_PID[$name]}, socket ${BIRD_SOCK[$name]})"
}

bird_alive() { [ -n "${BIRD_PID[$1]:-}" ] && kill -0 "${BIRD_PID[$1]}" 2>/dev/null; }

# bird_stop NAME: SIGTERM (BIRD withdraws its kernel routes and closes its
# sessions with a Cease), bounded wait, SIGKILL
bird_stop() {
  [ -n "${BIRD_PID[$1]:-}" ] || return 0
  stop_pid "${BIRD_PID[$1]}" 10
  BIRD_PID[$1]=""
}

# bird_proto_state NAME PROTO -> the protocol's line of `show protocols`
bird_proto_state() { bc "$1" show protocols "$2" 2>/dev/null | awk -v p="$2" '$1 == p'; }
bird_established() { bird_proto_state "$1" "$2" | grep -q Established; }
# bird_wait_established NAME PROTO [TIMEOUT_S] (BIRD's connect delay is 5 s)
bird_wait_established() { wait_until "${3:-30}" bird_established "$1" "$2"; }

# bird_has_route NAME PREFIX [TABLE]: PREFIX is in BIRD's TABLE (default master4)
bird_has_route() {
  local t=${3:+table $3}
  # shellcheck disable=SC2086
  bc "$1" show route "$2" $t 2>/dev/null | grep -q "^${2//./\\.}[[:space:]]"
}
bird_no_route() { ! bird_has_route "$@"; }
# bird_from NAME PREFIX PROTO: PREFIX is in master4, learned from protocol PROTO
bird_from() { bc "$1" show route "$2" protocol "$3" 2>/dev/null | grep -q "^${2//./\\.}[[:space:]]"; }
bird_not_from() { ! bird_from "$@"; }
# check_upstreams_learn PREFIX SINCE_NS WHAT: both upstreams get PREFIX from the
# gateway within 15 s (the check says how long after WHAT, timed from SINCE_NS)
check_upstreams_learn() {
  local p=$1 t=$2 what=$3 r
  for r in r1 r2; do
    wait_until 15 bird_from "$r" "$p" vgw
    check "$r has $p from the gateway ($(( ($(date +%s%N) - t) / 1000000 )) ms after $what)" \
      bird_from "$r" "$p" vgw
  done
}
# bird_count NAME PROTO -> number of routes in master4 learned from PROTO
bird_count() { bc "$1" show route protocol "$2" count 2>/dev/null | sed -n 's/^\([0-9]*\) of .*/\1/p'; }
# bird_routes NAME ARGS... -> `show route ARGS` (for the logs)
bird_routes() { local n=$1; shift; bc "$n" show route "$@" 2>&1 | sed 's/^/      /'; }

# ---------------------------------------------------------------- Linux tables
# krt_paths NS TABLE PREFIX -> sorted "via" addresses of the exact route
# (one per path of a multipath route), "" when there is none
krt_paths() {
  ip -n "$1" route show table "$2" "$3" 2>/dev/null |
    grep -o 'via [0-9.]*' | awk '{print $2}' | sort | tr '\n' ' ' | sed 's/ $//'
}
krt_has() { [ -n "$(ip -n "$1" route show table "$2" "$3" 2>/dev/null)" ]; }
krt_none() { ! krt_has "$@"; }
# krt_paths_are NS TABLE PREFIX "A B": the route's paths are exactly these
krt_paths_are() { [ "$(krt_paths "$1" "$2" "$3")" = "$4" ]; }
# krt_count NS TABLE -> number of routes in a Linux table
krt_count() { ip -n "$1" route show table "$2" 2>/dev/null | grep -c '^[0-9a-z]'; }

# ---------------------------------------------------------------- FRR
# frr_require: zebra, bgpd, vtysh installed (package frr), else skip (77)
FRR_LIBEXEC=/usr/lib/frr
frr_require() {
  local t
  for t in "$FRR_LIBEXEC/zebra" "$FRR_LIBEXEC/bgpd"; do
    [ -x "$t" ] || skip "$t not installed (frr; run tests/setup.sh)"
  done
  command -v vtysh >/dev/null 2>&1 || skip "vtysh not installed (frr)"
}

# conf_replace FILE 'LINE' 'NEW TEXT': the line equal to LINE (whole line,
# leading blanks kept) becomes NEW TEXT (\n for several lines); an error when
# LINE is not in FILE
conf_replace() {
  "$PY" - "$@" <<'PY'
import sys
path, old, new = sys.argv[1], sys.argv[2], sys.argv[3].replace("\\n", "\n")
lines = open(path).read().split("\n")
hits = [i for i, l in enumerate(lines) if l == old]
if not hits:
    sys.exit("conf_replace: no line %r in %s" % (old, path))
for i in hits:
    lines[i] = new
open(path, "w").write("\n".join(lines))
PY
}

declare -A FRR_NS=() FRR_DIR=() FRR_ZPID=() FRR_BPID=()
_frr_sockets() { [ -S "$1/zebra.vty" ] && [ -S "$1/bgpd.vty" ]; }

# frr_start NAME NS CONF: zebra and bgpd in NS (foreground processes of
# background jobs, PIDs recorded), every file under $TOPO_TMP/frr-NAME, then
# CONF (an integrated frr.conf) applied with vtysh -f.  The frr user of the
# package runs the daemons, so that directory is its.
frr_start() {
  local name=$1 ns=$2 conf=$3 d="$TOPO_TMP/frr-$1"
  FRR_NS[$name]=$ns; FRR_DIR[$name]=$d
  mkdir -p "$d" && chmod 711 "$TOPO_TMP" && : >"$d/empty.conf" && chown -R frr:frr "$d" || return 1
  ip netns exec "$ns" "$FRR_LIBEXEC/zebra" -f "$d/empty.conf" -i "$d/zebra.pid" -z "$d/zserv.api" \
    --vty_socket "$d" --log stdout >"$d/zebra.log" 2>&1 &
  FRR_ZPID[$name]=$!; TOPO_PIDS+=("$!")
  wait_until 10 test -S "$d/zserv.api" || { say "  zebra $name did not start: $(tail -n 5 "$d/zebra.log")"; return 1; }
  ip netns exec "$ns" "$FRR_LIBEXEC/bgpd" -f "$d/empty.conf" -i "$d/bgpd.pid" -z "$d/zserv.api" \
    --vty_socket "$d" --log stdout >"$d/bgpd.log" 2>&1 &
  FRR_BPID[$name]=$!; TOPO_PIDS+=("$!")
  wait_until 10 _frr_sockets "$d" || { say "  bgpd $name did not start: $(tail -n 5 "$d/bgpd.log")"; return 1; }
  local out
  out=$(timeout 20 vtysh --vty_socket "$d" -f "$conf" 2>&1) || {
    say "  vtysh -f $conf failed: $out"; return 1; }
  info "FRR $name up in $ns (zebra ${FRR_ZPID[$name]}, bgpd ${FRR_BPID[$name]}, sockets in $d)"
}

# vt NAME CMD...: one vtysh command against NAME's daemons (bounded)
vt() { local n=$1; shift; timeout 10 vtysh --vty_socket "${FRR_DIR[$n]}" -c "$*"; }

# frr_established NAME PEER: the BGP session to PEER is Established
frr_established() {
  vt "$1" "show bgp neighbors $2 json" 2>/dev/null |
    "$PY" -c 'import json,sys; d=json.load(sys.stdin); sys.exit(d.get(sys.argv[1], {}).get("bgpState") != "Established")' "$2"
}

# frr_stop_bgpd NAME / frr_stop NAME: SIGTERM, bounded wait, SIGKILL
frr_stop_bgpd() { [ -n "${FRR_BPID[$1]:-}" ] && stop_pid "${FRR_BPID[$1]}" 10; FRR_BPID[$1]=""; }
frr_stop() {
  frr_stop_bgpd "$1"
  [ -n "${FRR_ZPID[$1]:-}" ] && stop_pid "${FRR_ZPID[$1]}" 10
  FRR_ZPID[$1]=""
}
