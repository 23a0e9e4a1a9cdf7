"""The one cache (behind the replay layer): hits on repeats, never serves an older version."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from fastapi.testclient import TestClient

from kgraph.store.embedded import EmbeddedStore
from kgraph.web.app import create_app
from kgraph.web.cache import ResultCache

from .conftest import VALUE_QUERY, load_value, make_settings

QUERY = VALUE_QUERY
JSON = "application/sparql-results+json"


def test_repeats_hit_and_a_new_version_is_never_served_stale(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store", writable=True)
    load_value(store, tmp_path, "first")
    app = create_app(make_settings(tmp_path), store)
    cache: ResultCache = app.state.result_cache
    with TestClient(app) as client:
        one = client.get("/sparql", params={"query": QUERY}, headers={"Accept": JSON})
        two = client.get("/sparql", params={"query": QUERY}, headers={"Accept": JSON})
        assert one.status_code == two.status_code == 200
        assert one.content == two.content and "first" in one.text
        assert two.headers["content-type"] == one.headers["content-type"]
        assert cache.hits == 1  # the second: replayed before the route
        csv = client.get("/sparql", params={"query": QUERY}, headers={"Accept": "text/csv"})
        assert csv.text.splitlines() == ["o", "first"]  # another format: another entry
        load_value(store, tmp_path, "second")
        three = client.get("/sparql", params={"query": QUERY}, headers={"Accept": JSON})
        assert "second" in three.text and "first" not in three.text


def test_errors_are_not_cached(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store", writable=True)
    load_value(store, tmp_path, "x")
    app = create_app(make_settings(tmp_path), store)
    with TestClient(app) as client:
        for _ in range(2):
            bad = client.get("/sparql", params={"query": "SELEC nothing"})
            assert bad.status_code == 400
    assert len(app.state.result_cache) == 0


class Key(NamedTuple):
    version: str
    text: str


class Body(NamedTuple):
    body: bytes


def test_bounded_in_bytes_least_recently_used_first() -> None:
    # an entry costs its body (90), its key's fields (3) and ResultCache.ENTRY_OVERHEAD (200):
    # three fit in 1,000 bytes, a fourth does not
    cache = ResultCache(max_bytes=1000, max_entry_bytes=500)
    keys = [Key("v", f"q{i}") for i in range(4)]
    for k in keys[:3]:
        assert cache.put(k, Body(b"x" * 90))
    assert cache.get(keys[0]) is not None  # now the most recently used
    cache.put(keys[3], Body(b"x" * 90))
    assert cache.get(keys[1]) is None and cache.get(keys[0]) is not None
    assert not cache.put(keys[0], Body(b"x" * 1000))  # too big
    assert not ResultCache(max_bytes=0).put(keys[0], Body(b""))


def test_a_new_version_drops_every_older_entry() -> None:
    cache = ResultCache(max_bytes=10_000, max_entry_bytes=1000)
    cache.put(Key("v1", "a"), Body(b"1"))
    cache.put(Key("v1", "b"), Body(b"2"))
    cache.put(Key("v2", "a"), Body(b"3"))
    assert len(cache) == 1 and cache.get(Key("v1", "b")) is None
