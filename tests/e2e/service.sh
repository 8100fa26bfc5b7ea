#!/usr/bin/env bash
# e2e service: what a service manager sees of vgwd (issue 18).
#  - --help and --version print to stdout and exit 0; a bad option exits 2;
#  - --check -c: the shipped conf/vgw.conf is valid (exit 0, "ok"); a
#    mistyped setting is refused at ITS line with a guess (exit 1,
#    FILE:LINE), a command with a missing argument too; nothing started;
#  - sd_notify: with NOTIFY_SOCKET='@name' (abstract namespace) READY=1 comes
#    once, when the control socket answers and every port's link is up
#    (notify_listen.py asks vgwctl at that instant); STOPPING=1 at SIGTERM;
#  - `control group NAME`: the socket file has that group (mode 0660); a
#    group that does not exist stops vgwd with a message;
#  - SIGHUP: logged as ignored, vgwd still answers; then SIGTERM ends it
#    with exit 0 and the socket file removed.
# No namespaces: vgwd on null ports, its own --file-prefix.
# usage: service.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
topo_init "${1:-}"
SRC_DIR="$(cd "$E2E_DIR/../.." && pwd)"

# write_conf FILE [GROUP]
write_conf() {
  cat >"$1" <<EOC
# vgwd e2e service configuration (suffix $SUF)
eal --no-huge -m 256 --no-pci --file-prefix $FILE_PREFIX
lcores 0,1
control socket $VGW_SOCK
${2:+control group $2}
port p0 dev net_null0,no-rx=1 role public address 10.1.0.1/24
port p1 dev net_null1,no-rx=1 role underlay address 10.2.0.1/24
route add 10.9.0.0/16 via 10.1.0.2
EOC
}

say "== options"
out=$("$VGWD" --help); rc=$?
check "--help exits 0" [ "$rc" -eq 0 ]
check "--help prints the usage on stdout, --check included" \
  grep -q -- "--check" <<<"$out"
out=$("$VGWD" --version); rc=$?
check "--version exits 0 with the version" [ "$rc" -eq 0 ]
check "--version prints 'vgwd X.Y.Z'" grep -qE '^vgwd [0-9]+\.[0-9]+\.[0-9]+' <<<"$out"
"$VGWD" --frobnicate >/dev/null 2>&1; rc=$?
check "an unknown option exits 2" [ "$rc" -eq 2 ]

say "== --check"
out=$("$VGWD" --check -c "$SRC_DIR/conf/vgw.conf" 2>&1); rc=$?
check "--check on the shipped conf/vgw.conf: exit 0" [ "$rc" -eq 0 ]
check "--check says ok" grep -q ": ok$" <<<"$out"
BAD="$TOPO_TMP/bad.conf"
printf 'eal --no-huge\nlcores 0,1\n\nprot p0 dev net_null0 role public address 10.0.0.1/24\nport p1 dev net_null1 role underlay address 10.1.0.1/24\n' >"$BAD"
out=$("$VGWD" --check -c "$BAD" 2>&1); rc=$?
info "$out"
check "--check on a mistyped setting: exit 1" [ "$rc" -eq 1 ]
check "the error names the mistyped line (4) and guesses 'port'" \
  grep -qF "$BAD:4: unknown setting or command 'prot'; did you mean 'port'?" <<<"$out"
printf 'port p0 dev net_null0 role public address 10.0.0.1/24\nroute add 10.9.0.0/16\n' >"$BAD"
out=$("$VGWD" --check -c "$BAD" 2>&1); rc=$?
check "--check on a command without its argument: exit 1 at line 2" \
  bash -c '[ "$1" -eq 1 ] && grep -qF "$2:2: missing argument" <<<"$3"' _ "$rc" "$BAD" "$out"
out=$("$VGWD" --check -c "$TOPO_TMP/none.conf" 2>&1); rc=$?
check "--check on a missing file: exit 1" [ "$rc" -eq 1 ]
check "--check with EAL words is a usage error" \
  bash -c '"$1" --check -c "$2" -- --no-huge >/dev/null 2>&1; [ $? -eq 2 ]' _ "$VGWD" "$SRC_DIR/conf/vgw.conf"

say "== a group that does not exist"
write_conf "$VGW_CONF" "vgwnosuchgrp"
timeout 60 "$VGWD" -c "$VGW_CONF" >"$TOPO_TMP/nogroup.log" 2>&1; rc=$?
check "vgwd refuses to start (exit 1)" [ "$rc" -eq 1 ]
check "and says why" grep -q "control group vgwnosuchgrp: no such group" "$TOPO_TMP/nogroup.log"
check "no socket left" [ ! -e "$VGW_SOCK" ]

say "== sd_notify, control group, SIGHUP"
GROUP=$(getent group daemon >/dev/null && echo daemon || id -gn)
write_conf "$VGW_CONF" "$GROUP"
NOTIFY="@vgw-notify-$SUF"
NOTES="$TOPO_TMP/notify.log"
"$PY" "$E2E_DIR/notify_listen.py" "$NOTIFY" "$NOTES" "$VGWCTL" "$VGW_SOCK" \
  >"$TOPO_TMP/listen.out" 2>&1 &
LISTEN_PID=$!
TOPO_PIDS+=("$LISTEN_PID")
wait_until 10 grep -q bound "$TOPO_TMP/listen.out" || die "notify listener did not start"
echo "=== vgwd -c $VGW_CONF ($(date +%T))" >>"$VGWD_LOG"
NOTIFY_SOCKET="$NOTIFY" "$VGWD" -c "$VGW_CONF" >>"$VGWD_LOG" 2>&1 &
VGWD_PID=$!
TOPO_PIDS+=("$VGWD_PID")
wait_until 30 grep -q "^msg READY=1" "$NOTES" || { cat "$NOTES"; die "no READY=1 within 30 s"; }
sleep 0.3
check "READY=1 exactly once" [ "$(grep -c '^msg READY=1' "$NOTES")" -eq 1 ]
check "at READY=1 the control socket answered and every port was up" \
  grep -q "^at-ready ctl_rc=0 ports_up=1" "$NOTES"
grep "^at-ready" "$NOTES" | sed 's/^/    /'
check "the socket is mode 0660, group $GROUP" \
  [ "$(stat -c '%a %G' "$VGW_SOCK")" = "660 $GROUP" ]

kill -HUP "$VGWD_PID"
sleep 1
check "vgwd survives SIGHUP" kill -0 "$VGWD_PID"
check "and still answers show version" vctl show version
check "it logged the SIGHUP as ignored" \
  grep -q "SIGHUP ignored: restart to apply the startup file" "$VGWD_LOG"
check "the routes of the startup file are still there" \
  bash -c 'timeout 10 "$1" -s "$2" show route | grep -q 10.9.0.0/16' _ "$VGWCTL" "$VGW_SOCK"

kill -TERM "$VGWD_PID"
rc=0
for ((i = 0; i < 100; i++)); do kill -0 "$VGWD_PID" 2>/dev/null || break; sleep 0.1; done
wait "$VGWD_PID"; rc=$?
VGWD_PID=""
check "SIGTERM ends vgwd with exit 0" [ "$rc" -eq 0 ]
check "the socket file is removed" [ ! -e "$VGW_SOCK" ]
wait_until 5 grep -q "^msg STOPPING=1" "$NOTES"
check "STOPPING=1 was sent" grep -q "^msg STOPPING=1" "$NOTES"
finish
