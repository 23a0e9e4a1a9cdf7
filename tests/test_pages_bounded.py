"""Class pages at scale: paged, their counts and orderings kept per data version, and every
query a page makes held to the endpoint's time limit."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from kgraph.linkeddata import overview
from kgraph.store.embedded import EmbeddedStore
from kgraph.web.app import create_app

from .conftest import BASE, make_settings

HTML = {"Accept": "text/html"}


PREFIXES = (
    f"@prefix kg: <{BASE}def/> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    "@prefix dct: <http://purl.org/dc/terms/> .\n"
    "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
)


def _turtle(path: Path, statements: list[str]) -> Path:
    """``path`` holding the prefixes above and ``statements``, one per line."""
    path.write_text(PREFIXES + "".join(f"{st} .\n" for st in statements), encoding="utf-8")
    return path


def _things(tmp: Path, n: int) -> Path:
    return _turtle(
        tmp / f"things-{n}.ttl",
        ['kg:Thing a rdfs:Class ; rdfs:label "Sak"@sv']
        + [
            f'<{BASE}id/thing/t{i:03d}> a kg:Thing ; rdfs:label "Sak {i:03d}"@sv'
            + (f' ; dct:issued "{2000 + i % 7}"^^xsd:gYear' if i % 3 else "")
            for i in range(n)
        ],
    )


def test_a_large_class_is_paged_and_ordered_once_per_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(overview, "FULL_SORT_LIMIT", 10)  # 60 things count as a large class
    store = EmbeddedStore(tmp_path / "store", writable=True)
    store.replace([_things(tmp_path, 60)], base_iri=BASE)
    ordered: list[str] = []
    real = overview._order

    def counted(store: Any, class_iri: str, sort: str) -> Any:
        ordered.append(sort)
        return real(store, class_iri, sort)

    monkeypatch.setattr(overview, "_order", counted)
    with TestClient(create_app(make_settings(tmp_path), store)) as client:
        pages = [client.get(f"/def/Thing?page={p}&lang=sv", headers=HTML) for p in (1, 2, 3)]
        assert [r.status_code for r in pages] == [200, 200, 200]
        shown = [set(re.findall(r'href="/id/thing/(t\d+)', r.text)) for r in pages]
        assert [len(s) for s in shown] == [25, 25, 10] and len(set().union(*shown)) == 60
        assert "(60)" in pages[0].text
        assert "t000" in pages[0].text and "t059" in pages[2].text
        assert ordered == ["label"]  # computed once for the three pages
        by_year = client.get("/def/Thing?sort=year&order=asc&page=1&lang=sv", headers=HTML)
        assert by_year.status_code == 200 and ordered == ["label", "year", "label"]
        assert client.get("/def/Thing?page=4", headers=HTML).status_code == 400
        store.replace([_things(tmp_path, 30)], base_iri=BASE)  # a new version
        again = client.get("/def/Thing?page=1&lang=sv", headers=HTML)
        assert "(30)" in again.text and ordered[-1] == "label" and len(ordered) == 4


def test_the_queries_of_a_page_are_held_to_the_time_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page whose query runs away is answered 503 at the limit, like /sparql."""
    store = EmbeddedStore(tmp_path / "store", writable=True)
    store.replace([_things(tmp_path, 200)], base_iri=BASE)
    heavy = "SELECT (COUNT(*) AS ?n) { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    monkeypatch.setattr(overview, "_count", lambda store, c: store.select(heavy) and 10**9)
    with TestClient(create_app(make_settings(tmp_path, query_timeout_s=1), store)) as client:
        r = client.get("/def/Thing", headers=HTML)
        assert r.status_code == 503 and "time limit" in r.text
        assert client.get("/healthz").status_code == 200


def _reports(tmp: Path, n: int) -> Path:
    """A board with ``n`` publications, every third co-authored with another board."""
    return _turtle(
        tmp / f"reports-{n}.ttl",
        [f'<{BASE}id/board/a> rdfs:label "Styrelse A"@sv',
         f'<{BASE}id/board/b> rdfs:label "Styrelse B"@sv']
        + [
            f'<{BASE}id/pub/p{i:03d}> a dct:BibliographicResource ; dct:title "R {i}"@sv ; '
            f'dct:issued "{2000 + i % 4}"^^xsd:gYear ; dct:creator <{BASE}id/board/a>'
            + (f" , <{BASE}id/board/b>" if i % 3 == 1 else "")
            for i in range(n)
        ],
    )  # fmt: skip


def test_a_hubs_charts_are_computed_once_per_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Publications per year and co-authors of a board: computed on the first view, kept
    for the next views (another language, another query string) until the data changes."""
    store = EmbeddedStore(tmp_path / "store", writable=True)
    store.replace([_reports(tmp_path, 12)], base_iri=BASE)
    computed: list[str] = []
    by_year, coauthors = overview.publications_by_year, overview.coauthors

    def years(store: Any, creator: str | None = None) -> Any:
        computed.append("by-year")
        return by_year(store, creator)

    def co(store: Any, creator: str) -> Any:
        computed.append("coauthors")
        return coauthors(store, creator)

    monkeypatch.setattr(overview, "publications_by_year", years)
    monkeypatch.setattr(overview, "coauthors", co)
    with TestClient(create_app(make_settings(tmp_path), store)) as client:
        views = [client.get(f"/id/board/a?lang={lang}&_={n}", headers=HTML) for n, lang in
                 enumerate(("sv", "en", "sv"))]  # fmt: skip
        assert [r.status_code for r in views] == [200, 200, 200]
        assert computed == ["by-year", "coauthors"]  # once for the three views
        assert all('id="chart-coauthors"' in r.text and "Styrelse B" in r.text for r in views)
        store.replace([_reports(tmp_path, 1)], base_iri=BASE)  # a new version: none co-authored
        again = client.get("/id/board/a?_=new", headers=HTML)
        assert again.status_code == 200 and computed[2:] == ["by-year", "coauthors"]
        assert 'id="chart-coauthors"' not in again.text
