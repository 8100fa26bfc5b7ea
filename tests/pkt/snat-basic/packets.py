#!/usr/bin/python3
"""snat-basic: UDP, TCP and ICMP echo through a SNAT pool (checked by check.py)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import outdir_from_argv, write_scenario  # noqa: E402

from flows import inputs  # noqa: E402

write_scenario(outdir_from_argv(), in1=inputs(), expected0=None, expected1=None)
