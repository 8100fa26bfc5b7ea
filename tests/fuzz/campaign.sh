#!/usr/bin/env bash
# The long fuzzing campaign (`make fuzz`): each target of a -Dfuzz=true build
# fuzzed for SECS seconds in turn, from its corpus and regression inputs with
# its dictionary. New inputs go to BUILD/fuzz-campaign/NAME/corpus (never
# into the source tree: minimise with -merge=1 before committing seeds), a
# crash to BUILD/fuzz-campaign/NAME/crash-*, libFuzzer's log to NAME.log.
# Ends with one line per target: executions, cov, ft, and the outcome.
# usage: tests/fuzz/campaign.sh BUILD_DIR [SECS] [TARGET...]
set -uo pipefail
build=$1
secs=${2:-600}
shift 2 2>/dev/null || shift $#
here=$(cd "$(dirname "$0")" && pwd)
out="$build/fuzz-campaign"
mkdir -p "$out"
if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(find "$build/tests/fuzz" -maxdepth 1 -type f -executable \
                           -name 'fuzz_*' -printf '%f\n' | sed 's/^fuzz_//' | sort)
fi
declare -A dicts=([ctl_line]=cli.dict [cli]=cli.dict [conf]=conf.dict)
rc=0
summary=()
for t in "${targets[@]}"; do
  exe="$build/tests/fuzz/fuzz_$t"
  mkdir -p "$out/$t/corpus"
  args=(-max_total_time="$secs" -timeout=20 -rss_limit_mb=4096 -print_final_stats=1
        -artifact_prefix="$out/$t/")
  [ -n "${dicts[$t]:-}" ] && args+=(-dict="$here/${dicts[$t]}")
  dirs=("$out/$t/corpus")
  for d in "$here/corpus/$t" "$here/regress/$t"; do
    [ -d "$d" ] && dirs+=("$d")
  done
  echo "== fuzz_$t for ${secs}s"
  start=$(date +%s)
  "$exe" "${args[@]}" "${dirs[@]}" >"$out/$t.log" 2>&1
  r=$?
  took=$(( $(date +%s) - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$out/$t.log" | tail -1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  if [ $r -eq 0 ]; then
    outcome=ok
  else
    outcome="FOUND (rc $r): $(ls "$out/$t"/crash-* "$out/$t"/leak-* "$out/$t"/timeout-* 2>/dev/null | tr '\n' ' ')"
    rc=1
  fi
  summary+=("fuzz_$t: ${took}s, ${execs:-?} execs, cov ${cov:-?}, ft ${ft:-?}, $outcome")
  echo "${summary[-1]}"
done
echo "== campaign summary"
printf '%s\n' "${summary[@]}"
exit $rc
