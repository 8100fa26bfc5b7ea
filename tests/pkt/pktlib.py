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
               dst_mac=P0_PEER_MAC, ttl=64):
    """ICMP error for `orig` (as received): quotes the original IP header +
    the first 8 bytes of its payload.  IP id/tos/flags of the error are the
    daemon's choice: scenarios list them in compare-ignore."""
    ip = orig[IP]
    quoted = to_bytes(ip)[:ip.ihl * 4 + 8]
    return final(Ether(src=out_mac, dst=dst_mac)
                 / IP(src=src_ip, dst=ip.src, ttl=ttl, id=0, proto=1)
                 / ICMP(type=type, code=code) / Raw(quoted))


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
