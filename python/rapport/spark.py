"""rapport inside Apache Spark: score thousands of tenants (client organisations) in one job.

Each tenant's posts and accounts travel to one Python worker as Arrow (``groupBy(tenant).cogroup(...)
.applyInArrow``), become a :class:`rapport.Corpus` there (:meth:`rapport.Corpus.from_arrow`), and the
analyses' tables come back as Arrow batches with a declared Spark schema. The executors need only
the rapport wheel (abi3, no other native dependency) and pyarrow; pyspark is the optional extra
``pip install rapport[spark]``. See docs/scale.md.

The input DataFrames have the columns of ``corpus.posts()`` and ``corpus.accounts()`` plus a tenant
column (a Parquet dataset partitioned by tenant, read with ``spark.read.parquet``, has exactly that
shape); ``orgs_df`` names each tenant's own accounts (handles or ids), one row per account.

The result has one row per result row of every tenant and analysis: ``tenant`` first, then
``analysis`` (``engagement``, ``broadcast`` or ``skills``), one struct column per requested analysis
(filled on that analysis's rows, null elsewhere) and ``error`` (null, or why the tenant failed when
``on_error="report"``). :func:`results` and :func:`errors` unpack it:

>>> from rapport import spark
>>> [f.name for f in spark.result_schema(["engagement", "skills"], tenant_type="bigint").fields]
['tenant', 'analysis', 'engagement', 'skills', 'error']
>>> spark.ANALYSES
('engagement', 'broadcast', 'skills')
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any, Optional, Union

from rapport import _native

__all__ = [
    "ANALYSES",
    "TenantError",
    "errors",
    "result_schema",
    "results",
    "corpus_of_lines",
    "score_jsonl_tenants",
    "score_tenant",
    "score_tenants",
]

#: The analyses :func:`score_tenants` runs, in the order of the result's columns.
ANALYSES = ("engagement", "broadcast", "skills")

# The declared columns of each analysis: (Spark name, rapport's column name, Spark type). The Spark
# names are rapport's, with the dots of flattened structs (``counts.hashtag``) as underscores.
_COLUMNS: dict[str, list[tuple[str, str, str]]] = {
    "engagement": [
        ("handle", "handle", "string"),
        ("id", "id", "string"),
        ("score", "score", "double"),
        ("stage", "stage", "string"),
        ("replies_from_org", "replies_from_org", "bigint"),
        ("replies_to_org", "replies_to_org", "bigint"),
        ("mentions_from_org", "mentions_from_org", "bigint"),
        ("mentions_to_org", "mentions_to_org", "bigint"),
        ("amplification_from_org", "amplification_from_org", "bigint"),
        ("amplification_to_org", "amplification_to_org", "bigint"),
        ("two_way_exchanges", "two_way_exchanges", "bigint"),
        ("recent_two_way_exchanges", "recent_two_way_exchanges", "bigint"),
        ("reciprocity", "reciprocity", "double"),
        ("words_org", "words_org", "bigint"),
        ("words_account", "words_account", "bigint"),
        ("account_word_share", "account_word_share", "double"),
        ("talk_balance", "talk_balance", "double"),
        ("utterances", "utterances", "bigint"),
        ("turn_taking", "turn_taking", "double"),
        ("latency_account_ms", "latency_account_ms", "double"),
        ("latency_org_ms", "latency_org_ms", "double"),
        ("latency_pooled_ms", "latency_pooled_ms", "double"),
        ("interactions", "interactions", "bigint"),
        ("decayed_interactions", "decayed_interactions", "double"),
        ("last_interaction", "last_interaction", "timestamp"),
        ("org_follows", "org_follows", "boolean"),
        ("follows_org", "follows_org", "boolean"),
        ("mutual", "mutual", "boolean"),
    ],
    "broadcast": [
        ("scope", "scope", "string"),
        ("key", "key", "string"),
        ("posts", "posts", "bigint"),
        ("void", "void", "bigint"),
        ("broadcast", "broadcast", "bigint"),
        ("conversation", "conversation", "bigint"),
        ("void_rate", "void_rate", "double"),
        ("conversation_rate", "conversation_rate", "double"),
        ("replies", "replies", "bigint"),
        ("replies_answered", "replies_answered", "bigint"),
        ("answered_rate", "answered_rate", "double"),
        ("median_first_reply_ms", "median_first_reply_ms", "double"),
        ("p90_first_reply_ms", "p90_first_reply_ms", "double"),
        ("median_answer_ms", "median_answer_ms", "double"),
        ("p90_answer_ms", "p90_answer_ms", "double"),
    ],
    "skills": [
        ("account_id", "account_id", "string"),
        ("handle", "handle", "string"),
        ("skill_id", "skill_id", "string"),
        ("label", "label", "string"),
        ("strength", "strength", "double"),
        ("posts", "posts", "bigint"),
        ("counts_hashtag", "counts.hashtag", "bigint"),
        ("counts_keyword", "counts.keyword", "bigint"),
        ("counts_bio", "counts.bio", "bigint"),
        ("peer_replies", "peer.replies", "bigint"),
        ("peer_repliers", "peer.repliers", "bigint"),
        ("peer_strength", "peer.strength", "double"),
        ("first_seen", "first_seen", "timestamp"),
        ("last_seen", "last_seen", "timestamp"),
        ("evidence_post_ids", "evidence_post_ids", "array<string>"),
    ],
}


class TenantError(_native.RapportError):
    """A tenant that cannot be scored (too large, no organisation, input rapport cannot read).

    ``tenant`` is the tenant's key. Raised on the driver when ``on_error="raise"`` finds oversized
    tenants before any work is shipped; raised inside a Spark task (and reported by Spark as a
    ``PythonException`` whose message starts with ``TenantError: tenant '…'``) otherwise.
    """

    def __init__(self, tenant: Any, message: str) -> None:
        super().__init__(f"tenant {tenant!r}: {message}")
        self.tenant = tenant
        self.message = message

    def __reduce__(self) -> tuple[Any, tuple[Any, str]]:
        return (TenantError, (self.tenant, self.message))


def _import(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as e:
        extra = "spark" if module.startswith("pyspark") else "arrow"
        raise ImportError(
            f"rapport.spark needs {module.split('.')[0]}: pip install rapport[{extra}]"
        ) from e


def _check_analyses(analyses: Union[str, Sequence[str]]) -> tuple[str, ...]:
    names = (analyses,) if isinstance(analyses, str) else tuple(analyses)
    unknown = [a for a in names if a not in ANALYSES]
    if unknown or not names:
        raise _native.ConfigError(
            f"analyses={list(names)!r}: expected one or more of {list(ANALYSES)}"
        )
    # The result's columns follow ANALYSES, whatever order the caller used.
    return tuple(a for a in ANALYSES if a in names)


def _spark_type(types: Any, name: str) -> Any:
    simple = {
        "string": types.StringType,
        "bigint": types.LongType,
        "int": types.IntegerType,
        "double": types.DoubleType,
        "boolean": types.BooleanType,
        "timestamp": types.TimestampType,
    }
    if name == "array<string>":
        return types.ArrayType(types.StringType())
    if name not in simple:
        raise _native.ConfigError(
            f"tenant_type={name!r}: expected one of {sorted(simple)} or a Spark DataType"
        )
    return simple[name]()


def result_schema(analyses: Union[str, Sequence[str]] = ("engagement",), tenant_type: Any = "string") -> Any:
    """The Spark schema (``StructType``) of :func:`score_tenants`' result: ``tenant`` (of
    ``tenant_type``, a Spark ``DataType`` or ``"string"``/``"bigint"``/``"int"``), ``analysis``, one
    struct per analysis, ``error``.

    >>> from rapport import spark
    >>> [f.name for f in spark.result_schema(["skills", "broadcast"]).fields]
    ['tenant', 'analysis', 'broadcast', 'skills', 'error']
    """
    types = _import("pyspark.sql.types")
    names = _check_analyses(analyses)
    if isinstance(tenant_type, str):
        tenant_type = _spark_type(types, tenant_type)
    fields = [
        types.StructField("tenant", tenant_type, True),
        types.StructField("analysis", types.StringType(), True),
    ]
    for a in names:
        struct = types.StructType(
            [types.StructField(n, _spark_type(types, t), True) for n, _, t in _COLUMNS[a]]
        )
        fields.append(types.StructField(a, struct, True))
    fields.append(types.StructField("error", types.StringType(), True))
    return types.StructType(fields)


def _arrow_schema(schema: Any) -> Any:
    pandas_types = _import("pyspark.sql.pandas.types")
    return pandas_types.to_arrow_schema(schema, timezone="UTC")


def score_tenant(
    tenant: Any,
    posts: Any,
    accounts: Any,
    orgs: Sequence[str],
    analyses: Union[str, Sequence[str]] = ("engagement",),
    *,
    half_life_days: float = 30.0,
    as_of: Any = None,
    schema: Any = None,
) -> Any:
    """One tenant's results as a ``pyarrow.Table`` with the rows and columns :func:`score_tenants`
    gives it (``schema``: an Arrow schema, by default the one of :func:`result_schema`): what every
    Spark task runs, and the local reference of the same tenant.

    Rows are read in a canonical order (posts by time then id, accounts by id), so the result does
    not depend on the order in which Spark hands a group over.

    >>> import pyarrow as pa
    >>> from rapport import spark
    >>> t = spark.score_tenant(
    ...     "acme", corpus.posts(), corpus.accounts(), ["acme_careers"], ["engagement", "skills"]
    ... )
    >>> t.column_names
    ['tenant', 'analysis', 'engagement', 'skills', 'error']
    >>> row = t.to_pylist()[0]
    >>> row["tenant"], row["analysis"], row["engagement"]["handle"], row["engagement"]["stage"]
    ('acme', 'engagement', 'ada', 'conversing')
    """
    pa = _import("pyarrow")
    names = _check_analyses(analyses)
    if schema is None:
        schema = _arrow_schema(result_schema(names, tenant_type=_spark_type_of(pa, tenant)))
    if not orgs:
        raise TenantError(tenant, "no organisation: orgs_df has no row for this tenant")
    posts = _sorted(pa, pa.table(posts), [("created_at", "ascending"), ("id", "ascending")])
    accounts = _sorted(pa, pa.table(accounts), [("id", "ascending"), ("handle", "ascending")])
    try:
        corpus = _native.Corpus.from_arrow(posts, accounts if accounts.num_rows else None)
    except _native.RapportError as e:
        raise TenantError(tenant, str(e)) from e
    parts = []
    for analysis in names:
        try:
            table = _run(corpus, analysis, list(orgs), half_life_days, as_of)
        except _native.RapportError as e:
            raise TenantError(tenant, f"{analysis}: {e}") from e
        parts.append(_rows(pa, schema, tenant, analysis, table))
    return pa.concat_tables(parts)


def _spark_type_of(pa: Any, tenant: Any) -> str:
    value = tenant.as_py() if isinstance(tenant, pa.Scalar) else tenant
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "bigint"
    return "string"


def _sorted(pa: Any, table: Any, keys: list[tuple[str, str]]) -> Any:
    present = [(k, o) for k, o in keys if k in table.column_names]
    return table.sort_by(present) if present and table.num_rows > 1 else table


def _run(corpus: Any, analysis: str, orgs: list[str], half_life_days: float, as_of: Any) -> Any:
    if analysis == "engagement":
        return corpus.engagement(org=orgs, half_life_days=half_life_days, as_of=as_of)
    if analysis == "broadcast":
        return corpus.broadcast_report(org=orgs)["summary"]
    return corpus.skills(as_of=as_of)


def _rows(pa: Any, schema: Any, tenant: Any, analysis: str, table: Any) -> Any:
    """A rapport result table as rows of the result schema: its columns in the analysis's struct."""
    t = pa.table(table)
    n = t.num_rows
    struct_type = schema.field(analysis).type
    arrays = []
    for (_, rapport_name, _), field in zip(_COLUMNS[analysis], struct_type):
        if rapport_name not in t.column_names:
            raise TenantError(tenant, f"{analysis}: rapport returned no column {rapport_name!r}")
        arrays.append(t.column(rapport_name).combine_chunks().cast(field.type))
    struct = pa.StructArray.from_arrays(arrays, fields=list(struct_type)) if n else pa.nulls(0, struct_type)
    columns = []
    for field in schema:
        if field.name == "tenant":
            columns.append(pa.array([_py(pa, tenant)] * n, type=field.type))
        elif field.name == "analysis":
            columns.append(pa.array([analysis] * n, type=field.type))
        elif field.name == analysis:
            columns.append(struct)
        else:
            columns.append(pa.nulls(n, field.type))
    return pa.Table.from_arrays(columns, schema=schema)


def _py(pa: Any, v: Any) -> Any:
    return v.as_py() if isinstance(v, pa.Scalar) else v


def _error_table(pa: Any, schema: Any, tenant: Any, message: str) -> Any:
    columns = []
    for field in schema:
        if field.name == "tenant":
            columns.append(pa.array([_py(pa, tenant)], type=field.type))
        elif field.name == "error":
            columns.append(pa.array([message], type=field.type))
        else:
            columns.append(pa.nulls(1, field.type))
    return pa.Table.from_arrays(columns, schema=schema)


def _guarded(pa: Any, schema: Any, tenant: Any, on_error: str, run: Any) -> Any:
    """One tenant's task: ``run()``'s table, or on failure a :class:`TenantError` naming the tenant
    (``on_error="raise"``) or the tenant's error row (``"report"``)."""
    try:
        return run()
    except Exception as e:
        if on_error == "raise":
            if isinstance(e, TenantError):
                raise
            raise TenantError(tenant, f"{type(e).__name__}: {e}") from e
        message = str(e) if isinstance(e, TenantError) else f"tenant {tenant!r}: {type(e).__name__}: {e}"
        return _error_table(pa, schema, tenant, message)


def score_tenants(
    posts_df: Any,
    accounts_df: Any,
    orgs_df: Any,
    analyses: Union[str, Sequence[str]] = ("engagement",),
    tenant_col: str = "tenant",
    on_error: str = "raise",
    max_posts_per_tenant: Optional[int] = None,
    *,
    max_bytes_per_tenant: Optional[int] = None,
    org_col: str = "org",
    half_life_days: float = 30.0,
    as_of: Any = None,
) -> Any:
    """Runs rapport's analyses on every tenant of Spark DataFrames; returns a DataFrame with the
    schema of :func:`result_schema` (``tenant`` first).

    - ``posts_df``, ``accounts_df``: the columns of ``corpus.posts()`` / ``corpus.accounts()`` (see
      :meth:`rapport.Corpus.from_arrow`) and ``tenant_col``; ``accounts_df`` may have no row for a
      tenant (its authors then keep the handles of the posts' ``author`` column).
    - ``orgs_df``: ``tenant_col`` and ``org_col``, one row per account of the tenant's organisation.
      It is collected to the driver, so it should stay small (one row per tenant and org account).
    - ``analyses``: any of ``engagement``, ``broadcast`` (the broadcast report's summary table) and
      ``skills``.
    - ``max_posts_per_tenant``: tenants with more posts are found by a count before anything is
      shipped to a Python worker, so none runs out of memory on them. ``max_bytes_per_tenant``
      bounds the Arrow size of a tenant's group, checked in the worker before the corpus is built.
    - ``on_error="raise"`` fails the job on the first failed tenant with a :class:`TenantError`
      naming it; ``on_error="report"`` gives that tenant one row with ``error`` set and scores the
      others.
    - ``half_life_days``, ``as_of``: as in ``Corpus.engagement`` (``as_of`` also for skills); the
      default ``as_of`` is each tenant's newest post, so a nightly job should pass the run's date.

    >>> from rapport import spark
    >>> try:
    ...     spark.score_tenants(None, None, None, on_error="ignore")
    ... except rapport.ConfigError as e:
    ...     print(e)
    on_error='ignore': expected 'raise' or 'report'
    """
    if on_error not in ("raise", "report"):
        raise _native.ConfigError(f"on_error={on_error!r}: expected 'raise' or 'report'")
    names = _check_analyses(analyses)
    F = _import("pyspark.sql.functions")
    pa = _import("pyarrow")
    for name, df, cols in (
        ("posts_df", posts_df, (tenant_col,)),
        ("accounts_df", accounts_df, (tenant_col,)),
        ("orgs_df", orgs_df, (tenant_col, org_col)),
    ):
        missing = [c for c in cols if c not in df.columns]
        if missing:
            raise _native.ConfigError(f"{name} has no column {missing[0]!r} (it has {df.columns})")
    tenant_type = posts_df.schema[tenant_col].dataType
    schema = result_schema(names, tenant_type=tenant_type)
    arrow_schema = _arrow_schema(schema)
    orgs: dict[Any, list[str]] = {}
    for row in orgs_df.select(tenant_col, org_col).collect():
        orgs.setdefault(row[0], []).append(str(row[1]))

    oversized: list[tuple[Any, int]] = []
    if max_posts_per_tenant is not None:
        counts = posts_df.groupBy(tenant_col).count()
        oversized = [
            (r[0], r[1]) for r in counts.where(F.col("count") > max_posts_per_tenant).collect()
        ]
        oversized.sort(key=lambda x: str(x[0]))

    def too_many(tenant: Any, n: int) -> str:
        return (
            f"{n} posts, over max_posts_per_tenant={max_posts_per_tenant}: score it on its own "
            "(or split it by time) rather than in one task"
        )

    if oversized and on_error == "raise":
        tenant, n = oversized[0]
        more = f" (and {len(oversized) - 1} more tenants)" if len(oversized) > 1 else ""
        raise TenantError(tenant, too_many(tenant, n) + more)
    if oversized:
        spark = posts_df.sparkSession
        types = _import("pyspark.sql.types")
        big = spark.createDataFrame(
            [(t,) for t, _ in oversized],
            types.StructType([types.StructField(tenant_col, tenant_type, True)]),
        )
        posts_df = posts_df.join(F.broadcast(big), tenant_col, "left_anti")
        accounts_df = accounts_df.join(F.broadcast(big), tenant_col, "left_anti")

    def one_tenant(key: tuple[Any, ...], posts: Any, accounts: Any) -> Any:
        tenant = key[0].as_py() if isinstance(key[0], pa.Scalar) else key[0]

        def run() -> Any:
            if posts.num_rows == 0:
                raise TenantError(tenant, "accounts but no posts")
            size = posts.nbytes + accounts.nbytes
            if max_bytes_per_tenant is not None and size > max_bytes_per_tenant:
                raise TenantError(
                    tenant,
                    f"{size} bytes of posts and accounts, over max_bytes_per_tenant="
                    f"{max_bytes_per_tenant}",
                )
            return score_tenant(
                tenant,
                posts,
                accounts,
                orgs.get(tenant, []),
                names,
                half_life_days=half_life_days,
                as_of=as_of,
                schema=arrow_schema,
            )

        return _guarded(pa, arrow_schema, tenant, on_error, run)

    result = (
        posts_df.groupBy(tenant_col)
        .cogroup(accounts_df.groupBy(tenant_col))
        .applyInArrow(one_tenant, schema=schema)
    )
    if oversized:
        rows = [
            (t, None, *([None] * len(names)), str(TenantError(t, too_many(t, n))))
            for t, n in oversized
        ]
        result = result.unionByName(posts_df.sparkSession.createDataFrame(rows, schema))
    return result


def corpus_of_lines(lines: Sequence[str], strict: bool = True) -> Any:
    """A corpus from twarc2 JSONL lines read in a canonical order (sorted), as each task of
    :func:`score_jsonl_tenants` builds it: the local reference of a tenant read by Spark.

    >>> from rapport import spark
    >>> line = ('{"data": [{"id": "1", "author_id": "7", "text": "hi", "created_at": "2026-05-01T09:00:00.000Z"}],'
    ...         ' "includes": {"users": [{"id": "7", "username": "ada", "name": "Ada"}]}}')
    >>> spark.corpus_of_lines([line]).num_posts
    1
    """
    import os
    import tempfile

    fd, path = tempfile.mkstemp(suffix=".jsonl", prefix="rapport-tenant-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            for line in sorted(lines):
                if line.strip():
                    f.write(line.rstrip("\n"))
                    f.write("\n")
        return _native.Corpus.from_jsonl(path, strict=strict)
    finally:
        os.unlink(path)


def score_jsonl_tenants(
    lines_df: Any,
    orgs_df: Any,
    analyses: Union[str, Sequence[str]] = ("engagement",),
    tenant_col: str = "tenant",
    on_error: str = "raise",
    max_lines_per_tenant: Optional[int] = None,
    *,
    line_col: str = "value",
    org_col: str = "org",
    strict: bool = True,
    half_life_days: float = 30.0,
    as_of: Any = None,
) -> Any:
    """:func:`score_tenants` on twarc2 JSONL read by Spark: ``lines_df`` has one JSONL line per row
    (``line_col``, ``value`` as ``spark.read.text`` names it) and ``tenant_col`` (a folder per tenant,
    ``.../tenant=acme/*.jsonl``, gives it through Spark's partition discovery). Each tenant's lines
    become a corpus in one task (:func:`corpus_of_lines`: read in sorted order, so the result does
    not depend on how Spark splits the files), whose posts and accounts go through
    :func:`score_tenant`: the rows and schema are those of :func:`score_tenants`. Follow pages are
    read but, as in :func:`score_tenants`, only posts and accounts are scored.

    ``max_lines_per_tenant`` refuses larger tenants by a count before any task, as
    ``max_posts_per_tenant`` does; a line that is not a page fails its tenant (``strict=False``
    skips it instead).

    >>> from rapport import spark
    >>> try:
    ...     spark.score_jsonl_tenants(None, None, on_error="skip")
    ... except rapport.ConfigError as e:
    ...     print(e)
    on_error='skip': expected 'raise' or 'report'
    """
    if on_error not in ("raise", "report"):
        raise _native.ConfigError(f"on_error={on_error!r}: expected 'raise' or 'report'")
    names = _check_analyses(analyses)
    F = _import("pyspark.sql.functions")
    pa = _import("pyarrow")
    for name, df, cols in (
        ("lines_df", lines_df, (tenant_col, line_col)),
        ("orgs_df", orgs_df, (tenant_col, org_col)),
    ):
        missing = [c for c in cols if c not in df.columns]
        if missing:
            raise _native.ConfigError(f"{name} has no column {missing[0]!r} (it has {df.columns})")
    tenant_type = lines_df.schema[tenant_col].dataType
    schema = result_schema(names, tenant_type=tenant_type)
    arrow_schema = _arrow_schema(schema)
    orgs: dict[Any, list[str]] = {}
    for row in orgs_df.select(tenant_col, org_col).collect():
        orgs.setdefault(row[0], []).append(str(row[1]))
    lines_df = lines_df.select(tenant_col, line_col)

    oversized: list[tuple[Any, int]] = []
    if max_lines_per_tenant is not None:
        counts = lines_df.groupBy(tenant_col).count()
        oversized = sorted(
            ((r[0], r[1]) for r in counts.where(F.col("count") > max_lines_per_tenant).collect()),
            key=lambda x: str(x[0]),
        )

    def too_many(n: int) -> str:
        return (
            f"{n} lines, over max_lines_per_tenant={max_lines_per_tenant}: score it on its own "
            "(or split it by time) rather than in one task"
        )

    if oversized and on_error == "raise":
        tenant, n = oversized[0]
        raise TenantError(tenant, too_many(n))
    if oversized:
        types = _import("pyspark.sql.types")
        big = lines_df.sparkSession.createDataFrame(
            [(t,) for t, _ in oversized],
            types.StructType([types.StructField(tenant_col, tenant_type, True)]),
        )
        lines_df = lines_df.join(F.broadcast(big), tenant_col, "left_anti")

    def one_tenant(key: tuple[Any, ...], table: Any) -> Any:
        tenant = key[0].as_py() if isinstance(key[0], pa.Scalar) else key[0]

        def run() -> Any:
            try:
                corpus = corpus_of_lines(table.column(line_col).to_pylist(), strict=strict)
            except _native.RapportError as e:
                raise TenantError(tenant, str(e)) from e
            return score_tenant(
                tenant,
                corpus.posts(),
                corpus.accounts(),
                orgs.get(tenant, []),
                names,
                half_life_days=half_life_days,
                as_of=as_of,
                schema=arrow_schema,
            )

        return _guarded(pa, arrow_schema, tenant, on_error, run)

    result = lines_df.groupBy(tenant_col).applyInArrow(one_tenant, schema=schema)
    if oversized:
        rows = [
            (t, None, *([None] * len(names)), str(TenantError(t, too_many(n)))) for t, n in oversized
        ]
        result = result.unionByName(lines_df.sparkSession.createDataFrame(rows, schema))
    return result


def results(df: Any, analysis: str) -> Any:
    """The rows of one analysis of :func:`score_tenants`' result as a flat DataFrame: ``tenant``,
    then the analysis's columns.

    >>> from rapport import spark
    >>> try:
    ...     spark.results(None, "mentors")
    ... except rapport.ConfigError as e:
    ...     print(e)
    analyses=['mentors']: expected one or more of ['engagement', 'broadcast', 'skills']
    """
    (name,) = _check_analyses([analysis])
    F = _import("pyspark.sql.functions")
    return df.where(F.col("analysis") == name).select("tenant", f"{name}.*")


def errors(df: Any) -> Any:
    """The failed tenants of :func:`score_tenants`' result (``on_error="report"``): ``tenant``,
    ``error``.

    >>> from rapport import spark
    >>> print(spark.TenantError("acme", "no organisation"))
    tenant 'acme': no organisation
    """
    F = _import("pyspark.sql.functions")
    return df.where(F.col("error").isNotNull()).select("tenant", "error")
