#!/usr/bin/env python3
"""Recomputes an ARQ/AD agent's per-layer Q-values and activations from its checkpoint with
numpy alone, following docs/checkpoints.md literally (it runs that document's Python blocks),
and compares them with the output of `arq q`.

    python3 scripts/q_from_checkpoint.py --checkpoint RUN --obs ROLLOUT.jsonl --q Q.jsonl

Every step is recomputed from the observation and the context arq used (the previous line's
h). Exits 0 when every layer's Q and h, the acting Q and the greedy action agree within
--tolerance (relative to the largest magnitude of each quantity), 1 otherwise.
"""
import argparse
import json
import pathlib
import re
import sys
import tomllib

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
VERIFIED = "<!-- verified: scripts/q_from_checkpoint.py runs this block -->"


def document_code(doc_path):
    """The safetensors loader and every block marked as verified, from the document."""
    text = doc_path.read_text(encoding="utf-8")
    blocks = re.findall(r"(<!--[^\n]*-->\n)?```python\n(.*?)```", text, flags=re.S)
    loader = [code for _, code in blocks if "def load_safetensors" in code]
    verified = [code for marker, code in blocks if marker.strip() == VERIFIED]
    if len(loader) != 1 or len(verified) < 2:
        sys.exit(f"{doc_path}: expected the load_safetensors block and the verified blocks")
    namespace = {}
    for code in loader + verified:
        exec(compile(code, str(doc_path), "exec"), namespace)
    return namespace


def rollout_observations(path, size):
    """(line, observation) for every record, in file order; MinAtar obs are packed hex."""
    out = {}
    with open(path, encoding="utf-8") as f:
        for number, text in enumerate(f, start=1):
            record = json.loads(text)
            if record.get("type") == "header":
                continue
            obs = record["obs"]
            if isinstance(obs, str):
                bits = np.unpackbits(np.frombuffer(bytes.fromhex(obs), dtype=np.uint8))
                out[number] = bits[:size].astype(np.float64)
            else:
                out[number] = np.asarray(obs, dtype=np.float64).astype(np.float32)
    return out


class Worst:
    """The largest error of one quantity relative to its largest magnitude."""

    def __init__(self):
        self.error = 0.0
        self.scale = 0.0

    def add(self, ours, theirs):
        self.error = max(self.error, float(np.max(np.abs(ours - theirs))))
        self.scale = max(self.scale, float(np.max(np.abs(theirs))))

    def relative(self):
        return self.error / self.scale if self.scale > 0 else self.error


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkpoint", required=True, help="run folder")
    parser.add_argument("--obs", required=True, help="the rollout file given to arq q")
    parser.add_argument("--q", required=True, help="the output of arq q")
    parser.add_argument("--doc", default=str(HERE.parent / "docs" / "checkpoints.md"))
    parser.add_argument("--tolerance", type=float, default=1e-4)
    args = parser.parse_args()

    doc = document_code(pathlib.Path(args.doc))
    run = pathlib.Path(args.checkpoint)
    if run.name == "checkpoints":
        run = run.parent
    sidecar = json.loads((run / "checkpoints" / "checkpoint.json").read_text())
    tensors, _ = doc["load_safetensors"](str(run / "checkpoints" / sidecar["model_file"]))
    with open(run / "config.toml", "rb") as f:
        layers, settings, widths = doc["load_agent"](tensors, tomllib.load(f))
    observations = rollout_observations(args.obs, settings["observation_size"])

    with open(args.q, encoding="utf-8") as f:
        lines = [json.loads(line) for line in f]
    header, records = lines[0], lines[1:]
    if header.get("format") != "arq-q-1" or header["widths"] != widths:
        sys.exit(f"{args.q}: not an arq q file for this checkpoint (widths {widths})")

    # Each step is recomputed from arq's own context (the previous line's h): that checks the
    # document's equations for one observation and context. Carrying numpy's own context
    # instead ("free-running") is reported too; the recurrence can amplify float32 rounding
    # over a long episode, so it is information, not the test.
    worst = {"q": Worst(), "h": Worst(), "q_mean": Worst()}
    free_running = Worst()
    greedy_mismatches = 0
    episode = None
    for record in records:
        if record["episode"] != episode:
            episode = record["episode"]
            context = [np.zeros(w) for w in widths]
            own_context = context
        observation = observations[record["line"]]
        hs, qs, acting_q, greedy, _ = doc["stack_step"](layers, settings, observation, context)
        context = [np.asarray(h, dtype=np.float64) for h in record["h"]]
        own_hs, _, own_acting_q, _, _ = doc["stack_step"](layers, settings, observation,
                                                          own_context)
        own_context = own_hs
        free_running.add(own_acting_q, np.asarray(record["q_mean"]))
        for l in range(len(widths)):
            worst["q"].add(qs[l], np.asarray(record["q"][l]))
            worst["h"].add(hs[l], np.asarray(record["h"][l]))
        worst["q_mean"].add(acting_q, np.asarray(record["q_mean"]))
        # A near-tie may break either way in float32; count only clear disagreements.
        if greedy != record["greedy"]:
            gap = acting_q[greedy] - acting_q[record["greedy"]]
            if gap > args.tolerance * max(1.0, float(np.max(np.abs(acting_q)))):
                greedy_mismatches += 1

    ok = greedy_mismatches == 0
    for name, w in worst.items():
        ok = ok and w.relative() <= args.tolerance
        print(f"{name}: max abs error {w.error:.3g}, relative {w.relative():.3g}")
    print(f"free-running context (information): q_mean relative error "
          f"{free_running.relative():.3g}")
    print(f"greedy actions: {len(records) - greedy_mismatches}/{len(records)} agree; "
          f"{header['agent']} goodness={settings['goodness']} code={settings['action_code']} "
          f"conditioning={settings['action_conditioning']} norm={settings['norm_order']}: "
          f"{'OK' if ok else 'MISMATCH'} (tolerance {args.tolerance:g})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
