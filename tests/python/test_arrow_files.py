"""Tables as Arrow (the PyCapsule stream interface) and the library's files: the Parquet corpus file,
twarc2-style JSONL, and the interactions table."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import rapport

UTC = dt.timezone.utc


def test_pyarrow_reads_the_capsule_stream(corpus: rapport.Corpus) -> None:
    pa = pytest.importorskip("pyarrow")
    t = corpus.posts()
    at = pa.table(t)  # through __arrow_c_stream__, no rapport helper in between
    assert at.num_rows == len(t) == 7
    assert at.column_names == t.columns
    assert at.schema.field("created_at").type == pa.timestamp("ms", tz="UTC")
    assert at.schema.field("mentions").type == pa.list_(pa.string())
    assert pa.schema(t) == at.schema  # __arrow_c_schema__
    # The capsule can be taken more than once: the table is not consumed.
    assert pa.table(t).equals(at)
    assert t.to_arrow().equals(at)


def test_polars_reads_the_capsule_stream(corpus: rapport.Corpus) -> None:
    pl = pytest.importorskip("polars")
    pytest.importorskip("pyarrow")
    t = corpus.conversations()
    df = pl.DataFrame(t)  # through __arrow_c_stream__
    if not isinstance(df, pl.DataFrame) or df.shape != (4, 13):
        pytest.skip("this polars does not read the Arrow PyCapsule interface yet")
    assert df.schema["started_at"] == pl.Datetime("ms", "UTC")
    assert df.equals(t.to_polars())
    # from_arrow sees one stream of rows: a struct Series that unnests to the same frame.
    assert pl.from_arrow(t).struct.unnest().equals(df)


def test_empty_results_keep_typed_columns() -> None:
    pa = pytest.importorskip("pyarrow")
    c = rapport.Corpus()
    assert dict(c.accounts().dtypes)["created_at"] == "timestamp[ms, UTC]"
    at = pa.table(c.interactions())
    assert at.num_rows == 0
    assert at.schema.field("at").type == pa.timestamp("ms", tz="UTC")


def test_interactions(corpus: rapport.Corpus) -> None:
    ix = corpus.interactions()
    assert ix.columns == ["src", "dst", "src_id", "dst_id", "kind", "post", "at"]
    rows = {(r["src"], r["dst"], r["kind"], r["post"]) for r in ix}
    # ada replies to acme_careers twice, acme_careers answers once; the mention of the replied-to
    # account is not counted again.
    assert rows == {
        ("ada", "acme_careers", "reply", "101"),
        ("acme_careers", "ada", "reply", "102"),
        ("ada", "acme_careers", "reply", "103"),
    }
    first = next(r for r in ix if r["post"] == "101")
    assert first["at"] == dt.datetime(2024, 3, 1, 9, 30, tzinfo=UTC)


def test_save_writes_the_parquet_corpus_file(corpus: rapport.Corpus, tmp_path: Path) -> None:
    path = tmp_path / "c.parquet"
    corpus.save(path)
    assert path.read_bytes()[:4] == b"PAR1"
    back = rapport.Corpus.load(path)
    assert back.posts().to_dicts() == corpus.posts().to_dicts()
    assert back.accounts().to_dicts() == corpus.accounts().to_dicts()
    pq = pytest.importorskip("pyarrow.parquet")
    meta = pq.read_metadata(path).metadata
    assert meta[b"rapport.format"] == b"rapport-corpus"
    assert meta[b"rapport.format_version"] == b"1"
    posts = pq.read_table(path, filters=[("record", "=", "post")])
    assert posts.num_rows == 7
    bios = pq.read_table(path, filters=[("record", "=", "account")]).column("bio").to_pylist()
    assert "Rust and distributed systems" in bios


def test_a_large_corpus_round_trips(tmp_path: Path) -> None:
    c = rapport.Corpus.sample(posts=5_000, seed=3)
    path = tmp_path / "sample.parquet"
    c.save(path)
    back = rapport.Corpus.load(path)
    assert back.posts().to_dicts() == c.posts().to_dicts()
    assert back.accounts().to_dicts() == c.accounts().to_dicts()
    assert back.num_conversations == c.num_conversations


def test_to_jsonl_imports_back(corpus: rapport.Corpus, tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    lines = corpus.to_jsonl(path)
    text = path.read_text(encoding="utf-8").splitlines()
    assert len(text) == lines
    page = json.loads(text[-1])
    assert {"data", "includes"} <= page.keys() and "users" in page["includes"]
    back = rapport.Corpus.from_jsonl(path)
    assert back.posts().to_dicts() == corpus.posts().to_dicts()
    key = lambda r: r["id"]  # noqa: E731
    assert sorted(back.accounts().to_dicts(), key=key) == sorted(corpus.accounts().to_dicts(), key=key)


def test_a_parquet_file_that_is_not_a_corpus(corpus: rapport.Corpus, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "posts.parquet"
    pq.write_table(corpus.posts().to_arrow(), path)
    with pytest.raises(rapport.ParseError, match="rapport.format") as e:
        rapport.Corpus.load(path)
    assert e.value.path == str(path)
