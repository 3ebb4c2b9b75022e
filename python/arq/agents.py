"""Trained agents and in-process training."""

import os

from . import _arq


class Agent(_arq.Agent):
    """An agent at the last checkpoint of a run folder (``arq.load``).

    - ``act(obs, epsilon=0.0)``: the greedy action (an int) for an observation, advancing the
      agent's acting context; with probability ``epsilon`` a uniform random action drawn from
      the agent's own stream (``load(..., seed=)``). Continuous agents (SAC) return the
      deterministic action as a float64 array (``sample=True`` draws from the policy).
    - ``q(obs)`` (ARQ, AD): ``{"q": (L, A) float32, "q_mean": (A,), "greedy": int,
      "h": [per-layer (H_l,) float32]}``, one step of the probe context, exactly what
      ``arq q`` writes for the same observation sequence.
    - ``reset_context()``: a new episode (zeroes both contexts).
    - ``parameters()``: every checkpoint tensor by its checkpoint name (docs/checkpoints.md).
    - ``update(batch)`` (ARQ, AD): one local update of every layer from numpy arrays:
      ``windows`` (B, k+1, S) float32 with s_t last, ``next_observations`` (B, S), ``actions``
      (B,) int, ``rewards`` (B,), ``terminated`` (B,) (1 = no bootstrap). Returns per-layer
      metrics. ``sample_batch(seed)`` gives the batch the trainer would draw from the
      checkpoint's replay buffer with ``std::mt19937_64(seed)``; ``trainer_update(seed)`` runs
      the trainer's own update call on that same batch.
    """

    def __init__(self, run_dir, seed=0):
        super().__init__(os.fspath(run_dir), seed)

    def __repr__(self):
        return f"arq.Agent({self.name!r}, {self.env_id!r}, step={self.step})"


def load(run_dir, seed=0):
    """The agent of a run folder (or its checkpoints/ folder) at its last checkpoint."""
    return Agent(run_dir, seed)


def train(config=None, overrides=None, run_dir=None, *, resume=False, progress=None,
          progress_interval=1.0, quiet=True):
    """Trains in-process into a run folder, as ``arq train`` does; returns a summary dict
    (run_dir, steps, episodes, final_eval_mean, finished).

    ``config`` is a TOML preset (e.g. ``configs/arq-minatar-cpu.toml``) or None for the defaults;
    ``overrides`` maps config keys to values (``{"run.total_steps": 50000, "run.seed": 1}``).
    ``run_dir`` defaults to ``runs/<env>__<agent>__<seed>__<time>``. ``progress(info)`` is called
    about every ``progress_interval`` seconds with step, total_steps, episodes, recent_return and
    epsilon; returning False stops the run. Ctrl-C (KeyboardInterrupt) stops it too: the trainer
    finishes the current episode, writes a checkpoint, and the exception is raised;
    ``train(run_dir=..., resume=True)`` then continues exactly.
    """
    return _arq.train(None if config is None else os.fspath(config), dict(overrides or {}),
                      None if run_dir is None else os.fspath(run_dir), resume, progress,
                      progress_interval, quiet)
