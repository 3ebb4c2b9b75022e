"""arq.make_vec: N environments stepped in C++ equal N single environments stepped by hand, with
Gymnasium 1.x next-step autoreset."""

import numpy as np
import pytest

import arq


def hand_stepped(env_id, num_envs, seed, actions):
    """What make_vec must return, from single environments: environment i seeded with seed + i;
    the step after an episode ends resets it (reward 0, both flags False)."""
    envs = [arq.make(env_id, seed=seed + i) for i in range(num_envs)]
    first = np.stack([env.reset()[0] for env in envs])
    done = [False] * num_envs
    results = []
    for step_actions in actions:
        row = []
        for i, env in enumerate(envs):
            if done[i]:
                obs, reward, terminated, truncated = env.reset()[0], 0.0, False, False
            else:
                obs, reward, terminated, truncated, _ = env.step(step_actions[i])
            done[i] = terminated or truncated
            row.append((obs, reward, terminated, truncated))
        results.append(tuple(np.array(column) for column in zip(*row)))
    return first, results


def vector_stepped(env_id, num_envs, seed, actions, **options):
    envs = arq.make_vec(env_id, num_envs, seed=seed, **options)
    first, info = envs.reset()
    assert info == {}
    results = []
    for step_actions in actions:
        obs, rewards, terminated, truncated, info = envs.step(step_actions)
        results.append((obs.copy(), rewards.copy(), terminated.copy(), truncated.copy()))
    return first, results


def assert_same(expected, actual):
    (first_e, steps_e), (first_a, steps_a) = expected, actual
    np.testing.assert_array_equal(first_e, first_a)
    for t, (e, a) in enumerate(zip(steps_e, steps_a)):
        for name, x, y in zip(["obs", "reward", "terminated", "truncated"], e, a):
            assert x.dtype == y.dtype, (t, name)
            np.testing.assert_array_equal(x, y, err_msg=f"step {t} {name}")


@pytest.mark.parametrize("game", ["breakout", "space_invaders"])
def test_minatar_vector_equals_single_envs(game):
    env_id = f"minatar/{game}-v1"
    num_envs, steps = 5, 2500
    n = arq.make(env_id).action_space.n
    actions = np.random.RandomState(1).randint(n, size=(steps, num_envs))
    expected = hand_stepped(env_id, num_envs, 20, actions)
    ends = sum(int(terminated.sum()) for _, _, terminated, _ in expected[1])
    assert ends >= 5, "the test should cover autoresets"
    assert_same(expected, vector_stepped(env_id, num_envs, 20, actions))
    assert_same(expected, vector_stepped(env_id, num_envs, 20, actions, num_threads=2))


def test_dmc_vector_equals_single_envs_across_truncation():
    env_id = "dmc/reacher-hard:bangbang"
    actions = np.random.RandomState(2).randint(4, size=(1003, 2))
    expected = hand_stepped(env_id, 2, 7, actions)
    assert expected[1][999][3].all() and not expected[1][1000][3].any()  # time limit, autoreset
    assert_same(expected, vector_stepped(env_id, 2, 7, actions, num_threads=2))


def test_continuous_vector_actions():
    envs = arq.make_vec("dmc/cheetah-run", 3, seed=0)
    obs, _ = envs.reset()
    assert obs.shape == (3, 17) and obs.dtype == np.float64
    assert envs.action_space.shape == (3, 6)
    assert envs.single_action_space.shape == (6,)
    single = [arq.make("dmc/cheetah-run", seed=i) for i in range(3)]
    for env in single:
        env.reset()
    actions = envs.action_space.sample()
    obs, rewards, *_ = envs.step(actions)
    for i, env in enumerate(single):
        o, r, *_ = env.step(actions[i])
        np.testing.assert_array_equal(obs[i], o)
        assert rewards[i] == r


def test_spaces_and_buffers():
    envs = arq.make_vec("minatar/freeway-v1", 8, seed=0, copy=False)
    assert envs.num_envs == 8
    assert envs.single_observation_space.shape == (10, 10, 7)
    assert envs.observation_space.shape == (8, 10, 10, 7)
    assert list(envs.action_space.nvec) == [3] * 8
    assert envs.metadata["autoreset_mode"] == "NextStep"
    obs, _ = envs.reset()
    first = envs.step(envs.action_space.sample())
    second = envs.step(envs.action_space.sample())
    assert first[0] is second[0] and first[1] is second[1]  # the preallocated arrays
    copying = arq.make_vec("minatar/freeway-v1", 8, seed=0)
    copying.reset()
    assert copying.step(np.zeros(8, dtype=np.int64))[0] is not copying.step(
        np.zeros(8, dtype=np.int64))[0]


def test_seed_lists_and_continued_streams():
    envs = arq.make_vec("minatar/asterix-v1", 3)
    obs, _ = envs.reset(seed=[5, 9, 5])
    np.testing.assert_array_equal(obs[0], obs[2])
    single = arq.make("minatar/asterix-v1")
    np.testing.assert_array_equal(obs[1], single.reset(seed=9)[0])
    np.testing.assert_array_equal(envs.reset(seed=4)[0][2], single.reset(seed=6)[0])


def test_vector_errors():
    with pytest.raises(arq.Error, match="num_envs must be >= 1"):
        arq.make_vec("minatar/breakout-v1", 0)
    with pytest.raises(arq.Error, match="num_threads"):
        arq.make_vec("minatar/breakout-v1", 2, num_threads=3)
    with pytest.raises(arq.Error, match="unknown environment id"):
        arq.make_vec("minatar/pong-v1", 2)
    envs = arq.make_vec("minatar/breakout-v1", 4, seed=0)
    with pytest.raises(arq.Error, match="before reset"):
        envs.step(np.zeros(4, dtype=np.int64))
    envs.reset()
    with pytest.raises(arq.Error, match=r"shape \(4,\), got \(3,\)"):
        envs.step(np.zeros(3, dtype=np.int64))
    with pytest.raises(TypeError, match="integers, got dtype float64"):
        envs.step(np.zeros(4))
    with pytest.raises(arq.Error, match=r"actions\[2\] = 7 out of range \[0, 3\)"):
        envs.step(np.array([0, 1, 7, 0]))
    with pytest.raises(arq.Error, match="one seed per environment"):
        envs.reset(seed=[1, 2])
    with pytest.raises(arq.Error, match="below 2\\*\\*32"):
        envs.reset(seed=2**32 - 2)
    dmc = arq.make_vec("dmc/hopper-hop", 2, seed=0)
    dmc.reset()
    with pytest.raises(arq.Error, match=r"shape \(2, 4\)"):
        dmc.step(np.zeros((2, 3)))
