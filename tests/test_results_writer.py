"""The SPARQL results writer for capped results says what the engine's own writer says."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pyoxigraph as ox

from kgraph.formats import SPARQL_JSON
from kgraph.store.results import write_select

DATA = """
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:p "plain" , "Åsa \\"citat\\"\\nny rad\\t\\\\ <tag>"@sv , "42"^^xsd:integer ,
        "2021-01-01"^^xsd:date , _:b , ex:c , "emoji 🙂"@en-GB .
ex:d ex:p ex:a .
"""
QUERY = (
    "SELECT ?s ?o ?unbound { ?s <http://example.org/p> ?o OPTIONAL { ?o <http://x/> ?unbound } }"
)


def _bindings(raw: bytes) -> list[dict[str, object]]:
    parsed = json.loads(raw)
    return sorted(parsed["results"]["bindings"], key=lambda b: json.dumps(b, sort_keys=True))


def test_capped_rows_are_written_as_the_engine_writes_them() -> None:
    store = ox.Store()
    store.load(DATA.encode(), format=ox.RdfFormat.TURTLE)
    expected = io.BytesIO()
    store.query(QUERY).serialize(expected, ox.QueryResultsFormat.JSON)
    solutions = list(store.query(QUERY))
    names = ["s", "o", "unbound"]
    rows = [{n: t for n, t in zip(names, sol, strict=True) if t is not None} for sol in solutions]
    ours = io.BytesIO()
    write_select(names, rows, SPARQL_JSON, ours)
    assert json.loads(ours.getvalue())["head"] == {"vars": names}
    assert _bindings(ours.getvalue()) == _bindings(expected.getvalue())
    assert len(_bindings(ours.getvalue())) == 8


def test_many_rows_are_joined_across_batches() -> None:
    rows = [{"n": ox.Literal(str(i), datatype=ox.NamedNode(XSD_INT))} for i in range(1300)]
    out = io.BytesIO()
    write_select(["n"], rows, SPARQL_JSON, out)
    values = [int(b["n"]["value"]) for b in json.loads(out.getvalue())["results"]["bindings"]]
    assert values == list(range(1300))


XSD_INT = "http://www.w3.org/2001/XMLSchema#integer"


def test_a_capped_answer_xml_cannot_carry_is_refused_before_it_starts(tmp_path: Path) -> None:
    """Over HTTP, through a worker process: 406 naming the character and what can carry
    it; the same rows in JSON, and whitespace at the ends of a literal kept in XML."""
    from fastapi.testclient import TestClient

    from kgraph.store.embedded import EmbeddedStore
    from kgraph.web.app import create_app
    from tests.conftest import make_settings

    settings = make_settings(tmp_path, max_result_rows=10)
    data = tmp_path / "d.nt"
    data.write_text(
        '<http://x/a> <http://x/p> "bell\\u0001" .\n<http://x/b> <http://x/p> "  padded\\n" .\n',
        encoding="utf-8",
    )
    store = EmbeddedStore(settings.paths.store_path, writable=True)
    store.replace([data], base_iri=settings.server.base_iri)
    query = "SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?s"
    with TestClient(create_app(settings, store)) as client:
        refused = client.get("/sparql", params={"query": query, "format": "xml"})
        assert refused.status_code == 406
        assert "U+0001" in refused.text and "SPARQL JSON" in refused.text
        as_json = client.get("/sparql", params={"query": query, "format": "json"})
        values = [b["o"]["value"] for b in as_json.json()["results"]["bindings"]]
        assert values == ["bell\x01", "  padded\n"]
        padded = "SELECT ?o WHERE { <http://x/b> ?p ?o }"
        xml = client.get("/sparql", params={"query": padded, "format": "xml"})
        parsed = ox.parse_query_results(xml.content, format=ox.QueryResultsFormat.XML)
        assert [s["o"].value for s in parsed] == ["  padded\n"]
