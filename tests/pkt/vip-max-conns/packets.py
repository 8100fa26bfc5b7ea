#!/usr/bin/python3
"""max-conns counts confirmed connections: spoofed SYNs (answered by the
backend, never acknowledged) do not fill it.  All input on p1."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
WEB = Backend("vpca", VNI_A, "192.168.1.10", 8080, VM_A_MAC)
in1, exp0, exp1 = [], [], []


def src(i):
    return "198.51.100.%d" % (100 + i) if i >= 10 else CLIENT


def seg(i, flags, seq, ack=0, payload=b""):
    l3 = tcp_seg(src(i), VIP, 43000 + i, 8005, flags, seq=seq, ack=ack)
    if payload:
        l3 = l3 / Raw(payload)
    return client_in(l3, port=P1)


def client(i, flags, seq, ack=0, forwarded=True, payload=b""):
    p = seg(i, flags, seq, ack, payload)
    in1.append(p)
    if forwarded:
        exp1.append(to_backend(p, WEB))


def synack(i, forwarded=True):
    l3 = tcp_seg(WEB.ip, src(i), 8080, 43000 + i, "SA", seq=7000 * i, ack=1000 * i + 1)
    in1.append(from_backend(l3, WEB))
    if forwarded:
        exp0.append(reply_out(l3, VIP, 8005))


for i in range(10, 15):     # spoofed SYNs: forwarded, answered, never confirmed
    client(i, "S", 1000 * i)
for i in range(10, 15):
    synack(i)
for i in (1, 2):            # two real clients complete their handshakes
    client(i, "S", 1000 * i)
    synack(i)
    client(i, "A", 1000 * i + 1, 7000 * i + 1)
client(3, "S", 3000, forwarded=False)            # the cap: lb_service_full
client(3, "A", 3001, 21001, forwarded=False)     # its pickup too
client(1, "S", 1000)                             # a retransmission passes
client(2, "PA", 2001, 14001, payload=b"GET / HTTP/1.0\r\n\r\n")
write_scenario(out, in1=in1, expected0=[garp(VIP)] + exp0, expected1=exp1)
