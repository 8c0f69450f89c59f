"""Measures what the Python binding adds on top of Rust (a benchmark, not a test: pytest skips it).

    .venv/bin/python tests/python/bench/bench_tables.py [posts | corpus.parquet]

Prints the time to build a posts table of a corpus and to convert it to pandas, Arrow and polars
(through the Arrow C stream interface), and the Parquet corpus file's round trip from Python (save,
load, size). Given a corpus file instead of a post count, starts from ``Corpus.load`` of that file.
For numbers worth quoting, build the extension with ``scripts/setup`` (release), not the dev profile.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time

import rapport


def timed(label: str, f):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = f()
    print(f"{label:<40} {time.perf_counter() - t0:8.3f} s")
    return out


def main() -> None:
    arg = sys.argv[1] if len(sys.argv) > 1 else "1000000"
    start = dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc)
    if not arg.isdigit():
        corpus = timed(f"Corpus.load({arg})", lambda: rapport.Corpus.load(arg))
        n = corpus.num_posts
    elif hasattr(rapport.Corpus, "sample"):
        n = int(arg)
        corpus = timed(f"Corpus.sample(posts={n})", lambda: rapport.Corpus.sample(posts=n, seed=7))
    else:
        n = int(arg)
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
    timed("pyarrow.table(table) (C stream)", lambda: pyarrow.table(table))
    timed("table.to_pandas()", table.to_pandas)
    timed("table.to_arrow()", table.to_arrow)
    timed("table.to_polars()", table.to_polars)
    timed("corpus.conversations()", corpus.conversations)
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "corpus.parquet")
        timed("corpus.save(parquet)", lambda: corpus.save(path))
        print(f"{'corpus file size':<40} {os.path.getsize(path) / 1e6:8.1f} MB")
        back = timed("Corpus.load(parquet)", lambda: rapport.Corpus.load(path))
        assert back.num_posts == corpus.num_posts


if __name__ == "__main__":
    main()
