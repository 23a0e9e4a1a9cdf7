"""Dumps, VoID and the DCAT-AP-SE record over the repository's data (and small stores)."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from fastapi.testclient import TestClient
from rdflib import RDF, BNode, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

from kgraph.cli import cli
from kgraph.opendata.catalog import build_catalog
from kgraph.opendata.catalog_check import check_record
from kgraph.opendata.dumps import DumpCache, write_dumps
from kgraph.settings import Settings
from kgraph.store.embedded import EmbeddedStore
from kgraph.web.app import create_app

from .conftest import ROOT, make_settings

SHARED = ROOT.parent / "shared"
needs_shapes = pytest.mark.skipif(
    not (SHARED / "dcat-ap" / "3.0.1").is_dir(), reason="DCAT-AP shapes not present"
)
VCARD = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
RDFLIB_FORMAT = {"ntriples": "nt", "turtle": "turtle", "jsonld": "json-ld", "rdfxml": "xml",
                 "nquads": "nquads", "trig": "trig"}  # fmt: skip
OX_FORMAT = {"ntriples": ox.RdfFormat.N_TRIPLES, "turtle": ox.RdfFormat.TURTLE,
             "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML,
             "nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG}  # fmt: skip


def shapes_settings(tmp: Path, **kw: object) -> Settings:
    return make_settings(
        tmp, dcat_ap_dir=SHARED / "dcat-ap", dcat_ap_se_dir=SHARED / "dcat-ap-se", **kw
    )


@pytest.fixture(scope="module")
def pub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, TestClient]]:
    """The app over the repository's data with its own dumps folder and the shapes' paths."""
    from kgraph.shacl.reference import collect_rdf_files

    tmp = tmp_path_factory.mktemp("pub")
    settings = shapes_settings(tmp)
    store = EmbeddedStore(settings.paths.store_path, writable=True)
    store.replace(
        collect_rdf_files([ROOT / "ontology", ROOT / "data"]), base_iri=settings.server.base_iri
    )
    with TestClient(create_app(settings, store)) as client:
        yield settings, client


def record(client: TestClient, path: str = "/catalog.rdf") -> rdflib.Graph:
    resp = client.get(path)
    assert resp.status_code == 200, resp.text
    return rdflib.Graph().parse(data=resp.content, format="xml")


def count(store: EmbeddedStore, sparql: str) -> int:
    return int(store.select(sparql)[0]["n"].value)


# -- the record against the official shapes ----------------------------------


@needs_shapes
@pytest.mark.parametrize("profile", ["3.0.1", "2.1.1"])
def test_record_conforms_to_dcat_ap_and_se_shapes(
    pub: tuple[Settings, TestClient], profile: str
) -> None:
    settings, client = pub
    graph = record(client, f"/catalog.rdf?profile={profile}")
    report = check_record(graph, settings, profile)
    assert report.violations == [], report.render()
    assert len(report.files) == 4  # shapes, range, recommended, SE additions
    # the recommended shapes did run: their results are warnings, never violations
    assert all(r.severity in ("Warning", "Info") for r in report.results)


@needs_shapes
@pytest.mark.parametrize(
    ("subject_class", "prop"),
    [
        (DCAT.Dataset, DCTERMS.title),  # EU shapes: mandatory
        (DCAT.Catalog, DCTERMS.license),  # DCAT-AP-SE addition
        (FOAF.Agent, DCTERMS.type),  # DCAT-AP-SE addition
        (DCAT.Distribution, DCAT.accessURL),  # EU shapes: mandatory
    ],
)
def test_check_fails_when_a_required_property_is_removed(
    pub: tuple[Settings, TestClient], subject_class: URIRef, prop: URIRef
) -> None:
    settings, client = pub
    graph = record(client)
    subjects = set(graph.subjects(RDF.type, subject_class))
    assert subjects
    removed = 0
    for s in subjects:
        for o in list(graph.objects(s, prop)):
            graph.remove((s, prop, o))
            removed += 1
    assert removed
    report = check_record(graph, settings)
    assert not report.conforms
    assert any(str(prop) in r.path or r.path.endswith(prop.split("/")[-1].split("#")[-1])
               for r in report.violations), report.render()  # fmt: skip


@needs_shapes
def test_cli_catalog_check(pub: tuple[Settings, TestClient], tmp_path: Path) -> None:
    settings, _ = pub
    runner = CliRunner()
    env = {"KGRAPH_DCAT_AP_DIR": str(settings.validation.dcat_ap_dir),
           "KGRAPH_DCAT_AP_SE_DIR": str(settings.validation.dcat_ap_se_dir),
           "KGRAPH_DUMPS_DIR": str(settings.paths.dumps_path)}  # fmt: skip
    ok = runner.invoke(cli, ["catalog", "--check", "--store", settings.paths.store], env=env)
    assert ok.exit_code == 0, ok.output
    assert "0 violation(s)" in ok.output
    # shapes that demand what the record lacks: the check fails with the report
    strict = tmp_path / "se"
    strict.mkdir()
    (strict / "dcat-ap-se-additions.ttl").write_text(
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix dcat: <http://www.w3.org/ns/dcat#> .\n"
        "[] a sh:NodeShape ; sh:targetClass dcat:Catalog ; sh:property "
        "[ sh:path dcat:record ; sh:minCount 1 ] .\n"
    )
    failed = runner.invoke(
        cli, ["catalog", "--check", "--store", settings.paths.store],
        env={**env, "KGRAPH_DCAT_AP_SE_DIR": str(strict)},
    )  # fmt: skip
    assert failed.exit_code != 0
    assert "dcat:record" in failed.output
    missing = runner.invoke(
        cli, ["catalog", "--check", "--store", settings.paths.store],
        env={**env, "KGRAPH_DCAT_AP_DIR": str(tmp_path / "nowhere")},
    )  # fmt: skip
    assert missing.exit_code != 0


# -- what the Swedish portal harvests ----------------------------------------


def test_portal_rules(pub: tuple[Settings, TestClient]) -> None:
    settings, client = pub
    graph = record(client)
    named = [DCAT.Catalog, DCAT.Dataset, DCAT.Distribution, DCAT.DataService, FOAF.Agent,
             VCARD.Kind]  # fmt: skip
    for cls in named:
        nodes = list(graph.subjects(RDF.type, cls))
        assert nodes, cls
        assert not [n for n in nodes if isinstance(n, BNode)], f"blank {cls}"
    for node in graph.all_nodes():
        if isinstance(node, URIRef):
            assert str(node).startswith(("http://", "https://", "mailto:")), node
    # absolute in the harvested document itself, not only after resolution against its URL
    xml = client.get("/catalog.rdf").text
    assert "xml:base" not in xml
    refs = re.findall(r'rdf:(?:about|resource)="([^"]*)"', xml)
    assert refs and all(r.startswith(("http://", "https://", "mailto:")) for r in refs)
    catalog = next(graph.subjects(RDF.type, DCAT.Catalog))
    assert graph.value(catalog, DCTERMS.license) == URIRef(settings.catalogue.license_iri)
    for agent in graph.subjects(RDF.type, FOAF.Agent):
        assert graph.value(agent, DCTERMS.type) is not None
        assert graph.value(agent, FOAF.name) is not None
    for dataset in graph.subjects(RDF.type, DCAT.Dataset):
        point = graph.value(dataset, DCAT.contactPoint)
        assert point is not None
    for point in graph.subjects(RDF.type, VCARD.Kind):
        email = graph.value(point, VCARD.hasEmail)
        assert email is not None and str(email) == f"mailto:{settings.catalogue.contact_email}"
    dists = list(graph.subjects(RDF.type, DCAT.Distribution))
    assert len(dists) >= 4
    for dist in dists:
        assert str(graph.value(dist, DCTERMS.format)).startswith(
            "http://publications.europa.eu/resource/authority/file-type/"
        )
        assert str(graph.value(dist, DCAT.mediaType)).startswith(
            "https://www.iana.org/assignments/media-types/"
        )
    resp = client.get("/catalog", headers={"Origin": "https://www.dataportal.se"})
    assert resp.headers["access-control-allow-origin"] == "*"
    assert client.get("/catalog.rdf").headers["access-control-allow-origin"] == "*"


def test_record_content_from_settings_and_data(tmp_path: Path, small_store: EmbeddedStore) -> None:
    settings = make_settings(
        tmp_path,
        publisher_name="Länsstyrelsen i Kalmar län",
        publisher_iri="https://www.lansstyrelsen.se/kalmar",
        contact_email="kvinnofrid@example.se",
        license_iri="https://creativecommons.org/licenses/by/4.0/",
    )
    manifest = DumpCache(settings).current(small_store)
    graph = build_catalog(settings, small_store, manifest)
    publisher = URIRef("https://www.lansstyrelsen.se/kalmar")
    assert (publisher, RDF.type, FOAF.Agent) in graph
    assert str(graph.value(publisher, FOAF.name)) == "Länsstyrelsen i Kalmar län"
    dataset = URIRef(f"{settings.server.base_iri}id/dataset/kvinnofrid")
    assert graph.value(dataset, DCTERMS.publisher) == publisher
    # a licence named by its Creative Commons URL is written as the EU vocabulary's IRI
    cc_by = URIRef("http://publications.europa.eu/resource/authority/licence/CC_BY_4_0")
    assert graph.value(dataset, DCTERMS.license) == cc_by
    langs = {t.language for t in graph.objects(dataset, DCTERMS.title)}
    assert langs == {"sv", "en"}
    themes = {str(t).rsplit("/", 1)[-1] for t in graph.objects(dataset, DCAT.theme)}
    assert themes == {"SOCI", "JUST", "GOVE"}
    assert graph.value(dataset, DCTERMS.temporal) is None  # the small store has no years
    # the small store has named graphs: an N-Quads distribution holds them
    formats = {str(o).rsplit("/", 1)[-1] for o in graph.objects(None, DCTERMS.format)}
    assert "RDF_N_QUADS" in formats


def test_temporal_and_spatial_coverage_from_the_data(pub: tuple[Settings, TestClient]) -> None:
    settings, client = pub
    graph = record(client)
    store: EmbeddedStore = client.app.state.store  # type: ignore[attr-defined]
    years = [
        int(r["y"].value[:4])
        for r in store.select(
            "SELECT ?y { ?s ?p ?y FILTER(DATATYPE(?y) = <http://www.w3.org/2001/XMLSchema#gYear>) }"
        )
    ]
    assert years
    dataset = URIRef(f"{settings.server.base_iri}id/dataset/kvinnofrid")
    period = graph.value(dataset, DCTERMS.temporal)
    assert (period, RDF.type, DCTERMS.PeriodOfTime) in graph
    assert str(graph.value(period, DCAT.startDate)) == f"{min(years)}-01-01"
    assert str(graph.value(period, DCAT.endDate)) == f"{max(years)}-12-31"
    places = {str(p) for p in graph.objects(dataset, DCTERMS.spatial)}
    assert "http://publications.europa.eu/resource/authority/country/SWE" in places
    n_counties = count(
        store, "SELECT (COUNT(DISTINCT ?c) AS ?n) { ?c a <http://127.0.0.1:8000/def/County> }"
    )
    assert len([p for p in places if "/nuts/code/SE" in p]) == n_counties == 21
    assert "http://data.europa.eu/nuts/code/SE213" in places  # Kalmar län


# -- dumps ---------------------------------------------------------------------


def test_dumps_parse_to_the_store_count_and_match_the_record(
    pub: tuple[Settings, TestClient],
) -> None:
    _, client = pub
    store: EmbeddedStore = client.app.state.store  # type: ignore[attr-defined]
    triples = count(store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")
    index = client.get("/dumps/", headers={"Accept": "application/json"}).json()
    assert index["version"] == store.info().version
    assert {f["format"] for f in index["files"]} >= {"ntriples", "turtle", "jsonld", "rdfxml"}
    graph = record(client)
    sizes = {str(d): int(s) for d, s in graph.subject_objects(DCAT.byteSize)}
    sums = {}
    for dist, node in graph.subject_objects(SPDX.checksum):
        sums[str(dist)] = str(graph.value(node, SPDX.checksumValue))
    downloads = {str(graph.value(d, DCAT.downloadURL)): str(d)
                 for d in graph.subjects(RDF.type, DCAT.Distribution)}  # fmt: skip
    assert len(downloads) == len(index["files"]) + len(index["tables"])
    for f in index["tables"]:  # the CSV tables: as the record and the manifest describe them
        resp = client.get(f"/dumps/{f['name']}")
        assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/csv")
        dist = downloads[f["url"]]
        assert sizes[dist] == len(resp.content) == f["bytes"]
        assert sums[dist] == hashlib.sha256(resp.content).hexdigest() == f["sha256"]
        rows = list(csv.reader(io.StringIO(resp.content.decode("utf-8"))))
        assert rows[0][0] == "iri" and len(rows) - 1 == f["statements"] > 0, f["name"]
    assert {f["name"] for f in index["tables"]} == {
        f"kvinnofrid-{t}.csv" for t in ("publications", "boards", "grants", "activities")
    }
    for f in index["files"]:
        resp = client.get(f"/dumps/{f['name']}")
        assert resp.status_code == 200
        body = resp.content
        assert len(body) == f["bytes"] == int(resp.headers["content-length"])
        assert hashlib.sha256(body).hexdigest() == f["sha256"]
        dist = downloads[f["url"]]
        assert sizes[dist] == len(body)
        assert sums[dist] == hashlib.sha256(body).hexdigest()
        if f["compressed"]:
            assert resp.headers["content-type"] == "application/gzip"
            assert "content-encoding" not in resp.headers
            body = gzip.decompress(body)
        else:
            assert resp.headers["content-type"].startswith(f["media_type"])
        expected = store.info().triples if f["whole_dataset"] else triples
        parsed = rdflib.Dataset() if f["whole_dataset"] else rdflib.Graph()
        parsed.parse(data=body, format=RDFLIB_FORMAT[f["format"]])
        found = len(list(parsed.quads())) if f["whole_dataset"] else len(parsed)
        assert found == expected == f["statements"], f["name"]
        ox_count = sum(1 for _ in ox.parse(io.BytesIO(body), format=OX_FORMAT[f["format"]]))
        assert ox_count == expected, f["name"]


def test_dump_set_with_named_graphs(tmp_path: Path, small_store: EmbeddedStore) -> None:
    settings = make_settings(tmp_path)
    out = tmp_path / "out"
    manifest = write_dumps(small_store, settings, out)
    names = {f.name for f in manifest.files}
    assert {"kvinnofrid.nq.gz", "kvinnofrid.trig"} <= names
    with gzip.open(out / "kvinnofrid.nq.gz") as fh:
        quads = list(ox.parse(fh, format=ox.RdfFormat.N_QUADS))
    trig = list(ox.parse(path=str(out / "kvinnofrid.trig"), format=ox.RdfFormat.TRIG))
    in_graphs = count(small_store, "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }")
    outside = count(
        small_store,
        "SELECT (COUNT(*) AS ?n) { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }",
    )
    union = count(small_store, "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }")  # the default graph
    assert in_graphs > 0 and outside > 0 and union == in_graphs + outside
    # the dataset formats hold each statement once, in its graph; the graph formats the union
    assert len(quads) == len(trig) == small_store.info().triples == outside + in_graphs
    assert {str(q) for q in quads} == {str(q) for q in trig}
    triples = list(ox.parse(path=str(out / "kvinnofrid.ttl"), format=ox.RdfFormat.TURTLE))
    assert len(triples) == union
    data = json.loads((out / "manifest.json").read_text())
    assert data["version"] == small_store.info().version
    for f in data["files"]:
        assert hashlib.sha256((out / f["name"]).read_bytes()).hexdigest() == f["sha256"]
    # a second run replaces the set; a folder with other files is refused
    assert write_dumps(small_store, settings, out).version == manifest.version
    other = tmp_path / "other"
    other.mkdir()
    (other / "keep.txt").write_text("mine")
    with pytest.raises(Exception, match="not empty"):
        write_dumps(small_store, settings, other)
    assert (other / "keep.txt").read_text() == "mine"


def test_cli_dump(tmp_path: Path, small_store: EmbeddedStore) -> None:
    out = tmp_path / "cli-out"
    result = CliRunner().invoke(cli, ["dump", "--out", str(out), "--store", str(small_store.root)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["version"] == small_store.info().version
    assert all(f["sha256"] in result.output for f in manifest["files"])


def test_head_and_conditional_get(pub: tuple[Settings, TestClient]) -> None:
    _, client = pub
    name = "kvinnofrid.ttl"
    full = client.get(f"/dumps/{name}")
    etag = full.headers["etag"]
    assert etag == '"' + hashlib.sha256(full.content).hexdigest() + '"'
    head = client.head(f"/dumps/{name}")
    assert head.status_code == 200
    assert head.content == b""
    assert head.headers["content-length"] == str(len(full.content))
    assert head.headers["etag"] == etag
    not_modified = client.get(f"/dumps/{name}", headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    assert not_modified.headers["etag"] == etag
    other = client.get(f"/dumps/{name}", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200
    assert client.head("/dumps/").status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/dumps/nothing.ttl",
        "/dumps/manifest.json",
        "/dumps/.lock",
        "/dumps/../pyproject.toml",
        "/dumps/%2e%2e/%2e%2e/etc/passwd",
        "/dumps/%2e%2e%2fmanifest.json",
        "/dumps/..%2f..%2fstore%2fcurrent",
        "/dumps/%2E%2E",
    ],
)
def test_dump_paths_outside_the_folder_are_not_served(
    pub: tuple[Settings, TestClient], path: str
) -> None:
    _, client = pub
    resp = client.get(path)
    assert resp.status_code == 404, (path, resp.status_code)


def test_dumps_regenerate_after_the_store_is_replaced(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    data = tmp_path / "a.ttl"
    data.write_text('<id/x> <def/year> "2001"^^<http://www.w3.org/2001/XMLSchema#gYear> .\n')
    store = EmbeddedStore(settings.paths.store_path, writable=True)
    store.replace([data], base_iri=settings.server.base_iri)
    with TestClient(create_app(settings, store)) as client:
        first = client.get("/dumps/?format=json").json()
        body1 = client.get("/dumps/kvinnofrid.nt.gz").content
        data.write_text(
            data.read_text()
            + '<id/y> <def/year> "2009"^^<http://www.w3.org/2001/XMLSchema#gYear> .\n'
        )
        store.replace([data], base_iri=settings.server.base_iri)
        second = client.get("/dumps/?format=json").json()
        assert second["version"] == store.info().version != first["version"]
        body2 = client.get("/dumps/kvinnofrid.nt.gz").content
        assert hashlib.sha256(body2).hexdigest() != hashlib.sha256(body1).hexdigest()
        assert len(gzip.decompress(body2).splitlines()) == 2
        cat = rdflib.Graph().parse(data=client.get("/catalog.ttl").content, format="turtle")
        assert hashlib.sha256(body2).hexdigest() in {
            str(o) for o in cat.objects(None, SPDX.checksumValue)
        }
        end = cat.value(next(cat.objects(None, DCTERMS.temporal)), DCAT.endDate)
        assert str(end) == "2009-12-31"
        void = rdflib.Graph().parse(data=client.get("/.well-known/void").content, format="turtle")
        assert int(next(void.objects(None, VOID.triples))) == 2
    sets = [p.name for p in settings.paths.dumps_path.iterdir() if not p.name.startswith(".")]
    assert store.info().version in sets and len(sets) <= 2  # older sets pruned


def test_a_full_disk_serves_the_previous_dumps_or_503(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writing dumps fails with ENOSPC: the previous set is served if there is one, else
    a 503 with Retry-After; never a 500, and nothing half-written stays behind."""
    import errno

    from kgraph.opendata import dumps

    settings = make_settings(tmp_path)
    data = tmp_path / "a.ttl"
    data.write_text("<id/x> <def/p> 1 .\n")
    store = EmbeddedStore(settings.paths.store_path, writable=True)
    store.replace([data], base_iri=settings.server.base_iri)
    real = dumps._write_one

    def full_disk(*args: Any, **kw: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with TestClient(create_app(settings, store)) as client:
        monkeypatch.setattr(dumps, "_write_one", full_disk)
        for path in ("/dumps/", "/catalog", "/dumps/kvinnofrid.ttl"):
            r = client.get(path)
            assert r.status_code == 503, (path, r.status_code, r.text[:200])
            assert r.headers["retry-after"] == "60" and "x-request-id" in r.headers
        monkeypatch.setattr(dumps, "_write_one", real)
        first = client.get("/dumps/?format=json").json()["version"]
        data.write_text("<id/x> <def/p> 1 .\n<id/y> <def/p> 2 .\n")
        store.replace([data], base_iri=settings.server.base_iri)
        monkeypatch.setattr(dumps, "_write_one", full_disk)
        stale = client.get("/dumps/?format=json")
        assert stale.status_code == 200 and stale.json()["version"] == first
        assert client.get("/dumps/kvinnofrid.ttl").status_code == 200
    assert not list(settings.paths.dumps_path.glob(".tmp-*"))
