#!/usr/bin/env bash
# e2e port-mtu: a port's MTU is the one in effect. On af_packet ports that is
# the kernel interface's: a configured MTU that differs stops vgwd with a
# message naming the port, both MTUs and the interface (it used to log
# "cannot set MTU" and report the configured MTU anyway); a 9000-byte
# underlay over a 9000-byte veth comes up, `show port` says 9000 and an
# 8000-byte ping to the gateway's address is answered (the mbufs hold the
# jumbo frame); a port without `mtu` takes its interface's. The refusal
# names the port's line (FILE:LINE), as the loader's own errors do.
# usage: port-mtu.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
topo_init "${1:-}"
topo_create

# conf FILE P1_EXTRA_DEVARGS P1_MTU_KEYS: the usual two ports, p1 varied
conf() {
  cat >"$1" <<EOC
eal --no-huge -m 512 --no-pci --file-prefix $FILE_PREFIX --log-level=*:warning
lcores 0,1
control socket $VGW_SOCK
port p0 dev net_af_packet0,iface=$IF_G0 role public address 10.1.0.1/24
port p1 dev net_af_packet1,iface=$IF_G1$2 role underlay $3 address 10.2.0.1/24
EOC
}

# refused DESC CONF PATTERN: vgwd exits non-zero with PATTERN on stderr
refused() {
  local out rc
  out=$(ip netns exec "$NS_G" timeout 30 "$VGWD" -c "$2" 2>&1); rc=$?
  info "vgwd exit $rc: $(tail -n 1 <<<"$out")"
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && grep -qF -- "$3" <<<"$out"; then pass "$1"
  else fail "$1 (exit $rc, wanted '$3')"; fi
}

mtu_of() { vctl -j show port | json_get "[p['mtu'] for p in d['ports'] if p['name'] == '$1'][0]"; }

say "== configured MTU above the interface's: refused"
conf "$TOPO_TMP/high.conf" "" "mtu 1600"
refused "mtu 1600 on a 1500 veth: vgwd refuses to start, naming the port's line" \
  "$TOPO_TMP/high.conf" \
  "$TOPO_TMP/high.conf:5: port p1: MTU 1600 configured, but its af_packet interface $IF_G1 has MTU 1500"
check "the interface keeps MTU 1500" \
  grep -q "mtu 1500 " <(ip -n "$NS_G" link show "$IF_G1")

say "== configured MTU below the interface's: refused too (vgwd does not change it)"
conf "$TOPO_TMP/low.conf" "" "mtu 1400"
refused "mtu 1400 on a 1500 veth: vgwd refuses to start" "$TOPO_TMP/low.conf" \
  "port p1: MTU 1400 configured, but its af_packet interface $IF_G1 has MTU 1500"

say "== a 9000-byte underlay"
ip -n "$NS_G" link set "$IF_G1" mtu 9000 || die "mtu $IF_G1"
for ifc in "$IF_S0" "$IF_S1" "$BR"; do ip -n "$NS_S" link set "$ifc" mtu 9000 || die "mtu $ifc"; done
ip -n "$NS_R1" link set "$IF_R1" mtu 9000 || die "mtu $IF_R1"
conf "$TOPO_TMP/small-frames.conf" "" ""
refused "interface MTU 9000 with 2048-byte af_packet frames: refused, naming the devargs" \
  "$TOPO_TMP/small-frames.conf" \
  "port p1: the interface's MTU 9000 does not fit af_packet frames of 2048 bytes (MTU 1996 at most): add framesz=12288,blocksz=12288 to dev"
conf "$VGW_CONF" ",framesz=12288,blocksz=12288" "mtu 9000"
vgwd_start || die "vgwd did not start with mtu 9000 on a 9000 veth"
check "show port: p1 mtu 9000 ($(mtu_of p1))" [ "$(mtu_of p1)" = 9000 ]
check "show port: p0 mtu 1500, its interface's ($(mtu_of p0))" [ "$(mtu_of p0)" = 1500 ]
check "an 8000-byte ping (DF) from r1 to 10.2.0.1 is answered" \
  nsx "$NS_R1" ping -c 2 -W 2 -M do -s 8000 10.2.0.1
vgwd_stop

say "== no mtu: the port takes its interface's"
conf "$VGW_CONF" ",framesz=12288,blocksz=12288" ""
vgwd_start || die "vgwd did not start without mtu on a 9000 veth"
check "show port: p1 mtu 9000 ($(mtu_of p1))" [ "$(mtu_of p1)" = 9000 ]
cfg=$(vctl show running-config)
check "running-config has no mtu on p1 (the interface's is not configuration)" \
  grep -q "^port p1 dev net_af_packet1,iface=$IF_G1,framesz=12288,blocksz=12288 role underlay address" <<<"$cfg"
vgwd_stop
finish
