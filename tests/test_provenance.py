"""Who says this, over HTTP: the endpoint's union, provenance marks on the pages, the
source pages' lists, VoID subsets, the dumps' graph distributions and retired IRIs."""

from __future__ import annotations

import re
from pathlib import Path

import rdflib
from fastapi.testclient import TestClient

from kgraph.linkeddata.provenance import provenance_of, supported_by
from kgraph.store.embedded import EmbeddedStore
from kgraph.web.app import create_app

from .conftest import BASE, ROOT, make_settings

JSON = {"Accept": "application/sparql-results+json"}
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")


def bindings(client: TestClient, query: str, **params: str) -> list[dict[str, str]]:
    r = client.get("/sparql", params={"query": query, **params}, headers=JSON)
    assert r.status_code == 200, r.text
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]


def test_no_triple_outside_a_named_graph(client: TestClient) -> None:
    q = "SELECT * { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } } LIMIT 5"
    assert bindings(client, q) == []
    graphs = bindings(client, "SELECT DISTINCT ?g { GRAPH ?g { ?s ?p ?o } }")
    assert len(graphs) == 12
    undescribed = "SELECT ?g { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?g a ?kind } }"
    assert bindings(client, undescribed) == []


def test_the_who_says_this_query_of_the_docs(client: TestClient) -> None:
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    (query,) = re.findall(r"```sparql\n(.*?)```", text, re.S)
    rows = bindings(client, query)
    found = {(r["statement"], r["source"]) for r in rows if "source" in r}
    assert found == {
        ("homepage", "NCK: Länsstyrelsen Kalmar"),
        ("co-author of 2004:6", "NCK: Länsstyrelsen i Blekinge län"),
    }
    # the default graph (no GRAPH, no dataset) sees the union, each statement once
    figure = f"<{BASE}id/figure/antal-lansstyrelser>"
    union = bindings(client, f"SELECT (COUNT(*) AS ?n) {{ {figure} ?p ?o }}")[0]["n"]
    distinct = (
        f"SELECT (COUNT(*) AS ?n) {{ SELECT DISTINCT ?p ?o {{ GRAPH ?g {{ {figure} ?p ?o }} }} }}"
    )
    assert bindings(client, distinct)[0]["n"] == union
    every = f"SELECT (COUNT(*) AS ?n) {{ GRAPH ?g {{ {figure} ?p ?o }} }}"
    assert int(bindings(client, every)[0]["n"]) > int(union)  # the four NCK pages say it


def test_provenance_of_a_board(repo_store: EmbeddedStore) -> None:
    prov = provenance_of(repo_store, BASE + "id/board/kalmar", base_iri=BASE, lang="sv")
    home = prov.of(
        "http://xmlns.com/foaf/0.1/homepage", "", None, "http://www.lansstyrelsen.se/kalmar"
    )
    assert [(m.kind, m.href) for m in home] == [("page", "/id/page/nck-lansstyrelsen-kalmar")]
    label = prov.of(
        "http://www.w3.org/2000/01/rdf-schema#label", "Länsstyrelsen i Kalmar län", "sv", None
    )
    assert {m.kind for m in label} == {"page", "reference"}
    english = prov.of(
        "http://www.w3.org/2000/01/rdf-schema#label",
        "Kalmar County Administrative Board",
        "en",
        None,
    )
    assert [m.kind for m in english] == ["translation"]
    county = provenance_of(repo_store, BASE + "id/county/kalmar", base_iri=BASE, lang="sv")
    code = county.of("http://www.w3.org/2004/02/skos/core#notation", "08", None, None)
    assert [(m.kind, m.href) for m in code] == [("reference", "/id/graph/reference")]


def test_pages_mark_each_value_with_its_source(client: TestClient) -> None:
    html = client.get("/id/board/kalmar", headers={"Accept-Language": "sv"}).text
    home = re.search(r"lansstyrelsen\.se/kalmar</a>(<small class=\"provenance\".*?</small>)", html)
    assert home is not None and 'href="/id/page/nck-lansstyrelsen-kalmar"' in home.group(1)
    assert "referensdata (SCB)" in html and "översatt av utgivaren" in html
    topic = client.get("/id/publication/ratten-till-ett-eget-liv-2004-6").text
    assert "tillagt av utgivaren" in topic  # its topics are the publisher's judgement
    en = client.get("/id/county/kalmar", headers={"Accept-Language": "en"}).text
    assert "reference data (SCB)" in en


def test_a_source_page_lists_what_it_supports(
    client: TestClient, repo_store: EmbeddedStore
) -> None:
    page = BASE + "id/page/nck-lansstyrelsen-orebro"
    items = supported_by(repo_store, page, base_iri=BASE, lang="sv")
    hrefs = {i.href for i in items}
    assert {"/id/board/orebro", "/id/service/konsultativt-stod-orebro"} <= hrefs
    assert "/id/board/kalmar" not in hrefs  # page 004 does not name the Kalmar board
    html = client.get("/id/page/nck-lansstyrelsen-orebro").text
    assert 'class="supports"' in html and 'href="/id/service/konsultativt-stod-orebro"' in html
    assert supported_by(repo_store, BASE + "id/board/orebro", base_iri=BASE, lang="sv") == []


def test_void_has_a_subset_per_graph(client: TestClient, repo_store: EmbeddedStore) -> None:
    void = rdflib.Graph().parse(
        data=client.get("/.well-known/void", headers={"Accept": "text/turtle"}).text,
        format="turtle",
    )
    dataset = rdflib.URIRef(BASE + "id/dataset/kvinnofrid")
    subsets = set(void.objects(dataset, VOID.subset))
    assert len(subsets) == 12
    for sub in subsets:
        n = repo_store.select(f"SELECT (COUNT(*) AS ?n) {{ GRAPH <{sub}> {{ ?s ?p ?o }} }}")[0]["n"]
        assert int(void.value(sub, VOID.triples)) == int(n.value) > 0, sub
        assert (
            void.value(sub, PROV.wasDerivedFrom)
            or void.value(sub, DCT.source)
            or void.value(sub, PROV.wasAttributedTo)
        ), sub
    page_graph = rdflib.URIRef(BASE + "id/graph/nck-lansstyrelsen-kalmar")
    assert void.value(page_graph, PROV.wasDerivedFrom) == rdflib.URIRef(
        BASE + "id/page/nck-lansstyrelsen-kalmar"
    )
    reference = rdflib.URIRef(BASE + "id/graph/reference")
    assert any("scb.se" in str(s) for s in void.objects(reference, DCT.source))


def test_dcat_describes_the_graph_distributions(client: TestClient) -> None:
    record = rdflib.Graph().parse(data=client.get("/catalog.ttl").content, format="turtle")
    titles = {
        str(record.value(d, DCAT.downloadURL)).rsplit("/", 1)[1]: str(t)
        for d in record.subjects(rdflib.RDF.type, DCAT.Distribution)
        for t in record.objects(d, DCT.title)
        if t.language == "en"
    }
    assert (
        "named graphs" in titles["kvinnofrid.trig"] and "named graphs" in titles["kvinnofrid.nq.gz"]
    )
    assert "named graphs" not in titles["kvinnofrid.ttl"]


def test_merged_iris_answer_301_to_the_one_kept(client: TestClient) -> None:
    for old, kept in (("spirea", "spirea"), ("atv-sodra-kalmar", "atv-sodra-kalmar")):
        r = client.get(f"/id/org/{old}", follow_redirects=False)
        assert (r.status_code, r.headers["location"]) == (301, f"/id/project/{kept}")
        assert f'href="/id/project/{kept}"' in r.text
        ttl = client.get(f"/id/org/{old}.ttl", follow_redirects=False)
        assert (ttl.status_code, ttl.headers["location"]) == (301, f"/id/project/{kept}.ttl")
        g = rdflib.Graph().parse(data=ttl.text, format="turtle")
        assert (
            rdflib.URIRef(BASE + f"id/org/{old}"),
            rdflib.OWL.sameAs,
            rdflib.URIRef(BASE + f"id/project/{kept}"),
        ) in g
        nt = client.get(
            f"/id/org/{old}", headers={"Accept": "application/n-triples"}, follow_redirects=False
        )
        assert nt.status_code == 301 and "sameAs" in nt.text
        assert client.get(f"/id/project/{kept}").status_code == 200
        assert client.get(f"/id/org/{old}").url.path == f"/id/project/{kept}"  # followed


def test_removed_iris_answer_410_in_html_and_rdf(tmp_path: Path) -> None:
    record = tmp_path / "retired.trig"
    record.write_text(
        """@prefix kg: <def/> . @prefix dct: <http://purl.org/dc/terms/> .
        <id/graph/retired> { <id/org/gone> a kg:RemovedResource ;
            dct:description "Togs bort: ingen källa nämner den."@sv , "Removed: no source names it."@en ;
            dct:date "2026-12-01"^^<http://www.w3.org/2001/XMLSchema#date> . }""",
        encoding="utf-8",
    )
    settings = make_settings(tmp_path)
    store = EmbeddedStore(settings.paths.store_path, writable=True)
    store.replace([record], base_iri=settings.server.base_iri)
    with TestClient(create_app(settings, store)) as c:
        html = c.get("/id/org/gone", headers={"Accept-Language": "sv"})
        assert html.status_code == 410 and "Borttagen" in html.text and "ingen källa" in html.text
        en = c.get("/id/org/gone?lang=en")
        assert en.status_code == 410 and "Removed: no source names it." in en.text
        for suffix in ("ttl", "nt", "jsonld", "rdf"):
            r = c.get(f"/id/org/gone.{suffix}")
            assert r.status_code == 410 and "RemovedResource" in r.text, suffix
        assert "location" not in html.headers
        assert c.head("/id/org/gone").status_code == 410
