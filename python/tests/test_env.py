"""arq.make: Gymnasium-shaped single environments, checked against `arq rollout`."""

import numpy as np
import pytest

import arq
from conftest import MINATAR_GAMES, packed_hex, read_jsonl, run_arq


def replay_minatar_rollout(env, records):
    """Steps `env` through a MinAtar rollout file's actions; asserts every record matches."""
    steps = 0
    for record in records[1:]:
        if "reset" in record:
            if record["reset"] == 0:
                obs, info = env.reset()
            else:
                obs, info = env.reset()  # no reseed: the stream continues, as in the harness
            assert info == {}
            assert packed_hex(obs) == record["obs"], f"reset {record['reset']}"
            continue
        obs, reward, terminated, truncated, info = env.step(record["a"])
        where = f"step t={record['t']}"
        assert packed_hex(obs) == record["obs"], where
        assert reward == record["r"], where
        assert terminated == record["term"], where
        assert truncated is False, where
        assert isinstance(reward, float) and isinstance(terminated, bool)
        steps += 1
    return steps


@pytest.mark.parametrize("game", MINATAR_GAMES)
def test_minatar_matches_arq_rollout(game, tmp_path):
    env_id = f"minatar/{game}-v1"
    path = tmp_path / "rollout.jsonl"
    run_arq("rollout", "--env", env_id, "--seed", 3, "--policy", "uniform", "--steps", 3000,
            "--out", path)
    records = read_jsonl(path)
    env = arq.make(env_id, seed=3)
    assert env.observation_space.shape == tuple(records[0]["obs_shape"])
    assert env.action_space.n == len(records[0]["action_set"])
    assert replay_minatar_rollout(env, records) == 3000
    episodes = sum(1 for record in records[1:] if "reset" in record)
    if game != "freeway":  # a uniform policy never ends a Freeway episode in 3000 steps... almost
        assert episodes > 1, "the rollout should cross an episode boundary"


def test_minatar_v0_and_options_match_arq_rollout(tmp_path):
    path = tmp_path / "rollout.jsonl"
    run_arq("rollout", "--env", "minatar/breakout-v0", "--seed", 5, "--policy", "uniform",
            "--steps", 1000, "--sticky", 0.3, "--no-ramping", "--out", path)
    env = arq.make("minatar/breakout-v0", seed=5, sticky_action_prob=0.3,
                   difficulty_ramping=False)
    assert env.action_space.n == 6
    assert replay_minatar_rollout(env, read_jsonl(path)) == 1000


@pytest.mark.parametrize("task", ["walker-walk", "cheetah-run"])
def test_dmc_matches_arq_rollout(task, tmp_path):
    env_id = f"dmc/{task}"
    path = tmp_path / "rollout.jsonl"
    steps = 1010  # past the 1000-step time limit, into the second episode
    run_arq("rollout", "--env", env_id, "--seed", 1, "--policy", "uniform", "--steps", steps,
            "--out", path)
    records = read_jsonl(path)
    env = arq.make(env_id, seed=1)
    assert env.action_space.shape == (records[0]["action_dim"],)
    truncations = 0
    for record in records[1:]:
        if "reset" in record:
            obs, _ = env.reset()
        else:
            obs, reward, terminated, truncated, _ = env.step(np.array(record["a"]))
            assert reward == record["r"], record["t"]
            assert terminated is False and truncated == record["trunc"], record["t"]
            truncations += truncated
        assert obs.dtype == np.float64 and obs.shape == env.observation_space.shape
        np.testing.assert_array_equal(obs, np.array(record["obs"]), err_msg=str(record["t"]))
    assert truncations == 1


def test_spaces_have_gymnasium_attributes():
    env = arq.make("minatar/seaquest-v1", seed=0)
    obs, _ = env.reset()
    assert obs.shape == (10, 10, 10) and obs.dtype == np.bool_
    assert env.observation_space.shape == (10, 10, 10)
    assert env.observation_space.dtype == np.bool_
    assert env.observation_space.contains(obs)
    assert env.observation_space.sample().shape == (10, 10, 10)
    assert env.action_space.n == 6 and env.action_space.shape == ()
    env.action_space.seed(4)
    draws = [env.action_space.sample() for _ in range(200)]
    assert all(env.action_space.contains(a) for a in draws) and len(set(draws)) == 6

    dmc = arq.make("dmc/walker-walk", seed=0)
    obs, _ = dmc.reset()
    assert obs.shape == (24,) and obs.dtype == np.float64
    assert dmc.action_space.shape == (6,) and dmc.action_space.dtype == np.float64
    np.testing.assert_array_equal(dmc.action_space.low, -np.ones(6))
    np.testing.assert_array_equal(dmc.action_space.high, np.ones(6))
    action = dmc.action_space.sample()
    assert dmc.action_space.contains(action)
    assert np.isinf(dmc.observation_space.high).all()
    dmc.step(action)


def test_numpy_integer_actions_are_accepted():
    first, second = arq.make("minatar/breakout-v1", seed=2), arq.make("minatar/breakout-v1", seed=2)
    first.reset()
    second.reset()
    for action in [np.int64(1), np.int32(2), np.uint8(0), np.array(1)]:
        a = first.step(action)
        b = second.step(int(action))
        np.testing.assert_array_equal(a[0], b[0])


def test_bangbang_and_repeat_wrappers():
    bang = arq.make("dmc/walker-walk:bangbang", seed=2)
    plain = arq.make("dmc/walker-walk", seed=2)
    assert bang.action_space.n == 64
    np.testing.assert_array_equal(bang.reset()[0], plain.reset()[0])
    # Index 0b100001: first dimension +1 (most significant bit), last +1, the others -1.
    corner = np.array([1.0, -1.0, -1.0, -1.0, -1.0, 1.0])
    a, b = bang.step(0b100001), plain.step(corner)
    np.testing.assert_array_equal(a[0], b[0])
    assert a[1] == b[1]

    repeat = arq.make("dmc/cheetah-run:repeat2", seed=3)
    plain = arq.make("dmc/cheetah-run", seed=3)
    repeat.reset()
    plain.reset()
    action = np.linspace(-0.5, 0.5, 6)
    obs, reward, *_ = repeat.step(action)
    first, second = plain.step(action), plain.step(action)
    np.testing.assert_array_equal(obs, second[0])
    assert reward == first[1] + second[1]

    both = arq.make("dmc/cheetah-run:repeat2:bangbang", seed=3)
    assert both.action_space.n == 64 and both.reset()[0].shape == (17,)


def test_reset_with_seed_repeats_and_without_continues():
    env = arq.make("minatar/asterix-v1")
    actions = np.random.RandomState(0).randint(5, size=300)

    def play(seed):
        trace = [packed_hex(env.reset(seed=seed)[0])]
        for action in actions:
            obs, reward, terminated, truncated, _ = env.step(action)
            trace.append((packed_hex(obs), reward))
            if terminated:
                trace.append(packed_hex(env.reset()[0]))
        return trace

    assert play(11) == play(11)
    assert play(11) != play(12)
    # make(seed=) seeds the first reset without a seed only.
    env2 = arq.make("minatar/asterix-v1", seed=11)
    assert packed_hex(env2.reset()[0]) == play(11)[0]


def test_render_minatar():
    env = arq.make("minatar/breakout-v1", seed=0, render_mode="rgb_array")
    env.reset()
    frame = env.render()
    assert frame.shape == (160, 160, 3) and frame.dtype == np.uint8
    assert frame.max() > 0  # the paddle, ball and bricks are drawn on black


def test_render_dmc():
    env = arq.make("dmc/reacher-hard", seed=0)
    env.reset()
    try:
        frame = env.render()
    except arq.Error as error:
        pytest.skip(f"no headless OpenGL here: {error}")
    assert frame.shape == (160, 160, 3) and frame.dtype == np.uint8
    assert frame.std() > 0


def test_errors_carry_the_cpp_message():
    with pytest.raises(arq.Error, match="minatar/breakout-v1"):  # the message lists known ids
        arq.make("minatar/brekout-v1")
    with pytest.raises(arq.Error, match="repeat"):
        arq.make("dmc/walker-walk:repeat0")
    env = arq.make("minatar/breakout-v1", seed=0)
    with pytest.raises(arq.Error, match="before reset"):
        env.step(0)
    env.reset()
    with pytest.raises(arq.Error, match=r"action 3 out of range \[0, 3\)"):
        env.step(3)
    with pytest.raises(arq.Error, match="out of range"):
        env.step(-1)
    with pytest.raises(TypeError, match="must be an int"):
        env.step(1.0)
    with pytest.raises(TypeError, match="must be an int"):
        env.step(True)
    with pytest.raises(TypeError, match="must be an int"):
        env.step(np.array([1, 2]))
    with pytest.raises(arq.Error, match=r"reset\(seed=...\) must be in \[0, 2\*\*32\), got -1"):
        env.reset(seed=-1)
    with pytest.raises(TypeError):
        env.reset(seed="0")
    with pytest.raises(arq.Error, match="render_mode"):
        arq.make("minatar/breakout-v1", render_mode="human")
    with pytest.raises(arq.Error, match="sticky"):
        arq.make("minatar/breakout-v1", sticky_action_prob=2.0)

    dmc = arq.make("dmc/hopper-hop", seed=0)
    dmc.reset()
    with pytest.raises(arq.Error, match=r"shape \(4,\), got \(3,\)"):
        dmc.step(np.zeros(3))
    with pytest.raises(TypeError, match="floats, got dtype int64"):
        dmc.step(np.zeros(4, dtype=np.int64))
    with pytest.raises(arq.Error, match="finite|NaN|nan"):
        dmc.step(np.array([0.0, np.nan, 0.0, 0.0]))
    assert issubclass(arq.Error, ValueError)


def test_fast_int_step_equals_the_checked_step():
    """arq.Env installs a C-level step() for int actions (python/src/fast_step.h); it must give
    exactly what the checked pybind11 method gives, and a subclass's own step() must survive."""
    fast = arq.make("minatar/seaquest-v1", seed=11)
    checked = arq.make("minatar/seaquest-v1", seed=11)
    assert type(fast.step).__name__ == "_FastStep"
    fast.reset()
    checked.reset()
    actions = np.random.default_rng(0).integers(0, fast.action_space.n, 2000)
    for action in actions.tolist():
        got = fast.step(action)
        want = arq._arq.Env.step(checked, action)
        assert packed_hex(got[0]) == packed_hex(want[0])
        assert got[0].dtype == want[0].dtype and got[0].shape == want[0].shape
        assert got[1:] == want[1:]
        assert type(got[1]) is float and type(got[2]) is bool and type(got[3]) is bool
        if got[2] or got[3]:
            fast.reset()
            checked.reset()
    # What the fast path does not take goes to the checked path: keywords, numpy ints.
    assert fast.step(action=1)[1:] == arq._arq.Env.step(checked, action=1)[1:]
    assert fast.step(np.int64(2))[1:] == arq._arq.Env.step(checked, np.int64(2))[1:]
    with pytest.raises(OverflowError):
        fast.step(2**70)

    class Counting(arq.Env):
        calls = 0

        def step(self, action):
            Counting.calls += 1
            return super().step(action)

    env = Counting("minatar/breakout-v1", seed=0)
    env.reset()
    env.step(0)
    assert Counting.calls == 1
