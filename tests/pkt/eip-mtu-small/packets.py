#!/usr/bin/python3
"""eip-mtu with the underlay port p1 at MTU 1280 (see port-options)."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, os.path.join(HERE, "..", "eip-mtu"))
from pktlib import *  # noqa: E402,F401,F403

from mtu_cases import cases  # noqa: E402

out = outdir_from_argv()
in0, exp0, exp1 = cases(1280)
write_scenario(out, in0=in0, expected0=[garp(EIP_A)] + exp0, expected1=exp1)
