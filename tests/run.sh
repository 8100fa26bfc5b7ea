#!/usr/bin/env bash
# Runs every test suite (unit, pkt, e2e) through meson and ends with one
# summary line "tests: N passed, N failed, N skipped".
# usage: tests/run.sh BUILD_DIR [meson test args...] [:: BUILD_DIR [meson test args...]]...
# Each "::" starts another `meson test` run (make test: the sanitizer build's
# unit and pkt suites, the fuzz build's fuzz suite); the summary line counts
# them all.
set -uo pipefail
[ $# -gt 0 ] || set -- build
rc=0
logs=()
while [ $# -gt 0 ]; do
  build=$1
  shift
  args=()
  while [ $# -gt 0 ] && [ "$1" != "::" ]; do args+=("$1"); shift; done
  shift || true
  rm -f "$build/meson-logs/testlog.json"
  meson test -C "$build" --print-errorlogs "${args[@]}" || rc=1
  if [ -f "$build/meson-logs/testlog.json" ]; then logs+=("$build/meson-logs/testlog.json"); fi
done
if [ ${#logs[@]} -gt 0 ]; then
  /usr/bin/python3 - <(cat "${logs[@]}") <<'PY'
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
