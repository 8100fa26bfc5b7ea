#!/usr/bin/python3
"""module-table: the test module's timer ran in the slow path: the item the
startup file added waited its 3 ticks (each counted in its slow-path
counter: exactly 3) and is ready (run_scenario.sh waits for the counters to
settle); its state is what the startup file and the command made, and it
started (its start hook ran before traffic); show running-config has its
setting (among the settings) and its command; help lists its commands."""
import json
import os
import sys

d = sys.argv[1]
errors = []
with open(os.path.join(d, "testmod.json")) as f:
    t = json.load(f)
with open(os.path.join(d, "stats.json")) as f:
    s = json.load(f)
if t.get("greeting") != "hi" or t.get("items") != [{"name": "one", "ready": True}] \
        or t.get("started") is not True:
    errors.append("show testmod: %s" % t)
if t.get("ticks", 0) < 3:
    errors.append("ticks %s, want >= 3" % t.get("ticks"))
c = s.get("slowpath", {}).get("testmod_ticks")
if c != 3:
    errors.append("slowpath testmod_ticks %s, want 3" % c)
if s.get("drops", {}).get("testmod_dropped") != 0:
    errors.append("drops testmod_dropped %s" % s.get("drops", {}).get("testmod_dropped"))
with open(os.path.join(d, "running-config.txt")) as f:
    rc = f.read().splitlines()
for want in ("testmod-greeting hi", "testmod add one"):
    if want not in rc:
        errors.append("show running-config lacks the line %r" % want)
if "testmod-greeting hi" in rc and "# commands" in rc \
        and rc.index("testmod-greeting hi") > rc.index("# commands"):
    errors.append("testmod-greeting printed among the commands")
with open(os.path.join(d, "help.txt")) as f:
    h = f.read()
for want in ("testmod add NAME", "testmod del NAME"):
    if want not in h:
        errors.append("help testmod lacks %r" % want)
for e in errors:
    print("module-table: " + e)
sys.exit(1 if errors else 0)
