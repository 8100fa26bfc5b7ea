"""Shared helpers for the pkt scenarios (run with /usr/bin/python3 + scapy).

Every scenario's packets.py is called as `packets.py OUTDIR` and writes
in0.pcap / in1.pcap (input per port, an empty pcap when a port gets nothing)
and, unless the scenario has a check.py that does the checking itself,
expected0.pcap / expected1.pcap.  The port MACs / addresses below are the ones
run_scenario.sh puts in the vgwd config header.
"""
import os
import struct
import sys

from scapy.all import ARP, ICMP, IP, TCP, UDP, Ether, Raw, raw  # noqa: F401
from scapy.layers.vxlan import VXLAN  # noqa: F401

# --- the two ports of the common header (run_scenario.sh) -------------------
P0 = "p0"
P0_MAC = "02:00:00:00:00:01"
P0_IP = "10.1.0.1"          # 10.1.0.0/24, role public
P1 = "p1"
P1_MAC = "02:00:00:00:01:01"
P1_IP = "10.2.0.1"          # 10.2.0.0/24, role underlay

# --- conventional peers used by the scenarios -------------------------------
# A host on p0's subnet (the usual sender of public traffic).
P0_PEER_IP = "10.1.0.2"
P0_PEER_MAC = "02:00:00:00:00:02"
# Next hops on p1's subnet.
P1_NH_IP = "10.2.0.2"
P1_NH_MAC = "02:00:00:00:02:02"
P1_NH2_IP = "10.2.0.3"
P1_NH2_MAC = "02:00:00:00:02:03"
# A routed prefix behind the p1 next hop(s) and a remote (internet) source.
ROUTED_NET = "192.0.2.0/24"
ROUTED_HOST = "192.0.2.10"
REMOTE_SRC = "203.0.113.5"

ETH_MIN_FRAME = 60  # minimum Ethernet frame without FCS


# --- pcap I/O (own writer: fixed timestamps, and empty files get a header) --
_PCAP_MAGIC = 0xA1B2C3D4
_PCAP_MAGIC_NS = 0xA1B23C4D
_LINKTYPE_ETHERNET = 1


def to_bytes(pkt):
    """bytes of a scapy packet (or bytes passed through)."""
    if isinstance(pkt, (bytes, bytearray)):
        return bytes(pkt)
    return raw(pkt)


def write_pcap(path, pkts):
    """Write `pkts` (scapy packets or bytes) as an Ethernet pcap; [] gives a
    valid empty pcap (global header only), which net_pcap can open."""
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", _PCAP_MAGIC, 2, 4, 0, 0, 65535,
                            _LINKTYPE_ETHERNET))
        for i, p in enumerate(pkts):
            b = to_bytes(p)
            f.write(struct.pack("<IIII", 1700000000 + i // 1000,
                                (i % 1000) * 1000, len(b), len(b)))
            f.write(b)


def read_pcap(path):
    """List of frame bytes from a pcap file (either byte order, us or ns)."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise ValueError("%s: not a pcap file (%d bytes)" % (path, len(data)))
    magic_le = struct.unpack("<I", data[:4])[0]
    if magic_le in (_PCAP_MAGIC, _PCAP_MAGIC_NS):
        e = "<"
    elif struct.unpack(">I", data[:4])[0] in (_PCAP_MAGIC, _PCAP_MAGIC_NS):
        e = ">"
    else:
        raise ValueError("%s: bad pcap magic %#x" % (path, magic_le))
    linktype = struct.unpack(e + "I", data[20:24])[0]
    if linktype != _LINKTYPE_ETHERNET:
        raise ValueError("%s: linktype %d, expected Ethernet" % (path, linktype))
    out, off = [], 24
    while off < len(data):
        if off + 16 > len(data):
            raise ValueError("%s: truncated record header at %d" % (path, off))
        _, _, incl, orig = struct.unpack(e + "IIII", data[off:off + 16])
        off += 16
        if off + incl > len(data):
            raise ValueError("%s: truncated record at %d" % (path, off))
        if incl != orig:
            raise ValueError("%s: record %d captured %d of %d bytes"
                             % (path, len(out), incl, orig))
        out.append(data[off:off + incl])
        off += incl
    return out


def outdir_from_argv():
    if len(sys.argv) != 2:
        sys.exit("usage: %s OUTDIR" % sys.argv[0])
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    return d


def write_scenario(outdir, in0=(), in1=(), expected0=(), expected1=()):
    """Write the four pcaps; pass expectedN=None to omit expectedN.pcap (only
    for scenarios whose check.py verifies that port)."""
    write_pcap(os.path.join(outdir, "in0.pcap"), list(in0))
    write_pcap(os.path.join(outdir, "in1.pcap"), list(in1))
    if expected0 is not None:
        write_pcap(os.path.join(outdir, "expected0.pcap"), list(expected0))
    if expected1 is not None:
        write_pcap(os.path.join(outdir, "expected1.pcap"), list(expected1))


# --- packet builders ----------------------------------------------------------
def final(pkt):
    """Freeze a scapy packet: compute lengths/checksums and re-parse, so
    later field edits see concrete values."""
    b = to_bytes(pkt)
    p = Ether(b)
    assert raw(p) == b, "scapy does not round-trip %r" % p.summary()
    return p


def ip_in(l3, dst_mac=P0_MAC, src_mac=P0_PEER_MAC):
    """An Ethernet frame arriving on a port (default p0) carrying `l3`."""
    return final(Ether(dst=dst_mac, src=src_mac) / l3)


def udp_in(src=REMOTE_SRC, dst=ROUTED_HOST, sport=1024, dport=9999,
           payload=b"vgw-udp", ttl=64, **ipkw):
    return ip_in(IP(src=src, dst=dst, ttl=ttl, **ipkw)
                 / UDP(sport=sport, dport=dport) / Raw(payload))


def tcp_in(src=REMOTE_SRC, dst=ROUTED_HOST, sport=40000, dport=80,
           flags="S", payload=b"", ttl=64, **ipkw):
    l4 = TCP(sport=sport, dport=dport, flags=flags, seq=1000)
    if payload:
        l4 = l4 / Raw(payload)
    return ip_in(IP(src=src, dst=dst, ttl=ttl, **ipkw) / l4)


def icmp_echo_in(src=REMOTE_SRC, dst=ROUTED_HOST, id=0x1234, seq=1,
                 payload=b"vgw-ping-payload", ttl=64, **ipkw):
    return ip_in(IP(src=src, dst=dst, ttl=ttl, **ipkw)
                 / ICMP(type=8, code=0, id=id, seq=seq) / Raw(payload))


def forwarded(pkt, out_mac, nh_mac):
    """What a router emits for `pkt`: same frame, src MAC = egress port MAC,
    dst MAC = next-hop MAC, TTL-1 and a recomputed IPv4 header checksum
    (L4 checksums do not cover the TTL, so they are unchanged).  Done on the
    bytes, so scapy never re-serialises the rest of the frame."""
    b = bytearray(to_bytes(pkt))
    b[0:6] = mac_bytes(nh_mac)
    b[6:12] = mac_bytes(out_mac)
    assert b[12:14] == b"\x08\x00" and b[22] > 0, "not a forwardable IPv4 frame"
    b[22] -= 1
    b[14:] = fix_ip_checksum(bytearray(b[14:]))
    return bytes(b)


def mac_bytes(mac):
    return bytes(int(x, 16) for x in mac.split(":"))


def icmp_error(orig, type, code, src_ip=P0_IP, out_mac=P0_MAC,
               dst_mac=P0_PEER_MAC, ttl=64, nexthopmtu=0):
    """ICMP error for `orig` (as received): quotes the original IP header +
    the first 8 bytes of its payload.  IP id/tos/flags of the error are the
    daemon's choice: scenarios list them in compare-ignore.  `nexthopmtu`:
    the next-hop MTU field of a fragmentation-needed (3/4) error."""
    ip = orig[IP]
    quoted = to_bytes(ip)[:ip.ihl * 4 + 8]
    icmp = ICMP(type=type, code=code)
    if nexthopmtu:
        icmp.nexthopmtu = nexthopmtu
    return final(Ether(src=out_mac, dst=dst_mac)
                 / IP(src=src_ip, dst=ip.src, ttl=ttl, id=0, proto=1)
                 / icmp / Raw(quoted))


def echo_reply(req, out_mac=P0_MAC, dst_mac=P0_PEER_MAC, ttl=64):
    """Echo reply to the echo request `req` (same id/seq/payload)."""
    ip, icmp = req[IP], req[ICMP]
    return final(Ether(src=out_mac, dst=dst_mac)
                 / IP(src=ip.dst, dst=ip.src, ttl=ttl, id=ip.id, tos=ip.tos,
                      flags=ip.flags)
                 / ICMP(type=0, code=0, id=icmp.id, seq=icmp.seq)
                 / Raw(to_bytes(icmp.payload)))


def arp_request(psrc, pdst, hwsrc, dst_mac="ff:ff:ff:ff:ff:ff"):
    return final(Ether(dst=dst_mac, src=hwsrc)
                 / ARP(op=1, hwsrc=hwsrc, psrc=psrc,
                       hwdst="00:00:00:00:00:00", pdst=pdst))


def arp_reply(req, my_mac, my_ip):
    """ARP reply to the request `req` from (my_mac, my_ip)."""
    a = req[ARP]
    return final(Ether(dst=a.hwsrc, src=my_mac)
                 / ARP(op=2, hwsrc=my_mac, psrc=my_ip,
                       hwdst=a.hwsrc, pdst=a.psrc))


def set_ip_bytes(pkt, mutate):
    """Return `pkt` (frame) with its IPv4 header bytes edited by
    mutate(bytearray_of_ip_header_and_payload) -> bytearray; nothing is
    recomputed afterwards (for malformed-packet scenarios)."""
    b = bytearray(to_bytes(pkt))
    l3 = mutate(bytearray(b[14:]))
    return bytes(b[:14]) + bytes(l3)


def ip_checksum(hdr):
    """RFC 1071 checksum of `hdr` (bytes)."""
    if len(hdr) % 2:
        hdr = bytes(hdr) + b"\0"
    s = sum(struct.unpack("!%dH" % (len(hdr) // 2), bytes(hdr)))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def fix_ip_checksum(l3, ihl_bytes=None):
    """Recompute the IPv4 checksum in-place in bytearray `l3` over
    `ihl_bytes` bytes (default: IHL*4 from the header)."""
    n = ihl_bytes if ihl_bytes is not None else (l3[0] & 0x0F) * 4
    l3[10:12] = b"\0\0"
    l3[10:12] = struct.pack("!H", ip_checksum(bytes(l3[:n])))
    return l3


# --- tenant VPCs over VXLAN (doc/cli.md "Tenant VPCs ...") -------------------
# The gateway's VTEP is p1's address; hypervisors live on p1's subnet; the
# Internet is behind INET_NH on p0 (scenarios: `route add 0.0.0.0/0 via
# 10.1.0.254` + `neigh add 10.1.0.254 02:00:00:00:00:fe`).
VXLAN_PORT = 4789
VXLAN_OUTER_LEN = 50        # outer Ethernet + IPv4 + UDP + VXLAN
GW_VTEP = P1_IP
HV1_VTEP = "10.2.0.21"
HV1_MAC = "02:00:00:00:02:21"
HV2_VTEP = "10.2.0.22"
HV2_MAC = "02:00:00:00:02:22"
INET_NH_IP = "10.1.0.254"
INET_NH_MAC = "02:00:00:00:00:fe"
VNI_A = 100
VNI_B = 200
VM_IP = "192.168.1.10"      # used by both VPCs (isolation)
VM_A_MAC = "02:aa:00:00:01:0a"
VM_B_MAC = "02:bb:00:00:01:0a"
EIP_A = "10.1.0.100"        # on p0's subnet (proxy ARP)
EIP_B = "198.51.100.20"     # routed to the gateway
# Placeholder outer UDP source port of expected frames; compare-ignore
# `vxlan.sport` makes pcap_compare take (and range-check) the actual one.
SPORT_ANY = 0


def vpc_gw_mac(vni):
    """Default VPC gateway MAC: 02:76:67 + the VNI's three bytes."""
    return "02:76:67:%02x:%02x:%02x" % (vni >> 16, (vni >> 8) & 0xFF, vni & 0xFF)


def vxlan_header(vni, flags=0x08):
    """The 8 VXLAN bytes (RFC 7348): flags, 3 reserved, VNI, 1 reserved."""
    return struct.pack("!B3x", flags) + struct.pack("!I", vni << 8)


def vxlan_frame(inner, vni, src_vtep, dst_vtep, src_mac, dst_mac,
                sport=SPORT_ANY, dport=VXLAN_PORT, flags=0x08, ttl=64,
                ip_id=0, ip_flags="DF", frag=0, udp_chksum=0):
    """Outer Ether/IPv4/UDP/VXLAN + the inner Ethernet frame `inner` (scapy
    or bytes).  udp_chksum None = computed (a hypervisor may send one)."""
    udp = UDP(sport=sport, dport=dport)
    if udp_chksum is not None:
        udp.chksum = udp_chksum
    return final(Ether(dst=dst_mac, src=src_mac)
                 / IP(src=src_vtep, dst=dst_vtep, ttl=ttl, id=ip_id,
                      flags=ip_flags, frag=frag)
                 / udp / Raw(vxlan_header(vni, flags) + to_bytes(inner)))


def vm_frame(l3, vm_mac, vni, gw_mac=None):
    """Inner Ethernet frame a VM sends to its VPC gateway."""
    return Ether(dst=gw_mac or vpc_gw_mac(vni), src=vm_mac) / l3


def from_hv(l3, vm_mac, vni, hv_vtep=HV1_VTEP, hv_mac=HV1_MAC, sport=51000,
            **kw):
    """A VM's IPv4 packet `l3`, tunnelled by its hypervisor to the gateway
    (arrives on p1)."""
    return vxlan_frame(vm_frame(l3, vm_mac, vni, kw.pop("gw_mac", None)),
                       vni, hv_vtep, GW_VTEP, hv_mac, P1_MAC, sport=sport, **kw)


def to_hv(inner_ip, vm_mac, vni, hv_vtep=HV1_VTEP, hv_mac=HV1_MAC,
          dport=VXLAN_PORT, gw_mac=None):
    """Expected gateway output on p1: `inner_ip` (already translated) to the
    VM behind hv_vtep.  Outer: src p1 MAC / gateway VTEP, DF, TTL 64, id 0,
    UDP checksum 0, sport SPORT_ANY (compare-ignore vxlan.sport)."""
    inner = Ether(dst=vm_mac, src=gw_mac or vpc_gw_mac(vni)) / IP(to_bytes(inner_ip))
    return vxlan_frame(inner, vni, GW_VTEP, hv_vtep, P1_MAC, hv_mac,
                       dport=dport)


def nat_rewrite(pkt, src=None, dst=None):
    """The IPv4 packet of `pkt` (frame or IP) with src/dst replaced, TTL-1
    and every checksum recomputed from scratch by scapy (a UDP checksum 0
    stays 0).  Not for fragments or ICMP errors (build those explicitly).
    Ethernet padding after the IPv4 total length is not part of the result."""
    b = to_bytes(pkt[IP] if IP in pkt else pkt)
    ip = IP(b[:struct.unpack("!H", b[2:4])[0]])    # without Ethernet padding
    assert not (ip.flags.MF or ip.frag), "nat_rewrite: fragment"
    assert not (ICMP in ip and ip[ICMP].type in (3, 4, 5, 11, 12)), \
        "nat_rewrite: ICMP error"
    if src:
        ip.src = src
    if dst:
        ip.dst = dst
    ip.ttl -= 1
    del ip.chksum
    l4 = ip.payload
    if isinstance(l4, (TCP, ICMP)) or (isinstance(l4, UDP) and l4.chksum):
        del l4.chksum
    return IP(raw(ip))


def eip_in(l3, src_mac=INET_NH_MAC):
    """Internet packet `l3` arriving on p0 (from the Internet next hop)."""
    return ip_in(l3, dst_mac=P0_MAC, src_mac=src_mac)


def to_inet(ip, dst_mac=INET_NH_MAC):
    """Expected output on p0 towards the Internet next hop."""
    return final(Ether(src=P0_MAC, dst=dst_mac) / IP(to_bytes(ip)))


def garp(ip, mac=P0_MAC):
    """RFC 5227 announcement the gateway sends for an EIP or a new VIP."""
    return final(Ether(dst="ff:ff:ff:ff:ff:ff", src=mac)
                 / ARP(op=1, hwsrc=mac, psrc=ip, hwdst="00:00:00:00:00:00",
                       pdst=ip))


# --- load-balanced services (doc/cli.md "Load-balanced services") -----------
# VIPs are routed to the gateway (not on a port subnet: no proxy ARP needed).
# Clients are Internet hosts behind INET_NH (p0) or, in scenarios whose
# replies must follow their requests, behind the underlay router P1_NH (p1):
# each port's input is processed in order, but p0 and p1 are not ordered
# with respect to each other.
VIP = "198.51.100.80"
VIP2 = "198.51.100.81"
CLIENT = REMOTE_SRC
CLIENT2 = "198.18.7.7"


class Backend:
    """A backend VM: its VPC (name, VNI, gateway MAC), address, port, MAC
    and the hypervisor it lives behind."""

    def __init__(self, vpc, vni, ip, port, mac, hv_vtep=HV1_VTEP, hv_mac=HV1_MAC,
                 gw_mac=None):
        self.vpc, self.vni, self.ip, self.port, self.mac = vpc, vni, ip, port, mac
        self.hv_vtep, self.hv_mac = hv_vtep, hv_mac
        self.gw_mac = gw_mac or vpc_gw_mac(vni)

    def __repr__(self):
        return "%s/%s:%d" % (self.vpc, self.ip, self.port)

    def endpoint_cmd(self):
        return "endpoint add %s %s mac %s vtep %s" % (self.vpc, self.ip, self.mac,
                                                     self.hv_vtep)


def lb_rewrite(pkt, src=None, sport=None, dst=None, dport=None):
    """Like nat_rewrite (TTL-1, checksums from scratch, a UDP checksum 0
    stays 0) and the TCP/UDP ports replaced too (LVS-NAT)."""
    ip = nat_rewrite(pkt, src=src, dst=dst)
    l4 = ip.payload
    assert isinstance(l4, (TCP, UDP)), "lb_rewrite: not TCP/UDP"
    if sport is not None:
        l4.sport = sport
    if dport is not None:
        l4.dport = dport
    if isinstance(l4, TCP) or l4.chksum:
        del l4.chksum
    return IP(raw(ip))


def client_in(l3, port=P0):
    """A client's packet arriving on p0 (from INET_NH) or p1 (from the
    underlay router P1_NH)."""
    if port == P0:
        return eip_in(l3)
    return ip_in(l3, dst_mac=P1_MAC, src_mac=P1_NH_MAC)


def tcp_seg(src, dst, sport, dport, flags, seq=0, ack=0, payload=b"",
            window=64240, options=None, ip_flags="DF", **ipkw):
    """An IPv4/TCP segment (scapy, not framed); ipkw: other IP fields."""
    l4 = TCP(sport=sport, dport=dport, flags=flags, seq=seq, ack=ack,
             window=window, options=options or [])
    if payload:
        l4 = l4 / Raw(payload)
    return IP(src=src, dst=dst, flags=ip_flags, **ipkw) / l4


def udp_dgram(src, dst, sport, dport, payload=b"vgw-lb-udp", chksum=None,
              ip_flags=0, **ipkw):
    """An IPv4/UDP datagram (scapy); chksum 0 = no checksum (RFC 768)."""
    l4 = UDP(sport=sport, dport=dport)
    if chksum is not None:
        l4.chksum = chksum
    return IP(src=src, dst=dst, flags=ip_flags, **ipkw) / l4 / Raw(payload)


def to_backend(pkt, be):
    """Expected VXLAN frame on p1 for client packet `pkt` (as received)
    balanced to Backend `be`: destination = the backend's address and port."""
    return to_hv(lb_rewrite(Ether(to_bytes(pkt)), dst=be.ip, dport=be.port),
                 be.mac, be.vni, hv_vtep=be.hv_vtep, hv_mac=be.hv_mac,
                 gw_mac=be.gw_mac)


def from_backend(l3, be, **kw):
    """Backend `be` sending `l3` (its reply) through its hypervisor (p1)."""
    return from_hv(l3, be.mac, be.vni, hv_vtep=be.hv_vtep, hv_mac=be.hv_mac,
                   gw_mac=be.gw_mac, **kw)


def reply_out(l3, vip, vport, dst_mac=INET_NH_MAC):
    """Expected frame on p0 for a backend's reply `l3` (the inner IPv4
    packet given to from_backend): source = VIP:PORT, TTL-1, to INET_NH."""
    return to_inet(lb_rewrite(IP(to_bytes(l3)), src=vip, sport=vport),
                   dst_mac=dst_mac)
