#!/usr/bin/python3
"""The packets of the trace scenario, all received on p1 in this order."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
WEB = Backend("vpca", VNI_A, "192.168.1.10", 8080, VM_A_MAC)
VM_EIP = "192.168.1.12"
VM_EIP_MAC = "02:aa:00:00:01:0c"
C, CP = CLIENT, 40000
in1, exp0, exp1 = [], [], []

# 1. Internet -> EIP 10.1.0.100 (arriving on p1 from the underlay router)
eip = client_in(IP(src=C, dst=EIP_A, flags="DF") / UDP(sport=1024, dport=9999)
                / Raw(b"to-the-eip"), port=P1)
in1.append(eip)
exp1.append(to_hv(IP(src=C, dst=VM_EIP, flags="DF", ttl=63) / UDP(sport=1024, dport=9999)
                  / Raw(b"to-the-eip"), VM_EIP_MAC, VNI_A))
# 2. a new connection to the VIP
syn = client_in(tcp_seg(C, VIP, CP, 80, "S", seq=1000), port=P1)
in1.append(syn)
exp1.append(to_backend(syn, WEB))
# 3. the backend's SYN-ACK, in VXLAN
sa = tcp_seg(WEB.ip, C, 8080, CP, "SA", seq=5000, ack=1001)
in1.append(from_backend(sa, WEB))
exp0.append(reply_out(sa, VIP, 80))
# 4. the client's ACK: the connection's entry
ack = client_in(tcp_seg(C, VIP, CP, 80, "A", seq=1001, ack=5001), port=P1)
in1.append(ack)
exp1.append(to_backend(ack, WEB))
# 5. a reply that matches no connection: vpc_no_eip
in1.append(from_backend(tcp_seg(WEB.ip, C, 8080, CP + 1, "SA", seq=1, ack=1), WEB))
# 6. a bad IPv4 header checksum: dropped by classify
bad = client_in(IP(src=C, dst=EIP_A, chksum=0x1234) / UDP(sport=7, dport=7) / Raw(b"bad"),
                port=P1)
in1.append(bad)

write_scenario(out, in1=in1, expected0=[garp(EIP_A), garp(VIP)] + exp0, expected1=exp1)
