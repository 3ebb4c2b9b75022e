"""Gymnasium-shaped environments over arq's C++ environments."""

import numpy as np

from . import _arq
from .spaces import Box, Discrete, MultiDiscrete


def _observation_space(env_id, obs_shape):
    if env_id.startswith("minatar/"):
        # As MinAtar's own gym wrapper: state() is a (10, 10, C) bool array.
        return Box(0, 1, obs_shape, np.bool_)
    if env_id.startswith("dmc/"):
        return Box(-np.inf, np.inf, obs_shape, np.float64)
    return Box(-np.inf, np.inf, obs_shape, np.float32)


def _action_space(num_actions, action_dim):
    if num_actions > 0:
        return Discrete(num_actions)
    return Box(-1.0, 1.0, (action_dim,), np.float64)


class _Lifecycle:
    """What Gymnasium's Env and VectorEnv share: ``unwrapped``, ``close`` and ``with`` support."""

    @property
    def unwrapped(self):
        return self

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


class Env(_Lifecycle, _arq.Env):
    """One environment: ``reset(seed=None, options=None) -> (obs, info)``,
    ``step(action) -> (obs, reward, terminated, truncated, info)``, ``render() -> (H, W, 3) uint8``.

    ``reset``, ``step`` and ``render`` run in C++; errors raise ``arq.Error`` (a ValueError)
    with the C++ message, or TypeError for an action of the wrong type.
    """

    metadata = {"render_modes": ["rgb_array"], "render_fps": 30}

    def __init__(self, env_id, seed=None, *, sticky_action_prob=0.1, difficulty_ramping=True,
                 render_mode=None):
        if render_mode not in (None, "rgb_array"):
            raise _arq.Error(f"render_mode must be None or 'rgb_array', got {render_mode!r}")
        super().__init__(env_id, seed, sticky_action_prob, difficulty_ramping)
        self.render_mode = render_mode
        self.observation_space = _observation_space(self.id, self._obs_shape)
        self.action_space = _action_space(self._num_actions, self._action_dim)
        if type(self).step is _arq.Env.step:
            # The same step() without pybind11's per-call dispatch for int actions (about 3x
            # faster from Python); a subclass that overrides step keeps its own.
            self.step = self._fast_step()

    def __repr__(self):
        return f"arq.Env({self.id!r})"


class VectorEnv(_Lifecycle, _arq.VectorEnv):
    """``num_envs`` environments stepped together in C++.

    ``step(actions)`` takes an integer array of shape (num_envs,) (discrete) or a float array of
    shape (num_envs, action_dim) and returns batched arrays. Autoreset follows Gymnasium 1.x's
    default, next-step mode: after a step that ends environment i's episode, the next step resets
    environment i (its action is ignored) and reports reward 0 and terminated = truncated = False
    with the new episode's first observation. ``reset(seed=s)`` seeds environment i with s + i.
    With ``copy=False`` every call returns the same preallocated arrays, overwritten by the next.
    """

    metadata = {"autoreset_mode": "NextStep", "render_modes": []}

    def __init__(self, env_id, num_envs, seed=None, *, num_threads=1, copy=True,
                 sticky_action_prob=0.1, difficulty_ramping=True):
        super().__init__(env_id, num_envs, seed, sticky_action_prob, difficulty_ramping,
                         num_threads, copy)
        self.single_observation_space = _observation_space(self.id, self._obs_shape)
        self.single_action_space = _action_space(self._num_actions, self._action_dim)
        single = self.single_observation_space
        self.observation_space = Box(single.low.flat[0], single.high.flat[0],
                                     (num_envs,) + single.shape, single.dtype)
        if self._num_actions > 0:
            self.action_space = MultiDiscrete([self._num_actions] * num_envs)
        else:
            self.action_space = Box(-1.0, 1.0, (num_envs, self._action_dim), np.float64)

    def __repr__(self):
        return f"arq.VectorEnv({self.id!r}, num_envs={self.num_envs})"


def make(env_id, seed=None, *, sticky_action_prob=0.1, difficulty_ramping=True, render_mode=None):
    """An environment by id: ``minatar/<game>-v0|v1``, ``dmc/<domain>-<task>`` with optional
    ``:bangbang`` and ``:repeatN`` suffixes (``arq.env_ids()`` lists them).

    ``seed`` seeds the first ``reset()`` that names no seed (as ``arq rollout --seed``); without
    one the first reset draws a seed from the operating system, as Gymnasium does.
    """
    return Env(env_id, seed, sticky_action_prob=sticky_action_prob,
               difficulty_ramping=difficulty_ramping, render_mode=render_mode)


def make_vec(env_id, num_envs, seed=None, *, num_threads=1, copy=True, sticky_action_prob=0.1,
             difficulty_ramping=True):
    """``num_envs`` copies of ``env_id`` stepped together in C++; see VectorEnv.

    Environment i is seeded with ``seed + i`` at the first reset (or with ``reset(seed=s)``:
    s + i), so ``make_vec(id, n, seed=s)`` steps exactly like ``make(id, seed=s + i)`` for
    i < n, each reset after its episode ends. ``num_threads`` > 1 splits the environments over
    that many threads (the results do not depend on it).
    """
    return VectorEnv(env_id, num_envs, seed, num_threads=num_threads, copy=copy,
                     sticky_action_prob=sticky_action_prob, difficulty_ramping=difficulty_ramping)
