"""The tabular parts of the nested analyses, the interaction graph (and networkx), the follow columns'
types, and rapport's log events in Python's logging. Numbers are worked out by hand from conftest's
corpus: ada replies to acme_careers twice (101, 103), acme_careers replies to ada once (102)."""

from __future__ import annotations

import json
import logging
import sys
from collections import Counter

import pyarrow as pa
import pytest

import rapport
from conftest import ACCOUNTS, POSTS


def test_broadcast_summary_has_every_aggregate(corpus):
    b = corpus.broadcast_report(org="acme_careers")
    s = b["summary"]
    assert s.columns[:3] == ["scope", "key", "posts"]
    scopes = Counter(s["scope"])
    assert scopes == {
        "overall": 1,
        "account": len(b["by_account"]),
        "hashtag": len(b["by_hashtag"]),
        "month": len(b["by_month"]),
    }
    # acme_careers posted 100 (answered by ada: conversation) and 300 (void).
    overall = next(r for r in s if r["scope"] == "overall")
    assert (overall["posts"], overall["void"], overall["conversation"]) == (2, 1, 1)
    assert overall["void_rate"] == 0.5
    hiring = next(r for r in s if r["scope"] == "hashtag" and r["key"].lower() == "hiring")
    assert hiring["posts"] == 2
    assert b["posts"].to_arrow().schema.field("created_at").type == pa.timestamp("ms", tz="UTC")


def test_explanation_contributions_table(corpus):
    why = corpus.explain_engagement(org=["acme_careers", "acme_eng"], account="ada")
    t = why["contributions"]
    assert len(t) == len(why["components"])
    assert t["component"] == [c["name"] for c in why["components"]]
    assert sum(t["contribution"]) == pytest.approx(why["score"])
    replies_to_org = next(r for r in t if r["component"] == "replies_to_org")
    assert replies_to_org["raw"] == 2.0
    assert sorted(replies_to_org["post_ids"]) == ["101", "103"]
    assert set(t["handle"]) == {"ada"}


def test_learning_feed_items_cover_every_goal(corpus):
    feed = corpus.learning_feed(skills=["#rustlang", "#hiring"])
    items = feed["items"]
    assert set(items["goal"]) <= {"#rustlang", "#hiring"}
    for g in feed["goals"]:
        rows = [r for r in items if r["goal"] == g["goal"]]
        kinds = Counter(r["kind"] for r in rows)
        assert kinds["mentor"] == len(g["mentors"])
        assert kinds["rising_hashtag"] == len(g["rising_hashtags"])
        assert kinds["conversation"] == len(g["conversations"])
        assert [r["key"] for r in rows if r["kind"] == "mentor"] == g["mentors"]["handle"]
    schema = items.to_arrow().schema
    assert schema.field("last_post_at").type == pa.timestamp("ms", tz="UTC")
    assert schema.field("post_ids").type == pa.list_(pa.string())


def test_engagement_follow_columns_are_boolean_without_snapshots(corpus):
    schema = corpus.engagement(org="acme_careers").to_arrow().schema
    for col in ("org_follows", "follows_org", "mutual"):
        assert schema.field(col).type == pa.bool_(), col
    assert schema.field("latency_org_ms").type == pa.float64()
    df = corpus.engagement(org="acme_careers").to_pandas()
    assert df["mutual"].isna().all()


def test_engagement_follow_columns_are_boolean_with_snapshots(tmp_path):
    # acme (1) follows ada (7) and ada follows acme, observed on 1 May; ada replies to acme's post.
    def follow_page(direction):
        return {
            "data": [{"id": "7", "username": "ada", "name": "ada"}],
            "meta": {"result_count": 1},
            "__twarc": {"url": f"https://api.twitter.com/2/users/1/{direction}?max_results=1000",
                        "version": "2.14.0", "retrieved_at": "2024-05-01T09:00:00+00:00"},
        }

    posts = {
        "data": [
            {"id": "100", "author_id": "1", "text": "We are hiring", "created_at": "2024-05-02T09:00:00.000Z",
             "conversation_id": "100"},
            {"id": "101", "author_id": "7", "text": "@acme me!", "created_at": "2024-05-02T10:00:00.000Z",
             "conversation_id": "100", "in_reply_to_user_id": "1",
             "referenced_tweets": [{"type": "replied_to", "id": "100"}]},
        ],
        "includes": {"users": [{"id": "1", "username": "acme"}, {"id": "7", "username": "ada"}]},
    }
    path = tmp_path / "follows.jsonl"
    path.write_text("\n".join(json.dumps(p) for p in [follow_page("following"), follow_page("followers"), posts]))
    c = rapport.Corpus.from_jsonl(path)
    assert len(c.follows()) == 2
    t = c.engagement(org="acme")
    schema = t.to_arrow().schema
    for col in ("org_follows", "follows_org", "mutual"):
        assert schema.field(col).type == pa.bool_(), col
    ada = {r["handle"]: r for r in t}["ada"]
    assert (ada["org_follows"], ada["follows_org"], ada["mutual"]) == (True, True, True)


def test_graph_equals_the_interactions(corpus):
    g = corpus.graph()
    assert (g.num_nodes, g.num_edges) == (4, 2)
    # The edge weights, counted independently from the interaction table.
    counted = Counter(zip(corpus.interactions()["src_id"], corpus.interactions()["dst_id"]))
    edges = {(r["src"], r["dst"]): r["weight"] for r in g.edges()}
    assert edges == {k: float(v) for k, v in counted.items()}
    assert edges == {("3", "1"): 2.0, ("1", "3"): 1.0}
    nodes = {r["handle"]: r for r in g.nodes()}
    assert nodes["ada"]["out_strength"] == 2.0 and nodes["ada"]["in_strength"] == 1.0
    assert nodes["bob"]["out_degree"] == 0
    # Kind weights scale the edges.
    assert {r["weight"] for r in corpus.graph(reply=0.5).edges()} == {1.0, 0.5}
    with pytest.raises(rapport.RapportError):
        corpus.graph(reply=-1.0)


def test_to_networkx_matches_the_graph():
    nx = pytest.importorskip("networkx")
    big = rapport.Corpus.sample(posts=2_000, seed=3)
    g = big.graph(mention=0.5)
    G = g.to_networkx()
    assert isinstance(G, nx.DiGraph)
    assert (G.number_of_nodes(), G.number_of_edges()) == (g.num_nodes, g.num_edges)
    for r in g.edges():
        assert G[r["src"]][r["dst"]]["weight"] == r["weight"]
    assert sum(d["weight"] for _, _, d in G.edges(data=True)) == pytest.approx(sum(g.edges()["weight"]))
    handles = nx.get_node_attributes(G, "handle")
    assert handles == dict(zip(g.nodes()["id"], g.nodes()["handle"]))
    assert G.graph["weights"]["mention"] == 0.5


def test_to_networkx_without_networkx_says_what_to_install(corpus, monkeypatch):
    monkeypatch.setitem(sys.modules, "networkx", None)
    with pytest.raises(ImportError, match=r"pip install 'rapport\[plot\]'"):
        corpus.graph().to_networkx()


def test_a_lenient_skip_is_logged_under_rapport(tmp_path, caplog):
    good = {"data": [{"id": "1", "author_id": "10", "text": "hi", "created_at": "2024-05-01T09:00:00.000Z"}],
            "includes": {"users": [{"id": "10", "username": "ada"}]}}
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(good) + "\n{not json\n")
    with caplog.at_level(logging.WARNING, logger="rapport"):
        c = rapport.Corpus.from_jsonl(path, strict=False)
    assert c.num_posts == 1
    records = [r for r in caplog.records if r.name.startswith("rapport")]
    assert records, caplog.text
    r = records[0]
    assert r.name == "rapport.import"
    assert r.levelno == logging.WARNING
    assert "bad.jsonl:2" in r.getMessage()
    assert "lenient" in r.getMessage()
