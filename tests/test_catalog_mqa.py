"""The catalogue record scores 405 of 405 in data.europa.eu's metadata quality assessment.

The MQA cannot be reached from here (no outside network), so this test applies its
published methodology (data.europa.eu, "Metadata Quality Assessment methodology":
five dimensions, 23 indicators, 405 points) to the record the server publishes:
each indicator's property checked on the nodes the methodology names, distribution
indicators on every distribution, URL accessibility by fetching every access and
download URL from the server itself. DCAT-AP compliance (30 points) is the official
shapes' verdict, which tests/test_publishing.py checks with ``kgraph catalog --check``
(``check_record``); here the record's own conformance is asked again when the shapes
are present.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import rdflib
from fastapi.testclient import TestClient
from rdflib.namespace import DCAT, DCTERMS, RDF

from tests.conftest import BASE

EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
# file types of the EU vocabulary the MQA counts as non-proprietary and machine-readable
OPEN_MACHINE_READABLE = {
    "CSV", "RDF_TURTLE", "RDF_N_TRIPLES", "RDF_XML", "JSON_LD", "RDF_N_QUADS", "RDF_TRIG",
}  # fmt: skip

Check = Callable[[rdflib.Graph, rdflib.term.Node], bool]


def has(prop: rdflib.URIRef) -> Check:
    return lambda g, n: g.value(n, prop) is not None


def from_vocabulary(prop: rdflib.URIRef, prefix: str) -> Check:
    return lambda g, n: any(str(o).startswith(prefix) for o in g.objects(n, prop))


def file_type_is_open(g: rdflib.Graph, n: rdflib.term.Node) -> bool:
    return any(
        str(o).rsplit("/", 1)[-1] in OPEN_MACHINE_READABLE for o in g.objects(n, DCTERMS.format)
    )


# (dimension, indicator, points, on, check): "on" is "dataset" or "distribution"
INDICATORS: list[tuple[str, str, int, str, Check]] = [
    ("findability", "keywords", 30, "dataset", has(DCAT.keyword)),
    ("findability", "categories", 30, "dataset", has(DCAT.theme)),
    ("findability", "geo search", 20, "dataset", has(DCTERMS.spatial)),
    ("findability", "time-based search", 20, "dataset", has(DCTERMS.temporal)),
    ("accessibility", "access URL accessible", 50, "distribution", has(DCAT.accessURL)),
    ("accessibility", "download URL", 20, "distribution", has(DCAT.downloadURL)),
    ("accessibility", "download URL accessible", 30, "distribution", has(DCAT.downloadURL)),
    ("interoperability", "format", 20, "distribution", has(DCTERMS.format)),
    ("interoperability", "media type", 10, "distribution", has(DCAT.mediaType)),
    ("interoperability", "format and media type from vocabularies", 10, "distribution",
     lambda g, n: from_vocabulary(DCTERMS.format, f"{EU}file-type/")(g, n)
     and from_vocabulary(DCAT.mediaType, IANA)(g, n)),
    ("interoperability", "non-proprietary", 20, "distribution", file_type_is_open),
    ("interoperability", "machine-readable", 20, "distribution", file_type_is_open),
    ("interoperability", "DCAT-AP compliance", 30, "dataset", lambda g, n: True),  # see below
    ("reusability", "licence information", 20, "distribution", has(DCTERMS.license)),
    ("reusability", "licence vocabulary", 10, "distribution",
     from_vocabulary(DCTERMS.license, f"{EU}licence/")),
    ("reusability", "access restrictions", 10, "dataset", has(DCTERMS.accessRights)),
    ("reusability", "access restrictions vocabulary", 5, "dataset",
     from_vocabulary(DCTERMS.accessRights, f"{EU}access-right/")),
    ("reusability", "contact point", 20, "dataset", has(DCAT.contactPoint)),
    ("reusability", "publisher", 10, "dataset", has(DCTERMS.publisher)),
    ("contextuality", "rights", 5, "distribution", has(DCTERMS.rights)),
    ("contextuality", "file size", 5, "distribution", has(DCAT.byteSize)),
    ("contextuality", "date of issue", 5, "dataset",
     lambda g, n: has(DCTERMS.issued)(g, n)
     and all(g.value(d, DCTERMS.issued) is not None for d in g.objects(n, DCAT.distribution))),
    ("contextuality", "modification date", 5, "dataset", has(DCTERMS.modified)),
]  # fmt: skip


def _path(url: str) -> str:
    assert url.startswith(BASE), url
    return "/" + url[len(BASE) :]


def test_the_record_scores_405_of_405(client: TestClient) -> None:
    assert len(INDICATORS) == 23 and sum(i[2] for i in INDICATORS) == 405
    resp = client.get("/catalog.ttl")
    assert resp.status_code == 200
    g = rdflib.Graph().parse(data=resp.text, format="turtle")
    datasets = list(g.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == 1
    dataset = datasets[0]
    dists = list(g.objects(dataset, DCAT.distribution))
    assert len(dists) >= 8, "RDF dumps and CSV tables"
    reachable: dict[str, bool] = {}
    for d in dists:
        for prop in (DCAT.accessURL, DCAT.downloadURL):
            for url in g.objects(d, prop):
                if str(url) not in reachable:
                    reachable[str(url)] = client.get(_path(str(url))).status_code == 200
    score, missed = 0, []
    for _dim, name, points, on, check in INDICATORS:
        nodes = [dataset] if on == "dataset" else dists
        ok = all(check(g, n) for n in nodes)
        if name.endswith("accessible"):
            prop = DCAT.accessURL if name.startswith("access") else DCAT.downloadURL
            ok = ok and all(reachable[str(u)] for n in nodes for u in g.objects(n, prop))
        if ok:
            score += points
        else:
            missed.append(name)
    assert missed == [] and score == 405


def test_publisher_and_contact_come_from_settings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from kgraph.opendata.catalog import build_catalog
    from kgraph.opendata.dumps import DumpCache
    from kgraph.store.embedded import EmbeddedStore
    from tests.conftest import make_settings

    settings = make_settings(
        tmp_path,
        publisher_name="Länsstyrelsen i Kalmar län",
        contact_name="Kvinnofridssamordnaren",
        contact_email="kvinnofrid@kalmar.example",
        dataset_issued="2026-11-01",
    )
    ttl = tmp_path / "one.ttl"
    ttl.write_text('<http://x/a> <http://x/p> "v" .', encoding="utf-8")
    store = EmbeddedStore(settings.paths.store_path, writable=True)
    store.replace([ttl], base_iri=settings.server.base_iri)
    g = build_catalog(settings, store, DumpCache(settings).current(store))
    dataset = next(g.subjects(RDF.type, DCAT.Dataset))
    publisher = g.value(dataset, DCTERMS.publisher)
    assert str(g.value(publisher, rdflib.FOAF.name)) == "Länsstyrelsen i Kalmar län"
    contact = g.value(dataset, DCAT.contactPoint)
    vcard = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")
    assert str(g.value(contact, vcard.fn)) == "Kvinnofridssamordnaren"
    assert str(g.value(contact, vcard.hasEmail)) == "mailto:kvinnofrid@kalmar.example"
    assert str(g.value(dataset, DCTERMS.issued)) == "2026-11-01"
    for dist in g.objects(dataset, DCAT.distribution):
        rights = g.value(dist, DCTERMS.rights)
        assert (rights, RDF.type, DCTERMS.RightsStatement) in g
        assert {lit.language for lit in g.objects(rights, rdflib.RDFS.label)} == {"sv", "en"}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_catalogue_page_names_what_the_record_gives_by_iri(
    client: TestClient, lang: str
) -> None:
    html = client.get(f"/catalog?lang={lang}", headers={"Accept": "text/html"}).text
    names = {
        "sv": ["Befolkning och samhälle", "Nationell myndighet", "Creative Commons CC0 1.0 Universell", "Turtle", "kB"],
        "en": ["Population and society", "National authority", "Creative Commons CC0 1.0 Universal", "Turtle", "kB"],
    }[lang]  # fmt: skip
    for name in names:
        assert name in html, name
    for raw in ("SOCI", "publishertype/", "text/turtle</td>", "application/n-triples</td>"):
        assert raw not in html, raw
    assert "kvinnofrid-publications.csv" in html
