"""rapport.spark in Spark local mode: per-tenant results equal the local runs bit for bit, an oversized
tenant is reported (``on_error="report"``) or raised (``"raise"``), a failing tenant does not fail the
others, and a Parquet dataset partitioned by tenant works as input.

Needs Java 17+ and pyspark (the ``dev`` extra installs it). Nothing here is skipped: without Java the
session fixture fails and says so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pytest

import rapport
from rapport import spark as rspark

ORG = ["acme_careers", "acme_eng", "acme_people"]
ANALYSES = ("engagement", "broadcast", "skills")
# Generated tenants: (name, posts, seed). "big" is over the test's max_posts_per_tenant.
TENANTS = [("alpha", 600, 11), ("beta", 450, 12), ("gamma", 700, 13), ("big", 900, 14)]
MAX_POSTS = 800
# The key columns that order each analysis's rows for comparison.
KEYS = {
    "engagement": ["id"],
    "broadcast": ["scope", "key"],
    "skills": ["account_id", "handle", "skill_id"],
}


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    java_home = os.environ.get("JAVA_HOME")
    java = shutil.which("java", path=os.path.join(java_home, "bin")) if java_home else shutil.which("java")
    if java is None:
        pytest.fail(
            "the Spark tests need Java 17 or newer: install a JDK (apt-get install openjdk-17-jre-headless) "
            "or set JAVA_HOME; they are never skipped"
        )
    version = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    assert "version" in version, f"java -version said: {version!r}"
    from pyspark.sql import SparkSession

    # The workers must import this interpreter's rapport and pyarrow.
    os.environ["PYSPARK_PYTHON"] = sys.executable
    os.environ["PYSPARK_DRIVER_PYTHON"] = sys.executable
    session = (
        SparkSession.builder.master("local[2]")
        .appName("rapport-test-spark")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "1g")
        # A test runs short jobs: the quick JIT alone halves the JVM's warm-up.
        .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def tenants() -> dict[str, rapport.Corpus]:
    # A tenant is its posts and accounts tables (what Spark ships); the sample's follow snapshots
    # are not part of them, so the local reference is built from the same two tables.
    samples = {name: rapport.Corpus.sample(posts, seed=seed) for name, posts, seed in TENANTS}
    return {name: rapport.Corpus.from_arrow(c.posts(), c.accounts()) for name, c in samples.items()}


def _orgs(c: rapport.Corpus) -> list[str]:
    handles = set(c.accounts()["handle"])
    return [o for o in ORG if o in handles]


def _with_tenant(table: Any, tenant: str) -> Any:
    t = pa.table(table)
    return t.append_column("tenant", pa.array([tenant] * t.num_rows, pa.string()))


def _frames(spark: Any, tenants: dict[str, rapport.Corpus], tmp: Path) -> tuple[Any, Any, Any]:
    """Posts as a Parquet dataset partitioned by tenant (read back with spark.read.parquet), accounts
    and orgs as DataFrames made from Arrow tables."""
    posts = pa.concat_tables([_with_tenant(c.posts(), n) for n, c in tenants.items()])
    ds.write_dataset(
        posts, tmp / "posts", format="parquet", partitioning=["tenant"], partitioning_flavor="hive"
    )
    posts_df = spark.read.parquet(str(tmp / "posts"))
    accounts = pa.concat_tables([_with_tenant(c.accounts(), n) for n, c in tenants.items()])
    orgs = [(n, o) for n, c in tenants.items() for o in _orgs(c)]
    return posts_df, spark.createDataFrame(accounts), spark.createDataFrame(orgs, "tenant string, org string")


def _local(c: rapport.Corpus, analysis: str) -> Any:
    """The plain local run of one analysis on a tenant's own corpus, as rapport returns it."""
    if analysis == "engagement":
        return pa.table(c.engagement(org=_orgs(c)))
    if analysis == "broadcast":
        return pa.table(c.broadcast_report(org=_orgs(c))["summary"])
    return pa.table(c.skills())


def _as_declared(local: Any, analysis: str, schema: Any) -> Any:
    """The local table under the names and Arrow types of the declared Spark schema."""
    struct = schema.field(analysis).type
    cols = [
        local.column(rapport_name).cast(f.type)
        for (_, rapport_name, _), f in zip(rspark._COLUMNS[analysis], struct)
    ]
    return pa.Table.from_arrays(cols, names=[f.name for f in struct])


def test_results_equal_local_runs_and_the_oversized_tenant_is_reported(
    spark: Any, tenants: dict[str, rapport.Corpus], tmp_path: Path
) -> None:
    posts_df, accounts_df, orgs_df = _frames(spark, tenants, tmp_path)
    out = rspark.score_tenants(
        posts_df, accounts_df, orgs_df, analyses=ANALYSES, on_error="report", max_posts_per_tenant=MAX_POSTS
    )
    assert out.columns == ["tenant", "analysis", "engagement", "broadcast", "skills", "error"]
    got = out.toArrow()
    errors = got.filter(pc.is_valid(got["error"])).select(["tenant", "error"]).to_pylist()
    assert errors == [
        {
            "tenant": "big",
            "error": "tenant 'big': 900 posts, over max_posts_per_tenant=800: score it on its own "
            "(or split it by time) rather than in one task",
        }
    ]
    arrow_schema = rspark._arrow_schema(rspark.result_schema(ANALYSES))
    compared = 0
    for name, c in tenants.items():
        if name == "big":
            assert got.filter(pc.equal(got["tenant"], "big")).num_rows == 1
            continue
        for analysis in ANALYSES:
            rows = got.filter(pc.and_(pc.equal(got["tenant"], name), pc.equal(got["analysis"], analysis)))
            spark_rows = pa.Table.from_struct_array(rows.column(analysis).combine_chunks())
            local = _as_declared(_local(c, analysis), analysis, arrow_schema)
            assert local.num_rows > 0, f"{name}/{analysis}: an empty result proves nothing"
            keys = [(k, "ascending") for k in KEYS[analysis]]
            assert spark_rows.sort_by(keys).equals(local.sort_by(keys)), f"{name}/{analysis} differs"
            compared += 1
    assert compared == 9
    # results() and errors() unpack the long table (here a copy of it, so Spark does not score the
    # tenants again).
    copy = spark.createDataFrame(got)
    engagement = rspark.results(copy, "engagement")
    assert engagement.columns[:4] == ["tenant", "handle", "id", "score"]
    scored = ("alpha", "beta", "gamma")
    assert engagement.count() == sum(len(tenants[n].engagement(org=_orgs(tenants[n]))) for n in scored)
    assert [r["tenant"] for r in rspark.errors(copy).collect()] == ["big"]


def test_an_oversized_tenant_raises_before_any_task_with_raise(
    spark: Any, tenants: dict[str, rapport.Corpus], tmp_path: Path
) -> None:
    posts_df, accounts_df, orgs_df = _frames(spark, tenants, tmp_path)
    over = r"tenant 'big': 900 posts, over max_posts_per_tenant=800"
    with pytest.raises(rspark.TenantError, match=over) as e:
        rspark.score_tenants(posts_df, accounts_df, orgs_df, on_error="raise", max_posts_per_tenant=MAX_POSTS)
    assert e.value.tenant == "big"


def test_a_failing_tenant_is_reported_and_the_others_are_scored(
    spark: Any, tenants: dict[str, rapport.Corpus]
) -> None:
    small = {n: tenants[n] for n in ("alpha", "beta")}
    posts_df = spark.createDataFrame(
        pa.concat_tables([_with_tenant(c.posts(), n) for n, c in small.items()])
    )
    accounts_df = spark.createDataFrame(
        pa.concat_tables([_with_tenant(c.accounts(), n) for n, c in small.items()])
    )
    # beta's organisation is an account its corpus does not hold.
    orgs_df = spark.createDataFrame(
        [("alpha", "acme_careers"), ("beta", "nobody_here")], "tenant string, org string"
    )
    # A tenant over the memory budget is refused in the worker, before its corpus is built.
    budget = rspark.score_tenants(
        posts_df, accounts_df, orgs_df, on_error="report", max_bytes_per_tenant=1000
    ).toArrow()
    assert sorted(budget["tenant"].to_pylist()) == ["alpha", "beta"]
    assert all("over max_bytes_per_tenant=1000" in m for m in budget["error"].to_pylist())

    out = rspark.score_tenants(posts_df, accounts_df, orgs_df, on_error="report").toArrow()
    beta = out.filter(pc.equal(out["tenant"], "beta")).to_pylist()
    assert len(beta) == 1 and beta[0]["analysis"] is None
    assert beta[0]["error"].startswith("tenant 'beta': engagement: unknown account(s) nobody_here")
    alpha = out.filter(pc.equal(out["tenant"], "alpha"))
    assert alpha.num_rows == len(small["alpha"].engagement(org="acme_careers")) > 0
    assert alpha["error"].null_count == alpha.num_rows

    with pytest.raises(Exception, match=r"TenantError: tenant 'beta': engagement: unknown account"):
        rspark.score_tenants(posts_df, accounts_df, orgs_df, on_error="raise").collect()


def test_arguments_are_checked_on_the_driver(spark: Any) -> None:
    df = spark.createDataFrame([("a", 1)], "tenant string, x bigint")
    with pytest.raises(rapport.ConfigError, match="orgs_df has no column 'org'"):
        rspark.score_tenants(df, df, df)
    with pytest.raises(rapport.ConfigError, match="analyses=\\['mentors'\\]"):
        rspark.score_tenants(df, df, df, analyses=["mentors"])


def test_twarc2_jsonl_read_by_spark_scores_like_the_local_run(spark: Any, tmp_path: Path) -> None:
    # One folder per tenant (Spark's partition discovery gives the tenant column), each the sample's
    # twarc2 JSONL cut into two files, as a collection spread over several runs is.
    local: dict[str, Any] = {}
    for name, posts, seed in (("alpha", 300, 3), ("beta", 500, 4)):
        src = tmp_path / f"{name}.jsonl"
        rapport.write_sample(src, posts=posts, seed=seed)
        lines = src.read_text(encoding="utf-8").splitlines()
        folder = tmp_path / "lines" / f"tenant={name}"
        folder.mkdir(parents=True)
        half = len(lines) // 2
        (folder / "part-1.jsonl").write_text("\n".join(lines[:half]) + "\n", encoding="utf-8")
        (folder / "part-2.jsonl").write_text("\n".join(lines[half:]) + "\n", encoding="utf-8")
        local[name] = rspark.corpus_of_lines(lines)
    lines_df = spark.read.text(str(tmp_path / "lines"))
    assert set(lines_df.columns) == {"value", "tenant"}
    orgs = [(n, o) for n, c in local.items() for o in _orgs(c)]
    orgs_df = spark.createDataFrame(orgs, "tenant string, org string")
    out = rspark.score_jsonl_tenants(lines_df, orgs_df, analyses=["engagement", "broadcast"])
    got = out.toArrow()
    assert got.filter(pc.is_valid(got["error"])).num_rows == 0
    for name, c in local.items():
        expected = rspark.score_tenant(name, c.posts(), c.accounts(), _orgs(c), ["engagement", "broadcast"])
        mine = got.filter(pc.equal(got["tenant"], name))
        for analysis in ("engagement", "broadcast"):
            a = pa.Table.from_struct_array(
                mine.filter(pc.equal(mine["analysis"], analysis)).column(analysis).combine_chunks()
            )
            b = pa.Table.from_struct_array(
                expected.filter(pc.equal(expected["analysis"], analysis)).column(analysis).combine_chunks()
            )
            assert a.num_rows > 0
            keys = [(k, "ascending") for k in KEYS[analysis]]
            assert a.sort_by(keys).equals(b.sort_by(keys)), f"{name}/{analysis} differs"
    # A tenant over max_lines_per_tenant is reported, the other scored; a bad line fails its tenant.
    bad = tmp_path / "lines" / "tenant=gamma"
    bad.mkdir()
    (bad / "part-1.jsonl").write_text('{"data": [{"id": ""}]}\n', encoding="utf-8")
    lines_df = spark.read.text(str(tmp_path / "lines"))
    orgs_df = spark.createDataFrame(orgs + [("gamma", "acme_careers")], "tenant string, org string")
    n_alpha = len((tmp_path / "alpha.jsonl").read_text(encoding="utf-8").splitlines())
    out = rspark.score_jsonl_tenants(
        lines_df, orgs_df, on_error="report", max_lines_per_tenant=n_alpha
    ).toArrow()
    errs = {r["tenant"]: r["error"] for r in out.filter(pc.is_valid(out["error"])).to_pylist()}
    assert set(errs) == {"beta", "gamma"}, errs
    assert "over max_lines_per_tenant" in errs["beta"]
    assert errs["gamma"].startswith("tenant 'gamma': ")
    assert out.filter(pc.equal(out["tenant"], "alpha")).num_rows > 0
