"""A real socket: `kgraph serve` under uvicorn, queried with httpx and with SPARQLWrapper."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

from kgraph.settings import Settings
from kgraph.store.embedded import EmbeddedStore

from .servers import KgraphServer

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("server")]


@pytest.fixture(scope="module")
def server(repo_settings: Settings, repo_store: EmbeddedStore) -> Iterator[KgraphServer]:
    srv = KgraphServer(repo_settings.paths.store_path)
    try:
        srv.wait_ready()
        yield srv
    finally:
        srv.stop()


def test_curl_like_get(server: KgraphServer) -> None:
    query = (
        "SELECT (COUNT(?c) AS ?n) WHERE { ?c a <https://schema.org/AdministrativeArea> ; "
        "<http://www.w3.org/2004/02/skos/core#notation> ?code FILTER(STRLEN(?code) = 2) }"
    )
    resp = httpx.get(
        server.url + "/sparql",
        params={"query": query},
        headers={"accept": "application/sparql-results+json"},
    )
    assert resp.status_code == 200
    assert resp.json()["results"]["bindings"][0]["n"]["value"] == "21"


def test_sparqlwrapper_select_get_and_post(server: KgraphServer) -> None:
    for method in ("GET", "POST"):
        sw = SPARQLWrapper(server.url + "/sparql")
        sw.setMethod(method)
        sw.setReturnFormat(JSON)
        sw.setQuery("""
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
            SELECT ?label WHERE { ?c skos:notation "08" ; rdfs:label ?label FILTER(lang(?label) = "sv") }
        """)
        result = sw.queryAndConvert()
        assert isinstance(result, dict)
        labels = [b["label"]["value"] for b in result["results"]["bindings"]]
        assert labels == ["Kalmar län"], method


def test_sparqlwrapper_construct(server: KgraphServer) -> None:
    sw = SPARQLWrapper(server.url + "/sparql")
    sw.setReturnFormat(TURTLE)
    sw.setQuery("""
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        CONSTRUCT { ?c skos:notation ?n } WHERE { ?c skos:notation ?n FILTER(STRLEN(?n) = 2) }
    """)
    graph = sw.queryAndConvert()
    import rdflib

    parsed = rdflib.Graph().parse(data=graph, format="turtle")
    assert len(parsed) == 21


def test_sparqlwrapper_sees_syntax_errors(server: KgraphServer) -> None:
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

    sw = SPARQLWrapper(server.url + "/sparql")
    sw.setQuery("SELECT * WHERE { ?s ?p }")
    with pytest.raises(QueryBadFormed):
        sw.query()


def test_several_http_workers(repo_settings: Settings, repo_store: EmbeddedStore) -> None:
    """`kgraph serve --workers 2`: each worker builds the app from the same settings."""
    srv = KgraphServer(
        repo_settings.paths.store_path, args=["--workers", "2"], env={"KGRAPH_MAX_RESULT_ROWS": "3"}
    )
    try:
        srv.wait_ready()
        for _ in range(6):  # requests spread over both workers
            resp = httpx.get(
                srv.url + "/sparql",
                params={"query": "SELECT * { ?s ?p ?o }"},
                headers={"accept": "text/csv"},
            )
            assert resp.status_code == 200
            assert resp.headers["x-kgraph-result-truncated"] == "rows=3"
        assert httpx.get(srv.url + "/id/board/kalmar.ttl").status_code == 200
    finally:
        srv.stop()
