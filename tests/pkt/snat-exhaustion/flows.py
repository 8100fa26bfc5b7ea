"""snat-exhaustion packets, shared by packets.py and check.py."""
from pktlib import VNI_A
from snatlib import REMOTE, REMOTE2, VM, tcp, udp

VM1 = VM("vpca", VNI_A, "192.168.1.10", "02:aa:00:00:01:0a")
VM2 = VM("vpca", VNI_A, "192.168.1.11", "02:aa:00:00:01:0b")
CAP = 70
LO, HI = 1024, 1151
# VM1: one flow from each of CAP + 1 ports; the last is over the cap
FLOWS = [udp(VM1.ip, REMOTE, 10000 + i, 53, b"flow-%d" % i) for i in range(CAP + 1)]
# VM1: its first port to another remote (an existing mapping)
AGAIN = udp(VM1.ip, REMOTE2, 10000, 53, b"again")
# VM2: UDP (no block left), TCP (its own block)
VM2_UDP = udp(VM2.ip, REMOTE, 20000, 53, b"vm2")
VM2_SYN = tcp(VM2.ip, REMOTE, 20000, 443, "S", seq=1)


def inputs():
    return [VM1.send(x) for x in FLOWS + [AGAIN]] + [VM2.send(VM2_UDP), VM2.send(VM2_SYN)]
