"""The importers from Python: twarc2 JSONL (strict and lenient), API pages, archives, the sample.

Expected numbers come from the lines written in each test (or the fixture files themselves).
"""

from __future__ import annotations

import datetime as dt
import json
import pickle
from pathlib import Path

import pytest

import rapport

# shared/ sits next to the repository (`<clone>/../shared`); look upwards for it.
FIXTURES = next(
    (p / "shared" / "fixtures" / "twitter" for p in Path(__file__).resolve().parents
     if (p / "shared" / "fixtures" / "twitter").is_dir()),
    Path("shared-not-found"),
)

UTC = dt.timezone.utc


def page(*tweets: dict, users: list[dict] | None = None) -> str:
    body: dict = {"data": list(tweets), "meta": {"result_count": len(tweets)}}
    if users:
        body["includes"] = {"users": users}
    return json.dumps(body)


def tweet(i: int, author: str = "7", **extra: object) -> dict:
    t = {"id": str(i), "text": f"post {i}", "author_id": author, "created_at": "2024-05-01T09:00:00.000Z"}
    t.update(extra)
    return t


ADA = {"id": "7", "username": "ada", "name": "Ada"}


def write(tmp_path: Path, lines: list[str], name: str = "pages.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_from_jsonl(tmp_path: Path) -> None:
    path = write(tmp_path, [page(tweet(1), tweet(2), users=[ADA]), page(tweet(2), tweet(3))])
    c = rapport.Corpus.from_jsonl(path)
    assert c.num_posts == 3  # post 2 is on both pages
    assert sorted(c.posts()["id"]) == ["1", "2", "3"]
    assert set(c.posts()["author"]) == {"ada"}
    assert c.posts()[0]["created_at"] == dt.datetime(2024, 5, 1, 9, 0, tzinfo=UTC)
    report = c.import_report
    assert report is not None
    assert (report["lines"], report["pages"], report["skipped"]) == (2, 2, [])


def test_parse_error_names_file_line_and_json_path(tmp_path: Path) -> None:
    bad = json.dumps({"data": [tweet(9, created_at=12345)]})
    path = write(tmp_path, [page(tweet(1), users=[ADA]), page(tweet(2)), bad, page(tweet(4))])
    with pytest.raises(rapport.ParseError) as e:
        rapport.Corpus.from_jsonl(path)
    err = e.value
    assert isinstance(err, rapport.RapportError)
    assert err.line == 3
    assert err.path == str(path)
    assert err.json_path is not None and "created_at" in err.json_path
    assert f"{path}:3" in str(err)


def test_not_json_and_truncated_lines(tmp_path: Path) -> None:
    path = write(tmp_path, [page(tweet(1)), "this is not json", page(tweet(3))[:-10]])
    with pytest.raises(rapport.ParseError) as e:
        rapport.Corpus.from_jsonl(path, strict=True)
    assert e.value.line == 2


def test_lenient_mode_skips_and_reports(tmp_path: Path) -> None:
    path = write(tmp_path, [page(tweet(1)), "this is not json", page(tweet(3)), "{\"data\": [{\"id\": 5"])
    with pytest.warns(UserWarning, match="skipped 2 bad line"):
        c = rapport.Corpus.from_jsonl(path, strict=False)
    assert sorted(c.posts()["id"]) == ["1", "3"]
    report = c.import_report
    assert report is not None
    assert [s["line"] for s in report["skipped"]] == [2, 4]
    assert all(s["reason"] for s in report["skipped"])


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nope.jsonl"):
        rapport.Corpus.from_jsonl(tmp_path / "nope.jsonl")


def test_from_file_picks_the_importer(tmp_path: Path) -> None:
    pretty = tmp_path / "page.json"
    pretty.write_text(json.dumps({"data": tweet(1), "includes": {"users": [ADA]}}, indent=2))
    assert rapport.Corpus.from_file(pretty).posts()["author"] == ["ada"]
    jsonl = write(tmp_path, [page(tweet(1)), page(tweet(2))], name="x.txt")
    assert rapport.Corpus.from_file(jsonl).num_posts == 2


def test_archive_folder(tmp_path: Path) -> None:
    data = tmp_path / "archive" / "data"
    data.mkdir(parents=True)
    tweets = [
        {"tweet": {"id_str": "11", "full_text": "Hello #Rust", "created_at": "Wed Oct 10 20:19:24 +0000 2018",
                   "entities": {"hashtags": [{"text": "Rust", "indices": ["6", "11"]}]}}},
        {"tweet": {"id_str": "12", "full_text": "second", "created_at": "Thu Oct 11 08:00:00 +0000 2018"}},
    ]
    (data / "tweets.js").write_text("window.YTD.tweets.part0 = " + json.dumps(tweets))
    (data / "account.js").write_text(
        'window.YTD.account.part0 = [{"account": {"accountId": "42", "username": "ada", "accountDisplayName": "Ada"}}]'
    )
    c = rapport.Corpus.from_archive(tmp_path / "archive")
    assert c.num_posts == 2
    assert set(c.posts()["author"]) == {"ada"}
    assert c.import_report is not None and c.import_report["owner"] == "ada"
    by_id = {r["id"]: r for r in c.posts()}
    assert by_id["11"]["hashtags"] == ["rust"]
    assert by_id["11"]["created_at"] == dt.datetime(2018, 10, 10, 20, 19, 24, tzinfo=UTC)


def test_archive_errors(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(rapport.ParseError) as e:
        rapport.Corpus.from_archive(tmp_path / "empty")
    assert "tweets.js" in str(e.value)


@pytest.mark.skipif(not FIXTURES.is_dir(), reason="shared fixtures not next to the repository")
def test_every_recorded_page_loads() -> None:
    # Each fixture is one API response; its `data` (object or list) gives the posts. A tweet without
    # an author or a time cannot become a post (the Rust fixture tests pin the exact conversions), so
    # the count here is of the tweets that have both.
    checked = 0
    for path in sorted(FIXTURES.glob("*.json")):
        if path.name.endswith(".headers.json") or path.name.startswith("error_"):
            continue
        doc = json.loads(path.read_text(encoding="utf-8"))
        if "data" not in doc or not isinstance(doc["data"], (dict, list)):
            continue
        items = doc["data"] if isinstance(doc["data"], list) else [doc["data"]]
        if not all("text" in x for x in items):
            continue  # users, counts
        complete = {x["id"] for x in items if "author_id" in x and "created_at" in x}
        if len(complete) < len(items):
            # Pages requested without `author_id`: strict mode names the first such tweet; lenient
            # mode skips and counts each.
            with pytest.raises(rapport.ParseError, match="author_id"):
                rapport.Corpus.from_file(path)
            with pytest.warns(UserWarning, match="skipped"):
                c = rapport.Corpus.from_file(path, strict=False)
            assert c.import_report["skip_counts"]["no_author"] >= len(items) - len(complete)
        else:
            c = rapport.Corpus.from_file(path)
        assert set(c.posts()["id"]) >= complete, path.name
        checked += 1
    assert checked >= 10


def test_sample_is_deterministic() -> None:
    a = rapport.Corpus.sample(posts=2_000, seed=7)
    b = rapport.Corpus.sample(posts=2_000, seed=7)
    c = rapport.Corpus.sample(posts=2_000, seed=8)
    assert a.posts().to_dicts() == b.posts().to_dicts()
    assert a.posts()["text"] != c.posts()["text"]
    assert 1_500 <= a.num_posts <= 2_000
    assert a.num_conversations > 0
    # the organisation's accounts are in it and its summary works
    assert pickle.loads(pickle.dumps(a)).num_posts == a.num_posts


def test_empty_ids_raise_a_rapport_error_not_an_internal_one(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(page(tweet(1), {"id": "", "text": "x", "author_id": "7", "created_at": "2024-05-01T09:00:00Z"}) + "\n")
    with pytest.raises(rapport.ParseError) as e:
        rapport.Corpus.from_jsonl(bad)
    assert (e.value.line, e.value.json_path) == (1, "data[1]")
    assert "invalid post id ''" in str(e.value)
    with pytest.warns(UserWarning, match="skipped 1"):
        c = rapport.Corpus.from_jsonl(bad, strict=False)
    assert c.num_posts == 1
    assert c.import_report["skip_counts"]["invalid_id"] == 1
    assert c.import_report["skipped"][0]["kind"] == "invalid_id"
    with pytest.raises(rapport.ParseError) as e:
        rapport.Corpus.from_records(
            [{"id": "1", "author_id": "7", "text": "a", "created_at": "2024-05-01T09:00:00Z"},
             {"id": "", "author_id": "7", "text": "b", "created_at": "2024-05-01T09:00:00Z"}]
        )
    assert e.value.json_path == "posts[1]"
    assert "internal error" not in str(e.value)
    with pytest.raises(rapport.RapportError, match="invalid account id"):
        rapport.Corpus.from_records([], [{"id": "", "handle": ""}])


def test_apply_compliance_from_a_file_and_from_dicts(tmp_path: Path) -> None:
    src = tmp_path / "pages.jsonl"
    src.write_text(page(tweet(1), tweet(2), tweet(3, author="8"), users=[ADA, {"id": "8", "username": "bob"}]) + "\n")
    corpus = rapport.Corpus.from_jsonl(src)
    events = tmp_path / "compliance.jsonl"
    events.write_text(
        '{"id":"1","action":"delete","created_at":"2024-05-01T09:00:00.000Z","redacted_at":"2024-06-01T00:00:00.000Z","reason":"deleted"}\n'
        '{"id":"8","action":"suspend","reason":"suspended"}\n'
        '{"id":"99","action":"delete","type":"tweet"}\n'
    )
    kept, counts = corpus.apply_compliance(events)
    assert (counts["posts_removed"], counts["accounts_removed"], counts["not_found"]) == (2, 1, 1)
    assert counts["by_action"] == {"delete": 2, "suspend": 1}
    assert kept.num_posts == 1 and corpus.num_posts == 3
    kept2, counts2 = corpus.apply_compliance([{"id": "7", "action": "protect"}])
    assert (kept2.num_posts, counts2["posts_removed"], counts2["accounts_removed"]) == (1, 2, 1)
    with pytest.raises(rapport.ParseError, match="unknown compliance action 'like'"):
        corpus.apply_compliance([{"id": "7", "action": "like"}])
    with pytest.raises(rapport.ParseError, match="expected compliance events"):
        corpus.apply_compliance(src)
