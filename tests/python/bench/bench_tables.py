"""Measures what the Python binding adds on top of Rust (a benchmark, not a test: pytest skips it).

    .venv/bin/python tests/python/bench/bench_tables.py [posts]

Prints the time to build a posts table of a corpus and to convert it to pandas, Arrow and polars,
and, when the sample generator is available, the time to load a twarc2 JSONL file from Python.
"""

from __future__ import annotations

import datetime as dt
import sys
import time

import rapport


def timed(label: str, f):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = f()
    print(f"{label:<40} {time.perf_counter() - t0:8.3f} s")
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    if hasattr(rapport.Corpus, "sample"):
        corpus = timed(f"Corpus.sample(posts={n})", lambda: rapport.Corpus.sample(posts=n, seed=7))
    else:
        posts = [
            {"id": str(i), "author_id": str(i % 5000), "text": f"post number {i} #rust",
             "created_at": (start + dt.timedelta(seconds=i)).isoformat(), "hashtags": ["rust"],
             "metrics": {"likes": i % 7}}
            for i in range(n)
        ]
        corpus = timed(f"Corpus.from_records({n})", lambda: rapport.Corpus.from_records(posts))
        del posts  # a million dicts left alive slow every later allocation down
    import pandas, pyarrow, polars  # noqa: F401,E401 (imports are not conversions)

    table = timed(f"corpus.posts() ({corpus.num_posts} rows)", corpus.posts)
    timed("table.to_pandas()", table.to_pandas)
    timed("table.to_arrow()", table.to_arrow)
    timed("table.to_polars()", table.to_polars)
    timed("corpus.conversations()", corpus.conversations)


if __name__ == "__main__":
    main()
