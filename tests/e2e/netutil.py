#!/usr/bin/env python3
"""Traffic helpers for the vgw e2e tests.

Every helper runs inside one network namespace (the caller wraps it in
`ip netns exec NS`), uses only the kernel socket API, and is bounded in time
and in packet count.

    udp-sink ADDR PORT OUT [--duration S]
        receive datagrams, keep per-source-port counts and the sequence numbers
        found in the payload ("seq N ..."); rewrite OUT (JSON) atomically at
        most every 50 ms and on exit.  OUT exists as soon as the socket is bound.
    udp-flows DST PORT --flows N --packets K [--gap S]
        N sockets (N distinct source ports) send K datagrams each.
    udp-stream DST PORT --rate PPS --count N [--duration S]
        one socket, sequence-numbered datagrams at PPS, stop after N or S.
    tcp-serve ADDR PORT --file F [--count N] [--timeout S]
        serve F to N successive clients (then exit), accept timeout S.
    tcp-get DST PORT OUT [--timeout S]
        connect, read to EOF into OUT, print size, sha256, rate.
    tcp-echo ADDR PORT --name NAME [--timeout S]
        for each connection: read one line, answer "NAME LINE", close.
    tcp-conns DST PORT --count N [--timeout S]
        N short connections to a tcp-echo server; JSON summary on stdout;
        exit 0 only when every connection got its own line echoed back.
    tcp-peer ADDR PORT [--count N] [--timeout S]
        for each of N connections: answer "peer IP PORT" (the source address
        and port the server sees), log the same line on stdout, close.
    tcp-peer-ask DST PORT [--timeout S]
        connect to a tcp-peer server, print its answer; exit 1 on no answer.
    ctl-raw SOCKET LINE [--repeat N]
        send one raw request line (LINE repeated N times) to the vgwd control
        socket and print the header, the body and whether the peer closed.
"""
import argparse
import hashlib
import json
import os
import signal
import socket
import sys
import time

STOP = False


def _on_signal(_sig, _frm):
    global STOP
    STOP = True


def _atomic_write(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f)
    os.replace(tmp, path)


def udp_sink(a):
    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.bind((a.addr, a.port))
    s.settimeout(0.05)
    ports = {}
    seqs = []
    total = 0
    first_t = last_t = None
    state = lambda: {"packets": total, "flows": len(ports),
                     "ports": {str(k): v for k, v in ports.items()},
                     "seqs": seqs, "first": first_t, "last": last_t,
                     "time": time.time()}
    _atomic_write(a.out, state())
    deadline = time.monotonic() + a.duration
    dirty = False
    last_dump = time.monotonic()
    while not STOP and time.monotonic() < deadline:
        try:
            data, src = s.recvfrom(65535)
        except socket.timeout:
            data = None
        except InterruptedError:
            data = None
        if data is not None:
            total += 1
            ports[src[1]] = ports.get(src[1], 0) + 1
            now = time.time()
            first_t = first_t or now
            last_t = now
            parts = data.split()
            if len(parts) >= 2 and parts[0] == b"seq":
                try:
                    seqs.append(int(parts[1]))
                except ValueError:
                    pass
            dirty = True
        if dirty and time.monotonic() - last_dump >= 0.05:
            _atomic_write(a.out, state())
            dirty = False
            last_dump = time.monotonic()
    _atomic_write(a.out, state())
    return 0


def udp_flows(a):
    socks = []
    try:
        for _ in range(a.flows):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(("0.0.0.0", 0))
            socks.append(s)
        ports = {s.getsockname()[1] for s in socks}
        sent = 0
        deadline = time.monotonic() + a.duration
        for k in range(a.packets):
            for i, s in enumerate(socks):
                if time.monotonic() > deadline:
                    break
                try:
                    s.sendto(b"seq %d flow %d pkt %d" % (sent, i, k),
                             (a.dst, a.port))
                    sent += 1
                except OSError as e:  # e.g. ICMP error reported on the socket
                    print("sendto: %s" % e, file=sys.stderr)
                if a.gap:
                    time.sleep(a.gap)
        print(json.dumps({"flows": len(socks), "distinct_ports": len(ports),
                          "sent": sent}))
    finally:
        for s in socks:
            s.close()
    return 0


def udp_stream(a):
    signal.signal(signal.SIGTERM, _on_signal)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    period = 1.0 / a.rate
    start = time.monotonic()
    deadline = start + a.duration
    sent = 0
    while not STOP and sent < a.count and time.monotonic() < deadline:
        try:
            s.sendto(b"seq %d stream" % sent, (a.dst, a.port))
        except OSError:
            pass
        sent += 1
        nxt = start + sent * period
        d = nxt - time.monotonic()
        if d > 0:
            time.sleep(d)
    print(json.dumps({"sent": sent}))
    return 0


def tcp_serve(a):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((a.addr, a.port))
    ls.listen(16)
    ls.settimeout(a.timeout)
    with open(a.file, "rb") as f:
        payload = f.read()
    for _ in range(a.count):
        try:
            c, peer = ls.accept()
        except socket.timeout:
            print("tcp-serve: accept timed out", file=sys.stderr)
            return 1
        c.settimeout(a.timeout)
        try:
            c.sendall(payload)
            c.shutdown(socket.SHUT_WR)
            # wait for the client to close so every byte is acknowledged
            while c.recv(4096):
                pass
        except OSError as e:
            print("tcp-serve: %s: %s" % (peer, e), file=sys.stderr)
        finally:
            c.close()
    return 0


def tcp_get(a):
    t0 = time.monotonic()
    s = socket.create_connection((a.dst, a.port), timeout=a.timeout)
    h = hashlib.sha256()
    n = 0
    deadline = t0 + a.timeout
    with open(a.out, "wb") as f:
        while True:
            if time.monotonic() > deadline:
                print("tcp-get: overall timeout after %d bytes" % n,
                      file=sys.stderr)
                return 1
            b = s.recv(1 << 16)
            if not b:
                break
            f.write(b)
            h.update(b)
            n += len(b)
    s.close()
    dt = max(time.monotonic() - t0, 1e-6)
    print(json.dumps({"bytes": n, "sha256": h.hexdigest(),
                      "seconds": round(dt, 3),
                      "mbit_s": round(n * 8 / dt / 1e6, 1)}))
    return 0


def tcp_echo(a):
    signal.signal(signal.SIGTERM, _on_signal)
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((a.addr, a.port))
    ls.listen(64)
    ls.settimeout(0.2)
    deadline = time.monotonic() + a.timeout
    while not STOP and time.monotonic() < deadline:
        try:
            c, _ = ls.accept()
        except socket.timeout:
            continue
        except InterruptedError:
            continue
        c.settimeout(5)
        try:
            line = b""
            while not line.endswith(b"\n") and len(line) < 1024:
                b = c.recv(1024)
                if not b:
                    break
                line += b
            c.sendall(a.name.encode() + b" " + line)
        except OSError:
            pass
        finally:
            c.close()
    return 0


def tcp_conns(a):
    ok = 0
    fails = []
    by = {}
    t0 = time.monotonic()
    for i in range(a.count):
        msg = b"hello %d from %d\n" % (i, os.getpid())
        try:
            s = socket.create_connection((a.dst, a.port), timeout=a.timeout)
            s.settimeout(a.timeout)
            s.sendall(msg)
            resp = b""
            while True:
                b = s.recv(1024)
                if not b:
                    break
                resp += b
            s.close()
            parts = resp.split(b" ", 1)
            if len(parts) == 2 and parts[1] == msg:
                ok += 1
                name = parts[0].decode(errors="replace")
                by[name] = by.get(name, 0) + 1
            else:
                fails.append("conn %d: bad reply %r" % (i, resp[:60]))
        except OSError as e:
            fails.append("conn %d: %s" % (i, e))
    print(json.dumps({"ok": ok, "count": a.count, "by": by, "fails": fails,
                      "seconds": round(time.monotonic() - t0, 3)}))
    return 0 if ok == a.count else 1


def tcp_peer(a):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((a.addr, a.port))
    ls.listen(16)
    deadline = time.monotonic() + a.timeout
    for _ in range(a.count):
        left = deadline - time.monotonic()
        if left <= 0:
            print("tcp-peer: timed out", file=sys.stderr)
            return 1
        ls.settimeout(left)
        try:
            c, peer = ls.accept()
        except socket.timeout:
            print("tcp-peer: accept timed out", file=sys.stderr)
            return 1
        line = "peer %s %d" % peer
        print(line, flush=True)
        c.settimeout(5)
        try:
            c.sendall(line.encode() + b"\n")
        except OSError as e:
            print("tcp-peer: %s" % e, file=sys.stderr)
        finally:
            c.close()
    return 0


def tcp_peer_ask(a):
    s = socket.create_connection((a.dst, a.port), timeout=a.timeout)
    s.settimeout(a.timeout)
    buf = b""
    while len(buf) < 1024:
        b = s.recv(1024)
        if not b:
            break
        buf += b
    s.close()
    out = buf.decode(errors="replace").strip()
    print(out)
    return 0 if out.startswith("peer ") else 1


def ctl_raw(a):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(a.timeout)
    s.connect(a.socket)
    line = (a.line * a.repeat).encode() + b"\n"
    try:
        s.sendall(line)
    except OSError as e:
        print("send: %s" % e)
    buf = b""
    closed = False
    try:
        while True:
            b = s.recv(65536)
            if not b:
                closed = True
                break
            buf += b
            if b"\n" in buf:
                hdr, _, body = buf.partition(b"\n")
                try:
                    length = int(hdr.split()[1])
                except (IndexError, ValueError):
                    length = -1
                if length >= 0 and len(body) >= length:
                    # response complete; see whether the peer closes
                    s.settimeout(1.0)
                    try:
                        more = s.recv(1)
                        closed = (more == b"")
                    except socket.timeout:
                        closed = False
                    except OSError:
                        closed = True
                    break
    except socket.timeout:
        pass
    except OSError:
        closed = True
    hdr, _, body = buf.partition(b"\n")
    print(json.dumps({"sent": len(line), "header": hdr.decode(errors="replace"),
                      "body": body.decode(errors="replace"), "closed": closed}))
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sp = p.add_subparsers(dest="cmd", required=True)

    q = sp.add_parser("udp-sink")
    q.add_argument("addr"); q.add_argument("port", type=int); q.add_argument("out")
    q.add_argument("--duration", type=float, default=60)
    q.set_defaults(fn=udp_sink)

    q = sp.add_parser("udp-flows")
    q.add_argument("dst"); q.add_argument("port", type=int)
    q.add_argument("--flows", type=int, default=200)
    q.add_argument("--packets", type=int, default=3)
    q.add_argument("--gap", type=float, default=0.0005)
    q.add_argument("--duration", type=float, default=30)
    q.set_defaults(fn=udp_flows)

    q = sp.add_parser("udp-stream")
    q.add_argument("dst"); q.add_argument("port", type=int)
    q.add_argument("--rate", type=float, default=100)
    q.add_argument("--count", type=int, default=3000)
    q.add_argument("--duration", type=float, default=30)
    q.set_defaults(fn=udp_stream)

    q = sp.add_parser("tcp-serve")
    q.add_argument("addr"); q.add_argument("port", type=int)
    q.add_argument("--file", required=True)
    q.add_argument("--count", type=int, default=1)
    q.add_argument("--timeout", type=float, default=60)
    q.set_defaults(fn=tcp_serve)

    q = sp.add_parser("tcp-get")
    q.add_argument("dst"); q.add_argument("port", type=int); q.add_argument("out")
    q.add_argument("--timeout", type=float, default=60)
    q.set_defaults(fn=tcp_get)

    q = sp.add_parser("tcp-echo")
    q.add_argument("addr"); q.add_argument("port", type=int)
    q.add_argument("--name", required=True)
    q.add_argument("--timeout", type=float, default=60)
    q.set_defaults(fn=tcp_echo)

    q = sp.add_parser("tcp-conns")
    q.add_argument("dst"); q.add_argument("port", type=int)
    q.add_argument("--count", type=int, default=20)
    q.add_argument("--timeout", type=float, default=5)
    q.set_defaults(fn=tcp_conns)

    q = sp.add_parser("tcp-peer")
    q.add_argument("addr"); q.add_argument("port", type=int)
    q.add_argument("--count", type=int, default=1)
    q.add_argument("--timeout", type=float, default=30)
    q.set_defaults(fn=tcp_peer)

    q = sp.add_parser("tcp-peer-ask")
    q.add_argument("dst"); q.add_argument("port", type=int)
    q.add_argument("--timeout", type=float, default=5)
    q.set_defaults(fn=tcp_peer_ask)

    q = sp.add_parser("ctl-raw")
    q.add_argument("socket"); q.add_argument("line")
    q.add_argument("--repeat", type=int, default=1)
    q.add_argument("--timeout", type=float, default=5)
    q.set_defaults(fn=ctl_raw)

    a = p.parse_args()
    sys.exit(a.fn(a))


if __name__ == "__main__":
    main()
