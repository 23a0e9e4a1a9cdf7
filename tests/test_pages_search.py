"""Search by label and title; charts as SVG."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient

from kgraph.linkeddata.charts import Node, star, year_bars
from kgraph.linkeddata.search import match_rank, normalise
from tests.conftest import BASE


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [
        ("orebro", "id/county/orebro"),
        ("ÖREBRO LÄN", "id/county/orebro"),
        ("RATTEN till ett eget liv", "id/publication/ratten-till-ett-eget-liv-2004-6"),
        ("Rätten till ett eget liv", "id/publication/ratten-till-ett-eget-liv-2004-6"),
        ("kalmar län", "id/county/kalmar"),
    ],
)
def test_search_finds_case_and_diacritic_insensitively(
    client: TestClient, query: str, expected_first: str
) -> None:
    r = client.get("/search", params={"q": query, "format": "json"})
    assert r.status_code == 200
    results = r.json()["results"]
    assert results and results[0]["iri"] == BASE + expected_first


def test_search_ranking_exact_prefix_word_substring(client: TestClient) -> None:
    results = client.get(
        "/search", params={"q": "kalmar"}, headers={"Accept": "application/json"}
    ).json()["results"]
    ranks = [r["match"] for r in results]
    order = ["exact", "prefix", "word", "substring"]
    assert ranks == sorted(ranks, key=order.index)
    assert {"prefix", "word"} <= set(ranks)
    iris = [r["iri"] for r in results]
    assert len(iris) == len(set(iris)), "one hit per resource"


def test_search_html_and_json_agree(client: TestClient) -> None:
    data = client.get("/search?q=hedersrelaterat&format=json&limit=20").json()
    html = client.get("/search?q=hedersrelaterat").text
    assert data["count"] > 3
    for hit in data["results"]:
        assert f'href="/{hit["iri"][len(BASE) :]}?lang=sv"' in html


def test_search_errors_and_empty(client: TestClient) -> None:
    assert client.get("/search?q=").status_code == 200
    assert client.get("/search?q=zzzyyyxxx&format=json").json()["count"] == 0
    assert client.get("/search?q=a&format=csv").status_code == 406
    assert client.get("/search?q=a&limit=0").status_code == 400
    assert client.get("/search?q=a", headers={"Accept": "image/png"}).status_code == 406


def test_normalise_and_rank() -> None:
    assert normalise("Örebro") == "orebro"
    assert normalise("RÄTTEN") == "ratten"
    assert match_rank("orebro lan", "orebro lan") == 0
    assert match_rank("orebro", "orebro lan") == 1
    assert match_rank("lan", "orebro lan") == 2
    assert match_rank("rebr", "orebro lan") == 3
    assert match_rank("x", "orebro") is None


def test_charts_are_valid_escaped_svg_with_no_link_inside_an_image() -> None:
    bars = year_bars([(2004, 2), (2006, 1)], title="<b>&", chart_id="c1")
    root = ET.fromstring(bars.svg)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-title"
    assert root.find(f"{ns}title").text == "<b>&"
    assert len(root.findall(f".//{ns}rect")) == 2 and root.findall(f".//{ns}a") == []
    assert [r[0] for r in bars.rows] == ["2004", "2005", "2006"], "a real year axis: 2005 has 0"
    xs = [float(r.get("x")) for r in root.findall(f".//{ns}rect")]
    assert xs[1] - xs[0] > 1.9 * (float(root.get("width")) - 44) / 3, "2005 keeps its place"
    net = star(
        Node("Mitt <län>", "/id/x"),
        [(Node("A & B", "/id/a?x=1&y=2"), 3), (Node("C"), 1)],
        title="Nät",
        chart_id="n1",
    )
    root = ET.fromstring(net.svg)
    assert root.get("role") == "group", "a drawing with links is a group, not an image"
    assert len(root.findall(f".//{ns}line")) == 2 and len(root.findall(f".//{ns}circle")) == 3
    assert "Mitt &lt;län&gt;" in net.svg and "/id/a?x=1&amp;y=2" in net.svg
    widths = [float(e.get("stroke-width")) for e in root.findall(f".//{ns}line")]
    assert widths[0] > widths[1], "edges weighted by shared publications"
    assert [(n.label, w) for n, w in net.rows] == [("A & B", 3), ("C", 1)]


def search_json(client: TestClient, q: str, **params: str) -> dict:
    r = client.get("/search", params={"q": q, "format": "json", **params})
    assert r.status_code == 200, r.text
    return r.json()


def test_a_typo_finds_the_word_meant_and_says_so(client: TestClient) -> None:
    data = search_json(client, "kalmr")
    assert data["suggestion"] == "Kalmar"
    assert data["results"][0]["iri"] == BASE + "id/county/kalmar"
    assert {r["match"] for r in data["results"]} == {"similar"}
    html = client.get("/search", params={"q": "kalmr"}).text
    assert "Menade du" in html and 'href="/search?q=Kalmar&amp;lang=sv"' in html
    assert search_json(client, "kalmar")["suggestion"] is None, "no suggestion for a hit"


def test_a_compound_typed_as_one_word_finds_its_parts(client: TestClient) -> None:
    data = search_json(client, "hedersvåld")
    iris = [r["iri"] for r in data["results"]]
    assert BASE + "id/topic/hedersrelaterat-vald" in iris
    assert data["results"][0]["match"] == "compound"


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("1080", "id/municipality/karlskrona"),  # a municipality code
        ("08", "id/county/kalmar"),  # a county code
        ("2004:6", "id/publication/ratten-till-ett-eget-liv-2004-6"),  # a report number
        ("801-3732-09", "id/publication/lansstrategi-kvinnofrid-vastmanland-2009-2010"),
    ],
)
def test_codes_and_numbers_are_searched(client: TestClient, q: str, expected: str) -> None:
    data = search_json(client, q)
    assert data["results"][0]["match"] == "exact"
    assert BASE + expected in [r["iri"] for r in data["results"] if r["match"] == "exact"]


def test_counts_paging_and_kinds(client: TestClient) -> None:
    first = search_json(client, "våld", limit="10")
    assert first["total"] > 50, "no cut at 50"
    assert first["pages"] == -(-first["total"] // 10) and first["count"] == 10
    pages = [
        search_json(client, "våld", limit="10", page=str(n)) for n in range(1, first["pages"] + 1)
    ]
    iris = [r["iri"] for p in pages for r in p["results"]]
    assert len(iris) == len(set(iris)) == first["total"], "every hit once over the pages"
    kinds = {t["type"]: t["count"] for t in first["types"]}
    reports = search_json(client, "våld", type="Report", limit="500")
    assert reports["total"] == kinds["Report"] > 0
    assert all("Rapport" in r["types"] for r in reports["results"])
    assert client.get("/search", params={"q": "våld", "page": "999"}).status_code == 400
    html = client.get("/search", params={"q": "våld", "page": "2"}).text
    assert "Visar 21–40 av" in html and 'rel="prev"' in html and 'rel="next"' in html
    assert 'type="search"' in html and '<option value="Report">' in html


def test_counted_nouns_take_the_right_form(client: TestClient) -> None:
    one = client.get("/search", params={"q": "1080"}).text
    assert ">1 träff<" in one
    many = client.get("/search", params={"q": "1080", "lang": "en"}).text
    assert ">1 result<" in many
    two = client.get("/search", params={"q": "2004:6", "lang": "en"}).text
    assert ">2 results<" in two


def test_the_empty_result_helps(client: TestClient) -> None:
    html = client.get("/search", params={"q": "qqqzzzxx"}).text
    assert "Inga träffar för ”qqqzzzxx”" in html
    assert "Tips" in html and "2004:6" in html
    assert 'href="/def/Publication?lang=sv"' in html, "it offers kinds to browse"
