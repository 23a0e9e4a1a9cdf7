"""Content negotiation of resource descriptions, as a table."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

KALMAR = "/id/county/kalmar"
MISSING = "/id/county/atlantis"

# (path, request headers, status, Content-Type, Content-Language, Content-Location)
ROWS = [
    (KALMAR, {}, 200, "text/html", "sv", "/id/county/kalmar.html"),
    (KALMAR, {"Accept": "*/*"}, 200, "text/html", "sv", "/id/county/kalmar.html"),
    (
        KALMAR,
        {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
        200,
        "text/html",
        "sv",
        "/id/county/kalmar.html",
    ),
    (KALMAR, {"Accept": "text/turtle"}, 200, "text/turtle", None, "/id/county/kalmar.ttl"),
    (
        KALMAR,
        {"Accept": "application/ld+json"},
        200,
        "application/ld+json",
        None,
        "/id/county/kalmar.jsonld",
    ),
    (
        KALMAR,
        {"Accept": "application/rdf+xml"},
        200,
        "application/rdf+xml",
        None,
        "/id/county/kalmar.rdf",
    ),
    (
        KALMAR,
        {"Accept": "application/n-triples"},
        200,
        "application/n-triples",
        None,
        "/id/county/kalmar.nt",
    ),
    (
        KALMAR,
        {"Accept": "text/turtle;q=0.5, application/ld+json;q=0.9"},
        200,
        "application/ld+json",
        None,
        "/id/county/kalmar.jsonld",
    ),
    (
        KALMAR,
        {"Accept": "text/html;q=0.1, text/turtle"},
        200,
        "text/turtle",
        None,
        "/id/county/kalmar.ttl",
    ),
    (
        KALMAR,
        {"Accept": "application/*"},
        200,
        "application/ld+json",
        None,
        "/id/county/kalmar.jsonld",
    ),
    (
        KALMAR,
        {"Accept": "text/*;q=0.5, application/rdf+xml"},
        200,
        "application/rdf+xml",
        None,
        "/id/county/kalmar.rdf",
    ),
    (
        KALMAR,
        {"Accept": "application/json"},
        200,
        "application/ld+json",
        None,
        "/id/county/kalmar.jsonld",
    ),
    (
        KALMAR,
        {"Accept": "text/html;q=0, */*;q=0.1"},
        200,
        "text/turtle",
        None,
        "/id/county/kalmar.ttl",
    ),
    (KALMAR, {"Accept": "image/png"}, 406, None, None, None),
    (
        KALMAR,
        {"Accept-Language": "en-GB,en;q=0.8"},
        200,
        "text/html",
        "en",
        "/id/county/kalmar.html",
    ),
    (
        KALMAR,
        {"Accept-Language": "sv-SE, en;q=0.5"},
        200,
        "text/html",
        "sv",
        "/id/county/kalmar.html",
    ),
    (KALMAR, {"Accept-Language": "de"}, 200, "text/html", "sv", "/id/county/kalmar.html"),
    (
        KALMAR + "?lang=en",
        {"Accept-Language": "sv"},
        200,
        "text/html",
        "en",
        "/id/county/kalmar.html",
    ),
    (KALMAR + ".ttl", {"Accept": "text/html"}, 200, "text/turtle", None, None),
    (KALMAR + ".jsonld", {}, 200, "application/ld+json", None, None),
    (KALMAR + ".rdf", {}, 200, "application/rdf+xml", None, None),
    (KALMAR + ".nt", {}, 200, "application/n-triples", None, None),
    (
        KALMAR + ".html",
        {"Accept": "text/turtle", "Accept-Language": "en"},
        200,
        "text/html",
        "en",
        None,
    ),
    ("/def/County", {"Accept": "text/turtle"}, 200, "text/turtle", None, "/def/County.ttl"),
    ("/def/index.nt", {}, 200, "application/n-triples", None, None),
    (MISSING, {}, 404, "text/html", "sv", "/id/county/atlantis.html"),
    (MISSING, {"Accept": "text/turtle"}, 404, "text/turtle", None, "/id/county/atlantis.ttl"),
    (MISSING + ".ttl", {}, 404, "text/turtle", None, None),
    (MISSING + ".jsonld", {}, 404, "application/ld+json", None, None),
    (MISSING + ".rdf", {}, 404, "application/rdf+xml", None, None),
]


@pytest.mark.parametrize(("path", "headers", "status", "ctype", "clang", "cloc"), ROWS)
def test_negotiation_table(
    client: TestClient,
    path: str,
    headers: dict[str, str],
    status: int,
    ctype: str | None,
    clang: str | None,
    cloc: str | None,
) -> None:
    r = client.get(path, headers=headers)
    assert r.status_code == status, r.text[:300]
    if ctype is not None:
        assert r.headers["content-type"].split(";")[0] == ctype
    assert r.headers.get("content-language") == clang
    assert r.headers.get("content-location") == cloc
    if status == 200 and "." not in path.rsplit("/", 1)[-1].split("?")[0]:
        assert "Accept" in r.headers["vary"]
        links = r.headers["link"]
        assert links.count('rel="alternate"') == 4
        assert ctype is not None and f'type="{ctype}"' not in links


def test_not_found_bodies_are_in_the_format(client: TestClient) -> None:
    ttl = client.get(MISSING + ".ttl")
    assert ttl.text.startswith("# Not found")
    import rdflib

    assert len(rdflib.Graph().parse(data=ttl.text, format="turtle")) == 0
    assert len(rdflib.Graph().parse(data=client.get(MISSING + ".rdf").text, format="xml")) == 0
    assert client.get(MISSING + ".jsonld").json() == []
    html = client.get(MISSING).text
    assert "404" in html and "atlantis" in html


@pytest.mark.parametrize(
    ("path", "accept"),
    [(KALMAR, "text/html"), (KALMAR, "text/turtle"), (KALMAR + ".jsonld", None)],
)
def test_conditional_requests(client: TestClient, path: str, accept: str | None) -> None:
    headers = {"Accept": accept} if accept else {}
    first = client.get(path, headers=headers)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert etag.startswith('"') and modified.endswith("GMT")
    again = client.get(path, headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    weak = client.get(path, headers={**headers, "If-None-Match": f'"other", W/{etag}'})
    assert weak.status_code == 304
    assert client.get(path, headers={**headers, "If-None-Match": '"other"'}).status_code == 200
    since = client.get(path, headers={**headers, "If-Modified-Since": modified})
    assert since.status_code == 304
    older = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert client.get(path, headers={**headers, "If-Modified-Since": older}).status_code == 200
    # If-None-Match wins over If-Modified-Since (RFC 9110)
    both = client.get(
        path, headers={**headers, "If-None-Match": '"x"', "If-Modified-Since": modified}
    )
    assert both.status_code == 200
    assert client.get(path, headers={**headers, "If-Modified-Since": "garbage"}).status_code == 200


def test_etag_differs_by_format_and_language(client: TestClient) -> None:
    tags = {
        client.get(KALMAR, headers=h).headers["etag"]
        for h in (
            {"Accept": "text/turtle"},
            {"Accept": "application/ld+json"},
            {"Accept-Language": "sv"},
            {"Accept-Language": "en"},
        )
    }
    assert len(tags) == 4


def test_head_answers_like_get(client: TestClient) -> None:
    r = client.head(KALMAR, headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
