"""snat-hairpin packets, shared by packets.py and check.py."""
from pktlib import HV2_MAC, HV2_VTEP, VNI_A
from snatlib import POOL, POOL2, REMOTE, VM, barrier, spray, udp

A = VM("vpca", VNI_A, "192.168.1.10", "02:aa:00:00:01:0a")
B = VM("vpca", VNI_A, "192.168.2.10", "02:aa:00:00:02:0a",
       hv_vtep=HV2_VTEP, hv_mac=HV2_MAC)
# each VM learns its mapping from a server on the Internet
A_OUT = udp(A.ip, REMOTE, 5000, 3478, b"binding-a")
B_OUT = udp(B.ip, REMOTE, 6000, 3478, b"binding-b")


def a_to_b(p):
    """A to B's mapping (pool pb, port p) from its mapped port."""
    return udp(A.ip, POOL2, 5000, p, b"hello-b")


def b_to_a(p):
    return udp(B.ip, POOL, 6000, p, b"hello-a")


def inputs():
    return ([A.send(A_OUT), B.send(B_OUT)] + barrier()
            + [A.send(x) for x in spray(a_to_b)] + barrier()
            + [B.send(x) for x in spray(b_to_a)])
