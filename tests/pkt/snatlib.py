"""Shared helpers of the snat-* pkt scenarios (NAT gateway, lib/snat).

The public port a mapping gets is random within its 64-port block, so the
input cannot name it.  The scenarios give their pools a small port range
(LO-HI: one or two blocks) and send each reply to every port of it (spray):
exactly one matches, the others are counted drops (expect-stats).  All input
is sent in order on p1 (VXLAN from the hypervisors and "Internet" packets
from the underlay router alike), so a VM's packet is processed before the
replies to it.  check.py learns the public port from the translated packet
on p0 and checks every output against frames built from scratch by scapy
(addresses, ports, TTL, every checksum), each expected exactly once, and
that nothing else left.
"""
import json
import os
import struct
import sys

from pktlib import (ARP, ICMP, IP, P1, P0_MAC, P1_IP, P1_MAC, P1_NH_MAC, TCP, UDP, Ether, Raw,
                    HV1_MAC, HV1_VTEP, INET_NH_MAC, VXLAN_PORT, client_in,
                    from_hv, ip_checksum, nat_rewrite, raw, read_pcap,
                    to_bytes, to_hv, to_inet, vpc_gw_mac)

# pool addresses: routed to the gateway (not on a port subnet)
POOL = "198.51.100.40"
POOL2 = "198.51.100.41"
LO, HI = 1024, 1087          # one block: `ports 1024-1087`
REMOTE = "203.0.113.5"
REMOTE2 = "198.18.7.7"
ROUTER = "198.18.0.1"        # a router on the path, sender of ICMP errors
INET_TTL = 50                # TTL of packets from the Internet


class VM:
    """A VM: its VPC (name, VNI), address, MAC and hypervisor."""

    def __init__(self, vpc, vni, ip, mac, hv_vtep=HV1_VTEP, hv_mac=HV1_MAC):
        self.vpc, self.vni, self.ip, self.mac = vpc, vni, ip, mac
        self.hv_vtep, self.hv_mac = hv_vtep, hv_mac

    def __repr__(self):
        return "%s/%s" % (self.vpc, self.ip)

    def endpoint_cmd(self):
        return "endpoint add %s %s mac %s vtep %s" % (self.vpc, self.ip, self.mac,
                                                     self.hv_vtep)

    def send(self, l3, **kw):
        """The VM's IPv4 packet l3, tunnelled by its hypervisor (on p1)."""
        return from_hv(l3, self.mac, self.vni, hv_vtep=self.hv_vtep,
                       hv_mac=self.hv_mac, **kw)

    def gets(self, l3):
        """Expected VXLAN frame on p1 delivering l3 (already translated)."""
        return to_hv(l3, self.mac, self.vni, hv_vtep=self.hv_vtep, hv_mac=self.hv_mac)


def inet(l3):
    """A packet from the Internet, received on p1 from the underlay router
    (in order with the VMs' packets)."""
    return client_in(l3, port=P1)


def udp(src, dst, sport, dport, payload=b"snat-udp", ttl=64):
    return IP(src=src, dst=dst, ttl=ttl, flags="DF") / UDP(sport=sport, dport=dport) \
        / Raw(payload)


def tcp(src, dst, sport, dport, flags, seq=0, ack=0, ttl=64):
    return IP(src=src, dst=dst, ttl=ttl, flags="DF") \
        / TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack, window=64240)


def echo(src, dst, ident, type=8, seq=1, payload=b"snat-ping", ttl=64):
    return IP(src=src, dst=dst, ttl=ttl) / ICMP(type=type, id=ident, seq=seq) / Raw(payload)


BURST = 32  # VGW_BURST (core/gw.h): a worker's receive burst


def barrier():
    """BURST frames to another MAC (dropped eth_not_for_us, before any
    stage): what comes after them is in a later burst than what came
    before.  expect-stats counts them."""
    f = Ether(dst="02:00:00:00:99:99", src=P1_NH_MAC) / IP(src=REMOTE, dst=P1_IP) \
        / UDP(sport=9, dport=9) / Raw(b"barrier")
    return [f] * BURST


def spray(make, lo=LO, hi=HI):
    """make(port) for every port of lo-hi: one of them hits the mapping."""
    return [make(p) for p in range(lo, hi + 1)]


def rewrite(pkt, src=None, sport=None, dst=None, dport=None):
    """The IPv4 packet of pkt translated: addresses and ports (the ICMP echo
    identifier for sport or dport) replaced, TTL-1, every checksum from
    scratch (pktlib.nat_rewrite)."""
    ip = nat_rewrite(pkt, src=src, dst=dst)
    l4 = ip.payload
    if isinstance(l4, ICMP):
        assert l4.type in (0, 8)
        if sport is not None or dport is not None:
            l4.id = sport if sport is not None else dport
        del l4.chksum
    else:
        if sport is not None:
            l4.sport = sport
        if dport is not None:
            l4.dport = dport
        if isinstance(l4, TCP) or l4.chksum:
            del l4.chksum
    return IP(raw(ip))


def icmp_error(src, dst, type, code, quoted, ttl=INET_TTL, nexthopmtu=0, n=28):
    """ICMP error src -> dst quoting the first n bytes of IPv4 packet
    `quoted` (as the erring host saw it)."""
    icmp = ICMP(type=type, code=code)
    if nexthopmtu:
        icmp.nexthopmtu = nexthopmtu
    return IP(src=src, dst=dst, ttl=ttl) / icmp / Raw(to_bytes(IP(to_bytes(quoted)))[:n])


def seen_by(pkt, ttl_dec=1):
    """IPv4 packet pkt (frame or IP) as a host ttl_dec hops on sees it."""
    b = to_bytes(pkt[IP] if IP in pkt else pkt)
    ip = IP(b[:struct.unpack("!H", b[2:4])[0]])
    ip.ttl -= ttl_dec
    del ip.chksum
    return IP(raw(ip))


# --- checksums, from scratch --------------------------------------------------
def _sum16(b):
    if len(b) % 2:
        b = bytes(b) + b"\0"
    return sum(struct.unpack("!%dH" % (len(b) // 2), bytes(b)))


def _fold(s):
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def checksum_errors(ipb, what="", quoted=False):
    """What is wrong with the checksums of IPv4 packet bytes ipb: the
    header's, the TCP/UDP one (a UDP 0 = none), the ICMP one, and for an
    ICMP error the quoted header's (its L4 checksum cannot be checked: the
    quote is cut).  quoted: ipb is itself a quote (header only)."""
    errs = []
    ihl = (ipb[0] & 0xF) * 4
    if ip_checksum(ipb[:ihl]) != 0:
        errs.append("%s: bad IPv4 header checksum" % what)
    if quoted:
        return errs
    tl = struct.unpack("!H", ipb[2:4])[0]
    l4 = bytes(ipb[ihl:tl])
    proto = ipb[9]
    frag = struct.unpack("!H", ipb[6:8])[0] & 0x3FFF
    if frag:
        return errs
    if proto in (6, 17):
        if proto == 17 and struct.unpack("!H", l4[6:8])[0] == 0:
            return errs
        pseudo = bytes(ipb[12:20]) + struct.pack("!BBH", 0, proto, len(l4))
        if _fold(_sum16(pseudo) + _sum16(l4)) != 0xFFFF:
            errs.append("%s: bad %s checksum" % (what, "TCP" if proto == 6 else "UDP"))
    elif proto == 1:
        if _fold(_sum16(l4)) != 0xFFFF:
            errs.append("%s: bad ICMP checksum" % what)
        if l4[0] in (3, 11, 12) and len(l4) >= 28:
            errs += checksum_errors(l4[8:], what + " (quoted)", quoted=True)
    return errs


# --- the outputs ---------------------------------------------------------------
VXLAN_SPORT_OFF = 34  # outer UDP source port of a VXLAN frame


def vxlan_key(b):
    """A VXLAN frame with its outer UDP source port (the gateway's choice,
    per flow) zeroed."""
    return b[:VXLAN_SPORT_OFF] + b"\0\0" + b[VXLAN_SPORT_OFF + 2:]


def is_vxlan(b):
    return len(b) > 50 and b[12:14] == b"\x08\x00" and b[23] == 17 and \
        struct.unpack("!H", b[36:38])[0] == VXLAN_PORT


def inner_ip(b):
    """The inner IPv4 bytes of a VXLAN frame."""
    return b[50 + 14:]


class Outputs:
    """What vgwd sent on p0 and p1 (OUTDIR/out0.pcap, out1.pcap); check.py
    takes the frames it expects one by one (each exactly once) and ends
    with done(): any frame left is an error."""

    def __init__(self, d, name, announced):
        self.name = name
        self.errors = []
        self.left = {0: [], 1: []}
        for p in (0, 1):
            path = os.path.join(d, "out%d.pcap" % p)
            self.left[p] = read_pcap(path) if os.path.exists(path) else []
        # one gratuitous ARP per announced address (pool addresses, EIPs), on p0
        want = sorted(announced)
        got = sorted(Ether(b)[ARP].psrc for b in self.left[0]
                     if b[12:14] == b"\x08\x06" and Ether(b)[ARP].op == 1)
        if got != want:
            self.err("gratuitous ARPs for %s, expected %s" % (got, want))
        self.left[0] = [b for b in self.left[0] if b[12:14] != b"\x08\x06"]
        for p in (0, 1):
            for i, b in enumerate(self.left[p]):
                if b[12:14] != b"\x08\x00":
                    continue
                if p == 1 and is_vxlan(b):
                    sp = struct.unpack("!H", b[VXLAN_SPORT_OFF:VXLAN_SPORT_OFF + 2])[0]
                    if not 49152 <= sp <= 65535:
                        self.err("out1 #%d: VXLAN source port %d" % (i, sp))
                    self.errors += checksum_errors(b[14:], "out1 #%d outer" % i)
                    self.errors += checksum_errors(inner_ip(b), "out1 #%d inner" % i)
                else:
                    self.errors += checksum_errors(b[14:], "out%d #%d" % (p, i))

    def err(self, msg):
        self.errors.append(msg)

    def ips(self, port):
        """(index, scapy IP) of the frames left on port (VXLAN: the inner)."""
        out = []
        for i, b in enumerate(self.left[port]):
            if port == 1 and is_vxlan(b):
                out.append((i, IP(inner_ip(b))))
            elif b[12:14] == b"\x08\x00":
                out.append((i, IP(b[14:])))
        return out

    def public(self, sent, remote=None):
        """(public address, public port) of the translated version of the
        VM's packet `sent` (an IP packet) left on p0: the first frame to the
        same destination and port (ICMP: type 8) with the same payload.
        None (and an error) when there is none."""
        s = IP(to_bytes(sent))
        l4 = s.payload
        for _, ip in self.ips(0):
            if ip.dst != s.dst or ip.proto != s.proto:
                continue
            o = ip.payload
            if isinstance(l4, ICMP):
                if o.type == 8 and raw(o.payload) == raw(l4.payload):
                    return ip.src, o.id
            elif o.dport == l4.dport and raw(o.payload) == raw(l4.payload):
                return ip.src, o.sport
        self.err("no translated packet of %s on p0" % s.summary())
        return None

    def take(self, port, frame, what):
        """Frame (bytes or scapy) must be on port, exactly once (VXLAN frames
        compared without their outer source port); it is consumed."""
        b = to_bytes(frame)
        key = vxlan_key if port == 1 and is_vxlan(b) else (lambda x: x)
        k = key(b)
        hits = [i for i, x in enumerate(self.left[port]) if key(x) == k]
        if len(hits) != 1:
            self.err("%s: %d on p%d, expected 1; wanted:\n%s"
                     % (what, len(hits), port, Ether(b).show(dump=True)))
        if hits:
            del self.left[port][hits[0]]

    def to_inet(self, ip, what):
        """ip (translated, as built by rewrite) left p0 to the Internet."""
        self.take(0, to_inet(ip), what)

    def to_vm(self, vm, ip, what):
        """ip (translated) reached vm through its hypervisor."""
        self.take(1, vm.gets(ip), what)

    def done(self):
        for p in (0, 1):
            for b in self.left[p]:
                self.err("out%d: unexpected frame:\n%s" % (p, Ether(b).show(dump=True)))
        for e in self.errors[:30]:
            print("%s check: %s" % (self.name, e))
        if len(self.errors) > 30:
            print("%s check: ... %d more" % (self.name, len(self.errors) - 30))
        sys.exit(1 if self.errors else 0)


def show_snat(d, name="snat.json"):
    """The `save`d `vgwctl -j show snat` output (post-commands)."""
    with open(os.path.join(d, name)) as f:
        return json.load(f)

