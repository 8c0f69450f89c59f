"""Type stubs of the native extension ``rapport._native`` (checked with ``python -m mypy.stubtest``)."""

import datetime
import os
from collections.abc import Awaitable, Iterator, Sequence
from typing import Any, Literal, Optional, Union, final, overload

__version__: str
__all__ = [
    "ApiError",
    "AsyncBlueskyClient",
    "AsyncXClient",
    "AsyncXUserClient",
    "AuthError",
    "BlueskyClient",
    "Config",
    "ConfigError",
    "Corpus",
    "Graph",
    "JobProfile",
    "MissingScopeError",
    "NotFoundError",
    "NotPermittedError",
    "OAuth2PKCE",
    "OAuthError",
    "ParseError",
    "RapportError",
    "RateLimitError",
    "StreamBatches",
    "Table",
    "TableRows",
    "Taxonomy",
    "TaxonomyError",
    "UnknownAccountError",
    "UnknownOutcomeError",
    "__version__",
    "_panic_for_tests",
    "impact_ratios",
    "score_candidates",
    "write_sample",
    "XClient",
    "XUserClient",
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

class OAuthError(AuthError):
    """The OAuth 2.0 login or token refresh failed."""

class MissingScopeError(AuthError):
    """The user token lacks a scope; ``scope`` names it, ``granted`` lists those it has."""

    scope: Optional[str]
    granted: list[str]

class NotPermittedError(ApiError):
    """X does not let this user do this (403 not permitted)."""

class UnknownOutcomeError(ApiError):
    """A write was sent and its answer lost; it was not sent again. ``text`` is the post's text."""

    text: Optional[str]

class ConfigError(RapportError):
    """A setting or argument rapport cannot use."""

class TaxonomyError(RapportError):
    """A skills taxonomy that cannot be loaded or used."""

class UnknownAccountError(RapportError):
    """Accounts named by handle or id that the corpus does not hold; ``accounts`` lists them."""

    accounts: list[str]

@final
class Table:
    """A columnar result table: named, typed, nullable columns of equal length, held as Arrow memory.

    Implements the Arrow PyCapsule interface: ``pyarrow.table(t)`` and ``polars.from_arrow(t)`` read
    it without a copy.
    """

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
    def __arrow_c_schema__(self) -> Any:
        """The Arrow schema as a PyCapsule (the Arrow PyCapsule interface)."""
    def __arrow_c_stream__(self, requested_schema: Optional[Any] = None) -> Any:
        """The table as an Arrow C stream PyCapsule (the Arrow PyCapsule interface)."""
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
    def from_pandas(posts: Any, accounts: Any = None) -> Corpus:
        """A corpus from pandas DataFrames with the columns of ``from_records``."""
    @staticmethod
    def from_arrow(posts: Any, accounts: Any = None) -> Corpus:
        """A corpus from Arrow tables (``__arrow_c_stream__``) with the columns of ``posts()`` and ``accounts()``.

        >>> import pyarrow as pa
        >>> rapport.Corpus.from_arrow(pa.table(corpus.posts()), pa.table(corpus.accounts())).num_posts
        7
        """
    @staticmethod
    def from_store(path: _PathLike, platform: Optional[str] = None) -> Corpus:
        """The corpus of one platform of a rapport store (SQLite): platform "x", "bluesky", or "all" to merge them.

        Without platform, the store's only platform; a store holding X and Bluesky data raises
        ConfigError naming them."""
    def to_store(self, path: _PathLike) -> dict[str, Any]:
        """Writes the corpus into a rapport store (SQLite)."""
    @staticmethod
    def from_jsonl(path: _PathLike, strict: bool = True) -> Corpus:
        """Reads a twarc2 JSONL file (one X API v2 response page per line)."""
    def apply_compliance(
        self, events: Union[_PathLike, Sequence[dict[str, Any]]]
    ) -> tuple[Corpus, dict[str, Any]]:
        """The corpus without the posts and accounts X compliance events remove, and the counts."""
    @staticmethod
    def from_archive(path: _PathLike, strict: bool = True) -> Corpus:
        """Reads an X account archive (.zip or unpacked folder)."""
    @staticmethod
    def from_bluesky_jsonl(path: _PathLike, strict: bool = True) -> Corpus:
        """Reads Bluesky JSONL pages (BlueskyClient.save_pages, rapport bsky)."""
    @staticmethod
    def from_bluesky_repo(path: _PathLike) -> Corpus:
        """Reads a Bluesky repository export (.car)."""
    @staticmethod
    def from_file(path: _PathLike, strict: bool = True) -> Corpus:
        """Reads any supported file, picking the importer by content."""
    @staticmethod
    def sample(posts: int = 10_000, seed: int = 7) -> Corpus:
        """The bundled, deterministic sample corpus."""
    @staticmethod
    def sample_bluesky(posts: int = 10_000, seed: int = 7) -> Corpus:
        """The sample corpus in its Bluesky mode, with dated follow records."""
    @property
    def import_report(self) -> Optional[dict[str, Any]]:
        """What the import that made this corpus saw, or None."""
    @staticmethod
    def load(path: _PathLike) -> Corpus:
        """Loads a corpus written by ``save``."""
    def save(self, path: _PathLike) -> None:
        """Writes the corpus to a rapport corpus file (Parquet, see docs/files.md)."""
    def to_jsonl(self, path: _PathLike) -> int:
        """Writes the corpus as twarc2-style JSONL; returns the number of lines."""
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
    def num_lists(self) -> int: ...
    @property
    def span(self) -> Optional[tuple[datetime.datetime, datetime.datetime]]: ...
    def __len__(self) -> int: ...
    def posts(self) -> Table:
        """The posts, one row each."""
    def accounts(self) -> Table:
        """The accounts, one row each."""
    def interactions(self) -> Table:
        """Who addressed whom: src, dst, src_id, dst_id, kind, post, at."""
    def graph(
        self, *, reply: float = 1.0, mention: float = 1.0, repost: float = 1.0, quote: float = 1.0
    ) -> Graph:
        """The interaction graph, one weight per interaction kind."""
    def follows(self) -> Table:
        """Every follow observation: owner, direction, account, observed_at, completed_at, ids."""
    def list_memberships(self) -> Table:
        """Every list membership: account_id, handle, relation, list_id, name, description, owner_id."""
    def follow_events(self, org: _Names) -> Table:
        """Follow events: handle, event, by, observed_after, observed_before, org, id, org_id."""
    def relationship(
        self,
        org: _Names,
        account: str,
        half_life_days: float = 30.0,
        as_of: Optional[_Instant] = None,
    ) -> dict[str, Any]:
        """The timeline of one relationship: steps in time order and the current stage."""
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
    def skills(
        self,
        taxonomy: Optional[Taxonomy] = None,
        half_life_days: float = 180.0,
        as_of: Optional[_Instant] = None,
        all_evidence: bool = False,
    ) -> Table:
        """The skills each account shows, one row per account and skill (``counts.list`` and
        ``evidence_list_ids``: the lists the account is on that name the skill)."""
    def engagement(
        self, org: _Names, half_life_days: float = 30.0, as_of: Optional[_Instant] = None
    ) -> Table:
        """Engagement of every account with the organisation, most engaged first."""
    def funnel(
        self, org: _Names, half_life_days: float = 30.0, as_of: Optional[_Instant] = None
    ) -> dict[str, int]:
        """Accounts outside the organisation per funnel stage."""
    def explain_engagement(
        self,
        org: _Names,
        account: str,
        half_life_days: float = 30.0,
        as_of: Optional[_Instant] = None,
    ) -> dict[str, Any]:
        """Why an account has its engagement score and stage (``contributions``: a Table)."""
    def broadcast_report(self, org: _Names) -> dict[str, Any]:
        """The organisation's own posts classified void/broadcast/conversation, with aggregates
        (``posts``, ``by_account``, ``by_hashtag``, ``by_month`` and ``summary`` are Tables)."""
    def rank_candidates(
        self,
        job: JobProfile,
        org: _Names,
        taxonomy: Optional[Taxonomy] = None,
        limit: int = 50,
    ) -> Table:
        """People outside the organisation ranked by skill fit for a job."""
    def inbox(
        self, org: _Names, as_of: Optional[_Instant] = None, window_days: float = 14.0
    ) -> Table:
        """Posts addressing the organisation that it has not answered, highest priority first."""
    def conversation_starters(
        self,
        org: _Names,
        job: Optional[JobProfile] = None,
        limit: int = 20,
        as_of: Optional[_Instant] = None,
        taxonomy: Optional[Taxonomy] = None,
    ) -> Table:
        """People noticed by or responding to the organisation, never replied to."""
    def mentors(
        self,
        topic: Optional[str] = None,
        limit: int = 20,
        since: Optional[_Instant] = None,
        until: Optional[_Instant] = None,
    ) -> Table:
        """Mentors of a topic (a skill, a #hashtag, ``entity:<id>`` or an annotation entity's name, or
        None for the whole corpus); with since/until
        only the posts of that window count (until exclusive)."""
    def learning_feed(
        self,
        skills: _Names,
        window_days: float = 30.0,
        as_of: Optional[_Instant] = None,
        per_goal: int = 5,
    ) -> dict[str, Any]:
        """Mentors, rising hashtags and conversations per learning goal (``items``: a Table); a goal
        is a skill, a #hashtag or ``entity:<id>`` (an annotation entity, also by name)."""

@final
class Graph:
    """The directed, weighted interaction graph of a corpus."""

    @property
    def num_nodes(self) -> int: ...
    @property
    def num_edges(self) -> int: ...
    @property
    def weights(self) -> dict[str, float]: ...
    def nodes(self) -> Table:
        """One row per node: id, handle, out_degree, in_degree, out_strength, in_strength."""
    def edges(self) -> Table:
        """One row per directed edge: src, dst, src_handle, dst_handle, weight."""
    def to_networkx(self) -> Any:
        """The graph as a networkx.DiGraph (needs networkx)."""

@final
class Taxonomy:
    """A skills taxonomy."""

    @staticmethod
    def default() -> Taxonomy:
        """The built-in taxonomy."""
    @staticmethod
    def from_esco(path: _PathLike) -> Taxonomy:
        """A taxonomy from ESCO's CSV download (folder or zip)."""
    @staticmethod
    def from_file(path: _PathLike) -> Taxonomy:
        """A taxonomy from a TOML or CSV file."""
    @property
    def name(self) -> str: ...
    def match(self, text: str) -> dict[str, Any]:
        """The skills found in a text."""
    def skills(self) -> Table:
        """The skills, one row each."""
    def __len__(self) -> int: ...

@final
class JobProfile:
    """A job: its title and weighted skills."""

    def __new__(
        cls,
        title: str,
        required: Union[None, str, Sequence[str], dict[str, float]] = None,
        nice_to_have: Union[None, str, Sequence[str], dict[str, float]] = None,
    ) -> JobProfile: ...
    @staticmethod
    def from_esco_occupation(taxonomy: Taxonomy, uri_or_label: str) -> JobProfile:
        """A job from an ESCO occupation."""
    @staticmethod
    def from_file(path: _PathLike) -> JobProfile:
        """A job from a TOML file."""
    @property
    def title(self) -> str: ...
    @property
    def skills(self) -> list[dict[str, Any]]: ...

_Fetched = Union[Corpus, tuple[Corpus, list[dict[str, Any]]]]

@final
class BlueskyClient:
    """The Bluesky (AT Protocol) client, blocking."""

    def __new__(
        cls,
        base_url: Optional[str] = None,
        identifier: Optional[str] = None,
        password_env: Optional[str] = None,
        *,
        pds_url: Optional[str] = None,
        retries: bool = True,
    ) -> BlueskyClient: ...
    @property
    def base_url(self) -> str:
        """Where unauthenticated calls go."""
    @property
    def pending_pages(self) -> int:
        """Pages fetched and not saved yet."""
    def save_pages(self, path: _PathLike) -> int:
        """Appends the pages fetched since the last save to a Bluesky JSONL file."""
    def author_feed(
        self, actor: str, *, max_pages: Optional[int] = None, max_items: Optional[int] = None
    ) -> Corpus:
        """An account's posts, replies and reposts."""
    def thread(self, uri_or_url: str) -> Corpus:
        """The whole thread of a post."""
    def quotes(
        self, uri: str, *, max_pages: Optional[int] = None, max_items: Optional[int] = None
    ) -> Corpus:
        """The posts quoting a post."""
    def followers(
        self, actor: str, *, max_pages: Optional[int] = None, max_items: Optional[int] = None
    ) -> Corpus:
        """An account's followers, as one follow snapshot."""
    def follows(
        self, actor: str, *, max_pages: Optional[int] = None, max_items: Optional[int] = None
    ) -> Corpus:
        """The accounts an account follows, as one follow snapshot."""
    def follow_records(
        self, actor: str, *, max_pages: Optional[int] = None, max_items: Optional[int] = None
    ) -> Corpus:
        """An account's dated follow records."""
    def search(
        self,
        query: str,
        *,
        author: Optional[str] = None,
        mentions: Optional[str] = None,
        lang: Optional[str] = None,
        since: Optional[str] = None,
        until: Optional[str] = None,
        tags: Sequence[str] = ...,
        max_pages: Optional[int] = None,
        max_items: Optional[int] = None,
    ) -> Corpus:
        """Posts matching a query."""

@final
class AsyncBlueskyClient:
    """The Bluesky client for asyncio: every fetch returns an awaitable."""

    def __new__(
        cls,
        base_url: Optional[str] = None,
        identifier: Optional[str] = None,
        password_env: Optional[str] = None,
        *,
        pds_url: Optional[str] = None,
        retries: bool = True,
    ) -> AsyncBlueskyClient: ...
    @property
    def base_url(self) -> str:
        """Where unauthenticated calls go."""
    @property
    def pending_pages(self) -> int:
        """Pages fetched and not saved yet."""
    def save_pages(self, path: _PathLike) -> int:
        """Appends the pages fetched since the last save to a Bluesky JSONL file."""
    def author_feed(
        self, actor: str, *, max_pages: Optional[int] = None, max_items: Optional[int] = None
    ) -> Awaitable[Corpus]:
        """An account's posts, replies and reposts."""
    def thread(self, uri_or_url: str) -> Awaitable[Corpus]:
        """The whole thread of a post."""
    def quotes(
        self, uri: str, *, max_pages: Optional[int] = None, max_items: Optional[int] = None
    ) -> Awaitable[Corpus]:
        """The posts quoting a post."""
    def followers(
        self, actor: str, *, max_pages: Optional[int] = None, max_items: Optional[int] = None
    ) -> Awaitable[Corpus]:
        """An account's followers, as one follow snapshot."""
    def follows(
        self, actor: str, *, max_pages: Optional[int] = None, max_items: Optional[int] = None
    ) -> Awaitable[Corpus]:
        """The accounts an account follows, as one follow snapshot."""
    def follow_records(
        self, actor: str, *, max_pages: Optional[int] = None, max_items: Optional[int] = None
    ) -> Awaitable[Corpus]:
        """An account's dated follow records."""
    def search(
        self,
        query: str,
        *,
        author: Optional[str] = None,
        mentions: Optional[str] = None,
        lang: Optional[str] = None,
        since: Optional[str] = None,
        until: Optional[str] = None,
        tags: Sequence[str] = ...,
        max_pages: Optional[int] = None,
        max_items: Optional[int] = None,
    ) -> Awaitable[Corpus]:
        """Posts matching a query."""

@final
class XClient:
    """The X API v2 client, blocking (the GIL is released while it fetches)."""

    def __new__(
        cls,
        bearer_token: str,
        *,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        wait_on_rate_limit: bool = True,
        retries: bool = True,
    ) -> XClient: ...
    @property
    def base_url(self) -> str:
        """The API's base URL."""
    def search_recent(
        self,
        query: str,
        *,
        start_time: Optional[_Instant] = None,
        end_time: Optional[_Instant] = None,
        since_id: Optional[str] = None,
        max_results: Optional[int] = None,
        max_pages: Optional[int] = None,
        max_items: Optional[int] = None,
        raw: bool = False,
    ) -> _Fetched:
        """Recent search, every page."""
    def search_all(
        self,
        query: str,
        *,
        start_time: Optional[_Instant] = None,
        end_time: Optional[_Instant] = None,
        since_id: Optional[str] = None,
        max_results: Optional[int] = None,
        max_pages: Optional[int] = None,
        max_items: Optional[int] = None,
        raw: bool = False,
    ) -> _Fetched:
        """Full-archive search, every page."""
    def conversation(
        self, post_id: str, *, archive: bool = False, max_pages: Optional[int] = None, raw: bool = False
    ) -> _Fetched:
        """A whole conversation."""
    def user_timeline(
        self,
        user_id: str,
        *,
        max_results: Optional[int] = None,
        max_pages: Optional[int] = None,
        max_items: Optional[int] = None,
        raw: bool = False,
    ) -> _Fetched:
        """An account's own posts."""
    def mentions(
        self,
        user_id: str,
        *,
        max_results: Optional[int] = None,
        max_pages: Optional[int] = None,
        max_items: Optional[int] = None,
        raw: bool = False,
    ) -> _Fetched:
        """Posts mentioning an account."""
    def list_posts(
        self,
        list_id: str,
        *,
        max_results: Optional[int] = None,
        max_pages: Optional[int] = None,
        max_items: Optional[int] = None,
        raw: bool = False,
    ) -> _Fetched:
        """Posts of a list."""
    def users_by_usernames(self, usernames: Sequence[str], *, raw: bool = False) -> _Fetched:
        """Accounts by username."""
    def followers(
        self,
        user: str,
        *,
        max_results: Optional[int] = None,
        max_pages: Optional[int] = None,
        max_items: Optional[int] = None,
        raw: bool = False,
        progress: bool = False,
    ) -> _Fetched:
        """An account's followers, with the follow snapshot."""
    def following(
        self,
        user: str,
        *,
        max_results: Optional[int] = None,
        max_pages: Optional[int] = None,
        max_items: Optional[int] = None,
        raw: bool = False,
        progress: bool = False,
    ) -> _Fetched:
        """The accounts an account follows, with the follow snapshot."""
    def quotes(
        self,
        post_id: str,
        *,
        max_results: Optional[int] = None,
        max_pages: Optional[int] = None,
        max_items: Optional[int] = None,
        raw: bool = False,
        progress: bool = False,
    ) -> _Fetched:
        """Posts quoting a post."""
    def counts(
        self,
        query: str,
        *,
        granularity: Optional[str] = None,
        start_time: Optional[_Instant] = None,
        end_time: Optional[_Instant] = None,
        archive: bool = False,
        max_pages: Optional[int] = None,
        progress: bool = False,
    ) -> Table:
        """Post counts per bucket."""
    def list_members(
        self,
        list_id: str,
        *,
        max_results: Optional[int] = None,
        max_pages: Optional[int] = None,
        max_items: Optional[int] = None,
        raw: bool = False,
        progress: bool = False,
    ) -> _Fetched:
        """The members of a list."""
    @overload
    def list_memberships(
        self,
        user: str,
        *,
        max_results: Optional[int] = None,
        max_pages: Optional[int] = None,
        corpus: Literal[False],
        progress: bool = False,
    ) -> Table: ...
    @overload
    def list_memberships(
        self,
        user: str,
        *,
        max_results: Optional[int] = None,
        max_pages: Optional[int] = None,
        corpus: Literal[True] = True,
        raw: bool = False,
        progress: bool = False,
    ) -> _Fetched:
        """The lists an account is a member of: a `Corpus` of the lists and memberships (with `corpus=False` a `Table`)."""
    @overload
    def owned_lists(
        self,
        user: str,
        *,
        max_results: Optional[int] = None,
        max_pages: Optional[int] = None,
        corpus: Literal[False],
        progress: bool = False,
    ) -> Table: ...
    @overload
    def owned_lists(
        self,
        user: str,
        *,
        max_results: Optional[int] = None,
        max_pages: Optional[int] = None,
        corpus: Literal[True] = True,
        raw: bool = False,
        progress: bool = False,
    ) -> _Fetched:
        """The lists an account owns: a `Corpus` of the lists and ownerships (with `corpus=False` a `Table`)."""
    def lookup_posts(self, ids: Sequence[str], *, raw: bool = False, progress: bool = False) -> _Fetched:
        """Posts by id."""
    def lookup_users(self, users: Sequence[str], *, raw: bool = False, progress: bool = False) -> _Fetched:
        """Accounts by handle or id."""
    def stream(
        self,
        rules: Sequence[str] = ...,
        *,
        batch_size: int = 100,
        batch_seconds: float = 10.0,
        max_items: Optional[int] = None,
    ) -> StreamBatches:
        """The filtered stream as batches of posts."""

@final
class AsyncXClient:
    """The X API v2 client for asyncio: every fetch returns an awaitable."""

    def __new__(
        cls,
        bearer_token: str,
        *,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        wait_on_rate_limit: bool = True,
        retries: bool = True,
    ) -> AsyncXClient: ...
    @property
    def base_url(self) -> str:
        """The API's base URL."""
    def search_recent(
        self,
        query: str,
        *,
        start_time: Optional[_Instant] = None,
        end_time: Optional[_Instant] = None,
        since_id: Optional[str] = None,
        max_results: Optional[int] = None,
        max_pages: Optional[int] = None,
        max_items: Optional[int] = None,
        raw: bool = False,
    ) -> Awaitable[_Fetched]:
        """Recent search, every page."""
    def search_all(
        self,
        query: str,
        *,
        start_time: Optional[_Instant] = None,
        end_time: Optional[_Instant] = None,
        since_id: Optional[str] = None,
        max_results: Optional[int] = None,
        max_pages: Optional[int] = None,
        max_items: Optional[int] = None,
        raw: bool = False,
    ) -> Awaitable[_Fetched]:
        """Full-archive search, every page."""
    def conversation(
        self, post_id: str, *, archive: bool = False, max_pages: Optional[int] = None, raw: bool = False
    ) -> Awaitable[_Fetched]:
        """A whole conversation."""
    def user_timeline(
        self,
        user_id: str,
        *,
        max_results: Optional[int] = None,
        max_pages: Optional[int] = None,
        max_items: Optional[int] = None,
        raw: bool = False,
    ) -> Awaitable[_Fetched]:
        """An account's own posts."""
    def mentions(
        self,
        user_id: str,
        *,
        max_results: Optional[int] = None,
        max_pages: Optional[int] = None,
        max_items: Optional[int] = None,
        raw: bool = False,
    ) -> Awaitable[_Fetched]:
        """Posts mentioning an account."""
    def list_posts(
        self,
        list_id: str,
        *,
        max_results: Optional[int] = None,
        max_pages: Optional[int] = None,
        max_items: Optional[int] = None,
        raw: bool = False,
    ) -> Awaitable[_Fetched]:
        """Posts of a list."""
    def users_by_usernames(self, usernames: Sequence[str], *, raw: bool = False) -> Awaitable[_Fetched]:
        """Accounts by username."""
    def followers(
        self,
        user: str,
        *,
        max_results: Optional[int] = None,
        max_pages: Optional[int] = None,
        max_items: Optional[int] = None,
        raw: bool = False,
        progress: bool = False,
    ) -> Awaitable[_Fetched]:
        """An account's followers, with the follow snapshot."""
    def following(
        self,
        user: str,
        *,
        max_results: Optional[int] = None,
        max_pages: Optional[int] = None,
        max_items: Optional[int] = None,
        raw: bool = False,
        progress: bool = False,
    ) -> Awaitable[_Fetched]:
        """The accounts an account follows, with the follow snapshot."""
    def quotes(
        self,
        post_id: str,
        *,
        max_results: Optional[int] = None,
        max_pages: Optional[int] = None,
        max_items: Optional[int] = None,
        raw: bool = False,
        progress: bool = False,
    ) -> Awaitable[_Fetched]:
        """Posts quoting a post."""
    def counts(
        self,
        query: str,
        *,
        granularity: Optional[str] = None,
        start_time: Optional[_Instant] = None,
        end_time: Optional[_Instant] = None,
        archive: bool = False,
        max_pages: Optional[int] = None,
        progress: bool = False,
    ) -> Awaitable[Table]:
        """Post counts per bucket."""
    def list_members(
        self,
        list_id: str,
        *,
        max_results: Optional[int] = None,
        max_pages: Optional[int] = None,
        max_items: Optional[int] = None,
        raw: bool = False,
        progress: bool = False,
    ) -> Awaitable[_Fetched]:
        """The members of a list."""
    @overload
    def list_memberships(
        self,
        user: str,
        *,
        max_results: Optional[int] = None,
        max_pages: Optional[int] = None,
        corpus: Literal[False],
        progress: bool = False,
    ) -> Awaitable[Table]: ...
    @overload
    def list_memberships(
        self,
        user: str,
        *,
        max_results: Optional[int] = None,
        max_pages: Optional[int] = None,
        corpus: Literal[True] = True,
        raw: bool = False,
        progress: bool = False,
    ) -> Awaitable[_Fetched]:
        """The lists an account is a member of: a `Corpus` of the lists and memberships (with `corpus=False` a `Table`)."""
    @overload
    def owned_lists(
        self,
        user: str,
        *,
        max_results: Optional[int] = None,
        max_pages: Optional[int] = None,
        corpus: Literal[False],
        progress: bool = False,
    ) -> Awaitable[Table]: ...
    @overload
    def owned_lists(
        self,
        user: str,
        *,
        max_results: Optional[int] = None,
        max_pages: Optional[int] = None,
        corpus: Literal[True] = True,
        raw: bool = False,
        progress: bool = False,
    ) -> Awaitable[_Fetched]:
        """The lists an account owns: a `Corpus` of the lists and ownerships (with `corpus=False` a `Table`)."""
    def lookup_posts(self, ids: Sequence[str], *, raw: bool = False, progress: bool = False) -> Awaitable[_Fetched]:
        """Posts by id."""
    def lookup_users(self, users: Sequence[str], *, raw: bool = False, progress: bool = False) -> Awaitable[_Fetched]:
        """Accounts by handle or id."""
    def stream(
        self,
        rules: Sequence[str] = ...,
        *,
        batch_size: int = 100,
        batch_seconds: float = 10.0,
        max_items: Optional[int] = None,
    ) -> StreamBatches:
        """The filtered stream as batches of posts."""

@final
class StreamBatches:
    """The filtered stream as an iterator (and async iterator) of Corpus batches."""

    def __iter__(self) -> StreamBatches: ...
    def __next__(self) -> Corpus: ...
    def __aiter__(self) -> StreamBatches: ...
    def __anext__(self) -> Awaitable[Corpus]: ...
    def close(self) -> None:
        """Stops the stream."""

@final
class Config:
    """The effective configuration: rapport.toml, the environment and arguments."""

    @staticmethod
    def load(
        path: Optional[_PathLike] = None,
        *,
        org: Optional[Sequence[str]] = None,
        store: Optional[_PathLike] = None,
        token_env: Optional[str] = None,
        base_url: Optional[str] = None,
        taxonomy: Optional[str] = None,
    ) -> Config:
        """Loads the configuration with the command line's precedence."""
    @property
    def file(self) -> Optional[str]: ...
    @property
    def org(self) -> list[str]: ...
    @property
    def store(self) -> Optional[str]: ...
    @property
    def token_env(self) -> str: ...
    @property
    def base_url(self) -> str: ...
    @property
    def taxonomy(self) -> str: ...
    @property
    def engagement_weights(self) -> dict[str, float]: ...
    @property
    def candidate_columns(self) -> dict[str, str]: ...
    @property
    def jobs(self) -> list[str]: ...
    @property
    def sources(self) -> dict[str, str]: ...
    def job(self, name: str) -> JobProfile:
        """A job profile by name."""

def impact_ratios(
    outcome: Union[Sequence[bool], Sequence[float]],
    groups: dict[str, list[Optional[str]]],
    *,
    top_k: Optional[int] = None,
    threshold: Optional[float] = None,
    flag_below: float = 0.8,
    min_group_size: int = 30,
    exclude_below_share: Optional[float] = None,
    intersections: bool = True,
) -> dict[str, Any]:
    """The bias audit (four-fifths rule) of an outcome over group labels."""

def score_candidates(
    corpus: Corpus,
    candidates: Any,
    org: _Names,
    *,
    half_life_days: float = 30.0,
    as_of: Optional[_Instant] = None,
    explain: bool = False,
    top_skills: int = 5,
) -> Table:
    """Advisory engagement scores of HRIS candidate records, keyed by hris_id."""

def write_sample(path: _PathLike, posts: int = 10_000, seed: int = 7) -> dict[str, Any]:
    """Writes the sample corpus as twarc2 JSONL; returns what the generator planted."""

def _panic_for_tests(message: str, guarded: bool = True) -> None: ...

_WriteResult = dict[str, Any]

@final
class OAuth2PKCE:
    """OAuth 2.0 Authorization Code with PKCE for the X API."""

    def __new__(
        cls,
        client_id: str,
        redirect_uri: str,
        scopes: Optional[Sequence[str]] = None,
        token_path: Optional[_PathLike] = None,
        *,
        client_secret: Optional[str] = None,
        authorize_url: Optional[str] = None,
        token_url: Optional[str] = None,
        timeout: Optional[float] = None,
    ) -> OAuth2PKCE: ...
    @property
    def scopes(self) -> list[str]:
        """The scopes asked for."""
    def authorize_url(self) -> str:
        """A fresh authorize URL (offline)."""
    def exchange(self, callback_url: str) -> dict[str, Any]:
        """Exchanges the callback URL for tokens; returns their status."""
    def refresh(self) -> dict[str, Any]:
        """Renews the tokens now; returns their status."""
    def status(self) -> Optional[dict[str, Any]]:
        """The tokens' status, or None when not logged in."""

@final
class XUserClient:
    """Acts for one X user: reply, follow, unfollow, like, repost (blocking)."""

    def __new__(
        cls,
        auth: Optional[OAuth2PKCE] = None,
        *,
        access_token: Optional[str] = None,
        user_id: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        dry_run: bool = False,
    ) -> XUserClient: ...
    @property
    def dry_run(self) -> bool:
        """True when calls send nothing."""
    def me(self) -> dict[str, Optional[str]]:
        """The acting account."""
    def reply(self, post_id: str, text: str) -> _WriteResult:
        """Replies to a post."""
    def follow(self, user: str) -> _WriteResult:
        """Follows an account (handle or id)."""
    def unfollow(self, user: str) -> _WriteResult:
        """Unfollows an account (handle or id)."""
    def like(self, post_id: str) -> _WriteResult:
        """Likes a post."""
    def unlike(self, post_id: str) -> _WriteResult:
        """Undoes a like."""
    def repost(self, post_id: str) -> _WriteResult:
        """Reposts a post."""
    def unrepost(self, post_id: str) -> _WriteResult:
        """Undoes a repost."""

@final
class AsyncXUserClient:
    """The user-context client for asyncio: every call returns an awaitable."""

    def __new__(
        cls,
        auth: Optional[OAuth2PKCE] = None,
        *,
        access_token: Optional[str] = None,
        user_id: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        dry_run: bool = False,
    ) -> AsyncXUserClient: ...
    @property
    def dry_run(self) -> bool:
        """True when calls send nothing."""
    def me(self) -> Awaitable[dict[str, Optional[str]]]:
        """The acting account."""
    def reply(self, post_id: str, text: str) -> Awaitable[_WriteResult]:
        """Replies to a post."""
    def follow(self, user: str) -> Awaitable[_WriteResult]:
        """Follows an account (handle or id)."""
    def unfollow(self, user: str) -> Awaitable[_WriteResult]:
        """Unfollows an account (handle or id)."""
    def like(self, post_id: str) -> Awaitable[_WriteResult]:
        """Likes a post."""
    def unlike(self, post_id: str) -> Awaitable[_WriteResult]:
        """Undoes a like."""
    def repost(self, post_id: str) -> Awaitable[_WriteResult]:
        """Reposts a post."""
    def unrepost(self, post_id: str) -> Awaitable[_WriteResult]:
        """Undoes a repost."""
