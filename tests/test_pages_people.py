"""Pages written for people and found by machines: each value once, by name, in the reader's
language; pictures with their tables; sitemap, robots, JSON-LD; about and accessibility."""

from __future__ import annotations

import itertools
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kgraph.shacl.reference import collect_rdf_files
from kgraph.store.embedded import EmbeddedStore
from kgraph.web.app import create_app
from tests.conftest import BASE, ROOT, make_settings

HTML = {"Accept": "text/html"}
SVG = "{http://www.w3.org/2000/svg}"


def props(html: str) -> dict[str, list[str]]:
    """The property rows of a resource page: label -> values as text."""
    section = re.search(r'<dl class="props">(.*?)</dl></section>', html, re.S)
    assert section is not None
    rows = {}
    for row in re.findall(r'<div class="prop">(.*?)</div>', section.group(1), re.S):
        dt = re.sub(r"<[^>]+>", "", re.search(r"<dt>(.*?)</dt>", row, re.S).group(1)).strip()
        rows[dt] = [  # each value's text, without its provenance mark (_provenance.html)
            re.sub(r"<[^>]+>", "", re.sub(r'<small class="provenance".*?</small>', "", v)).strip()
            for v in re.findall(r"<dd>(.*?)</dd>", row, re.S)
        ]
    return rows


def test_a_board_page_shows_each_value_once(client: TestClient) -> None:
    rows = props(client.get("/id/board/kalmar?lang=sv").text)
    values = [v for vs in rows.values() for v in vs]
    assert values.count("Länsstyrelsen i Kalmar län") == 1, rows
    page = props(client.get("/id/page/nck-lansstyrelsen-kalmar?lang=sv").text)
    assert "Handlar om länsstyrelse" in page and "Huvudämne" not in page, (
        "a sub-property folds its super's"
    )
    assert "Namn" not in rows and "Etikett" not in rows


def test_a_report_page_has_numbers_once_titles_once_and_no_datatype_tags(
    client: TestClient,
) -> None:
    html = client.get("/id/publication/ratten-till-ett-eget-liv-2004-6?lang=sv").text
    rows = props(html)
    values = [v for vs in rows.values() for v in vs]
    assert len(values) == len(set(values)), rows
    assert "Rapportnummer" in rows and "Identifierare" not in rows
    assert rows["Utgiven"] == ["2004"] and 'class="dt"' not in html
    # the IRI once, the RDF documents by name
    assert html.count(">http://127.0.0.1:8000/id/publication/ratten-till-ett-eget-liv-2004-6<") == 1
    for name in ("Turtle", "JSON-LD", "RDF/XML", "N-Triples"):
        assert f"download>{name}</a>" in html, name


def test_numbers_are_written_in_the_readers_language(
    client: TestClient, repo_store: EmbeddedStore
) -> None:
    rows = repo_store.select(
        "SELECT ?s ?v WHERE { ?s <https://schema.org/value> ?v FILTER(?v >= 10000) } LIMIT 1"
    )
    assert rows, "a figure of five digits or more"
    iri, value = rows[0]["s"].value, rows[0]["v"].value
    owner = repo_store.select(f"SELECT ?o WHERE {{ ?o ?p <{iri}> }} LIMIT 1")
    path = "/" + (owner[0]["o"].value if owner else iri)[len(BASE) :]
    n = int(float(value))
    sv = client.get(path + "?lang=sv").text
    en = client.get(path + "?lang=en").text
    assert f"{n:,}".replace(",", "\xa0") in sv and f"{n:,}" in en


def test_the_dataset_page_reads_as_an_overview(client: TestClient) -> None:
    html = client.get("/id/dataset/kvinnofrid?lang=en").text
    for text in ("What the dataset is", "Get the data", "How to cite it", "Creative Commons CC0",
                 "21 of Sweden&#39;s 21 counties", "kvinnofrid-boards.csv", "SPARQL endpoint"):  # fmt: skip
        assert text in html, text
    assert "Dcat:" not in html and "Void:" not in html and "nuts/code" not in html
    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    )
    assert data["@type"] == "Dataset" and len(data["distribution"]) >= 8


@pytest.mark.parametrize("path", ["/", "/catalog"])
def test_home_and_catalogue_carry_a_schema_org_dataset(client: TestClient, path: str) -> None:
    html = client.get(path, headers=HTML).text
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert m is not None
    data = json.loads(m.group(1))
    assert data["@context"] == "https://schema.org" and data["@type"] == "Dataset"
    assert data["license"].startswith("https://creativecommons.org/")
    assert data["name"] and data["description"] and data["publisher"]["name"]


def test_every_kind_of_resource_has_a_proper_json_ld_type(
    client: TestClient, repo_store: EmbeddedStore
) -> None:
    rows = repo_store.select(
        f"SELECT ?c (MIN(STR(?s)) AS ?first) WHERE {{ ?s a ?c "
        f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{BASE}")) }} GROUP BY ?c'
    )
    pages = sorted({r["first"].value for r in rows})
    assert len(pages) >= 25
    types = {}
    for iri in pages:
        html = client.get("/" + iri[len(BASE) :], headers=HTML).text
        m = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
        assert m is not None, iri
        types[iri] = json.loads(m.group(1))["@type"]
    assert [iri for iri, t in types.items() if t == "Thing"] == []


def test_sitemap_lists_every_page_in_both_languages(
    client: TestClient, repo_store: EmbeddedStore
) -> None:
    robots = client.get("/robots.txt").text
    assert f"Sitemap: {BASE}sitemap.xml" in robots
    assert "Disallow: /sparql?" in robots and "Disallow: /sparql\n" not in robots
    root = ET.fromstring(client.get("/sitemap.xml").content)
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locs = [u.find(f"{ns}loc").text for u in root.findall(f"{ns}url")]
    subjects = {
        r["s"].value
        for r in repo_store.select(
            f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{BASE}")) }}'
        )
    }
    assert len(subjects) > 150
    for iri in subjects:
        assert f"{iri}?lang=sv" in locs and f"{iri}?lang=en" in locs, iri
    first = root.find(f"{ns}url")
    links = first.findall("{http://www.w3.org/1999/xhtml}link")
    assert {link.get("hreflang") for link in links} == {"sv", "en"}
    assert len(locs) == len(set(locs))


def test_about_and_accessibility_pages_speak_from_settings(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path,
        publisher_name="Länsstyrelsen i Testlän",
        contact_email="hej@test.example",
        contact_phone="010-123 45 67",
        accessibility_status="full",
        accessibility_issues_sv=[],
        about_en="About text from the settings.",
    )
    store = EmbeddedStore(settings.paths.store_path, writable=True)
    store.replace(collect_rdf_files([ROOT / "ontology"]), base_iri=settings.server.base_iri)
    with TestClient(create_app(settings, store)) as c:
        a11y = c.get("/accessibility?lang=sv").text
        about = c.get("/about?lang=en").text
        home = c.get("/?lang=sv", headers=HTML).text
    assert "Tillgänglighetsredogörelse" in a11y and "helt förenlig" in a11y
    assert "Kända brister" not in a11y and "mailto:hej@test.example" in a11y
    assert "digg.se" in a11y and "Länsstyrelsen i Testlän" in a11y
    assert "About text from the settings." in about and 'href="tel:010-1234567"' in about
    for href in ("/about?lang=sv", "/accessibility?lang=sv"):
        assert f'href="{href}"' in home, "linked from the footer"
    assert "kgraph 0.1.0" not in home


def test_the_map_is_a_link_per_county_with_a_table(client: TestClient) -> None:
    html = client.get("/map?lang=sv").text
    svg = re.search(
        r'(<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" id="map-publications".*?</svg>)',
        html,
        re.S,
    )
    assert svg is not None
    root = ET.fromstring(svg.group(1))
    assert root.get("role") == "group"
    links = root.findall(f"{SVG}a")
    assert len(links) == 21
    names = [a.get("aria-label") for a in links]
    assert "Kalmar län: 5 publikationer" in names and "Stockholms län: 0 publikationer" in names
    assert all(a.get("href").endswith("?lang=sv") for a in links)
    table = re.search(r'<details class="chart-data">.*?</details>', html, re.S).group(0)
    assert table.count('<th scope="row">') == 21
    assert "Natural Earth" in html, "the boundaries' source is named"
    activities = client.get("/map?measure=activities&lang=en").text
    assert "Supervisions and mappings per county" in activities
    assert client.get("/map?measure=colour").status_code == 400


def test_without_boundary_data_the_map_is_a_tile_grid(
    tmp_path: Path, repo_store: EmbeddedStore
) -> None:
    settings = make_settings(tmp_path, geodata_dir=tmp_path / "nothing-here")
    with TestClient(create_app(settings, repo_store)) as c:
        html = c.get("/map?lang=en").text
    assert "Each square is a county" in html and "Natural Earth" not in html
    assert html.count('aria-label="Kalmar County: 5 publications (08)"') == 1


def test_the_timeline_has_a_real_axis_and_every_thing_as_a_link(
    client: TestClient, repo_store: EmbeddedStore
) -> None:
    html = client.get("/timeline?lang=en").text
    svg = re.search(
        r'(<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" id="timeline".*?</svg>)',
        html,
        re.S,
    ).group(1)
    root = ET.fromstring(svg)
    marks = root.findall(f"{SVG}a")
    plans = int(repo_store.select(
        "SELECT (COUNT(DISTINCT ?s) AS ?n) { ?s a <http://www.w3.org/ns/prov#Plan> ; <http://purl.org/dc/terms/issued> ?y }"
    )[0]["n"].value)  # fmt: skip
    assert len(marks) > 30 and plans > 0
    ticks = [
        (int(t.text), float(t.get("x")))
        for t in root.iter(f"{SVG}text")
        if t.text and t.text.isdigit()
    ]
    years = [y for y, _ in ticks]
    assert years == sorted(years) and years[0] <= 2000 and years[-1] >= 2020
    steps = {round((x2 - x1) / (y2 - y1), 1) for (y1, x1), (y2, x2) in itertools.pairwise(ticks)}
    assert len(steps) == 1, "as many pixels for every year: a real time axis"
    assert all(a.get("aria-label") for a in marks)
    assert html.count('<th scope="row">') == len(marks)


def test_the_national_network_has_every_pair(client: TestClient, repo_store: EmbeddedStore) -> None:
    pairs = repo_store.select(
        "SELECT ?a ?b WHERE { ?p <http://purl.org/dc/terms/creator> ?a, ?b FILTER(STR(?a) < STR(?b)) } GROUP BY ?a ?b"
    )
    html = client.get("/network?lang=sv").text
    svg = re.search(
        r'(<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" id="network".*?</svg>)',
        html,
        re.S,
    ).group(1)
    root = ET.fromstring(svg)
    assert len(root.findall(f"{SVG}line")) == len(pairs) > 3
    nodes = root.findall(f"{SVG}a")
    assert len(nodes) == len({r[v].value for r in pairs for v in ("a", "b")})
    assert "Kalmar län" in svg, "a board is named by its county"


def test_the_error_page_is_a_page_of_the_site_in_the_readers_language(client: TestClient) -> None:
    r = client.get("/search?q=a&limit=0", headers={**HTML, "Accept-Language": "sv"})
    assert r.status_code == 400 and '<html lang="sv">' in r.text
    assert "Något gick fel" in r.text and 'class="site-nav"' in r.text
    en = client.get("/search?q=a&limit=0&lang=en", headers=HTML)
    assert '<html lang="en">' in en.text and "Something went wrong" in en.text
