#!/usr/bin/env python3
"""A stand-in for systemd's notification socket (tests/e2e/service.sh).

usage: notify_listen.py ADDR OUT VGWCTL CTL_SOCKET

Binds a datagram socket at ADDR ('@name': abstract namespace, as systemd may
pass in $NOTIFY_SOCKET), prints "bound" on stdout once it listens, then writes
one line per message to OUT. When READY=1 arrives it runs `vgwctl -j show
port` at once and records whether the control socket answered and every port
was up: READY=1 must mean a working gateway, not a starting one. Ends after
STOPPING=1 or 60 s.
"""
import json
import socket
import subprocess
import sys
import time

addr, out_path, vgwctl, ctl_sock = sys.argv[1:5]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\0" + addr[1:] if addr.startswith("@") else addr)
s.settimeout(1.0)
print("bound", flush=True)
end = time.time() + 60
with open(out_path, "w", buffering=1) as out:
    while time.time() < end:
        try:
            msg = s.recv(4096).decode(errors="replace")
        except socket.timeout:
            continue
        for line in msg.splitlines():
            out.write(f"msg {line}\n")
        if "READY=1" in msg.splitlines():
            r = subprocess.run([vgwctl, "-s", ctl_sock, "-j", "show", "port"],
                               capture_output=True, text=True, timeout=10)
            up = False
            if r.returncode == 0:
                try:
                    doc = json.loads(r.stdout)
                    ports = doc if isinstance(doc, list) else doc.get("ports", [])
                    up = bool(ports) and all(p.get("link") == "up" for p in ports)
                except ValueError:
                    pass
            out.write(f"at-ready ctl_rc={r.returncode} ports_up={int(up)}\n")
            out.write(f"at-ready-output {r.stdout.strip()!r}\n")
        if "STOPPING=1" in msg.splitlines():
            break
