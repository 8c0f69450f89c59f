"""rapport.fairness.impact_ratios and rapport.score_candidates (lists, DataFrames, files, the example
script), with hand-worked numbers."""

from __future__ import annotations

import csv
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

import rapport
from rapport import fairness

ROOT = Path(__file__).resolve().parents[2]
ORG = ["acme_careers", "acme_eng"]


def test_four_fifths_rule_by_hand() -> None:
    # F: 3 of 5 selected (0.6); M: 4 of 5 (0.8). Impact ratio F = 0.6 / 0.8 = 0.75 < 0.8: flagged.
    selected = [True, True, True, False, False] + [True, True, True, True, False]
    sex = ["F"] * 5 + ["M"] * 5
    a = fairness.impact_ratios(selected, {"sex": sex}, min_group_size=1)
    t = a["tables"]["sex"]
    assert t["group"] == ["F", "M"]
    assert t["rate"] == [0.6, 0.8]
    assert t["impact_ratio"][0] == pytest.approx(0.75) and t["impact_ratio"][1] == 1.0
    assert t["below_four_fifths"] == [True, False]
    assert a["mode"] == "selection" and a["sample_size"] == 10 and a["positive"] == 7
    assert a["any_flag"] is True
    assert a["summary"]["category"] == ["sex"]
    assert a["summary"]["min_impact_ratio"][0] == pytest.approx(0.75)


def test_scores_threshold_and_small_groups() -> None:
    # Threshold 0.5: A has 0.9, 0.6 selected (2/2 = 1.0), B has 0.4, 0.7 (1/2 = 0.5): ratio B = 0.5.
    a = fairness.impact_ratios([0.9, 0.6, 0.4, 0.7], {"g": ["A", "A", "B", "B"]}, threshold=0.5)
    t = a["tables"]["g"]
    assert t["impact_ratio"] == [1.0, 0.5]
    assert t["small_group"] == [True, True]  # fewer than 30 members
    assert a["warnings"]
    with pytest.raises(rapport.ConfigError, match="not both"):
        fairness.impact_ratios([0.1], {"g": ["A"]}, threshold=0.5, top_k=1)
    with pytest.raises(rapport.ConfigError, match="one label per outcome"):
        fairness.impact_ratios([True, False], {"g": ["A"]})


def test_pandas_groups_with_unknowns_and_intersections() -> None:
    pd = pytest.importorskip("pandas")
    groups = pd.DataFrame({"sex": ["F", "F", "M", "M", None], "age": ["<40", "40+", "<40", "40+", "<40"]})
    a = fairness.impact_ratios(pd.Series([True, False, True, True, True]), groups, min_group_size=1)
    sex = a["tables"]["sex"]
    # The fifth person has no sex label: left out of that table (unknown = 1). F 1/2, M 2/2.
    assert a["summary"]["unknown"][0] == 1
    assert sex["rate"] == [0.5, 1.0]
    assert "sex × age" in a["tables"]


# --- HRIS ------------------------------------------------------------------------------------------

RECORDS = [
    {"hris_id": "E1", "name": "Ada L.", "x_handle": "@ada", "stage": "screen"},
    {"hris_id": "E2", "x_handle": "https://x.com/ghost_user"},
    {"hris_id": "E3", "name": "No Handle"},
]


def check_scores(s: rapport.Table) -> None:
    assert s["hris_id"] == ["E1", "E2", "E3"]
    assert s["status"] == ["scored", "unknown_handle", "no_handle"]
    assert s["handle"][0] == "ada" and s["stage"][0] == "conversing"
    # ada: 3 interactions with the org (replies 101, 102, 103); the others have no score.
    assert s["interactions"][0] == 3
    assert s["score"][1] is None and s["score"][2] is None


def test_score_candidates_from_dicts(corpus: rapport.Corpus) -> None:
    s = rapport.score_candidates(corpus, RECORDS, org=ORG)
    check_scores(s)
    # The score is the engagement score of the same account against the same org.
    ada = {r["handle"]: r for r in corpus.engagement(org=ORG)}["ada"]
    assert math.isclose(s["score"][0], ada["score"])


def test_score_candidates_from_pandas_and_files(corpus: rapport.Corpus, tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    check_scores(rapport.score_candidates(corpus, pd.DataFrame(RECORDS), org=ORG))
    path = tmp_path / "candidates.csv"
    with path.open("w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["hris_id", "name", "x_handle", "stage"])
        w.writeheader()
        w.writerows(RECORDS)
    check_scores(rapport.score_candidates(corpus, path, org=ORG))
    jpath = tmp_path / "candidates.json"
    jpath.write_text(json.dumps(RECORDS))
    check_scores(rapport.score_candidates(corpus, str(jpath), org=ORG))


def test_score_candidates_bad_input(corpus: rapport.Corpus, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,x_handle\nE1,@ada\n")
    with pytest.raises(rapport.ParseError, match="hris_id"):
        rapport.score_candidates(corpus, bad, org=ORG)
    with pytest.raises(rapport.UnknownAccountError):
        rapport.score_candidates(corpus, RECORDS, org="not_an_org")
    with pytest.raises(rapport.ConfigError):
        rapport.score_candidates(corpus, 42, org=ORG)


def test_from_pandas_matches_from_records(corpus: rapport.Corpus) -> None:
    pd = pytest.importorskip("pandas")
    from conftest import ACCOUNTS, POSTS

    posts = pd.DataFrame(POSTS)
    posts["created_at"] = pd.to_datetime(posts["created_at"], utc=True, format="ISO8601")
    c = rapport.Corpus.from_pandas(posts, pd.DataFrame(ACCOUNTS))
    assert c.posts().to_dicts() == corpus.posts().to_dicts()
    assert c.accounts()["handle"] == corpus.accounts()["handle"]
    with pytest.raises(rapport.ConfigError, match="DataFrame"):
        rapport.Corpus.from_pandas(POSTS)


def test_store_round_trip(corpus: rapport.Corpus, tmp_path: Path) -> None:
    db = tmp_path / "rapport.db"
    report = corpus.to_store(db)
    assert (report["posts_written"], report["accounts_written"]) == (7, 4)
    back = rapport.Corpus.from_store(db)
    assert sorted(back.posts()["id"]) == sorted(corpus.posts()["id"])
    with pytest.raises(FileNotFoundError):
        rapport.Corpus.from_store(tmp_path / "missing.db")
    assert not (tmp_path / "missing.db").exists()  # never created by a read
    not_db = tmp_path / "junk.db"
    not_db.write_text("this is not sqlite")
    with pytest.raises(rapport.ParseError, match="not a rapport store"):
        rapport.Corpus.from_store(not_db)


def test_hris_example_script(corpus: rapport.Corpus, tmp_path: Path) -> None:
    corpus_path = tmp_path / "rapport.db"
    corpus.to_store(corpus_path)
    cands = tmp_path / "candidates.csv"
    cands.write_text("hris_id,x_handle\nE1,@ada\nE2,@bob\n")
    out = tmp_path / "scores.csv"
    script = ROOT / "examples" / "python" / "hris_score.py"
    r = subprocess.run(
        [sys.executable, str(script), str(cands), str(corpus_path), "--org", "acme_careers", "--org", "acme_eng", "-o", str(out)],
        capture_output=True, text=True, check=False,
    )
    assert r.returncode == 0, r.stderr
    rows = list(csv.DictReader(out.open()))
    assert [(x["hris_id"], x["status"], x["stage"]) for x in rows] == [("E1", "scored", "conversing"), ("E2", "scored", "unaware")]
    # A candidate that is not found: exit 1, the file still written.
    cands.write_text("hris_id,x_handle\nE1,@ada\nE9,@nobody_here\n")
    r = subprocess.run([sys.executable, str(script), str(cands), str(corpus_path), "--org", "acme_careers", "-o", str(out)],
                       capture_output=True, text=True, check=False)
    assert r.returncode == 1 and "E9" in r.stderr
    assert len(list(csv.DictReader(out.open()))) == 2
