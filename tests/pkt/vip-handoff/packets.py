#!/usr/bin/python3
"""Handshakes and a capped service with two workers (checked by check.py)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

from flows import packets  # noqa: E402

out = outdir_from_argv()
in1, _, _, _ = packets()
write_scenario(out, in1=in1, expected0=None, expected1=None)
