"""Linked-data pages: every IRI dereferences, in HTML and every RDF format."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
import rdflib
from fastapi.testclient import TestClient

from kgraph.formats import NTRIPLES
from kgraph.settings import Settings
from kgraph.shacl.reference import collect_rdf_files
from kgraph.store.embedded import EmbeddedStore
from kgraph.web.app import create_app
from tests.conftest import BASE, ROOT, make_settings

RDF_TYPES = {
    "text/turtle": "turtle",
    "application/ld+json": "json-ld",
    "application/rdf+xml": "xml",
    "application/n-triples": "nt",
}
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
SUFFIXES = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "nt": "application/n-triples",
}


def subjects(store: EmbeddedStore) -> list[str]:
    rows = store.select("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) } ORDER BY ?s")
    return [r["s"].value for r in rows]


def own_triples(store: EmbeddedStore, iri: str) -> rdflib.Graph:
    nt = store.construct(f"CONSTRUCT {{ <{iri}> ?p ?o }} WHERE {{ <{iri}> ?p ?o }}", NTRIPLES)
    return rdflib.Graph().parse(data=nt.decode(), format="nt")


def assert_contains(answer: rdflib.Graph, expected: rdflib.Graph, where: str) -> None:
    for s, p, o in expected:
        if isinstance(o, rdflib.BNode):
            assert any(isinstance(x, rdflib.BNode) for x in answer.objects(s, p)), (where, p)
            continue
        assert (s, p, o) in answer, (where, s, p, o)


def test_every_subject_dereferences(client: TestClient, repo_store: EmbeddedStore) -> None:
    iris = subjects(repo_store)
    source = rdflib.Dataset()
    for f in collect_rdf_files([ROOT / "ontology", ROOT / "data"]):
        source.parse(f, format="trig", publicID=BASE)
    expected_iris = {str(s) for s, _, _, _ in source.quads() if isinstance(s, rdflib.URIRef)}
    assert set(iris) == expected_iris and len(iris) > 100, "the walk covers every subject"
    outside = [i for i in iris if not i.startswith(BASE)]
    assert outside == [], "every subject lives in the dataset's URI space"
    merged = {  # retired IRIs answer 301 to the resource kept (test_retired.py)
        str(s)
        for s, _, _, _ in source.quads(
            (None, rdflib.RDF.type, rdflib.URIRef(BASE + "def/MergedResource"), None)
        )
    }
    assert len(merged) == 2
    for iri in iris:
        path = iri[len(BASE) - 1 :]
        if iri in merged:
            assert client.get(path, follow_redirects=False).status_code == 301, iri
            continue
        page = client.get(path, headers={"Accept": "text/html"})
        assert page.status_code == 200, iri
        assert page.headers["content-type"].startswith("text/html")
        expected = own_triples(repo_store, iri)
        assert len(expected) > 0
        for media, parser in RDF_TYPES.items():
            r = client.get(path, headers={"Accept": media})
            assert r.status_code == 200, (iri, media)
            assert r.headers["content-type"].split(";")[0] == media
            graph = rdflib.Graph().parse(data=r.content, format=parser, publicID=iri)
            assert_contains(graph, expected, f"{iri} as {media}")


def test_suffix_documents_match_negotiation(client: TestClient, repo_store: EmbeddedStore) -> None:
    iri = BASE + "id/grant/orebro-kommuner-2009"
    expected = own_triples(repo_store, iri)
    for suffix, media in SUFFIXES.items():
        r = client.get(f"/id/grant/orebro-kommuner-2009.{suffix}")
        assert r.status_code == 200
        assert r.headers["content-type"].split(";")[0] == media
        assert "content-location" not in r.headers
        graph = rdflib.Graph().parse(data=r.content, format=RDF_TYPES[media], publicID=iri)
        assert_contains(graph, expected, suffix)


def test_blank_node_amount_is_described(client: TestClient) -> None:
    r = client.get("/id/grant/orebro-kommuner-2009.ttl")
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    schema = rdflib.Namespace("https://schema.org/")
    amounts = list(g.objects(rdflib.URIRef(BASE + "id/grant/orebro-kommuner-2009"), schema.amount))
    assert len(amounts) == 1 and isinstance(amounts[0], rdflib.BNode)
    assert g.value(amounts[0], schema.currency) == rdflib.Literal("SEK")
    assert g.value(amounts[0], schema.value) is not None


def test_description_includes_labels_of_linked_resources(client: TestClient) -> None:
    r = client.get("/id/publication/ratten-till-ett-eget-liv-2004-6.nt")
    g = rdflib.Graph().parse(data=r.text, format="nt")
    label = g.value(rdflib.URIRef(BASE + "id/board/kalmar"), rdflib.RDFS.label)
    assert label is not None and "Kalmar" in str(label)


def test_ontology_terms_and_ontology_document(client: TestClient) -> None:
    r = client.get("/def/CountyBoard", headers={"Accept": "text/turtle"})
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    assert (rdflib.URIRef(BASE + "def/CountyBoard"), rdflib.RDF.type, rdflib.OWL.Class) in g
    onto = client.get("/def/", headers={"Accept": "text/turtle"})
    assert onto.status_code == 200
    assert onto.headers["content-location"] == "/def/index.ttl"
    og = rdflib.Graph().parse(data=onto.text, format="turtle")
    assert (rdflib.URIRef(BASE + "def/"), rdflib.RDF.type, rdflib.OWL.Ontology) in og
    assert (rdflib.URIRef(BASE + "def/Report"), rdflib.RDF.type, rdflib.OWL.Class) in og
    html = client.get("/def/").text
    assert 'href="/def/CountyBoard?lang=sv"' in html and 'href="/def/carriesOut?lang=sv"' in html


def test_scheme_concept_and_dataset_dereference(client: TestClient) -> None:
    for path in ("/id/scheme/topics", "/id/topic/hedersrelaterat-vald", "/id/dataset/kvinnofrid"):
        page = client.get(path)
        assert page.status_code == 200, path
        ttl = client.get(path + ".ttl")
        assert ttl.status_code == 200, path
        g = rdflib.Graph().parse(data=ttl.text, format="turtle")
        assert (rdflib.URIRef(BASE + path[1:]), rdflib.RDF.type, None) in g
    ds = client.get("/id/dataset/kvinnofrid.jsonld")
    assert "http://rdfs.org/ns/void#Dataset" in ds.text


def test_board_page_content(client: TestClient) -> None:
    r = client.get("/id/board/kalmar", headers={"Accept-Language": "sv"})
    html = r.text
    assert '<html lang="sv">' in html and "<h1>Länsstyrelsen i Kalmar län</h1>" in html
    assert "Nämns i" in html and "Källor" in html
    # breadcrumbs: Home › class › resource, each link in the page's language
    crumbs = re.search(r'<nav class="crumbs".*?</nav>', html, re.S)
    assert crumbs is not None
    assert 'href="/?lang=sv"' in crumbs.group(0)
    assert 'href="/def/CountyBoard?lang=sv"' in crumbs.group(0)
    # labels, never raw IRIs, for linked resources and standard properties
    assert ">Verksamhetsområde</a>" in html and ">Kalmar län</a>" in html
    # charts: publications per year and co-authors, as inline SVG with titles and tables
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 2
    assert 'aria-labelledby="chart-years-title"' in html
    assert html.count('<details class="chart-data">') == 2
    assert "Blekinge län</text>" in html and '<th scope="row"><a href="/id/board/blekinge' in html
    assert 'href="/id/board/kronoberg?lang=sv"' in html
    # schema.org JSON-LD for search engines
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert m is not None
    data = json.loads(m.group(1))
    assert data["@type"] == "GovernmentOrganization" and data["@id"] == BASE + "id/board/kalmar"


def test_publication_page_shows_coauthoring_boards(client: TestClient) -> None:
    html = client.get("/id/publication/ratten-till-ett-eget-liv-2004-6").text
    assert 'id="chart-creators"' in html
    for board in ("blekinge", "kalmar", "kronoberg"):
        assert f'href="/id/board/{board}?lang=sv"' in html
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert m is not None
    data = json.loads(m.group(1))
    assert data["@type"] == "Report" and len(data["author"]) == 3


def test_english_by_accept_language_and_toggle(client: TestClient) -> None:
    en = client.get("/id/board/kalmar", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert en.headers["content-language"] == "en"
    assert '<html lang="en">' in en.text and "Mentioned in" in en.text
    assert "Kalmar County Administrative Board" in en.text
    sv = client.get("/id/board/kalmar")
    assert sv.headers["content-language"] == "sv" and 'href="/id/board/kalmar?lang=en"' in sv.text
    assert 'hreflang="en" lang="en">In English</a>' in sv.text
    assert "set-cookie" not in sv.headers
    toggled = client.get("/id/board/kalmar?lang=en", headers={"Accept-Language": "sv"})
    assert toggled.headers["content-language"] == "en"
    assert toggled.headers["set-cookie"].startswith("lang=en;")
    # the cookie keeps the choice where the URL names none, over Accept-Language
    kept = client.get("/id/board/kalmar", headers={"Accept-Language": "sv"})
    assert kept.headers["content-language"] == "en" and "Cookie" in kept.headers["vary"]
    assert 'href="/id/county/kalmar?lang=en"' in kept.text
    back = client.get("/id/board/kalmar?lang=sv")
    assert back.headers["content-language"] == "sv" and "lang=sv;" in back.headers["set-cookie"]
    client.cookies.clear()


def test_class_page_lists_instances_sorted_and_paginated(client: TestClient) -> None:
    r = client.get("/def/Publication?sort=year&order=asc")
    assert r.status_code == 200
    rows = re.findall(
        r"<tr><td><a href=\"(/id/publication/[^\"]+)\"[^>]*>.*?</a></td><td>(\d*)</td>", r.text
    )
    years = [y for _, y in rows if y]
    assert len(rows) > 5 and years == sorted(years)
    desc = client.get("/def/Publication?sort=year&order=desc").text
    years_desc = [
        y
        for _, y in re.findall(
            r"<td><a href=\"(/id/publication/[^\"]+)\".*?</td><td>(\d*)</td>", desc
        )
        if y
    ]
    assert years_desc == sorted(years_desc, reverse=True)
    by_title = client.get("/def/Report?sort=label").text
    titles = re.findall(r'<tr><td><a href="/id/publication/[^"]+">(.*?)</a>', by_title)
    assert titles and titles == sorted(titles, key=str.lower)
    assert client.get("/def/Publication?page=99").status_code == 400
    assert client.get("/def/Publication?sort=colour").status_code == 400


def test_class_page_paginates(tmp_path: Path) -> None:
    ttl = tmp_path / "many.ttl"
    items = "\n".join(
        f'<id/thing/t{i:02d}> a <def/Thing> ; <{RDFS_LABEL}> "T{i:02d}"@sv .' for i in range(30)
    )
    ttl.write_text(
        "<def/Thing> a <http://www.w3.org/2002/07/owl#Class> ; "
        '<http://www.w3.org/2000/01/rdf-schema#label> "sak"@sv .\n' + items,
        encoding="utf-8",
    )
    settings = make_settings(tmp_path)
    store = EmbeddedStore(settings.paths.store_path, writable=True)
    store.replace([ttl], base_iri=settings.server.base_iri)
    with TestClient(create_app(settings, store)) as c:
        first = c.get("/def/Thing").text
        second = c.get("/def/Thing?page=2").text
    assert first.count('href="/id/thing/') == 25 and second.count('href="/id/thing/') == 5
    assert 'rel="next" href="?page=2"' in first and 'rel="prev"' in second  # no lang asked


def test_home_page(client: TestClient, repo_store: EmbeddedStore) -> None:
    html = client.get("/").text
    for path in ("/sparql", "/dumps/", "/catalog", "/def/CountyBoard", "/id/dataset/kvinnofrid"):
        assert f'href="{path}?lang=sv"' in html, path
    counties = repo_store.select(f"SELECT (COUNT(*) AS ?n) {{ ?c a <{BASE}def/County> }}")[0]["n"]
    m = re.search(
        r'<a href="/def/County\?lang=sv"[^>]*>län</a></th><td class="num">(\d+)</td>', html
    )
    assert m is not None and m.group(1) == counties.value
    assert '<link rel="canonical" href="http://127.0.0.1:8000/">' in html  # as it was asked
    asked = client.get("/?lang=sv").text
    assert '<link rel="canonical" href="http://127.0.0.1:8000/?lang=sv">' in asked
    assert '<link rel="alternate" hreflang="en" href="http://127.0.0.1:8000/?lang=en">' in html
    assert '<meta name="description" content="' in html


def test_unknown_paths_are_404_never_500(client: TestClient) -> None:
    for path in (
        "/id/nothing/here",
        "/def/NoSuchTerm",
        "/id/x%3E%20%7D",
        "/id/%22quoted%22.ttl",
        "/id/favicon.ico",
    ):
        r = client.get(path)
        assert r.status_code == 404, path
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert client.get("/id/nothing", headers={"Accept": "image/png"}).status_code == 406


@pytest.fixture
def hostile_client(tmp_path: Path) -> TestClient:
    ttl = tmp_path / "hostile.ttl"
    ttl.write_text(
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        '<id/thing/evil> a <def/Thing> ; rdfs:label "<script>alert(1)</script>"@sv ;\n'
        '  rdfs:comment "</script><img src=x onerror=alert(2)>"@sv ;\n'
        '  <http://purl.org/dc/terms/title> "a & b <b>bold</b>" .\n',
        encoding="utf-8",
    )
    settings: Settings = make_settings(tmp_path)
    store = EmbeddedStore(settings.paths.store_path, writable=True)
    store.replace([ttl], base_iri=settings.server.base_iri)
    return TestClient(create_app(settings, store))


def test_literals_are_escaped(hostile_client: TestClient) -> None:
    with hostile_client as c:
        html = c.get("/id/thing/evil").text
        search = c.get("/search?q=script").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    body = re.sub(r'<script type="application/ld\+json">.*?</script>', "", html, flags=re.S)
    assert "<img src=x" not in body and "<b>bold</b>" not in body
    assert "&lt;img src=x onerror=alert(2)&gt;" in body
    # inside the embedded JSON-LD, "</" is written "<\/": the script element cannot be closed
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert m is not None
    assert "<\\/script>" in m.group(1)
    assert json.loads(m.group(1))["name"] == "<script>alert(1)</script>"
    assert "<script>alert(1)" not in search and "&lt;script&gt;alert(1)" in search


def test_a_hub_lists_a_few_incoming_links_and_links_to_all(tmp_path: Path) -> None:
    from kgraph.linkeddata.describe import INCOMING_PER_PROPERTY

    n = INCOMING_PER_PROPERTY + 10
    ttl = tmp_path / "hub.ttl"
    ttl.write_text(
        "@prefix dct: <http://purl.org/dc/terms/> .\n"
        '<id/board/hub> <http://www.w3.org/2000/01/rdf-schema#label> "Hubben"@sv .\n'
        + "".join(
            f'<id/publication/p{i}> dct:creator <id/board/hub> ; dct:title "P{i}"@sv .\n'
            for i in range(n)
        ),
        encoding="utf-8",
    )
    settings = make_settings(tmp_path, query_workers=0)
    store = EmbeddedStore(settings.paths.store_path, writable=True)
    store.replace([ttl], base_iri=settings.server.base_iri)
    with TestClient(create_app(settings, store)) as c:
        page = c.get("/id/board/hub", headers={"Accept": "text/html"})
        assert page.status_code == 200
        assert page.text.count('href="/id/publication/p') == INCOMING_PER_PROPERTY
        more = re.search(r'<dd class="more"><a href="([^"]+)">och 10 till', page.text)
        assert more is not None
        listing = c.get(html.unescape(more.group(1)), headers={"Accept": "text/html"})
        assert listing.status_code == 200
        assert listing.text.count('href="/id/publication/p') == n
