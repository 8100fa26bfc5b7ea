"""The vpc-drops packets with the drop reason each must get.  The
scenario's expect-stats is generated from them: `PYTHONPATH=.. python3
cases.py` prints its drop lines."""
import struct
from collections import Counter

from pktlib import (ARP, EIP_A, HV1_MAC, HV1_VTEP, HV2_MAC, HV2_VTEP, ICMP,
                    IP, P1_MAC, REMOTE_SRC, UDP, VM_A_MAC, VM_B_MAC, VM_IP,
                    VNI_A, VNI_B, Ether, GW_VTEP, Raw, eip_in, fix_ip_checksum,
                    from_hv, to_bytes, vpc_gw_mac, vxlan_frame, final)

EIPS = [EIP_A, "10.1.0.101", "10.1.0.102", "10.1.0.103"]
VM_NOEIP, VM_NOEIP_MAC = "192.168.1.12", "02:aa:00:00:01:0c"
VM_B2, VM_B2_MAC = "192.168.1.11", "02:bb:00:00:01:0b"
UNKNOWN_VTEP, UNKNOWN_VTEP_MAC = "10.2.0.99", "02:00:00:00:02:99"


def l3(src=VM_IP, **kw):
    return IP(src=src, dst=REMOTE_SRC, **kw) / UDP(sport=5000, dport=53) \
        / Raw(b"must-not-leave")


def a(**kw):
    """VM A (VNI 100, HV1) -> Internet, with changes."""
    return from_hv(kw.pop("ip", None) or l3(), VM_A_MAC, VNI_A, **kw)


def patch(frame, off, fmt, value):
    b = bytearray(to_bytes(frame))
    struct.pack_into(fmt, b, off, value)
    return bytes(b)


UDP_LEN = 14 + 20 + 4          # outer UDP length field


def outbound():
    ok = to_bytes(a())
    ulen = struct.unpack_from("!H", ok, UDP_LEN)[0]
    bad_ck = bytearray(to_bytes(Ether() / l3()))[14:]
    bad_ck[10:12] = b"\x12\x34"
    long_tl = bytearray(to_bytes(Ether() / l3()))[14:]
    long_tl[2:4] = struct.pack("!H", len(long_tl) + 60)
    return [
        ("vxlan_outer_fragment", a(ip_flags="MF")),
        ("vxlan_outer_fragment", a(ip_flags=0, frag=185)),
        ("vxlan_malformed", patch(ok, UDP_LEN, "!H", ulen + 4)),
        ("vxlan_malformed", patch(ok, UDP_LEN, "!H", ulen - 4)),
        # lengths consistent, but 13 bytes where an inner Ethernet header goes
        ("vxlan_malformed", vxlan_frame(b"\x02" * 13, VNI_A, HV1_VTEP, GW_VTEP,
                                         HV1_MAC, P1_MAC, sport=51000)),
        # UDP payload shorter than the VXLAN header
        ("vxlan_malformed", final(Ether(dst=P1_MAC, src=HV1_MAC)
                                  / IP(src=HV1_VTEP, dst=GW_VTEP, flags="DF")
                                  / UDP(sport=51000, dport=4789, chksum=0)
                                  / Raw(b"\x08\0\0\0"))),
        ("vxlan_unknown_vtep", from_hv(l3(), VM_A_MAC, VNI_A, hv_vtep=UNKNOWN_VTEP,
                                       hv_mac=UNKNOWN_VTEP_MAC)),
        # unknown VTEP is checked before the I flag
        ("vxlan_unknown_vtep", from_hv(l3(), VM_A_MAC, VNI_A, hv_vtep=UNKNOWN_VTEP,
                                       hv_mac=UNKNOWN_VTEP_MAC, flags=0)),
        ("vxlan_no_i_flag", a(flags=0x00)),
        # the I flag before the VNI
        ("vxlan_no_i_flag", from_hv(l3(), VM_A_MAC, 300, flags=0x00)),
        ("vxlan_unknown_vni", from_hv(l3(), VM_A_MAC, 300, gw_mac=vpc_gw_mac(VNI_A))),
        ("vxlan_unknown_vni", from_hv(l3(), VM_A_MAC, 0, gw_mac=vpc_gw_mac(VNI_A))),
        # a VM's ARP broadcast and an IPv6 frame
        ("vxlan_inner_not_ipv4", vxlan_frame(
            Ether(dst="ff:ff:ff:ff:ff:ff", src=VM_A_MAC)
            / ARP(op=1, hwsrc=VM_A_MAC, psrc=VM_IP, pdst="192.168.1.1"),
            VNI_A, HV1_VTEP, GW_VTEP, HV1_MAC, P1_MAC, sport=51000)),
        ("vxlan_inner_not_ipv4", vxlan_frame(
            to_bytes(Ether(dst=vpc_gw_mac(VNI_A), src=VM_A_MAC, type=0x86DD))
            + bytes(40), VNI_A, HV1_VTEP, GW_VTEP, HV1_MAC, P1_MAC, sport=51000)),
        # VPC B's gateway MAC inside VNI 100, and a random MAC
        ("vxlan_inner_wrong_mac", a(gw_mac=vpc_gw_mac(VNI_B))),
        ("vxlan_inner_wrong_mac", a(gw_mac="02:12:34:56:78:9a")),
        ("ip_bad_checksum", vxlan_frame(
            Ether(dst=vpc_gw_mac(VNI_A), src=VM_A_MAC, type=0x0800)
            / Raw(bytes(bad_ck)),
            VNI_A, HV1_VTEP, GW_VTEP, HV1_MAC, P1_MAC, sport=51000)),
        ("ip_truncated", vxlan_frame(
            Ether(dst=vpc_gw_mac(VNI_A), src=VM_A_MAC, type=0x0800)
            / Raw(bytes(fix_ip_checksum(long_tl))),
            VNI_A, HV1_VTEP, GW_VTEP, HV1_MAC, P1_MAC, sport=51000)),
        ("ip_bad_src", a(ip=l3(src="127.0.0.1"))),
        ("ip_dst_not_unicast", a(ip=IP(src=VM_IP, dst="255.255.255.255")
                                 / UDP(sport=68, dport=67) / Raw(b"dhcp"))),
        # a real mDNS frame goes to a multicast MAC: wrong MAC comes first
        ("vxlan_inner_wrong_mac", a(ip=IP(src=VM_IP, dst="224.0.0.251", ttl=255)
                                    / UDP(sport=5353, dport=5353) / Raw(b"mdns"),
                                    gw_mac="01:00:5e:00:00:fb")),
        ("vxlan_src_not_endpoint", a(ip=l3(src="192.168.1.99"))),
        # VPC B's VM 192.168.1.11 (behind HV2) sending in VNI 100
        ("vxlan_src_not_endpoint", from_hv(l3(src=VM_B2), VM_B2_MAC, VNI_A,
                                           hv_vtep=HV2_VTEP, hv_mac=HV2_MAC)),
        # VM A's address in VNI 100, but from HV2 (VPC B's VM with the same
        # address lives there, in VNI 200)
        ("vxlan_src_wrong_vtep", from_hv(l3(), VM_B_MAC, VNI_A, hv_vtep=HV2_VTEP,
                                         hv_mac=HV2_MAC)),
        ("vpc_no_eip", from_hv(l3(src=VM_NOEIP), VM_NOEIP_MAC, VNI_A)),
        # all valid, but nothing routes 8.8.8.8 in this scenario
        ("no_route", a(ip=IP(src=VM_IP, dst="8.8.8.8") / UDP(sport=1, dport=53))),
    ]


def inbound():
    def to(eip):
        return eip_in(IP(src=REMOTE_SRC, dst=eip) / ICMP(type=8, id=1, seq=1))
    return [("eip_no_endpoint", to("10.1.0.102")),
            ("no_route", to("10.1.0.103"))]


def counts():
    return (Counter(r for r, _ in outbound()), Counter(r for r, _ in inbound()))


if __name__ == "__main__":
    o, i = counts()
    for r, n in sorted(o.items()):
        print("port p1 drop %s %d" % (r, n))
    for r, n in sorted(i.items()):
        print("port p0 drop %s %d" % (r, n))
    for r, n in sorted((o + i).items()):
        print("drop %s %d" % (r, n))
