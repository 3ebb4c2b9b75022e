#!/bin/bash
# Where does a clean build spend its time? A compiler launcher that logs the CPU seconds of every
# compile, then a summary of the slowest translation units.
#
#   cmake -S . -B build-timed -DCMAKE_CXX_COMPILER_LAUNCHER="$PWD/scripts/time-compile.sh"
#   ARQ_COMPILE_TIMES="$PWD/compile-times.tsv" cmake --build build-timed -j 2
#   scripts/time-compile.sh --summary compile-times.tsv
#
# Each line of the log is: user+system CPU seconds, wall seconds, source file. Without
# ARQ_COMPILE_TIMES the launcher just runs the compiler.
set -u

if [ "${1:-}" = "--summary" ]; then
  log=${2:?usage: time-compile.sh --summary <log>}
  awk -F'\t' '{ cpu += $1; n += 1 } END { printf "%d compiles, %.0f CPU seconds (%.1f min)\n", n, cpu, cpu / 60 }' "$log"
  echo "slowest 25 (CPU s, wall s, source):"
  sort -t$'\t' -k1,1 -g -r "$log" | head -25
  exit 0
fi

if [ -z "${ARQ_COMPILE_TIMES:-}" ]; then
  exec "$@"
fi

source_file=""
previous=""
for argument in "$@"; do
  if [ "$previous" = "-c" ]; then source_file=$argument; fi
  previous=$argument
done
timing=$(mktemp)
# bash's own `time` (no /usr/bin/time needed); the compiler's messages still go to stderr.
TIMEFORMAT=$'%U\t%S\t%R'
exec 3>&2
{ time "$@" 2>&3; } 2>"$timing"
status=$?
if [ -n "$source_file" ]; then
  # One short append per compile: lines from parallel jobs do not interleave.
  awk -F'\t' -v source="$source_file" '{ printf "%.2f\t%.2f\t%s\n", $1 + $2, $3, source }' \
    "$timing" >> "$ARQ_COMPILE_TIMES"
fi
rm -f "$timing"
exit $status
