#!/usr/bin/env bash
# The outer IPv4 checksum of VXLAN, computed by the NIC: vgwd enables the
# IPv4-checksum TX offload on a port that offers it (here net_tap, whose PMD
# fills the checksum in its TX path) and leaves the header checksum to it.
# Checks: `show port` says "offload" for that port; the frames the kernel
# receives on the tap carry a valid outer header checksum, the right VNI and
# the translated inner packet. A real client pings an EIP over af_packet.
#
#   vxlan-offload.sh BUILD_DIR      (root; exit 77 = skipped)
set -uo pipefail
# shellcheck source=tests/e2e/topo.sh
. "$(dirname "$0")/topo.sh"

topo_init "${1:-}"
topo_create || die "topology"
TAP="vt-$SUF"
vgwd_config 1
# p1 becomes a TAP device inside the gateway namespace
sed -i "s|^port p1 dev [^ ]*|port p1 dev net_tap0,iface=$TAP|" "$VGW_CONF"
cat >>"$VGW_CONF" <<CONF
vtep add 10.2.0.1
vpc add blue vni 4242
endpoint add blue 192.168.7.10 mac 02:aa:00:00:07:0a vtep 10.2.0.21
eip add 10.1.0.100 vpc blue ip 192.168.7.10
neigh add 10.2.0.21 02:00:00:00:02:21
CONF
vgwd_start || die "vgwd did not start"

check "p1 (net_tap) uses the checksum offload" \
  sh -c "'$VGWCTL' -s '$VGW_SOCK' -j show port | grep -q '\"name\":\"p1\".*\"ip_cksum\":\"offload\"'"
check "p0 (af_packet) computes it in software" \
  sh -c "'$VGWCTL' -s '$VGW_SOCK' -j show port | grep -q '\"name\":\"p0\".*\"ip_cksum\":\"software\"'"

CAP="$TOPO_TMP/tap.pcap"
bg_ns "$NS_G" "$TOPO_TMP/tcpdump.log" timeout 15 tcpdump -U -n -i "$TAP" -w "$CAP" udp port 4789
wait_until 20 grep -q "listening on" "$TOPO_TMP/tcpdump.log" || die "tcpdump did not start"
nsx "$NS_C" ping -c 3 -i 0.2 -W 1 10.1.0.100 >/dev/null 2>&1 # no VM answers: one way
sleep 0.5
kill "$BG_PID" 2>/dev/null; wait "$BG_PID" 2>/dev/null

check "3 VXLAN frames with a valid outer checksum, VNI 4242, inner translated" \
  "$PY" - "$CAP" <<'PY'
import sys
from scapy.all import rdpcap, IP, UDP, Raw, Ether
from scapy.layers.vxlan import VXLAN
ok = 0
for p in rdpcap(sys.argv[1]):
    ip = p[IP]
    got = ip.chksum
    del ip.chksum
    want = IP(bytes(ip)).chksum
    v = p[VXLAN]
    inner = v.payload
    print("outer", ip.src, ip.dst, "cksum", hex(got), "want", hex(want), "vni", v.vni,
          "inner", inner[IP].src, "->", inner[IP].dst)
    if got == want and got != 0 and v.vni == 4242 and inner[IP].dst == "192.168.7.10":
        ok += 1
sys.exit(0 if ok == 3 else 1)
PY
finish
