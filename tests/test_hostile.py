"""Hostile requests: no outbound call, no crash, no 5xx for a client's mistake.

A loopback listener stands in for every server an attacker would like kgraph to
call (SSRF); it must never be called, whether through SERVICE in a query, LOAD
in an update or a worker reached past the text guard.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kgraph.errors import BadRequest, StoreError
from kgraph.query.guard import Guard, check
from kgraph.query.pool import Caller, PoolPolicy, WorkerPool
from kgraph.query.protocol import QueryRequest, choose_formats
from kgraph.store.embedded import EmbeddedStore
from kgraph.web.app import create_app

from .conftest import make_settings

JSON = {"Accept": "application/sparql-results+json"}
TOKEN = "t0ken"


class Listener:
    """A TCP listener on loopback that counts the connections it gets."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.calls = 0
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def _serve(self) -> None:
        self.sock.settimeout(0.1)
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.calls += 1
            conn.close()

    def close(self) -> None:
        self._stop = True
        self._thread.join(2)
        self.sock.close()


@pytest.fixture()
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


@pytest.fixture()
def hostile(tmp_path: Path, small_store: EmbeddedStore) -> Iterator[TestClient]:
    # generous size limits, so that only the depth and operator limits can refuse
    settings = make_settings(
        tmp_path,
        write_token=TOKEN,
        query_timeout_s=10,
        max_query_chars=300_000,
        max_body_bytes=2**21,
    )
    with TestClient(create_app(settings, small_store)) as c:
        yield c


def ssrf_queries(url: str) -> list[str]:
    host = url.rsplit("/", 1)[0] + "/"
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service <{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX e: <{host}> SELECT * WHERE {{ SERVICE e:sparql {{ ?s ?p ?o }} }}",
        f"BASE <{host}> SELECT * WHERE {{ SERVICE <sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVIC\\u0045 <{url}> {{ ?s ?p ?o }} }}",
        "SELECT * WHERE { SERVICE ?where { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } }",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    ]


def test_service_is_refused_with_400_and_nothing_is_called(
    hostile: TestClient, listener: Listener
) -> None:
    queries = ssrf_queries(listener.url)
    assert len(queries) == 9
    for query in queries:
        for r in (
            hostile.get("/sparql", params={"query": query}, headers=JSON),
            hostile.post("/sparql", data={"query": query}, headers=JSON),
        ):
            assert r.status_code == 400, (query, r.text)
            assert "SERVICE" in r.text and "not allowed" in r.text
    assert listener.calls == 0


def test_load_and_service_in_updates_are_refused_and_nothing_is_called(
    hostile: TestClient, listener: Listener
) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"}
    updates = [
        f"LOAD <{listener.url}>",
        f"LOAD SILENT <{listener.url}> INTO GRAPH <http://example.org/g>",
        f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}",
    ]
    for update in updates:
        r = hostile.post("/update", content=update.encode(), headers=auth)
        assert r.status_code == 400, (update, r.text)
    assert listener.calls == 0


def test_an_allowed_endpoint_is_the_only_one_that_passes_the_guard() -> None:
    guard = Guard(allowed=("https://query.wikidata.org/",))
    check("SELECT * { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }", guard)
    with pytest.raises(BadRequest):
        check("SELECT * { SERVICE <https://query.wikidata.org.evil.example/> { ?s ?p ?o } }", guard)


def test_a_worker_past_the_guard_still_cannot_reach_the_network(
    small_store: EmbeddedStore, listener: Listener
) -> None:
    """The guard runs in the web layer; a worker given SERVICE directly has no network."""
    request = QueryRequest(
        f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}",
        formats=choose_formats(None, JSON["Accept"], False),
    )

    async def run() -> None:
        pool = WorkerPool(small_store.root, PoolPolicy(max_workers=2, short_lane=1, timeout_s=20))
        await pool.start()
        try:
            with pytest.raises(StoreError):
                await pool.run(request, Caller("attacker"))
        finally:
            await pool.close()

    asyncio.run(run())
    assert listener.calls == 0


# Each of these crashed the engine (pyoxigraph 0.5.13 overflows its stack) at the size given.
DEEP = {
    "groups": "SELECT * WHERE " + "{" * 10_000 + "}" * 10_000,
    "parentheses": "SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }",
    "negations": "SELECT * WHERE { FILTER(" + "!" * 10_000 + "true) }",
    "sum": "SELECT * WHERE { FILTER(" + "+".join(["1"] * 10_000) + ") }",
    "path": "SELECT * WHERE { ?s " + "(" * 30_000 + "<http://x/p>" + ")" * 30_000 + " ?o }",
    "union": "SELECT * WHERE { " + " UNION ".join(["{?s ?p ?o}"] * 7_000) + " }",
    "exists": "SELECT * WHERE { FILTER(" + "EXISTS { FILTER(" * 800 + "true" + ")}" * 800 + ") }",
    "escaped": "SELECT * WHERE " + "\\u007B" * 3_000 + "}" * 3_000,
}


@pytest.mark.parametrize("name", sorted(DEEP))
def test_queries_nested_past_the_limit_are_400_and_the_workers_live(
    hostile: TestClient, name: str
) -> None:
    executor = hostile.app.state.executor  # type: ignore[attr-defined]
    before = set(executor.pids())
    r = hostile.post(
        "/sparql",
        content=DEEP[name].encode(),
        headers={**JSON, "Content-Type": "application/sparql-query"},
    )
    assert r.status_code == 400, r.text[:200]
    assert "limit" in r.text and "setting max_query_" in r.text
    assert before <= set(executor.pids())  # no worker died
    ok = hostile.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers=JSON)
    assert ok.json()["boolean"] is True


def test_a_deep_update_is_400_and_the_server_lives(hostile: TestClient) -> None:
    update = "INSERT { <http://x/a> <http://x/b> 1 } WHERE " + "{" * 10_000 + "}" * 10_000
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/sparql-update"}
    r = hostile.post("/update", content=update.encode(), headers=auth)
    assert r.status_code == 400 and "max_query_depth" in r.text
    assert hostile.get("/healthz").status_code == 200


@pytest.mark.parametrize(
    ("method", "target", "body"),
    [
        ("GET", "/sparql?query=ASK%20%7B%7D%FF%FE", b""),
        ("GET", "/search?q=%C3%28", b""),
        ("GET", "/id/%FF", b""),
        ("POST", "/sparql", b"query=ASK%20%7B%7D%FF"),
    ],
)
def test_invalid_utf8_in_any_part_is_400(
    hostile: TestClient, method: str, target: str, body: bytes
) -> None:
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
    r = hostile.request(method, target, content=body, headers=headers)
    assert r.status_code == 400, r.text
    assert "UTF-8" in r.text


def _input_files(tmp: Path, url: str) -> dict[str, Path]:
    files = {
        "context.jsonld": json_ld(url),
        "import.jsonld": (
            '{"@context": {"@import": "' + url + '", "ex": "http://example.org/"}, '
            '"@id": "http://example.org/a", "ex:p": "x"}'
        ),
        "bomb.rdf": (
            '<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY a "'
            + "a" * 100
            + '">'
            + "".join(
                f'<!ENTITY e{i} "{("&e" + str(i - 1) + ";") * 10 if i else "&a;" * 10}">'
                for i in range(7)
            )
            + ']><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns:ex="http://example.org/"><rdf:Description rdf:about="http://example.org/a">'
            "<ex:p>&e6;</ex:p></rdf:Description></rdf:RDF>"
        ),
        "external.rdf": (
            f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "{url}">]>'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">&x;</rdf:RDF>'
        ),
    }
    out = {}
    for name, text in files.items():
        (tmp / name).write_text(text, encoding="utf-8")
        out[name] = tmp / name
    return out


def json_ld(url: str) -> str:
    return '{"@context": "' + url + '", "@id": "http://example.org/a", "p": "x"}'


@pytest.mark.parametrize("reference", [True, False], ids=["pyshacl", "fast"])
def test_validate_and_build_never_fetch_or_expand_what_a_file_asks(
    tmp_path: Path, listener: Listener, reference: bool
) -> None:
    from kgraph.build.loader import build, validate_paths
    from kgraph.errors import InputError

    settings = make_settings(tmp_path, reference_validation=reference)
    files = _input_files(tmp_path, listener.url)
    for name, path in files.items():
        with pytest.raises(InputError) as refused:
            validate_paths(settings, [path])
        assert name in str(refused.value)
        store = EmbeddedStore(settings.paths.store_path, writable=True)
        with pytest.raises(InputError):
            build(settings, store, [path])
    assert listener.calls == 0
    assert not (tmp_path / "store" / "current").exists()  # nothing was published
