#!/usr/bin/env bash
# Stands in for `arq train` in the sweep tests: takes the same flags and writes a run folder the
# same way (config.toml, metrics.csv, eval.csv, checkpoints/checkpoint.json) in four chunks, with
# a pause of FAKE_TRAINER_PAUSE seconds before each. Every start appends
# "<pid> <run folder name> <first step>" to FAKE_TRAINER_LOG. `--set fake.fail=true` makes it
# fail halfway, as a crashing run would.
set -euo pipefail
run_dir="" total=1000 resume=0 seed=0 env="" fail=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --run-dir) run_dir=$2; shift 2 ;;
    --total-steps) total=$2; shift 2 ;;
    --env) env=$2; shift 2 ;;
    --seed) seed=$2; shift 2 ;;
    --config) shift 2 ;;
    --set) [[ "$2" == "fake.fail=true" ]] && fail=1; shift 2 ;;
    --resume) resume=1; shift ;;
    --quiet) shift ;;
    *) echo "fake trainer: unknown flag $1" >&2; exit 2 ;;
  esac
done
[[ -n "$run_dir" ]] || { echo "fake trainer: --run-dir is required" >&2; exit 2; }
mkdir -p "$run_dir/checkpoints"
start=0
if [[ -f "$run_dir/checkpoints/checkpoint.json" && $resume == 1 ]]; then
  start=$(sed -n 's/.*"steps_done": *\([0-9]*\).*/\1/p' "$run_dir/checkpoints/checkpoint.json")
elif [[ -f "$run_dir/metrics.csv" ]]; then
  echo "run folder '$run_dir' already holds a run" >&2
  exit 2
else
  printf '[run]\nagent = "fake"\nenv = "%s"\nseed = %s\ntotal_steps = %s\n' "$env" "$seed" "$total" \
    > "$run_dir/config.toml"
  echo "step,episodes,epsilon,recent_return,updates" > "$run_dir/metrics.csv"
  echo "step,mean_return,std_return,min_return,max_return,episodes" > "$run_dir/eval.csv"
  echo "0,0,0,0,0,1" >> "$run_dir/eval.csv"
fi
echo "$$ $(basename "$run_dir") $start" >> "${FAKE_TRAINER_LOG:-/dev/null}"
chunk=$((total / 4))
step=$start
while (( step < total )); do
  sleep "${FAKE_TRAINER_PAUSE:-0.05}"
  step=$((step + chunk))
  (( step > total )) && step=$total
  if (( fail == 1 && step * 2 > total )); then
    echo "fake trainer: simulated crash at step $step" >&2
    exit 3
  fi
  echo "$step,0,0.1,$seed,0" >> "$run_dir/metrics.csv"
  echo "$step,$((step / 100 + seed)),1,0,0,1" >> "$run_dir/eval.csv"
  printf '{"steps_done": %s}\n' "$step" > "$run_dir/checkpoints/checkpoint.json.tmp"
  mv "$run_dir/checkpoints/checkpoint.json.tmp" "$run_dir/checkpoints/checkpoint.json"
done
