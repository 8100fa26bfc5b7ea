"""The VM's packets of eip-outbound-mtu, shared by packets.py and check.py."""
from pktlib import ICMP, IP, REMOTE_SRC, TCP, UDP, VM_IP, Raw, raw

MTU = 1280


def udp(size, flags, sport):
    return (IP(src=VM_IP, dst=REMOTE_SRC, flags=flags, id=sport, ttl=30)
            / UDP(sport=sport, dport=443) / Raw(b"q" * (size - 28)))


# (inner IPv4 packet, fate): "icmp" = frag-needed back to the VM
too_big = [
    (udp(1400, "DF", 1001), "icmp"),
    (IP(src=VM_IP, dst=REMOTE_SRC, flags="DF", ttl=50)
     / TCP(sport=443, dport=40000, flags="A") / Raw(b"t" * (MTU + 1 - 40)), "icmp"),
    (udp(1400, 0, 1002), "silent"),
    # the VM's own (oversized) ICMP error: never an ICMP error about it
    (IP(src=VM_IP, dst=REMOTE_SRC, flags="DF") / ICMP(type=3, code=3)
     / Raw(raw(IP(src=REMOTE_SRC, dst=VM_IP) / UDP(sport=9, dport=9)
               / Raw(b"e" * 1300))), "silent"),
]
fits = udp(MTU, "DF", 1003)
