"""Type stubs of the native extension ``rapport._native`` (checked with ``python -m mypy.stubtest``)."""

import datetime
import os
from collections.abc import Iterator, Sequence
from typing import Any, Optional, Union, final, overload

__version__: str
__all__ = [
    "ApiError",
    "AuthError",
    "ConfigError",
    "Corpus",
    "NotFoundError",
    "ParseError",
    "RapportError",
    "RateLimitError",
    "Table",
    "TableRows",
    "TaxonomyError",
    "UnknownAccountError",
    "__version__",
    "_panic_for_tests",
    "write_sample",
]

_PathLike = Union[str, "os.PathLike[str]"]
_Instant = Union[datetime.datetime, datetime.date, str]
_Names = Union[str, Sequence[str]]
_Cell = Union[None, bool, int, float, str, datetime.datetime, list[str]]

class RapportError(Exception):
    """Base class of every error rapport raises."""

class ParseError(RapportError):
    """Input that is not what rapport expected; ``path``, ``line`` (1-based) and ``json_path`` say where."""

    path: Optional[str]
    line: Optional[int]
    json_path: Optional[str]

class ApiError(RapportError):
    """The X API answered with an error; ``status`` is the HTTP status when there was one."""

    status: Optional[int]

class RateLimitError(ApiError):
    """The X API rate limit is used up; ``reset_at`` is when it resets (UTC), when known."""

    reset_at: Optional[datetime.datetime]

class AuthError(ApiError):
    """The X API refused the credentials (401/403)."""

class NotFoundError(ApiError):
    """The X API does not know the requested post, account or list (404)."""

class ConfigError(RapportError):
    """A setting or argument rapport cannot use."""

class TaxonomyError(RapportError):
    """A skills taxonomy that cannot be loaded or used."""

class UnknownAccountError(RapportError):
    """Accounts named by handle or id that the corpus does not hold; ``accounts`` lists them."""

    accounts: list[str]

@final
class Table:
    """A columnar result table: named, typed, nullable columns of equal length."""

    def __len__(self) -> int: ...
    @property
    def columns(self) -> list[str]:
        """The column names, in order."""
    @property
    def dtypes(self) -> list[tuple[str, str]]:
        """(name, type) pairs: ``bool``, ``i64``, ``f64``, ``str``, ``timestamp[ms, UTC]``, ``list[str]``, ``null``."""
    @property
    def shape(self) -> tuple[int, int]:
        """(rows, columns)."""
    @overload
    def __getitem__(self, key: str, /) -> list[Any]: ...
    @overload
    def __getitem__(self, key: int, /) -> dict[str, Any]: ...
    def __contains__(self, name: object, /) -> bool: ...
    def column(self, name: str) -> list[Any]:
        """Column ``name`` as a list (timestamps as timezone-aware datetimes)."""
    def __iter__(self) -> TableRows: ...
    def to_dicts(self) -> list[dict[str, Any]]:
        """Every row as a dict."""
    def to_csv(self) -> str:
        """The table as CSV text."""
    def to_json(self) -> str:
        """The table as a JSON array of records."""
    def to_pandas(self) -> Any:
        """A ``pandas.DataFrame`` (needs ``pip install rapport[pandas]``)."""
    def to_arrow(self) -> Any:
        """A ``pyarrow.Table`` (needs ``pip install rapport[arrow]``)."""
    def to_polars(self) -> Any:
        """A ``polars.DataFrame`` (needs ``pip install rapport[polars]``)."""
    def _column_buffers(self, name: str) -> tuple[str, Any, Optional[bytes]]: ...
    def _column_arrow(self, name: str) -> Optional[tuple[Any, ...]]: ...
    def _repr_html_(self) -> str: ...

@final
class TableRows(Iterator[dict[str, Any]]):
    """The iterator of ``iter(table)``: one dict per row."""

    def __iter__(self) -> TableRows: ...
    def __next__(self) -> dict[str, Any]: ...
    def __length_hint__(self) -> int: ...

@final
class Corpus:
    """All the posts and accounts of a collection, deduplicated and indexed, with their conversations."""

    def __init__(self) -> None: ...
    @staticmethod
    def from_records(
        posts: Sequence[dict[str, Any]], accounts: Optional[Sequence[dict[str, Any]]] = None
    ) -> Corpus:
        """A corpus from plain dicts with the fields of rapport's Post and Account."""
    @staticmethod
    def from_jsonl(path: _PathLike, strict: bool = True) -> Corpus:
        """Reads a twarc2 JSONL file (one X API v2 response page per line)."""
    @staticmethod
    def from_archive(path: _PathLike, strict: bool = True) -> Corpus:
        """Reads an X account archive (.zip or unpacked folder)."""
    @staticmethod
    def from_file(path: _PathLike, strict: bool = True) -> Corpus:
        """Reads any supported file, picking the importer by content."""
    @staticmethod
    def sample(posts: int = 10_000, seed: int = 7) -> Corpus:
        """The bundled, deterministic sample corpus."""
    @property
    def import_report(self) -> Optional[dict[str, Any]]:
        """What the import that made this corpus saw, or None."""
    @staticmethod
    def load(path: _PathLike) -> Corpus:
        """Loads a corpus written by ``save``."""
    def save(self, path: _PathLike) -> None:
        """Writes the corpus to a compact file."""
    def to_bytes(self) -> bytes:
        """The corpus as bytes (what ``save`` writes)."""
    @staticmethod
    def from_bytes(data: bytes) -> Corpus:
        """A corpus from ``to_bytes`` output."""
    def __reduce__(self) -> tuple[Any, tuple[bytes]]: ...
    @property
    def num_posts(self) -> int: ...
    @property
    def num_accounts(self) -> int: ...
    @property
    def num_conversations(self) -> int: ...
    @property
    def span(self) -> Optional[tuple[datetime.datetime, datetime.datetime]]: ...
    def __len__(self) -> int: ...
    def posts(self) -> Table:
        """The posts, one row each."""
    def accounts(self) -> Table:
        """The accounts, one row each."""
    def conversations(self) -> Table:
        """The conversations, one row each."""
    def summary(self, org: Optional[_Names] = None, top: int = 10) -> dict[str, Any]:
        """The quickstart's overview as a dict."""
    def merge(self, other: Corpus) -> Corpus:
        """A new corpus with the posts and accounts of both."""
    def filter(
        self,
        *,
        since: Optional[_Instant] = None,
        until: Optional[_Instant] = None,
        accounts: Optional[_Names] = None,
        hashtags: Optional[_Names] = None,
    ) -> Corpus:
        """A new corpus cut down by time, author and hashtag."""
    def heap_bytes(self) -> int:
        """Approximate memory held by the corpus, in bytes."""

def write_sample(path: _PathLike, posts: int = 10_000, seed: int = 7) -> dict[str, Any]:
    """Writes the sample corpus as twarc2 JSONL; returns what the generator planted."""

def _panic_for_tests(message: str, guarded: bool = True) -> None: ...
