"""VoID at /.well-known/void and content negotiation of the publishing routes."""

from __future__ import annotations

import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib import RDF, URIRef
from rdflib.namespace import DCTERMS

from kgraph.settings import Settings
from kgraph.store.embedded import EmbeddedStore

VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
DATASET = URIRef("http://127.0.0.1:8000/id/dataset/kvinnofrid")


def one(store: EmbeddedStore, sparql: str) -> int:
    return int(store.select(sparql)[0]["n"].value)


@pytest.fixture(scope="module")
def void(client: TestClient) -> rdflib.Graph:
    resp = client.get("/.well-known/void")
    assert resp.status_code == 200
    assert resp.headers["content-type"].startswith("text/turtle")
    return rdflib.Graph().parse(data=resp.content, format="turtle")


def test_void_counts_equal_sparql_counts(void: rdflib.Graph, repo_store: EmbeddedStore) -> None:
    assert (DATASET, RDF.type, VOID.Dataset) in void
    expected = {
        VOID.triples: "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }",
        VOID.distinctSubjects: "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o }",
        VOID.distinctObjects: "SELECT (COUNT(DISTINCT ?o) AS ?n) { ?s ?p ?o }",
        VOID.entities: "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s ?p ?o "
        "FILTER(isIRI(?s) && STRSTARTS(STR(?s), 'http://127.0.0.1:8000/id/')) }",
    }
    for prop, sparql in expected.items():
        assert int(void.value(DATASET, prop)) == one(repo_store, sparql), prop
    assert int(void.value(DATASET, VOID.triples)) > 1000  # the real data, not a stub


def test_void_partitions(void: rdflib.Graph, repo_store: EmbeddedStore) -> None:
    classes = {
        str(void.value(p, VOID["class"])): p for p in void.objects(DATASET, VOID.classPartition)
    }
    rows = repo_store.select("SELECT DISTINCT ?c { ?s a ?c }")
    assert set(classes) == {r["c"].value for r in rows}
    for iri in ("https://schema.org/AdministrativeArea", "http://www.w3.org/ns/org#Organization"):
        part = classes[iri]
        assert int(void.value(part, VOID.entities)) == one(
            repo_store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) {{ ?s a <{iri}> }}"
        )
        assert int(void.value(part, VOID.triples)) == one(
            repo_store, f"SELECT (COUNT(*) AS ?n) {{ ?s a <{iri}> . ?s ?p ?o }}"
        )
    props = {
        str(void.value(p, VOID.property)): int(void.value(p, VOID.triples))
        for p in void.objects(DATASET, VOID.propertyPartition)
    }
    rows = repo_store.select("SELECT ?p (COUNT(*) AS ?n) { ?s ?p ?o } GROUP BY ?p")
    assert props == {r["p"].value: int(r["n"].value) for r in rows}
    vocabularies = {str(v) for v in void.objects(DATASET, VOID.vocabulary)}
    assert {"https://schema.org/", "http://www.w3.org/ns/org#", "http://purl.org/dc/terms/",
            "http://127.0.0.1:8000/def/"} <= vocabularies  # fmt: skip


def test_void_links(void: rdflib.Graph, client: TestClient, repo_settings: Settings) -> None:
    base = repo_settings.server.base_iri
    assert void.value(DATASET, VOID.sparqlEndpoint) == URIRef(f"{base}sparql")
    assert str(void.value(DATASET, VOID.uriSpace)) == f"{base}id/"
    assert void.value(DATASET, DCTERMS.license) == URIRef(repo_settings.catalogue.license_iri)
    assert void.value(DATASET, DCTERMS.modified) is not None
    assert {t.language for t in void.objects(DATASET, DCTERMS.title)} == {"sv", "en"}
    examples = list(void.objects(DATASET, VOID.exampleResource))
    assert 1 <= len(examples) <= 5
    assert all(str(e).startswith(f"{base}id/") for e in examples)
    dumps = {str(d) for d in void.objects(DATASET, VOID.dataDump)}
    index = client.get("/dumps/?format=json").json()
    assert dumps == {f["url"] for f in index["files"]}
    for url in dumps:
        assert client.head(url.removeprefix(base.rstrip("/"))).status_code == 200


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (None, "text/turtle"),
        ("*/*", "text/turtle"),
        ("application/ld+json", "application/ld+json"),
        ("application/rdf+xml", "application/rdf+xml"),
        ("application/n-triples", "application/n-triples"),
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
        ("text/turtle;q=0.5, application/ld+json", "application/ld+json"),
    ],
)
@pytest.mark.parametrize("path", ["/.well-known/void", "/catalog"])
def test_negotiation(client: TestClient, path: str, accept: str | None, media: str) -> None:
    headers = {"Accept": accept} if accept else {}
    resp = client.get(path, headers=headers)
    assert resp.status_code == 200, resp.text
    assert resp.headers["content-type"].split(";")[0] == media
    assert "accept" in resp.headers["vary"].lower()
    if media != "text/html":
        fmt = {"text/turtle": "turtle", "application/ld+json": "json-ld",
               "application/rdf+xml": "xml", "application/n-triples": "nt"}[media]  # fmt: skip
        assert len(rdflib.Graph().parse(data=resp.content, format=fmt)) > 10
    else:
        assert "kvinnofrid" in resp.text or "Länsstyrelse" in resp.text


def test_not_acceptable_and_bad_parameters(client: TestClient) -> None:
    assert client.get("/.well-known/void", headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/catalog", headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/dumps/", headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/catalog?profile=9.9").status_code == 400
    assert client.get("/catalog.xyz").status_code == 404
    assert client.get("/.well-known/void?format=nonsense").status_code == 406


def test_catalog_rdf_and_etag(client: TestClient) -> None:
    resp = client.get("/catalog.rdf")
    assert resp.headers["content-type"].startswith("application/rdf+xml")
    again = client.get("/catalog.rdf", headers={"If-None-Match": resp.headers["etag"]})
    assert again.status_code == 304
    assert client.head("/catalog.rdf").status_code == 200


def test_minted_iris_dereference_like_any_resource(client: TestClient) -> None:
    """IRIs the record mints answer by the one pattern of the linked-data pages."""
    dcat = rdflib.Namespace("http://www.w3.org/ns/dcat#")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    iri = rdflib.URIRef("http://127.0.0.1:8000/id/dataset/kvinnofrid")
    resp = client.get("/id/dataset/kvinnofrid", headers={"Accept": "text/turtle"})
    assert resp.status_code == 200
    assert resp.headers["content-location"] == "/id/dataset/kvinnofrid.ttl"
    graph = rdflib.Graph().parse(data=resp.text, format="turtle")
    assert (iri, rdflib.RDF.type, dcat.Dataset) in graph
    assert (iri, rdflib.RDF.type, void.Dataset) in graph
    assert graph.value(iri, void.triples) is not None
    assert len(list(graph.objects(iri, dcat.distribution))) >= 4
    page = client.get("/id/dataset/kvinnofrid", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "<h1" in page.text
    dist = client.get("/id/distribution/kvinnofrid-ttl.nt")
    assert dist.status_code == 200 and "downloadURL" in dist.text
    assert client.get("/id/dataset/nothing-here.ttl").status_code == 404


def test_dumps_index_html(client: TestClient) -> None:
    resp = client.get("/dumps/", headers={"Accept": "text/html"})
    assert resp.status_code == 200
    assert "kvinnofrid.nt.gz" in resp.text and "void.ttl" in resp.text
    assert client.get("/dumps", follow_redirects=False).status_code == 308


def test_void_and_record_conform_to_the_project_dataset_shapes(
    void: rdflib.Graph, client: TestClient, repo_settings: Settings
) -> None:
    import pyshacl

    shapes_file = repo_settings.paths.shapes_dir / "dataset-shapes.ttl"
    if not shapes_file.is_file():
        pytest.skip("shapes/dataset-shapes.ttl not present")
    shapes = rdflib.Graph().parse(
        shapes_file, format="turtle", publicID=repo_settings.server.base_iri
    )
    record = rdflib.Graph().parse(data=client.get("/catalog.ttl").content, format="turtle")
    for graph in (void, record):
        conforms, _, text = pyshacl.validate(graph, shacl_graph=shapes, inference="none")
        assert conforms, text
