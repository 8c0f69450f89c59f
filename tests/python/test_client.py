"""XClient and AsyncXClient against a local mock of the X API (http.server on 127.0.0.1, in a thread)
serving the recorded payloads of ../shared/fixtures/twitter. Never the real API."""

from __future__ import annotations

import asyncio
import datetime
import json
import threading
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
TOKEN = "s3cret-TOKEN-do-not-leak"
RESET = 1_893_456_000  # 2030-01-01T00:00:00Z


def load(name: str) -> dict[str, Any]:
    """A recorded page, without twarc2's ``__twarc`` bookkeeping; ``data`` always a list."""
    data: dict[str, Any] = json.loads((FIX / name).read_text(encoding="utf-8"))
    data.pop("__twarc", None)
    if isinstance(data.get("data"), dict):
        data["data"] = [data["data"]]
    return data


def last_page(name: str) -> dict[str, Any]:
    """A recorded page with its next_token removed, served as the last page."""
    page = load(name)
    page["meta"] = {k: v for k, v in page.get("meta", {}).items() if k != "next_token"}
    return page


class Api(BaseHTTPRequestHandler):
    requests: list[tuple[str, dict[str, list[str]]]] = []

    def log_message(self, *args: Any) -> None:  # keep pytest output clean
        pass

    def send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(raw)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(raw)

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        url = urlparse(self.path)
        q = parse_qs(url.query)
        Api.requests.append((url.path, q))
        if self.headers.get("authorization") != f"Bearer {TOKEN}":
            self.send(401, {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"})
            return
        if url.path == "/2/tweets/search/recent":
            if "next_token" in q:
                self.send(200, last_page("twarc2_user_timeline_page_with_errors.json"))
            else:
                self.send(200, load("twarc2_search_recent_page_includes_partial_errors.json"))
        elif url.path == "/2/users/2244994945/tweets":
            self.send(200, last_page("twarc2_user_timeline_page_with_errors.json"))
        elif url.path == "/2/users/2244994945/mentions":
            self.send(200, last_page("tweet_lookup_reply_with_includes.json"))
        elif url.path == "/2/users/429/tweets":
            self.send(
                429,
                {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429},
                {"x-rate-limit-limit": "900", "x-rate-limit-remaining": "0", "x-rate-limit-reset": str(RESET)},
            )
        elif url.path == "/2/users/by":
            self.send(200, load("user_by_username.json"))
        else:
            self.send(404, {"title": "Not Found Error", "detail": f"no route {url.path}", "type": "about:blank"})


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Api)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def client(base_url: str, token: str = TOKEN) -> rapport.XClient:
    return rapport.XClient(bearer_token=token, base_url=base_url, wait_on_rate_limit=False, retries=False)


def ids(*names: str) -> set[str]:
    """The post ids of the pages' ``data``."""
    return {t["id"] for n in names for t in load(n)["data"]}


def all_ids(*names: str) -> set[str]:
    """... plus the referenced posts of their ``includes`` (the converter keeps those too)."""
    return ids(*names) | {t["id"] for n in names for t in load(n).get("includes", {}).get("tweets", [])}


def assert_posts(corpus: rapport.Corpus, *names: str) -> None:
    got = set(corpus.posts()["id"])
    assert ids(*names) <= got <= all_ids(*names)


def test_search_recent_follows_every_page(base_url: str) -> None:
    Api.requests.clear()
    corpus = client(base_url).search_recent("Tweepy")
    # Page 1 is search_recent_page1.json (its next_token asks for more), page 2 the timeline page.
    assert_posts(corpus, "twarc2_search_recent_page_includes_partial_errors.json", "twarc2_user_timeline_page_with_errors.json")
    searches = [q for path, q in Api.requests if path == "/2/tweets/search/recent"]
    assert len(searches) == 2
    assert searches[0]["query"] == ["Tweepy"]
    assert searches[1]["next_token"] == [load("twarc2_search_recent_page_includes_partial_errors.json")["meta"]["next_token"]]


def test_raw_pages_and_max_pages(base_url: str) -> None:
    corpus, pages = client(base_url).search_recent("Tweepy", max_pages=1, raw=True)
    assert len(pages) == 1
    assert [t["id"] for t in pages[0]["data"]] == [t["id"] for t in load("twarc2_search_recent_page_includes_partial_errors.json")["data"]]
    assert_posts(corpus, "twarc2_search_recent_page_includes_partial_errors.json")


def test_timeline_mentions_and_users(base_url: str) -> None:
    c = client(base_url)
    assert_posts(c.user_timeline("2244994945"), "twarc2_user_timeline_page_with_errors.json")
    assert_posts(c.mentions("2244994945"), "tweet_lookup_reply_with_includes.json")
    users = c.users_by_usernames(["Twitter"])
    assert users.accounts()["handle"] == ["Twitter"]


def test_429_is_rate_limit_error_with_reset(base_url: str) -> None:
    with pytest.raises(rapport.RateLimitError) as e:
        client(base_url).user_timeline("429")
    assert e.value.status == 429
    assert e.value.reset_at == datetime.datetime(2030, 1, 1, tzinfo=datetime.timezone.utc)
    assert isinstance(e.value, rapport.ApiError)


def test_401_is_auth_error_without_the_token(base_url: str) -> None:
    bad = "wrong-token-ZZZ"
    c = client(base_url, token=bad)
    with pytest.raises(rapport.AuthError) as e:
        c.search_recent("Tweepy")
    assert e.value.status == 401
    assert bad not in str(e.value) and bad not in repr(c)
    assert TOKEN not in repr(client(base_url))


def test_404_is_not_found(base_url: str) -> None:
    with pytest.raises(rapport.NotFoundError):
        client(base_url).list_posts("84839422")


def test_bad_parameter_fails_before_sending(base_url: str) -> None:
    Api.requests.clear()
    with pytest.raises(rapport.ConfigError, match="max_results"):
        client(base_url).search_recent("Tweepy", max_results=5)  # recent search takes 10..=100
    assert Api.requests == []


def test_async_client(base_url: str) -> None:
    c = rapport.AsyncXClient(bearer_token=TOKEN, base_url=base_url, wait_on_rate_limit=False, retries=False)

    async def main() -> tuple[rapport.Corpus, rapport.Corpus]:
        return await asyncio.gather(c.user_timeline("2244994945"), c.mentions("2244994945"))

    timeline, mentions = asyncio.run(main())
    assert_posts(timeline, "twarc2_user_timeline_page_with_errors.json")
    assert_posts(mentions, "tweet_lookup_reply_with_includes.json")

    async def fails() -> None:
        await c.user_timeline("429")

    with pytest.raises(rapport.RateLimitError):
        asyncio.run(fails())


def test_blocking_fetch_releases_the_gil(base_url: str) -> None:
    # Four blocking fetches from four threads over one client and one global runtime all finish with
    # the same corpus (a fetch holding the GIL while blocking on the runtime would deadlock here).
    c = client(base_url)
    results: list[set[str]] = []
    threads = [
        threading.Thread(target=lambda: results.append(set(c.user_timeline("2244994945").posts()["id"])))
        for _ in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4 and all(r == results[0] for r in results)
    assert ids("twarc2_user_timeline_page_with_errors.json") <= results[0]
