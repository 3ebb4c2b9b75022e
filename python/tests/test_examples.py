"""The examples in examples/ run (the PyTorch one only where PyTorch is installed)."""

import subprocess
import sys

import pytest

from conftest import SOURCE_DIR, run_arq, set_flags, tiny_overrides

EXAMPLES = SOURCE_DIR / "examples"


def run_example(*args):
    result = subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_plot_eval(tmp_path):
    run_dir = tmp_path / "run"
    overrides = tiny_overrides(steps=600)
    overrides.update({"run.eval_frequency": 200, "run.eval_episodes": 1})
    run_arq("train", "--quiet", "--run-dir", run_dir, *set_flags(overrides))
    out = tmp_path / "eval.svg"
    printed = run_example(EXAMPLES / "plot_eval.py", run_dir, "--out", out)
    assert "4 evaluations" in printed  # steps 0, 200, 400 and 600
    assert out.read_text().lstrip().startswith(("<svg", "<?xml"))


def test_dqn_torch_example():
    pytest.importorskip("torch", reason="PyTorch (python3-torch) is not installed")
    printed = run_example(EXAMPLES / "dqn_minatar_torch.py", "--num-envs", 4, "--frames", 1200,
                          "--replay-start", 400)
    assert "done: " in printed
