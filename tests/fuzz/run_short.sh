#!/usr/bin/env bash
# One fuzz target as a meson test (tests/fuzz/meson.build).
# usage: run_short.sh EXE regress|short CORPUS_DIR REGRESS_DIR [DICT]
#   regress: runs every file of the corpus and regression directories once
#            (no mutation); fails on the first crash, leak or UBSan report.
#   short:   fuzzes for FUZZ_SHORT_SECS seconds (default 10) starting from
#            both directories, with the dictionary; new inputs go to a
#            scratch directory, never into the source tree. A crash leaves
#            its input in fuzz-artifacts/ under the working directory.
set -uo pipefail
exe=$1 mode=$2 corpus=$3 regress=$4 dict=${5:-}
name=$(basename "$exe")
case $mode in
regress)
  mapfile -t files < <(find "$corpus" "$regress" -type f ! -name '.*' 2>/dev/null | sort)
  if [ ${#files[@]} -eq 0 ]; then
    echo "$name: no corpus or regression input" >&2
    exit 1
  fi
  echo "$name: ${#files[@]} inputs"
  exec "$exe" -timeout=20 -rss_limit_mb=4096 "${files[@]}"
  ;;
short)
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/vgw-fuzz-$name.XXXXXX")
  trap 'rm -rf "$scratch"' EXIT
  mkdir -p fuzz-artifacts
  args=(-max_total_time="${FUZZ_SHORT_SECS:-10}" -timeout=20 -rss_limit_mb=4096
        -print_final_stats=1 -artifact_prefix="fuzz-artifacts/$name-")
  [ -n "$dict" ] && args+=(-dict="$dict")
  dirs=("$scratch")
  for d in "$corpus" "$regress"; do
    [ -d "$d" ] && dirs+=("$d")
  done
  "$exe" "${args[@]}" "${dirs[@]}"
  ;;
*)
  echo "usage: $0 EXE regress|short CORPUS REGRESS [DICT]" >&2
  exit 2
  ;;
esac
