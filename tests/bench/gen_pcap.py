#!/usr/bin/python3
"""Fast pcap generator for the vgw benchmark harness (no scapy on the hot path).

    gen_pcap.py [--check] [--workers N] WORKLOAD FLOWS OUT.pcap
    gen_pcap.py --list

Writes OUT.pcap with exactly one packet per flow (the harness replays it
forever with net_pcap infinite_rx=1), plus OUT.pcap.settings (startup-file
settings) and OUT.pcap.conf (the commands part) configuring vgwd to match.
One template per packet shape is built with struct; per flow only the
addresses, ports and checksums are patched (checksums from precomputed partial
sums). --check then re-reads the file: every flow distinct, and the first 20
packets decoded with scapy (checksums, fields). --workers sizes `mbufs`, and
for vip-handoff the number of RX queues per port.

vip-handoff feeds both ports: OUT.pcap holds the clients' packets (p0),
OUT.pcap.reply the backend's replies to them in VXLAN (p1), both in flow
order; OUT.pcap.ports names each port's RX pcaps, one per queue (net_pcap
gives a queue per rx_pcap): with N workers, queue q of each port carries
flows i with i % N == q, so worker q receives both directions of those
flows, whichever worker owns them.

Layout (the harness configures vgwd to match):
  p0 public    MAC 02:00:00:00:00:01  10.1.0.1/24; Internet next hop 10.1.0.254
               MAC 02:00:00:00:00:fe (default route)
  p1 underlay  MAC 02:00:00:00:01:01  10.2.0.1/24; gateway VTEP 10.2.0.1 UDP 4789
  hypervisors  10.2.0.21..24, MAC 02:00:00:00:02:21..24
  VPC `bench`  VNI 100, gateway MAC 02:76:67:00:00:64 (vgw's default: 02:76:67 + VNI)
  VMs          192.168.X.Y, MAC 02:aa:00:00:X:Y
  client i     100.64.0.0 + (i >> 8), port 1024 + (i & 0xff)
  EIP j        198.18.0.j -> VM 192.168.0.j on hypervisor j % 4 (flow i uses j = i & 0xff)
  service      `bench` 198.51.100.80:80 tcp, backends 192.168.1.1..16:8080
               (backend b on hypervisor (b - 1) % 4); vip-handoff: backend
               192.168.1.1 only, so that the reply of every flow is known
               without computing vgwd's Maglev pick
"""
import argparse
import struct
import sys
import time

P0_MAC, P1_MAC = "02:00:00:00:00:01", "02:00:00:00:01:01"
NH_IP, NH_MAC = "10.1.0.254", "02:00:00:00:00:fe"
VTEP, VXLAN_PORT, VNI = "10.2.0.1", 4789, 100
GW_MAC = "02:76:67:%02x:%02x:%02x" % (VNI >> 16, (VNI >> 8) & 0xff, VNI & 0xff)
HVS = ["10.2.0.%d" % (21 + k) for k in range(4)]
HV_MACS = ["02:00:00:00:02:%d" % (21 + k) for k in range(4)]
CLIENT_BASE = 0x64400000  # 100.64.0.0/10
EIP_BASE = 0xC6120000  # 198.18.0.0/24
VM_BASE = 0xC0A80000  # 192.168.0.0/16
VIP, VIP_PORT, BACKEND_PORT, N_BACKENDS = "198.51.100.80", 80, 8080, 16
VM_PORT = 80
# SNAT (snat-*): pool `bench` binds the whole VPC; VM j's mapping is its port
# 1024 + 64 j kept (port preservation: each VM its own block of the single
# pool address), so the replies are known without asking vgwd
POOL = "198.18.1.1"
POOL_NEW = "198.18.1.1-198.18.1.16"  # snat-new: enough blocks for every VM
REMOTE = "203.0.113.1"  # snat-new's destination, port 53


def snat_port(j):
    return 1024 + 64 * j
PAYLOAD = bytes(range(18))  # UDP payload: 14 + 20 + 8 + 18 = 60-byte frames
TTL, DF = 64, 0x4000
MAX_FLOWS = 1 << 24

WORKLOADS = {
    "eip-in": "Internet client -> EIP, UDP to port 80, 60-byte frames on p0 (DNAT + VXLAN encap)",
    "vip-in": "client -> VIP 198.51.100.80:80, TCP ACK, 60-byte frames on p0 (LB, established)",
    "vxlan-return": "VXLAN from the hypervisors on p1: VM with EIP -> client, UDP (decap + SNAT)",
    "syn-flood": "client -> VIP 198.51.100.80:80, TCP SYN, 60-byte frames on p0 (LB, new conns)",
    "vip-handoff": "vip-in on p0 and the backend's TCP ACK replies in VXLAN on p1, "
                   "a queue per worker on each (LB both ways, established; flow handoff)",
    "snat-out": "VXLAN from the hypervisors on p1: VM without EIP -> client, UDP (decap + "
                "SNAT through the pool; 256 VMs, one mapping each, a session per flow)",
    "snat-return": "client -> the pool address, UDP to the VM's mapping, 60-byte frames on p0 "
                   "(SNAT reply: session, DNAT, VXLAN encap); p1 plays snat-out once first",
    "snat-new": "VXLAN on p1: VM without EIP -> a remote, UDP, every flow a new VM port "
                "(new mappings; the session table, a quarter of the flows, evicts)",
}


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def ip4(s):
    return struct.unpack(">I", bytes(int(x) for x in s.split(".")))[0]


def dotted(a):
    return "%d.%d.%d.%d" % (a >> 24, (a >> 16) & 0xff, (a >> 8) & 0xff, a & 0xff)


def client(i):
    return CLIENT_BASE + (i >> 8), 1024 + (i & 0xff)


def wsum(b):
    """Sum of the 16-bit big-endian words of b (the one's complement sum before folding)."""
    if len(b) % 2:
        b += b"\0"
    return sum(struct.unpack(">%dH" % (len(b) // 2), b))


def fold(s):
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def eth(dst, src):
    return mac(dst) + mac(src) + b"\x08\x00"


def ipv4(proto, l4len, src=0, dst=0):
    """IPv4 header, DF, checksum field 0 (filled per packet)."""
    return struct.pack(">BBHHHBBHII", 0x45, 0, 20 + l4len, 0, DF, TTL, proto, 0, src, dst)


def pad60(frame):
    return frame + b"\0" * max(0, 60 - len(frame))


def records(frame, n):
    """n pcap records (fixed timestamp) of one template frame, and the record size."""
    rec = struct.pack("<IIII", 0, 0, len(frame), len(frame)) + frame
    return bytearray(rec) * n, len(rec)


# Offsets in a frame: Ethernet 14, IPv4 20, then L4.
IP_CK, L4 = 24, 34
U = 16  # pcap record header before each frame


def gen_eip_in(n):
    """client i -> EIP 198.18.0.j (j = i & 0xff), UDP sport client, dport 80."""
    udp = struct.pack(">HHHH", 0, VM_PORT, 8 + len(PAYLOAD), 0) + PAYLOAD
    frame = eth(P0_MAC, NH_MAC) + ipv4(17, len(udp)) + udp
    buf, rl = records(frame, n)
    ip_base = wsum(frame[14:34])
    l4_base = wsum(udp) + 17 + len(udp)  # with the pseudo header's proto and length
    pack = struct.Struct(">HIIH").pack_into  # ip cksum, src, dst, sport
    ck = struct.Struct(">H").pack_into
    for i in range(n):
        src, sport = CLIENT_BASE + (i >> 8), 1024 + (i & 0xff)
        dst = EIP_BASE + (i & 0xff)
        a = (src >> 16) + (src & 0xffff) + (dst >> 16) + (dst & 0xffff)
        o = i * rl + U
        pack(buf, o + IP_CK, fold(ip_base + a), src, dst, sport)
        ck(buf, o + L4 + 6, fold(l4_base + a + sport) or 0xffff)
    return buf


def gen_tcp(n, flags):
    """client i -> VIP:80, TCP with flags; seq (and ack for ACK) fixed per flow."""
    tcp = struct.pack(">HHIIBBHHH", 0, VIP_PORT, 0, 0, 0x50, flags, 8192, 0, 0)
    frame = pad60(eth(P0_MAC, NH_MAC) + ipv4(6, len(tcp), dst=ip4(VIP)) + tcp)
    buf, rl = records(frame, n)
    ip_base = wsum(frame[14:34])
    l4_base = wsum(tcp) + 6 + len(tcp) + wsum(frame[30:34])
    pack = struct.Struct(">HIIHHII").pack_into  # ip cksum, src, dst, sport, dport, seq, ack
    vip = ip4(VIP)
    ck = struct.Struct(">H").pack_into
    ack_mask = 0xffffffff if flags & 0x10 else 0
    for i in range(n):
        src, sport = CLIENT_BASE + (i >> 8), 1024 + (i & 0xff)
        seq = (i * 2654435761 + 1) & 0xffffffff
        ack = (seq ^ 0x5a5a5a5a) & ack_mask
        a = (src >> 16) + (src & 0xffff)
        o = i * rl + U
        pack(buf, o + IP_CK, fold(ip_base + a), src, vip, sport, VIP_PORT, seq, ack)
        ck(buf, o + L4 + 16, fold(l4_base + a + sport + (seq >> 16) + (seq & 0xffff) +
                                  (ack >> 16) + (ack & 0xffff)))
    return buf


def gen_vip_in(n):
    return gen_tcp(n, 0x10)


def gen_syn_flood(n):
    return gen_tcp(n, 0x02)


def gen_vxlan_return(n, sport=lambda i: VM_PORT, dst=None):
    """The reply of eip-in flow i in VXLAN: VM 192.168.0.j:80 -> client i, from
    hypervisor j % 4, outer UDP sport 49152 + (i & 0x3fff), outer checksum 0.
    sport(i): the VM's port instead of 80; dst: (address, port) for every
    flow instead of client i."""
    iudp = struct.pack(">HHHH", 0, 0, 8 + len(PAYLOAD), 0) + PAYLOAD
    tpl = []  # one template per VM j: everything but the client-dependent fields
    for j in range(256):
        vm, k = VM_BASE + j, j % 4
        iip = bytearray(ipv4(17, len(iudp), src=vm))
        inner = eth(GW_MAC, "02:aa:00:00:00:%02x" % j) + iip + iudp
        vx = struct.pack(">BxxxI", 0x08, VNI << 8)
        oudp = struct.pack(">HHHH", 0, VXLAN_PORT, 16 + len(inner), 0)
        oip = bytearray(ipv4(17, len(oudp) + len(vx) + len(inner), ip4(HVS[k]), ip4(VTEP)))
        struct.pack_into(">H", oip, 10, fold(wsum(oip)))
        frame = eth(P1_MAC, HV_MACS[k]) + oip + oudp + vx + inner
        rec = struct.pack("<IIII", 0, 0, len(frame), len(frame)) + frame
        tpl.append((rec, wsum(iip), wsum(iudp) + 17 + len(iudp) + (vm >> 16) + (vm & 0xffff)))
    rl = len(tpl[0][0])
    buf = bytearray(rl * n)
    IN = 50  # inner frame offset: Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8
    osport = struct.Struct(">H").pack_into
    inner = struct.Struct(">HIIHH").pack_into  # inner ip cksum, src, dst, sport, dport
    ck = struct.Struct(">H").pack_into
    fixed = (ip4(dst[0]), dst[1]) if dst else None
    for i in range(n):
        rec, ip_base, l4_base = tpl[i & 0xff]
        d, dport = fixed or (CLIENT_BASE + (i >> 8), 1024 + (i & 0xff))
        sp = sport(i)
        a = (d >> 16) + (d & 0xffff)
        o = i * rl
        buf[o:o + rl] = rec
        o += U
        osport(buf, o + L4, 49152 + (i & 0x3fff))
        inner(buf, o + IN + IP_CK, fold(ip_base + a), VM_BASE + (i & 0xff), d, sp, dport)
        ck(buf, o + IN + L4 + 6, fold(l4_base + a + dport + sp) or 0xffff)
    return buf


def gen_snat_out(n):
    """VM j (no EIP) port snat_port(j) -> client i, in VXLAN (as vxlan-return)."""
    return gen_vxlan_return(n, sport=lambda i: snat_port(i & 0xff))


def gen_snat_new(n):
    """VM j port 1024 + (i >> 8) -> REMOTE:53: every flow a new mapping."""
    return gen_vxlan_return(n, sport=lambda i: 1024 + ((i >> 8) & 0xffff), dst=(REMOTE, 53))


def gen_snat_return(n):
    """client i -> POOL:snat_port(j), UDP from the client's port (snat-out's reply)."""
    udp = struct.pack(">HHHH", 0, 0, 8 + len(PAYLOAD), 0) + PAYLOAD
    pool = ip4(POOL)
    frame = eth(P0_MAC, NH_MAC) + ipv4(17, len(udp), dst=pool) + udp
    buf, rl = records(frame, n)
    ip_base = wsum(frame[14:34])
    l4_base = wsum(udp) + 17 + len(udp) + (pool >> 16) + (pool & 0xffff)
    pack = struct.Struct(">HIIHH").pack_into  # ip cksum, src, dst, sport, dport
    ck = struct.Struct(">H").pack_into
    for i in range(n):
        src, sport = CLIENT_BASE + (i >> 8), 1024 + (i & 0xff)
        dport = snat_port(i & 0xff)
        a = (src >> 16) + (src & 0xffff)
        o = i * rl + U
        pack(buf, o + IP_CK, fold(ip_base + a), src, pool, sport, dport)
        ck(buf, o + L4 + 6, fold(l4_base + a + sport + dport) or 0xffff)
    return buf


def gen_vip_reply(n):
    """The reply of vip-in flow i from the single backend 192.168.1.1:8080 (vip-handoff), in
    VXLAN from its hypervisor 10.2.0.21: TCP ACK, seq/ack the client's swapped, outer UDP sport
    49152 + (i & 0x3fff), outer checksum 0."""
    be = VM_BASE + 0x101
    tcp = struct.pack(">HHIIBBHHH", BACKEND_PORT, 0, 0, 0, 0x50, 0x10, 8192, 0, 0)
    iip = ipv4(6, len(tcp), src=be)
    inner = eth(GW_MAC, "02:aa:00:00:01:01") + iip + tcp
    vx = struct.pack(">BxxxI", 0x08, VNI << 8)
    oudp = struct.pack(">HHHH", 0, VXLAN_PORT, 16 + len(inner), 0)
    oip = bytearray(ipv4(17, len(oudp) + len(vx) + len(inner), ip4(HVS[0]), ip4(VTEP)))
    struct.pack_into(">H", oip, 10, fold(wsum(oip)))
    frame = eth(P1_MAC, HV_MACS[0]) + oip + oudp + vx + inner
    buf, rl = records(frame, n)
    IN = 50  # inner frame offset: Ethernet 14 + IPv4 20 + UDP 8 + VXLAN 8
    ip_base = wsum(iip)
    l4_base = wsum(tcp) + 6 + len(tcp) + (be >> 16) + (be & 0xffff)
    osport = struct.Struct(">H").pack_into
    pack = struct.Struct(">HIIHHII").pack_into  # ip cksum, src, dst, sport, dport, seq, ack
    ck = struct.Struct(">H").pack_into
    for i in range(n):
        dst, dport = CLIENT_BASE + (i >> 8), 1024 + (i & 0xff)
        cseq = (i * 2654435761 + 1) & 0xffffffff  # the client's (gen_tcp)
        seq, ack = cseq ^ 0x5a5a5a5a, cseq
        a = (dst >> 16) + (dst & 0xffff)
        o = i * rl + U
        osport(buf, o + L4, 49152 + (i & 0x3fff))
        pack(buf, o + IN + IP_CK, fold(ip_base + a), be, dst, BACKEND_PORT, dport, seq, ack)
        ck(buf, o + IN + L4 + 16, fold(l4_base + a + dport + (seq >> 16) + (seq & 0xffff) +
                                       (ack >> 16) + (ack & 0xffff)))
    return buf


def split(buf, n, q):
    """The records of flows i % q == 0, 1, ..., q - 1 (fixed-size records), in order."""
    rl = len(buf) // n
    mv = memoryview(buf)
    return [b"".join(mv[i * rl:(i + 1) * rl] for i in range(k, n, q)) for k in range(q)]


# --- vgwd configuration ------------------------------------------------------------------
def settings(workload, n, workers):
    # net_pcap infinite_rx keeps every packet of the pcap in an mbuf of vgwd's
    # pool: size it as vgwd's default (app/vgwd/main.c, 2 ports) plus one per
    # flow. An mbuf takes about 2.4 KB with hugepages, 4 KB with --no-huge.
    w = workers
    held = 2 * n if workload in ("vip-handoff", "snat-return") else n  # both ports' pcaps
    mbufs = max(2 * w * 2048 + w * 1024 + 2 * 1024 + 256 + w * (w - 1) * 1024 + 4096,
                16383) + held
    out = ["# %s, %d flows, %d worker(s): %d mbufs, about %d MB (%d MB with --no-huge)"
           % (workload, n, w, mbufs, mbufs * 2432 >> 20, mbufs * 4096 >> 20),
           "mbufs %d" % mbufs]
    if workload in ("vip-in", "vip-handoff"):  # every flow keeps its entry, none evicted
        out.append("conntrack max-entries %d" % max(262144, 1 << (n - 1).bit_length()))
    elif workload in ("snat-out", "snat-return"):  # a session per flow, none evicted
        out.append("snat-table max-sessions %d" % max(65536, 1 << (n - 1).bit_length()))
        out.append("snat-table max-vms 1024")
    elif workload == "snat-new":  # a quarter of the flows: every new mapping evicts
        s = max(16, 1 << ((n // 4).bit_length() - 1))
        out += ["snat-table max-sessions %d" % s, "snat-table max-mappings %d" % s,
                "snat-table max-vms 1024"]
    elif workload == "syn-flood":  # at most a quarter of the flows: every SYN evicts
        # a power of two, as for vip-in (sizes of the index: lib/ct/ct.h)
        out.append("conntrack max-entries %d" % max(16, 1 << ((n // 4).bit_length() - 1)))
    return out


def commands(workload):
    out = ["vtep add %s udp-port %d" % (VTEP, VXLAN_PORT),
           "vpc add bench vni %d gateway-mac %s" % (VNI, GW_MAC)]
    out += ["neigh add %s %s" % (hv, m) for hv, m in zip(HVS, HV_MACS)]
    out += ["neigh add %s %s" % (NH_IP, NH_MAC), "route add 0.0.0.0/0 via %s" % NH_IP]
    if workload.startswith("snat-"):
        for j in range(256):
            out.append("endpoint add bench %s mac 02:aa:00:00:00:%02x vtep %s"
                       % (dotted(VM_BASE + j), j, HVS[j % 4]))
        out.append("snat pool add bench addresses %s"
                   % (POOL_NEW if workload == "snat-new" else POOL))
        out.append("snat bind bench pool bench")
    elif workload in ("eip-in", "vxlan-return"):
        for j in range(256):
            out.append("endpoint add bench %s mac 02:aa:00:00:00:%02x vtep %s"
                       % (dotted(VM_BASE + j), j, HVS[j % 4]))
        out += ["eip add %s vpc bench ip %s" % (dotted(EIP_BASE + j), dotted(VM_BASE + j))
                for j in range(256)]
    else:
        out.append("service add bench vip %s port %d proto tcp check none" % (VIP, VIP_PORT))
        for b in range(1, N_BACKENDS + 1):
            out.append("endpoint add bench 192.168.1.%d mac 02:aa:00:00:01:%02x vtep %s"
                       % (b, b, HVS[(b - 1) % 4]))
            out.append("backend add bench vpc bench ip 192.168.1.%d port %d weight 1"
                       % (b, BACKEND_PORT))
            if workload == "vip-handoff":  # one backend: the replies' source is known
                break
    return out


# --- self-check ---------------------------------------------------------------------------
def read_frames(path):
    data = open(path, "rb").read()
    magic, _, _, _, _, _, link = struct.unpack("<IHHiIII", data[:24])
    assert magic == 0xA1B2C3D4 and link == 1, "not a little-endian Ethernet pcap"
    frames, off = [], 24
    while off < len(data):
        incl, orig = struct.unpack_from("<II", data, off + 8)
        assert incl == orig, "truncated record"
        frames.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return frames


def check(workload, n, path):
    from scapy.all import IP, TCP, UDP, Ether
    from scapy.layers.vxlan import VXLAN
    frames = read_frames(path)
    errs = []
    if len(frames) != n:
        errs.append("%d packets, expected %d" % (len(frames), n))
        return errs
    vx = workload in ("vxlan-return", "vip-reply")
    key = (lambda f: f[76:88]) if vx else (lambda f: f[26:38])  # addresses + ports
    if len(set(map(key, frames))) != len(frames):
        errs.append("flows are not distinct")

    def l3l4(p):
        out = []
        while p and p.name not in ("NoPayload", "Padding"):
            if isinstance(p, (IP, TCP, UDP)):
                out.append(p)
            p = p.payload
        return out

    def expect(cond, what, i):
        if not cond:
            errs.append("packet %d: %s" % (i, what))

    def check_one(i, f):
        p = Ether(f)
        cip, cport = client(i)
        j = i & 0xff
        if workload == "vip-reply":
            expect(len(f) == 104 and p.dst == P1_MAC and p.src == HV_MACS[0], "outer eth", i)
            expect(p[IP].src == HVS[0] and p[IP].dst == VTEP and p[IP].len == 90, "outer ip", i)
            expect(p[UDP].dport == VXLAN_PORT and p[UDP].sport == 49152 + (i & 0x3fff) and
                   p[UDP].chksum == 0, "outer udp", i)
            expect(p[VXLAN].flags == 0x08 and p[VXLAN].vni == VNI, "vxlan", i)
            q = p[VXLAN].payload
            expect(q.dst == GW_MAC and q.src == "02:aa:00:00:01:01", "inner eth", i)
            expect(q[IP].src == "192.168.1.1" and q[IP].dst == dotted(cip) and
                   q[IP].ttl == TTL and q[IP].len == 40, "inner ip", i)
            expect(q[TCP].sport == BACKEND_PORT and q[TCP].dport == cport and
                   q[TCP].flags == "A", "inner tcp", i)
        elif vx:
            expect(len(f) == 110 and p.dst == P1_MAC and p.src == HV_MACS[j % 4], "outer eth", i)
            expect(p[IP].src == HVS[j % 4] and p[IP].dst == VTEP and p[IP].flags == "DF" and
                   p[IP].len == 96, "outer ip", i)
            expect(p[UDP].dport == VXLAN_PORT and p[UDP].sport == 49152 + (i & 0x3fff) and
                   p[UDP].chksum == 0, "outer udp", i)
            expect(p[VXLAN].flags == 0x08 and p[VXLAN].vni == VNI, "vxlan", i)
            q = p[VXLAN].payload
            expect(q.dst == GW_MAC and q.src == "02:aa:00:00:00:%02x" % j, "inner eth", i)
            expect(q[IP].src == dotted(VM_BASE + j) and q[IP].dst == dotted(cip) and
                   q[IP].ttl == TTL and q[IP].len == 46, "inner ip", i)
            expect(q[UDP].sport == VM_PORT and q[UDP].dport == cport and
                   bytes(q[UDP].payload) == PAYLOAD, "inner udp", i)
        else:
            expect(len(f) == 60 and p.dst == P0_MAC and p.src == NH_MAC, "eth", i)
            dst = dotted(EIP_BASE + j) if workload == "eip-in" else VIP
            expect(p[IP].src == dotted(cip) and p[IP].dst == dst and p[IP].flags == "DF" and
                   p[IP].ttl == TTL and p[IP].len == (46 if workload == "eip-in" else 40), "ip", i)
            if workload == "eip-in":
                expect(p[UDP].sport == cport and p[UDP].dport == VM_PORT and
                       bytes(p[UDP].payload) == PAYLOAD, "udp", i)
            else:
                want = "S" if workload == "syn-flood" else "A"
                expect(p[TCP].sport == cport and p[TCP].dport == VIP_PORT and
                       p[TCP].flags == want, "tcp", i)
        # checksums: scapy recomputes every one set to None (an outer UDP 0 stays 0)
        q = p.copy()
        for lay in l3l4(q):
            if not (isinstance(lay, UDP) and lay.chksum == 0):
                lay.chksum = None
        for a, b in zip(l3l4(p), l3l4(Ether(bytes(q)))):
            expect(a.chksum == b.chksum, "%s checksum %#x, expected %#x"
                   % (a.__class__.__name__, a.chksum, b.chksum), i)

    # the first 20 packets, and a few further in (where the client address varies too)
    for i in sorted(set(range(min(20, n))) | {n // 3, n // 2, n - 1}):
        try:
            check_one(i, frames[i])
        except Exception as e:  # a layer missing: the packet is not what it should be
            errs.append("packet %d: cannot decode (%s)" % (i, e))
    return errs


GENERATORS = {"eip-in": gen_eip_in, "vip-in": gen_vip_in,
              "vxlan-return": gen_vxlan_return, "syn-flood": gen_syn_flood,
              "vip-handoff": gen_vip_in, "snat-out": gen_snat_out,
              "snat-return": gen_snat_return, "snat-new": gen_snat_new}


def write_pcap(path, buf):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        f.write(buf)


def write_handoff(out, n, client_buf, q):
    """vip-handoff: OUT.reply, and OUT.ports naming each port's RX pcaps (a queue each)."""
    reply = gen_vip_reply(n)
    write_pcap(out + ".reply", reply)
    files = {"p0": [out], "p1": [out + ".reply"]}
    if q > 1:
        for port, buf in (("p0", client_buf), ("p1", reply)):
            files[port] = []
            for k, part in enumerate(split(buf, n, q)):
                write_pcap("%s.%sq%d" % (out, port, k), part)
                files[port].append("%s.%sq%d" % (out, port, k))
    with open(out + ".ports", "w") as f:
        for port in ("p0", "p1"):
            f.write("%s %s\n" % (port, " ".join(files[port])))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--list", action="store_true", help="print the workloads")
    ap.add_argument("--check", action="store_true", help="verify the written pcap with scapy")
    ap.add_argument("--workers", type=int, default=1,
                    help="vgwd workers (sizes mbufs; vip-handoff: RX queues per port)")
    ap.add_argument("workload", nargs="?", choices=sorted(GENERATORS))
    ap.add_argument("flows", nargs="?", type=int)
    ap.add_argument("out", nargs="?")
    a = ap.parse_args()
    if a.list:
        for name, what in WORKLOADS.items():
            print("%-13s %s" % (name, what))
        return 0
    if a.out is None:
        ap.error("WORKLOAD FLOWS OUT.pcap are required")
    if not 1 <= a.flows <= MAX_FLOWS or a.workers < 1:
        ap.error("FLOWS must be 1..%d, --workers at least 1" % MAX_FLOWS)
    t0 = time.monotonic()
    buf = GENERATORS[a.workload](a.flows)
    write_pcap(a.out, buf)
    if a.workload == "vip-handoff":
        write_handoff(a.out, a.flows, buf, a.workers)
    if a.workload == "snat-return":  # the mappings and sessions, played once on p1
        write_pcap(a.out + ".warm", gen_snat_out(a.flows))
    with open(a.out + ".settings", "w") as f:
        f.write("\n".join(settings(a.workload, a.flows, a.workers)) + "\n")
    with open(a.out + ".conf", "w") as f:
        f.write("# %s: %s\n" % (a.workload, WORKLOADS[a.workload]))
        f.write("\n".join(commands(a.workload)) + "\n")
    print("%s: %d %s packets in %.2f s (+ .settings, .conf)"
          % (a.out, a.flows, a.workload, time.monotonic() - t0), file=sys.stderr)
    if a.check:
        errs = check(a.workload, a.flows, a.out)
        if a.workload == "vip-handoff":
            errs += ["reply: " + e for e in check("vip-reply", a.flows, a.out + ".reply")]
        for e in errs:
            print("check: " + e, file=sys.stderr)
        print("check: %s" % ("FAILED" if errs else "ok"), file=sys.stderr)
        return 1 if errs else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
