#!/usr/bin/python3
"""Hostile ARP for the e2e test arp-hostile.sh: an attacker on the gateway's
segment (run inside its namespace with `ip netns exec`, as root) sends frames
with scapy on IFACE.  Every mode is bounded in frames and time.

    forge IFACE GW_IP GW_MAC VICTIM_IP
        one forged ARP reply (to the gateway's MAC and address) and one forged
        gratuitous ARP request, both claiming VICTIM_IP with IFACE's MAC
    flood IFACE GW_IP GW_MAC VICTIM_IP SUBNET_PREFIX N
        N frames (N/3 each): forged replies for VICTIM_IP from random MACs,
        requests to GW_IP from random senders of SUBNET_PREFIX.0/24, and
        gratuitous ARP for random addresses there
    malformed IFACE GW_IP GW_MAC VICTIM_IP ROUNDS
        ROUNDS times: a truncated ARP, hlen 8, plen 6, op 9, a broadcast and a
        zero sender MAC (the 6 kinds vgwd counts as arp_bad), a frame shorter
        than an Ethernet header, and one well-formed forged reply; prints a
        JSON summary of what was sent
"""
import json
import random
import sys
import time

from scapy.all import ARP, Ether, conf, get_if_hwaddr, raw, sendp  # noqa: E402

conf.verb = 0
BCAST = "ff:ff:ff:ff:ff:ff"


def rand_mac():
    return "02:%02x:%02x:%02x:%02x:%02x" % tuple(random.randrange(256) for _ in range(5))


def forged_reply(me, gw_ip, gw_mac, victim, mac=None):
    """A reply claiming victim for mac (default me).  The Ethernet source is
    mac when it is unicast: a bridge drops frames from a multicast source."""
    mac = mac or me
    src = me if int(mac[:2], 16) & 1 else mac
    return Ether(dst=gw_mac, src=src) / ARP(op=2, hwsrc=mac, psrc=victim,
                                             hwdst=gw_mac, pdst=gw_ip)


def forged_garp(me, victim):
    return Ether(dst=BCAST, src=me) / ARP(op=1, hwsrc=me, psrc=victim,
                                          hwdst="00:00:00:00:00:00", pdst=victim)


def send(iface, frames, inter=0.0):
    sendp([raw(f) if not isinstance(f, bytes) else f for f in frames],
          iface=iface, inter=inter)


def main():
    mode, iface, gw_ip, gw_mac, victim = sys.argv[1:6]
    me = get_if_hwaddr(iface)
    if mode == "forge":
        send(iface, [forged_reply(me, gw_ip, gw_mac, victim)])
        time.sleep(0.2)
        send(iface, [forged_garp(me, victim)])
        print(json.dumps({"sent": 2, "mac": me}))
    elif mode == "flood":
        prefix, n = sys.argv[6], int(sys.argv[7])
        frames = []
        for i in range(n):
            k = i % 3
            if k == 0:
                frames.append(forged_reply(me, gw_ip, gw_mac, victim, rand_mac()))
            elif k == 1:
                m = rand_mac()
                frames.append(Ether(dst=BCAST, src=m) / ARP(
                    op=1, hwsrc=m, psrc="%s.%d" % (prefix, random.randrange(100, 250)),
                    pdst=gw_ip))
            else:
                m, ip = rand_mac(), "%s.%d" % (prefix, random.randrange(100, 250))
                frames.append(Ether(dst=BCAST, src=m) / ARP(op=2, hwsrc=m, psrc=ip,
                                                            hwdst=BCAST, pdst=ip))
        t = time.time()
        send(iface, frames)
        print(json.dumps({"sent": n, "seconds": round(time.time() - t, 2)}))
    elif mode == "malformed":
        rounds = int(sys.argv[6])
        good = raw(forged_reply(me, gw_ip, gw_mac, victim))
        bad = [
            good[:14 + 20],                           # truncated ARP
            good[:18] + b"\x08" + good[19:],          # hlen 8
            good[:19] + b"\x06" + good[20:],          # plen 6
            good[:20] + b"\x00\x09" + good[22:],      # op 9
            raw(forged_reply(me, gw_ip, gw_mac, victim, BCAST)),          # broadcast sha
            raw(Ether(dst=gw_mac, src=me) / ARP(op=2, hwsrc="00:00:00:00:00:00",
                                                 psrc=victim, hwdst=gw_mac, pdst=gw_ip)),
        ]
        short = bytes.fromhex(gw_mac.replace(":", "")) + b"\x02\x00\x00"  # 9 bytes
        for _ in range(rounds):
            send(iface, bad + [short, good], inter=0.002)
        print(json.dumps({"rounds": rounds, "arp_bad": rounds * len(bad),
                          "short": rounds, "forged": rounds}))
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
