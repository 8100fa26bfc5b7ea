#!/usr/bin/env python3
"""Hostile control-socket clients for tests/e2e/ctl-hostile.sh.

Every mode is bounded in time and prints one JSON line.

    flood SOCK SECONDS READY
        pipeline `t show running-config` in chunks of 1000 for SECONDS and
        never read; READY is created after the first chunk. Then keep the
        connection open (unread) until SIGTERM or SECONDS more.
    idle SOCK N HOLD READY
        open N connections that send nothing; READY gets the number
        connected. Hold them HOLD seconds (or until SIGTERM), then report how
        many were told "closed: idle ..." and how many saw EOF.
    latency VGWCTL SOCK N
        run `vgwctl -s SOCK show version` N times; report each wall time (ms),
        the median and the exit codes.
    raw SOCK LITERAL
        send the bytes of the Python bytes literal LITERAL (b'...'), read one
        response; report header, body and whether the peer closed.
"""
import ast
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time

STOP = False


def _on_term(_sig, _frm):
    global STOP
    STOP = True


def _sleep_until(deadline):
    while not STOP and time.monotonic() < deadline:
        time.sleep(0.05)


def flood(sock, seconds, ready):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock)
    s.setblocking(False)
    chunk = b"t show running-config\n" * 1000
    sent = 0
    blocked = 0
    end = time.monotonic() + seconds
    off = 0
    while not STOP and time.monotonic() < end:
        try:
            off += s.send(chunk[off:])
        except BlockingIOError:
            blocked += 1
            time.sleep(0.01)
            continue
        except OSError as e:
            print(json.dumps({"sent": sent, "error": str(e)}))
            return 1
        if off == len(chunk):
            off = 0
            sent += 1000
            if sent == 1000:
                open(ready, "w").close()
    _sleep_until(time.monotonic() + seconds)
    print(json.dumps({"sent": sent, "blocked": blocked}))
    return 0


def idle(sock, n, hold, ready):
    conns = []
    end = time.monotonic() + 10
    for _ in range(n):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.setblocking(False)
        while True:
            try:
                s.connect(sock)  # EAGAIN while vgwd's backlog is full
                conns.append(s)
                break
            except BlockingIOError:
                if time.monotonic() > end:
                    s.close()
                    break
                time.sleep(0.005)
            except OSError:
                s.close()
                break
    with open(ready + ".tmp", "w") as f:
        f.write(str(len(conns)))
    os.replace(ready + ".tmp", ready)
    _sleep_until(time.monotonic() + hold)
    told = eof = 0
    for s in conns:
        s.setblocking(False)
        try:
            b = s.recv(4096)
            if b.startswith(b"err ") and b"closed: idle" in b:
                told += 1
            b2 = b and s.recv(4096)
            if not b or b2 == b"":
                eof += 1
        except (BlockingIOError, ConnectionResetError):
            pass
        s.close()
    print(json.dumps({"connected": len(conns), "told_idle": told, "eof": eof}))
    return 0


def latency(vgwctl, sock, n):
    ms, rcs = [], []
    for _ in range(n):
        t0 = time.monotonic()
        p = subprocess.run([vgwctl, "-s", sock, "show", "version"],
                           capture_output=True, timeout=20)
        ms.append(round((time.monotonic() - t0) * 1000, 1))
        rcs.append(p.returncode)
    print(json.dumps({"ms": ms, "median": statistics.median(ms), "rcs": rcs}))
    return 0


def raw(sock, literal):
    data = ast.literal_eval(literal)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect(sock)
    try:
        s.sendall(data)
    except OSError:
        pass  # vgwd may answer and close before taking it all (over-long line)
    buf = b""
    closed = False
    hdr, body = "", ""
    try:
        while True:
            b = s.recv(65536)
            if not b:
                closed = True
                break
            buf += b
            h, nl, rest = buf.partition(b"\n")
            if nl and len(h.split()) == 2 and len(rest) >= int(h.split()[1]):
                hdr, body = h.decode(), rest.decode(errors="replace")
                s.settimeout(1)
                try:
                    closed = s.recv(1) == b""
                except ConnectionResetError:
                    closed = True  # closed with our unread bytes in its queue
                except socket.timeout:
                    pass
                break
    except (socket.timeout, ConnectionResetError):
        pass
    print(json.dumps({"header": hdr, "body": body, "closed": closed}))
    return 0


def main():
    signal.signal(signal.SIGTERM, _on_term)
    a = sys.argv[1:]
    if a[:1] == ["flood"] and len(a) == 4:
        return flood(a[1], float(a[2]), a[3])
    if a[:1] == ["idle"] and len(a) == 5:
        return idle(a[1], int(a[2]), float(a[3]), a[4])
    if a[:1] == ["latency"] and len(a) == 4:
        return latency(a[1], a[2], int(a[3]))
    if a[:1] == ["raw"] and len(a) == 3:
        return raw(a[1], a[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
