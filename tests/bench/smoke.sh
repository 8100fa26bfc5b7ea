#!/usr/bin/env bash
# The bench smoke tests of `make test` (tests/bench/meson.build):
#
#   tests/bench/smoke.sh BUILD [--no-huge]
#
# runs `run.sh BUILD --quick` (one 1K-flow eip-in run of 1 s; zero drops)
# and checks its memory mode and that it left nothing behind:
#   default    on hugepages when the harness can reserve them (root), else the
#              report names the fallback and why;
#   --no-huge  VGW_BENCH_NO_HUGE=1: the report says no-huge, the forced
#              fallback;
# in both, after run.sh: nr_hugepages (2 MiB) back to what it was, no
# hugetlbfs mount of its own left (the report names the directory), and no
# /var/run/dpdk/ directory of its vgwd or testpmd (their --file-prefix
# carries run.sh's PID).
set -uo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=${1:?usage: smoke.sh BUILD [--no-huge]}
FORCE=0
[ "${2:-}" = --no-huge ] && FORCE=1
NR=/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages
OUT=$(mktemp /tmp/vgw-bench-smoke.XXXXXX)
trap 'rm -f "$OUT"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

nr0=$(cat "$NR" 2>/dev/null || echo 0)
if [ $FORCE = 1 ]; then
  VGW_BENCH_NO_HUGE=1 "$HERE/run.sh" "$BUILD" --quick >"$OUT" 2>&1 &
else
  env -u VGW_BENCH_NO_HUGE "$HERE/run.sh" "$BUILD" --quick >"$OUT" 2>&1 &
fi
pid=$!
wait $pid
rc=$?
cat "$OUT"
[ $rc = 0 ] || fail "run.sh exited $rc"

mode=$(sed -n 's/^Memory: //p' "$OUT")
echo "memory mode: $mode"
if [ $FORCE = 1 ]; then
  case $mode in "no-huge (VGW_BENCH_NO_HUGE=1)"*) ;; *) fail "expected the forced no-huge" ;; esac
elif [ "$(id -u)" = 0 ] && [ -w "$NR" ]; then
  # as root the pages are ours unless the machine lacks the memory: then
  # the report must say so
  case $mode in hugepages*|"no-huge (only "*) ;; *) fail "expected hugepages or the shortage" ;; esac
else
  case $mode in no-huge*) ;; *) fail "expected no-huge" ;; esac
fi
grep -q '^Build: ' "$OUT" || fail "no Build: line in the report"

nr1=$(cat "$NR" 2>/dev/null || echo 0)
[ "$nr1" = "$nr0" ] || fail "nr_hugepages $nr1 after the run, $nr0 before"
mnt=$(sed -n 's/^Memory: hugepages.*hugetlbfs at \([^)]*\)).*/\1/p' "$OUT")
case $mnt in
  /tmp/vgw-huge.*)
    ! awk -v m="$mnt" '$2 == m {f = 1} END {exit !f}' /proc/mounts ||
      fail "$mnt still mounted"
    [ ! -e "$mnt" ] || fail "$mnt left behind" ;;
esac
for d in "/var/run/dpdk/vgwbench$pid" "/var/run/dpdk/vgwbenchtp$pid"; do
  [ ! -e "$d" ] || fail "$d left behind"
done
echo "ok: nr_hugepages $nr1 as before, no mount or DPDK runtime directory left"
