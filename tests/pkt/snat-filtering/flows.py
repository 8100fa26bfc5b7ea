"""snat-filtering packets, shared by packets.py and check.py."""
from pktlib import HV2_MAC, HV2_VTEP, VM_A_MAC, VM_B_MAC, VM_IP, VNI_A, VNI_B
from snatlib import (INET_TTL, POOL, POOL2, REMOTE, REMOTE2, VM, barrier, inet,
                     spray, udp)

A = VM("vpca", VNI_A, VM_IP, VM_A_MAC)                       # pool padf
B = VM("vpcb", VNI_B, VM_IP, VM_B_MAC, hv_vtep=HV2_VTEP, hv_mac=HV2_MAC)  # peif
A_OUT = udp(A.ip, REMOTE, 5000, 53, b"a-query")
B_OUT = udp(B.ip, REMOTE, 5000, 53, b"b-query")
A_OUT2 = udp(A.ip, REMOTE2, 5000, 53, b"a-query-2")


def to_a(src, sport, payload):
    return lambda p: udp(src, POOL, sport, p, payload, ttl=INET_TTL)


def to_b(src, sport, payload):
    return lambda p: udp(src, POOL2, sport, p, payload, ttl=INET_TTL)


STRANGER_A = to_a(REMOTE2, 53, b"stranger")        # snat_filtered
REPLY_A = to_a(REMOTE, 53, b"reply")               # the session
OTHER_PORT_A = to_a(REMOTE, 9999, b"other-port")   # the filter: address known
STRANGER_B = to_b(REMOTE2, 53, b"stranger")        # endpoint-independent
KNOWN_NOW_A = to_a(REMOTE2, 7777, b"known-now")    # after A_OUT2


def inputs():
    return ([A.send(A_OUT), B.send(B_OUT)] + barrier()
            + [inet(x) for f in (STRANGER_A, REPLY_A, OTHER_PORT_A, STRANGER_B)
               for x in spray(f)]
            + [A.send(A_OUT2)] + barrier() + [inet(x) for x in spray(KNOWN_NOW_A)])
