"""Replayed GET /sparql answers: byte-identical to the full stack's, never stale, never
for requests whose answer depends on more than the URL, Accept and data version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kgraph.store.embedded import EmbeddedStore
from kgraph.web.app import create_app
from kgraph.web.replay import Kept, ReplayKey

from .conftest import BASE, VALUE_QUERY, load_value, make_settings

QUERY = VALUE_QUERY
JSON = "application/sparql-results+json"


@pytest.fixture()
def counted_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """(app, store, calls): calls lists the queries the executor really ran."""
    store = EmbeddedStore(tmp_path / "store", writable=True)
    load_value(store, tmp_path, "first")
    app = create_app(make_settings(tmp_path, query_workers=0), store)
    calls: list[str] = []
    executor = app.state.executor
    real = executor.answer

    async def counted(req: Any, caller: Any = None) -> Any:
        calls.append(req.query)
        return await real(req, caller)

    monkeypatch.setattr(executor, "answer", counted)
    return app, store, calls


@pytest.fixture()
def served(counted_app: Any) -> Any:
    """(client, store, calls, app) with the app running."""
    app, store, calls = counted_app
    with TestClient(app) as client:
        yield client, store, calls, app


def _replays(app: Any) -> int:
    return sum(isinstance(v, Kept) for v, _ in app.state.result_cache._entries.values())


def test_a_repeat_is_replayed_byte_for_byte_with_its_own_request_id(served: Any) -> None:
    client, _, calls, _ = served
    one = client.get("/sparql", params={"query": QUERY}, headers={"Accept": JSON})
    two = client.get(
        "/sparql", params={"query": QUERY}, headers={"Accept": JSON, "X-Request-ID": "abc-1"}
    )
    assert one.status_code == two.status_code == 200
    assert calls == [QUERY]  # the second never reached the executor
    assert one.content == two.content and '"first"' in two.text
    assert two.headers["x-request-id"] == "abc-1" != one.headers["x-request-id"]
    same = {k: v for k, v in one.headers.items() if k != "x-request-id"}
    assert {k: v for k, v in two.headers.items() if k != "x-request-id"} == same
    assert "Accept" in two.headers["vary"] and two.headers["x-content-type-options"] == "nosniff"
    metrics = client.get("/metrics").text
    assert 'kgraph_http_requests_total{method="GET",route="/sparql",status="200"} 2.0' in metrics


def test_another_accept_or_a_new_version_is_answered_afresh(served: Any, tmp_path: Path) -> None:
    client, store, calls, _ = served
    client.get("/sparql", params={"query": QUERY}, headers={"Accept": JSON})
    csv = client.get("/sparql", params={"query": QUERY}, headers={"Accept": "text/csv"})
    assert csv.text.splitlines() == ["o", "first"] and len(calls) == 2
    load_value(store, tmp_path, "second")
    fresh = client.get("/sparql", params={"query": QUERY}, headers={"Accept": JSON})
    assert '"second"' in fresh.text and "first" not in fresh.text and len(calls) == 3


def test_origin_answers_carry_cors_whether_replayed_or_not(served: Any) -> None:
    client, _, calls, app = served
    for _ in range(2):
        cors = client.get(
            "/sparql",
            params={"query": QUERY},
            headers={"Accept": JSON, "Origin": "https://example.com"},
        )
        assert cors.headers["access-control-allow-origin"] == "*" and '"first"' in cors.text
    plain = client.get("/sparql", params={"query": QUERY}, headers={"Accept": JSON})
    assert "access-control-allow-origin" not in plain.headers  # CORS is added outside
    assert calls == [QUERY] and _replays(app) == 1  # one answer, kept without CORS headers


def test_a_repeated_post_query_is_replayed_for_the_same_body_only(served: Any) -> None:
    client, _, calls, app = served
    form = [client.post("/sparql", data={"query": QUERY}, headers={"Accept": JSON}) for _ in "ab"]
    direct = [
        client.post(
            "/sparql",
            content=QUERY.encode(),
            headers={"Accept": JSON, "Content-Type": "application/sparql-query"},
        )
        for _ in "ab"
    ]
    assert [r.status_code for r in form + direct] == [200] * 4
    assert form[0].content == form[1].content == direct[0].content == direct[1].content
    assert calls == [QUERY, QUERY]  # the form and the direct POST: one run each
    other = client.post("/sparql", data={"query": QUERY + " LIMIT 1"}, headers={"Accept": JSON})
    assert other.status_code == 200 and len(calls) == 3 and _replays(app) == 3


def test_errors_and_html_are_not_replayed(served: Any) -> None:
    client, _, calls, app = served
    for _ in range(2):
        bad = client.get("/sparql", params={"query": "SELEC nothing"})
        assert bad.status_code == 400
        html = client.get("/sparql", params={"query": QUERY}, headers={"Accept": "text/html"})
        assert html.headers["content-type"].startswith("text/html")
        assert "content-security-policy" in html.headers
    assert _replays(app) == 0
    assert calls.count("SELEC nothing") == 2 and calls.count(QUERY) == 2


def test_the_rate_limit_still_applies_to_replays(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store", writable=True)
    load_value(store, tmp_path, "x")
    settings = make_settings(tmp_path, query_workers=0, rate_limit_per_minute=3)
    with TestClient(create_app(settings, store)) as client:
        codes = [
            client.get("/sparql", params={"query": QUERY}, headers={"Accept": JSON}).status_code
            for _ in range(5)
        ]
    assert codes == [200, 200, 200, 429, 429]


def test_the_url_limit_still_applies_to_replays(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store", writable=True)
    load_value(store, tmp_path, "x")
    long_query = QUERY + " #" + "x" * 400
    settings = make_settings(tmp_path, query_workers=0, max_url_chars=300)
    with TestClient(create_app(settings, store)) as client:
        for _ in range(2):
            answer = client.get("/sparql", params={"query": long_query})
            assert answer.status_code == 414


def _load_page(store: EmbeddedStore, tmp: Path, label: str) -> None:
    ttl = tmp / f"page-{label}.ttl"
    ttl.write_text(
        f'<{BASE}id/thing/x> <http://www.w3.org/2000/01/rdf-schema#label> "{label}"@sv .',
        encoding="utf-8",
    )
    store.replace([ttl], base_iri=BASE)


def test_resource_pages_are_replayed_per_language_and_never_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kgraph.web.routes import pages

    store = EmbeddedStore(tmp_path / "store", writable=True)
    _load_page(store, tmp_path, "första")
    app = create_app(make_settings(tmp_path, query_workers=0), store)
    described: list[str] = []
    real = pages.describe.describe_resource

    def counted(*args: Any, **kw: Any) -> Any:
        described.append(args[1])
        return real(*args, **kw)

    monkeypatch.setattr(pages.describe, "describe_resource", counted)
    with TestClient(app) as client:
        sv = [client.get("/id/thing/x", headers={"Accept": "text/html"}) for _ in range(3)]
        assert [r.status_code for r in sv] == [200, 200, 200] and len(described) == 1
        assert sv[0].content == sv[2].content and "första" in sv[2].text
        assert sv[2].headers["content-security-policy"] and sv[2].headers["etag"]
        en = client.get("/id/thing/x", headers={"Accept": "text/html", "Accept-Language": "en"})
        assert en.headers["content-language"] == "en" and len(described) == 2
        etag = sv[0].headers["etag"]
        cond = client.get("/id/thing/x", headers={"Accept": "text/html", "If-None-Match": etag})
        assert cond.status_code == 304  # conditions go to the route, which answers 304
        _load_page(store, tmp_path, "andra")
        fresh = client.get("/id/thing/x", headers={"Accept": "text/html"})
        assert "andra" in fresh.text and "första" not in fresh.text
        assert fresh.headers["etag"] != etag
        for _ in range(2):  # the record's own IRIs change when dumps are written: not kept
            record = client.get("/id/dataset/kvinnofrid", headers={"Accept": "text/turtle"})
            assert record.status_code == 200
        kept = [v for v, _ in app.state.result_cache._entries.values() if isinstance(v, Kept)]
        assert all(b"kvinnofrid" not in v.body for v in kept)


def test_a_store_that_tells_its_version_only_by_a_query_is_replayed_too(
    served: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    client, store, calls, app = served
    monkeypatch.setattr(store, "version_now", lambda: None)  # as a remote store answers
    for _ in range(3):
        r = client.get("/sparql", params={"query": QUERY}, headers={"Accept": JSON})
        assert r.status_code == 200 and '"first"' in r.text
        page = client.get("/", headers={"Accept": "text/html"})
        assert page.status_code == 200
    assert calls.count(QUERY) == 1 and _replays(app) == 2  # the query and the home page
    load_value(store, tmp_path, "second")  # its info() now names another version
    fresh = client.get("/sparql", params={"query": QUERY}, headers={"Accept": JSON})
    assert '"second"' in fresh.text and calls.count(QUERY) == 2


def test_identical_requests_at_once_are_answered_once(
    counted_app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import asyncio
    from urllib.parse import urlencode

    app, _, calls = counted_app
    arrived: list[object] = []  # a replay lookup per request, made as it arrives
    cache = app.state.result_cache
    real_get, counted = cache.get, app.state.executor.answer

    def get_counted(key: Any) -> Any:
        if isinstance(key, ReplayKey):
            arrived.append(key)
        return real_get(key)

    async def held(req: Any, caller: Any = None) -> Any:  # answers once all 11 are in
        for _ in range(10_000):
            if len(arrived) >= 11:
                break
            await asyncio.sleep(0)  # let the other requests run up to their wait
        assert len(arrived) >= 11, "the other requests never arrived"
        return await counted(req, caller)

    monkeypatch.setattr(cache, "get", get_counted)
    monkeypatch.setattr(app.state.executor, "answer", held)

    async def get(query: str) -> tuple[int, bytes]:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": "/sparql",
            "raw_path": b"/sparql",
            "query_string": urlencode({"query": query}).encode(),
            "root_path": "",
            "headers": [(b"host", b"testserver"), (b"accept", JSON.encode())],
            "client": ("127.0.0.1", 1234),
            "server": ("testserver", 80),
        }
        sent: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        await app(scope, receive, send)
        body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
        return sent[0]["status"], body

    async def burst() -> list[tuple[int, bytes]]:
        same = [get(QUERY) for _ in range(8)]
        broken = [get("SELEC broken") for _ in range(3)]  # errors are never kept
        return await asyncio.gather(*same, *broken)

    answers = asyncio.run(burst())
    assert [status for status, _ in answers] == [200] * 8 + [400] * 3
    assert len({body for _, body in answers[:8]}) == 1 and b'"first"' in answers[0][1]
    assert calls.count(QUERY) == 1  # one answered, seven replayed
    assert calls.count("SELEC broken") == 3  # not kept: each answered by the route
