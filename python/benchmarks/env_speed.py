"""Steps per second of arq's MinAtar from Python: one environment (`env.step` returning a fresh
observation, as MinAtar's `act` + `state()`), and `arq.make_vec` (environment-steps per second).

Method as the MinAtar reference harness's bench_minatar.py: uniformly random actions pre-drawn
with numpy.random.RandomState(123 + repeat), reset on terminal inside the loop, a 500-step
warm-up, the median of --repeats. With --minatar-dir (a checkout of the original MinAtar) the
original's `act` + `state()` runs in the same process under the same conditions.

    PYTHONPATH=build/python python3 python/benchmarks/env_speed.py --steps 200000 --repeats 5
"""
import argparse
import importlib
import os
import statistics
import sys
import time

import numpy as np

import arq

GAMES = ["asterix", "breakout", "freeway", "seaquest", "space_invaders"]


def single_env_rate(game, steps, repeat):
    env = arq.make(f"minatar/{game}-v1", seed=1)
    env.reset()
    actions = np.random.RandomState(123 + repeat).randint(
        env.action_space.n, size=steps + 500).tolist()
    step, reset = env.step, env.reset
    for action in actions[:500]:
        if step(action)[2]:
            reset()
    start = time.perf_counter()
    for action in actions[500:]:
        if step(action)[2]:
            reset()
    return steps / (time.perf_counter() - start)


def vector_rate(game, steps, repeat, num_envs, num_threads):
    envs = arq.make_vec(f"minatar/{game}-v1", num_envs, seed=1, num_threads=num_threads)
    envs.reset()
    calls = max(1, steps // num_envs)
    actions = np.random.RandomState(123 + repeat).randint(
        envs.single_action_space.n, size=(calls + 10, num_envs))
    for row in actions[:10]:
        envs.step(row)
    start = time.perf_counter()
    for row in actions[10:]:
        envs.step(row)
    return calls * num_envs / (time.perf_counter() - start)


def minatar_rate(environment_class, game, steps, repeat):
    env = environment_class(game, sticky_action_prob=0.1, difficulty_ramping=True)
    env.seed(1)
    env.reset()
    actions = np.random.RandomState(123 + repeat).randint(6, size=steps + 500).tolist()
    act, state, reset = env.act, env.state, env.reset
    for action in actions[:500]:
        _, terminal = act(action)
        state()
        if terminal:
            reset()
    start = time.perf_counter()
    for action in actions[500:]:
        _, terminal = act(action)
        state()
        if terminal:
            reset()
    return steps / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=200_000)
    parser.add_argument("--minatar-steps", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--num-envs", type=int, default=64)
    parser.add_argument("--threads", type=int, nargs="+", default=[1])
    parser.add_argument("--games", nargs="+", default=GAMES)
    parser.add_argument("--minatar-dir", default=os.environ.get("MINATAR_DIR"))
    args = parser.parse_args()
    environment_class = None
    if args.minatar_dir:
        sys.path.insert(0, os.path.abspath(args.minatar_dir))
        environment_class = importlib.import_module("minatar.environment").Environment

    columns = ["game", "arq make"] + [f"arq make_vec({args.num_envs}, {t} thr)"
                                      for t in args.threads]
    if environment_class:
        columns += ["MinAtar act+state", "make x", "make_vec x"]
    print("| " + " | ".join(columns) + " |")
    print("| --- |" + " ---: |" * (len(columns) - 1))
    for game in args.games:
        single = statistics.median(single_env_rate(game, args.steps, r)
                                   for r in range(args.repeats))
        vector = [statistics.median(vector_rate(game, args.steps * 5, r, args.num_envs, t)
                                    for r in range(args.repeats)) for t in args.threads]
        row = [game, f"{single:,.0f}"] + [f"{v:,.0f}" for v in vector]
        if environment_class:
            original = statistics.median(minatar_rate(environment_class, game, args.minatar_steps,
                                                      r) for r in range(args.repeats))
            row += [f"{original:,.0f}", f"{single / original:.0f}x",
                    f"{max(vector) / original:.0f}x"]
        print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
