"""vip-handoff packets, shared by packets.py and check.py."""
from pktlib import (CLIENT, CLIENT2, P1, VIP, VM_A_MAC, VNI_A, Backend,
                    client_in, from_backend, reply_out, tcp_seg, to_backend)

WEB = Backend("vpca", VNI_A, "192.168.1.10", 8080, VM_A_MAC)
NFLOWS = 64
NCAPPED = 20


def client(i):
    return (CLIENT if i % 3 else CLIENT2), 30000 + 11 * i


def packets():
    """(input frames on p1, expected p1 frames per web flow [SYN, ACK],
    expected p0 frames (SYN-ACKs), capped flows: (inputs, expected p1 [SYN,
    ACK], expected p0 SYN-ACK))."""
    syns, synacks, acks, web1, exp0, capped = [], [], [], [], [], []
    for i in range(NFLOWS):
        src, sport = client(i)
        s = client_in(tcp_seg(src, VIP, sport, 80, "S", seq=i), port=P1)
        sa = tcp_seg(WEB.ip, src, 8080, sport, "SA", seq=10 * i, ack=i + 1)
        a = client_in(tcp_seg(src, VIP, sport, 80, "A", seq=i + 1, ack=10 * i + 1),
                      port=P1)
        syns.append(s)
        synacks.append(from_backend(sa, WEB))
        acks.append(a)
        web1.append([to_backend(s, WEB), to_backend(a, WEB)])
        exp0.append(reply_out(sa, VIP, 80))
    for i in range(NCAPPED):
        # whole handshakes, one flow after the other: max-conns counts
        # confirmed connections, so a flow counts once its ACK went by
        src, sport = client(NFLOWS + i)
        s = client_in(tcp_seg(src, VIP, sport, 8005, "S", seq=i), port=P1)
        sa = tcp_seg(WEB.ip, src, 8080, sport, "SA", seq=10 * i, ack=i + 1)
        a = client_in(tcp_seg(src, VIP, sport, 8005, "A", seq=i + 1, ack=10 * i + 1),
                      port=P1)
        capped.append(([s, from_backend(sa, WEB), a],
                       [to_backend(s, WEB), to_backend(a, WEB)], reply_out(sa, VIP, 8005)))
    # SYNs (web and capped handshakes interleaved), then the SYN-ACKs, then
    # the ACKs
    in1 = syns[:NFLOWS // 2] + [p for c in capped for p in c[0]] + syns[NFLOWS // 2:] \
        + synacks + acks
    return in1, web1, exp0, capped
