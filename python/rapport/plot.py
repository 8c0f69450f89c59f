"""Plots of rapport's analyses, with matplotlib (``pip install 'rapport[plot]'``).

Every function draws on ``ax`` (a new figure's axes when ``None``) and returns the ``Axes``, so plots
compose in notebooks and scripts. ``interaction_graph`` lays the graph out with networkx when it is
installed, else on a circle.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from rapport import plot
>>> ax = plot.funnel(corpus, org=["acme_careers", "acme_eng"])
>>> [t.get_text() for t in ax.get_yticklabels()]
['unaware', 'noticed', 'responded', 'conversing', 'engaged']
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Optional, Union

if TYPE_CHECKING:
    from rapport._native import Corpus, Taxonomy

__all__ = ["broadcast", "engagement_over_time", "funnel", "interaction_graph", "skill_map"]

STAGES = ["unaware", "noticed", "responded", "conversing", "engaged"]
_Names = Union[str, Sequence[str]]


def _plt() -> Any:
    try:
        import matplotlib.pyplot as plt
    except ImportError as e:
        raise ImportError(
            "rapport.plot needs matplotlib, which is not installed: "
            "pip install 'rapport[plot]' (or pip install matplotlib)"
        ) from e
    return plt


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    _, ax = _plt().subplots()
    return ax


def _names(org: _Names) -> list[str]:
    return [org] if isinstance(org, str) else list(org)


def funnel(corpus: Corpus, org: _Names, *, half_life_days: float = 30.0, ax: Any = None) -> Any:
    """The engagement funnel: accounts outside the organisation per stage, top of the funnel first.

    >>> ax = plot.funnel(corpus, org="acme_careers")
    >>> [round(p.get_width()) for p in ax.patches]   # ada conversing; acme_eng and bob unaware
    [2, 0, 0, 1, 0]
    """
    _plt()
    counts = corpus.funnel(org=org, half_life_days=half_life_days)
    ax = _axes(ax)
    ys = list(range(len(STAGES)))[::-1]
    ax.barh(ys, [counts[s] for s in STAGES], color="#4c72b0")
    ax.set_yticks(ys)
    ax.set_yticklabels(STAGES)
    ax.set_xlabel("accounts")
    ax.set_title("Engagement funnel: " + ", ".join("@" + h.lstrip("@") for h in _names(org)))
    return ax


def _targets(p: dict[str, Any], by_handle: dict[str, str], post_author: dict[str, str]) -> set[str]:
    """The account ids a post interacts with: the account replied to, the authors of the quoted or
    reposted post, and the mentioned accounts (the posts table names accounts by handle)."""
    out = set()

    def acc(h: Optional[str]) -> None:
        if h:
            out.add(by_handle.get(h.lstrip("@").lower(), h))

    acc(p["reply_to_account"])
    for m in p["mentions"]:
        acc(m)
    for ref in (p["quoted"], p["reposted"]):
        if ref and ref in post_author:
            out.add(post_author[ref])
    out.discard(p["author_id"])
    return out


def _month(t: Any) -> str:
    return f"{t.year:04d}-{t.month:02d}"


def engagement_over_time(corpus: Corpus, org: _Names, account: str, *, ax: Any = None) -> Any:
    """Interactions between one account and the organisation per month: the person's replies,
    mentions, quotes and reposts of the organisation, and the organisation's of the person.

    >>> ax = plot.engagement_over_time(corpus, org="acme_careers", account="ada")
    >>> [t.get_text() for t in ax.get_xticklabels()], [int(p.get_height()) for p in ax.patches]
    (['2024-03'], [2, 1])
    """
    _plt()
    accounts = corpus.accounts()
    by_key = {}
    for a in accounts:
        by_key[a["id"]] = a["id"]
        if a["handle"]:
            by_key[a["handle"].lower()] = a["id"]
    org_ids = set()
    missing = []
    for h in _names(org):
        k = h.lstrip("@").lower() if not h.isdigit() else h
        if k in by_key:
            org_ids.add(by_key[k])
        else:
            missing.append(h)
    key = account.lstrip("@").lower() if not account.isdigit() else account
    if key not in by_key:
        missing.append(account)
    if missing:
        from rapport import UnknownAccountError

        raise UnknownAccountError(f"unknown account(s) {', '.join(missing)}: not in this corpus")
    person = by_key[key]
    posts = corpus.posts()
    post_author = dict(zip(posts["id"], posts["author_id"]))
    to_org: Counter[str] = Counter()
    from_org: Counter[str] = Counter()
    for p in posts:
        targets = _targets(p, by_key, post_author)
        month = _month(p["created_at"])
        if p["author_id"] == person and targets & org_ids:
            to_org[month] += 1
        elif p["author_id"] in org_ids and person in targets:
            from_org[month] += 1
    months = sorted(set(to_org) | set(from_org))
    ax = _axes(ax)
    xs = list(range(len(months)))
    w = 0.4
    ax.bar([x - w / 2 for x in xs], [to_org[m] for m in months], w, label="to the organisation")
    ax.bar([x + w / 2 for x in xs], [from_org[m] for m in months], w, label="from the organisation")
    ax.set_xticks(xs)
    ax.set_xticklabels(months)
    ax.set_ylabel("interactions")
    ax.set_title(f"@{account.lstrip('@')} and the organisation")
    ax.legend()
    return ax


def broadcast(corpus_or_report: Union[Corpus, dict[str, Any]], org: Optional[_Names] = None, *, ax: Any = None) -> Any:
    """The broadcast report per month: the organisation's posts that got no reply (void), replies it
    never answered (broadcast) or a conversation, stacked.

    >>> ax = plot.broadcast(corpus, org="acme_careers")
    >>> [t.get_text() for t in ax.get_xticklabels()], [int(p.get_height()) for p in ax.patches]
    (['2024-03', '2024-04'], [0, 1, 0, 0, 1, 0])
    """
    _plt()
    if isinstance(corpus_or_report, dict):
        report = corpus_or_report
    else:
        if org is None:
            raise TypeError("broadcast(corpus, org=...): org is needed with a corpus")
        report = corpus_or_report.broadcast_report(org=org)
    months = report["by_month"]
    keys = months["key"] if len(months) else []
    ax = _axes(ax)
    xs = list(range(len(keys)))
    bottom = [0.0] * len(keys)
    for cls, color in (("void", "#c44e52"), ("broadcast", "#dd8452"), ("conversation", "#55a868")):
        vals = [float(v) for v in months[cls]] if len(months) else []
        ax.bar(xs, vals, bottom=bottom, label=cls, color=color)
        bottom = [b + v for b, v in zip(bottom, vals)]
    ax.set_xticks(xs)
    ax.set_xticklabels(keys)
    ax.set_ylabel("posts")
    ax.set_title("The organisation's posts: void, broadcast or conversation")
    ax.legend()
    return ax


def skill_map(
    corpus: Corpus, account: str, *, taxonomy: Optional[Taxonomy] = None, top: int = 10, ax: Any = None
) -> Any:
    """The skills one person shows, strongest at the top (evidence strength: confidence × recency).

    >>> ax = plot.skill_map(corpus, "ada")
    >>> [t.get_text() for t in ax.get_yticklabels()]   # bio: "distributed systems" 0.8, "Rust" 0.6
    ['Software architecture', 'Rust']
    """
    _plt()
    key = account.lstrip("@").lower()
    rows = [r for r in corpus.skills(taxonomy=taxonomy) if r["handle"].lower() == key or r["account_id"] == account]
    rows.sort(key=lambda r: -r["strength"])
    rows = rows[:top]
    ax = _axes(ax)
    ys = list(range(len(rows)))[::-1]
    ax.barh(ys, [r["strength"] for r in rows], color="#8172b3")
    ax.set_yticks(ys)
    ax.set_yticklabels([r["label"] for r in rows])
    ax.set_xlabel("evidence strength")
    ax.set_title(f"Skills of @{key}")
    return ax


def interaction_graph(
    corpus: Corpus,
    *,
    around: Optional[str] = None,
    topic: Optional[str] = None,
    max_nodes: int = 40,
    ax: Any = None,
) -> Any:
    """Who replies to, mentions, quotes and reposts whom: around one person (their direct
    neighbours) or within a topic (the conversations of the posts with a hashtag). Edge width grows with the interactions.

    >>> ax = plot.interaction_graph(corpus, around="ada")
    >>> sorted(t.get_text() for t in ax.texts if t.get_text())
    ['@acme_careers', '@ada']
    """
    plt = _plt()
    posts = corpus.posts()
    handles = dict(zip(corpus.accounts()["id"], corpus.accounts()["handle"]))
    by_handle = {h.lower(): i for i, h in handles.items() if h}
    post_author = dict(zip(posts["id"], posts["author_id"]))
    tag = topic.lstrip("#").lower() if topic else None
    # A topic's posts: those with the hashtag and every post of their conversations.
    convs = {p["conversation_id"] or p["id"] for p in posts if tag in [h.lower() for h in p["hashtags"]]}
    weights: Counter[tuple[str, str]] = Counter()
    for p in posts:
        if tag is not None and (p["conversation_id"] or p["id"]) not in convs:
            continue
        src = p["author_id"]
        for t in _targets(p, by_handle, post_author):
            weights[(src, t)] += 1
    if around is not None:
        key = around.lstrip("@").lower()
        center = by_handle.get(key, around if around in handles else None)
        if center is None:
            from rapport import UnknownAccountError

            raise UnknownAccountError(f"unknown account(s) {around}: not in this corpus")
        weights = Counter({e: w for e, w in weights.items() if center in e})
    strength: defaultdict[str, int] = defaultdict(int)
    for (a, b), w in weights.items():
        strength[a] += w
        strength[b] += w
    nodes = sorted(strength, key=lambda n: (-strength[n], n))[:max_nodes]
    keep = set(nodes)
    edges = {e: w for e, w in weights.items() if e[0] in keep and e[1] in keep}
    pos = _layout(nodes, edges)
    ax = _axes(ax)
    top = max(edges.values(), default=1)
    for (a, b), w in edges.items():
        (x0, y0), (x1, y1) = pos[a], pos[b]
        ax.annotate(
            "",
            xy=(x1, y1),
            xytext=(x0, y0),
            arrowprops={"arrowstyle": "->", "lw": 0.5 + 3.0 * w / top, "color": "#888888", "alpha": 0.7},
        )
    ax.scatter([pos[n][0] for n in nodes], [pos[n][1] for n in nodes],
               s=[80 + 40 * strength[n] for n in nodes], color="#4c72b0", zorder=3)
    for n in nodes:
        ax.text(pos[n][0], pos[n][1], "@" + (handles.get(n) or n), fontsize=8, ha="center", va="bottom")
    ax.set_axis_off()
    what = f"around @{around.lstrip('@')}" if around else (f"#{tag}" if tag else "the corpus")
    ax.set_title(f"Interactions: {what}")
    plt.tight_layout()
    return ax


def _layout(nodes: list[str], edges: dict[tuple[str, str], int]) -> dict[str, tuple[float, float]]:
    try:
        import networkx as nx  # type: ignore[import-untyped]
    except ImportError:
        n = max(len(nodes), 1)
        return {v: (math.cos(2 * math.pi * i / n), math.sin(2 * math.pi * i / n)) for i, v in enumerate(nodes)}
    g = nx.DiGraph()
    g.add_nodes_from(nodes)
    g.add_weighted_edges_from((a, b, w) for (a, b), w in edges.items())
    pos = nx.spring_layout(g, seed=7, weight="weight")
    return {v: (float(pos[v][0]), float(pos[v][1])) for v in nodes}
