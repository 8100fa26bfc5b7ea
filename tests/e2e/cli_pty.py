#!/usr/bin/env python3
"""Drives interactive vgwctl through a pseudo-terminal, as a person would.

usage: cli_pty.py VGWCTL SOCKET HOME_DIR VPC_NAME

Types at the `vgw> ` prompt and checks what the terminal shows (escape
sequences stripped): a prefixed command (`sh ro`), Tab on a partial command
word and on a VPC name (completed by the daemon's `complete`), `?` listing
what may follow, the up arrow recalling the last line, Ctrl-C dropping a line, an ambiguous prefix
refused with its candidates, and the history file written under HOME_DIR.
Prints PASS:/FAIL: lines; exit 0 when every check passed, 1 otherwise.
"""
import fcntl
import os
import re
import select
import struct
import sys
import termios
import time

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]|\r|\x07|\x08")
FAILS = 0


def ok(cond, what, screen=b""):
    global FAILS
    if cond:
        print(f"PASS: {what}")
    else:
        FAILS += 1
        print(f"FAIL: {what}")
        if screen:
            print("    screen: " + repr(screen[-600:]))


class Term:
    def __init__(self, argv, env):
        pid, fd = os.forkpty()
        if pid == 0:
            os.execve(argv[0], argv, env)
        self.pid, self.fd = pid, fd
        # 100 columns: help rows wrap, lists fit
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
        self.raw = b""

    def read(self, timeout):
        end = time.time() + timeout
        while time.time() < end:
            r, _, _ = select.select([self.fd], [], [], max(0.0, end - time.time()))
            if not r:
                break
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                return False
            if not data:
                return False
            self.raw += data
        return True

    def screen(self, since=0):
        return ANSI.sub(b"", self.raw[since:])

    def expect(self, needle, timeout=5.0, since=0):
        """Waits until needle (bytes) shows after offset since."""
        end = time.time() + timeout
        while time.time() < end:
            if needle in self.screen(since):
                return True
            if not self.read(0.1):
                break
        return needle in self.screen(since)

    def send(self, data):
        mark = len(self.raw)
        os.write(self.fd, data)
        return mark

    def wait_exit(self, timeout=5.0):
        end = time.time() + timeout
        while time.time() < end:
            self.read(0.1)
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return os.waitstatus_to_exitcode(status)
        return None


def main():
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    vgwctl, sock, home, vpc = sys.argv[1:]
    env = {"HOME": home, "TERM": "xterm", "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
           "VGW_SOCKET": sock}
    t = Term([vgwctl], env)
    ok(t.expect(b"vgw> "), "prompt shown", t.raw)

    m = t.send(b"sh ro\r")
    ok(t.expect(b"10.1.0.0/24", since=m), "`sh ro` runs show route (10.1.0.0/24 listed)",
       t.screen(m))
    ok(b"unknown command" not in t.screen(m), "`sh ro` is no unknown command")

    # Tab on a partial command word: "show vers" -> "show version "
    m = t.send(b"show vers\t")
    ok(t.expect(b"show version ", since=m), "Tab completes 'vers' to 'version '", t.screen(m))
    m = t.send(b"\r")
    ok(t.expect(b"dpdk: ", since=m), "the completed line runs", t.screen(m))

    # Tab on a VPC name, from the daemon's VPCs
    prefix = vpc[:2].encode()
    m = t.send(b"show endpoint " + prefix + b"\t")
    ok(t.expect(b"show endpoint " + vpc.encode() + b" ", since=m),
       f"Tab completes VPC name '{prefix.decode()}' to '{vpc}'", t.screen(m))
    m = t.send(b"\r")
    t.read(0.5)
    ok(b"unknown" not in t.screen(m) and b"refused" not in t.screen(m),
       "the completed VPC line runs", t.screen(m))

    # ? lists what may follow, with help
    m = t.send(b"show x?")
    ok(t.expect(b"xdp", since=m), "`?` lists 'xdp' after 'show x'", t.screen(m))
    t.send(b"\x15")  # Ctrl-U: drop the line
    t.read(0.3)

    # Tab with several candidates lists them
    # Tab with several candidates: their common part, then the list
    m = t.send(b"show ru\t")
    ok(t.expect(b"show run", since=m), "Tab on 'show ru' adds the common 'n'", t.screen(m))
    m = t.send(b"\t")
    ok(t.expect(b"runtime", since=m) and t.expect(b"running-config", since=m),
       "a second Tab lists runtime and running-config", t.screen(m))
    t.send(b"\x15")
    t.read(0.3)

    # up arrow recalls the last line sent (the show endpoint one)
    m = t.send(b"\x1b[A")
    ok(t.expect(b"show endpoint " + vpc.encode(), since=m), "up arrow recalls the last line",
       t.screen(m))
    m = t.send(b"\x15sh ro\r")
    t.read(0.5)
    m = t.send(b"\x1b[A\r")
    ok(t.expect(b"10.1.0.0/24", since=m), "up arrow + Enter runs `sh ro` again", t.screen(m))
    ok(b"^[[A" not in t.screen(m) and b"unknown command" not in t.screen(m),
       "the arrow is no command")

    # help wraps to the terminal's 100 columns
    m = t.send(b"help\r")
    ok(t.expect(b"HELP", since=m) and t.expect(b"vgw> ", since=m + 10), "help runs", t.screen(m))
    lines = t.screen(m).split(b"\n")
    longest = max(len(l.decode("utf-8", "replace")) for l in lines)
    ok(longest <= 100, f"help fits 100 columns (longest line {longest})")
    # Ctrl-C drops the line, vgwctl stays
    m = t.send(b"route del 10.9.9.0/24")
    t.read(0.3)
    m = t.send(b"\x03")
    ok(t.expect(b"^C", since=m) and t.expect(b"vgw> ", since=m), "Ctrl-C gives a fresh prompt",
       t.screen(m))
    m = t.send(b"sh ver\r")
    ok(t.expect(b"dpdk: ", since=m) and b"route del" not in t.screen(m),
       "after Ctrl-C the dropped line is gone", t.screen(m))
    m = t.send(b"s\r")
    ok(t.expect(b"ambiguous command 's': ", since=m), "an ambiguous prefix lists candidates",
       t.screen(m))
    m = t.send(b"shwo version\r")
    ok(t.expect(b"did you mean 'show'?", since=m), "did-you-mean for a typo", t.screen(m))

    t.send(b"quit\r")
    rc = t.wait_exit()
    ok(rc == 0, f"quit ends the session with 0 (got {rc})")
    hist = os.path.join(home, ".vgwctl_history")
    try:
        # libedit writes lines vis(3)-encoded: a space is \\040
        text = open(hist, encoding="utf-8", errors="replace").read().replace("\\040", " ")
    except OSError:
        text = ""
    ok("sh ro" in text and "show version" in text, f"history saved in {hist}")
    if os.path.exists(hist):
        ok(os.stat(hist).st_mode & 0o077 == 0, "history file is private (0600)")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
