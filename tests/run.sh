#!/usr/bin/env bash
# Runs every test suite (unit, pkt, e2e) through meson and ends with one
# summary line "tests: N passed, N failed, N skipped".
# With FUZZ_BUILD set (make test does), the fuzz suite of that -Dfuzz=true
# build runs too (tests/fuzz: every target over its corpus and regression
# inputs, then a short run) and its tests count in the same line.
# usage: [FUZZ_BUILD=DIR] tests/run.sh BUILD_DIR [meson test args...]
set -uo pipefail
build=${1:-build}
shift || true
meson test -C "$build" --print-errorlogs "$@"
rc=$?
logs=("$build/meson-logs/testlog.json")
if [ -n "${FUZZ_BUILD:-}" ]; then
  meson test -C "$FUZZ_BUILD" --print-errorlogs --suite fuzz || rc=1
  logs+=("$FUZZ_BUILD/meson-logs/testlog.json")
fi
if [ -f "${logs[0]}" ]; then
  /usr/bin/python3 - "${logs[@]}" <<'PY'
import json, os, sys
c = {"OK": 0, "FAIL": 0, "SKIP": 0}
for line in (l for p in sys.argv[1:] if os.path.exists(p) for l in open(p)):
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
