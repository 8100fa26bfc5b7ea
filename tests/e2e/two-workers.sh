#!/usr/bin/env bash
# e2e two-workers: lcores 0@0,1@1,2@1 (two workers sharing a CPU) and two
# af_packet queue pairs per port; ping and the TCP transfer still pass.
# usage: two-workers.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
topo_init "${1:-}"
topo_create
vgwd_config 2
grep -E '^(lcores|port)' "$VGW_CONF" | sed 's/^/    /'
vgwd_start || die "vgwd did not become ready"

say "== ping the gateway and r1 from c"
n=$(ping_count "$NS_C" 10.1.0.1 5)
check "echo replies from 10.1.0.1: ${n:-0}/5" [ "${n:-0}" -eq 5 ]
n=$(ping_count "$NS_C" 10.2.0.11 5)
check "echo replies from 10.2.0.11 through vgwd: ${n:-0}/5 (>= 4)" [ "${n:-0}" -ge 4 ]
out=$(nsx "$NS_C" ping -n -c 1 -t 1 -W 3 10.2.0.11 2>&1)
check "TTL 1 gets Time to live exceeded from 10.1.0.1" grep -Eq 'From 10\.1\.0\.1( |:).*Time to live exceeded' <<<"$out"

say "== 20 MiB TCP transfer r1 -> c over 10.9.0.0/24 via 10.2.0.11"
check "route add accepted" vctl route add 10.9.0.0/24 via 10.2.0.11
check "TCP transfer complete, same sha256" tcp_transfer 20 10.9.0.1 5001 "$NS_R1"

say "== 5 MiB TCP transfer r2 -> c over the connected route (10.2.0.12)"
check "TCP transfer to 10.2.0.12 (connected) complete, same sha256" tcp_transfer 5 10.2.0.12 5002 "$NS_R2"
check "vgwd still running" vgwd_alive
say "   vgwctl show stats:"; vctl show stats 2>&1 | sed 's/^/    /'
finish
