"""rapport.plot on the Agg backend: every plot returns an Axes holding the numbers worked out by hand,
and a missing matplotlib raises an ImportError naming the extra."""

from __future__ import annotations

import builtins
from typing import Any

import pytest

import rapport

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from rapport import plot  # noqa: E402

ORG = ["acme_careers", "acme_eng"]


@pytest.fixture(autouse=True)
def _close() -> Any:
    yield
    plt.close("all")


def test_funnel(corpus: rapport.Corpus) -> None:
    ax = plot.funnel(corpus, org=ORG)
    assert isinstance(ax, matplotlib.axes.Axes)
    # unaware: bob; conversing: ada.
    assert [round(p.get_width()) for p in ax.patches] == [1, 0, 0, 1, 0]


def test_engagement_over_time_and_unknown_account(corpus: rapport.Corpus) -> None:
    fig, ax0 = plt.subplots()
    ax = plot.engagement_over_time(corpus, org=ORG, account="@ada", ax=ax0)
    assert ax is ax0
    # March 2024: ada -> org 101, 103; org -> ada 102.
    assert [int(p.get_height()) for p in ax.patches] == [2, 1]
    with pytest.raises(rapport.UnknownAccountError):
        plot.engagement_over_time(corpus, org=ORG, account="ghost")


def test_broadcast_from_report(corpus: rapport.Corpus) -> None:
    report = corpus.broadcast_report(org=ORG)
    ax = plot.broadcast(report)
    # March: 100 conversation, 200 void; April: 300 void. Bars: void (Mar, Apr), broadcast, conversation.
    assert [int(p.get_height()) for p in ax.patches] == [1, 1, 0, 0, 1, 0]
    with pytest.raises(TypeError, match="org"):
        plot.broadcast(corpus)


def test_skill_map(corpus: rapport.Corpus) -> None:
    ax = plot.skill_map(corpus, "bob")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Rust"]


def test_interaction_graph_topic_and_person(corpus: rapport.Corpus) -> None:
    ax = plot.interaction_graph(corpus, topic="#rustlang")
    labels = sorted(t.get_text() for t in ax.texts if t.get_text())
    assert labels == ["@acme_careers", "@ada"]  # bob's post interacts with nobody
    ax = plot.interaction_graph(corpus, around="bob")
    assert [t.get_text() for t in ax.texts if t.get_text()] == []


def test_missing_matplotlib_is_a_clear_import_error(monkeypatch: pytest.MonkeyPatch, corpus: rapport.Corpus) -> None:
    real = builtins.__import__

    def fake(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.startswith("matplotlib"):
            raise ImportError("No module named 'matplotlib'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake)
    with pytest.raises(ImportError, match=r"rapport\[plot\]"):
        plot.funnel(corpus, org=ORG)
