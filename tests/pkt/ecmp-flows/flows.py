"""The ECMP flows, shared by packets.py and check.py."""
from pktlib import REMOTE_SRC, tcp_in, udp_in

NFLOWS = 100
COPIES = 3


def flow_packet(i, copy):
    """Packet `copy` of flow i; the flows differ in addresses and/or ports,
    the copies of one flow only in their payload (not part of any hash)."""
    payload = b"flow %03d copy %d" % (i, copy)
    src = "203.0.113.%d" % (1 + i % 50)
    dst = "192.0.2.%d" % (10 + i % 7)
    if i % 2:
        return udp_in(src=src, dst=dst, sport=10000 + i, dport=20000 + i % 13,
                      payload=payload)
    return tcp_in(src=src if i % 4 else REMOTE_SRC, dst=dst, sport=30000 + i,
                  dport=443, flags="PA", payload=payload)


def all_packets():
    """Copies interleaved: every flow once, then again, then again."""
    return [(i, c, flow_packet(i, c))
            for c in range(COPIES) for i in range(NFLOWS)]
