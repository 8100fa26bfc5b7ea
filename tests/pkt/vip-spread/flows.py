"""The vip-spread flows and backends, shared by packets.py and check.py."""
from pktlib import (CLIENT, CLIENT2, HV1_MAC, HV1_VTEP, HV2_MAC, HV2_VTEP, P0,
                    VIP, VNI_A, VNI_B, Backend, client_in, tcp_seg)

NFLOWS = 400
BACKENDS = [  # (backend, weight)
    (Backend("vpca", VNI_A, "192.168.1.10", 8080, "02:aa:00:00:01:0a"), 1),
    (Backend("vpca", VNI_A, "192.168.1.11", 8081, "02:aa:00:00:01:0b"), 1),
    (Backend("vpcb", VNI_B, "192.168.1.10", 8080, "02:bb:00:00:01:0a",
             hv_vtep=HV2_VTEP, hv_mac=HV2_MAC), 2),
    (Backend("vpcb", VNI_B, "192.168.1.12", 8082, "02:bb:00:00:01:0c",
             hv_vtep=HV2_VTEP, hv_mac=HV2_MAC), 0),
]
assert BACKENDS[0][0].hv_vtep == HV1_VTEP and BACKENDS[0][0].hv_mac == HV1_MAC


def flow(i, second):
    """Packet 0 (SYN) or 1 (the client's ACK) of flow i; flows differ in the
    client port (and, for a quarter of them, the client address)."""
    src = CLIENT2 if i % 4 == 3 else CLIENT
    sport = 20000 + 7 * i
    if not second:
        return client_in(tcp_seg(src, VIP, sport, 80, "S", seq=1000 + i), port=P0)
    return client_in(tcp_seg(src, VIP, sport, 80, "A", seq=1001 + i, ack=1),
                     port=P0)


def all_packets():
    """Every SYN, then every ACK: (flow, is_ack, frame)."""
    return [(i, s, flow(i, s)) for s in (0, 1) for i in range(NFLOWS)]
