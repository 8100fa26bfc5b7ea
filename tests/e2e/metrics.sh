#!/usr/bin/env bash
# e2e metrics: a real Prometheus server scrapes vgwd's /metrics (`metrics
# listen`, loopback) and its HTTP API answers queries over vgwd's counters.
# vgwd replays 100 frames on p0 (net_pcap: 60 to an unrouted address, 40 to
# the gateway's own address that nothing answers); then:
#   - `promtool check metrics` finds nothing to say about the exposition;
#   - Prometheus (Debian's package, its own temporary storage, its web
#     server on loopback) scrapes vgwd every second, and its query API gives
#     rx 100 on p0, 60 no_route drops, 40 local_unsupported drops, and the
#     worker's busy time;
#   - a service's backend health and a SNAT pool address's port usage are
#     there too;
#   - the device's byte counts, routes by source, neighbours by state and
#     the announcements are exposed; `stats clear` (show stats' baseline)
#     sets vgw_stats_cleared_timestamp_seconds and resets no metric;
#   - a path other than /metrics is a 404; a bad `metrics listen` stops vgwd
#     with FILE:LINE.
#
#   metrics.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
set -uo pipefail
BUILD=$(cd "${1:?usage: metrics.sh BUILD_DIR}" && pwd)
VGWD=$BUILD/app/vgwd/vgwd
PY=/usr/bin/python3
for t in prometheus promtool curl; do
  command -v $t >/dev/null 2>&1 || { echo "SKIP: $t not installed (tests/setup.sh)"; exit 77; }
done
TMP=$(mktemp -d /tmp/vgw-metrics.XXXXXX)
PREFIX=vgw-metrics-$$
PIDS=()
FAILS=0
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  rm -rf "$TMP" "/var/run/dpdk/$PREFIX"
}
trap cleanup EXIT
pass() { echo "PASS: $*"; }
fail() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }
check() { local d=$1; shift; if "$@"; then pass "$d"; else fail "$d"; fi; }
# two free loopback TCP ports
read -r MPORT PPORT < <("$PY" -c 'import socket
s=[socket.socket() for _ in range(2)]
[x.bind(("127.0.0.1", 0)) for x in s]
print(*[x.getsockname()[1] for x in s])')

"$PY" - "$TMP/in0.pcap" <<'PYEOF'
import sys
from scapy.all import Ether, IP, UDP, Raw, wrpcap
f = [Ether(dst="02:00:00:00:00:01", src="02:00:00:00:00:02") / IP(src="10.1.0.2", dst="192.0.2.9")
     / UDP(sport=1000 + i, dport=9) / Raw(b"x" * 18) for i in range(60)]
f += [Ether(dst="02:00:00:00:00:01", src="02:00:00:00:00:02") / IP(src="10.1.0.2", dst="10.1.0.1")
      / UDP(sport=2000 + i, dport=9) / Raw(b"x" * 18) for i in range(40)]
wrpcap(sys.argv[1], f)
PYEOF

conf() {  # conf LISTEN
  cat <<CONF
eal --no-huge -m 256 --no-pci --file-prefix $PREFIX --log-level=*:warning
lcores 0,1
control socket $TMP/vgwd.sock
port p0 dev net_pcap0,rx_pcap=$TMP/in0.pcap role public mac 02:00:00:00:00:01 address 10.1.0.1/24
port p1 dev net_null1,no-rx=1 role underlay mac 02:00:00:00:01:01 address 10.2.0.1/24
metrics listen $1
vpc add blue vni 100
vtep add 10.2.0.1
endpoint add blue 192.168.1.10 mac 02:aa:00:00:01:0a vtep 10.2.0.21
service add web vip 10.1.0.50 port 80 proto tcp check none
backend add web vpc blue ip 192.168.1.10 port 8080
snat pool add nat addresses 10.1.0.200
snat bind blue pool nat
CONF
}

conf "127.0.0.1:notaport" >"$TMP/bad.conf"
out=$(timeout 20 "$VGWD" -c "$TMP/bad.conf" 2>&1); rc=$?
check "a bad 'metrics listen' stops vgwd with FILE:LINE (rc $rc: $(echo "$out" | tail -n1))" \
  sh -c "[ $rc -ne 0 ] && echo \"\$1\" | grep -q 'bad.conf:6: metrics listen'" _ "$out"
rm -rf "/var/run/dpdk/$PREFIX"

conf "127.0.0.1:$MPORT" >"$TMP/vgwd.conf"
"$VGWD" -c "$TMP/vgwd.conf" >"$TMP/vgwd.log" 2>&1 &
VP=$!
PIDS+=("$VP")
up() { curl -s -m 2 -o /dev/null "http://127.0.0.1:$MPORT/metrics"; }
for _ in $(seq 100); do up && break; sleep 0.2; done
check "vgwd serves /metrics on 127.0.0.1:$MPORT" up
curl -s -m 5 "http://127.0.0.1:$MPORT/metrics" >"$TMP/metrics.txt"
echo "  $(wc -l <"$TMP/metrics.txt") lines; e.g.:"; grep -E "^vgw_port_rx|no_route" "$TMP/metrics.txt" | sed 's/^/    /'
check "promtool check metrics: clean" sh -c "promtool check metrics <'$TMP/metrics.txt'"
# m NAME{LABELS} -> the sample's value in a fresh scrape, "" if absent
m() { curl -s -m 5 "http://127.0.0.1:$MPORT/metrics" | awk -v k="$1" '$1 == k {print $2}'; }
# the replay may still be under way: wait for the 100 frames
for _ in $(seq 100); do [ "$(m 'vgw_port_rx_packets_total{port="p0"}')" = 100 ] && break; sleep 0.1; done
v=$(m 'vgw_port_rx_bytes_total{port="p0"}')
check "the device's rx bytes on p0: 100 frames of 60 bytes ($v)" [ "$v" = 6000 ]
v="$(m 'vgw_routes{source="connected"}') $(m 'vgw_routes{source="local"}') $(m 'vgw_routes{source="kernel"}')"
check "routes by source: 2 connected, 2 local, 0 kernel ($v)" [ "$v" = "2 2 0" ]
v="$(m 'vgw_neighbours{state="static"}') $(m 'vgw_announcements{state="announced"}')"
check "neighbours by state and announcements are there, at 0 ($v)" [ "$v" = "0 0" ]
v=$(m 'vgw_conntrack_full_total{worker="0"}')
check "conntrack refusals per worker ($v)" [ "$v" = 0 ]
v=$(m vgw_stats_cleared_timestamp_seconds)
check "no stats clear yet: cleared timestamp 0 ($v)" [ "$v" = 0 ]
"$BUILD/app/vgwctl/vgwctl" -s "$TMP/vgwd.sock" stats clear
v="$(m vgw_stats_cleared_timestamp_seconds) $(m 'vgw_port_rx_packets_total{port="p0"}')"
now=$(date +%s)
check "stats clear: the timestamp is now, the counters do not reset ($v, now $now)" \
  sh -c "set -- $v; [ \$((\$1 - $now)) -le 0 ] && [ \$(($now - \$1)) -le 5 ] && [ \$2 = 100 ]"
code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$MPORT/")
check "another path is a 404 ($code)" [ "$code" = 404 ]

cat >"$TMP/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: vgw
    static_configs:
      - targets: ['127.0.0.1:$MPORT']
YML
prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
  --web.listen-address="127.0.0.1:$PPORT" >"$TMP/prometheus.log" 2>&1 &
PIDS+=("$!")
# q EXPR -> the value of the first result of an instant query, "" if none
q() {
  curl -s -m 3 --get "http://127.0.0.1:$PPORT/api/v1/query" --data-urlencode "query=$1" |
    "$PY" -c 'import json,sys
d = json.load(sys.stdin)
r = d.get("data", {}).get("result", [])
print(r[0]["value"][1] if r else "")' 2>/dev/null
}
for _ in $(seq 150); do [ "$(q 'vgw_port_rx_packets_total{port="p0"}')" = 100 ] && break; sleep 0.2; done
v=$(q 'vgw_port_rx_packets_total{port="p0"}')
check "Prometheus scraped vgwd: rx on p0 = 100 ($v)" [ "$v" = 100 ]
v=$(q 'sum(vgw_port_drops_total{reason="no_route"})')
check "drops by reason: no_route = 60 ($v)" [ "$v" = 60 ]
v=$(q 'sum(vgw_port_drops_total{reason="local_unsupported"})')
check "drops by reason: local_unsupported = 40 ($v)" [ "$v" = 40 ]
v=$(q 'up{job="vgw"}')
check "the target is up ($v)" [ "$v" = 1 ]
v=$(q 'vgw_worker_busy_seconds_total{worker="0"} > 0')
check "the worker's busy time is there (${v:-none})" [ -n "$v" ]
v=$(q 'vgw_backend_healthy{service="web",backend="192.168.1.10:8080"}')
check "a service's backend and its health (${v:-none})" [ "$v" = 1 ]
v=$(q 'count(vgw_snat_ports_used{pool="nat",address="10.1.0.200"})')
check "the SNAT pool address's ports, one series a protocol (${v:-none})" [ "$v" = 3 ]
kill "$VP"; wait "$VP"; rc=$?
check "vgwd exits 0 on SIGTERM ($rc)" [ "$rc" -eq 0 ]
[ "$FAILS" -eq 0 ] && { echo "RESULT: all checks passed"; exit 0; }
echo "RESULT: $FAILS check(s) failed"; tail -n 20 "$TMP/vgwd.log" "$TMP/prometheus.log"; exit 1
