#!/usr/bin/env bash
# Runs every test suite (unit, pkt, e2e) through meson and ends with one
# summary line "tests: N passed, N failed, N skipped".
# usage: tests/run.sh BUILD_DIR [meson test args...]
set -uo pipefail
build=${1:-build}
shift || true
meson test -C "$build" --print-errorlogs "$@"
rc=$?
log="$build/meson-logs/testlog.json"
if [ -f "$log" ]; then
  /usr/bin/python3 - "$log" <<'PY'
import json, sys
c = {"OK": 0, "FAIL": 0, "SKIP": 0}
for line in open(sys.argv[1]):
    r = json.loads(line).get("result", "")
    if r in ("OK", "EXPECTEDFAIL"):
        c["OK"] += 1
    elif r == "SKIP":
        c["SKIP"] += 1
    else:
        c["FAIL"] += 1
print(f"tests: {c['OK']} passed, {c['FAIL']} failed, {c['SKIP']} skipped")
PY
fi
exit $rc
