"""Skills, engagement, broadcast report, candidates, mentors and the learning feed on the example
corpus of conftest.py, every number worked out by hand from POSTS and ACCOUNTS."""

from __future__ import annotations

import datetime
import math

import pytest

import rapport

ORG = ["acme_careers", "acme_eng"]


# --- skills ---------------------------------------------------------------------------------------


def test_taxonomy_default_and_match() -> None:
    tax = rapport.Taxonomy.default()
    assert len(tax) == len(tax.skills())
    assert "Taxonomy" in repr(tax)
    m = tax.match("Shipping #RustLang services on kubernetes")["matches"]
    assert [x["label"] for x in m] == ["Rust", "Kubernetes"]


def test_taxonomy_from_file_errors(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FileNotFoundError):
        rapport.Taxonomy.from_file(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[[skill]]\nlabel = 3\n")
    with pytest.raises(rapport.ParseError) as e:
        rapport.Taxonomy.from_file(bad)
    assert e.value.path is not None and "bad.toml" in e.value.path


def test_skills_strength_is_confidence_times_decay(corpus: rapport.Corpus) -> None:
    # bob's only post (2024-04-02T08:00:00.250Z) carries #RustLang: a hashtag match, confidence 0.95.
    t = "2024-04-02T08:00:00.250Z"
    rows = {(r["handle"], r["label"]): r for r in corpus.skills(as_of=t)}
    assert rows[("bob", "Rust")]["strength"] == pytest.approx(0.95)
    assert rows[("bob", "Rust")]["evidence_post_ids"] == ["400"]
    # One half-life later the same evidence weighs half.
    later = corpus.skills(as_of="2024-09-29T08:00:00.250Z", half_life_days=180)  # 2024-04-02 + 180 days
    bob = [r for r in later if r["handle"] == "bob" and r["label"] == "Rust"][0]
    assert bob["strength"] == pytest.approx(0.475)


def test_skills_again_is_the_same_table_and_other_options_are_not(corpus: rapport.Corpus) -> None:
    # A second call reuses the table of the cached report; other options are another report.
    t = "2024-04-02T08:00:00.250Z"
    first = [dict(r) for r in corpus.skills(as_of=t)]
    again = [dict(r) for r in corpus.skills(as_of=t)]
    assert first == again
    later = {(r["handle"], r["label"]): r for r in corpus.skills(as_of="2024-09-29T08:00:00.250Z")}
    assert later[("bob", "Rust")]["strength"] == pytest.approx(0.475)
    rows = {(r["handle"], r["label"]): r for r in corpus.skills(as_of=t)}
    assert rows[("bob", "Rust")]["strength"] == pytest.approx(0.95)


def test_skills_bad_half_life(corpus: rapport.Corpus) -> None:
    with pytest.raises(rapport.ConfigError, match="half_life_days"):
        corpus.skills(half_life_days=0)


def test_job_profile() -> None:
    job = rapport.JobProfile("SRE", required={"linux": 2.0}, nice_to_have=["terraform"])
    assert job.skills == [
        {"required": True, "skill_id": "linux", "weight": 2.0},
        {"required": False, "skill_id": "terraform", "weight": 0.5},
    ]
    with pytest.raises(rapport.ConfigError, match="positive"):
        rapport.JobProfile("SRE", required={"linux": -1.0})


# --- engagement -----------------------------------------------------------------------------------


def test_engagement_components(corpus: rapport.Corpus) -> None:
    e = corpus.engagement(org=ORG)
    rows = {r["handle"]: r for r in e}
    ada = rows["ada"]
    # ada replied to acme_careers twice (101, 103), acme_careers replied to her once (102): one two-way
    # exchange in conversation 100; reciprocity min/max = 1/2.
    assert (ada["replies_to_org"], ada["replies_from_org"]) == (2, 1)
    assert ada["two_way_exchanges"] == 1
    assert ada["reciprocity"] == 0.5
    # The @acme_careers that opens reply 101 belongs to the reply: three interactions, not four.
    assert ada["interactions"] == 3
    assert ada["stage"] == "conversing"
    assert {"handle", "id", "score", "stage", "latency_org_ms"} <= set(e.columns)
    # acme_careers answered ada's 09:30 reply at 10:00: 30 minutes.
    assert ada["latency_org_ms"] == 30 * 60 * 1000
    assert "bob" not in rows or rows["bob"]["stage"] == "unaware"


def test_funnel_counts_everyone_outside_the_org(corpus: rapport.Corpus) -> None:
    # Outside acme_careers and acme_eng: ada (conversing) and bob (no interaction).
    assert corpus.funnel(org=ORG) == {"unaware": 1, "noticed": 0, "responded": 0, "conversing": 1, "engaged": 0}


def test_unknown_org_lists_every_unknown_handle(corpus: rapport.Corpus) -> None:
    with pytest.raises(rapport.UnknownAccountError) as e:
        corpus.engagement(org=["acme_careers", "nope", "@nada"])
    assert set(e.value.accounts) >= {"nope"}
    assert "nope" in str(e.value)
    with pytest.raises(rapport.UnknownAccountError):
        corpus.explain_engagement(org="acme_careers", account="ghost")


def test_explain_engagement_adds_up(corpus: rapport.Corpus) -> None:
    why = corpus.explain_engagement(org=ORG, account="ada")
    assert why["id"] == "3"
    assert math.isclose(sum(c["contribution"] for c in why["components"]), why["score"], rel_tol=1e-9, abs_tol=1e-9)


def test_broadcast_report(corpus: rapport.Corpus) -> None:
    b = corpus.broadcast_report(org=ORG)
    # Originals of the org: 100 (ada replied, acme answered: conversation), 200 and 300 (no reply: void).
    assert dict(zip(b["posts"]["post_id"], b["posts"]["class"])) == {"100": "conversation", "200": "void", "300": "void"}
    assert (b["overall"]["posts"], b["overall"]["void"], b["overall"]["conversation"]) == (3, 2, 1)
    assert b["by_month"]["key"] == ["2024-03", "2024-04"]
    assert b["by_month"]["posts"] == [2, 1]
    assert b["by_account"]["key"] == ORG


# --- talent ---------------------------------------------------------------------------------------


def test_rank_candidates_excludes_the_org(corpus: rapport.Corpus) -> None:
    job = rapport.JobProfile("Rust engineer", required=["rust"])
    r = corpus.rank_candidates(job, org=ORG)
    assert set(r["handle"]) == {"ada", "bob"}  # acme_careers and acme_eng show Rust but are the org
    assert r["rank"] == [1, 2]
    assert all(0 <= f < 1 for f in r["fit"])
    assert corpus.rank_candidates(job, org=ORG, limit=1)["rank"] == [1]


def test_mentors_global_pagerank_sums_to_one(corpus: rapport.Corpus) -> None:
    m = corpus.mentors(limit=100)
    assert "pagerank" in m.columns
    assert sum(m["pagerank"]) == pytest.approx(1.0)
    assert m["rank"] == list(range(1, len(m) + 1))


def test_mentors_of_a_hashtag(corpus: rapport.Corpus) -> None:
    # #rustlang: conversation 100 (acme_careers asks, ada replies, acme answers) and bob's post 400.
    # acme_careers answered ada's question and she replied back: one acknowledged answer.
    m = {r["handle"]: r for r in corpus.mentors("#rustlang")}
    assert m["acme_careers"]["answers_acknowledged"] == 1
    assert m["bob"]["topic_posts"] == 1


def test_mentors_of_a_time_window() -> None:
    # Day 1: ada asks (10), bob answers (11), ada comes back (12). Day 5: cy asks (20), dan answers
    # (21), cy comes back (22). Each window holds one conversation, so one answerer.
    def post(id: str, author: str, text: str, day: int, reply_to: str | None = None) -> dict:
        p = {"id": id, "author_id": author, "text": text, "created_at": f"2024-05-0{day}T09:00:00Z"}
        if reply_to:
            p["reply_to"] = reply_to
        return p

    c = rapport.Corpus.from_records(
        posts=[
            post("10", "1", "How do I pin a toolchain?", 1),
            post("11", "2", "rust-toolchain.toml", 1, "10"),
            post("12", "1", "thanks", 1, "11"),
            post("20", "3", "Which crate for CSV?", 5),
            post("21", "4", "the csv crate", 5, "20"),
            post("22", "3", "thanks", 5, "21"),
        ],
        accounts=[{"id": "1", "handle": "ada"}, {"id": "2", "handle": "bob"},
                  {"id": "3", "handle": "cy"}, {"id": "4", "handle": "dan"}],
    )
    answers = lambda t: {r["handle"]: r["answers"] for r in t}  # noqa: E731
    assert answers(c.mentors()) == {"ada": 0, "bob": 1, "cy": 0, "dan": 1}
    assert answers(c.mentors(since="2024-05-05")) == {"cy": 0, "dan": 1}
    assert answers(c.mentors(until=datetime.date(2024, 5, 2))) == {"ada": 0, "bob": 1}
    day = datetime.datetime(2024, 5, 5, tzinfo=datetime.timezone.utc)
    assert c.mentors(since=day, until=day + datetime.timedelta(days=1))["handle"][0] == "dan"
    with pytest.raises(rapport.RapportError):
        c.mentors(since="2024-05-05", until="2024-05-01")


def test_learning_feed(corpus: rapport.Corpus) -> None:
    feed = corpus.learning_feed(skills=["#rustlang", "rust"], window_days=60, as_of="2024-04-03")
    assert [g["goal"] for g in feed["goals"]] == ["#rustlang", "skill rust"]
    assert feed["window_days"] == 60.0
    g = feed["goals"][0]
    assert isinstance(g["mentors"], rapport.Table) and isinstance(g["conversations"], rapport.Table)
    with pytest.raises(rapport.ConfigError):
        corpus.learning_feed(skills=["rust"], window_days=-1)


def test_empty_results_keep_their_columns() -> None:
    # A corpus where nobody talks to anybody and nobody uses a hashtag: the analyses come back empty,
    # but with their columns, so code that reads a column by name (or a notebook cell) still works.
    lonely = rapport.Corpus.from_records(
        posts=[{"id": "1", "author_id": "1", "text": "hello", "created_at": "2024-03-01T09:00:00Z"}],
        accounts=[{"id": "1", "handle": "acme_careers"}, {"id": "2", "handle": "someone"}],
    )
    engagement = lonely.engagement(org=["acme_careers"])
    assert len(engagement) == 0
    assert {"handle", "score", "stage"} <= set(engagement.columns)
    assert engagement["score"] == []
    report = lonely.broadcast_report(org=["acme_careers"])
    assert len(report["posts"]) == 1  # the org's one post, void
    assert len(report["by_hashtag"]) == 0 and "void_rate" in report["by_hashtag"].columns
    skills = lonely.skills()
    assert len(skills) == 0 and "skill_id" in skills.columns
    assert list(skills.to_pandas().columns) == skills.columns
