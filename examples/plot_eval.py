"""Plots a run's evaluation curve (eval.csv: mean return ± one standard deviation per evaluation).

    PYTHONPATH=build/python python3 examples/plot_eval.py runs/my-run --out eval.svg

With matplotlib installed (Debian: python3-matplotlib) the figure is drawn by matplotlib in any
format it knows (png, pdf, svg); without it, a plain SVG is written by this script.
"""
import argparse
import pathlib
import sys

import numpy as np

import arq


def read_eval(run_dir):
    path = pathlib.Path(run_dir) / "eval.csv"
    if not path.exists():
        sys.exit(f"{path}: no such file (is '{run_dir}' a run folder?)")
    table = np.genfromtxt(path, delimiter=",", names=True, ndmin=1)
    return table["step"], table["mean_return"], table["std_return"]


def plot_matplotlib(steps, mean, std, title, out):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    figure, axes = plt.subplots(figsize=(6, 4))
    axes.plot(steps, mean, marker="o")
    axes.fill_between(steps, mean - std, mean + std, alpha=0.25)
    axes.set_xlabel("environment steps")
    axes.set_ylabel("evaluation return")
    axes.set_title(title)
    figure.tight_layout()
    figure.savefig(out)


def plot_svg(steps, mean, std, title, out):
    width, height, margin = 600, 400, 60
    x_low, x_high = steps.min(), max(steps.max(), steps.min() + 1)
    y_low, y_high = (mean - std).min(), max((mean + std).max(), (mean - std).min() + 1)

    def x(value):
        return margin + (value - x_low) / (x_high - x_low) * (width - 2 * margin)

    def y(value):
        return height - margin - (value - y_low) / (y_high - y_low) * (height - 2 * margin)

    band = [f"{x(s):.1f},{y(m + d):.1f}" for s, m, d in zip(steps, mean, std)]
    band += [f"{x(s):.1f},{y(m - d):.1f}" for s, m, d in reversed(list(zip(steps, mean, std)))]
    line = " ".join(f"{x(s):.1f},{y(m):.1f}" for s, m in zip(steps, mean))
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">',
           '<rect width="100%" height="100%" fill="white"/>',
           f'<polygon points="{" ".join(band)}" fill="#1f77b4" fill-opacity="0.25"/>',
           f'<polyline points="{line}" fill="none" stroke="#1f77b4" stroke-width="2"/>',
           f'<text x="{width / 2}" y="25" text-anchor="middle">{title}</text>',
           f'<text x="{width / 2}" y="{height - 15}" text-anchor="middle">environment steps '
           f'({x_low:g} to {x_high:g})</text>',
           f'<text x="15" y="{height / 2}" transform="rotate(-90 15 {height / 2})" '
           f'text-anchor="middle">evaluation return ({y_low:.3g} to {y_high:.3g})</text>',
           '</svg>']
    pathlib.Path(out).write_text("\n".join(svg) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_dir")
    parser.add_argument("--out", default="eval.svg")
    args = parser.parse_args()
    steps, mean, std = read_eval(args.run_dir)
    agent = arq.load(args.run_dir)  # names the curve after the run's agent and environment
    title = f"{agent.name} on {agent.env_id} (checkpoint at step {agent.step})"
    try:
        plot_matplotlib(steps, mean, std, title, args.out)
    except ImportError:
        if not args.out.endswith(".svg"):
            sys.exit("without matplotlib only --out *.svg can be written")
        plot_svg(steps, mean, std, title, args.out)
    print(f"{args.out}: {len(steps)} evaluations, last mean return {mean[-1]:.3f}")


if __name__ == "__main__":
    main()
