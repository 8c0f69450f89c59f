"""Loading a twarc2 JSONL file from Python vs from Rust (a benchmark, not a test).

    .venv/bin/python tests/python/bench/bench_load.py [posts] [runs]

Writes the sample corpus, imports it with the Rust example `import_timing` (release build) and with
`rapport.Corpus.from_jsonl`, best of `runs` each, and prints both times and their ratio.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

import rapport

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))


def main() -> None:
    posts = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    path = os.path.join(tempfile.mkdtemp(), "sample.jsonl")
    rapport.write_sample(path, posts=posts, seed=7)
    size = os.path.getsize(path) / 1e6
    out = subprocess.run(
        ["cargo", "run", "--quiet", "--release", "-p", "rapport-python", "--example", "import_timing", "--", path, str(runs)],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout.split()
    rust_s, rust_posts = float(out[0]), int(out[1])
    best = float("inf")
    for _ in range(runs):
        t0 = time.perf_counter()
        c = rapport.Corpus.from_jsonl(path)
        best = min(best, time.perf_counter() - t0)
        del c
    print(f"file: {size:.1f} MB, {rust_posts} posts")
    print(f"Rust   import_jsonl          {rust_s:.3f} s  ({size / rust_s:.0f} MB/s)")
    print(f"Python Corpus.from_jsonl     {best:.3f} s  ({size / best:.0f} MB/s)")
    print(f"Python / Rust                {best / rust_s:.3f}")


if __name__ == "__main__":
    main()
