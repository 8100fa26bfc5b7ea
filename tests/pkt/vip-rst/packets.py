#!/usr/bin/python3
"""RSTs in and out of the window, a FIN close, 4-tuple reuse after a reset.
All input on p1 (requests before the replies that answer them)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
WEB = Backend("vpca", VNI_A, "192.168.1.10", 8080, VM_A_MAC)
in1, exp0, exp1 = [], [], []
FAR = 1000000     # beyond any window advertised here (65535 at most, unscaled)


def c2s(cport, flags, seq, ack=0, payload=b""):
    p = client_in(tcp_seg(CLIENT, VIP, cport, 80, flags, seq=seq, ack=ack,
                          window=64240, payload=payload), port=P1)
    in1.append(p)
    exp1.append(to_backend(p, WEB))


def s2c(cport, flags, seq, ack=0, payload=b""):
    l3 = tcp_seg(WEB.ip, CLIENT, 8080, cport, flags, seq=seq, ack=ack,
                 window=65160, payload=payload)
    in1.append(from_backend(l3, WEB))
    exp0.append(reply_out(l3, VIP, 80))


def handshake(cport, c, s):
    """SYN (client ISN c), SYN-ACK (server ISN s), ACK: established."""
    c2s(cport, "S", c)
    s2c(cport, "SA", s, c + 1)
    c2s(cport, "A", c + 1, s + 1)


# A: the client's out-of-window RST is ignored; the connection goes on
handshake(42001, 1000, 5000)
c2s(42001, "R", 1001 + FAR)
s2c(42001, "PA", 5001, 1001, b"still-open")
c2s(42001, "A", 1001, 5011)
# B: the backend's in-window RST closes it (expires after 1 s)
handshake(42002, 2000, 6000)
s2c(42002, "R", 6001)
# C: the client's in-window RST closes it; a new SYN on the 4-tuple is a new
# connection (it stays: established)
handshake(42003, 3000, 7000)
c2s(42003, "R", 3001)
handshake(42003, 90000, 91000)
# D: FIN both ways, last ACK: TIME_WAIT (expires after 1 s)
handshake(42004, 4000, 8000)
c2s(42004, "FA", 4001, 8001)
s2c(42004, "FA", 8001, 4002)
c2s(42004, "A", 4002, 8002)
# E: the backend's out-of-window RST is ignored; the client's data passes
handshake(42005, 5000, 9000)
s2c(42005, "R", (9001 - FAR) % 2**32)
c2s(42005, "PA", 5001, 9001, b"after-bogus-rst")
s2c(42005, "A", 9001, 5016)
write_scenario(out, in1=in1, expected0=[garp(VIP)] + exp0, expected1=exp1)
