#!/usr/bin/env bash
# The main job behind `make run`: a short ARQ training on MinAtar Breakout with the CPU preset,
# then a report (evaluation table and learning curve) of that run.
set -euo pipefail
arq=${1:-build/arq}
run_dir=runs/make-run-$(date +%Y%m%d-%H%M%S)
"$arq" train --config configs/arq-minatar-cpu.toml --env minatar/breakout-v1 --seed 1 \
  --total-steps 40000 --set run.learning_starts=5000 --set run.eval_frequency=10000 \
  --set run.checkpoint_frequency=0 --set replay.capacity=40000 --run-dir "$run_dir"
"$arq" report "$run_dir" --out "$run_dir/report" --include-incomplete
echo
echo "run folder: $run_dir"
echo "evaluations (step, mean return, std, min, max, episodes):"
column -s, -t < "$run_dir/eval.csv" 2>/dev/null || cat "$run_dir/eval.csv"
echo "report: $run_dir/report (tables and learning curve)"
ls "$run_dir/report" "$run_dir/report/curves" 2>/dev/null || true
