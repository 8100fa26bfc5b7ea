#!/usr/bin/python3
"""Compare two pcaps packet by packet (run with /usr/bin/python3 + scapy).

    pcap_compare.py [--ignore ip.id,ip.flags,...] [--label NAME] ACTUAL EXPECTED
    pcap_compare.py --count PCAP...        # print the total number of packets

Packets must match in count, order and bytes.  Two tolerances:
  * Ethernet minimum-frame padding: a frame shorter than 60 bytes matches the
    same frame zero-padded to exactly 60 bytes (padding is a driver choice).
  * --ignore FIELDS: for each listed field of the outer IPv4 header (ip.id,
    ip.tos, ip.flags, ip.ttl) the actual value is copied into the expected
    packet and the expected IPv4 checksum is recomputed; so the field itself
    is not compared but the actual checksum still has to be right.
  * --ignore vxlan.sport[=PORT]: the outer UDP source port of expected VXLAN
    frames (IPv4/UDP, not a fragment, UDP destination port 4789 or PORT) is
    taken from the actual frame, which must have a port in 49152-65535, and
    every frame of one inner flow (VNI, outer destination, inner IPv4
    addresses + protocol + TCP/UDP ports or ICMP echo id; fragments
    excepted) must carry the same port
    (RFC 7348 5: the source port is a hash of the inner flow).  The outer
    UDP checksum is not recomputed: it must be 0 in both.
  * --ignore garp.order: ARP announcements (request with sender IP == target
    IP) are compared as a sequence of their own, in order, but may sit
    anywhere among the other frames (the slow path sends them on its own
    schedule); every other frame is still compared in order.
Exit 0 = equal, 1 = different (a readable diff is printed), 2 = usage/IO error.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pktlib  # noqa: E402
from scapy.all import IP, Ether, raw  # noqa: E402

IGNORABLE = {"ip.id": "id", "ip.tos": "tos", "ip.flags": "flags",
             "ip.ttl": "ttl"}
SPECIAL = ("vxlan.sport", "garp.order")
MAX_SHOWN = 5
SPORT_MIN, SPORT_MAX = 49152, 65535


def apply_ignore(actual, expected, fields):
    """expected bytes with the ignored IPv4 fields taken from actual."""
    fields = [f for f in fields if f in IGNORABLE]
    if not fields:
        return expected
    a, e = Ether(actual), Ether(expected)
    if IP not in a or IP not in e:
        return expected
    for f in fields:
        setattr(e[IP], IGNORABLE[f], getattr(a[IP], IGNORABLE[f]))
    del e[IP].chksum
    return raw(e)


def vxlan_sport_offset(e, ports):
    """Offset of the outer UDP source port if frame `e` (bytes) is an
    unfragmented IPv4/UDP frame to one of the VXLAN `ports`, else None."""
    if len(e) < 34 or e[12:14] != b"\x08\x00" or e[23] != 17:
        return None
    if int.from_bytes(e[20:22], "big") & 0x3FFF:
        return None
    o = 14 + (e[14] & 0x0F) * 4
    if len(e) < o + 8 or int.from_bytes(e[o + 2:o + 4], "big") not in ports:
        return None
    return o


def inner_flow(e, o):
    """Flow key of the inner IPv4 packet of VXLAN frame `e` (UDP header at
    o), or None when it has no flow identity (fragment, short, not IPv4)."""
    i = o + 8 + 8 + 14
    if len(e) < i + 20 or e[i - 2:i] != b"\x08\x00":
        return None
    if int.from_bytes(e[i + 6:i + 8], "big") & 0x3FFF:
        return None
    proto, l4 = e[i + 9], i + (e[i] & 0x0F) * 4
    # VNI + outer destination: equal inner tuples of two VPCs are two flows
    key = (e[o + 12:o + 15], e[30:34], e[i + 12:i + 16], e[i + 16:i + 20], proto)
    if proto in (6, 17) and len(e) >= l4 + 4:
        return key + (e[l4:l4 + 4],)
    if proto == 1 and len(e) >= l4 + 6 and e[l4] in (0, 8):
        return key + (e[l4 + 4:l4 + 6],)   # echo id, either direction
    return None


class SportCheck:
    """State of --ignore vxlan.sport over one pcap comparison."""

    def __init__(self, ports):
        self.ports, self.flows, self.errors = ports, {}, []

    def apply(self, i, actual, expected):
        o = vxlan_sport_offset(expected, self.ports)
        if o is None or len(actual) < o + 2:
            return expected
        sport = int.from_bytes(actual[o:o + 2], "big")
        if not SPORT_MIN <= sport <= SPORT_MAX:
            self.errors.append("packet #%d: outer UDP source port %d not in "
                               "%d-%d" % (i, sport, SPORT_MIN, SPORT_MAX))
        key = inner_flow(expected, o)
        if key is not None:
            first = self.flows.setdefault(key, (i, sport))
            if first[1] != sport:
                self.errors.append(
                    "packet #%d: outer UDP source port %d, but packet #%d of "
                    "the same inner flow had %d" % (i, sport, first[0], first[1]))
        return expected[:o] + actual[o:o + 2] + expected[o + 2:]


def is_garp(b):
    """ARP request whose sender IP equals its target IP (RFC 5227)."""
    return (len(b) >= 42 and b[12:14] == b"\x08\x06" and b[20:22] == b"\x00\x01"
            and b[28:32] == b[38:42])


def same_modulo_padding(a, b):
    if a == b:
        return True
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return (len(short) < pktlib.ETH_MIN_FRAME
            and len(long_) == pktlib.ETH_MIN_FRAME
            and long_.startswith(short)
            and not any(long_[len(short):]))


def first_diff(a, b):
    for i in range(min(len(a), len(b))):
        if a[i] != b[i]:
            return i
    return min(len(a), len(b))


def describe(offset, pkt):
    """Name the header field at byte `offset` of an Ethernet/IPv4 frame."""
    if offset < 6:
        return "eth.dst"
    if offset < 12:
        return "eth.src"
    if offset < 14:
        return "eth.type"
    if len(pkt) < 15 or pkt[12:14] != b"\x08\x00":
        return "L3 byte %d" % (offset - 14)
    o = offset - 14
    ihl = (pkt[14] & 0x0F) * 4
    names = {0: "ip.version/ihl", 1: "ip.tos", 2: "ip.len", 3: "ip.len",
             4: "ip.id", 5: "ip.id", 6: "ip.flags/frag", 7: "ip.frag",
             8: "ip.ttl", 9: "ip.proto", 10: "ip.chksum", 11: "ip.chksum"}
    if o in names:
        return names[o]
    if o < 20:
        return "ip.src" if o < 16 else "ip.dst"
    if o < ihl:
        return "ip.options"
    return "L4 byte %d (after a %d-byte IP header)" % (o - ihl, ihl)


def hexdump(b):
    lines = []
    for i in range(0, len(b), 16):
        chunk = b[i:i + 16]
        lines.append("    %04x  %s" % (i, " ".join("%02x" % c for c in chunk)))
    return "\n".join(lines)


def show(label, b):
    print("  --- %s (%d bytes) ---" % (label, len(b)))
    try:
        print(Ether(b).show(dump=True))
    except Exception as ex:  # malformed frames must not hide the diff
        print("  (scapy could not decode: %s)" % ex)
    print(hexdump(b))


def compare(actual_path, expected_path, ignore, label):
    try:
        act = pktlib.read_pcap(actual_path)
        exp = pktlib.read_pcap(expected_path)
    except (OSError, ValueError) as ex:
        print("%s: cannot read pcap: %s" % (label, ex))
        return 2
    if "garp.order" in ignore:
        ignore = [f for f in ignore if f != "garp.order"]
        r1 = compare_lists([b for b in act if is_garp(b)],
                           [b for b in exp if is_garp(b)], ignore,
                           label + " (ARP announcements)")
        r2 = compare_lists([b for b in act if not is_garp(b)],
                           [b for b in exp if not is_garp(b)], ignore,
                           label + " (other frames)")
        return max(r1, r2)
    return compare_lists(act, exp, ignore, label)


def compare_lists(act, exp, ignore, label):
    bad = 0
    notes = []
    sports = None
    for f in ignore:
        if f.split("=")[0] == "vxlan.sport":
            if sports is None:
                sports = SportCheck({pktlib.VXLAN_PORT})
            if "=" in f:
                sports.ports.add(int(f.split("=", 1)[1]))
    for i in range(min(len(act), len(exp))):
        e = apply_ignore(act[i], exp[i], ignore)
        if sports is not None:
            e = sports.apply(i, act[i], e)
        if same_modulo_padding(act[i], e):
            if act[i] != e:
                notes.append(i)
            continue
        bad += 1
        if bad <= MAX_SHOWN:
            off = first_diff(act[i], e)
            if off < min(len(act[i]), len(e)):
                where = "first difference at byte offset %d (%s): " \
                        "expected 0x%02x, got 0x%02x" % (
                            off, describe(off, e), e[off], act[i][off])
            else:
                where = "length differs: expected %d bytes, got %d " \
                        "(equal up to byte %d)" % (len(e), len(act[i]), off)
            print("%s: packet #%d differs: %s" % (label, i, where))
            show("expected #%d" % i, e)
            show("actual   #%d" % i, act[i])
    if bad > MAX_SHOWN:
        print("%s: ... %d more differing packets not shown"
              % (label, bad - MAX_SHOWN))
    if len(act) != len(exp):
        print("%s: packet count differs: expected %d, got %d"
              % (label, len(exp), len(act)))
        extra = act[len(exp):] if len(act) > len(exp) else exp[len(act):]
        kind = "unexpected actual" if len(act) > len(exp) else "missing expected"
        base = min(len(act), len(exp))
        for j, b in enumerate(extra[:MAX_SHOWN]):
            show("%s #%d" % (kind, base + j), b)
        if len(extra) > MAX_SHOWN:
            print("  ... %d more" % (len(extra) - MAX_SHOWN))
        bad += 1
    if sports is not None and sports.errors:
        for err in sports.errors[:MAX_SHOWN * 2]:
            print("%s: vxlan.sport: %s" % (label, err))
        bad += 1
    if notes:
        print("%s: note: packets %s match only modulo Ethernet min-frame "
              "zero padding" % (label, notes))
    if bad:
        return 1
    print("%s: %d packet(s) match" % (label, len(act)))
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ignore", default="",
                    help="comma/space separated: "
                    + ",".join(list(IGNORABLE) + list(SPECIAL)))
    ap.add_argument("--label", default=None)
    ap.add_argument("--count", action="store_true",
                    help="print the total packet count of the given pcaps")
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()
    if args.count:
        try:
            print(sum(len(pktlib.read_pcap(f)) for f in args.files))
        except (OSError, ValueError) as ex:
            print("pcap_compare: %s" % ex, file=sys.stderr)
            return 2
        return 0
    if len(args.files) != 2:
        ap.error("need ACTUAL and EXPECTED")
    ignore = [f for f in args.ignore.replace(",", " ").split() if f]
    for f in ignore:
        base, _, port = f.partition("=")
        if f not in IGNORABLE and f not in SPECIAL and not (
                base == "vxlan.sport" and port.isdigit()
                and 0 < int(port) < 65536):
            ap.error("cannot ignore %r (known: %s)"
                     % (f, ", ".join(list(IGNORABLE) + list(SPECIAL))))
    label = args.label or os.path.basename(args.files[0])
    return compare(args.files[0], args.files[1], ignore, label)


if __name__ == "__main__":
    sys.exit(main())
