"""Conversions of :class:`rapport.Table` to pandas, Arrow and polars, and its text and HTML views.

The native table is an Arrow record batch. With pyarrow installed it goes over whole through the
Arrow C stream interface (``Table.__arrow_c_stream__``), sharing its buffers. Without pyarrow, each
column comes over in one piece (``Table._column_buffers``): numbers and timestamps as one ``bytes``
buffer read by ``numpy.frombuffer``, strings as one list. Nothing here builds a dict per row.
"""

from __future__ import annotations

import contextlib
import gc
import html
import importlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    from rapport._native import Table

_EXTRA = {"pandas": "pandas", "numpy": "pandas", "pyarrow": "arrow", "polars": "polars"}


def _require(module: str, method: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as e:
        extra = _EXTRA.get(module, module)
        raise ImportError(
            f"Table.{method}() needs {module}, which is not installed: "
            f"pip install 'rapport[{extra}]' (or pip install {module})"
        ) from e


@contextlib.contextmanager
def _no_gc() -> Iterator[None]:
    """Pauses the cyclic garbage collector while millions of objects are made in one go: it would
    otherwise walk every new container many times over (and none of them can be garbage yet)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _lists(np: Any, data: tuple[bytes, list[str]], mask: Optional[bytes]) -> list[Optional[list[str]]]:
    """Per-row lists from the offsets and the flat values of a ``list[str]`` column."""
    offsets, flat = data
    off = np.frombuffer(offsets, dtype="<i8").tolist()
    rows: list[Optional[list[str]]] = [flat[a:b] for a, b in zip(off[:-1], off[1:])]
    if mask is not None:
        for i in np.flatnonzero(np.frombuffer(mask, dtype=np.uint8)).tolist():
            rows[i] = None
    return rows


def _optional(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def _arrow_table(pa: Any, table: Table) -> Any:
    """The table as a ``pyarrow.Table`` through the Arrow C stream: the buffers are shared, not copied."""
    try:
        return pa.table(table)
    except TypeError:  # pyarrow < 15: pa.table() does not know the PyCapsule interface yet
        return pa.RecordBatchReader._import_from_c_capsule(table.__arrow_c_stream__()).read_all()


def _pandas_string_dtype(pd: Any, np: Any) -> Any:
    try:  # pandas >= 2.3: the dtype pandas 3 uses for every text column
        return pd.StringDtype("pyarrow", na_value=np.nan)
    except TypeError:
        return pd.StringDtype("pyarrow")


def _numeric(np: Any, kind: str, data: bytes) -> Any:
    if kind == "bool":
        return np.frombuffer(data, dtype=np.uint8).astype(bool)
    if kind == "f64":
        return np.frombuffer(data, dtype="<f8")
    return np.frombuffer(data, dtype="<i8")


def to_pandas(table: Table) -> Any:
    """The table as a ``pandas.DataFrame``.

    ``i64`` columns become ``int64`` (``Int64`` when they hold nulls), ``bool`` columns ``bool``
    (``boolean`` with nulls), timestamps ``datetime64[ns, UTC]``. With pyarrow installed, the table
    goes over as Arrow memory (the C stream interface): text columns are pandas' Arrow-backed ``str``
    and lists of strings ``list<string>[pyarrow]`` (each cell reads back as a Python list), without
    converting a value; without it, Python objects.
    """
    pd = _require("pandas", "to_pandas")
    np = _require("numpy", "to_pandas")
    with _no_gc():
        pa = _optional("pyarrow")
        if pa is not None:
            return _to_pandas_arrow(table, pd, np, pa)
        return _to_pandas(table, pd, np)


def _values_and_mask(pa: Any, np: Any, arr: Any, fill: Any) -> tuple[Any, Any]:
    """A primitive Arrow array as a numpy array (nulls filled) and a boolean null mask (or None)."""
    if arr.null_count == 0:
        return arr.to_numpy(zero_copy_only=False), None
    mask = arr.is_null().to_numpy(zero_copy_only=False)
    return arr.fill_null(fill).to_numpy(zero_copy_only=False), mask


def _to_pandas_arrow(table: Table, pd: Any, np: Any, pa: Any) -> Any:
    at = _arrow_table(pa, table)
    columns: dict[str, Any] = {}
    for name, chunked in zip(at.column_names, at.columns):
        arr = chunked.combine_chunks() if chunked.num_chunks != 1 else chunked.chunk(0)
        t = arr.type
        if pa.types.is_string(t):
            columns[name] = pd.Series(arr, dtype=_pandas_string_dtype(pd, np))
        elif pa.types.is_list(t):
            columns[name] = pd.Series(arr, dtype=pd.ArrowDtype(t))
        elif pa.types.is_int64(t):
            values, m = _values_and_mask(pa, np, arr, 0)
            columns[name] = pd.Series(values) if m is None else pd.Series(pd.arrays.IntegerArray(values, m))
        elif pa.types.is_float64(t):
            columns[name] = pd.Series(arr.to_numpy(zero_copy_only=False))
        elif pa.types.is_boolean(t):
            values, m = _values_and_mask(pa, np, arr, False)
            columns[name] = pd.Series(values) if m is None else pd.Series(pd.arrays.BooleanArray(values, m))
        elif pa.types.is_timestamp(t):
            ms = arr.cast(pa.int64()).fill_null(0).to_numpy(zero_copy_only=False).astype("datetime64[ms]")
            if arr.null_count:
                ms[arr.is_null().to_numpy(zero_copy_only=False)] = np.datetime64("NaT")
            columns[name] = pd.Series(ms.astype("datetime64[ns]")).dt.tz_localize("UTC")
        elif pa.types.is_null(t):
            columns[name] = pd.Series([None] * len(arr), dtype=object)
        else:
            columns[name] = pd.Series(arr.to_pylist(), dtype=object)
    if not columns:
        return pd.DataFrame()
    return pd.DataFrame(columns, copy=False)


def _to_pandas(table: Table, pd: Any, np: Any) -> Any:
    columns: dict[str, Any] = {}
    for name in table.columns:
        kind, data, mask = table._column_buffers(name)
        m = None if mask is None else np.frombuffer(mask, dtype=np.uint8).astype(bool)
        if kind == "i64":
            values = _numeric(np, kind, data)
            col = pd.Series(values.copy()) if m is None else pd.Series(pd.arrays.IntegerArray(values.copy(), m))
        elif kind == "f64":
            col = pd.Series(_numeric(np, kind, data).copy())
        elif kind == "bool":
            values = _numeric(np, kind, data)
            col = pd.Series(values) if m is None else pd.Series(pd.arrays.BooleanArray(values, m))
        elif kind.startswith("timestamp"):
            ms = _numeric(np, "i64", data).astype("datetime64[ms]")
            if m is not None:
                ms[m] = np.datetime64("NaT")
            col = pd.Series(ms.astype("datetime64[ns]")).dt.tz_localize("UTC")
        elif kind == "null":
            col = pd.Series([None] * data, dtype=object)
        elif kind == "list[str]":
            col = pd.Series(_lists(np, data, mask), dtype=object)
        else:
            col = pd.Series(data)
        columns[name] = col
    if not columns:
        return pd.DataFrame()
    return pd.DataFrame(columns, copy=False)


def to_arrow(table: Table) -> Any:
    """The table as a ``pyarrow.Table`` (timestamps as ``timestamp[ms, tz=UTC]``), through the Arrow C
    stream interface: no value is copied or converted."""
    pa = _require("pyarrow", "to_arrow")
    return _arrow_table(pa, table)


def to_polars(table: Table) -> Any:
    """The table as a ``polars.DataFrame`` (timestamps as ``Datetime("ms", "UTC")``)."""
    pl = _require("polars", "to_polars")
    pa = _optional("pyarrow")
    if pa is not None:
        # Through Arrow memory, polars takes the columns without converting a single value.
        return pl.from_arrow(_arrow_table(pa, table))
    np = _require("numpy", "to_polars")
    with _no_gc():
        return _to_polars(table, pl, np)


def _to_polars(table: Table, pl: Any, np: Any) -> Any:
    series = []
    for name in table.columns:
        kind, data, mask = table._column_buffers(name)
        if kind in ("i64", "f64", "bool") or kind.startswith("timestamp"):
            values: Any = _numeric(np, "i64" if kind.startswith("timestamp") else kind, data)
            if mask is not None:
                values = values.tolist()
                for i in np.flatnonzero(np.frombuffer(mask, dtype=np.uint8)):
                    values[i] = None
            dtype = {"i64": pl.Int64, "f64": pl.Float64, "bool": pl.Boolean}.get(kind, pl.Int64)
            s = pl.Series(name, values, dtype=dtype)
            if kind.startswith("timestamp"):
                s = s.cast(pl.Datetime("ms", "UTC"))
        elif kind == "null":
            s = pl.Series(name, [None] * data, dtype=pl.Null)
        elif kind == "list[str]":
            s = pl.Series(name, _lists(np, data, mask), dtype=pl.List(pl.String))
        else:
            s = pl.Series(name, data, dtype=pl.String)
        series.append(s)
    return pl.DataFrame(series)


_SHOW = 10
_WIDTH = 32


def _cell(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, list):
        text = "[" + ", ".join(v) + "]"
    elif hasattr(v, "isoformat"):
        text = v.isoformat().replace("+00:00", "Z")
    else:
        text = str(v)
    text = text.replace("\n", " ")
    return text if len(text) <= _WIDTH else text[: _WIDTH - 1] + "…"


def _shown_rows(table: Table) -> tuple[list[int], Optional[int]]:
    """Row numbers to show, and where to put the ellipsis row (None when every row is shown)."""
    n = len(table)
    if n <= _SHOW:
        return list(range(n)), None
    half = _SHOW // 2
    return list(range(half)) + list(range(n - half, n)), half


def format_text(table: Table) -> str:
    """A plain-text view: the shape, then names and types, then the first and last rows."""
    n, k = table.shape
    header = f"rapport.Table: {n} row{'s' if n != 1 else ''} × {k} column{'s' if k != 1 else ''}"
    if k == 0:
        return header
    dtypes = dict(table.dtypes)
    rows, gap = _shown_rows(table)
    grid = [[_cell(v) for v in table[i].values()] for i in rows]
    if gap is not None:
        grid.insert(gap, ["…"] * k)
    widths = [
        max([len(c), len(dtypes[c])] + [len(r[j]) for r in grid]) for j, c in enumerate(table.columns)
    ]

    def line(cells: list[str]) -> str:
        return " │ ".join(x.ljust(w) for x, w in zip(cells, widths)).rstrip()

    out = [header, line(table.columns), line([dtypes[c] for c in table.columns])]
    out.append("─┼─".join("─" * w for w in widths))
    out.extend(line(r) for r in grid)
    return "\n".join(out)


def format_html(table: Table) -> str:
    """An HTML view for notebooks: names with their types, the first and last rows, the shape."""
    n, k = table.shape
    dtypes = dict(table.dtypes)
    head = "".join(
        f"<th>{html.escape(c)}<br><small>{html.escape(dtypes[c])}</small></th>" for c in table.columns
    )
    rows, gap = _shown_rows(table)
    body = []
    for pos, i in enumerate(rows):
        if gap is not None and pos == gap:
            body.append("<tr>" + "<td>…</td>" * k + "</tr>")
        row = table[i]
        body.append("<tr>" + "".join(f"<td>{html.escape(_cell(row[c]))}</td>" for c in table.columns) + "</tr>")
    return (
        '<div class="rapport-table"><table border="1" class="dataframe">'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        f"<p>{n} rows × {k} columns</p></div>"
    )
