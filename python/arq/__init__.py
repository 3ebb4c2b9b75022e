"""arq from Python: Gymnasium-shaped MinAtar and DeepMind Control environments, vectorised
stepping in C++, trained agents and in-process training.

    import arq
    env = arq.make("minatar/breakout-v1", seed=0)
    obs, info = env.reset()
    obs, reward, terminated, truncated, info = env.step(env.action_space.sample())

    envs = arq.make_vec("minatar/breakout-v1", 64, seed=0)
    agent = arq.load("runs/my-run")
"""

from . import spaces
from ._arq import Error, __version__, env_ids, git_commit
from .agents import Agent, load, train
from .envs import Env, VectorEnv, make, make_vec

__all__ = ["Agent", "Env", "Error", "VectorEnv", "env_ids", "git_commit", "load", "make", "make_vec", "spaces",
           "train", "__version__"]
