#!/usr/bin/env bash
# Runs each libFuzzer target of a fuzz build (see fuzz/README.md), one after another.
#   fuzz/run.sh BUILD_DIR SECONDS RUNS [TARGET...]
# Each target runs for SECONDS (or, if RUNS > 0, for RUNS executions) on its committed corpus
# fuzz/corpus/<target>/, read-only, plus BUILD_DIR/fuzz-corpus/<target>/, where new inputs go.
# A finding is saved as BUILD_DIR/fuzz-findings/<target>/crash-* (or leak-*, timeout-*, oom-*)
# and stops the script with its exit code.
set -euo pipefail

build_dir=$1
seconds=$2
runs=$3
shift 3
source_dir=$(cd "$(dirname "$0")/.." && pwd)
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  for source in "$source_dir"/fuzz/*_fuzz.cc; do
    name=$(basename "$source" _fuzz.cc)
    targets+=("$name")
  done
fi

# Parsers that read paths write their input under TMPDIR; keep that inside the build folder.
export TMPDIR="$build_dir/fuzz-tmp"
mkdir -p "$TMPDIR"
for target in "${targets[@]}"; do
  binary="$build_dir/fuzz/fuzz_$target"
  [[ -x "$binary" ]] || { echo "fuzz: no target '$target' ($binary)" >&2; exit 2; }
  mkdir -p "$build_dir/fuzz-corpus/$target" "$build_dir/fuzz-findings/$target"
  limit=(-max_total_time="$seconds")
  [[ "$runs" -gt 0 ]] && limit=(-runs="$runs")
  echo "== fuzz_$target: ${limit[*]}"
  "$binary" "${limit[@]}" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$build_dir/fuzz-findings/$target/" \
    "$build_dir/fuzz-corpus/$target" "$source_dir/fuzz/corpus/$target"
done
