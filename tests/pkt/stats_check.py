#!/usr/bin/python3
"""Helpers for run_scenario.sh over `vgwctl -j show stats` output (stdin).

    stats_check.py digest              -> prints "RXSUM DIGEST" (one line);
                                          DIGEST changes whenever a counter does
    stats_check.py check [EXPECT_FILE [JSON_DIR]]
                                       -> checks the stats; exit 1 on failure
    stats_check.py queries EXPECT_FILE -> prints the `show` queries (one a
                                          line, e.g. `conntrack`, `service web`)
                                          whose JSON the expectations need;
                                          run_scenario.sh saves each in
                                          JSON_DIR/show-WORDS-JOINED-BY-DASH.json

expect-stats grammar (one per line, `#` comments, blank lines ignored):
    drop REASON N              top-level "drops"[REASON] == N
    port NAME rx|tx N          that port's rx / tx == N
    port NAME drop REASON N    that port's "drops"[REASON] == N
    slowpath COUNTER N         "slowpath"[COUNTER] == N
    conntrack KEY N            `show conntrack` JSON: top-level KEY == N
    service NAME KEY N         `show service NAME` JSON: top-level KEY == N
    service NAME backend VPC IP PORT KEY N
                               the same, KEY of that entry of its "backend" list
Every top-level drop reason not listed with `drop` must be 0.  Also checked
(doc/interfaces.md): every documented drop reason and slow-path counter is
present, and the top-level drops are the sum of the per-port drops.
"""
import json
import sys

DROP_REASONS = """eth_short eth_not_for_us ethertype_unsupported ip_short
ip_bad_version ip_bad_ihl ip_bad_total_len ip_truncated ip_bad_checksum
ip_bad_src ip_dst_not_unicast ttl_exceeded no_route mtu_exceeded
local_unsupported punt_ring_full tx_full no_headroom
vxlan_malformed vxlan_outer_fragment vxlan_unknown_vtep vxlan_no_i_flag
vxlan_unknown_vni vxlan_inner_not_ipv4 vxlan_inner_wrong_mac
vxlan_src_not_endpoint vxlan_src_wrong_vtep vpc_no_eip vtep_not_configured
eip_no_endpoint vxlan_mtu_exceeded nat_icmp_untranslatable""".split()
SLOWPATH = """arp_rx arp_bad arp_reply_tx arp_request_tx arp_unsolicited_ignored
arp_sender_not_connected arp_static_protected arp_mac_change_refused
arp_verify_confirmed arp_verify_failed arp_incomplete_ignored
neigh_queue_global_full neigh_table_full
neigh_queue_full neigh_resolve_failed inject_ring_full arp_proxy_reply_tx
arp_gratuitous_tx""".split()


def load():
    text = sys.stdin.read()
    try:
        return json.loads(text)
    except ValueError as ex:
        sys.exit("stats_check: show stats is not JSON (%s): %r" % (ex, text[:400]))


def digest(st):
    ports = st.get("ports") or []
    rx = sum(int(p.get("rx", 0)) for p in ports)
    key = json.dumps([[(p.get("name"), p.get("rx"), p.get("tx"), p.get("drops"))
                       for p in ports], st.get("drops"), st.get("slowpath")],
                     sort_keys=True, separators=(",", ":"))
    print(rx, key)
    return 0


def parse_expect(path):
    exp = []
    with open(path) as f:
        for ln, line in enumerate(f, 1):
            w = line.split("#", 1)[0].split()
            if not w:
                continue
            where = "%s:%d" % (path, ln)
            try:
                if w[0] == "drop" and len(w) == 3:
                    exp.append((("drops", w[1]), int(w[2]), where))
                elif w[0] == "slowpath" and len(w) == 3:
                    exp.append((("slowpath", w[1]), int(w[2]), where))
                elif w[0] == "port" and len(w) == 4 and w[2] in ("rx", "tx"):
                    exp.append((("port", w[1], w[2]), int(w[3]), where))
                elif w[0] == "port" and len(w) == 5 and w[2] == "drop":
                    exp.append((("port", w[1], "drops", w[3]), int(w[4]), where))
                elif w[0] == "conntrack" and len(w) == 3:
                    exp.append((("json", "conntrack", (w[1],)), int(w[2]), where))
                elif w[0] == "service" and len(w) == 4:
                    exp.append((("json", "service " + w[1], (w[2],)), int(w[3]),
                                where))
                elif w[0] == "service" and len(w) == 8 and w[2] == "backend":
                    exp.append((("json", "service " + w[1],
                                 ("backend", w[3], w[4], int(w[5]), w[6])),
                                int(w[7]), where))
                else:
                    raise ValueError
            except ValueError:
                sys.exit("stats_check: %s: cannot parse %r" % (where, line.strip()))
    return exp


def queries(exp):
    """The `show` queries whose JSON the expectations need, in order."""
    out = []
    for key, _, _ in exp:
        if key[0] == "json" and key[1] not in out:
            out.append(key[1])
    return out


def json_path(jdir, query):
    return "%s/show-%s.json" % (jdir, query.replace(" ", "-"))


def lookup_json(jdir, key):
    """Value of a `conntrack` / `service` expectation (KeyError if absent)."""
    _, query, path = key
    if jdir is None:
        raise KeyError("no JSON directory for `show %s`" % query)
    try:
        with open(json_path(jdir, query)) as f:
            doc = json.load(f)
    except (OSError, ValueError) as ex:
        raise KeyError("show %s: no JSON (%s)" % (query, ex))
    if not isinstance(doc, dict):
        raise KeyError("show %s: not a JSON object" % query)
    if path[0] != "backend":
        if path[0] not in doc:
            raise KeyError("show %s: no key %r" % (query, path[0]))
        return doc[path[0]]
    _, vpc, ip, port, k = path
    for b in doc.get("backend") or []:
        if b.get("vpc") == vpc and b.get("ip") == ip and b.get("port") == port:
            if k not in b:
                raise KeyError("show %s: backend %s %s %d has no key %r"
                               % (query, vpc, ip, port, k))
            return b[k]
    raise KeyError("show %s: no backend %s %s %d" % (query, vpc, ip, port))


def lookup(st, key):
    """Value at `key` or raise KeyError with a readable message."""
    if key[0] in ("drops", "slowpath"):
        sect = st.get(key[0])
        if not isinstance(sect, dict) or key[1] not in sect:
            raise KeyError("%s.%s missing" % key)
        return sect[key[1]]
    ports = {p.get("name"): p for p in st.get("ports") or []}
    if key[1] not in ports:
        raise KeyError("port %s missing" % key[1])
    p = ports[key[1]]
    if key[2] in ("rx", "tx"):
        if key[2] not in p:
            raise KeyError("port %s has no %s" % (key[1], key[2]))
        return p[key[2]]
    d = p.get("drops")
    if not isinstance(d, dict) or key[3] not in d:
        raise KeyError("port %s drops.%s missing" % (key[1], key[3]))
    return d[key[3]]


def check(st, path, jdir=None):
    errs = []
    exp = parse_expect(path) if path else []
    drops = st.get("drops")
    slow = st.get("slowpath")
    if not isinstance(drops, dict):
        errs.append("no top-level \"drops\" object")
        drops = {}
    if not isinstance(slow, dict):
        errs.append("no \"slowpath\" object")
        slow = {}
    missing = [r for r in DROP_REASONS if r not in drops]
    if missing:
        errs.append("drop reasons missing from show stats: %s" % " ".join(missing))
    missing = [c for c in SLOWPATH if c not in slow]
    if missing:
        errs.append("slow-path counters missing from show stats: %s"
                    % " ".join(missing))
    # top-level drops == sum over ports
    ports = st.get("ports") or []
    for r, v in drops.items():
        s = sum(int((p.get("drops") or {}).get(r, 0)) for p in ports)
        if s != v:
            errs.append("drops.%s = %s but the ports' drops.%s sum to %d"
                        % (r, v, r, s))
    for key, want, where in exp:
        try:
            got = lookup_json(jdir, key) if key[0] == "json" else lookup(st, key)
        except KeyError as ex:
            errs.append("%s: %s" % (where, ex.args[0]))
            continue
        if got != want:
            name = ".".join(key) if key[0] != "json" else "show %s: %s" % (
                key[1], ".".join(str(k) for k in key[2]))
            errs.append("%s: %s = %s, expected %d" % (where, name, got, want))
    listed = {key[1] for key, _, _ in exp if key[0] == "drops"}
    for r, v in sorted(drops.items()):
        if r not in listed and v != 0:
            errs.append("drops.%s = %s, expected 0 (not listed in expect-stats)"
                        % (r, v))
    if errs:
        print("stats check FAILED:")
        for e in errs:
            print("  " + e)
        return 1
    print("stats check ok (%d expectation(s), other drop reasons 0)" % len(exp))
    return 0


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "digest":
        return digest(load())
    if len(sys.argv) in (2, 3, 4) and sys.argv[1] == "check":
        return check(load(), sys.argv[2] if len(sys.argv) >= 3 else None,
                     sys.argv[3] if len(sys.argv) == 4 else None)
    if len(sys.argv) == 3 and sys.argv[1] == "queries":
        for q in queries(parse_expect(sys.argv[2])):
            print(q)
        return 0
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main())
