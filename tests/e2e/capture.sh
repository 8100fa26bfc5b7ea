#!/usr/bin/env bash
# e2e capture: dpdk-dumpcap (Debian's dpdk-dev) attaches to a running vgwd as
# a DPDK secondary process and writes what a port receives and sends to pcapng.
# What it needs, and what this test proves works together:
#   - vgwd a primary with shared hugepage memory: a `--no-huge` (or
#     `--in-memory`) primary has no shared memory a secondary can map, and
#     dumpcap fails with "Cannot get hugepage information";
#   - dumpcap given vgwd's --file-prefix;
#   - the port named by its DPDK device name, `show port`'s dpdk_name
#     (net_af_packet0), not vgw's name (p0).
# Five pings with a known payload go from c to r1 through vgwd while dumpcap
# captures 10 ICMP packets on p0: the 5 requests p0 received and the 5 replies
# vgwd forwarded out of it (TTL 63, p0's MAC: vgwd's own tx). vgwd keeps
# forwarding after dumpcap detaches.
#
# Hugepages: a private hugetlbfs mount under the temp dir (vgwd --huge-dir), so
# nothing of the host's mounts changes; when too few 2 MiB pages are free,
# vm.nr_hugepages is raised by what is missing and set back at the end.  No
# hugepages to be had (no permission, no memory, no hugetlbfs): SKIP (77).
# usage: capture.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
topo_init "${1:-}"
command -v dpdk-dumpcap >/dev/null 2>&1 || die "missing tool: dpdk-dumpcap (dpdk-dev; run tests/setup.sh)"
"$PY" -c 'import scapy.all' 2>/dev/null || die "python3 scapy missing (run tests/setup.sh)"

HP_NEED=128                # 256 MiB: vgwd takes about 50 MiB here, dumpcap its pool
HP_SYS=/proc/sys/vm/nr_hugepages
HP_ORIG=""                 # nr_hugepages before this test, set only when it raised it
HUGE_DIR="$TOPO_TMP/huge"
HUGE_MOUNTED=0
DUMPCAP_PID=""

# Runs before topo_cleanup: vgwd and dumpcap must be gone before the mount
# can go, and the pages before nr_hugepages can shrink.
capture_cleanup() {
  local rc=$?
  [ "$BASHPID" = "$TOPO_MAIN_PID" ] || exit "$rc"
  set +e
  [ -n "$DUMPCAP_PID" ] && stop_pid "$DUMPCAP_PID" 5
  [ -n "$VGWD_PID" ] && stop_pid "$VGWD_PID" 10
  if [ "$HUGE_MOUNTED" -eq 1 ]; then
    umount "$HUGE_DIR" 2>/dev/null || { rm -f "$HUGE_DIR"/*; umount -l "$HUGE_DIR"; }
  fi
  if [ -n "$HP_ORIG" ]; then
    echo "$HP_ORIG" >"$HP_SYS" 2>/dev/null
    info "vm.nr_hugepages back to $(cat "$HP_SYS")"
  fi
  (exit "$rc"); topo_cleanup
}
trap capture_cleanup EXIT

hp_free() { awk '/^HugePages_Free:/ {print $2}' /proc/meminfo; }
[ "$(awk '/^Hugepagesize:/ {print $2}' /proc/meminfo)" = 2048 ] ||
  skip "hugepages cannot be had: the default hugepage size is not 2 MiB"
free0=$(hp_free)
if [ "${free0:-0}" -lt "$HP_NEED" ]; then
  cur=$(cat "$HP_SYS")
  HP_ORIG=$cur
  echo $((cur + HP_NEED - free0)) >"$HP_SYS" 2>/dev/null ||
    skip "hugepages cannot be had: cannot write $HP_SYS"
fi
[ "$(hp_free)" -ge "$HP_NEED" ] ||
  skip "hugepages cannot be had: $(hp_free) free 2 MiB pages, $HP_NEED needed (nr_hugepages $(cat "$HP_SYS"))"
mkdir -p "$HUGE_DIR"
mount -t hugetlbfs -o pagesize=2M nodev "$HUGE_DIR" 2>/dev/null ||
  skip "hugepages cannot be had: cannot mount hugetlbfs on $HUGE_DIR"
HUGE_MOUNTED=1
info "hugetlbfs on $HUGE_DIR, $(hp_free) free pages (vm.nr_hugepages $(cat "$HP_SYS"), was ${HP_ORIG:-unchanged})"

topo_create
vgwd_config 1
# the topology's vgwd, on hugepages instead of --no-huge
sed -i "s|^eal .*|eal --huge-dir $HUGE_DIR --no-pci --file-prefix $FILE_PREFIX --log-level=*:warning|" "$VGW_CONF"
vgwd_start || die "vgwd did not become ready on hugepages"

say "== show port names the DPDK device dumpcap wants"
vctl show port 2>&1 | sed 's/^/    /'
DNAME=$(vctl -j show port | json_get "next(p['dpdk_name'] for p in d['ports'] if p['name']=='p0')")
check "show port: p0's dpdk_name is net_af_packet0 (got ${DNAME:-none})" [ "$DNAME" = net_af_packet0 ]
check "show port (text) has a DPDK_NAME column" grep -q 'DPDK_NAME' <<<"$(vctl show port 2>&1)"
P0MAC=$(vctl -j show port | json_get "next(p['mac'] for p in d['ports'] if p['name']=='p0').lower()")

say "== dpdk-dumpcap -D lists vgwd's ports (a secondary of file prefix $FILE_PREFIX)"
out=$(nsx "$NS_G" timeout 30 dpdk-dumpcap --file-prefix="$FILE_PREFIX" -D 2>&1)
printf '%s\n' "$out" | sed 's/^/    /'
check "dumpcap -D lists $DNAME" grep -Eq "^[0-9]+\. $DNAME\$" <<<"$out"

# ARP resolved on both sides before the capture: it holds only the pings
n=$(ping_count "$NS_C" 10.2.0.11 2)
check "warm-up: ping r1 through vgwd (${n:-0}/2)" [ "${n:-0}" -ge 1 ]

say "== capture 10 ICMP packets on $DNAME while c pings r1 5 times"
PCAP="$TOPO_TMP/p0.pcapng"
DCLOG="$TOPO_TMP/dumpcap.log"
bg_ns "$NS_G" "$DCLOG" timeout 60 dpdk-dumpcap --file-prefix="$FILE_PREFIX" -i "$DNAME" \
  -f icmp -c 10 -a duration:40 -w "$PCAP"
DUMPCAP_PID=$BG_PID
# dumpcap prints "Packets captured:" (stderr) once vgwd has taken its
# request; "Capturing on" goes to stdout, buffered until it exits
_capturing() { grep -q "Packets captured:" "$DCLOG"; }
wait_until 30 _capturing || { cat "$DCLOG"; die "dumpcap did not start capturing"; }
PATTERN=76677763617074757265     # "vgwcapture"
out=$(nsx "$NS_C" ping -n -c 5 -i 0.2 -W 2 -p "$PATTERN" -s 56 10.2.0.11 2>&1)
n=$(printf '%s\n' "$out" | sed -n 's/.* \([0-9]\+\) received.*/\1/p')
check "5/5 replies from r1 while captured (got ${n:-0})" [ "${n:-0}" -eq 5 ]
for ((i = 0; i < 150; i++)); do kill -0 "$DUMPCAP_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$DUMPCAP_PID" 2>/dev/null && info "dumpcap still running after 15 s: stopping it"
stop_pid "$DUMPCAP_PID" 5
{ wait "$DUMPCAP_PID"; } 2>/dev/null
DUMPCAP_PID=""
sed 's/^/    /' "$DCLOG"

# the packets in the file: direction by addresses, TTL, source MAC, payload
verdict=$("$PY" - "$PCAP" "$P0MAC" "$PATTERN" <<'EOF' 2>&1
import sys
from scapy.all import rdpcap, Ether, IP, ICMP, Raw
path, p0mac, pattern = sys.argv[1], sys.argv[2], bytes.fromhex(sys.argv[3])
req = rep = other = 0
for p in rdpcap(path):
    if not (Ether in p and IP in p and ICMP in p and Raw in p and pattern in p[Raw].load):
        other += 1
        continue
    ip, icmp = p[IP], p[ICMP]
    if icmp.type == 8 and ip.src == "10.1.0.2" and ip.dst == "10.2.0.11" and ip.ttl == 64 \
       and p[Ether].dst.lower() == p0mac:
        req += 1        # received on p0, as c sent it
    elif icmp.type == 0 and ip.src == "10.2.0.11" and ip.dst == "10.1.0.2" and ip.ttl == 63 \
       and p[Ether].src.lower() == p0mac:
        rep += 1        # sent by vgwd out of p0, after its TTL decrement
    else:
        other += 1
print(req, rep, other)
EOF
)
info "pcapng: requests rx, replies tx, other: $verdict"
read -r nreq nrep noth <<<"$verdict"
check "the pcapng holds the 5 echo requests p0 received (got ${nreq:-?})" [ "${nreq:-0}" = 5 ]
check "the pcapng holds the 5 echo replies vgwd sent out of p0 (TTL 63, p0's MAC; got ${nrep:-?})" \
  [ "${nrep:-0}" = 5 ]
check "nothing else in the pcapng (got ${noth:-?})" [ "${noth:-1}" = 0 ]
check "tcpdump reads the pcapng" sh -c "tcpdump -nr '$PCAP' 2>/dev/null | grep -c 'ICMP echo' | grep -qx 10"

say "== vgwd after dumpcap detached"
n=$(ping_count "$NS_C" 10.2.0.11 3)
check "vgwd still forwards (${n:-0}/3 replies from r1)" [ "${n:-0}" -ge 2 ]
check "vgwd still running" vgwd_alive
check "vgwd stops cleanly" vgwd_stop
finish
