#!/usr/bin/env bash
# e2e tcp: a 20 MiB TCP transfer from r1 to c through vgwd over a static route.
# usage: tcp.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
topo_init "${1:-}"
topo_create
vgwd_config 1
vgwd_start || die "vgwd did not become ready"

say "== route add 10.9.0.0/24 via 10.2.0.11"
check "route add accepted" vctl route add 10.9.0.0/24 via 10.2.0.11
vctl show route 2>&1 | sed 's/^/    /'

say "== 20 MiB from a server in r1 (10.9.0.1:5001) to a client in c"
check "TCP transfer complete, same sha256" tcp_transfer 20 10.9.0.1 5001 "$NS_R1"

stats=$(vctl -j show stats)
bad=$(json_get "d['drops']['ip_bad_checksum']" <<<"$stats")
check "no ip_bad_checksum drops ($bad)" [ "${bad:-1}" -eq 0 ]
rx1=$(json_get "next(p['rx'] for p in d['ports'] if p['name']=='p1')" <<<"$stats")
tx0=$(json_get "next(p['tx'] for p in d['ports'] if p['name']=='p0')" <<<"$stats")
# 20 MiB in <= 1500-byte frames is at least ~14400 frames each way on the data path
ok=false; [ "${rx1:-0}" -ge 14000 ] && [ "${tx0:-0}" -ge 14000 ] && ok=true
check "port counters saw the transfer (p1 rx=$rx1, p0 tx=$tx0, expect >= 14000)" $ok
check "vgwd still running" vgwd_alive
say "   vgwctl show stats:"; vctl show stats 2>&1 | sed 's/^/    /'
finish
