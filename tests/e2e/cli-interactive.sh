#!/usr/bin/env bash
# e2e cli-interactive: interactive vgwctl in a pseudo-terminal against a
# running vgwd (tests/e2e/cli_pty.py types at the prompt): `sh ro` runs show
# route, Tab completes a command word and a VPC name the daemon has, `?`
# lists what may follow, the up arrow recalls history, an ambiguous prefix
# and a typo are refused with candidates, the history file is written.
# No namespaces: vgwd on null ports (no-rx), its own --file-prefix.
# usage: cli-interactive.sh BUILD_DIR     (exit 0 pass, 1 fail, 77 skip)
source "$(dirname "$0")/topo.sh"
topo_init "${1:-}"

cat >"$VGW_CONF" <<CONF
# vgwd e2e cli-interactive configuration (suffix $SUF)
eal --no-huge -m 256 --no-pci --file-prefix $FILE_PREFIX
lcores 0,1
control socket $VGW_SOCK
port p0 dev net_null0,no-rx=1 role public address 10.1.0.1/24
port p1 dev net_null1,no-rx=1 role underlay address 10.2.0.1/24
vpc add bluevpc vni 100
CONF
echo "=== vgwd -c $VGW_CONF ($(date +%T))" >>"$VGWD_LOG"
"$VGWD" -c "$VGW_CONF" >>"$VGWD_LOG" 2>&1 &
VGWD_PID=$!
TOPO_PIDS+=("$VGWD_PID")
wait_until 20 _vgwd_ready || { tail -n 20 "$VGWD_LOG" | sed 's/^/    /'; die "vgwd not ready"; }
info "vgwd ready (pid $VGWD_PID)"

say "== interactive vgwctl in a pseudo-terminal"
mkdir -p "$TOPO_TMP/home"
if "$PY" "$E2E_DIR/cli_pty.py" "$VGWCTL" "$VGW_SOCK" "$TOPO_TMP/home" bluevpc; then
  pass "interactive session"
else
  fail "interactive session (see the lines above)"
fi

say "== one-shot prefixes and refusals"
out=$(vctl sh ver) && grep -q '^dpdk: ' <<<"$out" && pass "vgwctl sh ver" || fail "vgwctl sh ver: $out"
err=$(vctl show 2>&1 >/dev/null); rc=$?
[ $rc -eq 1 ] && grep -q "incomplete command 'show'; next word: version" <<<"$err" \
  && pass "show alone lists what can be shown" || fail "show alone: rc $rc: $err"
out=$(vctl complete show endpoint) && grep -q '^bluevpc' <<<"$out" \
  && pass "complete show endpoint -> bluevpc" || fail "complete show endpoint: $out"

say "== the generated bash completion asks the running vgwd for names"
got=$(bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _vgwctl; echo "${COMPREPLY[*]}"' \
  _ "$BUILD_DIR/app/docgen/vgwctl" "$VGWCTL" -s "$VGW_SOCK" show endpoint bl)
[ "$got" = bluevpc ] && pass "bash: show endpoint bl<Tab> -> bluevpc" || fail "bash completion: '$got'"
finish
