"""Follow snapshots from twarc2 pages, follow events and the relationship timeline.

Every event and interval below was worked out by hand from the pages written here.
"""

import datetime as dt
import json

import rapport


def _page(owner, direction, at, users, token=None):
    q = f"&pagination_token={token}" if token else ""
    page = {
        "meta": {"result_count": len(users)},
        "__twarc": {
            "url": f"https://api.twitter.com/2/users/{owner}/{direction}?max_results=1000{q}",
            "version": "2.14.0",
            "retrieved_at": at,
        },
    }
    if users:
        page["data"] = [{"id": i, "username": h, "name": h} for i, h in users]
    return json.dumps(page)


def _corpus(tmp_path):
    lines = [
        _page("1", "following", "2024-05-01T09:00:00+00:00", [("7", "ada")]),
        _page("1", "followers", "2024-05-01T09:00:00+00:00", []),
        _page("1", "followers", "2024-05-02T09:00:00+00:00", [("7", "ada"), ("8", "bo")]),
        _page("1", "followers", "2024-05-02T09:05:00+00:00", [("9", "cy")], token="NEXTPAGE_TOKEN_01"),
        json.dumps({"data": [{"id": "1", "username": "acme", "name": "Acme"}]}),
    ]
    path = tmp_path / "follows.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return rapport.Corpus.from_jsonl(path)


def test_follows_table_has_every_observation(tmp_path):
    c = _corpus(tmp_path)
    f = c.follows()
    assert f.columns[:4] == ["owner", "direction", "account", "observed_at"]
    assert len(f) == 4  # 1 following + 3 followers (two pages of one run)


def test_follow_events_and_intervals(tmp_path):
    c = _corpus(tmp_path)
    ev = c.follow_events(org=["acme"])
    utc = dt.timezone.utc
    rows = sorted(zip(ev["handle"], ev["event"], ev["observed_after"], ev["observed_before"]))
    after = dt.datetime(2024, 5, 1, 9, tzinfo=utc)
    before = dt.datetime(2024, 5, 2, 9, 5, tzinfo=utc)
    assert rows == [
        ("ada", "followed_back", after, before),
        ("bo", "followed", after, before),
        ("cy", "followed", after, before),
    ]


def test_relationship_steps_and_stage(tmp_path):
    c = _corpus(tmp_path)
    r = c.relationship(org=["acme"], account="ada")
    assert r["stage"] == "follows_back"
    assert r["mutual"] is True
    steps = [s["step"] for s in r["steps"]]
    assert steps == ["org_followed", "account_followed", "followed_back"]
    assert "observed_after" not in r["steps"][0] or r["steps"][0]["observed_after"] is None


def test_engagement_has_follow_columns():
    c = rapport.Corpus.sample(posts=500, seed=7)
    e = c.engagement(org=c.accounts()["handle"][0])
    for col in ("org_follows", "follows_org", "mutual"):
        assert col in e.columns
