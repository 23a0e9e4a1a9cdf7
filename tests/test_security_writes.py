"""Writes are closed by default; with a token, /update and /store need it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kgraph.store.embedded import EmbeddedStore
from kgraph.web.app import create_app
from tests.conftest import make_settings

TOKEN = "correct-horse-battery-staple"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
UPDATE = {"Content-Type": "application/sparql-update"}
INSERT = "INSERT DATA { <http://example.org/new> <http://example.org/p> 'x' }"
TTL_BODY = {"content": "<a> <b> <c> .", "headers": {"Content-Type": "text/turtle"}}
ASK_NEW = "ASK { <http://example.org/new> <http://example.org/p> 'x' }"


def ask(client: TestClient, query: str) -> bool:
    r = client.get("/sparql", params={"query": query}, headers={"Accept": "application/json"})
    assert r.status_code == 200, r.text
    return bool(r.json()["boolean"])


@pytest.fixture
def closed(tmp_path: Path, small_store: EmbeddedStore) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(tmp_path, query_workers=0), small_store)) as c:
        yield c


@pytest.fixture
def open_(tmp_path: Path, small_store: EmbeddedStore) -> Iterator[TestClient]:
    settings = make_settings(tmp_path, query_workers=0, write_token=TOKEN)
    with TestClient(create_app(settings, small_store)) as c:
        yield c


@pytest.mark.parametrize(
    ("method", "url", "kwargs"),
    [
        ("POST", "/update", {"content": INSERT, "headers": UPDATE}),
        ("POST", "/update", {"data": {"update": INSERT}}),
        ("PUT", "/store?default", TTL_BODY),
        ("POST", "/store?graph=http://example.org/g9", TTL_BODY),
        ("DELETE", "/store?graph=http://example.org/g1", {}),
    ],
)  # fmt: skip
def test_writes_are_disabled_by_default(
    closed: TestClient, method: str, url: str, kwargs: dict[str, object]
) -> None:
    r = closed.request(method, url, **kwargs)  # type: ignore[arg-type]
    assert r.status_code == 403
    assert "writes are disabled" in r.text
    r = closed.request(method, url, **{**kwargs, "headers": {**kwargs.get("headers", {}), **AUTH}})  # type: ignore[arg-type, dict-item]
    assert r.status_code == 403
    assert not ask(closed, ASK_NEW)
    assert ask(closed, "ASK { GRAPH <http://example.org/g1> { ?s ?p ?o } }")


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Basic dXNlcjpwYXNz"}, 401),
        ({"Authorization": "Bearer "}, 401),
        ({"Authorization": "Bearer wrong-token"}, 403),
        ({"Authorization": f"Bearer {TOKEN}x"}, 403),
    ],
)
def test_writes_need_the_right_bearer_token(
    open_: TestClient, headers: dict[str, str], status: int
) -> None:
    r = open_.post("/update", content=INSERT, headers={**UPDATE, **headers})
    assert r.status_code == status, r.text
    if status == 401:
        assert r.headers["www-authenticate"].startswith("Bearer")
    assert r.text.strip()
    assert not ask(open_, ASK_NEW)


def test_update_with_the_token_makes_a_new_version(open_: TestClient) -> None:
    before = open_.get("/readyz").json()
    r = open_.post("/update", content=INSERT, headers={**UPDATE, **AUTH})
    assert r.status_code == 200, r.text
    assert r.json()["triples"] == before["triples"] + 1
    assert r.json()["version"] != before["version"]
    assert ask(open_, ASK_NEW)
    delete = "DELETE DATA { <http://example.org/new> <http://example.org/p> 'x' }"
    r = open_.post("/update", data={"update": delete}, headers=AUTH)
    assert r.status_code == 200 and not ask(open_, ASK_NEW)


def test_bad_updates_are_400(open_: TestClient) -> None:
    r = open_.post("/update", content="INSERT DATA { oops", headers={**UPDATE, **AUTH})
    assert r.status_code == 400 and "syntax" in r.text.lower()
    r = open_.post("/update", content=INSERT, headers={"Content-Type": "text/plain", **AUTH})
    assert r.status_code == 415
    r = open_.get("/update")
    assert r.status_code == 405 and r.headers["allow"] == "POST"


def test_graph_store_put_get_post_delete(open_: TestClient) -> None:
    g = "/store?graph=http://example.org/g7"
    ttl = {"Content-Type": "text/turtle", **AUTH}
    assert open_.get(g).status_code == 404
    assert (
        open_.put(g, content="<http://e/a> <http://e/b> <http://e/c> .", headers=ttl).status_code
        == 200
    )
    assert (
        open_.post(g, content="<http://e/a> <http://e/b> <http://e/d> .", headers=ttl).status_code
        == 200
    )
    r = open_.get(g, headers={"Accept": "application/n-triples"})
    assert r.status_code == 200 and len(r.text.strip().splitlines()) == 2
    assert (
        open_.put(g, content="<http://e/x> <http://e/y> <http://e/z> .", headers=ttl).status_code
        == 200
    )
    assert "<http://e/x>" in open_.get(g, headers={"Accept": "application/n-triples"}).text
    r = open_.put(g, content="<http://e/x> <http://e/y> .", headers=ttl)
    assert r.status_code == 400 and "request body" in r.text
    r = open_.put(g, content="{}", headers={"Content-Type": "application/ld+json", **AUTH})
    assert r.status_code == 415
    assert open_.delete(g, headers=AUTH).status_code == 200
    assert open_.get(g).status_code == 404
    assert open_.get("/store").status_code == 400  # neither ?graph nor ?default


def test_query_endpoint_never_runs_updates(open_: TestClient) -> None:
    r = open_.post(
        "/sparql", content=INSERT, headers={"Content-Type": "application/sparql-update", **AUTH}
    )
    assert r.status_code == 400
    r = open_.get("/sparql", params={"query": INSERT}, headers=AUTH)
    assert r.status_code == 400
    r = open_.post("/sparql", data={"update": INSERT}, headers=AUTH)
    assert r.status_code == 400
    assert not ask(open_, ASK_NEW)
