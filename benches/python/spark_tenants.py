#!/usr/bin/env python3
"""Many tenants in Spark local mode: rapport inside Spark (``rapport.spark.score_tenants``, one corpus
per tenant in an Arrow UDF) against a pure PySpark implementation of the same engagement features (a
pandas UDF per tenant, ``groupBy(tenant).cogroup(...).applyInPandas``), with 1 and 2 executor cores.

    .venv/bin/python benches/python/spark_tenants.py                      # 1000x2000 and 100x20000
    .venv/bin/python benches/python/spark_tenants.py --shape 50x2000 --cores 1,2

A shape is TENANTS x POSTS_PER_TENANT. Tenants are generated with the bundled sample generator
(``--distinct`` different seeds, repeated under new tenant names: every tenant is a full corpus of its
own, the generation just does not dominate the run) and written once to Parquet under
``benches/out/spark/`` (posts and accounts, with a ``tenant`` column), which Spark then reads.

Each measurement is one Spark job that runs every tenant and writes the result to Spark's ``noop``
sink (so nothing is collected to the driver), after a warm-up job on a few tenants that starts the
Python workers. It prints one line per (shape, cores, implementation) with tenants per minute, then
the rapport/pandas ratio and the 1 -> 2 cores speed-up, and with ``--out`` writes them as JSON.

Before timing, the pandas implementation is checked against rapport on one tenant: the count
features, stage and two-way exchanges must be equal and the decayed interactions equal to 1e-9.
Build the extension optimised (``RAPPORT_PROFILE=release scripts/setup``) before measuring: the test
command's unoptimised build is many times slower.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import rapport
from rapport import spark as rspark

ORG = ["acme_careers", "acme_eng", "acme_people"]
HALF_LIFE_DAYS = 30.0
DAY_MS = 86_400_000
ROOT = Path(__file__).resolve().parents[2]

# ----- the pure pandas implementation of the engagement features ----------------------------------

FEATURES = [
    "replies_to_org",
    "replies_from_org",
    "mentions_to_org",
    "mentions_from_org",
    "amplification_to_org",
    "amplification_from_org",
    "interactions",
    "decayed_interactions",
    "two_way_exchanges",
    "recent_two_way_exchanges",
    "reciprocity",
    "stage",
]
PANDAS_SCHEMA = (
    "tenant string, id string, replies_to_org bigint, replies_from_org bigint, mentions_to_org bigint, "
    "mentions_from_org bigint, amplification_to_org bigint, amplification_from_org bigint, "
    "interactions bigint, decayed_interactions double, two_way_exchanges bigint, "
    "recent_two_way_exchanges bigint, reciprocity double, stage string"
)


def _ms(col: pd.Series) -> pd.Series:
    t = pd.to_datetime(col)
    if t.dt.tz is not None:
        t = t.dt.tz_convert("UTC").dt.tz_localize(None)
    return (t - pd.Timestamp(0)) // pd.Timedelta(milliseconds=1)


def pandas_engagement(posts: pd.DataFrame, accounts: pd.DataFrame, org_handles: list[str]) -> pd.DataFrame:
    """The engagement features of docs/engagement.md sections 1-3 (the count features, the decayed
    interactions, two-way exchanges, reciprocity and the stage) from the posts and accounts tables of
    one tenant, in pandas, as an analyst writes them (after benches/python/reference.py)."""
    handle_to_id: dict[str, str] = {}
    for h, i in zip(accounts["handle"], accounts["id"]):
        if isinstance(h, str) and h:
            handle_to_id.setdefault(h.lower(), i)
    for h, i in zip(posts["author"], posts["author_id"]):
        if isinstance(h, str) and h != i:
            handle_to_id.setdefault(h.lower(), i)

    def account(name: Any) -> Any:
        return handle_to_id.get(name.lower(), name) if isinstance(name, str) else None

    org = {handle_to_id[h.lower()] for h in org_handles if h.lower() in handle_to_id}
    posts = posts.reset_index(drop=True)
    ms = _ms(posts["created_at"]).to_numpy()
    conv = posts["conversation_id"].where(posts["conversation_id"].notna(), posts["id"]).to_numpy()
    author_of = pd.Series(posts["author_id"].to_numpy(), index=posts["id"].to_numpy())
    author_of = author_of[~author_of.index.duplicated()]
    rp = posts["reposted"].notna().to_numpy()
    frames = []
    # Reposts: the reposted post's author, else the first mention (``RT @handle:``).
    rt = posts[rp]
    tgt = rt["reposted"].map(author_of)
    first = rt["mentions"].map(lambda m: account(m[0]) if m is not None and len(m) else None)
    tgt = tgt.where(tgt.notna(), first)
    frames.append(pd.DataFrame({"src": rt["author_id"], "dst": tgt, "kind": "repost", "row": rt.index}))
    nr = posts[~rp]
    replied = nr["reply_to"].map(author_of)
    replied = replied.where(replied.notna(), nr["reply_to_account"].map(account))
    frames.append(pd.DataFrame({"src": nr["author_id"], "dst": replied, "kind": "reply", "row": nr.index}))
    m = nr[["author_id", "mentions"]].assign(replied=replied).explode("mentions")
    m = m[m["mentions"].notna()]
    m = m.assign(dst=m["mentions"].map(account))
    m = m[m["dst"] != m["replied"]]
    frames.append(pd.DataFrame({"src": m["author_id"], "dst": m["dst"], "kind": "mention", "row": m.index}))
    frames.append(
        pd.DataFrame({"src": nr["author_id"], "dst": nr["quoted"].map(author_of), "kind": "quote", "row": nr.index})
    )
    ix = pd.concat(frames, ignore_index=True)
    ix = ix[ix["dst"].notna() & (ix["src"] != ix["dst"])]
    rows = ix["row"].to_numpy(dtype=np.int64)
    ix = ix.assign(ms=ms[rows], conv=conv[rows])

    as_of = int(ms.max())
    hl = HALF_LIFE_DAYS * DAY_MS
    e = ix[ix["src"].isin(org) ^ ix["dst"].isin(org)].copy()
    e["to_org"] = e["dst"].isin(org)
    e["x"] = np.where(e["to_org"], e["src"], e["dst"])
    amp = e["kind"].isin(["repost", "quote"])
    e["w"] = np.where(e["ms"] > as_of, 1.0, np.exp2(-(as_of - e["ms"]) / hl))
    kind = np.where(amp, "amplification", np.where(e["kind"] == "reply", "replies", "mentions"))
    e["col"] = pd.Series(kind, index=e.index) + np.where(e["to_org"], "_to_org", "_from_org")
    counts = e.groupby(["x", "col"]).size().unstack(fill_value=0)
    names = [f"{k}_{d}" for k in ["replies", "mentions", "amplification"] for d in ["to_org", "from_org"]]
    feats = counts.reindex(columns=names, fill_value=0).astype("int64")
    g = e.groupby("x")
    feats["interactions"] = g.size()
    feats["decayed_interactions"] = g["w"].sum()
    rep = e[e["kind"] == "reply"]
    cg = rep.groupby(["x", "conv"]).agg(to=("to_org", "any"), frm=("to_org", lambda s: (~s).any()), last=("ms", "max"))
    two = cg[cg["to"] & cg["frm"]]
    feats["two_way_exchanges"] = two.groupby(level="x").size().reindex(feats.index, fill_value=0)
    recent = two[(as_of - two["last"]) <= hl]
    feats["recent_two_way_exchanges"] = recent.groupby(level="x").size().reindex(feats.index, fill_value=0)
    a, b = feats["replies_to_org"], feats["replies_from_org"]
    mx = np.maximum(a, b)
    feats["reciprocity"] = np.where(mx > 0, np.minimum(a, b) / mx.where(mx > 0, 1), 0.0)
    feats["stage"] = np.select(
        [
            (feats["recent_two_way_exchanges"] >= 2) & (feats["amplification_to_org"] >= 1),
            feats["two_way_exchanges"] >= 1,
            (feats["replies_to_org"] + feats["mentions_to_org"]) >= 1,
            (feats["replies_from_org"] + feats["mentions_from_org"]) >= 1,
        ],
        ["engaged", "conversing", "responded", "noticed"],
        "unaware",
    )
    feats = feats[~feats.index.isin(org)]
    return feats.rename_axis("id").reset_index()[["id", *FEATURES]]


def check_agreement(c: rapport.Corpus) -> int:
    """Compares the pandas features with rapport's on one tenant; returns the accounts compared."""
    ours = pa.table(c.engagement(org=ORG)).to_pandas().set_index("id")
    theirs = pandas_engagement(pa.table(c.posts()).to_pandas(), pa.table(c.accounts()).to_pandas(), ORG)
    theirs = theirs.set_index("id")
    ours = ours[ours["interactions"] > 0]
    assert sorted(ours.index) == sorted(theirs.index), "the two implementations score other accounts"
    theirs = theirs.loc[ours.index]
    for f in FEATURES:
        if f == "decayed_interactions":
            assert np.allclose(ours[f], theirs[f], rtol=1e-9, atol=0), f
        else:
            assert (ours[f].to_numpy() == theirs[f].to_numpy()).all(), f
    return len(ours)


# ----- data -----------------------------------------------------------------------------------------


def write_tenants(tenants: int, posts: int, distinct: int, out: Path) -> tuple[Path, Path]:
    """Posts and accounts of `tenants` generated tenants as two Parquet files with a tenant column."""
    out.mkdir(parents=True, exist_ok=True)
    pp, ap = out / "posts.parquet", out / "accounts.parquet"
    done = out / "done"
    if done.exists():
        return pp, ap
    corpora = [rapport.Corpus.sample(posts, seed=100 + s) for s in range(min(distinct, tenants))]
    tables = [(pa.table(c.posts()), pa.table(c.accounts())) for c in corpora]
    pw = aw = None
    for t in range(tenants):
        p, a = tables[t % len(tables)]
        name = f"tenant-{t:05d}"
        p = p.append_column("tenant", pa.array([name] * p.num_rows, pa.string()))
        a = a.append_column("tenant", pa.array([name] * a.num_rows, pa.string()))
        if pw is None:
            pw, aw = pq.ParquetWriter(pp, p.schema), pq.ParquetWriter(ap, a.schema)
        pw.write_table(p)
        aw.write_table(a)
    assert pw is not None and aw is not None
    pw.close()
    aw.close()
    done.write_text("ok\n")
    return pp, ap


# ----- Spark ----------------------------------------------------------------------------------------


def session(cores: int) -> Any:
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable
    s = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName(f"rapport-bench-{cores}")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", str(4 * cores))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "4g")
        .getOrCreate()
    )
    s.sparkContext.setLogLevel("ERROR")
    return s


def run_rapport(posts_df: Any, accounts_df: Any, orgs_df: Any) -> Any:
    return rspark.score_tenants(posts_df, accounts_df, orgs_df, analyses=("engagement",))


def run_pandas(posts_df: Any, accounts_df: Any, orgs_df: Any) -> Any:
    def one(key: tuple[Any, ...], posts: pd.DataFrame, accounts: pd.DataFrame) -> pd.DataFrame:
        out = pandas_engagement(posts, accounts, ORG)
        out.insert(0, "tenant", key[0])
        return out

    return posts_df.groupBy("tenant").cogroup(accounts_df.groupBy("tenant")).applyInPandas(one, PANDAS_SCHEMA)


def measure(spark: Any, pp: Path, ap: Path, impl: str) -> tuple[float, int]:
    posts_df = spark.read.parquet(str(pp))
    accounts_df = spark.read.parquet(str(ap))
    tenants = [r[0] for r in posts_df.select("tenant").distinct().collect()]
    orgs_df = spark.createDataFrame([(t, o) for t in tenants for o in ORG], "tenant string, org string")
    run = run_rapport if impl == "rapport" else run_pandas
    # Warm-up: start the Python workers on a few tenants.
    few = sorted(tenants)[:4]
    run(posts_df.where(posts_df.tenant.isin(few)), accounts_df.where(accounts_df.tenant.isin(few)), orgs_df) \
        .write.format("noop").mode("overwrite").save()
    t0 = time.perf_counter()
    run(posts_df, accounts_df, orgs_df).write.format("noop").mode("overwrite").save()
    return time.perf_counter() - t0, len(tenants)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--shape", action="append", help="TENANTSxPOSTS (repeatable); default 1000x2000 and 100x20000")
    ap.add_argument("--cores", default="1,2", help="local[N] for each N (comma-separated)")
    ap.add_argument("--impl", default="rapport,pandas")
    ap.add_argument("--distinct", type=int, default=8, help="distinct generated corpora per shape")
    ap.add_argument("--data", default=str(ROOT / "benches" / "out" / "spark"))
    ap.add_argument("--out", help="write the results here (JSON)")
    a = ap.parse_args()
    shapes = [tuple(int(x) for x in s.lower().split("x")) for s in (a.shape or ["1000x2000", "100x20000"])]
    cores = [int(c) for c in a.cores.split(",")]
    impls = a.impl.split(",")
    compared = check_agreement(rapport.Corpus.sample(2000, seed=100))
    print(f"agreement: pandas and rapport give the same features for {compared} accounts of one tenant")
    results = []
    data = {}
    for n, m in shapes:
        t0 = time.perf_counter()
        data[(n, m)] = write_tenants(n, m, a.distinct, Path(a.data) / f"{n}x{m}")
        print(f"data {n}x{m}: {time.perf_counter() - t0:.1f} s")
    for c in cores:
        spark = session(c)
        for n, m in shapes:
            pp, apath = data[(n, m)]
            for impl in impls:
                seconds, tenants = measure(spark, pp, apath, impl)
                r = {
                    "tenants": tenants,
                    "posts_per_tenant": m,
                    "cores": c,
                    "impl": impl,
                    "seconds": round(seconds, 2),
                    "tenants_per_minute": round(tenants / seconds * 60, 1),
                }
                results.append(r)
                print(f"{n}x{m} local[{c}] {impl:8s} {seconds:8.1f} s  {r['tenants_per_minute']:9.1f} tenants/min", flush=True)
        spark.stop()
    by = {(r["tenants"], r["posts_per_tenant"], r["cores"], r["impl"]): r["seconds"] for r in results}
    summary = []
    for n, m in shapes:
        for c in cores:
            if (n, m, c, "rapport") in by and (n, m, c, "pandas") in by:
                ratio = by[(n, m, c, "pandas")] / by[(n, m, c, "rapport")]
                summary.append({"shape": f"{n}x{m}", "cores": c, "rapport_speedup_over_pandas": round(ratio, 2)})
                print(f"{n}x{m} local[{c}]: rapport {ratio:.2f}x the tenants/min of the pandas UDF")
        for impl in impls:
            if (n, m, 1, impl) in by and (n, m, 2, impl) in by:
                s = by[(n, m, 1, impl)] / by[(n, m, 2, impl)]
                summary.append({"shape": f"{n}x{m}", "impl": impl, "speedup_1_to_2_cores": round(s, 2)})
                print(f"{n}x{m} {impl}: {s:.2f}x from 1 to 2 cores")
    if a.out:
        Path(a.out).write_text(json.dumps({"results": results, "summary": summary}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
