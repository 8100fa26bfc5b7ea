#!/usr/bin/env bash
# Runs one pkt scenario through vgwd with net_pcap ports and checks the result.
#
#   run_scenario.sh BUILD_DIR SCENARIO_DIR
#
# A scenario folder holds:
#   commands      vgwctl commands appended to the common config header below
#                 (first line: a comment saying what the scenario proves)
#   packets.py    `/usr/bin/python3 packets.py OUTDIR` writes in0.pcap, in1.pcap
#                 (input of p0 / p1) and expected0.pcap, expected1.pcap
#   expect-stats  optional: `drop REASON N`, `port NAME rx|tx N`,
#                 `port NAME drop REASON N`, `slowpath COUNTER N`,
#                 `conntrack KEY N` (`show conntrack` JSON), `service NAME KEY N`
#                 and `service NAME backend VPC IP PORT KEY N` (`show service
#                 NAME` JSON); every drop reason not listed must be 0 (see
#                 stats_check.py)
#   post-commands optional: `has|lacks SUBSTRING VGWCTL-ARGS...` run while vgwd
#                 is still up; the command must succeed and its output must
#                 contain / not contain SUBSTRING.  `fails SUBSTRING
#                 VGWCTL-ARGS...`: the command must be refused (vgwctl exit 1)
#                 with SUBSTRING in its message.  `save FILE VGWCTL-ARGS...`
#                 writes the output to OUTDIR/FILE (for check.py); `sleep S`
#                 waits S seconds (e.g. for connection-table entries to expire)
#   settings      optional: startup-file settings lines (e.g. `conntrack
#                 max-entries 16`), placed after the port lines of the header
#   workers       optional: the number of workers N (default 1).  With N > 1
#                 the lcores are 0@0,1@1,...,N@1 and each port gets N TX
#                 queues (net_pcap: one tx_pcap each, outP-qK.pcap for K > 0,
#                 appended to outP.pcap after vgwd stopped: the order across
#                 workers is lost, so use check.py); RX stays one queue per
#                 port (one worker receives, the others get handed-off flows)
#   compare-ignore optional: outer IPv4 fields the daemon may choose freely
#                 (ip.id ip.tos ip.flags ip.ttl), the VXLAN outer UDP source
#                 port (vxlan.sport[=PORT], range- and per-flow-checked) and
#                 the position of ARP announcements (garp.order); see
#                 pcap_compare.py.  `p0:ip.id` = for port p0's output only
#   port-options  optional: `p0|p1 KEY VALUE...` lines whose words are
#                 appended to that port's line of the header below (e.g.
#                 `p1 mtu 1280`; settings grammar in doc/interfaces.md)
#   check.py      optional: `/usr/bin/python3 check.py OUTDIR` after vgwd
#                 stopped (OUTDIR has in*/out*/expected* pcaps); non-zero =
#                 fail.  With a check.py, expectedN.pcap may be omitted.
# Exit 0 = pass, 1 = fail; vgwd must also exit 0 after SIGTERM and print no
# sanitizer report (ASan, LSan, UBSan: build-asan).  VGW_PKT_KEEP=1 keeps the temp dir for debugging.
set -euo pipefail

if [ $# -ne 2 ]; then
  echo "usage: $0 BUILD_DIR SCENARIO_DIR" >&2
  exit 1
fi

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BUILD=$(cd "$1" && pwd)
SCEN=$(cd "$2" && pwd)
NAME=$(basename "$SCEN")
PY=/usr/bin/python3
VGWD=$BUILD/app/vgwd/vgwd
VGWCTL=$BUILD/app/vgwctl/vgwctl
RX_TIMEOUT=20        # s: max wait for vgwd to receive every input packet
STABLE_NS=500000000  # counters unchanged this long = vgwd is done
STOP_TIMEOUT=10      # s: max wait for vgwd to exit after SIGTERM
export PYTHONPATH="$HERE${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONDONTWRITEBYTECODE=1

TMP=$(mktemp -d "${TMPDIR:-/tmp}/vgw-pkt-$NAME.XXXXXX")
PREFIX="vgw-pkt-$$-$NAME"
SOCK=$TMP/vgwd.sock
CONF=$TMP/vgwd.conf
LOG=$TMP/vgwd.log
VGWD_PID=""

log() { printf '[%s] %s\n' "$NAME" "$*"; }

# Ends vgwd (only the PID this script started), removes the temp dir and the
# DPDK runtime dir of our unique file prefix.
# shellcheck disable=SC2317  # invoked from the EXIT trap
cleanup() {
  local rc=$?
  if [ -n "$VGWD_PID" ] && kill -0 "$VGWD_PID" 2>/dev/null; then
    kill -TERM "$VGWD_PID" 2>/dev/null || true
    for _ in $(seq 20); do
      vgwd_alive || break
      sleep 0.1
    done
    if vgwd_alive; then kill -KILL "$VGWD_PID" 2>/dev/null || true; fi
    wait "$VGWD_PID" 2>/dev/null || true
  fi
  local d
  for d in "/var/run/dpdk/$PREFIX" "${XDG_RUNTIME_DIR:-/nonexistent}/dpdk/$PREFIX" \
           "/tmp/dpdk/$PREFIX"; do
    if [ -d "$d" ]; then rm -rf "$d"; fi
  done
  if [ "${VGW_PKT_KEEP:-0}" = 1 ]; then
    echo "[$NAME] temp dir kept: $TMP"
  else
    rm -rf "$TMP"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# Is our vgwd still running (a zombie counts as gone)?
vgwd_alive() {
  [ -n "$VGWD_PID" ] || return 1
  kill -0 "$VGWD_PID" 2>/dev/null || return 1
  local st
  st=$(awk '{print $3}' "/proc/$VGWD_PID/stat" 2>/dev/null || echo X)
  [ "$st" != Z ] && [ "$st" != X ]
}

# The last 40 lines, or a sanitizer report from its start (200 lines at most).
show_log() {
  [ -s "$LOG" ] || return 0
  local first
  first=$(grep -nE '^==[0-9]+==ERROR|runtime error:' "$LOG" | head -n 1 | cut -d: -f1)
  if [ -n "$first" ]; then
    echo "----- vgwd output (sanitizer report) -----"
    tail -n +"$first" "$LOG" | head -n 200
  else
    echo "----- vgwd output (last 40 lines) -----"
    tail -n 40 "$LOG"
  fi
  echo "---------------------------------------"
}

die() {
  log "FAIL: $*"
  show_log
  exit 1
}

now_ns() { date +%s%N; }

for b in "$VGWD" "$VGWCTL"; do
  [ -x "$b" ] || die "$b not built"
done
[ -f "$SCEN/commands" ] || die "$SCEN/commands missing"
[ -f "$SCEN/packets.py" ] || die "$SCEN/packets.py missing"

# --- 1. packets -------------------------------------------------------------
if ! "$PY" "$SCEN/packets.py" "$TMP" >"$TMP/packets.log" 2>&1; then
  cat "$TMP/packets.log"
  die "packets.py failed"
fi
for p in 0 1; do
  [ -f "$TMP/in$p.pcap" ] || die "packets.py did not write in$p.pcap"
  if [ ! -f "$TMP/expected$p.pcap" ] && [ ! -f "$SCEN/check.py" ]; then
    die "packets.py did not write expected$p.pcap (and there is no check.py)"
  fi
done
NIN=$("$PY" "$HERE/pcap_compare.py" --count "$TMP/in0.pcap" "$TMP/in1.pcap")
log "input packets: $NIN"

# --- 2. config --------------------------------------------------------------
P0_OPTS=""
P1_OPTS=""
WORKERS=1
if [ -f "$SCEN/workers" ]; then
  WORKERS=$(sed 's/#.*//' "$SCEN/workers" | tr -d ' \n\t')
  [[ "$WORKERS" =~ ^[1-8]$ ]] || die "workers: '$WORKERS' is not 1-8"
fi
LCORES="0,1"
TXQ0=""
TXQ1=""
if [ "$WORKERS" -gt 1 ]; then
  LCORES="0@0"
  for ((k = 1; k <= WORKERS; k++)); do LCORES="$LCORES,$k@1"; done
  for ((k = 1; k < WORKERS; k++)); do
    TXQ0="$TXQ0,tx_pcap=$TMP/out0-q$k.pcap"
    TXQ1="$TXQ1,tx_pcap=$TMP/out1-q$k.pcap"
  done
fi
if [ -f "$SCEN/port-options" ]; then
  while read -r pname rest; do
    rest=${rest%%#*}
    case "$pname" in
      ''|'#'*) continue ;;
      p0) P0_OPTS="$P0_OPTS $rest" ;;
      p1) P1_OPTS="$P1_OPTS $rest" ;;
      *) die "port-options: unknown port '$pname' (p0|p1)" ;;
    esac
  done <"$SCEN/port-options"
fi
{
  cat <<EOF
# generated by tests/pkt/run_scenario.sh for $NAME
eal --no-huge -m 512 --no-pci --file-prefix $PREFIX --log-level=*:warning
lcores $LCORES
control socket $SOCK
port p0 dev net_pcap0,rx_pcap=$TMP/in0.pcap,tx_pcap=$TMP/out0.pcap$TXQ0 role public mac 02:00:00:00:00:01 address 10.1.0.1/24$P0_OPTS
port p1 dev net_pcap1,rx_pcap=$TMP/in1.pcap,tx_pcap=$TMP/out1.pcap$TXQ1 role underlay mac 02:00:00:00:01:01 address 10.2.0.1/24$P1_OPTS
EOF
  if [ -f "$SCEN/settings" ]; then
    echo "# --- $NAME/settings ---"
    cat "$SCEN/settings"
  fi
  echo "# --- $NAME/commands ---"
  cat "$SCEN/commands"
} >"$CONF"

# --- 3. run vgwd until it has received everything and gone quiet -------------
"$VGWD" -c "$CONF" >"$LOG" 2>&1 &
VGWD_PID=$!
log "vgwd pid $VGWD_PID"

deadline=$(( $(now_ns) + RX_TIMEOUT * 1000000000 ))
stats=""
prev=""
stable_since=0
answered=0
while :; do
  if ! vgwd_alive; then
    rc=0
    wait "$VGWD_PID" || rc=$?
    VGWD_PID=""
    die "vgwd exited early (status $rc)"
  fi
  t=$(now_ns)
  if stats=$("$VGWCTL" -s "$SOCK" -j show stats 2>/dev/null); then
    answered=1
    d=$(printf '%s' "$stats" | "$PY" "$HERE/stats_check.py" digest) ||
      die "cannot parse show stats output"
    rx=${d%% *}
    if [ "$rx" = "$NIN" ] && [ "$d" = "$prev" ]; then
      if [ $(( t - stable_since )) -ge $STABLE_NS ]; then
        break
      fi
    else
      prev=$d
      stable_since=$t
    fi
  fi
  if [ "$t" -ge "$deadline" ]; then
    if [ "$answered" = 0 ]; then
      die "vgwctl -s $SOCK -j show stats never answered within ${RX_TIMEOUT}s"
    fi
    echo "$stats"
    die "rx counters sum to ${rx:-?}, expected $NIN (or never settled) within ${RX_TIMEOUT}s"
  fi
  sleep 0.1
done
log "vgwd received $NIN packet(s), counters stable"

failed=0
stats=$("$VGWCTL" -s "$SOCK" -j show stats) || die "show stats failed"
expect=""
[ -f "$SCEN/expect-stats" ] && expect=$SCEN/expect-stats
# `conntrack` / `service` expectations: fetch those show outputs as JSON
JSONDIR=$TMP/show-json
mkdir -p "$JSONDIR"
if [ -n "$expect" ]; then
  queries=$("$PY" "$HERE/stats_check.py" queries "$expect") ||
    die "cannot parse $expect"
  while read -r q; do
    [ -n "$q" ] || continue
    jf="$JSONDIR/show-${q// /-}.json"
    # shellcheck disable=SC2086  # q is words on purpose
    if ! "$VGWCTL" -s "$SOCK" -j show $q >"$jf" 2>&1; then
      log "vgwctl -j show $q failed: $(cat "$jf")"
      failed=1
    fi
  done <<<"$queries"
fi
if ! printf '%s' "$stats" | "$PY" "$HERE/stats_check.py" check ${expect:+"$expect" "$JSONDIR"}; then
  echo "show stats: $stats"
  failed=1
fi

if [ -f "$SCEN/post-commands" ]; then
  while read -r mode sub args; do
    case "$mode" in ''|'#'*) continue ;; esac
    if [ "$mode" = sleep ]; then
      sleep "$sub" || { log "post-commands: bad sleep '$sub'"; failed=1; }
      continue
    fi
    out=""
    if [ "$mode" = fails ]; then
      rc=0
      # shellcheck disable=SC2086  # args are words on purpose
      out=$("$VGWCTL" -s "$SOCK" $args 2>&1) || rc=$?
      if [ "$rc" -ne 1 ]; then
        log "post-command 'vgwctl $args': exit $rc, want 1 (refused): $out"; failed=1
      elif [[ "$out" != *"$sub"* ]]; then
        log "post-command 'vgwctl $args': message lacks '$sub': $out"; failed=1
      fi
      continue
    fi
    # shellcheck disable=SC2086  # args are words on purpose
    if ! out=$("$VGWCTL" -s "$SOCK" $args 2>&1); then
      log "post-command 'vgwctl $args' failed: $out"
      failed=1
      continue
    fi
    case "$mode" in
      has)   if [[ "$out" != *"$sub"* ]]; then
               log "post-command 'vgwctl $args': output lacks '$sub':"; echo "$out"; failed=1
             fi ;;
      lacks) if [[ "$out" == *"$sub"* ]]; then
               log "post-command 'vgwctl $args': output contains '$sub':"; echo "$out"; failed=1
             fi ;;
      save)  if [[ "$sub" == */* || "$sub" == .* ]]; then
               log "post-commands: save: '$sub' is not a plain file name"; failed=1
             else
               printf '%s\n' "$out" >"$TMP/$sub"
             fi ;;
      *)     log "post-commands: bad mode '$mode' (has|lacks|fails|save)"; failed=1 ;;
    esac
  done <"$SCEN/post-commands"
fi

# --- 4. stop vgwd (it flushes the tx pcaps) ---------------------------------
kill -TERM "$VGWD_PID"
stop_deadline=$(( $(now_ns) + STOP_TIMEOUT * 1000000000 ))
while vgwd_alive; do
  [ "$(now_ns)" -lt "$stop_deadline" ] ||
    die "vgwd did not exit within ${STOP_TIMEOUT}s of SIGTERM"
  sleep 0.1
done
rc=0
wait "$VGWD_PID" || rc=$?
VGWD_PID=""
# a clean stop exits 0; under the sanitizer build (build-asan) a memory error,
# undefined behaviour or a leak report at exit makes it non-zero
if [ "$rc" -ne 0 ]; then
  die "vgwd exited with status $rc after SIGTERM"
fi
if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' "$LOG"; then
  die "vgwd printed a sanitizer report"
fi

# --- 5. compare the output --------------------------------------------------
# several workers: each port's TX queues wrote their own pcap; one file each
for ((k = 1; k < WORKERS; k++)); do
  for p in 0 1; do
    [ -f "$TMP/out$p-q$k.pcap" ] || continue
    "$PY" -c 'import sys, pktlib
pktlib.write_pcap(sys.argv[1], pktlib.read_pcap(sys.argv[1]) + pktlib.read_pcap(sys.argv[2]))' \
      "$TMP/out$p.pcap" "$TMP/out$p-q$k.pcap" || die "cannot merge out$p-q$k.pcap"
  done
done
# compare-ignore words apply to both ports; a word `pN:FIELD` to port N only
ignore_words=""
if [ -f "$SCEN/compare-ignore" ]; then
  ignore_words=$(sed 's/#.*//' "$SCEN/compare-ignore" | tr -s ' \n\t' ' ')
fi
for p in 0 1; do
  [ -f "$TMP/expected$p.pcap" ] || continue
  ignore=""
  for w in $ignore_words; do
    case "$w" in
      p[0-9]:*) if [ "${w%%:*}" = "p$p" ]; then ignore="$ignore,${w#*:}"; fi ;;
      *) ignore="$ignore,$w" ;;
    esac
  done
  ignore=${ignore#,}
  if [ ! -f "$TMP/out$p.pcap" ]; then
    log "out$p.pcap was not written"
    failed=1
    continue
  fi
  "$PY" "$HERE/pcap_compare.py" --label "$NAME/p$p" --ignore "$ignore" \
    "$TMP/out$p.pcap" "$TMP/expected$p.pcap" || failed=1
done
if [ -f "$SCEN/check.py" ]; then
  "$PY" "$SCEN/check.py" "$TMP" || { log "check.py failed"; failed=1; }
fi

if [ "$failed" -ne 0 ]; then
  log "FAIL"
  show_log
  exit 1
fi
log "PASS"
exit 0
