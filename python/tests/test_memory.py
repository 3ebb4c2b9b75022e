"""No memory growth over 10^6 steps (resident set size before and after)."""

import os

import numpy as np
import pytest

import arq

# Under AddressSanitizer freed blocks wait in a quarantine (up to 256 MB) before reuse, so the
# resident set grows without any leak: these measurements mean nothing in that build.
pytestmark = pytest.mark.skipif(
    os.environ.get("ARQ_SANITIZED") == "1",
    reason="sanitizer build: ASan's quarantine keeps freed memory resident")


def resident_bytes():
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE")


def play_single(env, actions):
    env.reset()
    for action in actions:
        obs, reward, terminated, truncated, info = env.step(action)
        if terminated or truncated:
            env.reset()


def test_single_env_does_not_grow_over_a_million_steps():
    env = arq.make("minatar/breakout-v1", seed=0)
    actions = np.random.RandomState(0).randint(3, size=1_000_000).tolist()
    play_single(env, actions[:20_000])  # warm up allocators
    before = resident_bytes()
    play_single(env, actions)
    growth = resident_bytes() - before
    # A leaked observation per step would be hundreds of megabytes.
    assert growth < 4 * 2**20, f"resident set grew by {growth} bytes"


def test_vector_env_does_not_grow_over_a_million_steps():
    for copy in (True, False):
        envs = arq.make_vec("minatar/space_invaders-v1", 64, seed=0, copy=copy)
        envs.reset()
        actions = np.random.RandomState(1).randint(4, size=(64,))
        for _ in range(200):
            envs.step(actions)
        before = resident_bytes()
        for _ in range(1_000_000 // 64):
            envs.step(actions)
        growth = resident_bytes() - before
        assert growth < 4 * 2**20, f"copy={copy}: resident set grew by {growth} bytes"
