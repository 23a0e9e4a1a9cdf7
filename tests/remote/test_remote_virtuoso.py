"""Publishing to and serving from a private Virtuoso Open Source instance (digest auth)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kgraph.build.publish import publish, remote_settings
from kgraph.cli import main
from kgraph.settings import Settings
from kgraph.store.remote import RemoteStore
from kgraph.web.app import create_app

from .servers import FIXTURE, Server, synthetic
from .servers import remote_settings as app_settings

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("remote")]


def writer_settings(tmp: Path, server: Server, *, gsp: bool = True, **kw: object) -> Settings:
    """Writes through the digest-protected endpoints, as ``dba``."""
    s = app_settings(tmp, server.urls["sparql-auth"], **kw)
    return remote_settings(
        s,
        to=server.urls["sparql-auth"],
        graph_store_url=server.urls["crud-auth"] if gsp else None,
        user="dba",
        password="dba",
        auth="digest",
    )


def reader_settings(tmp: Path, server: Server, graph: str | None) -> Settings:
    """Reads anonymously from /sparql, as a public kgraph instance would."""
    return app_settings(tmp, server.urls["sparql"], remote_graph=graph)


@pytest.mark.parametrize("gsp", [True, False], ids=["graph-store", "insert-data"])
def test_publish_and_republish(virtuoso: Server, tmp_path: Path, gsp: bool) -> None:
    settings = writer_settings(tmp_path, virtuoso, gsp=gsp, remote_chunk_bytes=4000)
    first = publish(settings, [FIXTURE, synthetic(tmp_path / "a.ttl", 300, "v1")]).info
    assert first.triples == 334
    reader = RemoteStore.from_settings(reader_settings(tmp_path, virtuoso, settings.remote.graph))
    # scoped to the published graph: none of Virtuoso's own system triples
    assert reader.select("SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")[0]["n"].value == "334"
    assert (reader.info().version, reader.info().triples) == (first.version, first.triples)
    chains = reader.select(
        "PREFIX ex: <http://example.org/synth/> "
        "SELECT (COUNT(*) AS ?n) { ?i ex:part/ex:sub/ex:value ?v }"
    )
    assert chains[0]["n"].value == "50"

    second = publish(settings, [synthetic(tmp_path / "b.ttl", 60, "v2")]).info
    assert second.version != first.version
    assert reader.info().version == second.version
    assert reader.info().triples == 60
    assert not reader.ask('ASK { ?s ?p "v1" }')


def test_wrong_password_is_one_clear_line(
    virtuoso: Server, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = virtuoso.urls["sparql-auth"]
    argv = ["publish", str(FIXTURE), "--to", url, "--auth", "digest", "--user", "dba"]
    with pytest.raises(SystemExit) as exc:
        main([*argv, "--password", "not-the-password", "--graph", "urn:test:denied"])
    assert exc.value.code == 1
    err = capsys.readouterr().err.strip()
    assert err.splitlines() == [
        f"kgraph: error: remote store {url} refused the credentials "
        "(query, HTTP 401, digest auth as 'dba')"
    ]
    reader = RemoteStore.from_settings(reader_settings(tmp_path, virtuoso, "urn:test:denied"))
    assert reader.info().triples == 0


def test_app_over_virtuoso(virtuoso: Server, tmp_path: Path) -> None:
    settings = writer_settings(tmp_path, virtuoso)
    publish(settings, [FIXTURE])
    served = reader_settings(tmp_path, virtuoso, settings.remote.graph)
    with TestClient(create_app(served)) as client:
        assert client.get("/readyz").status_code == 200
        q = (
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
            "SELECT ?label WHERE { <id/board/kalmar> rdfs:label ?label } ORDER BY ?label"
        )
        r = client.get("/sparql", params={"query": q, "format": "json"})
        assert r.status_code == 200, r.text
        labels = [b["label"]["value"] for b in r.json()["results"]["bindings"]]
        # (Virtuoso orders language-tagged literals its own way)
        assert sorted(labels) == [
            "Kalmar County Administrative Board",
            "Länsstyrelsen i Kalmar län",
        ]
        r = client.get("/sparql", params={"query": q, "format": "csv"})
        assert r.text.splitlines()[1:] == labels
        r = client.get(
            "/sparql",
            params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
            headers={"Accept": "text/turtle"},
        )
        assert r.status_code == 200 and "Blekinge" in r.text
        r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
        assert r.status_code == 400
        assert "rejected the query" in r.text


@pytest.mark.parametrize("gsp", [True, False], ids=["graph-store", "insert-data"])
def test_named_graphs_answer_as_on_the_embedded_store(
    virtuoso: Server, tmp_path: Path, gsp: bool
) -> None:
    from kgraph.store.embedded import EmbeddedStore

    from .test_remote_oxigraph import GRAPH_QUERIES, SOURCES

    data = tmp_path / "sources.trig"
    data.write_text(SOURCES, encoding="utf-8")
    graph = f"urn:test:sources-{'gsp' if gsp else 'update'}"
    publish(writer_settings(tmp_path, virtuoso, gsp=gsp, remote_graph=graph), [data])
    local = EmbeddedStore(tmp_path / "local", writable=True)
    local.replace([data], base_iri="http://127.0.0.1:8000/")
    reader = RemoteStore.from_settings(reader_settings(tmp_path, virtuoso, graph))

    def answer(store: object, q: str) -> list[tuple[str, ...]]:
        rows = store.query(q).rows()  # type: ignore[attr-defined]
        return sorted(tuple(str(t.value) for t in r.values()) for r in rows)

    for q in GRAPH_QUERIES:
        assert answer(reader, q) == answer(local, q), q
    assert reader.info().triples == local.info().triples
