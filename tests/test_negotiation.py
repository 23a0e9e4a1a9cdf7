"""Content negotiation as a table: Accept headers, q-values, wildcards, aliases, 406."""

from __future__ import annotations

import pytest

from kgraph.negotiation import choose, choose_language

RESULTS = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
]
GRAPHS = ["text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json"]
PAGES = ["text/html", *GRAPHS]

TABLE = [
    # (accept, offered, expected)
    (None, RESULTS, "application/sparql-results+json"),
    ("", GRAPHS, "text/turtle"),
    ("*/*", GRAPHS, "text/turtle"),
    ("text/csv", RESULTS, "text/csv"),
    ("text/*", RESULTS, "text/csv"),
    (
        "application/sparql-results+xml, application/sparql-results+json;q=0.9",
        RESULTS,
        "application/sparql-results+xml",
    ),
    (
        "application/sparql-results+xml;q=0.5, application/sparql-results+json",
        RESULTS,
        "application/sparql-results+json",
    ),
    ("text/tab-separated-values;q=1, */*;q=0.1", RESULTS, "text/tab-separated-values"),
    ("text/csv;q=0, */*;q=0.1", RESULTS, "application/sparql-results+json"),
    ("application/json", RESULTS, "application/sparql-results+json"),
    ("application/json", GRAPHS, "application/ld+json"),
    ("application/xml", RESULTS, "application/sparql-results+xml"),
    ("application/xml", GRAPHS, "application/rdf+xml"),
    ("text/plain", GRAPHS, "application/n-triples"),
    ("application/x-turtle", GRAPHS, "text/turtle"),
    (
        'application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"',
        GRAPHS,
        "application/ld+json",
    ),
    ("text/turtle;q=0.5, application/ld+json", GRAPHS, "application/ld+json"),
    # a browser
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", PAGES, "text/html"),
    # curl
    ("*/*", PAGES, "text/html"),
    # nothing acceptable
    ("image/png", RESULTS, None),
    ("text/turtle", RESULTS, None),
    ("application/sparql-results+json;q=0", RESULTS, None),
]


@pytest.mark.parametrize(("accept", "offered", "expected"), TABLE)
def test_choose(accept: str | None, offered: list[str], expected: str | None) -> None:
    assert choose(accept, offered) == expected


def test_table_size() -> None:
    assert len(TABLE) == 22


def test_nothing_offered() -> None:
    assert choose("*/*", []) is None


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "sv"),
        ("", "sv"),
        ("en", "en"),
        ("en-GB,en;q=0.9", "en"),
        ("sv-SE,sv;q=0.9,en;q=0.8", "sv"),
        ("de-DE", "sv"),
        ("en;q=0.5, sv;q=0.4", "en"),
        ("*", "sv"),
        ("sv-SE, en;q=0.5", "sv"),
        ("en-US", "en"),
        ("en;q=0, sv;q=0", "sv"),
    ],
)
def test_choose_language(header: str | None, expected: str) -> None:
    assert choose_language(header, ["sv", "en"]) == expected
