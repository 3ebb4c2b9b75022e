"""arq.load: a trained agent's actions, per-layer Q and h (against `arq q`), its parameters
(against the checkpoint file) and single updates (against the trainer's own update)."""

import json
import struct

import numpy as np
import pytest

import arq
from conftest import read_jsonl, run_arq, set_flags, tiny_overrides, unpack_hex


@pytest.fixture(scope="module", params=["arq", "ad"])
def tiny_run(request, tmp_path_factory):
    run_dir = tmp_path_factory.mktemp(f"tiny-{request.param}") / "run"
    run_arq("train", "--quiet", "--run-dir", run_dir,
            *set_flags(tiny_overrides(agent=request.param, steps=400)))
    return run_dir


def read_safetensors(path):
    with open(path, "rb") as file:
        size = struct.unpack("<Q", file.read(8))[0]
        header = json.loads(file.read(size))
        data = file.read()
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] == "F32"
        begin, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(data[begin:end], dtype="<f4").reshape(entry["shape"])
    return tensors


def test_q_equals_arq_q(tiny_run, tmp_path):
    rollout = tmp_path / "rollout.jsonl"
    run_arq("rollout", "--env", "minatar/breakout-v1", "--seed", 4, "--policy", "uniform",
            "--steps", 400, "--out", rollout)
    q_file = tmp_path / "q.jsonl"
    run_arq("q", "--checkpoint", tiny_run, "--obs", rollout, "--out", q_file)
    lines = read_jsonl(rollout)
    expected = read_jsonl(q_file)
    agent = arq.load(tiny_run)
    assert agent.is_local and agent.env_id == "minatar/breakout-v1"
    shape = tuple(lines[0]["obs_shape"])
    episode = None
    for record in expected[1:]:
        if record["episode"] != episode:
            agent.reset_context()
            episode = record["episode"]
        obs = unpack_hex(lines[record["line"] - 1]["obs"], shape)
        got = agent.q(obs)
        np.testing.assert_array_equal(got["q"], np.array(record["q"], dtype=np.float32))
        np.testing.assert_array_equal(got["q_mean"], np.array(record["q_mean"], dtype=np.float32))
        assert got["greedy"] == record["greedy"]
        assert len(got["h"]) == len(record["h"])
        for h, h_expected in zip(got["h"], record["h"]):
            np.testing.assert_array_equal(h, np.array(h_expected, dtype=np.float32))
    assert len(expected) > 300


def test_act_follows_the_greedy_q(tiny_run):
    agent = arq.load(tiny_run)
    env = arq.make("minatar/breakout-v1", seed=9)
    obs, _ = env.reset()
    agent.reset_context()
    for _ in range(200):
        action = agent.act(obs)
        assert action == agent.q(obs)["greedy"]  # both contexts see the same observations
        obs, _, terminated, _, _ = env.step(action)
        if terminated:
            obs, _ = env.reset()
            agent.reset_context()
    random_actions = {agent.act(obs, epsilon=1.0) for _ in range(100)}
    assert random_actions == {0, 1, 2}


def test_parameters_are_the_checkpoint_tensors(tiny_run):
    agent = arq.load(tiny_run)
    files = list((tiny_run / "checkpoints").glob("model_*.safetensors"))
    assert len(files) == 1
    stored = read_safetensors(files[0])
    params = agent.parameters()
    assert set(params) == set(stored)
    assert any(name.startswith("online.layer0") for name in params)
    for name, value in stored.items():
        np.testing.assert_array_equal(params[name].reshape(value.shape), value, err_msg=name)


def test_update_equals_the_trainers_update(tiny_run):
    ours, trainers = arq.load(tiny_run), arq.load(tiny_run)
    before = ours.parameters()
    batch = ours.sample_batch(seed=123)
    assert batch["windows"].shape == (16, 11, 400) and batch["windows"].dtype == np.float32
    assert batch["actions"].shape == (16,)
    metrics = ours.update({key: value.copy() for key, value in batch.items()})
    trainer_metrics = trainers.trainer_update(seed=123)
    assert len(metrics) == 3
    for layer, values in enumerate(metrics):
        assert values["td_loss"] == trainer_metrics[f"td_loss_layer{layer}"]
        assert values["gradient_norm"] == trainer_metrics[f"grad_norm_layer{layer}"]
    after, expected = ours.parameters(), trainers.parameters()
    for name in expected:
        np.testing.assert_array_equal(after[name], expected[name], err_msg=name)
    changed = [name for name in before if not np.array_equal(before[name], after[name])]
    assert any(name.startswith("online.") for name in changed)
    assert ours.counters() == trainers.counters()

    # A different batch gives a different update (the comparison above can fail).
    other = arq.load(tiny_run)
    shifted = dict(batch)
    shifted["rewards"] = batch["rewards"] + 1.0
    other.update(shifted)
    assert any(not np.array_equal(other.parameters()[name], expected[name]) for name in expected)


def test_agent_errors(tiny_run, tmp_path):
    with pytest.raises(arq.Error, match="expected a run folder"):
        arq.load(tmp_path / "missing")
    agent = arq.load(tiny_run)
    with pytest.raises(arq.Error, match="400 values"):
        agent.q(np.zeros(10))
    batch = agent.sample_batch(seed=0)
    bad = dict(batch)
    bad["rewards"] = batch["rewards"][:3]
    with pytest.raises(arq.Error, match="'rewards' must have shape"):
        agent.update(bad)
    bad = dict(batch)
    bad["actions"] = batch["actions"] + 5
    with pytest.raises(arq.Error, match="out of range"):
        agent.update(bad)
    del bad["terminated"]
    with pytest.raises(arq.Error, match="no 'terminated'"):
        agent.update(bad)
    with pytest.raises(arq.Error, match="epsilon"):
        agent.act(np.zeros((10, 10, 4)), epsilon=2.0)
