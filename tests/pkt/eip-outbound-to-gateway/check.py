#!/usr/bin/python3
"""out1.pcap: exactly the echo reply to the VM, tunnelled (outer headers
exact but the source port 49152-65535); inner: 10.1.0.1 -> 192.168.1.10,
same id/seq/payload, checksums valid from scratch.  The reply's IP id / DF
are the daemon's choice (as in echo-reply), its TTL 64 or 63 (the inbound
path may count the hop to the EIP)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

outp = read_pcap(os.path.join(sys.argv[1], "out1.pcap"))
if len(outp) != 1:
    print("out1: %d frames, expected 1 echo reply" % len(outp))
    for b in outp:
        print(Ether(b).show(dump=True))
    sys.exit(1)
b = outp[0]
sport = int.from_bytes(b[34:36], "big")
ip = IP(raw(Ether(b)[VXLAN].payload[IP]))
rep = IP(src=P0_IP, dst=VM_IP, ttl=ip.ttl, id=ip.id, flags=ip.flags) \
    / ICMP(type=0, id=0x4242, seq=3) / Raw(b"vm-pings-the-gateway")
exp = bytearray(to_bytes(to_hv(rep, VM_A_MAC, VNI_A)))
exp[34:36] = sport.to_bytes(2, "big")
ok = bytes(exp) == b and 49152 <= sport <= 65535 and ip.ttl in (63, 64)
if not ok:
    print("expected:\n%s\ngot:\n%s" % (Ether(bytes(exp)).show(dump=True),
                                       Ether(b).show(dump=True)))
    sys.exit(1)
print("eip-outbound-to-gateway: echo reply ttl %d, sport %d ok" % (ip.ttl, sport))
