"""`Corpus.inbox` and `Corpus.conversation_starters` on a hand-built corpus.

acme (1) is the organisation; hours after 2026-03-01T09:00Z, read at h100 with a 2-day window:

    10 acme h0   "We are hiring"             root
    11 ada  h10  "Is it remote?"       → 10  answered by 12 (acme, h11)
    12 acme h11  "Yes"                 → 11
    13 bob  h90  "Great team"          → 10  open, 10 h old, responded, no question: 20 + 5·10/48
    14 cy   h95  "@acme how to apply"  mention, question, 5 h old: 100 + 20 + 5·5/48
    15 dee  h20  "Where is the office?" → 10  80 h old > 48 h: missed, 100 + 20 + 5
    16 eve  h50  "RT"                  repost of 10: not an item
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import rapport

T0 = datetime(2026, 3, 1, 9, tzinfo=timezone.utc)


def _post(pid: str, author: str, text: str, hours: int, reply_to: str | None = None) -> dict[str, Any]:
    p: dict[str, Any] = {
        "id": pid,
        "author_id": author,
        "text": text,
        "created_at": (T0 + timedelta(hours=hours)).isoformat(),
        "conversation_id": "10" if reply_to else pid,
    }
    if reply_to:
        p["reply_to"] = reply_to
    return p


@pytest.fixture()
def box_corpus() -> rapport.Corpus:
    accounts = [{"id": str(i), "handle": h} for i, h in enumerate(["acme", "ada", "bob", "cy", "dee", "eve"], 1)]
    mention = _post("14", "4", "@acme how to apply", 95)
    mention["mentions"] = [{"id": "1", "handle": "acme"}]
    repost = _post("16", "6", "RT", 50)
    repost["reposted"] = "10"
    posts = [
        _post("10", "1", "We are hiring", 0),
        _post("11", "2", "Is it remote?", 10, "10"),
        _post("12", "1", "Yes", 11, "11"),
        _post("13", "3", "Great team", 90, "10"),
        mention,
        _post("15", "5", "Where is the office?", 20, "10"),
        repost,
    ]
    return rapport.Corpus.from_records(posts, accounts)


def test_inbox_items_priorities_and_missed(box_corpus: rapport.Corpus) -> None:
    box = box_corpus.inbox(org=["acme"], as_of=T0 + timedelta(hours=100), window_days=2)
    assert box["post_id"] == ["14", "13", "15"]
    assert box["missed"] == [False, False, True]
    assert box["is_question"] == [True, False, True]
    assert box["age_hours"] == [5.0, 10.0, 80.0]
    assert box["stage"] == ["responded", "responded", "responded"]
    want = [120 + 5 * 5 / 48, 20 + 5 * 10 / 48, 125.0]
    assert box["priority"] == pytest.approx(want)
    assert box["addresses"][0] == ["mention"]
    assert box["conversation_id"] == ["14", "10", "10"]
    assert box["why"][0].startswith("a question (+100); stage responded (+20.0)")
    df = box.to_arrow()
    assert df.num_rows == 3


def test_inbox_errors(box_corpus: rapport.Corpus) -> None:
    with pytest.raises(rapport.RapportError, match="nobody"):
        box_corpus.inbox(org=["nobody"])
    with pytest.raises(rapport.RapportError, match="window_days"):
        box_corpus.inbox(org=["acme"], window_days=0)


def test_conversation_starters(box_corpus: rapport.Corpus) -> None:
    s = box_corpus.conversation_starters(org=["acme"], as_of=T0 + timedelta(hours=100))
    # ada was answered (conversing); eve only reposted (unaware). cy h95, bob h90, dee h20.
    assert s["handle"] == ["cy", "bob", "dee"]
    assert s["rank"] == [1, 2, 3]
    assert s["fit"] == [None, None, None]
    assert len(box_corpus.conversation_starters(org=["acme"], limit=1)) == 1
