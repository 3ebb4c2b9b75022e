"""arq.train: in-process training into a run folder, progress callbacks and Ctrl-C."""

import os
import signal

import numpy as np
import pytest

import arq
from conftest import SOURCE_DIR, tiny_overrides

CONFIG = SOURCE_DIR / "configs" / "arq-minatar-cpu.toml"


def test_train_writes_a_run_and_reports_progress(tmp_path):
    seen = []
    summary = arq.train(CONFIG, tiny_overrides(steps=600), run_dir=tmp_path / "run",
                        progress=seen.append, progress_interval=1e-6)
    assert summary["finished"] and summary["steps"] == 600
    assert (tmp_path / "run" / "eval.csv").exists()
    assert (tmp_path / "run" / "checkpoints" / "checkpoint.json").exists()
    assert seen and seen[-1]["step"] == 600 and seen[-1]["total_steps"] == 600
    assert [info["step"] for info in seen] == sorted(info["step"] for info in seen)
    assert arq.load(tmp_path / "run").step == 600


def test_ctrl_c_leaves_a_resumable_run(tmp_path):
    overrides = tiny_overrides(steps=1500)
    arq.train(CONFIG, overrides, run_dir=tmp_path / "whole")

    def interrupt(info):
        if info["step"] >= 500:
            os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(KeyboardInterrupt):
        arq.train(CONFIG, overrides, run_dir=tmp_path / "cut", progress=interrupt,
                  progress_interval=1e-6)
    stopped_at = arq.load(tmp_path / "cut").step
    assert 500 <= stopped_at < 1500
    summary = arq.train(run_dir=tmp_path / "cut", resume=True)
    assert summary["finished"] and summary["steps"] == 1500
    whole, resumed = arq.load(tmp_path / "whole").parameters(), arq.load(tmp_path / "cut").parameters()
    for name in whole:
        np.testing.assert_array_equal(whole[name], resumed[name], err_msg=name)


def test_callback_can_stop_and_errors_propagate(tmp_path):
    summary = arq.train(CONFIG, tiny_overrides(steps=1500), run_dir=tmp_path / "stop",
                        progress=lambda info: info["step"] < 300, progress_interval=1e-6)
    assert not summary["finished"] and 300 <= summary["steps"] < 1500

    def broken(info):
        raise RuntimeError("callback failed")

    with pytest.raises(RuntimeError, match="callback failed"):
        arq.train(CONFIG, tiny_overrides(steps=1500), run_dir=tmp_path / "broken",
                  progress=broken, progress_interval=1e-6)
    with pytest.raises(arq.Error, match="unknown config key 'run.nope'"):
        arq.train(CONFIG, {"run.nope": 1}, run_dir=tmp_path / "bad")
    with pytest.raises(arq.Error, match="no such file"):
        arq.train(tmp_path / "missing.toml")
    with pytest.raises(arq.Error, match="keeps the config"):
        arq.train(CONFIG, {"run.seed": 3}, run_dir=tmp_path / "stop", resume=True)
