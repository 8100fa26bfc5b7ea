"""Packets and expected output of eip-mtu / eip-mtu-small for an underlay
MTU `mtu`: the tunnel carries inner IPv4 packets of at most mtu - 50."""
from pktlib import (EIP_A, ICMP, INET_NH_MAC, IP, P0_IP, P0_MAC, REMOTE_SRC,
                    TCP, UDP, VM_A_MAC, VM_IP, VNI_A, Raw, eip_in, icmp_error,
                    nat_rewrite, to_hv)


def udp(size, flags="DF", sport=1000):
    return eip_in(IP(src=REMOTE_SRC, dst=EIP_A, flags=flags, id=size)
                  / UDP(sport=sport, dport=9) / Raw(b"u" * (size - 28)))


def cases(mtu):
    fit = mtu - 50
    ok = [udp(fit), udp(fit - 1, sport=1001)]
    frag_needed = [
        udp(fit + 1, sport=1002),
        eip_in(IP(src=REMOTE_SRC, dst=EIP_A, flags="DF")
               / TCP(sport=40000, dport=80, flags="PA") / Raw(b"t" * (fit + 1 - 40))),
        eip_in(IP(src="198.18.0.9", dst=EIP_A, flags="DF")
               / ICMP(type=8, id=9, seq=9) / Raw(b"i" * (1500 - 28))),
    ]
    silent = [
        udp(fit + 1, flags=0, sport=1003),
        udp(1500, flags=0, sport=1004),
        # an ICMP error never causes an ICMP error (RFC 1812 4.3.2.7)
        eip_in(IP(src=REMOTE_SRC, dst=EIP_A, flags="DF")
               / ICMP(type=3, code=3)
               / Raw(bytes(IP(src=EIP_A, dst=REMOTE_SRC) / UDP(sport=5, dport=6)
                           / Raw(b"q" * (fit + 1 - 28 - 28))))),
    ]
    # in the order sent: ok, frag_needed, silent (all from p0)
    exp0 = [icmp_error(p, 3, 4, src_ip=P0_IP, out_mac=P0_MAC,
                       dst_mac=INET_NH_MAC, nexthopmtu=fit) for p in frag_needed]
    exp1 = [to_hv(nat_rewrite(p, dst=VM_IP), VM_A_MAC, VNI_A) for p in ok]
    for p in ok + frag_needed + silent:
        assert len(bytes(p[IP])) == p[IP].len
    return ok + frag_needed + silent, exp0, exp1
