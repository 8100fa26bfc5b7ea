"""snat-basic packets, shared by packets.py and check.py."""
from pktlib import EIP_A, HV2_MAC, HV2_VTEP, VNI_A
from snatlib import (HI, INET_TTL, LO, POOL, REMOTE, REMOTE2, VM, barrier, echo, inet,
                     spray, tcp, udp)

VM1 = VM("vpca", VNI_A, "192.168.1.10", "02:aa:00:00:01:0a")
VM_EIP = VM("vpca", VNI_A, "192.168.1.20", "02:aa:00:00:01:14")
VM_UNBOUND = VM("vpca", VNI_A, "192.168.2.10", "02:aa:00:00:02:0a",
                hv_vtep=HV2_VTEP, hv_mac=HV2_MAC)
NPORTS = HI - LO + 1

# VM1: UDP from port 5000 to two remotes
Q1 = udp(VM1.ip, REMOTE, 5000, 53, b"query-one")
Q2 = udp(VM1.ip, REMOTE2, 5000, 123, b"query-two")


def r1(p):
    return udp(REMOTE, POOL, 53, p, b"answer-one", ttl=INET_TTL)


def r2(p):
    return udp(REMOTE2, POOL, 123, p, b"answer-two", ttl=INET_TTL)


# VM1: a TCP handshake
SYN = tcp(VM1.ip, REMOTE, 40000, 80, "S", seq=100)
ACK = tcp(VM1.ip, REMOTE, 40000, 80, "A", seq=101, ack=501)


def synack(p):
    return tcp(REMOTE, POOL, 80, p, "SA", seq=500, ack=101, ttl=INET_TTL)


# VM1: ping (identifier 0x77, outside the pool's ports)
PING = echo(VM1.ip, REMOTE, 0x77)


def pong(p):
    return echo(REMOTE, POOL, p, type=0, ttl=INET_TTL)


# the VM with an EIP, an unsolicited SYN, the VM no binding covers
EIP_Q = udp(VM_EIP.ip, REMOTE, 5000, 53, b"eip-query")
UNSOLICITED = tcp(REMOTE, POOL, 40001, 80, "S", seq=9, ttl=INET_TTL)
# ... and one whose TTL runs out here: no time exceeded either
UNSOLICITED_TTL1 = tcp(REMOTE, POOL, 40002, 80, "S", seq=9, ttl=1)
UNBOUND_Q = udp(VM_UNBOUND.ip, REMOTE, 5000, 53, b"unbound-query")
EIP = EIP_A


def inputs():
    return ([VM1.send(x) for x in (Q1, Q2, SYN, PING)]
            + [VM_EIP.send(EIP_Q), inet(UNSOLICITED), inet(UNSOLICITED_TTL1),
               VM_UNBOUND.send(UNBOUND_Q)]
            + barrier()
            + [inet(x) for x in spray(r1) + spray(r2) + spray(synack) + spray(pong)]
            + barrier() + [VM1.send(ACK)])
