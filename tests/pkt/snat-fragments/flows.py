"""snat-fragments packets, shared by packets.py and check.py."""
from pktlib import IP, TCP, UDP, VNI_A, Raw, raw
from snatlib import (INET_TTL, POOL, REMOTE, VM, barrier, inet, spray,
                     udp)

VM1 = VM("vpca", VNI_A, "192.168.1.10", "02:aa:00:00:01:0a")
CUT = 104  # bytes of IP payload in the first fragment


def fragments(src, dst, l4, ipid, ttl=64):
    """The two fragments of datagram src -> dst carrying l4."""
    d = IP(raw(IP(src=src, dst=dst, id=ipid) / l4))
    body = raw(d.payload)
    kw = dict(src=src, dst=dst, id=ipid, proto=d.proto, ttl=ttl)
    return [IP(flags="MF", frag=0, **kw) / Raw(body[:CUT]),
            IP(flags=0, frag=CUT // 8, **kw) / Raw(body[CUT:])]


Q = udp(VM1.ip, REMOTE, 5000, 53, b"query")
# the VM: from its mapped port, and a TCP segment
OUT_FRAGS = (fragments(VM1.ip, REMOTE, UDP(sport=5000, dport=53) / Raw(b"U" * 200), 0x4242)
             + fragments(VM1.ip, REMOTE, TCP(sport=40000, dport=80, flags="PA")
                         / Raw(b"T" * 200), 0x4343))


def first_in(p):
    return fragments(REMOTE, POOL, UDP(sport=53, dport=p) / Raw(b"A" * 200), 0x5000 + p,
                     ttl=INET_TTL)[0]


LATER_IN = fragments(REMOTE, POOL, UDP(sport=53, dport=1024) / Raw(b"A" * 200), 0x6000,
                     ttl=INET_TTL)[1]


def reply(p):
    return udp(REMOTE, POOL, 53, p, b"answer", ttl=INET_TTL)


def inputs():
    return ([VM1.send(Q)] + [VM1.send(f) for f in OUT_FRAGS] + barrier()
            + [inet(x) for x in spray(first_in) + [LATER_IN] + spray(reply)])
