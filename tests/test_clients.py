"""Real SPARQL clients against a live uvicorn server: SPARQLWrapper, rdflib's SPARQLStore.

SPARQLWrapper runs in each of its three ways of sending a query (GET, POST of
a form, POST of the query itself) with every return format it pairs with each
query form (the formats for which it names a media type in ``Accept``), and
each answer is read back as SPARQLWrapper hands it to its user and compared
with what the fixture holds.

Jena's ``rsparql`` is not here: Debian's libapache-jena-java (4.5.0-2, bookworm) does not
start on this machine's OpenJDK 17 (ExceptionInInitializerError in the xerces copy inside
its jena-core.jar), so there is nothing to run.
"""

from __future__ import annotations

import csv
import io
import urllib.error
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rdflib
from rdflib import RDF, RDFS, Literal
from rdflib.util import from_n3
from SPARQLWrapper import (
    CSV,
    GET,
    JSON,
    JSONLD,
    N3,
    POST,
    POSTDIRECTLY,
    RDFXML,
    TSV,
    TURTLE,
    URLENCODED,
    XML,
    SPARQLWrapper,
)

from kgraph.store.embedded import EmbeddedStore
from tests.browser import serve
from tests.conftest import make_settings

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("clients")]

FIXTURE = Path(__file__).parent / "fixtures" / "clients" / "small.ttl"
EX = rdflib.Namespace("http://example.org/")
PREFIXES = "PREFIX ex: <http://example.org/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "

SELECT_Q = PREFIXES + "SELECT ?s ?label WHERE { ?s rdfs:label ?label }"
ASK_Q = PREFIXES + "ASK { ex:b ex:knows ex:a }"
CONSTRUCT_Q = PREFIXES + "CONSTRUCT { ?s rdfs:label ?l } WHERE { ?s rdfs:label ?l }"
DESCRIBE_Q = PREFIXES + "DESCRIBE ex:b"

ROWS = {
    (str(EX.a), "Alpha", "en"),
    (str(EX.a), "Alfa", "sv"),
    (str(EX.b), "Beta", None),
}
LABELS = {
    (EX.a, RDFS.label, Literal("Alpha", lang="en")),
    (EX.a, RDFS.label, Literal("Alfa", lang="sv")),
    (EX.b, RDFS.label, Literal("Beta")),
}
ABOUT_B = {
    (EX.b, RDF.type, EX.Thing),
    (EX.b, RDFS.label, Literal("Beta")),
    (EX.b, EX.knows, EX.a),
}

METHODS = {
    "GET": (GET, URLENCODED),
    "POST form": (POST, URLENCODED),
    "POST direct": (POST, POSTDIRECTLY),
}
# The return formats SPARQLWrapper pairs with each query form (it names their media types).
FORMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "select": (SELECT_Q, (JSON, XML, CSV, TSV)),
    "ask": (ASK_Q, (JSON, XML)),  # CSV and TSV define no boolean: see test_ask_csv_refused
    "construct": (CONSTRUCT_Q, (TURTLE, N3, XML, RDFXML, JSONLD)),
    "describe": (DESCRIBE_Q, (TURTLE, N3, XML, RDFXML, JSONLD)),
}
MEDIA = {
    JSON: "application/sparql-results+json",
    XML: "application/sparql-results+xml",
    CSV: "text/csv",
    TSV: "text/tab-separated-values",
}
GRAPH_MEDIA = {
    TURTLE: "text/turtle",
    N3: "text/turtle",
    XML: "application/rdf+xml",
    RDFXML: "application/rdf+xml",
    JSONLD: "application/ld+json",
}
MATRIX = [
    (method, form, fmt) for method in METHODS for form, (_, fmts) in FORMS.items() for fmt in fmts
]


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("clients")
    settings = make_settings(tmp)
    store = EmbeddedStore(settings.paths.store_path, writable=True)
    store.replace([FIXTURE], base_iri=settings.server.base_iri)
    with serve(settings, store) as url:
        yield url + "/sparql"


def wrapper(endpoint: str, method: str, query: str, fmt: str) -> SPARQLWrapper:
    http_method, request_method = METHODS[method]
    sparql = SPARQLWrapper(endpoint)
    sparql.setMethod(http_method)
    sparql.setRequestMethod(request_method)
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    return sparql


def select_rows(fmt: str, converted: Any) -> set[tuple[str, str, str | None]]:
    """The (s, label, language) rows of a SELECT answer as SPARQLWrapper returned it."""
    if fmt == JSON:
        return {
            (b["s"]["value"], b["label"]["value"], b["label"].get("xml:lang"))
            for b in converted["results"]["bindings"]
        }
    if fmt == XML:
        rows = set()
        for result in converted.getElementsByTagName("result"):
            cells = {}
            for binding in result.getElementsByTagName("binding"):
                node = next(n for n in binding.childNodes if n.nodeType == n.ELEMENT_NODE)
                cells[binding.getAttribute("name")] = (
                    node.firstChild.data,
                    node.getAttribute("xml:lang") or None,
                )
            rows.add((cells["s"][0], *cells["label"]))
        return rows
    text = converted.decode("utf-8")
    if fmt == CSV:  # CSV carries no language tags
        return {(r["s"], r["label"], None) for r in csv.DictReader(io.StringIO(text))}
    lines = text.split("\n")
    assert lines[0] == "?s\t?label" and lines[-1] == ""
    rows = set()
    for line in lines[1:-1]:
        s, label = (from_n3(cell) for cell in line.split("\t"))
        assert isinstance(label, Literal)
        rows.add((str(s), str(label), label.language))
    return rows


def graph_of(fmt: str, converted: Any) -> set[tuple[Any, Any, Any]]:
    if isinstance(converted, bytes):  # Turtle and N3: SPARQLWrapper hands over the text
        converted = rdflib.Graph().parse(data=converted.decode("utf-8"), format="turtle")
    assert isinstance(converted, rdflib.Graph), (fmt, type(converted))
    return set(converted)


def test_matrix_size() -> None:
    assert len(MATRIX) == 48


@pytest.mark.parametrize(("method", "form", "fmt"), MATRIX, ids=["-".join(c) for c in MATRIX])
def test_sparqlwrapper(endpoint: str, method: str, form: str, fmt: str) -> None:
    query = FORMS[form][0]
    result = wrapper(endpoint, method, query, fmt).query()
    content_type = result.info()["content-type"]
    converted = result.convert()
    if form == "select":
        assert content_type.startswith(MEDIA[fmt])
        if fmt == CSV:
            assert select_rows(fmt, converted) == {(s, v, None) for s, v, _ in ROWS}
        else:
            assert select_rows(fmt, converted) == ROWS
    elif form == "ask":
        assert content_type.startswith(MEDIA[fmt])
        if fmt == JSON:
            assert converted["boolean"] is True
        else:
            assert converted.getElementsByTagName("boolean")[0].firstChild.data == "true"
    else:
        assert content_type.startswith(GRAPH_MEDIA[fmt])
        assert graph_of(fmt, converted) == (LABELS if form == "construct" else ABOUT_B)


@pytest.mark.parametrize("fmt", [CSV, TSV])
def test_ask_csv_refused(endpoint: str, fmt: str) -> None:
    """CSV and TSV results carry no boolean (SPARQL 1.1 CSV/TSV): a 406 naming what is offered."""
    with pytest.raises(urllib.error.HTTPError) as refused:
        wrapper(endpoint, "GET", ASK_Q, fmt).query()
    assert refused.value.code == 406
    assert "offered: application/sparql-results+json" in refused.value.read().decode()


STORE_CASES = [
    (method, form, fmt)
    for method in ("GET", "POST", "POST_FORM")
    for form, fmts in (
        ("select", ("xml", "json", "csv", "tsv")),
        ("ask", ("xml", "json")),
        ("construct", ("xml",)),
        ("describe", ("xml",)),
    )
    for fmt in fmts
]


@pytest.mark.parametrize(
    ("method", "form", "fmt"), STORE_CASES, ids=["-".join(c) for c in STORE_CASES]
)
def test_rdflib_sparqlstore(endpoint: str, method: str, form: str, fmt: str) -> None:
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = rdflib.Graph(store=SPARQLStore(endpoint, returnFormat=fmt, method=method))
    result = graph.query(FORMS[form][0])
    if form == "select":
        rows = {(str(s), str(label), getattr(label, "language", None)) for s, label in result}
        # CSV carries no language tags
        assert rows == (ROWS if fmt != "csv" else {(s, v, None) for s, v, _ in ROWS})
    elif form == "ask":
        assert result.askAnswer is True
    else:
        assert set(result.graph) == (LABELS if form == "construct" else ABOUT_B)


def test_store_case_count() -> None:
    assert len(STORE_CASES) == 24
