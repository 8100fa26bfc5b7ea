#!/usr/bin/env bash
# e2e cli-errors: bad commands fail cleanly (exit 1 + stderr) and change
# nothing; JSON output is valid and complete; `show running-config` fed back as
# the startup file rebuilds the same routes and static neighbors.
# usage: cli-errors.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
topo_init "${1:-}"
topo_create
vgwd_config 1
vgwd_start || die "vgwd did not become ready"

say "== state to keep: static routes (one ECMP) and a static neighbor"
check "route add 10.9.0.0/24 via 10.2.0.11 via 10.2.0.12" vctl route add 10.9.0.0/24 via 10.2.0.11 via 10.2.0.12
check "route add 10.8.0.0/24 via 10.2.0.11" vctl route add 10.8.0.0/24 via 10.2.0.11
check "neigh add 10.2.0.99 02:00:00:00:00:99" vctl neigh add 10.2.0.99 02:00:00:00:00:99
cfg0=$(vctl show running-config) || fail "show running-config"
printf '%s\n' "$cfg0" | sed 's/^/    /'

# expect_err DESC ARGS...: vgwctl ARGS must exit 1 with a message on stderr
expect_err() {
  local desc=$1; shift
  local out rc err
  out=$(vctl "$@" 2>"$TOPO_TMP/err"); rc=$?
  err=$(head -c 200 "$TOPO_TMP/err" | tr '\n' ' ')
  if [ "$rc" -eq 1 ] && [ -n "$err" ]; then
    pass "$desc -> exit 1, stderr: $err"
  else
    fail "$desc -> exit $rc, stderr: '${err}', stdout: '$(head -c 200 <<<"$out")'"
  fi
}

say "== errors"
expect_err "unknown command (frobnicate)" frobnicate
expect_err "unknown verb (route frobnicate 10.0.0.0/24)" route frobnicate 10.0.0.0/24
expect_err "bad prefix (route add 10.0.0.0/33 via 10.2.0.11)" route add 10.0.0.0/33 via 10.2.0.11
expect_err "bad address (route add 10.0.0.256/24 via 10.2.0.11)" route add 10.0.0.256/24 via 10.2.0.11
expect_err "missing argument (route add 10.0.0.0/24)" route add 10.0.0.0/24
expect_err "missing argument (route add 10.0.0.0/24 via)" route add 10.0.0.0/24 via
expect_err "missing argument (neigh add 10.2.0.50)" neigh add 10.2.0.50
expect_err "show xdp map without an af-xdp port" show xdp map
expect_err "show xdp with an extra word (show xdp everything)" show xdp everything
expect_err "unreachable next hop (route add 10.0.0.0/24 via 192.0.2.1)" route add 10.0.0.0/24 via 192.0.2.1
expect_err "bad MAC (neigh add 10.2.0.50 02:00:00:00:00)" neigh add 10.2.0.50 02:00:00:00:00
long=$(head -c 5000 /dev/zero | tr '\0' '1')
expect_err "oversize line (5000 chars)" route add 10.0.0.0/24 via "$long"
out=$(rc=0; vctl route del 10.77.0.0/24 2>&1; echo "exit $?")
info "route del of an absent route: $(tr '\n' ' ' <<<"$out")"

say "== oversize request on the raw protocol (5000 bytes + newline)"
raw=$("$PY" "$NETUTIL" ctl-raw "$VGW_SOCK" "t show version $long" 2>&1)
info "$raw"
hdr=$(json_get "d['header']" <<<"$raw" 2>/dev/null)
body=$(json_get "d['body']" <<<"$raw" 2>/dev/null)
closed=$(json_get "d['closed']" <<<"$raw" 2>/dev/null)
check "answer is 'err ...' with 'line too long' ($hdr / $body)" \
  test "${hdr%% *}" = err -a "$(grep -ci 'line too long' <<<"$body")" -ge 1
check "connection closed after the over-long line (closed=$closed)" [ "$closed" = True ]

check "vgwd still running after the errors" vgwd_alive
cfg1=$(vctl show running-config)
if [ "$cfg0" = "$cfg1" ]; then pass "show running-config unchanged by the failed commands"
else fail "show running-config changed:"; diff <(printf '%s\n' "$cfg0") <(printf '%s\n' "$cfg1") | sed 's/^/    /'; fi

say "== JSON output"
valid_json() { "$PY" -m json.tool "$1" >/dev/null 2>&1; }
for cmd in "show stats" "show port" "show route" "show neigh" "show version"; do
  # shellcheck disable=SC2086
  vctl -j $cmd >"$TOPO_TMP/j.json" 2>"$TOPO_TMP/err"
  check "vgwctl -j $cmd is valid JSON (python3 -m json.tool)" valid_json "$TOPO_TMP/j.json"
done
vctl -j show stats >"$TOPO_TMP/stats.json"
"$PY" - "$TOPO_TMP/stats.json" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
reasons = """eth_short eth_not_for_us ethertype_unsupported ip_short ip_bad_version
ip_bad_ihl ip_bad_total_len ip_truncated ip_bad_checksum ip_bad_src
ip_dst_not_unicast ttl_exceeded no_route local_unsupported punt_ring_full
tx_full""".split()
slow = """arp_rx arp_bad arp_reply_tx arp_request_tx arp_unsolicited_ignored
arp_sender_not_connected arp_static_protected neigh_table_full neigh_queue_full
neigh_resolve_failed inject_ring_full""".split()
bad = []
isnum = lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0
ports = {p.get("name"): p for p in d.get("ports", [])}
for name in ("p0", "p1"):
    p = ports.get(name)
    if p is None:
        bad.append("port %s missing" % name); continue
    for k in ("rx", "tx"):
        if not isnum(p.get(k)): bad.append("%s.%s not a counter: %r" % (name, k, p.get(k)))
    miss = [r for r in reasons if not isnum(p.get("drops", {}).get(r))]
    if miss: bad.append("%s.drops missing %s" % (name, miss))
miss = [r for r in reasons if not isnum(d.get("drops", {}).get(r))]
if miss: bad.append("drops missing %s" % miss)
else:
    for r in reasons:
        s = sum(p.get("drops", {}).get(r, 0) for p in d["ports"])
        if s != d["drops"][r]: bad.append("drops.%s=%d != sum over ports %d" % (r, d["drops"][r], s))
miss = [c for c in slow if not isnum(d.get("slowpath", {}).get(c))]
if miss: bad.append("slowpath missing %s" % miss)
for b in bad: print("    " + b)
print("    ports %s, %d drop reasons, %d slow-path counters" % (sorted(ports), len(d.get("drops", {})), len(d.get("slowpath", {}))))
sys.exit(1 if bad else 0)
PYEOF
check "show stats JSON: per-port rx/tx + all drop reasons, totals = sum over ports, all slow-path counters" [ $? -eq 0 ]
# a few more shape checks from the contract
"$PY" - <<PYEOF
import json, subprocess, sys
def j(*a):
    return json.loads(subprocess.run(["$VGWCTL", "-s", "$VGW_SOCK", "-j"] + list(a), capture_output=True, timeout=10).stdout)
bad = []
v = j("show", "version")
if not isinstance(v.get("version"), str) or "dpdk" not in v: bad.append("version: %r" % v)
for p in j("show", "port").get("ports", []):
    miss = [k for k in ("name", "id", "role", "dev", "mac", "mtu", "link", "addresses") if k not in p]
    if miss: bad.append("port %s missing %s" % (p.get("name"), miss))
rt = {r["prefix"]: r for r in j("show", "route").get("routes", [])}
r = rt.get("10.9.0.0/24")
if not r or r.get("source") != "static" or sorted(x.get("nh") for x in r.get("via", [])) != ["10.2.0.11", "10.2.0.12"]:
    bad.append("route 10.9.0.0/24: %r" % r)
if "10.1.0.0/24" not in rt or rt["10.1.0.0/24"].get("source") != "connected": bad.append("connected 10.1.0.0/24: %r" % rt.get("10.1.0.0/24"))
n = [x for x in j("show", "neigh").get("neighbors", []) if x.get("ip") == "10.2.0.99"]
if not n or n[0].get("state") != "static" or n[0].get("mac", "").lower() != "02:00:00:00:00:99": bad.append("neigh 10.2.0.99: %r" % n)
for b in bad: print("    " + b)
sys.exit(1 if bad else 0)
PYEOF
check "show version/port/route/neigh JSON have the contract's fields" [ $? -eq 0 ]

say "== running-config fed back as the startup file"
printf '%s\n' "$cfg0" >"$TOPO_TMP/running.conf"
route0=$(vctl show route)
neigh0=$(vctl show neigh | grep -i static)
jneigh0=$(vctl -j show neigh | json_get "sorted((n['ip'], n['mac'].lower(), n['port']) for n in d['neighbors'] if n['state']=='static')")
jroute0=$(vctl -j show route | json_get "sorted(json.dumps(r, sort_keys=True) for r in d['routes'])")
check "first vgwd stops on SIGTERM" vgwd_stop
check "second vgwd starts from the running-config" vgwd_start "$TOPO_TMP/running.conf"
route1=$(vctl show route)
neigh1=$(vctl show neigh | grep -i static)
jneigh1=$(vctl -j show neigh | json_get "sorted((n['ip'], n['mac'].lower(), n['port']) for n in d['neighbors'] if n['state']=='static')")
jroute1=$(vctl -j show route | json_get "sorted(json.dumps(r, sort_keys=True) for r in d['routes'])")
printf '%s\n' "$route1" | sed 's/^/    /'
if [ "$route0" = "$route1" ]; then pass "show route identical"
else fail "show route differs:"; diff <(printf '%s\n' "$route0") <(printf '%s\n' "$route1") | sed 's/^/    /'; fi
check "show route -j identical" [ "$jroute0" = "$jroute1" ]
if [ "$neigh0" = "$neigh1" ] && [ -n "$neigh0" ]; then pass "static entries of show neigh identical ($neigh1)"
else fail "static neighbors differ: before '$neigh0' after '$neigh1'"; fi
check "static neighbors identical in JSON ($jneigh1)" [ "$jneigh0" = "$jneigh1" ]
cfg2=$(vctl show running-config)
if [ "$cfg0" = "$cfg2" ]; then pass "running-config of the second vgwd is the same"
else fail "running-config differs:"; diff <(printf '%s\n' "$cfg0") <(printf '%s\n' "$cfg2") | sed 's/^/    /'; fi
n=$(ping_count "$NS_C" 10.2.0.11 3)
check "second vgwd forwards (ping 10.2.0.11: ${n:-0}/3)" [ "${n:-0}" -ge 2 ]
finish
