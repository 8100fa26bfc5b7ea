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
    tcp-get DST PORT OUT [--timeout S] [--connect-timeout S]
        connect, read to EOF into OUT, print size, sha256, rate.
    tcp-echo ADDR PORT --name NAME [--timeout S]
        for each connection: read one line, answer "NAME LINE", close.
    tcp-lines ADDR PORT --name NAME [--timeout S]
        many long-lived connections at once: answer every line received with
        "NAME LINE"; exits after S seconds.
    tcp-hold DST PORT --count N --state F --go G [--timeout S] [--wait S] [--out R]
        open N connections to a tcp-lines server, one echoed line each, write
        F (JSON: the local port and answering NAME of each); then wait (at
        most --wait S) for file G, which holds a time T (ns since the epoch),
        send one more line on every connection and wait (at most --timeout
        S) for the echoes; print JSON per connection: port, name before and
        after, ms from T to the echo, error (e.g. a reset); also into R.  Exit 0 only when
        every connection answered, from the same NAME, without an error.
    tcp-conns DST PORT --count N [--timeout S]
        N short connections to a tcp-echo server; JSON summary on stdout;
        exit 0 only when every connection got its own line echoed back.
    tcp-peer ADDR PORT [--count N] [--timeout S]
        for each of N connections: answer "peer IP PORT" (the source address
        and port the server sees), log the same line on stdout, close.
    tcp-peer-ask DST PORT [--timeout S]
        connect to a tcp-peer server, print its answer; exit 1 on no answer.
    http-serve ADDR PORT --text TEXT [--timeout S] [--blob F [--blob-rate B]]
        HTTP/1.0 server answering every GET with TEXT (header X-Served-By:
        TEXT too); logs "CLIENT_IP PORT METHOD PATH" per request on stdout
        (when the request arrives); exits after S seconds.  With --blob, GET
        /blob answers the contents of F instead, at most B bytes/s (0: no
        limit).  (Unlike `python3 -m http.server` it makes no reverse DNS
        lookup of ADDR, which would hang where no DNS server is reachable.)
    http-many DST PORT N [--path P] [--parallel K] [--timeout S] [--total S]
        N HTTP/1.0 GETs, each on a new TCP connection (so from N source
        ports), K at a time; each connection bounded by S seconds, the whole
        run by --total (requests not started by then count as failures).
        Prints JSON: ok, count, "by" (first body line -> number of
        answers), fails (first messages), distinct source ports, seconds.
        Exit 0 only when every request got a 200 answer.
    http-ports DST PORT FIRST LAST [--path P] [--parallel K] [--timeout S]
        one GET from each client source port FIRST..LAST (bound explicitly,
        so a second run repeats the same 5-tuples), K at a time; prints
        JSON: ok, count, "by_port" (port -> first body line), fails.  Exit 0
        only when every request got a 200 answer.
    http-fetch DST PORT PATH OUT [--timeout S]
        one GET, the body written to OUT; prints JSON status, bytes, sha256,
        served_by (X-Served-By), seconds.  Exit 0 on a complete 200 answer.
    udp-probe DST PORT [--timeout S]
        send one datagram from a connected UDP socket and print what came
        back: "reply", "refused" (an ICMP port unreachable that the kernel
        matched to this socket), "timeout" or "error: ...".
    pcap-decode FILE [--vxlan-port P]
        decode a pcap (Ethernet, as tcpdump -w writes it) without scapy: one
        JSON list on stdout, per frame the Ethernet/IPv4/UDP fields and, for
        UDP to port P (default 4789), the VXLAN header and the inner frame.
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
    try:
        s = socket.create_connection((a.dst, a.port),
                                     timeout=a.connect_timeout or a.timeout)
    except OSError as e:
        print("tcp-get: connect %s:%d: %s" % (a.dst, a.port, e), file=sys.stderr)
        return 1
    s.settimeout(a.timeout)
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


def tcp_lines(a):
    import selectors
    signal.signal(signal.SIGTERM, _on_signal)
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((a.addr, a.port))
    ls.listen(256)
    ls.setblocking(False)
    sel = selectors.DefaultSelector()
    sel.register(ls, selectors.EVENT_READ, None)
    bufs = {}
    deadline = time.monotonic() + a.timeout
    while not STOP and time.monotonic() < deadline:
        for key, _ in sel.select(0.2):
            if key.data is None:
                try:
                    c, _ = ls.accept()
                except OSError:
                    continue
                c.setblocking(True)
                c.settimeout(2)
                sel.register(c, selectors.EVENT_READ, b"")
                bufs[c] = b""
                continue
            c = key.fileobj
            try:
                b = c.recv(4096)
            except OSError:
                b = b""
            if not b:
                sel.unregister(c)
                bufs.pop(c, None)
                c.close()
                continue
            bufs[c] += b
            while b"\n" in bufs[c]:
                line, bufs[c] = bufs[c].split(b"\n", 1)
                try:
                    c.sendall(a.name.encode() + b" " + line + b"\n")
                except OSError:
                    pass
    return 0


def _hold_read_line(s, bufs, i):
    """One complete line from connection i, or None (no full line yet)."""
    b = s.recv(4096)
    if not b:
        raise ConnectionError("closed by the peer")
    bufs[i] += b
    if b"\n" not in bufs[i]:
        return None
    line, bufs[i] = bufs[i].split(b"\n", 1)
    return line


def tcp_hold(a):
    import selectors
    conns = []
    for i in range(a.count):
        c = {"i": i, "port": 0, "name": "", "error": ""}
        try:
            s = socket.create_connection((a.dst, a.port), timeout=5)
            c["port"] = s.getsockname()[1]
            s.sendall(b"hello %d\n" % i)
            buf = {i: b""}
            line = None
            while line is None:
                line = _hold_read_line(s, buf, i)
            name, _, rest = line.partition(b" ")
            if rest != b"hello %d" % i:
                c["error"] = "bad echo %r" % line[:60]
            c["name"] = name.decode(errors="replace")
            c["sock"] = s
        except OSError as e:
            c["error"] = "open: %s" % e
        conns.append(c)
    _atomic_write(a.state, {"conns": [{k: v for k, v in c.items() if k != "sock"} for c in conns]})
    deadline = time.monotonic() + a.wait
    while not os.path.exists(a.go):
        if time.monotonic() > deadline:
            print(json.dumps({"error": "no go file"}))
            return 1
        time.sleep(0.005)
    t_go = None
    while t_go is None and time.monotonic() < deadline:
        try:
            t_go = int(open(a.go).read().split()[0])
        except (IndexError, ValueError):
            time.sleep(0.005)
    sel = selectors.DefaultSelector()
    bufs = {}
    for c in conns:
        c.update({"after": "", "ms": None})
        s = c.get("sock")
        if s is None:
            continue
        try:
            s.setblocking(True)
            s.settimeout(2)
            s.sendall(b"after %d\n" % c["i"])
            bufs[c["i"]] = b""
            sel.register(s, selectors.EVENT_READ, c)
        except OSError as e:
            c["error"] = "send: %s" % e
    end = time.monotonic() + a.timeout
    left = len(sel.get_map())
    while left and time.monotonic() < end:
        for key, _ in sel.select(0.05):
            c, s = key.data, key.fileobj
            try:
                line = _hold_read_line(s, bufs, c["i"])
            except OSError as e:
                c["error"] = "after: %s" % e
                line = b""
            if line is None:
                continue
            if line:
                c["ms"] = round((time.time_ns() - t_go) / 1e6, 1)
                name, _, rest = line.partition(b" ")
                c["after"] = name.decode(errors="replace")
                if rest != b"after %d" % c["i"]:
                    c["error"] = "bad echo %r" % line[:60]
            sel.unregister(s)
            left -= 1
    for c in conns:
        s = c.pop("sock", None)
        if s is not None:
            if c["ms"] is None and not c["error"]:
                c["error"] = "no echo within %g s" % a.timeout
            s.close()
    ok = sum(1 for c in conns if not c["error"] and c["ms"] is not None
             and c["after"] == c["name"])
    res = {"ok": ok, "count": a.count, "conns": conns}
    if a.out:
        _atomic_write(a.out, res)
    print(json.dumps(res))
    return 0 if ok == a.count else 1


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
    buf = b""
    try:
        s = socket.create_connection((a.dst, a.port), timeout=a.timeout)
        s.settimeout(a.timeout)
        while len(buf) < 1024:
            b = s.recv(1024)
            if not b:
                break
            buf += b
        s.close()
    except OSError as e:
        print("tcp-peer-ask: %s:%d: %s" % (a.dst, a.port, e))
        return 1
    out = buf.decode(errors="replace").strip()
    print(out)
    return 0 if out.startswith("peer ") else 1


def http_serve(a):
    import http.server
    import socketserver
    import threading

    body = (a.text + "\n").encode()
    blob_size = os.path.getsize(a.blob) if a.blob else 0
    log_lock = threading.Lock()  # whole lines from concurrent handlers

    class H(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            with log_lock:
                print("%s %d GET %s" % (self.client_address[0],
                                        self.client_address[1], self.path),
                      flush=True)
            if a.blob and self.path == "/blob":
                return self._blob()
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Served-By", a.text)
            self.end_headers()
            self.wfile.write(body)

        def _blob(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(blob_size))
            self.send_header("X-Served-By", a.text)
            self.end_headers()
            t0 = time.monotonic()
            sent = 0
            with open(a.blob, "rb") as f:
                while True:
                    chunk = f.read(1 << 16)
                    if not chunk:
                        break
                    self.wfile.write(chunk)
                    sent += len(chunk)
                    if a.blob_rate > 0:
                        d = t0 + sent / a.blob_rate - time.monotonic()
                        if d > 0:
                            time.sleep(d)

        def log_message(self, *args):
            pass

    class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
        daemon_threads = True
        allow_reuse_address = True
        request_queue_size = 128

        def server_bind(self):  # no getfqdn()
            socketserver.TCPServer.server_bind(self)
            self.server_name = a.addr
            self.server_port = a.port

    srv = S((a.addr, a.port), H)
    threading.Timer(a.timeout, srv.shutdown).start()
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(
        target=srv.shutdown).start())
    print("listening %s:%d" % (a.addr, a.port), flush=True)
    srv.serve_forever(poll_interval=0.2)
    srv.server_close()
    os._exit(0)


def _http_get_once(dst, port, path, timeout, out=None, sport=None):
    """One GET on a new connection (from source port sport when given).
    Returns (status, headers dict, body or (bytes, sha256) when out is given,
    source port); raises OSError or ValueError."""
    deadline = time.monotonic() + timeout
    if sport:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.settimeout(timeout)
        try:
            s.bind(("0.0.0.0", sport))
            s.connect((dst, port))
        except OSError:
            s.close()
            raise
    else:
        s = socket.create_connection((dst, port), timeout=timeout)
    try:
        sport = s.getsockname()[1]
        s.sendall(("GET %s HTTP/1.0\r\nHost: %s\r\n\r\n" % (path, dst)).encode())
        buf = b""
        while b"\r\n\r\n" not in buf:
            if time.monotonic() > deadline:
                raise socket.timeout("timed out in the headers")
            s.settimeout(max(deadline - time.monotonic(), 0.01))
            b = s.recv(65536)
            if not b:
                raise ValueError("connection closed in the headers (%d bytes)" % len(buf))
            buf += b
            if len(buf) > 65536:
                raise ValueError("headers too long")
        head, _, rest = buf.partition(b"\r\n\r\n")
        lines = head.decode(errors="replace").split("\r\n")
        parts = lines[0].split()
        if len(parts) < 2 or not parts[0].startswith("HTTP/"):
            raise ValueError("bad status line %r" % lines[0][:60])
        status = int(parts[1])
        hdrs = {}
        for ln in lines[1:]:
            k, _, v = ln.partition(":")
            hdrs[k.strip().lower()] = v.strip()
        h = hashlib.sha256()
        n = 0
        f = open(out, "wb") if out else None
        body = b""
        try:
            while True:
                if rest:
                    n += len(rest)
                    if f:
                        f.write(rest)
                        h.update(rest)
                    elif len(body) < 65536:
                        body += rest
                if time.monotonic() > deadline:
                    raise socket.timeout("timed out after %d body bytes" % n)
                s.settimeout(max(deadline - time.monotonic(), 0.01))
                rest = s.recv(1 << 16)
                if not rest:
                    break
        finally:
            if f:
                f.close()
        clen = hdrs.get("content-length")
        if clen is not None and int(clen) != n:
            raise ValueError("body %d bytes, Content-Length %s" % (n, clen))
        return status, hdrs, ((n, h.hexdigest()) if out else body), sport
    finally:
        s.close()


def http_many(a):
    import threading
    lock = threading.Lock()
    st = {"next": 0, "ok": 0, "by": {}, "fails": [], "nfail": 0,
          "ports": set()}
    t0 = time.monotonic()
    deadline = t0 + a.total

    def fail(i, msg):
        with lock:
            st["nfail"] += 1
            if len(st["fails"]) < 10:
                st["fails"].append("req %d: %s" % (i, msg))

    def run():
        while True:
            with lock:
                i = st["next"]
                if i >= a.count:
                    return
                st["next"] += 1
            if time.monotonic() > deadline:
                fail(i, "not started: --total %gs reached" % a.total)
                continue
            try:
                status, _, body, sport = _http_get_once(
                    a.dst, a.port, a.path, min(a.timeout, max(deadline - time.monotonic(), 0.5)))
            except (OSError, ValueError) as e:
                fail(i, "%s: %s" % (type(e).__name__, e))
                continue
            if status != 200:
                fail(i, "status %d" % status)
                continue
            key = body.decode(errors="replace").split("\n", 1)[0].strip()
            with lock:
                st["ok"] += 1
                st["by"][key] = st["by"].get(key, 0) + 1
                st["ports"].add(sport)

    th = [threading.Thread(target=run, daemon=True) for _ in range(max(a.parallel, 1))]
    for t in th:
        t.start()
    for t in th:
        t.join(max(deadline - time.monotonic(), 0) + a.timeout + 1)
    with lock:
        res = {"ok": st["ok"], "count": a.count, "failed": a.count - st["ok"],
               "by": dict(sorted(st["by"].items())), "fails": st["fails"],
               "distinct_ports": len(st["ports"]),
               "seconds": round(time.monotonic() - t0, 3)}
    print(json.dumps(res), flush=True)
    return 0 if res["ok"] == a.count else 1


def http_ports(a):
    import threading
    lock = threading.Lock()
    ports = list(range(a.first, a.last + 1))
    st = {"next": 0, "by": {}, "fails": [], "nfail": 0}
    t0 = time.monotonic()

    def run():
        while True:
            with lock:
                if st["next"] >= len(ports):
                    return
                p = ports[st["next"]]
                st["next"] += 1
            try:
                status, _, body, _ = _http_get_once(a.dst, a.port, a.path,
                                                    a.timeout, sport=p)
                if status != 200:
                    raise ValueError("status %d" % status)
            except (OSError, ValueError) as e:
                with lock:
                    st["nfail"] += 1
                    if len(st["fails"]) < 10:
                        st["fails"].append("port %d: %s: %s" % (p, type(e).__name__, e))
                continue
            key = body.decode(errors="replace").split("\n", 1)[0].strip()
            with lock:
                st["by"][str(p)] = key

    th = [threading.Thread(target=run, daemon=True) for _ in range(max(a.parallel, 1))]
    for t in th:
        t.start()
    for t in th:
        t.join(len(ports) * a.timeout + 5)
    with lock:
        res = {"ok": len(st["by"]), "count": len(ports), "by_port": st["by"],
               "fails": st["fails"], "seconds": round(time.monotonic() - t0, 3)}
    print(json.dumps(res), flush=True)
    return 0 if res["ok"] == res["count"] else 1


def http_fetch(a):
    t0 = time.monotonic()
    try:
        status, hdrs, (n, digest), sport = _http_get_once(
            a.dst, a.port, a.path, a.timeout, out=a.out)
    except (OSError, ValueError) as e:
        print(json.dumps({"error": "%s: %s" % (type(e).__name__, e),
                          "seconds": round(time.monotonic() - t0, 3)}))
        return 1
    print(json.dumps({"status": status, "bytes": n, "sha256": digest,
                      "served_by": hdrs.get("x-served-by", ""), "sport": sport,
                      "seconds": round(time.monotonic() - t0, 3)}))
    return 0 if status == 200 else 1


def udp_echo(a):
    """Answers every datagram with the same bytes, until --duration passes;
    prints one line per sender ("src PORT")."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((a.addr, a.port))
    s.settimeout(0.2)
    deadline = time.monotonic() + a.duration
    while time.monotonic() < deadline:
        try:
            data, src = s.recvfrom(65535)
        except socket.timeout:
            continue
        print("%s %d" % src, flush=True)
        s.sendto(data, src)
    return 0


def udp_probe(a):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(a.timeout)
    try:
        s.connect((a.dst, a.port))
        s.send(b"probe")
        s.recv(2048)
        print("reply")
    except ConnectionRefusedError:
        print("refused")
    except socket.timeout:
        print("timeout")
    except OSError as e:
        print("error: %s" % e)
    finally:
        s.close()
    return 0


def _mac(b):
    return ":".join("%02x" % x for x in b)


def _ip(b):
    return socket.inet_ntoa(bytes(b))


def _csum(b):
    if len(b) % 2:
        b = b + b"\0"
    s = 0
    for i in range(0, len(b), 2):
        s += (b[i] << 8) | b[i + 1]
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def _decode_ip(d, out, prefix):
    """IPv4 header at d[0:] -> fields with prefix; returns the payload."""
    if len(d) < 20 or d[0] >> 4 != 4:
        return None
    ihl = (d[0] & 15) * 4
    tot = (d[2] << 8) | d[3]
    frag = (d[6] << 8) | d[7]
    out.update({prefix + "src": _ip(d[12:16]), prefix + "dst": _ip(d[16:20]),
                prefix + "ttl": d[8], prefix + "proto": d[9],
                prefix + "id": (d[4] << 8) | d[5], prefix + "tot_len": tot,
                prefix + "df": bool(frag & 0x4000),
                prefix + "mf": bool(frag & 0x2000),
                prefix + "frag_off": frag & 0x1fff,
                prefix + "ip_csum_ok": _csum(d[:ihl]) == 0xffff})
    return d[ihl:tot]


def pcap_decode(a):
    import struct
    with open(a.file, "rb") as f:
        data = f.read()
    res = []
    if len(data) < 24:
        print(json.dumps(res))
        return 0
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        print("pcap-decode: not a pcap file", file=sys.stderr)
        return 1
    linktype = struct.unpack(end + "I", data[20:24])[0]
    if linktype != 1:
        print("pcap-decode: link type %d is not Ethernet" % linktype,
              file=sys.stderr)
        return 1
    off = 24
    while off + 16 <= len(data):
        _, _, caplen, wirelen = struct.unpack(end + "IIII", data[off:off + 16])
        fr = data[off + 16:off + 16 + caplen]
        off += 16 + caplen
        r = {"len": wirelen}
        res.append(r)
        if len(fr) < 14:
            continue
        et = (fr[12] << 8) | fr[13]
        r.update({"eth_dst": _mac(fr[0:6]), "eth_src": _mac(fr[6:12]),
                  "eth_type": et})
        if et != 0x0800:
            continue
        pl = _decode_ip(fr[14:], r, "")
        if pl is None or r["proto"] != 17 or len(pl) < 8:
            continue
        sport, dport, ulen, ucs = struct.unpack(">HHHH", pl[:8])
        r.update({"udp_sport": sport, "udp_dport": dport, "udp_len": ulen,
                  "udp_csum": ucs})
        if dport != a.vxlan_port or len(pl) < 16 + 14:
            continue
        vx = pl[8:16]
        r.update({"vxlan_flags": vx[0],
                  "vni": (vx[4] << 16) | (vx[5] << 8) | vx[6]})
        inner = pl[16:]
        it = (inner[12] << 8) | inner[13]
        r.update({"inner_eth_dst": _mac(inner[0:6]),
                  "inner_eth_src": _mac(inner[6:12]), "inner_eth_type": it})
        if it == 0x0800:
            _decode_ip(inner[14:], r, "inner_")
    print(json.dumps(res))
    return 0


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
    q.add_argument("--connect-timeout", type=float, default=0,
                   help="connect limit (default: --timeout)")
    q.set_defaults(fn=tcp_get)

    q = sp.add_parser("tcp-echo")
    q.add_argument("addr"); q.add_argument("port", type=int)
    q.add_argument("--name", required=True)
    q.add_argument("--timeout", type=float, default=60)
    q.set_defaults(fn=tcp_echo)

    q = sp.add_parser("tcp-lines")
    q.add_argument("addr"); q.add_argument("port", type=int)
    q.add_argument("--name", required=True)
    q.add_argument("--timeout", type=float, default=120)
    q.set_defaults(fn=tcp_lines)

    q = sp.add_parser("tcp-hold")
    q.add_argument("dst"); q.add_argument("port", type=int)
    q.add_argument("--count", type=int, default=50)
    q.add_argument("--state", required=True)
    q.add_argument("--go", required=True)
    q.add_argument("--wait", type=float, default=120)
    q.add_argument("--timeout", type=float, default=30)
    q.add_argument("--out", default="", help="also write the result (JSON) here")
    q.set_defaults(fn=tcp_hold)

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

    q = sp.add_parser("http-serve")
    q.add_argument("addr"); q.add_argument("port", type=int)
    q.add_argument("--text", required=True)
    q.add_argument("--timeout", type=float, default=120)
    q.add_argument("--blob", default="", help="file served at /blob")
    q.add_argument("--blob-rate", type=float, default=0,
                   help="bytes/s for /blob (0: no limit)")
    q.set_defaults(fn=http_serve)

    q = sp.add_parser("http-many")
    q.add_argument("dst"); q.add_argument("port", type=int)
    q.add_argument("count", type=int)
    q.add_argument("--path", default="/")
    q.add_argument("--parallel", type=int, default=8)
    q.add_argument("--timeout", type=float, default=5)
    q.add_argument("--total", type=float, default=60)
    q.set_defaults(fn=http_many)

    q = sp.add_parser("http-ports")
    q.add_argument("dst"); q.add_argument("port", type=int)
    q.add_argument("first", type=int); q.add_argument("last", type=int)
    q.add_argument("--path", default="/")
    q.add_argument("--parallel", type=int, default=8)
    q.add_argument("--timeout", type=float, default=5)
    q.set_defaults(fn=http_ports)

    q = sp.add_parser("http-fetch")
    q.add_argument("dst"); q.add_argument("port", type=int)
    q.add_argument("path"); q.add_argument("out")
    q.add_argument("--timeout", type=float, default=60)
    q.set_defaults(fn=http_fetch)

    q = sp.add_parser("udp-echo")
    q.add_argument("addr"); q.add_argument("port", type=int)
    q.add_argument("--duration", type=float, default=60)
    q.set_defaults(fn=udp_echo)

    q = sp.add_parser("udp-probe")
    q.add_argument("dst"); q.add_argument("port", type=int)
    q.add_argument("--timeout", type=float, default=3)
    q.set_defaults(fn=udp_probe)

    q = sp.add_parser("pcap-decode")
    q.add_argument("file")
    q.add_argument("--vxlan-port", type=int, default=4789)
    q.set_defaults(fn=pcap_decode)

    q = sp.add_parser("ctl-raw")
    q.add_argument("socket"); q.add_argument("line")
    q.add_argument("--repeat", type=int, default=1)
    q.add_argument("--timeout", type=float, default=5)
    q.set_defaults(fn=ctl_raw)

    a = p.parse_args()
    sys.exit(a.fn(a))


if __name__ == "__main__":
    main()
