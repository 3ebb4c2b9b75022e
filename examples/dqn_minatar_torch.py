"""MinAtar's reference DQN in PyTorch, collecting experience from `arq.make_vec`.

The network and hyper-parameters are those of MinAtar's examples/dqn.py (Young & Tian, 2019): a
3x3 convolution with 16 channels, a 128-unit hidden layer, centred RMSprop (lr 2.5e-4, alpha
0.95, eps 0.01), Huber loss, gamma 0.99, batch 32, replay of 100k transitions starting at 5k,
target network copied every 1,000 updates, epsilon from 1.0 to 0.1 over the first 100k frames.
What differs: experience comes from --num-envs environments stepped together in C++ (one update
per vector step, so frames per update = num_envs), and episodes are counted per environment.

Needs PyTorch (Debian: python3-torch).

    PYTHONPATH=build/python python3 examples/dqn_minatar_torch.py --env minatar/breakout-v1 \
        --num-envs 8 --frames 200000
"""
import argparse
import time

import numpy as np
import torch
import torch.nn.functional as F

import arq


class QNetwork(torch.nn.Module):
    def __init__(self, channels, actions):
        super().__init__()
        self.conv = torch.nn.Conv2d(channels, 16, kernel_size=3, stride=1)
        self.hidden = torch.nn.Linear(16 * 8 * 8, 128)
        self.out = torch.nn.Linear(128, actions)

    def forward(self, x):
        x = F.relu(self.conv(x))
        x = F.relu(self.hidden(x.flatten(1)))
        return self.out(x)


class Replay:
    """A ring of transitions; observations stay (10, 10, C) bool until sampled."""

    def __init__(self, capacity, obs_shape, seed):
        self.obs = np.zeros((capacity,) + obs_shape, dtype=np.bool_)
        self.next_obs = np.zeros_like(self.obs)
        self.actions = np.zeros(capacity, dtype=np.int64)
        self.rewards = np.zeros(capacity, dtype=np.float32)
        self.terminated = np.zeros(capacity, dtype=np.float32)
        self.capacity, self.size, self.position = capacity, 0, 0
        self.rng = np.random.default_rng(seed)

    def add(self, obs, actions, rewards, next_obs, terminated):
        for i in range(len(actions)):
            p = self.position
            self.obs[p], self.next_obs[p] = obs[i], next_obs[i]
            self.actions[p], self.rewards[p], self.terminated[p] = actions[i], rewards[i], terminated[i]
            self.position = (p + 1) % self.capacity
            self.size = min(self.size + 1, self.capacity)

    def sample(self, batch):
        index = self.rng.integers(self.size, size=batch)

        def as_tensor(obs):  # (B, 10, 10, C) bool -> (B, C, 10, 10) float, as MinAtar's dqn.py
            return torch.from_numpy(obs[index]).permute(0, 3, 1, 2).float()

        return (as_tensor(self.obs), torch.from_numpy(self.actions[index]),
                torch.from_numpy(self.rewards[index]), as_tensor(self.next_obs),
                torch.from_numpy(self.terminated[index]))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--env", default="minatar/breakout-v1")
    parser.add_argument("--num-envs", type=int, default=8)
    parser.add_argument("--frames", type=int, default=5_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--replay-start", type=int, default=5_000)
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    envs = arq.make_vec(args.env, args.num_envs, seed=args.seed)
    obs_shape = envs.single_observation_space.shape
    num_actions = int(envs.single_action_space.n)
    online, target = QNetwork(obs_shape[2], num_actions), QNetwork(obs_shape[2], num_actions)
    target.load_state_dict(online.state_dict())
    optimizer = torch.optim.RMSprop(online.parameters(), lr=2.5e-4, alpha=0.95, centered=True,
                                    eps=0.01)
    replay = Replay(100_000, obs_shape, args.seed)
    rng = np.random.default_rng(args.seed + 1)

    obs, _ = envs.reset()
    just_reset = np.zeros(args.num_envs, dtype=bool)  # next-step autoreset: skip that transition
    returns, finished, frames, updates = np.zeros(args.num_envs), [], 0, 0
    start = time.perf_counter()
    while frames < args.frames:
        epsilon = 1.0 if frames < args.replay_start else max(
            0.1, 1.0 - 0.9 * (frames - args.replay_start) / 100_000)
        with torch.no_grad():
            greedy = online(torch.from_numpy(obs).permute(0, 3, 1, 2).float()).argmax(1).numpy()
        explore = rng.random(args.num_envs) < epsilon
        actions = np.where(explore, rng.integers(num_actions, size=args.num_envs), greedy)
        next_obs, rewards, terminated, truncated, _ = envs.step(actions)
        keep = ~just_reset
        replay.add(obs[keep], actions[keep], rewards[keep], next_obs[keep], terminated[keep])
        returns += np.where(keep, rewards, 0.0)
        done = terminated | truncated
        for i in np.flatnonzero(done):
            finished.append(returns[i])
            returns[i] = 0.0
        just_reset = done
        obs = next_obs
        frames += int(keep.sum())

        if replay.size >= args.replay_start:
            states, acted, rewarded, next_states, ended = replay.sample(32)
            with torch.no_grad():
                bootstrap = target(next_states).max(1).values
            targets = rewarded + 0.99 * (1.0 - ended) * bootstrap
            predicted = online(states).gather(1, acted.unsqueeze(1)).squeeze(1)
            loss = F.smooth_l1_loss(predicted, targets)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            updates += 1
            if updates % 1_000 == 0:
                target.load_state_dict(online.state_dict())
        if finished and len(finished) % 100 == 0 and done.any():
            print(f"frames {frames}  episodes {len(finished)}  "
                  f"mean return (last 100) {np.mean(finished[-100:]):.2f}  "
                  f"frames/s {frames / (time.perf_counter() - start):.0f}", flush=True)
    recent = np.mean(finished[-100:]) if finished else float("nan")
    print(f"done: {frames} frames, {updates} updates, {len(finished)} episodes, "
          f"mean return of the last 100 episodes {recent:.2f}")


if __name__ == "__main__":
    main()
