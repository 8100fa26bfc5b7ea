#!/usr/bin/python3
"""TTL expiry at the gateway, inbound and outbound."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

out = outdir_from_argv()


def inb(ttl, sport):
    return eip_in(IP(src=REMOTE_SRC, dst=EIP_A, ttl=ttl, flags="DF")
                  / UDP(sport=sport, dport=33434) / Raw(b"traceroute-probe"))


def outb(ttl, sport):
    return IP(src=VM_IP, dst=REMOTE_SRC, ttl=ttl) / UDP(sport=sport, dport=33434) \
        / Raw(b"vm-traceroute")


expired_in = [inb(1, 1001), inb(0, 1002)]
err_ttl1 = eip_in(IP(src=REMOTE_SRC, dst=EIP_A, ttl=1) / ICMP(type=3, code=3)
                  / Raw(raw(IP(src=EIP_A, dst=REMOTE_SRC) / UDP(sport=1, dport=2))))
pass_in = inb(2, 1003)
in0 = expired_in + [err_ttl1, pass_in]
# (inner TTL 2 passing outbound is in eip-outbound: its output would share
# p0 with the ICMP errors here, in an order that depends on RX bursts)
vm = [outb(1, 2001), outb(0, 2002)]
in1 = [from_hv(i, VM_A_MAC, VNI_A) for i in vm]
exp0 = [garp(EIP_A)] + [
    icmp_error(p, 11, 0, src_ip=P0_IP, out_mac=P0_MAC, dst_mac=INET_NH_MAC)
    for p in expired_in]
exp1 = [to_hv(nat_rewrite(pass_in, dst=VM_IP), VM_A_MAC, VNI_A)]
write_scenario(out, in0=in0, in1=in1, expected0=exp0, expected1=exp1)
