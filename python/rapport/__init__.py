"""rapport: talent intelligence from public social conversations.

Load X (Twitter) data into a :class:`Corpus`, look at its posts, accounts and conversations as
:class:`Table` objects, and hand those to pandas, Arrow or polars.

>>> import rapport
>>> corpus = rapport.Corpus.from_records(
...     posts=[{"id": "1", "author_id": "10", "text": "We are #hiring", "created_at": "2024-05-01T09:00:00Z",
...             "hashtags": ["hiring"]}],
...     accounts=[{"id": "10", "handle": "acme_careers"}],
... )
>>> corpus
<rapport.Corpus posts=1 accounts=1, from=2024-05-01, to=2024-05-01>
>>> corpus.posts()["author"]
['acme_careers']

The analyses: ``corpus.skills()``, ``corpus.engagement(org=...)``, ``corpus.broadcast_report(org=...)``,
``corpus.rank_candidates(job, org=...)``, ``corpus.mentors(topic)``, ``corpus.learning_feed(skills=...)``,
:func:`score_candidates` for HRIS records, :mod:`rapport.fairness` for bias audits and
:mod:`rapport.plot` for charts.

Every error rapport raises is a :class:`RapportError`; a bug inside the Rust core raises
``RapportError("internal error …")`` and never ends the interpreter.
"""

from __future__ import annotations

from rapport._native import (
    ApiError,
    AsyncBlueskyClient,
    AsyncXClient,
    AsyncXUserClient,
    AuthError,
    Config,
    BlueskyClient,
    ConfigError,
    Corpus,
    Graph,
    JobProfile,
    MissingScopeError,
    NotFoundError,
    NotPermittedError,
    OAuth2PKCE,
    OAuthError,
    ParseError,
    RapportError,
    RateLimitError,
    StreamBatches,
    Table,
    TableRows,
    Taxonomy,
    TaxonomyError,
    UnknownAccountError,
    UnknownOutcomeError,
    __version__,
    score_candidates,
    write_sample,
    XClient,
    XUserClient,
)
from rapport import fairness, plot

__all__ = [
    "ApiError",
    "AsyncBlueskyClient",
    "AsyncXClient",
    "AsyncXUserClient",
    "AuthError",
    "Config",
    "BlueskyClient",
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
    "fairness",
    "plot",
    "score_candidates",
    "write_sample",
    "XClient",
    "XUserClient",
]
