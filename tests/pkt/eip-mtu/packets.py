#!/usr/bin/python3
"""Packets to the EIP around the tunnel MTU (underlay MTU - 50)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from pktlib import *  # noqa: E402,F401,F403

from mtu_cases import cases  # noqa: E402

out = outdir_from_argv()
in0, exp0, exp1 = cases(1500)
write_scenario(out, in0=in0, expected0=[garp(EIP_A)] + exp0, expected1=exp1)
