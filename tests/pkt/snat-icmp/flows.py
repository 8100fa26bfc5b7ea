"""snat-icmp packets, shared by packets.py and check.py."""
from pktlib import VNI_A
from snatlib import (INET_TTL, LO, POOL, REMOTE, REMOTE2, ROUTER, VM, barrier, echo,
                     icmp_error, inet, rewrite, seen_by, spray, tcp, udp)

VM1 = VM("vpca", VNI_A, "192.168.1.10", "02:aa:00:00:01:0a")
Q = udp(VM1.ip, REMOTE, 5000, 53, b"query")
SYN = tcp(VM1.ip, REMOTE, 40000, 443, "S", seq=100)
PING = echo(VM1.ip, REMOTE, 7, ttl=2)  # a traceroute probe by ICMP echo


def pub(pkt, port, hops):
    """The VM's packet pkt as translated to POOL:port, seen hops later."""
    return seen_by(rewrite(pkt, src=POOL, sport=port), hops - 1)


# errors about the translated packets, sent to the pool address
def port_unreach(p):
    return icmp_error(REMOTE, POOL, 3, 3, pub(Q, p, 3))


def time_exceeded(p):
    return icmp_error(ROUTER, POOL, 11, 0, pub(Q, p, 63))  # quoted TTL 1


def frag_needed(p):
    return icmp_error(ROUTER, POOL, 3, 4, pub(SYN, p, 3), nexthopmtu=1400)


def ping_expired(p):  # the probe's TTL ran out one router on
    return icmp_error(ROUTER, POOL, 11, 0, pub(PING, p, 1))


# errors about no session: the VM's private port quoted, a quoted source
# that is not the pool address
NO_SESSION = icmp_error(REMOTE, POOL, 3, 3, pub(Q, 5000, 3))
NOT_OURS = icmp_error(REMOTE, POOL, 3, 3,
                      seen_by(rewrite(Q, src="198.51.100.99", sport=LO), 2))


# replies after the errors
def reply(p):
    return udp(REMOTE, POOL, 53, p, b"answer", ttl=INET_TTL)


def synack(p):
    return tcp(REMOTE, POOL, 443, p, "SA", seq=700, ack=101, ttl=INET_TTL)


# an inbound flow to the VM's mapping (endpoint-independent filtering lets
# another remote in), and the VM's port unreachable about it
def inbound(p):
    return udp(REMOTE2, POOL, 7000, p, b"unwanted", ttl=INET_TTL)


AT_VM = rewrite(inbound(LO), dst=VM1.ip, dport=5000)  # as the VM got it
VM_UNREACH = icmp_error(VM1.ip, REMOTE2, 3, 3, AT_VM, ttl=64)
# the VM's error about a flow it never had
VM_NO_SESSION = icmp_error(VM1.ip, REMOTE, 3, 3,
                           udp(REMOTE, VM1.ip, 9999, 6000, ttl=49), ttl=64)


def inputs():
    return ([VM1.send(Q), VM1.send(SYN), VM1.send(PING)] + barrier()
            + [inet(x) for x in spray(port_unreach) + spray(time_exceeded)
               + spray(frag_needed) + spray(ping_expired) + [NO_SESSION, NOT_OURS]
               + spray(reply) + spray(synack) + spray(inbound)]
            + barrier() + [VM1.send(VM_UNREACH), VM1.send(VM_NO_SESSION)])
