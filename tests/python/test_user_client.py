"""OAuth2PKCE, XUserClient and AsyncXUserClient against a local mock of X's token endpoint and write
endpoints (http.server on 127.0.0.1, in a thread). Answer bodies follow the OpenAPI document's
schemas. Never the real API."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import stat
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

import rapport

ACCESS = "ACCESS-s3cret-do-not-leak"
REFRESH = "REFRESH-s3cret-do-not-leak"
NEW_ACCESS = "NEW-ACCESS-s3cret-do-not-leak"
ME = "6253282"


class Api(BaseHTTPRequestHandler):
    requests: list[dict[str, Any]] = []
    mode: str = "ok"

    def log_message(self, *args: Any) -> None:
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

    def _record(self) -> tuple[str, bytes]:
        n = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(n) if n else b""
        path = urlparse(self.path).path
        Api.requests.append(
            {"method": self.command, "path": path, "body": body, "auth": self.headers.get("authorization")}
        )
        return path, body

    def do_POST(self) -> None:  # noqa: N802
        path, body = self._record()
        if path == "/2/oauth2/token":
            form = parse_qs(body.decode())
            if form["grant_type"] == ["refresh_token"]:
                token = NEW_ACCESS
            else:
                token = ACCESS
            self.send(
                200,
                {
                    "token_type": "bearer",
                    "expires_in": 7200,
                    "access_token": token,
                    "scope": "tweet.read tweet.write users.read follows.write offline.access",
                    "refresh_token": REFRESH,
                },
            )
        elif path == "/2/tweets":
            if Api.mode == "timeout":
                time.sleep(2)
                return
            if Api.mode == "forbidden":
                self.send(403, {"title": "Forbidden", "type": "about:blank", "status": 403,
                                "detail": "You are not permitted to perform this action."})
                return
            if Api.mode == "ratelimit":
                self.send(429, {"title": "Too Many Requests", "status": 429},
                          {"x-rate-limit-limit": "200", "x-rate-limit-remaining": "0",
                           "x-rate-limit-reset": "1893456000"})
                return
            sent = json.loads(body)
            self.send(201, {"data": {"id": "1790000000000000099", "text": sent["text"]}})
        elif path == f"/2/users/{ME}/following":
            self.send(200, {"data": {"following": True, "pending_follow": False}})
        elif path == f"/2/users/{ME}/likes":
            self.send(403, {"title": "Forbidden", "type": "about:blank", "status": 403,
                            "detail": "Missing required OAuth2 scope: like.write"})
        else:
            self.send(500, {"title": f"no mock for POST {path}"})

    def do_GET(self) -> None:  # noqa: N802
        path, _ = self._record()
        if path == "/2/users/by/username/alan_dev":
            self.send(200, {"data": {"id": "2244994945", "name": "Alan", "username": "alan_dev"}})
        elif path == "/2/users/me":
            self.send(200, {"data": {"id": ME, "name": "Acme", "username": "acme_careers"}})
        else:
            self.send(500, {"title": f"no mock for GET {path}"})


@pytest.fixture()
def api() -> Iterator[str]:
    Api.requests = []
    Api.mode = "ok"
    server = ThreadingHTTPServer(("127.0.0.1", 0), Api)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def logged_in(api: str, tmp_path: Path) -> rapport.OAuth2PKCE:
    auth = rapport.OAuth2PKCE(
        client_id="my-client-id",
        redirect_uri="http://127.0.0.1:8765/callback",
        token_path=tmp_path / "x.json",
        token_url=f"{api}/2/oauth2/token",
    )
    url = auth.authorize_url()
    state = parse_qs(urlparse(url).query)["state"][0]
    auth.exchange(f"http://127.0.0.1:8765/callback?state={state}&code=code-from-x")
    return auth


def no_secret(text: str) -> None:
    for s in (ACCESS, REFRESH, NEW_ACCESS, "code-from-x"):
        assert s not in text, text


def test_pkce_exchange_saves_a_private_token_file(api: str, tmp_path: Path) -> None:
    auth = rapport.OAuth2PKCE(
        client_id="my-client-id",
        redirect_uri="http://127.0.0.1:8765/callback",
        token_path=tmp_path / "x.json",
        token_url=f"{api}/2/oauth2/token",
    )
    url = auth.authorize_url()
    q = parse_qs(urlparse(url).query)
    status = auth.exchange(f"http://127.0.0.1:8765/callback?state={q['state'][0]}&code=code-from-x")
    form = parse_qs(Api.requests[0]["body"].decode())
    verifier = form["code_verifier"][0]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert challenge == q["code_challenge"][0]
    assert form["code"] == ["code-from-x"] and form["grant_type"] == ["authorization_code"]
    assert status["scopes"] == ["tweet.read", "tweet.write", "users.read", "follows.write", "offline.access"]
    assert status["has_refresh_token"] is True
    assert status["expires_at"].tzinfo is not None
    mode = stat.S_IMODE(os.stat(tmp_path / "x.json").st_mode)
    assert mode == 0o600
    no_secret(repr(auth) + repr(status))
    # The same file logs the next session in; one that others can read is refused.
    again = rapport.OAuth2PKCE(client_id="my-client-id", redirect_uri="http://127.0.0.1:8765/callback",
                               token_path=tmp_path / "x.json")
    assert "logged_in=True" in repr(again)
    os.chmod(tmp_path / "x.json", 0o644)
    with pytest.raises(rapport.ConfigError, match="chmod 600"):
        rapport.OAuth2PKCE(client_id="c", redirect_uri="http://127.0.0.1:8765/cb", token_path=tmp_path / "x.json")


def test_refresh_rotates_the_tokens(api: str, tmp_path: Path) -> None:
    auth = logged_in(api, tmp_path)
    status = auth.refresh()
    assert parse_qs(Api.requests[-1]["body"].decode())["grant_type"] == ["refresh_token"]
    assert status["has_refresh_token"]
    assert json.loads((tmp_path / "x.json").read_text())["access_token"] == NEW_ACCESS
    # The client built from the login uses the refreshed token.
    client = rapport.XUserClient(auth, base_url=api, user_id=ME)
    client.reply("1790000000000000000", "Hello")
    assert Api.requests[-1]["auth"] == f"Bearer {NEW_ACCESS}"


def test_reply_and_follow(api: str, tmp_path: Path) -> None:
    client = rapport.XUserClient(logged_in(api, tmp_path), base_url=api)
    r = client.reply("1790000000000000000", "Thanks Alan!")
    assert r["post_id"] == "1790000000000000099"
    assert json.loads(Api.requests[-1]["body"]) == {
        "text": "Thanks Alan!",
        "reply": {"in_reply_to_tweet_id": "1790000000000000000"},
    }
    r = client.follow("@alan_dev")
    assert r["data"] == {"following": True, "pending_follow": False}
    assert json.loads(Api.requests[-1]["body"]) == {"target_user_id": "2244994945"}
    assert client.me() == {"id": ME, "username": "acme_careers"}


def test_errors_are_typed(api: str, tmp_path: Path) -> None:
    client = rapport.XUserClient(logged_in(api, tmp_path), base_url=api, user_id=ME, timeout=0.5)
    # The login did not grant like.write: refused before sending.
    before = len(Api.requests)
    with pytest.raises(rapport.MissingScopeError) as e:
        client.like("1790000000000000000")
    assert e.value.scope == "like.write"
    assert "follows.write" in e.value.granted
    assert isinstance(e.value, rapport.AuthError)
    assert len(Api.requests) == before
    # A token of unknown scopes: the 403 names the scope.
    bare = rapport.XUserClient(access_token=ACCESS, base_url=api, user_id=ME)
    with pytest.raises(rapport.MissingScopeError, match="like.write"):
        bare.like("1790000000000000000")

    Api.mode = "forbidden"
    with pytest.raises(rapport.NotPermittedError, match="not permitted") as np:
        client.reply("1790000000000000000", "Hi")
    assert np.value.status == 403

    Api.mode = "ratelimit"
    with pytest.raises(rapport.RateLimitError) as rl:
        client.reply("1790000000000000000", "Hi")
    assert rl.value.reset_at is not None and rl.value.reset_at.year == 2030

    Api.mode = "timeout"
    before = len(Api.requests)
    with pytest.raises(rapport.UnknownOutcomeError) as uo:
        client.reply("1790000000000000000", "Sent once only")
    assert uo.value.text == "Sent once only"
    assert "NOT sent again" in str(uo.value)
    assert len(Api.requests) == before + 1
    no_secret(str(uo.value) + str(rl.value) + str(np.value) + str(e.value))


def test_async_twin(api: str, tmp_path: Path) -> None:
    client = rapport.AsyncXUserClient(logged_in(api, tmp_path), base_url=api, user_id=ME)

    async def main() -> tuple[dict[str, Any], dict[str, Any]]:
        a = await client.reply("1790000000000000000", "Async hello")
        b = await client.follow("2244994945")
        return a, b

    a, b = asyncio.run(main())
    assert a["post_id"] == "1790000000000000099"
    assert b["data"]["following"] is True


def test_dry_run_sends_nothing(api: str) -> None:
    client = rapport.XUserClient(access_token=ACCESS, base_url=api, user_id=ME, dry_run=True)
    r = client.reply("1790000000000000000", "Draft")
    assert r["dry_run"] is True and r["data"] is None
    assert r["url"] == f"{api}/2/tweets"
    assert Api.requests == []
    no_secret(repr(client) + repr(r))


def test_bad_arguments() -> None:
    with pytest.raises(rapport.ConfigError, match="client id"):
        rapport.OAuth2PKCE(client_id="", redirect_uri="http://127.0.0.1:8765/cb")
    client = rapport.XUserClient(access_token="t", user_id=ME, dry_run=True)
    with pytest.raises(rapport.ConfigError, match="post id"):
        client.reply("not-an-id", "x")
    with pytest.raises(rapport.ConfigError, match="not logged in"):
        rapport.XUserClient(rapport.OAuth2PKCE(client_id="c", redirect_uri="http://127.0.0.1:8765/cb"))
