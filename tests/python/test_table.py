from __future__ import annotations

import datetime as dt
import json
import sys

import pytest

import rapport

UTC = dt.timezone.utc


def test_basics(corpus: rapport.Corpus) -> None:
    t = corpus.conversations()
    assert len(t) == 4
    assert t.shape == (4, len(t.columns))
    assert t.columns[:3] == ["id", "root_author", "started_at"]
    assert dict(t.dtypes)["started_at"] == "timestamp[ms, UTC]"
    assert dict(t.dtypes)["time_to_first_reply_s"] == "f64"
    assert dict(t.dtypes)["posts"] == "i64"
    assert "depth" in t and "nope" not in t
    assert t[0] == t.to_dicts()[0] == next(iter(t))
    assert t[-1] == t.to_dicts()[-1]
    assert list(t) == t.to_dicts()
    assert t["id"] == t.column("id") == [r["id"] for r in t]
    with pytest.raises(KeyError, match='no column "nope"'):
        t["nope"]
    with pytest.raises(IndexError):
        t[4]
    with pytest.raises(TypeError):
        t[1.5]  # type: ignore[call-overload]


def test_repr_and_html(corpus: rapport.Corpus) -> None:
    t = corpus.conversations()
    text = repr(t)
    assert text.startswith("rapport.Table: 4 rows × 13 columns\nid")
    assert "timestamp[ms, UTC]" in text and "2024-03-01T09:00:00Z" in text
    html = t._repr_html_()
    assert html.count("<tr>") == 5  # header + 4 rows
    assert "4 rows × 13 columns" in html
    big = corpus.posts()
    assert "<script>" not in rapport.Corpus.from_records(
        [{"id": "1", "author_id": "1", "text": "<script>", "created_at": "2024-01-01T00:00:00Z"}]
    ).posts()._repr_html_()
    assert len(repr(big).splitlines()) == 4 + 7


def test_csv_and_json(corpus: rapport.Corpus) -> None:
    t = corpus.conversations()
    lines = t.to_csv().splitlines()
    assert lines[0].split(",")[:3] == ["id", "root_author", "started_at"]
    assert len(lines) == 5
    records = json.loads(t.to_json())
    row = next(r for r in records if r["id"] == "100")
    assert row["started_at"] == "2024-03-01T09:00:00.000Z"
    assert row["two_way_pairs"] == 1


def test_to_pandas(corpus: rapport.Corpus) -> None:
    pd = pytest.importorskip("pandas")
    df = corpus.posts().to_pandas()
    assert list(df.columns) == corpus.posts().columns
    assert len(df) == 7
    assert str(df["created_at"].dtype) == "datetime64[ns, UTC]"
    first = df.set_index("id").loc["100"]
    assert first["created_at"] == pd.Timestamp("2024-03-01T09:00:00Z")
    assert df.set_index("id").loc["400", "created_at"] == pd.Timestamp("2024-04-02T08:00:00.250Z")
    # likes has nulls: a nullable integer column, not floats
    assert str(df["likes"].dtype) == "Int64"
    assert df.set_index("id").loc["400", "likes"] == 5
    assert df["likes"].isna().sum() == 6
    assert df.set_index("id").loc["100", "hashtags"] == ["hiring", "rustlang"]
    conv = corpus.conversations().to_pandas()
    assert str(conv["posts"].dtype) == "int64"
    assert conv["time_to_first_reply_s"].isna().sum() == 3


def test_to_arrow(corpus: rapport.Corpus) -> None:
    pa = pytest.importorskip("pyarrow")
    at = corpus.posts().to_arrow()
    assert at.num_rows == 7
    assert at.schema.field("created_at").type == pa.timestamp("ms", tz="UTC")
    assert at.schema.field("hashtags").type == pa.list_(pa.string())
    assert at.column("likes").null_count == 6
    ids = at.column("id").to_pylist()
    assert at.column("created_at").to_pylist()[ids.index("101")] == dt.datetime(2024, 3, 1, 9, 30, tzinfo=UTC)


def test_to_polars(corpus: rapport.Corpus) -> None:
    pl = pytest.importorskip("polars")
    df = corpus.posts().to_polars()
    assert df.shape == (7, 21)
    assert df.schema["created_at"] == pl.Datetime("ms", "UTC")
    assert df["likes"].null_count() == 6
    assert df.filter(pl.col("id") == "400")["likes"].to_list() == [5]


def test_missing_optional_dependency(corpus: rapport.Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match=r"pip install 'rapport\[pandas\]'"):
        corpus.posts().to_pandas()
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ImportError, match=r"rapport\[arrow\]"):
        corpus.posts().to_arrow()


def test_empty_tables() -> None:
    c = rapport.Corpus()
    assert len(c.posts()) == 0
    assert "text" in c.posts().columns
    assert c.conversations().columns[0] == "id"
    assert repr(c.accounts()).startswith("rapport.Table: 0 rows × 12 columns")
    pd = pytest.importorskip("pandas")
    assert c.posts().to_pandas().shape == (0, 21)


def test_a_large_table_converts_in_bulk() -> None:
    # 200,000 posts, one per minute from 2024-01-01: the last one is 199,999 minutes later.
    pd = pytest.importorskip("pandas")
    n = 200_000
    start = dt.datetime(2024, 1, 1, tzinfo=UTC)
    posts = [
        {"id": str(i), "author_id": str(i % 50), "text": f"post {i}", "created_at": start + dt.timedelta(minutes=i)}
        for i in range(n)
    ]
    c = rapport.Corpus.from_records(posts)
    df = c.posts().to_pandas()
    assert len(df) == n
    assert df["created_at"].max() == pd.Timestamp(start + dt.timedelta(minutes=n - 1))
    assert df["author_id"].nunique() == 50


def test_to_pandas_without_pyarrow(corpus: rapport.Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    # Without pyarrow, text and list columns go over as Python objects, with the same values.
    pytest.importorskip("pandas")
    with_arrow = corpus.posts().to_pandas()
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    plain = corpus.posts().to_pandas()
    assert plain["hashtags"].tolist() == [list(x) for x in with_arrow["hashtags"]]
    assert plain["text"].tolist() == with_arrow["text"].tolist()
    assert plain["lang"].isna().all() and with_arrow["lang"].isna().all()
    pl = pytest.importorskip("polars")
    assert corpus.posts().to_polars()["hashtags"].to_list() == [list(x) for x in with_arrow["hashtags"]]
