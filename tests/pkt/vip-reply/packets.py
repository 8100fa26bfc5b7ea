#!/usr/bin/python3
"""Both directions of balanced TCP/UDP flows.  Everything enters on p1 (the
clients behind the underlay router 10.2.0.2) so that each reply is received
after the request it answers."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()
WEB = Backend("vpca", VNI_A, "192.168.1.10", 8080, VM_A_MAC)
DNS = Backend("vpca", VNI_A, "192.168.1.11", 5353, "02:aa:00:00:01:0b",
              hv_vtep=HV2_VTEP, hv_mac=HV2_MAC)
TLS = Backend("vpca", VNI_A, "192.168.1.12", 443, "02:aa:00:00:01:0c")

in1, exp0, exp1 = [], [], []


def c2s(l3, be):
    """client -> VIP: in on p1, out on p1 to the backend."""
    p = client_in(l3, port=P1)
    in1.append(p)
    exp1.append(to_backend(p, be))


def s2c(l3, be, vport):
    """backend -> client: in on p1 (VXLAN), out on p0 from the VIP."""
    in1.append(from_backend(l3, be))
    exp0.append(reply_out(l3, VIP, vport))


def s2c_dropped(l3, be):
    in1.append(from_backend(l3, be))


C, CP = CLIENT, 40000
CS, SS = 1000, 5000           # initial sequence numbers
req = b"GET / HTTP/1.1\r\nHost: vip\r\n\r\n"
resp = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
WS = [("MSS", 1460), ("WScale", 7)]
c2s(tcp_seg(C, VIP, CP, 80, "S", seq=CS, options=WS), WEB)
s2c(tcp_seg(WEB.ip, C, 8080, CP, "SA", seq=SS, ack=CS + 1, window=65160,
            options=WS), WEB, 80)
c2s(tcp_seg(C, VIP, CP, 80, "A", seq=CS + 1, ack=SS + 1, window=502), WEB)
c2s(tcp_seg(C, VIP, CP, 80, "PA", seq=CS + 1, ack=SS + 1, window=502,
            payload=req), WEB)
s2c(tcp_seg(WEB.ip, C, 8080, CP, "A", seq=SS + 1, ack=CS + 1 + len(req),
            window=509), WEB, 80)
s2c(tcp_seg(WEB.ip, C, 8080, CP, "PA", seq=SS + 1, ack=CS + 1 + len(req),
            window=509, payload=resp), WEB, 80)
cfin = CS + 1 + len(req)
sfin = SS + 1 + len(resp)
c2s(tcp_seg(C, VIP, CP, 80, "FA", seq=cfin, ack=sfin, window=502), WEB)
s2c(tcp_seg(WEB.ip, C, 8080, CP, "FA", seq=sfin, ack=cfin + 1, window=509),
    WEB, 80)
c2s(tcp_seg(C, VIP, CP, 80, "A", seq=cfin + 1, ack=sfin + 1, window=502), WEB)
# TIME_WAIT: the client reuses the 4-tuple; a new connection, same backend
c2s(tcp_seg(C, VIP, CP, 80, "S", seq=900000, options=WS), WEB)
s2c(tcp_seg(WEB.ip, C, 8080, CP, "SA", seq=77000, ack=900001, window=65160,
            options=WS), WEB, 80)

# UDP: query and answer (with and without UDP checksum), TTL 2 -> 1
c2s(udp_dgram(CLIENT2, VIP, 5353, 53, payload=b"dns-query", ttl=2), DNS)
s2c(udp_dgram(DNS.ip, CLIENT2, 5353, 5353, payload=b"dns-answer"), DNS, 53)
s2c(udp_dgram(DNS.ip, CLIENT2, 5353, 5353, payload=b"dns-answer-2", chksum=0),
    DNS, 53)

# a backend with an EIP: LB replies come from the VIP, the rest from its EIP
c2s(tcp_seg(C, VIP, 40443, 443, "S", seq=1), TLS)
s2c(tcp_seg(TLS.ip, C, 443, 40443, "SA", seq=2, ack=2), TLS, 443)
eip_pkt = tcp_seg(TLS.ip, C, 443, 40999, "SA", seq=2, ack=2)
in1.append(from_backend(eip_pkt, TLS))
exp0.append(to_inet(nat_rewrite(eip_pkt, src=EIP_A)))

# replies matching no entry: vpc_no_eip (no EIP on 192.168.1.10 / .11)
s2c_dropped(tcp_seg(WEB.ip, C, 8080, CP + 1, "SA", seq=1, ack=1), WEB)
s2c_dropped(tcp_seg(WEB.ip, C, 8081, CP, "SA", seq=1, ack=1), WEB)
s2c_dropped(tcp_seg(WEB.ip, "192.0.2.50", 8080, CP, "A", seq=1, ack=1), WEB)
s2c_dropped(udp_dgram(DNS.ip, CLIENT, 5353, 5353, payload=b"unsolicited"), DNS)
# the usual VXLAN checks come first: a reply matching the web flow's entry
# but tunnelled by the wrong hypervisor (HV2) drops vxlan_src_wrong_vtep
in1.append(from_hv(tcp_seg(WEB.ip, C, 8080, CP, "A", seq=77001, ack=900001),
                   WEB.mac, WEB.vni, hv_vtep=HV2_VTEP, hv_mac=HV2_MAC))
# the UDP flow's addresses and ports, but TCP
s2c_dropped(tcp_seg(DNS.ip, CLIENT2, 5353, 5353, "SA", seq=1, ack=1), DNS)

write_scenario(out, in1=in1, expected0=[garp(EIP_A), garp(VIP)] + exp0, expected1=exp1)
