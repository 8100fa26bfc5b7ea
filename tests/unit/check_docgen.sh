#!/usr/bin/env bash
# unit-docgen: what vgw-docgen generated at build time works.
#  - the bash completion (share/bash-completion/completions/vgwctl) completes
#    command words from the registry (unique prefixes too), an option, and
#    falls back to an argument synopsis' keywords when no vgwd answers (the
#    live object names are checked by e2e cli-interactive);
#  - the man pages vgwctl(8), vgwd(8), vgw.conf(5) render with groff and
#    man without a warning.
# usage: check_docgen.sh BUILD_DIR     (exit 0 pass, 1 fail)
set -u
BUILD=$(cd "$1" && pwd) || exit 1
B=$BUILD/app/docgen
VGWCTL=$BUILD/app/vgwctl/vgwctl
fails=0
ok() { if [ "$2" = "$3" ]; then echo "PASS: $1"; else echo "FAIL: $1: got '$2', want '$3'"; fails=$((fails + 1)); fi; }

# comp WORD...: the completions of the last word (COMP_CWORD = last index)
comp() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _vgwctl; echo "${COMPREPLY[*]}"' \
    _ "$B/vgwctl" "$@"
}
ok "first words 'sh'" "$(comp vgwctl sh)" "show"
ok "'sh r' -> show words" "$(comp vgwctl sh r)" "running-config runtime route"
ok "'show route s'" "$(comp vgwctl show route s)" "summary"
ok "'ro' -> route words" "$(comp vgwctl ro '')" "add replace del"
ok "option" "$(comp vgwctl --j)" "--json"
ok "keywords without vgwd" "$(comp "$VGWCTL" -s /nonexistent/sock trace add 5 '')" "port"
ok "after -s: files" "$(cd "$B" && comp vgwctl -s vgwctl.)" "vgwctl.8"

for p in vgwctl.8 vgwd.8 vgw.conf.5; do
  err=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$B/$p" 2>&1)
  ok "groff renders $p without warnings" "$err" ""
  if command -v man >/dev/null; then
    lines=$(MANWIDTH=80 man -l "$B/$p" 2>/dev/null | wc -l)
    [ "$lines" -gt 20 ] && echo "PASS: man -l $p ($lines lines)" || { echo "FAIL: man -l $p: $lines lines"; fails=$((fails + 1)); }
  fi
done
[ $fails -eq 0 ] && echo "RESULT: all checks passed" || echo "RESULT: $fails check(s) failed"
[ $fails -eq 0 ]
