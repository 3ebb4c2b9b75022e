#!/usr/bin/env bash
# The main job behind `make run`. Until the agents land: a few random-policy episodes.
set -euo pipefail
arq=${1:-build/arq}
"$arq" play --env minatar/breakout-v1 --seed 0 --episodes 5
