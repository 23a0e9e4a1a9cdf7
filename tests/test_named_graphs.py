"""Named graphs: the default graph is their union, each statement once; graphs still choose.

The store side of docs/model.md ("Who says this?"): queries without GRAPH see
every statement once, GRAPH/FROM/FROM NAMED and the protocol's dataset
parameters select sources, updates keep the union, dumps keep the graphs, and
the build refuses statements outside every graph in data that uses graphs.
"""

from __future__ import annotations

import io
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from kgraph.build.loader import validate_paths
from kgraph.formats import NQUADS, NTRIPLES, TRIG
from kgraph.store.embedded import EmbeddedStore
from kgraph.web.app import create_app

from .conftest import BASE, make_settings

EX = "http://example.org/"
DATA = f"""@prefix ex: <{EX}> .
ex:page1 {{ ex:report ex:title "Rapport" ; ex:year 2004 . ex:board ex:name "Kalmar" . }}
ex:page2 {{ ex:report ex:title "Rapport" . ex:other ex:name "Örebro" . }}
ex:editorial {{ ex:report ex:topic ex:violence . }}
"""


@pytest.fixture
def store(tmp_path: Path) -> EmbeddedStore:
    path = tmp_path / "d.trig"
    path.write_text(DATA, encoding="utf-8")
    s = EmbeddedStore(tmp_path / "store", writable=True)
    s.replace([path], base_iri=BASE)
    return s


def values(store: EmbeddedStore, sparql: str, **kw: object) -> list[tuple[str, ...]]:
    return sorted(
        tuple(t.value for t in row.values())
        for row in store.query(sparql, **kw).rows()  # type: ignore[arg-type]
    )


def test_default_graph_is_the_union_with_each_statement_once(store: EmbeddedStore) -> None:
    rows = values(store, "SELECT ?s ?p ?o { ?s ?p ?o }")
    assert len(rows) == 5  # the title both pages state, once
    assert values(store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }") == [("5",)]
    assert store.info().triples == 6  # what the dataset holds: each graph's statements


def test_graph_from_and_protocol_parameters_choose_sources(store: EmbeddedStore) -> None:
    who = f'SELECT ?g {{ GRAPH ?g {{ <{EX}report> <{EX}title> "Rapport" }} }}'
    assert values(store, who) == [(EX + "page1",), (EX + "page2",)]
    assert values(store, f"SELECT ?o FROM <{EX}page2> {{ ?s <{EX}name> ?o }}") == [("Örebro",)]
    assert values(store, f"SELECT ?g FROM NAMED <{EX}editorial> {{ GRAPH ?g {{ ?s ?p ?o }} }}") == [
        (EX + "editorial",)
    ]
    assert values(store, "SELECT ?o { ?s ?p ?o }", default_graphs=[EX + "page1"]) == [
        ("2004",),
        ("Kalmar",),
        ("Rapport",),
    ]
    outside = "SELECT * { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"
    assert values(store, outside) == []


def test_update_keeps_the_union(store: EmbeddedStore) -> None:
    # deleting a statement from one of the two graphs that hold it keeps it in the union
    store.update(f'DELETE DATA {{ GRAPH <{EX}page2> {{ <{EX}report> <{EX}title> "Rapport" }} }}')
    assert values(store, f"SELECT ?t {{ <{EX}report> <{EX}title> ?t }}") == [("Rapport",)]
    # deleting it from the last graph removes it from the union
    store.update(f'DELETE DATA {{ GRAPH <{EX}page1> {{ <{EX}report> <{EX}title> "Rapport" }} }}')
    assert not store.ask(f"ASK {{ <{EX}report> <{EX}title> ?t }}")
    # inserting into a graph adds to the union; a direct default-graph write is kept as such
    store.update(f'INSERT DATA {{ GRAPH <{EX}page2> {{ <{EX}new> <{EX}name> "Ny" }} }}')
    store.update(f'INSERT DATA {{ <{EX}direct> <{EX}name> "Direkt" }}')
    assert store.ask(f'ASK {{ <{EX}new> <{EX}name> "Ny" }}')
    outside = "SELECT ?s { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"
    assert values(store, outside) == [(EX + "direct",)]
    assert store.info().triples == 6  # 6 - 2 deleted + 1 in page2 + 1 direct


def test_dumps_keep_the_graphs(store: EmbeddedStore) -> None:
    out = {}
    for fmt in (NTRIPLES, NQUADS, TRIG):
        buf = io.BytesIO()
        store.dump(fmt, buf)
        out[fmt.name] = buf.getvalue()
    triples = list(ox.parse(out["ntriples"], format=ox.RdfFormat.N_TRIPLES))
    assert len(triples) == 5
    for name, fmt in (("nquads", ox.RdfFormat.N_QUADS), ("trig", ox.RdfFormat.TRIG)):
        quads = list(ox.parse(out[name], format=fmt))
        assert len(quads) == 6 and all(not isinstance(q.graph_name, ox.DefaultGraph) for q in quads)
    reloaded = ox.Store()
    reloaded.load(out["trig"], format=ox.RdfFormat.TRIG)
    assert len(reloaded) == 6


def test_endpoint_answers_from_the_union(tmp_path: Path, store: EmbeddedStore) -> None:
    with TestClient(create_app(make_settings(tmp_path), store)) as client:
        q = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
        r = client.get("/sparql", params={"query": q}, headers={"Accept": "application/json"})
        assert r.json()["results"]["bindings"][0]["n"]["value"] == "5"
        r = client.get(
            "/sparql",
            params={"query": q, "default-graph-uri": EX + "editorial"},
            headers={"Accept": "application/json"},
        )
        assert r.json()["results"]["bindings"][0]["n"]["value"] == "1"


def test_build_refuses_statements_outside_every_graph(tmp_path: Path) -> None:
    graphs = tmp_path / "graphs.trig"
    graphs.write_text(f"<{EX}g> {{ <{EX}a> <{EX}p> 1 . }}\n<{EX}b> <{EX}p> 2 .\n")
    plain = tmp_path / "plain.ttl"
    plain.write_text(f"<{EX}c> <{EX}p> 3 .\n")
    settings = make_settings(tmp_path, shapes_dir=tmp_path / "no-shapes")
    report = validate_paths(settings, [graphs, plain])
    found = sorted((v.focus, v.file, v.line) for v in report.violations())
    assert found == [(EX + "b", str(graphs), 2), (EX + "c", str(plain), 1)]
    assert not report.conforms
    assert "in no named graph" in report.render()
    # data without any named graph is not concerned
    assert validate_paths(settings, [plain]).conforms
    only_graphs = tmp_path / "only.trig"
    only_graphs.write_text(f"<{EX}g> {{ <{EX}a> <{EX}p> 1 . }}\n")
    assert validate_paths(settings, [only_graphs]).conforms
