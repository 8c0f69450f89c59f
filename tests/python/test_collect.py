"""The rest of the X API from Python — followers and following (follow snapshots), quotes, counts,
list members, list memberships and owned lists, lookups, handles where ids were taken, the filtered
stream as Corpus batches, progress bars — against a local mock (http.server on 127.0.0.1) serving
the recorded payloads of ../shared/fixtures/twitter. Also rapport.Config."""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import types
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

import rapport


def _fixtures() -> Path:
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "fixtures" / "twitter"
        if candidate.is_dir():
            return candidate
    pytest.skip("shared/fixtures/twitter not found next to the repository")
    raise AssertionError("unreachable")


FIX = _fixtures()
TOKEN = "collect-T0KEN"
USER_ID = "783214"  # user_by_username.json


def load(name: str, next_token: str | None = None) -> dict[str, Any]:
    page: dict[str, Any] = json.loads((FIX / name).read_text(encoding="utf-8"))
    page.pop("__twarc", None)
    meta = {k: v for k, v in (page.get("meta") or {}).items() if k != "next_token"}
    if next_token:
        meta["next_token"] = next_token
    page["meta"] = meta
    # The pages were recorded without `tweet.fields`; rapport always asks for `author_id` and
    # `created_at` (a post without them is skipped, see test_import_reliability), so the mock answers
    # as the API does when they are asked for.
    data = page.get("data")
    for i, post in enumerate(data if isinstance(data, list) else [data] if data else []):
        if isinstance(post, dict) and "text" in post:
            post.setdefault("author_id", USER_ID)
            post.setdefault("created_at", f"2022-10-0{1 + i % 9}T12:00:00.000Z")
    return page


LISTS_PAGE = {
    "data": [
        {"id": "1146654567674912769", "name": "Rust people", "description": "folks who write python",
         "owner_id": USER_ID, "member_count": 12,
         "follower_count": 3, "private": False, "created_at": "2019-07-04T05:52:04.000Z"}
    ],
    "includes": {"users": [{"id": USER_ID, "name": "Twitter", "username": "Twitter"}]},
    "meta": {"result_count": 1},
}


class Api(BaseHTTPRequestHandler):
    requests: list[tuple[str, dict[str, list[str]]]] = []

    def log_message(self, *args: Any) -> None:
        pass

    def send(self, status: int, body: Any, ctype: str = "application/json") -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", ctype)
        self.send_header("content-length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def do_POST(self) -> None:  # noqa: N802
        url = urlparse(self.path)
        n = int(self.headers.get("content-length") or 0)
        body = json.loads(self.rfile.read(n) or b"{}")
        Api.requests.append((url.path, {"body": [json.dumps(body)]}))
        added = [{"id": "1507099418802999296", **r} for r in body.get("add", [])]
        self.send(200, {"data": added, "meta": {"summary": {"created": len(added)}}})

    def do_GET(self) -> None:  # noqa: N802
        url = urlparse(self.path)
        q = parse_qs(url.query)
        Api.requests.append((url.path, q))
        if self.headers.get("authorization") != f"Bearer {TOKEN}":
            self.send(401, {"title": "Unauthorized", "status": 401, "detail": "Unauthorized"})
            return
        token = (q.get("pagination_token") or q.get("next_token") or [None])[0]
        p = url.path
        if p == "/2/users/by/username/Twitter":
            self.send(200, load("user_by_username.json"))
        elif p.startswith("/2/users/by/username/"):
            name = p.rsplit("/", 1)[1]
            self.send(200, {"errors": [{"value": name, "detail": f"Could not find user with username: [{name}].",
                                        "title": "Not Found Error", "resource_type": "user"}]})
        elif p == f"/2/users/{USER_ID}/followers":
            if token is None:
                self.send(200, load("user_followers_page1.json", "5CS0O0C6II61EZZZ"))
            else:
                self.send(200, load("user_following_last_page.json"))
        elif p == f"/2/users/{USER_ID}/following":
            self.send(200, load("user_following_last_page.json"))
        elif p == f"/2/users/{USER_ID}/tweets":
            self.send(200, load("user_timeline_page1.json"))
        elif p == "/2/tweets/1293593516040269825/quote_tweets":
            self.send(200, load("quote_tweets_page1.json"))
        elif p == "/2/tweets/counts/recent":
            self.send(200, load("counts_recent.json"))
        elif p == "/2/lists/84839422/members":
            self.send(200, load("list_members_page1.json"))
        elif p in (f"/2/users/{USER_ID}/owned_lists", f"/2/users/{USER_ID}/list_memberships"):
            self.send(200, LISTS_PAGE)
        elif p == "/2/tweets":
            self.send(200, load("tweets_lookup_multi.json"))
        elif p == "/2/users/by":
            self.send(200, load("users_by_usernames.json"))
        elif p == "/2/users":
            self.send(200, {"data": [load("user_by_username.json")["data"]]})
        elif p == "/2/tweets/search/stream/rules":
            self.send(200, {"data": [], "meta": {"result_count": 0}})
        elif p == "/2/tweets/search/stream":
            msg = json.loads((FIX / "twarc2_filtered_stream_message.json").read_text(encoding="utf-8"))
            msg.pop("__twarc", None)
            line = json.dumps(msg).encode()
            self.send(200, line + b"\r\n\r\n" + line + b"\r\n" + line + b"\r\n")
        else:
            self.send(404, {"title": "Not Found", "status": 404, "detail": f"no mock for {p}"})


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Api)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture()
def client(base_url: str) -> rapport.XClient:
    Api.requests.clear()
    return rapport.XClient(bearer_token=TOKEN, base_url=base_url, retries=False)


def test_followers_by_handle_hold_the_follow_snapshot(client: rapport.XClient) -> None:
    corpus = client.followers("@Twitter")
    n1 = len(load("user_followers_page1.json")["data"])
    n2 = len(load("user_following_last_page.json")["data"])
    follows = corpus.follows().to_pandas()
    assert len(follows) == n1 + n2, "one observation per follower, both pages"
    assert set(follows["owner_id"]) == {USER_ID}
    paths = [p for p, _ in Api.requests]
    assert paths[0] == "/2/users/by/username/Twitter", "the handle is looked up once"
    assert paths.count(f"/2/users/{USER_ID}/followers") == 2
    corpus2, pages = client.following(USER_ID, raw=True)
    assert len(pages) == 1 and "__twarc" in pages[0]
    assert corpus2.follows().to_pandas()["direction"].unique().tolist() == ["following"]


def test_follow_snapshots_survive_the_corpus_file_and_the_store(client: rapport.XClient, tmp_path: Path) -> None:
    corpus = client.followers("@Twitter").merge(client.following(USER_ID))
    want = [dict(r) for r in corpus.follows()]
    assert {r["direction"] for r in want} == {"followers", "following"}
    path = tmp_path / "c.parquet"
    corpus.save(path)
    db = tmp_path / "hr.db"
    corpus.to_store(db)
    for back in (rapport.Corpus.load(path), rapport.Corpus.from_bytes(corpus.to_bytes()), rapport.Corpus.from_store(db)):
        assert [dict(r) for r in back.follows()] == want


def test_an_unknown_handle_is_not_found(client: rapport.XClient) -> None:
    with pytest.raises(rapport.NotFoundError, match="@nobody_here"):
        client.user_timeline("nobody_here")


def test_handles_are_taken_where_ids_were(client: rapport.XClient) -> None:
    a = client.user_timeline("Twitter")
    b = client.user_timeline(USER_ID)
    assert a.num_posts == b.num_posts == len(load("user_timeline_page1.json")["data"])


def test_counts_are_a_table_of_buckets(client: rapport.XClient) -> None:
    t = client.counts("Tweepy", granularity="hour")
    body = load("counts_recent.json")
    assert t.columns == ["start", "end", "count"]
    assert len(t) == len(body["data"])
    assert sum(t["count"]) == body["meta"]["total_tweet_count"]
    q = dict(Api.requests[-1][1])
    assert q["granularity"] == ["hour"] and q["query"] == ["Tweepy"]


def _memberships(c: rapport.Corpus) -> list[tuple[str, str, str, str]]:
    return [(r["account_id"], r["relation"], r["list_id"], r["name"]) for r in c.list_memberships()]


def _skill_rows(c: rapport.Corpus) -> list[dict[str, Any]]:
    return [dict(r) for r in c.skills(as_of="2026-06-01T00:00:00Z")]


def test_list_methods_return_a_corpus_of_lists_that_survives_the_store_and_the_file(
    client: rapport.XClient, tmp_path: Path
) -> None:
    rust = ("1146654567674912769", "Rust people")
    # A handle or an id: the same lists, the handle looked up first; a Corpus by default.
    by_handle = client.list_memberships("@Twitter")
    assert isinstance(by_handle, rapport.Corpus)
    assert Api.requests[0][0] == "/2/users/by/username/Twitter"
    by_id = client.list_memberships(USER_ID, corpus=True)
    want = [(USER_ID, "member", *rust)]
    assert _memberships(by_handle) == _memberships(by_id) == want
    assert by_id.num_lists == 1
    owned, pages = client.owned_lists("Twitter", raw=True)
    assert _memberships(owned) == [(USER_ID, "owner", *rust)]
    assert len(pages) == 1 and "__twarc" in pages[0]
    with pytest.raises(ValueError, match="corpus=False"):
        client.owned_lists("Twitter", corpus=False, raw=True)
    # A list's members: every user is on the list.
    members = client.list_members("84839422")
    got = members.list_memberships()
    assert len(got) == len(load("list_members_page1.json")["data"])
    assert set(got["list_id"]) == {"84839422"} and set(got["relation"]) == {"member"}

    merged = by_id.merge(owned).merge(members)
    before = _memberships(merged)
    assert len(before) == len(got) + 2
    # Through the store and through the corpus file, the lists and their skill evidence stay.
    db = tmp_path / "hr.db"
    merged.to_store(db)
    from_store = rapport.Corpus.from_store(db)
    path = tmp_path / "c.parquet"
    merged.save(path)
    from_file = rapport.Corpus.load(path)
    # The list is evidence of Python for the account on it (the owned copy is not evidence).
    skills = _skill_rows(merged)
    assert [(r["account_id"], r["counts.list"], r["evidence_list_ids"]) for r in skills if r["label"] == "Python"] == [
        (USER_ID, 1, [rust[0]])
    ]
    for back in (from_store, from_file):
        assert _memberships(back) == before
        assert back.num_lists == merged.num_lists == 2
        assert _skill_rows(back) == _skill_rows(merged)


def test_quotes_members_and_lists(client: rapport.XClient) -> None:
    assert client.quotes("1293593516040269825").num_posts == len(load("quote_tweets_page1.json")["data"])
    members = client.list_members("84839422")
    assert members.num_accounts == len(load("list_members_page1.json")["data"])
    for t in (client.owned_lists("Twitter", corpus=False), client.list_memberships(USER_ID, corpus=False)):
        rows = list(t)
        assert rows[0]["name"] == "Rust people"
        assert rows[0]["owner"] == "Twitter"
        assert rows[0]["member_count"] == 12
    q = dict(Api.requests[-1][1])
    assert "member_count" in q["list.fields"][0]


def test_lookups_take_any_number_and_mix_handles_and_ids(client: rapport.XClient) -> None:
    ids = [t["id"] for t in load("tweets_lookup_multi.json")["data"]]
    assert client.lookup_posts(ids).num_posts == 2
    corpus = client.lookup_users(["@Twitter", "TwitterDev", USER_ID])
    assert corpus.num_accounts == 2, "Twitter by handle and by id is one account"
    paths = [p for p, _ in Api.requests]
    assert "/2/users" in paths and "/2/users/by" in paths


def test_progress_drives_a_tqdm_bar(client: rapport.XClient, monkeypatch: pytest.MonkeyPatch) -> None:
    updates: list[int] = []
    closed: list[bool] = []

    class Bar:
        def __init__(self, **kw: Any) -> None:
            assert kw["unit"] == "users"

        def update(self, n: int) -> None:
            updates.append(n)

        def set_postfix_str(self, s: str) -> None:
            pass

        def close(self) -> None:
            closed.append(True)

    fake = types.ModuleType("tqdm.auto")
    fake.tqdm = Bar  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tqdm", types.ModuleType("tqdm"))
    monkeypatch.setitem(sys.modules, "tqdm.auto", fake)
    client.followers("Twitter", progress=True)
    assert updates == [100, len(load("user_following_last_page.json")["data"])]
    assert closed == [True]


def test_progress_without_tqdm_warns_and_fetches(client: rapport.XClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "tqdm", None)
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with pytest.warns(UserWarning, match="tqdm"):
        corpus = client.quotes("1293593516040269825", progress=True)
    assert corpus.num_posts == 9


def test_stream_yields_corpus_batches(client: rapport.XClient) -> None:
    batches = client.stream(["#kpop"], batch_size=2, max_items=3, batch_seconds=5)
    got = list(batches)
    assert [b.num_posts >= 1 for b in got] == [True, True]
    posts = {p["id"] for b in got for p in b.posts()}
    msg = json.loads((FIX / "twarc2_filtered_stream_message.json").read_text(encoding="utf-8"))
    assert msg["data"]["id"] in posts
    posted = [json.loads(q["body"][0]) for p, q in Api.requests if p == "/2/tweets/search/stream/rules" and "body" in q]
    assert posted == [{"add": [{"value": "#kpop"}]}], "the missing rule was added"


def test_async_client_has_the_same_methods(base_url: str) -> None:
    async def main() -> tuple[int, int, int]:
        c = rapport.AsyncXClient(bearer_token=TOKEN, base_url=base_url, retries=False)
        f = await c.followers("Twitter")
        t = await c.counts("Tweepy")
        n = 0
        async for b in c.stream([], batch_size=1, max_items=2):
            n += b.num_posts > 0
        return len(f.follows()), len(t), n

    follows, buckets, batches = asyncio.run(main())
    assert follows > 100 and buckets == 169 and batches == 2


def test_config_load_follows_the_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "rapport.toml"
    path.write_text(
        'org = ["acme_careers"]\nstore = "hr.db"\ntoken_env = "ACME_TOKEN"\n'
        '[engagement.weights]\nreciprocity = 40.0\n[candidates.columns]\nhris_id = "Employee ID"\n'
    )
    monkeypatch.chdir(tmp_path)
    for k in ("RAPPORT_CONFIG", "RAPPORT_ORG", "RAPPORT_STORE", "RAPPORT_BASE_URL", "RAPPORT_TOKEN_ENV"):
        monkeypatch.delenv(k, raising=False)
    cfg = rapport.Config.load()
    assert cfg.file is not None and Path(cfg.file).name == "rapport.toml", "found in the working directory"
    assert cfg.org == ["acme_careers"] and cfg.token_env == "ACME_TOKEN"
    assert cfg.store is not None and Path(cfg.store) == tmp_path / "hr.db"
    assert cfg.engagement_weights["reciprocity"] == 40.0
    assert cfg.engagement_weights["two_way_exchanges"] == 25.0
    assert cfg.candidate_columns == {"hris_id": "Employee ID"}
    monkeypatch.setenv("RAPPORT_STORE", "env.db")
    monkeypatch.setenv("RAPPORT_ORG", "a, b")
    cfg = rapport.Config.load(org=["flag_org"])
    assert cfg.store == "env.db" and cfg.sources["store"] == "env RAPPORT_STORE"
    assert cfg.org == ["flag_org"] and cfg.sources["org"] == "flag"
    assert cfg.sources["taxonomy"] == "default"
    bad = tmp_path / "bad.toml"
    bad.write_text("org = 3\n")
    with pytest.raises(rapport.ConfigError, match="bad.toml"):
        rapport.Config.load(bad)
    with pytest.raises(rapport.ConfigError, match="missing.toml"):
        rapport.Config.load(tmp_path / "missing.toml")
