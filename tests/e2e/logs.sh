#!/usr/bin/env bash
# e2e logs: what vgwd writes to its log (doc/operations.md "Logs").
#  - every line, DPDK's own too, starts with a UTC ISO-8601 time with
#    milliseconds and a level; vgw's lines name their type (vgw.ctl: ...);
#    no USER1 left;
#  - a change over the control socket leaves an audit line on vgw.ctl with
#    the caller's uid and pid, the command and its result (ok / refused:
#    MESSAGE); run as another uid (in the socket's group: mode 0660), the
#    line carries that uid;
#  - `log level vgw.lb debug` changes `show log` (text and JSON) and
#    running-config; a bad level or type is refused with a message and
#    vgwctl exits 1, nothing changed;
#  - in the startup file, a bad `log level` (command part) and a bad
#    `log-output` (setting) stop vgwd with FILE:LINE.
# No namespaces: vgwd on null ports (no-rx), its own --file-prefix.
# usage: logs.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
topo_init "${1:-}"

# write_conf FILE [EXTRA LINE...]: settings, then the extra lines (commands)
write_conf() {
  local f=$1; shift
  cat >"$f" <<EOF
# vgwd e2e logs configuration (suffix $SUF)
eal --no-huge -m 256 --no-pci --file-prefix $FILE_PREFIX
lcores 0,1
control socket $VGW_SOCK
port p0 dev net_null0,no-rx=1 role public address 10.1.0.1/24
port p1 dev net_null1,no-rx=1 role underlay address 10.2.0.1/24
EOF
  local l
  for l in "$@"; do printf '%s\n' "$l" >>"$f"; done
}

start_vgwd() {
  echo "=== vgwd -c $1 ($(date +%T))" >>"$VGWD_LOG"
  "$VGWD" -c "$1" >>"$VGWD_LOG" 2>&1 &
  VGWD_PID=$!
  TOPO_PIDS+=("$VGWD_PID")
  local i rc
  for ((i = 0; i < 100; i++)); do
    _vgwd_ready; rc=$?
    [ $rc -eq 0 ] && { info "vgwd ready (pid $VGWD_PID)"; return 0; }
    [ $rc -eq 99 ] && break
    sleep 0.2
  done
  say "vgwd did not become ready; log:"; tail -n 20 "$VGWD_LOG" | sed 's/^/    /'
  return 1
}

# out_has REGEX VGWCTL-ARGS...: the command's output has a line matching REGEX
out_has() { local re=$1; shift; vctl "$@" | grep -qE "$re"; }

STAMP='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z (emerg|alert|crit|err|warning|notice|info|debug) '

write_conf "$VGW_CONF" "log level vgw.ctl info"
start_vgwd "$VGW_CONF" || die "vgwd did not start"

say "== every line stamped, type names"
check "vgw.ctl says it is ready, stamped" grep -aqE "^${STAMP}vgw\.ctl: vgwd ready, control socket " "$VGWD_LOG"
check "DPDK's own lines are stamped too (EAL)" grep -aqE "^${STAMP}EAL: " "$VGWD_LOG"
bad=$(grep -av '^=== vgwd' "$VGWD_LOG" | grep -avcE "^${STAMP}")
info "$(grep -acv '^=== vgwd' "$VGWD_LOG") lines, $bad without a stamp"
check "no line without a stamp" [ "$bad" = 0 ]
check "no USER1 line left" bash -c "! grep -aq 'USER1' '$VGWD_LOG'"
now=$(date -u +%s)
first=$(grep -aoE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}' "$VGWD_LOG" | tail -n 1)
t=$(date -u -d "$first" +%s 2>/dev/null || echo 0)
info "last stamp $first, now $(date -u +%FT%T)"
check "the stamps are UTC wall-clock time (within 60 s of date -u)" [ $((now - t)) -lt 60 -a $((t - now)) -lt 60 ]

say "== audit: who, what, result"
check "route add 10.9.0.0/24 via 10.2.0.11" vctl route add 10.9.0.0/24 via 10.2.0.11
vctl route add 10.9.1.0/24 via 192.0.2.1 >/dev/null 2>&1
info "audit lines: $(grep -a 'audit: ' "$VGWD_LOG" | tr '\n' '|')"
check "audit line on vgw.ctl with uid=0, the command and ok" \
  grep -aqE "^${STAMP}vgw\.ctl: audit: uid=0 pid=[0-9]+ \"route add 10\.9\.0\.0/24 via 10\.2\.0\.11\" ok$" "$VGWD_LOG"
check "audit line for the refused change, with the message" \
  grep -aqE "vgw\.ctl: audit: uid=0 pid=[0-9]+ \"route add 10\.9\.1\.0/24 via 192\.0\.2\.1\" refused: .+" "$VGWD_LOG"
# another uid: the socket is 0660 root:root, so a user in group root (gid 0)
# may use it; its directory must let the group through
OTHER=4321
chmod 0750 "$TOPO_TMP"
if setpriv --reuid=$OTHER --regid=0 --clear-groups test -x "$VGWCTL" 2>/dev/null; then
  out=$(timeout 10 setpriv --reuid=$OTHER --regid=0 --clear-groups "$VGWCTL" -s "$VGW_SOCK" \
        route add 10.9.2.0/24 via 10.2.0.11 2>&1); rc=$?
  info "vgwctl as uid $OTHER: exit $rc $out"
  check "vgwctl as uid $OTHER (group of the socket) may change the config" [ "$rc" = 0 ]
  check "its audit line carries uid=$OTHER" \
    grep -aqE "vgw\.ctl: audit: uid=$OTHER pid=[0-9]+ \"route add 10\.9\.2\.0/24 via 10\.2\.0\.11\" ok" "$VGWD_LOG"
else
  info "uid $OTHER cannot run $VGWCTL (its directories are closed to others): other-uid check left out"
fi
check "no audit line for show commands" bash -c "! grep -aq 'audit: .*\"show' '$VGWD_LOG'"

say "== log level, show log"
out=$(vctl show log)
info "show log: $(tr '\n' '|' <<<"$out")"
check "show log lists vgw.lb at info (default)" grep -qE '^vgw\.lb +info$' <<<"$out"
check "show log lists vgw.ctl at info (the file's log level)" grep -qE '^vgw\.ctl +info$' <<<"$out"
check "show log: output stderr" grep -q '^output: stderr$' <<<"$out"
check "log level vgw.lb debug" vctl log level vgw.lb debug
check "show log: vgw.lb debug" out_has '^vgw\.lb +debug$' show log
lvl=$(vctl -j show log | json_get "[t['level'] for t in d['types'] if t['type'] == 'vgw.lb'][0]")
check "show log JSON: vgw.lb debug ($lvl)" [ "$lvl" = debug ]
check "running-config has log level vgw.lb debug" out_has '^log level vgw\.lb debug$' show running-config
check "the audit line of log level" grep -aqE 'vgw\.ctl: audit: uid=0 pid=[0-9]+ "log level vgw\.lb debug" ok' "$VGWD_LOG"

out=$(vctl log level vgw.lb loud 2>&1); rc=$?
info "log level vgw.lb loud: exit $rc: $out"
check "a bad level is refused (exit 1) with the levels allowed" \
  [ "$rc" = 1 -a "$(grep -c "bad log level 'loud': expected emerg|alert|crit|err|warning|notice|info|debug" <<<"$out")" = 1 ]
out=$(vctl log level vgw.nope debug 2>&1); rc=$?
info "log level vgw.nope debug: exit $rc: $out"
check "a type that matches nothing is refused (exit 1)" \
  [ "$rc" = 1 -a "$(grep -c "no log type matches 'vgw.nope'" <<<"$out")" = 1 ]
out=$(vctl log level 'vgw;lb' debug 2>&1); rc=$?
check "a type with other characters is refused (exit 1): $out" \
  [ "$rc" = 1 -a "$(grep -c "bad log type" <<<"$out")" = 1 ]
lvl=$(vctl -j show log | json_get "[t['level'] for t in d['types'] if t['type'] == 'vgw.lb'][0]")
check "vgw.lb still at debug after the refusals ($lvl)" [ "$lvl" = debug ]
check "log level for a DPDK type (pmd.net.null*)" vctl log level 'pmd.net.null*' notice
check "vgwd stops on SIGTERM" vgwd_stop

say "== startup file: FILE:LINE"
write_conf "$TOPO_TMP/bad-level.conf" "route add 10.9.0.0/24 via 10.2.0.11" "log level vgw.lb loud"
out=$(timeout 60 "$VGWD" -c "$TOPO_TMP/bad-level.conf" 2>&1); rc=$?
rm -rf "/var/run/dpdk/$FILE_PREFIX"
info "bad log level in the file (exit $rc): $(grep -a 'bad log level' <<<"$out")"
check "a bad log level in the file stops vgwd with FILE:LINE" \
  [ "$rc" -ne 0 -a "$(grep -ac "bad-level.conf:8: bad log level 'loud'" <<<"$out")" = 1 ]
write_conf "$TOPO_TMP/bad-output.conf"
sed -i "2i log-output journal" "$TOPO_TMP/bad-output.conf"
out=$(timeout 60 "$VGWD" -c "$TOPO_TMP/bad-output.conf" 2>&1); rc=$?
info "bad log-output (exit $rc): $out"
check "a bad log-output stops vgwd with FILE:LINE" \
  [ "$rc" -ne 0 -a "$(grep -ac "bad-output.conf:2: log-output: expected stderr or syslog" <<<"$out")" = 1 ]
finish
