"""The query editor's page without JavaScript: errors on the same page with the query kept,
in the page's language, with the site's navigation; syntax errors in words over the API;
YASGUI's assets served by kgraph itself, and the one style hash the CSP allows for it."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from fastapi.testclient import TestClient

from kgraph.settings import Settings
from kgraph.web.gate import CSP
from tests.conftest import ROOT

YASGUI = ROOT / "node_modules" / "@zazuko" / "yasgui" / "build"
needs_yasgui = pytest.mark.skipif(
    not (YASGUI / "yasgui.min.js").is_file(), reason="YASGUI is not installed (make runs npm ci)"
)
BROKEN = "SELECT * WHERE {\n  ?s ?p\n}"


def test_a_syntax_error_comes_back_on_the_page(client: TestClient) -> None:
    resp = client.get(
        "/sparql", params={"query": BROKEN, "format": "html", "lang": "sv"},
        headers={"accept": "text/html"},
    )  # fmt: skip
    assert resp.status_code == 400
    page = resp.text
    assert '<nav class="site-nav"' in page  # the site's navigation
    assert '<html lang="sv">' in page
    assert "?s ?p\n}</textarea>" in page  # the query kept, in the form
    assert "rad 2, kolumn 3" in page and "saknar objekt" in page
    assert "  ?s ?p\n  ^</pre>" in page  # the line, a caret under the column
    english = client.get(
        "/sparql", params={"query": BROKEN, "format": "html", "lang": "en"},
        headers={"accept": "text/html"},
    )  # fmt: skip
    assert "line 2, column 3" in english.text and "has no object" in english.text


@pytest.mark.parametrize(
    ("query", "status", "words"),
    [("", 400, "the query is empty"), ("INSERT DATA { <a:a> <a:b> 1 }", 400, "no updates")],
)
def test_other_errors_come_back_on_the_page(
    client: TestClient, query: str, status: int, words: str
) -> None:
    resp = client.get("/sparql", params={"query": query, "format": "html", "lang": "en"})
    assert resp.status_code == status
    assert "The query could not be run" in resp.text and words in resp.text
    assert '<form method="get" action="/sparql"' in resp.text


def test_machines_get_the_error_in_words_with_its_position(client: TestClient) -> None:
    resp = client.get(
        "/sparql", params={"query": "SELECT ?t WHERE { ?s dct:title ?t }"},
        headers={"accept": "application/json"},
    )  # fmt: skip
    assert resp.status_code == 400
    body = resp.json()
    assert (body["line"], body["column"]) == (1, 22)
    assert "PREFIX dct: <http://purl.org/dc/terms/>" in body["error"]
    assert body["explained"]["sv"].startswith("rad 1, kolumn 22: prefixet 'dct:'")
    plain = client.get("/sparql", params={"query": BROKEN})
    assert plain.status_code == 400
    assert plain.text.startswith("SPARQL syntax error at line 2, column 3:")


def test_the_editor_is_configured_for_this_graph(
    client: TestClient, repo_settings: Settings
) -> None:
    import html
    import json

    page = client.get("/sparql", headers={"accept": "text/html"}, params={"lang": "en"}).text
    found = re.search(r"data-config='([^']*)'", page)
    if not YASGUI.is_dir():
        assert found is None and '<form method="get" action="/sparql"' in page
        return
    assert found is not None
    config = json.loads(html.unescape(found.group(1)))
    base = repo_settings.server.base_iri
    assert config["prefixes"]["kg"] == base + "def/" and config["endpoint"] == "/sparql"
    for prefix, ns in config["prefixes"].items():
        assert f"PREFIX {prefix}: <{ns}>" in config["startQuery"]
    assert len(config["examples"]) == len(list((ROOT / "queries").glob("*.rq")))
    assert config["examples"][0]["title"] == "Sweden's 21 counties with their county codes"
    assert [f["name"] for f in config["downloads"]["select"]] == ["json", "xml", "csv", "tsv"]
    assert "lov.linkeddata.es" not in page and "prefix.cc" not in page


@needs_yasgui
def test_yasgui_is_served_by_kgraph(client: TestClient) -> None:
    for name in ("yasgui.min.js", "yasgui.min.css"):
        resp = client.get(f"/static/vendor/yasgui/{name}")
        assert resp.status_code == 200 and len(resp.content) > 10_000
    assert client.get("/static/sparql-editor.js").status_code == 200


@needs_yasgui
def test_the_csp_allows_exactly_the_style_yasgui_injects() -> None:
    """YASGUI's table (column-resizer) adds one <style> element; its hash is the only inline
    style the CSP allows. An upgrade that changes it fails here, not silently in browsers."""
    bundle = (YASGUI / "yasgui.min.js").read_text(encoding="utf-8")
    injected = re.findall(r"createStyle\(a,`([^`]*)`\)", bundle)
    assert len(injected) == 1
    digest = base64.b64encode(hashlib.sha256(injected[0].encode()).digest()).decode()
    style_src = next(d for d in CSP.split(";") if d.strip().startswith("style-src"))
    assert style_src.split() == ["style-src", "'self'", f"'sha256-{digest}'"]
