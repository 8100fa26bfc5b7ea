#!/usr/bin/python3
"""A 16-entry connection table: eviction of the oldest unconfirmed entry (a
SYN-ACK does not confirm: a spoofed SYN gets one too), then ct_full once every
entry completed its handshake.  All input on p1."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
WEB = Backend("vpca", VNI_A, "192.168.1.10", 8080, VM_A_MAC)
in1, exp0, exp1 = [], [], []


def port(i):
    return 41000 + i


def syn(i, forwarded=True):
    p = client_in(tcp_seg(CLIENT, VIP, port(i), 80, "S", seq=1000 * i), port=P1)
    in1.append(p)
    if forwarded:
        exp1.append(to_backend(p, WEB))


def synack(i, forwarded=True):
    l3 = tcp_seg(WEB.ip, CLIENT, 8080, port(i), "SA", seq=7000 * i, ack=1000 * i + 1)
    in1.append(from_backend(l3, WEB))
    if forwarded:
        exp0.append(reply_out(l3, VIP, 80))




def ack(i, forwarded=True):
    p = client_in(tcp_seg(CLIENT, VIP, port(i), 80, "A", seq=1000 * i + 1, ack=7000 * i + 1),
                  port=P1)
    in1.append(p)
    if forwarded:
        exp1.append(to_backend(p, WEB))


for i in range(1, 17):      # flows 1..16 fill the table
    syn(i)
syn(17)                     # evicts flow 1 (the oldest unconfirmed)
synack(1, forwarded=False)  # its entry is gone: vpc_no_eip
for i in range(2, 18):      # the backend answers every remaining flow...
    synack(i)
syn(18)                     # ...which confirms none: flow 2 is evicted
synack(18)
for i in range(3, 19):      # the clients complete their handshakes: confirmed
    ack(i)
syn(19, forwarded=False)    # nothing left to evict: ct_full
syn(1, forwarded=False)     # the evicted flow's retransmission: ct_full
# known flows still pass both ways
data = client_in(tcp_seg(CLIENT, VIP, port(3), 80, "A", seq=3001, ack=21001) / Raw(b"x" * 10),
                 port=P1)
in1.append(data)
exp1.append(to_backend(data, WEB))
synack(17)
write_scenario(out, in1=in1, expected0=[garp(VIP)] + exp0, expected1=exp1)
