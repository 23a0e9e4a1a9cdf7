"""The SPARQL 1.1 Protocol at /sparql, in-process.

Every query case of the W3C protocol manifest (w3c/rdf-tests,
sparql/sparql11/protocol/manifest.ttl) is a row of W3C_CASES; the error cases
and the result formats follow.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import pyoxigraph as ox
import pytest
import rdflib
import rdflib.collection
from fastapi.testclient import TestClient

from kgraph.store.embedded import EmbeddedStore
from kgraph.web.app import create_app

from .conftest import make_settings

FIXTURES = Path(__file__).parent / "fixtures" / "protocol"
K = "http://kasei.us/2009/09/sparql/data/"
SRX = "{http://www.w3.org/2005/sparql-results#}"


@pytest.fixture(scope="module")
def w3c(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    tmp = tmp_path_factory.mktemp("w3c")
    # a generous time limit: the streaming test's 148 k rows must not race a busy CI machine
    settings = make_settings(
        tmp,
        max_body_bytes=4096,
        max_query_chars=2000,
        max_result_rows=1_000_000,
        query_timeout_s=120,
    )
    store = EmbeddedStore(settings.paths.store_path, writable=True)
    store.replace([FIXTURES / "kasei.trig"], base_iri=settings.server.base_iri)
    with TestClient(create_app(settings, store)) as client:
        yield client


def g(*names: str, param: str = "default-graph-uri") -> str:
    return "&".join(f"{param}={quote(K + n, safe='')}" for n in names)


ASK_1_2 = f"ASK {{ <{K}data1.rdf> a ?type . <{K}data2.rdf> a ?type . }}"
ASK_NAMED = (
    f"ASK {{ GRAPH ?g1 {{ <{K}data1.rdf> a ?type }} GRAPH ?g2 {{ <{K}data2.rdf> a ?type }} }}"
)
ASK_FULL = (
    f"ASK {{ <{K}data3.rdf> a ?type GRAPH ?g1 {{ <{K}data1.rdf> a ?type }} "
    f"GRAPH ?g2 {{ <{K}data2.rdf> a ?type }} }}"
)
ASK_FROM3 = (
    f"ASK FROM <{K}data3.rdf> {{ GRAPH ?g1 {{ <{K}data1.rdf> a ?type }} "
    f"GRAPH ?g2 {{ <{K}data2.rdf> a ?type }} }}"
)
DIRECT = {"content-type": "application/sparql-query"}
FORM = {"content-type": "application/x-www-form-urlencoded"}

# (name, method, url query string, headers, body, expected boolean or kind)
W3C_CASES = [
    ("query_post_form", "POST", g("data0.rdf"), FORM, "query=ASK%20%7B%7D", True),
    (
        "query_dataset_default_graphs_get",
        "GET",
        urlencode({"query": ASK_1_2}) + "&" + g("data1.rdf", "data2.rdf"),
        {},
        "",
        True,
    ),
    (
        "query_dataset_default_graphs_post",
        "POST",
        g("data1.rdf", "data2.rdf"),
        DIRECT,
        ASK_1_2,
        True,
    ),
    (
        "query_dataset_named_graphs_post",
        "POST",
        g("data1.rdf", "data2.rdf", param="named-graph-uri"),
        DIRECT,
        ASK_NAMED,
        True,
    ),
    (
        "query_dataset_named_graphs_get",
        "GET",
        urlencode({"query": ASK_NAMED})
        + "&"
        + g("data1.rdf", "data2.rdf", param="named-graph-uri"),
        {},
        "",
        True,
    ),
    (
        "query_dataset_full",
        "POST",
        g("data3.rdf") + "&" + g("data1.rdf", "data2.rdf", param="named-graph-uri"),
        DIRECT,
        ASK_FULL,
        True,
    ),
    # The manifest percent-encodes the '&' between the two named-graph-uri
    # parameters (a known slip); the test's intent, sent here, is two parameters.
    (
        "query_multiple_dataset",
        "POST",
        g("data1.rdf", "data2.rdf", param="named-graph-uri"),
        DIRECT,
        ASK_FROM3,
        True,
    ),
    ("query_get", "GET", "query=ASK%20%7B%7D&" + g("data0.rdf"), {}, "", True),
    (
        "query_content_type_select",
        "POST",
        g("data0.rdf"),
        DIRECT,
        "SELECT (1 AS ?value) {}",
        "tabular",
    ),
    ("query_content_type_ask", "POST", g("data0.rdf"), DIRECT, "ASK {}", "boolean"),
    (
        "query_content_type_describe",
        "POST",
        g("data0.rdf"),
        DIRECT,
        "DESCRIBE <http://example.org/>",
        "rdf",
    ),
    (
        "query_content_type_construct",
        "POST",
        g("data0.rdf"),
        DIRECT,
        "CONSTRUCT { <s> <p> 1 } WHERE {}",
        "rdf",
    ),
    ("query_post_direct", "POST", g("data0.rdf"), DIRECT, "ASK {}", True),
]

TABULAR = {
    "application/sparql-results+xml",
    "application/sparql-results+json",
    "text/csv",
    "text/tab-separated-values",
}
BOOLEAN = {"application/sparql-results+xml", "application/sparql-results+json"}
RDF = {"application/rdf+xml", "text/turtle", "application/n-triples", "application/ld+json"}


def _boolean(resp_text: str, ctype: str) -> bool:
    if "json" in ctype:
        return bool(json.loads(resp_text)["boolean"])
    root = ET.fromstring(resp_text)
    node = root.find(f"{SRX}boolean")
    assert node is not None
    return node.text == "true"


MANIFEST = Path(__file__).resolve().parents[1] / ".cache/w3c-sparql/protocol/manifest.ttl"


def w3c_protocol_tests() -> list[str]:
    """The names of the tests the W3C protocol manifest lists (fetched by `make test`)."""
    assert MANIFEST.is_file(), f"{MANIFEST} is missing: run scripts/fetch-test-suites.sh"
    graph = rdflib.Graph().parse(MANIFEST, format="turtle")
    mf = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
    entries = next(graph.objects(None, mf.entries))
    return [str(e).rsplit("#", 1)[1] for e in rdflib.collection.Collection(graph, entries)]


def test_every_w3c_protocol_query_case_is_covered() -> None:
    """Every query test of the W3C manifest is a row here, and every bad-query test a row of
    BAD_CASES (the update tests are for /update, in test_security_writes)."""
    listed = w3c_protocol_tests()
    assert len(listed) == 34  # the manifest as fetched
    queries = [n for n in listed if n.startswith("query_")]
    bad = [n for n in listed if n.startswith("bad_query") or n == "bad_multiple_queries"]
    assert sorted(c[0] for c in W3C_CASES) == sorted(queries)
    assert set(bad) <= {c[0] for c in BAD_CASES}


@pytest.mark.parametrize(
    ("name", "method", "qs", "headers", "body", "expected"),
    W3C_CASES,
    ids=[c[0] for c in W3C_CASES],
)
def test_w3c_query_case(
    w3c: TestClient,
    name: str,
    method: str,
    qs: str,
    headers: dict[str, str],
    body: str,
    expected: object,
) -> None:
    resp = w3c.request(method, "/sparql?" + qs, headers=headers, content=body.encode())
    assert 200 <= resp.status_code < 400, resp.text
    ctype = resp.headers["content-type"].split(";")[0]
    if expected == "tabular":
        assert ctype in TABULAR
        assert json.loads(resp.text)["results"]["bindings"][0]["value"]["value"] == "1"
    elif expected == "boolean":
        assert ctype in BOOLEAN
        assert _boolean(resp.text, ctype) is True
    elif expected == "rdf":
        assert ctype in RDF
        graph = rdflib.Graph().parse(data=resp.text, format=ctype)
        if "CONSTRUCT" in body:
            assert len(graph) == 1
    else:
        assert ctype in BOOLEAN
        assert _boolean(resp.text, ctype) is expected


def test_dataset_parameters_change_the_answer(w3c: TestClient) -> None:
    # without a dataset the default graph is the union of all graphs (docs/model.md) ...
    resp = w3c.get("/sparql", params={"query": ASK_1_2})
    assert resp.json()["boolean"] is True
    # ... and default-graph-uri, FROM and FROM NAMED choose graphs
    resp = w3c.get("/sparql?" + urlencode({"query": ASK_1_2}) + "&" + g("data0.rdf"))
    assert resp.json()["boolean"] is False
    from_one = f"ASK FROM <{K}data1.rdf> {{ <{K}data1.rdf> a ?t . <{K}data2.rdf> a ?t }}"
    assert w3c.get("/sparql", params={"query": from_one}).json()["boolean"] is False
    named = f"SELECT ?g FROM NAMED <{K}data2.rdf> {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    rows = w3c.get("/sparql", params={"query": named}).json()["results"]["bindings"]
    assert [r["g"]["value"] for r in rows] == [K + "data2.rdf"]
    # a triple outside every named graph is found as such
    outside = "SELECT ?s { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"
    rows = w3c.get("/sparql", params={"query": outside}).json()["results"]["bindings"]
    assert [r["s"]["value"] for r in rows] == ["http://example.org/"]


# (name, method, url query string, headers, body, status, words in the message)
BAD_CASES = [
    ("bad_query_method", "PUT", "query=ASK%20%7B%7D&" + g("data0.rdf"), {}, "", 405, "method"),
    (
        "bad_multiple_queries",
        "GET",
        "query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D&" + g("data0.rdf"),
        {},
        "",
        400,
        "exactly one 'query'",
    ),
    (
        "bad_query_wrong_media_type",
        "POST",
        "",
        {"content-type": "text/plain"},
        "ASK {}",
        415,
        "text/plain",
    ),
    ("bad_query_missing_form_type", "POST", "", {}, "query=ASK%20%7B%7D", 415, "no"),
    ("bad_query_missing_direct_type", "POST", "", {}, "ASK {}", 415, "Content-Type"),
    (
        "bad_query_non_utf8",
        "POST",
        "",
        {"content-type": "application/sparql-query; charset=UTF-16"},
        "ASK {}".encode("utf-16").decode("latin-1"),
        415,
        "UTF-8",
    ),
    ("bad_query_syntax", "GET", "query=ASK%20%7B", {}, "", 400, "line 1, column 5: this '{'"),
    ("bad_update_get", "GET", "update=CLEAR%20ALL", {}, "", 400, "no updates"),
    (
        "update_post_form to query endpoint",
        "POST",
        "",
        FORM,
        "update=" + quote("CLEAR ALL"),
        400,
        "no updates",
    ),
    (
        "update_post_direct to query endpoint",
        "POST",
        "",
        {"content-type": "application/sparql-update"},
        "CLEAR ALL",
        400,
        "no updates",
    ),
    (
        "update text in query parameter",
        "GET",
        urlencode({"query": "INSERT DATA { <a:a> <a:b> 1 }"}),
        {},
        "",
        400,
        "no updates",
    ),
    ("invalid UTF-8 body", "POST", "", DIRECT, "\udcff", 400, "UTF-8"),
    ("empty query", "GET", "query=", {}, "", 400, "empty"),
    (
        "relative graph IRI",
        "GET",
        "query=ASK%7B%7D&default-graph-uri=notanIRI",
        {},
        "",
        400,
        "absolute IRI",
    ),
    ("unknown format", "GET", "query=ASK%7B%7D&format=png", {}, "", 406, "unknown format"),
    (
        "formats that disagree",
        "GET",
        "query=ASK%7B%7D&format=json&format=xml",
        {},
        "",
        400,
        "different formats",
    ),
    (
        "format and output that disagree",
        "GET",
        "query=SELECT%20*%7B%7D&format=csv&output=tsv",
        {},
        "",
        400,
        "different formats",
    ),
    (
        "unacceptable Accept",
        "GET",
        "query=ASK%7B%7D",
        {"accept": "image/png"},
        "",
        406,
        "application/sparql-results+json",
    ),
    ("body over the limit", "POST", "", DIRECT, "ASK {}" + " " * 5000, 413, "limit"),
    (
        "query over the limit",
        "GET",
        urlencode({"query": "ASK {}" + " " * 2100}),
        {},
        "",
        413,
        "limit",
    ),
    (
        "POST without query",
        "POST",
        "",
        FORM,
        "default-graph-uri=http%3A%2F%2Fx%2F",
        400,
        "no 'query'",
    ),
]


@pytest.mark.parametrize(
    ("name", "method", "qs", "headers", "body", "status", "words"),
    BAD_CASES,
    ids=[c[0] for c in BAD_CASES],
)
def test_bad_request(
    w3c: TestClient,
    name: str,
    method: str,
    qs: str,
    headers: dict[str, str],
    body: str,
    status: int,
    words: str,
) -> None:
    raw = body.encode("utf-8", "surrogateescape") if "\udcff" in body else body.encode("latin-1")
    resp = w3c.request(method, "/sparql" + ("?" + qs if qs else ""), headers=headers, content=raw)
    assert resp.status_code == status, resp.text
    assert words.lower() in resp.text.lower()


def test_syntax_error_names_position(w3c: TestClient) -> None:
    resp = w3c.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert resp.status_code == 400
    assert resp.text.startswith("SPARQL syntax error at line 1, column 18: the triple pattern")


def test_error_body_negotiates_json(w3c: TestClient) -> None:
    resp = w3c.get("/sparql", params={"query": "ASK {"}, headers={"accept": "application/json"})
    assert resp.status_code == 400
    assert resp.json()["status"] == 400 and "syntax" in resp.json()["error"]


SELECT = "SELECT ?doc ?g WHERE { GRAPH ?g { ?doc a ?t } } ORDER BY ?doc"


@pytest.mark.parametrize(
    ("accept", "fmt", "media"),
    [
        ("application/sparql-results+json", None, "application/sparql-results+json"),
        ("application/sparql-results+xml", None, "application/sparql-results+xml"),
        ("text/csv", None, "text/csv"),
        ("text/tab-separated-values", None, "text/tab-separated-values"),
        (None, "csv", "text/csv"),
        ("application/sparql-results+xml", "json", "application/sparql-results+json"),
        (
            "text/*;q=0.5, application/sparql-results+xml;q=0.9",
            None,
            "application/sparql-results+xml",
        ),
    ],
)
def test_select_formats(w3c: TestClient, accept: str | None, fmt: str | None, media: str) -> None:
    params = {"query": SELECT, **({"format": fmt} if fmt else {})}
    resp = w3c.get("/sparql", params=params, headers={"accept": accept} if accept else {})
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith(media)
    assert "Accept" in resp.headers["vary"]
    if media.endswith("json"):
        docs = [b["doc"]["value"] for b in resp.json()["results"]["bindings"]]
    elif media.endswith("xml"):
        root = ET.fromstring(resp.text)
        docs = [u.text for u in root.iter(f"{SRX}uri") if "data" in (u.text or "")][::2]
    elif media == "text/csv":
        docs = [r["doc"] for r in csv.DictReader(io.StringIO(resp.text))]
    else:
        lines = resp.text.splitlines()
        assert lines[0] == "?doc\t?g"
        docs = [line.split("\t")[0].strip("<>") for line in lines[1:]]
    assert docs == [f"{K}data{i}.rdf" for i in range(4)]


@pytest.mark.parametrize(
    ("accept", "fmt", "media", "rdflib_format"),
    [
        ("text/turtle", None, "text/turtle", "turtle"),
        ("application/n-triples", None, "application/n-triples", "nt"),
        ("application/rdf+xml", None, "application/rdf+xml", "xml"),
        ("application/ld+json", None, "application/ld+json", "json-ld"),
        (None, "ntriples", "application/n-triples", "nt"),
        ("application/trig", None, "application/trig", "trig"),
        ("application/n-quads", None, "application/n-quads", "nquads"),
    ],
)
def test_construct_formats(
    w3c: TestClient, accept: str | None, fmt: str | None, media: str, rdflib_format: str
) -> None:
    query = "CONSTRUCT { ?d a ?t } WHERE { GRAPH ?g { ?d a ?t } }"
    params = {"query": query, **({"format": fmt} if fmt else {})}
    resp = w3c.get("/sparql", params=params, headers={"accept": accept} if accept else {})
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].startswith(media)
    if rdflib_format in ("trig", "nquads"):
        data = rdflib.Dataset().parse(data=resp.text, format=rdflib_format)
        assert len(list(data.quads())) == 4
    else:
        assert len(rdflib.Graph().parse(data=resp.text, format=rdflib_format)) == 4


def test_describe(w3c: TestClient) -> None:
    resp = w3c.get(
        "/sparql",
        params={"query": "DESCRIBE <http://example.org/>"},
        headers={"accept": "text/turtle"},
    )
    graph = rdflib.Graph().parse(data=resp.text, format="turtle")
    assert str(graph.value(rdflib.URIRef("http://example.org/"), rdflib.FOAF.name)) == "example"


SEL, CON = quote("SELECT (1 AS ?one) {}"), quote("CONSTRUCT { <s:s> <p:p> 1 } WHERE {}")
TOLERATED = [
    # (what a client sends after ?query=..., query, expected media type)
    ("format=tsv&format=text%2Ftab-separated-values", SEL, "text/tab-separated-values"),
    ("format=rdf%2Bxml&format=application%2Frdf%2Bxml", CON, "application/rdf+xml"),
    ("format=rdf%2Bxml&format=", CON, "application/rdf+xml"),  # SPARQLWrapper, Accept */*
    ("format=rdf+xml", CON, "application/rdf+xml"),  # an unencoded '+', read as a space
    ("format=json-ld&format=", CON, "application/ld+json"),
    (
        "format=json-ld&format=application%2Fld%2Bjson%2Capplication%2Fx-json%2Bld",
        CON,
        "application/ld+json",
    ),
    ("format=n3", CON, "text/turtle"),
    ("format=text%2Fturtle", CON, "text/turtle"),
    ("format=json", CON, "application/ld+json"),
    ("format=application%2Fsparql-results%2Bjson", SEL, "application/sparql-results+json"),
    ("output=csv", SEL, "text/csv"),
    ("format=xml&output=xml&results=xml", SEL, "application/sparql-results+xml"),
    (
        "format=json&output=application%2Fsparql-results%2Bjson",
        SEL,
        "application/sparql-results+json",
    ),
    ("format=&output=", SEL, "application/sparql-results+json"),  # empty: by Accept
    ("format=csv&format=turtle", SEL, "text/csv"),  # each names a format of another kind
    ("format=csv&format=turtle", CON, "text/turtle"),
]


@pytest.mark.parametrize(("params", "query", "media"), TOLERATED)
def test_format_parameters_clients_send(
    w3c: TestClient, params: str, query: str, media: str
) -> None:
    resp = w3c.get(f"/sparql?query={query}&{params}")
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].split(";")[0] == media
    if media in ("text/turtle", "application/rdf+xml", "application/ld+json"):
        fmt = {"text/turtle": "turtle", "application/rdf+xml": "xml"}.get(media, "json-ld")
        assert len(rdflib.Graph().parse(data=resp.text, format=fmt)) == 1
    elif media == "text/csv":  # no datatypes in CSV (and no parser in the engine)
        assert list(csv.DictReader(io.StringIO(resp.text))) == [{"one": "1"}]
    else:
        parsed = ox.parse_query_results(
            resp.content, format=ox.QueryResultsFormat.from_media_type(media)
        )
        assert [row["one"] for row in parsed] == [
            ox.Literal("1", datatype=ox.NamedNode(XSD_INTEGER))
        ]


XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def test_ask_has_no_csv(w3c: TestClient) -> None:
    resp = w3c.get("/sparql", params={"query": "ASK {}"}, headers={"accept": "text/csv"})
    assert resp.status_code == 406


def test_cors(w3c: TestClient) -> None:
    resp = w3c.get("/sparql", params={"query": "ASK {}"}, headers={"origin": "https://x.example"})
    assert resp.headers["access-control-allow-origin"] == "*"
    pre = w3c.options(
        "/sparql",
        headers={
            "origin": "https://x.example",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert pre.status_code == 200
    assert "POST" in pre.headers["access-control-allow-methods"]


def test_service_description(w3c: TestClient) -> None:
    resp = w3c.get("/sparql", headers={"accept": "text/turtle"})
    assert resp.status_code == 200
    graph = rdflib.Graph().parse(data=resp.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    endpoint = rdflib.URIRef("http://127.0.0.1:8000/sparql")
    assert (endpoint, rdflib.RDF.type, sd.Service) in graph
    assert (endpoint, sd.supportedLanguage, sd.SPARQL11Query) in graph
    formats = set(graph.objects(endpoint, sd.resultFormat))
    assert rdflib.URIRef("http://www.w3.org/ns/formats/SPARQL_Results_JSON") in formats
    assert len(formats) == 8
    # no Accept at all: a machine gets Turtle too
    assert w3c.get("/sparql").headers["content-type"].startswith("text/turtle")
    rdfxml = w3c.get("/sparql", headers={"accept": "application/rdf+xml"})
    assert len(rdflib.Graph().parse(data=rdfxml.text, format="xml")) == len(graph)


def test_editor_for_browsers(client: TestClient) -> None:
    resp = client.get("/sparql", headers={"accept": "text/html,*/*;q=0.8"})
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/html")
    assert "<textarea" in resp.text
    assert '<script src="http' not in resp.text  # works offline: nothing from the internet
    examples = sorted((Path(__file__).parent.parent / "queries").glob("*.rq"))
    assert len(examples) >= 12
    assert resp.text.count('href="/sparql?query=') == len(examples)


def test_html_results_are_a_table_with_links(client: TestClient) -> None:
    query = (
        'SELECT ?c ?label WHERE { ?c <http://www.w3.org/2004/02/skos/core#notation> "08" ; '
        "<http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    )
    resp = client.get("/sparql", params={"query": query}, headers={"accept": "text/html"})
    assert resp.status_code == 200
    assert '<a href="/id/county/kalmar?lang=sv">' in resp.text
    assert "Kalmar län" in resp.text


def test_large_result_is_streamed(w3c: TestClient) -> None:
    # ~ 200 k rows from a cross product: more than one chunk, so no Content-Length
    numbers = " ".join(str(i) for i in range(400))
    query = (
        "SELECT ?a ?b ?n { VALUES ?a { 1 2 3 4 5 6 7 8 9 10 } ?x <http://xmlns.com/foaf/0.1/name> ?b "
        f"VALUES ?n {{ {numbers} }} VALUES ?m {{ {numbers[:100]} }} }}"
    )
    with w3c.stream(
        "GET", "/sparql", params={"query": query}, headers={"accept": "text/csv"}
    ) as resp:
        assert resp.status_code == 200
        assert "content-length" not in resp.headers
        rows = sum(chunk.count(b"\n") for chunk in resp.iter_bytes())
    assert rows == 1 + 10 * 1 * 400 * len(numbers[:100].split())


def test_readyz_and_healthz(w3c: TestClient) -> None:
    assert w3c.get("/healthz").json() == {"status": "ok"}
    ready = w3c.get("/readyz").json()
    assert ready["status"] == "ready" and ready["triples"] == 5
