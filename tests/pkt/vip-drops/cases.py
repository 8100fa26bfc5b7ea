"""The vip-drops packets with the drop reason each must get (None: passes).
`PYTHONPATH=.. python3 cases.py` prints the expect-stats drop lines."""
from collections import Counter

from pktlib import (CLIENT, CLIENT2, ICMP, IP, TCP, VIP, VIP2, Raw,
                    client_in, tcp_seg, udp_dgram)


def syn(dport, sport=42000, src=CLIENT, **kw):
    return client_in(tcp_seg(src, VIP, sport, dport, "S", seq=1, **kw))


def frag(dst, dport, **ipkw):
    return client_in(IP(src=CLIENT, dst=dst, **ipkw)
                     / Raw(bytes(TCP(sport=42000, dport=dport, flags="S"))
                           + b"fragment-payload"))


def cases():
    """[(reason or None, frame)] in input order."""
    return [
        ("vip_no_service", syn(81)),
        ("vip_no_service", client_in(tcp_seg(CLIENT, VIP, 42000, 81, "A",
                                             seq=5, ack=6))),
        ("vip_no_service", client_in(udp_dgram(CLIENT, VIP, 5000, 80))),
        ("vip_no_service", client_in(udp_dgram(CLIENT, VIP2, 5000, 53))),
        # MF set, offset 0 / offset 16 bytes, MF clear (the last fragment)
        ("vip_fragment", frag(VIP, 80, flags="MF", proto=6)),
        ("vip_fragment", frag(VIP, 80, frag=2, proto=6)),
        ("vip_fragment", frag(VIP2, 80, flags="MF", proto=6)),
        ("lb_no_backend", syn(8001)),
        ("lb_no_backend", client_in(tcp_seg(CLIENT, VIP, 42001, 8001, "A",
                                            seq=5, ack=6))),
        ("lb_no_backend", syn(8002)),
        ("lb_no_backend", syn(8003)),
        ("lb_no_backend", syn(8004)),
        ("lb_no_backend", client_in(udp_dgram(CLIENT, VIP, 5000, 8004))),
        # max-conns: tests/pkt/vip-max-conns (it needs whole handshakes)
        # the backend's address is no endpoint of its VPC
        ("eip_no_endpoint", syn(8006)),
        # the services that work (for contrast)
        (None, syn(80)),
        (None, client_in(udp_dgram(CLIENT, VIP, 5000, 53))),
        # another client port: VIP:80 and VIP2:80 share the backend, so the
        # same client port would give both flows one reply 5-tuple
        (None, client_in(tcp_seg(CLIENT, VIP2, 42010, 80, "S", seq=1))),
    ]


def echo():
    """An echo request to the VIP (answered by the gateway)."""
    return client_in(IP(src=CLIENT, dst=VIP, ttl=50, id=0x3333)
                     / ICMP(type=8, code=0, id=0x4242, seq=3) / Raw(b"ping-the-vip"))


if __name__ == "__main__":
    n = Counter(r for r, _ in cases() if r)
    for r, c in sorted(n.items()):
        print("port p0 drop %s %d" % (r, c))
    for r, c in sorted(n.items()):
        print("drop %s %d" % (r, c))
