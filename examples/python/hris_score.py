#!/usr/bin/env python3
"""Score HRIS candidate records against an organisation's conversations, from a script.

    python examples/python/hris_score.py CANDIDATES.csv CORPUS --org acme_careers --org acme_eng -o scores.csv

CANDIDATES.csv has an ``hris_id`` column and X handles (``x_handle``, ``handle`` …; see
docs/hris.md). CORPUS is a rapport store (``.db``, the SQLite file of ``rapport sync``), a saved corpus
(``corpus.save``: ``.parquet``, or ``.rapport`` from older versions), a twarc2 JSONL file or any file ``rapport.Corpus.from_file`` reads. The output has one row per candidate, keyed by ``hris_id``, with
the advisory engagement score, the stage and the match status. Exit code 0 when every candidate was
found, 1 when some were not (the file is still written), 2 on bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import rapport


def load_corpus(path: Path, platform: str | None = None) -> rapport.Corpus:
    if path.suffix in (".db", ".sqlite", ".sqlite3"):
        # The SQLite store of `rapport sync` / `rapport import`; one platform at a time when it holds both.
        return rapport.Corpus.from_store(path, platform=platform)
    if path.suffix in (".parquet", ".rapport"):
        return rapport.Corpus.load(path)
    return rapport.Corpus.from_file(path)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("candidates", type=Path, help="candidates CSV or JSON")
    p.add_argument("corpus", type=Path, help="a rapport store (.db), a saved corpus (.parquet) or an X data file")
    p.add_argument("--org", action="append", required=True, help="an organisation handle (repeat)")
    p.add_argument("-o", "--output", type=Path, required=True, help="where to write the scores CSV")
    p.add_argument("--half-life-days", type=float, default=30.0)
    p.add_argument(
        "--platform", choices=["x", "bluesky", "all"], help="the platform of a store holding X and Bluesky data"
    )
    args = p.parse_args(argv)
    if args.platform and args.corpus.suffix not in (".db", ".sqlite", ".sqlite3"):
        p.error("--platform chooses within a store (.db)")
    try:
        corpus = load_corpus(args.corpus, args.platform)
        scores = rapport.score_candidates(corpus, args.candidates, org=args.org, half_life_days=args.half_life_days)
    except (rapport.RapportError, OSError) as e:
        print(f"hris_score: {e}", file=sys.stderr)
        return 2
    args.output.write_text(scores.to_csv(), encoding="utf-8")
    statuses = scores["status"]
    missing = [h for h, s in zip(scores["hris_id"], statuses) if s != "scored"]
    print(f"scored {len(statuses) - len(missing)} of {len(statuses)} candidates -> {args.output}")
    if missing:
        print(f"not scored: {', '.join(missing)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
