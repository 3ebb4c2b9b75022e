"""Shared helpers: the arq command line (for reference files) and rollout readers.

ctest sets PYTHONPATH to <build>/python, ARQ_BINARY to <build>/arq and ARQ_SOURCE_DIR."""

import gzip
import json
import os
import pathlib
import subprocess

import numpy as np
import pytest

SOURCE_DIR = pathlib.Path(os.environ.get("ARQ_SOURCE_DIR",
                                         pathlib.Path(__file__).resolve().parents[2]))
ARQ_BINARY = pathlib.Path(os.environ.get("ARQ_BINARY", SOURCE_DIR / "build" / "arq"))

MINATAR_GAMES = ["asterix", "breakout", "freeway", "seaquest", "space_invaders"]


def run_arq(*args):
    """Runs build/arq; fails the test with its output when it exits non-zero."""
    result = subprocess.run([str(ARQ_BINARY), *map(str, args)], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail(f"arq {' '.join(map(str, args))} exited {result.returncode}:\n"
                    f"{result.stdout}\n{result.stderr}")
    return result


def read_jsonl(path):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt") as lines:
        return [json.loads(line) for line in lines]


def packed_hex(observation):
    """The rollout files' observation encoding: hex of numpy.packbits of the (10, 10, C) grid."""
    return np.packbits(np.asarray(observation, dtype=np.uint8).reshape(-1)).tobytes().hex()


def unpack_hex(text, shape):
    bits = np.unpackbits(np.frombuffer(bytes.fromhex(text), dtype=np.uint8))
    return bits[:int(np.prod(shape))].reshape(shape).astype(bool)


# A tiny local-agent run's options (as tests/cli/tiny_local_run.h): about a second of training.
TINY_LOCAL = {
    "local.widths": [16, 12, 12], "run.learning_starts": 100, "replay.batch_size": 16,
    "run.eval_frequency": 0, "run.checkpoint_frequency": 300, "replay.capacity": 1000,
}


def tiny_overrides(agent="arq", steps=300, env="minatar/breakout-v1", seed=1):
    overrides = dict(TINY_LOCAL)
    overrides.update({"run.agent": agent, "run.total_steps": steps, "run.env": env,
                      "run.seed": seed})
    return overrides


def set_flags(overrides):
    flags = []
    for key, value in overrides.items():
        if isinstance(value, list):
            value = "[" + ",".join(map(str, value)) + "]"
        flags += ["--set", f"{key}={value}"]
    return flags
