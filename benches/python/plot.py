#!/usr/bin/env python3
"""Scaling plot: time and peak memory of the whole pipeline against corpus size, rapport and Python.

    benches/out/venv/bin/python benches/python/plot.py benches/results/*.json -o docs/img/scaling.png
"""

import argparse
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("results", nargs="+")
    ap.add_argument("-o", "--out", default="docs/img/scaling.png")
    a = ap.parse_args()
    points = {}
    for f in a.results:
        for _, r in json.loads(Path(f).read_text())["sizes"].items():
            points[r["posts"]] = r["stages"]["pipeline"]
    xs = sorted(points)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    for side, style in [("rapport", "o-"), ("python", "s--")]:
        label = "rapport" if side == "rapport" else "pandas + networkx"
        ax1.plot(xs, [points[x][f"{side}_s"] for x in xs], style, label=label)
        ax2.plot(xs, [points[x][f"{side}_peak_rss"] / 1e6 for x in xs], style, label=label)
    for ax, title, unit in [(ax1, "whole pipeline: time", "seconds"), (ax2, "whole pipeline: peak memory", "MB (peak RSS)")]:
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("posts")
        ax.set_ylabel(unit)
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.suptitle("load + threads + engagement + hashtags + PageRank (global + 3 topics), one core")
    fig.tight_layout()
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(a.out, dpi=110)
    print(f"wrote {a.out}")


if __name__ == "__main__":
    main()
