#!/usr/bin/python3
"""Builds the seed corpora of the fuzz targets (tests/fuzz/corpus/TARGET/).

Packet seeds are the frames of the pkt scenarios: every tests/pkt/*/packets.py
is run into a scratch directory and the frames of its input and expected
pcaps are cut into what each target reads (the IPv4 packet, the ARP payload,
the VXLAN header and what follows, TCP headers...). Netlink seeds are the
kernel's own answers to route and neighbour dumps on this machine, plus
hand-made messages with the attributes a dump may not show (multipath, dead
next hops, deletions). Text seeds are conf/vgw.conf, the pkt scenarios'
`commands` files and request lines. Files are named by their SHA-1, so a
rerun adds nothing twice; each target keeps at most MAX_PER_TARGET seeds.

usage: tests/fuzz/make_corpus.py   (from anywhere; rewrites nothing it finds)
"""
import glob
import hashlib
import os
import random
import socket
import struct
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "pkt"))
from pktlib import read_pcap  # noqa: E402

MAX_PER_TARGET = 120
seeds = {}


def add(target, data):
    seeds.setdefault(target, {})[hashlib.sha1(data).hexdigest()[:16]] = data


def ip_seeds(ip):
    add("ip4", ip)
    add("icmp", bytes([len(ip) % 4]) + ip)
    for op in range(3):
        add("nat", bytes([op * 5, 192, 168, 1, 10, 0x1f, 0x90, op]) + ip)
    if len(ip) < 20:
        return
    ihl = (ip[0] & 15) * 4
    proto = ip[9]
    l4 = ip[ihl:]
    if proto == 6 and len(l4) >= 20:
        doff = (l4[12] >> 4) * 4
        hdr = l4[:max(20, min(doff, 60))]
        add("ct_tcp", struct.pack(">BHB", 0, len(l4), len(hdr)) + hdr)
    if proto == 17 and len(l4) >= 8 and struct.unpack(">H", l4[2:4])[0] == 4789:
        add("vxlan", l4[8:])


def frames():
    for scen in sorted(glob.glob(os.path.join(ROOT, "tests", "pkt", "*", "packets.py"))):
        with tempfile.TemporaryDirectory() as tmp:
            r = subprocess.run(["/usr/bin/python3", scen, tmp], capture_output=True)
            if r.returncode != 0:
                print("skipped", scen, file=sys.stderr)
                continue
            for pcap in sorted(glob.glob(os.path.join(tmp, "*.pcap"))):
                yield from read_pcap(pcap)


def packet_seeds():
    for f in frames():
        f = bytes(f)
        if len(f) < 14:
            continue
        et = struct.unpack(">H", f[12:14])[0]
        if et == 0x0800:
            ip_seeds(f[14:])
        elif et == 0x0806:
            add("arp", f[14:])


def nl_dump(msg_type, family, payload):
    """The datagrams the kernel answers a dump request with."""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    s.bind((0, 0))
    s.settimeout(2)
    hdr = struct.pack("=IHHII", 16 + len(payload), msg_type, 0x301, 1, 0)
    s.send(hdr + payload)
    out = []
    while len(out) < 50:
        d = s.recv(65536)
        out.append(d)
        off, done = 0, False
        while off + 16 <= len(d):
            n, t = struct.unpack("=IH", d[off:off + 6])
            done |= t in (2, 3)  # NLMSG_ERROR, NLMSG_DONE
            off += max(16, (n + 3) & ~3)
        if done:
            break
    s.close()
    return out


def attr(t, v):
    n = 4 + len(v)
    return struct.pack("=HH", n, t) + v + b"\0" * ((4 - n % 4) % 4)


def route_msg(mtype, dst, plen, attrs, table=100, rtype=1):
    rtm = struct.pack("=BBBBBBBBI", 2, plen, 0, 0, min(table, 252), 186, 0, rtype, 0)
    body = rtm + attr(15, struct.pack("=I", table))
    if plen:
        body += attr(1, socket.inet_aton(dst))
    body += attrs
    return struct.pack("=IHHII", 16 + len(body), mtype, 0, 0, 0) + body


def nexthop(gw, flags=0, ifindex=2):
    a = attr(5, socket.inet_aton(gw))
    return struct.pack("=HBBi", 8 + len(a), flags, 0, ifindex) + a


def neigh_msg(mtype, ip, state, mac=b"\x02\0\0\0\0\x01", flags=0):
    ndm = struct.pack("=BBHiHBB", 2, 0, 0, 2, state, flags, 1)
    body = ndm + attr(1, socket.inet_aton(ip))
    if mac is not None:
        body += attr(2, mac)
    return struct.pack("=IHHII", 16 + len(body), mtype, 0, 0, 0) + body


def netlink_seeds():
    try:
        for d in nl_dump(26, 2, struct.pack("=BBBBBBBBI", 2, 0, 0, 0, 0, 0, 0, 0, 0)):
            add("rtnl", d)
        for d in nl_dump(30, 2, struct.pack("=BBHiHBB", 2, 0, 0, 0, 0, 0, 0)):
            add("neigh_msg", d)
    except OSError as e:
        print("no netlink dump:", e, file=sys.stderr)
    gw = attr(5, socket.inet_aton("10.1.0.254")) + attr(4, struct.pack("=i", 2))
    mp = attr(9, nexthop("10.1.0.1") + nexthop("10.1.0.2", flags=1) + nexthop("10.1.0.3"))
    msgs = [route_msg(24, "198.51.100.0", 24, gw + attr(6, struct.pack("=I", 20))),
            route_msg(24, "0.0.0.0", 0, mp),
            route_msg(25, "203.0.113.0", 24, b""),
            route_msg(24, "192.0.2.0", 24, b"", rtype=6)]
    for m in msgs:
        add("rtnl", m)
    add("rtnl", b"".join(msgs))
    nmsgs = [neigh_msg(28, "10.1.0.2", 2), neigh_msg(29, "10.1.0.3", 0x80, None),
             neigh_msg(28, "10.1.0.4", 1, None), neigh_msg(28, "10.1.0.5", 4, flags=8)]
    for m in nmsgs:
        add("neigh_msg", m)
    add("neigh_msg", b"".join(nmsgs))


def text_seeds():
    conf = open(os.path.join(ROOT, "conf", "vgw.conf"), "rb").read()
    add("conf", conf)
    add("conf", b"port p0 dev net_null0 role public address 10.1.0.1/24\n"
                b"port p1 dev net_null1 role underlay address 10.2.0.1/24\n"
                b"lcores 0,1\ncontrol socket /run/vgw/vgwd.sock\nroute add 0.0.0.0/0 via 10.1.0.254\n")
    for c in sorted(glob.glob(os.path.join(ROOT, "tests", "pkt", "*", "commands"))):
        add("cli", open(c, "rb").read())
    for line in [b"t show route", b"j show running-config", b"t", b"t help route",
                 b"j vpc add blue vni 100", b"t neigh add 10.1.0.2 02:00:00:00:00:02"]:
        add("ctl_line", line)


def main():
    random.seed(1)
    packet_seeds()
    netlink_seeds()
    text_seeds()
    for target, d in sorted(seeds.items()):
        out = os.path.join(HERE, "corpus", target)
        os.makedirs(out, exist_ok=True)
        keys = sorted(d)
        if len(keys) > MAX_PER_TARGET:
            keys = sorted(random.sample(keys, MAX_PER_TARGET))
        for k in keys:
            with open(os.path.join(out, k), "wb") as f:
                f.write(d[k])
        print(f"{target}: {len(keys)} seeds ({len(d)} distinct)")


main()
