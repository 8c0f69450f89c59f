"""Corpus.from_store on a store holding X and Bluesky data: one platform at a time, all on request."""

from __future__ import annotations

from pathlib import Path

import pytest

import rapport


def _ids(corpus: rapport.Corpus) -> list[str]:
    return sorted(corpus.posts()["id"])


def test_a_mixed_store_loads_one_platform_at_a_time(tmp_path: Path) -> None:
    x = rapport.Corpus.sample(posts=300, seed=3)
    bsky = rapport.Corpus.sample_bluesky(posts=300, seed=3)
    db = tmp_path / "hr.db"
    x.to_store(db)
    bsky.to_store(db)

    with pytest.raises(rapport.ConfigError, match=r"several platforms \(x and bluesky\)") as e:
        rapport.Corpus.from_store(db)
    assert 'platform="all"' in str(e.value) and 'platform="x"' in str(e.value)

    only_x = rapport.Corpus.from_store(db, platform="x")
    only_b = rapport.Corpus.from_store(db, platform="bluesky")
    both = rapport.Corpus.from_store(db, platform="all")
    assert _ids(only_x) == _ids(x)
    assert _ids(only_b) == _ids(bsky)
    assert _ids(both) == sorted(_ids(x) + _ids(bsky))
    assert not any(i.startswith("at://") for i in _ids(only_x))
    assert set(only_b.accounts()["platform"]) == {"bluesky"}
    assert set(only_x.accounts()["platform"]) == {"x"}

    with pytest.raises(rapport.ConfigError, match="expected"):
        rapport.Corpus.from_store(db, platform="mastodon")


def test_a_store_of_one_platform_needs_no_platform(tmp_path: Path) -> None:
    bsky = rapport.Corpus.sample_bluesky(posts=200, seed=5)
    db = tmp_path / "b.db"
    bsky.to_store(db)
    assert _ids(rapport.Corpus.from_store(db)) == _ids(bsky)
    assert rapport.Corpus.from_store(db, platform="x").num_posts == 0


def test_the_hris_example_takes_the_platform_of_a_mixed_store(corpus: rapport.Corpus, tmp_path: Path) -> None:
    import subprocess
    import sys

    db = tmp_path / "hr.db"
    corpus.to_store(db)
    rapport.Corpus.sample_bluesky(posts=200, seed=5).to_store(db)
    cands = tmp_path / "candidates.csv"
    cands.write_text("hris_id,x_handle\nE1,@ada\n")
    out = tmp_path / "scores.csv"
    script = Path(__file__).resolve().parents[2] / "examples" / "python" / "hris_score.py"
    base = [sys.executable, str(script), str(cands), str(db), "--org", "acme_careers", "-o", str(out)]
    r = subprocess.run(base, capture_output=True, text=True, check=False)
    assert r.returncode == 2 and "several platforms (x and bluesky)" in r.stderr, r.stderr
    r = subprocess.run([*base, "--platform", "x"], capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    assert "scored 1 of 1" in r.stdout
