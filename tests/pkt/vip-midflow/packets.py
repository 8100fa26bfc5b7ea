#!/usr/bin/python3
"""Mid-flow pickup: no SYN seen; an RST without entry.  All input on p1."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
WEB = Backend("vpca", VNI_A, "192.168.1.10", 8080, VM_A_MAC)
in1, exp0, exp1 = [], [], []


def c2s(l3):
    p = client_in(l3, port=P1)
    in1.append(p)
    exp1.append(to_backend(p, WEB))


def s2c(l3, forwarded=True):
    in1.append(from_backend(l3, WEB))
    if forwarded:
        exp0.append(reply_out(l3, VIP, 80))


# flow 1: an ACK, data, the backend's ACK, more data, the backend's data
c2s(tcp_seg(CLIENT, VIP, 41000, 80, "A", seq=50000, ack=90000, window=501))
c2s(tcp_seg(CLIENT, VIP, 41000, 80, "PA", seq=50000, ack=90000, window=501,
            payload=b"mid-flow data"))
s2c(tcp_seg(WEB.ip, CLIENT, 8080, 41000, "A", seq=90000, ack=50013, window=509))
c2s(tcp_seg(CLIENT, VIP, 41000, 80, "PA", seq=50013, ack=90000, window=501,
            payload=b"more"))
s2c(tcp_seg(WEB.ip, CLIENT, 8080, 41000, "PA", seq=90000, ack=50017, window=509,
            payload=b"answer"))
# flow 2: picked up on a FIN
c2s(tcp_seg(CLIENT2, VIP, 41001, 80, "FA", seq=7, ack=8))
s2c(tcp_seg(WEB.ip, CLIENT2, 8080, 41001, "FA", seq=8, ack=8))
# flow 3: a bare RST with no entry: forwarded (Maglev pick), no entry made,
# so the backend's packet on that 4-tuple has nowhere to go (no EIP)
c2s(tcp_seg(CLIENT, VIP, 41002, 80, "R", seq=123456))
s2c(tcp_seg(WEB.ip, CLIENT, 8080, 41002, "A", seq=1, ack=123456), forwarded=False)
# ... and a second RST on it: still forwarded, still no entry
c2s(tcp_seg(CLIENT, VIP, 41002, 80, "R", seq=123456))
write_scenario(out, in1=in1, expected0=[garp(VIP)] + exp0, expected1=exp1)
