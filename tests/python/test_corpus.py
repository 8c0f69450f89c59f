from __future__ import annotations

import datetime as dt
import pickle
import threading
from pathlib import Path

import pytest

import rapport

from conftest import ACCOUNTS, POSTS

UTC = dt.timezone.utc


def test_counts(corpus: rapport.Corpus) -> None:
    assert corpus.num_posts == len(POSTS) == 7
    assert len(corpus) == 7
    assert corpus.num_accounts == len(ACCOUNTS) == 4
    assert corpus.num_conversations == 4  # 100, 200, 300, 400
    assert corpus.span == (
        dt.datetime(2024, 3, 1, 9, 0, tzinfo=UTC),
        dt.datetime(2024, 4, 2, 8, 0, 0, 250_000, tzinfo=UTC),
    )
    assert repr(corpus) == "<rapport.Corpus posts=7 accounts=4, from=2024-03-01, to=2024-04-02>"
    assert repr(rapport.Corpus()) == "<rapport.Corpus posts=0 accounts=0>"


def test_posts_table(corpus: rapport.Corpus) -> None:
    posts = corpus.posts()
    assert len(posts) == 7
    by_id = {row["id"]: row for row in posts}
    reply = by_id["101"]
    assert reply["author"] == "ada"
    assert reply["kind"] == "reply"
    assert reply["reply_to"] == "100"
    assert reply["reply_to_account"] == "acme_careers"
    assert reply["mentions"] == ["acme_careers"]
    assert reply["created_at"] == dt.datetime(2024, 3, 1, 9, 30, tzinfo=UTC)
    assert reply["created_at"].tzinfo is not None
    assert by_id["100"]["hashtags"] == ["hiring", "rustlang"]  # normalised
    assert by_id["400"]["likes"] == 5
    assert by_id["400"]["impressions"] is None
    assert by_id["400"]["text"] == "#RustLang tips ✨"
    assert by_id["400"]["created_at"].microsecond == 250_000


def test_accounts_table(corpus: rapport.Corpus) -> None:
    accounts = {row["handle"]: row for row in corpus.accounts()}
    assert set(accounts) == {"acme_careers", "acme_eng", "ada", "bob"}
    assert accounts["acme_careers"]["posts"] == 3  # 100, 102, 300
    assert accounts["ada"]["posts"] == 2
    assert accounts["ada"]["bio"] == "Rust and distributed systems"
    assert accounts["bob"]["followers"] == 120
    assert accounts["acme_careers"]["display_name"] == "Acme Careers"


def test_conversations_table(corpus: rapport.Corpus) -> None:
    convs = {row["id"]: row for row in corpus.conversations()}
    assert set(convs) == {"100", "200", "300", "400"}
    c = convs["100"]
    assert (c["posts"], c["depth"], c["breadth"], c["participants"], c["turns"]) == (4, 3, 1, 2, 3)
    assert (c["reply_pairs"], c["two_way_pairs"]) == (2, 1)
    assert c["time_to_first_reply_s"] == 1800.0
    assert c["root_author"] == "acme_careers"
    assert c["started_at"] == dt.datetime(2024, 3, 1, 9, 0, tzinfo=UTC)
    assert convs["300"]["time_to_first_reply_s"] is None
    assert convs["300"]["depth"] == 0


def test_summary(corpus: rapport.Corpus) -> None:
    s = corpus.summary(org="acme_careers")
    assert s["posts"] == 7
    assert s["by_kind"] == {"original": 4, "reply": 3, "quote": 0, "repost": 0}
    # originals by acme_careers: 100 (answered by ada) and 300 (no answer)
    assert s["org"]["posts"] == 2
    assert s["org"]["answered"] == 1
    assert s["org"]["unanswered"] == 1
    assert ["hiring", 2] in s["top_hashtags"] and ["rustlang", 2] in s["top_hashtags"]
    assert corpus.summary()["org"] is None
    with pytest.raises(rapport.UnknownAccountError) as e:
        corpus.summary(org=["acme_careers", "@nobody"])
    assert e.value.accounts == ["@nobody"]


def test_filter(corpus: rapport.Corpus) -> None:
    assert corpus.filter(since=dt.date(2024, 3, 2)).num_posts == 3  # 200, 300, 400
    # until is exclusive; a naive datetime is UTC; a string works too
    assert corpus.filter(until="2024-04-01T09:00:00Z").num_posts == 5
    assert corpus.filter(until=dt.datetime(2024, 4, 1, 9, 0, 1)).num_posts == 6
    assert corpus.filter(
        since=dt.datetime(2024, 3, 1, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))
    ).num_posts == 7  # 10:00+01:00 is 09:00Z: every post
    ada = corpus.filter(accounts="@ADA")
    assert sorted(ada.posts()["id"]) == ["101", "103"]
    assert sorted(corpus.filter(hashtags=["#rustlang"]).posts()["id"]) == ["100", "400"]
    both = corpus.filter(accounts=["acme_careers"], hashtags="hiring")
    assert sorted(both.posts()["id"]) == ["100", "300"]
    assert corpus.num_posts == 7  # the original is untouched


def test_filter_errors(corpus: rapport.Corpus) -> None:
    with pytest.raises(rapport.UnknownAccountError, match="nobody"):
        corpus.filter(accounts=["ada", "nobody"])
    with pytest.raises(rapport.ConfigError, match="not a date"):
        corpus.filter(since="last tuesday")
    with pytest.raises(rapport.ConfigError):
        corpus.filter(until=12)  # type: ignore[arg-type]


def test_merge(corpus: rapport.Corpus) -> None:
    extra = rapport.Corpus.from_records(
        [
            {"id": "500", "author_id": "4", "text": "new", "created_at": "2024-05-01T00:00:00Z"},
            {"id": "400", "author_id": "4", "text": "edited", "created_at": "2024-04-02T08:00:00Z"},
        ],
        [{"id": "4", "handle": "bob"}],
    )
    merged = corpus.merge(extra)
    assert merged.num_posts == 8  # 400 is in both
    assert {r["id"]: r["text"] for r in merged.posts()}["400"] == "edited"  # the other's copy wins
    assert corpus.num_posts == 7


def test_save_load_roundtrip(corpus: rapport.Corpus, tmp_path: Path) -> None:
    path = tmp_path / "c.rapport"
    corpus.save(path)
    back = rapport.Corpus.load(path)
    assert back.posts().to_dicts() == corpus.posts().to_dicts()
    assert back.accounts().to_dicts() == corpus.accounts().to_dicts()
    assert back.num_conversations == 4
    assert rapport.Corpus.load(str(path)).num_posts == 7


def test_load_errors(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-corpus.json"
    bad.write_text("{}")
    with pytest.raises(rapport.ParseError, match="not a saved rapport corpus") as e:
        rapport.Corpus.load(bad)
    assert e.value.path == str(bad)
    with pytest.raises(FileNotFoundError):
        rapport.Corpus.load(tmp_path / "missing")


def test_pickle(corpus: rapport.Corpus) -> None:
    back = pickle.loads(pickle.dumps(corpus))
    assert isinstance(back, rapport.Corpus)
    assert back.posts().to_dicts() == corpus.posts().to_dicts()
    assert rapport.Corpus.from_bytes(corpus.to_bytes()).num_accounts == 4


def test_from_records_errors() -> None:
    with pytest.raises(rapport.ParseError) as e:
        rapport.Corpus.from_records(
            [
                {"id": "1", "author_id": "1", "text": "ok", "created_at": "2024-01-01T00:00:00Z"},
                {"id": "2", "author_id": "1", "text": "bad", "created_at": "yesterday"},
            ]
        )
    assert e.value.json_path == "posts[1].created_at"
    with pytest.raises(rapport.ParseError) as e:
        rapport.Corpus.from_records([{"id": "1", "text": "no author"}])
    assert "author_id" in str(e.value)
    # datetimes are accepted as they come from Python
    c = rapport.Corpus.from_records(
        [{"id": "1", "author_id": "9", "text": "x", "created_at": dt.datetime(2024, 1, 1, tzinfo=UTC)}]
    )
    assert c.posts()["created_at"] == [dt.datetime(2024, 1, 1, tzinfo=UTC)]


def test_calls_release_the_gil(corpus: rapport.Corpus) -> None:
    # Several threads converting at once must all finish with the same answer.
    results: list[int] = []

    def work() -> None:
        for _ in range(20):
            results.append(len(corpus.posts().to_dicts()))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [7] * 80
