#!/usr/bin/env bash
# e2e lb-hostile (issue 14): spoofed SYN and bare-ACK floods against a VIP
# whose backends are real and answer, while 1,000 established connections are
# held open and new clients keep connecting.
#
#   VPC blue, VNI 1001, gateway 192.168.1.1
#     be1 192.168.1.11 on hv1 10.2.0.21, be2 192.168.1.12 on hv1,
#     be3 192.168.1.13 on hv2 10.2.0.22: TCP echo servers (selectors, hold
#     every connection, echo every byte)
#   service echo: VIP 198.51.100.70 port 7000 tcp, one worker,
#   conntrack max-entries 4096.
#   The attacker is the client namespace: raw IPv4 packets whose sources are
#   random addresses of 100.64.0.0/10 and random ports; vgwd routes that range
#   back to the client (route add 100.64.0.0/10 via 10.1.0.2), so the
#   backends' SYN-ACKs and RSTs leave the gateway and die in the client's
#   kernel (not its address, no forwarding): nobody completes a handshake.
#
# Sequence: 1,000 connections opened and held (each echoes one byte); then a
# spoofed SYN flood and a spoofed ACK flood (20,000 packets each, 10,000/s
# each, together) while 200 legitimate connections (connect, send a line, get
# it echoed, 3 s limit each) are spread over the flood; then one byte on every
# held connection.
#
# Checks: >= 198/200 legitimate connections answered during the floods; all
# 1,000 held connections still echo; show conntrack: the floods brought more
# than 3x the table's free room in new flows, the spoofed ACKs were picked up
# (midflow), evicted > 0, full 0 (no new flow refused), confirmed >= 1,198,
# entries - unconfirmed >= 1,000 (the held flows were not evicted);
# show service: established_conns between 1,000 and 1,200 (max-conns counts
# confirmed flows, not the flood), health still up; drops ct_full,
# lb_service_full and lb_no_backend 0.
#
# On code that counts any backend answer as a reply (before issue 14's fix),
# the SYN-ACKs to spoofed SYNs and the RSTs to spoofed ACKs make the flood's
# entries unevictable: the table fills and the legitimate connections are
# refused (ct_full), so this test fails there.
# usage: lb-hostile.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
source "$(dirname "$0")/vpc_topo.sh"
topo_init "${1:-}"
T0=$(date +%s)
topo_create

VIP=198.51.100.70
PORT=7000
BACKENDS="be1 be2 be3"
CT_MAX=4096          # per worker; one worker
HELD=1000            # established connections held through the floods
LEGIT=200            # new connections during the floods
LEGIT_MIN=198        # >= 99% must succeed
FLOOD=20000          # packets per flood (SYN, ACK)
RATE=10000           # packets/s per flood
SPOOF_NET=100.64.0.0/10

HOSTILE="$TOPO_TMP/hostile.py"
cat >"$HOSTILE" <<'EOF'
"""lb-hostile helpers: echo-serve, hold, flood, legit (each bounded in time)."""
import argparse, json, os, random, resource, selectors, signal, socket, struct, sys, threading, time
from concurrent.futures import ThreadPoolExecutor

STOP = False


def _on_signal(*_):
    global STOP
    STOP = True


def raise_nofile():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else 65536
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, 65536), hard))


def echo_serve(a):
    """Accept every connection, hold it, echo every byte, until --timeout."""
    signal.signal(signal.SIGTERM, _on_signal)
    raise_nofile()
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((a.addr, a.port))
    ls.listen(4096)
    ls.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(ls, selectors.EVENT_READ, None)
    accepted = peak = echoed = 0
    n_open = 0
    deadline = time.monotonic() + a.timeout
    while not STOP and time.monotonic() < deadline:
        for key, _ in sel.select(0.2):
            if key.data is None:
                for _ in range(512):
                    try:
                        c, _ = ls.accept()
                    except (BlockingIOError, InterruptedError):
                        break
                    except OSError:
                        break
                    c.setblocking(False)
                    sel.register(c, selectors.EVENT_READ, 1)
                    accepted += 1
                    n_open += 1
                    peak = max(peak, n_open)
                continue
            c = key.fileobj
            try:
                b = c.recv(4096)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                b = b""
            if b:
                try:
                    c.send(b)  # a few bytes: the socket buffer takes them
                    echoed += 1
                    continue
                except OSError:
                    pass
            sel.unregister(c)
            c.close()
            n_open -= 1
    print(json.dumps({"accepted": accepted, "peak_open": peak, "open": n_open,
                      "echoed": echoed}), flush=True)
    return 0


def _exchange(socks, data, timeout):
    """Send data on every socket, wait for it echoed back: the ones that did."""
    sel = selectors.DefaultSelector()
    got = {}
    ok, bad = [], []
    for s in socks:
        try:
            s.send(data)
            sel.register(s, selectors.EVENT_READ)
            got[s] = b""
        except OSError as e:
            bad.append(str(e))
    deadline = time.monotonic() + timeout
    while got and time.monotonic() < deadline:
        for key, _ in sel.select(0.2):
            s = key.fileobj
            try:
                b = s.recv(64)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError as e:
                b = None
                bad.append(str(e))
            if b:
                got[s] += b
                if len(got[s]) < len(data):
                    continue
                if got[s] == data:
                    ok.append(s)
                else:
                    bad.append("wrong echo %r" % got[s])
            elif b == b"":
                bad.append("closed by peer")
            sel.unregister(s)
            del got[s]
    bad += ["no echo within %.0f s" % timeout] * len(got)
    sel.close()
    return ok, bad


def hold(a):
    """Open --count connections (batches of 100), check each echoes a byte,
    write --ready; when --go appears, one byte on each again; JSON summary."""
    signal.signal(signal.SIGTERM, _on_signal)
    raise_nofile()
    t_end = time.monotonic() + a.timeout
    held, fails = [], []
    for b0 in range(0, a.count, 100):
        batch = []
        sel = selectors.DefaultSelector()
        for _ in range(min(100, a.count - b0)):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            s.connect_ex((a.dst, a.port))
            sel.register(s, selectors.EVENT_WRITE)
            batch.append(s)
        pending = set(batch)
        deadline = time.monotonic() + 5
        connected = []
        while pending and time.monotonic() < deadline:
            for key, _ in sel.select(0.2):
                s = key.fileobj
                sel.unregister(s)
                pending.discard(s)
                err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if err:
                    fails.append("connect: %s" % os.strerror(err))
                    s.close()
                else:
                    connected.append(s)
        for s in pending:
            fails.append("connect: no answer within 5 s")
            s.close()
        sel.close()
        ok, bad = _exchange(connected, b"h", 5)
        fails += bad
        held += ok
        for s in set(connected) - set(ok):
            s.close()
    opened = len(held)
    with open(a.ready + ".tmp", "w") as f:
        json.dump({"opened": opened}, f)
    os.rename(a.ready + ".tmp", a.ready)
    while not STOP and not os.path.exists(a.go) and time.monotonic() < t_end:
        time.sleep(0.1)
    after_fails = []
    ok = []
    if os.path.exists(a.go):
        ok, after_fails = _exchange(held, b"z", 10)
    print(json.dumps({"count": a.count, "opened": opened, "answered_after": len(ok),
                      "open_fails": fails[:10], "after_fails": after_fails[:10]}), flush=True)
    return 0 if opened == a.count and len(ok) == a.count else 1


def _csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff


def flood(a):
    """Spoofed TCP SYNs or bare ACKs to DST:PORT from random addresses of
    --net and random ports: --count packets at --rate/s, at most --duration s."""
    net, plen = a.net.split("/")
    base = struct.unpack("!I", socket.inet_aton(net))[0]
    size = 1 << (32 - int(plen))
    dst = socket.inet_aton(a.dst)
    rnd = random.Random(a.seed)
    flags = 0x02 if a.kind == "syn" else 0x10
    pkts = []
    for _ in range(a.count):
        src = struct.pack("!I", base + rnd.randrange(1, size - 1))
        sport = rnd.randrange(1024, 65536)
        seq = rnd.getrandbits(32)
        ack = rnd.getrandbits(32) if a.kind == "ack" else 0
        tcp = struct.pack("!HHIIBBHHH", sport, a.port, seq, ack, 5 << 4, flags, 64240, 0, 0)
        c = _csum(src + dst + struct.pack("!BBH", 0, 6, 20) + tcp)
        tcp = tcp[:16] + struct.pack("!H", c) + tcp[18:]
        # IPv4, total length, id 0 and checksum 0: the kernel fills them in
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, 0, 0x4000, 64, 6, 0, src, dst)
        pkts.append(ip + tcp)
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    if a.ready:
        open(a.ready, "w").close()
    sent = errors = 0
    t0 = time.monotonic()
    for i, p in enumerate(pkts):
        if i % 50 == 0:
            now = time.monotonic()
            if now - t0 > a.duration:
                break
            ahead = t0 + i / a.rate - now
            if ahead > 0:
                time.sleep(ahead)
        try:
            s.sendto(p, (a.dst, 0))
            sent += 1
        except OSError:
            errors += 1
    dt = max(time.monotonic() - t0, 1e-6)
    print(json.dumps({"kind": a.kind, "sent": sent, "errors": errors,
                      "seconds": round(dt, 2), "pps": int(sent / dt)}), flush=True)
    return 0


def legit(a):
    """--count connections, the i-th started at i * --spacing s (at most
    --parallel at once): connect, send a line, read it back, close; each within
    --timeout s, the whole within --total s."""
    t0 = time.monotonic()
    res = []
    lock = threading.Lock()

    def one(i):
        start = t0 + i * a.spacing
        now = time.monotonic()
        if start > now:
            time.sleep(start - now)
        if time.monotonic() - t0 > a.total:
            return (i, False, "not started within --total", 0)
        msg = b"legit %d\n" % i
        t1 = time.monotonic()
        try:
            s = socket.create_connection((a.dst, a.port), timeout=a.timeout)
            ms = (time.monotonic() - t1) * 1000
            try:
                s.settimeout(max(0.05, a.timeout - (time.monotonic() - t1)))
                s.sendall(msg)
                got = b""
                while len(got) < len(msg):
                    b = s.recv(64)
                    if not b:
                        break
                    got += b
            finally:
                s.close()
            if got != msg:
                return (i, False, "echo %r" % got, ms)
            return (i, True, "", ms)
        except OSError as e:
            return (i, False, str(e) or type(e).__name__, (time.monotonic() - t1) * 1000)

    with ThreadPoolExecutor(max_workers=a.parallel) as ex:
        res = list(ex.map(one, range(a.count)))
    ok = [r for r in res if r[1]]
    ms = sorted(r[3] for r in ok)
    print(json.dumps({"count": a.count, "ok": len(ok),
                      "connect_ms_median": round(ms[len(ms) // 2], 1) if ms else None,
                      "connect_ms_max": round(ms[-1], 1) if ms else None,
                      "slow_over_900ms": sum(1 for m in ms if m > 900),
                      "seconds": round(time.monotonic() - t0, 2),
                      "fails": ["#%d: %s" % (r[0], r[2]) for r in res if not r[1]][:10]}),
          flush=True)
    return 0 if len(ok) == a.count else 1


def main():
    p = argparse.ArgumentParser()
    sp = p.add_subparsers(dest="cmd", required=True)
    q = sp.add_parser("echo-serve")
    q.add_argument("addr"); q.add_argument("port", type=int)
    q.add_argument("--timeout", type=float, default=180)
    q.set_defaults(fn=echo_serve)
    q = sp.add_parser("hold")
    q.add_argument("dst"); q.add_argument("port", type=int)
    q.add_argument("--count", type=int, default=1000)
    q.add_argument("--ready", required=True); q.add_argument("--go", required=True)
    q.add_argument("--timeout", type=float, default=150)
    q.set_defaults(fn=hold)
    q = sp.add_parser("flood")
    q.add_argument("dst"); q.add_argument("port", type=int)
    q.add_argument("--kind", choices=("syn", "ack"), required=True)
    q.add_argument("--net", required=True)
    q.add_argument("--count", type=int, default=20000)
    q.add_argument("--rate", type=float, default=10000)
    q.add_argument("--duration", type=float, default=20)
    q.add_argument("--seed", type=int, default=1)
    q.add_argument("--ready", default="")
    q.set_defaults(fn=flood)
    q = sp.add_parser("legit")
    q.add_argument("dst"); q.add_argument("port", type=int)
    q.add_argument("--count", type=int, default=200)
    q.add_argument("--parallel", type=int, default=16)
    q.add_argument("--spacing", type=float, default=0.01)
    q.add_argument("--timeout", type=float, default=3)
    q.add_argument("--total", type=float, default=30)
    q.set_defaults(fn=legit)
    a = p.parse_args()
    sys.exit(a.fn(a))


if __name__ == "__main__":
    main()
EOF

# ct_val KEY -> a `show conntrack` total, "missing" when vgwd has no such field
ct_val() { ct_get "d.get('$1', 'missing')"; }
# ct_line: the totals in one line
ct_line() {
  ct_get "' '.join('%s=%s' % (k, d.get(k, 'missing')) for k in ('entries', 'unconfirmed', 'created', 'confirmed', 'expired', 'evicted', 'full', 'midflow', 'rst_ignored', 'ack_invalid'))"
}
ge() { [[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -ge "$2" ]; }

say "== hypervisors and backend VMs (TCP echo servers holding every connection)"
vpc_hv hv1 10.2.0.21
vpc_hv hv2 10.2.0.22
vpc_vm be1 hv1 1001 192.168.1.11/24 192.168.1.1
vpc_vm be2 hv1 1001 192.168.1.12/24 192.168.1.1
vpc_vm be3 hv2 1001 192.168.1.13/24 192.168.1.1
ip -n "$NS_C" route add 198.51.100.0/24 via 10.1.0.1 || die "client route to 198.51.100.0/24"
for vm in $BACKENDS; do
  vm_bg "$vm" "$TOPO_TMP/echo-$vm.log" "$PY" "$HOSTILE" echo-serve "${VM_IP[$vm]}" "$PORT" --timeout 200
  wait_until 5 _listening "${VM_NS[$vm]}" "$PORT" ||
    die "echo server in $vm did not start: $(cat "$TOPO_TMP/echo-$vm.log")"
done

say "== vgwd (one worker, conntrack max-entries $CT_MAX), the VPC and the service"
vgwd_config 1
echo "conntrack max-entries $CT_MAX" >>"$VGW_CONF"
vgwd_start || die "vgwd did not become ready"
cmds=("vtep add 10.2.0.1" "vpc add blue vni 1001")
for vm in $BACKENDS; do
  cmds+=("endpoint add blue ${VM_IP[$vm]} mac ${VM_MAC[$vm]} vtep ${HV_IP[${VM_HV[$vm]}]}")
done
cmds+=("service add echo vip $VIP port $PORT proto tcp check-interval 1000 check-rise 2 check-fall 3")
for vm in $BACKENDS; do cmds+=("backend add echo vpc blue ip ${VM_IP[$vm]} port $PORT"); done
# the spoofed sources are routed back to the client side: the backends'
# answers to the flood leave the gateway
cmds+=("route add $SPOOF_NET via 10.1.0.2")
for cmd in "${cmds[@]}"; do
  # shellcheck disable=SC2086
  check "vgwctl $cmd" vctl $cmd
done
wait_until 10 svc_health_all echo up
check "every backend's health is up ($(svc_be echo health))" svc_health_all echo up
v=$(ct_get "d['max_entries']")
check "show conntrack: max_entries $CT_MAX ($v)" [ "$v" = "$CT_MAX" ]

legit_run() {  # legit_run N [OPTIONS...]: JSON summary on stdout
  local n=$1; shift
  nsx "$NS_C" timeout 60 "$PY" "$HOSTILE" legit "$VIP" "$PORT" --count "$n" "$@"
}
out=$(legit_run 4 --parallel 1 --spacing 0 --total 10)
info "first connections: $out"
n=$(json_get "d['ok']" <<<"$out" 2>/dev/null)
if [ "${n:-0}" -eq 0 ]; then
  # shellcheck disable=SC2086  # the lists are meant to be split
  say "   drops: $(drops_of $LB_DROPS $VPC_LEAK_DROPS no_route)"
  die "no echo through the VIP $VIP:$PORT (4 attempts); stopping here"
fi
check "echo through the VIP before anything else (${n}/4)" [ "$n" -eq 4 ]

say "== $HELD connections opened and held"
READY="$TOPO_TMP/held.ready"; GO="$TOPO_TMP/held.go"
bg_ns "$NS_C" "$TOPO_TMP/held.log" "$PY" "$HOSTILE" hold "$VIP" "$PORT" --count "$HELD" \
  --ready "$READY" --go "$GO" --timeout 150
HOLD_PID=$BG_PID
wait_until 40 _file_nonempty "$READY"
opened=$(json_get "d['opened']" <"$READY" 2>/dev/null)
check "$HELD/$HELD connections opened, each echoed a byte (${opened:-none})" [ "${opened:-0}" -eq "$HELD" ]
say "   conntrack: $(ct_line)"
v=$(svc_json echo | json_get "(d.get('established_conns', 'missing'), d['active_conns'] if 'active_conns' in d else 'missing', [b['total_conns'] for b in d['backend']])")
info "service: established_conns, active_conns, per-backend total_conns: $v"

say "== spoofed SYN and ACK floods from $SPOOF_NET ($FLOOD packets each, $RATE/s each), $LEGIT new connections meanwhile"
ct0_created=$(ct_val created); ct0_full=$(ct_val full); ct0_midflow=$(ct_val midflow)
rx0=$(if_rx "$NS_C" "$IF_C")
bg_ns "$NS_C" "$TOPO_TMP/flood-syn.log" timeout 30 "$PY" "$HOSTILE" flood "$VIP" "$PORT" --kind syn \
  --net "$SPOOF_NET" --count "$FLOOD" --rate "$RATE" --duration 15 --seed 1 --ready "$TOPO_TMP/syn.go"
SYN_PID=$BG_PID
bg_ns "$NS_C" "$TOPO_TMP/flood-ack.log" timeout 30 "$PY" "$HOSTILE" flood "$VIP" "$PORT" --kind ack \
  --net "$SPOOF_NET" --count "$FLOOD" --rate "$RATE" --duration 15 --seed 2 --ready "$TOPO_TMP/ack.go"
ACK_PID=$BG_PID
if ! wait_until 10 test -e "$TOPO_TMP/syn.go" || ! wait_until 10 test -e "$TOPO_TMP/ack.go"; then
  fail "the flooders did not start sending"
fi
# 200 connections spread over the floods' ~2 s (one every 10 ms), 16 at most
# at once, 3 s each
legit_out=$(legit_run "$LEGIT" --parallel 16 --spacing 0.01 --timeout 3 --total 30)
ct_mid=$(ct_line)
{ wait "$SYN_PID"; } 2>/dev/null
{ wait "$ACK_PID"; } 2>/dev/null
rx1=$(if_rx "$NS_C" "$IF_C")
info "SYN flood: $(cat "$TOPO_TMP/flood-syn.log")"
info "ACK flood: $(cat "$TOPO_TMP/flood-ack.log")"
info "legitimate connections: $legit_out"
info "conntrack when they were done: $ct_mid"
sent=$(( $(json_get "d['sent']" <"$TOPO_TMP/flood-syn.log" 2>/dev/null || echo 0) + \
         $(json_get "d['sent']" <"$TOPO_TMP/flood-ack.log" 2>/dev/null || echo 0) ))
check "the flooders sent $((2 * FLOOD)) spoofed packets ($sent)" [ "$sent" -eq $((2 * FLOOD)) ]
nok=$(json_get "d['ok']" <<<"$legit_out" 2>/dev/null)
check "$LEGIT_MIN/$LEGIT or more legitimate connections answered during the floods (${nok:-0}/$LEGIT)" \
  ge "${nok:-0}" "$LEGIT_MIN"

say "== conntrack after the floods"
say "   vgwctl show conntrack:"; vctl show conntrack 2>&1 | sed 's/^/    /'
created=$(ct_val created); midflow=$(ct_val midflow); evicted=$(ct_val evicted); full=$(ct_val full)
confirmed=$(ct_val confirmed); unconfirmed=$(ct_val unconfirmed); entries=$(ct_val entries)
grown=$((created - ct0_created))
tried=$((grown + full - ct0_full))   # new flows the load balancer saw: admitted or refused
room=$((CT_MAX - HELD))
info "flood answers out of the gateway to the client side: $((rx1 - rx0)) packets"
info "new flows +$tried: created +$grown, refused (full) +$((full - ct0_full)) (free room $room); midflow +$((midflow - ct0_midflow)), entries $entries, unconfirmed $unconfirmed, confirmed $confirmed, evicted $evicted, full $full"
check "the floods brought more than 3 times the table's free room ($room) in new flows ($tried)" \
  ge "$tried" $((3 * room))
check "the spoofed ACKs were admitted as pickups (midflow +$((midflow - ct0_midflow)) >= $((FLOOD / 2)))" \
  ge "$((midflow - ct0_midflow))" $((FLOOD / 2))
check "the flood filled the table: evicted > 0 ($evicted)" ge "$evicted" 1
check "no new flow was refused: full 0 ($full)" [ "$full" = 0 ]
check "confirmed >= $((HELD + LEGIT_MIN)) (held + legitimate: $confirmed)" ge "$confirmed" $((HELD + LEGIT_MIN))
ok=false
ge "$entries" 0 && ge "$unconfirmed" 0 && [ $((entries - unconfirmed)) -ge "$HELD" ] && ok=true
check "the table still holds >= $HELD confirmed entries (entries $entries - unconfirmed $unconfirmed)" $ok
v=$(svc_json echo | json_get "d.get('established_conns', 'missing')")
ok=false; ge "$v" "$HELD" && [ "$v" -le $((HELD + LEGIT)) ] && ok=true
check "show service echo: established_conns $v within [$HELD, $((HELD + LEGIT))] (the flood is not counted)" $ok
info "show service echo: active_conns $(svc_json echo | json_get "d['active_conns']") (admitted flows not yet ended, flood included)"
d=$(drops_of ct_full lb_service_full lb_no_backend)
check "drops ct_full, lb_service_full, lb_no_backend 0 ($d)" all_zero "$d"
check "every backend's health still up ($(svc_be echo health))" svc_health_all echo up

say "== one byte on each of the $HELD held connections"
: >"$GO"
{ wait "$HOLD_PID"; } 2>/dev/null; rc=$?
out=$(cat "$TOPO_TMP/held.log")
info "held connections: $out"
n=$(json_get "d['answered_after']" <<<"$out" 2>/dev/null)
ok=false; [ "$rc" -eq 0 ] && [ "${n:-0}" -eq "$HELD" ] && ok=true
check "every held connection survived the floods: $HELD/$HELD echoed (${n:-0}; exit $rc)" $ok

say "== counters"
check "vgwd still running" vgwd_alive
say "   vgwctl show service echo:"; vctl show service echo 2>&1 | sed 's/^/    /'
say "   vgwctl show stats (non-zero drops):"
vctl -j show stats | json_get "'\n'.join('    %s: %s' % kv for kv in d['drops'].items() if kv[1])"
info "lb-hostile.sh ran $(( $(date +%s) - T0 )) s"
finish
